#include "ranks.h"

#include <stdlib.h>
#include <string.h>

#include "stats.h"
#include "sum.h"

void psum_rank_slice(uint64_t n, int ranks, int rank, uint64_t *lo, uint64_t *hi)
{
    psum_chunk_bounds(n, (uint64_t)ranks, (uint64_t)rank, lo, hi);
}

psum_u128 psum_slice_sum(uint64_t lo, uint64_t hi)
{
    return lo < hi ? psum_expected_sum(hi) - psum_expected_sum(lo) : 0;
}

typedef struct {
    const char *names;
    size_t stride;
} name_table;

static const char *name_of(const name_table *t, int rank)
{
    return t->names + (size_t)rank * t->stride;
}

/* Orders ranks by name, then by rank, so each node's first rank leads. */
static int by_name(const void *a, const void *b, void *ctx)
{
    int ra = *(const int *)a, rb = *(const int *)b;
    int c = strcmp(name_of(ctx, ra), name_of(ctx, rb));
    return c != 0 ? c : (ra > rb) - (ra < rb);
}

/* psum_count_nodes with its work arrays allocated, ranks entries each. */
static int number_nodes(const name_table *table, int ranks, int *order, int *leader,
                        int *number, int *node_of, int *most_per_node)
{
    for (int r = 0; r < ranks; r++)
        order[r] = r;
    qsort_r(order, (size_t)ranks, sizeof *order, by_name, (void *)table);

    /* leader[r]: the first rank with r's name, as the sort puts it first. */
    int most = 0, run = 0;
    for (int i = 0; i < ranks; i++) {
        int same = i > 0 && strcmp(name_of(table, order[i]),
                                   name_of(table, order[i - 1])) == 0;
        run = same ? run + 1 : 1;
        leader[order[i]] = same ? leader[order[i - 1]] : order[i];
        most = run > most ? run : most;
    }
    /* A leader comes before the other ranks of its node, so it is numbered first. */
    int nodes = 0;
    for (int r = 0; r < ranks; r++) {
        if (leader[r] == r)
            number[r] = nodes++;
        if (node_of != NULL)
            node_of[r] = number[leader[r]];
    }
    *most_per_node = most;
    return nodes;
}

int psum_count_nodes(const char *names, size_t stride, int ranks, int *node_of,
                     int *most_per_node)
{
    name_table table = {names, stride};
    size_t count = ranks > 0 ? (size_t)ranks : 1;
    int *order = malloc(count * sizeof *order);
    int *leader = malloc(count * sizeof *leader);
    int *number = malloc(count * sizeof *number);
    int nodes = -1;
    if (order != NULL && leader != NULL && number != NULL)
        nodes = number_nodes(&table, ranks, order, leader, number, node_of, most_per_node);
    free(order);
    free(leader);
    free(number);
    return nodes;
}

void psum_spread_of(const double *v, size_t n, psum_spread *out)
{
    memset(out, 0, sizeof *out);
    if (n == 0)
        return;
    double sum = 0;
    out->min_s = out->max_s = v[0];
    for (size_t i = 0; i < n; i++) {
        sum += v[i];
        out->min_s = v[i] < out->min_s ? v[i] : out->min_s;
        out->max_s = v[i] > out->max_s ? v[i] : out->max_s;
    }
    out->mean_s = sum / (double)n;
}

double psum_reduce_share(const double *rep_s, const double *local_max_s, size_t n)
{
    if (n == 0)
        return -1;
    double *d = malloc(n * sizeof *d);
    if (d == NULL)
        return -1;
    for (size_t i = 0; i < n; i++)
        d[i] = rep_s[i] > local_max_s[i] ? rep_s[i] - local_max_s[i] : 0;
    psum_stats s;
    int rc = psum_stats_compute(d, n, &s);
    free(d);
    return rc == 0 ? s.median : -1;
}

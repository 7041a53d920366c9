#include "mpi_qualify.h"

#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "env.h"
#include "timer.h"

/*
 * CPUs are exchanged as one int per CPU number below CPU_SETSIZE (1024):
 * a machine with more CPUs has the rest left out of the counts.
 */
static void to_bitmap(const psum_cpus *c, int *bits)
{
    for (size_t i = 0; i < CPU_SETSIZE; i++)
        bits[i] = c->set != NULL && i < 8 * c->size && CPU_ISSET_S(i, c->size, c->set);
}

/* The CPUs whose count in `ranks_on` is at least one; empty if memory is refused. */
static void from_bitmap(const int *ranks_on, psum_cpus *c)
{
    cpu_set_t *set = CPU_ALLOC(CPU_SETSIZE);
    size_t size = CPU_ALLOC_SIZE(CPU_SETSIZE);
    *c = (psum_cpus){NULL, 0, 0};
    if (set == NULL)
        return;
    CPU_ZERO_S(size, set);
    for (size_t i = 0; i < CPU_SETSIZE; i++) {
        if (ranks_on[i] > 0)
            CPU_SET_S(i, size, set);
    }
    *c = (psum_cpus){set, size, CPU_COUNT_S(size, set)};
}

static int rank_in(MPI_Comm comm)
{
    int rank = 0;
    MPI_Comm_rank(comm, &rank);
    return rank;
}

void psum_mpi_watch_start(psum_mpi_watch *w, MPI_Comm node)
{
    int mine[CPU_SETSIZE], ranks_on[CPU_SETSIZE];
    memset(w, 0, sizeof *w);
    w->node = node;
    psum_cpus_allowed(&w->mine);
    to_bitmap(&w->mine, mine);
    MPI_Allreduce(mine, ranks_on, CPU_SETSIZE, MPI_INT, MPI_SUM, node);
    from_bitmap(ranks_on, &w->on_node);
    for (size_t i = 0; i < CPU_SETSIZE; i++)
        w->shares_cpus = w->shares_cpus || (mine[i] && ranks_on[i] > 1);
    w->own_start = psum_process_cpu_time();
    if (rank_in(node) == 0)
        w->start = psum_load_mark_now(&w->on_node);
}

/*
 * The (threads, cpus) pair of the rank whose threads / cpus is largest,
 * on rank 0; a rank with ratio < 0 takes no part.  Collective over comm.
 */
static void worst_pair(MPI_Comm comm, double ratio, int threads, int cpus, int *out_threads,
                       int *out_cpus)
{
    struct {
        double ratio;
        int rank;
    } in = {ratio, rank_in(comm)}, out = {0, 0};
    int pair[2] = {threads, cpus};
    MPI_Allreduce(&in, &out, 1, MPI_DOUBLE_INT, MPI_MAXLOC, comm);
    if (out.rank != 0 && in.rank == out.rank)
        MPI_Send(pair, 2, MPI_INT, 0, 0, comm);
    if (out.rank != 0 && in.rank == 0)
        MPI_Recv(pair, 2, MPI_INT, out.rank, 0, comm, MPI_STATUS_IGNORE);
    *out_threads = pair[0];
    *out_cpus = pair[1];
}

static double per_cpu(int threads, int cpus)
{
    return cpus > 0 ? (double)threads / cpus : 0;
}

void psum_mpi_qualify(psum_mpi_watch *w, MPI_Comm comm, int team, psum_result *r,
                      psum_mpi_placement *p)
{
    const bool leader = rank_in(w->node) == 0;
    double own = psum_process_cpu_time() - w->own_start, node_own = 0;
    int node_threads = 0;
    MPI_Reduce(&own, &node_own, 1, MPI_DOUBLE, MPI_SUM, 0, w->node);
    MPI_Reduce(&team, &node_threads, 1, MPI_INT, MPI_SUM, 0, w->node);

    /* Each node's load: its CPUs' busy time less all its ranks' own. */
    double load = -1, worst_load = -1;
    int node_cpus = leader ? w->on_node.count : 0, total_cpus = 0;
    if (leader) {
        psum_load_mark start = w->start, end = psum_load_mark_now(&w->on_node);
        start.own = 0;
        end.own = node_own;
        load = psum_background_load(&start, &end, node_cpus);
    }
    MPI_Reduce(&load, &worst_load, 1, MPI_DOUBLE, MPI_MAX, 0, comm);
    MPI_Reduce(&node_cpus, &total_cpus, 1, MPI_INT, MPI_SUM, 0, comm);
    worst_pair(comm, leader ? per_cpu(node_threads, node_cpus) : -1, node_threads, node_cpus,
               &p->busiest_node_threads, &p->busiest_node_cpus);
    worst_pair(comm, per_cpu(team, w->mine.count), team, w->mine.count,
               &p->crowded_rank_threads, &p->crowded_rank_cpus);
    int here = w->shares_cpus, anywhere = 0;
    MPI_Reduce(&here, &anywhere, 1, MPI_INT, MPI_LOR, 0, comm);
    if (rank_in(comm) != 0)
        return;

    p->ranks_share_cpus = anywhere != 0;
    p->node_oversubscribed = p->busiest_node_cpus > 0 &&
                             p->busiest_node_threads > p->busiest_node_cpus;
    p->rank_crowded = p->crowded_rank_cpus > 0 &&
                      p->crowded_rank_threads > p->crowded_rank_cpus;
    r->qual.cpus_allowed = total_cpus;
    r->qual.background_load = worst_load;
    psum_qualify(r);
    /* Enough CPUs in all is not enough: each node and each rank needs its own. */
    r->qual.oversubscribed = r->qual.oversubscribed || p->node_oversubscribed ||
                             p->rank_crowded;
}

void psum_mpi_collect_warnings(const psum_result *r, const psum_mpi_placement *p,
                               int threads_min, const psum_machine *m, psum_warnings *w)
{
    psum_result view = *r;
    psum_machine view_machine = *m;
    if (p->node_oversubscribed) {
        view.team = p->busiest_node_threads;
        view.qual.cpus_allowed = p->busiest_node_cpus;
    } else if (p->rank_crowded) {
        view.qual.oversubscribed = false; /* the rank's own line below says how */
    }
    /* Unbound ranks must not be told to bind their threads: see below. */
    if (p->ranks_share_cpus && m->omp_proc_bind == NULL)
        view_machine.omp_proc_bind = "false";
    psum_collect_warnings(&view, &view_machine, w);

    char line[PSUM_WARNING_SIZE];
    if (threads_min != r->ranks.threads_per_rank) {
        snprintf(line, sizeof line, "the ranks run different numbers of threads, %d to %d",
                 threads_min, r->ranks.threads_per_rank);
        psum_add_warning(w, line);
    }
    if (p->rank_crowded) {
        snprintf(line, sizeof line,
                 "a rank runs %d threads on the %d CPU%s it may run on: give each rank a CPU "
                 "per thread (mpirun --map-by slot:pe=T --bind-to core, or --bind-to none) or "
                 "run fewer threads",
                 p->crowded_rank_threads, p->crowded_rank_cpus,
                 p->crowded_rank_cpus == 1 ? "" : "s");
        psum_add_warning(w, line);
    }
    const char *bind = m->omp_proc_bind;
    if (p->ranks_share_cpus && (bind == NULL || strcasecmp(bind, "false") != 0)) {
        snprintf(line, sizeof line,
                 "ranks on one node share their CPUs (mpirun --bind-to none?): %s; bind ranks "
                 "apart with mpirun --map-by slot:pe=T --bind-to core",
                 bind == NULL ? "threads may migrate between them"
                              : "OMP_PROC_BIND pins every rank's threads onto the same CPUs");
        psum_add_warning(w, line);
    }
}

void psum_mpi_watch_free(psum_mpi_watch *w)
{
    psum_cpus_free(&w->mine);
    psum_cpus_free(&w->on_node);
}

void psum_rank_drops_of(const psum_env_dropped *dropped, psum_rank_drops *d)
{
    memset(d, 0, sizeof *d);
    for (size_t i = 0; i < dropped->count; i++) {
        snprintf(d->name[i], sizeof d->name[i], "%s", dropped->item[i].name);
        psum_env_warning(&dropped->item[i], d->line[i], sizeof d->line[i]);
    }
    d->count = (int)dropped->count;
}

/* Rank r's line for the variable `name`, or NULL if it removed none. */
static const char *line_of(const psum_rank_drops *d, const char *name)
{
    for (int i = 0; i < d->count; i++) {
        if (strcmp(d->name[i], name) == 0)
            return d->line[i];
    }
    return NULL;
}

/* Whether a rank before `rank` already removed a value of `name`. */
static bool seen_before(const psum_rank_drops *all, int rank, const char *name)
{
    for (int r = 0; r < rank; r++) {
        if (line_of(&all[r], name) != NULL)
            return true;
    }
    return false;
}

/* "rank 1", "ranks 1 and 2", "ranks 1, 2 and 3", "ranks 1, 2, 3 and 4 more". */
static void name_ranks(const int *named, int count, char *buf, size_t len)
{
    if (count == 1) {
        snprintf(buf, len, "rank %d", named[0]);
    } else if (count == 2) {
        snprintf(buf, len, "ranks %d and %d", named[0], named[1]);
    } else if (count == 3) {
        snprintf(buf, len, "ranks %d, %d and %d", named[0], named[1], named[2]);
    } else {
        snprintf(buf, len, "ranks %d, %d, %d and %d more", named[0], named[1], named[2],
                 count - 3);
    }
}

/* The line for one variable, first removed by rank `first`. */
static void merge_one(const psum_rank_drops *all, int ranks, int first, const char *name,
                      psum_warnings *w)
{
    const char *mine = line_of(&all[first], name);
    int named[3], same = 0, other = 0;
    for (int r = first; r < ranks; r++) {
        const char *l = line_of(&all[r], name);
        if (l != NULL && strcmp(l, mine) != 0)
            other++;
        else if (l != NULL && same++ < 3)
            named[same - 1] = r;
    }
    if (same == ranks) {
        psum_add_warning(w, mine);
        return;
    }
    char who[96], rest[64] = "", line[PSUM_WARNING_SIZE];
    name_ranks(named, same, who, sizeof who);
    if (other > 0)
        snprintf(rest, sizeof rest, " (%d other rank%s ignored other values)", other,
                 other == 1 ? "" : "s");
    snprintf(line, sizeof line, "%s: %s%s", who, mine, rest);
    psum_add_warning(w, line);
}

void psum_mpi_merge_drops(const psum_rank_drops *all, int ranks, psum_warnings *w)
{
    for (int r = 0; r < ranks; r++) {
        for (int i = 0; i < all[r].count; i++) {
            if (!seen_before(all, r, all[r].name[i]))
                merge_one(all, ranks, r, all[r].name[i], w);
        }
    }
}

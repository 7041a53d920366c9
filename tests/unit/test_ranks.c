/*
 * psum_mpi's figures that need no MPI: the slices, the node count from
 * host names, the spread over ranks, the reduction's share.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <stdio.h>
#include <string.h>

#include "ranks.h"

static char got[PSUM_U128_DEC_SIZE], want[PSUM_U128_DEC_SIZE];

Test(ranks, slices_cover_every_element_once_and_sum_exactly)
{
    const uint64_t ns[] = {1, 2, 3, 101, 1000007, (uint64_t)1 << 62};
    const int counts[] = {1, 2, 3, 7, 64, 1000};
    for (size_t a = 0; a < sizeof ns / sizeof ns[0]; a++)
        for (size_t b = 0; b < sizeof counts / sizeof counts[0]; b++) {
            uint64_t n = ns[a], prev = 0;
            psum_u128 total = 0;
            for (int r = 0; r < counts[b]; r++) {
                uint64_t lo, hi;
                psum_rank_slice(n, counts[b], r, &lo, &hi);
                cr_assert(eq(u64, lo, prev), "n=%llu ranks=%d rank=%d",
                          (unsigned long long)n, counts[b], r);
                cr_assert(le(u64, lo, hi));
                total += psum_slice_sum(lo, hi);
                prev = hi;
            }
            cr_assert(eq(u64, prev, n));
            cr_assert(eq(str, psum_u128_to_dec(total, got),
                         psum_u128_to_dec(psum_expected_sum(n), want)),
                      "n=%llu ranks=%d", (unsigned long long)n, counts[b]);
        }
}

Test(ranks, more_ranks_than_elements_leave_empty_slices)
{
    int empty = 0;
    for (int r = 0; r < 5; r++) {
        uint64_t lo, hi;
        psum_rank_slice(2, 5, r, &lo, &hi);
        empty += lo == hi;
        cr_assert(eq(u64, (uint64_t)psum_slice_sum(lo, hi), lo == hi ? 0 : lo));
    }
    cr_assert(eq(int, empty, 3));
}

static char hosts[6][PSUM_HOST_NAME_SIZE];

static int count(int ranks, int *node_of, int *most)
{
    return psum_count_nodes(&hosts[0][0], PSUM_HOST_NAME_SIZE, ranks, node_of, most);
}

Test(ranks, nodes_are_distinct_host_names_numbered_by_first_rank)
{
    const char *names[] = {"b", "a", "b", "c", "a", "b"};
    for (int r = 0; r < 6; r++)
        snprintf(hosts[r], sizeof hosts[r], "%s", names[r]);
    int node_of[6], most = 0;
    cr_assert(eq(int, count(6, node_of, &most), 3));
    cr_assert(eq(int, most, 3));
    const int expect[] = {0, 1, 0, 2, 1, 0};
    for (int r = 0; r < 6; r++)
        cr_assert(eq(int, node_of[r], expect[r]), "rank %d", r);

    cr_assert(eq(int, count(1, NULL, &most), 1));
    cr_assert(eq(int, most, 1));
}

Test(ranks, spread_and_reduce_share)
{
    const double v[] = {0.5, 0.25, 1.0, 0.25};
    psum_spread s;
    psum_spread_of(v, 4, &s);
    cr_assert(ieee_ulp_eq(dbl, s.min_s, 0.25, 1));
    cr_assert(ieee_ulp_eq(dbl, s.mean_s, 0.5, 1));
    cr_assert(ieee_ulp_eq(dbl, s.max_s, 1.0, 1));
    psum_spread_of(v, 0, &s);
    cr_assert(ieee_ulp_eq(dbl, s.max_s, 0.0, 1));

    /* Repetitions 1.0, 2.0, 3.0 s with slowest local sums leaving 0.25, 0.5, and -0.5 (noise: 0). */
    const double rep[] = {1.0, 2.0, 3.0}, local[] = {0.75, 1.5, 3.5};
    cr_assert(ieee_ulp_eq(dbl, psum_reduce_share(rep, local, 3), 0.25, 1));
    cr_assert(ieee_ulp_eq(dbl, psum_reduce_share(rep, local, 0), -1.0, 1));
}

/*
 * The figures of a run across MPI ranks that need no MPI to compute: each
 * rank's slice of the elements, the nodes behind the ranks' host names,
 * the spread of per-rank times, and the reduction's share of a
 * repetition.  The MPI driver (mpi_run) gathers the inputs; these
 * functions, tested without MPI, turn them into the figures reported.
 */
#ifndef PSUM_RANKS_H
#define PSUM_RANKS_H

#include <stddef.h>
#include <stdint.h>

#include "exact.h"

/* Bytes of one host name as gathered from every rank, NUL included. */
#define PSUM_HOST_NAME_SIZE 256

/* Smallest, mean and largest of one figure over the ranks. */
typedef struct {
    double min_s, mean_s, max_s;
} psum_spread;

/* What psum_mpi reports beyond psum_omp's figures. */
typedef struct {
    int ranks;
    int threads_per_rank;  /* threads running in each rank (the most, should they differ) */
    int nodes;             /* distinct host names */
    int ranks_per_node;    /* ranks on the most crowded node */
    /*
     * Each rank's median time of its local sum per call over the timed
     * samples, spread over the ranks: max over mean is the imbalance.
     */
    psum_spread imbalance;
    /*
     * Median over the timed samples of a call's time less the slowest
     * local sum (both per call): the reduction's latency plus the skew
     * with which the ranks started their sums (from the barrier, or from
     * the previous call's reduction).
     */
    double reduce_s;
} psum_ranks;

/*
 * Rank `rank` of `ranks` owns elements [*lo, *hi) of [0, n): lo = rank·n /
 * ranks, hi = (rank+1)·n / ranks in 128-bit arithmetic, so the slices
 * cover [0, n) exactly once for any n and ranks; with ranks > n some are
 * empty.  Requires ranks >= 1 and 0 <= rank < ranks.
 */
void psum_rank_slice(uint64_t n, int ranks, int rank, uint64_t *lo, uint64_t *hi);

/* lo + (lo+1) + ... + (hi-1), exact; 0 for an empty slice (lo >= hi). */
psum_u128 psum_slice_sum(uint64_t lo, uint64_t hi);

/*
 * Counts the distinct names among `ranks` NUL-terminated host names stored
 * `stride` bytes apart from `names`.  Stores in node_of[r] (may be NULL)
 * the node of rank r, numbered from 0 in order of first appearance, and in
 * *most_per_node the most ranks that share one name.  Returns the number
 * of nodes, or -1 if memory for the sort is refused.
 */
int psum_count_nodes(const char *names, size_t stride, int ranks, int *node_of,
                     int *most_per_node);

/* Min, mean and max of v[0..n-1]; all 0 when n is 0. */
void psum_spread_of(const double *v, size_t n, psum_spread *out);

/*
 * The median over i < n of rep_s[i] - local_max_s[i] (negative
 * differences, clock noise, count as 0): psum_ranks.reduce_s from each
 * sample's time per call and its slowest local sum per call.  Returns -1 if n is 0 or
 * memory is refused.
 */
double psum_reduce_share(const double *rep_s, const double *local_max_s, size_t n);

#endif

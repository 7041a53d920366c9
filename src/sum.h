/*
 * The summing kernels: a serial sum over a range, the chunk partition, and
 * the OpenMP parallel sum over chunks with a reduction.
 *
 * Values are 0, 1, ..., n-1, either read from a materialized array or
 * generated on the fly (stream mode).  Every element is really added: the
 * stream kernel is written with vector types so no compiler folds it into
 * the closed form.  Results are exact for any n <= 2^62: each block of
 * elements is summed in 64 bits only as far as its total provably fits,
 * and blocks are combined in 128 bits.
 */
#ifndef PSUM_SUM_H
#define PSUM_SUM_H

#include <stdint.h>

#include "config.h"
#include "exact.h"

typedef struct {
    /*
     * The materialized array, whose element i must hold i and sit at
     * data[i - first]; NULL for stream mode.  Borrowed, never freed here.
     */
    const int64_t *data;
    /*
     * Number of elements, 1 <= n <= PSUM_MAX_ELEMENTS (2^62).  Every value
     * is below n, which bounds how long a block may be summed in 64 bits,
     * also when only a slice of the values is summed.
     */
    uint64_t n;
    /*
     * Index of data[0]: 0 when data holds all n elements, lo when it holds
     * only the slice [lo, hi) that the caller sums (one MPI rank's share).
     * Ignored in stream mode.
     */
    uint64_t first;
    /*
     * The stream kernel's width in 64-bit lanes: one of the widths that
     * psum_stream_choose names, usually its choice; 0 (or any width this
     * build lacks) means psum_stream_lanes(), the build's widest.
     */
    int lanes;
} psum_source;

/*
 * The stream kernel's widths in this build and the one to use.  An AVX-512
 * build has two (8 and 4 lanes), timed against each other; any other build
 * has one, untimed.
 */
typedef struct {
    int lanes;         /* the width to use: the faster in the trial */
    int widths;        /* widths in this build: 1 or 2 */
    int width[2];      /* their lanes, widest first; width[widths..1] is 0 */
    /*
     * Each width's trial time in seconds: every thread's best of five,
     * the slowest thread's; -1 when untimed.
     */
    double trial_s[2];
    int threads;       /* threads that ran the trial at once; 0 when untimed */
    int wrong_lanes;   /* a width whose trial sum was wrong (a bug); 0 when none */
} psum_stream_choice;

/*
 * The trial of psum_stream_choose: values each thread sums per width and
 * round (about 0.6 ms on one core of an AMD EPYC VM), and rounds.
 */
#define PSUM_STREAM_TRIAL_VALUES ((uint64_t)1 << 24)
#define PSUM_STREAM_TRIAL_ROUNDS 5

/*
 * Chunk k of `chunks` over [0, n): stores [*lo, *hi).  Consecutive chunks
 * touch (hi of k is lo of k+1), chunk 0 starts at 0 and the last ends at n,
 * so the chunks cover [0, n) exactly once; when chunks > n some are empty.
 * Requires chunks >= 1 and k < chunks.
 */
void psum_chunk_bounds(uint64_t n, uint64_t chunks, uint64_t k,
                       uint64_t *lo, uint64_t *hi);

/*
 * The stream kernel's widest width in this build, in 64-bit lanes per
 * vector: 8 (AVX-512), 4 (AVX2) or 2 (otherwise), one register's worth.
 */
int psum_stream_lanes(void);

/*
 * The width, in lanes, that the stream kernel runs at for src: src->lanes
 * where this build has that width, else psum_stream_lanes().
 */
int psum_stream_width(const psum_source *src);

/*
 * Picks the stream kernel's width for this CPU.  With two widths, times
 * each on `threads` threads at once (a team of its own, started together;
 * below 1 means 1; the caller keeps it to one per CPU, or the trial times
 * the scheduler), every thread over the same PSUM_STREAM_TRIAL_VALUES
 * values, PSUM_STREAM_TRIAL_ROUNDS rounds in alternating order, best of
 * them, a few milliseconds in all; a width's time is its slowest thread's,
 * since a phase waits for its slowest core (another tenant on a shared core
 * can slow one width and not the other).  Returns the faster width, and in
 * wrong_lanes a width whose sum was wrong, which the caller must report as
 * a failure; with one width, returns it at once.  Call it once before the
 * timed phases, never inside them.
 */
psum_stream_choice psum_stream_choose(int threads);

/*
 * Sums elements [lo, hi) of src on the calling thread (lo <= hi <= n; a
 * materialized src must hold them: first <= lo).
 */
psum_u128 psum_sum_range(const psum_source *src, uint64_t lo, uint64_t hi);

/*
 * Sums all n elements with `#pragma omp parallel for schedule(...)` over
 * `chunks` chunks and a reduction, in a team of `threads` threads.
 * Stores the number of threads actually running in the team in *team.
 * schedule must be below PSUM_SCHED_COUNT.
 */
psum_u128 psum_sum_parallel(const psum_source *src, uint64_t chunks,
                            psum_schedule schedule, int threads, int *team);

/*
 * The same over elements [lo, hi) alone (lo <= hi <= n; a materialized src
 * must hold them): `chunks` chunks partition [lo, hi) as psum_chunk_bounds
 * partitions [0, hi - lo), shifted by lo.  An empty range sums to 0 and
 * still starts the team.
 */
psum_u128 psum_sum_parallel_range(const psum_source *src, uint64_t lo, uint64_t hi,
                                  uint64_t chunks, psum_schedule schedule,
                                  int threads, int *team);

#endif

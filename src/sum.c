#include "sum.h"

#include <omp.h>
#include <stdbool.h>

#include "timer.h"

/*
 * 64-bit lanes per vector: one register's worth, so the stream loop's ten
 * vectors (four of values, four accumulators, the step, the limit) stay in
 * registers: 8 with AVX-512 (a zmm), 4 with AVX2 (a ymm), 2 elsewhere (an
 * SSE2 xmm, an Arm NEON register).  More lanes than a register holds make
 * gcc store and reload the vectors on the stack in every round.
 *
 * An AVX-512 build also has the four-lane kernel, and psum_stream_choose
 * times both on the run's threads: which is faster depends on the core
 * (Intel's cores add two 512-bit vectors per cycle but three 256-bit ones;
 * AMD's split 512-bit work in two).
 * BARRIER_REG: see sum_stream.inc.
 */
#if defined(__AVX512F__)
#define LANES 8
#define HAS_FOUR_LANES 1
#define BARRIER_REG "v"
#elif defined(__AVX2__)
#define LANES 4
#define BARRIER_REG "x"
#elif defined(__SSE2__)
#define LANES 2
#define BARRIER_REG "x"
#elif defined(__aarch64__)
#define LANES 2
#define BARRIER_REG "w"
#else
#define LANES 2
#endif

#define STREAM_LANES LANES
#define STREAM_BLOCK stream_block_native
#include "sum_stream.inc"
#undef STREAM_LANES
#undef STREAM_BLOCK

#ifdef HAS_FOUR_LANES
#define STREAM_LANES 4
#define STREAM_BLOCK stream_block_four
#include "sum_stream.inc"
#undef STREAM_LANES
#undef STREAM_BLOCK
#endif

void psum_chunk_bounds(uint64_t n, uint64_t chunks, uint64_t k,
                       uint64_t *lo, uint64_t *hi)
{
    *lo = (uint64_t)((psum_u128)k * n / chunks);
    *hi = (uint64_t)((psum_u128)(k + 1) * n / chunks);
}

/*
 * Longest block whose sum fits in 64 bits: every value is below n, so a
 * block of b elements sums to less than b * n <= UINT64_MAX.
 */
static uint64_t block_length(uint64_t n)
{
    return n <= 1 ? UINT64_MAX : UINT64_MAX / n;
}

int psum_stream_lanes(void)
{
    return LANES;
}

int psum_stream_width(const psum_source *src)
{
#ifdef HAS_FOUR_LANES
    if (src->lanes == 4)
        return 4;
#else
    (void)src;
#endif
    return LANES;
}

static uint64_t stream_block(const psum_source *src, uint64_t lo, uint64_t hi)
{
#ifdef HAS_FOUR_LANES
    if (psum_stream_width(src) == 4)
        return stream_block_four(lo, hi);
#else
    (void)src;
#endif
    return stream_block_native(lo, hi);
}

#ifdef HAS_FOUR_LANES
/*
 * The first value of every trial: zero, read anew for each call, so no
 * compiler can treat two calls of a kernel (which reads no memory) as one
 * and time the second as nothing.
 */
static volatile uint64_t trial_first = 0;

/*
 * One thread's trial: its best time of each width in best[], and whether a
 * width summed wrong in wrong[].
 */
static void trial(double best[2], bool wrong[2])
{
    /* 0 + 1 + ... + (PSUM_STREAM_TRIAL_VALUES - 1), which fits in 64 bits. */
    const uint64_t want = PSUM_STREAM_TRIAL_VALUES * (PSUM_STREAM_TRIAL_VALUES - 1) / 2;
    for (int r = 0; r < PSUM_STREAM_TRIAL_ROUNDS; r++)
        for (int k = 0; k < 2; k++) {
            int w = (r + k) % 2; /* each round starts with the other width */
            double t0 = psum_now();
            uint64_t lo = trial_first, hi = lo + PSUM_STREAM_TRIAL_VALUES;
            uint64_t s = w == 0 ? stream_block_native(lo, hi) : stream_block_four(lo, hi);
            /* The sum is used here, before the clock is read again. */
            __asm__ volatile("" : "+r"(s));
            double t = psum_now() - t0;
            wrong[w] = wrong[w] || s != want;
            if (best[w] < 0 || t < best[w])
                best[w] = t;
        }
}
#endif

psum_stream_choice psum_stream_choose(int threads)
{
    psum_stream_choice c = {.lanes = LANES, .widths = 1, .width = {LANES, 0},
                            .trial_s = {-1, -1}, .threads = 0, .wrong_lanes = 0};
#ifdef HAS_FOUR_LANES
    c.widths = 2;
    c.width[1] = 4;
    bool wrong[2] = {false, false};
#pragma omp parallel num_threads(threads > 0 ? threads : 1)
    {
        double best[2] = {-1, -1};
        bool bad[2] = {false, false};
        /* The threads start their trials together, as a phase's do. */
#pragma omp barrier
        trial(best, bad);
#pragma omp critical
        {
            c.threads++;
            for (int w = 0; w < 2; w++) {
                c.trial_s[w] = best[w] > c.trial_s[w] ? best[w] : c.trial_s[w];
                wrong[w] = wrong[w] || bad[w];
            }
        }
    }
    c.wrong_lanes = wrong[0] ? c.width[0] : wrong[1] ? c.width[1] : 0;
    c.lanes = c.trial_s[1] < c.trial_s[0] ? 4 : LANES;
#else
    (void)threads;
#endif
    return c;
}

/*
 * The block's two halves read side by side: two streams of loads per core,
 * which the hardware prefetchers follow apart.  One stream stayed short of
 * the limits table's "two streams" reference (bench/limits.py, and
 * docs/design.md for the figures).
 */
static uint64_t array_block(const int64_t *data, uint64_t lo, uint64_t hi)
{
    const uint64_t half = (hi - lo) / 2;
    const int64_t *x = data + lo, *y = x + half;
    uint64_t s0 = 0, s1 = 0;
    for (uint64_t k = 0; k < half; k++) {
        s0 += (uint64_t)x[k];
        s1 += (uint64_t)y[k];
    }
    return s0 + s1 + ((hi - lo) % 2 ? (uint64_t)data[hi - 1] : 0);
}

psum_u128 psum_sum_range(const psum_source *src, uint64_t lo, uint64_t hi)
{
    const uint64_t block = block_length(src->n);
    psum_u128 total = 0;
    while (lo < hi) {
        uint64_t end = hi - lo > block ? lo + block : hi;
        total += src->data ? array_block(src->data, lo - src->first, end - src->first)
                           : stream_block(src, lo, end);
        lo = end;
    }
    return total;
}

#ifdef PSUM_CHUNK_PROBE
/*
 * A test build names a function that is told each chunk as it starts, on
 * the thread that runs it: tests/unit/test_schedule.c tells the schedules
 * apart by who ran what, since their sums are all the same.
 */
void PSUM_CHUNK_PROBE(uint64_t k);
#endif

static psum_u128 chunk_sum(const psum_source *src, uint64_t lo, uint64_t hi,
                           uint64_t chunks, uint64_t k)
{
#ifdef PSUM_CHUNK_PROBE
    PSUM_CHUNK_PROBE(k);
#endif
    uint64_t a, b;
    psum_chunk_bounds(hi - lo, chunks, k, &a, &b);
    return psum_sum_range(src, lo + a, lo + b);
}

/*
 * One function per schedule, so the schedule is written in the pragma as a
 * reader expects rather than chosen at run time through OMP_SCHEDULE.
 */
static psum_u128 sum_dynamic(const psum_source *src, uint64_t lo, uint64_t hi,
                             uint64_t chunks, int threads, int *team)
{
    psum_u128 total = 0;
#pragma omp parallel num_threads(threads)
    {
#pragma omp single nowait
        *team = omp_get_num_threads();
#pragma omp for schedule(dynamic) reduction(+ : total)
        for (uint64_t k = 0; k < chunks; k++)
            total += chunk_sum(src, lo, hi, chunks, k);
    }
    return total;
}

static psum_u128 sum_static(const psum_source *src, uint64_t lo, uint64_t hi,
                            uint64_t chunks, int threads, int *team)
{
    psum_u128 total = 0;
#pragma omp parallel num_threads(threads)
    {
#pragma omp single nowait
        *team = omp_get_num_threads();
#pragma omp for schedule(static) reduction(+ : total)
        for (uint64_t k = 0; k < chunks; k++)
            total += chunk_sum(src, lo, hi, chunks, k);
    }
    return total;
}

static psum_u128 sum_guided(const psum_source *src, uint64_t lo, uint64_t hi,
                            uint64_t chunks, int threads, int *team)
{
    psum_u128 total = 0;
#pragma omp parallel num_threads(threads)
    {
#pragma omp single nowait
        *team = omp_get_num_threads();
#pragma omp for schedule(guided) reduction(+ : total)
        for (uint64_t k = 0; k < chunks; k++)
            total += chunk_sum(src, lo, hi, chunks, k);
    }
    return total;
}

typedef psum_u128 (*parallel_kernel)(const psum_source *src, uint64_t lo, uint64_t hi,
                                     uint64_t chunks, int threads, int *team);

static const parallel_kernel kernels[] = {
    [PSUM_SCHED_STATIC] = sum_static,
    [PSUM_SCHED_DYNAMIC] = sum_dynamic,
    [PSUM_SCHED_GUIDED] = sum_guided,
};

/* A schedule added to config.h without its kernel stops the build here. */
_Static_assert(sizeof kernels / sizeof kernels[0] == PSUM_SCHED_COUNT,
               "one kernel per psum_schedule");

psum_u128 psum_sum_parallel_range(const psum_source *src, uint64_t lo, uint64_t hi,
                                  uint64_t chunks, psum_schedule schedule,
                                  int threads, int *team)
{
    return kernels[schedule](src, lo, hi, chunks, threads, team);
}

psum_u128 psum_sum_parallel(const psum_source *src, uint64_t chunks,
                            psum_schedule schedule, int threads, int *team)
{
    return psum_sum_parallel_range(src, 0, src->n, chunks, schedule, threads, team);
}

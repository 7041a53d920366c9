#include "sum.h"

#include <omp.h>

/*
 * 64-bit lanes per vector: one register's worth, so the stream loop's ten
 * vectors (four of values, four accumulators, the step, the limit) stay in
 * registers: 8 with AVX-512 (a zmm), 4 with AVX2 (a ymm), 2 elsewhere (an
 * SSE2 xmm, an Arm NEON register).  Eight lanes on every target spilled
 * without AVX-512: gcc's loop for AVX2, plain x86-64 and aarch64 stored and
 * reloaded its vectors on the stack in every round; now none does (checked
 * in the assembly with gcc 12).  Unsigned, so lanes wrap instead of
 * invoking undefined behaviour; the block bound below makes the wrapped
 * total exact.
 */
#if defined(__AVX512F__)
#define LANES 8
#define LANE_INDEX {0, 1, 2, 3, 4, 5, 6, 7}
#elif defined(__AVX2__)
#define LANES 4
#define LANE_INDEX {0, 1, 2, 3}
#else
#define LANES 2
#define LANE_INDEX {0, 1}
#endif
#define ROUND (4 * LANES) /* values per loop round: four vectors */
typedef uint64_t lanes __attribute__((vector_size(LANES * 8)));

void psum_chunk_bounds(uint64_t n, uint64_t chunks, uint64_t k,
                       uint64_t *lo, uint64_t *hi)
{
    *lo = (uint64_t)((psum_u128)k * n / chunks);
    *hi = (uint64_t)((psum_u128)(k + 1) * n / chunks);
}

/*
 * Blocks are at most this long so a cancel request is seen within a few
 * milliseconds even in the serial phase, which is one long range.
 */
#define MAX_BLOCK ((uint64_t)1 << 24)

/*
 * Longest block whose sum fits in 64 bits: every value is below n, so a
 * block of b elements sums to less than b * n <= UINT64_MAX.
 */
static uint64_t block_length(uint64_t n)
{
    uint64_t exact = n <= 1 ? UINT64_MAX : UINT64_MAX / n;
    return exact < MAX_BLOCK ? exact : MAX_BLOCK;
}

/*
 * An empty asm that claims to change *v.  Without it clang reassociates
 * the unrolled adds (acc += v; v += step, eight times, becomes a few adds
 * of multiples of v) and does about half the additions it claims to; the
 * barrier makes every round add each of its ROUND values, as gcc does
 * anyway.  A vector is one register: a zmm with AVX-512 ("v" constraint),
 * a ymm or xmm with AVX2 or SSE2 ("x"), a NEON register on aarch64 ("w");
 * on any other target the barrier is omitted.
 */
static inline void opaque(lanes *v)
{
#if defined(__AVX512F__)
    __asm__("" : "+v"(*v));
#elif defined(__SSE2__)
    __asm__("" : "+x"(*v));
#elif defined(__aarch64__)
    __asm__("" : "+w"(*v));
#else
    (void)v;
#endif
}

int psum_stream_lanes(void)
{
    return LANES;
}

static uint64_t array_block(const int64_t *data, uint64_t lo, uint64_t hi)
{
    uint64_t s = 0;
    for (uint64_t i = lo; i < hi; i++)
        s += (uint64_t)data[i];
    return s;
}

/*
 * Sum of lo, lo+1, ..., hi-1 modulo 2^64, generated LANES at a time into
 * four accumulators.  The last, partial round adds the values below hi and
 * masks the rest, so every element goes through the vector adds.
 */
static uint64_t stream_block(uint64_t lo, uint64_t hi)
{
    const lanes zero = {0};
    const lanes step = zero + ROUND;
    const lanes limit = zero + hi;
    const lanes index = LANE_INDEX;
    lanes v0 = index + lo;
    lanes v1 = v0 + LANES, v2 = v0 + 2 * LANES, v3 = v0 + 3 * LANES;
    lanes a0 = zero, a1 = zero, a2 = zero, a3 = zero;

    for (uint64_t rounds = (hi - lo) / ROUND; rounds > 0; rounds--) {
        a0 += v0;
        a1 += v1;
        a2 += v2;
        a3 += v3;
        v0 += step;
        v1 += step;
        v2 += step;
        v3 += step;
        opaque(&v0);
        opaque(&v1);
        opaque(&v2);
        opaque(&v3);
    }
    /* (v < limit) is all ones in the lanes below hi, zero elsewhere. */
    a0 += v0 & (lanes)(v0 < limit);
    a1 += v1 & (lanes)(v1 < limit);
    a2 += v2 & (lanes)(v2 < limit);
    a3 += v3 & (lanes)(v3 < limit);

    lanes a = a0 + a1 + a2 + a3;
    uint64_t s = 0;
    for (int i = 0; i < LANES; i++)
        s += a[i];
    return s;
}

psum_u128 psum_sum_range(const psum_source *src, uint64_t lo, uint64_t hi)
{
    const uint64_t block = block_length(src->n);
    psum_u128 total = 0;
    while (lo < hi) {
        if (src->cancel != NULL && *src->cancel)
            return total;
        uint64_t end = hi - lo > block ? lo + block : hi;
        total += src->data ? array_block(src->data, lo - src->first, end - src->first)
                           : stream_block(lo, end);
        lo = end;
    }
    return total;
}

/*
 * Once cancelled, each remaining chunk costs only this test: with 10^9
 * one-element chunks even the bounds' divisions would add up to seconds.
 */
static psum_u128 chunk_sum(const psum_source *src, uint64_t lo, uint64_t hi,
                           uint64_t chunks, uint64_t k)
{
    if (src->cancel != NULL && *src->cancel)
        return 0;
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

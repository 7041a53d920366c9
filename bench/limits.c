/*
 * psum_limits: this machine's limits, measured with the plainest code that
 * reaches them, for bench/limits.py to compare psum_omp against in the same
 * run.  Not a test and not part of psum_omp.
 *
 *   read:  a plain `parallel for schedule(static) reduction(+)` loop over a
 *          first-touched, huge-page-advised int64 array (1 thread, all)
 *   fill:  a plain parallel fill loop of a fresh mapping (all threads)
 *   gen:   a hand-vectorized generator adding eight 64-bit lanes per
 *          AVX-512 instruction into four accumulators (1 thread, all)
 *
 * Each figure is timed `repeat` times after a warm-up; every sum is checked.
 * Prints one JSON object.  usage: psum_limits [N [REPEAT]]
 */
#include <immintrin.h>
#include <omp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "exact.h"
#include "stats.h"
#include "timer.h"

typedef uint64_t (*kernel)(const int64_t *a, uint64_t n, int threads);

static uint64_t read_loop(const int64_t *a, uint64_t n, int threads)
{
    int64_t s = 0;
#pragma omp parallel for schedule(static) reduction(+ : s) num_threads(threads)
    for (uint64_t i = 0; i < n; i++)
        s += a[i];
    return (uint64_t)s;
}

__attribute__((target("avx512f"))) static uint64_t gen_range(uint64_t lo, uint64_t hi)
{
    const __m512i step = _mm512_set1_epi64(32);
    __m512i v0 = _mm512_add_epi64(_mm512_set1_epi64((long long)lo),
                                  _mm512_setr_epi64(0, 1, 2, 3, 4, 5, 6, 7));
    __m512i v1 = _mm512_add_epi64(v0, _mm512_set1_epi64(8));
    __m512i v2 = _mm512_add_epi64(v0, _mm512_set1_epi64(16));
    __m512i v3 = _mm512_add_epi64(v0, _mm512_set1_epi64(24));
    __m512i a0 = _mm512_setzero_si512(), a1 = a0, a2 = a0, a3 = a0;
    uint64_t i = lo;
    for (; hi - i >= 32; i += 32) {
        a0 = _mm512_add_epi64(a0, v0);
        a1 = _mm512_add_epi64(a1, v1);
        a2 = _mm512_add_epi64(a2, v2);
        a3 = _mm512_add_epi64(a3, v3);
        v0 = _mm512_add_epi64(v0, step);
        v1 = _mm512_add_epi64(v1, step);
        v2 = _mm512_add_epi64(v2, step);
        v3 = _mm512_add_epi64(v3, step);
        /* Stop clang from reassociating the adds away (see src/sum.c). */
        __asm__("" : "+v"(v0), "+v"(v1), "+v"(v2), "+v"(v3));
    }
    __m512i a = _mm512_add_epi64(_mm512_add_epi64(a0, a1), _mm512_add_epi64(a2, a3));
    uint64_t s = (uint64_t)_mm512_reduce_add_epi64(a);
    for (; i < hi; i++)
        s += i;
    return s;
}

static uint64_t gen(const int64_t *a, uint64_t n, int threads)
{
    (void)a;
    uint64_t s = 0;
#pragma omp parallel reduction(+ : s) num_threads(threads)
    {
        uint64_t t = (uint64_t)omp_get_thread_num(), nt = (uint64_t)omp_get_num_threads();
        s += gen_range(n * t / nt, n * (t + 1) / nt);
    }
    return s;
}

static int64_t *map_array(uint64_t n)
{
    size_t bytes = (size_t)n * sizeof(int64_t);
    void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return NULL;
    madvise(p, bytes, MADV_HUGEPAGE);
    return p;
}

static double fill(int64_t *a, uint64_t n, int threads)
{
    double t0 = psum_now();
#pragma omp parallel for schedule(static) num_threads(threads)
    for (uint64_t i = 0; i < n; i++)
        a[i] = (int64_t)i;
    return psum_now() - t0;
}

/* Times k: one warm-up, then repeat runs; prints "name": {...}. */
static int measure(const char *name, kernel k, const int64_t *a, uint64_t n, int threads,
                   int repeat, const char *sep)
{
    double samples[64];
    uint64_t want = (uint64_t)psum_expected_sum(n);
    int ok = k(a, n, threads) == want;
    for (int r = 0; r < repeat; r++) {
        double t0 = psum_now();
        uint64_t got = k(a, n, threads);
        samples[r] = psum_now() - t0;
        ok &= got == want;
    }
    psum_stats s;
    psum_stats_compute(samples, (size_t)repeat, &s);
    printf("  \"%s\": {\"threads\": %d, \"min_s\": %.9g, \"median_s\": %.9g, "
           "\"verified\": %s}%s\n", name, threads, s.min, s.median, ok ? "true" : "false", sep);
    return ok;
}

int main(int argc, char **argv)
{
    uint64_t n = argc > 1 ? strtoull(argv[1], NULL, 10) : 1000000000;
    int repeat = argc > 2 ? atoi(argv[2]) : 5;
    if (n < 1 || n > 4000000000ULL || repeat < 1 || repeat > 64) {
        fputs("psum_limits: usage: psum_limits [N (1..4e9) [REPEAT (1..64)]]\n", stderr);
        return 2;
    }
    if (!__builtin_cpu_supports("avx512f")) {
        fputs("psum_limits: this CPU has no AVX-512F; the generator reference needs it\n",
              stderr);
        return 1;
    }
    int all = omp_get_max_threads();
    int64_t *a = map_array(n);
    if (a == NULL) {
        perror("psum_limits: mmap");
        return 1;
    }
    double fill_s = fill(a, n, all);
    printf("{\n  \"n\": %llu,\n  \"repeat\": %d,\n  \"fill_all\": {\"threads\": %d, "
           "\"s\": %.9g},\n", (unsigned long long)n, repeat, all, fill_s);
    int ok = measure("read_1", read_loop, a, n, 1, repeat, ",");
    ok &= measure("read_all", read_loop, a, n, all, repeat, ",");
    ok &= measure("gen_1", gen, NULL, n, 1, repeat, ",");
    ok &= measure("gen_all", gen, NULL, n, all, repeat, "");
    puts("}");
    munmap(a, (size_t)n * sizeof(int64_t));
    if (!ok)
        fputs("psum_limits: a reference sum was wrong\n", stderr);
    return ok ? 0 : 1;
}

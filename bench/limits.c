/*
 * psum_limits: this machine's limits, measured with the plainest code that
 * reaches them, beside psum_omp's own kernels on the same data in the same
 * process, for bench/limits.py.  Not a test and not part of psum_omp.
 *
 * A limit is the best that plain code reaches, so each reference comes in
 * several plain variants and limits.py keeps the fastest: a static split
 * waits for the slowest core of a shared machine, a dynamic one does not,
 * and more loads in flight per core can buy bandwidth.
 *
 *   read:  a plain `parallel for reduction(+)` loop over a first-touched,
 *          huge-page-advised int64 array, schedule(static) and
 *          schedule(dynamic) over 2 MiB blocks, and over a static split:
 *          four cache lines in flight per thread, software prefetch, two
 *          streams per thread, and two streams per 2 MiB block handed out
 *          dynamically (1 thread, all); psum's serial, dynamic and
 *          static kernels read the same array
 *   gen:   a hand-vectorized generator of every width this CPU has
 *          (AVX-512: eight 64-bit lanes, AVX2: four) and 1, 2, 4 or 8
 *          accumulators, the fastest in a trial on this CPU
 *          (choose_generator; GCC's generic vectors with four accumulators
 *          on a CPU that is not x86; "generator_isa" says which, as
 *          width/accumulators, and "generator_trials_s" the trials), split statically
 *          (one range per thread) and dynamically (2^20-element ranges
 *          handed out by schedule(dynamic)) (1 thread, all); psum's stream
 *          kernels beside it, at the width psum_run_stream_trial picks as in
 *          psum_omp ("psum_stream_kernel": the width, those built, the trials)
 *   fill:  a plain parallel fill loop and psum's fill, each on a fresh
 *          mapping, in alternating order, best of 4
 *   gpu:   when built with offload and a device is there: a plain `target
 *          teams distribute parallel for simd reduction(+:s)` loop over an
 *          array filled on the device, and the same loop generating i ^ k
 *          (k a runtime zero, as in psum's kernel, so neither can become
 *          the closed form); psum's device kernels beside them.  Without a
 *          device the JSON says why in "gpu_skipped" and has no gpu_* keys.
 *
 * The kernels run interleaved, one warm-up each, then `repeat` rounds;
 * every sum is checked.  Prints one JSON object.
 *
 * --watch: the sweep's machine watch (bench/sweep.py runs it between
 * configurations, about 50 ms): only the dynamic read loop over N int64
 * (default 2^23, 64 MiB, past this VM's last-level cache) and the dynamic
 * generator over 32N values, on all threads, REPEAT rounds (default 5)
 * after one warm-up each.  The generator is fixed (AVX2 where the CPU has
 * it, not the trial's pick), so a change of its rate is the machine's, not
 * a change of code.
 * --describe: its bounds as one JSON object, {"n_max", "repeat_max",
 * "watch_n_max"}, for bench/limits.py, which checks its options against them.
 * usage: psum_limits [N [REPEAT]] | psum_limits --watch [N [REPEAT]]
 *        | psum_limits --describe
 */
#if defined(__x86_64__) || defined(__i386__)
#define LIMITS_X86 1
#include <immintrin.h>
#else
#define LIMITS_X86 0
#endif
#include <omp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "bench_args.h"
#include "exact.h"
#include "psum_build.h"
#include "report.h"
#include "run.h"
#if PSUM_OFFLOAD
#include "offload/offload.h"
#endif
#include "stats.h"
#include "sum.h"
#include "text.h"
#include "timer.h"

/*
 * Elements per block of the dynamic read: one 2 MiB huge page, so a block
 * is never shared by two threads' pages and there are thousands of blocks
 * at N = 1e9 for a late thread to leave to the others.
 */
#define READ_BLOCK (1 << 18)

/* Elements per range of the dynamic generator: about 40 us on one core. */
#define GEN_RANGE ((uint64_t)1 << 20)

static uint64_t read_static(const int64_t *a, uint64_t n, int threads)
{
    int64_t s = 0;
#pragma omp parallel for schedule(static) reduction(+ : s) num_threads(threads)
    for (uint64_t i = 0; i < n; i++)
        s += a[i];
    return (uint64_t)s;
}

static uint64_t read_dynamic(const int64_t *a, uint64_t n, int threads)
{
    int64_t s = 0;
#pragma omp parallel for schedule(dynamic, READ_BLOCK) reduction(+ : s) num_threads(threads)
    for (uint64_t i = 0; i < n; i++)
        s += a[i];
    return (uint64_t)s;
}

/* This thread's part of [0, n) under a static split: psum's chunk bounds. */
static void thread_part(uint64_t n, uint64_t *lo, uint64_t *hi)
{
    psum_chunk_bounds(n, (uint64_t)omp_get_num_threads(), (uint64_t)omp_get_thread_num(),
                      lo, hi);
}

/* a[lo, hi) read as two halves side by side, two streams of loads. */
static uint64_t two_halves(const int64_t *a, uint64_t lo, uint64_t hi)
{
    const uint64_t half = (hi - lo) / 2;
    uint64_t s0 = 0, s1 = 0;
    for (uint64_t k = 0; k < half; k++) {
        s0 += (uint64_t)a[lo + k];
        s1 += (uint64_t)a[lo + half + k];
    }
    return s0 + s1 + ((hi - lo) % 2 ? (uint64_t)a[hi - 1] : 0);
}

/* One cache line of int64, loaded unaligned. */
typedef int64_t line __attribute__((vector_size(64)));

/*
 * The read variants a performance engineer tries first when one loop does
 * not fill the memory system, each over a static split: four lines in
 * flight per thread (four accumulators, one per line), the plain loop with
 * software prefetch PREFETCH_AHEAD elements ahead, and two streams per
 * thread (its part's two halves read side by side).
 */
#define PREFETCH_AHEAD 2048 /* 16 KiB: a few hundred ns of loads at full rate */

static uint64_t read_lines(const int64_t *a, uint64_t lo, uint64_t hi)
{
    line s0 = {0}, s1 = s0, s2 = s0, s3 = s0, x;
    uint64_t i = lo;
    for (; hi - i >= 32; i += 32) {
        memcpy(&x, a + i, sizeof x);
        s0 += x;
        memcpy(&x, a + i + 8, sizeof x);
        s1 += x;
        memcpy(&x, a + i + 16, sizeof x);
        s2 += x;
        memcpy(&x, a + i + 24, sizeof x);
        s3 += x;
    }
    line t = s0 + s1 + s2 + s3;
    uint64_t s = 0;
    for (int j = 0; j < 8; j++)
        s += (uint64_t)t[j];
    for (; i < hi; i++)
        s += (uint64_t)a[i];
    return s;
}

/* Each thread's static part, summed by `part`: the loops below differ only in it. */
static uint64_t static_parts(const int64_t *a, uint64_t n, int threads,
                             uint64_t (*part)(const int64_t *, uint64_t, uint64_t))
{
    uint64_t s = 0;
#pragma omp parallel reduction(+ : s) num_threads(threads)
    {
        uint64_t lo, hi;
        thread_part(n, &lo, &hi);
        s += part(a, lo, hi);
    }
    return s;
}

static uint64_t read_unroll(const int64_t *a, uint64_t n, int threads)
{
    return static_parts(a, n, threads, read_lines);
}

static uint64_t read_prefetch(const int64_t *a, uint64_t n, int threads)
{
    uint64_t s = 0;
#pragma omp parallel reduction(+ : s) num_threads(threads)
    {
        uint64_t lo, hi, i;
        thread_part(n, &lo, &hi);
        for (i = lo; hi - i >= 8; i += 8) {
            __builtin_prefetch(a + i + PREFETCH_AHEAD, 0, 0);
            for (int j = 0; j < 8; j++)
                s += (uint64_t)a[i + (uint64_t)j];
        }
        for (; i < hi; i++)
            s += (uint64_t)a[i];
    }
    return s;
}

/* The two streams over the dynamic read's 2 MiB blocks, each block's halves
 * side by side, handed out by schedule(dynamic). */
static uint64_t read_streams_dynamic(const int64_t *a, uint64_t n, int threads)
{
    uint64_t s = 0;
    const uint64_t blocks = (n + READ_BLOCK - 1) / READ_BLOCK;
#pragma omp parallel for schedule(dynamic) reduction(+ : s) num_threads(threads)
    for (uint64_t b = 0; b < blocks; b++) {
        const uint64_t lo = b * READ_BLOCK;
        s += two_halves(a, lo, n - lo > READ_BLOCK ? lo + READ_BLOCK : n);
    }
    return s;
}

static uint64_t read_streams(const int64_t *a, uint64_t n, int threads)
{
    return static_parts(a, n, threads, two_halves);
}

#if LIMITS_X86
/*
 * The generator family: i summed over [lo, hi) in LANES-wide vectors into
 * ACC accumulators, for every vector width this CPU has (AVX-512: 8 lanes,
 * AVX2: 4) and 1, 2, 4 or 8 accumulators.  How many sums must be in flight
 * to hide the adder's latency, and which width a core adds fastest, differ
 * between CPUs, so each is tried (choose_generator) and the fastest is the
 * limit.  The empty asm on the value vectors (constraint REG) stops clang
 * from reassociating the adds into the closed form (see src/sum.c).
 */
#define GEN_VARIANT(NAME, ISA, LANES, ACC, REG)                                          \
    __attribute__((target(ISA))) static uint64_t NAME(uint64_t lo, uint64_t hi)          \
    {                                                                                    \
        typedef uint64_t vec __attribute__((vector_size(LANES * 8)));                    \
        vec v[ACC], a[ACC], step;                                                        \
        for (int j = 0; j < LANES; j++)                                                  \
            step[j] = LANES * ACC;                                                       \
        _Pragma("GCC unroll 8") for (int k = 0; k < ACC; k++)                            \
            for (int j = 0; j < LANES; j++) {                                            \
                v[k][j] = lo + (uint64_t)(k * LANES + j);                                \
                a[k][j] = 0;                                                             \
            }                                                                            \
        uint64_t i = lo;                                                                 \
        for (; hi - i >= LANES * ACC; i += LANES * ACC) {                                \
            _Pragma("GCC unroll 8") for (int k = 0; k < ACC; k++) {                      \
                vec next = v[k] + step;                                                  \
                a[k] += v[k];                                                            \
                __asm__("" : "+" REG(next));                                             \
                v[k] = next;                                                             \
            }                                                                            \
        }                                                                                \
        uint64_t s = 0;                                                                  \
        for (int k = 0; k < ACC; k++)                                                    \
            for (int j = 0; j < LANES; j++)                                              \
                s += a[k][j];                                                            \
        for (; i < hi; i++)                                                              \
            s += i;                                                                      \
        return s;                                                                        \
    }

GEN_VARIANT(gen_avx512_1, "avx512f", 8, 1, "v")
GEN_VARIANT(gen_avx512_2, "avx512f", 8, 2, "v")
GEN_VARIANT(gen_avx512_4, "avx512f", 8, 4, "v")
GEN_VARIANT(gen_avx512_8, "avx512f", 8, 8, "v")
GEN_VARIANT(gen_avx2_1, "avx2", 4, 1, "x")
GEN_VARIANT(gen_avx2_2, "avx2", 4, 2, "x")
GEN_VARIANT(gen_avx2_4, "avx2", 4, 4, "x")
GEN_VARIANT(gen_avx2_8, "avx2", 4, 8, "x")

#else
/*
 * On a CPU that is not x86 (an Arm server beside its GPU, say): the same
 * four accumulators in GCC's generic vectors of two 64-bit lanes, the
 * 128-bit width of Arm's NEON registers (wider ones spilled to the stack).
 * It is not tuned for any one CPU: limits.py says so ("generic") and calls
 * it no limit if psum beats it.
 */
typedef uint64_t gen_lanes __attribute__((vector_size(16)));

static uint64_t gen_range_generic(uint64_t lo, uint64_t hi)
{
    const gen_lanes step = {8, 8};
    gen_lanes v0 = {lo, lo + 1}, v1 = v0 + 2, v2 = v0 + 4, v3 = v0 + 6;
    gen_lanes a0 = {0, 0}, a1 = a0, a2 = a0, a3 = a0;
    uint64_t i = lo;
    for (; hi - i >= 8; i += 8) {
        a0 += v0;
        a1 += v1;
        a2 += v2;
        a3 += v3;
        v0 += step;
        v1 += step;
        v2 += step;
        v3 += step;
    }
    gen_lanes a = a0 + a1 + a2 + a3;
    uint64_t s = a[0] + a[1];
    for (; i < hi; i++)
        s += i;
    return s;
}
#endif

/* The generator reference, which choose_generator picks for this CPU. */
static uint64_t (*gen_range)(uint64_t lo, uint64_t hi);
static const char *gen_isa;

/* The generators this CPU runs, each with its trial time (choose_generator). */
typedef struct {
    const char *isa;
    uint64_t (*range)(uint64_t lo, uint64_t hi);
    double trial_s;
} generator;

static generator gens[8];
static size_t gen_count;

/*
 * Values per trial: 2^28, about 10 ms on one core, long enough for the
 * clock and short beside the run.
 */
#define TRIAL_VALUES ((uint64_t)1 << 28)
#define TRIAL_ROUNDS 5

/*
 * Sets gen_range and gen_isa to the fastest of the generators this CPU runs:
 * on x86 each width it has with 1, 2, 4 and 8 accumulators, each timed on
 * one core over the same TRIAL_VALUES values, best of TRIAL_ROUNDS (on an
 * AMD EPYC VM with AVX-512 the AVX2 one was once 10 % faster, so AVX-512
 * alone is no limit); the generic vectors elsewhere, untimed.  The choice, made on one core, serves the
 * all-thread rows too.  Returns 0, or 1 after one line on stderr for an x86
 * CPU with neither or, where trials run, a trial sum that is wrong.
 */
static int choose_generator(void)
{
#if LIMITS_X86
    static const generator x86[] = {
        {"avx512f/1", gen_avx512_1, 0}, {"avx512f/2", gen_avx512_2, 0},
        {"avx512f/4", gen_avx512_4, 0}, {"avx512f/8", gen_avx512_8, 0},
        {"avx2/1", gen_avx2_1, 0}, {"avx2/2", gen_avx2_2, 0},
        {"avx2/4", gen_avx2_4, 0}, {"avx2/8", gen_avx2_8, 0},
    };
    for (size_t g = 0; g < sizeof x86 / sizeof x86[0]; g++)
        if (strncmp(x86[g].isa, "avx512f", 7) == 0 ? __builtin_cpu_supports("avx512f")
                                                    : __builtin_cpu_supports("avx2"))
            gens[gen_count++] = x86[g];
    if (gen_count == 0) {
        fputs("psum_limits: this CPU has neither AVX-512F nor AVX2; the generator reference "
              "needs one\n", stderr);
        return 1;
    }
#else
    gens[gen_count++] = (generator){"generic", gen_range_generic, 0};
#endif
    const uint64_t want = (uint64_t)(psum_expected_sum(TRIAL_VALUES));
    for (size_t g = 0; g < gen_count; g++)
        gens[g].trial_s = 1e30;
    /* Rounds alternate between the generators, so a burst of noise from a
     * shared machine's neighbours cannot fall on one generator's rounds only. */
    for (int r = 0; gen_count > 1 && r < TRIAL_ROUNDS; r++) {
        for (size_t k = 0; k < gen_count; k++) {
            /* Each round starts with the next generator: AVX-512's lower
             * clock outlasts its code on some Intel CPUs by a millisecond or
             * two, which would otherwise always fall on the same one. */
            size_t g = ((size_t)r + k) % gen_count;
            double t0 = psum_now();
            uint64_t got = gens[g].range(0, TRIAL_VALUES);
            double t = psum_now() - t0;
            if (got != want) {
                fprintf(stderr, "psum_limits: the %s generator's trial sum is wrong\n",
                        gens[g].isa);
                return 1;
            }
            gens[g].trial_s = t < gens[g].trial_s ? t : gens[g].trial_s;
        }
    }
    generator *best = &gens[0];
    for (size_t g = 1; g < gen_count; g++)
        if (gens[g].trial_s < best->trial_s)
            best = &gens[g];
    gen_range = best->range;
    gen_isa = best->isa;
    return 0;
}

/* The trials as a JSON object's members ("avx512f/4": s, ...), or nothing. */
static void print_trials(void)
{
    for (size_t g = 0; gen_count > 1 && g < gen_count; g++)
        printf("%s\"%s\": %.9g", g ? ", " : "", gens[g].isa, gens[g].trial_s);
}

static uint64_t gen_static(const int64_t *a, uint64_t n, int threads)
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

static uint64_t gen_dynamic(const int64_t *a, uint64_t n, int threads)
{
    (void)a;
    uint64_t s = 0;
    const uint64_t ranges = (n + GEN_RANGE - 1) / GEN_RANGE;
#pragma omp parallel for schedule(dynamic) reduction(+ : s) num_threads(threads)
    for (uint64_t k = 0; k < ranges; k++) {
        uint64_t lo = k * GEN_RANGE;
        s += gen_range(lo, n - lo > GEN_RANGE ? lo + GEN_RANGE : n);
    }
    return s;
}

/* ---- psum_omp's own kernels, through its library, for the same-array comparison ---- */

/* psum's stream kernel width, chosen in main as psum_omp chooses it. */
static psum_stream_choice psum_stream;

static uint64_t psum_serial(const int64_t *a, uint64_t n, int threads)
{
    (void)threads;
    psum_source src = {.data = a, .n = n, .lanes = psum_stream.lanes};
    return (uint64_t)psum_sum_range(&src, 0, n);
}

static uint64_t psum_dynamic(const int64_t *a, uint64_t n, int threads)
{
    psum_source src = {.data = a, .n = n, .lanes = psum_stream.lanes};
    int team;
    return (uint64_t)psum_sum_parallel(&src, 100, PSUM_SCHED_DYNAMIC, threads, &team);
}

static uint64_t psum_static(const int64_t *a, uint64_t n, int threads)
{
    psum_source src = {.data = a, .n = n, .lanes = psum_stream.lanes};
    int team;
    return (uint64_t)psum_sum_parallel(&src, 100, PSUM_SCHED_STATIC, threads, &team);
}

#if PSUM_OFFLOAD
/* ---- the GPU: plain references and psum's device kernels ---- */

/* The device the GPU kernels run on, set once in main. */
static int gpu_device;

/* XORed into the generated values: zero, but no compiler can know it. */
static volatile uint64_t gpu_key = 0;

/* a: the device array.  Exact in 64 bits for n <= 4e9 (sum < 8e18). */
static uint64_t gpu_read_ref(const int64_t *a, uint64_t n, int threads)
{
    (void)threads;
    uint64_t s = 0;
#pragma omp target teams distribute parallel for simd reduction(+ : s) \
    device(gpu_device) is_device_ptr(a) map(tofrom : s)
    for (uint64_t i = 0; i < n; i++)
        s += (uint64_t)a[i];
    return s;
}

static uint64_t gpu_gen_ref(const int64_t *a, uint64_t n, int threads)
{
    (void)a;
    (void)threads;
    const uint64_t key = gpu_key;
    uint64_t s = 0;
#pragma omp target teams distribute parallel for simd reduction(+ : s) \
    device(gpu_device) map(tofrom : s)
    for (uint64_t i = 0; i < n; i++)
        s += i ^ key;
    return s;
}

static uint64_t gpu_psum(const int64_t *a, uint64_t n, int threads)
{
    (void)threads;
    psum_source src = {.data = a, .n = n};
    return (uint64_t)psum_offload_sum(&src, gpu_device, 0, n, NULL, NULL);
}
#endif

#if PSUM_OFFLOAD
typedef struct {
    psum_offload_info info;
    double warmup_s;
    psum_device_array array; /* filled on the device */
} gpu_state;

/*
 * Readies the GPU benches: a device that really runs target regions, the
 * warm-up, the array filled on the device.  Returns NULL, or why the GPU
 * rows are skipped; exits 1 if the warm-up's sums were wrong.
 */
static const char *gpu_open(uint64_t n, gpu_state *g)
{
    psum_offload_query(&g->info);
    if (g->info.devices == 0)
        return "no offload device: omp_get_num_devices() is 0";
    int on_device = 0;
    g->warmup_s = psum_offload_warmup(g->info.device, &on_device);
    if (g->warmup_s < 0) {
        fputs("psum_limits: the offload warm-up failed\n", stderr);
        exit(1);
    }
    if (!on_device)
        return "no offload device: target regions ran on the host";
    if (psum_offload_alloc(&g->array, n, g->info.device) != 0)
        return "no room on the offload device for the array";
    gpu_device = g->info.device;
    psum_offload_fill(&g->array, 0);
    return NULL;
}

static void print_gpu(gpu_state *g, uint64_t n)
{
    psum_offload_used read, gen;
    psum_source src = {.data = g->array.data, .n = n};
    psum_offload_sum(&src, gpu_device, 0, n, NULL, &read);
    src.data = NULL;
    psum_offload_sum(&src, gpu_device, 0, n, NULL, &gen);
    printf("  \"gpu\": {\"devices\": %d, \"device\": %d, \"name\": ", g->info.devices,
           g->info.device);
    psum_json_string(stdout, g->info.name);
    printf(", \"warmup_s\": %.9g,\n    \"read\": {\"teams\": %d, \"threads\": %d, "
           "\"lanes\": %llu, \"launches\": %llu},\n    \"gen\": {\"teams\": %d, "
           "\"threads\": %d, \"lanes\": %llu, \"launches\": %llu}},\n",
           g->warmup_s, read.teams, read.threads, (unsigned long long)read.lanes,
           (unsigned long long)read.launches, gen.teams, gen.threads,
           (unsigned long long)gen.lanes, (unsigned long long)gen.launches);
}
#endif

static uint64_t plain_fill(int64_t *a, uint64_t n, int threads)
{
#pragma omp parallel for schedule(static) num_threads(threads)
    for (uint64_t i = 0; i < n; i++)
        a[i] = (int64_t)i;
    return 0;
}

typedef uint64_t (*kernel)(const int64_t *a, uint64_t n, int threads);

typedef struct {
    const char *name;
    kernel fn;
    int materialized; /* 1: reads the array, 2: the device array, 0: generates */
    int threads;      /* 0: all */
    double samples[64];
    int ok;
} bench;

/* The data a bench reads: the host array, the device array or none. */
static const int64_t *bench_data(const bench *b, const int64_t *a, const int64_t *dev)
{
    return b->materialized == 1 ? a : b->materialized == 2 ? dev : NULL;
}

/*
 * Runs every bench once untimed, then `repeat` rounds in which each bench
 * runs once: interleaved, so drifts of a shared machine hit all alike.
 */
static void run_interleaved(bench *b, size_t count, const int64_t *a, const int64_t *dev,
                            uint64_t n, int all, int repeat)
{
    const uint64_t want = (uint64_t)psum_expected_sum(n);
    for (size_t k = 0; k < count; k++) {
        b[k].threads = b[k].threads ? b[k].threads : all;
        b[k].ok = b[k].fn(bench_data(&b[k], a, dev), n, b[k].threads) == want;
    }
    for (int r = 0; r < repeat; r++)
        for (size_t k = 0; k < count; k++) {
            double t0 = psum_now();
            uint64_t got = b[k].fn(bench_data(&b[k], a, dev), n, b[k].threads);
            b[k].samples[r] = psum_now() - t0;
            b[k].ok &= got == want;
        }
}

/* Fills a fresh mapping with fill() and returns the seconds, or -1. */
static double time_fill(uint64_t n, int threads, int use_psum)
{
    psum_array arr;
    if (psum_array_alloc(&arr, n) != 0)
        return -1;
    double t0 = psum_now();
    if (use_psum)
        psum_array_fill(&arr, threads);
    else
        plain_fill(arr.data, n, threads);
    double s = psum_now() - t0;
    psum_array_free(&arr);
    return s;
}

static void print_bench(const bench *b, int repeat, const char *sep)
{
    psum_stats s;
    psum_stats_compute(b->samples, (size_t)repeat, &s);
    printf("  \"%s\": {\"threads\": %d, \"min_s\": %.9g, \"median_s\": %.9g, "
           "\"verified\": %s}%s\n", b->name, b->threads, s.min, s.median,
           b->ok ? "true" : "false", sep);
}

/* The watch's generator: one fixed choice, never a trial (see the top). */
static void fixed_generator(void)
{
#if LIMITS_X86
    if (__builtin_cpu_supports("avx2")) {
        gen_range = gen_avx2_4;
        gen_isa = "avx2/4";
    } else {
        gen_range = gen_avx512_4;
        gen_isa = "avx512f/4";
    }
#else
    gen_range = gen_range_generic;
    gen_isa = "generic";
#endif
}

/* The bounds of the counts, each written once: the tables and --describe read them. */
#define LIMITS_MAX_N 4000000000ULL
#define LIMITS_MAX_REPEAT 64
#define WATCH_MAX_N (1ULL << 30)

/*
 * --watch: the short reference of the sweep's machine watch.  Prints one
 * JSON object with every round's time; returns the exit code (1 for a
 * wrong sum or no memory).
 */
static int watch(int argc, char **argv)
{
    psum_bench_count counts[] = {{"N", WATCH_MAX_N, 1ULL << 23}, {"REPEAT", LIMITS_MAX_REPEAT, 5}};
    if (psum_bench_counts("psum_limits", "psum_limits --watch [N (1..2^30) [REPEAT (1..64)]]",
                          argc, argv, counts, 2) != 0)
        return 2;
    const uint64_t n = counts[0].value, gen_n = 32 * counts[0].value;
    const int repeat = (int)counts[1].value;
#if LIMITS_X86
    if (!__builtin_cpu_supports("avx2") && !__builtin_cpu_supports("avx512f")) {
        fputs("psum_limits: this CPU has neither AVX-512F nor AVX2; the generator reference "
              "needs one\n", stderr);
        return 1;
    }
#endif
    fixed_generator();
    const int all = omp_get_max_threads();
    psum_array arr;
    if (psum_array_alloc(&arr, n) != 0) {
        perror("psum_limits: mmap");
        return 1;
    }
    plain_fill(arr.data, n, all);
    bench b[] = {
        {"read", read_dynamic, 1, 0, {0}, 0},
        {"gen", gen_dynamic, 0, 0, {0}, 0},
    };
    /* Each with its own N: the read over the array, the generator over 32N. */
    run_interleaved(&b[0], 1, arr.data, NULL, n, all, repeat);
    run_interleaved(&b[1], 1, NULL, NULL, gen_n, all, repeat);
    psum_array_free(&arr);
    printf("{\"watch\": true, \"n\": %llu, \"gen_n\": %llu, \"repeat\": %d, "
           "\"threads\": %d, \"generator_isa\": \"%s\"",
           (unsigned long long)n, (unsigned long long)gen_n, repeat, all, gen_isa);
    for (size_t k = 0; k < 2; k++) {
        printf(", \"%s_s\": [", b[k].name);
        for (int r = 0; r < repeat; r++)
            printf("%s%.9g", r ? ", " : "", b[k].samples[r]);
        printf("]");
    }
    printf(", \"verified\": %s}\n", b[0].ok && b[1].ok ? "true" : "false");
    if (!(b[0].ok && b[1].ok)) {
        fputs("psum_limits: a sum was wrong\n", stderr);
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--watch") == 0)
        return watch(argc - 2, argv + 2);
    if (argc == 2 && strcmp(argv[1], "--describe") == 0) {
        printf("{\"n_max\": %llu, \"repeat_max\": %d, \"watch_n_max\": %llu}\n",
               LIMITS_MAX_N, LIMITS_MAX_REPEAT, WATCH_MAX_N);
        return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 1;
    }
    psum_bench_count counts[] = {{"N", LIMITS_MAX_N, 1000000000},
                                 {"REPEAT", LIMITS_MAX_REPEAT, 5}};
    if (psum_bench_counts("psum_limits", "psum_limits [N (1..4e9) [REPEAT (1..64)]]",
                          argc - 1, argv + 1, counts, 2) != 0)
        return 2;
    const uint64_t n = counts[0].value;
    const int repeat = (int)counts[1].value;
    if (choose_generator() != 0)
        return 1;
    const int all = omp_get_max_threads();

    /* Fills: plain loop and psum's, alternately, each on a fresh mapping. */
    double fill_plain = 1e30, fill_psum = 1e30;
    time_fill(n, all, 0); /* the first big touch after a pause is slow on a VM */
    for (int r = 0; r < 4; r++) {
        /* Alternate which goes first: the second of a pair fills memory
         * the first just returned, which is not the same starting point. */
        double p, q;
        if (r % 2 == 0) {
            p = time_fill(n, all, 0);
            q = time_fill(n, all, 1);
        } else {
            q = time_fill(n, all, 1);
            p = time_fill(n, all, 0);
        }
        if (p < 0 || q < 0) {
            perror("psum_limits: mmap");
            return 1;
        }
        fill_plain = p < fill_plain ? p : fill_plain;
        fill_psum = q < fill_psum ? q : fill_psum;
    }

    psum_stream = psum_run_stream_trial(all);
    if (psum_stream.wrong_lanes != 0) {
        fprintf(stderr, "psum_limits: psum's %d-lane stream kernel summed its trial wrong\n",
                psum_stream.wrong_lanes);
        return 1;
    }
    psum_array arr;
    if (psum_array_alloc(&arr, n) != 0) {
        perror("psum_limits: mmap");
        return 1;
    }
    plain_fill(arr.data, n, all);
#if PSUM_OFFLOAD
    gpu_state gpu = {0};
    const char *gpu_skipped = gpu_open(n, &gpu);
    const int64_t *dev = gpu.array.data;
#else
    const char *gpu_skipped = "no offload device: built without offload (meson -Doffload)";
    const int64_t *dev = NULL;
#endif
    bench b[] = {
        {"read_static_1", read_static, 1, 1, {0}, 0},
        {"read_dynamic_1", read_dynamic, 1, 1, {0}, 0},
        {"read_unroll_1", read_unroll, 1, 1, {0}, 0},
        {"read_prefetch_1", read_prefetch, 1, 1, {0}, 0},
        {"read_streams_1", read_streams, 1, 1, {0}, 0},
        {"read_streams_dynamic_1", read_streams_dynamic, 1, 1, {0}, 0},
        {"psum_serial", psum_serial, 1, 1, {0}, 0},
        {"read_static_all", read_static, 1, 0, {0}, 0},
        {"read_dynamic_all", read_dynamic, 1, 0, {0}, 0},
        {"read_unroll_all", read_unroll, 1, 0, {0}, 0},
        {"read_prefetch_all", read_prefetch, 1, 0, {0}, 0},
        {"read_streams_all", read_streams, 1, 0, {0}, 0},
        {"read_streams_dynamic_all", read_streams_dynamic, 1, 0, {0}, 0},
        {"psum_dynamic", psum_dynamic, 1, 0, {0}, 0},
        {"psum_static", psum_static, 1, 0, {0}, 0},
        {"gen_static_1", gen_static, 0, 1, {0}, 0},
        {"gen_dynamic_1", gen_dynamic, 0, 1, {0}, 0},
        {"psum_stream_serial", psum_serial, 0, 1, {0}, 0},
        {"gen_static_all", gen_static, 0, 0, {0}, 0},
        {"gen_dynamic_all", gen_dynamic, 0, 0, {0}, 0},
        {"psum_stream_dynamic", psum_dynamic, 0, 0, {0}, 0},
#if PSUM_OFFLOAD
        /* Last, so that without a device they are left out by the count. */
        {"gpu_read_ref", gpu_read_ref, 2, 1, {0}, 0},
        {"gpu_read_psum", gpu_psum, 2, 1, {0}, 0},
        {"gpu_gen_ref", gpu_gen_ref, 0, 1, {0}, 0},
        {"gpu_gen_psum", gpu_psum, 0, 1, {0}, 0},
#endif
    };
    const size_t gpu_benches = PSUM_OFFLOAD ? 4 : 0;
    const size_t count = sizeof b / sizeof b[0] - (gpu_skipped ? gpu_benches : 0);
    run_interleaved(b, count, arr.data, dev, n, all, repeat);
    psum_array_free(&arr);

    printf("{\n  \"n\": %llu,\n  \"repeat\": %d,\n  \"threads\": %d,\n"
           "  \"generator_isa\": \"%s\",\n  \"generator_trials_s\": {",
           (unsigned long long)n, repeat, all, gen_isa);
    print_trials();
    printf("},\n  \"psum_stream_kernel\": ");
    psum_report_stream_json(stdout, &psum_stream);
    printf(",\n  \"fill_plain_s\": %.9g,\n  \"fill_psum_s\": %.9g,\n", fill_plain, fill_psum);
#if PSUM_OFFLOAD
    if (!gpu_skipped)
        print_gpu(&gpu, n);
    psum_offload_free(&gpu.array);
#endif
    if (gpu_skipped)
        printf("  \"gpu_skipped\": \"%s\",\n", gpu_skipped);
    int ok = 1;
    for (size_t k = 0; k < count; k++) {
        print_bench(&b[k], repeat, k + 1 < count ? "," : "");
        ok &= b[k].ok;
    }
    puts("}");
    if (!ok)
        fputs("psum_limits: a sum was wrong\n", stderr);
    return ok ? 0 : 1;
}

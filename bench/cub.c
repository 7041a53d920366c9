/*
 * psum_cub: NVIDIA's CUB reductions as the GPU limit of bench/limits.py.
 * Not a test and not part of psum_omp; built where nvcc is found (the
 * Meson feature cuda_reference).
 *
 *   read:  cub::DeviceReduce::Sum over N int64 filled with 0..N-1 on the
 *          device (the fill untimed)
 *   gen:   the same over i ^ k, i from a counting iterator and k a runtime
 *          zero, so nothing is read from memory and no compiler can fold
 *          the sum into N(N-1)/2
 *
 * One warm-up of each, then REPEAT rounds of both, interleaved; CUB's
 * temporary storage is allocated once, before.  Each repetition is timed
 * twice: by CUDA events around the reduction alone ("event_*_s") and by
 * the host's monotonic clock from the launch to the sum on the host
 * ("min_s", "median_s"), as psum's own device sums are timed.  Every sum is
 * checked against N(N-1)/2, which must fit int64 (N <= 2^32).  Prints one
 * JSON object.  Exit 0; 1 when a sum is wrong or CUDA fails; 2 for a usage
 * error; 3 when there is no CUDA device (or no driver that runs the
 * runtime linked in), after one line on stderr.
 *
 * usage: psum_cub [N [REPEAT]]
 */
#include <stdint.h>
#include <stdio.h>

#include "bench_args.h"
#include "cub_reference.h"
#include "exact.h"
#include "report.h"
#include "stats.h"
#include "text.h"
#include "timer.h"

/* The largest N whose sum N(N-1)/2 fits int64, CUB's sum type here. */
#define CUB_MAX_N ((uint64_t)1 << 32)
#define CUB_MAX_REPEAT 64

/* XORed into the generated values: zero, but no compiler can know it. */
static volatile int64_t gen_key = 0;

typedef struct {
    const char *name;
    psum_cub_kind kind;
    double wall[CUB_MAX_REPEAT], event[CUB_MAX_REPEAT];
    int64_t sum;
    int ok;
} reduction;

/* One run of r's reduction, checked; the times go to slot `rep` (-1: warm-up). */
static int run_once(psum_cub *c, reduction *r, int rep, int64_t want)
{
    const char *why = NULL;
    double device_s = 0, t0 = psum_now();
    if (psum_cub_run(c, r->kind, gen_key, &r->sum, &device_s, &why) != 0) {
        fprintf(stderr, "psum_cub: %s\n", why);
        return -1;
    }
    double wall_s = psum_now() - t0;
    r->ok &= r->sum == want;
    if (rep >= 0) {
        r->wall[rep] = wall_s;
        r->event[rep] = device_s;
    }
    return 0;
}

static void print_reduction(const reduction *r, int repeat, const char *sep)
{
    psum_stats wall, event;
    psum_stats_compute(r->wall, (size_t)repeat, &wall);
    psum_stats_compute(r->event, (size_t)repeat, &event);
    printf("  \"%s\": {\"min_s\": %.9g, \"median_s\": %.9g, \"event_min_s\": %.9g, "
           "\"event_median_s\": %.9g, \"sum\": \"%lld\", \"verified\": %s}%s\n",
           r->name, wall.min, wall.median, event.min, event.median, (long long)r->sum,
           r->ok ? "true" : "false", sep);
}

static void print_device(const psum_cub_info *d)
{
    printf("  \"device\": {\"devices\": %d, \"device\": %d, \"name\": ", d->devices, d->device);
    psum_json_string(stdout, d->name);
    printf(", \"compute_capability\": \"%d.%d\", \"runtime_version\": %d, "
           "\"driver_version\": %d, \"cub_version\": %d, \"fill_s\": %.9g, "
           "\"temp_bytes\": %llu},\n",
           d->cc_major, d->cc_minor, d->runtime_version, d->driver_version, d->cub_version,
           d->fill_s, d->temp_bytes);
}

int main(int argc, char **argv)
{
    psum_bench_count counts[] = {{"N", CUB_MAX_N, 1000000000}, {"REPEAT", CUB_MAX_REPEAT, 5}};
    if (psum_bench_counts("psum_cub",
                          "psum_cub [N (1..2^32, so that N(N-1)/2 fits int64) [REPEAT (1..64)]]",
                          argc - 1, argv + 1, counts, 2) != 0)
        return 2;
    const uint64_t n = counts[0].value;
    const int repeat = (int)counts[1].value;
    const int64_t want = (int64_t)psum_expected_sum(n);

    psum_cub *c = NULL;
    psum_cub_info info;
    const char *why = NULL;
    int rc = psum_cub_open(n, &c, &info, &why);
    if (rc != PSUM_CUB_OK) {
        fprintf(stderr, "psum_cub: %s\n", why);
        return rc;
    }
    reduction r[] = {{"cub_read", PSUM_CUB_READ, {0}, {0}, 0, 1},
                     {"cub_gen", PSUM_CUB_GEN, {0}, {0}, 0, 1}};
    /* Interleaved, as psum_limits runs its kernels: drifts hit both alike. */
    for (int rep = -1; rep < repeat; rep++)
        for (size_t k = 0; k < 2; k++)
            if (run_once(c, &r[k], rep, want) != 0) {
                psum_cub_close(c);
                return 1;
            }
    psum_cub_close(c);

    printf("{\n  \"n\": %llu,\n  \"repeat\": %d,\n", (unsigned long long)n, repeat);
    print_device(&info);
    print_reduction(&r[0], repeat, ",");
    print_reduction(&r[1], repeat, "");
    puts("}");
    if (psum_close_output(stdout, "psum_cub") != 0)
        return 1;
    if (!(r[0].ok && r[1].ok)) {
        fputs("psum_cub: a sum was wrong\n", stderr);
        return 1;
    }
    return 0;
}

/*
 * psum_gpu_check: psum_omp's offload kernels on a real device, for
 * bench/gpu_check.sh.  Not a test (tests/unit/test_offload.c runs the same
 * kernels on the host fallback) and not part of psum_omp.
 *
 *   1. the device: count, default, name, and whether a target region really
 *      runs off the host; "no offload device" and psum_omp's exit status
 *      for it (PSUM_EXIT_NO_DEVICE) if not
 *   2. the warm-up: program image load, the driver compiling the PTX
 *   3. a sweep: the sums over small sizes with plans that force many lanes,
 *      launches and both ways of combining them, and near 2^62, all checked
 *   4. at N: the array filled on the device, filled on the host and copied
 *      in, and generated values; times, GB/s or G elem/s, every sum checked
 *
 * usage: psum_gpu_check [--host] [N [REPEAT]]   N: 1..2^62 (default 1e9),
 *        REPEAT: 1..64 (default 5); --host goes on without a device, on the
 *        host fallback, so a smoke test can run the whole program anywhere
 * Exit status 0 when every sum was right, 1 otherwise, PSUM_EXIT_NO_DEVICE
 * (3) without a device (unless --host), 2 for a usage error.
 */
#include <omp.h>
#include <stdio.h>
#include <string.h>

#include "array.h"
#include "bench_args.h"
#include "cli.h"
#include "exact.h"
#include "offload/offload.h"
#include "stats.h"
#include "timer.h"

static int failures;

static void check(psum_u128 got, psum_u128 want, const char *what, uint64_t n,
                  const psum_offload_plan *p)
{
    if (got == want)
        return;
    char g[PSUM_U128_DEC_SIZE], w[PSUM_U128_DEC_SIZE];
    printf("WRONG %s n=%llu block=%llu lanes=%llu pass=%llu: got %s, want %s\n", what,
           (unsigned long long)n, (unsigned long long)p->block, (unsigned long long)p->lanes,
           (unsigned long long)p->pass, psum_u128_to_dec(got, g), psum_u128_to_dec(want, w));
    failures++;
}

/* Step 3: the shapes the unit tests cover, on the device this time. */
static void sweep(int device)
{
    static const uint64_t sizes[] = {1, 2, 99, 100, 101, 12345, 1000007};
    static const psum_offload_plan plans[] = {
        {0, 0, 0}, {1, 1, 0}, {7, 3, 0}, {1000, 5, 2000}, {0, 64, 4096}, {3, 1000, 0},
        {0, 100000, 0}, {50, 100000, 0},
    };
    const size_t ns = sizeof sizes / sizeof sizes[0], ps = sizeof plans / sizeof plans[0];
    int cases = 0;
    const double t0 = psum_now();
    for (size_t s = 0; s < ns; s++) {
        const uint64_t n = sizes[s];
        psum_device_array a;
        if (psum_offload_alloc(&a, n, device) != 0) {
            printf("WRONG sweep: no room for %llu elements\n", (unsigned long long)n);
            failures++;
            continue;
        }
        psum_offload_fill(&a, 1000);
        for (size_t p = 0; p < ps; p++) {
            const psum_offload_plan *plan = &plans[p];
            if (plan->block && plan->lanes && n / (plan->block * plan->lanes) > 20000)
                continue;
            psum_source src = {.data = a.data, .n = n};
            check(psum_offload_sum(&src, device, 0, n, plan, NULL), psum_expected_sum(n),
                  "array", n, plan);
            src.data = NULL;
            check(psum_offload_sum(&src, device, 0, n, plan, NULL), psum_expected_sum(n),
                  "generated", n, plan);
            cases += 2;
        }
        psum_offload_free(&a);
    }
    /* A lane holds at most 3 elements at n = 2^62; the range sums to ~2^78. */
    const uint64_t n = PSUM_MAX_ELEMENTS, lo = n - ((uint64_t)1 << 16);
    const psum_source src = {.n = n};
    const psum_offload_plan near[] = {{0, 0, 0}, {0, 1000, 0}, {2, 7, 0}};
    for (size_t p = 0; p < sizeof near / sizeof near[0]; p++, cases++)
        check(psum_offload_sum(&src, device, lo, n, &near[p], NULL),
              psum_expected_sum(n) - psum_expected_sum(lo), "near 2^62", n, &near[p]);
    printf("sweep: %d sums over small sizes, plans and near 2^62, %s, %.2f s\n", cases,
           failures ? "SOME WRONG" : "all exact", psum_now() - t0);
}

/* Times `repeat` sums of src after one untimed; prints and checks them. */
static void time_sums(const char *what, const psum_source *src, int device, int repeat,
                      double bytes_per_element)
{
    const psum_u128 want = psum_expected_sum(src->n);
    psum_offload_used used;
    double samples[64];
    double t0 = psum_now();
    check(psum_offload_sum(src, device, 0, src->n, NULL, &used), want, what, src->n,
          &(psum_offload_plan){0, 0, 0});
    const double first = psum_now() - t0;
    for (int r = 0; r < repeat; r++) {
        t0 = psum_now();
        psum_u128 got = psum_offload_sum(src, device, 0, src->n, NULL, &used);
        samples[r] = psum_now() - t0;
        check(got, want, what, src->n, &(psum_offload_plan){0, 0, 0});
    }
    psum_stats st;
    psum_stats_compute(samples, (size_t)repeat, &st);
    const double n = (double)src->n;
    printf("%s: min %.6f s, median %.6f s, first call %.6f s; ", what, st.min,
           st.median, first);
    if (bytes_per_element > 0)
        printf("%.1f GB/s, ", n * bytes_per_element / st.min / 1e9);
    printf("%.1f G elem/s; teams %d, threads %d (x %d lanes), lanes %llu, launches %llu\n",
           n / st.min / 1e9, used.teams, used.threads, PSUM_OFFLOAD_SIMD,
           (unsigned long long)used.lanes, (unsigned long long)used.launches);
}

/* Step 4, the array filled on the device. */
static void on_device(uint64_t n, int device, int repeat)
{
    psum_device_array a;
    if (psum_offload_alloc(&a, n, device) != 0) {
        printf("WRONG array: no room on the device for %.3g GB\n", (double)n * 8 / 1e9);
        failures++;
        return;
    }
    double t0 = psum_now();
    psum_offload_fill(&a, 0);
    double t = psum_now() - t0;
    printf("fill on the device: %.6f s, %.1f GB/s\n", t, (double)n * 8 / t / 1e9);
    const psum_source src = {.data = a.data, .n = n};
    time_sums("array (filled on the device)", &src, device, repeat, 8);
    psum_offload_free(&a);
}

/* Step 4, --from-host: filled on the host, copied in. */
static void from_host(uint64_t n, int device, int repeat)
{
    psum_array host;
    psum_device_array a;
    if (psum_array_alloc(&host, n) != 0) {
        printf("WRONG from host: no host memory for %.3g GB\n", (double)n * 8 / 1e9);
        failures++;
        return;
    }
    psum_array_fill(&host, omp_get_max_threads());
    if (psum_offload_alloc(&a, n, device) != 0) {
        printf("WRONG from host: no room on the device for %.3g GB\n", (double)n * 8 / 1e9);
        failures++;
        psum_array_free(&host);
        return;
    }
    double t0 = psum_now();
    int rc = psum_offload_copy_in(&a, host.data, 0);
    double t = psum_now() - t0;
    psum_array_free(&host);
    if (rc != 0) {
        printf("WRONG from host: omp_target_memcpy failed\n");
        failures++;
    } else {
        printf("copy host to device: %.6f s, %.1f GB/s (pageable memory)\n", t,
               (double)n * 8 / t / 1e9);
        const psum_source src = {.data = a.data, .n = n};
        time_sums("array (copied from the host)", &src, device, repeat, 8);
    }
    psum_offload_free(&a);
}

int main(int argc, char **argv)
{
    const int host_ok = argc > 1 && strcmp(argv[1], "--host") == 0;
    argc -= host_ok;
    argv += host_ok;
    psum_bench_count counts[] = {{"N", PSUM_MAX_ELEMENTS, 1000000000}, {"REPEAT", 64, 5}};
    if (psum_bench_counts("psum_gpu_check",
                          "psum_gpu_check [--host] [N (1..2^62) [REPEAT (1..64)]]", argc - 1,
                          argv + 1, counts, 2) != 0)
        return 2;
    const uint64_t n = counts[0].value;
    const int repeat = (int)counts[1].value;
    psum_offload_info info;
    double t0 = psum_now();
    psum_offload_query(&info);
    printf("devices: %d (default %d, used %d), name: %s; query %.3f s\n", info.devices,
           info.default_device, info.device, info.name, psum_now() - t0);
    if (info.devices == 0 && !host_ok) {
        puts("no offload device: omp_get_num_devices() is 0");
        return PSUM_EXIT_NO_DEVICE;
    }
    int on = 0;
    const double warm = psum_offload_warmup(info.device, &on);
    printf("warm-up (image load, PTX compiled by the driver, the fill and both sums "
           "once): %.3f s\n", warm);
    if (!on && !host_ok) {
        puts("no offload device: target regions ran on the host");
        return PSUM_EXIT_NO_DEVICE;
    }
    if (!on)
        puts("--host: going on with the host fallback; the figures are not a GPU's");
    if (warm < 0) {
        puts("WRONG warm-up: a sum on the device was wrong or the device refused memory");
        return 1;
    }
    sweep(info.device);
    printf("N = %llu, %d timed repetitions after one untimed\n", (unsigned long long)n, repeat);
    on_device(n, info.device, repeat);
    from_host(n, info.device, repeat);
    const psum_source gen = {.n = n};
    time_sums("generated on the device", &gen, info.device, repeat, 0);
    puts(failures ? "result: SOME SUMS WRONG" : "result: every sum exact");
    return failures ? 1 : 0;
}

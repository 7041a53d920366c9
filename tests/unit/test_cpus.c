/*
 * The CPUs a run may use and what they did (cpus.h), and the /proc files
 * behind them (procfs.h): the allowed set, /proc/stat per-CPU parsing from
 * fixed text, the background-load arithmetic, the peak RSS.  No real load.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <omp.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "cpus.h"
#include "procfs.h"

Test(cpus, background_load_arithmetic)
{
    /* 2 s of wall on 2 CPUs: capacity 4 CPU seconds. */
    psum_load_mark a = {10.0, 1.0, 100.0, true};
    psum_load_mark b = {12.0, 3.0, 104.0, true};
    /* 4 busy seconds, 2 of them ours: others used 2 of 4. */
    cr_expect(ieee_ulp_eq(dbl, psum_background_load(&a, &b, 2), 0.5, 4));
    /* On 4 CPUs the same busy time is a quarter... */
    cr_expect(ieee_ulp_eq(dbl, psum_background_load(&a, &b, 4), 0.25, 4));
    /* ...and on 1 CPU it would exceed the capacity: clamped. */
    cr_expect(ieee_ulp_eq(dbl, psum_background_load(&a, &b, 1), 1.0, 4));
    /* More of our own time than the CPUs' busy time (tick rounding): 0, not negative. */
    psum_load_mark c = {12.0, 6.0, 104.0, true};
    cr_expect(ieee_ulp_eq(dbl, psum_background_load(&a, &c, 2), 0.0, 4));

    psum_load_mark short_b = {10.2, 1.2, 100.4, true};
    cr_expect(lt(dbl, psum_background_load(&a, &short_b, 2), 0.0), "too short to tell");
    psum_load_mark broken = b;
    broken.ok = false;
    cr_expect(lt(dbl, psum_background_load(&a, &broken, 2), 0.0), "no /proc/stat");
    cr_expect(lt(dbl, psum_background_load(&a, &b, 0), 0.0), "no CPU count");
}

/* /proc/stat with CPU 0 idle but for psum_omp and CPU 1 kept busy by another process. */
static const char stat_before[] =
    "cpu  1000 0 200 5000 10 0 5 0 0 0\n"
    "cpu0 500 0 100 2500 5 0 2 0 0 0\n"
    "cpu1 500 0 100 2500 5 0 3 0 0 0\n"
    "intr 123456 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20\n"
    "ctxt 99999\n";
static const char stat_after[] =
    "cpu  1200 0 200 5000 10 0 5 0 0 0\n"
    "cpu0 600 0 100 2500 5 0 2 0 0 0\n"
    "cpu1 600 0 100 2500 5 0 3 0 0 0\n"
    "intr 123999 1 2 3\n"
    "cpu7 999 999 999 0 0 999 999 999 0 0\n";

Test(cpus, peak_rss_is_this_process_s_high_water_mark)
{
    uint64_t before = psum_peak_rss();
    cr_assert(gt(u64, before, 0));
    /* Touch 64 MiB more than ever before: the mark rises at least that much. */
    size_t bytes = (size_t)64 << 20;
    char *block = malloc(bytes);
    cr_assert(not(eq(ptr, block, NULL)));
    memset(block, 1, bytes);
    __asm__ volatile("" : : "r"(block) : "memory"); /* the stores must happen */
    uint64_t after = psum_peak_rss();
    free(block);
    cr_expect(ge(u64, after, before + bytes / 2), "%llu then %llu", (unsigned long long)before,
              (unsigned long long)after);
}

Test(cpus, proc_stat_counts_only_the_given_cpus)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(0, &set);
    uint64_t ticks = 0;
    cr_assert(eq(int, psum_proc_stat_busy(stat_before, &set, sizeof set, &ticks), 1));
    cr_expect(eq(u64, ticks, 602)); /* user + nice + system + irq + softirq + steal */
    CPU_SET(1, &set);
    cr_assert(eq(int, psum_proc_stat_busy(stat_before, &set, sizeof set, &ticks), 2));
    cr_expect(eq(u64, ticks, 1205));
    /* A "cpu7" line after the others is past the CPU lines and never read. */
    CPU_ZERO(&set);
    CPU_SET(7, &set);
    cr_expect(eq(int, psum_proc_stat_busy(stat_after, &set, sizeof set, &ticks), -1));
}

Test(cpus, proc_stat_refuses_what_it_cannot_read)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(0, &set);
    uint64_t ticks = 42;
    cr_expect(eq(int, psum_proc_stat_busy("", &set, sizeof set, &ticks), -1));
    cr_expect(eq(int, psum_proc_stat_busy("cpu  1 2 3 4 5 6 7 8\n", &set, sizeof set, &ticks), -1),
              "the machine-wide line is not CPU 0's");
    cr_expect(eq(int, psum_proc_stat_busy("cpu0 1 2 3\n", &set, sizeof set, &ticks), -1),
              "too few fields");
    cr_expect(eq(int, psum_proc_stat_busy("cpu1 1 2 3 4 5 6 7 8\n", &set, sizeof set, &ticks), -1));
    cr_expect(eq(u64, ticks, 42), "untouched on failure");
    /* Old kernels have no steal field: seven numbers are enough. */
    cr_expect(eq(int, psum_proc_stat_busy("cpu0 1 2 3 4 5 6 7\n", &set, sizeof set, &ticks), 1));
    cr_expect(eq(u64, ticks, 1 + 2 + 3 + 6 + 7));
    cr_expect(eq(int, psum_proc_stat_busy_file("/nonexistent/stat", &set, sizeof set, &ticks), -1));
}

/*
 * taskset -c 0 psum_omp while another process keeps CPU 1 busy: over the
 * allowed CPU only, the others used nothing; over the whole machine they
 * would seem to have used half of it.
 */
Test(cpus, pinned_run_ignores_load_on_other_cpus)
{
    const double hz = 100;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(0, &set);
    uint64_t t0 = 0, t1 = 0;
    cr_assert(eq(int, psum_proc_stat_busy(stat_before, &set, sizeof set, &t0), 1));
    cr_assert(eq(int, psum_proc_stat_busy(stat_after, &set, sizeof set, &t1), 1));
    /* One second of wall time, all of it psum_omp's on CPU 0. */
    psum_load_mark a = {0.0, 0.0, (double)t0 / hz, true};
    psum_load_mark b = {1.0, 1.0, (double)t1 / hz, true};
    cr_expect(ieee_ulp_eq(dbl, psum_background_load(&a, &b, 1), 0.0, 4));

    CPU_SET(1, &set);
    cr_assert(eq(int, psum_proc_stat_busy(stat_before, &set, sizeof set, &t0), 2));
    cr_assert(eq(int, psum_proc_stat_busy(stat_after, &set, sizeof set, &t1), 2));
    a.busy = (double)t0 / hz;
    b.busy = (double)t1 / hz;
    cr_expect(ieee_ulp_eq(dbl, psum_background_load(&a, &b, 2), 0.5, 4));
}

Test(cpus, allowed_cpus_come_from_the_affinity_mask_or_the_places)
{
    psum_cpus c;
    cr_assert(eq(int, psum_cpus_allowed(&c), 0));
    cr_expect(ge(int, c.count, 1));
    cr_expect(le(int, c.count, omp_get_num_procs()));
    if (omp_get_num_places() == 0) {
        cpu_set_t mask;
        cr_assert(eq(int, sched_getaffinity(0, sizeof mask, &mask), 0));
        cr_expect(eq(int, c.count, CPU_COUNT(&mask)));
    }
    psum_cpus_free(&c);
    cr_expect(eq(ptr, c.set, NULL));
    psum_cpus_free(&c);
}

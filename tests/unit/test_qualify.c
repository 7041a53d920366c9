/*
 * The verdicts on a result and the warnings that explain them, with fake
 * phases and loads: no timing, no real load.  The load arithmetic behind
 * them is test_cpus.c's.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <string.h>

#include "env.h"
#include "env_fixture.h"
#include "qualify.h"

static double flat[] = {1.0, 1.0, 1.0};

static psum_phase phase(double min, double mean, double max, double stddev, size_t count)
{
    return (psum_phase){flat, count, {min, mean, mean, max, stddev}, 0, true, 1};
}

Test(qualify, a_phase_is_noisy_past_either_threshold)
{
    /* cv = stddev / mean */
    psum_phase calm = phase(1.0, 1.0, 1.19, 0.05, 3);
    psum_phase cv = phase(1.0, 1.0, 1.1, 0.051, 3);
    psum_phase spread = phase(1.0, 1.0, 1.21, 0.01, 3);
    psum_phase one_sample = phase(1.0, 1.0, 2.0, 0.5, 1);
    cr_expect(not(psum_phase_noisy(&calm)));
    cr_expect(psum_phase_noisy(&cv));
    cr_expect(psum_phase_noisy(&spread));
    cr_expect(not(psum_phase_noisy(&one_sample)), "one sample has no spread to judge");
}

static psum_result result(int team, int cpus, double load)
{
    psum_result r;
    memset(&r, 0, sizeof r);
    r.team = team;
    r.serial = phase(2.0, 2.0, 2.0, 0, 3);
    r.parallel = phase(1.0, 1.0, 1.0, 0, 3);
    r.qual.cpus_allowed = cpus;
    r.qual.background_load = load;
    psum_qualify(&r);
    return r;
}

Test(qualify, verdicts)
{
    psum_result r = result(2, 2, 0.05);
    cr_expect(not(r.qual.oversubscribed));
    cr_expect(not(r.qual.busy));
    cr_expect(not(r.qual.noisy));

    r = result(3, 2, 0.05);
    cr_expect(r.qual.oversubscribed);
    cr_expect(not(r.qual.noisy), "oversubscription alone is not noise");

    r = result(3, 0, -1);
    cr_expect(not(r.qual.oversubscribed), "unknown CPUs: no verdict");
    cr_expect(not(r.qual.busy), "unknown load: not busy");

    r = result(1, 1, 0.10);
    cr_expect(not(r.qual.busy), "at the threshold is not over it");
    r = result(1, 1, 0.11);
    cr_expect(r.qual.busy);
    cr_expect(r.qual.noisy, "busy CPUs make the run noisy");

    r = result(1, 1, 0);
    r.parallel = phase(1.0, 1.0, 1.5, 0.2, 3);
    psum_qualify(&r);
    cr_expect(r.qual.parallel_noisy);
    cr_expect(not(r.qual.serial_noisy));
    cr_expect(r.qual.noisy);

    r.serial = (psum_phase){0};
    r.parallel = phase(1.0, 1.0, 1.0, 0, 3);
    psum_qualify(&r);
    cr_expect(not(r.qual.serial_noisy), "no serial phase (--no-serial)");
    cr_expect(not(r.qual.noisy));
}

Test(qualify, warnings_follow_the_verdicts)
{
    psum_machine m;
    memset(&m, 0, sizeof m);
    m.omp_proc_bind = "close";
    psum_warnings w;

    psum_result r = result(2, 2, 0.0);
    psum_collect_warnings(&r, &m, &w);
    cr_expect(eq(sz, w.count, 0));
    psum_warnings_free(&w);

    r = result(16, 2, 0.0);
    r.parallel = phase(1.0, 7.0 / 6, 1.5, 0.29, 3);
    psum_qualify(&r);
    psum_collect_warnings(&r, &m, &w);
    cr_assert(eq(sz, w.count, 2));
    cr_expect(eq(str, w.text[0], "16 threads on 2 allowed CPUs: oversubscribed, threads share cores"));
    cr_expect(not(eq(ptr, strstr(w.text[1], "parallel phase is noisy: coefficient of variation 24.9%, max/min 1.50"), NULL)),
              "%s", w.text[1]);
    psum_warnings_free(&w);
    m.omp_proc_bind = NULL;
    psum_collect_warnings(&r, &m, &w);
    cr_expect(eq(sz, w.count, 3));
    psum_warnings_free(&w);

    m.omp_proc_bind = "close";
    r = result(2, 1, 0.625);
    psum_collect_warnings(&r, &m, &w);
    cr_assert(eq(sz, w.count, 2));
    cr_expect(eq(str, w.text[0], "2 threads on 1 allowed CPU: oversubscribed, threads share cores"));
    cr_expect(eq(str, w.text[1], "other processes used 62% of the 1 allowed CPU during the "
                                 "measurement: the times are noisy"));
    psum_warnings_free(&w);
}

Test(qualify, every_verdict_and_every_environment_warning_fit_at_once)
{
    psum_machine m;
    memset(&m, 0, sizeof m); /* OMP_PROC_BIND unset */
    psum_result r = result(16, 2, 0.5);
    r.serial = phase(1.0, 7.0 / 6, 1.5, 0.29, 3);
    r.parallel = phase(1.0, 7.0 / 6, 1.5, 0.29, 3);
    psum_qualify(&r);
    psum_warnings w;
    psum_collect_warnings(&r, &m, &w);
    cr_assert(eq(sz, w.count, PSUM_QUALIFY_MAX_WARNINGS), "every kind once, no more");

    psum_env_dropped dropped;
    drop_every_variable(&dropped);
    cr_assert(eq(sz, dropped.count, PSUM_ENV_CHECKED));
    psum_env_warnings(&dropped, &w);
    cr_assert(eq(sz, w.count, PSUM_QUALIFY_MAX_WARNINGS + PSUM_ENV_CHECKED));
    const char *want[] = {"oversubscribed", "OMP_PROC_BIND is unset", "serial phase is noisy",
                          "parallel phase is noisy", "other processes used 50%",
                          "ignoring OMP_NUM_THREADS=", "ignoring OMP_PROC_BIND=",
                          "ignoring OMP_PLACES=", "ignoring OMP_DYNAMIC=",
                          "ignoring OMP_TARGET_OFFLOAD=", "ignoring OMP_DEFAULT_DEVICE="};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        cr_expect(not(eq(ptr, strstr(w.text[i], want[i]), NULL)), "line %zu: %s", i, w.text[i]);
    psum_warnings_free(&w);
}

Test(qualify, the_warnings_grow_past_any_count_and_keep_every_line)
{
    psum_warnings w = {0};
    char line[32];
    for (int i = 0; i < 1000; i++) {
        snprintf(line, sizeof line, "warning %d", i);
        cr_assert(eq(int, psum_add_warning(&w, line), 0));
    }
    cr_assert(eq(sz, w.count, 1000));
    cr_expect(not(w.out_of_memory));
    cr_expect(eq(str, w.text[0], "warning 0"));
    cr_expect(eq(str, w.text[999], "warning 999"));
    psum_warnings_free(&w);
    cr_expect(eq(sz, w.count, 0));
    cr_expect(eq(ptr, w.text, NULL));
}

Test(qualify, a_warning_is_one_escaped_line_cut_to_size)
{
    psum_warnings w = {0};
    char longer[2 * PSUM_WARNING_SIZE];
    memset(longer, 'x', sizeof longer - 1);
    longer[sizeof longer - 1] = '\0';
    psum_add_warning(&w, "two\nlines");
    psum_add_warning(&w, longer);
    cr_expect(eq(str, w.text[0], "two\\nlines"));
    cr_expect(eq(sz, strlen(w.text[1]), PSUM_WARNING_SIZE - 1));
    psum_warnings_free(&w);
}

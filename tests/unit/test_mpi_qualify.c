/*
 * psum_mpi's warnings from a qualified result and placement: which
 * figures the oversubscription line tells, psum_mpi's own lines, and every
 * source of warnings filled at once.  No MPI call: built against MPI's
 * headers and library only because mpi_qualify.h needs them.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <string.h>

#include "env.h"
#include "env_fixture.h"
#include "mpi/mpi_qualify.h"

static double flat[] = {1.0, 1.0, 1.0};

/* A phase whose spread crosses both noise thresholds. */
static psum_phase noisy_phase(void)
{
    return (psum_phase){flat, 3, {1.0, 7.0 / 6, 7.0 / 6, 1.5, 0.29}, 0, true, 1};
}

/*
 * 2 ranks of 4 and 3 threads on one node of 2 CPUs, each rank allowed both:
 * every verdict true, as psum_mpi_qualify would leave them.
 */
static void everything_wrong(psum_result *r, psum_mpi_placement *p)
{
    memset(r, 0, sizeof *r);
    r->team = 7;
    r->ranks.threads_per_rank = 4;
    r->serial = noisy_phase();
    r->parallel = noisy_phase();
    r->qual = (psum_qualification){.cpus_allowed = 2, .background_load = 0.5,
                                   .serial_noisy = true, .parallel_noisy = true,
                                   .oversubscribed = true, .busy = true, .noisy = true};
    *p = (psum_mpi_placement){.crowded_rank_threads = 4, .crowded_rank_cpus = 2,
                              .busiest_node_threads = 7, .busiest_node_cpus = 2,
                              .rank_crowded = true, .node_oversubscribed = true,
                              .ranks_share_cpus = true};
}

/* Checks that w holds exactly the lines starting with want's texts, in order. */
static void expect_lines(const psum_warnings *w, const char *const *want, size_t count)
{
    cr_assert(eq(sz, w->count, count));
    cr_assert(not(w->out_of_memory));
    for (size_t i = 0; i < count; i++) {
        cr_expect(eq(int, strncmp(w->text[i], want[i], strlen(want[i])), 0),
                  "line %zu: '%s', want '%s...'", i, w->text[i], want[i]);
    }
}

static const char *const environment_lines[] = {
    "ignoring OMP_NUM_THREADS=", "ignoring OMP_PROC_BIND=", "ignoring OMP_PLACES=",
    "ignoring OMP_DYNAMIC=", "ignoring OMP_TARGET_OFFLOAD=", "ignoring OMP_DEFAULT_DEVICE="};

/*
 * Every warning source at once: everything_wrong()'s verdicts and placement
 * (ranks sharing CPUs or not), OMP_PROC_BIND unset (or removed as invalid)
 * and every OMP_* variable invalid, collected into *w as psum_mpi does.
 */
static void every_source_at_once(bool ranks_share_cpus, psum_warnings *w)
{
    psum_result r;
    psum_mpi_placement p;
    everything_wrong(&r, &p);
    p.ranks_share_cpus = ranks_share_cpus;
    psum_machine m;
    memset(&m, 0, sizeof m);
    psum_mpi_collect_warnings(&r, &p, 3, &m, w);
    psum_env_dropped dropped;
    drop_every_variable(&dropped);
    psum_env_warnings(&dropped, w);
}

Test(mpi_qualify, every_source_at_once_with_unbound_ranks_sharing_cpus)
{
    psum_warnings w;
    every_source_at_once(true, &w);

    /* "OMP_PROC_BIND is unset" gives way to the shared CPUs' line. */
    const char *want[] = {"7 threads on 2 allowed CPUs: oversubscribed",
                          "serial phase is noisy", "parallel phase is noisy",
                          "other processes used 50% of the 2 allowed CPUs",
                          "the ranks run different numbers of threads, 3 to 4",
                          "a rank runs 4 threads on the 2 CPUs it may run on: ",
                          "ranks on one node share their CPUs (mpirun --bind-to none?): threads "
                          "may migrate",
                          environment_lines[0], environment_lines[1], environment_lines[2],
                          environment_lines[3], environment_lines[4], environment_lines[5]};
    expect_lines(&w, want, sizeof want / sizeof want[0]);
    psum_warnings_free(&w);
}

Test(mpi_qualify, every_source_at_once_with_ranks_apart)
{
    psum_warnings w;
    every_source_at_once(false, &w);

    const char *want[] = {"7 threads on 2 allowed CPUs: oversubscribed",
                          "OMP_PROC_BIND is unset", "serial phase is noisy",
                          "parallel phase is noisy", "other processes used 50%",
                          "the ranks run different numbers of threads, 3 to 4",
                          "a rank runs 4 threads on the 2 CPUs it may run on: ",
                          environment_lines[0], environment_lines[1], environment_lines[2],
                          environment_lines[3], environment_lines[4], environment_lines[5]};
    expect_lines(&w, want, sizeof want / sizeof want[0]);
    psum_warnings_free(&w);
}

Test(mpi_qualify, the_oversubscription_line_tells_the_busiest_node)
{
    psum_result r;
    psum_mpi_placement p;
    everything_wrong(&r, &p);
    /* Two nodes: 8 threads on 6 CPUs in all, 6 of them on the node with 2. */
    r.team = 8;
    r.qual.cpus_allowed = 6;
    p.busiest_node_threads = 6;
    p.busiest_node_cpus = 2;
    psum_machine m;
    memset(&m, 0, sizeof m);
    m.omp_proc_bind = "close";
    psum_warnings w;
    psum_mpi_collect_warnings(&r, &p, 4, &m, &w);
    cr_assert(ge(sz, w.count, 1));
    cr_expect(eq(str, w.text[0], "6 threads on 2 allowed CPUs: oversubscribed, threads share "
                                 "cores"));
    cr_expect(eq(str, w.text[w.count - 1],
                 "ranks on one node share their CPUs (mpirun --bind-to none?): OMP_PROC_BIND "
                 "pins every rank's threads onto the same CPUs; bind ranks apart with mpirun "
                 "--map-by slot:pe=T --bind-to core"));
    psum_warnings_free(&w);
}

Test(mpi_qualify, a_crowded_rank_alone_has_its_own_line_only)
{
    psum_result r;
    memset(&r, 0, sizeof r);
    r.team = 4;
    r.ranks.threads_per_rank = 2;
    r.qual = (psum_qualification){.cpus_allowed = 4, .background_load = -1,
                                  .oversubscribed = true};
    /* mpirun bound each of 2 ranks of 2 threads to 1 core of a 4-CPU node. */
    psum_mpi_placement p = {.crowded_rank_threads = 2, .crowded_rank_cpus = 1,
                            .busiest_node_threads = 4, .busiest_node_cpus = 4,
                            .rank_crowded = true};
    psum_machine m;
    memset(&m, 0, sizeof m);
    m.omp_proc_bind = "close";
    psum_warnings w;
    psum_mpi_collect_warnings(&r, &p, 2, &m, &w);
    cr_assert(eq(sz, w.count, 1));
    cr_expect(eq(str, w.text[0], "a rank runs 2 threads on the 1 CPU it may run on: give each "
                                 "rank a CPU per thread (mpirun --map-by slot:pe=T --bind-to "
                                 "core, or --bind-to none) or run fewer threads"));
    cr_expect(r.qual.oversubscribed, "the verdict itself is left as decided");
    psum_warnings_free(&w);
}

Test(mpi_qualify, a_calm_run_has_no_warning)
{
    psum_result r;
    memset(&r, 0, sizeof r);
    r.team = 2;
    r.ranks.threads_per_rank = 1;
    r.qual = (psum_qualification){.cpus_allowed = 2, .background_load = 0};
    psum_mpi_placement p = {1, 1, 2, 2, false, false, false};
    psum_machine m;
    memset(&m, 0, sizeof m);
    m.omp_proc_bind = "close";
    psum_warnings w;
    psum_mpi_collect_warnings(&r, &p, 1, &m, &w);
    cr_expect(eq(sz, w.count, 0));
    psum_warnings_free(&w);
}

/* Rank r's removals, from its environment block. */
static void drops_from(char **envp, psum_rank_drops *d)
{
    psum_env_dropped dropped;
    memset(&dropped, 0, sizeof dropped);
    psum_env_drop_invalid(envp, &dropped);
    psum_rank_drops_of(&dropped, d);
}

Test(mpi_qualify, a_removal_on_every_rank_is_one_plain_line)
{
    static char bad[] = "OMP_NUM_THREADS=0";
    psum_rank_drops all[3];
    for (int r = 0; r < 3; r++)
        drops_from((char *[]){bad, NULL}, &all[r]);
    psum_warnings w = {0};
    psum_mpi_merge_drops(all, 3, &w);
    cr_assert(eq(sz, w.count, 1));
    cr_assert(eq(int, strncmp(w.text[0], "ignoring OMP_NUM_THREADS='0': ", 30), 0), "%s",
              w.text[0]);
    psum_warnings_free(&w);
}

Test(mpi_qualify, a_removal_on_other_ranks_is_kept_and_names_them)
{
    static char zero[] = "OMP_NUM_THREADS=0", x[] = "OMP_NUM_THREADS=x",
                fine[] = "OMP_NUM_THREADS=2", places[] = "OMP_PLACES=y";
    psum_rank_drops all[7];
    drops_from((char *[]){fine, NULL}, &all[0]);
    drops_from((char *[]){zero, places, NULL}, &all[1]);
    drops_from((char *[]){zero, NULL}, &all[2]);
    drops_from((char *[]){x, NULL}, &all[3]);
    drops_from((char *[]){zero, NULL}, &all[4]);
    drops_from((char *[]){zero, NULL}, &all[5]);
    drops_from((char *[]){fine, NULL}, &all[6]);
    psum_warnings w = {0};
    psum_mpi_merge_drops(all, 7, &w);
    cr_assert(eq(sz, w.count, 2));
    cr_assert(eq(int, strncmp(w.text[0], "ranks 1, 2, 4 and 1 more: ignoring "
                              "OMP_NUM_THREADS='0': ", 56), 0), "%s", w.text[0]);
    cr_assert(not(eq(ptr, strstr(w.text[0], "default applies (1 other rank ignored other "
                                            "values)"), NULL)), "%s", w.text[0]);
    cr_assert(eq(int, strncmp(w.text[1], "rank 1: ignoring OMP_PLACES='y': ", 33), 0), "%s",
              w.text[1]);

    /* Two and three ranks are named in full. */
    psum_rank_drops pair[3];
    drops_from((char *[]){fine, NULL}, &pair[0]);
    drops_from((char *[]){x, NULL}, &pair[1]);
    drops_from((char *[]){x, NULL}, &pair[2]);
    psum_warnings w2 = {0};
    psum_mpi_merge_drops(pair, 3, &w2);
    cr_assert(eq(int, strncmp(w2.text[0], "ranks 1 and 2: ignoring", 23), 0), "%s", w2.text[0]);
    psum_warnings_free(&w);
    psum_warnings_free(&w2);
}

Test(mpi_qualify, every_variable_on_every_rank_fits_the_warnings)
{
    psum_env_dropped every;
    drop_every_variable(&every);
    psum_rank_drops all[4];
    for (int r = 0; r < 4; r++)
        psum_rank_drops_of(&every, &all[r]);
    all[0].count = 0; /* so every line names its ranks */
    psum_warnings w = {0};
    psum_mpi_merge_drops(all, 4, &w);
    cr_assert(eq(sz, w.count, (size_t)PSUM_ENV_CHECKED));
    for (size_t i = 0; i < w.count; i++)
        cr_assert(eq(int, strncmp(w.text[i], "ranks 1, 2 and 3: ignoring OMP_", 31), 0), "%s",
                  w.text[i]);
    psum_warnings_free(&w);
}

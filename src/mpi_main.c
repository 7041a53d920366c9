/*
 * psum_mpi: psum_omp's benchmark across the ranks of MPI_COMM_WORLD, with
 * OpenMP threads inside each rank (mpi_run.h).  Wires the modules together
 * and owns the exit code, the same on every rank: 0 verified, 1 runtime
 * failure or failed verification on any rank, 2 usage error.  Rank 0
 * alone writes the report; another rank writes only its own failure.
 */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli.h"
#include "env_early.h"
#include "machine.h"
#include "mpi_run.h"
#include "psum_build.h"
#include "qualify.h"
#include "report.h"

#if defined(__SANITIZE_ADDRESS__)
#define PSUM_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PSUM_ASAN 1
#endif
#endif

#ifdef PSUM_ASAN
/*
 * Open MPI keeps allocations past MPI_Finalize, in its libraries and in
 * components it loads and unloads, and LeakSanitizer would report them as
 * psum_mpi's.  These suppressions name Open MPI's libraries; the full
 * unwind lets them see every frame (the fast one stops at the first
 * library frame without a frame pointer).  A leak of psum_mpi's own, with
 * no Open MPI frame, is still reported.  ASAN_OPTIONS and LSAN_OPTIONS
 * override these.
 */
const char *__asan_default_options(void);
const char *__lsan_default_options(void);
const char *__lsan_default_suppressions(void);

const char *__asan_default_options(void)
{
    return "fast_unwind_on_malloc=0";
}

/* Quiet about what it suppressed: stderr keeps psum_mpi's one line. */
const char *__lsan_default_options(void)
{
    return "print_suppressions=0";
}

const char *__lsan_default_suppressions(void)
{
    return "leak:libmpi.so\nleak:libopen-rte.so\nleak:libopen-pal.so\nleak:libevent\n"
           "leak:libpmix\nleak:libhwloc\n";
}
#endif

static void usage(FILE *out)
{
    fputs("Usage: mpirun -np R psum_mpi [OPTION]...\n"
          "Sum 0, 1, ..., N-1 split over R MPI ranks, each rank summing its slice with\n"
          "an OpenMP parallel loop; check the exact result against N(N-1)/2 and report\n"
          "times, rates and speedup.  The options are psum_omp's; --chunks counts the\n"
          "chunks of each rank, and each rank runs --threads or OMP_NUM_THREADS threads.\n"
          "The ranks sum on their CPUs: --device gpu is psum_omp's alone.\n"
          "\n", out);
    psum_cli_usage_options(out);
    fputs("  PSUM_MPI_FAIL_RANK, PSUM_MPI_FAIL_STAGE\n"
          "                        testing aids: make one rank fail (never when measuring)\n"
          "\n"
          "Exit status, the same on every rank:\n"
          "  0    the sum was verified\n"
          "  1    runtime failure or failed verification on any rank\n"
          "  2    usage error\n", out);
}

/*
 * psum_omp's warnings, the oversubscription told on the node with the most
 * threads per CPU, and those that only ranks can cause.
 */
static void collect_warnings(const psum_mpi_result *res, const psum_machine *m,
                             psum_warnings *w)
{
    const psum_mpi_placement *p = &res->placement;
    psum_result view = res->base;
    psum_machine view_machine = *m;
    if (p->busiest_node_cpus > 0 && p->busiest_node_threads > p->busiest_node_cpus) {
        view.team = p->busiest_node_threads;
        view.qual.cpus_allowed = p->busiest_node_cpus;
    } else {
        /* Only a rank is crowded: its own warning below says how. */
        view.qual.oversubscribed = view.qual.cpus_allowed > 0 &&
                                   view.team > view.qual.cpus_allowed;
    }
    /* Unbound ranks must not be told to bind their threads: see below. */
    if (p->ranks_share_cpus && m->omp_proc_bind == NULL)
        view_machine.omp_proc_bind = "false";
    psum_collect_warnings(&view, &view_machine, w);

    char line[sizeof w->text[0]];
    if (res->threads_min != res->base.ranks.threads_per_rank) {
        snprintf(line, sizeof line, "the ranks run different numbers of threads, %d to %d",
                 res->threads_min, res->base.ranks.threads_per_rank);
        psum_add_warning(w, line);
    }
    if (p->crowded_rank_cpus > 0 && p->crowded_rank_threads > p->crowded_rank_cpus) {
        snprintf(line, sizeof line,
                 "a rank runs %d threads on the %d CPU%s that mpirun bound it to: give each "
                 "rank as many (mpirun --map-by slot:pe=T --bind-to core) or --bind-to none",
                 p->crowded_rank_threads, p->crowded_rank_cpus,
                 p->crowded_rank_cpus == 1 ? "" : "s");
        psum_add_warning(w, line);
    }
    const char *bind = m->omp_proc_bind;
    if (p->ranks_share_cpus && (bind == NULL || strcasecmp(bind, "false") != 0)) {
        snprintf(line, sizeof line,
                 "ranks on one node share their CPUs (mpirun --bind-to none?): %s; bind ranks "
                 "apart with mpirun --map-by slot:pe=T --bind-to core",
                 bind == NULL ? "threads may migrate between them"
                              : "OMP_PROC_BIND pins every rank's threads onto the same CPUs");
        psum_add_warning(w, line);
    }
    psum_env_warnings(psum_env_early_dropped(), w);
}

/* Rank 0's part once the run is done: warnings, the report, the verdict. */
static int report_on_root(const psum_mpi_result *res)
{
    psum_machine machine;
    psum_machine_read(&machine);
    psum_warnings warnings;
    collect_warnings(res, &machine, &warnings);
    return psum_report_finish("psum_mpi", &res->base, &machine, &warnings);
}

static int run(int argc, char **argv, int rank)
{
    psum_config cfg;
    char err[1024];
    switch (psum_cli_parse(argc, argv, &cfg, err, sizeof err)) {
    case PSUM_CLI_HELP:
        if (rank != 0)
            return 0;
        usage(stdout);
        return psum_close_output(stdout, "psum_mpi");
    case PSUM_CLI_VERSION:
        if (rank != 0)
            return 0;
        printf("psum_mpi %s\n", PSUM_VERSION);
        return psum_close_output(stdout, "psum_mpi");
    case PSUM_CLI_ERROR:
        /* Every rank parsed the same arguments: one of them says so. */
        if (rank == 0)
            fprintf(stderr, "psum_mpi: %s (see psum_mpi --help)\n", err);
        return 2;
    case PSUM_CLI_RUN:
        break;
    }
    if (cfg.device != PSUM_DEVICE_CPU) {
        if (rank == 0)
            fprintf(stderr, "psum_mpi: invalid value '%s' for --device: psum_mpi sums on the "
                    "ranks' CPUs only (see psum_mpi --help)\n", psum_device_name(cfg.device));
        return 2;
    }

    psum_env_early_check(environ);
    psum_mpi_result res;
    psum_mpi_status status = psum_mpi_run(&cfg, MPI_COMM_WORLD, &res, err, sizeof err);
    if (err[0] != '\0')
        fprintf(stderr, "psum_mpi: %s\n", err);
    if (status == PSUM_MPI_FAILED)
        return 1;
    int rc = rank == 0 ? report_on_root(&res) : 0;
    psum_result_free(&res.base);
    /* A write error or a wrong sum on rank 0 is every rank's exit status. */
    MPI_Bcast(&rc, 1, MPI_INT, 0, MPI_COMM_WORLD);
    return rc;
}

int main(int argc, char **argv)
{
    int provided = 0, rank = 0;
    MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    int rc = run(argc, argv, rank);
    MPI_Finalize();
    return rc;
}

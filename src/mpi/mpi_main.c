/*
 * psum_mpi: psum_omp's benchmark across the ranks of MPI_COMM_WORLD, with
 * OpenMP threads inside each rank (mpi_run.h).  Wires the modules together
 * and owns the exit code, the same on every rank: 0 verified, 1 runtime
 * failure or failed verification on any rank, 2 usage error.  Rank 0
 * alone writes the report; another rank writes only its own failure.
 */
#include <mpi.h>
#include <stdio.h>
#include <unistd.h>

#include "cli.h"
#include "env_early.h"
#include "machine.h"
#include "mpi_agree.h"
#include "mpi_run.h"
#include "report.h"
#include "version.h"

static void usage(FILE *out)
{
    fputs("Usage: mpirun -np R psum_mpi [OPTION]...\n"
          "Sum 0, 1, ..., N-1 split over R MPI ranks, each rank summing its slice with\n"
          "an OpenMP parallel loop; check the exact result against N(N-1)/2 and report\n"
          "times, rates and speedup.  The options are psum_omp's; --chunks counts the\n"
          "chunks of each rank, and each rank runs --threads or OMP_NUM_THREADS threads.\n"
          "The ranks sum on their CPUs: psum_omp's --device gpu and --from-host are\n"
          "refused.\n"
          "\n", out);
    psum_cli_usage_options(out, false);
    fputs("\n"
          "Exit status, the same on every rank:\n"
          "  0    the sum was verified\n"
          "  1    runtime failure or failed verification on any rank\n"
          "  2    usage error, or ranks given different configurations\n"
          "\n", out);
    psum_cli_usage_environment(out);
    fputs("\n"
          "PSUM_MPI_FAIL_RANK and PSUM_MPI_FAIL_STAGE are testing aids that make one rank\n"
          "fail; never set them when measuring.\n", out);
}

/*
 * Rank 0's part once the run is done: warnings (every rank's removed
 * OMP_* values among them, res->drops), the report, the verdict.
 */
static int report_on_root(const psum_mpi_result *res)
{
    const psum_warnings *drops = &res->drops;
    psum_machine machine;
    psum_machine_read(&machine);
    psum_warnings warnings;
    psum_mpi_collect_warnings(&res->base, &res->placement, res->threads_min, &machine,
                              &warnings);
    for (size_t i = 0; i < drops->count; i++)
        psum_add_warning(&warnings, drops->text[i]);
    warnings.out_of_memory = warnings.out_of_memory || drops->out_of_memory;
    int rc = psum_report_finish("psum_mpi", &res->base, &machine, &warnings);
    psum_warnings_free(&warnings);
    return rc;
}

/*
 * psum_cli_parse, with psum_mpi's refusal of --device gpu and of psum_omp's
 * questions (--check, --describe, --parse-count) as its errors.
 */
static psum_cli_status parse(int argc, char **argv, psum_config *cfg, char *err, size_t len)
{
    static const char *const asked[] = {
        [PSUM_ACTION_CHECK] = "--check",
        [PSUM_ACTION_DESCRIBE] = "--describe",
        [PSUM_ACTION_PARSE_COUNT] = "--parse-count",
    };
    psum_cli_status st = psum_cli_parse(argc, argv, cfg, err, len);
    if (st == PSUM_CLI_RUN && cfg->action != PSUM_ACTION_RUN) {
        snprintf(err, len, "%s is psum_omp's alone; psum_mpi takes the options of a run",
                 asked[cfg->action]);
        return PSUM_CLI_ERROR;
    }
    if (st == PSUM_CLI_RUN && cfg->device != PSUM_DEVICE_CPU) {
        snprintf(err, len, "invalid value '%s' for --device: psum_mpi sums on the ranks' "
                 "CPUs only", psum_device_name(cfg->device));
        return PSUM_CLI_ERROR;
    }
    return st;
}

/*
 * The first collective: every rank, whatever its parse gave, learns
 * whether all were given the same configuration.  Returns 2 on every rank
 * if not, rank 0 having printed the one line; -1 if they agree.
 */
static int disagreement(psum_cli_status parsed, const psum_config *cfg, const char *err,
                        int rank)
{
    psum_agree_profile mine;
    char line[1024];
    psum_agree_profile_of(parsed, cfg, err, environ, psum_env_early_dropped(), &mine);
    if (psum_mpi_agree(&mine, MPI_COMM_WORLD, line, sizeof line))
        return -1;
    if (rank == 0)
        fprintf(stderr, "psum_mpi: the ranks were given different configurations: %s "
                "(see psum_mpi --help)\n", line);
    return 2;
}

static int run(int argc, char **argv, int rank)
{
    psum_config cfg;
    char err[1024];
    psum_cli_status parsed = parse(argc, argv, &cfg, err, sizeof err);
    /* Where .preinit_array did not run: the profile reads what it removed. */
    psum_env_early_check(environ);
    int differ = disagreement(parsed, &cfg, err, rank);
    if (differ >= 0)
        return differ;
    switch (parsed) {
    case PSUM_CLI_HELP:
        if (rank != 0)
            return 0;
        usage(stdout);
        return psum_close_output(stdout, "psum_mpi");
    case PSUM_CLI_VERSION:
        if (rank != 0)
            return 0;
        psum_version_line(stdout, "psum_mpi");
        return psum_close_output(stdout, "psum_mpi");
    case PSUM_CLI_ERROR:
        /* The ranks agreed on this very error: one of them says so. */
        if (rank == 0)
            fprintf(stderr, "psum_mpi: %s (see psum_mpi --help)\n", err);
        return 2;
    case PSUM_CLI_RUN:
        break;
    }

    psum_mpi_result res;
    psum_mpi_status status = psum_mpi_run(&cfg, psum_env_early_dropped(), MPI_COMM_WORLD, &res,
                                          err, sizeof err);
    if (err[0] != '\0')
        fprintf(stderr, "psum_mpi: %s\n", err);
    if (status == PSUM_MPI_FAILED)
        return 1;
    /* A rank's own line (its slice summed wrong) goes out before rank 0's verdict. */
    MPI_Barrier(MPI_COMM_WORLD);
    int rc = rank == 0 ? report_on_root(&res) : 0;
    psum_mpi_result_free(&res);
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

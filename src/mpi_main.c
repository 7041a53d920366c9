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
#include "env.h"
#include "machine.h"
#include "mpi_run.h"
#include "psum_config.h"
#include "ranks_report.h"
#include "report.h"

static psum_env_dropped env_dropped;

/*
 * As in psum_omp's main: libgomp reads OMP_* in a library constructor,
 * before main, so an invalid value is removed from .preinit_array, which
 * runs before any shared library's constructor.
 */
static void drop_invalid_environment(int argc, char **argv, char **envp)
{
    (void)argc;
    (void)argv;
    psum_env_drop_invalid(envp, &env_dropped);
}

__attribute__((section(".preinit_array"), used))
static void (*const drop_invalid_environment_early)(int, char **, char **) =
    drop_invalid_environment;

static int close_stdout(void)
{
    if (fflush(stdout) != 0 || ferror(stdout) || fclose(stdout) != 0) {
        perror("psum_mpi: write error on standard output");
        return 1;
    }
    return 0;
}

/* psum_omp's options, from its usage text: the block after the first blank line. */
static void usage(FILE *out)
{
    fputs("usage: mpirun -np R psum_mpi [options]\n"
          "Sums 0, 1, ..., N-1 split over R MPI ranks, each rank summing its slice\n"
          "with OpenMP threads (OMP_NUM_THREADS or --threads per rank); checks the\n"
          "exact result against N(N-1)/2 and reports times, rates and speedup.\n"
          "The options are psum_omp's; --chunks counts chunks per rank.\n", out);
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    if (mem == NULL)
        return;
    psum_cli_usage(mem);
    if (fclose(mem) == 0) {
        const char *from = strstr(text, "\n\n"), *to = from ? strstr(from + 2, "\n\n") : NULL;
        if (to != NULL)
            fprintf(out, "\n%.*s\n", (int)(to - from - 1), from + 2);
    }
    free(text);
    fputs("\nExit status, the same on every rank: 0 verified, 1 runtime failure or\n"
          "failed verification on any rank, 2 usage error.\n", out);
}

/*
 * psum_omp's report with the figures across ranks added: the JSON object
 * gains members, the CSV columns, the text lines.
 */
static int format_report(FILE *mem, const psum_mpi_result *res, const psum_machine *m,
                         const psum_warnings *w)
{
    char *base = NULL;
    size_t len = 0;
    FILE *inner = open_memstream(&base, &len);
    if (inner == NULL)
        return -1;
    int rc = 0;
    const psum_ranks *r = &res->ranks;
    switch (res->base.cfg.format) {
    case PSUM_FORMAT_JSON:
        rc = psum_report_json(inner, &res->base, m, w);
        break;
    case PSUM_FORMAT_CSV:
        rc = psum_report_csv(inner, &res->base, m, w);
        break;
    case PSUM_FORMAT_TEXT:
        rc = psum_report_text(inner, &res->base, m, w);
        break;
    }
    if (fclose(inner) != 0 || rc != 0) {
        free(base);
        return -1;
    }
    char *header_end = strchr(base, '\n');
    switch (res->base.cfg.format) {
    case PSUM_FORMAT_JSON:
        /* Before the closing "\n}\n". */
        fprintf(mem, "%.*s,\n", (int)(len - 3), base);
        rc = psum_ranks_json(mem, r);
        fputs("\n}\n", mem);
        break;
    case PSUM_FORMAT_CSV:
        fprintf(mem, "%.*s", (int)(header_end - base), base);
        rc = psum_ranks_csv_header(mem);
        fprintf(mem, "%.*s", (int)(base + len - 1 - header_end), header_end);
        rc |= psum_ranks_csv_values(mem, r);
        fputc('\n', mem);
        break;
    case PSUM_FORMAT_TEXT:
        fputs(base, mem);
        rc = psum_ranks_text(mem, r);
        break;
    }
    free(base);
    return rc;
}

static int write_report(const psum_mpi_result *res, const psum_machine *m,
                        const psum_warnings *w)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    if (mem == NULL) {
        perror("psum_mpi: cannot format the report");
        return 1;
    }
    int rc = format_report(mem, res, m, w);
    if (fclose(mem) != 0 || rc != 0) {
        fputs("psum_mpi: cannot format the report\n", stderr);
        free(buf);
        return 1;
    }
    fwrite(buf, 1, len, stdout);
    free(buf);
    return close_stdout();
}

/*
 * psum_omp's warnings, the oversubscription judged on the node with the
 * most threads per CPU, and those that only ranks can cause.
 */
static void collect_warnings(const psum_mpi_result *res, const psum_machine *m,
                             psum_warnings *w)
{
    psum_result node_view = res->base;
    psum_machine node_machine = *m;
    node_view.team = res->busiest_node_threads;
    node_machine.logical_cpus = res->busiest_node_cpus;
    /* Unbound ranks must not be told to bind their threads: see below. */
    if (res->ranks_share_cpus && m->omp_proc_bind == NULL)
        node_machine.omp_proc_bind = "false";
    psum_collect_warnings(&node_view, &node_machine, w);

    char line[sizeof w->text[0]];
    if (res->threads_min != res->ranks.threads_per_rank) {
        snprintf(line, sizeof line, "the ranks run different numbers of threads, %d to %d",
                 res->threads_min, res->ranks.threads_per_rank);
        psum_add_warning(w, line);
    }
    const char *bind = m->omp_proc_bind;
    if (res->ranks_share_cpus && (bind == NULL || strcasecmp(bind, "false") != 0)) {
        snprintf(line, sizeof line,
                 "ranks on one node share their CPUs (mpirun --bind-to none?): %s; bind ranks "
                 "apart with mpirun --map-by slot:pe=T --bind-to core",
                 bind == NULL ? "threads may migrate between them"
                              : "OMP_PROC_BIND pins every rank's threads onto the same CPUs");
        psum_add_warning(w, line);
    }
    if (res->crowded_rank_cpus > 0 && res->crowded_rank_threads > res->crowded_rank_cpus) {
        snprintf(line, sizeof line,
                 "a rank runs %d threads on the %d CPUs that mpirun bound it to: give each rank "
                 "as many (mpirun --map-by slot:pe=T --bind-to core) or --bind-to none",
                 res->crowded_rank_threads, res->crowded_rank_cpus);
        psum_add_warning(w, line);
    }
    for (size_t i = 0; i < env_dropped.count; i++) {
        psum_env_warning(&env_dropped.item[i], line, sizeof line);
        psum_add_warning(w, line);
    }
}

/* Rank 0's part once the run is done: warnings, the report, the verdict. */
static int report_on_root(const psum_mpi_result *res)
{
    psum_machine machine;
    psum_machine_read(&machine);
    psum_warnings warnings;
    collect_warnings(res, &machine, &warnings);
    for (size_t i = 0; i < warnings.count; i++)
        fprintf(stderr, "psum_mpi: warning: %s\n", warnings.text[i]);
    int rc = write_report(res, &machine, &warnings);
    if (!res->base.verified) {
        char got[PSUM_U128_DEC_SIZE], want[PSUM_U128_DEC_SIZE];
        fprintf(stderr, "psum_mpi: verification failed: sum %s, expected %s\n",
                psum_u128_to_dec(psum_result_sum(&res->base), got),
                psum_u128_to_dec(res->base.expected, want));
        rc = 1;
    }
    return rc;
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
        return close_stdout();
    case PSUM_CLI_VERSION:
        if (rank != 0)
            return 0;
        printf("psum_mpi %s\n", PSUM_VERSION);
        return close_stdout();
    case PSUM_CLI_ERROR:
        /* Every rank parsed the same arguments: one of them says so. */
        if (rank == 0)
            fprintf(stderr, "psum_mpi: %s (see psum_mpi --help)\n", err);
        return 2;
    case PSUM_CLI_RUN:
        break;
    }

    psum_env_drop_invalid(environ, &env_dropped);
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

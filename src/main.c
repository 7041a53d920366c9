/*
 * psum_omp: wires the modules together and owns the exit code.
 * 0 verified, 1 runtime failure or failed verification, 2 usage error,
 * 130 interrupted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli.h"
#include "env.h"
#include "interrupt.h"
#include "machine.h"
#include "psum_build.h"
#include "qualify.h"
#include "report.h"
#include "run.h"

static psum_env_dropped env_dropped;

/*
 * Runs from .preinit_array, which the dynamic loader calls before any
 * shared library's constructor: libgomp reads OMP_* in its constructor,
 * before main, so only from here does an invalid value never reach it.
 * libc is not initialized yet (getenv would see nothing): envp is the
 * environment block itself, and editing it edits what getenv sees later.
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

/* Flushes and closes stdout; a write error (disk full, closed pipe) is a failure. */
static int close_stdout(void)
{
    if (fflush(stdout) != 0 || ferror(stdout) || fclose(stdout) != 0) {
        perror("psum_omp: write error on standard output");
        return 1;
    }
    return 0;
}

/*
 * Formats the whole report in memory first, so stdout never receives a
 * half-written result.
 */
static int write_report(const psum_result *res, const psum_machine *m,
                        const psum_warnings *w)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    if (mem == NULL) {
        perror("psum_omp: cannot format the report");
        return 1;
    }
    int rc = 0;
    switch (res->cfg.format) {
    case PSUM_FORMAT_CSV:
        rc = psum_report_csv(mem, res, m, w);
        break;
    case PSUM_FORMAT_JSON:
        rc = psum_report_json(mem, res, m, w);
        break;
    case PSUM_FORMAT_TEXT:
    case PSUM_FORMAT_COUNT:
        rc = psum_report_text(mem, res, m, w);
        break;
    }
    if (fclose(mem) != 0 || rc != 0) {
        fputs("psum_omp: cannot format the report\n", stderr);
        free(buf);
        return 1;
    }
    fwrite(buf, 1, len, stdout);
    free(buf);
    return close_stdout();
}

int main(int argc, char **argv)
{
    psum_config cfg;
    char err[512];

    switch (psum_cli_parse(argc, argv, &cfg, err, sizeof err)) {
    case PSUM_CLI_HELP:
        psum_cli_usage(stdout);
        return close_stdout();
    case PSUM_CLI_VERSION:
        printf("psum_omp %s\n", PSUM_VERSION);
        return close_stdout();
    case PSUM_CLI_ERROR:
        fprintf(stderr, "psum_omp: %s (see psum_omp --help)\n", err);
        return 2;
    case PSUM_CLI_RUN:
        break;
    }

    /*
     * Where .preinit_array is not run (a static or non-glibc build), LLVM's
     * libomp still reads OMP_* only later, at the first parallel region.
     */
    psum_env_drop_invalid(environ, &env_dropped);
    psum_interrupt_install();
    psum_machine machine;
    psum_machine_read(&machine);
    psum_result res;
    psum_run_status status = psum_run(&cfg, psum_interrupt_flag(), &res, err, sizeof err);
    psum_interrupt_take_exit();
    switch (status) {
    case PSUM_RUN_INTERRUPTED:
        fputs(PSUM_INTERRUPTED_LINE, stderr);
        return 130;
    case PSUM_RUN_ERROR:
        fprintf(stderr, "psum_omp: %s\n", err);
        return 1;
    case PSUM_RUN_DONE:
        break;
    }

    psum_warnings warnings;
    psum_collect_warnings(&res, &machine, &warnings);
    for (size_t i = 0; i < env_dropped.count; i++) {
        char line[sizeof warnings.text[0]];
        psum_env_warning(&env_dropped.item[i], line, sizeof line);
        psum_add_warning(&warnings, line);
    }
    for (size_t i = 0; i < warnings.count; i++)
        fprintf(stderr, "psum_omp: warning: %s\n", warnings.text[i]);
    int rc = write_report(&res, &machine, &warnings);
    if (!res.verified) {
        char got[PSUM_U128_DEC_SIZE], want[PSUM_U128_DEC_SIZE];
        fprintf(stderr, "psum_omp: verification failed: sum %s, expected %s\n",
                psum_u128_to_dec(psum_result_sum(&res), got),
                psum_u128_to_dec(res.expected, want));
        rc = 1;
    }
    psum_result_free(&res);
    return rc;
}

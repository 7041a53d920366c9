/*
 * psum_omp: wires the modules together and owns the exit code.
 * parse -> run (measure, verify, qualify) -> warnings -> report -> exit,
 * with the exit statuses of cli.h (PSUM_EXIT_*); or parse -> one answer
 * (--check, --describe, --parse-count) -> exit.
 */
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include "array.h"
#include "cli.h"
#include "describe.h"
#include "env_early.h"
#include "interrupt.h"
#include "machine.h"
#include "parse.h"
#include "psum_build.h"
#if PSUM_OFFLOAD
#include "offload/offload_run.h"
#endif
#include "qualify.h"
#include "report.h"
#include "run.h"
#include "text.h"
#include "version.h"

/* Warnings, the report and the verdict (psum_report_finish); 0 or 1. */
static int report(const psum_result *res, const psum_machine *machine)
{
    psum_warnings warnings;
    psum_collect_warnings(res, machine, &warnings);
    psum_env_warnings(psum_env_early_dropped(), &warnings);
    int rc = psum_report_finish("psum_omp", res, machine, &warnings);
    psum_warnings_free(&warnings);
    return rc;
}

/*
 * --parse-count: {"value": N} and 0, or {"error": REASON} on stdout and
 * the usual line on stderr, 2.
 */
static int parse_count(const psum_config *cfg)
{
    uint64_t value = 0;
    const char *why = psum_parse_count(cfg->count_text, cfg->count_max, &value);
    if (why == NULL) {
        printf("{\"value\": %llu}\n", (unsigned long long)value);
        return psum_close_output(stdout, "psum_omp");
    }
    fputs("{\"error\": ", stdout);
    psum_json_string(stdout, why);
    fputs("}\n", stdout);
    char quoted[128];
    fprintf(stderr, "psum_omp: invalid value '%s' for --parse-count: %s (see psum_omp --help)\n",
            psum_escape(cfg->count_text, quoted, sizeof quoted), why);
    int rc = psum_close_output(stdout, "psum_omp");
    return rc != PSUM_EXIT_OK ? rc : PSUM_EXIT_USAGE;
}

/*
 * --check: what a run would refuse before it allocates or starts a
 * thread, beyond the parser's checks: materializing more than
 * MemAvailable allows (exit 1, the run's own line).
 */
static int check(const psum_config *cfg)
{
    char err[512];
    if (cfg->device == PSUM_DEVICE_CPU && cfg->mode == PSUM_MODE_MATERIALIZE &&
        psum_array_check_memory(cfg->n, psum_mem_available(), err, sizeof err) != 0) {
        fprintf(stderr, "psum_omp: %s\n", err);
        return PSUM_EXIT_FAILURE;
    }
    return PSUM_EXIT_OK;
}

int main(int argc, char **argv)
{
    psum_config cfg;
    char err[512];

    switch (psum_cli_parse(argc, argv, &cfg, err, sizeof err)) {
    case PSUM_CLI_HELP:
        psum_cli_usage(stdout);
        return psum_close_output(stdout, "psum_omp");
    case PSUM_CLI_VERSION:
        psum_version_line(stdout, "psum_omp");
        return psum_close_output(stdout, "psum_omp");
    case PSUM_CLI_ERROR:
        fprintf(stderr, "psum_omp: %s (see psum_omp --help)\n", err);
        return PSUM_EXIT_USAGE;
    case PSUM_CLI_RUN:
        break;
    }
    if (cfg.device == PSUM_DEVICE_GPU && !PSUM_OFFLOAD) {
        fputs("psum_omp: invalid value 'gpu' for --device: this psum_omp was built without "
              "offload (meson -Doffload=enabled, with gcc-12-offload-nvptx) "
              "(see psum_omp --help)\n", stderr);
        return PSUM_EXIT_USAGE;
    }
    switch (cfg.action) {
    case PSUM_ACTION_CHECK:
        return check(&cfg);
    case PSUM_ACTION_DESCRIBE:
        psum_describe(stdout, "psum_omp");
        return psum_close_output(stdout, "psum_omp");
    case PSUM_ACTION_PARSE_COUNT:
        return parse_count(&cfg);
    case PSUM_ACTION_RUN:
        break;
    }

    /*
     * Where .preinit_array is not run (a static or non-glibc build), LLVM's
     * libomp still reads OMP_* only later, at the first parallel region.
     */
    psum_env_early_check(environ);
    psum_interrupt_install();
    psum_machine machine;
    psum_machine_read(&machine);
    psum_result res;
    psum_run_status status;
#if PSUM_OFFLOAD
    if (cfg.device == PSUM_DEVICE_GPU)
        status = psum_offload_run(&cfg, &res, err, sizeof err);
    else
#endif
        status = psum_run(&cfg, &res, err, sizeof err);
    psum_interrupt_take_exit();
    switch (status) {
    case PSUM_RUN_NO_DEVICE:
        fprintf(stderr, "psum_omp: %s\n", err);
        return PSUM_EXIT_NO_DEVICE;
    case PSUM_RUN_ERROR:
        fprintf(stderr, "psum_omp: %s\n", err);
        return PSUM_EXIT_FAILURE;
    case PSUM_RUN_DONE:
        break;
    }

    int rc = report(&res, &machine);
    psum_result_free(&res);
    return rc;
}

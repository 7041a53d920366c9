/*
 * psum_omp: wires the modules together and owns the exit code.
 * parse -> run (measure, verify, qualify) -> warnings -> report -> exit.
 * 0 verified, 1 runtime failure or failed verification, 2 usage error,
 * 130 interrupted.
 */
#include <stdio.h>
#include <unistd.h>

#include "cli.h"
#include "env_early.h"
#include "interrupt.h"
#include "machine.h"
#include "psum_build.h"
#if PSUM_OFFLOAD
#include "offload_run.h"
#endif
#include "qualify.h"
#include "report.h"
#include "run.h"
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
        return 2;
    case PSUM_CLI_RUN:
        break;
    }
    if (cfg.device == PSUM_DEVICE_GPU && !PSUM_OFFLOAD) {
        fputs("psum_omp: invalid value 'gpu' for --device: this psum_omp was built without "
              "offload (meson -Doffload=enabled, with gcc-12-offload-nvptx) "
              "(see psum_omp --help)\n", stderr);
        return 2;
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
        status = psum_offload_run(&cfg, psum_interrupt_flag(), &res, err, sizeof err);
    else
#endif
        status = psum_run(&cfg, psum_interrupt_flag(), &res, err, sizeof err);
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

    int rc = report(&res, &machine);
    psum_result_free(&res);
    return rc;
}

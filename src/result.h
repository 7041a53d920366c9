/*
 * What one run produced, shared by the modules that fill it (run,
 * offload_run, mpi_run, qualify, mpi_qualify) and those that read it
 * (report, the mains): the result with its verdicts, and the warnings that
 * go with it.
 */
#ifndef PSUM_RESULT_H
#define PSUM_RESULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "config.h"
#include "exact.h"
#include "measure.h"
#include "ranks.h"
#include "sum.h"

/*
 * Whether the figures can be trusted, decided once (qualify.h) and carried
 * in every output format, so no reader decides it again.
 */
typedef struct {
    int cpus_allowed;       /* CPUs in psum_omp's affinity mask; 0 if unknown */
    /*
     * Share of the allowed CPUs' time that other processes (and the
     * hypervisor, as steal time) used during the timed phases, 0..1;
     * negative when unknown (phases too short to tell, or no /proc/stat).
     */
    double background_load;
    bool serial_noisy;      /* the serial phase crosses a noise threshold */
    bool parallel_noisy;
    bool oversubscribed;    /* more threads ran than CPUs are allowed */
    bool busy;              /* background_load over PSUM_BUSY_LOAD */
    bool noisy;             /* a phase is noisy or the CPUs were busy */
} psum_qualification;

/*
 * Room for a device name and its NUL: equal to offload.h's
 * PSUM_OFFLOAD_NAME_SIZE, which offload_run.c asserts.
 */
#define PSUM_DEVICE_NAME_SIZE 96

/*
 * Where the parallel phase ran with --device gpu (offload_run.h); only
 * `kind` is set on the cpu, the rest stays zero and is not reported.
 */
typedef struct {
    psum_device kind;          /* cfg.device */
    char name[PSUM_DEVICE_NAME_SIZE]; /* the GPU's model, or "unknown" */
    int devices;               /* omp_get_num_devices() */
    int number;                /* the device the kernels ran on */
    bool on_device;            /* omp_is_initial_device() was 0 in the warm-up region */
    int teams;                 /* omp_get_num_teams() in the last launch */
    int threads;               /* omp_get_num_threads() per team in the last launch */
    uint64_t lanes;            /* lanes of the last launch */
    uint64_t launches;         /* target regions per call of the sum */
    double warmup_s;           /* the warm-up: program load, PTX compilation, checks */
    double fill_s;             /* filling the device array on the device; < 0 if not */
    double copy_s;             /* copying the host array in (--from-host); < 0 if not */
} psum_device_run;

typedef struct {
    psum_config cfg;
    time_t started;         /* wall-clock time the run started (psum_run_start) */
    int threads_requested;  /* --threads, else what OpenMP would start */
    /*
     * Threads counted inside the parallel region; with --device gpu 1, the
     * host thread that launches the kernels (their teams are in device).
     */
    int team;
    /* First-touch fill time of the host array; < 0 when there is none. */
    double materialize_s;
    bool huge_advised;      /* madvise(MADV_HUGEPAGE) accepted */
    /*
     * The host stream kernel's width and its trial (psum_run_choose_stream);
     * all zero when no value is generated on the host (materialize mode,
     * or --device gpu with --no-serial).
     */
    psum_stream_choice stream;
    psum_phase serial;      /* count 0 with --no-serial */
    psum_phase parallel;
    psum_u128 expected;     /* n(n-1)/2 */
    bool verified;          /* every sum of every phase equals expected */
    uint64_t peak_rss;      /* bytes, at the end of the run */
    psum_qualification qual;
    psum_device_run device;
    /*
     * psum_mpi's figures across MPI ranks; all zero (ranks.ranks == 0) for
     * psum_omp, whose report then has none of them.
     */
    psum_ranks ranks;
} psum_result;

/*
 * The sum to report: the serial phase's if that one was wrong, else the
 * parallel phase's (a wrong sum always wins over a correct one).
 */
psum_u128 psum_result_sum(const psum_result *res);

/*
 * Releases the samples that the run which filled *res allocated (psum_run,
 * psum_offload_run, psum_mpi_run); a zeroed result is ignored.
 */
void psum_result_free(psum_result *res);

/* Room for one warning line and its NUL: a longer one is cut (psum_escape). */
#define PSUM_WARNING_SIZE 256

/*
 * What a reader must know before trusting the figures, one line each.  A
 * zeroed list is empty; it grows as lines are added, and
 * psum_warnings_free releases it.  Tagged so env.h can name it without
 * including this header.
 */
typedef struct psum_warnings {
    size_t count;
    char **text;        /* count lines of valid UTF-8, lowercase; owned */
    /*
     * An append found no memory, so a warning is missing: the list must
     * not be reported as whole (psum_report_finish refuses it).
     */
    bool out_of_memory;
} psum_warnings;

/*
 * Appends a copy of text through psum_escape (so one line, cut at a
 * character boundary past PSUM_WARNING_SIZE - 1 bytes).  Returns 0, or -1
 * with errno ENOMEM when memory ran out: the list keeps its lines and
 * w->out_of_memory is set, for the program to report; nothing exits.
 */
int psum_add_warning(psum_warnings *w, const char *text);

/* Releases w's lines and leaves it empty; a zeroed list is ignored. */
void psum_warnings_free(psum_warnings *w);

#endif

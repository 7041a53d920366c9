/*
 * What one run produced, shared by the modules that fill it (run, qualify)
 * and those that read it (report, main): the result with its verdicts, and
 * the warnings that go with it.
 */
#ifndef PSUM_RESULT_H
#define PSUM_RESULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "exact.h"
#include "measure.h"
#include "ranks.h"

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

typedef struct {
    psum_config cfg;
    int threads_requested;  /* --threads, else what OpenMP would start */
    int team;               /* threads counted inside the parallel region */
    double materialize_s;   /* first-touch fill time; < 0 in stream mode */
    bool huge_advised;      /* madvise(MADV_HUGEPAGE) accepted */
    psum_phase serial;      /* count 0 with --no-serial */
    psum_phase parallel;
    psum_u128 expected;     /* n(n-1)/2 */
    bool verified;          /* every sum of every phase equals expected */
    uint64_t peak_rss;      /* bytes, at the end of the run */
    psum_qualification qual;
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

/* Releases the samples that psum_run allocated in *res; a zeroed result is ignored. */
void psum_result_free(psum_result *res);

/* Qualification's, four ignored environment values, room to spare. */
#define PSUM_MAX_WARNINGS 12

/* What a reader must know before trusting the figures, one line each. */
typedef struct {
    size_t count;
    char text[PSUM_MAX_WARNINGS][256]; /* one line of valid UTF-8, lowercase */
} psum_warnings;

/*
 * Appends one warning, copied through psum_escape (so one line, cut at a
 * character boundary if too long); ignored when all lines are used.
 */
void psum_add_warning(psum_warnings *w, const char *text);

#endif

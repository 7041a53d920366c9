/*
 * One benchmark run: memory check and first touch, the timed serial and
 * parallel phases, and the verification of every sum.
 */
#ifndef PSUM_RUN_H
#define PSUM_RUN_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "exact.h"
#include "measure.h"

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
    /*
     * Share of the machine's CPU time that other processes (and the
     * hypervisor, as steal time) used during the timed phases, 0..1;
     * negative when unknown (phases too short to tell, or no /proc/stat).
     */
    double background_load;
} psum_result;

typedef enum {
    PSUM_RUN_DONE,        /* *res is filled; res->verified says if it holds */
    PSUM_RUN_ERROR,       /* memory refused or too little: err says why */
    PSUM_RUN_INTERRUPTED, /* *cancel became non-zero; nothing to report */
} psum_run_status;

/*
 * Runs the benchmark that cfg describes.  `cancel` (may be NULL) is polled
 * by the fill, the kernels and the timing loop: once it is non-zero the
 * run stops at the next block, chunk or call and returns
 * PSUM_RUN_INTERRUPTED.  On PSUM_RUN_DONE release *res with psum_result_free; on
 * the other statuses nothing is left to free.  err (errlen bytes) receives
 * a one-line message on PSUM_RUN_ERROR.
 */
psum_run_status psum_run(const psum_config *cfg, const volatile sig_atomic_t *cancel,
                         psum_result *res, char *err, size_t errlen);

/*
 * The sum to report: the serial phase's if that one was wrong, else the
 * parallel phase's (a wrong sum always wins over a correct one).
 */
psum_u128 psum_result_sum(const psum_result *res);

/* Releases what psum_run allocated in *res. */
void psum_result_free(psum_result *res);

#endif

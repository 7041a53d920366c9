/*
 * One benchmark run: memory check and first touch, the timed serial and
 * parallel phases, the verification of every sum, and the qualification
 * of the result (qualify.h) with the load measured around the phases.
 */
#ifndef PSUM_RUN_H
#define PSUM_RUN_H

#include <signal.h>
#include <stddef.h>

#include "config.h"
#include "result.h"

typedef enum {
    PSUM_RUN_DONE,        /* *res is filled; res->verified says if it holds */
    PSUM_RUN_ERROR,       /* memory refused or too little: err says why */
    PSUM_RUN_INTERRUPTED, /* *cancel became non-zero; nothing to report */
} psum_run_status;

/*
 * Runs the benchmark that cfg describes.  `cancel` (may be NULL) is polled
 * by the fill, the kernels and the timing loop: once it is non-zero the
 * run stops at the next block, chunk or call and returns
 * PSUM_RUN_INTERRUPTED.  On PSUM_RUN_DONE res->qual holds the verdicts.  On PSUM_RUN_DONE release *res with psum_result_free; on
 * the other statuses nothing is left to free.  err (errlen bytes) receives
 * a one-line message on PSUM_RUN_ERROR.
 */
psum_run_status psum_run(const psum_config *cfg, const volatile sig_atomic_t *cancel,
                         psum_result *res, char *err, size_t errlen);

#endif

/*
 * The generic repeat-and-time loop: one untimed warm-up, then timed
 * repetitions of a kernel, every result checked against the expected sum.
 */
#ifndef PSUM_MEASURE_H
#define PSUM_MEASURE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "exact.h"
#include "stats.h"

/* A kernel to time: returns the sum it computed. */
typedef psum_u128 (*psum_kernel_fn)(void *ctx);

typedef struct {
    psum_kernel_fn fn;
    void *ctx;          /* passed to fn */
    psum_u128 expected; /* what every call must return */
    size_t repeat;      /* timed samples, >= 1 */
    /* May be NULL; polled before every call of fn. */
    const volatile sig_atomic_t *cancel;
} psum_measure_spec;

typedef struct {
    double *samples;  /* seconds, one per timed repetition; owned */
    size_t count;     /* 0: the phase was not run */
    psum_stats stats;
    psum_u128 sum;    /* the first sum that differed from expected, else the last */
    bool verified;    /* the warm-up and every repetition returned expected */
} psum_phase;

typedef enum {
    PSUM_MEASURE_DONE,      /* *out is filled */
    PSUM_MEASURE_NO_MEMORY, /* memory for the samples was refused */
    PSUM_MEASURE_CANCELLED, /* *cancel became non-zero */
} psum_measure_status;

/*
 * Calls spec->fn once untimed, then spec->repeat times on the monotonic
 * clock, and fills *out; release it with psum_phase_free.  Stops before
 * the next call once *spec->cancel is non-zero, so at most the call under
 * way finishes.  On any status but PSUM_MEASURE_DONE *out is left empty.
 */
psum_measure_status psum_measure(const psum_measure_spec *spec, psum_phase *out);

/* Frees the samples of *p and empties it; an empty phase is ignored. */
void psum_phase_free(psum_phase *p);

#endif

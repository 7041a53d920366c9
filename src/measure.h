/*
 * The generic repeat-and-time loop: one untimed warm-up, then timed
 * repetitions of a kernel, every result checked against the expected sum.
 */
#ifndef PSUM_MEASURE_H
#define PSUM_MEASURE_H

#include <stdbool.h>
#include <stddef.h>

#include "exact.h"
#include "stats.h"

/* A kernel to time: returns the sum it computed. */
typedef psum_u128 (*psum_kernel_fn)(void *ctx);

typedef struct {
    double *samples;  /* seconds, one per timed repetition; owned */
    size_t count;     /* 0: the phase was not run */
    psum_stats stats;
    psum_u128 sum;    /* the first sum that differed from expected, else the last */
    bool verified;    /* the warm-up and every repetition returned expected */
} psum_phase;

/*
 * Runs fn(ctx) once untimed, then `repeat` (>= 1) times on the monotonic
 * clock, and fills *out.  Returns 0, or -1 if memory for the samples is
 * refused (*out is then empty).  Release *out with psum_phase_free.
 */
int psum_measure(psum_kernel_fn fn, void *ctx, size_t repeat,
                 psum_u128 expected, psum_phase *out);

/* Frees the samples of *p and empties it; an empty phase is ignored. */
void psum_phase_free(psum_phase *p);

#endif

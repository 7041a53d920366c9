/*
 * The generic repeat-and-time loop: one untimed warm-up, then timed
 * repetitions of a kernel, every result checked against the expected sum.
 * A kernel too short for the clock is timed k calls at a time (Google
 * Benchmark's calibration): k doubles until k calls last the minimum
 * sample, and each sample is their time divided by k.
 */
#ifndef PSUM_MEASURE_H
#define PSUM_MEASURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "exact.h"
#include "stats.h"

/*
 * A sample shorter than this is mostly the clock.  A read of
 * CLOCK_MONOTONIC costs 20-70 ns and jitters by microseconds (interrupts,
 * ticks): at N = 10^3 one call is about 70 ns, the clock's floor.  At 1 ms
 * both stay under 0.1% of a sample, and 5 samples still take milliseconds.
 */
#define PSUM_MIN_SAMPLE_S 1e-3

/*
 * Calibration never stretches a phase's timed loop past this: k is lowered
 * to fit (down to 1), so --repeat 1e6 at N = 10^3 takes about a second
 * rather than 10^6 minimum samples (17 minutes).
 */
#define PSUM_CALIBRATION_BUDGET_S 1.0

/* A kernel to time: returns the sum it computed. */
typedef psum_u128 (*psum_kernel_fn)(void *ctx);

/*
 * For a kernel whose calls are one collective step of several processes
 * (psum_mpi's ranks, each calling psum_measure with the same repeat and
 * the same peers' hooks): every process must make the same calls, so every
 * decision of the calibration goes through `agree`, and each timed group
 * of calls starts together.
 */
typedef struct {
    void *ctx; /* passed to the hooks */
    /* Before each timed group of calls, warm-up included (psum_mpi: a barrier). */
    void (*begin)(void *ctx);
    /*
     * After each timed group of k calls: `sample` is its index among the
     * timed samples, or -1 for the warm-up and the calibration.  May be NULL.
     */
    void (*end)(void *ctx, long sample, uint64_t k);
    /*
     * The shortest and the longest of every process's `seconds`
     * (psum_mpi: one MPI_Allreduce).  A negative value is a process that
     * could not go on: the shortest is then negative in all.
     */
    void (*agree)(void *ctx, double seconds, double *shortest, double *longest);
} psum_measure_peers;

typedef struct {
    psum_kernel_fn fn;
    void *ctx;          /* passed to fn */
    psum_u128 expected; /* what every call must return */
    size_t repeat;      /* timed samples, >= 1 */
    double min_sample_s; /* 0: PSUM_MIN_SAMPLE_S; tests set others */
    const psum_measure_peers *peers; /* NULL for a process alone */
} psum_measure_spec;

typedef struct {
    double *samples;  /* seconds per call, one per timed repetition; owned */
    size_t count;     /* 0: the phase was not run */
    psum_stats stats;
    psum_u128 sum;    /* the first sum that differed from expected, else the last */
    bool verified;    /* every call, warm-up and calibration included, returned expected */
    uint64_t calls_per_sample; /* k: a sample is the time of k calls over k */
} psum_phase;

typedef enum {
    PSUM_MEASURE_DONE,      /* *out is filled */
    PSUM_MEASURE_NO_MEMORY, /* memory for the samples was refused */
} psum_measure_status;

/*
 * Calls spec->fn once untimed (the warm-up), calibrates k, then takes
 * spec->repeat samples of k calls each on the monotonic clock, and fills
 * *out; release it with psum_phase_free.
 *
 * Calibration: k = 1 if the warm-up alone lasted 0.1 s (too long for
 * thread start-up or page faults to distort it); otherwise 1, 2, 4, ...
 * calls are timed until they last spec->min_sample_s, k is the count that
 * did, lowered so that repeat * k calls fit PSUM_CALIBRATION_BUDGET_S, and
 * at most 2^24.  Every call's result is checked.  With spec->peers, a
 * duration is long enough when every process's is (the shortest decides)
 * and the budget is the slowest process's (the longest decides), so all
 * agree on k; the memory for the samples is agreed on too, and a refusal
 * of it in any process is PSUM_MEASURE_NO_MEMORY in all (the statistics'
 * memory afterwards is each process's own: the caller agrees on it).
 * On PSUM_MEASURE_NO_MEMORY *out is left empty.
 */
psum_measure_status psum_measure(const psum_measure_spec *spec, psum_phase *out);

/* Frees the samples of *p and empties it; an empty phase is ignored. */
void psum_phase_free(psum_phase *p);

#endif

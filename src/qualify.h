/*
 * Qualifying a result: the thresholds, the verdicts (a noisy phase,
 * oversubscription, busy CPUs) and the warnings that explain them.  Every
 * verdict rests on one CPU count: the CPUs psum_omp may run on (cpus.h),
 * so `taskset -c 0` means one CPU throughout.
 */
#ifndef PSUM_QUALIFY_H
#define PSUM_QUALIFY_H

#include <stdbool.h>
#include <stddef.h>

#include "machine.h"
#include "measure.h"
#include "result.h"

/* A phase is noisy past either threshold. */
#define PSUM_NOISY_CV 0.05          /* coefficient of variation of the samples */
#define PSUM_NOISY_MAX_OVER_MIN 1.2 /* slowest sample over fastest */
/* Other processes using more than this share of the allowed CPUs make a run busy. */
#define PSUM_BUSY_LOAD 0.10

/* True if the phase has two samples or more and crosses a noise threshold. */
bool psum_phase_noisy(const psum_phase *p);

/*
 * Fills the verdicts of r->qual from r's phases, team, and the
 * qual.cpus_allowed and qual.background_load that the run measured: each
 * phase noisy or not, oversubscribed (team > cpus_allowed, when known),
 * busy (background load over PSUM_BUSY_LOAD), noisy (any of a noisy phase
 * or busy).
 */
void psum_qualify(psum_result *r);

/* The most lines psum_collect_warnings writes: one per kind below. */
#define PSUM_QUALIFY_MAX_WARNINGS 5

/*
 * The warnings for r's verdicts and machine m, starting from an empty list,
 * at most one of each: oversubscription, OMP_PROC_BIND unset, the serial
 * and the parallel phase noisy with their figures, busy CPUs with the load.
 * *w is overwritten, not freed; the caller frees it (psum_warnings_free).
 */
void psum_collect_warnings(const psum_result *r, const psum_machine *m, psum_warnings *w);

#endif

/*
 * Qualifying a result: the thresholds, the verdicts (a noisy phase,
 * oversubscription, busy CPUs) and the warnings that explain them.  Every
 * verdict rests on one CPU count: the CPUs psum_omp may run on, from its
 * affinity mask, so `taskset -c 0` means one CPU throughout.
 */
#ifndef PSUM_QUALIFY_H
#define PSUM_QUALIFY_H

#include <sched.h>
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
/* Shorter than this, /proc/stat's 10 ms ticks say little about the load. */
#define PSUM_LOAD_MIN_SECONDS 0.25

/* True if the phase has two samples or more and crosses a noise threshold. */
bool psum_phase_noisy(const psum_phase *p);

/* The CPUs this process may run on. */
typedef struct {
    cpu_set_t *set; /* owned; NULL if unknown */
    size_t size;    /* bytes of set, for the CPU_*_S macros */
    int count;      /* CPUs in set; 0 if unknown */
} psum_cpus;

/*
 * Stores in *c the CPUs that psum_omp's OpenMP threads may run on: the
 * union of the OpenMP places when the runtime defines any (OMP_PLACES, or
 * OMP_PROC_BIND set: the runtime builds them from the process's affinity
 * mask at start-up, then binds the initial thread to the first place, so
 * that thread's own mask no longer tells), else the calling thread's
 * affinity mask (sched_getaffinity), as taskset or a cgroup set it.
 * Returns 0, or -1 with *c empty (count 0) if neither can be read.
 * Release with psum_cpus_free.
 */
int psum_cpus_allowed(psum_cpus *c);

/* Frees the set and empties *c; an empty one is ignored. */
void psum_cpus_free(psum_cpus *c);

/* A point in time for the background load. */
typedef struct {
    double wall;  /* seconds, monotonic */
    double own;   /* this process's CPU seconds, all threads */
    double busy;  /* busy seconds of the allowed CPUs, from /proc/stat */
    bool ok;      /* false if /proc/stat could not be read */
} psum_load_mark;

/* Takes a mark now for the CPUs in c.  Cannot fail; see ok. */
psum_load_mark psum_load_mark_now(const psum_cpus *c);

/*
 * What other processes used of `cpus` CPUs between marks a and b: their
 * busy time minus this process's own CPU time, over wall time x cpus,
 * clamped to 0..1.  Negative (unknown) if a mark is not ok, cpus < 1, or
 * less than PSUM_LOAD_MIN_SECONDS passed.
 */
double psum_background_load(const psum_load_mark *a, const psum_load_mark *b, int cpus);

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
 */
void psum_collect_warnings(const psum_result *r, const psum_machine *m, psum_warnings *w);

#endif

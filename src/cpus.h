/*
 * The CPUs a run may use and what they did: the allowed set (affinity mask
 * or OpenMP places) and marks of their busy time from /proc/stat, from
 * which the background load of other processes follows.  Measurements
 * only; the verdicts on them are qualify.h's.
 */
#ifndef PSUM_CPUS_H
#define PSUM_CPUS_H

#include <sched.h>
#include <stdbool.h>
#include <stddef.h>

/* Shorter than this, /proc/stat's 10 ms ticks say little about the load. */
#define PSUM_LOAD_MIN_SECONDS 0.25

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

#endif

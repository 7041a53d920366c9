/*
 * The record of the machine a result came from, so every figure can be
 * traced to its hardware, build and OpenMP settings.
 */
#ifndef PSUM_MACHINE_H
#define PSUM_MACHINE_H

#include <stdint.h>

typedef struct {
    char cpu_model[128];     /* "model name" of /proc/cpuinfo, or "unknown" */
    long logical_cpus;       /* online logical CPUs */
    uint64_t mem_total;      /* bytes, 0 if unknown */
    char kernel[224];        /* uname: sysname release machine */
    char huge_pages[32];     /* THP mode ("madvise", ...) or "unavailable" */
    char compiler[96];       /* e.g. "gcc 12.2.0" */
    char build[96];          /* Meson build options that matter */
    int openmp_version;      /* _OPENMP, e.g. 201511 */
    /*
     * Environment values in effect, NULL when unset (an invalid value was
     * removed before the runtime started, env.h).  Borrowed.
     */
    const char *omp_num_threads;
    const char *omp_proc_bind;
    const char *omp_places;
} psum_machine;

/*
 * Fills *m from /proc, /sys, uname and the environment.  Cannot fail:
 * what cannot be read is recorded as unknown.
 */
void psum_machine_read(psum_machine *m);

#endif

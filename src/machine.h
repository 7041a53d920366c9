/*
 * The record of the machine a result came from, so every figure can be
 * traced to its hardware, build and OpenMP settings.
 */
#ifndef PSUM_MACHINE_H
#define PSUM_MACHINE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Cache levels one CPU lists (L1d, L1i, L2, L3, sometimes L4), with room to spare. */
#define PSUM_MACHINE_MAX_CACHES 8

/* One cache of a CPU, as sysfs describes it. */
typedef struct {
    int level;     /* 1, 2, 3, ... */
    char type[16]; /* "Data", "Instruction" or "Unified", as the kernel names them */
    uint64_t size; /* bytes */
} psum_cache;

typedef struct {
    char cpu_model[128];     /* see psum_cpu_model_parse, or "unknown" */
    long logical_cpus;       /* online logical CPUs */
    uint64_t mem_total;      /* bytes, 0 if unknown */
    char kernel[224];        /* uname: sysname release machine */
    char huge_pages[32];     /* THP mode ("madvise", ...) or "unavailable" */
    char compiler[96];       /* e.g. "gcc 12.2.0" */
    char build[96];          /* Meson build options that matter */
    const char *build_commit; /* psum_build_commit(): static, NULL if unknown */
    int build_dirty;          /* psum_build_dirty(): 1, 0, or -1 if unknown */
    int openmp_version;      /* _OPENMP, e.g. 201511 */
    size_t caches;           /* entries of cache[]; 0 when sysfs lists none */
    psum_cache cache[PSUM_MACHINE_MAX_CACHES];
    char governor[32];       /* CPU 0's cpufreq scaling governor, "" when unreadable */
    /*
     * Environment values in effect, NULL when unset (an invalid value was
     * removed before the runtime started, env.h).  Borrowed.
     */
    const char *omp_num_threads;
    const char *omp_proc_bind;
    const char *omp_places;
} psum_machine;

/*
 * The CPU model named by a /proc/cpuinfo text read from f, into out (len
 * bytes, cut if longer): its first "model name" line (x86 and others), else
 * on Arm, whose kernel names no model, one built from the first "CPU
 * implementer" and "CPU part" lines: "Arm Neoverse-V2 (implementer 0x41,
 * part 0xd4f)" for the Neoverse cores of Graviton and Grace, "Arm CPU
 * (implementer 0x.., part 0x...)" for others; "unknown" when f says neither.
 */
void psum_cpu_model_parse(FILE *f, char *out, size_t len);

/*
 * Reads the caches and the frequency governor of the CPU whose sysfs
 * directory is cpu_dir (/sys/devices/system/cpu/cpu0; tests pass a fake
 * tree) into m->cache, m->caches and m->governor.  Caches come from
 * cache/index0, index1, ... in that order up to the first index missing,
 * each from its files level, type and size ("48K"; K, M or G, or bytes
 * without a suffix); an index with a file missing or malformed is left
 * out, and at most PSUM_MACHINE_MAX_CACHES are kept.  The governor is the
 * first line of cpufreq/scaling_governor, cut to fit; "" when it cannot be
 * read (no cpufreq driver, as in most virtual machines) or is empty.
 * Cannot fail.
 */
void psum_machine_read_cpu(const char *cpu_dir, psum_machine *m);

/*
 * Fills *m from /proc, /sys, uname and the environment.  Cannot fail:
 * what cannot be read is recorded as unknown.
 */
void psum_machine_read(psum_machine *m);

#endif

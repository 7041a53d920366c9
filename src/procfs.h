/*
 * Reading Linux /proc files: "Name:   1234 kB" fields and CPU time.
 */
#ifndef PSUM_PROCFS_H
#define PSUM_PROCFS_H

#include <stdint.h>

/*
 * Returns the value of `field` (e.g. "MemAvailable") in the file at path,
 * converted from kB to bytes; 0 if the file or the field is missing.
 */
uint64_t psum_proc_kib_field(const char *path, const char *field);

/*
 * Busy CPU time of the whole machine, summed over CPUs, from the "cpu" line
 * of /proc/stat, in seconds (user, nice, system, irq, softirq, steal).
 * Stores it in *busy and returns 0, or returns -1 if it cannot be read.
 */
int psum_proc_cpu_busy(double *busy);

#endif

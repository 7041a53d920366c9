/*
 * Reading "Name:   1234 kB" fields from Linux /proc files.
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
 * CPU time of the whole machine from the "cpu" line of /proc/stat, in
 * seconds: *busy (user, nice, system, irq, softirq, steal) and *total
 * (busy plus idle and iowait).  Returns 0, or -1 if it cannot be read.
 */
int psum_proc_cpu_times(double *busy, double *total);

#endif

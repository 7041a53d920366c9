/*
 * Reading Linux /proc files: "Name:   1234 kB" fields and per-CPU time.
 */
#ifndef PSUM_PROCFS_H
#define PSUM_PROCFS_H

#include <sched.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Returns the value of `field` (e.g. "MemAvailable") in the file at path,
 * converted from kB to bytes; 0 if the file or the field is missing.
 */
uint64_t psum_proc_kib_field(const char *path, const char *field);

/*
 * This process's peak resident set in bytes: VmHWM of /proc/self/status,
 * 0 if unreadable.  VmHWM, not getrusage's ru_maxrss: Linux carries that
 * across execve, so it would report the parent's footprint (a Python
 * driver's, say) when that was larger.
 */
uint64_t psum_peak_rss(void);

/*
 * Busy time of some CPUs from /proc/stat: the sum, over the "cpuN" lines of
 * the CPUs in `cpus` (a set of `setsize` bytes, as CPU_ISSET_S takes it),
 * of user, nice, system, irq, softirq and steal, in clock ticks
 * (sysconf(_SC_CLK_TCK) per second).  idle and iowait are not busy; guest
 * time is already part of user.  The machine-wide "cpu" line and the lines
 * of other CPUs are skipped.
 *
 * psum_proc_stat_busy reads the text of such a file (tests pass their own),
 * psum_proc_stat_busy_file the file at path.  Both store the sum in *ticks
 * and return how many of the CPUs' lines were found, or return -1 (and
 * leave *ticks alone) if none was: no such file, no line of those CPUs, or
 * a line with fewer than seven numbers.
 */
int psum_proc_stat_busy(const char *text, const cpu_set_t *cpus, size_t setsize,
                        uint64_t *ticks);
int psum_proc_stat_busy_file(const char *path, const cpu_set_t *cpus, size_t setsize,
                             uint64_t *ticks);

#endif

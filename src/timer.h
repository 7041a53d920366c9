/*
 * The one clock of psum_omp: monotonic wall time.  clock() is never used:
 * it adds up CPU time over threads and would hide any parallel speedup.
 */
#ifndef PSUM_TIMER_H
#define PSUM_TIMER_H

/*
 * Returns seconds on CLOCK_MONOTONIC from an arbitrary origin; only
 * differences mean anything.  Aborts if the clock is unavailable, since no
 * measurement is possible then.
 */
double psum_now(void);

/*
 * CPU seconds used by this process, all threads together.  Only for the
 * background-load check (how much of the machine others used meanwhile),
 * never to time a kernel.
 */
double psum_process_cpu_time(void);

#endif

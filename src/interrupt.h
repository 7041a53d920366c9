/*
 * Ctrl-C.  SIGINT sets a flag that the fill, the kernels and the timing
 * loop poll, so a run stops at the next block, chunk or call and main
 * exits 130 within milliseconds.
 *
 * One case that flag cannot cover: an OpenMP worksharing loop cannot be
 * left early, so with 10^9 tiny chunks the runtime still deals out every
 * remaining chunk, skipped or not (about 6 ns each with libgomp, 200 ns
 * with libomp: seconds to minutes).  OpenMP's own cancellation would end
 * the loop, but only if OMP_CANCELLATION=true was in the environment when
 * the runtime started, which for libgomp is before main.  So SIGINT also
 * starts a deadline: if main has not taken over the exit by then, the
 * process writes the same line main would and exits 130 itself.
 */
#ifndef PSUM_INTERRUPT_H
#define PSUM_INTERRUPT_H

#include <signal.h>

/*
 * Far above the few milliseconds that polling takes, far below what a
 * person notices.  It counts from the SIGINT handler: the kernel's
 * scheduling of the timer's handler and the process's teardown come on
 * top and grow with the machine's load, so it is no bound on the exit.
 */
#define PSUM_INTERRUPT_DEADLINE_MS 50

/* What an interrupted run writes on stderr, whoever ends it. */
#define PSUM_INTERRUPTED_LINE "psum_omp: interrupted, no result\n"

/*
 * Installs the SIGINT handler (a second SIGINT kills at once, should the
 * first not be heeded) and prepares the deadline timer.  If no timer can
 * be had, the flag still works, without the deadline.
 */
void psum_interrupt_install(void);

/* The flag SIGINT sets, for the code that polls it.  Never NULL. */
const volatile sig_atomic_t *psum_interrupt_flag(void);

/*
 * The caller (main, once the run is over) takes over the exit: from then
 * on the deadline does nothing, and what the caller writes is not cut
 * short.  If the deadline already fired, the process is ending with 130
 * and this never returns.
 */
void psum_interrupt_take_exit(void);

#endif

/*
 * Ctrl-C.  The SIGINT handler ends the process itself: one line on stderr
 * and exit 130, at once, whatever the run is doing (a fill, a kernel, a
 * loop of 10^9 tiny chunks, a GPU launch).  Nothing has reached stdout
 * then: the report is written only after the run, by main, which first
 * takes over the exit; from then on one SIGINT waits for the report to
 * end, and a second kills the process.
 */
#ifndef PSUM_INTERRUPT_H
#define PSUM_INTERRUPT_H

/* What an interrupted run writes on stderr. */
#define PSUM_INTERRUPTED_LINE "psum_omp: interrupted, no result\n"

/* Installs the SIGINT handler. */
void psum_interrupt_install(void);

/*
 * The caller (main, once the run is over) takes over the exit: from then
 * on SIGINT does nothing, and what the caller writes is not cut short.
 * If SIGINT came first, the process is ending with 130 and this never
 * returns.
 */
void psum_interrupt_take_exit(void);

#endif

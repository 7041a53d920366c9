/*
 * Writers of a run's result: a readable text table, one CSV row with its
 * header, or one JSON object; and the warnings that qualify a result.
 */
#ifndef PSUM_REPORT_H
#define PSUM_REPORT_H

#include <stddef.h>
#include <stdio.h>

#include "machine.h"
#include "run.h"

/* A phase is noisy past either threshold. */
#define PSUM_NOISY_CV 0.05
#define PSUM_NOISY_SPREAD 1.2

/* Five of psum_collect_warnings, four ignored environment values, room to spare. */
#define PSUM_MAX_WARNINGS 12

typedef struct {
    size_t count;
    char text[PSUM_MAX_WARNINGS][256]; /* one line of valid UTF-8, lowercase */
} psum_warnings;

/*
 * Collects what a reader must know before trusting the figures:
 * oversubscription, OMP_PROC_BIND unset, noisy phases (coefficient of
 * variation over 5% or max/min over 1.2), other processes using the CPUs
 * meanwhile (over 10% of them).  Starts from an empty list.
 */
void psum_collect_warnings(const psum_result *r, const psum_machine *m,
                           psum_warnings *w);

/* Other processes using more than this share of the CPUs make a run noisy. */
#define PSUM_NOISY_LOAD 0.10

/*
 * Appends one warning, copied through psum_escape (so one line, cut at a
 * character boundary if too long); ignored when all lines are used.
 */
void psum_add_warning(psum_warnings *w, const char *text);

/* True if the phase has samples and crosses a noise threshold. */
int psum_phase_noisy(const psum_phase *p);

/*
 * Write the result in one format to out.  Rates, speedup and efficiency
 * are printed only for a verified result; an unverified one is marked
 * invalid.  Return 0, or -1 if out reports a write error.
 */
int psum_report_text(FILE *out, const psum_result *r, const psum_machine *m,
                     const psum_warnings *w);
int psum_report_csv(FILE *out, const psum_result *r, const psum_machine *m,
                    const psum_warnings *w);
int psum_report_json(FILE *out, const psum_result *r, const psum_machine *m,
                     const psum_warnings *w);

#endif

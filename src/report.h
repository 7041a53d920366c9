/*
 * Writers of a run's result: a readable text table, one CSV row with its
 * header, or one JSON object.  They print the verdicts of r->qual and the
 * warnings as given; they decide nothing.
 */
#ifndef PSUM_REPORT_H
#define PSUM_REPORT_H

#include <stddef.h>
#include <stdio.h>

#include "machine.h"
#include "result.h"

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

/*
 * Writes the result in the format r->cfg.format names.  The whole report
 * is formatted in memory first, then written to out in one piece, so out
 * never receives half a result.  Returns 0, or -1 if memory for the text
 * was refused (nothing is written); a write error on out shows in
 * ferror(out), for the caller to report when it closes out.
 */
int psum_report(FILE *out, const psum_result *r, const psum_machine *m,
                const psum_warnings *w);

#endif

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
 * The version of the JSON and CSV layout, their first field.  Raised when
 * a field is removed or renamed or changes its type, unit or meaning, so a
 * reader can refuse what it does not know; adding a field keeps it (readers
 * ignore fields they do not use).  docs/reference.md lists every field.
 */
#define PSUM_SCHEMA_VERSION 1

/*
 * Write the result in one format to out.  The CSV and the JSON walk one
 * table of fields in report.c (CSV column, JSON key and object, value), so
 * they name the same fields in the same order; a new field is one entry
 * there and the function that computes it.  Rates, speedup and efficiency
 * are printed only for a verified result; an unverified one is marked
 * invalid.  The CSV is a header line (unless r->cfg.csv_header is false,
 * so runs can be appended to one file) and one row with as many fields.
 * The JSON and the CSV carry every warning as data; the text only counts
 * them ("warnings  N, on stderr"), because psum_report_finish has printed
 * each on stderr and a terminal would show it twice.
 * A result across MPI ranks (psum_mpi: r->ranks.ranks > 0) adds its
 * figures: JSON members "ranks", "threads_per_rank", "nodes",
 * "ranks_per_node", "imbalance" and "reduce_s", the same as CSV columns
 * after the device's (imbalance as three), and text lines.  The stream
 * kernel's choice (psum_run_choose_stream) is the JSON "stream_kernel", four
 * CSV columns after those and a text line.  The provenance (m's build
 * commit, r->started) is the JSON "build_commit", "build_dirty" and
 * "started_utc" after "version", the CSV's last four columns ("version"
 * first) and the text's "run" line.
 * Return 0, or -1 if out reports a write error.
 */
int psum_report_text(FILE *out, const psum_result *r, const psum_machine *m,
                     const psum_warnings *w);
int psum_report_csv(FILE *out, const psum_result *r, const psum_machine *m,
                    const psum_warnings *w);
int psum_report_json(FILE *out, const psum_result *r, const psum_machine *m,
                     const psum_warnings *w);

/*
 * Writes the result in the format r->cfg.format names.  The whole report
 * is formatted in memory first (psum_membuf, which notices every byte it
 * could not keep), then written to out in one piece, so out never receives
 * half a result.  Returns 0, or -1 with errno set (ENOMEM when memory ran
 * out) if any part of the report could not be formatted: nothing is
 * written then.  A write error on out shows in ferror(out), for the caller
 * to report when it closes out.
 */
int psum_report(FILE *out, const psum_result *r, const psum_machine *m,
                const psum_warnings *w);

/*
 * Flushes and closes out (the report's stream, stdout) once everything is
 * written.  A write error there (disk full, a closed pipe) is a failure:
 * "PROGRAM: write error on standard output: REASON" on stderr, return 1;
 * else 0.
 */
int psum_close_output(FILE *out, const char *program);

/*
 * The end of a run of PROGRAM (psum_omp, psum_mpi): each warning on stderr
 * as "PROGRAM: warning: TEXT", the report on stdout, stdout closed
 * (psum_close_output), and for an unverified result
 * "PROGRAM: verification failed: sum S, expected E".  A report that could
 * not be formatted whole is "PROGRAM: cannot format the report: REASON"
 * and nothing on stdout; so is a list of warnings that ran out of memory
 * (w->out_of_memory): "PROGRAM: cannot keep every warning: REASON".
 * Returns 0, or 1 when the report could not be formatted or written, a
 * warning is missing, or the result is not verified.
 */
int psum_report_finish(const char *program, const psum_result *r, const psum_machine *m,
                       const psum_warnings *w);

/*
 * Writes the stream kernel's choice as one JSON object, without a newline:
 * {"lanes", "widths", "trial_s", "trial_threads"} as reference.md gives
 * `stream_kernel` (trial_s and trial_threads null with one width).  Shared
 * by psum_omp's report and psum_limits.
 */
void psum_report_stream_json(FILE *out, const psum_stream_choice *s);

#endif

/*
 * What the user gives psum_omp on the command line, parsed and validated
 * into a psum_config (the OMP_* environment is env.h's).  Nothing here
 * allocates the array or starts threads.
 */
#ifndef PSUM_CLI_H
#define PSUM_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "config.h"

/* The exit statuses of psum_omp (psum_mpi uses 0, 1 and 2 alike). */
enum {
    PSUM_EXIT_OK = 0,           /* the sum was verified; a question answered */
    PSUM_EXIT_FAILURE = 1,      /* runtime failure or failed verification */
    PSUM_EXIT_USAGE = 2,        /* usage error */
    PSUM_EXIT_NO_DEVICE = 3,    /* --device gpu without a usable device; nothing ran */
    PSUM_EXIT_INTERRUPTED = 130 /* Ctrl-C */
};

typedef enum {
    PSUM_CLI_RUN,     /* *cfg is filled and valid; cfg->action says what to do */
    PSUM_CLI_HELP,    /* --help was given */
    PSUM_CLI_VERSION, /* --version was given */
    PSUM_CLI_ERROR,   /* err holds a one-line message, no newline */
} psum_cli_status;

/*
 * Parses argv[1..argc-1] over the defaults, with getopt_long's conventions:
 * --name value, --name=value, any unambiguous prefix of a long name
 * (--elem 5), short options bundled (-Vh) or with the value attached
 * (-n5), and -- ending the options.  Options are applied left to right, a
 * repeated one overriding the earlier, and parsing stops at the first
 * --help, --version or error, so "--help --bogus" asks for help and
 * "--bogus --help" is an error.  An operand (an argument that is no option,
 * or anything after --) is an error.
 *
 * --check, --describe and --parse-count set cfg->action and parsing goes
 * on, so all options are read and checked as for a run; the last of them
 * wins.  --parse-count's value is not read here (its grammar is the
 * answer), --count-max's is, as a count up to 2^64-1.
 *
 * Once all options are read, their combinations are checked: --from-host
 * needs --device gpu and --mode materialize, and --chunks or --schedule
 * given with --device gpu is refused (they do not apply to it).  The
 * parser is the same in every build and for every program: whether the
 * program can run --device gpu (psum_omp built with offload can; psum_omp
 * without it and psum_mpi refuse it, each in its own words) is for its
 * main to say.
 *
 * On PSUM_CLI_ERROR, err (errlen bytes) holds one line naming the option
 * and the value, such as "invalid value '1e9x' for --elements: trailing
 * characters"; the quoted value is escaped (psum_escape) and cut to 100
 * bytes, so with errlen >= 256 the message is whole, one line of valid
 * UTF-8.  Pure but for getopt_long's globals, which it resets on entry
 * (glibc: optind = 0) and leaves quiet (opterr = 0); not thread-safe.
 */
psum_cli_status psum_cli_parse(int argc, char **argv, psum_config *cfg,
                               char *err, size_t errlen);

/* Writes the usage text to out. */
void psum_cli_usage(FILE *out);

/*
 * Writes the part of the usage text that every program taking psum_omp's
 * options shares (psum_omp, psum_mpi): the options and how they are read,
 * from "Options:" to the paragraph's end (no blank line after it).
 * --device and --from-host are listed only if with_devices is true: psum_mpi
 * refuses a device other than the CPUs.
 */
void psum_cli_usage_options(FILE *out, bool with_devices);

/*
 * Writes the shared "Environment:" section: the OMP_* variables checked
 * before the OpenMP runtime reads them.  Laid out for help2man, which
 * makes it the man page's ENVIRONMENT section, so it comes last, after
 * the exit status; a program may append its own variables after it.
 */
void psum_cli_usage_environment(FILE *out);

#endif

/*
 * Command-line parsing and validation into a psum_config.  Nothing here
 * allocates the array or starts threads.
 */
#ifndef PSUM_CLI_H
#define PSUM_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sum.h"

typedef enum { PSUM_MODE_MATERIALIZE, PSUM_MODE_STREAM } psum_mode;
typedef enum { PSUM_FORMAT_TEXT, PSUM_FORMAT_CSV, PSUM_FORMAT_JSON } psum_format;

typedef struct {
    uint64_t n;              /* elements, 1 .. PSUM_MAX_ELEMENTS */
    psum_mode mode;
    psum_schedule schedule;
    uint64_t chunks;         /* 1 .. PSUM_MAX_CHUNKS */
    int threads;             /* 0: as OMP_NUM_THREADS or the runtime says */
    uint64_t repeat;         /* timed repetitions, 1 .. PSUM_MAX_REPEAT */
    psum_format format;
    bool serial;             /* false with --no-serial */
} psum_config;

#define PSUM_MAX_CHUNKS ((uint64_t)1000000000)
#define PSUM_MAX_THREADS 1024
#define PSUM_MAX_REPEAT ((uint64_t)1000000)

typedef enum {
    PSUM_CLI_RUN,     /* *cfg is filled and valid */
    PSUM_CLI_HELP,    /* --help was given */
    PSUM_CLI_VERSION, /* --version was given */
    PSUM_CLI_ERROR,   /* err holds a one-line message, no newline */
} psum_cli_status;

/* Sets the defaults: N = 10^9, materialize, dynamic, 100 chunks, 5 repeats. */
void psum_config_default(psum_config *cfg);

/*
 * Parses argv[1..argc-1] over the defaults.  Options may repeat; the last
 * one wins.  On PSUM_CLI_ERROR, err (errlen bytes) holds one line such as
 * "invalid value '1e9x' for --elements: trailing characters"; the quoted
 * value is escaped (psum_escape) and cut to 100 bytes, so with errlen >= 256
 * the message is whole, one line of valid UTF-8.
 */
psum_cli_status psum_cli_parse(int argc, char **argv, psum_config *cfg,
                               char *err, size_t errlen);

/* Writes the usage text to out. */
void psum_cli_usage(FILE *out);

/* Names of the enum values, as written on the command line. */
const char *psum_mode_name(psum_mode m);
const char *psum_schedule_name(psum_schedule s);

#endif

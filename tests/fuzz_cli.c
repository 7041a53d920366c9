/*
 * libFuzzer target over the number parser and the argument parser.  The
 * input is split at newlines and NUL bytes into argv; the whole input is
 * also parsed as one number.  Besides crashes and sanitizer reports, it
 * checks properties: an accepted number lies in [1, max] and survives a
 * decimal round trip; an accepted command line yields a valid config; an
 * error is one line.  Built with -fsanitize=fuzzer in the fuzz build
 * (-Dfuzz=true); fuzz_replay.c runs it on the corpus in every other build.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_ARGS 16

static void check_number(const char *s, uint64_t max)
{
    uint64_t v = 0;
    if (psum_parse_count(s, max, &v) != NULL)
        return;
    if (v < 1 || v > max)
        abort();
    char dec[24];
    uint64_t again = 0;
    snprintf(dec, sizeof dec, "%" PRIu64, v);
    if (psum_parse_count(dec, max, &again) != NULL || again != v)
        abort();
}

static void check_config(const psum_config *c)
{
    if (c->n < 1 || c->n > PSUM_MAX_ELEMENTS || c->chunks < 1 || c->chunks > PSUM_MAX_CHUNKS ||
        c->threads < 0 || c->threads > PSUM_MAX_THREADS || c->repeat < 1 ||
        c->repeat > PSUM_MAX_REPEAT)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = malloc(size + 1);
    if (buf == NULL)
        return 0;
    memcpy(buf, data, size);
    buf[size] = '\0';
    check_number(buf, PSUM_MAX_ELEMENTS);
    check_number(buf, 1024);

    char *argv[MAX_ARGS + 1] = {"psum_omp"};
    int argc = 1;
    for (size_t i = 0, start = 0; i <= size && argc < MAX_ARGS; i++) {
        if (i == size || buf[i] == '\n' || buf[i] == '\0') {
            buf[i] = '\0';
            argv[argc++] = buf + start;
            start = i + 1;
        }
    }
    argv[argc] = NULL;

    psum_config cfg;
    char err[256] = "";
    switch (psum_cli_parse(argc, argv, &cfg, err, sizeof err)) {
    case PSUM_CLI_RUN:
        check_config(&cfg);
        break;
    case PSUM_CLI_ERROR:
        if (err[0] == '\0' || strchr(err, '\n') != NULL)
            abort();
        break;
    case PSUM_CLI_HELP:
    case PSUM_CLI_VERSION:
        break;
    }
    free(buf);
    return 0;
}

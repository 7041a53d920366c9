/*
 * The positional counts of the bench programs (psum_limits, psum_gpu_check),
 * parsed as strictly as psum_omp's options.
 */
#ifndef PSUM_BENCH_ARGS_H
#define PSUM_BENCH_ARGS_H

#include <stdint.h>
#include <stdio.h>

#include "parse.h"
#include "text.h"

/* One positional count: its name in messages, its bound and its value. */
typedef struct {
    const char *name; /* "N", "REPEAT" */
    uint64_t max;
    uint64_t value; /* the default in, the parsed count out */
} psum_bench_count;

/*
 * Parses the `given` arguments args[0..given-1] into counts[0..given-1]
 * (each in [1, max], by psum_parse_count's grammar: 1e9, 1_000); the counts
 * past `given` keep their defaults.  Returns 0, or prints one line on
 * stderr, "PROG: NAME 'TEXT': REASON; usage: USAGE" (or "too many
 * arguments"), and returns 2.
 */
static inline int psum_bench_counts(const char *prog, const char *usage, int given,
                                    char **args, psum_bench_count *counts, int count)
{
    if (given > count) {
        fprintf(stderr, "%s: too many arguments; usage: %s\n", prog, usage);
        return 2;
    }
    for (int k = 0; k < given; k++) {
        const char *why = psum_parse_count(args[k], counts[k].max, &counts[k].value);
        if (why != NULL) {
            char shown[64]; /* the value on one line, cut if long (psum_escape) */
            fprintf(stderr, "%s: %s '%s': %s; usage: %s\n", prog, counts[k].name,
                    psum_escape(args[k], shown, sizeof shown), why, usage);
            return 2;
        }
    }
    return 0;
}

#endif

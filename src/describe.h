/*
 * psum_omp --describe: what the program accepts, as JSON, so scripts ask
 * it instead of repeating its limits, defaults and names.
 */
#ifndef PSUM_DESCRIBE_H
#define PSUM_DESCRIBE_H

#include <stdio.h>

/*
 * Writes one JSON object and a newline to out: "program", "version",
 * "offload" (whether this build has --device gpu), "limits" (the options'
 * bounds, the count grammar's exponent cap, the memory a materialized run
 * needs beside its array, the stream kernel's and the offload kernel's
 * lanes), "defaults" (each option's value when not given; threads null:
 * OMP_NUM_THREADS or the runtime decides), "names" (the values of --mode,
 * --schedule, --device and --format, in table order) and "exit_status".
 * Every figure is read from the constant or table that the parser, the
 * kernels and main use.  Errors show in ferror(out).
 */
void psum_describe(FILE *out, const char *program);

#endif

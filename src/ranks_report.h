/*
 * psum_mpi's figures across ranks (ranks.h) in each output format, the
 * part that psum_mpi's report adds to psum_omp's.
 */
#ifndef PSUM_RANKS_REPORT_H
#define PSUM_RANKS_REPORT_H

#include <stdio.h>

#include "ranks.h"

/*
 * JSON members, two-space indented, separated by ",\n", with no comma or
 * newline after the last: "ranks", "threads_per_rank", "nodes",
 * "ranks_per_node", "imbalance" {"min_s", "mean_s", "max_s"} and
 * "reduce_s" (null when unknown).  Return 0, or -1 on a write error.
 */
int psum_ranks_json(FILE *out, const psum_ranks *r);

/* Lines of the text report, each ending in a newline. */
int psum_ranks_text(FILE *out, const psum_ranks *r);

/* CSV: the columns' names and one row's values, each with a leading comma. */
int psum_ranks_csv_header(FILE *out);
int psum_ranks_csv_values(FILE *out, const psum_ranks *r);

#endif

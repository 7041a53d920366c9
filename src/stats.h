/*
 * Figures from a set of timing samples.
 */
#ifndef PSUM_STATS_H
#define PSUM_STATS_H

#include <stddef.h>

typedef struct {
    double min, median, mean, max;
    double stddev; /* sample standard deviation (n - 1); 0 for one sample */
} psum_stats;

/*
 * Computes the figures of samples[0..n-1] (n >= 1).  The samples are left
 * in their original order.  Returns 0, or -1 if n is 0 or memory for a
 * sorted copy is refused (out is then untouched).
 */
int psum_stats_compute(const double *samples, size_t n, psum_stats *out);

/*
 * Coefficient of variation (stddev / mean) of s, 0 when the mean is 0.
 */
double psum_stats_cv(const psum_stats *s);

#endif

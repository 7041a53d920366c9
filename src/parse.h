/*
 * Strict parsing of the positive counts given on the command line.
 */
#ifndef PSUM_PARSE_H
#define PSUM_PARSE_H

#include <stdint.h>

/*
 * Exponents saturate here.  An argument holds fewer fraction digits than
 * this (Linux caps one at 128 KiB), so a saturated exponent still makes
 * every value it touches whole and over any limit, as the true one does.
 */
#define PSUM_PARSE_EXP_CAP 1000000

/*
 * Parses s as a whole number in [1, max] and stores it in *out.
 *
 * Accepted: decimal digits, with single underscores between digits
 * (1_000_000_000), and exact scientific forms (1e9, 2.5e9, 1.25E+3) whose
 * value is a whole number.  Rejected: empty strings, signs (other than
 * '+' in the exponent), white space, fractions (2.5, 1e-1), a decimal
 * point without an exponent (1.0), trailing characters, zero, and values
 * above max.
 *
 * Returns NULL on success, or a short lowercase reason ("trailing
 * characters", "must not exceed 4611686018427387904 (2^62)", ...) that stays
 * valid until the next call; *out is then untouched.
 */
const char *psum_parse_count(const char *s, uint64_t max, uint64_t *out);

#endif

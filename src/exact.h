/*
 * Exact integer arithmetic past 64 bits: the closed form the sums are
 * checked against, and decimal printing of 128-bit values.
 */
#ifndef PSUM_EXACT_H
#define PSUM_EXACT_H

#include <stddef.h>
#include <stdint.h>

__extension__ typedef unsigned __int128 psum_u128;

/* Enough for the 39 digits of 2^128 - 1 and the terminating NUL. */
#define PSUM_U128_DEC_SIZE 40

/*
 * Returns 0 + 1 + ... + (n - 1) = n(n-1)/2, exact for every n < 2^64
 * (the product n(n-1) < 2^128 cannot overflow).
 */
psum_u128 psum_expected_sum(uint64_t n);

/*
 * Writes v in decimal, without separators, into buf (at least
 * PSUM_U128_DEC_SIZE bytes) and returns buf.  Cannot fail.
 */
char *psum_u128_to_dec(psum_u128 v, char *buf);

#endif

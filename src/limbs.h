/*
 * Exact 128-bit sums across processes with a plain integer reduction.  A
 * value is split into four 32-bit limbs, each held in a 64-bit word; the
 * words of many values are added elementwise (what MPI_SUM does to an
 * array of MPI_UINT64_T), which stays exact for fewer than 2^32 addends
 * since each word gains less than 2^32 per addend; the carries between
 * limbs are propagated once, on the receiving side.  No MPI here: the
 * arithmetic is tested without it.
 */
#ifndef PSUM_LIMBS_H
#define PSUM_LIMBS_H

#include <stdint.h>

#include "exact.h"

#define PSUM_LIMBS 4

/* Addends that psum_limbs_add may combine before a word can wrap. */
#define PSUM_LIMBS_MAX_ADDENDS ((uint64_t)1 << 32)

/* Word i holds bits 32i .. 32i+31 of the value, or a sum of such limbs. */
typedef struct {
    uint64_t word[PSUM_LIMBS];
} psum_limbs;

/* Splits v into limbs: every word is below 2^32. */
void psum_limbs_split(psum_u128 v, psum_limbs *out);

/* Adds x into acc word by word, as MPI_SUM would, without carrying. */
void psum_limbs_add(psum_limbs *acc, const psum_limbs *x);

/*
 * Propagates the carries of a sum of split values and stores the total in
 * *out.  Returns 0, or -1 if the total is 2^128 or more (*out untouched).
 * Exact when the words are sums of fewer than PSUM_LIMBS_MAX_ADDENDS
 * split values.
 */
int psum_limbs_join(const psum_limbs *sum, psum_u128 *out);

#endif

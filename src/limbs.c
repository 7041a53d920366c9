#include "limbs.h"

#define LIMB_BITS 32
#define LIMB_MASK (((uint64_t)1 << LIMB_BITS) - 1)

void psum_limbs_split(psum_u128 v, psum_limbs *out)
{
    for (int i = 0; i < PSUM_LIMBS; i++) {
        out->word[i] = (uint64_t)v & LIMB_MASK;
        v >>= LIMB_BITS;
    }
}

void psum_limbs_add(psum_limbs *acc, const psum_limbs *x)
{
    for (int i = 0; i < PSUM_LIMBS; i++)
        acc->word[i] += x->word[i];
}

int psum_limbs_join(const psum_limbs *sum, psum_u128 *out)
{
    /* A word plus the carry into it is below 2^65: 128 bits hold it. */
    psum_u128 carry = 0, total = 0;
    for (int i = 0; i < PSUM_LIMBS; i++) {
        psum_u128 t = (psum_u128)sum->word[i] + carry;
        total |= (t & LIMB_MASK) << (LIMB_BITS * i);
        carry = t >> LIMB_BITS;
    }
    if (carry != 0)
        return -1;
    *out = total;
    return 0;
}

/*
 * The exact reduction across ranks without MPI: 128-bit values split into
 * 32-bit limbs, added word by word as MPI_SUM adds them, and carried once.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>

#include "limbs.h"

static char got[PSUM_U128_DEC_SIZE], want[PSUM_U128_DEC_SIZE];

#define TWO64 ((psum_u128)1 << 64)
#define U128_MAX (~(psum_u128)0)

/* The words that `ranks` ranks each holding v would sum to. */
static psum_limbs times(psum_u128 v, uint64_t ranks)
{
    psum_limbs one, sum;
    psum_limbs_split(v, &one);
    for (int i = 0; i < PSUM_LIMBS; i++)
        sum.word[i] = one.word[i] * ranks;
    return sum;
}

Test(limbs, split_gives_32_bit_limbs_least_significant_first)
{
    psum_limbs l;
    psum_limbs_split(((psum_u128)0x11111111 << 96) | ((psum_u128)0x22222222 << 64) |
                         ((psum_u128)0x33333333 << 32) | 0x44444444, &l);
    cr_assert(eq(u64, l.word[0], 0x44444444));
    cr_assert(eq(u64, l.word[1], 0x33333333));
    cr_assert(eq(u64, l.word[2], 0x22222222));
    cr_assert(eq(u64, l.word[3], 0x11111111));
}

Test(limbs, split_then_join_is_the_identity)
{
    const psum_u128 values[] = {0, 1, 0xffffffff, 0x100000000, TWO64 - 1, TWO64,
                                TWO64 * 0xffffffff + 12345, U128_MAX - 1, U128_MAX};
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        psum_limbs l;
        psum_u128 back = 0;
        psum_limbs_split(values[i], &l);
        cr_assert(eq(int, psum_limbs_join(&l, &back), 0));
        cr_assert(eq(str, psum_u128_to_dec(back, got), psum_u128_to_dec(values[i], want)));
    }
}

Test(limbs, carries_ripple_across_every_limb)
{
    /* 2^128 - 1 + 1 overflows; 2^96 - 1 + 1 carries through three limbs. */
    psum_limbs a, b;
    psum_u128 total = 0;
    psum_limbs_split(((psum_u128)1 << 96) - 1, &a);
    psum_limbs_split(1, &b);
    psum_limbs_add(&a, &b);
    cr_assert(eq(int, psum_limbs_join(&a, &total), 0));
    cr_assert(eq(str, psum_u128_to_dec(total, got),
                 psum_u128_to_dec((psum_u128)1 << 96, want)));

    psum_limbs_split(U128_MAX, &a);
    psum_limbs_add(&a, &b);
    total = 7;
    cr_assert(eq(int, psum_limbs_join(&a, &total), -1));
    cr_assert(eq(u64, (uint64_t)total, 7), "untouched on overflow");
}

Test(limbs, many_ranks_of_max_limbs)
{
    /*
     * The most ranks MPI can have (an int's worth), each holding the
     * largest slice total psum_mpi can produce (below 2^124): every word
     * nears 2^63 and the carries are up to 31 bits wide.
     */
    const uint64_t ranks = 2147483647;
    const psum_u128 slice = ((psum_u128)1 << 96) - 1;
    psum_limbs sum = times(slice, ranks);
    psum_u128 total = 0;
    cr_assert(eq(int, psum_limbs_join(&sum, &total), 0));
    cr_assert(eq(str, psum_u128_to_dec(total, got), psum_u128_to_dec(slice * ranks, want)));

    /* All ones in every limb, on 2^32 - 1 ranks: far past 2^128. */
    sum = times(U128_MAX, PSUM_LIMBS_MAX_ADDENDS - 1);
    cr_assert(eq(int, psum_limbs_join(&sum, &total), -1));

    /* 2^31 ranks of 2^97 - 1: just below 2^128 once carried. */
    sum = times(((psum_u128)1 << 97) - 1, (uint64_t)1 << 31);
    cr_assert(eq(int, psum_limbs_join(&sum, &total), 0));
    cr_assert(eq(str, psum_u128_to_dec(total, got),
                 psum_u128_to_dec((((psum_u128)1 << 97) - 1) << 31, want)));
}

Test(limbs, word_sums_match_128_bit_sums)
{
    /* 100000 ranks with scattered values, added one by one as a reduction would. */
    psum_limbs acc = {{0, 0, 0, 0}}, part;
    psum_u128 direct = 0, total = 0;
    uint64_t x = 0x9e3779b97f4a7c15;
    for (int r = 0; r < 100000; r++) {
        uint64_t high = x = x * 6364136223846793005u + 1442695040888963407u;
        uint64_t low = x = x * 6364136223846793005u + 1442695040888963407u;
        /* Below 2^111, so 100000 (< 2^17) of them stay below 2^128. */
        psum_u128 value = ((psum_u128)(high >> 17) << 64) | low;
        psum_limbs_split(value, &part);
        psum_limbs_add(&acc, &part);
        direct += value;
    }
    cr_assert(eq(int, psum_limbs_join(&acc, &total), 0));
    cr_assert(eq(str, psum_u128_to_dec(total, got), psum_u128_to_dec(direct, want)));
}

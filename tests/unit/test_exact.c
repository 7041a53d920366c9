#include <criterion/criterion.h>
#include <criterion/new/assert.h>

#include "exact.h"

static char buf[PSUM_U128_DEC_SIZE];

Test(exact, formats_small_values)
{
    cr_assert(eq(str, psum_u128_to_dec(0, buf), "0"));
    cr_assert(eq(str, psum_u128_to_dec(7, buf), "7"));
    cr_assert(eq(str, psum_u128_to_dec(1000000, buf), "1000000"));
}

Test(exact, formats_values_past_64_bits)
{
    psum_u128 two64 = (psum_u128)1 << 64;
    cr_assert(eq(str, psum_u128_to_dec(two64 - 1, buf), "18446744073709551615"));
    cr_assert(eq(str, psum_u128_to_dec(two64, buf), "18446744073709551616"));
    cr_assert(eq(str, psum_u128_to_dec(two64 * 10 + 3, buf), "184467440737095516163"));
    cr_assert(eq(str, psum_u128_to_dec(~(psum_u128)0, buf),
                 "340282366920938463463374607431768211455"));
}

Test(exact, closed_form)
{
    cr_assert(eq(str, psum_u128_to_dec(psum_expected_sum(0), buf), "0"));
    cr_assert(eq(str, psum_u128_to_dec(psum_expected_sum(1), buf), "0"));
    cr_assert(eq(str, psum_u128_to_dec(psum_expected_sum(2), buf), "1"));
    cr_assert(eq(str, psum_u128_to_dec(psum_expected_sum(101), buf), "5050"));
    cr_assert(eq(str, psum_u128_to_dec(psum_expected_sum(1000000000), buf),
                 "499999999500000000"));
    /* Past INT64_MAX: 5e9 * (5e9 - 1) / 2 */
    cr_assert(eq(str, psum_u128_to_dec(psum_expected_sum(5000000000), buf),
                 "12499999997500000000"));
    /* 2^62 (2^62 - 1) / 2 = 2^123 - 2^61 */
    cr_assert(eq(str, psum_u128_to_dec(psum_expected_sum((uint64_t)1 << 62), buf),
                 "10633823966279326980924613473029062656"));
    /* Odd n: n-1 is halved instead. (2^64-1)(2^64-2)/2 */
    cr_assert(eq(str, psum_u128_to_dec(psum_expected_sum(UINT64_MAX), buf),
                 "170141183460469231704017187605319778305"));
}

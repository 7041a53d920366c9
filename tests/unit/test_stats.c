#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <math.h>

#include "stats.h"

Test(stats, odd_count)
{
    const double s[] = {3, 1, 2, 5, 4};
    psum_stats st;
    cr_assert(eq(int, psum_stats_compute(s, 5, &st), 0));
    cr_assert(eq(dbl, st.min, 1));
    cr_assert(eq(dbl, st.max, 5));
    cr_assert(eq(dbl, st.median, 3));
    cr_assert(eq(dbl, st.mean, 3));
    cr_assert(ieee_ulp_eq(dbl, st.stddev, sqrt(2.5), 4));
    cr_assert(eq(dbl, s[0], 3), "samples must stay in their order");
}

Test(stats, even_count_and_single_sample)
{
    const double s[] = {4, 1, 3, 2};
    psum_stats st;
    cr_assert(eq(int, psum_stats_compute(s, 4, &st), 0));
    cr_assert(eq(dbl, st.median, 2.5));
    cr_assert(eq(int, psum_stats_compute(s, 1, &st), 0));
    cr_assert(eq(dbl, st.median, 4));
    cr_assert(eq(dbl, st.stddev, 0));
    cr_assert(eq(int, psum_stats_compute(s, 0, &st), -1));
}

Test(stats, coefficient_of_variation)
{
    psum_stats st = {1, 2, 2, 3, 0.5};
    cr_assert(ieee_ulp_eq(dbl, psum_stats_cv(&st), 0.25, 4));
    psum_stats zero = {0, 0, 0, 0, 0};
    cr_assert(eq(dbl, psum_stats_cv(&zero), 0));
}

/*
 * The memory check: the figure it gives at any n, and when it refuses.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <string.h>

#include "array.h"

#define GB ((uint64_t)1000000000)

Test(array, need_is_not_clamped_at_the_largest_n)
{
    /* 2^62 elements: 2^65 bytes plus 2 MiB of slack, far past UINT64_MAX. */
    cr_assert(ieee_ulp_eq(dbl, psum_array_need((uint64_t)1 << 62), 0x1p65 + 0x1p21, 1));
    cr_assert(ieee_ulp_eq(dbl, psum_array_need(1000), 8000.0 + 0x1p21, 1));
}

Test(array, refusal_names_the_true_figure)
{
    char err[256];
    int rc = psum_array_check_memory((uint64_t)1 << 62, 24 * GB, err, sizeof err);
    cr_assert(eq(int, rc, -1));
    cr_assert(eq(str, err,
                 "materializing 4611686018427387904 elements needs 36893488147.42 GB but only "
                 "24.00 GB is available (MemAvailable); use --mode stream or a smaller -n"));
}

Test(array, fits_with_headroom_or_unknown)
{
    char err[256] = "";
    /* 1e9 elements need 8.002 GB; with 64 MiB to spare 8.07 GB is enough. */
    cr_expect(eq(int, psum_array_check_memory(1000000000, 8070000000, err, sizeof err), 0));
    cr_expect(eq(int, psum_array_check_memory(1000000000, 8010000000, err, sizeof err), -1));
    cr_expect(eq(int, psum_array_check_memory((uint64_t)1 << 62, 0, err, sizeof err), 0),
              "MemAvailable unknown: no basis to refuse");
}

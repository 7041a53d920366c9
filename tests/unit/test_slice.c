/*
 * The kernels over one rank's slice: a source that holds only [lo, hi) of
 * the elements (first = lo), the parallel sum over a range, and the fill
 * of a slice, in both modes.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>

#include "array.h"
#include "ranks.h"
#include "sum.h"

static char got[PSUM_U128_DEC_SIZE], want[PSUM_U128_DEC_SIZE];

static const psum_schedule schedules[] = {PSUM_SCHED_STATIC, PSUM_SCHED_DYNAMIC,
                                          PSUM_SCHED_GUIDED};

/* Sums [lo, hi) of 0..n-1 every way and compares each with the closed form. */
static void check_slice(uint64_t n, uint64_t lo, uint64_t hi, int materialize)
{
    psum_array array = {0};
    psum_source src = {.n = n, .first = lo};
    if (materialize) {
        cr_assert(eq(int, psum_array_alloc(&array, hi - lo), 0));
        psum_array_fill_slice(&array, lo, 2);
        src.data = array.data;
    }
    psum_u128_to_dec(psum_slice_sum(lo, hi), want);
    cr_expect(eq(str, psum_u128_to_dec(psum_sum_range(&src, lo, hi), got), want),
              "serial n=%llu [%llu, %llu) materialize=%d", (unsigned long long)n,
              (unsigned long long)lo, (unsigned long long)hi, materialize);
    /* More chunks than elements, where that stays cheap to deal out. */
    const uint64_t chunk_counts[] = {1, 3, 100, hi - lo < 1000 ? hi - lo + 5 : 1000};
    for (size_t k = 0; k < 4; k++)
        for (size_t s = 0; s < 3; s++)
            for (int threads = 1; threads <= 3; threads += 2) {
                int team = 0;
                psum_u128 sum = psum_sum_parallel_range(&src, lo, hi, chunk_counts[k],
                                                        schedules[s], threads, &team);
                cr_expect(eq(str, psum_u128_to_dec(sum, got), want),
                          "n=%llu [%llu, %llu) materialize=%d chunks=%llu schedule=%zu "
                          "threads=%d", (unsigned long long)n, (unsigned long long)lo,
                          (unsigned long long)hi, materialize,
                          (unsigned long long)chunk_counts[k], s, threads);
                cr_expect(eq(int, team, threads));
            }
    psum_array_free(&array);
}

Test(slice, every_rank_slice_sums_exactly_in_both_modes)
{
    const uint64_t ns[] = {1, 2, 101, 1000007};
    const int counts[] = {1, 2, 3, 7};
    for (size_t a = 0; a < sizeof ns / sizeof ns[0]; a++)
        for (size_t b = 0; b < sizeof counts / sizeof counts[0]; b++)
            for (int r = 0; r < counts[b]; r++) {
                uint64_t lo, hi;
                psum_rank_slice(ns[a], counts[b], r, &lo, &hi);
                check_slice(ns[a], lo, hi, 1);
                check_slice(ns[a], lo, hi, 0);
            }
}

Test(slice, a_slice_at_the_top_of_the_largest_n)
{
    /* Values near 2^62 in a 1000-element array: the block bound still holds. */
    check_slice(PSUM_MAX_ELEMENTS, PSUM_MAX_ELEMENTS - 1000, PSUM_MAX_ELEMENTS, 1);
    check_slice(PSUM_MAX_ELEMENTS, PSUM_MAX_ELEMENTS - 1000, PSUM_MAX_ELEMENTS, 0);
}

Test(slice, fill_writes_the_slice_values)
{
    psum_array array = {0};
    cr_assert(eq(int, psum_array_alloc(&array, 5000), 0));
    psum_array_fill_slice(&array, 1000000, 2);
    for (uint64_t i = 0; i < 5000; i++)
        cr_assert(eq(i64, array.data[i], (int64_t)(1000000 + i)));
    psum_array_free(&array);
}

Test(slice, a_slice_source_reads_its_array)
{
    /* A wrong element of the slice changes the sum: data[i - first] is read. */
    psum_array array = {0};
    cr_assert(eq(int, psum_array_alloc(&array, 4096), 0));
    psum_array_fill_slice(&array, 8192, 2);
    array.data[100] += 1;
    psum_source src = {.data = array.data, .n = 16384, .first = 8192};
    int team = 0;
    uint64_t want_sum = (uint64_t)psum_slice_sum(8192, 12288) + 1;
    cr_assert(eq(u64, (uint64_t)psum_sum_range(&src, 8192, 12288), want_sum));
    cr_assert(eq(u64, (uint64_t)psum_sum_parallel_range(&src, 8192, 12288, 7,
                                                        PSUM_SCHED_DYNAMIC, 2, &team),
                 want_sum));
    psum_array_free(&array);
}

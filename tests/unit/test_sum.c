/*
 * The kernels against the closed form, over sizes, chunk counts, thread
 * counts, schedules and both modes; and the chunk partition.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <criterion/parameterized.h>
#include <stdlib.h>

#include "array.h"
#include "cpus.h"
#include "exact.h"
#include "run.h"
#include "sum.h"

typedef struct {
    uint64_t n;
    int materialize;
} size_case;

static const uint64_t sizes[] = {1, 2, 99, 100, 101, 12345, 1000007};
static const int thread_counts[] = {1, 2, 3, 8};

ParameterizedTestParameters(sum, matches_closed_form)
{
    static size_case cases[14];
    for (size_t i = 0; i < 7; i++) {
        cases[2 * i] = (size_case){sizes[i], 1};
        cases[2 * i + 1] = (size_case){sizes[i], 0};
    }
    return cr_make_param_array(size_case, cases, 14);
}

static void dec(psum_u128 v, char *buf)
{
    psum_u128_to_dec(v, buf);
}

ParameterizedTest(size_case *c, sum, matches_closed_form)
{
    psum_array array = {0};
    psum_source src = {.n = c->n};
    if (c->materialize) {
        cr_assert(eq(int, psum_array_alloc(&array, c->n), 0));
        psum_array_fill(&array, 2);
        src.data = array.data;
    }
    char want[PSUM_U128_DEC_SIZE], got[PSUM_U128_DEC_SIZE];
    dec(psum_expected_sum(c->n), want);

    dec(psum_sum_range(&src, 0, c->n), got);
    cr_expect(eq(str, got, want), "serial n=%llu mode=%d", (unsigned long long)c->n,
              c->materialize);

    const uint64_t chunk_counts[] = {1, 3, 100, c->n + 5};
    for (size_t k = 0; k < 4; k++)
        for (size_t t = 0; t < 4; t++)
            for (int s = 0; s < PSUM_SCHED_COUNT; s++) {
                int team = 0;
                dec(psum_sum_parallel(&src, chunk_counts[k], (psum_schedule)s,
                                      thread_counts[t], &team), got);
                cr_expect(eq(str, got, want),
                          "n=%llu materialize=%d chunks=%llu threads=%d schedule=%d",
                          (unsigned long long)c->n, c->materialize,
                          (unsigned long long)chunk_counts[k], thread_counts[t], (int)s);
                cr_expect(eq(int, team, thread_counts[t]));
            }
    psum_array_free(&array);
}

/* One register of lanes; a test_sum_lanesN build must have linked sum.c built for N. */
Test(sum, stream_lanes_are_one_register)
{
    int lanes = psum_stream_lanes();
    cr_assert(lanes == 2 || lanes == 4 || lanes == 8, "%d lanes", lanes);
#ifdef PSUM_TEST_LANES
    cr_assert(eq(int, lanes, PSUM_TEST_LANES));
#endif
}

/*
 * The choice names the build's widths, widest first, and picks one; an
 * AVX-512 build times 8 and 4 lanes, any other has its one width untimed.
 */
Test(sum, stream_choice_names_a_built_width)
{
    psum_stream_choice c = psum_stream_choose(3);
    cr_assert(c.widths == 1 || c.widths == 2, "%d widths", c.widths);
    cr_assert(eq(int, c.width[0], psum_stream_lanes()));
    if (c.widths == 2) {
        cr_assert(eq(int, c.width[0], 8));
        cr_assert(eq(int, c.width[1], 4));
        cr_assert(c.trial_s[0] > 0 && c.trial_s[1] > 0, "%g %g", c.trial_s[0], c.trial_s[1]);
        cr_assert(eq(int, c.threads, 3), "every thread of the team ran the trial");
        cr_assert(eq(int, c.wrong_lanes, 0));
        cr_assert(c.lanes == 8 || c.lanes == 4, "%d", c.lanes);
        /* The faster one, as measured. */
        cr_assert(eq(int, c.lanes, c.trial_s[1] < c.trial_s[0] ? 4 : 8));
    } else {
        cr_assert(eq(int, c.width[1], 0));
        cr_assert(eq(int, c.lanes, c.width[0]));
        cr_assert(c.trial_s[0] < 0 && c.trial_s[1] < 0);
        cr_assert(eq(int, c.threads, 0));
    }
}

/*
 * Every width the build has, and a width it lacks (which means its
 * widest), exact over ranges whose ends fall on and off the rounds of 8,
 * 16 and 32 values, serially and in parallel, and past 2^64 near 2^62.
 */
Test(sum, every_stream_width_is_exact)
{
    psum_stream_choice c = psum_stream_choose(1);
    int widths[3] = {c.width[0], c.width[1], 3};
    for (int w = 0; w < 3; w++) {
        if (widths[w] == 0)
            continue;
        for (uint64_t lo = 0; lo < 40; lo += 13)
            for (uint64_t hi = lo; hi < lo + 140; hi++) {
                psum_source src = {.n = 1000, .lanes = widths[w]};
                uint64_t want = (uint64_t)(psum_expected_sum(hi) - psum_expected_sum(lo));
                cr_assert(eq(u64, (uint64_t)psum_sum_range(&src, lo, hi), want),
                          "lanes %d [%llu, %llu)", widths[w], (unsigned long long)lo,
                          (unsigned long long)hi);
            }
        const uint64_t ns[] = {1, 31, 32, 33, 12345, 1000007};
        for (size_t i = 0; i < sizeof ns / sizeof ns[0]; i++) {
            psum_source src = {.n = ns[i], .lanes = widths[w]};
            int team = 0;
            char want[PSUM_U128_DEC_SIZE], got[PSUM_U128_DEC_SIZE];
            dec(psum_expected_sum(ns[i]), want);
            dec(psum_sum_parallel(&src, 7, PSUM_SCHED_DYNAMIC, 3, &team), got);
            cr_expect(eq(str, got, want), "lanes %d n=%llu", widths[w],
                      (unsigned long long)ns[i]);
        }
        const uint64_t n = PSUM_MAX_ELEMENTS, lo = n - 1000;
        psum_source src = {.n = n, .lanes = widths[w]};
        char want[PSUM_U128_DEC_SIZE], got[PSUM_U128_DEC_SIZE];
        dec(psum_expected_sum(n) - psum_expected_sum(lo), want);
        dec(psum_sum_range(&src, lo, n), got);
        cr_expect(eq(str, got, want), "lanes %d near 2^62", widths[w]);
    }
}

/* The run's trial keeps to one thread per allowed CPU (the OpenMP places when set). */
Test(sum, run_trial_is_one_thread_per_allowed_cpu)
{
    psum_cpus cpus;
    psum_cpus_allowed(&cpus);
    int allowed = cpus.count;
    psum_cpus_free(&cpus);
    psum_stream_choice c = psum_run_stream_trial(4 * allowed);
    if (c.widths == 2)
        cr_assert(eq(int, c.threads, allowed));
    else
        cr_assert(eq(int, c.threads, 0));
}

/* The kernels run at the width a source asks for where the build has it, else the widest. */
Test(sum, stream_width_follows_the_source)
{
    psum_stream_choice c = psum_stream_choose(1);
    const int asked[] = {0, 2, 3, 4, 8, 16};
    for (size_t i = 0; i < sizeof asked / sizeof asked[0]; i++) {
        psum_source src = {.n = 100, .lanes = asked[i]};
        int built = asked[i] == c.width[0] || (c.widths == 2 && asked[i] == c.width[1]);
        cr_expect(eq(int, psum_stream_width(&src), built ? asked[i] : psum_stream_lanes()),
                  "asked %d", asked[i]);
    }
}

Test(sum, partition_covers_every_index_once)
{
    const uint64_t ns[] = {1, 7, 100, 101, 12345};
    const uint64_t ks[] = {1, 2, 3, 7, 100, 101, 200};
    for (size_t a = 0; a < sizeof ns / sizeof ns[0]; a++)
        for (size_t b = 0; b < sizeof ks / sizeof ks[0]; b++) {
            uint64_t n = ns[a], chunks = ks[b];
            unsigned char *seen = calloc(n, 1);
            cr_assert(not(eq(ptr, seen, NULL)));
            uint64_t prev_hi = 0;
            for (uint64_t k = 0; k < chunks; k++) {
                uint64_t lo, hi;
                psum_chunk_bounds(n, chunks, k, &lo, &hi);
                cr_assert(eq(u64, lo, prev_hi), "chunk %llu of %llu over %llu",
                          (unsigned long long)k, (unsigned long long)chunks,
                          (unsigned long long)n);
                cr_assert(le(u64, lo, hi));
                for (uint64_t i = lo; i < hi; i++)
                    seen[i]++;
                prev_hi = hi;
            }
            cr_assert(eq(u64, prev_hi, n));
            for (uint64_t i = 0; i < n; i++)
                cr_assert(eq(u8, seen[i], 1), "index %llu n=%llu chunks=%llu",
                          (unsigned long long)i, (unsigned long long)n,
                          (unsigned long long)chunks);
            free(seen);
        }
}

Test(sum, partition_bounds_do_not_overflow_at_the_largest_n)
{
    uint64_t lo, hi;
    psum_chunk_bounds(PSUM_MAX_ELEMENTS, 1000000000, 999999999, &lo, &hi);
    cr_assert(eq(u64, hi, PSUM_MAX_ELEMENTS));
    cr_assert(lt(u64, lo, hi));
}

Test(sum, subrange_sums_are_exact)
{
    psum_source src = {.n = 1000};
    /* 10 + 11 + ... + 19 = 145; empty ranges give 0 */
    cr_assert(eq(u64, (uint64_t)psum_sum_range(&src, 10, 20), 145));
    cr_assert(eq(u64, (uint64_t)psum_sum_range(&src, 5, 5), 0));
    cr_assert(eq(u64, (uint64_t)psum_sum_range(&src, 999, 1000), 999));
}

Test(sum, stream_is_exact_past_2_63_within_one_block)
{
    /*
     * A range near 2^62 whose sum exceeds 2^64: the block bound must split
     * it and combine the blocks in 128 bits.
     */
    const uint64_t n = PSUM_MAX_ELEMENTS;
    psum_source src = {.n = n};
    const uint64_t lo = n - 1000;
    char want[PSUM_U128_DEC_SIZE], got[PSUM_U128_DEC_SIZE];
    dec(psum_expected_sum(n) - psum_expected_sum(lo), want);
    dec(psum_sum_range(&src, lo, n), got);
    cr_assert(eq(str, got, want));
}

Test(sum, a_wrong_element_changes_the_sum)
{
    /* The materialized kernel really reads the array. */
    psum_array array = {0};
    cr_assert(eq(int, psum_array_alloc(&array, 4096), 0));
    psum_array_fill(&array, 2);
    array.data[1234] += 1;
    psum_source src = {.data = array.data, .n = 4096};
    int team = 0;
    psum_u128 want = psum_expected_sum(4096) + 1;
    cr_assert(eq(u64, (uint64_t)psum_sum_range(&src, 0, 4096), (uint64_t)want));
    cr_assert(eq(u64, (uint64_t)psum_sum_parallel(&src, 100, PSUM_SCHED_DYNAMIC, 2, &team),
                 (uint64_t)want));
    psum_array_free(&array);
}

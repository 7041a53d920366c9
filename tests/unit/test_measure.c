/*
 * The timing loop with fake kernels: how many calls a sample times, that
 * every call is checked.  No bound
 * on any speed: a kernel that busy-waits 5 ms always does, and one that
 * returns at once needs several calls to fill even a fraction of 50 ms.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>

#include "measure.h"
#include "timer.h"

#define RIGHT 42
#define WRONG 43

typedef struct {
    uint64_t calls;
    double busy_s;        /* each call busy-waits this long */
    uint64_t wrong_at;    /* this call returns WRONG (0: none) */
    uint64_t wrong_from;  /* this call and later ones return WRONG (0: none) */
} fake;

static psum_u128 fake_kernel(void *ctx)
{
    fake *f = ctx;
    f->calls++;
    for (double t0 = psum_now(); psum_now() - t0 < f->busy_s;)
        continue;
    bool wrong = f->calls == f->wrong_at || (f->wrong_from != 0 && f->calls >= f->wrong_from);
    return wrong ? WRONG : RIGHT;
}

static psum_measure_spec spec_of(fake *f, size_t repeat, double min_sample_s)
{
    return (psum_measure_spec){.fn = fake_kernel, .ctx = f, .expected = RIGHT,
                               .repeat = repeat, .min_sample_s = min_sample_s};
}

Test(measure, a_near_zero_kernel_is_timed_many_calls_per_sample)
{
    fake f = {0};
    psum_measure_spec spec = spec_of(&f, 3, 0.05);
    psum_phase p;
    cr_assert(eq(int, psum_measure(&spec, &p), PSUM_MEASURE_DONE));
    cr_expect(ge(u64, p.calls_per_sample, 2));
    cr_expect(eq(sz, p.count, 3));
    cr_expect(p.verified);
    cr_expect(ge(u64, f.calls, 1 + 3 * p.calls_per_sample), "every sample made its k calls");
    for (size_t i = 0; i < p.count; i++)
        cr_expect(gt(dbl, p.samples[i], 0));
    psum_phase_free(&p);
}

Test(measure, a_5ms_kernel_is_one_call_per_sample)
{
    fake f = {.busy_s = 0.005};
    psum_measure_spec spec = spec_of(&f, 2, 0); /* the default minimum, 1 ms */
    psum_phase p;
    cr_assert(eq(int, psum_measure(&spec, &p), PSUM_MEASURE_DONE));
    cr_expect(eq(u64, p.calls_per_sample, 1));
    /* The warm-up, one calibration call, the two samples. */
    cr_expect(eq(u64, f.calls, 4));
    cr_expect(ge(dbl, p.stats.min, 0.005));
    psum_phase_free(&p);
}

Test(measure, a_long_warmup_decides_alone)
{
    fake f = {.busy_s = 0.12};
    psum_measure_spec spec = spec_of(&f, 1, 0);
    psum_phase p;
    cr_assert(eq(int, psum_measure(&spec, &p), PSUM_MEASURE_DONE));
    cr_expect(eq(u64, p.calls_per_sample, 1));
    cr_expect(eq(u64, f.calls, 2), "no calibration call after a 0.12 s warm-up");
    psum_phase_free(&p);
}

Test(measure, the_budget_caps_calls_per_sample)
{
    /* 10 us calls want 128 per 1 ms sample, but 10^5 samples of them fill 1 s. */
    fake f = {.busy_s = 1e-5};
    psum_measure_spec spec = spec_of(&f, 100000, 0);
    psum_phase p;
    cr_assert(eq(int, psum_measure(&spec, &p), PSUM_MEASURE_DONE));
    cr_expect(eq(u64, p.calls_per_sample, 1));
    psum_phase_free(&p);
}

Test(measure, a_wrong_timed_call_is_caught)
{
    /* One call per sample: warm-up, calibration, then call 4 is the second sample. */
    fake f = {.busy_s = 0.002, .wrong_at = 4};
    psum_measure_spec spec = spec_of(&f, 3, 0);
    psum_phase p;
    cr_assert(eq(int, psum_measure(&spec, &p), PSUM_MEASURE_DONE));
    cr_assert(eq(u64, p.calls_per_sample, 1));
    cr_expect(not(p.verified));
    cr_expect(eq(u64, (uint64_t)p.sum, WRONG), "the sum kept is the wrong one");
    psum_phase_free(&p);
}

Test(measure, wrong_calls_among_many_per_sample_are_caught)
{
    fake f = {.wrong_from = 1000};
    psum_measure_spec spec = spec_of(&f, 3, 0.05);
    psum_phase p;
    cr_assert(eq(int, psum_measure(&spec, &p), PSUM_MEASURE_DONE));
    cr_expect(not(p.verified));
    cr_expect(eq(u64, (uint64_t)p.sum, WRONG));
    psum_phase_free(&p);

    fake warm = {.wrong_at = 1};
    spec = spec_of(&warm, 3, 0.05);
    cr_assert(eq(int, psum_measure(&spec, &p), PSUM_MEASURE_DONE));
    cr_expect(not(p.verified), "a wrong warm-up counts too");
    psum_phase_free(&p);
}

/*
 * Peers played by one process: `agree` reports another process that took
 * no time at all in the first `instant` agreements, and one that took
 * `slower` times this one's; it records what the hooks saw.
 */
typedef struct {
    int instant;           /* agreements in which the shortest is 0 */
    double slower;         /* the slowest process's time, as a multiple of this one's */
    bool refuse_memory;    /* another process could not allocate its samples */
    int begins, agrees;
    long ends[8];          /* the sample index of each timed group's end, in order */
    uint64_t end_k[8];
    int timed_ends;
} fake_peers;

static void peers_begin(void *ctx)
{
    ((fake_peers *)ctx)->begins++;
}

static void peers_end(void *ctx, long sample, uint64_t k)
{
    fake_peers *q = ctx;
    if (sample >= 0 && q->timed_ends < 8) {
        q->ends[q->timed_ends] = sample;
        q->end_k[q->timed_ends++] = k;
    }
}

static void peers_agree(void *ctx, double seconds, double *shortest, double *longest)
{
    fake_peers *q = ctx;
    q->agrees++;
    *shortest = q->refuse_memory && q->agrees == 1 ? -1 : q->agrees <= q->instant ? 0 : seconds;
    *longest = seconds * q->slower;
}

static psum_measure_peers peers_of(fake_peers *q)
{
    return (psum_measure_peers){.ctx = q, .begin = peers_begin, .end = peers_end,
                                .agree = peers_agree};
}

Test(measure, peers_the_shortest_decides_that_a_sample_is_long_enough)
{
    /*
     * 2 ms calls fill the 1 ms minimum alone (k = 1).  Agreements: the
     * memory, the warm-up, then one per calibration group; a peer that is
     * instant through the groups of 1 and 2 calls makes k 4.
     */
    fake f = {.busy_s = 0.002};
    fake_peers q = {.instant = 4, .slower = 1};
    psum_measure_peers peers = peers_of(&q);
    psum_measure_spec spec = spec_of(&f, 2, 0);
    spec.peers = &peers;
    psum_phase p;
    cr_assert(eq(int, psum_measure(&spec, &p), PSUM_MEASURE_DONE));
    cr_expect(eq(u64, p.calls_per_sample, 4));
    cr_expect(eq(int, q.agrees, 5));
    cr_expect(eq(int, q.begins, 1 + 3 + 2), "the warm-up, three groups, two samples");
    cr_expect(eq(u64, f.calls, 1 + (1 + 2 + 4) + 2 * 4));
    cr_expect(eq(int, q.timed_ends, 2));
    for (int i = 0; i < 2; i++) {
        cr_expect(eq(i64, q.ends[i], i), "the samples end in order");
        cr_expect(eq(u64, q.end_k[i], 4));
    }
    psum_phase_free(&p);
}

Test(measure, peers_the_longest_decides_the_budget)
{
    /*
     * 100 us calls: alone k is about 10 (1000 samples fill 1 s); with a
     * peer 10 times slower a call lasts 1 ms there, and k is 1.
     */
    fake f = {.busy_s = 1e-4};
    fake_peers q = {.slower = 10};
    psum_measure_peers peers = peers_of(&q);
    psum_measure_spec spec = spec_of(&f, 1000, 0);
    spec.peers = &peers;
    psum_phase p;
    cr_assert(eq(int, psum_measure(&spec, &p), PSUM_MEASURE_DONE));
    cr_expect(eq(u64, p.calls_per_sample, 1));
    psum_phase_free(&p);
}

Test(measure, peers_a_refusal_anywhere_is_a_refusal_everywhere)
{
    fake f = {0};
    fake_peers q = {.slower = 1, .refuse_memory = true};
    psum_measure_peers peers = peers_of(&q);
    psum_measure_spec spec = spec_of(&f, 3, 0);
    spec.peers = &peers;
    psum_phase p;
    cr_assert(eq(int, psum_measure(&spec, &p), PSUM_MEASURE_NO_MEMORY));
    cr_expect(eq(u64, f.calls, 0), "no call once a peer refused");
    cr_expect(eq(int, q.begins, 0));
    cr_expect(eq(ptr, p.samples, NULL));
}

/*
 * The GPU offload kernels against the closed form, run with
 * OMP_TARGET_OFFLOAD=disabled so every target region falls back to the
 * host: the same code paths (launches, lanes, blocks, the split reduction)
 * as on a GPU, checked on any machine.  bench/gpu_check.sh runs them on a
 * GPU.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <criterion/parameterized.h>
#include <omp.h>
#include <stdlib.h>

#include "exact.h"
#include "offload/offload.h"

typedef struct {
    uint64_t n;
    psum_offload_plan plan;
} plan_case;

static const uint64_t sizes[] = {1, 2, 99, 100, 101, 12345, 1000007};

/*
 * Defaults; one element per lane and launch; tiny blocks over a few lanes;
 * the pass limit below lanes x block; many lanes of three elements.
 */
static const psum_offload_plan plans[] = {
    {0, 0, 0}, {1, 1, 0}, {7, 3, 0}, {1000, 5, 2000}, {0, 64, 4096}, {3, 1000, 0},
};

#define SIZES (sizeof sizes / sizeof sizes[0])
#define PLANS (sizeof plans / sizeof plans[0])

/* Elements per launch of a plan that sets block and lanes. */
static uint64_t per_launch(const psum_offload_plan *p)
{
    uint64_t reach = p->lanes * p->block;
    return p->pass && p->pass < reach ? p->pass : reach;
}

static int explicit_plan(const psum_offload_plan *p)
{
    return p->lanes != 0 && p->block != 0;
}

ParameterizedTestParameters(offload, kernels_match_closed_form)
{
    static plan_case cases[SIZES * PLANS];
    size_t count = 0;
    for (size_t s = 0; s < SIZES; s++)
        for (size_t p = 0; p < PLANS; p++) {
            /* Host fallback launches cost microseconds: keep each case short. */
            if (explicit_plan(&plans[p]) && sizes[s] / per_launch(&plans[p]) > 20000)
                continue;
            cases[count++] = (plan_case){sizes[s], plans[p]};
        }
    return cr_make_param_array(plan_case, cases, count);
}

static void expect_sum(psum_u128 got, psum_u128 want, const char *what, const plan_case *c)
{
    char g[PSUM_U128_DEC_SIZE], w[PSUM_U128_DEC_SIZE];
    psum_u128_to_dec(got, g);
    psum_u128_to_dec(want, w);
    cr_expect(eq(str, g, w), "%s n=%llu block=%llu lanes=%llu pass=%llu", what,
              (unsigned long long)c->n, (unsigned long long)c->plan.block,
              (unsigned long long)c->plan.lanes, (unsigned long long)c->plan.pass);
}

static void expect_launches(const psum_offload_used *u, const plan_case *c)
{
    cr_expect(ge(u64, u->launches, 1));
    if (explicit_plan(&c->plan)) {
        uint64_t step = per_launch(&c->plan);
        cr_expect(eq(u64, u->launches, (c->n + step - 1) / step), "launches n=%llu",
                  (unsigned long long)c->n);
        cr_expect(le(u64, u->lanes, c->plan.lanes));
    }
    cr_expect(ge(int, u->teams, 1));
    cr_expect(ge(int, u->threads, 1));
}

ParameterizedTest(plan_case *c, offload, kernels_match_closed_form)
{
    psum_offload_info info;
    psum_offload_query(&info);
    const int dev = info.device;
    const psum_u128 want = psum_expected_sum(c->n);
    psum_offload_used used;

    /* Filled on the device, in several launches. */
    psum_device_array a;
    cr_assert(eq(int, psum_offload_alloc(&a, c->n, dev), 0));
    psum_offload_fill(&a, c->plan.pass ? c->plan.pass : 1000);
    int64_t *back = malloc(c->n * sizeof *back);
    cr_assert(not(eq(ptr, back, NULL)));
    cr_assert(eq(int, omp_target_memcpy(back, a.data, c->n * sizeof *back, 0, 0,
                                        omp_get_initial_device(), dev), 0));
    uint64_t wrong = 0;
    for (uint64_t i = 0; i < c->n; i++)
        wrong += back[i] != (int64_t)i;
    cr_expect(eq(u64, wrong, 0), "fill n=%llu", (unsigned long long)c->n);

    psum_source src = {.data = a.data, .n = c->n};
    expect_sum(psum_offload_sum(&src, dev, 0, c->n, &c->plan, &used), want, "array", c);
    expect_launches(&used, c);
    psum_offload_free(&a);

    /* Filled on the host and copied in pieces. */
    for (uint64_t i = 0; i < c->n; i++)
        back[i] = (int64_t)i;
    cr_assert(eq(int, psum_offload_alloc(&a, c->n, dev), 0));
    cr_assert(eq(int, psum_offload_copy_in(&a, back, 777), 0));
    src.data = a.data;
    expect_sum(psum_offload_sum(&src, dev, 0, c->n, &c->plan, &used), want, "from host", c);
    psum_offload_free(&a);
    free(back);

    /* Generated on the device. */
    src.data = NULL;
    expect_sum(psum_offload_sum(&src, dev, 0, c->n, &c->plan, &used), want, "generated", c);
    expect_launches(&used, c);
}

Test(offload, query_reports_the_host_under_fallback)
{
    psum_offload_info info;
    psum_offload_query(&info);
    cr_expect(eq(int, info.devices, 0));
    cr_expect(eq(int, info.device, omp_get_initial_device()));
    cr_expect(eq(str, info.name, "unknown"));
    cr_expect(eq(int, psum_offload_on_device(info.device), 0));
}

Test(offload, warmup_runs_and_says_where)
{
    psum_offload_info info;
    psum_offload_query(&info);
    int on_device = -1;
    cr_expect(ge(dbl, psum_offload_warmup(info.device, &on_device), 0.0));
    cr_expect(eq(int, on_device, 0));
}

/*
 * At n = 2^62 a lane holds at most three elements (3 * 2^62 < 2^64) and a
 * range of 2^16 elements sums to about 2^78: both the block bound and the
 * split reduction are needed for the exact answer.
 */
Test(offload, generated_is_exact_near_2_62)
{
    psum_offload_info info;
    psum_offload_query(&info);
    const uint64_t n = PSUM_MAX_ELEMENTS, lo = n - ((uint64_t)1 << 16);
    const psum_source src = {.n = n};
    const psum_u128 want = psum_expected_sum(n) - psum_expected_sum(lo);
    const psum_offload_plan plans_2_62[] = {
        {0, 0, 0}, {0, 1000, 0}, {UINT64_MAX, 1 << 20, 0}, {2, 7, 0},
    };
    char w[PSUM_U128_DEC_SIZE], g[PSUM_U128_DEC_SIZE];
    psum_u128_to_dec(want, w);
    for (size_t p = 0; p < sizeof plans_2_62 / sizeof plans_2_62[0]; p++) {
        psum_offload_used used;
        psum_u128_to_dec(psum_offload_sum(&src, info.device, lo, n, &plans_2_62[p], &used), g);
        cr_expect(eq(str, g, w), "plan %zu", p);
        cr_expect(ge(u64, used.launches, 1));
    }
}

Test(offload, subranges_add_up)
{
    psum_offload_info info;
    psum_offload_query(&info);
    const uint64_t n = 100000;
    const psum_source src = {.n = n};
    const psum_offload_plan plan = {10, 7, 0};
    psum_u128 total = 0;
    for (uint64_t lo = 0; lo < n; lo += 9999)
        total += psum_offload_sum(&src, info.device, lo, lo + 9999 < n ? lo + 9999 : n, &plan,
                                  NULL);
    cr_expect(total == psum_expected_sum(n));
    cr_expect(psum_offload_sum(&src, info.device, 5, 5, &plan, NULL) == 0);
}

Test(offload, default_lanes_follow_the_last_launch)
{
    psum_offload_info info;
    psum_offload_query(&info);
    const psum_source src = {.n = 1000000};
    psum_offload_used first, second;
    psum_offload_sum(&src, info.device, 0, src.n, NULL, &first);
    psum_offload_sum(&src, info.device, 0, src.n, NULL, &second);
    cr_expect(eq(u64, second.lanes,
                 (uint64_t)first.teams * (uint64_t)first.threads * PSUM_OFFLOAD_SIMD));
}

Test(offload, a_freed_array_is_ignored)
{
    psum_offload_info info;
    psum_offload_query(&info);
    psum_device_array a;
    cr_assert(eq(int, psum_offload_alloc(&a, 1000, info.device), 0));
    psum_offload_fill(&a, 10);
    psum_offload_free(&a);
    psum_offload_free(&a);
    cr_expect(eq(ptr, a.data, NULL));
}

Test(offload, alloc_refuses_what_cannot_be_addressed)
{
    psum_device_array a = {NULL, 0, 0};
    cr_expect(eq(int, psum_offload_alloc(&a, 0, omp_get_initial_device()), -1));
    cr_expect(eq(int, psum_offload_alloc(&a, PSUM_MAX_ELEMENTS, omp_get_initial_device()), -1));
    cr_expect(eq(ptr, a.data, NULL));
}

#include "measure.h"

#include <stdlib.h>
#include <string.h>

#include "timer.h"

static void check(psum_phase *p, psum_u128 got, psum_u128 expected)
{
    if (p->verified)
        p->sum = got;
    if (got != expected)
        p->verified = false;
}

int psum_measure(psum_kernel_fn fn, void *ctx, size_t repeat,
                 psum_u128 expected, psum_phase *out)
{
    memset(out, 0, sizeof *out);
    double *samples = malloc(repeat * sizeof *samples);
    if (samples == NULL)
        return -1;
    out->samples = samples;
    out->verified = true;

    check(out, fn(ctx), expected);
    for (size_t i = 0; i < repeat; i++) {
        double t0 = psum_now();
        psum_u128 got = fn(ctx);
        samples[i] = psum_now() - t0;
        check(out, got, expected);
    }
    out->count = repeat;
    if (psum_stats_compute(samples, repeat, &out->stats) != 0) {
        psum_phase_free(out);
        return -1;
    }
    return 0;
}

void psum_phase_free(psum_phase *p)
{
    free(p->samples);
    memset(p, 0, sizeof *p);
}

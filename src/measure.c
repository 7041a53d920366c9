#include "measure.h"

#include <stdlib.h>
#include <string.h>

#include "timer.h"

static bool cancelled(const psum_measure_spec *spec)
{
    return spec->cancel != NULL && *spec->cancel;
}

/* One call of the kernel, its result checked into *p. */
static void call(const psum_measure_spec *spec, psum_phase *p)
{
    psum_u128 got = spec->fn(spec->ctx);
    if (p->verified)
        p->sum = got;
    if (got != spec->expected)
        p->verified = false;
}

psum_measure_status psum_measure(const psum_measure_spec *spec, psum_phase *out)
{
    memset(out, 0, sizeof *out);
    if (cancelled(spec))
        return PSUM_MEASURE_CANCELLED;
    double *samples = malloc(spec->repeat * sizeof *samples);
    if (samples == NULL)
        return PSUM_MEASURE_NO_MEMORY;
    out->samples = samples;
    out->verified = true;

    call(spec, out);
    for (size_t i = 0; i < spec->repeat; i++) {
        if (cancelled(spec)) {
            psum_phase_free(out);
            return PSUM_MEASURE_CANCELLED;
        }
        double t0 = psum_now();
        call(spec, out);
        samples[i] = psum_now() - t0;
    }
    /* A kernel cancelled midway returns a partial sum: not a result. */
    if (cancelled(spec)) {
        psum_phase_free(out);
        return PSUM_MEASURE_CANCELLED;
    }
    out->count = spec->repeat;
    if (psum_stats_compute(samples, spec->repeat, &out->stats) != 0) {
        psum_phase_free(out);
        return PSUM_MEASURE_NO_MEMORY;
    }
    return PSUM_MEASURE_DONE;
}

void psum_phase_free(psum_phase *p)
{
    free(p->samples);
    memset(p, 0, sizeof *p);
}

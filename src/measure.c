#include "measure.h"

#include <stdlib.h>
#include <string.h>

#include "timer.h"

/* A warm-up this long decides alone that one call per sample is enough. */
#define TRUSTED_WARMUP_S 0.1

/* Bound on k, should the clock ever report a run of calls as taking no time. */
#define MAX_CALLS_PER_SAMPLE ((uint64_t)1 << 24)

/* One call of the kernel, its result checked into *p. */
static void call(const psum_measure_spec *spec, psum_phase *p)
{
    psum_u128 got = spec->fn(spec->ctx);
    if (p->verified)
        p->sum = got;
    if (got != spec->expected)
        p->verified = false;
}

/* Seconds that k checked calls take; `sample` as psum_measure_peers.end has it. */
static double time_calls(const psum_measure_spec *spec, uint64_t k, long sample, psum_phase *p)
{
    const psum_measure_peers *peers = spec->peers;
    if (peers != NULL)
        peers->begin(peers->ctx);
    double t0 = psum_now();
    for (uint64_t j = 0; j < k; j++)
        call(spec, p);
    double t = psum_now() - t0;
    if (peers != NULL && peers->end != NULL)
        peers->end(peers->ctx, sample, k);
    return t;
}

/* The shortest and longest of every process's t: t itself in a process alone. */
static void agree(const psum_measure_spec *spec, double t, double *shortest, double *longest)
{
    *shortest = *longest = t;
    if (spec->peers != NULL)
        spec->peers->agree(spec->peers->ctx, t, shortest, longest);
}

/* Calls per sample, as psum_measure's contract says. */
static uint64_t calibrate(const psum_measure_spec *spec, double warmup, psum_phase *p)
{
    const double min = spec->min_sample_s > 0 ? spec->min_sample_s : PSUM_MIN_SAMPLE_S;
    double shortest, longest;
    agree(spec, warmup, &shortest, &longest);
    if (shortest >= TRUSTED_WARMUP_S)
        return 1;
    uint64_t k = 1;
    for (;;) {
        double t = time_calls(spec, k, -1, p);
        agree(spec, t, &shortest, &longest);
        if (shortest >= min || k >= MAX_CALLS_PER_SAMPLE)
            break;
        k *= 2;
    }
    double per_call = longest / (double)k;
    double fit = PSUM_CALIBRATION_BUDGET_S / ((double)spec->repeat * per_call);
    if (per_call > 0 && fit < (double)k)
        k = fit < 1 ? 1 : (uint64_t)fit;
    return k;
}

psum_measure_status psum_measure(const psum_measure_spec *spec, psum_phase *out)
{
    memset(out, 0, sizeof *out);
    double *samples = malloc(spec->repeat * sizeof *samples);
    if (spec->peers != NULL) {
        double shortest, longest;
        agree(spec, samples != NULL ? 0 : -1, &shortest, &longest);
        if (shortest < 0) {
            free(samples);
            return PSUM_MEASURE_NO_MEMORY;
        }
    }
    if (samples == NULL)
        return PSUM_MEASURE_NO_MEMORY;
    out->samples = samples;
    out->verified = true;

    double warmup = time_calls(spec, 1, -1, out);
    uint64_t k = calibrate(spec, warmup, out);
    for (size_t i = 0; i < spec->repeat; i++)
        samples[i] = time_calls(spec, k, (long)i, out) / (double)k;
    out->count = spec->repeat;
    out->calls_per_sample = k;
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

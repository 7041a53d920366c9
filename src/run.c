#include "run.h"

#include <errno.h>
#include <omp.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "array.h"
#include "cpus.h"
#include "procfs.h"
#include "qualify.h"
#include "sum.h"
#include "team.h"
#include "timer.h"

typedef struct {
    const psum_source *src;
    uint64_t chunks;
    psum_schedule schedule;
    int threads;
    int *team;
} parallel_job;

static psum_u128 serial_kernel(void *src)
{
    const psum_source *s = src;
    return psum_sum_range(s, 0, s->n);
}

static psum_u128 parallel_kernel(void *ctx)
{
    parallel_job *job = ctx;
    return psum_sum_parallel(job->src, job->chunks, job->schedule,
                             job->threads, job->team);
}

/* A phase whose samples' memory was refused: the run ends. */
static psum_run_status phase_failed(psum_result *res, char *err, size_t errlen)
{
    snprintf(err, errlen, "cannot allocate memory for %llu timing samples",
             (unsigned long long)res->cfg.repeat);
    psum_result_free(res);
    return PSUM_RUN_ERROR;
}

static psum_run_status run_phases(psum_result *res, const psum_source *src,
                                  psum_kernel_fn parallel_fn, void *ctx,
                                  char *err, size_t errlen)
{
    const psum_config *cfg = &res->cfg;
    if (cfg->serial) {
        psum_measure_status st = psum_run_serial(res, src);
        if (st != PSUM_MEASURE_DONE)
            return phase_failed(res, err, errlen);
    }
    psum_measure_spec parallel = {.fn = parallel_fn, .ctx = ctx,
                                  .expected = res->expected, .repeat = cfg->repeat};
    psum_measure_status st = psum_measure(&parallel, &res->parallel);
    if (st != PSUM_MEASURE_DONE)
        return phase_failed(res, err, errlen);
    res->verified = res->parallel.verified && (!cfg->serial || res->serial.verified);
    return PSUM_RUN_DONE;
}

psum_measure_status psum_run_serial(psum_result *res, const psum_source *src)
{
    psum_measure_spec serial = {.fn = serial_kernel, .ctx = (void *)src,
                                .expected = res->expected, .repeat = res->cfg.repeat};
    return psum_measure(&serial, &res->serial);
}

/*
 * The timed phases between two load marks, then the verdicts.  The CPUs
 * are those psum_omp may run on: pinned to one CPU, the load of the others
 * is none of its business.
 */
psum_run_status psum_run_phases(psum_result *res, const psum_source *src,
                                psum_kernel_fn parallel, void *ctx, char *err, size_t errlen)
{
    psum_cpus cpus;
    psum_cpus_allowed(&cpus);
    psum_load_mark start = psum_load_mark_now(&cpus);
    psum_run_status st = run_phases(res, src, parallel, ctx, err, errlen);
    psum_load_mark end = psum_load_mark_now(&cpus);
    if (st == PSUM_RUN_DONE) {
        res->qual.cpus_allowed = cpus.count;
        res->qual.background_load = psum_background_load(&start, &end, cpus.count);
        psum_qualify(res);
    }
    psum_cpus_free(&cpus);
    res->peak_rss = psum_peak_rss();
    return st;
}

void psum_run_start(psum_result *res, const psum_config *cfg)
{
    memset(res, 0, sizeof *res);
    res->cfg = *cfg;
    res->started = time(NULL);
    res->threads_requested = cfg->threads > 0 ? cfg->threads : omp_get_max_threads();
    res->expected = psum_expected_sum(cfg->n);
    res->materialize_s = -1;
    res->device.kind = cfg->device;
    res->device.fill_s = -1;
    res->device.copy_s = -1;
}

int psum_run_host_array(psum_result *res, psum_array *array, char *err, size_t errlen)
{
    const psum_config *cfg = &res->cfg;
    /*
     * Refused before touching any memory: being killed by the OOM
     * killer halfway through a fill helps nobody.
     */
    if (psum_array_check_memory(cfg->n, psum_mem_available(), err, errlen) != 0)
        return -1;
    if (psum_array_alloc(array, cfg->n) != 0) {
        snprintf(err, errlen, "cannot allocate %.2f GB for %llu elements: %s",
                 psum_array_need(cfg->n) / 1e9, (unsigned long long)cfg->n, strerror(errno));
        return -1;
    }
    double t0 = psum_now();
    psum_array_fill(array, res->threads_requested);
    res->materialize_s = psum_now() - t0;
    res->huge_advised = array->huge_advised;
    return 0;
}

psum_stream_choice psum_run_stream_trial(int threads)
{
    psum_cpus cpus;
    psum_cpus_allowed(&cpus);
    if (cpus.count > 0 && threads > cpus.count)
        threads = cpus.count;
    psum_cpus_free(&cpus);
    return psum_stream_choose(threads);
}

int psum_run_choose_stream(psum_result *res, psum_source *src, char *err, size_t errlen)
{
    const psum_config *cfg = &res->cfg;
    if (cfg->mode != PSUM_MODE_STREAM || (cfg->device == PSUM_DEVICE_GPU && !cfg->serial))
        return 0;
    /* The threads of the phases that use it: the team's, or the serial phase's one. */
    int threads = cfg->device == PSUM_DEVICE_GPU ? 1 : res->threads_requested;
    res->stream = psum_run_stream_trial(threads);
    src->lanes = res->stream.lanes;
    if (res->stream.wrong_lanes != 0) {
        snprintf(err, errlen, "the %d-lane stream kernel summed its trial's values wrong "
                 "(a bug in psum_omp)", res->stream.wrong_lanes);
        return -1;
    }
    return 0;
}

psum_run_status psum_run(const psum_config *cfg, psum_result *res, char *err, size_t errlen)
{
    psum_run_start(res, cfg);
    if (psum_team_probe(res->threads_requested, err, errlen) != 0)
        return PSUM_RUN_ERROR;

    psum_array array = {0};
    psum_source src = {.n = cfg->n};
    if (cfg->mode == PSUM_MODE_MATERIALIZE) {
        if (psum_run_host_array(res, &array, err, errlen) != 0)
            return PSUM_RUN_ERROR;
        src.data = array.data;
    }

    if (psum_run_choose_stream(res, &src, err, errlen) != 0) {
        psum_array_free(&array);
        return PSUM_RUN_ERROR;
    }
    parallel_job job = {&src, cfg->chunks, cfg->schedule, res->threads_requested, &res->team};
    psum_run_status st = psum_run_phases(res, &src, parallel_kernel, &job, err, errlen);
    psum_array_free(&array);
    return st;
}

#include "offload_run.h"

#include <stdio.h>
#include <string.h>

#include "offload.h"
#include "timer.h"

/* open_device copies the one name into the other: a shorter copy would cut it. */
_Static_assert(PSUM_OFFLOAD_NAME_SIZE == PSUM_DEVICE_NAME_SIZE,
               "PSUM_OFFLOAD_NAME_SIZE (offload.h) and PSUM_DEVICE_NAME_SIZE (result.h) "
               "must agree");

/* What each timed call of the parallel phase needs. */
typedef struct {
    psum_source src; /* data: the device array, or NULL to generate */
    int device;
    psum_offload_used used; /* of the last call */
} gpu_job;

static psum_u128 gpu_kernel(void *ctx)
{
    gpu_job *job = ctx;
    return psum_offload_sum(&job->src, job->device, 0, job->src.n, NULL, &job->used);
}

/* Says "nothing was run" in each refusal, since libgomp would have run it on the host. */
#define NOTHING_RAN "nothing was run on the host in its place"

/*
 * Finds the device and warms it up into res->device: PSUM_RUN_DONE;
 * PSUM_RUN_NO_DEVICE when there is none to use (none at all, the default
 * one not among them, or the warm-up running on the host); PSUM_RUN_ERROR
 * when the device failed the warm-up.  The reason is in err.
 */
static psum_run_status open_device(psum_result *res, char *err, size_t errlen)
{
    psum_device_run *d = &res->device;
    psum_offload_info info;
    psum_offload_query(&info);
    d->devices = info.devices;
    d->number = info.device;
    snprintf(d->name, sizeof d->name, "%s", info.name);
    if (info.devices == 0) {
        snprintf(err, errlen, "--device gpu: no usable offload device "
                 "(omp_get_num_devices() = 0); " NOTHING_RAN);
        return PSUM_RUN_NO_DEVICE;
    }
    if (info.device != info.default_device) {
        snprintf(err, errlen, "--device gpu: OMP_DEFAULT_DEVICE=%d is not one of the %d "
                 "offload devices (0 to %d); " NOTHING_RAN, info.default_device,
                 info.devices, info.devices - 1);
        return PSUM_RUN_NO_DEVICE;
    }
    int on_device = 0;
    d->warmup_s = psum_offload_warmup(info.device, &on_device);
    d->on_device = on_device == 1;
    if (d->warmup_s >= 0 && !d->on_device) {
        snprintf(err, errlen, "--device gpu: no usable offload device (the warm-up region "
                 "ran on the host); " NOTHING_RAN);
        return PSUM_RUN_NO_DEVICE;
    }
    if (d->warmup_s < 0) {
        snprintf(err, errlen, "--device gpu: the warm-up on device %d failed (the device "
                 "refused a few bytes or summed them wrong)", info.device);
        return PSUM_RUN_ERROR;
    }
    return PSUM_RUN_DONE;
}

/*
 * The device array: filled on the device, or copied in from host (not
 * NULL with --from-host), each timed into res->device.  0, or -1 with err.
 */
static int device_array(psum_result *res, psum_device_array *dev, const int64_t *host,
                        char *err, size_t errlen)
{
    uint64_t n = res->cfg.n;
    if (psum_offload_alloc(dev, n, res->device.number) != 0) {
        snprintf(err, errlen, "cannot allocate %.2f GB for %llu elements on device %d",
                 (double)n * 8 / 1e9, (unsigned long long)n, res->device.number);
        return -1;
    }
    double t0 = psum_now();
    if (host == NULL) {
        psum_offload_fill(dev, 0);
        res->device.fill_s = psum_now() - t0;
        return 0;
    }
    if (psum_offload_copy_in(dev, host, 0) != 0) {
        snprintf(err, errlen, "copying %.2f GB to device %d failed", (double)n * 8 / 1e9,
                 res->device.number);
        return -1;
    }
    res->device.copy_s = psum_now() - t0;
    return 0;
}

psum_run_status psum_offload_run(const psum_config *cfg, psum_result *res, char *err,
                                 size_t errlen)
{
    psum_run_start(res, cfg);
    /* The launches come from this one host thread. */
    res->team = 1;
    psum_run_status opened = open_device(res, err, errlen);
    if (opened != PSUM_RUN_DONE)
        return opened;

    psum_array host = {0};
    psum_device_array dev = {0};
    psum_source src = {.n = cfg->n};
    gpu_job job = {{.n = cfg->n}, res->device.number, {0}};
    psum_run_status st = PSUM_RUN_ERROR;
    if (cfg->mode == PSUM_MODE_MATERIALIZE) {
        /* The serial phase reads the host array, and --from-host copies it. */
        if ((cfg->serial || cfg->from_host) &&
            psum_run_host_array(res, &host, err, errlen) != 0)
            goto done;
        if (device_array(res, &dev, cfg->from_host ? host.data : NULL, err, errlen) != 0)
            goto done;
        src.data = host.data;
        job.src.data = dev.data;
    }
    if (psum_run_choose_stream(res, &src, err, errlen) != 0)
        goto done;
    st = psum_run_phases(res, &src, gpu_kernel, &job, err, errlen);
    if (st == PSUM_RUN_DONE) {
        res->device.teams = job.used.teams;
        res->device.threads = job.used.threads;
        res->device.lanes = job.used.lanes;
        res->device.launches = job.used.launches;
    }
done:
    psum_offload_free(&dev);
    psum_array_free(&host);
    return st;
}

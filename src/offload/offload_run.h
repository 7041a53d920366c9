/*
 * One run with --device gpu: psum_run's phases with the parallel phase on
 * an OpenMP offload device (offload.h).  The serial phase stays on one
 * host core, over a host array in materialize mode; the GPU sums its own
 * array, filled on the device or, with --from-host, copied in from the
 * host array.  Built only when PSUM_OFFLOAD is 1.
 */
#ifndef PSUM_OFFLOAD_RUN_H
#define PSUM_OFFLOAD_RUN_H

#include <stddef.h>

#include "config.h"
#include "result.h"
#include "run.h"

/*
 * Runs the benchmark of cfg (cfg->device GPU) as psum_run does, and fills
 * res->device.  First the device: without one (omp_get_num_devices() 0,
 * OMP_DEFAULT_DEVICE not among them, or the warm-up region running on the
 * host) it returns PSUM_RUN_NO_DEVICE with one line in err and runs nothing,
 * on the host or elsewhere: libgomp 12 falls back to the host silently
 * even under OMP_TARGET_OFFLOAD=mandatory.  The warm-up (program load,
 * PTX compilation) is timed into res->device.warmup_s and never counted in
 * a sum; a device that fails it is PSUM_RUN_ERROR.  Other statuses and
 * ownership as psum_run.
 */
psum_run_status psum_offload_run(const psum_config *cfg, psum_result *res, char *err,
                                 size_t errlen);

#endif

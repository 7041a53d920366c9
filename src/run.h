/*
 * One benchmark run: memory check and first touch, the timed serial and
 * parallel phases, the verification of every sum, and the qualification
 * of the result (qualify.h) with the load measured around the phases.
 */
#ifndef PSUM_RUN_H
#define PSUM_RUN_H

#include <stddef.h>

#include "array.h"
#include "config.h"
#include "measure.h"
#include "result.h"
#include "sum.h"

typedef enum {
    PSUM_RUN_DONE,        /* *res is filled; res->verified says if it holds */
    PSUM_RUN_ERROR,       /* memory refused or too little: err says why */
    PSUM_RUN_NO_DEVICE,   /* --device gpu: no usable offload device, nothing ran */
} psum_run_status;

/*
 * Runs the benchmark that cfg describes.  On PSUM_RUN_DONE res->qual holds the verdicts,
 * and the caller releases *res with psum_result_free; on the other
 * statuses nothing is left to free.  err (errlen bytes) receives a
 * one-line message on PSUM_RUN_ERROR.
 */
psum_run_status psum_run(const psum_config *cfg, psum_result *res, char *err, size_t errlen);

/*
 * The pieces of psum_run, for a run whose parallel phase runs elsewhere
 * (offload_run.h) or is split over ranks (mpi_run.h).
 *
 * psum_run_start: empties *res and sets what follows from cfg alone (the
 * threads requested, the expected sum, the device kind; no fill yet) and
 * the time the run starts (res->started).
 */
void psum_run_start(psum_result *res, const psum_config *cfg);

/*
 * psum_stream_choose on `threads` threads, at most one per CPU that this
 * process's threads may run on (psum_cpus_allowed: the OpenMP places when
 * set), so the trial never times two threads sharing a CPU.
 */
psum_stream_choice psum_run_stream_trial(int threads);

/*
 * In a run that generates values on the host (stream mode, on the cpu or
 * with a serial phase), picks the stream kernel's width for this CPU
 * (psum_run_stream_trial on the run's threads, one with --device gpu; a
 * few milliseconds), records the choice in res->stream and sets
 * src->lanes to it; otherwise does nothing.  Returns 0, or -1 with one
 * line in err when a width summed wrong in the trial.  Call it after
 * psum_run_start, before the timed phases.
 */
int psum_run_choose_stream(psum_result *res, psum_source *src, char *err, size_t errlen);

/*
 * The serial phase: psum_measure (warm-up, calibration, cfg.repeat samples)
 * of a plain loop over all src->n elements on the calling thread, into
 * res->serial, every call checked against res->expected.  psum_mpi's rank 0 runs it too, so its serial samples mean
 * psum_omp's.  Returns psum_measure's status; on any but
 * PSUM_MEASURE_DONE res->serial is empty.
 */
psum_measure_status psum_run_serial(psum_result *res, const psum_source *src);

/*
 * The host array of a materialized run: checks the memory, maps it and
 * fills it with res->threads_requested threads (first touch), timed into
 * res->materialize_s.  Returns 0, or -1 with one line in err; free the
 * array with psum_array_free.
 */
int psum_run_host_array(psum_result *res, psum_array *array, char *err, size_t errlen);

/*
 * The timed phases of a started run, between two load marks: the serial
 * phase over src on the calling thread (unless --no-serial), then
 * `parallel` called with ctx, every call verified; then the verdicts and
 * the peak RSS.  res->team must hold the team by the end of the parallel
 * phase (the kernel may write it).  Returns as psum_run does; on any status
 * but PSUM_RUN_DONE *res is already released.
 */
psum_run_status psum_run_phases(psum_result *res, const psum_source *src,
                                psum_kernel_fn parallel, void *ctx, char *err, size_t errlen);

#endif

/*
 * psum_mpi's run: the sum of 0..N-1 split over the ranks of an MPI
 * communicator, with OpenMP threads inside each rank.  This layer only
 * decomposes, times and reduces: each rank sums its slice with psum_omp's
 * kernels (sum.h), which know nothing of MPI, and the timing follows
 * STREAM's MPI variant, the NAS Parallel Benchmarks and OSU: a barrier,
 * the local sums, the reduction, the maximum over ranks.
 *
 * Collectives: every rank calls the same collectives in the same order
 * whatever happens to it, and before each phase the ranks agree on the
 * worst status so far (one MPI_Allreduce), so a rank that fails never
 * leaves the others blocked in a collective.
 */
#ifndef PSUM_MPI_RUN_H
#define PSUM_MPI_RUN_H

#include <mpi.h>
#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "env.h"
#include "mpi_qualify.h"
#include "result.h"

typedef struct {
    /*
     * psum_omp's figures for the whole run, with base.ranks filled:
     * threads and threads_requested count every rank's threads; the
     * parallel phase's samples are psum_measure's (measure.h), each the
     * time of k calls (local sum and reduction) over k, the maximum over
     * ranks, with k calibrated as psum_omp's and agreed by every rank;
     * materialize_s is the slowest rank's fill; peak_rss the largest
     * rank's; the verdicts are psum_mpi_qualify's.
     */
    psum_result base;
    psum_mpi_placement placement;
    int threads_min; /* fewest threads running in a rank */
    /*
     * On rank 0, every rank's removed OMP_* values, merged
     * (psum_mpi_merge_drops); empty on the others.
     */
    psum_warnings drops;
} psum_mpi_result;

typedef enum {
    /*
     * On rank 0 *res is filled (release it with psum_mpi_result_free on
     * every rank); res->base.verified says if the sum holds.  err may hold a
     * line this rank must print: its own slice did not sum right.
     */
    PSUM_MPI_DONE,
    /*
     * A rank failed (memory refused, an allocation failed); nothing to
     * report.  err holds the failure's one line on the one rank that
     * prints it (the lowest failing rank), and is empty on the others.
     */
    PSUM_MPI_FAILED,
} psum_mpi_status;

/*
 * Runs the benchmark that cfg describes on every rank of comm (a
 * collective call: every rank passes the same cfg).  --chunks counts
 * chunks per rank.  `dropped` is this rank's record of removed OMP_*
 * values (env_early.h), gathered into res->drops.  err (errlen bytes)
 * receives this rank's line to print, or an empty string.  Every failure,
 * an allocation on rank 0 for the other ranks' figures included, is
 * agreed on by all ranks and returned: nothing here ends the process.
 *
 * Rank 0 alone runs psum_omp's serial phase (psum_run_serial), over all
 * N elements (materialized on rank 0 in materialize mode).  Each rank then materializes and first
 * touches only its slice (psum_rank_slice), after checking it against its
 * share of the node's MemAvailable (divided among the ranks that share
 * the node).
 *
 * A testing aid: with PSUM_MPI_FAIL_RANK=r in the environment rank r
 * fails: its memory check refuses (materialize mode) or it reports a
 * forced failure (stream mode); with PSUM_MPI_FAIL_STAGE=sum as well,
 * rank r instead returns a local sum one too large, so the run completes
 * and fails verification.
 */
psum_mpi_status psum_mpi_run(const psum_config *cfg, const psum_env_dropped *dropped,
                             MPI_Comm comm, psum_mpi_result *res, char *err, size_t errlen);

/* Releases what psum_mpi_run left in *res on PSUM_MPI_DONE, on any rank. */
void psum_mpi_result_free(psum_mpi_result *res);

#endif

/*
 * What the ranks of one psum_mpi job must share before any collective
 * work: the outcome of parsing the command line, the options that shape
 * the run, and the environment variables that change how every rank runs.
 * mpirun can hand ranks different arguments (MPMD, "a : b") or
 * environments (-x per application context); a rank that stopped early
 * would leave the others waiting in a collective forever.  So each rank
 * describes what it was given (a profile), the ranks compare digests in
 * one collective (mpi_agree.h), and a difference is named in one line.
 * Nothing here calls MPI, so it is tested without it.
 *
 * Left out on purpose, because each rank has its own: the thread count
 * (--threads, OMP_NUM_THREADS; the report counts each rank's and warns when
 * they differ) and OMP_PLACES (the CPUs of each rank's own places).
 */
#ifndef PSUM_AGREE_H
#define PSUM_AGREE_H

#include <stddef.h>
#include <stdint.h>

#include "cli.h"
#include "config.h"
#include "env.h"

/*
 * The fields compared, in the order a difference is named: the parse
 * outcome, the options of psum_config but the thread count, then
 * OMP_PROC_BIND, OMP_DYNAMIC, OMP_WAIT_POLICY, GOMP_SPINCOUNT,
 * PSUM_MPI_FAIL_RANK and PSUM_MPI_FAIL_STAGE.
 */
#define PSUM_AGREE_FIELDS 15

/* Bytes of one field's text: room for a whole cli.h error line. */
#define PSUM_AGREE_TEXT 320

/*
 * One rank's profile.  Plain bytes without pointers, so MPI can move it as
 * MPI_BYTE between ranks of one build.
 */
typedef struct {
    int outcome; /* psum_cli_status */
    /* A 64-bit FNV-1a digest of each field's whole value. */
    uint64_t digest[PSUM_AGREE_FIELDS];
    /*
     * Each field as a person reads it: "--elements 100", "--no-serial",
     * "no --no-serial", "OMP_PROC_BIND='close'", "no OMP_PROC_BIND";
     * field 0 is "--help", "--version", "neither --help nor --version",
     * or the error line for PSUM_CLI_ERROR.  Values are escaped onto one
     * line and cut; the digests are not.
     */
    char text[PSUM_AGREE_FIELDS][PSUM_AGREE_TEXT];
} psum_agree_profile;

/*
 * Describes into *p what this rank was given: outcome and err (its message
 * when outcome is PSUM_CLI_ERROR) as the program decided them, cfg (read
 * only when outcome is PSUM_CLI_RUN; the other outcomes compare no option)
 * and the environment block envp (NULL-terminated "NAME=value" strings,
 * such as environ) with the values that env.h removed from it put back
 * (dropped, may be NULL): a rank given OMP_PROC_BIND=bogus is told apart
 * from one given none, by the value it was given.  Reads nothing else.
 */
void psum_agree_profile_of(psum_cli_status outcome, const psum_config *cfg, const char *err,
                           char *const *envp, const psum_env_dropped *dropped,
                           psum_agree_profile *p);

/* True if a and b hold the same outcome and digests. */
int psum_agree_same(const psum_agree_profile *a, const psum_agree_profile *b);

/*
 * The line that names a difference, into buf (len bytes), after "the
 * ranks were given different configurations: ".  `other` is rank
 * other_rank's profile: the lowest rank whose outcome is an error, if any
 * rank's is, else the lowest rank that differs from rank 0 (`root`).  For
 * an error: "rank 1: invalid value 'bogus' for --elements: not a number";
 * else the first field that differs: "rank 0 has --elements 100, rank 1
 * has --elements 200".
 */
void psum_agree_explain(const psum_agree_profile *root, const psum_agree_profile *other,
                        int other_rank, char *buf, size_t len);

#endif

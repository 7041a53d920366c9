/*
 * psum_mpi's first collective: the ranks check that they were given the
 * same configuration (agree.h) before any other collective work, so a rank
 * that stops early (a usage error, --help) never leaves the others waiting.
 */
#ifndef PSUM_MPI_AGREE_H
#define PSUM_MPI_AGREE_H

#include <mpi.h>
#include <stdbool.h>
#include <stddef.h>

#include "agree.h"

/*
 * Collective over comm, and the first one each rank makes: compares every
 * rank's profile (mine) in one MPI_Allreduce of the digests.  Returns true
 * if all agree.  Otherwise every rank takes the same few more collective
 * steps to bring the profile that tells the difference (agree.h) to rank
 * 0, where `line` (len bytes) receives psum_agree_explain's text; on the
 * other ranks it is empty.  Returns false on every rank then.
 */
bool psum_mpi_agree(const psum_agree_profile *mine, MPI_Comm comm, char *line, size_t len);

#endif

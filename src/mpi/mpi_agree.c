#include "mpi_agree.h"

#include <stdint.h>
#include <string.h>

/*
 * The maximum of every digest and of its complement over the ranks: all
 * agree when each maximum is the complement of the other, its minimum.
 */
static bool digests_agree(const psum_agree_profile *mine, MPI_Comm comm)
{
    enum { WORDS = PSUM_AGREE_FIELDS + 1 };
    uint64_t in[2 * WORDS], out[2 * WORDS];
    for (int i = 0; i < WORDS; i++) {
        in[i] = i == 0 ? (uint64_t)mine->outcome : mine->digest[i - 1];
        in[WORDS + i] = ~in[i];
    }
    MPI_Allreduce(in, out, 2 * WORDS, MPI_UINT64_T, MPI_MAX, comm);
    for (int i = 0; i < WORDS; i++) {
        if (out[i] != ~out[WORDS + i])
            return false;
    }
    return true;
}

bool psum_mpi_agree(const psum_agree_profile *mine, MPI_Comm comm, char *line, size_t len)
{
    line[0] = '\0';
    if (digests_agree(mine, comm))
        return true;

    int rank = 0, size = 1;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    psum_agree_profile root = *mine, other;
    MPI_Bcast(&root, (int)sizeof root, MPI_BYTE, 0, comm);
    /* An error names itself first; else the lowest rank unlike rank 0. */
    int key = mine->outcome == PSUM_CLI_ERROR ? rank
              : !psum_agree_same(mine, &root) ? size + rank
                                               : 2 * size;
    int lowest = 0;
    MPI_Allreduce(&key, &lowest, 1, MPI_INT, MPI_MIN, comm);
    int chosen = lowest % size;
    if (chosen == 0) {
        other = root;
    } else if (rank == chosen) {
        MPI_Send(mine, (int)sizeof *mine, MPI_BYTE, 0, 0, comm);
    } else if (rank == 0) {
        MPI_Recv(&other, (int)sizeof other, MPI_BYTE, chosen, 0, comm, MPI_STATUS_IGNORE);
    }
    if (rank == 0)
        psum_agree_explain(&root, &other, chosen, line, len);
    return false;
}

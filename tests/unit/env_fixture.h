/*
 * A test fixture shared by the warning tests (test_qualify.c,
 * test_mpi_qualify.c): every OMP_* variable env.h checks, set invalid.
 */
#ifndef PSUM_TEST_ENV_FIXTURE_H
#define PSUM_TEST_ENV_FIXTURE_H

#include <string.h>

#include "env.h"

/*
 * Fills *dropped as psum_env_drop_invalid does for six invalid OMP_*
 * values, one per variable env.h checks.  The record points into static
 * storage, so it outlives the call.
 */
static inline void drop_every_variable(psum_env_dropped *dropped)
{
    static char threads[] = "OMP_NUM_THREADS=0", bind[] = "OMP_PROC_BIND=x",
                places[] = "OMP_PLACES=x", dynamic[] = "OMP_DYNAMIC=x",
                offload[] = "OMP_TARGET_OFFLOAD=x", device[] = "OMP_DEFAULT_DEVICE=x";
    char *envp[] = {threads, bind, places, dynamic, offload, device, NULL};
    memset(dropped, 0, sizeof *dropped);
    psum_env_drop_invalid(envp, dropped);
}

#endif

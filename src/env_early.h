/*
 * The OMP_* check that runs before any library's constructor, for the two
 * programs (psum_omp, psum_mpi).  libgomp reads OMP_* in its library
 * constructor, before main, and some values crash it (env.h); so env_early.c
 * puts a function pointer in .preinit_array, which the dynamic loader calls
 * before any shared library's constructor.  libc is not initialized there
 * (getenv would see nothing), so the function works on the envp the loader
 * passes, the environment block itself: a value removed from it is what
 * getenv and the runtime later see.
 *
 * Only the executables list env_early.c among their sources: in the static
 * library, an object that nothing referenced would be left out of the link
 * and its .preinit_array entry with it, and the tests must not run it.
 */
#ifndef PSUM_ENV_EARLY_H
#define PSUM_ENV_EARLY_H

#include "env.h"

/*
 * Runs the same check on envp (main's caller passes environ) and adds what
 * it removes to the record.  For where .preinit_array was not run (a static
 * or non-glibc build): LLVM's libomp reads OMP_* only at the first parallel
 * region, so a check from main still comes first there.  After the early
 * check it finds nothing more.  Call it before any OpenMP construct.
 */
void psum_env_early_check(char **envp);

/*
 * The values removed so far, for psum_env_warnings; static
 * storage, owned here, empty when nothing was removed.
 */
const psum_env_dropped *psum_env_early_dropped(void);

#endif

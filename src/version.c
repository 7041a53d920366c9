#include "version.h"

#include <stddef.h>

#include "psum_build.h"
#include "psum_commit.h"

const char *psum_version(void)
{
    return PSUM_VERSION;
}

const char *psum_build_commit(void)
{
    return PSUM_BUILD_COMMIT[0] != '\0' ? PSUM_BUILD_COMMIT : NULL;
}

int psum_build_dirty(void)
{
    return PSUM_BUILD_DIRTY;
}

void psum_version_write(FILE *out, const char *program, const char *commit, int dirty)
{
    fprintf(out, "%s %s (commit %s%s)", program, psum_version(),
            commit != NULL ? commit : "unknown",
            commit == NULL || dirty < 0 ? "" : dirty ? ", dirty" : ", clean");
}

void psum_version_line(FILE *out, const char *program)
{
    psum_version_write(out, program, psum_build_commit(), psum_build_dirty());
    fputc('\n', out);
}

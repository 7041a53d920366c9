/*
 * psum_omp's version and the commit it was built from, recorded at build
 * time (scripts/build_commit.sh), so a result names the code that made it.
 */
#ifndef PSUM_VERSION_H
#define PSUM_VERSION_H

#include <stdio.h>

/* The project's version, e.g. "1.1.0" (meson.build; NEWS.md says what each adds). */
const char *psum_version(void);

/*
 * The commit the build's sources were at (40 hexadecimal digits from git,
 * or what PSUM_GIT_COMMIT said at build time), or NULL when unknown (built
 * from a tarball, without git, or from a copy inside another repository).
 */
const char *psum_build_commit(void);

/*
 * 1 when the sources had uncommitted changes to tracked files at build
 * time, 0 when not, -1 when unknown.
 */
int psum_build_dirty(void);

/*
 * Writes "PROGRAM VERSION (commit C, dirty|clean)" without a newline, for
 * commit (NULL: unknown) and dirty (1, 0, -1 unknown): "(commit unknown)"
 * without a commit, "(commit C)" when only the state is unknown.
 */
void psum_version_write(FILE *out, const char *program, const char *commit, int dirty);

/* The --version line: psum_version_write of this build, and a newline. */
void psum_version_line(FILE *out, const char *program);

#endif

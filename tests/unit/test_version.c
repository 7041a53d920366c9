/*
 * The version line: the commit and its state, or what is unknown of them.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <stdlib.h>
#include <string.h>

#include "version.h"

static char *line(const char *commit, int dirty)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    psum_version_write(f, "psum_omp", commit, dirty);
    fclose(f);
    return buf;
}

Test(version, commit_and_state)
{
    char want[128];
    const char *v = psum_version();
    const struct {
        const char *commit;
        int dirty;
        const char *tail;
    } cases[] = {
        {"03b01da", 1, " (commit 03b01da, dirty)"},
        {"03b01da", 0, " (commit 03b01da, clean)"},
        {"03b01da", -1, " (commit 03b01da)"},
        {NULL, 1, " (commit unknown)"},
        {NULL, -1, " (commit unknown)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        snprintf(want, sizeof want, "psum_omp %s%s", v, cases[i].tail);
        char *got = line(cases[i].commit, cases[i].dirty);
        cr_expect(eq(str, got, want));
        free(got);
    }
}

Test(version, this_build_is_consistent)
{
    const char *c = psum_build_commit();
    int d = psum_build_dirty();
    cr_expect(d >= -1 && d <= 1);
    if (c != NULL) {
        cr_expect(strlen(c) >= 7 && strlen(c) <= 64, "%s", c);
        cr_expect(eq(sz, strspn(c, "0123456789abcdef"), strlen(c)), "%s", c);
    }
    cr_expect(not(eq(ptr, strchr(psum_version(), '.'), NULL)));
}

/*
 * The team probe: OMP_STACKSIZE read as libgomp reads it, a team that
 * starts, and one whose stacks the system refuses, told in one line.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <stdlib.h>
#include <string.h>

#include "team.h"

Test(team, stacksize_as_libgomp_reads_it)
{
    static const struct {
        const char *text;
        uint64_t bytes; /* 0: refused */
    } cases[] = {
        {"4", 4096},           {"4k", 4096},       {" 4 K ", 4096},   {"512b", 512},
        {"2M", 2u << 20},      {"1g", 1u << 30},   {"1000000G", 1000000ULL << 30},
        {"", 0},               {"k", 0},           {"4x", 0},         {"4kb", 0},
        {"-4", 0},             {"4 k x", 0},       {"99999999999999999999", 0},
        {"17179869184G", 0},   /* 2^34 GiB: past 64 bits */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint64_t got = 0;
        bool ok = psum_team_stacksize(cases[i].text, &got);
        cr_expect(eq(int, ok, cases[i].bytes != 0), "'%s'", cases[i].text);
        if (ok)
            cr_expect(eq(u64, got, cases[i].bytes), "'%s'", cases[i].text);
    }
}

Test(team, a_team_that_can_start_passes)
{
    char err[256] = "";
    cr_assert(eq(int, psum_team_probe(1, err, sizeof err), 0));
    cr_assert(eq(int, psum_team_probe(8, err, sizeof err), 0), "%s", err);
}

Test(team, stacks_the_system_refuses_are_one_line)
{
    char err[256] = "";
    setenv("OMP_STACKSIZE", "1000000G", 1);
    cr_assert(eq(int, psum_team_probe(3, err, sizeof err), -1));
    cr_assert(eq(int, strncmp(err, "cannot start a team of 3 threads: thread 2 was refused: ",
                              56), 0), "%s", err);
    cr_assert(not(eq(ptr, strstr(err, "(each asks OMP_STACKSIZE='1000000G' of stack)"), NULL)),
              "%s", err);
    cr_assert(eq(ptr, strchr(err, '\n'), NULL));
    /* GOMP_STACKSIZE counts where OMP_STACKSIZE is unset, as in libgomp. */
    unsetenv("OMP_STACKSIZE");
    setenv("GOMP_STACKSIZE", "1000000G", 1);
    cr_assert(eq(int, psum_team_probe(2, err, sizeof err), -1));
    cr_assert(not(eq(ptr, strstr(err, "GOMP_STACKSIZE='1000000G'"), NULL)), "%s", err);
}

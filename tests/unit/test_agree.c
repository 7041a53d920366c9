/*
 * The profiles psum_mpi's ranks compare before any collective work: what
 * counts as the same configuration, and the line that names a difference.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <string.h>

#include "agree.h"

static psum_agree_profile of_args(char **env, int argc, char **argv)
{
    psum_config cfg;
    char err[512] = "";
    psum_cli_status st = psum_cli_parse(argc, argv, &cfg, err, sizeof err);
    psum_agree_profile p;
    psum_agree_profile_of(st, &cfg, err, env, NULL, &p);
    return p;
}

#define PROFILE(env, ...)                                                        \
    of_args(env, (int)(sizeof((char *[]){"psum_mpi", __VA_ARGS__}) / sizeof(char *)), \
            (char *[]){"psum_mpi", __VA_ARGS__})

static char *no_env[] = {NULL};

static void explains(psum_agree_profile root, psum_agree_profile other, int rank,
                     const char *want)
{
    char line[1024];
    cr_assert(not(psum_agree_same(&root, &other)), "expected a difference: %s", want);
    psum_agree_explain(&root, &other, rank, line, sizeof line);
    cr_assert(eq(str, line, (char *)want));
}

Test(agree, the_same_configuration_spelled_differently_agrees)
{
    psum_agree_profile a = PROFILE(no_env, "-n", "100", "-m", "stream");
    psum_agree_profile b = PROFILE(no_env, "--elements=1e2", "--mode", "stream", "-r", "5");
    cr_assert(psum_agree_same(&a, &b));
}

Test(agree, each_rank_may_have_its_own_threads_and_places)
{
    char *one[] = {"OMP_NUM_THREADS=1", "OMP_PLACES={0}", NULL};
    char *two[] = {"OMP_NUM_THREADS=2", "OMP_PLACES={1},{2}", NULL};
    psum_agree_profile a = PROFILE(one, "-n", "100", "-t", "3");
    psum_agree_profile b = PROFILE(two, "-n", "100");
    cr_assert(psum_agree_same(&a, &b));
}

Test(agree, every_option_is_named_when_it_differs)
{
    psum_agree_profile a = PROFILE(no_env, "-n", "100");
    explains(a, PROFILE(no_env, "-n", "200"), 1,
             "rank 0 has --elements 100, rank 1 has --elements 200");
    explains(a, PROFILE(no_env, "-n", "100", "-m", "stream"), 2,
             "rank 0 has --mode materialize, rank 2 has --mode stream");
    explains(a, PROFILE(no_env, "-n", "100", "-s", "static"), 1,
             "rank 0 has --schedule dynamic, rank 1 has --schedule static");
    explains(a, PROFILE(no_env, "-n", "100", "-c", "7"), 1,
             "rank 0 has --chunks 100, rank 1 has --chunks 7");
    explains(a, PROFILE(no_env, "-n", "100", "-r", "1"), 1,
             "rank 0 has --repeat 5, rank 1 has --repeat 1");
    explains(a, PROFILE(no_env, "-n", "100", "-f", "json"), 1,
             "rank 0 has --format text, rank 1 has --format json");
    explains(a, PROFILE(no_env, "-n", "100", "--no-serial"), 1,
             "rank 0 has no --no-serial, rank 1 has --no-serial");
    explains(a, PROFILE(no_env, "-n", "100", "--no-header"), 1,
             "rank 0 has no --no-header, rank 1 has --no-header");
}

Test(agree, the_first_difference_is_named)
{
    psum_agree_profile a = PROFILE(no_env, "-n", "100", "-r", "3");
    psum_agree_profile b = PROFILE(no_env, "-n", "200", "-r", "4");
    explains(a, b, 1, "rank 0 has --elements 100, rank 1 has --elements 200");
}

Test(agree, an_error_is_named_by_its_rank)
{
    psum_agree_profile run = PROFILE(no_env, "-n", "100");
    psum_agree_profile bad = PROFILE(no_env, "-n", "bogus");
    explains(run, bad, 1, "rank 1: invalid value 'bogus' for --elements: not a number");
    /* Two different errors differ; the same error agrees. */
    psum_agree_profile other = PROFILE(no_env, "-n", "x");
    cr_assert(not(psum_agree_same(&bad, &other)));
    psum_agree_profile again = PROFILE(no_env, "-n", "bogus");
    cr_assert(psum_agree_same(&bad, &again));
}

Test(agree, help_or_version_on_one_rank_is_a_difference)
{
    psum_agree_profile run = PROFILE(no_env, "-n", "100");
    explains(run, PROFILE(no_env, "--help"), 1,
             "rank 0 has neither --help nor --version, rank 1 has --help");
    explains(PROFILE(no_env, "-V"), run, 3,
             "rank 0 has --version, rank 3 has neither --help nor --version");
    /* What follows --help is not read, so it cannot differ. */
    psum_agree_profile h1 = PROFILE(no_env, "--help", "-n", "1");
    psum_agree_profile h2 = PROFILE(no_env, "-h");
    cr_assert(psum_agree_same(&h1, &h2));
}

Test(agree, the_environment_that_shapes_every_rank_must_match)
{
    char *close[] = {"OMP_PROC_BIND=close", NULL};
    char *spread[] = {"OMP_PROC_BIND=spread", NULL};
    char *empty[] = {"OMP_PROC_BIND=", NULL};
    psum_agree_profile a = PROFILE(close, "-n", "100");
    explains(a, PROFILE(spread, "-n", "100"), 1,
             "rank 0 has OMP_PROC_BIND='close', rank 1 has OMP_PROC_BIND='spread'");
    explains(a, PROFILE(no_env, "-n", "100"), 1,
             "rank 0 has OMP_PROC_BIND='close', rank 1 has no OMP_PROC_BIND");
    /* Set but empty is not unset. */
    psum_agree_profile e = PROFILE(empty, "-n", "100"), u = PROFILE(no_env, "-n", "100");
    cr_assert(not(psum_agree_same(&e, &u)));

    static const char *const names[] = {"OMP_DYNAMIC", "OMP_WAIT_POLICY", "GOMP_SPINCOUNT",
                                        "PSUM_MPI_FAIL_RANK", "PSUM_MPI_FAIL_STAGE"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char entry[64], want[128];
        snprintf(entry, sizeof entry, "%s=1", names[i]);
        char *set[] = {entry, NULL};
        snprintf(want, sizeof want, "rank 0 has no %s, rank 1 has %s='1'", names[i], names[i]);
        explains(PROFILE(no_env, "-n", "1"),
                 PROFILE(set, "-n", "1"), 1, want);
    }
}

Test(agree, values_differing_past_the_shown_part_still_differ)
{
    static char a_entry[600], b_entry[600];
    memset(a_entry, 'a', sizeof a_entry - 1);
    memcpy(a_entry, "OMP_WAIT_POLICY=", 16);
    memcpy(b_entry, a_entry, sizeof b_entry);
    b_entry[sizeof b_entry - 2] = 'b';
    char *a_env[] = {a_entry, NULL}, *b_env[] = {b_entry, NULL};
    psum_agree_profile a = PROFILE(a_env, "-n", "1"), b = PROFILE(b_env, "-n", "1");
    cr_assert(not(psum_agree_same(&a, &b)));
    cr_assert(not(eq(ptr, strstr(a.text[PSUM_AGREE_FIELDS - 4], "...'"), NULL)),
              "the value is shown cut: %s", a.text[PSUM_AGREE_FIELDS - 4]);
}

Test(agree, a_removed_value_is_compared_as_given)
{
    static char bogus[] = "OMP_PROC_BIND=bogus";
    char *given[] = {bogus, NULL};
    psum_env_dropped dropped;
    memset(&dropped, 0, sizeof dropped);
    psum_env_drop_invalid(given, &dropped); /* given[] is empty now */
    psum_config cfg;
    char *argv[] = {"psum_mpi", "-n", "1"}, err[256];
    cr_assert(eq(int, psum_cli_parse(3, argv, &cfg, err, sizeof err), PSUM_CLI_RUN));
    psum_agree_profile removed, none = PROFILE(no_env, "-n", "1");
    psum_agree_profile_of(PSUM_CLI_RUN, &cfg, "", given, &dropped, &removed);
    explains(none, removed, 1, "rank 0 has no OMP_PROC_BIND, rank 1 has OMP_PROC_BIND='bogus'");
}

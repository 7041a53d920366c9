#include <criterion/criterion.h>
#include <criterion/new/assert.h>

#include "cli.h"

static char err[256];

static psum_cli_status parse(psum_config *cfg, int argc, char **argv)
{
    err[0] = '\0';
    return psum_cli_parse(argc, argv, cfg, err, sizeof err);
}

Test(cli, defaults)
{
    char *argv[] = {"psum_omp"};
    psum_config c;
    cr_assert(eq(int, parse(&c, 1, argv), PSUM_CLI_RUN));
    cr_assert(eq(u64, c.n, 1000000000));
    cr_assert(eq(int, c.mode, PSUM_MODE_MATERIALIZE));
    cr_assert(eq(int, c.schedule, PSUM_SCHED_DYNAMIC));
    cr_assert(eq(u64, c.chunks, 100));
    cr_assert(eq(int, c.threads, 0));
    cr_assert(eq(u64, c.repeat, 5));
    cr_assert(eq(int, c.format, PSUM_FORMAT_TEXT));
    cr_assert(c.serial);
    cr_assert(c.csv_header);
}

Test(cli, every_option_and_spelling)
{
    char *argv[] = {"psum_omp", "-n", "2.5e9", "--mode=stream", "--schedule", "guided",
                    "--chunks=1_000", "-t3", "--repeat", "7", "--format", "json",
                    "--no-serial", "--no-header"};
    psum_config c;
    cr_assert(eq(int, parse(&c, 14, argv), PSUM_CLI_RUN), "%s", err);
    cr_assert(eq(u64, c.n, 2500000000));
    cr_assert(eq(int, c.mode, PSUM_MODE_STREAM));
    cr_assert(eq(int, c.schedule, PSUM_SCHED_GUIDED));
    cr_assert(eq(u64, c.chunks, 1000));
    cr_assert(eq(int, c.threads, 3));
    cr_assert(eq(u64, c.repeat, 7));
    cr_assert(eq(int, c.format, PSUM_FORMAT_JSON));
    cr_assert(not(c.serial));
    cr_assert(not(c.csv_header));
}

Test(cli, the_last_repeated_option_wins)
{
    char *argv[] = {"psum_omp", "-n", "10", "--elements", "20", "--mode", "stream",
                    "--mode", "materialize"};
    psum_config c;
    cr_assert(eq(int, parse(&c, 9, argv), PSUM_CLI_RUN));
    cr_assert(eq(u64, c.n, 20));
    cr_assert(eq(int, c.mode, PSUM_MODE_MATERIALIZE));
}

Test(cli, help_and_version)
{
    char *help[] = {"psum_omp", "-n", "5", "--help"};
    char *version[] = {"psum_omp", "-V"};
    psum_config c;
    cr_assert(eq(int, parse(&c, 4, help), PSUM_CLI_HELP));
    cr_assert(eq(int, parse(&c, 2, version), PSUM_CLI_VERSION));
}

typedef struct {
    char *args[3];
    const char *message;
} bad_case;

Test(cli, errors_name_the_option_and_the_value)
{
    static const bad_case cases[] = {
        {{"--elements", "1e9x"}, "invalid value '1e9x' for --elements: trailing characters"},
        {{"-n", "0"}, "invalid value '0' for --elements: must be at least 1"},
        {{"--chunks", "-1"}, "invalid value '-1' for --chunks: must be positive"},
        {{"--threads", "5000"}, "invalid value '5000' for --threads: must not exceed 1024"},
        {{"--repeat="}, "invalid value '' for --repeat: empty value"},
        {{"--mode", "fast"}, "invalid value 'fast' for --mode: expected materialize or stream"},
        {{"--schedule", "auto"},
         "invalid value 'auto' for --schedule: expected static, dynamic or guided"},
        {{"--format", "xml"}, "invalid value 'xml' for --format: expected text, csv or json"},
        {{"--frobnicate"}, "unknown option '--frobnicate'"},
        {{"-x"}, "unknown option '-x'"},
        {{"--chunks"}, "option '--chunks' needs a value"},
        {{"--no-serial=1"}, "option '--no-serial' takes no value, got '--no-serial=1'"},
        {{"extra"}, "unexpected argument 'extra'"},
        {{"-n", "1\n2"}, "invalid value '1\\n2' for --elements: trailing characters"},
        {{"--mode", "\xff\tx"}, "invalid value '\\xff\\tx' for --mode: expected materialize or stream"},
        {{"\x1b[2J"}, "unexpected argument '\\x1b[2J'"},
        {{"--=x"}, "unknown option '--=x'"}, /* "" prefixes every name: none is named */
        {{"--no"}, "ambiguous option '--no': could be --no-serial or --no-header"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *argv[4] = {"psum_omp", cases[i].args[0], cases[i].args[1], NULL};
        int argc = 2 + (cases[i].args[1] != NULL);
        psum_config c;
        cr_expect(eq(int, parse(&c, argc, argv), PSUM_CLI_ERROR), "case %zu", i);
        cr_expect(eq(str, err, (char *)cases[i].message));
    }
}

Test(cli, a_long_value_is_cut_and_the_message_stays_whole)
{
    char value[400];
    memset(value, '7', sizeof value - 2);
    value[sizeof value - 2] = 'x';
    value[sizeof value - 1] = '\0';
    char *argv[] = {"psum_omp", "--repeat", value};
    psum_config c;
    cr_assert(eq(int, parse(&c, 3, argv), PSUM_CLI_ERROR));
    cr_expect(lt(sz, strlen(err), sizeof err - 1), "%s", err);
    cr_expect(not(eq(ptr, strstr(err, "...' for --repeat: trailing characters"), NULL)), "%s", err);
}

/* Runs the parser on a NULL-terminated list of arguments after argv[0]. */
static psum_cli_status parse_list(psum_config *cfg, char **args)
{
    char *argv[16] = {"psum_omp"};
    int argc = 1;
    while (args[argc - 1] != NULL && argc < 15) {
        argv[argc] = args[argc - 1];
        argc++;
    }
    argv[argc] = NULL;
    return parse(cfg, argc, argv);
}

Test(cli, short_forms_of_every_option_with_a_value)
{
    char *args[] = {"-m", "stream", "-s", "guided", "-c", "7", "-fcsv", "-n5", "-t", "2",
                    "-r1", NULL};
    psum_config c;
    cr_assert(eq(int, parse_list(&c, args), PSUM_CLI_RUN), "%s", err);
    cr_expect(eq(int, c.mode, PSUM_MODE_STREAM));
    cr_expect(eq(int, c.schedule, PSUM_SCHED_GUIDED));
    cr_expect(eq(u64, c.chunks, 7));
    cr_expect(eq(int, c.format, PSUM_FORMAT_CSV));
    cr_expect(eq(u64, c.n, 5));
    cr_expect(eq(int, c.threads, 2));
    cr_expect(eq(u64, c.repeat, 1));
}

Test(cli, long_options_may_be_cut_to_an_unambiguous_prefix)
{
    char *args[] = {"--elem=12", "--sched", "static", "--no-s", "--no-h", "--chu=3", NULL};
    psum_config c;
    cr_assert(eq(int, parse_list(&c, args), PSUM_CLI_RUN), "%s", err);
    cr_expect(eq(u64, c.n, 12));
    cr_expect(eq(int, c.schedule, PSUM_SCHED_STATIC));
    cr_expect(not(c.serial));
    cr_expect(not(c.csv_header));
    cr_expect(eq(u64, c.chunks, 3));
}

Test(cli, double_dash_ends_the_options)
{
    char *after[] = {"-n", "5", "--", NULL};
    char *operand[] = {"--", "-n", "5", NULL};
    char *twice[] = {"--", "--", NULL};
    psum_config c;
    cr_expect(eq(int, parse_list(&c, after), PSUM_CLI_RUN), "%s", err);
    cr_expect(eq(u64, c.n, 5));
    cr_expect(eq(int, parse_list(&c, operand), PSUM_CLI_ERROR));
    cr_expect(eq(str, err, "unexpected argument '-n'"));
    cr_expect(eq(int, parse_list(&c, twice), PSUM_CLI_ERROR));
    cr_expect(eq(str, err, "unexpected argument '--'"));
}

Test(cli, bundled_flags_are_read_left_to_right)
{
    char *vh[] = {"-Vh", NULL}, *hv[] = {"-hV", NULL}, *vq[] = {"-Vq", NULL},
         *qv[] = {"-qV", NULL}, *rn[] = {"-rn", "3", NULL};
    psum_config c;
    cr_expect(eq(int, parse_list(&c, vh), PSUM_CLI_VERSION));
    cr_expect(eq(int, parse_list(&c, hv), PSUM_CLI_HELP));
    cr_expect(eq(int, parse_list(&c, vq), PSUM_CLI_VERSION));
    cr_expect(eq(int, parse_list(&c, qv), PSUM_CLI_ERROR));
    cr_expect(eq(str, err, "unknown option '-q'"));
    /* -r takes a value, so the rest of the bundle is that value. */
    cr_expect(eq(int, parse_list(&c, rn), PSUM_CLI_ERROR));
    cr_expect(eq(str, err, "invalid value 'n' for --repeat: not a number"));
}

Test(cli, getopt_errors_get_their_own_messages)
{
    static const struct {
        char *args[3];
        const char *message;
    } cases[] = {
        {{"--no"}, "ambiguous option '--no': could be --no-serial or --no-header"},
        {{"--no=1"}, "ambiguous option '--no=1': could be --no-serial or --no-header"},
        {{"--rep"}, "option '--repeat' needs a value"},
        {{"-c"}, "option '--chunks' needs a value"},
        {{"--no-ser="}, "option '--no-serial' takes no value, got '--no-ser='"},
        {{"--he=x"}, "option '--help' takes no value, got '--he=x'"},
        {{"--bogus=3"}, "unknown option '--bogus=3'"},
        {{"--elementsx", "5"}, "unknown option '--elementsx'"},
        {{"-\xff"}, "unknown option '-\\xff'"},
        {{"-n", "5", "stray"}, "unexpected argument 'stray'"},
        {{""}, "unexpected argument ''"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *args[4] = {cases[i].args[0], cases[i].args[1], cases[i].args[2], NULL};
        psum_config c;
        cr_expect(eq(int, parse_list(&c, args), PSUM_CLI_ERROR), "case %zu", i);
        cr_expect(eq(str, err, (char *)cases[i].message), "case %zu", i);
    }
}

Test(cli, every_call_starts_afresh)
{
    /* An error in the middle of a bundle must not leak into the next parse. */
    char *broken[] = {"-Vxq", NULL}, *stopped[] = {"-qh", NULL}, *fine[] = {"-n", "9", NULL};
    psum_config c;
    cr_expect(eq(int, parse_list(&c, broken), PSUM_CLI_VERSION));
    cr_expect(eq(int, parse_list(&c, stopped), PSUM_CLI_ERROR));
    cr_expect(eq(int, parse_list(&c, fine), PSUM_CLI_RUN), "%s", err);
    cr_expect(eq(u64, c.n, 9));
}

Test(cli, device_and_from_host)
{
    char *plain[] = {"psum_omp", "--device", "cpu"};
    psum_config c;
    cr_assert(eq(int, parse(&c, 3, plain), PSUM_CLI_RUN), "%s", err);
    cr_assert(eq(int, c.device, PSUM_DEVICE_CPU));
    /* Parsed alike in every build: each program's main says what it can run. */
    char *gpu[] = {"psum_omp", "--from-host", "--device=gpu", "-r", "2"};
    cr_assert(eq(int, parse(&c, 5, gpu), PSUM_CLI_RUN), "%s", err);
    cr_assert(eq(int, c.device, PSUM_DEVICE_GPU));
    cr_assert(c.from_host);
    char *stream[] = {"psum_omp", "--device", "gpu", "--mode", "stream"};
    cr_assert(eq(int, parse(&c, 5, stream), PSUM_CLI_RUN), "%s", err);
    cr_assert(not(c.from_host));
}

typedef struct {
    char *args[6];
    const char *message;
} combination_case;

/* Refused whatever the order of the options, in every build. */
Test(cli, device_combinations_are_refused)
{
    static const combination_case cases[] = {
        {{"--from-host"}, "--from-host needs --device gpu"},
        {{"--from-host", "--device", "cpu", "--mode", "stream"},
         "--from-host needs --device gpu"},
        {{"--from-host", "--mode", "stream", "--device", "gpu"},
         "--from-host needs --mode materialize: stream mode has no array to copy"},
        {{"--chunks", "10", "--device", "gpu"},
         "--chunks does not apply to --device gpu: the offload kernel sizes its lanes to "
         "the device"},
        {{"--device", "gpu", "-s", "static"},
         "--schedule does not apply to --device gpu: the offload kernel sizes its lanes to "
         "the device"},
        {{"--device", "tpu"}, "invalid value 'tpu' for --device: expected cpu or gpu"},
        {{"--device", "GPU"}, "invalid value 'GPU' for --device: expected cpu or gpu"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *argv[7] = {"psum_omp"};
        int argc = 1;
        for (size_t j = 0; j < 6 && cases[i].args[j] != NULL; j++)
            argv[argc++] = cases[i].args[j];
        psum_config c;
        cr_expect(eq(int, parse(&c, argc, argv), PSUM_CLI_ERROR), "case %zu", i);
        cr_expect(eq(str, err, (char *)cases[i].message), "case %zu", i);
    }
    /* --chunks and --schedule still apply to the cpu. */
    char *cpu[] = {"psum_omp", "--device", "cpu", "-c", "7", "-s", "guided"};
    psum_config c;
    cr_assert(eq(int, parse(&c, 7, cpu), PSUM_CLI_RUN), "%s", err);
}

Test(cli, questions_set_the_action_and_read_every_option)
{
    char *check[] = {"--check", "-n", "5", "--mode", "stream", NULL};
    char *describe[] = {"--describe", NULL};
    char *count[] = {"--parse-count", "1e3x", "--count-max=2.5e9", NULL};
    char *late[] = {"--check", "-n", "0", NULL};
    char *prefix[] = {"--ch", "--dev", "cpu", NULL};
    psum_config c;
    cr_assert(eq(int, parse_list(&c, check), PSUM_CLI_RUN), "%s", err);
    cr_expect(eq(int, c.action, PSUM_ACTION_CHECK));
    cr_expect(eq(u64, c.n, 5));
    cr_expect(eq(int, c.mode, PSUM_MODE_STREAM));
    cr_assert(eq(int, parse_list(&c, describe), PSUM_CLI_RUN), "%s", err);
    cr_expect(eq(int, c.action, PSUM_ACTION_DESCRIBE));
    /* --parse-count's value is the question, read by main, not an error here. */
    cr_assert(eq(int, parse_list(&c, count), PSUM_CLI_RUN), "%s", err);
    cr_expect(eq(int, c.action, PSUM_ACTION_PARSE_COUNT));
    cr_expect(eq(str, (char *)c.count_text, "1e3x"));
    cr_expect(eq(u64, c.count_max, 2500000000));
    cr_expect(eq(int, parse_list(&c, late), PSUM_CLI_ERROR));
    cr_expect(eq(str, err, "invalid value '0' for --elements: must be at least 1"));
    cr_expect(eq(int, parse_list(&c, prefix), PSUM_CLI_ERROR));
    cr_expect(eq(str, err, "ambiguous option '--ch': could be --chunks or --check"));
    char *none[] = {NULL};
    cr_assert(eq(int, parse_list(&c, none), PSUM_CLI_RUN));
    cr_expect(eq(int, c.action, PSUM_ACTION_RUN));
    cr_expect(eq(u64, c.count_max, UINT64_MAX));
}

Test(cli, count_max_is_a_count)
{
    char *over[] = {"--count-max", "18446744073709551616", NULL};
    char *top[] = {"--count-max", "18446744073709551615", NULL};
    psum_config c;
    cr_expect(eq(int, parse_list(&c, over), PSUM_CLI_ERROR));
    cr_expect(eq(str, err, "invalid value '18446744073709551616' for --count-max: must not "
                           "exceed 18446744073709551615"));
    cr_assert(eq(int, parse_list(&c, top), PSUM_CLI_RUN), "%s", err);
    cr_expect(eq(u64, c.count_max, UINT64_MAX));
}

#include "cli.h"

#include <getopt.h>
#include <stdbool.h>
#include <string.h>

#include "parse.h"
#include "psum_build.h"
#include "text.h"

/*
 * A value quoted in a message is escaped onto one line and cut to this
 * many bytes, so the whole message fits the caller's buffer uncut.
 */
#define QUOTED_SIZE 100

/* getopt_long's codes for the long options that have no short form. */
enum {
    OPT_NO_SERIAL = 256,
    OPT_NO_HEADER,
    OPT_DEVICE,
    OPT_FROM_HOST,
    OPT_CHECK,
    OPT_DESCRIBE,
    OPT_PARSE_COUNT,
    OPT_COUNT_MAX,
};

static const struct option long_options[] = {
    {"elements", required_argument, NULL, 'n'},
    {"mode", required_argument, NULL, 'm'},
    {"schedule", required_argument, NULL, 's'},
    {"chunks", required_argument, NULL, 'c'},
    {"threads", required_argument, NULL, 't'},
    {"repeat", required_argument, NULL, 'r'},
    {"format", required_argument, NULL, 'f'},
    {"no-serial", no_argument, NULL, OPT_NO_SERIAL},
    {"no-header", no_argument, NULL, OPT_NO_HEADER},
    {"device", required_argument, NULL, OPT_DEVICE},
    {"from-host", no_argument, NULL, OPT_FROM_HOST},
    {"check", no_argument, NULL, OPT_CHECK},
    {"describe", no_argument, NULL, OPT_DESCRIBE},
    {"parse-count", required_argument, NULL, OPT_PARSE_COUNT},
    {"count-max", required_argument, NULL, OPT_COUNT_MAX},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

/*
 * '+': stop at the first operand instead of moving operands to the end, so
 * options are read strictly left to right; ':': report a missing value as
 * ':' rather than '?', so it gets its own message.
 */
static const char short_options[] = "+:n:m:s:c:t:r:f:hV";

#define LONG_COUNT (sizeof long_options / sizeof long_options[0] - 1)

/* The long option whose code is val; every code has one. */
static const struct option *by_code(int val)
{
    for (size_t i = 0; i < LONG_COUNT; i++) {
        if (long_options[i].val == val)
            return &long_options[i];
    }
    return &long_options[0];
}

/*
 * Laid out for help2man, which turns it into the man page: "Usage:",
 * sections ending in ':', options indented with their descriptions in a
 * column.
 */
void psum_cli_usage(FILE *out)
{
    fputs(
        "Usage: psum_omp [OPTION]...\n"
        "Sum 0, 1, ..., N-1 serially and with an OpenMP parallel loop, check the\n"
        "exact result against N(N-1)/2 and report times, rates and speedup.\n"
        "\n",
        out);
    psum_cli_usage_options(out, true);
    fputs(
        "\n"
        "Questions for scripts, which run nothing:\n"
        "      --check           read and validate all options, check the memory a\n"
        "                          materialized run needs, then exit (0, 1 or 2)\n"
        "                          without running or printing anything\n"
        "      --describe        print the limits, defaults and names of the options\n"
        "                          as one JSON object and exit\n"
        "      --parse-count=TEXT  read TEXT as a count (the grammar of -n) and print\n"
        "                          {\"value\": N} or {\"error\": REASON} as JSON\n"
        "      --count-max=MAX   the largest count --parse-count accepts (default\n"
        "                          2^64-1)\n",
        out);
    fprintf(out,
        "\n"
        "Exit status:\n"
        "  %-4d the sum was verified\n"
        "  %-4d runtime failure or failed verification\n"
        "  %-4d usage error\n"
        "  %-4d no usable offload device for --device gpu (nothing ran)\n"
        "  %-4d interrupted (Ctrl-C)\n"
        "\n",
        PSUM_EXIT_OK, PSUM_EXIT_FAILURE, PSUM_EXIT_USAGE, PSUM_EXIT_NO_DEVICE,
        PSUM_EXIT_INTERRUPTED);
    psum_cli_usage_environment(out);
}

void psum_cli_usage_options(FILE *out, bool with_devices)
{
    char schedules[128], formats[128], devices[128];
    psum_config def;
    psum_config_default(&def);
    fputs(
        "Options:\n"
        "  -n, --elements=N      elements to sum, 1 to 2^62 (default 1e9);\n"
        "                          1_000_000 and exact forms like 2.5e9 accepted\n"
        "  -m, --mode=MODE       materialize (default): fill an array, then sum it;\n"
        "                          stream: generate the values, no array\n",
        out);
    fprintf(out,
        "  -s, --schedule=SCHED  %s (default %s)\n"
        "  -c, --chunks=K        chunks of the parallel loop, 1 to 1e9 (default 100)\n"
        "  -t, --threads=T       threads, 1 to " PSUM_MAX_THREADS_TEXT
        " (default: OMP_NUM_THREADS, else\n"
        "                          one per CPU)\n"
        "  -r, --repeat=R        timed repetitions after one warm-up, 1 to 1e6\n"
        "                          (default 5)\n"
        "  -f, --format=FORMAT   %s (default %s)\n",
        psum_names_list(&psum_schedule_names, schedules, sizeof schedules),
        psum_schedule_name(def.schedule),
        psum_names_list(&psum_format_names, formats, sizeof formats),
        psum_format_name(def.format));
    fputs(
        "      --no-serial       skip the serial phase\n"
        "      --no-header       csv: print the data row alone, to append to a file\n",
        out);
    if (with_devices) {
        fprintf(out,
            "      --device=DEVICE   %s (default %s): where the parallel phase runs;\n"
            "                          gpu: an OpenMP offload device%s, the serial phase\n"
            "                          still on one host core; --chunks and --schedule\n"
            "                          do not apply to it\n"
            "      --from-host       with --device gpu, materialize: fill the array on the\n"
            "                          host and copy it in (timed apart) instead of\n"
            "                          filling it on the device\n",
            psum_names_list(&psum_device_names, devices, sizeof devices),
            psum_device_name(def.device),
            PSUM_OFFLOAD ? "" : " (not in this build)");
    }
    fputs(
        "  -h, --help            show this help and exit\n"
        "  -V, --version         show the version and exit\n"
        "\n"
        "Options are read left to right and the last of a repeated option wins.\n"
        "A long option may be shortened to any unambiguous prefix (--elem 5);\n"
        "short options may be bundled (-Vh) and take a value attached (-n5);\n"
        "-- ends the options.  Results go to stdout, warnings and errors to stderr.\n",
        out);
}

void psum_cli_usage_environment(FILE *out)
{
    fputs(
        "Environment:\n"
        "OMP_NUM_THREADS, OMP_PROC_BIND, OMP_PLACES, OMP_DYNAMIC, OMP_TARGET_OFFLOAD and\n"
        "OMP_DEFAULT_DEVICE are checked before the OpenMP runtime reads them; an invalid\n"
        "value is ignored with a warning.\n",
        out);
}

/*
 * Looks value up in table t: stores its index in *index and returns NULL,
 * or returns the reason for the error message, "expected a, b or c", in
 * why (whylen bytes).
 */
static const char *pick_name(const char *value, const psum_names *t, int *index,
                             char *why, size_t whylen)
{
    *index = psum_names_find(t, value);
    if (*index >= 0)
        return NULL;
    char list[128];
    snprintf(why, whylen, "expected %s", psum_names_list(t, list, sizeof list));
    return why;
}

/*
 * Applies the option with code `code` and its value (NULL for flags).
 * Returns the status; on error writes the message into err.
 */
static psum_cli_status apply(int code, const char *value, psum_config *cfg,
                             char *err, size_t errlen)
{
    const char *why = NULL;
    char expected[160];
    uint64_t num = 0;
    int pick = 0;

    switch (code) {
    case 'n':
        why = psum_parse_count(value, PSUM_MAX_ELEMENTS, &cfg->n);
        break;
    case 'c':
        why = psum_parse_count(value, PSUM_MAX_CHUNKS, &cfg->chunks);
        break;
    case 'r':
        why = psum_parse_count(value, PSUM_MAX_REPEAT, &cfg->repeat);
        break;
    case 't':
        why = psum_parse_count(value, PSUM_MAX_THREADS, &num);
        if (why == NULL)
            cfg->threads = (int)num;
        break;
    case 'm':
        why = pick_name(value, &psum_mode_names, &pick, expected, sizeof expected);
        cfg->mode = why ? cfg->mode : (psum_mode)pick;
        break;
    case 's':
        why = pick_name(value, &psum_schedule_names, &pick, expected, sizeof expected);
        cfg->schedule = why ? cfg->schedule : (psum_schedule)pick;
        break;
    case 'f':
        why = pick_name(value, &psum_format_names, &pick, expected, sizeof expected);
        cfg->format = why ? cfg->format : (psum_format)pick;
        break;
    case OPT_NO_SERIAL:
        cfg->serial = false;
        break;
    case OPT_NO_HEADER:
        cfg->csv_header = false;
        break;
    case OPT_DEVICE:
        why = pick_name(value, &psum_device_names, &pick, expected, sizeof expected);
        cfg->device = why ? cfg->device : (psum_device)pick;
        break;
    case OPT_FROM_HOST:
        cfg->from_host = true;
        break;
    case OPT_CHECK:
        cfg->action = PSUM_ACTION_CHECK;
        break;
    case OPT_DESCRIBE:
        cfg->action = PSUM_ACTION_DESCRIBE;
        break;
    case OPT_PARSE_COUNT:
        /* Read when all options are, so --count-max may come after it. */
        cfg->action = PSUM_ACTION_PARSE_COUNT;
        cfg->count_text = value;
        break;
    case OPT_COUNT_MAX:
        why = psum_parse_count(value, UINT64_MAX, &cfg->count_max);
        break;
    case 'h':
        return PSUM_CLI_HELP;
    case 'V':
        return PSUM_CLI_VERSION;
    }
    if (why != NULL) {
        char quoted[QUOTED_SIZE];
        snprintf(err, errlen, "invalid value '%s' for --%s: %s",
                 psum_escape(value, quoted, sizeof quoted), by_code(code)->name, why);
        return PSUM_CLI_ERROR;
    }
    return PSUM_CLI_RUN;
}

/*
 * getopt_long, quiet, says only '?' for a long option it refused; this
 * tells why from the word itself ("--name" or "--name=value"), matching
 * names as getopt_long does: exactly, else by unambiguous prefix.
 */
#define AMBIGUOUS_SHOWN 3

static void long_option_error(const char *word, char *err, size_t errlen)
{
    char quoted[QUOTED_SIZE];
    const char *name = word + 2;
    size_t len = strcspn(name, "=");
    const struct option *match[LONG_COUNT];
    size_t count = 0;
    for (size_t i = 0; i < LONG_COUNT; i++) {
        const char *candidate = long_options[i].name;
        if (strncmp(candidate, name, len) != 0)
            continue;
        if (strlen(candidate) == len) { /* exact: no ambiguity */
            match[0] = &long_options[i];
            count = 1;
            break;
        }
        match[count++] = &long_options[i];
    }
    psum_escape(word, quoted, sizeof quoted);
    if (count == 0 || len == 0) { /* "--=x" names no option, though "" prefixes all */
        snprintf(err, errlen, "unknown option '%s'", quoted);
    } else if (count == 1) {
        snprintf(err, errlen, "option '--%s' takes no value, got '%s'", match[0]->name, quoted);
    } else {
        /* At most three candidates, so the line fits the caller's buffer. */
        const size_t shown = count < AMBIGUOUS_SHOWN ? count : AMBIGUOUS_SHOWN;
        size_t used = (size_t)snprintf(err, errlen, "ambiguous option '%s': could be", quoted);
        for (size_t i = 0; i < shown && used < errlen; i++) {
            const char *sep = i == 0 ? " " : i + 1 == count ? " or " : ", ";
            used += (size_t)snprintf(err + used, errlen - used, "%s--%s", sep, match[i]->name);
        }
        if (shown < count && used < errlen)
            snprintf(err + used, errlen - used, " or %zu more", count - shown);
    }
}

/*
 * The options that depend on others, checked once all are read so their
 * order does not matter.  chunks_given and schedule_given: whether
 * --chunks and --schedule were on the command line.
 */
static psum_cli_status check_combination(const psum_config *cfg, bool chunks_given,
                                         bool schedule_given, char *err, size_t errlen)
{
    const char *gpu_ignores = chunks_given ? "chunks" : schedule_given ? "schedule" : NULL;
    if (cfg->device == PSUM_DEVICE_GPU && gpu_ignores != NULL) {
        snprintf(err, errlen, "--%s does not apply to --device gpu: the offload kernel "
                 "sizes its lanes to the device", gpu_ignores);
        return PSUM_CLI_ERROR;
    }
    if (cfg->from_host && cfg->device != PSUM_DEVICE_GPU) {
        snprintf(err, errlen, "--from-host needs --device gpu");
        return PSUM_CLI_ERROR;
    }
    if (cfg->from_host && cfg->mode != PSUM_MODE_MATERIALIZE) {
        snprintf(err, errlen, "--from-host needs --mode materialize: stream mode has no "
                 "array to copy");
        return PSUM_CLI_ERROR;
    }
    return PSUM_CLI_RUN;
}

psum_cli_status psum_cli_parse(int argc, char **argv, psum_config *cfg,
                               char *err, size_t errlen)
{
    bool chunks_given = false, schedule_given = false;
    psum_config_default(cfg);
    /* glibc: optind 0 restarts getopt from scratch, so every call is alike. */
    optind = 0;
    opterr = 0;
    for (;;) {
        int word = optind > 0 ? optind : 1; /* the argument getopt_long reads now */
        int code = getopt_long(argc, argv, short_options, long_options, NULL);
        if (code == -1)
            break;
        if (code == ':') {
            snprintf(err, errlen, "option '--%s' needs a value", by_code(optopt)->name);
            return PSUM_CLI_ERROR;
        }
        if (code == '?') {
            if (strncmp(argv[word], "--", 2) == 0) {
                long_option_error(argv[word], err, errlen);
            } else {
                char option[3] = {'-', (char)optopt, '\0'}, quoted[QUOTED_SIZE];
                snprintf(err, errlen, "unknown option '%s'",
                         psum_escape(option, quoted, sizeof quoted));
            }
            return PSUM_CLI_ERROR;
        }
        psum_cli_status st = apply(code, optarg, cfg, err, errlen);
        if (st != PSUM_CLI_RUN)
            return st;
        chunks_given = chunks_given || code == 'c';
        schedule_given = schedule_given || code == 's';
    }
    if (optind < argc) {
        char quoted[QUOTED_SIZE];
        snprintf(err, errlen, "unexpected argument '%s'",
                 psum_escape(argv[optind], quoted, sizeof quoted));
        return PSUM_CLI_ERROR;
    }
    return check_combination(cfg, chunks_given, schedule_given, err, errlen);
}

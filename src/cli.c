#include "cli.h"

#include <string.h>

#include "parse.h"
#include "text.h"

/*
 * A value quoted in a message is escaped onto one line and cut to this
 * many bytes, so the whole message fits the caller's buffer uncut.
 */
#define QUOTED_SIZE 100

typedef enum {
    OPT_ELEMENTS, OPT_MODE, OPT_SCHEDULE, OPT_CHUNKS, OPT_THREADS,
    OPT_REPEAT, OPT_FORMAT, OPT_NO_SERIAL, OPT_NO_HEADER, OPT_HELP, OPT_VERSION,
} option_id;

typedef struct {
    const char *name;  /* long name without the dashes */
    char short_name;   /* 0 if none */
    bool takes_value;
    option_id id;
} option_spec;

static const option_spec options[] = {
    {"elements", 'n', true, OPT_ELEMENTS},
    {"mode", 0, true, OPT_MODE},
    {"schedule", 0, true, OPT_SCHEDULE},
    {"chunks", 0, true, OPT_CHUNKS},
    {"threads", 't', true, OPT_THREADS},
    {"repeat", 'r', true, OPT_REPEAT},
    {"format", 0, true, OPT_FORMAT},
    {"no-serial", 0, false, OPT_NO_SERIAL},
    {"no-header", 0, false, OPT_NO_HEADER},
    {"help", 'h', false, OPT_HELP},
    {"version", 'V', false, OPT_VERSION},
};

void psum_cli_check_environment(char **envp, psum_env_dropped *dropped)
{
    psum_env_drop_invalid(envp, dropped);
}

void psum_cli_environment_warnings(const psum_env_dropped *dropped, psum_warnings *w)
{
    for (size_t i = 0; i < dropped->count; i++) {
        char line[sizeof w->text[0]];
        psum_env_warning(&dropped->item[i], line, sizeof line);
        psum_add_warning(w, line);
    }
}

void psum_cli_usage(FILE *out)
{
    char schedules[128], formats[128];
    psum_config def;
    psum_config_default(&def);
    fputs(
        "usage: psum_omp [options]\n"
        "Sums 0, 1, ..., N-1 serially and with OpenMP, checks the exact result\n"
        "against N(N-1)/2 and reports times, rates and speedup.\n"
        "\n"
        "  -n, --elements N     elements to sum (default 1e9; 1_000, 2.5e9 accepted;\n"
        "                       at most 2^62)\n"
        "      --mode M         materialize (default): fill an array, then sum it;\n"
        "                       stream: generate the values, no array\n",
        out);
    fprintf(out,
        "      --schedule S     %s (default %s)\n"
        "      --chunks K       chunks of the parallel loop (default 100)\n"
        "  -t, --threads T      threads (default: OMP_NUM_THREADS, else all CPUs)\n"
        "  -r, --repeat R       timed repetitions after one warm-up (default 5)\n"
        "      --format F       %s (default %s)\n",
        psum_names_list(&psum_schedule_names, schedules, sizeof schedules),
        psum_schedule_name(def.schedule),
        psum_names_list(&psum_format_names, formats, sizeof formats),
        psum_format_name(def.format));
    fputs(
        "      --no-serial      skip the serial phase\n"
        "      --no-header      CSV: the data row alone, to append to a file\n"
        "  -h, --help           show this help and exit\n"
        "  -V, --version        show the version and exit\n"
        "\n"
        "Exit status: 0 verified, 1 runtime failure or failed verification,\n"
        "2 usage error, 130 interrupted.\n",
        out);
}

static const option_spec *find_long(const char *name, size_t len)
{
    for (size_t i = 0; i < sizeof options / sizeof options[0]; i++) {
        if (strlen(options[i].name) == len && strncmp(options[i].name, name, len) == 0)
            return &options[i];
    }
    return NULL;
}

static const option_spec *find_short(char c)
{
    for (size_t i = 0; i < sizeof options / sizeof options[0]; i++) {
        if (options[i].short_name == c)
            return &options[i];
    }
    return NULL;
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
 * Applies one option with its value (NULL for flags).  Returns the status;
 * on error writes the message into err.
 */
static psum_cli_status apply(const option_spec *opt, const char *value,
                             psum_config *cfg, char *err, size_t errlen)
{
    const char *why = NULL;
    char expected[160];
    uint64_t num = 0;
    int pick = 0;

    switch (opt->id) {
    case OPT_ELEMENTS:
        why = psum_parse_count(value, PSUM_MAX_ELEMENTS, &cfg->n);
        break;
    case OPT_CHUNKS:
        why = psum_parse_count(value, PSUM_MAX_CHUNKS, &cfg->chunks);
        break;
    case OPT_REPEAT:
        why = psum_parse_count(value, PSUM_MAX_REPEAT, &cfg->repeat);
        break;
    case OPT_THREADS:
        why = psum_parse_count(value, PSUM_MAX_THREADS, &num);
        if (why == NULL)
            cfg->threads = (int)num;
        break;
    case OPT_MODE:
        why = pick_name(value, &psum_mode_names, &pick, expected, sizeof expected);
        cfg->mode = why ? cfg->mode : (psum_mode)pick;
        break;
    case OPT_SCHEDULE:
        why = pick_name(value, &psum_schedule_names, &pick, expected, sizeof expected);
        cfg->schedule = why ? cfg->schedule : (psum_schedule)pick;
        break;
    case OPT_FORMAT:
        why = pick_name(value, &psum_format_names, &pick, expected, sizeof expected);
        cfg->format = why ? cfg->format : (psum_format)pick;
        break;
    case OPT_NO_SERIAL:
        cfg->serial = false;
        break;
    case OPT_NO_HEADER:
        cfg->csv_header = false;
        break;
    case OPT_HELP:
        return PSUM_CLI_HELP;
    case OPT_VERSION:
        return PSUM_CLI_VERSION;
    }
    if (why != NULL) {
        char quoted[QUOTED_SIZE];
        snprintf(err, errlen, "invalid value '%s' for --%s: %s",
                 psum_escape(value, quoted, sizeof quoted), opt->name, why);
        return PSUM_CLI_ERROR;
    }
    return PSUM_CLI_RUN;
}

psum_cli_status psum_cli_parse(int argc, char **argv, psum_config *cfg,
                               char *err, size_t errlen)
{
    psum_config_default(cfg);
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        char quoted[QUOTED_SIZE];
        const option_spec *opt = NULL;
        const char *value = NULL; /* a value attached with '=' or to -n */

        if (strncmp(arg, "--", 2) == 0 && arg[2] != '\0') {
            const char *eq = strchr(arg + 2, '=');
            size_t len = eq ? (size_t)(eq - arg - 2) : strlen(arg + 2);
            opt = find_long(arg + 2, len);
            value = eq ? eq + 1 : NULL;
        } else if (arg[0] == '-' && arg[1] != '\0' && arg[1] != '-') {
            opt = find_short(arg[1]);
            value = arg[2] != '\0' ? arg + 2 : NULL;
        } else {
            snprintf(err, errlen, "unexpected argument '%s'",
                     psum_escape(arg, quoted, sizeof quoted));
            return PSUM_CLI_ERROR;
        }

        if (opt == NULL) {
            snprintf(err, errlen, "unknown option '%s'", psum_escape(arg, quoted, sizeof quoted));
            return PSUM_CLI_ERROR;
        }
        if (!opt->takes_value && value != NULL) {
            snprintf(err, errlen, "option '--%s' takes no value, got '%s'", opt->name,
                     psum_escape(arg, quoted, sizeof quoted));
            return PSUM_CLI_ERROR;
        }
        if (opt->takes_value && value == NULL) {
            if (i + 1 >= argc) {
                snprintf(err, errlen, "option '--%s' needs a value", opt->name);
                return PSUM_CLI_ERROR;
            }
            value = argv[++i];
        }
        psum_cli_status st = apply(opt, value, cfg, err, errlen);
        if (st != PSUM_CLI_RUN)
            return st;
    }
    return PSUM_CLI_RUN;
}

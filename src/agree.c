#include "agree.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "text.h"

/* A quoted environment value is cut here, so a field's text always fits. */
#define VALUE_SHOWN 120

/* The environment variables compared, after the options (agree.h). */
static const char *const compared_env[] = {
    "OMP_PROC_BIND", "OMP_DYNAMIC", "OMP_WAIT_POLICY", "GOMP_SPINCOUNT",
    "PSUM_MPI_FAIL_RANK", "PSUM_MPI_FAIL_STAGE",
};

/* The fields before the environment's: the outcome and eight options. */
#define OPTION_FIELDS 9

_Static_assert(OPTION_FIELDS + sizeof compared_env / sizeof compared_env[0] ==
                   PSUM_AGREE_FIELDS,
               "PSUM_AGREE_FIELDS (agree.h) counts the outcome, the options and the variables");

static uint64_t fnv1a(const char *s)
{
    uint64_t h = 14695981039346656037ULL;
    for (; *s != '\0'; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}

/* Sets field i to text, its digest taken over whole (which text may cut). */
static void set(psum_agree_profile *p, int i, const char *whole, const char *text)
{
    p->digest[i] = fnv1a(whole);
    snprintf(p->text[i], sizeof p->text[i], "%s", text);
}

__attribute__((format(printf, 3, 4)))
static void set_option(psum_agree_profile *p, int i, const char *fmt, ...)
{
    char text[PSUM_AGREE_TEXT];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    set(p, i, text, text);
}

static const char *flag(char *buf, size_t len, const char *name, int given)
{
    snprintf(buf, len, "%s%s", given ? "" : "no ", name);
    return buf;
}

static void options(psum_agree_profile *p, const psum_config *cfg)
{
    char buf[64];
    set_option(p, 1, "--elements %" PRIu64, cfg->n);
    set_option(p, 2, "--mode %s", psum_mode_name(cfg->mode));
    set_option(p, 3, "--schedule %s", psum_schedule_name(cfg->schedule));
    set_option(p, 4, "--chunks %" PRIu64, cfg->chunks);
    set_option(p, 5, "--repeat %" PRIu64, cfg->repeat);
    set_option(p, 6, "--format %s", psum_format_name(cfg->format));
    set_option(p, 7, "%s", flag(buf, sizeof buf, "--no-serial", !cfg->serial));
    set_option(p, 8, "%s", flag(buf, sizeof buf, "--no-header", !cfg->csv_header));
}

/* The value `name` was given: in envp, else among the removed ones, else NULL. */
static const char *lookup(char *const *envp, const psum_env_dropped *dropped,
                          const char *name)
{
    size_t len = strlen(name);
    for (; envp != NULL && *envp != NULL; envp++) {
        if (strncmp(*envp, name, len) == 0 && (*envp)[len] == '=')
            return *envp + len + 1;
    }
    for (size_t i = 0; dropped != NULL && i < dropped->count; i++) {
        if (strcmp(dropped->item[i].name, name) == 0)
            return dropped->item[i].value;
    }
    return NULL;
}

static void variable(psum_agree_profile *p, int i, const char *name, const char *value)
{
    char text[PSUM_AGREE_TEXT], quoted[VALUE_SHOWN];
    if (value == NULL) {
        snprintf(text, sizeof text, "no %s", name);
        /* Unset differs from every value, the empty one included. */
        p->digest[i] = 0;
        snprintf(p->text[i], sizeof p->text[i], "%s", text);
        return;
    }
    snprintf(text, sizeof text, "%s='%s'", name, psum_escape(value, quoted, sizeof quoted));
    set(p, i, value, text);
}

void psum_agree_profile_of(psum_cli_status outcome, const psum_config *cfg, const char *err,
                           char *const *envp, const psum_env_dropped *dropped,
                           psum_agree_profile *p)
{
    memset(p, 0, sizeof *p);
    p->outcome = (int)outcome;
    switch (outcome) {
    case PSUM_CLI_HELP:
        set(p, 0, "--help", "--help");
        break;
    case PSUM_CLI_VERSION:
        set(p, 0, "--version", "--version");
        break;
    case PSUM_CLI_ERROR:
        set(p, 0, err, err);
        break;
    case PSUM_CLI_RUN:
        set(p, 0, "", "neither --help nor --version");
        options(p, cfg);
        break;
    }
    for (size_t v = 0; v < sizeof compared_env / sizeof compared_env[0]; v++)
        variable(p, OPTION_FIELDS + (int)v, compared_env[v], lookup(envp, dropped, compared_env[v]));
}

int psum_agree_same(const psum_agree_profile *a, const psum_agree_profile *b)
{
    return a->outcome == b->outcome && memcmp(a->digest, b->digest, sizeof a->digest) == 0;
}

void psum_agree_explain(const psum_agree_profile *root, const psum_agree_profile *other,
                        int other_rank, char *buf, size_t len)
{
    if (other->outcome == PSUM_CLI_ERROR) {
        snprintf(buf, len, "rank %d: %s", other_rank, other->text[0]);
        return;
    }
    /* A differing outcome is named by field 0, whatever the options say. */
    int i = 0;
    if (root->outcome == other->outcome) {
        while (i < PSUM_AGREE_FIELDS - 1 && root->digest[i] == other->digest[i])
            i++;
    }
    snprintf(buf, len, "rank 0 has %s, rank %d has %s", root->text[i], other_rank,
             other->text[i]);
}

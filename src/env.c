#include "env.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "result.h"
#include "text.h"

/*
 * The validators below walk a cursor through the value.  They use no
 * <ctype.h>: its tables are locale data, and they may run before libc has
 * set any up.
 */

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static void skip_spaces(const char **p)
{
    while (**p == ' ')
        (*p)++;
}

/* Reads a decimal number in [0, max]; false if none or too large. */
static bool number(const char **p, uint64_t max, uint64_t *v)
{
    if (!is_digit(**p))
        return false;
    uint64_t n = 0;
    for (; is_digit(**p); (*p)++) {
        n = n * 10 + (uint64_t)(**p - '0');
        if (n > max)
            return false;
    }
    *v = n;
    return true;
}

/* Consumes `word` if the value continues with it, in any case, as a whole word. */
static bool word(const char **p, const char *w)
{
    size_t i = 0;
    for (; w[i] != '\0'; i++) {
        if (lower((*p)[i]) != w[i])
            return false;
    }
    char next = lower((*p)[i]);
    if ((next >= 'a' && next <= 'z') || next == '_')
        return false;
    *p += i;
    return true;
}

/* Consumes optional spaces, then c if it comes next. */
static bool token(const char **p, char c)
{
    skip_spaces(p);
    if (**p != c)
        return false;
    (*p)++;
    return true;
}

/* True if only spaces are left. */
static bool at_end(const char **p)
{
    skip_spaces(p);
    return **p == '\0';
}

/* A number in [lo, PSUM_MAX_PLACE_NUMBER] after optional spaces. */
static bool place_number(const char **p, uint64_t lo)
{
    uint64_t v = 0;
    skip_spaces(p);
    return number(p, PSUM_MAX_PLACE_NUMBER, &v) && v >= lo;
}

/* [':' length [':' ['-'] stride]], as after a CPU or a place. */
static bool interval(const char **p)
{
    if (!token(p, ':'))
        return true;
    if (!place_number(p, 1))
        return false;
    if (!token(p, ':'))
        return true;
    token(p, '-');
    return place_number(p, 0);
}

static bool valid_thread_list(const char *s)
{
    do {
        uint64_t n = 0;
        skip_spaces(&s);
        if (!number(&s, PSUM_MAX_THREADS, &n) || n == 0)
            return false;
    } while (token(&s, ','));
    return at_end(&s);
}

static bool valid_boolean(const char *s)
{
    skip_spaces(&s);
    return (word(&s, "true") || word(&s, "false")) && at_end(&s);
}

static bool valid_target_offload(const char *s)
{
    skip_spaces(&s);
    return (word(&s, "mandatory") || word(&s, "disabled") || word(&s, "default")) &&
           at_end(&s);
}

/* A device number: what omp_set_default_device takes, an int. */
static bool valid_device_number(const char *s)
{
    uint64_t n = 0;
    skip_spaces(&s);
    return number(&s, INT32_MAX, &n) && at_end(&s);
}

static bool valid_proc_bind(const char *s)
{
    if (valid_boolean(s))
        return true;
    do {
        skip_spaces(&s);
        if (!word(&s, "primary") && !word(&s, "master") && !word(&s, "close") &&
            !word(&s, "spread"))
            return false;
    } while (token(&s, ','));
    return at_end(&s);
}

/* ['!'] '{' ['!'] cpu interval (',' ['!'] cpu interval)* '}' interval */
static bool place(const char **p)
{
    token(p, '!');
    if (!token(p, '{'))
        return false;
    do {
        token(p, '!');
        if (!place_number(p, 0) || !interval(p))
            return false;
    } while (token(p, ','));
    return token(p, '}') && interval(p);
}

static bool valid_places(const char *s)
{
    static const char *const names[] = {"threads", "cores", "sockets", "ll_caches",
                                        "numa_domains"};
    skip_spaces(&s);
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (word(&s, names[i])) {
            if (token(&s, '(') && (!place_number(&s, 1) || !token(&s, ')')))
                return false;
            return at_end(&s);
        }
    }
    do {
        if (!place(&s))
            return false;
    } while (token(&s, ','));
    return at_end(&s);
}

typedef struct {
    const char *name;
    bool (*valid)(const char *);
    const char *expected;
} env_rule;

static const env_rule rules[] = {
    {"OMP_NUM_THREADS", valid_thread_list,
     "expected whole numbers from 1 to " PSUM_MAX_THREADS_TEXT ", separated by commas"},
    {"OMP_PROC_BIND", valid_proc_bind,
     "expected true, false, or a list of primary, master, close and spread"},
    {"OMP_PLACES", valid_places,
     "expected threads, cores, sockets, ll_caches or numa_domains, with an optional "
     "(count), or places like {0,1},{2,3}"},
    {"OMP_DYNAMIC", valid_boolean, "expected true or false"},
    {"OMP_TARGET_OFFLOAD", valid_target_offload, "expected mandatory, disabled or default"},
    {"OMP_DEFAULT_DEVICE", valid_device_number,
     "expected a device number from 0 to 2147483647"},
};

_Static_assert(sizeof rules / sizeof rules[0] == PSUM_ENV_CHECKED,
               "PSUM_ENV_CHECKED (env.h) counts the rules: the warnings are sized by it");

const char *psum_env_invalid(const char *name, const char *value)
{
    if (value == NULL)
        return NULL;
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++) {
        if (strcmp(name, rules[i].name) == 0)
            return rules[i].valid(value) ? NULL : rules[i].expected;
    }
    return NULL;
}

/* The rule whose variable `entry` ("NAME=value") sets, or NULL. */
static const env_rule *rule_of(const char *entry)
{
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++) {
        size_t len = strlen(rules[i].name);
        if (strncmp(entry, rules[i].name, len) == 0 && entry[len] == '=')
            return &rules[i];
    }
    return NULL;
}

/* Whether a removal of the variable `name` is already listed. */
static bool recorded(const psum_env_dropped *dropped, const char *name)
{
    for (size_t i = 0; i < dropped->count; i++) {
        if (strcmp(dropped->item[i].name, name) == 0)
            return true;
    }
    return false;
}

void psum_env_drop_invalid(char **envp, psum_env_dropped *dropped)
{
    char **kept = envp;
    for (char **e = envp; *e != NULL; e++) {
        const env_rule *rule = rule_of(*e);
        const char *value = rule ? *e + strlen(rule->name) + 1 : NULL;
        if (rule == NULL || rule->valid(value)) {
            *kept++ = *e;
            continue;
        }
        if (!recorded(dropped, rule->name))
            dropped->item[dropped->count++] = (psum_env_drop){rule->name, value, rule->expected};
    }
    *kept = NULL;
}

void psum_env_warning(const psum_env_drop *d, char *buf, size_t len)
{
    char quoted[48];
    snprintf(buf, len, "ignoring %s='%s': %s; the OpenMP runtime's default applies", d->name,
             psum_escape(d->value, quoted, sizeof quoted), d->why);
}

void psum_env_warnings(const psum_env_dropped *dropped, psum_warnings *w)
{
    for (size_t i = 0; i < dropped->count; i++) {
        char line[sizeof w->text[0]];
        psum_env_warning(&dropped->item[i], line, sizeof line);
        psum_add_warning(w, line);
    }
}

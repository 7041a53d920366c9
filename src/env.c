#include "env.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

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

/* ---- an explicit place list, as libgomp builds it on this machine ---- */

/*
 * The places, one CPU bit set of `width` bytes each, in static storage:
 * this may run before libc can allocate.  A list that does not fit is left
 * unchecked, to libgomp.
 */
#define PLACE_ARENA 65536
static unsigned char arena[PLACE_ARENA];

typedef struct {
    size_t bits;  /* CPU numbers libgomp accepts: below this */
    size_t width; /* bytes of one place */
    size_t count, cap;
} place_list;

static const char *const places_out_of_range = "a CPU number is out of range on this machine";
static const char *const places_unusable =
    "a place holds none of the CPUs this process may run on";
static const char *const places_cpu_missing = "removes a CPU that its place does not hold";
static const char *const places_place_missing = "removes a place that the list does not hold";
static const char *const places_all_removed = "removes every place";
static const char *const places_removal_interval = "a removed CPU or place takes no interval";

/* An error reason, or this when the list outgrows the arena. */
static const char *const places_unchecked = "";

static bool has_cpu(const unsigned char *set, size_t cpu)
{
    return (set[cpu / 8] >> (cpu % 8)) & 1;
}

/* ['-'] number, after syntax was checked. */
static long stride_of(const char **p)
{
    uint64_t v = 0;
    bool negative = token(p, '-');
    skip_spaces(p);
    number(p, PSUM_MAX_PLACE_NUMBER, &v);
    return negative ? -(long)v : (long)v;
}

/* [':' length [':' stride]], defaults 1 and 1. */
static void interval_of(const char **p, uint64_t *len, long *stride)
{
    *len = 1;
    *stride = 1;
    if (!token(p, ':'))
        return;
    skip_spaces(p);
    number(p, PSUM_MAX_PLACE_NUMBER, len);
    if (token(p, ':'))
        *stride = stride_of(p);
}

/*
 * The CPUs between the braces into set.  As libgomp: the CPUs added first,
 * then those removed, each of which the place must hold.
 */
static const char *place_cpus(const char **p, const place_list *l, unsigned char *set)
{
    const char *start = *p;
    for (int removing = 0; removing < 2; removing++) {
        *p = start;
        do {
            bool negated = token(p, '!');
            uint64_t cpu = 0, len;
            long stride;
            skip_spaces(p);
            number(p, PSUM_MAX_PLACE_NUMBER, &cpu);
            interval_of(p, &len, &stride);
            if (negated != (removing != 0))
                continue;
            if (negated && len != 1)
                return places_removal_interval;
            if (negated && cpu >= l->bits)
                return places_out_of_range;
            if (negated && !has_cpu(set, cpu))
                return places_cpu_missing;
            if (negated) {
                set[cpu / 8] &= (unsigned char)~(1u << (cpu % 8));
                continue;
            }
            long c = (long)cpu;
            for (uint64_t k = 0; k < len; k++, c += stride) {
                if (c < 0 || (size_t)c >= l->bits)
                    return places_out_of_range;
                set[c / 8] |= (unsigned char)(1u << (c % 8));
            }
        } while (token(p, ','));
    }
    token(p, '}');
    return NULL;
}

/* Place `from` shifted by stride into place `to`, as libgomp copies one. */
static const char *shift_place(const place_list *l, size_t from, size_t to, long stride)
{
    const unsigned char *src = arena + from * l->width;
    unsigned char *dst = arena + to * l->width;
    memset(dst, 0, l->width);
    for (size_t cpu = 0; cpu < l->bits; cpu++) {
        if (!has_cpu(src, cpu))
            continue;
        long c = (long)cpu + stride;
        if (c < 0 || (size_t)c >= l->bits)
            return places_out_of_range;
        dst[c / 8] |= (unsigned char)(1u << (c % 8));
    }
    return NULL;
}

/* A removed place: the first equal one leaves the list. */
static const char *remove_place(place_list *l, const unsigned char *gone)
{
    for (size_t i = 0; i < l->count; i++) {
        if (memcmp(arena + i * l->width, gone, l->width) == 0) {
            memmove(arena + i * l->width, arena + (i + 1) * l->width,
                    (l->count - i - 1) * l->width);
            l->count--;
            return NULL;
        }
    }
    return places_place_missing;
}

/* ['!'] '{' cpus '}' interval: adds its places to l, or removes one. */
static const char *one_place(const char **p, place_list *l)
{
    if (l->count >= l->cap)
        return places_unchecked;
    bool negated = token(p, '!');
    token(p, '{');
    unsigned char *set = arena + l->count * l->width; /* the next free slot */
    memset(set, 0, l->width);
    const char *why = place_cpus(p, l, set);
    uint64_t len;
    long stride;
    const char *rest = *p;
    interval_of(p, &len, &stride);
    if (why != NULL)
        return why;
    if (negated)
        return *p != rest ? places_removal_interval : remove_place(l, set);
    l->count++;
    for (uint64_t k = 1; k < len; k++) {
        if (l->count >= l->cap)
            return places_unchecked;
        why = shift_place(l, l->count - 1, l->count, stride);
        if (why != NULL)
            return why;
        l->count++;
    }
    return NULL;
}

const char *psum_env_places_unusable(const char *value, const unsigned char *allowed,
                                     size_t bytes)
{
    const char *s = value;
    skip_spaces(&s);
    if (*s != '{' && *s != '!')
        return NULL; /* a name: libgomp takes the places from the machine */
    size_t high = bytes * 8;
    while (high > 0 && !has_cpu(allowed, high - 1))
        high--;
    if (high == 0)
        return NULL; /* no CPU known: nothing to check against */
    /* libgomp's bound: its CPU set sized for the highest CPU allowed, in longs. */
    place_list l = {.bits = (high + 63) / 64 * 64};
    l.width = l.bits / 8;
    l.cap = PLACE_ARENA / l.width;
    do {
        const char *why = one_place(&s, &l);
        if (why == places_unchecked)
            return NULL;
        if (why != NULL)
            return why;
    } while (token(&s, ','));
    if (l.count == 0)
        return places_all_removed;
    for (size_t i = 0; i < l.count; i++) {
        const unsigned char *place = arena + i * l.width;
        bool usable = false;
        for (size_t b = 0; b < l.width && b < bytes && !usable; b++)
            usable = (place[b] & allowed[b]) != 0;
        if (!usable)
            return places_unusable;
    }
    return NULL;
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

/*
 * Why the runtime would throw OMP_PLACES=value away on this process's CPUs,
 * or NULL.  The CPUs are read once, at the first check, before the runtime
 * starts: libgomp then binds the initial thread to its first place, and a
 * later check would take that one place for all.  The raw system call,
 * because the mask here is sized past glibc's cpu_set_t (1024 CPUs).
 */
static const char *places_unusable_here(const char *value)
{
    static unsigned char mask[PSUM_MAX_PLACE_NUMBER / 8];
    static long got = -1;
    if (got < 0)
        got = syscall(SYS_sched_getaffinity, 0, sizeof mask, mask);
    return got > 0 ? psum_env_places_unusable(value, mask, (size_t)got) : NULL;
}

/* Why the value is refused, or NULL. */
static const char *refusal(const env_rule *rule, const char *value)
{
    if (!rule->valid(value))
        return rule->expected;
    return rule->valid == valid_places ? places_unusable_here(value) : NULL;
}

void psum_env_drop_invalid(char **envp, psum_env_dropped *dropped)
{
    char **kept = envp;
    for (char **e = envp; *e != NULL; e++) {
        const env_rule *rule = rule_of(*e);
        const char *value = rule ? *e + strlen(rule->name) + 1 : NULL;
        const char *why = rule ? refusal(rule, value) : NULL;
        if (why == NULL) {
            *kept++ = *e;
            continue;
        }
        if (!recorded(dropped, rule->name))
            dropped->item[dropped->count++] = (psum_env_drop){rule->name, value, why};
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
        char line[PSUM_WARNING_SIZE];
        psum_env_warning(&dropped->item[i], line, sizeof line);
        psum_add_warning(w, line);
    }
}

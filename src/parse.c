#include "parse.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>

#include "exact.h"

/* Anything at or above this is an overflow, whatever max is. */
#define PARSE_LIMIT ((psum_u128)1 << 64)

typedef struct {
    psum_u128 value;   /* digits read so far, saturated at PARSE_LIMIT */
    int dropped_zeros; /* trailing zeros of the fraction not yet applied */
    int frac_digits;   /* significant fraction digits, each divides by 10 */
} mantissa;

static bool is_digit(char c)
{
    return isdigit((unsigned char)c) != 0;
}

static void push_digit(mantissa *m, char c)
{
    m->value = m->value * 10 + (psum_u128)(c - '0');
    if (m->value > PARSE_LIMIT)
        m->value = PARSE_LIMIT;
}

/*
 * Reads digits with single underscores between them.  Returns the number
 * of digits read, or -1 for a misplaced underscore.
 */
static int read_digits(const char **p, mantissa *m, bool fraction)
{
    int n = 0;
    while (is_digit(**p) || **p == '_') {
        if (**p == '_') {
            if (n == 0 || !is_digit((*p)[1]))
                return -1;
            (*p)++;
            continue;
        }
        if (fraction && **p == '0') {
            /* Hold zeros back: 2.50e1 is as whole as 2.5e1. */
            m->dropped_zeros++;
        } else {
            for (; fraction && m->dropped_zeros > 0; m->dropped_zeros--) {
                push_digit(m, '0');
                m->frac_digits++;
            }
            push_digit(m, **p);
            m->frac_digits += fraction;
        }
        (*p)++;
        n++;
    }
    return n;
}

/*
 * PSUM_PARSE_EXP_CAP (parse.h).  It stopped growing at 1000 once, without
 * saturating: 0.<999 zeros>1e10000 read as 1.
 */
#define EXP_CAP PSUM_PARSE_EXP_CAP

static const char *read_exponent(const char **p, int *exp)
{
    if (**p == '+')
        (*p)++;
    else if (**p == '-')
        return "negative exponent";
    if (!is_digit(**p))
        return "missing exponent digits";
    int e = 0;
    while (is_digit(**p)) {
        if (e < EXP_CAP)
            e = e * 10 + (**p - '0');
        if (e > EXP_CAP)
            e = EXP_CAP;
        (*p)++;
    }
    *exp = e;
    return NULL;
}

const char *psum_parse_count(const char *s, uint64_t max, uint64_t *out)
{
    static char reason[64];
    const char *p = s;
    mantissa m = {0, 0, 0};
    int exp = 0;
    bool point = false, exponent = false;

    if (*p == '\0')
        return "empty value";
    if (*p == '-')
        return "must be positive";
    if (!is_digit(*p))
        return "not a number";
    if (read_digits(&p, &m, false) < 0)
        return "misplaced underscore";
    if (*p == '.') {
        point = true;
        p++;
        int n = read_digits(&p, &m, true);
        if (n < 0)
            return "misplaced underscore";
        if (n == 0)
            return "missing digits after the decimal point";
    }
    if (*p == 'e' || *p == 'E') {
        exponent = true;
        p++;
        const char *why = read_exponent(&p, &exp);
        if (why != NULL)
            return why;
    }
    if (*p != '\0')
        return "trailing characters";

    if (m.frac_digits > exp)
        return m.value == 0 ? "must be at least 1" : "not a whole number";
    psum_u128 v = m.value;
    for (int i = m.frac_digits; i < exp && v != 0 && v < PARSE_LIMIT; i++)
        v *= 10;
    if (v == 0)
        return "must be at least 1";
    /* The grammar's only forms are plain digits and scientific notation. */
    if (point && !exponent)
        return "a decimal point needs an exponent, as in 2.5e9";
    if (v > max) {
        /* A large power of two is named as one too, as --help writes it. */
        if (max >= (1ULL << 20) && (max & (max - 1)) == 0)
            snprintf(reason, sizeof reason, "must not exceed %" PRIu64 " (2^%d)", max,
                     __builtin_ctzll(max));
        else
            snprintf(reason, sizeof reason, "must not exceed %" PRIu64, max);
        return reason;
    }
    *out = (uint64_t)v;
    return NULL;
}

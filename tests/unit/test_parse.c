/*
 * The number parser against tables of accepted and rejected strings.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <string.h>

#include "parse.h"

#define MAX62 ((uint64_t)1 << 62)

/*
 * Arrays, not pointers: Criterion runs each case in a new process, where
 * pointers into the parent's address space would be meaningless.
 */
typedef struct {
    char text[48];
    uint64_t value;
} accepted;

typedef struct {
    char text[48];
    char reason[48]; /* a prefix of the expected reason */
} rejected;

ParameterizedTestParameters(parse, accepts)
{
    static accepted cases[] = {
        {"1", 1},
        {"007", 7},
        {"1000000000", 1000000000},
        {"1_000_000_000", 1000000000},
        {"1_0", 10},
        {"1e9", 1000000000},
        {"1E9", 1000000000},
        {"1e+9", 1000000000},
        {"2.5e9", 2500000000},
        {"2.50e9", 2500000000},
        {"1.0e0", 1},
        {"10e0", 10},
        {"1.25e2", 125},
        {"4611686018427387904", MAX62},
        {"4.611686018427387904e18", MAX62},
        {"5e9", 5000000000},
        {"1_000.5e1", 10005},
    };
    return cr_make_param_array(accepted, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(accepted *c, parse, accepts)
{
    uint64_t v = 0;
    const char *why = psum_parse_count(c->text, MAX62, &v);
    cr_assert(eq(ptr, (void *)why, NULL), "'%s' rejected: %s", c->text, why);
    cr_assert(eq(u64, v, c->value), "'%s'", c->text);
}

ParameterizedTestParameters(parse, rejects)
{
    static rejected cases[] = {
        {"", "empty value"},
        {"0", "must be at least 1"},
        {"0e5", "must be at least 1"},
        {"0.0", "must be at least 1"},
        {"-5", "must be positive"},
        {"-0", "must be positive"},
        {"+5", "not a number"},
        {" 5", "not a number"},
        {"abc", "not a number"},
        {".5e1", "not a number"},
        {"5 ", "trailing characters"},
        {"1e9x", "trailing characters"},
        {"12k", "trailing characters"},
        {"0x10", "trailing characters"},
        {"1.5", "not a whole number"},
        {"1.0", "a decimal point needs an exponent"},
        {"10.00", "a decimal point needs an exponent"},
        {"1_000.0", "a decimal point needs an exponent"},
        {"2.5e0", "not a whole number"},
        {"1.", "missing digits after the decimal point"},
        {"1e", "missing exponent digits"},
        {"1e-1", "negative exponent"},
        {"_1", "not a number"},
        {"1_", "misplaced underscore"},
        {"1__0", "misplaced underscore"},
        {"1._5", "misplaced underscore"},
        {"4611686018427387905", "must not exceed 4611686018427387904 (2^62)"},
        {"1e19", "must not exceed"},
        {"1e999999", "must not exceed"},
        {"1e1000001", "must not exceed"},
        {"1e10000000000000000000000000000", "must not exceed"},
        {"99999999999999999999999999999999999999999", "must not exceed"},
    };
    return cr_make_param_array(rejected, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(rejected *c, parse, rejects)
{
    uint64_t v = 42;
    const char *why = psum_parse_count(c->text, MAX62, &v);
    cr_assert(not(eq(ptr, (void *)why, NULL)), "'%s' accepted as %llu", c->text,
              (unsigned long long)v);
    cr_assert(eq(int, strncmp(why, c->reason, strlen(c->reason)), 0),
              "'%s': reason '%s', expected '%s'", c->text, why, c->reason);
    cr_assert(eq(u64, v, 42), "output written on error");
}

/* Thousands of fraction digits against exponents past the old cap of 1000. */
Test(parse, long_fractions_meet_their_exponent_exactly)
{
    static char s[4200];
    uint64_t v = 0;
    /* 0.<999 zeros>1e10000 = 10^9000, once read as 1. */
    snprintf(s, sizeof s, "0.%0999d1e10000", 0);
    cr_assert(eq(int, strncmp(psum_parse_count(s, MAX62, &v), "must not exceed", 15), 0));
    /* 0.<1999 zeros>1e2000 = 1 exactly. */
    snprintf(s, sizeof s, "0.%01999d1e2000", 0);
    cr_assert(eq(ptr, (void *)psum_parse_count(s, MAX62, &v), NULL), "%s", s);
    cr_assert(eq(u64, v, 1));
    /* 1.<2000 ones>e1999: one digit short of whole; e12345: whole and huge. */
    char ones[2001];
    memset(ones, '1', 2000);
    ones[2000] = '\0';
    snprintf(s, sizeof s, "1.%se1999", ones);
    cr_assert(eq(str, (char *)psum_parse_count(s, MAX62, &v), "not a whole number"));
    snprintf(s, sizeof s, "1.%se12345", ones);
    cr_assert(eq(int, strncmp(psum_parse_count(s, MAX62, &v), "must not exceed", 15), 0));
}

Test(parse, respects_a_smaller_maximum)
{
    uint64_t v = 0;
    cr_assert(eq(ptr, (void *)psum_parse_count("1024", 1024, &v), NULL));
    cr_assert(eq(str, (char *)psum_parse_count("1025", 1024, &v), "must not exceed 1024"));
}

/*
 * UTF-8 validation, JSON string literals and one-line escaping against
 * tables of byte strings, the ill-formed ones from RFC 3629 and Unicode's
 * "best practice" list: overlongs, surrogates, past U+10FFFF, cut short.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <criterion/parameterized.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

typedef struct {
    char bytes[16];
    size_t len;  /* of bytes, NULs included */
    int valid;
} utf8_case;

ParameterizedTestParameters(text, utf8_valid)
{
    static utf8_case cases[] = {
        {"", 0, 1},
        {"plain ascii", 11, 1},
        {"a\0b", 3, 1},
        {"\xc3\xa9", 2, 1},                  /* U+00E9 */
        {"\xe2\x82\xac", 3, 1},              /* U+20AC */
        {"\xef\xbf\xbd", 3, 1},              /* U+FFFD */
        {"\xf0\x9f\x98\x80", 4, 1},          /* U+1F600 */
        {"\xf4\x8f\xbf\xbf", 4, 1},          /* U+10FFFF, the last */
        {"\xed\x9f\xbf", 3, 1},              /* U+D7FF, below the surrogates */
        {"\x80", 1, 0},                      /* stray continuation */
        {"\xbf", 1, 0},
        {"\xc0\x80", 2, 0},                  /* overlong NUL */
        {"\xc1\xbf", 2, 0},                  /* overlong U+007F */
        {"\xe0\x80\x80", 3, 0},              /* overlong, three bytes */
        {"\xe0\x9f\xbf", 3, 0},              /* overlong U+07FF */
        {"\xf0\x80\x80\x80", 4, 0},          /* overlong, four bytes */
        {"\xf0\x8f\xbf\xbf", 4, 0},          /* overlong U+FFFF */
        {"\xed\xa0\x80", 3, 0},              /* U+D800, a surrogate */
        {"\xed\xbf\xbf", 3, 0},              /* U+DFFF */
        {"\xf4\x90\x80\x80", 4, 0},          /* U+110000 */
        {"\xf5\x80\x80\x80", 4, 0},
        {"\xff", 1, 0},
        {"\xfe", 1, 0},
        {"\xe2\x82", 2, 0},                  /* cut short */
        {"\xf0\x9f\x98", 3, 0},
        {"\xc3", 1, 0},
        {"\xc3\x28", 2, 0},                  /* bad continuation */
        {"\xe2\x28\xa1", 3, 0},
        {"ok\xc3\xa9\xff", 5, 0},            /* good then bad */
    };
    return cr_make_param_array(utf8_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(utf8_case *c, text, utf8_valid)
{
    cr_assert(eq(int, psum_utf8_valid(c->bytes, c->len), c->valid), "case '%s'", c->bytes);
}

/* Runs psum_json_string into memory; the caller frees the text. */
static char *json_of(const char *s)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    cr_assert(not(eq(ptr, f, NULL)));
    psum_json_string(f, s);
    fclose(f);
    return buf;
}

typedef struct {
    char in[16];
    char out[40];
} map_case;

ParameterizedTestParameters(text, json_string)
{
    static map_case cases[] = {
        {"abc", "\"abc\""},
        {"", "\"\""},
        {"say \"hi\"", "\"say \\\"hi\\\"\""},
        {"a\\b", "\"a\\\\b\""},
        {"1\n2\t3", "\"1\\n2\\t3\""},
        {"\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\""},
        {"\xc3\xa9t\xc3\xa9", "\"\xc3\xa9t\xc3\xa9\""},
        {"\xff", "\"\\ufffd\""},
        {"a\xe2\x82", "\"a\\ufffd\\ufffd\""},        /* cut short: one per byte */
        {"\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\""}, /* surrogate */
        {"\xc0\xaf", "\"\\ufffd\\ufffd\""},            /* overlong '/' */
    };
    return cr_make_param_array(map_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(map_case *c, text, json_string)
{
    char *json = json_of(c->in);
    cr_expect(eq(str, json, c->out));
    cr_expect(psum_utf8_valid(json, strlen(json)));
    free(json);
}

Test(text, json_null)
{
    char *json = json_of(NULL);
    cr_expect(eq(str, json, "null"));
    free(json);
}

ParameterizedTestParameters(text, escape)
{
    static map_case cases[] = {
        {"1e9x", "1e9x"},
        {"1\n2", "1\\n2"},
        {"a\tb\rc", "a\\tb\\rc"},
        {"\x01\x1b[31m", "\\x01\\x1b[31m"},
        {"\x7f", "\\x7f"},
        {"\xff", "\\xff"},
        {"\xe2\x82", "\\xe2\\x82"},
        {"caf\xc3\xa9", "caf\xc3\xa9"},
        {"\xc2\x85", "\\xc2\\x85"},                  /* NEL, a C1 control */
        {"\xe2\x80\xa8", "\\xe2\\x80\\xa8"},         /* LINE SEPARATOR */
        {"back\\slash", "back\\slash"},              /* kept: idempotent */
        {"\\n", "\\n"},
    };
    return cr_make_param_array(map_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(map_case *c, text, escape)
{
    char out[64];
    cr_expect(eq(str, psum_escape(c->in, out, sizeof out), c->out));
    char twice[64];
    cr_expect(eq(str, psum_escape(out, twice, sizeof twice), out), "escaping twice changed it");
}

Test(text, escape_cuts_between_characters)
{
    /* 30 two-byte characters do not fit in 16 bytes: cut after whole ones. */
    char in[61] = "";
    for (int i = 0; i < 30; i++)
        strcat(in, "\xc3\xa9");
    char out[16];
    psum_escape(in, out, sizeof out);
    cr_expect(eq(str, out, "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9..."));
    cr_expect(psum_utf8_valid(out, strlen(out)));

    /* An escape is never split either: "\x0" would be misleading. */
    psum_escape("abcdefg\x01\x01\x01", out, 12);
    cr_expect(eq(str, out, "abcdefg..."));

    /* What fits exactly is not cut. */
    psum_escape("abcdefghijk", out, 12);
    cr_expect(eq(str, out, "abcdefghijk"));
    psum_escape("abcdefghijkl", out, 12);
    cr_expect(eq(str, out, "abcdefgh..."));
}

Test(text, escape_output_is_one_line_of_valid_utf8)
{
    /* Every byte value, each alone and after a lead byte. */
    for (int b = 1; b < 256; b++) {
        char in[3] = {(char)0xe2, (char)b, '\0'}, out[32];
        for (int skip = 0; skip < 2; skip++) {
            psum_escape(skip ? in : in + 1, out, sizeof out);
            size_t len = strlen(out);
            cr_assert(psum_utf8_valid(out, len), "byte %02x", b);
            for (size_t i = 0; i < len; i++) {
                bool printable = (uint8_t)out[i] > 0x1f && out[i] != 0x7f;
                cr_assert(printable, "byte %02x: control in output", b);
            }
        }
    }
}

typedef struct {
    double seconds;
    char want[PSUM_SECONDS_SIZE];
} seconds_case;

ParameterizedTestParameters(text, format_seconds)
{
    static seconds_case cases[] = {
        {0, "0 s"},
        {1e-10, "0.1000 ns"},
        {4.5e-8, "45.00 ns"},
        {9.9996e-7, "1.000 us"},
        {4.512e-5, "45.12 us"},
        {1.2346e-4, "123.5 us"}, /* four digits, rounded */
        {0.001, "1.000 ms"},
        {0.25, "250.0 ms"},
        {0.99996, "1.000 s"},
        {1.5, "1.500 s"},
        {123.456, "123.5 s"},
        {12345.6, "12346 s"},
        {2e6, "2.000e+06 s"},
        {-0.002, "-2.000 ms"},
    };
    return cr_make_param_array(seconds_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(seconds_case *c, text, format_seconds)
{
    char buf[PSUM_SECONDS_SIZE];
    cr_expect(eq(str, psum_format_seconds(c->seconds, buf), c->want), "%g", c->seconds);
}

Test(text, utc_times_in_iso_8601)
{
    char buf[PSUM_UTC_SIZE];
    cr_expect(eq(str, psum_format_utc(0, buf), "1970-01-01T00:00:00Z"));
    cr_expect(eq(str, psum_format_utc(1796234462, buf), "2026-12-02T18:01:02Z"));
    /* The last second of year 9999, then the first that needs five digits. */
    cr_expect(eq(str, psum_format_utc(253402300799, buf), "9999-12-31T23:59:59Z"));
    cr_expect(eq(ptr, psum_format_utc(253402300800, buf), NULL));
    cr_expect(eq(str, buf, ""));
}

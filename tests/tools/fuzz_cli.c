/*
 * libFuzzer target over the parsers and the text that leaves psum_omp.
 * The input is split at newlines and NUL bytes into argv; the whole input
 * (to its first NUL) is also parsed as one number, checked as each OMP_*
 * value, escaped, written as a JSON string and as the CPU model of a
 * report.  Besides crashes and sanitizer reports, it checks properties:
 * an accepted number lies in [1, max] and survives a decimal round trip;
 * an accepted command line yields a valid config; an error message, an
 * environment warning and an escaped value are one line of valid UTF-8;
 * a JSON string is a valid JSON string literal; a CSV report is two lines
 * of valid UTF-8 with as many fields in the row as in the header;
 * psum_utf8_valid agrees with a decoder written another
 * way.  Built with -fsanitize=fuzzer in the fuzz build (-Dfuzz=true);
 * fuzz_replay.c runs it on the corpus in every other build.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "env.h"
#include "parse.h"
#include "report.h"
#include "text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_ARGS 16

static void check_number(const char *s, uint64_t max)
{
    uint64_t v = 0;
    if (psum_parse_count(s, max, &v) != NULL)
        return;
    if (v < 1 || v > max)
        abort();
    char dec[24];
    uint64_t again = 0;
    snprintf(dec, sizeof dec, "%" PRIu64, v);
    if (psum_parse_count(dec, max, &again) != NULL || again != v)
        abort();
}

static void check_config(const psum_config *c)
{
    if (c->n < 1 || c->n > PSUM_MAX_ELEMENTS || c->chunks < 1 || c->chunks > PSUM_MAX_CHUNKS ||
        c->threads < 0 || c->threads > PSUM_MAX_THREADS || c->repeat < 1 ||
        c->repeat > PSUM_MAX_REPEAT)
        abort();
}

/*
 * UTF-8 by decoding, unlike text.c's table of lead-byte ranges: the value
 * must need exactly the bytes used (no overlong), lie at or below U+10FFFF
 * and outside the surrogates.
 */
static bool decodes(const uint8_t *s, size_t len)
{
    static const uint32_t least[] = {0, 0, 0x80, 0x800, 0x10000};
    size_t i = 0;
    while (i < len) {
        uint8_t c = s[i];
        size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
        if (n == 0 || i + n > len)
            return false;
        uint32_t v = n == 1 ? c : c & (0x7Fu >> n);
        for (size_t j = 1; j < n; j++) {
            if ((s[i + j] & 0xC0) != 0x80)
                return false;
            v = (v << 6) | (s[i + j] & 0x3Fu);
        }
        if (v < least[n] || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
            return false;
        i += n;
    }
    return true;
}

/* One line of valid UTF-8 with no control character in it. */
static void check_line(const char *s)
{
    size_t len = strlen(s);
    if (!decodes((const uint8_t *)s, len))
        abort();
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7F)
            abort();
    }
}

static bool hex4(const char *s)
{
    for (int i = 0; i < 4; i++) {
        char c = s[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
            return false;
    }
    return true;
}

/* A JSON string literal (RFC 8259, section 7) of valid UTF-8, quotes included. */
static bool json_literal(const char *s, size_t len)
{
    if (len < 2 || s[0] != '"' || s[len - 1] != '"' || !decodes((const uint8_t *)s, len))
        return false;
    for (size_t i = 1; i < len - 1; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == '"')
            return false;
        if (c != '\\')
            continue;
        if (i + 1 >= len - 1)
            return false;
        char e = s[++i];
        if (e == 'u') {
            if (i + 4 >= len - 1 || !hex4(s + i + 1))
                return false;
            i += 4;
        } else if (strchr("\"\\/bfnrt", e) == NULL) {
            return false;
        }
    }
    return true;
}

static void check_text(const char *s, size_t len)
{
    if (psum_utf8_valid(s, len) != decodes((const uint8_t *)s, len))
        abort();

    char escaped[64], twice[64];
    psum_escape(s, escaped, sizeof escaped);
    check_line(escaped);
    if (strcmp(psum_escape(escaped, twice, sizeof twice), escaped) != 0)
        abort(); /* escaping twice changes nothing */

    char *json = NULL;
    size_t json_len = 0;
    FILE *f = open_memstream(&json, &json_len);
    if (f == NULL)
        return;
    psum_json_string(f, s);
    fclose(f);
    if (!json_literal(json, json_len))
        abort();
    free(json);
}

static void check_env(const char *s)
{
    static const char *const names[] = {"OMP_NUM_THREADS", "OMP_PROC_BIND", "OMP_PLACES",
                                        "OMP_DYNAMIC"};
    /* CPUs 0, 1 and 70: libgomp's bound is then 128. */
    static const unsigned char cpus[16] = {0x03, 0, 0, 0, 0, 0, 0, 0, 0x40};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        const char *why = psum_env_invalid(names[i], s);
        if (why == NULL && strcmp(names[i], "OMP_PLACES") == 0)
            why = psum_env_places_unusable(s, cpus, sizeof cpus);
        if (why == NULL)
            continue;
        psum_env_drop d = {names[i], s, why};
        char warning[256];
        psum_env_warning(&d, warning, sizeof warning);
        check_line(warning);
    }
}

/*
 * Fields of the CSV line that starts at s (RFC 4180 quoting); stores the
 * start of the next line in *next.  Aborts on a quote inside a bare field
 * or an unterminated quoted one.
 */
static size_t csv_fields(const char *s, const char **next)
{
    size_t fields = 1;
    for (;;) {
        if (*s == '"') {
            for (s++; !(s[0] == '"' && s[1] != '"'); s += s[0] == '"' ? 2 : 1) {
                if (*s == '\0')
                    abort();
            }
            s++;
        } else {
            for (; *s != ',' && *s != '\n' && *s != '\0'; s++) {
                if (*s == '"')
                    abort();
            }
        }
        if (*s != ',')
            break;
        s++;
        fields++;
    }
    if (*s != '\n')
        abort();
    *next = s + 1;
    return fields;
}

/* A CSV report whose CPU model is s: a header and one row of as many fields, valid UTF-8. */
static void check_csv(const char *s)
{
    static double samples[] = {1.0};
    psum_result r;
    memset(&r, 0, sizeof r);
    psum_config_default(&r.cfg);
    r.cfg.n = 10;
    r.expected = 45;
    r.verified = true;
    r.team = 1;
    r.parallel = (psum_phase){samples, 1, {1, 1, 1, 1, 0}, 45, true, 1};
    psum_machine m;
    memset(&m, 0, sizeof m);
    snprintf(m.cpu_model, sizeof m.cpu_model, "%s", s);
    psum_warnings w = {0};
    psum_add_warning(&w, s);

    char *csv = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&csv, &len);
    if (f == NULL) {
        psum_warnings_free(&w);
        return;
    }
    psum_report_csv(f, &r, &m, &w);
    fclose(f);
    psum_warnings_free(&w);
    size_t lines = 0;
    for (size_t i = 0; i < len; i++)
        lines += csv[i] == '\n';
    /* The cut at the cpu_model's size may split a character: still valid out. */
    if (lines != 2 || csv[len - 1] != '\n' || !decodes((const uint8_t *)csv, len))
        abort();
    const char *row, *end;
    if (csv_fields(csv, &row) != csv_fields(row, &end))
        abort();
    free(csv);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = malloc(size + 1);
    if (buf == NULL)
        return 0;
    memcpy(buf, data, size);
    buf[size] = '\0';
    check_number(buf, PSUM_MAX_ELEMENTS);
    check_number(buf, 1024);
    check_text(buf, strlen(buf));
    check_env(buf);
    check_csv(buf);

    char *argv[MAX_ARGS + 1] = {"psum_omp"};
    int argc = 1;
    for (size_t i = 0, start = 0; i <= size && argc < MAX_ARGS; i++) {
        if (i == size || buf[i] == '\n' || buf[i] == '\0') {
            buf[i] = '\0';
            argv[argc++] = buf + start;
            start = i + 1;
        }
    }
    argv[argc] = NULL;

    psum_config cfg;
    char err[256] = "";
    switch (psum_cli_parse(argc, argv, &cfg, err, sizeof err)) {
    case PSUM_CLI_RUN:
        check_config(&cfg);
        break;
    case PSUM_CLI_ERROR:
        if (err[0] == '\0' || strlen(err) >= sizeof err - 1)
            abort(); /* empty, or cut by the buffer */
        check_line(err);
        break;
    case PSUM_CLI_HELP:
    case PSUM_CLI_VERSION:
        break;
    }
    free(buf);
    return 0;
}

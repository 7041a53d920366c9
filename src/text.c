#include "text.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The longest escape of one character: four bytes as \xNN each, and a NUL. */
#define UNIT_SIZE 17

static bool continuation(unsigned char c)
{
    return (c & 0xC0) == 0x80;
}

size_t psum_utf8_char(const char *s, size_t avail)
{
    const unsigned char *u = (const unsigned char *)s;
    if (avail == 0)
        return 0;
    if (u[0] < 0x80)
        return 1;
    /*
     * The lead byte fixes the length and the range of the second byte
     * (RFC 3629, section 4): that range is what excludes the overlong
     * forms, the surrogates and everything past U+10FFFF.
     */
    size_t len;
    unsigned char lo = 0x80, hi = 0xBF;
    if (u[0] >= 0xC2 && u[0] <= 0xDF) {
        len = 2;
    } else if (u[0] >= 0xE0 && u[0] <= 0xEF) {
        len = 3;
        lo = u[0] == 0xE0 ? 0xA0 : 0x80;
        hi = u[0] == 0xED ? 0x9F : 0xBF;
    } else if (u[0] >= 0xF0 && u[0] <= 0xF4) {
        len = 4;
        lo = u[0] == 0xF0 ? 0x90 : 0x80;
        hi = u[0] == 0xF4 ? 0x8F : 0xBF;
    } else {
        return 0;
    }
    if (avail < len || u[1] < lo || u[1] > hi)
        return 0;
    for (size_t i = 2; i < len; i++) {
        if (!continuation(u[i]))
            return 0;
    }
    return len;
}

bool psum_utf8_valid(const char *s, size_t len)
{
    while (len > 0) {
        size_t n = psum_utf8_char(s, len);
        if (n == 0)
            return false;
        s += n;
        len -= n;
    }
    return true;
}

void psum_json_string(FILE *out, const char *s)
{
    if (s == NULL) {
        fputs("null", out);
        return;
    }
    size_t avail = strlen(s);
    fputc('"', out);
    while (avail > 0) {
        unsigned char c = (unsigned char)*s;
        size_t n = psum_utf8_char(s, avail);
        if (n == 0) {
            fputs("\\ufffd", out);
            n = 1;
        } else if (c == '"' || c == '\\') {
            fprintf(out, "\\%c", c);
        } else if (c == '\n') {
            fputs("\\n", out);
        } else if (c == '\t') {
            fputs("\\t", out);
        } else if (c < 0x20 || c == 0x7F) {
            fprintf(out, "\\u%04x", c);
        } else {
            fwrite(s, 1, n, out);
        }
        s += n;
        avail -= n;
    }
    fputc('"', out);
}

/* True for a character that moves the cursor or the line rather than print. */
static bool unprintable(const unsigned char *u, size_t n)
{
    if (n == 1)
        return u[0] < 0x20 || u[0] == 0x7F;
    if (n == 2)
        return u[0] == 0xC2 && u[1] < 0xA0; /* C1 controls, U+0080..U+009F */
    /* U+2028 LINE SEPARATOR, U+2029 PARAGRAPH SEPARATOR */
    return n == 3 && u[0] == 0xE2 && u[1] == 0x80 && (u[2] == 0xA8 || u[2] == 0xA9);
}

/*
 * Writes the printable form of the character at s (avail > 0 bytes left)
 * into unit and returns how many bytes of s it stands for.
 */
static size_t escape_unit(const char *s, size_t avail, char unit[UNIT_SIZE])
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *u = (const unsigned char *)s;
    size_t n = psum_utf8_char(s, avail);
    if (n == 1 && (u[0] == '\n' || u[0] == '\t' || u[0] == '\r')) {
        unit[0] = '\\';
        unit[1] = u[0] == '\n' ? 'n' : u[0] == '\t' ? 't' : 'r';
        unit[2] = '\0';
        return 1;
    }
    if (n > 0 && !unprintable(u, n)) {
        memcpy(unit, s, n);
        unit[n] = '\0';
        return n;
    }
    n = n == 0 ? 1 : n;
    for (size_t i = 0; i < n; i++) {
        unit[4 * i] = '\\';
        unit[4 * i + 1] = 'x';
        unit[4 * i + 2] = hex[u[i] >> 4];
        unit[4 * i + 3] = hex[u[i] & 0xF];
    }
    unit[4 * n] = '\0';
    return n;
}

/* Length of the escaped form of s[0..avail). */
static size_t escaped_length(const char *s, size_t avail)
{
    size_t total = 0;
    while (avail > 0) {
        char unit[UNIT_SIZE];
        size_t used = escape_unit(s, avail, unit);
        total += strlen(unit);
        s += used;
        avail -= used;
    }
    return total;
}

char *psum_escape(const char *s, char *out, size_t outlen)
{
    size_t avail = strlen(s), pos = 0;
    /* Room for "..." is kept only when the whole does not fit. */
    const size_t reserve = escaped_length(s, avail) < outlen ? 1 : 4;
    while (avail > 0) {
        char unit[UNIT_SIZE];
        size_t used = escape_unit(s, avail, unit), len = strlen(unit);
        if (pos + len + reserve > outlen) {
            memcpy(out + pos, "...", 3);
            pos += 3;
            break;
        }
        memcpy(out + pos, unit, len);
        pos += len;
        s += used;
        avail -= used;
    }
    out[pos] = '\0';
    return out;
}

char *psum_format_seconds(double s, char *buf)
{
    static const char *const units[] = {"ns", "us", "ms", "s"};
    /*
     * Rounded to four digits first, so 999.96 ms becomes 1.000 s rather
     * than 1000.0 ms: the exponent of the rounded value picks the unit.
     */
    char sci[24];
    snprintf(sci, sizeof sci, "%.3e", s);
    const char *e = strchr(sci, 'e');
    int exp = e != NULL ? atoi(e + 1) : 0;
    int w;
    if (s == 0) {
        w = snprintf(buf, PSUM_SECONDS_SIZE, "0 s");
    } else if (e == NULL || exp >= 6) { /* inf, nan, or days on end */
        w = snprintf(buf, PSUM_SECONDS_SIZE, "%s s", sci);
    } else {
        int unit = exp >= 0 ? 3 : exp < -9 ? 0 : 3 + (exp - 2) / 3;
        int shift = exp - 3 * (unit - 3); /* digits before the point, less one */
        int decimals = shift >= 3 ? 0 : 3 - shift;
        double scaled = s;
        for (int i = unit; i < 3; i++)
            scaled *= 1e3;
        w = snprintf(buf, PSUM_SECONDS_SIZE, "%.*f %s", decimals, scaled, units[unit]);
    }
    (void)w; /* every case fits PSUM_SECONDS_SIZE */
    return buf;
}

char *psum_format_utc(time_t t, char *buf)
{
    struct tm tm;
    buf[0] = '\0';
    /*
     * Four-digit years only: ISO 8601 needs an agreement between the
     * parties for others, and no run starts outside them.
     */
    if (gmtime_r(&t, &tm) == NULL || tm.tm_year < -1900 || tm.tm_year > 9999 - 1900)
        return NULL;
    if (strftime(buf, PSUM_UTC_SIZE, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0) {
        buf[0] = '\0';
        return NULL;
    }
    return buf;
}

/*
 * Text that leaves psum_omp: UTF-8 validation, JSON string literals, the
 * one-line escaping of values quoted in messages, and durations in units.
 * Whatever bytes come in (arguments, environment, /proc), what goes out is
 * valid UTF-8, and a message stays on one line.
 */
#ifndef PSUM_TEXT_H
#define PSUM_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>

/*
 * Length (1 to 4) of the well-formed UTF-8 character that starts s, which
 * has `avail` bytes; 0 if none starts there: a stray continuation byte, an
 * overlong form, a surrogate (U+D800..U+DFFF), a value above U+10FFFF, a
 * sequence cut short, or avail == 0.
 */
size_t psum_utf8_char(const char *s, size_t avail);

/* True if s[0..len) is well-formed UTF-8 throughout (NUL bytes included). */
bool psum_utf8_valid(const char *s, size_t len);

/*
 * Writes s as a JSON string literal, quotes included, or `null` for NULL.
 * Quote, backslash and control characters are escaped; a byte that does
 * not belong to a well-formed UTF-8 character becomes \ufffd, so the
 * output is valid UTF-8 JSON whatever s holds.  Errors show in ferror(out).
 */
void psum_json_string(FILE *out, const char *s);

/*
 * Copies s into out (outlen >= 8 bytes) so it prints on one line as valid
 * UTF-8: newline, tab and carriage return become \n, \t, \r; other control
 * characters (C0, DEL, C1), the Unicode line and paragraph separators and
 * bytes that are not well-formed UTF-8 become \xNN per byte.  Everything
 * else, a backslash included, is copied, so escaping twice changes nothing.
 * When the result does not fit, it is cut between two characters or
 * escapes and ends with "...".  Returns out, always NUL-terminated.
 */
char *psum_escape(const char *s, char *out, size_t outlen);

/* Room for psum_format_seconds at any double ("-1.798e+308 s") with a margin. */
#define PSUM_SECONDS_SIZE 32

/*
 * Writes a duration with four significant digits in the unit that suits
 * it, ns, us, ms or s: "45.12 us", "1.000 s", "0.5000 ns"; from 1000 s on
 * whole seconds ("12346 s"), from 10^6 s on "1.235e+06 s"; zero is "0 s".
 * So a table shows figures at any N instead of 0.0000.  buf has
 * PSUM_SECONDS_SIZE bytes or more; returns buf.
 */
char *psum_format_seconds(double s, char *buf);

/* Room for psum_format_utc: "2026-12-02T18:01:02Z" and its NUL, with a margin. */
#define PSUM_UTC_SIZE 32

/*
 * Writes t as UTC in ISO 8601 to the second, "2026-12-02T18:01:02Z", into
 * buf (PSUM_UTC_SIZE bytes or more).  Returns buf, or NULL (buf then "")
 * when t has no such form (before year 0, past year 9999).
 */
char *psum_format_utc(time_t t, char *buf);

#endif

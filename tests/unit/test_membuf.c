/*
 * The report's buffer: every byte kept, or the loss reported, and the
 * writers' output refused whole when it does not fit.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "membuf.h"
#include "report.h"

Test(membuf, keeps_every_byte_across_many_growths)
{
    psum_membuf b;
    FILE *f = psum_membuf_open(&b, SIZE_MAX);
    cr_assert(not(eq(ptr, f, NULL)));
    for (int i = 0; i < 100000; i++)
        fprintf(f, "%05d,", i);
    cr_assert(eq(int, psum_membuf_close(f, &b), 0));
    cr_expect(eq(sz, b.len, 600000));
    cr_expect(eq(sz, strlen(b.data), b.len));
    cr_expect(eq(int, strncmp(b.data + 6 * 54321, "54321,", 6), 0));
    psum_membuf_free(&b);
}

Test(membuf, empty_is_zero_bytes)
{
    psum_membuf b;
    FILE *f = psum_membuf_open(&b, SIZE_MAX);
    cr_assert(eq(int, psum_membuf_close(f, &b), 0));
    cr_expect(eq(sz, b.len, 0));
    psum_membuf_free(&b);
}

/* Growth refused at every size around the buffer's first and later blocks. */
Test(membuf, a_refused_growth_is_reported_not_cut)
{
    const size_t limits[] = {1, 100, 4095, 4096, 4097, 8192, 100000};
    for (size_t i = 0; i < sizeof limits / sizeof limits[0]; i++) {
        psum_membuf b;
        FILE *f = psum_membuf_open(&b, limits[i]);
        for (int k = 0; k < 20000; k++)
            fputs("0123456789", f);
        errno = 0;
        cr_expect(eq(int, psum_membuf_close(f, &b), -1), "limit %zu", limits[i]);
        cr_expect(eq(int, errno, ENOMEM), "limit %zu", limits[i]);
        cr_expect(le(sz, b.len, limits[i]), "limit %zu", limits[i]);
        psum_membuf_free(&b);
    }
}

Test(membuf, exactly_the_limit_fits)
{
    psum_membuf b;
    FILE *f = psum_membuf_open(&b, 11); /* ten bytes and the terminator */
    fputs("0123456789", f);
    cr_expect(eq(int, psum_membuf_close(f, &b), 0));
    cr_expect(eq(str, b.data, "0123456789"));
    psum_membuf_free(&b);
}

/* A JSON report written into a buffer too small for it fails as a whole. */
Test(membuf, a_report_that_does_not_fit_fails)
{
    static double samples[3000];
    psum_result r;
    memset(&r, 0, sizeof r);
    psum_config_default(&r.cfg);
    r.cfg.n = 1000;
    r.expected = 499500;
    r.verified = true;
    r.team = r.threads_requested = 1;
    r.materialize_s = -1;
    r.cfg.mode = PSUM_MODE_STREAM;
    for (size_t i = 0; i < 3000; i++)
        samples[i] = 1.0 / 3.0;
    r.parallel = (psum_phase){samples, 3000, {1, 1, 1, 1, 0}, 499500, true, 1};
    psum_machine m;
    memset(&m, 0, sizeof m);
    psum_warnings w = {0};

    psum_membuf whole;
    FILE *f = psum_membuf_open(&whole, SIZE_MAX);
    cr_assert(eq(int, psum_report_json(f, &r, &m, &w), 0));
    cr_assert(eq(int, psum_membuf_close(f, &whole), 0));
    cr_assert(gt(sz, whole.len, 3000 * 10));

    psum_membuf part;
    f = psum_membuf_open(&part, whole.len / 2);
    cr_expect(eq(int, psum_report_json(f, &r, &m, &w), -1), "the writer sees the loss");
    cr_expect(eq(int, psum_membuf_close(f, &part), -1));
    psum_membuf_free(&part);
    psum_membuf_free(&whole);
    psum_warnings_free(&w);
}

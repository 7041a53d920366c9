/*
 * The writers: an invalid result never shows rates, and the JSON and CSV
 * carry what they promise.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <stdlib.h>
#include <string.h>

#include "qualify.h"
#include "report.h"
#include "text.h"

static double samples_serial[] = {2.0, 2.0, 2.0};
static double samples_parallel[] = {1.0, 1.0, 1.0};

static psum_result make_result(int verified)
{
    psum_result r;
    memset(&r, 0, sizeof r);
    psum_config_default(&r.cfg);
    r.cfg.n = 1000;
    r.cfg.repeat = 3;
    r.threads_requested = 2;
    r.team = 2;
    r.materialize_s = 0.5;
    r.expected = 499500;
    r.verified = verified;
    r.serial = (psum_phase){samples_serial, 3, {2, 2, 2, 2, 0}, 499500, 1, 1};
    r.parallel = (psum_phase){samples_parallel, 3, {1, 1, 1, 1, 0},
                              verified ? 499500 : 499501, verified, 1};
    return r;
}

static psum_machine make_machine(void)
{
    psum_machine m;
    memset(&m, 0, sizeof m);
    strcpy(m.cpu_model, "Test \"CPU\"");
    m.logical_cpus = 2;
    strcpy(m.compiler, "cc 1");
    strcpy(m.huge_pages, "madvise");
    m.omp_proc_bind = "close";
    return m;
}

typedef int (*writer)(FILE *, const psum_result *, const psum_machine *,
                      const psum_warnings *);

/* Runs a writer into memory for machine m; the caller frees the text. */
static char *render_with(writer w, const psum_result *r, const psum_machine *mp)
{
    psum_machine m = *mp;
    psum_warnings warnings;
    psum_collect_warnings(r, &m, &warnings);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    cr_assert(not(eq(ptr, f, NULL)));
    cr_assert(eq(int, w(f, r, &m, &warnings), 0));
    fclose(f);
    return buf;
}

static char *render(writer w, const psum_result *r)
{
    psum_machine m = make_machine();
    return render_with(w, r, &m);
}

Test(report, verified_json_has_speedup_and_exact_strings)
{
    psum_result r = make_result(1);
    char *json = render(psum_report_json, &r);
    cr_expect(not(eq(ptr, strstr(json, "\"speedup\": 2,"), NULL)), "%s", json);
    cr_expect(not(eq(ptr, strstr(json, "\"efficiency\": 1,"), NULL)), "%s", json);
    cr_expect(not(eq(ptr, strstr(json, "\"sum\": \"499500\""), NULL)));
    cr_expect(not(eq(ptr, strstr(json, "\"verified\": true"), NULL)));
    cr_expect(not(eq(ptr, strstr(json, "\"cpu_model\": \"Test \\\"CPU\\\"\""), NULL)), "%s", json);
    free(json);
}

Test(report, invalid_result_shows_no_rate)
{
    psum_result r = make_result(0);
    char *json = render(psum_report_json, &r);
    cr_expect(not(eq(ptr, strstr(json, "\"speedup\": null"), NULL)), "%s", json);
    cr_expect(not(eq(ptr, strstr(json, "\"verified\": false"), NULL)));
    cr_expect(not(eq(ptr, strstr(json, "\"sum\": \"499501\""), NULL)), "%s", json);
    free(json);

    char *text = render(psum_report_text, &r);
    cr_expect(not(eq(ptr, strstr(text, "INVALID"), NULL)), "%s", text);
    cr_expect(eq(ptr, strstr(text, "2.00x"), NULL), "%s", text);
    cr_expect(eq(ptr, strstr(text, "verified"), NULL), "%s", text);
    free(text);

    char *csv = render(psum_report_csv, &r);
    cr_expect(not(eq(ptr, strstr(csv, ",false,"), NULL)), "%s", csv);
    free(csv);
}

Test(report, csv_has_a_header_and_one_row_of_equal_width)
{
    psum_result r = make_result(1);
    char *csv = render(psum_report_csv, &r);
    char *nl = strchr(csv, '\n');
    cr_assert(not(eq(ptr, nl, NULL)));
    cr_assert(eq(int, (int)strlen(nl + 1) > 0, 1));
    cr_assert(eq(ptr, strchr(nl + 1, '\n'), csv + strlen(csv) - 1), "one row only");
    free(csv);
}

Test(report, json_carries_the_verdicts_it_is_given)
{
    psum_result r = make_result(1);
    r.qual = (psum_qualification){.cpus_allowed = 3, .background_load = 0.25,
                                  .parallel_noisy = true, .oversubscribed = true,
                                  .busy = true, .noisy = true};
    char *json = render(psum_report_json, &r);
    /* The samples are flat: "noisy" comes from r.qual, not from the writer. */
    cr_expect(not(eq(ptr, strstr(json, "\"noisy\": false, \"calls_per_sample\""), NULL)), "%s", json);
    cr_expect(not(eq(ptr, strstr(json, "\"noisy\": true, \"calls_per_sample\""), NULL)), "%s", json);
    cr_expect(not(eq(ptr, strstr(json, "\"background_load\": 0.25,\n"
                                       "  \"cpus_allowed\": 3,\n"
                                       "  \"oversubscribed\": true,\n"
                                       "  \"busy\": true,\n"
                                       "  \"noisy\": true,\n"
                                       "  \"thresholds\": {\"cv\": 0.05, \"max_over_min\": 1.2, "
                                       "\"background_load\": 0.1},\n"), NULL)), "%s", json);
    free(json);

    r.qual = (psum_qualification){.cpus_allowed = 0, .background_load = -1};
    json = render(psum_report_json, &r);
    cr_expect(not(eq(ptr, strstr(json, "\"background_load\": null,\n  \"cpus_allowed\": 0,"), NULL)),
              "%s", json);
    cr_expect(not(eq(ptr, strstr(json, "\"busy\": false,\n  \"noisy\": false,"), NULL)), "%s", json);
    free(json);
}

Test(report, calls_per_sample_in_every_format)
{
    psum_result r = make_result(1);
    r.parallel.calls_per_sample = 4096;
    char *json = render(psum_report_json, &r);
    cr_expect(not(eq(ptr, strstr(json, "\"calls_per_sample\": 1,"), NULL)), "%s", json);
    cr_expect(not(eq(ptr, strstr(json, "\"calls_per_sample\": 4096,"), NULL)), "%s", json);
    free(json);

    char *csv = render(psum_report_csv, &r);
    char *row = strchr(csv, '\n') + 1;
    cr_expect(not(eq(ptr, strstr(csv, ",warnings,serial_calls_per_sample,"
                                      "parallel_calls_per_sample\n"), NULL)), "%s", csv);
    cr_expect(eq(int, strcmp(row + strlen(row) - 8, ",1,4096\n"), 0), "%s", row);
    free(csv);

    char *text = render(psum_report_text, &r);
    cr_expect(not(eq(ptr, strstr(text, "serial 1, parallel 4096 calls per sample"), NULL)), "%s",
              text);
    free(text);

    r.parallel.calls_per_sample = 1;
    text = render(psum_report_text, &r);
    cr_expect(eq(ptr, strstr(text, "calls per sample"), NULL), "%s", text);
    free(text);
}

Test(report, machine_strings_stay_valid_utf8_and_one_line)
{
    psum_result r = make_result(1);
    psum_machine m = make_machine();
    strcpy(m.cpu_model, "bad \xff\n\"cpu\"");
    psum_warnings w = {0};
    writer writers[] = {psum_report_json, psum_report_csv, psum_report_text};
    for (size_t i = 0; i < 3; i++) {
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        cr_assert(eq(int, writers[i](f, &r, &m, &w), 0));
        fclose(f);
        cr_expect(psum_utf8_valid(buf, len), "writer %zu: %s", i, buf);
        cr_expect(eq(ptr, strstr(buf, "bad \xff"), NULL), "writer %zu: raw byte", i);
        free(buf);
    }
    char *csv = render_with(psum_report_csv, &r, &m);
    cr_expect(not(eq(ptr, strstr(csv, ",\"bad \\xff\\n\"\"cpu\"\"\","), NULL)), "%s", csv);
    free(csv);
}

Test(report, psum_report_writes_the_configured_format_in_one_piece)
{
    psum_result r = make_result(1);
    psum_machine m = make_machine();
    psum_warnings w = {0};
    writer direct[] = {[PSUM_FORMAT_TEXT] = psum_report_text, [PSUM_FORMAT_CSV] = psum_report_csv,
                       [PSUM_FORMAT_JSON] = psum_report_json};
    for (int f = 0; f < PSUM_FORMAT_COUNT; f++) {
        r.cfg.format = (psum_format)f;
        char *want = render_with(direct[f], &r, &m);
        char *got = NULL;
        size_t len = 0;
        FILE *out = open_memstream(&got, &len);
        cr_assert(eq(int, psum_report(out, &r, &m, &w), 0));
        fclose(out);
        cr_expect(eq(str, got, want), "format %s", psum_format_name(r.cfg.format));
        free(want);
        free(got);
    }
}

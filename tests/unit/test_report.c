/*
 * The writers: an invalid result never shows rates, and the JSON and CSV
 * carry what they promise.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <stdlib.h>
#include <string.h>

#include "psum_build.h"
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
    psum_warnings_free(&warnings);
    return buf;
}

static char *render(writer w, const psum_result *r)
{
    psum_machine m = make_machine();
    return render_with(w, r, &m);
}


/* ---- a CSV reader that respects quotes, for the checks below ---- */

#define MAX_FIELDS 96

typedef struct {
    size_t count;
    char field[MAX_FIELDS][512]; /* unquoted, "" turned back into " */
} csv_line;

/* Reads one line from *p (RFC 4180 quoting) and advances *p past its newline. */
static void read_csv_line(const char **p, csv_line *line)
{
    const char *c = *p;
    line->count = 0;
    for (;;) {
        cr_assert(lt(sz, line->count, MAX_FIELDS));
        char *f = line->field[line->count++];
        size_t len = 0;
        if (*c == '"') {
            for (c++; !(c[0] == '"' && c[1] != '"'); c++) {
                cr_assert(not(eq(chr, *c, '\0')), "unterminated quote");
                if (c[0] == '"')
                    c++; /* a doubled quote */
                cr_assert(lt(sz, len, sizeof line->field[0] - 1));
                f[len++] = *c;
            }
            c++;
        } else {
            for (; *c != ',' && *c != '\n' && *c != '\0'; c++) {
                cr_assert(not(eq(chr, *c, '"')), "a quote inside an unquoted field");
                cr_assert(lt(sz, len, sizeof line->field[0] - 1));
                f[len++] = *c;
            }
        }
        f[len] = '\0';
        if (*c != ',')
            break;
        c++;
    }
    cr_assert(eq(chr, *c, '\n'), "a field ends at a comma or the end of the line");
    *p = c + 1;
}

/* The value of the column named `name` in a two-line CSV report. */
static char *csv_field(const char *csv, const char *name)
{
    static csv_line header, row;
    const char *p = csv;
    read_csv_line(&p, &header);
    read_csv_line(&p, &row);
    for (size_t i = 0; i < header.count && i < row.count; i++) {
        if (strcmp(header.field[i], name) == 0)
            return row.field[i];
    }
    cr_fatal("no column %s", name);
    return NULL;
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
    cr_expect(not(eq(ptr, strstr(json, "\"calls_per_sample\": 1, \"noisy\": false"), NULL)), "%s", json);
    cr_expect(not(eq(ptr, strstr(json, "\"calls_per_sample\": 1, \"noisy\": true"), NULL)), "%s", json);
    cr_expect(not(eq(ptr, strstr(json, "\"noisy\": true,\n"
                                       "  \"busy\": true,\n"
                                       "  \"oversubscribed\": true,\n"
                                       "  \"background_load\": 0.25,\n"
                                       "  \"cpus_allowed\": 3,\n"
                                       "  \"thresholds\": {\"cv\": 0.05, \"max_over_min\": 1.2, "
                                       "\"background_load\": 0.1},\n"), NULL)), "%s", json);
    free(json);

    r.qual = (psum_qualification){.cpus_allowed = 0, .background_load = -1};
    json = render(psum_report_json, &r);
    cr_expect(not(eq(ptr, strstr(json, "\"background_load\": null,\n  \"cpus_allowed\": 0,"), NULL)),
              "%s", json);
    cr_expect(not(eq(ptr, strstr(json, "\"noisy\": false,\n  \"busy\": false,"), NULL)), "%s", json);
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
    cr_expect(eq(str, csv_field(csv, "serial_calls_per_sample"), "1"), "%s", csv);
    cr_expect(eq(str, csv_field(csv, "parallel_calls_per_sample"), "4096"), "%s", csv);
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
    psum_warnings_free(&w);
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
    psum_warnings_free(&w);
}

/* Results that differ in which fields are empty, quoted or present. */
static psum_result variant(int which, psum_machine *m, psum_warnings *w)
{
    psum_result r = make_result(which != 2);
    *m = make_machine();
    *w = (psum_warnings){0};
    switch (which) {
    case 1: /* no serial phase: its figures and speedup are empty */
        r.serial = (psum_phase){0};
        r.cfg.serial = false;
        break;
    case 2: /* unverified: no rates */
        break;
    case 3: /* warnings and machine strings with commas, quotes and newlines */
        psum_add_warning(w, "a, b, \"c\"");
        psum_add_warning(w, "line\nbreak, \"\"");
        strcpy(m->cpu_model, "CPU, \"quoted\"\n2");
        m->omp_proc_bind = "spread,close";
        m->omp_places = "{0,1},{2,3}";
        break;
    case 4: /* stream mode, unknown load, every verdict set */
        r.cfg.mode = PSUM_MODE_STREAM;
        r.materialize_s = -1;
        r.qual = (psum_qualification){.cpus_allowed = 1, .background_load = -1,
                                      .serial_noisy = true, .parallel_noisy = true,
                                      .oversubscribed = true, .busy = true, .noisy = true};
        m->omp_proc_bind = NULL;
        r.stream = (psum_stream_choice){.lanes = 4, .widths = 2, .width = {8, 4},
                                        .trial_s = {0.000625, 0.0005}, .threads = 2};
        break;
    case 5: /* a gpu run from a host copy: the device fields, no efficiency */
        r.team = 1;
        r.device = (psum_device_run){PSUM_DEVICE_GPU, "GPU, \"X\"", 1, 0, true, 132, 8,
                                     33792, 1, 3.25, -1, 0.125};
        break;
    case 6: /* psum_mpi: the figures across ranks, the reduction time unknown */
        r.ranks = (psum_ranks){.ranks = 2, .threads_per_rank = 1, .nodes = 1,
                               .ranks_per_node = 2, .imbalance = {1, 1, 1}, .reduce_s = -1};
        break;
    case 7: /* stream mode on a build with one width: nothing timed */
        r.cfg.mode = PSUM_MODE_STREAM;
        r.materialize_s = -1;
        r.stream = (psum_stream_choice){.lanes = 2, .widths = 1, .width = {2, 0},
                                        .trial_s = {-1, -1}};
        break;
    }
    return r;
}

Test(report, csv_rows_have_as_many_fields_as_the_header)
{
    for (int which = 0; which < 8; which++) {
        psum_machine m;
        psum_warnings w;
        psum_result r = variant(which, &m, &w);
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        cr_assert(eq(int, psum_report_csv(f, &r, &m, &w), 0));
        fclose(f);
        const char *p = buf;
        static csv_line header, row;
        read_csv_line(&p, &header);
        read_csv_line(&p, &row);
        cr_expect(eq(sz, row.count, header.count), "variant %d: %s", which, buf);
        cr_expect(eq(chr, *p, '\0'), "variant %d: one row only", which);
        cr_expect(eq(str, header.field[0], "schema_version"));
        cr_expect(eq(str, row.field[0], "1"));
        free(buf);
        psum_warnings_free(&w);
    }
}

Test(report, csv_carries_the_verdicts_and_the_environment)
{
    psum_machine m;
    psum_warnings w;
    psum_result r = variant(3, &m, &w);
    r.qual = (psum_qualification){.cpus_allowed = 2, .background_load = 0.125,
                                  .parallel_noisy = true, .noisy = true};
    r.huge_advised = true;
    char *csv = render_with(psum_report_csv, &r, &m);
    cr_expect(eq(str, csv_field(csv, "serial_noisy"), "false"));
    cr_expect(eq(str, csv_field(csv, "parallel_noisy"), "true"));
    cr_expect(eq(str, csv_field(csv, "noisy"), "true"));
    cr_expect(eq(str, csv_field(csv, "busy"), "false"));
    cr_expect(eq(str, csv_field(csv, "oversubscribed"), "false"));
    cr_expect(eq(str, csv_field(csv, "background_load"), "0.125"));
    cr_expect(eq(str, csv_field(csv, "cpus_allowed"), "2"));
    cr_expect(eq(str, csv_field(csv, "omp_proc_bind"), "spread,close"));
    cr_expect(eq(str, csv_field(csv, "omp_places"), "{0,1},{2,3}"));
    cr_expect(eq(str, csv_field(csv, "huge_pages_advised"), "true"));
    cr_expect(eq(str, csv_field(csv, "materialize_s"), "0.5"));
    cr_expect(eq(str, csv_field(csv, "cpu_model"), "CPU, \"quoted\"\\n2"));
    free(csv);

    psum_warnings_free(&w);
    r = variant(4, &m, &w);
    csv = render_with(psum_report_csv, &r, &m);
    cr_expect(eq(str, csv_field(csv, "serial_noisy"), "true"));
    cr_expect(eq(str, csv_field(csv, "busy"), "true"));
    cr_expect(eq(str, csv_field(csv, "oversubscribed"), "true"));
    cr_expect(eq(str, csv_field(csv, "background_load"), ""), "unknown is empty");
    cr_expect(eq(str, csv_field(csv, "omp_proc_bind"), ""), "unset is empty");
    cr_expect(eq(str, csv_field(csv, "materialize_s"), ""));
    free(csv);

    psum_warnings_free(&w);
    r = variant(1, &m, &w);
    csv = render_with(psum_report_csv, &r, &m);
    cr_expect(eq(str, csv_field(csv, "serial_noisy"), ""), "no serial phase, no verdict");
    free(csv);
    psum_warnings_free(&w);
}

Test(report, device_fields_in_csv_and_json)
{
    psum_machine m;
    psum_warnings w;
    psum_result r = variant(5, &m, &w);
    char *csv = render_with(psum_report_csv, &r, &m);
    static const char *const want[][2] = {
        {"device", "gpu"}, {"device_name", "GPU, \"X\""}, {"devices", "1"},
        {"device_number", "0"}, {"on_device", "true"}, {"device_teams", "132"},
        {"device_threads", "8"}, {"device_lanes", "33792"}, {"device_launches", "1"},
        {"device_warmup_s", "3.25"}, {"device_fill_s", ""}, {"device_copy_s", "0.125"},
        {"efficiency", ""}, {"speedup", "2"},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        cr_expect(eq(str, csv_field(csv, want[i][0]), (char *)want[i][1]), "%s", want[i][0]);
    free(csv);
    char *json = render_with(psum_report_json, &r, &m);
    cr_expect(not(eq(ptr, strstr(json, "\"device\": {\"kind\": \"gpu\", \"name\": \"GPU, "
                                      "\\\"X\\\"\", \"devices\": 1, \"number\": 0, "
                                      "\"on_device\": true, \"teams\": 132, \"threads\": 8, "
                                      "\"lanes\": 33792, \"launches\": 1, \"warmup_s\": 3.25, "
                                      "\"fill_s\": null, \"copy_s\": 0.125},"), NULL)), "%s", json);
    cr_expect(not(eq(ptr, strstr(json, "\"efficiency\": null"), NULL)));
    free(json);

    psum_warnings_free(&w);
    r = variant(0, &m, &w);
    csv = render_with(psum_report_csv, &r, &m);
    cr_expect(eq(str, csv_field(csv, "device"), "cpu"));
    cr_expect(eq(str, csv_field(csv, "device_warmup_s"), ""));
    free(csv);
    json = render_with(psum_report_json, &r, &m);
    cr_expect(not(eq(ptr, strstr(json, "\"device\": {\"kind\": \"cpu\", \"name\": null, "
                                      "\"devices\": null"), NULL)), "%s", json);
    free(json);
    psum_warnings_free(&w);
}

/* Which stream kernel ran and the trial that chose it, in every format. */
Test(report, stream_kernel_in_every_format)
{
    static const struct {
        int which;
        const char *csv[4]; /* stream_lanes, _trial_8_lanes_s, _trial_4_lanes_s, _trial_threads */
        const char *json, *text;
    } cases[] = {
        {4, {"4", "0.000625", "0.0005", "2"},
         "\"stream_kernel\": {\"lanes\": 4, \"widths\": [8, 4], \"trial_s\": [0.000625, 0.0005], "
         "\"trial_threads\": 2},\n",
         "stream kernel: 4 lanes of 64 bits per vector, the faster in a trial on 2 threads at "
         "once (8 lanes 625.0 us, 4 lanes 500.0 us; each thread's best of 5 over 2^24 values, "
         "the slowest thread's)\n"},
        {7, {"2", "", "", ""},
         "\"stream_kernel\": {\"lanes\": 2, \"widths\": [2], \"trial_s\": null, "
         "\"trial_threads\": null},\n",
         "stream kernel: 2 lanes of 64 bits per vector (this build's only width)\n"},
        {0, {"", "", "", ""}, "\"stream_kernel\": null,\n", NULL},
    };
    static const char *const columns[] = {"stream_lanes", "stream_trial_8_lanes_s",
                                          "stream_trial_4_lanes_s", "stream_trial_threads"};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        psum_machine m;
        psum_warnings w;
        psum_result r = variant(cases[i].which, &m, &w);
        char *csv = render_with(psum_report_csv, &r, &m);
        for (size_t k = 0; k < 4; k++)
            cr_expect(eq(str, csv_field(csv, columns[k]), (char *)cases[i].csv[k]),
                      "variant %d %s", cases[i].which, columns[k]);
        free(csv);
        char *json = render_with(psum_report_json, &r, &m);
        cr_expect(not(eq(ptr, strstr(json, cases[i].json), NULL)), "%s", json);
        free(json);
        char *text = render_with(psum_report_text, &r, &m);
        if (cases[i].text != NULL)
            cr_expect(not(eq(ptr, strstr(text, cases[i].text), NULL)), "%s", text);
        else
            cr_expect(eq(ptr, strstr(text, "stream kernel"), NULL), "%s", text);
        free(text);
        psum_warnings_free(&w);
    }
}

Test(report, csv_without_header_is_the_row_alone)
{
    psum_result r = make_result(1);
    char *with = render(psum_report_csv, &r);
    r.cfg.csv_header = false;
    char *without = render(psum_report_csv, &r);
    cr_expect(eq(str, without, strchr(with, '\n') + 1));
    free(with);
    free(without);
}

Test(report, json_starts_with_the_schema_version)
{
    psum_result r = make_result(1);
    char *json = render(psum_report_json, &r);
    const char *start = "{\n  \"schema_version\": 1,\n  \"version\": ";
    cr_expect(eq(int, strncmp(json, start, strlen(start)), 0), "%s", json);
    free(json);
}

Test(report, text_shows_small_times_and_counts_in_words)
{
    psum_result r = make_result(1);
    static double tiny[] = {45.12e-9};
    r.cfg.repeat = 1;
    r.cfg.chunks = 1;
    r.serial = (psum_phase){tiny, 1, {45.12e-9, 45.12e-9, 45.12e-9, 45.12e-9, 0}, 499500, 1, 4096};
    r.parallel = (psum_phase){tiny, 1, {2.5e-6, 2.5e-6, 2.5e-6, 3.25e-6, 1.5e-7}, 499500, 1, 512};
    r.materialize_s = 0.00123;
    r.qual = (psum_qualification){.cpus_allowed = 1, .background_load = 0.5, .busy = true,
                                  .noisy = true, .oversubscribed = true};
    char *text = render(psum_report_text, &r);
    cr_expect(not(eq(ptr, strstr(text, "1 chunk, 1 timed repetition after 1 warm-up\n"), NULL)),
              "%s", text);
    cr_expect(not(eq(ptr, strstr(text, "serial      45.12 ns   45.12 ns   45.12 ns        0 s"),
                     NULL)), "%s", text);
    cr_expect(not(eq(ptr, strstr(text, "parallel    2.500 us   2.500 us   3.250 us   150.0 ns"),
                     NULL)), "%s", text);
    cr_expect(not(eq(ptr, strstr(text, "): 1.230 ms\n"), NULL)), "%s", text);
    cr_expect(eq(ptr, strstr(text, "0.0000"), NULL), "%s", text);
    cr_expect(not(eq(ptr, strstr(text, "quality   noisy (busy CPUs), oversubscribed; "
                                       "1 allowed CPU, background load 50%\n"), NULL)), "%s", text);
    free(text);

    r = make_result(1);
    r.qual = (psum_qualification){.cpus_allowed = 4, .background_load = -1};
    text = render(psum_report_text, &r);
    cr_expect(not(eq(ptr, strstr(text, "100 chunks, 3 timed repetitions after 1 warm-up\n"), NULL)),
              "%s", text);
    cr_expect(not(eq(ptr, strstr(text, "quality   steady; 4 allowed CPUs, background load unknown\n"),
                     NULL)), "%s", text);
    free(text);
}

/* Writes r with the warnings w in one format; the caller frees the text. */
static char *render_warned(writer wr, const psum_result *r, const psum_machine *m,
                           const psum_warnings *w)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    cr_assert(eq(int, wr(f, r, m, w), 0));
    fclose(f);
    return buf;
}

Test(report, warnings_are_data_in_json_and_csv_and_counted_in_text)
{
    psum_machine m;
    psum_warnings w;
    psum_result r = variant(3, &m, &w);
    char *text = render_warned(psum_report_text, &r, &m, &w);
    cr_expect(not(eq(ptr, strstr(text, "\nwarnings  2, on stderr\n"), NULL)), "%s", text);
    cr_expect(eq(ptr, strstr(text, "a, b"), NULL), "the text repeats a warning: %s", text);
    cr_expect(eq(ptr, strstr(text, "line"), NULL), "the text repeats a warning: %s", text);
    free(text);
    char *json = render_warned(psum_report_json, &r, &m, &w);
    cr_expect(not(eq(ptr, strstr(json, "\"warnings\": [\"a, b, \\\"c\\\"\", \"line\\\\nbreak"), NULL)),
              "%s", json);
    free(json);
    char *csv = render_warned(psum_report_csv, &r, &m, &w);
    cr_expect(eq(str, csv_field(csv, "warnings"), "a, b, \"c\"; line\\nbreak, \"\""), "%s", csv);
    free(csv);

    psum_warnings_free(&w);
    text = render_warned(psum_report_text, &r, &m, &w);
    cr_expect(eq(ptr, strstr(text, "warning"), NULL), "%s", text);
    free(text);
}

Test(report, provenance_in_every_format)
{
    psum_result r = make_result(1);
    r.started = 1796234462;
    psum_machine m = make_machine();
    m.build_commit = "03b01dae5f0000000000000000000000000000ff";
    m.build_dirty = 1;
    char *json = render_with(psum_report_json, &r, &m);
    cr_expect(not(eq(ptr, strstr(json, "\"version\": \"" PSUM_VERSION "\",\n"
                                       "  \"build_commit\": \"03b01dae5f0000000000000000000000000000ff\",\n"
                                       "  \"build_dirty\": true,\n"
                                       "  \"started_utc\": \"2026-12-02T18:01:02Z\",\n  \"n\": "),
                     NULL)), "%s", json);
    free(json);
    char *csv = render_with(psum_report_csv, &r, &m);
    cr_expect(eq(str, csv_field(csv, "version"), PSUM_VERSION));
    cr_expect(eq(str, csv_field(csv, "build_commit"), "03b01dae5f0000000000000000000000000000ff"));
    cr_expect(eq(str, csv_field(csv, "build_dirty"), "true"));
    cr_expect(eq(str, csv_field(csv, "started_utc"), "2026-12-02T18:01:02Z"));
    const char *tail = ",version,build_commit,build_dirty,started_utc\n";
    char *eol = strchr(csv, '\n');
    cr_expect(eq(int, strncmp(eol + 1 - strlen(tail), tail, strlen(tail)), 0),
              "the provenance columns come last: %s", csv);
    free(csv);
    char *text = render_with(psum_report_text, &r, &m);
    cr_expect(not(eq(ptr, strstr(text, "\nrun       started 2026-12-02T18:01:02Z, psum_omp "
                                       PSUM_VERSION " (commit 03b01dae5f"), NULL)), "%s", text);
    free(text);

    /* Unknown: a tarball's build, a clean one, a start time past year 9999. */
    m.build_commit = NULL;
    r.started = 253402300800;
    json = render_with(psum_report_json, &r, &m);
    cr_expect(not(eq(ptr, strstr(json, "\"build_commit\": null,\n  \"build_dirty\": null,\n"
                                       "  \"started_utc\": null,\n"), NULL)), "%s", json);
    free(json);
    csv = render_with(psum_report_csv, &r, &m);
    cr_expect(eq(str, csv_field(csv, "build_commit"), ""));
    cr_expect(eq(str, csv_field(csv, "build_dirty"), ""));
    cr_expect(eq(str, csv_field(csv, "started_utc"), ""));
    free(csv);
    m.build_commit = "03b01da";
    m.build_dirty = 0;
    json = render_with(psum_report_json, &r, &m);
    cr_expect(not(eq(ptr, strstr(json, "\"build_dirty\": false,"), NULL)), "%s", json);
    free(json);
}

Test(report, machine_caches_and_governor)
{
    psum_result r = make_result(1);
    psum_machine m = make_machine();
    m.caches = 3;
    m.cache[0] = (psum_cache){1, "Data", 48 << 10};
    m.cache[1] = (psum_cache){2, "Unified", 1 << 20};
    m.cache[2] = (psum_cache){3, "Odd\"", 3 << 20};
    strcpy(m.governor, "performance");
    char *json = render_with(psum_report_json, &r, &m);
    cr_expect(not(eq(ptr, strstr(json, "\"caches\": [{\"level\": 1, \"type\": \"Data\", "
                                       "\"size_bytes\": 49152}, {\"level\": 2, \"type\": \"Unified\", "
                                       "\"size_bytes\": 1048576}, {\"level\": 3, \"type\": \"Odd\\\"\", "
                                       "\"size_bytes\": 3145728}], "
                                       "\"scaling_governor\": \"performance\"},\n"), NULL)), "%s", json);
    free(json);
    char *text = render_with(psum_report_text, &r, &m);
    cr_expect(not(eq(ptr, strstr(text, "\ncaches    L1d 48 KiB, L2 1 MiB, L3 Odd\" 3 MiB; "
                                       "frequency governor performance\n"), NULL)), "%s", text);
    free(text);

    m.caches = 0;
    m.governor[0] = '\0';
    json = render_with(psum_report_json, &r, &m);
    cr_expect(not(eq(ptr, strstr(json, "\"caches\": null, \"scaling_governor\": null},\n"), NULL)),
              "%s", json);
    free(json);
    text = render_with(psum_report_text, &r, &m);
    cr_expect(not(eq(ptr, strstr(text, "\ncaches    unknown; frequency governor unknown\n"), NULL)),
              "%s", text);
    free(text);
}

Test(report, ranks_figures_only_for_a_result_across_ranks)
{
    psum_result r = make_result(1);
    char *json = render(psum_report_json, &r), *text = render(psum_report_text, &r);
    cr_expect(eq(ptr, strstr(json, "\"ranks\""), NULL), "psum_omp has no ranks: %s", json);
    cr_expect(eq(ptr, strstr(text, "psum_mpi"), NULL), "%s", text);
    free(json);
    free(text);

    r.ranks = (psum_ranks){.ranks = 3, .threads_per_rank = 2, .nodes = 2, .ranks_per_node = 2,
                           .imbalance = {0.25, 0.5, 0.75}, .reduce_s = 2.5e-5};
    json = render(psum_report_json, &r);
    cr_expect(not(eq(ptr, strstr(json, "  \"ranks\": 3,\n  \"threads_per_rank\": 2,\n"
                                       "  \"nodes\": 2,\n  \"ranks_per_node\": 2,\n"
                                       "  \"imbalance\": {\"min_s\": 0.25, \"mean_s\": 0.5, "
                                       "\"max_s\": 0.75},\n  \"reduce_s\": 2.5e-05,\n"), NULL)),
              "%s", json);
    free(json);

    char *csv = render(psum_report_csv, &r);
    cr_expect(eq(str, csv_field(csv, "ranks"), "3"));
    cr_expect(eq(str, csv_field(csv, "threads_per_rank"), "2"));
    cr_expect(eq(str, csv_field(csv, "ranks_per_node"), "2"));
    cr_expect(eq(str, csv_field(csv, "imbalance_max_s"), "0.75"));
    cr_expect(eq(str, csv_field(csv, "reduce_s"), "2.5e-05"));
    free(csv);

    text = render(psum_report_text, &r);
    cr_expect(not(eq(ptr, strstr(text, "psum_mpi: sum of 0..N-1"), NULL)), "%s", text);
    cr_expect(not(eq(ptr, strstr(text, "ranks 3 on 2 nodes, at most 2 per node, 2 threads per "
                                       "rank"), NULL)), "%s", text);
    cr_expect(not(eq(ptr, strstr(text, "max/mean 1.50"), NULL)), "%s", text);
    cr_expect(not(eq(ptr, strstr(text, "reduction 25.00 us"), NULL)), "%s", text);
    free(text);

    /* An unknown reduction time is null, an empty CSV field, no text line. */
    r.ranks.reduce_s = -1;
    json = render(psum_report_json, &r);
    cr_expect(not(eq(ptr, strstr(json, "\"reduce_s\": null,\n"), NULL)), "%s", json);
    free(json);
    csv = render(psum_report_csv, &r);
    cr_expect(eq(str, csv_field(csv, "reduce_s"), ""));
    free(csv);
}

#include "report.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "exact.h"
#include "membuf.h"
#include "psum_build.h"
#include "qualify.h"
#include "text.h"
#include "version.h"

#define WARNING_SIZE sizeof(((psum_warnings *)0)->text[0])

/* "true" or "false", as JSON and the CSV spell them. */
static const char *bool_name(bool b)
{
    return b ? "true" : "false";
}

static double speedup(const psum_result *r)
{
    return r->serial.stats.median / r->parallel.stats.median;
}

/* Speedup and efficiency exist for a verified run with a serial phase. */
static bool has_speedup(const psum_result *r)
{
    return r->verified && r->serial.count > 0 && r->parallel.stats.median > 0;
}

static double bytes_of(const psum_result *r)
{
    return (double)r->cfg.n * 8.0;
}

static bool materialized(const psum_result *r)
{
    return r->cfg.mode == PSUM_MODE_MATERIALIZE;
}

/* A psum_mpi result: it carries the figures across ranks. */
static bool across_ranks(const psum_result *r)
{
    return r->ranks.ranks > 0;
}

/* A host array was filled: materialize mode, unless a GPU run needed none. */
static bool host_filled(const psum_result *r)
{
    return materialized(r) && r->materialize_s >= 0;
}

static bool on_gpu(const psum_result *r)
{
    return r->device.kind == PSUM_DEVICE_GPU;
}

/* A run that generated values on the host has its stream kernel's width. */
static bool has_stream(const psum_result *r)
{
    return r->stream.widths > 0;
}

/* The widths were timed against each other (an AVX-512 build). */
static bool stream_tried(const psum_result *r)
{
    return r->stream.widths > 1;
}

/* Efficiency divides by host threads: it has no meaning for a GPU run. */
static bool has_efficiency(const psum_result *r)
{
    return has_speedup(r) && !on_gpu(r);
}

/* build_dirty as JSON spells it: true, false, or null when unknown. */
static const char *dirty_json(const psum_machine *m)
{
    return m->build_commit == NULL || m->build_dirty < 0 ? "null" : bool_name(m->build_dirty);
}

/* ---- text ---- */

/* The 's' that an English count takes, or none. */
static const char *plural(unsigned long long count)
{
    return count == 1 ? "" : "s";
}

static void text_phase(FILE *out, const char *name, const psum_result *r,
                       const psum_phase *p, bool parallel, bool noisy)
{
    const psum_stats *s = &p->stats;
    const double t[] = {s->median, s->min, s->max, s->stddev};
    fprintf(out, "%-9s", name);
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        char buf[PSUM_SECONDS_SIZE];
        fprintf(out, " %10s", psum_format_seconds(t[i], buf));
    }
    if (!r->verified) {
        fprintf(out, "  %7s %8s", "-", "-");
    } else {
        if (materialized(r))
            fprintf(out, "  %7.2f", bytes_of(r) / s->median / 1e9);
        else
            fprintf(out, "  %7s", "-");
        fprintf(out, " %8.3f", (double)r->cfg.n / s->median / 1e9);
    }
    if (parallel && has_efficiency(r))
        fprintf(out, " %8.2fx %10.2f", speedup(r), speedup(r) / r->team);
    else if (parallel && has_speedup(r))
        fprintf(out, " %8.2fx %10s", speedup(r), "-");
    else
        fprintf(out, " %9s %10s", "-", "-");
    fprintf(out, "%s\n", noisy ? "  noisy" : "");
}

/* The verdicts in one line: what made the run noisy, and the load they rest on. */
static void text_quality(FILE *out, const psum_qualification *q)
{
    const char *why[] = {q->serial_noisy ? "serial phase" : NULL,
                         q->parallel_noisy ? "parallel phase" : NULL,
                         q->busy ? "busy CPUs" : NULL};
    fputs("quality   ", out);
    if (q->noisy) {
        fputs("noisy (", out);
        for (size_t i = 0, n = 0; i < sizeof why / sizeof why[0]; i++) {
            if (why[i] != NULL)
                fprintf(out, "%s%s", n++ ? ", " : "", why[i]);
        }
        fputc(')', out);
    } else {
        fputs("steady", out);
    }
    fputs(q->oversubscribed ? ", oversubscribed" : "", out);
    if (q->cpus_allowed > 0)
        fprintf(out, "; %d allowed CPU%s", q->cpus_allowed, plural((unsigned)q->cpus_allowed));
    if (q->background_load >= 0)
        fprintf(out, ", background load %.0f%%\n", q->background_load * 100);
    else
        fputs(", background load unknown\n", out);
}

/* How the ranks were laid out, after the threads line. */
static void text_layout(FILE *out, const psum_ranks *k)
{
    fprintf(out, "ranks %d on %d node%s, at most %d per node, %d thread%s per rank "
            "(chunks are per rank)\n", k->ranks, k->nodes, plural((unsigned)k->nodes),
            k->ranks_per_node, k->threads_per_rank, plural((unsigned)k->threads_per_rank));
}

/* The imbalance and the reduction, after the phases. */
static void text_ranks(FILE *out, const psum_ranks *k)
{
    const psum_spread *s = &k->imbalance;
    char lo[PSUM_SECONDS_SIZE], mean[PSUM_SECONDS_SIZE], hi[PSUM_SECONDS_SIZE];
    fprintf(out, "local sum per rank (median): min %s, mean %s, max %s, max/mean %.2f\n",
            psum_format_seconds(s->min_s, lo), psum_format_seconds(s->mean_s, mean),
            psum_format_seconds(s->max_s, hi), s->mean_s > 0 ? s->max_s / s->mean_s : 1.0);
    if (k->reduce_s >= 0)
        fprintf(out, "reduction %s per repetition (median, beyond the slowest local sum)\n",
                psum_format_seconds(k->reduce_s, lo));
}

/* Says when a sample times several calls: the figures are per call. */
static void text_calls(FILE *out, const psum_result *r)
{
    const psum_phase *s = &r->serial, *p = &r->parallel;
    if (s->calls_per_sample <= 1 && p->calls_per_sample <= 1)
        return;
    fputs("each sample times several calls (one is shorter than the minimum sample): ", out);
    if (s->count > 0)
        fprintf(out, "serial %llu, ", (unsigned long long)s->calls_per_sample);
    fprintf(out, "parallel %llu calls per sample; times are per call\n",
            (unsigned long long)p->calls_per_sample);
}

/* The stream kernel's width, and the trial that chose it. */
static void text_stream(FILE *out, const psum_stream_choice *s)
{
    fprintf(out, "stream kernel: %d lanes of 64 bits per vector", s->lanes);
    if (s->widths < 2) {
        fputs(" (this build's only width)\n", out);
        return;
    }
    fprintf(out, ", the faster in a trial on %d thread%s at once (", s->threads,
            plural((unsigned)s->threads));
    for (int i = 0; i < s->widths; i++) {
        char t[PSUM_SECONDS_SIZE];
        fprintf(out, "%s%d lanes %s", i ? ", " : "", s->width[i],
                psum_format_seconds(s->trial_s[i], t));
    }
    fprintf(out, "; each thread's best of %d over 2^%d values, the slowest thread's)\n",
            PSUM_STREAM_TRIAL_ROUNDS, __builtin_ctzll(PSUM_STREAM_TRIAL_VALUES));
}

/* CPU 0's caches and governor: "caches    L1d 48 KiB, ...; frequency governor G". */
static void text_caches(FILE *out, const psum_machine *m)
{
    fputs("caches   ", out);
    if (m->caches == 0)
        fputs(" unknown", out);
    for (size_t i = 0; i < m->caches; i++) {
        const psum_cache *c = &m->cache[i];
        char esc[4 * sizeof c->type];
        const char *kind = strcmp(c->type, "Data") == 0          ? "d"
                           : strcmp(c->type, "Instruction") == 0 ? "i"
                           : strcmp(c->type, "Unified") == 0     ? ""
                                                                 : NULL;
        fprintf(out, "%s L%d%s", i ? "," : "", c->level, kind ? kind : "");
        if (kind == NULL)
            fprintf(out, " %s", psum_escape(c->type, esc, sizeof esc));
        if (c->size % (1024 * 1024) == 0)
            fprintf(out, " %llu MiB", (unsigned long long)(c->size >> 20));
        else
            fprintf(out, " %llu KiB", (unsigned long long)(c->size >> 10));
    }
    char gov[4 * sizeof m->governor];
    fprintf(out, "; frequency governor %s\n",
            m->governor[0] ? psum_escape(m->governor, gov, sizeof gov) : "unknown");
}

/* The GPU run's lines: where the parallel phase ran, with what, and the device's times. */
static void text_device(FILE *out, const psum_result *r)
{
    const psum_device_run *d = &r->device;
    char name[4 * PSUM_DEVICE_NAME_SIZE], t[PSUM_SECONDS_SIZE];
    fprintf(out, "gpu       %s, device %d of %d, %s; last launch %d teams x %d threads, "
            "%llu lanes; %llu launch%s per call\n",
            psum_escape(d->name, name, sizeof name), d->number, d->devices,
            d->on_device ? "on the device" : "ON THE HOST", d->teams, d->threads,
            (unsigned long long)d->lanes, (unsigned long long)d->launches,
            d->launches == 1 ? "" : "es");
    fprintf(out, "gpu warm-up (program load, PTX compilation, not in any sum): %s\n",
            psum_format_seconds(d->warmup_s, t));
    if (d->fill_s >= 0)
        fprintf(out, "gpu fill (on the device): %s\n", psum_format_seconds(d->fill_s, t));
    if (d->copy_s >= 0)
        fprintf(out, "gpu copy (host to device, --from-host): %s, %.2f GB/s\n",
                psum_format_seconds(d->copy_s, t),
                d->copy_s > 0 ? bytes_of(r) / d->copy_s / 1e9 : 0.0);
}

int psum_report_text(FILE *out, const psum_result *r, const psum_machine *m,
                     const psum_warnings *w)
{
    const psum_config *c = &r->cfg;
    char sum[PSUM_U128_DEC_SIZE], expected[PSUM_U128_DEC_SIZE];

    fprintf(out, "%s: sum of 0..N-1, N = %llu, mode %s",
            across_ranks(r) ? "psum_mpi" : "psum_omp", (unsigned long long)c->n,
            psum_mode_name(c->mode));
    if (materialized(r))
        fprintf(out, " (%.2f GB array)", bytes_of(r) / 1e9);
    if (on_gpu(r))
        fprintf(out, "\nparallel phase on the gpu, serial phase on one host core, "
                "%llu timed repetition%s after 1 warm-up\n",
                (unsigned long long)c->repeat, plural(c->repeat));
    else
        fprintf(out, "\nthreads %d running (%d requested), schedule %s, %llu chunk%s, "
                "%llu timed repetition%s after 1 warm-up\n",
                r->team, r->threads_requested, psum_schedule_name(c->schedule),
                (unsigned long long)c->chunks, plural(c->chunks),
                (unsigned long long)c->repeat, plural(c->repeat));
    if (on_gpu(r))
        text_device(out, r);
    if (across_ranks(r))
        text_layout(out, &r->ranks);
    if (host_filled(r)) {
        char fill[PSUM_SECONDS_SIZE];
        fprintf(out, "fill (first touch, %s): %s\n",
                r->huge_advised ? "huge pages advised" : "no huge pages",
                psum_format_seconds(r->materialize_s, fill));
    }
    if (has_stream(r))
        text_stream(out, &r->stream);

    text_calls(out, r);

    fprintf(out, "\n%-9s %10s %10s %10s %10s  %7s %8s %9s %10s\n", "phase", "median",
            "min", "max", "stddev", "GB/s", "Gelem/s", "speedup", "efficiency");
    if (r->serial.count > 0)
        text_phase(out, "serial", r, &r->serial, false, r->qual.serial_noisy);
    text_phase(out, on_gpu(r) ? "gpu" : "parallel", r, &r->parallel, true,
               r->qual.parallel_noisy);
    if (across_ranks(r))
        text_ranks(out, &r->ranks);

    fprintf(out, "\nsum       %s\nexpected  %s  %s\n",
            psum_u128_to_dec(psum_result_sum(r), sum),
            psum_u128_to_dec(r->expected, expected),
            r->verified ? "verified" : "MISMATCH: result INVALID");
    text_quality(out, &r->qual);
    char cpu[4 * sizeof m->cpu_model], bind[64];
    fprintf(out, "machine   %s, %ld logical CPU%s, %s, OpenMP %d, THP %s, OMP_PROC_BIND %s\n",
            psum_escape(m->cpu_model, cpu, sizeof cpu), m->logical_cpus,
            plural((unsigned long long)m->logical_cpus), m->compiler,
            m->openmp_version, m->huge_pages,
            m->omp_proc_bind ? psum_escape(m->omp_proc_bind, bind, sizeof bind) : "unset");
    text_caches(out, m);
    char started[PSUM_UTC_SIZE];
    fprintf(out, "run       started %s, ",
            psum_format_utc(r->started, started) ? started : "at an unknown time");
    psum_version_write(out, across_ranks(r) ? "psum_mpi" : "psum_omp", m->build_commit,
                       m->build_dirty);
    fputc('\n', out);
    /*
     * The warnings themselves went to stderr (psum_report_finish); a
     * terminal shows both streams, so listing them here showed each twice.
     * The count keeps a saved report honest about them.
     */
    if (w->count > 0)
        fprintf(out, "warnings  %zu, on stderr\n", w->count);
    return ferror(out) ? -1 : 0;
}

/* ---- CSV ---- */

static void csv_number(FILE *out, bool present, double v)
{
    if (present)
        fprintf(out, ",%.9g", v);
    else
        fputs(",", out);
}

/*
 * Writes s as inside a quoted CSV field: on one line and valid UTF-8
 * (psum_escape), every quote doubled.
 */
static void csv_escaped(FILE *out, const char *s)
{
    char clean[4 * WARNING_SIZE];
    psum_escape(s, clean, sizeof clean);
    for (const char *c = clean; *c; c++)
        fprintf(out, *c == '"' ? "\"\"" : "%c", *c);
}

/* Writes ,"s" with s quoted for CSV. */
static void csv_string(FILE *out, const char *s)
{
    fputs(",\"", out);
    csv_escaped(out, s);
    fputc('"', out);
}

/* Writes ,k for a phase that ran, a lone comma for one that did not. */
static void csv_count(FILE *out, const psum_phase *p)
{
    if (p->count > 0)
        fprintf(out, ",%llu", (unsigned long long)p->calls_per_sample);
    else
        fputs(",", out);
}

static void csv_phase(FILE *out, const psum_phase *p)
{
    const psum_stats *s = &p->stats;
    const double v[] = {s->min, s->median, s->mean, s->max, s->stddev};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        csv_number(out, p->count > 0, v[i]);
}

/* One line: the names of the fields that psum_report_csv writes, in order. */
static const char csv_header[] =
    "schema_version,n,mode,threads,threads_requested,schedule,chunks,repeat,sum,expected,"
    "verified,materialize_s,serial_min_s,serial_median_s,serial_mean_s,serial_max_s,"
    "serial_stddev_s,parallel_min_s,parallel_median_s,parallel_mean_s,"
    "parallel_max_s,parallel_stddev_s,speedup,efficiency,peak_rss_bytes,"
    "cpu_model,logical_cpus,compiler,warnings,serial_calls_per_sample,"
    "parallel_calls_per_sample,serial_noisy,parallel_noisy,noisy,busy,oversubscribed,"
    "background_load,cpus_allowed,omp_proc_bind,omp_places,huge_pages_advised,"
    "device,device_name,devices,device_number,on_device,device_teams,device_threads,"
    "device_lanes,device_launches,device_warmup_s,device_fill_s,device_copy_s";

/*
 * The stream kernel's fields, after psum_mpi's and before the provenance.  Only an
 * AVX-512 build times its widths, and they are then {8, 4}, in that order.
 */
static const char csv_stream_header[] =
    ",stream_lanes,stream_trial_8_lanes_s,stream_trial_4_lanes_s,stream_trial_threads";

/* Where the result comes from, after the stream kernel's fields: always last. */
static const char csv_provenance_header[] = ",version,build_commit,build_dirty,started_utc";

static void csv_provenance(FILE *out, const psum_result *r, const psum_machine *m)
{
    char started[PSUM_UTC_SIZE];
    fprintf(out, ",%s,%s,", PSUM_VERSION, m->build_commit != NULL ? m->build_commit : "");
    if (m->build_commit != NULL && m->build_dirty >= 0)
        fputs(bool_name(m->build_dirty), out);
    fprintf(out, ",%s", psum_format_utc(r->started, started) ? started : "");
}

static void csv_stream(FILE *out, const psum_result *r)
{
    const psum_stream_choice *s = &r->stream;
    if (!has_stream(r)) {
        fputs(",,,,", out);
        return;
    }
    fprintf(out, ",%d", s->lanes);
    csv_number(out, stream_tried(r), s->trial_s[0]);
    csv_number(out, stream_tried(r), s->trial_s[1]);
    if (stream_tried(r))
        fprintf(out, ",%d", s->threads);
    else
        fputc(',', out);
}

/* The fields a psum_mpi result adds at the end of the row. */
static const char csv_ranks_header[] =
    ",ranks,threads_per_rank,nodes,ranks_per_node,imbalance_min_s,imbalance_mean_s,"
    "imbalance_max_s,reduce_s";

static void csv_ranks(FILE *out, const psum_ranks *k)
{
    fprintf(out, ",%d,%d,%d,%d", k->ranks, k->threads_per_rank, k->nodes, k->ranks_per_node);
    csv_number(out, true, k->imbalance.min_s);
    csv_number(out, true, k->imbalance.mean_s);
    csv_number(out, true, k->imbalance.max_s);
    csv_number(out, k->reduce_s >= 0, k->reduce_s);
}

/* Writes ,"s" for a value that is set, a lone comma for NULL (unset). */
static void csv_optional_string(FILE *out, const char *s)
{
    if (s != NULL)
        csv_string(out, s);
    else
        fputc(',', out);
}

/* The device columns: the kind alone on the cpu, the rest empty. */
static void csv_device(FILE *out, const psum_result *r)
{
    const psum_device_run *d = &r->device;
    fprintf(out, ",%s", psum_device_name(d->kind));
    if (!on_gpu(r)) {
        fputs(",,,,,,,,,,,", out);
        return;
    }
    csv_string(out, d->name);
    fprintf(out, ",%d,%d,%s,%d,%d,%llu,%llu", d->devices, d->number, bool_name(d->on_device),
            d->teams, d->threads, (unsigned long long)d->lanes,
            (unsigned long long)d->launches);
    csv_number(out, true, d->warmup_s);
    csv_number(out, d->fill_s >= 0, d->fill_s);
    csv_number(out, d->copy_s >= 0, d->copy_s);
}

/* The verdicts, as the JSON carries them; a phase that did not run has none. */
static void csv_qualification(FILE *out, const psum_result *r)
{
    const psum_qualification *q = &r->qual;
    if (r->serial.count > 0)
        fprintf(out, ",%s", bool_name(q->serial_noisy));
    else
        fputc(',', out);
    fprintf(out, ",%s,%s,%s,%s", bool_name(q->parallel_noisy), bool_name(q->noisy),
            bool_name(q->busy), bool_name(q->oversubscribed));
    csv_number(out, q->background_load >= 0, q->background_load);
    fprintf(out, ",%d", q->cpus_allowed);
}

int psum_report_csv(FILE *out, const psum_result *r, const psum_machine *m,
                    const psum_warnings *w)
{
    const psum_config *c = &r->cfg;
    char sum[PSUM_U128_DEC_SIZE], expected[PSUM_U128_DEC_SIZE];

    if (c->csv_header) {
        fputs(csv_header, out);
        fputs(across_ranks(r) ? csv_ranks_header : "", out);
        fputs(csv_stream_header, out);
        fputs(csv_provenance_header, out);
        fputc('\n', out);
    }
    fprintf(out, "%d,%llu,%s,%d,%d,%s,%llu,%llu,%s,%s,%s", PSUM_SCHEMA_VERSION,
            (unsigned long long)c->n,
            psum_mode_name(c->mode), r->team, r->threads_requested,
            psum_schedule_name(c->schedule), (unsigned long long)c->chunks,
            (unsigned long long)c->repeat, psum_u128_to_dec(psum_result_sum(r), sum),
            psum_u128_to_dec(r->expected, expected), r->verified ? "true" : "false");
    csv_number(out, host_filled(r), r->materialize_s);
    csv_phase(out, &r->serial);
    csv_phase(out, &r->parallel);
    csv_number(out, has_speedup(r), has_speedup(r) ? speedup(r) : 0);
    csv_number(out, has_efficiency(r), has_efficiency(r) ? speedup(r) / r->team : 0);
    fprintf(out, ",%llu", (unsigned long long)r->peak_rss);
    csv_string(out, m->cpu_model);
    fprintf(out, ",%ld", m->logical_cpus);
    csv_string(out, m->compiler);
    /* All warnings in one field, joined by "; ". */
    fputs(",\"", out);
    for (size_t i = 0; i < w->count; i++) {
        fputs(i > 0 ? "; " : "", out);
        csv_escaped(out, w->text[i]);
    }
    fputc('"', out);
    csv_count(out, &r->serial);
    csv_count(out, &r->parallel);
    csv_qualification(out, r);
    csv_optional_string(out, m->omp_proc_bind);
    csv_optional_string(out, m->omp_places);
    fprintf(out, ",%s", bool_name(r->huge_advised));
    csv_device(out, r);
    if (across_ranks(r))
        csv_ranks(out, &r->ranks);
    csv_stream(out, r);
    csv_provenance(out, r, m);
    fputc('\n', out);
    return ferror(out) ? -1 : 0;
}

/* ---- JSON ---- */

static void json_number(FILE *out, bool present, double v)
{
    if (present)
        fprintf(out, "%.9g", v);
    else
        fputs("null", out);
}

static void json_phase(FILE *out, const char *name, const psum_phase *p, bool noisy)
{
    fprintf(out, "  \"%s\": ", name);
    if (p->count == 0) {
        fputs("null,\n", out);
        return;
    }
    const psum_stats *s = &p->stats;
    fprintf(out, "{\"min_s\": %.9g, \"median_s\": %.9g, \"mean_s\": %.9g, "
            "\"max_s\": %.9g, \"stddev_s\": %.9g, \"noisy\": %s, \"calls_per_sample\": %llu, "
            "\"samples_s\": [",
            s->min, s->median, s->mean, s->max, s->stddev,
            noisy ? "true" : "false", (unsigned long long)p->calls_per_sample);
    for (size_t i = 0; i < p->count; i++)
        fprintf(out, "%s%.9g", i ? ", " : "", p->samples[i]);
    fputs("]},\n", out);
}

/* The stream kernel's object, or null when no value was generated on the host. */
void psum_report_stream_json(FILE *out, const psum_stream_choice *s)
{
    fprintf(out, "{\"lanes\": %d, \"widths\": [", s->lanes);
    for (int i = 0; i < s->widths; i++)
        fprintf(out, "%s%d", i ? ", " : "", s->width[i]);
    fputs("], \"trial_s\": ", out);
    if (s->widths < 2) {
        fputs("null, \"trial_threads\": null}", out);
        return;
    }
    fputc('[', out);
    for (int i = 0; i < s->widths; i++)
        fprintf(out, "%s%.9g", i ? ", " : "", s->trial_s[i]);
    fprintf(out, "], \"trial_threads\": %d}", s->threads);
}

static void json_stream(FILE *out, const psum_result *r)
{
    fputs("  \"stream_kernel\": ", out);
    if (has_stream(r))
        psum_report_stream_json(out, &r->stream);
    else
        fputs("null", out);
    fputs(",\n", out);
}

/* The device object: the kind alone on the cpu, the rest null. */
static void json_device(FILE *out, const psum_result *r)
{
    const psum_device_run *d = &r->device;
    fprintf(out, "  \"device\": {\"kind\": \"%s\"", psum_device_name(d->kind));
    if (!on_gpu(r)) {
        fputs(", \"name\": null, \"devices\": null, \"number\": null, \"on_device\": null, "
              "\"teams\": null, \"threads\": null, \"lanes\": null, \"launches\": null, "
              "\"warmup_s\": null, \"fill_s\": null, \"copy_s\": null},\n", out);
        return;
    }
    fputs(", \"name\": ", out);
    psum_json_string(out, d->name);
    fprintf(out, ", \"devices\": %d, \"number\": %d, \"on_device\": %s, \"teams\": %d, "
            "\"threads\": %d, \"lanes\": %llu, \"launches\": %llu, \"warmup_s\": ",
            d->devices, d->number, bool_name(d->on_device), d->teams, d->threads,
            (unsigned long long)d->lanes, (unsigned long long)d->launches);
    json_number(out, true, d->warmup_s);
    fputs(", \"fill_s\": ", out);
    json_number(out, d->fill_s >= 0, d->fill_s);
    fputs(", \"copy_s\": ", out);
    json_number(out, d->copy_s >= 0, d->copy_s);
    fputs("},\n", out);
}

static void json_machine(FILE *out, const psum_machine *m)
{
    fputs("  \"machine\": {\"cpu_model\": ", out);
    psum_json_string(out, m->cpu_model);
    fprintf(out, ", \"logical_cpus\": %ld, \"mem_total_bytes\": %llu, \"kernel\": ",
            m->logical_cpus, (unsigned long long)m->mem_total);
    psum_json_string(out, m->kernel);
    fputs(", \"compiler\": ", out);
    psum_json_string(out, m->compiler);
    fputs(", \"build\": ", out);
    psum_json_string(out, m->build);
    fprintf(out, ", \"openmp_version\": %d, \"huge_pages\": ", m->openmp_version);
    psum_json_string(out, m->huge_pages);
    fputs(", \"omp_num_threads\": ", out);
    psum_json_string(out, m->omp_num_threads);
    fputs(", \"omp_proc_bind\": ", out);
    psum_json_string(out, m->omp_proc_bind);
    fputs(", \"omp_places\": ", out);
    psum_json_string(out, m->omp_places);
    fputs(", \"caches\": ", out);
    if (m->caches == 0)
        fputs("null", out);
    for (size_t i = 0; i < m->caches; i++) {
        fprintf(out, "%s{\"level\": %d, \"type\": ", i ? ", " : "[", m->cache[i].level);
        psum_json_string(out, m->cache[i].type);
        fprintf(out, ", \"size_bytes\": %llu}%s", (unsigned long long)m->cache[i].size,
                i + 1 == m->caches ? "]" : "");
    }
    fputs(", \"scaling_governor\": ", out);
    psum_json_string(out, m->governor[0] != '\0' ? m->governor : NULL);
    fputs("},\n", out);
}

/* psum_mpi's figures across ranks, each member ending in ",\n". */
static void json_ranks(FILE *out, const psum_ranks *k)
{
    fprintf(out, "  \"ranks\": %d,\n  \"threads_per_rank\": %d,\n  \"nodes\": %d,\n"
            "  \"ranks_per_node\": %d,\n  \"imbalance\": {\"min_s\": %.9g, \"mean_s\": %.9g, "
            "\"max_s\": %.9g},\n  \"reduce_s\": ",
            k->ranks, k->threads_per_rank, k->nodes, k->ranks_per_node, k->imbalance.min_s,
            k->imbalance.mean_s, k->imbalance.max_s);
    json_number(out, k->reduce_s >= 0, k->reduce_s);
    fputs(",\n", out);
}

/* The verdicts and the thresholds they were decided with. */
static void json_qualification(FILE *out, const psum_qualification *q)
{
    json_number(out, q->background_load >= 0, q->background_load);
    fprintf(out, ",\n  \"cpus_allowed\": %d,\n  \"oversubscribed\": %s,\n"
            "  \"busy\": %s,\n  \"noisy\": %s,\n"
            "  \"thresholds\": {\"cv\": %g, \"max_over_min\": %g, \"background_load\": %g},\n",
            q->cpus_allowed, bool_name(q->oversubscribed), bool_name(q->busy),
            bool_name(q->noisy), PSUM_NOISY_CV, PSUM_NOISY_MAX_OVER_MIN, PSUM_BUSY_LOAD);
}

int psum_report_json(FILE *out, const psum_result *r, const psum_machine *m,
                     const psum_warnings *w)
{
    const psum_config *c = &r->cfg;
    char sum[PSUM_U128_DEC_SIZE], expected[PSUM_U128_DEC_SIZE];

    char started[PSUM_UTC_SIZE];
    fprintf(out, "{\n  \"schema_version\": %d,\n  \"version\": \"%s\",\n  \"build_commit\": ",
            PSUM_SCHEMA_VERSION, PSUM_VERSION);
    psum_json_string(out, m->build_commit);
    fprintf(out, ",\n  \"build_dirty\": %s,\n  \"started_utc\": ", dirty_json(m));
    psum_json_string(out, psum_format_utc(r->started, started));
    fprintf(out, ",\n  \"n\": %llu,\n  \"mode\": \"%s\",\n"
            "  \"threads\": %d,\n  \"threads_requested\": %d,\n  \"schedule\": \"%s\",\n"
            "  \"chunks\": %llu,\n  \"repeat\": %llu,\n  \"sum\": \"%s\",\n"
            "  \"expected\": \"%s\",\n  \"verified\": %s,\n  \"materialize_s\": ",
            (unsigned long long)c->n,
            psum_mode_name(c->mode), r->team,
            r->threads_requested, psum_schedule_name(c->schedule),
            (unsigned long long)c->chunks, (unsigned long long)c->repeat,
            psum_u128_to_dec(psum_result_sum(r), sum),
            psum_u128_to_dec(r->expected, expected),
            r->verified ? "true" : "false");
    json_number(out, host_filled(r), r->materialize_s);
    fprintf(out, ",\n  \"huge_pages_advised\": %s,\n", r->huge_advised ? "true" : "false");
    json_phase(out, "serial", &r->serial, r->qual.serial_noisy);
    json_phase(out, "parallel", &r->parallel, r->qual.parallel_noisy);
    fputs("  \"speedup\": ", out);
    json_number(out, has_speedup(r), has_speedup(r) ? speedup(r) : 0);
    fputs(",\n  \"efficiency\": ", out);
    json_number(out, has_efficiency(r), has_efficiency(r) ? speedup(r) / r->team : 0);
    fprintf(out, ",\n  \"peak_rss_bytes\": %llu,\n  \"background_load\": ",
            (unsigned long long)r->peak_rss);
    json_qualification(out, &r->qual);
    json_device(out, r);
    json_stream(out, r);
    if (across_ranks(r))
        json_ranks(out, &r->ranks);
    json_machine(out, m);
    fputs("  \"warnings\": [", out);
    for (size_t i = 0; i < w->count; i++) {
        fputs(i ? ", " : "", out);
        psum_json_string(out, w->text[i]);
    }
    fputs("]\n}\n", out);
    return ferror(out) ? -1 : 0;
}

/* ---- dispatch ---- */

typedef int (*writer)(FILE *, const psum_result *, const psum_machine *, const psum_warnings *);

static const writer writers[] = {
    [PSUM_FORMAT_TEXT] = psum_report_text,
    [PSUM_FORMAT_CSV] = psum_report_csv,
    [PSUM_FORMAT_JSON] = psum_report_json,
};

/* A format added to config.h without its writer stops the build here. */
_Static_assert(sizeof writers / sizeof writers[0] == PSUM_FORMAT_COUNT,
               "one writer per psum_format");

int psum_report(FILE *out, const psum_result *r, const psum_machine *m,
                const psum_warnings *w)
{
    psum_membuf buf;
    FILE *mem = psum_membuf_open(&buf, SIZE_MAX);
    if (mem == NULL)
        return -1;
    int rc = writers[r->cfg.format](mem, r, m, w);
    if (psum_membuf_close(mem, &buf) != 0 || rc != 0) {
        int saved = errno;
        psum_membuf_free(&buf);
        errno = saved;
        return -1;
    }
    fwrite(buf.data, 1, buf.len, out);
    psum_membuf_free(&buf);
    return 0;
}

int psum_close_output(FILE *out, const char *program)
{
    if (fflush(out) != 0 || ferror(out) || fclose(out) != 0) {
        char what[96];
        snprintf(what, sizeof what, "%s: write error on standard output", program);
        perror(what);
        return 1;
    }
    return 0;
}

int psum_report_finish(const char *program, const psum_result *r, const psum_machine *m,
                       const psum_warnings *w)
{
    for (size_t i = 0; i < w->count; i++)
        fprintf(stderr, "%s: warning: %s\n", program, w->text[i]);
    int rc = 0;
    if (psum_report(stdout, r, m, w) != 0) {
        fprintf(stderr, "%s: cannot format the report: %s\n", program, strerror(errno));
        rc = 1;
    }
    rc |= psum_close_output(stdout, program);
    if (!r->verified) {
        char got[PSUM_U128_DEC_SIZE], want[PSUM_U128_DEC_SIZE];
        fprintf(stderr, "%s: verification failed: sum %s, expected %s\n", program,
                psum_u128_to_dec(psum_result_sum(r), got),
                psum_u128_to_dec(r->expected, want));
        rc = 1;
    }
    return rc;
}

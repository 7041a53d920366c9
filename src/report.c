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
        fprintf(out, "reduction %s per call (median, beyond the slowest local sum)\n",
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

/* ---- CSV and JSON: one table of fields ---- */

/*
 * Where a field's JSON member goes.  The JSON writes the sections in this
 * order, each section's members in the order of the field table; the CSV
 * ignores sections, except that an absent one leaves its cells empty (or,
 * omitted, has no columns).
 */
typedef enum {
    SEC_HEAD,     /* the layout's version and the provenance */
    SEC_RUN,      /* what was asked and what it gave */
    SEC_SERIAL,   /* the phase objects */
    SEC_PARALLEL,
    SEC_FIGURES,  /* speedup, efficiency, memory */
    SEC_QUALITY,  /* the verdicts (qualify.h) */
    SEC_DEVICE,
    SEC_STREAM,   /* the host stream kernel's choice */
    SEC_RANKS,    /* psum_mpi's figures across ranks */
    SEC_MACHINE,
    SEC_WARNINGS,
    SEC_COUNT
} section;

/* What a field's value is computed from, with room for the values it formats. */
typedef struct {
    const psum_result *r;
    const psum_machine *m;
    const psum_warnings *w;
    const psum_phase *phase; /* in a phase's section: that phase */
    bool phase_noisy;        /* and its verdict */
    char sum[PSUM_U128_DEC_SIZE], expected[PSUM_U128_DEC_SIZE];
    char started[PSUM_UTC_SIZE];
    bool has_started;
} field_ctx;

/*
 * A field's value and how both formats spell it.  An absent value is an
 * empty CSV cell and a JSON null.
 */
typedef enum {
    V_ABSENT,
    V_INT,      /* long long */
    V_U64,      /* unsigned long long */
    V_NUM,      /* double, 9 significant digits */
    V_BOOL,
    V_NAME,     /* from a fixed set, or digits: bare in the CSV, a JSON string */
    V_TEXT,     /* free text: quoted in the CSV, a JSON string */
    V_WARNINGS, /* the warnings: one quoted CSV field joined by "; ", a JSON array */
} value_kind;

typedef struct {
    value_kind kind;
    union {
        long long i;
        unsigned long long u;
        double d;
        bool b;
        const char *s;
    };
} value;

static const value absent = {.kind = V_ABSENT};

static value v_int(long long i)
{
    return (value){.kind = V_INT, .i = i};
}

static value v_u64(unsigned long long u)
{
    return (value){.kind = V_U64, .u = u};
}

static value v_num(bool present, double d)
{
    return present ? (value){.kind = V_NUM, .d = d} : absent;
}

static value v_bool(bool b)
{
    return (value){.kind = V_BOOL, .b = b};
}

/* A name, or absent for NULL. */
static value v_name(const char *s)
{
    return s != NULL ? (value){.kind = V_NAME, .s = s} : absent;
}

/* Free text, or absent for NULL. */
static value v_text(const char *s)
{
    return s != NULL ? (value){.kind = V_TEXT, .s = s} : absent;
}

/*
 * One output field.  A field in both formats has a CSV column and a JSON
 * key and its value from get; a JSON-only member (csv NULL) may write its
 * own shape with json instead (an array, an object of its own).  The table
 * is in the CSV's order, which only ever grows at its end (reference.md,
 * schema_version); a JSON-only member sits where the JSON puts it within
 * its section.
 */
typedef struct field {
    const char *csv;    /* the CSV column; NULL for a JSON-only member */
    const char *json;   /* the JSON key; NULL for a CSV-only column */
    const char *object; /* the JSON object it is a member of; NULL at the top */
    section sec;
    value (*get)(const field_ctx *x);
    void (*json_write)(FILE *out, const field_ctx *x); /* instead of get */
} field;

/* ---- the fields' values ---- */

static value f_schema_version(const field_ctx *x)
{
    (void)x;
    return v_int(PSUM_SCHEMA_VERSION);
}

static value f_version(const field_ctx *x)
{
    (void)x;
    return v_name(PSUM_VERSION);
}

static value f_build_commit(const field_ctx *x)
{
    return v_name(x->m->build_commit);
}

/* Unknown without a commit, or when the build could not tell. */
static value f_build_dirty(const field_ctx *x)
{
    const psum_machine *m = x->m;
    return m->build_commit != NULL && m->build_dirty >= 0 ? v_bool(m->build_dirty) : absent;
}

static value f_started_utc(const field_ctx *x)
{
    return v_name(x->has_started ? x->started : NULL);
}

static value f_n(const field_ctx *x)
{
    return v_u64(x->r->cfg.n);
}

static value f_mode(const field_ctx *x)
{
    return v_name(psum_mode_name(x->r->cfg.mode));
}

static value f_threads(const field_ctx *x)
{
    return v_int(x->r->team);
}

static value f_threads_requested(const field_ctx *x)
{
    return v_int(x->r->threads_requested);
}

static value f_schedule(const field_ctx *x)
{
    return v_name(psum_schedule_name(x->r->cfg.schedule));
}

static value f_chunks(const field_ctx *x)
{
    return v_u64(x->r->cfg.chunks);
}

static value f_repeat(const field_ctx *x)
{
    return v_u64(x->r->cfg.repeat);
}

static value f_sum(const field_ctx *x)
{
    return v_name(x->sum);
}

static value f_expected(const field_ctx *x)
{
    return v_name(x->expected);
}

static value f_verified(const field_ctx *x)
{
    return v_bool(x->r->verified);
}

static value f_materialize_s(const field_ctx *x)
{
    return v_num(host_filled(x->r), x->r->materialize_s);
}

static value f_huge_pages_advised(const field_ctx *x)
{
    return v_bool(x->r->huge_advised);
}

static value f_min_s(const field_ctx *x)
{
    return v_num(true, x->phase->stats.min);
}

static value f_median_s(const field_ctx *x)
{
    return v_num(true, x->phase->stats.median);
}

static value f_mean_s(const field_ctx *x)
{
    return v_num(true, x->phase->stats.mean);
}

static value f_max_s(const field_ctx *x)
{
    return v_num(true, x->phase->stats.max);
}

static value f_stddev_s(const field_ctx *x)
{
    return v_num(true, x->phase->stats.stddev);
}

static value f_calls_per_sample(const field_ctx *x)
{
    return v_u64(x->phase->calls_per_sample);
}

static value f_phase_noisy(const field_ctx *x)
{
    return v_bool(x->phase_noisy);
}

static void j_samples_s(FILE *out, const field_ctx *x)
{
    const psum_phase *p = x->phase;
    fputc('[', out);
    for (size_t i = 0; i < p->count; i++)
        fprintf(out, "%s%.9g", i ? ", " : "", p->samples[i]);
    fputc(']', out);
}

static value f_speedup(const field_ctx *x)
{
    return has_speedup(x->r) ? v_num(true, speedup(x->r)) : absent;
}

static value f_efficiency(const field_ctx *x)
{
    return has_efficiency(x->r) ? v_num(true, speedup(x->r) / x->r->team) : absent;
}

static value f_peak_rss_bytes(const field_ctx *x)
{
    return v_u64(x->r->peak_rss);
}

static value f_noisy(const field_ctx *x)
{
    return v_bool(x->r->qual.noisy);
}

static value f_busy(const field_ctx *x)
{
    return v_bool(x->r->qual.busy);
}

static value f_oversubscribed(const field_ctx *x)
{
    return v_bool(x->r->qual.oversubscribed);
}

static value f_background_load(const field_ctx *x)
{
    const psum_qualification *q = &x->r->qual;
    return v_num(q->background_load >= 0, q->background_load);
}

static value f_cpus_allowed(const field_ctx *x)
{
    return v_int(x->r->qual.cpus_allowed);
}

static value f_threshold_cv(const field_ctx *x)
{
    (void)x;
    return v_num(true, PSUM_NOISY_CV);
}

static value f_threshold_max_over_min(const field_ctx *x)
{
    (void)x;
    return v_num(true, PSUM_NOISY_MAX_OVER_MIN);
}

static value f_threshold_background_load(const field_ctx *x)
{
    (void)x;
    return v_num(true, PSUM_BUSY_LOAD);
}

static value f_device(const field_ctx *x)
{
    return v_name(psum_device_name(x->r->device.kind));
}

/* The GPU record's fields: absent on the cpu. */
static value f_device_name(const field_ctx *x)
{
    return on_gpu(x->r) ? v_text(x->r->device.name) : absent;
}

static value f_devices(const field_ctx *x)
{
    return on_gpu(x->r) ? v_int(x->r->device.devices) : absent;
}

static value f_device_number(const field_ctx *x)
{
    return on_gpu(x->r) ? v_int(x->r->device.number) : absent;
}

static value f_on_device(const field_ctx *x)
{
    return on_gpu(x->r) ? v_bool(x->r->device.on_device) : absent;
}

static value f_device_teams(const field_ctx *x)
{
    return on_gpu(x->r) ? v_int(x->r->device.teams) : absent;
}

static value f_device_threads(const field_ctx *x)
{
    return on_gpu(x->r) ? v_int(x->r->device.threads) : absent;
}

static value f_device_lanes(const field_ctx *x)
{
    return on_gpu(x->r) ? v_u64(x->r->device.lanes) : absent;
}

static value f_device_launches(const field_ctx *x)
{
    return on_gpu(x->r) ? v_u64(x->r->device.launches) : absent;
}

static value f_device_warmup_s(const field_ctx *x)
{
    return v_num(on_gpu(x->r), x->r->device.warmup_s);
}

static value f_device_fill_s(const field_ctx *x)
{
    const psum_device_run *d = &x->r->device;
    return v_num(on_gpu(x->r) && d->fill_s >= 0, d->fill_s);
}

static value f_device_copy_s(const field_ctx *x)
{
    const psum_device_run *d = &x->r->device;
    return v_num(on_gpu(x->r) && d->copy_s >= 0, d->copy_s);
}

/* The stream kernel's object, or null when no value was generated on the host. */
static void j_stream_kernel(FILE *out, const field_ctx *x)
{
    if (has_stream(x->r))
        psum_report_stream_json(out, &x->r->stream);
    else
        fputs("null", out);
}

static value f_stream_lanes(const field_ctx *x)
{
    return has_stream(x->r) ? v_int(x->r->stream.lanes) : absent;
}

/* Only an AVX-512 build times its widths, and they are then {8, 4}, in that order. */
static value f_stream_trial_8_lanes_s(const field_ctx *x)
{
    return v_num(stream_tried(x->r), x->r->stream.trial_s[0]);
}

static value f_stream_trial_4_lanes_s(const field_ctx *x)
{
    return v_num(stream_tried(x->r), x->r->stream.trial_s[1]);
}

static value f_stream_trial_threads(const field_ctx *x)
{
    return stream_tried(x->r) ? v_int(x->r->stream.threads) : absent;
}

static value f_ranks(const field_ctx *x)
{
    return v_int(x->r->ranks.ranks);
}

static value f_threads_per_rank(const field_ctx *x)
{
    return v_int(x->r->ranks.threads_per_rank);
}

static value f_nodes(const field_ctx *x)
{
    return v_int(x->r->ranks.nodes);
}

static value f_ranks_per_node(const field_ctx *x)
{
    return v_int(x->r->ranks.ranks_per_node);
}

static value f_imbalance_min_s(const field_ctx *x)
{
    return v_num(true, x->r->ranks.imbalance.min_s);
}

static value f_imbalance_mean_s(const field_ctx *x)
{
    return v_num(true, x->r->ranks.imbalance.mean_s);
}

static value f_imbalance_max_s(const field_ctx *x)
{
    return v_num(true, x->r->ranks.imbalance.max_s);
}

static value f_reduce_s(const field_ctx *x)
{
    const psum_ranks *k = &x->r->ranks;
    return v_num(k->reduce_s >= 0, k->reduce_s);
}

static value f_cpu_model(const field_ctx *x)
{
    return v_text(x->m->cpu_model);
}

static value f_logical_cpus(const field_ctx *x)
{
    return v_int(x->m->logical_cpus);
}

static value f_mem_total_bytes(const field_ctx *x)
{
    return v_u64(x->m->mem_total);
}

static value f_kernel(const field_ctx *x)
{
    return v_text(x->m->kernel);
}

static value f_compiler(const field_ctx *x)
{
    return v_text(x->m->compiler);
}

static value f_build(const field_ctx *x)
{
    return v_text(x->m->build);
}

static value f_openmp_version(const field_ctx *x)
{
    return v_int(x->m->openmp_version);
}

static value f_huge_pages(const field_ctx *x)
{
    return v_text(x->m->huge_pages);
}

static value f_omp_num_threads(const field_ctx *x)
{
    return v_text(x->m->omp_num_threads);
}

static value f_omp_proc_bind(const field_ctx *x)
{
    return v_text(x->m->omp_proc_bind);
}

static value f_omp_places(const field_ctx *x)
{
    return v_text(x->m->omp_places);
}

/* CPU 0's caches, in sysfs's index order; null when none could be read. */
static void j_caches(FILE *out, const field_ctx *x)
{
    const psum_machine *m = x->m;
    if (m->caches == 0)
        fputs("null", out);
    for (size_t i = 0; i < m->caches; i++) {
        fprintf(out, "%s{\"level\": %d, \"type\": ", i ? ", " : "[", m->cache[i].level);
        psum_json_string(out, m->cache[i].type);
        fprintf(out, ", \"size_bytes\": %llu}%s", (unsigned long long)m->cache[i].size,
                i + 1 == m->caches ? "]" : "");
    }
}

static value f_scaling_governor(const field_ctx *x)
{
    return v_text(x->m->governor[0] != '\0' ? x->m->governor : NULL);
}

static value f_warnings(const field_ctx *x)
{
    (void)x;
    return (value){.kind = V_WARNINGS};
}

/* ---- the table ---- */

static const field fields[] = {
    {"schema_version", "schema_version", NULL, SEC_HEAD, f_schema_version, NULL},
    {"n", "n", NULL, SEC_RUN, f_n, NULL},
    {"mode", "mode", NULL, SEC_RUN, f_mode, NULL},
    {"threads", "threads", NULL, SEC_RUN, f_threads, NULL},
    {"threads_requested", "threads_requested", NULL, SEC_RUN, f_threads_requested, NULL},
    {"schedule", "schedule", NULL, SEC_RUN, f_schedule, NULL},
    {"chunks", "chunks", NULL, SEC_RUN, f_chunks, NULL},
    {"repeat", "repeat", NULL, SEC_RUN, f_repeat, NULL},
    {"sum", "sum", NULL, SEC_RUN, f_sum, NULL},
    {"expected", "expected", NULL, SEC_RUN, f_expected, NULL},
    {"verified", "verified", NULL, SEC_RUN, f_verified, NULL},
    {"materialize_s", "materialize_s", NULL, SEC_RUN, f_materialize_s, NULL},
    {"serial_min_s", "min_s", "serial", SEC_SERIAL, f_min_s, NULL},
    {"serial_median_s", "median_s", "serial", SEC_SERIAL, f_median_s, NULL},
    {"serial_mean_s", "mean_s", "serial", SEC_SERIAL, f_mean_s, NULL},
    {"serial_max_s", "max_s", "serial", SEC_SERIAL, f_max_s, NULL},
    {"serial_stddev_s", "stddev_s", "serial", SEC_SERIAL, f_stddev_s, NULL},
    {"parallel_min_s", "min_s", "parallel", SEC_PARALLEL, f_min_s, NULL},
    {"parallel_median_s", "median_s", "parallel", SEC_PARALLEL, f_median_s, NULL},
    {"parallel_mean_s", "mean_s", "parallel", SEC_PARALLEL, f_mean_s, NULL},
    {"parallel_max_s", "max_s", "parallel", SEC_PARALLEL, f_max_s, NULL},
    {"parallel_stddev_s", "stddev_s", "parallel", SEC_PARALLEL, f_stddev_s, NULL},
    {"speedup", "speedup", NULL, SEC_FIGURES, f_speedup, NULL},
    {"efficiency", "efficiency", NULL, SEC_FIGURES, f_efficiency, NULL},
    {"peak_rss_bytes", "peak_rss_bytes", NULL, SEC_FIGURES, f_peak_rss_bytes, NULL},
    {"cpu_model", "cpu_model", "machine", SEC_MACHINE, f_cpu_model, NULL},
    {"logical_cpus", "logical_cpus", "machine", SEC_MACHINE, f_logical_cpus, NULL},
    {NULL, "mem_total_bytes", "machine", SEC_MACHINE, f_mem_total_bytes, NULL},
    {NULL, "kernel", "machine", SEC_MACHINE, f_kernel, NULL},
    {"compiler", "compiler", "machine", SEC_MACHINE, f_compiler, NULL},
    {NULL, "build", "machine", SEC_MACHINE, f_build, NULL},
    {NULL, "openmp_version", "machine", SEC_MACHINE, f_openmp_version, NULL},
    {NULL, "huge_pages", "machine", SEC_MACHINE, f_huge_pages, NULL},
    {NULL, "omp_num_threads", "machine", SEC_MACHINE, f_omp_num_threads, NULL},
    {"warnings", "warnings", NULL, SEC_WARNINGS, f_warnings, NULL},
    {"serial_calls_per_sample", "calls_per_sample", "serial", SEC_SERIAL, f_calls_per_sample,
     NULL},
    {"parallel_calls_per_sample", "calls_per_sample", "parallel", SEC_PARALLEL,
     f_calls_per_sample, NULL},
    {"serial_noisy", "noisy", "serial", SEC_SERIAL, f_phase_noisy, NULL},
    {NULL, "samples_s", "serial", SEC_SERIAL, NULL, j_samples_s},
    {"parallel_noisy", "noisy", "parallel", SEC_PARALLEL, f_phase_noisy, NULL},
    {NULL, "samples_s", "parallel", SEC_PARALLEL, NULL, j_samples_s},
    {"noisy", "noisy", NULL, SEC_QUALITY, f_noisy, NULL},
    {"busy", "busy", NULL, SEC_QUALITY, f_busy, NULL},
    {"oversubscribed", "oversubscribed", NULL, SEC_QUALITY, f_oversubscribed, NULL},
    {"background_load", "background_load", NULL, SEC_QUALITY, f_background_load, NULL},
    {"cpus_allowed", "cpus_allowed", NULL, SEC_QUALITY, f_cpus_allowed, NULL},
    {NULL, "cv", "thresholds", SEC_QUALITY, f_threshold_cv, NULL},
    {NULL, "max_over_min", "thresholds", SEC_QUALITY, f_threshold_max_over_min, NULL},
    {NULL, "background_load", "thresholds", SEC_QUALITY, f_threshold_background_load, NULL},
    {"omp_proc_bind", "omp_proc_bind", "machine", SEC_MACHINE, f_omp_proc_bind, NULL},
    {"omp_places", "omp_places", "machine", SEC_MACHINE, f_omp_places, NULL},
    {NULL, "caches", "machine", SEC_MACHINE, NULL, j_caches},
    {NULL, "scaling_governor", "machine", SEC_MACHINE, f_scaling_governor, NULL},
    {"huge_pages_advised", "huge_pages_advised", NULL, SEC_RUN, f_huge_pages_advised, NULL},
    {"device", "kind", "device", SEC_DEVICE, f_device, NULL},
    {"device_name", "name", "device", SEC_DEVICE, f_device_name, NULL},
    {"devices", "devices", "device", SEC_DEVICE, f_devices, NULL},
    {"device_number", "number", "device", SEC_DEVICE, f_device_number, NULL},
    {"on_device", "on_device", "device", SEC_DEVICE, f_on_device, NULL},
    {"device_teams", "teams", "device", SEC_DEVICE, f_device_teams, NULL},
    {"device_threads", "threads", "device", SEC_DEVICE, f_device_threads, NULL},
    {"device_lanes", "lanes", "device", SEC_DEVICE, f_device_lanes, NULL},
    {"device_launches", "launches", "device", SEC_DEVICE, f_device_launches, NULL},
    {"device_warmup_s", "warmup_s", "device", SEC_DEVICE, f_device_warmup_s, NULL},
    {"device_fill_s", "fill_s", "device", SEC_DEVICE, f_device_fill_s, NULL},
    {"device_copy_s", "copy_s", "device", SEC_DEVICE, f_device_copy_s, NULL},
    {"ranks", "ranks", NULL, SEC_RANKS, f_ranks, NULL},
    {"threads_per_rank", "threads_per_rank", NULL, SEC_RANKS, f_threads_per_rank, NULL},
    {"nodes", "nodes", NULL, SEC_RANKS, f_nodes, NULL},
    {"ranks_per_node", "ranks_per_node", NULL, SEC_RANKS, f_ranks_per_node, NULL},
    {"imbalance_min_s", "min_s", "imbalance", SEC_RANKS, f_imbalance_min_s, NULL},
    {"imbalance_mean_s", "mean_s", "imbalance", SEC_RANKS, f_imbalance_mean_s, NULL},
    {"imbalance_max_s", "max_s", "imbalance", SEC_RANKS, f_imbalance_max_s, NULL},
    {"reduce_s", "reduce_s", NULL, SEC_RANKS, f_reduce_s, NULL},
    {NULL, "stream_kernel", NULL, SEC_STREAM, NULL, j_stream_kernel},
    {"stream_lanes", NULL, NULL, SEC_STREAM, f_stream_lanes, NULL},
    {"stream_trial_8_lanes_s", NULL, NULL, SEC_STREAM, f_stream_trial_8_lanes_s, NULL},
    {"stream_trial_4_lanes_s", NULL, NULL, SEC_STREAM, f_stream_trial_4_lanes_s, NULL},
    {"stream_trial_threads", NULL, NULL, SEC_STREAM, f_stream_trial_threads, NULL},
    {"version", "version", NULL, SEC_HEAD, f_version, NULL},
    {"build_commit", "build_commit", NULL, SEC_HEAD, f_build_commit, NULL},
    {"build_dirty", "build_dirty", NULL, SEC_HEAD, f_build_dirty, NULL},
    {"started_utc", "started_utc", NULL, SEC_HEAD, f_started_utc, NULL},
};

#define FIELD_COUNT (sizeof fields / sizeof fields[0])

/*
 * Whether section s has values in this result.  A phase that did not run
 * is a JSON null and empty cells; the ranks' section is psum_mpi's alone
 * and is left out of psum_omp's output, header included (omitted).
 */
static bool section_present(section s, const field_ctx *x)
{
    switch (s) {
    case SEC_SERIAL:
        return x->r->serial.count > 0;
    case SEC_PARALLEL:
        return x->r->parallel.count > 0;
    case SEC_RANKS:
        return across_ranks(x->r);
    default:
        return true;
    }
}

static bool section_omitted(section s, const field_ctx *x)
{
    return s == SEC_RANKS && !section_present(s, x);
}

/* Points x at section s's phase, for the phase fields' values. */
static void enter_section(field_ctx *x, section s)
{
    x->phase = s == SEC_SERIAL ? &x->r->serial : &x->r->parallel;
    x->phase_noisy = s == SEC_SERIAL ? x->r->qual.serial_noisy : x->r->qual.parallel_noisy;
}

static void field_ctx_init(field_ctx *x, const psum_result *r, const psum_machine *m,
                           const psum_warnings *w)
{
    *x = (field_ctx){.r = r, .m = m, .w = w};
    psum_u128_to_dec(psum_result_sum(r), x->sum);
    psum_u128_to_dec(r->expected, x->expected);
    x->has_started = psum_format_utc(r->started, x->started) != NULL;
}

/*
 * Writes s as inside a quoted CSV field: on one line and valid UTF-8
 * (psum_escape), every quote doubled.
 */
static void csv_escaped(FILE *out, const char *s)
{
    char clean[4 * PSUM_WARNING_SIZE];
    psum_escape(s, clean, sizeof clean);
    for (const char *c = clean; *c; c++)
        fprintf(out, *c == '"' ? "\"\"" : "%c", *c);
}

static void csv_value(FILE *out, value v, const psum_warnings *w)
{
    switch (v.kind) {
    case V_ABSENT:
        break;
    case V_INT:
        fprintf(out, "%lld", v.i);
        break;
    case V_U64:
        fprintf(out, "%llu", v.u);
        break;
    case V_NUM:
        fprintf(out, "%.9g", v.d);
        break;
    case V_BOOL:
        fputs(bool_name(v.b), out);
        break;
    case V_NAME:
        fputs(v.s, out);
        break;
    case V_TEXT:
        fputc('"', out);
        csv_escaped(out, v.s);
        fputc('"', out);
        break;
    case V_WARNINGS:
        fputc('"', out);
        for (size_t i = 0; i < w->count; i++) {
            fputs(i > 0 ? "; " : "", out);
            csv_escaped(out, w->text[i]);
        }
        fputc('"', out);
        break;
    }
}

int psum_report_csv(FILE *out, const psum_result *r, const psum_machine *m,
                    const psum_warnings *w)
{
    field_ctx x;
    field_ctx_init(&x, r, m, w);
    const char *sep = "";
    if (r->cfg.csv_header) {
        for (const field *f = fields; f < fields + FIELD_COUNT; f++) {
            if (f->csv != NULL && !section_omitted(f->sec, &x)) {
                fprintf(out, "%s%s", sep, f->csv);
                sep = ",";
            }
        }
        fputc('\n', out);
    }
    sep = "";
    for (const field *f = fields; f < fields + FIELD_COUNT; f++) {
        if (f->csv == NULL || section_omitted(f->sec, &x))
            continue;
        fputs(sep, out);
        sep = ",";
        if (section_present(f->sec, &x)) {
            enter_section(&x, f->sec);
            csv_value(out, f->get(&x), w);
        }
    }
    fputc('\n', out);
    return ferror(out) ? -1 : 0;
}

static void json_value(FILE *out, value v, const psum_warnings *w)
{
    switch (v.kind) {
    case V_ABSENT:
        fputs("null", out);
        break;
    case V_INT:
    case V_U64:
    case V_NUM:
    case V_BOOL:
        csv_value(out, v, w); /* spelled the same in both */
        break;
    case V_NAME:
    case V_TEXT:
        psum_json_string(out, v.s);
        break;
    case V_WARNINGS:
        fputc('[', out);
        for (size_t i = 0; i < w->count; i++) {
            fputs(i ? ", " : "", out);
            psum_json_string(out, w->text[i]);
        }
        fputc(']', out);
        break;
    }
}

static void json_field(FILE *out, const field *f, field_ctx *x)
{
    enter_section(x, f->sec);
    if (f->json_write != NULL)
        f->json_write(out, x);
    else
        json_value(out, f->get(x), x->w);
}

static bool same_object(const char *a, const char *b)
{
    return a != NULL && b != NULL && strcmp(a, b) == 0;
}

/*
 * Writes section s's members, each after *sep: a top-level member on a
 * line of its own, an object's members on its line; an absent section's
 * objects and members are null.
 */
static void json_section(FILE *out, section s, field_ctx *x, const char **sep)
{
    if (section_omitted(s, x))
        return;
    bool present = section_present(s, x);
    const char *object = NULL; /* the object whose members are being written */
    for (const field *f = fields; f < fields + FIELD_COUNT; f++) {
        if (f->sec != s || f->json == NULL)
            continue;
        if (same_object(object, f->object)) {
            if (present) {
                fprintf(out, ", \"%s\": ", f->json);
                json_field(out, f, x);
            }
            continue;
        }
        if (object != NULL && present)
            fputc('}', out);
        fputs(*sep, out);
        *sep = ",\n  ";
        object = f->object;
        fprintf(out, "\"%s\": ", object != NULL ? object : f->json);
        if (!present) {
            fputs("null", out);
            continue;
        }
        if (object != NULL)
            fprintf(out, "{\"%s\": ", f->json);
        json_field(out, f, x);
    }
    if (object != NULL && present)
        fputc('}', out);
}

int psum_report_json(FILE *out, const psum_result *r, const psum_machine *m,
                     const psum_warnings *w)
{
    field_ctx x;
    field_ctx_init(&x, r, m, w);
    const char *sep = "{\n  ";
    for (section s = 0; s < SEC_COUNT; s++)
        json_section(out, s, &x, &sep);
    fputs("\n}\n", out);
    return ferror(out) ? -1 : 0;
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
    if (w->out_of_memory) {
        /* A report that silently lacks a warning would claim more than it knows. */
        fprintf(stderr, "%s: cannot keep every warning: %s\n", program, strerror(ENOMEM));
        rc = 1;
    } else if (psum_report(stdout, r, m, w) != 0) {
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

/*
 * The run configuration: what one psum_omp run does, as cli fills it and
 * every other module reads it, with its enums, their names and its limits.
 *
 * Each enum ends with its count and has one name table (config.c), checked
 * against the count at compile time; the counts, the lookups and the
 * "static, dynamic or guided" lists of messages and help are derived from
 * those tables, and --describe gives them to the bench.  Adding a schedule
 * touches its enum and name table here, its kernel in sum.c and its
 * behaviour in tests/unit/test_schedule.c.
 */
#ifndef PSUM_CONFIG_H
#define PSUM_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
    PSUM_MODE_MATERIALIZE,
    PSUM_MODE_STREAM,
    PSUM_MODE_COUNT
} psum_mode;

/* The OpenMP schedule of the parallel loop; each has its own kernel in sum.c. */
typedef enum {
    PSUM_SCHED_STATIC,
    PSUM_SCHED_DYNAMIC,
    PSUM_SCHED_GUIDED,
    PSUM_SCHED_COUNT
} psum_schedule;

/* Where the parallel phase runs: the host's cores, or an offload device (offload.h). */
typedef enum {
    PSUM_DEVICE_CPU,
    PSUM_DEVICE_GPU,
    PSUM_DEVICE_COUNT
} psum_device;

typedef enum {
    PSUM_FORMAT_TEXT,
    PSUM_FORMAT_CSV,
    PSUM_FORMAT_JSON,
    PSUM_FORMAT_COUNT
} psum_format;

/* Largest N the kernels accept: their 128-bit totals stay exact up to here. */
#define PSUM_MAX_ELEMENTS ((uint64_t)1 << 62)
#define PSUM_MAX_CHUNKS ((uint64_t)1000000000)
/* A plain decimal number: messages spell it out with PSUM_MAX_THREADS_TEXT. */
#define PSUM_MAX_THREADS 1024
#define PSUM_MAX_REPEAT ((uint64_t)1000000)

#define PSUM_STRINGIFY_(x) #x
#define PSUM_STRINGIFY(x) PSUM_STRINGIFY_(x)
/* "1024": PSUM_MAX_THREADS as a string literal, for messages and help. */
#define PSUM_MAX_THREADS_TEXT PSUM_STRINGIFY(PSUM_MAX_THREADS)

/*
 * What the command line asks for: a run, or one of the answers that run
 * nothing (--check, --describe, --parse-count) for scripts and people who
 * ask psum_omp instead of repeating its rules.
 */
typedef enum {
    PSUM_ACTION_RUN,
    PSUM_ACTION_CHECK,       /* validate the configuration, run nothing */
    PSUM_ACTION_DESCRIBE,    /* print the limits, defaults and names as JSON */
    PSUM_ACTION_PARSE_COUNT, /* read count_text with the count grammar */
} psum_action;

typedef struct {
    uint64_t n;              /* elements, 1 .. PSUM_MAX_ELEMENTS */
    psum_mode mode;
    psum_schedule schedule;
    uint64_t chunks;         /* 1 .. PSUM_MAX_CHUNKS */
    int threads;             /* 0: as OMP_NUM_THREADS or the runtime says */
    uint64_t repeat;         /* timed repetitions, 1 .. PSUM_MAX_REPEAT */
    psum_format format;
    bool serial;             /* false with --no-serial */
    bool csv_header;         /* false with --no-header: the CSV row alone */
    psum_device device;      /* --device */
    /*
     * --from-host: with device GPU in materialize mode, fill the array on
     * the host and copy it in, instead of filling it on the device
     */
    bool from_host;
    psum_action action;      /* PSUM_ACTION_RUN unless asked otherwise */
    const char *count_text;  /* --parse-count's value (argv's), else NULL */
    uint64_t count_max;      /* --count-max: its bound, UINT64_MAX by default */
} psum_config;

/*
 * Sets the defaults: N = 10^9, materialize, dynamic, 100 chunks, 5 repeats,
 * device cpu, action run.
 */
void psum_config_default(psum_config *cfg);

/* The names of one enum's values, indexed by value. */
typedef struct {
    const char *const *names;
    size_t count; /* the enum's *_COUNT */
} psum_names;

extern const psum_names psum_mode_names;
extern const psum_names psum_schedule_names;
extern const psum_names psum_format_names;
extern const psum_names psum_device_names;

/*
 * The value whose name is exactly `name` (case-sensitive), or -1 if none.
 */
int psum_names_find(const psum_names *t, const char *name);

/*
 * Writes every name of t in table order as "a, b or c" (a single name
 * alone) into buf (len bytes, cut if too small, always NUL-terminated).
 * Returns buf.
 */
char *psum_names_list(const psum_names *t, char *buf, size_t len);

/*
 * The name of one value, as written on the command line and in the output.
 * The value must be below the enum's count.
 */
const char *psum_mode_name(psum_mode m);
const char *psum_schedule_name(psum_schedule s);
const char *psum_format_name(psum_format f);
const char *psum_device_name(psum_device d);

#endif

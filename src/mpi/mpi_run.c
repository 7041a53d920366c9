#include "mpi_run.h"

#include <errno.h>
#include <omp.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "array.h"
#include "limbs.h"
#include "measure.h"
#include "procfs.h"
#include "ranks.h"
#include "run.h"
#include "sum.h"
#include "team.h"
#include "timer.h"

/* Ordered by severity: the ranks agree on the worst. */
enum { STATUS_OK, STATUS_MISMATCH, STATUS_FAILED };

typedef struct {
    const psum_config *cfg;
    const psum_env_dropped *dropped; /* this rank's removed OMP_* values */
    MPI_Comm comm;
    MPI_Comm node; /* the ranks that share this rank's node */
    int rank, size, node_rank, node_size;
    char host[PSUM_HOST_NAME_SIZE];
    int threads;    /* requested in this rank */
    uint64_t lo, hi; /* this rank's slice */
    int lanes;       /* the stream kernel's width, rank 0's choice */
    bool fail_here; /* PSUM_MPI_FAIL_RANK names this rank */
    bool fail_sum;  /* ... and PSUM_MPI_FAIL_STAGE=sum */
    psum_mpi_watch watch; /* the CPUs and the load, for the verdicts */
    char *err;
    size_t errlen;
} rank_ctx;

/* Per-rank figures of the timed samples. */
typedef struct {
    double *local_s; /* this rank's local sum, per call of each sample */
    int team;
    psum_u128 wrong_local; /* the first local sum that differed from its slice's */
    bool local_ok;
    double fill_s;
    bool huge_advised;
} rank_times;

/* What rank 0 gathers from every rank; allocated on rank 0 alone. */
typedef struct {
    double *samples;   /* each sample's time per call, the maximum over ranks */
    double *local_max; /* each sample's slowest local sum, per call */
    double *medians;   /* each rank's median local sum */
    char *hosts;       /* PSUM_HOST_NAME_SIZE bytes per rank */
    psum_rank_drops *drops; /* each rank's removed OMP_* values */
} root_buffers;

/* Writes this rank's one-line failure, prefixed with where it happened. */
__attribute__((format(printf, 2, 3)))
static int fail(rank_ctx *c, const char *fmt, ...)
{
    char what[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    snprintf(c->err, c->errlen, "rank %d on %s: %s", c->rank, c->host, what);
    return STATUS_FAILED;
}

/*
 * Every rank learns the worst status of all.  Only the lowest rank with
 * that status keeps its message, so one line is printed whoever failed.
 */
static int agree(rank_ctx *c, int status)
{
    struct {
        int status, rank;
    } in = {status, c->rank}, out;
    MPI_Allreduce(&in, &out, 1, MPI_2INT, MPI_MAXLOC, c->comm);
    if (out.status == STATUS_OK || out.rank != c->rank)
        c->err[0] = '\0';
    return out.status;
}

/*
 * A barrier that sleeps instead of spinning, for the ranks that wait while
 * rank 0 runs the serial phase: a spinning rank would take a core from it.
 */
static void quiet_barrier(MPI_Comm comm)
{
    static const struct timespec pause = {0, 1000000};
    MPI_Request req;
    int done = 0;
    MPI_Ibarrier(comm, &req);
    MPI_Test(&req, &done, MPI_STATUS_IGNORE);
    while (!done) {
        nanosleep(&pause, NULL);
        MPI_Test(&req, &done, MPI_STATUS_IGNORE);
    }
}

static int env_rank(const char *name)
{
    const char *v = getenv(name);
    char *end;
    if (v == NULL || *v == '\0')
        return -1;
    long r = strtol(v, &end, 10);
    return *end == '\0' && r >= 0 && r <= 1 << 30 ? (int)r : -1;
}

static void setup(rank_ctx *c, const psum_config *cfg, const psum_env_dropped *dropped,
                  MPI_Comm comm, char *err, size_t errlen)
{
    memset(c, 0, sizeof *c);
    c->cfg = cfg;
    c->dropped = dropped;
    c->comm = comm;
    c->err = err;
    c->errlen = errlen;
    err[0] = '\0';
    MPI_Comm_rank(comm, &c->rank);
    MPI_Comm_size(comm, &c->size);
    MPI_Comm_split_type(comm, MPI_COMM_TYPE_SHARED, c->rank, MPI_INFO_NULL, &c->node);
    MPI_Comm_rank(c->node, &c->node_rank);
    MPI_Comm_size(c->node, &c->node_size);
    char name[MPI_MAX_PROCESSOR_NAME];
    int len = 0;
    MPI_Get_processor_name(name, &len);
    snprintf(c->host, sizeof c->host, "%.*s", len, name);
    c->threads = cfg->threads > 0 ? cfg->threads : omp_get_max_threads();
    psum_rank_slice(cfg->n, c->size, c->rank, &c->lo, &c->hi);
    c->fail_here = env_rank("PSUM_MPI_FAIL_RANK") == c->rank;
    const char *stage = getenv("PSUM_MPI_FAIL_STAGE");
    c->fail_sum = c->fail_here && stage != NULL && strcmp(stage, "sum") == 0;
    c->fail_here = c->fail_here && !c->fail_sum;
}

/* Whether this rank's team can start, before its first parallel region (team.h). */
static int probe_team(rank_ctx *c)
{
    char why[384];
    return psum_team_probe(c->threads, why, sizeof why) == 0 ? STATUS_OK
                                                            : fail(c, "%s", why);
}

/* ---- the serial phase, on rank 0 ---- */

/*
 * psum_omp's serial phase (run.h), over all N elements on rank 0: the same
 * calibration, so a serial sample means what psum_omp's does.
 */
static int serial_on_root(rank_ctx *c, psum_result *res)
{
    psum_array array = {0};
    psum_source src = {.n = c->cfg->n, .lanes = c->lanes};
    if (c->cfg->mode == PSUM_MODE_MATERIALIZE) {
        char why[256];
        if (psum_run_host_array(res, &array, why, sizeof why) != 0)
            return fail(c, "the serial phase needs all N elements on rank 0: %s, or --no-serial",
                        why);
        src.data = array.data;
    }
    psum_measure_status st = psum_run_serial(res, &src);
    psum_array_free(&array);
    if (st != PSUM_MEASURE_DONE)
        return fail(c, "cannot allocate memory for %llu timing samples",
                    (unsigned long long)c->cfg->repeat);
    return STATUS_OK;
}

/*
 * In stream mode rank 0 picks the stream kernel's width on its threads and
 * every rank uses it, so the report names the one kernel that all ran.
 * The other ranks wait in a quiet barrier, not spinning in MPI_Bcast on
 * CPUs the trial may need.
 */
static int choose_stream(rank_ctx *c, psum_result *res)
{
    if (c->cfg->mode != PSUM_MODE_STREAM)
        return STATUS_OK;
    if (c->rank == 0)
        res->stream = psum_run_stream_trial(c->threads);
    quiet_barrier(c->comm);
    MPI_Bcast(&res->stream, (int)sizeof res->stream, MPI_BYTE, 0, c->comm);
    c->lanes = res->stream.lanes;
    if (c->rank == 0 && res->stream.wrong_lanes != 0)
        return fail(c, "the %d-lane stream kernel summed its trial's values wrong "
                    "(a bug in psum_mpi)", res->stream.wrong_lanes);
    return STATUS_OK;
}

static int serial_phase(rank_ctx *c, psum_result *res)
{
    int status = STATUS_OK;
    if (c->cfg->serial && c->rank == 0)
        status = serial_on_root(c, res);
    if (c->cfg->serial)
        quiet_barrier(c->comm);
    return agree(c, status);
}

/* ---- the slices ---- */

static void free_buffers(rank_times *t, root_buffers *b)
{
    free(t->local_s);
    free(b->samples);
    free(b->local_max);
    free(b->medians);
    free(b->hosts);
    free(b->drops);
}

/* Allocates the timing records: reps per rank, and what rank 0 gathers. */
static int alloc_buffers(rank_ctx *c, rank_times *t, root_buffers *b)
{
    const size_t reps = c->cfg->repeat, ranks = (size_t)c->size;
    t->local_s = malloc(reps * sizeof *t->local_s);
    if (t->local_s == NULL)
        return fail(c, "cannot allocate memory for %zu timing samples", reps);
    if (c->rank != 0)
        return STATUS_OK;
    b->samples = malloc(reps * sizeof *b->samples);
    b->local_max = malloc(reps * sizeof *b->local_max);
    b->medians = malloc(ranks * sizeof *b->medians);
    b->hosts = malloc(ranks * PSUM_HOST_NAME_SIZE);
    b->drops = malloc(ranks * sizeof *b->drops);
    if (!b->samples || !b->local_max || !b->medians || !b->hosts || !b->drops)
        return fail(c, "cannot allocate memory for the figures of %zu ranks", ranks);
    return STATUS_OK;
}

static int prepare_slice(rank_ctx *c, psum_array *array, psum_source *src)
{
    const uint64_t n = c->hi - c->lo;
    *src = (psum_source){.n = c->cfg->n, .first = c->lo, .lanes = c->lanes};
    if (c->cfg->mode == PSUM_MODE_STREAM)
        return c->fail_here ? fail(c, "failure forced by PSUM_MPI_FAIL_RANK (a testing aid)")
                            : STATUS_OK;

    /* The node's memory is shared by its ranks: each may use its part. */
    uint64_t share = psum_mem_available() / (uint64_t)c->node_size;
    char why[256];
    if (psum_array_check_memory(n, c->fail_here ? 1 : share, why, sizeof why) != 0)
        return c->fail_here
                   ? fail(c, "refusal forced by PSUM_MPI_FAIL_RANK (a testing aid): %s", why)
                   : fail(c, "its share of the node's memory (1/%d) is too small: %s",
                          c->node_size, why);
    if (psum_array_alloc(array, n) != 0)
        return fail(c, "cannot allocate %.2f GB for elements [%llu, %llu): %s",
                    psum_array_need(n) / 1e9, (unsigned long long)c->lo,
                    (unsigned long long)c->hi, strerror(errno));
    src->data = array->data;
    return STATUS_OK;
}

/* Every rank first-touches its own slice: the slowest rank's time counts. */
static void fill_slice(rank_ctx *c, psum_array *array, rank_times *t)
{
    t->huge_advised = true;
    if (c->cfg->mode != PSUM_MODE_MATERIALIZE)
        return;
    MPI_Barrier(c->comm);
    double t0 = psum_now();
    psum_array_fill_slice(array, c->lo, c->threads);
    t->fill_s = psum_now() - t0;
    t->huge_advised = array->huge_advised;
}

/* ---- the timed calls ---- */

/* psum_measure's kernel and its peers' hooks, for this rank's slice. */
typedef struct {
    rank_ctx *c;
    const psum_source *src;
    rank_times *t;
    psum_u128 slice_sum; /* what this rank's elements add up to */
    double local_s;      /* this group's local sums so far */
    bool joined;         /* every total rank 0 received was whole */
    bool peer_failed;    /* another rank could not allocate its samples */
} slice_job;

/*
 * One call: this rank's local sum, then the exact reduction of the totals
 * onto rank 0.  Returns what psum_measure checks on this rank: the total
 * on rank 0, its own sum on the others; each rank also keeps the first
 * sum of its slice that was wrong, for its line.
 */
static psum_u128 slice_call(void *ctx)
{
    slice_job *job = ctx;
    rank_ctx *c = job->c;
    rank_times *t = job->t;
    double t0 = psum_now();
    psum_u128 local = psum_sum_parallel_range(job->src, c->lo, c->hi, c->cfg->chunks,
                                              c->cfg->schedule, c->threads, &t->team);
    job->local_s += psum_now() - t0;
    local += c->fail_sum ? 1 : 0; /* the testing aid's wrong sum */
    if (local != job->slice_sum && t->local_ok) {
        t->local_ok = false;
        t->wrong_local = local;
    }
    psum_limbs part, sum;
    psum_limbs_split(local, &part);
    MPI_Reduce(part.word, sum.word, PSUM_LIMBS, MPI_UINT64_T, MPI_SUM, 0, c->comm);
    if (c->rank != 0)
        return local;
    psum_u128 total = 0;
    if (psum_limbs_join(&sum, &total) != 0)
        job->joined = false;
    return total;
}

/* Each timed group of calls starts at a barrier's exit on every rank. */
static void group_begin(void *ctx)
{
    slice_job *job = ctx;
    MPI_Barrier(job->c->comm);
    job->local_s = 0;
}

static void group_end(void *ctx, long sample, uint64_t k)
{
    slice_job *job = ctx;
    if (sample >= 0)
        job->t->local_s[sample] = job->local_s / (double)k;
}

/* The shortest and longest of every rank's duration, in one MPI_Allreduce. */
static void group_agree(void *ctx, double seconds, double *shortest, double *longest)
{
    slice_job *job = ctx;
    double in[2] = {-seconds, seconds}, out[2];
    MPI_Allreduce(in, out, 2, MPI_DOUBLE, MPI_MAX, job->c->comm);
    *shortest = -out[0];
    *longest = out[1];
    if (*shortest < 0 && seconds >= 0)
        job->peer_failed = true;
}

/*
 * psum_omp's measuring loop (measure.h) with the ranks as peers: the same
 * warm-up and calibration, every rank making the same calls.  Each call
 * is this rank's local sum and the reduction; a sample is the time of k
 * calls from a barrier's exit over k, and on rank 0 the phase's samples
 * are the maximum over ranks of each (their statistics are
 * figures_on_root's).  Returns the status all ranks agreed on.
 */
static int parallel_phase(rank_ctx *c, const psum_source *src, rank_times *t,
                          root_buffers *b, psum_result *res)
{
    const size_t reps = c->cfg->repeat;
    slice_job job = {.c = c, .src = src, .t = t, .slice_sum = psum_slice_sum(c->lo, c->hi),
                     .joined = true};
    psum_measure_peers peers = {.ctx = &job, .begin = group_begin, .end = group_end,
                                .agree = group_agree};
    psum_measure_spec spec = {.fn = slice_call, .ctx = &job,
                              .expected = c->rank == 0 ? res->expected : job.slice_sum,
                              .repeat = reps, .peers = &peers};
    psum_phase mine;
    t->local_ok = true;
    psum_measure_status st = psum_measure(&spec, &mine);
    /* A refusal on another rank is that rank's line. */
    int status = st == PSUM_MEASURE_DONE || job.peer_failed
                     ? STATUS_OK
                     : fail(c, "cannot allocate memory for %zu timing samples", reps);
    status = agree(c, status);
    if (status != STATUS_OK) {
        psum_phase_free(&mine);
        return status;
    }
    MPI_Reduce(mine.samples, b->samples, (int)reps, MPI_DOUBLE, MPI_MAX, 0, c->comm);
    MPI_Reduce(t->local_s, b->local_max, (int)reps, MPI_DOUBLE, MPI_MAX, 0, c->comm);
    if (c->rank != 0) {
        psum_phase_free(&mine);
        return STATUS_OK;
    }
    free(mine.samples);
    mine.samples = b->samples; /* the phase owns them now */
    b->samples = NULL;
    mine.verified = mine.verified && job.joined;
    res->parallel = mine;
    return STATUS_OK;
}

/* ---- the figures across ranks ---- */

/* Rank 0's figures from what it gathered. */
static int figures_on_root(rank_ctx *c, root_buffers *b, psum_result *res)
{
    psum_ranks *k = &res->ranks;
    if (psum_stats_compute(res->parallel.samples, c->cfg->repeat, &res->parallel.stats) != 0)
        return fail(c, "cannot allocate memory for the statistics of %zu samples",
                    c->cfg->repeat);
    int most = 0;
    int nodes = psum_count_nodes(b->hosts, PSUM_HOST_NAME_SIZE, c->size, NULL, &most);
    if (nodes < 0)
        return fail(c, "cannot allocate memory to count the nodes of %d ranks", c->size);
    k->ranks = c->size;
    k->nodes = nodes;
    k->ranks_per_node = most;
    psum_spread_of(b->medians, (size_t)c->size, &k->imbalance);
    k->reduce_s = psum_reduce_share(res->parallel.samples, b->local_max, c->cfg->repeat);
    res->verified = res->parallel.verified && (!c->cfg->serial || res->serial.verified);
    return STATUS_OK;
}

/* Gathers every rank's figures onto rank 0 and qualifies the result there. */
static int collect(rank_ctx *c, rank_times *t, root_buffers *b, psum_mpi_result *res)
{
    psum_result *base = &res->base;
    int status = STATUS_OK;
    psum_stats mine;
    double median = 0, fill = 0;
    if (psum_stats_compute(t->local_s, c->cfg->repeat, &mine) == 0)
        median = mine.median;
    else
        status = fail(c, "cannot allocate memory for the statistics of its local sums");
    int huge = t->huge_advised, all_huge = 0;
    uint64_t peak = psum_peak_rss(), top = 0;
    psum_rank_drops drops;
    psum_rank_drops_of(c->dropped, &drops);

    MPI_Gather(&median, 1, MPI_DOUBLE, b->medians, 1, MPI_DOUBLE, 0, c->comm);
    MPI_Gather(c->host, PSUM_HOST_NAME_SIZE, MPI_CHAR, b->hosts, PSUM_HOST_NAME_SIZE,
               MPI_CHAR, 0, c->comm);
    MPI_Reduce(&t->fill_s, &fill, 1, MPI_DOUBLE, MPI_MAX, 0, c->comm);
    MPI_Reduce(&huge, &all_huge, 1, MPI_INT, MPI_LAND, 0, c->comm);
    MPI_Reduce(&c->threads, &base->threads_requested, 1, MPI_INT, MPI_SUM, 0, c->comm);
    MPI_Reduce(&t->team, &base->team, 1, MPI_INT, MPI_SUM, 0, c->comm);
    MPI_Reduce(&t->team, &res->threads_min, 1, MPI_INT, MPI_MIN, 0, c->comm);
    MPI_Reduce(&t->team, &base->ranks.threads_per_rank, 1, MPI_INT, MPI_MAX, 0, c->comm);
    MPI_Reduce(&peak, &top, 1, MPI_UINT64_T, MPI_MAX, 0, c->comm);
    MPI_Gather(&drops, (int)sizeof drops, MPI_BYTE, b->drops, (int)sizeof drops, MPI_BYTE, 0,
               c->comm);
    if (c->rank == 0)
        psum_mpi_merge_drops(b->drops, c->size, &res->drops);
    if (c->rank == 0 && status == STATUS_OK) {
        base->materialize_s = c->cfg->mode == PSUM_MODE_MATERIALIZE ? fill : -1;
        base->huge_advised = all_huge != 0;
        base->peak_rss = top;
        status = figures_on_root(c, b, base);
    }
    /* The verdicts need the team and the phases: last. */
    psum_mpi_qualify(&c->watch, c->comm, t->team, base, &res->placement);
    return status;
}

/* The line a rank whose own slice summed wrong prints. */
static int local_verdict(rank_ctx *c, const rank_times *t)
{
    if (t->local_ok)
        return STATUS_OK;
    char got[PSUM_U128_DEC_SIZE], want[PSUM_U128_DEC_SIZE];
    snprintf(c->err, c->errlen, "rank %d on %s: its elements [%llu, %llu) summed to %s, "
             "expected %s", c->rank, c->host, (unsigned long long)c->lo,
             (unsigned long long)c->hi, psum_u128_to_dec(t->wrong_local, got),
             psum_u128_to_dec(psum_slice_sum(c->lo, c->hi), want));
    return STATUS_MISMATCH;
}

psum_mpi_status psum_mpi_run(const psum_config *cfg, const psum_env_dropped *dropped,
                             MPI_Comm comm, psum_mpi_result *res, char *err, size_t errlen)
{
    rank_ctx c;
    setup(&c, cfg, dropped, comm, err, errlen);
    memset(res, 0, sizeof *res);
    psum_run_start(&res->base, cfg);
    res->base.qual.background_load = -1;

    /* From here to the verdicts, the load of every node is watched. */
    psum_mpi_watch_start(&c.watch, c.node);
    psum_array array = {0};
    psum_source src;
    rank_times t = {0};
    root_buffers b = {0};
    int status = agree(&c, probe_team(&c));
    if (status == STATUS_OK)
        status = agree(&c, choose_stream(&c, &res->base));
    if (status == STATUS_OK)
        status = serial_phase(&c, &res->base);
    if (status == STATUS_OK) {
        int st = alloc_buffers(&c, &t, &b);
        status = agree(&c, st == STATUS_OK ? prepare_slice(&c, &array, &src) : st);
    }
    if (status == STATUS_OK) {
        fill_slice(&c, &array, &t);
        status = parallel_phase(&c, &src, &t, &b, &res->base);
    }
    if (status == STATUS_OK) {
        int st = collect(&c, &t, &b, res);
        /* A failure's line wins over a wrong slice's. */
        status = agree(&c, st == STATUS_OK ? local_verdict(&c, &t) : st);
    }
    psum_array_free(&array);
    free_buffers(&t, &b);
    psum_mpi_watch_free(&c.watch);
    MPI_Comm_free(&c.node);
    if (status == STATUS_FAILED) {
        psum_mpi_result_free(res);
        return PSUM_MPI_FAILED;
    }
    return PSUM_MPI_DONE;
}

void psum_mpi_result_free(psum_mpi_result *res)
{
    psum_result_free(&res->base);
    psum_warnings_free(&res->drops);
}

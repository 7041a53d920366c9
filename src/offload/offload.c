#include "offload.h"

#include <dirent.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "timer.h"

/*
 * XORed into every generated value.  It is zero, but no compiler can know
 * that: without it, `s += i` is a loop that GCC's final value replacement
 * (or LLVM's) may turn into the closed form, which would measure nothing.
 */
static volatile uint64_t key_zero = 0;

/*
 * One per hardware lane of each sum kernel's last launch (0: not yet run),
 * for the default lanes of psum_offload_plan.  The two kernels keep their
 * own: the runtime sizes teams by each kernel's register use.
 */
enum { KERNEL_ARRAY, KERNEL_GENERATED, KERNELS };
static uint64_t hardware_lanes[KERNELS];

/* Copies the "Model:" value of an NVIDIA driver information file, trimmed. */
static int read_model(const char *path, char *name, size_t size)
{
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return -1;
    char line[256];
    int found = -1;
    while (found != 0 && fgets(line, sizeof line, f) != NULL) {
        if (strncmp(line, "Model:", 6) != 0)
            continue;
        char *v = line + 6;
        v += strspn(v, " \t");
        v[strcspn(v, "\r\n")] = '\0';
        size_t len = strlen(v);
        while (len > 0 && (v[len - 1] == ' ' || v[len - 1] == '\t'))
            v[--len] = '\0';
        if (len > 0 && len < size) {
            memcpy(name, v, len + 1);
            found = 0;
        }
    }
    fclose(f);
    return found;
}

/*
 * The model of the only GPU the NVIDIA driver lists, into name; "unknown"
 * when there is none, several, or the file says nothing usable.
 */
static void device_name(char *name, size_t size)
{
    snprintf(name, size, "unknown");
    DIR *d = opendir("/proc/driver/nvidia/gpus");
    if (d == NULL)
        return;
    char path[512] = "";
    int gpus = 0;
    const struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        gpus++;
        snprintf(path, sizeof path, "/proc/driver/nvidia/gpus/%s/information", e->d_name);
    }
    closedir(d);
    if (gpus != 1 || read_model(path, name, size) != 0)
        snprintf(name, size, "unknown");
}

void psum_offload_query(psum_offload_info *info)
{
    info->devices = omp_get_num_devices();
    info->default_device = omp_get_default_device();
    info->device = info->default_device >= 0 && info->default_device < info->devices
                       ? info->default_device
                       : omp_get_initial_device();
    if (info->devices == 1)
        device_name(info->name, sizeof info->name);
    else
        snprintf(info->name, sizeof info->name, "unknown");
}

int psum_offload_on_device(int device)
{
    int host = 1;
#pragma omp target device(device) map(from : host)
    host = omp_is_initial_device();
    return !host;
}

int psum_offload_alloc(psum_device_array *a, uint64_t n, int device)
{
    if (n == 0 || n > SIZE_MAX / sizeof(int64_t))
        return -1;
    int64_t *data = omp_target_alloc((size_t)n * sizeof(int64_t), device);
    if (data == NULL)
        return -1;
    *a = (psum_device_array){data, n, device};
    return 0;
}

static void fill_launch(int64_t *data, int device, uint64_t lo, uint64_t hi)
{
#pragma omp target teams distribute parallel for simd device(device) is_device_ptr(data)
    for (uint64_t i = lo; i < hi; i++)
        data[i] = (int64_t)i;
}

void psum_offload_fill(psum_device_array *a, uint64_t pass)
{
    pass = pass ? pass : PSUM_OFFLOAD_FILL_PASS;
    for (uint64_t lo = 0; lo < a->n; lo += pass)
        fill_launch(a->data, a->device, lo, a->n - lo > pass ? lo + pass : a->n);
}

int psum_offload_copy_in(psum_device_array *a, const int64_t *host, uint64_t pass)
{
    pass = pass ? pass : PSUM_OFFLOAD_COPY_PASS;
    const size_t unit = sizeof(int64_t);
    for (uint64_t lo = 0; lo < a->n; lo += pass) {
        uint64_t len = a->n - lo > pass ? pass : a->n - lo;
        if (omp_target_memcpy(a->data, host, (size_t)len * unit, (size_t)lo * unit,
                              (size_t)lo * unit, a->device, omp_get_initial_device()) != 0)
            return -1;
    }
    return 0;
}

void psum_offload_free(psum_device_array *a)
{
    if (a->data != NULL)
        omp_target_free(a->data, a->device);
    *a = (psum_device_array){NULL, 0, 0};
}

/* What one launch returns: its sum, when it reduced one, and lane 0's view. */
typedef struct {
    uint64_t sum;
    int teams, threads;
} launch_result;

#pragma omp declare target
/*
 * One lane's sum modulo 2^64 of data[i], i = first, first+lanes, ... below
 * end, into four accumulators so four loads are in flight at once (one
 * accumulator left the first H200 run at 80 % of a plain target loop's
 * bandwidth).  The lane's block bound makes the wrapped total exact.
 */
static inline uint64_t lane_array(const int64_t *data, uint64_t first, uint64_t end,
                                  uint64_t lanes)
{
    uint64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0, i = first;
    for (; i < end && end - i > 3 * lanes; i += 4 * lanes) {
        s0 += (uint64_t)data[i];
        s1 += (uint64_t)data[i + lanes];
        s2 += (uint64_t)data[i + 2 * lanes];
        s3 += (uint64_t)data[i + 3 * lanes];
    }
    for (; i < end; i += lanes)
        s0 += (uint64_t)data[i];
    return s0 + s1 + s2 + s3;
}

/* The same over the values i ^ key themselves (key is zero). */
static inline uint64_t lane_generated(uint64_t first, uint64_t end, uint64_t lanes,
                                      uint64_t key)
{
    uint64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0, i = first;
    for (; i < end && end - i > 3 * lanes; i += 4 * lanes) {
        s0 += i ^ key;
        s1 += (i + lanes) ^ key;
        s2 += (i + 2 * lanes) ^ key;
        s3 += (i + 3 * lanes) ^ key;
    }
    for (; i < end; i += lanes)
        s0 += i ^ key;
    return s0 + s1 + s2 + s3;
}
#pragma omp end declare target

/*
 * The sum kernels.  Lane k of a launch over [first, end) adds first+k,
 * first+k+lanes, ...: adjacent lanes read adjacent elements, and each lane
 * holds at most `block` elements (psum_offload_plan).  A *_reduce launch
 * adds the lane sums with one 64-bit reduction, which the caller uses only
 * when the launch's whole total fits; a *_partials launch stores each lane's
 * sum in part[k] instead.  Lane 0 reads the geometry: one compare per lane,
 * not per element.
 */
static launch_result array_reduce(const int64_t *data, int device, uint64_t first,
                                  uint64_t end, uint64_t lanes)
{
    uint64_t sum = 0;
    int teams = 0, threads = 0;
#pragma omp target teams distribute parallel for simd reduction(+ : sum) \
    device(device) is_device_ptr(data) map(tofrom : sum) map(from : teams, threads)
    for (uint64_t k = 0; k < lanes; k++) {
        if (k == 0) {
            teams = omp_get_num_teams();
            threads = omp_get_num_threads();
        }
        uint64_t s = lane_array(data, first + k, end, lanes);
        sum += s;
    }
    return (launch_result){sum, teams, threads};
}

static launch_result array_partials(const int64_t *data, int device, uint64_t first,
                                    uint64_t end, uint64_t lanes, uint64_t *part)
{
    int teams = 0, threads = 0;
#pragma omp target teams distribute parallel for simd \
    device(device) is_device_ptr(data, part) map(from : teams, threads)
    for (uint64_t k = 0; k < lanes; k++) {
        if (k == 0) {
            teams = omp_get_num_teams();
            threads = omp_get_num_threads();
        }
        uint64_t s = lane_array(data, first + k, end, lanes);
        part[k] = s;
    }
    return (launch_result){0, teams, threads};
}

static launch_result generated_reduce(int device, uint64_t first, uint64_t end,
                                      uint64_t lanes, uint64_t key)
{
    uint64_t sum = 0;
    int teams = 0, threads = 0;
#pragma omp target teams distribute parallel for simd reduction(+ : sum) \
    device(device) map(tofrom : sum) map(from : teams, threads)
    for (uint64_t k = 0; k < lanes; k++) {
        if (k == 0) {
            teams = omp_get_num_teams();
            threads = omp_get_num_threads();
        }
        uint64_t s = lane_generated(first + k, end, lanes, key);
        sum += s;
    }
    return (launch_result){sum, teams, threads};
}

static launch_result generated_partials(int device, uint64_t first, uint64_t end,
                                        uint64_t lanes, uint64_t key, uint64_t *part)
{
    int teams = 0, threads = 0;
#pragma omp target teams distribute parallel for simd \
    device(device) is_device_ptr(part) map(from : teams, threads)
    for (uint64_t k = 0; k < lanes; k++) {
        if (k == 0) {
            teams = omp_get_num_teams();
            threads = omp_get_num_threads();
        }
        uint64_t s = lane_generated(first + k, end, lanes, key);
        part[k] = s;
    }
    return (launch_result){0, teams, threads};
}

/* The plan with its zeroes replaced and its limits applied. */
static psum_offload_plan resolve_plan(const psum_offload_plan *plan, uint64_t n, int kernel)
{
    psum_offload_plan p = plan ? *plan : (psum_offload_plan){0, 0, 0};
    const uint64_t exact = n <= 1 ? UINT64_MAX : UINT64_MAX / n;
    if (p.block == 0 || p.block > exact)
        p.block = exact;
    if (p.lanes == 0)
        p.lanes = hardware_lanes[kernel] ? hardware_lanes[kernel] : PSUM_OFFLOAD_LANES;
    if (p.lanes > PSUM_OFFLOAD_MAX_LANES)
        p.lanes = PSUM_OFFLOAD_MAX_LANES;
    if (p.pass == 0)
        p.pass = PSUM_OFFLOAD_PASS;
    return p;
}

/*
 * Lane sums of launches too large to reduce in 64 bits: a device array the
 * lanes write and a host copy to add them up in 128 bits.
 */
typedef struct {
    uint64_t *device, *host;
    int where;
} partials;

static int partials_alloc(partials *p, uint64_t lanes, int device)
{
    size_t bytes = (size_t)lanes * sizeof(uint64_t);
    p->where = device;
    p->host = malloc(bytes);
    p->device = omp_target_alloc(bytes, device);
    return p->host != NULL && p->device != NULL ? 0 : -1;
}

static void partials_free(partials *p)
{
    free(p->host);
    if (p->device != NULL)
        omp_target_free(p->device, p->where);
    *p = (partials){NULL, NULL, 0};
}

/* Copies the lanes' sums back and adds them; -1 if the copy fails. */
static int partials_add(const partials *p, uint64_t lanes, psum_u128 *total)
{
    if (omp_target_memcpy(p->host, p->device, (size_t)lanes * sizeof(uint64_t), 0, 0,
                          omp_get_initial_device(), p->where) != 0)
        return -1;
    for (uint64_t k = 0; k < lanes; k++)
        *total += p->host[k];
    return 0;
}

psum_u128 psum_offload_sum(const psum_source *src, int device, uint64_t lo, uint64_t hi,
                           const psum_offload_plan *plan, psum_offload_used *used)
{
    const int kernel = src->data ? KERNEL_ARRAY : KERNEL_GENERATED;
    const psum_offload_plan p = resolve_plan(plan, src->n, kernel);
    const uint64_t key = key_zero;
    /* The most one launch may cover: every lane holds at most `block`. */
    const psum_u128 reach = (psum_u128)p.lanes * p.block;
    uint64_t per_launch = reach < p.pass ? (uint64_t)reach : p.pass;
    partials part = {NULL, NULL, 0};
    const int too_long = per_launch > p.block && hi - lo > p.block;
    if (too_long && partials_alloc(&part, p.lanes, device) != 0) {
        /* No room for the lane sums: launches small enough to reduce. */
        partials_free(&part);
        per_launch = p.block;
    }
    psum_offload_used u = {0, 0, 0, 0};
    psum_u128 total = 0;

    while (lo < hi) {
        const uint64_t end = hi - lo > per_launch ? lo + per_launch : hi;
        const uint64_t len = end - lo, lanes = len < p.lanes ? len : p.lanes;
        launch_result r;
        if (len <= p.block) {
            r = src->data ? array_reduce(src->data, device, lo, end, lanes)
                          : generated_reduce(device, lo, end, lanes, key);
            total += r.sum;
        } else {
            r = src->data ? array_partials(src->data, device, lo, end, lanes, part.device)
                          : generated_partials(device, lo, end, lanes, key, part.device);
            if (partials_add(&part, lanes, &total) != 0)
                break;
        }
        u = (psum_offload_used){r.teams, r.threads, lanes, u.launches + 1};
        lo = end;
    }
    partials_free(&part);
    if (u.teams > 0 && u.threads > 0)
        hardware_lanes[kernel] = (uint64_t)u.teams * (uint64_t)u.threads * PSUM_OFFLOAD_SIMD;
    if (used != NULL)
        *used = u;
    return total;
}

double psum_offload_warmup(int device, int *on_device)
{
    enum { FEW = 1000 };
    const double t0 = psum_now();
    *on_device = psum_offload_on_device(device);

    psum_device_array a;
    if (psum_offload_alloc(&a, FEW, device) != 0)
        return -1;
    psum_offload_fill(&a, 0);
    const psum_source array = {.data = a.data, .n = FEW}, generated = {.n = FEW};
    const psum_u128 want = psum_expected_sum(FEW);
    int ok = psum_offload_sum(&array, device, 0, FEW, NULL, NULL) == want;
    ok &= psum_offload_sum(&generated, device, 0, FEW, NULL, NULL) == want;
    psum_offload_free(&a);
    const double seconds = psum_now() - t0;
    return ok ? seconds : -1;
}

/*
 * GPU offload kernels: the sums of sum.h on an OpenMP target device (an
 * NVIDIA GPU through GCC's nvptx offloading), the device array they read,
 * and the checks that say whether a device is really there.
 *
 * Built only when PSUM_OFFLOAD is 1 (psum_build.h, meson -Doffload).  A
 * `device` argument is a device number as OpenMP counts them; the host
 * (omp_get_initial_device()) is accepted too.  Without a usable device, or
 * under OMP_TARGET_OFFLOAD=disabled, target regions run on the host ("host
 * fallback"): the results are the same, the speed is not a GPU's.  libgomp
 * 12 falls back silently even under OMP_TARGET_OFFLOAD=mandatory, so a
 * caller that wants the GPU must ask psum_offload_on_device() itself.
 *
 * The first target region on a device loads the program image, and the
 * driver then compiles the PTX of every kernel: seconds.  Call
 * psum_offload_warmup() first and report its time apart from any sum.
 *
 * Not thread-safe: one host thread calls these at a time.
 */
#ifndef PSUM_OFFLOAD_H
#define PSUM_OFFLOAD_H

#include <stdint.h>

#include "exact.h"
#include "sum.h"

/* Room for a device name and its NUL; result.h's PSUM_DEVICE_NAME_SIZE is equal. */
#define PSUM_OFFLOAD_NAME_SIZE 96

/* Lanes per OpenMP thread on nvptx: each thread is one warp. */
#define PSUM_OFFLOAD_SIMD 32

/* Lanes of a sum launch before the first launch has shown the hardware's. */
#define PSUM_OFFLOAD_LANES ((uint64_t)1 << 20)

/*
 * Most elements per launch of a sum unless the plan says otherwise: about
 * 25 ms of generated values on an H100.
 */
#define PSUM_OFFLOAD_PASS ((uint64_t)1 << 34)

/* Most elements per launch of the fill and per piece of the copy. */
#define PSUM_OFFLOAD_FILL_PASS ((uint64_t)1 << 30)
#define PSUM_OFFLOAD_COPY_PASS ((uint64_t)1 << 27)

typedef struct {
    int devices;        /* omp_get_num_devices(): 0 when none is usable */
    int default_device; /* omp_get_default_device() (OMP_DEFAULT_DEVICE) */
    /*
     * The device to pass to the functions below: default_device when it is
     * one of the `devices`, else the host (omp_get_initial_device()).
     */
    int device;
    /*
     * The GPU's model, e.g. "NVIDIA H100 80GB HBM3", or "unknown".  OpenMP
     * has no device name; this is the "Model:" of the NVIDIA driver's
     * /proc/driver/nvidia/gpus/ANY/information, read only when the driver
     * lists exactly one GPU and OpenMP sees exactly one device, so the two
     * cannot be mismatched.
     */
    char name[PSUM_OFFLOAD_NAME_SIZE];
} psum_offload_info;

/*
 * Fills *info.  Runs no target region, but the first call starts the
 * offload plugins (loads libcuda, cuInit: up to a second).  Cannot fail:
 * without offloading it reports 0 devices and the host.
 */
void psum_offload_query(psum_offload_info *info);

/*
 * Runs an empty target region on `device` and returns 1 if it ran off the
 * host (omp_is_initial_device() was 0 inside it), 0 if it fell back to the
 * host.  The first region on a device is slow (see above).
 */
int psum_offload_on_device(int device);

/*
 * The warm-up: psum_offload_on_device(), then the fill and the two sums
 * (over a device array, and of generated values) on a few elements,
 * checked.  Loads the program image, where the driver compiles the PTX of
 * every kernel, and sizes the default lanes of the sums to the hardware
 * (see psum_offload_plan).  Sums that short are one reduced launch each,
 * so the two *_partials kernels (for sums too long for one 64-bit total)
 * are compiled but not launched here: their first launch falls in the
 * untimed warm-up call of the phase that uses them (measure.h).  Stores in
 * *on_device what psum_offload_on_device said.  Returns its wall time in
 * seconds, never part of a sum's time, or -1 if the device refused the few
 * bytes or a sum was wrong.
 */
double psum_offload_warmup(int device, int *on_device);

typedef struct {
    /*
     * n elements in the memory of `device`: a device address that the host
     * must not dereference (unless device is the host), for src->data of
     * psum_offload_sum and for omp_target_memcpy.
     */
    int64_t *data;
    uint64_t n;
    int device;
} psum_device_array;

/*
 * Allocates n int64 elements (1 <= n <= 2^62) on `device` with
 * omp_target_alloc, not initialized.  Returns 0, or -1 if the device
 * refuses (out of memory, or n * 8 bytes do not fit in a size_t); *a is
 * then untouched.  Free with psum_offload_free.
 */
int psum_offload_alloc(psum_device_array *a, uint64_t n, int device);

/*
 * Writes data[i] = i on the device itself, with `target teams distribute
 * parallel for simd` launches of at most `pass` elements (0:
 * PSUM_OFFLOAD_FILL_PASS).
 */
void psum_offload_fill(psum_device_array *a, uint64_t pass);

/*
 * Copies host[0, n) into the device array with omp_target_memcpy, in pieces
 * of at most `pass` elements (0: PSUM_OFFLOAD_COPY_PASS), for --from-host:
 * the caller fills host[] (host[i] = i) and times this call on its own.
 * Returns 0, or -1 if a copy failed (the array must not be summed then).
 */
int psum_offload_copy_in(psum_device_array *a, const int64_t *host, uint64_t pass);

/* Frees the device memory; a zeroed or already freed array is ignored. */
void psum_offload_free(psum_device_array *a);

/*
 * How a sum is cut into launches.  Zeroes mean the defaults; tests use
 * small values to force many blocks and launches.
 *
 * A launch covers a range of at most `pass` elements with `lanes` lanes:
 * lane k adds elements first+k, first+k+lanes, ... (adjacent lanes read
 * adjacent elements) in a 64-bit accumulator.  No 64-bit sum ever covers
 * more than `block` elements, all below n, so each stays below
 * block * n <= 2^64 - 1 and nothing wraps:
 *  - a launch of at most `block` elements adds its lane sums with one
 *    64-bit `reduction(+ : sum)`;
 *  - a longer launch (at most lanes x block elements) stores each lane's
 *    sum in a device array, which is copied back and added on the host.
 * Launches are combined on the host in 128 bits.  (GCC 12 cannot offload
 * a 128-bit reduction: internal compiler error in nvptx_gen_shuffle; and
 * it combines two reduction variables under a global lock, so the lane
 * sums cannot be reduced as two 32-bit halves either.)
 */
typedef struct {
    /*
     * Most elements in one 64-bit sum: 0, or anything larger, means
     * UINT64_MAX / n, which exceeds n for n < 2^32: one reduced launch.
     */
    uint64_t block;
    /*
     * Lanes per launch, at most PSUM_OFFLOAD_MAX_LANES: 0 means one per
     * hardware lane, the teams x threads x PSUM_OFFLOAD_SIMD of this
     * kernel's last launch (PSUM_OFFLOAD_LANES before it has run), so each
     * lane of the GPU runs one block and none waits for another.
     */
    uint64_t lanes;
    /* Most elements per launch: 0 means PSUM_OFFLOAD_PASS. */
    uint64_t pass;
} psum_offload_plan;

/* The lane sums of a launch take lanes x 8 bytes of device memory. */
#define PSUM_OFFLOAD_MAX_LANES ((uint64_t)1 << 24)

typedef struct {
    int teams;         /* omp_get_num_teams(), read inside the last launch */
    /*
     * omp_get_num_threads() inside it: OpenMP threads per team.  On nvptx
     * each thread is a warp whose PSUM_OFFLOAD_SIMD lanes run the simd loop.
     */
    int threads;
    uint64_t lanes;    /* lanes of the last launch */
    uint64_t launches; /* target regions launched by this call */
} psum_offload_used;

/*
 * Sums elements [lo, hi) of src (lo <= hi <= src->n <= 2^62) on `device`
 * with `target teams distribute parallel for simd reduction(+ : ...)`
 * launches, cut as `plan` says (NULL: all defaults), and returns the exact
 * sum.  src->data is a psum_device_array's data on that device, or NULL to
 * generate the values on the device; src->first must be 0 (the device
 * array holds every element).  Fills *used (may be NULL); teams and threads stay 0 if no
 * launch ran.  Cannot fail short of the runtime aborting, except that if
 * the lane sums cannot be copied back the sum stops there and comes back
 * short, so verification fails; if the device has no room for them, the
 * sum runs in launches of at most `block` elements instead.
 *
 * Generated values are summed as i ^ key, with key a runtime zero read
 * from a volatile, so no compiler can replace the loop by its closed form.
 */
psum_u128 psum_offload_sum(const psum_source *src, int device, uint64_t lo, uint64_t hi,
                           const psum_offload_plan *plan, psum_offload_used *used);

#endif

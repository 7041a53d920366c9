/*
 * The CUDA half of psum_cub (bench/cub.c): NVIDIA's CUB reductions over N
 * int64 values on a GPU, behind a C interface, so that psum_cub's main is
 * C and uses psum's library for its arguments, clock and statistics.
 * Built by nvcc from bench/cub_reference.cu, with the CUDA runtime linked
 * statically (bench/meson.build).
 */
#ifndef PSUM_CUB_REFERENCE_H
#define PSUM_CUB_REFERENCE_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* psum_cub_open's results; PSUM_CUB_NO_DEVICE is also psum_cub's exit status. */
enum { PSUM_CUB_OK = 0, PSUM_CUB_FAILED = 1, PSUM_CUB_NO_DEVICE = 3 };

/* The two reductions. */
typedef enum {
    PSUM_CUB_READ, /* cub::DeviceReduce::Sum over the device array */
    PSUM_CUB_GEN   /* the same over i ^ key, i from a counting iterator: no memory read */
} psum_cub_kind;

/* The device psum_cub_open chose, and what it did before any timed sum. */
typedef struct {
    int devices, device;            /* as the CUDA runtime counts them */
    char name[256];                 /* cudaDeviceProp.name */
    int cc_major, cc_minor;         /* compute capability */
    int runtime_version;            /* cudaRuntimeGetVersion: 13000 for 13.0 */
    int driver_version;             /* cudaDriverGetVersion: the newest CUDA it runs */
    int cub_version;                /* CUB_VERSION: 300001 for 3.0.1 */
    double fill_s;                  /* the fill of the array, by CUDA events */
    unsigned long long temp_bytes;  /* CUB's temporary storage, allocated once */
} psum_cub_info;

/* The state of an open device: its array, temporary storage and events. */
typedef struct psum_cub psum_cub;

/*
 * Opens the runtime's current device (CUDA_VISIBLE_DEVICES chooses it),
 * allocates n int64 there and fills them with 0..n-1 by a kernel, and
 * allocates CUB's temporary storage for both reductions; nothing of that is
 * timed by psum_cub_run.  Returns PSUM_CUB_OK with *out and *info set;
 * PSUM_CUB_NO_DEVICE when the runtime finds no device, or no driver that
 * runs it; PSUM_CUB_FAILED for any other error (no room for the array,
 * say).  On failure *why holds one line (static storage) and nothing stays
 * allocated.  The caller frees *out with psum_cub_close.
 */
int psum_cub_open(uint64_t n, psum_cub **out, psum_cub_info *info, const char **why);

/*
 * Runs one reduction of `kind` over the n values and waits for its sum:
 * *sum the sum as copied back to the host, *device_s the reduction alone
 * between two CUDA events.  key is XORed into each generated value; pass a
 * zero the compiler cannot see (a volatile), so that the generated
 * reduction is never folded into n(n-1)/2.  Returns 0, or -1 with *why one
 * line (static storage).
 */
int psum_cub_run(psum_cub *c, psum_cub_kind kind, int64_t key, int64_t *sum, double *device_s,
                 const char **why);

/* Frees what psum_cub_open allocated; NULL is allowed. */
void psum_cub_close(psum_cub *c);

#ifdef __cplusplus
}
#endif

#endif

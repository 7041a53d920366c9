/*
 * psum_cub's GPU work (cub_reference.h): an int64 array filled on the
 * device, and NVIDIA's cub::DeviceReduce::Sum over it and over generated
 * values, the vendor's own reduction as the GPU limit in bench/limits.py.
 */
#include <cub/device/device_reduce.cuh>
#include <thrust/iterator/counting_iterator.h>
#include <thrust/iterator/transform_iterator.h>

#include <cstdio>
#include <cstring>

#include "cub_reference.h"

struct psum_cub {
    int64_t *data;   /* the n values 0..n-1 */
    int64_t *result; /* one sum, on the device */
    void *temp;      /* CUB's temporary storage, enough for both reductions */
    size_t temp_bytes;
    uint64_t n;
    cudaEvent_t start, stop;
};

/* One line naming the call that failed and the runtime's reason. */
static const char *cuda_why(const char *what, cudaError_t e)
{
    static char line[256];
    snprintf(line, sizeof line, "%s: %s (%s)", what, cudaGetErrorString(e), cudaGetErrorName(e));
    return line;
}

/*
 * Why the runtime finds no device to run on, in one line: none there, no
 * NVIDIA driver at all, or a driver older than the runtime linked in (a
 * CUDA 13 runtime needs a driver for CUDA 13).
 */
static const char *no_device(cudaError_t e)
{
    static char line[256];
    int driver = 0, runtime = 0;
    cudaDriverGetVersion(&driver);
    cudaRuntimeGetVersion(&runtime);
    if (e == cudaSuccess)
        return "no CUDA device: the runtime counts 0";
    if (e == cudaErrorInsufficientDriver && driver == 0)
        return "no CUDA device: no NVIDIA driver (libcuda.so.1) found";
    if (e == cudaErrorInsufficientDriver)
        snprintf(line, sizeof line,
                 "no CUDA device: the driver runs CUDA %d.%d, this CUDA %d.%d runtime needs a "
                 "newer one", driver / 1000, driver % 1000 / 10, runtime / 1000,
                 runtime % 1000 / 10);
    else
        snprintf(line, sizeof line, "no CUDA device: %s (%s)", cudaGetErrorString(e),
                 cudaGetErrorName(e));
    return line;
}

/* i ^ key: the generated values, which no compiler can sum in closed form. */
struct xor_key {
    int64_t key;
    __host__ __device__ int64_t operator()(int64_t i) const { return i ^ key; }
};

typedef thrust::transform_iterator<xor_key, thrust::counting_iterator<int64_t>> generated;

static generated values(int64_t key)
{
    return generated(thrust::counting_iterator<int64_t>(0), xor_key{key});
}

__global__ void fill(int64_t *a, uint64_t n)
{
    const uint64_t stride = (uint64_t)gridDim.x * blockDim.x;
    for (uint64_t i = (uint64_t)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += stride)
        a[i] = (int64_t)i;
}

/* The temporary storage CUB asks for, the larger of the two reductions. */
static cudaError_t temp_size(psum_cub *c, size_t *bytes)
{
    size_t read = 0, gen = 0;
    cudaError_t e = cub::DeviceReduce::Sum(nullptr, read, c->data, c->result, (int64_t)c->n);
    if (e == cudaSuccess)
        e = cub::DeviceReduce::Sum(nullptr, gen, values(0), c->result, (int64_t)c->n);
    *bytes = read > gen ? read : gen;
    return e;
}

static int fail(psum_cub *c, const char *what, cudaError_t e, const char **why)
{
    *why = cuda_why(what, e);
    psum_cub_close(c);
    return PSUM_CUB_FAILED;
}

extern "C" int psum_cub_open(uint64_t n, psum_cub **out, psum_cub_info *info, const char **why)
{
    memset(info, 0, sizeof *info);
    cudaError_t e = cudaGetDeviceCount(&info->devices);
    if (e == cudaErrorNoDevice || e == cudaErrorInsufficientDriver ||
        (e == cudaSuccess && info->devices == 0)) {
        *why = no_device(e);
        return PSUM_CUB_NO_DEVICE;
    }
    if (e != cudaSuccess) {
        *why = cuda_why("cudaGetDeviceCount", e);
        return PSUM_CUB_FAILED;
    }
    cudaDeviceProp prop;
    if ((e = cudaGetDevice(&info->device)) != cudaSuccess ||
        (e = cudaGetDeviceProperties(&prop, info->device)) != cudaSuccess) {
        *why = cuda_why("cudaGetDeviceProperties", e);
        return PSUM_CUB_FAILED;
    }
    snprintf(info->name, sizeof info->name, "%s", prop.name);
    info->cc_major = prop.major;
    info->cc_minor = prop.minor;
    cudaRuntimeGetVersion(&info->runtime_version);
    cudaDriverGetVersion(&info->driver_version);
    info->cub_version = CUB_VERSION;

    psum_cub *c = new psum_cub();
    c->n = n;
    if ((e = cudaEventCreate(&c->start)) != cudaSuccess ||
        (e = cudaEventCreate(&c->stop)) != cudaSuccess)
        return fail(c, "cudaEventCreate", e, why);
    if ((e = cudaMalloc(&c->data, n * sizeof(int64_t))) != cudaSuccess)
        return fail(c, "no room on the device for the array: cudaMalloc", e, why);
    if ((e = cudaMalloc(&c->result, sizeof(int64_t))) != cudaSuccess)
        return fail(c, "cudaMalloc", e, why);
    if ((e = temp_size(c, &c->temp_bytes)) != cudaSuccess)
        return fail(c, "cub::DeviceReduce::Sum (temporary storage size)", e, why);
    if ((e = cudaMalloc(&c->temp, c->temp_bytes)) != cudaSuccess)
        return fail(c, "no room on the device for CUB's temporary storage: cudaMalloc", e, why);
    info->temp_bytes = c->temp_bytes;

    /* A grid-stride fill: enough blocks to fill the device, however large n. */
    const unsigned blocks = (unsigned)(prop.multiProcessorCount * 8);
    cudaEventRecord(c->start);
    fill<<<blocks, 256>>>(c->data, n);
    cudaEventRecord(c->stop);
    if ((e = cudaEventSynchronize(c->stop)) != cudaSuccess ||
        (e = cudaGetLastError()) != cudaSuccess)
        return fail(c, "the fill kernel", e, why);
    float ms = 0;
    cudaEventElapsedTime(&ms, c->start, c->stop);
    info->fill_s = ms / 1e3;
    *out = c;
    return PSUM_CUB_OK;
}

extern "C" int psum_cub_run(psum_cub *c, psum_cub_kind kind, int64_t key, int64_t *sum,
                            double *device_s, const char **why)
{
    size_t bytes = c->temp_bytes;
    cudaEventRecord(c->start);
    cudaError_t e = kind == PSUM_CUB_READ
        ? cub::DeviceReduce::Sum(c->temp, bytes, c->data, c->result, (int64_t)c->n)
        : cub::DeviceReduce::Sum(c->temp, bytes, values(key), c->result, (int64_t)c->n);
    cudaEventRecord(c->stop);
    if (e == cudaSuccess)
        e = cudaMemcpy(sum, c->result, sizeof *sum, cudaMemcpyDeviceToHost);
    if (e == cudaSuccess)
        e = cudaEventSynchronize(c->stop);
    if (e != cudaSuccess) {
        *why = cuda_why("cub::DeviceReduce::Sum", e);
        return -1;
    }
    float ms = 0;
    cudaEventElapsedTime(&ms, c->start, c->stop);
    *device_s = ms / 1e3;
    return 0;
}

extern "C" void psum_cub_close(psum_cub *c)
{
    if (c == NULL)
        return;
    cudaFree(c->temp);
    cudaFree(c->result);
    cudaFree(c->data);
    if (c->start)
        cudaEventDestroy(c->start);
    if (c->stop)
        cudaEventDestroy(c->stop);
    delete c;
}

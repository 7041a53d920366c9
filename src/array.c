#include "array.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "procfs.h"

#define HUGE_ALIGN ((size_t)PSUM_ARRAY_ALIGN)

size_t psum_array_bytes(uint64_t n)
{
    if (n > (SIZE_MAX - HUGE_ALIGN) / sizeof(int64_t))
        return SIZE_MAX;
    return (size_t)n * sizeof(int64_t) + HUGE_ALIGN;
}

double psum_array_need(uint64_t n)
{
    return (double)n * (double)sizeof(int64_t) + (double)HUGE_ALIGN;
}

int psum_array_check_memory(uint64_t n, uint64_t avail, char *err, size_t errlen)
{
    double need = psum_array_need(n);
    if (avail == 0 || need + (double)PSUM_MEMORY_HEADROOM <= (double)avail)
        return 0;
    snprintf(err, errlen,
             "materializing %llu elements needs %.2f GB but only %.2f GB is available "
             "(MemAvailable); use --mode stream or a smaller -n",
             (unsigned long long)n, need / 1e9, (double)avail / 1e9);
    return -1;
}

uint64_t psum_mem_available(void)
{
    return psum_proc_kib_field("/proc/meminfo", "MemAvailable");
}

int psum_array_alloc(psum_array *a, uint64_t n)
{
    size_t bytes = psum_array_bytes(n);
    if (bytes == SIZE_MAX) {
        errno = ENOMEM;
        return -1;
    }
    void *base = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (base == MAP_FAILED)
        return -1;
    uintptr_t start = ((uintptr_t)base + HUGE_ALIGN - 1) & ~(uintptr_t)(HUGE_ALIGN - 1);
    a->data = (int64_t *)start;
    a->n = n;
    a->base = base;
    a->mapped = bytes;
    a->huge_advised = 0;
#ifdef MADV_HUGEPAGE
    /* Advice only: without THP the array still works, with 4 KiB pages. */
    a->huge_advised = madvise(a->data, (size_t)n * sizeof(int64_t), MADV_HUGEPAGE) == 0;
#endif
    return 0;
}

void psum_array_fill(psum_array *a, int threads)
{
    psum_array_fill_slice(a, 0, threads);
}

void psum_array_fill_slice(psum_array *a, uint64_t first, int threads)
{
    /* One block is one huge page: the array is 2 MiB aligned. */
    const uint64_t block = HUGE_ALIGN / sizeof(int64_t);
    const uint64_t n = a->n, blocks = (n + block - 1) / block;
    int64_t *data = a->data;
#pragma omp parallel for schedule(static) num_threads(threads)
    for (uint64_t b = 0; b < blocks; b++) {
        const uint64_t hi = (b + 1) * block < n ? (b + 1) * block : n;
        for (uint64_t i = b * block; i < hi; i++)
            data[i] = (int64_t)(first + i);
    }
}

void psum_array_free(psum_array *a)
{
    if (a->base != NULL)
        munmap(a->base, a->mapped);
    memset(a, 0, sizeof *a);
}

/*
 * The materialized array: memory check, allocation backed by transparent
 * huge pages where the OS offers them, and the parallel first touch.
 */
#ifndef PSUM_ARRAY_H
#define PSUM_ARRAY_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    int64_t *data;   /* n elements, 2 MiB aligned */
    uint64_t n;
    void *base;      /* the mapping, for psum_array_free */
    size_t mapped;   /* its length in bytes */
    int huge_advised; /* 1 if madvise(MADV_HUGEPAGE) was accepted */
} psum_array;

/*
 * Bytes that materializing n elements needs (n * 8, plus alignment slack),
 * or SIZE_MAX if that does not fit in a size_t.
 */
size_t psum_array_bytes(uint64_t n);

/*
 * MemAvailable from /proc/meminfo, in bytes; 0 if it cannot be read (the
 * caller then has no basis to refuse and should try the allocation).
 */
uint64_t psum_mem_available(void);

/*
 * Maps memory for n int64 elements, not yet touched, and advises huge
 * pages.  Returns 0, or -1 with errno set if the mapping is refused (for
 * example by `ulimit -v`); *a is then untouched.  Free with
 * psum_array_free.
 */
int psum_array_alloc(psum_array *a, uint64_t n);

/*
 * Writes data[i] = i with a static partition over `threads` threads: each
 * page is first touched, and so placed, by the thread that the static
 * schedule gives it.  `cancel` (may be NULL) is polled once per 2 MiB
 * block; once it is non-zero the rest is left unfilled and the array must
 * not be summed.
 */
void psum_array_fill(psum_array *a, int threads, const volatile sig_atomic_t *cancel);

/*
 * Unmaps the array; a zeroed or already freed psum_array is ignored.
 */
void psum_array_free(psum_array *a);

#endif

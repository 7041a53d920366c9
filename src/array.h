/*
 * The materialized array: memory check, allocation backed by transparent
 * huge pages where the OS offers them, and the parallel first touch.
 */
#ifndef PSUM_ARRAY_H
#define PSUM_ARRAY_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    int64_t *data;   /* n elements, 2 MiB aligned */
    uint64_t n;
    void *base;      /* the mapping, for psum_array_free */
    size_t mapped;   /* its length in bytes */
    int huge_advised; /* 1 if madvise(MADV_HUGEPAGE) was accepted */
} psum_array;

/* Transparent huge pages are 2 MiB on x86-64; the array is aligned to them. */
#define PSUM_ARRAY_ALIGN ((uint64_t)2 << 20)

/* Room left beside the array for the program, the stack and the kernel's own needs. */
#define PSUM_MEMORY_HEADROOM ((uint64_t)64 << 20)

/*
 * Bytes that materializing n elements needs (n * 8, plus alignment slack),
 * or SIZE_MAX if that does not fit in a size_t.
 */
size_t psum_array_bytes(uint64_t n);

/*
 * The same need as a double, computed from n without any clamping: the
 * figure to show, whatever n (2^62 elements need 3.7e19 bytes).
 */
double psum_array_need(uint64_t n);

/*
 * Whether materializing n elements fits in `avail` bytes (MemAvailable)
 * with PSUM_MEMORY_HEADROOM (64 MiB) to spare for everything else.  Returns 0 if it fits or if
 * avail is 0 (unknown: no basis to refuse); otherwise -1 with one line in
 * err (errlen bytes) giving both figures and the way out (--mode stream).
 */
int psum_array_check_memory(uint64_t n, uint64_t avail, char *err, size_t errlen);

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
 * schedule gives it.
 */
void psum_array_fill(psum_array *a, int threads);

/*
 * The same for a slice that starts at element `first`: writes
 * data[i] = first + i, so the array holds [first, first + n) as a
 * psum_source with that `first` expects (one MPI rank's share).
 */
void psum_array_fill_slice(psum_array *a, uint64_t first, int threads);

/*
 * Unmaps the array; a zeroed or already freed psum_array is ignored.
 */
void psum_array_free(psum_array *a);

#endif

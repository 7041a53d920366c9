/*
 * A stdio stream that writes into a growing memory buffer and remembers
 * every byte it could not keep.  glibc's open_memstream drops what does not
 * fit once realloc fails and says nothing: neither ferror nor fclose report
 * it, so a report cut short under a memory limit looked whole.
 */
#ifndef PSUM_MEMBUF_H
#define PSUM_MEMBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef struct {
    char *data;   /* the bytes written, NUL-terminated; owned, see psum_membuf_free */
    size_t len;   /* bytes in data, the terminator left out */
    size_t cap;   /* bytes allocated */
    size_t limit; /* most bytes data may hold; growing past it fails as a refused realloc */
    bool failed;  /* a write lost bytes: data is not all that was written */
} psum_membuf;

/*
 * Opens a write-only stream into *b, which it empties; limit caps what b
 * may hold (SIZE_MAX: as much as memory allows; tests pass less to make
 * growth fail).  Returns the stream, or NULL (errno set) if it cannot be
 * opened; *b is then empty and needs no psum_membuf_free.
 */
FILE *psum_membuf_open(psum_membuf *b, size_t limit);

/*
 * Closes f, which psum_membuf_open(b) returned, flushing what it buffered
 * into b.  Returns 0 when b->data holds every byte written to f, or -1 when
 * some were lost (a refused allocation, the limit, a write error on f),
 * with errno ENOMEM where memory ran out.  Either way b->data stays for
 * the caller to free.
 */
int psum_membuf_close(FILE *f, psum_membuf *b);

/* Frees b's data and empties it. */
void psum_membuf_free(psum_membuf *b);

#endif

#include "membuf.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

/*
 * Makes room for `more` bytes and a terminator, doubling so that a report
 * of n bytes costs O(n) copies.
 */
static bool grow(psum_membuf *b, size_t more)
{
    if (b->limit == 0 || more > b->limit - 1 || b->len > b->limit - 1 - more)
        return false;
    size_t need = b->len + more + 1;
    if (need <= b->cap)
        return true;
    size_t cap = b->cap > 0 ? b->cap : 4096;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? SIZE_MAX : cap * 2;
    if (cap > b->limit)
        cap = b->limit;
    char *data = realloc(b->data, cap);
    if (data == NULL)
        return false;
    b->data = data;
    b->cap = cap;
    return true;
}

/*
 * The stream's write function.  A refused write is sticky: once a byte is
 * lost every later one is refused too, so what b holds is a prefix at
 * worst, and b->failed says so whatever stdio makes of the short count.
 */
static ssize_t membuf_write(void *cookie, const char *buf, size_t size)
{
    psum_membuf *b = cookie;
    if (b->failed || !grow(b, size)) {
        b->failed = true;
        errno = ENOMEM;
        return 0;
    }
    memcpy(b->data + b->len, buf, size);
    b->len += size;
    b->data[b->len] = '\0';
    return (ssize_t)size;
}

FILE *psum_membuf_open(psum_membuf *b, size_t limit)
{
    *b = (psum_membuf){.limit = limit};
    cookie_io_functions_t io = {.write = membuf_write};
    return fopencookie(b, "w", io);
}

int psum_membuf_close(FILE *f, psum_membuf *b)
{
    bool stream_error = ferror(f) != 0;
    bool close_error = fclose(f) != 0;
    if (b->failed) {
        errno = ENOMEM;
        return -1;
    }
    return stream_error || close_error ? -1 : 0;
}

void psum_membuf_free(psum_membuf *b)
{
    free(b->data);
    *b = (psum_membuf){0};
}

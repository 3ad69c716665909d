/* buf.h - a growable byte buffer for the packer's text and pack building.
 * Zero-initialise (buf b = {0}), append, take b.p, or free(b.p). */
#ifndef LECTERN_BUF_H
#define LECTERN_BUF_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct buf {
    uint8_t *p;
    size_t n, cap;
} buf;

/* Make room for `add` more bytes. Returns 0, or -1 (out of memory or a size
 * that would overflow); the buffer is unchanged on failure. */
static inline int buf_reserve(buf *b, size_t add)
{
    if (add > SIZE_MAX / 2 - b->n) return -1;
    size_t need = b->n + add;
    if (need <= b->cap) return 0;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need) cap *= 2;
    uint8_t *p = realloc(b->p, cap);
    if (!p) return -1;
    b->p = p;
    b->cap = cap;
    return 0;
}

/* Append s[0..n). Returns 0 or -1 as buf_reserve. */
static inline int buf_put(buf *b, const void *s, size_t n)
{
    if (buf_reserve(b, n)) return -1;
    if (n) memcpy(b->p + b->n, s, n);
    b->n += n;
    return 0;
}

#endif

/* util.h - little helpers shared by every module: error messages and
 * byte-by-byte little-endian access. Plain C11, no allocation, no state. */
#ifndef LECTERN_UTIL_H
#define LECTERN_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* A human-readable error message. Functions that can fail take a `lerr *`
 * (which may be NULL when the caller does not care), fill it on failure and
 * return a non-zero status. The message names the file, essay or byte
 * offset where that is known. */
typedef struct lerr {
    char msg[512];
} lerr;

/* Format into e->msg (printf-style). Does nothing when e is NULL. */
void lerr_set(lerr *e, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Prefix e->msg with "prefix: " (for adding a file name on the way up). */
void lerr_prefix(lerr *e, const char *prefix);

/* Little-endian loads and stores, byte by byte: valid on any alignment and
 * on any host byte order. The caller guarantees the bytes are in bounds. */
static inline uint16_t le16(const uint8_t *p) { return (uint16_t)(p[0] | (p[1] << 8)); }
static inline uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline uint64_t le64(const uint8_t *p) { return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32; }
static inline void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static inline void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}
static inline void put64(uint8_t *p, uint64_t v) { put32(p, (uint32_t)v); put32(p + 4, (uint32_t)(v >> 32)); }

/* XXH3-64 with seed 0 (libxxhash), the checksum of the pack format. On
 * x86-64 it takes libxxhash's run-time dispatch to AVX2/AVX-512, which is
 * about three times the speed of the SSE2 baseline; the result is the same
 * everywhere. */
uint64_t lx_hash(const void *data, size_t n);

/* UTF-8 decoding of one code point from s[0..n). Returns the number of bytes
 * consumed (1..4) and stores the code point in *cp; on an invalid, overlong,
 * surrogate or truncated sequence returns 0 and leaves *cp unspecified.
 * Never reads past s+n. Works the same whether `char` is signed or not:
 * it takes bytes. */
size_t utf8_decode(const uint8_t *s, size_t n, uint32_t *cp);

/* Encode cp (≤ U+10FFFF, not a surrogate) into out[0..4); returns length,
 * or 0 for an invalid code point. */
size_t utf8_encode(uint32_t cp, uint8_t out[4]);

/* 1 if s[0..n) is entirely valid UTF-8, else 0 (and *bad_at, if given, gets
 * the byte offset of the first bad sequence). */
int utf8_valid(const uint8_t *s, size_t n, size_t *bad_at);

#endif

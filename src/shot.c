/* shot.c - PNG files for screenshots and replays. See shot.h. */
#define _POSIX_C_SOURCE 200809L
#include "shot.h"

#include <errno.h>
#include <fcntl.h>
#include <libdeflate.h>
#include <png.h>
#include <sys/stat.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* libdeflate's level. On an 800x480 text page's rows (best of 200, the
 * compressor's allocation included): 1 takes 1.19 ms for 46,388 bytes, 2
 * takes 1.46 ms for 43,392; zlib's level 1 inside libpng took about 1.9 ms
 * for 48,622. The fastest, then: the PNG is for looking at, not keeping. */
#ifndef SHOT_LEVEL
#define SHOT_LEVEL 1
#endif

/* libpng reports errors by longjmp; its message is kept for ours */
typedef struct shot_err {
    jmp_buf jmp;
    char msg[200];
} shot_err;

static void on_error(png_structp p, png_const_charp msg)
{
    shot_err *se = png_get_error_ptr(p);
    snprintf(se->msg, sizeof se->msg, "%s", msg);
    longjmp(se->jmp, 1);
}

static void on_warning(png_structp p, png_const_charp msg)
{
    (void)p;
    (void)msg;
}

/* libpng's own writer says only "Write Error": say why (a full disk, a
 * file too large) */
static void on_write(png_structp p, png_bytep data, size_t n)
{
    if (fwrite(data, 1, n, png_get_io_ptr(p)) != n) png_error(p, strerror(errno));
}

static void on_flush(png_structp p) { (void)p; }

/* The rows as PNG filters them (filter type 0, None: a byte 0 and then
 * the row as R, G, B or R, G, B, A), all of them in one buffer, for
 * libdeflate, which compresses a whole buffer at once. B, G, R, unused rows
 * become R, G, B here in the same pass. In a new buffer; or with
 * in_place, for SHOT_BGRX, in `pixels` themselves: a filtered row (1 + 3w
 * bytes) is shorter than a picture's row (pitch >= 4w), so row y's bytes
 * start at or before the picture's row y, and each pixel is read before
 * its bytes or the row's filter byte are written over it, which overwrites
 * only bytes already read (pixel x of row y goes to y(1 + 3w) + 1 + 3x,
 * from y pitch + 4x). NULL when out of memory or when the picture is too
 * large to be one buffer (a 32-bit size_t). */
static uint8_t *filtered_rows(const uint8_t *pixels, int w, int h, size_t pitch, int layout, uint8_t *in_place,
                              size_t *n)
{
    size_t ch = layout == SHOT_RGBA ? 4 : 3, stride = 1 + (size_t)w * ch;
    if ((size_t)h > SIZE_MAX / stride) return NULL;
    *n = stride * (size_t)h;
    if (in_place && layout == SHOT_BGRX) {
        for (int y = 0; y < h; y++) {
            const uint8_t *src = in_place + (size_t)y * pitch;
            uint8_t *dst = in_place + (size_t)y * stride;
            for (int x = 0; x < w; x++) {
                uint8_t b = src[4 * x], g = src[4 * x + 1], r = src[4 * x + 2];
                if (!x) dst[0] = 0; /* PNG_FILTER_VALUE_NONE, once pixel 0 is read */
                dst[1 + 3 * x] = r;
                dst[2 + 3 * x] = g;
                dst[3 + 3 * x] = b;
            }
        }
        return in_place;
    }
    uint8_t *buf = malloc(*n);
    if (!buf) return NULL;
    for (int y = 0; y < h; y++) {
        const uint8_t *src = pixels + (size_t)y * pitch;
        uint8_t *dst = buf + (size_t)y * stride;
        *dst++ = 0; /* PNG_FILTER_VALUE_NONE */
        if (layout == SHOT_BGRX)
            for (int x = 0; x < w; x++, dst += 3, src += 4) {
                dst[0] = src[2];
                dst[1] = src[1];
                dst[2] = src[0];
            }
        else memcpy(dst, src, stride - 1);
    }
    return buf;
}

/* The image data: the filtered rows as one zlib stream (libdeflate at
 * SHOT_LEVEL) in a new buffer *z of *zn bytes. 0, or -1 with se->msg set. */
static int compress_rows(const uint8_t *pixels, int w, int h, size_t pitch, int layout, uint8_t *in_place,
                         uint8_t **z, size_t *zn, shot_err *se)
{
    *z = NULL;
    size_t n = 0;
    uint8_t *raw = filtered_rows(pixels, w, h, pitch, layout, in_place, &n);
    struct libdeflate_compressor *c = raw ? libdeflate_alloc_compressor(SHOT_LEVEL) : NULL;
    size_t cap = c ? libdeflate_zlib_compress_bound(c, n) : 0;
    uint8_t *out = cap > n ? malloc(cap) : NULL;
    *zn = out ? libdeflate_zlib_compress(c, raw, n, out, cap) : 0;
    if (c) libdeflate_free_compressor(c);
    if (raw != in_place) free(raw);
    if (!*zn) { /* the bound is a bound: 0 here means no memory */
        free(out);
        snprintf(se->msg, sizeof se->msg, "out of memory for a %dx%d picture", w, h);
        return -1;
    }
    *z = out;
    return 0;
}

/* The write itself, into an open FILE: libpng for the container (the
 * signature, IHDR, every chunk's CRC), the image data compressed apart
 * (compress_rows) and written as IDAT chunks of at most 2^31 - 1 bytes,
 * the most a PNG chunk holds. 0, or -1 with se->msg set. */
static int write_png(FILE *f, const uint8_t *pixels, int w, int h, size_t pitch, int layout, uint8_t *in_place,
                     shot_err *se)
{
    uint8_t *z;
    size_t zn;
    if (compress_rows(pixels, w, h, pitch, layout, in_place, &z, &zn, se)) return -1;
    png_structp p = png_create_write_struct(PNG_LIBPNG_VER_STRING, se, on_error, on_warning);
    png_infop info = p ? png_create_info_struct(p) : NULL;
    if (!info) {
        snprintf(se->msg, sizeof se->msg, "out of memory");
        png_destroy_write_struct(&p, NULL);
        free(z);
        return -1;
    }
    /* volatile: read after the longjmp */
    volatile int rc = -1;
    if (setjmp(se->jmp) == 0) {
        png_set_write_fn(p, f, on_write, on_flush);
        png_set_IHDR(p, info, (png_uint_32)w, (png_uint_32)h, 8,
                     layout == SHOT_RGBA ? PNG_COLOR_TYPE_RGB_ALPHA : PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                     PNG_COMPRESSION_TYPE_BASE, PNG_FILTER_TYPE_BASE);
        png_write_info(p, info);
        for (size_t at = 0; at < zn;) {
            size_t k = zn - at < PNG_UINT_31_MAX ? zn - at : PNG_UINT_31_MAX;
            png_write_chunk(p, (png_const_bytep) "IDAT", z + at, k);
            at += k;
        }
        /* not png_write_end, which wants the rows written through libpng */
        png_write_chunk(p, (png_const_bytep) "IEND", NULL, 0);
        rc = 0;
    }
    png_destroy_write_struct(&p, &info);
    free(z);
    return rc;
}

static int save(const char *path, const uint8_t *pixels, int w, int h, size_t pitch, int layout, uint8_t *in_place,
                lerr *e)
{
    size_t bpp = layout == SHOT_RGB ? 3 : 4;
    if (w < 1 || h < 1 || w > 65535 || h > 65535 || (layout != SHOT_RGB && layout != SHOT_RGBA && layout != SHOT_BGRX) ||
        pitch < (size_t)w * bpp) {
        lerr_set(e, "%s: cannot write a %dx%d picture", path, w, h);
        return -1;
    }
    size_t n = strlen(path);
    char *tmp = malloc(n + 16);
    if (!tmp) {
        lerr_set(e, "%s: out of memory", path);
        return -1;
    }
    /* a name of our own beside the file, made with O_EXCL (mkstemp) */
    snprintf(tmp, n + 16, "%s.tmp-XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        lerr_set(e, "%s: cannot write: %s", path, strerror(errno));
        free(tmp);
        return -1;
    }
    (void)fchmod(fd, 0644);
    FILE *f = fdopen(fd, "wb");
    shot_err se = {.msg = ""};
    int rc = -1;
    if (!f) {
        snprintf(se.msg, sizeof se.msg, "%s", strerror(errno));
        close(fd);
    } else {
        rc = write_png(f, pixels, w, h, pitch, layout, in_place, &se);
        if (fflush(f) != 0 && rc == 0) {
            snprintf(se.msg, sizeof se.msg, "%s", strerror(errno));
            rc = -1;
        }
        if (fclose(f) != 0 && rc == 0) {
            snprintf(se.msg, sizeof se.msg, "%s", strerror(errno));
            rc = -1;
        }
    }
    if (rc == 0 && rename(tmp, path) != 0) {
        snprintf(se.msg, sizeof se.msg, "%s", strerror(errno));
        rc = -1;
    }
    if (rc) {
        unlink(tmp);
        lerr_set(e, "%s: cannot write: %s", path, se.msg);
    }
    free(tmp);
    return rc;
}

int shot_save_png(const char *path, const uint8_t *pixels, int w, int h, size_t pitch, int layout, lerr *e)
{
    return save(path, pixels, w, h, pitch, layout, NULL, e);
}

int shot_save_png_scratch(const char *path, uint8_t *pixels, int w, int h, size_t pitch, int layout, lerr *e)
{
    return save(path, pixels, w, h, pitch, layout, pixels, e);
}

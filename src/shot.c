/* shot.c - PNG files for screenshots and replays. See shot.h. */
#define _POSIX_C_SOURCE 200809L
#include "shot.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

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

/* The write itself, into an open FILE. 0, or -1 with se->msg set. */
static int write_png(FILE *f, const uint8_t *pixels, int w, int h, size_t pitch, int layout, shot_err *se)
{
    png_structp p = png_create_write_struct(PNG_LIBPNG_VER_STRING, se, on_error, on_warning);
    png_infop info = p ? png_create_info_struct(p) : NULL;
    if (!info) {
        snprintf(se->msg, sizeof se->msg, "out of memory");
        png_destroy_write_struct(&p, NULL);
        return -1;
    }
    /* B, G, R, unused rows are turned into R, G, B here, one row at a time:
     * one pass, where libpng's own transforms (png_set_bgr, png_set_filler)
     * take two. Made before the setjmp, and freed after it either way. */
    uint8_t *const row = layout == SHOT_BGRX ? malloc((size_t)w * 3) : NULL;
    if (layout == SHOT_BGRX && !row) {
        snprintf(se->msg, sizeof se->msg, "out of memory");
        png_destroy_write_struct(&p, &info);
        return -1;
    }
    /* volatile: read after the longjmp */
    volatile int rc = -1;
    if (setjmp(se->jmp) == 0) {
        png_init_io(p, f);
        png_set_compression_level(p, Z_BEST_SPEED);
        /* a smaller hash table (16 kB, not 128 kB) and literal buffer: 24 fewer
         * pages to clear for one page's PNG, 0.1 % bigger */
        png_set_compression_mem_level(p, 6);
        png_set_filter(p, PNG_FILTER_TYPE_BASE, PNG_FILTER_NONE);
        png_set_IHDR(p, info, (png_uint_32)w, (png_uint_32)h, 8,
                     layout == SHOT_RGBA ? PNG_COLOR_TYPE_RGB_ALPHA : PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                     PNG_COMPRESSION_TYPE_BASE, PNG_FILTER_TYPE_BASE);
        png_write_info(p, info);
        for (int y = 0; y < h; y++) {
            const uint8_t *src = pixels + (size_t)y * pitch;
            if (row) {
                for (int x = 0; x < w; x++) {
                    row[3 * x] = src[4 * x + 2];
                    row[3 * x + 1] = src[4 * x + 1];
                    row[3 * x + 2] = src[4 * x];
                }
                src = row;
            }
            png_write_row(p, src);
        }
        png_write_end(p, NULL);
        rc = 0;
    }
    png_destroy_write_struct(&p, &info);
    free(row);
    return rc;
}

int shot_save_png(const char *path, const uint8_t *pixels, int w, int h, size_t pitch, int layout, lerr *e)
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
        rc = write_png(f, pixels, w, h, pitch, layout, &se);
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

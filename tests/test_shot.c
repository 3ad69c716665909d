/* test_shot.c - PNG files written whole, read back pixel for pixel. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <errno.h>
#include <png.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shot.h"
#include "t.h"

#include "app.h"
#include "app_state.h"
#include "page.h"
#include "t_app.h"

static char dir[64];

/* entries in dir other than . and .. */
static int entries(void)
{
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *de;
    while (d && (de = readdir(d)))
        if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) n++;
    if (d) closedir(d);
    return n;
}

/* read path back as 8-bit RGB(A) with libpng's simplified API */
static uint8_t *read_back(const char *path, int channels, int *w, int *h)
{
    png_image im;
    memset(&im, 0, sizeof im);
    im.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_file(&im, path)) return NULL;
    im.format = channels == 4 ? PNG_FORMAT_RGBA : PNG_FORMAT_RGB;
    uint8_t *px = malloc(PNG_IMAGE_SIZE(im));
    if (!px || !png_image_finish_read(&im, NULL, px, 0, NULL)) {
        free(px);
        png_image_free(&im);
        return NULL;
    }
    *w = (int)im.width;
    *h = (int)im.height;
    return px;
}

TEST(rgb_round_trip_with_a_pitch)
{
    enum { W = 37, H = 23, PITCH = W * 3 + 5 };
    uint8_t *px = calloc(H, PITCH);
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            uint8_t *p = px + y * PITCH + x * 3;
            p[0] = (uint8_t)(x * 7), p[1] = (uint8_t)(y * 11), p[2] = (uint8_t)(x ^ y);
        }
    char path[128];
    snprintf(path, sizeof path, "%s/a.png", dir);
    lerr e = {0};
    CHECKF(shot_save_png(path, px, W, H, PITCH, SHOT_RGB, &e) == 0, "%s", e.msg);
    int w = 0, h = 0;
    uint8_t *back = read_back(path, 3, &w, &h);
    CHECK(back && w == W && h == H);
    int same = back != NULL;
    for (int y = 0; back && y < H; y++) same &= !memcmp(back + y * W * 3, px + y * PITCH, W * 3);
    CHECK(same);
    struct stat st;
    CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0644);
    CHECK(entries() == 1); /* no temporary file beside it */
    free(back);
    free(px);
    unlink(path);
}

TEST(rgba_round_trip_and_replace)
{
    uint8_t px[2 * 2 * 4] = {255, 0, 0, 255, 0, 255, 0, 128, 0, 0, 255, 0, 9, 8, 7, 6};
    char path[128];
    snprintf(path, sizeof path, "%s/b.png", dir);
    FILE *f = fopen(path, "w");
    if (f) fputs("old", f), fclose(f);
    lerr e = {0};
    CHECKF(shot_save_png(path, px, 2, 2, 8, SHOT_RGBA, &e) == 0, "%s", e.msg);
    int w = 0, h = 0;
    uint8_t *back = read_back(path, 4, &w, &h);
    CHECK(back && w == 2 && h == 2 && !memcmp(back, px, sizeof px));
    free(back);
    CHECK(entries() == 1);
    unlink(path);
}

/* B, G, R, unused (SDL's ARGB8888 on a little-endian machine) is written
 * as RGB: the same picture as from the same pixels given as R, G, B. */
TEST(bgrx_is_written_as_the_same_rgb)
{
    enum { W = 29, H = 17, PITCH = W * 4 + 12 };
    uint8_t *bgrx = calloc(H, PITCH), *rgb = calloc(H, W * 3);
    for (int y = 0; bgrx && rgb && y < H; y++)
        for (int x = 0; x < W; x++) {
            uint8_t r = (uint8_t)(x * 9 + y), g = (uint8_t)(y * 13), b = (uint8_t)(255 - x * 5);
            uint8_t *q = bgrx + y * PITCH + x * 4, *p = rgb + (y * W + x) * 3;
            q[0] = b, q[1] = g, q[2] = r, q[3] = (uint8_t)(x * 31); /* the unused byte must not matter */
            p[0] = r, p[1] = g, p[2] = b;
        }
    CHECK(bgrx && rgb);
    char path[128];
    snprintf(path, sizeof path, "%s/f.png", dir);
    lerr e = {0};
    CHECKF(bgrx && shot_save_png(path, bgrx, W, H, PITCH, SHOT_BGRX, &e) == 0, "%s", e.msg);
    int w = 0, h = 0;
    uint8_t *back = read_back(path, 3, &w, &h);
    CHECK(back && w == W && h == H && rgb && !memcmp(back, rgb, W * H * 3));
    /* an RGB PNG, not RGBA: the unused byte is not kept */
    png_image im;
    memset(&im, 0, sizeof im);
    im.version = PNG_IMAGE_VERSION;
    CHECK(png_image_begin_read_from_file(&im, path) && !(im.format & PNG_FORMAT_FLAG_ALPHA));
    png_image_free(&im);
    CHECK(shot_save_png(path, bgrx, W, H, W * 4 - 1, SHOT_BGRX, &e) == -1); /* pitch too small */
    free(back);
    free(bgrx);
    free(rgb);
    unlink(path);
    CHECK(entries() == 0);
}

TEST(bad_sizes_and_folders_leave_nothing)
{
    uint8_t px[12] = {0};
    char path[128];
    lerr e = {0};
    snprintf(path, sizeof path, "%s/c.png", dir);
    CHECK(shot_save_png(path, px, 0, 1, 3, 3, &e) == -1 && strstr(e.msg, "c.png"));
    CHECK(shot_save_png(path, px, 70000, 1, 210000, 3, &e) == -1);
    CHECK(shot_save_png(path, px, 2, 1, 5, 3, &e) == -1); /* pitch too small */
    CHECK(shot_save_png(path, px, 1, 1, 3, 2, &e) == -1);
    snprintf(path, sizeof path, "%s/no/such/folder/d.png", dir);
    CHECK(shot_save_png(path, px, 1, 1, 3, 3, &e) == -1 && strstr(e.msg, "cannot write") && strstr(e.msg, "d.png"));
    CHECK(entries() == 0);
}

TEST(a_folder_in_the_way_is_an_error_and_no_temporary_file)
{
    /* the rename over a folder fails (EISDIR): the error names the path,
     * the temporary file is gone, the folder is untouched */
    char path[128];
    snprintf(path, sizeof path, "%s/e.png", dir);
    CHECK(mkdir(path, 0755) == 0);
    uint8_t px[3] = {1, 2, 3};
    lerr e = {0};
    CHECK(shot_save_png(path, px, 1, 1, 3, 3, &e) == -1 && strstr(e.msg, "e.png") && strstr(e.msg, "cannot write"));
    CHECK(entries() == 1);
    struct stat st;
    CHECK(stat(path, &st) == 0 && S_ISDIR(st.st_mode));
    rmdir(path);
}

/* The chunks of the PNG at path, by type, as "IHDR IDAT IEND" (at most
 * cap bytes); "" when it does not start with the signature. */
static void chunk_types(const char *path, char *out, size_t cap)
{
    static const uint8_t sig[8] = {137, 80, 78, 71, 13, 10, 26, 10};
    out[0] = 0;
    FILE *f = fopen(path, "rb");
    uint8_t b[8];
    if (!f || fread(b, 1, 8, f) != 8 || memcmp(b, sig, 8)) {
        if (f) fclose(f);
        return;
    }
    size_t o = 0;
    while (fread(b, 1, 8, f) == 8 && o + 6 < cap) {
        long len = (long)b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3];
        o += (size_t)snprintf(out + o, cap - o, "%s%.4s", o ? " " : "", (const char *)b + 4);
        if (fseek(f, len + 4, SEEK_CUR)) break;
    }
    fclose(f);
}

/* 1 when the two files hold the same bytes */
static int same_file(const char *a, const char *b)
{
    FILE *f = fopen(a, "rb"), *g = fopen(b, "rb");
    int same = f && g, x, y;
    while (same && ((x = getc(f)) != EOF) | ((y = getc(g)) != EOF)) same = x == y;
    if (f) fclose(f);
    if (g) fclose(g);
    return same;
}

/* A page as the reader's --screenshot paints it (page.h, B, G, R, unused)
 * at w x h, written and read back with libpng: the same R, G, B, pixel for
 * pixel, in one IDAT chunk. */
static void check_painted_page(int w, int h)
{
    app a;
    int ok = open_app_on(&a, NULL, w, h, THEME_LIGHT, 3) == 0;
    CHECKF(ok, "%dx%d: cannot open", w, h);
    if (!ok) return;
    page_painter *pp = NULL;
    lerr e = {0};
    CHECKF(page_painter_new(&pp, a.fonts, &e) == 0, "%s", e.msg);
    render_page rp = app_page_of(&a, 0);
    page_job job = {rp.es, rp.lr, rp.page, rp.title, rp.title_len, rp.theme, rp.geom, 0, 0};
    page_canvas c = {calloc((size_t)w * h, 4), w, h, (size_t)w * 4};
    CHECK(c.px != NULL);
    if (pp && c.px) {
        CHECKF(page_paint(pp, &job, &c, &e) == 0, "%s", e.msg);
        for (size_t i = 0; i < (size_t)w * h; i++) c.px[4 * i + 3] = (uint8_t)i; /* the unused byte: not kept */
        char path[128];
        snprintf(path, sizeof path, "%s/page-%dx%d.png", dir, w, h);
        CHECKF(shot_save_png(path, c.px, w, h, c.pitch, SHOT_BGRX, &e) == 0, "%s", e.msg);
        char types[64];
        chunk_types(path, types, sizeof types);
        CHECKF(!strcmp(types, "IHDR IDAT IEND"), "%dx%d: chunks %s", w, h, types);
        int bw = 0, bh = 0;
        uint8_t *back = read_back(path, 3, &bw, &bh);
        CHECK(back && bw == w && bh == h);
        long differ = back ? 0 : -1, ink = 0;
        for (size_t i = 0; back && i < (size_t)w * h; i++) {
            const uint8_t *q = c.px + 4 * i, *p = back + 3 * i;
            differ += p[0] != q[2] || p[1] != q[1] || p[2] != q[0];
            ink += p[0] != back[0] || p[1] != back[1] || p[2] != back[2];
        }
        CHECKF(differ == 0, "%dx%d: %ld pixels differ", w, h, differ);
        CHECKF(ink > (long)w * h / 200, "%dx%d: only %ld pixels of ink: not a page", w, h, ink);
        /* made in the canvas itself, as the headless pages are: the same file */
        char path2[160];
        snprintf(path2, sizeof path2, "%s/page-%dx%d-scratch.png", dir, w, h);
        CHECKF(shot_save_png_scratch(path2, c.px, w, h, c.pitch, SHOT_BGRX, &e) == 0, "%s", e.msg);
        CHECKF(same_file(path, path2), "%dx%d: the scratch PNG differs", w, h);
        free(back);
        unlink(path);
        unlink(path2);
    }
    free(c.px);
    page_painter_free(pp);
    app_close(&a);
    CHECK(entries() == 0);
}

TEST(a_painted_page_reads_back_as_painted)
{
    check_painted_page(800, 480);
    check_painted_page(801, 479); /* rows of an odd length, an odd number of them */
}

/* Noise does not compress: the buffer for the compressed rows must hold
 * more than the rows themselves (stored blocks), RGBA and RGB alike. */
TEST(noise_reads_back_as_written)
{
    enum { W = 801, H = 479 };
    uint8_t *px = malloc((size_t)W * H * 4);
    CHECK(px != NULL);
    if (!px) return;
    uint32_t x = 2463534242u;
    for (size_t i = 0; i < (size_t)W * H * 4; i++) {
        x ^= x << 13, x ^= x >> 17, x ^= x << 5;
        px[i] = (uint8_t)x;
    }
    char path[128];
    snprintf(path, sizeof path, "%s/noise.png", dir);
    for (int channels = 3; channels <= 4; channels++) {
        lerr e = {0};
        CHECKF(shot_save_png(path, px, W, H, (size_t)W * 4, channels == 4 ? SHOT_RGBA : SHOT_RGB, &e) == 0, "%s",
               e.msg);
        struct stat st;
        CHECK(stat(path, &st) == 0 && st.st_size > (off_t)W * H * channels);
        int w = 0, h = 0;
        uint8_t *back = read_back(path, channels, &w, &h);
        int same = back && w == W && h == H;
        for (int y = 0; same && y < H; y++)
            same = !memcmp(back + (size_t)y * W * channels, px + (size_t)y * W * 4, (size_t)W * channels);
        CHECKF(same, "%d channels", channels);
        free(back);
        unlink(path);
    }
    free(px);
    CHECK(entries() == 0);
}

/* The rows made in the picture's own bytes (shot_save_png_scratch) give
 * the file a copy gives, at every size where a row's bytes and the next
 * row's come close (one pixel wide, one row high) and with a pitch
 * wider than the picture; layouts other than B, G, R, unused are copied
 * and left alone. */
TEST(scratch_rows_are_the_copied_rows)
{
    static const int sizes[][3] = {{1, 1, 4}, {1, 7, 4}, {2, 3, 8}, {7, 1, 28}, {5, 9, 32}, {33, 17, 132}, {33, 17, 140}};
    char a[128], b[128];
    snprintf(a, sizeof a, "%s/copy.png", dir);
    snprintf(b, sizeof b, "%s/scratch.png", dir);
    uint32_t x = 123456789u;
    for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
        int w = sizes[k][0], h = sizes[k][1];
        size_t pitch = (size_t)sizes[k][2], n = pitch * (size_t)h;
        uint8_t *px = malloc(n), *orig = malloc(n);
        CHECK(px && orig);
        if (!px || !orig) {
            free(px);
            free(orig);
            return;
        }
        for (size_t i = 0; i < n; i++) {
            x ^= x << 13, x ^= x >> 17, x ^= x << 5;
            orig[i] = px[i] = (uint8_t)x;
        }
        lerr e = {0};
        CHECKF(shot_save_png(a, px, w, h, pitch, SHOT_BGRX, &e) == 0, "%s", e.msg);
        CHECK(!memcmp(px, orig, n)); /* shot_save_png leaves the picture alone */
        CHECKF(shot_save_png_scratch(b, px, w, h, pitch, SHOT_BGRX, &e) == 0, "%s", e.msg);
        CHECKF(same_file(a, b), "%dx%d pitch %zu: the scratch PNG differs", w, h, pitch);
        memcpy(px, orig, n);
        CHECKF(shot_save_png(a, px, w, h, pitch, SHOT_RGBA, &e) == 0, "%s", e.msg);
        CHECKF(shot_save_png_scratch(b, px, w, h, pitch, SHOT_RGBA, &e) == 0, "%s", e.msg);
        CHECKF(same_file(a, b) && !memcmp(px, orig, n), "%dx%d pitch %zu: RGBA", w, h, pitch);
        free(px);
        free(orig);
    }
    unlink(a);
    unlink(b);
    CHECK(entries() == 0);
}

/* Where nothing can be written: a message naming the file and why, and
 * no file, whole or part, left there. */
TEST(an_unwritable_place_fails_and_leaves_no_file)
{
    uint8_t px[4 * 4 * 3] = {0};
    lerr e = {0};
    /* /proc/self takes no new file, whoever we are (root included) */
    CHECK(shot_save_png("/proc/self/x.png", px, 4, 4, 12, SHOT_RGB, &e) == -1 && strstr(e.msg, "/proc/self/x.png: cannot write: "));
    CHECK(access("/proc/self/x.png", F_OK) != 0);
    /* a folder without write permission (root may write there anyway) */
    char ro[128], path[160];
    snprintf(ro, sizeof ro, "%s/ro", dir);
    CHECK(mkdir(ro, 0555) == 0);
    snprintf(path, sizeof path, "%s/x.png", ro);
    int r = shot_save_png(path, px, 4, 4, 12, SHOT_RGB, &e);
    if (geteuid() != 0)
        CHECKF(r == -1 && strstr(e.msg, "x.png: cannot write: Permission denied"), "%s", e.msg);
    unlink(path);
    rmdir(ro);
    /* a write that stops part of the way (a full disk; here the file size
     * limit, which holds for root too): the picture's noise needs 48 kB,
     * 16 kB are allowed */
    enum { W = 128, H = 128 };
    uint8_t *noise = malloc(W * H * 3);
    CHECK(noise != NULL);
    if (!noise) return;
    uint32_t x = 88172645u;
    for (size_t i = 0; i < W * H * 3; i++) {
        x ^= x << 13, x ^= x >> 17, x ^= x << 5;
        noise[i] = (uint8_t)x;
    }
    struct rlimit old, lim;
    getrlimit(RLIMIT_FSIZE, &old);
    lim = old;
    lim.rlim_cur = 16384;
    void (*was)(int) = signal(SIGXFSZ, SIG_IGN);
    CHECK(setrlimit(RLIMIT_FSIZE, &lim) == 0);
    snprintf(path, sizeof path, "%s/big.png", dir);
    r = shot_save_png(path, noise, W, H, W * 3, SHOT_RGB, &e);
    setrlimit(RLIMIT_FSIZE, &old);
    signal(SIGXFSZ, was);
    CHECKF(r == -1 && strstr(e.msg, "big.png: cannot write: ") && strstr(e.msg, strerror(EFBIG)), "%s", e.msg);
    CHECK(entries() == 0);
    unlink(path); /* only if the test failed */
    free(noise);
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/lectern-shot-XXXXXX");
    if (!mkdtemp(dir)) return 1;
    RUN(rgb_round_trip_with_a_pitch);
    RUN(rgba_round_trip_and_replace);
    RUN(bgrx_is_written_as_the_same_rgb);
    RUN(bad_sizes_and_folders_leave_nothing);
    RUN(a_folder_in_the_way_is_an_error_and_no_temporary_file);
    RUN(a_painted_page_reads_back_as_painted);
    RUN(noise_reads_back_as_written);
    RUN(scratch_rows_are_the_copied_rows);
    RUN(an_unwritable_place_fails_and_leaves_no_file);
    rmdir(dir);
    return T_END();
}

/* test_shot.c - PNG files written whole, read back pixel for pixel. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shot.h"
#include "t.h"

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

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/lectern-shot-XXXXXX");
    if (!mkdtemp(dir)) return 1;
    RUN(rgb_round_trip_with_a_pitch);
    RUN(rgba_round_trip_and_replace);
    RUN(bgrx_is_written_as_the_same_rgb);
    RUN(bad_sizes_and_folders_leave_nothing);
    RUN(a_folder_in_the_way_is_an_error_and_no_temporary_file);
    rmdir(dir);
    return T_END();
}

/* test_splash.c - the boot splash (src/splash.h): drawn on fake
 * framebuffers of the usual formats (32-bit XRGB as virtio-gpu and vc4 give
 * it, 16-bit RGB565), paper all round and the word in the middle; written to
 * a regular file as to the device; and the device handling that keeps the
 * program from writing where it should not: a regular file, a FIFO or a
 * symbolic link in place of /dev/fb0 or /dev/tty1 is refused, with a clear
 * message and exit status 1 from the program itself. The framebuffer
 * console is unbound through a fake sysfs folder. */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "splash.h"
#include "t.h"

static splash_geom xrgb(uint32_t w, uint32_t h)
{
    splash_geom g = { w, h, w * 4 + 64, 32, 16, 8, 8, 8, 0, 8, 0, 0 };
    return g;
}

static splash_geom rgb565(uint32_t w, uint32_t h)
{
    splash_geom g = { w, h, w * 2, 16, 11, 5, 5, 6, 0, 5, 0, 0 };
    return g;
}

static uint32_t get(const splash_geom *g, const uint8_t *buf, uint32_t x, uint32_t y)
{
    const uint8_t *p = buf + (size_t)y * g->stride + (size_t)x * (g->bpp / 8);
    uint32_t v = 0;
    for (uint32_t i = 0; i < g->bpp / 8; i++) v |= (uint32_t)p[i] << (8 * i);
    return v;
}

/* share of the screen that is not paper, and the box it is in */
static double ink(const splash_geom *g, const uint8_t *buf, uint32_t *x0, uint32_t *y0, uint32_t *x1, uint32_t *y1)
{
    uint32_t paper = splash_pixel(g, SPLASH_PAPER);
    long n = 0;
    *x0 = *y0 = UINT32_MAX;
    *x1 = *y1 = 0;
    for (uint32_t y = 0; y < g->height; y++)
        for (uint32_t x = 0; x < g->width; x++)
            if (get(g, buf, x, y) != paper) {
                n++;
                if (x < *x0) *x0 = x;
                if (y < *y0) *y0 = y;
                if (x > *x1) *x1 = x;
                if (y > *y1) *y1 = y;
            }
    return (double)n / ((double)g->width * g->height);
}

static void check_drawn(const splash_geom *g)
{
    size_t len = (size_t)g->stride * g->height;
    uint8_t *buf = malloc(len);
    char err[256] = "";
    CHECK(buf);
    if (!buf) return;
    CHECKF(splash_draw(g, buf, len, SPLASH_PAPER, SPLASH_INK, err, sizeof err) == 0, "%s", err);
    uint32_t paper = splash_pixel(g, SPLASH_PAPER);
    CHECK(get(g, buf, 0, 0) == paper && get(g, buf, g->width - 1, g->height - 1) == paper);
    uint32_t x0, y0, x1, y1;
    double share = ink(g, buf, &x0, &y0, &x1, &y1);
    /* a quiet word: a little ink, in the middle, none near the edges */
    CHECKF(share > 0.004 && share < 0.06, "%ux%u: ink %.4f", g->width, g->height, share);
    double cx = (x0 + x1) / 2.0, cy = (y0 + y1) / 2.0;
    CHECKF(cx > g->width * 0.45 && cx < g->width * 0.55 && cy > g->height * 0.42 && cy < g->height * 0.58,
           "%ux%u: the word's centre at %.0f,%.0f", g->width, g->height, cx, cy);
    CHECKF(x1 - x0 < g->width / 2 && x0 > g->width / 5 && y0 > g->height / 4, "%ux%u: the word at %u,%u-%u,%u",
           g->width, g->height, x0, y0, x1, y1);
    /* the strokes are solid ink in their middle: the word is there */
    int solid = 0;
    for (uint32_t y = y0; y <= y1 && !solid; y++)
        for (uint32_t x = x0; x <= x1; x++)
            if (get(g, buf, x, y) == splash_pixel(g, SPLASH_INK)) { solid = 1; break; }
    CHECK(solid);
    /* the padding after each line is left alone */
    free(buf);
}

TEST(draws_on_the_usual_formats)
{
    splash_geom a = xrgb(1024, 600), b = rgb565(800, 480), c = xrgb(720, 1280), d = xrgb(200, 120);
    check_drawn(&a);
    check_drawn(&b);
    check_drawn(&c);  /* portrait: the word fits the width */
    check_drawn(&d);  /* small */
}

TEST(refuses_formats_it_cannot_draw)
{
    char err[256];
    uint8_t buf[64 * 64 * 4];
    splash_geom g = xrgb(64, 64);
    g.bpp = 8;
    CHECK(splash_draw(&g, buf, sizeof buf, SPLASH_PAPER, SPLASH_INK, err, sizeof err) < 0 && strstr(err, "8 bits"));
    g = xrgb(64, 64);
    g.stride = 64;  /* shorter than a line of pixels */
    CHECK(splash_geom_check(&g, err, sizeof err) < 0 && strstr(err, "shorter"));
    g = xrgb(64, 64);
    g.roff = 30;  /* past the pixel */
    CHECK(splash_geom_check(&g, err, sizeof err) < 0 && strstr(err, "channel"));
    g = xrgb(64, 64);
    g.size = 1000;  /* the device holds less than the screen */
    CHECK(splash_geom_check(&g, err, sizeof err) < 0 && strstr(err, "holds"));
    g = xrgb(64, 64);
    CHECK(splash_draw(&g, buf, 100, SPLASH_PAPER, SPLASH_INK, err, sizeof err) < 0);  /* buffer too small */
    CHECK(splash_pixel(&g, 0x123456) == 0x123456);
    splash_geom h = rgb565(64, 64);
    CHECK(splash_pixel(&h, 0xFFFFFF) == 0xFFFF && splash_pixel(&h, 0xFF0000) == 0xF800);
}

TEST(packs_the_readers_pixels_into_the_framebuffers_format)
{
    const uint32_t src[4] = {0xFF123456u, 0x00FFFFFFu, 0x80000000u, 0xFFF80408u};
    uint8_t out[4 * 4 + 8];
    splash_geom g = xrgb(4, 1);
    memset(out, 0xEE, sizeof out);
    splash_pack_row(&g, src, out, 4);
    CHECK(get(&g, out, 0, 0) == 0x123456 && get(&g, out, 1, 0) == 0xFFFFFF && get(&g, out, 2, 0) == 0);
    CHECK(get(&g, out, 3, 0) == 0xF80408);
    CHECK(out[16] == 0xEE); /* nothing past the row */
    splash_geom h = rgb565(4, 1);
    memset(out, 0xEE, sizeof out);
    splash_pack_row(&h, src, out, 4);
    CHECK(get(&h, out, 1, 0) == 0xFFFF && get(&h, out, 2, 0) == 0);
    CHECK(get(&h, out, 3, 0) == ((0xF8u >> 3) << 11 | (0x04u >> 2) << 5 | (0x08u >> 3)));
    CHECK(out[8] == 0xEE);
    /* BGR, 24 bits */
    splash_geom b = {4, 1, 12, 24, 0, 8, 8, 8, 16, 8, 0, 0};
    memset(out, 0xEE, sizeof out);
    splash_pack_row(&b, src, out, 4);
    CHECK(out[0] == 0x12 && out[1] == 0x34 && out[2] == 0x56 && out[12] == 0xEE);
}

static char dir[64];

static const char *at(const char *name)
{
    static char p[4][128];
    static int k;
    k = (k + 1) & 3;
    snprintf(p[k], sizeof p[k], "%s/%s", dir, name);
    return p[k];
}

TEST(writes_a_fake_framebuffer)
{
    /* a regular file standing for the device, with a made-up geometry and
     * a panned screen (offset): exactly the drawn bytes land at the offset */
    splash_geom g = xrgb(320, 200);
    g.offset = 4096;
    size_t len = (size_t)g.stride * g.height;
    uint8_t *buf = malloc(len), *back = malloc(len);
    char err[256] = "";
    CHECK(buf && back);
    if (!buf || !back) { free(buf); free(back); return; }
    int fd = open(at("fb"), O_RDWR | O_CREAT | O_TRUNC, 0600);
    CHECK(fd >= 0);
    CHECKF(splash_draw(&g, buf, len, SPLASH_PAPER, SPLASH_INK, err, sizeof err) == 0, "%s", err);
    CHECKF(splash_write(fd, &g, buf, len, err, sizeof err) == 0, "%s", err);
    struct stat st;
    CHECK(fstat(fd, &st) == 0 && (size_t)st.st_size == g.offset + len);
    CHECK(pread(fd, back, len, (off_t)g.offset) == (ssize_t)len && memcmp(buf, back, len) == 0);
    close(fd);
    free(buf);
    free(back);
}

TEST(opens_only_character_devices)
{
    char err[256];
    int fd = open(at("file"), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    CHECK(fd >= 0);
    if (fd >= 0) close(fd);
    CHECK(mkfifo(at("fifo"), 0600) == 0);
    CHECK(symlink("/dev/null", at("link")) == 0);  /* a link to a real device */
    CHECK(splash_open_dev(at("file"), O_RDWR, err, sizeof err) < 0 && strstr(err, "regular file"));
    /* no writer on the FIFO: refused at once, not waited on */
    CHECK(splash_open_dev(at("fifo"), O_RDONLY, err, sizeof err) < 0 && strstr(err, "FIFO"));
    CHECK(splash_open_dev(at("link"), O_RDWR, err, sizeof err) < 0 && strstr(err, "symbolic link"));
    CHECK(splash_open_dev(dir, O_RDONLY, err, sizeof err) < 0 && strstr(err, "folder"));
    CHECK(splash_open_dev(at("none"), O_RDWR, err, sizeof err) < 0 && strstr(err, "cannot open"));
    fd = splash_open_dev("/dev/null", O_RDWR, err, sizeof err);
    CHECKF(fd >= 0, "%s", err);
    if (fd >= 0) {
        splash_geom g;
        CHECK(splash_fb_geom(fd, "/dev/null", &g, err, sizeof err) < 0 && strstr(err, "not a framebuffer"));
        CHECK(fcntl(fd, F_GETFD) & FD_CLOEXEC);
        close(fd);
    }
    CHECK(splash_console_graphics("/dev/null", err, sizeof err) < 0 && strstr(err, "not a virtual console"));
    CHECK(splash_console_graphics(at("file"), err, sizeof err) < 0 && strstr(err, "regular file"));
}

/* the program itself: exit status and what it says */
static int run(const char *args, char *out, size_t n)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s %s > %s 2>&1", t_build("lectern-splash"), args, at("out"));
    int st = system(cmd);
    out[0] = 0;
    FILE *f = fopen(at("out"), "r");
    if (f) {
        size_t k = fread(out, 1, n - 1, f);
        out[k] = 0;
        fclose(f);
    }
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

TEST(the_program_refuses_what_is_not_the_device)
{
    char out[1024], args[512];
    const char *what[][2] = { { "file", "regular file" }, { "fifo", "FIFO" }, { "link", "symbolic link" } };
    for (int i = 0; i < 3; i++) {
        snprintf(args, sizeof args, "--fb %s --tty %s --keep-console", at(what[i][0]), at("file"));
        int st = run(args, out, sizeof out);
        CHECKF(st == 1 && strstr(out, what[i][1]) && strstr(out, "lectern-splash:"), "%s: exit %d: %s",
               what[i][0], st, out);
    }
    /* a missing device, waited on briefly */
    snprintf(args, sizeof args, "--fb %s --wait 0.2 --keep-console", at("none"));
    CHECKF(run(args, out, sizeof out) == 1 && strstr(out, "cannot open"), "%s", out);
    CHECK(run("--wait", out, sizeof out) == 2 && strstr(out, "usage"));
    CHECK(run("--bogus x", out, sizeof out) == 2);
    CHECK(run("--help", out, sizeof out) == 0 && strstr(out, "usage"));
    /* the regular file was not written to */
    struct stat st;
    CHECK(stat(at("file"), &st) == 0 && st.st_size == 0);
}

static void put_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (!f) return;
    fputs(text, f);
    fclose(f);
}

static char first(const char *path)
{
    char c = 0;
    FILE *f = fopen(path, "r");
    if (f) {
        if (fread(&c, 1, 1, f) != 1) c = 0;
        fclose(f);
    }
    return c;
}

TEST(unbinds_the_framebuffer_console)
{
    char err[256] = "";
    CHECK(mkdir(at("vt"), 0700) == 0 && mkdir(at("vt/vtcon0"), 0700) == 0 && mkdir(at("vt/vtcon1"), 0700) == 0);
    put_file(at("vt/vtcon0/name"), "(S) dummy device\n");
    put_file(at("vt/vtcon0/bind"), "1\n");
    put_file(at("vt/vtcon1/name"), "(M) frame buffer device\n");
    put_file(at("vt/vtcon1/bind"), "1\n");
    CHECKF(splash_unbind_fbcon(at("vt"), err, sizeof err) == 1, "%s", err);
    CHECK(first(at("vt/vtcon1/bind")) == '0');
    CHECK(first(at("vt/vtcon0/bind")) == '1');  /* the dummy console stays */
    CHECK(splash_unbind_fbcon(at("vt"), err, sizeof err) == 0);  /* already unbound */
    CHECK(splash_unbind_fbcon(at("no-such"), err, sizeof err) < 0 && strstr(err, "cannot read"));
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/lectern-test-splash-XXXXXX");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    RUN(draws_on_the_usual_formats);
    RUN(refuses_formats_it_cannot_draw);
    RUN(packs_the_readers_pixels_into_the_framebuffers_format);
    RUN(writes_a_fake_framebuffer);
    RUN(opens_only_character_devices);
    RUN(the_program_refuses_what_is_not_the_device);
    RUN(unbinds_the_framebuffer_console);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    return T_END();
}

/* splash_main.c - lectern-splash: the boot splash (issue 16). Started by
 * lectern-splash.service as early as systemd can (DefaultDependencies=no),
 * it puts tty1 in graphics mode, unbinds the framebuffer console, draws the
 * splash into /dev/fb0 and exits; the reader then takes the display over
 * with KMS. Nothing waits for it: if it fails, the boot goes on as before.
 *
 *   lectern-splash [--fb PATH] [--tty PATH] [--wait SECONDS] [--keep-console]
 *
 * --wait: how long to wait for the framebuffer to appear (its driver is in
 * the image's initramfs, so it is normally there at once; on Raspberry Pi OS
 * vc4 may come with the real root's udev). Exit 0: drawn; 1: not drawn; 2:
 * usage. */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "splash.h"

static int usage(FILE *f, int st)
{
    fprintf(f, "usage: lectern-splash [--fb PATH] [--tty PATH] [--wait SECONDS] [--keep-console]\n"
               "draws lectern's boot splash on the framebuffer (default /dev/fb0) and puts the\n"
               "console (default /dev/tty1) in graphics mode, so that no text is drawn over it.\n"
               "--keep-console: leave the framebuffer console bound.\n");
    return st;
}

int main(int argc, char **argv)
{
    const char *fb = "/dev/fb0", *tty = "/dev/tty1";
    double wait = 0;
    int keep_console = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) return usage(stdout, 0);
        if (!strcmp(a, "--keep-console")) { keep_console = 1; continue; }
        if (i + 1 >= argc) return usage(stderr, 2);
        if (!strcmp(a, "--fb")) fb = argv[++i];
        else if (!strcmp(a, "--tty")) tty = argv[++i];
        else if (!strcmp(a, "--wait")) {
            char *end;
            wait = strtod(argv[++i], &end);
            if (*end || wait < 0 || wait > 120) return usage(stderr, 2);
        } else return usage(stderr, 2);
    }
    char err[512];
    /* the framebuffer may come a little later than we do */
    struct timespec t0, now;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        if (access(fb, F_OK) == 0 || errno != ENOENT) break;
        clock_gettime(CLOCK_MONOTONIC, &now);
        if ((double)(now.tv_sec - t0.tv_sec) + (double)(now.tv_nsec - t0.tv_nsec) / 1e9 >= wait) break;
        struct timespec d = { 0, 50 * 1000 * 1000 };
        nanosleep(&d, NULL);
    }
    int fd = splash_open_dev(fb, O_RDWR, err, sizeof err);
    if (fd < 0) {
        fprintf(stderr, "lectern-splash: %s\n", err);
        return 1;
    }
    splash_geom g;
    if (splash_fb_geom(fd, fb, &g, err, sizeof err)) {
        fprintf(stderr, "lectern-splash: %s\n", err);
        close(fd);
        return 1;
    }
    /* The console first, so that it draws nothing over the splash once it
     * is there; not fatal: a splash with a console that may scribble on it
     * is still better than none. */
    if (splash_console_graphics(tty, err, sizeof err))
        fprintf(stderr, "lectern-splash: %s (the console may draw over the splash)\n", err);
    if (!keep_console && splash_unbind_fbcon("/sys/class/vtconsole", err, sizeof err) < 0)
        fprintf(stderr, "lectern-splash: %s (the console may draw over the splash when the reader starts)\n", err);
    size_t len = (size_t)g.stride * g.height;
    unsigned char *buf = malloc(len);
    if (!buf) {
        fprintf(stderr, "lectern-splash: no memory for a %ux%u screen\n", (unsigned)g.width, (unsigned)g.height);
        close(fd);
        return 1;
    }
    int st = 0;
    if (splash_draw(&g, buf, len, SPLASH_PAPER, SPLASH_INK, err, sizeof err) ||
        splash_write(fd, &g, buf, len, err, sizeof err)) {
        fprintf(stderr, "lectern-splash: %s\n", err);
        st = 1;
    } else {
        clock_gettime(CLOCK_MONOTONIC, &now);
        /* the journal's line the image test and a reader of the boot look for */
        printf("lectern-splash: drawn on %s, %ux%u, %u bits per pixel, at %.3f s since boot\n", fb,
               (unsigned)g.width, (unsigned)g.height, (unsigned)g.bpp,
               (double)now.tv_sec + (double)now.tv_nsec / 1e9);
    }
    free(buf);
    close(fd);
    return st;
}

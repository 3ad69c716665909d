/* test_evabs.c - absolute-mouse touch panels (src/evabs.h): which devices
 * are read, how their events become touches scaled by their own ranges
 * (0..4095 and 0..32767, as USB panels and QEMU's tablets have them; an
 * axis that did not change keeps its value, where SDL 2.26 says 0), and
 * that the scan opens only character devices, without following a link
 * or waiting on a FIFO. Where /dev/uinput can be written, real devices of
 * both ranges are made and read through the kernel. */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/uinput.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "evabs.h"
#include "t.h"

#define LB (8 * sizeof(unsigned long))
static void setb(unsigned long *a, unsigned b) { a[b / LB] |= 1UL << (b % LB); }

typedef struct caps {
    unsigned long ev[(EV_MAX + LB) / LB], abs[(ABS_MAX + LB) / LB], key[(KEY_MAX + LB) / LB];
} caps;

static caps mkcaps(int mt, int left, int touch, int finger)
{
    caps c;
    memset(&c, 0, sizeof c);
    setb(c.ev, EV_ABS);
    setb(c.ev, EV_KEY);
    setb(c.abs, ABS_X);
    setb(c.abs, ABS_Y);
    if (mt) setb(c.abs, ABS_MT_POSITION_X);
    if (left) setb(c.key, BTN_LEFT);
    if (touch) setb(c.key, BTN_TOUCH);
    if (finger) setb(c.key, BTN_TOOL_FINGER);
    return c;
}

TEST(which_devices_are_absolute_mice)
{
    caps tablet = mkcaps(0, 1, 0, 0), screen = mkcaps(0, 0, 1, 0), mt = mkcaps(1, 0, 1, 0);
    caps both = mkcaps(0, 1, 1, 0), pad = mkcaps(0, 1, 0, 1);
    CHECK(evabs_is_absmouse(tablet.ev, tablet.abs, tablet.key));  /* QEMU usb-tablet, virtio-tablet */
    CHECK(evabs_is_absmouse(both.ev, both.abs, both.key));        /* a panel with BTN_TOUCH and BTN_LEFT */
    CHECK(!evabs_is_absmouse(screen.ev, screen.abs, screen.key)); /* a touchscreen: SDL scales it */
    CHECK(!evabs_is_absmouse(mt.ev, mt.abs, mt.key));             /* multi-touch: SDL's too */
    CHECK(!evabs_is_absmouse(pad.ev, pad.abs, pad.key));          /* a touchpad is relative to SDL */
    caps rel;
    memset(&rel, 0, sizeof rel);
    setb(rel.ev, EV_REL);
    setb(rel.ev, EV_KEY);
    setb(rel.key, BTN_LEFT);
    CHECK(!evabs_is_absmouse(rel.ev, rel.abs, rel.key)); /* an ordinary mouse */
}

typedef struct got {
    int kind[32];
    float x[32], y[32];
    int n;
} got;

static void rec(void *ctx, int kind, float x, float y)
{
    got *g = ctx;
    if (g->n < 32) {
        g->kind[g->n] = kind;
        g->x[g->n] = x;
        g->y[g->n] = y;
        g->n++;
    }
}

static void ev(evabs_dev *d, got *g, int type, int code, int value)
{
    struct input_event e;
    memset(&e, 0, sizeof e);
    e.type = (unsigned short)type;
    e.code = (unsigned short)code;
    e.value = value;
    evabs_feed(d, &e, rec, g);
}

static int near(float a, float b) { return a > b - 0.001f && a < b + 0.001f; }

TEST(reports_are_scaled_by_the_device_range)
{
    static const int32_t maxv[2] = {4095, 32767};
    for (int r = 0; r < 2; r++) {
        int32_t M = maxv[r];
        evabs_dev d;
        memset(&d, 0, sizeof d);
        evabs_dev_setup(&d, 0, M, 0, M);
        got g = {.n = 0};
        /* a tap at the right edge, three quarters down */
        ev(&d, &g, EV_ABS, ABS_X, M);
        ev(&d, &g, EV_ABS, ABS_Y, M * 3 / 4);
        ev(&d, &g, EV_KEY, BTN_LEFT, 1);
        CHECK(g.n == 0); /* nothing before the report */
        ev(&d, &g, EV_SYN, SYN_REPORT, 0);
        CHECKF(g.n == 1 && g.kind[0] == EVABS_DOWN && near(g.x[0], 1.0f) && near(g.y[0], 0.75f),
               "range %d: %d reports, x %.4f y %.4f", M, g.n, g.n ? g.x[0] : -1, g.n ? g.y[0] : -1);
        /* only X moves: Y keeps its value (SDL 2.26 reports 0 here) */
        ev(&d, &g, EV_ABS, ABS_X, M / 2);
        ev(&d, &g, EV_SYN, SYN_REPORT, 0);
        CHECKF(g.n == 2 && g.kind[1] == EVABS_MOTION && near(g.x[1], (float)(M / 2) / M) && near(g.y[1], 0.75f),
               "range %d: motion x %.4f y %.4f", M, g.n > 1 ? g.x[1] : -1, g.n > 1 ? g.y[1] : -1);
        /* a report with nothing new says nothing */
        ev(&d, &g, EV_SYN, SYN_REPORT, 0);
        CHECK(g.n == 2);
        ev(&d, &g, EV_KEY, BTN_LEFT, 0);
        ev(&d, &g, EV_SYN, SYN_REPORT, 0);
        CHECK(g.n == 3 && g.kind[2] == EVABS_UP && near(g.y[2], 0.75f));
        /* moving with the button up is no touch */
        ev(&d, &g, EV_ABS, ABS_Y, 0);
        ev(&d, &g, EV_SYN, SYN_REPORT, 0);
        CHECK(g.n == 3);
    }
    /* a range that does not start at 0, values beyond it clamped */
    evabs_dev d;
    memset(&d, 0, sizeof d);
    evabs_dev_setup(&d, 100, 3900, 200, 3800);
    got g = {.n = 0};
    ev(&d, &g, EV_ABS, ABS_X, 2000);
    ev(&d, &g, EV_ABS, ABS_Y, 5000);
    ev(&d, &g, EV_KEY, BTN_TOUCH, 1);
    ev(&d, &g, EV_SYN, SYN_REPORT, 0);
    CHECK(g.n == 1 && near(g.x[0], 0.5f) && near(g.y[0], 1.0f));
    /* events lost (SYN_DROPPED): the press ends, it does not stick */
    ev(&d, &g, EV_SYN, SYN_DROPPED, 0);
    CHECK(g.n == 2 && g.kind[1] == EVABS_UP);
    ev(&d, &g, EV_KEY, BTN_TOUCH, 0);
    ev(&d, &g, EV_SYN, SYN_REPORT, 0);
    CHECK(g.n == 2);
    /* an empty or reversed range: no division by zero, values within 0..1 */
    evabs_dev_setup(&d, 5, 5, 9, 1);
    g.n = 0;
    ev(&d, &g, EV_ABS, ABS_X, 5);
    ev(&d, &g, EV_KEY, BTN_LEFT, 1);
    ev(&d, &g, EV_SYN, SYN_REPORT, 0);
    CHECK(g.n == 1 && g.x[0] >= 0 && g.x[0] <= 1 && g.y[0] >= 0 && g.y[0] <= 1);
}

TEST(scan_opens_character_devices_only)
{
    char dir[] = "/tmp/lectern-test-evabs.XXXXXX";
    if (!mkdtemp(dir)) {
        CHECK(0);
        return;
    }
    char p[256];
    snprintf(p, sizeof p, "%s/event0", dir); /* a regular file */
    FILE *f = fopen(p, "wb");
    if (f) {
        fputs("not a device\n", f);
        fclose(f);
    }
    snprintf(p, sizeof p, "%s/event1", dir); /* a FIFO nobody writes: must not block */
    CHECK(mkfifo(p, 0600) == 0);
    snprintf(p, sizeof p, "%s/event2", dir); /* a link to a character device: not followed */
    CHECK(symlink("/dev/null", p) == 0);
    snprintf(p, sizeof p, "%s/mouse0", dir); /* not event*: not looked at */
    CHECK(symlink("/dev/zero", p) == 0);
    evabs s;
    evabs_init(&s);
    char log[256];
    CHECK(evabs_scan(&s, dir, log, sizeof log) == 0 && s.n == 0 && log[0] == 0);
    CHECK(evabs_scan(&s, "/nonexistent/lectern", log, sizeof log) == 0);
    evabs_poll(&s, rec, NULL); /* nothing open: nothing happens */
    evabs_close(&s);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK(system(cmd) == 0);
}

/* ---- real devices through /dev/uinput, where it can be written ---------- */

static int mk_uinput(int32_t max, const char *name)
{
    int fd = open("/dev/uinput", O_WRONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return -1;
    int ok = ioctl(fd, UI_SET_EVBIT, EV_KEY) == 0 && ioctl(fd, UI_SET_KEYBIT, BTN_LEFT) == 0 &&
             ioctl(fd, UI_SET_EVBIT, EV_ABS) == 0 && ioctl(fd, UI_SET_ABSBIT, ABS_X) == 0 &&
             ioctl(fd, UI_SET_ABSBIT, ABS_Y) == 0 && ioctl(fd, UI_SET_EVBIT, EV_SYN) == 0;
    for (int a = 0; ok && a < 2; a++) {
        struct uinput_abs_setup as;
        memset(&as, 0, sizeof as);
        as.code = (unsigned short)(a ? ABS_Y : ABS_X);
        as.absinfo.minimum = 0;
        as.absinfo.maximum = max;
        ok = ioctl(fd, UI_ABS_SETUP, &as) == 0;
    }
    struct uinput_setup us;
    memset(&us, 0, sizeof us);
    us.id.bustype = BUS_USB;
    us.id.vendor = 0x1209;
    us.id.product = 0x0001;
    snprintf(us.name, sizeof us.name, "%s", name);
    if (ok) ok = ioctl(fd, UI_DEV_SETUP, &us) == 0 && ioctl(fd, UI_DEV_CREATE) == 0;
    if (!ok) {
        close(fd);
        return -1;
    }
    return fd;
}

static void emit(int fd, int type, int code, int value)
{
    struct input_event e;
    memset(&e, 0, sizeof e);
    e.type = (unsigned short)type;
    e.code = (unsigned short)code;
    e.value = value;
    if (write(fd, &e, sizeof e) != (ssize_t)sizeof e) fprintf(stderr, "uinput write: %s\n", strerror(errno));
}

TEST(uinput_panels_of_both_ranges)
{
    static const int32_t maxv[2] = {4095, 32767};
    for (int r = 0; r < 2; r++) {
        int u = mk_uinput(maxv[r], r ? "lectern test panel 32767" : "lectern test panel 4095");
        CHECKF(u >= 0, "uinput device of range %d: %s", maxv[r], strerror(errno));
        if (u < 0) continue;
        evabs s;
        evabs_init(&s);
        char log[512] = "";
        int found = 0;
        for (int t = 0; t < 50 && !found; t++) { /* udev makes the node: wait for it */
            found = evabs_scan(&s, "/dev/input", log, sizeof log) > 0 && strstr(log, "lectern test panel");
            if (!found) usleep(20000);
        }
        CHECKF(found, "range %d: not found (%s)", maxv[r], log);
        emit(u, EV_ABS, ABS_X, maxv[r] / 4);
        emit(u, EV_ABS, ABS_Y, maxv[r]);
        emit(u, EV_KEY, BTN_LEFT, 1);
        emit(u, EV_SYN, SYN_REPORT, 0);
        emit(u, EV_KEY, BTN_LEFT, 0);
        emit(u, EV_SYN, SYN_REPORT, 0);
        got g = {.n = 0};
        for (int t = 0; t < 50 && g.n < 2; t++) {
            evabs_poll(&s, rec, &g);
            if (g.n < 2) usleep(10000);
        }
        CHECKF(g.n >= 2 && g.kind[0] == EVABS_DOWN && near(g.x[0], 0.25f) && near(g.y[0], 1.0f) &&
                   g.kind[1] == EVABS_UP,
               "range %d: %d reports", maxv[r], g.n);
        ioctl(u, UI_DEV_DESTROY);
        close(u);
        evabs_close(&s);
    }
}

int main(void)
{
    RUN(which_devices_are_absolute_mice);
    RUN(reports_are_scaled_by_the_device_range);
    RUN(scan_opens_character_devices_only);
    /* not a test that passes without its tool: without /dev/uinput it is not run, and says so */
    if (access("/dev/uinput", W_OK) == 0) RUN(uinput_panels_of_both_ranges);
    else printf("# not run: uinput_panels_of_both_ranges (/dev/uinput cannot be written here: %s); the emulated "
                "kiosk's virtio-tablet, an absolute mouse of 0..32767, is read so in make image-test\n", strerror(errno));
    return T_END();
}

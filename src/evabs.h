/* evabs.h - touch panels that present as an absolute mouse, read from
 * evdev and scaled by their own axis ranges.
 *
 * Why: many USB touch panels (and QEMU's usb-tablet and virtio-tablet) are
 * not touchscreens to the kernel but absolute mice: ABS_X/ABS_Y and
 * BTN_LEFT. SDL 2.26 (Debian 12) with kmsdrm hands such a device's raw
 * axis values to the program as pixels, with no range scaling (a tap at
 * the right edge of a 0..32767 panel arrives as x = 32767, clamped to the
 * window), and reports y = 0 when only X changed (both fixed in SDL 2.30).
 * So the reader reads these devices itself: it asks each for its ranges
 * (EVIOCGABS) and turns the values into 0..1 of the panel, and while it
 * does, it ignores SDL's mouse events. Touchscreens proper (BTN_TOUCH, or
 * multi-touch) are left to SDL, which scales them right.
 *
 * Plain C (Linux evdev, no SDL): the decoding is pure and tested on event
 * arrays; the device part is tested through /dev/uinput where it exists and
 * in the emulated kiosk (virtio-tablet). No global state. */
#ifndef LECTERN_EVABS_H
#define LECTERN_EVABS_H

#include <linux/input.h>
#include <stddef.h>
#include <stdint.h>

#define EVABS_MAX 8 /* devices read at once; a kiosk has one or two */

typedef struct evabs_dev {
    int fd;                 /* open, non-blocking; -1: the slot is free */
    char node[32];          /* its name in the directory, e.g. "event3" */
    char name[80];          /* the device's own name (EVIOCGNAME), for the journal */
    int32_t min[2], max[2]; /* the ranges of ABS_X and ABS_Y */
    int32_t v[2];           /* their last values: an axis that did not change keeps its value */
    int down;               /* the button (BTN_LEFT, BTN_TOUCH) as the last report left it */
    int pend_down;          /* ... as the events since then say */
    int moved;              /* an axis changed since the last report */
    uint64_t dev;           /* st_rdev: the same node is not opened twice */
} evabs_dev;

/* The devices being read. Owned by the caller (embed it); evabs_init
 * before use, evabs_close at the end. */
typedef struct evabs {
    evabs_dev d[EVABS_MAX];
    int n; /* slots in use */
} evabs;

enum evabs_kind { EVABS_DOWN = 1, EVABS_MOTION, EVABS_UP };

/* What a report says: kind, and where, 0..1 from the panel's top-left
 * (clamped). Called from evabs_feed and evabs_poll. */
typedef void (*evabs_fn)(void *ctx, int kind, float x, float y);

void evabs_init(evabs *s);

/* Whether a device with these capability bits (EVIOCGBIT for type 0, EV_ABS
 * and EV_KEY, as arrays of unsigned long with the kernel's bit order) is an
 * absolute mouse as SDL 2.26 classifies it: ABS_X and ABS_Y, a mouse button
 * (or a pen), and neither multi-touch nor a touchpad's BTN_TOOL_FINGER. */
int evabs_is_absmouse(const unsigned long *ev, const unsigned long *abs, const unsigned long *key);

/* A device's ranges: sets min/max and starts its values in the middle. A
 * range that is empty or reversed counts as 0..1 (no division by zero). */
void evabs_dev_setup(evabs_dev *d, int32_t xmin, int32_t xmax, int32_t ymin, int32_t ymax);

/* Decode one event of device d: ABS_X/ABS_Y and the button are collected,
 * and at SYN_REPORT fn gets DOWN, MOTION (moved while down) or UP. Events
 * of other types and codes are ignored; SYN_DROPPED drops what was pending
 * (the kernel's advice) and ends a press that was down. */
void evabs_feed(evabs_dev *d, const struct input_event *ev, evabs_fn fn, void *ctx);

/* Open every absolute mouse among dir's event* character devices that is
 * not open yet (a panel plugged in after start is found by the next scan).
 * Each is opened read-only, non-blocking, close-on-exec, without following
 * a symlink, and checked to be a character device; anything else is
 * skipped. Writes one line per newly opened device (name, node, ranges)
 * into log[0..n) (may be NULL). Returns how many were opened now. */
int evabs_scan(evabs *s, const char *dir, char *log, size_t n);

/* Read whatever the open devices have, without blocking, and feed it. A
 * device that went away (ENODEV) is closed and its press, if any, ended. */
void evabs_poll(evabs *s, evabs_fn fn, void *ctx);

void evabs_close(evabs *s);

#endif

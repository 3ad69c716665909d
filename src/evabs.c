/* evabs.c - see evabs.h. */
#define _DEFAULT_SOURCE
#include "evabs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#define LBITS (8 * sizeof(unsigned long))
#define NLONGS(n) (((n) + LBITS - 1) / LBITS)

static int bit(const unsigned long *a, unsigned b) { return (a[b / LBITS] >> (b % LBITS)) & 1; }

void evabs_init(evabs *s)
{
    memset(s, 0, sizeof *s);
    for (int i = 0; i < EVABS_MAX; i++) s->d[i].fd = -1;
}

int evabs_is_absmouse(const unsigned long *ev, const unsigned long *abs, const unsigned long *key)
{
    if (!bit(ev, EV_ABS) || !bit(abs, ABS_X) || !bit(abs, ABS_Y)) return 0;
    if (bit(abs, ABS_MT_POSITION_X)) return 0; /* multi-touch: SDL's touchscreen path */
    if (!bit(ev, EV_KEY)) return 0;
    if (bit(key, BTN_TOOL_FINGER) && !bit(key, BTN_TOOL_PEN)) return 0; /* a touchpad */
    /* SDL 2.26 (SDL_evdev_capabilities.c) takes a pen or a mouse button
     * before BTN_TOUCH: a panel with both is an absolute mouse to it */
    return bit(key, BTN_LEFT) || bit(key, BTN_STYLUS) || bit(key, BTN_TOOL_PEN);
}

void evabs_dev_setup(evabs_dev *d, int32_t xmin, int32_t xmax, int32_t ymin, int32_t ymax)
{
    if (xmax <= xmin) xmin = 0, xmax = 1;
    if (ymax <= ymin) ymin = 0, ymax = 1;
    d->min[0] = xmin;
    d->max[0] = xmax;
    d->min[1] = ymin;
    d->max[1] = ymax;
    d->v[0] = xmin + (int32_t)(((int64_t)xmax - xmin) / 2);
    d->v[1] = ymin + (int32_t)(((int64_t)ymax - ymin) / 2);
    d->down = d->pend_down = d->moved = 0;
}

static float norm(const evabs_dev *d, int a)
{
    double f = ((double)d->v[a] - d->min[a]) / ((double)d->max[a] - d->min[a]);
    return (float)(f < 0 ? 0 : f > 1 ? 1 : f);
}

void evabs_feed(evabs_dev *d, const struct input_event *ev, evabs_fn fn, void *ctx)
{
    switch (ev->type) {
    case EV_ABS:
        if (ev->code == ABS_X || ev->code == ABS_Y) {
            int a = ev->code == ABS_Y;
            if (d->v[a] != ev->value) d->moved = 1;
            d->v[a] = ev->value;
        }
        break;
    case EV_KEY:
        if (ev->code == BTN_LEFT || ev->code == BTN_TOUCH) d->pend_down = ev->value != 0;
        break;
    case EV_SYN:
        if (ev->code == SYN_DROPPED) {
            /* events were lost: start again from the next report, and a
             * press in progress ends (where it was) rather than sticks */
            if (d->down && fn) fn(ctx, EVABS_UP, norm(d, 0), norm(d, 1));
            d->down = d->pend_down = d->moved = 0;
            break;
        }
        if (ev->code != SYN_REPORT) break;
        if (d->pend_down && !d->down) {
            if (fn) fn(ctx, EVABS_DOWN, norm(d, 0), norm(d, 1));
        } else if (!d->pend_down && d->down) {
            if (fn) fn(ctx, EVABS_UP, norm(d, 0), norm(d, 1));
        } else if (d->down && d->moved) {
            if (fn) fn(ctx, EVABS_MOTION, norm(d, 0), norm(d, 1));
        }
        d->down = d->pend_down;
        d->moved = 0;
        break;
    default:
        break;
    }
}

/* Open dir/name if it is a character device that is an absolute mouse;
 * fills d. Returns 1 opened, 0 not one (closed again). */
static int try_open(evabs_dev *d, const char *dir, const char *name, uint64_t rdev_seen[], int nseen)
{
    char path[512];
    if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, name) >= sizeof path) return 0;
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
    if (fd < 0) return 0;
    struct stat st;
    if (fstat(fd, &st) || !S_ISCHR(st.st_mode)) goto no;
    for (int i = 0; i < nseen; i++)
        if (rdev_seen[i] == (uint64_t)st.st_rdev) goto no;
    unsigned long ev[NLONGS(EV_MAX + 1)] = {0}, abs[NLONGS(ABS_MAX + 1)] = {0}, key[NLONGS(KEY_MAX + 1)] = {0};
    if (ioctl(fd, EVIOCGBIT(0, sizeof ev), ev) < 0 || ioctl(fd, EVIOCGBIT(EV_ABS, sizeof abs), abs) < 0) goto no;
    if (ioctl(fd, EVIOCGBIT(EV_KEY, sizeof key), key) < 0) memset(key, 0, sizeof key);
    if (!evabs_is_absmouse(ev, abs, key)) goto no;
    struct input_absinfo ax, ay;
    if (ioctl(fd, EVIOCGABS(ABS_X), &ax) < 0 || ioctl(fd, EVIOCGABS(ABS_Y), &ay) < 0) goto no;
    memset(d, 0, sizeof *d);
    d->fd = fd;
    d->dev = (uint64_t)st.st_rdev;
    snprintf(d->node, sizeof d->node, "%.31s", name);
    if (ioctl(fd, EVIOCGNAME(sizeof d->name - 1), d->name) < 0) snprintf(d->name, sizeof d->name, "?");
    d->name[sizeof d->name - 1] = 0;
    evabs_dev_setup(d, ax.minimum, ax.maximum, ay.minimum, ay.maximum);
    d->v[0] = ax.value; /* where it is now, as the kernel says */
    d->v[1] = ay.value;
    return 1;
no:
    close(fd);
    return 0;
}

int evabs_scan(evabs *s, const char *dir, char *log, size_t n)
{
    if (log && n) log[0] = 0;
    DIR *dp = opendir(dir);
    if (!dp) return 0;
    uint64_t seen[EVABS_MAX];
    int nseen = 0, opened = 0;
    for (int i = 0; i < EVABS_MAX; i++)
        if (s->d[i].fd >= 0) seen[nseen++] = s->d[i].dev;
    struct dirent *de;
    while ((de = readdir(dp))) {
        if (strncmp(de->d_name, "event", 5)) continue;
        int slot = -1;
        for (int i = 0; i < EVABS_MAX && slot < 0; i++)
            if (s->d[i].fd < 0) slot = i;
        if (slot < 0) break;
        if (!try_open(&s->d[slot], dir, de->d_name, seen, nseen)) continue;
        evabs_dev *d = &s->d[slot];
        if (nseen < EVABS_MAX) seen[nseen++] = d->dev;
        s->n++;
        opened++;
        if (log && n) {
            size_t l = strlen(log);
            if (l < n)
                snprintf(log + l, n - l, "%s%s (%s): an absolute mouse, x %d..%d, y %d..%d, scaled to the panel",
                         l ? "; " : "", d->name, d->node, (int)d->min[0], (int)d->max[0], (int)d->min[1],
                         (int)d->max[1]);
        }
    }
    closedir(dp);
    return opened;
}

void evabs_poll(evabs *s, evabs_fn fn, void *ctx)
{
    for (int i = 0; i < EVABS_MAX; i++) {
        evabs_dev *d = &s->d[i];
        if (d->fd < 0) continue;
        struct input_event evs[64];
        for (int round = 0; round < 16; round++) { /* a bounded drain: the loop must go on */
            ssize_t r = read(d->fd, evs, sizeof evs);
            if (r < 0 && errno == EINTR) continue;
            if (r <= 0) {
                if (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK) { /* ENODEV: unplugged */
                    if (d->down && fn) fn(ctx, EVABS_UP, norm(d, 0), norm(d, 1));
                    close(d->fd);
                    d->fd = -1;
                    s->n--;
                }
                break;
            }
            size_t k = (size_t)r / sizeof evs[0];
            for (size_t j = 0; j < k; j++) evabs_feed(d, &evs[j], fn, ctx);
            if (k < sizeof evs / sizeof evs[0]) break;
        }
    }
}

void evabs_close(evabs *s)
{
    for (int i = 0; i < EVABS_MAX; i++)
        if (s->d[i].fd >= 0) close(s->d[i].fd);
    evabs_init(s);
}

/* platform.c - DRM card discovery and the rotation transform. See platform.h. */
#include "platform.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/kd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

/* "card<N>-<connector>" -> N and the connector; -1 for anything else
 * (card0 itself, renderD128, version, ...). */
static int card_of(const char *name, const char **conn)
{
    if (strncmp(name, "card", 4) != 0) return -1;
    const char *p = name + 4;
    if (!(*p >= '0' && *p <= '9')) return -1;
    long v = 0;
    for (; *p >= '0' && *p <= '9'; p++) {
        v = v * 10 + (*p - '0');
        if (v > 4096) return -1;
    }
    if (*p != '-' || !p[1]) return -1;
    *conn = p + 1;
    return (int)v;
}

static int is_connected(const char *dir, const char *entry)
{
    char path[4400];
    if (snprintf(path, sizeof path, "%s/%s/status", dir, entry) >= (int)sizeof path) return 0;
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    char buf[32] = "";
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    return strncmp(buf, "connected", 9) == 0 && (buf[9] == '\n' || buf[9] == 0);
}

int platform_find_drm_card(const char *sysfs_root, char *connector, size_t n, lerr *e)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/class/drm", sysfs_root && *sysfs_root ? sysfs_root : "/sys");
    DIR *d = opendir(dir);
    if (!d) {
        lerr_set(e, "%s: %s", dir, strerror(errno));
        return -1;
    }
    int best = -1, best_rank = 0;
    char best_conn[256] = "";
    for (struct dirent *de; (de = readdir(d));) {
        const char *conn;
        int card = card_of(de->d_name, &conn);
        if (card < 0 || strncmp(conn, "Writeback", 9) == 0) continue;
        if (!is_connected(dir, de->d_name)) continue;
        /* a DSI panel (the kiosk's touch panel) first; a virtual one
         * (vkms: its connector "Virtual-1" is always connected, and nobody
         * sees it) only when there is nothing else */
        int rank = strncmp(conn, "DSI", 3) == 0 ? 2 : strncmp(conn, "Virtual", 7) == 0 ? 0 : 1;
        /* readdir order is arbitrary: compare, do not take the first */
        if (best < 0 || rank > best_rank ||
            (rank == best_rank && (card < best || (card == best && strcmp(conn, best_conn) < 0)))) {
            best = card;
            best_rank = rank;
            snprintf(best_conn, sizeof best_conn, "%s", conn);
        }
    }
    closedir(d);
    if (best < 0) {
        lerr_set(e, "%s: no connected display (no card*-*/status says \"connected\")", dir);
        return -1;
    }
    if (connector && n) snprintf(connector, n, "%s", best_conn);
    return best;
}

/* The kernel drivers whose cards have no GPU behind them (Mesa has no
 * driver for them but llvmpipe). virtio_gpu: only without virgl. */
static const char *const GPU_LESS[] = {"simpledrm", "simple-framebuffer", "ofdrm", "bochs-drm", "bochs_drm",
                                       "cirrus", "cirrus-qemu", "virtio_gpu", "hyperv_drm", "vboxvideo"};

int platform_drm_gpu_less(const char *sysfs_root, int card, char *fb, size_t n, char *why, size_t wn)
{
    char dev[4096], link[4096], path[4416];
    if (fb && n) fb[0] = 0;
    if (why && wn) why[0] = 0;
    snprintf(dev, sizeof dev, "%s/class/drm/card%d/device", sysfs_root && *sysfs_root ? sysfs_root : "/sys", card);
    snprintf(path, sizeof path, "%s/driver", dev);
    ssize_t k = readlink(path, link, sizeof link - 1);
    if (k <= 0) {
        if (why && wn) snprintf(why, wn, "card%d's driver is not known (%s)", card, path);
        return 0;
    }
    link[k] = 0;
    const char *drv = strrchr(link, '/') ? strrchr(link, '/') + 1 : link;
    /* virtio-gpu-pci: the card is the PCI device; the GPU is its virtio
     * device (virtio<K>, driver virtio_gpu), which holds the features */
    char vdev[4400] = "";
    if (!strcmp(drv, "virtio-pci")) {
        DIR *d = opendir(dev);
        for (struct dirent *de; d && (de = readdir(d));)
            if (!strncmp(de->d_name, "virtio", 6) && de->d_name[6] >= '0' && de->d_name[6] <= '9' && !vdev[0])
                snprintf(vdev, sizeof vdev, "%s/%s", dev, de->d_name);
        if (d) closedir(d);
        snprintf(path, sizeof path, "%s/driver", vdev);
        k = vdev[0] ? readlink(path, link, sizeof link - 1) : -1;
        if (k <= 0) {
            if (why && wn) snprintf(why, wn, "card%d's virtio device is not known (%s)", card, dev);
            return 0;
        }
        link[k] = 0;
        drv = strrchr(link, '/') ? strrchr(link, '/') + 1 : link;
    }
    int listed = 0;
    for (size_t i = 0; i < sizeof GPU_LESS / sizeof GPU_LESS[0]; i++) listed |= !strcmp(drv, GPU_LESS[i]);
    if (!listed) {
        if (why && wn) snprintf(why, wn, "card%d (%s) has a GPU", card, drv);
        return 0;
    }
    if (!strcmp(drv, "virtio_gpu")) {
        /* the virtio device's feature bits, as '0'/'1' from bit 0 on */
        snprintf(path, sizeof path, "%s/features", vdev[0] ? vdev : dev);
        FILE *f = fopen(path, "r");
        int c = f ? fgetc(f) : EOF;
        if (f) fclose(f);
        if (c == '1' || c == EOF) {
            if (why && wn) snprintf(why, wn, "card%d (virtio-gpu) %s", card, c == '1' ? "has 3D (virgl)" : "has unknown features");
            return 0;
        }
    }
    snprintf(path, sizeof path, "%s/graphics", dev);
    DIR *d = opendir(path);
    int best = -1;
    for (struct dirent *de; d && (de = readdir(d));) {
        const char *p = de->d_name;
        if (strncmp(p, "fb", 2) || !(p[2] >= '0' && p[2] <= '9')) continue;
        long v = 0;
        for (p += 2; *p >= '0' && *p <= '9' && v <= 4096; p++) v = v * 10 + (*p - '0');
        if (!*p && v <= 4096 && (best < 0 || v < best)) best = (int)v;
    }
    if (d) closedir(d);
    if (best < 0) {
        if (why && wn) snprintf(why, wn, "card%d (%s) has no framebuffer device", card, drv);
        return 0;
    }
    if (fb && n) snprintf(fb, n, "/dev/fb%d", best);
    if (why && wn) snprintf(why, wn, "card%d (%s) has no GPU", card, drv);
    return 1;
}

int platform_drm_watch_poll(platform_drm_watch *w, const char *sysfs_root, int *card, char *msg, size_t n)
{
    char conn[64] = "";
    lerr e;
    int now = platform_find_drm_card(sysfs_root, conn, sizeof conn, &e);
    if (msg && n) msg[0] = 0;
    if (!w->started) {
        w->started = 1;
        w->card = now;
        snprintf(w->conn, sizeof w->conn, "%s", now >= 0 ? conn : "");
        return 0;
    }
    if (now == w->card && (now < 0 || !strcmp(conn, w->conn))) return 0;
    char was[96];
    if (w->card >= 0) snprintf(was, sizeof was, "card%d %s", w->card, w->conn);
    else snprintf(was, sizeof was, "none");
    if (msg && n) {
        if (now >= 0) snprintf(msg, n, "card%d %s connected; it was %s", now, conn, was);
        else snprintf(msg, n, "no display is connected now; it was %s", was);
    }
    w->card = now;
    snprintf(w->conn, sizeof w->conn, "%s", now >= 0 ? conn : "");
    if (now < 0) return 0;
    if (card) *card = now;
    return 1;
}

void platform_page_size(int rotate, int pw, int ph, int *w, int *h)
{
    int swap = rotate == 90 || rotate == 270;
    *w = swap ? ph : pw;
    *h = swap ? pw : ph;
}

void platform_present_rect(int rotate, int pw, int ph, int *x, int *y, int *w, int *h)
{
    platform_page_size(rotate, pw, ph, w, h);
    *x = (pw - *w) / 2;
    *y = (ph - *h) / 2;
}

/* Turning the page clockwise by 90 puts its top-left corner at the panel's
 * top-right: page (x, y) shows at panel (1 - y, x). */
void platform_to_panel(int rotate, float x, float y, float *px, float *py)
{
    switch (rotate) {
    case 90: *px = 1 - y; *py = x; break;
    case 180: *px = 1 - x; *py = 1 - y; break;
    case 270: *px = y; *py = 1 - x; break;
    default: *px = x; *py = y; break;
    }
}

void platform_to_page(int rotate, float px, float py, float *x, float *y)
{
    switch (rotate) {
    case 90: *x = py; *y = 1 - px; break;
    case 180: *x = 1 - px; *y = 1 - py; break;
    case 270: *x = 1 - py; *y = px; break;
    default: *x = px; *y = py; break;
    }
}

/* mkdir -p, mode 0700 for what it makes. */
static int make_dirs(char *path, lerr *e)
{
    for (char *p = path + 1;; p++) {
        if (*p != '/' && *p) continue;
        char c = *p;
        *p = 0;
        struct stat st;
        int ok = (mkdir(path, 0700) == 0 || errno == EEXIST) && stat(path, &st) == 0 && S_ISDIR(st.st_mode);
        if (!ok) {
            lerr_set(e, "%s: cannot make the folder: %s", path, errno == EEXIST ? "a file is in the way" : strerror(errno));
            *p = c;
            return -1;
        }
        *p = c;
        if (!c) return 0;
    }
}

int platform_state_dir(const char *sys_dir, char *buf, size_t n, lerr *e)
{
    struct stat st;
    snprintf(buf, n, "%s", sys_dir);
    if (stat(sys_dir, &st) == 0 && S_ISDIR(st.st_mode) && access(sys_dir, W_OK | X_OK) == 0) return 0;
    const char *xdg = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
    char path[4096];
    if (xdg && xdg[0] == '/') {
        snprintf(path, sizeof path, "%s/lectern", xdg);
    } else if (home && home[0] == '/') {
        snprintf(path, sizeof path, "%s/.local/state/lectern", home);
    } else {
        lerr_set(e, "%s is not writable, and neither XDG_STATE_HOME nor HOME names a folder", sys_dir);
        return -1;
    }
    if (strlen(path) >= n) {
        lerr_set(e, "%s: the path is too long", path);
        return -1;
    }
    if (make_dirs(path, e)) return -1;
    snprintf(buf, n, "%s", path);
    return 1;
}

int platform_console_mode(int fd, int graphics, lerr *e)
{
    int mode = 0;
    if (ioctl(fd, KDGETMODE, &mode) < 0) {
        lerr_set(e, "the reader's standard input is not a virtual console (%s): its text mode stays", strerror(errno));
        return -1;
    }
    int was = mode == KD_GRAPHICS;
    if (was == !!graphics) return was;
    if (ioctl(fd, KDSETMODE, graphics ? KD_GRAPHICS : KD_TEXT) < 0) {
        lerr_set(e, "cannot put the console in %s mode: %s", graphics ? "graphics" : "text", strerror(errno));
        return -1;
    }
    return was;
}

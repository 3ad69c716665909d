/* platform.h - what the reader needs to know about the machine it runs on:
 * which DRM card drives the panel (for SDL's kmsdrm driver), and how the
 * picture and the touch coordinates are turned for `rotate`.
 *
 * Plain C (no SDL calls): the functions take everything as arguments, so
 * the tests run them on a fake sysfs tree and on numbers. Classified with
 * the SDL code by its name (src/platform*.c) because only the reader uses
 * it. No global state. */
#ifndef LECTERN_PLATFORM_H
#define LECTERN_PLATFORM_H

#include <stddef.h>

#include "util.h"

/* ---- DRM card discovery ------------------------------------------------------
 *
 * SDL's kmsdrm driver opens /dev/dri/card<SDL_KMSDRM_DEVICE_INDEX>, card 0
 * by default. On a Pi 5 card 0 is the 3D engine (v3d), which has no
 * display at all; HDMI is one card and a DSI panel another. The kernel lists
 * every connector as <sysfs>/class/drm/card<N>-<connector>/status, holding
 * "connected", "disconnected" or "unknown".
 *
 * platform_find_drm_card scans <sysfs_root>/class/drm (sysfs_root is "/sys"
 * on a real machine, a fake tree in tests) and picks the card of a
 * connected connector: a DSI panel first (a kiosk's touch panel), then any
 * other, then a virtual one (vkms, which is always "connected" and shows
 * nothing), lowest card number first; writeback connectors never count.
 * Returns the card number (>= 0) with the connector's name (e.g. "DSI-1")
 * in connector[0..n), or -1 with a message when nothing is connected or the
 * directory cannot be read. */
int platform_find_drm_card(const char *sysfs_root, char *connector, size_t n, lerr *e);

/* Whether card N has no GPU that GL could draw with, only a framebuffer
 * (the firmware's simpledrm before a Pi's own driver loads, QEMU's
 * virtio-gpu without virgl, bochs-drm, cirrus). Mesa then rasterizes GL on
 * the CPU (llvmpipe): loading LLVM and compiling its shaders is most of a
 * start-up under emulation (seconds), for a picture the reader draws in
 * memory anyway. Looked at in <sysfs_root>/class/drm/card<N>/device: the
 * kernel driver (driver -> .../<name>), for virtio-gpu its features (bit 0,
 * VIRTIO_GPU_F_VIRGL, is 3D), and the card's fbdev emulation
 * (graphics/fb<K>). Returns 1 with "/dev/fb<K>" in fb[0..n) when the card
 * is such a one and has a framebuffer device; 0 when GL should draw (a GPU,
 * an unknown driver, no framebuffer device), with why in why[0..wn) (either
 * buffer may be NULL). Never fails: anything unreadable means 0. */
int platform_drm_gpu_less(const char *sysfs_root, int card, char *fb, size_t n, char *why, size_t wn);

/* Watching the displays while the reader runs. SDL 2.26's kmsdrm driver
 * keeps the card and connector it started with: a panel switched on after
 * start (HDMI off at boot), or a display that came back after being
 * unplugged, stays black. platform_drm_watch looks at the same tree as
 * platform_find_drm_card (a few small sysfs reads; call it every couple of
 * seconds) and returns 1 when a display became connected, or the choice
 * moved to another card or connector, since the last call: the reader must
 * start its video again (on *card). It returns 0 otherwise, including when
 * the display went away (the reader waits for it to come back). When the
 * choice changed, msg[0..n) says what happened ("card1 HDMI-A-1 connected;
 * it was none"), else msg is "". The first call only records. Plain data,
 * the caller's; zero it to start. */
typedef struct platform_drm_watch {
    int started;   /* a first look was taken */
    int card;      /* the last choice's card, -1: nothing connected */
    char conn[64]; /* and its connector */
} platform_drm_watch;
int platform_drm_watch_poll(platform_drm_watch *w, const char *sysfs_root, int *card, char *msg, size_t n);

/* ---- rotation ------------------------------------------------------------------
 *
 * rotate is 0, 90, 180 or 270 degrees clockwise: how the picture is turned
 * on the panel. The reader draws an upright page of the page size and turns
 * it when presenting (SDL_RenderCopyEx, clockwise angles); touches arrive in
 * the panel's own coordinates and are turned back with platform_to_page, the
 * one place where that mapping lives. Any other rotate value counts as 0. */

/* The page size for a panel of pw x ph: swapped for 90 and 270. */
void platform_page_size(int rotate, int pw, int ph, int *w, int *h);

/* Where the w x h page goes for SDL_RenderCopyEx(..., angle = rotate, center
 * NULL) on a pw x ph panel: the rectangle centred on the panel, so that
 * turning it about its centre fills the panel exactly. */
void platform_present_rect(int rotate, int pw, int ph, int *x, int *y, int *w, int *h);

/* Panel coordinates (0..1 from the panel's top-left) to page coordinates
 * (0..1 from the upright page's top-left). */
void platform_to_page(int rotate, float px, float py, float *x, float *y);

/* The inverse: where on the panel a point of the page appears. */
void platform_to_panel(int rotate, float x, float y, float *px, float *py);

/* ---- the console under the panel ---------------------------------------------
 *
 * While the reader draws through KMS, the virtual console it runs on (the
 * unit's tty1, its standard input) is put in graphics mode (KDSETMODE
 * KD_GRAPHICS), so that the kernel never draws text or a cursor over the
 * page (a late kernel message, a blink), and back in text mode when the
 * reader ends. After a crash the unit's TTYReset= puts it back.
 * platform_console_mode sets fd's console to graphics (1) or text (0) and
 * returns the mode it was in (1 or 0), or -1 with a message when fd is not
 * a console or the mode cannot be changed (nothing is changed then). */
int platform_console_mode(int fd, int graphics, lerr *e);

/* ---- where reading positions go on a desktop ------------------------------------
 *
 * When the configuration names no state_dir, positions go to sys_dir (the
 * default, /var/lib/lectern, made by the Debian package's systemd unit)
 * if it is a directory this process can write; else, as on a desktop where
 * it does not exist, to $XDG_STATE_HOME/lectern, $XDG_STATE_HOME being
 * ~/.local/state when unset or not absolute (the XDG Base Directory
 * specification). That folder and any missing parents are made, mode 0700.
 * Writes the chosen folder into buf[0..n). Returns 0 for sys_dir, 1 for the
 * user's folder, or -1 with a message when neither can be used ($HOME
 * unset, a folder cannot be made); buf then holds sys_dir. */
int platform_state_dir(const char *sys_dir, char *buf, size_t n, lerr *e);

#endif

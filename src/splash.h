/* splash.h - the boot splash (issue 16): a calm page in the reader's paper
 * colour with the word "lectern" in the middle, drawn straight into the
 * Linux framebuffer (/dev/fb0, the DRM drivers' fbdev emulation) by the
 * tiny lectern-splash program, from the first seconds of boot until the
 * reader draws its library. Plain C, no SDL, no font library: the letters
 * are a few strokes and arcs, antialiased by their distance to the pixel.
 *
 * Every function returns 0 on success and -1 with a human-readable message
 * in err (size n) on failure. */
#ifndef LECTERN_SPLASH_H
#define LECTERN_SPLASH_H

#include <stddef.h>
#include <stdint.h>

/* The reader's light theme (src/tunables.h): paper, and the quiet grey of
 * its running title, for the word. */
#define SPLASH_PAPER 0xFBFAF6u
#define SPLASH_INK 0x8C8A85u

/* A framebuffer's geometry and pixel format, as FBIOGET_VSCREENINFO and
 * FBIOGET_FSCREENINFO give them (or as a test makes them up). */
typedef struct splash_geom {
    uint32_t width, height;   /* visible pixels */
    uint32_t stride;          /* bytes from one line to the next */
    uint32_t bpp;             /* bits per pixel: 16, 24 or 32 */
    uint32_t roff, rlen, goff, glen, boff, blen; /* bit offset and length of each channel */
    uint64_t offset;          /* byte offset of the visible screen (panning) */
    uint64_t size;            /* bytes the device holds (smem_len); 0: unknown */
} splash_geom;

/* Checks that G is a format splash_draw can fill. */
int splash_geom_check(const splash_geom *g, char *err, size_t n);

/* Packs 0xRRGGBB into one pixel of G's format. */
uint32_t splash_pixel(const splash_geom *g, uint32_t rgb);

/* Packs W pixels 0x00RRGGBB (the reader's ARGB8888 surface, alpha ignored)
 * into DST in G's format (G checked by splash_geom_check; DST holds W
 * pixels of G). The reader shows its pictures this way on a display with
 * no GPU (platform_drm_gpu_less). */
void splash_pack_row(const splash_geom *g, const uint32_t *src, uint8_t *dst, uint32_t w);

/* Draws the splash into BUF (G's stride × height bytes, the visible
 * screen): PAPER everywhere, the word in INK, centred. */
int splash_draw(const splash_geom *g, uint8_t *buf, size_t len, uint32_t paper, uint32_t ink, char *err, size_t n);

/* Opens PATH for writing as a character device only: no link is followed
 * (O_NOFOLLOW), a FIFO is not waited on (O_NONBLOCK), and a regular file,
 * FIFO or anything else that is not a character device is refused. Returns
 * the descriptor (O_CLOEXEC), or -1. */
int splash_open_dev(const char *path, int flags, char *err, size_t n);

/* The framebuffer's geometry from its ioctls. */
int splash_fb_geom(int fd, const char *path, splash_geom *g, char *err, size_t n);

/* Writes the drawn screen BUF to the framebuffer FD at G's offset (write(),
 * not mmap: the DRM drivers' fbdev emulation flushes written ranges to the
 * display, also when the program exits at once). */
int splash_write(int fd, const splash_geom *g, const uint8_t *buf, size_t len, char *err, size_t n);

/* Puts the virtual console TTY (a character device, opened as above) in
 * graphics mode (KDSETMODE KD_GRAPHICS): the kernel then draws no text or
 * cursor over the splash. Needs CAP_SYS_TTY_CONFIG (or TTY as the
 * controlling terminal). */
int splash_console_graphics(const char *tty, char *err, size_t n);

/* Unbinds the framebuffer console (fbcon) from the virtual consoles, so
 * that nothing the consoles do later (systemd's TTYReset= puts tty1 back in
 * text mode as it starts the reader) redraws text over the splash. SYSFS is
 * the vtconsole class folder, /sys/class/vtconsole. Returns 1 if fbcon was
 * unbound, 0 if there was none bound, -1 on error. */
int splash_unbind_fbcon(const char *sysfs, char *err, size_t n);

#endif

/* splash.c - the boot splash's drawing and its careful device handling
 * (see splash.h). */
#define _DEFAULT_SOURCE
#include "splash.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/fb.h>
#include <linux/kd.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

static void say(char *err, size_t n, const char *fmt, ...)
{
    if (!err || !n) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, n, fmt, ap);
    va_end(ap);
}

/* ---- the word: strokes in units of the x-height ----------------------------
 * y grows downwards: 0 is the top of the x-height, 1 the baseline, the
 * ascenders of l and t reach up to -0.7. An arc runs clockwise on the
 * screen from angle a0 to a1 (degrees, 0 = right, 90 = down). */
typedef struct stroke {
    char arc;
    float x0, y0, x1, y1; /* a line; or centre x0,y0, radius x1 */
    float a0, a1;
} stroke;
#define LINE(a, b, c, d) { 0, a, b, c, d, 0, 0 }
#define ARC(cx, cy, r, a, b) { 1, cx, cy, r, 0, a, b }

typedef struct glyph {
    char c;
    float width;
    int n;
    stroke s[4];
} glyph;

static const glyph GLYPHS[] = {
    { 'l', 0.0f, 1, { LINE(0, -0.7f, 0, 1) } },
    { 'e', 1.0f, 2, { LINE(0, 0.5f, 1, 0.5f), ARC(0.5f, 0.5f, 0.5f, 40, 360) } },
    { 'c', 0.9f, 1, { ARC(0.5f, 0.5f, 0.5f, 45, 315) } },
    { 't', 0.7f, 3, { LINE(0.3f, -0.45f, 0.3f, 0.7f), ARC(0.6f, 0.7f, 0.3f, 90, 180), LINE(0, 0, 0.7f, 0) } },
    { 'r', 0.75f, 2, { LINE(0, 0, 0, 1), ARC(0.5f, 0.5f, 0.5f, 180, 290) } },
    { 'n', 0.9f, 3, { LINE(0, 0, 0, 1), ARC(0.45f, 0.45f, 0.45f, 180, 360), LINE(0.9f, 0.45f, 0.9f, 1) } },
};
static const char WORD[] = "lectern";
#define GAP 0.42f     /* between letters, in x-heights */
#define HALF 0.085f   /* half the stroke's width */
#define TOP (-0.7f)   /* the ascenders */

static const glyph *glyph_of(char c)
{
    for (size_t i = 0; i < sizeof GLYPHS / sizeof GLYPHS[0]; i++)
        if (GLYPHS[i].c == c) return &GLYPHS[i];
    return NULL;
}

static float word_width(void)
{
    float w = 0;
    for (const char *p = WORD; *p; p++) w += glyph_of(*p)->width + (p[1] ? GAP : 0);
    return w;
}

static float seg_dist(float px, float py, const stroke *s)
{
    float dx = s->x1 - s->x0, dy = s->y1 - s->y0;
    float l2 = dx * dx + dy * dy;
    float t = l2 > 0 ? ((px - s->x0) * dx + (py - s->y0) * dy) / l2 : 0;
    if (t < 0) t = 0;
    if (t > 1) t = 1;
    float ex = s->x0 + t * dx - px, ey = s->y0 + t * dy - py;
    return sqrtf(ex * ex + ey * ey);
}

static float arc_dist(float px, float py, const stroke *s)
{
    const float rad = 3.14159265f / 180;
    float dx = px - s->x0, dy = py - s->y0;
    float a = atan2f(dy, dx) / rad;
    if (a < 0) a += 360;
    /* within the arc's angles (which may run past 360) */
    if ((a >= s->a0 && a <= s->a1) || (a + 360 >= s->a0 && a + 360 <= s->a1))
        return fabsf(sqrtf(dx * dx + dy * dy) - s->x1);
    float d = 1e9f;
    for (int k = 0; k < 2; k++) {
        float b = (k ? s->a1 : s->a0) * rad;
        float ex = s->x0 + s->x1 * cosf(b) - px, ey = s->y0 + s->x1 * sinf(b) - py;
        float e = sqrtf(ex * ex + ey * ey);
        if (e < d) d = e;
    }
    return d;
}

/* ---- pixels ------------------------------------------------------------------ */
int splash_geom_check(const splash_geom *g, char *err, size_t n)
{
    if (g->bpp != 16 && g->bpp != 24 && g->bpp != 32) {
        say(err, n, "a framebuffer of %u bits per pixel: only 16, 24 and 32 are drawn", (unsigned)g->bpp);
        return -1;
    }
    if (g->width < 16 || g->height < 16 || g->width > 16384 || g->height > 16384) {
        say(err, n, "a framebuffer of %ux%u pixels: not a screen", (unsigned)g->width, (unsigned)g->height);
        return -1;
    }
    if ((uint64_t)g->stride < (uint64_t)g->width * (g->bpp / 8)) {
        say(err, n, "a framebuffer line of %u bytes is shorter than %u pixels", (unsigned)g->stride,
            (unsigned)g->width);
        return -1;
    }
    const uint32_t off[3] = { g->roff, g->goff, g->boff }, len[3] = { g->rlen, g->glen, g->blen };
    for (int i = 0; i < 3; i++)
        if (len[i] < 1 || len[i] > 8 || off[i] + len[i] > g->bpp) {
            say(err, n, "a framebuffer colour channel at bit %u, %u bits long, does not fit %u-bit pixels",
                (unsigned)off[i], (unsigned)len[i], (unsigned)g->bpp);
            return -1;
        }
    if (g->size && (g->offset > g->size || (uint64_t)g->stride * g->height > g->size - g->offset)) {
        say(err, n, "the framebuffer holds %llu bytes, less than its visible screen",
            (unsigned long long)g->size);
        return -1;
    }
    return 0;
}

uint32_t splash_pixel(const splash_geom *g, uint32_t rgb)
{
    const uint32_t c[3] = { (rgb >> 16) & 255, (rgb >> 8) & 255, rgb & 255 };
    const uint32_t off[3] = { g->roff, g->goff, g->boff }, len[3] = { g->rlen, g->glen, g->blen };
    uint32_t p = 0;
    for (int i = 0; i < 3; i++) p |= (c[i] >> (8 - len[i])) << off[i];
    return p;
}

static uint32_t mix(uint32_t a, uint32_t b, float t)
{
    uint32_t r = 0;
    for (int sh = 0; sh <= 16; sh += 8) {
        float x = (float)((a >> sh) & 255), y = (float)((b >> sh) & 255);
        r |= (uint32_t)(x + (y - x) * t + 0.5f) << sh;
    }
    return r;
}

static void put(uint8_t *p, uint32_t v, uint32_t bytes)
{
    /* framebuffers are little-endian on the Pi and under QEMU */
    for (uint32_t i = 0; i < bytes; i++) p[i] = (uint8_t)(v >> (8 * i));
}

void splash_pack_row(const splash_geom *g, const uint32_t *src, uint8_t *dst, uint32_t w)
{
    const uint32_t bytes = g->bpp / 8;
    if (bytes == 4 && splash_pixel(g, 0xFF8040u) == 0xFF8040u) {
        /* XRGB8888, the common case: the pixel as it is, bytes low first.
         * On a little-endian CPU (the Pi, a PC) that is the word as it is
         * in memory, stored whole: a loop the compiler vectorizes, as this
         * runs for every pixel of every frame */
        const uint16_t one = 1;
        if (*(const uint8_t *)&one == 1) {
            for (uint32_t x = 0; x < w; x++) {
                uint32_t v = src[x] & 0xFFFFFFu;
                memcpy(dst + 4 * x, &v, 4);
            }
        } else {
            for (uint32_t x = 0; x < w; x++) put(dst + 4 * x, src[x] & 0xFFFFFFu, 4);
        }
        return;
    }
    for (uint32_t x = 0; x < w; x++) put(dst + bytes * x, splash_pixel(g, src[x] & 0xFFFFFFu), bytes);
}

int splash_draw(const splash_geom *g, uint8_t *buf, size_t len, uint32_t paper, uint32_t ink, char *err, size_t n)
{
    if (splash_geom_check(g, err, n)) return -1;
    if ((uint64_t)g->stride * g->height > len) {
        say(err, n, "a buffer of %zu bytes for a screen of %llu", len, (unsigned long long)g->stride * g->height);
        return -1;
    }
    const uint32_t bytes = g->bpp / 8;
    const uint32_t bg = splash_pixel(g, paper);
    for (uint32_t y = 0; y < g->height; y++)
        for (uint32_t x = 0; x < g->width; x++) put(buf + (size_t)y * g->stride + (size_t)x * bytes, bg, bytes);

    /* The x-height: the word's ascenders and x-height (1.7) are a ninth
     * of the screen's height, and the word at most two fifths of its width. */
    float u = (float)g->height / (9 * (1 - TOP));
    float ww = word_width();
    if (u * ww > 0.4f * (float)g->width) u = 0.4f * (float)g->width / ww;
    if (u < 4) u = 4;
    float ox = ((float)g->width - u * ww) / 2, oy = ((float)g->height - u * (1 - TOP)) / 2 - u * TOP;
    float half = HALF * u < 1 ? 1 : HALF * u;
    float x = ox;
    for (const char *c = WORD; *c; c++) {
        const glyph *gl = glyph_of(*c);
        /* the glyph's box, widened by the stroke and a pixel */
        int x0 = (int)floorf(x - half - 1), x1 = (int)ceilf(x + gl->width * u + half + 1);
        int y0 = (int)floorf(oy + TOP * u - half - 1), y1 = (int)ceilf(oy + u + half + 1);
        if (x0 < 0) x0 = 0;
        if (y0 < 0) y0 = 0;
        if (x1 > (int)g->width) x1 = (int)g->width;
        if (y1 > (int)g->height) y1 = (int)g->height;
        for (int py = y0; py < y1; py++)
            for (int px = x0; px < x1; px++) {
                /* the pixel's centre, in the glyph's units */
                float gx = ((float)px + 0.5f - x) / u, gy = ((float)py + 0.5f - oy) / u;
                float d = 1e9f;
                for (int k = 0; k < gl->n; k++) {
                    float e = gl->s[k].arc ? arc_dist(gx, gy, &gl->s[k]) : seg_dist(gx, gy, &gl->s[k]);
                    if (e < d) d = e;
                }
                /* coverage from the distance to the stroke's edge, in pixels */
                float cov = half + 0.5f - d * u;
                if (cov <= 0) continue;
                if (cov > 1) cov = 1;
                uint8_t *p = buf + (size_t)py * g->stride + (size_t)px * bytes;
                put(p, splash_pixel(g, mix(paper, ink, cov)), bytes);
            }
        x += (gl->width + GAP) * u;
    }
    return 0;
}

/* ---- devices ----------------------------------------------------------------- */
int splash_open_dev(const char *path, int flags, char *err, size_t n)
{
    int fd = open(path, flags | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0) {
        if (errno == ELOOP)
            say(err, n, "%s is a symbolic link, not the device: refused", path);
        else {
            int why = errno;
            struct stat ls;
            /* who may open it, for a message that says why not */
            if (why == EACCES && lstat(path, &ls) == 0)
                say(err, n, "cannot open %s: %s (owner %u, group %u, mode %03o)", path, strerror(why),
                    (unsigned)ls.st_uid, (unsigned)ls.st_gid, (unsigned)(ls.st_mode & 0777));
            else
                say(err, n, "cannot open %s: %s", path, strerror(why));
        }
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) < 0) {
        say(err, n, "cannot stat %s: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    if (!S_ISCHR(st.st_mode)) {
        say(err, n, "%s is %s, not a character device: refused", path,
            S_ISREG(st.st_mode) ? "a regular file" : S_ISFIFO(st.st_mode) ? "a FIFO" :
            S_ISDIR(st.st_mode) ? "a folder" : "not a device");
        close(fd);
        return -1;
    }
    /* the non-blocking open was only for a FIFO's sake */
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0) (void)fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
    return fd;
}

int splash_fb_geom(int fd, const char *path, splash_geom *g, char *err, size_t n)
{
    struct fb_var_screeninfo v;
    struct fb_fix_screeninfo f;
    if (ioctl(fd, FBIOGET_VSCREENINFO, &v) < 0 || ioctl(fd, FBIOGET_FSCREENINFO, &f) < 0) {
        say(err, n, "%s is not a framebuffer: %s", path, strerror(errno));
        return -1;
    }
    if (f.type != FB_TYPE_PACKED_PIXELS || f.visual != FB_VISUAL_TRUECOLOR) {
        say(err, n, "%s: not a packed true-colour framebuffer (type %u, visual %u)", path, f.type, f.visual);
        return -1;
    }
    memset(g, 0, sizeof *g);
    g->width = v.xres;
    g->height = v.yres;
    g->stride = f.line_length;
    g->bpp = v.bits_per_pixel;
    g->roff = v.red.offset, g->rlen = v.red.length;
    g->goff = v.green.offset, g->glen = v.green.length;
    g->boff = v.blue.offset, g->blen = v.blue.length;
    g->offset = (uint64_t)v.yoffset * f.line_length + (uint64_t)v.xoffset * (v.bits_per_pixel / 8);
    g->size = f.smem_len;
    if (splash_geom_check(g, err, n)) return -1;
    return 0;
}

int splash_write(int fd, const splash_geom *g, const uint8_t *buf, size_t len, char *err, size_t n)
{
    size_t want = (size_t)g->stride * g->height, done = 0;
    if (want > len) {
        say(err, n, "a buffer of %zu bytes for a screen of %zu", len, want);
        return -1;
    }
    while (done < want) {
        ssize_t w = pwrite(fd, buf + done, want - done, (off_t)(g->offset + done));
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
            say(err, n, "cannot write to the framebuffer: %s", w < 0 ? strerror(errno) : "no room");
            return -1;
        }
        done += (size_t)w;
    }
    return 0;
}

int splash_console_graphics(const char *tty, char *err, size_t n)
{
    int fd = splash_open_dev(tty, O_RDWR, err, n);
    if (fd < 0) return -1;
    int mode = 0;
    if (ioctl(fd, KDGETMODE, &mode) < 0) {
        say(err, n, "%s is not a virtual console: %s", tty, strerror(errno));
        close(fd);
        return -1;
    }
    if (mode != KD_GRAPHICS && ioctl(fd, KDSETMODE, KD_GRAPHICS) < 0) {
        say(err, n, "cannot put %s in graphics mode: %s", tty, strerror(errno));
        close(fd);
        return -1;
    }
    close(fd);
    return 0;
}

int splash_unbind_fbcon(const char *sysfs, char *err, size_t n)
{
    DIR *d = opendir(sysfs);
    if (!d) {
        say(err, n, "cannot read %s: %s", sysfs, strerror(errno));
        return -1;
    }
    int done = 0, bad = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (strncmp(de->d_name, "vtcon", 5)) continue;
        char path[512], name[128] = "";
        /* the console's name: "(M) frame buffer device" for fbcon */
        snprintf(path, sizeof path, "%s/%s/name", sysfs, de->d_name);
        FILE *f = fopen(path, "re");
        if (!f) continue;
        if (!fgets(name, sizeof name, f)) name[0] = 0;
        fclose(f);
        if (!strstr(name, "frame buffer")) continue;
        snprintf(path, sizeof path, "%s/%s/bind", sysfs, de->d_name);
        int fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
        char b = 0;
        if (fd < 0 || pread(fd, &b, 1, 0) != 1) {
            say(err, n, "cannot read %s: %s", path, strerror(errno));
            bad = 1;
        } else if (b == '1') {
            if (pwrite(fd, "0\n", 2, 0) != 2) {
                say(err, n, "cannot unbind the framebuffer console (%s): %s", path, strerror(errno));
                bad = 1;
            } else {
                done = 1;
            }
        }
        if (fd >= 0) close(fd);
    }
    closedir(d);
    return bad ? -1 : done;
}

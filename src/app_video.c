/* app_video.c - the window (or the headless surface), the renderer, how
 * pages reach the panel (enum app_path), drawing the current screen, and
 * the live loop. */
#include "app.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <fcntl.h>
#include <unistd.h>

#include "platform.h"
#include "screen.h"
#include "watchdog.h"

/* ---- video --------------------------------------------------------------------- */

static const char *renderer_name(SDL_Renderer *r)
{
    SDL_RendererInfo info;
    return r && SDL_GetRendererInfo(r, &info) == 0 && info.name ? info.name : "SDL";
}

/* The window's renderer: the first accelerated one SDL offers (the unit
 * file's SDL_RENDER_DRIVER picks it), with or without render targets, as
 * the reader copes without (enum app_path). If none can be made (no GL or
 * GLES at all), SDL's software renderer: slow on a big panel, but a page. */
static SDL_Renderer *window_renderer(SDL_Window *win, lerr *e)
{
    SDL_Renderer *r = SDL_CreateRenderer(win, -1, SDL_RENDERER_ACCELERATED | SDL_RENDERER_PRESENTVSYNC);
    if (r) return r;
    char why[256];
    snprintf(why, sizeof why, "%s", SDL_GetError());
    int sw = -1;
    for (int i = 0; i < SDL_GetNumRenderDrivers(); i++) {
        SDL_RendererInfo info;
        if (SDL_GetRenderDriverInfo(i, &info) == 0 && info.name && !strcmp(info.name, "software")) sw = i;
    }
    /* by index: a SDL_RENDER_DRIVER hint would be tried first again otherwise */
    r = sw >= 0 ? SDL_CreateRenderer(win, sw, 0) : NULL;
    if (!r) {
        lerr_set(e, "cannot create a renderer: no accelerated one (%s), and not SDL's software renderer: %s", why,
                 sw >= 0 ? SDL_GetError() : "not built in");
        return NULL;
    }
    fprintf(stderr, "lectern: no accelerated renderer (%s); drawing with SDL's software renderer\n", why);
    return r;
}

/* A texture of the output renderer, refused (NULL, SDL_GetError says why)
 * when a side is beyond what the renderer takes (a->tex_max: VC4 on a Pi
 * Zero 2 W takes 2048 px, V3D 4096): the caller then falls back. */
static SDL_Texture *texture(app *a, SDL_Renderer *r, int access, int w, int h)
{
    if (a->tex_max > 0 && (w > a->tex_max || h > a->tex_max)) {
        SDL_SetError("%dx%d is larger than the renderer's %d px textures", w, h, a->tex_max);
        return NULL;
    }
    return SDL_CreateTexture(r, SDL_PIXELFORMAT_ARGB8888, access, w, h);
}

/* Compose the w x h upright picture in memory: SDL's software renderer draws
 * it into a->canvas (its render targets are plain memory, so the page cache
 * works there) and app_draw copies it into a streaming texture of the output
 * renderer, which turns it. For rotate != 0 when the output renderer has no
 * render targets to draw the upright picture into. a->rd is replaced by one
 * drawing on the canvas; called again, the canvas is made anew (a resize).
 * Returns 0, or -1 with a message and nothing changed. */
static int canvas_open(app *a, int w, int h, lerr *e)
{
    SDL_Renderer *out = a->out ? a->out : a->ren;
    SDL_Surface *cv = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
    SDL_Renderer *sw = cv ? SDL_CreateSoftwareRenderer(cv) : NULL;
    SDL_Texture *tex = sw ? texture(a, out, SDL_TEXTUREACCESS_STREAMING, w, h) : NULL;
    SDL_Surface *small = NULL;
    if (sw && !tex) {
        /* No texture that large: a smaller one, the picture scaled down
         * into it and up again when shown (soft, but never a black screen) */
        char why[256];
        snprintf(why, sizeof why, "%s", SDL_GetError());
        int m = a->tex_max > 0 ? a->tex_max : (w > h ? w : h) / 2, sw2 = w, sh2 = h;
        if (sw2 > m) sh2 = (int)((int64_t)sh2 * m / sw2), sw2 = m;
        if (sh2 > m) sw2 = (int)((int64_t)sw2 * m / sh2), sh2 = m;
        if (sw2 < 1) sw2 = 1;
        if (sh2 < 1) sh2 = 1;
        small = SDL_CreateRGBSurfaceWithFormat(0, sw2, sh2, 32, SDL_PIXELFORMAT_ARGB8888);
        tex = small ? texture(a, out, SDL_TEXTUREACCESS_STREAMING, sw2, sh2) : NULL;
        if (tex)
            fprintf(stderr, "lectern: no %dx%d texture (%s): the picture is shown through a %dx%d one, scaled up\n",
                    w, h, why, sw2, sh2);
    }
    render *rd = NULL;
    if (!tex) lerr_set(e, "cannot draw a %dx%d picture in memory to turn it: %s", w, h, SDL_GetError());
    if (!tex || (a->fonts && render_create(&rd, sw, a->fonts, 0, 0, e))) {
        if (tex) SDL_DestroyTexture(tex);
        if (small) SDL_FreeSurface(small);
        if (sw) SDL_DestroyRenderer(sw);
        if (cv) SDL_FreeSurface(cv);
        return -1;
    }
    SDL_SetTextureBlendMode(tex, SDL_BLENDMODE_NONE);
    if (small) SDL_SetTextureScaleMode(tex, SDL_ScaleModeLinear);
    render_destroy(a->rd);
    if (a->frame) SDL_DestroyTexture(a->frame);
    if (a->out) {
        SDL_DestroyTexture(a->out_tex);
        SDL_DestroyRenderer(a->ren);
        SDL_FreeSurface(a->canvas);
    }
    if (a->small) SDL_FreeSurface(a->small);
    a->frame = NULL;
    a->rd = rd;
    a->ren = sw;
    a->canvas = cv;
    a->out = out;
    a->out_tex = tex;
    a->small = small;
    return 0;
}

/* rotate != 0: KMS cannot turn the picture by 90 degrees, so it is drawn
 * upright and turned when presented: into a target texture, or without
 * render targets in memory (canvas_open). */
static int turn_setup(app *a, int w, int h, lerr *e)
{
    if (!a->out && !a->no_targets[0]) {
        a->frame = texture(a, a->ren, SDL_TEXTUREACCESS_TARGET, w, h);
        if (a->frame) {
            SDL_SetTextureBlendMode(a->frame, SDL_BLENDMODE_NONE);
            return 0;
        }
        snprintf(a->no_targets, sizeof a->no_targets, "no %dx%d target texture to turn the picture: %s", w, h,
                 SDL_GetError());
    }
    return canvas_open(a, w, h, e);
}

int app_draw_path(const app *a, const char **why)
{
    const char *r = NULL;
    int path = APP_PATH_CACHE;
    if (!a->ren) {
        path = APP_PATH_UNTOLD;
    } else if (a->out) {
        path = APP_PATH_CANVAS;
        r = a->no_targets;
    } else if (a->no_targets[0]) {
        path = APP_PATH_DIRECT;
        r = a->no_targets;
    } else if (a->rd && !render_targets(a->rd, &r)) {
        path = APP_PATH_DIRECT; /* a page texture failed; the render knows why */
    }
    if (why) *why = r;
    return path;
}

/* Say on stderr how pages reach the panel: once at start-up (headless only
 * when it is not the page cache: nothing to say about drawing in memory),
 * and again when a render target failed and it changed. */
static void tell_path(app *a)
{
    const char *why;
    int path = app_draw_path(a, &why), first = a->path == APP_PATH_UNTOLD;
    if (path == a->path || path == APP_PATH_UNTOLD) return;
    a->path = path;
    const char *name = renderer_name(a->out ? a->out : a->ren), *now = first ? "" : "from now on ";
    if (path == APP_PATH_CACHE && a->win && a->rd)
        fprintf(stderr, "lectern: renderer %s: pages are cached in render targets\n", name);
    else if (path == APP_PATH_DIRECT)
        fprintf(stderr, "lectern: renderer %s: %s; %spages are drawn straight to the screen each frame, without a page cache\n",
                name, why, now);
    else if (path == APP_PATH_CANVAS)
        fprintf(stderr, "lectern: renderer %s: %s; %sthe picture is drawn in memory (SDL's software renderer) "
                "and %s\n", name, why, now, a->o.rotate ? "turned when shown" : "shown as one picture");
}

/* The name of the GL renderer behind an SDL renderer when it rasterizes on
 * the CPU (Mesa's llvmpipe, softpipe, swrast), into buf; else "". Asked of
 * GL itself (glGetString(GL_RENDERER)): SDL names only its own backend. */
static void cpu_gl_name(SDL_Renderer *r, char *buf, size_t n)
{
    buf[0] = 0;
    const char *rn = renderer_name(r);
    if (strncmp(rn, "opengl", 6)) return; /* opengl, opengles2 */
    typedef const unsigned char *(*get_string_fn)(unsigned int);
    get_string_fn get = (get_string_fn)(uintptr_t)SDL_GL_GetProcAddress("glGetString");
    const unsigned char *gl = get ? get(0x1F01 /* GL_RENDERER */) : NULL;
    if (gl && (strstr((const char *)gl, "llvmpipe") || strstr((const char *)gl, "softpipe") ||
               strstr((const char *)gl, "swrast")))
        snprintf(buf, n, "%s", (const char *)gl);
}

/* The renderer is there (a->ren): fonts, the page and its way to the panel. */
/* The largest texture side of renderer r, as SDL reports it, or
 * $LECTERN_MAX_TEXTURE when that is smaller (tests: a Pi's limit on a PC). */
static int texture_limit(SDL_Renderer *r)
{
    SDL_RendererInfo info;
    int m = 0;
    if (r && SDL_GetRendererInfo(r, &info) == 0) {
        m = info.max_texture_width;
        if (info.max_texture_height > 0 && (m <= 0 || info.max_texture_height < m)) m = info.max_texture_height;
    }
    const char *env = getenv("LECTERN_MAX_TEXTURE");
    long f = env ? strtol(env, NULL, 10) : 0;
    if (f > 0 && f < 65536 && (m <= 0 || f < m)) m = (int)f;
    return m > 0 ? m : 0;
}

static int video_ready(app *a, int pw, int ph, lerr *e)
{
    a->tex_max = texture_limit(a->ren);
    if (a->win) {
        cpu_gl_name(a->ren, a->soft_gl, sizeof a->soft_gl);
        /* what a Pi's GPU can take (VC4 2048 px, V3D 4096), for the journal */
        if (a->tex_max) fprintf(stderr, "lectern: renderer %s: textures up to %d px\n", renderer_name(a->ren), a->tex_max);
    }
    if (!SDL_RenderTargetSupported(a->ren))
        snprintf(a->no_targets, sizeof a->no_targets, "the %s renderer has no render targets", renderer_name(a->ren));
    else if (a->o.no_targets)
        snprintf(a->no_targets, sizeof a->no_targets, "render targets are turned off (LECTERN_NO_RENDER_TARGETS)");
    if (a->fonts && render_create(&a->rd, a->ren, a->fonts, 0, 0, e)) return -1;
    if (a->rd && a->no_targets[0]) render_no_targets(a->rd, a->no_targets);
    if (a->rd) render_limit_textures(a->rd, a->tex_max);
    if (app_set_panel(a, pw, ph, e)) return -1;
    tell_path(a);
    return 0;
}

/* Fullscreen on the panel itself: believe its size in mm when SDL knows it
 * (96 is X's made-up default, not a measurement). */
static void panel_dpi(app *a)
{
    float ddpi = 0;
    if (SDL_GetDisplayDPI(0, &ddpi, NULL, NULL) == 0 && ddpi >= 50 && ddpi <= 600 && ddpi != 96.0f) a->dpi = ddpi;
}

/* The console under the panel draws nothing over the pages (platform.h). */
static void console_graphics(app *a, const char *drv)
{
    if (!a->o.kiosk || !drv || strcasecmp(drv, "kmsdrm") || !isatty(0)) return; /* SDL names it "KMSDRM" */
    lerr ce;
    int was = platform_console_mode(0, 1, &ce);
    if (was < 0) fprintf(stderr, "lectern: %s\n", ce.msg);
    else fprintf(stderr, "lectern: the console (tty) is in graphics mode while the reader runs\n");
    a->console_set = was == 0;
}

/* A kiosk on a display with no GPU (platform_drm_gpu_less): the picture is
 * drawn in memory by SDL's software renderer, as without a display, and
 * written to the card's framebuffer device (the splash's way, splash.h),
 * instead of a window whose GL would load Mesa and LLVM and compile shaders
 * on the CPU: seconds under emulation, for the same pixels. SDL's video
 * stays started for its input (evdev). LECTERN_PRESENT=gl keeps GL, =fb
 * asks for the framebuffer on any card that has one. Returns 1 when set
 * up (a->ren, a->surface, a->fb_*), 0 for a window as usual (said why
 * when it was tried). */
static int fb_open(app *a, const char *drv)
{
    const char *want = getenv("LECTERN_PRESENT");
    int force = want && !strcmp(want, "fb");
    if ((want && !strcmp(want, "gl")) || !a->o.kiosk || !drv || strcasecmp(drv, "kmsdrm")) return 0;
    if (a->o.rotate) return 0; /* turning the picture is GL's (or the canvas's) */
    const char *idx = getenv("SDL_KMSDRM_DEVICE_INDEX"), *root = getenv("LECTERN_DRM_SYSFS");
    int card = idx ? atoi(idx) : 0;
    char fb[64] = "", why[256], err[256];
    if (!platform_drm_gpu_less(root && *root ? root : "/sys", card, fb, sizeof fb, why, sizeof why) && !force) {
        fprintf(stderr, "lectern: display: %s: drawing with GL\n", why);
        return 0;
    }
    if (!fb[0]) snprintf(fb, sizeof fb, "/dev/fb0");
    splash_geom g;
    memset(&g, 0, sizeof g);
    int fd = splash_open_dev(fb, O_RDWR, err, sizeof err);
    if (fd < 0 || splash_fb_geom(fd, fb, &g, err, sizeof err) || splash_geom_check(&g, err, sizeof err) ||
        g.width > TUN_PAGE_MAX_SIDE || g.height > TUN_PAGE_MAX_SIDE) {
        if (fd >= 0 && g.width > TUN_PAGE_MAX_SIDE) snprintf(err, sizeof err, "%ux%u is too large", g.width, g.height);
        fprintf(stderr, "lectern: display: %s, but %s: %s; drawing with GL\n", why, fb, err);
        if (fd >= 0) close(fd);
        return 0;
    }
    size_t len = (size_t)g.stride * g.height;
    uint8_t *buf = malloc(len);
    SDL_Surface *s = buf ? SDL_CreateRGBSurfaceWithFormat(0, (int)g.width, (int)g.height, 32, SDL_PIXELFORMAT_ARGB8888) : NULL;
    SDL_Renderer *r = s ? SDL_CreateSoftwareRenderer(s) : NULL;
    if (!r) {
        fprintf(stderr, "lectern: display: %s, but no %ux%u picture in memory: %s; drawing with GL\n", why, g.width,
                g.height, buf ? SDL_GetError() : "out of memory");
        if (s) SDL_FreeSurface(s);
        free(buf);
        close(fd);
        return 0;
    }
    memset(buf, 0, len);
    a->surface = s;
    a->ren = r;
    a->fb_on = 1;
    a->fb_fd = fd;
    a->fb_geom = g;
    a->fb_buf = buf;
    fprintf(stderr, "lectern: display: %s: the picture is drawn in memory and written to %s (%ux%u, %u bits), "
            "without GL\n", why, fb, g.width, g.height, g.bpp);
    return 1;
}

/* Show the drawn picture on the framebuffer (fb_on). */
static void fb_show(app *a)
{
    SDL_RenderFlush(a->ren); /* every queued draw is in the surface's pixels */
    const splash_geom *g = &a->fb_geom;
    const SDL_Surface *s = a->surface;
    for (uint32_t y = 0; y < g->height && y < (uint32_t)s->h; y++)
        splash_pack_row(g, (const uint32_t *)(const void *)((const uint8_t *)s->pixels + (size_t)y * s->pitch),
                        a->fb_buf + (size_t)y * g->stride, g->width < (uint32_t)s->w ? g->width : (uint32_t)s->w);
    char err[256];
    if (splash_write(a->fb_fd, g, a->fb_buf, (size_t)g->stride * g->height, err, sizeof err) && !a->fb_said) {
        fprintf(stderr, "lectern: display: %s\n", err);
        a->fb_said = 1;
    }
}

int app_video(app *a, int headless, lerr *e)
{
    if (headless) {
        /* No window at all: the software renderer drawing into a surface
         * needs no video driver, and skips the EGL/Mesa libraries that even
         * the offscreen driver loads (most of a cold start's time and RSS). */
        int w = a->o.w > 0 ? a->o.w : TUN_PANEL_W, h = a->o.h > 0 ? a->o.h : TUN_PANEL_H;
        a->surface = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
        a->ren = a->surface ? SDL_CreateSoftwareRenderer(a->surface) : NULL;
        if (!a->ren) {
            lerr_set(e, "cannot create a %dx%d software renderer: %s", w, h, SDL_GetError());
            return -1;
        }
        return video_ready(a, w, h, e);
    }
    a->t_start = SDL_GetTicks64();
    /* In kiosk mode at boot the display may not be usable for a moment
     * (udev has not yet given its device node to the video group): keep
     * trying here for a while, which is much cheaper than exiting and
     * being started again. Said once. */
    const char *wait_env = getenv("LECTERN_VIDEO_WAIT_MS"); /* for tests */
    long wait_ms = wait_env ? strtol(wait_env, NULL, 10) : TUN_VIDEO_WAIT_MS;
    while (SDL_InitSubSystem(SDL_INIT_VIDEO)) {
        const char *want = getenv("SDL_VIDEODRIVER");
        uint64_t waited = SDL_GetTicks64() - a->t_start;
        if (!a->o.kiosk || (long)waited >= wait_ms) {
            char tries[64] = "";
            if (a->video_retries)
                snprintf(tries, sizeof tries, " (%d tries in %lu ms)", a->video_retries + 1, (unsigned long)waited);
            lerr_set(e, "cannot start video%s%s: %s%s", want ? " with SDL_VIDEODRIVER=" : "", want ? want : "",
                     SDL_GetError(), tries);
            return -1;
        }
        if (!a->video_retries++)
            fprintf(stderr, "lectern: cannot start video yet (%s); trying again for up to %ld s\n", SDL_GetError(),
                    (wait_ms + 999) / 1000);
        /* backing off: 250 ms, 500 ms, then every second (a display that
         * is off at boot may take long; each try opens every card) */
        uint32_t pause = TUN_VIDEO_RETRY_MS << (a->video_retries < 3 ? a->video_retries - 1 : 2);
        SDL_Delay(pause > TUN_VIDEO_RETRY_MAX_MS ? TUN_VIDEO_RETRY_MAX_MS : pause);
    }
    if (a->video_retries)
        fprintf(stderr, "lectern: video started after %lu ms and %d tries\n",
                (unsigned long)(SDL_GetTicks64() - a->t_start), a->video_retries + 1);
    /* With no display SDL falls back to its invisible offscreen driver: a
     * window nobody sees, waiting forever. Only when asked for explicitly. */
    a->t_video = SDL_GetTicks64();
    const char *drv = SDL_GetCurrentVideoDriver();
    if (drv && (!strcmp(drv, "offscreen") || !strcmp(drv, "dummy")) && !getenv("SDL_VIDEODRIVER")) {
        lerr_set(e, "no display found (SDL chose its %s driver); use --screenshot DIR for PNG pages", drv);
        return -1;
    }
    if (fb_open(a, drv)) {
        a->t_window = a->t_renderer = SDL_GetTicks64();
        SDL_ShowCursor(SDL_DISABLE);
        panel_dpi(a);
        console_graphics(a, drv);
        return video_ready(a, (int)a->fb_geom.width, (int)a->fb_geom.height, e);
    }
    int w = a->o.w, h = a->o.h;
    Uint32 flags = SDL_WINDOW_RESIZABLE;
    if (a->o.fullscreen || a->o.kiosk) {
        /* The display's own mode: no mode switch, no scaling. */
        SDL_DisplayMode dm;
        flags = SDL_WINDOW_FULLSCREEN_DESKTOP;
        if (SDL_GetDesktopDisplayMode(0, &dm) == 0) {
            w = dm.w;
            h = dm.h;
        }
        panel_dpi(a);
    }
    if (w <= 0 || h <= 0) {
        w = TUN_PANEL_W;
        h = TUN_PANEL_H;
    }
    a->win = SDL_CreateWindow("lectern", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, w, h, flags);
    if (!a->win) {
        lerr_set(e, "cannot open a %dx%d window: %s", w, h, SDL_GetError());
        return -1;
    }
    a->t_window = SDL_GetTicks64();
    if (a->o.kiosk) SDL_ShowCursor(SDL_DISABLE);
    console_graphics(a, drv);
    if (!(a->ren = window_renderer(a->win, e))) return -1;
    a->t_renderer = SDL_GetTicks64();
    SDL_GetRendererOutputSize(a->ren, &w, &h);
    return video_ready(a, w, h, e);
}

int app_set_panel(app *a, int pw, int ph, lerr *e)
{
    int w, h;
    platform_page_size(a->o.rotate, pw, ph, &w, &h);
    a->panel_w = pw;
    a->panel_h = ph;
    if (a->frame) SDL_DestroyTexture(a->frame);
    a->frame = NULL;
    if (a->o.rotate && a->ren && turn_setup(a, w, h, e)) return -1;
    if (!a->o.rotate && a->soft_gl[0] && a->ren) {
        /* A GL that rasterizes on the CPU (an emulator, a Pi without its
         * GPU driver) compiles each kind of draw into code, slowly: draw in
         * memory, and give GL one picture a frame. Without the memory for
         * it, GL draws everything after all. */
        snprintf(a->no_targets, sizeof a->no_targets, "GL is %s, a CPU rasterizer", a->soft_gl);
        if (canvas_open(a, w, h, e)) {
            fprintf(stderr, "lectern: %s\n", e->msg);
            a->no_targets[0] = 0;
        }
    }
    if (!a->dpi) a->dpi = page_guess_dpi(pw, ph);
    gesture_init(&a->g, (float)(w / a->dpi * 25.4), (float)(h / a->dpi * 25.4));
    a->dragging = 0;
    if (app_set_page_size(a, w, h, e)) return -1;
    screen_layout(a);
    a->dirty = 1;
    return 0;
}

render_page app_page_of(app *a, size_t page)
{
    return (render_page){&a->es, a->lr, page, (const uint8_t *)a->title, strlen(a->title),
                         a->theme, &a->geom, (uint32_t)a->essay_no};
}

/* ---- drawing -------------------------------------------------------------------------- */

static void draw_reading(app *a, float slide)
{
    lerr e;
    render_page pg = app_page_of(a, a->page);
    int w = a->geom.w, h = a->geom.h, off = (int)lroundf(slide);
    if (off > w) off = w;
    if (off < -w) off = -w;
    /* a copy from the page cache, or without render targets the page drawn */
    if (!a->rd || render_show_page(a->rd, &pg, off, 0, &e)) {
        fprintf(stderr, "lectern: %s\n", a->rd ? e.msg : "no fonts");
        screen_error_draw(a);
        return;
    }
    if (!off) return;
    /* The page beside it, where the finger is taking the reader. */
    size_t np = a->lr->npages;
    int has = off < 0 ? a->page + 1 < np : a->page > 0;
    SDL_Rect nb = {off < 0 ? off + w : off - w, 0, w, h};
    const render_theme *th = render_theme_at(a->theme);
    pg.page = off < 0 ? a->page + 1 : a->page - 1;
    if (!has || render_show_page(a->rd, &pg, nb.x, nb.y, &e)) render_fill(a->rd, nb.x, nb.y, nb.w, nb.h, th->bg);
    /* a hairline where the two sheets meet */
    render_fill(a->rd, off < 0 ? off + w - 1 : off, 0, 1, h, th->track);
}

/* Show what was drawn: turned from the frame texture or from the canvas,
 * else as it is. */
static void present(app *a)
{
    SDL_Renderer *out = a->out ? a->out : a->ren;
    SDL_Texture *turned = a->frame;
    if (a->out) {
        SDL_RenderFlush(a->ren); /* every queued draw is in the canvas's pixels */
        if (a->small) {
            SDL_BlitScaled(a->canvas, NULL, a->small, NULL);
            SDL_UpdateTexture(a->out_tex, NULL, a->small->pixels, a->small->pitch);
        } else {
            SDL_UpdateTexture(a->out_tex, NULL, a->canvas->pixels, a->canvas->pitch);
        }
        turned = a->out_tex;
        a->uploads++;
    }
    if (turned) {
        int x, y, w, h;
        platform_present_rect(a->o.rotate, a->panel_w, a->panel_h, &x, &y, &w, &h);
        SDL_Rect dst = {x, y, w, h};
        if (a->frame) SDL_SetRenderTarget(out, NULL);
        SDL_SetRenderDrawColor(out, 0, 0, 0, 255);
        SDL_RenderClear(out);
        SDL_RenderCopyEx(out, turned, NULL, &dst, a->o.rotate, NULL, SDL_FLIP_NONE);
    }
    SDL_RenderPresent(out);
    if (a->fb_on) fb_show(a);
}

int app_draw(app *a)
{
    if (!a->ren) return -1;
    if (a->frame && SDL_SetRenderTarget(a->ren, a->frame)) {
        /* The texture that turns the picture cannot be drawn into any more
         * (a lost device, a driver's limit): turn it in memory instead. */
        lerr e;
        snprintf(a->no_targets, sizeof a->no_targets, "the texture that turns the picture: %s", SDL_GetError());
        if (canvas_open(a, a->geom.w, a->geom.h, &e)) {
            /* not even that: an unturned picture is still better than none */
            fprintf(stderr, "lectern: %s; the picture is not turned\n", e.msg);
            SDL_DestroyTexture(a->frame);
            a->frame = NULL;
            if (a->rd) render_no_targets(a->rd, a->no_targets);
        }
    } else if (!a->frame && !a->no_targets[0]) {
        SDL_SetRenderTarget(a->ren, NULL);
    }
    if (a->rd) render_furniture_shift(a->rd, a->burn_dx, a->burn_dy); /* burn-in care (burnin.h) */
    switch (a->screen) {
    case APP_READING:
        draw_reading(a, app_slide_now(a));
        screen_page_overlay_draw(a);
        break;
    case APP_MENU:
        draw_reading(a, 0);
        screen_page_overlay_draw(a);
        screen_menu_draw(a);
        break;
    case APP_LIBRARY: screen_library_draw(a); break;
    case APP_CONTENTS: screen_contents_draw(a); break;
    case APP_END: screen_end_draw(a); break;
    case APP_ATTRACT: screen_attract_draw(a); break;
    case APP_ADMIN: screen_admin_draw(a); break;
    case APP_IMPORT: screen_import_draw(a); break;
    default: screen_error_draw(a); break;
    }
    if (a->rd) render_flush(a->rd);
    present(a);
    a->presented_pc = SDL_GetPerformanceCounter();
    a->dirty = 0;
    a->frames++;
    /* After the turn is on screen: its neighbours, so the next turn is a copy. */
    if (a->screen == APP_READING && !a->sliding && !a->dragging && a->rd && app_essay_is_open(a)) {
        lerr e;
        render_page pg = app_page_of(a, a->page);
        if (render_prefetch(a->rd, &pg, &e)) fprintf(stderr, "lectern: %s\n", e.msg);
    }
    tell_path(a); /* a render target may have failed in this frame */
    return 0;
}

SDL_Surface *app_panel_surface(app *a, lerr *e)
{
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, a->panel_w, a->panel_h, 24, SDL_PIXELFORMAT_RGB24);
    if (!s) {
        lerr_set(e, "out of memory for a %dx%d picture", a->panel_w, a->panel_h);
        return NULL;
    }
    SDL_Renderer *out = a->out ? a->out : a->ren;
    SDL_Rect panel = {0, 0, a->panel_w, a->panel_h}; /* not NULL: a bigger output would overrun s */
    if (!a->no_targets[0]) SDL_SetRenderTarget(out, NULL);
    if (SDL_RenderReadPixels(out, &panel, SDL_PIXELFORMAT_RGB24, s->pixels, s->pitch)) {
        lerr_set(e, "reading the screen back: %s", SDL_GetError());
        SDL_FreeSurface(s);
        return NULL;
    }
    return s;
}

/* ---- the live loop ---------------------------------------------------------------------- */

/* A display that appeared (or came back, or moved to another card) after
 * start: SDL 2.26's kmsdrm keeps what it started with, so the reader
 * starts again on it (the same program, in this process, as for new
 * settings: the reading place is saved on the way). Looked at every
 * TUN_DRM_SCAN_MS under kmsdrm; LECTERN_DRM_SYSFS (a fake tree) turns it
 * on for tests under any driver. */
static void display_poll(app *a)
{
    uint64_t now = SDL_GetTicks64();
    if (a->drm_on < 0) {
        const char *drv = SDL_GetCurrentVideoDriver(), *root = getenv("LECTERN_DRM_SYSFS");
        a->drm_on = (root && root[0]) || (drv && !strcasecmp(drv, "kmsdrm") && a->o.kiosk);
        a->drm_root = root && root[0] ? root : "/sys";
        memset(&a->drm, 0, sizeof a->drm);
        a->drm_checked = 0;
    }
    if (!a->drm_on || a->reexec || (a->drm_checked && now - a->drm_checked < TUN_DRM_SCAN_MS)) return;
    a->drm_checked = now ? now : 1;
    char msg[200];
    int card = -1;
    int again = platform_drm_watch_poll(&a->drm, a->drm_root, &card, msg, sizeof msg);
    if (!msg[0]) return;
    if (!again) {
        fprintf(stderr, "lectern: display: %s; waiting for one\n", msg);
        return;
    }
    fprintf(stderr, "lectern: display: %s; starting the video again on /dev/dri/card%d\n", msg, card);
    char idx[16];
    snprintf(idx, sizeof idx, "%d", card);
    setenv("SDL_KMSDRM_DEVICE_INDEX", idx, 1); /* what main's find_display would choose now */
    a->reexec = 1;
    app_request_quit(a, 1);
}

int app_run(app *a, volatile sig_atomic_t *stop)
{
    a->drm_on = -1;
    a->now = SDL_GetTicks64();
    a->last_input = a->now;
    app_draw(a);
    /* for scripts and tests: the first frame is up and input is taken; with
     * a window, how long start-up took, and where (the SDL clock starts at
     * SDL_Init, just after the configuration is read) */
    if (a->win || a->fb_on) {
        uint64_t t = SDL_GetTicks64();
        /* the clock the boot's timestamps use (systemd's ExecMainStart),
         * so that the time before SDL_Init shows too */
        struct timespec mono;
        clock_gettime(CLOCK_MONOTONIC, &mono);
        double now_s = (double)mono.tv_sec + mono.tv_nsec / 1e9;
        fprintf(stderr, "lectern: ready at %.2f s of the boot (CLOCK_MONOTONIC); SDL started at %.2f s\n", now_s,
                now_s - (double)t / 1000.0);
        fprintf(stderr, "lectern: start-up took %lu ms: video %lu, window %lu, renderer %lu, fonts, pages and the "
                "first frame %lu%s%s\n", (unsigned long)t, (unsigned long)(a->t_video - a->t_start),
                (unsigned long)(a->t_window - a->t_video), (unsigned long)(a->t_renderer - a->t_window),
                (unsigned long)(t - a->t_renderer), a->soft_gl[0] ? "; drawn in memory: GL is " : "", a->soft_gl);
    }
    fprintf(stderr, "lectern: ready\n");
    /* systemd (lectern.service, Type=notify): READY=1 now, then WATCHDOG=1
     * from this loop, so a reader that hangs or is stopped is restarted.
     * Not under systemd, both are no-ops. A failure is said once. */
    watchdog wd;
    lerr we;
    int wd_said = 0;
    if (watchdog_open(&wd, &we)) {
        fprintf(stderr, "lectern: watchdog: %s\n", we.msg);
        wd_said = 1;
    }
    while (!a->quit) {
        if (watchdog_tick(&wd, SDL_GetTicks64(), &we) && !wd_said) {
            fprintf(stderr, "lectern: watchdog: %s\n", we.msg);
            wd_said = 1;
        }
        if (stop && *stop) break;
        /* Sleep until an event, the next frame of an animation, or at most
         * a quarter second (SIGTERM, the idle timeout, the debounced save). */
        int wait = app_busy(a) ? 8 : app_fading(a) ? 16 : 250;
        SDL_Event ev;
        if (SDL_WaitEventTimeout(&ev, wait)) {
            do {
                a->now = SDL_GetTicks64();
                app_event(a, &ev);
            } while (!a->quit && SDL_PollEvent(&ev));
        }
        app_input_poll(a); /* panels SDL gets wrong (evabs.h) */
        display_poll(a);
        app_tick(a, SDL_GetTicks64());
        if (a->dirty && !a->quit) app_draw(a);
    }
    app_input_close(a);
    if (a->console_set) {
        a->console_set = 0;
        lerr ce;
        if (platform_console_mode(0, 0, &ce) < 0) fprintf(stderr, "lectern: %s\n", ce.msg);
    }
    app_leave(a);
    return 0;
}


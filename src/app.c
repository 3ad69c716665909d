/* app.c - the reader's state: pack, fonts, open essay, page, reading
 * positions; what it does with them (PNG pages, layout statistics) and the
 * screens' navigation, drawing and live loop. Input: app_input.c. */
#include "app.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <SDL2/SDL_image.h>

#include "app_pack.h"
#include "platform.h"
#include "screen.h"

static const double size_factor[APP_SIZE_STEPS] = {0.8, 0.9, 1.0, 1.12, 1.25, 1.4, 1.6};

/* ---- pack and fonts ---------------------------------------------------------- */

static int is_file(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

void app_find_pack(const char *given, char *buf, size_t n)
{
    const char *env = getenv("LECTERN_PACK");
    if (given || (env && *env)) {
        snprintf(buf, n, "%s", given ? given : env);
        return;
    }
    char exe[4096];
    ssize_t k = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (k > 0) {
        exe[k] = 0;
        char *slash = strrchr(exe, '/');
        if (slash) {
            snprintf(buf, n, "%.*s/default.lpk", (int)(slash - exe), exe);
            if (is_file(buf)) return;
        }
    }
    const char *cand[] = {LECTERN_DATADIR "/default.lpk", "/usr/share/lectern/default.lpk",
                          "build/host/default.lpk"};
    for (size_t i = 0; i < sizeof cand / sizeof cand[0]; i++) {
        snprintf(buf, n, "%s", cand[i]);
        if (is_file(buf)) return;
    }
}

int app_open(app *a, const app_opts *o, lerr *e)
{
    memset(a, 0, sizeof *a);
    a->o = *o;
    a->theme = o->theme;
    a->size_step = APP_SIZE_DEFAULT;
    a->lr = &a->no_layout;
    a->list_pos = -1;
    if (!(a->layouts = layout_cache_new(0))) {
        lerr_set(e, "out of memory");
        return -1;
    }
    app_find_pack(o->pack_path, a->pack_file, sizeof a->pack_file);
    if (app_pack_open(&a->pk, &a->pack_mem, a->pack_file, e)) return -1;
    if (pack_essays(a->pk) == 0) {
        lerr_set(e, "%s: the pack has no essays", a->pack_file);
        return -1;
    }
    if (font_open_pack(&a->fonts, a->pk, e)) {
        lerr_prefix(e, a->pack_file);
        return -1;
    }
    return 0;
}

/* ---- essays and layout ----------------------------------------------------------- */

static void close_essay(app *a)
{
    a->lr = &a->no_layout;
    essay_free(&a->es);
    free(a->text);
    a->text = NULL;
    a->text_len = 0;
    a->essay_no = 0;
    a->title[0] = 0;
    a->ntoc = 0;
}

/* Lay out the open essay for the current size and geometry. */
static int relayout(app *a, lerr *e)
{
    if (!a->essay_no || a->screen == APP_ERROR) return 0; /* nothing open, or only its number (error page) */
    layout_metrics m = font_metrics(a->fonts);
    layout_key k = {(uint32_t)a->essay_no, font_body_px(a->fonts), a->lp};
    const layout_result *old = a->lr, *now = layout_cache_get(a->layouts, &k, &a->es, &m, e);
    if (!now) {
        char pre[700];
        snprintf(pre, sizeof pre, "%.400s: essay %zu \xE2\x80\x9C%.200s\xE2\x80\x9D", a->pack_file, a->essay_no, a->title);
        lerr_prefix(e, pre);
        return -1;
    }
    /* Keep on screen the first character the reader saw when they last
     * turned a page, through any number of size changes: A+ then A- comes
     * back to the very same page. */
    if (old == &a->no_layout || !old->npages) a->anchor = 0;
    else if (old != a->anchor_lr || a->page != a->anchor_page) a->anchor = old->pages[a->page].text_start;
    a->page = layout_page_of(now, a->anchor);
    a->lr = a->anchor_lr = now;
    a->anchor_page = a->page;
    return 0;
}

static int apply_size(app *a, lerr *e)
{
    if (!a->fonts) return 0; /* the error page without any font: shapes only */
    int px = (int)lround(a->base_px * size_factor[a->size_step]);
    if (px < FONT_MIN_PX) px = FONT_MIN_PX;
    if (px > FONT_MAX_PX) px = FONT_MAX_PX;
    if (font_set_size(a->fonts, px, e)) return -1;
    render_geometry(a->fonts, a->geom.w, a->geom.h, &a->geom);
    if (a->o.margins_set) {
        /* margins = MM: the side margins exactly, no column cap (but at least four em of text) */
        int side = (int)lround(a->o.margins_mm * a->dpi / 25.4), tw = a->geom.w - 2 * side;
        if (tw < 4 * px) tw = a->geom.w > 4 * px ? 4 * px : a->geom.w;
        a->geom.text_w = tw;
        a->geom.text_x = (a->geom.w - tw) / 2;
    }
    a->lp = render_layout_params(a->fonts, &a->geom);
    screen_layout(a); /* the screens' text grows with the page's */
    /* the running title, centred on the text, keeps clear of the menu mark */
    int half = screen_page_control(a).r.x - a->ui.gap - (a->geom.text_x + a->geom.text_w / 2);
    if (2 * half < a->geom.title_w) a->geom.title_w = half > 0 ? 2 * half : 1;
    return relayout(a, e);
}

int app_set_page_size(app *a, int w, int h, lerr *e)
{
    if (w < 64 || h < 64 || w > 16384 || h > 16384) {
        lerr_set(e, "page size %dx%d is outside 64..16384 pixels", w, h);
        return -1;
    }
    if (!a->dpi) a->dpi = render_guess_dpi(w, h);
    a->base_px = a->o.font_px > 0 ? a->o.font_px
                                  : render_px_for_pt(a->o.font_pt > 0 ? a->o.font_pt : RENDER_DEFAULT_PT, a->dpi);
    a->geom.w = w;
    a->geom.h = h;
    return apply_size(a, e);
}

int app_set_size_step(app *a, int step, lerr *e)
{
    if (step < 0 || step >= APP_SIZE_STEPS) return 0;
    int old = a->size_step;
    a->size_step = step;
    if (apply_size(a, e)) {
        a->size_step = old;
        lerr dummy;
        apply_size(a, &dummy);
        return -1;
    }
    return 0;
}

int app_open_essay(app *a, size_t n, lerr *e)
{
    close_essay(a);
    size_t idx = pack_essay_index(a->pk, n);
    if (idx == (size_t)-1) {
        lerr_set(e, "%s: no essay %zu (the pack has %zu)", a->pack_file, n, pack_essays(a->pk));
        return -1;
    }
    const pack_entry *en = pack_entry_at(a->pk, idx);
    snprintf(a->title, sizeof a->title, "%.*s", (int)en->title_len, en->title);
    lerr pe;
    if (pack_read(a->pk, idx, &a->text, &a->text_len, &pe)) {
        lerr_set(e, "%s: %s", a->pack_file, pe.msg); /* pack_read names the essay */
        a->title[0] = 0;
        return -1;
    }
    if (essay_parse(a->text, a->text_len, &a->es, &pe)) {
        lerr_set(e, "%s: essay %zu \xE2\x80\x9C%s\xE2\x80\x9D is damaged: %s", a->pack_file, n, a->title, pe.msg);
        free(a->text);
        a->text = NULL;
        a->title[0] = 0;
        return -1;
    }
    a->essay_no = n;
    a->page = 0;
    if (relayout(a, e)) {
        close_essay(a);
        return -1;
    }
    return 0;
}

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
    SDL_Texture *tex = sw ? SDL_CreateTexture(out, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_STREAMING, w, h) : NULL;
    render *rd = NULL;
    if (!tex) lerr_set(e, "cannot draw a %dx%d picture in memory to turn it: %s", w, h, SDL_GetError());
    if (!tex || (a->fonts && render_create(&rd, sw, a->fonts, 0, 0, e))) {
        if (tex) SDL_DestroyTexture(tex);
        if (sw) SDL_DestroyRenderer(sw);
        if (cv) SDL_FreeSurface(cv);
        return -1;
    }
    SDL_SetTextureBlendMode(tex, SDL_BLENDMODE_NONE);
    render_destroy(a->rd);
    if (a->frame) SDL_DestroyTexture(a->frame);
    if (a->out) {
        SDL_DestroyTexture(a->out_tex);
        SDL_DestroyRenderer(a->ren);
        SDL_FreeSurface(a->canvas);
    }
    a->frame = NULL;
    a->rd = rd;
    a->ren = sw;
    a->canvas = cv;
    a->out = out;
    a->out_tex = tex;
    return 0;
}

/* rotate != 0: KMS cannot turn the picture by 90 degrees, so it is drawn
 * upright and turned when presented: into a target texture, or without
 * render targets in memory (canvas_open). */
static int turn_setup(app *a, int w, int h, lerr *e)
{
    if (!a->out && !a->no_targets[0]) {
        a->frame = SDL_CreateTexture(a->ren, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_TARGET, w, h);
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
                "and turned when shown\n", name, why, now);
}

/* The renderer is there (a->ren): fonts, the page and its way to the panel. */
static int video_ready(app *a, int pw, int ph, lerr *e)
{
    if (!SDL_RenderTargetSupported(a->ren))
        snprintf(a->no_targets, sizeof a->no_targets, "the %s renderer has no render targets", renderer_name(a->ren));
    else if (a->o.no_targets)
        snprintf(a->no_targets, sizeof a->no_targets, "render targets are turned off (LECTERN_NO_RENDER_TARGETS)");
    if (a->fonts && render_create(&a->rd, a->ren, a->fonts, 0, 0, e)) return -1;
    if (a->rd && a->no_targets[0]) render_no_targets(a->rd, a->no_targets);
    if (app_set_panel(a, pw, ph, e)) return -1;
    tell_path(a);
    return 0;
}

int app_video(app *a, int headless, lerr *e)
{
    if (headless) {
        /* No window at all: the software renderer drawing into a surface
         * needs no video driver, and skips the EGL/Mesa libraries that even
         * the offscreen driver loads (most of a cold start's time and RSS). */
        int w = a->o.w > 0 ? a->o.w : 800, h = a->o.h > 0 ? a->o.h : 480;
        a->surface = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
        a->ren = a->surface ? SDL_CreateSoftwareRenderer(a->surface) : NULL;
        if (!a->ren) {
            lerr_set(e, "cannot create a %dx%d software renderer: %s", w, h, SDL_GetError());
            return -1;
        }
        return video_ready(a, w, h, e);
    }
    if (SDL_InitSubSystem(SDL_INIT_VIDEO)) {
        const char *want = getenv("SDL_VIDEODRIVER");
        lerr_set(e, "cannot start video%s%s: %s", want ? " with SDL_VIDEODRIVER=" : "", want ? want : "", SDL_GetError());
        return -1;
    }
    /* With no display SDL falls back to its invisible offscreen driver: a
     * window nobody sees, waiting forever. Only when asked for explicitly. */
    const char *drv = SDL_GetCurrentVideoDriver();
    if (drv && (!strcmp(drv, "offscreen") || !strcmp(drv, "dummy")) && !getenv("SDL_VIDEODRIVER")) {
        lerr_set(e, "no display found (SDL chose its %s driver); use --screenshot DIR for PNG pages", drv);
        return -1;
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
        /* Fullscreen on the panel itself: believe its size in mm when
         * SDL knows it (96 is X's made-up default, not a measurement). */
        float ddpi = 0;
        if (SDL_GetDisplayDPI(0, &ddpi, NULL, NULL) == 0 && ddpi >= 50 && ddpi <= 600 && ddpi != 96.0f)
            a->dpi = ddpi;
    }
    if (w <= 0 || h <= 0) {
        w = 800;
        h = 480;
    }
    a->win = SDL_CreateWindow("lectern", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, w, h, flags);
    if (!a->win) {
        lerr_set(e, "cannot open a %dx%d window: %s", w, h, SDL_GetError());
        return -1;
    }
    if (a->o.kiosk) SDL_ShowCursor(SDL_DISABLE);
    if (!(a->ren = window_renderer(a->win, e))) return -1;
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
    if (!a->dpi) a->dpi = render_guess_dpi(pw, ph);
    gesture_init(&a->g, (float)(w / a->dpi * 25.4), (float)(h / a->dpi * 25.4));
    a->dragging = 0;
    if (app_set_page_size(a, w, h, e)) return -1;
    screen_layout(a);
    a->dirty = 1;
    return 0;
}

static render_page page_of(app *a, size_t page)
{
    return (render_page){&a->es, a->lr, page, (const uint8_t *)a->title, strlen(a->title),
                         a->theme, &a->geom, (uint32_t)a->essay_no};
}

/* ---- headless: PNG pages ---------------------------------------------------------- */

SDL_Surface *app_page_surface(app *a, size_t page, lerr *e)
{
    if (!a->rd) {
        lerr_set(e, "no fonts to draw a page with");
        return NULL;
    }
    render_page pg = page_of(a, page);
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, a->geom.w, a->geom.h, 24, SDL_PIXELFORMAT_RGB24);
    if (!s) {
        lerr_set(e, "out of memory for a %dx%d picture", a->geom.w, a->geom.h);
        return NULL;
    }
    SDL_Texture *t = render_targets(a->rd, NULL) ? render_page_to_texture(a->rd, &pg, e) : NULL;
    int rc;
    if (t) {
        rc = SDL_SetRenderTarget(a->ren, t) || SDL_RenderReadPixels(a->ren, NULL, SDL_PIXELFORMAT_RGB24, s->pixels, s->pitch);
        SDL_SetRenderTarget(a->ren, NULL);
        SDL_DestroyTexture(t);
    } else {
        /* No texture to draw it in: the screen itself (upright and at least
         * the page's size whenever there are no targets: rotate != 0 draws
         * on the canvas), read back before anything else is drawn there. */
        SDL_Rect r = {0, 0, a->geom.w, a->geom.h};
        if (render_show_page(a->rd, &pg, 0, 0, e)) {
            SDL_FreeSurface(s);
            return NULL;
        }
        rc = SDL_RenderReadPixels(a->ren, &r, SDL_PIXELFORMAT_RGB24, s->pixels, s->pitch);
        a->dirty = 1;
    }
    if (rc) {
        lerr_set(e, "reading the page back: %s", SDL_GetError());
        SDL_FreeSurface(s);
        s = NULL;
    }
    return s;
}

static int save_page(app *a, const char *dir, size_t page, lerr *e)
{
    SDL_Surface *s = app_page_surface(a, page, e);
    if (!s) return -1;
    char path[4200];
    int rc = 0;
    snprintf(path, sizeof path, "%s/essay%zu-page%03zu.png", dir, a->essay_no, page + 1);
    if (IMG_SavePNG(s, path)) {
        lerr_set(e, "%s: cannot write: %s", path, IMG_GetError());
        rc = -1;
    } else {
        printf("%s\n", path);
    }
    SDL_FreeSurface(s);
    return rc;
}

int app_screenshot(app *a, const char *dir, size_t page, lerr *e)
{
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        lerr_set(e, "%s: cannot create directory: %s", dir, strerror(errno));
        return -1;
    }
    size_t np = a->lr->npages;
    if (page > np) {
        lerr_set(e, "essay %zu \xE2\x80\x9C%s\xE2\x80\x9D has %zu page%s at %dx%d; there is no page %zu", a->essay_no,
                 a->title, np, np == 1 ? "" : "s", a->geom.w, a->geom.h, page);
        return -1;
    }
    size_t from = page ? page - 1 : 0, to = page ? page : np;
    for (size_t p = from; p < to; p++)
        if (save_page(a, dir, p, e)) return -1;
    return 0;
}

int app_screenshot_library(app *a, const char *dir, lerr *e)
{
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        lerr_set(e, "%s: cannot create directory: %s", dir, strerror(errno));
        return -1;
    }
    if (!a->list) {
        lerr_set(e, "no library to draw");
        return -1;
    }
    if (app_draw(a)) {
        lerr_set(e, "cannot draw the library");
        return -1;
    }
    SDL_Surface *s = app_panel_surface(a, e);
    if (!s) return -1;
    char path[4200];
    int rc = 0;
    snprintf(path, sizeof path, "%s/library.png", dir);
    if (IMG_SavePNG(s, path)) {
        lerr_set(e, "%s: cannot write: %s", path, IMG_GetError());
        rc = -1;
    } else {
        printf("%s\n", path);
    }
    SDL_FreeSurface(s);
    return rc;
}

/* ---- headless: layout statistics -------------------------------------------------- */

int app_layout_stats(app *a, FILE *out)
{
    size_t n = pack_essays(a->pk), pages = 0, lines = 0, hyph = 0, over = 0, bad = 0;
    double maxs = 0;
    fprintf(out, "# pack=%s size=%dx%d body=%dpx dpi=%.0f font=\"%s\"\n", a->pack_file, a->geom.w, a->geom.h,
            font_body_px(a->fonts), a->dpi, font_role_name(a->fonts, LAYOUT_BODY));
    for (size_t i = 1; i <= n; i++) {
        lerr e;
        if (app_open_essay(a, i, &e)) {
            fprintf(stderr, "lectern: %s\n", e.msg);
            fprintf(out, "essay=%zu error=damaged\n", i);
            bad++;
            continue;
        }
        const layout_result *r = a->lr;
        fprintf(out, "essay=%zu pages=%zu lines=%zu hyphenated=%zu max_stretch=%.2f over_1_5=%zu title=\"%s\"\n", i,
                r->npages, r->nlines, r->hyphenated, r->max_stretch, r->over_1_5, a->title);
        pages += r->npages;
        lines += r->nlines;
        hyph += r->hyphenated;
        over += r->over_1_5;
        if (r->max_stretch > maxs) maxs = r->max_stretch;
    }
    fprintf(out, "total essays=%zu pages=%zu lines=%zu hyphenated=%zu max_stretch=%.2f over_1_5=%zu damaged=%zu\n", n,
            pages, lines, hyph, maxs, over, bad);
    return bad ? 1 : 0;
}

/* ---- fonts when the pack cannot be opened ------------------------------------------ */

void app_open_failed(app *a, const app_opts *o, const char *why)
{
    /* Keep a failed app_open's pack path for messages, drop the rest. */
    char file[sizeof a->pack_file];
    snprintf(file, sizeof file, "%s", a->pack_file);
    app_close(a);
    a->o = *o;
    snprintf(a->pack_file, sizeof a->pack_file, "%s", file);
    a->theme = o->theme;
    a->size_step = APP_SIZE_DEFAULT;
    a->lr = &a->no_layout;
    a->list_pos = -1;
    a->layouts = layout_cache_new(0);
    a->screen = APP_ERROR;
    a->error_kind = APP_ERR_NOPACK;
    snprintf(a->error, sizeof a->error, "%s", why);
    /* The pack brings the fonts; without it, any common system face will do
     * for a few plain words. Without any, the page is drawn with shapes. */
    static const char *const faces[] = {
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
        "/usr/share/fonts/truetype/freefont/FreeSans.ttf",
        "/usr/share/fonts/truetype/charis/CharisSIL-Regular.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
    };
    for (size_t i = 0; i < sizeof faces / sizeof faces[0] && !a->fonts; i++) {
        uint16_t flags = 0;
        lerr e;
        if (is_file(faces[i])) font_open_files(&a->fonts, &faces[i], &flags, 1, &e);
    }
}

/* ---- reading positions ------------------------------------------------------------ */

static const pack_entry *entry_of(const app *a, size_t n)
{
    size_t i = a->pk ? pack_essay_index(a->pk, n) : (size_t)-1;
    return i == (size_t)-1 ? NULL : pack_entry_at(a->pk, i);
}

static int essay_open(const app *a)
{
    return a->essay_no && a->screen != APP_ERROR && a->lr != &a->no_layout && a->lr->npages;
}

/* Note where the open essay is: the sentence at the top of the page, or
 * its end once the reader reached the end page. In memory; saved later. */
static void remember(app *a)
{
    if (!a->st || !essay_open(a)) return;
    const pack_entry *en = entry_of(a, a->essay_no);
    if (!en) return;
    size_t p = a->page < a->lr->npages ? a->page : a->lr->npages - 1;
    /* the first page is the start (0: the library shows it as not begun) */
    uint32_t off = a->screen == APP_END ? (uint32_t)a->es.size
                   : p == 0             ? 0
                                        : layout_sentence_start(&a->es, a->lr->pages[p].text_start);
    if (state_set(a->st, (uint32_t)a->essay_no, en->data_xxh3, off) == STATE_OK) {
        a->st_pending = 1;
        a->st_changed = a->now;
    }
}

static void persist(app *a)
{
    if (!a->st) return;
    lerr e;
    e.msg[0] = 0;
    if (state_save(a->st, &e) == STATE_MEMORY && e.msg[0]) fprintf(stderr, "lectern: %s\n", e.msg);
    a->st_pending = 0;
}

void app_leave(app *a)
{
    remember(a);
    persist(a);
}

/* The page to resume on at `off`, a saved sentence start: the first page
 * whose top lies in that sentence (so the same page at the same size), or
 * the page where the sentence begins. */
static size_t resume_page(const app *a, uint32_t off)
{
    const layout_result *r = a->lr;
    if (!r->npages || off >= a->es.size) return 0; /* finished: from the start */
    size_t p = layout_page_of(r, off);
    for (size_t q = p; q < r->npages && q <= p + 1; q++)
        if (layout_sentence_start(&a->es, r->pages[q].text_start) == off) return q;
    return p;
}

/* ---- navigation ------------------------------------------------------------------- */

static void still(app *a)
{
    a->slide = 0;
    a->sliding = 0;
    a->dragging = 0;
    a->dirty = 1;
}

void app_show_essay(app *a, size_t n)
{
    lerr e;
    still(a);
    a->screen = APP_READING;
    a->list_pos = -1;
    for (size_t i = 0; i < a->nlist; i++)
        if (a->list[i] == n) {
            a->list_pos = (long)i;
            break;
        }
    if (app_open_essay(a, n, &e)) {
        fprintf(stderr, "lectern: %s\n", e.msg);
        snprintf(a->error, sizeof a->error, "%s", e.msg);
        a->screen = APP_ERROR;
        a->error_kind = APP_ERR_ESSAY;
        a->essay_no = n; /* so that Next is the one after it */
        return;
    }
    uint32_t off;
    const pack_entry *en = entry_of(a, n);
    if (a->st && en && state_get(a->st, (uint32_t)n, en->data_xxh3, &off)) a->page = resume_page(a, off);
    if (!a->hint_done) a->hint = APP_HINT_SHOW; /* the first page this visitor sees */
    /* the headings, for the contents */
    size_t nh = 0;
    for (size_t i = 0; i < a->es.nblocks; i++) nh += a->es.blocks[i].kind == ESSAY_HEADING;
    uint32_t *t = nh ? realloc(a->toc_blocks, nh * sizeof *t) : a->toc_blocks;
    if (t) {
        a->toc_blocks = t;
        for (size_t i = 0; i < a->es.nblocks; i++)
            if (a->es.blocks[i].kind == ESSAY_HEADING) t[a->ntoc++] = (uint32_t)i;
    }
    a->toc.scroll = 0;
}

void app_go_library(app *a)
{
    app_leave(a);
    close_essay(a);
    still(a);
    a->screen = APP_LIBRARY;
    a->list_pos = -1;
    a->hint = APP_HINT_NONE;
}

void app_open_from_list(app *a, size_t index)
{
    if (index >= a->nlist) return;
    app_leave(a);
    app_show_essay(a, a->list[index]);
}

void app_next_essay(app *a)
{
    if (!a->nlist) {
        app_go_library(a);
        return;
    }
    /* after the last, the first: a kiosk has no dead end */
    size_t next = a->list_pos >= 0 ? ((size_t)a->list_pos + 1) % a->nlist : 0;
    app_open_from_list(a, next);
}

void app_turn(app *a, int d)
{
    if (!essay_open(a)) return;
    if (a->screen == APP_END) {
        if (d < 0) app_back_from_end(a);
        else app_next_essay(a);
        return;
    }
    if (a->screen != APP_READING) return;
    if (d > 0 && a->page + 1 < a->lr->npages) a->page++;
    else if (d > 0) a->screen = APP_END;
    else if (d < 0 && a->page > 0) a->page--;
    else return;
    still(a);
    remember(a);
    if (a->hint == APP_HINT_SHOW) { /* the first turn: the visitor knows how */
        a->hint = APP_HINT_FADING;
        a->hint_t0 = a->now;
        a->hint_done = 1;
    }
}

void app_goto_page(app *a, size_t page)
{
    if (!essay_open(a)) return;
    a->page = page < a->lr->npages ? page : a->lr->npages - 1;
    a->screen = APP_READING;
    still(a);
    remember(a);
}

void app_back_from_end(app *a)
{
    if (!essay_open(a)) return;
    app_goto_page(a, a->lr->npages - 1);
}

void app_open_menu(app *a)
{
    if (a->screen != APP_READING || !essay_open(a)) return;
    still(a);
    a->screen = APP_MENU;
}

void app_set_theme(app *a, int theme)
{
    if (theme < 0 || theme >= RENDER_NTHEMES) return;
    a->theme = theme;
    a->dirty = 1;
}

void app_change_size(app *a, int d)
{
    lerr e;
    int step = a->size_step + d;
    if (step < 0 || step >= APP_SIZE_STEPS) return;
    if (app_set_size_step(a, step, &e)) fprintf(stderr, "lectern: %s\n", e.msg);
    a->dirty = 1;
}

void app_request_quit(app *a, int force)
{
    if (a->o.kiosk && !force) return;
    a->quit = 1;
}

void app_back(app *a)
{
    if (a->o.kiosk) return; /* a visitor's keyboard changes nothing */
    switch (a->screen) {
    case APP_MENU:
    case APP_CONTENTS:
        a->screen = APP_READING;
        a->dirty = 1;
        break;
    case APP_READING:
    case APP_END: app_go_library(a); break;
    case APP_ERROR:
        if (a->error_kind == APP_ERR_ESSAY && a->nlist) app_go_library(a);
        else app_request_quit(a, 0);
        break;
    default: app_request_quit(a, 0); break; /* the library: the way out */
    }
}

int app_hint_shown(const app *a) { return app_hint_alpha(a) > 0; }

float app_hint_alpha(const app *a)
{
    if (a->screen != APP_READING || a->hint == APP_HINT_NONE) return 0;
    if (a->hint == APP_HINT_SHOW) return 1;
    uint64_t t = a->now - a->hint_t0;
    return t >= APP_HINT_FADE_MS ? 0 : 1 - (float)t / APP_HINT_FADE_MS;
}

/* ---- start-up ------------------------------------------------------------------------ */

void app_start(app *a)
{
    a->last_input = a->now;
    a->dirty = 1;
    if (!a->pk) return; /* the error page about the pack is all there is */
    lerr e;
    e.msg[0] = 0;
    int r = state_open(&a->st, a->o.state_dir, a->o.state_on && a->o.state_dir, &e);
    if (r < 0) fprintf(stderr, "lectern: out of memory for reading positions\n");
    else if (r > 0 && a->o.state_dir && e.msg[0]) fprintf(stderr, "lectern: %s\n", e.msg);

    uint32_t count = (uint32_t)pack_essays(a->pk);
    size_t n = a->o.cfg ? config_essay_list(a->o.cfg, count, NULL, 0) : count;
    if (n == 0) {
        fprintf(stderr, "lectern: essays: none of the essays chosen is in %s (it has %u); showing them all\n",
                a->pack_file, count);
        n = count;
    }
    free(a->list);
    a->list = malloc((n ? n : 1) * sizeof *a->list);
    if (!a->list) {
        fprintf(stderr, "lectern: out of memory for the library\n");
        return;
    }
    if (a->o.cfg && config_essay_list(a->o.cfg, count, a->list, n) == n) a->nlist = n;
    else
        for (a->nlist = 0; a->nlist < n; a->nlist++) a->list[a->nlist] = (uint32_t)a->nlist + 1;

    a->screen = APP_LIBRARY;
    if (a->o.start && a->o.start > count)
        fprintf(stderr, "lectern: start = %u: %s has %u essay%s; showing the library\n", a->o.start, a->pack_file,
                count, count == 1 ? "" : "s");
    else if (a->o.start)
        app_show_essay(a, a->o.start);
}

/* ---- time ---------------------------------------------------------------------------- */

float app_slide_now(const app *a)
{
    if (!a->sliding) return a->slide;
    double u = (double)(a->now - a->slide_t0) / APP_SLIDE_MS;
    if (u >= 1) return 0;
    double k = 1 - u;
    return (float)(a->slide_from * k * k * k); /* ease out: fast at first, settling gently */
}

void app_slide_to_rest(app *a, float from)
{
    a->dragging = 0;
    a->slide = 0;
    a->slide_from = from;
    a->slide_t0 = a->now;
    a->sliding = from != 0;
    a->dirty = 1;
}

static void idle_reset(app *a)
{
    lerr e;
    app_go_library(a);
    a->lib.scroll = 0;
    gesture_inertia_stop(&a->lib.in);
    gesture_inertia_stop(&a->toc.in);
    gesture_reset(&a->g);
    a->admin_step = 0;
    if (a->size_step != APP_SIZE_DEFAULT && app_set_size_step(a, APP_SIZE_DEFAULT, &e))
        fprintf(stderr, "lectern: %s\n", e.msg);
    a->theme = a->o.theme;
    a->hint = APP_HINT_NONE;
    a->hint_done = 0; /* the next visitor gets the hint again */
    a->idle_done = 1;
    a->dirty = 1;
}

static void coast(app *a, app_list *l, double max)
{
    if (!gesture_inertia_active(&l->in)) return;
    l->in.hi = max; /* the list may have been resized */
    l->scroll = gesture_inertia_step(&l->in, (double)(a->now - l->t));
    l->t = a->now;
    a->dirty = 1;
}

void app_tick(app *a, uint64_t now)
{
    if (now > a->now) a->now = now;
    if (gesture_busy(&a->g)) {
        gesture_event ev[GESTURE_MAX_EVENTS];
        int n = gesture_tick(&a->g, a->now, ev);
        if (n) app_gesture_events(a, ev, n);
    }
    if (a->sliding) {
        if (a->now - a->slide_t0 >= APP_SLIDE_MS) {
            a->sliding = 0;
            a->slide = 0;
        }
        a->dirty = 1;
    }
    if (a->hint == APP_HINT_FADING) {
        if (a->now - a->hint_t0 >= APP_HINT_FADE_MS) a->hint = APP_HINT_NONE;
        a->dirty = 1;
    }
    if (a->screen == APP_LIBRARY) coast(a, &a->lib, screen_library_max(a));
    if (a->screen == APP_CONTENTS) coast(a, &a->toc, screen_contents_max(a));
    if (a->o.idle_s && !a->idle_done && a->pk && a->now - a->last_input >= (uint64_t)a->o.idle_s * 1000)
        idle_reset(a);
    if (a->st_pending && a->now - a->st_changed >= APP_SAVE_AFTER_MS) persist(a);
}

int app_busy(const app *a)
{
    return gesture_busy(&a->g) || a->sliding || a->hint == APP_HINT_FADING || gesture_inertia_active(&a->lib.in) ||
           gesture_inertia_active(&a->toc.in);
}

/* ---- drawing -------------------------------------------------------------------------- */

static void draw_reading(app *a, float slide)
{
    lerr e;
    render_page pg = page_of(a, a->page);
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
        SDL_UpdateTexture(a->out_tex, NULL, a->canvas->pixels, a->canvas->pitch);
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
    default: screen_error_draw(a); break;
    }
    if (a->rd) render_flush(a->rd);
    present(a);
    a->presented_pc = SDL_GetPerformanceCounter();
    a->dirty = 0;
    a->frames++;
    /* After the turn is on screen: its neighbours, so the next turn is a copy. */
    if (a->screen == APP_READING && !a->sliding && !a->dragging && a->rd && essay_open(a)) {
        lerr e;
        render_page pg = page_of(a, a->page);
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

int app_run(app *a, volatile sig_atomic_t *stop)
{
    a->now = SDL_GetTicks64();
    a->last_input = a->now;
    app_draw(a);
    /* for scripts and tests: the first frame is up and input is taken */
    fprintf(stderr, "lectern: ready\n");
    while (!a->quit) {
        if (stop && *stop) break;
        /* Sleep until an event, the next frame of an animation, or at most
         * a quarter second (SIGTERM, the idle timeout, the debounced save). */
        int wait = app_busy(a) ? 8 : 250;
        SDL_Event ev;
        if (SDL_WaitEventTimeout(&ev, wait)) {
            do {
                a->now = SDL_GetTicks64();
                app_event(a, &ev);
            } while (!a->quit && SDL_PollEvent(&ev));
        }
        app_tick(a, SDL_GetTicks64());
        if (a->dirty && !a->quit) app_draw(a);
    }
    app_leave(a);
    return 0;
}

/* ---- for replays and tests ---------------------------------------------------------------- */

int app_screen_id(const app *a)
{
    switch (a->screen) {
    case APP_READING: return REPLAY_SCREEN_READING;
    case APP_LIBRARY: return REPLAY_SCREEN_LIBRARY;
    case APP_MENU: return REPLAY_SCREEN_MENU;
    case APP_CONTENTS: return REPLAY_SCREEN_CONTENTS;
    case APP_END: return REPLAY_SCREEN_END;
    default: return REPLAY_SCREEN_ERROR;
    }
}

int app_size_delta(const app *a) { return a->size_step - APP_SIZE_DEFAULT; }

uint32_t app_first_card(const app *a)
{
    if (a->screen != APP_LIBRARY || !a->nlist) return 0;
    size_t i = screen_library_first(a);
    return i < a->nlist ? a->list[i] : 0;
}

void app_close(app *a)
{
    close_essay(a);
    free(a->toc_blocks);
    free(a->list);
    state_close(a->st);
    render_destroy(a->rd);
    if (a->frame) SDL_DestroyTexture(a->frame);
    if (a->out_tex) SDL_DestroyTexture(a->out_tex);
    if (a->ren) SDL_DestroyRenderer(a->ren);
    if (a->canvas) SDL_FreeSurface(a->canvas);
    if (a->out) SDL_DestroyRenderer(a->out);
    if (a->win) SDL_DestroyWindow(a->win);
    if (a->surface) SDL_FreeSurface(a->surface);
    font_close(a->fonts);
    layout_cache_free(a->layouts);
    pack_close(a->pk);
    free(a->pack_mem); /* after the pack that borrows it */
    memset(a, 0, sizeof *a);
}

/* app.c - the reader's state: pack, fonts, open essay, page; and the three
 * things it does with them (PNG pages, layout statistics, a window). */
#include "app.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <SDL2/SDL_image.h>

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
    if (!(a->layouts = layout_cache_new(0))) {
        lerr_set(e, "out of memory");
        return -1;
    }
    app_find_pack(o->pack_path, a->pack_file, sizeof a->pack_file);
    if (pack_open(&a->pk, a->pack_file, e)) return -1;
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
    int px = (int)lround(a->base_px * size_factor[a->size_step]);
    if (px < FONT_MIN_PX) px = FONT_MIN_PX;
    if (px > FONT_MAX_PX) px = FONT_MAX_PX;
    if (font_set_size(a->fonts, px, e)) return -1;
    render_geometry(a->fonts, a->geom.w, a->geom.h, &a->geom);
    a->lp = render_layout_params(a->fonts, &a->geom);
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
        if (render_create(&a->rd, a->ren, a->fonts, 0, 0, e)) return -1;
        return app_set_page_size(a, w, h, e);
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
    Uint32 flags = headless ? SDL_WINDOW_HIDDEN : SDL_WINDOW_RESIZABLE;
    if (!headless && a->o.fullscreen) {
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
    a->ren = SDL_CreateRenderer(a->win, -1, SDL_RENDERER_TARGETTEXTURE | (headless ? SDL_RENDERER_SOFTWARE : 0));
    if (!a->ren) a->ren = SDL_CreateRenderer(a->win, -1, SDL_RENDERER_SOFTWARE | SDL_RENDERER_TARGETTEXTURE);
    if (!a->ren) {
        lerr_set(e, "cannot create a renderer: %s", SDL_GetError());
        return -1;
    }
    SDL_GetRendererOutputSize(a->ren, &w, &h);
    if (render_create(&a->rd, a->ren, a->fonts, 0, 0, e)) return -1;
    return app_set_page_size(a, w, h, e);
}

static render_page page_of(app *a, size_t page)
{
    return (render_page){&a->es, a->lr, page, (const uint8_t *)a->title, strlen(a->title),
                         a->theme, &a->geom, (uint32_t)a->essay_no};
}

/* ---- headless: PNG pages ---------------------------------------------------------- */

SDL_Surface *app_page_surface(app *a, size_t page, lerr *e)
{
    render_page pg = page_of(a, page);
    SDL_Texture *t = render_page_to_texture(a->rd, &pg, e);
    if (!t) return NULL;
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, a->geom.w, a->geom.h, 24, SDL_PIXELFORMAT_RGB24);
    if (!s) {
        lerr_set(e, "out of memory for a %dx%d picture", a->geom.w, a->geom.h);
    } else if (SDL_SetRenderTarget(a->ren, t) ||
               SDL_RenderReadPixels(a->ren, NULL, SDL_PIXELFORMAT_RGB24, s->pixels, s->pitch)) {
        lerr_set(e, "reading the page back: %s", SDL_GetError());
        SDL_FreeSurface(s);
        s = NULL;
    }
    SDL_SetRenderTarget(a->ren, NULL);
    SDL_DestroyTexture(t);
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

/* ---- the window --------------------------------------------------------------------- */

static void draw_error(app *a)
{
    const render_theme *th = render_theme_at(a->theme);
    SDL_SetRenderDrawColor(a->ren, th->bg.r, th->bg.g, th->bg.b, 255);
    SDL_RenderClear(a->ren);
    static const char l1[] = "This essay cannot be shown.", l2[] = "Turn the page for the next one.";
    int y = a->geom.h / 2;
    int32_t w1 = render_text_width(a->rd, LAYOUT_H2, (const uint8_t *)l1, sizeof l1 - 1);
    int32_t w2 = render_text_width(a->rd, LAYOUT_BODY, (const uint8_t *)l2, sizeof l2 - 1);
    render_text(a->rd, LAYOUT_H2, (const uint8_t *)l1, sizeof l1 - 1, (a->geom.w - w1 / 64) / 2, y, th->ink);
    render_text(a->rd, LAYOUT_BODY, (const uint8_t *)l2, sizeof l2 - 1, (a->geom.w - w2 / 64) / 2,
                y + font_role_px(a->fonts, LAYOUT_BODY) * 2, th->muted);
    render_flush(a->rd);
}

static void draw(app *a)
{
    lerr e;
    SDL_SetRenderTarget(a->ren, NULL);
    if (a->screen == APP_READING && a->lr->npages) {
        render_page pg = page_of(a, a->page);
        SDL_Texture *t = render_cached_page(a->rd, &pg, &e);
        if (t) {
            SDL_RenderCopy(a->ren, t, NULL, NULL);
            SDL_RenderPresent(a->ren);
            if (render_prefetch(a->rd, &pg, &e)) fprintf(stderr, "lectern: %s\n", e.msg);
            return;
        }
        fprintf(stderr, "lectern: %s\n", e.msg);
    }
    draw_error(a);
    SDL_RenderPresent(a->ren);
}

void app_show_essay(app *a, size_t n)
{
    lerr e;
    a->screen = APP_READING;
    if (app_open_essay(a, n, &e)) {
        fprintf(stderr, "lectern: %s\n", e.msg);
        snprintf(a->error, sizeof a->error, "%s", e.msg);
        a->screen = APP_ERROR;
        a->essay_no = n; /* so that the next essay is n + 1 */
    }
}

static void turn(app *a, int d)
{
    size_t ne = pack_essays(a->pk), n = a->essay_no;
    if (a->screen == APP_READING && d > 0 && a->page + 1 < a->lr->npages) a->page++;
    else if (a->screen == APP_READING && d < 0 && a->page > 0) a->page--;
    else if (d > 0 && n < ne) app_show_essay(a, n + 1);
    else if (d < 0 && n > 1) {
        app_show_essay(a, n - 1);
        if (a->screen == APP_READING && a->lr->npages) a->page = a->lr->npages - 1;
    }
}

static void key(app *a, SDL_Keycode k)
{
    lerr e;
    switch (k) {
    case SDLK_ESCAPE: case SDLK_q: a->quit = 1; break;
    case SDLK_RIGHT: case SDLK_DOWN: case SDLK_PAGEDOWN: case SDLK_SPACE: turn(a, 1); break;
    case SDLK_LEFT: case SDLK_UP: case SDLK_PAGEUP: case SDLK_BACKSPACE: turn(a, -1); break;
    case SDLK_HOME: a->page = 0; break;
    case SDLK_END: if (a->lr->npages) a->page = a->lr->npages - 1; break;
    case SDLK_PLUS: case SDLK_EQUALS: case SDLK_KP_PLUS:
    case SDLK_MINUS: case SDLK_KP_MINUS: {
        int up = k == SDLK_PLUS || k == SDLK_EQUALS || k == SDLK_KP_PLUS;
        if (app_set_size_step(a, a->size_step + (up ? 1 : -1), &e)) fprintf(stderr, "lectern: %s\n", e.msg);
        break;
    }
    case SDLK_t: a->theme = (a->theme + 1) % RENDER_NTHEMES; break;
    default: break;
    }
}

int app_run(app *a)
{
    draw(a);
    SDL_Event ev;
    while (!a->quit && SDL_WaitEvent(&ev)) {
        int redraw = 0;
        switch (ev.type) {
        case SDL_QUIT: a->quit = 1; break;
        case SDL_KEYDOWN: key(a, ev.key.keysym.sym); redraw = 1; break;
        case SDL_WINDOWEVENT:
            if (ev.window.event == SDL_WINDOWEVENT_SIZE_CHANGED) {
                int w, h;
                lerr e;
                SDL_GetRendererOutputSize(a->ren, &w, &h);
                if (app_set_page_size(a, w, h, &e)) fprintf(stderr, "lectern: %s\n", e.msg);
            }
            redraw = 1;
            break;
        case SDL_RENDER_TARGETS_RESET: case SDL_RENDER_DEVICE_RESET:
            render_cache_clear(a->rd);
            redraw = 1;
            break;
        default: break;
        }
        if (redraw && !a->quit) draw(a);
    }
    return 0;
}

void app_close(app *a)
{
    close_essay(a);
    render_destroy(a->rd);
    if (a->ren) SDL_DestroyRenderer(a->ren);
    if (a->win) SDL_DestroyWindow(a->win);
    if (a->surface) SDL_FreeSurface(a->surface);
    font_close(a->fonts);
    layout_cache_free(a->layouts);
    pack_close(a->pk);
    memset(a, 0, sizeof *a);
}

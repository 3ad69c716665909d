/* test_render_fallback.c - the reader without render targets, headless
 * (software renderer) on the default pack at 800x480. Targets are forced
 * off as LECTERN_NO_RENDER_TARGETS does (app_opts.no_targets), or made to
 * fail at run time by the stand-ins for SDL_CreateTexture and
 * SDL_SetRenderTarget below. Each case draws the same screens with and
 * without targets and compares the panels pixel for pixel:
 *   - pages of three essays, a page dragged half-way either way (two pages
 *     side by side), a page sliding home after a swipe, the menu over a
 *     page, the library, and a page written as a PNG would be;
 *   - rotate 90 and 180, where without targets the picture is drawn in
 *     memory and turned;
 *   - targets that stop working after the first pages (creation refused,
 *     or a texture that cannot be drawn into), plain and turned.
 * Each also checks that the fallback really ran: the path the reader
 * reports, its counters, and no target texture made or drawn into on the
 * renderer that has "none". */
#define _GNU_SOURCE /* RTLD_NEXT */
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

#include <SDL2/SDL.h>
#include <SDL2/SDL_image.h>
#include <SDL2/SDL_ttf.h>

#include "app.h"
#include "platform.h"
#include "t.h"

/* ---- stand-ins for two SDL calls ---------------------------------------------------
 * The reader's code is linked into this program, so its calls come here;
 * SDL's own internal calls do not. For `watched`, count target textures
 * made and set, and refuse them as `refuse` says. */
enum { REFUSE_CREATE = 1, REFUSE_SET = 2 };
static struct {
    SDL_Renderer *watched;
    int refuse;
    int made, set; /* on `watched`: target textures created, set as the target */
} sdl_spy;

SDL_Texture *SDL_CreateTexture(SDL_Renderer *r, Uint32 format, int access, int w, int h)
{
    static SDL_Texture *(*real)(SDL_Renderer *, Uint32, int, int, int);
    if (!real) *(void **)&real = dlsym(RTLD_NEXT, "SDL_CreateTexture");
    if (r && r == sdl_spy.watched && access == SDL_TEXTUREACCESS_TARGET) {
        sdl_spy.made++;
        if (sdl_spy.refuse & REFUSE_CREATE) {
            SDL_SetError("test: no more target textures");
            return NULL;
        }
    }
    return real(r, format, access, w, h);
}

int SDL_SetRenderTarget(SDL_Renderer *r, SDL_Texture *t)
{
    static int (*real)(SDL_Renderer *, SDL_Texture *);
    if (!real) *(void **)&real = dlsym(RTLD_NEXT, "SDL_SetRenderTarget");
    if (r && r == sdl_spy.watched && t) {
        sdl_spy.set++;
        if (sdl_spy.refuse & REFUSE_SET) return SDL_SetError("test: the target texture is lost");
    }
    return real(r, t);
}

static void spy_on(SDL_Renderer *r, int refuse)
{
    sdl_spy.watched = r;
    sdl_spy.refuse = refuse;
    sdl_spy.made = sdl_spy.set = 0;
}

/* ---- two readers, one with targets and one without ---------------------------------- */

static int open_app(app *a, int rotate, int no_targets)
{
    app_opts o;
    memset(&o, 0, sizeof o);
    o.pack_path = t_build("default.lpk");
    o.w = 800;
    o.h = 480;
    o.rotate = rotate;
    o.no_targets = no_targets;
    lerr e;
    if (app_open(a, &o, &e) || app_video(a, 1, &e)) {
        fprintf(stderr, "  setup rotate %d, no_targets %d: %s\n", rotate, no_targets, e.msg);
        app_close(a);
        return -1;
    }
    app_start(a);
    return 0;
}

/* The panel as it is shown now (after app_draw), RGB24; NULL on failure. */
static SDL_Surface *panel(app *a)
{
    lerr e;
    app_draw(a);
    SDL_Surface *s = app_panel_surface(a, &e);
    CHECKF(s != NULL, "reading the panel: %s", e.msg);
    return s;
}

/* Pixels that differ between two RGB24 pictures of the same size (all of
 * them when one is missing or the sizes differ). */
static long differ(const SDL_Surface *p, const SDL_Surface *q)
{
    if (!p || !q || p->w != q->w || p->h != q->h) return -1;
    long n = 0;
    for (int y = 0; y < p->h; y++) {
        const uint8_t *a = (const uint8_t *)p->pixels + (size_t)y * p->pitch;
        const uint8_t *b = (const uint8_t *)q->pixels + (size_t)y * q->pitch;
        for (int x = 0; x < p->w; x++) n += memcmp(a + 3 * x, b + 3 * x, 3) != 0;
    }
    return n;
}

/* Not one colour: a page, not a blank screen. */
static int has_ink(const SDL_Surface *s)
{
    if (!s) return 0;
    const uint8_t *p0 = s->pixels;
    long other = 0;
    for (int y = 0; y < s->h; y++) {
        const uint8_t *row = (const uint8_t *)s->pixels + (size_t)y * s->pitch;
        for (int x = 0; x < s->w; x++) other += memcmp(row + 3 * x, p0, 3) != 0;
    }
    return other > s->w * s->h / 200;
}

/* Both panels now, compared; `what` names the case in failures. */
static void same_panels(app *with, app *without, const char *what)
{
    SDL_Surface *p = panel(with), *q = panel(without);
    long d = differ(p, q);
    CHECKF(d == 0, "%s: %ld pixels differ without render targets", what, d);
    CHECKF(has_ink(q), "%s: the panel without render targets is blank", what);
    SDL_FreeSurface(p);
    SDL_FreeSurface(q);
}

/* A finger event at (x, y) of the upright page (0..1), sent as the panel
 * reports it. */
static void finger(app *a, Uint32 type, float x, float y)
{
    SDL_Event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = type;
    ev.tfinger.touchId = 1;
    ev.tfinger.fingerId = 1;
    platform_to_panel(a->o.rotate, x, y, &ev.tfinger.x, &ev.tfinger.y);
    ev.tfinger.pressure = type == SDL_FINGERUP ? 0.0f : 1.0f;
    app_event(a, &ev);
    app_tick(a, a->now);
}

/* A finger down at x0 of the page and moved to x1 over 160 ms, still down:
 * the page follows it, the next (or previous) page beside it. */
static void drag_to(app *a, float x0, float x1)
{
    finger(a, SDL_FINGERDOWN, x0, 0.5f);
    for (int i = 1; i <= 10; i++) {
        app_tick(a, a->now + 16);
        finger(a, SDL_FINGERMOTION, x0 + (x1 - x0) * (float)i / 10, 0.5f);
    }
}

/* The finger up where it is, and time for the page to come to rest. */
static void let_go(app *a, float x)
{
    finger(a, SDL_FINGERUP, x, 0.5f);
    app_tick(a, a->now + TUN_SLIDE_MS);
}

static void both_open(app *p, app *q, size_t essay_no, size_t page, int theme)
{
    app *ab[2] = {p, q};
    for (int i = 0; i < 2; i++) {
        app_show_essay(ab[i], essay_no);
        app_set_theme(ab[i], theme);
        app_goto_page(ab[i], page);
    }
}

/* ---- the cases ----------------------------------------------------------------------- */

TEST(without_targets_pages_are_the_same_pixels)
{
    app with, without;
    if (open_app(&with, 0, 0)) {
        CHECK(0);
        return;
    }
    if (open_app(&without, 0, 1)) {
        CHECK(0);
        app_close(&with);
        return;
    }
    const char *why = NULL;
    CHECK(app_draw_path(&with, NULL) == APP_PATH_CACHE);
    CHECK(app_draw_path(&without, &why) == APP_PATH_DIRECT);
    CHECKF(why && strstr(why, "LECTERN_NO_RENDER_TARGETS"), "reason: %s", why ? why : "(none)");
    CHECK(!render_targets(without.rd, NULL));
    spy_on(without.ren, 0);

    static const struct { size_t essay, page; int theme; } pages[] = {
        {1, 0, THEME_LIGHT}, {2, 1, THEME_DARK}, {3, 4, THEME_SEPIA}, {3, 5, THEME_SEPIA}};
    char what[96];
    for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++) {
        both_open(&with, &without, pages[i].essay, pages[i].page, pages[i].theme);
        CHECK(without.page == pages[i].page && with.page == without.page);
        snprintf(what, sizeof what, "essay %zu page %zu", pages[i].essay, pages[i].page + 1);
        same_panels(&with, &without, what);
    }

    /* the page followed by the finger: two pages side by side, each way */
    both_open(&with, &without, 2, 2, THEME_LIGHT);
    drag_to(&with, 0.8f, 0.45f);
    drag_to(&without, 0.8f, 0.45f);
    CHECKF(without.dragging && without.slide < -100 && without.slide > -700, "drag forward: slide %.0f",
           (double)without.slide);
    CHECK(with.slide == without.slide);
    same_panels(&with, &without, "dragged forward half-way");
    let_go(&with, 0.45f);
    let_go(&without, 0.45f);
    both_open(&with, &without, 2, 2, THEME_LIGHT);
    drag_to(&with, 0.3f, 0.6f);
    drag_to(&without, 0.3f, 0.6f);
    CHECKF(without.dragging && without.slide > 100, "drag back: slide %.0f", (double)without.slide);
    same_panels(&with, &without, "dragged back half-way");
    let_go(&with, 0.6f);
    let_go(&without, 0.6f);

    /* a swipe turns the page, which then slides home beside the old one */
    both_open(&with, &without, 2, 2, THEME_DARK);
    drag_to(&with, 0.9f, 0.3f);
    drag_to(&without, 0.9f, 0.3f);
    finger(&with, SDL_FINGERUP, 0.3f, 0.5f);
    finger(&without, SDL_FINGERUP, 0.3f, 0.5f);
    app_tick(&with, with.now + TUN_SLIDE_MS / 3);
    app_tick(&without, without.now + TUN_SLIDE_MS / 3);
    CHECKF(without.page == 3 && without.sliding && app_slide_now(&without) != 0, "swipe: page %zu, sliding %d",
           without.page + 1, without.sliding);
    same_panels(&with, &without, "sliding home after a swipe");
    app_tick(&with, with.now + TUN_SLIDE_MS);
    app_tick(&without, without.now + TUN_SLIDE_MS);

    /* the menu over a page, and the library */
    app_open_menu(&with);
    app_open_menu(&without);
    CHECK(without.screen == APP_MENU);
    same_panels(&with, &without, "the menu");
    app_go_library(&with);
    app_go_library(&without);
    CHECK(without.screen == APP_LIBRARY);
    same_panels(&with, &without, "the library");

    /* a page as --screenshot writes it */
    lerr e;
    CHECK(app_open_essay(&with, 1, &e) == 0 && app_open_essay(&without, 1, &e) == 0);
    SDL_Surface *p = app_page_surface(&with, 1, &e), *q = app_page_surface(&without, 1, &e);
    CHECKF(p && q, "page surface: %s", e.msg);
    CHECKF(differ(p, q) == 0, "--screenshot page: %ld pixels differ", differ(p, q));
    SDL_FreeSurface(p);
    SDL_FreeSurface(q);

    /* and it really was the fallback */
    render_stats s, c;
    render_get_stats(without.rd, &s);
    render_get_stats(with.rd, &c);
    CHECKF(s.pages_direct >= 12 && s.page_misses == 0 && s.page_hits == 0,
           "without targets: %llu pages drawn directly, %llu cache misses", (unsigned long long)s.pages_direct,
           (unsigned long long)s.page_misses);
    CHECKF(sdl_spy.made == 0 && sdl_spy.set == 0, "without targets: %d target textures made, %d set", sdl_spy.made,
           sdl_spy.set);
    CHECKF(c.pages_direct == 0 && c.page_misses > 0, "with targets: %llu direct, %llu misses",
           (unsigned long long)c.pages_direct, (unsigned long long)c.page_misses);
    spy_on(NULL, 0);
    app_close(&with);
    app_close(&without);
}

TEST(without_targets_a_turned_picture_is_drawn_in_memory)
{
    static const int rotations[] = {90, 180};
    for (size_t k = 0; k < 2; k++) {
        int rot = rotations[k];
        app with, without;
        if (open_app(&with, rot, 0)) {
            CHECK(0);
            return;
        }
        if (open_app(&without, rot, 1)) {
            CHECK(0);
            app_close(&with);
            return;
        }
        CHECK(app_draw_path(&with, NULL) == APP_PATH_CACHE && with.frame && !with.out);
        CHECK(app_draw_path(&without, NULL) == APP_PATH_CANVAS && without.out && without.canvas && !without.frame);
        spy_on(without.out, 0); /* the output renderer: the canvas's own targets are memory */
        char what[64];
        snprintf(what, sizeof what, "rotate %d: the library", rot);
        same_panels(&with, &without, what);
        both_open(&with, &without, 3, 2, THEME_SEPIA);
        snprintf(what, sizeof what, "rotate %d: a page", rot);
        same_panels(&with, &without, what);
        drag_to(&with, 0.85f, 0.5f);
        drag_to(&without, 0.85f, 0.5f);
        CHECKF(without.dragging && without.slide < -50, "rotate %d: no drag (slide %.0f)", rot, (double)without.slide);
        snprintf(what, sizeof what, "rotate %d: dragged half-way", rot);
        same_panels(&with, &without, what);
        let_go(&with, 0.5f);
        let_go(&without, 0.5f);
        /* a window resized: the canvas is made anew (the panel surface stays 800x480) */
        lerr e;
        CHECK(app_set_panel(&with, 640, 400, &e) == 0 && app_set_panel(&without, 640, 400, &e) == 0);
        CHECK(without.canvas && without.canvas->w == (rot == 90 ? 400 : 640));
        snprintf(what, sizeof what, "rotate %d: resized to 640x400", rot);
        same_panels(&with, &without, what);
        CHECKF(without.uploads >= 4, "rotate %d: %lu frames uploaded from the canvas", rot, without.uploads);
        CHECKF(sdl_spy.made == 0 && sdl_spy.set == 0, "rotate %d: %d target textures made, %d set on the output",
               rot, sdl_spy.made, sdl_spy.set);
        spy_on(NULL, 0);
        app_close(&with);
        app_close(&without);
    }
}

/* A renderer that says it has targets, but creating one is refused (what
 * running out of texture memory looks like), or one that worked can no
 * longer be drawn into (a lost texture). The reader switches to drawing
 * pages directly for good, says why, and the panel shows the same page as
 * a reader without targets. */
TEST(targets_that_fail_later_fall_back_to_drawing_directly)
{
    static const int refusals[] = {REFUSE_CREATE, REFUSE_SET};
    for (size_t k = 0; k < 2; k++) {
        app ref, a;
        if (open_app(&ref, 0, 1)) {
            CHECK(0);
            return;
        }
        if (open_app(&a, 0, 0)) {
            CHECK(0);
            app_close(&ref);
            return;
        }
        both_open(&ref, &a, 3, 1, THEME_LIGHT);
        /* No target texture can be made from the start (the driver claims
         * targets but has none, or no memory for them); or the first pages
         * are cached, and then their textures cannot be drawn into. */
        if (refusals[k] == REFUSE_CREATE) spy_on(a.ren, REFUSE_CREATE);
        same_panels(&ref, &a, "the first page");
        if (refusals[k] == REFUSE_SET) {
            CHECK(app_draw_path(&a, NULL) == APP_PATH_CACHE);
            spy_on(a.ren, REFUSE_SET);
        }
        app_turn(&ref, 1); /* two pages on: the second one's neighbour is not cached */
        app_turn(&a, 1);
        app_turn(&ref, 1);
        app_turn(&a, 1);
        same_panels(&ref, &a, k ? "after SetRenderTarget failed" : "after CreateTexture failed");
        const char *why = NULL;
        CHECK(app_draw_path(&a, &why) == APP_PATH_DIRECT && !render_targets(a.rd, NULL));
        CHECKF(why && strstr(why, k ? "the target texture is lost" : "no more target textures"), "reason: %s",
               why ? why : "(none)");
        CHECK(a.path == APP_PATH_DIRECT); /* told on stderr */
        render_stats s;
        render_get_stats(a.rd, &s);
        CHECK(s.pages_direct > 0);
        int made = sdl_spy.made, set = sdl_spy.set;
        app_turn(&ref, 1); /* and no more tries */
        app_turn(&a, 1);
        same_panels(&ref, &a, "the next turn");
        CHECKF(sdl_spy.made == made && sdl_spy.set == set, "tried targets again: %d made, %d set",
               sdl_spy.made - made, sdl_spy.set - set);
        spy_on(NULL, 0);
        app_close(&ref);
        app_close(&a);
    }
}

/* rotate 90, and targets that fail: when page textures can no longer be
 * made, pages are drawn directly into the texture that turns the picture;
 * when that one cannot be drawn into either, the picture is drawn in
 * memory from then on. */
TEST(a_turned_picture_survives_failing_targets)
{
    static const int refusals[] = {REFUSE_CREATE, REFUSE_SET | REFUSE_CREATE};
    for (size_t k = 0; k < 2; k++) {
        app ref, a;
        if (open_app(&ref, 90, 0)) {
            CHECK(0);
            return;
        }
        if (open_app(&a, 90, 0)) {
            CHECK(0);
            app_close(&ref);
            return;
        }
        both_open(&ref, &a, 2, 0, THEME_DARK);
        same_panels(&ref, &a, "rotate 90 before the failure"); /* pages 1 and 2 cached; one slot free */
        spy_on(a.ren, refusals[k]);
        app_turn(&ref, 1);
        app_turn(&a, 1);
        same_panels(&ref, &a, k ? "rotate 90 after the frame failed" : "rotate 90 after a page texture failed");
        app_turn(&ref, 1);
        app_turn(&a, 1);
        same_panels(&ref, &a, "rotate 90, the next turn");
        const char *why = NULL;
        int path = app_draw_path(&a, &why);
        if (k) {
            CHECK(path == APP_PATH_CANVAS && a.out && !a.frame && a.uploads > 0);
            CHECKF(why && strstr(why, "the target texture is lost"), "reason: %s", why ? why : "(none)");
        } else {
            render_stats s;
            render_get_stats(a.rd, &s);
            CHECK(path == APP_PATH_DIRECT && a.frame && !a.out && s.pages_direct > 0);
            CHECKF(why && strstr(why, "no more target textures"), "reason: %s", why ? why : "(none)");
        }
        spy_on(NULL, 0);
        app_close(&ref);
        app_close(&a);
    }
}

int main(void)
{
    setenv("SDL_VIDEODRIVER", "offscreen", 1);
    if (SDL_Init(SDL_INIT_VIDEO) || TTF_Init()) {
        printf("FAIL sdl_init\n");
        fprintf(stderr, "  %s\n", SDL_GetError());
        return 1;
    }
    RUN(without_targets_pages_are_the_same_pixels);
    RUN(without_targets_a_turned_picture_is_drawn_in_memory);
    RUN(targets_that_fail_later_fall_back_to_drawing_directly);
    RUN(a_turned_picture_survives_failing_targets);
    TTF_Quit();
    IMG_Quit();
    SDL_Quit();
    return T_END();
}

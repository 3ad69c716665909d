/* test_page.c - the SDL-free painter (page.h) against the page SDL draws.
 *
 * The same page, of the same app (pack, faces, layout, geometry), is drawn
 * twice: by render.c through SDL's software renderer (app_page_surface, as
 * --screenshot does today) and by page_paint into memory. They must agree
 * pixel for pixel but for blending's rounding: a channel may differ by a
 * few levels where a glyph's edge is blended, never where the paper, a
 * glyph's solid ink or a rectangle is. Pages: plain prose at three sizes
 * and themes, the Markdown sample (links underlined, struck text, code),
 * and one page per script, colour emoji included. */
#include "t.h"

#include <string.h>

#include "app.h"
#include "app_state.h"
#include "page.h"
#include "t_app.h"

#define MD_SAMPLE "tests/golden/md-sample"
#define SCRIPTS "tests/golden/scripts"

/* A page's job, as the reader's own --screenshot makes it. */
static page_job job_of(app *a, size_t page)
{
    render_page rp = app_page_of(a, page);
    return (page_job){rp.es, rp.lr, rp.page, rp.title, rp.title_len, rp.theme, rp.geom, 0, 0};
}

/* An app at 800x480 (light) on essay n of the default pack, and a painter. */
static int open_fixture(app *a, page_painter **pp, size_t n)
{
    *pp = NULL;
    int ok = open_app_on(a, NULL, 800, 480, THEME_LIGHT, n) == 0;
    CHECK(ok);
    if (!ok) return -1;
    lerr e;
    int rc = page_painter_new(pp, a->fonts, &e);
    CHECKF(rc == 0, "%s", rc ? e.msg : "");
    if (rc) app_close(a);
    return rc;
}

static void close_fixture(app *a, page_painter *pp)
{
    page_painter_free(pp);
    app_close(a);
}

typedef struct diff {
    long pixels;   /* pixels that differ at all */
    int max;       /* the largest difference of one channel */
    long ink_sdl;  /* pixels not the paper, in SDL's picture */
    long ink_ours; /* and in ours */
} diff;

/* Paint page `page` of a's open essay and compare it with SDL's. */
static int compare_page(app *a, size_t page, page_painter *pp, diff *d)
{
    lerr e;
    memset(d, 0, sizeof *d);
    SDL_Surface *s = app_page_surface(a, page, &e);
    CHECKF(s != NULL, "%s", s ? "" : e.msg);
    if (!s) return -1;
    page_job job = job_of(a, page);
    page_canvas c = {malloc((size_t)a->geom.w * a->geom.h * 4), a->geom.w, a->geom.h, (size_t)a->geom.w * 4};
    CHECK(c.px != NULL);
    int rc = c.px ? page_paint(pp, &job, &c, &e) : -1;
    CHECKF(rc == 0, "%s", rc ? e.msg : "");
    page_rgb bg = page_theme_colors(job.theme).bg;
    for (int y = 0; rc == 0 && y < c.h; y++) {
        const uint8_t *sr = (const uint8_t *)s->pixels + (size_t)y * s->pitch; /* R, G, B */
        const uint8_t *o = c.px + (size_t)y * c.pitch;                           /* B, G, R, X */
        for (int x = 0; x < c.w; x++) {
            const uint8_t *p = sr + 3 * x, *q = o + 4 * x;
            int dr = abs(p[0] - q[2]), dg = abs(p[1] - q[1]), db = abs(p[2] - q[0]);
            int m = dr > dg ? dr : dg;
            if (db > m) m = db;
            if (m) d->pixels++;
            if (m > d->max) d->max = m;
            if (p[0] != bg.r || p[1] != bg.g || p[2] != bg.b) d->ink_sdl++;
            if (q[2] != bg.r || q[1] != bg.g || q[0] != bg.b) d->ink_ours++;
        }
    }
    free(c.px);
    SDL_FreeSurface(s);
    return rc;
}

/* Every page drawn has ink (a real page, not the paper alone), and ours
 * is SDL's: on x86-64, where page.c blends as SDL 2.26's blitter does,
 * pixel for pixel; elsewhere (another blitter: arm64, armhf) within its
 * rounding, at most 4 levels in a channel where a glyph's edge is blended,
 * and the same pixels inked. */
static void check_same(const char *what, const char *pack_dir, int w, int h, int theme, size_t essay_no, size_t page)
{
    app a;
    int ok = open_app_on(&a, pack_dir, w, h, theme, essay_no) == 0;
    CHECKF(ok, "%s: cannot open", what);
    if (!ok) return;
    page_painter *pp = NULL;
    lerr e;
    CHECKF(page_painter_new(&pp, a.fonts, &e) == 0, "%s", e.msg);
    diff d;
    if (pp && compare_page(&a, page, pp, &d) == 0) {
        long n = (long)w * h;
        CHECKF(d.ink_sdl > n / 200, "%s: SDL's page has %ld inked pixels of %ld", what, d.ink_sdl, n);
        long gap = d.ink_sdl > d.ink_ours ? d.ink_sdl - d.ink_ours : d.ink_ours - d.ink_sdl;
#if defined(__x86_64__)
        CHECKF(d.pixels == 0, "%s: %ld pixels differ, by up to %d", what, d.pixels, d.max);
#else
        CHECKF(d.max <= 4, "%s: %ld pixels differ, by up to %d", what, d.pixels, d.max);
#endif
        CHECKF(gap * 200 <= d.ink_sdl, "%s: %ld inked pixels against SDL's %ld", what, d.ink_ours, d.ink_sdl);
    }
    page_painter_free(pp);
    app_close(&a);
}

TEST(prose_matches_sdl)
{
    check_same("essay 1 p1 800x480 light", NULL, 800, 480, THEME_LIGHT, 1, 1);
    check_same("essay 3 p2 720x1280 dark", NULL, 720, 1280, THEME_DARK, 3, 2);
    check_same("essay 2 p1 1920x1080 sepia", NULL, 1920, 1080, THEME_SEPIA, 2, 1);
}

TEST(markdown_matches_sdl)
{
    for (size_t p = 1; p <= 3; p++) {
        char what[64];
        snprintf(what, sizeof what, "md-sample p%zu", p);
        check_same(what, MD_SAMPLE, 800, 480, THEME_LIGHT, 1, p);
    }
}

TEST(scripts_match_sdl)
{
    static const char *names[] = {"arabic", "hebrew", "devanagari", "thai", "chinese", "japanese", "emoji"};
    for (size_t i = 0; i < 7; i++) check_same(names[i], SCRIPTS, 480, 320, THEME_LIGHT, i + 1, 1);
}

/* The painter keeps glyphs across pages and sizes: every page of an essay,
 * painted after all the others (and at another size in between), comes
 * out byte for byte as it did the first time. */
TEST(glyph_cache_gives_the_same_pages)
{
    app a;
    page_painter *pp;
    if (open_fixture(&a, &pp, 2)) return;
    lerr e;
    size_t np = a.lr->npages, sz = (size_t)800 * 480 * 4;
    uint8_t *first = malloc(np * sz), *again = malloc(sz);
    CHECK(np >= 3 && first && again);
    for (size_t k = 0; first && again && k < 2 * np; k++) {
        size_t pg = k % np;
        page_job job = job_of(&a, pg);
        page_canvas c = {k < np ? first + pg * sz : again, 800, 480, 800 * 4};
        CHECKF(page_paint(pp, &job, &c, &e) == 0, "%s", e.msg);
        if (k >= np) CHECKF(memcmp(again, first + pg * sz, sz) == 0, "page %zu differs the second time", pg + 1);
    }
    free(first);
    free(again);
    close_fixture(&a, pp);
}

/* A canvas of another size than the page's is refused with a message,
 * and nothing is drawn on it. */
TEST(wrong_canvas_is_refused)
{
    app a;
    page_painter *pp;
    if (open_fixture(&a, &pp, 1)) return;
    lerr e;
    page_job job = job_of(&a, 0);
    static uint8_t px[640 * 480 * 4];
    page_canvas c = {px, 640, 480, 640 * 4};
    CHECK(page_paint(pp, &job, &c, &e) == -1 && strstr(e.msg, "800x480") && strstr(e.msg, "640x480"));
    size_t nz = 0;
    for (size_t i = 0; i < sizeof px; i++) nz += px[i] != 0;
    CHECK(nz == 0);
    close_fixture(&a, pp);
}

/* The burn-in shift moves the running title and the page number, and
 * nothing else: shifted 2 px right, the text body is unchanged. */
TEST(furniture_shift_moves_only_furniture)
{
    app a;
    page_painter *pp;
    if (open_fixture(&a, &pp, 1)) return;
    lerr e;
    page_job job = job_of(&a, 0);
    size_t sz = (size_t)800 * 480 * 4;
    uint8_t *p0 = malloc(sz), *p1 = malloc(sz);
    CHECK(p0 && p1);
    if (p0 && p1) {
        page_canvas c0 = {p0, 800, 480, 800 * 4}, c1 = {p1, 800, 480, 800 * 4};
        CHECK(page_paint(pp, &job, &c0, &e) == 0);
        job.fdx = 2;
        CHECK(page_paint(pp, &job, &c1, &e) == 0);
        const page_geom *g = job.geom;
        int top = g->title_base + 4, bottom = g->folio_base - 20; /* between the title and the folio */
        CHECK(memcmp(p0 + (size_t)top * 3200, p1 + (size_t)top * 3200, (size_t)(bottom - top) * 3200) == 0);
        CHECK(memcmp(p0, p1, (size_t)top * 3200) != 0); /* the title moved */
    }
    free(p0);
    free(p1);
    close_fixture(&a, pp);
}

int main(void)
{
    RUN(prose_matches_sdl);
    RUN(markdown_matches_sdl);
    RUN(scripts_match_sdl);
    RUN(glyph_cache_gives_the_same_pages);
    RUN(wrong_canvas_is_refused);
    RUN(furniture_shift_moves_only_furniture);
    return T_END();
}

/* test_render.c - the SDL side of the reader, headless (offscreen video,
 * software renderer), on the default pack:
 *   - golden images of three pages, compared with a tolerance;
 *   - every character of the default essays has a glyph (no tofu);
 *   - glyphs land where FreeType's metrics say;
 *   - nothing is drawn in the side margins, at every supported size;
 *   - the atlas stays bounded, evicts, and draws the same pages when tiny;
 *   - the next/previous page cache turns pages by blits.
 *
 * Goldens live in tests/golden/ as 16-level grey PNGs (the page's luma,
 * quantized): small files, and a comparison that ignores the last bits of
 * anti-aliasing. Regenerate with tests/golden/update.sh, then look at them.
 * This binary writes them itself with: test_render --update-golden DIR */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <SDL2/SDL.h>
#include <SDL2/SDL_image.h>
#include <SDL2/SDL_ttf.h>

#include "app.h"
#include "font.h"
#include "font_ttf.h"
#include "layout_cache.h"
#include "pack.h"
#include "t.h"
#include "t_app.h"

/* A pixel differs when its grey level moves by this many of 15 steps; a
 * page fails when more than this fraction of its pixels differ. A changed
 * word, line break or colour exceeds it; FreeType's rounding does not. */
#define GOLD_LEVEL_DELTA 3
#define GOLD_MAX_FRACTION 0.0005

static const char *update_dir;

typedef struct golden_case {
    const char *name;
    int w, h, theme;
    size_t essay, page; /* 1-based */
    const char *pack;   /* NULL: the default pack; else a folder the reader packs in memory */
} golden_case;

/* The Markdown sample (every construct of the rich-text issue) is read as
 * the reader reads a folder, with the default pack's faces. */
#define MD_SAMPLE "tests/golden/md-sample"
#define SCRIPTS "tests/golden/scripts"
static const golden_case goldens[] = {
    {"page-800x480-light", 800, 480, THEME_LIGHT, 1, 1, NULL},
    {"page-720x1280-dark", 720, 1280, THEME_DARK, 3, 2, NULL},
    {"page-1920x1080-sepia", 1920, 1080, THEME_SEPIA, 2, 1, NULL},
    {"md-800x480-light-p1", 800, 480, THEME_LIGHT, 1, 1, MD_SAMPLE},
    {"md-800x480-light-p2", 800, 480, THEME_LIGHT, 1, 2, MD_SAMPLE},
    {"md-720x1280-sepia-p1", 720, 1280, THEME_SEPIA, 1, 1, MD_SAMPLE},
    {"md-800x480-light-p3", 800, 480, THEME_LIGHT, 1, 3, MD_SAMPLE},
    /* one essay per script, shaped (tests/golden/scripts: fallback faces
     * from fonts-noto-core, -cjk and -color-emoji). Right-to-left text is
     * drawn with its words in logical order until bidi reordering lands. */
    {"script-arabic", 480, 320, THEME_LIGHT, 1, 1, SCRIPTS},
    {"script-hebrew", 480, 320, THEME_LIGHT, 2, 1, SCRIPTS},
    {"script-devanagari", 480, 320, THEME_LIGHT, 3, 1, SCRIPTS},
    {"script-thai", 480, 320, THEME_LIGHT, 4, 1, SCRIPTS},
    {"script-chinese", 480, 320, THEME_LIGHT, 5, 1, SCRIPTS},
    {"script-japanese", 480, 320, THEME_LIGHT, 6, 1, SCRIPTS},
    {"script-emoji", 480, 320, THEME_LIGHT, 7, 1, SCRIPTS},
};

static const int sizes[][2] = {{800, 480}, {1024, 600}, {1280, 800}, {720, 1280}, {1920, 1080}};

static int open_app(app *a, int w, int h, int theme, size_t essay_no)
{
    return open_app_on(a, NULL, w, h, theme, essay_no);
}

/* ---- goldens -------------------------------------------------------------------- */

static uint8_t level_of(const uint8_t *rgb)
{
    unsigned y = (rgb[0] * 299u + rgb[1] * 587u + rgb[2] * 114u + 500) / 1000;
    return (uint8_t)((y * 15 + 127) / 255);
}

/* The page's luma in 16 levels, as an 8-bit paletted surface. */
static SDL_Surface *to_levels(SDL_Surface *rgb)
{
    SDL_Surface *g = SDL_CreateRGBSurfaceWithFormat(0, rgb->w, rgb->h, 8, SDL_PIXELFORMAT_INDEX8);
    if (!g) return NULL;
    SDL_Color pal[16];
    for (int i = 0; i < 16; i++) pal[i] = (SDL_Color){(Uint8)(i * 17), (Uint8)(i * 17), (Uint8)(i * 17), 255};
    SDL_SetPaletteColors(g->format->palette, pal, 0, 16);
    for (int y = 0; y < rgb->h; y++) {
        const uint8_t *s = (const uint8_t *)rgb->pixels + (size_t)y * rgb->pitch;
        uint8_t *d = (uint8_t *)g->pixels + (size_t)y * g->pitch;
        for (int x = 0; x < rgb->w; x++) d[x] = level_of(s + 3 * x);
    }
    return g;
}

/* Grey level (0..15) of pixel (x, y) of a golden loaded from PNG, whatever
 * format the loader chose. */
static int golden_level(SDL_Surface *s, int x, int y)
{
    Uint32 px = 0;
    const uint8_t *p = (const uint8_t *)s->pixels + (size_t)y * s->pitch + (size_t)x * s->format->BytesPerPixel;
    memcpy(&px, p, s->format->BytesPerPixel);
    Uint8 r, g, b;
    SDL_GetRGB(px, s->format, &r, &g, &b);
    return (r + 8) / 17;
}

static void check_golden(const golden_case *c)
{
    app a;
    if (open_app_on(&a, c->pack, c->w, c->h, c->theme, c->essay)) {
        CHECK(0);
        return;
    }
    lerr e;
    SDL_Surface *rgb = app_page_surface(&a, c->page - 1, &e);
    CHECKF(rgb != NULL, "%s", e.msg);
    SDL_Surface *lv = rgb ? to_levels(rgb) : NULL;
    char path[1024];
    snprintf(path, sizeof path, "%s/%s.png", update_dir ? update_dir : "tests/golden", c->name);
    if (lv && update_dir) {
        CHECKF(IMG_SavePNG(lv, path) == 0, "%s: %s", path, IMG_GetError());
        printf("# wrote %s\n", path);
    } else if (lv) {
        SDL_Surface *gold = IMG_Load(path);
        CHECKF(gold != NULL, "%s: %s (make one with tests/golden/update.sh)", path, IMG_GetError());
        if (gold) {
            CHECKF(gold->w == lv->w && gold->h == lv->h, "%s is %dx%d, page is %dx%d", path, gold->w, gold->h, lv->w,
                   lv->h);
            if (gold->w == lv->w && gold->h == lv->h) {
                SDL_LockSurface(gold);
                size_t differ = 0, n = (size_t)lv->w * lv->h;
                long sum = 0;
                int maxd = 0;
                for (int y = 0; y < lv->h; y++)
                    for (int x = 0; x < lv->w; x++) {
                        int d = abs(golden_level(gold, x, y) - ((uint8_t *)lv->pixels)[(size_t)y * lv->pitch + x]);
                        sum += d;
                        if (d > maxd) maxd = d;
                        if (d >= GOLD_LEVEL_DELTA) differ++;
                    }
                SDL_UnlockSurface(gold);
                double frac = (double)differ / n;
                printf("# %s: %zu of %zu pixels differ by >= %d/15 levels (%.4f%%, limit %.3f%%), max delta %d, "
                       "mean %.4f\n",
                       c->name, differ, n, GOLD_LEVEL_DELTA, frac * 100, GOLD_MAX_FRACTION * 100, maxd,
                       (double)sum / n);
                CHECKF(frac <= GOLD_MAX_FRACTION, "%s: %.4f%% of pixels differ (see tests/golden/update.sh)", c->name,
                       frac * 100);
            }
            SDL_FreeSurface(gold);
        }
    }
    SDL_FreeSurface(lv);
    SDL_FreeSurface(rgb);
    app_close(&a);
}

TEST(golden_800x480_light) { check_golden(&goldens[0]); }
TEST(golden_720x1280_dark) { check_golden(&goldens[1]); }
TEST(golden_1920x1080_sepia) { check_golden(&goldens[2]); }
TEST(golden_md_800x480_page_1) { check_golden(&goldens[3]); }
TEST(golden_md_800x480_page_2) { check_golden(&goldens[4]); }
TEST(golden_md_720x1280_page_1) { check_golden(&goldens[5]); }
TEST(golden_md_800x480_page_3) { check_golden(&goldens[6]); }
TEST(golden_script_arabic) { check_golden(&goldens[7]); }
TEST(golden_script_hebrew) { check_golden(&goldens[8]); }
TEST(golden_script_devanagari) { check_golden(&goldens[9]); }
TEST(golden_script_thai) { check_golden(&goldens[10]); }
TEST(golden_script_chinese) { check_golden(&goldens[11]); }
TEST(golden_script_japanese) { check_golden(&goldens[12]); }
TEST(golden_script_emoji) { check_golden(&goldens[13]); }

/* ---- glyph coverage: no tofu ---------------------------------------------------------- */

/* The font role each block kind is set in (headings in H1/H2, which use the
 * bold face; list labels and bodies in BODY; quotes in ITALIC). */
static int role_of(const essay_block *b)
{
    switch (b->kind) {
    case ESSAY_HEADING: return b->level == 1 ? LAYOUT_H1 : LAYOUT_H2;
    case ESSAY_QUOTE: return LAYOUT_ITALIC;
    default: return LAYOUT_BODY;
    }
}

TEST(no_tofu_in_default_essays)
{
    app a;
    if (open_app(&a, 800, 480, THEME_LIGHT, 0)) {
        CHECK(0);
        return;
    }
    static const uint32_t must[] = {0x2019, 0x201C, 0x201D, 0x2013, 0x2014, 0x2026, 0x2022, 0x2018};
    size_t seen[8] = {0}, chars = 0, missing = 0;
    for (size_t n = 1; n <= pack_essays(a.pk); n++) {
        lerr e;
        if (app_open_essay(&a, n, &e)) {
            CHECKF(0, "%s", e.msg);
            continue;
        }
        for (size_t b = 0; b < a.es.nblocks; b++) {
            const essay_block *bl = &a.es.blocks[b];
            int role = role_of(bl);
            uint32_t from = bl->label_len ? bl->label : bl->start, to = bl->start + bl->len;
            for (uint32_t i = from; i < to;) {
                uint32_t cp;
                size_t k = utf8_decode(a.es.text + i, to - i, &cp);
                CHECKF(k > 0, "essay %zu: bad UTF-8 at byte %u", n, i);
                if (!k) break;
                i += k;
                if (cp == ' ' || cp == 0xA0 || cp == 0xAD) continue; /* not drawn */
                chars++;
                for (int j = 0; j < 8; j++) seen[j] += cp == must[j];
                int miss = 0;
                font_glyph_face(a.fonts, role, cp, NULL, &miss);
                if (!font_has_glyph(a.fonts, role, cp) || miss) {
                    if (missing++ < 10) CHECKF(0, "essay %zu: no glyph for U+%04X in %s", n, cp,
                                               font_role_name(a.fonts, role));
                }
            }
        }
    }
    CHECKF(missing == 0, "%zu characters would draw as tofu", missing);
    CHECKF(chars > 10000, "only %zu characters checked", chars);
    /* The punctuation readers notice first, in every text face. (Not the
     * bold italic and code faces: they keep only their runs' characters,
     * and the plain-text default essays have none; tests/cli/subset.sh.) */
    for (int j = 0; j < 8; j++) {
        for (int role = 0; role < LAYOUT_NFONTS; role++)
            if (role != LAYOUT_BOLD_ITALIC && role != LAYOUT_MONO)
                CHECKF(font_has_glyph(a.fonts, role, must[j]), "U+%04X missing in role %d (%s)", must[j], role,
                   font_role_name(a.fonts, role));
        CHECKF(seen[j] > 0, "U+%04X does not occur in the default essays any more", must[j]);
    }
    printf("# %zu characters checked; ’ “ ” – — … • ‘ occur %zu %zu %zu %zu %zu %zu %zu %zu times\n", chars, seen[0],
           seen[1], seen[2], seen[3], seen[4], seen[5], seen[6], seen[7]);
    app_close(&a);
}

/* ---- glyph placement --------------------------------------------------------------------- */

/* Draw one glyph with render_text into a blank target and find its ink:
 * it must sit where TTF_GlyphMetrics32 says (within a pixel of rounding). */
TEST(glyphs_sit_on_their_metrics)
{
    app a;
    if (open_app(&a, 800, 480, THEME_LIGHT, 1)) {
        CHECK(0);
        return;
    }
    const int S = 160, X = 40, Y = 100;
    SDL_Texture *t = SDL_CreateTexture(a.ren, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_TARGET, S, S);
    uint32_t *px = malloc((size_t)S * S * 4);
    CHECK(t && px);
    static const char sample[] = "AVgjfQ,.;’“”–—…•‘(y)Wé";
    static const int roles[] = {LAYOUT_BODY, LAYOUT_ITALIC, LAYOUT_H1, LAYOUT_SMALL};
    int checked = 0, off = 0;
    for (size_t r = 0; t && px && r < sizeof roles / sizeof roles[0]; r++) {
        for (size_t i = 0; i < sizeof sample - 1;) {
            uint32_t cp;
            size_t k = utf8_decode((const uint8_t *)sample + i, sizeof sample - 1 - i, &cp);
            SDL_SetRenderTarget(a.ren, t);
            SDL_SetRenderDrawColor(a.ren, 0, 0, 0, 255);
            SDL_RenderClear(a.ren);
            render_text(a.rd, roles[r], (const uint8_t *)sample + i, k, X, Y, (SDL_Color){255, 255, 255, 255});
            render_flush(a.rd);
            SDL_RenderReadPixels(a.ren, NULL, SDL_PIXELFORMAT_ARGB8888, px, S * 4);
            SDL_SetRenderTarget(a.ren, NULL);
            i += k;
            int x0 = S, y0 = S, x1 = -1, y1 = -1;
            for (int y = 0; y < S; y++)
                for (int x = 0; x < S; x++)
                    if ((px[y * S + x] & 0xFF) > 0) {
                        if (x < x0) x0 = x;
                        if (x > x1) x1 = x;
                        if (y < y0) y0 = y;
                        if (y > y1) y1 = y;
                    }
            TTF_Font *f = font_glyph_face(a.fonts, roles[r], cp, NULL, NULL);
            int minx, maxx, miny, maxy, adv;
            if (x1 < 0 || !f || TTF_GlyphMetrics32(f, cp, &minx, &maxx, &miny, &maxy, &adv)) {
                CHECKF(0, "U+%04X role %d: nothing drawn", cp, roles[r]);
                continue;
            }
            checked++;
            if (abs(x0 - (X + minx)) > 1 || abs(y0 - (Y - maxy)) > 1 || abs(y1 + 1 - (Y - miny)) > 1) {
                if (off++ < 5)
                    CHECKF(0, "U+%04X role %d: ink at x %d y %d..%d, metrics say x %d y %d..%d", cp, roles[r], x0, y0,
                           y1 + 1, X + minx, Y - maxy, Y - miny);
            }
        }
    }
    CHECKF(off == 0, "%d of %d glyphs off their metrics", off, checked);
    free(px);
    if (t) SDL_DestroyTexture(t);
    app_close(&a);
}

/* ---- margins at every size -------------------------------------------------------------------- */

static int same_rgb(const uint8_t *p, SDL_Color c) { return p[0] == c.r && p[1] == c.g && p[2] == c.b; }

TEST(margins_clean_at_every_size)
{
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        int w = sizes[s][0], h = sizes[s][1], theme = (int)(s % THEME_COUNT);
        app a;
        if (open_app(&a, w, h, theme, 0)) {
            CHECK(0);
            continue;
        }
        const page_geom *g = &a.geom;
        int B = font_body_px(a.fonts);
        CHECKF(g->text_x >= B && g->text_x + g->text_w <= w - B, "%dx%d: margins under 1 em", w, h);
        CHECKF(g->text_w <= B * 36, "%dx%d: column wider than 36 em", w, h);
        CHECKF(g->title_base < g->text_y && g->text_y + g->text_h < g->folio_base && g->folio_base < g->bar_y &&
                   g->bar_y + g->bar_h <= h,
               "%dx%d: furniture overlaps the text area", w, h);
        const render_theme *th = render_theme_at(theme);
        size_t pages = 0, dirty = 0, inked = 0;
        /* Ink may overhang the column by a little (italic, punctuation). */
        int slack = B / 3 + 1, lw = g->text_x - slack, rx = g->text_x + g->text_w + slack;
        for (size_t n = 1; n <= pack_essays(a.pk); n++) {
            lerr e;
            if (app_open_essay(&a, n, &e)) {
                CHECKF(0, "%s", e.msg);
                continue;
            }
            for (size_t p = 0; p < a.lr->npages; p++) {
                SDL_Surface *rgb = app_page_surface(&a, p, &e);
                if (!rgb) {
                    CHECKF(0, "%s", e.msg);
                    continue;
                }
                pages++;
                int bad = 0, ink = 0, bx = 0, by = 0;
                for (int y = 0; y < h && !bad; y++) {
                    const uint8_t *row = (const uint8_t *)rgb->pixels + (size_t)y * rgb->pitch;
                    for (int x = 0; x < w; x++) {
                        int in_margin = x < lw || x >= rx;
                        int bg = same_rgb(row + 3 * x, th->bg);
                        if (in_margin && !bg) {
                            bad = 1;
                            bx = x;
                            by = y;
                            break;
                        }
                        if (!in_margin && !bg && y > g->text_y && y < g->text_y + g->text_h) ink = 1;
                    }
                }
                if (bad && dirty++ < 3) CHECKF(0, "%dx%d essay %zu page %zu: ink in the side margin at x %d y %d (the column %d..%d)", w, h,
                                           n, p + 1, bx, by, g->text_x, g->text_x + g->text_w);
                inked += ink;
                SDL_FreeSurface(rgb);
            }
        }
        CHECKF(dirty == 0, "%dx%d: %zu pages draw into the margins", w, h, dirty);
        CHECKF(inked == pages && pages > 0, "%dx%d: %zu of %zu pages have text", w, h, inked, pages);
        printf("# %dx%d %s: body %d px (%.0f dpi), column %d px, %zu pages clean\n", w, h, th->name, B, a.dpi,
               g->text_w, pages);
        app_close(&a);
    }
}

/* ---- atlas ------------------------------------------------------------------------------------ */

static int read_tex(SDL_Renderer *r, SDL_Texture *t, int w, uint32_t *px)
{
    int rc = SDL_SetRenderTarget(r, t) || SDL_RenderReadPixels(r, NULL, SDL_PIXELFORMAT_ARGB8888, px, w * 4);
    SDL_SetRenderTarget(r, NULL);
    return rc;
}

static render_page page_at(app *a, size_t page, int theme)
{
    return (render_page){&a->es, a->lr, page, (const uint8_t *)a->title, strlen(a->title), theme, &a->geom,
                         (uint32_t)a->essay_no};
}

TEST(atlas_bounded_evicts_and_draws_the_same)
{
    app a;
    if (open_app(&a, 1280, 800, THEME_LIGHT, 3)) {
        CHECK(0);
        return;
    }
    lerr e;
    render *tiny = NULL;
    CHECKF(render_create(&tiny, a.ren, a.fonts, 128, 128, &e) == 0, "%s", e.msg);
    render_stats s0, s1;
    if (tiny) render_get_stats(tiny, &s0);
    size_t n = (size_t)a.geom.w * a.geom.h;
    uint32_t *p1 = malloc(n * 4), *p2 = malloc(n * 4);
    size_t pages = a.lr->npages < 6 ? a.lr->npages : 6, same = 0;
    for (size_t p = 0; tiny && p1 && p2 && p < pages; p++) {
        /* sizes change between pages, as A+/A- would: more glyphs to hold */
        int step = TUN_SIZE_DEFAULT + (int)(p % 3) - 1;
        CHECK(app_set_size_step(&a, step, &e) == 0);
        if (p >= a.lr->npages) break;
        render_page pg = page_at(&a, p, THEME_LIGHT);
        SDL_Texture *big = render_page_to_texture(a.rd, &pg, &e);
        SDL_Texture *small = render_page_to_texture(tiny, &pg, &e);
        CHECK(big && small);
        if (big && small && !read_tex(a.ren, big, a.geom.w, p1) &&
            !read_tex(a.ren, small, a.geom.w, p2))
            same += memcmp(p1, p2, n * 4) == 0;
        if (big) SDL_DestroyTexture(big);
        if (small) SDL_DestroyTexture(small);
        render_stats st;
        render_get_stats(tiny, &st);
        CHECKF(st.used_px <= 128 * 128 && st.bytes == s0.bytes, "atlas grew: %zu px used, %zu bytes", st.used_px,
               st.bytes);
    }
    CHECKF(same == pages, "tiny atlas drew %zu of %zu pages like the full one", same, pages);
    if (tiny) {
        render_get_stats(tiny, &s1);
        CHECKF(s1.evictions > 0, "a 128x128 atlas evicted nothing over %zu pages", pages);
        printf("# tiny atlas 128x128: %llu hits, %llu misses, %llu evictions, %llu resets, %zu glyphs now, %zu bytes\n",
               (unsigned long long)s1.hits, (unsigned long long)s1.misses, (unsigned long long)s1.evictions,
               (unsigned long long)s1.resets, s1.glyphs, s1.bytes);
    }
    render_stats sb;
    render_get_stats(a.rd, &sb);
    printf("# default atlas %dx%d: %llu hits, %llu misses, %llu evictions, %zu glyphs, %zu of %d px used, %zu bytes\n",
           sb.atlas_w, sb.atlas_h, (unsigned long long)sb.hits, (unsigned long long)sb.misses,
           (unsigned long long)sb.evictions, sb.glyphs, sb.used_px, sb.atlas_w * sb.atlas_h, sb.bytes);
    CHECKF(sb.evictions == 0, "the default atlas evicted while drawing a few pages");
    free(p1);
    free(p2);
    render_destroy(tiny);
    app_close(&a);
}

/* An atlas texture starts small and is made taller as glyphs fill it: the
 * pages it draws are the same as from an atlas that cannot grow (and
 * evicts instead), and it grew, up to its size and no further. */
TEST(atlas_grows_and_draws_the_same)
{
    app a;
    if (open_app(&a, 1280, 800, THEME_LIGHT, 3)) {
        CHECK(0);
        return;
    }
    lerr e;
    render *grow = NULL, *fixed = NULL;
    /* narrow, so that a few pages in three themes (glyphs are kept per colour
     * on the software renderer) fill 256 rows */
    CHECKF(render_create(&grow, a.ren, a.fonts, 256, 1024, &e) == 0, "%s", e.msg);
    CHECKF(render_create(&fixed, a.ren, a.fonts, 256, 256, &e) == 0, "%s", e.msg);
    render_stats g0 = {0}, g1 = {0}, f1 = {0};
    if (grow) render_get_stats(grow, &g0);
    size_t n = (size_t)a.geom.w * a.geom.h;
    uint32_t *p1 = malloc(n * 4), *p2 = malloc(n * 4);
    static const int th[] = {THEME_LIGHT, THEME_DARK, THEME_SEPIA};
    size_t pages = a.lr->npages < 6 ? a.lr->npages : 6, same = 0, drawn = 0;
    for (size_t p = 0; grow && fixed && p1 && p2 && p < pages; p++) {
        int step = TUN_SIZE_DEFAULT + (int)(p % 3); /* larger text: more and taller glyphs */
        CHECK(app_set_size_step(&a, step, &e) == 0);
        if (p >= a.lr->npages) break;
        render_page pg = page_at(&a, p, th[p % 3]);
        SDL_Texture *tg = render_page_to_texture(grow, &pg, &e);
        SDL_Texture *tf = render_page_to_texture(fixed, &pg, &e);
        CHECK(tg && tf);
        if (tg && tf && !read_tex(a.ren, tg, a.geom.w, p1) && !read_tex(a.ren, tf, a.geom.w, p2)) {
            drawn++;
            same += memcmp(p1, p2, n * 4) == 0;
        }
        if (tg) SDL_DestroyTexture(tg);
        if (tf) SDL_DestroyTexture(tf);
    }
    if (grow) render_get_stats(grow, &g1);
    if (fixed) render_get_stats(fixed, &f1);
    CHECKF(drawn == pages && same == pages, "the growing atlas drew %zu of %zu pages like the fixed one", same, pages);
    CHECKF(g0.bytes < g1.bytes && g1.grows >= 1, "the atlas did not grow: %llu times, %zu -> %zu bytes",
           (unsigned long long)g1.grows, g0.bytes, g1.bytes);
    CHECKF(g1.bytes - g0.bytes <= (size_t)256 * (1024 - 256) * 4, "the atlas grew past its size: %zu -> %zu bytes",
           g0.bytes, g1.bytes);
    CHECKF(f1.grows == 0, "an atlas already at its size grew %llu times", (unsigned long long)f1.grows);
    printf("# growing atlas 256x1024: %llu grows, %zu -> %zu bytes, %llu evictions; fixed 256x256: %llu evictions\n",
           (unsigned long long)g1.grows, g0.bytes, g1.bytes, (unsigned long long)g1.evictions,
           (unsigned long long)f1.evictions);
    free(p1);
    free(p2);
    render_destroy(grow);
    render_destroy(fixed);
    app_close(&a);
}

TEST(atlas_warm_page_rasterizes_nothing)
{
    app a;
    if (open_app(&a, 800, 480, THEME_SEPIA, 1)) {
        CHECK(0);
        return;
    }
    lerr e;
    render_page pg = page_at(&a, 1, THEME_SEPIA);
    SDL_Texture *t1 = render_page_to_texture(a.rd, &pg, &e);
    render_stats s1, s2;
    render_get_stats(a.rd, &s1);
    SDL_Texture *t2 = render_page_to_texture(a.rd, &pg, &e);
    render_get_stats(a.rd, &s2);
    CHECK(t1 && t2);
    CHECKF(s2.misses == s1.misses, "%llu glyphs rasterized again", (unsigned long long)(s2.misses - s1.misses));
    CHECKF(s2.hits > s1.hits + 500, "only %llu lookups for a page", (unsigned long long)(s2.hits - s1.hits));
    if (t1) SDL_DestroyTexture(t1);
    if (t2) SDL_DestroyTexture(t2);
    app_close(&a);
}

/* ---- page cache -------------------------------------------------------------------------------- */

TEST(page_cache_turns_are_blits)
{
    app a;
    if (open_app(&a, 800, 480, THEME_DARK, 3)) {
        CHECK(0);
        return;
    }
    CHECKF(a.lr->npages >= 8, "essay 3 has only %zu pages", a.lr->npages);
    if (a.lr->npages < 8) {
        app_close(&a);
        return;
    }
    lerr e;
    render_stats s;
    size_t n = (size_t)a.geom.w * a.geom.h;
    uint32_t *p1 = malloc(n * 4), *p2 = malloc(n * 4);
#define PG(k) page_at(&a, (k), THEME_DARK)
#define STATS() render_get_stats(a.rd, &s)
    render_page pg = PG(4);
    SDL_Texture *t4 = render_cached_page(a.rd, &pg, &e);
    STATS();
    CHECK(t4 && s.page_misses == 1 && s.page_hits == 0);
    CHECK(render_prefetch(a.rd, &pg, &e) == 0); /* draws 3 and 5 */
    STATS();
    CHECKF(s.page_misses == 3, "prefetch drew %llu pages", (unsigned long long)s.page_misses - 1);
    /* turn forward: a hit, then one new page (6); 4 stays as "previous" */
    pg = PG(5);
    SDL_Texture *t5 = render_cached_page(a.rd, &pg, &e);
    STATS();
    CHECK(t5 && s.page_hits == 1 && s.page_misses == 3);
    CHECK(render_prefetch(a.rd, &pg, &e) == 0);
    STATS();
    CHECKF(s.page_misses == 4 && s.page_hits == 2, "after prefetch: %llu misses %llu hits",
           (unsigned long long)s.page_misses, (unsigned long long)s.page_hits);
    pg = PG(4);
    CHECK(render_cached_page(a.rd, &pg, &e) == t4);
    STATS();
    CHECKF(s.page_hits == 3 && s.page_misses == 4, "turning back was not a hit");
    /* page 3 was the farthest from 5: it is gone */
    pg = PG(3);
    CHECK(render_cached_page(a.rd, &pg, &e) != NULL);
    STATS();
    CHECK(s.page_misses == 5);
    /* a cached page is the page */
    pg = PG(3);
    SDL_Texture *fresh = render_page_to_texture(a.rd, &pg, &e);
    SDL_Texture *cached = render_cached_page(a.rd, &pg, &e);
    CHECK(fresh && cached && p1 && p2);
    if (fresh && cached && p1 && p2 && !read_tex(a.ren, fresh, a.geom.w, p1) &&
        !read_tex(a.ren, cached, a.geom.w, p2))
        CHECK(memcmp(p1, p2, n * 4) == 0);
    /* another theme is another page */
    render_page other = page_at(&a, 3, THEME_LIGHT);
    STATS();
    uint64_t before = s.page_misses;
    CHECK(render_cached_page(a.rd, &other, &e) != NULL);
    STATS();
    CHECK(s.page_misses == before + 1);
    if (fresh) SDL_DestroyTexture(fresh);
    free(p1);
    free(p2);
    app_close(&a);
#undef PG
#undef STATS
}

/* ---- text size changes ------------------------------------------------------------------------- */

/* A+ keeps the text the reader was at on screen (the page's first
 * character, and so the sentence it is in); A- back is the same page again,
 * from the layout cache (no new layout). */
TEST(size_change_keeps_the_sentence)
{
    app a;
    if (open_app(&a, 800, 480, THEME_LIGHT, 3)) {
        CHECK(0);
        return;
    }
    lerr e;
    CHECK(a.lr->npages > 12);
    a.page = 10;
    const layout_result *before = a.lr;
    uint32_t sent = a.lr->pages[10].text_start;
    for (int step = TUN_SIZE_DEFAULT + 1; step < TUN_SIZE_STEPS; step++) {
        CHECK(app_set_size_step(&a, step, &e) == 0);
        size_t p = a.page;
        uint32_t from = a.lr->pages[p].text_start;
        uint32_t to = p + 1 < a.lr->npages ? a.lr->pages[p + 1].text_start : (uint32_t)a.es.size;
        CHECKF(sent >= from && sent < to, "step %d: text at byte %u, page %zu shows %u..%u", step, sent, p + 1,
               from, to);
    }
    size_t made = layout_cache_layouts(a.layouts);
    CHECK(app_set_size_step(&a, TUN_SIZE_DEFAULT, &e) == 0);
    CHECKF(a.lr == before && a.page == 10, "back at the default size: page %zu", a.page + 1);
    CHECKF(layout_cache_layouts(a.layouts) == made, "the default size was laid out again");
    app_close(&a);
}

/* ---- fonts ----------------------------------------------------------------------------------------- */

TEST(kerning_comes_from_gpos)
{
    /* Noto Serif kerns only in GPOS (no 'kern' table): SDL_ttf's own
     * kerning call would say 0 for "AV"; ours must not. */
    const char *path = "/usr/share/fonts/truetype/noto/NotoSerif-Regular.ttf";
    FILE *f = fopen(path, "rb");
    CHECKF(f != NULL, "%s is missing: install fonts-noto-core (a build dependency, tools/deps.sh)", path);
    if (!f) return;
    fclose(f);
    font_faces *fs;
    lerr e;
    uint16_t flags = 0;
    CHECKF(font_open_files(&fs, &path, &flags, 1, &e) == 0, "%s", e.msg);
    if (!fs) return;
    CHECK(font_set_size(fs, 40, &e) == 0);
    layout_metrics m = font_metrics(fs);
    int32_t k = m.kern(m.ctx, LAYOUT_BODY, 'A', 'V'), k2 = m.kern(m.ctx, LAYOUT_BODY, 'o', 'o');
    CHECKF(k < -64, "A-V kerning %d/64 px", k);
    CHECKF(k2 == 0, "o-o kerning %d", k2);
    CHECK(m.advance(m.ctx, LAYOUT_BODY, 'A') > 10 * 64);
    CHECK(m.advance(m.ctx, LAYOUT_H1, 'A') > m.advance(m.ctx, LAYOUT_BODY, 'A'));
    CHECK(m.ascent(m.ctx, LAYOUT_BODY) > 0 && m.ascent(m.ctx, LAYOUT_BODY) < m.line_height(m.ctx, LAYOUT_BODY));
    font_close(fs);
}

TEST(cjk_face_by_language_and_ttc_index)
{
    /* Two faces of one collection (.ttc), at the index their flags carry:
     * a Chinese essay's Han characters come from the SC face, a Japanese
     * one's from the JP face, and the two map 直 to different glyphs (the
     * regional forms), so the index is really used. */
    const char *ttc = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc";
    const char *charis = "/usr/share/fonts/truetype/charis/CharisSIL-Regular.ttf";
    static uint8_t *bytes[2];
    size_t size[2] = {0, 0};
    const char *paths[2] = {charis, ttc};
    for (int i = 0; i < 2; i++) {
        FILE *f = fopen(paths[i], "rb");
        CHECKF(f != NULL, "%s is missing: install fonts-noto-cjk and fonts-sil-charis (tools/deps.sh test)", paths[i]);
        if (!f) return;
        fseek(f, 0, SEEK_END);
        size[i] = (size_t)ftell(f);
        fseek(f, 0, SEEK_SET);
        bytes[i] = malloc(size[i]);
        CHECK(bytes[i] && fread(bytes[i], 1, size[i], f) == size[i]);
        fclose(f);
    }
    /* Noto Sans CJK's collection: 0 JP, 1 KR, 2 SC, 3 TC, 4 HK */
    font_src src[3] = {{bytes[0], size[0], 0, "Charis SIL Regular"},
                       {bytes[1], size[1], PACK_FONT_FALLBACK | 0 << 8, "Noto Sans CJK JP Regular"},
                       {bytes[1], size[1], PACK_FONT_FALLBACK | 2 << 8, "Noto Sans CJK SC Regular"}};
    font_faces *fs = NULL;
    lerr e;
    CHECKF(font_open_mem(&fs, src, 3, &e) == 0, "%s", e.msg);
    if (fs) {
        CHECK(font_set_size(fs, 24, &e) == 0);
        font_set_lang(fs, "zh", 2);
        int zh = font_face_of(fs, LAYOUT_BODY, 0x76F4);
        font_set_lang(fs, "ja", 2);
        int ja = font_face_of(fs, LAYOUT_BODY, 0x76F4);
        CHECKF(zh == 2 && ja == 1, "zh face %d, ja face %d", zh, ja);
        CHECK(font_face_of(fs, LAYOUT_BODY, 'a') == 0);
        uint32_t gj = font_nominal_glyph(fs, 1, 0x76F4), gs = font_nominal_glyph(fs, 2, 0x76F4);
        CHECKF(gj && gs && gj != gs, "直: JP glyph %u, SC glyph %u", (unsigned)gj, (unsigned)gs);
        /* and shaping draws from the face chosen, with the glyph it maps */
        font_set_lang(fs, "zh-Hans", 7);
        layout_metrics m = font_metrics(fs);
        size_t ng = 0;
        const layout_glyph *g = m.shape(m.ctx, LAYOUT_BODY, (const uint8_t *)"a\xE7\x9B\xB4", 4, &ng);
        CHECKF(g && ng == 2 && g[0].face == 0 && g[1].face == 2 && g[1].id == gs && g[1].cluster == 1,
               "%zu glyphs", ng);
        font_bitmap bm;
        CHECK(font_render_glyph(fs, LAYOUT_BODY, 2, gs, 0, &bm, &e) == 0 && bm.w > 10 && bm.h > 10 && !bm.color);
        font_close(fs);
    }
    free(bytes[0]);
    free(bytes[1]);
}

TEST(colour_emoji_scaled_to_the_text)
{
    /* Noto Color Emoji has one 109 px strike: drawn at the text's size */
    const char *path = "/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf";
    const char *charis = "/usr/share/fonts/truetype/charis/CharisSIL-Regular.ttf";
    const char *paths[2] = {charis, path};
    uint16_t flags[2] = {0, PACK_FONT_FALLBACK};
    FILE *f = fopen(path, "rb");
    CHECKF(f != NULL, "%s is missing: install fonts-noto-color-emoji (tools/deps.sh test)", path);
    if (!f) return;
    fclose(f);
    font_faces *fs;
    lerr e;
    CHECKF(font_open_files(&fs, paths, flags, 2, &e) == 0, "%s", e.msg);
    if (!fs) return;
    CHECK(font_set_size(fs, 20, &e) == 0);
    layout_metrics m = font_metrics(fs);
    size_t ng = 0;
    /* a ZWJ family and a flag: one glyph each */
    const layout_glyph *g = m.shape(m.ctx, LAYOUT_BODY,
                                    (const uint8_t *)"\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7", 18, &ng);
    CHECKF(g && ng == 1 && g[0].face == 1, "%zu glyphs", ng);
    uint32_t fam = g && ng ? g[0].id : 0;
    g = m.shape(m.ctx, LAYOUT_BODY, (const uint8_t *)"\xF0\x9F\x87\xAB\xF0\x9F\x87\xB7", 8, &ng);
    CHECKF(g && ng == 1, "flag: %zu glyphs", ng);
    font_bitmap bm;
    CHECK(font_render_glyph(fs, LAYOUT_BODY, 1, fam, 0, &bm, &e) == 0);
    CHECKF(bm.color && bm.w >= 18 && bm.w <= 30 && bm.h >= 18 && bm.h <= 30, "emoji %dx%d at 20 px (colour %d)", bm.w,
           bm.h, bm.color);
    font_close(fs);
}

TEST(bad_fonts_are_refused)
{
    static const uint8_t junk[] = "this is not a font, but it is long enough to look like one at first sight";
    font_src src = {junk, sizeof junk, 0, "junk.ttf"};
    font_faces *fs = NULL;
    lerr e = {{0}};
    CHECK(font_open_mem(&fs, &src, 1, &e) == -1 && fs == NULL);
    CHECKF(strstr(e.msg, "junk.ttf") != NULL, "message: %s", e.msg);
    const char *path = "/nonexistent/font.ttf";
    uint16_t fl = 0;
    CHECK(font_open_files(&fs, &path, &fl, 1, &e) == -1 && strstr(e.msg, "/nonexistent/font.ttf"));
    /* only an italic face: no regular one to set body text */
    app a;
    if (open_app(&a, 800, 480, THEME_LIGHT, 0) == 0) {
        size_t reg = (size_t)-1;
        for (size_t i = 0; i < pack_count(a.pk); i++)
            if (pack_entry_at(a.pk, i)->kind == PACK_FONT && pack_entry_at(a.pk, i)->flags == 0) reg = i;
        const uint8_t *d;
        size_t n;
        CHECK(reg != (size_t)-1 && pack_view(a.pk, reg, &d, &n, &e) == 0);
        font_src it = {d, n, PACK_FONT_ITALIC, "italic only"};
        CHECK(font_open_mem(&fs, &it, 1, &e) == -1 && strstr(e.msg, "regular"));
        CHECK(font_set_size(a.fonts, 2, &e) == -1 && font_body_px(a.fonts) > 2);
        app_close(&a);
    }
}

TEST(sizes_follow_the_panel)
{
    /* 9-10 pt at the panel's density, for the panels the reader targets. */
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        double dpi = page_guess_dpi(sizes[s][0], sizes[s][1]);
        int px = page_px_for_pt(PAGE_DEFAULT_PT, dpi);
        double pt = px * 72.0 / dpi;
        CHECKF(dpi > 80 && dpi < 250, "%dx%d: %.0f dpi", sizes[s][0], sizes[s][1], dpi);
        CHECKF(pt >= 9.0 && pt <= 10.0, "%dx%d: %d px is %.2f pt", sizes[s][0], sizes[s][1], px, pt);
    }
    CHECK(fabs(page_guess_dpi(800, 480) - 133) < 2); /* the 7" Touch Display */
    CHECK(page_guess_dpi(480, 800) == page_guess_dpi(800, 480));
    CHECK(render_theme_parse("sepia") == THEME_SEPIA && render_theme_parse("blue") == -1);
    CHECK(render_theme_at(99) == render_theme_at(THEME_LIGHT));
}

int main(int argc, char **argv)
{
    if (argc == 3 && !strcmp(argv[1], "--update-golden")) update_dir = argv[2];
    setenv("SDL_VIDEODRIVER", "offscreen", 1);
    if (SDL_Init(SDL_INIT_VIDEO) || TTF_Init()) {
        printf("FAIL sdl_init\n");
        fprintf(stderr, "  %s\n", SDL_GetError());
        return 1;
    }
    RUN(golden_800x480_light);
    RUN(golden_720x1280_dark);
    RUN(golden_1920x1080_sepia);
    RUN(golden_md_800x480_page_1);
    RUN(golden_md_800x480_page_2);
    RUN(golden_md_720x1280_page_1);
    RUN(golden_md_800x480_page_3);
    RUN(golden_script_arabic);
    RUN(golden_script_hebrew);
    RUN(golden_script_devanagari);
    RUN(golden_script_thai);
    RUN(golden_script_chinese);
    RUN(golden_script_japanese);
    RUN(golden_script_emoji);
    if (!update_dir) {
        RUN(no_tofu_in_default_essays);
        RUN(glyphs_sit_on_their_metrics);
        RUN(margins_clean_at_every_size);
        RUN(atlas_bounded_evicts_and_draws_the_same);
        RUN(atlas_grows_and_draws_the_same);
        RUN(atlas_warm_page_rasterizes_nothing);
        RUN(page_cache_turns_are_blits);
        RUN(size_change_keeps_the_sentence);
        RUN(kerning_comes_from_gpos);
        RUN(cjk_face_by_language_and_ttc_index);
        RUN(colour_emoji_scaled_to_the_text);
        RUN(bad_fonts_are_refused);
        RUN(sizes_follow_the_panel);
    }
    TTF_Quit();
    IMG_Quit();
    SDL_Quit();
    return T_END();
}

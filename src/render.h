/* render.h - draw typeset pages with SDL2: a glyph atlas, themes, page
 * furniture, and a small cache of pre-rendered pages.
 *
 * Glyphs are rasterized once into one atlas texture: shaped glyph ids
 * (layout_line_shaped, and render_text's words) through FreeType
 * (font_render_glyph: coverage in alpha, colour emoji as their colours),
 * keyed by (face, role, size, glyph id); without a shaper, code points
 * through SDL_ttf (TTF_RenderGlyph32_Blended), keyed by (face, style,
 * size, code point) and cropped to their ink. A page is then one SDL_RenderGeometry call of
 * textured quads: no TTF_Render* per frame, no per-line surfaces. On a GPU
 * renderer glyphs are white and the quads' vertex colour (texture colour
 * modulation) tints them with the theme's ink. SDL's software blitter is
 * twice as slow with modulation, so with the software renderer glyphs are
 * rasterized in their colour instead (the colour joins the key; a page
 * uses two, ink and furniture) and drawn unmodulated.
 *
 * The atlas is a fixed-size texture packed in shelves (rows). When it is
 * full, the least recently used shelf that is tall enough is emptied and
 * reused; only if every shelf is in use by the page being drawn is the
 * queue drawn and the whole atlas reset. Its size never grows.
 *
 * Pages drawn through render_cached_page live in a 3-slot cache of target
 * textures keyed by (essay, page, theme, size, geometry). After showing page
 * p, render_prefetch draws p-1 and p+1, so a turn is a blit.
 *
 * Not every renderer has render targets (SDL_TEXTUREACCESS_TARGET): SDL's
 * desktop-GL renderer on a driver without framebuffer objects has none, and
 * creating or drawing into one can fail later on any renderer. Without
 * them render_show_page draws the page straight onto the screen each time
 * it is shown: the same draw calls at the same pixels (offset and clipped
 * to the page's rectangle), so the same picture, for the cost of drawing
 * the page each frame instead of copying it (two while a turn animates).
 *
 * SDL code (src/render*.c). No global state. */
#ifndef LECTERN_RENDER_H
#define LECTERN_RENDER_H

#include <stddef.h>
#include <stdint.h>

#include <SDL2/SDL.h>

#include "essay.h"
#include "font.h"
#include "layout.h"
#include "page.h"
#include "tunables.h"
#include "util.h"

/* ---- themes ---------------------------------------------------------------- */

/* Ids: enum theme_id, from the one theme table in tunables.h. */

typedef struct render_theme {
    const char *name;
    SDL_Color bg;    /* paper */
    SDL_Color ink;   /* text */
    SDL_Color muted; /* running title, page number */
    SDL_Color track; /* progress bar, unread part */
    SDL_Color fill;  /* progress bar, read part */
    float card, line, button, sheet; /* the screens' mixes of text into paper (0..1) */
    uint8_t scrim;   /* the scrim's alpha over a page under the menu */
} render_theme;

/* Theme by id (out-of-range ids give light), and id by name ("light",
 * "dark", "sepia"), or -1 for an unknown name. */
const render_theme *render_theme_at(int id);
int render_theme_parse(const char *name);

/* Physical size and page geometry are page.h's (plain C, no SDL). */

/* ---- renderer ---------------------------------------------------------------- */

typedef struct render render;

#define RENDER_ATLAS_DEFAULT 512

/* Statistics, for tests, --layout-stats -v and benchmarks. */
typedef struct render_stats {
    uint64_t hits, misses;  /* glyph lookups in the atlas */
    uint64_t evictions;     /* glyphs dropped to make room */
    uint64_t resets;        /* whole-atlas resets (every shelf was in use by one page) */
    size_t glyphs;          /* glyphs in the atlas now */
    size_t shelves;         /* shelves now */
    size_t used_px;         /* atlas pixels holding glyphs now */
    size_t bytes;           /* atlas texture + tables (the texture's rows as made so far) */
    uint64_t grows;         /* times the atlas texture was made taller (it starts small) */
    int atlas_w, atlas_h;
    uint64_t page_hits, page_misses; /* page cache */
    uint64_t pages_drawn;
    uint64_t pages_direct;  /* of those, drawn straight onto the screen (no render targets) */
} render_stats;

/* A renderer drawing with r (borrowed) and the faces fs (borrowed, may be
 * resized between pages: glyphs of other sizes stay cached until evicted).
 * atlas_w x atlas_h is the atlas size in pixels (0 = RENDER_ATLAS_DEFAULT;
 * at least 64): its texture starts 256 rows high (or atlas_h, if less) and
 * is made taller as glyphs fill it, up to atlas_h (a cold start that draws
 * one page writes half of a default atlas). It uses render targets when r
 * has them (SDL_RenderTargetSupported). Returns 0, or -1 with a message (texture
 * creation failed). */
int render_create(render **out, SDL_Renderer *r, font_faces *fs, int atlas_w, int atlas_h, lerr *e);

/* Frees the atlas and the page cache textures. NULL is fine. */
void render_destroy(render *rd);

void render_get_stats(const render *rd, render_stats *s);

/* One page to draw. Everything is borrowed for the duration of the call. */
typedef struct render_page {
    const essay *es;
    const layout_result *lr;
    size_t page;             /* 0-based, < lr->npages (an essay with no pages draws furniture only) */
    const uint8_t *title;    /* running title, UTF-8 (may be NULL) */
    size_t title_len;
    int theme;               /* enum theme_id */
    const page_geom *geom;
    uint32_t essay_id;       /* identifies the essay in the page cache key */
} render_page;

/* Draw the page into the renderer's current target, which must be
 * geom->w x geom->h. Returns 0, or -1 with a message. */
int render_draw_page(render *rd, const render_page *pg, lerr *e);

/* Draw the page into a new target texture (caller destroys it). NULL with a
 * message when the renderer cannot make target textures or rd uses none
 * (render_targets); this leaves rd's choice as it is. */
SDL_Texture *render_page_to_texture(render *rd, const render_page *pg, lerr *e);

/* The page as a texture from the page cache, drawn on a miss (NULL with a
 * message without render targets, or when one fails, which turns them off
 * as in render_show_page). The texture
 * belongs to the cache and stays valid while the cache holds it: at least
 * until a page other than pg->page-1..pg->page+1 of the same essay, theme
 * and geometry is asked for, or render_cache_clear. The slot replaced on a
 * miss is the one farthest from the page asked for (another essay, theme or
 * size counts as farthest), then the least recently used. */
SDL_Texture *render_cached_page(render *rd, const render_page *pg, lerr *e);

/* Pre-render pg->page-1 and pg->page+1 (where they exist) into the cache,
 * keeping pg->page. Call after presenting pg. Without render targets there
 * is nothing to do; a target that fails here turns them off as in
 * render_show_page. Returns 0, or -1 with a message (drawing failed). */
int render_prefetch(render *rd, const render_page *pg, lerr *e);

/* Drop every cached page (e.g. after the renderer's targets were reset). */
void render_cache_clear(render *rd);

/* Burn-in care (burnin.h): draw the page furniture, the running title and
 * the page number, dx, dy pixels from their place in the geometry from now
 * on (0, 0 at first). Pages cached with another shift are drawn again when
 * next shown; the text body, the progress bar and the layout do not move. */
void render_furniture_shift(render *rd, int dx, int dy);

/* ---- without render targets ------------------------------------------------------ */

/* 1 while pages go through the cache of target textures, 0 once they are
 * drawn straight onto the screen. *why (when why is not NULL) is set to the
 * reason for 0 (NULL for 1): the renderer has none, render_no_targets was
 * called, or the SDL error of the first target that could not be created or
 * drawn into. The string belongs to rd. */
int render_targets(const render *rd, const char **why);

/* Page textures are at most max px a side (the renderer's limit, 0: none):
 * a page larger than that is not cached but drawn straight onto the
 * screen (render_targets then says why), never a black page. */
void render_limit_textures(render *rd, int max);

/* Use no render targets from now on (a test, or LECTERN_NO_RENDER_TARGETS):
 * frees the cached pages. `why` is copied, for render_targets. */
void render_no_targets(render *rd, const char *why);

/* Show page pg on the renderer's current target with its top-left corner at
 * (x, y), clipped to the target: a copy from the page cache (drawn on a
 * miss), or without render targets the page drawn right there, clipped to
 * its own rectangle as the copy is. When the cache fails (a target texture
 * cannot be created or drawn into) rd stops using targets for good (see
 * render_targets) and the page is drawn directly: the caller sees a page,
 * not an error. Returns 0, or -1 with a message (drawing failed). */
int render_show_page(render *rd, const render_page *pg, int x, int y, lerr *e);

/* Text outside the page body (furniture now; library cards and the menu
 * next). render_text queues the UTF-8 string s[0..n) in font role `role`
 * with its pen starting at x and baseline at y (pixels), tinted c; quads are
 * drawn at render_flush (render_draw_page flushes itself). Its words (the
 * runs between spaces) are shaped as layout shapes them (fallback faces,
 * ligatures, joining); invalid UTF-8 bytes are drawn as U+FFFD.
 * render_text_width measures the same in 26.6. */
void render_text(render *rd, int role, const uint8_t *s, size_t n, int x, int y, SDL_Color c);
int32_t render_text_width(render *rd, int role, const uint8_t *s, size_t n);
int render_flush(render *rd);

/* ---- screens other than pages: library cards, menu, end and error pages ----
 * These draw into the renderer's current target, in order with the text
 * queued by render_text (they flush it first, so text drawn before a
 * rectangle stays under it). */

/* Fill a rectangle; c.a < 255 blends it over what is there (a scrim). */
void render_fill(render *rd, int x, int y, int w, int h, SDL_Color c);

/* Fill a rectangle with corners rounded to `radius` pixels (clamped to half
 * the shorter side), with anti-aliased corner edges. */
void render_round_rect(render *rd, int x, int y, int w, int h, int radius, SDL_Color c);

/* One line of UI text: s[0..n) in role `role`, with soft hyphens dropped
 * and control characters shown as spaces, shortened with an ellipsis when
 * wider than max_px. It lies in [x, x + max_px), at its left (align 0),
 * centre (1) or right (2), baseline y. Measures in one pass, so a very long
 * title costs no more than its length. Returns the width drawn in pixels.
 * render_text_line_width measures the same without drawing. */
int render_text_line(render *rd, int role, const uint8_t *s, size_t n, int x, int y, int max_px, int align,
                     SDL_Color c);
int render_text_line_width(render *rd, int role, const uint8_t *s, size_t n, int max_px);

#endif

/* page.h - a typeset page without SDL: where things go on a screen of a
 * given size (geometry, themes, the text size for a panel), and a painter
 * that draws a page into pixels in memory with FreeType's glyphs alone.
 *
 * The painter is the page drawing of render.c (SDL's renderer, its glyph
 * atlas and page cache) done in plain C: the same paper, running title,
 * lines, underlines and strike-throughs, page number and progress bar, at
 * the same pixels, blended as SDL's software renderer blends (so a page
 * painted here and one drawn through SDL differ by rounding at most). It
 * is what a headless page costs without SDL: no video subsystem, no
 * renderer, no textures.
 *
 * Plain C11 over font.h (HarfBuzz, FreeType); no SDL. No global state. */
#ifndef LECTERN_PAGE_H
#define LECTERN_PAGE_H

#include <stddef.h>
#include <stdint.h>

#include "essay.h"
#include "font.h"
#include "layout.h"
#include "tunables.h"
#include "util.h"

/* ---- themes ---------------------------------------------------------------- */

typedef struct page_rgb {
    uint8_t r, g, b;
} page_rgb;

/* The colours of theme `id` (enum theme_id, tunables.h; out of range:
 * light), from the one theme table render.c's themes come from too. */
typedef struct page_colors {
    page_rgb bg, ink, muted, track, fill;
} page_colors;

page_colors page_theme_colors(int id);

/* ---- physical size --------------------------------------------------------- */

#define PAGE_DEFAULT_PT 9.5

/* Pixels per inch of a panel of w x h pixels when the display does not say:
 * the diagonal in pixels over the diagonal in inches of the panel that
 * usually has that resolution (7" for 800x480, 1024x600 and the 720x1280
 * Touch Display 2; 10.1" for 1280x800; 15.6" for 1920x1080, the Raspberry
 * Pi monitor), else a guess from the pixel count. */
double page_guess_dpi(int w, int h);

/* Body text pixel size for pt points at dpi (rounded, FONT_MIN_PX..FONT_MAX_PX). */
int page_px_for_pt(double pt, double dpi);

/* ---- page geometry ---------------------------------------------------------- */

/* Where things go on a w x h page for the font set's current size. All in
 * whole pixels. Margins scale with the screen; the text column is capped at
 * about 36 em so lines stay readable on wide screens. */
typedef struct page_geom {
    int w, h;
    int text_x, text_y, text_w, text_h; /* the layout's text area */
    int title_base;                     /* baseline of the running title */
    int title_w;                        /* its widest, centred on the text (text_w; the reader
                                         * narrows it to keep clear of its menu mark) */
    int folio_base;                     /* baseline of "3 / 12" */
    int bar_y, bar_h;                   /* progress bar, across the text width */
} page_geom;

void page_geometry(font_faces *fs, int w, int h, page_geom *g);

/* The layout parameters that go with the geometry: text area, paragraph
 * space (0.6 line), block indent (1.6 em), justified. */
layout_params page_layout_params(font_faces *fs, const page_geom *g);

/* ---- what a page draws -------------------------------------------------------------- */

/* What page_walk and page_text report, in drawing order, to whoever draws
 * (render.c through SDL, the painter below in memory). Positions are whole
 * pixels on the page: a glyph's pen and baseline, y downwards. */
typedef struct page_ops {
    /* an opaque rectangle (an underline, the progress bar) */
    void (*fill)(void *ctx, int x, int y, int w, int h, page_rgb c);
    /* glyph gid of face `face` (font.h) in role `role`, (1000 + expand)/1000 wide */
    void (*glyph)(void *ctx, int role, int face, uint32_t gid, int expand, int x, int y, page_rgb c);
    /* a code point, only when shaping failed (out of memory); may be NULL */
    void (*cp)(void *ctx, int role, uint32_t cp, int x, int y, page_rgb c);
} page_ops;

/* One page to walk or paint. Everything is borrowed for the duration of the call. */
typedef struct page_job {
    const essay *es;
    const layout_result *lr;
    size_t page;          /* 0-based, < lr->npages (else furniture only) */
    const uint8_t *title; /* running title, UTF-8 (may be NULL) */
    size_t title_len;
    int theme;            /* enum theme_id */
    const page_geom *geom;
    int fdx, fdy;         /* the furniture's burn-in shift (render_furniture_shift) */
} page_job;

/* Everything on the page but its paper: the running title (shortened with
 * an ellipsis to fit), the lines of job->page with their underlines and
 * strike-throughs, the page number and the progress bar. */
void page_walk(font_faces *fs, const page_job *job, const page_ops *ops, void *ctx);

/* The UTF-8 text s[0..n) in role `role`, its words (the runs between
 * spaces) shaped as layout shapes them, spaces at their advance, with its
 * pen starting at x and baseline at y; reported to ops (NULL: measure
 * only). Returns its width in 26.6. */
int32_t page_text(font_faces *fs, int role, const uint8_t *s, size_t n, int x, int y, page_rgb c,
                  const page_ops *ops, void *ctx);

/* ---- the painter --------------------------------------------------------------- */

/* Pixels in memory: B, G, R and an unused byte per pixel (the bytes of
 * SDL's ARGB8888 on a little-endian machine, as shot_save_png's SHOT_BGRX
 * reads them), rows `pitch` bytes apart. Borrowed. */
typedef struct page_canvas {
    uint8_t *px;
    int w, h;
    size_t pitch;
} page_canvas;

typedef struct page_painter page_painter;

/* A painter drawing with the faces fs (borrowed; they may change size
 * between pages). It keeps each glyph it has rasterized (coverage, or a
 * colour glyph's pixels), keyed as render.c's atlas keys them, until
 * page_painter_free; once they pass PAGE_GLYPH_BYTES / 2 the next page
 * starts afresh. Returns 0, or -1 with a message (out of memory). */
#define PAGE_GLYPH_BYTES (8u << 20)
int page_painter_new(page_painter **out, font_faces *fs, lerr *e);

/* Frees the painter and its glyphs. NULL is fine. */
void page_painter_free(page_painter *pp);

/* Paint job's page onto c, which must be job->geom->w x h (pixels outside
 * are not touched; everything drawn is clipped to c). Returns 0, or -1 with
 * a message (out of memory; c then holds part of the page). */
int page_paint(page_painter *pp, const page_job *job, page_canvas *c, lerr *e);

#endif

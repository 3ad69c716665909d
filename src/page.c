/* page.c - page geometry, themes and the SDL-free painter. See page.h. */
#include "page.h"

#include "text.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- themes ---------------------------------------------------------------- */

#define RGB(x) {(uint8_t)((x) >> 16 & 255), (uint8_t)((x) >> 8 & 255), (uint8_t)((x) & 255)}
#define THEME_ROW(id, name, bg, ink, muted, track, fill, ...) {RGB(bg), RGB(ink), RGB(muted), RGB(track), RGB(fill)},
static const page_colors theme_colors[THEME_COUNT] = {TUN_THEMES(THEME_ROW)};
#undef THEME_ROW
#undef RGB

page_colors page_theme_colors(int id) { return theme_colors[id >= 0 && id < THEME_COUNT ? id : THEME_LIGHT]; }

/* ---- physical size --------------------------------------------------------- */

double page_guess_dpi(int w, int h)
{
    static const struct { int w, h; double inches; } panels[] = {
        {800, 480, 7.0},   /* Raspberry Pi Touch Display */
        {1024, 600, 7.0},  /* common 7" HDMI/DSI panels */
        {720, 1280, 7.0},  /* Touch Display 2 */
        {1280, 800, 10.1}, /* 10" panels */
        {1920, 1080, 15.6},/* Raspberry Pi Monitor */
        {1280, 720, 7.0},
        {1920, 1200, 15.6},
        {2560, 1440, 27.0},
        {3840, 2160, 27.0},
    };
    int a = w > h ? w : h, b = w > h ? h : w;
    double diag = sqrt((double)w * w + (double)h * h);
    for (size_t i = 0; i < sizeof panels / sizeof panels[0]; i++) {
        int pa = panels[i].w > panels[i].h ? panels[i].w : panels[i].h;
        int pb = panels[i].w > panels[i].h ? panels[i].h : panels[i].w;
        if (a == pa && b == pb) return diag / panels[i].inches;
    }
    /* Unknown: small panels are about 7", laptops and monitors about
     * 15", anything bigger a desktop monitor. */
    if (diag <= 1500) return diag / 7.0;
    if (diag <= 2400) return diag / 15.6;
    return diag / 27.0;
}

int page_px_for_pt(double pt, double dpi)
{
    int px = (int)lround(pt * dpi / 72.0);
    if (px < FONT_MIN_PX) px = FONT_MIN_PX;
    if (px > FONT_MAX_PX) px = FONT_MAX_PX;
    return px;
}

/* ---- geometry --------------------------------------------------------------- */

static int r26(int32_t v) { return (int)floor((v + 32) / 64.0); }

void page_geometry(font_faces *fs, int w, int h, page_geom *g)
{
    layout_metrics m = font_metrics(fs);
    int B = font_body_px(fs);
    int L = r26(m.line_height(m.ctx, LAYOUT_BODY));
    int SL = r26(m.line_height(m.ctx, LAYOUT_SMALL));
    int Sa = r26(m.ascent(m.ctx, LAYOUT_SMALL));
    memset(g, 0, sizeof *g);
    g->w = w;
    g->h = h;

    /* Side margins: 5% of the width but at least 1.5 em, and the column no
     * wider than 36 em (about 75 characters); centred. */
    int side = (int)lround(w * TUN_SIDE_MARGIN), side_min = (int)(B * TUN_SIDE_MIN_EM);
    if (side < side_min) side = side_min;
    int tw = w - 2 * side, cap = B * TUN_COLUMN_MAX_EM, least = B * TUN_COLUMN_MIN_EM;
    if (tw > cap) tw = cap;
    if (tw < least) tw = w > least ? least : w;
    g->text_w = tw;
    g->text_x = (w - tw) / 2;
    g->title_w = tw;

    int pad = (int)lround(h * TUN_EDGE_PAD);
    if (pad < L / 3) pad = L / 3;
    g->title_base = pad + Sa;
    g->text_y = pad + SL + (int)lround(L * 0.7);

    g->bar_h = h >= 1000 ? 3 : 2;
    g->bar_y = h - pad - g->bar_h;
    g->folio_base = g->bar_y - (int)lround(SL * 0.55) - (SL - Sa);
    int text_bottom = g->folio_base - Sa - (int)lround(L * 0.8);
    g->text_h = text_bottom - g->text_y;
    if (g->text_h < L) g->text_h = L; /* tiny screens: at least one line; layout decides */
}

layout_params page_layout_params(font_faces *fs, const page_geom *g)
{
    layout_metrics m = font_metrics(fs);
    int32_t L = m.line_height(m.ctx, LAYOUT_BODY);
    int B = font_body_px(fs);
    layout_params p;
    memset(&p, 0, sizeof p);
    p.width = (int32_t)g->text_w * 64;
    p.height = (int32_t)g->text_h * 64;
    p.para_space = (int32_t)lround(L * TUN_PARA_SPACE_LINES / 64) * 64; /* whole pixels keep baselines crisp */
    p.indent = (int32_t)lround(B * TUN_INDENT_EM) * 64;
    p.justify = 1;
    p.expand = LAYOUT_EXPAND_MAX;
    p.protrude = 1;
    return p;
}

/* ---- what a page draws ------------------------------------------------------- */

int32_t page_text(font_faces *fs, int role, const uint8_t *s, size_t n, int x, int y, page_rgb c,
                  const page_ops *ops, void *ctx)
{
    layout_metrics m = font_metrics(fs);
    int32_t pen = (int32_t)x * 64, x0 = pen;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t k = text_next(s + i, n - i, &cp);
        if (cp == ' ' || cp == 0xA0) {
            pen += m.advance(m.ctx, role, cp);
            i += k;
            continue;
        }
        size_t j = i;
        while (j < n) {
            uint32_t q;
            size_t kq = text_next(s + j, n - j, &q);
            if (q == ' ' || q == 0xA0) break;
            j += kq;
        }
        size_t ng = 0;
        const layout_glyph *g = m.shape(m.ctx, role, s + i, j - i, &ng);
        if (!g) { /* out of memory: code point by code point */
            for (size_t q = i; q < j;) {
                uint32_t cq;
                q += text_next(s + q, j - q, &cq);
                if (ops && ops->cp) ops->cp(ctx, role, cq, r26(pen), y, c);
                pen += m.advance(m.ctx, role, cq);
            }
        }
        for (size_t q = 0; g && q < ng; q++) {
            if (ops) ops->glyph(ctx, role, g[q].face, g[q].id, 0, r26(pen + g[q].dx), y - r26(g[q].dy), c);
            pen += g[q].advance;
        }
        i = j;
    }
    return pen - x0;
}

typedef struct walk {
    font_faces *fs;
    const page_ops *ops;
    void *ctx;
    int x, y;   /* the text area's origin */
    page_rgb c; /* ink */
    int expand; /* the line's font expansion, per mille (layout_line.expand) */
} walk;

static void fill(const walk *w, int x, int y, int width, int h, page_rgb c)
{
    if (width > 0 && h > 0) w->ops->fill(w->ctx, x, y, width, h, c);
}

static void placed(void *ctx, const layout_placed *p)
{
    walk *w = ctx;
    w->ops->glyph(w->ctx, p->font, p->face, p->id, w->expand, w->x + r26(p->x), w->y + r26(p->y), w->c);
}

/* A link's underline (below the baseline) or a line through struck text
 * (at about half the x-height), in the ink, as thick as the size asks. */
static void decor(void *ctx, int style, int font, int32_t x0, int32_t x1, int32_t y)
{
    walk *w = ctx;
    int px = font_role_px(w->fs, font);
    int t = px >= 18 ? px / 18 : 1;
    int yy = w->y + r26(y) + (style == ESSAY_STYLE_STRIKE ? -(px * 28 + 50) / 100 : (px + 6) / 12);
    int xa = w->x + r26(x0), xb = w->x + r26(x1);
    fill(w, xa, yy - (style == ESSAY_STYLE_STRIKE ? t / 2 : 0), xb - xa, t, w->c);
}

/* The running title, shortened with an ellipsis to fit the text width. */
static void title(const walk *w, const page_job *job, page_rgb c)
{
    const page_geom *g = job->geom;
    if (!job->title || !job->title_len) return;
    static const uint8_t ell[] = "\xE2\x80\xA6";
    int32_t max = (int32_t)(g->title_w > 0 && g->title_w < g->text_w ? g->title_w : g->text_w) * 64;
    size_t n = job->title_len;
    int32_t wd = page_text(w->fs, LAYOUT_SMALL, job->title, n, 0, 0, c, NULL, NULL);
    int cut = 0;
    if (wd > max) {
        int32_t ew = page_text(w->fs, LAYOUT_SMALL, ell, 3, 0, 0, c, NULL, NULL);
        while (n > 0 && wd + ew > max) {
            do n--; while (n > 0 && (job->title[n] & 0xC0) == 0x80); /* back to a character start */
            while (n > 0 && job->title[n - 1] == ' ') n--;
            wd = page_text(w->fs, LAYOUT_SMALL, job->title, n, 0, 0, c, NULL, NULL);
        }
        wd += ew;
        cut = 1;
    }
    int x = g->text_x + (g->text_w - r26(wd)) / 2 + job->fdx, y = g->title_base + job->fdy;
    page_text(w->fs, LAYOUT_SMALL, job->title, n, x, y, c, w->ops, w->ctx);
    if (cut)
        page_text(w->fs, LAYOUT_SMALL, ell, 3, x + r26(wd - page_text(w->fs, LAYOUT_SMALL, ell, 3, 0, 0, c, NULL, NULL)),
                  y, c, w->ops, w->ctx);
}

void page_walk(font_faces *fs, const page_job *job, const page_ops *ops, void *ctx)
{
    page_colors th = page_theme_colors(job->theme);
    const page_geom *g = job->geom;
    const layout_result *lr = job->lr;
    walk w = {fs, ops, ctx, g->text_x, g->text_y, th.ink, 0};
    title(&w, job, th.muted);

    layout_metrics m = font_metrics(fs);
    if (lr && job->es && job->page < lr->npages) {
        const layout_page *p = &lr->pages[job->page];
        for (size_t i = p->first_line; i < (size_t)p->first_line + p->nlines && i < lr->nlines; i++) {
            const layout_line *ln = &lr->lines[i];
            w.expand = ln->expand;
            layout_line_shaped(job->es, ln, &m, placed, &w);
            layout_line_decor(job->es, ln, &m, decor, &w);
        }
    }

    /* Folio and progress bar. */
    size_t np = lr ? lr->npages : 0, cur = np ? job->page + 1 : 0;
    char folio[48];
    int fn = snprintf(folio, sizeof folio, "%zu / %zu", cur, np);
    int32_t fw = page_text(fs, LAYOUT_SMALL, (const uint8_t *)folio, (size_t)fn, 0, 0, th.muted, NULL, NULL);
    page_text(fs, LAYOUT_SMALL, (const uint8_t *)folio, (size_t)fn, g->text_x + (g->text_w - r26(fw)) / 2 + job->fdx,
              g->folio_base + job->fdy, th.muted, ops, ctx);
    int done = np ? (int)((double)g->text_w * cur / np + 0.5) : 0;
    fill(&w, g->text_x, g->bar_y, done, g->bar_h, th.fill);
    fill(&w, g->text_x + done, g->bar_y, g->text_w - done, g->bar_h, th.track);
}

/* ---- the painter ---------------------------------------------------------------- */

/* A rasterized glyph: w x h bytes of coverage, or (color) w x h straight
 * (not premultiplied) B, G, R, A pixels, in the painter's arena at `at`. */
typedef struct pglyph {
    uint64_t key;
    int16_t left, top;
    uint16_t w, h;
    uint8_t color, used;
    size_t at;
} pglyph;

/* A glyph to draw once every fill is down (SDL queues a page's glyphs
 * and draws them after its rectangles: an underline lies under the
 * descenders it crosses). */
typedef struct queued {
    pglyph g;
    int x, y;
    page_rgb c;
} queued;

struct page_painter {
    font_faces *fs;
    pglyph *g;        /* open addressing on key; used == 0: empty */
    size_t gmask, ng;
    uint8_t *arena;
    size_t alen, acap;
    queued *q;
    size_t nq, qcap;
    int oom;          /* a glyph or queue entry could not be kept during this paint */
    page_canvas *cv;  /* the canvas being painted */
};

int page_painter_new(page_painter **out, font_faces *fs, lerr *e)
{
    *out = NULL;
    page_painter *pp = calloc(1, sizeof *pp);
    if (pp) pp->g = calloc(1024, sizeof *pp->g);
    if (!pp || !pp->g) {
        free(pp);
        lerr_set(e, "out of memory for the page painter");
        return -1;
    }
    pp->gmask = 1023;
    pp->fs = fs;
    *out = pp;
    return 0;
}

void page_painter_free(page_painter *pp)
{
    if (!pp) return;
    free(pp->g);
    free(pp->arena);
    free(pp->q);
    free(pp);
}

static uint64_t mix64(uint64_t k)
{
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    return k;
}

/* Forget every glyph (the arena is full: a new page starts it afresh). */
static void forget(page_painter *pp)
{
    memset(pp->g, 0, (pp->gmask + 1) * sizeof *pp->g);
    pp->ng = 0;
    pp->alen = 0;
}

static int grow_table(page_painter *pp)
{
    size_t n = (pp->gmask + 1) * 2;
    pglyph *t = calloc(n, sizeof *t);
    if (!t) return -1;
    for (size_t i = 0; i <= pp->gmask; i++) {
        if (!pp->g[i].used) continue;
        size_t j = mix64(pp->g[i].key) & (n - 1);
        while (t[j].used) j = (j + 1) & (n - 1);
        t[j] = pp->g[i];
    }
    free(pp->g);
    pp->g = t;
    pp->gmask = n - 1;
    return 0;
}

/* The slot for key: the glyph there, or the empty slot it goes in. */
static pglyph *slot(page_painter *pp, uint64_t key)
{
    size_t j = mix64(key) & pp->gmask;
    while (pp->g[j].used && pp->g[j].key != key) j = (j + 1) & pp->gmask;
    return &pp->g[j];
}

/* Rasterize glyph gid of face fi in role `role` through FreeType into the
 * arena; NULL when it cannot be kept (out of memory). An inkless glyph is
 * kept too, with w = 0. */
static const pglyph *rasterize(page_painter *pp, uint64_t key, int role, int fi, uint32_t gid, int expand)
{
    if ((pp->ng + 1) * 2 > pp->gmask + 1 && grow_table(pp)) return NULL;
    font_bitmap bm;
    lerr e;
    pglyph gl = {key, 0, 0, 0, 0, 0, 1, 0};
    if (font_render_glyph(pp->fs, role, fi, gid, expand, &bm, &e) == 0 && bm.w > 0 && bm.h > 0 && bm.w <= 65535 &&
        bm.h <= 65535) {
        size_t bpp = bm.color ? 4 : 1, need = (size_t)bm.w * bm.h * bpp;
        if (pp->alen + need > pp->acap) {
            size_t cap = pp->acap ? pp->acap : 64 * 1024;
            while (cap < pp->alen + need) cap *= 2;
            uint8_t *a = realloc(pp->arena, cap);
            if (!a) return NULL;
            pp->arena = a;
            pp->acap = cap;
        }
        uint8_t *dst = pp->arena + pp->alen;
        for (int y = 0; y < bm.h; y++) {
            const uint8_t *row = bm.px + (size_t)y * bm.pitch;
            uint8_t *o = dst + (size_t)y * bm.w * bpp;
            if (!bm.color) {
                memcpy(o, row, (size_t)bm.w);
                continue;
            }
            for (int x = 0; x < bm.w; x++) { /* premultiplied BGRA to straight, as render.c's atlas has it */
                unsigned b = row[x * 4], g = row[x * 4 + 1], r = row[x * 4 + 2], a = row[x * 4 + 3];
                if (a) {
                    b = b * 255 / a;
                    g = g * 255 / a;
                    r = r * 255 / a;
                }
                o[x * 4] = (uint8_t)(b > 255 ? 255 : b);
                o[x * 4 + 1] = (uint8_t)(g > 255 ? 255 : g);
                o[x * 4 + 2] = (uint8_t)(r > 255 ? 255 : r);
                o[x * 4 + 3] = (uint8_t)a;
            }
        }
        gl.at = pp->alen;
        pp->alen += need;
        gl.w = (uint16_t)bm.w;
        gl.h = (uint16_t)bm.h;
        gl.left = (int16_t)bm.left;
        gl.top = (int16_t)bm.top;
        gl.color = (uint8_t)bm.color;
    }
    pglyph *s = slot(pp, key); /* after a grow: look again */
    *s = gl;
    pp->ng++;
    return s;
}

/* SDL's software alpha blend as Debian 12's SDL 2.26 computes it on
 * x86-64 (measured over every source, alpha and four papers):
 * s a / 256 + d (255 - a) / 256, each rounded down; a page painted here
 * matches one drawn through SDL there, and differs by rounding elsewhere. */
static inline uint8_t blend(uint32_t s, uint32_t d, uint32_t a) { return (uint8_t)((s * a >> 8) + (d * (255 - a) >> 8)); }

static void draw(page_canvas *cv, const page_painter *pp, const queued *q)
{
    const pglyph *g = &q->g;
    int x0 = q->x + g->left, y0 = q->y - g->top;
    int ya = y0 < 0 ? 0 : y0, yb = y0 + g->h > cv->h ? cv->h : y0 + g->h;
    int xa = x0 < 0 ? 0 : x0, xb = x0 + g->w > cv->w ? cv->w : x0 + g->w;
    uint32_t ink = (uint32_t)q->c.r << 16 | (uint32_t)q->c.g << 8 | q->c.b;
    const uint8_t *src = pp->arena + g->at;
    for (int y = ya; y < yb; y++) {
        uint8_t *row = cv->px + (size_t)y * cv->pitch;
        const uint8_t *sr = src + (size_t)(y - y0) * g->w * (g->color ? 4 : 1);
        for (int x = xa; x < xb; x++) {
            uint32_t a, s;
            if (g->color) {
                const uint8_t *p = sr + (size_t)(x - x0) * 4;
                a = p[3];
                s = (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
            } else {
                a = sr[x - x0];
                s = ink;
            }
            if (!a) continue;
            uint8_t *d = row + (size_t)x * 4;
            if (a == 255) {
                d[0] = (uint8_t)s;
                d[1] = (uint8_t)(s >> 8);
                d[2] = (uint8_t)(s >> 16);
            } else {
                d[0] = blend(s & 255, d[0], a);
                d[1] = blend(s >> 8 & 255, d[1], a);
                d[2] = blend(s >> 16, d[2], a);
            }
        }
    }
}

static void paint_fill(void *ctx, int x, int y, int w, int h, page_rgb c)
{
    page_painter *pp = ctx;
    page_canvas *cv = pp->cv;
    int xa = x < 0 ? 0 : x, ya = y < 0 ? 0 : y;
    int xb = x + w > cv->w ? cv->w : x + w, yb = y + h > cv->h ? cv->h : y + h;
    for (int yy = ya; yy < yb; yy++) {
        uint8_t *d = cv->px + (size_t)yy * cv->pitch + (size_t)xa * 4;
        for (int xx = xa; xx < xb; xx++, d += 4) {
            d[0] = c.b;
            d[1] = c.g;
            d[2] = c.r;
            d[3] = 255;
        }
    }
}

/* The glyph's key, as render.c's get_glyph_id makes it less the colour
 * (coverage is kept, and tinted when drawn). */
static void paint_glyph(void *ctx, int role, int face, uint32_t gid, int expand, int x, int y, page_rgb c)
{
    page_painter *pp = ctx;
    uint64_t px = (uint64_t)font_role_px(pp->fs, role) & 511;
    if (expand < -30 || expand > 30) expand = 0;
    uint64_t key = (uint64_t)(expand + 32) << 57 | (uint64_t)(face & 15) << 53 | (uint64_t)(role & 15) << 49 | px << 40 |
                   (gid & 0xFFFFFF);
    pglyph *g = slot(pp, key);
    const pglyph *hit = g->used ? g : rasterize(pp, key, role, face, gid, expand);
    if (!hit) {
        pp->oom = 1;
        return;
    }
    if (!hit->w) return;
    if (pp->nq == pp->qcap) {
        size_t n = pp->qcap ? pp->qcap * 2 : 2048;
        queued *q = realloc(pp->q, n * sizeof *q);
        if (!q) {
            pp->oom = 1;
            return;
        }
        pp->q = q;
        pp->qcap = n;
    }
    /* by value: the table may grow (and move) before the queue is drawn;
     * the arena may move too, but offsets into it stay */
    pp->q[pp->nq++] = (queued){*hit, x, y, c};
}

static const page_ops paint_ops = {paint_fill, paint_glyph, NULL};

int page_paint(page_painter *pp, const page_job *job, page_canvas *c, lerr *e)
{
    const page_geom *g = job->geom;
    if (c->w != g->w || c->h != g->h) {
        lerr_set(e, "a %dx%d page cannot be painted on a %dx%d canvas", g->w, g->h, c->w, c->h);
        return -1;
    }
    /* The arena is emptied between pages only, never while a page's
     * glyphs are queued: one page may take it past PAGE_GLYPH_BYTES. */
    if (pp->alen > PAGE_GLYPH_BYTES / 2) forget(pp);
    pp->cv = c;
    pp->nq = 0;
    pp->oom = 0;
    page_colors th = page_theme_colors(job->theme);
    paint_fill(pp, 0, 0, c->w, c->h, th.bg);
    page_walk(pp->fs, job, &paint_ops, pp);
    for (size_t i = 0; i < pp->nq; i++) draw(c, pp, &pp->q[i]);
    pp->nq = 0;
    pp->cv = NULL;
    if (pp->oom) {
        lerr_set(e, "out of memory painting the page");
        return -1;
    }
    return 0;
}

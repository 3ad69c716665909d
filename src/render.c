/* render.c - glyph atlas, themes, page furniture and the page cache.
 * See render.h for the design. */
#include "render.h"

#include "text.h"
#include "font_ttf.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- themes ---------------------------------------------------------------- */

/* From the one theme table (tunables.h). */
#define RGB(x) {(uint8_t)((x) >> 16 & 255), (uint8_t)((x) >> 8 & 255), (uint8_t)((x) & 255), 255}
#define THEME_ROW(id, name, bg, ink, muted, track, fill, card, line, button, sheet, scrim) \
    {name, RGB(bg), RGB(ink), RGB(muted), RGB(track), RGB(fill), card, line, button, sheet, scrim},
static const render_theme themes[THEME_COUNT] = {TUN_THEMES(THEME_ROW)};
#undef THEME_ROW
#undef RGB

const render_theme *render_theme_at(int id)
{
    return &themes[id >= 0 && id < THEME_COUNT ? id : THEME_LIGHT];
}

int render_theme_parse(const char *name)
{
    for (int i = 0; name && i < THEME_COUNT; i++)
        if (strcmp(name, themes[i].name) == 0) return i;
    return -1;
}

static int r26(int32_t v) { return (int)floor((v + 32) / 64.0); }

/* ---- the renderer ------------------------------------------------------------ */

#define MAX_SHELVES 512
#define ATLAS_START_H 256 /* rows of the atlas at first: one page's glyphs need fewer, and each
                             row made is memory written (SDL clears a new texture) */
#define PAGE_SLOTS 3

typedef struct shelf {
    int y, h, x;      /* top, height, next free x */
    uint64_t stamp;   /* flush epoch of last use */
} shelf;

typedef struct glyph {
    uint64_t key;
    int16_t ox, oy;    /* ink box's top-left relative to pen and baseline */
    uint16_t x, y, w, h; /* in the atlas; w == 0: nothing to draw */
    int16_t shelf;     /* -1: no ink (space) or could not be drawn */
    uint8_t color;     /* a colour glyph (emoji): drawn as it is, never tinted */
} glyph;

typedef struct page_slot {
    SDL_Texture *tex;
    int tw, th;        /* texture size */
    int valid;
    uint32_t essay;
    size_t page;
    int theme, body_px, w, h;
    int fdx, fdy;      /* the furniture's shift it was drawn with */
    const layout_result *lr;
    uint64_t used;
} page_slot;

struct render {
    SDL_Renderer *r;
    font_faces *fs;
    SDL_Texture *atlas;
    int aw, ah; /* the atlas's size at most */
    int th;     /* the texture's height now: it starts at ATLAS_START_H rows and grows to ah (atlas_grow) */
    shelf shelves[MAX_SHELVES];
    int nshelves, shelf_top;
    glyph *g;
    size_t ng, gcap;
    int32_t *table; /* open addressing: index+1 into g, 0 = empty */
    size_t tmask;
    uint64_t epoch;
    SDL_Vertex *v;
    int *idx;
    size_t nq, qcap;
    page_slot slots[PAGE_SLOTS];
    uint64_t tick;
    int tint; /* glyphs stored in their colour (software renderer), else white and tinted when drawn */
    int targets;        /* pages go through the cache of target textures; 0: drawn directly */
    char why[256];      /* why not, when targets == 0 */
    int fdx, fdy;       /* render_furniture_shift */
    int tex_max;        /* render_limit_textures: the largest page texture side; 0: any */
    render_stats st;
};

static uint64_t hash64(uint64_t k)
{
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdull;
    k ^= k >> 33;
    return k;
}

static void table_insert(render *rd, size_t gi)
{
    size_t i = hash64(rd->g[gi].key) & rd->tmask;
    while (rd->table[i]) i = (i + 1) & rd->tmask;
    rd->table[i] = (int32_t)gi + 1;
}

static glyph *table_find(render *rd, uint64_t key)
{
    size_t i = hash64(key) & rd->tmask;
    for (int32_t t; (t = rd->table[i]); i = (i + 1) & rd->tmask)
        if (rd->g[t - 1].key == key) return &rd->g[t - 1];
    return NULL;
}

/* Drop every glyph on shelf s (all shelves when s < 0) and rebuild the table. */
static void drop_glyphs(render *rd, int s)
{
    size_t k = 0;
    for (size_t i = 0; i < rd->ng; i++) {
        int gone = s < 0 || rd->g[i].shelf == s;
        if (gone && rd->g[i].shelf >= 0) rd->st.evictions++;
        if (!gone) rd->g[k++] = rd->g[i];
    }
    rd->ng = k;
    memset(rd->table, 0, (rd->tmask + 1) * sizeof *rd->table);
    for (size_t i = 0; i < rd->ng; i++) table_insert(rd, i);
}

static SDL_Texture *atlas_texture(SDL_Renderer *r, int w, int h)
{
    SDL_Texture *t = SDL_CreateTexture(r, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_STATIC, w, h);
    if (!t) return NULL;
    SDL_SetTextureBlendMode(t, SDL_BLENDMODE_BLEND);
    /* Quads map texels 1:1; nearest keeps a GPU from blurring them. */
    SDL_SetTextureScaleMode(t, SDL_ScaleModeNearest);
    return t;
}

int render_create(render **out, SDL_Renderer *r, font_faces *fs, int aw, int ah, lerr *e)
{
    *out = NULL;
    if (aw <= 0) aw = RENDER_ATLAS_DEFAULT;
    if (ah <= 0) ah = RENDER_ATLAS_DEFAULT;
    if (aw < 64 || ah < 64 || aw > 8192 || ah > 8192) {
        lerr_set(e, "glyph atlas %dx%d: size must be 64..8192", aw, ah);
        return -1;
    }
    render *rd = calloc(1, sizeof *rd);
    if (!rd) goto oom;
    rd->r = r;
    rd->fs = fs;
    rd->aw = aw;
    rd->ah = ah;
    /* A glyph takes at least ~6x6 pixels with its padding. */
    size_t cap = (size_t)aw * ah / 36;
    if (cap < 256) cap = 256;
    if (cap > 65536) cap = 65536;
    rd->gcap = cap;
    size_t t = 1;
    while (t < cap * 2) t <<= 1;
    rd->tmask = t - 1;
    rd->g = malloc(cap * sizeof *rd->g);
    rd->table = calloc(t, sizeof *rd->table);
    if (!rd->g || !rd->table) goto oom;
    rd->th = ah < ATLAS_START_H ? ah : ATLAS_START_H;
    rd->atlas = atlas_texture(r, aw, rd->th);
    if (!rd->atlas) {
        lerr_set(e, "glyph atlas %dx%d: %s", aw, rd->th, SDL_GetError());
        render_destroy(rd);
        return -1;
    }
    /* A GPU tints for free; SDL's software blitter is twice as slow with
     * colour modulation as without, so there glyphs are kept per colour
     * (a page uses two: ink and the furniture's). */
    SDL_RendererInfo info;
    int known = SDL_GetRendererInfo(r, &info) == 0;
    rd->tint = known && (info.flags & SDL_RENDERER_SOFTWARE);
    rd->targets = 1;
    if (!SDL_RenderTargetSupported(r)) {
        char why[sizeof rd->why];
        snprintf(why, sizeof why, "the %s renderer has no render targets", known ? info.name : "SDL");
        render_no_targets(rd, why);
    }
    rd->epoch = 1;
    rd->st.atlas_w = aw;
    rd->st.atlas_h = ah;
    rd->st.bytes = (size_t)aw * rd->th * 4 + cap * sizeof *rd->g + t * sizeof *rd->table;
    *out = rd;
    return 0;
oom:
    lerr_set(e, "out of memory for the glyph atlas");
    render_destroy(rd);
    return -1;
}

void render_destroy(render *rd)
{
    if (!rd) return;
    for (int i = 0; i < PAGE_SLOTS; i++)
        if (rd->slots[i].tex) SDL_DestroyTexture(rd->slots[i].tex);
    if (rd->atlas) SDL_DestroyTexture(rd->atlas);
    free(rd->g);
    free(rd->table);
    free(rd->v);
    free(rd->idx);
    free(rd);
}

void render_get_stats(const render *rd, render_stats *s)
{
    *s = rd->st;
    s->glyphs = rd->ng;
    s->shelves = (size_t)rd->nshelves;
    s->used_px = 0;
    for (size_t i = 0; i < rd->ng; i++) s->used_px += (size_t)rd->g[i].w * rd->g[i].h;
}

/* A taller atlas texture, at least `h` rows more than the shelves take:
 * twice as high (at most rd->ah). Its glyphs start again empty (they are
 * drawn again when next asked for: not evictions, and no more than the
 * few a page needed), after the quads queued so far, which point into the
 * old one, are drawn. Nothing changes when the texture cannot be made:
 * shelves are then reused as in a full atlas. */
static void atlas_grow(render *rd, int h)
{
    int nh = rd->th;
    while (nh < rd->ah && nh < rd->shelf_top + h) nh = nh * 2 < rd->ah ? nh * 2 : rd->ah;
    SDL_Texture *t = atlas_texture(rd->r, rd->aw, nh);
    if (!t) return;
    render_flush(rd);
    SDL_DestroyTexture(rd->atlas);
    rd->atlas = t;
    rd->st.bytes += (size_t)rd->aw * (nh - rd->th) * 4;
    rd->th = nh;
    rd->ng = 0;
    memset(rd->table, 0, (rd->tmask + 1) * sizeof *rd->table);
    rd->nshelves = 0;
    rd->shelf_top = 0;
    rd->st.grows++;
}

/* Room for a w x h box (padding included): a shelf that fits it snugly, a
 * new shelf (in an atlas grown for it, while it can grow), or the least
 * recently used shelf not used since the last flush. Returns the shelf
 * index or -1 (everything is in use). */
static int shelf_for(render *rd, int w, int h)
{
    int best = -1;
    for (int i = 0; i < rd->nshelves; i++) {
        shelf *s = &rd->shelves[i];
        if (s->h >= h && s->h <= h + h / 4 + 2 && s->x + w <= rd->aw && (best < 0 || s->h < rd->shelves[best].h))
            best = i;
    }
    if (best >= 0) return best;
    if (rd->shelf_top + h > rd->th && rd->shelf_top + h <= rd->ah && rd->nshelves < MAX_SHELVES) atlas_grow(rd, h);
    if (rd->shelf_top + h <= rd->th && rd->nshelves < MAX_SHELVES) {
        shelf *s = &rd->shelves[rd->nshelves];
        *s = (shelf){rd->shelf_top, h, 0, rd->epoch};
        rd->shelf_top += h;
        return rd->nshelves++;
    }
    int lru = -1;
    for (int i = 0; i < rd->nshelves; i++) {
        shelf *s = &rd->shelves[i];
        if (s->h >= h && s->stamp != rd->epoch && (lru < 0 || s->stamp < rd->shelves[lru].stamp)) lru = i;
    }
    if (lru >= 0) {
        drop_glyphs(rd, lru);
        rd->shelves[lru].x = 0;
    }
    return lru;
}

static void atlas_reset(render *rd)
{
    render_flush(rd); /* quads queued so far point into the atlas as it is */
    drop_glyphs(rd, -1);
    rd->nshelves = 0;
    rd->shelf_top = 0;
    rd->st.resets++;
}

/* Rasterize (role, cp) into the atlas. Returns the glyph, or NULL when it
 * cannot be drawn (no font, a glyph bigger than the atlas). */
static glyph *rasterize(render *rd, uint64_t key, TTF_Font *ttf, uint32_t cp, SDL_Color fg)
{
    if (rd->ng == rd->gcap) {
        int s = -1;
        for (int i = 0; i < rd->nshelves; i++)
            if (rd->shelves[i].stamp != rd->epoch && (s < 0 || rd->shelves[i].stamp < rd->shelves[s].stamp)) s = i;
        if (s >= 0) {
            drop_glyphs(rd, s);
            rd->shelves[s].x = 0;
        }
        if (rd->ng == rd->gcap) atlas_reset(rd); /* the table is full of inkless glyphs, or all in use */
    }
    glyph gl = {key, 0, 0, 0, 0, 0, 0, -1, 0};
    fg.a = 255;
    SDL_Surface *su = cp > ' ' ? TTF_RenderGlyph32_Blended(ttf, cp, fg) : NULL;
    if (su && su->format->format != SDL_PIXELFORMAT_ARGB8888) {
        SDL_Surface *c = SDL_ConvertSurfaceFormat(su, SDL_PIXELFORMAT_ARGB8888, 0);
        SDL_FreeSurface(su);
        su = c;
    }
    int x0 = 0, y0 = 0, x1 = -1, y1 = -1;
    if (su) {
        x0 = su->w;
        y0 = su->h;
        for (int y = 0; y < su->h; y++) {
            const uint32_t *row = (const uint32_t *)((const uint8_t *)su->pixels + (size_t)y * su->pitch);
            for (int x = 0; x < su->w; x++)
                if (row[x] >> 24) {
                    if (x < x0) x0 = x;
                    if (x > x1) x1 = x;
                    if (y < y0) y0 = y;
                    if (y > y1) y1 = y;
                }
        }
    }
    if (su && x1 >= x0) {
        int w = x1 - x0 + 1, h = y1 - y0 + 1;
        int minx = 0;
        TTF_GlyphMetrics32(ttf, cp, &minx, NULL, NULL, NULL, NULL);
        /* SDL_ttf puts the pen at column max(0, -minx) and the baseline at
         * row TTF_FontAscent of the glyph's surface. */
        gl.ox = (int16_t)(x0 - (minx < 0 ? -minx : 0));
        gl.oy = (int16_t)(y0 - TTF_FontAscent(ttf));
        if (w + 1 <= rd->aw && h + 1 <= rd->ah) {
            int s = shelf_for(rd, w + 1, h + 1);
            if (s < 0) {
                atlas_reset(rd);
                s = shelf_for(rd, w + 1, h + 1);
            }
            if (s >= 0) {
                shelf *sh = &rd->shelves[s];
                SDL_Rect dst = {sh->x, sh->y, w, h};
                const uint8_t *px = (const uint8_t *)su->pixels + (size_t)y0 * su->pitch + (size_t)x0 * 4;
                if (SDL_UpdateTexture(rd->atlas, &dst, px, su->pitch) == 0) {
                    gl.x = (uint16_t)sh->x;
                    gl.y = (uint16_t)sh->y;
                    gl.w = (uint16_t)w;
                    gl.h = (uint16_t)h;
                    gl.shelf = (int16_t)s;
                    sh->x += w + 1;
                    sh->stamp = rd->epoch;
                }
            }
        }
    }
    if (su) SDL_FreeSurface(su);
    rd->g[rd->ng] = gl;
    table_insert(rd, rd->ng);
    return &rd->g[rd->ng++];
}

/* The glyph cached under key, counted as a hit (and its shelf as used in
 * this epoch), or NULL, counted as a miss. */
static glyph *cache_hit(render *rd, uint64_t key)
{
    glyph *g = table_find(rd, key);
    if (!g) {
        rd->st.misses++;
        return NULL;
    }
    rd->st.hits++;
    if (g->shelf >= 0) rd->shelves[g->shelf].stamp = rd->epoch;
    return g;
}

/* The atlas glyph for (role, cp), white or, when tinting, in colour c. */
static glyph *get_glyph(render *rd, int role, uint32_t cp, SDL_Color c)
{
    static const SDL_Color white = {255, 255, 255, 255};
    uint32_t fkey;
    TTF_Font *ttf = font_glyph_face(rd->fs, role, cp, &fkey, NULL);
    if (!ttf) return NULL;
    if (!rd->tint) c = white;
    uint64_t rgb = (uint64_t)c.r << 16 | (uint64_t)c.g << 8 | c.b;
    uint64_t key = (uint64_t)fkey << 45 | rgb << 21 | (cp & 0x1FFFFF);
    glyph *g = cache_hit(rd, key);
    return g ? g : rasterize(rd, key, ttf, cp, c);
}

/* Make room for one more glyph in the table (as rasterize does). */
static void glyph_room(render *rd)
{
    if (rd->ng < rd->gcap) return;
    int s = -1;
    for (int i = 0; i < rd->nshelves; i++)
        if (rd->shelves[i].stamp != rd->epoch && (s < 0 || rd->shelves[i].stamp < rd->shelves[s].stamp)) s = i;
    if (s >= 0) {
        drop_glyphs(rd, s);
        rd->shelves[s].x = 0;
    }
    if (rd->ng == rd->gcap) atlas_reset(rd);
}

/* Rasterize glyph id gid of face fi in role `role` through FreeType
 * (font_render_glyph) into the atlas: coverage as alpha, white or in fg
 * when tinting; a colour glyph as its own colours. */
static glyph *rasterize_id(render *rd, uint64_t key, int role, int fi, uint32_t gid, int expand, SDL_Color fg)
{
    glyph_room(rd);
    glyph gl = {key, 0, 0, 0, 0, 0, 0, -1, 0};
    font_bitmap bm;
    lerr e;
    if (font_render_glyph(rd->fs, role, fi, gid, expand, &bm, &e) == 0 && bm.w > 0 && bm.h > 0 && bm.w + 1 <= rd->aw &&
        bm.h + 1 <= rd->ah) {
        uint32_t *px = malloc((size_t)bm.w * bm.h * 4);
        if (px) {
            for (int y = 0; y < bm.h; y++) {
                const uint8_t *row = bm.px + (size_t)y * bm.pitch;
                for (int x = 0; x < bm.w; x++) {
                    uint32_t v;
                    if (bm.color) { /* premultiplied BGRA to straight ARGB */
                        unsigned b = row[x * 4], g = row[x * 4 + 1], r = row[x * 4 + 2], a = row[x * 4 + 3];
                        if (a) {
                            b = b * 255 / a;
                            g = g * 255 / a;
                            r = r * 255 / a;
                        }
                        v = (uint32_t)a << 24 | (r > 255 ? 255 : r) << 16 | (g > 255 ? 255 : g) << 8 | (b > 255 ? 255 : b);
                    } else {
                        v = (uint32_t)row[x] << 24 | (uint32_t)fg.r << 16 | (uint32_t)fg.g << 8 | fg.b;
                    }
                    px[(size_t)y * bm.w + x] = v;
                }
            }
            gl.ox = (int16_t)bm.left;
            gl.oy = (int16_t)-bm.top;
            gl.color = (uint8_t)bm.color;
            int s = shelf_for(rd, bm.w + 1, bm.h + 1);
            if (s < 0) {
                atlas_reset(rd);
                s = shelf_for(rd, bm.w + 1, bm.h + 1);
            }
            if (s >= 0) {
                shelf *sh = &rd->shelves[s];
                SDL_Rect dst = {sh->x, sh->y, bm.w, bm.h};
                if (SDL_UpdateTexture(rd->atlas, &dst, px, bm.w * 4) == 0) {
                    gl.x = (uint16_t)sh->x;
                    gl.y = (uint16_t)sh->y;
                    gl.w = (uint16_t)bm.w;
                    gl.h = (uint16_t)bm.h;
                    gl.shelf = (int16_t)s;
                    sh->x += bm.w + 1;
                    sh->stamp = rd->epoch;
                }
            }
            free(px);
        }
    }
    rd->g[rd->ng] = gl;
    table_insert(rd, rd->ng);
    return &rd->g[rd->ng++];
}

/* The atlas glyph for glyph id gid of face fi in role `role`, drawn
 * (1000 + expand)/1000 as wide (a line's font expansion): keyed by (face,
 * role, size, expansion step, glyph id) and, when tinting, the colour. */
static glyph *get_glyph_id(render *rd, int role, int fi, uint32_t gid, int expand, SDL_Color c)
{
    static const SDL_Color white = {255, 255, 255, 255};
    if (!rd->tint) c = white;
    uint64_t rgb = (uint64_t)c.r << 16 | (uint64_t)c.g << 8 | c.b;
    uint64_t px = (uint64_t)font_role_px(rd->fs, role) & 511;
    if (expand < -30 || expand > 30) expand = 0; /* six bits of the key; layout keeps within LAYOUT_EXPAND_MAX */
    uint64_t key = 1ULL << 63 | (uint64_t)(expand + 32) << 57 | (uint64_t)(fi & 15) << 53 | (uint64_t)(role & 15) << 49 |
                   px << 40 | rgb << 16 | (gid & 0xFFFF);
    glyph *g = cache_hit(rd, key);
    return g ? g : rasterize_id(rd, key, role, fi, gid, expand, c);
}

static int queue_reserve(render *rd)
{
    if (rd->nq < rd->qcap) return 0;
    size_t n = rd->qcap ? rd->qcap * 2 : 1024;
    SDL_Vertex *v = realloc(rd->v, n * 4 * sizeof *v);
    if (!v) return -1;
    rd->v = v;
    int *ix = realloc(rd->idx, n * 6 * sizeof *ix);
    if (!ix) return -1;
    rd->idx = ix;
    rd->qcap = n;
    return 0;
}

static void put_quad(render *rd, const glyph *g, int x, int y, SDL_Color c);

static void put_glyph(render *rd, int role, uint32_t cp, int x, int y, SDL_Color c)
{
    put_quad(rd, get_glyph(rd, role, cp, c), x, y, c);
}

static void put_quad(render *rd, const glyph *g, int x, int y, SDL_Color c)
{
    if (!g || !g->w || queue_reserve(rd)) return;
    if (rd->tint || g->color) c = (SDL_Color){255, 255, 255, 255};
    float x0 = (float)(x + g->ox), y0 = (float)(y + g->oy);
    float x1 = x0 + g->w, y1 = y0 + g->h;
    float u0 = (float)g->x / rd->aw, v0 = (float)g->y / rd->th;
    float u1 = (float)(g->x + g->w) / rd->aw, v1 = (float)(g->y + g->h) / rd->th;
    SDL_Vertex *v = &rd->v[rd->nq * 4];
    v[0] = (SDL_Vertex){{x0, y0}, c, {u0, v0}};
    v[1] = (SDL_Vertex){{x1, y0}, c, {u1, v0}};
    v[2] = (SDL_Vertex){{x1, y1}, c, {u1, v1}};
    v[3] = (SDL_Vertex){{x0, y1}, c, {u0, v1}};
    int b = (int)rd->nq * 4, *ix = &rd->idx[rd->nq * 6];
    ix[0] = b; ix[1] = b + 1; ix[2] = b + 2;
    ix[3] = b; ix[4] = b + 2; ix[5] = b + 3;
    rd->nq++;
}

int render_flush(render *rd)
{
    int rc = 0;
    if (rd->nq)
        rc = SDL_RenderGeometry(rd->r, rd->atlas, rd->v, (int)rd->nq * 4, rd->idx, (int)rd->nq * 6);
    rd->nq = 0;
    rd->epoch++;
    return rc;
}

/* page.h's drawing calls, into the glyph queue and the renderer. */
static SDL_Color sdl_color(page_rgb c) { return (SDL_Color){c.r, c.g, c.b, 255}; }

static void op_glyph(void *ctx, int role, int face, uint32_t gid, int expand, int x, int y, page_rgb c)
{
    render *rd = ctx;
    put_quad(rd, get_glyph_id(rd, role, face, gid, expand, sdl_color(c)), x, y, sdl_color(c));
}

static void op_cp(void *ctx, int role, uint32_t cp, int x, int y, page_rgb c)
{
    put_glyph(ctx, role, cp, x, y, sdl_color(c));
}

static void op_fill(void *ctx, int x, int y, int w, int h, page_rgb c)
{
    render *rd = ctx;
    SDL_Rect rc = {x, y, w, h};
    SDL_SetRenderDrawColor(rd->r, c.r, c.g, c.b, 255);
    SDL_RenderFillRect(rd->r, &rc);
}

static const page_ops sdl_ops = {op_fill, op_glyph, op_cp};

void render_text(render *rd, int role, const uint8_t *s, size_t n, int x, int y, SDL_Color c)
{
    page_text(rd->fs, role, s, n, x, y, (page_rgb){c.r, c.g, c.b}, &sdl_ops, rd);
}

int32_t render_text_width(render *rd, int role, const uint8_t *s, size_t n)
{
    return page_text(rd->fs, role, s, n, 0, 0, (page_rgb){0, 0, 0}, NULL, NULL);
}

/* ---- pages ---------------------------------------------------------------------- */

/* The page at the origin of the current target (or viewport). clear: the
 * paper by SDL_RenderClear, which covers the whole target; else by a fill
 * of the page's rectangle only (SDL_RenderClear ignores the viewport). */
static int draw_page(render *rd, const render_page *pg, int clear, lerr *e)
{
    const render_theme *th = render_theme_at(pg->theme);
    const page_geom *g = pg->geom;
    SDL_Renderer *r = rd->r;
    SDL_SetRenderDrawBlendMode(r, SDL_BLENDMODE_NONE);
    SDL_SetRenderDrawColor(r, th->bg.r, th->bg.g, th->bg.b, 255);
    if (clear) {
        SDL_RenderClear(r);
    } else {
        SDL_Rect paper = {0, 0, g->w, g->h};
        SDL_RenderFillRect(r, &paper);
    }

    page_job job = {pg->es, pg->lr, pg->page, pg->title, pg->title_len, pg->theme, pg->geom, rd->fdx, rd->fdy};
    page_walk(rd->fs, &job, &sdl_ops, rd);

    if (render_flush(rd)) {
        lerr_set(e, "drawing glyphs: %s", SDL_GetError());
        return -1;
    }
    rd->st.pages_drawn++;
    return 0;
}

int render_draw_page(render *rd, const render_page *pg, lerr *e)
{
    return draw_page(rd, pg, 1, e);
}

/* The page drawn at (x, y) of the current target: the viewport moves the
 * origin there and clips to the page, as copying a page texture would. */
static int draw_direct(render *rd, const render_page *pg, int x, int y, lerr *e)
{
    SDL_Rect old, page = {x, y, pg->geom->w, pg->geom->h};
    if (rd->nq) render_flush(rd); /* text queued before belongs where it was put */
    SDL_RenderGetViewport(rd->r, &old);
    if (SDL_RenderSetViewport(rd->r, &page)) {
        lerr_set(e, "page viewport: %s", SDL_GetError());
        return -1;
    }
    int rc = draw_page(rd, pg, 0, e);
    SDL_RenderSetViewport(rd->r, &old);
    if (rc == 0) rd->st.pages_direct++;
    return rc;
}

static SDL_Texture *new_target(render *rd, int w, int h, lerr *e)
{
    if (rd->tex_max > 0 && (w > rd->tex_max || h > rd->tex_max)) {
        lerr_set(e, "page texture %dx%d: larger than the renderer's %d px textures", w, h, rd->tex_max);
        return NULL;
    }
    SDL_Texture *t = SDL_CreateTexture(rd->r, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_TARGET, w, h);
    if (!t) {
        lerr_set(e, "page texture %dx%d: %s", w, h, SDL_GetError());
        return NULL;
    }
    SDL_SetTextureBlendMode(t, SDL_BLENDMODE_NONE); /* a page is opaque: a turn is a plain copy */
    return t;
}

/* Returns 0, -1 when t cannot be made the target, -2 when drawing failed. */
static int draw_into(render *rd, SDL_Texture *t, const render_page *pg, lerr *e)
{
    SDL_Texture *old = SDL_GetRenderTarget(rd->r);
    if (SDL_SetRenderTarget(rd->r, t)) {
        lerr_set(e, "page texture as target: %s", SDL_GetError());
        return -1;
    }
    int rc = render_draw_page(rd, pg, e);
    SDL_SetRenderTarget(rd->r, old);
    return rc ? -2 : 0;
}

SDL_Texture *render_page_to_texture(render *rd, const render_page *pg, lerr *e)
{
    if (!rd->targets) {
        lerr_set(e, "no page texture: %s", rd->why);
        return NULL;
    }
    SDL_Texture *t = new_target(rd, pg->geom->w, pg->geom->h, e);
    if (t && draw_into(rd, t, pg, e)) {
        SDL_DestroyTexture(t);
        t = NULL;
    }
    return t;
}

static int same_doc(const render *rd, const page_slot *s, const render_page *pg, int body)
{
    int fdx = rd->fdx, fdy = rd->fdy;
    return s->valid && s->essay == pg->essay_id && s->lr == pg->lr && s->theme == pg->theme &&
           s->body_px == body && s->w == pg->geom->w && s->h == pg->geom->h && s->fdx == fdx && s->fdy == fdy;
}

/* The cached texture of pg (page number `page`), drawn on a miss into the
 * slot farthest from `center`. A target that cannot be created or drawn
 * into turns targets off (rd->targets = 0); NULL then, and on any error. */
static SDL_Texture *cache_get(render *rd, const render_page *pg, size_t center, lerr *e)
{
    int body = font_body_px(rd->fs);
    for (int i = 0; i < PAGE_SLOTS; i++) {
        page_slot *s = &rd->slots[i];
        if (same_doc(rd, s, pg, body) && s->page == pg->page) {
            s->used = ++rd->tick;
            rd->st.page_hits++;
            return s->tex;
        }
    }
    int victim = 0;
    size_t vd = 0;
    for (int i = 0; i < PAGE_SLOTS; i++) {
        page_slot *s = &rd->slots[i];
        size_t d = !same_doc(rd, s, pg, body) ? SIZE_MAX : s->page > center ? s->page - center : center - s->page;
        if (i == 0 || d > vd || (d == vd && s->used < rd->slots[victim].used)) {
            victim = i;
            vd = d;
        }
    }
    page_slot *s = &rd->slots[victim];
    s->valid = 0;
    if (s->tex && (s->tw != pg->geom->w || s->th != pg->geom->h)) {
        SDL_DestroyTexture(s->tex);
        s->tex = NULL;
    }
    if (!s->tex) {
        if (!(s->tex = new_target(rd, pg->geom->w, pg->geom->h, e))) {
            render_no_targets(rd, e->msg);
            return NULL;
        }
        s->tw = pg->geom->w;
        s->th = pg->geom->h;
    }
    int rc = draw_into(rd, s->tex, pg, e);
    if (rc == -1) render_no_targets(rd, e->msg);
    if (rc) return NULL;
    rd->st.page_misses++;
    *s = (page_slot){s->tex, s->tw, s->th, 1, pg->essay_id, pg->page, pg->theme, body,
                     pg->geom->w, pg->geom->h, rd->fdx, rd->fdy, pg->lr, ++rd->tick};
    return s->tex;
}

SDL_Texture *render_cached_page(render *rd, const render_page *pg, lerr *e)
{
    if (!rd->targets) {
        lerr_set(e, "no page cache: %s", rd->why);
        return NULL;
    }
    return cache_get(rd, pg, pg->page, e);
}

int render_prefetch(render *rd, const render_page *pg, lerr *e)
{
    size_t np = pg->lr ? pg->lr->npages : 0;
    render_page q = *pg;
    size_t want[2] = {pg->page + 1, pg->page - 1}; /* page 0's previous wraps to SIZE_MAX: none */
    for (int k = 0; k < 2 && rd->targets; k++) {
        if (want[k] >= np) continue;
        q.page = want[k];
        /* a target that failed turned the cache off: nothing left to do */
        if (!cache_get(rd, &q, pg->page, e) && rd->targets) return -1;
    }
    return 0;
}

void render_cache_clear(render *rd)
{
    for (int i = 0; i < PAGE_SLOTS; i++) rd->slots[i].valid = 0;
}

void render_furniture_shift(render *rd, int dx, int dy)
{
    rd->fdx = dx;
    rd->fdy = dy;
}

void render_limit_textures(render *rd, int max) { rd->tex_max = max > 0 ? max : 0; }

int render_targets(const render *rd, const char **why)
{
    if (why) *why = rd->targets ? NULL : rd->why;
    return rd->targets;
}

void render_no_targets(render *rd, const char *why)
{
    if (!rd->targets) return; /* the first reason is the one worth telling */
    rd->targets = 0;
    snprintf(rd->why, sizeof rd->why, "%s", why && *why ? why : "render targets turned off");
    for (int i = 0; i < PAGE_SLOTS; i++)
        if (rd->slots[i].tex) SDL_DestroyTexture(rd->slots[i].tex);
    memset(rd->slots, 0, sizeof rd->slots);
}

int render_show_page(render *rd, const render_page *pg, int x, int y, lerr *e)
{
    SDL_Texture *t = rd->targets ? cache_get(rd, pg, pg->page, e) : NULL;
    if (t) {
        SDL_Rect dst = {x, y, pg->geom->w, pg->geom->h};
        if (SDL_RenderCopy(rd->r, t, NULL, &dst) == 0) return 0;
        /* a texture that will not copy: this frame draws the page instead */
    } else if (rd->targets) {
        return -1; /* drawing failed, not the target: drawing directly would fail too */
    }
    return draw_direct(rd, pg, x, y, e);
}

/* ---- screens other than pages ------------------------------------------------------ */

void render_fill(render *rd, int x, int y, int w, int h, SDL_Color c)
{
    if (w <= 0 || h <= 0) return;
    render_flush(rd);
    SDL_SetRenderDrawBlendMode(rd->r, c.a < 255 ? SDL_BLENDMODE_BLEND : SDL_BLENDMODE_NONE);
    SDL_Rect rc = {x, y, w, h};
    SDL_SetRenderDrawColor(rd->r, c.r, c.g, c.b, c.a);
    SDL_RenderFillRect(rd->r, &rc);
    SDL_SetRenderDrawBlendMode(rd->r, SDL_BLENDMODE_NONE);
}

void render_round_rect(render *rd, int x, int y, int w, int h, int radius, SDL_Color c)
{
    if (w <= 0 || h <= 0) return;
    if (radius > w / 2) radius = w / 2;
    if (radius > h / 2) radius = h / 2;
    if (radius <= 0) {
        render_fill(rd, x, y, w, h, c);
        return;
    }
    render_fill(rd, x, y + radius, w, h - 2 * radius, c);
    /* Each corner row: solid from where the arc is fully inside, one
     * blended pixel for the part the arc covers. */
    for (int i = 0; i < radius; i++) {
        double dy = radius - i - 0.5; /* from the arc's centre to the row's middle */
        double inset = radius - sqrt((double)radius * radius - dy * dy);
        int solid = (int)ceil(inset);
        double cover = solid - inset; /* of the pixel just outside the solid part */
        for (int half = 0; half < 2; half++) {
            int yy = half ? y + h - 1 - i : y + i;
            render_fill(rd, x + solid, yy, w - 2 * solid, 1, c);
            if (solid > 0 && cover > 0.02) {
                SDL_Color a = c;
                a.a = (uint8_t)lround(c.a * cover);
                render_fill(rd, x + solid - 1, yy, 1, 1, a);
                render_fill(rd, x + w - solid, yy, 1, 1, a);
            }
        }
    }
}

/* The UI text: code points with soft hyphens dropped and controls as spaces,
 * the pen position after each, and where to cut for an ellipsis. */
typedef struct ui_run {
    uint8_t *s;       /* filtered UTF-8 */
    size_t n;         /* bytes kept */
    size_t cut;       /* bytes drawn when it does not fit */
    int32_t w, cut_w; /* full width, and width up to cut (26.6) */
    int fits;
} ui_run;

static void ui_measure(render *rd, int role, const uint8_t *s, size_t n, int max_px, ui_run *u, uint8_t *buf)
{
    static const uint8_t ell[] = "\xE2\x80\xA6";
    layout_metrics m = font_metrics(rd->fs);
    int32_t max = (int32_t)max_px * 64, ew = render_text_width(rd, role, ell, 3);
    int32_t pen = 0;
    uint32_t prev = 0;
    memset(u, 0, sizeof *u);
    u->s = buf;
    u->fits = 1;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        i += text_next(s + i, n - i, &cp); /* a bad byte: U+FFFD, as layout measures it (text.h) */
        if (cp == 0xAD) continue;
        if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0) || cp == 0x2028 || cp == 0x2029) cp = ' ';
        int space = cp == ' ' || cp == 0xA0;
        if (space && prev == 0 && u->n && buf[u->n - 1] == ' ') continue; /* no double spaces */
        int32_t adv = (prev && !space ? m.kern(m.ctx, role, prev, cp) : 0) + m.advance(m.ctx, role, cp);
        if (pen + adv > max && u->fits) u->fits = 0;
        pen += adv;
        u->n += utf8_encode(cp, buf + u->n);
        prev = space ? 0 : cp;
        /* the text up to this character, with an ellipsis after it, still fits */
        if (!space && pen + ew <= max) {
            u->cut = u->n;
            u->cut_w = pen;
        }
        if (!u->fits && pen > max + ew + 64 * 64) break; /* far enough: the rest is never drawn */
    }
    if (u->fits) {
        u->w = pen;
        u->cut = u->n;
        u->cut_w = pen;
    } else if (ew > max) { /* not even the ellipsis fits: nothing */
        u->cut = 0;
        u->cut_w = u->w = 0;
    } else {
        u->w = u->cut_w + ew;
    }
}

static int ui_line(render *rd, int role, const uint8_t *s, size_t n, int x, int y, int max_px, int align,
                   SDL_Color c, int draw)
{
    uint8_t stack[1024], *buf = stack;
    if (n + 4 > sizeof stack && !(buf = malloc(n + 4))) return 0;
    ui_run u;
    ui_measure(rd, role, s, n, max_px < 0 ? 0 : max_px, &u, buf);
    int w = r26(u.w);
    if (draw) {
        int x0 = align == 1 ? x + (max_px - w) / 2 : align == 2 ? x + max_px - w : x;
        render_text(rd, role, u.s, u.cut, x0, y, c);
        if (!u.fits && u.w) render_text(rd, role, (const uint8_t *)"\xE2\x80\xA6", 3, x0 + r26(u.cut_w), y, c);
    }
    if (buf != stack) free(buf);
    return w;
}

int render_text_line(render *rd, int role, const uint8_t *s, size_t n, int x, int y, int max_px, int align,
                     SDL_Color c)
{
    return ui_line(rd, role, s, n, x, y, max_px, align, c, 1);
}

int render_text_line_width(render *rd, int role, const uint8_t *s, size_t n, int max_px)
{
    return ui_line(rd, role, s, n, 0, 0, max_px, 0, (SDL_Color){0, 0, 0, 255}, 0);
}

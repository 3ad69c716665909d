/* font.c - faces from the pack, opened per layout role, measured for layout.
 * See font.h for what is measured where and why. */
#include "font.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hb.h>
#include <hb-ot.h>

#define ADV_SLOTS 1024  /* direct-mapped per face: covers Latin + punctuation without collisions */
#define KERN_SLOTS 4096 /* direct-mapped pair cache per face */
#define MAX_OPEN 32     /* distinct (face, style, px) SDL_ttf fonts: 14 roles x (main + fallback) */

enum { SERVE_NONE = 0, SERVE_MAIN = 1, SERVE_FALLBACK = 2 };

typedef struct adv_slot {
    uint32_t cp1;   /* cp + 1; 0 = empty */
    int32_t units;  /* advance in font units of the face that serves it */
    uint8_t serve;  /* SERVE_* */
} adv_slot;

typedef struct kern_slot {
    uint32_t left1, right; /* left + 1; 0 = empty */
    int32_t units;
} kern_slot;

typedef struct face {
    const uint8_t *data;
    size_t size;
    uint8_t *owned; /* bytes we read ourselves (files, compressed pack entries) */
    uint16_t flags;
    char name[96];
    hb_blob_t *blob;
    hb_face_t *hbface;
    hb_font_t *hbfont; /* scale = upem: advances come out in font units */
    int upem;
    int32_t asc_units, desc_units; /* ascender (>0), descender (>0, below baseline) */
    adv_slot *adv;
    kern_slot *kern;
} face;

typedef struct opened {
    int face, style, px;
    TTF_Font *ttf;
} opened;

typedef struct role {
    int face;           /* main face index */
    int style;          /* TTF_STYLE_* synthesized on top of the face */
    int px;
    TTF_Font *ttf;      /* main face at px */
    TTF_Font *ttf_fb;   /* fallback face at px, or NULL */
    int32_t line, ascent; /* 26.6, whole pixels */
} role;

struct font_faces {
    face faces[FONT_MAX_FACES];
    int nfaces;
    int fallback; /* face index or -1 */
    int body_px;
    role roles[LAYOUT_NFONTS];
    opened open[MAX_OPEN];
    int nopen;
    hb_buffer_t *buf; /* reused for kerning pairs */
};

static const double line_factor[LAYOUT_NFONTS] = {1.42, 1.42, 1.42, 1.2, 1.25, 1.3, 1.42, 1.42, 1.15, 1.35,
                                                   1.3, 1.35, 1.4, 1.42};

/* ---- faces ------------------------------------------------------------- */

static int face_init(face *f, const uint8_t *data, size_t size, uint16_t flags, const char *name,
                     lerr *e)
{
    f->data = data;
    f->size = size;
    f->flags = flags;
    snprintf(f->name, sizeof f->name, "%s", name && *name ? name : "(unnamed font)");
    if (size == 0 || size > (size_t)UINT32_MAX) {
        lerr_set(e, "font %s: %zu bytes is not a font", f->name, size);
        return -1;
    }
    f->blob = hb_blob_create((const char *)data, (unsigned)size, HB_MEMORY_MODE_READONLY, NULL, NULL);
    f->hbface = hb_face_create(f->blob, 0);
    f->hbfont = hb_font_create(f->hbface);
    f->upem = (int)hb_face_get_upem(f->hbface);
    /* HarfBuzz gives an empty face for bytes that are not a font; SDL_ttf
     * (FreeType) is the one that has to draw it, so ask it too. */
    SDL_RWops *rw = SDL_RWFromConstMem(data, (int)(size > INT32_MAX ? INT32_MAX : size));
    TTF_Font *probe = rw ? TTF_OpenFontRW(rw, 1, 16) : NULL;
    if (hb_face_get_glyph_count(f->hbface) == 0 || !probe || f->upem < 16 || f->upem > 16384) {
        lerr_set(e, "font %s: not a usable TrueType/OpenType font (%s)", f->name,
                 probe ? "no glyphs" : TTF_GetError());
        if (probe) TTF_CloseFont(probe);
        return -1;
    }
    TTF_CloseFont(probe);
    hb_font_extents_t ext;
    hb_font_get_h_extents(f->hbfont, &ext);
    f->asc_units = ext.ascender > 0 ? ext.ascender : f->upem * 8 / 10;
    f->desc_units = ext.descender < 0 ? -ext.descender : f->upem * 2 / 10;
    f->adv = calloc(ADV_SLOTS, sizeof *f->adv);
    f->kern = calloc(KERN_SLOTS, sizeof *f->kern);
    if (!f->adv || !f->kern) {
        lerr_set(e, "font %s: out of memory", f->name);
        return -1;
    }
    return 0;
}

static void face_free(face *f)
{
    if (f->hbfont) hb_font_destroy(f->hbfont);
    if (f->hbface) hb_face_destroy(f->hbface);
    if (f->blob) hb_blob_destroy(f->blob);
    free(f->adv);
    free(f->kern);
    free(f->owned);
    memset(f, 0, sizeof *f);
}

static int face_has(const face *f, uint32_t cp)
{
    hb_codepoint_t g;
    return hb_font_get_nominal_glyph(f->hbfont, cp, &g) && g != 0;
}

static int32_t face_advance_units(const face *f, uint32_t cp)
{
    hb_codepoint_t g = 0;
    if (!hb_font_get_nominal_glyph(f->hbfont, cp, &g)) g = 0; /* .notdef: what will be drawn */
    return hb_font_get_glyph_h_advance(f->hbfont, g);
}

/* ---- opening ------------------------------------------------------------ */

static font_faces *set_new(void)
{
    font_faces *fs = calloc(1, sizeof *fs);
    if (!fs) return NULL;
    fs->fallback = -1;
    fs->buf = hb_buffer_create();
    return fs;
}

/* A fixed-pitch face: i, M, W and the space all equally wide. The pack
 * has no flag for it; a code face is known by its advances. */
static int face_is_mono(const face *f)
{
    static const uint32_t probe[] = {'i', 'M', 'W', '.', ' '};
    int32_t a0 = face_advance_units(f, probe[0]);
    for (size_t k = 0; k < sizeof probe / sizeof *probe; k++)
        if (!face_has(f, probe[k]) || face_advance_units(f, probe[k]) != a0) return 0;
    return a0 > 0;
}

/* Pick the faces for each role from the flags, after all faces are in. */
static int set_assign(font_faces *fs, lerr *e)
{
    int reg = -1, ital = -1, bold = -1, bi = -1, mono = -1;
    for (int i = 0; i < fs->nfaces; i++) {
        uint16_t fl = fs->faces[i].flags;
        if (!(fl & PACK_FONT_FALLBACK) && face_is_mono(&fs->faces[i])) {
            /* the upright code face; its italic and bold are not used */
            if (mono < 0 && !(fl & (PACK_FONT_ITALIC | PACK_FONT_BOLD))) mono = i;
            continue;
        }
        if (fl & PACK_FONT_FALLBACK) {
            /* prefer an upright fallback when there are several */
            if (fs->fallback < 0 || (fs->faces[fs->fallback].flags & (PACK_FONT_ITALIC | PACK_FONT_BOLD)))
                fs->fallback = i;
        } else if (fl == 0 && reg < 0) reg = i;
        else if (fl == PACK_FONT_ITALIC && ital < 0) ital = i;
        else if (fl == PACK_FONT_BOLD && bold < 0) bold = i;
        else if (fl == (PACK_FONT_ITALIC | PACK_FONT_BOLD) && bi < 0) bi = i;
    }
    if (reg < 0) {
        lerr_set(e, "no regular text face among %d font%s (need one without italic/bold/fallback flags)",
                 fs->nfaces, fs->nfaces == 1 ? "" : "s");
        return -1;
    }
    for (int r = 0; r < LAYOUT_NFONTS; r++) {
        role *ro = &fs->roles[r];
        ro->face = reg;
        ro->style = TTF_STYLE_NORMAL;
        if (r == LAYOUT_ITALIC) {
            if (ital >= 0) ro->face = ital;
            else ro->style = TTF_STYLE_ITALIC;
        } else if (r == LAYOUT_BYLINE) {
            if (ital >= 0) ro->face = ital;
            else ro->style = TTF_STYLE_ITALIC;
        } else if (r == LAYOUT_BOLD || r == LAYOUT_H1 || r == LAYOUT_H2 || r == LAYOUT_TITLE || r == LAYOUT_H3 ||
                   r == LAYOUT_H4 || r == LAYOUT_H5 || r == LAYOUT_H6) {
            if (bold >= 0) ro->face = bold;
            else ro->style = TTF_STYLE_BOLD;
        } else if (r == LAYOUT_BOLD_ITALIC) {
            /* the real face, else the nearest one with the rest synthesized */
            if (bi >= 0) ro->face = bi;
            else if (bold >= 0) ro->face = bold, ro->style = TTF_STYLE_ITALIC;
            else if (ital >= 0) ro->face = ital, ro->style = TTF_STYLE_BOLD;
            else ro->style = TTF_STYLE_BOLD | TTF_STYLE_ITALIC;
        } else if (r == LAYOUT_MONO && mono >= 0) {
            ro->face = mono;
        }
    }
    return 0;
}

int font_open_mem(font_faces **out, const font_src *src, size_t n, lerr *e)
{
    *out = NULL;
    if (n > FONT_MAX_FACES) {
        lerr_set(e, "%zu fonts given, at most %d are used", n, FONT_MAX_FACES);
        return -1;
    }
    font_faces *fs = set_new();
    if (!fs) {
        lerr_set(e, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        if (face_init(&fs->faces[fs->nfaces++], src[i].data, src[i].size, src[i].flags, src[i].name, e)) {
            font_close(fs);
            return -1;
        }
    }
    if (set_assign(fs, e)) {
        font_close(fs);
        return -1;
    }
    *out = fs;
    return 0;
}

int font_open_pack(font_faces **out, pack *p, lerr *e)
{
    *out = NULL;
    font_faces *fs = set_new();
    if (!fs) {
        lerr_set(e, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < pack_count(p); i++) {
        const pack_entry *en = pack_entry_at(p, i);
        if (en->kind != PACK_FONT) continue;
        char name[96];
        snprintf(name, sizeof name, "%.*s", (int)en->title_len, en->title);
        if (fs->nfaces == FONT_MAX_FACES) {
            fprintf(stderr, "lectern: font %s: ignored, the pack has more than %d fonts\n", name,
                    FONT_MAX_FACES);
            continue;
        }
        const uint8_t *data = NULL;
        uint8_t *owned = NULL;
        size_t size = 0;
        lerr pe;
        int st = pack_view(p, i, &data, &size, &pe);
        if (st == PACK_ERANGE) { /* compressed font: decode a private copy */
            st = pack_read(p, i, &owned, &size, &pe);
            data = owned;
        }
        if (st != PACK_OK) {
            lerr_set(e, "font %s (entry %zu): %s", name, i, pe.msg);
            font_close(fs);
            return -1;
        }
        face *f = &fs->faces[fs->nfaces++];
        f->owned = owned;
        if (face_init(f, data, size, en->flags, name, e)) {
            font_close(fs);
            return -1;
        }
    }
    if (fs->nfaces == 0) {
        lerr_set(e, "the pack has no fonts");
        font_close(fs);
        return -1;
    }
    if (set_assign(fs, e)) {
        font_close(fs);
        return -1;
    }
    *out = fs;
    return 0;
}

int font_open_files(font_faces **out, const char *const *paths, const uint16_t *flags, size_t n, lerr *e)
{
    *out = NULL;
    if (n > FONT_MAX_FACES) {
        lerr_set(e, "%zu fonts given, at most %d are used", n, FONT_MAX_FACES);
        return -1;
    }
    uint8_t *bytes[FONT_MAX_FACES] = {0};
    font_src src[FONT_MAX_FACES] = {{0}};
    int rc = -1;
    for (size_t i = 0; i < n; i++) {
        FILE *fp = fopen(paths[i], "rb");
        long len = -1;
        if (fp && fseek(fp, 0, SEEK_END) == 0) len = ftell(fp);
        if (!fp || len <= 0 || fseek(fp, 0, SEEK_SET) != 0 || !(bytes[i] = malloc((size_t)len)) ||
            fread(bytes[i], 1, (size_t)len, fp) != (size_t)len) {
            lerr_set(e, "%s: cannot read font file", paths[i]);
            if (fp) fclose(fp);
            goto out;
        }
        fclose(fp);
        const char *slash = strrchr(paths[i], '/');
        src[i] = (font_src){bytes[i], (size_t)len, flags[i], slash ? slash + 1 : paths[i]};
    }
    if (font_open_mem(out, src, n, e) == 0) {
        for (size_t i = 0; i < n; i++) {
            (*out)->faces[i].owned = bytes[i];
            bytes[i] = NULL;
        }
        rc = 0;
    }
out:
    for (size_t i = 0; i < n; i++) free(bytes[i]);
    return rc;
}

static void close_opened(opened *o, int n)
{
    for (int i = 0; i < n; i++)
        if (o[i].ttf) TTF_CloseFont(o[i].ttf);
}

void font_close(font_faces *fs)
{
    if (!fs) return;
    close_opened(fs->open, fs->nopen);
    for (int i = 0; i < fs->nfaces; i++) face_free(&fs->faces[i]);
    if (fs->buf) hb_buffer_destroy(fs->buf);
    free(fs);
}

/* ---- sizes -------------------------------------------------------------- */

static int role_px(int r, int body)
{
    switch (r) {
    case LAYOUT_H1: return (int)lround(body * 1.45);
    case LAYOUT_H2: return (int)lround(body * 1.2);
    case LAYOUT_TITLE: return (int)lround(body * 1.75);
    case LAYOUT_H3: return (int)lround(body * 1.1);
    case LAYOUT_H4: return (int)lround(body * 1.05);
    case LAYOUT_H5: return body;
    case LAYOUT_H6: return (int)lround(body * 0.92);
    case LAYOUT_BYLINE: return (int)lround(body * 1.1);
    case LAYOUT_MONO: return (int)lround(body * 0.88); /* code faces run large beside a text face */
    case LAYOUT_SMALL: {
        int s = (int)lround(body * 0.78);
        if (s < 11) s = 11;
        return s < body ? s : body;
    }
    default: return body;
    }
}

/* The SDL_ttf font for (face, style, px), opened once into `o`. */
static TTF_Font *get_opened(font_faces *fs, opened *o, int *n, int fi, int style, int px, lerr *e)
{
    for (int i = 0; i < *n; i++)
        if (o[i].face == fi && o[i].style == style && o[i].px == px) return o[i].ttf;
    if (*n == MAX_OPEN) {
        lerr_set(e, "too many font instances");
        return NULL;
    }
    face *f = &fs->faces[fi];
    SDL_RWops *rw = SDL_RWFromConstMem(f->data, (int)f->size);
    TTF_Font *t = rw ? TTF_OpenFontRW(rw, 1, px) : NULL;
    if (!t) {
        lerr_set(e, "font %s at %d px: %s", f->name, px, TTF_GetError());
        return NULL;
    }
    /* Light hinting snaps only vertically: crisp x-height and baselines,
     * while horizontal shapes stay true to the advances layout measured. */
    TTF_SetFontHinting(t, TTF_HINTING_LIGHT);
    TTF_SetFontKerning(t, 1);
    if (style) TTF_SetFontStyle(t, style);
    o[*n] = (opened){fi, style, px, t};
    (*n)++;
    return t;
}

int font_set_size(font_faces *fs, int body_px, lerr *e)
{
    if (body_px < FONT_MIN_PX || body_px > FONT_MAX_PX) {
        lerr_set(e, "text size %d px is outside %d..%d px", body_px, FONT_MIN_PX, FONT_MAX_PX);
        return -1;
    }
    if (body_px == fs->body_px) return 0;
    opened o[MAX_OPEN];
    int n = 0;
    role nr[LAYOUT_NFONTS];
    for (int r = 0; r < LAYOUT_NFONTS; r++) {
        role *ro = &nr[r];
        *ro = fs->roles[r];
        ro->px = role_px(r, body_px);
        if (r == LAYOUT_MONO && !face_is_mono(&fs->faces[ro->face])) ro->px = body_px; /* no code face */
        ro->ttf = get_opened(fs, o, &n, ro->face, ro->style, ro->px, e);
        ro->ttf_fb = NULL;
        if (ro->ttf && fs->fallback >= 0)
            ro->ttf_fb = get_opened(fs, o, &n, fs->fallback, ro->style & TTF_STYLE_ITALIC, ro->px, e);
        if (!ro->ttf || (fs->fallback >= 0 && !ro->ttf_fb)) {
            close_opened(o, n);
            return -1;
        }
        /* Line box: a typographic factor of the size, whole pixels, with the
         * glyphs centred in it from the face's own ascender and descender. */
        const face *f = &fs->faces[ro->face];
        double line = round(ro->px * line_factor[r]);
        double asc = (double)f->asc_units * ro->px / f->upem, desc = (double)f->desc_units * ro->px / f->upem;
        double a = round((line - (asc + desc)) / 2 + asc);
        if (a < 1) a = 1;
        if (a > line) a = line;
        ro->line = (int32_t)line * 64;
        ro->ascent = (int32_t)a * 64;
    }
    close_opened(fs->open, fs->nopen);
    memcpy(fs->open, o, sizeof o);
    fs->nopen = n;
    memcpy(fs->roles, nr, sizeof nr);
    fs->body_px = body_px;
    return 0;
}

int font_body_px(const font_faces *fs) { return fs->body_px; }

int font_role_px(const font_faces *fs, int r)
{
    return r >= 0 && r < LAYOUT_NFONTS ? fs->roles[r].px : 0;
}

/* ---- metrics ------------------------------------------------------------ */

static const role *get_role(const font_faces *fs, int f)
{
    return &fs->roles[f >= 0 && f < LAYOUT_NFONTS ? f : LAYOUT_BODY];
}

/* Advance of cp for the role's main face, served by main or fallback. */
static const adv_slot *lookup_adv(font_faces *fs, const role *ro, uint32_t cp)
{
    face *f = &fs->faces[ro->face];
    adv_slot *s = &f->adv[cp % ADV_SLOTS];
    if (s->cp1 == cp + 1) return s;
    s->cp1 = cp + 1;
    if (face_has(f, cp)) {
        s->serve = SERVE_MAIN;
        s->units = face_advance_units(f, cp);
    } else if (fs->fallback >= 0 && face_has(&fs->faces[fs->fallback], cp)) {
        s->serve = SERVE_FALLBACK;
        s->units = face_advance_units(&fs->faces[fs->fallback], cp);
    } else {
        s->serve = SERVE_NONE;
        s->units = face_advance_units(f, cp);
    }
    return s;
}

static int32_t scale26(int32_t units, int px, int upem)
{
    int64_t v = (int64_t)units * px * 64;
    return (int32_t)(v >= 0 ? (v + upem / 2) / upem : -((-v + upem / 2) / upem));
}

static int32_t m_advance(void *ctx, int f, uint32_t cp)
{
    font_faces *fs = ctx;
    const role *ro = get_role(fs, f);
    const adv_slot *s = lookup_adv(fs, ro, cp);
    const face *fa = &fs->faces[s->serve == SERVE_FALLBACK ? fs->fallback : ro->face];
    int32_t a = scale26(s->units, ro->px, fa->upem);
    if (ro->style & TTF_STYLE_BOLD) a += ro->px * 64 / 10; /* SDL_ttf's synthetic bold widens by px/10 */
    return a;
}

/* Pair kerning from the font's own tables (GPOS or kern), as HarfBuzz
 * applies it when shaping the two characters with ligatures off. */
static int32_t kern_units(font_faces *fs, face *f, uint32_t l, uint32_t r)
{
    static const hb_feature_t off[] = {
        {HB_TAG('l', 'i', 'g', 'a'), 0, 0, (unsigned)-1},
        {HB_TAG('c', 'l', 'i', 'g'), 0, 0, (unsigned)-1},
        {HB_TAG('c', 'a', 'l', 't'), 0, 0, (unsigned)-1},
    };
    hb_buffer_t *b = fs->buf;
    hb_buffer_clear_contents(b);
    hb_codepoint_t cps[2] = {l, r};
    hb_buffer_add_codepoints(b, cps, 2, 0, 2);
    hb_buffer_set_direction(b, HB_DIRECTION_LTR);
    hb_buffer_guess_segment_properties(b);
    hb_shape(f->hbfont, b, off, sizeof off / sizeof off[0]);
    unsigned n = 0;
    hb_glyph_info_t *info = hb_buffer_get_glyph_infos(b, &n);
    hb_glyph_position_t *pos = hb_buffer_get_glyph_positions(b, &n);
    hb_codepoint_t g0, g1;
    if (n != 2 || !hb_font_get_nominal_glyph(f->hbfont, l, &g0) ||
        !hb_font_get_nominal_glyph(f->hbfont, r, &g1) || info[0].codepoint != g0 || info[1].codepoint != g1)
        return 0; /* substituted or merged: no plain pair to kern */
    return pos[0].x_advance - hb_font_get_glyph_h_advance(f->hbfont, g0);
}

static int32_t m_kern(void *ctx, int fi, uint32_t l, uint32_t r)
{
    font_faces *fs = ctx;
    const role *ro = get_role(fs, fi);
    if (lookup_adv(fs, ro, l)->serve != SERVE_MAIN || lookup_adv(fs, ro, r)->serve != SERVE_MAIN) return 0;
    face *f = &fs->faces[ro->face];
    uint32_t h = (l * 2654435761u) ^ (r * 40503u);
    kern_slot *s = &f->kern[(h ^ (h >> 15)) % KERN_SLOTS];
    if (s->left1 != l + 1 || s->right != r) {
        s->left1 = l + 1;
        s->right = r;
        s->units = kern_units(fs, f, l, r);
    }
    return scale26(s->units, ro->px, f->upem);
}

static int32_t m_line(void *ctx, int f) { return get_role(ctx, f)->line; }
static int32_t m_ascent(void *ctx, int f) { return get_role(ctx, f)->ascent; }

layout_metrics font_metrics(font_faces *fs)
{
    return (layout_metrics){fs, m_advance, m_kern, m_line, m_ascent};
}

/* ---- drawing support ------------------------------------------------------ */

TTF_Font *font_glyph_face(font_faces *fs, int f, uint32_t cp, uint32_t *key, int *missing)
{
    if (!fs->body_px) return NULL;
    const role *ro = get_role(fs, f);
    const adv_slot *s = lookup_adv(fs, ro, cp);
    int fi = s->serve == SERVE_FALLBACK ? fs->fallback : ro->face;
    int style = s->serve == SERVE_FALLBACK ? (ro->style & TTF_STYLE_ITALIC) : ro->style;
    if (missing) *missing = s->serve == SERVE_NONE;
    if (key) *key = (((uint32_t)fi * 4 + (uint32_t)(style & 3)) << 10) | (uint32_t)ro->px;
    return s->serve == SERVE_FALLBACK ? ro->ttf_fb : ro->ttf;
}

int font_has_glyph(font_faces *fs, int f, uint32_t cp)
{
    if (!fs->body_px) return 0;
    const role *ro = get_role(fs, f);
    return TTF_GlyphIsProvided32(ro->ttf, cp) || (ro->ttf_fb && TTF_GlyphIsProvided32(ro->ttf_fb, cp));
}

const char *font_role_name(const font_faces *fs, int f) { return fs->faces[get_role(fs, f)->face].name; }

const char *font_fallback_name(const font_faces *fs)
{
    return fs->fallback >= 0 ? fs->faces[fs->fallback].name : "";
}

/* ---- shaping ---------------------------------------------------------------- */

/* The features layout measures with (kern_units): one glyph per code point. */
static const hb_feature_t shape_off[] = {
    {HB_TAG('l', 'i', 'g', 'a'), 0, 0, (unsigned)-1},
    {HB_TAG('c', 'l', 'i', 'g'), 0, 0, (unsigned)-1},
    {HB_TAG('c', 'a', 'l', 't'), 0, 0, (unsigned)-1},
};

int font_face_of(font_faces *fs, int r, uint32_t cp)
{
    if (!fs->body_px) return -1;
    const role *ro = get_role(fs, r);
    return lookup_adv(fs, ro, cp)->serve == SERVE_FALLBACK ? fs->fallback : ro->face;
}

const char *font_face_name(const font_faces *fs, int fi)
{
    return fi >= 0 && fi < fs->nfaces ? fs->faces[fi].name : "";
}

int font_shape(font_faces *fs, int r, int fi, const uint8_t *s, size_t n, font_glyph **out, size_t *nout, lerr *e)
{
    *out = NULL;
    *nout = 0;
    if (!fs->body_px) {
        lerr_set(e, "shaping: no text size set");
        return -1;
    }
    if (fi < 0 || fi >= fs->nfaces) {
        lerr_set(e, "shaping: no face %d (the set has %d)", fi, fs->nfaces);
        return -1;
    }
    if (n == 0) return 0;
    if (n > INT32_MAX) {
        lerr_set(e, "shaping: %zu bytes of text is too long for one run", n);
        return -1;
    }
    const role *ro = get_role(fs, r);
    const face *f = &fs->faces[fi];
    hb_buffer_t *b = hb_buffer_create();
    if (!hb_buffer_allocation_successful(b)) {
        hb_buffer_destroy(b);
        lerr_set(e, "shaping: out of memory");
        return -1;
    }
    hb_buffer_add_utf8(b, (const char *)s, (int)n, 0, (int)n);
    hb_buffer_set_direction(b, HB_DIRECTION_LTR);
    hb_buffer_guess_segment_properties(b);
    hb_shape(f->hbfont, b, shape_off, sizeof shape_off / sizeof shape_off[0]);
    unsigned ng = 0;
    hb_glyph_info_t *info = hb_buffer_get_glyph_infos(b, &ng);
    hb_glyph_position_t *pos = hb_buffer_get_glyph_positions(b, NULL);
    if (!hb_buffer_allocation_successful(b)) {
        hb_buffer_destroy(b);
        lerr_set(e, "shaping: out of memory");
        return -1;
    }
    font_glyph *g = ng ? malloc(ng * sizeof *g) : NULL;
    if (ng && !g) {
        hb_buffer_destroy(b);
        lerr_set(e, "shaping: out of memory for %u glyphs", ng);
        return -1;
    }
    for (unsigned i = 0; i < ng; i++) {
        int32_t a = scale26(pos[i].x_advance, ro->px, f->upem);
        if (ro->style & TTF_STYLE_BOLD) a += ro->px * 64 / 10; /* as m_advance */
        g[i] = (font_glyph){info[i].codepoint, info[i].cluster, a};
    }
    hb_buffer_destroy(b);
    *out = g;
    *nout = ng;
    return 0;
}

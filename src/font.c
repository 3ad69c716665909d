/* font.c - faces from the pack, opened per layout role, measured for layout.
 * See font.h for what is measured where and why. No SDL here (the build
 * checks it): SDL_ttf's fonts are font_ttf.c's, kept in the attachment. */
#include "font.h"

#include "text.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hb.h>
#include <hb-ot.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_OUTLINE_H

#define ADV_SLOTS 1024  /* direct-mapped per face: covers Latin + punctuation without collisions */
#define KERN_SLOTS 4096 /* direct-mapped pair cache per face */
#define SHAPE_SLOTS 16384 /* shape cache slots (a power of two); emptied when half full */
_Static_assert(SHAPE_SLOTS <= 65536, "a slot holds an entry's number in 16 bits");

enum { SERVE_NONE = 0, SERVE_MAIN = 1, SERVE_FALLBACK = 2 };

typedef struct adv_slot {
    uint32_t cp1;   /* cp + 1; 0 = empty */
    int32_t units;  /* advance in font units of the face that serves it */
    uint8_t serve;  /* SERVE_* */
    int8_t fi;      /* the face that serves it (the role's face when none has it) */
} adv_slot;

/* One shaped piece of text, cached by (text, role's face): in font units
 * of each glyph's face (advance, offsets), so that every size shares it. */
typedef struct shape_ent {
    uint64_t hash;
    uint8_t *text;
    size_t n;
    int face;
    layout_glyph *g; /* font units */
    size_t ng;
    /* g scaled for the last role asked (scaled()), kept: a word is looked
     * up many times at one size, and scaling is three 64-bit divisions a
     * glyph (a tenth of a re-layout, a libgcc call each on armhf) */
    layout_glyph *sg; /* NULL until first scaled */
    int32_t stag;     /* what sg was scaled for (scale_tag), -1 for none */
} shape_ent;

typedef struct kern_slot {
    uint32_t left1, right; /* left + 1; 0 = empty */
    int32_t units;
} kern_slot;

typedef struct face {
    const uint8_t *data;
    size_t size;
    uint8_t *owned; /* bytes we read ourselves (files, compressed pack entries) */
    uint16_t flags;
    int index;      /* face index in a collection (.ttc), from the flags' high byte */
    int color;      /* colour bitmaps (CBDT/sbix): drawn scaled from a fixed strike */
    char name[96];
    FT_Face ft;     /* for rasterizing glyph ids (font_render_glyph), opened on first use */
    int ft_px, ft_style; /* the size and synthetic style ft is set to */
    int ft_expand;       /* ... and the expansion (font_render_glyph) */
    hb_blob_t *blob;
    hb_face_t *hbface;
    hb_font_t *hbfont; /* scale = upem: advances come out in font units */
    int upem;
    int32_t asc_units, desc_units; /* ascender (>0), descender (>0, below baseline) */
    adv_slot *adv;
    kern_slot *kern;
} face;

typedef struct role {
    int face;           /* main face index */
    int style;          /* FONT_STYLE_* synthesized on top of the face */
    int px;
    int32_t line, ascent; /* 26.6, whole pixels */
} role;

struct font_faces {
    face faces[FONT_MAX_FACES];
    int nfaces;
    int fallback; /* face index or -1 */
    int body_px;
    role roles[LAYOUT_NFONTS];
    void *att;             /* font_attach's object for the current size, or NULL */
    font_drop_fn *att_drop; /* ... and what frees it */
    hb_buffer_t *buf; /* reused for kerning pairs and shaping */
    int fb[FONT_MAX_FACES]; /* every fallback face, in the order they are tried */
    int nfb;
    char lang[36];    /* the text's language (font_set_lang), "" for none */
    hb_language_t hblang; /* the same for HarfBuzz, HB_LANGUAGE_INVALID for none */
    FT_Library ft;
    /* The shape cache: an open-addressing table of SHAPE_SLOTS slots, each
     * 0 (empty) or an entry's number + 1, over the entries in the order they
     * came. Small and dense: a cold start touches 32 kB of table and the
     * entries it made, not a table of whole entries (768 kB) at random. */
    uint16_t *slot;
    shape_ent *ents;
    size_t ncache, ecap;
    layout_glyph *scratch; /* glyphs of an uncached piece, font units */
    size_t scap;
    layout_glyph *out;     /* what m_shape returns: 26.6 at the role's size */
    size_t ocap;
    uint8_t *bm;      /* a scaled colour bitmap (font_render_glyph) */
    size_t bmcap;
};

static const double line_factor[LAYOUT_NFONTS] = {1.42, 1.42, 1.42, 1.2, 1.25, 1.3, 1.42, 1.42, 1.15, 1.35,
                                                   1.3, 1.35, 1.4, 1.42};

/* ---- faces ------------------------------------------------------------- */

static int face_init(face *f, FT_Library ft, const uint8_t *data, size_t size, uint16_t flags, const char *name,
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
    f->index = flags >> 8;
    f->blob = hb_blob_create((const char *)data, (unsigned)size, HB_MEMORY_MODE_READONLY, NULL, NULL);
    f->hbface = hb_face_create(f->blob, (unsigned)f->index);
    f->hbfont = hb_font_create(f->hbface);
    f->upem = (int)hb_face_get_upem(f->hbface);
    /* HarfBuzz gives an empty face for bytes that are not a font; FreeType
     * is the one that has to draw it, so ask it too. */
    FT_Error fe = ft ? FT_New_Memory_Face(ft, data, (FT_Long)size, f->index, &f->ft) : 1;
    if (hb_face_get_glyph_count(f->hbface) == 0 || fe || f->upem < 16 || f->upem > 16384) {
        lerr_set(e, "font %s: not a usable TrueType/OpenType font (%s)", f->name,
                 fe ? "FreeType cannot open it" : "no glyphs");
        return -1;
    }
    f->color = FT_HAS_COLOR(f->ft) && !FT_IS_SCALABLE(f->ft) && f->ft->num_fixed_sizes > 0;
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
    if (f->ft) FT_Done_Face(f->ft);
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
    fs->slot = calloc(SHAPE_SLOTS, sizeof *fs->slot);
    if (FT_Init_FreeType(&fs->ft)) fs->ft = NULL;
    if (!fs->slot || !fs->ft) {
        free(fs->slot);
        if (fs->ft) FT_Done_FreeType(fs->ft);
        hb_buffer_destroy(fs->buf);
        free(fs);
        return NULL;
    }
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

/* Order the fallback faces: upright before italic or bold, and a face
 * named for the text's language (a Chinese essay gets a "... SC" face, a
 * Japanese one "... JP") before the other faces of its kind. Stable. */
static int fb_rank(const font_faces *fs, int fi)
{
    const face *f = &fs->faces[fi];
    int r = (f->flags & (PACK_FONT_ITALIC | PACK_FONT_BOLD)) ? 2 : 0;
    const char *tag = text_cjk_tag(fs->lang);
    if (*tag && strstr(f->name, "CJK") && !strstr(f->name, tag)) r += 1;
    return r;
}

static void order_fallbacks(font_faces *fs)
{
    for (int i = 1; i < fs->nfb; i++)
        for (int j = i; j > 0 && fb_rank(fs, fs->fb[j - 1]) > fb_rank(fs, fs->fb[j]); j--) {
            int t = fs->fb[j];
            fs->fb[j] = fs->fb[j - 1];
            fs->fb[j - 1] = t;
        }
}

/* Pick the faces for each role from the flags, after all faces are in. */
static int set_assign(font_faces *fs, lerr *e)
{
    int reg = -1, ital = -1, bold = -1, bi = -1, mono = -1;
    for (int i = 0; i < fs->nfaces; i++) {
        uint16_t fl = fs->faces[i].flags & 0xff; /* the high byte is the face index in a collection */
        if (fl & PACK_FONT_FALLBACK) fs->fb[fs->nfb++] = i;
        if (!(fl & PACK_FONT_FALLBACK) && face_is_mono(&fs->faces[i])) {
            /* the upright code face; its italic and bold are not used */
            if (mono < 0 && !(fl & (PACK_FONT_ITALIC | PACK_FONT_BOLD))) mono = i;
            continue;
        }
        if (fl & PACK_FONT_FALLBACK) {
            /* prefer an upright fallback when there are several (SDL_ttf draws
             * code points from this one: furniture and interface text) */
            if (!fs->faces[i].color &&
                (fs->fallback < 0 || (fs->faces[fs->fallback].flags & (PACK_FONT_ITALIC | PACK_FONT_BOLD))))
                fs->fallback = i;
        } else if (fl == 0 && reg < 0) reg = i;
        else if (fl == PACK_FONT_ITALIC && ital < 0) ital = i;
        else if (fl == PACK_FONT_BOLD && bold < 0) bold = i;
        else if (fl == (PACK_FONT_ITALIC | PACK_FONT_BOLD) && bi < 0) bi = i;
    }
    order_fallbacks(fs);
    if (reg < 0) {
        lerr_set(e, "no regular text face among %d font%s (need one without italic/bold/fallback flags)",
                 fs->nfaces, fs->nfaces == 1 ? "" : "s");
        return -1;
    }
    for (int r = 0; r < LAYOUT_NFONTS; r++) {
        role *ro = &fs->roles[r];
        ro->face = reg;
        ro->style = FONT_STYLE_NORMAL;
        if (r == LAYOUT_ITALIC) {
            if (ital >= 0) ro->face = ital;
            else ro->style = FONT_STYLE_ITALIC;
        } else if (r == LAYOUT_BYLINE) {
            if (ital >= 0) ro->face = ital;
            else ro->style = FONT_STYLE_ITALIC;
        } else if (r == LAYOUT_BOLD || r == LAYOUT_H1 || r == LAYOUT_H2 || r == LAYOUT_TITLE || r == LAYOUT_H3 ||
                   r == LAYOUT_H4 || r == LAYOUT_H5 || r == LAYOUT_H6) {
            if (bold >= 0) ro->face = bold;
            else ro->style = FONT_STYLE_BOLD;
        } else if (r == LAYOUT_BOLD_ITALIC) {
            /* the real face, else the nearest one with the rest synthesized */
            if (bi >= 0) ro->face = bi;
            else if (bold >= 0) ro->face = bold, ro->style = FONT_STYLE_ITALIC;
            else if (ital >= 0) ro->face = ital, ro->style = FONT_STYLE_BOLD;
            else ro->style = FONT_STYLE_BOLD | FONT_STYLE_ITALIC;
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
        if (face_init(&fs->faces[fs->nfaces++], fs->ft, src[i].data, src[i].size, src[i].flags, src[i].name, e)) {
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
        if (face_init(f, fs->ft, data, size, en->flags, name, e)) {
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

/* Free the attachment (font_attach), if any, and forget it. */
static void drop_attached(font_faces *fs)
{
    if (fs->att && fs->att_drop) fs->att_drop(fs->att);
    fs->att = NULL;
    fs->att_drop = NULL;
}

void font_attach(font_faces *fs, void *obj, font_drop_fn *drop)
{
    drop_attached(fs);
    fs->att = obj;
    fs->att_drop = drop;
}

void *font_attached(const font_faces *fs, font_drop_fn *drop) { return fs->att_drop == drop ? fs->att : NULL; }

static void cache_clear(font_faces *fs)
{
    for (size_t k = 0; k < fs->ncache; k++) {
        free(fs->ents[k].text);
        free(fs->ents[k].g);
        free(fs->ents[k].sg);
    }
    if (fs->ncache) memset(fs->slot, 0, SHAPE_SLOTS * sizeof *fs->slot);
    fs->ncache = 0;
}

void font_close(font_faces *fs)
{
    if (!fs) return;
    drop_attached(fs); /* it may borrow the faces' bytes: first */
    for (int i = 0; i < fs->nfaces; i++) face_free(&fs->faces[i]);
    if (fs->buf) hb_buffer_destroy(fs->buf);
    cache_clear(fs);
    free(fs->slot);
    free(fs->ents);
    free(fs->scratch);
    free(fs->out);
    free(fs->bm);
    if (fs->ft) FT_Done_FreeType(fs->ft);
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

int font_set_size(font_faces *fs, int body_px, lerr *e)
{
    if (body_px < FONT_MIN_PX || body_px > FONT_MAX_PX) {
        lerr_set(e, "text size %d px is outside %d..%d px", body_px, FONT_MIN_PX, FONT_MAX_PX);
        return -1;
    }
    if (body_px == fs->body_px) return 0;
    /* The SDL_ttf fonts (code points drawn by SDL_ttf: furniture and
     * interface text not shaped) are font_ttf.c's, in the attachment, and
     * opened there when first needed: pages are drawn from glyph ids with
     * FreeType, and each SDL_ttf font costs a FreeType face and a cleared
     * glyph cache of its own (a cold start opened 14 and used none). They
     * are at the old size: dropped below. */
    role nr[LAYOUT_NFONTS];
    for (int r = 0; r < LAYOUT_NFONTS; r++) {
        role *ro = &nr[r];
        *ro = fs->roles[r];
        ro->px = role_px(r, body_px);
        if (r == LAYOUT_MONO && !face_is_mono(&fs->faces[ro->face])) ro->px = body_px; /* no code face */
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
    drop_attached(fs);
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
    s->fi = (int8_t)ro->face;
    if (face_has(f, cp)) {
        s->serve = SERVE_MAIN;
        s->units = face_advance_units(f, cp);
        return s;
    }
    for (int k = 0; k < fs->nfb; k++) {
        face *b = &fs->faces[fs->fb[k]];
        if (face_has(b, cp)) {
            s->serve = SERVE_FALLBACK;
            s->fi = (int8_t)fs->fb[k];
            s->units = face_advance_units(b, cp);
            return s;
        }
    }
    s->serve = SERVE_NONE;
    s->units = face_advance_units(f, cp);
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
    const face *fa = &fs->faces[s->fi];
    int32_t a = scale26(s->units, ro->px, fa->upem);
    if (ro->style & FONT_STYLE_BOLD) a += ro->px * 64 / 10; /* SDL_ttf's synthetic bold widens by px/10 */
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

/* ---- shaping -------------------------------------------------------------- */

/* Characters that go with the one before them, in its face: format
 * characters (ZWJ, ZWNJ, variation selectors), emoji modifiers and tags,
 * and the second regional indicator of a flag. */
static int joins_prev(uint32_t cp)
{
    return cp == 0x200C || cp == 0x200D || (cp >= 0xFE00 && cp <= 0xFE0F) || (cp >= 0xE0100 && cp <= 0xE01EF) ||
           (cp >= 0x1F3FB && cp <= 0x1F3FF) || (cp >= 0xE0020 && cp <= 0xE007F) || cp == 0x20E3;
}

/* The face that draws cp in role ro after a character drawn from face
 * prev (-1 at the start): the role's face, else the first fallback face
 * that has it (their order: order_fallbacks); a combining mark stays in
 * its base's face when that face has it, and the characters of
 * joins_prev always do. */
static int face_for(font_faces *fs, const role *ro, uint32_t cp, int prev, hb_unicode_funcs_t *uf)
{
    if (prev >= 0) {
        if (joins_prev(cp)) return prev;
        if (prev != ro->face && hb_unicode_general_category(uf, cp) == HB_UNICODE_GENERAL_CATEGORY_NON_SPACING_MARK &&
            face_has(&fs->faces[prev], cp))
            return prev;
    }
    return lookup_adv(fs, ro, cp)->fi;
}

static uint64_t text_hash(const uint8_t *s, size_t n, int r, int px)
{
    uint64_t h = 1469598103934665603ULL ^ ((uint64_t)r << 40) ^ (uint64_t)px;
    for (size_t i = 0; i < n; i++) h = (h ^ s[i]) * 1099511628211ULL;
    return h ? h : 1;
}

static int scratch_room(font_faces *fs, size_t n)
{
    if (n <= fs->scap) return 0;
    size_t nc = n < 64 ? 64 : n * 2;
    layout_glyph *g = realloc(fs->scratch, nc * sizeof *g);
    if (!g) return -1;
    fs->scratch = g;
    fs->scap = nc;
    return 0;
}

/* Shape s[0..n) in role r into fs->scratch: split where the face changes
 * (face_for) or the script does (between two scripts that are not Common
 * or Inherited), each piece shaped by HarfBuzz with the font's default
 * features, its script and direction, and the text's language. */
static long shape_uncached(font_faces *fs, int r, int rtl, const uint8_t *s, size_t n)
{
    const role *ro = get_role(fs, r);
    hb_unicode_funcs_t *uf = hb_unicode_funcs_get_default();
    hb_language_t lang = fs->hblang;
    size_t ng = 0;
    size_t i = 0;
    int prev = -1;
    while (i < n) {
        size_t a = i;
        int fi = -1;
        hb_script_t sc = HB_SCRIPT_COMMON;
        while (i < n) {
            uint32_t cp;
            size_t k = text_next(s + i, n - i, &cp);
            int f = face_for(fs, ro, cp, prev, uf);
            uint32_t nx = 0;
            if (i + k < n) text_next(s + i + k, n - i - k, &nx);
            if (nx == 0xFE0F && !fs->faces[f].color) /* emoji presentation: a colour face if one has it */
                for (int q = 0; q < fs->nfb; q++)
                    if (fs->faces[fs->fb[q]].color && face_has(&fs->faces[fs->fb[q]], cp)) {
                        f = fs->fb[q];
                        break;
                    }
            hb_script_t c = hb_unicode_script(uf, cp);
            int strong = c != HB_SCRIPT_COMMON && c != HB_SCRIPT_INHERITED && c != HB_SCRIPT_UNKNOWN;
            if (fi >= 0 && (f != fi || (strong && sc != HB_SCRIPT_COMMON && c != sc))) break;
            if (strong && sc == HB_SCRIPT_COMMON) sc = c;
            fi = f;
            prev = f;
            i += k;
        }
        const face *fa = &fs->faces[fi];
        hb_buffer_t *b = fs->buf;
        hb_buffer_clear_contents(b);
        hb_buffer_add_utf8(b, (const char *)s, (int)n, (unsigned)a, (int)(i - a));
        if (sc != HB_SCRIPT_COMMON) {
            hb_buffer_set_script(b, sc);
            hb_buffer_set_direction(b, hb_script_get_horizontal_direction(sc));
        }
        if (rtl) hb_buffer_set_direction(b, HB_DIRECTION_RTL); /* an odd bidi level (LAYOUT_SHAPE_RTL) */
        if (lang != HB_LANGUAGE_INVALID) hb_buffer_set_language(b, lang);
        hb_buffer_guess_segment_properties(b);
        hb_shape(fa->hbfont, b, NULL, 0);
        unsigned gn = 0;
        hb_glyph_info_t *info = hb_buffer_get_glyph_infos(b, &gn);
        hb_glyph_position_t *pos = hb_buffer_get_glyph_positions(b, NULL);
        if (!hb_buffer_allocation_successful(b) || scratch_room(fs, ng + gn)) return -1;
        for (unsigned q = 0; q < gn; q++)
            fs->scratch[ng++] = (layout_glyph){info[q].codepoint, info[q].cluster, pos[q].x_advance,
                                               pos[q].x_offset, pos[q].y_offset, fi};
    }
    return (long)ng;
}

/* Glyphs in font units, scaled into fs->out at role ro's size (with the
 * width SDL_ttf's synthetic bold adds to the role's own face, as m_advance). */
static const layout_glyph *scaled(font_faces *fs, const role *ro, const layout_glyph *u, size_t ng, size_t *count)
{
    if (ng > fs->ocap) {
        size_t nc = ng < 64 ? 64 : ng * 2;
        layout_glyph *o = realloc(fs->out, nc * sizeof *o);
        if (!o) return NULL;
        fs->out = o;
        fs->ocap = nc;
    }
    for (size_t i = 0; i < ng; i++) {
        const face *fa = &fs->faces[u[i].face];
        int32_t adv = scale26(u[i].advance, ro->px, fa->upem);
        if (u[i].face == ro->face && (ro->style & FONT_STYLE_BOLD)) adv += ro->px * 64 / 10;
        fs->out[i] = (layout_glyph){u[i].id, u[i].cluster, adv, scale26(u[i].dx, ro->px, fa->upem),
                                    scale26(u[i].dy, ro->px, fa->upem), u[i].face};
    }
    *count = ng;
    return fs->out ? fs->out : (const layout_glyph *)"";
}

/* What scaled() output depends on besides the glyphs: the role's size and
 * whether SDL_ttf's synthetic bold widens its face (the face is in the
 * cache key). */
static int32_t scale_tag(const role *ro) { return ro->px * 2 + ((ro->style & FONT_STYLE_BOLD) != 0); }

/* Entry c's glyphs at role ro's size: from c->sg when it was scaled for
 * the same role, else scaled into it (or into fs->out when there is no
 * memory for it: still right, only not kept). */
static const layout_glyph *scaled_ent(font_faces *fs, const role *ro, shape_ent *c, size_t *count)
{
    int32_t tag = scale_tag(ro);
    if (c->sg && c->stag == tag) {
        *count = c->ng;
        return c->sg;
    }
    if (!c->sg) c->sg = malloc((c->ng ? c->ng : 1) * sizeof *c->sg);
    if (!c->sg) return scaled(fs, ro, c->g, c->ng, count);
    const layout_glyph *o = scaled(fs, ro, c->g, c->ng, count);
    if (!o) return NULL;
    memcpy(c->sg, o, c->ng * sizeof *o);
    c->stag = tag;
    return c->sg;
}

static const layout_glyph *m_shape(void *ctx, int r, const uint8_t *s, size_t n, size_t *count)
{
    font_faces *fs = ctx;
    *count = 0;
    if (!fs->body_px || n > INT32_MAX) return NULL;
    int rtl = (r & LAYOUT_SHAPE_RTL) != 0;
    r &= ~LAYOUT_SHAPE_RTL;
    const role *ro = get_role(fs, r);
    /* roles that share a face share its shapes: the fallback chain depends on the face only;
     * a right-to-left shape is cached apart (key face + 0x10000) */
    int key = ro->face + (rtl ? 0x10000 : 0);
    uint64_t h = text_hash(s, n, key, 0);
    size_t mask = SHAPE_SLOTS - 1, i = (size_t)(h ^ (h >> 29)) & mask;
    for (; fs->slot[i]; i = (i + 1) & mask) {
        shape_ent *c = &fs->ents[fs->slot[i] - 1];
        if (c->hash == h && c->n == n && c->face == key && !memcmp(c->text, s, n))
            return scaled_ent(fs, ro, c, count);
    }
    long ng = shape_uncached(fs, r, rtl, s, n);
    if (ng < 0) return NULL;
    if (fs->ncache * 2 >= SHAPE_SLOTS) {
        cache_clear(fs);
        i = (size_t)(h ^ (h >> 29)) & mask; /* an empty table: the first slot is free */
    }
    if (fs->ncache == fs->ecap) { /* at most SHAPE_SLOTS / 2 entries */
        size_t nc = fs->ecap ? fs->ecap * 2 : 256;
        shape_ent *ne = realloc(fs->ents, nc * sizeof *ne);
        if (!ne) return scaled(fs, ro, fs->scratch, (size_t)ng, count); /* uncached: still right */
        fs->ents = ne;
        fs->ecap = nc;
    }
    uint8_t *t = malloc(n ? n : 1);
    layout_glyph *g = malloc((size_t)(ng ? ng : 1) * sizeof *g);
    if (!t || !g) { /* uncached: still right */
        free(t);
        free(g);
        return scaled(fs, ro, fs->scratch, (size_t)ng, count);
    }
    memcpy(t, s, n);
    memcpy(g, fs->scratch, (size_t)ng * sizeof *g);
    fs->ents[fs->ncache] = (shape_ent){h, t, n, key, g, (size_t)ng, NULL, -1};
    fs->slot[i] = (uint16_t)++fs->ncache; /* fewer than SHAPE_SLOTS / 2 + 1: emptied above when half full */
    return scaled_ent(fs, ro, &fs->ents[fs->ncache - 1], count);
}

layout_metrics font_metrics(font_faces *fs)
{
    return (layout_metrics){fs, m_advance, m_kern, m_line, m_ascent, m_shape};
}

void font_set_lang(font_faces *fs, const char *lang, size_t n)
{
    char l[sizeof fs->lang];
    if (!lang || n >= sizeof l) n = 0;
    memcpy(l, lang ? lang : "", n);
    l[n] = 0;
    if (!strcmp(l, fs->lang)) return;
    const char *old = text_cjk_tag(fs->lang);
    memcpy(fs->lang, l, n + 1);
    fs->hblang = fs->lang[0] ? hb_language_from_string(fs->lang, -1) : HB_LANGUAGE_INVALID;
    cache_clear(fs); /* shaped with another language */
    if (strcmp(old, text_cjk_tag(fs->lang))) {
        order_fallbacks(fs);
        for (int i = 0; i < fs->nfaces; i++) memset(fs->faces[i].adv, 0, ADV_SLOTS * sizeof *fs->faces[i].adv);
    }
}

/* ---- rasterizing glyph ids -------------------------------------------------- */

int font_render_glyph(font_faces *fs, int r, int fi, uint32_t gid, int expand, font_bitmap *out, lerr *e)
{
    memset(out, 0, sizeof *out);
    if (!fs->body_px || fi < 0 || fi >= fs->nfaces) {
        lerr_set(e, "no face %d to draw glyph %u from", fi, (unsigned)gid);
        return -1;
    }
    const role *ro = get_role(fs, r);
    face *f = &fs->faces[fi];
    /* the style SDL_ttf synthesizes for this role and face (font_glyph_face) */
    int style = font_face_style(fs, r, fi);
    FT_Face ft = f->ft;
    double scale = 1.0;
    FT_Int32 load = FT_LOAD_TARGET_LIGHT;
    if (f->color) {
        /* the strike nearest above the size (or the largest), scaled to it */
        int best = 0;
        for (int k = 0; k < ft->num_fixed_sizes; k++) {
            int y = ft->available_sizes[k].y_ppem >> 6, yb = ft->available_sizes[best].y_ppem >> 6;
            if ((y >= ro->px && (yb < ro->px || y < yb)) || (yb < ro->px && y > yb)) best = k;
        }
        if (f->ft_px != -best - 1 && FT_Select_Size(ft, best)) {
            lerr_set(e, "font %s: no bitmap strike", f->name);
            return -1;
        }
        f->ft_px = -best - 1;
        int ppem = ft->available_sizes[best].y_ppem >> 6;
        scale = ppem > 0 ? (double)ro->px / ppem : 1.0;
        load = FT_LOAD_COLOR;
    } else if (f->ft_px != ro->px || f->ft_style != style || f->ft_expand != expand) {
        if (FT_Set_Pixel_Sizes(ft, 0, (FT_UInt)ro->px)) {
            lerr_set(e, "font %s at %d px: FreeType cannot size it", f->name, ro->px);
            return -1;
        }
        /* SDL_ttf's shear for a synthetic italic, then the line's expansion: x' = s (x + 0.207 y) */
        double sx = (1000.0 + expand) / 1000.0, shear = (style & FONT_STYLE_ITALIC) ? 0.207 : 0.0;
        if (expand || shear != 0.0) {
            FT_Matrix mx = {(FT_Fixed)lround(sx * 0x10000), (FT_Fixed)lround(sx * shear * 0x10000), 0, 0x10000};
            FT_Set_Transform(ft, &mx, NULL);
        } else {
            FT_Set_Transform(ft, NULL, NULL);
        }
        f->ft_px = ro->px;
        f->ft_style = style;
        f->ft_expand = expand;
    }
    if (FT_Load_Glyph(ft, gid, load)) {
        lerr_set(e, "font %s: glyph %u does not load", f->name, (unsigned)gid);
        return -1;
    }
    FT_GlyphSlot sl = ft->glyph;
    if (!f->color && (style & FONT_STYLE_BOLD) && sl->format == FT_GLYPH_FORMAT_OUTLINE)
        FT_Outline_Embolden(&sl->outline, (FT_Pos)(ro->px * 64 / 20)); /* about SDL_ttf's px/10 wider */
    if (sl->format != FT_GLYPH_FORMAT_BITMAP && FT_Render_Glyph(sl, FT_RENDER_MODE_NORMAL)) {
        lerr_set(e, "font %s: glyph %u does not render", f->name, (unsigned)gid);
        return -1;
    }
    FT_Bitmap *b = &sl->bitmap;
    if (b->pixel_mode == FT_PIXEL_MODE_BGRA) {
        int w = (int)lround(b->width * scale), h = (int)lround(b->rows * scale);
        if (w < 1 || h < 1) return 0;
        size_t need = (size_t)w * h * 4;
        if (need > fs->bmcap) {
            uint8_t *nb = realloc(fs->bm, need);
            if (!nb) {
                lerr_set(e, "out of memory for a colour glyph");
                return -1;
            }
            fs->bm = nb;
            fs->bmcap = need;
        }
        /* box filter: each target pixel averages the source pixels it covers */
        for (int y = 0; y < h; y++) {
            int sy0 = (int)(y / scale), sy1 = (int)((y + 1) / scale);
            if (sy1 <= sy0) sy1 = sy0 + 1;
            if (sy1 > (int)b->rows) sy1 = (int)b->rows;
            for (int x = 0; x < w; x++) {
                int sx0 = (int)(x / scale), sx1 = (int)((x + 1) / scale);
                if (sx1 <= sx0) sx1 = sx0 + 1;
                if (sx1 > (int)b->width) sx1 = (int)b->width;
                unsigned acc[4] = {0, 0, 0, 0}, cnt = 0;
                for (int yy = sy0; yy < sy1; yy++)
                    for (int xx = sx0; xx < sx1; xx++) {
                        const uint8_t *p = b->buffer + (size_t)yy * b->pitch + (size_t)xx * 4;
                        for (int c = 0; c < 4; c++) acc[c] += p[c];
                        cnt++;
                    }
                uint8_t *q = fs->bm + ((size_t)y * w + x) * 4;
                for (int c = 0; c < 4; c++) q[c] = (uint8_t)(cnt ? acc[c] / cnt : 0);
            }
        }
        *out = (font_bitmap){fs->bm, w, h, w * 4, (int)lround(sl->bitmap_left * scale),
                             (int)lround(sl->bitmap_top * scale), 1};
        return 0;
    }
    if (b->pixel_mode != FT_PIXEL_MODE_GRAY) return 0; /* nothing we draw (mono bitmaps: none in our fonts) */
    *out = (font_bitmap){b->buffer, (int)b->width, (int)b->rows, b->pitch, sl->bitmap_left, sl->bitmap_top, 0};
    return 0;
}

/* ---- drawing code points (font_ttf.c) ---------------------------------------- */

int font_role_face(const font_faces *fs, int f) { return get_role(fs, f)->face; }

int font_fallback_face(const font_faces *fs) { return fs->fallback; }

int font_face_style(const font_faces *fs, int f, int fi)
{
    const role *ro = get_role(fs, f);
    return fi == ro->face ? ro->style : (ro->style & FONT_STYLE_ITALIC);
}

int font_face_bytes(const font_faces *fs, int fi, const uint8_t **data, size_t *size, int *index)
{
    if (fi < 0 || fi >= fs->nfaces) return -1;
    *data = fs->faces[fi].data;
    *size = fs->faces[fi].size;
    *index = fs->faces[fi].index;
    return 0;
}

int font_cp_face(font_faces *fs, int f, uint32_t cp, int *missing)
{
    if (!fs->body_px) return -1;
    const role *ro = get_role(fs, f);
    const adv_slot *s = lookup_adv(fs, ro, cp);
    /* SDL_ttf draws code points from the role's face or the first fallback face */
    int fb = s->serve == SERVE_FALLBACK && s->fi == fs->fallback;
    if (missing) *missing = s->serve == SERVE_NONE || (s->serve == SERVE_FALLBACK && !fb);
    return fb ? fs->fallback : ro->face;
}

const char *font_role_name(const font_faces *fs, int f) { return fs->faces[get_role(fs, f)->face].name; }

const char *font_fallback_name(const font_faces *fs)
{
    return fs->fallback >= 0 ? fs->faces[fs->fallback].name : "";
}

/* ---- shaping, for --dump-layout ------------------------------------------------ */

int font_face_of(font_faces *fs, int r, uint32_t cp)
{
    if (!fs->body_px) return -1;
    const role *ro = get_role(fs, r);
    return lookup_adv(fs, ro, cp)->fi;
}

const char *font_face_name(const font_faces *fs, int fi)
{
    return fi >= 0 && fi < fs->nfaces ? fs->faces[fi].name : "";
}

uint32_t font_nominal_glyph(const font_faces *fs, int fi, uint32_t cp)
{
    hb_codepoint_t g = 0;
    if (fi < 0 || fi >= fs->nfaces || !hb_font_get_nominal_glyph(fs->faces[fi].hbfont, cp, &g)) return 0;
    return g;
}

int32_t font_face_advance(const font_faces *fs, int r, int fi, uint32_t cp)
{
    if (fi < 0 || fi >= fs->nfaces) return 0;
    const face *f = &fs->faces[fi];
    return scale26(face_advance_units(f, cp), get_role(fs, r)->px, f->upem);
}

int font_shape(font_faces *fs, int r, int fi, const uint8_t *s, size_t n, font_glyph **out, size_t *nout, lerr *e)
{
    *out = NULL;
    *nout = 0;
    (void)fi;
    if (!fs->body_px) {
        lerr_set(e, "shaping: no text size set");
        return -1;
    }
    if (n == 0) return 0;
    size_t ng = 0;
    const layout_glyph *lg = m_shape(fs, r, s, n, &ng);
    if (!lg) {
        lerr_set(e, "shaping: out of memory");
        return -1;
    }
    font_glyph *g = ng ? malloc(ng * sizeof *g) : NULL;
    if (ng && !g) {
        lerr_set(e, "shaping: out of memory for %zu glyphs", ng);
        return -1;
    }
    for (size_t i = 0; i < ng; i++) g[i] = (font_glyph){lg[i].id, lg[i].cluster, lg[i].advance};
    *out = g;
    *nout = ng;
    return 0;
}

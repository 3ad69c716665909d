/* fuzz_shape.c - libFuzzer target for the shaping path of layout: random
 * mixed-script text (Latin, Greek, Arabic, Hebrew, Devanagari, Thai, CJK,
 * emoji pieces, combining marks, joiners, soft hyphens, spaces, chosen by
 * the input's bytes) set by layout_essay with a real HarfBuzz shaper over
 * two installed faces (DejaVu Sans, Noto Sans Devanagari; fonts-dejavu-core
 * and fonts-noto-core), then every line walked by layout_line_shaped,
 * layout_line_glyphs, layout_line_walk and layout_line_decor. Checks: the
 * layout succeeds, every glyph's cluster offset lies in its line, the code
 * point walk covers the line's bytes in order, and a line's glyphs and
 * natural spaces add up to its width. ASan/UBSan do the rest.
 * Without the fonts it stops at once: the fuzzer is run where they are
 * (tools/deps.sh test). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hb.h>

#include "essay.h"
#include "layout.h"
#include "text.h"

static const char *const FONTS[2] = {"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
                                     "/usr/share/fonts/truetype/noto/NotoSansDevanagari-Regular.ttf"};

typedef struct shaper {
    hb_font_t *font[2];
    int upem[2];
    hb_buffer_t *buf;
    layout_glyph *g;
    size_t cap;
} shaper;

static int32_t px26(int32_t units, int upem) { return (int32_t)((int64_t)units * 18 * 64 / upem); }

static int32_t s_adv(void *ctx, int f, uint32_t cp)
{
    shaper *s = ctx;
    (void)f;
    hb_codepoint_t g = 0;
    hb_font_get_nominal_glyph(s->font[0], cp, &g);
    return px26(hb_font_get_glyph_h_advance(s->font[0], g), s->upem[0]);
}

static int32_t s_lh(void *ctx, int f) { (void)ctx; (void)f; return 26 * 64; }
static int32_t s_asc(void *ctx, int f) { (void)ctx; (void)f; return 19 * 64; }

/* Devanagari in the Noto face, everything else in DejaVu: one face per call. */
static const layout_glyph *s_shape(void *ctx, int f, const uint8_t *t, size_t n, size_t *count)
{
    shaper *s = ctx;
    (void)f;
    *count = 0;
    uint32_t c0 = 0;
    text_next(t, n, &c0);
    int fi = c0 >= 0x900 && c0 < 0x980;
    hb_buffer_clear_contents(s->buf);
    hb_buffer_add_utf8(s->buf, (const char *)t, (int)n, 0, (int)n);
    hb_buffer_guess_segment_properties(s->buf);
    hb_shape(s->font[fi], s->buf, NULL, 0);
    unsigned ng = 0;
    hb_glyph_info_t *info = hb_buffer_get_glyph_infos(s->buf, &ng);
    hb_glyph_position_t *pos = hb_buffer_get_glyph_positions(s->buf, NULL);
    if (ng > s->cap) {
        layout_glyph *ng2 = realloc(s->g, ng * sizeof *ng2);
        if (!ng2) return NULL;
        s->g = ng2;
        s->cap = ng;
    }
    for (unsigned i = 0; i < ng; i++)
        s->g[i] = (layout_glyph){info[i].codepoint, info[i].cluster, px26(pos[i].x_advance, s->upem[fi]),
                                 px26(pos[i].x_offset, s->upem[fi]), px26(pos[i].y_offset, s->upem[fi]), fi};
    *count = ng;
    return s->g;
}

static shaper *get_shaper(void)
{
    static shaper S; /* the fuzzer's process: opened once */
    static int tried;
    if (tried) return S.buf ? &S : NULL;
    tried = 1;
    for (int i = 0; i < 2; i++) {
        hb_blob_t *b = hb_blob_create_from_file(FONTS[i]);
        hb_face_t *fc = hb_face_create(b, 0);
        hb_blob_destroy(b);
        if (hb_face_get_glyph_count(fc) == 0) {
            fprintf(stderr, "fuzz_shape: %s is missing (tools/deps.sh test)\n", FONTS[i]);
            abort();
        }
        S.font[i] = hb_font_create(fc);
        S.upem[i] = (int)hb_face_get_upem(fc);
        hb_face_destroy(fc);
    }
    S.buf = hb_buffer_create();
    return &S;
}

/* Pieces of text the input's bytes pick from. */
static const char *const PIECES[] = {
    "office ", "fluffy", "waffle ", "\xC2\xAD", " ", " ", "\xC2\xA0", "\xE2\x80\x8B", "-", "\xE2\x80\x94",
    "\xCE\x95\xCE\xBB\xCE\xBB\xCE\xB7\xCE\xBD\xCE\xB9\xCE\xBA\xCE\xAC ",                     /* Ελληνικά */
    "\xD8\xA7\xD9\x84\xD9\x84\xD8\xBA\xD8\xA9 ",                                               /* اللغة */
    "\xD8\xA7\xD9\x84\xD8\xB9\xD8\xB1\xD8\xA8\xD9\x8A\xD8\xA9",                                 /* العربية */
    "\xD7\xA9\xD7\x81\xD7\xB8\xD7\x9C\xD7\x95\xD6\xB9\xD7\x9D ",                               /* שׁלום with points */
    "\xE0\xA4\xB9\xE0\xA4\xBF\xE0\xA4\xA8\xE0\xA5\x8D\xE0\xA4\xA6\xE0\xA5\x80 ",               /* हिन्दी */
    "\xE0\xA4\x95\xE0\xA5\x8D\xE0\xA4\xB7",                                                     /* क्ष */
    "\xE0\xB8\xA0\xE0\xB8\xB2\xE0\xB8\xA9\xE0\xB8\xB2\xE0\xB9\x84\xE0\xB8\x97\xE0\xB8\xA2",     /* ภาษาไทย */
    "\xE0\xB8\x84\xE0\xB8\xB3",                                                                 /* คำ */
    "\xE4\xB8\xAD\xE6\x96\x87\xEF\xBC\x8C",                                                     /* 中文， */
    "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E\xE3\x80\x82",                                         /* 日本語。 */
    "\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7",                 /* ZWJ family */
    "\xF0\x9F\x87\xAB\xF0\x9F\x87\xB7",                                                         /* a flag */
    "\xE2\x9D\xA4\xEF\xB8\x8F", "\xCC\x81", "\xE2\x80\x8C", "e\xCC\x81", "A", "V", "T", "o", ".", ",",
};
#define NPIECES (sizeof PIECES / sizeof *PIECES)

typedef struct lcheck {
    const layout_line *ln;
    const uint8_t *text;
    int bad;
    uint32_t next_off;
    int64_t sum;
} lcheck;

static void on_glyph(void *ctx, const layout_placed *g)
{
    lcheck *c = ctx;
    if (g->what == LAYOUT_PLACED_TEXT && (g->off < c->ln->start || g->off >= c->ln->end)) c->bad = 1;
    if (g->what == LAYOUT_PLACED_TEXT || g->what == LAYOUT_PLACED_HYPHEN) c->sum += g->advance;
}

static void on_cp(void *ctx, uint32_t off, uint32_t cp, int32_t x, int32_t w, int font, int style)
{
    (void)cp; (void)x; (void)w; (void)font; (void)style;
    lcheck *c = ctx;
    if (off != c->next_off || off >= c->ln->end) {
        c->bad = 1;
        return;
    }
    uint32_t d;
    c->next_off = off + (uint32_t)text_next(c->text + off, c->ln->end - off, &d);
}

static void on_cp_glyph(void *ctx, int font, uint32_t cp, int32_t x, int32_t y)
{
    (void)ctx; (void)font; (void)cp; (void)x; (void)y;
}

static void on_decor(void *ctx, int style, int font, int32_t x0, int32_t x1, int32_t y)
{
    (void)style; (void)font; (void)y;
    lcheck *c = ctx;
    if (x1 < x0) c->bad = 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    shaper *s = get_shaper();
    if (!s || size < 2 || size > 4096) return 0;
    /* text: one piece per input byte, a paragraph break at byte 0xFF */
    size_t cap = size * 40 + 2;
    uint8_t *t = malloc(cap);
    if (!t) return 0;
    size_t n = 0;
    /* (an essay's paragraphs have no space at either end and never two in a row) */
    for (size_t i = 1; i < size; i++) {
        if (data[i] == 0xFF) {
            while (n && t[n - 1] == ' ') n--;
            if (n && t[n - 1] != '\n') t[n++] = '\n';
            continue;
        }
        const char *p = PIECES[data[i] % NPIECES];
        for (; *p; p++) {
            if (*p == ' ' && (n == 0 || t[n - 1] == ' ' || t[n - 1] == '\n')) continue;
            t[n++] = (uint8_t)*p;
        }
    }
    while (n && t[n - 1] == ' ') n--;
    if (n == 0) t[n++] = 'x';
    if (t[n - 1] != '\n') t[n++] = '\n';
    essay es;
    lerr e;
    if (essay_parse(t, n, &es, &e)) { /* the pieces are valid UTF-8 without markers: always an essay */
        fprintf(stderr, "fuzz_shape: essay refused: %s\n", e.msg);
        abort();
    }
    layout_metrics m = {s, s_adv, NULL, s_lh, s_asc, s_shape};
    layout_params p = {64 * (60 + data[0] % 200) * 2, 26 * 64 * (2 + data[0] % 9), 0, 0, !(data[0] & 0x80), (data[0] & 0x40) ? LAYOUT_EXPAND_MAX : 0, (data[0] & 0x20) != 0};
    layout_result r;
    if (layout_essay(&es, &m, &p, &r, &e)) {
        fprintf(stderr, "fuzz_shape: layout failed: %s\n", e.msg);
        abort();
    }
    for (size_t i = 0; i < r.nlines; i++) {
        const layout_line *ln = &r.lines[i];
        if (ln->start > ln->end || ln->end > es.size) abort();
        lcheck c = {ln, es.text, 0, ln->start, 0};
        layout_line_shaped(&es, ln, &m, on_glyph, &c);
        if (c.bad) {
            fprintf(stderr, "fuzz_shape: line %zu: a glyph's cluster is outside the line\n", i);
            abort();
        }
        /* the line's width is its glyphs' advances plus its natural spaces (and the
         * italic corrections, none here: one role) */
        layout_line_info li;
        layout_line_describe(&es, ln, &m, &li);
        int64_t spaces = 0;
        for (uint32_t k = ln->start; k < ln->end;) {
            uint32_t cp;
            k += (uint32_t)text_next(es.text + k, ln->end - k, &cp);
            if (cp == ' ') spaces += s_adv(s, 0, ' ');
            else if (cp == 0xA0) spaces += s_adv(s, 0, ' ');
        }
        if (!(ln->flags & LAYOUT_LINE_CENTER) && c.sum + spaces != ln->width) {
            fprintf(stderr, "fuzz_shape: line %zu: width %d, glyphs %lld + spaces %lld\n", i, ln->width,
                    (long long)c.sum, (long long)spaces);
            abort();
        }
        layout_line_glyphs(&es, ln, &m, on_cp_glyph, NULL);
        layout_line_walk(&es, ln, &m, on_cp, &c);
        if (c.bad || (!(ln->flags & LAYOUT_LINE_CENTER) && c.next_off != ln->end)) {
            fprintf(stderr, "fuzz_shape: line %zu: the code point walk does not cover it in order\n", i);
            abort();
        }
        layout_line_decor(&es, ln, &m, on_decor, &c);
        if (c.bad) abort();
    }
    layout_free(&r);
    essay_free(&es);
    free(t);
    return 0;
}

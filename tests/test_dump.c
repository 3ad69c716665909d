/* test_dump.c - what --dump-layout reads from layout: each line's measure,
 * what its break consumed, its adjustment ratio, and the walk of its code
 * points, which must place every visible glyph where layout_line_glyphs
 * (the renderer) places it. A fake font: every glyph 10 px, a space 12 px,
 * kerning between a few pairs. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "essay.h"
#include "layout.h"
#include "t.h"

#define G 640
#define SP 768
#define LH 1280

static int32_t f_adv(void *ctx, int f, uint32_t cp)
{
    (void)ctx;
    (void)f;
    return cp == ' ' ? SP : G;
}
static int32_t f_kern(void *ctx, int f, uint32_t l, uint32_t r)
{
    (void)ctx;
    (void)f;
    if (l == 'A' && r == 'V') return -64;
    if (l == 'T' && r == 'o') return -96;
    if (l == 'o' && r == '-') return -32;
    return 0;
}
static int32_t f_lh(void *ctx, int f)
{
    (void)ctx;
    (void)f;
    return LH;
}
static int32_t f_asc(void *ctx, int f)
{
    (void)ctx;
    (void)f;
    return 1024;
}
static layout_metrics M = {NULL, f_adv, f_kern, f_lh, f_asc, NULL};

static essay mk(const char *s)
{
    essay es;
    lerr e = {{0}};
    if (essay_parse((const uint8_t *)s, strlen(s), &es, &e)) {
        fprintf(stderr, "essay_parse failed: %s\n", e.msg);
        abort();
    }
    return es;
}

static layout_result lay(const essay *es, int wchars, int hlines)
{
    layout_params p = {wchars * G, hlines * LH, 0, 4 * G, 1, 0, 0};
    layout_result r;
    lerr e = {{0}};
    if (layout_essay(es, &M, &p, &r, &e)) {
        fprintf(stderr, "layout_essay failed: %s\n", e.msg);
        abort();
    }
    return r;
}

/* ---- walk vs layout_line_glyphs ---- */
typedef struct rec {
    int32_t x[4096];
    uint32_t cp[4096];
    size_t n;
    uint32_t last_off;
    int ordered;
    int64_t end_x; /* pen after the last code point */
} rec;

static void glyph_cb(void *ctx, int font, uint32_t cp, int32_t x, int32_t y)
{
    (void)font;
    (void)y;
    rec *r = ctx;
    if (r->n < 4096) {
        r->cp[r->n] = cp;
        r->x[r->n] = x;
    }
    r->n++;
}

static void walk_cb(void *ctx, uint32_t off, uint32_t cp, int32_t x, int32_t w, int font, int style)
{
    (void)font;
    (void)style;
    rec *r = ctx;
    if (r->n && off <= r->last_off) r->ordered = 0;
    r->last_off = off;
    r->end_x = (int64_t)x + w;
    /* only what the renderer draws */
    if (cp == ' ' || cp == 0xAD || cp == 0xA0 || cp == 0x200B) return;
    if (r->n < 4096) {
        r->cp[r->n] = cp;
        r->x[r->n] = x;
    }
    r->n++;
}

static const char *TEXT =
    "To be or not to be, AV that is the ques\xC2\xADtion: whether \xE2\x80\x99tis nobler in the mind to "
    "suf\xC2\xAD"
    "fer the slings and ar\xC2\xADrows of out\xC2\xADra\xC2\xADgeous for\xC2\xADtune, or to take "
    "arms against a sea of trou\xC2\xAD"
    "bles, and by op\xC2\xADpos\xC2\xADing end them. To\xC2\xAD-day "
    "well-known long\xE2\x80\x94"
    "dash text.\n"
    "\x02\xE2\x80\xA2 A list item that is long enough to wrap onto a second line of the page.\n"
    "\x03"
    "A quote, also long enough to wrap at this narrow measure, set in from both sides.\n"
    "\x04\n"
    "\x01"
    "1A heading\n";

TEST(walk_places_glyphs_as_the_renderer)
{
    essay es = mk(TEXT);
    size_t text_lines = 0;
    for (int wc = 14; wc <= 40; wc += 3) {
        layout_result r = lay(&es, wc, 8);
        CHECK(r.nlines > 8);
        for (size_t i = 0; i < r.nlines; i++) {
            const layout_line *ln = &r.lines[i];
            if (ln->flags & LAYOUT_LINE_CENTER) continue;
            rec g = {.n = 0}, w = {.n = 0, .ordered = 1};
            layout_line_glyphs(&es, ln, &M, glyph_cb, &g);
            layout_line_walk(&es, ln, &M, walk_cb, &w);
            /* the renderer adds the label first and the end hyphen last */
            size_t skip = 0;
            if (ln->flags & LAYOUT_LINE_LABEL) skip = 1; /* "•" */
            size_t tail = (ln->flags & LAYOUT_LINE_HYPHEN) ? 1 : 0;
            CHECKF(g.n == skip + w.n + tail, "line %zu: %zu drawn, %zu walked", i, g.n, w.n);
            int same = 1;
            for (size_t k = 0; k < w.n && k + skip < g.n; k++)
                if (g.x[k + skip] != w.x[k] || g.cp[k + skip] != w.cp[k]) same = 0;
            CHECKF(same, "line %zu: walk and layout_line_glyphs disagree", i);
            CHECK(w.ordered);
            /* a justified line fills its measure; any line fits it */
            layout_line_info li;
            layout_line_describe(&es, ln, &M, &li);
            int64_t right = w.end_x - ln->x + (tail ? G : 0);
            if (ln->flags & LAYOUT_LINE_HYPHEN) right += f_kern(NULL, 0, w.cp[w.n - 1], '-');
            if (li.ratio != 0)
                CHECKF(right == ln->measure, "line %zu: ends at %lld, measure %d", i, (long long)right, ln->measure);
            else
                CHECKF(right <= ln->measure, "line %zu: %lld over %d", i, (long long)right, ln->measure);
            text_lines++;
        }
        layout_free(&r);
    }
    CHECK(text_lines > 80);
    essay_free(&es);
}

TEST(end_kinds_and_ratio)
{
    essay es = mk(TEXT);
    int seen[5] = {0};
    for (int wc = 14; wc <= 40; wc++) {
        layout_result r = lay(&es, wc, 8);
        for (size_t i = 0; i < r.nlines; i++) {
            const layout_line *ln = &r.lines[i];
            const essay_block *b = &es.blocks[ln->block];
            layout_line_info li;
            layout_line_describe(&es, ln, &M, &li);
            CHECK(li.end >= 0 && li.end <= LAYOUT_END_BLOCK);
            seen[li.end]++;
            CHECK(li.space == SP);
            uint32_t bend = b->start + b->len;
            switch (li.end) {
            case LAYOUT_END_BLOCK:
                CHECK(i + 1 == r.nlines || r.lines[i + 1].block != ln->block);
                CHECK(ln->end == bend || b->kind == ESSAY_SEP);
                break;
            case LAYOUT_END_SPACE:
                CHECK(es.text[ln->end] == ' ' && r.lines[i + 1].start == ln->end + 1);
                break;
            case LAYOUT_END_SOFT_HYPHEN:
                CHECK(ln->end >= 2 && es.text[ln->end - 2] == 0xC2 && es.text[ln->end - 1] == 0xAD);
                CHECK(r.lines[i + 1].start == ln->end);
                break;
            case LAYOUT_END_NONE:
                CHECK(r.lines[i + 1].start == ln->end && es.text[ln->end] != ' ');
                break;
            }
            /* the ratio is what was added to the spaces over their stretch (or shrink) */
            int64_t adj = (int64_t)li.nspaces * ln->space_extra + ln->space_rem;
            if (adj > 0)
                CHECKF(li.ratio > 0 && li.ratio * li.nspaces * (SP / 2) > adj - 1e-6 &&
                           li.ratio * li.nspaces * (SP / 2) < adj + 1e-6,
                       "line %zu ratio %f", i, li.ratio);
            else if (adj < 0)
                CHECKF(li.ratio < 0 && li.ratio >= -1.0, "line %zu ratio %f", i, li.ratio);
            else
                CHECK(li.ratio == 0);
            if (ln->flags & LAYOUT_LINE_LAST) CHECK(li.ratio <= 0);
            /* the measure: the page less the block's indents */
            if (b->kind == ESSAY_QUOTE)
                CHECK(ln->measure == wc * G - 2 * ln->x);
            else
                CHECK(ln->measure == wc * G - ln->x || b->kind == ESSAY_SEP);
            if (b->kind == ESSAY_SEP) CHECK(ln->measure == wc * G);
        }
        CHECK(seen[LAYOUT_END_BLOCK] % (int)es.nblocks == 0);
        layout_free(&r);
    }
    CHECK(seen[LAYOUT_END_SPACE] > 3);
    CHECK(seen[LAYOUT_END_SOFT_HYPHEN] >= 1);
    CHECK(seen[LAYOUT_END_NONE] >= 1);
    CHECK(seen[LAYOUT_END_HARD] == 0); /* TEXT has no hard line break (U+2028) */
    essay_free(&es);
}

/* After an explicit hyphen or a dash the break consumes nothing. */
TEST(break_after_hyphen_consumes_nothing)
{
    essay es = mk("aaaaaaaa well-known bbbbbbbbbbbbb\n");
    layout_result r = lay(&es, 15, 8);
    int none = 0;
    for (size_t i = 0; i < r.nlines; i++) {
        layout_line_info li;
        layout_line_describe(&es, &r.lines[i], &M, &li);
        if (li.end == LAYOUT_END_NONE) {
            none++;
            CHECK(es.text[r.lines[i].end - 1] == '-');
        }
    }
    CHECKF(none == 1, "%d lines end after the hyphen", none);
    layout_free(&r);
    essay_free(&es);
}

/* ---- styled runs, hard breaks, code lines ---- */

/* Faces of different widths: body 10 px, italic 12, bold 14, bold italic
 * 16, mono 8 (a space: 12 px in the body, 9 in the others). */
static int32_t s_adv(void *ctx, int f, uint32_t cp)
{
    (void)ctx;
    static const int32_t w[LAYOUT_NFONTS] = {640, 768, 896, 640, 640, 640, 1024, 512};
    if (cp == ' ') return f == LAYOUT_BODY ? 768 : 576;
    return f >= 0 && f < LAYOUT_NFONTS ? w[f] : 640;
}
static layout_metrics MS = {NULL, s_adv, NULL, f_lh, f_asc, NULL};

/* An essay from text and spans {block, start, len, style}, style section and all. */
static essay mk_styled(const char *text, const uint32_t (*sp)[4], size_t n, uint8_t **keep)
{
    size_t tl = strlen(text), size = tl + 1 + 8 + 16 * n;
    uint8_t *d = calloc(1, size);
    if (!d) abort();
    memcpy(d, text, tl);
    uint8_t *q = d + tl + 1;
    q[0] = (uint8_t)n;
    q += 8;
    for (size_t i = 0; i < n; i++, q += 16) {
        for (int k = 0; k < 3; k++)
            for (int b = 0; b < 4; b++) q[4 * k + b] = (uint8_t)(sp[i][k] >> (8 * b));
        q[12] = (uint8_t)sp[i][3];
    }
    essay es;
    lerr e = {{0}};
    if (essay_parse(d, size, &es, &e)) {
        fprintf(stderr, "essay_parse failed: %s\n", e.msg);
        abort();
    }
    *keep = d;
    return es;
}

static layout_result lay_m(const essay *es, const layout_metrics *m, int32_t w, int hlines)
{
    layout_params p = {w, hlines * LH, 0, 4 * G, 1, 0, 0};
    layout_result r;
    lerr e = {{0}};
    if (layout_essay(es, m, &p, &r, &e)) {
        fprintf(stderr, "layout_essay failed: %s\n", e.msg);
        abort();
    }
    return r;
}

typedef struct frec {
    uint32_t off[512], cp[512];
    int32_t x[512], w[512];
    int font[512], style[512];
    size_t n;
} frec;

static void fwalk_cb(void *ctx, uint32_t off, uint32_t cp, int32_t x, int32_t w, int font, int style)
{
    frec *r = ctx;
    if (r->n < 512) {
        r->off[r->n] = off, r->cp[r->n] = cp, r->x[r->n] = x, r->w[r->n] = w;
        r->font[r->n] = font, r->style[r->n] = style;
    }
    r->n++;
}

TEST(face_of_each_style)
{
    CHECK(layout_face(LAYOUT_BODY, 0) == LAYOUT_BODY);
    CHECK(layout_face(LAYOUT_BODY, ESSAY_STYLE_EM) == LAYOUT_ITALIC);
    CHECK(layout_face(LAYOUT_BODY, ESSAY_STYLE_STRONG) == LAYOUT_BOLD);
    CHECK(layout_face(LAYOUT_BODY, ESSAY_STYLE_EM | ESSAY_STYLE_STRONG) == LAYOUT_BOLD_ITALIC);
    CHECK(layout_face(LAYOUT_BODY, ESSAY_STYLE_CODE | ESSAY_STYLE_EM) == LAYOUT_MONO);
    CHECK(layout_face(LAYOUT_BODY, ESSAY_STYLE_LINK | ESSAY_STYLE_STRIKE | ESSAY_STYLE_NOTE) == LAYOUT_BODY);
    CHECK(layout_face(LAYOUT_ITALIC, ESSAY_STYLE_EM) == LAYOUT_BODY); /* emphasis in a quote is upright */
    CHECK(layout_face(LAYOUT_ITALIC, ESSAY_STYLE_STRONG) == LAYOUT_BOLD_ITALIC);
    CHECK(layout_face(LAYOUT_H1, ESSAY_STYLE_EM) == LAYOUT_H1);
}

/* One line mixes five faces: each code point is measured and placed with
 * its own face's advance, spaces in the body's; justified, it fills. */
TEST(mixed_faces_on_one_line)
{
    /* blocks: 0 "plain ital bold both code end" */
    static const char text[] = "plain ital bold both code end and more words to fill a second line of it\n";
    static const uint32_t sp[][4] = {{0, 6, 4, ESSAY_STYLE_EM},
                                     {0, 11, 4, ESSAY_STYLE_STRONG},
                                     {0, 16, 4, ESSAY_STYLE_EM | ESSAY_STYLE_STRONG},
                                     {0, 21, 4, ESSAY_STYLE_CODE}};
    uint8_t *d;
    essay es = mk_styled(text, sp, 4, &d);
    layout_result r = lay_m(&es, &MS, 400 * 64, 8);
    CHECK(r.nlines >= 2);
    frec w = {.n = 0};
    layout_line_walk(&es, &r.lines[0], &MS, fwalk_cb, &w);
    static const int want[] = {LAYOUT_BODY, LAYOUT_ITALIC, LAYOUT_BOLD, LAYOUT_BOLD_ITALIC, LAYOUT_MONO};
    int ok = 1;
    for (size_t k = 0; k < w.n && k < 512; k++) {
        uint32_t rel = w.off[k];
        if (w.cp[k] == ' ') {
            if (w.w[k] < 768) ok = 0; /* the body's space, stretched or not: never the others' 9 px */
            continue;
        }
        int word = rel < 5 ? 0 : rel < 10 ? 1 : rel < 15 ? 2 : rel < 20 ? 3 : rel < 25 ? 4 : 0;
        if (w.font[k] != want[word] || w.w[k] != s_adv(NULL, want[word], w.cp[k])) ok = 0;
        if (k + 1 < w.n && w.x[k + 1] != w.x[k] + w.w[k] && !(word == 1 || word == 3)) ok = 0;
    }
    CHECKF(ok, "a code point in the wrong face or place");
    /* the italic words end before a space: no italic correction there */
    CHECK(w.x[10] == w.x[9] + w.w[9]);
    /* the first line is justified: it ends at the measure */
    CHECK(w.x[w.n - 1] + w.w[w.n - 1] - r.lines[0].x == r.lines[0].measure);
    layout_free(&r);
    /* the same text unstyled is narrower: styled, it needs more lines at a tight measure */
    size_t styled_lines = 0, plain_lines = 0;
    for (int32_t wd = 100 * 64; wd <= 300 * 64; wd += 20 * 64) {
        layout_result a = lay_m(&es, &MS, wd, 40);
        essay plain = mk(text);
        layout_result b = lay_m(&plain, &MS, wd, 40);
        styled_lines += a.nlines;
        plain_lines += b.nlines;
        for (size_t i = 0; i < a.nlines; i++) {
            frec v = {.n = 0};
            layout_line_walk(&es, &a.lines[i], &MS, fwalk_cb, &v);
            CHECKF(v.n == 0 || v.x[v.n - 1] + v.w[v.n - 1] - a.lines[i].x <= a.lines[i].measure,
                   "width %d line %zu passes the measure", wd / 64, i);
        }
        layout_free(&a);
        layout_free(&b);
        essay_free(&plain);
    }
    CHECKF(styled_lines > plain_lines, "styled %zu lines, plain %zu", styled_lines, plain_lines);
    essay_free(&es);
    free(d);
}

/* Upright text right after an italic run (no space between) keeps a gap:
 * the italic correction, a quarter of the italic's space. */
TEST(italic_correction_before_upright)
{
    static const char text[] = "an word) end\n";
    static const uint32_t sp[][4] = {{0, 3, 4, ESSAY_STYLE_EM}};
    uint8_t *d;
    essay es = mk_styled(text, sp, 1, &d);
    layout_result r = lay_m(&es, &MS, 600 * 64, 8);
    frec w = {.n = 0};
    layout_line_walk(&es, &r.lines[0], &MS, fwalk_cb, &w);
    CHECK(w.n == 12 && w.cp[7] == ')' && w.font[6] == LAYOUT_ITALIC && w.font[7] == LAYOUT_BODY);
    CHECKF(w.x[7] == w.x[6] + 768 + 576 / 4, "')' at %d, 'd' at %d", w.x[7], w.x[6]);
    /* the line's natural width counts it too */
    CHECK(r.lines[0].width == 2 * 640 + 768 + 4 * 768 + 576 / 4 + 640 + 768 + 3 * 640);
    /* the renderer places the glyphs where the walk does */
    rec g = {.n = 0};
    layout_line_glyphs(&es, &r.lines[0], &MS, glyph_cb, &g);
    CHECK(g.n == 10 && g.x[6] == w.x[7]);
    layout_free(&r);
    essay_free(&es);
    free(d);
}

typedef struct drec {
    int style[8], font[8];
    int32_t x0[8], x1[8];
    size_t n;
} drec;

static void decor_cb(void *ctx, int style, int font, int32_t x0, int32_t x1, int32_t y)
{
    (void)y;
    drec *r = ctx;
    if (r->n < 8) r->style[r->n] = style, r->font[r->n] = font, r->x0[r->n] = x0, r->x1[r->n] = x1;
    r->n++;
}

/* Links are underlined and struck text crossed out from their first glyph
 * to the end of their last. */
TEST(link_and_strike_decorations)
{
    static const char text[] = "see the page\xC2\xB9 or gone now\n";
    /* "the page" link, "¹" note, "gone" strike */
    static const uint32_t sp[][4] = {{0, 4, 8, ESSAY_STYLE_LINK}, {0, 12, 2, ESSAY_STYLE_NOTE}, {0, 18, 4, ESSAY_STYLE_STRIKE}};
    uint8_t *d;
    essay es = mk_styled(text, sp, 3, &d);
    layout_result r = lay_m(&es, &MS, 600 * 64, 8);
    CHECK(r.nlines == 1);
    frec w = {.n = 0};
    layout_line_walk(&es, &r.lines[0], &MS, fwalk_cb, &w);
    drec dr = {.n = 0};
    layout_line_decor(&es, &r.lines[0], &MS, decor_cb, &dr);
    CHECKF(dr.n == 2, "%zu decorations", dr.n);
    CHECK(dr.style[0] == ESSAY_STYLE_LINK && dr.x0[0] == w.x[4] && dr.x1[0] == w.x[11] + w.w[11]);
    CHECK(w.style[12] == ESSAY_STYLE_NOTE && w.cp[12] == 0xB9);
    CHECK(dr.style[1] == ESSAY_STYLE_STRIKE && dr.x0[1] == w.x[17] && dr.x1[1] == w.x[20] + w.w[20]);
    layout_free(&r);
    essay_free(&es);
    free(d);
}

/* A link that runs from one line into the next is underlined on both, and
 * a line of the same paragraph with no link or struck text gets nothing:
 * the decoration walk is skipped only where no such span overlaps. */
TEST(decoration_only_where_a_span_overlaps)
{
    static const char text[] = "aaaa bbbb cccc dddd eeee ffff\n";
    static const uint32_t sp[][4] = {{0, 5, 9, ESSAY_STYLE_LINK}}; /* "bbbb cccc" */
    uint8_t *d;
    essay es = mk_styled(text, sp, 1, &d);
    layout_result r = lay_m(&es, &MS, 100 * 64, 8); /* two 40 px words a line */
    CHECKF(r.nlines == 3, "%zu lines", r.nlines);
    size_t want[3] = {1, 1, 0};
    for (size_t i = 0; i < r.nlines && i < 3; i++) {
        drec dr = {.n = 0};
        layout_line_decor(&es, &r.lines[i], &MS, decor_cb, &dr);
        CHECKF(dr.n == want[i], "line %zu: %zu decorations", i, dr.n);
        if (dr.n == 1) CHECK(dr.style[0] == ESSAY_STYLE_LINK && dr.x1[0] > dr.x0[0]);
    }
    layout_free(&r);
    essay_free(&es);
    free(d);
}

/* A hard line break (U+2028) ends the line there, unjustified, and is on
 * neither line; the dump says `hard`. */
TEST(hard_break_ends_the_line)
{
    essay es = mk("Roses are red,\xE2\x80\xA8violets are blue, and this line is long enough to be justified at "
                  "the width we set it in\xE2\x80\xA8the end\n");
    layout_result r = lay(&es, 30, 20);
    int hard = 0;
    for (size_t i = 0; i < r.nlines; i++) {
        const layout_line *ln = &r.lines[i];
        layout_line_info li;
        layout_line_describe(&es, ln, &M, &li);
        for (uint32_t k = ln->start; k + 2 < ln->end; k++)
            CHECKF(memcmp(es.text + k, "\xE2\x80\xA8", 3) != 0, "line %zu holds the U+2028", i);
        if (li.end == LAYOUT_END_HARD) {
            hard++;
            CHECK(ln->flags & LAYOUT_LINE_HARD);
            CHECK(li.ratio == 0 && ln->space_extra == 0);
            CHECK(r.lines[i + 1].start == ln->end + 3);
        }
    }
    CHECKF(hard == 2, "%d hard breaks", hard);
    CHECK(r.lines[0].end - r.lines[0].start == 14); /* "Roses are red," */
    layout_line_info li;
    layout_line_describe(&es, &r.lines[1], &M, &li);
    CHECKF(li.end == LAYOUT_END_SPACE && li.ratio != 0, "end %d ratio %f", li.end, li.ratio); /* justified */
    layout_line_describe(&es, &r.lines[r.nlines - 1], &M, &li);
    CHECK(li.end == LAYOUT_END_BLOCK);
    layout_free(&r);
    essay_free(&es);
}

static void mark_cb(void *ctx, int font, uint32_t cp, int32_t x, int32_t y)
{
    (void)font;
    (void)y;
    rec *r = ctx;
    if (r->n < 4096) r->cp[r->n] = cp, r->x[r->n] = x;
    r->n++;
}

/* A code line is not reflowed: set in MONO, spaces kept as typed, broken
 * only where it passes the measure, with the continuation mark drawn at
 * the right end of each broken line. An empty code line is a line. */
TEST(code_lines_wrap_with_a_mark)
{
    essay es = mk("\x05    if (x)  return a_long_function_name(with, several, arguments);\n\x05\n\x05}\n");
    layout_result r = lay_m(&es, &MS, 200 * 64, 40);
    size_t cont = 0, lines0 = 0;
    uint32_t next = es.blocks[0].start;
    for (size_t i = 0; i < r.nlines; i++) {
        const layout_line *ln = &r.lines[i];
        CHECK(ln->font == LAYOUT_MONO && ln->space_extra == 0);
        if (ln->block != 0) continue;
        lines0++;
        CHECK(ln->start == next); /* nothing dropped between the pieces, spaces included */
        next = ln->end;
        rec g = {.n = 0};
        layout_line_glyphs(&es, ln, &MS, mark_cb, &g);
        if (ln->flags & LAYOUT_LINE_CONT) {
            cont++;
            CHECK(g.n > 0 && g.cp[g.n - 1] == 0x2192 && g.x[g.n - 1] == ln->x + ln->measure - 512);
            CHECK(ln->width <= ln->measure);
        } else {
            CHECK(ln->flags & LAYOUT_LINE_LAST);
        }
    }
    CHECK(next == es.blocks[0].start + es.blocks[0].len);
    CHECKF(cont >= 2 && lines0 == cont + 1, "%zu lines, %zu continued", lines0, cont);
    /* the empty code line and "}" are lines of their own */
    CHECK(r.nlines == lines0 + 2 && r.lines[lines0].block == 1 && r.lines[lines0].start == r.lines[lines0].end);
    /* the first line starts with the code's four spaces */
    frec w = {.n = 0};
    layout_line_walk(&es, &r.lines[0], &MS, fwalk_cb, &w);
    CHECK(w.cp[0] == ' ' && w.cp[3] == ' ' && w.x[4] == r.lines[0].x + 4 * 576);
    layout_free(&r);
    essay_free(&es);
}

/* A table that fits is set in columns, one line per cell, a row's cells on
 * its first cell's baseline; one too wide for the page is set row by row,
 * its cells one under another. */
TEST(tables_in_columns_or_stacked)
{
    essay es = mk("\x06" "Name\x1F" "Age\x1F" "Town\n\x06" "Ann\x1F" "12\x1F" "Leeds\n\x06" "Bob\x1F\x1F" "York\nAfter.\n");
    layout_result r = lay(&es, 40, 20);
    /* rows: 3 + 3 + 2 (an empty cell has no line) cells, then the paragraph */
    CHECKF(r.nlines == 9, "%zu lines", r.nlines);
    int ok = 1;
    for (size_t i = 0; i < 8 && i < r.nlines; i++) {
        const layout_line *ln = &r.lines[i];
        int firstcell = i == 0 || r.lines[i - 1].block != ln->block;
        if (firstcell == !!(ln->flags & LAYOUT_LINE_ROW)) ok = 0;
        if (!firstcell && ln->y != r.lines[i - 1].y) ok = 0;
        if (firstcell && i && ln->y <= r.lines[i - 1].y) ok = 0;
    }
    CHECKF(ok, "a row's cells not on one baseline");
    /* columns: Name/Ann/Bob at 0, Age/12 at 4 chars + 3 spaces, Town/Leeds/York after 3 + 3 spaces */
    CHECK(r.lines[0].x == 0 && r.lines[3].x == 0 && r.lines[6].x == 0);
    CHECK(r.lines[1].x == 4 * G + 3 * SP && r.lines[4].x == r.lines[1].x);
    CHECK(r.lines[2].x == r.lines[1].x + 3 * G + 3 * SP && r.lines[5].x == r.lines[2].x && r.lines[7].x == r.lines[2].x);
    layout_line_info li;
    layout_line_describe(&es, &r.lines[0], &M, &li);
    CHECK(li.end == LAYOUT_END_NONE);
    layout_line_describe(&es, &r.lines[2], &M, &li);
    CHECK(li.end == LAYOUT_END_BLOCK);
    layout_free(&r);
    /* too wide: each row a block, its cells one under another at x 0 */
    r = lay(&es, 12, 40);
    CHECKF(r.nlines == 9, "%zu lines", r.nlines);
    ok = 1;
    for (size_t i = 0; i < r.nlines; i++)
        if ((r.lines[i].flags & LAYOUT_LINE_ROW) || r.lines[i].x != 0 || (i && r.lines[i].y <= r.lines[i - 1].y)) ok = 0;
    CHECKF(ok, "stacked cells not one under another");
    layout_free(&r);
    essay_free(&es);
}

/* The title and byline open the first page, centred, before the text; a
 * page too short for the title's size sets it in the body's. */
static int32_t big_lh(void *ctx, int f)
{
    (void)ctx;
    return f == LAYOUT_TITLE ? 9 * LH : LH;
}

TEST(title_and_byline_open_the_first_page)
{
    essay es = mk("Some text of the essay, long enough for a few lines at this width of the page.\n");
    static const uint8_t title[] = "A Title", by[] = "A. Writer";
    es.title = title, es.title_len = 7, es.byline = by, es.byline_len = 9;
    layout_result r = lay(&es, 30, 20);
    CHECK(r.nlines >= 4);
    const layout_line *t = &r.lines[0], *b = &r.lines[1], *x = &r.lines[2];
    CHECK((t->flags & LAYOUT_LINE_FRONT) && t->block == LAYOUT_BLOCK_TITLE && t->font == LAYOUT_TITLE);
    CHECK((b->flags & LAYOUT_LINE_FRONT) && b->block == LAYOUT_BLOCK_BYLINE && b->font == LAYOUT_BYLINE);
    CHECK(!(x->flags & LAYOUT_LINE_FRONT) && x->block == 0 && x->y > b->y && b->y > t->y);
    CHECK(t->x == (30 * G - (6 * G + SP)) / 2 && b->x == (30 * G - (8 * G + SP)) / 2);
    CHECK(r.pages[0].text_start == es.blocks[0].start);
    size_t sz;
    const uint8_t *s = layout_line_text(&es, t, &sz);
    CHECK(s == title && sz == 7 && t->start == 0 && t->end == 7);
    rec g = {.n = 0};
    layout_line_glyphs(&es, t, &M, glyph_cb, &g);
    CHECK(g.n == 6 && g.cp[0] == 'A' && g.cp[1] == 'T' && g.x[0] == t->x);
    layout_free(&r);
    /* the title's line taller than the page: set at the body's size */
    layout_metrics m2 = M;
    m2.line_height = big_lh;
    layout_params p = {30 * G, 8 * LH, 0, 4 * G, 1, 0, 0};
    lerr e = {{0}};
    CHECK(layout_essay(&es, &m2, &p, &r, &e) == 0);
    CHECK(r.nlines >= 3 && r.lines[0].font == LAYOUT_BODY && (r.lines[0].flags & LAYOUT_LINE_FRONT));
    layout_free(&r);
    essay_free(&es);
}

int main(void)
{
    RUN(walk_places_glyphs_as_the_renderer);
    RUN(end_kinds_and_ratio);
    RUN(break_after_hyphen_consumes_nothing);
    RUN(face_of_each_style);
    RUN(mixed_faces_on_one_line);
    RUN(italic_correction_before_upright);
    RUN(link_and_strike_decorations);
    RUN(decoration_only_where_a_span_overlaps);
    RUN(hard_break_ends_the_line);
    RUN(code_lines_wrap_with_a_mark);
    RUN(tables_in_columns_or_stacked);
    RUN(title_and_byline_open_the_first_page);
    return T_END();
}

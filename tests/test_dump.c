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
static layout_metrics M = {NULL, f_adv, f_kern, f_lh, f_asc};

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
    layout_params p = {wchars * G, hlines * LH, 0, 4 * G, 1};
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

static void walk_cb(void *ctx, uint32_t off, uint32_t cp, int32_t x, int32_t w)
{
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
    CHECK(seen[LAYOUT_END_HARD] == 0); /* the essay format has no hard line breaks yet */
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

int main(void)
{
    RUN(walk_places_glyphs_as_the_renderer);
    RUN(end_kinds_and_ratio);
    RUN(break_after_hyphen_consumes_nothing);
    return T_END();
}

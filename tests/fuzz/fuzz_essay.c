/* fuzz_essay.c - the essay parser and the layout engine on arbitrary bytes.
 *
 * 1. The input as it is: essay_parse must accept it or refuse it with a
 *    "byte N: ..." message, N within the input; what it accepts must tile
 *    the text with its blocks, and its spans must lie inside their blocks,
 *    in order (a NUL in the input starts the style section).
 * 2. Random bytes seldom make a valid essay, which would leave layout
 *    unexplored. So the input is also repaired into one (control bytes
 *    dropped, spaces single, bad UTF-8 replaced, markers made right); the
 *    parser must accept the repair. Its first bytes choose the page, and a
 *    fake font with uneven widths and kerning sets it. Then the invariants:
 *    lines cover each block's text once and in order, pages tile the lines
 *    and hold them, glyphs go left to right and end where layout says,
 *    justified lines fill their width, nothing is wider than its line when
 *    every glyph is narrow, and a re-layout keeps the reader's sentence.
 * 3. text.h's decoder and sentence rules on the raw bytes. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "essay.h"
#include "layout.h"
#include "text.h"

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "fuzz_essay: %s:%d: %s\n", __FILE__, __LINE__, #c); abort(); } } while (0)

typedef struct fake {
    int kern;
    int32_t base;
} fake;

/* Widths from 0.5 to 1.4 of base, by code point; U+00AD measured wide, so
 * that layout counting a soft hyphen it should not would show. */
static int32_t f_adv(void *ctx, int f, uint32_t cp)
{
    const fake *k = ctx;
    if (cp == 0xAD) return 5 * k->base;
    return k->base / 2 + (int32_t)((cp * 7u + (uint32_t)f) % 10u) * k->base / 10;
}
static int32_t f_kern(void *ctx, int f, uint32_t l, uint32_t r)
{
    const fake *k = ctx;
    (void)f;
    if (!k->kern) return 0;
    uint32_t h = (l * 31u + r) % 13u;
    return h < 3 ? -(int32_t)(h + 1) * k->base / 20 : 0;
}
static int32_t f_lh(void *ctx, int f) { (void)ctx; return 1280 + (f == LAYOUT_H1 ? 640 : f == LAYOUT_H2 ? 320 : 0); }
static int32_t f_asc(void *ctx, int f) { (void)ctx; return 1000 + (f == LAYOUT_H1 ? 500 : 0); }

static void check_parse_result(const uint8_t *d, size_t n, int rc, const essay *es, const lerr *e)
{
    if (rc) {
        size_t at;
        CHECK(sscanf(e->msg, "byte %zu:", &at) == 1 && at <= n);
        CHECK(es->blocks == NULL && es->nblocks == 0);
        return;
    }
    size_t pos = 0;
    CHECK(es->size <= n && (es->size == n || d[es->size] == 0));
    for (size_t i = 0; i < es->nblocks; i++) {
        const essay_block *b = &es->blocks[i];
        CHECK(b->start >= pos && (size_t)b->start + b->len < es->size && d[b->start + b->len] == '\n');
        CHECK(b->kind <= ESSAY_NOTE && (b->len > 0 || b->kind == ESSAY_SEP || b->kind == ESSAY_CODE));
        uint32_t depth = b->kind == ESSAY_LIST || b->kind == ESSAY_QUOTE ? b->depth : 0;
        CHECK(depth <= ESSAY_MAX_DEPTH && (depth > 0) == (b->kind == ESSAY_LIST || b->kind == ESSAY_QUOTE));
        uint32_t lead = b->kind == ESSAY_HEADING ? 2u : b->kind == ESSAY_PARA ? 0u
                        : b->kind == ESSAY_LIST ? depth + b->label_len + 1u
                        : b->kind == ESSAY_NOTE ? b->label_len + 2u : b->kind == ESSAY_QUOTE ? depth : 1u;
        CHECK(b->start - pos == lead);
        /* its spans: inside its text, in order, not overlapping */
        size_t k;
        const essay_span *sp = essay_block_spans(es, i, &k);
        uint32_t at = 0;
        for (size_t j = 0; j < k; j++) {
            CHECK(sp[j].start >= at && sp[j].len >= 1 && sp[j].start + sp[j].len <= b->len);
            CHECK(!(sp[j].style & ~ESSAY_STYLE_ALL) && sp[j].lang <= es->nlangs && sp[j].script <= 999);
            at = sp[j].start + sp[j].len;
        }
        pos = b->start + b->len + 1;
    }
    CHECK(pos == es->size);
    size_t counted = 0;
    for (size_t i = 0; i < es->nblocks; i++) counted += es->blocks[i].nspans;
    CHECK(counted == es->nspans);
    for (size_t i = 0; i < es->nlangs; i++) CHECK(es->langs[i].len >= 1 && es->langs[i].off + es->langs[i].len <= n);
}

/* Make a valid essay out of any bytes. */
static size_t repair(const uint8_t *d, size_t n, uint8_t *o)
{
    size_t m = 0, i = 0;
    while (i < n) {
        size_t ls = m;
        int kind = 0;
        /* the line's marker */
        if (d[i] >= 1 && d[i] <= 4) { /* (the markers of 2.0's new kinds are dropped as controls) */
            kind = d[i];
            o[m++] = d[i++];
            if (kind == 1) o[m++] = (uint8_t)('1' + (i < n ? d[i] % 6 : 0));
            if (kind == 4) {
                o[m++] = '\n';
                while (i < n && d[i] != '\n') i++;
                i++;
                continue;
            }
        }
        size_t ts = m;
        int labelled = kind != 2;
        while (i < n && d[i] != '\n') {
            uint32_t cp;
            size_t k = utf8_decode(d + i, n - i, &cp);
            if (!k) { o[m++] = '?'; i++; continue; }
            if (cp < 0x20 || cp == 0x7F) { i += k; continue; }
            if (cp == ' ' && (m == ts || o[m - 1] == ' ')) { i += k; continue; }
            if (cp == ' ' && !labelled) labelled = 1;
            memcpy(o + m, d + i, k);
            m += k;
            i += k;
        }
        i++;
        while (m > ts && o[m - 1] == ' ') m--;
        if (kind == 2) {
            /* "label SP text": make sure both are there */
            uint8_t *sp = m > ts ? memchr(o + ts, ' ', m - ts) : NULL;
            if (!sp) {
                if (m == ts) o[m++] = '*';
                o[m++] = ' ';
                o[m++] = 'x';
            }
        }
        if (m == ts) {
            if (kind) { o[m++] = 'x'; } else { m = ls; continue; }
        }
        o[m++] = '\n';
    }
    return m;
}

/* The inter-character gaps of a LAYOUT_LINE_GAPS line, counted as
 * layout.h says (layout_gap_at between visible code points of a word), on
 * its own from the walk: they take space_extra as spaces do. */
static int64_t line_gaps(const essay *es, const layout_line *ln)
{
    if (!(ln->flags & LAYOUT_LINE_GAPS)) return 0;
    int64_t n = 0;
    uint32_t pv = 0;
    for (uint32_t i = ln->start; i < ln->end;) {
        uint32_t cp;
        i += (uint32_t)text_next(es->text + i, ln->end - i, &cp);
        int cl = text_class(cp);
        if (cl == TEXT_VISIBLE) {
            n += layout_gap_at(pv, cp) != 0;
            pv = cp;
        } else if (cl == TEXT_SPACE || cl == TEXT_NBSP || cl == TEXT_ZWSP) {
            pv = 0;
        }
    }
    return n;
}

/* Does the line end with a space of some kind, maybe behind soft hyphens
 * (not drawn, but measured)? */
static int trailing_space(const essay *es, const layout_line *ln)
{
    int nb = 0;
    for (uint32_t i = ln->start; i < ln->end;) {
        uint32_t cp;
        size_t l = utf8_decode(es->text + i, ln->end - i, &cp);
        if (!l) { l = 1; cp = 0xFFFD; }
        i += (uint32_t)l;
        int zero = cp == 0xAD || cp == 0x200C || cp == 0x200D || cp == 0x2060 || cp == 0xFEFF ||
                   (cp >= 0xFE00 && cp <= 0xFE0F);
        if (!zero) nb = cp == 0x20 || cp == 0xA0 || cp == 0x202F || cp == 0x200B;
    }
    return nb;
}

typedef struct walk {
    int64_t last_x, end_x;
    size_t n;
    int bad;
    const fake *k;
    int xs; /* the line's expansion: 1000 + layout_line.expand */
} walk;

static void on_glyph(void *ctx, int font, uint32_t cp, int32_t x, int32_t y)
{
    walk *w = ctx;
    (void)y;
    if (w->n && x < w->last_x) w->bad = 1;
    w->last_x = x;
    w->end_x = (int64_t)x + (int64_t)f_adv((void *)w->k, font, cp) * w->xs / 1000;
    w->n++;
}

static void check_layout(const essay *es, const layout_params *p, const layout_metrics *m, const layout_result *r,
                         int32_t max_glyph)
{
    const fake *k = m->ctx;
    CHECK(r->npages >= 1);
    /* lines cover each block's text, in order */
    size_t li = 0;
    for (size_t b = 0; b < es->nblocks; b++) {
        const essay_block *bl = &es->blocks[b];
        uint32_t at = bl->start;
        size_t nl = 0;
        for (; li < r->nlines && r->lines[li].block == b; li++, nl++) {
            const layout_line *ln = &r->lines[li];
            if (nl && es->text[at] == ' ' && ln->start == at + 1) at++;
            CHECK(ln->start == at && ln->end >= ln->start);
            at = ln->end;
            int last = li + 1 == r->nlines || r->lines[li + 1].block != b;
            CHECK(!!(ln->flags & LAYOUT_LINE_LAST) == last);
        }
        CHECK(nl >= 1 && at == bl->start + bl->len);
    }
    CHECK(li == r->nlines);
    /* pages tile the lines and hold them */
    uint32_t next = 0, prev_start = 0;
    for (size_t i = 0; i < r->npages; i++) {
        const layout_page *pg = &r->pages[i];
        CHECK(pg->first_line == next && (pg->nlines > 0 || r->nlines == 0));
        if (pg->nlines) {
            CHECK(pg->text_start == r->lines[pg->first_line].start && pg->text_start >= prev_start);
            prev_start = pg->text_start;
            if (i == 0 || r->pages[i - 1].text_start < pg->text_start) CHECK(layout_page_of(r, pg->text_start) == i);
        }
        for (uint32_t j = pg->first_line; j < pg->first_line + pg->nlines; j++) {
            const layout_line *ln = &r->lines[j];
            int32_t top = ln->y - f_asc(NULL, ln->font);
            CHECK(top >= 0 && top + f_lh(NULL, ln->font) <= p->height);
        }
        next = pg->first_line + pg->nlines;
    }
    CHECK(next == r->nlines);
    /* glyphs, widths, justification */
    int32_t hy = f_adv((void *)k, LAYOUT_BODY, '-');
    for (size_t j = 0; j < r->nlines; j++) {
        const layout_line *ln = &r->lines[j];
        walk w = {0, 0, 0, 0, k, 1000 + ln->expand};
        /* expansion in whole steps within its limit; what hangs is a fraction of a glyph */
        CHECK(ln->expand >= -LAYOUT_EXPAND_MAX && ln->expand <= LAYOUT_EXPAND_MAX && ln->expand % LAYOUT_EXPAND_STEP == 0);
        CHECK(!ln->expand || p->expand);
        CHECK((!ln->hang_l && !ln->hang_r) || p->protrude);
        CHECK(ln->hang_r >= 0 && ln->hang_r <= max_glyph + hy && ln->hang_l <= max_glyph + hy);
        layout_line tmp = *ln;
        tmp.flags &= (uint16_t)~LAYOUT_LINE_LABEL; /* (uint16_t: the flags above 128 stay, LAYOUT_LINE_GAPS too) */
        layout_line_glyphs(es, &tmp, m, on_glyph, &w);
        CHECK(!w.bad);
        if (ln->flags & LAYOUT_LINE_CENTER) continue;
        int64_t nsp = 0;
        for (uint32_t b = ln->start; b < ln->end; b++) nsp += es->text[b] == ' ';
        nsp += line_gaps(es, ln); /* CJK and Thai lines are justified over their gaps too */
        int64_t filled = ln->width + nsp * ln->space_extra + ln->space_rem;
        /* as drawn: from the pen's start x - hang_l, (1000 + expand)/1000 as wide, to a unit's rounding */
        int64_t x0 = (int64_t)ln->x - ln->hang_l, tol = ln->expand ? 2 : 0;
        int64_t drawn = ln->expand ? (filled * (1000 + ln->expand) + 500) / 1000 : filled;
        int64_t room = (int64_t)ln->hang_l + ln->hang_r;
        if (w.n && trailing_space(es, ln)) CHECK(w.end_x <= x0 + drawn + tol);
        else if (w.n) CHECK(w.end_x >= x0 + drawn - tol && w.end_x <= x0 + drawn + tol);
        int quote = es->blocks[ln->block].kind == ESSAY_QUOTE;
        /* the line's own measure: a right-to-left list or quote is indented
         * from the right, so x alone does not give it */
        int64_t L = ln->measure > 0 ? ln->measure : p->width - ln->x - (quote ? ln->x : 0);
        int justified = p->justify && es->blocks[ln->block].kind != ESSAY_HEADING &&
                        !(ln->flags & (LAYOUT_LINE_LAST | LAYOUT_LINE_RAGGED)) && nsp > 0;
        if (justified) CHECK((drawn >= L + room - tol && drawn <= L + room + tol) || (drawn > L + room && ln->space_extra < 0));
        if (4 * (int64_t)(max_glyph + hy) <= L) CHECK(drawn <= L + room + tol);
        CHECK(ln->x >= 0 && ln->x <= p->width);
    }
    CHECK(r->over_1_5 <= r->nlines && r->hyphenated <= r->nlines);
}

/* text.h on the raw bytes: decoding always moves forward inside the input
 * and yields a code point; sentence starts lie at or before the position
 * asked for, just after a space; sentence ends lie after the stop. */
static void check_text_rules(const uint8_t *d, size_t n)
{
    for (size_t i = 0; i < n;) {
        uint32_t c;
        int bad;
        size_t l = text_next(d + i, n - i, &c);
        CHECK(l >= 1 && l <= n - i && l <= 4 && c <= 0x10FFFF);
        CHECK(text_scan(d + i, n - i, &c, &bad) == l || bad == TEXT_BAD_UTF8);
        i += l;
    }
    if (n == 0) return;
    size_t pos = ((size_t)d[0] << 8 | d[n - 1]) % n;
    for (int rule = 0; rule < 2; rule++) {
        size_t s = text_sentence_start(d, n, pos, rule);
        /* a sentence starts after a space, or right after a Chinese or
         * Japanese stop (and its closers), which need none */
        size_t b = s;
        while (b > 0 && s - b < 4 && (d[b - 1] & 0xC0) == 0x80) b--;
        uint32_t before = 0;
        if (b > 0) text_next(d + b - 1, s - b + 1, &before);
        CHECK(s <= pos && (s == 0 || (s >= 2 && d[s - 1] == ' ') ||
                           (s >= 3 && (text_is_stop(before) || text_is_closer(before)) && before >= 0x3000)));
        size_t past, e = text_sentence_end(d, n, pos, rule, &past);
        CHECK(past > pos && past <= n && (e == 0 || (e > pos && e <= past)));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    essay es;
    lerr e;
    e.msg[0] = 0;
    int rc = essay_parse(data, size, &es, &e);
    check_parse_result(data, size, rc, &es, &e);
    essay_free(&es);
    check_text_rules(data, size);

    if (size < 4 || size > (1u << 16)) return 0;
    /* page and font from the first four bytes */
    fake k = {data[0] & 1, 192 + (data[0] >> 1) * 8};
    layout_metrics m = {&k, f_adv, f_kern, f_lh, f_asc, NULL};
    layout_params p;
    p.width = 64 * (4 + data[1] % 120) * 5 + (data[1] >> 7);
    p.height = 1280 * (1 + data[2] % 24) + (data[2] >> 5) * 64;
    p.indent = (data[3] % 8) * 320;
    p.para_space = (data[3] >> 3) % 4 * 320;
    p.justify = !(data[3] & 0x80);
    p.expand = (data[2] & 0x10) ? LAYOUT_EXPAND_MAX : 0;
    p.protrude = (data[2] & 0x08) != 0;
    uint8_t *t = malloc(size * 2 + 8);
    if (!t) return 0;
    size_t n = repair(data + 4, size - 4, t);
    rc = essay_parse(t, n, &es, &e);
    if (rc) {
        fprintf(stderr, "repaired essay refused: %s\n", e.msg);
        abort();
    }
    check_parse_result(t, n, 0, &es, &e);
    int32_t max_glyph = 0;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t l = utf8_decode(t + i, n - i, &cp);
        if (!l) { l = 1; cp = t[i]; }
        for (int f = 0; f < LAYOUT_NFONTS; f++) {
            int32_t a = cp == 0xAD ? 0 : f_adv(&k, f, cp);
            if (a > max_glyph) max_glyph = a;
        }
        i += l;
    }
    layout_result r, r2;
    if (layout_essay(&es, &m, &p, &r, &e) == 0) {
        check_layout(&es, &p, &m, &r, max_glyph);
        /* another size: the reader's sentence stays on screen */
        layout_params p2 = p;
        p2.width = p.width * 2 / 3 + 64;
        if (layout_essay(&es, &m, &p2, &r2, &e) == 0) {
            check_layout(&es, &p2, &m, &r2, max_glyph);
            for (size_t i = 0; i < r.npages; i++) {
                size_t q = layout_relocate(&es, &r, i, &r2);
                CHECK(q < r2.npages);
                uint32_t s = layout_sentence_start(&es, r.pages[i].text_start);
                CHECK(s <= r.pages[i].text_start || es.nblocks == 0);
                CHECK(r2.npages == 0 || r2.pages[q].text_start <= s || q == 0);
            }
            layout_free(&r2);
        }
        layout_free(&r);
    } else {
        CHECK(e.msg[0]);
    }
    essay_free(&es);
    free(t);
    return 0;
}

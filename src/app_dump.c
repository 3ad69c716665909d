/* app_dump.c - `lectern --dump-layout`: the layout as data, JSON Lines on
 * stdout, one object per laid-out line in reading order (essay, page, line).
 * The keys are a contract read by tests outside the project (the rich-text
 * issue lists them; firmware/man/lectern.1 too): keys are only ever added.
 *
 *   essay, page, line   1-based; `line` counts per page (the first line of
 *                       every page is line 1)
 *   block               index of the block in the essay, from 0 (the title and
 *                       byline, which open the essay before its first block,
 *                       say 0: the key keeps its range for every line; their
 *                       kind tells them apart, and their offsets are in the
 *                       title's or byline's own text)
 *   kind                title byline para heading list quote code table sep notes
 *                       (today's essays have para, heading, list, quote, sep)
 *   dir                 the paragraph's base direction: "rtl" when its first
 *                       strong character is right to left (LAYOUT_LINE_RTL)
 *   x, y, width         px on the page (the panel turned upright, as
 *                       --screenshot writes it): the line's left edge, its
 *                       baseline, and the measure it is set in
 *   ratio               TeX's adjustment ratio of its spaces (layout.h)
 *   scale               font expansion: how much wider (or narrower) than its
 *                       font the line is drawn, 0.98 to 1.02 (1.0: none); runs'
 *                       and marks' x are where they are drawn, glyph advances
 *                       as shaped
 *   hang                (added) margin protrusion, px: [left, right], how far
 *                       the text reaches past the line's left edge x and past
 *                       x + width (a period, hyphen or quote hanging into the
 *                       margin); [0, 0] for none
 *   end                 space | soft-hyphen | none | hard | block: what the
 *                       line break consumed
 *   runs                in visual order: {text, offset, style, font, size, dir,
 *                       x, glyphs}; text in logical order without soft
 *                       hyphens (a space the break consumed is in no run),
 *                       offset its byte offset in the block's text, style
 *                       its inline styles (em strong code link strike note:
 *                       a run has one set of them and one face), font the face's
 *                       name as `lectern-pack info` prints it, size px, x px,
 *                       glyphs [[glyph id, cluster (byte offset in text),
 *                       advance px as shaped, before justification]]:
 *                       each word's glyphs as layout shaped it
 *                       (layout_line_shaped: HarfBuzz, the font's default
 *                       features, the face of the fallback chain), in its
 *                       visual order; a space as its face gives it alone
 *                       (the line's face when a subset face has none)
 *   marks               (added) what the line draws that is not the block's
 *                       text: {what: label | hyphen | ornament, text, font,
 *                       size, x, glyphs}: a list item's label, the hyphen of
 *                       a soft-hyphen break, a separator's "* * *"; (added)
 *                       continuation: the mark of a wrapped code line
 *
 * The pages are the reader's own: the same app_set_page_size as
 * --layout-stats and --screenshot, the same layout_result. SDL code (it
 * runs the app's model), no video. */
#include "app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "font.h"
#include "layout.h"
#include "platform.h"
#include "text.h"
#include "text_bidi.h"

/* ---- JSON output ------------------------------------------------------------ */

/* A JSON string: quotes, backslashes and control characters escaped, valid
 * UTF-8 passed through, a byte that is not UTF-8 written as U+FFFD. */
static void json_str(FILE *f, const uint8_t *s, size_t n)
{
    fputc('"', f);
    for (size_t i = 0; i < n;) {
        uint32_t c;
        size_t k = text_next(s + i, n - i, &c);
        if (c == '"' || c == '\\') fprintf(f, "\\%c", (int)c);
        else if (c == '\n') fputs("\\n", f);
        else if (c == '\t') fputs("\\t", f);
        else if (c < 0x20 || c == 0x7F) fprintf(f, "\\u%04x", (unsigned)c);
        else if (c == TEXT_REPLACEMENT && !(k == 3 && s[i] == 0xEF)) fputs("\\ufffd", f); /* a bad byte */
        else fwrite(s + i, 1, k, f);
        i += k;
    }
    fputc('"', f);
}

static void json_cstr(FILE *f, const char *s) { json_str(f, (const uint8_t *)s, strlen(s)); }

/* A number of pixels: 26.6 values are exact in six decimals; trailing
 * zeros dropped, one kept ("12.0"), so every such value reads as a float. */
static void json_num(FILE *f, double v)
{
    char b[64];
    snprintf(b, sizeof b, "%.6f", v);
    char *z = b + strlen(b) - 1;
    while (z > b && *z == '0' && z[-1] != '.') *z-- = 0;
    if (!strcmp(b, "-0.0")) strcpy(b, "0.0");
    fputs(b, f);
}

static const char *kind_name(int kind)
{
    switch (kind) {
    case ESSAY_HEADING: return "heading";
    case ESSAY_LIST: return "list";
    case ESSAY_QUOTE: return "quote";
    case ESSAY_SEP: return "sep";
    case ESSAY_CODE: return "code";
    case ESSAY_TABLE: return "table";
    case ESSAY_NOTE: return "notes";
    default: return "para"; /* ESSAY_PARA: a new block kind needs its name here */
    }
}

static const char *end_name(int end)
{
    switch (end) {
    case LAYOUT_END_SPACE: return "space";
    case LAYOUT_END_SOFT_HYPHEN: return "soft-hyphen";
    case LAYOUT_END_HARD: return "hard";
    case LAYOUT_END_BLOCK: return "block";
    default: return "none";
    }
}

/* The shaped glyphs of s[0..n) in face fi at role's size, as a JSON list. */
static int json_glyphs(FILE *f, font_faces *fs, int role, int fi, const uint8_t *s, size_t n, lerr *e)
{
    font_glyph *g;
    size_t ng;
    if (font_shape(fs, role, fi, s, n, &g, &ng, e)) return -1;
    fputc('[', f);
    for (size_t i = 0; i < ng; i++) {
        fprintf(f, "%s[%u,%u,", i ? "," : "", (unsigned)g[i].id, (unsigned)g[i].cluster);
        json_num(f, g[i].advance / 64.0);
        fputc(']', f);
    }
    fputc(']', f);
    free(g);
    return 0;
}

/* ---- one line ----------------------------------------------------------------- */

/* A code point of the line as layout placed it (layout_line_walk). */
typedef struct pos {
    uint32_t off, cp;
    int32_t x, w;
    int font, style; /* the role it is drawn in, its span's style bits */
} pos;

typedef struct walk {
    pos *p;
    size_t n, cap;
    int oom;
} walk;

static void walk_cb(void *ctx, uint32_t off, uint32_t cp, int32_t x, int32_t w, int font, int style)
{
    walk *wk = ctx;
    if (wk->oom) return;
    if (wk->n == wk->cap) {
        size_t nc = wk->cap ? wk->cap * 2 : 128;
        pos *np = realloc(wk->p, nc * sizeof *np);
        if (!np) {
            wk->oom = 1;
            return;
        }
        wk->p = np;
        wk->cap = nc;
    }
    wk->p[wk->n++] = (pos){off, cp, x, w, font, style};
}

/* The glyphs layout_line_glyphs reports (the renderer draws exactly these):
 * the first and last, for where the label, the end hyphen and "* * *" go. */
typedef struct drawn {
    size_t n;
    int32_t first_x, last_x;
    int last_font;
} drawn;

static void drawn_cb(void *ctx, int font, uint32_t cp, int32_t x, int32_t y)
{
    (void)cp; (void)y;
    drawn *d = ctx;
    if (!d->n++) d->first_x = x;
    d->last_x = x;
    d->last_font = font;
}

/* The glyphs of the line as shaped (layout_line_shaped), the line's text
 * ones and its hyphen. */
typedef struct shaped {
    layout_placed *g;
    size_t n, cap;
    int oom;
} shaped;

static void shaped_cb(void *ctx, const layout_placed *g)
{
    shaped *sh = ctx;
    if (sh->oom || (g->what != LAYOUT_PLACED_TEXT && g->what != LAYOUT_PLACED_HYPHEN)) return;
    if (sh->n == sh->cap) {
        size_t nc = sh->cap ? sh->cap * 2 : 128;
        layout_placed *np = realloc(sh->g, nc * sizeof *np);
        if (!np) {
            sh->oom = 1;
            return;
        }
        sh->g = np;
        sh->cap = nc;
    }
    sh->g[sh->n++] = *g;
}

typedef struct dumper {
    app *a;
    FILE *out;
    walk wk;
    shaped sh;
    int *face;    /* per code point of the line (index into wk): the face that draws it */
    uint32_t *at; /* per code point: its byte offset in the run's text being written */
    size_t fcap;
    uint8_t *buf; /* a run's text */
    size_t cap;
} dumper;

static int mark(dumper *d, int *first, const char *what, int role, const uint8_t *s, size_t n, double x, lerr *e)
{
    FILE *f = d->out;
    uint32_t c0 = ' ';
    if (n) text_next(s, n, &c0);
    int fi = font_face_of(d->a->fonts, role, c0);
    fprintf(f, "%s{\"what\":\"%s\",\"text\":", *first ? "" : ",", what);
    *first = 0;
    json_str(f, s, n);
    fputs(",\"font\":", f);
    json_cstr(f, font_face_name(d->a->fonts, fi));
    fprintf(f, ",\"size\":%d,\"x\":", font_role_px(d->a->fonts, role));
    json_num(f, x);
    fputs(",\"glyphs\":", f);
    int hy = !strcmp(what, "hyphen"), ng = 0;
    for (size_t t = 0; hy && t < d->sh.n; t++) /* the hyphen as shaped with the piece it ends */
        if (d->sh.g[t].what == LAYOUT_PLACED_HYPHEN) {
            fprintf(f, "%s[%u,0,", ng++ ? "," : "[", (unsigned)d->sh.g[t].id);
            json_num(f, d->sh.g[t].advance / 64.0);
            fputc(']', f);
        }
    if (ng) fputc(']', f);
    else if (json_glyphs(f, d->a->fonts, role, fi, s, n, e)) return -1;
    fputc('}', f);
    return 0;
}

static int dump_line(dumper *d, size_t page, size_t lineno, const layout_line *ln, lerr *e)
{
    app *a = d->a;
    FILE *f = d->out;
    const essay *es = &a->es;
    /* the title and byline lines open the essay: block 0, their offsets in the title or byline */
    int front = (ln->flags & LAYOUT_LINE_FRONT) != 0;
    static const essay_block none = {0};
    const essay_block *b = !front && ln->block < es->nblocks ? &es->blocks[ln->block] : &none;
    size_t tsz;
    const uint8_t *txt = layout_line_text(es, ln, &tsz);
    (void)tsz;
    layout_metrics m = font_metrics(a->fonts);
    layout_line_info li;
    layout_line_describe(es, ln, &m, &li);
    int role = ln->font;
    double ox = a->geom.text_x, oy = a->geom.text_y;

    int rtl = (ln->flags & LAYOUT_LINE_RTL) != 0;
    fprintf(f, "{\"essay\":%zu,\"page\":%zu,\"line\":%zu,\"block\":%ld,\"kind\":\"%s\",\"dir\":\"%s\",\"x\":",
            a->essay_no, page, lineno, front ? 0L : (long)ln->block,
            front ? (ln->block == LAYOUT_BLOCK_TITLE ? "title" : "byline") : kind_name(b->kind), rtl ? "rtl" : "ltr");
    json_num(f, ox + ln->x / 64.0);
    fputs(",\"y\":", f);
    json_num(f, oy + ln->y / 64.0);
    fputs(",\"width\":", f);
    json_num(f, ln->measure / 64.0);
    fputs(",\"ratio\":", f);
    json_num(f, li.ratio);
    fputs(",\"scale\":", f);
    if (ln->expand) json_num(f, (1000 + ln->expand) / 1000.0);
    else fputs("1.0", f); /* as it always read */
    fputs(",\"hang\":[", f);
    json_num(f, ln->hang_l / 64.0);
    fputc(',', f);
    json_num(f, ln->hang_r / 64.0);
    fprintf(f, "],\"end\":\"%s\",\"runs\":[", end_name(li.end));

    /* Runs: the line's code points split where their style or the role
     * that draws them changes, or the face (the fallback face); spaces and
     * invisible characters of the same style stay with the run they are
     * in, and where the bidi level does (the walk gives the line's runs in
     * visual order, each run's code points in logical order). */
    d->wk.n = 0;
    layout_line_walk(es, ln, &m, walk_cb, &d->wk);
    if (d->wk.oom) {
        lerr_set(e, "out of memory");
        return -1;
    }
    const pos *p = d->wk.p;
    size_t n = d->wk.n;
    /* Each code point's face: that of the shaped glyph whose cluster starts
     * at it, else (a character inside a cluster) the one before it's. */
    d->sh.n = 0;
    layout_line_shaped(es, ln, &m, shaped_cb, &d->sh);
    if (d->sh.oom) {
        lerr_set(e, "out of memory");
        return -1;
    }
    if (n > d->fcap) {
        int *nf = realloc(d->face, n * sizeof *nf);
        if (nf) d->face = nf;
        uint32_t *na = nf ? realloc(d->at, n * sizeof *na) : NULL;
        if (na) d->at = na;
        if (!na) {
            lerr_set(e, "out of memory");
            return -1;
        }
        d->fcap = n;
    }
    {
        size_t q = 0;
        int cur = -1;
        for (size_t k = 0; k < n; k++) {
            int cl = text_class(p[k].cp);
            if (cl == TEXT_SPACE || cl == TEXT_NBSP || cl == TEXT_ZWSP) cur = -1;
            int fg = -1;
            for (size_t t = 0; t < d->sh.n && fg < 0; t++) {
                size_t u = (q + t) % d->sh.n; /* glyphs come mostly in the line's order */
                if (d->sh.g[u].what == LAYOUT_PLACED_TEXT && d->sh.g[u].off == p[k].off) fg = d->sh.g[u].face, q = u;
            }
            if (fg >= 0) cur = fg;
            d->face[k] = cur >= 0 ? cur : font_face_of(a->fonts, p[k].font, cl == TEXT_VISIBLE ? p[k].cp : ' ');
        }
    }
    /* each code point's bidi level, as layout reorders the line (text_bidi.h) */
    text_bidi_para bp = {0};
    if (text_bidi_analyse(txt + ln->start, ln->end - ln->start, rtl ? TEXT_BIDI_RTL : TEXT_BIDI_LTR, &bp, e))
        return -1;
#define LEVEL(k) text_bidi_level_at(&bp, p[k].off - ln->start)
#define NEXT(k) (p[k].off + (uint32_t)text_next(txt + p[k].off, ln->end - p[k].off, &(uint32_t){0}))
    /* the runs, then (a line with bidi levels) sorted left to right by their left ends */
    typedef struct { size_t i, j; int fi; int32_t rx; } drun;
    drun *dr_ = malloc((n ? n : 1) * sizeof *dr_);
    if (!dr_) {
        text_bidi_free(&bp);
        lerr_set(e, "out of memory");
        return -1;
    }
    size_t ndr = 0;
    for (size_t i = 0; i < n;) {
        int fi = -1, rrole = p[i].font, rstyle = p[i].style;
        int rlev = LEVEL(i);
        size_t j = i;
        for (; j < n; j++) {
            if (p[j].style != rstyle || p[j].font != rrole) break;
            if (j > i && (LEVEL(j) != rlev || p[j].off < p[j - 1].off)) break;
            int cl = text_class(p[j].cp);
            if (cl != TEXT_VISIBLE) continue;
            int fj = d->face[j];
            if (fi < 0) fi = fj;
            else if (fj != fi) break;
        }
        if (fi < 0) fi = font_face_of(a->fonts, rrole, ' ');
        int32_t rx = INT32_MAX;
        for (size_t k = i; k < j; k++)
            if (text_class(p[k].cp) != TEXT_SHY && (rx == INT32_MAX || ((rlev & 1) && p[k].x < rx))) rx = p[k].x;
        dr_[ndr++] = (drun){i, j, fi, rx};
        i = j;
    }
    if (!bp.uniform || bp.base)
        for (size_t q = 1; q < ndr; q++) /* insertion sort: stable, and the runs come nearly in order */
            for (size_t r = q; r > 0 && dr_[r].rx < dr_[r - 1].rx; r--) {
                drun t = dr_[r];
                dr_[r] = dr_[r - 1];
                dr_[r - 1] = t;
            }
    int nruns = 0;
    for (size_t u = 0; u < ndr; u++) {
        size_t i = dr_[u].i, j = dr_[u].j;
        int fi = dr_[u].fi, rrole = p[i].font, rstyle = p[i].style;
        int rlev = LEVEL(i);
        /* the run's text, soft hyphens left out */
        uint32_t end = NEXT(j - 1);
        size_t len = 0, need = end - p[i].off;
        if (need > d->cap) {
            uint8_t *nb = realloc(d->buf, need);
            if (!nb) {
                lerr_set(e, "out of memory");
                text_bidi_free(&bp);
                free(dr_);
                return -1;
            }
            d->buf = nb;
            d->cap = need;
        }
        size_t first = SIZE_MAX;
        for (size_t k = i; k < j; k++) {
            uint32_t to = NEXT(k);
            if (text_class(p[k].cp) == TEXT_SHY) continue;
            if (first == SIZE_MAX) first = k;
            d->at[k] = (uint32_t)len;
            memcpy(d->buf + len, txt + p[k].off, to - p[k].off);
            len += to - p[k].off;
        }
        if (first != SIZE_MAX) {
            fprintf(f, "%s{\"text\":", nruns ? "," : "");
            json_str(f, d->buf, len);
            fprintf(f, ",\"offset\":%u,\"style\":[", (unsigned)(p[first].off - b->start));
            static const struct { int bit; const char *name; } sn[] = {
                {ESSAY_STYLE_EM, "em"},     {ESSAY_STYLE_STRONG, "strong"}, {ESSAY_STYLE_CODE, "code"},
                {ESSAY_STYLE_LINK, "link"}, {ESSAY_STYLE_STRIKE, "strike"}, {ESSAY_STYLE_NOTE, "note"},
            };
            int ns = 0;
            for (size_t q = 0; q < sizeof sn / sizeof *sn; q++)
                if (rstyle & sn[q].bit) fprintf(f, "%s\"%s\"", ns++ ? "," : "", sn[q].name);
            fputs("],\"font\":", f);
            json_cstr(f, font_face_name(a->fonts, fi));
            fprintf(f, ",\"size\":%d,\"dir\":\"%s\",\"x\":", font_role_px(a->fonts, rrole),
                    (rlev & 1) ? "rtl" : "ltr");
            json_num(f, ox + dr_[u].rx / 64.0); /* its left end: a right-to-left run's last code point */
            fputs(",\"glyphs\":[", f);
            /* the shaped glyphs of its segments, and its spaces at their natural width */
            int ng = 0;
            for (size_t k = i; k < j; k++) {
                int cl = text_class(p[k].cp);
                if (cl == TEXT_SPACE || cl == TEXT_NBSP) {
                    /* the run's face's space as shaped alone (layout sets spaces in the line's
                     * role: the walk's w), or the line's when the run's face has none (a subset
                     * fallback face keeps only what its text needs) */
                    int sf = font_nominal_glyph(a->fonts, fi, p[k].cp) ? fi : font_face_of(a->fonts, role, ' ');
                    fprintf(f, "%s[%u,%u,", ng++ ? "," : "", (unsigned)font_nominal_glyph(a->fonts, sf, p[k].cp),
                            (unsigned)d->at[k]);
                    json_num(f, font_face_advance(a->fonts, sf == fi ? rrole : role, sf, p[k].cp) / 64.0);
                    fputc(']', f);
                    continue;
                }
                if (k > i && text_class(p[k - 1].cp) != TEXT_SPACE && text_class(p[k - 1].cp) != TEXT_NBSP &&
                    text_class(p[k - 1].cp) != TEXT_ZWSP)
                    continue; /* a segment's glyphs are written at its first code point */
                uint32_t s0 = p[k].off, s1 = end;
                for (size_t q = k + 1; q < j; q++) {
                    int cq = text_class(p[q].cp);
                    if (cq == TEXT_SPACE || cq == TEXT_NBSP || cq == TEXT_ZWSP) {
                        s1 = p[q].off;
                        break;
                    }
                }
                for (size_t t = 0; t < d->sh.n; t++) {
                    const layout_placed *g = &d->sh.g[t];
                    if (g->what != LAYOUT_PLACED_TEXT || g->off < s0 || g->off >= s1) continue;
                    /* its code point's place in the run's text */
                    size_t lo = i, hi = j;
                    while (lo < hi && p[lo].off != g->off) lo++;
                    if (lo == hi) continue; /* another run's (a face or style change inside a segment) */
                    fprintf(f, "%s[%u,%u,", ng++ ? "," : "", (unsigned)g->id, (unsigned)d->at[lo]);
                    json_num(f, g->advance / 64.0);
                    fputc(']', f);
                }
            }
            fputs("]}", f);
            nruns++;
        }
    }
    free(dr_);
    text_bidi_free(&bp);
#undef LEVEL
#undef NEXT

    /* What else the line draws, where the renderer draws it. */
    fputs("],\"marks\":[", f);
    drawn dr = {0};
    layout_line_glyphs(es, ln, &m, drawn_cb, &dr);
    int fm = 1;
    static const uint8_t orn[] = "* * *", hy[] = "-";
    if ((ln->flags & LAYOUT_LINE_CENTER) && dr.n &&
        mark(d, &fm, "ornament", role, orn, sizeof orn - 1, ox + dr.first_x / 64.0, e))
        return -1;
    if ((ln->flags & LAYOUT_LINE_LABEL) && dr.n && b->label_len &&
        mark(d, &fm, "label", role, es->text + b->label, b->label_len, ox + dr.first_x / 64.0, e))
        return -1;
    if ((ln->flags & LAYOUT_LINE_HYPHEN) && !(ln->flags & LAYOUT_LINE_CONT) && dr.n &&
        mark(d, &fm, "hyphen", dr.last_font, hy, 1, ox + dr.last_x / 64.0, e))
        return -1;
    static const uint8_t cont[] = LAYOUT_CONT_MARK;
    if ((ln->flags & LAYOUT_LINE_CONT) && dr.n &&
        mark(d, &fm, "continuation", role, cont, sizeof cont - 1, ox + dr.last_x / 64.0, e))
        return -1;
    fputs("]}\n", f);
    return 0;
}

static int dump_essay(dumper *d, lerr *e)
{
    const layout_result *r = d->a->lr;
    for (size_t pg = 0; pg < r->npages; pg++) {
        const layout_page *p = &r->pages[pg];
        for (uint32_t k = 0; k < p->nlines; k++)
            if (dump_line(d, pg + 1, k + 1, &r->lines[p->first_line + k], e)) return -1;
    }
    return 0;
}

int app_run_dump_layout(app *a, FILE *out)
{
    lerr e;
    if (app_headless_page(a)) return 1;
    size_t first = a->o.essay ? a->o.essay : 1, last = a->o.essay ? a->o.essay : pack_essays(a->pk);
    /* Every essay is laid out once before anything is written, so that a
     * damaged one gives no output at all rather than a partial dump. */
    int bad = 0;
    for (size_t n = first; n <= last; n++) {
        if (app_open_essay(a, n, &e)) {
            fprintf(stderr, "lectern: %s\n", e.msg);
            bad = 1;
        }
    }
    if (bad) return 1;
    dumper d = {a, out, {0}, {0}, NULL, NULL, 0, NULL, 0};
    int rc = 0;
    for (size_t n = first; n <= last && !rc; n++) {
        if (app_open_essay(a, n, &e) || dump_essay(&d, &e)) {
            fprintf(stderr, "lectern: essay %zu: %s\n", n, e.msg);
            rc = 1;
        }
    }
    free(d.wk.p);
    free(d.sh.g);
    free(d.face);
    free(d.at);
    free(d.buf);
    if (fflush(out) || ferror(out)) {
        fprintf(stderr, "lectern: --dump-layout: cannot write the output\n");
        rc = 1;
    }
    return rc;
}

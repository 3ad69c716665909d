/* input_md.c - Markdown (CommonMark with GitHub's tables and
 * strikethrough) through md4c's md_parse, into the doc of input_int.h.
 *
 * What each construct becomes:
 *   headings 1-6, paragraphs     B_HEAD (level), B_PARA
 *   list items                   B_LIST, depth = nesting (1..9), label "•"
 *                                at depth 1, "–" deeper, "12." (or "12)")
 *                                for numbered items, counted from the
 *                                list's start; an item's paragraphs join
 *   block quotes                 B_QUOTE, depth = nesting; a quote's
 *                                headings and lists keep their own kind
 *   code blocks                  one B_CODE per line, verbatim (tabs to
 *                                spaces at every 4th column), not folded
 *   thematic breaks              B_SEP; so is a paragraph that is only
 *                                "[...]", "…" and the like (.txt's rule)
 *   table rows                   one B_TABLE per row, cells separated by
 *                                ESSAY_CELL_SEP; header cells are strong
 *   emphasis, strong, code span,
 *   strikethrough                style bits of the text (ESSAY_STYLE_*)
 *   links                        the text, styled link, then a note number
 *                                (superscript digits, styled note; two
 *                                side by side get an unstyled raised
 *                                comma between them, NOTE_SEP); the
 *                                URL is listed in a B_NOTE block at the
 *                                end; the same URL keeps its number. An
 *                                autolink (text == URL) is styled link and
 *                                gets no note.
 *   images                       "[alt]"; the file is named in d->notes
 *   hard line breaks             U+2028 (the format's line separator)
 *   entities                     numeric ones and every HTML5 named one
 *                                (tools/entities.h) decoded; an unknown
 *                                name stays as typed
 *   raw HTML                     dropped
 * Whitespace is folded as in .txt (one space, no leading or trailing). */
#include "entities.h"
#include "input_int.h"

#include "essay.h"

#include <md4c.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXD 32

typedef struct mdst {
    doc *d;
    int smart;
    const char *lang;
    int failed;
    long cur;          /* block receiving text, or -1 */
    size_t cell_start; /* arena offset where the current cell's text starts */
    int pending;       /* a folded space is due before the next character */
    uint32_t pending_nbsp;
    int in_code_block, code_open, in_html, in_th, cells;
    size_t code_col;
    int quote;                /* quote nesting */
    int nlist;                /* list nesting */
    int ordered[MAXD];
    unsigned number[MAXD];
    char delim[MAXD];
    int in_li;                /* an LI is open at the innermost list level */
    long li_block;            /* the block of the innermost open item, or -1 */
    int em, strong, code, strike, link, img;
    size_t link_text_start;   /* arena offset where the link's text starts */
    long link_block;
    char *href;               /* the open link's URL (owned) */
    char **urls;              /* notes, in order (owned) */
    size_t nurls;
    buf imgs;                 /* image names, ", " between them */
    size_t nimgs;
} mdst;

static uint8_t style_now(const mdst *m)
{
    return (uint8_t)((m->em ? ESSAY_STYLE_EM : 0) | (m->strong || m->in_th ? ESSAY_STYLE_STRONG : 0) |
                     (m->code ? ESSAY_STYLE_CODE : 0) | (m->strike ? ESSAY_STYLE_STRIKE : 0) |
                     (m->link ? ESSAY_STYLE_LINK : 0));
}

static int new_block(mdst *m, int kind, int level, int depth, const char *label)
{
    doc *d = m->d;
    if (d->n == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 64;
        blk *b = realloc(d->b, cap * sizeof *b);
        if (!b) return m->failed = -1;
        d->b = b;
        d->cap = cap;
    }
    blk *k = &d->b[d->n];
    memset(k, 0, sizeof *k);
    k->kind = (uint8_t)kind;
    k->level = (uint8_t)level;
    k->depth = (uint8_t)(depth > ESSAY_MAX_DEPTH ? ESSAY_MAX_DEPTH : depth);
    if (label) {
        size_t l = strlen(label);
        if (l > sizeof k->label) l = sizeof k->label;
        memcpy(k->label, label, l);
        k->label_len = (uint8_t)l;
    }
    k->start = d->arena.n;
    m->cur = (long)d->n++;
    m->cell_start = d->arena.n;
    m->pending = m->pending_nbsp = 0;
    return 0;
}

static void put_bytes(mdst *m, const uint8_t *s, size_t n, uint8_t style)
{
    doc *d = m->d;
    if (m->failed || m->cur < 0) return;
    if (buf_put(&d->arena, s, n) || buf_reserve(&d->sty, n)) { m->failed = -1; return; }
    memset(d->sty.p + d->sty.n, style, n);
    d->sty.n += n;
    d->b[m->cur].len += n;
}

/* Text of the current block, folded: spaces (and line ends) become one
 * space, none at the start of a block or cell. */
static void put_text(mdst *m, const uint8_t *s, size_t n, uint8_t style)
{
    if (m->cur < 0) {
        /* text after a nested list inside an item, and the like */
        if (new_block(m, m->quote ? B_QUOTE : B_PARA, 0, m->quote, NULL)) return;
    }
    for (size_t i = 0; i < n && !m->failed;) {
        uint32_t c;
        size_t l = dec(s, n, i, &c);
        if (c == ' ' || c == '\n' || c == '\t' || text_is_nbsp(c) || text_is_white(c)) {
            m->pending = 1;
            if (text_is_nbsp(c) && !m->pending_nbsp) m->pending_nbsp = c;
            i += l;
            continue;
        }
        if (m->pending && m->d->arena.n > m->cell_start) {
            uint8_t prev = m->d->sty.p[m->d->sty.n - 1];
            uint8_t sp[4] = {' '};
            size_t sl = m->pending_nbsp ? utf8_encode(m->pending_nbsp, sp) : 1;
            put_bytes(m, sp, sl, (uint8_t)(prev & style));
        }
        m->pending = m->pending_nbsp = 0;
        put_bytes(m, s + i, l, style);
        i += l;
    }
}

static void put_code_line_text(mdst *m, const uint8_t *s, size_t n)
{
    for (size_t i = 0; i < n && !m->failed; i++) {
        if (s[i] == '\n') {
            if (!m->code_open && new_block(m, B_CODE, 0, 0, NULL)) return;
            m->code_open = 0;
            m->cur = -1;
            m->code_col = 0;
            continue;
        }
        if (!m->code_open) {
            if (new_block(m, B_CODE, 0, 0, NULL)) return;
            m->code_open = 1;
        }
        if (s[i] == '\t') {
            do put_bytes(m, (const uint8_t *)" ", 1, 0);
            while (++m->code_col % 4);
            continue;
        }
        put_bytes(m, s + i, 1, 0);
        if ((s[i] & 0xC0) != 0x80) m->code_col++;
    }
}

/* End the current block: drop it if it holds no text (an empty item, a
 * paragraph of raw HTML), make a paragraph that is only "[...]" a
 * separator. */
static void end_block(mdst *m)
{
    doc *d = m->d;
    if (m->cur < 0) return;
    blk *k = &d->b[m->cur];
    /* a separator by its source characters: "---" would be "—" after the
     * typographic pass below, and a paragraph */
    int sep = k->kind == B_PARA && k->len && input_is_separator(d->arena.p + k->start, k->len);
    if (m->smart && !sep && k->len && k->kind != B_CODE && k->kind != B_NOTE) {
        /* the block's text again, with typographic punctuation */
        buf t = {0}, ts = {0};
        if (input_smart(d->arena.p + k->start, d->sty.p + k->start, k->len, m->lang, &t, &ts)) {
            m->failed = -1;
        } else {
            d->arena.n = d->sty.n = k->start;
            if (buf_put(&d->arena, t.p, t.n) || buf_put(&d->sty, ts.p, ts.n)) m->failed = -1;
            k->len = t.n;
        }
        free(t.p);
        free(ts.p);
    }
    if (k->len == 0 && k->kind != B_CODE) {
        d->n--;
    } else if (sep) {
        k->kind = B_SEP;
        d->arena.n = d->sty.n = k->start;
        k->len = 0;
    }
    m->cur = -1;
    m->pending = m->pending_nbsp = 0;
}

static const char *list_label(mdst *m, char *tmp, size_t cap)
{
    int l = m->nlist - 1;
    if (l < 0) return "•";
    if (m->ordered[l]) {
        snprintf(tmp, cap, "%u%c", m->number[l]++, m->delim[l]);
        return tmp;
    }
    return l == 0 ? "•" : "–";
}

static int enter_block(MD_BLOCKTYPE t, void *detail, void *ud)
{
    mdst *m = ud;
    char tmp[16];
    switch (t) {
    case MD_BLOCK_QUOTE: end_block(m); m->quote++; break;
    case MD_BLOCK_UL:
    case MD_BLOCK_OL:
        end_block(m);
        if (m->nlist < MAXD) {
            int l = m->nlist;
            m->ordered[l] = t == MD_BLOCK_OL;
            if (t == MD_BLOCK_OL) {
                const MD_BLOCK_OL_DETAIL *o = detail;
                m->number[l] = o->start;
                m->delim[l] = o->mark_delimiter == ')' ? ')' : '.';
            }
        }
        m->nlist++;
        break;
    case MD_BLOCK_LI:
        end_block(m);
        new_block(m, B_LIST, 0, m->nlist, list_label(m, tmp, sizeof tmp));
        m->li_block = m->cur;
        break;
    case MD_BLOCK_HR: end_block(m); new_block(m, B_SEP, 0, 0, NULL); m->cur = -1; break;
    case MD_BLOCK_H:
        end_block(m);
        new_block(m, B_HEAD, (int)((const MD_BLOCK_H_DETAIL *)detail)->level, 0, NULL);
        break;
    case MD_BLOCK_CODE: end_block(m); m->in_code_block = 1; m->code_open = 0; m->code_col = 0; break;
    case MD_BLOCK_HTML: end_block(m); m->in_html = 1; break;
    case MD_BLOCK_P:
        if (m->cur >= 0 && m->cur == m->li_block) { /* an item's next paragraph joins it */
            m->pending = 1;
            break;
        }
        end_block(m);
        new_block(m, m->quote ? B_QUOTE : B_PARA, 0, m->quote, NULL);
        break;
    case MD_BLOCK_TR: end_block(m); new_block(m, B_TABLE, 0, 0, NULL); m->cells = 0; break;
    case MD_BLOCK_TH:
    case MD_BLOCK_TD:
        if (m->cells++) put_bytes(m, (const uint8_t *)"\x1F", 1, 0);
        m->cell_start = m->d->arena.n;
        m->pending = m->pending_nbsp = 0;
        m->in_th = t == MD_BLOCK_TH;
        break;
    default: break;
    }
    return m->failed;
}

static int leave_block(MD_BLOCKTYPE t, void *detail, void *ud)
{
    mdst *m = ud;
    (void)detail;
    switch (t) {
    case MD_BLOCK_QUOTE: end_block(m); m->quote--; break;
    case MD_BLOCK_UL:
    case MD_BLOCK_OL: end_block(m); m->nlist--; m->li_block = -1; break;
    case MD_BLOCK_LI: end_block(m); m->li_block = -1; break;
    case MD_BLOCK_H: end_block(m); break;
    case MD_BLOCK_P:
        if (m->cur >= 0 && m->cur == m->li_block) break;
        end_block(m);
        break;
    case MD_BLOCK_CODE:
        if (m->code_open) m->cur = -1;
        m->in_code_block = m->code_open = 0;
        break;
    case MD_BLOCK_HTML: m->in_html = 0; break;
    case MD_BLOCK_TH:
    case MD_BLOCK_TD: m->in_th = 0; m->pending = m->pending_nbsp = 0; break;
    case MD_BLOCK_TR: {
        /* a row is never empty: it holds its cell separators */
        end_block(m);
        break;
    }
    default: break;
    }
    return m->failed;
}

static char *attr_text(const MD_ATTRIBUTE *a)
{
    char *s = malloc(a->size + 1);
    if (!s) return NULL;
    if (a->size) memcpy(s, a->text, a->size); /* md4c gives NULL text for an empty destination: [link]() */
    s[a->size] = 0;
    return s;
}

static int enter_span(MD_SPANTYPE t, void *detail, void *ud)
{
    mdst *m = ud;
    switch (t) {
    case MD_SPAN_EM: m->em++; break;
    case MD_SPAN_STRONG: m->strong++; break;
    case MD_SPAN_CODE: m->code++; break;
    case MD_SPAN_DEL: m->strike++; break;
    case MD_SPAN_A:
        if (m->link++ == 0) {
            free(m->href);
            m->href = attr_text(&((const MD_SPAN_A_DETAIL *)detail)->href);
            if (!m->href) return m->failed = -1;
            m->link_text_start = m->d->arena.n;
            m->link_block = m->cur;
        }
        break;
    case MD_SPAN_IMG: {
        const MD_ATTRIBUTE *src = &((const MD_SPAN_IMG_DETAIL *)detail)->src;
        size_t a = src->size;
        while (a > 0 && src->text[a - 1] != '/') a--;
        if ((m->nimgs++ && buf_put(&m->imgs, ", ", 2)) || buf_put(&m->imgs, src->text + a, src->size - a))
            return m->failed = -1;
        m->img++;
        put_text(m, (const uint8_t *)"[", 1, style_now(m));
        break;
    }
    default: break;
    }
    return m->failed;
}

/* The mark between two note numbers side by side ("a¹˒²", not "a¹²",
 * which reads as note 12): a raised comma, as a superscript comma is set.
 * Unicode has no superscript comma that text faces carry (U+2E34 RAISED
 * COMMA is not in Charis SIL); U+02D2 MODIFIER LETTER CENTRED RIGHT HALF
 * RING has its shape and height. Unstyled, so each number stays a note
 * span of its own. */
#define NOTE_SEP "\u02d2"

static void note_number(mdst *m, size_t k, uint8_t style)
{
    static const char *sup[] = {"⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"};
    doc *d = m->d;
    if (m->cur >= 0 && d->b[m->cur].len && d->sty.n && (d->sty.p[d->sty.n - 1] & ESSAY_STYLE_NOTE))
        put_bytes(m, (const uint8_t *)NOTE_SEP, sizeof NOTE_SEP - 1, 0);
    char dig[24];
    int n = snprintf(dig, sizeof dig, "%zu", k);
    for (int i = 0; i < n; i++) put_bytes(m, (const uint8_t *)sup[dig[i] - '0'], strlen(sup[dig[i] - '0']), style);
}

static int leave_span(MD_SPANTYPE t, void *detail, void *ud)
{
    mdst *m = ud;
    (void)detail;
    switch (t) {
    case MD_SPAN_EM: m->em--; break;
    case MD_SPAN_STRONG: m->strong--; break;
    case MD_SPAN_CODE: m->code--; break;
    case MD_SPAN_DEL: m->strike--; break;
    case MD_SPAN_IMG:
        m->img--;
        put_text(m, (const uint8_t *)"]", 1, style_now(m));
        break;
    case MD_SPAN_A:
        if (--m->link == 0 && m->href) {
            /* (an empty arena has no buffer yet: no offset from NULL) */
            const uint8_t *txt = m->d->arena.p ? m->d->arena.p + m->link_text_start : (const uint8_t *)"";
            size_t tl = m->d->arena.n - m->link_text_start, hl = strlen(m->href);
            if (tl && txt[0] == ' ') txt++, tl--; /* the space before the link */
            int autolink = m->cur == m->link_block &&
                           ((tl == hl && memcmp(txt, m->href, hl) == 0) ||
                            (hl == tl + 7 && memcmp(m->href, "mailto:", 7) == 0 && memcmp(txt, m->href + 7, tl) == 0));
            if (!autolink && hl && m->cur >= 0) {
                size_t k = 0;
                while (k < m->nurls && strcmp(m->urls[k], m->href) != 0) k++;
                if (k == m->nurls) {
                    char **u = realloc(m->urls, (m->nurls + 1) * sizeof *u);
                    if (!u) return m->failed = -1;
                    m->urls = u;
                    m->urls[m->nurls++] = m->href;
                    m->href = NULL;
                }
                note_number(m, k + 1, ESSAY_STYLE_NOTE);
            }
            free(m->href);
            m->href = NULL;
        }
        break;
    default: break;
    }
    return m->failed;
}

/* "&name;" as md4c hands it over (as written): the HTML5 name, looked up
 * in the whole list (tools/entities.h); NULL when it is not one. */
static const char *entity_utf8(const MD_CHAR *s, MD_SIZE n)
{
    if (n < 3 || s[0] != '&' || s[n - 1] != ';') return NULL;
    const char *name = (const char *)s + 1;
    size_t len = n - 2, lo = 0, hi = sizeof entities / sizeof *entities;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const char *e = entities[mid].name;
        size_t el = strlen(e);
        int c = memcmp(name, e, len < el ? len : el);
        if (c == 0) c = len < el ? -1 : len > el ? 1 : 0;
        if (c == 0) return entities[mid].utf8;
        if (c < 0) hi = mid;
        else lo = mid + 1;
    }
    return NULL;
}

static void put_entity(mdst *m, const MD_CHAR *s, MD_SIZE n, uint8_t style)
{
    uint8_t out[8];
    if (n >= 4 && s[1] == '#') {
        uint32_t c = 0;
        int hex = s[2] == 'x' || s[2] == 'X';
        for (MD_SIZE i = hex ? 3 : 2; i + 1 < n; i++) {
            int v = s[i] >= '0' && s[i] <= '9' ? s[i] - '0'
                    : hex && (s[i] | 32) >= 'a' && (s[i] | 32) <= 'f' ? (s[i] | 32) - 'a' + 10 : -1;
            if (v < 0) break;
            c = c * (hex ? 16 : 10) + (uint32_t)v;
            if (c > 0x10FFFF) break;
        }
        /* CommonMark: 0, surrogates and out-of-range become U+FFFD; C0/C1
         * controls and DEL cannot be stored, so they do too */
        if (c == 0 || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF) || c < 0x20 || (c >= 0x7F && c < 0xA0))
            c = c == '\t' || c == '\n' ? ' ' : 0xFFFD;
        size_t l = utf8_encode(c, out);
        put_text(m, out, l, style);
        return;
    }
    const char *u = entity_utf8(s, n);
    if (u) {
        /* &Tab; and &NewLine; are white space, folded as typed ones are */
        if (u[0] == '\t' || u[0] == '\n') u = " ";
        put_text(m, (const uint8_t *)u, strlen(u), style);
        return;
    }
    put_text(m, (const uint8_t *)s, n, style);
}

static int text_cb(MD_TEXTTYPE t, const MD_CHAR *s, MD_SIZE n, void *ud)
{
    mdst *m = ud;
    if (m->in_html || t == MD_TEXT_HTML) return 0;
    if (m->in_code_block) {
        put_code_line_text(m, (const uint8_t *)s, n);
        return m->failed;
    }
    uint8_t style = style_now(m);
    switch (t) {
    case MD_TEXT_NULLCHAR: put_text(m, (const uint8_t *)"\xEF\xBF\xBD", 3, style); break;
    case MD_TEXT_BR:
        /* U+2028, the format's hard line break: unstyled, with no space
         * on either side (the text after it starts as a cell does) */
        if (m->cur >= 0 && m->d->arena.n > m->cell_start) {
            put_bytes(m, (const uint8_t *)"\xE2\x80\xA8", 3, 0);
            m->cell_start = m->d->arena.n;
            m->pending = 0;
            m->pending_nbsp = 0;
        }
        break;
    case MD_TEXT_SOFTBR: m->pending = 1; break;
    case MD_TEXT_ENTITY: put_entity(m, s, n, style); break;
    default: put_text(m, (const uint8_t *)s, n, style); break;
    }
    return m->failed;
}

static int add_note_block(mdst *m, size_t k, const char *url)
{
    char lab[24];
    snprintf(lab, sizeof lab, "%zu.", k + 1);
    if (new_block(m, B_NOTE, 0, 0, lab)) return -1;
    /* a URL holds no spaces; the folding keeps the text valid anyway */
    put_text(m, (const uint8_t *)url, strlen(url), 0);
    if (m->d->b[m->cur].len == 0) put_bytes(m, (const uint8_t *)"?", 1, 0);
    m->cur = -1;
    return m->failed;
}

int input_md(const uint8_t *src, size_t n, int smart, const char *lang, doc *d)
{
    mdst m;
    memset(&m, 0, sizeof m);
    m.d = d;
    m.smart = smart;
    m.lang = lang;
    m.cur = m.li_block = m.link_block = -1;
    MD_PARSER p;
    memset(&p, 0, sizeof p);
    p.flags = MD_FLAG_TABLES | MD_FLAG_STRIKETHROUGH | MD_FLAG_PERMISSIVEAUTOLINKS;
    p.enter_block = enter_block;
    p.leave_block = leave_block;
    p.enter_span = enter_span;
    p.leave_span = leave_span;
    p.text = text_cb;
    if (buf_reserve(&d->sty, d->arena.n + 1)) return -1;
    memset(d->sty.p + d->sty.n, 0, d->arena.n - d->sty.n); /* earlier blocks: no style */
    d->sty.n = d->arena.n;
    int r = n > 0xFFFFFFFFu ? -1 : md_parse((const MD_CHAR *)src, (MD_SIZE)n, &p, &m);
    end_block(&m);
    if (!r && !m.failed && m.nurls) {
        for (size_t k = 0; k < m.nurls && !m.failed; k++) add_note_block(&m, k, m.urls[k]);
    }
    if (!r && !m.failed && m.nimgs) {
        if (buf_put(&d->notes, "images are not shown: ", 22) || buf_put(&d->notes, m.imgs.p, m.imgs.n) ||
            buf_put(&d->notes, "\n", 1))
            m.failed = -1;
    }
    for (size_t k = 0; k < m.nurls; k++) free(m.urls[k]);
    free(m.urls);
    free(m.href);
    free(m.imgs.p);
    return r || m.failed ? -1 : 0;
}

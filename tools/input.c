/* input.c - see input.h and input_int.h. One file goes through four stages,
 * each linear in its size: decode (UTF-8 check, line ends, BOM), NFC
 * (utf8proc), lines (whitespace folded in place), blocks (joined as the file
 * type says); then the title and byline are taken off and the blocks are
 * written out hyphenated. This file is that pipeline; the stages live in
 * input_decode.c, input_blocks.c and input_title.c. */
#include "input_int.h"

#include "essay.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- growable byte buffer ------------------------------------------------ */

char *input_buf_cstr(buf *b) /* hand over as a NUL-terminated string */
{
    if (buf_reserve(b, 1)) return NULL;
    b->p[b->n] = 0;
    char *s = (char *)b->p;
    b->p = NULL;
    b->n = b->cap = 0;
    return s;
}

char *input_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d) memcpy(d, s, n);
    return d;
}

char *input_memdup(const uint8_t *s, size_t n)
{
    char *d = malloc(n + 1);
    if (!d) return NULL;
    if (n) memcpy(d, s, n);
    d[n] = 0;
    return d;
}

int input_has_suffix_ci(const char *s, const char *suf)
{
    size_t n = strlen(s), m = strlen(suf);
    if (n < m) return 0;
    for (size_t i = 0; i < m; i++) {
        int a = (uint8_t)s[n - m + i], b = (uint8_t)suf[i];
        if (a >= 'A' && a <= 'Z') a += 32;
        if (a != b) return 0;
    }
    return 1;
}

int input_is_markdown(const char *name)
{
    return input_has_suffix_ci(name, ".md") || input_has_suffix_ci(name, ".markdown");
}

/* ---- the parser ---------------------------------------------------------------- */

static int get_fixed(void *ctx, const char *spec, hyph **h, lerr *e)
{
    (void)spec, (void)e;
    *h = ctx;
    return 0;
}

/* Is there text after block i? The end notes (a link's URL) are not text:
 * a one-paragraph essay with a link is that paragraph, not a title. */
static int has_text_after(const doc *d, size_t i)
{
    for (size_t j = i + 1; j < d->n; j++)
        if (!d->b[j].skip && d->b[j].kind != B_SEP && d->b[j].kind != B_NOTE) return 1;
    return 0;
}

/* Does block i hold a note number (a link's)? Such a block is never taken
 * off as the title or byline: its note would point from nowhere. */
static int has_note(const doc *d, size_t i)
{
    const blk *k = &d->b[i];
    if (d->sty.n < k->start + k->len) return 0;
    for (size_t j = 0; j < k->len; j++)
        if (d->sty.p[k->start + j] & ESSAY_STYLE_NOTE) return 1;
    return 0;
}

/* Block i's text without its note numbers, for a title made from it:
 * a copy (free it), or NULL out of memory. */
static uint8_t *text_without_notes(const doc *d, size_t i, size_t *n)
{
    const blk *k = &d->b[i];
    uint8_t *t = malloc(k->len + 1);
    size_t m = 0;
    if (!t) return NULL;
    for (size_t j = 0; j < k->len; j++) {
        const uint8_t *c = d->arena.p + k->start + j;
        if (d->sty.p[k->start + j] & ESSAY_STYLE_NOTE) continue;
        /* and the raised comma between two note numbers (input_md.c) */
        if (j && (d->sty.p[k->start + j - 1] & ESSAY_STYLE_NOTE) && j + 1 < k->len && c[0] == 0xCB && c[1] == 0x92) {
            j++;
            continue;
        }
        t[m++] = *c;
    }
    *n = m;
    return t;
}

static size_t first_kept(const doc *d)
{
    size_t i = 0;
    while (i < d->n && d->b[i].skip) i++;
    return i;
}

/* The spans of one block: in[0..n) with a style byte per byte went out as
 * out[0..m), the same bytes with soft hyphens put in (they take the style
 * before them). Runs of one non-zero style become 16-byte span records. */

static int put_spans(buf *sp, size_t *nspans, uint32_t line, const uint8_t *in, const uint8_t *sty, size_t n,
                     const uint8_t *out, size_t m)
{
    size_t i = 0, j = 0, run = 0;
    uint8_t cur = 0;
    for (;;) {
        uint8_t s;
        size_t step;
        if (j == m) {
            s = 0, step = 0;
        } else if (out[j] == 0xC2 && j + 1 < m && out[j + 1] == 0xAD && !(i + 1 < n && in[i] == 0xC2 && in[i + 1] == 0xAD)) {
            s = cur, step = 2; /* a soft hyphen the hyphenator put in */
        } else {
            s = i < n ? sty[i] : 0;
            step = 1;
            i++;
        }
        if (s != cur || j == m) {
            if (cur && j > run) {
                uint8_t r[16] = {0};
                put32(r, line);
                put32(r + 4, (uint32_t)run);
                put32(r + 8, (uint32_t)(j - run));
                r[12] = cur;
                if (buf_put(sp, r, sizeof r)) return -1;
                ++*nspans;
            }
            cur = s;
            run = j;
        }
        if (j == m) return 0;
        j += step;
    }
}

/* A note (one line, no LF) appended to b. */
static int add_note(buf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
static int add_note(buf *b, const char *fmt, ...)
{
    char m[600];
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(m, sizeof m, fmt, ap);
    va_end(ap);
    if (k < 0) return 0;
    size_t l = strlen(m);
    return buf_put(b, m, l) || buf_put(b, "\n", 1);
}

int input_parse_core(const uint8_t *bytes, size_t n, const char *name, const parse_args *a, input_essay *out,
                     lerr *e)
{
    const char *lang_force = a->lang_force, *lang_default = a->lang_default;
    int smart = a->smart;
    buf pre = {0}; /* notes of this file: encoding, joined lines, patterns */
    buf t = {0}, o = {0};
    span *ls = NULL;
    doc d = {0};
    front f = {0};
    char *spec_own = NULL; /* front matter lang */
    char *raw = NULL;      /* .md: the decoded text before folding */
    buf sp = {0};          /* the span table being written */
    size_t nspans = 0;
    int rc = -1;
    memset(out, 0, sizeof *out);

    int enc = INPUT_ENC_UTF8;
    if (input_decode(bytes, n, name, a->lossy, a->encoding, &t, &out->replaced, &enc, e) ||
        input_nfc(&t, name, e))
        goto done;
    if (t.n == 0) {
        lerr_set(e, "%s: the file is empty", name);
        rc = INPUT_EMPTY;
        goto done;
    }
    if (enc != INPUT_ENC_UTF8 &&
        add_note(&pre, "read as %s text%s and converted to UTF-8", input_encoding_name(enc),
                 a->encoding == INPUT_ENC_AUTO ? " (it is not UTF-8)" : ""))
        goto oom;

    /* Markdown is parsed from the text as it is (indentation matters). */
    if (input_is_markdown(name) && !(raw = input_memdup(t.p, t.n))) goto oom;
    for (size_t i = 0; i < t.n; i++)
        if (t.p[i] == '\t') t.p[i] = ' ';

    /* Lines, folded in place. */
    size_t nl = 1;
    for (size_t i = 0; i < t.n; i++) nl += t.p[i] == '\n';
    ls = malloc(nl * sizeof *ls);
    if (!ls) goto oom;
    nl = 0;
    for (size_t i = 0; i <= t.n;) {
        size_t j = i;
        while (j < t.n && t.p[j] != '\n') j++;
        ls[nl].off = i;
        ls[nl++].len = input_collapse(t.p + i, j - i);
        i = j + 1;
    }

    if (input_front_matter(t.p, ls, nl, &f)) goto oom;
    if (f.lang.n) {
        char tag[64];
        if (!(spec_own = input_buf_cstr(&f.lang))) goto oom;
        if (strchr(spec_own, '/') || input_has_suffix_ci(spec_own, ".dic") ||
            hyph_lang_tag(spec_own, tag, sizeof tag) != 0) {
            lerr_set(e, "%s:%zu: front matter lang \"%.40s\" is not a language tag like en-US", name,
                     f.lang_line, spec_own);
            goto done;
        }
    }
    /* The language (punctuation needs it now, hyphenation later). */
    char tag[64];
    const char *spec = lang_force && *lang_force ? lang_force : spec_own;
    if (!spec) spec = lang_default && *lang_default ? lang_default : "en-US";
    hyph_lang_tag(spec, tag, sizeof tag);

    if (raw) {
        size_t from = f.end < nl ? ls[f.end].off : t.n;
        if (input_md((const uint8_t *)raw + from, t.n - from, smart, tag, &d)) goto oom;
    } else {
        size_t wl, wp;
        int wrapped = input_txt_wrapped(t.p, ls, f.end, nl, &wl, &wp);
        if (input_blocks(t.p, ls, f.end, nl, wrapped ? BLOCKS_WRAPPED : BLOCKS_TXT, &d)) goto oom;
        if (wrapped && add_note(&pre, "its %zu lines were joined into %zu paragraphs: the text is hard-wrapped "
                                "(short lines, with a blank line between paragraphs)", wl, wp))
            goto oom;
        out->joined = wrapped;
    }
    if (!raw && smart) { /* .txt: every block's text again, with typographic punctuation */
        buf na = {0};
        for (size_t i = 0; i < d.n; i++) {
            size_t st = na.n;
            if (input_smart(d.arena.p + d.b[i].start, NULL, d.b[i].len, tag, &na, NULL)) {
                free(na.p);
                goto oom;
            }
            d.b[i].start = st;
            d.b[i].len = na.n - st;
        }
        free(d.arena.p);
        d.arena = na;
    }
    const uint8_t *A = d.arena.p;

    /* Title: front matter, a first heading, a title-like first line, or
     * the first sentence. */
    size_t fb = 0; /* first block with text */
    while (fb < d.n && d.b[fb].kind == B_SEP) fb++;
    if (fb == d.n && !f.title.n) {
        lerr_set(e, "%s: the essay is empty: no text, only blank lines%s", name,
                 f.end ? " and front matter" : d.n ? " and separators" : "");
        rc = INPUT_EMPTY;
        goto done;
    }
    const blk *b0 = fb < d.n ? &d.b[fb] : NULL;
    int from_block = 1;
    if (f.title.n) {
        out->title = input_make_title(f.title.p, f.title.n, 200);
        if (b0 && b0->kind == B_HEAD && b0->len == f.title.n && memcmp(A + b0->start, f.title.p, f.title.n) == 0)
            d.b[fb].skip = 1;
    } else if (has_note(&d, fb)) {
        /* a first block with a link stays in the text, with its note; the
         * title is its words (a heading's whole text, else its first
         * sentence) without the note number */
        size_t tn = 0;
        uint8_t *words = text_without_notes(&d, fb, &tn);
        if (!words) goto oom;
        out->title = b0->kind == B_HEAD ? input_make_title(words, tn, 200) : input_sentence_title(words, tn);
        free(words);
        from_block = 0;
    } else if (b0->kind == B_HEAD ||
               (b0->kind == B_PARA && has_text_after(&d, fb) && input_looks_like_title(A + b0->start, b0->len))) {
        out->title = input_make_title(A + b0->start, b0->len, 200);
        d.b[fb].skip = 1;
    } else {
        out->title = input_sentence_title(A + b0->start, b0->len);
        from_block = 0;
    }
    if (!out->title) goto oom;

    if (f.byline.n) {
        out->byline = input_make_title(f.byline.p, f.byline.n, 200);
    } else {
        size_t i = first_kept(&d);
        size_t at = 0;
        if (from_block && i < d.n && d.b[i].kind == B_PARA && has_text_after(&d, i) && !has_note(&d, i) &&
            (at = input_byline_at(A + d.b[i].start, d.b[i].len)) != 0) {
            out->byline = input_make_title(A + d.b[i].start + at, d.b[i].len - at, 200);
            d.b[i].skip = 1;
        } else {
            out->byline = input_strdup("");
        }
    }
    if (!out->byline) goto oom;
    if (!has_text_after(&d, (size_t)-1)) {
        lerr_set(e, "%s: the essay has a title (\"%.80s\") but no text", name, out->title);
        rc = INPUT_EMPTY;
        goto done;
    }

    /* Language, and the patterns for it. */
    out->lang = input_strdup(tag);
    if (!out->lang) goto oom;
    hyph *h = NULL;
    int got = a->get(a->gctx, spec, &h, e);
    if (got < 0) {
        lerr_prefix(e, name);
        goto done;
    }
    if (got > 0) { /* no patterns installed: unhyphenated, and say where the language came from */
        const char *lname = hyph_language_name(tag), *pkg = hyph_debian_package(tag);
        char where[300];
        if (spec == lang_force) snprintf(where, sizeof where, "lang = %s at %s", spec, a->force_where ? a->force_where : "the manifest");
        else if (spec == spec_own) snprintf(where, sizeof where, "lang: %s in the front matter at %s:%zu", spec, name, f.lang_line);
        else if (a->default_where) snprintf(where, sizeof where, "%s", a->default_where);
        else snprintf(where, sizeof where, "the default, %s", tag);
        if (add_note(&pre, "no hyphenation patterns for %s%s%s%s are installed, so this essay is packed without "
                     "hyphenation; %s%s%s and build again (the language is set by %s)",
                     lname ? lname : tag, lname ? " (" : "", lname ? tag : "", lname ? ")" : "",
                     pkg ? "install the Debian package " : "install a hyphen-* package for it",
                     pkg ? pkg : "", pkg ? "" : " or give a .dic file", where))
            goto oom;
    }

    /* Output: one line per block. Separators only between text blocks. */
    int pending_sep = 0, any = 0;
    uint32_t line = 0, cjk = 0; /* cjk: Han characters and kana, for the reading time */
    for (size_t i = 0; i < d.n; i++) {
        const blk *k = &d.b[i];
        if (k->skip) continue;
        if (k->kind == B_SEP) { pending_sep = any; continue; }
        if (buf_reserve(&o, 32 + k->label_len + 3 * k->len)) goto oom;
        if (pending_sep) o.p[o.n++] = ESSAY_MARK_SEP, o.p[o.n++] = '\n', line++;
        pending_sep = 0;
        any = 1;
        int depth = k->depth ? k->depth : 1, hyphenate = 1;
        switch (k->kind) {
        case B_HEAD: o.p[o.n++] = ESSAY_MARK_HEADING, o.p[o.n++] = (uint8_t)('0' + k->level); break;
        case B_QUOTE: for (int q = 0; q < depth; q++) o.p[o.n++] = ESSAY_MARK_QUOTE; break;
        case B_CODE: o.p[o.n++] = ESSAY_MARK_CODE, hyphenate = 0; break;
        case B_TABLE: o.p[o.n++] = ESSAY_MARK_TABLE, hyphenate = 0; break;
        case B_LIST:
        case B_NOTE:
            if (k->kind == B_NOTE) o.p[o.n++] = ESSAY_MARK_NOTE, hyphenate = 0;
            else for (int q = 0; q < depth; q++) o.p[o.n++] = ESSAY_MARK_LIST;
            memcpy(o.p + o.n, k->label, k->label_len);
            o.n += k->label_len;
            o.p[o.n++] = ' ';
            break;
        default: break;
        }
        size_t t0 = o.n;
        if (hyphenate) {
            o.n += hyph_text(h, A + k->start, k->len, o.p + o.n);
        } else {
            memcpy(o.p + o.n, A + k->start, k->len);
            o.n += k->len;
        }
        if (d.sty.n >= k->start + k->len && put_spans(&sp, &nspans, line, A + k->start, d.sty.p + k->start, k->len,
                                                       o.p + t0, o.n - t0))
            goto oom;
        o.p[o.n++] = '\n';
        line++;
        if (k->kind != B_NOTE && k->kind != B_CODE) {
            out->words = input_count_words(A + k->start, k->len, out->words);
            cjk = input_count_cjk(A + k->start, k->len, cjk);
        }
        if (o.n > INPUT_MAX_TEXT) {
            lerr_set(e, "%s: essay text too large (over %u MiB)", name, INPUT_MAX_TEXT >> 20);
            goto done;
        }
    }
    if (cjk) { /* Chinese and Japanese: words of reading time, from characters */
        uint32_t w = input_words_of_cjk(cjk, tag);
        out->words = out->words > UINT32_MAX - w ? UINT32_MAX : out->words + w;
    }
    if (nspans) { /* the style section (pack_format.md) */
        uint8_t hd[9] = {0, (uint8_t)nspans, (uint8_t)(nspans >> 8), (uint8_t)(nspans >> 16),
                         (uint8_t)(nspans >> 24), 0, 0, 0, 0};
        if (buf_put(&o, hd, sizeof hd) || buf_put(&o, sp.p, sp.n)) goto oom;
    }
    if (buf_put(&pre, d.notes.p, d.notes.n)) goto oom;
    if (pre.n) {
        if (!(out->notes = input_memdup(pre.p, pre.n - 1))) goto oom;
    }
    out->encoding = enc;
    out->path = input_strdup(name);
    if (!out->path) goto oom;
    out->size = o.n;
    out->text = o.p;
    o.p = NULL;
    rc = 0;
    goto done;
oom:
    lerr_set(e, "%s: out of memory", name);
done:
    if (rc) input_essay_free(out);
    free(pre.p);
    free(spec_own);
    free(t.p);
    free(o.p);
    free(ls);
    free(d.b);
    free(d.arena.p);
    free(d.sty.p);
    free(d.notes.p);
    free(raw);
    free(sp.p);
    free(f.title.p);
    free(f.byline.p);
    free(f.lang.p);
    return rc;
}

int input_parse_ex(const uint8_t *bytes, size_t n, const char *name, const input_opts *o, const input_extra *x,
                   hyph *h, input_essay *out, lerr *e)
{
    if (!name) name = "(input)";
    parse_args a = {o ? o->lossy : 0, x ? x->encoding : INPUT_ENC_AUTO, o ? !o->no_smart : 1, NULL, NULL,
                    o ? o->lang : NULL, NULL, get_fixed, h};
    return input_parse_core(bytes, n, name, &a, out, e) ? -1 : 0;
}

int input_parse(const uint8_t *bytes, size_t n, const char *name, const input_opts *o, hyph *h,
                input_essay *out, lerr *e)
{
    return input_parse_ex(bytes, n, name, o, NULL, h, out, e);
}

void input_essay_free(input_essay *es)
{
    if (!es) return;
    free(es->path);
    free(es->title);
    free(es->byline);
    free(es->lang);
    free(es->text);
    free(es->notes);
    memset(es, 0, sizeof *es);
}

void input_essays_free(input_essay *v, size_t n)
{
    if (!v) return;
    for (size_t i = 0; i < n; i++) input_essay_free(&v[i]);
    free(v);
}

size_t input_strip_soft_hyphens(uint8_t *s, size_t n)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == 0xC2 && i + 1 < n && s[i + 1] == 0xAD) { i++; continue; }
        s[o++] = s[i];
    }
    return o;
}

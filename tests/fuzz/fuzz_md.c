/* fuzz_md.c - libFuzzer target for the Markdown path of input_parse (md4c,
 * tools/input_md.c): any bytes, as a .md (or .markdown) essay, must be
 * refused with a message naming the file, or give an essay that keeps
 * every rule of pack_format.md ("Essay text", "Style section": essay_parse
 * checks them) and what input_md.c promises:
 *   - a note number (style note) is superscript digits, k from 1 to the
 *     number of notes; the notes are the essay's last blocks, labelled
 *     "1." "2." ... in order, every note is pointed to, and the essay has
 *     text besides them;
 *   - a code line has no inline style; no span has an unknown bit;
 *   - parsing is deterministic: the same bytes give the same essay;
 *   - typographic punctuation changes punctuation only: with and without
 *     it the essay has the same blocks (kinds, levels, depths) and spans
 *     (styles), but for a title and byline taken or not (see same_shape).
 * The first input byte picks the options (bit 0 lossy, bit 1 ".markdown",
 * bit 2 no hyphenation); the rest is the file. A broken rule aborts, so
 * libFuzzer and the replay (make test) both report it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "essay.h"
#include "input.h"

static void fail(const char *what, const uint8_t *s, size_t n)
{
    fprintf(stderr, "fuzz_md: %s\n", what);
    fwrite(s, 1, n < 512 ? n : 512, stderr);
    fputc('\n', stderr);
    abort();
}

/* The value of superscript digits s[0..n), or 0 if they are not that. */
static size_t superscript_value(const uint8_t *s, size_t n)
{
    static const char *sup[] = {"⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"};
    size_t v = 0, i = 0;
    if (n == 0) return 0;
    while (i < n) {
        int d = -1;
        for (int k = 0; k < 10 && d < 0; k++) {
            size_t l = strlen(sup[k]);
            if (i + l <= n && memcmp(s + i, sup[k], l) == 0) d = k, i += l;
        }
        if (d < 0 || v > 100000) return 0;
        v = v * 10 + (size_t)d;
    }
    return v;
}

/* Text size without the style section. */
static size_t text_size(const input_essay *es)
{
    const uint8_t *z = memchr(es->text, 0, es->size);
    return z ? (size_t)(z - es->text) : es->size;
}

static void check(const input_essay *es, essay *ep, const uint8_t *data, size_t size)
{
    lerr e;
    size_t n = text_size(es);
    if (!es->title || !*es->title || !es->byline || !es->lang) fail("no title, byline or lang", data, size);
    if (n == 0 || es->text[n - 1] != '\n') fail("empty or no final LF", data, size);
    if (essay_parse(es->text, es->size, ep, &e) != 0) fail(e.msg, data, size);

    size_t notes = 0, first_note = ep->nblocks;
    for (size_t b = 0; b < ep->nblocks; b++) {
        const essay_block *k = &ep->blocks[b];
        if (k->kind == ESSAY_NOTE) {
            char want[24];
            int wl = snprintf(want, sizeof want, "%zu.", ++notes);
            if (first_note == ep->nblocks) first_note = b;
            if (k->label_len != (uint32_t)wl || memcmp(es->text + k->label, want, (size_t)wl) != 0)
                fail("notes not labelled 1. 2. ... in order", data, size);
        } else if (first_note < b) {
            fail("a block after the notes", data, size);
        }
    }
    if (notes && first_note == 0) fail("the essay's only text is its list of link URLs", data, size);
    unsigned char *pointed = calloc(notes + 1, 1);
    if (!pointed) abort();
    for (size_t b = 0; b < ep->nblocks; b++) {
        const essay_block *k = &ep->blocks[b];
        size_t ns;
        const essay_span *sp = essay_block_spans(ep, b, &ns);
        if (k->kind == ESSAY_CODE && ns) fail("a code line with inline style", data, size);
        for (size_t i = 0; i < ns; i++) {
            if (sp[i].style & ~ESSAY_STYLE_ALL) fail("unknown style bit", data, size);
            if (!(sp[i].style & ESSAY_STYLE_NOTE)) continue;
            if (k->kind == ESSAY_NOTE) fail("a note number inside a note", data, size);
            size_t v = superscript_value(es->text + k->start + sp[i].start, sp[i].len);
            if (v < 1 || v > notes) fail("a note number that points to no note", data, size);
            pointed[v] = 1;
        }
    }
    for (size_t v = 1; v <= notes; v++)
        if (!pointed[v]) fail("a note nothing points to", data, size);
    free(pointed);
}

/* Same blocks and spans, whatever the punctuation, but for the first one
 * or two: "--" is two characters and "—" one, so a first paragraph near
 * the title's 100-character limit may be taken as the title (and the next
 * one as a byline) in one case and not in the other. Compared from the
 * end. */
static void same_shape(const essay *a, const essay *b, const uint8_t *data, size_t size)
{
    size_t na = a->nblocks, nb = b->nblocks, n = na < nb ? na : nb;
    if (na > nb + 2 || nb > na + 2) fail("typographic punctuation changed the number of blocks", data, size);
    for (size_t i = 1; i <= n; i++) {
        const essay_block *x = &a->blocks[na - i], *y = &b->blocks[nb - i];
        if (x->kind != y->kind || x->level != y->level || x->depth != y->depth || x->nspans != y->nspans)
            fail("typographic punctuation changed a block's kind, level, depth or spans", data, size);
        for (size_t k = 0; k < x->nspans; k++)
            if (a->spans[x->span + k].style != b->spans[y->span + k].style)
                fail("typographic punctuation changed a style", data, size);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static hyph *en; /* opened once: the dictionary is 100 KB of patterns */
    static int tried;
    if (!tried) {
        tried = 1;
        if (hyph_open(&en, "en-US", NULL) != 0) en = NULL;
    }
    uint8_t flags = size ? data[0] : 0;
    if (size) data++, size--;
    const char *name = flags & 2 ? "fuzz.markdown" : "fuzz.md";
    hyph *h = flags & 4 ? NULL : en;
    input_opts smart = {NULL, flags & 1, 0, 0}, plain = {NULL, flags & 1, 0, 1};

    input_essay es, again, straight;
    lerr e;
    e.msg[0] = 0;
    int r = input_parse(data, size, name, &smart, h, &es, &e);
    if (r != 0) {
        if (!e.msg[0] || strncmp(e.msg, name, strlen(name)) != 0) fail("refusal without the file's name", data, size);
        if (es.text || es.title || es.size) fail("refusal left output behind", data, size);
    }

    /* deterministic */
    lerr e2;
    e2.msg[0] = 0;
    int r2 = input_parse(data, size, name, &smart, h, &again, &e2);
    if (r2 != r || strcmp(e.msg, e2.msg) != 0 ||
        (r == 0 && (again.size != es.size || memcmp(again.text, es.text, es.size) != 0 ||
                    strcmp(again.title, es.title) != 0 || strcmp(again.byline, es.byline) != 0 ||
                    again.words != es.words)))
        fail("two parses of the same bytes differ", data, size);
    input_essay_free(&again);

    /* straight quotes kept: the same essay but for punctuation */
    int r3 = input_parse(data, size, name, &plain, h, &straight, &e2);
    if (r == 0) {
        essay a, b;
        check(&es, &a, data, size);
        if (r3 != 0) fail("refused only without typographic punctuation", data, size);
        check(&straight, &b, data, size);
        same_shape(&a, &b, data, size);
        essay_free(&a);
        essay_free(&b);
    }
    input_essay_free(&straight);
    input_essay_free(&es);
    return 0;
}

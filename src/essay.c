/* essay.c - see essay.h. One pass over the text, line by line; within a
 * line, one pass over the bytes, so the first violation found is the first
 * in the text and its offset is exact.
 *
 * Not checked: that the text is in NFC. The packer normalizes (utf8proc),
 * and nothing here or in layout depends on it. */
#include "essay.h"

#include <stdlib.h>
#include <string.h>

enum { T_TEXT, T_CODE, T_TABLE };

/* Check one block's text t[from, to): UTF-8, no C0/DEL, no leading,
 * trailing or doubled space, not empty. `what` names the block kind. Code
 * (T_CODE) may be empty and hold any spaces; a table row (T_TABLE) holds
 * ESSAY_CELL_SEP between cells, which may be empty, and each cell follows
 * the space rules. */
static int check_text(const uint8_t *t, size_t from, size_t to, const char *what, int mode, lerr *e)
{
    if (from == to && mode != T_CODE) {
        lerr_set(e, "byte %zu: empty %s text", from, what);
        return -1;
    }
    size_t i = from, cell = from;
    while (i < to) {
        uint8_t c = t[i];
        if (c < 0x80) {
            if (c == ESSAY_CELL_SEP && mode == T_TABLE) {
                cell = i + 1;
                i++;
                continue;
            }
            if (c < 0x20 || c == 0x7F) {
                lerr_set(e, "byte %zu: control character 0x%02X in %s text", i, c, what);
                return -1;
            }
            if (c == ' ' && mode != T_CODE) {
                int cell_end = i + 1 == to || (mode == T_TABLE && t[i + 1] == ESSAY_CELL_SEP);
                if (i == cell) {
                    lerr_set(e, "byte %zu: %s text starts with a space", i, what);
                    return -1;
                }
                if (cell_end) {
                    lerr_set(e, "byte %zu: %s text ends with a space", i, what);
                    return -1;
                }
                if (t[i + 1] == ' ') {
                    lerr_set(e, "byte %zu: two spaces in a row in %s text", i, what);
                    return -1;
                }
            }
            i++;
            continue;
        }
        uint32_t cp;
        size_t k = utf8_decode(t + i, to - i, &cp);
        if (!k) {
            lerr_set(e, "byte %zu: invalid UTF-8 (lead byte 0x%02X) in %s text", i, c, what);
            return -1;
        }
        i += k;
    }
    return 0;
}

static uint32_t rd32(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }
static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }

static int is_char_start(const uint8_t *t, size_t i, size_t end) { return i == end || (t[i] & 0xC0) != 0x80; }

/* The style section at d[at..size) (d[at-1] is the NUL that ends the
 * text), against the blocks already parsed. */
static int parse_styles(const uint8_t *d, size_t at, size_t size, essay *es, lerr *e)
{
    size_t base = at;
    if (size - at < 8) {
        lerr_set(e, "byte %zu: style section is %zu bytes, shorter than its 8-byte header", at, size - at);
        return -1;
    }
    uint32_t nspans = rd32(d + at);
    uint16_t nlangs = rd16(d + at + 4);
    if (rd16(d + at + 6) != 0) {
        lerr_set(e, "byte %zu: style section: reserved field is not zero", at + 6);
        return -1;
    }
    at += 8;
    if ((uint64_t)nspans * 16 > size - at) {
        lerr_set(e, "byte %zu: style section: %u spans of 16 bytes do not fit in the %zu bytes left", base,
                 nspans, size - at);
        return -1;
    }
    if (nspans) {
        es->spans = malloc((size_t)nspans * sizeof *es->spans);
        if (!es->spans) {
            lerr_set(e, "byte %zu: out of memory for %u spans", base, nspans);
            return -1;
        }
    }
    uint32_t prev_block = 0, prev_end = 0;
    for (uint32_t k = 0; k < nspans; k++, at += 16) {
        const uint8_t *p = d + at;
        uint32_t blk = rd32(p), st = rd32(p + 4), len = rd32(p + 8);
        essay_span s = {st, len, p[12], p[13], rd16(p + 14)};
        if (blk >= es->nblocks) {
            lerr_set(e, "byte %zu: span %u: block %u, but the essay has %zu blocks", at, k, blk, es->nblocks);
            return -1;
        }
        const essay_block *b = &es->blocks[blk];
        if (len == 0 || st > b->len || len > b->len - st) {
            lerr_set(e, "byte %zu: span %u: bytes %u+%u lie outside block %u's %u bytes of text", at + 4, k, st,
                     len, blk, b->len);
            return -1;
        }
        if (!is_char_start(d + b->start, st, b->len) || !is_char_start(d + b->start, st + len, b->len)) {
            lerr_set(e, "byte %zu: span %u: starts or ends inside a UTF-8 character", at + 4, k);
            return -1;
        }
        if (k && (blk < prev_block || (blk == prev_block && st < prev_end))) {
            lerr_set(e, "byte %zu: span %u: spans must be in text order and must not overlap", at, k);
            return -1;
        }
        if (s.style & ~ESSAY_STYLE_ALL) {
            lerr_set(e, "byte %zu: span %u: unknown style bits 0x%02X", at + 12, k, s.style & ~ESSAY_STYLE_ALL);
            return -1;
        }
        if (s.lang > nlangs) {
            lerr_set(e, "byte %zu: span %u: language %u, but the list has %u", at + 13, k, s.lang, nlangs);
            return -1;
        }
        if (s.script > 999) {
            lerr_set(e, "byte %zu: span %u: script %u is not an ISO 15924 number (0..999)", at + 14, k, s.script);
            return -1;
        }
        if (!s.style && !s.lang && !s.script) {
            lerr_set(e, "byte %zu: span %u: says nothing (no style, language or script)", at, k);
            return -1;
        }
        if (!es->blocks[blk].nspans) es->blocks[blk].span = k;
        es->blocks[blk].nspans++;
        es->spans[k] = s;
        prev_block = blk;
        prev_end = st + len;
    }
    es->nspans = nspans;
    if (nlangs) {
        es->langs = malloc(nlangs * sizeof *es->langs);
        if (!es->langs) {
            lerr_set(e, "byte %zu: out of memory for %u languages", base, nlangs);
            return -1;
        }
    }
    for (uint32_t k = 0; k < nlangs; k++) {
        if (at >= size) {
            lerr_set(e, "byte %zu: style section ends before language %u of %u", at, k + 1, nlangs);
            return -1;
        }
        size_t n = d[at];
        if (n < 1 || n > 35 || n > size - at - 1) {
            lerr_set(e, "byte %zu: language %u: length %zu (must be 1..35 and inside the section)", at, k + 1, n);
            return -1;
        }
        for (size_t j = 0; j < n; j++) {
            uint8_t c = d[at + 1 + j];
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-')) {
                lerr_set(e, "byte %zu: language %u: 0x%02X is not a letter, digit or '-'", at + 1 + j, k + 1, c);
                return -1;
            }
        }
        es->langs[k].off = (uint32_t)(at + 1);
        es->langs[k].len = (uint32_t)n;
        at += 1 + n;
    }
    es->nlangs = nlangs;
    if (at != size) {
        lerr_set(e, "byte %zu: %zu bytes after the style section", at, size - at);
        return -1;
    }
    return 0;
}

static void essay_clear(essay *es)
{
    free(es->blocks);
    free(es->spans);
    free(es->langs);
    memset(es, 0, sizeof *es);
}

int essay_parse(const uint8_t *text, size_t size, essay *out, lerr *e)
{
    memset(out, 0, sizeof *out);
    if (size == 0) return 0;
    if (!text) {
        lerr_set(e, "essay text is NULL but size is %zu", size);
        return -1;
    }
    /* Offsets are stored as uint32_t. */
    if (size > UINT32_MAX) {
        lerr_set(e, "essay text is %zu bytes, more than the 4 GiB offsets can address", size);
        return -1;
    }
    /* The text runs to the first NUL, the style section after it. */
    size_t full = size;
    const uint8_t *nul = memchr(text, 0, size);
    if (nul) size = (size_t)(nul - text);
    /* A missing final LF is reported after the last line is checked, so
     * that an earlier violation in that line is reported first. */
    int no_final_lf = size > 0 && text[size - 1] != '\n';

    size_t nlines = 0;
    for (const uint8_t *p = text, *end = text + size; (p = memchr(p, '\n', (size_t)(end - p))); p++)
        nlines++;
    if (no_final_lf) nlines++;
    essay_block *blocks = malloc((nlines ? nlines : 1) * sizeof *blocks);
    if (!blocks) {
        lerr_set(e, "out of memory for %zu essay blocks", nlines);
        return -1;
    }

    size_t nb = 0, ls = 0;
    while (ls < size) {
        const uint8_t *lf = memchr(text + ls, '\n', size - ls);
        size_t le = lf ? (size_t)(lf - text) : size;
        essay_block b = {0};
        if (le == ls) {
            lerr_set(e, "byte %zu: empty line (every line must hold a block)", ls);
            goto fail;
        }
        uint8_t m = text[ls];
        if (m == ESSAY_MARK_HEADING) {
            if (ls + 1 >= le || text[ls + 1] < '1' || text[ls + 1] > '6') {
                lerr_set(e, "byte %zu: heading level must be a digit 1..6", ls + 1);
                goto fail;
            }
            b.kind = ESSAY_HEADING;
            b.level = (uint8_t)(text[ls + 1] - '0');
            b.start = (uint32_t)(ls + 2);
            if (check_text(text, ls + 2, le, "heading", T_TEXT, e)) goto fail;
        } else if (m == ESSAY_MARK_LIST || m == ESSAY_MARK_NOTE) {
            const char *what = m == ESSAY_MARK_LIST ? "list item" : "note";
            size_t a = ls + 1;
            while (m == ESSAY_MARK_LIST && a < le && text[a] == m) a++;
            if (a - ls > ESSAY_MAX_DEPTH) {
                lerr_set(e, "byte %zu: list nested deeper than %d", ls + ESSAY_MAX_DEPTH, ESSAY_MAX_DEPTH);
                goto fail;
            }
            if (check_text(text, a, le, what, T_TEXT, e)) goto fail;
            const uint8_t *sp = memchr(text + a, ' ', le - a);
            if (!sp) {
                lerr_set(e, "byte %zu: %s needs a label, one space and text", a, what);
                goto fail;
            }
            /* check_text guarantees the label and the text are not empty:
             * the line neither starts nor ends with the space. */
            b.kind = m == ESSAY_MARK_LIST ? ESSAY_LIST : ESSAY_NOTE;
            b.depth = m == ESSAY_MARK_LIST ? (uint8_t)(a - ls) : 0;
            b.label = (uint32_t)a;
            b.label_len = (uint32_t)((size_t)(sp - text) - a);
            b.start = (uint32_t)(sp - text + 1);
        } else if (m == ESSAY_MARK_QUOTE) {
            size_t a = ls + 1;
            while (a < le && text[a] == m) a++;
            if (a - ls > ESSAY_MAX_DEPTH) {
                lerr_set(e, "byte %zu: quote nested deeper than %d", ls + ESSAY_MAX_DEPTH, ESSAY_MAX_DEPTH);
                goto fail;
            }
            b.kind = ESSAY_QUOTE;
            b.depth = (uint8_t)(a - ls);
            b.start = (uint32_t)a;
            if (check_text(text, a, le, "quote", T_TEXT, e)) goto fail;
        } else if (m == ESSAY_MARK_CODE) {
            b.kind = ESSAY_CODE;
            b.start = (uint32_t)(ls + 1);
            if (check_text(text, ls + 1, le, "code", T_CODE, e)) goto fail;
        } else if (m == ESSAY_MARK_TABLE) {
            b.kind = ESSAY_TABLE;
            b.start = (uint32_t)(ls + 1);
            if (check_text(text, ls + 1, le, "table row", T_TABLE, e)) goto fail;
        } else if (m == ESSAY_MARK_SEP) {
            if (le != ls + 1) {
                lerr_set(e, "byte %zu: a separator line must hold nothing after its marker", ls + 1);
                goto fail;
            }
            b.kind = ESSAY_SEP;
            b.start = (uint32_t)(ls + 1);
        } else {
            b.kind = ESSAY_PARA;
            b.start = (uint32_t)ls;
            if (check_text(text, ls, le, "paragraph", T_TEXT, e)) goto fail;
        }
        b.len = (uint32_t)(le - b.start);
        blocks[nb++] = b;
        ls = le + 1;
    }
    if (no_final_lf) {
        lerr_set(e, "byte %zu: essay text does not end with a line feed", size);
        goto fail;
    }
    out->text = text;
    out->size = size;
    out->blocks = blocks;
    out->nblocks = nb;
    if (nul && parse_styles(text, size + 1, full, out, e)) {
        essay_clear(out);
        return -1;
    }
    return 0;
fail:
    free(blocks);
    return -1;
}

const essay_span *essay_block_spans(const essay *es, size_t b, size_t *n)
{
    *n = es->blocks[b].nspans;
    return *n ? es->spans + es->blocks[b].span : NULL;
}

void essay_free(essay *es)
{
    if (!es) return;
    essay_clear(es);
}

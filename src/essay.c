/* essay.c - see essay.h. One pass over the text, line by line; within a
 * line, one pass over the bytes, so the first violation found is the first
 * in the text and its offset is exact.
 *
 * Not checked: that the text is in NFC. The packer normalizes (utf8proc),
 * and nothing here or in layout depends on it. */
#include "essay.h"

#include <stdlib.h>
#include <string.h>

/* Check one block's text t[from, to): UTF-8, no C0/DEL, no leading,
 * trailing or doubled space, not empty. `what` names the block kind. */
static int check_text(const uint8_t *t, size_t from, size_t to, const char *what, lerr *e)
{
    if (from == to) {
        lerr_set(e, "byte %zu: empty %s text", from, what);
        return -1;
    }
    size_t i = from;
    while (i < to) {
        uint8_t c = t[i];
        if (c < 0x80) {
            if (c < 0x20 || c == 0x7F) {
                lerr_set(e, "byte %zu: control character 0x%02X in %s text", i, c, what);
                return -1;
            }
            if (c == ' ') {
                if (i == from) {
                    lerr_set(e, "byte %zu: %s text starts with a space", i, what);
                    return -1;
                }
                if (i + 1 == to) {
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
    /* A missing final LF is reported after the last line is checked, so
     * that an earlier violation in that line is reported first. */
    int no_final_lf = text[size - 1] != '\n';

    size_t nlines = 0;
    for (const uint8_t *p = text, *end = text + size; (p = memchr(p, '\n', (size_t)(end - p))); p++)
        nlines++;
    if (no_final_lf) nlines++;
    essay_block *blocks = malloc(nlines * sizeof *blocks);
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
            if (check_text(text, ls + 2, le, "heading", e)) goto fail;
        } else if (m == ESSAY_MARK_LIST) {
            if (check_text(text, ls + 1, le, "list item", e)) goto fail;
            const uint8_t *sp = memchr(text + ls + 1, ' ', le - ls - 1);
            if (!sp) {
                lerr_set(e, "byte %zu: list item needs a label, one space and text", ls + 1);
                goto fail;
            }
            /* check_text guarantees the label and the text are not empty:
             * the line neither starts nor ends with the space. */
            b.kind = ESSAY_LIST;
            b.label = (uint32_t)(ls + 1);
            b.label_len = (uint32_t)((size_t)(sp - text) - (ls + 1));
            b.start = (uint32_t)(sp - text + 1);
        } else if (m == ESSAY_MARK_QUOTE) {
            b.kind = ESSAY_QUOTE;
            b.start = (uint32_t)(ls + 1);
            if (check_text(text, ls + 1, le, "quote", e)) goto fail;
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
            if (check_text(text, ls, le, "paragraph", e)) goto fail;
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
    return 0;
fail:
    free(blocks);
    return -1;
}

void essay_free(essay *es)
{
    if (!es) return;
    free(es->blocks);
    memset(es, 0, sizeof *es);
}

/* input_decode.c - stages 1 to 3 of input_parse_core: bytes to checked
 * UTF-8 (text.h's bad-UTF-8 policy at the boundary), NFC, whitespace
 * folding. See input_int.h. */
#include "input_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* ---- stage 1: decode ---------------------------------------------------- */

#define SNIFF_BYTES 65536

int input_decode(const uint8_t *s, size_t n, const char *name, int lossy, buf *out, size_t *replaced, lerr *e)
{
    size_t i = 0, line = 1;
    if (n >= 2 && ((s[0] == 0xFF && s[1] == 0xFE) || (s[0] == 0xFE && s[1] == 0xFF))) {
        lerr_set(e, "%s: looks like UTF-16 text; only UTF-8 is accepted (convert it, e.g. with iconv)", name);
        return -1;
    }
    if (n >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF) i = 3;

    /* Binary sniff first, so that a picture gets "binary", not "invalid
     * UTF-8 at line 1", and is refused even with lossy. */
    size_t lim = n - i < SNIFF_BYTES ? n : i + SNIFF_BYTES, units = 0, bad = 0;
    for (size_t j = i; j < lim; units++) {
        uint32_t c;
        int b;
        j += text_scan(s + j, lim - j, &c, &b);
        bad += b != TEXT_OK;
    }
    if (bad * 4 > units) {
        lerr_set(e, "%s: looks like a binary file, not UTF-8 text (%zu of the first %zu characters are "
                 "NUL, control or invalid bytes)", name, bad, units);
        return -1;
    }

    if (buf_reserve(out, n - i + 16)) goto oom;
    while (i < n) {
        uint32_t c;
        int b;
        size_t l = text_scan(s + i, n - i, &c, &b);
        if (b != TEXT_OK) {
            if (!lossy) {
                if (b == TEXT_BAD_UTF8) lerr_set(e, "%s:%zu: byte offset %zu: invalid UTF-8 (byte 0x%02X)", name, line, i, s[i]);
                else if (b == TEXT_BAD_NUL) lerr_set(e, "%s:%zu: byte offset %zu: NUL byte", name, line, i);
                else lerr_set(e, "%s:%zu: byte offset %zu: control character U+%04X", name, line, i, (unsigned)c);
                size_t ml = strlen(e ? e->msg : "");
                if (e && ml < sizeof e->msg - 1)
                    snprintf(e->msg + ml, sizeof e->msg - ml, "; --lossy replaces it with U+FFFD");
                return -1;
            }
            if (buf_put(out, "\xEF\xBF\xBD", 3)) goto oom;
            (*replaced)++;
            i += l;
            continue;
        }
        int r;
        if (c == '\n' || c == 0x2028 || c == 0x2029) {
            r = buf_put(out, "\n", 1);
            line++;
        } else if (c == '\r') {
            r = buf_put(out, "\n", 1);
            line++;
            if (i + 1 < n && s[i + 1] == '\n') l = 2;
        } else if (c == '\f') {
            r = buf_put(out, " ", 1); /* a tab is kept: Markdown code needs it; input.c folds it */
        } else {
            r = buf_put(out, s + i, l);
        }
        if (r) goto oom;
        i += l;
    }
    return 0;
oom:
    lerr_set(e, "%s: out of memory", name);
    return -1;
}

/* ---- stage 2: NFC --------------------------------------------------------- */

int input_nfc(buf *t, const char *name, lerr *e)
{
    size_t i = 0;
    while (i < t->n && t->p[i] < 0x80) i++;
    if (i == t->n) return 0; /* ASCII is NFC already */
    utf8proc_uint8_t *dst = NULL;
    utf8proc_ssize_t r = utf8proc_map(t->p, (utf8proc_ssize_t)t->n, &dst, UTF8PROC_COMPOSE | UTF8PROC_STABLE);
    if (r < 0) {
        lerr_set(e, "%s: Unicode normalisation failed: %s", name, utf8proc_errmsg(r));
        return -1;
    }
    free(t->p);
    t->p = dst;
    t->n = t->cap = (size_t)r;
    return 0;
}

/* ---- stage 3: lines -------------------------------------------------------- */

/* Fold whitespace in place: trim, and make each run one space, or the
 * run's first no-break space if it has one. Returns the new length. */
size_t input_collapse(uint8_t *s, size_t n)
{
    size_t o = 0, i = 0;
    uint32_t pend = 0;
    while (i < n) {
        uint32_t c;
        size_t l = dec(s, n, i, &c);
        if (text_is_white(c)) {
            if (text_is_nbsp(c) && (pend == 0 || pend == ' ')) pend = c;
            else if (!pend) pend = ' ';
            i += l;
            continue;
        }
        if (pend && o > 0) o += utf8_encode(pend, s + o); /* the run was at least this long */
        pend = 0;
        memmove(s + o, s + i, l);
        o += l;
        i += l;
    }
    return o;
}

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

/* Windows-1252's 0x80..0x9F (0: no character there; the other 96 high
 * bytes are Latin-1's, U+00A0..U+00FF). */
static const uint16_t cp1252_hi[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

const char *input_encoding_name(int enc)
{
    switch (enc) {
    case INPUT_ENC_CP1252: return "Windows-1252";
    case INPUT_ENC_LATIN1: return "Latin-1 (ISO 8859-1)";
    default: return "UTF-8";
    }
}

int input_encoding_parse(const char *s)
{
    static const struct { const char *name; int enc; } names[] = {
        {"utf-8", INPUT_ENC_UTF8},          {"utf8", INPUT_ENC_UTF8},          {"windows-1252", INPUT_ENC_CP1252},
        {"cp1252", INPUT_ENC_CP1252},       {"latin-1", INPUT_ENC_LATIN1},     {"latin1", INPUT_ENC_LATIN1},
        {"iso-8859-1", INPUT_ENC_LATIN1},
    };
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strlen(s) == strlen(names[i].name) && input_has_suffix_ci(s, names[i].name)) return names[i].enc;
    return -1;
}

/* One character of s[0..n) in encoding enc, as text_scan classifies. */
static size_t scan(const uint8_t *s, size_t n, int enc, uint32_t *c, int *bad)
{
    if (enc == INPUT_ENC_UTF8 || s[0] < 0x80) return text_scan(s, n, c, bad);
    *c = s[0];
    *bad = TEXT_OK;
    if (enc == INPUT_ENC_CP1252 && s[0] < 0xA0) {
        *c = cp1252_hi[s[0] - 0x80];
        if (!*c) *c = s[0], *bad = TEXT_BAD_UTF8; /* a byte with no character */
    } else if (s[0] < 0xA0) {
        *bad = TEXT_BAD_CTRL; /* Latin-1's C1 controls */
    }
    return 1;
}

static int is_cp1252_hole(uint8_t b) { return b == 0x81 || b == 0x8D || b == 0x8F || b == 0x90 || b == 0x9D; }

/* What a file's bytes are, for the messages: a word-processor document or
 * a PDF (by the first bytes), or NULL. */
static const char *document_kind(const uint8_t *s, size_t n)
{
    if (n >= 5 && memcmp(s, "%PDF-", 5) == 0) return "a PDF file";
    if (n >= 8 && memcmp(s, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) == 0) return "a Word document (.doc)";
    if (n >= 5 && memcmp(s, "{\\rtf", 5) == 0) return "a Rich Text document (.rtf)";
    if (n >= 4 && memcmp(s, "PK\x03\x04", 4) == 0) {
        size_t lim = n < 4096 ? n : 4096;
        for (size_t i = 0; i + 12 <= lim; i++) {
            if (memcmp(s + i, "opendocument", 12) == 0) return "a LibreOffice or OpenOffice document (.odt)";
            if (memcmp(s + i, "word/", 5) == 0) return "a Word document (.docx)";
        }
        return "a zipped file (a .docx, .odt or .zip)";
    }
    return NULL;
}

/* Which encoding an undeclared file is in: UTF-8 when it is valid UTF-8
 * (or looks like it), Windows-1252 when it is not UTF-8, has none of the
 * five bytes Windows-1252 leaves undefined, holds no UTF-8 sequence (a file
 * half in each is mixed, not converted) and reads as Western European text
 * (no more high bytes than ASCII letters). *why says, when it
 * stays UTF-8 though not valid, why it is not Windows-1252. */
static int guess(const uint8_t *s, size_t n, size_t i, const char **why)
{
    size_t bad = 0, multi = 0, high = 0, letters = 0, hole = 0;
    while (i < n) {
        uint32_t c;
        int b;
        size_t l = text_scan(s + i, n - i, &c, &b);
        if (b == TEXT_BAD_UTF8) bad++;
        else if (l > 1) multi++;
        for (size_t k = 0; k < l; k++) {
            uint8_t x = s[i + k];
            high += x >= 0x80;
            hole += is_cp1252_hole(x);
            letters += (x | 32) >= 'a' && (x | 32) <= 'z';
        }
        i += l;
    }
    *why = NULL;
    if (!bad) return INPUT_ENC_UTF8;
    if (hole) *why = "nor Windows-1252 (it has a byte Windows-1252 does not use)";
    else if (multi) *why = "though the rest of the file is: two encodings are mixed in it (perhaps text pasted from elsewhere)";
    else if (high > letters) *why = "and it does not read as Windows-1252 (Western European) text either";
    else return INPUT_ENC_CP1252;
    return INPUT_ENC_UTF8;
}

int input_decode(const uint8_t *s, size_t n, const char *name, int lossy, int enc, buf *out, size_t *replaced,
                 int *used, lerr *e)
{
    size_t i = 0, line = 1;
    const char *why = NULL;
    *used = INPUT_ENC_UTF8;
    if (n >= 2 && ((s[0] == 0xFF && s[1] == 0xFE) || (s[0] == 0xFE && s[1] == 0xFF))) {
        lerr_set(e, "%s: this is UTF-16 text; save it as Plain Text (UTF-8) or Markdown (or convert it, e.g. with "
                 "iconv -f UTF-16 -t UTF-8)", name);
        return -1;
    }
    const char *kind = document_kind(s, n);
    if (kind) {
        lerr_set(e, "%s: this is %s, not a text file; open it and save it as Plain Text (UTF-8) or Markdown", name,
                 kind);
        return -1;
    }
    if (n >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF) {
        i = 3;
        if (enc == INPUT_ENC_AUTO) enc = INPUT_ENC_UTF8; /* the mark says so */
    }

    /* Binary sniff first, so that a picture gets "not a text file", not a
     * bad byte at line 1, and is refused even with lossy: NUL and control
     * bytes (no text in any encoding has many), or mostly bytes that are
     * not UTF-8 and not Windows-1252 either. */
    size_t lim = n - i < SNIFF_BYTES ? n : i + SNIFF_BYTES, units = 0, bad = 0, ctrl = 0, hole = 0;
    for (size_t j = i; j < lim; units++) {
        uint32_t c;
        int b;
        j += text_scan(s + j, lim - j, &c, &b);
        bad += b != TEXT_OK;
        if (b == TEXT_BAD_UTF8) hole += is_cp1252_hole((uint8_t)c);
        else ctrl += b != TEXT_OK && c < 0x80;
    }
    if ((ctrl >= 4 && ctrl * 16 > units) ||
        (bad * 4 > units && (enc == INPUT_ENC_UTF8 || ctrl * 16 > units || hole * 16 > units))) {
        lerr_set(e, "%s: this is not a text file (%zu of its first %zu characters are zero bytes, control codes "
                 "or bytes that are not text); only plain text and Markdown files can be packed", name, bad, units);
        return -1;
    }
    if (enc == INPUT_ENC_AUTO) enc = guess(s, n, i, &why);
    *used = enc;

    if (buf_reserve(out, n - i + 16)) goto oom;
    while (i < n) {
        uint32_t c;
        int b;
        size_t l = scan(s + i, n - i, enc, &c, &b);
        if (b != TEXT_OK) {
            if (!lossy) {
                if (b == TEXT_BAD_UTF8 && enc == INPUT_ENC_CP1252)
                    lerr_set(e, "%s:%zu: byte offset %zu: byte 0x%02X stands for no character in Windows-1252; "
                             "save the file as Plain Text (UTF-8), or build with --lossy to put a \xEF\xBF\xBD in its "
                             "place", name, line, i, s[i]);
                else if (b == TEXT_BAD_UTF8)
                    lerr_set(e, "%s:%zu: byte offset %zu: byte 0x%02X is not UTF-8 text%s%s; save the file as "
                             "Plain Text (UTF-8)%s, or build with --lossy to put a \xEF\xBF\xBD in its place", name,
                             line, i, s[i], why ? ", " : "", why ? why : "", why && why[0] == 'a'
                             ? " (or give --encoding windows-1252 if it is that)" : "");
                else if (b == TEXT_BAD_NUL)
                    lerr_set(e, "%s:%zu: byte offset %zu: a zero byte (NUL), which text does not have: is this "
                             "really a text file? If it is, it is damaged there", name, line, i);
                else
                    lerr_set(e, "%s:%zu: byte offset %zu: an invisible control character (U+%04X), not text; "
                             "delete it, or build with --lossy to put a \xEF\xBF\xBD in its place", name, line, i,
                             (unsigned)c);
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
            uint8_t u[4];
            r = buf_put(out, u, utf8_encode(c, u));
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

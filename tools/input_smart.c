/* input_smart.c - typographic punctuation by language (input_int.h):
 *   "..."        … (U+2026), in every language
 *   "---"        — (em dash), in every language
 *   "--"         — in English, – (en dash) in German and French, as each
 *                writes its dash between words
 *   '"'          en “ ”, de „ “, fr « » with U+202F NARROW NO-BREAK
 *                SPACE inside (spaces typed inside are taken in)
 *   "'"          ’ between letters (an apostrophe, every language);
 *                else en ‘ ’, de ‚ ‘, fr ‹ › with U+202F
 * A quote opens at the start of a block, after a space, an opening
 * bracket, a dash or another opening quote; elsewhere it closes, and a
 * double quote always closes an open one. Other
 * languages keep their straight quotes (their rules differ: Spanish « »,
 * Swedish ” ”, and a wrong guess is worse than none) but get … and —.
 * Characters styled code are left as typed. */
#include "input_int.h"

#include "essay.h"

#include <string.h>

enum { L_OTHER, L_EN, L_DE, L_FR };

static int lang_kind(const char *lang)
{
    if (!lang || !lang[0] || !lang[1] || (lang[2] && lang[2] != '-' && lang[2] != '_')) return L_OTHER;
    char a = (char)(lang[0] | 32), b = (char)(lang[1] | 32);
    if (a == 'e' && b == 'n') return L_EN;
    if (a == 'd' && b == 'e') return L_DE;
    if (a == 'f' && b == 'r') return L_FR;
    return L_OTHER;
}

static int put(buf *o, buf *os, const char *s, uint8_t style)
{
    size_t n = strlen(s);
    if (buf_put(o, s, n)) return -1;
    if (os) {
        if (buf_reserve(os, n)) return -1;
        memset(os->p + os->n, style, n);
        os->n += n;
    }
    return 0;
}

/* The last character written at or after `from`, or 0. */
static uint32_t last_char(const buf *o, size_t from)
{
    if (o->n <= from) return 0;
    size_t i = o->n - 1;
    while (i > from && (o->p[i] & 0xC0) == 0x80) i--;
    uint32_t c;
    dec(o->p, o->n, i, &c);
    return c;
}

static int opens_after(uint32_t c)
{
    return c == 0 || c == ' ' || text_is_nbsp(c) || c == '(' || c == '[' || c == '{' || c == 0x2014 ||
           c == 0x2013 || c == '-' || c == '/' || c == 0x201C || c == 0x201E || c == 0x2018 || c == 0x201A ||
           c == 0xAB || c == 0x2039 || c == 0x2028;
}

int input_smart(const uint8_t *s, const uint8_t *sty, size_t n, const char *lang, buf *o, buf *os)
{
    int L = lang_kind(lang);
    size_t from = o->n;
    int open_d = 0; /* a double quote is open: the next one closes it, even after a space */
    for (size_t i = 0; i < n;) {
        uint8_t st = sty ? sty[i] : 0;
        int code = (st & ESSAY_STYLE_CODE) != 0;
        uint8_t c = s[i];
        int r = 0;
        if (code || (c != '.' && c != '-' && c != '"' && c != '\'')) {
            uint32_t cp;
            size_t l = dec(s, n, i, &cp);
            if (buf_put(o, s + i, l)) return -1;
            if (os) {
                if (buf_reserve(os, l)) return -1;
                memcpy(os->p + os->n, sty + i, l);
                os->n += l;
            }
            i += l;
            continue;
        }
        int same = 1; /* run of the same character in one style */
        while (i + same < n && s[i + same] == c && (!sty || sty[i + same] == st)) same++;
        if (c == '.' && same == 3) {
            r = put(o, os, "…", st), i += 3;
        } else if (c == '-' && same == 3) {
            r = put(o, os, "—", st), i += 3;
        } else if (c == '-' && same == 2) {
            r = put(o, os, L == L_EN || L == L_OTHER ? "—" : "–", st), i += 2;
        } else if ((c == '"' || c == '\'') && L != L_OTHER) {
            uint32_t prev = last_char(o, from), next = 0;
            if (i + 1 < n) dec(s, n, i + 1, &next);
            if (c == '\'' && text_is_word_char(prev) && text_is_word_char(next)) {
                r = put(o, os, "’", st);
            } else if (c == '"' ? !open_d && opens_after(prev) : opens_after(prev)) {
                if (c == '"') open_d = 1;
                if (L == L_FR) {
                    r = put(o, os, c == '"' ? "«\xE2\x80\xAF" : "‹\xE2\x80\xAF", st);
                    while (i + 1 < n && s[i + 1] == ' ') i++; /* « mot » typed with spaces */
                } else {
                    r = put(o, os, c == '"' ? (L == L_EN ? "“" : "„") : (L == L_EN ? "‘" : "‚"), st);
                }
            } else {
                if (c == '"') open_d = 0;
                if (L == L_FR) {
                    while (o->n > from && o->p[o->n - 1] == ' ') o->n--, os ? os->n-- : 0;
                    r = put(o, os, c == '"' ? "\xE2\x80\xAF»" : "\xE2\x80\xAF›", st);
                } else {
                    r = put(o, os, c == '"' ? (L == L_EN ? "”" : "“") : (L == L_EN ? "’" : "‘"), st);
                }
            }
            i++;
        } else {
            if (buf_put(o, s + i, (size_t)same)) return -1;
            if (os) {
                if (buf_reserve(os, (size_t)same)) return -1;
                memcpy(os->p + os->n, sty + i, (size_t)same);
                os->n += (size_t)same;
            }
            i += (size_t)same;
        }
        if (r) return -1;
    }
    return 0;
}

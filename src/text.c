/* text.c - see text.h. */
#include "text.h"

#include "util.h"

#include <string.h>
#include <utf8proc.h>

/* ---- 1. bytes to code points ----------------------------------------------- */

size_t text_next(const uint8_t *s, size_t n, uint32_t *cp)
{
    size_t k = utf8_decode(s, n, cp);
    if (!k) {
        *cp = TEXT_REPLACEMENT;
        k = 1;
    }
    return k;
}

size_t text_scan(const uint8_t *s, size_t n, uint32_t *cp, int *bad)
{
    uint8_t c = s[0];
    if (c < 0x80) {
        *cp = c;
        if (c == 0) *bad = TEXT_BAD_NUL;
        else if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') || c == 0x7F) *bad = TEXT_BAD_CTRL;
        else *bad = TEXT_OK;
        return 1;
    }
    size_t l = utf8_decode(s, n, cp);
    if (!l) {
        *cp = c;
        *bad = TEXT_BAD_UTF8;
        return 1;
    }
    *bad = *cp <= 0x9F ? TEXT_BAD_CTRL : TEXT_OK;
    return l;
}

/* ---- 2. character classes -------------------------------------------------- */

int text_class(uint32_t c)
{
    if (c == 0x20) return TEXT_SPACE;
    if (c < 0x80) return TEXT_VISIBLE;
    switch (c) {
    case 0xA0: case 0x202F: return TEXT_NBSP;
    case 0xAD: return TEXT_SHY;
    case 0x200B: return TEXT_ZWSP;
    case 0x200C: case 0x200D: case 0x2060: case 0xFEFF: return TEXT_INVISIBLE;
    }
    if (c >= 0xFE00 && c <= 0xFE0F) return TEXT_INVISIBLE;
    return TEXT_VISIBLE;
}

static int cat_of(uint32_t c) { return utf8proc_category((utf8proc_int32_t)c); }

int text_is_letter(uint32_t c)
{
    if (c < 0x80) return (c | 32) >= 'a' && (c | 32) <= 'z';
    int k = cat_of(c);
    return k >= UTF8PROC_CATEGORY_LU && k <= UTF8PROC_CATEGORY_LO;
}

int text_is_lower(uint32_t c) { return c < 0x80 ? c >= 'a' && c <= 'z' : cat_of(c) == UTF8PROC_CATEGORY_LL; }

int text_is_upperish(uint32_t c) { return text_is_letter(c) && !text_is_lower(c); }

int text_is_word_char(uint32_t c)
{
    if (c < 0x80) return ((c | 32) >= 'a' && (c | 32) <= 'z') || (c >= '0' && c <= '9');
    int k = cat_of(c);
    return k >= UTF8PROC_CATEGORY_LU && k <= UTF8PROC_CATEGORY_NO;
}

int text_is_mark(uint32_t c)
{
    if (c < 0x80) return 0;
    int k = cat_of(c);
    return k >= UTF8PROC_CATEGORY_MN && k <= UTF8PROC_CATEGORY_ME;
}

int text_is_white(uint32_t c) { return c == ' ' || (c >= 0x80 && cat_of(c) == UTF8PROC_CATEGORY_ZS); }

int text_is_nbsp(uint32_t c) { return c == 0xA0 || c == 0x2007 || c == 0x202F; }

int text_is_dash(uint32_t c) { return c == 0x2013 || c == 0x2014; }

int text_no_line_start(uint32_t c)
{
    switch (c) {
    case ')': case ']': case '}': case '.': case ',': case ';': case ':': case '!': case '?': case '%':
    case 0x201D: case 0x2019: case 0x2026: case 0xBB: case 0x203A: /* ” ’ … » › */
    case 0x2030: case 0xB0: case 0x2032: case 0x2033:               /* ‰ ° ′ ″ */
    case 0x3001: case 0x3002: case 0xFF09: case 0xFF0C: case 0xFF0E:
        return 1;
    }
    return 0;
}

int text_no_line_end(uint32_t c)
{
    switch (c) {
    case '(': case '[': case '{':
    case 0x201C: case 0x2018: case 0xAB: case 0x2039: case 0x201E: case 0x201A: /* “ ‘ « ‹ „ ‚ */
    case 0xBF: case 0xA1:                                                     /* ¿ ¡ */
        return 1;
    }
    return 0;
}

static int is_ascii_quote(uint32_t c) { return c == '"' || c == '\''; }

int text_closing_at(const uint32_t *cp, size_t k)
{
    return text_no_line_start(cp[k]) ||
           (is_ascii_quote(cp[k]) && k > 0 && text_class(cp[k - 1]) != TEXT_SPACE && !text_no_line_end(cp[k - 1]));
}

int text_opening_at(const uint32_t *cp, size_t k)
{
    return text_no_line_end(cp[k]) ||
           (is_ascii_quote(cp[k]) && (k == 0 || text_class(cp[k - 1]) == TEXT_SPACE || text_no_line_end(cp[k - 1])));
}

/* ---- 3. sentences ------------------------------------------------------------ */

/* The ideographic full stop and the fullwidth ! ? . of Chinese and
 * Japanese: a sentence ends after them with no space. */
static int cjk_stop(uint32_t c) { return c == 0x3002 || c == 0xFF01 || c == 0xFF1F || c == 0xFF0E; }

int text_is_stop(uint32_t c) { return c == '.' || c == '!' || c == '?' || c == 0x2026 || cjk_stop(c); }

int text_is_closer(uint32_t c)
{
    return c == '"' || c == '\'' || c == ')' || c == ']' || c == 0x201D || c == 0x2019 || c == 0xBB ||
           c == 0x300D || c == 0x300F || c == 0x3011 || c == 0x3015 || c == 0xFF09; /* 」 』 】 〕 ） */
}

int text_is_opener(uint32_t c)
{
    return c == '"' || c == '\'' || c == '(' || c == '[' || c == 0x201C || c == 0x2018 || c == 0xAB ||
           c == 0x300C || c == 0x300E || c == 0x3010 || c == 0x3014 || c == 0xFF08; /* 「 『 【 〔 （ */
}

static int starts_sentence(uint32_t c, int rule)
{
    if (rule == TEXT_SENTENCE_TITLE) return text_is_upperish(c) || (c >= '0' && c <= '9') || text_is_opener(c);
    return !(c >= 'a' && c <= 'z');
}

size_t text_sentence_end(const uint8_t *s, size_t n, size_t i, int rule, size_t *past)
{
    uint32_t c;
    if (i >= n) {
        if (past) *past = n;
        return 0;
    }
    size_t e = i + text_next(s + i, n - i, &c);
    if (!text_is_stop(c)) {
        if (past) *past = e;
        return 0;
    }
    int cjk = cjk_stop(c);
    while (e < n) {
        size_t l = text_next(s + e, n - e, &c);
        if (text_is_stop(c) || text_is_closer(c)) e += l, cjk |= cjk_stop(c);
        else break;
    }
    if (past) *past = e;
    if (e == n) return n;
    if (cjk && s[e] != ' ') return e; /* 。 needs no space, and there is no case to look at */
    if (s[e] != ' ' || e + 1 >= n) return 0;
    text_next(s + e + 1, n - e - 1, &c);
    return starts_sentence(c, rule) ? e : 0;
}

size_t text_sentence_start(const uint8_t *s, size_t n, size_t pos, int rule)
{
    size_t best = 0;
    for (size_t i = 0; i < n && i <= pos;) {
        size_t past, e = text_sentence_end(s, n, i, rule, &past);
        size_t start = e < n && s[e] == ' ' ? e + 1 : e; /* after the space; after 。 itself */
        if (e && e < n && start <= pos) best = start;
        i = past;
    }
    return best;
}

static int lang_is(const char *lang, size_t n, const char *two)
{
    return n == 2 && (lang[0] | 0x20) == two[0] && (lang[1] | 0x20) == two[1];
}

const char *text_cjk_tag(const char *lang)
{
    if (!lang) return "";
    /* the primary subtag only: "jav" (Javanese) is not "ja" */
    size_t n = strcspn(lang, "-_");
    if (lang_is(lang, n, "ja")) return " JP";
    if (lang_is(lang, n, "ko")) return " KR";
    if (lang_is(lang, n, "zh")) {
        if (strstr(lang, "Hant") || strstr(lang, "TW") || strstr(lang, "tw") || strstr(lang, "MO")) return " TC";
        if (strstr(lang, "HK") || strstr(lang, "hk")) return " HK";
        return " SC";
    }
    return "";
}

int text_is_cjk(uint32_t c)
{
    return (c >= 0x1100 && c <= 0x11FF) ||  /* Hangul Jamo */
           (c >= 0x2E80 && c <= 0x2FDF) ||  /* CJK radicals, Kangxi */
           (c >= 0x3000 && c <= 0x30FF) ||  /* CJK punctuation, kana */
           (c >= 0x3100 && c <= 0x31FF) ||  /* Bopomofo, Hangul compat., kana ext. */
           (c >= 0x3400 && c <= 0x4DBF) ||  /* Extension A */
           (c >= 0x4E00 && c <= 0x9FFF) ||  /* Unified Ideographs */
           (c >= 0xAC00 && c <= 0xD7AF) ||  /* Hangul syllables */
           (c >= 0xF900 && c <= 0xFAFF) ||  /* Compatibility Ideographs */
           (c >= 0xFF00 && c <= 0xFFEF) ||  /* fullwidth forms */
           (c >= 0x20000 && c <= 0x3FFFF);  /* Extensions B.. */
}

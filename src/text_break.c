/* text_break.c - line-break opportunities: libunibreak, libthai, kinsoku
 * and the product's rules (text_break.h says which rule comes from where). */
#include "text_break.h"

#include <linebreak.h>
#include <stdlib.h>
#include <string.h>
#include <thai/thbrk.h>
#include <thai/thwbrk.h>
#include <wchar.h>

#include "text.h"

/* libthai's dictionary, loaded on the first paragraph with a Thai run
 * (th_brk_new reads and indexes the whole word list: a Latin-only reader
 * never pays for it). A separate allocation, so that a breaker that is
 * const for its callers (it answers the same whatever was loaded) can
 * still fill it in. */
typedef struct thai_dict {
    ThBrk *th;  /* owned; NULL until needed */
    int failed; /* th_brk_new failed once: not tried again */
} thai_dict;

struct text_breaker {
    thai_dict *dict; /* owned */
};

int text_breaker_new(text_breaker **out, lerr *e)
{
    *out = NULL;
    text_breaker *b = calloc(1, sizeof *b);
    if (!b) {
        lerr_set(e, "out of memory for the line breaker");
        return -1;
    }
    if (!(b->dict = calloc(1, sizeof *b->dict))) {
        free(b);
        lerr_set(e, "out of memory for the line breaker");
        return -1;
    }
    init_linebreak(); /* see "Thread use" in text_break.h */
    *out = b;
    return 0;
}

int text_breaker_thai_loaded(const text_breaker *b) { return b && b->dict->th != NULL; }

void text_breaker_free(text_breaker *b)
{
    if (!b) return;
    if (b->dict->th) th_brk_delete(b->dict->th);
    free(b->dict);
    free(b);
}

/* ---- character sets the rules need ------------------------------------------ */

static int is_ri(uint32_t c) { return c >= 0x1F1E6 && c <= 0x1F1FF; }
static int is_thai(uint32_t c) { return c >= 0x0E01 && c <= 0x0E5B; }
static int is_emoji_modifier(uint32_t c) { return c >= 0x1F3FB && c <= 0x1F3FF; }

/* Line_Break=CJ (LineBreak.txt): small hiragana and katakana, the
 * prolonged sound mark, halfwidth small katakana. */
static int is_cj(uint32_t c)
{
    switch (c) {
    case 0x3041: case 0x3043: case 0x3045: case 0x3047: case 0x3049: case 0x3063:
    case 0x3083: case 0x3085: case 0x3087: case 0x308E: case 0x3095: case 0x3096:
    case 0x30A1: case 0x30A3: case 0x30A5: case 0x30A7: case 0x30A9: case 0x30C3:
    case 0x30E3: case 0x30E5: case 0x30E7: case 0x30EE: case 0x30F5: case 0x30F6:
    case 0x30FC:
        return 1;
    default:
        return (c >= 0x31F0 && c <= 0x31FF) || (c >= 0xFF67 && c <= 0xFF70);
    }
}

/* Stand-ins handed to libunibreak in place of a code point whose class it
 * gets wrong; the offsets are ours, so the stand-in's length is no matter. */
#define STAND_IN_ID 0x4E00u /* 一: class ID */
#define STAND_IN_NS 0x30FDu /* ヽ: class NS */
#define STAND_IN_XX 0xFFFEu /* a noncharacter, class XX as U+FFFF is */

/* ---- URL detection: layout.c's url_mode, with an extent ---------------------- */

static int is_scheme_char(uint32_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' || c == '-' ||
           c == '.';
}

/* Does the word cp[k..e) (no U+0020 inside) hold a URL? Layout's rule: it
 * does when, after any opening marks and '<', it starts with "www." or
 * holds "://"; so does an e-mail address (an '@' with a dotted domain
 * after it) and a path ("/a/b", "~/a/b", "./a/b"). Returns 1 and the
 * URL's extent [*us, *ue): from "www.", the scheme's first letter, or the
 * address's or path's first character, to the end of the word or the first CJK,
 * kana, Hangul or fullwidth character (U+2E80 and up), so that Chinese or
 * Japanese prose written against the URL without a space keeps its own
 * breaks. Layout today takes the whole word. */
static int find_url(const uint32_t *cp, size_t k, size_t e, size_t *us, size_t *ue)
{
    size_t j = k;
    while (j < e && (text_opening_at(cp, j) || cp[j] == '<')) j++;
    size_t s = SIZE_MAX;
    if (e - j >= 4 && (cp[j] | 0x20) == 'w' && (cp[j + 1] | 0x20) == 'w' && (cp[j + 2] | 0x20) == 'w' &&
        cp[j + 3] == '.')
        s = j;
    for (size_t i = j; s == SIZE_MAX && i + 2 < e; i++) {
        if (cp[i] == ':' && cp[i + 1] == '/' && cp[i + 2] == '/') {
            s = i;
            while (s > j && is_scheme_char(cp[s - 1])) s--;
        }
    }
    /* an e-mail address: letters, '@', a domain with a dot */
    for (size_t i = j + 1; s == SIZE_MAX && i + 3 < e; i++) {
        if (cp[i] != '@') continue;
        for (size_t d = i + 2; d + 1 < e && cp[d] < 0x2E80; d++)
            if (cp[d] == '.' && cp[d + 1] != '.') { s = j; break; }
    }
    /* a path: "/a/b", "~/a", "./a" with another '/' further on */
    if (s == SIZE_MAX && e - j >= 4 && (cp[j] == '/' || ((cp[j] == '~' || cp[j] == '.') && cp[j + 1] == '/'))) {
        for (size_t i = j + 2; i + 1 < e; i++)
            if (cp[i] == '/' && cp[i + 1] != '/') { s = j; break; }
    }
    if (s == SIZE_MAX) return 0;
    size_t z = s;
    while (z < e && cp[z] < 0x2E80) z++;
    *us = s;
    *ue = z;
    return 1;
}

/* ---- the pass ---------------------------------------------------------------- */

/* Lowercase a tag into buf (NUL-terminated, cut at cap - 1). */
static void tag_copy(char *buf, size_t cap, const char *tag, size_t len)
{
    size_t k = 0;
    for (; k < len && k + 1 < cap; k++) {
        char c = tag[k];
        buf[k] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
    }
    buf[k] = '\0';
}

#define TAG_CAP 64

typedef struct scratch {
    uint32_t *cp;   /* [m] code points as decoded */
    uint32_t *lbcp; /* [m] code points as libunibreak sees them (stand-ins) */
    uint32_t *off;  /* [m] byte offset of each code point */
    uint16_t *lang; /* [m] index into tags: 0 = base */
    uint8_t *bef;   /* [m] enum text_brk before code point k */
    char *lb;       /* [m] libunibreak's answer: after code point k */
    wchar_t *wc;    /* [m + 1] a Thai run for libthai */
    int *pos;       /* [m] libthai's breaks */
    char (*tags)[TAG_CAP]; /* [ntags] distinct lowercased tags; tags[0] is the base */
    size_t ntags;
} scratch;

static void scratch_free(scratch *w)
{
    free(w->cp);
    free(w->lbcp);
    free(w->off);
    free(w->lang);
    free(w->bef);
    free(w->lb);
    free(w->wc);
    free(w->pos);
    free(w->tags);
}

/* UAX #14 for each distinct language: libunibreak over the whole
 * paragraph with that language, kept where the code point after the break
 * is in that language (the context across a language change stays right). */
static void uax14(scratch *w, size_t m)
{
    for (size_t t = 0; t < w->ntags; t++) {
        int used = 0;
        for (size_t k = 0; k < m && !used; k++) used = w->lang[k] == t;
        if (!used) continue;
        set_linebreaks_utf32((const utf32_t *)w->lbcp, m, w->tags[t][0] ? w->tags[t] : NULL, w->lb);
        for (size_t k = 1; k < m; k++) {
            if (w->lang[k] != t) continue;
            char v = w->lb[k - 1];
            w->bef[k] = v == LINEBREAK_MUSTBREAK ? TEXT_BRK_MUST : v == LINEBREAK_ALLOWBREAK ? TEXT_BRK_ALLOW : TEXT_BRK_NONE;
        }
    }
}

/* Thai runs: libthai's word boundaries replace UAX #14's inside each run.
 * Loads the dictionary at the first run; -1 with a message when it cannot. */
static int thai(const text_breaker *b, scratch *w, size_t m, lerr *e)
{
    size_t k = 0;
    while (k < m) {
        if (!is_thai(w->cp[k])) { k++; continue; }
        size_t s = k;
        while (k < m && is_thai(w->cp[k])) k++;
        size_t len = k - s;
        if (len < 2) continue;
        for (size_t i = 0; i < len; i++) w->wc[i] = (wchar_t)w->cp[s + i];
        w->wc[len] = 0;
        thai_dict *d = b->dict;
        if (!d->th && !d->failed && !(d->th = th_brk_new(NULL))) d->failed = 1;
        if (!d->th) {
            lerr_set(e, "cannot load libthai's word dictionary (the libthai-data package): Thai text cannot be broken "
                        "into words");
            return -1;
        }
        int np = th_brk_wc_find_breaks(d->th, w->wc, w->pos, len);
        for (size_t i = s + 1; i < k; i++)
            if (w->bef[i] != TEXT_BRK_MUST) w->bef[i] = TEXT_BRK_NONE;
        for (int p = 0; p < np; p++) {
            if (w->pos[p] <= 0 || (size_t)w->pos[p] >= len) continue;
            size_t i = s + (size_t)w->pos[p];
            if (w->bef[i] == TEXT_BRK_NONE) w->bef[i] = TEXT_BRK_ALLOW;
        }
    }
    return 0;
}

/* The fixes and product rules of text_break.h, over bef[1..m). */
static void rules(scratch *w, size_t m)
{
    const uint32_t *cp = w->cp;
    uint8_t *bef = w->bef;
    size_t ri = 0; /* regional indicators in a row so far */
    for (size_t k = 1; k < m; k++) {
        ri = is_ri(cp[k - 1]) ? ri + 1 : 0;
        if (bef[k] == TEXT_BRK_MUST) continue;
        uint32_t p = cp[k - 1], c = cp[k];
        if (p == 0x200D || is_emoji_modifier(c)) bef[k] = TEXT_BRK_NONE; /* LB8a, LB30b */
        if (is_ri(c) && (ri & 1)) bef[k] = TEXT_BRK_NONE;                  /* LB30a: a flag is a pair */
        /* LB20.1: a hyphen that starts a word stays with it */
        if ((p == '-' || p == 0x2010) && (k == 1 || cp[k - 2] == ' ') && text_is_letter(c)) bef[k] = TEXT_BRK_NONE;
        /* At spaces: nothing that cannot start a line after them, nothing
         * that cannot end one before them. */
        if (bef[k] == TEXT_BRK_ALLOW && p == ' ') {
            size_t j = k - 1;
            while (j > 0 && cp[j] == ' ') j--;
            if (text_closing_at(cp, k) || (cp[j] != ' ' && text_opening_at(cp, j))) bef[k] = TEXT_BRK_NONE;
        }
    }
    /* URLs, in words between U+0020s */
    size_t k = 0;
    while (k < m) {
        if (cp[k] == ' ') { k++; continue; }
        size_t s = k, us, ue;
        while (k < m && cp[k] != ' ') k++;
        if (!find_url(cp, s, k, &us, &ue)) continue;
        for (size_t i = us + 1; i < ue; i++) {
            if (bef[i] == TEXT_BRK_MUST) continue;
            int lead = 1; /* not inside a leading "/", "~/" or "./" */
            for (size_t q = us; q < i && lead; q++) lead = cp[q] == '/' || cp[q] == '~' || cp[q] == '.';
            if (lead && i <= us + 2) { bef[i] = TEXT_BRK_NONE; continue; }
            uint32_t p = cp[i - 1];
            int at = (p == '/' || p == '.' || p == '-' || p == '_' || p == '?' || p == '&') && cp[i] != p &&
                     !text_closing_at(cp, i);
            bef[i] = at ? TEXT_BRK_URL : TEXT_BRK_NONE;
        }
    }
}

/* Index of tag in w->tags, adding it; 0 (the base) when the table is full. */
static uint16_t tag_index(scratch *w, size_t cap, const char *tag, size_t len)
{
    char buf[TAG_CAP];
    tag_copy(buf, sizeof buf, tag, len);
    for (size_t t = 0; t < w->ntags; t++)
        if (strcmp(w->tags[t], buf) == 0) return (uint16_t)t;
    if (w->ntags == cap) return 0;
    memcpy(w->tags[w->ntags], buf, sizeof buf);
    return (uint16_t)w->ntags++;
}

int text_line_breaks(const text_breaker *b, const uint8_t *s, size_t n, const char *base_lang,
                     const text_lang_run *runs, size_t nruns, unsigned flags, uint8_t *brk, lerr *e)
{
    if (n == 0) return 0;
    memset(brk, TEXT_BRK_NONE, n);
    if (n > 0x7FFFFFFFu) {
        lerr_set(e, "a paragraph of %zu bytes is too long to break into lines (the limit is 2 GiB)", n);
        return -1;
    }
    for (size_t r = 0; r < nruns; r++) {
        if (runs[r].start >= runs[r].end || runs[r].end > n || (runs[r].tag_len && !runs[r].tag)) {
            lerr_set(e, "language range %zu (bytes %u to %u) is not inside the paragraph of %zu bytes", r,
                     (unsigned)runs[r].start, (unsigned)runs[r].end, n);
            return -1;
        }
    }

    scratch w = {0};
    size_t tcap = nruns + 1 < 256 ? nruns + 1 : 256;
    w.cp = malloc(n * sizeof *w.cp);
    w.lbcp = malloc(n * sizeof *w.lbcp);
    w.off = malloc(n * sizeof *w.off);
    w.lang = calloc(n, sizeof *w.lang);
    w.bef = calloc(n, 1);
    w.lb = malloc(n);
    w.wc = malloc((n + 1) * sizeof *w.wc);
    w.pos = malloc(n * sizeof *w.pos);
    w.tags = malloc(tcap * sizeof *w.tags);
    if (!w.cp || !w.lbcp || !w.off || !w.lang || !w.bef || !w.lb || !w.wc || !w.pos || !w.tags) {
        scratch_free(&w);
        lerr_set(e, "out of memory breaking a paragraph of %zu bytes into lines", n);
        return -1;
    }

    /* Decode; the stand-ins libunibreak needs. */
    size_t m = 0;
    for (size_t i = 0; i < n; m++) {
        uint32_t c;
        size_t len = text_next(s + i, n - i, &c);
        w.cp[m] = c;
        w.off[m] = (uint32_t)i;
        /* U+FFFF is libunibreak's end-of-string marker (EOS): inside the
         * text it stops the pass half-way and an assert aborts. */
        w.lbcp[m] = is_ri(c) ? STAND_IN_ID : c == 0xFFFF ? STAND_IN_XX
                  : (is_cj(c) && !(flags & TEXT_BREAK_LOOSE)) ? STAND_IN_NS : c;
        i += len;
    }

    /* The language of each code point. */
    w.tags[0][0] = '\0';
    if (base_lang) tag_copy(w.tags[0], TAG_CAP, base_lang, strlen(base_lang));
    w.ntags = 1;
    for (size_t r = 0; r < nruns; r++) {
        uint16_t t = tag_index(&w, tcap, runs[r].tag, runs[r].tag_len);
        /* the code points whose first byte is inside the run */
        size_t lo = 0, hi = m;
        while (lo < hi) { /* first k with off[k] >= start */
            size_t mid = lo + (hi - lo) / 2;
            if (w.off[mid] < runs[r].start) lo = mid + 1; else hi = mid;
        }
        for (size_t k = lo; k < m && w.off[k] < runs[r].end; k++) w.lang[k] = t;
    }

    uax14(&w, m);
    if (thai(b, &w, m, e)) {
        scratch_free(&w);
        memset(brk, TEXT_BRK_NONE, n);
        return -1;
    }
    rules(&w, m);

    for (size_t k = 1; k < m; k++) brk[w.off[k]] = w.bef[k];
    scratch_free(&w);
    return 0;
}

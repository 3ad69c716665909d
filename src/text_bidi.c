/* text_bidi.c - see text_bidi.h. */
#include "text_bidi.h"

#include "text.h"

#include <fribidi.h>
#include <stdlib.h>
#include <string.h>

_Static_assert(sizeof(FriBidiCharType) == sizeof(uint32_t), "FriBidiCharType is 32 bits");
_Static_assert(sizeof(FriBidiBracketType) == sizeof(uint32_t), "FriBidiBracketType is 32 bits");
_Static_assert(sizeof(FriBidiLevel) == 1, "FriBidiLevel is one byte");
_Static_assert(sizeof(FriBidiStrIndex) == sizeof(int32_t), "FriBidiStrIndex is 32 bits");

/* ---- languages --------------------------------------------------------------- */

static int tag_eq(const char *a, size_t n, const char *lit)
{
    size_t m = strlen(lit);
    if (n != m) return 0;
    for (size_t i = 0; i < n; i++) {
        char c = a[i];
        if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
        if (c != lit[i]) return 0;
    }
    return 1;
}

int text_bidi_hint_for_lang(const char *tag, size_t len)
{
    /* Scripts written right to left (ISO 15924), and languages whose
     * default script is one of them (CLDR likely subtags). */
    static const char *const rtl_scripts[] = {"arab", "hebr", "syrc", "thaa", "nkoo", "adlm", "rohg",
                                              "mand", "samr", "mend", "yezi", "aran", "syre", "syrj",
                                              "syrn", "hung", "phnx", "avst", "sogd", "sogo", "nbat",
                                              "palm", "armi", "prti", "phli", "khar", "orkh", "lydi",
                                              "sarb", "narb", "mani", "elym", "chrs", "ougr", "cprt"};
    static const char *const rtl_langs[] = {"ar", "he", "iw", "fa", "ur", "yi", "ji", "ps", "sd", "ug",
                                            "ckb", "dv", "syr", "arc", "ks", "prs", "pnb", "bal", "glk",
                                            "mzn", "lrc", "azb", "nqo", "sam", "yid", "heb",
                                            "ara", "fas", "per", "urd", "pus", "snd", "uig", "div"};
    if (!tag || len == 0) return TEXT_BIDI_AUTO;
    /* the subtags: the language, then a 4-letter script if there is one */
    size_t a = 0;
    while (a < len && tag[a] != '-' && tag[a] != '_') a++;
    size_t i = a;
    while (i < len) {
        size_t b = i + 1, c = b;
        while (c < len && tag[c] != '-' && tag[c] != '_') c++;
        if (c - b == 4 && text_is_letter((unsigned char)tag[b])) {
            for (size_t k = 0; k < sizeof rtl_scripts / sizeof *rtl_scripts; k++)
                if (tag_eq(tag + b, 4, rtl_scripts[k])) return TEXT_BIDI_AUTO_RTL;
            return TEXT_BIDI_AUTO; /* a script is named and it is not RTL */
        }
        if (c - b == 1) break; /* an extension or private use: no script after it */
        i = c;
    }
    for (size_t k = 0; k < sizeof rtl_langs / sizeof *rtl_langs; k++)
        if (tag_eq(tag, a, rtl_langs[k])) return TEXT_BIDI_AUTO_RTL;
    return TEXT_BIDI_AUTO;
}

/* ---- base direction ------------------------------------------------------------ */

/* P2 over one code point's type: 1 if it decided (*rtl set). */
static int p2_step(FriBidiCharType t, int *isolates, int *rtl)
{
    if (t == FRIBIDI_TYPE_PDI) {
        if (*isolates > 0) (*isolates)--;
    } else if (FRIBIDI_IS_ISOLATE(t)) {
        (*isolates)++;
    } else if (*isolates == 0 && FRIBIDI_IS_LETTER(t)) {
        *rtl = FRIBIDI_IS_RTL(t) ? 1 : 0;
        return 1;
    }
    return 0;
}

int text_bidi_dir(const uint8_t *s, size_t n, int hint)
{
    if (hint == TEXT_BIDI_LTR) return 0;
    if (hint == TEXT_BIDI_RTL) return 1;
    int isolates = 0, rtl = 0;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        i += text_next(s + i, n - i, &cp);
        if (p2_step(fribidi_get_bidi_type(cp), &isolates, &rtl)) return rtl;
    }
    return hint == TEXT_BIDI_AUTO_RTL;
}

/* ---- paragraphs ------------------------------------------------------------------ */

/* Explicit embeddings, overrides and isolates nested deeper than this
 * are neutralised before FriBidi sees them (kept as characters, given
 * the type of what they would have become: BN for embeddings and
 * overrides and their PDF, ON for isolates and their PDI). Each level
 * of nesting raises the level by at most 2, so levels stay under
 * UAX #9's limit of 125: FriBidi 1.0.8 (Debian 12) reads freed or wild
 * memory when text reaches that limit (fixed in 1.0.11, "Only merge
 * runs with the same isolate level"), and no real text nests 60 deep. */
#define BIDI_MAX_NESTING 60

static void cap_nesting(FriBidiCharType *t, size_t n)
{
    uint8_t iso[BIDI_MAX_NESTING]; /* the stack: 1 for an isolate, 0 for an embedding */
    size_t depth = 0, over_emb = 0, over_iso = 0;
    for (size_t i = 0; i < n; i++) {
        FriBidiCharType c = t[i];
        if (c == FRIBIDI_TYPE_LRE || c == FRIBIDI_TYPE_RLE || c == FRIBIDI_TYPE_LRO || c == FRIBIDI_TYPE_RLO) {
            if (depth < BIDI_MAX_NESTING && !over_iso) iso[depth++] = 0;
            else t[i] = FRIBIDI_TYPE_BN, over_emb++;
        } else if (c == FRIBIDI_TYPE_LRI || c == FRIBIDI_TYPE_RLI || c == FRIBIDI_TYPE_FSI) {
            if (depth < BIDI_MAX_NESTING && !over_iso && !over_emb) iso[depth++] = 1;
            else t[i] = FRIBIDI_TYPE_ON, over_iso++;
        } else if (c == FRIBIDI_TYPE_PDF) {
            if (over_emb) t[i] = FRIBIDI_TYPE_BN, over_emb--;
            else if (depth && !iso[depth - 1]) depth--;
        } else if (c == FRIBIDI_TYPE_PDI) {
            if (over_iso) {
                t[i] = FRIBIDI_TYPE_ON, over_iso--;
            } else {
                over_emb = 0; /* a PDI closes the embeddings inside its isolate (X6a) */
                size_t k = depth;
                while (k && !iso[k - 1]) k--;
                if (k) depth = k - 1;
            }
        }
    }
}

/* malloc(a * b + c), NULL when that overflows (on a 32-bit Pi). */
static void *alloc_n(void *old, size_t a, size_t b, size_t c)
{
    if (b && a > (SIZE_MAX / 2 - c) / b) return NULL;
    return realloc(old, a * b + c);
}

int text_bidi_analyse(const uint8_t *s, size_t n, int hint, text_bidi_para *out, lerr *e)
{
    memset(out, 0, sizeof *out);
    if (n > TEXT_BIDI_MAX_BYTES) {
        lerr_set(e, "a paragraph of %zu bytes is too long to set in both directions (at most %u bytes)", n,
                 TEXT_BIDI_MAX_BYTES);
        return -1;
    }
    /* One pass: count the code points, find the base direction (P2) and
     * whether anything can be at another level. With a left-to-right base
     * and no R, AL, AN or explicit formatting character, every character
     * resolves to level 0: W7 turns each EN into L (sos is L), and the
     * neutrals between L's are L. */
    size_t ncp = 0;
    int isolates = 0, first = -1, rtlish = 0;
    for (size_t i = 0; i < n; ncp++) {
        uint32_t cp;
        i += text_next(s + i, n - i, &cp);
        FriBidiCharType t = fribidi_get_bidi_type(cp);
        if (FRIBIDI_IS_RTL(t) || t == FRIBIDI_TYPE_AN || FRIBIDI_IS_EXPLICIT(t) || FRIBIDI_IS_ISOLATE(t))
            rtlish = 1;
        if (first < 0) {
            int r;
            if (p2_step(t, &isolates, &r)) first = r;
        }
    }
    int rtl = hint == TEXT_BIDI_LTR ? 0 : hint == TEXT_BIDI_RTL ? 1 : first >= 0 ? first : hint == TEXT_BIDI_AUTO_RTL;
    out->s = s;
    out->n = n;
    out->ncp = ncp;
    out->rtl = rtl;
    out->base = (uint8_t)rtl;
    if (ncp == 0 || (!rtl && !rtlish)) {
        out->uniform = 1;
        return 0;
    }

    /* The paragraph's arrays, kept: offsets, types, levels. */
    uint8_t *mem = alloc_n(NULL, ncp, 2 * sizeof(uint32_t) + 1, sizeof(uint32_t));
    /* FriBidi's inputs, only while it runs: code points, bracket types. */
    uint32_t *tmp = mem ? alloc_n(NULL, ncp, 2 * sizeof(uint32_t), 0) : NULL;
    if (!tmp) {
        free(mem);
        memset(out, 0, sizeof *out);
        lerr_set(e, "out of memory setting a paragraph of %zu bytes in both directions", n);
        return -1;
    }
    uint32_t *off = (uint32_t *)(void *)mem;
    uint32_t *types = off + ncp + 1;
    uint8_t *levels = (uint8_t *)(types + ncp);
    uint32_t *cps = tmp, *brackets = tmp + ncp;
    size_t k = 0;
    for (size_t i = 0; i < n; k++) {
        off[k] = (uint32_t)i;
        i += text_next(s + i, n - i, &cps[k]);
    }
    off[ncp] = (uint32_t)n;
    fribidi_get_bidi_types(cps, (FriBidiStrIndex)ncp, types);
    /* A block is one paragraph (layout made it so): a paragraph separator
     * inside it counts as a segment separator, like a tab. Left as B,
     * FriBidi 1.0.8 stops resolving explicit levels at it and leaves
     * what follows below the paragraph level (fribidi issue 201). */
    for (size_t i = 0; i < ncp; i++)
        if (types[i] == FRIBIDI_TYPE_BS) types[i] = FRIBIDI_TYPE_SS;
    cap_nesting(types, ncp);
    fribidi_get_bracket_types(cps, (FriBidiStrIndex)ncp, types, brackets);
    FriBidiParType dir = hint == TEXT_BIDI_LTR ? FRIBIDI_PAR_LTR : hint == TEXT_BIDI_RTL ? FRIBIDI_PAR_RTL
                         : hint == TEXT_BIDI_AUTO_RTL ? FRIBIDI_PAR_WRTL : FRIBIDI_PAR_WLTR;
    FriBidiLevel max =
        fribidi_get_par_embedding_levels_ex(types, brackets, (FriBidiStrIndex)ncp, &dir, (FriBidiLevel *)levels);
    free(tmp);
    if (max == 0) {
        free(mem);
        memset(out, 0, sizeof *out);
        lerr_set(e, "out of memory setting a paragraph of %zu bytes in both directions (FriBidi)", n);
        return -1;
    }
    /* FriBidi decides the base by P2 too; the fast path above used the
     * same rule (text_bidi_dir), and the fuzzer holds the two together. */
    out->rtl = FRIBIDI_LEVEL_IS_RTL(FRIBIDI_DIR_TO_LEVEL(dir)) ? 1 : 0;
    out->base = (uint8_t)out->rtl;
    out->off = off;
    out->types = types;
    out->levels = levels;
    return 0;
}

int text_bidi_is_rtl(const text_bidi_para *p) { return p->rtl; }

/* Index of the code point that holds byte at (< p->n), p not uniform. */
static size_t cp_index(const text_bidi_para *p, uint32_t at)
{
    size_t lo = 0, hi = p->ncp; /* off[lo] <= at < off[hi] */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (p->off[mid] <= at) lo = mid;
        else hi = mid;
    }
    return lo;
}

uint8_t text_bidi_level_at(const text_bidi_para *p, uint32_t at)
{
    if (p->uniform || at >= p->n) return p->base;
    return p->levels[cp_index(p, at)];
}

/* ---- lines ------------------------------------------------------------------------- */

/* Room for ncp code points in l->mem: runs, then the map, then levels. */
static int line_room(text_bidi_line *l, size_t ncp, lerr *e)
{
    if (ncp <= l->cap && l->mem) return 0;
    size_t cap = ncp < 16 ? 16 : ncp;
    void *m = alloc_n(l->mem, cap, sizeof(text_bidi_run) + sizeof(FriBidiStrIndex) + 1, 0);
    if (!m) {
        lerr_set(e, "out of memory reordering a line of %zu characters", ncp);
        return -1;
    }
    l->mem = m;
    l->cap = cap;
    l->runs = m;
    return 0;
}

int text_bidi_reorder(const text_bidi_para *p, uint32_t start, uint32_t end, text_bidi_line *out, lerr *e)
{
    out->nruns = 0;
    if (start > end || end > p->n) {
        lerr_set(e, "line bytes %u..%u are outside the paragraph of %zu bytes", start, end, p->n);
        return -1;
    }
    if (!text_bidi_boundary(p->s, p->n, start) || !text_bidi_boundary(p->s, p->n, end)) {
        uint32_t at = text_bidi_boundary(p->s, p->n, start) ? end : start;
        lerr_set(e, "line bytes %u..%u: byte %u is inside a character", start, end, at);
        return -1;
    }
    if (start == end) return 0;
    if (p->uniform) {
        if (line_room(out, 1, e)) return -1;
        out->runs[0] = (text_bidi_run){start, end, p->base};
        out->nruns = 1;
        return 0;
    }
    size_t a = cp_index(p, start), b = end == p->n ? p->ncp : cp_index(p, end);
    size_t len = b - a;
    if (line_room(out, len, e)) return -1;
    FriBidiStrIndex *map = (FriBidiStrIndex *)(void *)(out->runs + out->cap);
    FriBidiLevel *lv = (FriBidiLevel *)(map + out->cap);
    memcpy(lv, p->levels + a, len);
    for (size_t i = 0; i < len; i++) map[i] = (FriBidiStrIndex)i;
    /* The line's own copy of the levels: L1's end-of-line rule and L2. */
    FriBidiLevel r = fribidi_reorder_line(0, p->types + a, (FriBidiStrIndex)len, 0,
                                          p->rtl ? FRIBIDI_PAR_RTL : FRIBIDI_PAR_LTR, lv, NULL, map);
    if (r == 0) {
        lerr_set(e, "out of memory reordering a line of %zu characters (FriBidi)", len);
        return -1;
    }
    /* map[v] is the logical index (in the line) of visual position v.
     * Cut into runs where the level changes or the logical order does
     * not continue in the level's direction. */
    size_t nr = 0;
    for (size_t v = 0; v < len; v++) {
        size_t li = (size_t)map[v];
        uint8_t level = (uint8_t)lv[li];
        uint32_t cs = p->off[a + li], ce = p->off[a + li + 1];
        if (nr) {
            text_bidi_run *q = &out->runs[nr - 1];
            if (q->level == level && ((level & 1) ? ce == q->start : cs == q->end)) {
                if (level & 1) q->start = cs;
                else q->end = ce;
                continue;
            }
        }
        out->runs[nr++] = (text_bidi_run){cs, ce, level};
    }
    out->nruns = nr;
    return 0;
}

uint32_t text_bidi_mirror(uint32_t cp, int level)
{
    FriBidiChar m;
    if ((level & 1) && fribidi_get_mirror_char(cp, &m)) return m;
    return cp;
}

/* ---- walking the bytes ---------------------------------------------------------------- */

static int is_cont(uint8_t c) { return (c & 0xC0) == 0x80; }

int text_bidi_boundary(const uint8_t *s, size_t n, size_t at)
{
    if (at == 0 || at >= n) return at == 0 || at == n;
    /* at is inside a character only if a valid sequence starts at the
     * nearest non-continuation byte before it and reaches past it (a lead
     * byte is never inside another sequence, so it is itself a start). */
    for (size_t k = 1; k <= 3 && k <= at; k++) {
        if (is_cont(s[at - k])) continue;
        uint32_t cp;
        return utf8_decode(s + at - k, n - (at - k), &cp) <= k;
    }
    return 1;
}

size_t text_bidi_prev(const uint8_t *s, size_t start, size_t end, uint32_t *cp)
{
    for (size_t k = 2; k <= 4 && k <= end - start; k++) {
        if (is_cont(s[end - k + 1]) == 0) break; /* the byte after the lead must continue it */
        if (is_cont(s[end - k])) continue;
        if (utf8_decode(s + end - k, k, cp) == k) return k;
        break;
    }
    text_next(s + end - 1, 1, cp);
    return 1;
}

void text_bidi_free(text_bidi_para *p)
{
    free(p->off);
    memset(p, 0, sizeof *p);
}

void text_bidi_line_free(text_bidi_line *l)
{
    free(l->mem);
    memset(l, 0, sizeof *l);
}

/* fuzz_bidi.c - bidirectional text (src/text_bidi.h) on arbitrary bytes.
 *
 * The first byte chooses the base-direction hint and seeds the line
 * breaks; the rest is one paragraph, bad UTF-8 and all. Then:
 * 1. text_bidi_analyse accepts it; its code points are text_next's; its
 *    base is text_bidi_dir's; and every code point's level is the one
 *    FriBidi gives when called directly on the same code points (so the
 *    all-LTR fast path never claims level 0 wrongly; paragraph separators
 *    taken as segment separators, as text_bidi.h says, and explicit
 *    formatting nested over 60 deep neutralised, as text_bidi.c does).
 * 2. The paragraph is cut into lines at pseudo-random byte offsets, some
 *    inside characters. text_bidi_reorder refuses exactly the cuts that
 *    are not character boundaries; for the others every byte of the line
 *    is in exactly one run, runs are non-empty and on boundaries, maximal,
 *    at levels between the paragraph level and TEXT_BIDI_MAX_LEVEL, and
 *    the visual order they give is the one a plain UAX #9 L1 (line end)
 *    and L2 over the paragraph's levels gives, written out here again.
 * 3. text_bidi_prev walks every run backwards onto the same code points
 *    as text_next forwards, and mirroring leaves even levels alone. */
#include <fribidi.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "text_bidi.h"

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "fuzz_bidi: %s:%d: %s\n", __FILE__, __LINE__, #c); abort(); } } while (0)

#define MAXN 4096

typedef struct para_ref {
    size_t ncp;
    uint32_t off[MAXN + 1], cp[MAXN], types[MAXN], brackets[MAXN];
    FriBidiLevel levels[MAXN];
    uint8_t boundary[MAXN + 1];
    uint32_t index[MAXN + 1]; /* at a boundary: the code point that starts there */
} para_ref;

static void check_line(const text_bidi_para *p, const para_ref *ref, size_t a, size_t b, const text_bidi_line *ln)
{
    /* the reference: L1 at the line end, then L2 by reversing stretches */
    static int order[MAXN];
    static FriBidiLevel lv[MAXN];
    size_t len = b - a;
    int maxl = 0;
    for (size_t i = 0; i < len; i++) {
        lv[i] = ref->levels[a + i];
        order[i] = (int)(a + i);
    }
    for (size_t i = len; i-- > 0 && FRIBIDI_IS_EXPLICIT_OR_BN_OR_WS(ref->types[a + i]);) lv[i] = (FriBidiLevel)p->base;
    for (size_t i = 0; i < len; i++) if (lv[i] > maxl) maxl = lv[i];
    for (int level = maxl; level >= 1; level--) {
        for (size_t i = 0; i < len;) {
            if (lv[i] < level) { i++; continue; }
            size_t j = i;
            while (j < len && lv[j] >= level) j++;
            for (size_t x = i, y = j - 1; x < y; x++, y--) {
                int t = order[x]; order[x] = order[y]; order[y] = t;
                FriBidiLevel u = lv[x]; lv[x] = lv[y]; lv[y] = u;
            }
            i = j;
        }
    }
    /* the runs, flattened into code points */
    static uint8_t seen[MAXN + 1];
    memset(seen, 0, ref->off[b] - ref->off[a] + 1);
    size_t v = 0;
    for (size_t r = 0; r < ln->nruns; r++) {
        const text_bidi_run *q = &ln->runs[r];
        CHECK(q->start < q->end && q->start >= ref->off[a] && q->end <= ref->off[b]);
        CHECK(ref->boundary[q->start] && ref->boundary[q->end]);
        CHECK(q->level >= p->base && q->level <= TEXT_BIDI_MAX_LEVEL);
        for (uint32_t i = q->start; i < q->end; i++) {
            CHECK(!seen[i - ref->off[a]]);
            seen[i - ref->off[a]] = 1;
        }
        if (r) { /* maximal: not a continuation of the run before */
            const text_bidi_run *o = &ln->runs[r - 1];
            CHECK(o->level != q->level || ((q->level & 1) ? q->end != o->start : o->end != q->start));
        }
        /* the code points of the run, in display order */
        size_t ca = ref->index[q->start], cb = ref->index[q->end];
        for (size_t k = 0; k < cb - ca; k++) {
            size_t c = (q->level & 1) ? cb - 1 - k : ca + k;
            CHECK(v < len && (size_t)order[v] == c);
            CHECK(lv[v] == q->level);
            v++;
        }
        /* backwards and forwards decode alike */
        size_t c = cb;
        for (uint32_t i = q->end; i > q->start;) {
            uint32_t cp;
            size_t l = text_bidi_prev(p->s, q->start, i, &cp);
            CHECK(l >= 1 && l <= 4 && l <= i - q->start);
            i -= (uint32_t)l;
            CHECK(c > ca && ref->cp[--c] == cp && ref->off[c] == i);
            CHECK(text_bidi_mirror(cp, q->level & ~1) == cp);
        }
        CHECK(c == ca);
    }
    CHECK(v == len);
    for (size_t i = 0; i < ref->off[b] - ref->off[a]; i++) CHECK(seen[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > MAXN + 1) return 0;
    static para_ref ref;
    int hint = data[0] & 3;
    uint32_t seed = data[0] * 2654435761u;
    const uint8_t *s = data + 1;
    size_t n = size - 1;

    text_bidi_para p;
    lerr e;
    e.msg[0] = 0;
    CHECK(text_bidi_analyse(s, n, hint, &p, &e) == 0);
    /* the code points, as text_next reads them */
    memset(ref.boundary, 0, n + 1);
    ref.ncp = 0;
    for (size_t i = 0; i < n; ref.ncp++) {
        ref.off[ref.ncp] = (uint32_t)i;
        ref.boundary[i] = 1;
        ref.index[i] = (uint32_t)ref.ncp;
        i += text_next(s + i, n - i, &ref.cp[ref.ncp]);
    }
    ref.off[ref.ncp] = (uint32_t)n;
    ref.boundary[n] = 1;
    ref.index[n] = (uint32_t)ref.ncp;
    CHECK(p.ncp == ref.ncp && p.n == n);
    for (size_t i = 0; i <= n; i++) CHECK(text_bidi_boundary(s, n, i) == ref.boundary[i]);
    CHECK(text_bidi_dir(s, n, hint) == p.rtl && text_bidi_is_rtl(&p) == p.rtl && p.base == p.rtl);

    /* FriBidi itself on the same code points */
    if (ref.ncp) {
        FriBidiParType dir = hint == TEXT_BIDI_LTR ? FRIBIDI_PAR_LTR : hint == TEXT_BIDI_RTL ? FRIBIDI_PAR_RTL
                             : hint == TEXT_BIDI_AUTO_RTL ? FRIBIDI_PAR_WRTL : FRIBIDI_PAR_WLTR;
        fribidi_get_bidi_types(ref.cp, (FriBidiStrIndex)ref.ncp, ref.types);
        for (size_t k = 0; k < ref.ncp; k++) /* one paragraph: B is taken as S (text_bidi.h) */
            if (ref.types[k] == FRIBIDI_TYPE_BS) ref.types[k] = FRIBIDI_TYPE_SS;
        if (!p.uniform) {
            /* the module's types differ only where it neutralised explicit
             * formatting nested too deep (FriBidi 1.0.8 crashes there, so
             * the reference below takes the module's types) */
            for (size_t k = 0; k < ref.ncp; k++) {
                if (p.types[k] != ref.types[k])
                    CHECK((FRIBIDI_IS_EXPLICIT(ref.types[k]) && p.types[k] == FRIBIDI_TYPE_BN) ||
                          (FRIBIDI_IS_ISOLATE(ref.types[k]) && p.types[k] == FRIBIDI_TYPE_ON));
                ref.types[k] = p.types[k];
            }
        }
        fribidi_get_bracket_types(ref.cp, (FriBidiStrIndex)ref.ncp, ref.types, ref.brackets);
        CHECK(fribidi_get_par_embedding_levels_ex(ref.types, ref.brackets, (FriBidiStrIndex)ref.ncp, &dir,
                                                  ref.levels) > 0);
        CHECK(FRIBIDI_DIR_TO_LEVEL(dir) == p.base);
        for (size_t k = 0; k < ref.ncp; k++)
            for (uint32_t i = ref.off[k]; i < ref.off[k + 1]; i++) CHECK(text_bidi_level_at(&p, i) == ref.levels[k]);
        int rtlish = 0;
        for (size_t k = 0; k < ref.ncp; k++) rtlish |= ref.levels[k] != 0;
        if (p.uniform) CHECK(!rtlish); /* the fast path only when FriBidi puts everything at level 0 */
    } else {
        CHECK(p.uniform);
    }

    /* lines at pseudo-random cuts, some inside characters */
    text_bidi_line ln = {0};
    size_t at = 0;
    while (at < n) {
        seed = seed * 1103515245u + 12345u;
        size_t len = 1 + (seed >> 16) % 40;
        size_t end = at + len > n ? n : at + len;
        int rc = text_bidi_reorder(&p, (uint32_t)at, (uint32_t)end, &ln, &e);
        if (!ref.boundary[end]) {
            CHECK(rc == -1 && ln.nruns == 0 && strstr(e.msg, "inside a character"));
            at = end; /* the next cut starts inside a character: refused too */
            rc = text_bidi_reorder(&p, (uint32_t)at, (uint32_t)n, &ln, &e);
            CHECK(rc == -1);
            while (at < n && !ref.boundary[at]) at++;
            continue;
        }
        CHECK(rc == 0);
        check_line(&p, &ref, ref.index[at], ref.index[end], &ln);
        at = end;
    }
    /* the whole paragraph as one line, after the others (nothing changed) */
    CHECK(text_bidi_reorder(&p, 0, (uint32_t)n, &ln, &e) == 0);
    check_line(&p, &ref, 0, ref.ncp, &ln);
    CHECK(text_bidi_reorder(&p, (uint32_t)n, (uint32_t)n, &ln, &e) == 0 && ln.nruns == 0);
    CHECK(text_bidi_reorder(&p, 0, (uint32_t)n + 1, &ln, &e) == -1);
    text_bidi_line_free(&ln);
    text_bidi_free(&p);
    return 0;
}

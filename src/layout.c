/* layout.c - see layout.h.
 *
 * Per block: decode the text once, walk it once to collect the break
 * candidates with cumulative widths and space counts (so the natural width
 * of any line is one subtraction), then a Knuth–Plass dynamic program picks
 * the breaks of the whole paragraph. Pages are then cut from the stream of
 * lines. Everything is integer arithmetic, so a layout is the same on the
 * host and on the Pi. */
#include "layout.h"

#include "text.h"
#include "text_bidi.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* ---- costs: TeX's plain values where TeX has one ------------------------ */
enum {
    LINE_PEN = 10,        /* \linepenalty: fewer lines, all else equal */
    SOFT_PEN = 50,        /* \hyphenpenalty */
    HARD_PEN = 50,        /* \exhyphenpenalty: after an explicit '-' */
    DASH_PEN = 50,        /* after an unspaced en or em dash */
    DASH_START_PEN = 100, /* at the space before a spaced dash (the next line would open with it) */
    URL_PEN = 100,        /* inside a URL too long for any line */
    URL_FIT_PEN = 700,    /* inside a URL that fits: 490,000 demerits, more than any line within 1.5x
                             costs and less than one beyond it (DEM_OVER): broken only when needed */
    SPLIT_PEN = 100,      /* between two letters of a word too long for any line */
    HEAD_SOFT_PEN = 1000, /* headings are hyphenated only when a word cannot fit */
};
#define DEM_DOUBLE_HYPHEN 10000LL        /* \doublehyphendemerits */
#define DEM_FINAL_HYPHEN 5000LL          /* \finalhyphendemerits */
#define DEM_ADJ 10000LL                  /* \adjdemerits: a tight line next to a loose one */
/* A third line in a row that ends in a hyphen (a "stack"): as bad as
 * stretching one line's spaces 0.3x further beyond 1.5x (DEM_OVER). A
 * strict pass (lines within 1.5x only) that can only end with a stack is
 * therefore not the answer: the full program is run as well. */
#define DEM_STACK (100 * DEM_OVER)
#define HRUN_MAX 3
/* A justified line whose spaces would exceed 1.5x costs more than all the
 * hyphens and uneven lines of any paragraph under ~250,000 lines can (each
 * costs at most ~40,000): when the text allows a setting within 1.5x,
 * layout finds it. When it does not, each such line costs DEM_OVER once
 * per started 0.1x beyond 1.5x: two lines at 1.6x are preferred to one
 * at 2x, which a reader sees as a hole. */
#define DEM_OVER 10000000000LL
#define OVER_UNITS_MAX 1000
#define DEM_LAST_SHRINK 10000000LL    /* a last line that fits only with its spaces shrunk */
#define DEM_RESCUE 1000000000000000LL      /* an overfull line, when nothing else reaches a break */
#define DEM_MAX (INT64_MAX / 4)
#define BAD_MAX 100000000                /* badness cap, reached at r = 100 */
#define ACTIVE_MAX 4096                  /* active nodes; only absurdly wide lines get near it */

/* Metrics from the provider are clamped so no sum can overflow. */
#define ADV_MAX (1 << 24)  /* 262144 px */
#define KERN_MAX (1 << 20)

#define NONE UINT32_MAX

/* ---- metrics, clamped and cached ----------------------------------------- */

static int32_t clamp_adv(int32_t v) { return v < 0 ? 0 : v > ADV_MAX ? ADV_MAX : v; }
static int32_t clamp_kern(int32_t v) { return v < -KERN_MAX ? -KERN_MAX : v > KERN_MAX ? KERN_MAX : v; }

/* Fixed-width spaces: NBSP is as wide as a space, U+202F half that. */
static int32_t fixed_space(uint32_t c, int32_t sw) { return c == 0x202F ? sw / 2 : sw; }

/* Uncached, for layout_line_glyphs (the renderer's callbacks are cheap). */
static int32_t m_adv(const layout_metrics *m, int f, uint32_t c) { return clamp_adv(m->advance(m->ctx, f, c)); }
static int32_t m_kern(const layout_metrics *m, int f, uint32_t l, uint32_t r)
{
    return m->kern ? clamp_kern(m->kern(m->ctx, f, l, r)) : 0;
}

/* ---- faces of styled runs ------------------------------------------------ */

int layout_face(int base, int style)
{
    int em = (style & ESSAY_STYLE_EM) != 0, strong = (style & ESSAY_STYLE_STRONG) != 0;
    switch (base) {
    case LAYOUT_BODY:
        if (style & ESSAY_STYLE_CODE) return LAYOUT_MONO;
        return em && strong ? LAYOUT_BOLD_ITALIC : em ? LAYOUT_ITALIC : strong ? LAYOUT_BOLD : LAYOUT_BODY;
    case LAYOUT_ITALIC:
        if (style & ESSAY_STYLE_CODE) return LAYOUT_MONO;
        return em && strong ? LAYOUT_BOLD : em ? LAYOUT_BODY : strong ? LAYOUT_BOLD_ITALIC : LAYOUT_ITALIC;
    case LAYOUT_BOLD:
        if (style & ESSAY_STYLE_CODE) return LAYOUT_MONO;
        return em ? LAYOUT_BOLD_ITALIC : LAYOUT_BOLD;
    case LAYOUT_BOLD_ITALIC:
        return em ? LAYOUT_BOLD : LAYOUT_BOLD_ITALIC;
    default:
        return base >= 0 && base < LAYOUT_NFONTS ? base : LAYOUT_BODY;
    }
}

static int italicish(int f) { return f == LAYOUT_ITALIC || f == LAYOUT_BOLD_ITALIC; }

/* Where an italic run meets upright text with no space between (a closing
 * bracket, a comma after an italic word), the italic's overhang would
 * touch it: TeX's italic correction, here a quarter of the italic space. */
static int32_t ital_corr(int32_t italic_space) { return italic_space / 4; }

/* The space between two visible code points set side by side: kerning
 * within one face, nothing across faces but the italic correction. */
static int32_t m_join(const layout_metrics *m, int pf, uint32_t pv, int f, uint32_t c)
{
    if (pf == f) return m_kern(m, f, pv, c);
    return italicish(pf) && !italicish(f) ? ital_corr(m_adv(m, pf, ' ')) : 0;
}

/* Walks the style of successive byte offsets (absolute, never decreasing)
 * of one block from its spans. */
typedef struct scur {
    const essay_span *sp;
    size_t n, i;
    uint32_t base;
} scur;

static void scur_init(scur *c, const essay *es, uint32_t block)
{
    memset(c, 0, sizeof *c);
    if (block >= es->nblocks) return;
    c->sp = essay_block_spans(es, block, &c->n);
    c->base = es->blocks[block].start;
}

static int scur_at(scur *c, uint32_t off)
{
    if (off < c->base) return 0;
    uint32_t r = off - c->base;
    while (c->i < c->n && (uint64_t)c->sp[c->i].start + c->sp[c->i].len <= r) c->i++;
    return c->i < c->n && c->sp[c->i].start <= r ? c->sp[c->i].style : 0;
}

#define UNSET INT32_MIN
#define LO_N 0x300 /* U+0000..U+02FF: Latin, with diacritics */

typedef struct fcache {
    int32_t lo[LO_N];
    int32_t gen[0x100]; /* U+2000..U+20FF: quotes, dashes, ellipsis */
} fcache;

typedef struct hent {
    uint64_t key; /* 0 = empty */
    int32_t val;
} hent;

typedef struct htab {
    hent *e;
    size_t cap, n;
} htab;

typedef struct meas {
    const layout_metrics *m;
    fcache *fc[LAYOUT_NFONTS];
    htab adv, kern;
} meas;

static uint64_t hmix(uint64_t k)
{
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    return k;
}

static int ht_get(const htab *h, uint64_t key, int32_t *v)
{
    if (!h->cap) return 0;
    size_t mask = h->cap - 1, i = (size_t)hmix(key) & mask;
    for (;;) {
        if (h->e[i].key == key) { *v = h->e[i].val; return 1; }
        if (!h->e[i].key) return 0;
        i = (i + 1) & mask;
    }
}

static void ht_put(htab *h, uint64_t key, int32_t v)
{
    if ((h->n + 1) * 2 > h->cap) {
        size_t nc = h->cap ? h->cap * 2 : 1024;
        hent *ne = calloc(nc, sizeof *ne);
        if (!ne) return; /* stay uncached: slower, still right */
        for (size_t i = 0; i < h->cap; i++) {
            if (!h->e[i].key) continue;
            size_t j = (size_t)hmix(h->e[i].key) & (nc - 1);
            while (ne[j].key) j = (j + 1) & (nc - 1);
            ne[j] = h->e[i];
        }
        free(h->e);
        h->e = ne;
        h->cap = nc;
    }
    size_t mask = h->cap - 1, i = (size_t)hmix(key) & mask;
    while (h->e[i].key && h->e[i].key != key) i = (i + 1) & mask;
    if (!h->e[i].key) h->n++;
    h->e[i].key = key;
    h->e[i].val = v;
}

static int32_t adv(meas *ms, int f, uint32_t c)
{
    fcache *fc = ms->fc[f];
    if (!fc) {
        fc = ms->fc[f] = malloc(sizeof *fc);
        if (fc) {
            for (size_t i = 0; i < LO_N; i++) fc->lo[i] = UNSET;
            for (size_t i = 0; i < 0x100; i++) fc->gen[i] = UNSET;
        }
    }
    int32_t *slot = NULL;
    if (fc) {
        if (c < LO_N) slot = &fc->lo[c];
        else if (c - 0x2000u < 0x100u) slot = &fc->gen[c - 0x2000];
    }
    if (slot) {
        if (*slot == UNSET) *slot = m_adv(ms->m, f, c);
        return *slot;
    }
    uint64_t key = ((uint64_t)f << 32 | c) + 1;
    int32_t v;
    if (ht_get(&ms->adv, key, &v)) return v;
    v = m_adv(ms->m, f, c);
    ht_put(&ms->adv, key, v);
    return v;
}

static int32_t kern(meas *ms, int f, uint32_t l, uint32_t r)
{
    if (!ms->m->kern) return 0;
    uint64_t key = ((uint64_t)f << 42 | (uint64_t)l << 21 | r) + 1;
    int32_t v;
    if (ht_get(&ms->kern, key, &v)) return v;
    v = m_kern(ms->m, f, l, r);
    ht_put(&ms->kern, key, v);
    return v;
}

static int32_t join(meas *ms, int pf, uint32_t pv, int f, uint32_t c)
{
    if (pf == f) return kern(ms, f, pv, c);
    return italicish(pf) && !italicish(f) ? ital_corr(adv(ms, pf, ' ')) : 0;
}

static void meas_free(meas *ms)
{
    for (int f = 0; f < LAYOUT_NFONTS; f++) free(ms->fc[f]);
    free(ms->adv.e);
    free(ms->kern.e);
}

/* Width of a short string set as one piece (labels, the separator), with
 * the same rules as a line: kerning within words, natural spaces. */
static int64_t measure_str(meas *ms, int f, const uint8_t *s, size_t n)
{
    int64_t w = 0;
    uint32_t pv = 0;
    int32_t sw = adv(ms, f, ' ');
    for (size_t i = 0; i < n;) {
        uint32_t c;
        i += text_next(s + i, n - i, &c);
        switch (text_class(c)) {
        case TEXT_SPACE: w += sw; pv = 0; break;
        case TEXT_NBSP: w += fixed_space(c, sw); pv = 0; break;
        case TEXT_ZWSP: pv = 0; break;
        case TEXT_SHY: case TEXT_INVISIBLE: break;
        default:
            if (pv) w += kern(ms, f, pv, c);
            w += adv(ms, f, c);
            pv = c;
        }
    }
    return w;
}

/* ---- shaping ------------------------------------------------------------- */

/* With m->shape, the text is shaped in segments: maximal runs of characters
 * that are drawn or join (visible ones, invisible format characters such
 * as ZWJ and variation selectors, soft hyphens, which are left out of the
 * shaped text) in one face role. Spaces, no-break spaces, U+200B and
 * control characters end a segment and are measured as before. The block
 * is measured from its segments (each code point gets the advances of the
 * glyphs whose cluster starts at it), and every set line is shaped again
 * from its own segments (the pieces of a word broken at its edges, the
 * first one with its hyphen), which is what it is drawn from. */
static int seg_char(uint32_t c, int cl)
{
    return (cl == TEXT_VISIBLE || cl == TEXT_INVISIBLE || cl == TEXT_SHY) && c >= 0x20 && c != 0x7F &&
           c != 0x2028 && c != 0x2029;
}

/* Scratch for shape_seg: the segment's shaped bytes and, per byte, the
 * index of the code point it belongs to. */
typedef struct sscratch {
    uint8_t *buf;
    uint32_t *bk;
    size_t cap;
} sscratch;

static void sscratch_free(sscratch *sc)
{
    free(sc->buf);
    free(sc->bk);
}

/* The glyphs of one segment: code points cp[0..nk) at byte offsets
 * off[0..nk] of text t, in role fc, and a hyphen after them when hy. wcp[i]
 * gets code point i's share of the advances; *hyw the hyphen's advance
 * (when hy) and *hyfrom the index of its first glyph in *g (*ng when
 * none). Returns 0, or -1 when the provider could not shape it (out of
 * memory: wcp then holds advances from m->advance, *ng is 0). */
static int shape_seg(const layout_metrics *m, int fc, const uint8_t *t, const uint32_t *cp, const uint32_t *off,
                     size_t nk, int hy, int rtl, sscratch *sc, int32_t *wcp, const layout_glyph **g, size_t *ng,
                     int32_t *hyw, size_t *hyfrom)
{
    size_t bytes = off[nk] - off[0] + 1;
    *g = NULL;
    *ng = 0;
    *hyw = 0;
    *hyfrom = 0;
    if (bytes > sc->cap) {
        size_t nc = bytes < 64 ? 64 : bytes * 2;
        uint8_t *nb = realloc(sc->buf, nc);
        if (nb) sc->buf = nb;
        uint32_t *nbk = nb ? realloc(sc->bk, nc * sizeof *nbk) : NULL;
        if (nbk) sc->bk = nbk;
        if (!nb || !nbk) goto plain;
        sc->cap = nc;
    }
    size_t len = 0;
    for (size_t i = 0; i < nk; i++) {
        wcp[i] = 0;
        if (text_class(cp[i]) == TEXT_SHY) continue;
        for (uint32_t b = off[i]; b < off[i + 1]; b++) {
            sc->bk[len] = (uint32_t)i;
            sc->buf[len++] = t[b];
        }
    }
    size_t base = len;
    if (hy) {
        sc->bk[len] = (uint32_t)nk;
        sc->buf[len++] = '-';
    }
    if (len == 0) return 0;
    size_t n = 0;
    const layout_glyph *gl = m->shape(m->ctx, fc | (rtl ? LAYOUT_SHAPE_RTL : 0), sc->buf, len, &n);
    if (!gl) goto plain;
    size_t hf = n;
    for (size_t i = 0; i < n; i++) {
        uint32_t c = gl[i].cluster;
        int32_t a = clamp_adv(gl[i].advance);
        if (c >= base) {
            *hyw += a;
            if (hf == n || i < hf) hf = i;
        } else {
            wcp[sc->bk[c]] += a;
        }
    }
    *g = gl;
    *ng = n;
    *hyfrom = hf;
    return 0;
plain:
    for (size_t i = 0; i < nk; i++) wcp[i] = text_class(cp[i]) == TEXT_VISIBLE ? m_adv(m, fc, cp[i]) : 0;
    if (hy) *hyw = m_adv(m, fc, '-');
    *hyfrom = 0;
    return -1;
}

/* ---- break candidates ---------------------------------------------------- */

enum { CK_START, CK_SPACE, CK_SOFT, CK_HARD, CK_DASH, CK_ZW, CK_URL, CK_SPLIT, CK_END,
       CK_INTER /* between two characters where text_break allows it: ideographs, Thai words, after '/' */ };

/* A place where a line may end. A line from candidate i to candidate j has
 * natural width c[j].w_end - c[i].w_next + c[j].extra and
 * c[j].s_end - c[i].s_next inter-word spaces. */
typedef struct cand {
    int64_t w_end;  /* cumulative width where a line ending here ends (kerning across excluded) */
    int64_t w_next; /* ... and where the next line's first glyph starts */
    uint32_t end;   /* byte offset: end of a line that breaks here */
    uint32_t next;  /* byte offset: start of the next line */
    uint32_t ke;    /* the same two as code point indices */
    uint32_t kn;
    uint32_t s_end, s_next; /* cumulative inter-word space counts */
    int32_t extra;          /* added to a line ending here: the hyphen at a soft hyphen */
    uint32_t g_end, g_next; /* cumulative inter-character gaps (layout_gap_at), as s_end, s_next */
    uint32_t k_end, k_next; /* ... of them CJK gaps */
    int32_t pr_end;         /* margin protrusion of a line ending here: its last character's (or
                               the drawn hyphen's) share hanging past the line's end edge */
    int32_t pl_next;        /* ... and of the next line's first character at its start edge */
    int16_t pen;
    uint8_t kind;
} cand;

static int flagged(int kind) { return kind == CK_SOFT || kind == CK_HARD; }

typedef struct knode {
    int64_t dem;
    uint32_t cand, prev;
    uint8_t fit;  /* 0 very loose, 1 loose, 2 decent, 3 tight */
    uint8_t hrun; /* lines in a row ending in a hyphen up to here (0..HRUN_MAX) */
} knode;

struct layout_breaks {
    uint8_t *text, *title, *byline; /* enum text_brk per byte of es->text, es->title, es->byline */
    size_t size, nblocks;           /* the essay they were made for */
    uint32_t title_len, byline_len;
    int hint;                       /* enum text_bidi_hint from the essay's language */
};

/* Working state of one layout_essay call; buffers are reused from block to block. */
typedef struct lay {
    meas ms;
    const essay *es;
    const uint8_t *txt; /* the text being set: es->text, or its title or byline */
    const layout_params *p;
    lerr *e;
    uint32_t *cp, *off;
    uint8_t *fa; /* per code point: its face role (layout_face of the line's role and its style) */
    int32_t *wd; /* per code point: the width it adds (its advance, or with shaping its glyphs' advances) */
    int32_t *kj; /* per code point: the kerning or italic correction before it, after a visible one */
    uint32_t *gc; /* [n + 1] inter-character gaps (layout_gap_at) before code point k, cumulative */
    uint32_t *gk; /* [n + 1] the same, CJK gaps only */
    size_t cp_cap;
    const uint8_t *tb;      /* the break opportunities of txt, by byte offset (enum text_brk) */
    const layout_breaks *bk;
    cand *c, *c2;
    size_t nc, c_cap, nc2, c2_cap;
    knode *nodes;
    size_t nn, nn_cap;
    uint32_t *act;
    size_t na, act_cap;
    uint32_t *brk;
    size_t nbrk, brk_cap;
    int stacked; /* the breaks choose_breaks gave make three hyphens in a row */
    int xpm;        /* font expansion the piece being set may use, per mille (0: none) */
    int32_t pr_max; /* the largest pr_end of its candidates */
    layout_line *lines;
    size_t nl, nl_cap;
    int32_t lh[LAYOUT_NFONTS], asc[LAYOUT_NFONTS];
    sscratch ss;
    layout_result *r;
    int rtl; /* the block being set is a right-to-left paragraph (LAYOUT_LINE_RTL) */
} lay;

/* The width code point k of the decoded block adds to a line, after the code
 * point before it (*pv, 0 after a space or at the start, in face *pf):
 * spaces their natural width sw, kerning or an italic correction between
 * visible neighbours, nothing for soft hyphens and invisible characters.
 * Updates *pv and *pf. cl is text_class(L->cp[k]). */
static int64_t step_width(lay *L, uint32_t k, int cl, int32_t sw, uint32_t *pv, int *pf)
{
    uint32_t c = L->cp[k];
    int64_t w = 0;
    switch (cl) {
    case TEXT_SPACE: w = sw; *pv = 0; break;
    case TEXT_NBSP: w = fixed_space(c, sw); *pv = 0; break;
    case TEXT_ZWSP: *pv = 0; break;
    case TEXT_SHY: case TEXT_INVISIBLE: break;
    default:
        if (*pv) w += L->kj[k];
        w += L->wd[k];
        *pv = c;
        *pf = L->fa[k];
    }
    return w;
}

static int grow(lay *L, void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap) return 0;
    size_t nc = *cap ? *cap : 64;
    while (nc < need) {
        if (nc > SIZE_MAX / 2 / elem) goto oom;
        nc *= 2;
    }
    void *np = realloc(*p, nc * elem);
    if (!np) goto oom;
    *p = np;
    *cap = nc;
    return 0;
oom:
    lerr_set(L->e, "out of memory laying out the essay (%zu items of %zu bytes)", need, elem);
    return -1;
}

static cand *push_cand(lay *L, cand **arr, size_t *n, size_t *cap)
{
    if (grow(L, (void **)arr, cap, *n + 1, sizeof **arr)) return NULL;
    cand *c = &(*arr)[(*n)++];
    memset(c, 0, sizeof *c);
    return c;
}

enum { URL_NONE, URL_WHOLE, URL_BREAK };

/* Does the word holding code point k (between spaces) fit on a line? Asked
 * only at a URL's break places (TEXT_BRK_URL): a URL that fits breaks
 * there only when a line would otherwise be too loose (URL_WHOLE, at
 * URL_FIT_PEN), one that does not at URL_PEN (URL_BREAK). No hyphen is
 * drawn at either. */
static int url_mode(lay *L, int f, uint32_t k0, uint32_t k, uint32_t n, int32_t width)
{
    const uint32_t *cp = L->cp;
    uint32_t s = k, e = k;
    while (s > k0 && text_class(cp[s - 1]) != TEXT_SPACE) s--;
    while (e < n && text_class(cp[e]) != TEXT_SPACE) e++;
    int64_t w = measure_str(&L->ms, f, L->txt + L->off[s], L->off[e] - L->off[s]);
    return w <= width ? URL_WHOLE : URL_BREAK;
}

/* Is a break before code point k allowed (text_break: ALLOW or MUST)? */
static int brk_ok(const lay *L, uint32_t k) { uint8_t v = L->tb[L->off[k]]; return v == TEXT_BRK_ALLOW || v == TEXT_BRK_MUST; }

static int cjk_wide(uint32_t c)
{
    return (c >= 0x2E80 && c <= 0x312F) || (c >= 0x3190 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF) ||
           (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) || (c >= 0xFFE0 && c <= 0xFFE6) ||
           (c >= 0x20000 && c <= 0x3FFFD);
}

static int thai_cp(uint32_t c) { return c >= 0x0E01 && c <= 0x0E5B; }

/* layout_gap_at: 0 none, 1 a Thai gap, 2 a CJK gap */
static int gap_kind(uint32_t a, uint32_t b)
{
    if (!a || (a < 0x0E01 && b < 0x0E01)) return 0; /* Latin, Greek, Cyrillic, Arabic...: no gaps (fast) */
    if (cjk_wide(a) || cjk_wide(b)) return text_is_mark(b) ? 0 : 2;
    if (thai_cp(a) && thai_cp(b))
        return !text_is_mark(b) && !(b == 0x0E30 || b == 0x0E32 || b == 0x0E33 || b == 0x0E45) &&
               !(a >= 0x0E40 && a <= 0x0E44);
    return 0;
}

int layout_gap_at(uint32_t a, uint32_t b) { return gap_kind(a, b) != 0; }

/* The gaps a line from candidate ci to cj spreads its slack over (with
 * its nsp spaces): all of them when it has CJK gaps or no spaces; a Thai
 * line with spaces between its phrases stretches those, as Latin does. */
static int64_t used_gaps(const struct cand *ci, const struct cand *cj, int64_t nsp);

/* Walk the decoded code points cp[k0..n) of a block (or of one of its
 * pieces between hard breaks) once, collecting candidates into L->c at the
 * break opportunities of text_break (L->tb), with layout's own rules on
 * top (layout.h). f is the line's role (spaces are set in it); each visible
 * code point is measured in its own face L->fa[k]. */
static int build_cands(lay *L, int f, uint32_t k0, uint32_t n, int32_t width, int soft_pen)
{
    const uint32_t *cp = L->cp, *off = L->off;
    const uint8_t *fa = L->fa;
    meas *ms = &L->ms;
    int32_t sw = adv(ms, f, ' ');
    L->nc = 0;
    cand *c = push_cand(L, &L->c, &L->nc, &L->c_cap);
    if (!c) return -1;
    c->end = c->next = off[k0];
    c->ke = c->kn = k0;
    c->kind = CK_START;
    int pf = f;          /* face of pv */

    int64_t T = 0;       /* width so far */
    uint32_t S = 0;      /* inter-word spaces so far */
    uint32_t pv = 0;     /* previous visible code point in this word (kerning), 0 after a space */
    uint32_t run = 0;    /* visible glyphs since the last space */
    size_t pending = SIZE_MAX; /* candidate waiting for w_next: the next glyph's kerned start */
    int url = -1;        /* URL_WHOLE or URL_BREAK once the word's URL has been measured, -1 before */
    for (uint32_t k = k0; k < n; k++) {
        uint32_t ch = cp[k];
        int cl = text_class(ch);
        if (cl == TEXT_SPACE) url = -1;

        /* Breaks between two visible characters: after a hyphen or a dash,
         * in a long URL after / . -, between ideographs and Thai words. */
        if (cl == TEXT_VISIBLE && k > k0 && pv && pv == cp[k - 1]) {
            uint32_t p1 = cp[k - 1];
            uint8_t v = L->tb[off[k]];
            int kind = -1, pen = 0;
            if (v == TEXT_BRK_URL) {
                if (url < 0) url = url_mode(L, f, k0, k, n, width);
                kind = CK_URL, pen = url == URL_BREAK ? URL_PEN : URL_FIT_PEN;
            } else if (v == TEXT_BRK_ALLOW || v == TEXT_BRK_MUST) {
                if (p1 == '-') {
                    if (run >= 2) kind = CK_HARD, pen = HARD_PEN;
                } else if (text_is_dash(p1)) {
                    if (run >= 2 && !text_is_dash(ch)) kind = CK_DASH, pen = DASH_PEN;
                } else if (ch == 0x2014 && !cjk_wide(p1)) {
                    /* layout's old rule: an em dash stays with the word before it */
                } else {
                    kind = CK_INTER;
                    /* between ideographs or Thai words a break is as good as a space;
                       elsewhere (after '/') as after a hyphen */
                    pen = cjk_wide(p1) || cjk_wide(ch) || (thai_cp(p1) && thai_cp(ch)) ? 0 : HARD_PEN;
                }
            }
            if (kind >= 0) {
                if (!(c = push_cand(L, &L->c, &L->nc, &L->c_cap))) return -1;
                c->end = c->next = off[k];
                c->ke = c->kn = k;
                c->w_end = T;
                c->s_end = S;
                c->kind = (uint8_t)kind;
                c->pen = (int16_t)pen;
                pending = L->nc - 1;
            }
        }

        switch (cl) {
        case TEXT_SPACE:
            if (pending != SIZE_MAX) { L->c[pending].w_next = T; L->c[pending].s_next = S; pending = SIZE_MAX; }
            if (k > k0 && k + 1 < n && text_class(cp[k + 1]) != TEXT_SPACE && brk_ok(L, k + 1)) {
                if (!(c = push_cand(L, &L->c, &L->nc, &L->c_cap))) return -1;
                c->end = off[k];
                c->next = off[k + 1];
                c->ke = k;
                c->kn = k + 1;
                c->w_end = T;
                c->w_next = T + sw;
                c->s_end = S;
                c->s_next = S + 1;
                c->kind = CK_SPACE;
                /* A spaced dash had better end a line than start one. */
                if (text_is_dash(cp[k + 1]) && (k + 2 == n || text_class(cp[k + 2]) == TEXT_SPACE)) c->pen = DASH_START_PEN;
            }
            T += sw;
            S++;
            pv = 0;
            run = 0;
            break;
        case TEXT_NBSP:
            if (pending != SIZE_MAX) { L->c[pending].w_next = T; L->c[pending].s_next = S; pending = SIZE_MAX; }
            T += fixed_space(ch, sw);
            pv = 0;
            run = 0;
            break;
        case TEXT_SHY:
            if (pv && !text_no_line_end(pv) && pending == SIZE_MAX && k + 1 < n &&
                text_class(cp[k + 1]) == TEXT_VISIBLE && !text_closing_at(cp, k + 1) && brk_ok(L, k + 1)) {
                if (!(c = push_cand(L, &L->c, &L->nc, &L->c_cap))) return -1;
                c->end = c->next = off[k + 1]; /* the soft hyphen stays on the line it ends */
                c->ke = c->kn = k + 1;
                c->w_end = T;
                c->s_end = S;
                c->extra = (int32_t)(kern(ms, pf, pv, '-') + adv(ms, pf, '-'));
                c->kind = CK_SOFT;
                c->pen = (int16_t)soft_pen;
                pending = L->nc - 1;
            }
            break;
        case TEXT_ZWSP:
            if (pending != SIZE_MAX) { L->c[pending].w_next = T; L->c[pending].s_next = S; pending = SIZE_MAX; }
            if (pv && k + 1 < n && text_class(cp[k + 1]) == TEXT_VISIBLE && !text_closing_at(cp, k + 1) &&
                brk_ok(L, k + 1)) {
                if (!(c = push_cand(L, &L->c, &L->nc, &L->c_cap))) return -1;
                c->end = c->next = off[k + 1]; /* like a soft hyphen, it stays on its line */
                c->ke = c->kn = k + 1;
                c->w_end = c->w_next = T;
                c->s_end = c->s_next = S;
                c->kind = CK_ZW;
            }
            pv = 0;
            run = 0;
            break;
        case TEXT_INVISIBLE:
            break;
        default:
            if (pv) T += L->kj[k];
            if (pending != SIZE_MAX) { L->c[pending].w_next = T; L->c[pending].s_next = S; pending = SIZE_MAX; }
            T += L->wd[k];
            pv = ch;
            pf = fa[k];
            run++;
        }
    }
    if (pending != SIZE_MAX) { L->c[pending].w_next = T; L->c[pending].s_next = S; }
    if (!(c = push_cand(L, &L->c, &L->nc, &L->c_cap))) return -1;
    c->end = c->next = off[n];
    c->ke = c->kn = n;
    c->w_end = c->w_next = T;
    c->s_end = c->s_next = S;
    c->kind = CK_END;
    return 0;
}

/* A stretch between two candidates wider than the line (a long word, or a
 * URL piece) gets extra candidates between its letters, placed greedily so
 * each piece fills a line: the word is split rather than overflowing. */
static int split_long(lay *L, int f, int32_t width)
{
    size_t i;
    for (i = 1; i < L->nc; i++)
        if (L->c[i].w_end + L->c[i].extra - L->c[i - 1].w_next > width) break;
    if (i == L->nc) return 0;

    meas *ms = &L->ms;
    const uint32_t *cp = L->cp, *off = L->off;
    int32_t sw = adv(ms, f, ' ');
    L->nc2 = 0;
    cand *o = push_cand(L, &L->c2, &L->nc2, &L->c2_cap);
    if (!o) return -1;
    *o = L->c[0];
    for (i = 1; i < L->nc; i++) {
        const cand a = L->c[i - 1], z = L->c[i];
        if (z.w_end + z.extra - a.w_next > width) {
            int64_t T = a.w_next, line0 = a.w_next;
            uint32_t S = a.s_next, pv = 0;
            int pf = f;
            cand first, last;
            int has_first = 0, has_last = 0;
            for (uint32_t k = a.kn; k < z.ke; k++) {
                uint32_t ch = cp[k];
                int cl = text_class(ch);
                if (cl == TEXT_VISIBLE || cl == TEXT_SPACE) {
                    cand s = {0};
                    int ok = 0;
                    if (cl == TEXT_VISIBLE && pv && k > a.kn) {
                        s.end = s.next = off[k];
                        s.ke = s.kn = k;
                        s.w_end = T;
                        s.w_next = T + L->kj[k];
                        s.s_end = s.s_next = S;
                        s.kind = CK_SPLIT;
                        s.pen = SPLIT_PEN;
                        ok = 1;
                    } else if (cl == TEXT_SPACE && k > a.kn && k + 1 < z.ke) {
                        s.end = off[k];
                        s.next = off[k + 1];
                        s.ke = k;
                        s.kn = k + 1;
                        s.w_end = T;
                        s.w_next = T + sw;
                        s.s_end = S;
                        s.s_next = S + 1;
                        s.kind = CK_SPACE;
                        ok = 1;
                    }
                    if (ok) {
                        if (!has_first) first = s, has_first = 1;
                        if (s.w_end - line0 <= width) last = s, has_last = 1;
                    }
                }
                T += step_width(L, k, cl, sw, &pv, &pf);
                if (cl == TEXT_SPACE) S++;
                int64_t w = T - line0 + (k + 1 == z.ke ? z.extra : 0);
                if (w > width && (has_last || has_first)) {
                    cand *pick = has_last ? &last : &first;
                    if (!(o = push_cand(L, &L->c2, &L->nc2, &L->c2_cap))) return -1;
                    *o = *pick;
                    line0 = pick->w_next;
                    has_first = has_last = 0;
                }
            }
        }
        if (!(o = push_cand(L, &L->c2, &L->nc2, &L->c2_cap))) return -1;
        *o = z;
    }
    /* swap the arrays */
    cand *t = L->c; L->c = L->c2; L->c2 = t;
    size_t tc = L->c_cap; L->c_cap = L->c2_cap; L->c2_cap = tc;
    L->nc = L->nc2;
    return 0;
}

/* The inter-character gaps of each candidate (L->gc): a line from i to j
 * has c[j].g_end - c[i].g_next of them; the gap before the line's first
 * visible character is not one (the walks start a line with no code point
 * before it). */
static void cand_gaps(lay *L, uint32_t n)
{
    for (size_t i = 0; i < L->nc; i++) {
        cand *c = &L->c[i];
        uint32_t q = c->kn;
        while (q < n && (text_class(L->cp[q]) == TEXT_INVISIBLE || text_class(L->cp[q]) == TEXT_SHY)) q++;
        int vis = q < n && text_class(L->cp[q]) == TEXT_VISIBLE;
        c->g_end = L->gc[c->ke];
        c->g_next = L->gc[c->kn] + (vis ? L->gc[q + 1] - L->gc[q] : 0);
        c->k_end = L->gk[c->ke];
        c->k_next = L->gk[c->kn] + (vis ? L->gk[q + 1] - L->gk[q] : 0);
    }
}

static int64_t used_gaps(const cand *ci, const cand *cj, int64_t nsp)
{
    int64_t ng = (int64_t)cj->g_end - (int64_t)ci->g_next, nk = (int64_t)cj->k_end - (int64_t)ci->k_next;
    return ng > 0 && (nsp == 0 || nk > 0) ? ng : 0;
}

/* ---- margin protrusion --------------------------------------------------------
 *
 * How much of a character may hang into the margin, per mille of its
 * advance, at the start edge of a line (start = 1) or at its end edge:
 * Hàn Thế Thành's factors as pdfTeX's microtype package sets them by
 * default, for the punctuation and the few letters whose shape leaves a
 * visible notch at a justified edge. The end factor of a right-to-left
 * line's last character applies at its left edge, and so on: the edges are
 * logical. */
static int prot_factor(uint32_t c, int start)
{
    switch (c) {
    case '.': case ',': case 0x3001: case 0x3002: case 0x060C: case 0x06D4: return start ? 0 : 700;
    case '-': case 0x2010: case 0x2011: case 0x00AD: return start ? 0 : 700;
    case ':': case ';': return start ? 0 : 500;
    case '!': case '?': return start ? 0 : 200;
    case 0x2013: return 200;                         /* en dash */
    case 0x2014: case 0x2015: return 150;            /* em dash, quotation dash */
    case 0x2018: case 0x2019: case 0x201A: case 0x201B: case '\'': return 700;
    case 0x201C: case 0x201D: case 0x201E: case 0x201F: case '"': return 500;
    case 0x00AB: case 0x00BB: case 0x2039: case 0x203A: return 300; /* guillemets */
    case '(': case '[': return start ? 50 : 0;
    case ')': case ']': return start ? 0 : 50;
    case 'A': case 'T': case 'V': case 'W': case 'X': case 'Y': case 'v': case 'w': case 'y': return 50;
    case 'F': case 'K': case 'L': case 'k': case 'r': return start ? 0 : 50;
    case 't': return start ? 0 : 70;
    case 'J': return start ? 50 : 0;
    default: return 0;
    }
}

/* pr_end and pl_next of every candidate of the piece (code points k0..n),
 * from each edge's visible character and its width (L->wd); the hyphen a
 * soft hyphen draws hangs as '-' does. */
static void cand_protrude(lay *L, uint32_t k0, uint32_t n)
{
    L->pr_max = 0;
    for (size_t i = 0; i < L->nc; i++) {
        cand *c = &L->c[i];
        c->pr_end = c->pl_next = 0;
        if (c->kind == CK_SOFT) {
            c->pr_end = (int32_t)((int64_t)c->extra * prot_factor('-', 0) / 1000);
        } else {
            uint32_t q = c->ke;
            while (q > k0 && text_class(L->cp[q - 1]) != TEXT_VISIBLE) q--;
            if (q > k0 && q <= c->ke) c->pr_end = (int32_t)((int64_t)L->wd[q - 1] * prot_factor(L->cp[q - 1], 0) / 1000);
        }
        uint32_t q = c->kn;
        while (q < n && text_class(L->cp[q]) != TEXT_VISIBLE && text_class(L->cp[q]) != TEXT_SPACE) q++;
        if (q < n && text_class(L->cp[q]) == TEXT_VISIBLE)
            c->pl_next = (int32_t)((int64_t)L->wd[q] * prot_factor(L->cp[q], 1) / 1000);
        if (c->pr_end < 0) c->pr_end = 0;
        if (c->pl_next < 0) c->pl_next = 0;
        if (c->pr_end > L->pr_max) L->pr_max = c->pr_end;
    }
}

/* ---- the dynamic program -------------------------------------------------- */

/* TeX's badness, 100 r^3, from the excess t over the available stretch or
 * shrink s; in integers so that the host and the Pi agree. Unlike TeX's it
 * keeps growing up to r = 100, so that of two very loose lines the fuller
 * one still wins. */
static int64_t badness(int64_t t, int64_t s)
{
    if (t <= 0) return 0;
    if (s <= 0 || t > s * 100) return BAD_MAX;
    int64_t q = t * 1024 / s; /* r in 1/1024, <= 102400 */
    int64_t b = (100 * q * q * q) >> 30;
    return b > BAD_MAX ? BAD_MAX : b;
}

/* TeX's (linepenalty + badness)^2, continued linearly beyond badness
 * 10,000 (r ~ 4.6) so that a line's demerits stay below ~2e12. */
static int64_t line_demerits(int64_t b)
{
    if (b <= 10000) return (LINE_PEN + b) * (LINE_PEN + b);
    return (int64_t)(LINE_PEN + 10000) * (LINE_PEN + 10000) + (b - 10000) * 2 * (LINE_PEN + 10000);
}

static int64_t sat_add(int64_t a, int64_t b) { return a > DEM_MAX - b ? DEM_MAX : a + b; }

static int push_node(lay *L, int64_t dem, uint32_t cand_i, uint32_t prev, int fit, int hrun)
{
    if (L->nn >= UINT32_MAX - 1) {
        lerr_set(L->e, "paragraph too large to lay out");
        return -1;
    }
    if (grow(L, (void **)&L->nodes, &L->nn_cap, L->nn + 1, sizeof *L->nodes)) return -1;
    if (grow(L, (void **)&L->act, &L->act_cap, L->na + 1, sizeof *L->act)) return -1;
    L->nodes[L->nn] = (knode){dem, cand_i, prev, (uint8_t)fit, (uint8_t)hrun};
    L->act[L->na++] = (uint32_t)L->nn++;
    return 0;
}

/* Choose the breaks of L->c[0..nc): fills L->brk with candidate indices,
 * from 0 to nc-1, and returns 1.
 *
 * strict: consider only lines within 1.5x (TeX's first pass, with a
 * tolerance): few nodes, fast, and when it reaches the end its answer is
 * the full program's, since any setting with a line beyond 1.5x costs more
 * (DEM_OVER). Returns 0 when no such setting exists. Otherwise every line
 * that fits is considered, and an overfull one when nothing else reaches
 * a break, so the end is always reached. -1: out of memory. */
static int choose_breaks(lay *L, int32_t width, int ragged, int32_t sw, int strict)
{
    const cand *c = L->c;
    size_t nc = L->nc;
    int64_t st = sw / 2 > 0 ? sw / 2 : 1; /* stretch per space: 1.5x at r = 1 */
    int64_t sh = ragged ? 0 : sw / 3;     /* shrink per space */
    int64_t gst = st / 2 > 0 ? st / 2 : 1; /* stretch per inter-character gap (they do not shrink) */
    int64_t rag = 3 * (int64_t)(sw > 0 ? sw : 64);
    const int64_t INF = INT64_MAX;
    int xpm = ragged ? 0 : L->xpm;

    L->nn = L->na = 0;
    if (push_node(L, 0, 0, NONE, 2, 0)) return -1;
    for (size_t j = 1; j < nc; j++) {
        const cand *cj = &c[j];
        int last = j + 1 == nc, hy = flagged(cj->kind);
        /* the best way here per fitness class and hyphen run */
        int64_t best[4][HRUN_MAX + 1];
        uint32_t bprev[4][HRUN_MAX + 1];
        for (int k = 0; k < 4; k++)
            for (int h = 0; h <= HRUN_MAX; h++) best[k][h] = INF, bprev[k][h] = NONE;
        uint32_t rescue = NONE;
        size_t keep = 0;
        for (size_t a = 0; a < L->na; a++) {
            uint32_t ni = L->act[a];
            const knode *nd = &L->nodes[ni];
            const cand *ci = &c[nd->cand];
            int64_t nat = cj->w_end - ci->w_next;
            int64_t nsp = (int64_t)cj->s_end - (int64_t)ci->s_next;
            if (nsp < 0) nsp = 0;
            /* expansion's share of the fit: the line drawn up to xpm per
             * mille wider or narrower; protrusion widens the line by what
             * hangs at its two edges (the end's bounded by pr_max) */
            int64_t esh = xpm ? nat * xpm / 1000 : 0;
            int64_t wl = ragged ? width : (int64_t)width + ci->pl_next + cj->pr_end;
            if (nat - nsp * sh - esh > (ragged ? width : (int64_t)width + ci->pl_next + L->pr_max)) {
                /* Overfull now and for every later j: retire the node. */
                if (rescue == NONE || nd->cand > L->nodes[rescue].cand ||
                    (nd->cand == L->nodes[rescue].cand && nd->dem < L->nodes[rescue].dem))
                    rescue = ni;
                continue;
            }
            L->act[keep++] = ni;
            int64_t w = nat + cj->extra, b;
            int fit;
            int64_t over = 0; /* tenths of the normal space beyond 1.5x, started */
            int64_t ng0 = used_gaps(ci, cj, nsp);
            if (ng0) esh = 0; /* a line justified over gaps (CJK, Thai) keeps its glyphs' widths */
            if (w > wl) {
                int64_t x = w - wl;
                if (x > nsp * sh + esh) continue;
                b = badness(x, nsp * sh + esh);
                fit = b > 12 ? 3 : 2;
            } else if (last) {
                b = 0;
                fit = 2;
            } else {
                int64_t slack = wl - w;
                if (ragged) {
                    b = badness(slack, rag);
                    fit = 2;
                } else {
                    /* A line without spaces or gaps is costed as if it had
                     * one space: it cannot stretch, and shows its slack at
                     * the end. Gaps stretch by a quarter space each. */
                    int64_t ng = ng0;
                    int64_t n1 = nsp + ng > 0 ? nsp + ng : 1;
                    int64_t stretch = (nsp + ng > 0 ? nsp * st + ng * gst : st) + (ng ? 0 : w * xpm / 1000);
                    if (slack > stretch) {
                        int64_t u = 1 + (slack - stretch) * 10 / (n1 * (sw > 0 ? sw : 1));
                        over = u > OVER_UNITS_MAX ? OVER_UNITS_MAX : u;
                    }
                    if (over && strict) {
                        /* Nodes further on give shorter lines, all too loose too. */
                        for (size_t a2 = a + 1; a2 < L->na; a2++) L->act[keep++] = L->act[a2];
                        break;
                    }
                    b = badness(slack, stretch);
                    fit = b > 99 ? 0 : b > 12 ? 1 : 2;
                }
            }
            if (ragged) fit = 2;
            int64_t d = line_demerits(b) + (int64_t)cj->pen * cj->pen;
            if (flagged(ci->kind) && flagged(cj->kind)) d += DEM_DOUBLE_HYPHEN;
            if (last && flagged(ci->kind)) d += DEM_FINAL_HYPHEN;
            d += over * DEM_OVER;
            if (last && w > wl) d += DEM_LAST_SHRINK;
            if (fit - nd->fit > 1 || nd->fit - fit > 1) d += DEM_ADJ;
            int h = hy ? (nd->hrun < HRUN_MAX ? nd->hrun + 1 : HRUN_MAX) : 0;
            if (h >= 3) d += DEM_STACK;
            int64_t tot = sat_add(nd->dem, d);
            if (tot < best[fit][h]) {
                best[fit][h] = tot;
                bprev[fit][h] = ni;
            }
        }
        L->na = keep;
        int made = 0;
        /* A way here worse by more than DEM_ADJ than another with no longer
         * a hyphen run can never win later; a longer run may (it risks a
         * stack that the other does not). */
        for (int h = 0; h <= HRUN_MAX; h++) {
            int64_t minb = INF;
            for (int h2 = 0; h2 <= h; h2++)
                for (int k = 0; k < 4; k++)
                    if (best[k][h2] < minb) minb = best[k][h2];
            for (int k = 0; k < 4 && minb < INF; k++) {
                if (best[k][h] == INF || best[k][h] > sat_add(minb, DEM_ADJ)) continue;
                if (push_node(L, best[k][h], (uint32_t)j, bprev[k][h], k, h)) return -1;
                made++;
            }
        }
        if (!made && L->na == 0 && strict) return 0;
        if (!made && L->na == 0 && rescue != NONE) {
            if (push_node(L, sat_add(L->nodes[rescue].dem, DEM_RESCUE), (uint32_t)j, rescue, 2, 0)) return -1;
        }
        if (L->na > ACTIVE_MAX) {
            size_t drop = L->na - ACTIVE_MAX;
            memmove(L->act, L->act + drop, ACTIVE_MAX * sizeof *L->act);
            L->na = ACTIVE_MAX;
        }
    }
    uint32_t fin = NONE;
    for (size_t a = 0; a < L->na; a++) {
        uint32_t ni = L->act[a];
        if (L->nodes[ni].cand == nc - 1 && (fin == NONE || L->nodes[ni].dem < L->nodes[fin].dem)) fin = ni;
    }
    if (fin == NONE && strict) return 0;
    if (fin == NONE) fin = (uint32_t)(L->nn - 1); /* cannot happen: the rescue always reaches the end */
    size_t nb = 0;
    for (uint32_t ni = fin; ni != NONE; ni = L->nodes[ni].prev) nb++;
    if (grow(L, (void **)&L->brk, &L->brk_cap, nb + 1, sizeof *L->brk)) return -1;
    L->nbrk = nb;
    L->stacked = 0;
    for (uint32_t ni = fin; ni != NONE; ni = L->nodes[ni].prev) {
        L->brk[--nb] = L->nodes[ni].cand;
        if (L->nodes[ni].hrun >= 3) L->stacked = 1;
    }
    if (L->nodes[fin].cand != nc - 1) L->brk[L->nbrk++] = (uint32_t)(nc - 1);
    return 1;
}

/* ---- blocks into lines ---------------------------------------------------- */

static layout_line *push_line(lay *L)
{
    if (grow(L, (void **)&L->lines, &L->nl_cap, L->nl + 1, sizeof *L->lines)) return NULL;
    layout_line *ln = &L->lines[L->nl++];
    memset(ln, 0, sizeof *ln);
    return ln;
}

static int32_t clamp32(int64_t v) { return v > INT32_MAX ? INT32_MAX : v < INT32_MIN ? INT32_MIN : (int32_t)v; }

static int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

static const uint8_t SEP_TEXT[] = "* * *";

static int64_t shaped_width(const layout_metrics *m, const essay *es, const uint8_t *s, const layout_line *ln,
                            sscratch *ss);

/* Whether the breaks choose_breaks gave (L->brk) stretch a non-last line
 * with spaces beyond LAYOUT_RAGGED_ABOVE times the normal space sw, as
 * set_piece would set it (widths before any reshaping of a line's edges). */
static int too_loose(const lay *L, int32_t width, int32_t sw)
{
    for (size_t q = 1; q + 1 < L->nbrk; q++) {
        const cand *ci = &L->c[L->brk[q - 1]], *cj = &L->c[L->brk[q]];
        int64_t nsp = (int64_t)cj->s_end - (int64_t)ci->s_next;
        if (nsp <= 0) continue;
        int64_t w = cj->w_end - ci->w_next + cj->extra;
        int64_t slack = (int64_t)width + ci->pl_next + cj->pr_end - w;
        if (!used_gaps(ci, cj, nsp)) slack -= w * L->xpm / 1000; /* expansion takes its share first */
        if ((double)slack > nsp * (LAYOUT_RAGGED_ABOVE - 1.0) * sw) return 1;
    }
    return 0;
}

/* Set code points k0..k1 of block bi (the whole block, or a piece that
 * ends at a hard break) in role f at x in width: Knuth–Plass, then lines.
 * final: the piece ends the block; first: its first line gets the label. */
static int set_piece(lay *L, uint32_t bi, int f, uint32_t k0, uint32_t k1, int32_t x, int32_t width, int ragged,
                     int soft_pen, int final, int first)
{
    const essay *es = L->es;
    int kind = bi < es->nblocks ? es->blocks[bi].kind : -1;
    layout_result *r = L->r;
    meas *ms = &L->ms;
    if (build_cands(L, f, k0, k1, width, soft_pen)) return -1;
    if (split_long(L, f, width)) return -1;
    cand_gaps(L, k1);
    int prot = !ragged && L->p->protrude;
    L->xpm = ragged || L->p->expand <= 0 ? 0 : L->p->expand > 100 ? 100 : L->p->expand;
    if (prot) {
        cand_protrude(L, k0, k1);
        /* a list item's first line: its label hangs there already */
        if (first && (kind == ESSAY_LIST || kind == ESSAY_NOTE)) L->c[0].pl_next = 0;
    } else {
        for (size_t i = 0; i < L->nc; i++) L->c[i].pl_next = L->c[i].pr_end = 0;
        L->pr_max = 0;
    }
    int32_t sw = adv(ms, f, ' ');
    int got = ragged ? 0 : choose_breaks(L, width, 0, sw, 1);
    if (got == 1 && L->stacked) got = 0; /* a line beyond 1.5x may cost less than the stack */
    if (got < 0 || (!got && choose_breaks(L, width, ragged, sw, 0) < 0)) return -1;
    int rag_all = !ragged && sw > 0 && too_loose(L, width, sw);
    if (rag_all) {
        /* no justified setting within LAYOUT_RAGGED_ABOVE: ragged-right,
         * by the ragged program's own costs, rather than rivers */
        if (choose_breaks(L, width, 1, sw, 0) < 0) return -1;
        ragged = 1;
        r->ragged_paras++;
    }
    int xpm = ragged ? 0 : L->xpm;

    int64_t sh = ragged ? 0 : sw / 3, st = sw / 2 > 0 ? sw / 2 : 1;
    size_t first_line = L->nl;
    for (size_t q = 1; q < L->nbrk; q++) {
        const cand *ci = &L->c[L->brk[q - 1]], *cj = &L->c[L->brk[q]];
        layout_line *ln = push_line(L);
        if (!ln) return -1;
        int64_t w = cj->w_end - ci->w_next + cj->extra;
        int64_t nsp = (int64_t)cj->s_end - (int64_t)ci->s_next;
        if (nsp < 0) nsp = 0;
        int64_t ngp = used_gaps(ci, cj, nsp);
        int last = q + 1 == L->nbrk;
        ln->block = bi;
        ln->start = ci->next;
        ln->end = cj->end;
        ln->x = x;
        ln->width = clamp32(w);
        ln->measure = width;
        ln->font = (uint8_t)f;
        if (last) ln->flags |= final ? LAYOUT_LINE_LAST : LAYOUT_LINE_HARD;
        if (cj->kind == CK_SOFT) {
            ln->flags |= LAYOUT_LINE_HYPHEN;
            r->hyphenated++;
        }
        if (q == 1 && first && (kind == ESSAY_LIST || kind == ESSAY_NOTE)) ln->flags |= LAYOUT_LINE_LABEL;
        /* A line that starts or ends inside a word (a soft hyphen, after a
         * dash, a split word) is measured as it is drawn: the pieces at its
         * edges shaped on their own. Between spaces the block's segments
         * are the line's, and so is its width. */
        int inside = (ci->kind != CK_START && ci->kind != CK_SPACE) || (cj->kind != CK_END && cj->kind != CK_SPACE);
        /* and so is a line with right-to-left text: its bidi runs shaped each on its own */
        if (L->rtl) ln->flags |= LAYOUT_LINE_RTL;
        if (ms->m->shape && !inside) {
            text_bidi_para bp = {0};
            if (text_bidi_analyse(L->txt + ln->start, ln->end - ln->start, L->rtl ? TEXT_BIDI_RTL : TEXT_BIDI_LTR,
                                  &bp, NULL) == 0 &&
                !(bp.uniform && bp.base == 0))
                inside = 1;
            text_bidi_free(&bp);
        }
        if (ms->m->shape && inside) {
            w = shaped_width(ms->m, es, L->txt, ln, &L->ss);
            ln->width = clamp32(w);
        }

        /* what hangs: at the start edge in any line of a justified
         * paragraph (set ragged or not), at the end edge of a filled one */
        int hang = prot && !ragged;
        int32_t pl = prot ? ci->pl_next : 0, pr = hang ? cj->pr_end : 0;
        int64_t fillw = (int64_t)width + pl + pr; /* a filled line spans the measure and what hangs */
        int64_t slack = fillw - w, dw;
        int filled = 0;
        if (rag_all && !last) {
            ln->flags |= LAYOUT_LINE_RAGGED;
            r->ragged++;
            r->justified++;
        }
        if (ragged || (last && slack >= 0)) goto place;
        /* a line without spaces spreads its slack over its gaps, if it has
         * any; without either only expansion can fill it (or narrow it to
         * fit, as choose_breaks allowed), by whole steps that never pass
         * the measure */
        if (nsp + ngp == 0) {
            if (xpm && w > 0 && slack != 0) {
                int64_t need = slack > 0 ? slack : -slack, pm = (need * 1000 + w - 1) / w;
                if (slack > 0) pm = need * 1000 / w;
                pm = slack > 0 ? pm / LAYOUT_EXPAND_STEP * LAYOUT_EXPAND_STEP
                               : (pm + LAYOUT_EXPAND_STEP - 1) / LAYOUT_EXPAND_STEP * LAYOUT_EXPAND_STEP;
                if (pm > xpm) pm = xpm / LAYOUT_EXPAND_STEP * LAYOUT_EXPAND_STEP;
                int e = (int)(slack > 0 ? pm : -pm);
                if (e) {
                    ln->expand = (int8_t)e;
                    slack = fillw - w * (1000 + e) / 1000;
                    if (slack < 0) slack = 0;
                }
                if (slack == 0) filled = 1;
            }
            if (!last && slack > 0) {
                ln->flags |= LAYOUT_LINE_RAGGED;
                r->ragged++;
            }
            goto place;
        }
        int64_t nsp0 = nsp;
        nsp += ngp; /* the walks give space_extra to spaces and gaps alike */
        int e = 0;
        if (xpm && !ngp && slack != 0) {
            /* expansion takes its share of the slack in proportion to its
             * stretch (or shrink) beside the spaces', as choose_breaks
             * counted it, rounded to a step of the glyph atlas */
            int64_t est = w * xpm / 1000, sst = slack > 0 ? nsp * st : nsp * sh;
            int64_t need = slack > 0 ? slack : -slack, tot = est + sst;
            int64_t pm = tot <= 0 ? 0 : need >= tot ? xpm : (int64_t)xpm * need / tot;
            pm = (pm + LAYOUT_EXPAND_STEP / 2) / LAYOUT_EXPAND_STEP * LAYOUT_EXPAND_STEP;
            if (pm > xpm) pm = xpm / LAYOUT_EXPAND_STEP * LAYOUT_EXPAND_STEP;
            e = (int)(slack > 0 ? pm : -pm);
            /* a step more where the spaces could not take the rest (rounded down past their shrink) */
            while (slack < 0 && -e + LAYOUT_EXPAND_STEP <= xpm &&
                   (fillw * 1000 + (1000 + e) / 2) / (1000 + e) - w < -nsp * sh)
                e -= LAYOUT_EXPAND_STEP;
        }
        if (e) {
            /* the walks set the line in its own units; drawn (1000 + e)/1000 as wide it fills fillw */
            slack = (fillw * 1000 + (1000 + e) / 2) / (1000 + e) - w;
            ln->expand = (int8_t)e;
        }
        if (!last && slack > nsp * (int64_t)((LAYOUT_MAX_STRETCH - 1.0) * sw)) {
            ln->flags |= LAYOUT_LINE_RAGGED;
            ln->expand = 0;
            r->ragged++;
            r->over_1_5++;
            r->justified++;
            goto place;
        }
        int64_t ex, rem;
        if (slack < -nsp * sh) {
            ex = -sh; /* overfull even fully shrunk: only a rescued line */
            rem = 0;
        } else {
            ex = floor_div(slack, nsp);
            rem = slack - ex * nsp;
        }
        ln->space_extra = (int32_t)ex;
        ln->space_rem = (uint16_t)(rem > UINT16_MAX ? UINT16_MAX : rem);
        if (nsp > nsp0) ln->flags |= LAYOUT_LINE_GAPS;
        filled = 1;
        if (!last && sw > 0) {
            /* the space as drawn: with the line's expansion */
            r->justified++;
            int64_t largest = (sw + ex + (rem > 0)) * (1000 + ln->expand);
            double ratio = (double)largest / 1000.0 / sw;
            if (ratio > r->max_stretch) r->max_stretch = ratio;
            if (2 * largest > 3000 * (int64_t)sw) r->over_1_5++;
        }
    place:
        /* What hangs into the margins. Right to left, the line's start is
         * its right edge: a line not filled is set flush right, and what
         * hangs at its start hangs out on the right. */
        /* a line not filled is as wide as drawn: expanded by whole steps
         * when it has no spaces */
        dw = ln->expand ? (w * (1000 + ln->expand) + 500) / 1000 : w;
        if (!L->rtl) {
            ln->hang_l = (int16_t)pl;
            ln->hang_r = (int16_t)(filled ? pr : 0);
            /* a line not filled (a last line, or one without spaces) that
             * reaches past the measure only by what may hang at its end,
             * as choose_breaks or the expansion let it: it hangs that much */
            if (!filled && hang && dw - pl > width) ln->hang_r = (int16_t)(dw - pl - width <= pr ? dw - pl - width : pr);
        } else if (filled) {
            ln->hang_l = (int16_t)pr;
            ln->hang_r = (int16_t)pl;
        } else if (dw <= width) {
            ln->x = x + (int32_t)(width - dw);
            ln->hang_l = (int16_t)-pl;
        } else if (hang && dw - width - pl <= pr) {
            ln->hang_l = (int16_t)(dw - width - pl); /* fits only with what hangs: flush right, hanging */
        }
        if (ln->expand) r->expanded++;
        if (ln->hang_l || ln->hang_r) r->protruded++;
    }
    /* Right to left: every line flagged. */
    for (size_t q = first_line; L->rtl && q < L->nl; q++) L->lines[q].flags |= LAYOUT_LINE_RTL;
    return 0;
}

/* A code line, verbatim in role f: broken only where it is wider than the
 * measure, before the character that would pass it less the width of the
 * continuation mark, which the broken line then draws at its right end. */
static int64_t code_w(meas *ms, const lay *L, int f, uint32_t k, uint32_t pv, int32_t sw)
{
    uint32_t c = L->cp[k];
    int cl = text_class(c);
    if (cl == TEXT_SPACE) return sw;
    if (cl == TEXT_NBSP) return fixed_space(c, sw);
    if (cl != TEXT_VISIBLE) return 0;
    (void)ms;
    (void)f;
    return L->wd[k] + (pv ? L->kj[k] : 0);
}

static int set_code(lay *L, uint32_t bi, int f, uint32_t n, int32_t x, int32_t width)
{
    meas *ms = &L->ms;
    const uint32_t *cp = L->cp, *off = L->off;
    int64_t mark = measure_str(ms, f, (const uint8_t *)LAYOUT_CONT_MARK, sizeof LAYOUT_CONT_MARK - 1);
    int32_t sw = adv(ms, f, ' ');
    uint32_t k = 0;
    do {
        uint32_t k0 = k, pv = 0;
        int64_t T = 0;
        int cont = 0;
        for (; k < n; k++) {
            int64_t w = code_w(ms, L, f, k, pv, sw);
            if (k > k0 && w > 0 && T + w + mark > width) {
                /* the rest of the line may still fit without a mark */
                int64_t rest = T;
                uint32_t q = k, pq = pv;
                for (; q < n && rest <= width; q++) {
                    rest += code_w(ms, L, f, q, pq, sw);
                    pq = text_class(cp[q]) == TEXT_VISIBLE ? cp[q] : 0;
                }
                if (rest > width) {
                    cont = 1;
                    break;
                }
            }
            T += w;
            pv = text_class(cp[k]) == TEXT_VISIBLE ? cp[k] : 0;
        }
        layout_line *ln = push_line(L);
        if (!ln) return -1;
        ln->block = bi;
        ln->start = off[k0];
        ln->end = off[k];
        ln->x = x;
        ln->width = clamp32(T + (cont ? mark : 0));
        ln->measure = width;
        ln->font = (uint8_t)f;
        ln->flags = cont ? LAYOUT_LINE_CONT : LAYOUT_LINE_LAST;
    } while (k < n);
    return 0;
}

/* The width of each decoded code point (L->wd) and the kerning or italic
 * correction before it after a visible code point (L->kj), as the walks
 * below add them: from m->advance and m->kern, or with shaping from the
 * block's segments (kerning is then in the advances; only the italic
 * correction between faces is added). */
static void measure_cps(lay *L, const uint8_t *text, size_t n)
{
    meas *ms = &L->ms;
    const layout_metrics *m = ms->m;
    uint32_t pv = 0;
    int pf = LAYOUT_BODY;
    for (size_t k = 0; k < n;) {
        uint32_t c = L->cp[k];
        int cl = text_class(c);
        if (m->shape && seg_char(c, cl)) {
            size_t j = k + 1;
            while (j < n && L->fa[j] == L->fa[k] && seg_char(L->cp[j], text_class(L->cp[j]))) j++;
            const layout_glyph *g;
            size_t ng, hf;
            int32_t hyw;
            shape_seg(m, L->fa[k], text, L->cp + k, L->off + k, j - k, 0, 0, &L->ss, L->wd + k, &g, &ng, &hyw, &hf);
            for (size_t q = k; q < j; q++) L->kj[q] = 0;
            if (pv && pf != L->fa[k]) L->kj[k] = join(ms, pf, pv, L->fa[k], c);
            for (size_t q = k; q < j; q++)
                if (text_class(L->cp[q]) == TEXT_VISIBLE) pv = L->cp[q];
            pf = L->fa[k];
            k = j;
            continue;
        }
        L->wd[k] = L->kj[k] = 0;
        switch (cl) {
        case TEXT_SPACE: case TEXT_NBSP: case TEXT_ZWSP: pv = 0; break;
        case TEXT_SHY: case TEXT_INVISIBLE: break;
        default:
            if (pv) L->kj[k] = join(ms, pf, pv, L->fa[k], c);
            L->wd[k] = adv(ms, L->fa[k], c);
            pv = c;
            pf = L->fa[k];
        }
        k++;
    }
}

/* Decode text[start..start+len) into L->cp, with each code point's byte
 * offset (L->off, from text) and face (L->fa: role f with the spans of
 * block bi); *n code points, L->off[*n] the end. */
static int decode(lay *L, const uint8_t *text, uint32_t start, uint32_t len, int f, uint32_t bi, size_t *n_out)
{
    size_t n = 0;
    if (grow(L, (void **)&L->cp, &L->cp_cap, (size_t)len + 1, sizeof *L->cp)) return -1;
    {
        uint32_t *ob = L->off;
        uint8_t *ofa = L->fa;
        size_t cap = L->cp_cap;
        L->off = realloc(ob, cap * sizeof *L->off);
        if (!L->off) {
            L->off = ob;
            lerr_set(L->e, "out of memory laying out essay block %u", bi);
            return -1;
        }
        L->fa = realloc(ofa, cap * sizeof *L->fa);
        if (!L->fa) {
            L->fa = ofa;
            lerr_set(L->e, "out of memory laying out essay block %u", bi);
            return -1;
        }
        int32_t *ow = L->wd, *ok = L->kj;
        L->wd = realloc(ow, cap * sizeof *L->wd);
        if (!L->wd) {
            L->wd = ow;
            lerr_set(L->e, "out of memory laying out essay block %u", bi);
            return -1;
        }
        L->kj = realloc(ok, cap * sizeof *L->kj);
        if (!L->kj) {
            L->kj = ok;
            lerr_set(L->e, "out of memory laying out essay block %u", bi);
            return -1;
        }
        uint32_t *og = L->gc;
        L->gc = realloc(og, cap * sizeof *L->gc);
        if (!L->gc) {
            L->gc = og;
            lerr_set(L->e, "out of memory laying out essay block %u", bi);
            return -1;
        }
        og = L->gk;
        L->gk = realloc(og, cap * sizeof *L->gk);
        if (!L->gk) {
            L->gk = og;
            lerr_set(L->e, "out of memory laying out essay block %u", bi);
            return -1;
        }
    }
    scur sc;
    scur_init(&sc, L->es, bi);
    for (size_t i = 0; i < len;) {
        L->off[n] = start + (uint32_t)i;
        L->fa[n] = (uint8_t)layout_face(f, scur_at(&sc, start + (uint32_t)i));
        i += text_next(text + start + i, len - i, &L->cp[n]);
        n++;
    }
    L->off[n] = start + len;
    *n_out = n;
    measure_cps(L, text, n);
    /* the inter-character gaps, as the walks find them: after a visible
     * code point of the same word (spaces, no-break spaces and U+200B part) */
    uint32_t pv = 0, g = 0, gj = 0;
    for (size_t k = 0; k < n; k++) {
        L->gc[k] = g;
        L->gk[k] = gj;
        int cl = text_class(L->cp[k]);
        if (cl == TEXT_VISIBLE) {
            int gk = gap_kind(pv, L->cp[k]);
            g += gk != 0;
            gj += gk == 2;
            pv = L->cp[k];
        } else if (cl == TEXT_SPACE || cl == TEXT_NBSP || cl == TEXT_ZWSP) {
            pv = 0;
        }
    }
    L->gc[n] = g;
    L->gk[n] = gj;
    return 0;
}

/* The title or byline, centred, ragged, in role f. */
static int set_front(lay *L, uint32_t blk, const uint8_t *t, uint32_t len, int f)
{
    if (!t || !len) return 0;
    /* a page too short for the large size (a huge text size) takes the body's */
    if (L->ms.m->line_height(L->ms.m->ctx, f) > L->p->height) f = LAYOUT_BODY;
    size_t n, first = L->nl;
    int32_t W = L->p->width;
    if (decode(L, t, 0, len, f, blk, &n)) return -1;
    if (n == 0) return 0;
    L->txt = t;
    L->tb = blk == LAYOUT_BLOCK_TITLE ? L->bk->title : L->bk->byline;
    L->rtl = 0; /* centred: its runs are still reordered when drawn */
    int rc = set_piece(L, blk, f, 0, (uint32_t)n, 0, W, 1, HEAD_SOFT_PEN, 1, 1);
    L->txt = L->es->text;
    L->tb = L->bk->text;
    if (rc) return -1;
    for (size_t k = first; k < L->nl; k++) {
        layout_line *ln = &L->lines[k];
        ln->flags |= LAYOUT_LINE_FRONT;
        if (ln->width < W) ln->x = (W - ln->width) / 2;
    }
    return 0;
}

static int set_block(lay *L, uint32_t bi)
{
    const essay *es = L->es;
    const essay_block *b = &es->blocks[bi];
    const layout_params *p = L->p;
    meas *ms = &L->ms;
    int32_t W = p->width;
    int32_t ind = p->indent < 0 ? 0 : p->indent > W / 4 ? W / 4 : p->indent;
    L->rtl = 0;

    if ((uint64_t)b->start + b->len > es->size ||
        ((b->kind == ESSAY_LIST || b->kind == ESSAY_NOTE) && (uint64_t)b->label + b->label_len > es->size)) {
        lerr_set(L->e, "essay block %u: byte range out of the text", bi);
        return -1;
    }
    if (b->kind == ESSAY_SEP) {
        layout_line *ln = push_line(L);
        if (!ln) return -1;
        int64_t w = measure_str(ms, LAYOUT_BODY, SEP_TEXT, sizeof SEP_TEXT - 1);
        ln->block = bi;
        ln->start = ln->end = b->start;
        ln->width = clamp32(w);
        ln->x = w < W ? (int32_t)((W - w) / 2) : 0;
        ln->measure = W;
        ln->font = LAYOUT_BODY;
        ln->flags = LAYOUT_LINE_CENTER | LAYOUT_LINE_LAST;
        return 0;
    }
    if (b->len == 0 && b->kind != ESSAY_CODE) return 0;

    int f = LAYOUT_BODY, ragged = !p->justify, soft_pen = SOFT_PEN;
    int32_t x = 0, width = W;
    int depth = b->depth > 0 ? b->depth : 1;
    if (b->kind == ESSAY_HEADING) {
        static const int hrole[7] = {LAYOUT_H1, LAYOUT_H1, LAYOUT_H2, LAYOUT_H3, LAYOUT_H4, LAYOUT_H5, LAYOUT_H6};
        f = hrole[b->level <= 6 ? b->level : 6];
        ragged = 1;
        soft_pen = HEAD_SOFT_PEN;
    } else if (b->kind == ESSAY_QUOTE) {
        /* nested quotes step in on the left, every level by the indent */
        f = LAYOUT_ITALIC;
        int64_t xx = (int64_t)ind * depth;
        x = (int32_t)(xx > W / 2 ? W / 2 : xx);
        width = W - x - ind;
    } else if (b->kind == ESSAY_LIST || b->kind == ESSAY_NOTE) {
        int64_t lw = measure_str(ms, f, es->text + b->label, b->label_len) + adv(ms, f, ' ');
        int64_t xx = (lw > ind ? lw : ind) + (int64_t)ind * (depth - 1);
        x = (int32_t)(xx > W / 2 ? W / 2 : xx);
        width = W - x;
    } else if (b->kind == ESSAY_CODE) {
        f = LAYOUT_MONO;
        x = ind / 2;
        width = W - x;
    } else if (b->kind == ESSAY_TABLE) {
        ragged = 1;
    }
    if (width < 1) width = 1;

    size_t n;
    if (decode(L, es->text, b->start, b->len, f, bi, &n)) return -1;

    if (b->kind == ESSAY_CODE) return set_code(L, bi, f, (uint32_t)n, x, width);
    /* A right-to-left paragraph (its first strong character) starts at the right. */
    /* (with no strong character, the essay's language decides: layout_breaks_new) */
    L->rtl = b->kind != ESSAY_TABLE && text_bidi_dir(es->text + b->start, b->len, L->bk->hint);
    if (L->rtl) x = W - x - width; /* a quote's or list's indents mirrored: the label hangs right */

    /* The pieces between hard line breaks (U+2028), and a table row's
     * cells (set one under another), are broken each on its own. */
    int first = 1;
    uint32_t k0 = 0;
    size_t first_line = L->nl;
    for (uint32_t k = 0; k <= n; k++) {
        int cut = k == n || L->cp[k] == 0x2028 || (b->kind == ESSAY_TABLE && L->cp[k] == ESSAY_CELL_SEP);
        if (!cut) continue;
        if (k > k0) {
            if (set_piece(L, bi, f, k0, k, x, width, ragged, soft_pen, k == n, first)) return -1;
            first = 0;
        }
        k0 = k + 1;
    }
    /* A quote's attribution, "— Name" closing the quote, is set flush right. */
    int attribution = b->kind == ESSAY_QUOTE && n > 0 && (L->cp[0] == 0x2014 || L->cp[0] == 0x2015) &&
                      (bi + 1 == es->nblocks || es->blocks[bi + 1].kind != ESSAY_QUOTE ||
                       es->blocks[bi + 1].depth < b->depth);
    if (attribution && L->nl == first_line + 1) {
        layout_line *ln = &L->lines[first_line];
        if (ln->width < width) ln->x = x + (width - ln->width);
        ln->hang_l = ln->hang_r = 0;
    }
    return 0;
}

/* The natural width of code points k0..k1 of the decoded block, as one line. */
static int64_t piece_width(lay *L, int f, uint32_t k0, uint32_t k1)
{
    meas *ms = &L->ms;
    int32_t sw = adv(ms, f, ' ');
    int64_t T = 0;
    uint32_t pv = 0;
    int pf = f;
    for (uint32_t k = k0; k < k1; k++) T += step_width(L, k, text_class(L->cp[k]), sw, &pv, &pf);
    return T;
}

#define TABLE_MAX_COLS 32

/* The table rows bi..bj-1: as columns when they fit, else row by row. */
static int set_table(lay *L, uint32_t bi, uint32_t bj)
{
    const essay *es = L->es;
    int32_t W = L->p->width, gap = 3 * adv(&L->ms, LAYOUT_BODY, ' ');
    int64_t colw[TABLE_MAX_COLS] = {0};
    int ncols = 0, fits = 1;
    for (uint32_t r = bi; r < bj && fits; r++) {
        const essay_block *b = &es->blocks[r];
        if ((uint64_t)b->start + b->len > es->size) {
            lerr_set(L->e, "essay block %u: byte range out of the text", r);
            return -1;
        }
        size_t n;
        if (decode(L, es->text, b->start, b->len, LAYOUT_BODY, r, &n)) return -1;
        int c = 0;
        uint32_t k0 = 0;
        for (uint32_t k = 0; k <= n && fits; k++) {
            if (k < n && L->cp[k] != ESSAY_CELL_SEP) continue;
            if (c >= TABLE_MAX_COLS) { fits = 0; break; }
            int64_t w = piece_width(L, LAYOUT_BODY, k0, k);
            if (w > colw[c]) colw[c] = w;
            c++;
            k0 = k + 1;
        }
        if (c > ncols) ncols = c;
    }
    int64_t total = 0;
    for (int c = 0; c < ncols; c++) total += colw[c] + (c ? gap : 0);
    if (!fits || total > W) {
        for (uint32_t r = bi; r < bj; r++)
            if (set_block(L, r)) return -1;
        return 0;
    }
    int32_t colx[TABLE_MAX_COLS];
    for (int c = 0, xx = 0; c < ncols; c++) {
        colx[c] = xx;
        xx += (int32_t)colw[c] + gap;
    }
    for (uint32_t r = bi; r < bj; r++) {
        const essay_block *b = &es->blocks[r];
        size_t n;
        if (decode(L, es->text, b->start, b->len, LAYOUT_BODY, r, &n)) return -1;
        int c = 0, inrow = 0;
        uint32_t k0 = 0;
        layout_line *lastln = NULL;
        for (uint32_t k = 0; k <= n; k++) {
            if (k < n && L->cp[k] != ESSAY_CELL_SEP) continue;
            if (k > k0) {
                layout_line *ln = push_line(L);
                if (!ln) return -1;
                ln->block = r;
                ln->start = L->off[k0];
                ln->end = L->off[k];
                ln->x = colx[c];
                ln->width = clamp32(piece_width(L, LAYOUT_BODY, k0, k));
                ln->measure = (int32_t)colw[c];
                ln->font = LAYOUT_BODY;
                ln->flags = (uint16_t)(LAYOUT_LINE_HARD | (inrow ? LAYOUT_LINE_ROW : 0));
                inrow = 1;
                lastln = ln;
            }
            c++;
            k0 = k + 1;
        }
        if (lastln) lastln->flags = (uint16_t)((lastln->flags & ~LAYOUT_LINE_HARD) | LAYOUT_LINE_LAST);
    }
    return 0;
}

/* ---- pages ---------------------------------------------------------------- */

static int metrics_for(lay *L, int f)
{
    if (L->lh[f]) return 0;
    int32_t lh = L->ms.m->line_height(L->ms.m->ctx, f);
    int32_t asc = L->ms.m->ascent(L->ms.m->ctx, f);
    if (lh <= 0) {
        lerr_set(L->e, "font role %d: line height %d is not positive", f, lh);
        return -1;
    }
    if (lh > L->p->height) {
        lerr_set(L->e, "page height %.1f px is too small for one line of font role %d (%.1f px)",
                 L->p->height / 64.0, f, lh / 64.0);
        return -1;
    }
    L->lh[f] = lh;
    L->asc[f] = asc;
    return 0;
}

/* The kind of block a line belongs to; the title and byline count as
 * headings (kept with what follows). */
static int line_kind(const lay *L, const layout_line *ln)
{
    if (ln->flags & LAYOUT_LINE_FRONT) return ESSAY_HEADING;
    return ln->block < L->es->nblocks ? L->es->blocks[ln->block].kind : ESSAY_PARA;
}

/* Whether line ln ends in a hyphen a reader sees: a soft hyphen drawn, or
 * a break after an explicit hyphen (U+002D, U+2010). */
static int ends_in_hyphen(const lay *L, const layout_line *ln)
{
    if (ln->flags & LAYOUT_LINE_HYPHEN) return 1;
    if (ln->flags & (LAYOUT_LINE_FRONT | LAYOUT_LINE_LAST | LAYOUT_LINE_HARD)) return 0;
    const uint8_t *t = L->txt;
    uint32_t e = ln->end;
    if (e <= ln->start) return 0;
    if (t[e - 1] == '-') return 1;
    return e >= ln->start + 3 && t[e - 3] == 0xE2 && t[e - 2] == 0x80 && t[e - 1] == 0x90;
}

/* What a page break before line k costs, in lines of empty space at the
 * foot of the page that it is worth to avoid it: 0 fine; a widow or an
 * orphan 3, a page that ends in a hyphen 2 (both: 5); a page that ends
 * with a heading 8; a heading split 20; inside a table row, never (-1).
 * Pagination takes the break of least cost plus lines given up, the
 * latest of equals: a page gives up a line to avoid a hyphen, two to
 * avoid a widow, but not three. */
enum { PB_HYPHEN = 2, PB_WIDOW = 3, PB_HEADING_END = 8, PB_HEADING_SPLIT = 20 };
static int break_cost(const lay *L, const uint32_t *bfirst, const uint32_t *bcount, size_t k)
{
    const layout_line *a = &L->lines[k - 1], *b = &L->lines[k];
    if (b->flags & LAYOUT_LINE_ROW) return -1; /* inside a table row: never */
    int ka = line_kind(L, a);
    if (a->block == b->block) {
        if (ka == ESSAY_HEADING) return PB_HEADING_SPLIT;
        uint32_t i = (uint32_t)k - bfirst[k], n = bcount[k];
        return ((i == 1 || n - i == 1) ? PB_WIDOW : 0) + (ends_in_hyphen(L, a) ? PB_HYPHEN : 0);
    }
    return ka == ESSAY_HEADING ? PB_HEADING_END : 0;
}

static int paginate(lay *L)
{
    layout_result *r = L->r;
    const layout_params *p = L->p;
    size_t N = L->nl;
    if (N == 0) {
        r->pages = calloc(1, sizeof *r->pages);
        if (!r->pages) {
            lerr_set(L->e, "out of memory for pages");
            return -1;
        }
        r->npages = 1;
        return 0;
    }
    int32_t *sb = malloc(N * sizeof *sb);
    uint32_t *bfirst = malloc(N * sizeof *bfirst), *bcount = malloc(N * sizeof *bcount);
    layout_page *pages = NULL;
    size_t np = 0, pcap = 0;
    int rc = -1;
    if (!sb || !bfirst || !bcount) {
        lerr_set(L->e, "out of memory paginating %zu lines", N);
        goto done;
    }
    for (size_t k = 0; k < N; k++) {
        const layout_line *ln = &L->lines[k];
        if (metrics_for(L, ln->font)) goto done;
        int newblock = k == 0 || L->lines[k - 1].block != ln->block;
        bfirst[k] = newblock ? (uint32_t)k : bfirst[k - 1];
        sb[k] = 0;
        if (newblock && k > 0) {
            int kind = line_kind(L, ln);
            int prev = line_kind(L, &L->lines[k - 1]);
            int32_t ps = p->para_space > 0 ? p->para_space : 0;
            int front = (ln->flags & LAYOUT_LINE_FRONT) != 0, after_front = (L->lines[k - 1].flags & LAYOUT_LINE_FRONT) && !front;
            if (metrics_for(L, LAYOUT_BODY)) goto done;
            if (front) {
                sb[k] = ps / 2; /* the byline under the title */
            } else if (after_front) {
                sb[k] = 2 * ps + L->lh[LAYOUT_BODY]; /* then the text, well clear */
            } else if (kind == ESSAY_HEADING) {
                if (metrics_for(L, LAYOUT_BODY)) goto done;
                sb[k] = ps + L->lh[LAYOUT_BODY] / 2;
            } else if (kind == prev && kind == ESSAY_CODE) {
                sb[k] = 0; /* the lines of one code block */
            } else if (kind == prev && kind == ESSAY_TABLE) {
                sb[k] = ps / 4; /* rows of one table */
            } else if (prev == ESSAY_HEADING || (kind == ESSAY_LIST && prev == ESSAY_LIST)) {
                sb[k] = ps / 2;
            } else {
                sb[k] = ps;
            }
        }
    }
    for (size_t k = N; k-- > 0;) {
        int lastline = k + 1 == N || bfirst[k + 1] != bfirst[k];
        bcount[k] = lastline ? (uint32_t)(k + 1 - bfirst[k]) : bcount[k + 1];
    }

    size_t first = 0;
    while (first < N) {
        int64_t top = 0;
        size_t fit = first;
        for (size_t k = first; k < N; k++) {
            if (k > first && (L->lines[k].flags & LAYOUT_LINE_ROW)) { /* beside the row's first cell */
                fit = k + 1;
                continue;
            }
            int64_t t = k > first ? top + sb[k] : 0;
            if (t + L->lh[L->lines[k].font] > p->height) break;
            top = t + L->lh[L->lines[k].font];
            fit = k + 1;
        }
        size_t end = fit;
        if (fit < N) {
            /* the break of least cost, each line given up costing one; a
             * page that can break nowhere (one table row) breaks at fit */
            int64_t bestc = INT64_MAX;
            for (size_t k = fit; k > first; k--) {
                int bc = break_cost(L, bfirst, bcount, k);
                if (bc < 0) continue;
                int64_t cost = bc + (int64_t)(fit - k);
                if (cost < bestc) {
                    bestc = cost;
                    end = k;
                }
                if ((int64_t)(fit - k) >= bestc) break; /* no break further back can cost less */
            }
            /* No last page of one line: this page gives it one to three
             * more, at the best break no worse than a widow. */
            if (N - end == 1) {
                int64_t lastc = INT64_MAX;
                size_t to = end;
                for (size_t k = end - 1; k > first && end - k <= 3; k--) {
                    int bc = break_cost(L, bfirst, bcount, k);
                    if (bc < 0 || bc > PB_WIDOW) continue;
                    if (bc + (int64_t)(end - k) < lastc) lastc = bc + (int64_t)(end - k), to = k;
                }
                end = to;
            }
        }
        top = 0;
        for (size_t k = first; k < end; k++) {
            layout_line *ln = &L->lines[k];
            if (k > first && (ln->flags & LAYOUT_LINE_ROW)) {
                ln->y = L->lines[k - 1].y;
                continue;
            }
            if (k > first) top += sb[k];
            ln->y = (int32_t)(top + L->asc[ln->font]);
            top += L->lh[ln->font];
        }
        if (grow(L, (void **)&pages, &pcap, np + 1, sizeof *pages)) goto done;
        pages[np].first_line = (uint32_t)first;
        pages[np].nlines = (uint32_t)(end - first);
        pages[np].text_start = L->lines[first].start;
        if (L->lines[first].flags & LAYOUT_LINE_FRONT) { /* page 0: its first line of essay text */
            size_t k = first;
            while (k < end && (L->lines[k].flags & LAYOUT_LINE_FRONT)) k++;
            pages[np].text_start = k < end ? L->lines[k].start : 0;
        }
        np++;
        first = end;
    }
    r->pages = pages;
    r->npages = np;
    pages = NULL;
    rc = 0;
done:
    free(pages);
    free(sb);
    free(bfirst);
    free(bcount);
    return rc;
}

/* The page figures of layout_result, from the lines and pages. */
static void page_quality(lay *L)
{
    layout_result *r = L->r;
    size_t run = 0;
    for (size_t k = 0; k < L->nl; k++) {
        if (ends_in_hyphen(L, &L->lines[k])) {
            if (++run == 3) r->hyphen_stacks++;
        } else {
            run = 0;
        }
    }
    for (size_t p = 0; p + 1 < r->npages; p++) {
        const layout_page *pg = &r->pages[p];
        if (!pg->nlines) continue;
        const layout_line *ln = &L->lines[pg->first_line + pg->nlines - 1];
        if (ends_in_hyphen(L, ln)) r->hyphen_page_ends++;
        int32_t foot = ln->y - L->asc[ln->font] + L->lh[ln->font];
        int32_t blank = L->p->height - foot;
        if (blank > r->max_blank) r->max_blank = blank;
    }
    if (r->npages > 1 && r->pages[r->npages - 1].nlines < 2) r->short_last_page = 1;
}

/* ---- public --------------------------------------------------------------- */

/* ---- break opportunities, per essay ---------------------------------------- */

/* text_line_breaks needs about 24 bytes of scratch a byte: a paragraph
 * longer than this is broken in pieces, cut where the answer does not
 * depend on what is on the other side (UAX #14's rules look across spaces
 * only from OP, QU, CL, B2 and at SP itself): after "x " before "y" (x an
 * ASCII letter or digit, y an ASCII letter), or between two CJK unified
 * ideographs. A break is allowed there either way. */
#define BREAK_PIECE (64u << 10)

static int ascii_letter(uint8_t c) { return (unsigned)((c | 0x20) - 'a') < 26u; }
static int ascii_alnum(uint8_t c) { return ascii_letter(c) || (unsigned)(c - '0') < 10u; }
static int ideograph_at(const uint8_t *s, size_t n, size_t i)
{
    /* U+4E00..U+9FFF: E4 B8 80 .. E9 BF BF */
    return i + 3 <= n && s[i] >= 0xE4 && s[i] <= 0xE9 && (s[i + 1] & 0xC0) == 0x80 && (s[i + 2] & 0xC0) == 0x80 &&
           (s[i] > 0xE4 || s[i + 1] >= 0xB8);
}

/* A place to cut s[0..n) at or after `from`, or n. */
static size_t piece_end(const uint8_t *s, size_t n, size_t from)
{
    for (size_t i = from < 2 ? 2 : from; i < n; i++) {
        if (s[i - 1] == ' ' && ascii_alnum(s[i - 2]) && ascii_letter(s[i])) return i;
        if (i >= 3 && ideograph_at(s, n, i - 3) && ideograph_at(s, n, i)) return i;
    }
    return n;
}

static int break_text(const text_breaker *tb, const uint8_t *s, size_t n, const char *base, const text_lang_run *runs,
                      size_t nr, text_lang_run *sub, uint8_t *brk, lerr *e)
{
    size_t a = 0;
    while (a < n) {
        size_t z = n - a > BREAK_PIECE ? piece_end(s, n, a + BREAK_PIECE) : n;
        size_t ns = 0;
        for (size_t k = 0; k < nr; k++) { /* the language runs, clipped to the piece and moved */
            size_t rs = runs[k].start > a ? runs[k].start : a, re = runs[k].end < z ? runs[k].end : z;
            if (rs < re) sub[ns++] = (text_lang_run){(uint32_t)(rs - a), (uint32_t)(re - a), runs[k].tag, runs[k].tag_len};
        }
        if (text_line_breaks(tb, s + a, z - a, base, sub, ns, 0, brk + a, e)) return -1;
        if (a) brk[a] = TEXT_BRK_ALLOW;
        a = z;
    }
    return 0;
}

void layout_breaks_free(layout_breaks *bk)
{
    if (!bk) return;
    free(bk->text);
    free(bk->title);
    free(bk->byline);
    free(bk);
}

const uint8_t *layout_breaks_text(const layout_breaks *bk) { return bk->text; }

size_t layout_breaks_bytes(const layout_breaks *bk)
{
    return bk ? sizeof *bk + bk->size + bk->title_len + bk->byline_len : 0;
}

int layout_breaks_new(layout_breaks **out, const essay *es, const char *lang, size_t lang_len,
                      const text_breaker *tb, lerr *e)
{
    *out = NULL;
    char base[36] = "";
    if (lang && lang_len && lang_len < sizeof base) memcpy(base, lang, lang_len);
    layout_breaks *bk = calloc(1, sizeof *bk);
    text_lang_run *runs = NULL;
    size_t runs_cap = 0;
    if (!bk) goto oom;
    bk->size = es->size;
    bk->nblocks = es->nblocks;
    bk->title_len = es->title ? es->title_len : 0;
    bk->byline_len = es->byline ? es->byline_len : 0;
    bk->hint = text_bidi_hint_for_lang(base[0] ? base : NULL, strlen(base));
    if (!(bk->text = calloc(es->size ? es->size : 1, 1)) || !(bk->title = calloc(bk->title_len + 1, 1)) ||
        !(bk->byline = calloc(bk->byline_len + 1, 1)))
        goto oom;
    lerr be;
    if (text_line_breaks(tb, es->title, bk->title_len, base[0] ? base : NULL, NULL, 0, 0, bk->title, &be) ||
        text_line_breaks(tb, es->byline, bk->byline_len, base[0] ? base : NULL, NULL, 0, 0, bk->byline, &be)) {
        lerr_set(e, "breaking the title into lines: %s", be.msg);
        layout_breaks_free(bk);
        return -1;
    }
    for (size_t bi = 0; bi < es->nblocks; bi++) {
        const essay_block *b = &es->blocks[bi];
        if (b->kind == ESSAY_SEP || b->kind == ESSAY_CODE || !b->len || (uint64_t)b->start + b->len > es->size)
            continue; /* nothing to break (a bad range: layout_essay_breaks says so) */
        size_t ns, nr = 0;
        const essay_span *sp = essay_block_spans(es, bi, &ns);
        if (2 * ns > runs_cap) { /* the runs, and room for them clipped to a piece */
            text_lang_run *nrs = realloc(runs, 2 * ns * sizeof *nrs);
            if (!nrs) goto oom;
            runs = nrs;
            runs_cap = 2 * ns;
        }
        for (size_t k = 0; k < ns; k++) {
            if (!sp[k].lang || sp[k].lang > es->nlangs || !sp[k].len || (uint64_t)sp[k].start + sp[k].len > b->len)
                continue;
            const essay_lang *lg = &es->langs[sp[k].lang - 1];
            runs[nr++] = (text_lang_run){sp[k].start, sp[k].start + sp[k].len, (const char *)es->text + lg->off, lg->len};
        }
        if (break_text(tb, es->text + b->start, b->len, base[0] ? base : NULL, runs, nr, runs ? runs + ns : NULL,
                       bk->text + b->start, &be)) {
            lerr_set(e, "essay block %zu: %s", bi, be.msg);
            free(runs);
            layout_breaks_free(bk);
            return -1;
        }
    }
    free(runs);
    *out = bk;
    return 0;
oom:
    free(runs);
    layout_breaks_free(bk);
    lerr_set(e, "out of memory for the line breaks of an essay of %zu bytes", es->size);
    return -1;
}

static int check_args(const essay *es, const layout_metrics *m, const layout_params *p, lerr *e)
{
    if (!m || !m->advance || !m->line_height || !m->ascent) {
        lerr_set(e, "layout: metrics without advance, line_height or ascent");
        return -1;
    }
    if (p->width <= 0 || p->height <= 0) {
        lerr_set(e, "layout: page text area %.1f x %.1f px is empty", p->width / 64.0, p->height / 64.0);
        return -1;
    }
    if (es->nblocks >= LAYOUT_BLOCK_BYLINE || es->size > UINT32_MAX || es->title_len > es->size + 65536u) {
        lerr_set(e, "layout: essay too large");
        return -1;
    }
    return 0;
}

int layout_essay(const essay *es, const layout_metrics *m, const layout_params *p, layout_result *out,
                 lerr *e)
{
    memset(out, 0, sizeof *out);
    if (check_args(es, m, p, e)) return -1;
    text_breaker *tb;
    layout_breaks *bk = NULL;
    if (text_breaker_new(&tb, e)) return -1;
    int rc = layout_breaks_new(&bk, es, NULL, 0, tb, e);
    text_breaker_free(tb);
    if (!rc) rc = layout_essay_breaks(es, bk, m, p, out, e);
    layout_breaks_free(bk);
    return rc;
}

int layout_essay_breaks(const essay *es, const layout_breaks *bk, const layout_metrics *m, const layout_params *p,
                        layout_result *out, lerr *e)
{
    memset(out, 0, sizeof *out);
    if (check_args(es, m, p, e)) return -1;
    if (!bk || bk->size != es->size || bk->nblocks != es->nblocks ||
        bk->title_len != (es->title ? es->title_len : 0) || bk->byline_len != (es->byline ? es->byline_len : 0)) {
        lerr_set(e, "layout: the line breaks given were made for another essay");
        return -1;
    }
    lay L = {0};
    L.ms.m = m;
    L.es = es;
    L.p = p;
    L.e = e;
    L.r = out;
    L.txt = es->text;
    L.bk = bk;
    L.tb = bk->text;
    int rc = -1;
    if (set_front(&L, LAYOUT_BLOCK_TITLE, es->title, es->title_len, LAYOUT_TITLE) ||
        set_front(&L, LAYOUT_BLOCK_BYLINE, es->byline, es->byline_len, LAYOUT_BYLINE))
        goto done;
    for (size_t bi = 0; bi < es->nblocks; bi++) {
        if (es->blocks[bi].kind == ESSAY_TABLE) {
            size_t bj = bi;
            while (bj < es->nblocks && es->blocks[bj].kind == ESSAY_TABLE) bj++;
            if (set_table(&L, (uint32_t)bi, (uint32_t)bj)) goto done;
            bi = bj - 1;
        } else if (set_block(&L, (uint32_t)bi)) {
            goto done;
        }
    }
    if (paginate(&L)) goto done;
    page_quality(&L);
    out->lines = L.lines;
    out->nlines = L.nl;
    L.lines = NULL;
    rc = 0;
done:
    if (rc) {
        free(out->pages);
        memset(out, 0, sizeof *out);
    }
    meas_free(&L.ms);
    free(L.cp);
    free(L.off);
    free(L.fa);
    free(L.wd);
    free(L.kj);
    free(L.gc);
    free(L.gk);
    sscratch_free(&L.ss);
    free(L.c);
    free(L.c2);
    free(L.nodes);
    free(L.act);
    free(L.brk);
    free(L.lines);
    return rc;
}

void layout_free(layout_result *r)
{
    if (!r) return;
    free(r->lines);
    free(r->pages);
    memset(r, 0, sizeof *r);
}

typedef void (*glyph_fn)(void *ctx, int font, uint32_t cp, int32_t x, int32_t y);

/* Emit s[0..n) from pen x with natural spaces; returns the pen after it. */
static int64_t walk_plain(const layout_metrics *m, int f, const uint8_t *s, size_t n, int64_t x, int32_t y,
                          glyph_fn fn, void *ctx)
{
    uint32_t pv = 0;
    int32_t sw = m_adv(m, f, ' ');
    for (size_t i = 0; i < n;) {
        uint32_t c;
        i += text_next(s + i, n - i, &c);
        switch (text_class(c)) {
        case TEXT_SPACE: x += sw; pv = 0; break;
        case TEXT_NBSP: x += fixed_space(c, sw); pv = 0; break;
        case TEXT_ZWSP: pv = 0; break;
        case TEXT_SHY: case TEXT_INVISIBLE: break;
        default:
            if (pv) x += m_kern(m, f, pv, c);
            fn(ctx, f, c, (int32_t)x, y);
            x += m_adv(m, f, c);
            pv = c;
        }
    }
    return x;
}

static void measure_cb(void *ctx, int font, uint32_t cp, int32_t x, int32_t y)
{
    (void)ctx; (void)font; (void)cp; (void)x; (void)y;
}

/* The text a line's offsets are in: the essay's, or its title or byline. */
const uint8_t *layout_line_text(const essay *es, const layout_line *ln, size_t *size)
{
    if (ln->flags & LAYOUT_LINE_FRONT) {
        const uint8_t *t = ln->block == LAYOUT_BLOCK_TITLE ? es->title : es->byline;
        *size = t ? (ln->block == LAYOUT_BLOCK_TITLE ? es->title_len : es->byline_len) : 0;
        return t ? t : (const uint8_t *)"";
    }
    *size = es->size;
    return es->text;
}

/* One code point of a set line, as layout_line_glyphs, _walk and _decor
 * step through it: its advance (a space with the line's justification: the
 * first space_rem spaces one unit more; *nsp counts them), and the kerning
 * or italic correction before it added to *x. cl is text_class(c), fc its
 * face; *pv and *pf are the visible code point before it and its face. */
static int64_t set_step(const layout_metrics *m, const layout_line *ln, int32_t sw, uint32_t c, int cl, int fc,
                        int64_t *x, uint32_t *pv, int *pf, uint32_t *nsp)
{
    int64_t w = 0;
    switch (cl) {
    case TEXT_SPACE: w = sw + ln->space_extra + (*nsp < ln->space_rem); (*nsp)++; *pv = 0; break;
    case TEXT_NBSP: w = fixed_space(c, sw); *pv = 0; break;
    case TEXT_ZWSP: *pv = 0; break;
    case TEXT_SHY: case TEXT_INVISIBLE: break;
    default:
        if (*pv) *x += m_join(m, *pf, *pv, fc, c);
        if ((ln->flags & LAYOUT_LINE_GAPS) && layout_gap_at(*pv, c)) {
            *x += ln->space_extra + (*nsp < ln->space_rem);
            (*nsp)++;
        }
        w = m_adv(m, fc, c);
        *pv = c;
        *pf = fc;
    }
    return w;
}

/* Font expansion as the walks report it: pen position x of a line whose
 * text starts at xo, drawn xs/1000 as wide (xs 0 or 1000: as it is). */
static int64_t exp_x(int64_t xo, int xs, int64_t x)
{
    if (!xs || xs == 1000) return x;
    return xo + floor_div((x - xo) * xs + 500, 1000);
}

static int64_t exp_w(int xs, int64_t w)
{
    if (!xs || xs == 1000) return w;
    return floor_div(w * xs + 500, 1000);
}

/* Where a line's text starts (its left end: the pen's start) and how wide it is drawn. */
static int64_t line_x0(const layout_line *ln) { return (int64_t)ln->x - ln->hang_l; }
static int line_xs(const layout_line *ln) { return 1000 + ln->expand; }

/* ---- set lines, shaped ------------------------------------------------------- */

typedef struct swalker {
    const layout_metrics *m;
    /* per code point, with its position (visible: the glyph origin) and width */
    void (*cpf)(void *ctx, uint32_t off, uint32_t cp, int cl, int64_t x, int64_t w, int font, int style);
    void *cctx;
    void (*gf)(void *ctx, const layout_placed *g);
    void *gctx;
    uint32_t *cp, *off;
    uint8_t *fa, *st;
    int32_t *wcp;
    int64_t *gx; /* per code point of a segment: the justification of the gaps up to it (layout_gap_at) */
    size_t cap;
    sscratch ss;
    int oom;
    /* bidi: rtl shapes the run right to left; with mirror, a run walked in
     * logical order is placed from its right end: what the logical pen
     * puts at x, w is drawn at mir - x - w (mir: the run's left edge plus
     * its right edge). nsp counts the line's spaces across its runs. */
    int rtl, mirror;
    int64_t mir;
    uint32_t nsp;
    struct swcp *cb; /* a reordered line's code points, reported in logical order after its walk */
    size_t ncb, cbcap;
    /* the line's expansion: what is reported is scaled xs/1000 about xo (xs 0: not at all) */
    int64_t xo;
    int xs;
} swalker;

typedef struct swcp {
    uint32_t off, cp;
    int cl, font, style;
    int64_t x, w;
} swcp;

static void sw_keep(void *ctx, uint32_t off, uint32_t cp, int cl, int64_t x, int64_t wd, int font, int style)
{
    swalker *w = ctx;
    if (w->ncb == w->cbcap) {
        size_t nc = w->cbcap ? w->cbcap * 2 : 64;
        swcp *nb = realloc(w->cb, nc * sizeof *nb);
        if (!nb) {
            w->oom = 1;
            return;
        }
        w->cb = nb;
        w->cbcap = nc;
    }
    w->cb[w->ncb++] = (swcp){off, cp, cl, font, style, x, wd};
}

static int swcp_cmp(const void *a, const void *b)
{
    uint32_t x = ((const swcp *)a)->off, y = ((const swcp *)b)->off;
    return (x > y) - (x < y);
}

static int64_t sw_vis(const swalker *w, int64_t x, int64_t wd) { return w->mirror ? w->mir - x - wd : x; }

/* Where a list label goes, the pen of its first glyph: it hangs one space
 * left of the line (lw: its width), or right of a right-to-left line's
 * right edge (the measure's, or a line set flush right: its text's). */
static int64_t label_x(const layout_line *ln, int32_t sw, int64_t lw)
{
    if (!(ln->flags & LAYOUT_LINE_RTL)) return (int64_t)ln->x - sw - lw;
    int flush = ln->space_extra == 0 && ln->space_rem == 0 && ln->width < ln->measure;
    return (int64_t)ln->x + (flush ? ln->width : ln->measure) + sw;
}

static void sw_free(swalker *w)
{
    free(w->cb);
    free(w->cp);
    free(w->off);
    free(w->fa);
    free(w->st);
    free(w->wcp);
    free(w->gx);
    sscratch_free(&w->ss);
}

static int sw_grow(swalker *w, size_t n)
{
    if (n <= w->cap) return 0;
    size_t nc = n < 64 ? 64 : n * 2;
    uint32_t *a = realloc(w->cp, nc * sizeof *a);
    if (a) w->cp = a;
    uint32_t *b = a ? realloc(w->off, nc * sizeof *b) : NULL;
    if (b) w->off = b;
    uint8_t *c = b ? realloc(w->fa, nc) : NULL;
    if (c) w->fa = c;
    uint8_t *d = c ? realloc(w->st, nc) : NULL;
    if (d) w->st = d;
    int32_t *e = d ? realloc(w->wcp, nc * sizeof *e) : NULL;
    if (e) w->wcp = e;
    int64_t *gx = e ? realloc(w->gx, nc * sizeof *gx) : NULL;
    if (gx) w->gx = gx;
    if (!gx) {
        w->oom = 1;
        return -1;
    }
    w->cap = nc;
    return 0;
}

/* ex: NULL, or per code point of the segment the gaps' justification
 * before it, added to the pen of the glyphs of its cluster. */
static void sw_glyphs(swalker *w, const layout_glyph *g, size_t from, size_t to, int what, int font, int64_t x,
                      int32_t y, const uint32_t *offk, size_t nk, const int64_t *ex)
{
    for (size_t i = from; i < to; i++) {
        if (w->gf) {
            uint32_t c = g[i].cluster;
            int in = c < w->ss.cap && w->ss.bk[c] < nk;
            uint32_t off = in ? offk[w->ss.bk[c]] : offk[nk];
            int64_t gx = ex && in ? ex[w->ss.bk[c]] : 0;
            layout_placed p = {g[i].id, g[i].face, font, what, off,
                               (int32_t)exp_x(w->xo, w->xs, x + gx + g[i].dx), y - g[i].dy, g[i].advance};
            w->gf(w->gctx, &p);
        }
        x += clamp_adv(g[i].advance);
    }
}

/* Walk code points s[start..end) (role f; styles from block's spans when
 * block < es->nblocks) from pen x: segments shaped, spaces natural plus
 * the line's justification (ln, may be NULL). hy: a hyphen after the last
 * segment when it ends at `end`. what: for glyphs reported to w->gf.
 * Returns the pen after it. */
static int64_t sw_run(swalker *w, const essay *es, uint32_t block, const uint8_t *s, uint32_t start, uint32_t end,
                      int f, const layout_line *ln, int hy, int what, int64_t x, int32_t y, int *hy_font)
{
    const layout_metrics *m = w->m;
    if (sw_grow(w, (size_t)(end - start) + 2)) return x;
    size_t n = 0;
    scur sc;
    memset(&sc, 0, sizeof sc);
    if (es && block < es->nblocks) scur_init(&sc, es, block);
    for (uint32_t i = start; i < end;) {
        w->off[n] = i;
        int st = scur_at(&sc, i);
        w->st[n] = (uint8_t)st;
        w->fa[n] = (uint8_t)layout_face(f, st);
        i += (uint32_t)text_next(s + i, end - i, &w->cp[n]);
        n++;
    }
    w->off[n] = end;
    int32_t sw = m_adv(m, f, ' ');
    uint32_t pv = 0;
    int pf = f;
    if (hy_font) *hy_font = f;
    for (size_t k = 0; k < n;) {
        uint32_t c = w->cp[k];
        int cl = text_class(c), fc = w->fa[k];
        if (seg_char(c, cl)) {
            size_t j = k + 1;
            while (j < n && w->fa[j] == fc && seg_char(w->cp[j], text_class(w->cp[j]))) j++;
            int h = hy && j == n;
            const layout_glyph *g;
            size_t ng, hf;
            int32_t hyw;
            if (shape_seg(m, fc, s, w->cp + k, w->off + k, j - k, h, w->rtl, &w->ss, w->wcp, &g, &ng, &hyw, &hf))
                w->oom = 1;
            if (pv && pf != fc) x += m_join(m, pf, pv, fc, c);
            int64_t segw = h ? hyw : 0;
            if (w->mirror)
                for (size_t q = k; q < j; q++) segw += w->wcp[q - k];
            /* inter-character gaps (left-to-right runs only: CJK and Thai are never set right to left) */
            int64_t acc = 0;
            uint32_t gp = pv;
            for (size_t q = k; q < j; q++) {
                if (text_class(w->cp[q]) != TEXT_VISIBLE) { w->gx[q - k] = acc; continue; }
                if (ln && (ln->flags & LAYOUT_LINE_GAPS) && !w->rtl && layout_gap_at(gp, w->cp[q]))
                    acc += ln->space_extra + (w->nsp++ < ln->space_rem);
                w->gx[q - k] = acc;
                gp = w->cp[q];
            }
            int64_t gx = sw_vis(w, x, segw); /* the segment's left edge: its glyphs are in visual order */
            if (!w->rtl) {
                sw_glyphs(w, g, 0, hf, what, fc, gx, y, w->off + k, j - k, acc ? w->gx : NULL);
            } else { /* shaped right to left: the hyphen's glyphs lead */
                for (size_t q = 0; q < ng; q++) {
                    uint32_t gc = g[q].cluster;
                    int hyg = h && gc < w->ss.cap && w->ss.bk[gc] == j - k;
                    sw_glyphs(w, g, q, q + 1, hyg ? LAYOUT_PLACED_HYPHEN : what, fc, gx, y, w->off + k, j - k, NULL);
                    gx += clamp_adv(g[q].advance);
                }
            }
            int64_t cx = x;
            for (size_t q = k; q < j; q++) {
                int cq = text_class(w->cp[q]);
                if (w->cpf)
                    w->cpf(w->cctx, w->off[q], w->cp[q], cq,
                           exp_x(w->xo, w->xs, sw_vis(w, cx + w->gx[q - k], w->wcp[q - k])),
                           exp_w(w->xs, w->wcp[q - k]), fc, w->st[q]);
                cx += w->wcp[q - k];
                if (cq == TEXT_VISIBLE) pv = w->cp[q];
            }
            cx += acc;
            if (h) {
                if (!w->rtl) sw_glyphs(w, g, hf, ng, LAYOUT_PLACED_HYPHEN, fc, cx, y, w->off + k, j - k, NULL);
                if (hy_font) *hy_font = fc;
                cx += hyw;
            }
            pf = fc;
            x = cx;
            k = j;
            continue;
        }
        int64_t wd = 0;
        switch (cl) {
        case TEXT_SPACE:
            wd = sw + (ln ? ln->space_extra + (w->nsp < ln->space_rem) : 0);
            w->nsp++;
            pv = 0;
            break;
        case TEXT_NBSP: wd = fixed_space(c, sw); pv = 0; break;
        case TEXT_ZWSP: pv = 0; break;
        case TEXT_SHY: case TEXT_INVISIBLE: break;
        default:
            if (pv) x += m_join(m, pf, pv, fc, c);
            if (ln && (ln->flags & LAYOUT_LINE_GAPS) && !w->rtl && layout_gap_at(pv, c))
                x += ln->space_extra + (w->nsp++ < ln->space_rem);
            wd = m_adv(m, fc, c);
            pv = c;
            pf = fc;
        }
        if (w->cpf)
            w->cpf(w->cctx, w->off[k], c, cl, exp_x(w->xo, w->xs, sw_vis(w, x, wd)), exp_w(w->xs, wd), fc, w->st[k]);
        x += wd;
        k++;
    }
    return x;
}

/* The text of line ln (bytes s[ln->start..ln->end), role f) from pen x:
 * in one run when it is all left to right, else in the visual order of its
 * bidi runs (text_bidi_reorder of the line under the paragraph's base
 * direction, LAYOUT_LINE_RTL), each right-to-left run shaped right to left
 * and placed from its right end. Returns the pen after it. */
static int64_t sw_text(swalker *w, const essay *es, const layout_line *ln, const uint8_t *s, int f, int hy, int what,
                       int64_t x, int32_t y)
{
    uint32_t block = (ln->flags & LAYOUT_LINE_FRONT) ? UINT32_MAX : ln->block;
    w->nsp = 0;
    text_bidi_para bp = {0};
    int rtl = (ln->flags & LAYOUT_LINE_RTL) != 0;
    w->rtl = w->mirror = 0;
    if (text_bidi_analyse(s + ln->start, ln->end - ln->start, rtl ? TEXT_BIDI_RTL : TEXT_BIDI_LTR, &bp, NULL) ||
        (bp.uniform && bp.base == 0)) {
        text_bidi_free(&bp);
        return sw_run(w, es, block, s, ln->start, ln->end, f, ln, hy, what, x, y, NULL);
    }
    text_bidi_line bl = {0};
    text_bidi_run one = {0, ln->end - ln->start, bp.base};
    const text_bidi_run *runs = &one;
    size_t nruns = ln->end > ln->start;
    if (!bp.uniform) {
        if (text_bidi_reorder(&bp, 0, ln->end - ln->start, &bl, NULL)) {
            text_bidi_free(&bp);
            return sw_run(w, es, block, s, ln->start, ln->end, f, ln, hy, what, x, y, NULL);
        }
        runs = bl.runs;
        nruns = bl.nruns;
    }
    /* the code points are reported in logical order, where the runs put them */
    void (*ucpf)(void *, uint32_t, uint32_t, int, int64_t, int64_t, int, int) = w->cpf;
    void *uctx = w->cctx;
    if (ucpf) {
        w->cpf = sw_keep;
        w->cctx = w;
        w->ncb = 0;
    }
    for (size_t r = 0; r < nruns; r++) {
        uint32_t a = ln->start + runs[r].start, b = ln->start + runs[r].end;
        int h = hy && b == ln->end;
        w->rtl = runs[r].level & 1;
        w->mirror = 0;
        if (!w->rtl) {
            x = sw_run(w, es, block, s, a, b, f, ln, h, what, x, y, NULL);
            continue;
        }
        /* measure it (nothing reported), then walk it again from its right end */
        void (*cpf)(void *, uint32_t, uint32_t, int, int64_t, int64_t, int, int) = w->cpf;
        void (*gf)(void *, const layout_placed *) = w->gf;
        uint32_t nsp = w->nsp;
        w->cpf = NULL;
        w->gf = NULL;
        int64_t e = sw_run(w, es, block, s, a, b, f, ln, h, what, x, y, NULL);
        w->cpf = cpf;
        w->gf = gf;
        w->nsp = nsp;
        w->mirror = 1;
        w->mir = x + e;
        x = sw_run(w, es, block, s, a, b, f, ln, h, what, x, y, NULL);
        w->mirror = 0;
    }
    if (ucpf) {
        w->cpf = ucpf;
        w->cctx = uctx;
        qsort(w->cb, w->ncb, sizeof *w->cb, swcp_cmp);
        for (size_t q = 0; q < w->ncb; q++) {
            const swcp *c = &w->cb[q];
            ucpf(uctx, c->off, c->cp, c->cl, c->x, c->w, c->font, c->style);
        }
    }
    w->rtl = 0;
    text_bidi_line_free(&bl);
    text_bidi_free(&bp);
    return x;
}

/* A whole set line: label, text, hyphen, continuation mark, ornament. */
static int64_t sw_line(swalker *w, const essay *es, const layout_line *ln)
{
    int f = ln->font < LAYOUT_NFONTS ? ln->font : LAYOUT_BODY;
    const layout_metrics *m = w->m;
    int32_t y = ln->y;
    if (ln->flags & LAYOUT_LINE_CENTER) {
        void (*cpf)(void *, uint32_t, uint32_t, int, int64_t, int64_t, int, int) = w->cpf;
        w->cpf = NULL;
        int64_t e = sw_run(w, NULL, UINT32_MAX, SEP_TEXT, 0, sizeof SEP_TEXT - 1, f, NULL, 0,
                           LAYOUT_PLACED_ORNAMENT, ln->x, y, NULL);
        w->cpf = cpf;
        return e;
    }
    size_t sz;
    const uint8_t *s = layout_line_text(es, ln, &sz);
    if (ln->end > sz || ln->start > ln->end) return ln->x;
    void (*cpf)(void *, uint32_t, uint32_t, int, int64_t, int64_t, int, int) = w->cpf;
    void (*gf)(void *, const layout_placed *) = w->gf;
    if ((ln->flags & LAYOUT_LINE_LABEL) && ln->block < es->nblocks && gf) {
        const essay_block *b = &es->blocks[ln->block];
        if ((uint64_t)b->label + b->label_len <= es->size) {
            w->cpf = NULL;
            w->gf = NULL;
            int64_t lw = sw_run(w, NULL, UINT32_MAX, es->text + b->label, 0, b->label_len, f, NULL, 0, 0, 0, y, NULL);
            w->gf = gf;
            sw_run(w, NULL, UINT32_MAX, es->text + b->label, 0, b->label_len, f, NULL, 0, LAYOUT_PLACED_LABEL,
                   label_x(ln, m_adv(m, f, ' '), lw), y, NULL);
            w->cpf = cpf;
        }
    }
    int hy = (ln->flags & LAYOUT_LINE_HYPHEN) != 0;
    w->xo = line_x0(ln);
    w->xs = line_xs(ln);
    int64_t x = sw_text(w, es, ln, s, f, hy, LAYOUT_PLACED_TEXT, w->xo, y);
    x = exp_x(w->xo, w->xs, x);
    w->xs = 0;
    if ((ln->flags & LAYOUT_LINE_CONT) && gf) {
        const uint8_t *mk = (const uint8_t *)LAYOUT_CONT_MARK;
        w->cpf = NULL;
        w->gf = NULL;
        int64_t mw = sw_run(w, NULL, UINT32_MAX, mk, 0, sizeof LAYOUT_CONT_MARK - 1, f, NULL, 0, 0, 0, y, NULL);
        w->gf = gf;
        sw_run(w, NULL, UINT32_MAX, mk, 0, sizeof LAYOUT_CONT_MARK - 1, f, NULL, 0, LAYOUT_PLACED_CONT,
               (int64_t)ln->x + ln->measure - mw, y, NULL);
        w->cpf = cpf;
    }
    return x;
}

/* The natural width of a line as the shaped walk sets it (set_piece). */
static int64_t shaped_width(const layout_metrics *m, const essay *es, const uint8_t *s, const layout_line *ln,
                            sscratch *ss)
{
    swalker w = {0};
    w.m = m;
    w.ss = *ss;
    int f = ln->font < LAYOUT_NFONTS ? ln->font : LAYOUT_BODY;
    int64_t x = sw_text(&w, es, ln, s, f, (ln->flags & LAYOUT_LINE_HYPHEN) != 0, 0, 0, 0);
    *ss = w.ss;
    w.ss = (sscratch){0};
    sw_free(&w);
    return x;
}

void layout_line_shaped(const essay *es, const layout_line *ln, const layout_metrics *m,
                        void (*fn)(void *ctx, const layout_placed *g), void *ctx)
{
    if (!m->shape) return;
    swalker w = {0};
    w.m = m;
    w.gf = fn;
    w.gctx = ctx;
    sw_line(&w, es, ln);
    sw_free(&w);
}

typedef struct glyphs_ctx {
    void (*fn)(void *ctx, int font, uint32_t cp, int32_t x, int32_t y);
    void *ctx;
    int32_t y;
} glyphs_ctx;

static void glyphs_cp(void *ctx, uint32_t off, uint32_t cp, int cl, int64_t x, int64_t w, int font, int style)
{
    (void)off; (void)w; (void)style;
    glyphs_ctx *g = ctx;
    if (cl == TEXT_VISIBLE) g->fn(g->ctx, font, cp, (int32_t)x, g->y);
}

/* marks (label, hyphen, ornament, continuation) reported by their first glyph's code point */
typedef struct marks_ctx {
    glyphs_ctx *g;
    const essay *es;
    const layout_line *ln;
} marks_ctx;

static void glyphs_mark(void *ctx, const layout_placed *p)
{
    marks_ctx *mc = ctx;
    if (p->what == LAYOUT_PLACED_TEXT) return;
    const uint8_t *t = NULL;
    size_t n = 0;
    if (p->what == LAYOUT_PLACED_HYPHEN) t = (const uint8_t *)"-", n = 1;
    else if (p->what == LAYOUT_PLACED_ORNAMENT) t = SEP_TEXT, n = sizeof SEP_TEXT - 1;
    else if (p->what == LAYOUT_PLACED_CONT) t = (const uint8_t *)LAYOUT_CONT_MARK, n = sizeof LAYOUT_CONT_MARK - 1;
    else if (mc->ln->block < mc->es->nblocks) {
        const essay_block *b = &mc->es->blocks[mc->ln->block];
        t = mc->es->text + b->label;
        n = b->label_len;
    }
    uint32_t c = '?';
    if (t && p->off < n) text_next(t + p->off, n - p->off, &c);
    mc->g->fn(mc->g->ctx, p->font, c, p->x, p->y);
}

static void shaped_glyphs(const essay *es, const layout_line *ln, const layout_metrics *m,
                          void (*fn)(void *ctx, int font, uint32_t cp, int32_t x, int32_t y), void *ctx)
{
    glyphs_ctx g = {fn, ctx, ln->y};
    marks_ctx mc = {&g, es, ln};
    swalker w = {0};
    w.m = m;
    w.cpf = (ln->flags & LAYOUT_LINE_CENTER) ? NULL : glyphs_cp;
    w.cctx = &g;
    w.gf = glyphs_mark;
    w.gctx = &mc;
    sw_line(&w, es, ln);
    sw_free(&w);
}

void layout_line_glyphs(const essay *es, const layout_line *ln, const layout_metrics *m,
                        void (*fn)(void *ctx, int font, uint32_t cp, int32_t x, int32_t y), void *ctx)
{
    if (m->shape) {
        shaped_glyphs(es, ln, m, fn, ctx);
        return;
    }
    int f = ln->font < LAYOUT_NFONTS ? ln->font : LAYOUT_BODY;
    int32_t y = ln->y;
    if (ln->flags & LAYOUT_LINE_CENTER) {
        walk_plain(m, f, SEP_TEXT, sizeof SEP_TEXT - 1, ln->x, y, fn, ctx);
        return;
    }
    size_t sz;
    const uint8_t *s = layout_line_text(es, ln, &sz);
    if (ln->end > sz || ln->start > ln->end) return;
    if ((ln->flags & LAYOUT_LINE_LABEL) && ln->block < es->nblocks) {
        const essay_block *b = &es->blocks[ln->block];
        if ((uint64_t)b->label + b->label_len <= es->size) {
            const uint8_t *lb = es->text + b->label;
            int64_t lw = walk_plain(m, f, lb, b->label_len, 0, y, measure_cb, NULL);
            walk_plain(m, f, lb, b->label_len, label_x(ln, m_adv(m, f, ' '), lw), y, fn, ctx);
        }
    }
    int32_t sw = m_adv(m, f, ' ');
    int64_t x0 = line_x0(ln), x = x0;
    int xs = line_xs(ln);
    uint32_t pv = 0, nsp = 0;
    int pf = f;
    scur sc;
    scur_init(&sc, es, ln->block);
    for (uint32_t i = ln->start; i < ln->end;) {
        uint32_t c, at = i;
        i += (uint32_t)text_next(s + i, ln->end - i, &c);
        int cl = text_class(c), fc = layout_face(f, scur_at(&sc, at));
        int64_t w = set_step(m, ln, sw, c, cl, fc, &x, &pv, &pf, &nsp);
        if (cl == TEXT_VISIBLE) fn(ctx, fc, c, (int32_t)exp_x(x0, xs, x), y);
        x += w;
    }
    if (ln->flags & LAYOUT_LINE_HYPHEN) {
        if (pv) x += m_kern(m, pf, pv, '-');
        fn(ctx, pf, '-', (int32_t)exp_x(x0, xs, x), y);
    }
    if (ln->flags & LAYOUT_LINE_CONT) {
        const uint8_t *mk = (const uint8_t *)LAYOUT_CONT_MARK;
        int64_t mw = walk_plain(m, f, mk, sizeof LAYOUT_CONT_MARK - 1, 0, y, measure_cb, NULL);
        walk_plain(m, f, mk, sizeof LAYOUT_CONT_MARK - 1, (int64_t)ln->x + ln->measure - mw, y, fn, ctx);
    }
}

typedef struct decor_ctx {
    void (*fn)(void *ctx, int style, int font, int32_t x0, int32_t x1, int32_t y);
    void *ctx;
    int32_t y;
    int64_t x0[2], last_end[2];
    int open[2], font[2];
} decor_ctx;

static const int decor_bit[2] = {ESSAY_STYLE_LINK, ESSAY_STYLE_STRIKE};

static void decor_cp(void *ctx, uint32_t off, uint32_t cp, int cl, int64_t x, int64_t w, int fc, int st)
{
    (void)off; (void)cp;
    decor_ctx *d = ctx;
    for (int k = 0; k < 2; k++) {
        int on = (st & decor_bit[k]) != 0;
        if (on && !d->open[k] && cl != TEXT_SPACE) { d->open[k] = 1; d->x0[k] = x; d->font[k] = fc; d->last_end[k] = x + w; }
        if (on && cl != TEXT_SPACE && x < d->x0[k]) d->x0[k] = x; /* a right-to-left run: x decreases */
        if (!on && d->open[k]) {
            d->fn(d->ctx, decor_bit[k], d->font[k], (int32_t)d->x0[k], (int32_t)d->last_end[k], d->y);
            d->open[k] = 0;
        }
        if (on && cl != TEXT_SPACE && x + w > d->last_end[k]) d->last_end[k] = x + w;
    }
}

typedef struct walk_ctx {
    void (*fn)(void *ctx, uint32_t off, uint32_t cp, int32_t x, int32_t w, int font, int style);
    void *ctx;
} walk_ctx;

static void walk_cp(void *ctx, uint32_t off, uint32_t cp, int cl, int64_t x, int64_t w, int fc, int st)
{
    (void)cl;
    walk_ctx *wc = ctx;
    wc->fn(wc->ctx, off, cp, (int32_t)x, (int32_t)w, fc, st);
}

/* layout_line_walk and layout_line_decor over a shaped line. */
static void shaped_cps(const essay *es, const layout_line *ln, const layout_metrics *m,
                       void (*cpf)(void *, uint32_t, uint32_t, int, int64_t, int64_t, int, int), void *ctx)
{
    size_t sz;
    const uint8_t *s = layout_line_text(es, ln, &sz);
    if ((ln->flags & LAYOUT_LINE_CENTER) || ln->end > sz || ln->start > ln->end) return;
    swalker w = {0};
    w.m = m;
    w.cpf = cpf;
    w.cctx = ctx;
    int f = ln->font < LAYOUT_NFONTS ? ln->font : LAYOUT_BODY;
    w.xo = line_x0(ln);
    w.xs = line_xs(ln);
    sw_text(&w, es, ln, s, f, (ln->flags & LAYOUT_LINE_HYPHEN) != 0, LAYOUT_PLACED_TEXT, w.xo, ln->y);
    sw_free(&w);
}

/* Whether a link or struck span of ln's block overlaps the line: most
 * lines have none, and then there is nothing to walk (the walk was a tenth
 * of a page's draw). */
static int line_decorated(const essay *es, const layout_line *ln)
{
    if (ln->block >= es->nblocks) return 0;
    size_t n;
    const essay_span *sp = essay_block_spans(es, ln->block, &n);
    uint32_t base = es->blocks[ln->block].start;
    if (ln->end <= base) return 0;
    uint64_t a = ln->start > base ? ln->start - base : 0, b = ln->end - base;
    for (size_t i = 0; i < n; i++)
        if ((sp[i].style & (ESSAY_STYLE_LINK | ESSAY_STYLE_STRIKE)) && sp[i].start < b &&
            (uint64_t)sp[i].start + sp[i].len > a)
            return 1;
    return 0;
}

void layout_line_decor(const essay *es, const layout_line *ln, const layout_metrics *m,
                       void (*fn)(void *ctx, int style, int font, int32_t x0, int32_t x1, int32_t y), void *ctx)
{
    if (!line_decorated(es, ln)) return;
    if (m->shape) {
        int f = ln->font < LAYOUT_NFONTS ? ln->font : LAYOUT_BODY;
        decor_ctx d = {fn, ctx, ln->y, {0, 0}, {0, 0}, {0, 0}, {f, f}};
        shaped_cps(es, ln, m, decor_cp, &d);
        for (int k = 0; k < 2; k++)
            if (d.open[k]) fn(ctx, decor_bit[k], d.font[k], (int32_t)d.x0[k], (int32_t)d.last_end[k], ln->y);
        return;
    }
    size_t sz;
    const uint8_t *s = layout_line_text(es, ln, &sz);
    if ((ln->flags & LAYOUT_LINE_CENTER) || ln->end > sz || ln->start > ln->end) return;
    int f = ln->font < LAYOUT_NFONTS ? ln->font : LAYOUT_BODY;
    int32_t sw = m_adv(m, f, ' ');
    int64_t xo = line_x0(ln), x = xo, x0[2] = {0, 0};
    int xs = line_xs(ln);
    int open[2] = {0, 0}, font[2] = {f, f};
    static const int bit[2] = {ESSAY_STYLE_LINK, ESSAY_STYLE_STRIKE};
    int64_t last_end[2] = {0, 0};
    uint32_t pv = 0, nsp = 0;
    int pf = f;
    scur sc;
    scur_init(&sc, es, ln->block);
    for (uint32_t i = ln->start; i < ln->end;) {
        uint32_t c, at = i;
        i += (uint32_t)text_next(s + i, ln->end - i, &c);
        int st = scur_at(&sc, at), cl = text_class(c);
        int fc = layout_face(f, st);
        int64_t w = set_step(m, ln, sw, c, cl, fc, &x, &pv, &pf, &nsp);
        for (int d = 0; d < 2; d++) {
            int on = (st & bit[d]) != 0;
            if (on && !open[d] && cl != TEXT_SPACE) { open[d] = 1; x0[d] = exp_x(xo, xs, x); font[d] = fc; }
            if (!on && open[d]) { fn(ctx, bit[d], font[d], (int32_t)x0[d], (int32_t)last_end[d], ln->y); open[d] = 0; }
            if (on && cl != TEXT_SPACE) last_end[d] = exp_x(xo, xs, x + w);
        }
        x += w;
    }
    for (int d = 0; d < 2; d++)
        if (open[d]) fn(ctx, bit[d], font[d], (int32_t)x0[d], (int32_t)last_end[d], ln->y);
}

size_t layout_page_of(const layout_result *r, uint32_t pos)
{
    if (!r || r->npages == 0) return 0;
    size_t lo = 0, hi = r->npages; /* answer in [lo, hi) */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (r->pages[mid].text_start <= pos) lo = mid;
        else hi = mid;
    }
    return lo;
}

uint32_t layout_sentence_start(const essay *es, uint32_t pos)
{
    if (!es || es->nblocks == 0) return 0;
    size_t lo = 0, hi = es->nblocks; /* last block with start <= pos */
    if (es->blocks[0].start > pos) return es->blocks[0].start;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (es->blocks[mid].start <= pos) lo = mid;
        else hi = mid;
    }
    const essay_block *b = &es->blocks[lo];
    uint32_t s = b->start, e = b->start + b->len;
    if (e > es->size) return s;
    if (pos >= e && b->len > 0) {
        if (lo + 1 < es->nblocks) return es->blocks[lo + 1].start;
        pos = e - 1;
    }
    return s + (uint32_t)text_sentence_start(es->text + s, e - s, pos - s, TEXT_SENTENCE_READER);
}

size_t layout_relocate(const essay *es, const layout_result *old, size_t old_page, const layout_result *now)
{
    if (!old || old->npages == 0) return 0;
    if (old_page >= old->npages) old_page = old->npages - 1;
    return layout_page_of(now, layout_sentence_start(es, old->pages[old_page].text_start));
}

/* ---- a line described ------------------------------------------------------- */

void layout_line_describe(const essay *es, const layout_line *ln, const layout_metrics *m, layout_line_info *out)
{
    memset(out, 0, sizeof *out);
    int f = ln->font < LAYOUT_NFONTS ? ln->font : LAYOUT_BODY;
    int32_t sw = m_adv(m, f, ' ');
    out->space = sw;
    size_t sz;
    const uint8_t *s = layout_line_text(es, ln, &sz);
    const essay_block *b = ln->block < es->nblocks && !(ln->flags & LAYOUT_LINE_FRONT) ? &es->blocks[ln->block] : NULL;
    uint64_t bend = b ? (uint64_t)b->start + b->len : sz;
    if (ln->flags & LAYOUT_LINE_LAST) out->end = LAYOUT_END_BLOCK;
    else if (ln->flags & LAYOUT_LINE_HYPHEN) out->end = LAYOUT_END_SOFT_HYPHEN;
    else if ((ln->flags & LAYOUT_LINE_HARD) && (uint64_t)ln->end + 3 <= sz && !memcmp(s + ln->end, "\xE2\x80\xA8", 3))
        out->end = LAYOUT_END_HARD;
    else if (ln->flags & LAYOUT_LINE_CONT) out->end = LAYOUT_END_NONE; /* a code line goes on: nothing consumed */
    else if (ln->end < bend && ln->end < sz && s[ln->end] == ' ') out->end = LAYOUT_END_SPACE;
    else out->end = LAYOUT_END_NONE;
    if ((ln->flags & LAYOUT_LINE_CENTER) || ln->end > sz || ln->start > ln->end) return;
    for (uint32_t i = ln->start; i < ln->end;) {
        uint32_t c;
        i += (uint32_t)text_next(s + i, ln->end - i, &c);
        if (text_class(c) == TEXT_SPACE) out->nspaces++;
    }
    if (!out->nspaces) return;
    /* The same stretch and shrink per space as choose_breaks counts. */
    int64_t st = sw / 2 > 0 ? sw / 2 : 1, sh = sw / 3;
    int64_t adj = (int64_t)out->nspaces * ln->space_extra + ln->space_rem;
    if (adj > 0) out->ratio = (double)adj / ((double)out->nspaces * (double)st);
    else if (adj < 0 && sh > 0) out->ratio = (double)adj / ((double)out->nspaces * (double)sh);
}

void layout_line_walk(const essay *es, const layout_line *ln, const layout_metrics *m,
                      void (*fn)(void *ctx, uint32_t off, uint32_t cp, int32_t x, int32_t w, int font, int style),
                      void *ctx)
{
    if (m->shape) {
        walk_ctx wc = {fn, ctx};
        shaped_cps(es, ln, m, walk_cp, &wc);
        return;
    }
    size_t sz;
    const uint8_t *s = layout_line_text(es, ln, &sz);
    if ((ln->flags & LAYOUT_LINE_CENTER) || ln->end > sz || ln->start > ln->end) return;
    int f = ln->font < LAYOUT_NFONTS ? ln->font : LAYOUT_BODY;
    int32_t sw = m_adv(m, f, ' ');
    int64_t x0 = line_x0(ln), x = x0;
    int xs = line_xs(ln);
    uint32_t pv = 0, nsp = 0;
    int pf = f;
    scur sc;
    scur_init(&sc, es, ln->block);
    for (uint32_t i = ln->start; i < ln->end;) {
        uint32_t c, at = i;
        i += (uint32_t)text_next(s + i, ln->end - i, &c);
        int st = scur_at(&sc, at), fc = layout_face(f, st);
        int64_t w = set_step(m, ln, sw, c, text_class(c), fc, &x, &pv, &pf, &nsp);
        fn(ctx, at, c, (int32_t)exp_x(x0, xs, x), (int32_t)exp_w(xs, w), fc, st);
        x += w;
    }
}

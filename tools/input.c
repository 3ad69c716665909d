/* input.c - see input.h. One file goes through four stages, each linear in
 * its size: decode (UTF-8 check, line ends, BOM), NFC (utf8proc), lines
 * (whitespace folded in place, each line classified), blocks (joined as
 * the file type says, title and byline taken off, hyphenated on output). */
#include "input.h"

#include "buf.h"
#include "essay.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utf8proc.h>

/* ---- growable byte buffer ------------------------------------------------ */

static char *buf_cstr(buf *b) /* hand over as a NUL-terminated string */
{
    if (buf_reserve(b, 1)) return NULL;
    b->p[b->n] = 0;
    char *s = (char *)b->p;
    b->p = NULL;
    b->n = b->cap = 0;
    return s;
}

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d) memcpy(d, s, n);
    return d;
}

static char *dup_mem(const uint8_t *s, size_t n)
{
    char *d = malloc(n + 1);
    if (!d) return NULL;
    if (n) memcpy(d, s, n);
    d[n] = 0;
    return d;
}

/* ---- characters ----------------------------------------------------------- */

static int cat_of(uint32_t c) { return utf8proc_category((utf8proc_int32_t)c); }
static int is_letter(uint32_t c)
{
    if (c < 0x80) return (c | 32) >= 'a' && (c | 32) <= 'z';
    int k = cat_of(c);
    return k >= UTF8PROC_CATEGORY_LU && k <= UTF8PROC_CATEGORY_LO;
}
static int is_lower(uint32_t c) { return c < 0x80 ? c >= 'a' && c <= 'z' : cat_of(c) == UTF8PROC_CATEGORY_LL; }
static int is_upperish(uint32_t c) /* starts a name or sentence: a letter that is not lowercase */
{
    return is_letter(c) && !is_lower(c);
}
static int is_word_char(uint32_t c)
{
    if (c < 0x80) return ((c | 32) >= 'a' && (c | 32) <= 'z') || (c >= '0' && c <= '9');
    int k = cat_of(c);
    return k >= UTF8PROC_CATEGORY_LU && k <= UTF8PROC_CATEGORY_NO;
}
static int is_nbsp(uint32_t c) { return c == 0xA0 || c == 0x2007 || c == 0x202F; }
static int is_space(uint32_t c) { return c == ' ' || (c >= 0x80 && cat_of(c) == UTF8PROC_CATEGORY_ZS); }
static int is_closer(uint32_t c)
{
    return c == '"' || c == '\'' || c == ')' || c == ']' || c == 0x201D || c == 0x2019 || c == 0xBB;
}
static int is_opener(uint32_t c)
{
    return c == '"' || c == '\'' || c == '(' || c == '[' || c == 0x201C || c == 0x2018 || c == 0xAB;
}

/* Decode at s[i] of valid text; a stray bad byte reads as itself. */
static size_t dec(const uint8_t *s, size_t n, size_t i, uint32_t *c)
{
    size_t l = utf8_decode(s + i, n - i, c);
    if (!l) { *c = s[i]; l = 1; }
    return l;
}

static size_t cp_count(const uint8_t *s, size_t n, size_t stop)
{
    size_t k = 0;
    for (size_t i = 0; i < n && k <= stop; i++) k += (s[i] & 0xC0) != 0x80;
    return k;
}

static size_t last_cp(const uint8_t *s, size_t n, uint32_t *c) /* start of the last code point */
{
    size_t i = n;
    while (i > 0 && (s[i - 1] & 0xC0) == 0x80) i--;
    if (i > 0) i--;
    dec(s, n, i, c);
    return i;
}

static int has_suffix_ci(const char *s, const char *suf)
{
    size_t n = strlen(s), m = strlen(suf);
    if (n < m) return 0;
    for (size_t i = 0; i < m; i++) {
        int a = (uint8_t)s[n - m + i], b = (uint8_t)suf[i];
        if (a >= 'A' && a <= 'Z') a += 32;
        if (a != b) return 0;
    }
    return 1;
}

static int is_markdown(const char *name) { return has_suffix_ci(name, ".md") || has_suffix_ci(name, ".markdown"); }

/* ---- stage 1: decode ---------------------------------------------------- */

enum { OK_CP, BAD_UTF8, BAD_NUL, BAD_CTRL };

static size_t scan_cp(const uint8_t *s, size_t n, size_t i, uint32_t *cp, int *bad)
{
    uint8_t c = s[i];
    if (c < 0x80) {
        *cp = c;
        if (c == 0) *bad = BAD_NUL;
        else if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') || c == 0x7F) *bad = BAD_CTRL;
        else *bad = OK_CP;
        return 1;
    }
    size_t l = utf8_decode(s + i, n - i, cp);
    if (!l) { *cp = c; *bad = BAD_UTF8; return 1; }
    *bad = *cp <= 0x9F ? BAD_CTRL : OK_CP; /* C1 controls: mojibake, not text */
    return l;
}

#define SNIFF_BYTES 65536

static int decode(const uint8_t *s, size_t n, const char *name, int lossy, buf *out, size_t *replaced, lerr *e)
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
        j += scan_cp(s, lim, j, &c, &b);
        bad += b != OK_CP;
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
        size_t l = scan_cp(s, n, i, &c, &b);
        if (b != OK_CP) {
            if (!lossy) {
                if (b == BAD_UTF8) lerr_set(e, "%s:%zu: byte offset %zu: invalid UTF-8 (byte 0x%02X)", name, line, i, s[i]);
                else if (b == BAD_NUL) lerr_set(e, "%s:%zu: byte offset %zu: NUL byte", name, line, i);
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
        } else if (c == '\t' || c == '\f') {
            r = buf_put(out, " ", 1);
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

static int nfc(buf *t, const char *name, lerr *e)
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
static size_t collapse(uint8_t *s, size_t n)
{
    size_t o = 0, i = 0;
    uint32_t pend = 0;
    while (i < n) {
        uint32_t c;
        size_t l = dec(s, n, i, &c);
        if (is_space(c)) {
            if (is_nbsp(c) && (pend == 0 || pend == ' ')) pend = c;
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

typedef struct span {
    size_t off, len;
} span;

enum { L_BLANK, L_TEXT, L_HEAD, L_LIST, L_QUOTE, L_SEP, L_RULE_EQ, L_RULE_DASH };

typedef struct line {
    int kind, level;
    const uint8_t *text;
    size_t len;
    const uint8_t *label;
    size_t label_len;
} line;

static int only_char(const uint8_t *s, size_t n, uint8_t ch, int spaces_ok, size_t *count)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == ch) k++;
        else if (!(spaces_ok && s[i] == ' ')) return 0;
    }
    *count = k;
    return 1;
}

static int is_separator(const uint8_t *s, size_t n)
{
    size_t k;
    if (n >= 3 && (s[0] == '*' || s[0] == '-' || s[0] == '_') && only_char(s, n, s[0], 1, &k) && k >= 3) return 1;
    if (n >= 2 && s[0] == '[' && s[n - 1] == ']') s++, n -= 2;
    size_t dots = 0;
    for (size_t i = 0; i < n;) {
        if (s[i] == '.') dots++, i++;
        else if (s[i] == ' ') i++;
        else if (n - i >= 3 && s[i] == 0xE2 && s[i + 1] == 0x80 && s[i + 2] == 0xA6) dots += 3, i += 3;
        else return 0;
    }
    return dots >= 3;
}

static line classify(const uint8_t *s, size_t n, int md)
{
    line L = {L_TEXT, 0, s, n, NULL, 0};
    size_t k;
    if (n == 0) { L.kind = L_BLANK; return L; }
    if (md && only_char(s, n, '=', 0, &k)) { L.kind = L_RULE_EQ; return L; }
    if (md && only_char(s, n, '-', 0, &k)) { L.kind = L_RULE_DASH; return L; }
    if (is_separator(s, n)) { L.kind = L_SEP; return L; }
    if (s[0] == '#') {
        size_t h = 0;
        while (h < n && s[h] == '#') h++;
        if (h <= 6 && (h == n || s[h] == ' ')) {
            size_t a = h < n ? h + 1 : n, b = n;
            size_t c = b;
            while (c > a && s[c - 1] == '#') c--;
            if (c == a) b = a;                        /* "## ##": empty */
            else if (c < b && s[c - 1] == ' ') b = c - 1; /* closing "  ##" */
            L.kind = b > a ? L_HEAD : L_BLANK;
            L.level = (int)h;
            L.text = s + a;
            L.len = b - a;
            return L;
        }
    }
    if (s[0] == '>') {
        size_t a = 0;
        for (;;) { /* markers and the blanks between them, no-break ones too */
            uint32_t c;
            size_t l = a < n ? dec(s, n, a, &c) : 0;
            if (!l || (c != '>' && c != ' ' && !is_nbsp(c))) break;
            a += l;
        }
        L.kind = L_QUOTE;
        L.text = s + a;
        L.len = n - a;
        return L;
    }
    size_t lab = 0;
    if (n >= 5 && s[0] == 0xE2 && s[1] == 0x80 && s[2] == 0xA2 && s[3] == ' ') lab = 3; /* • */
    else if (n >= 3 && (s[0] == '-' || s[0] == '*' || (md && s[0] == '+')) && s[1] == ' ') lab = 1;
    else if (s[0] >= '0' && s[0] <= '9') {
        size_t d = 0;
        while (d < n && d < 10 && s[d] >= '0' && s[d] <= '9') d++;
        if (d <= 9 && d + 2 < n && s[d] == '.' && s[d + 1] == ' ') lab = d + 1;
    }
    if (lab) {
        L.kind = L_LIST;
        L.label = s;
        L.label_len = lab;
        L.text = s + lab + 1;
        L.len = n - lab - 1;
    }
    return L;
}

/* ---- stage 4: blocks ------------------------------------------------------- */

enum { B_PARA, B_HEAD, B_LIST, B_QUOTE, B_SEP };

typedef struct blk {
    uint8_t kind, level, label_len, skip;
    uint8_t label[12];
    size_t start, len; /* in the arena */
} blk;

typedef struct doc {
    blk *b;
    size_t n, cap;
    buf arena;
} doc;

static int doc_add(doc *d, int kind, int level, const line *L)
{
    if (d->n == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 64;
        blk *b = realloc(d->b, cap * sizeof *b);
        if (!b) return -1;
        d->b = b;
        d->cap = cap;
    }
    blk *k = &d->b[d->n++];
    memset(k, 0, sizeof *k);
    k->kind = (uint8_t)kind;
    k->level = (uint8_t)level;
    if (L && L->label_len) {
        k->label_len = (uint8_t)L->label_len;
        memcpy(k->label, L->label, L->label_len);
    }
    k->start = d->arena.n;
    k->len = L ? L->len : 0;
    return L ? buf_put(&d->arena, L->text, L->len) : 0;
}

static int doc_append(doc *d, const line *L) /* join to the last block with one space */
{
    blk *k = &d->b[d->n - 1];
    if (buf_put(&d->arena, " ", 1) || buf_put(&d->arena, L->text, L->len)) return -1;
    k->len += 1 + L->len;
    return 0;
}

static int build_blocks(uint8_t *t, const span *ls, size_t from, size_t nl, int md, doc *d)
{
    long open = -1; /* md: the block that following lines continue */
    for (size_t i = from; i < nl; i++) {
        line L = classify(t + ls[i].off, ls[i].len, md);
        int r = 0;
        if (!md) {
            if (L.kind == L_BLANK) continue;
            if (L.kind == L_QUOTE && L.len == 0) continue;
            static const int kind_of[] = {B_PARA, B_PARA, B_HEAD, B_LIST, B_QUOTE, B_SEP, B_PARA, B_PARA};
            r = doc_add(d, kind_of[L.kind], L.level, L.kind == L_SEP ? NULL : &L);
            if (r) return -1;
            continue;
        }
        if (L.kind == L_RULE_EQ || L.kind == L_RULE_DASH) {
            if (open >= 0 && d->b[open].kind == B_PARA) {
                d->b[open].kind = B_HEAD;
                d->b[open].level = L.kind == L_RULE_EQ ? 1 : 2;
                open = -1;
                continue;
            }
            if (L.kind == L_RULE_DASH && L.len >= 3) L.kind = L_SEP;
            else L.kind = L_TEXT;
        }
        switch (L.kind) {
        case L_BLANK: open = -1; break;
        case L_HEAD: r = doc_add(d, B_HEAD, L.level, &L); open = -1; break;
        case L_SEP: r = doc_add(d, B_SEP, 0, NULL); open = -1; break;
        case L_QUOTE:
            if (L.len == 0) { if (open >= 0 && d->b[open].kind == B_QUOTE) open = -1; break; }
            if (open >= 0 && d->b[open].kind == B_QUOTE) { r = doc_append(d, &L); break; }
            r = doc_add(d, B_QUOTE, 0, &L);
            open = (long)d->n - 1;
            break;
        case L_LIST: r = doc_add(d, B_LIST, 0, &L); open = (long)d->n - 1; break;
        default:
            if (open >= 0) { r = doc_append(d, &L); break; }
            r = doc_add(d, B_PARA, 0, &L);
            open = (long)d->n - 1;
        }
        if (r) return -1;
    }
    return 0;
}

/* ---- front matter ------------------------------------------------------------ */

typedef struct front {
    buf title, byline, lang;
    size_t lang_line;
    size_t end; /* first line after it, 0 if none */
} front;

static int span_is(const uint8_t *t, span s, const char *lit)
{
    return s.len == strlen(lit) && memcmp(t + s.off, lit, s.len) == 0;
}

/* "key: value" -> key length (0 if the line is not one). */
static size_t fm_key(const uint8_t *s, size_t n)
{
    size_t k = 0;
    while (k < n && (((s[k] | 32) >= 'a' && (s[k] | 32) <= 'z') || (s[k] >= '0' && s[k] <= '9') || s[k] == '_' ||
                     s[k] == '-'))
        k++;
    if (k == 0 || k >= n || s[k] != ':' || (k + 1 < n && s[k + 1] != ' ')) return 0;
    return k;
}

static int key_is(const uint8_t *s, size_t k, const char *name)
{
    if (strlen(name) != k) return 0;
    for (size_t i = 0; i < k; i++)
        if ((s[i] | 32) != (uint8_t)name[i]) return 0;
    return 1;
}

static int fm_value(buf *b, const uint8_t *v, size_t n)
{
    if (n >= 2 && ((v[0] == '"' && v[n - 1] == '"') || (v[0] == '\'' && v[n - 1] == '\''))) v++, n -= 2;
    if (b->n && buf_put(b, ", ", 2)) return -1;
    size_t at = b->n;
    if (buf_put(b, v, n)) return -1;
    b->n = at + collapse(b->p + at, n);
    if (b->n == at && at >= 2) b->n -= 2;
    return 0;
}

static int front_matter(const uint8_t *t, const span *ls, size_t nl, front *f)
{
    if (nl < 2 || !span_is(t, ls[0], "---")) return 0;
    size_t end = 0;
    int known = 0;
    for (size_t i = 1; i < nl && !end; i++) {
        const uint8_t *s = t + ls[i].off;
        size_t n = ls[i].len, k;
        if (span_is(t, ls[i], "---") || span_is(t, ls[i], "...")) end = i + 1;
        else if (n == 0 || s[0] == '#' || (n >= 2 && s[0] == '-' && s[1] == ' ')) continue;
        else if ((k = fm_key(s, n)) == 0) return 0;
        else known |= key_is(s, k, "title") || key_is(s, k, "author") || key_is(s, k, "byline") ||
                      key_is(s, k, "lang") || key_is(s, k, "language");
    }
    if (!end || !known) return 0;
    buf *last = NULL;
    for (size_t i = 1; i + 1 < end; i++) {
        const uint8_t *s = t + ls[i].off;
        size_t n = ls[i].len, k;
        if (n >= 2 && s[0] == '-' && s[1] == ' ') {
            if (last && last != &f->title && fm_value(last, s + 2, n - 2)) return -1;
            continue;
        }
        if (n == 0 || s[0] == '#' || (k = fm_key(s, n)) == 0) continue;
        const uint8_t *v = s + k + 1;
        size_t vn = n - k - 1;
        if (vn && v[0] == ' ') v++, vn--;
        last = NULL;
        if (key_is(s, k, "title")) last = &f->title;
        else if (key_is(s, k, "author") || key_is(s, k, "byline")) last = &f->byline;
        else if (key_is(s, k, "lang") || key_is(s, k, "language")) last = &f->lang, f->lang_line = i + 1;
        if (last) {
            last->n = 0;
            if (fm_value(last, v, vn)) return -1;
        }
    }
    f->end = end;
    return 0;
}

/* ---- title, byline, words ------------------------------------------------------ */

/* Does a sentence end at s[i] (a . ! ? …)? Returns the end past further
 * stops and closers, or 0; *past (if given) gets that end either way, so
 * that a caller scanning "......" does not rescan the run. */
static size_t sentence_end_at(const uint8_t *s, size_t n, size_t i, size_t *past)
{
    uint32_t c;
    size_t e = i + dec(s, n, i, &c);
    while (e < n) {
        size_t l = dec(s, n, e, &c);
        if (c == '.' || c == '!' || c == '?' || c == 0x2026 || is_closer(c)) e += l;
        else break;
    }
    if (past) *past = e;
    if (e == n) return n;
    if (s[e] != ' ' || e + 1 >= n) return 0;
    dec(s, n, e + 1, &c);
    return (is_upperish(c) || (c >= '0' && c <= '9') || is_opener(c)) ? e : 0;
}

static size_t sentence_end(const uint8_t *s, size_t n, size_t i) { return sentence_end_at(s, n, i, NULL); }

static int is_stop(uint32_t c) { return c == '.' || c == '!' || c == '?' || c == 0x2026; }

static size_t first_sentence(const uint8_t *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        uint32_t c;
        size_t l = dec(s, n, i, &c), past;
        if (is_stop(c)) {
            size_t e = sentence_end_at(s, n, i, &past);
            if (e) return e;
            l = past - i;
        }
        i += l;
    }
    return n;
}

static int looks_like_title(const uint8_t *s, size_t n)
{
    if (cp_count(s, n, 101) > 100) return 0;
    int letter = 0;
    for (size_t i = 0; i < n;) {
        uint32_t c;
        size_t l = dec(s, n, i, &c);
        letter |= is_letter(c);
        if (is_stop(c) && sentence_end(s, n, i) && sentence_end(s, n, i) < n) return 0;
        i += l;
    }
    uint32_t c;
    last_cp(s, n, &c);
    return letter && c != '.' && c != ':' && c != ';' && c != ',' && c != 0x2026;
}

static int is_trailing_junk(uint32_t c)
{
    return c == ' ' || is_nbsp(c) || c == ',' || c == ';' || c == ':' || c == '-' || c == 0x2013 ||
           c == 0x2014 || is_opener(c) || c == 0xAD;
}

/* Title text: s whole if at most max characters, else cut at a word
 * boundary and ended with "…". Soft hyphens are dropped. */
static char *make_title(const uint8_t *s, size_t n, size_t max)
{
    buf b = {0};
    if (cp_count(s, n, max + 1) <= max) {
        if (buf_put(&b, s, n)) goto oom;
    } else {
        size_t i = 0, k = 0, sp = 0;
        while (i < n && k < max - 1) {
            uint32_t c;
            size_t l = dec(s, n, i, &c);
            if (c == ' ') sp = i;
            i += l;
            k++;
        }
        size_t cut = i;
        if (cut < n && s[cut] == ' ') sp = cut;
        if (sp > 0) cut = sp;
        for (;;) { /* never split a letter from its combining marks */
            uint32_t c;
            if (cut >= n) break;
            dec(s, n, cut, &c);
            int k2 = cat_of(c);
            if (k2 < UTF8PROC_CATEGORY_MN || k2 > UTF8PROC_CATEGORY_ME || cut == 0) break;
            cut = last_cp(s, cut, &c);
        }
        while (cut > 0) {
            uint32_t c;
            size_t at = last_cp(s, cut, &c);
            if (!is_trailing_junk(c)) break;
            cut = at;
        }
        if (cut == 0) cut = i;
        if (buf_put(&b, s, cut) || buf_put(&b, "\xE2\x80\xA6", 3)) goto oom;
    }
    b.n = input_strip_soft_hyphens(b.p, b.n);
    if (b.n == 0 && buf_put(&b, "\xE2\x80\xA6", 3)) goto oom;
    return buf_cstr(&b);
oom:
    free(b.p);
    return NULL;
}

static char *sentence_title(const uint8_t *s, size_t n)
{
    size_t e = first_sentence(s, n);
    if (cp_count(s, e, 81) <= 80) {
        uint32_t c, p = 0;
        size_t at = last_cp(s, e, &c);
        if (at > 0) last_cp(s, at, &p);
        if (c == '.' && p != '.' && at > 0) e = at; /* a title ends without a full stop */
        return make_title(s, e, 80);
    }
    return make_title(s, n, 80);
}

/* "By Jane Doe" -> "Jane Doe" (its offset in s), or 0. */
static size_t byline_at(const uint8_t *s, size_t n)
{
    if (n < 4 || (s[0] != 'B' && s[0] != 'b') || (s[1] != 'y' && s[1] != 'Y') || s[2] != ' ') return 0;
    if (cp_count(s, n, 101) > 100) return 0;
    uint32_t c;
    dec(s, n, 3, &c);
    if (!is_upperish(c)) return 0;
    last_cp(s, n, &c);
    if (is_stop(c) || c == ':' || c == ';' || c == ',') return 0;
    for (size_t i = 3; i < n; i++)
        if (is_stop(s[i]) && sentence_end(s, n, i) && sentence_end(s, n, i) < n) return 0;
    return 3;
}

static uint32_t count_words(const uint8_t *s, size_t n, uint32_t words)
{
    int in = 0;
    for (size_t i = 0; i < n;) {
        uint32_t c;
        size_t l = dec(s, n, i, &c);
        if (is_word_char(c)) {
            if (!in && words < UINT32_MAX) words++;
            in = 1;
        } else if (in && (c == '\'' || c == 0x2019 || c == 0xAD) && i + l < n) {
            uint32_t d;
            dec(s, n, i + l, &d);
            in = is_word_char(d);
        } else {
            in = 0;
        }
        i += l;
    }
    return words;
}

/* ---- the parser ---------------------------------------------------------------- */

typedef int (*hyph_get_fn)(void *ctx, const char *spec, hyph **h, lerr *e);

static int get_fixed(void *ctx, const char *spec, hyph **h, lerr *e)
{
    (void)spec, (void)e;
    *h = ctx;
    return 0;
}

static int has_text_after(const doc *d, size_t i)
{
    for (size_t j = i + 1; j < d->n; j++)
        if (!d->b[j].skip && d->b[j].kind != B_SEP) return 1;
    return 0;
}

static size_t first_kept(const doc *d)
{
    size_t i = 0;
    while (i < d->n && d->b[i].skip) i++;
    return i;
}

static int parse_core(const uint8_t *bytes, size_t n, const char *name, int lossy, const char *lang_force,
                      const char *lang_default, hyph_get_fn get, void *gctx, input_essay *out, lerr *e)
{
    buf t = {0}, o = {0};
    span *ls = NULL;
    doc d = {0};
    front f = {0};
    char *spec_own = NULL; /* front matter lang */
    int rc = -1;
    memset(out, 0, sizeof *out);

    if (decode(bytes, n, name, lossy, &t, &out->replaced, e) || nfc(&t, name, e)) goto done;
    if (t.n == 0) {
        lerr_set(e, "%s: empty file", name);
        goto done;
    }

    /* Lines, folded in place. */
    size_t nl = 1;
    for (size_t i = 0; i < t.n; i++) nl += t.p[i] == '\n';
    ls = malloc(nl * sizeof *ls);
    if (!ls) goto oom;
    nl = 0;
    for (size_t i = 0; i <= t.n;) {
        size_t j = i;
        while (j < t.n && t.p[j] != '\n') j++;
        ls[nl].off = i;
        ls[nl++].len = collapse(t.p + i, j - i);
        i = j + 1;
    }

    if (front_matter(t.p, ls, nl, &f)) goto oom;
    if (f.lang.n) {
        char tag[64];
        if (!(spec_own = buf_cstr(&f.lang))) goto oom;
        if (strchr(spec_own, '/') || has_suffix_ci(spec_own, ".dic") ||
            hyph_lang_tag(spec_own, tag, sizeof tag) != 0) {
            lerr_set(e, "%s:%zu: front matter lang \"%.40s\" is not a language tag like en-US", name,
                     f.lang_line, spec_own);
            goto done;
        }
    }
    int md = is_markdown(name);
    if (build_blocks(t.p, ls, f.end, nl, md, &d)) goto oom;
    const uint8_t *A = d.arena.p;

    /* Title: front matter, a first heading, a title-like first line, or
     * the first sentence. */
    size_t fb = 0; /* first block with text */
    while (fb < d.n && d.b[fb].kind == B_SEP) fb++;
    if (fb == d.n && !f.title.n) {
        lerr_set(e, "%s: empty essay: no text, only blank lines%s", name,
                 f.end ? " and front matter" : d.n ? " and separators" : "");
        goto done;
    }
    const blk *b0 = fb < d.n ? &d.b[fb] : NULL;
    int from_block = 1;
    if (f.title.n) {
        out->title = make_title(f.title.p, f.title.n, 200);
        if (b0 && b0->kind == B_HEAD && b0->len == f.title.n && memcmp(A + b0->start, f.title.p, f.title.n) == 0)
            d.b[fb].skip = 1;
    } else if (b0->kind == B_HEAD ||
               (b0->kind == B_PARA && has_text_after(&d, fb) && looks_like_title(A + b0->start, b0->len))) {
        out->title = make_title(A + b0->start, b0->len, 200);
        d.b[fb].skip = 1;
    } else {
        out->title = sentence_title(A + b0->start, b0->len);
        from_block = 0;
    }
    if (!out->title) goto oom;

    if (f.byline.n) {
        out->byline = make_title(f.byline.p, f.byline.n, 200);
    } else {
        size_t i = first_kept(&d);
        size_t at = 0;
        if (from_block && i < d.n && d.b[i].kind == B_PARA && has_text_after(&d, i) &&
            (at = byline_at(A + d.b[i].start, d.b[i].len)) != 0) {
            out->byline = make_title(A + d.b[i].start + at, d.b[i].len - at, 200);
            d.b[i].skip = 1;
        } else {
            out->byline = dup_str("");
        }
    }
    if (!out->byline) goto oom;
    if (!has_text_after(&d, (size_t)-1)) {
        lerr_set(e, "%s: the essay has a title (\"%.80s\") but no text", name, out->title);
        goto done;
    }

    /* Language, and the patterns for it. */
    char tag[64];
    const char *spec = lang_force && *lang_force ? lang_force : spec_own;
    if (!spec) spec = lang_default && *lang_default ? lang_default : "en-US";
    hyph_lang_tag(spec, tag, sizeof tag);
    out->lang = dup_str(tag);
    if (!out->lang) goto oom;
    hyph *h = NULL;
    if (get(gctx, spec, &h, e)) {
        lerr_prefix(e, name);
        goto done;
    }

    /* Output: one line per block. Separators only between text blocks. */
    int pending_sep = 0, any = 0;
    for (size_t i = 0; i < d.n; i++) {
        const blk *k = &d.b[i];
        if (k->skip) continue;
        if (k->kind == B_SEP) { pending_sep = any; continue; }
        if (buf_reserve(&o, 16 + k->label_len + 3 * k->len)) goto oom;
        if (pending_sep) o.p[o.n++] = ESSAY_MARK_SEP, o.p[o.n++] = '\n';
        pending_sep = 0;
        any = 1;
        if (k->kind == B_HEAD) o.p[o.n++] = ESSAY_MARK_HEADING, o.p[o.n++] = (uint8_t)('0' + k->level);
        if (k->kind == B_QUOTE) o.p[o.n++] = ESSAY_MARK_QUOTE;
        if (k->kind == B_LIST) {
            o.p[o.n++] = ESSAY_MARK_LIST;
            memcpy(o.p + o.n, k->label, k->label_len);
            o.n += k->label_len;
            o.p[o.n++] = ' ';
        }
        o.n += hyph_text(h, A + k->start, k->len, o.p + o.n);
        o.p[o.n++] = '\n';
        out->words = count_words(A + k->start, k->len, out->words);
        if (o.n > INPUT_MAX_TEXT) {
            lerr_set(e, "%s: essay text too large (over %u MiB)", name, INPUT_MAX_TEXT >> 20);
            goto done;
        }
    }
    out->path = dup_str(name);
    if (!out->path) goto oom;
    out->size = o.n;
    out->text = o.p;
    o.p = NULL;
    rc = 0;
    goto done;
oom:
    lerr_set(e, "%s: out of memory", name);
done:
    if (rc) input_essay_free(out);
    free(spec_own);
    free(t.p);
    free(o.p);
    free(ls);
    free(d.b);
    free(d.arena.p);
    free(f.title.p);
    free(f.byline.p);
    free(f.lang.p);
    return rc;
}

int input_parse(const uint8_t *bytes, size_t n, const char *name, const input_opts *o, hyph *h,
                input_essay *out, lerr *e)
{
    if (!name) name = "(input)";
    return parse_core(bytes, n, name, o ? o->lossy : 0, NULL, o ? o->lang : NULL, get_fixed, h, out, e);
}

void input_essay_free(input_essay *es)
{
    if (!es) return;
    free(es->path);
    free(es->title);
    free(es->byline);
    free(es->lang);
    free(es->text);
    memset(es, 0, sizeof *es);
}

void input_essays_free(input_essay *v, size_t n)
{
    if (!v) return;
    for (size_t i = 0; i < n; i++) input_essay_free(&v[i]);
    free(v);
}

size_t input_strip_soft_hyphens(uint8_t *s, size_t n)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == 0xC2 && i + 1 < n && s[i + 1] == 0xAD) { i++; continue; }
        s[o++] = s[i];
    }
    return o;
}

/* ---- files ------------------------------------------------------------------------ */

static int read_all(const char *path, uint8_t **out, size_t *n, lerr *e)
{
    *out = NULL;
    *n = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        lerr_set(e, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        lerr_set(e, "%s: not a regular file", path);
        close(fd);
        return -1;
    }
    if ((unsigned long long)st.st_size > INPUT_MAX_FILE) {
        lerr_set(e, "%s: too large (%lld bytes; the limit is %u MiB)", path, (long long)st.st_size,
                 INPUT_MAX_FILE >> 20);
        close(fd);
        return -1;
    }
    buf b = {0};
    if (buf_reserve(&b, (size_t)st.st_size + 1)) goto oom;
    for (;;) {
        if (b.n == b.cap && buf_reserve(&b, 4096)) goto oom;
        ssize_t r = read(fd, b.p + b.n, b.cap - b.n);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) {
            lerr_set(e, "%s: cannot read: %s", path, strerror(errno));
            goto fail;
        }
        if (r == 0) break;
        b.n += (size_t)r;
        if (b.n > INPUT_MAX_FILE) {
            lerr_set(e, "%s: too large (the limit is %u MiB)", path, INPUT_MAX_FILE >> 20);
            goto fail;
        }
    }
    close(fd);
    *out = b.p;
    *n = b.n;
    return 0;
oom:
    lerr_set(e, "%s: out of memory", path);
fail:
    close(fd);
    free(b.p);
    return -1;
}

static char *join_path(const char *dir, const char *name)
{
    size_t a = strlen(dir), b = strlen(name);
    int slash = a > 0 && dir[a - 1] != '/';
    char *p = malloc(a + slash + b + 1);
    if (!p) return NULL;
    memcpy(p, dir, a);
    if (slash) p[a] = '/';
    memcpy(p + a + slash, name, b + 1);
    return p;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

typedef struct strv {
    char **v;
    size_t n, cap;
} strv;

static int strv_push(strv *s, char *p) /* takes p */
{
    if (!p) return -1;
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        char **v = realloc(s->v, cap * sizeof *v);
        if (!v) { free(p); return -1; }
        s->v = v;
        s->cap = cap;
    }
    s->v[s->n++] = p;
    return 0;
}

static void strv_free(strv *s)
{
    for (size_t i = 0; i < s->n; i++) free(s->v[i]);
    free(s->v);
    memset(s, 0, sizeof *s);
}

/* The folder's *.txt and *.md regular files (not hidden), sorted by name. */
static int list_dir(const char *dir, strv *names, lerr *e)
{
    DIR *dp = opendir(dir);
    if (!dp) {
        lerr_set(e, "%s: cannot open folder: %s", dir, strerror(errno));
        return -1;
    }
    for (;;) {
        errno = 0;
        struct dirent *de = readdir(dp);
        if (!de) break;
        const char *nm = de->d_name;
        if (nm[0] == '.' || !(has_suffix_ci(nm, ".txt") || has_suffix_ci(nm, ".md"))) continue;
        char *p = join_path(dir, nm);
        struct stat st;
        if (!p) goto oom;
        if (stat(p, &st) != 0) { /* a dangling link is an essay we cannot read */
            lerr_set(e, "%s: cannot read: %s", p, strerror(errno));
            free(p);
            closedir(dp);
            return -1;
        }
        free(p);
        if (S_ISREG(st.st_mode) && strv_push(names, dup_str(nm))) goto oom;
    }
    if (errno) {
        lerr_set(e, "%s: cannot read folder: %s", dir, strerror(errno));
        closedir(dp);
        return -1;
    }
    closedir(dp);
    if (names->n) qsort(names->v, names->n, sizeof *names->v, cmp_str);
    return 0;
oom:
    closedir(dp);
    lerr_set(e, "%s: out of memory", dir);
    return -1;
}

/* ---- manifest.ini ------------------------------------------------------------------- */

typedef struct mf_ent {
    char *name, *title, *byline, *lang; /* NULL when not given */
    size_t line;
} mf_ent;

typedef struct manifest {
    const char *path;
    const uint8_t *src;
    size_t len, pos, line;
    int sect; /* 0 none yet, 1 [defaults], 2 a file */
    int defaults_seen;
    char *def_lang;
    mf_ent *v;
    size_t n, cap;
    int failed;
    lerr *e;
} manifest;

static void mf_free(manifest *m)
{
    for (size_t i = 0; i < m->n; i++) {
        free(m->v[i].name);
        free(m->v[i].title);
        free(m->v[i].byline);
        free(m->v[i].lang);
    }
    free(m->v);
    free(m->def_lang);
}

/* Checked, NFC, whitespace-folded copy of a manifest value. */
static char *mf_text(manifest *m, const char *what, const char *v)
{
    size_t n = strlen(v), bad;
    for (size_t i = 0; i < n; i++) {
        uint8_t c = (uint8_t)v[i];
        if (c == '\t') continue;
        if (c < 0x20 || c == 0x7F) {
            lerr_set(m->e, "%s:%zu: %s has a control character", m->path, m->line, what);
            return NULL;
        }
    }
    if (!utf8_valid((const uint8_t *)v, n, &bad)) {
        lerr_set(m->e, "%s:%zu: %s is not valid UTF-8 (byte %zu of the value)", m->path, m->line, what, bad);
        return NULL;
    }
    utf8proc_uint8_t *d = NULL;
    utf8proc_ssize_t r = utf8proc_map((const utf8proc_uint8_t *)v, (utf8proc_ssize_t)n, &d,
                                      UTF8PROC_COMPOSE | UTF8PROC_STABLE);
    if (r < 0) {
        lerr_set(m->e, "%s:%zu: %s: %s", m->path, m->line, what, utf8proc_errmsg(r));
        return NULL;
    }
    for (utf8proc_ssize_t i = 0; i < r; i++)
        if (d[i] == '\t') d[i] = ' ';
    size_t k = collapse(d, (size_t)r);
    d[k] = 0;
    return (char *)d;
}

static int mf_fail(manifest *m)
{
    m->failed = 1;
    return 0;
}

static char *mf_read(char *str, int num, void *stream)
{
    manifest *m = stream;
    if (m->failed || m->pos >= m->len) return NULL;
    size_t a = m->pos, b = a;
    while (b < m->len && m->src[b] != '\n') b++;
    m->pos = b < m->len ? b + 1 : b;
    m->line++;
    if (m->line == 1 && b - a >= 3 && m->src[a] == 0xEF && m->src[a + 1] == 0xBB && m->src[a + 2] == 0xBF) a += 3;
    if (b > a && m->src[b - 1] == '\r') b--;
    /* No leading blanks: libinih would take an indented line as the
     * continuation of the previous value. */
    while (a < b && (m->src[a] == ' ' || m->src[a] == '\t')) a++;
    if (memchr(m->src + a, 0, b - a)) {
        lerr_set(m->e, "%s:%zu: NUL byte", m->path, m->line);
        mf_fail(m);
        return NULL;
    }
    if (num < 3 || b - a > (size_t)num - 2) {
        lerr_set(m->e, "%s:%zu: line longer than %d bytes (libinih's limit)", m->path, m->line, num - 2);
        mf_fail(m);
        return NULL;
    }
    memcpy(str, m->src + a, b - a);
    str[b - a] = '\n';
    str[b - a + 1] = 0;

    /* Sections are read here, not from libinih, which drops sections with
     * no keys and cuts names at 50 bytes. */
    if (str[0] == '[') {
        char *close = strchr(str, ']');
        if (!close) return str; /* libinih reports the syntax error */
        char *p = str + 1, *q = close;
        while (p < q && (*p == ' ' || *p == '\t')) p++;
        while (q > p && (q[-1] == ' ' || q[-1] == '\t')) q--;
        size_t nl = (size_t)(q - p);
        if (nl == 8 && memcmp(p, "defaults", 8) == 0) {
            if (m->defaults_seen) {
                lerr_set(m->e, "%s:%zu: [defaults] given twice", m->path, m->line);
                mf_fail(m);
                return NULL;
            }
            m->defaults_seen = 1;
            m->sect = 1;
            return str;
        }
        if (nl == 0 || memchr(p, '/', nl) || (nl == 1 && p[0] == '.') || (nl == 2 && p[0] == '.' && p[1] == '.') ||
            !utf8_valid((const uint8_t *)p, nl, NULL)) {
            lerr_set(m->e, "%s:%zu: [%.*s] is not a file name in this folder", m->path, m->line, (int)nl, p);
            mf_fail(m);
            return NULL;
        }
        if (m->n == m->cap) {
            size_t cap = m->cap ? m->cap * 2 : 16;
            mf_ent *v = realloc(m->v, cap * sizeof *v);
            if (!v) goto oom;
            m->v = v;
            m->cap = cap;
        }
        mf_ent *en = &m->v[m->n];
        memset(en, 0, sizeof *en);
        if (!(en->name = dup_mem((const uint8_t *)p, nl))) goto oom;
        en->line = m->line;
        m->n++;
        m->sect = 2;
    }
    return str;
oom:
    lerr_set(m->e, "%s: out of memory", m->path);
    mf_fail(m);
    return NULL;
}

static int key_eq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        int c = (uint8_t)*a;
        if (c >= 'A' && c <= 'Z') c += 32;
        if (c != (uint8_t)*b) return 0;
    }
    return *a == *b;
}

static int mf_lang_ok(manifest *m, const char *v)
{
    char tag[64];
    if (strchr(v, '/') || has_suffix_ci(v, ".dic") || hyph_lang_tag(v, tag, sizeof tag) == 0) return 1;
    lerr_set(m->e, "%s:%zu: lang \"%.40s\" is not a language tag like en-US nor a .dic file", m->path, m->line, v);
    return 0;
}

static int mf_set(manifest *m, char **slot, const char *key, const char *v, int need_text)
{
    if (*slot) {
        lerr_set(m->e, "%s:%zu: %s given twice", m->path, m->line, key);
        return mf_fail(m);
    }
    if (!(*slot = mf_text(m, key, v))) return mf_fail(m);
    if (need_text && !**slot) {
        lerr_set(m->e, "%s:%zu: empty %s", m->path, m->line, key);
        return mf_fail(m);
    }
    return 1;
}

static int mf_handle(void *user, const char *section, const char *key, const char *value)
{
    manifest *m = user;
    (void)section;
    if (m->failed) return 0;
    if (m->sect == 0) {
        lerr_set(m->e, "%s:%zu: \"%s\" is outside a section; start with [defaults] or [file name]", m->path,
                 m->line, key);
        return mf_fail(m);
    }
    if (m->sect == 1) {
        if (!key_eq(key, "lang")) {
            lerr_set(m->e, "%s:%zu: unknown key \"%s\" in [defaults] (known: lang)", m->path, m->line, key);
            return mf_fail(m);
        }
        return mf_set(m, &m->def_lang, "lang", value, 1) && (mf_lang_ok(m, m->def_lang) || mf_fail(m));
    }
    mf_ent *en = &m->v[m->n - 1];
    if (key_eq(key, "title")) return mf_set(m, &en->title, "title", value, 1);
    if (key_eq(key, "byline")) return mf_set(m, &en->byline, "byline", value, 0);
    if (key_eq(key, "lang")) return mf_set(m, &en->lang, "lang", value, 1) && (mf_lang_ok(m, en->lang) || mf_fail(m));
    lerr_set(m->e, "%s:%zu: unknown key \"%s\" (known: title, byline, lang)", m->path, m->line, key);
    return mf_fail(m);
}

static int cmp_ent(const void *a, const void *b)
{
    const mf_ent *x = *(const mf_ent *const *)a, *y = *(const mf_ent *const *)b;
    int c = strcmp(x->name, y->name);
    return c ? c : (x->line > y->line) - (x->line < y->line);
}

static int manifest_load(const char *path, manifest *m, lerr *e)
{
    uint8_t *src;
    size_t n;
    memset(m, 0, sizeof *m);
    if (read_all(path, &src, &n, e)) return -1;
    m->path = path;
    m->src = src;
    m->len = n;
    m->e = e;
    int r = ini_parse_stream(mf_read, m, mf_handle, m);
    free(src);
    m->src = NULL;
    if (m->failed) return -1;
    if (r > 0) {
        lerr_set(e, "%s:%d: expected [file name], key = value, or a ; comment", path, r);
        return -1;
    }
    if (r < 0) {
        lerr_set(e, "%s: out of memory", path);
        return -1;
    }
    /* Repeated sections: sort a copy of the pointers, compare neighbours. */
    if (m->n > 1) {
        const mf_ent **s = malloc(m->n * sizeof *s);
        if (!s) {
            lerr_set(e, "%s: out of memory", path);
            return -1;
        }
        for (size_t i = 0; i < m->n; i++) s[i] = &m->v[i];
        qsort(s, m->n, sizeof *s, cmp_ent);
        for (size_t i = 1; i < m->n; i++)
            if (strcmp(s[i]->name, s[i - 1]->name) == 0) {
                lerr_set(e, "%s:%zu: [%s] given twice (first at line %zu)", path, s[i]->line, s[i]->name,
                         s[i - 1]->line);
                free(s);
                return -1;
            }
        free(s);
    }
    return 0;
}

/* ---- collect ----------------------------------------------------------------------- */

typedef struct item {
    char *path;
    const mf_ent *mf;          /* manifest entry or NULL */
    const char *lang_default;  /* manifest [defaults] lang or NULL */
} item;

typedef struct hcache {
    char **spec;
    hyph **h;
    size_t n;
} hcache;

static int get_cached(void *ctx, const char *spec, hyph **out, lerr *e)
{
    hcache *c = ctx;
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->spec[i], spec) == 0) { *out = c->h[i]; return 0; }
    char **s = realloc(c->spec, (c->n + 1) * sizeof *s);
    if (s) c->spec = s;
    hyph **hv = realloc(c->h, (c->n + 1) * sizeof *hv);
    if (hv) c->h = hv;
    char *d = dup_str(spec);
    if (!s || !hv || !d) {
        free(d);
        lerr_set(e, "out of memory");
        return -1;
    }
    if (hyph_open(out, spec, e)) {
        free(d);
        return -1;
    }
    c->spec[c->n] = d;
    c->h[c->n++] = *out;
    return 0;
}

static void hcache_free(hcache *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->spec[i]);
        hyph_close(c->h[i]);
    }
    free(c->spec);
    free(c->h);
}

typedef struct items {
    item *v;
    size_t n, cap;
} items;

static int items_push(items *it, char *path, const mf_ent *mf, const char *lang_default)
{
    if (!path) return -1;
    if (it->n == it->cap) {
        size_t cap = it->cap ? it->cap * 2 : 64;
        item *v = realloc(it->v, cap * sizeof *v);
        if (!v) { free(path); return -1; }
        it->v = v;
        it->cap = cap;
    }
    it->v[it->n++] = (item){path, mf, lang_default};
    return 0;
}

static int add_dir(const char *dir, items *it, manifest **mfs, size_t *nmf, lerr *e)
{
    strv names = {0};
    int rc = -1;
    size_t before = it->n;
    if (list_dir(dir, &names, e)) goto done;

    char *mpath = join_path(dir, "manifest.ini");
    if (!mpath) goto oom;
    struct stat st;
    const manifest *m = NULL;
    if (stat(mpath, &st) == 0) {
        manifest *v = realloc(*mfs, (*nmf + 1) * sizeof *v);
        if (!v) { free(mpath); goto oom; }
        *mfs = v;
        /* The manifest's path must outlive it: it is kept in messages. */
        if (manifest_load(mpath, &v[*nmf], e)) {
            mf_free(&v[*nmf]);
            free(mpath);
            goto done;
        }
        v[*nmf].path = NULL;
        m = &v[(*nmf)++];
    }
    /* Listed files first, in manifest order. */
    char *used = NULL;
    if (m) {
        used = calloc(names.n + 1, 1);
        if (!used) { free(mpath); goto oom; }
        for (size_t i = 0; i < m->n; i++) {
            const mf_ent *en = &m->v[i];
            char *p = join_path(dir, en->name);
            if (!p || stat(p, &st) != 0 || !S_ISREG(st.st_mode)) {
                if (p) lerr_set(e, "%s:%zu: [%s]: no such file in %s", mpath, en->line, en->name, dir);
                else lerr_set(e, "out of memory");
                free(p);
                free(used);
                free(mpath);
                goto done;
            }
            if (items_push(it, p, en, m->def_lang)) { free(used); free(mpath); goto oom; }
            char *key = en->name;
            char **hit = names.n ? bsearch(&key, names.v, names.n, sizeof *names.v, cmp_str) : NULL;
            if (hit) used[hit - names.v] = 1;
        }
    }
    free(mpath);
    for (size_t i = 0; i < names.n; i++)
        if (!used || !used[i])
            if (items_push(it, join_path(dir, names.v[i]), NULL, m ? m->def_lang : NULL)) { free(used); goto oom; }
    free(used);
    if (it->n == before) {
        lerr_set(e, "%s: no .txt or .md essays in this folder", dir);
        goto done;
    }
    rc = 0;
    goto done;
oom:
    lerr_set(e, "%s: out of memory", dir);
done:
    strv_free(&names);
    return rc;
}

int input_collect(char *const *args, size_t nargs, const input_opts *o, input_essay **out, size_t *n, lerr *e)
{
    items it = {0};
    manifest *mfs = NULL;
    size_t nmf = 0;
    hcache hc = {0};
    input_essay *v = NULL;
    size_t nv = 0;
    int rc = -1;
    *out = NULL;
    *n = 0;

    if (nargs == 0) {
        lerr_set(e, "no input: give essay files or folders");
        return -1;
    }
    for (size_t i = 0; i < nargs; i++) {
        struct stat st;
        if (stat(args[i], &st) != 0) {
            lerr_set(e, "%s: %s", args[i], strerror(errno));
            goto done;
        }
        if (S_ISDIR(st.st_mode)) {
            if (add_dir(args[i], &it, &mfs, &nmf, e)) goto done;
        } else if (S_ISREG(st.st_mode)) {
            if (items_push(&it, dup_str(args[i]), NULL, NULL)) goto oom;
        } else {
            lerr_set(e, "%s: not a file or folder", args[i]);
            goto done;
        }
    }

    v = calloc(it.n, sizeof *v);
    if (!v) goto oom;
    for (size_t i = 0; i < it.n; i++) {
        const item *x = &it.v[i];
        uint8_t *bytes;
        size_t len;
        if (read_all(x->path, &bytes, &len, e)) goto done;
        const char *def = x->lang_default ? x->lang_default : o ? o->lang : NULL;
        int r = parse_core(bytes, len, x->path, o ? o->lossy : 0, x->mf ? x->mf->lang : NULL, def, get_cached,
                           &hc, &v[nv], e);
        free(bytes);
        if (r) goto done;
        nv++;
        if (x->mf && x->mf->title) {
            char *t = dup_str(x->mf->title);
            if (!t) goto oom;
            free(v[nv - 1].title);
            v[nv - 1].title = t;
        }
        if (x->mf && x->mf->byline) {
            char *b = dup_str(x->mf->byline);
            if (!b) goto oom;
            free(v[nv - 1].byline);
            v[nv - 1].byline = b;
        }
    }
    *out = v;
    *n = nv;
    v = NULL;
    rc = 0;
    goto done;
oom:
    lerr_set(e, "out of memory");
done:
    input_essays_free(v, nv);
    for (size_t i = 0; i < it.n; i++) free(it.v[i].path);
    free(it.v);
    for (size_t i = 0; i < nmf; i++) mf_free(&mfs[i]);
    free(mfs);
    hcache_free(&hc);
    return rc;
}

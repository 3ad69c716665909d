/* input_blocks.c - stage 4 of input_parse_core: folded lines to a doc of
 * blocks, by the .txt and .md rules of input.h. The seam for a Markdown
 * library is input_blocks(): see input_int.h. */
#include "input_int.h"

#include <stdlib.h>
#include <string.h>

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

int input_is_separator(const uint8_t *s, size_t n)
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
    if (input_is_separator(s, n)) { L.kind = L_SEP; return L; }
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
            if (!l || (c != '>' && c != ' ' && !text_is_nbsp(c))) break;
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

static size_t chars(const uint8_t *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) k += (s[i] & 0xC0) != 0x80;
    return k;
}

int input_txt_wrapped(const uint8_t *t, const span *ls, size_t from, size_t nl, size_t *lines, size_t *paras)
{
    size_t text = 0, over = 0, groups = 0, multi = 0, cont = 0, wide = 0, maxc = 0;
    *lines = *paras = 0;
    /* pass 1: the longest line a paragraph continues after; pass 2: the counts */
    for (int pass = 0; pass < 2; pass++) {
        size_t run = 0; /* lines in the current paragraph */
        for (size_t i = from; i <= nl; i++) {
            int blank = i == nl || ls[i].len == 0;
            if (blank) {
                if (pass && run) groups++, multi += run > 1;
                run = 0;
                continue;
            }
            size_t c = chars(t + ls[i].off, ls[i].len);
            int continued = i + 1 < nl && ls[i + 1].len != 0;
            if (pass == 0) {
                if (continued && c <= 80 && c > maxc) maxc = c;
                continue;
            }
            run++;
            text++;
            over += c > 80;
            if (continued && c <= 80) cont++, wide += c * 10 > maxc * 6;
        }
    }
    *lines = text;
    *paras = groups;
    return groups >= 2 && multi >= 2 && over * 10 <= text && cont > 0 && wide * 4 >= cont * 3 && maxc >= 40;
}

int input_blocks(const uint8_t *t, const span *ls, size_t from, size_t nl, int mode, doc *d)
{
    long open = -1; /* md and wrapped: the block that following lines continue */
    int md = mode == BLOCKS_MD;
    for (size_t i = from; i < nl; i++) {
        line L = classify(t + ls[i].off, ls[i].len, md);
        int r = 0;
        if (mode == BLOCKS_TXT) {
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

/* input_manifest.c - manifest.ini (input.h, "Manifest"), read with
 * libinih; lines are fed by hand so that errors name the line. */
#include "input_int.h"

#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* ---- manifest.ini ------------------------------------------------------------------- */

void input_manifest_free(manifest *m)
{
    for (size_t i = 0; i < m->n; i++) {
        free(m->v[i].name);
        free(m->v[i].title);
        free(m->v[i].byline);
        free(m->v[i].lang);
        free(m->v[i].smart);
    }
    free(m->v);
    free(m->def_lang);
    free(m->def_smart);
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
    for (size_t i = 0; i < n;) { /* C1 controls (U+0080..U+009F): text.h's boundary rule, as in essays */
        uint32_t c;
        int b;
        i += text_scan((const uint8_t *)v + i, n - i, &c, &b);
        if (b == TEXT_BAD_CTRL) {
            lerr_set(m->e, "%s:%zu: %s has a control character (U+%04X)", m->path, m->line, what, (unsigned)c);
            return NULL;
        }
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
    size_t k = input_collapse(d, (size_t)r);
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
        if (!(en->name = input_memdup((const uint8_t *)p, nl))) goto oom;
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
    if (strchr(v, '/') || input_has_suffix_ci(v, ".dic") || hyph_lang_tag(v, tag, sizeof tag) == 0) return 1;
    lerr_set(m->e, "%s:%zu: lang \"%.40s\" is not a language tag like en-US nor a .dic file", m->path, m->line, v);
    return 0;
}

static int mf_yes_no(manifest *m, const char *v)
{
    if (key_eq(v, "yes") || key_eq(v, "no")) return 1;
    lerr_set(m->e, "%s:%zu: smart_quotes is \"%.40s\"; write yes or no", m->path, m->line, v);
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
        if (key_eq(key, "smart_quotes"))
            return mf_set(m, &m->def_smart, "smart_quotes", value, 1) && (mf_yes_no(m, m->def_smart) || mf_fail(m));
        if (!key_eq(key, "lang")) {
            lerr_set(m->e, "%s:%zu: unknown key \"%s\" in [defaults] (known: lang, smart_quotes)", m->path, m->line,
                     key);
            return mf_fail(m);
        }
        m->def_lang_line = m->line;
        return mf_set(m, &m->def_lang, "lang", value, 1) && (mf_lang_ok(m, m->def_lang) || mf_fail(m));
    }
    mf_ent *en = &m->v[m->n - 1];
    if (key_eq(key, "smart_quotes"))
        return mf_set(m, &en->smart, "smart_quotes", value, 1) && (mf_yes_no(m, en->smart) || mf_fail(m));
    if (key_eq(key, "title")) return mf_set(m, &en->title, "title", value, 1);
    if (key_eq(key, "byline")) return mf_set(m, &en->byline, "byline", value, 0);
    if (key_eq(key, "lang")) {
        en->lang_line = m->line;
        return mf_set(m, &en->lang, "lang", value, 1) && (mf_lang_ok(m, en->lang) || mf_fail(m));
    }
    lerr_set(m->e, "%s:%zu: unknown key \"%s\" (known: title, byline, lang, smart_quotes)", m->path, m->line, key);
    return mf_fail(m);
}

static int cmp_ent(const void *a, const void *b)
{
    const mf_ent *x = *(const mf_ent *const *)a, *y = *(const mf_ent *const *)b;
    int c = strcmp(x->name, y->name);
    return c ? c : (x->line > y->line) - (x->line < y->line);
}

int input_manifest_parse(const uint8_t *src, size_t n, const char *path, manifest *m, lerr *e)
{
    memset(m, 0, sizeof *m);
    m->path = path;
    m->src = src;
    m->len = n;
    m->e = e;
    int r = ini_parse_stream(mf_read, m, mf_handle, m);
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

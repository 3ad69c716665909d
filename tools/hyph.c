/* hyph.c - see hyph.h. libhyphen does the Liang pattern matching; this file
 * decides which words to give it, lowercases them (patterns are lowercase)
 * and maps its break vector back onto the original bytes. */
#include "hyph.h"

#include "text.h"

#include <fcntl.h>
#include <hyphen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utf8proc.h>

/* Longer "words" are junk (hashes, base64) or chemistry: leave them alone,
 * which also keeps every buffer below on the stack. */
#define HYPH_MAX_CPS 64
#define LEFT_MIN 2
#define RIGHT_MIN 3
#define MIN_LETTERS 5

struct hyph {
    HyphenDict *dict;
    int utf8;        /* else ISO8859-1: one byte per code point <= U+00FF */
    char tag[64];
    char path[512];
};

static int is_alpha(int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static int is_digit(int c) { return c >= '0' && c <= '9'; }
static int to_lower(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }
static int to_upper(int c) { return c >= 'a' && c <= 'z' ? c - 32 : c; }

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

static int is_path(const char *lang) { return strchr(lang, '/') || ends_with(lang, ".dic"); }

/* Canonical spelling of a tag whose subtags are separated by '-' or '_'. */
static int canon_tag(const char *s, size_t len, char *out, size_t cap)
{
    size_t o = 0, i = 0, k = 0;
    if (len == 0 || len >= cap) return -1;
    while (i < len) {
        size_t j = i;
        while (j < len && s[j] != '-' && s[j] != '_') j++;
        size_t n = j - i;
        if (n < 1 || n > 8) return -1;
        int alpha = 1, digits = 1;
        for (size_t t = i; t < j; t++) {
            if (!is_alpha((uint8_t)s[t])) alpha = 0;
            if (!is_digit((uint8_t)s[t])) digits = 0;
            if (!is_alpha((uint8_t)s[t]) && !is_digit((uint8_t)s[t])) return -1;
        }
        if (k == 0 && (!alpha || n < 2 || n > 8)) return -1;
        if (k) out[o++] = '-';
        for (size_t t = i; t < j; t++) {
            int c = to_lower((uint8_t)s[t]);
            if (k > 0 && ((n == 2 && alpha) || (n == 3 && digits))) c = to_upper(c);
            if (k > 0 && n == 4 && alpha && t == i) c = to_upper(c);
            out[o++] = (char)c;
        }
        k++;
        if (j == len) break;
        i = j + 1;
        if (i == len) return -1;
    }
    out[o] = 0;
    return 0;
}

int hyph_lang_tag(const char *lang, char *out, size_t cap)
{
    if (!cap) return -1;
    if (!lang || !*lang) lang = "en-US";
    if (is_path(lang)) {
        const char *base = strrchr(lang, '/');
        base = base ? base + 1 : lang;
        size_t n = strlen(base);
        if (ends_with(base, ".dic")) n -= 4;
        if (n > 5 && memcmp(base, "hyph_", 5) == 0) base += 5, n -= 5;
        if (canon_tag(base, n, out, cap) == 0) return 0;
        snprintf(out, cap, "und");
        return 0;
    }
    if (canon_tag(lang, strlen(lang), out, cap) == 0) return 0;
    snprintf(out, cap, "und");
    return -1;
}

/* Load patterns from path: opened non-blocking and read only if fstat
 * says it is a regular file (a manifest's "lang = some.dic" could name a
 * FIFO, which would hang the packer in open). -1 if it cannot be opened
 * (*fatal 0: try the next candidate) or is no pattern file (*fatal 1). */
static int try_load(hyph *h, const char *path, lerr *e, int *fatal)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0) return -1;
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        lerr_set(e, "%s: not a regular file, so not hyphenation patterns", path);
        close(fd);
        *fatal = 1;
        return -1;
    }
    FILE *f = fdopen(fd, "r");
    if (!f) {
        close(fd);
        return -1;
    }
    HyphenDict *d = hnj_hyphen_load_file(f);
    fclose(f);
    if (!d) return -1;
    int utf8 = d->utf8 != 0;
    if (!utf8 && strcmp(d->cset, "ISO8859-1") != 0) {
        lerr_set(e, "%s: pattern encoding '%.20s' is not supported (UTF-8 or ISO8859-1 only)", path, d->cset);
        hnj_hyphen_free(d);
        *fatal = 1;
        return -1;
    }
    h->dict = d;
    h->utf8 = utf8;
    snprintf(h->path, sizeof h->path, "%s", path);
    return 0;
}

int hyph_open(hyph **out, const char *lang, lerr *e)
{
    *out = NULL;
    if (!lang || !*lang) lang = "en-US";
    hyph *h = calloc(1, sizeof *h);
    if (!h) { lerr_set(e, "out of memory"); return -1; }
    hyph_lang_tag(lang, h->tag, sizeof h->tag);
    int fatal = 0;

    if (is_path(lang)) {
        if (try_load(h, lang, e, &fatal) == 0) { *out = h; return 0; }
        if (!fatal) lerr_set(e, "cannot load hyphenation patterns from %s", lang);
        free(h);
        return -1;
    }

    char tag[64];
    if (canon_tag(lang, strlen(lang), tag, sizeof tag) != 0) {
        lerr_set(e, "'%.60s' is not a language tag (like en-US or de) nor a .dic file", lang);
        free(h);
        return -1;
    }
    /* Candidates: every subtag ("en_Latn_US"), language + region ("en_US"),
     * language alone ("en"). Debian names its files hyph_<ll>_<CC>.dic. */
    char cand[3][64];
    size_t nc = 0;
    snprintf(cand[nc++], sizeof cand[0], "%s", tag);
    char *dash = strchr(tag, '-');
    size_t ll = dash ? (size_t)(dash - tag) : strlen(tag);
    for (char *p = dash; p; p = strchr(p + 1, '-')) {
        const char *q = p + 1;
        size_t n = strcspn(q, "-");
        if ((n == 2 && is_alpha((uint8_t)q[0])) || (n == 3 && is_digit((uint8_t)q[0]))) {
            snprintf(cand[nc++], sizeof cand[0], "%.*s-%.*s", (int)ll, tag, (int)n, q);
            break;
        }
    }
    snprintf(cand[nc++], sizeof cand[0], "%.*s", (int)ll, tag);

    char tried[400] = "";
    size_t tl = 0;
    for (size_t i = 0; i < nc; i++) {
        int dup = 0;
        for (size_t j = 0; j < i; j++) dup |= strcmp(cand[i], cand[j]) == 0;
        if (dup) continue;
        for (char *p = cand[i]; *p; p++) if (*p == '-') *p = '_';
        char path[256];
        snprintf(path, sizeof path, "%s/hyph_%s.dic", HYPH_DIR, cand[i]);
        if (try_load(h, path, e, &fatal) == 0) { *out = h; return 0; }
        if (fatal) { free(h); return -1; }
        int w = snprintf(tried + tl, sizeof tried - tl, "%s%s", tl ? ", " : "", path);
        if (w > 0 && (size_t)w < sizeof tried - tl) tl += (size_t)w;
    }
    lerr_set(e, "no hyphenation patterns for '%s' (tried %s); install its hyphen-* package or give a .dic file",
             tag, tried);
    free(h);
    return -1;
}

void hyph_close(hyph *h)
{
    if (!h) return;
    if (h->dict) hnj_hyphen_free(h->dict);
    free(h);
}

const char *hyph_lang(const hyph *h) { return h->tag; }
const char *hyph_path(const hyph *h) { return h->path; }

static int is_letter_cat(int cat) { return cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO; }
static int is_mark_cat(int cat) { return cat >= UTF8PROC_CATEGORY_MN && cat <= UTF8PROC_CATEGORY_ME; }
static int is_number_cat(int cat) { return cat >= UTF8PROC_CATEGORY_ND && cat <= UTF8PROC_CATEGORY_NO; }
static int is_apostrophe(uint32_t c) { return c == '\'' || c == 0x2019 || c == 0x02BC; }
static int is_hyphen_cp(uint32_t c) { return c == '-' || c == 0x2010 || c == 0x2011 || c == 0x00AD; }

static size_t copy_out(const uint8_t *w, size_t n, uint8_t *out)
{
    memcpy(out, w, n);
    return n;
}

static void free_rep(char **rep, int *pos, int *cut, size_t n)
{
    if (rep) for (size_t i = 0; i < n; i++) free(rep[i]);
    free(rep);
    free(pos);
    free(cut);
}

size_t hyph_word(hyph *h, const uint8_t *w, size_t n, uint8_t *out)
{
    uint32_t cp[HYPH_MAX_CPS];
    size_t off[HYPH_MAX_CPS + 1];
    size_t k = 0, i = 0, stem = (size_t)-1;
    if (!h || !h->dict) return copy_out(w, n, out);
    while (i < n) {
        uint32_t c;
        size_t l = utf8_decode(w + i, n - i, &c);
        if (!l || k == HYPH_MAX_CPS) return copy_out(w, n, out);
        int cat = utf8proc_category((utf8proc_int32_t)c);
        if (is_number_cat(cat) || is_hyphen_cp(c)) return copy_out(w, n, out);
        if (k > 0 && (cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LT)) return copy_out(w, n, out);
        if (stem == (size_t)-1 && is_apostrophe(c)) stem = k;
        else if (stem == (size_t)-1 && !is_letter_cat(cat) && !(is_mark_cat(cat) && k > 0))
            return copy_out(w, n, out);
        cp[k] = c;
        off[k++] = i;
        i += l;
    }
    off[k] = n;
    if (stem == (size_t)-1) stem = k;

    /* letters[j] = letters in cp[0..j) */
    size_t letters[HYPH_MAX_CPS + 1];
    letters[0] = 0;
    for (size_t j = 0; j < stem; j++)
        letters[j + 1] = letters[j] + (is_letter_cat(utf8proc_category((utf8proc_int32_t)cp[j])) ? 1 : 0);
    if (letters[stem] < MIN_LETTERS) return copy_out(w, n, out);

    /* Patterns are lowercase; utf8proc_tolower maps one code point to one,
     * so libhyphen's per-character vector indexes cp[] directly. */
    char low[HYPH_MAX_CPS * 4 + 1];
    size_t bl = 0;
    for (size_t j = 0; j < stem; j++) {
        utf8proc_int32_t lc = utf8proc_tolower((utf8proc_int32_t)cp[j]);
        if (h->utf8) {
            bl += (size_t)utf8proc_encode_char(lc, (utf8proc_uint8_t *)low + bl);
        } else {
            if (lc > 0xFF) return copy_out(w, n, out);
            low[bl++] = (char)lc;
        }
    }
    low[bl] = 0;

    char hy[HYPH_MAX_CPS * 4 + 8];
    char **rep = NULL;
    int *pos = NULL, *cut = NULL;
    memset(hy, '0', sizeof hy);
    if (hnj_hyphen_hyphenate3(h->dict, low, (int)bl, hy, NULL, &rep, &pos, &cut,
                              LEFT_MIN, RIGHT_MIN, 0, 0) != 0) {
        free_rep(rep, pos, cut, bl);
        return copy_out(w, n, out);
    }

    size_t o = 0;
    for (size_t j = 0; j < k; j++) {
        memcpy(out + o, w + off[j], off[j + 1] - off[j]);
        o += off[j + 1] - off[j];
        if (j + 1 >= stem) continue;
        /* Replacement breaks (German "Schiff-fahrt") cannot be a soft hyphen. */
        if (!(hy[j] & 1) || (rep && rep[j])) continue;
        if (letters[j + 1] < LEFT_MIN || letters[stem] - letters[j + 1] < RIGHT_MIN) continue;
        if (is_mark_cat(utf8proc_category((utf8proc_int32_t)cp[j + 1]))) continue;
        out[o++] = 0xC2;
        out[o++] = 0xAD;
    }
    free_rep(rep, pos, cut, bl);
    return o;
}

/* Code points, spaces and word characters are text.h's (a bad byte reads
 * as U+FFFD, one byte long). */
static size_t cp_at(const uint8_t *s, size_t n, size_t i, uint32_t *c) { return text_next(s + i, n - i, c); }

static int ascii_word(uint8_t c) { return is_alpha(c) || is_digit(c) || c >= 0x80; }

/* URLs, e-mail addresses and dotted names (example.com, x.com/abc) must
 * stay copy-pasteable: no soft hyphens anywhere in them. */
static int is_link(const uint8_t *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == ':' && i + 2 < n && s[i + 1] == '/' && s[i + 2] == '/') return 1;
        if (s[i] == '@' && i > 0 && i + 1 < n && ascii_word(s[i - 1]) && ascii_word(s[i + 1])) return 1;
        if (s[i] == '.' && i > 0 && i + 1 < n && ascii_word(s[i - 1]) && ascii_word(s[i + 1])) return 1;
        if ((s[i] == 'w' || s[i] == 'W') && i + 4 <= n && (i == 0 || !ascii_word(s[i - 1])) &&
            to_lower(s[i + 1]) == 'w' && to_lower(s[i + 2]) == 'w' && s[i + 3] == '.')
            return 1;
    }
    return 0;
}

size_t hyph_text(hyph *h, const uint8_t *s, size_t n, uint8_t *out)
{
    size_t i = 0, o = 0;
    while (i < n) {
        uint32_t c;
        size_t l = cp_at(s, n, i, &c);
        if (text_is_white(c)) {
            memcpy(out + o, s + i, l);
            o += l;
            i += l;
            continue;
        }
        size_t j = i;
        while (j < n) {
            l = cp_at(s, n, j, &c);
            if (text_is_white(c)) break;
            j += l;
        }
        if (!h || is_link(s + i, j - i)) {
            memcpy(out + o, s + i, j - i);
            o += j - i;
            i = j;
            continue;
        }
        /* Words inside the chunk: letters, marks and digits, joined by an
         * apostrophe or hyphen that has a word character on both sides. */
        while (i < j) {
            l = cp_at(s, j, i, &c);
            if (!text_is_word_char(c)) {
                memcpy(out + o, s + i, l);
                o += l;
                i += l;
                continue;
            }
            size_t e = i + l;
            while (e < j) {
                uint32_t d, f;
                size_t m = cp_at(s, j, e, &d);
                if (text_is_word_char(d)) { e += m; continue; }
                if ((is_apostrophe(d) || is_hyphen_cp(d)) && e + m < j) {
                    size_t m2 = cp_at(s, j, e + m, &f);
                    if (text_is_word_char(f)) { e += m + m2; continue; }
                }
                break;
            }
            o += hyph_word(h, s + i, e - i, out + o);
            i = e;
        }
    }
    return o;
}

/* ---- what to install ------------------------------------------------------- */

/* Debian's hyphen-* packages (bookworm), by language subtag, with the
 * language's name; a package named by language and region is chosen by the
 * region, else the first of that language. */
static const struct {
    const char *lang, *region, *pkg, *name;
} debian_hyphen[] = {
    {"af", NULL, "hyphen-af", "Afrikaans"},   {"as", NULL, "hyphen-as", "Assamese"},
    {"be", NULL, "hyphen-be", "Belarusian"},  {"bg", NULL, "hyphen-bg", "Bulgarian"},
    {"bn", NULL, "hyphen-bn", "Bengali"},     {"ca", NULL, "hyphen-ca", "Catalan"},
    {"cs", NULL, "hyphen-cs", "Czech"},       {"da", NULL, "hyphen-da", "Danish"},
    {"de", NULL, "hyphen-de", "German"},      {"el", NULL, "hyphen-el", "Greek"},
    {"en", "US", "hyphen-en-us", "English"},  {"en", "GB", "hyphen-en-gb", "English"},
    {"es", NULL, "hyphen-es", "Spanish"},     {"fr", NULL, "hyphen-fr", "French"},
    {"gl", NULL, "hyphen-gl", "Galician"},    {"gu", NULL, "hyphen-gu", "Gujarati"},
    {"hi", NULL, "hyphen-hi", "Hindi"},       {"hr", NULL, "hyphen-hr", "Croatian"},
    {"hu", NULL, "hyphen-hu", "Hungarian"},   {"id", NULL, "hyphen-id", "Indonesian"},
    {"is", NULL, "hyphen-is", "Icelandic"},   {"it", NULL, "hyphen-it", "Italian"},
    {"kn", NULL, "hyphen-kn", "Kannada"},     {"lt", NULL, "hyphen-lt", "Lithuanian"},
    {"lv", NULL, "hyphen-lv", "Latvian"},     {"ml", NULL, "hyphen-ml", "Malayalam"},
    {"mn", NULL, "hyphen-mn", "Mongolian"},   {"mr", NULL, "hyphen-mr", "Marathi"},
    {"nl", NULL, "hyphen-nl", "Dutch"},       {"no", NULL, "hyphen-no", "Norwegian"},
    {"nb", NULL, "hyphen-no", "Norwegian"},   {"nn", NULL, "hyphen-no", "Norwegian"},
    {"or", NULL, "hyphen-or", "Odia"},        {"pa", NULL, "hyphen-pa", "Punjabi"},
    {"pl", NULL, "hyphen-pl", "Polish"},      {"pt", "PT", "hyphen-pt-pt", "Portuguese"},
    {"pt", "BR", "hyphen-pt-br", "Portuguese"}, {"ro", NULL, "hyphen-ro", "Romanian"},
    {"ru", NULL, "hyphen-ru", "Russian"},     {"sk", NULL, "hyphen-sk", "Slovak"},
    {"sl", NULL, "hyphen-sl", "Slovenian"},   {"sr", NULL, "hyphen-sr", "Serbian"},
    {"sv", NULL, "hyphen-sv", "Swedish"},     {"ta", NULL, "hyphen-ta", "Tamil"},
    {"te", NULL, "hyphen-te", "Telugu"},      {"th", NULL, "hyphen-th", "Thai"},
    {"uk", NULL, "hyphen-uk", "Ukrainian"},   {"zu", NULL, "hyphen-zu", "Zulu"},
};

/* The entry for tag: its language subtag, and the region when one matches. */
static int debian_entry(const char *tag)
{
    size_t ll = strcspn(tag, "-");
    const char *region = NULL;
    for (const char *p = strchr(tag, '-'); p; p = strchr(p + 1, '-'))
        if (strcspn(p + 1, "-") == 2) { region = p + 1; break; }
    int first = -1;
    for (size_t i = 0; i < sizeof debian_hyphen / sizeof *debian_hyphen; i++) {
        if (strlen(debian_hyphen[i].lang) != ll || strncmp(debian_hyphen[i].lang, tag, ll) != 0) continue;
        if (first < 0) first = (int)i;
        if (region && debian_hyphen[i].region && strncmp(debian_hyphen[i].region, region, 2) == 0) return (int)i;
    }
    return first;
}

const char *hyph_debian_package(const char *tag)
{
    int i = debian_entry(tag);
    return i < 0 ? NULL : debian_hyphen[i].pkg;
}

const char *hyph_language_name(const char *tag)
{
    int i = debian_entry(tag);
    return i < 0 ? NULL : debian_hyphen[i].name;
}

/* input_title.c - front matter, the title, the byline and the word count
 * (input.h, "Title" and "Byline"). Sentence ends are text.h's, under
 * TEXT_SENTENCE_TITLE. */
#include "input_int.h"

#include "essay.h"

#include <stdlib.h>
#include <string.h>

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

/* ---- front matter ------------------------------------------------------------ */

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
    b->n = at + input_collapse(b->p + at, n);
    if (b->n == at && at >= 2) b->n -= 2;
    return 0;
}

int input_front_matter(const uint8_t *t, const span *ls, size_t nl, front *f)
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

static size_t first_sentence(const uint8_t *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        uint32_t c;
        size_t l = dec(s, n, i, &c), past;
        if (text_is_stop(c)) {
            size_t e = text_sentence_end(s, n, i, TEXT_SENTENCE_TITLE, &past);
            if (e) return e;
            l = past - i;
        }
        i += l;
    }
    return n;
}

/* Does a sentence end at the stop s[i], with more text after it? */
static int ends_inside(const uint8_t *s, size_t n, size_t i)
{
    size_t e = text_sentence_end(s, n, i, TEXT_SENTENCE_TITLE, NULL);
    return e && e < n;
}

int input_looks_like_title(const uint8_t *s, size_t n)
{
    if (cp_count(s, n, 101) > 100) return 0;
    int letter = 0;
    for (size_t i = 0; i < n;) {
        uint32_t c;
        size_t l = dec(s, n, i, &c);
        letter |= text_is_letter(c);
        if (text_is_stop(c) && ends_inside(s, n, i)) return 0;
        i += l;
    }
    uint32_t c;
    last_cp(s, n, &c);
    return letter && c != '.' && c != ':' && c != ';' && c != ',' && c != 0x2026;
}

static int is_trailing_junk(uint32_t c)
{
    return c == ' ' || text_is_nbsp(c) || c == ',' || c == ';' || c == ':' || c == '-' || c == 0x2013 ||
           c == 0x2014 || text_is_opener(c) || c == 0xAD;
}

/* Title text: s whole if at most max characters, else cut at a word
 * boundary and ended with "…". Soft hyphens are dropped. */
char *input_make_title(const uint8_t *s, size_t n, size_t max)
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
            if (!text_is_mark(c) || cut == 0) break;
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
    /* a title taken from a table row: its cells apart by a space, not by
     * the row's internal separator (a control character) */
    for (size_t i = 0; i < b.n; i++)
        if (b.p[i] == ESSAY_CELL_SEP) b.p[i] = ' ';
    if (b.n == 0 && buf_put(&b, "\xE2\x80\xA6", 3)) goto oom;
    return input_buf_cstr(&b);
oom:
    free(b.p);
    return NULL;
}

char *input_sentence_title(const uint8_t *s, size_t n)
{
    size_t e = first_sentence(s, n);
    if (cp_count(s, e, 81) <= 80) {
        uint32_t c, p = 0;
        size_t at = last_cp(s, e, &c);
        if (at > 0) last_cp(s, at, &p);
        if (c == '.' && p != '.' && at > 0) e = at; /* a title ends without a full stop */
        return input_make_title(s, e, 80);
    }
    return input_make_title(s, n, 80);
}

/* "By Jane Doe" -> "Jane Doe" (its offset in s), or 0. */
/* Is the '.' at s[i] the end of a title or an initial in a name ("Dr.",
 * "J.")? Those do not end a sentence inside a byline. */
static int name_dot(const uint8_t *s, size_t i)
{
    static const char *abbr[] = {"Dr", "Prof", "Mr", "Mrs", "Ms", "Mx", "St", "Rev", "Jr", "Sr", "Fr", "Hon"};
    size_t w = i;
    while (w > 0 && ((s[w - 1] >= 'a' && s[w - 1] <= 'z') || (s[w - 1] >= 'A' && s[w - 1] <= 'Z'))) w--;
    if (w > 0 && s[w - 1] != ' ' && s[w - 1] != '.') return 0;
    if (i - w == 1 && s[w] >= 'A' && s[w] <= 'Z') return 1;
    for (size_t k = 0; k < sizeof abbr / sizeof *abbr; k++)
        if (strlen(abbr[k]) == i - w && memcmp(abbr[k], s + w, i - w) == 0) return 1;
    return 0;
}

size_t input_byline_at(const uint8_t *s, size_t n)
{
    if (n < 4 || (s[0] != 'B' && s[0] != 'b') || (s[1] != 'y' && s[1] != 'Y') || s[2] != ' ') return 0;
    if (cp_count(s, n, 101) > 100) return 0;
    uint32_t c;
    dec(s, n, 3, &c);
    if (!text_is_upperish(c)) return 0;
    last_cp(s, n, &c);
    if (text_is_stop(c) || c == ':' || c == ';' || c == ',') return 0;
    for (size_t i = 3; i < n; i++)
        if (text_is_stop(s[i]) && !(s[i] == '.' && name_dot(s, i)) && ends_inside(s, n, i)) return 0;
    return 3;
}

/* Han characters and kana: Chinese and Japanese are read by the character,
 * without spaces between words (input_count_cjk counts them). */
static int reading_char(uint32_t c)
{
    return (c >= 0x3041 && c <= 0x30FF && c != 0x30FB) || (c >= 0x31F0 && c <= 0x31FF) ||
           (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF) ||
           (c >= 0x20000 && c <= 0x3FFFF);
}

uint32_t input_count_cjk(const uint8_t *s, size_t n, uint32_t chars)
{
    for (size_t i = 0; i < n;) {
        uint32_t c;
        i += dec(s, n, i, &c);
        if (reading_char(c) && chars < UINT32_MAX) chars++;
    }
    return chars;
}

uint32_t input_words_of_cjk(uint32_t chars, const char *lang)
{
    /* characters read in the time of one English word (about 230 a
     * minute): Chinese about 255 characters a minute, Japanese 360 */
    uint64_t per10 = lang && !strncmp(lang, "ja", 2) ? 18 : lang && !strncmp(lang, "zh", 2) ? 13 : 15;
    uint64_t w = ((uint64_t)chars * 10 + per10 - 1) / per10;
    return w > UINT32_MAX ? UINT32_MAX : (uint32_t)w;
}

uint32_t input_count_words(const uint8_t *s, size_t n, uint32_t words)
{
    int in = 0;
    for (size_t i = 0; i < n;) {
        uint32_t c;
        size_t l = dec(s, n, i, &c);
        if (reading_char(c)) {
            in = 0; /* counted by the character (input_count_cjk) */
        } else if (text_is_word_char(c)) {
            if (!in && words < UINT32_MAX) words++;
            in = 1;
        } else if (in && (c == '\'' || c == 0x2019 || c == 0xAD) && i + l < n) {
            uint32_t d;
            dec(s, n, i + l, &d);
            in = text_is_word_char(d);
        } else {
            in = 0;
        }
        i += l;
    }
    return words;
}

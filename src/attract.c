/* attract.c - see attract.h. */
#include "attract.h"

#include <math.h>
#include <string.h>

#include "util.h"

/* 0..1 -> 0..1, flat at both ends: a fade that starts and ends softly. */
static float ease(double u)
{
    if (u <= 0) return 0;
    if (u >= 1) return 1;
    return (float)(u * u * (3 - 2 * u));
}

attract_frame attract_at(uint64_t t, size_t n)
{
    attract_frame f;
    uint64_t in = t % ATTRACT_TURN_MS;
    f.turn = t / ATTRACT_TURN_MS;
    f.item = n ? (size_t)(f.turn % n) : 0;
    if (in < TUN_ATTRACT_FADE_MS) f.alpha = ease((double)in / TUN_ATTRACT_FADE_MS);
    else if (in >= ATTRACT_TURN_MS - TUN_ATTRACT_FADE_MS)
        f.alpha = ease((double)(ATTRACT_TURN_MS - in) / TUN_ATTRACT_FADE_MS);
    else f.alpha = 1;
    /* The places: the R2 sequence (Roberts 2018, the additive recurrence of
     * the plastic number), which spreads points evenly over the square in
     * any run of turns, starting from the centre; consecutive places are at
     * least 0.24 of the room apart across and 0.43 down. The turn is
     * taken modulo a large prime to keep the double's fraction exact. */
    double k = (double)(f.turn % 1000003u);
    f.fx = (float)fmod(0.5 + k * 0.7548776662466927, 1.0);
    f.fy = (float)fmod(0.5 + k * 0.5698402909980532, 1.0);
    return f;
}

int attract_level(float alpha)
{
    if (!(alpha > 0)) return 0;
    if (alpha >= 1) return ATTRACT_LEVELS;
    int l = (int)lroundf(alpha * ATTRACT_LEVELS);
    return l < 1 ? 1 : l; /* anything on screen is at least one level */
}

int attract_fading(uint64_t t)
{
    uint64_t in = t % ATTRACT_TURN_MS;
    return in < TUN_ATTRACT_FADE_MS || in >= ATTRACT_TURN_MS - TUN_ATTRACT_FADE_MS;
}

/* A title shortened with an ellipsis ("The first words of it…"): the
 * bytes before the ellipsis and the spaces before it; else 0. */
static size_t title_cut(const char *title, size_t n)
{
    if (n < 4 || memcmp(title + n - 3, "\xE2\x80\xA6", 3)) return 0;
    n -= 3;
    while (n && title[n - 1] == ' ') n--;
    return n;
}

/* Bytes at the start of block b that repeat the title (its soft hyphens,
 * U+00AD, which the packer puts in, aside), with the spaces after them: 0
 * when it does not begin with the title, b->len when it is nothing else. */
static size_t title_prefix(const essay *es, const essay_block *b, const char *title, size_t n)
{
    const uint8_t *t = es->text + b->start;
    size_t i = 0, j = 0;
    if (title_cut(title, n)) n = title_cut(title, n);
    if (!n) return 0;
    while (j < n) {
        if (i + 1 < b->len && t[i] == 0xC2 && t[i + 1] == 0xAD) {
            i += 2;
            continue;
        }
        if (i >= b->len || t[i] != (uint8_t)title[j]) return 0;
        i++;
        j++;
    }
    while (i + 1 < b->len && t[i] == 0xC2 && t[i + 1] == 0xAD) i += 2;
    if (i < b->len && t[i] != ' ') return 0; /* a longer first word, not the title */
    while (i < b->len && t[i] == ' ') i++;
    return i;
}

size_t attract_block(const essay *es, const char *title, size_t title_len, size_t *skip)
{
    size_t best = (size_t)-1;
    int rank = 0; /* 3 paragraph, 2 quote or list item, 1 heading */
    *skip = 0;
    for (size_t i = 0; i < es->nblocks && rank < 3; i++) {
        const essay_block *b = &es->blocks[i];
        int r = b->kind == ESSAY_PARA ? 3 : b->kind == ESSAY_QUOTE || b->kind == ESSAY_LIST ? 2
                : b->kind == ESSAY_HEADING ? 1 : 0;
        size_t k = title_prefix(es, b, title, title_len);
        if (b->len > k && r > rank) {
            rank = r;
            best = i;
            *skip = k;
        }
    }
    return best;
}

/* The code point at s[i..n) (0 at the end; soft hyphens passed over; a
 * bad byte as '?'), and where the one after it begins. */
static uint32_t peek(const uint8_t *s, size_t n, size_t i, size_t *after)
{
    for (;;) {
        uint32_t cp;
        if (i >= n) {
            *after = n;
            return 0;
        }
        size_t k = utf8_decode(s + i, n - i, &cp);
        if (!k) {
            *after = i + 1;
            return '?';
        }
        i += k;
        if (cp != 0x00AD) {
            *after = i;
            return cp;
        }
    }
}

/* Does the sentence end with cp, the last of a word of `word` characters,
 * at s[i..n)? 。！？ on their own; . ! ? … before a space or the end, and
 * for a full stop not after a single letter ("U.S.", "A. Walker") nor
 * before a small letter (an abbreviation: "etc. and"). */
static int sentence_end(uint32_t cp, size_t word, const uint8_t *s, size_t n, size_t i)
{
    if (cp == 0x3002 || cp == 0xFF01 || cp == 0xFF1F) return 1;
    if (cp != '.' && cp != '!' && cp != '?' && cp != 0x2026) return 0;
    size_t j;
    uint32_t next = peek(s, n, i, &j);
    if (next == 0) return 1;
    if (next != ' ' && next != 0x2028) return 0;
    if (cp != '.') return 1;
    uint32_t after = peek(s, n, j, &j);
    return word > 1 && !(after >= 'a' && after <= 'z');
}

static int trailing_punct(char ch) { return ch == ' ' || ch == ',' || ch == ';' || ch == ':' || ch == '-'; }

size_t attract_excerpt(const uint8_t *s, size_t n, size_t max_chars, char *out, size_t cap)
{
    static const char ell[] = "\xE2\x80\xA6";
    size_t o = 0, chars = 0, last_space = 0, i = 0, word = 0, prev_word = 0;
    int cut = 0;
    if (cap < 8) {
        if (cap) out[0] = 0;
        return 0;
    }
    size_t room = cap - sizeof ell; /* the ellipsis and the NUL always fit after the text */
    while (i < n) {
        uint32_t cp;
        size_t k = utf8_decode(s + i, n - i, &cp);
        if (!k) { /* not UTF-8: left out */
            i++;
            continue;
        }
        i += k;
        if (cp == 0x00AD) continue;
        if (cp == 0x2028 || cp < 0x20 || cp == 0x7F) cp = ' ';
        if (cp == ' ' && (o == 0 || out[o - 1] == ' ')) continue;
        if (chars == max_chars || o + 4 > room) {
            cut = 1;
            break;
        }
        uint8_t enc[4];
        size_t m = utf8_encode(cp, enc);
        if (cp == ' ') last_space = o;
        memcpy(out + o, enc, m);
        o += m;
        chars++;
        word = cp == ' ' || cp == '.' ? 0 : word + 1;
        if (chars >= 24 && sentence_end(cp, cp == '.' ? prev_word : word, s, n, i)) break; /* the first sentence, if not too short */
        prev_word = word;
    }
    while (o && out[o - 1] == ' ') o--;
    if (cut) {
        /* at the last word that fits, when that keeps most of the line;
         * else (no spaces: Chinese, Japanese, Thai) at the character */
        if (last_space > o / 2) o = last_space;
        while (o && trailing_punct(out[o - 1])) o--;
        memcpy(out + o, ell, sizeof ell - 1);
        o += sizeof ell - 1;
    }
    out[o] = 0;
    return o;
}

size_t attract_first_line(const essay *es, const char *title, size_t title_len, size_t max_chars, char *out,
                          size_t cap)
{
    static const char ell[] = "\xE2\x80\xA6";
    size_t skip, b = attract_block(es, title, title_len, &skip), o = 0;
    if (cap) out[0] = 0;
    if (b == (size_t)-1 || cap < 8 + sizeof ell) return 0;
    if (skip && title_cut(title, title_len)) { /* it goes on from where the title stopped */
        memcpy(out, ell, sizeof ell - 1);
        o = sizeof ell - 1;
    }
    const essay_block *k = &es->blocks[b];
    size_t n = attract_excerpt(es->text + k->start + skip, k->len - skip, max_chars, out + o, cap - o);
    if (!n) out[0] = 0, o = 0;
    return o + n;
}

/* test_essay.c - the essay text parser: every block kind, and every rule
 * of pack_format.md's "Essay text" rejected with the right byte offset. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "essay.h"
#include "t.h"

static int parse(const char *s, size_t n, essay *es, lerr *e) { return essay_parse((const uint8_t *)s, n, es, e); }

/* The text must be rejected, and the message must start "byte OFF:". */
static int rejects_at(const char *s, size_t n, size_t off, const char *word)
{
    essay es;
    lerr e = {{0}};
    memset(&es, 0xAB, sizeof es);
    if (parse(s, n, &es, &e) != -1) {
        fprintf(stderr, "  accepted: %.*s\n", (int)n, s);
        essay_free(&es);
        return 0;
    }
    char want[64];
    snprintf(want, sizeof want, "byte %zu:", off);
    int ok = strncmp(e.msg, want, strlen(want)) == 0 && (!word || strstr(e.msg, word));
    if (!ok) fprintf(stderr, "  wanted '%s ...%s...', got '%s'\n", want, word ? word : "", e.msg);
    /* a failed parse leaves an empty essay, safe to free */
    ok = ok && es.blocks == NULL && es.nblocks == 0 && es.text == NULL;
    essay_free(&es);
    return ok;
}
#define REJ(lit, off, word) rejects_at(lit, sizeof lit - 1, off, word)

TEST(empty_input_is_an_empty_essay)
{
    essay es;
    lerr e;
    CHECK(parse("", 0, &es, &e) == 0);
    CHECK(es.nblocks == 0 && es.blocks == NULL && es.size == 0);
    essay_free(&es);
    CHECK(parse(NULL, 0, &es, &e) == 0);
    essay_free(&es);
    essay_free(NULL);
}

TEST(every_block_kind)
{
    static const char txt[] =
        "\x01" "1Title\n"                         /* 0..7 */
        "A paragraph, with \xE2\x80\x9Cquotes\xE2\x80\x9D and a soft\xC2\xAD" "hyphen.\n"
        "\x02\xE2\x80\xA2 Bullet item\n"
        "\x02" "12. Numbered item\n"
        "\x02- dash\n"
        "\x02* star\n"
        "\x03" "Quoted text\n"
        "\x04\n"
        "\x01" "6Small heading\n"
        "\x01" "2H2\n"
        "x\n";
    essay es;
    lerr e = {{0}};
    CHECKF(parse(txt, sizeof txt - 1, &es, &e) == 0, "%s", e.msg);
    CHECK(es.nblocks == 11);
    CHECK(es.text == (const uint8_t *)txt && es.size == sizeof txt - 1);
    if (es.nblocks != 11) return;
    const essay_block *b = es.blocks;
    const char *t = txt;
#define TXT(i, s) (b[i].len == strlen(s) && memcmp(t + b[i].start, s, strlen(s)) == 0)
#define LABEL(i, s) (b[i].label_len == strlen(s) && memcmp(t + b[i].label, s, strlen(s)) == 0)
    CHECK(b[0].kind == ESSAY_HEADING && b[0].level == 1 && b[0].start == 2 && TXT(0, "Title"));
    CHECK(b[1].kind == ESSAY_PARA && b[1].level == 0 && b[1].start == 8 && b[1].label_len == 0);
    CHECK(TXT(1, "A paragraph, with \xE2\x80\x9Cquotes\xE2\x80\x9D and a soft\xC2\xAD" "hyphen."));
    CHECK(b[2].kind == ESSAY_LIST && LABEL(2, "\xE2\x80\xA2") && TXT(2, "Bullet item"));
    CHECK(b[2].label == b[2].start - 4 && b[2].label == (uint32_t)(strchr(t + b[1].start, '\n') - t) + 2);
    CHECK(b[3].kind == ESSAY_LIST && LABEL(3, "12.") && TXT(3, "Numbered item"));
    CHECK(b[4].kind == ESSAY_LIST && LABEL(4, "-") && TXT(4, "dash"));
    CHECK(b[5].kind == ESSAY_LIST && LABEL(5, "*") && TXT(5, "star"));
    CHECK(b[6].kind == ESSAY_QUOTE && TXT(6, "Quoted text"));
    CHECK(b[7].kind == ESSAY_SEP && b[7].len == 0 && t[b[7].start] == '\n' && t[b[7].start - 1] == 0x04);
    CHECK(b[8].kind == ESSAY_HEADING && b[8].level == 6 && TXT(8, "Small heading"));
    CHECK(b[9].kind == ESSAY_HEADING && b[9].level == 2 && TXT(9, "H2"));
    CHECK(b[10].kind == ESSAY_PARA && TXT(10, "x"));
    /* blocks are in order and each ends at its line feed */
    for (size_t i = 0; i < es.nblocks; i++) CHECK(t[b[i].start + b[i].len] == '\n');
    essay_free(&es);
    CHECK(es.blocks == NULL && es.nblocks == 0);
}

TEST(heading_levels)
{
    for (char d = '1'; d <= '6'; d++) {
        char s[16] = {0x01, d, 'H', '\n', 0};
        essay es;
        lerr e;
        CHECK(parse(s, 4, &es, &e) == 0 && es.nblocks == 1 && es.blocks[0].level == d - '0');
        essay_free(&es);
    }
    CHECK(REJ("\x01" "0Zero\n", 1, "level"));
    CHECK(REJ("\x01" "7Seven\n", 1, "level"));
    CHECK(REJ("\x01" "xTitle\n", 1, "level"));
    CHECK(REJ("\x01\n", 1, "level"));
    CHECK(REJ("ok\n\x01" "9x\n", 4, "level"));
    CHECK(REJ("\x01" "1\n", 2, "empty"));
    CHECK(REJ("\x01" "1 Title\n", 2, "starts with a space"));
}

TEST(list_items)
{
    CHECK(REJ("\x02\n", 1, "empty"));
    CHECK(REJ("\x02\xE2\x80\xA2\n", 1, "label"));            /* no space, no text */
    CHECK(REJ("\x02 text\n", 1, "starts with a space"));    /* empty label */
    CHECK(REJ("\x02\xE2\x80\xA2  text\n", 4, "two spaces")); /* text starting with a space */
    CHECK(REJ("\x02\xE2\x80\xA2 \n", 4, "ends with a space"));
    CHECK(REJ("\x02\xE2\x80\xA2 a\tb\n", 6, "control"));
    essay es;
    lerr e;
    const char *li = "\x02" "1. a b c\n";
    CHECK(parse(li, strlen(li), &es, &e) == 0 && es.nblocks == 1);
    if (es.nblocks == 1)
        CHECK(es.blocks[0].label == 1 && es.blocks[0].label_len == 2 && es.blocks[0].start == 4 &&
          es.blocks[0].len == 5);
    essay_free(&es);
}

TEST(separators)
{
    CHECK(REJ("\x04x\n", 1, "separator"));
    CHECK(REJ("\x04 \n", 1, "separator"));
    CHECK(REJ("a\n\x04\x04\n", 3, "separator"));
    essay es;
    lerr e;
    CHECK(parse("\x04\n\x04\n", 4, &es, &e) == 0 && es.nblocks == 2 && es.blocks[1].start == 3);
    essay_free(&es);
}

TEST(control_characters)
{
    CHECK(REJ("ab\tcd\n", 2, "control"));
    CHECK(REJ("ab\rcd\n", 2, "control"));
    CHECK(REJ("ab\r\n", 2, "control"));
    CHECK(REJ("ab\x7f" "cd\n", 2, "control"));
    CHECK(REJ("ab\x01" "cd\n", 2, "control"));  /* a marker inside a line */
    CHECK(REJ("\x08" "abc\n", 0, "control"));   /* not a marker: a paragraph starting with ^H */
    CHECK(REJ("\x1f" "abc\n", 0, "control"));
    CHECK(REJ("ok\nfine\n\x03q\x0ex\n", 10, "control"));
    /* a NUL ends the text: here before the line's LF */
    CHECK(REJ("ok\nfine\n\x03q\x00x\n", 10, "line feed"));
    CHECK(REJ("\x03" "a\x0c" "b\n", 2, "control"));
}

TEST(bad_utf8)
{
    CHECK(REJ("ab\xC3(\n", 2, "UTF-8"));             /* bad continuation */
    CHECK(REJ("ab\xC0\x80\n", 2, "UTF-8"));          /* overlong NUL */
    CHECK(REJ("ab\xED\xA0\x80\n", 2, "UTF-8"));      /* surrogate */
    CHECK(REJ("ab\xF4\x90\x80\x80\n", 2, "UTF-8"));  /* beyond U+10FFFF */
    CHECK(REJ("ab\xE2\x80\n", 2, "UTF-8"));          /* cut by the line feed */
    CHECK(REJ("\x80" "abc\n", 0, "UTF-8"));          /* stray continuation */
    CHECK(REJ("\xFF\n", 0, "UTF-8"));
    CHECK(REJ("one\n\x01" "1T\xE9t\n", 7, "UTF-8")); /* Latin-1 in a heading */
    CHECK(REJ("abc\xE2\x80", 3, "UTF-8"));           /* cut by the end of the text */
}

TEST(line_rules)
{
    CHECK(REJ("abc", 3, "line feed"));
    CHECK(REJ("abc\ndef", 7, "line feed"));
    CHECK(REJ("ab\tc", 2, "control"));               /* the earlier fault first */
    CHECK(REJ("abc\n\ndef\n", 4, "empty line"));
    CHECK(REJ("\n", 0, "empty line"));
    CHECK(REJ("abc\n\n", 4, "empty line"));
    CHECK(REJ("a  b\n", 1, "two spaces"));
    CHECK(REJ("ok\nbad  x\n", 6, "two spaces"));
    CHECK(REJ(" ab\n", 0, "starts with a space"));
    CHECK(REJ("\x03 ab\n", 1, "starts with a space"));
    CHECK(REJ("ab \n", 2, "ends with a space"));
    CHECK(REJ("\x03" "ab \n", 3, "ends with a space"));
    CHECK(REJ(" \n", 0, "starts with a space"));
    CHECK(REJ("\x03\n", 1, "empty"));
    /* a space that is not U+0020 is just a character */
    essay es;
    lerr e;
    const char *nb = "\xC2\xA0" "a\xC2\xA0\xC2\xA0" "b\xC2\xA0\n";
    CHECK(parse(nb, strlen(nb), &es, &e) == 0);
    essay_free(&es);
}

TEST(many_lines)
{
    size_t n = 200000, len = 0;
    char *s = malloc(n * 8);
    for (size_t i = 0; i < n; i++) len += (size_t)sprintf(s + len, "%s%zu\n", i % 3 == 0 ? "\x03q" : "p", i % 100);
    essay es;
    lerr e = {{0}};
    CHECKF(parse(s, len, &es, &e) == 0, "%s", e.msg);
    CHECK(es.nblocks == n);
    size_t at = 0;
    int bad = 0;
    for (size_t i = 0; i < es.nblocks && !bad; i++) {
        const essay_block *b = &es.blocks[i];
        size_t mark = i % 3 == 0 ? 1 : 0;
        if (b->start != at + mark || s[b->start + b->len] != '\n') bad = 1;
        at = b->start + b->len + 1;
    }
    CHECK(!bad && at == len);
    essay_free(&es);
    /* a fault deep inside is reported at its own offset */
    s[len - 3] = '\t';
    CHECK(rejects_at(s, len, len - 3, "control"));
    free(s);
}

TEST(new_block_kinds)
{
    static const char txt[] = "\x05  code  x\n"   /* 0..10: verbatim, spaces kept */
                              "\x05\n"            /* 11: an empty code line */
                              "\x06" "A\x1f\x1f" "B c\n" /* 13: a table row, an empty cell */
                              "\x02\x02\xE2\x80\x93 nested\n"
                              "\x03\x03\x03" "deep\n"
                              "\x07" "1. http://x.org\n";
    essay es;
    lerr e = {{0}};
    CHECKF(parse(txt, sizeof txt - 1, &es, &e) == 0, "%s", e.msg);
    CHECK(es.nblocks == 6);
    CHECK(es.blocks[0].kind == ESSAY_CODE && es.blocks[0].start == 1 && es.blocks[0].len == 9);
    CHECK(es.blocks[1].kind == ESSAY_CODE && es.blocks[1].len == 0);
    CHECK(es.blocks[2].kind == ESSAY_TABLE && es.blocks[2].len == 6);
    CHECK(es.blocks[3].kind == ESSAY_LIST && es.blocks[3].depth == 2 && es.blocks[3].label_len == 3);
    CHECK(es.blocks[4].kind == ESSAY_QUOTE && es.blocks[4].depth == 3 && es.blocks[4].len == 4);
    CHECK(es.blocks[5].kind == ESSAY_NOTE && es.blocks[5].label_len == 2 && es.blocks[5].len == 12);
    essay_free(&es);
    CHECK(REJ("\x06" "a \x1f" "b\n", 2, "ends with a space"));
    CHECK(REJ("\x06" "a\x1f b\n", 3, "starts with a space"));
    CHECK(REJ("a\x1f" "b\n", 1, "control"));            /* only in table rows */
    CHECK(REJ("\x05" "a\tb\n", 2, "control"));
    CHECK(REJ("\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02- a\n", 9, "deeper"));
    CHECK(REJ("\x07" "1.\n", 1, "label"));
}

/* text, NUL, then a style section built from its parts */
static size_t with_styles(uint8_t *o, const char *txt, uint32_t nspans, uint16_t nlangs, const uint8_t *rest,
                          size_t rest_n)
{
    size_t n = strlen(txt);
    memcpy(o, txt, n);
    o[n++] = 0;
    o[n++] = (uint8_t)nspans, o[n++] = (uint8_t)(nspans >> 8), o[n++] = (uint8_t)(nspans >> 16),
    o[n++] = (uint8_t)(nspans >> 24);
    o[n++] = (uint8_t)nlangs, o[n++] = (uint8_t)(nlangs >> 8), o[n++] = 0, o[n++] = 0;
    memcpy(o + n, rest, rest_n);
    return n + rest_n;
}

static void span_rec(uint8_t *r, uint32_t blk, uint32_t st, uint32_t len, uint8_t style, uint8_t lang, uint16_t script)
{
    memset(r, 0, 16);
    r[0] = (uint8_t)blk, r[1] = (uint8_t)(blk >> 8);
    r[4] = (uint8_t)st;
    r[8] = (uint8_t)len;
    r[12] = style, r[13] = lang, r[14] = (uint8_t)script, r[15] = (uint8_t)(script >> 8);
}

static int styles_reject_at(const uint8_t *d, size_t n, size_t off, const char *word)
{
    return rejects_at((const char *)d, n, off, word);
}

TEST(style_section)
{
    static const char txt[] = "\x01" "1Head\n" "Some em and caf\xC3\xA9.\n" "\x04\n" "\x02\xE2\x80\xA2 item\n";
    uint8_t d[512], rest[256];
    /* em on "em" (block 1, 5+2), strong+link on "café" in block 1, a
     * language on block 3's "item"; a language list of one tag */
    span_rec(rest, 1, 5, 2, ESSAY_STYLE_EM, 0, 0);
    span_rec(rest + 16, 1, 12, 5, ESSAY_STYLE_STRONG | ESSAY_STYLE_LINK, 0, 0);
    span_rec(rest + 32, 3, 0, 4, 0, 1, 215);
    memcpy(rest + 48, "\x05" "de-CH", 6);
    size_t n = with_styles(d, txt, 3, 1, rest, 54);
    essay es;
    lerr e = {{0}};
    CHECKF(essay_parse(d, n, &es, &e) == 0, "%s", e.msg);
    CHECK(es.size == sizeof txt - 1 && es.nblocks == 4 && es.nspans == 3 && es.nlangs == 1);
    size_t k;
    const essay_span *sp = essay_block_spans(&es, 1, &k);
    CHECK(k == 2 && sp[0].start == 5 && sp[0].len == 2 && sp[0].style == ESSAY_STYLE_EM);
    CHECK(sp[1].style == (ESSAY_STYLE_STRONG | ESSAY_STYLE_LINK) && sp[1].len == 5);
    CHECK(essay_block_spans(&es, 0, &k) == NULL && k == 0);
    sp = essay_block_spans(&es, 3, &k);
    CHECK(k == 1 && sp[0].lang == 1 && sp[0].script == 215);
    CHECK(es.langs[0].len == 5 && memcmp(d + es.langs[0].off, "de-CH", 5) == 0);
    essay_free(&es);

    size_t base = sizeof txt - 1 + 1 + 8; /* where the first span record starts */
    uint8_t r[32];
    /* each field checked, at its own byte */
    span_rec(r, 4, 0, 1, 1, 0, 0);
    n = with_styles(d, txt, 1, 0, r, 16);
    CHECK(styles_reject_at(d, n, base, "block 4"));
    span_rec(r, 1, 18, 1, 1, 0, 0);
    n = with_styles(d, txt, 1, 0, r, 16);
    CHECK(styles_reject_at(d, n, base + 4, "outside"));
    span_rec(r, 1, 0, 0, 1, 0, 0);
    n = with_styles(d, txt, 1, 0, r, 16);
    CHECK(styles_reject_at(d, n, base + 4, "outside"));
    span_rec(r, 1, 15, 1, 1, 0, 0); /* ends inside é */
    n = with_styles(d, txt, 1, 0, r, 16);
    CHECK(styles_reject_at(d, n, base + 4, "inside a UTF-8"));
    span_rec(r, 1, 0, 1, 0x40, 0, 0);
    n = with_styles(d, txt, 1, 0, r, 16);
    CHECK(styles_reject_at(d, n, base + 12, "style bits"));
    span_rec(r, 1, 0, 1, 1, 1, 0);
    n = with_styles(d, txt, 1, 0, r, 16);
    CHECK(styles_reject_at(d, n, base + 13, "language 1"));
    span_rec(r, 1, 0, 1, 1, 0, 1000);
    n = with_styles(d, txt, 1, 0, r, 16);
    CHECK(styles_reject_at(d, n, base + 14, "ISO 15924"));
    span_rec(r, 1, 0, 1, 0, 0, 0);
    n = with_styles(d, txt, 1, 0, r, 16);
    CHECK(styles_reject_at(d, n, base, "says nothing"));
    span_rec(r, 2, 0, 1, 1, 0, 0); /* the separator has no text */
    n = with_styles(d, txt, 1, 0, r, 16);
    CHECK(styles_reject_at(d, n, base + 4, "outside"));
    span_rec(r, 1, 2, 3, 1, 0, 0);
    span_rec(r + 16, 1, 4, 1, 2, 0, 0); /* overlaps */
    n = with_styles(d, txt, 2, 0, r, 32);
    CHECK(styles_reject_at(d, n, base + 16, "overlap"));
    span_rec(r, 3, 0, 1, 1, 0, 0);
    span_rec(r + 16, 1, 0, 1, 1, 0, 0); /* out of order */
    n = with_styles(d, txt, 2, 0, r, 32);
    CHECK(styles_reject_at(d, n, base + 16, "order"));
    /* the section's own frame */
    n = with_styles(d, txt, 2, 0, r, 16);
    CHECK(styles_reject_at(d, n, sizeof txt, "do not fit"));
    n = with_styles(d, txt, 0, 0, r, 0);
    d[n - 1] = 1;
    CHECK(styles_reject_at(d, n, n - 2, "reserved"));
    n = with_styles(d, txt, 0, 0, (const uint8_t *)"x", 1);
    CHECK(styles_reject_at(d, n, n - 1, "after the style section"));
    n = with_styles(d, txt, 0, 1, (const uint8_t *)"\x03" "e n", 4);
    CHECK(styles_reject_at(d, n, n - 2, "not a letter"));
    n = with_styles(d, txt, 0, 1, (const uint8_t *)"\x09" "en", 3);
    CHECK(styles_reject_at(d, n, n - 3, "length 9"));
    n = with_styles(d, txt, 0, 2, (const uint8_t *)"\x02" "en", 3);
    CHECK(styles_reject_at(d, n, n, "before language 2"));
    memcpy(d, txt, sizeof txt - 1);
    d[sizeof txt - 1] = 0;
    CHECK(styles_reject_at(d, sizeof txt + 4, sizeof txt, "shorter than its 8-byte header"));
    /* an empty section is fine */
    n = with_styles(d, txt, 0, 0, r, 0);
    CHECKF(essay_parse(d, n, &es, &e) == 0 && es.nspans == 0 && es.size == sizeof txt - 1, "%s", e.msg);
    essay_free(&es);
}

int main(void)
{
    RUN(empty_input_is_an_empty_essay);
    RUN(every_block_kind);
    RUN(heading_levels);
    RUN(list_items);
    RUN(separators);
    RUN(control_characters);
    RUN(bad_utf8);
    RUN(line_rules);
    RUN(many_lines);
    RUN(new_block_kinds);
    RUN(style_section);
    return T_END();
}

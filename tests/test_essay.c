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
    CHECK(REJ("\x05" "abc\n", 0, "control"));   /* not a marker: a paragraph starting with ^E */
    CHECK(REJ("\x1f" "abc\n", 0, "control"));
    CHECK(REJ("ok\nfine\n\x03q\x00x\n", 10, "control"));
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
    return T_END();
}

/* test_text.c - the text rules (src/text.h): decoding and the bad-UTF-8
 * policy, character classes, sentence boundaries under both rules. */
#include <stdint.h>
#include <string.h>

#include "t.h"
#include "text.h"

#define S(lit) (const uint8_t *)(lit), (sizeof(lit) - 1)

TEST(next_decodes_and_never_stalls)
{
    uint32_t c;
    CHECK(text_next((const uint8_t *)"A", 1, &c) == 1 && c == 'A');
    CHECK(text_next((const uint8_t *)"\xE2\x80\xA6", 3, &c) == 3 && c == 0x2026);
    CHECK(text_next((const uint8_t *)"\xF0\x9F\x98\x80", 4, &c) == 4 && c == 0x1F600);
    /* bad bytes: one U+FFFD per byte, one byte consumed */
    CHECK(text_next((const uint8_t *)"\xFF", 1, &c) == 1 && c == TEXT_REPLACEMENT);
    CHECK(text_next((const uint8_t *)"\xC0\xAF", 2, &c) == 1 && c == TEXT_REPLACEMENT); /* overlong */
    CHECK(text_next((const uint8_t *)"\xED\xA0\x80", 3, &c) == 1 && c == TEXT_REPLACEMENT); /* surrogate */
    /* truncated: never reads past n */
    CHECK(text_next((const uint8_t *)"\xE2\x80\xA6", 2, &c) == 1 && c == TEXT_REPLACEMENT);
    const uint8_t junk[] = {0x80, 0xBF, 0xFE, 'x', 0xE2, 0x80};
    size_t i = 0, k = 0;
    while (i < sizeof junk) {
        i += text_next(junk + i, sizeof junk - i, &c);
        k++;
    }
    CHECKF(i == sizeof junk && k == 6, "i=%zu k=%zu", i, k);
}

TEST(scan_classifies_for_the_boundary)
{
    uint32_t c;
    int bad;
    CHECK(text_scan(S("a"), &c, &bad) == 1 && bad == TEXT_OK && c == 'a');
    CHECK(text_scan(S("\t"), &c, &bad) == 1 && bad == TEXT_OK);
    CHECK(text_scan(S("\r"), &c, &bad) == 1 && bad == TEXT_OK);
    CHECK(text_scan(S("\f"), &c, &bad) == 1 && bad == TEXT_OK);
    CHECK(text_scan((const uint8_t *)"\0", 1, &c, &bad) == 1 && bad == TEXT_BAD_NUL);
    CHECK(text_scan(S("\x01"), &c, &bad) == 1 && bad == TEXT_BAD_CTRL && c == 1);
    CHECK(text_scan(S("\x7F"), &c, &bad) == 1 && bad == TEXT_BAD_CTRL);
    CHECK(text_scan(S("\xC2\x85"), &c, &bad) == 2 && bad == TEXT_BAD_CTRL && c == 0x85); /* C1 NEL */
    CHECK(text_scan(S("\xC2\xA0"), &c, &bad) == 2 && bad == TEXT_OK && c == 0xA0);
    CHECK(text_scan(S("\xE9t\xE9"), &c, &bad) == 1 && bad == TEXT_BAD_UTF8 && c == 0xE9); /* Latin-1 é */
}

TEST(classes)
{
    CHECK(text_class(' ') == TEXT_SPACE);
    CHECK(text_class('a') == TEXT_VISIBLE);
    CHECK(text_class(0xA0) == TEXT_NBSP && text_class(0x202F) == TEXT_NBSP);
    CHECK(text_class(0xAD) == TEXT_SHY);
    CHECK(text_class(0x200B) == TEXT_ZWSP);
    CHECK(text_class(0x200D) == TEXT_INVISIBLE && text_class(0xFE0F) == TEXT_INVISIBLE);
    CHECK(text_class(0x2003) == TEXT_VISIBLE); /* an em space is measured, not stretched */

    CHECK(text_is_letter('Q') && text_is_letter(0xE9) && text_is_letter(0x05D0) && !text_is_letter('1'));
    CHECK(text_is_lower(0xE9) && !text_is_lower(0xC9) && !text_is_lower(0x05D0));
    CHECK(text_is_upperish(0xC9) && text_is_upperish(0x05D0) && !text_is_upperish('e') && !text_is_upperish('('));
    CHECK(text_is_word_char('7') && text_is_word_char(0x0301) && text_is_word_char(0x0663) && !text_is_word_char('-'));
    CHECK(text_is_mark(0x0301) && !text_is_mark('e'));
    CHECK(text_is_white(' ') && text_is_white(0x2003) && text_is_white(0xA0) && !text_is_white('\t'));
    CHECK(text_is_nbsp(0x2007) && !text_is_nbsp(' '));
    CHECK(text_is_dash(0x2014) && !text_is_dash('-'));
}

TEST(line_start_and_end_rules)
{
    CHECK(text_no_line_start('.') && text_no_line_start(0x201D) && text_no_line_start(0x3002));
    CHECK(!text_no_line_start('a') && !text_no_line_start('('));
    CHECK(text_no_line_end(0x201E) && text_no_line_end(0xBF) && !text_no_line_end(')'));
    /* ASCII quotes by context: "a" */
    const uint32_t q[] = {'"', 'a', '"', ' ', '(', '\'', 'b'};
    CHECK(text_opening_at(q, 0) && !text_closing_at(q, 0));
    CHECK(text_closing_at(q, 2) && !text_opening_at(q, 2));
    CHECK(text_opening_at(q, 5)); /* after an opening bracket */
    CHECK(!text_closing_at(q, 6));
}

TEST(sentence_end_title_rule)
{
    const int T = TEXT_SENTENCE_TITLE;
    size_t past;
    /* "One. Two" ends after the stop */
    CHECK(text_sentence_end(S("One. Two"), 3, T, NULL) == 4);
    /* lower case after the space does not start a sentence */
    CHECK(text_sentence_end(S("e.g. this"), 3, T, NULL) == 0);
    /* digits and openers do; closers stay with the sentence */
    CHECK(text_sentence_end(S("It is. 3 more"), 5, T, NULL) == 6);
    CHECK(text_sentence_end(S("He said \"no.\" (Then)"), 11, T, NULL) == 13);
    CHECK(text_sentence_end(S("Wait\xE2\x80\xA6 \xC3\x89t\xC3\xA9"), 4, T, NULL) == 7); /* … É */
    /* at the end of the text */
    CHECK(text_sentence_end(S("Done!?"), 4, T, NULL) == 6);
    /* not a stop: 0, past moves one character */
    CHECK(text_sentence_end(S("ab"), 0, T, &past) == 0 && past == 1);
    /* a run of stops is skipped at once */
    CHECK(text_sentence_end(S("so...... and"), 2, T, &past) == 0 && past == 8);
    /* two spaces, or no space: no end */
    CHECK(text_sentence_end(S("A.  B"), 1, T, NULL) == 0);
    CHECK(text_sentence_end(S("3.14"), 1, T, NULL) == 0);
    /* lowercase non-ASCII does not start a sentence under the title rule */
    CHECK(text_sentence_end(S("A. \xC3\xA9t\xC3\xA9"), 1, T, NULL) == 0);
}

TEST(sentence_end_reader_rule)
{
    const int R = TEXT_SENTENCE_READER;
    CHECK(text_sentence_end(S("One. Two"), 3, R, NULL) == 4);
    CHECK(text_sentence_end(S("e.g. this"), 3, R, NULL) == 0);
    /* the reader rule only refuses ASCII lowercase */
    CHECK(text_sentence_end(S("A. \xC3\xA9t\xC3\xA9"), 1, R, NULL) == 2);
    CHECK(text_sentence_end(S("A. -x"), 1, R, NULL) == 2);
    CHECK(text_sentence_end(S("A. -x"), 1, TEXT_SENTENCE_TITLE, NULL) == 0);
}

/* Chinese and Japanese: 。！？ end a sentence with no space after them, and
 * the closing brackets after them stay with it. */
TEST(sentence_cjk)
{
    const int T = TEXT_SENTENCE_TITLE, R = TEXT_SENTENCE_READER;
    /* 甲。乙: the stop at byte 3, the next sentence at byte 6 */
    CHECK(text_sentence_end(S("\xE7\x94\xB2\xE3\x80\x82\xE4\xB9\x99"), 3, T, NULL) == 6);
    CHECK(text_sentence_end(S("\xE7\x94\xB2\xE3\x80\x82\xE4\xB9\x99"), 3, R, NULL) == 6);
    /* 甲。」乙: the closing bracket goes with the sentence */
    CHECK(text_sentence_end(S("\xE7\x94\xB2\xE3\x80\x82\xE3\x80\x8D\xE4\xB9\x99"), 3, T, NULL) == 9);
    /* 甲？乙 (fullwidth question mark) and a space after 。 */
    CHECK(text_sentence_end(S("\xE7\x94\xB2\xEF\xBC\x9F\xE4\xB9\x99"), 3, T, NULL) == 6);
    CHECK(text_sentence_end(S("\xE7\x94\xB2\xE3\x80\x82 \xE4\xB9\x99"), 3, T, NULL) == 6);
    /* the comma 、 and ， end nothing */
    CHECK(text_sentence_end(S("\xE7\x94\xB2\xE3\x80\x81\xE4\xB9\x99"), 3, T, NULL) == 0);
    CHECK(!text_is_stop(0xFF0C) && !text_is_stop(0x3001) && text_is_stop(0x3002));
    /* the sentence of a character after 。 starts after the stop itself */
    const uint8_t *s = (const uint8_t *)"\xE7\x94\xB2\xE3\x80\x82\xE4\xB9\x99\xE4\xB8\x99";
    size_t n = strlen((const char *)s);
    CHECK(text_sentence_start(s, n, 0, R) == 0);
    CHECK(text_sentence_start(s, n, 3, R) == 0);
    CHECK(text_sentence_start(s, n, 6, R) == 6);
    CHECK(text_sentence_start(s, n, 9, R) == 6);
    /* and the ASCII rules are as they were */
    CHECK(text_sentence_end(S("3.14"), 1, T, NULL) == 0);
}

TEST(sentence_start)
{
    const uint8_t *s = (const uint8_t *)"One. Two three? Four, U.S. tech. Five";
    size_t n = strlen((const char *)s);
    const int R = TEXT_SENTENCE_READER;
    CHECK(text_sentence_start(s, n, 0, R) == 0);
    CHECK(text_sentence_start(s, n, 3, R) == 0);
    CHECK(text_sentence_start(s, n, 4, R) == 0); /* the space after the stop */
    CHECK(text_sentence_start(s, n, 5, R) == 5);
    CHECK(text_sentence_start(s, n, 15, R) == 5);
    CHECK(text_sentence_start(s, n, 16, R) == 16);
    size_t tech = (size_t)(strstr((const char *)s, "tech") - (const char *)s);
    CHECK(text_sentence_start(s, n, tech, R) == 16); /* "U.S. tech": lower case goes on */
    size_t five = (size_t)(strstr((const char *)s, "Five") - (const char *)s);
    CHECK(text_sentence_start(s, n, five, R) == five);
    CHECK(text_sentence_start(s, n, n - 1, R) == five);
    /* bad bytes are read as U+FFFD, which starts a sentence; nothing stalls */
    const uint8_t bad[] = {'A', '.', ' ', 0xFF, 'b', '.', ' ', 0xC3};
    CHECK(text_sentence_start(bad, sizeof bad, 4, R) == 3);
    CHECK(text_sentence_start(bad, sizeof bad, 7, R) == 7);
}

int main(void)
{
    RUN(next_decodes_and_never_stalls);
    RUN(scan_classifies_for_the_boundary);
    RUN(classes);
    RUN(line_start_and_end_rules);
    RUN(sentence_end_title_rule);
    RUN(sentence_end_reader_rule);
    RUN(sentence_start);
    RUN(sentence_cjk);
    return T_END();
}

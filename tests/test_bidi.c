/* test_bidi.c - bidirectional text (src/text_bidi.h): base direction by
 * the first strong character and by the essay's language, the levels of
 * Hebrew and Arabic with digits and embedded English, lines reordered one
 * by one after breaking, mirrored brackets, bad bytes and empty input.
 * The expected visual strings below were written out by hand, letter by
 * letter, from UAX #9.
 *
 * With arguments, `test_bidi --visual auto|auto-rtl|ltr|rtl` reads lines
 * on stdin, each a paragraph, and prints for each what `fribidi --nopad
 * --nobreak --basedir --vtol --levels` prints: the visual string
 * (mirrored), the base direction, the visual-to-logical map and the
 * levels, all from text_bidi_reorder's runs. tests/cli/bidi.sh compares
 * the two. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <fribidi.h>

#include "t.h"
#include "text.h"
#include "text_bidi.h"

#define S(lit) (const uint8_t *)(lit), (sizeof(lit) - 1)

/* The line [start, end) of p on screen, left to right, as UTF-8 (mirrored
 * at odd levels) into out; also checks that the runs tile the line. */
static int visual(const text_bidi_para *p, uint32_t start, uint32_t end, char *out, size_t cap)
{
    text_bidi_line ln = {0};
    lerr e = {{0}};
    if (text_bidi_reorder(p, start, end, &ln, &e)) {
        fprintf(stderr, "  reorder: %s\n", e.msg);
        return -1;
    }
    size_t m = 0, covered = 0;
    int ok = 1;
    for (size_t r = 0; r < ln.nruns; r++) {
        const text_bidi_run *q = &ln.runs[r];
        if (q->start >= q->end || q->start < start || q->end > end) ok = 0;
        covered += q->end - q->start;
        if (q->level & 1) {
            for (uint32_t i = q->end; i > q->start;) {
                uint32_t cp;
                i -= (uint32_t)text_bidi_prev(p->s, q->start, i, &cp);
                uint8_t b[4];
                size_t k = utf8_encode(text_bidi_mirror(cp, q->level), b);
                if (m + k < cap) memcpy(out + m, b, k), m += k;
            }
        } else {
            size_t k = q->end - q->start;
            if (m + k < cap) memcpy(out + m, p->s + q->start, k), m += k;
        }
    }
    out[m] = 0;
    text_bidi_line_free(&ln);
    return ok && covered == end - start ? 0 : -1;
}

/* The runs of a line as "start-end:level ...". */
static void runs_str(const text_bidi_para *p, uint32_t start, uint32_t end, char *out, size_t cap)
{
    text_bidi_line ln = {0};
    out[0] = 0;
    if (text_bidi_reorder(p, start, end, &ln, NULL)) return;
    size_t m = 0;
    for (size_t r = 0; r < ln.nruns && m < cap; r++)
        m += (size_t)snprintf(out + m, cap - m, "%s%u-%u:%u", r ? " " : "", ln.runs[r].start, ln.runs[r].end,
                              ln.runs[r].level);
    text_bidi_line_free(&ln);
}

TEST(ltr_fast_path)
{
    text_bidi_para p;
    lerr e = {{0}};
    /* digits, punctuation, accents, a dash: nothing right to left */
    const char *t = "Caf\xC3\xA9 \xE2\x80\x94 since 2024, 3.5% (say) \"hello\".";
    size_t n = strlen(t);
    CHECK(text_bidi_analyse((const uint8_t *)t, n, TEXT_BIDI_AUTO, &p, &e) == 0);
    CHECK(p.uniform && !p.rtl && p.base == 0 && !text_bidi_is_rtl(&p));
    CHECK(p.off == NULL && p.levels == NULL); /* nothing allocated */
    CHECK(text_bidi_level_at(&p, 10) == 0);
    char v[256], r[128];
    runs_str(&p, 0, (uint32_t)n, r, sizeof r);
    char want[32];
    snprintf(want, sizeof want, "0-%zu:0", n);
    CHECKF(strcmp(r, want) == 0, "runs %s", r);
    CHECK(visual(&p, 0, (uint32_t)n, v, sizeof v) == 0 && strcmp(v, t) == 0);
    /* a line from the middle is one run too */
    runs_str(&p, 10, 15, r, sizeof r);
    CHECKF(strcmp(r, "10-15:0") == 0, "runs %s", r);
    /* the Hebrew hint does not turn a Latin paragraph around */
    text_bidi_free(&p);
    CHECK(text_bidi_analyse((const uint8_t *)t, n, TEXT_BIDI_AUTO_RTL, &p, &e) == 0);
    CHECK(p.uniform && !p.rtl);
    text_bidi_free(&p);
    /* but a forced RTL base does */
    CHECK(text_bidi_analyse((const uint8_t *)t, n, TEXT_BIDI_RTL, &p, &e) == 0);
    CHECK(!p.uniform && p.rtl && text_bidi_level_at(&p, 0) == 2);
    text_bidi_free(&p);
    CHECK(p.off == NULL && p.ncp == 0);
}

TEST(hebrew_sentence)
{
    /* "שלום עולם." : shin lamed vav final-mem, space, ayin vav lamed final-mem, full stop */
    const char *t = "\xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D \xD7\xA2\xD7\x95\xD7\x9C\xD7\x9D.";
    text_bidi_para p;
    CHECK(text_bidi_analyse((const uint8_t *)t, strlen(t), TEXT_BIDI_AUTO, &p, NULL) == 0);
    CHECK(p.rtl && p.base == 1 && !p.uniform && p.ncp == 10);
    for (uint32_t i = 0; i < strlen(t); i++) CHECKF(text_bidi_level_at(&p, i) == 1, "byte %u", i);
    char r[64], v[64];
    runs_str(&p, 0, (uint32_t)strlen(t), r, sizeof r);
    CHECKF(strcmp(r, "0-18:1") == 0, "runs %s", r);
    /* on screen: ".םלוע םולש" */
    CHECK(visual(&p, 0, (uint32_t)strlen(t), v, sizeof v) == 0);
    CHECKF(strcmp(v, ".\xD7\x9D\xD7\x9C\xD7\x95\xD7\xA2 \xD7\x9D\xD7\x95\xD7\x9C\xD7\xA9") == 0, "%s", v);
    CHECK(text_bidi_dir((const uint8_t *)t, strlen(t), TEXT_BIDI_AUTO) == 1);
    CHECK(text_bidi_dir((const uint8_t *)t, strlen(t), TEXT_BIDI_LTR) == 0);
    text_bidi_free(&p);
}

TEST(arabic_with_western_digits)
{
    /* "في عام 2024 كان": fa yeh, space, ain alef meem, space, 2024, space, kaf alef noon */
    const char *t = "\xD9\x81\xD9\x8A \xD8\xB9\xD8\xA7\xD9\x85 2024 \xD9\x83\xD8\xA7\xD9\x86";
    size_t n = strlen(t); /* 4 + 1 + 6 + 1 + 4 + 1 + 6 = 23 */
    text_bidi_para p;
    CHECK(n == 23);
    CHECK(text_bidi_analyse((const uint8_t *)t, n, TEXT_BIDI_AUTO, &p, NULL) == 0);
    CHECK(p.rtl && !p.uniform);
    CHECK(text_bidi_level_at(&p, 0) == 1 && text_bidi_level_at(&p, 4) == 1 && text_bidi_level_at(&p, 11) == 1);
    CHECK(text_bidi_level_at(&p, 12) == 2 && text_bidi_level_at(&p, 15) == 2); /* EN in RTL: I2, +2 */
    CHECK(text_bidi_level_at(&p, 16) == 1);
    char r[64], v[64];
    runs_str(&p, 0, (uint32_t)n, r, sizeof r);
    /* left to right: "كان " reversed, then 2024 as it is, then " عام في" reversed */
    CHECKF(strcmp(r, "16-23:1 12-16:2 0-12:1") == 0, "runs %s", r);
    CHECK(visual(&p, 0, (uint32_t)n, v, sizeof v) == 0);
    CHECKF(strcmp(v, "\xD9\x86\xD8\xA7\xD9\x83 2024 \xD9\x85\xD8\xA7\xD8\xB9 \xD9\x8A\xD9\x81") == 0, "%s", v);
    text_bidi_free(&p);

    /* "عام 2024" alone: the number at the left */
    const char *u = "\xD8\xB9\xD8\xA7\xD9\x85 2024";
    CHECK(text_bidi_analyse((const uint8_t *)u, strlen(u), TEXT_BIDI_AUTO, &p, NULL) == 0);
    runs_str(&p, 0, (uint32_t)strlen(u), r, sizeof r);
    CHECKF(strcmp(r, "7-11:2 0-7:1") == 0, "runs %s", r);
    text_bidi_free(&p);

    /* "نسبة 12.5%": after Arabic letters the digits are AN (W2), the point
     * between them too (W4), but W5 joins "%" only to European numbers:
     * it is a neutral at the paragraph's level, left of the number */
    const char *w = "\xD9\x86\xD8\xB3\xD8\xA8\xD8\xA9 12.5%";
    CHECK(text_bidi_analyse((const uint8_t *)w, strlen(w), TEXT_BIDI_AUTO, &p, NULL) == 0);
    runs_str(&p, 0, (uint32_t)strlen(w), r, sizeof r);
    CHECKF(strcmp(r, "13-14:1 9-13:2 0-9:1") == 0, "runs %s", r);
    text_bidi_free(&p);
    /* the same in Hebrew, "שיעור 12.5%": European numbers, "%" with them */
    const char *h = "\xD7\xA9\xD7\x99\xD7\xA2\xD7\x95\xD7\xA8 12.5%";
    CHECK(text_bidi_analyse((const uint8_t *)h, strlen(h), TEXT_BIDI_AUTO, &p, NULL) == 0);
    runs_str(&p, 0, (uint32_t)strlen(h), r, sizeof r);
    CHECKF(strcmp(r, "11-16:2 0-11:1") == 0, "runs %s", r);
    text_bidi_free(&p);
}

TEST(hebrew_with_english_phrase)
{
    /* "אני אוהב Hello World מאוד" */
    const char *t = "\xD7\x90\xD7\xA0\xD7\x99 \xD7\x90\xD7\x95\xD7\x94\xD7\x91 Hello World "
                    "\xD7\x9E\xD7\x90\xD7\x95\xD7\x93";
    size_t n = strlen(t); /* 6+1+8+1 = 16: "Hello World" is 16..27, space 27, 28..36 */
    text_bidi_para p;
    CHECK(n == 36);
    CHECK(text_bidi_analyse((const uint8_t *)t, n, TEXT_BIDI_AUTO, &p, NULL) == 0);
    CHECK(p.rtl);
    CHECK(text_bidi_level_at(&p, 16) == 2 && text_bidi_level_at(&p, 21) == 2); /* the space inside: L on both sides */
    CHECK(text_bidi_level_at(&p, 15) == 1 && text_bidi_level_at(&p, 27) == 1);
    char r[64], v[64];
    runs_str(&p, 0, (uint32_t)n, r, sizeof r);
    CHECKF(strcmp(r, "27-36:1 16-27:2 0-16:1") == 0, "runs %s", r);
    CHECK(visual(&p, 0, (uint32_t)n, v, sizeof v) == 0);
    CHECKF(strcmp(v, "\xD7\x93\xD7\x95\xD7\x90\xD7\x9E Hello World \xD7\x91\xD7\x94\xD7\x95\xD7\x90 "
                     "\xD7\x99\xD7\xA0\xD7\x90") == 0, "%s", v);
    text_bidi_free(&p);

    /* and the other way round: a Hebrew phrase in an English sentence */
    const char *u = "I said \xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D \xD7\xA2\xD7\x95\xD7\x9C\xD7\x9D to her";
    CHECK(text_bidi_analyse((const uint8_t *)u, strlen(u), TEXT_BIDI_AUTO, &p, NULL) == 0);
    CHECK(!p.rtl && !p.uniform);
    CHECK(visual(&p, 0, (uint32_t)strlen(u), v, sizeof v) == 0);
    CHECKF(strcmp(v, "I said \xD7\x9D\xD7\x9C\xD7\x95\xD7\xA2 \xD7\x9D\xD7\x95\xD7\x9C\xD7\xA9 to her") == 0, "%s", v);
    text_bidi_free(&p);
}

TEST(brackets_mirrored)
{
    CHECK(text_bidi_mirror('(', 1) == ')' && text_bidi_mirror(')', 1) == '(');
    CHECK(text_bidi_mirror('(', 0) == '(' && text_bidi_mirror('(', 2) == '(');
    CHECK(text_bidi_mirror('<', 3) == '>' && text_bidi_mirror(0xAB, 1) == 0xBB && text_bidi_mirror('[', 1) == ']');
    CHECK(text_bidi_mirror('a', 1) == 'a' && text_bidi_mirror(0x05D0, 1) == 0x05D0);
    /* "שלום (עולם)": the brackets are R (level 1), reversed and mirrored, so
     * they still open before עולם as a reader of Hebrew reads it: "(םלוע) םולש" */
    const char *t = "\xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D (\xD7\xA2\xD7\x95\xD7\x9C\xD7\x9D)";
    text_bidi_para p;
    char v[64];
    CHECK(text_bidi_analyse((const uint8_t *)t, strlen(t), TEXT_BIDI_AUTO, &p, NULL) == 0);
    CHECK(text_bidi_level_at(&p, 9) == 1 && text_bidi_level_at(&p, 18) == 1);
    CHECK(visual(&p, 0, (uint32_t)strlen(t), v, sizeof v) == 0);
    CHECKF(strcmp(v, "(\xD7\x9D\xD7\x9C\xD7\x95\xD7\xA2) \xD7\x9D\xD7\x95\xD7\x9C\xD7\xA9") == 0, "%s", v);
    text_bidi_free(&p);
    /* N0: brackets around English inside Hebrew take the Hebrew direction
     * (the strong type before them); "א (b) ג" -> "ג (b) א" */
    const char *u = "\xD7\x90 (b) \xD7\x92";
    CHECK(text_bidi_analyse((const uint8_t *)u, strlen(u), TEXT_BIDI_AUTO, &p, NULL) == 0);
    CHECK(text_bidi_level_at(&p, 3) == 1 && text_bidi_level_at(&p, 4) == 2 && text_bidi_level_at(&p, 5) == 1);
    CHECK(visual(&p, 0, (uint32_t)strlen(u), v, sizeof v) == 0);
    CHECKF(strcmp(v, "\xD7\x92 (b) \xD7\x90") == 0, "%s", v);
    text_bidi_free(&p);
}

TEST(neutral_paragraph_and_language)
{
    CHECK(text_bidi_hint_for_lang("he", 2) == TEXT_BIDI_AUTO_RTL);
    CHECK(text_bidi_hint_for_lang("ar-EG", 5) == TEXT_BIDI_AUTO_RTL);
    CHECK(text_bidi_hint_for_lang("fa", 2) == TEXT_BIDI_AUTO_RTL && text_bidi_hint_for_lang("UR", 2) == TEXT_BIDI_AUTO_RTL);
    CHECK(text_bidi_hint_for_lang("yi", 2) == TEXT_BIDI_AUTO_RTL && text_bidi_hint_for_lang("ckb-IQ", 6) == TEXT_BIDI_AUTO_RTL);
    CHECK(text_bidi_hint_for_lang("en", 2) == TEXT_BIDI_AUTO && text_bidi_hint_for_lang("de-CH", 5) == TEXT_BIDI_AUTO);
    CHECK(text_bidi_hint_for_lang("az-Arab", 7) == TEXT_BIDI_AUTO_RTL && text_bidi_hint_for_lang("pa-Arab-PK", 10) == TEXT_BIDI_AUTO_RTL);
    CHECK(text_bidi_hint_for_lang("sd-Deva", 7) == TEXT_BIDI_AUTO && text_bidi_hint_for_lang("pa", 2) == TEXT_BIDI_AUTO);
    CHECK(text_bidi_hint_for_lang("hebrew", 6) == TEXT_BIDI_AUTO); /* a prefix is not the tag */
    CHECK(text_bidi_hint_for_lang("he", 1) == TEXT_BIDI_AUTO);     /* "h" */
    CHECK(text_bidi_hint_for_lang(NULL, 0) == TEXT_BIDI_AUTO);

    /* "123 - 456!": no strong character; the language decides */
    const char *t = "123 - 456!";
    size_t n = strlen(t);
    text_bidi_para p;
    char v[64], r[64];
    CHECK(text_bidi_analyse((const uint8_t *)t, n, text_bidi_hint_for_lang("en", 2), &p, NULL) == 0);
    CHECK(!p.rtl && p.uniform);
    CHECK(visual(&p, 0, (uint32_t)n, v, sizeof v) == 0 && strcmp(v, t) == 0);
    text_bidi_free(&p);
    CHECK(text_bidi_dir((const uint8_t *)t, n, TEXT_BIDI_AUTO_RTL) == 1);
    CHECK(text_bidi_analyse((const uint8_t *)t, n, text_bidi_hint_for_lang("he", 2), &p, NULL) == 0);
    CHECK(p.rtl && text_bidi_is_rtl(&p) && !p.uniform);
    runs_str(&p, 0, (uint32_t)n, r, sizeof r);
    CHECKF(strcmp(r, "9-10:1 6-9:2 3-6:1 0-3:2") == 0, "runs %s", r);
    CHECK(visual(&p, 0, (uint32_t)n, v, sizeof v) == 0);
    CHECKF(strcmp(v, "!456 - 123") == 0, "%s", v);
    text_bidi_free(&p);
    /* an isolate's content does not decide the base (P2): "⁧abc⁩ …" under RTL hint */
    const char *u = "\xE2\x81\xA6" "abc" "\xE2\x81\xA9" " 1";
    CHECK(text_bidi_dir((const uint8_t *)u, strlen(u), TEXT_BIDI_AUTO_RTL) == 1);
    CHECK(text_bidi_dir((const uint8_t *)u, strlen(u), TEXT_BIDI_AUTO) == 0);
    CHECK(text_bidi_analyse((const uint8_t *)u, strlen(u), TEXT_BIDI_AUTO_RTL, &p, NULL) == 0);
    CHECK(p.rtl && text_bidi_level_at(&p, 3) == 2);
    text_bidi_free(&p);
}

TEST(lines_reordered_one_by_one)
{
    /* "I said שלום עולם to her", broken after שלום. The whole paragraph on
     * one line reads "I said םלוע םולש to her"; cut into two lines, each
     * line is reordered on its own, so the first line holds שלום and not
     * עולם: "I said םולש" and "םלוע to her". */
    const char *t = "I said \xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D \xD7\xA2\xD7\x95\xD7\x9C\xD7\x9D to her";
    size_t n = strlen(t);
    text_bidi_para p;
    char v[64], r[64];
    CHECK(text_bidi_analyse((const uint8_t *)t, n, TEXT_BIDI_AUTO, &p, NULL) == 0);
    CHECK(text_bidi_level_at(&p, 15) == 1); /* the space between the Hebrew words */
    /* line 1: bytes 0..15 (the space at 15 is the break) */
    CHECK(visual(&p, 0, 15, v, sizeof v) == 0);
    CHECKF(strcmp(v, "I said \xD7\x9D\xD7\x95\xD7\x9C\xD7\xA9") == 0, "line 1: %s", v);
    runs_str(&p, 0, 15, r, sizeof r);
    CHECKF(strcmp(r, "0-7:0 7-15:1") == 0, "runs %s", r);
    /* line 2: 16..n */
    CHECK(visual(&p, 16, (uint32_t)n, v, sizeof v) == 0);
    CHECKF(strcmp(v, "\xD7\x9D\xD7\x9C\xD7\x95\xD7\xA2 to her") == 0, "line 2: %s", v);
    /* L1: a line that keeps its trailing space puts it at the paragraph
     * level, after the Hebrew, not before it */
    runs_str(&p, 0, 16, r, sizeof r);
    CHECKF(strcmp(r, "0-7:0 7-15:1 15-16:0") == 0, "runs %s", r);
    CHECK(text_bidi_level_at(&p, 15) == 1); /* the paragraph is unchanged */
    /* one line object for every line, in any order */
    text_bidi_line ln = {0};
    CHECK(text_bidi_reorder(&p, 16, (uint32_t)n, &ln, NULL) == 0 && ln.nruns == 2);
    CHECK(text_bidi_reorder(&p, 0, (uint32_t)n, &ln, NULL) == 0 && ln.nruns == 3);
    CHECK(ln.runs[1].start == 7 && ln.runs[1].end == 24 && ln.runs[1].level == 1);
    CHECK(text_bidi_reorder(&p, 0, 15, &ln, NULL) == 0 && ln.nruns == 2);
    text_bidi_line_free(&ln);
    CHECK(ln.runs == NULL && ln.nruns == 0);
    text_bidi_free(&p);

    /* An RTL paragraph with English across the break: "אני קורא the quick
     * brown fox היום" broken after "quick" */
    const char *u = "\xD7\x90\xD7\xA0\xD7\x99 \xD7\xA7\xD7\x95\xD7\xA8\xD7\x90 the quick brown fox "
                    "\xD7\x94\xD7\x99\xD7\x95\xD7\x9D";
    CHECK(text_bidi_analyse((const uint8_t *)u, strlen(u), TEXT_BIDI_AUTO, &p, NULL) == 0);
    CHECK(p.rtl);
    CHECK(visual(&p, 0, 25, v, sizeof v) == 0); /* "אני קורא the quick" */
    CHECKF(strcmp(v, "the quick \xD7\x90\xD7\xA8\xD7\x95\xD7\xA7 \xD7\x99\xD7\xA0\xD7\x90") == 0, "line 1: %s", v);
    CHECK(visual(&p, 26, (uint32_t)strlen(u), v, sizeof v) == 0); /* "brown fox היום" */
    CHECKF(strcmp(v, "\xD7\x9D\xD7\x95\xD7\x99\xD7\x94 brown fox") == 0, "line 2: %s", v);
    text_bidi_free(&p);
}

TEST(explicit_embeddings)
{
    /* RLO "abc" PDF in an English line: the override shows "cba" */
    const char *t = "x \xE2\x80\xAE" "abc" "\xE2\x80\xAC y";
    text_bidi_para p;
    char v[64];
    CHECK(text_bidi_analyse((const uint8_t *)t, strlen(t), TEXT_BIDI_AUTO, &p, NULL) == 0);
    CHECK(!p.uniform && !p.rtl && text_bidi_level_at(&p, 5) == 1);
    CHECK(visual(&p, 0, (uint32_t)strlen(t), v, sizeof v) == 0);
    CHECKF(strstr(v, "cba") != NULL && strncmp(v, "x ", 2) == 0, "%s", v);
    text_bidi_free(&p);
}

TEST(separators_and_deep_nesting)
{
    /* a paragraph separator inside a block (LF, U+2029) is taken as a
     * segment separator: what follows keeps the paragraph's level */
    const char *t = "\xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D\nabc! \xE2\x80\xA9 1";
    text_bidi_para p;
    CHECK(text_bidi_analyse((const uint8_t *)t, strlen(t), TEXT_BIDI_AUTO, &p, NULL) == 0);
    CHECK(p.rtl && text_bidi_level_at(&p, 8) == 1);                         /* the LF */
    /* abc and "!" (between L and the 1, which W7 makes L) at 2, not 0 as
     * FriBidi leaves what follows a B; the space before U+2029 and U+2029
     * itself at the paragraph level (L1) */
    CHECK(text_bidi_level_at(&p, 9) == 2 && text_bidi_level_at(&p, 12) == 2);
    CHECK(text_bidi_level_at(&p, 13) == 1 && text_bidi_level_at(&p, 14) == 1 && text_bidi_level_at(&p, 18) == 2);
    text_bidi_free(&p);

    /* 150 embeddings deep, then text, then 150 PDFs, an isolate: FriBidi
     * 1.0.8 crashes when levels reach 125; the module caps the nesting */
    static char deep[4096];
    size_t m = 0;
    for (int i = 0; i < 150; i++) m += (size_t)sprintf(deep + m, "%s", i & 1 ? "\xE2\x80\xAA" : "\xE2\x80\xAB");
    m += (size_t)sprintf(deep + m, "x \xD7\x90 (1) ");
    for (int i = 0; i < 150; i++) m += (size_t)sprintf(deep + m, "\xE2\x80\xAC");
    m += (size_t)sprintf(deep + m, "\xE2\x81\xA7y\xE2\x81\xA9 z");
    CHECK(text_bidi_analyse((const uint8_t *)deep, m, TEXT_BIDI_AUTO, &p, NULL) == 0);
    int maxl = 0;
    for (uint32_t i = 0; i < m; i++) if (text_bidi_level_at(&p, i) > maxl) maxl = text_bidi_level_at(&p, i);
    CHECKF(maxl >= 60 && maxl <= 125, "max level %d", maxl);
    CHECK(text_bidi_level_at(&p, (uint32_t)m - 1) == 0); /* z: every embedding closed */
    text_bidi_line ln = {0};
    CHECK(text_bidi_reorder(&p, 0, (uint32_t)m, &ln, NULL) == 0 && ln.nruns >= 3);
    text_bidi_line_free(&ln);
    text_bidi_free(&p);
}

TEST(malformed_and_empty)
{
    text_bidi_para p;
    text_bidi_line ln = {0};
    lerr e = {{0}};
    /* empty */
    CHECK(text_bidi_analyse((const uint8_t *)"", 0, TEXT_BIDI_AUTO, &p, &e) == 0);
    CHECK(p.uniform && p.ncp == 0 && !p.rtl);
    CHECK(text_bidi_reorder(&p, 0, 0, &ln, &e) == 0 && ln.nruns == 0);
    CHECK(text_bidi_reorder(&p, 0, 1, &ln, &e) == -1 && strstr(e.msg, "outside"));
    text_bidi_free(&p);
    CHECK(text_bidi_analyse(NULL, 0, TEXT_BIDI_AUTO_RTL, &p, &e) == 0 && p.rtl && p.uniform);
    text_bidi_free(&p);

    /* bad bytes among Hebrew: a lone continuation, a truncated alef, an
     * overlong '/', a surrogate, and a truncated sequence at the end */
    const uint8_t bad[] = {0xD7, 0x90, 0x80, 'a', 0xD7, ' ', 0xC0, 0xAF, 0xED, 0xA0, 0x80, 0xD7, 0x91, 0xE2, 0x80};
    size_t n = sizeof bad, ncp = 0;
    for (size_t i = 0; i < n; ncp++) {
        uint32_t c;
        i += text_next(bad + i, n - i, &c);
    }
    CHECK(text_bidi_analyse(bad, n, TEXT_BIDI_AUTO, &p, &e) == 0);
    CHECKF(p.ncp == ncp && ncp == 13, "ncp %zu", p.ncp);
    CHECK(p.rtl && !p.uniform);
    CHECK(text_bidi_reorder(&p, 0, (uint32_t)n, &ln, &e) == 0);
    size_t covered = 0;
    for (size_t r = 0; r < ln.nruns; r++) covered += ln.runs[r].end - ln.runs[r].start;
    CHECK(covered == n);
    /* boundaries: inside the alef (1), inside the beth (12) are not; the
     * lone bytes are characters of their own */
    CHECK(!text_bidi_boundary(bad, n, 1) && !text_bidi_boundary(bad, n, 12));
    CHECK(text_bidi_boundary(bad, n, 2) && text_bidi_boundary(bad, n, 3) && text_bidi_boundary(bad, n, 5));
    CHECK(text_bidi_boundary(bad, n, 7) && text_bidi_boundary(bad, n, 9) && text_bidi_boundary(bad, n, 14));
    CHECK(text_bidi_reorder(&p, 1, 5, &ln, &e) == -1 && strstr(e.msg, "byte 1 is inside a character"));
    CHECK(ln.nruns == 0);
    CHECK(text_bidi_reorder(&p, 0, 12, &ln, &e) == -1 && strstr(e.msg, "byte 12"));
    CHECK(text_bidi_reorder(&p, 5, 3, &ln, &e) == -1 && strstr(e.msg, "outside"));
    CHECK(text_bidi_reorder(&p, 0, (uint32_t)n + 1, &ln, &e) == -1);
    /* walking backwards gives what walking forwards gives */
    uint32_t fw[16];
    size_t k = 0;
    for (size_t i = 0; i < n; k++) i += text_next(bad + i, n - i, &fw[k]);
    size_t j = k;
    for (size_t i = n; i > 0;) {
        uint32_t c;
        i -= text_bidi_prev(bad, 0, i, &c);
        CHECKF(j > 0 && fw[--j] == c, "at %zu: %x", i, c);
    }
    CHECK(j == 0);
    CHECK(text_bidi_level_at(&p, 1000) == p.base);
    text_bidi_line_free(&ln);
    text_bidi_free(&p);
}

/* ---- --visual: the same output as fribidi(1) ------------------------------------ */

static int visual_main(const char *mode)
{
    int hint = strcmp(mode, "auto") == 0 ? TEXT_BIDI_AUTO : strcmp(mode, "auto-rtl") == 0 ? TEXT_BIDI_AUTO_RTL
             : strcmp(mode, "ltr") == 0 ? TEXT_BIDI_LTR : strcmp(mode, "rtl") == 0 ? TEXT_BIDI_RTL : -1;
    if (hint < 0) {
        fprintf(stderr, "test_bidi --visual: auto, auto-rtl, ltr or rtl, not '%s'\n", mode);
        return 2;
    }
    static char buf[1 << 16];
    text_bidi_line ln = {0};
    int rc = 0;
    while (fgets(buf, sizeof buf, stdin)) {
        size_t n = strlen(buf);
        if (n && buf[n - 1] == '\n') buf[--n] = 0;
        const uint8_t *s = (const uint8_t *)buf;
        text_bidi_para p;
        lerr e = {{0}};
        if (text_bidi_analyse(s, n, hint, &p, &e) || text_bidi_reorder(&p, 0, (uint32_t)n, &ln, &e)) {
            fprintf(stderr, "test_bidi --visual: %s\n", e.msg);
            rc = 1;
            text_bidi_free(&p);
            continue;
        }
        /* every code point, its type, and the code point index of every byte */
        static uint32_t index_of[1 << 16], cps[1 << 16], order[1 << 16];
        static uint8_t level_of[1 << 16];
        size_t ncp = 0;
        for (size_t i = 0; i < n; ncp++) {
            size_t l = text_next(s + i, n - i, &cps[ncp]);
            for (size_t k = 0; k < l; k++) index_of[i + k] = (uint32_t)ncp;
            i += l;
        }
        /* the runs left to right; a right-to-left run from its right end.
         * fribidi(1) also applies L3 (FRIBIDI_FLAG_REORDER_NSM, always on
         * in the tool): in a right-to-left run a base character's
         * combining marks follow it on screen instead of preceding it. A
         * renderer that draws code points needs that; HarfBuzz does it by
         * itself for a shaped run. */
        size_t m = 0;
        for (size_t r = 0; r < ln.nruns; r++) {
            const text_bidi_run *q = &ln.runs[r];
            uint32_t a = index_of[q->start], b = index_of[q->end - 1];
            for (uint32_t i = a; i <= b; i++) level_of[i] = q->level;
            if (!(q->level & 1)) {
                for (uint32_t i = a; i <= b; i++) order[m++] = i;
                continue;
            }
            for (uint32_t i = b + 1; i-- > a;) {
                /* marks (and format characters among them) before i, then their base */
                uint32_t j = i;
                if (fribidi_get_bidi_type(cps[i]) == FRIBIDI_TYPE_NSM) {
                    while (j > a && FRIBIDI_IS_EXPLICIT_OR_BN_OR_NSM(fribidi_get_bidi_type(cps[j - 1]))) j--;
                    if (j > a) j--; /* the base */
                }
                for (uint32_t k = j; k <= i; k++) order[m++] = k;
                i = j;
            }
        }
        for (size_t v = 0; v < m; v++) {
            uint8_t bytes[4];
            fwrite(bytes, 1, utf8_encode(text_bidi_mirror(cps[order[v]], level_of[order[v]]), bytes), stdout);
        }
        printf("\nBase direction: %s\n", text_bidi_is_rtl(&p) ? "R" : "L");
        for (size_t v = 0; v < m; v++) printf("%u ", order[v]);
        printf("\n");
        for (size_t i = 0; i < ncp; i++) printf("%u ", level_of[i]);
        printf("\n");
        text_bidi_free(&p);
    }
    text_bidi_line_free(&ln);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--visual") == 0) return visual_main(argv[2]);
    RUN(ltr_fast_path);
    RUN(hebrew_sentence);
    RUN(arabic_with_western_digits);
    RUN(hebrew_with_english_phrase);
    RUN(brackets_mirrored);
    RUN(neutral_paragraph_and_language);
    RUN(lines_reordered_one_by_one);
    RUN(explicit_embeddings);
    RUN(separators_and_deep_nesting);
    RUN(malformed_and_empty);
    return T_END();
}

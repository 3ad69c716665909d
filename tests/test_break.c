/* test_break.c - line-break opportunities (src/text_break.h): UAX #14 from
 * libunibreak, Thai from libthai, kinsoku, the product's rules, bad input.
 *
 * Most checks write the text with its breaks marked, before the byte a
 * line may start at: '|' allowed, '^' mandatory, '~' a URL place; and
 * compare with the expected marking. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <thai/thbrk.h>
#include <thai/thwchar.h>

#include "essay.h"
#include "layout.h"
#include "pack.h"
#include "t.h"
#include "text.h"
#include "text_break.h"
#include "util.h"

static text_breaker *B;

/* s marked with its breaks (static buffer, one at a time). */
static const char *marked(const char *lang, const char *s, unsigned flags)
{
    static char out[4096];
    size_t n = strlen(s), o = 0;
    uint8_t *brk = malloc(n ? n : 1);
    lerr e = {{0}};
    if (!brk || text_line_breaks(B, (const uint8_t *)s, n, lang, NULL, 0, flags, brk, &e) != 0) {
        free(brk);
        snprintf(out, sizeof out, "(error: %s)", e.msg);
        return out;
    }
    for (size_t i = 0; i < n && o + 2 < sizeof out; i++) {
        if (brk[i] == TEXT_BRK_ALLOW) out[o++] = '|';
        else if (brk[i] == TEXT_BRK_MUST) out[o++] = '^';
        else if (brk[i] == TEXT_BRK_URL) out[o++] = '~';
        else if (brk[i] != TEXT_BRK_NONE) out[o++] = '?';
        out[o++] = s[i];
    }
    out[o] = '\0';
    free(brk);
    return out;
}

#define EXPECT(lang, text, want) EXPECTF(lang, text, 0, want)
#define EXPECTF(lang, text, flags, want)                                         \
    do {                                                                         \
        const char *got_ = marked(lang, text, flags);                            \
        CHECKF(strcmp(got_, want) == 0, "[%s] got \"%s\", want \"%s\"", lang ? lang : "-", got_, want); \
    } while (0)

TEST(english_words_and_spaces)
{
    EXPECT("en", "hello world", "hello |world");
    EXPECT("en", "a  b", "a  |b");              /* LB7: the break is after the spaces */
    /* A leading space: UAX #14 (LB18) allows a break after it, libunibreak
     * 1.1 does not, and layout never breaks there either (the packer folds
     * such spaces away). Kept as libunibreak has it. */
    EXPECT("en", " lead", " lead");
    EXPECT("en", "one, two; three.", "one, |two; |three.");
    EXPECT("en", "a\xE2\x80\x8B" "b", "a\xE2\x80\x8B|b"); /* U+200B: after it */
}

TEST(hyphens_and_dashes)
{
    EXPECT("en", "world-wide", "world-|wide");
    EXPECT("en", "x--y", "x--|y");                     /* not between the two */
    EXPECT("en", "x-5 and -5", "x-5 |and |-5");          /* LB25 HY × NU */
    EXPECT("en", "a -abc", "a |-abc");                 /* a word-initial hyphen: libunibreak 1.1 breaks after it */
    EXPECT("en", "-abc", "-abc");
    EXPECT("en", "a\xE2\x80\x93" "b", "a\xE2\x80\x93|b");      /* en dash (BA): after only */
    EXPECT("en", "a\xE2\x80\x94" "b", "a|\xE2\x80\x94|b");     /* em dash (B2): both sides, unlike layout today */
    EXPECT("en", "a\xE2\x80\x94\xE2\x80\x94" "b", "a|\xE2\x80\x94\xE2\x80\x94|b"); /* LB17 B2 × B2 */
}

TEST(soft_hyphen_nbsp_hard_break)
{
    EXPECT("en", "hy\xC2\xADphen", "hy\xC2\xAD|phen");
    EXPECT("en", "a\xC2\xA0" "b c", "a\xC2\xA0" "b |c");         /* U+00A0 */
    EXPECT("en", "a\xE2\x80\xAF" "b", "a\xE2\x80\xAF" "b");       /* U+202F */
    EXPECT("en", "a\xE2\x81\xA0" "b", "a\xE2\x81\xA0" "b");       /* U+2060 */
    EXPECT("en", "a\xEF\xBB\xBF" "b", "a\xEF\xBB\xBF" "b");       /* U+FEFF */
    EXPECT("en", "a\xE2\x80\xA8" "b", "a\xE2\x80\xA8^b");         /* U+2028 */
    EXPECT("en", "a\xE2\x80\xA9" "b", "a\xE2\x80\xA9^b");         /* U+2029 */
    EXPECT("en", "a\nb\r\nc\rd", "a\n^b\r\n^c\r^d");             /* CR LF is one */
    EXPECT("en", "a \xE2\x80\xA8 b", "a \xE2\x80\xA8^ |b");
}

TEST(product_rules_at_spaces)
{
    /* UAX #14 allows all of these; layout never did. */
    EXPECT("en", "100 % sure", "100 % |sure");
    EXPECT("en", "wait \xE2\x80\xA6 then", "wait \xE2\x80\xA6 |then");
    EXPECT("fr", "dit \xC2\xAB mot \xC2\xBB puis", "dit |\xC2\xAB mot \xC2\xBB |puis");
    EXPECT("es", "y \xC2\xBF qu\xC3\xA9 ?", "y |\xC2\xBF qu\xC3\xA9 ?");
    EXPECT("en", "said \"hi there\" ok", "said |\"hi |there\" |ok");
    EXPECT("en", "( a )", "( a )");
}

TEST(urls_are_marked_for_layout)
{
    EXPECT("en", "see http://www.ex-ample.com/a/b?c=d ok",
           "see |http://~www.~ex-~ample.~com/~a/~b?~c=d |ok");
    EXPECT("en", "http://a.org/x_y?p=1&q=2", "http://~a.~org/~x_~y?~p=1&~q=2");
    /* e-mail addresses and paths are broken the same way */
    EXPECT("en", "write to a.teacher@school-x.org today", "write |to |a.~teacher@school-~x.~org |today");
    EXPECT("en", "in /usr/share/lectern/x.lpk or ~/essays/a_b",
           "in /usr/~share/~lectern/~x.~lpk |or |~/essays/~a_~b"); /* UAX #14: no break before '/' */
    /* not addresses: an @ without a dotted domain, a lone slash */
    EXPECT("en", "meet @noon / at 5", "meet |@noon / |at |5");
    EXPECT("en", "(www.a.org/x).", "(www.~a.~org/~x).");
    /* Japanese against a URL keeps its breaks; the URL ends at the kana */
    EXPECT("ja", "詳細はhttp://a.jp/bを参照", "詳|細|は|http://~a.~jp/~b|を|参|照");
    EXPECT("en", "mailto:x (see:http://a.b)", "mailto:x |(see:http://~a.~b)");
    /* not a URL: UAX #14 as usual */
    EXPECT("en", "and/or e.g.", "and/|or |e.g.");
}

/* libthai's own answer, through its TIS-620 interface: the positions (in
 * code points) of the word breaks of a Thai string. */
static int thai_reference(const char *utf8, int *pos, int cap)
{
    thchar_t tis[256];
    size_t n = strlen(utf8), i = 0, k = 0;
    while (i < n && k + 1 < sizeof tis) {
        uint32_t c;
        i += text_next((const uint8_t *)utf8 + i, n - i, &c);
        tis[k++] = th_uni2tis((thwchar_t)c);
    }
    tis[k] = 0;
    ThBrk *th = th_brk_new(NULL);
    if (!th) return -1;
    int np = th_brk_find_breaks(th, tis, pos, (size_t)cap);
    th_brk_delete(th);
    return np;
}

TEST(thai_words_from_libthai)
{
    const char *s = "ภาษาไทยเป็นภาษาที่สวยงาม";
    /* ภาษา|ไทย|เป็น|ภาษา|ที่|สวย|งาม: the known segmentation */
    EXPECT("th", s, "ภาษา|ไทย|เป็น|ภาษา|ที่|สวย|งาม");
    /* and the same as libthai's TIS-620 path: every Thai character is 3
     * bytes, so code point k is byte 3k */
    int pos[32];
    int np = thai_reference(s, pos, 32);
    CHECKF(np == 6, "np=%d", np);
    uint8_t brk[128];
    size_t n = strlen(s);
    CHECK(text_line_breaks(B, (const uint8_t *)s, n, "th", NULL, 0, 0, brk, NULL) == 0);
    int want[128] = {0};
    for (int p = 0; p < np; p++)
        if (pos[p] > 0 && (size_t)pos[p] * 3 < n) want[pos[p] * 3] = 1;
    for (size_t i = 0; i < n; i++)
        CHECKF((brk[i] == TEXT_BRK_ALLOW) == (want[i] == 1), "byte %zu: brk %d", i, brk[i]);
    /* Thai inside an English essay: the script decides, not the tag */
    EXPECT("en", "I love ภาษาไทย a lot", "I |love |ภาษา|ไทย |a |lot");
    EXPECT("th", "สวัสดีครับ", "สวัสดี|ครับ");
    EXPECT("th", "ข้าวมันไก่อร่อยมาก", "ข้าว|มัน|ไก่|อร่อย|มาก");
    /* the repetition and abbreviation marks stay with their word */
    EXPECT("th", "ดีๆ มากๆ", "ดีๆ |มากๆ");
    EXPECT("th", "กรุงเทพฯ เป็นเมืองหลวง", "กรุงเทพฯ |เป็น|เมืองหลวง");
    /* a soft hyphen inside Thai is a break, as anywhere */
    EXPECT("th", "ภาษา\xC2\xADไทย", "ภาษา\xC2\xAD|ไทย");
}

TEST(lao_falls_back_to_spaces)
{
    /* libthai does Thai only: Lao (SA, resolved to AL) breaks at spaces */
    EXPECT("lo", "ພາສາລາວ ສວຍງາມ", "ພາສາລາວ |ສວຍງາມ");
    EXPECT("lo", "ພາສາລາວສວຍງາມ", "ພາສາລາວສວຍງາມ");
}

TEST(chinese_breaks_and_kinsoku)
{
    EXPECT("zh", "中文的句号。括号（内容）、好！", "中|文|的|句|号。|括|号|（内|容）、|好！");
    EXPECT("zh-Hans", "他说：“好。”然后", "他|说：|“好。”|然|后");
    /* every closing mark: no break before it; every opening one: none after */
    static const char *closing[] = {"。", "，", "、", "」", "』", "）", "〕", "］", "｝", "〉", "》", "】",
                                    "！", "？", "：", "；", "・", "…", "‥", "々", "ゝ", "ヽ", "〜", "％"};
    static const char *opening[] = {"「", "『", "（", "〔", "［", "｛", "〈", "《", "【"};
    static const char *langs[] = {"zh", "zh-Hant", "ja", NULL};
    for (size_t l = 0; l < 4; l++) {
        for (size_t i = 0; i < sizeof closing / sizeof *closing; i++) {
            char s[64], want[64];
            snprintf(s, sizeof s, "漢字%s漢", closing[i]);
            snprintf(want, sizeof want, "漢|字%s|漢", closing[i]);
            EXPECT(langs[l], s, want);
        }
        for (size_t i = 0; i < sizeof opening / sizeof *opening; i++) {
            char s[64], want[64];
            snprintf(s, sizeof s, "漢%s字漢", opening[i]);
            snprintf(want, sizeof want, "漢|%s字|漢", opening[i]);
            EXPECT(langs[l], s, want);
        }
    }
}

TEST(japanese_strict_and_loose)
{
    EXPECT("ja", "日本語の「文章」です。", "日|本|語|の|「文|章」|で|す。");
    /* strict (the default): no line starts with small kana or ー */
    EXPECT("ja", "ちょっとカーテン", "ちょっ|と|カー|テ|ン");
    EXPECT("ja", "ｷｬｯﾄ", "ｷｬｯ|ﾄ");
    EXPECT("ja", "ァィゥ", "ァィゥ");
    /* loose on request: libunibreak's own CJ = ID */
    EXPECTF("ja", "ちょっとカーテン", TEXT_BREAK_LOOSE, "ち|ょ|っ|と|カ|ー|テ|ン");
    /* NS and EX never start a line, strict or loose */
    EXPECTF("ja", "あ・い！？", TEXT_BREAK_LOOSE, "あ・|い！？");
}

TEST(arabic_and_hebrew_break_at_spaces)
{
    const char *ar = "مرحبا بالعالم، كيف حالك؟ السلام عليكم";
    const char *he = "שלום עולם, מה שלומך? ספר תורה יפה";
    const char *txt[] = {ar, he};
    const char *lang[] = {"ar", "he"};
    for (int t = 0; t < 2; t++) {
        size_t n = strlen(txt[t]);
        uint8_t *brk = malloc(n);
        CHECK(brk && text_line_breaks(B, (const uint8_t *)txt[t], n, lang[t], NULL, 0, 0, brk, NULL) == 0);
        if (!brk) continue;
        size_t nb = 0;
        for (size_t i = 1; i < n; i++) {
            int after_space = txt[t][i - 1] == ' ';
            CHECKF((brk[i] == TEXT_BRK_ALLOW) == after_space, "%s byte %zu: brk %d", lang[t], i, brk[i]);
            nb += brk[i] == TEXT_BRK_ALLOW;
        }
        CHECKF(nb == (t == 0 ? 5u : 6u), "%s: %zu breaks", lang[t], nb);
        free(brk);
    }
    /* Hebrew maqaf U+05BE (BA): a break after it, as after a hyphen */
    EXPECT("he", "ספר־תורה", "ספר־|תורה");
}

TEST(mixed_script_paragraph_with_language_runs)
{
    const char *s = "Tea x①y 茶①叶“好”，ภาษาไทย and עברית, 日本「語」①.";
    size_t n = strlen(s);
    /* The CJK parts are Chinese and Japanese: ① (East Asian ambiguous, AI)
     * is an ideograph there (UAX #14's LB1 for East Asian context) and a
     * letter in English; “ ” are brackets in Chinese, no break either side
     * in Japanese (libunibreak's tailoring). */
    const char *zh = strstr(s, "茶"), *th = strstr(s, "ภ"), *ja = strstr(s, "日");
    text_lang_run runs[3] = {
        {(uint32_t)(zh - s), (uint32_t)(strstr(s, "，") - s + 3), "ZH-hans", 7},
        {(uint32_t)(th - s), (uint32_t)(th - s + 21), "thXXX", 2}, /* tag_len cuts it */
        {(uint32_t)(ja - s), (uint32_t)n, "ja", 2},
    };
    uint8_t *brk = malloc(n);
    CHECK(brk != NULL);
    if (!brk) return;
    CHECK(text_line_breaks(B, (const uint8_t *)s, n, "en", runs, 3, 0, brk, NULL) == 0);
    char out[512];
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (brk[i] == TEXT_BRK_ALLOW) out[o++] = '|';
        else if (brk[i]) out[o++] = '?';
        out[o++] = s[i];
    }
    out[o] = 0;
    const char *want = "Tea |x①y |茶|①|叶|“好”，|ภาษา|ไทย |and |עברית, |日|本|「語」|①.";
    CHECKF(strcmp(out, want) == 0, "got \"%s\"", out);
    /* without the runs: ① is a letter, the quotes English ones */
    const char *en = marked("en", "x①y", 0);
    CHECKF(strcmp(en, "x①y") == 0, "got \"%s\"", en);
    const char *zhm = marked("zh", "x①y", 0);
    CHECKF(strcmp(zhm, "x|①|y") == 0, "got \"%s\"", zhm);
    const char *jq = marked("ja", "漢“字”漢", 0);
    CHECKF(strcmp(jq, "漢“字”漢") == 0, "got \"%s\"", jq);
    free(brk);
}

TEST(emoji_and_flags_hold_together)
{
    /* libunibreak 1.1 aborts on regional indicators; pairs stay together */
    EXPECT("en", "🇫🇷🇩🇪🇯", "🇫🇷|🇩🇪|🇯");
    EXPECT("en", "a 🇫🇷 b", "a |🇫🇷 |b");
    EXPECT("en", "👍🏽👍", "👍🏽|👍");                       /* LB30b: modifier stays */
    EXPECT("en", "👩\xE2\x80\x8D💻 x", "👩\xE2\x80\x8D💻 |x"); /* LB8a: ZWJ holds */
}

TEST(every_code_point_is_safe)
{
    /* libunibreak 1.1 aborts on some code points (RI, U+FFFF); every
     * scalar value, 4096 at a time, under two languages and both flags */
    EXPECT("en", "a\xEF\xBF\xBF b", "a\xEF\xBF\xBF |b");
    size_t cap = 4096 * 4;
    uint8_t *s = malloc(cap), *brk = malloc(cap);
    CHECK(s && brk);
    if (!s || !brk) { free(s); free(brk); return; }
    int ok = 1;
    for (uint32_t base = 0; base <= 0x10FFFF; base += 4096) {
        size_t n = 0;
        for (uint32_t c = base; c < base + 4096 && c <= 0x10FFFF; c++)
            if (c < 0xD800 || c > 0xDFFF) n += utf8_encode(c, s + n);
        unsigned pass = (base >> 12) & 1;
        if (text_line_breaks(B, s, n, pass ? "ja" : "en", NULL, 0, pass ? TEXT_BREAK_LOOSE : 0, brk, NULL) != 0) ok = 0;
        for (size_t i = 0; i < n; i++)
            if (brk[i] > TEXT_BRK_URL || ((s[i] & 0xC0) == 0x80 && brk[i] != TEXT_BRK_NONE)) ok = 0;
    }
    CHECK(ok);
    free(s);
    free(brk);
}

/* UAX #14's rules, one or two cases each, written by hand from the annex
 * (no LineBreakTest.txt on this machine). */
TEST(uax14_rules_by_hand)
{
    static const struct { const char *rule, *text, *want; } cases[] = {
        {"LB4 BK !", "a\x0C" "b", "a\x0C^b"},
        {"LB4 VT", "a\x0B" "b", "a\x0B^b"},
        {"LB5 NEL", "a\xC2\x85" "b", "a\xC2\x85^b"},
        {"LB6 x BK", "a \n", "a \n"},
        {"LB7 x SP", "a   b", "a   |b"},
        {"LB8 ZW SP* /", "a\xE2\x80\x8B b", "a\xE2\x80\x8B |b"},
        {"LB9 CM", "e\xCC\x81 x\xCC\x81y", "e\xCC\x81 |x\xCC\x81y"},
        {"LB11 WJ", "a\xE2\x81\xA0 b", "a\xE2\x81\xA0 |b"},
        {"LB12 GL x", "\xC2\xA0" "a", "\xC2\xA0" "a"},
        {"LB13 x CL", "a )", "a )"},
        {"LB13 x EX", "a !", "a !"},
        {"LB13 x IS", "a , b", "a , |b"},
        {"LB13 x SY", "a / b", "a / |b"},
        {"LB14 OP SP* x", "( a", "( a"},
        {"LB16 CL SP* x NS", "\xE3\x80\x8D \xE3\x80\x85", "\xE3\x80\x8D \xE3\x80\x85"},
        {"LB18 SP /", "a b", "a |b"},
        {"LB19 x QU x", "a\"b\"c", "a\"b\"c"},
        {"LB21 x BA", "a\xE2\x80\x90" "b", "a\xE2\x80\x90|b"},
        {"LB21 x HY", "ab-", "ab-"},
        {"LB21 BB x", "\xC2\xB4" "a", "\xC2\xB4" "a"},
        {"LB22 x IN", "a\xE2\x80\xA4\xE2\x80\xA4", "a\xE2\x80\xA4\xE2\x80\xA4"},
        {"LB23 AL x NU", "a1 1a", "a1 |1a"},
        {"LB24 PR x NU", "$5 5%", "$5 |5%"},
        {"LB25 numbers", "1,000.50 (12) -5", "1,000.50 |(12) |-5"},
        {"LB26 Hangul", "\xED\x95\x9C\xEA\xB5\xAD", "\xED\x95\x9C|\xEA\xB5\xAD"},
        {"LB28 AL x AL", "word", "word"},
        {"LB29 IS x AL", "e.g", "e.g"},
        {"LB30 CP x AL", "(a)b c(d", "(a)b |c(d"},
        {"LB31 ID / ID", "\xE6\x97\xA5\xE6\x9C\xAC", "\xE6\x97\xA5|\xE6\x9C\xAC"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const char *got = marked("en", cases[i].text, 0);
        CHECKF(strcmp(got, cases[i].want) == 0, "%s: got \"%s\", want \"%s\"", cases[i].rule, got, cases[i].want);
    }
}

TEST(malformed_utf8_and_empty)
{
    /* exact-size heap copies, so ASan sees any read past the end */
    static const struct { const char *s; size_t n; } bad[] = {
        {"\xFF\xFE a \xE2\x80 b \xC0\xAF", 13},
        {"ab \xE2\x80", 5},                 /* truncated at the end */
        {"\xED\xA0\x80 x", 5},              /* a surrogate */
        {"\xE0\xB8", 2},                    /* half a Thai letter */
        {"\xF0\x9F\x87", 3},                /* half a flag */
        {"\x80\x80\x80\x80", 4},
    };
    for (size_t t = 0; t < sizeof bad / sizeof *bad; t++) {
        size_t n = bad[t].n;
        uint8_t *s = malloc(n), *brk = malloc(n);
        CHECK(s && brk);
        if (!s || !brk) { free(s); free(brk); continue; }
        memcpy(s, bad[t].s, n);
        memset(brk, 0xAA, n);
        CHECK(text_line_breaks(B, s, n, "th", NULL, 0, 0, brk, NULL) == 0);
        CHECK(brk[0] == TEXT_BRK_NONE);
        for (size_t i = 0; i < n; i++) CHECKF(brk[i] <= TEXT_BRK_URL, "case %zu byte %zu: %d", t, i, brk[i]);
        free(s);
        free(brk);
    }
    /* each bad byte is one U+FFFD, and the words around them still break */
    EXPECT("en", "\xFF\xFE a \xE2\x80 b \xC0\xAF", "\xFF\xFE |a |\xE2\x80 |b |\xC0\xAF");
    /* empty: nothing written, no error, NULL pointers fine */
    uint8_t one = 0x55;
    CHECK(text_line_breaks(B, (const uint8_t *)"", 0, "en", NULL, 0, 0, &one, NULL) == 0 && one == 0x55);
    CHECK(text_line_breaks(B, NULL, 0, NULL, NULL, 0, 0, NULL, NULL) == 0);
}

TEST(bad_language_runs_are_refused)
{
    const char *s = "hello world";
    uint8_t brk[11];
    lerr e = {{0}};
    text_lang_run r = {4, 20, "en", 2};
    CHECK(text_line_breaks(B, (const uint8_t *)s, 11, "en", &r, 1, 0, brk, &e) == -1);
    CHECKF(strstr(e.msg, "bytes 4 to 20") && strstr(e.msg, "11 bytes"), "msg: %s", e.msg);
    int all_none = 1;
    for (int i = 0; i < 11; i++) all_none &= brk[i] == TEXT_BRK_NONE;
    CHECK(all_none);
    text_lang_run empty = {3, 3, "en", 2};
    CHECK(text_line_breaks(B, (const uint8_t *)s, 11, "en", &empty, 1, 0, brk, NULL) == -1);
    /* overlapping runs: the later wins; a NULL base language is fine */
    text_lang_run two[2] = {{0, 11, "zh", 2}, {0, 11, "en", 2}};
    CHECK(text_line_breaks(B, (const uint8_t *)s, 11, NULL, two, 2, 0, brk, NULL) == 0 && brk[6] == TEXT_BRK_ALLOW);
}

/* A fixed-width fake font for layout: every glyph and the space 640 units. */
static int32_t fx_adv(void *ctx, int f, uint32_t cp) { (void)ctx; (void)f; (void)cp; return 640; }
static int32_t fx_kern(void *ctx, int f, uint32_t l, uint32_t r) { (void)ctx; (void)f; (void)l; (void)r; return 0; }
static int32_t fx_lh(void *ctx, int f) { (void)ctx; (void)f; return 1280; }
static int32_t fx_asc(void *ctx, int f) { (void)ctx; (void)f; return 1024; }

/* Can this module's output replace layout's own break finding? Every line
 * layout.c sets today in the five default essays, at three widths, must
 * start at a place this module calls a break, except where layout splits
 * a word too long for the line (split_long) or breaks after a hyphen
 * before a digit (a difference text_break.h names). */
TEST(layout_breaks_are_module_breaks_on_the_default_essays)
{
    pack *pk;
    lerr e = {{0}};
    CHECKF(pack_open(&pk, t_build("default.lpk"), &e) == 0, "%s: %s", t_build("default.lpk"), e.msg);
    if (!pk) return;
    layout_metrics M = {NULL, fx_adv, fx_kern, fx_lh, fx_asc, NULL};
    size_t checked = 0, other = 0, split = 0, hydigit = 0;
    for (size_t n = 1; n <= pack_essays(pk); n++) {
        uint8_t *d;
        size_t size;
        if (pack_read(pk, pack_essay_index(pk, n), &d, &size, &e) != 0) { CHECKF(0, "%s", e.msg); continue; }
        essay es;
        if (essay_parse(d, size, &es, &e) != 0) { CHECKF(0, "%s", e.msg); free(d); continue; }
        uint8_t *brk = malloc(es.size ? es.size : 1);
        for (int wch = 20; wch <= 60; wch += 20) {
            layout_params lp = {wch * 640, 30 * 1280, 0, 0, 1, 0, 0};
            layout_result r;
            if (!brk || layout_essay(&es, &M, &lp, &r, &e) != 0) { CHECKF(0, "%s", e.msg); continue; }
            for (size_t i = 0; i + 1 < r.nlines; i++) {
                const layout_line *a = &r.lines[i], *z = &r.lines[i + 1];
                if (a->block != z->block || (a->flags & (LAYOUT_LINE_FRONT | LAYOUT_LINE_CONT | LAYOUT_LINE_ROW)))
                    continue;
                const essay_block *bl = &es.blocks[a->block];
                if (bl->kind == ESSAY_CODE) continue;
                const uint8_t *t = es.text + bl->start;
                CHECK(text_line_breaks(B, t, bl->len, "en", NULL, 0, 0, brk, NULL) == 0);
                uint32_t at = z->start - bl->start;
                checked++;
                if (brk[at] != TEXT_BRK_NONE) continue;
                /* the word layout split: longer than the line? */
                uint32_t ws = at, we = at;
                while (ws > 0 && t[ws - 1] != ' ') ws--;
                while (we < bl->len && t[we] != ' ') we++;
                size_t chars = 0;
                for (uint32_t k = ws; k < we; k++) chars += (t[k] & 0xC0) != 0x80;
                if (chars > (size_t)wch) { split++; continue; }
                if (at > 0 && t[at - 1] == '-' && t[at] >= '0' && t[at] <= '9') { hydigit++; continue; }
                other++;
                CHECKF(0, "essay %zu, width %d: layout breaks before byte %u of block %u (\"%.*s|%.*s\"), text_break does not",
                       n, wch, at, (unsigned)a->block, (int)(at - ws), (const char *)t + ws, (int)(we - at),
                       (const char *)t + at);
            }
            layout_free(&r);
        }
        free(brk);
        essay_free(&es);
        free(d);
    }
    pack_close(pk);
    CHECKF(checked > 1000, "%zu line breaks checked", checked);
    printf("# %zu layout line breaks checked: %zu split words, %zu after a hyphen before a digit, %zu others\n",
           checked, split, hydigit, other);
}

/* Thai in layout: every line of a Thai paragraph (no spaces, or a few
 * between phrases) starts at a word boundary as libthai's own TIS-620
 * interface finds it, or after a space: never inside a word, at any width. */
TEST(thai_lines_break_at_libthai_words)
{
    static const char *const para[2] = {
        "ประเทศไทยมีประชากรประมาณเจ็ดสิบล้านคนและมีวัฒนธรรมที่หลากหลายมากภาษาไทยเป็นภาษาที่สวยงาม",
        "ภาษาไทยเขียนโดยไม่มีช่องว่างระหว่างคำ และมีวรรณยุกต์อยู่เหนือพยัญชนะ น้ำใจ ผู้ใหญ่ กำลังทำงาน"};
    char txt[1024];
    snprintf(txt, sizeof txt, "%s\n%s\n", para[0], para[1]);
    essay es;
    lerr e = {{0}};
    CHECK(essay_parse((const uint8_t *)txt, strlen(txt), &es, &e) == 0 && es.nblocks == 2);
    if (es.nblocks != 2) return;
    /* libthai's word starts, per block, as byte offsets in the block (Thai is 3 bytes, the space 1) */
    uint8_t word[2][512] = {{0}};
    for (int b = 0; b < 2; b++) {
        const char *s = para[b];
        size_t n = strlen(s), i = 0, k = 0, bytes[256];
        while (i < n) { /* runs between spaces, each given to libthai alone */
            size_t j = i;
            while (j < n && s[j] != ' ') j++;
            char run[512];
            memcpy(run, s + i, j - i);
            run[j - i] = 0;
            int pos[128];
            int np = thai_reference(run, pos, 128);
            k = 0;
            for (size_t q = 0; q < j - i; q += 3) bytes[k++] = i + q;
            for (int p = 0; p < np; p++)
                if (pos[p] > 0 && (size_t)pos[p] < k) word[b][bytes[pos[p]]] = 1;
            i = j < n ? j + 1 : j;
        }
    }
    text_breaker *tb;
    layout_breaks *bk;
    CHECK(text_breaker_new(&tb, &e) == 0);
    CHECK(!text_breaker_thai_loaded(tb)); /* loaded only for Thai */
    CHECK(layout_breaks_new(&bk, &es, "th", 2, tb, &e) == 0);
    CHECK(text_breaker_thai_loaded(tb));
    layout_metrics M = {NULL, fx_adv, fx_kern, fx_lh, fx_asc, NULL};
    size_t inside = 0, justified = 0;
    for (int wch = 10; wch <= 34; wch += 3) {
        layout_params lp = {wch * 640 + 200, 60 * 1280, 0, 0, 1, 0, 0};
        layout_result r;
        CHECK(layout_essay_breaks(&es, bk, &M, &lp, &r, &e) == 0);
        size_t per[2] = {0, 0};
        for (size_t k = 0; k < r.nlines; k++) {
            const layout_line *ln = &r.lines[k];
            if (ln->block > 1) continue;
            per[ln->block]++;
            uint32_t at = ln->start - es.blocks[ln->block].start;
            if (at == 0) continue;
            int after_space = es.text[ln->start - 1] == ' ';
            CHECKF(after_space || word[ln->block][at], "width %d: block %u breaks inside a word at byte %u (\"%.*s|%.*s\")",
                   wch, (unsigned)ln->block, at, (int)(ln->start - r.lines[k - 1].start),
                   (const char *)es.text + r.lines[k - 1].start, (int)(ln->end - ln->start),
                   (const char *)es.text + ln->start);
            inside += !after_space;
            /* justified: the line before, if it has no spaces, over its character gaps */
            const layout_line *pl = &r.lines[k - 1];
            if (!memchr(es.text + pl->start, ' ', pl->end - pl->start) && !(pl->flags & LAYOUT_LINE_RAGGED))
                justified += (pl->flags & LAYOUT_LINE_GAPS) != 0;
        }
        CHECKF(per[0] > 1, "width %d: the space-less paragraph is %zu line(s)", wch, per[0]);
        layout_free(&r);
    }
    CHECKF(inside > 10 && justified > 5, "%zu breaks inside space-less runs, %zu of their lines justified", inside,
           justified);
    layout_breaks_free(bk);
    /* Latin only: the dictionary stays unloaded */
    text_breaker *t2;
    essay en;
    CHECK(text_breaker_new(&t2, &e) == 0);
    CHECK(essay_parse((const uint8_t *)"Plain English words.\n", 21, &en, &e) == 0);
    CHECK(layout_breaks_new(&bk, &en, "en", 2, t2, &e) == 0 && !text_breaker_thai_loaded(t2));
    layout_breaks_free(bk);
    essay_free(&en);
    text_breaker_free(t2);
    text_breaker_free(tb);
    essay_free(&es);
}

/* A paragraph over 64 KiB is broken in pieces (layout_breaks_new): the
 * same answer as one call over all of it, Latin words, Chinese, Thai,
 * URLs and a language run included. */
TEST(long_paragraph_in_pieces_is_broken_as_one)
{
    static const char *const parts[] = {"Words and/or (brackets) “quotes” go here, ", "中文的句子没有空格，标点符号在行内。",
                                        "ภาษาไทยเขียนโดยไม่มีช่องว่าง ", "see http://www.ex-ample.com/a/b ok ",
                                        "日本語の「かぎ括弧」ゃっー。", "x-ray 3-4 — dash ", "汉字汉字汉字汉字"};
    size_t cap = 300000, n = 0;
    char *t = malloc(cap + 2);
    CHECK(t != NULL);
    if (!t) return;
    for (size_t k = 0; n + 200 < cap; k++) {
        const char *p = parts[(k * 7 + k / 3) % 7];
        memcpy(t + n, p, strlen(p));
        n += strlen(p);
    }
    while (n && t[n - 1] == ' ') n--; /* a paragraph does not end with a space */
    t[n] = '\n';
    t[n + 1] = 0;
    essay es;
    lerr e = {{0}};
    int pr = essay_parse((const uint8_t *)t, n + 1, &es, &e);
    CHECKF(pr == 0 && es.nblocks == 1, "%s, %zu blocks", pr ? e.msg : "parsed", es.nblocks);
    layout_breaks *bk = NULL;
    if (pr) {
        free(t);
        return;
    }
    CHECK(layout_breaks_new(&bk, &es, "zh", 2, B, &e) == 0);
    uint8_t *one = malloc(n);
    CHECK(one && text_line_breaks(B, (const uint8_t *)t, n, "zh", NULL, 0, 0, one, &e) == 0);
    if (bk && one) {
        const uint8_t *got = layout_breaks_text(bk);
        size_t diff = 0, first = 0;
        for (size_t i = 0; i < n; i++)
            if (got[i] != one[i] && !diff++) first = i;
        CHECKF(diff == 0, "%zu bytes differ, the first at %zu: \"%.12s|%.12s\"", diff, first,
               t + (first > 12 ? first - 12 : 0), t + first);
    }
    free(one);
    layout_breaks_free(bk);
    essay_free(&es);
    free(t);
}

int main(void)
{
    lerr e = {{0}};
    if (text_breaker_new(&B, &e) != 0) {
        printf("FAIL text_breaker_new (%s)\n", e.msg);
        return 1;
    }
    RUN(english_words_and_spaces);
    RUN(hyphens_and_dashes);
    RUN(soft_hyphen_nbsp_hard_break);
    RUN(product_rules_at_spaces);
    RUN(urls_are_marked_for_layout);
    RUN(thai_words_from_libthai);
    RUN(lao_falls_back_to_spaces);
    RUN(chinese_breaks_and_kinsoku);
    RUN(japanese_strict_and_loose);
    RUN(arabic_and_hebrew_break_at_spaces);
    RUN(mixed_script_paragraph_with_language_runs);
    RUN(emoji_and_flags_hold_together);
    RUN(uax14_rules_by_hand);
    RUN(every_code_point_is_safe);
    RUN(malformed_utf8_and_empty);
    RUN(bad_language_runs_are_refused);
    RUN(layout_breaks_are_module_breaks_on_the_default_essays);
    RUN(thai_lines_break_at_libthai_words);
    RUN(long_paragraph_in_pieces_is_broken_as_one);
    text_breaker_free(B);
    return T_END();
}

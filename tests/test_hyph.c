/* test_hyph.c - hyphenation with libhyphen and Debian's hyphen-en-us. */
#include <hyphen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hyph.h"
#include "t.h"

#define EN_US HYPH_DIR "/hyph_en_US.dic"
#define SHY "\xC2\xAD"

static hyph *open_en(void)
{
    hyph *h = NULL;
    lerr e = {{0}};
    if (hyph_open(&h, "en-US", &e) != 0) fprintf(stderr, "  hyph_open: %s\n", e.msg);
    return h;
}

/* hyph_word on a C string, result as a static C string; soft hyphens shown as '=' */
static const char *hw(hyph *h, const char *w, int show)
{
    static char out[1024];
    size_t n = strlen(w);
    uint8_t tmp[3 * 256];
    if (n > 256) return "";
    size_t m = hyph_word(h, (const uint8_t *)w, n, tmp);
    size_t o = 0;
    for (size_t i = 0; i < m && o < sizeof out - 1; i++) {
        if (show && tmp[i] == 0xC2 && i + 1 < m && tmp[i + 1] == 0xAD) { out[o++] = '='; i++; continue; }
        out[o++] = (char)tmp[i];
    }
    out[o] = 0;
    return out;
}

static const char *ht(hyph *h, const char *s)
{
    static char out[4096];
    size_t n = strlen(s);
    if (3 * n >= sizeof out) return "";
    size_t m = hyph_text(h, (const uint8_t *)s, n, (uint8_t *)out);
    out[m] = 0;
    return out;
}

TEST(open_by_tag_and_path)
{
    hyph *h = NULL;
    lerr e = {{0}};
    const char *langs[] = {"en-US", "en_US", "EN-us", "en", NULL, "", EN_US};
    for (size_t i = 0; i < sizeof langs / sizeof *langs; i++) {
        CHECKF(hyph_open(&h, langs[i], &e) == 0, "%s: %s", langs[i] ? langs[i] : "(null)", e.msg);
        if (!h) continue;
        CHECKF(strcmp(hyph_lang(h), langs[i] && !strcmp(langs[i], "en") ? "en" : "en-US") == 0, "%s -> %s",
               langs[i] ? langs[i] : "(null)", hyph_lang(h));
        CHECK(strstr(hyph_path(h), "hyph_en") != NULL);
        hyph_close(h);
        h = NULL;
    }
    hyph_close(NULL);
}

TEST(open_errors_say_what_was_tried)
{
    hyph *h = (hyph *)1;
    lerr e = {{0}};
    CHECK(hyph_open(&h, "xx-YY", &e) == -1);
    CHECK(h == NULL);
    CHECKF(strstr(e.msg, HYPH_DIR "/hyph_xx_YY.dic") && strstr(e.msg, HYPH_DIR "/hyph_xx.dic"), "%s", e.msg);
    CHECK(hyph_open(&h, "not a tag!", &e) == -1);
    CHECKF(strstr(e.msg, "not a language tag") != NULL, "%s", e.msg);
    CHECK(hyph_open(&h, "/nonexistent/hyph_de_DE.dic", &e) == -1);
    CHECKF(strstr(e.msg, "/nonexistent/hyph_de_DE.dic") != NULL, "%s", e.msg);
}

TEST(lang_tags)
{
    char t[64];
    CHECK(hyph_lang_tag("en_us", t, sizeof t) == 0 && !strcmp(t, "en-US"));
    CHECK(hyph_lang_tag("zh_hant_tw", t, sizeof t) == 0 && !strcmp(t, "zh-Hant-TW"));
    CHECK(hyph_lang_tag("es-419", t, sizeof t) == 0 && !strcmp(t, "es-419"));
    CHECK(hyph_lang_tag("DE", t, sizeof t) == 0 && !strcmp(t, "de"));
    CHECK(hyph_lang_tag(NULL, t, sizeof t) == 0 && !strcmp(t, "en-US"));
    CHECK(hyph_lang_tag("/x/hyph_de_CH.dic", t, sizeof t) == 0 && !strcmp(t, "de-CH"));
    CHECK(hyph_lang_tag("/x/patterns.dic", t, sizeof t) == 0 && !strcmp(t, "patterns"));
    CHECK(hyph_lang_tag("e", t, sizeof t) == -1 && !strcmp(t, "und"));
    CHECK(hyph_lang_tag("en--US", t, sizeof t) == -1);
    CHECK(hyph_lang_tag("en-", t, sizeof t) == -1);
    CHECK(hyph_lang_tag("en US", t, sizeof t) == -1);
}

TEST(debian_packages)
{
    CHECK(!strcmp(hyph_debian_package("es"), "hyphen-es"));
    CHECK(!strcmp(hyph_debian_package("es-MX"), "hyphen-es"));
    CHECK(!strcmp(hyph_debian_package("en-GB"), "hyphen-en-gb"));
    CHECK(!strcmp(hyph_debian_package("en"), "hyphen-en-us"));
    CHECK(!strcmp(hyph_debian_package("en-Latn-US"), "hyphen-en-us"));
    CHECK(!strcmp(hyph_debian_package("pt-BR"), "hyphen-pt-br"));
    CHECK(!strcmp(hyph_debian_package("nb"), "hyphen-no"));
    CHECK(hyph_debian_package("xx") == NULL && hyph_language_name("xx") == NULL);
    CHECK(hyph_debian_package("e") == NULL && hyph_debian_package("esx") == NULL);
    CHECK(!strcmp(hyph_language_name("de-CH"), "German"));
}

TEST(known_words)
{
    hyph *h = open_en();
    if (!h) { CHECK(0); return; }
    /* What hyph_en_US.dic gives (checked against libhyphen below too). */
    CHECK(!strcmp(hw(h, "hyphenation", 1), "hy=phen=ation"));
    CHECK(!strcmp(hw(h, "Hyphenation", 1), "Hy=phen=ation"));
    CHECK(!strcmp(hw(h, "computational", 1), "com=pu=ta=tional"));
    CHECK(!strcmp(hw(h, "intelligence", 1), "in=tel=li=gence"));
    CHECK(!strcmp(hw(h, "présentation", 1), "présen=ta=tion"));
    /* Only the part before an apostrophe is hyphenated. */
    CHECK(!strcmp(hw(h, "company\xE2\x80\x99s", 1), "com=pany\xE2\x80\x99s"));
    CHECK(!strcmp(hw(h, "company's", 1), "com=pany's"));
    CHECK(!strcmp(hw(h, "they\xE2\x80\x99ve", 1), "they\xE2\x80\x99ve"));
    hyph_close(h);
}

TEST(skip_rules)
{
    hyph *h = open_en();
    if (!h) { CHECK(0); return; }
    const char *same[] = {"DeepSeek", "NVDA", "CLASSIFYING", "iPhone", "abc123def", "covid19", "4th",
                          "compute-efficient", "well\xE2\x80\x90known", "hy" SHY "phenation", "over", "tab",
                          "a", ""};
    for (size_t i = 0; i < sizeof same / sizeof *same; i++)
        CHECKF(!strcmp(hw(h, same[i], 0), same[i]), "%s -> %s", same[i], hw(h, same[i], 1));
    /* In running text: URLs, e-mail, dotted names stay whole. */
    const char *texts[] = {"see https://stephaniekelton.substack.com/p/the-impact-of-tariffs now",
                           "(www.information.com)", "mail presentation@information.org ok",
                           "question.Information", "ftp://hyphenation", "<WWW.Hyphenation.org>"};
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++)
        CHECKF(strcmp(ht(h, texts[i]), texts[i]) == 0, "%s -> %s", texts[i], ht(h, texts[i]));
    CHECK(strstr(ht(h, "https://example.com/hyphenation"), SHY) == NULL);
    CHECK(strstr(ht(h, "mail presentation@information.org"), SHY) == NULL);
    CHECK(!strcmp(ht(h, "see hyphenation, not www.hyphenation.org"), "see hy" SHY "phen" SHY "ation, not www.hyphenation.org"));
    hyph_close(h);
}

TEST(text_keeps_everything_else)
{
    hyph *h = open_en();
    if (!h) { CHECK(0); return; }
    const char *in = "\xE2\x80\x9CIt\xE2\x80\x99s super impressive how effectively they\xE2\x80\x99ve built a "
                     "compute-efficient, open-source model.\xE2\x80\x9D\xC2\xA0(NASDAQ:NVDA) \xE2\x80\x93 "
                     "consequence! 2024\xE2\x80\x99s";
    const char *r = ht(h, in);
    CHECK(strstr(r, "im" SHY "pres" SHY "sive") != NULL);
    CHECK(strstr(r, "ef" SHY "fec" SHY "tively") != NULL);
    CHECK(strstr(r, "compute-efficient") != NULL);
    CHECK(strstr(r, "con" SHY "se" SHY "quence!") != NULL);
    /* Removing the soft hyphens gives the input back, byte for byte. */
    char back[4096];
    size_t k = 0;
    for (size_t i = 0; r[i]; i++) {
        if ((uint8_t)r[i] == 0xC2 && (uint8_t)r[i + 1] == 0xAD) { i++; continue; }
        back[k++] = r[i];
    }
    back[k] = 0;
    CHECK(!strcmp(back, in));
    CHECK(!strcmp(ht(NULL, "hyphenation"), "hyphenation"));
    hyph_close(h);
}

/* Our breaks are exactly libhyphen's (hnj_hyphen_hyphenate2 with the
 * file's own 2/3 minimums), for ordinary lowercase words. */
TEST(agrees_with_libhyphen)
{
    hyph *h = open_en();
    HyphenDict *d = hnj_hyphen_load(EN_US);
    if (!h || !d) { CHECK(0); hyph_close(h); if (d) hnj_hyphen_free(d); return; }
    const char *words[] = {"hyphenation", "company", "investors", "consequence", "artificial", "understates",
                           "computational", "advantage", "perceived", "reasoning", "outperforming",
                           "counterparts", "effectively", "developments", "classification", "democracies",
                           "boundaries", "arbitrage", "mannequin", "philosophy", "extraordinary"};
    for (size_t i = 0; i < sizeof words / sizeof *words; i++) {
        const char *w = words[i];
        int n = (int)strlen(w);
        char hy[64], hw2[128];
        char **rep = NULL;
        int *pos = NULL, *cut = NULL;
        hnj_hyphen_hyphenate2(d, w, n, hy, hw2, &rep, &pos, &cut);
        char want[128];
        size_t o = 0;
        for (int j = 0; j < n; j++) {
            want[o++] = w[j];
            if ((hy[j] & 1) && j + 1 >= 2 && n - (j + 1) >= 3) want[o++] = '=';
        }
        want[o] = 0;
        CHECKF(!strcmp(hw(h, w, 1), want), "%s: ours %s, libhyphen %s", w, hw(h, w, 1), want);
    }
    hnj_hyphen_free(d);
    hyph_close(h);
}

static int write_file(const char *path, const char *s)
{
    FILE *f = fopen(path, "wb");
    if (!f) return -1;
    fputs(s, f);
    return fclose(f);
}

/* A pattern file that allows a break after every 'a' shows the minimums:
 * two letters left, three right, counted in letters not bytes. */
TEST(minimums_two_left_three_right)
{
    char dir[] = "/tmp/test_hyph_XXXXXX";
    if (!mkdtemp(dir)) { CHECK(0); return; }
    char utf[128], lat[128], koi[128];
    snprintf(utf, sizeof utf, "%s/hyph_zz.dic", dir);
    snprintf(lat, sizeof lat, "%s/hyph_zz_LT.dic", dir);
    snprintf(koi, sizeof koi, "%s/hyph_ru_XX.dic", dir);
    CHECK(write_file(utf, "UTF-8\na1\n\xC3\xA4" "1\n") == 0);
    CHECK(write_file(lat, "ISO8859-1\na1\n\xE4" "1\n") == 0);
    CHECK(write_file(koi, "KOI8-R\na1\n") == 0);

    const char *files[] = {utf, lat};
    for (int f = 0; f < 2; f++) {
        hyph *h = NULL;
        lerr e = {{0}};
        CHECKF(hyph_open(&h, files[f], &e) == 0, "%s", e.msg);
        if (!h) continue;
        CHECK(!strcmp(hyph_lang(h), f ? "zz-LT" : "zz"));
        CHECKF(!strcmp(hw(h, "aaaaaaaa", 1), "aa=a=a=a=aaa"), "%s", hw(h, "aaaaaaaa", 1));
        CHECK(!strcmp(hw(h, "aaaaa", 1), "aa=aaa"));
        CHECK(!strcmp(hw(h, "aaaaaa", 1), "aa=a=aaa"));
        CHECK(!strcmp(hw(h, "aaaa", 1), "aaaa")); /* under five letters */
        /* two-byte letters count as one */
        CHECKF(!strcmp(hw(h, "\xC3\xA4\xC3\xA4\xC3\xA4\xC3\xA4\xC3\xA4\xC3\xA4", 1),
                       "\xC3\xA4\xC3\xA4=\xC3\xA4=\xC3\xA4\xC3\xA4\xC3\xA4"), "%s",
               hw(h, "\xC3\xA4\xC3\xA4\xC3\xA4\xC3\xA4\xC3\xA4\xC3\xA4", 1));
        /* uppercase first letter is lowercased for the patterns */
        CHECK(!strcmp(hw(h, "Aaaaaa", 1), "Aa=a=aaa"));
        /* a Latin-1 file cannot see a letter beyond U+00FF: word left alone */
        if (f) CHECK(!strcmp(hw(h, "aaa\xC4\x81" "aaa", 1), "aaa\xC4\x81" "aaa"));
        hyph_close(h);
    }
    hyph *h = NULL;
    lerr e = {{0}};
    CHECK(hyph_open(&h, koi, &e) == -1);
    CHECKF(strstr(e.msg, "KOI8-R") != NULL, "%s", e.msg);
    unlink(utf);
    unlink(lat);
    unlink(koi);
    rmdir(dir);
}

TEST(long_text_is_linear_and_lossless)
{
    hyph *h = open_en();
    if (!h) { CHECK(0); return; }
    const char *ws[] = {"information ", "hyphenation ", "DeepSeek ", "x ", "consequence, ", "2024 ",
                        "\xC3\xA9l\xC3\xA9phant "};
    size_t n = 0, cap = 4 << 20;
    uint8_t *in = malloc(cap), *out = malloc(3 * cap);
    for (size_t i = 0; n + 32 < cap; i++) {
        const char *w = ws[(i * 7 + i / 3) % (sizeof ws / sizeof *ws)];
        memcpy(in + n, w, strlen(w));
        n += strlen(w);
    }
    size_t m = hyph_text(h, in, n, out);
    CHECK(m > n && m <= 3 * n);
    size_t k = 0;
    for (size_t i = 0; i < m; i++) {
        if (out[i] == 0xC2 && i + 1 < m && out[i + 1] == 0xAD) { i++; continue; }
        out[k++] = out[i];
    }
    CHECK(k == n && memcmp(in, out, n) == 0);
    free(in);
    free(out);
    hyph_close(h);
}

int main(void)
{
    RUN(open_by_tag_and_path);
    RUN(open_errors_say_what_was_tried);
    RUN(lang_tags);
    RUN(debian_packages);
    RUN(known_words);
    RUN(skip_rules);
    RUN(text_keeps_everything_else);
    RUN(agrees_with_libhyphen);
    RUN(minimums_two_left_three_right);
    RUN(long_text_is_linear_and_lossless);
    return T_END();
}

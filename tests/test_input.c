/* test_input.c - essay files in, pack "Essay text" out (tools/input*.c). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utf8proc.h>

#include "essay.h"
#include "input.h"
#include "input_int.h" /* input_read_file */
#include "t.h"

#define SHY "\xC2\xAD"
#define NBSP "\xC2\xA0"
#define ELL "\xE2\x80\xA6"

/* ---- helpers -------------------------------------------------------------- */

/* Every rule of pack_format.md "Essay text", and a little more: NFC, no C1
 * controls, no doubled or edge no-break spaces. Returns NULL or what is wrong. */
static const char *format_problem(const uint8_t *s, size_t n)
{
    static char why[128];
    size_t full = n; /* the text runs to a NUL; the style section after it is essay_parse's */
    const uint8_t *nul = memchr(s, 0, n);
    if (nul) n = (size_t)(nul - s);
    if (n == 0) return NULL;
    if (s[n - 1] != '\n') return "no final LF";
    size_t bad;
    if (!utf8_valid(s, n, &bad)) { snprintf(why, sizeof why, "invalid UTF-8 at %zu", bad); return why; }
    utf8proc_uint8_t *norm = NULL;
    utf8proc_ssize_t r = utf8proc_map(s, (utf8proc_ssize_t)n, &norm, UTF8PROC_COMPOSE | UTF8PROC_STABLE);
    int same = r == (utf8proc_ssize_t)n && memcmp(norm, s, n) == 0;
    free(norm);
    if (!same) return "not NFC";
    size_t a = 0;
    while (a < n) {
        size_t b = a;
        while (s[b] != '\n') b++;
        size_t p = a;
        if (b == a) { snprintf(why, sizeof why, "empty line at %zu", a); return why; }
        if (s[a] == 4) {
            if (b != a + 1) return "separator with text";
            a = b + 1;
            continue;
        }
        if (s[a] == 1) {
            if (b < a + 2 || s[a + 1] < '1' || s[a + 1] > '6') return "bad heading level";
            p = a + 2;
        } else if (s[a] == 2 || s[a] == 7) {
            size_t l = a + 1;
            while (s[a] == 2 && l < b && s[l] == 2) l++;
            p = l;
            while (p < b && s[p] != ' ') p++;
            if (p == l || p == b) return "list item without label or text";
            p++;
        } else if (s[a] == 3) {
            p = a + 1;
            while (p < b && s[p] == 3) p++;
        } else if (s[a] == 5 || s[a] == 6) { /* code and table rows: essay_parse's rules */
            a = b + 1;
            continue;
        }
        if (p == b) { snprintf(why, sizeof why, "empty text at %zu", a); return why; }
        for (size_t i = p; i < b; i++) {
            if (s[i] < 0x20 || s[i] == 0x7F) { snprintf(why, sizeof why, "control byte at %zu", i); return why; }
            if (s[i] == 0xC2 && s[i + 1] >= 0x80 && s[i + 1] <= 0x9F) return "C1 control";
        }
        if (s[p] == ' ' || s[b - 1] == ' ') { snprintf(why, sizeof why, "edge space at %zu", a); return why; }
        if (b - p >= 2 && (memcmp(s + p, NBSP, 2) == 0 || memcmp(s + b - 2, NBSP, 2) == 0))
            return "edge no-break space";
        for (size_t i = p; i + 1 < b; i++)
            if (s[i] == ' ' && s[i + 1] == ' ') { snprintf(why, sizeof why, "double space at %zu", i); return why; }
        a = b + 1;
    }
    essay es;
    lerr e;
    if (essay_parse(s, full, &es, &e) != 0) { snprintf(why, sizeof why, "essay_parse: %.100s", e.msg); return why; }
    essay_free(&es);
    return NULL;
}

static hyph *en(void)
{
    static hyph *h;
    lerr e;
    if (!h && hyph_open(&h, "en-US", &e) != 0) fprintf(stderr, "  %s\n", e.msg);
    return h;
}

typedef struct res {
    int rc;
    input_essay es;
    lerr e;
} res;

static res parse_enc(const char *name, const void *bytes, size_t n, int lossy, int enc, hyph *h)
{
    res r;
    memset(&r, 0, sizeof r);
    input_opts o = {NULL, lossy, 0, 0};
    input_extra x = {enc, NULL, NULL, NULL};
    r.rc = input_parse_ex(bytes, n, name, &o, &x, h, &r.es, &r.e);
    if (r.rc == 0) {
        const char *p = format_problem(r.es.text, r.es.size);
        CHECKF(p == NULL, "%s: output breaks the format: %s", name, p);
    } else {
        CHECK(r.es.text == NULL && r.es.title == NULL);
    }
    return r;
}

static res parse_as(const char *name, const void *bytes, size_t n, int lossy, hyph *h)
{
    return parse_enc(name, bytes, n, lossy, INPUT_ENC_AUTO, h);
}

#define TXT(s) parse_as("t.txt", s, sizeof(s) - 1, 0, NULL)
#define TXT8(s) parse_enc("t.txt", s, sizeof(s) - 1, 0, INPUT_ENC_UTF8, NULL)
#define MD(s) parse_as("t.md", s, sizeof(s) - 1, 0, NULL)

static int text_is(const res *r, const char *want)
{
    if (r->rc != 0) {
        fprintf(stderr, "  failed: %s\n", r->e.msg);
        return 0;
    }
    size_t n = strlen(want), size = r->es.size;
    const uint8_t *nul = memchr(r->es.text, 0, size);
    if (nul) size = (size_t)(nul - r->es.text); /* the text, without its style section */
    if (size == n && memcmp(r->es.text, want, n) == 0) return 1;
    fprintf(stderr, "  got:  \"");
    for (size_t i = 0; i < size; i++) {
        uint8_t c = r->es.text[i];
        if (c < 0x20) fprintf(stderr, "\\x%02X", c);
        else fputc(c, stderr);
    }
    fprintf(stderr, "\"\n");
    return 0;
}

static int msg_has(const res *r, const char *part)
{
    if (r->rc == 0) {
        fprintf(stderr, "  unexpected success\n");
        return 0;
    }
    if (strstr(r->e.msg, part)) return 1;
    fprintf(stderr, "  message: %s\n", r->e.msg);
    return 0;
}

static int has(const uint8_t *s, size_t n, const char *what)
{
    size_t m = strlen(what);
    for (size_t i = 0; i + m <= n; i++)
        if (memcmp(s + i, what, m) == 0) return 1;
    return 0;
}

static void done(res *r) { input_essay_free(&r->es); }

/* ---- text normalisation ------------------------------------------------------ */

TEST(bom_crlf_cr)
{
    res r = TXT("\xEF\xBB\xBFThe Title\r\nFirst line.\r\nSecond line.\rThird line.\r\r\nFourth.\n");
    CHECK(text_is(&r, "First line.\nSecond line.\nThird line.\nFourth.\n"));
    CHECK(r.rc == 0 && strcmp(r.es.title, "The Title") == 0);
    done(&r);
}

TEST(nfc)
{
    res r = TXT("Caf" "e\xCC\x81 Society\nThe cafe\xCC\x81 is A\xCC\x8A" "ngstr\xC3\xB6m-ish, \xE1\x84\x80\xE1\x85\xA1.\n");
    CHECK(text_is(&r, "The caf\xC3\xA9 is \xC3\x85ngstr\xC3\xB6m-ish, \xEA\xB0\x80.\n"));
    CHECK(r.rc == 0 && strcmp(r.es.title, "Caf\xC3\xA9 Society") == 0);
    done(&r);
}

TEST(whitespace)
{
    res r = TXT("Title\n \t Tabs\tand\f form  feeds \t \nNo" NBSP "break and a" NBSP " " NBSP "run. Em\xE2\x80\x83space.\n"
                NBSP " edges " NBSP "\n");
    CHECK(text_is(&r, "Tabs and form feeds\nNo" NBSP "break and a" NBSP "run. Em space.\nedges\n"));
    done(&r);
}

TEST(invalid_utf8_refused_with_line_and_offset)
{
    /* offsets count the raw bytes, BOM and CR included (a BOM means UTF-8) */
    res r = TXT("\xEF\xBB\xBFTitle\r\nok line\r\nbad \xC3\x28 here\n");
    CHECK(msg_has(&r, "t.txt:3: byte offset 23: byte 0xC3 is not UTF-8 text; save the file as Plain Text (UTF-8)"));
    done(&r);
    const char *bad[] = {"Title\nOverlong \xC0\xAF.\n", "Title\nSurrogate \xED\xA0\x80.\n",
                         "Title\nTruncated at the end \xE2\x82", "Title\nToo big \xF4\x90\x80\x80.\n",
                         "Title\nStray continuation \x80.\n"};
    size_t where[] = {15, 16, 27, 14, 25};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        res q = parse_enc("x.txt", bad[i], strlen(bad[i]), 0, INPUT_ENC_UTF8, NULL);
        char want[64];
        snprintf(want, sizeof want, "x.txt:2: byte offset %zu: byte 0x", where[i]);
        CHECKF(msg_has(&q, want), "case %zu", i);
        done(&q);
    }
}

TEST(control_characters)
{
    static const char nul[] = "Title\nabc\0def and a lot more text after it\n";
    res r = parse_as("n.txt", nul, sizeof nul - 1, 0, NULL);
    CHECK(msg_has(&r, "n.txt:2: byte offset 9: a zero byte (NUL), which text does not have: is this really a text file?"));
    CHECK(!strstr(r.e.msg, "--lossy")); /* not offered for what is not text */
    done(&r);
    r = TXT("Title\nbell \x07 here\n");
    CHECK(msg_has(&r, "t.txt:2: byte offset 11: an invisible control character (U+0007), not text; delete it, or build with --lossy"));
    done(&r);
    r = TXT("Title\n\nthird line \x7F\n");
    CHECK(msg_has(&r, "t.txt:3: byte offset 18: an invisible control character (U+007F)"));
    done(&r);
    r = TXT("Title\nC1 \xC2\x85 next line\n");
    CHECK(msg_has(&r, "control character (U+0085)"));
    done(&r);
    r = TXT("Title\nvertical \x0B tab\n");
    CHECK(msg_has(&r, "control character (U+000B)"));
    done(&r);
}

TEST(lossy_replaces_and_counts)
{
    static const char in[] = "Title\nabc\0def \xC3\x28 and \x07 bell \xF0\x9F\x98 end\n";
    res r = parse_enc("l.txt", in, sizeof in - 1, 1, INPUT_ENC_UTF8, NULL);
    CHECK(text_is(&r, "abc\xEF\xBF\xBD" "def \xEF\xBF\xBD( and \xEF\xBF\xBD bell \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD end\n"));
    CHECKF(r.es.replaced == 6, "replaced %zu", r.es.replaced);
    done(&r);
    r = parse_as("l.txt", "Title\nclean text\n", 17, 1, NULL);
    CHECK(r.rc == 0 && r.es.replaced == 0);
    done(&r);
}

TEST(empty_and_binary_files)
{
    res r = TXT("");
    CHECK(msg_has(&r, "t.txt: the file is empty"));
    done(&r);
    r = TXT("\xEF\xBB\xBF");
    CHECK(msg_has(&r, "t.txt: the file is empty"));
    done(&r);
    r = TXT(" \n\t\n\r\n  \f \n");
    CHECK(msg_has(&r, "t.txt: the essay is empty"));
    done(&r);
    r = TXT("[...]\n***\n\n");
    CHECK(msg_has(&r, "t.txt: the essay is empty"));
    done(&r);
    r = MD("---\ntitle: Only a title\n---\n");
    CHECK(msg_has(&r, "t.md: the essay has a title (\"Only a title\") but no text"));
    done(&r);
    r = MD("---\ndate: 2024\nlang: en\n---\n\n");
    CHECK(msg_has(&r, "t.md: the essay is empty: no text, only blank lines and front matter"));
    done(&r);
    r = MD("# Just a heading\n\n");
    CHECK(msg_has(&r, "has a title (\"Just a heading\") but no text"));
    done(&r);

    static const uint8_t png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R',
                                  0, 0, 1, 0, 0, 0, 1, 0, 8, 6, 0, 0, 0, 0x5C, 0x72, 0xA8, 0x66};
    for (int lossy = 0; lossy < 2; lossy++) {
        r = parse_as("pic.txt", png, sizeof png, lossy, NULL);
        CHECK(msg_has(&r, "pic.txt: this is not a text file"));
        CHECK(!strstr(r.e.msg, "lossy"));
        done(&r);
    }
    uint8_t rnd[4096];
    uint32_t x = 12345;
    for (size_t i = 0; i < sizeof rnd; i++) x = x * 1103515245u + 12345u, rnd[i] = (uint8_t)(x >> 16);
    r = parse_as("rnd.md", rnd, sizeof rnd, 1, NULL);
    CHECK(msg_has(&r, "not a text file"));
    done(&r);
    static const uint8_t u16[] = {0xFF, 0xFE, 'H', 0, 'i', 0, '\n', 0};
    r = parse_as("u16.txt", u16, sizeof u16, 1, NULL);
    CHECK(msg_has(&r, "u16.txt: this is UTF-16 text; save it as Plain Text (UTF-8)"));
    done(&r);
}

/* ---- structure -------------------------------------------------------------------- */

TEST(block_kinds_txt)
{
    res r = TXT("The Title\n"
                "A paragraph.\n"
                "## A heading ##\n"
                "\xE2\x80\xA2 bullet\n"
                "  - dash item\n"
                "* star item\n"
                "1. first\n"
                "12. twelfth\n"
                "> quoted\n"
                ">> nested quote\n"
                "#hashtag is text, so is #\n"
                "####### seven is text\n"
                "-not a list\n"
                "2024. A year is a list item\n"
                "+ plus is text in .txt\n");
    CHECK(text_is(&r, "A paragraph.\n"
                      "\x01" "2A heading\n"
                      "\x02\xE2\x80\xA2 bullet\n"
                      "\x02- dash item\n"
                      "\x02* star item\n"
                      "\x02" "1. first\n"
                      "\x02" "12. twelfth\n"
                      "\x03quoted\n"
                      "\x03nested quote\n"
                      "#hashtag is text, so is #\n"
                      "####### seven is text\n"
                      "-not a list\n"
                      "\x02" "2024. A year is a list item\n"
                      "+ plus is text in .txt\n"));
    done(&r);
}

TEST(separators)
{
    const char *seps[] = {"[...]", "[\xE2\x80\xA6]", "...", ELL, "***", "---", "   ---  ", "* * *", "___", ". . ."};
    for (size_t i = 0; i < sizeof seps / sizeof *seps; i++) {
        char in[128];
        snprintf(in, sizeof in, "Title\nBefore.\n%s\nAfter.\n", seps[i]);
        res r = parse_as("s.txt", in, strlen(in), 0, NULL);
        CHECKF(text_is(&r, "Before.\n\x04\nAfter.\n"), "separator \"%s\"", seps[i]);
        done(&r);
    }
    /* not separators */
    res r = TXT("Title\n...but hey, do what you want.\n[DeepSeek] used $5.5 million.\n--\n");
    CHECK(text_is(&r, "…but hey, do what you want.\n[DeepSeek] used $5.5 million.\n—\n")); /* typographic */
    done(&r);
    /* leading, trailing and repeated separators go */
    r = TXT("Title\n***\n[...]\nOne.\n[...]\n\n[...]\nTwo.\n...\n");
    CHECK(text_is(&r, "One.\n\x04\nTwo.\n"));
    done(&r);
}

TEST(plain_text_lines_are_paragraphs)
{
    res r = TXT("Title\nline one\nline two\n\n\nline three\n");
    CHECK(text_is(&r, "line one\nline two\nline three\n"));
    done(&r);
}

/* Hard-wrapped .txt (Project Gutenberg, e-mail): lines joined into
 * paragraphs, with a note; other .txt keeps a paragraph a line. */
TEST(hard_wrapped_txt_is_joined)
{
    res r = TXT("A Title\n\n"
                "It was the best of times, it was the worst of times, it was the age\n"
                "of wisdom, it was the age of foolishness, it was the epoch of belief,\n"
                "it was the epoch of incredulity.\n\n"
                "There were a king with a large jaw and a queen with a plain face, on\n"
                "the throne of England; there were a king with a large jaw and a queen\n"
                "with a fair face.\n\n"
                "- a list item that goes on and on for a while until it wraps at last\n"
                "  to a second line\n"
                "- and another\n");
    CHECK(text_is(&r, "It was the best of times, it was the worst of times, it was the age of wisdom, it was the age of "
                      "foolishness, it was the epoch of belief, it was the epoch of incredulity.\n"
                      "There were a king with a large jaw and a queen with a plain face, on the throne of England; "
                      "there were a king with a large jaw and a queen with a fair face.\n"
                      "\x02- a list item that goes on and on for a while until it wraps at last to a second line\n"
                      "\x02- and another\n"));
    CHECK(r.rc == 0 && r.es.joined && r.es.notes && strstr(r.es.notes, "lines were joined into"));
    done(&r);
    /* a poem's short lines in stanzas stay lines */
    r = TXT("Song\n\nThe leaves come down,\nred and gold,\nthe wind goes by.\n\n"
            "We walk slowly,\nthe light is low,\nand no one asks.\n");
    CHECK(text_is(&r, "The leaves come down,\nred and gold,\nthe wind goes by.\nWe walk slowly,\nthe light is low,\n"
                      "and no one asks.\n"));
    CHECK(r.rc == 0 && !r.es.joined && r.es.notes == NULL);
    done(&r);
    /* long lines (a paragraph a line) are not hard-wrapped */
    static const char longl[] = "Title\n\nThis is a paragraph written in a word processor and saved as plain text, so it "
                                "is one long line.\nAnd a second such paragraph, right after it, which is also far longer "
                                "than eighty characters.\n\nA third.\nA fourth.\n";
    r = parse_as("t.txt", longl, sizeof longl - 1, 0, NULL);
    CHECK(r.rc == 0 && !r.es.joined);
    done(&r);
}

TEST(windows_1252_and_forced_encodings)
{
    /* café, l’été, “quotes”, € (0x80), — (0x97) in Windows-1252 */
    static const char w[] = "Caf\xE9\n\nL\x92\xE9t\xE9 \x93" "chaud\x94, 5 \x80 \x97 tr\xE8s bien.\n";
    res r = parse_as("w.txt", w, sizeof w - 1, 0, NULL);
    CHECK(text_is(&r, "L\xE2\x80\x99\xC3\xA9t\xC3\xA9 \xE2\x80\x9C" "chaud\xE2\x80\x9D, 5 \xE2\x82\xAC \xE2\x80\x94 tr\xC3\xA8s bien.\n"));
    CHECK(r.rc == 0 && !strcmp(r.es.title, "Caf\xC3\xA9") && r.es.encoding == INPUT_ENC_CP1252);
    CHECK(r.rc == 0 && r.es.notes && strstr(r.es.notes, "read as Windows-1252 text (it is not UTF-8) and converted to UTF-8"));
    done(&r);
    /* forced UTF-8: refused where the first bad byte is */
    r = parse_enc("w.txt", w, sizeof w - 1, 0, INPUT_ENC_UTF8, NULL);
    CHECK(msg_has(&r, "w.txt:1: byte offset 3: byte 0xE9 is not UTF-8 text; save the file as Plain Text (UTF-8)"));
    done(&r);
    /* forced Latin-1: 0x92 is a C1 control there */
    r = parse_enc("w.txt", w, sizeof w - 1, 0, INPUT_ENC_LATIN1, NULL);
    CHECK(msg_has(&r, "w.txt:3: byte offset 7: an invisible control character (U+0092)"));
    done(&r);
    r = parse_enc("l.txt", "Caf\xE9\n\nOl\xE9!\n", 11, 0, INPUT_ENC_LATIN1, NULL);
    CHECK(text_is(&r, "Ol\xC3\xA9!\n") && r.es.encoding == INPUT_ENC_LATIN1);
    done(&r);
    /* a byte Windows-1252 leaves undefined: neither encoding; forced, it is named as such */
    static const char hole[] = "Title\n\nCaf\xE9 \x81 here.\n";
    r = parse_as("h.txt", hole, sizeof hole - 1, 0, NULL);
    CHECK(msg_has(&r, "h.txt:3: byte offset 10: byte 0xE9 is not UTF-8 text, nor Windows-1252"));
    done(&r);
    r = parse_enc("h.txt", hole, sizeof hole - 1, 0, INPUT_ENC_CP1252, NULL);
    CHECK(msg_has(&r, "h.txt:3: byte offset 12: byte 0x81 stands for no character in Windows-1252"));
    done(&r);
    r = parse_enc("h.txt", hole, sizeof hole - 1, 1, INPUT_ENC_CP1252, NULL);
    CHECK(text_is(&r, "Caf\xC3\xA9 \xEF\xBF\xBD here.\n") && r.es.replaced == 1);
    done(&r);
    /* UTF-8 and Windows-1252 mixed: not guessed */
    static const char mixed[] = "Title\n\nCaf\xC3\xA9 and caf\xE9.\n";
    r = parse_as("m.txt", mixed, sizeof mixed - 1, 0, NULL);
    CHECK(msg_has(&r, "m.txt:3: byte offset 20: byte 0xE9 is not UTF-8 text, though the rest of the file is"));
    done(&r);
    /* mostly high bytes (another script's 8-bit encoding): not taken for Windows-1252 */
    static const char cyr[] = "\xCF\xF0\xE8\xE2\xE5\xF2\n\n\xCC\xE8\xF0 \xE2\xE0\xEC.\n";
    r = parse_as("c.txt", cyr, sizeof cyr - 1, 0, NULL);
    CHECK(msg_has(&r, "and it does not read as Windows-1252 (Western European) text either"));
    CHECK(msg_has(&r, "give --encoding windows-1252 if it is that"));
    done(&r);
    CHECK(input_encoding_parse("UTF-8") == INPUT_ENC_UTF8 && input_encoding_parse("windows-1252") == INPUT_ENC_CP1252 &&
          input_encoding_parse("Latin-1") == INPUT_ENC_LATIN1 && input_encoding_parse("latin-2") == -1 &&
          input_encoding_parse("xutf-8") == -1);
}

TEST(documents_are_named)
{
    static const struct { const char *bytes; size_t n; const char *kind; } docs[] = {
        {"%PDF-1.7\n1 0 obj\n", 17, "this is a PDF file, not a text file"},
        {"PK\x03\x04\x14\0\0\0\0\0mimetypeapplication/vnd.oasis.opendocument.text", 59, "a LibreOffice"},
        {"PK\x03\x04\x14\0\0\0\0\0[Content_Types].xml word/document.xml", 48, "a Word document (.docx)"},
        {"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0", 10, "a Word document (.doc)"},
        {"{\\rtf1\\ansi Hello}", 17, "a Rich Text document"},
    };
    for (size_t i = 0; i < sizeof docs / sizeof *docs; i++)
        for (int lossy = 0; lossy < 2; lossy++) {
            res r = parse_as("essay.txt", docs[i].bytes, docs[i].n, lossy, NULL);
            CHECKF(msg_has(&r, docs[i].kind) && msg_has(&r, "save it as Plain Text (UTF-8) or Markdown") &&
                   !strstr(r.e.msg, "lossy"), "case %zu", i);
            done(&r);
        }
}

TEST(markdown_joins_lines)
{
    res r = MD("# Title\n\n"
               "line one\nline two\n\n"
               "- item\n  continued\n- second\n"
               "> quote a\n> quote b\n>\n> quote c\n\n"
               "Setext One\n===\n"
               "Setext\nTwo\n---\n\n"
               "---\n"
               "+ plus item\n"
               "last\n");
    CHECK(text_is(&r, "line one line two\n"
                      "\x02• item continued\n"
                      "\x02• second\n"
                      "\x03quote a quote b\n"
                      "\x03quote c\n"
                      "\x01" "1Setext One\n"
                      "\x01" "2Setext Two\n"
                      "\x04\n"
                      "\x02• plus item last\n"));
    CHECK(r.rc == 0 && strcmp(r.es.title, "Title") == 0);
    done(&r);
    /* .markdown and upper case extensions are Markdown too */
    r = parse_as("X.MD", "T\n\na\nb\n", 7, 0, NULL);
    CHECK(text_is(&r, "a b\n"));
    done(&r);
}

/* ---- Markdown through md4c ------------------------------------------------------ */

/* Block b's text with its spans drawn in: em _x_, strong *x*, code `x`,
 * link [x], strike ~x~, note ^x^ (in that order, outermost first). */
static const char *styled(const res *r, size_t b)
{
    static char out[1024];
    essay es;
    lerr e;
    out[0] = 0;
    if (r->rc || essay_parse(r->es.text, r->es.size, &es, &e)) return "(no essay)";
    if (b >= es.nblocks) { essay_free(&es); return "(no block)"; }
    const essay_block *bl = &es.blocks[b];
    size_t ns, o = 0;
    const essay_span *sp = essay_block_spans(&es, b, &ns);
    static const char mk[] = "_*`[~^", mkend[] = "_*`]~^";
    uint32_t at = 0;
    for (size_t k = 0; k <= ns && o < sizeof out - 64; k++) {
        uint32_t to = k < ns ? sp[k].start : bl->len;
        for (; at < to && o < sizeof out - 64; at++) out[o++] = (char)es.text[bl->start + at];
        if (k == ns) break;
        for (int i = 0; i < 6; i++) if (sp[k].style & (1 << i)) out[o++] = mk[i];
        for (; at < sp[k].start + sp[k].len && o < sizeof out - 64; at++) out[o++] = (char)es.text[bl->start + at];
        for (int i = 5; i >= 0; i--) if (sp[k].style & (1 << i)) out[o++] = mkend[i];
    }
    out[o] = 0;
    essay_free(&es);
    return out;
}

static int kind_is(const res *r, size_t b, int kind, int depth)
{
    essay es;
    lerr e;
    if (r->rc || essay_parse(r->es.text, r->es.size, &es, &e)) return 0;
    int ok = b < es.nblocks && es.blocks[b].kind == kind && es.blocks[b].depth == depth;
    if (!ok) fprintf(stderr, "  block %zu: kind %d depth %d\n", b, b < es.nblocks ? es.blocks[b].kind : -1,
                     b < es.nblocks ? es.blocks[b].depth : -1);
    essay_free(&es);
    return ok;
}

#define STYLED(r, b, want) CHECKF(strcmp(styled(r, b), want) == 0, "block %d: got \"%s\"", b, styled(r, b))

TEST(markdown_blocks)
{
    res r = MD("# Title\n\n"
               "## Two\n### Three\n#### Four\n##### Five\n###### Six\n\n"
               "- a\n  - nested\n    - deeper\n- b\n\n"
               "3. three\n4. four\n\n"
               "> q1\n>\n> > q2\n\n"
               "```c\n  int  x;\n\n\tgo();\n```\n\n"
               "    indented code\n\n"
               "***\n\n"
               "| A | B |\n|---|:-:|\n| 1 |  |\n| *x* | y z |\n\n"
               "end\n");
    CHECK(text_is(&r, "\x01" "2Two\n\x01" "3Three\n\x01" "4Four\n\x01" "5Five\n\x01" "6Six\n"
                      "\x02• a\n\x02\x02– nested\n\x02\x02\x02– deeper\n\x02• b\n"
                      "\x02" "3. three\n\x02" "4. four\n"
                      "\x03q1\n\x03\x03q2\n"
                      "\x05  int  x;\n\x05\n\x05    go();\n"
                      "\x05indented code\n"
                      "\x04\n"
                      "\x06" "A\x1f" "B\n\x06" "1\x1f\n\x06x\x1fy z\n"
                      "end\n"));
    CHECK(kind_is(&r, 6, ESSAY_LIST, 2) && kind_is(&r, 7, ESSAY_LIST, 3) && kind_is(&r, 12, ESSAY_QUOTE, 2));
    CHECK(kind_is(&r, 13, ESSAY_CODE, 0) && kind_is(&r, 18, ESSAY_TABLE, 0));
    STYLED(&r, 18, "*A*\x1f*B*");
    STYLED(&r, 20, "_x_\x1fy z");
    done(&r);
    /* a paragraph that is only "[...]" is a separator, as in .txt */
    r = MD("T\n\none\n\n[...]\n\ntwo\n");
    CHECK(text_is(&r, "one\n\x04\ntwo\n"));
    done(&r);
    /* loose items join their paragraphs; ")" numbers stay */
    r = MD("T\n\n1) first\n\n   more\n2) second\n");
    CHECK(text_is(&r, "\x02" "1) first more\n\x02" "2) second\n"));
    done(&r);
}

TEST(markdown_inline)
{
    res r = MD("T\n\n"
               "Some *em*, **strong**, ***both***, `co  de`, ~~gone~~ and _under_.\n\n"
               "A [link](http://a.org/x \"t\") and [again](http://a.org/x), [other](b.html); <http://auto.org>.\n\n"
               "&amp; &copy; &#233; &#x41; &bogus; \\*not em\\* \\[x\\](y) a\\\nb and c  \nd\n\n"
               "An ![a map](img/map.png) and ![](x/y.jpg).\n");
    CHECK(text_is(&r, "Some em, strong, both, co de, gone and under.\n"
                      "A link¹ and again¹, other²; http://auto.org.\n"
                      "& © é A &bogus; *not em* [x](y) a\u2028" "b and c\u2028" "d\n" /* hard breaks: U+2028 */
                      "An [a map] and [].\n"
                      "\x07" "1. http://a.org/x\n\x07" "2. b.html\n"));
    STYLED(&r, 0, "Some _em_, *strong*, _*both*_, `co de`, ~gone~ and _under_."); /* folded, as all text */
    STYLED(&r, 1, "A [link]^¹^ and [again]^¹^, [other]^²^; [http://auto.org].");
    STYLED(&r, 2, "& © é A &bogus; *not em* [x](y) a\u2028" "b and c\u2028" "d");
    CHECK(kind_is(&r, 4, ESSAY_NOTE, 0));
    CHECKF(r.es.notes && strcmp(r.es.notes, "images are not shown: map.png, y.jpg") == 0, "notes %s",
           r.es.notes ? r.es.notes : "(none)");
    CHECKF(r.es.words == 33, "words %u", r.es.words);
    done(&r);
    /* no styles, no style section: the text is all there is */
    r = MD("T\n\nplain\n");
    CHECK(r.rc == 0 && r.es.size == 6 && r.es.notes == NULL);
    done(&r);
    /* .txt is not Markdown */
    r = TXT("T\n*not em* [a](b)\n");
    CHECK(text_is(&r, "*not em* [a](b)\n"));
    done(&r);
}

/* Links and the title: the end notes are not text, and a block with a note
 * number stays in the text (its note would point from nowhere); two note
 * numbers side by side have a raised comma between them, not "¹²" (12). */
TEST(markdown_links_title_and_notes)
{
    res r = MD("See [the site](http://a) now\n");
    CHECK(text_is(&r, "See the site¹ now\n\x07" "1. http://a\n"));
    CHECKF(r.rc == 0 && strcmp(r.es.title, "See the site now") == 0, "title %s", r.rc ? "-" : r.es.title);
    CHECKF(r.es.words == 4, "words %u", r.es.words);
    done(&r);
    r = MD("Tabl [x](/y)\n\nmore text here.\n");
    CHECK(text_is(&r, "Tabl x¹\nmore text here.\n\x07" "1. /y\n"));
    CHECKF(r.rc == 0 && strcmp(r.es.title, "Tabl x") == 0, "title %s", r.rc ? "-" : r.es.title);
    done(&r);
    /* a heading with a link: its words are the title, the heading stays */
    r = MD("# About [Mars](http://m)\n\nText.\n");
    CHECK(text_is(&r, "\x01" "1About Mars¹\nText.\n\x07" "1. http://m\n"));
    CHECKF(r.rc == 0 && strcmp(r.es.title, "About Mars") == 0, "title %s", r.rc ? "-" : r.es.title);
    done(&r);
    r = MD("T\n\nText [a](http://a)[](http://b)[](http://c) and [d](http://a).\n");
    CHECK(text_is(&r, "Text a¹\u02d2²\u02d2³ and d¹.\n\x07" "1. http://a\n\x07" "2. http://b\n\x07" "3. http://c\n"));
    STYLED(&r, 0, "Text [a]^¹^\u02d2^²^\u02d2^³^ and [d]^¹^.");
    done(&r);
}

/* Every HTML5 named entity (tools/entities.h), the first and last of the
 * sorted list too, two-code-point ones, white space folded; an unknown name
 * or one without its semicolon stays as typed. */
TEST(markdown_html5_entities)
{
    res r = MD("T\n\n&AElig; &Dcaron; &HilbertSpace; &NotEqualTilde; &AMP; &zwnj;|&Tab;x &bogus; &amp &zz;\n");
    CHECK(text_is(&r, "\u00c6 \u010e \u210b \u2242\u0338 & \u200c| x &bogus; &amp &zz;\n"));
    done(&r);
}

/* ---- typographic punctuation ---------------------------------------------------- */

static res parse_lang(const char *name, const char *src, const char *lang, int no_smart)
{
    res r;
    memset(&r, 0, sizeof r);
    input_opts o = {lang, 0, 0, no_smart};
    r.rc = input_parse((const uint8_t *)src, strlen(src), name, &o, NULL, &r.es, &r.e);
    if (r.rc == 0) {
        const char *p = format_problem(r.es.text, r.es.size);
        CHECKF(p == NULL, "%s: output breaks the format: %s", name, p);
    }
    return r;
}

TEST(smart_punctuation)
{
    static const char src[] = "T\n\"Quoted,\" she said -- 'it's fine'... (\"x\") a---b\n";
    res r = parse_lang("q.txt", src, "en-US", 0);
    CHECK(text_is(&r, "“Quoted,” she said — ‘it’s fine’… (“x”) a—b\n"));
    done(&r);
    r = parse_lang("q.txt", src, "de-DE", 0);
    CHECK(text_is(&r, "„Quoted,“ she said – ‚it’s fine‘… („x“) a—b\n"));
    done(&r);
    r = parse_lang("q.txt", "T\n\"Oui\", dit-il. \" Non \" -- 'a'\n", "fr", 0);
    CHECK(text_is(&r, "«\xE2\x80\xAFOui\xE2\x80\xAF», dit-il. «\xE2\x80\xAFNon\xE2\x80\xAF» – ‹\xE2\x80\xAF" "a\xE2\x80\xAF›\n"));
    done(&r);
    /* other languages: dashes and ellipses only */
    r = parse_lang("q.txt", "T\n\"Hola\" -- dijo...\n", "es", 0);
    CHECK(text_is(&r, "\"Hola\" — dijo…\n"));
    done(&r);
    /* off: as typed */
    r = parse_lang("q.txt", src, "en-US", 1);
    CHECK(text_is(&r, "\"Quoted,\" she said -- 'it's fine'... (\"x\") a---b\n"));
    done(&r);
    /* Markdown: code is kept, styles stay on their characters */
    r = parse_lang("q.md", "T\n\n*\"a\"* `\"b\" -- c...` **it's**\n", "en-US", 0);
    CHECK(text_is(&r, "“a” \"b\" -- c... it’s\n"));
    STYLED(&r, 0, "_“a”_ `\"b\" -- c...` *it’s*");
    done(&r);
}

/* ---- title and byline -------------------------------------------------------------- */

TEST(title_from_heading)
{
    res r = MD("\n# My Title #\n\nBody.\n");
    CHECK(r.rc == 0 && strcmp(r.es.title, "My Title") == 0);
    CHECK(text_is(&r, "Body.\n"));
    done(&r);
    r = TXT("## Second level first\nBody.\n");
    CHECK(r.rc == 0 && strcmp(r.es.title, "Second level first") == 0);
    done(&r);
}

TEST(title_from_front_matter)
{
    res r = MD("---\ntitle: \"Front Matter Title\"\nauthor: Jane Doe\ndate: 2024-01-01\nlang: de\ntags:\n  - x\n---\n"
               "# Front Matter Title\n\nBody text.\n");
    CHECK(r.rc == 0 && strcmp(r.es.title, "Front Matter Title") == 0);
    CHECK(r.rc == 0 && strcmp(r.es.byline, "Jane Doe") == 0);
    CHECK(r.rc == 0 && strcmp(r.es.lang, "de") == 0);
    CHECK(text_is(&r, "Body text.\n"));
    done(&r);
    /* a different first heading stays */
    r = MD("---\ntitle: T\nauthors:\n---\n# Part one\nBody.\n");
    CHECK(r.rc == 0 && strcmp(r.es.title, "T") == 0);
    CHECK(text_is(&r, "\x01" "1Part one\nBody.\n"));
    done(&r);
    /* author list */
    r = MD("---\nbyline:\n- Ann\n- Bob\n---\nSome Title\n\nText.\n");
    CHECK(r.rc == 0 && strcmp(r.es.byline, "Ann, Bob") == 0 && strcmp(r.es.title, "Some Title") == 0);
    done(&r);
    /* "---" then ordinary text is not front matter */
    r = TXT("---\nNot: front matter, it has no known key\n---\nMore.\n");
    CHECK(text_is(&r, "More.\n"));
    CHECK(r.rc == 0 && strcmp(r.es.title, "Not: front matter, it has no known key") == 0);
    done(&r);
    r = MD("---\nlang: en US!\n---\nx\n");
    CHECK(msg_has(&r, "t.md:2: front matter lang"));
    done(&r);
}

TEST(title_from_first_line)
{
    res r = TXT("How DeepSeek Cost The US Stock Market $1 Trillion\n\n0\n36\n\nI am not so much into these things.\n");
    CHECK(r.rc == 0 && strcmp(r.es.title, "How DeepSeek Cost The US Stock Market $1 Trillion") == 0);
    CHECK(text_is(&r, "0\n36\nI am not so much into these things.\n"));
    done(&r);
    r = TXT("Is this a title?\nYes.\n");
    CHECK(r.rc == 0 && strcmp(r.es.title, "Is this a title?") == 0);
    done(&r);
    /* not title-like: ends in '.', ':' or ',', holds two sentences, or is alone */
    const char *no[] = {"This is a sentence. And another\nMore.\n", "Listen to this:\nMore.\n",
                        "Dear friends,\nMore.\n", "A short line that ends in a period.\nMore.\n",
                        "Alone on its own\n"};
    const char *want[] = {"This is a sentence", "Listen to this:", "Dear friends,",
                          "A short line that ends in a period", "Alone on its own"};
    for (size_t i = 0; i < sizeof no / sizeof *no; i++) {
        res q = parse_as("q.txt", no[i], strlen(no[i]), 0, NULL);
        CHECKF(q.rc == 0 && strcmp(q.es.title, want[i]) == 0, "case %zu: \"%s\"", i, q.rc ? q.e.msg : q.es.title);
        CHECKF(q.rc == 0 && q.es.size >= strlen(no[i]) - 6 && memcmp(q.es.text, no[i], 6) == 0,
               "case %zu: text must keep the first line", i);
        done(&q);
    }
    /* a first line over 100 characters is not a title even without a period */
    char longl[300];
    memset(longl, 'a', 120);
    for (int i = 5; i < 120; i += 6) longl[i] = ' ';
    strcpy(longl + 120, "\nMore.\n");
    r = parse_as("l.txt", longl, strlen(longl), 0, NULL);
    CHECK(r.rc == 0 && strlen(r.es.title) < 120 && strstr(r.es.title, ELL) != NULL);
    done(&r);
}

static size_t cps(const char *s)
{
    size_t k = 0;
    for (; *s; s++) k += ((uint8_t)*s & 0xC0) != 0x80;
    return k;
}

TEST(title_from_first_sentence)
{
    const char *in = "So, a Chinese financial firm (not even a software or computer company) has put out an open "
                     "source AI model which is 50 times more efficient. Second sentence.\nMore.\n";
    res r = parse_as("000_636ac73fd51e5ee1.txt", in, strlen(in), 0, NULL);
    CHECK(r.rc == 0 && strcmp(r.es.title, "So, a Chinese financial firm (not even a software or computer company) has put" ELL) == 0);
    CHECK(r.rc == 0 && cps(r.es.title) <= 80);
    CHECK(r.rc == 0 && strstr(r.es.title, "636ac73f") == NULL);
    CHECK(r.rc == 0 && r.es.size == strlen(in) && memcmp(r.es.text, in, r.es.size) == 0); /* text keeps it all */
    done(&r);
    r = TXT("Can we get our $500 billion back, or is that just up in smoke? Rhetorical question.U.S. tech stocks "
            "are plummeting as China looks to be exposing American companies.\n[...]\nMore.\n");
    CHECK(r.rc == 0 && strcmp(r.es.title, "Can we get our $500 billion back, or is that just up in smoke?") == 0);
    done(&r);
    /* "U.S. tech" does not end a sentence; a word longer than 80 is cut hard */
    r = TXT("The U.S. tech giants lost a lot of money on the day and nobody saw it coming at all, said many.\n");
    CHECK(r.rc == 0 && strncmp(r.es.title, "The U.S. tech giants", 20) == 0 && cps(r.es.title) <= 80);
    done(&r);
    char w[200];
    memset(w, 'x', 150);
    strcpy(w + 150, "\n");
    r = parse_as("w.txt", w, strlen(w), 0, NULL);
    CHECK(r.rc == 0 && cps(r.es.title) == 80 && strstr(r.es.title, ELL) != NULL);
    done(&r);
    /* the first text block, past leading separators */
    r = TXT("[...]\nA list follows.\n- one\n");
    CHECK(r.rc == 0 && strcmp(r.es.title, "A list follows") == 0);
    done(&r);
}

TEST(byline)
{
    res r = TXT("The Title\nBy Jane Doe\nBody.\n");
    CHECK(r.rc == 0 && strcmp(r.es.byline, "Jane Doe") == 0);
    CHECK(text_is(&r, "Body.\n"));
    done(&r);
    r = MD("# The Title\n\nby \xC3\x89mile Zola and Ann Other\n\nBody.\n");
    CHECK(r.rc == 0 && strcmp(r.es.byline, "\xC3\x89mile Zola and Ann Other") == 0);
    done(&r);
    const char *no[] = {"The Title\nBy the way, this is text\nBody.\n", "The Title\nBy Jane Doe.\nBody.\n",
                        "The Title\nBy Jane Doe\n", "The Title\nBody.\nBy Jane Doe\nMore.\n"};
    for (size_t i = 0; i < sizeof no / sizeof *no; i++) {
        res q = parse_as("b.txt", no[i], strlen(no[i]), 0, NULL);
        CHECKF(q.rc == 0 && strcmp(q.es.byline, "") == 0, "case %zu", i);
        done(&q);
    }
    /* titles and initials in the name; an emphasised line in Markdown;
     * front matter author */
    r = TXT("The Title\nBy Dr. Jane Doe\nBody.\n");
    CHECKF(r.rc == 0 && strcmp(r.es.byline, "Dr. Jane Doe") == 0, "byline \"%s\"", r.es.byline);
    CHECK(text_is(&r, "Body.\n"));
    done(&r);
    r = TXT("The Title\nBy Prof. J. R. Smith\nBody.\n");
    CHECKF(r.rc == 0 && strcmp(r.es.byline, "Prof. J. R. Smith") == 0, "byline \"%s\"", r.es.byline);
    done(&r);
    r = MD("# The Title\n\n*by Ann Lee*\n\nBody *here*.\n");
    CHECKF(r.rc == 0 && strcmp(r.es.byline, "Ann Lee") == 0, "byline \"%s\"", r.es.byline);
    CHECK(text_is(&r, "Body here.\n"));
    STYLED(&r, 0, "Body _here_."); /* the byline's span went with it */
    done(&r);
    r = MD("---\ntitle: T\nauthor: Bo Li\n---\n\nBody.\n");
    CHECK(r.rc == 0 && strcmp(r.es.byline, "Bo Li") == 0);
    done(&r);
    /* a sentence that ends after a title is still not a byline */
    r = TXT("The Title\nBy Dr. Who. It was late.\nBody.\n");
    CHECK(r.rc == 0 && strcmp(r.es.byline, "") == 0);
    done(&r);
    /* no byline after a sentence title */
    r = TXT("This is the first sentence of it all. It goes on.\nBy Jane Doe\nMore.\n");
    CHECK(r.rc == 0 && strcmp(r.es.byline, "") == 0);
    done(&r);
}

/* ---- words, hyphenation, helpers ------------------------------------------------------ */

TEST(words)
{
    res r = TXT("Title words do not count\nDon\xE2\x80\x99t stop-me now, 42 times. caf\xC3\xA9 \xE2\x80\x94 ok\n- item two\n");
    CHECKF(r.rc == 0 && r.es.words == 10, "words %u", r.es.words);
    done(&r);
}

TEST(hyphenated_output)
{
    hyph *h = en();
    if (!h) { CHECK(0); return; }
    const char *in = "Hyphenation Everywhere\n\nHyphenation of DeepSeek, NVDA and 2024 at https://hyphenation.org/"
                     "information or information@example.com, compute-efficient.\n# Information\n";
    res r = parse_as("h.md", in, strlen(in), 0, h);
    CHECK(text_is(&r, "Hy" SHY "phen" SHY "ation of DeepSeek, NVDA and 2024 at https://hyphenation.org/information "
                      "or information@example.com, compute-efficient.\n\x01" "1In" SHY "for" SHY "ma" SHY "tion\n"));
    CHECK(r.rc == 0 && strcmp(r.es.title, "Hyphenation Everywhere") == 0); /* titles are not hyphenated */
    CHECK(r.rc == 0 && strcmp(r.es.lang, "en-US") == 0);
    done(&r);
}

TEST(strip_soft_hyphens)
{
    uint8_t s[] = "hy" SHY "phen" SHY "ation " SHY SHY "\xC2\xA0\xC2";
    size_t n = input_strip_soft_hyphens(s, sizeof s - 1);
    CHECK(n == 15 && memcmp(s, "hyphenation \xC2\xA0\xC2", n) == 0);
    CHECK(input_strip_soft_hyphens(s, 0) == 0);
}

TEST(deterministic)
{
    const char *in = "A Title\nSome text with information and hyphenation.\n- list\n";
    res a = parse_as("d.txt", in, strlen(in), 0, en());
    res b = parse_as("d.txt", in, strlen(in), 0, en());
    CHECK(a.rc == 0 && b.rc == 0 && a.es.size == b.es.size && memcmp(a.es.text, b.es.text, a.es.size) == 0);
    done(&a);
    done(&b);
}

TEST(ten_megabyte_paragraph)
{
    const char *ws[] = {"information", "the", "DeepSeek", "hyphenation", "caf\xC3\xA9", "2024", "a", "consequence,",
                        "e\xCC\x81l\xC3\xA9phant"};
    size_t cap = 10u << 20, n = 0;
    char *in = malloc(cap + 64), *want = malloc(cap + 64);
    size_t wn = 0;
    memcpy(in, "Title\n", 6), n = 6;
    for (size_t i = 0; n < cap; i++) {
        const char *w = ws[(i * 5 + i / 7) % (sizeof ws / sizeof *ws)];
        const char *sep = i % 13 == 12 ? " \t " : " ";
        size_t l = strlen(w);
        memcpy(in + n, w, l), n += l;
        memcpy(in + n, sep, strlen(sep)), n += strlen(sep);
        if (w[0] == 'e' && w[1] == '\xCC') memcpy(want + wn, "\xC3\xA9l\xC3\xA9phant", 10), wn += 10;
        else memcpy(want + wn, w, l), wn += l;
        want[wn++] = ' ';
    }
    want[wn - 1] = '\n';
    res r = parse_as("big.txt", in, n, 0, en());
    CHECK(r.rc == 0 && r.es.size > wn);
    if (r.rc == 0) {
        size_t m = input_strip_soft_hyphens(r.es.text, r.es.size);
        CHECK(m == wn && memcmp(r.es.text, want, wn) == 0);
    }
    CHECK(r.rc == 0 && strlen(r.es.title) > 0);
    done(&r);
    free(in);
    free(want);
}

/* Long runs of what the parser looks at twice (stops, markers, one
 * endless word) must still be handled in one pass; a quadratic slip would
 * make this test hang rather than fail. */
TEST(long_pathological_lines)
{
    const char *units[] = {".", "a.", "?\"", "#", ">", "- ", "\xE2\x80\xA6", "x", "[", "By ", "\xC2\xA0 ", "=", "*"};
    size_t n = 1u << 20;
    char *in = malloc(n + 16);
    for (size_t u = 0; u < sizeof units / sizeof *units; u++) {
        for (int md = 0; md < 2; md++) {
            size_t k = 0, l = strlen(units[u]);
            memcpy(in, "Title\n", 6), k = 6;
            while (k + l < n) memcpy(in + k, units[u], l), k += l;
            in[k++] = '\n';
            res r = parse_as(md ? "p.md" : "p.txt", in, k, 0, en());
            CHECKF(r.rc == 0 || strstr(r.e.msg, "essay is empty") || strstr(r.e.msg, "but no text"), "unit \"%s\": %s",
                   units[u], r.e.msg);
            done(&r);
        }
    }
    free(in);
}

/* ---- input_collect -------------------------------------------------------------------------- */

static char tmp_root[64];

static void put(const char *rel, const char *s)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", tmp_root, rel);
    FILE *f = fopen(p, "wb");
    if (!f) { fprintf(stderr, "  cannot write %s\n", p); return; }
    fputs(s, f);
    fclose(f);
}

static char *path_of(const char *rel)
{
    static char p[4][512];
    static int k;
    k = (k + 1) & 3;
    snprintf(p[k], sizeof p[k], "%s/%s", tmp_root, rel);
    return p[k];
}

static int collect1(const char *rel, input_essay **v, size_t *n, lerr *e)
{
    char *args[] = {path_of(rel)};
    input_opts o = {NULL, 0, 0, 0};
    return input_collect(args, 1, &o, v, n, e);
}

static const char *base(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

TEST(collect_folder_and_manifest)
{
    mkdir(path_of("m"), 0755);
    put("m/a.txt", "Essay A\nText of a.\n");
    put("m/b.md", "# Essay B\n\nText\nof b.\n");
    put("m/c.txt", "Essay C\nBy Carl\nText of c.\n");
    put("m/d.TXT", "Essay D\nText of d.\n");
    put("m/.hidden.txt", "\x89PNG\r\n\x1a\n");
    put("m/notes.rst", "not an essay");
    put("m/manifest.ini", "; order and titles\n[defaults]\nlang = en_US\n\n[c.txt]\ntitle = Custom C\nbyline =\n"
                          "[a.txt]\n  lang: en\n");
    input_essay *v = NULL;
    size_t n = 0;
    lerr e = {{0}};
    int rc = collect1("m", &v, &n, &e);
    CHECKF(rc == 0, "%s", e.msg);
    CHECK(n == 4);
    if (rc == 0 && n == 4) {
        CHECK(!strcmp(base(v[0].path), "c.txt") && !strcmp(base(v[1].path), "a.txt"));
        CHECK(!strcmp(base(v[2].path), "b.md") && !strcmp(base(v[3].path), "d.TXT"));
        CHECK(!strcmp(v[0].title, "Custom C") && !strcmp(v[0].byline, "") && !strcmp(v[0].lang, "en-US"));
        CHECK(!strcmp(v[1].title, "Essay A") && !strcmp(v[1].lang, "en"));
        CHECK(!strcmp(v[2].title, "Essay B") && !strcmp(v[2].lang, "en-US"));
        CHECK(v[2].size == 11 && !memcmp(v[2].text, "Text of b.\n", 11));
        for (size_t i = 0; i < n; i++) CHECK(format_problem(v[i].text, v[i].size) == NULL);
    }
    input_essays_free(v, n);

    /* without a manifest: by name, byte-wise (upper case first) */
    unlink(path_of("m/manifest.ini"));
    rc = collect1("m", &v, &n, &e);
    CHECK(rc == 0 && n == 4);
    if (rc == 0 && n == 4) {
        CHECK(!strcmp(base(v[0].path), "a.txt") && !strcmp(base(v[1].path), "b.md"));
        CHECK(!strcmp(base(v[2].path), "c.txt") && !strcmp(base(v[3].path), "d.TXT"));
        CHECK(!strcmp(v[2].byline, "Carl"));
    }
    input_essays_free(v, n);
}

TEST(manifest_smart_quotes)
{
    mkdir(path_of("sq"), 0755);
    put("sq/a.txt", "Essay A\n\"Straight\" -- kept.\n");
    put("sq/b.txt", "Essay B\n\"Curly\" -- made.\n");
    put("sq/manifest.ini", "[defaults]\nsmart_quotes = no\n[a.txt]\n[b.txt]\nsmart_quotes = Yes\n");
    input_essay *v = NULL;
    size_t n = 0;
    lerr e = {{0}};
    int rc = collect1("sq", &v, &n, &e);
    CHECKF(rc == 0 && n == 2, "%s", e.msg);
    if (rc == 0 && n == 2) {
        static const char want[] = "“Curly” — made.\n";
        CHECK(v[0].size == 20 && !memcmp(v[0].text, "\"Straight\" -- kept.\n", 20));
        CHECKF(v[1].size == sizeof want - 1 && !memcmp(v[1].text, want, sizeof want - 1), "%.*s", (int)v[1].size,
               (char *)v[1].text);
    }
    input_essays_free(v, n);
}

TEST(manifest_errors)
{
    mkdir(path_of("e"), 0755);
    put("e/a.txt", "Essay A\nText.\n");
    struct {
        const char *ini, *msg;
    } cases[] = {
        {"[a.txt]\n\n[missing.txt]\ntitle = X\n", "manifest.ini:3: [missing.txt]: there is no such file"},
        {"[a.txt]\ntitle = A\nauthor = Someone\n", "manifest.ini:3: unknown key \"author\""},
        {"[defaults]\nbyline = x\n", "manifest.ini:2: unknown key \"byline\" in [defaults]"},
        {"title = loose\n", "manifest.ini:1: \"title\" is outside a section"},
        {"[a.txt]\n[a.txt]\n", "manifest.ini:2: [a.txt] given twice (first at line 1)"},
        {"[a.txt]\ntitle = A\ntitle = B\n", "manifest.ini:3: title given twice"},
        {"[a.txt]\ntitle =\n", "manifest.ini:2: empty title"},
        {"[a.txt]\nlang = not a tag\n", "manifest.ini:2: lang \"not a tag\" is not a language tag"},
        {"[../a.txt]\n", "manifest.ini:1: [../a.txt] is not a file name"},
        {"[a.txt]\njust words\n", "manifest.ini:2: expected [file name]"},
        {"[a.txt]\nsmart_quotes = maybe\n", "manifest.ini:2: smart_quotes is \"maybe\"; write yes or no"},
        {"[defaults]\nsmart_quotes = off\n", "manifest.ini:2: smart_quotes is \"off\""},
        {"[a.txt]\ntitle = \x01\n", "manifest.ini:2: title has a control character"},
        {"[a.txt]\nbyline = A\xC2\x85" "B\n", "manifest.ini:2: byline has a control character (U+0085)"},
        {"[a.txt]\ntitle = \xC3\n", "manifest.ini:2: title is not valid UTF-8"},
        {"[a.txt]\ntitle = xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
         "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n",
         "manifest.ini:2: line longer than"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        put("e/manifest.ini", cases[i].ini);
        input_essay *v = NULL;
        size_t n = 0;
        lerr e = {{0}};
        int rc = collect1("e", &v, &n, &e);
        CHECKF(rc == -1 && strstr(e.msg, cases[i].msg), "case %zu: %s", i, rc ? e.msg : "ok");
        CHECK(v == NULL && n == 0);
        input_essays_free(v, n);
    }
    /* a long file name and a section with no keys are fine */
    put("e/a very long file name that is longer than fifty bytes, which libinih would cut.txt", "L\nText.\n");
    put("e/manifest.ini", "[a very long file name that is longer than fifty bytes, which libinih would cut.txt]\n[a.txt]\n");
    input_essay *v = NULL;
    size_t n = 0;
    lerr e = {{0}};
    CHECKF(collect1("e", &v, &n, &e) == 0 && n == 2 && !strcmp(v[0].title, "L"), "%s", e.msg);
    input_essays_free(v, n);
}

TEST(collect_errors)
{
    input_essay *v = NULL;
    size_t n = 0;
    lerr e = {{0}};
    input_opts o = {0};
    CHECK(input_collect(NULL, 0, &o, &v, &n, &e) == -1 && strstr(e.msg, "no input"));

    mkdir(path_of("empty"), 0755);
    put("empty/readme.rst", "x");
    CHECK(collect1("empty", &v, &n, &e) == -1 && strstr(e.msg, "empty: no .txt or .md essays"));

    CHECK(collect1("nonexistent.txt", &v, &n, &e) == -1 && strstr(e.msg, "nonexistent.txt: No such file"));

    mkdir(path_of("dang"), 0755);
    put("dang/a.txt", "A\nText.\n");
    CHECK(symlink(path_of("nowhere.txt"), path_of("dang/b.txt")) == 0);
    CHECK(collect1("dang", &v, &n, &e) == -1 && strstr(e.msg, "dang/b.txt: cannot read"));

    mkdir(path_of("bad"), 0755);
    put("bad/a.txt", "A\nText.\n");
    put("bad/b.txt", "B\nbad \xFF byte\n");
    put("bad/b.txt", "B\nbad \x81 byte\n"); /* 0x81: not UTF-8, nor Windows-1252 */
    CHECKF(collect1("bad", &v, &n, &e) == -1 && strstr(e.msg, "bad/b.txt:2: byte offset 6: byte 0x81 is not UTF-8 text, "
           "nor Windows-1252"), "%s", e.msg);
    CHECK(v == NULL && n == 0);
    /* an empty essay is skipped, the rest is packed */
    put("bad/b.txt", "");
    CHECKF(collect1("bad", &v, &n, &e) == 0 && n == 1 && !strcmp(v[0].title, "A"), "%s", e.msg);
    input_essays_free(v, n);
    v = NULL, n = 0;
    /* a folder whose only essay is empty: nothing to pack */
    mkdir(path_of("hollow"), 0755);
    put("hollow/a.txt", "\n\n");
    CHECKF(collect1("hollow", &v, &n, &e) == -1 && strstr(e.msg, "nothing to pack"), "%s", e.msg);

    /* files given one by one, any extension, in argument order */
    put("one.text", "One\nText one.\n");
    put("two.md", "# Two\n\nText\ntwo.\n");
    char *args[] = {path_of("two.md"), path_of("one.text")};
    CHECK(input_collect(args, 2, &o, &v, &n, &e) == 0 && n == 2);
    if (n == 2) CHECK(!strcmp(v[0].title, "Two") && !strcmp(v[1].title, "One") && v[0].size == 10);
    input_essays_free(v, n);
    v = NULL, n = 0;

    /* a language without patterns: packed unhyphenated (see missing_patterns) */
    o.lang = "xx";
    CHECK(input_collect(args, 2, &o, &v, &n, &e) == 0 && n == 2);
    input_essays_free(v, n);
    v = NULL, n = 0;
    /* a .dic file that is not there is a problem */
    o.lang = "/nonexistent/hyph_xx.dic";
    CHECK(input_collect(args, 2, &o, &v, &n, &e) == -1 && strstr(e.msg, "/nonexistent/hyph_xx.dic"));
}

/* What collect says, through input_extra's callbacks. */
typedef struct said {
    char msg[80][300];
    int kind[80]; /* 'p' problem, 'n' note */
    size_t n;
} said;

static void said_p(void *ctx, const char *m)
{
    said *s = ctx;
    if (s->n < 80) snprintf(s->msg[s->n], sizeof s->msg[0], "%s", m), s->kind[s->n++] = 'p';
}

static void said_n(void *ctx, const char *m)
{
    said *s = ctx;
    if (s->n < 80) snprintf(s->msg[s->n], sizeof s->msg[0], "%s", m), s->kind[s->n++] = 'n';
}

static int said_has(const said *s, int kind, const char *sub)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->kind[i] == kind && strstr(s->msg[i], sub)) return 1;
    return 0;
}

TEST(collect_says_everything)
{
    mkdir(path_of("cls"), 0755);
    mkdir(path_of("cls/sub"), 0755);
    put("cls/a.txt", "A\nText.\n");
    put("cls/b.txt", "B\nbad \x81 byte\n");
    put("cls/c.md", "# C\n\nA \x07 bell.\n");
    put("cls/d.txt", "");
    put("cls/e.docx", "PK");
    put("cls/f.pdf", "%PDF");
    put("cls/g.txt", "G\nText in another language.\n");
    put("cls/manifest.ini", "[a.txt]\n[g.txt]\ntitle = G\nlang = xx\n");
    said s;
    memset(&s, 0, sizeof s);
    input_extra x = {INPUT_ENC_AUTO, said_p, said_n, &s};
    input_opts o = {0};
    input_essay *v = NULL;
    size_t n = 0;
    lerr e = {{0}};
    char *args[] = {path_of("cls")};
    CHECK(input_collect_ex(args, 1, &o, &x, &v, &n, &e) == -1 && v == NULL && n == 0);
    CHECKF(!strcmp(e.msg, "2 problems found; no pack was written"), "%s", e.msg);
    CHECK(said_has(&s, 'p', "cls/b.txt:2: byte offset 6: byte 0x81"));
    CHECK(said_has(&s, 'p', "cls/c.md:3: byte offset 7: an invisible control character (U+0007)"));
    CHECK(said_has(&s, 'n', "cls/d.txt: skipped: the file is empty"));
    CHECK(said_has(&s, 'n', "cls/e.docx: skipped: a Word document; save it as Plain Text (UTF-8) or Markdown"));
    CHECK(said_has(&s, 'n', "cls/f.pdf: skipped: a PDF file; save it as Plain Text (UTF-8) or Markdown"));
    CHECK(said_has(&s, 'n', "cls/sub: skipped: a folder"));
    CHECK(said_has(&s, 'n', "cls/g.txt: no hyphenation patterns for xx are installed, so this essay is packed without "
                            "hyphenation; install a hyphen-* package for it or give a .dic file and build again "
                            "(the language is set by lang = xx at "));
    CHECK(said_has(&s, 'n', "cls/manifest.ini:4)"));
    /* without callbacks: the first problem, and how many more */
    CHECK(input_collect(args, 1, &o, &v, &n, &e) == -1);
    CHECKF(strstr(e.msg, "cls/b.txt:2: byte offset 6") && strstr(e.msg, "(and 1 more problems)"), "%s", e.msg);
    /* fixed, it packs: the empty essay and the other files left out */
    put("cls/b.txt", "B\nfine byte\n");
    put("cls/c.md", "# C\n\nNo bell.\n");
    memset(&s, 0, sizeof s);
    CHECKF(input_collect_ex(args, 1, &o, &x, &v, &n, &e) == 0 && n == 4, "%s", e.msg);
    if (n == 4) CHECK(!strcmp(v[0].title, "A") && !strcmp(v[1].title, "G") && !strcmp(v[1].lang, "xx"));
    CHECK(!said_has(&s, 'p', ""));
    input_essays_free(v, n);
}

/* Issue 15: a folder's symbolic links may not lead out of it, and a FIFO
 * or device among the essays is named and refused, never opened (opening
 * a FIFO for reading blocks until a writer comes: the alarm turns such a
 * hang into a failure). */
TEST(symlinks_and_special_files)
{
    input_essay *v = NULL;
    size_t n = 0;
    lerr e = {{0}};
    unsigned left = alarm(60);
    mkdir(path_of("sl"), 0755);
    put("sl/a.txt", "A\nText a.\n");
    put("outside.txt", "Outside\nSecret text.\n");

    /* a link out of the folder: refused by name, unless --follow-symlinks */
    CHECK(symlink("../outside.txt", path_of("sl/b.txt")) == 0);
    CHECKF(collect1("sl", &v, &n, &e) == -1 && strstr(e.msg, "sl/b.txt: a symbolic link to ") &&
               strstr(e.msg, "outside.txt, which is outside the folder") && strstr(e.msg, "--follow-symlinks"),
           "%s", e.msg);
    CHECK(v == NULL && n == 0);
    char sl[512];
    snprintf(sl, sizeof sl, "%s", path_of("sl"));
    char *args[] = {sl};
    input_opts fo = {NULL, 0, 1, 0};
    CHECKF(input_collect(args, 1, &fo, &v, &n, &e) == 0 && n == 2, "%s", e.msg);
    if (n == 2) CHECK(!strcmp(v[1].title, "Outside") && has(v[1].text, v[1].size, "text."));
    input_essays_free(v, n);
    v = NULL, n = 0;
    /* listed in a manifest: the same */
    put("sl/manifest.ini", "[b.txt]\n");
    CHECKF(collect1("sl", &v, &n, &e) == -1 && strstr(e.msg, "sl/b.txt: a symbolic link to "), "%s", e.msg);
    unlink(path_of("sl/manifest.ini"));
    unlink(path_of("sl/b.txt"));

    /* a link that stays inside is followed, also through a linked folder */
    CHECK(symlink("a.txt", path_of("sl/c.txt")) == 0);
    CHECK(symlink("sl", path_of("sl-link")) == 0);
    CHECKF(collect1("sl-link", &v, &n, &e) == 0 && n == 2, "%s", e.msg);
    if (n == 2) CHECK(!strcmp(v[0].title, "A") && !strcmp(v[1].title, "A"));
    input_essays_free(v, n);
    v = NULL, n = 0;
    unlink(path_of("sl/c.txt"));

    /* a FIFO named like an essay, as the manifest, or behind a link */
    CHECK(mkfifo(path_of("sl/f.txt"), 0644) == 0);
    CHECKF(collect1("sl", &v, &n, &e) == -1 && strstr(e.msg, "sl/f.txt: a named pipe (FIFO), not a text file"),
           "%s", e.msg);
    /* read directly (as after a swap between listing and reading): refused
     * at once by fstat, not blocked in open */
    uint8_t *bytes = NULL;
    size_t len = 0;
    CHECKF(input_read_file(path_of("sl/f.txt"), &bytes, &len, &e) == -1 && bytes == NULL &&
               strstr(e.msg, "f.txt: not a regular file (a named pipe (FIFO))"),
           "%s", e.msg);
    CHECK(rename(path_of("sl/f.txt"), path_of("sl/manifest.ini")) == 0);
    CHECKF(collect1("sl", &v, &n, &e) == -1 && strstr(e.msg, "sl/manifest.ini: a named pipe (FIFO)"), "%s", e.msg);
    CHECK(rename(path_of("sl/manifest.ini"), path_of("fifo.txt")) == 0);
    CHECK(symlink("../fifo.txt", path_of("sl/g.txt")) == 0);
    CHECKF(input_collect(args, 1, &fo, &v, &n, &e) == -1 && strstr(e.msg, "sl/g.txt: a named pipe (FIFO)"), "%s",
           e.msg);
    unlink(path_of("sl/g.txt"));
    /* a manifest naming a FIFO as its hyphenation patterns */
    char man[600];
    snprintf(man, sizeof man, "[a.txt]\nlang = %s\n", path_of("fifo.txt"));
    put("sl/manifest.ini", man);
    CHECKF(collect1("sl", &v, &n, &e) == -1 && strstr(e.msg, "fifo.txt: not a regular file, so not hyphenation patterns"),
           "%s", e.msg);
    unlink(path_of("sl/manifest.ini"));
    /* a device (a link to one, never opened: not a real device node made here) */
    CHECK(symlink("/dev/null", path_of("sl/d.txt")) == 0);
    CHECKF(collect1("sl", &v, &n, &e) == -1 && strstr(e.msg, "sl/d.txt: a symbolic link to /dev/null"), "%s",
           e.msg);
    CHECKF(input_collect(args, 1, &fo, &v, &n, &e) == -1 && strstr(e.msg, "sl/d.txt: a device, not a text file"),
           "%s", e.msg);
    unlink(path_of("sl/d.txt"));
    CHECK(v == NULL && n == 0);
    CHECKF(collect1("sl", &v, &n, &e) == 0 && n == 1, "%s", e.msg);
    input_essays_free(v, n);
    alarm(left);
}

TEST(default_essays)
{
    char *args[] = {"assets/essays"};
    input_essay *v = NULL;
    size_t n = 0;
    lerr e = {{0}};
    input_opts o = {0};
    int rc = input_collect(args, 1, &o, &v, &n, &e);
    CHECKF(rc == 0 && n == 5, "%s", e.msg);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        CHECK(cps(v[i].title) > 10 && cps(v[i].title) <= 100);
        CHECK(strchr(v[i].title, '_') == NULL && !strstr(v[i].title, ".txt"));
        CHECK(v[i].words > 500);
        CHECK(has(v[i].text, v[i].size, SHY));
        CHECKF(format_problem(v[i].text, v[i].size) == NULL, "%s: %s", v[i].path, format_problem(v[i].text, v[i].size));
    }
    if (rc == 0 && n == 5) {
        CHECK(!strcmp(v[0].title, "I think we\xE2\x80\x99re about to get a crash in 5 hours folks"));
        CHECK(!strcmp(v[3].title, "How DeepSeek Cost The US Stock Market $1 Trillion"));
        /* 004's "  • item" lines are list items */
        CHECK(has(v[4].text, v[4].size, "\n\x02\xE2\x80\xA2 DeepSeek is a sub"));
        /* 001's "[...]" lines are separators */
        CHECK(has(v[1].text, v[1].size, "\n\x04\n"));
    }
    input_essays_free(v, n);
}

TEST(twenty_thousand_files)
{
    mkdir(path_of("many"), 0755);
    char name[64], body[128];
    for (int i = 0; i < 20000; i++) {
        snprintf(name, sizeof name, "many/%05d.txt", 19999 - i);
        snprintf(body, sizeof body, "Essay %d\nA small essay about information, number %d.\n", 19999 - i, i);
        put(name, body);
    }
    input_essay *v = NULL;
    size_t n = 0;
    lerr e = {{0}};
    int rc = collect1("many", &v, &n, &e);
    CHECKF(rc == 0 && n == 20000, "%s", e.msg);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        snprintf(name, sizeof name, "%05zu.txt", i);
        snprintf(body, sizeof body, "Essay %zu", i);
        if (strcmp(base(v[i].path), name) || strcmp(v[i].title, body)) {
            CHECKF(0, "essay %zu is %s \"%s\"", i, v[i].path, v[i].title);
            break;
        }
    }
    input_essays_free(v, n);
}

static void rm_rf(const char *p)
{
    char cmd[600];
    if (strncmp(p, "/tmp/test_input_", 16) != 0) return;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", p);
    if (system(cmd) != 0) fprintf(stderr, "  could not remove %s\n", p);
}

int main(void)
{
    snprintf(tmp_root, sizeof tmp_root, "/tmp/test_input_XXXXXX");
    if (!mkdtemp(tmp_root)) {
        perror("mkdtemp");
        return 1;
    }
    RUN(bom_crlf_cr);
    RUN(nfc);
    RUN(whitespace);
    RUN(invalid_utf8_refused_with_line_and_offset);
    RUN(control_characters);
    RUN(lossy_replaces_and_counts);
    RUN(empty_and_binary_files);
    RUN(block_kinds_txt);
    RUN(separators);
    RUN(plain_text_lines_are_paragraphs);
    RUN(hard_wrapped_txt_is_joined);
    RUN(windows_1252_and_forced_encodings);
    RUN(documents_are_named);
    RUN(markdown_joins_lines);
    RUN(markdown_blocks);
    RUN(markdown_inline);
    RUN(markdown_links_title_and_notes);
    RUN(markdown_html5_entities);
    RUN(smart_punctuation);
    RUN(title_from_heading);
    RUN(title_from_front_matter);
    RUN(title_from_first_line);
    RUN(title_from_first_sentence);
    RUN(byline);
    RUN(words);
    RUN(hyphenated_output);
    RUN(strip_soft_hyphens);
    RUN(deterministic);
    RUN(ten_megabyte_paragraph);
    RUN(long_pathological_lines);
    RUN(collect_folder_and_manifest);
    RUN(manifest_smart_quotes);
    RUN(manifest_errors);
    RUN(collect_errors);
    RUN(collect_says_everything);
    RUN(symlinks_and_special_files);
    RUN(default_essays);
    RUN(twenty_thousand_files);
    rm_rf(tmp_root);
    hyph_close(en());
    return T_END();
}

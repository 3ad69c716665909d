/* fuzz_input.c - libFuzzer target for input_parse: any bytes, as .txt or
 * .md, with or without --lossy and hyphenation, must be refused with a
 * message or give text that keeps every rule of pack_format.md "Essay
 * text". The first input byte picks the options; the rest is the file.
 * The same bytes are also parsed as a manifest.ini.
 * A broken rule aborts, so libFuzzer and the replay both report it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "essay.h"
#include "input.h"
#include "input_int.h" /* input_manifest_parse */

static void fail(const char *what, const uint8_t *s, size_t n)
{
    fprintf(stderr, "fuzz_input: %s\n", what);
    fwrite(s, 1, n < 512 ? n : 512, stderr);
    fputc('\n', stderr);
    abort();
}

/* No C0/C1 control, no DEL, valid UTF-8, not empty. */
static int clean_string(const char *s)
{
    size_t n = strlen(s);
    if (!utf8_valid((const uint8_t *)s, n, NULL)) return 0;
    for (size_t i = 0; i < n; i++) {
        uint8_t c = (uint8_t)s[i];
        if (c < 0x20 || c == 0x7F || (c == 0xC2 && (uint8_t)s[i + 1] <= 0x9F)) return 0;
    }
    return 1;
}

static int is_nfc(const uint8_t *s, size_t n)
{
    utf8proc_uint8_t *d = NULL;
    utf8proc_ssize_t r = utf8proc_map(s, (utf8proc_ssize_t)n, &d, UTF8PROC_COMPOSE | UTF8PROC_STABLE);
    int ok = r == (utf8proc_ssize_t)n && (n == 0 || memcmp(d, s, n) == 0);
    free(d);
    return ok;
}

static void check(const input_essay *es)
{
    const uint8_t *t = es->text;
    size_t full = es->size, n = full;
    const uint8_t *nul = memchr(t, 0, full);
    if (nul) n = (size_t)(nul - t); /* the text; the style section after it is essay_parse's */
    if (!es->title || !*es->title || !clean_string(es->title)) fail("bad title", t, n);
    if (!es->byline || !clean_string(es->byline)) fail("bad byline", t, n);
    if (!es->lang || !*es->lang || !clean_string(es->lang)) fail("bad lang", t, n);
    if (strlen(es->title) > 65535 || strlen(es->byline) > 65535) fail("string too long for the pack", t, n);
    if (n == 0 || t[n - 1] != '\n') fail("empty or no final LF", t, n);

    essay ep;
    lerr e;
    if (essay_parse(t, full, &ep, &e) != 0) fail(e.msg, t, n);
    for (size_t i = 0; i < ep.nblocks; i++) {
        const essay_block *b = &ep.blocks[i];
        const uint8_t *s = t + b->start;
        /* what essay_parse does not check: C1 controls, no-break spaces at
         * the edges or doubled, separators only between text */
        for (size_t j = 0; j + 1 < b->len; j++)
            if (s[j] == 0xC2 && s[j + 1] <= 0x9F) fail("C1 control in text", t, n);
        /* (a code line is verbatim: a no-break space may start or end it) */
        if (b->kind != ESSAY_CODE && b->len >= 2 &&
            (memcmp(s, "\xC2\xA0", 2) == 0 || memcmp(s + b->len - 2, "\xC2\xA0", 2) == 0))
            fail("no-break space at an edge", t, n);
        if (b->kind == ESSAY_SEP && (i == 0 || i + 1 == ep.nblocks || ep.blocks[i - 1].kind == ESSAY_SEP))
            fail("separator not between text blocks", t, n);
        if (b->kind == ESSAY_HEADING && (b->level < 1 || b->level > 6)) fail("heading level", t, n);
    }
    essay_free(&ep);
    if (!is_nfc(t, n)) fail("not NFC", t, n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static hyph *en; /* opened once: the dictionary is 100 KB of patterns */
    static int tried;
    if (!tried) {
        tried = 1;
        if (hyph_open(&en, "en-US", NULL) != 0) en = NULL;
    }
    uint8_t flags = size ? data[0] : 0;
    if (size) data++, size--;

    input_opts o = {NULL, flags & 1, 0, (flags & 8) != 0};
    const char *name = flags & 2 ? "fuzz.md" : "fuzz.txt";
    hyph *h = flags & 4 ? NULL : en;
    input_essay es;
    lerr e;
    e.msg[0] = 0;
    if (input_parse(data, size, name, &o, h, &es, &e) == 0) {
        check(&es);
        if (h) { /* hyphenation only adds soft hyphens */
            const uint8_t *z = memchr(es.text, 0, es.size);
            size_t m = input_strip_soft_hyphens(es.text, z ? (size_t)(z - es.text) : es.size);
            input_essay plain;
            if (input_parse(data, size, name, &o, NULL, &plain, &e) != 0) fail("fails without hyphens", data, size);
            z = memchr(plain.text, 0, plain.size);
            size_t pm = input_strip_soft_hyphens(plain.text, z ? (size_t)(z - plain.text) : plain.size);
            if (pm != m || memcmp(plain.text, es.text, m) != 0 || plain.words != es.words ||
                strcmp(plain.title, es.title) != 0)
                fail("hyphenation changed more than soft hyphens", data, size);
            input_essay_free(&plain);
        }
    } else {
        if (!e.msg[0] || strncmp(e.msg, name, strlen(name)) != 0) fail("refusal without the file's name", data, size);
        if (es.text || es.title || es.size) fail("refusal left output behind", data, size);
    }
    input_essay_free(&es);

    /* The same bytes as a manifest.ini: parsed or refused with its name,
     * and every value it keeps is clean text. */
    manifest m;
    e.msg[0] = 0;
    if (input_manifest_parse(data, size, "manifest.ini", &m, &e) == 0) {
        if (m.def_lang && !clean_string(m.def_lang)) fail("manifest lang not clean", data, size);
        for (size_t i = 0; i < m.n; i++) {
            const mf_ent *en2 = &m.v[i];
            if (!en2->name[0] || strchr(en2->name, '/')) fail("manifest section is not a file name", data, size);
            if ((en2->title && !clean_string(en2->title)) || (en2->lang && !clean_string(en2->lang)))
                fail("manifest value not clean", data, size);
        }
    } else if (strncmp(e.msg, "manifest.ini", 12) != 0) {
        fail("manifest refusal without the file's name", data, size);
    }
    input_manifest_free(&m);
    return 0;
}

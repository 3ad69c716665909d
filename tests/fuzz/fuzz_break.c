/* fuzz_break.c - line-break opportunities (text_break.h) on arbitrary bytes
 * and arbitrary language tags.
 *
 * The input: byte 0 chooses the flags and the base language (one of a list,
 * or a tag cut from the input itself), byte 1 the number of language runs
 * (0..7), then 5 bytes per run (start and end as fractions of the text, and
 * the run's language), then the text. Runs are mostly valid; one in eight
 * inputs gets a run past the end, which must be refused.
 *
 * Invariants: no crash, no read or write out of bounds (ASan; the text and
 * brk are exact-size heap copies); every value is an enum text_brk; brk[0]
 * and every byte that is not the first of a character (as text_next reads
 * them) are TEXT_BRK_NONE; after U+2028, LF or U+2029 comes TEXT_BRK_MUST;
 * nothing breaks after U+00A0 or U+2060; the same call twice gives the same
 * answer; one run over the whole text is the same as that base language. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "text_break.h"

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "fuzz_break: %s:%d: %s\n", __FILE__, __LINE__, #c); abort(); } } while (0)

static const char *const LANGS[] = {NULL, "en", "th", "ja", "zh-Hans", "ZH-hant", "ko", "he", "ar", "de", "fr", "lo", "ru", "es"};
#define NLANGS (sizeof LANGS / sizeof *LANGS)

/* The breaker: made once for the process (loading libthai's dictionary for
 * every input would be most of the time), never freed. */
static text_breaker *breaker(void)
{
    static text_breaker *b;
    if (!b) {
        lerr e;
        if (text_breaker_new(&b, &e) != 0) {
            fprintf(stderr, "fuzz_break: %s\n", e.msg);
            abort();
        }
    }
    return b;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const text_breaker *b = breaker();
    if (size < 2) {
        CHECK(text_line_breaks(b, data, 0, NULL, NULL, 0, 0, NULL, NULL) == 0);
        return 0;
    }
    unsigned flags = data[0] & 1;
    char own_tag[16];
    const char *base = LANGS[(data[0] >> 1) % NLANGS];
    if ((data[0] >> 1) % (NLANGS + 1) == NLANGS && size > 10) { /* a tag of input bytes, any bytes */
        memcpy(own_tag, data + 2, 8);
        own_tag[8] = '\0';
        base = own_tag;
    }
    size_t nruns = data[1] & 7;
    int bad_run = (data[1] >> 3 & 7) == 7;
    size_t hdr = 2 + 5 * nruns;
    if (hdr > size) { nruns = 0; hdr = 2; }
    size_t n = size - hdr;

    uint8_t *s = malloc(n ? n : 1), *brk = malloc(n ? n : 1), *again = malloc(n ? n : 1);
    CHECK(s && brk && again);
    memcpy(s, data + hdr, n);

    text_lang_run runs[8];
    size_t nr = 0;
    for (size_t r = 0; r < nruns && n > 0; r++) {
        const uint8_t *p = data + 2 + 5 * r;
        uint32_t a = (uint32_t)(((p[0] | p[1] << 8) * (uint64_t)n) >> 16);
        uint32_t z = (uint32_t)(((p[2] | p[3] << 8) * (uint64_t)n) >> 16) + 1;
        if (a > z) { uint32_t t = a; a = z; z = t; }
        if (a == z) z++;
        if (z > n) z = (uint32_t)n;
        if (a >= z) continue;
        const char *t = LANGS[1 + p[4] % (NLANGS - 1)];
        runs[nr].start = a;
        runs[nr].end = z;
        if (p[4] >= 0xF0) { /* a tag of raw input bytes, not NUL-terminated */
            runs[nr].tag = (const char *)data + 2;
            size_t len = (size_t)(p[4] - 0xF0) + 1;
            runs[nr].tag_len = (uint32_t)(len < hdr - 2 ? len : hdr - 2);
        } else {
            runs[nr].tag = t;
            runs[nr].tag_len = (uint32_t)strlen(t);
        }
        nr++;
    }
    if (bad_run && nr > 0) runs[nr - 1].end = (uint32_t)n + 1;

    lerr e;
    e.msg[0] = '\0';
    int rc = text_line_breaks(b, s, n, base, runs, nr, flags, brk, &e);
    if (bad_run && nr > 0) {
        CHECK(rc == -1 && e.msg[0]);
        for (size_t i = 0; i < n; i++) CHECK(brk[i] == TEXT_BRK_NONE);
        goto done;
    }
    CHECK(rc == 0);
    if (n == 0) goto done;

    /* values, and where they may be */
    CHECK(brk[0] == TEXT_BRK_NONE);
    size_t i = 0;
    uint32_t prev = 0;
    while (i < n) {
        uint32_t c;
        size_t len = text_next(s + i, n - i, &c);
        CHECK(len >= 1 && len <= 4 && i + len <= n);
        CHECK(brk[i] <= TEXT_BRK_URL);
        for (size_t j = 1; j < len; j++) CHECK(brk[i + j] == TEXT_BRK_NONE);
        if (i > 0) {
            if (prev == 0x2028 || prev == 0x2029 || prev == '\n') CHECK(brk[i] == TEXT_BRK_MUST);
            if (prev == 0xA0 || prev == 0x2060) CHECK(brk[i] == TEXT_BRK_NONE);
        }
        prev = c;
        i += len;
    }

    /* deterministic */
    CHECK(text_line_breaks(b, s, n, base, runs, nr, flags, again, NULL) == 0);
    CHECK(memcmp(brk, again, n) == 0);

    /* one run over everything == that language as the base */
    if (nr > 0 && runs[0].tag_len < 16 && memchr(runs[0].tag, 0, runs[0].tag_len) == NULL) {
        char tag[16];
        memcpy(tag, runs[0].tag, runs[0].tag_len);
        tag[runs[0].tag_len] = '\0';
        text_lang_run all = {0, (uint32_t)n, runs[0].tag, runs[0].tag_len};
        CHECK(text_line_breaks(b, s, n, base, &all, 1, flags, brk, NULL) == 0);
        CHECK(text_line_breaks(b, s, n, tag, NULL, 0, flags, again, NULL) == 0);
        CHECK(memcmp(brk, again, n) == 0);
    }
done:
    free(s);
    free(brk);
    free(again);
    return 0;
}

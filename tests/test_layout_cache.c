/* test_layout_cache.c - layouts kept per (essay, size, page): page turns
 * never lay out, a size change lays out the open essay only, the rest fill
 * in lazily, eviction is least-recently-used, and the reader's sentence
 * stays on screen across a size change. Fixed-width fake font: glyph 10 px
 * at "font size" 10, scaled with the size. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "essay.h"
#include "layout.h"
#include "layout_cache.h"
#include "t.h"

typedef struct fake {
    int px;
    long calls;
} fake;

static int32_t f_adv(void *ctx, int f, uint32_t cp)
{
    fake *k = ctx;
    (void)f;
    (void)cp;
    k->calls++;
    return k->px * 64;
}
static int32_t f_lh(void *ctx, int f) { (void)f; return ((fake *)ctx)->px * 2 * 64; }
static int32_t f_asc(void *ctx, int f) { (void)f; return ((fake *)ctx)->px * 3 / 2 * 64; }

static fake FK = {10, 0};
static layout_metrics M = {&FK, f_adv, NULL, f_lh, f_asc, NULL};

#define NES 5
static char *texts[NES];
static essay ess[NES];

static void make_essays(void)
{
    const char *sent[] = {"The kiosk shows one page at a time.", "Readers turn pages with a tap.",
                          "A size change must not lose their place!", "Does it?", "It keeps the sentence."};
    uint32_t s = 3;
    for (int i = 0; i < NES; i++) {
        size_t cap = 40000, n = 0;
        texts[i] = malloc(cap);
        for (int para = 0; para < 10 + 10 * i; para++) {
            for (int j = 0; j < 2 + para % 4; j++) {
                s = s * 1103515245u + 12345u;
                n += (size_t)snprintf(texts[i] + n, cap - n, "%s%s", j ? " " : "", sent[(s >> 16) % 5]);
            }
            texts[i][n++] = '\n';
        }
        lerr e;
        if (essay_parse((const uint8_t *)texts[i], n, &ess[i], &e)) abort();
    }
}

static const essay *get_es(void *ctx, size_t i)
{
    (void)ctx;
    return i < NES ? &ess[i] : NULL;
}

static layout_key key(uint32_t essay_no, int px, int w, int h)
{
    layout_key k;
    memset(&k, 0, sizeof k);
    k.essay = essay_no;
    k.font_px = px;
    k.params.width = w * 64;
    k.params.height = h * 64;
    k.params.para_space = px * 32;
    k.params.indent = px * 64;
    k.params.justify = 1;
    return k;
}

TEST(page_turns_never_lay_out)
{
    layout_cache *c = layout_cache_new(16);
    lerr e;
    FK.px = 10;
    layout_key k = key(2, 10, 400, 300);
    const layout_result *r = layout_cache_get(c, &k, &ess[2], &M, &e);
    CHECK(r && r->npages > 3);
    CHECK(layout_cache_layouts(c) == 1);
    long calls = FK.calls;
    for (size_t p = 0; r && p < r->npages; p++) {
        const layout_result *again = layout_cache_find(c, &k);
        CHECK(again == r);
        CHECK(layout_cache_get(c, &k, &ess[2], &M, &e) == r);
    }
    CHECK(layout_cache_layouts(c) == 1);
    CHECK(FK.calls == calls); /* nothing measured again */
    CHECK(layout_cache_hits(c) == 2 * r->npages);
    /* a different page size or size is a different entry */
    layout_key k2 = key(2, 10, 400, 320);
    CHECK(layout_cache_find(c, &k2) == NULL);
    k2 = key(2, 12, 400, 300);
    CHECK(layout_cache_find(c, &k2) == NULL);
    k2 = k;
    k2.params.justify = 0;
    CHECK(layout_cache_find(c, &k2) == NULL);
    layout_cache_free(c);
}

TEST(size_change_lays_out_the_open_essay_then_the_rest_lazily)
{
    layout_cache *c = layout_cache_new(0);
    lerr e;
    FK.px = 10;
    layout_params p10 = key(0, 10, 400, 300).params;
    /* all five at size 10, lazily */
    int rc, steps = 0;
    while ((rc = layout_cache_fill_one(c, 10, &p10, NES, get_es, NULL, &M, &e)) == 1) steps++;
    CHECK(rc == 0 && steps == NES);
    CHECK(layout_cache_layouts(c) == NES);
    /* the reader is on essay 3, page 4; the text size changes to 13 */
    layout_key old_k = key(3, 10, 400, 300);
    const layout_result *old = layout_cache_find(c, &old_k);
    CHECK(old != NULL && old->npages > 4);
    FK.px = 13;
    layout_key new_k = key(3, 13, 400, 300);
    const layout_result *now = layout_cache_get(c, &new_k, &ess[3], &M, &e);
    CHECK(now != NULL);
    CHECK(layout_cache_layouts(c) == NES + 1); /* only the open essay */
    if (old && now) {
        size_t q = layout_relocate(&ess[3], old, 4, now);
        uint32_t sen = layout_sentence_start(&ess[3], old->pages[4].text_start);
        CHECK(q < now->npages && now->pages[q].text_start <= sen);
        CHECK(q + 1 == now->npages || now->pages[q + 1].text_start > sen);
    }
    /* then the others, one per idle call, the open one skipped */
    layout_params p13 = new_k.params;
    steps = 0;
    while ((rc = layout_cache_fill_one(c, 13, &p13, NES, get_es, NULL, &M, &e)) == 1) steps++;
    CHECK(rc == 0 && steps == NES - 1);
    CHECK(layout_cache_layouts(c) == 2 * NES);
    /* the old size is still there: going back costs nothing */
    FK.px = 10;
    CHECK(layout_cache_get(c, &old_k, &ess[3], &M, &e) == old);
    CHECK(layout_cache_layouts(c) == 2 * NES);
    layout_cache_free(c);
}

TEST(eviction_is_least_recently_used)
{
    layout_cache *c = layout_cache_new(3);
    lerr e;
    FK.px = 10;
    layout_key k0 = key(0, 10, 400, 300), k1 = key(1, 10, 400, 300), k2 = key(2, 10, 400, 300),
               k3 = key(3, 10, 400, 300);
    const layout_result *r0 = layout_cache_get(c, &k0, &ess[0], &M, &e);
    layout_cache_get(c, &k1, &ess[1], &M, &e);
    layout_cache_get(c, &k2, &ess[2], &M, &e);
    CHECK(layout_cache_find(c, &k0) == r0); /* 0 used again: 1 is the oldest */
    const layout_result *r3 = layout_cache_get(c, &k3, &ess[3], &M, &e);
    CHECK(r3 != NULL);
    CHECK(layout_cache_find(c, &k1) == NULL);
    CHECK(layout_cache_find(c, &k0) == r0 && r0->npages > 0); /* still valid (ASan would see) */
    CHECK(layout_cache_find(c, &k2) != NULL && layout_cache_find(c, &k3) == r3);
    /* fill_one never evicts layouts of its own size: the cache is full of them */
    layout_params p = k0.params;
    CHECK(layout_cache_fill_one(c, 10, &p, NES, get_es, NULL, &M, &e) == 0);
    CHECK(layout_cache_find(c, &k1) == NULL);
    layout_cache_clear(c);
    CHECK(layout_cache_find(c, &k0) == NULL);
    layout_cache_free(c);
    layout_cache_free(NULL);
}

TEST(failures_are_not_kept)
{
    layout_cache *c = layout_cache_new(4);
    lerr e = {{0}};
    FK.px = 10;
    layout_key k = key(0, 10, 400, 10); /* shorter than a line */
    CHECK(layout_cache_get(c, &k, &ess[0], &M, &e) == NULL);
    CHECK(strstr(e.msg, "too small") != NULL);
    CHECK(layout_cache_find(c, &k) == NULL);
    /* fill_one skips essay 0, known to fail; reports essay 1 once, then is done */
    CHECK(layout_cache_fill_one(c, 10, &k.params, 2, get_es, NULL, &M, &e) == -1);
    CHECK(layout_cache_fill_one(c, 10, &k.params, 2, get_es, NULL, &M, &e) == 0);
    CHECK(layout_cache_layouts(c) == 2);
    /* get tries again */
    CHECK(layout_cache_get(c, &k, &ess[0], &M, &e) == NULL && layout_cache_layouts(c) == 3);
    layout_cache_free(c);
}

/* The byte budget: past it the least recently used layouts go, never the
 * two newest, and idle filling stops instead of evicting and refilling. */
TEST(byte_budget_keeps_the_two_newest)
{
    layout_cache *c = layout_cache_new(16);
    lerr e;
    FK.px = 10;
    layout_key k0 = key(0, 10, 400, 300), k1 = key(1, 10, 400, 300), k2 = key(2, 10, 400, 300);
    const layout_result *r0 = layout_cache_get(c, &k0, &ess[0], &M, &e);
    size_t one = layout_cache_bytes(c);
    CHECKF(one > 0, "bytes after one layout: %zu", one);
    const layout_result *r1 = layout_cache_get(c, &k1, &ess[1], &M, &e);
    CHECK(layout_cache_bytes(c) > one);
    layout_cache_set_budget(c, 1); /* nothing fits: only the two newest stay */
    CHECK(layout_cache_find(c, &k0) == r0 && layout_cache_find(c, &k1) == r1);
    const layout_result *r2 = layout_cache_get(c, &k2, &ess[2], &M, &e);
    CHECK(r2 != NULL && r2->npages > 0);
    CHECK(layout_cache_find(c, &k0) == NULL);           /* the oldest went */
    CHECK(layout_cache_find(c, &k1) == r1 && r1->npages > 0); /* the one before stays valid */
    size_t before = layout_cache_layouts(c);
    CHECK(layout_cache_fill_one(c, 10, &k0.params, NES, get_es, NULL, &M, &e) == 0);
    CHECK(layout_cache_layouts(c) == before);
    /* a roomy budget again: filling resumes, and clear gives every byte back */
    layout_cache_set_budget(c, LAYOUT_CACHE_BYTES);
    CHECK(layout_cache_fill_one(c, 10, &k0.params, NES, get_es, NULL, &M, &e) == 1);
    layout_cache_clear(c);
    CHECK(layout_cache_bytes(c) == 0);
    layout_cache_free(c);
}

int main(void)
{
    make_essays();
    RUN(page_turns_never_lay_out);
    RUN(size_change_lays_out_the_open_essay_then_the_rest_lazily);
    RUN(eviction_is_least_recently_used);
    RUN(failures_are_not_kept);
    RUN(byte_budget_keeps_the_two_newest);
    for (int i = 0; i < NES; i++) {
        essay_free(&ess[i]);
        free(texts[i]);
    }
    return T_END();
}

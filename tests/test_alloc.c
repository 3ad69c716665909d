/* test_alloc.c - allocation failure, as SQLite tests it: each scenario is
 * run once to count its allocations, then once for every N with the Nth
 * allocation failing. Every run must end without a crash, with a failure
 * status and a message (or with success when the failed allocation was one
 * the code can do without), and with every allocation it made freed.
 *
 * Linked with -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=strdup,
 * --wrap=free (Makefile), so every allocation made by lectern's own code
 * (the core and the packer, linked statically) goes through the wrappers
 * below; libraries' internal allocations (liblz4, libc) are not counted.
 * The wrappers keep a count of live blocks, so a leak on an error path
 * fails the test in any build, not only under LeakSanitizer. Scenarios:
 * pack open and read (from a file and from memory), pack_verify, essay
 * parsing, layout (and the layout cache), state open/save/reload, and the
 * packer's pack_build and pack_write. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "essay.h"
#include "layout.h"
#include "layout_cache.h"
#include "pack.h"
#include "pack_write.h"
#include "state.h"
#include "text_bidi.h"
#include "text_break.h"
#include "t.h"

/* ---- the wrappers ------------------------------------------------------------ */

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t m);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);
void __real_free(void *p);

static long a_count;       /* allocations made while armed */
static long a_fail = -1;   /* fail the allocation with this index; -1: none */
static int a_armed;        /* count and fail only inside a scenario */
static long a_live;        /* blocks allocated and not yet freed, while armed */
static int a_failed;       /* the chosen allocation was reached and failed */

/* Distinct places that allocate (return addresses), over every sweep. */
static void *a_sites[1024];
static size_t a_nsites;

static void note_site(void *ra)
{
    for (size_t i = 0; i < a_nsites; i++)
        if (a_sites[i] == ra) return;
    if (a_nsites < sizeof a_sites / sizeof *a_sites) a_sites[a_nsites++] = ra;
}

#define fail_now() (a_armed ? (note_site(__builtin_return_address(0)), fail_check()) : 0)
static int fail_check(void)
{
    if (a_count++ == a_fail) {
        a_failed = 1;
        return 1;
    }
    return 0;
}

void *__wrap_malloc(size_t n)
{
    if (fail_now()) return NULL;
    void *p = __real_malloc(n);
    if (p && a_armed) a_live++;
    return p;
}

void *__wrap_calloc(size_t n, size_t m)
{
    if (fail_now()) return NULL;
    void *p = __real_calloc(n, m);
    if (p && a_armed) a_live++;
    return p;
}

void *__wrap_realloc(void *old, size_t n)
{
    if (fail_now()) return NULL;
    void *p = __real_realloc(old, n);
    if (p && !old && a_armed) a_live++;
    return p;
}

char *__wrap_strdup(const char *s)
{
    if (fail_now()) return NULL;
    char *p = __real_strdup(s);
    if (p && a_armed) a_live++;
    return p;
}

void __wrap_free(void *p)
{
    if (p && a_armed) a_live--;
    __real_free(p);
}

/* ---- the sweep --------------------------------------------------------------- */

/* A scenario: returns 0 on success, else non-zero with a message in e.
 * It must free everything it allocated, whatever happens. */
typedef int (*scenario)(void *ctx, lerr *e);

static long total_sites; /* allocation calls covered, summed over scenarios */
static long total_runs;

/* Run s with no failure (must succeed), then with each allocation failing
 * in turn. Returns the number of allocations the scenario makes. */
static long sweep(const char *name, scenario s, void *ctx)
{
    lerr e = {{0}};
    a_count = 0, a_fail = -1, a_live = 0, a_failed = 0, a_armed = 1;
    int r = s(ctx, &e);
    a_armed = 0;
    long n = a_count;
    CHECKF(r == 0, "%s: fails with no allocation failing: %s", name, e.msg);
    CHECKF(a_live == 0, "%s: %ld blocks leaked with no failure", name, a_live);
    long bad_msg = 0, leaks = 0, not_reached = 0, ok_anyway = 0;
    for (long k = 0; k < n; k++) {
        memset(&e, 0, sizeof e);
        a_count = 0, a_fail = k, a_live = 0, a_failed = 0, a_armed = 1;
        r = s(ctx, &e);
        a_armed = 0;
        total_runs++;
        if (!a_failed) not_reached++; /* the run took another path: fine, but say so */
        if (r != 0 && !strstr(e.msg, "out of memory")) {
            if (bad_msg++ < 3) fprintf(stderr, "  %s: allocation %ld failed: unclear message '%s'\n", name, k, e.msg);
        }
        if (r == 0) ok_anyway++;
        if (a_live != 0) {
            if (leaks++ < 3) fprintf(stderr, "  %s: allocation %ld failed: %ld blocks leaked (%s)\n", name, k, a_live, e.msg);
        }
    }
    CHECKF(bad_msg == 0, "%s: %ld failures without a message that says 'out of memory'", name, bad_msg);
    CHECKF(leaks == 0, "%s: %ld runs leaked", name, leaks);
    printf("# %s: %ld allocations, each failed in turn (%ld runs ended in success anyway, %ld took another path)\n",
           name, n, ok_anyway, not_reached);
    total_sites += n;
    return n;
}

/* ---- fixtures ------------------------------------------------------------------ */

static char tmpdir[64];

static const char *tmp(const char *name)
{
    static char buf[4][160];
    static int k;
    k = (k + 1) & 3;
    snprintf(buf[k], sizeof buf[k], "%s/%s", tmpdir, name);
    return buf[k];
}

/* An essay with every kind of block, in the pack's text format. */
static const char ESSAY_TEXT[] =
    "\x01" "1A heading of the first level\n"
    "The first paragraph has enough words to fill a few lines at this width, with a soft hy\xC2\xAD"
    "phen or two in ex\xC2\xAD" "traordinary words. It is justified. Then it ends.\n"
    "\x02" "\xE2\x80\xA2 A list item that goes on for a while, so that it wraps under its label.\n"
    "\x02" "2. Another item.\n"
    "\x03" "A quotation, set in italics and indented on both sides of the page, long enough to wrap.\n"
    "\x04\n"
    "\x01" "2A second heading\n"
    "The last paragraph. Short sentences. Many of them. Each one a sentence start. So the page map "
    "has something to find, and the layout something to break across pages when the page is small.\n";

static int32_t f_adv(void *ctx, int f, uint32_t cp) { (void)ctx; (void)f; return cp == 0xAD ? 0 : 640; }
static int32_t f_kern(void *ctx, int f, uint32_t l, uint32_t r) { (void)ctx; (void)f; (void)l; (void)r; return 0; }
static int32_t f_lh(void *ctx, int f) { (void)ctx; (void)f; return 1280; }
static int32_t f_asc(void *ctx, int f) { (void)ctx; (void)f; return 1024; }
static const layout_metrics M = {NULL, f_adv, f_kern, f_lh, f_asc, NULL};

typedef struct packfx {
    pack_item items[5];
    uint8_t *img;
    size_t size;
    const char *path;
} packfx;

/* ---- scenarios ------------------------------------------------------------------- */

static void first_report(void *ctx, size_t i, const char *msg)
{
    lerr *e = ctx;
    (void)i;
    /* keep the first message, or the first that says out of memory */
    if (!e->msg[0] || (strstr(msg, "out of memory") && !strstr(e->msg, "out of memory"))) lerr_set(e, "verify: %s", msg);
}

/* Open a pack file, read every entry, view the fonts, verify, close. */
static int sc_pack_file(void *ctx, lerr *e)
{
    packfx *fx = ctx;
    pack *p;
    int st = pack_open(&p, fx->path, e);
    if (st) return st;
    for (size_t i = 0; i < pack_count(p) && !st; i++) {
        uint8_t *d;
        size_t n;
        st = pack_read(p, i, &d, &n, e);
        free(d);
        if (!st && pack_entry_at(p, i)->codec == PACK_RAW) {
            const uint8_t *v;
            st = pack_view(p, i, &v, &n, e);
        }
    }
    if (!st) {
        size_t bad = pack_verify(p, first_report, e);
        if (bad) st = PACK_ENOMEM;
    }
    pack_close(p);
    return st;
}

/* A damaged pack (one byte of the first cluster changed): every entry
 * read, then verified. Success is the damage found, exactly as without
 * allocation failures: the salvage and re-check paths allocate too. */
static size_t DAMAGED_REF = (size_t)-1;
static int sc_pack_damaged(void *ctx, lerr *e)
{
    packfx *fx = ctx;
    pack *p;
    int st = pack_open(&p, fx->path, e);
    if (st) return st;
    size_t bad = 0;
    for (size_t i = 0; i < pack_count(p); i++) {
        uint8_t *d;
        size_t n;
        lerr why;
        st = pack_read(p, i, &d, &n, &why);
        free(d);
        if (st == PACK_ENOMEM) {
            lerr_set(e, "%s", why.msg);
            pack_close(p);
            return st;
        }
        bad += st != PACK_OK;
    }
    lerr why = {{0}};
    size_t vbad = pack_verify(p, first_report, &why);
    pack_close(p);
    if (strstr(why.msg, "out of memory")) {
        lerr_set(e, "%s", why.msg);
        return PACK_ENOMEM;
    }
    if (DAMAGED_REF == (size_t)-1) DAMAGED_REF = bad * 1000 + vbad;
    if (bad * 1000 + vbad != DAMAGED_REF || bad == 0) {
        lerr_set(e, "damage found differs: %zu read failures, %zu by verify", bad, vbad);
        return -1;
    }
    return 0;
}

/* The same from memory, reading the essays in reverse (cache misses). */
static int sc_pack_mem(void *ctx, lerr *e)
{
    packfx *fx = ctx;
    pack *p;
    int st = pack_open_mem(&p, fx->img, fx->size, e);
    if (st) return st;
    for (size_t k = pack_essays(p); k >= 1 && !st; k--) {
        uint8_t *d;
        size_t n;
        st = pack_read(p, pack_essay_index(p, k), &d, &n, e);
        free(d);
    }
    pack_close(p);
    return st;
}

static int sc_pack_build(void *ctx, lerr *e)
{
    packfx *fx = ctx;
    pack_write_opts o = {256, NULL, NULL}; /* small clusters: several blocks */
    uint8_t *img;
    size_t size;
    if (pack_build(fx->items, 5, &o, &img, &size, e)) return -1;
    int same = size == fx->size && memcmp(img, fx->img, size) == 0;
    free(img);
    if (!same) {
        lerr_set(e, "pack_build gave different bytes");
        return -1;
    }
    return 0;
}

static int sc_pack_write(void *ctx, lerr *e)
{
    packfx *fx = ctx;
    pack_write_opts o = {256, NULL, NULL};
    return pack_write(tmp("written.lpk"), fx->items, 5, &o, e);
}

static int sc_essay(void *ctx, lerr *e)
{
    (void)ctx;
    essay es;
    if (essay_parse((const uint8_t *)ESSAY_TEXT, sizeof ESSAY_TEXT - 1, &es, e)) return -1;
    int ok = es.nblocks == 8;
    essay_free(&es);
    if (!ok) {
        lerr_set(e, "wrong number of blocks");
        return -1;
    }
    return 0;
}

/* What layout must give, allocation failures or not (its caches may go
 * without memory: slower, never different). */
static layout_result REF;
static const layout_params LP = {30 * 640, 6 * 1280, 320, 1280, 1, LAYOUT_EXPAND_MAX, 1};

static int same_layout(const layout_result *r)
{
    return r->nlines == REF.nlines && r->npages == REF.npages &&
           memcmp(r->lines, REF.lines, r->nlines * sizeof *r->lines) == 0 &&
           memcmp(r->pages, REF.pages, r->npages * sizeof *r->pages) == 0;
}

static int sc_layout(void *ctx, lerr *e)
{
    const essay *es = ctx;
    layout_result r;
    if (layout_essay(es, &M, &LP, &r, e)) return -1;
    int ok = same_layout(&r);
    layout_free(&r);
    if (!ok) {
        lerr_set(e, "a different layout");
        return -1;
    }
    return 0;
}

static layout_params LP2;
static int sc_layout2(void *ctx, lerr *e)
{
    const essay *es = ctx;
    layout_result r;
    if (layout_essay(es, &M, &LP2, &r, e)) return -1;
    int ok = same_layout(&r);
    layout_free(&r);
    if (!ok) {
        lerr_set(e, "a different layout");
        return -1;
    }
    return 0;
}

static int sc_layout_cache(void *ctx, lerr *e)
{
    const essay *es = ctx;
    layout_cache *c = layout_cache_new(2);
    if (!c) {
        lerr_set(e, "layout_cache_new: out of memory");
        return -1;
    }
    int rc = 0;
    for (int32_t px = 16; px <= 20 && !rc; px += 2) {
        layout_key k = {1, px, LP};
        const layout_result *r = layout_cache_get(c, &k, es, &M, e);
        if (!r) rc = -1;
        else if (!same_layout(r)) {
            lerr_set(e, "a different layout from the cache");
            rc = -1;
        }
    }
    layout_cache_free(c);
    return rc;
}

/* Open the state kept in a directory, set positions, save, close, open it
 * again and check one. */
static int sc_state(void *ctx, lerr *e)
{
    (void)ctx;
    const char *dir = tmp("state");
    unlink(tmp("state/state"));
    state *s;
    int r = state_open(&s, dir, 1, e);
    if (r < 0) return r;
    if (r) {
        state_close(s);
        return r; /* fresh directory: no note expected */
    }
    for (uint32_t k = 1; k <= 40 && !r; k++) r = state_set(s, k * 3, k * 0x9E3779B97F4A7C15ull, k * 10);
    if (r) {
        lerr_set(e, "state_set: out of memory");
        state_close(s);
        return r;
    }
    r = state_save(s, e);
    state_close(s);
    if (r) return r;
    r = state_open(&s, dir, 1, e);
    if (r) {
        state_close(s);
        return r ? r : -1;
    }
    uint32_t off = 0;
    int ok = state_get(s, 30, 10 * 0x9E3779B97F4A7C15ull, &off) && off == 100;
    state_close(s);
    if (!ok) {
        lerr_set(e, "position not kept");
        return -1;
    }
    return 0;
}

/* ---- tests ---------------------------------------------------------------------- */

static packfx FX;
static uint8_t *texts[5];

static void packfx_init(void)
{
    static const char *titles[] = {"One", "Two", "Three", "Charis SIL Regular", "Charis SIL Bold"};
    for (int i = 0; i < 5; i++) {
        size_t n = i < 3 ? sizeof ESSAY_TEXT - 1 : 3000;
        texts[i] = malloc(n);
        if (i < 3) memcpy(texts[i], ESSAY_TEXT, n);
        else for (size_t k = 0; k < n; k++) texts[i][k] = (uint8_t)(k * 7 + (size_t)i);
        FX.items[i] = (pack_item){i < 3 ? PACK_ESSAY : PACK_FONT, i == 4 ? PACK_FONT_BOLD : 0, i < 3 ? 60 : 0,
                                  texts[i], n, titles[i], i == 1 ? "By Someone" : "", i < 3 ? "en-US" : ""};
    }
    pack_write_opts o = {256, NULL, NULL};
    lerr e;
    if (pack_build(FX.items, 5, &o, &FX.img, &FX.size, &e)) {
        fprintf(stderr, "pack_build: %s\n", e.msg);
        exit(1);
    }
    FX.path = tmp("fixture.lpk");
    FILE *f = fopen(FX.path, "wb");
    if (!f || fwrite(FX.img, 1, FX.size, f) != FX.size || fclose(f) != 0) {
        perror(FX.path);
        exit(1);
    }
}

TEST(alloc_pack_open_read_verify) { CHECK(sweep("pack_open+read+view+verify", sc_pack_file, &FX) > 10); }
/* The default pack: real fonts, real essays. */
TEST(alloc_default_pack)
{
    packfx d = {0};
    d.path = t_build("default.lpk");
    CHECK(sweep("pack_open+read+view+verify (default pack)", sc_pack_file, &d) > 10);
    pack *p;
    lerr e;
    uint8_t *text;
    size_t n;
    essay es;
    CHECK(pack_open(&p, d.path, &e) == 0 && pack_read(p, pack_essay_index(p, 1), &text, &n, &e) == 0);
    pack_close(p);
    CHECK(essay_parse(text, n, &es, &e) == 0);
    layout_params lp = {700 * 64, 400 * 64, 640, 1280, 1, LAYOUT_EXPAND_MAX, 1};
    CHECK(layout_essay(&es, &M, &lp, &REF, &e) == 0);
    LP2 = lp;
    CHECK(sweep("layout_essay (default essay 1)", sc_layout2, &es) > 5);
    layout_free(&REF);
    essay_free(&es);
    free(text);
}

TEST(alloc_pack_damaged)
{
    packfx d = FX;
    uint8_t *img = malloc(FX.size);
    memcpy(img, FX.img, FX.size);
    pack *p;
    lerr e;
    CHECK(pack_open_mem(&p, img, FX.size, &e) == 0);
    const pack_entry *en = pack_entry_at(p, 0);
    img[en->block_offset + en->block_stored / 2] ^= 0x55; /* damage inside essay 1's cluster */
    pack_close(p);
    d.path = tmp("damaged.lpk");
    FILE *f = fopen(d.path, "wb");
    CHECK(f && fwrite(img, 1, FX.size, f) == FX.size && fclose(f) == 0);
    free(img);
    CHECK(sweep("damaged pack: read every entry + verify", sc_pack_damaged, &d) > 10);
}

TEST(alloc_pack_open_mem) { CHECK(sweep("pack_open_mem+read", sc_pack_mem, &FX) > 5); }
TEST(alloc_pack_build) { CHECK(sweep("pack_build", sc_pack_build, &FX) > 5); }
TEST(alloc_pack_write) { CHECK(sweep("pack_write", sc_pack_write, &FX) > 5); }
TEST(alloc_essay_parse) { CHECK(sweep("essay_parse", sc_essay, NULL) >= 1); }

TEST(alloc_layout)
{
    essay es;
    lerr e;
    CHECK(essay_parse((const uint8_t *)ESSAY_TEXT, sizeof ESSAY_TEXT - 1, &es, &e) == 0);
    CHECK(layout_essay(&es, &M, &LP, &REF, &e) == 0 && REF.npages > 1);
    CHECK(sweep("layout_essay", sc_layout, &es) > 5);
    CHECK(sweep("layout_cache_get", sc_layout_cache, &es) > 5);
    layout_free(&REF);
    essay_free(&es);
}

/* A mixed Hebrew, Arabic and English paragraph: analysed, then two lines
 * and the whole reordered through one line buffer. */
static int sc_bidi(void *ctx, lerr *e)
{
    (void)ctx;
    const char *t = "I said \xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D to her, \xD9\x81\xD9\x8A "
                    "\xD8\xB9\xD8\xA7\xD9\x85 2024 (\xD7\xA2\xD7\x95\xD7\x9C\xD7\x9D) end";
    uint32_t n = (uint32_t)strlen(t);
    text_bidi_para p;
    text_bidi_line ln = {0};
    if (text_bidi_analyse((const uint8_t *)t, n, TEXT_BIDI_AUTO, &p, e)) return -1;
    int rc = text_bidi_reorder(&p, 0, 15, &ln, e) || text_bidi_reorder(&p, 16, 40, &ln, e) ||
                     text_bidi_reorder(&p, 0, n, &ln, e)
                 ? -1
                 : 0;
    text_bidi_line_free(&ln);
    text_bidi_free(&p);
    return rc;
}

/* Line breaks of a mixed English, Thai and Japanese paragraph, with a
 * language run: the breaker made, used, freed. */
static int sc_break(void *ctx, lerr *e)
{
    (void)ctx;
    const char *t = "A line with \xE0\xB8\xA0\xE0\xB8\xB2\xE0\xB8\xA9\xE0\xB8\xB2\xE0\xB9\x84\xE0\xB8\x97"
                    "\xE0\xB8\xA2 and \xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E\xE3\x80\x82 end";
    size_t n = strlen(t);
    text_breaker *b;
    if (text_breaker_new(&b, e)) return -1;
    uint8_t *brk = malloc(n);
    text_lang_run run = {30, (uint32_t)n, "ja", 2};
    int rc = brk ? text_line_breaks(b, (const uint8_t *)t, n, "en", &run, 1, 0, brk, e) : -1;
    if (!brk) lerr_set(e, "out of memory");
    free(brk);
    text_breaker_free(b);
    return rc;
}

TEST(alloc_break) { CHECK(sweep("text_breaker_new+text_line_breaks", sc_break, NULL) >= 2); }

TEST(alloc_bidi) { CHECK(sweep("text_bidi_analyse+reorder", sc_bidi, NULL) >= 2); }

TEST(alloc_state)
{
    CHECK(mkdir(tmp("state"), 0755) == 0);
    CHECK(sweep("state open+set+save+reopen", sc_state, NULL) > 5);
}

int main(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/lectern-test-alloc-XXXXXX");
    if (!mkdtemp(tmpdir)) { perror("mkdtemp"); return 1; }
    packfx_init();
    RUN(alloc_pack_open_read_verify);
    RUN(alloc_pack_open_mem);
    RUN(alloc_default_pack);
    RUN(alloc_pack_damaged);
    RUN(alloc_pack_build);
    RUN(alloc_pack_write);
    RUN(alloc_essay_parse);
    RUN(alloc_layout);
    RUN(alloc_state);
    RUN(alloc_bidi);
    RUN(alloc_break);
    printf("# allocation sweep: %zu distinct allocating call sites, %ld allocations (N values) covered, "
           "%ld runs with one failing\n", a_nsites, total_sites, total_runs);
    for (int i = 0; i < 5; i++) free(texts[i]);
    free(FX.img);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", tmpdir);
    return T_END();
}

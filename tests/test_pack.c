/* test_pack.c - the pack writer and reader against each other, and the
 * reader against damage: every truncation length, bit flips over header,
 * directory, essays and fonts, and the default pack that `make` built. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_SFNT_NAMES_H

#include <lz4hc.h>

#include "packer.h"
#include "pack.h"
#include "pack_sign.h"
#include "pack_write.h"
#include "t.h"

/* A deterministic pseudo-random generator, so failures reproduce. */
static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* Essay-like text of n bytes, different per seed. */
static uint8_t *make_text(size_t n, unsigned seed)
{
    static const char *words[] = {"the", "reader", "lectern", "kiosk", "page", "turns", "quietly", "and",
                                  "museum", "visitors", "read", "essays", "on", "a", "small", "screen"};
    uint8_t *s = malloc(n + 16);
    size_t i = 0;
    uint64_t r = seed * 2654435761u + 1;
    while (i < n) {
        r = r * 6364136223846793005ull + 1442695040888963407ull;
        const char *w = words[(r >> 33) % 16];
        size_t k = strlen(w);
        memcpy(s + i, w, k);
        i += k;
        s[i++] = (r >> 40) % 9 == 0 ? '\n' : ' ';
    }
    s[n - 1] = '\n';
    return s;
}

typedef struct fixture {
    pack_item items[8];
    uint8_t *texts[8];
    size_t n;
} fixture;

/* Four essays and two fake "fonts" (the pack does not parse fonts). */
static void fixture_init(fixture *f)
{
    static const char *titles[] = {"First essay", "Second", "Third, longer", "Fourth", "Charis SIL Regular",
                                   "Charis SIL Bold"};
    size_t sizes[] = {3000, 5000, 40000, 1200, 20000, 9000};
    memset(f, 0, sizeof *f);
    for (size_t i = 0; i < 6; i++) {
        f->texts[i] = make_text(sizes[i], (unsigned)i + 1);
        f->items[i] = (pack_item){i < 4 ? PACK_ESSAY : PACK_FONT, i == 5 ? PACK_FONT_BOLD : 0,
                                  i < 4 ? (uint32_t)(sizes[i] / 6) : 0, f->texts[i], sizes[i], titles[i],
                                  i == 1 ? "By Someone" : "", i < 4 ? "en-US" : ""};
    }
    f->n = 6;
}

static void fixture_free(fixture *f)
{
    for (size_t i = 0; i < f->n; i++) free(f->texts[i]);
}

static uint8_t *build(const fixture *f, uint32_t cluster, size_t *size)
{
    pack_write_opts o = {cluster, NULL, NULL};
    uint8_t *img = NULL;
    lerr e;
    if (pack_build(f->items, f->n, &o, &img, size, &e)) {
        fprintf(stderr, "  pack_build: %s\n", e.msg);
        return NULL;
    }
    return img;
}

TEST(round_trip)
{
    fixture f;
    fixture_init(&f);
    uint32_t clusters[] = {0, 4096, PACK_CLUSTER_DEFAULT};
    for (size_t c = 0; c < 3; c++) {
        size_t size;
        uint8_t *img = build(&f, clusters[c], &size);
        CHECK(img != NULL);
        if (!img) continue;
        pack *p;
        lerr e;
        CHECKF(pack_open_mem(&p, img, size, &e) == PACK_OK, "%s", e.msg);
        CHECK(pack_count(p) == 6);
        CHECK(pack_essays(p) == 4);
        for (size_t n = 1; n <= 4; n++) {
            size_t i = pack_essay_index(p, n);
            CHECK(i == n - 1);
            const pack_entry *en = pack_entry_at(p, i);
            CHECK(en->kind == PACK_ESSAY && en->words == f.items[i].words);
            CHECK(en->title_len == strlen(f.items[i].title) && !memcmp(en->title, f.items[i].title, en->title_len));
            uint8_t *d;
            size_t n2;
            CHECKF(pack_read(p, i, &d, &n2, &e) == PACK_OK, "%s", e.msg);
            CHECK(n2 == f.items[i].size && !memcmp(d, f.items[i].data, n2));
            free(d);
        }
        CHECK(pack_essay_index(p, 0) == (size_t)-1 && pack_essay_index(p, 5) == (size_t)-1);
        const uint8_t *v;
        size_t vn;
        CHECK(pack_view(p, 5, &v, &vn, &e) == PACK_OK && vn == 9000 && !memcmp(v, f.texts[5], vn));
        CHECK(pack_entry_at(p, 5)->flags == PACK_FONT_BOLD);
        CHECK(pack_view(p, 0, &v, &vn, &e) == PACK_ERANGE);
        CHECK(pack_verify(p, NULL, NULL) == 0);
        pack_close(p);
        free(img);
    }
    fixture_free(&f);
}

TEST(clusters_share_blocks)
{
    fixture f;
    fixture_init(&f);
    size_t s0, s1;
    uint8_t *a = build(&f, 0, &s0), *b = build(&f, 10000, &s1);
    pack *pa, *pb;
    CHECK(pack_open_mem(&pa, a, s0, NULL) == 0 && pack_open_mem(&pb, b, s1, NULL) == 0);
    /* no clusters: four essay blocks; 10,000-byte clusters: essays 1 and 2
     * (3000 + 5000 bytes) share one, essay 3 (40,000) is alone, and essay 4
     * (1200) does not join it */
    CHECK(pack_entry_at(pa, 0)->block_offset != pack_entry_at(pa, 1)->block_offset);
    CHECK(pack_entry_at(pb, 0)->block_offset == pack_entry_at(pb, 1)->block_offset);
    CHECK(pack_entry_at(pb, 1)->offset == 3000);
    CHECK(pack_entry_at(pb, 2)->block_offset != pack_entry_at(pb, 1)->block_offset);
    CHECK(pack_entry_at(pb, 2)->offset == 0 && pack_entry_at(pb, 2)->size == pack_entry_at(pb, 2)->block_size);
    CHECK(pack_entry_at(pb, 3)->block_offset != pack_entry_at(pb, 2)->block_offset);
    /* sharing a window makes the essays smaller */
    CHECKF(s1 < s0, "clustered %zu vs %zu", s1, s0);
    pack_close(pa);
    pack_close(pb);
    free(a);
    free(b);
    fixture_free(&f);
}

TEST(deterministic)
{
    fixture f;
    fixture_init(&f);
    size_t s0, s1;
    uint8_t *a = build(&f, PACK_CLUSTER_DEFAULT, &s0), *b = build(&f, PACK_CLUSTER_DEFAULT, &s1);
    CHECK(a && b && s0 == s1 && !memcmp(a, b, s0));
    free(a);
    free(b);
    fixture_free(&f);
}

TEST(empty_essay_and_bad_items)
{
    pack_item it[2] = {{PACK_ESSAY, 0, 0, (const uint8_t *)"", 0, "Empty", "", "en-US"},
                       {PACK_ESSAY, 0, 1, (const uint8_t *)"word\n", 5, "One word", "", "en-US"}};
    uint8_t *img;
    size_t size;
    lerr e;
    CHECKF(pack_build(it, 2, NULL, &img, &size, &e) == 0, "%s", e.msg);
    pack *p;
    CHECK(pack_open_mem(&p, img, size, &e) == 0);
    uint8_t *d;
    size_t n;
    CHECK(pack_read(p, 0, &d, &n, &e) == 0 && n == 0);
    free(d);
    CHECK(pack_read(p, 1, &d, &n, &e) == 0 && n == 5 && !memcmp(d, "word\n", 5));
    free(d);
    pack_close(p);
    free(img);
    pack_item untitled = {PACK_ESSAY, 0, 1, (const uint8_t *)"x\n", 2, "", "", ""};
    CHECK(pack_build(&untitled, 1, NULL, &img, &size, &e) != 0 && strstr(e.msg, "title"));
}

/* Atomic write: a failed write leaves nothing at the path; a good one
 * replaces the old file whole and leaves no temporary file beside it. */
TEST(write_is_atomic)
{
    char dir[] = "/tmp/lectern-test-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[256], cmd[512];
    snprintf(path, sizeof path, "%s/out.lpk", dir);
    fixture f;
    fixture_init(&f);
    lerr e;
    CHECKF(pack_write(path, f.items, f.n, NULL, &e) == 0, "%s", e.msg);
    pack *p;
    CHECK(pack_open(&p, path, &e) == 0);
    pack_close(p);
    /* a bad item makes the second write fail: the first pack stays intact */
    pack_item bad = f.items[0];
    bad.title = "";
    CHECK(pack_write(path, &bad, 1, NULL, &e) != 0);
    CHECK(pack_open(&p, path, &e) == 0 && pack_count(p) == 6);
    pack_close(p);
    /* into a directory that does not exist: fails, names the file */
    char nodir[300];
    snprintf(nodir, sizeof nodir, "%s/missing/out.lpk", dir);
    CHECK(pack_write(nodir, f.items, f.n, NULL, &e) != 0 && strstr(e.msg, "missing/out.lpk"));
    snprintf(cmd, sizeof cmd, "test $(ls -A %s | wc -l) -eq 1", dir);
    CHECKF(system(cmd) == 0, "temporary files left in %s", dir);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK(system(cmd) == 0);
    fixture_free(&f);
}

/* Open bytes exactly `len` long in a buffer of exactly that size, so that
 * ASan sees any read past the end. */
static int open_exact(const uint8_t *img, size_t len, pack **p, lerr *e)
{
    uint8_t *copy = malloc(len ? len : 1);
    memcpy(copy, img, len);
    int st = pack_open_mem(p, copy, len, e);
    if (st == 0) {
        pack_verify(*p, NULL, NULL);
        pack_close(*p);
    }
    free(copy);
    return st;
}

TEST(every_truncation_rejected)
{
    fixture f;
    fixture_init(&f);
    size_t size;
    uint8_t *img = build(&f, PACK_CLUSTER_DEFAULT, &size);
    size_t rejected = 0;
    for (size_t len = 0; len < size; len++) {
        pack *p;
        lerr e;
        if (open_exact(img, len, &p, &e) != 0 && e.msg[0]) rejected++;
    }
    CHECKF(rejected == size, "%zu of %zu truncations rejected", rejected, size);
    free(img);
    fixture_free(&f);
}

/* Flip one bit; return 1 when open or verify reports damage, and check the
 * entry named is the one hit (for flips in data blocks). */
static int flip_detected(uint8_t *img, size_t size, size_t bit, int *named_right)
{
    img[bit >> 3] ^= (uint8_t)(1 << (bit & 7));
    pack *p;
    lerr e;
    int detected = 0;
    *named_right = 1;
    if (pack_open_mem(&p, img, size, &e) != 0) {
        detected = e.msg[0] != 0;
    } else {
        size_t byte = bit >> 3;
        for (size_t i = 0; i < pack_count(p); i++) {
            uint8_t *d;
            size_t n;
            const pack_entry *en = pack_entry_at(p, i);
            int in_block = byte >= en->block_offset && byte < en->block_offset + en->block_stored;
            /* a codec 2 block is decoded with entry 0's block as its
             * dictionary (pack_format.md): damage there is its damage too */
            const pack_entry *e0 = pack_entry_at(p, 0);
            int in_dict = en->codec == PACK_LZ4_DICT && byte >= e0->block_offset &&
                          byte < e0->block_offset + e0->block_stored;
            int st = pack_read(p, i, &d, &n, &e);
            free(d);
            /* verify must call the hit block damaged ... */
            if (in_block) detected = 1;
            /* ... and reading an entry of another block must still work,
             * or fail as damaged, naming that dictionary block */
            if (!in_block && !in_dict && st != PACK_OK) *named_right = 0;
            if (in_dict && st != PACK_OK && (st != PACK_EDAMAGED || !strstr(e.msg, "dictionary"))) *named_right = 0;
        }
        detected = detected && pack_verify(p, NULL, NULL) > 0;
        pack_close(p);
    }
    img[bit >> 3] ^= (uint8_t)(1 << (bit & 7));
    return detected;
}

TEST(bit_flips_rejected)
{
    fixture f;
    fixture_init(&f);
    size_t size;
    uint8_t *img = build(&f, 0, &size);
    size_t flips = 0, detected = 0, isolated = 0;
    /* every bit of the header and of the last 1200 bytes (the directory and
     * a little data), and one bit in twelve elsewhere */
    for (size_t bit = 0; bit < size * 8; bit++) {
        size_t byte = bit >> 3;
        int meta = byte < PACK_HEADER_SIZE || byte >= size - 1200;
        if (!meta && rng() % 12 != 0) continue;
        int right;
        flips++;
        detected += flip_detected(img, size, bit, &right);
        isolated += right;
    }
    CHECKF(flips > 9000, "only %zu flips", flips);
    CHECKF(detected == flips, "%zu of %zu flips detected", detected, flips);
    CHECKF(isolated == flips, "%zu of %zu flips left other blocks readable", isolated, flips);
    free(img);
    fixture_free(&f);
}

/* In a cluster, damage late in the block leaves the essays before it
 * readable: LZ4 output is sequential and each essay has its own checksum. */
TEST(cluster_salvage)
{
    fixture f;
    fixture_init(&f);
    size_t size;
    uint8_t *img = build(&f, PACK_CLUSTER_DEFAULT, &size);
    pack *p;
    CHECK(pack_open_mem(&p, img, size, NULL) == 0);
    /* all four essays (49,200 bytes) share one block */
    const pack_entry *en = pack_entry_at(p, 3);
    CHECK(en->block_offset == pack_entry_at(p, 0)->block_offset);
    uint64_t last = en->block_offset + en->block_stored - 1;
    pack_close(p);
    img[last] ^= 0x20; /* LZ4 ends every block with literals: essay 4's */
    lerr e;
    CHECK(pack_open_mem(&p, img, size, &e) == 0);
    uint8_t *d;
    size_t n;
    for (size_t i = 0; i < 3; i++) {
        CHECKF(pack_read(p, i, &d, &n, &e) == PACK_OK, "essay %zu: %s", i + 1, e.msg);
        free(d);
    }
    CHECK(pack_read(p, 3, &d, &n, &e) == PACK_EDAMAGED);
    CHECKF(strstr(e.msg, "essay 4 'Fourth' is damaged") != NULL, "%s", e.msg);
    free(d);
    /* verify counts all four: the cluster itself is damaged */
    CHECK(pack_verify(p, NULL, NULL) == 4);
    pack_close(p);
    free(img);
    fixture_free(&f);
}

/* Hand-made headers: each field's rule is enforced, with its name. */
static void reseal(uint8_t *img, size_t size)
{
    uint64_t dir = le64(img + 24);
    put64(img + 40, lx_hash(img + dir, size - dir));
    put64(img + 56, lx_hash(img, 56));
}

TEST(header_fields_checked)
{
    fixture f;
    fixture_init(&f);
    size_t size;
    uint8_t *img = build(&f, PACK_CLUSTER_DEFAULT, &size);
    struct {
        size_t at;
        uint8_t val;
        const char *says;
    } cases[] = {{8, 1, "version 4"}, {8, 254, "rebuild the pack with this version's lectern-pack"}, {12, 65, "header_size"}, {16, 1, "truncated"},
                 {24, 1, "directory"}, {38, 1, "entries do not fit"}, {48, 1, "reserved"}};
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        uint8_t *m = malloc(size);
        memcpy(m, img, size);
        m[cases[c].at] = (uint8_t)(m[cases[c].at] + cases[c].val);
        reseal(m, size);
        pack *p;
        lerr e = {{0}};
        int st = pack_open_mem(&p, m, size, &e);
        CHECKF(st == PACK_EDAMAGED && strstr(e.msg, cases[c].says), "case %zu: %s", c, e.msg);
        if (st == 0) pack_close(p);
        free(m);
    }
    /* entry fields: kind, codec, reserved, a string out of the table */
    uint64_t dir = le64(img + 24);
    size_t fields[] = {0, 1, 3, 76, 54, 14};
    const char *says[] = {"unknown kind", "unknown codec", "flags", "reserved", "string table", "outside"};
    for (size_t c = 0; c < 6; c++) {
        uint8_t *m = malloc(size);
        memcpy(m, img, size);
        m[dir + PACK_ENTRY_SIZE + fields[c]] ^= 0x40;
        reseal(m, size);
        pack *p;
        lerr e = {{0}};
        int st = pack_open_mem(&p, m, size, &e);
        CHECKF(st == PACK_EDAMAGED && strstr(e.msg, says[c]) && strstr(e.msg, "directory entry 1"),
               "field %zu: %s", fields[c], e.msg);
        if (st == 0) pack_close(p);
        free(m);
    }
    free(img);
    fixture_free(&f);
}

/* ---- 3.0: compact essays (varint spans), soft hyphens kept, and the shared
 * dictionary ---------------------------------------------------------------- */

/* One span record of a 2.0 style section. */
static void span16(uint8_t *r, uint32_t block, uint32_t start, uint32_t len, uint8_t style, uint8_t lang,
                   uint16_t script)
{
    put32(r, block);
    put32(r + 4, start);
    put32(r + 8, len);
    r[12] = style;
    r[13] = lang;
    put16(r + 14, script);
}

/* Build a pack of the given essays (cluster size c) and read each back:
 * the bytes must be the ones given, whatever the stored form. */
static int essays_round_trip(const uint8_t *const *texts, const size_t *sizes, size_t n, uint32_t c,
                             unsigned *flags_seen)
{
    pack_item items[8];
    static const char *titles[] = {"A", "B", "C", "D", "E", "F", "G", "H"};
    for (size_t i = 0; i < n; i++) items[i] = (pack_item){PACK_ESSAY, 0, 1, texts[i], sizes[i], titles[i], "", "en-US"};
    pack_write_opts o = {c, NULL, NULL};
    uint8_t *img;
    size_t size;
    lerr e;
    *flags_seen = 0;
    if (pack_build(items, n, &o, &img, &size, &e)) {
        fprintf(stderr, "  pack_build: %s\n", e.msg);
        return 0;
    }
    pack *p;
    int ok = pack_open_mem(&p, img, size, &e) == PACK_OK;

    for (size_t i = 0; ok && i < n; i++) {
        uint8_t *d;
        size_t dn;
        const pack_entry *en = pack_entry_at(p, i);
        *flags_seen |= en->flags;
        ok = pack_read(p, i, &d, &dn, &e) == PACK_OK && dn == sizes[i] && en->full_size == sizes[i] &&
             (!dn || !memcmp(d, texts[i], dn));
        if (!ok) fprintf(stderr, "  essay %zu: %s\n", i + 1, e.msg);
        free(d);
    }
    if (ok) ok = pack_verify(p, NULL, NULL) == 0;
    pack_close(p);
    free(img);
    return ok;
}

TEST(soft_hyphens_round_trip)
{
    /* hyphenation points at the start of the text, at the end of a line,
     * two in a row, beside multi-byte characters (and 中, whose last byte
     * is 0xAD), in a heading and a list item: the reader gets back every
     * byte, in a cluster or in blocks of their own (codec 2) */
    static const char t0[] = "\xC2\xAD" "ab\xC2\xAD" "cd\xC2\xAD\n"
                             "\x01" "1Hy\xC2\xAD" "phen\n"
                             "\x02\xE2\x80\xA2 it\xC2\xAD\xC2\xAD" "em\n"
                             "na\xC3\xAF\xC2\xAD" "ve\xC2\xAD\xE2\x80\x94" "dash \xE4\xB8\xAD\xC2\xAD\xE6\x96\x87\n";
    static const char t1[] = "plain text without hyphenation points\n";
    static const char t2[] = "a style section too short for its header: co\xC2\xAD" "py\n\0\x01\x00";
    /* text with hyphens, then a style section: two spans in block 0 (one
     * after the other), one in block 2 with a language and a script; a
     * language list of one tag */
    uint8_t t3[256];
    size_t n3 = 0;
    static const char body[] = "Styl\xC2\xAD" "ed words here\nsecond\nthird block\xC2\xAD" "s\n";
    memcpy(t3, body, sizeof body - 1);
    n3 = sizeof body - 1;
    t3[n3++] = 0;
    put32(t3 + n3, 3);
    put16(t3 + n3 + 4, 1);
    put16(t3 + n3 + 6, 0);
    n3 += 8;
    span16(t3 + n3, 0, 0, 7, 1, 0, 0);
    span16(t3 + n3 + 16, 0, 8, 5, 2, 0, 0);
    span16(t3 + n3 + 32, 2, 0, 5, 0, 1, 215);
    n3 += 48;
    t3[n3++] = 2;
    memcpy(t3 + n3, "fr", 2);
    n3 += 2;
    const uint8_t *texts[] = {(const uint8_t *)t0, (const uint8_t *)t1, (const uint8_t *)t2, t3};
    size_t sizes[] = {sizeof t0 - 1, sizeof t1 - 1, sizeof t2 - 1, n3};
    unsigned seen = 0;
    for (uint32_t c = 0; c <= PACK_CLUSTER_DEFAULT; c += PACK_CLUSTER_DEFAULT) {
        CHECKF(essays_round_trip(texts, sizes, 4, c, &seen), "cluster %u", c);
        CHECKF(seen == PACK_ESSAY_VSPANS, "flags 0x%x", seen);
    }
    /* each compact form is used where it applies, and only there */
    pack_item items[4];
    for (size_t i = 0; i < 4; i++) items[i] = (pack_item){PACK_ESSAY, 0, 1, texts[i], sizes[i], "T", "", ""};
    uint8_t *img;
    size_t size;
    lerr e;
    CHECK(pack_build(items, 4, NULL, &img, &size, &e) == 0);
    pack *p;
    CHECK(pack_open_mem(&p, img, size, &e) == PACK_OK);
    CHECK(pack_entry_at(p, 0)->flags == 0 && pack_entry_at(p, 0)->size == sizes[0]);
    CHECK(pack_entry_at(p, 1)->flags == 0 && pack_entry_at(p, 1)->size == sizes[1]);
    CHECK(pack_entry_at(p, 2)->flags == 0 && pack_entry_at(p, 2)->size == sizes[2]); /* no shape for varints */
    CHECK(pack_entry_at(p, 3)->flags == PACK_ESSAY_VSPANS);
    /* the header (8 bytes to 2), the spans (48 to 19) */
    CHECKF(pack_entry_at(p, 3)->size == sizes[3] - 35, "%u of %zu", pack_entry_at(p, 3)->size, sizes[3]);
    pack_close(p);
    free(img);
}

/* The expansion refuses every malformed stored essay with the byte offset,
 * and never writes past the size it was given. */
TEST(bad_stored_essays_refused)
{
    struct {
        const char *s;
        size_t n;
        unsigned flags;
        size_t full;
        const char *says;
    } cases[] = {
        {"a\n\0\x00\x00", 5, PACK_ESSAY_VSPANS, 10, "byte 3 of its stored text: 0 spans do not fit"},
        {"a\n\0\x00\x00", 5, PACK_ESSAY_VSPANS, 12, "expands to 11 bytes, but its entry says 12"},
        {"a\n\0\x00\x00" "fr", 7, PACK_ESSAY_VSPANS, 12, "expands to more than the 12 bytes"},
        {"ab\n", 3, 0, 2, "expands to more than the 2 bytes"},
        {"a\n\0\x80\x80\x80\x80\x80", 8, PACK_ESSAY_VSPANS, 40, "byte 3 of its stored text: bad span or language count"},
        {"a\n\0\x01\x00", 5, PACK_ESSAY_VSPANS, 27, "byte 3 of its stored text: 1 spans do not fit"},
        {"a\n\0\x01\x00\x00\x00\x01\x01\x00\x80", 11, PACK_ESSAY_VSPANS, 27, "byte 5 of its stored text: span 0 is cut short"},
        {"a\n\0\x01\x00\x00\x00\x01\x01\x00\x80\x80\x04", 13, PACK_ESSAY_VSPANS, 27, "span 0 is cut short or has a bad number"},
        {"a\n\0\x01\x00\x00\xFF\xFF\xFF\xFF\x0F\x02\x01\x00\x00", 15, PACK_ESSAY_VSPANS, 27, "span 0 lies past 4 GiB"},
        {"a\n\0\x02\x00", 5, PACK_ESSAY_VSPANS, 11, "2 spans do not fit"},
    };
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        uint8_t out[64];
        memset(out, 0xEE, sizeof out);
        lerr e = {{0}};
        int r = pack_essay_expand((const uint8_t *)cases[c].s, cases[c].n, cases[c].flags, out, cases[c].full, &e);
        CHECKF(r == -1 && strstr(e.msg, cases[c].says), "case %zu: %d %s", c, r, e.msg);
        for (size_t k = cases[c].full; k < sizeof out; k++)
            if (out[k] != 0xEE) {
                CHECKF(0, "case %zu: wrote byte %zu past %zu", c, k, cases[c].full);
                break;
            }
    }
    /* and well-formed ones: the text is copied, soft hyphens and all */
    uint8_t out[64];
    lerr e;
    CHECK(pack_essay_expand((const uint8_t *)"\xC2\xAD" "ab\xC2\xAD\n", 7, PACK_ESSAY_VSPANS, out, 7, &e) == 0);
    CHECK(!memcmp(out, "\xC2\xAD" "ab\xC2\xAD\n", 7));
    /* a span starts from the end of the one before it in the same block */
    CHECKF(pack_essay_expand((const uint8_t *)"ab cd\n\0\x02\x00\x00\x00\x02\x01\x00\x00\x00\x01\x02\x02\x00\x00", 21,
                             PACK_ESSAY_VSPANS, out, 7 + 8 + 32, &e) == 0, "%s", e.msg);
    CHECK(!memcmp(out, "ab cd\n\0", 7) && le32(out + 7) == 2 && le16(out + 11) == 0 && le16(out + 13) == 0);
    CHECK(le32(out + 15) == 0 && le32(out + 19) == 0 && le32(out + 23) == 2 && out[27] == 1);
    CHECK(le32(out + 31) == 0 && le32(out + 35) == 3 && le32(out + 39) == 2 && out[43] == 2);
}

/* Damage the reader finds only after decoding: a compact essay whose
 * style section is malformed (bytes sealed with good checksums) is refused,
 * naming the essay and the byte. */
TEST(bad_compact_essay_in_pack_named)
{
    /* a style section the writer cannot make compact (its header is cut
     * short), so it is stored as it is */
    static const char text[] = "one two\n\0\x05\x00\x00";
    pack_item it = {PACK_ESSAY, 0, 2, (const uint8_t *)text, sizeof text, "Spans", "", "en-US"};
    uint8_t *img;
    size_t size;
    lerr e;
    CHECK(pack_build(&it, 1, NULL, &img, &size, &e) == 0);
    uint64_t dir = le64(img + 24);
    uint8_t *f = img + dir;
    CHECK(f[2] == 0 && le32(f + 72) == sizeof text);
    put16(f + 2, PACK_ESSAY_VSPANS); /* say it is compact: 5 spans in 2 bytes */
    put32(f + 72, 40);
    reseal(img, size);
    pack *p;
    CHECKF(pack_open_mem(&p, img, size, &e) == PACK_OK, "%s", e.msg);
    uint8_t *d;
    size_t n;
    CHECK(pack_read(p, 0, &d, &n, &e) == PACK_EDAMAGED && d == NULL);
    CHECKF(strstr(e.msg, "essay 1 'Spans' is damaged: byte 9 of its stored text: 5 spans do not fit"), "%s", e.msg);
    pack_close(p);
    free(img);
}

/* Later essay blocks are decoded with the first block as a dictionary
 * (codec 2): smaller, and checked like any other. */
TEST(shared_dictionary)
{
    fixture f;
    fixture_init(&f);
    size_t size;
    uint8_t *img = build(&f, 0, &size);
    pack *p;
    lerr e;
    CHECK(pack_open_mem(&p, img, size, &e) == PACK_OK);
    CHECK(pack_entry_at(p, 0)->codec == PACK_LZ4);
    for (size_t i = 1; i < 4; i++) CHECK(pack_entry_at(p, i)->codec == PACK_LZ4_DICT);
    CHECK(pack_entry_at(p, 4)->codec != PACK_LZ4_DICT); /* fonts: never */
    /* essay 2 (5000 bytes) against its own block without the dictionary */
    char tmp[8192];
    int alone = LZ4_compress_HC((const char *)f.texts[1], tmp, 5000, (int)sizeof tmp, 12);
    CHECKF(pack_entry_at(p, 1)->block_stored < (uint32_t)alone, "%u vs %d", pack_entry_at(p, 1)->block_stored, alone);
    /* read in any order: the dictionary is loaded when first needed */
    for (size_t k = 0; k < 4; k++) {
        size_t i = 3 - k;
        uint8_t *d;
        size_t n;
        CHECKF(pack_read(p, i, &d, &n, &e) == PACK_OK && n == f.items[i].size && !memcmp(d, f.texts[i], n), "%s",
               e.msg);
        free(d);
    }
    pack_close(p);
    /* codec 2 on entry 0 (no dictionary before it) is refused at open */
    uint64_t dir = le64(img + 24);
    img[dir + 1] = PACK_LZ4_DICT;
    reseal(img, size);
    CHECK(pack_open_mem(&p, img, size, &e) == PACK_EDAMAGED && strstr(e.msg, "directory entry 0") &&
          strstr(e.msg, "codec 2"));
    free(img);
    fixture_free(&f);
}

/* A 2.0 pack (no compact essays, no codec 2, bytes 72-79 zero) is still
 * read; 3.0 things in it are refused. */
TEST(version_2_packs_read)
{
    fixture f;
    fixture_init(&f);
    size_t size;
    /* one cluster of all four essays: codec 1, and plain text has flags 0 */
    uint8_t *img = build(&f, PACK_CLUSTER_DEFAULT, &size);
    uint64_t dir = le64(img + 24);
    uint32_t count = le32(img + 36);
    for (uint32_t i = 0; i < count; i++) {
        CHECK(img[dir + i * PACK_ENTRY_SIZE + 1] != PACK_LZ4_DICT && le16(img + dir + i * PACK_ENTRY_SIZE + 2) ==
              (i == 5 ? PACK_FONT_BOLD : 0));
        put32(img + dir + i * PACK_ENTRY_SIZE + 72, 0);
    }
    put16(img + 8, 2);
    reseal(img, size);
    pack *p;
    lerr e;
    CHECKF(pack_open_mem(&p, img, size, &e) == PACK_OK, "%s", e.msg);
    for (size_t i = 0; i < 4; i++) {
        uint8_t *d;
        size_t n;
        CHECKF(pack_read(p, i, &d, &n, &e) == PACK_OK && n == f.items[i].size && !memcmp(d, f.texts[i], n), "%s",
               e.msg);
        CHECK(pack_entry_at(p, i)->full_size == f.items[i].size);
        free(d);
    }
    pack_close(p);
    uint8_t *m = malloc(size);
    const size_t at[] = {1, 2, 72};
    const uint8_t val[] = {PACK_LZ4_DICT, PACK_ESSAY_VSPANS, 1};
    const char *says[] = {"unknown codec 2", "unknown flags 0x1", "reserved field is not zero"};
    for (size_t c = 0; c < 3; c++) {
        memcpy(m, img, size);
        m[dir + PACK_ENTRY_SIZE + at[c]] = val[c];
        reseal(m, size);
        CHECKF(pack_open_mem(&p, m, size, &e) == PACK_EDAMAGED && strstr(e.msg, says[c]), "case %zu: %s", c, e.msg);
    }
    free(m);
    free(img);
    fixture_free(&f);
}

/* ---- the default pack that `make` built ---------------------------------- */

static uint8_t *load_default(size_t *size)
{
    FILE *fp = fopen(t_build("default.lpk"), "rb");
    if (!fp) return NULL;
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    uint8_t *d = malloc((size_t)n);
    if (fread(d, 1, (size_t)n, fp) != (size_t)n) {
        free(d);
        d = NULL;
    }
    fclose(fp);
    *size = (size_t)n;
    return d;
}

TEST(default_pack_truncations)
{
    size_t size;
    uint8_t *img = load_default(&size);
    CHECKF(img != NULL, "no %s", t_build("default.lpk"));
    if (!img) return;
    /* Every length, on the one buffer: the header check must refuse each. */
    size_t rejected = 0;
    for (size_t len = 0; len < size; len++) {
        pack *p;
        lerr e;
        if (pack_open_mem(&p, img, len, &e) != 0) rejected++;
        else pack_close(p);
    }
    CHECKF(rejected == size, "%zu of %zu truncations rejected", rejected, size);
    /* And a spread of lengths on exact-size copies, for ASan: the first 4 KB,
     * the directory, and 300 others. */
    size_t checked = 0, ok = 0;
    for (size_t len = 0; len < size; len++) {
        int pick = len < 4096 || len > size - 2048 || rng() % (size / 300) == 0;
        if (!pick) continue;
        pack *p;
        lerr e;
        checked++;
        ok += open_exact(img, len, &p, &e) != 0;
    }
    CHECKF(ok == checked, "%zu of %zu exact truncations rejected", ok, checked);
    free(img);
}

TEST(default_pack_bit_flips)
{
    size_t size;
    uint8_t *img = load_default(&size);
    if (!img) {
        CHECK(img != NULL);
        return;
    }
    pack *p;
    lerr e;
    CHECKF(pack_open_mem(&p, img, size, &e) == 0, "%s", e.msg);
    CHECK(pack_verify(p, NULL, NULL) == 0);
    /* regions: header, directory, essays, fonts */
    uint64_t dir = le64(img + 24), ess_end = 0, font_lo = UINT64_MAX;
    for (size_t i = 0; i < pack_count(p); i++) {
        const pack_entry *en = pack_entry_at(p, i);
        if (en->kind == PACK_ESSAY && en->block_offset + en->block_stored > ess_end)
            ess_end = en->block_offset + en->block_stored;
        if (en->kind == PACK_FONT && en->block_offset < font_lo) font_lo = en->block_offset;
    }
    pack_close(p);
    struct {
        uint64_t lo, hi;
        size_t want;
    } region[] = {{0, 64, 512}, {dir, size, 4000}, {64, ess_end, 3000}, {font_lo, dir, 2500}};
    size_t flips = 0, detected = 0, isolated = 0;
    for (size_t r = 0; r < 4; r++) {
        uint64_t bits = (region[r].hi - region[r].lo) * 8;
        for (size_t k = 0; k < region[r].want; k++) {
            uint64_t bit = region[r].lo * 8 + (bits <= region[r].want ? k % bits : rng() % bits);
            int right;
            flips++;
            detected += flip_detected(img, size, bit, &right);
            isolated += right;
        }
    }
    CHECKF(flips >= 10000, "%zu flips", flips);
    CHECKF(detected == flips, "%zu of %zu flips detected", detected, flips);
    CHECKF(isolated == flips, "%zu of %zu flips left the other blocks readable", isolated, flips);
    printf("# default pack: %zu flips over header, directory, essays, fonts; %zu detected\n", flips, detected);
    free(img);
}


/* ---- a pack file that changes under the reader ------------------------------ */

static char tmpdir[256];

static const char *tmp_path(const char *name)
{
    static char buf[4][512];
    static int k;
    k = (k + 1) & 3;
    if (!tmpdir[0]) {
        snprintf(tmpdir, sizeof tmpdir, "/tmp/lectern-test-pack-XXXXXX");
        if (!mkdtemp(tmpdir)) { perror("mkdtemp"); exit(1); }
    }
    snprintf(buf[k], sizeof buf[k], "%s/%s", tmpdir, name);
    return buf[k];
}

static int write_file(const char *path, const uint8_t *d, size_t n)
{
    FILE *f = fopen(path, "wb"); /* in place: same inode, as cp does */
    if (!f) return -1;
    int ok = fwrite(d, 1, n, f) == n;
    return fclose(f) == 0 && ok ? 0 : -1;
}

/* Every essay read after the file is cut short fails with a message, no
 * signal; what was read before stays good, titles stay readable, fonts
 * read before stay readable; pack_changed says MODIFIED. */
TEST(truncated_under_reader)
{
    fixture f;
    fixture_init(&f);
    size_t size;
    uint8_t *img = build(&f, 0, &size); /* a block per essay */
    const char *path = tmp_path("trunc.lpk");
    CHECK(img && write_file(path, img, size) == 0);
    pack *p;
    lerr e;
    CHECK(pack_open(&p, path, &e) == PACK_OK);
    if (!p) { free(img); fixture_free(&f); return; }
    CHECK(pack_changed(p) == PACK_SAME);
    uint8_t *d;
    size_t n;
    const uint8_t *font;
    size_t font_n;
    CHECK(pack_read(p, pack_essay_index(p, 1), &d, &n, &e) == PACK_OK && n == 3000);
    free(d);
    CHECK(pack_view(p, 4, &font, &font_n, &e) == PACK_OK && font_n == 20000);
    CHECK(truncate(path, 1000) == 0);
    CHECK(pack_changed(p) == PACK_MODIFIED);
    for (size_t k = 2; k <= 4; k++) {
        int st = pack_read(p, pack_essay_index(p, k), &d, &n, &e);
        CHECKF(st == PACK_EIO && d == NULL, "essay %zu: %d", k, st);
        CHECKF(strstr(e.msg, "cut short") && strstr(e.msg, "changed since it was opened"), "%s", e.msg);
    }
    /* the other font was never read: an error, not a crash */
    CHECK(pack_view(p, 5, &font, &font_n, &e) == PACK_EIO);
    CHECK(pack_view(p, 4, &font, &font_n, &e) == PACK_OK && memcmp(font, f.texts[4], 20000) == 0);
    const pack_entry *en = pack_entry_at(p, pack_essay_index(p, 3));
    CHECK(en->title_len == 13 && memcmp(en->title, "Third, longer", 13) == 0);
    CHECK(pack_verify(p, NULL, NULL) >= 5); /* verify reads again: essays 2-4 and both fonts fail */
    pack_close(p);
    /* a fresh open of the truncated file is refused */
    CHECK(pack_open(&p, path, &e) == PACK_EDAMAGED && strstr(e.msg, "truncated"));
    free(img);
    fixture_free(&f);
}

/* `cp other.lpk pack.lpk`: overwritten in place by another pack, larger
 * or smaller. Reads give errors (or, where the bytes happen to be the
 * same, the right text), never a crash or wrong text. */
TEST(overwritten_under_reader)
{
    fixture f, g;
    fixture_init(&f);
    fixture_init(&g);
    for (size_t i = 0; i < 4; i++) {
        free(g.texts[i]);
        g.items[i].data = g.texts[i] = make_text(g.items[i].size + 7000, (unsigned)i + 40);
        g.items[i].size += 7000;
    }
    size_t na, nb;
    uint8_t *a = build(&f, 8192, &na), *b = build(&g, 0, &nb);
    const char *path = tmp_path("over.lpk");
    CHECK(a && b && write_file(path, a, na) == 0);
    for (int round = 0; round < 2; round++) {
        pack *p;
        lerr e;
        CHECK(write_file(path, a, na) == 0);
        CHECK(pack_open(&p, path, &e) == PACK_OK);
        if (!p) break;
        /* round 0: the other pack over it; round 1: cut to its first half */
        CHECK(round == 0 ? write_file(path, b, nb) == 0 : truncate(path, (off_t)(na / 2)) == 0);
        CHECK(pack_changed(p) == PACK_MODIFIED);
        for (size_t k = 1; k <= 4; k++) {
            uint8_t *d;
            size_t n;
            int st = pack_read(p, pack_essay_index(p, k), &d, &n, &e);
            if (st == PACK_OK) /* the right text or nothing */
                CHECKF(n == f.items[k - 1].size && memcmp(d, f.texts[k - 1], n) == 0, "essay %zu", k);
            else
                CHECKF((st == PACK_EIO || st == PACK_EDAMAGED) && strstr(e.msg, "essay"), "%d %s", st, e.msg);
            free(d);
        }
        pack_close(p);
    }
    free(a);
    free(b);
    fixture_free(&f);
    fixture_free(&g);
}

/* Replaced by rename: the open pack still reads the old file, intact;
 * pack_changed says REPLACED; removed: GONE. */
TEST(replaced_and_removed)
{
    fixture f;
    fixture_init(&f);
    size_t size;
    uint8_t *img = build(&f, 0, &size);
    const char *path = tmp_path("repl.lpk"), *next = tmp_path("repl.next");
    CHECK(img && write_file(path, img, size) == 0 && write_file(next, img, size) == 0);
    pack *p;
    lerr e;
    CHECK(pack_open(&p, path, &e) == PACK_OK);
    if (p) {
        CHECK(rename(next, path) == 0);
        CHECK(pack_changed(p) == PACK_REPLACED);
        uint8_t *d;
        size_t n;
        CHECK(pack_read(p, pack_essay_index(p, 3), &d, &n, &e) == PACK_OK && n == 40000 &&
              memcmp(d, f.texts[2], n) == 0);
        free(d);
        CHECK(unlink(path) == 0);
        CHECK(pack_changed(p) == PACK_GONE);
        CHECK(pack_read(p, pack_essay_index(p, 4), &d, &n, &e) == PACK_OK && n == 1200);
        free(d);
        pack_close(p);
    }
    /* a pack in memory never changes */
    CHECK(pack_open_mem(&p, img, size, &e) == PACK_OK && pack_changed(p) == PACK_SAME);
    pack_close(p);
    free(img);
    fixture_free(&f);
}

/* Not a regular file: refused at once with a message that says what it
 * is; a FIFO must not hang the open (alarm turns a hang into a failure). */
TEST(not_regular_files_refused)
{
    pack *p;
    lerr e;
    const char *fifo = tmp_path("fifo.lpk");
    CHECK(mkfifo(fifo, 0600) == 0);
    alarm(20);
    CHECK(pack_open(&p, fifo, &e) == PACK_EIO && p == NULL);
    CHECKF(strstr(e.msg, "FIFO") && strstr(e.msg, "fifo.lpk"), "%s", e.msg);
    CHECK(pack_open(&p, tmpdir, &e) == PACK_EIO && strstr(e.msg, "directory"));
    alarm(0);
    /* a symlink to a good pack is fine for reading */
    const char *link = tmp_path("link.lpk");
    char target[1024];
    snprintf(target, sizeof target, "%s", t_build("default.lpk"));
    if (target[0] != '/') {
        char cwd[512];
        CHECK(getcwd(cwd, sizeof cwd) != NULL);
        snprintf(target, sizeof target, "%s/%s", cwd, t_build("default.lpk"));
    }
    CHECK(symlink(target, link) == 0);
    CHECK(pack_open(&p, link, &e) == PACK_OK && pack_essays(p) == 5);
    pack_close(p);
}

static void rm_tmpdir(void)
{
    if (!tmpdir[0]) return;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0) fprintf(stderr, "  could not remove %s\n", tmpdir);
}

/* The installed fonts the default pack embeds (tools/fonts.c). */
#define CHARIS_DIR "/usr/share/fonts/truetype/charis/"

/* Does FreeType find name ID `id` in face? */
static int has_name(FT_Face face, unsigned id)
{
    FT_UInt n = FT_Get_Sfnt_Name_Count(face);
    for (FT_UInt i = 0; i < n; i++) {
        FT_SfntName nm;
        if (!FT_Get_Sfnt_Name(face, i, &nm) && nm.name_id == id && nm.string_len > 0) return 1;
    }
    return 0;
}

/* The default essays packed in memory, as `make` packs them: every font is
 * a subset (far smaller than the installed file, stored compressed, face
 * index 0) whose cmap still has every character of every essay that the
 * installed face has (read with FreeType, not with the code that made the
 * subset), and its copyright and licence names. */
TEST(subset_fonts_cover_the_text)
{
    char *in[] = {"assets/essays"};
    packer_opts o = {.lang = "en-US", .cluster_max = PACK_CLUSTER_DEFAULT};
    uint8_t *img = NULL;
    size_t size = 0;
    lerr e = {{0}};
    CHECKF(packer_build(in, 1, &o, NULL, &img, &size, &e) == 0, "%s", e.msg);
    pack *p = NULL;
    if (!img || pack_open_mem(&p, img, size, &e) != PACK_OK) {
        CHECKF(0, "%s", e.msg);
        free(img);
        return;
    }
    FT_Library ft;
    CHECK(FT_Init_FreeType(&ft) == 0);
    size_t fonts = 0, whole_total = 0, stored_total = 0;
    for (size_t i = 0; i < pack_count(p); i++) {
        const pack_entry *en = pack_entry_at(p, i);
        if (en->kind != PACK_FONT) continue;
        fonts++;
        char path[512];
        /* the code face is DejaVu's; it and the bold italic face draw only
         * their runs, which the plain-text default essays do not have */
        int mono = en->byline_len > 6 && memcmp(en->byline, "DejaVu", 6) == 0;
        int runs_only = mono || (en->flags & (PACK_FONT_ITALIC | PACK_FONT_BOLD)) == (PACK_FONT_ITALIC | PACK_FONT_BOLD);
        snprintf(path, sizeof path, "%s%.*s", mono ? "/usr/share/fonts/truetype/dejavu/" : CHARIS_DIR,
                 (int)en->byline_len, en->byline);
        const uint8_t *d;
        size_t n;
        FT_Face sub = NULL, whole = NULL;
        CHECKF(pack_view(p, i, &d, &n, &e) == PACK_OK, "%s", e.msg);
        CHECKF(FT_New_Memory_Face(ft, d, (FT_Long)n, 0, &sub) == 0, "font %zu", i);
        CHECKF(FT_New_Face(ft, path, 0, &whole) == 0, "%s", path);
        if (!sub || !whole) continue;
        struct stat st;
        CHECK(stat(path, &st) == 0);
        whole_total += (size_t)st.st_size;
        stored_total += en->block_stored;
        CHECKF(en->codec == PACK_LZ4 && en->block_stored < n, "font %zu: codec %d", i, en->codec);
        CHECKF((en->flags >> 8) == 0, "font %zu: face index %d", i, en->flags >> 8);
        CHECKF(has_name(sub, 0) && has_name(sub, 13) && has_name(sub, 14), "%s: copyright or licence lost", path);
        /* every character of every essay (titles are in the text's first line too) */
        size_t checked = 0, lost = 0;
        uint32_t first_lost = 0;
        for (size_t k = 1; k <= pack_essays(p); k++) {
            uint8_t *t;
            size_t tn;
            if (pack_read(p, pack_essay_index(p, k), &t, &tn, &e) != PACK_OK) { CHECKF(0, "%s", e.msg); continue; }
            for (size_t j = 0; j < tn && t[j];) {
                uint32_t cp;
                size_t l = utf8_decode(t + j, tn - j, &cp);
                j += l ? l : 1;
                if (!l || cp < 0x20 || !FT_Get_Char_Index(whole, cp)) continue;
                checked++;
                if (!FT_Get_Char_Index(sub, cp)) {
                    if (!lost++) first_lost = cp;
                }
            }
            free(t);
        }
        FT_UInt gi;
        size_t mapped = 0;
        for (FT_ULong c = FT_Get_First_Char(sub, &gi); gi; c = FT_Get_Next_Char(sub, c, &gi)) mapped++;
        if (runs_only) {
            /* only what the reader draws in it itself: the hyphen of a
             * broken line; i M W . space and the continuation arrow */
            CHECKF(checked > 30000 && lost > checked / 2 && mapped == (mono ? 6u : 1u), "%s: %zu characters mapped, %zu not", path, mapped,
                   lost);
            CHECKF(FT_Get_Char_Index(sub, mono ? 0x2192 : '-') != 0, "%s", path);
        } else {
            CHECKF(checked > 40000 && lost == 0, "%s: %zu of %zu characters lost, first U+%04X", path, lost, checked,
                   (unsigned)first_lost);
            /* and not much else: the subset maps far fewer characters */
            CHECKF(mapped > 90 && mapped < 300, "%s: %zu characters mapped", path, mapped);
        }
        FT_Done_Face(sub);
        FT_Done_Face(whole);
    }
    CHECK(fonts == 5);
    /* the fonts as stored: a small fraction of the installed files */
    CHECKF(stored_total * 10 < whole_total, "%zu stored of %zu", stored_total, whole_total);
    FT_Done_FreeType(ft);
    pack_close(p);
    free(img);
}

/* ---- signed packs (3.1): the signature block and what it covers ---------- */

/* A small pack (two short essays, no fonts): every byte of it can be
 * flipped in turn. */
static uint8_t *small_pack(size_t *size)
{
    static const char a[] = "One short essay.\n", b[] = "And another one, a little longer.\n";
    pack_item it[2] = {{PACK_ESSAY, 0, 3, (const uint8_t *)a, sizeof a - 1, "One", "", "en-US"},
                       {PACK_ESSAY, 0, 6, (const uint8_t *)b, sizeof b - 1, "Two", "By Me", "en-US"}};
    pack_write_opts o = {0, NULL, NULL};
    uint8_t *img = NULL;
    lerr e;
    if (pack_build(it, 2, &o, &img, size, &e)) fprintf(stderr, "  pack_build: %s\n", e.msg);
    return img;
}

static uint8_t *signed_copy(const uint8_t *img, size_t n, const uint8_t *sk, size_t *out_n)
{
    uint8_t *out = NULL;
    lerr e;
    if (psign_sign(img, n, sk, &out, out_n, &e)) fprintf(stderr, "  psign_sign: %s\n", e.msg);
    return out;
}

TEST(signed_pack_reads_as_unsigned)
{
    uint8_t pk[PSIGN_PUBLIC_SIZE], sk[PSIGN_SECRET_SIZE], pk2[PSIGN_PUBLIC_SIZE], sk2[PSIGN_SECRET_SIZE];
    CHECK(psign_init(NULL) == 0);
    psign_keypair(pk, sk);
    psign_keypair(pk2, sk2);
    fixture f;
    fixture_init(&f);
    size_t n, sn;
    uint8_t *img = build(&f, PACK_CLUSTER_DEFAULT, &n);
    uint8_t *sig = img ? signed_copy(img, n, sk, &sn) : NULL;
    CHECK(sig != NULL);
    if (!sig) goto out;
    CHECKF(sn == n + PACK_SIG_SIZE, "signed %zu bytes, unsigned %zu", sn, n);
    pack *u, *p;
    lerr e;
    CHECK(pack_open_mem(&u, img, n, &e) == 0);
    int st = pack_open_mem(&p, sig, sn, &e);
    CHECKF(st == 0, "%s", e.msg);
    if (st) {
        pack_close(u);
        goto out;
    }
    CHECK(pack_signature(u) == NULL);
    const pack_sig *s = pack_signature(p);
    CHECK(s != NULL && s->offset == pack_dir_offset(u) && memcmp(s->pubkey, pk, 32) == 0);
    CHECK(pack_data_end(p) == pack_dir_offset(u) && pack_dir_offset(p) == pack_dir_offset(u) + PACK_SIG_SIZE);
    unsigned ma, mi;
    pack_version(p, &ma, &mi);
    CHECK(ma == 3 && mi == PACK_VERSION_MINOR_SIGNED);
    pack_version(u, &ma, &mi);
    CHECK(ma == 3 && mi == 0);
    CHECK(pack_count(p) == pack_count(u) && pack_essays(p) == pack_essays(u));
    CHECK(pack_verify(p, NULL, NULL) == 0);
    for (size_t i = 0; i < pack_count(p); i++) {
        uint8_t *d1, *d2;
        size_t n1, n2;
        CHECK(pack_read(u, i, &d1, &n1, &e) == 0 && pack_read(p, i, &d2, &n2, &e) == 0 && n1 == n2 &&
              memcmp(d1, d2, n1) == 0);
        free(d1);
        free(d2);
    }
    CHECK(psign_check(p, sig, sn, pk, &e) == PSIGN_OK);
    CHECK(psign_check(p, sig, sn, NULL, &e) == PSIGN_OK);
    CHECK(psign_check(p, sig, sn, pk2, &e) == PSIGN_OTHER_KEY && strstr(e.msg, "another key"));
    CHECK(psign_check(u, img, n, pk, &e) == PSIGN_UNSIGNED && strstr(e.msg, "not signed"));
    /* signing again replaces the block: same size, the new key's, and the
     * same bytes as signing the unsigned pack with it */
    size_t rn, qn;
    uint8_t *re = signed_copy(sig, sn, sk2, &rn), *q = signed_copy(img, n, sk2, &qn);
    CHECK(re && q && rn == sn && qn == rn && memcmp(re, q, rn) == 0);
    pack *r;
    if (re && pack_open_mem(&r, re, rn, &e) == 0) {
        CHECK(psign_check(r, re, rn, pk2, &e) == PSIGN_OK);
        CHECK(psign_check(r, re, rn, pk, &e) == PSIGN_OTHER_KEY);
        pack_close(r);
    }
    free(re);
    free(q);
    pack_close(u);
    pack_close(p);
out:
    psign_wipe(sk, sizeof sk);
    psign_wipe(sk2, sizeof sk2);
    free(sig);
    free(img);
    fixture_free(&f);
}

TEST(signed_pack_every_byte_flip_refused)
{
    uint8_t pk[PSIGN_PUBLIC_SIZE], sk[PSIGN_SECRET_SIZE];
    psign_keypair(pk, sk);
    size_t n, sn;
    uint8_t *img = small_pack(&n);
    uint8_t *sig = img ? signed_copy(img, n, sk, &sn) : NULL;
    CHECK(sig != NULL);
    size_t caught = 0, total = 0, truncs = 0;
    for (size_t i = 0; sig && i < sn; i++) {
        for (int bit = 0; bit < 8; bit += 3) { /* bits 0, 3 and 6 of every byte */
            total++;
            sig[i] ^= (uint8_t)(1 << bit);
            pack *p;
            lerr e;
            if (pack_open_mem(&p, sig, sn, &e) != 0) caught++;
            else {
                if (psign_check(p, sig, sn, pk, &e) == PSIGN_TAMPERED && strstr(e.msg, "tampered")) caught++;
                else fprintf(stderr, "  byte %zu bit %d not caught: %s\n", i, bit, e.msg);
                pack_close(p);
            }
            sig[i] ^= (uint8_t)(1 << bit);
        }
    }
    CHECKF(caught == total && total == sn * 3, "%zu of %zu flips caught", caught, total);
    for (size_t len = 0; sig && len < sn; len++) {
        pack *p;
        lerr e;
        if (open_exact(sig, len, &p, &e) != 0) truncs++;
    }
    CHECKF(truncs == sn, "%zu of %zu truncations refused", truncs, sn);
    psign_wipe(sk, sizeof sk);
    free(sig);
    free(img);
}

/* Re-checksum a signature block at b after changing a field. */
static void reseal_sig(uint8_t *b) { put64(b + 120, lx_hash(b, 120)); }

TEST(signature_block_fields_checked)
{
    uint8_t pk[PSIGN_PUBLIC_SIZE], sk[PSIGN_SECRET_SIZE];
    psign_keypair(pk, sk);
    size_t n, sn;
    uint8_t *img = small_pack(&n);
    uint8_t *sig = img ? signed_copy(img, n, sk, &sn) : NULL;
    CHECK(sig != NULL);
    if (!sig) {
        free(img);
        return;
    }
    uint64_t at = le64(sig + 24) - PACK_SIG_SIZE;
    struct {
        size_t off;
        uint8_t val;
        int reseal;
        const char *want;
    } cases[] = {
        {0, 'X', 1, "bad magic"},
        {7, 0, 1, "bad magic"},
        {8, 2, 1, "unknown signature algorithm 2"},
        {10, 1, 1, "reserved field is not zero"},
        {12, 129, 1, "block_size is 129, must be 128"},
        {112, 1, 1, "reserved field is not zero"},
        {30, 1, 0, "checksum does not match"},
        {70, 1, 0, "checksum does not match"},
        {125, 1, 0, "checksum does not match"},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        uint8_t *m = malloc(sn);
        memcpy(m, sig, sn);
        /* a field set to a bad value (and sealed again), or a byte of the key,
         * signature or checksum changed (flipped: setting it could leave it as it was) */
        if (cases[c].reseal) m[at + cases[c].off] = cases[c].val;
        else m[at + cases[c].off] ^= 0x5A;
        if (cases[c].reseal) reseal_sig(m + at);
        pack *p;
        lerr e;
        int st = pack_open_mem(&p, m, sn, &e);
        CHECKF(st == PACK_EDAMAGED && strstr(e.msg, cases[c].want), "field at %zu: %d %s", cases[c].off, st,
               st ? e.msg : "accepted");
        if (!st) pack_close(p);
        /* the message names the byte, for the fields checked one by one */
        char where[48];
        snprintf(where, sizeof where, "%llu", (unsigned long long)(at + (cases[c].off == 7 ? 0 : cases[c].off)));
        if (cases[c].reseal && cases[c].off != 7) CHECKF(st && strstr(e.msg, where), "%s", e.msg);
        free(m);
    }
    /* pack_sig_parse on its own: format, parse back */
    uint8_t b[PACK_SIG_SIZE], s64[PACK_SIG_BYTES];
    for (int i = 0; i < PACK_SIG_BYTES; i++) s64[i] = (uint8_t)(i * 7 + 1);
    pack_sig_format(b, pk, s64);
    pack_sig ps;
    lerr e;
    CHECK(pack_sig_parse(b, 4096, &ps, &e) == 0 && ps.offset == 4096 && memcmp(ps.pubkey, pk, 32) == 0 &&
          memcmp(ps.sig, s64, 64) == 0);
    CHECK(memcmp(b, "LSIG\r\n\x1a\n", 8) == 0 && le16(b + 8) == 1 && le32(b + 12) == 128);
    /* a gap before the directory that is not one block: refused, named */
    size_t gn = n + 64;
    uint8_t *g = malloc(gn);
    uint64_t dir = le64(img + 24);
    memcpy(g, img, (size_t)dir);
    memset(g + dir, 0, 64);
    memcpy(g + dir + 64, img + dir, n - (size_t)dir);
    put64(g + 16, gn);
    put64(g + 24, dir + 64);
    put64(g + 56, lx_hash(g, 56));
    pack *p;
    int st = pack_open_mem(&p, g, gn, &e);
    CHECKF(st == PACK_EDAMAGED && strstr(e.msg, "64 bytes between the last data block and the directory"), "%s",
           st ? e.msg : "accepted");
    if (!st) pack_close(p);
    free(g);
    /* 128 zero bytes there: not a signature block either */
    g = malloc(sn);
    memcpy(g, sig, sn);
    memset(g + at, 0, PACK_SIG_SIZE);
    st = pack_open_mem(&p, g, sn, &e);
    CHECKF(st == PACK_EDAMAGED && strstr(e.msg, "signature block is damaged"), "%s", st ? e.msg : "accepted");
    if (!st) pack_close(p);
    free(g);
    psign_wipe(sk, sizeof sk);
    free(sig);
    free(img);
}

TEST(key_files_parsed_strictly)
{
    uint8_t pk[PSIGN_PUBLIC_SIZE], sk[PSIGN_SECRET_SIZE], got[PSIGN_SECRET_SIZE];
    psign_keypair(pk, sk);
    /* the base64 of the keys, as keygen writes them */
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char pub64[64], sec64[128];
    for (int w = 0; w < 2; w++) {
        const uint8_t *k = w ? sk : pk;
        size_t kn = w ? 64 : 32, o = 0;
        char *dst = w ? sec64 : pub64;
        for (size_t i = 0; i < kn; i += 3) {
            uint32_t v = (uint32_t)k[i] << 16 | (i + 1 < kn ? (uint32_t)k[i + 1] << 8 : 0) | (i + 2 < kn ? k[i + 2] : 0);
            dst[o++] = b64[v >> 18 & 63];
            dst[o++] = b64[v >> 12 & 63];
            dst[o++] = i + 1 < kn ? b64[v >> 6 & 63] : '=';
            dst[o++] = i + 2 < kn ? b64[v & 63] : '=';
        }
        dst[o] = 0;
    }
    char t[512];
    lerr e;
    snprintf(t, sizeof t, "lectern-pack public key 1\n%s\n", pub64);
    CHECK(psign_parse_public((uint8_t *)t, strlen(t), "k.pub", got, &e) == 0 && memcmp(got, pk, 32) == 0);
    snprintf(t, sizeof t, "lectern-pack public key 1\r\n%s\r\n", pub64);
    CHECK(psign_parse_public((uint8_t *)t, strlen(t), "k.pub", got, &e) == 0 && memcmp(got, pk, 32) == 0);
    snprintf(t, sizeof t, "lectern-pack public key 1\n%s", pub64);
    CHECK(psign_parse_public((uint8_t *)t, strlen(t), "k.pub", got, &e) == 0);
    snprintf(t, sizeof t, "lectern-pack secret key 1\n%s\n", sec64);
    CHECK(psign_parse_secret((uint8_t *)t, strlen(t), "k.key", got, &e) == 0 && memcmp(got, sk, 64) == 0);
    struct {
        const char *fmt;
        int secret;
        const char *want;
    } bad[] = {
        {"", 0, "k: line 1: the file is empty"},
        {"lectern-pack public key 2\n%s\n", 0, "k: line 1: not a lectern-pack public key file"},
        {"lectern-pack secret key 1\n%s\n", 0, "k: line 1: this is a secret key file, not a public one"},
        {"lectern-pack public key 1\n%s\n", 1, "k: line 1: this is a public key file, not a secret one"},
        {"lectern-pack public key 1\n\n", 0, "k: line 2: the key is missing"},
        {"lectern-pack public key 1\n %s\n", 0, "k: line 2: the key is not valid base64"},
        {"lectern-pack public key 1\n%s!\n", 0, "k: line 2: the key is not valid base64"},
        {"lectern-pack public key 1\n%.40s\n", 0, "k: line 2: the key is 30 bytes, a public key is 32"},
        {"lectern-pack public key 1\n%s\nmore\n", 0, "k: line 3: unexpected text after the key"},
        {"lectern-pack public key 1\n%s\n\n\nx", 0, "k: line 5: unexpected text after the key"},
    };
    for (size_t c = 0; c < sizeof bad / sizeof bad[0]; c++) {
        snprintf(t, sizeof t, bad[c].fmt, pub64);
        int st = bad[c].secret ? psign_parse_secret((uint8_t *)t, strlen(t), "k", got, &e)
                               : psign_parse_public((uint8_t *)t, strlen(t), "k", got, &e);
        CHECKF(st != 0 && strstr(e.msg, bad[c].want), "case %zu: %s", c, st ? e.msg : "accepted");
    }
    /* a secret key whose halves disagree */
    uint8_t sk2[PSIGN_SECRET_SIZE];
    memcpy(sk2, sk, 64);
    sk2[40] ^= 1;
    char s2[128];
    size_t o = 0;
    for (size_t i = 0; i < 64; i += 3) {
        uint32_t v = (uint32_t)sk2[i] << 16 | (i + 1 < 64 ? (uint32_t)sk2[i + 1] << 8 : 0) | (i + 2 < 64 ? sk2[i + 2] : 0);
        s2[o++] = b64[v >> 18 & 63];
        s2[o++] = b64[v >> 12 & 63];
        s2[o++] = i + 1 < 64 ? b64[v >> 6 & 63] : '=';
        s2[o++] = i + 2 < 64 ? b64[v & 63] : '=';
    }
    s2[o] = 0;
    snprintf(t, sizeof t, "lectern-pack secret key 1\n%s\n", s2);
    int st = psign_parse_secret((uint8_t *)t, strlen(t), "k.key", got, &e);
    CHECKF(st != 0 && strstr(e.msg, "k.key: line 2: the key is damaged"), "%s", st ? e.msg : "accepted");
    /* fingerprints: four groups of four hex digits, different keys differ */
    char f1[PSIGN_FP_SIZE], f2[PSIGN_FP_SIZE];
    uint8_t pk2[32], skx[64];
    psign_keypair(pk2, skx);
    psign_fingerprint(pk, f1);
    psign_fingerprint(pk2, f2);
    CHECK(strlen(f1) == 19 && f1[4] == ' ' && f1[9] == ' ' && f1[14] == ' ' && strcmp(f1, f2) != 0);
    psign_wipe(sk, sizeof sk);
    psign_wipe(skx, sizeof skx);
    psign_wipe(got, sizeof got);
}

int main(void)
{
    RUN(round_trip);
    RUN(clusters_share_blocks);
    RUN(deterministic);
    RUN(empty_essay_and_bad_items);
    RUN(write_is_atomic);
    RUN(every_truncation_rejected);
    RUN(bit_flips_rejected);
    RUN(cluster_salvage);
    RUN(header_fields_checked);
    RUN(soft_hyphens_round_trip);
    RUN(bad_stored_essays_refused);
    RUN(bad_compact_essay_in_pack_named);
    RUN(shared_dictionary);
    RUN(version_2_packs_read);
    RUN(default_pack_truncations);
    RUN(default_pack_bit_flips);
    RUN(truncated_under_reader);
    RUN(overwritten_under_reader);
    RUN(replaced_and_removed);
    RUN(not_regular_files_refused);
    RUN(subset_fonts_cover_the_text);
    RUN(signed_pack_reads_as_unsigned);
    RUN(signed_pack_every_byte_flip_refused);
    RUN(signature_block_fields_checked);
    RUN(key_files_parsed_strictly);
    rm_tmpdir();
    return T_END();
}

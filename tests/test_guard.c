/* test_guard.c - the crash-loop guard (src/guard.h): a death is counted
 * only when a start in the same boot finds an essay still marked open; a
 * clean close, a power cut (another boot) and a new pack count nothing;
 * three deaths mark the essay; the file is canonical, checked and atomic. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include "guard.h"
#include "t.h"

static char root[64];

static const char *mkdir_named(const char *name)
{
    static char buf[4][160];
    static int k;
    k = (k + 1) & 3;
    snprintf(buf[k], sizeof buf[k], "%s/%s", root, name);
    if (mkdir(buf[k], 0755) != 0 && errno != EEXIST) perror(buf[k]);
    return buf[k];
}

static int read_file(const char *dir, char *out, size_t cap)
{
    char p[256];
    snprintf(p, sizeof p, "%s/" GUARD_FILE, dir);
    FILE *f = fopen(p, "rb");
    if (!f) return -1;
    size_t n = fread(out, 1, cap - 1, f);
    out[n] = 0;
    fclose(f);
    return (int)n;
}

static int write_file(const char *dir, const char *name, const void *b, size_t n)
{
    char p[256];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "wb");
    if (!f) return -1;
    size_t w = fwrite(b, 1, n, f);
    return fclose(f) == 0 && w == n ? 0 : -1;
}

/* One run of the reader: open in `boot`, perhaps open essay `essay`, then
 * end cleanly (clear) or not (crash: the mark stays, as after _exit). */
static guard_start run(const char *dir, uint64_t pack, const char *boot, uint32_t essay, int crash)
{
    guard *g;
    guard_start st;
    lerr e;
    int r = guard_open(&g, dir, 1, pack, boot, &st, &e);
    CHECKF(r == GUARD_OK && g, "r=%d %s", r, e.msg);
    if (!g) return st;
    if (essay) CHECK(guard_set_open(g, essay, &e) == GUARD_OK);
    if (!crash) CHECK(guard_set_open(g, 0, &e) == GUARD_OK);
    guard_close(g);
    return st;
}

TEST(crash_counts_in_the_same_boot)
{
    const char *d = mkdir_named("crash");
    guard_start st = run(d, 7, "boot-a", 4, 1);
    CHECK(st.died == 0 && st.stopped == 0);
    char buf[512];
    CHECK(read_file(d, buf, sizeof buf) > 0 && strstr(buf, "\nopen 4 boot-a\n"));
    st = run(d, 7, "boot-a", 0, 0);
    CHECKF(st.died == 4 && st.deaths == 1, "died %u deaths %u", st.died, st.deaths);
    CHECK(read_file(d, buf, sizeof buf) > 0 && !strstr(buf, "open ") && strstr(buf, "\ndeaths 4 1\n"));
    /* found once: the next start counts nothing more */
    st = run(d, 7, "boot-a", 0, 0);
    CHECK(st.died == 0);
}

TEST(three_deaths_mark_the_essay)
{
    const char *d = mkdir_named("three");
    for (int i = 0; i < GUARD_DEATHS; i++) run(d, 9, "b", 2, 1);
    guard *g;
    guard_start st;
    lerr e;
    CHECK(guard_open(&g, d, 1, 9, "b", &st, &e) == GUARD_OK);
    CHECKF(st.died == 2 && st.deaths == GUARD_DEATHS, "died %u deaths %u", st.died, st.deaths);
    CHECK(guard_failed(g, 2) && guard_deaths(g, 2) == GUARD_DEATHS);
    CHECK(!guard_failed(g, 1) && !guard_failed(g, 3) && guard_deaths(g, 3) == 0);
    guard_close(g);
    /* two deaths are not enough */
    const char *d2 = mkdir_named("two");
    run(d2, 9, "b", 5, 1);
    run(d2, 9, "b", 5, 1);
    CHECK(guard_open(&g, d2, 1, 9, "b", &st, &e) == GUARD_OK);
    CHECK(st.deaths == 2 && !guard_failed(g, 5));
    guard_close(g);
}

TEST(clean_exit_is_not_counted)
{
    const char *d = mkdir_named("clean");
    for (int i = 0; i < 5; i++) {
        guard_start st = run(d, 1, "b", 3, 0);
        CHECK(st.died == 0);
    }
    guard *g;
    guard_start st;
    lerr e;
    CHECK(guard_open(&g, d, 1, 1, "b", &st, &e) == GUARD_OK);
    CHECK(guard_deaths(g, 3) == 0 && guard_open_essay(g) == 0);
    guard_close(g);
}

TEST(power_cut_is_not_counted)
{
    const char *d = mkdir_named("power");
    run(d, 1, "monday", 6, 1);
    guard_start st = run(d, 1, "tuesday", 0, 0);
    CHECKF(st.died == 0 && st.stopped == 6, "died %u stopped %u", st.died, st.stopped);
    for (int i = 0; i < 5; i++) {
        char boot[24];
        snprintf(boot, sizeof boot, "night-%d", i);
        run(d, 1, boot, 6, 1);
    }
    guard *g;
    lerr e;
    CHECK(guard_open(&g, d, 1, 1, "morning", &st, &e) == GUARD_OK);
    CHECK(st.stopped == 6 && guard_deaths(g, 6) == 0);
    guard_close(g);
    /* a boot id that cannot be trusted is "unknown": then it counts */
    const char *d2 = mkdir_named("unknown");
    run(d2, 1, "Not A Boot/Id", 6, 1);
    st = run(d2, 1, NULL, 0, 0);
    CHECK(st.died == 6);
}

TEST(new_pack_resets_the_counts)
{
    const char *d = mkdir_named("pack");
    for (int i = 0; i < GUARD_DEATHS + 1; i++) run(d, 100, "b", 2, 1);
    guard *g;
    guard_start st;
    lerr e;
    CHECK(guard_open(&g, d, 1, 101, "b", &st, &e) == GUARD_OK);
    CHECK(st.new_pack && st.died == 0 && !guard_failed(g, 2) && guard_deaths(g, 2) == 0);
    guard_close(g);
    /* and back: the old pack's counts are gone for good */
    CHECK(guard_open(&g, d, 1, 100, "b", &st, &e) == GUARD_OK);
    CHECK(!guard_failed(g, 2));
    /* a pack reopened while running: guard_set_pack */
    guard_close(g);
    for (int i = 0; i < GUARD_DEATHS; i++) run(d, 100, "b", 2, 1);
    CHECK(guard_open(&g, d, 1, 100, "b", &st, &e) == GUARD_OK);
    CHECK(guard_failed(g, 2));
    CHECK(guard_set_open(g, 1, &e) == GUARD_OK);
    CHECK(guard_set_pack(g, 100, &e) == GUARD_OK);
    CHECK(guard_failed(g, 2) && guard_open_essay(g) == 0); /* the same pack: counts stay, the essay closed */
    CHECK(guard_set_pack(g, 555, &e) == GUARD_OK);
    CHECK(!guard_failed(g, 2));
    guard_close(g);
    char buf[512];
    CHECK(read_file(d, buf, sizeof buf) > 0 && strstr(buf, "\npack 000000000000022b\n") && !strstr(buf, "deaths"));
}

TEST(damaged_file_is_ignored_and_replaced)
{
    const char *d = mkdir_named("damaged");
    run(d, 5, "b", 1, 1);
    char buf[512];
    int n = read_file(d, buf, sizeof buf);
    CHECK(n > 0);
    int said = 0, wrong = 0;
    for (int i = 0; i < n; i++) { /* every byte changed: never believed */
        char b2[512];
        memcpy(b2, buf, (size_t)n);
        b2[i] ^= 0x20;
        write_file(d, GUARD_FILE, b2, (size_t)n);
        guard *g;
        guard_start st;
        lerr e;
        e.msg[0] = 0;
        int r = guard_open(&g, d, 1, 5, "b", &st, &e);
        said += r == GUARD_IGNORED && strstr(e.msg, "ignored") != NULL;
        wrong += st.died != 0;
        guard_close(g);
    }
    CHECKF(said == n && wrong == 0, "said %d of %d, believed %d", said, n, wrong);
    /* and the next write put a good one in place */
    guard *g;
    guard_start st;
    lerr e;
    CHECK(guard_open(&g, d, 1, 5, "b", &st, &e) == GUARD_OK);
    guard_close(g);
}

TEST(valid_checksum_bad_body_names_the_line)
{
    static const char *bodies[] = {"pack 0000000000000001\nopen 0 b\n", "pack 0000000000000001\ndeaths 3 0\n",
                                   "pack 0000000000000001\ndeaths 3 2\ndeaths 2 1\n", "pack 1\n",
                                   "pack 0000000000000001\nopen 3 B\n", "pack 0000000000000001\ndeaths 3 256\n"};
    for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
        char f[256];
        int k = snprintf(f, sizeof f, "%s%d\n%016llx\n%s", GUARD_MAGIC, GUARD_VERSION,
                         (unsigned long long)XXH3_64bits(bodies[i], strlen(bodies[i])), bodies[i]);
        guard *g;
        guard_start st;
        CHECK(guard_open(&g, NULL, 0, 0, "b", &st, NULL) == GUARD_OK);
        lerr e;
        e.msg[0] = 0;
        int r = guard_parse(g, (const uint8_t *)f, (size_t)k, &e);
        CHECKF(r == GUARD_EDAMAGED && strstr(e.msg, "line "), "body %zu: r=%d '%s'", i, r, e.msg);
        guard_close(g);
    }
}

TEST(format_is_canonical)
{
    guard *g;
    guard_start st;
    CHECK(guard_open(&g, NULL, 0, 0xfeedull, "x-1", &st, NULL) == GUARD_OK);
    static const char body[] = "pack 000000000000beef\nopen 16777216 0123-abc\ndeaths 1 1\ndeaths 9 255\n";
    char f[256];
    int k = snprintf(f, sizeof f, "%s%d\n%016llx\n%s", GUARD_MAGIC, GUARD_VERSION,
                     (unsigned long long)XXH3_64bits(body, strlen(body)), body);
    lerr e;
    CHECKF(guard_parse(g, (const uint8_t *)f, (size_t)k, &e) == GUARD_OK, "%s", e.msg);
    CHECK(guard_open_essay(g) == 16777216 && !strcmp(guard_open_boot(g), "0123-abc"));
    CHECK(guard_deaths(g, 9) == 255 && guard_failed(g, 9) && guard_deaths(g, 1) == 1);
    uint8_t *out;
    size_t n;
    CHECK(guard_format(g, &out, &n) == GUARD_OK);
    CHECK(n == (size_t)k && !memcmp(out, f, n));
    free(out);
    guard_close(g);
}

TEST(off_and_missing_write_nothing)
{
    const char *d = mkdir_named("off");
    guard *g;
    guard_start st;
    lerr e;
    CHECK(guard_open(&g, d, 0, 1, "b", &st, &e) == GUARD_OK);
    CHECK(guard_set_open(g, 3, &e) == GUARD_OK && !guard_persistent(g));
    guard_close(g);
    char buf[64];
    CHECK(read_file(d, buf, sizeof buf) < 0);
    char nodir[200];
    snprintf(nodir, sizeof nodir, "%s/no/such", root);
    e.msg[0] = 0;
    CHECK(guard_open(&g, nodir, 1, 1, "b", &st, &e) == GUARD_MEMORY && g && strstr(e.msg, "in memory only"));
    CHECK(guard_set_open(g, 3, &e) == GUARD_OK && !guard_persistent(g));
    guard_close(g);
}

TEST(symlink_at_the_temp_name_is_not_followed)
{
    const char *d = mkdir_named("link");
    char victim[200], tmp[200];
    snprintf(victim, sizeof victim, "%s/victim", root);
    snprintf(tmp, sizeof tmp, "%s/" GUARD_TMP, d);
    write_file(root, "victim", "keep", 4);
    CHECK(symlink(victim, tmp) == 0);
    run(d, 1, "b", 2, 1);
    char buf[16] = "";
    FILE *f = fopen(victim, "rb");
    if (f) {
        buf[fread(buf, 1, sizeof buf - 1, f)] = 0;
        fclose(f);
    }
    CHECK(!strcmp(buf, "keep"));
    char g[512];
    CHECK(read_file(d, g, sizeof g) > 0 && strstr(g, "open 2 b"));
}

int main(void)
{
    snprintf(root, sizeof root, "/tmp/lectern-test-guard.XXXXXX");
    if (!mkdtemp(root)) { perror("mkdtemp"); return 1; }
    RUN(crash_counts_in_the_same_boot);
    RUN(three_deaths_mark_the_essay);
    RUN(clean_exit_is_not_counted);
    RUN(power_cut_is_not_counted);
    RUN(new_pack_resets_the_counts);
    RUN(damaged_file_is_ignored_and_replaced);
    RUN(valid_checksum_bad_body_names_the_line);
    RUN(format_is_canonical);
    RUN(off_and_missing_write_nothing);
    RUN(symlink_at_the_temp_name_is_not_followed);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", root);
    return T_END();
}

/* test_state.c - resume positions: round trip, atomic writes, damaged and
 * old files, directories that are read-only, missing or turned off. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include "state.h"
#include "t.h"

static char root[64];

static const char *dir_named(const char *name)
{
    static char buf[4][160];
    static int k;
    k = (k + 1) & 3;
    snprintf(buf[k], sizeof buf[k], "%s/%s", root, name);
    return buf[k];
}

static const char *mkdir_named(const char *name)
{
    const char *d = dir_named(name);
    if (mkdir(d, 0755) != 0 && errno != EEXIST) perror(d);
    return d;
}

static int write_bytes(const char *path, const void *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f) return -1;
    size_t w = fwrite(p, 1, n, f);
    return fclose(f) == 0 && w == n ? 0 : -1;
}

static uint8_t *read_bytes(const char *path, size_t *n)
{
    static uint8_t buf[1 << 20];
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    *n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    return buf;
}

/* Names in dir, sorted into one string "a b c" (without . and ..). */
static const char *listing(const char *dir)
{
    static char out[1024];
    char names[32][256];
    int n = 0;
    out[0] = '\0';
    DIR *d = opendir(dir);
    if (!d) return "(none)";
    struct dirent *de;
    while ((de = readdir(d)) && n < 32)
        if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
            snprintf(names[n++], sizeof names[0], "%s", de->d_name);
    closedir(d);
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++)
            if (strcmp(names[j], names[i]) < 0) {
                char t[256];
                memcpy(t, names[i], 256);
                memcpy(names[i], names[j], 256);
                memcpy(names[j], t, 256);
            }
    for (int i = 0; i < n; i++) {
        if (i) strcat(out, " ");
        strcat(out, names[i]);
    }
    return out;
}

static const char *file_in(const char *dir, const char *name)
{
    static char buf[2][200];
    static int k;
    k ^= 1;
    snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
    return buf[k];
}

static int contains(const uint8_t *b, size_t n, const char *s)
{
    size_t k = strlen(s);
    for (size_t i = 0; i + k <= n; i++)
        if (!memcmp(b + i, s, k)) return 1;
    return 0;
}

/* A valid file with a few positions, as bytes. */
static uint8_t *sample(size_t *n)
{
    state *s;
    uint8_t *buf = NULL;
    if (state_open(&s, NULL, 0, NULL) < 0) return NULL;
    state_set(s, 1, 0x0123456789abcdefull, 0);
    state_set(s, 4, 0xfedcba9876543210ull, 1234);
    state_set(s, 17, 42, 4294967295u);
    state_set(s, STATE_MAX_ESSAY, 0, 7);
    if (state_format(s, &buf, n)) buf = NULL;
    state_close(s);
    return buf;
}

TEST(round_trip)
{
    const char *d = mkdir_named("rt");
    state *s;
    lerr e;
    int r = state_open(&s, d, 1, &e);
    CHECKF(r == STATE_OK && s && state_persistent(s) && state_count(s) == 0, "r=%d %s", r, e.msg);
    if (!s) return;
    CHECK(state_set(s, 3, 0xabcull, 100) == STATE_OK);
    CHECK(state_set(s, 1, 0xdefull, 0) == STATE_OK);
    CHECK(state_set(s, 2, UINT64_MAX, UINT32_MAX) == STATE_OK);
    CHECK(state_set(s, 3, 0xabcull, 200) == STATE_OK); /* replaces */
    CHECK(state_set(s, 0, 1, 1) == STATE_EINVAL && state_set(s, STATE_MAX_ESSAY + 1, 1, 1) == STATE_EINVAL);
    CHECK(state_count(s) == 3);
    CHECK(state_save(s, &e) == STATE_OK);
    state_close(s);

    size_t n;
    const uint8_t *b = read_bytes(file_in(d, STATE_FILE), &n);
    CHECK(b && n > 16 && !memcmp(b, "lectern-state 1\n", 16));
    CHECK(b && contains(b, n, "\nessay 2 ffffffffffffffff 4294967295\n"));

    r = state_open(&s, d, 1, &e);
    CHECKF(r == STATE_OK && state_count(s) == 3, "r=%d %s", r, e.msg);
    uint32_t off = 99;
    CHECK(state_get(s, 3, 0xabcull, &off) && off == 200);
    CHECK(state_get(s, 1, 0xdefull, &off) && off == 0);
    CHECK(state_get(s, 2, UINT64_MAX, &off) && off == UINT32_MAX);
    off = 99;
    CHECK(!state_get(s, 3, 0xabdull, &off) && off == 99); /* the pack changed: not applied */
    CHECK(!state_get(s, 4, 0x123ull, &off));              /* another essay */
    /* the same text under another number (a new pack, essays reordered): its place, matched by content */
    off = 99;
    CHECK(state_get(s, 4, 0xabcull, &off) && off == 200);
    /* the same essay number now holding other text replaces the old entry */
    CHECK(state_set(s, 3, 0x999ull, 5) == STATE_OK && state_count(s) == 3);
    CHECK(!state_get(s, 3, 0xabcull, &off) && state_get(s, 3, 0x999ull, &off) && off == 5);
    state_close(s);

    /* many positions, set in a scrambled order */
    state *m;
    state_open(&m, d, 1, &e);
    for (uint32_t i = 0; i < 10000; i++) {
        uint32_t k = (i * 7919u) % 10000u + 1;
        if (state_set(m, k, (uint64_t)k * 0x9E3779B97F4A7C15ull, k * 3) != STATE_OK) { CHECK(0); break; }
    }
    CHECK(state_save(m, &e) == STATE_OK);
    state_close(m);
    state_open(&m, d, 1, &e);
    int bad = 0;
    for (uint32_t k = 1; k <= 10000; k++)
        bad += !state_get(m, k, (uint64_t)k * 0x9E3779B97F4A7C15ull, &off) || off != k * 3;
    CHECKF(bad == 0 && state_count(m) == 10000, "bad=%d", bad);
    state_close(m);
}

TEST(atomic_write_leaves_no_temp_files)
{
    const char *d = mkdir_named("atomic");
    /* a temp file left by a crash before this run */
    write_bytes(file_in(d, STATE_TMP), "half a file", 11);
    state *s;
    lerr e;
    CHECK(state_open(&s, d, 1, &e) == STATE_OK);
    state_set(s, 1, 1, 1);
    CHECK(state_save(s, &e) == STATE_OK);
    CHECKF(!strcmp(listing(d), STATE_FILE), "dir holds: %s", listing(d));
    state_set(s, 2, 2, 2);
    CHECK(state_save(s, &e) == STATE_OK);
    CHECKF(!strcmp(listing(d), STATE_FILE), "dir holds: %s", listing(d));
    CHECK(state_persistent(s));

    /* a save that fails at the rename (state is now a non-empty
     * directory) removes its temp file, and the old content is untouched */
    unlink(file_in(d, STATE_FILE));
    mkdir(file_in(d, STATE_FILE), 0755);
    write_bytes(file_in(file_in(d, STATE_FILE), "x"), "x", 1);
    state_set(s, 3, 3, 3);
    int r = state_save(s, &e);
    CHECKF(r == STATE_MEMORY && strstr(e.msg, "rename"), "r=%d %s", r, e.msg);
    CHECKF(!strcmp(listing(d), STATE_FILE), "dir holds: %s", listing(d));
    CHECK(!state_persistent(s));
    state_close(s);
}

TEST(damaged_file_every_truncation_and_bit_flip)
{
    size_t n;
    uint8_t *good = sample(&n);
    CHECK(good != NULL);
    if (!good) return;
    state *s;
    lerr e;
    state_open(&s, NULL, 0, NULL);
    CHECK(state_parse(s, good, n, &e) == STATE_OK && state_count(s) == 4);

    /* in memory: every truncation, every single-bit flip; s unchanged */
    int accepted = 0;
    for (size_t len = 0; len < n; len++) {
        uint8_t *cut = malloc(len ? len : 1); /* exact size: ASan sees any overread */
        memcpy(cut, good, len);
        accepted += state_parse(s, cut, len, &e) != STATE_EDAMAGED;
        free(cut);
    }
    CHECKF(accepted == 0, "%d truncations accepted", accepted);
    for (size_t i = 0; i < n; i++)
        for (int bit = 0; bit < 8; bit++) {
            uint8_t *f = malloc(n);
            memcpy(f, good, n);
            f[i] ^= (uint8_t)(1u << bit);
            accepted += state_parse(s, f, n, &e) != STATE_EDAMAGED;
            free(f);
        }
    CHECKF(accepted == 0, "%d bit flips accepted", accepted);
    CHECK(state_count(s) == 4);
    state_close(s);

    /* on disk: every truncation is ignored with a message naming the file */
    const char *d = mkdir_named("damaged");
    const char *path = file_in(d, STATE_FILE);
    int quiet = 0, kept = 0;
    for (size_t len = 0; len < n; len++) {
        write_bytes(path, good, len);
        int r = state_open(&s, d, 1, &e);
        quiet += !(r & STATE_IGNORED) || !strstr(e.msg, path) || !strstr(e.msg, "ignored");
        kept += s && state_count(s) != 0;
        state_close(s);
    }
    CHECKF(quiet == 0 && kept == 0, "quiet=%d kept=%d", quiet, kept);
    /* and a few bit flips */
    for (size_t i = 0; i < n; i += 7) {
        uint8_t f[4096];
        memcpy(f, good, n);
        f[i] ^= 0x10;
        write_bytes(path, f, n);
        int r = state_open(&s, d, 1, &e);
        CHECKF(r == STATE_IGNORED && state_count(s) == 0, "flip at %zu: r=%d", i, r);
        state_close(s);
    }
    /* the next save replaces the damaged file */
    state_open(&s, d, 1, &e);
    state_set(s, 9, 9, 9);
    CHECK(state_save(s, &e) == STATE_OK);
    state_close(s);
    CHECK(state_open(&s, d, 1, &e) == STATE_OK && state_count(s) == 1);
    state_close(s);
    free(good);
}

/* Bodies with a correct checksum that still break the grammar. */
TEST(valid_checksum_bad_body)
{
    static const char *bodies[] = {
        "essay 2 0000000000000001 5\nessay 1 0000000000000001 5\n", /* order */
        "essay 1 0000000000000001 5\nessay 1 0000000000000002 6\n", /* repeat */
        "essay 01 0000000000000001 5\n",                            /* leading zero */
        "essay 0 0000000000000001 5\n",
        "essay 16777217 0000000000000001 5\n",
        "essay 1 0000000000000001 4294967296\n",
        "essay 1 000000000000000A 5\n", /* upper case */
        "essay 1 000000000000001 5\n",
        "essay 1 0000000000000001 5",   /* no final newline */
        "essay 1 0000000000000001 5\n\n",
        "essay 1 0000000000000001 5\r\n",
        "essay  1 0000000000000001 5\n",
        "essay 1 0000000000000001 -5\n",
        "Essay 1 0000000000000001 5\n",
        "essay 1 0000000000000001 5 6\n",
        "essay 1 00000000000000\0001 5\n",
    };
    static const size_t lens[] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 27};
    state *s;
    state_open(&s, NULL, 0, NULL);
    for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
        size_t bl = lens[i] ? lens[i] : strlen(bodies[i]);
        char file[256];
        int h = snprintf(file, sizeof file, "lectern-state 1\n%016llx\n",
                         (unsigned long long)XXH3_64bits(bodies[i], bl));
        memcpy(file + h, bodies[i], bl);
        lerr e;
        int r = state_parse(s, (const uint8_t *)file, (size_t)h + bl, &e);
        CHECKF(r == STATE_EDAMAGED && strstr(e.msg, "line "), "body %zu: r=%d %s", i, r, e.msg);
    }
    /* the empty body is valid: no positions */
    char file[64];
    int h = snprintf(file, sizeof file, "lectern-state 1\n%016llx\n", (unsigned long long)XXH3_64bits("", 0));
    lerr e;
    CHECK(state_parse(s, (const uint8_t *)file, (size_t)h, &e) == STATE_OK && state_count(s) == 0);
    state_close(s);
}

TEST(old_version_ignored)
{
    const char *d = mkdir_named("old");
    const char *path = file_in(d, STATE_FILE);
    static const char *olds[] = {"lectern-state 0\n0000000000000000\n", "lectern-state 2\nanything",
                                 "lectern-state\n", "position 3 400\n", "\x89PNG\r\n\x1a\n"};
    for (size_t i = 0; i < sizeof olds / sizeof olds[0]; i++) {
        write_bytes(path, olds[i], strlen(olds[i]));
        state *s;
        lerr e;
        int r = state_open(&s, d, 1, &e);
        CHECKF(r == STATE_IGNORED && state_count(s) == 0 && strstr(e.msg, "ignored"), "%zu: r=%d %s", i, r, e.msg);
        if (i == 0) CHECKF(strstr(e.msg, "version 0"), "%s", e.msg);
        if (i == 3) CHECKF(strstr(e.msg, "not a lectern state file"), "%s", e.msg);
        state_set(s, 5, 5, 5);
        CHECK(state_save(s, &e) == STATE_OK);
        state_close(s);
        size_t n;
        const uint8_t *b = read_bytes(path, &n);
        CHECK(b && n > 16 && !memcmp(b, "lectern-state 1\n", 16));
    }
    /* too large, and not a file */
    uint8_t *big = calloc(1, STATE_MAX_FILE + 10);
    memcpy(big, "lectern-state 1\n", 16);
    write_bytes(path, big, STATE_MAX_FILE + 10);
    free(big);
    state *s;
    lerr e;
    CHECK(state_open(&s, d, 1, &e) == STATE_IGNORED && strstr(e.msg, "too large"));
    state_close(s);
    unlink(path);
    mkdir(path, 0755);
    CHECK(state_open(&s, d, 1, &e) == STATE_IGNORED && state_count(s) == 0);
    state_close(s);
}

/* Can this process create a file in dir? (root ignores mode bits) */
static int can_create(const char *dir)
{
    char p[256];
    snprintf(p, sizeof p, "%s/.probe", dir);
    int fd = open(p, O_WRONLY | O_CREAT | O_EXCL, 0644);
    if (fd < 0) return 0;
    close(fd);
    unlink(p);
    return 1;
}

TEST(read_only_directory)
{
    /* A directory with a saved position, then made read-only. As root,
     * chmod does not stop writes: then use /sys (or /proc/self), which
     * exist and refuse new files even to root. */
    const char *d = mkdir_named("ro");
    state *s;
    lerr e;
    state_open(&s, d, 1, &e);
    state_set(s, 2, 22, 222);
    state_save(s, &e);
    state_close(s);
    chmod(d, 0555);
    const char *ro = d;
    int have_file = 1;
    if (can_create(d)) {
        have_file = 0;
        ro = NULL;
        static const char *alt[] = {"/sys", "/proc/self"};
        for (size_t i = 0; i < 2 && !ro; i++) {
            struct stat st;
            if (stat(alt[i], &st) == 0 && S_ISDIR(st.st_mode) && !can_create(alt[i])) ro = alt[i];
        }
        printf("# running as root: using %s as the read-only directory\n", ro ? ro : "(none)");
    }
    CHECK(ro != NULL);
    if (ro) {
        int r = state_open(&s, ro, 1, &e);
        CHECKF(r == STATE_MEMORY && strstr(e.msg, "not writable") && strstr(e.msg, "memory only"), "r=%d %s", r,
               e.msg);
        CHECK(!state_persistent(s));
        uint32_t off;
        if (have_file) CHECK(state_get(s, 2, 22, &off) && off == 222); /* reading still resumes */
        /* works the same in memory, and says nothing more */
        CHECK(state_set(s, 7, 70, 700) == STATE_OK && state_get(s, 7, 70, &off) && off == 700);
        e.msg[0] = '\0';
        CHECK(state_save(s, &e) == STATE_OK && e.msg[0] == '\0');
        CHECK(state_save(s, &e) == STATE_OK && e.msg[0] == '\0');
        state_close(s);
    }
    chmod(d, 0755);
    CHECKF(!strcmp(listing(d), STATE_FILE), "%s", listing(d));
}

TEST(missing_directory)
{
    static const char *why[] = {"No such file", "Not a directory"};
    const char *file = dir_named("plainfile");
    write_bytes(file, "x", 1);
    const char *dirs[] = {dir_named("does/not/exist"), file_in(file, "sub")};
    for (int i = 0; i < 2; i++) {
        state *s;
        lerr e;
        int r = state_open(&s, dirs[i], 1, &e);
        CHECKF(r == STATE_MEMORY && strstr(e.msg, dirs[i]) && strstr(e.msg, why[i]), "r=%d %s", r, e.msg);
        uint32_t off;
        CHECK(state_set(s, 1, 1, 10) == STATE_OK && state_get(s, 1, 1, &off) && off == 10);
        e.msg[0] = '\0';
        CHECK(state_save(s, &e) == STATE_OK && e.msg[0] == '\0' && !state_persistent(s));
        state_close(s);
    }
    struct stat st;
    CHECK(stat(dir_named("does"), &st) != 0); /* never created */
    state *s;
    lerr e;
    CHECK(state_open(&s, "", 1, &e) == STATE_MEMORY && strstr(e.msg, "no state directory"));
    state_close(s);
}

TEST(state_off)
{
    const char *d = mkdir_named("off");
    state *s;
    lerr e;
    state_open(&s, d, 1, &e);
    state_set(s, 1, 11, 111);
    state_save(s, &e);
    state_close(s);
    size_t n0, n1;
    uint8_t before[4096];
    const uint8_t *b = read_bytes(file_in(d, STATE_FILE), &n0);
    memcpy(before, b, n0);

    int r = state_open(&s, d, 0, &e);
    CHECKF(r == STATE_MEMORY && strstr(e.msg, "state = off"), "r=%d %s", r, e.msg);
    uint32_t off;
    CHECK(state_count(s) == 0 && !state_get(s, 1, 11, &off)); /* a public kiosk starts fresh */
    CHECK(state_set(s, 1, 11, 5) == STATE_OK && state_get(s, 1, 11, &off) && off == 5);
    CHECK(state_save(s, &e) == STATE_OK);
    state_close(s);
    b = read_bytes(file_in(d, STATE_FILE), &n1);
    CHECK(b && n1 == n0 && !memcmp(b, before, n0));
    CHECKF(!strcmp(listing(d), STATE_FILE), "%s", listing(d));
}

TEST(failing_save_is_said_once)
{
    const char *d = mkdir_named("vanish");
    state *s;
    lerr e;
    CHECK(state_open(&s, d, 1, &e) == STATE_OK);
    state_set(s, 1, 1, 1);
    rmdir(d); /* the directory goes away under us */
    int r = state_save(s, &e);
    CHECKF(r == STATE_MEMORY && strstr(e.msg, "cannot create") && strstr(e.msg, d), "r=%d %s", r, e.msg);
    CHECK(!state_persistent(s));
    state_set(s, 2, 2, 2);
    e.msg[0] = '\0';
    CHECK(state_save(s, &e) == STATE_OK && e.msg[0] == '\0'); /* quiet the second time */
    uint32_t off;
    CHECK(state_get(s, 1, 1, &off) && state_get(s, 2, 2, &off));
    /* it comes back: the next save works and writes everything */
    mkdir(d, 0755);
    CHECK(state_save(s, &e) == STATE_OK && state_persistent(s));
    state_close(s);
    CHECK(state_open(&s, d, 1, &e) == STATE_OK && state_count(s) == 2);
    state_close(s);
}

TEST(format_is_canonical)
{
    size_t n;
    uint8_t *good = sample(&n);
    state *s;
    lerr e;
    state_open(&s, NULL, 0, NULL);
    CHECK(good && state_parse(s, good, n, &e) == STATE_OK);
    uint8_t *again;
    size_t m;
    CHECK(state_format(s, &again, &m) == STATE_OK && m == n && !memcmp(again, good, n));
    free(again);
    free(good);
    state_close(s);
}


/* A symlink at state.tmp (placed by someone who can write the state
 * directory) is never followed: the file it points to keeps its bytes and
 * the save still works. A symlink at state is replaced, not written
 * through. */
TEST(symlinks_not_followed)
{
    const char *d = mkdir_named("links");
    const char *victim = dir_named("victim"), *victim2 = dir_named("victim2");
    CHECK(write_bytes(victim, "precious", 8) == 0 && write_bytes(victim2, "precious too", 12) == 0);
    CHECK(symlink(victim, file_in(d, STATE_TMP)) == 0);
    state *s;
    lerr e;
    int r = state_open(&s, d, 1, &e);
    CHECKF(r == STATE_OK && state_persistent(s), "r=%d %s", r, e.msg);
    size_t n;
    const uint8_t *b = read_bytes(victim, &n);
    CHECK(b && n == 8 && !memcmp(b, "precious", 8)); /* the open's write probe did not follow it */
    CHECK(symlink(victim, file_in(d, STATE_TMP)) == 0 || errno == EEXIST);
    state_set(s, 1, 7, 70);
    r = state_save(s, &e);
    CHECKF(r == STATE_OK, "r=%d %s", r, e.msg);
    b = read_bytes(victim, &n);
    CHECK(b && n == 8 && !memcmp(b, "precious", 8));
    CHECKF(!strcmp(listing(d), STATE_FILE), "dir holds: %s", listing(d));
    /* state itself a link to another file: the save replaces the link */
    unlink(file_in(d, STATE_FILE));
    CHECK(symlink(victim2, file_in(d, STATE_FILE)) == 0);
    state_set(s, 2, 8, 80);
    CHECK(state_save(s, &e) == STATE_OK);
    b = read_bytes(victim2, &n);
    CHECK(b && n == 12 && !memcmp(b, "precious too", 12));
    struct stat st;
    CHECK(lstat(file_in(d, STATE_FILE), &st) == 0 && S_ISREG(st.st_mode));
    state_close(s);
    r = state_open(&s, d, 1, &e);
    uint32_t off = 0;
    CHECK(r == STATE_OK && state_get(s, 2, 8, &off) && off == 80);
    state_close(s);
}

/* A FIFO (or a directory) as the state file is ignored with a message that
 * says what it is, at once: the reader must not hang on it. */
TEST(fifo_state_file_ignored)
{
    const char *d = mkdir_named("fifo");
    CHECK(mkfifo(file_in(d, STATE_FILE), 0600) == 0);
    alarm(20); /* a hang is a failure, not a stuck test run */
    state *s;
    lerr e;
    int r = state_open(&s, d, 1, &e);
    alarm(0);
    CHECKF(r == STATE_IGNORED && strstr(e.msg, "FIFO") && strstr(e.msg, "ignored"), "r=%d %s", r, e.msg);
    CHECK(s && state_count(s) == 0);
    /* the next save replaces it with a real file */
    state_set(s, 1, 1, 1);
    CHECK(state_save(s, &e) == STATE_OK);
    struct stat st;
    CHECK(lstat(file_in(d, STATE_FILE), &st) == 0 && S_ISREG(st.st_mode));
    state_close(s);
}

int main(void)
{
    snprintf(root, sizeof root, "/tmp/lectern-test-state.XXXXXX");
    if (!mkdtemp(root)) { perror("mkdtemp"); return 1; }
    RUN(round_trip);
    RUN(atomic_write_leaves_no_temp_files);
    RUN(damaged_file_every_truncation_and_bit_flip);
    RUN(valid_checksum_bad_body);
    RUN(old_version_ignored);
    RUN(read_only_directory);
    RUN(missing_directory);
    RUN(state_off);
    RUN(failing_save_is_said_once);
    RUN(format_is_canonical);
    RUN(symlinks_not_followed);
    RUN(fifo_state_file_ignored);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "chmod -R u+w '%s'; rm -rf '%s'", root, root);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", root);
    return T_END();
}

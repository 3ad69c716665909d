/* test_import.c - finding new essays on a stick or the boot partition
 * (src/import.h): packs and folders, hostile files (a FIFO named x.lpk, a
 * symbolic link out of the stick), import = signed, the memory of what was
 * offered, the install in a child process, and going back. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "fileio.h"
#include "import.h"
#include "pack.h"
#include "pack_sign.h"
#include "t.h"

static char root[256];

static const char *at(const char *rel)
{
    static char p[4][1024];
    static int k;
    k = (k + 1) & 3;
    snprintf(p[k], sizeof p[k], "%s/%s", root, rel);
    return p[k];
}

static void put(const char *rel, const char *text)
{
    FILE *f = fopen(at(rel), "wb");
    if (!f) {
        perror(at(rel));
        exit(1);
    }
    fputs(text, f);
    fclose(f);
}

static int put_bytes(const char *rel, const uint8_t *b, size_t n)
{
    FILE *f = fopen(at(rel), "wb");
    if (!f) return -1;
    size_t w = fwrite(b, 1, n, f);
    fclose(f);
    return w == n ? 0 : -1;
}

static uint8_t *pack_img;
static size_t pack_n;
static size_t pack_count_essays;

/* journal lines said by import_find */
typedef struct lines {
    char v[16][1024];
    int n;
} lines;

static void report(void *ctx, const char *line)
{
    lines *L = ctx;
    if (L->n < 16) snprintf(L->v[L->n], sizeof L->v[0], "%s", line);
    if (getenv("T_VERBOSE")) fprintf(stderr, "said: %s\n", line);
    L->n++;
}

static int said(const lines *L, const char *want)
{
    for (int i = 0; i < L->n && i < 16; i++)
        if (strstr(L->v[i], want)) return 1;
    return 0;
}

static void rm_rf(const char *p)
{
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", p);
    if (system(cmd) != 0) fprintf(stderr, "  (could not remove %s)\n", p);
}

static void fresh(void)
{
    rm_rf(root);
    if (mkdir(root, 0755) || mkdir(at("media"), 0755) || mkdir(at("boot"), 0755) || mkdir(at("keys"), 0755)) {
        perror(root);
        exit(1);
    }
}

static import_opts opts(int mode, lines *L)
{
    static char media[300], boot[300], keys[300]; /* at()'s buffers are reused */
    snprintf(media, sizeof media, "%s/media", root);
    snprintf(boot, sizeof boot, "%s/boot", root);
    snprintf(keys, sizeof keys, "%s/keys", root);
    import_opts o = {mode, media, boot, keys, report, L};
    return o;
}

TEST(a_folder_on_a_stick_is_offered_once)
{
    fresh();
    mkdir(at("media/sda1"), 0755);
    mkdir(at("media/sda1/lectern"), 0755);
    mkdir(at("media/sda1/lectern/more"), 0755);
    put("media/sda1/lectern/one.txt", "One\n\nThe first essay.\n");
    put("media/sda1/lectern/Two.MD", "# Two\n\nThe second.\n");
    put("media/sda1/lectern/more/three.md", "# Three\n\nThe third.\n");
    put("media/sda1/lectern/._one.txt", "mac resource fork");
    put("media/sda1/lectern/photo.jpg", "not an essay");
    import_scan *s = NULL;
    lerr e;
    CHECK(import_scan_new(&s, &e) == 0);
    if (!s) return;
    lines L = {0};
    import_opts o = opts(IMPORT_ASK, &L);
    import_cand c;
    CHECK(import_find(s, &o, 1, &c, &e) == 1);
    CHECKF(c.kind == IMPORT_KIND_FOLDER && c.where == IMPORT_USB && c.essays == 2, /* not more/: the packer does not take it */ "kind %d where %d essays %zu",
           c.kind, c.where, c.essays);
    CHECK(!strcmp(c.path, at("media/sda1/lectern")) && c.key[0] == 0);
    /* until it is offered, it is found again; once offered (Load or Cancel), not */
    import_cand c2;
    CHECK(import_find(s, &o, 1, &c2, &e) == 1 && !strcmp(c2.path, c.path));
    CHECK(import_mark(s, &c) == 0);
    CHECK(import_find(s, &o, 1, &c2, &e) == 0);
    CHECK(import_find(s, &o, 0, &c2, &e) == 0);
    /* the stick again with another essay: asked again */
    put("media/sda1/lectern/four.txt", "Four\n\nA fourth essay, longer than the others.\n");
    int r4 = import_find(s, &o, 1, &c2, &e);
    CHECKF(r4 == 1 && c2.essays == 3, "r %d essays %zu %s", r4, c2.essays, c2.path);
    /* pulled out: forgotten; the same stick put in again is asked again */
    import_mark(s, &c2);
    CHECK(import_find(s, &o, 1, &c2, &e) == 0);
    rm_rf(at("media/sda1"));
    CHECK(import_find(s, &o, 1, &c2, &e) == 0);
    mkdir(at("media/sda1"), 0755);
    mkdir(at("media/sda1/lectern"), 0755);
    put("media/sda1/lectern/one.txt", "One\n\nThe first essay.\n");
    CHECK(import_find(s, &o, 1, &c2, &e) == 1 && c2.essays == 1);
    /* import = off: nothing */
    import_opts off = opts(IMPORT_OFF, &L);
    CHECK(import_find(s, &off, 1, &c2, &e) == 0);
    import_scan_free(s);
}

TEST(a_pack_on_a_stick_counts_its_essays)
{
    fresh();
    mkdir(at("media/sdb1"), 0755);
    CHECK(put_bytes("media/sdb1/New Essays.LPK", pack_img, pack_n) == 0);
    import_scan *s = NULL;
    lerr e;
    CHECK(import_scan_new(&s, &e) == 0);
    if (!s) return;
    lines L = {0};
    import_opts o = opts(IMPORT_ASK, &L);
    import_cand c;
    CHECK(import_find(s, &o, 1, &c, &e) == 1);
    CHECKF(c.kind == IMPORT_KIND_PACK && c.essays == pack_count_essays && c.size == pack_n, "essays %zu of %zu",
           c.essays, pack_count_essays);
    CHECK(!strcmp(c.path, at("media/sdb1/New Essays.LPK")));
    /* not a pack at all: said once, not offered */
    import_mark(s, &c);
    put("media/sdb1/notes.lpk", "this is not a pack\n");
    CHECK(import_find(s, &o, 1, &c, &e) == 0 && said(&L, "notes.lpk is not offered: it is not a pack"));
    int before = L.n;
    CHECK(import_find(s, &o, 1, &c, &e) == 0 && L.n == before);
    import_scan_free(s);
}

TEST(a_fifo_or_a_link_is_never_followed)
{
    fresh();
    mkdir(at("media/sdc1"), 0755);
    CHECK(mkfifo(at("media/sdc1/x.lpk"), 0644) == 0); /* nobody writes to it: a blocking open would hang */
    CHECK(put_bytes("outside.lpk", pack_img, pack_n) == 0);
    CHECK(symlink(at("outside.lpk"), at("media/sdc1/y.lpk")) == 0);
    mkdir(at("elsewhere"), 0755);
    mkdir(at("elsewhere/lectern"), 0755);
    put("elsewhere/lectern/a.txt", "A\n\nText.\n");
    CHECK(symlink(at("elsewhere"), at("media/sdd1")) == 0); /* a "stick" that is a link */
    CHECK(symlink(at("elsewhere/lectern"), at("media/sdc1/lectern")) == 0);
    import_scan *s = NULL;
    lerr e;
    CHECK(import_scan_new(&s, &e) == 0);
    if (!s) return;
    lines L = {0};
    import_opts o = opts(IMPORT_ASK, &L);
    import_cand c;
    CHECK(import_find(s, &o, 1, &c, &e) == 0);
    CHECKF(said(&L, "x.lpk is not looked at: it is a FIFO"), "%d lines: %s", L.n, L.v[0]);
    CHECK(said(&L, "y.lpk is not looked at: it is a symbolic link"));
    CHECK(said(&L, "sdc1/lectern is not looked at: it is a symbolic link"));
    CHECK(!said(&L, "sdd1")); /* not a stick's folder: not even looked into */
    import_scan_free(s);
}

TEST(the_boot_partition)
{
    fresh();
    CHECK(put_bytes("boot/lectern.lpk", pack_img, pack_n) == 0);
    CHECK(put_bytes("boot/other.lpk", pack_img, pack_n) == 0); /* only lectern.lpk there */
    import_scan *s = NULL;
    lerr e;
    CHECK(import_scan_new(&s, &e) == 0);
    if (!s) return;
    lines L = {0};
    import_opts o = opts(IMPORT_ASK, &L);
    import_cand c;
    CHECK(import_find(s, &o, 0, &c, &e) == 0); /* looked at on start only */
    CHECK(import_find(s, &o, 1, &c, &e) == 1 && c.where == IMPORT_BOOT && !strcmp(c.path, at("boot/lectern.lpk")));
    import_mark(s, &c);
    CHECK(import_find(s, &o, 1, &c, &e) == 0);
    /* kept across starts: a new scanner that reads the file does not offer it again */
    const char *kept = at("imported.lpk.offered");
    CHECKF(import_scan_save(s, kept, &e) == 0, "%s", e.msg);
    import_scan_free(s);
    s = NULL;
    CHECK(import_scan_new(&s, &e) == 0);
    if (!s) return;
    CHECK(import_find(s, &o, 1, &c, &e) == 1); /* without the file: offered */
    import_scan_free(s);
    CHECK(import_scan_new(&s, &e) == 0);
    if (!s) return;
    CHECKF(import_scan_load(s, kept, &e) == 0, "%s", e.msg);
    CHECK(import_find(s, &o, 1, &c, &e) == 0);
    /* the card's essays changed since: offered again */
    CHECK(put_bytes("boot/lectern.lpk", pack_img, pack_n - 0) == 0);
    struct timespec ts[2] = {{0, UTIME_OMIT}, {1000000000, 0}};
    CHECK(utimensat(AT_FDCWD, at("boot/lectern.lpk"), ts, 0) == 0);
    CHECK(import_find(s, &o, 1, &c, &e) == 1);
    import_scan_free(s);
    /* a damaged file is ignored as a whole, with the line */
    put("bad.offered", "lectern-offered 1\n12 34 /x\nnot a line\n");
    CHECK(import_scan_new(&s, &e) == 0);
    if (!s) return;
    CHECK(import_scan_load(s, at("bad.offered"), &e) == -1 && strstr(e.msg, "bad.offered:3: not a list"));
    put("bad.offered", "something else\n");
    CHECK(import_scan_load(s, at("bad.offered"), &e) == -1);
    CHECK(import_find(s, &o, 1, &c, &e) == 1);
    import_scan_free(s);
}

TEST(signed_mode_takes_only_packs_signed_by_a_known_key)
{
    fresh();
    uint8_t pk2[PSIGN_PUBLIC_SIZE], sk2[PSIGN_SECRET_SIZE];
    lerr e;
    CHECK(psign_init(&e) == 0);
    psign_keypair(pk2, sk2); /* another museum's key */
    uint8_t *good = NULL, *other = NULL;
    size_t gn = 0, on = 0;
    CHECK(psign_sign(pack_img, pack_n, sk2, &other, &on, &e) == 0);
    psign_wipe(sk2, sizeof sk2);
    /* this museum's key, as `lectern-pack keygen` writes it; its .pub in keys_dir */
    char cwd[512];
    CHECK(getcwd(cwd, sizeof cwd) != NULL);
    CHECK(chdir(root) == 0);
    CHECK(psign_keygen("museum", NULL, &e) == 0);
    CHECK(chdir(cwd) == 0);
    uint8_t msk[PSIGN_SECRET_SIZE];
    int loose = 0;
    CHECK(psign_load_secret(at("museum.key"), msk, &loose, &e) == 0);
    CHECK(psign_sign(pack_img, pack_n, msk, &good, &gn, &e) == 0);
    psign_wipe(msk, sizeof msk);
    CHECK(rename(at("museum.pub"), at("keys/museum.pub")) == 0);
    if (!good || !other) return;
    mkdir(at("media/sde1"), 0755);
    CHECK(put_bytes("media/sde1/b-museum.lpk", good, gn) == 0);
    mkdir(at("media/sda1"), 0755);
    mkdir(at("media/sda1/lectern"), 0755);
    put("media/sda1/lectern/one.txt", "One\n\nText.\n");
    CHECK(put_bytes("media/sda1/a-unsigned.lpk", pack_img, pack_n) == 0);
    CHECK(put_bytes("media/sda1/b-other.lpk", other, on) == 0);
    uint8_t *bent = malloc(gn);
    if (bent) {
        memcpy(bent, good, gn);
        bent[gn / 2] ^= 0x10;
        CHECK(put_bytes("media/sda1/c-tampered.lpk", bent, gn) == 0);
        free(bent);
    }
    import_scan *s = NULL;
    CHECK(import_scan_new(&s, &e) == 0);
    if (!s) return;
    lines L = {0};
    import_opts o = opts(IMPORT_SIGNED, &L);
    import_cand c;
    /* import_find reads only the signature block: the tampered pack names
     * the museum's key, and is found first (by name); the whole check, in
     * lectern-pack verify, refuses it */
    char packer[1024], cwd2[512], abs[1024];
    CHECK(getcwd(cwd2, sizeof cwd2) != NULL);
    snprintf(abs, sizeof abs, "%s/%s", cwd2, t_build("lectern-pack"));
    CHECKF(import_find_packer(abs, packer, sizeof packer, &e) == 0, "%s", e.msg);
    CHECK(import_find(s, &o, 1, &c, &e) == 1);
    CHECKF(!strcmp(c.path, at("media/sda1/c-tampered.lpk")) && !strcmp(c.key, at("keys/museum.pub")),
           "%s key %s", c.path, c.key);
    CHECK(said(&L, "a-unsigned.lpk is not loaded: it is not signed"));
    CHECK(said(&L, "b-other.lpk is not loaded: it is signed by key"));
    import_job j;
    CHECKF(import_verify_start(&j, packer, &c, &e) == 0, "%s", e.msg);
    CHECK(import_job_poll(&j, 1) == 1 && j.status != 0);
    char why[IMPORT_MSG_MAX];
    import_job_first_line(&j, why, sizeof why);
    CHECKF(strstr(why, "c-tampered.lpk") && !strstr(why, "lectern-pack:"),
           "%s", why);
    import_mark(s, &c);
    /* then the one signed by the key in keys_dir, after every other one was said */
    CHECK(import_find(s, &o, 1, &c, &e) == 1);
    CHECKF(!strcmp(c.path, at("media/sde1/b-museum.lpk")) && !strcmp(c.key, at("keys/museum.pub")),
           "%s key %s", c.path, c.key);
    CHECK(said(&L, "lectern is not loaded: a folder of essays carries no signature"));
    CHECKF(import_verify_start(&j, packer, &c, &e) == 0, "%s", e.msg);
    CHECK(import_job_poll(&j, 1) == 1 && j.status == 0);
    /* without a key there is nothing to check with */
    import_cand nokey = c;
    nokey.key[0] = 0;
    CHECK(import_verify_start(&j, packer, &nokey, &e) == -1 && strstr(e.msg, "no key"));
    import_mark(s, &c);
    int before = L.n;
    CHECK(import_find(s, &o, 1, &c, &e) == 0 && L.n == before); /* each said once */
    /* no keys at all: nothing is offered */
    import_scan_free(s);
    s = NULL;
    unlink(at("keys/museum.pub"));
    CHECK(import_scan_new(&s, &e) == 0);
    if (s) {
        L.n = 0;
        CHECK(import_find(s, &o, 1, &c, &e) == 0 && said(&L, "there is no key in"));
    }
    import_scan_free(s);
    free(good);
    free(other);
}

TEST(the_media_folder_and_each_sticks_folder_are_watched)
{
    fresh();
    import_scan *s = NULL;
    lerr e;
    CHECK(import_scan_new(&s, &e) == 0);
    if (!s) return;
    CHECK(import_media_changed(s, at("media")) == 1); /* the first look */
    CHECK(import_media_changed(s, at("media")) == 0);
    mkdir(at("media/sdf1"), 0755); /* a stick mounted */
    CHECK(import_media_changed(s, at("media")) == 1);
    CHECK(import_media_changed(s, at("media")) == 0);
    rmdir(at("media/sdf1")); /* pulled */
    CHECK(import_media_changed(s, at("media")) == 1);
    /* lectern-media makes the folder, and mounts the stick over it only
     * seconds later on a slow Pi: the mount changes nothing of the media
     * folder itself, only what the stick's name reaches. Here the folder's
     * own times change (which leaves the media folder's inode as it was). */
    mkdir(at("media/sdg1"), 0700);
    CHECK(import_media_changed(s, at("media")) == 1); /* the empty folder */
    CHECK(import_media_changed(s, at("media")) == 0);
    struct stat before, after;
    CHECK(stat(at("media"), &before) == 0);
    struct timespec t[2] = {{1000000000, 0}, {1000000000, 0}};
    CHECK(utimensat(AT_FDCWD, at("media/sdg1"), t, 0) == 0); /* "mounted" */
    CHECK(stat(at("media"), &after) == 0);
    CHECK(after.st_ctim.tv_nsec == before.st_ctim.tv_nsec && after.st_mtim.tv_nsec == before.st_mtim.tv_nsec);
    CHECK(import_media_changed(s, at("media")) == 1);
    CHECK(import_media_changed(s, at("media")) == 0);
    rmdir(at("media/sdg1"));
    CHECK(import_media_changed(s, at("media")) == 1);
    rm_rf(at("media"));
    CHECK(import_media_changed(s, at("media")) == 1);
    CHECK(import_media_changed(s, at("media")) == 0);
    import_scan_free(s);
}

static int file_is(const char *path, const uint8_t *b, size_t n)
{
    uint8_t *got = NULL;
    size_t gn = 0;
    lerr e;
    if (fio_read_all(path, 1u << 30, &got, &gn, &e)) return 0;
    int same = gn == n && !memcmp(got, b, n);
    free(got);
    return same;
}

TEST(load_runs_the_packer_and_says_what_failed)
{
    fresh();
    char packer[1024];
    lerr e;
    char abs[1024];
    char cwd[512];
    CHECK(getcwd(cwd, sizeof cwd) != NULL);
    snprintf(abs, sizeof abs, "%s/%s", cwd, t_build("lectern-pack"));
    CHECKF(import_find_packer(abs, packer, sizeof packer, &e) == 0, "%s", e.msg);
    CHECK(import_find_packer("/nonexistent/lectern-pack", packer, sizeof packer, &e) == -1 &&
          strstr(e.msg, "not a program"));
    CHECK(import_find_packer(abs, packer, sizeof packer, &e) == 0);
    mkdir(at("media/sda1"), 0755);
    mkdir(at("media/sda1/lectern"), 0755);
    put("media/sda1/lectern/one.txt", "One\n\nThe first essay.\n");
    put("media/sda1/lectern/two.txt", "Two\n\nThe second essay.\n");
    import_cand c = {0};
    snprintf(c.path, sizeof c.path, "%s", at("media/sda1/lectern"));
    c.kind = IMPORT_KIND_FOLDER;
    char dest[1024]; /* at()'s buffers are reused */
    snprintf(dest, sizeof dest, "%s", at("imported.lpk"));
    import_job j;
    CHECKF(import_job_start(&j, packer, &c, dest, &e) == 0, "%s", e.msg);
    CHECK(import_job_poll(&j, 1) == 1 && j.status == 0);
    pack *p = NULL;
    CHECKF(pack_open(&p, dest, &e) == 0 && pack_essays(p) == 2, "%s", e.msg);
    pack_close(p);
    CHECK(import_back_kind(dest) == 1);
    /* a damaged pack: the packer says which essay; dest is as it was */
    uint8_t *bad = malloc(pack_n);
    if (!bad) return;
    memcpy(bad, pack_img, pack_n);
    bad[pack_n / 2] ^= 0x55;
    CHECK(put_bytes("media/sda1/bad.lpk", bad, pack_n) == 0);
    free(bad);
    uint8_t *before = NULL;
    size_t bn = 0;
    CHECK(fio_read_all(dest, 1u << 30, &before, &bn, &e) == 0);
    snprintf(c.path, sizeof c.path, "%s", at("media/sda1/bad.lpk"));
    c.kind = IMPORT_KIND_PACK;
    CHECK(import_job_start(&j, packer, &c, dest, &e) == 0);
    int r = 0;
    for (int i = 0; i < 2000 && !(r = import_job_poll(&j, 0)); i++) nanosleep(&(struct timespec){0, 5000000}, NULL); /* as each frame polls */
    CHECK(r == 1 && j.status != 0);
    char msg[IMPORT_MSG_MAX];
    import_job_message(&j, &c, dest, msg, sizeof msg);
    CHECKF(!strncmp(msg, "The essays on the USB stick could not be loaded: ", 49), "%s", msg);
    CHECKF(!strstr(msg, root) && !strstr(msg, "nothing installed"), "%s", msg);
    /* in a teacher's words: the file by its name, what to do; no byte offsets */
    CHECKF(strstr(msg, "the file bad.lpk is damaged") && strstr(msg, "Copy it onto the stick again"), "%s", msg);
    CHECKF(!strstr(msg, "byte") && !strstr(msg, "cluster") && !strstr(msg, "checksum"), "%s", msg);
    /* what the packer said in full is kept for the journal */
    CHECKF(strstr(j.err, "damaged") || strstr(j.err, "checksum"), "%s", j.err);
    if (before) CHECK(file_is(dest, before, bn));
    /* a folder with a file that is not text: the file by its name and line, the folder's path left out */
    put("media/sda1/lectern/b-hole.txt", "Bad\n\nbyte \x81 here\n");
    snprintf(c.path, sizeof c.path, "%s", at("media/sda1/lectern"));
    c.kind = IMPORT_KIND_FOLDER;
    CHECK(import_job_start(&j, packer, &c, dest, &e) == 0);
    CHECK(import_job_poll(&j, 1) == 1 && j.status != 0);
    import_job_message(&j, &c, dest, msg, sizeof msg);
    CHECKF(strstr(msg, "loaded: b-hole.txt:3: byte offset 10: byte 0x81 is not UTF-8 text") && !strstr(msg, root) &&
               !strstr(msg, "problem:"),
           "%s", msg);
    if (before) CHECK(file_is(dest, before, bn));
    free(before);
    CHECK(import_back_kind(dest) == 1);
}

/* A packer that notes many essays without hyphenation before it fails for
 * another cause (a kiosk image without the body font): the screen names the
 * cause, not the first note, however much was said before it. */
TEST(the_cause_of_a_failed_load_is_its_last_line)
{
    fresh();
    char fake[1024];
    snprintf(fake, sizeof fake, "%s", at("fake-packer"));
    put("fake-packer", "#!/bin/sh\n"
                       "i=0; while [ $i -lt 40 ]; do i=$((i + 1)); echo \"lectern-pack: $2/e$i.txt: no hyphenation patterns for "
                       "English (en-US) are installed, so this essay is packed without hyphenation\" >&2; done\n"
                       "echo \"lectern-pack: font 'Charis SIL Regular' is not installed (Debian package fonts-sil-charis)\" >&2\n"
                       "echo \"lectern-pack: nothing installed; $3 is as it was\" >&2\n"
                       "exit 1\n");
    CHECK(chmod(fake, 0755) == 0);
    import_cand c;
    memset(&c, 0, sizeof c);
    snprintf(c.path, sizeof c.path, "%s", at("media/sda1/lectern"));
    c.kind = IMPORT_KIND_FOLDER;
    c.where = IMPORT_USB;
    char dest[1024];
    snprintf(dest, sizeof dest, "%s", at("state/imported.lpk"));
    import_job j;
    lerr e;
    CHECKF(import_job_start(&j, fake, &c, dest, &e) == 0, "%s", e.msg);
    CHECK(import_job_poll(&j, 1) == 1 && j.status == 1);
    /* 40 notes are more than the job keeps: it keeps the end, from a whole line */
    CHECKF(j.err_n < sizeof j.err && strstr(j.err, "nothing installed") && !strstr(j.err, "/e1.txt"), "%s", j.err);
    CHECKF(!strncmp(j.err, "lectern-pack: ", 14), "%.60s", j.err);
    char msg[IMPORT_MSG_MAX];
    import_job_message(&j, &c, dest, msg, sizeof msg);
    CHECKF(strstr(msg, "font 'Charis SIL Regular' is not installed") && !strstr(msg, "hyphenation"), "%s", msg);
}

TEST(going_back_swaps_or_removes)
{
    fresh();
    char dest[1024]; /* at()'s buffers are reused */
    snprintf(dest, sizeof dest, "%s", at("imported.lpk"));
    char prev[1100];
    snprintf(prev, sizeof prev, "%s.previous", dest);
    lerr e;
    CHECK(import_back_kind(dest) == 0);
    CHECK(import_go_back(dest, &e) == -1);
    put("imported.lpk", "new");
    put("imported.lpk.previous", "old");
    CHECK(import_back_kind(dest) == 2);
    CHECKF(import_go_back(dest, &e) == 2, "%s", e.msg);
    CHECK(file_is(dest, (const uint8_t *)"old", 3) && file_is(prev, (const uint8_t *)"new", 3));
    CHECK(access(at("imported.lpk.swap"), F_OK) != 0);
    CHECK(import_go_back(dest, &e) == 2); /* and forth */
    CHECK(file_is(dest, (const uint8_t *)"new", 3) && file_is(prev, (const uint8_t *)"old", 3));
    unlink(prev);
    CHECK(import_back_kind(dest) == 1);
    CHECK(import_go_back(dest, &e) == 1 && access(dest, F_OK) != 0);
    /* a link at dest.previous is not a pack to go back to */
    put("imported.lpk", "new");
    CHECK(symlink("/etc/passwd", prev) == 0);
    CHECK(import_back_kind(dest) == 1);
}

int main(void)
{
    snprintf(root, sizeof root, "/tmp/lectern-test-import-%ld", (long)getpid());
    lerr e;
    if (fio_read_all(t_build("default.lpk"), 1u << 30, &pack_img, &pack_n, &e)) {
        printf("FAIL test_import (no default pack: %s)\n", e.msg);
        return 1;
    }
    pack *p = NULL;
    if (pack_open_mem(&p, pack_img, pack_n, &e)) {
        printf("FAIL test_import (%s)\n", e.msg);
        return 1;
    }
    pack_count_essays = pack_essays(p);
    pack_close(p);
    RUN(a_folder_on_a_stick_is_offered_once);
    RUN(a_pack_on_a_stick_counts_its_essays);
    RUN(a_fifo_or_a_link_is_never_followed);
    RUN(the_boot_partition);
    RUN(signed_mode_takes_only_packs_signed_by_a_known_key);
    RUN(the_media_folder_and_each_sticks_folder_are_watched);
    RUN(load_runs_the_packer_and_says_what_failed);
    RUN(the_cause_of_a_failed_load_is_its_last_line);
    RUN(going_back_swaps_or_removes);
    rm_rf(root);
    free(pack_img);
    return T_END();
}

/* import.c - see import.h. */
#include "import.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <xxhash.h>

#include "fileio.h"
#include "pack.h"
#include "pack_sign.h"
#include "state.h"

extern char **environ;

typedef struct seen {
    char path[IMPORT_PATH_MAX];
    uint64_t size;
    int64_t mtime_ns;
    int where; /* enum import_where */
} seen;

struct import_scan {
    seen *v;
    size_t n, cap;
    int media_known;  /* import_media_changed was called */
    int media_present;
    struct stat media_st;
    uint64_t media_sum; /* the sticks' own folders: sticks_sum */
};

int import_scan_new(import_scan **out, lerr *e)
{
    *out = calloc(1, sizeof **out);
    if (!*out) {
        lerr_set(e, "out of memory");
        return -1;
    }
    return 0;
}

void import_scan_free(import_scan *s)
{
    if (!s) return;
    free(s->v);
    free(s);
}

static int was_seen(const import_scan *s, const import_cand *c)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->v[i].size == c->size && s->v[i].mtime_ns == c->mtime_ns && !strcmp(s->v[i].path, c->path)) return 1;
    return 0;
}

int import_mark(import_scan *s, const import_cand *c)
{
    if (was_seen(s, c)) return 0;
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 8;
        seen *v = realloc(s->v, cap * sizeof *v);
        if (!v) return -1;
        s->v = v;
        s->cap = cap;
    }
    seen *x = &s->v[s->n++];
    snprintf(x->path, sizeof x->path, "%s", c->path);
    x->size = c->size;
    x->mtime_ns = c->mtime_ns;
    x->where = c->where;
    return 0;
}

/* Forget what was seen on sticks that are gone (their folder under the
 * media folder no longer exists). */
static void prune(import_scan *s)
{
    size_t k = 0;
    for (size_t i = 0; i < s->n; i++) {
        struct stat st;
        if (s->v[i].where == IMPORT_USB && lstat(s->v[i].path, &st) != 0 && errno == ENOENT) continue;
        s->v[k++] = s->v[i];
    }
    s->n = k;
}

#define OFFERED_MAGIC "lectern-offered 1\n"
#define OFFERED_MAX (256u << 10)

int import_scan_load(import_scan *s, const char *path, lerr *e)
{
    uint8_t *buf = NULL;
    size_t n = 0;
    if (fio_read_all(path, OFFERED_MAX, &buf, &n, e)) return -1;
    int r = import_scan_parse(s, buf, n, path, e);
    free(buf);
    return r;
}

int import_scan_parse(import_scan *s, const uint8_t *buf, size_t n, const char *path, lerr *e)
{
    size_t ml = sizeof OFFERED_MAGIC - 1;
    int bad = n < ml || memcmp(buf, OFFERED_MAGIC, ml) != 0;
    import_scan tmp = {0};
    size_t at = ml, line = 2;
    while (!bad && at < n) {
        const char *p = (const char *)buf + at, *end = memchr(p, '\n', n - at);
        if (!end) { bad = 1; break; }
        uint64_t size = 0;
        int64_t mt = 0;
        const char *q = p;
        int digits = 0;
        while (q < end && *q >= '0' && *q <= '9' && digits < 19) size = size * 10 + (uint64_t)(*q++ - '0'), digits++;
        if (!digits || q >= end || *q++ != ' ') { bad = 1; break; }
        int neg = q < end && *q == '-';
        q += neg;
        digits = 0;
        while (q < end && *q >= '0' && *q <= '9' && digits < 19 && mt <= (INT64_MAX - 9) / 10)
            mt = mt * 10 + (*q++ - '0'), digits++;
        if (!digits || q >= end || *q++ != ' ' || q >= end || (size_t)(end - q) >= IMPORT_PATH_MAX ||
            memchr(q, 0, (size_t)(end - q))) { bad = 1; break; }
        import_cand c;
        memset(&c, 0, sizeof c);
        memcpy(c.path, q, (size_t)(end - q));
        c.size = size;
        c.mtime_ns = neg ? -mt : mt;
        c.where = IMPORT_BOOT;
        if (import_mark(&tmp, &c)) { bad = 2; break; }
        at = (size_t)(end - (const char *)buf) + 1;
        line++;
    }
    if (bad) {
        free(tmp.v);
        if (bad == 2) lerr_set(e, "out of memory");
        else lerr_set(e, "%s:%zu: not a list of offered essays lectern wrote; it is ignored", path, line);
        return -1;
    }
    for (size_t i = 0; i < tmp.n; i++) {
        import_cand c;
        memset(&c, 0, sizeof c);
        memcpy(c.path, tmp.v[i].path, sizeof c.path);
        c.size = tmp.v[i].size;
        c.mtime_ns = tmp.v[i].mtime_ns;
        c.where = IMPORT_BOOT;
        if (import_mark(s, &c)) {
            free(tmp.v);
            lerr_set(e, "out of memory");
            return -1;
        }
    }
    free(tmp.v);
    return 0;
}

int import_scan_format(const import_scan *s, uint8_t **out, size_t *out_n, lerr *e)
{
    size_t cap = sizeof OFFERED_MAGIC, n = 0;
    for (size_t i = 0; i < s->n; i++) cap += strlen(s->v[i].path) + 48;
    char *buf = malloc(cap);
    if (!buf) {
        lerr_set(e, "out of memory");
        return -1;
    }
    n += (size_t)snprintf(buf, cap, "%s", OFFERED_MAGIC);
    for (size_t i = 0; i < s->n; i++) {
        if (s->v[i].where != IMPORT_BOOT || strchr(s->v[i].path, '\n')) continue;
        n += (size_t)snprintf(buf + n, cap - n, "%llu %lld %s\n", (unsigned long long)s->v[i].size,
                              (long long)s->v[i].mtime_ns, s->v[i].path);
    }
    *out = (uint8_t *)buf;
    *out_n = n;
    return 0;
}

int import_scan_save(const import_scan *s, const char *path, lerr *e)
{
    uint8_t *buf;
    size_t n;
    if (import_scan_format(s, &buf, &n, e)) return -1;
    char dir[IMPORT_PATH_MAX + 16], tmp[IMPORT_PATH_MAX + 16];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash == dir) dir[1] = 0;
    else if (slash) *slash = 0;
    else snprintf(dir, sizeof dir, ".");
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    const char *step = "write";
    int r = state_write_atomic(dir, path, tmp, buf, n, &step);
    free(buf);
    if (r) {
        lerr_set(e, "%s: cannot %s it: %s", path, step, strerror(errno));
        return -1;
    }
    return 0;
}

static int64_t mtime_of(const struct stat *st)
{
    return (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
}

/* What each stick's folder in dfd (which stays open) is now: its name, and
 * the device, inode and times of what that name reaches. A stick mounted
 * over a folder made a moment before (lectern-media makes it, then mounts:
 * seconds apart on a slow Pi) changes neither the media folder's times nor
 * its link count, but the name then reaches another file system. At most
 * IMPORT_STICKS_WATCHED names are looked at. */
static uint64_t sticks_sum(int dfd)
{
    int dup_fd = dup(dfd);
    DIR *d = dup_fd >= 0 ? fdopendir(dup_fd) : NULL;
    if (!d) {
        if (dup_fd >= 0) close(dup_fd);
        return 0;
    }
    uint64_t sum = 0; /* names come in any order: their hashes are added */
    struct dirent *de;
    int n = 0;
    while ((de = readdir(d)) != NULL && n < IMPORT_STICKS_WATCHED) {
        if (de->d_name[0] == '.') continue;
        n++;
        struct stat st;
        if (fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) memset(&st, 0, sizeof st);
        int64_t f[6] = {(int64_t)st.st_dev, (int64_t)st.st_ino, (int64_t)st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
                        (int64_t)st.st_ctim.tv_sec, st.st_ctim.tv_nsec};
        uint8_t b[sizeof f];
        for (size_t i = 0; i < 6; i++)
            for (size_t k = 0; k < 8; k++) b[i * 8 + k] = (uint8_t)((uint64_t)f[i] >> (8 * k));
        /* the name, seeded with what it reaches: two one-shot hashes, nothing allocated */
        sum += XXH3_64bits_withSeed(de->d_name, strlen(de->d_name) + 1, XXH3_64bits(b, sizeof b));
    }
    closedir(d);
    return sum;
}

int import_media_changed(import_scan *s, const char *media_dir)
{
    struct stat st;
    int fd = media_dir ? open(media_dir, O_RDONLY | O_DIRECTORY | O_NONBLOCK | O_CLOEXEC) : -1;
    int present = fd >= 0 && fstat(fd, &st) == 0 && S_ISDIR(st.st_mode);
    uint64_t sum = present ? sticks_sum(fd) : 0;
    if (fd >= 0) close(fd);
    int changed = !s->media_known || present != s->media_present;
    if (present && s->media_known && s->media_present)
        /* st_nlink too: a stick's folder made or removed within one tick of
         * the file system's clock leaves the times as they were */
        changed = st.st_ino != s->media_st.st_ino || st.st_dev != s->media_st.st_dev ||
                  st.st_nlink != s->media_st.st_nlink ||
                  mtime_of(&st) != mtime_of(&s->media_st) || st.st_ctim.tv_sec != s->media_st.st_ctim.tv_sec ||
                  st.st_ctim.tv_nsec != s->media_st.st_ctim.tv_nsec || sum != s->media_sum;
    s->media_known = 1;
    s->media_present = present;
    if (present) s->media_st = st;
    s->media_sum = sum;
    return changed;
}

/* ---- looking ------------------------------------------------------------------------------ */

static void say(const import_opts *o, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
static void say(const import_opts *o, const char *fmt, ...)
{
    if (!o->report) return;
    char line[IMPORT_MSG_MAX + IMPORT_PATH_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    o->report(o->ctx, line);
}

static int ends_ci(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n > k && !strcasecmp(s + n - k, suffix);
}

static int is_essay_name(const char *nm)
{
    return ends_ci(nm, ".txt") || ends_ci(nm, ".md") || ends_ci(nm, ".markdown");
}

/* The essay files in the folder open as dfd (which is closed): counted,
 * their bytes summed and their latest time kept. Symbolic links are not
 * followed; hidden names (., .., ._x from a Mac, .Trashes) are skipped. */
static void count_folder(int dfd, size_t *count, uint64_t *bytes, int64_t *latest)
{
    DIR *d = fdopendir(dfd);
    if (!d) {
        close(dfd);
        return;
    }
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.') continue;
        struct stat st;
        if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
        if (S_ISREG(st.st_mode) && is_essay_name(de->d_name)) {
            (*count)++;
            *bytes += (uint64_t)st.st_size;
            if (mtime_of(&st) > *latest) *latest = mtime_of(&st);
        }
    }
    closedir(d);
}

typedef struct keyring {
    uint8_t pk[IMPORT_KEYS_MAX][PSIGN_PUBLIC_SIZE];
    char file[IMPORT_KEYS_MAX][IMPORT_PATH_MAX];
    size_t n;
    int loaded;
} keyring;

static void load_keys(keyring *k, const import_opts *o)
{
    k->loaded = 1;
    k->n = 0;
    lerr e;
    if (psign_init(&e)) {
        say(o, "import = signed: %s", e.msg);
        return;
    }
    DIR *d = o->keys_dir ? opendir(o->keys_dir) : NULL;
    if (!d) {
        say(o, "import = signed: no keys: %s cannot be read (%s)", o->keys_dir ? o->keys_dir : "keys_dir",
            strerror(errno));
        return;
    }
    struct dirent *de;
    while ((de = readdir(d)) != NULL && k->n < IMPORT_KEYS_MAX) {
        if (de->d_name[0] == '.' || !ends_ci(de->d_name, ".pub")) continue;
        char path[IMPORT_PATH_MAX];
        if (snprintf(path, sizeof path, "%s/%s", o->keys_dir, de->d_name) >= (int)sizeof path) continue;
        if (psign_load_public(path, k->pk[k->n], &e)) {
            say(o, "import = signed: key %s is not used: %s", path, e.msg);
            continue;
        }
        snprintf(k->file[k->n], sizeof k->file[k->n], "%s", path);
        k->n++;
    }
    closedir(d);
}

/* Does the pack p (size bytes) name a key of the ring in its signature
 * block? 1 with c->key set, 0 with why said. Only the block is read here:
 * whether the signature is right, over every byte of the pack, is for
 * `lectern-pack verify` in a child process (import_verify_start), so that
 * a large pack on a stranger's stick never holds up the screen. */
static int signed_claim(const pack *p, uint64_t size, import_cand *c, keyring *k, const import_opts *o)
{
    if (!k->loaded) load_keys(k, o);
    if (!k->n) {
        say(o, "import = signed: %s is not loaded: there is no key in %s to check it with", c->path,
            o->keys_dir ? o->keys_dir : "keys_dir");
        return 0;
    }
    if (size > IMPORT_SIGNED_MAX) {
        say(o, "import = signed: %s is not loaded: it is too large to check (over %u MiB)", c->path,
            IMPORT_SIGNED_MAX >> 20);
        return 0;
    }
    if (!pack_signature(p)) {
        say(o, "import = signed: %s is not loaded: it is not signed", c->path);
        return 0;
    }
    const uint8_t *pk = pack_signature(p)->pubkey;
    for (size_t i = 0; i < k->n; i++)
        if (!memcmp(pk, k->pk[i], PSIGN_PUBLIC_SIZE)) {
            snprintf(c->key, sizeof c->key, "%s", k->file[i]);
            return 1;
        }
    char fp[PSIGN_FP_SIZE];
    psign_fingerprint(pk, fp);
    say(o, "import = signed: %s is not loaded: it is signed by key %s, which is not in %s", c->path, fp, o->keys_dir);
    return 0;
}

/* The candidate named nm in the folder dfd (dir_path for messages):
 * 1 with *c filled when it is offered, 0 when not (said, or not one at
 * all), -1 out of memory. */
static int consider(import_scan *s, const import_opts *o, int dfd, const char *dir_path, const char *nm, int where,
                    keyring *k, import_cand *c)
{
    memset(c, 0, sizeof *c);
    c->where = where;
    if (snprintf(c->path, sizeof c->path, "%s/%s", dir_path, nm) >= (int)sizeof c->path) return 0;
    struct stat st;
    if (fstatat(dfd, nm, &st, AT_SYMLINK_NOFOLLOW) != 0) return 0;
    int folder = S_ISDIR(st.st_mode);
    c->kind = folder ? IMPORT_KIND_FOLDER : IMPORT_KIND_PACK;
    int fd = openat(dfd, nm, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | (folder ? O_DIRECTORY : 0));
    if (fd < 0) {
        c->size = (uint64_t)st.st_size;
        c->mtime_ns = mtime_of(&st);
        if (was_seen(s, c)) return 0;
        say(o, "import: %s is not looked at: %s", c->path,
            errno == ELOOP ? "it is a symbolic link" : strerror(errno));
        return import_mark(s, c) ? -1 : 0;
    }
    if (fstat(fd, &st) != 0 || (folder ? !S_ISDIR(st.st_mode) : !S_ISREG(st.st_mode))) {
        c->size = (uint64_t)st.st_size;
        c->mtime_ns = mtime_of(&st);
        close(fd);
        if (was_seen(s, c)) return 0;
        say(o, "import: %s is not looked at: it is %s, not a %s", c->path, fio_kind(st.st_mode),
            folder ? "folder" : "regular file");
        return import_mark(s, c) ? -1 : 0;
    }
    if (folder) {
        count_folder(fd, &c->essays, &c->size, &c->mtime_ns);
        if (was_seen(s, c)) return 0;
        if (o->mode == IMPORT_SIGNED) {
            say(o, "import = signed: %s is not loaded: a folder of essays carries no signature (only signed packs are)",
                c->path);
            return import_mark(s, c) ? -1 : 0;
        }
        if (!c->essays) {
            say(o, "import: %s has no .txt or .md essays", c->path);
            return import_mark(s, c) ? -1 : 0;
        }
        return 1;
    }
    c->size = (uint64_t)st.st_size;
    c->mtime_ns = mtime_of(&st);
    if (was_seen(s, c)) {
        close(fd);
        return 0;
    }
    int r = 1;
    if (fcntl(fd, F_SETFL, 0) != 0) r = 0;
    /* the pack reader opens what this descriptor is (and nothing the name
     * may have become since) */
    char via[64];
    snprintf(via, sizeof via, "/proc/self/fd/%d", fd);
    pack *p = NULL;
    lerr e;
    if (r && pack_open(&p, access(via, R_OK) == 0 ? via : c->path, &e)) {
        say(o, "import: %s is not offered: it is not a pack lectern can read (%s)", c->path, e.msg);
        r = 0;
    } else if (r) {
        c->essays = pack_essays(p);
        if (!c->essays) {
            say(o, "import: %s is not offered: the pack has no essays", c->path);
            r = 0;
        } else if (o->mode == IMPORT_SIGNED && !signed_claim(p, c->size, c, k, o)) {
            r = 0;
        }
        pack_close(p);
    }
    close(fd);
    if (!r) return import_mark(s, c) ? -1 : 0;
    return 1;
}

static int arr_cmp(const void *x, const void *y) { return strcmp((const char *)x, (const char *)y); }

/* The candidates of one folder (a stick's, or the boot partition's): a
 * stick's *.lpk and lectern/; the boot partition's lectern.lpk and
 * lectern/. Returns as consider does. */
static int look_in(import_scan *s, const import_opts *o, int dfd, const char *dir_path, int where, keyring *k,
                   import_cand *c)
{
    int dup_fd = dup(dfd);
    DIR *d = dup_fd >= 0 ? fdopendir(dup_fd) : NULL;
    if (!d) {
        if (dup_fd >= 0) close(dup_fd);
        return 0;
    }
    /* in name order, so the same stick offers the same pack first */
    char (*names)[256] = NULL;
    size_t n = 0, cap = 0;
    struct dirent *de;
    int r = 0;
    while ((de = readdir(d)) != NULL) {
        const char *nm = de->d_name;
        if (nm[0] == '.') continue;
        int want = where == IMPORT_BOOT ? !strcasecmp(nm, "lectern.lpk") || !strcasecmp(nm, "lectern")
                                        : ends_ci(nm, ".lpk") || !strcasecmp(nm, "lectern");
        if (!want || strlen(nm) >= 256) continue;
        if (n == cap) {
            size_t nc = cap ? cap * 2 : 8;
            void *v = realloc(names, nc * sizeof *names);
            if (!v) {
                r = -1;
                break;
            }
            names = v;
            cap = nc;
        }
        memcpy(names[n++], nm, strlen(nm) + 1);
    }
    closedir(d);
    if (r == 0 && n > 1) qsort(names, n, sizeof *names, arr_cmp);
    for (size_t i = 0; i < n && r == 0; i++) r = consider(s, o, dfd, dir_path, names[i], where, k, c);
    free(names);
    return r;
}

static int name_cmp(const void *x, const void *y) { return strcmp(*(char *const *)x, *(char *const *)y); }

int import_find(import_scan *s, const import_opts *o, int with_boot, import_cand *out, lerr *e)
{
    if (o->mode == IMPORT_OFF) return 0;
    prune(s);
    keyring *k = calloc(1, sizeof *k);
    if (!k) {
        lerr_set(e, "out of memory");
        return -1;
    }
    int r = 0;
    if (with_boot && o->boot_dir) {
        int bfd = open(o->boot_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (bfd >= 0) {
            r = look_in(s, o, bfd, o->boot_dir, IMPORT_BOOT, k, out);
            close(bfd);
        }
    }
    int mfd = r == 0 && o->media_dir ? open(o->media_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
    if (mfd >= 0) {
        int dup_fd = dup(mfd);
        DIR *d = dup_fd >= 0 ? fdopendir(dup_fd) : NULL;
        char **names = NULL;
        size_t n = 0, cap = 0;
        struct dirent *de;
        while (d && (de = readdir(d)) != NULL) {
            if (de->d_name[0] == '.') continue;
            if (n == cap) {
                size_t nc = cap ? cap * 2 : 8;
                char **v = realloc(names, nc * sizeof *v);
                if (!v) break;
                names = v;
                cap = nc;
            }
            if (!(names[n] = strdup(de->d_name))) break;
            n++;
        }
        if (d) closedir(d);
        else if (dup_fd >= 0) close(dup_fd);
        if (n > 1) qsort(names, n, sizeof *names, name_cmp);
        for (size_t i = 0; i < n && r == 0; i++) {
            /* a stick is a folder here, not a link to somewhere else */
            int sfd = openat(mfd, names[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (sfd < 0) continue;
            char dir_path[IMPORT_PATH_MAX];
            if (snprintf(dir_path, sizeof dir_path, "%s/%s", o->media_dir, names[i]) < (int)sizeof dir_path)
                r = look_in(s, o, sfd, dir_path, IMPORT_USB, k, out);
            close(sfd);
        }
        for (size_t i = 0; i < n; i++) free(names[i]);
        free(names);
        close(mfd);
    }
    psign_wipe(k, sizeof *k); /* public keys only, but no reason to leave them about */
    free(k);
    if (r < 0) lerr_set(e, "out of memory");
    return r;
}

/* ---- the packer ---------------------------------------------------------------------------------- */

static int is_exec(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode) && access(p, X_OK) == 0;
}

int import_find_packer(const char *given, char *buf, size_t n, lerr *e)
{
    if (given && *given) {
        if (snprintf(buf, n, "%s", given) >= (int)n || !is_exec(buf)) {
            lerr_set(e, "%s: not a program that can be run", given);
            return -1;
        }
        return 0;
    }
    char exe[4096];
    ssize_t k = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (k > 0) {
        exe[k] = 0;
        char *slash = strrchr(exe, '/');
        if (slash && snprintf(buf, n, "%.*s/lectern-pack", (int)(slash - exe), exe) < (int)n && is_exec(buf))
            return 0;
    }
    const char *path = getenv("PATH");
    if (!path || !*path) path = "/usr/local/bin:/usr/bin:/bin";
    while (*path) {
        const char *end = strchr(path, ':');
        size_t len = end ? (size_t)(end - path) : strlen(path);
        if (len && snprintf(buf, n, "%.*s/lectern-pack", (int)len, path) < (int)n && is_exec(buf)) return 0;
        path += len + (end ? 1 : 0);
    }
    lerr_set(e, "lectern-pack was not found (beside the reader, or on PATH)");
    return -1;
}

/* ---- the job ------------------------------------------------------------------------------------- */

/* Start packer with argv (argv[0] is the packer), its stderr in a pipe. */
static int spawn(import_job *j, const char *packer, char **argv, lerr *e)
{
    memset(j, 0, sizeof *j);
    j->err_fd = -1;
    int p[2];
    if (pipe(p) != 0) {
        lerr_set(e, "cannot start %s: %s", packer, strerror(errno));
        return -1;
    }
    fcntl(p[0], F_SETFD, FD_CLOEXEC);
    fcntl(p[0], F_SETFL, O_NONBLOCK);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, p[1], 2);
    posix_spawn_file_actions_addclose(&fa, p[1]);
    /* the child starts with no signal blocked and the usual dispositions
     * (a kiosk ignores SIGINT; its packer need not) */
    posix_spawnattr_t at;
    posix_spawnattr_init(&at);
    sigset_t none, def;
    sigemptyset(&none);
    sigemptyset(&def);
    sigaddset(&def, SIGINT);
    sigaddset(&def, SIGTERM);
    sigaddset(&def, SIGHUP);
    sigaddset(&def, SIGPIPE);
    posix_spawnattr_setsigmask(&at, &none);
    posix_spawnattr_setsigdefault(&at, &def);
    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    pid_t pid;
    int r = posix_spawn(&pid, packer, &fa, &at, argv, environ);
    posix_spawnattr_destroy(&at);
    posix_spawn_file_actions_destroy(&fa);
    close(p[1]);
    if (r != 0) {
        close(p[0]);
        lerr_set(e, "cannot start %s: %s", packer, strerror(r));
        return -1;
    }
    j->pid = pid;
    j->err_fd = p[0];
    return 0;
}

int import_job_spawn(import_job *j, char **argv, lerr *e) { return spawn(j, argv[0], argv, e); }

int import_job_start(import_job *j, const char *packer, const import_cand *c, const char *dest, lerr *e)
{
    char *argv[8];
    int k = 0;
    argv[k++] = (char *)packer;
    argv[k++] = "install";
    if (c->key[0]) {
        argv[k++] = "--pubkey";
        argv[k++] = (char *)c->key;
    }
    argv[k++] = (char *)c->path;
    argv[k++] = (char *)dest;
    argv[k] = NULL;
    return spawn(j, packer, argv, e);
}

int import_verify_start(import_job *j, const char *packer, const import_cand *c, lerr *e)
{
    if (!c->key[0]) {
        lerr_set(e, "%s: no key to check it with", c->path);
        return -1;
    }
    char *argv[] = {(char *)packer, "verify", "--pubkey", (char *)c->key, (char *)c->path, NULL};
    return spawn(j, packer, argv, e);
}

void import_job_first_line(const import_job *j, char *out, size_t n)
{
    const char *s = j->err;
    size_t len = strcspn(s, "\n");
    if (!len) {
        if (j->status < 0) snprintf(out, n, "the check was stopped");
        else snprintf(out, n, "lectern-pack ended with status %d", j->status);
        return;
    }
    if (!strncmp(s, "lectern-pack: ", 14)) s += 14, len -= 14;
    snprintf(out, n, "%.*s", (int)len, s);
}

static void drain(import_job *j)
{
    char buf[512];
    for (;;) {
        ssize_t r = read(j->err_fd, buf, sizeof buf);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break;
        /* keep the end: a packer that notes each essay without hyphenation
         * says why it failed only after all of those notes */
        size_t cap = sizeof j->err - 1, got = (size_t)r;
        if (j->err_n + got > cap) {
            size_t drop = j->err_n + got - cap;
            if (drop > j->err_n) drop = j->err_n;
            memmove(j->err, j->err + drop, j->err_n - drop);
            j->err_n -= drop;
            j->err_cut = 1;
        }
        size_t take = got < cap - j->err_n ? got : cap - j->err_n;
        memcpy(j->err + j->err_n, buf + got - take, take);
        j->err_n += take;
        j->err[j->err_n] = 0;
        if (j->err_cut) { /* from the first whole line on */
            char *nl = memchr(j->err, '\n', j->err_n);
            if (nl && nl + 1 < j->err + j->err_n) {
                size_t skip = (size_t)(nl + 1 - j->err);
                memmove(j->err, nl + 1, j->err_n - skip + 1);
                j->err_n -= skip;
                j->err_cut = 0; /* what is left starts a line */
            }
        }
    }
}

int import_job_poll(import_job *j, int wait)
{
    if (!j->pid) return 1;
    int st = 0;
    pid_t r;
    for (;;) {
        if (j->err_fd >= 0) drain(j);
        r = waitpid(j->pid, &st, wait ? 0 : WNOHANG);
        if (r < 0 && errno == EINTR) continue;
        break;
    }
    if (r == 0) return 0;
    if (j->err_fd >= 0) { /* what it wrote last, its pipe now closed */
        fcntl(j->err_fd, F_SETFL, 0);
        drain(j);
        close(j->err_fd);
        j->err_fd = -1;
    }
    j->status = r > 0 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    j->pid = 0;
    return 1;
}

void import_job_stop(import_job *j)
{
    if (!j->pid) return;
    kill(j->pid, SIGTERM);
    import_job_poll(j, 1);
}

/* Replace every "from" in s (NUL-terminated, room n) by "to". */
static void replace_all(char *s, size_t n, const char *from, const char *to)
{
    size_t fl = strlen(from), tl = strlen(to);
    if (!fl) return;
    char *p = s;
    while ((p = strstr(p, from)) != NULL) {
        size_t rest = strlen(p + fl);
        if ((size_t)(p - s) + tl + rest + 1 > n) return;
        memmove(p + tl, p + fl, rest + 1);
        memcpy(p, to, tl);
        p += tl;
    }
}

static int has_within(const char *s, size_t len, const char *w)
{
    size_t k = strlen(w);
    for (size_t i = 0; i + k <= len; i++)
        if (!memcmp(s + i, w, k)) return 1;
    return 0;
}

void import_job_message(const import_job *j, const import_cand *c, const char *dest, char *out, size_t n)
{
    const char *where = c->where == IMPORT_BOOT ? "on the SD card" : "on the USB stick";
    char line[IMPORT_MSG_MAX];
    const char *s = j->err;
    /* What is wrong: the first of the essays' problems ("problem: b.txt:3:
     * ..."), which a teacher fixes first; else the last line, the cause of
     * the failure, which comes after any notes (an essay packed without
     * hyphenation is a note, not a failure). "nothing installed" and "N
     * problems found" are conclusions, not causes. */
    line[0] = 0;
    int problem = 0;
    while (*s && !problem) {
        const char *end = strchr(s, '\n');
        size_t len = end ? (size_t)(end - s) : strlen(s);
        const char *t = s;
        size_t tl = len;
        if (tl >= 14 && !strncmp(t, "lectern-pack: ", 14)) t += 14, tl -= 14;
        problem = tl >= 9 && !strncmp(t, "problem: ", 9);
        if (len && (problem || (!has_within(s, len, "nothing installed") && !has_within(s, len, " found; no pack was written"))))
            snprintf(line, sizeof line, "%.*s", (int)len, s);
        s += len + (end ? 1 : 0);
    }
    if (!line[0]) {
        if (j->status < 0) snprintf(line, sizeof line, "the loading was stopped");
        else snprintf(line, sizeof line, "lectern-pack ended with status %d", j->status);
    }
    if (!strncmp(line, "lectern-pack: ", 14)) memmove(line, line + 14, strlen(line + 14) + 1);
    if (!strncmp(line, "problem: ", 9)) memmove(line, line + 9, strlen(line + 9) + 1);
    /* a file of the folder by its own name: "b.txt:3: ..." */
    char sub_dir[IMPORT_PATH_MAX + 2];
    snprintf(sub_dir, sizeof sub_dir, "%s/", c->path);
    replace_all(line, sizeof line, sub_dir, "");
    replace_all(line, sizeof line, "\xEF\xBF\xBD", "?"); /* U+FFFD, which the screen's faces may not have */
    /* the stick's paths mean nothing to a teacher: "the stick", "its essays" */
    char head[IMPORT_PATH_MAX + 4];
    snprintf(head, sizeof head, "%s: ", c->path);
    if (!strncmp(line, head, strlen(head))) memmove(line, line + strlen(head), strlen(line + strlen(head)) + 1);
    replace_all(line, sizeof line, c->path, c->kind == IMPORT_KIND_FOLDER ? "the folder" : "the pack");
    if (dest && *dest) replace_all(line, sizeof line, dest, "the kiosk's essays");
    /* A pack that fails its checks: which byte or checksum is for the
     * journal (the child's whole message is logged); a teacher needs to
     * know the file is spoilt and what to do about it. */
    if (c->kind == IMPORT_KIND_PACK && !strstr(line, "newer than this reader") && !strstr(line, "older than this reader")) {
        static const char *const spoilt[] = {"damaged", "checksum", "[byte", "cut short", "too short", "lie outside",
                                             "lies outside", "does not end", "expands to", "not a lectern pack"};
        int bad = 0;
        for (size_t k = 0; k < sizeof spoilt / sizeof *spoilt && !bad; k++) bad = strstr(line, spoilt[k]) != NULL;
        if (bad) {
            const char *name = strrchr(c->path, '/');
            name = name ? name + 1 : c->path;
            snprintf(out, n, "The essays %s could not be loaded: the file %s is %s. Copy it %s again from the computer "
                     "that made it.", where, name, strstr(line, "not a lectern pack") ? "not a lectern pack" : "damaged",
                     c->where == IMPORT_BOOT ? "onto the SD card" : "onto the stick");
            return;
        }
    }
    snprintf(out, n, "The essays %s could not be loaded: %s", where, line);
}

/* ---- going back -------------------------------------------------------------------------------- */

static int is_reg(const char *p)
{
    struct stat st;
    return lstat(p, &st) == 0 && S_ISREG(st.st_mode);
}

int import_back_kind(const char *dest)
{
    if (!dest || !*dest || !is_reg(dest)) return 0;
    char prev[IMPORT_PATH_MAX + 16];
    snprintf(prev, sizeof prev, "%s.previous", dest);
    return is_reg(prev) ? 2 : 1;
}

int import_go_back(const char *dest, lerr *e)
{
    int kind = import_back_kind(dest);
    if (!kind) {
        lerr_set(e, "%s: there are no loaded essays to go back from", dest ? dest : "import_pack");
        return -1;
    }
    if (kind == 1) {
        if (unlink(dest) != 0) {
            lerr_set(e, "%s: cannot remove it: %s", dest, strerror(errno));
            return -1;
        }
        fio_sync_dir_of(dest);
        return 1;
    }
    char prev[IMPORT_PATH_MAX + 16], swap[IMPORT_PATH_MAX + 16];
    snprintf(prev, sizeof prev, "%s.previous", dest);
    snprintf(swap, sizeof swap, "%s.swap", dest);
    sigset_t old;
    fio_signals_hold(&old);
    unlink(swap); /* a swap a power cut left: dest and previous are both whole */
    int r = -1;
    if (link(dest, swap) != 0)
        lerr_set(e, "%s: cannot keep a second name for it: %s", dest, strerror(errno));
    else if (rename(prev, dest) != 0) {
        lerr_set(e, "%s: cannot put %s in its place: %s", dest, prev, strerror(errno));
        unlink(swap);
    } else if (rename(swap, prev) != 0) { /* dest is the previous pack; previous, the same file */
        lerr_set(e, "%s: cannot keep the essays it had as %s: %s", dest, prev, strerror(errno));
        r = 2;
    } else
        r = 2;
    fio_sync_dir_of(dest);
    fio_signals_release(&old);
    return r;
}

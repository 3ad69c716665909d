/* input_walk.c - files and folders: reading a file defensively, listing a
 * folder's essays, the manifest order, one hyph per language, and
 * input_collect. */
#define _XOPEN_SOURCE 700 /* realpath */
#include "input_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- files ------------------------------------------------------------------------ */

/* What a file that is not a regular file is, in words. */
static const char *kind_of(mode_t m)
{
    if (S_ISDIR(m)) return "a folder";
    if (S_ISFIFO(m)) return "a named pipe (FIFO)";
    if (S_ISCHR(m) || S_ISBLK(m)) return "a device";
    if (S_ISSOCK(m)) return "a socket";
    if (S_ISLNK(m)) return "a symbolic link";
    return "not an ordinary file";
}

/* Open `open_path` (named `path` in messages) without blocking, so a FIFO
 * or a device cannot hang the packer, and read it only if fstat says it is
 * a regular file. nofollow: refuse a final symbolic link. */
int input_read_file_as(const char *open_path, const char *path, int nofollow, uint8_t **out, size_t *n, lerr *e)
{
    *out = NULL;
    *n = 0;
    int fd = open(open_path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY | (nofollow ? O_NOFOLLOW : 0));
    if (fd < 0) {
        lerr_set(e, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        lerr_set(e, "%s: cannot read: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        lerr_set(e, "%s: not a regular file (%s); only text files can be packed", path, kind_of(st.st_mode));
        close(fd);
        return -1;
    }
    if ((unsigned long long)st.st_size > INPUT_MAX_FILE) {
        lerr_set(e, "%s: too large (%lld bytes; the limit is %u MiB)", path, (long long)st.st_size,
                 INPUT_MAX_FILE >> 20);
        close(fd);
        return -1;
    }
    buf b = {0};
    if (buf_reserve(&b, (size_t)st.st_size + 1)) goto oom;
    for (;;) {
        if (b.n == b.cap && buf_reserve(&b, 4096)) goto oom;
        ssize_t r = read(fd, b.p + b.n, b.cap - b.n);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) {
            lerr_set(e, "%s: cannot read: %s", path, strerror(errno));
            goto fail;
        }
        if (r == 0) break;
        b.n += (size_t)r;
        if (b.n > INPUT_MAX_FILE) {
            lerr_set(e, "%s: too large (the limit is %u MiB)", path, INPUT_MAX_FILE >> 20);
            goto fail;
        }
    }
    close(fd);
    *out = b.p;
    *n = b.n;
    return 0;
oom:
    lerr_set(e, "%s: out of memory", path);
fail:
    close(fd);
    free(b.p);
    return -1;
}

int input_read_file(const char *path, uint8_t **out, size_t *n, lerr *e)
{
    return input_read_file_as(path, path, 0, out, n, e);
}

char *input_join_path(const char *dir, const char *name)
{
    size_t a = strlen(dir), b = strlen(name);
    int slash = a > 0 && dir[a - 1] != '/';
    char *p = malloc(a + slash + b + 1);
    if (!p) return NULL;
    memcpy(p, dir, a);
    if (slash) p[a] = '/';
    memcpy(p + a + slash, name, b + 1);
    return p;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

typedef struct strv {
    char **v;
    size_t n, cap;
} strv;

static int strv_push(strv *s, char *p) /* takes p */
{
    if (!p) return -1;
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        char **v = realloc(s->v, cap * sizeof *v);
        if (!v) { free(p); return -1; }
        s->v = v;
        s->cap = cap;
    }
    s->v[s->n++] = p;
    return 0;
}

static void strv_free(strv *s)
{
    for (size_t i = 0; i < s->n; i++) free(s->v[i]);
    free(s->v);
    memset(s, 0, sizeof *s);
}

/* A folder being read: its path as given, its real path (for telling
 * whether a symbolic link inside it points out of it), the option. */
typedef struct folder {
    const char *dir;
    char *real; /* realpath(dir), owned */
    int follow; /* --follow-symlinks */
} folder;

enum { VET_TAKE = 0, VET_SKIP = 1, VET_ERR = -1 };

/* Check folder entry `name` before anything opens it: a symbolic link
 * that leads out of the folder is refused by name (unless f->follow); a
 * named pipe, device or socket is refused by name, never opened (a FIFO
 * would hang the packer); a folder is skipped as before. VET_TAKE sets
 * *path (allocated: dir/name, for messages) and *real (allocated: the
 * resolved file to open, with no symbolic link in it, or NULL when the
 * entry is not a link). */
static int vet(const folder *f, const char *name, char **path, char **real, lerr *e)
{
    *path = *real = NULL;
    char *p = input_join_path(f->dir, name);
    if (!p) {
        lerr_set(e, "%s: out of memory", f->dir);
        return VET_ERR;
    }
    struct stat st;
    if (lstat(p, &st) != 0) {
        lerr_set(e, "%s: cannot read: %s", p, strerror(errno));
        free(p);
        return VET_ERR;
    }
    char *r = NULL;
    if (S_ISLNK(st.st_mode)) {
        r = realpath(p, NULL);
        if (!r || stat(r, &st) != 0) { /* a dangling link is an essay we cannot read */
            lerr_set(e, "%s: cannot read: %s", p, strerror(errno));
            free(r);
            free(p);
            return VET_ERR;
        }
        size_t dl = strlen(f->real);
        int inside = strncmp(r, f->real, dl) == 0 && (r[dl] == '/' || (dl == 1 && f->real[0] == '/'));
        if (!inside && !f->follow) {
            lerr_set(e, "%s: a symbolic link to %s, which is outside the folder %s; it is not packed "
                     "(copy the file into the folder, or build with --follow-symlinks)", p, r, f->dir);
            free(r);
            free(p);
            return VET_ERR;
        }
    }
    if (S_ISDIR(st.st_mode)) {
        free(r);
        free(p);
        return VET_SKIP;
    }
    if (!S_ISREG(st.st_mode)) {
        lerr_set(e, "%s: %s, not a text file; remove it from the folder", p, kind_of(st.st_mode));
        free(r);
        free(p);
        return VET_ERR;
    }
    *path = p;
    *real = r;
    return VET_TAKE;
}

/* The folder's *.txt and *.md files (not hidden), sorted by name, each
 * vetted (vet). Only names are kept: they are vetted again when taken. */
static int list_dir(const folder *f, strv *names, lerr *e)
{
    const char *dir = f->dir;
    DIR *dp = opendir(dir);
    if (!dp) {
        lerr_set(e, "%s: cannot open folder: %s", dir, strerror(errno));
        return -1;
    }
    for (;;) {
        errno = 0;
        struct dirent *de = readdir(dp);
        if (!de) break;
        const char *nm = de->d_name;
        if (nm[0] == '.' || !(input_has_suffix_ci(nm, ".txt") || input_has_suffix_ci(nm, ".md"))) continue;
        char *p, *r;
        int v = vet(f, nm, &p, &r, e);
        free(p);
        free(r);
        if (v == VET_ERR) {
            closedir(dp);
            return -1;
        }
        if (v == VET_TAKE && strv_push(names, input_strdup(nm))) goto oom;
    }
    if (errno) {
        lerr_set(e, "%s: cannot read folder: %s", dir, strerror(errno));
        closedir(dp);
        return -1;
    }
    closedir(dp);
    if (names->n) qsort(names->v, names->n, sizeof *names->v, cmp_str);
    return 0;
oom:
    closedir(dp);
    lerr_set(e, "%s: out of memory", dir);
    return -1;
}

/* ---- collect ----------------------------------------------------------------------- */

typedef struct item {
    char *path;                /* as named in messages */
    char *real;                /* the resolved file to open (no link in it), or NULL: open path */
    const mf_ent *mf;          /* manifest entry or NULL */
    const char *lang_default;  /* manifest [defaults] lang or NULL */
    const char *smart_default; /* manifest [defaults] smart_quotes or NULL */
} item;

typedef struct hcache {
    char **spec;
    hyph **h;
    size_t n;
} hcache;

static int get_cached(void *ctx, const char *spec, hyph **out, lerr *e)
{
    hcache *c = ctx;
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->spec[i], spec) == 0) { *out = c->h[i]; return 0; }
    char **s = realloc(c->spec, (c->n + 1) * sizeof *s);
    if (s) c->spec = s;
    hyph **hv = realloc(c->h, (c->n + 1) * sizeof *hv);
    if (hv) c->h = hv;
    char *d = input_strdup(spec);
    if (!s || !hv || !d) {
        free(d);
        lerr_set(e, "out of memory");
        return -1;
    }
    if (hyph_open(out, spec, e)) {
        free(d);
        return -1;
    }
    c->spec[c->n] = d;
    c->h[c->n++] = *out;
    return 0;
}

static void hcache_free(hcache *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->spec[i]);
        hyph_close(c->h[i]);
    }
    free(c->spec);
    free(c->h);
}

typedef struct items {
    item *v;
    size_t n, cap;
} items;

static int items_push(items *it, char *path, char *real, const mf_ent *mf, const char *lang_default,
                      const char *smart_default) /* takes path, real */
{
    if (!path) { free(real); return -1; }
    if (it->n == it->cap) {
        size_t cap = it->cap ? it->cap * 2 : 64;
        item *v = realloc(it->v, cap * sizeof *v);
        if (!v) { free(path); free(real); return -1; }
        it->v = v;
        it->cap = cap;
    }
    it->v[it->n++] = (item){path, real, mf, lang_default, smart_default};
    return 0;
}

static int add_dir(const char *dir, int follow, items *it, manifest **mfs, size_t *nmf, lerr *e)
{
    strv names = {0};
    int rc = -1;
    size_t before = it->n;
    char *mpath = NULL, *mreal = NULL, *used = NULL;
    folder f = {dir, realpath(dir, NULL), follow};
    if (!f.real) {
        lerr_set(e, "%s: cannot open folder: %s", dir, strerror(errno));
        return -1;
    }
    if (list_dir(&f, &names, e)) goto done;

    /* The manifest, if there is one: vetted like an essay, then read. */
    const manifest *m = NULL;
    struct stat st;
    if (!(mpath = input_join_path(dir, "manifest.ini"))) goto oom;
    if (lstat(mpath, &st) == 0) {
        free(mpath);
        mpath = NULL;
        int v = vet(&f, "manifest.ini", &mpath, &mreal, e);
        if (v == VET_ERR) goto done;
        if (v == VET_SKIP) {
            lerr_set(e, "%s/manifest.ini: %s, not a manifest file", dir, kind_of(S_IFDIR));
            goto done;
        }
        manifest *mv = realloc(*mfs, (*nmf + 1) * sizeof *mv);
        if (!mv) goto oom;
        *mfs = mv;
        uint8_t *src;
        size_t n;
        if (input_read_file_as(mreal ? mreal : mpath, mpath, mreal != NULL, &src, &n, e)) goto done;
        /* The manifest's path must outlive it: it is kept in messages. */
        int bad = input_manifest_parse(src, n, mpath, &mv[*nmf], e);
        free(src);
        if (bad) {
            input_manifest_free(&mv[*nmf]);
            goto done;
        }
        mv[*nmf].path = NULL;
        m = &mv[(*nmf)++];
    }
    /* Listed files first, in manifest order. */
    if (m) {
        if (!(used = calloc(names.n + 1, 1))) goto oom;
        for (size_t i = 0; i < m->n; i++) {
            const mf_ent *en = &m->v[i];
            char *p = input_join_path(dir, en->name), *r = NULL;
            if (!p) goto oom;
            int there = lstat(p, &st) == 0;
            free(p);
            p = NULL;
            int v = there ? vet(&f, en->name, &p, &r, e) : VET_SKIP;
            if (v != VET_TAKE) {
                if (v == VET_SKIP) lerr_set(e, "%s:%zu: [%s]: no such file in %s", mpath, en->line, en->name, dir);
                goto done;
            }
            if (items_push(it, p, r, en, m->def_lang, m->def_smart)) goto oom;
            char *key = en->name;
            char **hit = names.n ? bsearch(&key, names.v, names.n, sizeof *names.v, cmp_str) : NULL;
            if (hit) used[hit - names.v] = 1;
        }
    }
    for (size_t i = 0; i < names.n; i++) {
        if (used && used[i]) continue;
        char *p, *r;
        int v = vet(&f, names.v[i], &p, &r, e); /* again: it may have changed since the listing */
        if (v == VET_ERR) goto done;
        if (v == VET_TAKE && items_push(it, p, r, NULL, m ? m->def_lang : NULL, m ? m->def_smart : NULL)) goto oom;
    }
    if (it->n == before) {
        lerr_set(e, "%s: no .txt or .md essays in this folder", dir);
        goto done;
    }
    rc = 0;
    goto done;
oom:
    lerr_set(e, "%s: out of memory", dir);
done:
    free(used);
    free(mpath);
    free(mreal);
    free(f.real);
    strv_free(&names);
    return rc;
}

int input_collect(char *const *args, size_t nargs, const input_opts *o, input_essay **out, size_t *n, lerr *e)
{
    items it = {0};
    manifest *mfs = NULL;
    size_t nmf = 0;
    hcache hc = {0};
    input_essay *v = NULL;
    size_t nv = 0;
    int rc = -1;
    *out = NULL;
    *n = 0;

    if (nargs == 0) {
        lerr_set(e, "no input: give essay files or folders");
        return -1;
    }
    for (size_t i = 0; i < nargs; i++) {
        struct stat st;
        if (stat(args[i], &st) != 0) {
            lerr_set(e, "%s: %s", args[i], strerror(errno));
            goto done;
        }
        if (S_ISDIR(st.st_mode)) {
            if (add_dir(args[i], o ? o->follow_symlinks : 0, &it, &mfs, &nmf, e)) goto done;
        } else if (S_ISREG(st.st_mode)) {
            if (items_push(&it, input_strdup(args[i]), NULL, NULL, NULL, NULL)) goto oom;
        } else {
            lerr_set(e, "%s: not a file or folder (%s)", args[i], kind_of(st.st_mode));
            goto done;
        }
    }

    v = calloc(it.n, sizeof *v);
    if (!v) goto oom;
    for (size_t i = 0; i < it.n; i++) {
        const item *x = &it.v[i];
        uint8_t *bytes;
        size_t len;
        if (input_read_file_as(x->real ? x->real : x->path, x->path, x->real != NULL, &bytes, &len, e)) goto done;
        const char *def = x->lang_default ? x->lang_default : o ? o->lang : NULL;
        const char *sm = x->mf && x->mf->smart ? x->mf->smart : x->smart_default;
        int smart = sm ? (sm[0] | 32) == 'y' : !(o && o->no_smart);
        int r = input_parse_core(bytes, len, x->path, o ? o->lossy : 0, x->mf ? x->mf->lang : NULL, def, smart,
                                 get_cached, &hc, &v[nv], e);
        free(bytes);
        if (r) goto done;
        nv++;
        if (x->mf && x->mf->title) {
            char *t = input_strdup(x->mf->title);
            if (!t) goto oom;
            free(v[nv - 1].title);
            v[nv - 1].title = t;
        }
        if (x->mf && x->mf->byline) {
            char *b = input_strdup(x->mf->byline);
            if (!b) goto oom;
            free(v[nv - 1].byline);
            v[nv - 1].byline = b;
        }
    }
    *out = v;
    *n = nv;
    v = NULL;
    rc = 0;
    goto done;
oom:
    lerr_set(e, "out of memory");
done:
    input_essays_free(v, nv);
    for (size_t i = 0; i < it.n; i++) {
        free(it.v[i].path);
        free(it.v[i].real);
    }
    free(it.v);
    for (size_t i = 0; i < nmf; i++) input_manifest_free(&mfs[i]);
    free(mfs);
    hcache_free(&hc);
    return rc;
}

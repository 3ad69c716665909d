/* input_walk.c - files and folders: reading a file defensively, listing a
 * folder's essays, the manifest order, one hyph per language, and
 * input_collect. */
#define _XOPEN_SOURCE 700 /* realpath */
#include "input_int.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
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

/* ---- what is said: problems and notes ---------------------------------------------- */

typedef struct rep {
    const input_extra *x;
    size_t problems;
    lerr first; /* the first problem, for a caller with no problem callback */
} rep;

static void problem(rep *r, const char *msg)
{
    if (r->problems == 0) lerr_set(&r->first, "%s", msg);
    r->problems++;
    if (r->x && r->x->problem && r->problems <= INPUT_MAX_PROBLEMS) r->x->problem(r->x->ctx, msg);
}

static void notef(rep *r, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
static void notef(rep *r, const char *fmt, ...)
{
    if (!r->x || !r->x->note) return;
    char m[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(m, sizeof m, fmt, ap);
    va_end(ap);
    r->x->note(r->x->ctx, m);
}

/* Why a folder entry that is not an essay is left out, in words. */
static const char *skip_reason(const char *nm)
{
    static const struct { const char *ext, *why; } kinds[] = {
        {".docx", "a Word document; save it as Plain Text (UTF-8) or Markdown to pack it"},
        {".doc", "a Word document; save it as Plain Text (UTF-8) or Markdown to pack it"},
        {".odt", "a LibreOffice document; save it as Plain Text (UTF-8) or Markdown to pack it"},
        {".fodt", "a LibreOffice document; save it as Plain Text (UTF-8) or Markdown to pack it"},
        {".pdf", "a PDF file; save it as Plain Text (UTF-8) or Markdown to pack it"},
        {".rtf", "a Rich Text document; save it as Plain Text (UTF-8) or Markdown to pack it"},
        {".pages", "a Pages document; export it as Plain Text (UTF-8) or Markdown to pack it"},
        {".html", "a web page; save it as Plain Text (UTF-8) or Markdown to pack it"},
        {".htm", "a web page; save it as Plain Text (UTF-8) or Markdown to pack it"},
        {".png", "a picture; lectern shows text only"},
        {".jpg", "a picture; lectern shows text only"},
        {".jpeg", "a picture; lectern shows text only"},
        {".gif", "a picture; lectern shows text only"},
        {".svg", "a picture; lectern shows text only"},
        {".webp", "a picture; lectern shows text only"},
    };
    for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
        if (input_has_suffix_ci(nm, kinds[i].ext)) return kinds[i].why;
    return "only .txt and .md files are packed";
}

static int is_essay_name(const char *nm)
{
    return input_has_suffix_ci(nm, ".txt") || input_has_suffix_ci(nm, ".md") || input_has_suffix_ci(nm, ".markdown");
}

/* The folder's *.txt, *.md and *.markdown files (not hidden), sorted by
 * name. Everything else in it is named in a note, with the reason it is
 * skipped, in name order: folders (only the essays directly in a folder
 * are packed) and other files. Names are vetted when they are taken.
 * Returns 0, 1 when the folder cannot be listed (a problem, reported), or
 * -1 out of memory. */
static int list_dir(const folder *f, strv *names, rep *r)
{
    const char *dir = f->dir;
    strv skips = {0};
    char m[1024];
    DIR *dp = opendir(dir);
    if (!dp) {
        snprintf(m, sizeof m, "%s: cannot open the folder: %s", dir, strerror(errno));
        problem(r, m);
        return 1;
    }
    for (;;) {
        errno = 0;
        struct dirent *de = readdir(dp);
        if (!de) break;
        const char *nm = de->d_name;
        if (nm[0] == '.' || strcmp(nm, "manifest.ini") == 0) continue;
        char *p = input_join_path(dir, nm);
        if (!p) goto oom;
        struct stat st;
        int isdir = stat(p, &st) == 0 && S_ISDIR(st.st_mode); /* a link to a folder is a folder too */
        if (isdir)
            snprintf(m, sizeof m, "%s: skipped: a folder; only the essays directly in %s are packed (give %s as "
                     "another input to pack its essays too)", p, dir, p);
        else if (!is_essay_name(nm))
            snprintf(m, sizeof m, "%s: skipped: %s", p, skip_reason(nm));
        free(p);
        if (isdir || !is_essay_name(nm)) {
            if (strv_push(&skips, input_strdup(m))) goto oom;
        } else if (strv_push(names, input_strdup(nm))) {
            goto oom;
        }
    }
    int err = errno;
    closedir(dp);
    if (err) {
        snprintf(m, sizeof m, "%s: cannot read the folder: %s", dir, strerror(err));
        problem(r, m);
    }
    if (names->n) qsort(names->v, names->n, sizeof *names->v, cmp_str);
    if (skips.n) qsort(skips.v, skips.n, sizeof *skips.v, cmp_str);
    for (size_t i = 0; i < skips.n; i++) notef(r, "%s", skips.v[i]);
    strv_free(&skips);
    return err ? 1 : 0;
oom:
    closedir(dp);
    strv_free(&skips);
    return -1;
}

/* ---- collect ----------------------------------------------------------------------- */

typedef struct item {
    char *path;                /* as named in messages */
    char *real;                /* the resolved file to open (no link in it), or NULL: open path */
    const mf_ent *mf;          /* manifest entry or NULL */
    const char *lang_default;  /* manifest [defaults] lang or NULL */
    const char *smart_default; /* manifest [defaults] smart_quotes or NULL */
    char *force_where;         /* "DIR/manifest.ini:4": where mf's lang is set, or NULL */
    char *default_where;       /* "lang = es at DIR/manifest.ini:2": where lang_default is set, or NULL */
} item;

typedef struct hcache {
    char **spec;
    hyph **h;
    int *st; /* 0 found, 1 not installed, -1 a .dic file that failed (reported once) */
    size_t n;
} hcache;

static int get_cached(void *ctx, const char *spec, hyph **out, lerr *e)
{
    hcache *c = ctx;
    *out = NULL;
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->spec[i], spec) == 0) {
            *out = c->h[i];
            if (c->st[i] == 1) lerr_set(e, "no hyphenation patterns for '%s'", spec);
            return c->st[i] < 0 ? 0 : c->st[i]; /* a failed file: its problem is already reported */
        }
    char **s = realloc(c->spec, (c->n + 1) * sizeof *s);
    if (s) c->spec = s;
    hyph **hv = realloc(c->h, (c->n + 1) * sizeof *hv);
    if (hv) c->h = hv;
    int *sv = realloc(c->st, (c->n + 1) * sizeof *sv);
    if (sv) c->st = sv;
    char *d = input_strdup(spec);
    if (!s || !hv || !sv || !d) {
        free(d);
        lerr_set(e, "out of memory");
        return -1;
    }
    int st = 0;
    char tag[64];
    if (hyph_open(out, spec, e)) /* a file, or not a language tag: a problem; a tag with no patterns: a note */
        st = strchr(spec, '/') || input_has_suffix_ci(spec, ".dic") || hyph_lang_tag(spec, tag, sizeof tag) ? -1 : 1;
    c->spec[c->n] = d;
    c->h[c->n] = *out;
    c->st[c->n++] = st;
    return st;
}

static void hcache_free(hcache *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->spec[i]);
        hyph_close(c->h[i]);
    }
    free(c->spec);
    free(c->h);
    free(c->st);
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
    it->v[it->n++] = (item){path, real, mf, lang_default, smart_default, NULL, NULL};
    return 0;
}

static char *where_fmt(const char *fmt, const char *a, const char *b, size_t line)
{
    char w[600];
    snprintf(w, sizeof w, fmt, a, b, line);
    return input_strdup(w);
}

/* Add the essays of folder dir to it. Problems (a bad manifest, a file
 * refused by vet, no essays at all) are reported and the rest goes on;
 * returns -1 only out of memory. */
static int add_dir(const char *dir, int follow, items *it, manifest **mfs, size_t *nmf, rep *rp)
{
    strv names = {0};
    int rc = -1;
    size_t before = it->n;
    char *mpath = NULL, *mreal = NULL, *used = NULL;
    lerr e = {{0}};
    folder f = {dir, realpath(dir, NULL), follow};
    if (!f.real) {
        lerr_set(&e, "%s: cannot open the folder: %s", dir, strerror(errno));
        problem(rp, e.msg);
        return 0;
    }
    int lr = list_dir(&f, &names, rp);
    if (lr < 0) goto oom;
    if (lr > 0) {
        rc = 0;
        goto done;
    }

    /* The manifest, if there is one: vetted like an essay, then read. A bad
     * one is a problem; the folder's essays are still read, by name. */
    const manifest *m = NULL;
    struct stat st;
    if (!(mpath = input_join_path(dir, "manifest.ini"))) goto oom;
    if (lstat(mpath, &st) == 0) {
        free(mpath);
        mpath = NULL;
        int v = vet(&f, "manifest.ini", &mpath, &mreal, &e);
        uint8_t *src = NULL;
        size_t n;
        manifest *mv = realloc(*mfs, (*nmf + 1) * sizeof *mv);
        if (!mv) goto oom;
        *mfs = mv;
        if (v == VET_SKIP) {
            lerr_set(&e, "%s/manifest.ini: %s, not a manifest file", dir, kind_of(S_IFDIR));
            problem(rp, e.msg);
        } else if (v == VET_ERR || input_read_file_as(mreal ? mreal : mpath, mpath, mreal != NULL, &src, &n, &e)) {
            problem(rp, e.msg);
        } else {
            /* The manifest's path must outlive it: it is kept in messages. */
            int bad = input_manifest_parse(src, n, mpath, &mv[*nmf], &e);
            free(src);
            if (bad) {
                input_manifest_free(&mv[*nmf]);
                problem(rp, e.msg);
            } else {
                mv[*nmf].path = NULL;
                m = &mv[(*nmf)++];
            }
        }
    }
    char *dwhere = NULL;
    if (m && m->def_lang && !(dwhere = where_fmt("lang = %s at %s:%zu", m->def_lang, mpath, m->def_lang_line)))
        goto oom;
    /* Listed files first, in manifest order. */
    if (m) {
        if (!(used = calloc(names.n + 1, 1))) { free(dwhere); goto oom; }
        for (size_t i = 0; i < m->n; i++) {
            const mf_ent *en = &m->v[i];
            char *p = input_join_path(dir, en->name), *r = NULL;
            if (!p) { free(dwhere); goto oom; }
            int there = lstat(p, &st) == 0;
            free(p);
            p = NULL;
            int v = there ? vet(&f, en->name, &p, &r, &e) : VET_SKIP;
            char *key = en->name;
            char **hit = names.n ? bsearch(&key, names.v, names.n, sizeof *names.v, cmp_str) : NULL;
            if (hit) used[hit - names.v] = 1;
            if (v != VET_TAKE) {
                if (v == VET_SKIP) lerr_set(&e, "%s:%zu: [%s]: there is no such file in %s", mpath, en->line, en->name, dir);
                problem(rp, e.msg);
                continue;
            }
            if (items_push(it, p, r, en, m->def_lang, m->def_smart)) { free(dwhere); goto oom; }
            item *x = &it->v[it->n - 1];
            if (en->lang && !(x->force_where = where_fmt("%s%s:%zu", "", mpath, en->lang_line))) { free(dwhere); goto oom; }
            if (dwhere && !(x->default_where = input_strdup(dwhere))) { free(dwhere); goto oom; }
        }
    }
    for (size_t i = 0; i < names.n; i++) {
        if (used && used[i]) continue;
        char *p, *r;
        int v = vet(&f, names.v[i], &p, &r, &e);
        if (v == VET_ERR) {
            problem(rp, e.msg);
            continue;
        }
        if (v == VET_SKIP) { /* a folder named like an essay: the listing said so already, unless it changed */
            continue;
        }
        if (items_push(it, p, r, NULL, m ? m->def_lang : NULL, m ? m->def_smart : NULL)) { free(dwhere); goto oom; }
        if (dwhere && !(it->v[it->n - 1].default_where = input_strdup(dwhere))) { free(dwhere); goto oom; }
    }
    free(dwhere);
    if (it->n == before && names.n == 0 && !(m && m->n)) {
        lerr_set(&e, "%s: no .txt or .md essays in this folder", dir);
        problem(rp, e.msg);
    }
    rc = 0;
    goto done;
oom:
    rc = -1;
done:
    free(used);
    free(mpath);
    free(mreal);
    free(f.real);
    strv_free(&names);
    return rc;
}

/* The message after "NAME: " in msg (for a skip note), or msg. */
static const char *after_name(const char *msg, const char *name)
{
    size_t l = strlen(name);
    return strncmp(msg, name, l) == 0 && msg[l] == ':' && msg[l + 1] == ' ' ? msg + l + 2 : msg;
}

int input_collect_ex(char *const *args, size_t nargs, const input_opts *o, const input_extra *x,
                     input_essay **out, size_t *n, lerr *e)
{
    items it = {0};
    manifest *mfs = NULL;
    size_t nmf = 0;
    hcache hc = {0};
    input_essay *v = NULL;
    size_t nv = 0, skipped = 0;
    int rc = -1;
    rep rp = {x, 0, {{0}}};
    lerr pe = {{0}};
    char *lwhere = NULL;
    *out = NULL;
    *n = 0;

    if (nargs == 0) {
        lerr_set(e, "no input: give essay files or folders");
        return -1;
    }
    if (o && o->lang) {
        char w[200];
        snprintf(w, sizeof w, "--lang %.100s", o->lang);
        if (!(lwhere = input_strdup(w))) goto oom;
    }
    for (size_t i = 0; i < nargs; i++) {
        struct stat st;
        if (stat(args[i], &st) != 0) {
            lerr_set(&pe, "%s: %s", args[i], strerror(errno));
            problem(&rp, pe.msg);
        } else if (S_ISDIR(st.st_mode)) {
            if (add_dir(args[i], o ? o->follow_symlinks : 0, &it, &mfs, &nmf, &rp)) goto oom;
        } else if (S_ISREG(st.st_mode)) {
            if (items_push(&it, input_strdup(args[i]), NULL, NULL, NULL, NULL)) goto oom;
        } else {
            lerr_set(&pe, "%s: not a file or folder (%s)", args[i], kind_of(st.st_mode));
            problem(&rp, pe.msg);
        }
    }

    v = calloc(it.n + 1, sizeof *v);
    if (!v) goto oom;
    for (size_t i = 0; i < it.n; i++) {
        const item *t = &it.v[i];
        uint8_t *bytes;
        size_t len;
        if (input_read_file_as(t->real ? t->real : t->path, t->path, t->real != NULL, &bytes, &len, &pe)) {
            problem(&rp, pe.msg);
            continue;
        }
        const char *def = t->lang_default ? t->lang_default : o ? o->lang : NULL;
        const char *sm = t->mf && t->mf->smart ? t->mf->smart : t->smart_default;
        int smart = sm ? (sm[0] | 32) == 'y' : !(o && o->no_smart);
        parse_args a = {o ? o->lossy : 0, x ? x->encoding : INPUT_ENC_AUTO, smart, t->mf ? t->mf->lang : NULL,
                        t->force_where, def, t->lang_default ? t->default_where : lwhere, get_cached, &hc};
        pe.msg[0] = 0;
        int r = input_parse_core(bytes, len, t->path, &a, &v[nv], &pe);
        free(bytes);
        if (r == INPUT_EMPTY) {
            notef(&rp, "%s: skipped: %s", t->path, after_name(pe.msg, t->path));
            skipped++;
            continue;
        }
        if (r) {
            if (!strcmp(pe.msg, "out of memory") || strstr(pe.msg, ": out of memory")) goto oom_msg;
            problem(&rp, pe.msg);
            continue;
        }
        input_essay *es = &v[nv++];
        if (t->mf && t->mf->title) {
            char *s = input_strdup(t->mf->title);
            if (!s) goto oom;
            free(es->title);
            es->title = s;
        }
        if (t->mf && t->mf->byline) {
            char *b = input_strdup(t->mf->byline);
            if (!b) goto oom;
            free(es->byline);
            es->byline = b;
        }
        for (const char *p = es->notes; p && *p;) { /* one note a line */
            const char *nl = strchr(p, '\n');
            size_t l = nl ? (size_t)(nl - p) : strlen(p);
            notef(&rp, "%s: %.*s", es->path, (int)(l > 700 ? 700 : l), p);
            p += l + (nl != NULL);
        }
    }
    if (rp.problems) {
        if (x && x->problem && rp.problems > INPUT_MAX_PROBLEMS) {
            char m[128];
            size_t more = rp.problems - INPUT_MAX_PROBLEMS;
            snprintf(m, sizeof m, "and %zu more problem%s", more, more == 1 ? "" : "s");
            x->problem(x->ctx, m);
        }
        if (x && x->problem)
            lerr_set(e, "%zu problem%s found; no pack was written", rp.problems, rp.problems == 1 ? "" : "s");
        else if (rp.problems == 1)
            lerr_set(e, "%s", rp.first.msg);
        else
            lerr_set(e, "%.400s (and %zu more problems)", rp.first.msg, rp.problems - 1);
        goto done;
    }
    if (nv == 0) {
        lerr_set(e, "nothing to pack: %s", skipped ? "every essay was empty and skipped" : "no essays");
        goto done;
    }
    *out = v;
    *n = nv;
    v = NULL;
    rc = 0;
    goto done;
oom_msg:
oom:
    lerr_set(e, "out of memory");
done:
    input_essays_free(v, nv);
    for (size_t i = 0; i < it.n; i++) {
        free(it.v[i].path);
        free(it.v[i].real);
        free(it.v[i].force_where);
        free(it.v[i].default_where);
    }
    free(it.v);
    for (size_t i = 0; i < nmf; i++) input_manifest_free(&mfs[i]);
    free(mfs);
    hcache_free(&hc);
    free(lwhere);
    return rc;
}

int input_collect(char *const *args, size_t nargs, const input_opts *o, input_essay **out, size_t *n, lerr *e)
{
    return input_collect_ex(args, nargs, o, NULL, out, n, e);
}

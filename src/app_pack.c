/* app_pack.c - a pack, a folder or one essay file as the reader's pack. */
#include "app_pack.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fileio.h"
#include "import.h"

#define APP_PACK_MSG_MAX 400 /* a line of the packer's kept for the message */

static const char WHAT[] = "give the reader a pack made by lectern-pack, a folder of .txt or .md essays, "
                           "or one such file";

static int is_essay_name(const char *p)
{
    const char *dot = strrchr(p, '.'), *slash = strrchr(p, '/');
    if (!dot || (slash && dot < slash)) return 0;
    return !strcasecmp(dot, ".txt") || !strcasecmp(dot, ".md") || !strcasecmp(dot, ".markdown");
}

/* 1 when the regular file at path starts with the pack magic, 0 when not,
 * -1 when it cannot be read (message in e). Opened as every file is
 * (fileio.h): never waits on a file that turned into a pipe since the stat. */
static int has_magic(const char *path, lerr *e)
{
    int fd;
    if (fio_open_read(path, &fd, NULL, e)) return -1;
    char m[8] = {0};
    int r = fio_pread_all(fd, m, sizeof m, 0);
    close(fd);
    return r == 0 && !memcmp(m, PACK_MAGIC, sizeof m);
}

/* ---- the packer in a child process ---------------------------------------------- */

/* What the packer said on stderr, line by line as it comes: each line
 * goes on to the reader's stderr ("lectern-pack: " becoming "lectern: "),
 * and the lines that explain a failure are kept for the message: the
 * first problem with the input ("problem: FILE:LINE: ..."), which is what
 * to fix first, and how many there were; else the last line. The
 * packer's conclusion ("N problems found; no pack was written") is not
 * passed on: the reader's own message says it. */
typedef struct said {
    char part[1024]; /* a line not ended yet */
    size_t part_n;
    char first_problem[APP_PACK_MSG_MAX];
    char last[APP_PACK_MSG_MAX];
    unsigned problems;
} said;

/* src into dst[0..cap), cut short if need be (at a byte: a message) */
static void keep(char *dst, size_t cap, const char *src)
{
    size_t n = strlen(src);
    if (n >= cap) n = cap - 1;
    memcpy(dst, src, n);
    dst[n] = 0;
}

static void said_line(said *s, const char *line)
{
    if (!strncmp(line, "lectern-pack: ", 14)) line += 14;
    if (!*line) return;
    if (strstr(line, " found; no pack was written")) return; /* the reader's message says so */
    fprintf(stderr, "lectern: %s\n", line);
    if (!strncmp(line, "problem: ", 9)) {
        if (!s->problems++) keep(s->first_problem, sizeof s->first_problem, line + 9);
    } else keep(s->last, sizeof s->last, line);
}

static void said_bytes(said *s, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (b[i] == '\n' || s->part_n == sizeof s->part - 1) { /* a line too long is said in pieces */
            s->part[s->part_n] = 0;
            said_line(s, s->part);
            s->part_n = 0;
            if (b[i] == '\n') continue;
        }
        s->part[s->part_n++] = b[i];
    }
}

/* Remove the private folder dir and whatever is in it (the pack, or a
 * temporary file a killed packer left): regular files only, never
 * following a link, so nothing outside it is touched. */
static void remove_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *de;
        while ((de = readdir(d)) != NULL)
            if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) unlinkat(dirfd(d), de->d_name, 0);
        closedir(d);
    }
    rmdir(dir);
}

/* `packer build -o DIR/pack.lpk path` in a child process, into a folder of
 * its own (mkdtemp: mode 0700, a new name, in $TMPDIR or /tmp), then the
 * pack read into *mem and the folder removed whatever happened. Returns 0,
 * or -1 with the packer's message (or why it could not run) in e. */
static int pack_in_child(const char *path, const char *packer_opt, uint8_t **mem, size_t *size, lerr *e)
{
    char packer[4096];
    lerr pe;
    if (import_find_packer(packer_opt, packer, sizeof packer, &pe)) {
        if (packer_opt && *packer_opt) lerr_set(e, "cannot pack %s for reading: --packer %s", path, pe.msg);
        else lerr_set(e, "cannot pack %s for reading: %s; install it, or give --packer PATH", path, pe.msg);
        return -1;
    }
    const char *tmpdir = getenv("TMPDIR");
    if (!tmpdir || !*tmpdir) tmpdir = "/tmp";
    char dir[4096], out[4200];
    if (snprintf(dir, sizeof dir, "%s/lectern-XXXXXX", tmpdir) >= (int)sizeof dir) {
        lerr_set(e, "TMPDIR %s: the name is too long", tmpdir);
        return -1;
    }
    /* a stop (SIGTERM, Ctrl-C) waits until the folder is gone again: it is
     * delivered when this returns (the child has the usual dispositions,
     * import_job_spawn) */
    sigset_t old;
    fio_signals_hold(&old);
    if (!mkdtemp(dir)) {
        lerr_set(e, "packing %s for reading: cannot make a folder in %s: %s", path, tmpdir, strerror(errno));
        fio_signals_release(&old);
        return -1;
    }
    snprintf(out, sizeof out, "%s/pack.lpk", dir);
    /* a path that starts with '-' would be read as an option */
    char arg[4200];
    snprintf(arg, sizeof arg, "%s%s", path[0] == '-' ? "./" : "", path);
    char *argv[] = {packer, "build", "-o", out, arg, NULL};
    import_job j;
    int rc = -1;
    if (import_job_spawn(&j, argv, e)) {
        remove_dir(dir);
        fio_signals_release(&old);
        return -1;
    }
    said s;
    memset(&s, 0, sizeof s);
    int fl = fcntl(j.err_fd, F_GETFL);
    if (fl >= 0) fcntl(j.err_fd, F_SETFL, fl & ~O_NONBLOCK);
    char buf[4096];
    for (;;) { /* until the child closes its stderr: it ended */
        ssize_t r = read(j.err_fd, buf, sizeof buf);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break;
        said_bytes(&s, buf, (size_t)r);
    }
    if (s.part_n) said_bytes(&s, "\n", 1);
    close(j.err_fd);
    int st = 0;
    pid_t w;
    while ((w = waitpid(j.pid, &st, 0)) < 0 && errno == EINTR) {}
    if (w == j.pid && WIFEXITED(st) && WEXITSTATUS(st) == 0) {
        lerr re;
        if (fio_read_all(out, SIZE_MAX / 2, mem, size, &re) == 0) rc = 0;
        else lerr_set(e, "packing %s for reading: %s", path, re.msg);
    } else {
        static const char head[] = "packing the essays for reading";
        if (w != j.pid) lerr_set(e, "%s: %s could not be waited for: %s", head, packer, strerror(errno));
        else if (!WIFEXITED(st)) lerr_set(e, "%s: %s was stopped by signal %d", head, packer, WTERMSIG(st));
        else if (s.problems > 1)
            lerr_set(e, "%s: %s (and %u more problem%s)", head, s.first_problem, s.problems - 1,
                     s.problems == 2 ? "" : "s");
        else if (s.problems) lerr_set(e, "%s: %s", head, s.first_problem);
        else if (s.last[0]) lerr_set(e, "%s: %s", head, s.last);
        else lerr_set(e, "%s: %s ended with status %d and said nothing", head, packer, WEXITSTATUS(st));
    }
    remove_dir(dir);
    fio_signals_release(&old);
    return rc;
}

int app_pack_open(pack **out, uint8_t **mem, const char *path, const char *packer, lerr *e)
{
    *out = NULL;
    *mem = NULL;
    struct stat st;
    if (stat(path, &st) != 0) {
        if (errno == ENOENT || errno == ENOTDIR)
            lerr_set(e, "%s: there is no such file or folder; %s", path, WHAT);
        else
            lerr_set(e, "%s: cannot look at it: %s", path, strerror(errno));
        return -1;
    }
    int pack_it = S_ISDIR(st.st_mode);
    if (S_ISREG(st.st_mode)) {
        int m = has_magic(path, e);
        if (m < 0) return -1;
        if (m) return pack_open(out, path, e) ? -1 : 0;
        if (!is_essay_name(path)) {
            lerr_set(e, "%s is not a lectern pack; %s (to make a pack: lectern-pack build -o FILE.lpk FOLDER)", path,
                     WHAT);
            return -1;
        }
        pack_it = 1;
    }
    if (!pack_it) {
        lerr_set(e, "%s is %s, neither a file nor a folder; %s", path, fio_kind(st.st_mode), WHAT);
        return -1;
    }
    size_t size = 0;
    if (pack_in_child(path, packer, mem, &size, e)) return -1;
    if (pack_open_mem(out, *mem, size, e)) {
        free(*mem);
        *mem = NULL;
        lerr_prefix(e, path);
        return -1;
    }
    return 0;
}

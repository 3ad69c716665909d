/* fileio.c - see fileio.h */
#include "fileio.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *fio_kind(mode_t mode)
{
    if (S_ISREG(mode)) return "a regular file";
    if (S_ISDIR(mode)) return "a directory";
    if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
    if (S_ISCHR(mode) || S_ISBLK(mode)) return "a device";
    if (S_ISLNK(mode)) return "a symbolic link";
    if (S_ISSOCK(mode)) return "a socket";
    return "not a regular file";
}

int fio_open_read(const char *path, int *fd, struct stat *st, lerr *e)
{
    struct stat sb;
    *fd = -1;
    /* Look before opening: opening a device can have effects of its own. */
    if (stat(path, &sb) != 0) {
        int err = errno;
        lerr_set(e, "%s: cannot open: %s", path, strerror(err));
        return err;
    }
    if (!S_ISREG(sb.st_mode)) {
        lerr_set(e, "%s is %s, not a regular file", path, fio_kind(sb.st_mode));
        return EINVAL;
    }
    int f = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (f < 0) {
        int err = errno;
        lerr_set(e, "%s: cannot open: %s", path, strerror(err));
        return err;
    }
    /* The name may have been swapped since the stat: what counts is the
     * file actually opened. */
    if (fstat(f, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        int err = errno;
        if (S_ISREG(sb.st_mode)) lerr_set(e, "%s: cannot read: %s", path, strerror(err));
        else lerr_set(e, "%s is %s, not a regular file", path, fio_kind(sb.st_mode));
        close(f);
        return S_ISREG(sb.st_mode) ? err : EINVAL;
    }
    int fl = fcntl(f, F_GETFL);
    if (fl != -1) (void)fcntl(f, F_SETFL, fl & ~O_NONBLOCK);
    *fd = f;
    if (st) *st = sb;
    return 0;
}

int fio_read_all(const char *path, size_t max, uint8_t **buf, size_t *n, lerr *e)
{
    int fd;
    *buf = NULL;
    *n = 0;
    int err = fio_open_read(path, &fd, NULL, e);
    if (err) return err;
    size_t cap = 4096, len = 0;
    uint8_t *b = malloc(cap);
    err = b ? 0 : ENOMEM;
    while (!err) {
        if (len + 1 >= cap) { /* keep a spare byte for the terminating 0 */
            if (cap > max + 1) { err = EFBIG; break; }
            size_t ncap = cap * 2 > max + 2 ? max + 2 : cap * 2;
            if (ncap <= cap) { err = EFBIG; break; }
            uint8_t *nb = realloc(b, ncap);
            if (!nb) { err = ENOMEM; break; }
            b = nb;
            cap = ncap;
        }
        ssize_t r = read(fd, b + len, cap - 1 - len);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) err = errno;
        if (r <= 0) break;
        len += (size_t)r;
        if (len > max) err = EFBIG;
    }
    close(fd);
    if (err) {
        free(b);
        if (err == EFBIG) lerr_set(e, "%s: too large: over %zu bytes", path, max);
        else if (err == ENOMEM) lerr_set(e, "%s: out of memory reading it", path);
        else lerr_set(e, "%s: cannot read: %s", path, strerror(err));
        return err;
    }
    b[len] = 0;
    *buf = b;
    *n = len;
    return 0;
}

int fio_pread_all(int fd, void *dst, size_t n, uint64_t off)
{
    uint8_t *d = dst;
    while (n) {
        ssize_t r = pread(fd, d, n, (off_t)off);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) return -1;
        if (r == 0) return 1;
        d += r;
        n -= (size_t)r;
        off += (uint64_t)r;
    }
    return 0;
}

int fio_write_all(int fd, const void *p, size_t n)
{
    const uint8_t *s = p;
    while (n) {
        ssize_t w = write(fd, s, n);
        if (w < 0 && errno == EINTR) continue;
        if (w == 0) errno = EIO;
        if (w <= 0) return -1;
        s += w;
        n -= (size_t)w;
    }
    return 0;
}

int fio_check_replace(const char *path, lerr *e)
{
    struct stat sb;
    if (lstat(path, &sb) != 0) {
        if (errno == ENOENT) return 0;
        int err = errno;
        lerr_set(e, "%s: cannot check it: %s", path, strerror(err));
        return err;
    }
    if (S_ISREG(sb.st_mode)) return 0;
    lerr_set(e, "%s is %s, not a regular file: refusing to replace it", path, fio_kind(sb.st_mode));
    return EEXIST;
}

int fio_create_temp(const char *path, char **tmp, int *fd, lerr *e)
{
    size_t plen = strlen(path);
    *tmp = NULL;
    *fd = -1;
    char *t = malloc(plen + 12);
    if (!t) {
        lerr_set(e, "%s: out of memory", path);
        return ENOMEM;
    }
    memcpy(t, path, plen);
    memcpy(t + plen, ".tmp-XXXXXX", 12);
    int f = mkstemp(t); /* O_CREAT | O_EXCL: never an existing file or link */
    if (f < 0) {
        int err = errno;
        lerr_set(e, "%s: cannot create a temporary file beside it: %s", path, strerror(err));
        free(t);
        return err;
    }
    if (fchmod(f, 0644) != 0) {
        int err = errno;
        lerr_set(e, "%s: cannot set its mode: %s", t, strerror(err));
        close(f);
        unlink(t);
        free(t);
        return err;
    }
    int fl = fcntl(f, F_GETFD);
    if (fl != -1) (void)fcntl(f, F_SETFD, fl | FD_CLOEXEC);
    *tmp = t;
    *fd = f;
    return 0;
}

/* Split path into its directory (malloc'd) and file name (inside path). */
static char *dir_of(const char *path, const char **base)
{
    const char *slash = strrchr(path, '/');
    *base = slash ? slash + 1 : path;
    if (!slash) {
        char *d = malloc(2);
        if (d) memcpy(d, ".", 2);
        return d;
    }
    size_t n = slash == path ? 1 : (size_t)(slash - path);
    char *d = malloc(n + 1);
    if (!d) return NULL;
    memcpy(d, path, n);
    d[n] = 0;
    return d;
}

size_t fio_remove_stale_temps(const char *path)
{
    const char *base;
    char *dir = dir_of(path, &base);
    if (!dir) return 0;
    size_t blen = strlen(base), dlen = strlen(dir), removed = 0;
    DIR *d = blen ? opendir(dir) : NULL;
    struct dirent *de;
    while (d && (de = readdir(d)) != NULL) {
        const char *nm = de->d_name;
        if (strlen(nm) != blen + 11 || memcmp(nm, base, blen) != 0 || memcmp(nm + blen, ".tmp-", 5) != 0)
            continue;
        char *full = malloc(dlen + 1 + strlen(nm) + 1);
        if (!full) break;
        memcpy(full, dir, dlen);
        full[dlen] = '/';
        memcpy(full + dlen + 1, nm, strlen(nm) + 1);
        struct stat sb;
        if (lstat(full, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_uid == geteuid() && unlink(full) == 0)
            removed++;
        free(full);
    }
    if (d) closedir(d);
    free(dir);
    return removed;
}

int fio_sync_dir_of(const char *path)
{
    const char *base;
    char *dir = dir_of(path, &base);
    if (!dir) {
        errno = ENOMEM;
        return -1;
    }
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    free(dir);
    if (dfd < 0) return -1;
    int r = fsync(dfd) != 0 && errno != EINVAL ? -1 : 0;
    int err = errno;
    close(dfd);
    errno = err;
    return r;
}

void fio_signals_hold(sigset_t *old)
{
    sigset_t hold;
    sigemptyset(&hold);
    sigaddset(&hold, SIGINT);
    sigaddset(&hold, SIGTERM);
    sigaddset(&hold, SIGHUP);
    sigprocmask(SIG_BLOCK, &hold, old);
}

void fio_signals_release(const sigset_t *old) { sigprocmask(SIG_SETMASK, old, NULL); }

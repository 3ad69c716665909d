/* pack_install.c - replace a pack atomically, keeping the previous one.
 * See pack_install.h. */
#include "pack_install.h"

#include "fileio.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Copy the regular file `from` into the temporary file beside `to`, then
 * rename it to `to` and make that durable. */
static int copy_replace(const char *from, const char *to, lerr *e)
{
    int in, out;
    char *tmp;
    if (fio_open_read(from, &in, NULL, e)) return -1;
    if (fio_create_temp(to, &tmp, &out, e)) {
        close(in);
        return -1;
    }
    int rc = -1;
    uint8_t buf[1 << 16];
    for (;;) {
        ssize_t r = read(in, buf, sizeof buf);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) {
            lerr_set(e, "%s: cannot read: %s", from, strerror(errno));
            goto fail;
        }
        if (r == 0) break;
        if (fio_write_all(out, buf, (size_t)r) != 0) {
            lerr_set(e, "%s: cannot write: %s", tmp, strerror(errno));
            goto fail;
        }
    }
    if (fsync(out) != 0) {
        lerr_set(e, "%s: cannot write: %s", tmp, strerror(errno));
        goto fail;
    }
    close(in);
    in = -1;
    if (close(out) != 0) {
        out = -1;
        lerr_set(e, "%s: cannot write: %s", tmp, strerror(errno));
        goto fail;
    }
    out = -1;
    if (fio_check_replace(to, e)) goto fail;
    if (rename(tmp, to) != 0) {
        lerr_set(e, "%s: cannot write: %s", to, strerror(errno));
        goto fail;
    }
    (void)fio_sync_dir_of(to);
    free(tmp);
    return 0;
fail:
    if (in >= 0) close(in);
    if (out >= 0) close(out);
    unlink(tmp);
    free(tmp);
    return rc;
}

static int install(const char *path, const char *prev, const uint8_t *img, size_t n, int *had_previous, lerr *e)
{
    char *tmp;
    int fd;
    if (fio_create_temp(path, &tmp, &fd, e)) return -1;
    if (fio_write_all(fd, img, n) != 0 || fsync(fd) != 0) {
        lerr_set(e, "%s: cannot write: %s", tmp, strerror(errno));
        close(fd);
        goto fail;
    }
    if (close(fd) != 0) {
        lerr_set(e, "%s: cannot write: %s", tmp, strerror(errno));
        goto fail;
    }
    struct stat st;
    if (prev && lstat(path, &st) == 0) {
        if (copy_replace(path, prev, e)) goto fail;
        if (had_previous) *had_previous = 1;
    }
    /* checked again just before the rename, as pack_write does */
    if (fio_check_replace(path, e)) goto fail;
    if (rename(tmp, path) != 0) {
        lerr_set(e, "%s: cannot write: %s", path, strerror(errno));
        goto fail;
    }
    (void)fio_sync_dir_of(path);
    free(tmp);
    return 0;
fail:
    unlink(tmp);
    free(tmp);
    return -1;
}

int pack_install_bytes(const char *path, const uint8_t *img, size_t n, int keep_previous, int *had_previous,
                       lerr *e)
{
    if (had_previous) *had_previous = 0;
    size_t pl = strlen(path);
    char *prev = malloc(pl + sizeof ".previous");
    if (!prev) {
        lerr_set(e, "out of memory");
        return -1;
    }
    memcpy(prev, path, pl);
    memcpy(prev + pl, ".previous", sizeof ".previous");
    int rc = -1;
    if (fio_check_replace(path, e) || (keep_previous && fio_check_replace(prev, e))) goto out;
    (void)fio_remove_stale_temps(path);
    if (keep_previous) (void)fio_remove_stale_temps(prev);
    sigset_t old;
    fio_signals_hold(&old);
    rc = install(path, keep_previous ? prev : NULL, img, n, had_previous, e);
    fio_signals_release(&old);
out:
    free(prev);
    return rc;
}

/* fileio.h - open files by name as if the file system were hostile.
 *
 * A path given to lectern or lectern-pack may name a symlink, a FIFO, a
 * device node or a directory, and what it names may change between two
 * system calls. Every file the tools open by name goes through here:
 *
 *  - reading: the path is checked with stat and refused unless it is a
 *    regular file (so a device node is never even opened), then opened
 *    O_NONBLOCK (a FIFO swapped in after the stat cannot block the open),
 *    and checked again with fstat on the descriptor (the check that
 *    counts: it is about the file actually opened). A final symlink is
 *    followed when reading: it cannot make us write anywhere.
 *  - writing: a file is never opened for writing through a final symlink
 *    (O_NOFOLLOW), and new files are created with O_EXCL, so nothing an
 *    attacker placed at the name is truncated or written through.
 *
 * Messages name the path and say what the file is ("is a FIFO (named
 * pipe), not a regular file"), in words a teacher understands. Plain C11 +
 * POSIX; no allocation except where stated; no global state. */
#ifndef LECTERN_FILEIO_H
#define LECTERN_FILEIO_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "util.h"

/* What kind of file mode is, for messages: "a FIFO (named pipe)",
 * "a directory", "a device", "a symbolic link", "a socket", "a regular
 * file". */
const char *fio_kind(mode_t mode);

/* Open `path` for reading, defensively (see above). On success returns 0,
 * *fd is an O_RDONLY|O_CLOEXEC descriptor of a regular file (O_NONBLOCK
 * cleared again) and *st (if not NULL) its fstat. On failure returns an
 * errno value (ENOENT when there is no such file, EINVAL when it is not a
 * regular file, ...), *fd is -1 and e says "PATH: ...". */
int fio_open_read(const char *path, int *fd, struct stat *st, lerr *e);

/* fio_open_read, then read the whole file into a fresh malloc'd *buf
 * (caller frees; never NULL on success, one spare byte allocated and set
 * to 0 after the data), at most `max` bytes: a larger file gives EFBIG
 * ("PATH: too large: over N bytes"). Reads until end of file, whatever
 * fstat said. Returns 0 or an errno value as fio_open_read (ENOMEM when
 * out of memory). */
int fio_read_all(const char *path, size_t max, uint8_t **buf, size_t *n, lerr *e);

/* Read exactly n bytes at offset off of fd into dst (pread, retried on
 * EINTR and short reads). Returns 0, -1 with errno set on an error, or 1
 * when end of file came first (the file is shorter than it was). */
int fio_pread_all(int fd, void *dst, size_t n, uint64_t off);

/* Write all of p[0..n) to fd. Returns 0, or -1 with errno set. */
int fio_write_all(int fd, const void *p, size_t n);

/* Before replacing `path` by renaming a new file over it: refuse when
 * something exists there that is not a regular file (a symbolic link, even
 * to a regular file, a FIFO, a device node, a directory). Returns 0 when
 * path does not exist or is a regular file; else an errno value (EEXIST for
 * "exists and is not a regular file") with e saying "PATH is a device, not
 * a regular file: refusing to replace it". */
int fio_check_replace(const char *path, lerr *e);

/* Create a new temporary file beside `path`, named PATH.tmp-XXXXXX, with
 * O_EXCL (mkstemp) and mode 0644. *tmp is a fresh malloc'd name (caller
 * frees, and unlinks the file if it does not rename it). Returns 0 and
 * *fd, or an errno value with a message. */
int fio_create_temp(const char *path, char **tmp, int *fd, lerr *e);

/* Remove the temporary files a killed fio_create_temp caller left beside
 * `path`: regular files (never symlinks or anything else) owned by this
 * user whose name is exactly PATH's file name + ".tmp-" + 6 characters.
 * Returns how many were removed. Errors are ignored (best effort). */
size_t fio_remove_stale_temps(const char *path);

/* fsync the directory that holds `path` (to make a rename durable).
 * Returns 0, or -1 with errno set (EINVAL from file systems that cannot
 * fsync a directory is not an error). */
int fio_sync_dir_of(const char *path);

/* Hold SIGINT, SIGTERM and SIGHUP while a file is written and renamed into
 * place, so that Ctrl-C or a stop cannot leave its temporary file behind
 * (they are delivered at fio_signals_release). *old receives the mask to
 * give back; the pair nests. */
void fio_signals_hold(sigset_t *old);
void fio_signals_release(const sigset_t *old);

#endif

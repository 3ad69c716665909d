/* pack_install.h - put a pack in place of another, atomically, keeping
 * the one it replaces as PATH.previous (lectern-pack sign and install).
 * Host and device code (plain C11 + POSIX, no allocation that outlives a
 * call, no global state). The bytes are the caller's: checked before they
 * are handed here (pack_open_mem, pack_verify, psign_check). */
#ifndef LECTERN_PACK_INSTALL_H
#define LECTERN_PACK_INSTALL_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

/* Write img[0..n) to `path` as lectern-pack build writes a pack: refused
 * when path (or, with keep_previous, PATH.previous) exists and is not a
 * regular file (a symbolic link, FIFO, device, directory); temporary files
 * a killed run left beside them are removed; then:
 *   1. a new temporary file PATH.tmp-XXXXXX (O_EXCL) gets the bytes, fsync;
 *   2. with keep_previous and an existing PATH: PATH is copied into
 *      PATH.previous.tmp-XXXXXX, fsync, renamed to PATH.previous, and the
 *      directory fsync'd (PATH is still the old pack all along);
 *   3. the new file is renamed over PATH, and the directory fsync'd.
 * So at every instant (a power cut, kill -9) PATH is the old pack or the
 * new one, whole; a temporary file may be left by a kill, and the next
 * run removes it. SIGINT, SIGTERM and SIGHUP are held meanwhile. On a
 * failure in steps 1-2 no file is left and PATH and PATH.previous are
 * untouched; should the rename of step 3 fail, PATH is untouched and
 * PATH.previous already holds a copy of it. *had_previous (when not NULL)
 * says whether step 2 ran. Returns 0, or -1 with a message naming the file. */
int pack_install_bytes(const char *path, const uint8_t *img, size_t n, int keep_previous, int *had_previous,
                       lerr *e);

#endif

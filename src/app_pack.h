/* app_pack.h - what the reader was given to read: a pack file, a folder of
 * essays, or one .txt/.md essay. A folder or an essay file is packed by
 * `lectern-pack build` itself, in a child process, so a teacher previews a
 * folder in one step and sees what its pack will show; the reader links
 * none of the packer's libraries (fontconfig, md4c, hb-subset, libhyphen),
 * which a cold start would load for nothing. Plain C (no SDL). */
#ifndef LECTERN_APP_PACK_H
#define LECTERN_APP_PACK_H

#include <stdint.h>

#include "pack.h"
#include "util.h"

/* Open `path`: a regular file that starts with the pack magic is opened as
 * a pack (pack_open); a folder, or a file named *.txt, *.md or *.markdown,
 * is packed by `packer build` (packer: the --packer option, NULL or "":
 * found as import_find_packer finds it, beside the reader or on PATH) into
 * a folder of its own in $TMPDIR (or /tmp), made with mkdtemp and removed
 * again whatever happened (SIGINT, SIGTERM and SIGHUP are held meanwhile),
 * and *mem gets the pack's bytes, which the pack borrows: free *mem after
 * pack_close (it is NULL for a pack file). Anything else (a missing path, a
 * pipe or device, some other file) fails with a sentence that says what to
 * give instead. Everything the packer says on stderr goes on to the
 * reader's ("lectern: ..."); a failed packing's message is the packer's
 * first problem with the input (file, line, byte offset) and how many more
 * there were, or its last line, or why it could not run. Returns 0, or -1
 * with *out and *mem NULL. */
int app_pack_open(pack **out, uint8_t **mem, const char *path, const char *packer, lerr *e);

#endif

/* app_pack.h - what the reader was given to read: a pack file, a folder of
 * essays, or one .txt/.md essay. A folder or an essay file is packed in
 * memory with the same code as `lectern-pack build` (tools/packer.h), so a
 * teacher previews a folder in one step and sees what its pack will show.
 * Plain C (no SDL). */
#ifndef LECTERN_APP_PACK_H
#define LECTERN_APP_PACK_H

#include <stdint.h>

#include "pack.h"
#include "util.h"

/* Open `path`: a regular file that starts with the pack magic is opened as
 * a pack (pack_open); a folder, or a file named *.txt, *.md or *.markdown,
 * is packed in memory and *mem gets the bytes, which the pack borrows: free
 * *mem after pack_close (it is NULL for a pack file). Anything else (a
 * missing path, a pipe or device, some other file) fails with a sentence
 * that says what to give instead; packing errors carry the packer's
 * message (file, line, byte offset). Notes from the packer (fallback
 * fonts) go to stderr. Returns 0, or -1 with *out and *mem NULL. */
int app_pack_open(pack **out, uint8_t **mem, const char *path, lerr *e);

#endif

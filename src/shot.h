/* shot.h - write a picture as a PNG file, fast: the screenshot, replay and
 * preview modes write one per page, and at zlib's default level the
 * encoding was most of a cold start's CPU time (libpng and zlib: 43 %).
 * Level 1 and the Sub filter: a text page is mostly runs of one colour,
 * which both keep small anyway.
 *
 * Plain C over libpng; no SDL, no global state. */
#ifndef LECTERN_SHOT_H
#define LECTERN_SHOT_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

/* Write the w x h picture at `pixels` (rows `pitch` bytes apart; 3 bytes a
 * pixel R, G, B, or 4 bytes R, G, B, A when channels is 4) to `path`, as an
 * 8-bit RGB or RGBA PNG. The file appears whole or not at all: it is
 * written beside `path` under a temporary name (O_EXCL) and renamed over
 * it. Returns 0, or -1 with a message naming the path (w or h not 1..65535,
 * the folder not writable, a full disk, out of memory); no temporary file
 * is left behind. The caller keeps `pixels`. */
int shot_save_png(const char *path, const uint8_t *pixels, int w, int h, size_t pitch, int channels, lerr *e);

#endif

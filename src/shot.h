/* shot.h - write a picture as a PNG file, fast: the screenshot, replay and
 * preview modes write one per page, and at zlib's default level the
 * encoding was most of a cold start's CPU time (libpng and zlib: 43 %).
 * No filter (a text page is mostly runs of one colour, which deflate finds
 * as they are: on an 800x480 page both faster and smaller than the Sub
 * filter, 48.8 kB against 60.9 kB at zlib's level 1; Z_RLE and
 * Z_HUFFMAN_ONLY were slower and two to seven times bigger), and the whole
 * image compressed in one call by libdeflate at level 1, about a third
 * faster than zlib's level 1 and a little smaller (46.4 kB). libpng writes
 * the container: signature, IHDR, the chunks' CRCs.
 *
 * Plain C over libpng and libdeflate; no SDL, no global state. */
#ifndef LECTERN_SHOT_H
#define LECTERN_SHOT_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

/* How the bytes of a pixel are laid out in memory. */
enum shot_layout {
    SHOT_RGB = 3,  /* R, G, B */
    SHOT_RGBA = 4, /* R, G, B, A */
    SHOT_BGRX = 5  /* B, G, R, unused: SDL's ARGB8888 on a little-endian machine,
                      written as RGB a row at a time, without a copy of the picture */
};

/* Write the w x h picture at `pixels` (rows `pitch` bytes apart, pixels laid
 * out as `layout` says, enum shot_layout) to `path`, as an 8-bit RGB PNG
 * (RGBA for SHOT_RGBA). The file appears whole or not at all: it is
 * written beside `path` under a temporary name (O_EXCL) and renamed over
 * it. Returns 0, or -1 with a message naming the path (w or h not 1..65535,
 * the folder not writable, a full disk, out of memory); no temporary file
 * is left behind. The caller keeps `pixels`; the filtered rows are copied
 * (h * (1 + 3w) bytes, 4w for RGBA) while the file is made. */
int shot_save_png(const char *path, const uint8_t *pixels, int w, int h, size_t pitch, int layout, lerr *e);

/* The same file, with `pixels` as the encoder's scratch space: for
 * SHOT_BGRX the filtered rows are made where the picture lies, and its
 * bytes mean nothing afterwards (at 800x480, 1.15 MB and some 280 page
 * faults fewer than a copy: a tenth of a cold start's CPU time). Other
 * layouts are copied, as by shot_save_png, and left as they were. For a
 * canvas painted afresh for each picture (the headless pages). */
int shot_save_png_scratch(const char *path, uint8_t *pixels, int w, int h, size_t pitch, int layout, lerr *e);

#endif

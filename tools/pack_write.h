/* pack_write.h - write a lectern pack (format: src/pack_format.md).
 * Host-only (lectern-pack); the reader never writes packs. */
#ifndef LECTERN_PACK_WRITE_H
#define LECTERN_PACK_WRITE_H

#include <stddef.h>
#include <stdint.h>

#include "pack.h"

/* One thing to put in the pack. All pointers are borrowed for the call. */
typedef struct pack_item {
    uint8_t kind;            /* PACK_ESSAY or PACK_FONT */
    uint16_t flags;          /* fonts: PACK_FONT_* (and face index << 8) */
    uint32_t words;          /* essays */
    const uint8_t *data;     /* essay text (pack "Essay text") or font file bytes */
    size_t size;
    const char *title, *byline, *lang; /* NUL-terminated UTF-8; byline/lang may be "" */
} pack_item;

typedef struct pack_write_opts {
    /* Consecutive essays are grouped into one LZ4 block while their text
     * adds up to at most this many bytes; 0 puts every essay in a block of
     * its own; at most PACK_CLUSTER_MAX. Fonts always get a block each,
     * LZ4 (level 12) when that is smaller than the font, else raw (the
     * reader's pack_view decodes a compressed font once and keeps it). */
    uint32_t cluster_max;
    /* Called now and then with bytes done and total, for a progress bar. */
    void (*progress)(void *ctx, uint64_t done, uint64_t total);
    void *progress_ctx;
} pack_write_opts;

#define PACK_CLUSTER_DEFAULT (64u << 10)
/* The largest cluster_max pack_build accepts: the reader decodes a whole
 * cluster to read one essay of it (memory budget, below). */
#define PACK_CLUSTER_MAX (1u << 20)

/* The memory budget: the largest essay the packer accepts, in bytes of
 * decoded text with its soft hyphens (5 MiB; the whole King James Bible as
 * one essay is 4.5 MB of it). The reader keeps an essay's text, its parsed
 * blocks and its page layouts (one per text size used) in memory, about
 * six times the text; with this limit it stays under 64 MB peak RSS on a
 * Raspberry Pi Zero 2 W (512 MB) on any pack the packer accepts (measured
 * through every text size at 1024x600: the KJV 51 MB, a 6.6 MB essay
 * 64 MB). A larger essay is refused, with a message that says to split
 * it. */
#define PACK_ESSAY_MAX_TEXT (5u << 20)

/* Write items (essays first, in their order, then fonts) to `path`.
 * `path` must be a regular file or not exist: a symlink (even to a regular
 * file), FIFO, device node or directory there is refused with a message,
 * and never written or replaced. Temporary files of the same output left by
 * a killed build (PATH.tmp-XXXXXX, regular files of this user) are removed.
 * The pack is written to a new temporary file beside `path` (created with
 * O_EXCL), fsync'd and renamed over it, so on any failure no file (new or
 * partial) is left at `path` and an existing one is untouched. Output is a function of the
 * items and options only: byte-identical across runs.
 * Returns 0, or non-zero with a message naming the file or item. */
int pack_write(const char *path, const pack_item *items, size_t n, const pack_write_opts *o, lerr *e);

/* Build the pack image in memory instead: *out is malloc'd (caller frees).
 * Same bytes as pack_write would write. Refuses an essay over
 * PACK_ESSAY_MAX_TEXT bytes ("... split it into several essays"). On
 * failure (out of memory included) nothing is allocated and the message
 * says what failed. */
int pack_build(const pack_item *items, size_t n, const pack_write_opts *o, uint8_t **out, size_t *size, lerr *e);

#endif

/* pack.h - read lectern packs (format: pack_format.md beside this file).
 *
 * Shared by lectern-pack and the reader. A pack is untrusted bytes: every
 * field is checked before use, every offset and size against the file, and
 * entries are decoded only with LZ4_decompress_safe into buffers of the size
 * the directory promises. No function here reads outside the mapping,
 * whatever the bytes. Plain C11 + liblz4 + libxxhash; no SDL. */
#ifndef LECTERN_PACK_H
#define LECTERN_PACK_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

#define PACK_MAGIC "LPAK\r\n\x1a\n"
#define PACK_VERSION_MAJOR 1
#define PACK_VERSION_MINOR 0
#define PACK_HEADER_SIZE 64
#define PACK_ENTRY_SIZE 80
#define PACK_MAX_ENTRIES (1u << 24)
#define PACK_MAX_BLOCK (256u << 20)
#define PACK_MAX_STRING 65535u

enum pack_kind { PACK_ESSAY = 1, PACK_FONT = 2 };
enum pack_codec { PACK_RAW = 0, PACK_LZ4 = 1 };
enum pack_font_flags { PACK_FONT_ITALIC = 1, PACK_FONT_BOLD = 2, PACK_FONT_FALLBACK = 4 };

/* Status codes. PACK_OK is 0; the others are the kinds of failure a caller
 * may want to tell apart. Every failure also fills the lerr message. */
enum pack_status { PACK_OK = 0, PACK_EIO = 1, PACK_EDAMAGED = 2, PACK_ENOMEM = 3, PACK_ERANGE = 4 };

/* One directory entry, decoded and checked. Strings point into the pack's
 * mapping (not NUL-terminated) and live as long as the pack. */
typedef struct pack_entry {
    uint8_t kind, codec;
    uint16_t flags;
    uint32_t words;
    uint64_t block_offset;
    uint32_t block_stored, block_size, offset, size;
    uint64_t block_xxh3, data_xxh3;
    const char *title, *byline, *lang;
    uint16_t title_len, byline_len, lang_len;
} pack_entry;

typedef struct pack pack;

/* Open and map the file at `path`, then check its header and directory.
 * On success *out owns the mapping; free it with pack_close. On failure
 * returns PACK_EIO (cannot read) or PACK_EDAMAGED (bad header/directory,
 * message names the field and byte offset), *out is NULL. */
int pack_open(pack **out, const char *path, lerr *e);

/* The same checks on bytes already in memory. The pack borrows buf, which
 * must outlive it. Used by tests and the fuzzer. */
int pack_open_mem(pack **out, const void *buf, size_t size, lerr *e);

/* Unmap and free. NULL is fine. */
void pack_close(pack *p);

/* Entry count, essay count, and the whole file's size. */
size_t pack_count(const pack *p);
size_t pack_essays(const pack *p);
uint64_t pack_file_size(const pack *p);

/* Entry i (0-based, < pack_count). The pointer lives as long as the pack. */
const pack_entry *pack_entry_at(const pack *p, size_t i);

/* Entry index of essay number n (1-based, as lectern-pack list prints),
 * or (size_t)-1 when there is no such essay. */
size_t pack_essay_index(const pack *p, size_t n);

/* Decode entry i into a fresh malloc'd buffer: *data (caller frees; may be
 * NULL when *size is 0). Decodes with LZ4_decompress_safe into a buffer of
 * exactly the block's promised size, checks that it decoded to that size
 * and that the entry's bytes match its data checksum. A failure affects
 * only this entry: PACK_EDAMAGED with a message naming the essay or font
 * and what is damaged, or PACK_ENOMEM. The last decoded cluster is cached,
 * so reading every essay in order decodes each block once. */
int pack_read(pack *p, size_t i, uint8_t **data, size_t *size, lerr *e);

/* For entries stored raw (codec 0, fonts): a view into the mapping, with no
 * copy, after the same data checksum check. Lives as long as the pack. PACK_ERANGE when
 * the entry is compressed. */
int pack_view(pack *p, size_t i, const uint8_t **data, size_t *size, lerr *e);

/* Check every entry, its stored bytes and its decoded bytes (pack_verify is
 * what `lectern-pack verify` runs).
 * Returns the number of damaged entries and calls report(ctx, i, msg) for
 * each; 0 when all are good. */
size_t pack_verify(pack *p, void (*report)(void *ctx, size_t i, const char *msg), void *ctx);

#endif

/* pack.h - read lectern packs (format: pack_format.md beside this file).
 *
 * Shared by lectern-pack and the reader. A pack is untrusted bytes: every
 * field is checked before use, every offset and size against the file, and
 * entries are decoded only with LZ4's safe decoders (LZ4_decompress_safe,
 * its _usingDict form for codec 2 and its _partial form for the shared
 * dictionary) into buffers of the size the directory promises. No function here reads outside the file or
 * buffer, whatever the bytes. Plain C11 + liblz4 + libxxhash; no SDL.
 *
 * A pack file is never mapped: the file may be truncated or overwritten in
 * place while the reader runs (`cp other.lpk pack.lpk`), and a mapped page
 * that is gone kills the process with SIGBUS. pack_open reads the header
 * and the directory (only those: open and list cost the same whatever the
 * size of the content) into memory the pack owns, and keeps the file open;
 * every entry is then read with pread into owned buffers when asked for.
 * Damage that appears later (the file cut short or its bytes replaced) is
 * an error for the entries read after it (PACK_EIO or PACK_EDAMAGED, the
 * message naming the essay and saying the file changed), never a signal;
 * what was already read stays good. pack_changed tells whether the file at
 * the pack's path was replaced or changed, so that the reader can reopen. */
#ifndef LECTERN_PACK_H
#define LECTERN_PACK_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

#define PACK_MAGIC "LPAK\r\n\x1a\n"
#define PACK_VERSION_MAJOR 3
#define PACK_VERSION_MINOR 0
#define PACK_VERSION_OLDEST 2 /* the oldest major version this reader still reads */
#define PACK_HEADER_SIZE 64
#define PACK_ENTRY_SIZE 80
#define PACK_MAX_ENTRIES (1u << 24)
#define PACK_MAX_BLOCK (256u << 20)
#define PACK_MAX_STRING 65535u
/* A signed pack (format 3.1): one signature block of PACK_SIG_SIZE bytes
 * between the last data block and the directory (pack_format.md,
 * "Signature block"). The reader checks its structure and checksum here;
 * the signature itself is checked by src/pack_sign.c (libsodium). */
#define PACK_SIG_MAGIC "LSIG\r\n\x1a\n"
#define PACK_SIG_SIZE 128
#define PACK_SIG_ALG_ED25519PH 1
#define PACK_SIG_PUBKEY_SIZE 32
#define PACK_SIG_BYTES 64
#define PACK_VERSION_MINOR_SIGNED 1 /* version_minor that lectern-pack sign writes */

enum pack_kind { PACK_ESSAY = 1, PACK_FONT = 2 };
enum pack_codec { PACK_RAW = 0, PACK_LZ4 = 1, PACK_LZ4_DICT = 2 };
/* PACK_LZ4_DICT: one LZ4 block decoded with LZ4_decompress_safe_usingDict,
 * its dictionary the first PACK_DICT_MAX (or fewer) decoded bytes of entry
 * 0's block (pack_format.md, "The shared dictionary"). */
#define PACK_DICT_MAX 65536u
/* Essay flags (3.0): how the essay's bytes are stored in its block. The
 * reader expands them (pack_essay_expand) to the same essay bytes a 2.0
 * pack held, so essay_parse and layout see no difference. */
enum pack_essay_flags {
    PACK_ESSAY_VSPANS = 1 /* the style section is stored with varints (pack_format.md) */
};
#define PACK_ESSAY_FLAGS_ALL 1u
enum pack_font_flags { PACK_FONT_ITALIC = 1, PACK_FONT_BOLD = 2, PACK_FONT_FALLBACK = 4 };

/* Status codes. PACK_OK is 0; the others are the kinds of failure a caller
 * may want to tell apart. Every failure also fills the lerr message. */
enum pack_status { PACK_OK = 0, PACK_EIO = 1, PACK_EDAMAGED = 2, PACK_ENOMEM = 3, PACK_ERANGE = 4 };

/* One directory entry, decoded and checked. Strings point into the pack's
 * own copy of the directory (not NUL-terminated) and live as long as the
 * pack, whatever happens to the file. */
typedef struct pack_entry {
    uint8_t kind, codec;
    uint16_t flags;
    uint32_t words;
    uint64_t block_offset;
    uint32_t block_stored, block_size, offset, size;
    uint32_t full_size;   /* essays: bytes pack_read returns (size, expanded); fonts: size */
    uint64_t block_xxh3, data_xxh3;
    const char *title, *byline, *lang;
    uint16_t title_len, byline_len, lang_len;
} pack_entry;

typedef struct pack pack;

/* A signature block, decoded and checked (structure and checksum only:
 * whether the signature is right is pack_sign's business). */
typedef struct pack_sig {
    uint64_t offset;                       /* where the block starts in the file */
    uint8_t pubkey[PACK_SIG_PUBKEY_SIZE];  /* the Ed25519 key it claims to be made with */
    uint8_t sig[PACK_SIG_BYTES];           /* the Ed25519ph signature */
} pack_sig;

/* Decode the PACK_SIG_SIZE bytes b of a signature block found at file
 * offset `at` into *out. Returns PACK_OK, or PACK_EDAMAGED with a message
 * naming the field and its byte offset in the file (bad magic, unknown
 * algorithm, reserved bytes, size, checksum). Reads only b[0..128). */
int pack_sig_parse(const uint8_t *b, uint64_t at, pack_sig *out, lerr *e);

/* Write a signature block into b[0..PACK_SIG_SIZE): magic, algorithm,
 * size, pubkey, sig (NULL: 64 zero bytes) and its checksum. */
void pack_sig_format(uint8_t *b, const uint8_t *pubkey, const uint8_t *sig);

/* Open the file at `path` (defensively: fio_open_read, so a FIFO, device
 * or directory is refused at once, never waited on), read its header and
 * directory and check them. On success *out owns an open descriptor of the
 * file and a copy of its directory; free it with pack_close. On failure
 * returns PACK_EIO (cannot read, or not a regular file), PACK_EDAMAGED (bad
 * header/directory, message names the field and byte offset) or
 * PACK_ENOMEM; *out is NULL. */
int pack_open(pack **out, const char *path, lerr *e);

/* The same checks on bytes already in memory. The pack borrows buf, which
 * must outlive it and stay unchanged while it is open: the directory is
 * copied, but a block's stored bytes are checked and decoded where they
 * lie, with no copy. Used by tests, the fuzzer, and a folder packed for
 * reading. */
int pack_open_mem(pack **out, const void *buf, size_t size, lerr *e);

/* Close the file and free everything, pack_view buffers included. NULL is
 * fine. */
void pack_close(pack *p);

/* Entry count, essay count, and the whole file's size (when opened). */
size_t pack_count(const pack *p);
size_t pack_essays(const pack *p);
uint64_t pack_file_size(const pack *p);

/* Where the directory starts, and where the data blocks end: the same
 * offset for an unsigned pack; for a signed one the signature block lies
 * between the two. */
uint64_t pack_dir_offset(const pack *p);
uint64_t pack_data_end(const pack *p);

/* The pack's version from its header (major, minor). */
void pack_version(const pack *p, unsigned *major, unsigned *minor);

/* The pack's signature block (checked at open), or NULL when it has none.
 * Lives as long as the pack. */
const pack_sig *pack_signature(const pack *p);

/* Entry i (0-based, < pack_count). The pointer lives as long as the pack. */
const pack_entry *pack_entry_at(const pack *p, size_t i);

/* Entry index of essay number n (1-based, as lectern-pack list prints),
 * or (size_t)-1 when there is no such essay. */
size_t pack_essay_index(const pack *p, size_t n);

/* Decode entry i into a fresh malloc'd buffer: *data (caller frees; may be
 * NULL when *size is 0), *size == full_size bytes: for an essay the same
 * essay bytes (text with U+00AD, NUL, 16-byte span table) whatever its
 * stored form. Decodes with LZ4_decompress_safe into a buffer of
 * exactly the block's promised size, checks that it decoded to that size
 * and that the entry's bytes match its data checksum. A failure affects
 * only this entry: PACK_EDAMAGED with a message naming the essay or font
 * and what is damaged, or PACK_ENOMEM. The last decoded cluster is cached,
 * so reading every essay in order decodes each block once. */
int pack_read(pack *p, size_t i, uint8_t **data, size_t *size, lerr *e);

/* For fonts (stored raw or LZ4) and other entries stored raw (codec 0):
 * the entry's bytes in a buffer the pack owns, read (decoded) and checked
 * (data checksum) on the first call and kept until pack_close, whatever
 * happens to the file (HarfBuzz and FreeType read font bytes for as long
 * as the face lives: destroy faces made from these bytes before
 * pack_close). PACK_ERANGE for a compressed essay (use pack_read); other
 * failures as pack_read. */
int pack_view(pack *p, size_t i, const uint8_t **data, size_t *size, lerr *e);

/* Was the file at the pack's path replaced or changed since pack_open?
 * Compares stat(path) with the file as opened: device and inode (replaced,
 * e.g. by rename or by delete and copy), size and modification time
 * (changed in place: truncated, overwritten, appended to). Cheap (one
 * stat); call it now and then (the reader: when it is idle, and when a read
 * fails) and reopen the pack on PACK_REPLACED or PACK_MODIFIED. A reopen
 * can fail while the new file is still being written: keep the old pack
 * (what it already read stays good) and try again later. PACK_GONE: nothing
 * is at the path now; the open pack still reads the old file if it was
 * renamed or deleted, not truncated. A pack from pack_open_mem always gives
 * PACK_SAME. */
enum pack_change { PACK_SAME = 0, PACK_REPLACED = 1, PACK_MODIFIED = 2, PACK_GONE = 3 };
int pack_changed(const pack *p);

/* Expand an essay's stored bytes s[0..n) (as decoded from its block, with
 * its PACK_ESSAY_* flags) into out[0..full), which the caller owns and
 * which must hold exactly full bytes: the text (up to the first NUL) is
 * copied, and a varint style section becomes the 16-byte span table.
 * Flags 0: a copy. Returns 0, or -1 with a message naming the byte offset
 * in s (a bad varint, a span count that cannot fit, a span field out of
 * range, a size other than full); never reads or writes outside the two
 * buffers. Shared by the
 * reader, lectern-pack (which checks every essay it compacts by expanding
 * it again) and the fuzzer. */
int pack_essay_expand(const uint8_t *s, size_t n, unsigned flags, uint8_t *out, size_t full, lerr *e);

/* Check every entry, its stored bytes and its decoded bytes (pack_verify is
 * what `lectern-pack verify` runs).
 * Returns the number of damaged entries and calls report(ctx, i, msg) for
 * each; 0 when all are good. */
size_t pack_verify(pack *p, void (*report)(void *ctx, size_t i, const char *msg), void *ctx);

#endif

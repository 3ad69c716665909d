/* fuzz_pack.c - the pack loader on arbitrary bytes: open, list every entry,
 * read and verify every entry. Nothing may crash or read out of bounds;
 * whatever opens must keep its promises (entries inside the file).
 *
 * Random bytes almost never pass the checksums, which would leave the field
 * checks behind them unexplored. So each input is tried twice: as it is,
 * and "resealed": the header, directory, block and data checksums are
 * recomputed so that the loader has to judge every other field on its own
 * (codec 2 blocks decoded with entry 0's block as their dictionary, as the
 * reader does), and a signature block found just before the directory
 * (3.1) given its checksum again.
 *
 * And pack_essay_expand alone: the input's first byte gives the flags and
 * the next four the size it must expand to; the rest is a stored essay. The
 * expansion may refuse (with a message) but never read or write outside its
 * buffers (ASan watches), and what it accepts has exactly that size. */
#include <lz4.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pack.h"

static void exercise(const uint8_t *data, size_t size)
{
    pack *p;
    lerr e;
    if (pack_open_mem(&p, data, size, &e) != PACK_OK) {
        if (!e.msg[0]) abort(); /* a refusal must say why */
        return;
    }
    for (size_t i = 0; i < pack_count(p); i++) {
        const pack_entry *en = pack_entry_at(p, i);
        if (en->block_offset + en->block_stored > size) abort();
        uint8_t *d;
        size_t n;
        if (pack_read(p, i, &d, &n, &e) == PACK_OK && n != en->full_size) abort();
        free(d);
        const uint8_t *v;
        pack_view(p, i, &v, &n, &e);
    }
    pack_verify(p, NULL, NULL);
    for (size_t k = 0; k <= pack_essays(p) + 1; k++) pack_essay_index(p, k);
    pack_close(p);
}

static void seal_header(uint8_t *m, size_t size)
{
    uint64_t dir = le64(m + 24);
    if (dir <= size) put64(m + 40, lx_hash(m + dir, size - dir));
    put64(m + 56, lx_hash(m, 56));
}

/* A signature block just before the directory: its own checksum again. */
static void seal_sig(uint8_t *m, size_t size)
{
    uint64_t dir = le64(m + 24);
    if (dir > size || dir < PACK_HEADER_SIZE + PACK_SIG_SIZE) return;
    uint8_t *b = m + dir - PACK_SIG_SIZE;
    if (memcmp(b, PACK_SIG_MAGIC, 4) == 0) put64(b + 120, lx_hash(b, 120));
}

static void expand(const uint8_t *data, size_t size)
{
    if (size < 5) return;
    size_t full = le32(data + 1) % (4 * size + 16);
    uint8_t *out = malloc(full ? full : 1);
    lerr e = {{0}};
    if (pack_essay_expand(data + 5, size - 5, data[0] & PACK_ESSAY_FLAGS_ALL, out, full, &e) != 0 && !e.msg[0])
        abort();
    free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    exercise(data, size);
    expand(data, size);
    if (size < PACK_HEADER_SIZE || size > (1u << 20)) return 0;
    uint8_t *m = malloc(size);
    memcpy(m, data, size);
    memcpy(m, PACK_MAGIC, 8);
    put64(m + 16, size);
    seal_sig(m, size);
    seal_header(m, size);
    pack *p;
    if (pack_open_mem(&p, m, size, NULL) == PACK_OK) {
        /* bounds are checked now: fix each entry's content checksums */
        uint64_t dir = le64(m + 24);
        size_t count = pack_count(p);
        /* the dictionary of codec 2 blocks: entry 0's block, decoded */
        char dict[PACK_DICT_MAX];
        int dn = 0;
        if (count) {
            const pack_entry *e0 = pack_entry_at(p, 0);
            int want = (int)(e0->block_size < PACK_DICT_MAX ? e0->block_size : PACK_DICT_MAX);
            if (e0->codec == PACK_RAW) {
                memcpy(dict, m + e0->block_offset, (size_t)want);
                dn = want;
            } else if (e0->codec == PACK_LZ4) {
                dn = LZ4_decompress_safe_partial((const char *)m + e0->block_offset, dict, (int)e0->block_stored, want,
                                                 want);
                if (dn != want) dn = 0;
            }
        }
        for (size_t i = 0; i < count; i++) {
            const pack_entry *en = pack_entry_at(p, i);
            uint8_t *f = m + dir + i * PACK_ENTRY_SIZE;
            const uint8_t *blk = m + en->block_offset;
            put64(f + 32, lx_hash(blk, en->block_stored));
            if (en->codec == PACK_RAW) {
                put64(f + 40, lx_hash(blk + en->offset, en->size));
            } else if (en->block_size <= (1u << 22)) {
                char *out = malloc(en->block_size);
                int r = en->codec == PACK_LZ4_DICT
                            ? LZ4_decompress_safe_usingDict((const char *)blk, out, (int)en->block_stored,
                                                            (int)en->block_size, dict, dn)
                            : LZ4_decompress_safe((const char *)blk, out, (int)en->block_stored, (int)en->block_size);
                if (r == (int)en->block_size)
                    put64(f + 40, lx_hash(out + en->offset, en->size));
                free(out);
            }
        }
        pack_close(p);
        seal_header(m, size);
        exercise(m, size);
    }
    free(m);
    return 0;
}

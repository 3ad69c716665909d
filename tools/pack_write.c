/* pack_write.c - see pack_write.h. The layout written here is the one
 * src/pack_format.md describes; pack.c reads it back. */
#include "pack_write.h"

#include "buf.h"
#include "fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <lz4.h>
#include <lz4hc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Block placement of one item, filled while the data area is written. */
typedef struct placed {
    uint8_t codec;
    uint64_t block_offset;
    uint32_t block_stored, block_size, offset;
    uint64_t block_xxh3;
} placed;

/* Append one block holding raw[0..n) to data; compress with LZ4HC level 12
 * unless told not to or unless compressing does not pay. With a dictionary
 * (hc, dict[0..dn)), the block is compressed as if dict came just before
 * it (codec 2, pack_format.md "The shared dictionary"). */
static int put_block(buf *data, const uint8_t *raw, size_t n, int compress, LZ4_streamHC_t *hc,
                     const uint8_t *dict, size_t dn, placed *pl, lerr *e)
{
    pl->block_offset = PACK_HEADER_SIZE + data->n;
    pl->block_size = (uint32_t)n;
    pl->codec = PACK_RAW;
    if (compress) {
        int bound = LZ4_compressBound((int)n);
        if (buf_reserve(data, (size_t)bound)) goto oom;
        int c;
        if (hc && dn) {
            LZ4_resetStreamHC_fast(hc, LZ4HC_CLEVEL_MAX);
            LZ4_loadDictHC(hc, (const char *)dict, (int)dn);
            c = LZ4_compress_HC_continue(hc, (const char *)raw, (char *)data->p + data->n, (int)n, bound);
        } else {
            c = LZ4_compress_HC((const char *)raw, (char *)data->p + data->n, (int)n, bound, LZ4HC_CLEVEL_MAX);
        }
        if (c > 0 && (size_t)c < n) {
            pl->codec = hc && dn ? PACK_LZ4_DICT : PACK_LZ4;
            pl->block_stored = (uint32_t)c;
            pl->block_xxh3 = lx_hash(data->p + data->n, (size_t)c);
            data->n += (size_t)c;
            return 0;
        }
    }
    if (buf_put(data, raw, n)) goto oom;
    pl->block_stored = (uint32_t)n;
    pl->block_xxh3 = lx_hash(raw, n);
    return 0;
oom:
    lerr_set(e, "out of memory");
    return -1;
}

static int put_varint(buf *b, uint64_t v)
{
    uint8_t t[10];
    size_t k = 0;
    while (v >= 0x80) {
        t[k++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    t[k++] = (uint8_t)v;
    return buf_put(b, t, k);
}

/* The 16-byte span table of a style section s[0..m) (the bytes after the
 * text's NUL) as varints (pack_format.md, "Compact style section"), onto o.
 * Returns 1 done, 0 when the section does not have the shape to encode
 * (it is then stored as it is), -1 out of memory. */
static int compact_spans(const uint8_t *s, size_t m, buf *o)
{
    if (m < 8 || le16(s + 6) != 0) return 0;
    uint32_t count = le32(s);
    if ((uint64_t)count * 16 > m - 8) return 0;
    if (put_varint(o, count) || put_varint(o, le16(s + 4))) return -1;
    uint32_t block = 0, end = 0;
    for (uint32_t k = 0; k < count; k++) {
        const uint8_t *r = s + 8 + (size_t)k * 16;
        uint32_t b = le32(r), st = le32(r + 4), len = le32(r + 8);
        if (b < block || (b == block && st < end)) return 0;
        if (b != block) end = 0;
        if (put_varint(o, b - block) || put_varint(o, st - end) || put_varint(o, len) || buf_put(o, r + 12, 2) ||
            put_varint(o, le16(r + 14)))
            return -1;
        block = b;
        end = st + len;
    }
    return buf_put(o, s + 8 + (size_t)count * 16, m - 8 - (size_t)count * 16) ? -1 : 1;
}

/* An essay's bytes d[0..n) as they are stored (pack_format.md, "Stored
 * essays"): the text as it is, the span table as varints where it has the
 * shape for them; into o, flags into *flags. The result is expanded again
 * with the reader's own pack_essay_expand and compared with d: anything
 * that does not come back byte for byte is stored as it is (flags 0).
 * Returns 0, or -1 out of memory. */
static int compact_essay(const uint8_t *d, size_t n, buf *o, uint16_t *flags)
{
    *flags = 0;
    o->n = 0;
    if (n == 0) return 0;
    const uint8_t *nul = memchr(d, 0, n);
    size_t tend = nul ? (size_t)(nul - d) : n;
    if (buf_put(o, d, tend)) return -1;
    if (nul) {
        size_t at = o->n;
        if (buf_put(o, "", 1)) return -1;
        int c = compact_spans(nul + 1, n - tend - 1, o);
        if (c < 0) return -1;
        if (c) {
            *flags |= PACK_ESSAY_VSPANS;
        } else {
            o->n = at + 1;
            if (buf_put(o, nul + 1, n - tend - 1)) return -1;
        }
    }
    if (*flags) {
        uint8_t *back = malloc(n ? n : 1);
        if (!back) return -1;
        lerr e;
        int same = pack_essay_expand(o->p, o->n, *flags, back, n, &e) == 0 && !memcmp(back, d, n);
        free(back);
        if (!same) *flags = 0;
    }
    if (!*flags) {
        o->n = 0;
        if (buf_put(o, d, n)) return -1;
    }
    return 0;
}

static int put_string(buf *strings, const char *s, uint8_t field[8], const char *what, size_t item, lerr *e)
{
    size_t n = s ? strlen(s) : 0;
    if (n > PACK_MAX_STRING) {
        lerr_set(e, "item %zu: %s is %zu bytes; the format allows %u", item, what, n, PACK_MAX_STRING);
        return -1;
    }
    if (strings->n > UINT32_MAX - n) {
        lerr_set(e, "string table over 4 GiB");
        return -1;
    }
    put32(field, (uint32_t)strings->n);
    put32(field + 4, (uint32_t)n);
    if (buf_put(strings, s, n)) {
        lerr_set(e, "out of memory");
        return -1;
    }
    return 0;
}

int pack_build(const pack_item *items, size_t n, const pack_write_opts *o, uint8_t **out, size_t *size, lerr *e)
{
    static const pack_write_opts defaults = {PACK_CLUSTER_DEFAULT, NULL, NULL};
    if (!o) o = &defaults;
    *out = NULL;
    *size = 0;
    int rc = -1;
    buf data = {0}, dir = {0}, strings = {0}, clus = {0};
    placed *pl = calloc(n ? n : 1, sizeof *pl);
    /* each essay as stored (compact_essay) and its flags */
    buf *sto = calloc(n ? n : 1, sizeof *sto);
    uint16_t *sflags = calloc(n ? n : 1, sizeof *sflags);
    LZ4_streamHC_t *hc = NULL;
    uint8_t *dict = NULL;
    size_t dn = 0;
    if (!pl || !sto || !sflags) {
        free(pl);
        free(sto);
        free(sflags);
        lerr_set(e, "out of memory");
        return -1;
    }
    if (n > PACK_MAX_ENTRIES) { lerr_set(e, "%zu entries; the format allows %u", n, PACK_MAX_ENTRIES); goto done; }
    if (o->cluster_max > PACK_CLUSTER_MAX) {
        /* the reader decodes a whole cluster to read one essay of it */
        lerr_set(e, "clusters of %u bytes: at most %u (1 MiB), so that a kiosk reader has the memory to open them",
                 o->cluster_max, PACK_CLUSTER_MAX);
        goto done;
    }

    uint64_t total = 0, done = 0;
    for (size_t i = 0; i < n; i++) total += items[i].size;
    /* every essay in its stored form first (its size decides its cluster) */
    for (size_t i = 0; i < n; i++)
        if (items[i].kind == PACK_ESSAY && items[i].size <= PACK_ESSAY_MAX_TEXT &&
            compact_essay(items[i].data, items[i].size, &sto[i], &sflags[i])) {
            lerr_set(e, "out of memory");
            goto done;
        }

    for (size_t i = 0; i < n; i++) {
        const pack_item *it = &items[i];
        if (it->size == 0 || it->size > PACK_MAX_BLOCK) {
            if (it->kind == PACK_ESSAY && it->size == 0) {
                /* An empty essay still needs a block; it is one byte long
                 * and the entry takes none of it. */
            } else {
                lerr_set(e, "item %zu ('%s'): %zu bytes, the format allows 1 to %u", i, it->title, it->size,
                         PACK_MAX_BLOCK);
                goto done;
            }
        }
        if (it->kind == PACK_ESSAY && it->size > PACK_ESSAY_MAX_TEXT) {
            lerr_set(e, "essay '%s' is too long: %.1f MB of text (%zu bytes, with its hyphenation points); "
                     "a kiosk reader (a Raspberry Pi Zero 2 W has 512 MB) can show at most %.1f MB (%u bytes) "
                     "as one essay: split it into several essays, for example one per chapter or part",
                     it->title ? it->title : "", it->size / 1e6, it->size, PACK_ESSAY_MAX_TEXT / 1e6,
                     PACK_ESSAY_MAX_TEXT);
            goto done;
        }
        if (it->kind == PACK_FONT) {
            /* LZ4 when that is smaller (a subset font: about 0.6x; its
             * licence text compresses well), else raw */
            if (put_block(&data, it->data, it->size, 1, NULL, NULL, 0, &pl[i], e)) goto done;
            pl[i].offset = 0;
            done += it->size;
            continue;
        }
        /* A cluster: this essay and the ones after it while they fit (in
         * their stored form). */
        size_t j = i, sum = 0;
        clus.n = 0;
        while (j < n && items[j].kind == PACK_ESSAY &&
               (j == i || sum + sto[j].n <= o->cluster_max) &&
               sum + sto[j].n <= PACK_MAX_BLOCK) {
            pl[j].offset = (uint32_t)sum;
            if (buf_put(&clus, sto[j].p, sto[j].n)) { lerr_set(e, "out of memory"); goto done; }
            sum += sto[j].n;
            j++;
            if (o->cluster_max == 0) break;
        }
        if (clus.n == 0 && buf_put(&clus, "\n", 1)) { lerr_set(e, "out of memory"); goto done; }
        placed block;
        if (put_block(&data, clus.p, clus.n, 1, hc, dict, dn, &block, e)) goto done;
        if (i == 0) {
            /* The first block's first bytes are the dictionary of every
             * other essay block (codec 2). */
            dn = clus.n < PACK_DICT_MAX ? clus.n : PACK_DICT_MAX;
            dict = malloc(dn);
            hc = j < n && items[j].kind == PACK_ESSAY ? LZ4_createStreamHC() : NULL;
            if (!dict || (j < n && items[j].kind == PACK_ESSAY && !hc)) { lerr_set(e, "out of memory"); goto done; }
            memcpy(dict, clus.p, dn);
        }
        for (size_t k = i; k < j; k++) {
            uint32_t off = pl[k].offset;
            pl[k] = block;
            pl[k].offset = off;
        }
        done += sum;
        if (o->progress) o->progress(o->progress_ctx, done, total);
        i = j - 1;
    }
    /* header + blocks must fit in memory (size_t: 32 bits on armhf) */
    if (data.n > SIZE_MAX - PACK_HEADER_SIZE) { lerr_set(e, "the pack would be too large"); goto done; }

    /* Directory: entries, then the strings they point to. */
    if (buf_reserve(&dir, n * PACK_ENTRY_SIZE)) { lerr_set(e, "out of memory"); goto done; }
    for (size_t i = 0; i < n; i++) {
        const pack_item *it = &items[i];
        uint8_t *f = dir.p + dir.n;
        memset(f, 0, PACK_ENTRY_SIZE);
        dir.n += PACK_ENTRY_SIZE;
        int ess = it->kind == PACK_ESSAY;
        const uint8_t *sd = ess ? sto[i].p : it->data;
        size_t sn = ess ? sto[i].n : it->size;
        f[0] = it->kind;
        f[1] = pl[i].codec;
        put16(f + 2, ess ? sflags[i] : it->flags);
        put32(f + 4, it->kind == PACK_ESSAY ? it->words : 0);
        put64(f + 8, pl[i].block_offset);
        put32(f + 16, pl[i].block_stored);
        put32(f + 20, pl[i].block_size);
        put32(f + 24, pl[i].offset);
        put32(f + 28, (uint32_t)sn);
        put64(f + 32, pl[i].block_xxh3);
        put64(f + 40, lx_hash(sd, sn));
        if (ess) put32(f + 72, (uint32_t)it->size); /* full_size: what the reader expands it to */
        if (!it->title || !*it->title) { lerr_set(e, "item %zu has no title", i); goto done; }
        if (put_string(&strings, it->title, f + 48, "title", i, e) ||
            put_string(&strings, it->byline, f + 56, "byline", i, e) ||
            put_string(&strings, it->lang, f + 64, "language", i, e))
            goto done;
    }
    if (buf_put(&dir, strings.p, strings.n)) { lerr_set(e, "out of memory"); goto done; }
    if (dir.n > UINT32_MAX) { lerr_set(e, "directory over 4 GiB"); goto done; }

    uint8_t h[PACK_HEADER_SIZE] = {0};
    memcpy(h, PACK_MAGIC, 8);
    put16(h + 8, PACK_VERSION_MAJOR);
    put16(h + 10, PACK_VERSION_MINOR);
    put32(h + 12, PACK_HEADER_SIZE);
    uint64_t dir_off = PACK_HEADER_SIZE + (uint64_t)data.n;
    put64(h + 16, dir_off + dir.n);
    put64(h + 24, dir_off);
    put32(h + 32, (uint32_t)dir.n);
    put32(h + 36, (uint32_t)n);
    put64(h + 40, lx_hash(dir.p, dir.n));
    put64(h + 56, lx_hash(h, 56));

    buf img = {0};
    if (buf_put(&img, h, sizeof h) || buf_put(&img, data.p, data.n) || buf_put(&img, dir.p, dir.n)) {
        free(img.p);
        lerr_set(e, "out of memory");
        goto done;
    }
    *out = img.p;
    *size = img.n;
    rc = 0;
done:
    for (size_t i = 0; i < n; i++) free(sto[i].p);
    free(sto);
    free(sflags);
    free(dict);
    LZ4_freeStreamHC(hc);
    free(pl);
    free(data.p);
    free(dir.p);
    free(strings.p);
    free(clus.p);
    return rc;
}

int pack_write(const char *path, const pack_item *items, size_t n, const pack_write_opts *o, lerr *e)
{
    /* Never replace a device node, a FIFO, a directory or a symlink (even
     * one to a regular file) with the pack: only a regular file or
     * nothing. */
    if (fio_check_replace(path, e)) return -1;
    uint8_t *img;
    size_t size;
    if (pack_build(items, n, o, &img, &size, e)) return -1;

    /* Temporary files of this output left by a build that was killed. */
    fio_remove_stale_temps(path);
    /* The temporary file sits beside the target so that rename is atomic;
     * it is created with O_EXCL, so nothing already at its name is used. */
    char *tmp;
    int fd, rc = -1;
    if (fio_create_temp(path, &tmp, &fd, e)) {
        free(img);
        return -1;
    }
    if (fio_write_all(fd, img, size) != 0 || fsync(fd) != 0) {
        lerr_set(e, "%s: cannot write: %s", tmp, strerror(errno));
        close(fd);
        unlink(tmp);
        goto out;
    }
    if (close(fd) != 0) {
        lerr_set(e, "%s: cannot write: %s", tmp, strerror(errno));
        unlink(tmp);
        goto out;
    }
    /* Checked again just before the rename: the output may have been
     * replaced by something else while the pack was compressed. */
    if (fio_check_replace(path, e)) {
        unlink(tmp);
        goto out;
    }
    if (rename(tmp, path) != 0) {
        lerr_set(e, "%s: cannot write: %s", path, strerror(errno));
        unlink(tmp);
        goto out;
    }
    /* Make the rename itself durable. */
    (void)fio_sync_dir_of(path);
    rc = 0;
out:
    free(tmp);
    free(img);
    return rc;
}

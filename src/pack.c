/* pack.c - read lectern packs. See pack.h and pack_format.md.
 *
 * Trust nothing: the header checksum is checked before any header field is
 * used, the directory checksum before any entry is decoded, and every entry
 * field against the file's real size. After pack_open succeeds, every
 * pack_entry in p->entries is known to point inside the file, so later
 * reads only have to check content checksums. */
#include "pack.h"

#include "fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <lz4.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { CHECK_UNKNOWN = 0, CHECK_GOOD = 1, CHECK_BAD = 2 };

struct pack {
    /* Where the bytes come from: a file read with pread (fd >= 0), never
     * mapped, so that a file truncated or overwritten under us gives a
     * short read or a checksum error, not SIGBUS; or a caller's buffer. */
    int fd;
    const uint8_t *mem;   /* pack_open_mem: the borrowed bytes */
    uint64_t size;        /* the file's size when opened */
    char *path;           /* pack_open: the name it was opened by */
    struct stat st;       /* pack_open: the file as it was when opened */
    uint8_t *dir;         /* owned copy of the directory (entries + strings) */
    uint8_t **views;      /* pack_view: per entry, an owned copy, or NULL */
    pack_entry *entries;
    size_t count;
    size_t *essay_index;  /* essay number - 1 -> entry index */
    size_t essays;
    uint8_t *checked;     /* per entry: CHECK_* for its block's stored checksum */
    /* one-slot cache of the last decoded cluster block: cache points into
     * cache_mem, after a copy of the dictionary for a codec 2 block */
    uint8_t *cache_mem;
    uint8_t *cache;
    uint64_t cache_offset;
    uint32_t cache_size;
    int cache_valid;
    int cache_block_ok;   /* its stored bytes matched block_xxh3, and decoded to block_size */
    uint16_t major;       /* the pack's format version: 2 or 3 */
    uint16_t minor;
    uint64_t dir_off;     /* the directory's offset */
    uint64_t data_end;    /* where the last data block ends (64 with none) */
    int is_signed;        /* a signature block lies in [data_end, dir_off) */
    pack_sig sig;
    /* the shared dictionary of codec 2 blocks (the first decoded bytes of
     * entry 0's block), loaded on first use */
    uint8_t *dict;
    uint32_t dict_size;
    int dict_ok;          /* it came from stored bytes that matched their checksum */
};

static const char *kind_name(uint8_t kind) { return kind == PACK_ESSAY ? "essay" : "font"; }

/* Fill an entry's string field from (offset, length) at p, or fail. */
static int load_string(const uint8_t *f, const uint8_t *strings, uint32_t strings_size,
                       const char **s, uint16_t *len, size_t i, const char *what,
                       uint64_t field_at, lerr *e)
{
    uint32_t off = le32(f), n = le32(f + 4);
    if (n > PACK_MAX_STRING || off > strings_size || n > strings_size - off) {
        lerr_set(e, "directory entry %zu: %s (offset %u, length %u) lies outside the string table "
                 "(%u bytes) [byte %llu]", i, what, off, n, strings_size, (unsigned long long)field_at);
        return -1;
    }
    size_t bad;
    if (!utf8_valid(strings + off, n, &bad)) {
        lerr_set(e, "directory entry %zu: %s is not valid UTF-8 at its byte %zu [byte %llu]", i, what, bad,
                 (unsigned long long)field_at);
        return -1;
    }
    *s = (const char *)(strings + off);
    *len = (uint16_t)n;
    return 0;
}

/* Read n bytes at off from the pack's file (or buffer) into dst. The
 * offsets were checked against the size at open; the file may have
 * changed since, and that is an error here, never a signal. */
static int read_at(pack *p, uint64_t off, size_t n, void *dst, lerr *e)
{
    if (p->fd < 0) {
        if (off > p->size || n > p->size - off) {
            lerr_set(e, "bytes %llu-%llu lie outside the %llu-byte pack", (unsigned long long)off,
                     (unsigned long long)(off + n - 1), (unsigned long long)p->size);
            return PACK_EDAMAGED;
        }
        if (n) memcpy(dst, p->mem + off, n);
        return PACK_OK;
    }
    int r = fio_pread_all(p->fd, dst, n, off);
    if (r == 0) return PACK_OK;
    if (r > 0)
        lerr_set(e, "the file was cut short while in use: bytes %llu-%llu are gone (it had %llu bytes when opened)",
                 (unsigned long long)off, (unsigned long long)(off + n - 1), (unsigned long long)p->size);
    else
        lerr_set(e, "cannot read bytes %llu-%llu: %s", (unsigned long long)off,
                 (unsigned long long)(off + n - 1), strerror(errno));
    return PACK_EIO;
}

static int parse_header(pack *p, const uint8_t *h, lerr *e, uint64_t *dir_off, uint32_t *dir_size,
                        uint32_t *count)
{
    if (memcmp(h, PACK_MAGIC, 8) != 0) {
        lerr_set(e, "not a lectern pack (bad magic at byte 0)");
        return PACK_EDAMAGED;
    }
    if (lx_hash(h, 56) != le64(h + 56)) {
        lerr_set(e, "header is damaged (header checksum mismatch, bytes 0-63)");
        return PACK_EDAMAGED;
    }
    if (le16(h + 8) < PACK_VERSION_OLDEST) {
        lerr_set(e, "pack format version %u.%u is older than this reader's %d.x (it has no inline styles); "
                 "rebuild the pack with this version's lectern-pack (lectern-pack build)",
                 le16(h + 8), le16(h + 10), PACK_VERSION_MAJOR);
        return PACK_EDAMAGED;
    }
    if (le16(h + 8) > PACK_VERSION_MAJOR) {
        lerr_set(e, "pack format version %u.%u is newer than this reader, which reads versions %d.x to %d.x; "
                 "update lectern, or rebuild the pack with this version's lectern-pack",
                 le16(h + 8), le16(h + 10), PACK_VERSION_OLDEST, PACK_VERSION_MAJOR);
        return PACK_EDAMAGED;
    }
    p->major = le16(h + 8);
    p->minor = le16(h + 10);
    if (le32(h + 12) != PACK_HEADER_SIZE) {
        lerr_set(e, "header: header_size is %u, must be %d [byte 12]", le32(h + 12), PACK_HEADER_SIZE);
        return PACK_EDAMAGED;
    }
    uint64_t fsize = le64(h + 16);
    if (fsize != p->size) {
        lerr_set(e, "file is %llu bytes but its header says %llu: %s [byte 16]", (unsigned long long)p->size,
                 (unsigned long long)fsize, fsize > p->size ? "truncated" : "junk appended");
        return PACK_EDAMAGED;
    }
    *dir_off = le64(h + 24);
    *dir_size = le32(h + 32);
    *count = le32(h + 36);
    if (*dir_off < PACK_HEADER_SIZE || *dir_off > p->size || p->size - *dir_off != *dir_size) {
        lerr_set(e, "header: directory (offset %llu, %u bytes) does not end the %llu-byte file [byte 24]",
                 (unsigned long long)*dir_off, *dir_size, (unsigned long long)p->size);
        return PACK_EDAMAGED;
    }
    if (*count > PACK_MAX_ENTRIES || (uint64_t)*count * PACK_ENTRY_SIZE > *dir_size) {
        lerr_set(e, "header: %u entries do not fit a %u-byte directory [byte 36]", *count, *dir_size);
        return PACK_EDAMAGED;
    }
    if (le64(h + 48) != 0) {
        lerr_set(e, "header: reserved field is not zero [byte 48]");
        return PACK_EDAMAGED;
    }
    return PACK_OK;
}

static int parse_entry(pack *p, size_t i, uint64_t dir_off, uint32_t dir_size, uint32_t count,
                       pack_entry *en, lerr *e)
{
    uint64_t at = dir_off + (uint64_t)i * PACK_ENTRY_SIZE;
    const uint8_t *f = p->dir + (size_t)i * PACK_ENTRY_SIZE;
    const uint8_t *strings = p->dir + (size_t)count * PACK_ENTRY_SIZE;
    uint32_t strings_size = dir_size - count * PACK_ENTRY_SIZE;
    memset(en, 0, sizeof *en);
    en->kind = f[0];
    en->codec = f[1];
    en->flags = le16(f + 2);
    en->words = le32(f + 4);
    en->block_offset = le64(f + 8);
    en->block_stored = le32(f + 16);
    en->block_size = le32(f + 20);
    en->offset = le32(f + 24);
    en->size = le32(f + 28);
    en->block_xxh3 = le64(f + 32);
    en->data_xxh3 = le64(f + 40);
#define BAD(field_off, ...)                                                            \
    do {                                                                               \
        lerr_set(e, __VA_ARGS__);                                                      \
        char where_[96];                                                               \
        snprintf(where_, sizeof where_, "directory entry %zu [byte %llu]", i,         \
                 (unsigned long long)(at + (field_off)));                              \
        lerr_prefix(e, where_);                                                        \
        return PACK_EDAMAGED;                                                          \
    } while (0)
    int v3 = p->major >= 3;
    if (en->kind != PACK_ESSAY && en->kind != PACK_FONT) BAD(0, "unknown kind %u", en->kind);
    if (en->codec != PACK_RAW && en->codec != PACK_LZ4 && !(v3 && en->codec == PACK_LZ4_DICT))
        BAD(1, "unknown codec %u", en->codec);
    /* the dictionary is entry 0's block, decoded without one */
    if (en->codec == PACK_LZ4_DICT && (i == 0 || p->entries[0].codec == PACK_LZ4_DICT))
        BAD(1, "codec 2 (LZ4 with the shared dictionary), but entry 0's block is not one without a dictionary");
    if (en->kind == PACK_ESSAY ? (en->flags & ~(v3 ? PACK_ESSAY_FLAGS_ALL : 0u)) != 0 : (en->flags & ~0xff07u) != 0)
        BAD(2, "unknown flags 0x%x", en->flags);
    if (en->kind == PACK_FONT && en->words != 0) BAD(4, "font with a word count");
    if (en->block_offset < PACK_HEADER_SIZE || en->block_offset > dir_off ||
        en->block_stored == 0 || en->block_stored > dir_off - en->block_offset)
        BAD(8, "%s block (offset %llu, %u bytes) lies outside the data area (bytes %d-%llu)", kind_name(en->kind),
            (unsigned long long)en->block_offset, en->block_stored, PACK_HEADER_SIZE,
            (unsigned long long)dir_off - 1);
    if (en->block_size == 0 || en->block_size > PACK_MAX_BLOCK) BAD(20, "block size %u out of range", en->block_size);
    if (en->codec == PACK_RAW && en->block_size != en->block_stored)
        BAD(20, "stored block of %u bytes claims to decode to %u", en->block_stored, en->block_size);
    /* LZ4 cannot expand data by more than a factor of 255 or so; a larger
     * claim is damage, and refusing it keeps a bad field from asking for a
     * huge allocation. */
    if (en->codec == PACK_LZ4 && (uint64_t)en->block_size > (uint64_t)en->block_stored * 255 + 64)
        BAD(20, "block claims %u decoded bytes from %u stored: impossible for LZ4", en->block_size, en->block_stored);
    if (en->offset > en->block_size || en->size > en->block_size - en->offset)
        BAD(24, "entry (offset %u, %u bytes) lies outside its %u-byte block", en->offset, en->size, en->block_size);
    /* 3.0: an essay's full_size at 72 (2.0: zero, and the size) */
    en->full_size = en->size;
    if (v3 && en->kind == PACK_ESSAY) {
        en->full_size = le32(f + 72);
        if (le32(f + 76) != 0) BAD(76, "reserved field is not zero");
        if (en->flags == 0 && en->full_size != en->size)
            BAD(72, "essay stored as is (flags 0) of %u bytes claims %u bytes in full", en->size, en->full_size);
        /* a stored byte becomes at most 4 (a varint style header) */
        if (en->full_size > PACK_MAX_BLOCK || (uint64_t)en->full_size > (uint64_t)en->size * 4)
            BAD(72, "essay of %u stored bytes claims %u bytes in full: impossible", en->size, en->full_size);
    } else if (le64(f + 72) != 0) {
        BAD(72, "reserved field is not zero");
    }
#undef BAD
    if (load_string(f + 48, strings, strings_size, &en->title, &en->title_len, i, "title", at + 48, e) ||
        load_string(f + 56, strings, strings_size, &en->byline, &en->byline_len, i, "byline", at + 56, e) ||
        load_string(f + 64, strings, strings_size, &en->lang, &en->lang_len, i, "language", at + 64, e))
        return PACK_EDAMAGED;
    if (en->title_len == 0) {
        lerr_set(e, "directory entry %zu: empty title [byte %llu]", i, (unsigned long long)at + 48);
        return PACK_EDAMAGED;
    }
    return PACK_OK;
}

static int open_checked(pack *p, lerr *e)
{
    uint8_t h[PACK_HEADER_SIZE];
    if (p->size < PACK_HEADER_SIZE) {
        lerr_set(e, "too short for a pack: %llu bytes, the header alone is %d", (unsigned long long)p->size,
                 PACK_HEADER_SIZE);
        return PACK_EDAMAGED;
    }
    int st = read_at(p, 0, sizeof h, h, e);
    if (st) return st;
    uint64_t dir_off;
    uint32_t dir_size, count;
    st = parse_header(p, h, e, &dir_off, &dir_size, &count);
    if (st) return st;
    /* Only the header and the directory are read at open, whatever the
     * size of the content. */
    p->dir = malloc(dir_size ? dir_size : 1);
    if (!p->dir) {
        lerr_set(e, "out of memory for a %u-byte directory", dir_size);
        return PACK_ENOMEM;
    }
    st = read_at(p, dir_off, dir_size, p->dir, e);
    if (st) return st;
    if (lx_hash(p->dir, dir_size) != le64(h + 40)) {
        lerr_set(e, "directory is damaged (checksum mismatch over bytes %llu-%llu)",
                 (unsigned long long)dir_off, (unsigned long long)p->size - 1);
        return PACK_EDAMAGED;
    }
    p->count = count;
    p->entries = calloc(count ? count : 1, sizeof *p->entries);
    p->essay_index = calloc(count ? count : 1, sizeof *p->essay_index);
    p->checked = calloc(count ? count : 1, 1);
    if (!p->entries || !p->essay_index || !p->checked) {
        lerr_set(e, "out of memory for %u directory entries", count);
        return PACK_ENOMEM;
    }
    p->dir_off = dir_off;
    p->data_end = PACK_HEADER_SIZE;
    for (size_t i = 0; i < count; i++) {
        st = parse_entry(p, i, dir_off, dir_size, count, &p->entries[i], e);
        if (st) return st;
        if (p->entries[i].kind == PACK_ESSAY) p->essay_index[p->essays++] = i;
        uint64_t end = p->entries[i].block_offset + p->entries[i].block_stored;
        if (end > p->data_end) p->data_end = end;
    }
    /* Between the last block and the directory: nothing, or exactly one
     * signature block (3.1). parse_entry keeps every block below dir_off. */
    uint64_t gap = dir_off - p->data_end;
    if (gap == 0) return PACK_OK;
    if (gap != PACK_SIG_SIZE) {
        lerr_set(e, "%llu bytes between the last data block and the directory (bytes %llu-%llu) are not "
                 "a signature block, which is %d bytes [byte %llu]", (unsigned long long)gap,
                 (unsigned long long)p->data_end, (unsigned long long)dir_off - 1, PACK_SIG_SIZE,
                 (unsigned long long)p->data_end);
        return PACK_EDAMAGED;
    }
    uint8_t b[PACK_SIG_SIZE];
    st = read_at(p, p->data_end, sizeof b, b, e);
    if (st) return st;
    st = pack_sig_parse(b, p->data_end, &p->sig, e);
    if (st) return st;
    p->is_signed = 1;
    return PACK_OK;
}

int pack_sig_parse(const uint8_t *b, uint64_t at, pack_sig *out, lerr *e)
{
    unsigned long long a = (unsigned long long)at;
    if (memcmp(b, PACK_SIG_MAGIC, 8) != 0) {
        lerr_set(e, "signature block is damaged: bad magic [byte %llu]", a);
        return PACK_EDAMAGED;
    }
    if (lx_hash(b, 120) != le64(b + 120)) {
        lerr_set(e, "signature block is damaged (its checksum does not match, bytes %llu-%llu)", a, a + 127);
        return PACK_EDAMAGED;
    }
    if (le16(b + 8) != PACK_SIG_ALG_ED25519PH) {
        lerr_set(e, "signature block: unknown signature algorithm %u (this lectern knows 1, Ed25519ph); "
                 "update lectern [byte %llu]", le16(b + 8), a + 8);
        return PACK_EDAMAGED;
    }
    if (le16(b + 10) != 0 || le64(b + 112) != 0) {
        lerr_set(e, "signature block: reserved field is not zero [byte %llu]", le16(b + 10) ? a + 10 : a + 112);
        return PACK_EDAMAGED;
    }
    if (le32(b + 12) != PACK_SIG_SIZE) {
        lerr_set(e, "signature block: block_size is %u, must be %d [byte %llu]", le32(b + 12), PACK_SIG_SIZE,
                 a + 12);
        return PACK_EDAMAGED;
    }
    out->offset = at;
    memcpy(out->pubkey, b + 16, PACK_SIG_PUBKEY_SIZE);
    memcpy(out->sig, b + 48, PACK_SIG_BYTES);
    return PACK_OK;
}

void pack_sig_format(uint8_t *b, const uint8_t *pubkey, const uint8_t *sig)
{
    memset(b, 0, PACK_SIG_SIZE);
    memcpy(b, PACK_SIG_MAGIC, 8);
    put16(b + 8, PACK_SIG_ALG_ED25519PH);
    put32(b + 12, PACK_SIG_SIZE);
    memcpy(b + 16, pubkey, PACK_SIG_PUBKEY_SIZE);
    if (sig) memcpy(b + 48, sig, PACK_SIG_BYTES);
    put64(b + 120, lx_hash(b, 120));
}

static pack *pack_new(void)
{
    pack *p = calloc(1, sizeof *p);
    if (p) p->fd = -1;
    return p;
}

int pack_open_mem(pack **out, const void *buf, size_t size, lerr *e)
{
    *out = NULL;
    pack *p = pack_new();
    if (!p) {
        lerr_set(e, "out of memory");
        return PACK_ENOMEM;
    }
    p->mem = buf;
    p->size = size;
    int st = open_checked(p, e);
    if (st) {
        pack_close(p);
        return st;
    }
    *out = p;
    return PACK_OK;
}

int pack_open(pack **out, const char *path, lerr *e)
{
    *out = NULL;
    pack *p = pack_new();
    size_t plen = strlen(path);
    char *name = malloc(plen + 1);
    if (!p || !name) {
        free(p);
        free(name);
        lerr_set(e, "%s: out of memory", path);
        return PACK_ENOMEM;
    }
    memcpy(name, path, plen + 1);
    p->path = name;
    int err = fio_open_read(path, &p->fd, &p->st, e); /* names the path */
    if (err) {
        pack_close(p);
        return err == ENOMEM ? PACK_ENOMEM : PACK_EIO;
    }
    p->size = (uint64_t)p->st.st_size;
    int st = open_checked(p, e);
    if (st) {
        pack_close(p);
        lerr_prefix(e, path);
        return st;
    }
    *out = p;
    return PACK_OK;
}

void pack_close(pack *p)
{
    if (!p) return;
    if (p->fd >= 0) close(p->fd);
    if (p->views)
        for (size_t i = 0; i < p->count; i++) free(p->views[i]);
    free(p->views);
    free(p->path);
    free(p->dir);
    free(p->entries);
    free(p->essay_index);
    free(p->checked);
    free(p->cache_mem);
    free(p->dict);
    free(p);
}

size_t pack_count(const pack *p) { return p->count; }
size_t pack_essays(const pack *p) { return p->essays; }
uint64_t pack_file_size(const pack *p) { return p->size; }
uint64_t pack_dir_offset(const pack *p) { return p->dir_off; }
uint64_t pack_data_end(const pack *p) { return p->data_end; }
const pack_sig *pack_signature(const pack *p) { return p->is_signed ? &p->sig : NULL; }

void pack_version(const pack *p, unsigned *major, unsigned *minor)
{
    *major = p->major;
    *minor = p->minor;
}

const pack_entry *pack_entry_at(const pack *p, size_t i) { return i < p->count ? &p->entries[i] : NULL; }

size_t pack_essay_index(const pack *p, size_t n)
{
    return n >= 1 && n <= p->essays ? p->essay_index[n - 1] : (size_t)-1;
}

static int same_time(const struct timespec *a, const struct timespec *b)
{
    return a->tv_sec == b->tv_sec && a->tv_nsec == b->tv_nsec;
}

int pack_changed(const pack *p)
{
    if (p->fd < 0 || !p->path) return PACK_SAME;
    struct stat now;
    if (stat(p->path, &now) != 0) return PACK_GONE;
    if (now.st_dev != p->st.st_dev || now.st_ino != p->st.st_ino) return PACK_REPLACED;
    if (now.st_size != p->st.st_size || !same_time(&now.st_mtim, &p->st.st_mtim)) return PACK_MODIFIED;
    return PACK_SAME;
}

/* Name an entry for messages: "essay 3 'Title'" or "font 'Charis SIL'". */
static void entry_name(const pack *p, size_t i, char *buf, size_t n)
{
    const pack_entry *en = &p->entries[i];
    if (en->kind == PACK_ESSAY) {
        size_t num = 0;
        for (size_t k = 0; k < p->essays; k++)
            if (p->essay_index[k] == i) num = k + 1;
        snprintf(buf, n, "essay %zu '%.*s'", num, (int)en->title_len, en->title);
    } else {
        snprintf(buf, n, "font '%.*s'", (int)en->title_len, en->title);
    }
}

/* Entry i's block's stored bytes, and whether they match block_xxh3
 * (p->checked[i]). *bytes points at them: into the caller's buffer for a
 * pack opened with pack_open_mem (borrowed, no copy), else into *own, a
 * fresh buffer the caller frees (free(*own) is right in both cases: it is
 * NULL when nothing was allocated). */
static int load_stored(pack *p, size_t i, const uint8_t **bytes, uint8_t **own, lerr *e)
{
    const pack_entry *en = &p->entries[i];
    *bytes = NULL;
    *own = NULL;
    const uint8_t *b;
    if (p->fd < 0) {
        /* checked against the buffer's size at open, which cannot change */
        if (en->block_offset > p->size || en->block_stored > p->size - en->block_offset) {
            lerr_set(e, "bytes %llu-%llu lie outside the %llu-byte pack", (unsigned long long)en->block_offset,
                     (unsigned long long)(en->block_offset + en->block_stored - 1), (unsigned long long)p->size);
            return PACK_EDAMAGED;
        }
        b = p->mem + en->block_offset;
    } else {
        uint8_t *m = malloc(en->block_stored);
        if (!m) {
            lerr_set(e, "out of memory reading %u bytes", en->block_stored);
            return PACK_ENOMEM;
        }
        int st = read_at(p, en->block_offset, en->block_stored, m, e);
        if (st) {
            free(m);
            return st;
        }
        *own = m;
        b = m;
    }
    p->checked[i] = lx_hash(b, en->block_stored) == en->block_xxh3 ? CHECK_GOOD : CHECK_BAD;
    *bytes = b;
    return PACK_OK;
}

static int cache_holds(const pack *p, const pack_entry *en)
{
    return p->cache_valid && p->cache_offset == en->block_offset && p->cache_size == en->block_size;
}

/* Check the stored checksum of entry i's block, once (reading it again
 * if need be). */
static int check_block(pack *p, size_t i, lerr *e)
{
    const pack_entry *en = &p->entries[i];
    if (p->checked[i] == CHECK_UNKNOWN && cache_holds(p, en))
        p->checked[i] = p->cache_block_ok ? CHECK_GOOD : CHECK_BAD;
    if (p->checked[i] == CHECK_UNKNOWN) {
        const uint8_t *b;
        uint8_t *own;
        lerr why;
        int st = load_stored(p, i, &b, &own, &why);
        free(own);
        if (st) {
            lerr_set(e, "%s", why.msg);
            return st;
        }
    }
    if (p->checked[i] == CHECK_BAD) {
        lerr_set(e, "stored bytes %llu-%llu fail their checksum", (unsigned long long)en->block_offset,
                 (unsigned long long)(en->block_offset + en->block_stored - 1));
        return PACK_EDAMAGED;
    }
    return PACK_OK;
}

/* Check entry i's decoded bytes; on a mismatch, say whether its stored
 * bytes are damaged too. */
static int check_data(pack *p, size_t i, const uint8_t *data, lerr *e)
{
    const pack_entry *en = &p->entries[i];
    if (lx_hash(data, en->size) == en->data_xxh3) return PACK_OK;
    if (check_block(p, i, e) == PACK_EDAMAGED)
        lerr_set(e, "stored bytes %llu-%llu fail their checksum, and its text cannot be recovered",
                 (unsigned long long)en->block_offset,
                 (unsigned long long)(en->block_offset + en->block_stored - 1));
    else if (en->codec == PACK_LZ4_DICT && check_block(p, 0, e) == PACK_EDAMAGED)
        lerr_set(e, "its decoded bytes fail their checksum: the block it is decoded with as a dictionary "
                 "(bytes %llu-%llu) is damaged", (unsigned long long)p->entries[0].block_offset,
                 (unsigned long long)(p->entries[0].block_offset + p->entries[0].block_stored - 1));
    else
        lerr_set(e, "its decoded bytes fail their checksum");
    return PACK_EDAMAGED;
}

/* Name entry i in a failure message, and say so when the file has changed
 * since it was opened (the likely cause of damage seen late). */
static int name_failure(pack *p, size_t i, int st, const lerr *why, lerr *e)
{
    if (e) {
        char name[160];
        entry_name(p, i, name, sizeof name);
        int ch = pack_changed(p);
        lerr_set(e, "%s %s: %s%s", name, st == PACK_ENOMEM ? "cannot be read" : "is damaged", why->msg,
                 ch == PACK_SAME ? ""
                 : ch == PACK_GONE ? " (the pack file has been removed since it was opened)"
                                   : " (the pack file has changed since it was opened)");
    }
    return st;
}

/* Decode stored[0..block_stored) into dst[0..block_size). Returns what
 * LZ4_decompress_safe returned. A damaged block is decoded all the same
 * (LZ4_decompress_safe never writes out of bounds, whatever the input):
 * LZ4 output is sequential, so entries before the damage still come out
 * right, and each entry's own checksum says whether it did. A failed
 * decode is redone into zeroed memory, and a short one has its tail
 * zeroed, so that every byte later hashed is defined. */
static int lz4_dec(const pack *p, const pack_entry *en, const uint8_t *stored, uint8_t *dst)
{
    /* codec 2: the same safe decoder, with matches allowed to reach back
     * into the dictionary. dst always follows a copy of it (alloc_block),
     * so that liblz4 decodes with a prefix, as fast as with none (with the
     * dictionary elsewhere it takes a slower path: 20-50% on the KJV). */
    if (en->codec == PACK_LZ4_DICT)
        return LZ4_decompress_safe_usingDict((const char *)stored, (char *)dst, (int)en->block_stored,
                                             (int)en->block_size, (const char *)dst - p->dict_size,
                                             (int)p->dict_size);
    return LZ4_decompress_safe((const char *)stored, (char *)dst, (int)en->block_stored, (int)en->block_size);
}

static int decode(const pack *p, const pack_entry *en, const uint8_t *stored, uint8_t *dst)
{
    int r = lz4_dec(p, en, stored, dst);
    if (r < 0) {
        memset(dst, 0, en->block_size);
        r = lz4_dec(p, en, stored, dst);
    } else if ((uint32_t)r < en->block_size) {
        memset(dst + r, 0, en->block_size - (uint32_t)r);
    }
    return r;
}

/* A buffer to decode entry i's block into: *mem to free, *dst where the
 * block goes (for codec 2, after a copy of the loaded dictionary). */
static int alloc_block(const pack *p, const pack_entry *en, uint8_t **mem, uint8_t **dst, lerr *e)
{
    size_t pre = en->codec == PACK_LZ4_DICT ? p->dict_size : 0;
    *mem = malloc(pre + en->block_size);
    if (!*mem) {
        lerr_set(e, "out of memory decoding %u bytes", en->block_size);
        return PACK_ENOMEM;
    }
    if (pre) memcpy(*mem, p->dict, pre);
    *dst = *mem + pre;
    return PACK_OK;
}

/* Make p->cache hold entry i's decoded block (a cluster), and whether
 * its stored bytes matched their checksum. */
static int decode_block(pack *p, size_t i, lerr *e)
{
    const pack_entry *en = &p->entries[i];
    if (!cache_holds(p, en)) {
        p->cache_valid = 0;
        free(p->cache_mem);
        p->cache_mem = p->cache = NULL;
        const uint8_t *stored;
        uint8_t *sown;
        int st = load_stored(p, i, &stored, &sown, e);
        if (st) return st;
        st = alloc_block(p, en, &p->cache_mem, &p->cache, e);
        if (st) {
            free(sown);
            return st;
        }
        int r = decode(p, en, stored, p->cache);
        p->cache_block_ok = p->checked[i] == CHECK_GOOD && r == (int)en->block_size &&
                            (en->codec != PACK_LZ4_DICT || p->dict_ok);
        free(sown);
        p->cache_offset = en->block_offset;
        p->cache_size = en->block_size;
        p->cache_valid = 1;
    }
    return PACK_OK;
}

/* Make p->dict hold the shared dictionary of codec 2 blocks: the first
 * PACK_DICT_MAX (or fewer) decoded bytes of entry 0's block, decoded alone
 * (LZ4_decompress_safe_partial stops there). Kept until pack_close. */
static int load_dict(pack *p, lerr *e)
{
    if (p->dict) return PACK_OK;
    const pack_entry *d0 = &p->entries[0];
    uint32_t n = d0->block_size < PACK_DICT_MAX ? d0->block_size : PACK_DICT_MAX;
    uint8_t *d = malloc(n);
    if (!d) {
        lerr_set(e, "out of memory for the pack's %u-byte dictionary", n);
        return PACK_ENOMEM;
    }
    int st = PACK_OK, ok = 0;
    if (cache_holds(p, d0) && p->cache_offset == d0->block_offset) {
        memcpy(d, p->cache, n);
        ok = p->cache_block_ok;
    } else if (d0->codec == PACK_RAW) {
        st = read_at(p, d0->block_offset, n, d, e);
    } else {
        const uint8_t *stored;
        uint8_t *sown;
        st = load_stored(p, 0, &stored, &sown, e);
        if (st == PACK_OK) {
            int r = LZ4_decompress_safe_partial((const char *)stored, (char *)d, (int)d0->block_stored, (int)n, (int)n);
            free(sown);
            ok = p->checked[0] == CHECK_GOOD;
            if (r != (int)n) {
                lerr_set(e, "the pack's dictionary (the first %u decoded bytes of the block at bytes %llu-%llu) "
                         "cannot be decoded: that block is damaged", n, (unsigned long long)d0->block_offset,
                         (unsigned long long)(d0->block_offset + d0->block_stored - 1));
                st = PACK_EDAMAGED;
            }
        }
    }
    if (st != PACK_OK) {
        free(d);
        return st;
    }
    p->dict = d;
    p->dict_size = n;
    p->dict_ok = ok;
    return PACK_OK;
}

/* Bytes to allocate for entry i when its stored bytes are read or decoded
 * into the buffer that is then returned: room for it stored and expanded. */
static size_t entry_cap(const pack_entry *en)
{
    size_t n = en->size > en->full_size ? en->size : en->full_size;
    return n ? n : 1;
}

static int expand_styles(const uint8_t *s, size_t n, size_t r, size_t disp, unsigned flags, uint8_t *out, size_t w,
                         size_t full, lerr *e);

/* Expand a compact essay where it lies, in buf (entry_cap bytes): its text
 * stays where it is, and only its style section, copied aside, is
 * rewritten after it. */
static int expand_in_place(uint8_t *buf, const pack_entry *en, lerr *e)
{
    const uint8_t *nul = memchr(buf, 0, en->size);
    if (!nul) {
        if (en->size == en->full_size) return 0;
        lerr_set(e, "its stored text expands to %u bytes, but its entry says %u", en->size, en->full_size);
        return -1;
    }
    size_t tend = (size_t)(nul - buf), m = en->size - tend - 1;
    uint8_t *tmp = malloc(m ? m : 1);
    if (!tmp) {
        lerr_set(e, "out of memory for a %zu-byte style section", m);
        return -1;
    }
    memcpy(tmp, buf + tend + 1, m);
    int r = expand_styles(tmp, m, 0, tend + 1, en->flags, buf, tend + 1, en->full_size, e);
    free(tmp);
    return r;
}

/* Entry i into a fresh buffer of en->full_size bytes (at least 1), checked
 * (data checksum over its stored bytes) and, for an essay stored compact,
 * expanded. An entry that is its whole block is decoded (or read) into a
 * buffer of its own, with no cache: a large essay costs its stored size
 * plus its text, only while it is read. Entries of a cluster go through the
 * cache and are expanded (or copied) straight out of it. */
static int load_entry(pack *p, size_t i, uint8_t **data, lerr *e)
{
    const pack_entry *en = &p->entries[i];
    lerr why;
    int st = PACK_OK;
    *data = NULL;
    uint8_t *own = NULL;       /* a buffer holding the stored bytes, when not the cache */
    const uint8_t *src = NULL; /* the entry's stored bytes (en->size of them) */
    int block_ok = 0;          /* its block's stored bytes matched block_xxh3 and decoded whole */
    int own_whole = 0;         /* own holds exactly the entry, in entry_cap bytes */
    int whole = en->offset == 0 && en->size == en->block_size;
    if (en->codec == PACK_LZ4_DICT) st = load_dict(p, &why);
    if (st == PACK_OK && en->codec == PACK_RAW) {
        /* stored as is: block_stored == block_size */
        if (whole) {
            own = malloc(entry_cap(en));
            if (!own) {
                lerr_set(&why, "out of memory for %u bytes", en->size);
                st = PACK_ENOMEM;
            } else {
                st = read_at(p, en->block_offset, en->size, own, &why);
                if (st == PACK_OK) p->checked[i] = lx_hash(own, en->size) == en->block_xxh3 ? CHECK_GOOD : CHECK_BAD;
                own_whole = 1;
            }
            src = own;
        } else {
            const uint8_t *stored;
            st = load_stored(p, i, &stored, &own, &why);
            src = stored ? stored + en->offset : NULL;
        }
        block_ok = p->checked[i] == CHECK_GOOD;
    } else if (st == PACK_OK && whole && en->codec == PACK_LZ4 && !cache_holds(p, en)) {
        const uint8_t *stored;
        uint8_t *sown;
        st = load_stored(p, i, &stored, &sown, &why);
        if (st == PACK_OK) {
            own = malloc(entry_cap(en));
            if (!own) {
                lerr_set(&why, "out of memory for %u bytes", en->size);
                st = PACK_ENOMEM;
            } else {
                int r = decode(p, en, stored, own);
                block_ok = p->checked[i] == CHECK_GOOD && r == (int)en->block_size;
                own_whole = 1;
            }
            free(sown);
            src = own;
        }
    } else if (st == PACK_OK && whole && en->codec == PACK_LZ4_DICT && !cache_holds(p, en)) {
        /* decoded after a copy of the dictionary (lz4_dec), in the buffer
         * that is returned, then moved down over it: one buffer, one move */
        const uint8_t *stored;
        uint8_t *sown;
        st = load_stored(p, i, &stored, &sown, &why);
        if (st == PACK_OK) {
            size_t pre = p->dict_size;
            own = malloc(pre + entry_cap(en));
            if (!own) {
                lerr_set(&why, "out of memory for %u bytes", en->size);
                st = PACK_ENOMEM;
            } else {
                memcpy(own, p->dict, pre);
                int r = decode(p, en, stored, own + pre);
                block_ok = p->checked[i] == CHECK_GOOD && r == (int)en->block_size && p->dict_ok;
                memmove(own, own + pre, en->size);
                own_whole = 1;
            }
            free(sown);
            src = own;
        }
    } else if (st == PACK_OK) {
        /* LZ4_decompress_safe is safe on any bytes, so the block is decoded
         * without first trusting its stored checksum: the entry's own
         * checksum below has the last word, and a cluster damaged
         * elsewhere still yields this entry intact. */
        st = decode_block(p, i, &why);
        if (st == PACK_OK) src = p->cache + en->offset;
        block_ok = p->cache_block_ok;
    }
    /* Stored bytes that match their checksum (and a dictionary that did)
     * decode to what the writer compressed: the entry is intact, and
     * hashing its decoded bytes again would only cost time. Otherwise the
     * entry's own checksum decides. */
    if (st == PACK_OK && !block_ok) st = check_data(p, i, src, &why);
    uint8_t *out = NULL;
    if (st == PACK_OK) {
        int expand = en->kind == PACK_ESSAY && en->flags;
        if (own_whole) {
            /* the stored bytes are the entry (a whole block, decoded or
             * read into a buffer that can hold it expanded): no copy */
            out = own;
            own = NULL;
            if (expand && expand_in_place(out, en, &why)) st = PACK_EDAMAGED;
        } else if (!(out = malloc(en->full_size ? en->full_size : 1))) {
            lerr_set(&why, "out of memory for %u bytes", en->full_size);
            st = PACK_ENOMEM;
        } else if (expand) {
            if (pack_essay_expand(src, en->size, en->flags, out, en->full_size, &why)) st = PACK_EDAMAGED;
        } else {
            memcpy(out, src, en->size);
        }
    }
    free(own);
    if (st != PACK_OK) {
        free(out);
        return name_failure(p, i, st, &why, e);
    }
    *data = out;
    return PACK_OK;
}

int pack_read(pack *p, size_t i, uint8_t **data, size_t *size, lerr *e)
{
    *data = NULL;
    *size = 0;
    if (i >= p->count) {
        lerr_set(e, "no entry %zu (the pack has %zu)", i, p->count);
        return PACK_ERANGE;
    }
    int st = load_entry(p, i, data, e);
    if (st == PACK_OK) *size = p->entries[i].full_size;
    return st;
}

int pack_view(pack *p, size_t i, const uint8_t **data, size_t *size, lerr *e)
{
    *data = NULL;
    *size = 0;
    if (i >= p->count) {
        lerr_set(e, "no entry %zu (the pack has %zu)", i, p->count);
        return PACK_ERANGE;
    }
    const pack_entry *en = &p->entries[i];
    if (en->codec != PACK_RAW && en->kind != PACK_FONT) {
        lerr_set(e, "entry %zu is compressed; use pack_read", i);
        return PACK_ERANGE;
    }
    if (!p->views && !(p->views = calloc(p->count, sizeof *p->views))) {
        lerr_set(e, "out of memory");
        return PACK_ENOMEM;
    }
    if (!p->views[i]) {
        int st = load_entry(p, i, &p->views[i], e);
        if (st) return st;
    }
    *data = p->views[i];
    *size = en->full_size;
    return PACK_OK;
}

/* LEB128: 7 bits a byte, low first, at most 5 bytes, value <= max. */
static inline int get_varint(const uint8_t *s, size_t n, size_t *r, uint64_t max, uint64_t *v)
{
    if (*r < n && s[*r] < 0x80) { /* one byte: most of them */
        *v = s[(*r)++];
        return *v <= max ? 0 : -1;
    }
    uint64_t x = 0;
    for (int k = 0; k < 5; k++) {
        if (*r >= n) return -1;
        uint8_t b = s[(*r)++];
        x |= (uint64_t)(b & 0x7F) << (7 * k);
        if (!(b & 0x80)) {
            *v = x;
            return x <= max ? 0 : -1;
        }
    }
    return -1;
}

/* The style section: s[r..n) are its stored bytes (after the text's NUL,
 * in a buffer apart from out), out[0..w) already holds the text and the
 * NUL. `disp` is added to offsets in messages, so that they count in the
 * essay's stored form. */
static int expand_styles(const uint8_t *s, size_t n, size_t r, size_t disp, unsigned flags, uint8_t *out, size_t w,
                         size_t full, lerr *e)
{
    if (w > full) goto too_big; /* every check below counts on full - w */
    if (flags & PACK_ESSAY_VSPANS) {
        size_t base = r + disp;
        uint64_t count, nlangs;
        if (get_varint(s, n, &r, UINT32_MAX, &count) || get_varint(s, n, &r, 65535, &nlangs)) {
            lerr_set(e, "byte %zu of its stored text: bad span or language count in the style section", base);
            return -1;
        }
        /* each span is at least 6 stored bytes */
        if (count > (n - r) / 6 || 8 + count * 16 > full - w) {
            lerr_set(e, "byte %zu of its stored text: %llu spans do not fit in the style section", base,
                     (unsigned long long)count);
            return -1;
        }
        put32(out + w, (uint32_t)count);
        put16(out + w + 4, (uint16_t)nlangs);
        put16(out + w + 6, 0);
        w += 8;
        uint64_t block = 0, end = 0;
        for (uint64_t k = 0; k < count; k++) {
            size_t at = r + disp;
            uint64_t db, st, len, script;
            uint8_t style = 0, lang = 0;
            int bad = get_varint(s, n, &r, UINT32_MAX, &db) || get_varint(s, n, &r, UINT32_MAX, &st) ||
                      get_varint(s, n, &r, UINT32_MAX, &len) || n - r < 2;
            if (!bad) {
                style = s[r];
                lang = s[r + 1];
                r += 2;
                bad = get_varint(s, n, &r, 65535, &script);
            }
            if (bad) {
                lerr_set(e, "byte %zu of its stored text: span %llu is cut short or has a bad number", at,
                         (unsigned long long)k);
                return -1;
            }
            /* the start counts from the end of the span before in the
             * same block, or from the block's start */
            if (db) end = 0;
            block += db;
            st += end;
            end = st + len;
            if (block > UINT32_MAX || end > UINT32_MAX) {
                lerr_set(e, "byte %zu of its stored text: span %llu lies past 4 GiB", at, (unsigned long long)k);
                return -1;
            }
            put32(out + w, (uint32_t)block);
            put32(out + w + 4, (uint32_t)st);
            put32(out + w + 8, (uint32_t)len);
            out[w + 12] = style;
            out[w + 13] = lang;
            put16(out + w + 14, (uint16_t)script);
            w += 16;
        }
    }
    if (n - r > full - w) goto too_big;
    memcpy(out + w, s + r, n - r);
    w += n - r;
    if (w != full) {
        lerr_set(e, "its stored text expands to %zu bytes, but its entry says %zu", w, full);
        return -1;
    }
    return 0;
too_big:
    lerr_set(e, "its stored text expands to more than the %zu bytes its entry says", full);
    return -1;
}

int pack_essay_expand(const uint8_t *s, size_t n, unsigned flags, uint8_t *out, size_t full, lerr *e)
{
    const uint8_t *nul = memchr(s, 0, n);
    size_t tend = nul ? (size_t)(nul - s) : n;
    /* The text, soft hyphens and all, is stored as it is: LZ4 repeats a
     * hyphenated word with its hyphens in one match, and any rewriting
     * here would cost a pass over the text (pack_format.md, "Stored
     * essays", has the figures). */
    if (tend > full || (nul && tend + 1 > full)) {
        lerr_set(e, "its stored text expands to more than the %zu bytes its entry says", full);
        return -1;
    }
    memcpy(out, s, nul ? tend + 1 : tend);
    if (!nul) {
        if (tend != full) {
            lerr_set(e, "its stored text expands to %zu bytes, but its entry says %zu", tend, full);
            return -1;
        }
        return 0;
    }
    return expand_styles(s, n, tend + 1, 0, flags, out, tend + 1, full, e);
}

size_t pack_verify(pack *p, void (*report)(void *ctx, size_t i, const char *msg), void *ctx)
{
    size_t bad = 0;
    for (size_t i = 0; i < p->count; i++) {
        lerr e;
        uint8_t *d;
        size_t n;
        int st = pack_read(p, i, &d, &n, &e);
        free(d);
        if (st == PACK_OK) {
            lerr why;
            int bst = check_block(p, i, &why);
            if (bst == PACK_EDAMAGED) {
                /* recovered intact from a damaged cluster: still damage */
                char name[160];
                entry_name(p, i, name, sizeof name);
                const pack_entry *en = &p->entries[i];
                snprintf(e.msg, sizeof e.msg,
                         "%s: its cluster (bytes %llu-%llu) is damaged; its own text is intact", name,
                         (unsigned long long)en->block_offset,
                         (unsigned long long)(en->block_offset + en->block_stored - 1));
                st = bst;
            } else if (bst != PACK_OK) {
                name_failure(p, i, bst, &why, &e);
                st = bst;
            }
        }
        if (st != PACK_OK) {
            bad++;
            if (report) report(ctx, i, e.msg);
        }
    }
    return bad;
}

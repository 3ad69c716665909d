/* pack_sign.c - signed packs and their key files. See pack_sign.h and
 * pack_format.md ("Signature block"). */
#include "pack_sign.h"

#include "fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int psign_init(lerr *e)
{
    if (sodium_init() < 0) {
        lerr_set(e, "cannot start libsodium (sodium_init failed)");
        return -1;
    }
    return 0;
}

void psign_wipe(void *p, size_t n) { sodium_memzero(p, n); }

void psign_keypair(uint8_t *pk, uint8_t *sk) { crypto_sign_keypair(pk, sk); }

void psign_fingerprint(const uint8_t *pk, char *out)
{
    uint8_t h[8];
    crypto_generichash(h, sizeof h, pk, PSIGN_PUBLIC_SIZE, NULL, 0);
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;
    for (int i = 0; i < 8; i++) {
        if (i && i % 2 == 0) out[o++] = ' ';
        out[o++] = hex[h[i] >> 4];
        out[o++] = hex[h[i] & 15];
    }
    out[o] = 0;
}

/* ---- key files ------------------------------------------------------------ */

/* Line k (1-based) of text: start and length without its LF (and a CR
 * before it). Returns 0 when text has fewer lines. */
static int line_at(const uint8_t *t, size_t n, int k, size_t *start, size_t *len)
{
    size_t i = 0;
    for (int l = 1; l < k; l++) {
        const uint8_t *nl = memchr(t + i, '\n', n - i);
        if (!nl) return 0;
        i = (size_t)(nl - t) + 1;
    }
    if (i >= n) return 0;
    const uint8_t *nl = memchr(t + i, '\n', n - i);
    size_t end = nl ? (size_t)(nl - t) : n;
    *start = i;
    *len = end - i;
    if (*len && t[i + *len - 1] == '\r') (*len)--;
    return 1;
}

static int parse_key(const uint8_t *t, size_t n, const char *path, const char *header, const char *other,
                     const char *what, uint8_t *key, size_t key_size, lerr *e)
{
    size_t s, l;
    if (!line_at(t, n, 1, &s, &l)) {
        lerr_set(e, "%s: line 1: the file is empty; a %s key file starts with '%s'", path, what, header);
        return -1;
    }
    if (l != strlen(header) || memcmp(t + s, header, l) != 0) {
        if (l == strlen(other) && memcmp(t + s, other, l) == 0)
            lerr_set(e, "%s: line 1: this is a %s key file, not a %s one (give NAME.%s)", path,
                     what[0] == 'p' ? "secret" : "public", what, what[0] == 'p' ? "pub" : "key");
        else
            lerr_set(e, "%s: line 1: not a lectern-pack %s key file (it must start with '%s')", path, what,
                     header);
        return -1;
    }
    if (!line_at(t, n, 2, &s, &l) || l == 0) {
        lerr_set(e, "%s: line 2: the key is missing (one line of base64 after the first line)", path);
        return -1;
    }
    /* the decoded key plus room to notice a longer one */
    uint8_t buf[PSIGN_SECRET_SIZE + 16];
    size_t got = 0;
    const char *end = NULL;
    int r = sodium_base642bin(buf, sizeof buf, (const char *)t + s, l, NULL, &got, &end,
                              sodium_base64_VARIANT_ORIGINAL);
    if (r != 0 || end != (const char *)t + s + l) {
        size_t at = end ? (size_t)(end - (const char *)t - s) : 0;
        lerr_set(e, "%s: line 2: the key is not valid base64%s (at character %zu of the line)", path,
                 r != 0 && got >= sizeof buf ? ", or far too long" : "", at + 1);
        sodium_memzero(buf, sizeof buf);
        return -1;
    }
    if (got != key_size) {
        lerr_set(e, "%s: line 2: the key is %zu bytes, a %s key is %zu (the file is damaged or cut short)", path,
                 got, what, key_size);
        sodium_memzero(buf, sizeof buf);
        return -1;
    }
    size_t after = s + l;
    while (after < n && (t[after] == '\r' || t[after] == '\n')) after++;
    if (after < n || (line_at(t, n, 3, &s, &l) && l > 0)) {
        size_t ln = 1;
        for (size_t i = 0; i < after && i < n; i++) ln += t[i] == '\n';
        lerr_set(e, "%s: line %zu: unexpected text after the key (a key file has two lines)", path, ln);
        sodium_memzero(buf, sizeof buf);
        return -1;
    }
    memcpy(key, buf, key_size);
    sodium_memzero(buf, sizeof buf);
    return 0;
}

int psign_parse_public(const uint8_t *text, size_t n, const char *path, uint8_t *pk, lerr *e)
{
    return parse_key(text, n, path, PSIGN_PUBLIC_HEADER, PSIGN_SECRET_HEADER, "public", pk, PSIGN_PUBLIC_SIZE, e);
}

int psign_parse_secret(const uint8_t *text, size_t n, const char *path, uint8_t *sk, lerr *e)
{
    if (parse_key(text, n, path, PSIGN_SECRET_HEADER, PSIGN_PUBLIC_HEADER, "secret", sk, PSIGN_SECRET_SIZE, e))
        return -1;
    /* the public half must be the one the seed (first half) gives */
    uint8_t pk[PSIGN_PUBLIC_SIZE], sk2[PSIGN_SECRET_SIZE];
    int bad = crypto_sign_seed_keypair(pk, sk2, sk) != 0 || sodium_memcmp(sk2, sk, PSIGN_SECRET_SIZE) != 0;
    sodium_memzero(sk2, sizeof sk2);
    if (bad) {
        sodium_memzero(sk, PSIGN_SECRET_SIZE);
        lerr_set(e, "%s: line 2: the key is damaged (its public half is not the one its secret half makes)", path);
        return -1;
    }
    return 0;
}

static int load_text(const char *path, uint8_t *buf, size_t *n, struct stat *st, lerr *e)
{
    int fd;
    if (fio_open_read(path, &fd, st, e)) return -1;
    size_t got = 0;
    for (;;) {
        ssize_t r = read(fd, buf + got, PSIGN_KEYFILE_MAX + 1 - got);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) {
            lerr_set(e, "%s: cannot read: %s", path, strerror(errno));
            close(fd);
            return -1;
        }
        if (r == 0) break;
        got += (size_t)r;
        if (got > PSIGN_KEYFILE_MAX) {
            lerr_set(e, "%s: too large for a key file (over %d bytes)", path, PSIGN_KEYFILE_MAX);
            close(fd);
            return -1;
        }
    }
    close(fd);
    *n = got;
    return 0;
}

int psign_load_public(const char *path, uint8_t *pk, lerr *e)
{
    uint8_t buf[PSIGN_KEYFILE_MAX + 1];
    size_t n;
    struct stat st;
    if (load_text(path, buf, &n, &st, e)) return -1;
    return psign_parse_public(buf, n, path, pk, e);
}

int psign_load_secret(const char *path, uint8_t *sk, int *loose, lerr *e)
{
    uint8_t buf[PSIGN_KEYFILE_MAX + 1];
    size_t n;
    struct stat st;
    int r = load_text(path, buf, &n, &st, e);
    if (!r) r = psign_parse_secret(buf, n, path, sk, e);
    sodium_memzero(buf, sizeof buf);
    if (!r && loose) *loose = (st.st_mode & 077) != 0;
    return r;
}

/* Create path (O_EXCL|O_NOFOLLOW, mode) and write text to it, fsync'd. */
static int write_new(const char *path, mode_t mode, const char *text, size_t n, lerr *e)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
    if (fd < 0) {
        int err = errno;
        if (err == EEXIST)
            lerr_set(e, "%s already exists: refusing to overwrite a key file (choose another name, or move "
                     "the old one away first)", path);
        else
            lerr_set(e, "%s: cannot create: %s", path, strerror(err));
        return -1;
    }
    if (fio_write_all(fd, text, n) != 0 || fsync(fd) != 0) {
        lerr_set(e, "%s: cannot write: %s", path, strerror(errno));
        close(fd);
        unlink(path);
        return -1;
    }
    if (close(fd) != 0) {
        lerr_set(e, "%s: cannot write: %s", path, strerror(errno));
        unlink(path);
        return -1;
    }
    return 0;
}

static char *join(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);
    char *s = malloc(na + nb + 1);
    if (s) {
        memcpy(s, a, na);
        memcpy(s + na, b, nb + 1);
    }
    return s;
}

int psign_keygen(const char *name, char *fp, lerr *e)
{
    uint8_t pk[PSIGN_PUBLIC_SIZE], sk[PSIGN_SECRET_SIZE];
    /* header, LF, base64 (88 characters for 64 bytes, and its NUL), LF */
    char sec[sizeof PSIGN_SECRET_HEADER + 2 + 96], pub[sizeof PSIGN_PUBLIC_HEADER + 2 + 64];
    char *kpath = join(name, ".key"), *ppath = join(name, ".pub");
    int rc = -1;
    if (!kpath || !ppath) {
        lerr_set(e, "out of memory");
        goto out;
    }
    psign_keypair(pk, sk);
    size_t h = strlen(PSIGN_SECRET_HEADER);
    memcpy(sec, PSIGN_SECRET_HEADER "\n", h + 1);
    sodium_bin2base64(sec + h + 1, sizeof sec - h - 1, sk, sizeof sk, sodium_base64_VARIANT_ORIGINAL);
    size_t sl = strlen(sec);
    sec[sl++] = '\n';
    h = strlen(PSIGN_PUBLIC_HEADER);
    memcpy(pub, PSIGN_PUBLIC_HEADER "\n", h + 1);
    sodium_bin2base64(pub + h + 1, sizeof pub - h - 1, pk, sizeof pk, sodium_base64_VARIANT_ORIGINAL);
    size_t pl = strlen(pub);
    pub[pl++] = '\n';
    /* refuse before writing either: neither file may exist (or be a link) */
    struct stat st;
    if (lstat(ppath, &st) == 0) {
        lerr_set(e, "%s already exists: refusing to overwrite a key file (choose another name, or move the old "
                 "one away first)", ppath);
        goto out;
    }
    if (write_new(kpath, 0600, sec, sl, e)) goto out;
    if (write_new(ppath, 0644, pub, pl, e)) {
        unlink(kpath);
        goto out;
    }
    (void)fio_sync_dir_of(kpath);
    if (fp) psign_fingerprint(pk, fp);
    rc = 0;
out:
    sodium_memzero(sk, sizeof sk);
    sodium_memzero(sec, sizeof sec);
    free(kpath);
    free(ppath);
    return rc;
}

/* ---- signing --------------------------------------------------------------- */

/* Feed the signed message to st: the pack img[0..n) with its signature
 * block at sig_at, whose bytes 48..127 (signature, reserved, checksum) are
 * taken as zeros. */
static void feed(crypto_sign_state *st, const uint8_t *img, size_t n, uint64_t sig_at)
{
    static const uint8_t zeros[PACK_SIG_SIZE - 48];
    size_t a = (size_t)sig_at;
    crypto_sign_update(st, img, a + 48);
    crypto_sign_update(st, zeros, sizeof zeros);
    crypto_sign_update(st, img + a + PACK_SIG_SIZE, n - a - PACK_SIG_SIZE);
}

int psign_sign(const uint8_t *img, size_t n, const uint8_t *sk, uint8_t **out, size_t *out_n, lerr *e)
{
    *out = NULL;
    *out_n = 0;
    pack *p;
    if (pack_open_mem(&p, img, n, e)) return -1;
    uint64_t dir = pack_dir_offset(p), data_end = pack_data_end(p);
    pack_close(p);
    uint64_t dir_size = n - dir;
    uint64_t m = data_end + PACK_SIG_SIZE + dir_size;
    uint8_t *o = malloc((size_t)m);
    if (!o) {
        lerr_set(e, "out of memory for a %llu-byte pack", (unsigned long long)m);
        return -1;
    }
    /* header: the same fields but the version's minor, the size, and where
     * the directory is; then its checksum again */
    memcpy(o, img, (size_t)data_end);
    put16(o + 10, PACK_VERSION_MINOR_SIGNED);
    put64(o + 16, m);
    put64(o + 24, data_end + PACK_SIG_SIZE);
    put64(o + 56, lx_hash(o, 56));
    uint8_t *blk = o + data_end;
    pack_sig_format(blk, sk + 32, NULL);
    memcpy(blk + PACK_SIG_SIZE, img + dir, (size_t)dir_size);
    crypto_sign_state st;
    uint8_t sig[PACK_SIG_BYTES];
    crypto_sign_init(&st);
    feed(&st, o, (size_t)m, data_end);
    if (crypto_sign_final_create(&st, sig, NULL, sk) != 0) {
        free(o);
        lerr_set(e, "cannot make the signature (libsodium crypto_sign_final_create failed)");
        return -1;
    }
    pack_sig_format(blk, sk + 32, sig);
    *out = o;
    *out_n = (size_t)m;
    return 0;
}

int psign_check(const pack *p, const uint8_t *img, size_t n, const uint8_t *want, lerr *e)
{
    const pack_sig *s = pack_signature(p);
    char fp_want[PSIGN_FP_SIZE], fp_has[PSIGN_FP_SIZE];
    if (want) psign_fingerprint(want, fp_want);
    if (!s) {
        if (want)
            lerr_set(e, "not signed: the pack has no signature, and key %s is required", fp_want);
        else
            lerr_set(e, "not signed: the pack has no signature");
        return PSIGN_UNSIGNED;
    }
    psign_fingerprint(s->pubkey, fp_has);
    if (want && sodium_memcmp(want, s->pubkey, PSIGN_PUBLIC_SIZE) != 0) {
        lerr_set(e, "signed by another key: the pack is signed by key %s, not by key %s", fp_has, fp_want);
        return PSIGN_OTHER_KEY;
    }
    if (s->offset > n || n - s->offset < PACK_SIG_SIZE) { /* not the bytes p was opened from */
        lerr_set(e, "tampered with: its signature block lies outside its %zu bytes", n);
        return PSIGN_TAMPERED;
    }
    crypto_sign_state st;
    crypto_sign_init(&st);
    feed(&st, img, n, s->offset);
    if (crypto_sign_final_verify(&st, s->sig, s->pubkey) != 0) {
        lerr_set(e, "tampered with: its signature by key %s does not match its bytes (the pack was changed "
                 "after it was signed, or its signature was forged)", fp_has);
        return PSIGN_TAMPERED;
    }
    return PSIGN_OK;
}

/* pack_sign.h - signed packs: Ed25519 keys in small text files, and the
 * signature block of a pack (format: pack_format.md, "Signature block").
 *
 * libsodium does the cryptography (crypto_sign_keypair, and Ed25519ph,
 * the streaming form crypto_sign_init/update/final_*, over the pack's
 * bytes); this module decides what is signed, reads and writes the key
 * files, and says what went wrong in words a teacher understands. The
 * reader's src/pack.c checks a signature block's structure without
 * libsodium; linking this module brings libsodium (today: lectern-pack and
 * the tests; the reader when it needs `import = signed`).
 *
 * Every function returns 0 (or a psign_check status) and fills the lerr
 * on failure; nothing here keeps state between calls, and every buffer it
 * returns is the caller's, as stated at each function. Secret keys are
 * wiped (sodium_memzero) from every buffer of this module once used; the
 * caller wipes its own copy with psign_wipe. */
#ifndef LECTERN_PACK_SIGN_H
#define LECTERN_PACK_SIGN_H

#include <stddef.h>
#include <stdint.h>

#include "pack.h"
#include "util.h"

#define PSIGN_PUBLIC_SIZE 32
#define PSIGN_SECRET_SIZE 64
/* A key's fingerprint: the first 8 bytes of BLAKE2b (crypto_generichash)
 * of the public key, as hex in four groups: "3f2a 91c0 77de 0b45". */
#define PSIGN_FP_SIZE 20

/* The first line of each key file (then one line of base64). */
#define PSIGN_PUBLIC_HEADER "lectern-pack public key 1"
#define PSIGN_SECRET_HEADER "lectern-pack secret key 1"
#define PSIGN_KEYFILE_MAX 4096

/* sodium_init. Returns 0, or -1 with a message. Call once before the rest
 * (lectern-pack's main); calling again is harmless. */
int psign_init(lerr *e);

/* The fingerprint of pk into out (PSIGN_FP_SIZE bytes, NUL-terminated). */
void psign_fingerprint(const uint8_t *pk, char *out);

/* A new key pair in memory (crypto_sign_keypair): pk PSIGN_PUBLIC_SIZE
 * bytes, sk PSIGN_SECRET_SIZE (the caller wipes it). */
void psign_keypair(uint8_t *pk, uint8_t *sk);

/* Make a key pair and write NAME.key (the secret key, mode 0600) and
 * NAME.pub (the public key, mode 0644 less the umask). Both are created
 * with O_EXCL|O_NOFOLLOW: an existing file or symbolic link at either name
 * is refused and left alone; on any failure neither file is left. The new
 * key's fingerprint goes to fp (PSIGN_FP_SIZE) when not NULL. */
int psign_keygen(const char *name, char *fp, lerr *e);

/* Parse the text of a key file (path only for messages): the first line
 * exactly PSIGN_PUBLIC_HEADER (or _SECRET_), the second the key in base64
 * (sodium's original variant with padding), then nothing but an optional
 * final line end; a CR before each LF is accepted (a file saved on
 * Windows). A secret key's two halves must agree (its public half is the
 * one its seed makes). Messages name the file and the line. */
int psign_parse_public(const uint8_t *text, size_t n, const char *path, uint8_t *pk, lerr *e);
int psign_parse_secret(const uint8_t *text, size_t n, const char *path, uint8_t *sk, lerr *e);

/* Read and parse a key file (fio_open_read: a FIFO, device or directory is
 * refused). For a secret key, *loose (when not NULL) is set when the file
 * can be read by other users (mode bits 077), for the caller to warn. */
int psign_load_public(const char *path, uint8_t *pk, lerr *e);
int psign_load_secret(const char *path, uint8_t *sk, int *loose, lerr *e);

/* Wipe a secret key buffer. */
void psign_wipe(void *p, size_t n);

/* Sign the pack img[0..n) (already checked by the caller: pack_open_mem
 * and pack_verify) with sk: *out is a fresh malloc'd pack (caller frees)
 * with the same header fields, blocks and directory, version_minor
 * PACK_VERSION_MINOR_SIGNED, and one signature block before the directory
 * (an old signature block, if any, is replaced). */
int psign_sign(const uint8_t *img, size_t n, const uint8_t *sk, uint8_t **out, size_t *out_n, lerr *e);

/* Is the pack img[0..n), opened as p (pack_open_mem or pack_open of the
 * same bytes), signed, and by want (NULL: by the key its block names)? */
enum psign_status {
    PSIGN_OK = 0,        /* signed by that key, and not changed since */
    PSIGN_UNSIGNED = 1,  /* no signature block */
    PSIGN_OTHER_KEY = 2, /* signed, by another key */
    PSIGN_TAMPERED = 3   /* the signature does not match the bytes */
};
/* Returns a psign_status; e says which, naming the fingerprints. */
int psign_check(const pack *p, const uint8_t *img, size_t n, const uint8_t *want, lerr *e);

#endif

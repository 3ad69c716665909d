/* fuzz_key.c - the key-file parsers (src/pack_sign.h) on arbitrary bytes:
 * a public key in keys_dir or given to lectern-pack verify, and a secret
 * key given to sign, may be any file. Nothing may crash or read out of
 * bounds; a refusal must say why; an accepted key must parse again to the
 * same bytes. Each input is also tried after each file's first line. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pack_sign.h"

static void one(const uint8_t *data, size_t size, int secret)
{
    uint8_t k[PSIGN_SECRET_SIZE > PSIGN_PUBLIC_SIZE ? PSIGN_SECRET_SIZE : PSIGN_PUBLIC_SIZE];
    uint8_t again[sizeof k];
    lerr e;
    e.msg[0] = '\0';
    int r = secret ? psign_parse_secret(data, size, "fuzz.key", k, &e) : psign_parse_public(data, size, "fuzz.pub", k, &e);
    if (r) {
        if (!e.msg[0]) abort();
        return;
    }
    size_t n = secret ? PSIGN_SECRET_SIZE : PSIGN_PUBLIC_SIZE;
    if ((secret ? psign_parse_secret(data, size, "x", again, &e) : psign_parse_public(data, size, "x", again, &e)) ||
        memcmp(k, again, n) != 0)
        abort();
    psign_wipe(k, sizeof k);
}

static void with_header(const uint8_t *data, size_t size, const char *header, int secret)
{
    size_t h = strlen(header);
    uint8_t *m = malloc(h + 1 + size);
    if (!m) return;
    memcpy(m, header, h);
    m[h] = '\n';
    if (size) memcpy(m + h + 1, data, size);
    one(m, h + 1 + size, secret);
    free(m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    lerr e;
    if (psign_init(&e)) return 0; /* sodium_init: once, then a no-op */
    one(data, size, 0);
    one(data, size, 1);
    if (size <= (1u << 16)) {
        with_header(data, size, PSIGN_PUBLIC_HEADER, 0);
        with_header(data, size, PSIGN_SECRET_HEADER, 1);
    }
    return 0;
}

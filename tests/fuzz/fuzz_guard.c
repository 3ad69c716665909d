/* fuzz_guard.c - the crash-loop guard's file parser (src/guard.h) on
 * arbitrary bytes. Nothing may crash or read out of bounds; a refusal must
 * say why; what is accepted must be canonical (formatting it gives back the
 * same bytes). Each input is also tried as the body of a file whose header
 * and checksum are made right for it, so the line grammar gets explored. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "guard.h"

static void exercise(guard *g, const uint8_t *data, size_t size)
{
    lerr e;
    e.msg[0] = '\0';
    int r = guard_parse(g, data, size, &e);
    if (r == GUARD_EDAMAGED) {
        if (!e.msg[0]) abort();
        return;
    }
    if (r != GUARD_OK) return;
    uint8_t *again;
    size_t n;
    if (guard_format(g, &again, &n) != GUARD_OK) return;
    if (n != size || memcmp(again, data, n) != 0) abort();
    free(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    guard *g;
    guard_start st;
    if (guard_open(&g, NULL, 0, 0, "fuzz", &st, NULL) < 0) return 0;
    exercise(g, data, size);
    if (size <= (1u << 20)) {
        char head[64];
        int h = snprintf(head, sizeof head, "%s%d\n%016llx\n", GUARD_MAGIC, GUARD_VERSION,
                         (unsigned long long)XXH3_64bits(data, size));
        uint8_t *m = malloc((size_t)h + size + 1);
        if (m) {
            memcpy(m, head, (size_t)h);
            if (size) memcpy(m + h, data, size);
            exercise(g, m, (size_t)h + size);
            free(m);
        }
    }
    guard_close(g);
    return 0;
}

/* fuzz_state.c - the state file parser on arbitrary bytes. Nothing may
 * crash or read out of bounds; a refusal must say why; and what is accepted
 * must be canonical: formatting it again gives back the very same bytes.
 *
 * Random bytes almost never match the checksum, which would leave the line
 * grammar behind it unexplored. So each input is tried twice: as it is, and
 * as the body of a file whose header and checksum are made right for it. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "state.h"

static void exercise(state *s, const uint8_t *data, size_t size)
{
    lerr e;
    e.msg[0] = '\0';
    int r = state_parse(s, data, size, &e);
    if (r == STATE_EDAMAGED) {
        if (!e.msg[0]) abort(); /* a refusal must say why */
        return;
    }
    if (r != STATE_OK) return; /* out of memory */
    uint8_t *again;
    size_t n;
    if (state_format(s, &again, &n) != STATE_OK) return;
    if (n != size || memcmp(again, data, n) != 0) abort();
    free(again);
    /* one position per body line (the body follows the second '\n') */
    size_t nl = 0;
    for (size_t i = 0; i < size; i++) nl += data[i] == '\n';
    if (state_count(s) != nl - 2) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    state *s;
    if (state_open(&s, NULL, 0, NULL) < 0) return 0;
    exercise(s, data, size);
    if (size <= (1u << 20)) {
        char head[64];
        int h = snprintf(head, sizeof head, "%s%d\n%016llx\n", STATE_MAGIC, STATE_VERSION,
                         (unsigned long long)XXH3_64bits(data, size));
        uint8_t *m = malloc((size_t)h + size + 1);
        if (m) {
            memcpy(m, head, (size_t)h);
            if (size) memcpy(m + h, data, size);
            exercise(s, m, (size_t)h + size);
            free(m);
        }
    }
    state_close(s);
    return 0;
}

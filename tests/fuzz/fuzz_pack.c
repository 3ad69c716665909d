/* fuzz_pack.c - the pack loader on arbitrary bytes: open, list every entry,
 * read and verify every entry. Nothing may crash or read out of bounds;
 * whatever opens must keep its promises (entries inside the file). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pack.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pack *p;
    lerr e;
    if (pack_open_mem(&p, data, size, &e) != PACK_OK) {
        if (!e.msg[0]) abort(); /* a refusal must say why */
        return 0;
    }
    for (size_t i = 0; i < pack_count(p); i++) {
        const pack_entry *en = pack_entry_at(p, i);
        if (en->block_offset + en->block_stored > size) abort();
        uint8_t *d;
        size_t n;
        if (pack_read(p, i, &d, &n, &e) == PACK_OK && n != en->size) abort();
        free(d);
        const uint8_t *v;
        pack_view(p, i, &v, &n, &e);
    }
    pack_verify(p, NULL, NULL);
    for (size_t k = 0; k <= pack_essays(p) + 1; k++) pack_essay_index(p, k);
    pack_close(p);
    return 0;
}

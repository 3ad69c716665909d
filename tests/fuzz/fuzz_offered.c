/* fuzz_offered.c - the list of essays already offered from the SD card
 * (IMPORT_PACK.offered, src/import.h) on arbitrary bytes: the file lives in
 * the state folder, where a power cut or a hand can leave anything. Nothing
 * may crash or read out of bounds; a refusal must say why and keep nothing;
 * what is accepted formats to a file that parses back to the same list.
 * Each input is also tried after the file's first line, so that the line
 * grammar gets explored. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "import.h"

static void exercise(const uint8_t *data, size_t size)
{
    import_scan *s, *t;
    lerr e;
    if (import_scan_new(&s, &e)) return;
    e.msg[0] = '\0';
    if (import_scan_parse(s, data, size, "fuzz.offered", &e)) {
        if (!e.msg[0]) abort();
        uint8_t *empty;
        size_t en;
        /* a refused file left nothing behind */
        if (import_scan_format(s, &empty, &en, &e) == 0) {
            if (en != strlen("lectern-offered 1\n")) abort();
            free(empty);
        }
        import_scan_free(s);
        return;
    }
    uint8_t *a, *b;
    size_t an, bn;
    if (import_scan_format(s, &a, &an, &e) == 0) {
        if (import_scan_new(&t, &e) == 0) {
            if (import_scan_parse(t, a, an, "again", &e)) abort();
            if (import_scan_format(t, &b, &bn, &e) == 0) {
                if (an != bn || memcmp(a, b, an) != 0) abort();
                free(b);
            }
            import_scan_free(t);
        }
        free(a);
    }
    import_scan_free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    exercise(data, size);
    static const char magic[] = "lectern-offered 1\n";
    if (size <= (1u << 18)) {
        uint8_t *m = malloc(sizeof magic + size);
        if (m) {
            memcpy(m, magic, sizeof magic - 1);
            if (size) memcpy(m + sizeof magic - 1, data, size);
            exercise(m, sizeof magic - 1 + size);
            free(m);
        }
    }
    return 0;
}

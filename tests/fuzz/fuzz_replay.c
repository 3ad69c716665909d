/* fuzz_replay.c - the replay script parser on arbitrary bytes. Nothing may
 * crash or read out of bounds; a refusal must name a line; and what is
 * accepted must read back the same after replay_format (the reader's
 * error messages and the tests rely on that round trip). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "replay.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    replay_script s, t;
    lerr e;
    e.msg[0] = 0;
    if (replay_parse(data, size, "f", &s, &e)) {
        if (strncmp(e.msg, "f:", 2) != 0 || s.n || s.cmds) abort();
        return 0;
    }
    size_t lines = 1;
    for (size_t i = 0; i < size; i++) lines += data[i] == '\n';
    char *out = malloc(s.n * 128 + 1);
    if (!out) abort();
    size_t k = 0;
    for (size_t i = 0; i < s.n; i++) {
        const replay_cmd *c = &s.cmds[i];
        if (c->op >= REPLAY_NOPS || c->line == 0 || c->line > lines) abort();
        if (i && c->line <= s.cmds[i - 1].line) abort();
        k += replay_format(c, out + k, 127);
        out[k++] = '\n';
    }
    if (replay_parse((const uint8_t *)out, k, "g", &t, &e)) abort();
    if (t.n != s.n) abort();
    for (size_t i = 0; i < s.n; i++) {
        const replay_cmd *a = &s.cmds[i], *b = &t.cmds[i];
        if (a->op != b->op || a->arg != b->arg || a->ms != b->ms || a->n != b->n || a->seed != b->seed ||
            strcmp(a->name, b->name) || fabsf(a->x1 - b->x1) > 1e-3f || fabsf(a->y1 - b->y1) > 1e-3f ||
            fabsf(a->x2 - b->x2) > 1e-3f || fabsf(a->y2 - b->y2) > 1e-3f)
            abort();
    }
    free(out);
    replay_free(&s);
    replay_free(&t);
    return 0;
}

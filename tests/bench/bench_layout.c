/* bench_layout.c - re-laying out all five default essays at a new text
 * size, as the reader does on A+/A- (font metrics from the pack's faces,
 * the 800x480 text area), with each essay's line-break opportunities made
 * once beforehand and kept, as the reader keeps them (layout_breaks; the
 * second row: making them, once per essay opened). Prints markdown rows;
 * nothing fails.
 * Usage: bench_layout [PACK [LABEL]] (default $B/default.lpk); LABEL, if
 * given, names the essays in the row (as "the five essays, styled"). */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <SDL2/SDL.h>
#include <SDL2/SDL_ttf.h>

#include "essay.h"
#include "font.h"
#include "layout.h"
#include "pack.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    char def[512];
    const char *b = getenv("B");
    snprintf(def, sizeof def, "%s/default.lpk", b && *b ? b : "build/host");
    const char *path = argc > 1 ? argv[1] : def;
    lerr e;
    pack *p;
    font_faces *fs;
    if (TTF_Init() || pack_open(&p, path, &e) || font_open_pack(&fs, p, &e)) {
        fprintf(stderr, "bench_layout: %s\n", e.msg);
        return 1;
    }
    size_t n = pack_essays(p);
    uint8_t **text = calloc(n, sizeof *text);
    essay *es = calloc(n, sizeof *es);
    layout_breaks **bk = calloc(n, sizeof *bk);
    text_breaker *tb;
    if (!text || !es || !bk || text_breaker_new(&tb, &e)) {
        fprintf(stderr, "bench_layout: %s\n", text && es && bk ? e.msg : "out of memory");
        return 1;
    }
    size_t bytes = 0;
    for (size_t i = 0; i < n; i++) {
        size_t sz;
        if (pack_read(p, pack_essay_index(p, i + 1), &text[i], &sz, &e) || essay_parse(text[i], sz, &es[i], &e)) {
            fprintf(stderr, "bench_layout: essay %zu: %s\n", i + 1, e.msg);
            return 1;
        }
        bytes += sz;
    }
    double brk_best = 1e9;
    for (int r = 0; r < 10; r++) {
        double t0 = now();
        for (size_t i = 0; i < n; i++) {
            const pack_entry *en = pack_entry_at(p, pack_essay_index(p, i + 1));
            layout_breaks_free(bk[i]);
            if (layout_breaks_new(&bk[i], &es[i], en->lang, en->lang ? en->lang_len : 0, tb, &e)) {
                fprintf(stderr, "bench_layout: essay %zu: %s\n", i + 1, e.msg);
                return 1;
            }
        }
        double t = now() - t0;
        if (t < brk_best) brk_best = t;
    }
    /* the 800x480 text area; sizes alternate so every round is a new size */
    layout_params lp = {648 * 64, 373 * 64, 0, 0, 1, LAYOUT_EXPAND_MAX, 1}; /* as the reader sets it */
    double best = 1e9;
    size_t lines = 0;
    for (int r = 0; r < 60; r++) {
        int px = r % 2 ? 20 : 18;
        double t0 = now();
        if (font_set_size(fs, px, &e)) return 1;
        layout_metrics m = font_metrics(fs);
        lp.para_space = px * 64 / 2;
        lp.indent = px * 64 * 2;
        lines = 0;
        for (size_t i = 0; i < n; i++) {
            layout_result lr;
            if (layout_essay_breaks(&es[i], bk[i], &m, &lp, &lr, &e)) {
                fprintf(stderr, "bench_layout: %s\n", e.msg);
                return 1;
            }
            lines += lr.nlines;
            layout_free(&lr);
        }
        double t = now() - t0;
        if (r >= 2 && t < best) best = t;
    }
    if (argc > 2)
        printf("| re-lay out all %zu essays (%s, %zu KB, %zu lines) at a new size, 800x480 | %.2f ms (best of 58) |\n",
               n, argv[2], bytes / 1024, lines, best * 1e3);
    else
        printf("| re-lay out all %zu essays (%zu KB, %zu lines) at a new size, 800x480 | %.2f ms (best of 58) |\n", n,
               bytes / 1024, lines, best * 1e3);
    printf("| break all %zu essays into line-break opportunities (once per essay opened) | %.2f ms (best of 10) |\n", n,
           brk_best * 1e3);
    for (size_t i = 0; i < n; i++) {
        layout_breaks_free(bk[i]);
        essay_free(&es[i]);
        free(text[i]);
    }
    free(es);
    free(bk);
    free(text);
    text_breaker_free(tb);
    font_close(fs);
    pack_close(p);
    TTF_Quit();
    return 0;
}

/* bench_render.c - page drawing cost, headless (software renderer), for
 * `make bench`: CPU time to draw one page at 1280x800 with a warm glyph
 * atlas (every glyph already rasterized), and the cost of a page turn that
 * hits the page cache (a blit). Prints markdown rows; nothing fails.
 * Usage: bench_render [PACK] (default $B/default.lpk) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <SDL2/SDL.h>
#include <SDL2/SDL_ttf.h>

#include "app.h"

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    char def[512];
    const char *b = getenv("B");
    snprintf(def, sizeof def, "%s/default.lpk", b && *b ? b : "build/host");
    app_opts o = {0};
    o.pack_path = argc > 1 ? argv[1] : def;
    o.w = 1280;
    o.h = 800;
    if (SDL_Init(0) || TTF_Init()) return 1;
    app a;
    lerr e;
    if (app_open(&a, &o, &e) || app_video(&a, 1, &e) || app_open_essay(&a, 3, &e)) {
        fprintf(stderr, "bench_render: %s\n", e.msg);
        return 1;
    }
    SDL_Texture *t = SDL_CreateTexture(a.ren, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_TARGET, o.w, o.h);
    SDL_SetRenderTarget(a.ren, t);
    size_t np = a.lr->npages, rounds = 20;
    for (size_t p = 0; p < np; p++) { /* warm the atlas */
        render_page pg = {&a.es, a.lr, p, (const uint8_t *)a.title, strlen(a.title), a.theme, &a.geom, 3};
        render_draw_page(a.rd, &pg, &e);
    }
    double t0 = cpu_now();
    for (size_t r = 0; r < rounds; r++)
        for (size_t p = 0; p < np; p++) {
            render_page pg = {&a.es, a.lr, p, (const uint8_t *)a.title, strlen(a.title), a.theme, &a.geom, 3};
            render_draw_page(a.rd, &pg, &e);
        }
    double draw = (cpu_now() - t0) / (rounds * np);
    /* a turn: the cached page copied to the screen target */
    render_page pg = {&a.es, a.lr, 1, (const uint8_t *)a.title, strlen(a.title), a.theme, &a.geom, 3};
    SDL_Texture *c = render_cached_page(a.rd, &pg, &e);
    SDL_SetRenderTarget(a.ren, t);
    t0 = cpu_now();
    for (size_t r = 0; r < 200; r++) SDL_RenderCopy(a.ren, c, NULL, NULL);
    double blit = (cpu_now() - t0) / 200;
    render_stats s;
    render_get_stats(a.rd, &s);
    printf("| page draw, 1280x800, warm atlas (%zu pages x %zu) | %.3f ms CPU |\n", np, rounds, draw * 1e3);
    printf("| page turn from the cache (blit 1280x800) | %.3f ms CPU |\n", blit * 1e3);
    printf("| atlas | %zu glyphs, %llu misses / %llu hits, %zu KB |\n", s.glyphs, (unsigned long long)s.misses,
           (unsigned long long)s.hits, s.bytes / 1024);
    SDL_DestroyTexture(t);
    app_close(&a);
    TTF_Quit();
    SDL_Quit();
    return 0;
}

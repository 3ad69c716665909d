/* bench_touch.c - the reader's response to touch, for `make bench`: the
 * time from an injected tap to the new page being presented, with a warm
 * page cache, and the memory after 1,000 page turns against after the first.
 *
 * The tap is what a replay injects: SDL_FINGERDOWN, 60 ms of the app's
 * clock, SDL_FINGERUP, through app_event (the page turns on the up), then
 * app_draw as the live loop does. Latency = from handing the up event to
 * app_event until SDL_RenderPresent returned (a->presented_pc); the
 * neighbour prefetch that app_draw does after presenting is reported
 * apart. Turns go forward to the last page and back, so every turn after
 * the first few hits the cache, as reading does.
 *
 * Usage: bench_touch [--window] [--turns N] [--size WxH] [PACK]
 *   (default $B/default.lpk, essay 3; --window opens a real window: run it
 *   under xvfb-run, or on a desktop). Prints `key value` lines. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <SDL2/SDL.h>
#include <SDL2/SDL_ttf.h>

#include "app.h"

static long rss_kb(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    long size = 0, res = 0;
    if (f) {
        if (fscanf(f, "%ld %ld", &size, &res) != 2) res = 0;
        fclose(f);
    }
    return res * (sysconf(_SC_PAGESIZE) / 1024);
}

static int cmp(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return a < b ? -1 : a > b;
}

static void finger(app *a, Uint32 type, float x)
{
    SDL_Event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = type;
    ev.tfinger.touchId = 1;
    ev.tfinger.fingerId = 1;
    ev.tfinger.x = x;
    ev.tfinger.y = 0.5f;
    app_event(a, &ev);
    app_tick(a, a->now);
}

int main(int argc, char **argv)
{
    char def[512];
    const char *b = getenv("B");
    snprintf(def, sizeof def, "%s/default.lpk", b && *b ? b : "build/host");
    app_opts o = {0};
    o.pack_path = def;
    o.w = 800;
    o.h = 480;
    int window = 0;
    long turns = 1000;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--window")) window = 1;
        else if (!strcmp(argv[i], "--turns") && i + 1 < argc) turns = atol(argv[++i]);
        else if (!strcmp(argv[i], "--size") && i + 1 < argc) sscanf(argv[++i], "%dx%d", &o.w, &o.h);
        else o.pack_path = argv[i];
    }
    if (turns < 10) turns = 10;
    if (!window && !getenv("SDL_VIDEODRIVER")) setenv("SDL_VIDEODRIVER", "offscreen", 1);
    SDL_SetHint(SDL_HINT_TOUCH_MOUSE_EVENTS, "0");
    if (SDL_Init(0) || TTF_Init()) return 1;
    app a;
    lerr e;
    if (app_open(&a, &o, &e) || app_video(&a, !window, &e)) {
        fprintf(stderr, "bench_touch: %s\n", e.msg);
        return 1;
    }
    app_start(&a);
    a.now = 1000;
    app_show_essay(&a, pack_essays(a.pk) >= 3 ? 3 : 1);
    if (a.screen != APP_READING) {
        fprintf(stderr, "bench_touch: %s\n", a.error);
        return 1;
    }
    app_draw(&a);
    double *lat = malloc((size_t)turns * sizeof *lat), *frame = malloc((size_t)turns * sizeof *frame);
    if (!lat || !frame) return 1;
    double pc = (double)SDL_GetPerformanceFrequency();
    long rss_first = 0;
    int fwd = 1;
    for (long i = 0; i < turns; i++) {
        size_t np = a.lr->npages;
        if (a.page + 1 >= np) fwd = 0;
        if (a.page == 0) fwd = 1;
        float x = fwd ? 0.85f : 0.15f;
        a.now += 400; /* a reader's pace: no gesture ever goes stale */
        finger(&a, SDL_FINGERDOWN, x);
        a.now += APP_TAP_MS;
        size_t before = a.page;
        uint64_t t0 = SDL_GetPerformanceCounter();
        finger(&a, SDL_FINGERUP, x);
        app_draw(&a);
        uint64_t t1 = SDL_GetPerformanceCounter();
        if (a.page == before || a.screen != APP_READING) {
            fprintf(stderr, "bench_touch: turn %ld did not turn (page %zu of %zu)\n", i, a.page + 1, np);
            return 1;
        }
        lat[i] = (a.presented_pc - t0) / pc * 1e3;
        frame[i] = (t1 - t0) / pc * 1e3;
        if (i == 0) rss_first = rss_kb();
    }
    long rss_end = rss_kb();
    render_stats st;
    render_get_stats(a.rd, &st);
    /* the first few turns fill the cache: the rest are the warm case */
    long warm = turns - 5;
    qsort(lat + 5, (size_t)warm, sizeof *lat, cmp);
    qsort(frame + 5, (size_t)warm, sizeof *frame, cmp);
    SDL_RendererInfo ri;
    SDL_GetRendererInfo(a.ren, &ri);
    printf("renderer %s%s\n", ri.name, window ? " (window)" : " (headless)");
    printf("size %dx%d\n", a.panel_w, a.panel_h);
    printf("essay_pages %zu\n", a.lr->npages);
    printf("turns %ld\n", turns);
    printf("tap_to_present_median_ms %.3f\n", lat[5 + warm / 2]);
    printf("tap_to_present_p99_ms %.3f\n", lat[5 + warm * 99 / 100]);
    printf("tap_to_present_max_ms %.3f\n", lat[turns - 1]);
    printf("frame_with_prefetch_median_ms %.3f\n", frame[5 + warm / 2]);
    printf("page_cache_hits %llu\n", (unsigned long long)st.page_hits);
    printf("page_cache_misses %llu\n", (unsigned long long)st.page_misses);
    printf("rss_after_first_turn_kb %ld\n", rss_first);
    printf("rss_after_all_turns_kb %ld\n", rss_end);
    free(lat);
    free(frame);
    app_close(&a);
    TTF_Quit();
    SDL_Quit();
    return 0;
}

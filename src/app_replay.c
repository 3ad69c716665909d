/* app_replay.c - `lectern --replay SCRIPT`: each command of the script (see
 * replay.h) becomes real SDL events (SDL_FINGERDOWN/MOTION/UP in the
 * panel's coordinates, SDL_MOUSEBUTTON*, SDL_KEYDOWN/UP) handed to the same
 * handler the live loop uses, app_event, on a clock the script owns. After
 * each event the app ticks and, when something changed, draws and presents
 * a frame, as it would live. */
#include "app.h"

#include <errno.h>
#include <inttypes.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>


#include "app_sleep.h"
#include "guard.h"
#include "layout.h"
#include "replay.h"

#define FRAME_MS 16

typedef struct run {
    app *a;
    const char *name, *dir;
    uint32_t quit_line;   /* the line at which the reader ended, 0 while it runs */
    uint32_t line;
    uint64_t events;
} run;

static void frame(app *a)
{
    if (a->dirty && !a->quit) app_draw(a);
}

static void feed(run *r, SDL_Event *ev)
{
    app *a = r->a;
    if (a->quit) return;
    ev->common.timestamp = (Uint32)a->now;
    app_event(a, ev);
    app_tick(a, a->now);
    frame(a);
    r->events++;
    if (a->quit && !r->quit_line) r->quit_line = r->line;
}

/* Let ms pass: frame by frame while something moves (a finger is held, a
 * page slides, a list coasts), else in one step. */
static void advance(run *r, uint64_t ms)
{
    app *a = r->a;
    uint64_t end = a->now + ms;
    while (a->now < end && !a->quit) {
        if (app_busy(a)) app_tick(a, a->now + (end - a->now < FRAME_MS ? end - a->now : FRAME_MS));
        else app_tick(a, end);
        frame(a);
    }
    if (a->quit && !r->quit_line) r->quit_line = r->line;
}

static void touch(run *r, Uint32 type, int64_t finger, float x, float y)
{
    SDL_Event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = type;
    ev.tfinger.touchId = 1;
    ev.tfinger.fingerId = finger;
    ev.tfinger.x = x;
    ev.tfinger.y = y;
    ev.tfinger.pressure = type == SDL_FINGERUP ? 0.0f : 1.0f;
    feed(r, &ev);
}

static void mouse(run *r, Uint32 type, float x, float y)
{
    SDL_Event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = type;
    ev.button.which = 0;
    ev.button.button = SDL_BUTTON_LEFT;
    ev.button.state = type == SDL_MOUSEBUTTONDOWN ? SDL_PRESSED : SDL_RELEASED;
    ev.button.clicks = 1;
    ev.button.x = (Sint32)(x * r->a->panel_w);
    ev.button.y = (Sint32)(y * r->a->panel_h);
    feed(r, &ev);
}

static const SDL_Keycode keycodes[REPLAY_NKEYS] = {
    SDLK_LEFT, SDLK_RIGHT, SDLK_UP, SDLK_DOWN, SDLK_PAGEUP, SDLK_PAGEDOWN, SDLK_SPACE, SDLK_HOME, SDLK_END,
    SDLK_PLUS, SDLK_MINUS, SDLK_ESCAPE, SDLK_RETURN, SDLK_BACKSPACE, SDLK_q, SDLK_t, SDLK_m};

static void key(run *r, int k)
{
    SDL_Event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = SDL_KEYDOWN;
    ev.key.state = SDL_PRESSED;
    ev.key.keysym.sym = keycodes[k];
    feed(r, &ev);
    ev.type = SDL_KEYUP;
    ev.key.state = SDL_RELEASED;
    feed(r, &ev);
}

static void drag(run *r, int64_t finger, float x1, float y1, float x2, float y2, uint32_t ms)
{
    touch(r, SDL_FINGERDOWN, finger, x1, y1);
    for (uint32_t t = FRAME_MS; t < ms; t += FRAME_MS) {
        advance(r, FRAME_MS);
        float k = (float)t / (float)ms;
        touch(r, SDL_FINGERMOTION, finger, x1 + (x2 - x1) * k, y1 + (y2 - y1) * k);
    }
    advance(r, ms % FRAME_MS ? ms % FRAME_MS : (ms < FRAME_MS ? ms : FRAME_MS));
    touch(r, SDL_FINGERMOTION, finger, x2, y2);
    touch(r, SDL_FINGERUP, finger, x2, y2);
}

/* ---- what the script can look at ------------------------------------------------------------ */

static int reading_like(const app *a)
{
    return a->essay_no && a->lr->npages &&
           (a->screen == APP_READING || a->screen == APP_MENU || a->screen == APP_CONTENTS || a->screen == APP_END);
}

static uint32_t page_start(const app *a) { return reading_like(a) ? a->lr->pages[a->page].text_start : 0; }

static void describe(const app *a, char *buf, size_t n)
{
    int k = snprintf(buf, n, "the screen is %s", replay_screen_name(app_screen_id(a)));
    if (reading_like(a) && k >= 0 && (size_t)k < n)
        snprintf(buf + k, n - (size_t)k, ", essay %zu, page %zu of %zu", a->essay_no, a->page + 1, a->lr->npages);
    else if (a->screen == APP_ERROR && a->essay_no && k >= 0 && (size_t)k < n)
        snprintf(buf + k, n - (size_t)k, " (essay %zu)", a->essay_no);
}

/* Bytes malloc has handed out and not had back (glibc), else -1: a finer
 * measure of growth than RSS, which also counts pages never given back. */
static long heap_kb(void)
{
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
    struct mallinfo2 mi = mallinfo2();
    return (long)(mi.uordblks / 1024);
#else
    return -1;
#endif
}

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

static int shot(run *r, const char *nm)
{
    app *a = r->a;
    lerr e;
    if (!a->asleep) app_draw(a); /* what is on the panel now (asleep: the black frame) */
    if (!r->dir) return 0;
    if (mkdir(r->dir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "lectern: %s: cannot create directory: %s\n", r->dir, strerror(errno));
        return -1;
    }
    SDL_Surface *s = app_panel_surface(a, &e);
    if (!s) {
        fprintf(stderr, "lectern: %s:%u: shot %s: %s\n", r->name, r->line, nm, e.msg);
        return -1;
    }
    char path[4200];
    snprintf(path, sizeof path, "%s/%s.png", r->dir, nm);
    int rc = app_save_png(s, path, &e);
    SDL_FreeSurface(s);
    if (rc) {
        fprintf(stderr, "lectern: %s\n", e.msg);
        return -1;
    }
    printf("%s\n", path);
    return 0;
}

/* ---- the soak test ------------------------------------------------------------------------------ */

static float coord(replay_rng *g)
{
    /* mostly on the panel; sometimes past its edges, as real panels report */
    return replay_rng_below(g, 100) < 92 ? replay_rng_unit(g) : replay_rng_unit(g) * 1.4f - 0.2f;
}

static float clampf(float v, float lo, float hi) { return v < lo ? lo : v > hi ? hi : v; }

static void soak(run *r, uint64_t n, uint32_t seed)
{
    app *a = r->a;
    replay_rng g;
    replay_rng_seed(&g, seed);
    uint64_t start = r->events, warm_at = n / 10 < 2000 ? (n < 2000 ? n / 2 : 2000) : n / 10;
    long warm = -1, half = -1, heap_warm = -1, heap_half = -1;
    unsigned long frames0 = a->frames;
    int visited[REPLAY_NSCREENS] = {0};
    while (r->events - start < n && !a->quit) {
        uint32_t kind = replay_rng_below(&g, 100);
        float x = coord(&g), y = coord(&g);
        int64_t f = 1 + replay_rng_below(&g, 4);
        if (kind < 45) { /* a tap, perhaps with jitter */
            touch(r, SDL_FINGERDOWN, f, x, y);
            for (uint32_t k = replay_rng_below(&g, 3); k; k--) {
                advance(r, replay_rng_below(&g, 40));
                touch(r, SDL_FINGERMOTION, f, x + (replay_rng_unit(&g) - 0.5f) * 0.02f,
                      y + (replay_rng_unit(&g) - 0.5f) * 0.02f);
            }
            advance(r, replay_rng_below(&g, 300));
            touch(r, SDL_FINGERUP, f, x, y);
        } else if (kind < 70) { /* a drag or a flick; now and then its up is lost */
            touch(r, SDL_FINGERDOWN, f, x, y);
            for (uint32_t k = 2 + replay_rng_below(&g, 10); k; k--) {
                advance(r, 4 + replay_rng_below(&g, 40));
                x = clampf(x + (replay_rng_unit(&g) - 0.5f) * 0.4f, -0.2f, 1.2f);
                y = clampf(y + (replay_rng_unit(&g) - 0.5f) * 0.4f, -0.2f, 1.2f);
                touch(r, SDL_FINGERMOTION, f, x, y);
            }
            if (replay_rng_below(&g, 20)) touch(r, SDL_FINGERUP, f, x, y);
        } else if (kind < 77) { /* a long press */
            touch(r, SDL_FINGERDOWN, f, x, y);
            advance(r, 400 + replay_rng_below(&g, 600));
            touch(r, SDL_FINGERUP, f, x, y);
        } else if (kind < 84) { /* two fingers */
            int64_t f2 = f + 10;
            touch(r, SDL_FINGERDOWN, f, x, y);
            advance(r, replay_rng_below(&g, 100));
            touch(r, SDL_FINGERDOWN, f2, coord(&g), coord(&g));
            touch(r, SDL_FINGERMOTION, replay_rng_below(&g, 2) ? f : f2, coord(&g), coord(&g));
            advance(r, replay_rng_below(&g, 100));
            touch(r, SDL_FINGERUP, replay_rng_below(&g, 2) ? f : f2, x, y);
            touch(r, SDL_FINGERUP, f2, x, y);
            touch(r, SDL_FINGERUP, f, x, y);
        } else if (kind < 90) { /* a key, but not one that ends a desktop reader */
            int k = (int)replay_rng_below(&g, REPLAY_NKEYS);
            if (k != REPLAY_KEY_ESCAPE && k != REPLAY_KEY_Q) key(r, k);
        } else if (kind < 95) { /* the mouse */
            mouse(r, SDL_MOUSEBUTTONDOWN, x, y);
            advance(r, replay_rng_below(&g, 200));
            mouse(r, SDL_MOUSEBUTTONUP, x, y);
        } else if (kind < 99) {
            advance(r, replay_rng_below(&g, 5000));
        } else { /* a long pause: the idle reset, stale touches */
            advance(r, 5000 + replay_rng_below(&g, 1200000));
        }
        visited[app_screen_id(a)]++;
        if (warm < 0 && r->events - start >= warm_at) warm = rss_kb(), heap_warm = heap_kb();
        if (half < 0 && r->events - start >= n / 2) half = rss_kb(), heap_half = heap_kb();
    }
    long end = rss_kb();
    printf("random: %" PRIu64 " events, seed %u: rss %ld KB after warm-up (%" PRIu64 " events), %ld KB at half, "
           "%ld KB at the end; heap in use %ld, %ld, %ld KB; %lu frames; "
           "screens seen (library reading menu contents end error sleep attract admin import):",
           r->events - start, seed, warm, warm_at, half, end, heap_warm, heap_half, heap_kb(), a->frames - frames0);
    for (int i = 0; i < REPLAY_NSCREENS; i++) printf(" %d", visited[i]);
    printf("\n");
    fflush(stdout);
}

/* ---- the script ------------------------------------------------------------------------------------ */

static int fail(run *r, const char *want, const char *got)
{
    fprintf(stderr, "lectern: %s:%u: expected %s, but %s\n", r->name, r->line, want, got);
    return 1;
}

static int expect(run *r, const replay_cmd *c)
{
    app *a = r->a;
    char want[200], got[256], line[200];
    replay_format(c, line, sizeof line);
    snprintf(want, sizeof want, "%s", line + strlen("expect "));
    if (c->op == REPLAY_EXPECT_QUIT) {
        if (a->quit) return 0;
        describe(a, got, sizeof got);
        return fail(r, "the reader to have ended", got);
    }
    if (a->quit) {
        snprintf(got, sizeof got, "the reader ended at line %u", r->quit_line);
        return fail(r, want, got);
    }
    describe(a, got, sizeof got);
    switch (c->op) {
    case REPLAY_EXPECT_SCREEN:
        return app_screen_id(a) == c->arg ? 0 : fail(r, want, got);
    case REPLAY_EXPECT_PAGE:
        return reading_like(a) && (int64_t)a->page + 1 == c->n ? 0 : fail(r, want, got);
    case REPLAY_EXPECT_ESSAY:
        return (int64_t)a->essay_no == c->n ? 0 : fail(r, want, got);
    case REPLAY_EXPECT_THEME:
        snprintf(got, sizeof got, "the theme is %s", replay_theme_name(a->theme));
        return a->theme == c->arg ? 0 : fail(r, want, got);
    case REPLAY_EXPECT_SIZE:
        snprintf(got, sizeof got, "the size is %+d", app_size_delta(a));
        return app_size_delta(a) == c->n ? 0 : fail(r, want, got);
    case REPLAY_EXPECT_FIRST:
        if (a->screen == APP_LIBRARY) snprintf(got, sizeof got, "the first card is essay %u", app_first_card(a));
        return a->screen == APP_LIBRARY && app_first_card(a) == c->n ? 0 : fail(r, want, got);
    case REPLAY_EXPECT_HINT:
        snprintf(got + strlen(got), sizeof got - strlen(got), " and the hint is %s", app_hint_shown(a) ? "shown" : "hidden");
        return app_hint_shown(a) == c->arg ? 0 : fail(r, want, got);
    case REPLAY_EXPECT_CARD: {
        /* what the card shows: in the library's list, and marked or not */
        int in = 0;
        for (size_t i = 0; i < a->nlist && !in; i++) in = a->list[i] == (uint32_t)c->n;
        int failed = guard_failed(a->gd, (uint32_t)c->n);
        if (!in) snprintf(got, sizeof got, "essay %lld has no card in the library", (long long)c->n);
        else snprintf(got, sizeof got, "card %lld is %s (%u abnormal end%s counted)", (long long)c->n,
                      failed ? "unavailable" : "available", guard_deaths(a->gd, (uint32_t)c->n),
                      guard_deaths(a->gd, (uint32_t)c->n) == 1 ? "" : "s");
        return in && failed != c->arg ? 0 : fail(r, want, got);
    }
    case REPLAY_EXPECT_MARKED: {
        if (!reading_like(a) || a->screen == APP_END) return fail(r, want, got);
        const layout_page *p = &a->lr->pages[a->page];
        uint32_t end = a->page + 1 < a->lr->npages ? p[1].text_start : (uint32_t)a->es.size + 1;
        snprintf(got + strlen(got), sizeof got - strlen(got), " (bytes %u..%u; marked %u)", p->text_start, end,
                 a->mark);
        return a->mark >= p->text_start && a->mark < end ? 0 : fail(r, want, got);
    }
    default: return 0;
    }
}

int app_replay(app *a, const replay_script *s, const char *name, const char *shot_dir)
{
    run r = {a, name ? name : "script", shot_dir, 0, 0, 0};
    if (!a->now) a->now = 1000;
    a->last_input = a->now;
    app_draw(a);
    static const float sw[4][4] = {{0.8f, 0.5f, 0.2f, 0.5f}, {0.2f, 0.5f, 0.8f, 0.5f},
                                   {0.5f, 0.8f, 0.5f, 0.2f}, {0.5f, 0.2f, 0.5f, 0.8f}};
    for (size_t i = 0; i < s->n; i++) {
        const replay_cmd *c = &s->cmds[i];
        r.line = c->line;
        switch (c->op) {
        case REPLAY_TAP:
            touch(&r, SDL_FINGERDOWN, 1, c->x1, c->y1);
            advance(&r, TUN_TAP_MS);
            touch(&r, SDL_FINGERUP, 1, c->x1, c->y1);
            break;
        case REPLAY_LONGPRESS:
            touch(&r, SDL_FINGERDOWN, 1, c->x1, c->y1);
            advance(&r, TUN_LONGPRESS_MS);
            touch(&r, SDL_FINGERUP, 1, c->x1, c->y1);
            break;
        case REPLAY_CLICK:
            mouse(&r, SDL_MOUSEBUTTONDOWN, c->x1, c->y1);
            advance(&r, TUN_TAP_MS);
            mouse(&r, SDL_MOUSEBUTTONUP, c->x1, c->y1);
            break;
        case REPLAY_SWIPE: {
            const float *p = sw[c->arg & 3];
            drag(&r, 1, p[0], p[1], p[2], p[3], 120);
            break;
        }
        case REPLAY_DRAG: drag(&r, 1, c->x1, c->y1, c->x2, c->y2, c->ms); break;
        case REPLAY_KEY: key(&r, c->arg < REPLAY_NKEYS ? c->arg : 0); break;
        case REPLAY_WAIT: advance(&r, c->ms); break;
        case REPLAY_MARK:
            if (!reading_like(a)) {
                char got[256];
                describe(a, got, sizeof got);
                return fail(&r, "a page to mark", got);
            }
            a->mark = page_start(a);
            break;
        case REPLAY_SHOT:
            if (shot(&r, c->name)) return 1;
            break;
        case REPLAY_PRINT:
            printf("line %u: screen %s essay %zu page %zu/%zu sentence %u theme %s size %+d first %u cards %zu "
                   "quit %d t %" PRIu64 "\n",
                   c->line, replay_screen_name(app_screen_id(a)), a->essay_no, reading_like(a) ? a->page + 1 : 0,
                   reading_like(a) ? a->lr->npages : 0,
                   reading_like(a) ? layout_sentence_start(&a->es, page_start(a)) : 0, replay_theme_name(a->theme),
                   app_size_delta(a), app_first_card(a), a->screen == APP_LIBRARY ? a->cards_drawn : 0, a->quit,
                   a->now);
            fflush(stdout);
            break;
        case REPLAY_RANDOM: soak(&r, (uint64_t)c->n, c->seed); break;
        case REPLAY_CLOCK:
            app_set_wall(a, c->n * 60);
            app_tick(a, a->now); /* asleep or awake at once, as the hours say */
            frame(a);
            break;
        case REPLAY_CRASH:
            /* as a crash ends it: no save, no clean exit, no atexit */
            fflush(stdout);
            fprintf(stderr, "lectern: %s:%u: crash (a replay's simulated crash)\n", r.name, r.line);
            _exit(REPLAY_CRASH_STATUS);
        default:
            if (expect(&r, c)) return 1;
            break;
        }
    }
    app_leave(a);
    return 0;
}

/* test_gesture.c - the touch state machine and the inertial scroller, fed
 * with synthetic clocks (no real time anywhere). */
#include <math.h>
#include <string.h>

#include "gesture.h"
#include "t.h"

/* A 7" 800x480 panel, the product's reference. */
#define W_MM 154.0f
#define H_MM 86.0f

typedef struct {
    gesture_event ev[512];
    int n;
} evlog;

static void keep(evlog *L, const gesture_event *o, int k)
{
    CHECKF(k >= 0 && k <= GESTURE_MAX_EVENTS, "k=%d", k);
    for (int i = 0; i < k && L->n < 512; i++) L->ev[L->n++] = o[i];
}
static void down(gesture *g, evlog *L, int64_t id, float x, float y, uint64_t t)
{
    gesture_event o[GESTURE_MAX_EVENTS];
    keep(L, o, gesture_down(g, id, x, y, t, o));
}
static void move(gesture *g, evlog *L, int64_t id, float x, float y, uint64_t t)
{
    gesture_event o[GESTURE_MAX_EVENTS];
    keep(L, o, gesture_motion(g, id, x, y, t, o));
}
static void up(gesture *g, evlog *L, int64_t id, float x, float y, uint64_t t)
{
    gesture_event o[GESTURE_MAX_EVENTS];
    keep(L, o, gesture_up(g, id, x, y, t, o));
}
static void tick(gesture *g, evlog *L, uint64_t t)
{
    gesture_event o[GESTURE_MAX_EVENTS];
    keep(L, o, gesture_tick(g, t, o));
}
static int count(const evlog *L, gesture_type type)
{
    int c = 0;
    for (int i = 0; i < L->n; i++) c += L->ev[i].type == type;
    return c;
}
static const gesture_event *find(const evlog *L, gesture_type type)
{
    for (int i = 0; i < L->n; i++)
        if (L->ev[i].type == type) return &L->ev[i];
    return NULL;
}

/* A straight stroke from (x0,y0) to (x1,y1): down at t0, a motion (and a
 * tick) every 10 ms, up at t0+ms. */
static void stroke(gesture *g, evlog *L, int64_t id, float x0, float y0, float x1, float y1,
                   uint64_t t0, unsigned ms)
{
    down(g, L, id, x0, y0, t0);
    for (unsigned t = 10; t < ms; t += 10) {
        float f = (float)t / (float)ms;
        tick(g, L, t0 + t);
        move(g, L, id, x0 + (x1 - x0) * f, y0 + (y1 - y0) * f, t0 + t);
    }
    move(g, L, id, x1, y1, t0 + ms);
    up(g, L, id, x1, y1, t0 + ms);
}

TEST(tap_is_one_event_where_the_finger_went_down)
{
    gesture g;
    evlog L = {0};
    gesture_init(&g, W_MM, H_MM);
    down(&g, &L, 7, 0.8f, 0.5f, 1000);
    CHECK(gesture_busy(&g));
    tick(&g, &L, 1016);
    up(&g, &L, 7, 0.8f, 0.5f, 1100);
    CHECKF(L.n == 1 && L.ev[0].type == GESTURE_TAP, "n=%d", L.n);
    CHECK(L.ev[0].x == 0.8f && L.ev[0].y == 0.5f && L.ev[0].t == 1100);
    CHECK(!gesture_busy(&g));
    /* no double-tap: a second quick tap is just another tap */
    down(&g, &L, 7, 0.8f, 0.5f, 1150);
    up(&g, &L, 7, 0.8f, 0.5f, 1200);
    CHECK(L.n == 2 && count(&L, GESTURE_TAP) == 2);
}

TEST(tap_zones)
{
    CHECK(gesture_tap_zone(0.10f, 0.5f, 0) == GESTURE_ZONE_BACK);
    CHECK(gesture_tap_zone(0.32f, 0.5f, 0) == GESTURE_ZONE_BACK);
    CHECK(gesture_tap_zone(0.34f, 0.5f, 0) == GESTURE_ZONE_FORWARD);
    CHECK(gesture_tap_zone(0.99f, 0.9f, 0.1f) == GESTURE_ZONE_FORWARD);
    CHECK(gesture_tap_zone(0.10f, 0.05f, 0.1f) == GESTURE_ZONE_MENU);
    CHECK(gesture_tap_zone(0.90f, 0.05f, 0.1f) == GESTURE_ZONE_MENU);
    CHECK(gesture_tap_zone(-5.0f, 0.5f, 0) == GESTURE_ZONE_BACK);
    CHECK(gesture_tap_zone(5.0f, 0.5f, 0) == GESTURE_ZONE_FORWARD);
}

TEST(swipes_in_four_directions)
{
    static const struct { float x0, y0, x1, y1; gesture_type want; } s[] = {
        {0.8f, 0.5f, 0.2f, 0.5f, GESTURE_SWIPE_LEFT},
        {0.2f, 0.5f, 0.8f, 0.5f, GESTURE_SWIPE_RIGHT},
        {0.5f, 0.8f, 0.5f, 0.2f, GESTURE_SWIPE_UP},
        {0.5f, 0.2f, 0.5f, 0.8f, GESTURE_SWIPE_DOWN},
    };
    for (size_t i = 0; i < sizeof s / sizeof s[0]; i++) {
        gesture g;
        evlog L = {0};
        gesture_init(&g, W_MM, H_MM);
        stroke(&g, &L, 1, s[i].x0, s[i].y0, s[i].x1, s[i].y1, 5000, 150);
        CHECKF(L.n >= 3 && L.ev[0].type == GESTURE_DRAG_START, "swipe %zu", i);
        CHECKF(L.ev[L.n - 2].type == GESTURE_DRAG_END && L.ev[L.n - 2].complete, "swipe %zu", i);
        CHECKF(L.ev[L.n - 1].type == s[i].want, "swipe %zu: got %d", i, (int)L.ev[L.n - 1].type);
        CHECKF(count(&L, GESTURE_TAP) == 0 && count(&L, GESTURE_LONG_PRESS) == 0, "swipe %zu", i);
        const gesture_event *e = &L.ev[L.n - 1];
        CHECKF(e->x == s[i].x0 && e->y == s[i].y0, "swipe %zu starts where the finger went down", i);
        CHECKF(fabsf(e->tx - (s[i].x1 - s[i].x0)) < 1e-5f && fabsf(e->ty - (s[i].y1 - s[i].y0)) < 1e-5f,
               "swipe %zu travel", i);
        /* 0.6 of the panel in 150 ms: 4 panels/s, in the right direction */
        float v = s[i].want <= GESTURE_SWIPE_RIGHT ? e->vx : e->vy;
        float d = s[i].want <= GESTURE_SWIPE_RIGHT ? s[i].x1 - s[i].x0 : s[i].y1 - s[i].y0;
        CHECKF(v * d > 0 && fabsf(fabsf(v) - 4.0f) < 0.2f, "swipe %zu v=%f", i, v);
    }
}

TEST(long_press_fires_from_tick)
{
    gesture g;
    evlog L = {0};
    gesture_init(&g, W_MM, H_MM);
    down(&g, &L, 3, 0.3f, 0.6f, 10000);
    for (uint64_t t = 10016; t < 10000 + GESTURE_HOLD_MS; t += 16) tick(&g, &L, t);
    CHECKF(L.n == 0, "nothing before the hold time, n=%d", L.n);
    tick(&g, &L, 10000 + GESTURE_HOLD_MS);
    CHECKF(L.n == 1 && L.ev[0].type == GESTURE_LONG_PRESS, "n=%d", L.n);
    CHECK(L.ev[0].x == 0.3f && L.ev[0].y == 0.6f);
    /* held on (ticks keep coming), moved, released: nothing more */
    for (uint64_t t = 10520; t < 12000; t += 16) tick(&g, &L, t);
    move(&g, &L, 3, 0.9f, 0.9f, 12000);
    up(&g, &L, 3, 0.9f, 0.9f, 12010);
    CHECKF(L.n == 1, "n=%d", L.n);
    CHECK(!gesture_busy(&g));
}

TEST(long_press_without_ticks_is_noticed_by_the_next_event)
{
    /* Every input advances the clock, so a late up still sees the hold. */
    gesture g;
    evlog L = {0};
    gesture_init(&g, W_MM, H_MM);
    down(&g, &L, 3, 0.5f, 0.5f, 0);
    up(&g, &L, 3, 0.5f, 0.5f, 800);
    CHECKF(L.n == 1 && L.ev[0].type == GESTURE_LONG_PRESS, "n=%d", L.n);
    CHECK(count(&L, GESTURE_TAP) == 0);
}

TEST(library_drag_deltas_add_up_to_the_travel)
{
    gesture g;
    evlog L = {0};
    gesture_init(&g, W_MM, H_MM);
    /* an uneven path with a reversal and irregular timing */
    static const float ys[] = {0.70f, 0.69f, 0.66f, 0.60f, 0.52f, 0.47f, 0.50f, 0.41f, 0.30f, 0.33f, 0.25f};
    uint64_t t = 200;
    down(&g, &L, 9, 0.4f, 0.75f, t);
    for (size_t i = 0; i < sizeof ys / sizeof ys[0]; i++) {
        t += 7 + 5 * (i % 4);
        tick(&g, &L, t);
        move(&g, &L, 9, 0.4f + 0.001f * (float)i, ys[i], t);
    }
    up(&g, &L, 9, 0.41f, 0.24f, t + 12);
    const gesture_event *s = find(&L, GESTURE_DRAG_START);
    const gesture_event *e = find(&L, GESTURE_DRAG_END);
    CHECK(s && e && s < e && L.ev[0].type == GESTURE_DRAG_START);
    double sx = 0, sy = 0;
    for (int i = 0; i < L.n; i++) {
        gesture_type ty = L.ev[i].type;
        if (ty == GESTURE_DRAG_START || ty == GESTURE_DRAG_MOVE || ty == GESTURE_DRAG_END) {
            sx += L.ev[i].dx;
            sy += L.ev[i].dy;
            CHECKF(fabs(sx - L.ev[i].tx) < 1e-5 && fabs(sy - L.ev[i].ty) < 1e-5, "event %d", i);
        }
    }
    CHECKF(fabs(sx - (0.41 - 0.4)) < 1e-5 && fabs(sy - (0.24 - 0.75)) < 1e-5, "sum %f %f", sx, sy);
    CHECK(e && e->vy < 0); /* moving up at release: inertia continues upward */
    CHECK(count(&L, GESTURE_TAP) == 0 && count(&L, GESTURE_LONG_PRESS) == 0);
}

TEST(slow_short_drag_springs_back)
{
    gesture g;
    evlog L = {0};
    gesture_init(&g, W_MM, H_MM);
    /* 20 mm to the left over 1 s, then still for 100 ms before lifting */
    float dx = 20.0f / W_MM;
    down(&g, &L, 1, 0.6f, 0.5f, 0);
    for (unsigned t = 10; t <= 1000; t += 10) {
        tick(&g, &L, t);
        move(&g, &L, 1, 0.6f - dx * (float)t / 1000.0f, 0.5f, t);
    }
    tick(&g, &L, 1050);
    up(&g, &L, 1, 0.6f - dx, 0.5f, 1100);
    const gesture_event *e = find(&L, GESTURE_DRAG_END);
    CHECK(e && !e->complete && e->vx == 0.0f && e->vy == 0.0f);
    CHECK(count(&L, GESTURE_SWIPE_LEFT) == 0);
    /* the same 20 mm as a quick flick completes */
    L.n = 0;
    stroke(&g, &L, 1, 0.6f, 0.5f, 0.6f - dx, 0.5f, 5000, 60);
    e = find(&L, GESTURE_DRAG_END);
    CHECK(e && e->complete && count(&L, GESTURE_SWIPE_LEFT) == 1);
    /* a long slow drag past a third of the panel completes without a flick */
    L.n = 0;
    down(&g, &L, 1, 0.9f, 0.5f, 9000);
    for (unsigned t = 10; t <= 2000; t += 10) {
        tick(&g, &L, 9000 + t);
        move(&g, &L, 1, 0.9f - 0.4f * (float)t / 2000.0f, 0.5f, 9000 + t);
    }
    tick(&g, &L, 11100);
    up(&g, &L, 1, 0.5f, 0.5f, 11100);
    e = find(&L, GESTURE_DRAG_END);
    CHECK(e && e->complete && e->vx == 0.0f && count(&L, GESTURE_SWIPE_LEFT) == 1);
}

TEST(flick_back_cancels_a_long_drag)
{
    gesture g;
    evlog L = {0};
    gesture_init(&g, W_MM, H_MM);
    down(&g, &L, 1, 0.2f, 0.5f, 0);
    for (unsigned t = 10; t <= 500; t += 10) {
        tick(&g, &L, t);
        move(&g, &L, 1, 0.2f + 0.5f * (float)t / 500.0f, 0.5f, t);
    }
    /* then flicked back by 0.15 (23 mm) in 40 ms */
    move(&g, &L, 1, 0.66f, 0.5f, 510);
    move(&g, &L, 1, 0.62f, 0.5f, 520);
    move(&g, &L, 1, 0.58f, 0.5f, 530);
    up(&g, &L, 1, 0.55f, 0.5f, 540);
    const gesture_event *e = find(&L, GESTURE_DRAG_END);
    CHECK(e && !e->complete && e->vx < 0 && e->tx > 0.3f);
    CHECK(count(&L, GESTURE_SWIPE_RIGHT) == 0 && count(&L, GESTURE_SWIPE_LEFT) == 0);
}

TEST(second_finger_cancels_and_all_are_ignored_until_up)
{
    gesture g;
    evlog L = {0};
    gesture_init(&g, W_MM, H_MM);
    down(&g, &L, 1, 0.5f, 0.5f, 0);
    down(&g, &L, 2, 0.6f, 0.5f, 40);
    CHECKF(L.n == 1 && L.ev[0].type == GESTURE_CANCEL, "n=%d", L.n);
    move(&g, &L, 1, 0.1f, 0.5f, 60);
    move(&g, &L, 2, 0.9f, 0.5f, 60);
    up(&g, &L, 1, 0.1f, 0.5f, 80);
    down(&g, &L, 3, 0.5f, 0.5f, 90); /* a third while the second is still down */
    for (uint64_t t = 100; t < 1500; t += 16) tick(&g, &L, t);
    up(&g, &L, 3, 0.5f, 0.5f, 1500);
    CHECK(gesture_busy(&g));
    up(&g, &L, 2, 0.9f, 0.5f, 1510);
    CHECKF(L.n == 1, "nothing after the cancel, n=%d", L.n);
    CHECK(!gesture_busy(&g));
    /* and the next touch is a fresh one */
    down(&g, &L, 4, 0.2f, 0.2f, 1600);
    up(&g, &L, 4, 0.2f, 0.2f, 1650);
    CHECK(L.n == 2 && L.ev[1].type == GESTURE_TAP);

    /* a second finger during a drag: CANCEL, no DRAG_END or swipe */
    L.n = 0;
    down(&g, &L, 1, 0.8f, 0.5f, 2000);
    move(&g, &L, 1, 0.6f, 0.5f, 2020);
    down(&g, &L, 2, 0.5f, 0.5f, 2030);
    move(&g, &L, 1, 0.1f, 0.5f, 2040);
    up(&g, &L, 1, 0.1f, 0.5f, 2050);
    up(&g, &L, 2, 0.5f, 0.5f, 2060);
    CHECK(L.n == 2 && L.ev[0].type == GESTURE_DRAG_START && L.ev[1].type == GESTURE_CANCEL);
    /* a second finger after a long press: no cancel (nothing in progress) */
    L.n = 0;
    down(&g, &L, 1, 0.5f, 0.5f, 3000);
    tick(&g, &L, 3600);
    down(&g, &L, 2, 0.5f, 0.6f, 3610);
    up(&g, &L, 2, 0.5f, 0.6f, 3620);
    up(&g, &L, 1, 0.5f, 0.5f, 3630);
    CHECK(L.n == 1 && L.ev[0].type == GESTURE_LONG_PRESS && !gesture_busy(&g));
}

TEST(jitter_under_the_slop_is_a_tap)
{
    gesture g;
    evlog L = {0};
    gesture_init(&g, W_MM, H_MM);
    float r = (GESTURE_SLOP_MM - 0.5f) / W_MM; /* just inside, horizontally */
    float ry = (GESTURE_SLOP_MM - 0.5f) / H_MM;
    down(&g, &L, 1, 0.5f, 0.5f, 0);
    move(&g, &L, 1, 0.5f + r, 0.5f, 20);
    move(&g, &L, 1, 0.5f - r, 0.5f, 40);
    move(&g, &L, 1, 0.5f, 0.5f + ry, 60);
    move(&g, &L, 1, 0.5f, 0.5f - ry, 80);
    up(&g, &L, 1, 0.5f + r * 0.5f, 0.5f, 100);
    CHECKF(L.n == 1 && L.ev[0].type == GESTURE_TAP, "n=%d", L.n);
    CHECK(L.ev[0].x == 0.5f && L.ev[0].y == 0.5f);

    /* just past the slop: a drag, not a tap */
    L.n = 0;
    float over = (GESTURE_SLOP_MM + 0.5f) / W_MM;
    down(&g, &L, 1, 0.5f, 0.5f, 1000);
    move(&g, &L, 1, 0.5f + over, 0.5f, 1020);
    up(&g, &L, 1, 0.5f + over, 0.5f, 1040);
    CHECK(count(&L, GESTURE_TAP) == 0 && count(&L, GESTURE_DRAG_START) == 1);
    CHECK(count(&L, GESTURE_DRAG_END) == 1);

    /* the threshold is physical: the same normalised jitter is a tap on
     * the 7" panel and a drag on a panel three times as wide */
    float j = 4.0f / W_MM;
    L.n = 0;
    down(&g, &L, 1, 0.5f, 0.5f, 2000);
    move(&g, &L, 1, 0.5f + j, 0.5f, 2020);
    up(&g, &L, 1, 0.5f + j, 0.5f, 2040);
    CHECK(L.n == 1 && L.ev[0].type == GESTURE_TAP);
    gesture big;
    gesture_init(&big, 3 * W_MM, 3 * H_MM);
    L.n = 0;
    down(&big, &L, 1, 0.5f, 0.5f, 2000);
    move(&big, &L, 1, 0.5f + j, 0.5f, 2020);
    up(&big, &L, 1, 0.5f + j, 0.5f, 2040);
    CHECK(count(&L, GESTURE_TAP) == 0 && count(&L, GESTURE_DRAG_START) == 1);

    /* an up far away with no motion events in between is still a drag */
    L.n = 0;
    down(&g, &L, 1, 0.8f, 0.5f, 3000);
    up(&g, &L, 1, 0.2f, 0.5f, 3050);
    CHECK(L.n == 3 && L.ev[0].type == GESTURE_DRAG_START && L.ev[1].type == GESTURE_DRAG_END &&
          L.ev[2].type == GESTURE_SWIPE_LEFT);
}

TEST(ten_minute_gap)
{
    const uint64_t GAP = 10u * 60u * 1000u;
    gesture g;
    evlog L = {0};
    gesture_init(&g, W_MM, H_MM);

    /* down, then an up 10 minutes later with no ticks: stale, cancelled,
     * neither a tap nor a long press */
    down(&g, &L, 1, 0.5f, 0.5f, 1000);
    up(&g, &L, 1, 0.5f, 0.5f, 1000 + GAP);
    CHECKF(L.n == 1 && L.ev[0].type == GESTURE_CANCEL, "n=%d", L.n);
    CHECK(!gesture_busy(&g));

    /* a tick 10 minutes after a down: the same */
    L.n = 0;
    down(&g, &L, 1, 0.5f, 0.5f, 2 * GAP);
    tick(&g, &L, 3 * GAP);
    up(&g, &L, 1, 0.5f, 0.5f, 3 * GAP + 10);
    CHECK(L.n == 1 && L.ev[0].type == GESTURE_CANCEL);

    /* a drag whose end arrives 10 minutes later: no DRAG_END, no swipe, no
     * velocity computed across the gap; later motion of that finger ignored */
    L.n = 0;
    uint64_t t0 = 4 * GAP;
    down(&g, &L, 1, 0.8f, 0.5f, t0);
    move(&g, &L, 1, 0.7f, 0.5f, t0 + 20);
    move(&g, &L, 1, 0.6f, 0.5f, t0 + GAP);
    move(&g, &L, 1, 0.5f, 0.5f, t0 + GAP + 10);
    up(&g, &L, 1, 0.1f, 0.5f, t0 + GAP + 20);
    CHECK(L.n == 2 && L.ev[0].type == GESTURE_DRAG_START && L.ev[1].type == GESTURE_CANCEL);

    /* a finger resting for 10 minutes while the caller ticks: one long
     * press and nothing else */
    L.n = 0;
    t0 = 6 * GAP;
    down(&g, &L, 1, 0.5f, 0.5f, t0);
    for (uint64_t t = t0; t <= t0 + GAP; t += 50) tick(&g, &L, t);
    up(&g, &L, 1, 0.5f, 0.5f, t0 + GAP + 10);
    CHECK(L.n == 1 && L.ev[0].type == GESTURE_LONG_PRESS);

    /* 10 minutes with no finger down is no gap at all */
    L.n = 0;
    down(&g, &L, 1, 0.5f, 0.5f, 8 * GAP);
    up(&g, &L, 1, 0.5f, 0.5f, 8 * GAP + 60);
    CHECK(L.n == 1 && L.ev[0].type == GESTURE_TAP);

    /* a clock that goes backwards (e.g. SDL's 32-bit ms wrapping) */
    L.n = 0;
    down(&g, &L, 1, 0.5f, 0.5f, 0xFFFFFFF0u);
    up(&g, &L, 1, 0.5f, 0.5f, 0x10u);
    CHECK(L.n == 1 && L.ev[0].type == GESTURE_CANCEL);
    L.n = 0;
    down(&g, &L, 1, 0.5f, 0.5f, 0x20u);
    up(&g, &L, 1, 0.5f, 0.5f, 0x60u);
    CHECK(L.n == 1 && L.ev[0].type == GESTURE_TAP);

    /* the fingers of a stale multi-touch are forgotten too */
    L.n = 0;
    down(&g, &L, 1, 0.5f, 0.5f, 1000);
    down(&g, &L, 2, 0.6f, 0.5f, 1010);
    down(&g, &L, 3, 0.3f, 0.3f, 1010 + GAP);
    up(&g, &L, 3, 0.3f, 0.3f, 1010 + GAP + 50);
    CHECK(L.n == 2 && L.ev[0].type == GESTURE_CANCEL && L.ev[1].type == GESTURE_TAP);
}

TEST(lost_up_then_same_finger_down)
{
    gesture g;
    evlog L = {0};
    gesture_init(&g, W_MM, H_MM);
    down(&g, &L, 5, 0.5f, 0.5f, 0);
    down(&g, &L, 5, 0.7f, 0.5f, 100);
    up(&g, &L, 5, 0.7f, 0.5f, 150);
    CHECK(L.n == 2 && L.ev[0].type == GESTURE_CANCEL && L.ev[1].type == GESTURE_TAP);
    CHECK(L.ev[1].x == 0.7f);
    /* an up for a finger never seen is ignored */
    L.n = 0;
    up(&g, &L, 99, 0.5f, 0.5f, 200);
    move(&g, &L, 99, 0.5f, 0.5f, 210);
    CHECK(L.n == 0 && !gesture_busy(&g));
}

TEST(coordinates_outside_0_1_are_clamped)
{
    gesture g;
    evlog L = {0};
    gesture_init(&g, W_MM, H_MM);
    down(&g, &L, 1, -0.2f, 1.5f, 0);
    up(&g, &L, 1, -0.3f, 1.7f, 50);
    CHECK(L.n == 1 && L.ev[0].type == GESTURE_TAP && L.ev[0].x == 0.0f && L.ev[0].y == 1.0f);

    L.n = 0;
    down(&g, &L, 1, NAN, INFINITY, 100);
    up(&g, &L, 1, NAN, INFINITY, 150);
    CHECK(L.n == 1 && L.ev[0].type == GESTURE_TAP && L.ev[0].x == 0.0f && L.ev[0].y == 1.0f);

    /* a drag off the right edge: travel stops at the edge */
    L.n = 0;
    stroke(&g, &L, 1, 0.6f, 0.5f, 1.6f, 0.5f, 1000, 100);
    const gesture_event *e = find(&L, GESTURE_DRAG_END);
    CHECK(e && fabsf(e->tx - 0.4f) < 1e-5f && e->x == 1.0f);
    for (int i = 0; i < L.n; i++)
        CHECKF(L.ev[i].x >= 0 && L.ev[i].x <= 1 && L.ev[i].y >= 0 && L.ev[i].y <= 1 &&
               isfinite(L.ev[i].vx) && isfinite(L.ev[i].vy), "event %d", i);
}

TEST(velocity_is_bounded_whatever_the_timestamps)
{
    gesture g;
    evlog L = {0};
    gesture_init(&g, W_MM, H_MM);
    /* the whole panel in 1 ms */
    down(&g, &L, 1, 0.0f, 0.5f, 100);
    move(&g, &L, 1, 1.0f, 0.5f, 101);
    up(&g, &L, 1, 1.0f, 0.5f, 101);
    const gesture_event *e = find(&L, GESTURE_DRAG_END);
    CHECK(e && e->complete);
    CHECKF(e && fabsf(e->vx * W_MM) <= GESTURE_MAX_SPEED_MM_S * 1.001f, "vx=%f", e ? e->vx : 0);
    /* all in the same millisecond: no division by zero, distance decides */
    L.n = 0;
    down(&g, &L, 1, 0.9f, 0.5f, 200);
    move(&g, &L, 1, 0.1f, 0.5f, 200);
    up(&g, &L, 1, 0.1f, 0.5f, 200);
    e = find(&L, GESTURE_DRAG_END);
    CHECK(e && e->vx == 0.0f && e->complete && count(&L, GESTURE_SWIPE_LEFT) == 1);
}

TEST(bad_panel_size_falls_back)
{
    gesture g;
    evlog L = {0};
    gesture_init(&g, 0.0f, NAN);
    float j = 4.0f / W_MM;
    down(&g, &L, 1, 0.5f, 0.5f, 0);
    move(&g, &L, 1, 0.5f + j, 0.5f, 20);
    up(&g, &L, 1, 0.5f + j, 0.5f, 40);
    CHECK(L.n == 1 && L.ev[0].type == GESTURE_TAP);
}

TEST(reset_forgets_the_touch)
{
    gesture g;
    evlog L = {0};
    gesture_init(&g, W_MM, H_MM);
    down(&g, &L, 1, 0.5f, 0.5f, 0);
    gesture_reset(&g);
    tick(&g, &L, 1000);
    up(&g, &L, 1, 0.5f, 0.5f, 1010);
    CHECK(L.n == 0 && !gesture_busy(&g));
}

static double run_inertia(double pos, double vel, double lo, double hi, double dt, int *steps)
{
    gesture_inertia in;
    gesture_inertia_start(&in, pos, vel, lo, hi);
    double p = in.pos, prev = p;
    *steps = 0;
    while (gesture_inertia_active(&in) && *steps < 100000) {
        p = gesture_inertia_step(&in, dt);
        CHECKF(p >= lo && p <= hi, "p=%f", p);
        CHECKF(vel > 0 ? p >= prev : p <= prev, "monotonic: %f then %f", prev, p);
        prev = p;
        ++*steps;
    }
    return p;
}

TEST(inertia_decays_to_a_stop)
{
    int n16, n33, n1;
    double v = 1500.0; /* px/s */
    double p16 = run_inertia(0, v, -1e9, 1e9, 16, &n16);
    double p33 = run_inertia(0, v, -1e9, 1e9, 33.3, &n33);
    double p1 = run_inertia(0, v, -1e9, 1e9, 1, &n1);
    double total = v * GESTURE_INERTIA_TAU_MS / 1000.0; /* the integral of v0 e^(-t/tau) */
    double slack = GESTURE_INERTIA_STOP * GESTURE_INERTIA_TAU_MS / 1000.0 + 1e-9;
    CHECKF(n16 > 10 && n16 < 1000, "n16=%d", n16);
    CHECKF(fabs(p16 - total) <= slack && fabs(p33 - total) <= slack && fabs(p1 - total) <= slack,
           "%f %f %f vs %f", p16, p33, p1, total);
    /* backwards too */
    int n;
    double pb = run_inertia(0, -v, -1e9, 1e9, 16, &n);
    CHECK(fabs(pb + total) <= slack);
    /* one huge step (the 10-minute gap) lands where it would have ended */
    gesture_inertia in;
    gesture_inertia_start(&in, 0, v, -1e9, 1e9);
    double p = gesture_inertia_step(&in, 600000.0);
    CHECK(fabs(p - total) < 1e-6 && !gesture_inertia_active(&in));
    /* non-positive or NaN dt changes nothing */
    gesture_inertia_start(&in, 5, v, 0, 1000);
    CHECK(gesture_inertia_step(&in, 0) == 5 && gesture_inertia_step(&in, -3) == 5 &&
          gesture_inertia_step(&in, NAN) == 5 && gesture_inertia_active(&in));
    gesture_inertia_stop(&in);
    CHECK(!gesture_inertia_active(&in) && gesture_inertia_step(&in, 16) == 5);
    /* too slow to start */
    gesture_inertia_start(&in, 5, GESTURE_INERTIA_STOP / 2, 0, 1000);
    CHECK(!gesture_inertia_active(&in));
    /* non-finite input starts nothing */
    gesture_inertia_start(&in, 5, INFINITY, 0, 1000);
    CHECK(!gesture_inertia_active(&in) && isfinite(gesture_inertia_step(&in, 16)));
}

TEST(inertia_respects_bounds)
{
    int n;
    double p = run_inertia(900, 1500, 0, 1000, 16, &n);
    CHECKF(p == 1000, "p=%f", p);
    p = run_inertia(100, -1500, 0, 1000, 16, &n);
    CHECKF(p == 0, "p=%f", p);
    gesture_inertia in;
    gesture_inertia_start(&in, 5000, -100, 0, 1000); /* starts outside: clamped */
    CHECK(in.pos == 1000 && gesture_inertia_active(&in));
    gesture_inertia_start(&in, 1000, 500, 0, 1000); /* already at the bound, pushing on */
    CHECK(!gesture_inertia_active(&in) && gesture_inertia_step(&in, 16) == 1000);
    gesture_inertia_start(&in, 50, 500, 100, 0); /* hi below lo: pinned to lo */
    CHECK(in.pos == 100 && gesture_inertia_step(&in, 16) == 100);
}

/* A deterministic random walk over every entry point: invariants only. */
TEST(random_events_keep_invariants)
{
    gesture g;
    gesture_init(&g, W_MM, H_MM);
    uint32_t r = 12345;
    uint64_t t = 0;
    int taps = 0, cancels = 0, longs = 0, ends = 0;
    for (int i = 0; i < 200000; i++) {
        r = r * 1664525u + 1013904223u;
        gesture_event o[GESTURE_MAX_EVENTS];
        int k;
        float x = (float)((r >> 8) & 0x3FF) / 900.0f - 0.05f, y = (float)((r >> 18) & 0x3FF) / 900.0f - 0.05f;
        int64_t id = (r >> 28) & 3;
        switch ((r >> 20) & 7) {
        case 0: t += 600; break;                               /* past the hold time */
        case 1: t += r % 61 == 0 ? 700000 : 5000; break;     /* stale */
        case 2: t += 5; break;
        default: t += (r >> 4) % 40; break;
        }
        switch ((r >> 12) % 5) {
        case 0: k = gesture_down(&g, id, x, y, t, o); break;
        case 1: k = gesture_up(&g, id, x, y, t, o); break;
        case 2: k = gesture_tick(&g, t, o); break;
        default: k = gesture_motion(&g, id, x, y, t, o); break;
        }
        if (k < 0 || k > GESTURE_MAX_EVENTS) { CHECKF(0, "k=%d at %d", k, i); break; }
        for (int j = 0; j < k; j++) {
            CHECKF(o[j].type > GESTURE_NONE && o[j].type <= GESTURE_CANCEL, "type %d", (int)o[j].type);
            CHECKF(o[j].x >= 0 && o[j].x <= 1 && o[j].y >= 0 && o[j].y <= 1, "at %d", i);
            CHECKF(isfinite(o[j].vx) && isfinite(o[j].vy) &&
                   hypotf(o[j].vx * W_MM, o[j].vy * H_MM) <= GESTURE_MAX_SPEED_MM_S * 1.001f, "at %d", i);
            taps += o[j].type == GESTURE_TAP;
            cancels += o[j].type == GESTURE_CANCEL;
            longs += o[j].type == GESTURE_LONG_PRESS;
            ends += o[j].type == GESTURE_DRAG_END;
        }
    }
    CHECKF(taps && cancels && longs && ends, "%d %d %d %d", taps, cancels, longs, ends);
}

int main(void)
{
    RUN(tap_is_one_event_where_the_finger_went_down);
    RUN(tap_zones);
    RUN(swipes_in_four_directions);
    RUN(long_press_fires_from_tick);
    RUN(long_press_without_ticks_is_noticed_by_the_next_event);
    RUN(library_drag_deltas_add_up_to_the_travel);
    RUN(slow_short_drag_springs_back);
    RUN(flick_back_cancels_a_long_drag);
    RUN(second_finger_cancels_and_all_are_ignored_until_up);
    RUN(jitter_under_the_slop_is_a_tap);
    RUN(ten_minute_gap);
    RUN(lost_up_then_same_finger_down);
    RUN(coordinates_outside_0_1_are_clamped);
    RUN(velocity_is_bounded_whatever_the_timestamps);
    RUN(bad_panel_size_falls_back);
    RUN(reset_forgets_the_touch);
    RUN(inertia_decays_to_a_stop);
    RUN(inertia_respects_bounds);
    RUN(random_events_keep_invariants);
    return T_END();
}

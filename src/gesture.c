/* gesture.c - see gesture.h for the rules and where the numbers come from. */
#include "gesture.h"

#include <math.h>
#include <string.h>

enum { G_IDLE, G_PENDING, G_DRAG, G_HELD, G_IGNORE };

void gesture_init(gesture *g, float width_mm, float height_mm)
{
    memset(g, 0, sizeof *g);
    /* A wrong size would make every threshold wrong; a 7" panel is the
     * product's reference, so fall back to it rather than to nonsense. */
    g->w_mm = (width_mm > 1.0f && width_mm < 10000.0f) ? width_mm : 154.0f;
    g->h_mm = (height_mm > 1.0f && height_mm < 10000.0f) ? height_mm : 86.0f;
    g->state = G_IDLE;
}

void gesture_reset(gesture *g)
{
    g->state = G_IDLE;
    g->nfingers = 0;
    g->nsamples = 0;
    g->sample_next = 0;
}

int gesture_busy(const gesture *g) { return g->state != G_IDLE; }

static float clamp01(float v)
{
    if (!(v >= 0.0f)) return 0.0f; /* also NaN */
    return v > 1.0f ? 1.0f : v;
}

static gesture_event *emit(gesture_event *out, int *n, gesture_type type, uint64_t t)
{
    /* Cannot overflow: the worst case (DRAG_START, DRAG_END, SWIPE) is 3. */
    gesture_event *e = &out[*n < GESTURE_MAX_EVENTS ? (*n)++ : GESTURE_MAX_EVENTS - 1];
    memset(e, 0, sizeof *e);
    e->type = type;
    e->t = t;
    return e;
}

static int finger_find(const gesture *g, int64_t id)
{
    for (int i = 0; i < g->nfingers; i++)
        if (g->fingers[i] == id) return i;
    return -1;
}

static void finger_add(gesture *g, int64_t id)
{
    /* Beyond GESTURE_MAX_FINGERS, fingers go untracked: their events are
     * ignored, which is what we want for them anyway. */
    if (g->nfingers < GESTURE_MAX_FINGERS) g->fingers[g->nfingers++] = id;
}

static void finger_remove(gesture *g, int i)
{
    g->fingers[i] = g->fingers[--g->nfingers];
}

static void sample_add(gesture *g, uint64_t t, float x, float y)
{
    g->samples[g->sample_next].t = t;
    g->samples[g->sample_next].x = x;
    g->samples[g->sample_next].y = y;
    g->sample_next = (g->sample_next + 1) % GESTURE_SAMPLES;
    if (g->nsamples < GESTURE_SAMPLES) g->nsamples++;
}

/* Release velocity in panel units per second, from the newest samples
 * within the window, stopping at any pause longer than GESTURE_STOPPED_MS
 * (after such a pause the finger was still, whatever came before). */
static void velocity(const gesture *g, float *vx, float *vy)
{
    *vx = *vy = 0.0f;
    if (g->nsamples < 2) return;
    int newest = (g->sample_next + GESTURE_SAMPLES - 1) % GESTURE_SAMPLES;
    int oldest = newest, later = newest;
    for (int k = 1; k < g->nsamples; k++) {
        int i = (newest + GESTURE_SAMPLES - k) % GESTURE_SAMPLES;
        if (g->samples[newest].t - g->samples[i].t > GESTURE_VELOCITY_WINDOW_MS) break;
        if (g->samples[later].t - g->samples[i].t > GESTURE_STOPPED_MS) break;
        oldest = later = i;
    }
    uint64_t dt = g->samples[newest].t - g->samples[oldest].t;
    if (dt == 0) return;
    float sx = (g->samples[newest].x - g->samples[oldest].x) * 1000.0f / (float)dt;
    float sy = (g->samples[newest].y - g->samples[oldest].y) * 1000.0f / (float)dt;
    float speed = hypotf(sx * g->w_mm, sy * g->h_mm);
    if (speed > GESTURE_MAX_SPEED_MM_S) {
        sx *= GESTURE_MAX_SPEED_MM_S / speed;
        sy *= GESTURE_MAX_SPEED_MM_S / speed;
    }
    *vx = sx;
    *vy = sy;
}

static int beyond_slop(const gesture *g, float x, float y)
{
    return hypotf((x - g->x0) * g->w_mm, (y - g->y0) * g->h_mm) > GESTURE_SLOP_MM;
}

/* Move the clock to t: cancel a stale touch, fire a due long press. */
static void advance(gesture *g, uint64_t t, gesture_event *out, int *n)
{
    if (g->state != G_IDLE && (t < g->t_last || t - g->t_last > GESTURE_STALE_MS)) {
        if (g->state == G_PENDING || g->state == G_DRAG) emit(out, n, GESTURE_CANCEL, t);
        gesture_reset(g);
    }
    g->t_last = t;
    if (g->state == G_PENDING && t - g->t_down >= GESTURE_HOLD_MS) {
        gesture_event *e = emit(out, n, GESTURE_LONG_PRESS, t);
        e->x = g->x0;
        e->y = g->y0;
        g->state = G_HELD;
    }
}

static void drag_event(gesture *g, gesture_type type, float x, float y, uint64_t t,
                       gesture_event *out, int *n)
{
    gesture_event *e = emit(out, n, type, t);
    e->x = x;
    e->y = y;
    e->dx = x - g->rx;
    e->dy = y - g->ry;
    e->tx = x - g->x0;
    e->ty = y - g->y0;
    g->rx = x;
    g->ry = y;
}

/* The finger lifted after moving: DRAG_END, and the SWIPE when it completes. */
static void release(gesture *g, float x, float y, uint64_t t, gesture_event *out, int *n)
{
    float vx, vy;
    velocity(g, &vx, &vy);
    float tx = x - g->x0, ty = y - g->y0;
    int horizontal = fabsf(tx * g->w_mm) >= fabsf(ty * g->h_mm);
    float t_ax = horizontal ? tx * g->w_mm : ty * g->h_mm;
    float v_ax = horizontal ? vx * g->w_mm : vy * g->h_mm;
    float extent = horizontal ? g->w_mm : g->h_mm;
    int complete;
    if (fabsf(v_ax) >= GESTURE_FLICK_MM_S)
        complete = t_ax != 0.0f && (v_ax > 0.0f) == (t_ax > 0.0f); /* a flick back cancels */
    else
        complete = fabsf(t_ax) >= extent * GESTURE_COMPLETE_FRACTION;

    drag_event(g, GESTURE_DRAG_END, x, y, t, out, n);
    out[*n - 1].vx = vx;
    out[*n - 1].vy = vy;
    out[*n - 1].complete = complete;
    if (!complete) return;
    gesture_type type = horizontal ? (t_ax < 0 ? GESTURE_SWIPE_LEFT : GESTURE_SWIPE_RIGHT)
                                   : (t_ax < 0 ? GESTURE_SWIPE_UP : GESTURE_SWIPE_DOWN);
    gesture_event *e = emit(out, n, type, t);
    e->x = g->x0;
    e->y = g->y0;
    e->tx = tx;
    e->ty = ty;
    e->vx = vx;
    e->vy = vy;
}

int gesture_down(gesture *g, int64_t finger, float x, float y, uint64_t t_ms,
                 gesture_event out[GESTURE_MAX_EVENTS])
{
    int n = 0;
    advance(g, t_ms, out, &n);
    x = clamp01(x);
    y = clamp01(y);
    if (finger_find(g, finger) >= 0) {
        /* Down again without an up: the up was lost. */
        if (g->state == G_PENDING || g->state == G_DRAG) emit(out, &n, GESTURE_CANCEL, t_ms);
        gesture_reset(g);
    }
    if (g->state == G_IDLE) {
        g->nfingers = 0;
        finger_add(g, finger);
        g->primary = finger;
        g->state = G_PENDING;
        g->t_down = t_ms;
        g->x0 = g->rx = x;
        g->y0 = g->ry = y;
        g->nsamples = g->sample_next = 0;
        sample_add(g, t_ms, x, y);
        return n;
    }
    finger_add(g, finger);
    if (g->state == G_PENDING || g->state == G_DRAG) emit(out, &n, GESTURE_CANCEL, t_ms);
    g->state = G_IGNORE;
    return n;
}

int gesture_motion(gesture *g, int64_t finger, float x, float y, uint64_t t_ms,
                   gesture_event out[GESTURE_MAX_EVENTS])
{
    int n = 0;
    advance(g, t_ms, out, &n);
    if ((g->state != G_PENDING && g->state != G_DRAG) || finger != g->primary) return n;
    x = clamp01(x);
    y = clamp01(y);
    sample_add(g, t_ms, x, y);
    if (g->state == G_PENDING) {
        if (!beyond_slop(g, x, y)) return n; /* jitter */
        g->state = G_DRAG;
        drag_event(g, GESTURE_DRAG_START, x, y, t_ms, out, &n);
    } else if (x != g->rx || y != g->ry) {
        drag_event(g, GESTURE_DRAG_MOVE, x, y, t_ms, out, &n);
    }
    return n;
}

int gesture_up(gesture *g, int64_t finger, float x, float y, uint64_t t_ms,
               gesture_event out[GESTURE_MAX_EVENTS])
{
    int n = 0;
    advance(g, t_ms, out, &n);
    int i = finger_find(g, finger);
    if (i < 0) return n; /* a finger we never saw, or forgot as stale */
    finger_remove(g, i);
    x = clamp01(x);
    y = clamp01(y);
    if (finger == g->primary && (g->state == G_PENDING || g->state == G_DRAG)) {
        if (g->state == G_PENDING && !beyond_slop(g, x, y)) {
            gesture_event *e = emit(out, &n, GESTURE_TAP, t_ms);
            e->x = g->x0;
            e->y = g->y0;
        } else {
            /* A drag, even if its motion events never arrived. */
            if (g->state == G_PENDING) drag_event(g, GESTURE_DRAG_START, x, y, t_ms, out, &n);
            sample_add(g, t_ms, x, y);
            release(g, x, y, t_ms, out, &n);
        }
        g->state = g->nfingers ? G_IGNORE : G_IDLE;
    } else if (g->nfingers == 0) {
        g->state = G_IDLE;
    }
    return n;
}

int gesture_tick(gesture *g, uint64_t t_ms, gesture_event out[GESTURE_MAX_EVENTS])
{
    int n = 0;
    advance(g, t_ms, out, &n);
    return n;
}

gesture_zone gesture_tap_zone(float x, float y, float top_band)
{
    x = clamp01(x);
    y = clamp01(y);
    if (y < top_band) return GESTURE_ZONE_MENU;
    return x < 1.0f / 3.0f ? GESTURE_ZONE_BACK : GESTURE_ZONE_FORWARD;
}

/* ---- inertia ----------------------------------------------------------- */

void gesture_inertia_start(gesture_inertia *in, double pos, double vel, double lo, double hi)
{
    memset(in, 0, sizeof *in);
    if (!isfinite(pos) || !isfinite(vel) || !isfinite(lo) || !isfinite(hi)) return;
    if (hi < lo) hi = lo;
    in->lo = lo;
    in->hi = hi;
    in->pos = pos < lo ? lo : pos > hi ? hi : pos;
    in->vel = vel;
    in->active = fabs(vel) >= GESTURE_INERTIA_STOP;
    if ((in->pos <= lo && vel < 0) || (in->pos >= hi && vel > 0)) in->active = 0;
    if (!in->active) in->vel = 0;
}

double gesture_inertia_step(gesture_inertia *in, double dt_ms)
{
    if (!in->active || !(dt_ms > 0)) return in->pos;
    /* v(t) = v0 e^(-t/tau), so the distance covered in dt is exactly
     * v0 tau (1 - e^(-dt/tau)): the same path at any frame rate, and a huge
     * dt just lands where the motion would have ended. */
    double decay = exp(-dt_ms / GESTURE_INERTIA_TAU_MS);
    in->pos += in->vel * (GESTURE_INERTIA_TAU_MS / 1000.0) * (1.0 - decay);
    in->vel *= decay;
    if (in->pos <= in->lo) { in->pos = in->lo; in->active = 0; }
    else if (in->pos >= in->hi) { in->pos = in->hi; in->active = 0; }
    else if (fabs(in->vel) < GESTURE_INERTIA_STOP) in->active = 0;
    if (!in->active) in->vel = 0;
    return in->pos;
}

int gesture_inertia_active(const gesture_inertia *in) { return in->active; }

void gesture_inertia_stop(gesture_inertia *in)
{
    in->active = 0;
    in->vel = 0;
}

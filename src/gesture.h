/* gesture.h - touch gestures: a plain C11 state machine, no SDL, no clock.
 *
 * The caller feeds finger events (SDL_FINGERDOWN/MOTION/UP, already mapped
 * through the display rotation) in normalised coordinates 0..1 with a
 * millisecond timestamp from a clock the caller owns, plus gesture_tick()
 * while a finger is down so that a long-press fires without motion. Each
 * call writes the gestures it recognised into out[] and returns how many.
 *
 * What comes out, for one finger:
 *   down .. up without leaving the slop, shorter than the hold time  -> TAP
 *   down .. still held (within the slop) for GESTURE_HOLD_MS         -> LONG_PRESS
 *   down .. moved past the slop -> DRAG_START, DRAG_MOVE..., DRAG_END
 *           and, when the release "completes" (dragged past a third of the
 *           panel, or flicked), a SWIPE_LEFT/RIGHT/UP/DOWN right after it.
 * A second finger cancels whatever was in progress (CANCEL) and every finger
 * is ignored until all of them are up. There is no double-tap: it would
 * delay every tap by the double-tap interval.
 *
 * Which events a screen uses: the reading screen draws the page following
 * the finger from DRAG_* (spring back on DRAG_END with complete == 0) and
 * turns the page on SWIPE_LEFT/RIGHT; the library scrolls by the DRAG_*
 * deltas and hands DRAG_END's velocity to gesture_inertia_*.
 *
 * Thresholds are physical (mm), so the machine is built with the panel's
 * size in mm, in the same orientation as the coordinates it is fed (swap
 * width and height for rotate = 90/270). Sources, and our own choices:
 *
 *   GESTURE_SLOP_MM 5.3   KOReader frontend/device/gesturedetector.lua:
 *                         PAN_THRESHOLD = scaleByDPI(35), and scaleByDPI(px)
 *                         = px * dpi / 167 (frontend/device/screen.lua), so
 *                         35 px at 167 dpi = 0.21 in = 5.3 mm. Jitter under
 *                         this is still a tap (KOReader compares per axis;
 *                         we use the distance, which is slightly stricter).
 *   GESTURE_HOLD_MS 500   KOReader HOLD_INTERVAL_MS = 500 (Android's
 *                         LONG_PRESS_TIMEOUT is also 500).
 *   KOReader's other values, not used: TAP_INTERVAL_MS = 0 (no bounce
 *   filter), DOUBLE_TAP_INTERVAL_MS = 300 (no double tap here: it is the
 *   delay we refuse), TWO_FINGER_TAP_DURATION_MS = 300 (two fingers only
 *   cancel), SWIPE_INTERVAL_MS = 900 (KOReader calls any pan released within
 *   900 ms a swipe; our page follows the finger, so release velocity and
 *   distance decide instead, as in Android's ViewPager).
 *   GESTURE_FLICK_MM_S 63.5  Android ViewPager MIN_FLING_VELOCITY = 400 dp/s
 *                         (dp = 1/160 in): a release this fast decides the
 *                         direction by itself.
 *   GESTURE_MAX_SPEED_MM_S 1270  Android ViewConfiguration
 *                         MAXIMUM_FLING_VELOCITY = 8000 dp/s: velocities are
 *                         clamped so timestamp jitter cannot fling to Mars.
 *   GESTURE_VELOCITY_WINDOW_MS 100, GESTURE_STOPPED_MS 40  Android
 *                         VelocityTracker: HORIZON = 100 ms of samples, and
 *                         ASSUME_POINTER_STOPPED_TIME = 40 ms: a pause that
 *                         long before lifting means the finger had stopped.
 *   GESTURE_COMPLETE_FRACTION 1/3  ours: a page dragged a third of the way
 *                         across is taken, as ViewPager's half would be hard
 *                         to reach on a wide panel.
 *   GESTURE_STALE_MS 3000 ours: see "Gaps" below.
 *   GESTURE_INERTIA_TAU_MS 325  the time constant of exponential kinetic
 *                         scrolling (iOS-like; e.g. framer-motion's inertia
 *                         default timeConstant = 325).
 *
 * Gaps. Every call first advances the machine's clock to its timestamp, as
 * if gesture_tick() had been called then. While a finger is down, the caller
 * ticks every frame, so a gap of more than GESTURE_STALE_MS between two
 * inputs, or a timestamp that goes backwards (KOReader treats a negative
 * delta as infinite for the same reason; SDL's 32-bit ms wrap too), means
 * events were lost or the process was stopped: the touch is stale. It is
 * cancelled (CANCEL if it was pending or dragging), every finger is
 * forgotten, and later events of those fingers are ignored. So a down then
 * an up 10 minutes later with no ticks is neither a tap nor a long press,
 * and no velocity is ever computed across a gap. With ticks in between, the
 * same touch is a long press (fired by the tick at 500 ms). A lost up for a
 * finger that then goes down again cancels the old touch and starts anew.
 *
 * Coordinates outside 0..1 (touchscreens overshoot at the edges) are
 * clamped; NaN counts as 0. No allocation, no global state: a gesture is a
 * plain struct owned by the caller. */
#ifndef LECTERN_GESTURE_H
#define LECTERN_GESTURE_H

#include <stdint.h>

#define GESTURE_SLOP_MM 5.3f
#define GESTURE_HOLD_MS 500u
#define GESTURE_FLICK_MM_S 63.5f
#define GESTURE_MAX_SPEED_MM_S 1270.0f
#define GESTURE_VELOCITY_WINDOW_MS 100u
#define GESTURE_STOPPED_MS 40u
#define GESTURE_COMPLETE_FRACTION (1.0f / 3.0f)
#define GESTURE_STALE_MS 3000u
#define GESTURE_INERTIA_TAU_MS 325.0

/* out[] must hold this many events; no call produces more. */
#define GESTURE_MAX_EVENTS 4
#define GESTURE_MAX_FINGERS 10
#define GESTURE_SAMPLES 16

typedef enum gesture_type {
    GESTURE_NONE = 0,
    GESTURE_TAP,
    GESTURE_LONG_PRESS,
    GESTURE_DRAG_START,
    GESTURE_DRAG_MOVE,
    GESTURE_DRAG_END,
    GESTURE_SWIPE_LEFT,  /* the finger moved towards the left edge */
    GESTURE_SWIPE_RIGHT,
    GESTURE_SWIPE_UP,
    GESTURE_SWIPE_DOWN,
    GESTURE_CANCEL       /* undo any feedback for the touch in progress */
} gesture_type;

typedef struct gesture_event {
    gesture_type type;
    uint64_t t;       /* timestamp of the input that produced it */
    float x, y;       /* TAP, LONG_PRESS, SWIPE_*: where the finger went down;
                         DRAG_*: where it is now */
    float dx, dy;     /* DRAG_*: movement since the previous drag event; the
                         deltas of one drag add up to its travel (to float
                         rounding: use tx, ty to place things absolutely) */
    float tx, ty;     /* DRAG_*, SWIPE_*: travel since the finger went down */
    float vx, vy;     /* DRAG_END, SWIPE_*: release velocity, in panel
                         widths / heights per second */
    int complete;     /* DRAG_END: 1 = a SWIPE_* follows; 0 = spring back */
} gesture_event;

/* All fields are private; the struct is public only so it needs no malloc. */
typedef struct gesture {
    float w_mm, h_mm;
    int state;
    int64_t primary;
    int64_t fingers[GESTURE_MAX_FINGERS];
    int nfingers;
    uint64_t t_down, t_last;
    float x0, y0;   /* where the primary finger went down */
    float rx, ry;   /* last position reported in a drag event */
    struct { uint64_t t; float x, y; } samples[GESTURE_SAMPLES];
    int nsamples, sample_next;
} gesture;

/* Set up g for a panel of width_mm x height_mm (as fed: after rotation).
 * Sizes that are not positive, or absurd, fall back to a 7" 800x480 panel
 * (154 x 86 mm). */
void gesture_init(gesture *g, float width_mm, float height_mm);

/* Forget every finger and any gesture in progress, without events (e.g.
 * when the screen changes under the finger, or on the idle reset). */
void gesture_reset(gesture *g);

/* Feed one finger event. finger is the touch device's finger id (any value;
 * the mouse can use a fixed one). x, y are 0..1 (clamped). t_ms is the
 * caller's clock. Writes up to GESTURE_MAX_EVENTS events to out and returns
 * how many. */
int gesture_down(gesture *g, int64_t finger, float x, float y, uint64_t t_ms,
                 gesture_event out[GESTURE_MAX_EVENTS]);
int gesture_motion(gesture *g, int64_t finger, float x, float y, uint64_t t_ms,
                   gesture_event out[GESTURE_MAX_EVENTS]);
int gesture_up(gesture *g, int64_t finger, float x, float y, uint64_t t_ms,
               gesture_event out[GESTURE_MAX_EVENTS]);

/* Advance the clock with no finger event: fires LONG_PRESS when due, and
 * cancels a stale touch. Call it every frame while gesture_busy(g). */
int gesture_tick(gesture *g, uint64_t t_ms, gesture_event out[GESTURE_MAX_EVENTS]);

/* 1 while a finger is down (the caller must keep ticking), else 0. */
int gesture_busy(const gesture *g);

/* Where a tap lands on the reading screen: the top band (y < top_band;
 * pass 0 for none) opens the menu, the left third turns back, the right
 * two-thirds turn forward. */
typedef enum gesture_zone { GESTURE_ZONE_BACK, GESTURE_ZONE_FORWARD, GESTURE_ZONE_MENU } gesture_zone;
gesture_zone gesture_tap_zone(float x, float y, float top_band);

/* Inertial scrolling for the library list, after a drag is released.
 * Units are the caller's (pixels): position, bounds lo..hi, velocity in
 * units per second (e.g. DRAG_END's vy times the list height, negated when
 * the offset grows as the finger moves up). The velocity decays as
 * exp(-t / GESTURE_INERTIA_TAU_MS), integrated exactly, so the path does
 * not depend on the frame rate or on gaps between steps; it stops below
 * GESTURE_INERTIA_STOP units/s or at a bound. Plain struct, no allocation. */
#define GESTURE_INERTIA_STOP 2.0
typedef struct gesture_inertia {
    double pos, vel, lo, hi;
    int active;
} gesture_inertia;

/* Start from pos (clamped to lo..hi; hi below lo counts as lo) with vel.
 * A non-finite pos or vel starts nothing. */
void gesture_inertia_start(gesture_inertia *in, double pos, double vel, double lo, double hi);

/* Advance by dt_ms (negative or non-finite counts as 0) and return the new
 * position, always within lo..hi. */
double gesture_inertia_step(gesture_inertia *in, double dt_ms);

/* 1 while still moving. A new touch should gesture_inertia_stop() it. */
int gesture_inertia_active(const gesture_inertia *in);
void gesture_inertia_stop(gesture_inertia *in);

#endif

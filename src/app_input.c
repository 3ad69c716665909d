/* app_input.c - the one event handler, live or replayed: fingers, the mouse
 * as a finger, keys, window events. Touches are turned from the panel's
 * coordinates into the page's here, and only here (to_page); the gesture
 * machine and the screens work upright on the page. Taps, gestures and
 * keys become actions (action.h), applied by app_do; only the page that
 * follows a finger and a list being dragged are moved here directly. */
#include "app.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app_sleep.h"
#include "platform.h"
#include "render.h"
#include "screen.h"

#define MOUSE_FINGER (-1000) /* the gesture machine's finger id for the mouse */

static void input_seen(app *a)
{
    a->last_input = a->now;
    a->idle_done = 0;
    a->touched = 1;
}

static app_list *list_of(app *a)
{
    return a->screen == APP_LIBRARY ? &a->lib : a->screen == APP_CONTENTS ? &a->toc : a->screen == APP_ADMIN ? &a->adm : NULL;
}

static double list_max(app *a)
{
    return a->screen == APP_LIBRARY    ? screen_library_max(a)
           : a->screen == APP_CONTENTS ? screen_contents_max(a)
           : a->screen == APP_ADMIN    ? screen_admin_max(a)
                                       : 0;
}

/* ---- the admin gesture: long-presses in three corners in order ---------------------- */

static int admin(app *a, float x, float y)
{
    if (!a->o.kiosk) return 0;
    const float c = TUN_ADMIN_CORNER;
    int corner = x < c && y < c ? 0 : x > 1 - c && y < c ? 1 : x > 1 - c && y > 1 - c ? 2 : -1;
    if (a->admin_step && a->now - a->admin_t0 > TUN_ADMIN_MS) a->admin_step = 0;
    if (corner != a->admin_step) {
        a->admin_step = 0;
        if (corner != 0) return 0;
    }
    if (a->admin_step == 0) a->admin_t0 = a->now;
    if (++a->admin_step < 3) return 0;
    a->admin_step = 0;
    if (!a->rd) { /* no font at all: no admin screen to show, so out, as before it existed */
        fprintf(stderr, "lectern: admin gesture: no fonts for the admin screen; leaving the kiosk\n");
        app_do(a, action_make(ACT_QUIT_FORCE, 0));
        return 1;
    }
    app_do(a, action_make(ACT_ADMIN, 0));
    return 1;
}

/* ---- gestures, per screen ----------------------------------------------------------- */

static void reading_gesture(app *a, const gesture_event *ev)
{
    float w = (float)a->geom.w;
    size_t np = a->lr->npages;
    switch (ev->type) {
    case GESTURE_TAP:
        switch (gesture_tap_zone(ev->x, ev->y, (float)a->ui.top_band / (float)a->geom.h)) {
        case GESTURE_ZONE_MENU: app_do(a, action_make(ACT_MENU, 0)); break;
        case GESTURE_ZONE_BACK: app_do(a, action_make(ACT_TURN, -1)); break;
        default: app_do(a, action_make(ACT_TURN, 1)); break;
        }
        break;
    case GESTURE_LONG_PRESS: app_do(a, action_make(ACT_MENU, 0)); break;
    case GESTURE_DRAG_START:
        a->slide_base = app_slide_now(a);
        a->sliding = 0;
        a->dragging = 1;
        a->slide = a->slide_base;
        break;
    case GESTURE_DRAG_MOVE: {
        if (!a->dragging) break;
        /* The page follows the finger; past the first page there is
         * nothing to show, so it only gives a little. (Past the last page
         * lies the end of the essay.) */
        float d = ev->tx * w;
        if (d > 0 && a->page == 0) d *= 0.3f;
        a->slide = a->slide_base + d;
        a->dirty = 1;
        break;
    }
    case GESTURE_DRAG_END:
        if (a->dragging && !ev->complete) app_slide_to_rest(a, a->slide);
        break;
    case GESTURE_SWIPE_LEFT:
    case GESTURE_SWIPE_RIGHT: {
        if (!a->dragging) break;
        float from = a->slide;
        int fwd = ev->type == GESTURE_SWIPE_LEFT;
        if (fwd ? a->page + 1 < np : a->page > 0) {
            /* The turn happens now; the new page slides in from where the finger left it. */
            app_do(a, action_make(ACT_TURN, fwd ? 1 : -1));
            app_slide_to_rest(a, fwd ? from + w : from - w);
        } else if (fwd) {
            app_do(a, action_make(ACT_TURN, 1)); /* the end of the essay */
        } else {
            app_slide_to_rest(a, from);
        }
        break;
    }
    case GESTURE_SWIPE_UP:
    case GESTURE_SWIPE_DOWN:
        if (a->dragging) app_slide_to_rest(a, a->slide);
        break;
    case GESTURE_CANCEL:
        if (a->dragging) app_slide_to_rest(a, a->slide);
        break;
    default: break;
    }
}

static void list_gesture(app *a, const gesture_event *ev)
{
    app_list *l = list_of(a);
    float h = (float)a->geom.h;
    double max = list_max(a);
    switch (ev->type) {
    case GESTURE_TAP:
        if (a->touch_stopped_list) break; /* that touch stopped the list; it opens nothing */
        if (a->screen == APP_LIBRARY) app_do(a, screen_library_tap(a, ev->x * a->geom.w, ev->y * h));
        else if (a->screen == APP_ADMIN) app_do(a, screen_admin_tap(a, ev->x * a->geom.w, ev->y * h));
        else app_do(a, screen_contents_tap(a, ev->x * a->geom.w, ev->y * h));
        break;
    case GESTURE_DRAG_START:
        gesture_inertia_stop(&l->in);
        l->dragging = 1;
        l->base = l->scroll;
        break;
    case GESTURE_DRAG_MOVE:
        if (!l->dragging) break;
        l->scroll = l->base - (double)ev->ty * h;
        if (l->scroll > max) l->scroll = max;
        if (l->scroll < 0) l->scroll = 0;
        a->dirty = 1;
        break;
    case GESTURE_DRAG_END:
        if (!l->dragging) break;
        l->dragging = 0;
        /* the finger going up moves the list's content up: scroll grows */
        gesture_inertia_start(&l->in, l->scroll, -(double)ev->vy * h, 0, max);
        l->t = a->now;
        a->dirty = 1;
        break;
    case GESTURE_CANCEL: l->dragging = 0; break;
    default: break;
    }
}

void app_gesture_events(app *a, const gesture_event *ev, int n)
{
    for (int i = 0; i < n && !a->quit; i++) {
        const gesture_event *e = &ev[i];
        float px = e->x * a->geom.w, py = e->y * a->geom.h;
        if (e->type == GESTURE_LONG_PRESS && admin(a, e->x, e->y)) return;
        switch (a->screen) {
        case APP_READING: reading_gesture(a, e); break;
        case APP_LIBRARY:
        case APP_CONTENTS:
        case APP_ADMIN: list_gesture(a, e); break;
        case APP_ATTRACT: break; /* its touches never reach the gesture machine (finger) */
        case APP_MENU:
            if (e->type == GESTURE_TAP) app_do(a, screen_menu_tap(a, px, py));
            break;
        case APP_IMPORT:
            if (e->type == GESTURE_TAP) app_do(a, screen_import_tap(a, px, py));
            break;
        case APP_END:
            if (e->type == GESTURE_TAP) app_do(a, screen_end_tap(a, px, py));
            else if (e->type == GESTURE_SWIPE_RIGHT) app_do(a, action_make(ACT_LAST_PAGE, 0));
            else if (e->type == GESTURE_SWIPE_LEFT) app_do(a, action_make(ACT_NEXT_ESSAY, 0));
            break;
        default:
            if (e->type == GESTURE_TAP) app_do(a, screen_error_tap(a, px, py));
            else if (e->type == GESTURE_SWIPE_LEFT && a->error_kind == APP_ERR_ESSAY)
                app_do(a, action_make(ACT_NEXT_ESSAY, 0));
            break;
        }
    }
}

/* A finger event in the panel's coordinates. */
static void finger(app *a, Uint32 type, int64_t id, float px, float py)
{
    float x, y;
    platform_to_page(a->o.rotate, px, py, &x, &y); /* the one place touches are turned */
    gesture_event ev[GESTURE_MAX_EVENTS];
    int n = 0;
    input_seen(a);
    /* The attract screen: a touch there opens the library, and that whole
     * touch, down to up, goes nowhere else (not a tap on the card that
     * comes under the finger). */
    /* its first finger down again, or a down after a gap in which a touch
     * sends something (gesture.h, GESTURE_STALE_MS): an up was lost, and
     * this is a new touch */
    if (a->attract_swallow && type == SDL_FINGERDOWN &&
        (id == a->attract_finger || a->now - a->attract_swallow_t > GESTURE_STALE_MS))
        a->attract_swallow = 0;
    if (a->attract_swallow) {
        if (type == SDL_FINGERDOWN) a->attract_swallow++; /* another finger of it */
        else if (type == SDL_FINGERUP) a->attract_swallow--;
        a->attract_swallow_t = a->now;
        return;
    }
    if (type == SDL_FINGERDOWN && a->screen == APP_ATTRACT) {
        gesture_reset(&a->g);
        a->attract_swallow = 1;
        a->attract_finger = id;
        a->attract_swallow_t = a->now;
        app_do(a, screen_attract_tap(a, x * a->geom.w, y * a->geom.h));
        return;
    }
    if (type == SDL_FINGERDOWN) {
        /* a touch on a coasting list stops it, and only that */
        app_list *l = list_of(a);
        if (!gesture_busy(&a->g)) a->touch_stopped_list = 0;
        if (l && gesture_inertia_active(&l->in)) {
            gesture_inertia_stop(&l->in);
            a->touch_stopped_list = 1;
        }
        n = gesture_down(&a->g, id, x, y, a->now, ev);
    } else if (type == SDL_FINGERMOTION) {
        n = gesture_motion(&a->g, id, x, y, a->now, ev);
    } else {
        n = gesture_up(&a->g, id, x, y, a->now, ev);
    }
    if (n) app_gesture_events(a, ev, n);
}

/* ---- keys ----------------------------------------------------------------------------- */

/* A key on the current screen as an action: the same actions as touches. */
static action key_action(const app *a, SDL_Keycode k)
{
    int fwd = k == SDLK_RIGHT || k == SDLK_DOWN || k == SDLK_PAGEDOWN || k == SDLK_SPACE;
    int back = k == SDLK_LEFT || k == SDLK_UP || k == SDLK_PAGEUP || k == SDLK_BACKSPACE;
    /* the attract screen: any key but q (which ends a desktop reader) is the library */
    if (a->screen == APP_ATTRACT) return action_make(k == SDLK_q ? ACT_QUIT : ACT_LIBRARY, 0);
    /* the admin screen (staff, kiosk mode): Escape and the like close it, arrows scroll */
    if (a->screen == APP_ADMIN) {
        double row = screen_line_h((app *)a, LAYOUT_BODY), view = a->geom.h / 2.0;
        if (k == SDLK_ESCAPE || k == SDLK_BACKSPACE || k == SDLK_HOME || k == SDLK_m) return action_make(ACT_CLOSE, 0);
        if (k == SDLK_DOWN || k == SDLK_RIGHT) return action_scroll(row);
        if (k == SDLK_UP || k == SDLK_LEFT) return action_scroll(-row);
        if (k == SDLK_PAGEDOWN || k == SDLK_SPACE) return action_scroll(view);
        if (k == SDLK_PAGEUP) return action_scroll(-view);
        return ACTION_NONE;
    }
    /* the import screen: Return loads (or after a failure, OK), Escape cancels */
    if (a->screen == APP_IMPORT) {
        if (k == SDLK_RETURN)
            return action_make(a->imp_phase == APP_IMP_OFFER ? ACT_IMPORT_LOAD : ACT_IMPORT_CANCEL, 0);
        if (k == SDLK_ESCAPE || k == SDLK_BACKSPACE) return action_make(ACT_IMPORT_CANCEL, 0);
        return ACTION_NONE;
    }
    switch (k) {
    case SDLK_ESCAPE: return action_make(ACT_BACK, 0);
    case SDLK_q: return action_make(ACT_QUIT, 0);
    case SDLK_PLUS: case SDLK_EQUALS: case SDLK_KP_PLUS: return action_make(ACT_SIZE, 1);
    case SDLK_MINUS: case SDLK_KP_MINUS: return action_make(ACT_SIZE, -1);
    case SDLK_t: return action_make(ACT_THEME_NEXT, 0);
    default: break;
    }
    switch (a->screen) {
    case APP_READING:
        if (fwd) return action_make(ACT_TURN, 1);
        if (back) return action_make(ACT_TURN, -1);
        if (k == SDLK_HOME) return action_make(ACT_LIBRARY, 0);
        if (k == SDLK_END) return action_make(ACT_LAST_PAGE, 0);
        if (k == SDLK_m || k == SDLK_RETURN) return action_make(ACT_MENU, 0);
        break;
    case APP_MENU:
        if (k == SDLK_m || k == SDLK_RETURN || k == SDLK_BACKSPACE) return action_make(ACT_CLOSE, 0);
        if (k == SDLK_HOME) return action_make(ACT_LIBRARY, 0);
        break;
    case APP_LIBRARY:
    case APP_CONTENTS: {
        int lib = a->screen == APP_LIBRARY;
        double row = lib ? a->ui.card_pitch : a->ui.row_h, view = a->geom.h - a->ui.head_h;
        const app_list *l = lib ? &a->lib : &a->toc;
        if (k == SDLK_DOWN || k == SDLK_RIGHT) return action_scroll(row);
        if (k == SDLK_UP || k == SDLK_LEFT) return action_scroll(-row);
        if (k == SDLK_PAGEDOWN || k == SDLK_SPACE) return action_scroll(view);
        if (k == SDLK_PAGEUP) return action_scroll(-view);
        if (k == SDLK_HOME && lib) return action_scroll(-l->scroll);
        if (k == SDLK_END) return action_scroll(lib ? screen_library_max(a) : screen_contents_max(a));
        if (k == SDLK_RETURN && lib) return action_make(ACT_OPEN, (long)screen_library_first(a));
        if (k == SDLK_BACKSPACE || k == SDLK_HOME || k == SDLK_m) return action_make(ACT_CLOSE, 0);
        break;
    }
    case APP_END:
        if (fwd || k == SDLK_RETURN) return action_make(ACT_NEXT_ESSAY, 0);
        if (back) return action_make(ACT_LAST_PAGE, 0);
        if (k == SDLK_HOME) return action_make(ACT_LIBRARY, 0);
        break;
    default:
        if ((fwd || k == SDLK_RETURN) && a->error_kind == APP_ERR_ESSAY) return action_make(ACT_NEXT_ESSAY, 0);
        if (k == SDLK_HOME && a->error_kind == APP_ERR_ESSAY) return action_make(ACT_LIBRARY, 0);
        break;
    }
    return ACTION_NONE;
}

/* ---- the handler ------------------------------------------------------------------------ */

static void mouse_norm(const app *a, int x, int y, float *px, float *py)
{
    int w = a->panel_w, h = a->panel_h;
    if (a->win) SDL_GetWindowSize(a->win, &w, &h);
    *px = w > 0 ? (x + 0.5f) / (float)w : 0;
    *py = h > 0 ? (y + 0.5f) / (float)h : 0;
}

/* ---- absolute-mouse panels (evabs.h) ------------------------------------------------------ */

#define EVABS_FINGER 0x6576616273LL /* their finger id ("evabs"), apart from SDL's */

static void abs_report(void *ctx, int kind, float x, float y)
{
    app *a = ctx;
    SDL_Event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = kind == EVABS_DOWN ? SDL_FINGERDOWN : kind == EVABS_UP ? SDL_FINGERUP : SDL_FINGERMOTION;
    ev.tfinger.touchId = -2;
    ev.tfinger.fingerId = EVABS_FINGER;
    ev.tfinger.x = x;
    ev.tfinger.y = y;
    ev.tfinger.pressure = kind == EVABS_UP ? 0.0f : 1.0f;
    a->now = SDL_GetTicks64();
    app_event(a, &ev); /* as a touch: the sleep screen's first touch only wakes, and so on */
}

void app_input_poll(app *a)
{
    uint64_t now = SDL_GetTicks64();
    if (!a->abs_scanned) {
        const char *drv = SDL_GetCurrentVideoDriver(), *dir = getenv("LECTERN_EVDEV_DIR");
        a->abs_watch = (drv && !strcasecmp(drv, "kmsdrm")) || (dir && dir[0]); /* SDL says "KMSDRM" */
        a->abs_dir = dir && dir[0] ? dir : "/dev/input";
        evabs_init(&a->abs);
    }
    if (!a->abs_watch) {
        a->abs_scanned = now ? now : 1;
        return;
    }
    if (!a->abs_scanned || now - a->abs_scanned >= TUN_INPUT_SCAN_MS) {
        a->abs_scanned = now ? now : 1;
        char log[512];
        if (evabs_scan(&a->abs, a->abs_dir, log, sizeof log) > 0) fprintf(stderr, "lectern: touch: %s\n", log);
    }
    if (a->abs.n > 0) evabs_poll(&a->abs, abs_report, a);
}

void app_input_close(app *a)
{
    if (a->abs_scanned) evabs_close(&a->abs);
}

void app_event(app *a, const SDL_Event *ev)
{
    float px, py;
    if (app_sleep_event(a, ev)) return; /* it woke the display, and does nothing else */
    switch (ev->type) {
    case SDL_QUIT: app_do(a, action_make(ACT_QUIT, 0)); break;
    case SDL_FINGERDOWN:
    case SDL_FINGERMOTION:
    case SDL_FINGERUP:
        finger(a, ev->type, (int64_t)ev->tfinger.fingerId, ev->tfinger.x, ev->tfinger.y);
        break;
    /* On a desktop the mouse is a finger. (Touches come as fingers only:
     * main sets SDL_HINT_TOUCH_MOUSE_EVENTS=0, and synthesized ones are
     * skipped here anyway.) */
    case SDL_MOUSEBUTTONDOWN:
    case SDL_MOUSEBUTTONUP:
        /* SDL's view of an absolute-mouse panel is unscaled: evabs reads it instead */
        if (a->abs.n > 0) break;
        if (ev->button.which == SDL_TOUCH_MOUSEID || ev->button.button != SDL_BUTTON_LEFT) break;
        mouse_norm(a, ev->button.x, ev->button.y, &px, &py);
        finger(a, ev->type == SDL_MOUSEBUTTONDOWN ? SDL_FINGERDOWN : SDL_FINGERUP, MOUSE_FINGER, px, py);
        break;
    case SDL_MOUSEMOTION:
        if (a->abs.n > 0) break;
        if (ev->motion.which == SDL_TOUCH_MOUSEID || !(ev->motion.state & SDL_BUTTON_LMASK)) break;
        mouse_norm(a, ev->motion.x, ev->motion.y, &px, &py);
        finger(a, SDL_FINGERMOTION, MOUSE_FINGER, px, py);
        break;
    case SDL_MOUSEWHEEL: {
        app_list *l = list_of(a);
        input_seen(a);
        double notch = a->screen == APP_LIBRARY ? a->ui.card_pitch / 2.0 : a->ui.row_h; /* admin: as contents */
        if (a->screen == APP_ATTRACT) app_do(a, action_make(ACT_LIBRARY, 0));
        else if (l) app_do(a, action_scroll(-ev->wheel.y * notch));
        else if (a->screen == APP_READING && ev->wheel.y) app_do(a, action_make(ACT_TURN, ev->wheel.y < 0 ? 1 : -1));
        break;
    }
    case SDL_KEYDOWN:
        input_seen(a);
        app_do(a, key_action(a, ev->key.keysym.sym));
        break;
    case SDL_WINDOWEVENT:
        if (ev->window.event == SDL_WINDOWEVENT_SIZE_CHANGED && a->ren) {
            int w, h;
            lerr e;
            SDL_GetRendererOutputSize(a->out ? a->out : a->ren, &w, &h); /* a->ren may draw in memory */
            if ((w != a->panel_w || h != a->panel_h) && app_set_panel(a, w, h, &e))
                fprintf(stderr, "lectern: %s\n", e.msg);
        }
        a->dirty = 1;
        break;
    case SDL_RENDER_TARGETS_RESET:
    case SDL_RENDER_DEVICE_RESET:
        if (a->rd) render_cache_clear(a->rd);
        a->dirty = 1;
        break;
    default: break;
    }
}

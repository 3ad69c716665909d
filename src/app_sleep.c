/* app_sleep.c - see app_sleep.h. */
#include "app_sleep.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "backlight.h"
#include "config.h"
#include "schedule.h"

int64_t app_wall(const app *a)
{
    if (a->wall_set) return a->wall_base + (int64_t)((a->now - a->wall_at) / 1000);
    time_t t = time(NULL);
    struct tm tm;
    if (!localtime_r(&t, &tm)) return (int64_t)t;
    return schedule_days(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday) * 86400 + tm.tm_hour * 3600 +
           tm.tm_min * 60 + tm.tm_sec;
}

void app_set_wall(app *a, int64_t t)
{
    a->wall_set = 1;
    a->wall_base = t;
    a->wall_at = a->now;
}

static const char *backlight_dir(const app *a)
{
    const char *env = getenv("LECTERN_BACKLIGHT_DIR");
    if (env && *env) return env;
    return a->win || a->fb_on ? BACKLIGHT_DIR : NULL;
}

static void backlight(app *a, int on)
{
    lerr e;
    e.msg[0] = 0;
    if (backlight_power(backlight_dir(a), on, &e) < 0 && !a->backlight_said) {
        fprintf(stderr, "lectern: %s\n", e.msg); /* once: the same trouble every night */
        a->backlight_said = 1;
    }
}

/* One black frame on the panel (through the output renderer, whatever
 * path the pages take), then nothing until it wakes. */
static void blank(app *a)
{
    SDL_Renderer *out = a->out ? a->out : a->ren;
    if (!out) return;
    SDL_SetRenderTarget(out, NULL);
    SDL_SetRenderDrawColor(out, 0, 0, 0, 255);
    SDL_RenderClear(out);
    SDL_RenderPresent(out);
}

static void fall_asleep(app *a, const char *why)
{
    a->asleep = 1;
    gesture_reset(&a->g);
    a->sliding = 0;
    a->dragging = 0;
    a->slide = 0;
    blank(a);
    backlight(a, 0);
    fprintf(stderr, "lectern: display asleep: %s\n", why);
}

static void wake(app *a, const char *why)
{
    a->asleep = 0;
    a->dirty = 1;
    backlight(a, 1);
    fprintf(stderr, "lectern: display awake: %s\n", why);
}

void app_sleep_tick(app *a)
{
    const config *c = a->o.cfg;
    uint64_t after = c ? (uint64_t)c->sleep_after * 60000 : 0;
    const schedule *hours = c ? &c->awake : NULL;
    if (!after && (!hours || !hours->n)) return; /* never sleeps */
    int64_t t = app_wall(a);
    /* A clock that was never set (a Pi without a real-time clock and
     * without a network starts in 1970): the awake hours are not followed
     * by it, or the kiosk would sleep through opening time; sleep_after
     * still is. Said once, and again if the clock goes back. */
    if (hours && hours->n && !schedule_clock_set(t)) {
        if (!a->clock_unset_said) {
            int y, m, d;
            schedule_date(t >= 0 ? t / 86400 : -((-t + 86399) / 86400), &y, &m, &d);
            fprintf(stderr, "lectern: the clock is not set (it says %04d-%02d-%02d): the awake hours are not "
                    "followed until it is%s\n", y, m, d, after ? "; sleep_after still is" : "");
            a->clock_unset_said = 1;
        }
        hours = NULL;
        /* asleep outside the hours as the clock said before it went back */
        if (a->asleep && a->hours_known && !a->in_hours) wake(a, "the clock is not set: the awake hours wait for it");
    } else if (hours && hours->n && a->clock_unset_said) {
        fprintf(stderr, "lectern: the clock is set now: the awake hours are followed\n");
        a->clock_unset_said = 0;
        a->hours_known = 0;
    }
    int in_hours = schedule_awake(hours, t);
    if (a->hours_known && in_hours && !a->in_hours) {
        a->last_input = a->now; /* opening time: the idle count starts again */
        if (a->asleep) wake(a, "the awake hours began");
    }
    int first = !a->hours_known;
    a->hours_known = 1;
    a->in_hours = in_hours;
    int want = schedule_should_sleep(hours, after, APP_SLEEP_GRACE_MS, t, a->now, a->last_input, a->touched);
    if (want && !a->asleep) {
        char why[96];
        if (after && a->now - a->last_input >= after)
            snprintf(why, sizeof why, "no touch for %d minute%s (sleep_after)", c->sleep_after,
                     c->sleep_after == 1 ? "" : "s");
        else
            snprintf(why, sizeof why, "outside the awake hours");
        fall_asleep(a, why);
    } else if (first && !want) {
        backlight(a, 1); /* a start after a crash or a stop while asleep */
    }
    if (a->asleep) a->dirty = 0; /* nothing is drawn while asleep */
}

int app_sleep_event(app *a, const SDL_Event *ev)
{
    int down = 0, up = 0, motion = 0;
    switch (ev->type) {
    case SDL_FINGERDOWN: down = 1; break;
    case SDL_FINGERUP: up = 1; break;
    case SDL_FINGERMOTION: motion = 1; break;
    case SDL_MOUSEBUTTONDOWN:
    case SDL_MOUSEBUTTONUP:
        if (ev->button.which == SDL_TOUCH_MOUSEID || ev->button.button != SDL_BUTTON_LEFT) return a->asleep;
        down = ev->type == SDL_MOUSEBUTTONDOWN;
        up = !down;
        break;
    case SDL_MOUSEMOTION: motion = 1; break;
    case SDL_KEYDOWN:
    case SDL_MOUSEWHEEL: down = 1; break;
    case SDL_KEYUP: return a->asleep;
    default: return 0; /* window events and the like: as always */
    }
    if (a->asleep) {
        if (!down) return 1; /* the rest of a touch begun before it slept */
        a->last_input = a->now;
        a->idle_done = 0;
        a->touched = 1;
        /* the first touch only wakes it: the rest of that touch goes nowhere */
        a->wake_swallow = ev->type == SDL_FINGERDOWN || ev->type == SDL_MOUSEBUTTONDOWN;
        wake(a, ev->type == SDL_KEYDOWN ? "a key" : "a touch");
        return 1;
    }
    if (a->wake_swallow) {
        if (up) a->wake_swallow = 0;
        if (up || motion) return 1;
        a->wake_swallow = 0; /* a new touch: it counts */
    }
    return 0;
}

void app_sleep_end(app *a)
{
    if (a->asleep) backlight(a, 1);
}

/* app_sleep.h - the display's sleep (issue 16): blanked and its backlight
 * off when the kiosk has been idle for `sleep_after` minutes or is outside
 * its `awake` hours (schedule.h decides, from plain numbers); woken by the
 * first touch or key, which does nothing else, and when the awake hours
 * begin.
 *
 * Asleep, the screen under it stays as it was (the open essay, its page),
 * one black frame is presented and nothing is drawn until it wakes; the
 * idle reset still runs. The backlight (backlight.h) is switched in
 * $LECTERN_BACKLIGHT_DIR when that is set (tests: a fake sysfs), else, with
 * a window only, in /sys/class/backlight; a headless run without the
 * variable writes none.
 *
 * The wall clock: local time from the system clock, or from a replay's
 * `clock` (app_set_wall), which then runs on with the app's own clock.
 * SDL code (the black frame); the rest is in schedule.c. */
#ifndef LECTERN_APP_SLEEP_H
#define LECTERN_APP_SLEEP_H

#include <stdint.h>

#include "app_state.h"

/* Time without input, off hours, after a touch woke it (and sleep_after is 0). */
#define APP_SLEEP_GRACE_MS TUN_SLEEP_GRACE_MS

/* Now as a civil second of local wall time (schedule.h). */
int64_t app_wall(const app *a);

/* A replay's `clock`: the wall clock is civil second t at a->now. */
void app_set_wall(app *a, int64_t t);

/* From app_tick: fall asleep or wake up as the settings say. */
void app_sleep_tick(app *a);

/* From app_event, first: 1 when the event was taken by the sleep (it woke
 * the display, or it is the rest of the touch that did) and must go no
 * further. */
int app_sleep_event(app *a, const SDL_Event *ev);

/* From app_close: the backlight back on if the reader ends asleep. */
void app_sleep_end(app *a);

#endif

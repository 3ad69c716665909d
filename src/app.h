/* app.h - the reader: what it does with its state (app_state.h).
 *
 * It opens the pack and the fonts, opens essays and lays them out, and then
 * either draws pages into PNG files (--screenshot), prints layout
 * statistics (--layout-stats), or runs the screens: the library (home), the
 * reading page, the menu overlay and its contents list, the end of an essay
 * and the error page.
 *
 * Input, live or replayed, goes through ONE handler, app_event, which takes
 * real SDL events (SDL_FINGER*, the mouse as a finger, keys, window events)
 * and turns them into actions (action.h): the screens answer taps with
 * actions, keys and gestures map to the same ones, and app_do applies them,
 * the only code that changes the current screen.
 * Time is the app's own clock, a->now, which the caller sets: SDL_GetTicks64
 * in the live loop, the script's clock in a replay (so `wait 600000` costs
 * nothing and the idle timeout still fires). app_tick advances that clock
 * (long-press, animations, inertia, idle reset, the debounced save) and
 * app_draw draws the current screen and presents it, turned for `rotate`.
 *
 * Coordinates: touches arrive in the panel's coordinates (0..1) and are
 * turned into page coordinates in one place (app_input.c, with
 * platform_to_page); everything after that, the gesture machine and every
 * screen, works upright on the page, in page pixels.
 *
 * Files, each calling only "down" (main -> app*.c -> screen*.c -> render,
 * layout ...; the screens see app_state.h, never this header):
 *   app.c           the pack, fonts, essays, layout, sizes, positions
 *   app_nav.c       app_do, navigation, start-up, time
 *   app_input.c     events -> gestures and keys -> actions
 *   app_video.c     window, renderer, page paths, drawing, the live loop
 *   app_headless.c  --screenshot, --layout-stats
 *   app_replay.c    --replay
 *   app_dump.c      --dump-layout
 *   app_pack.c      a pack, a folder or an essay file as the pack
 *   app_import.c    new essays from a USB stick or the boot partition
 * SDL code. */
#ifndef LECTERN_APP_H
#define LECTERN_APP_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "action.h"
#include "app_state.h"
#include "util.h"

typedef struct replay_script replay_script;


/* Where the pack is: `given` if not NULL; else $LECTERN_PACK; else the first
 * that exists of default.lpk beside the executable, LECTERN_DATADIR/default.lpk,
 * /usr/share/lectern/default.lpk, build/host/default.lpk. Writes the path
 * into buf (the last candidate when none exists, so the message names it). */
void app_find_pack(const char *given, char *buf, size_t n);

/* Open the pack and its fonts (no video yet) with options o. Returns 0, or
 * -1 with a message naming the pack file. TTF_Init must have been called. */
int app_open(app *a, const app_opts *o, lerr *e);

/* After app_open failed: set a up to show only the error page about it
 * (plain words; `why` is for stderr, printed by the caller), with a system
 * font if one is found, else drawn with shapes alone. Then app_video and
 * app_run or app_replay as usual. */
void app_open_failed(app *a, const app_opts *o, const char *why);

/* Size the page: body text size from the density (or the options), the
 * geometry and layout parameters, and lay out the open essay again keeping
 * the text at the top of the current page on screen. Returns 0 or -1. */
int app_set_page_size(app *a, int w, int h, lerr *e);

/* The panel is pw x ph: the page is that turned for o.rotate; sizes the
 * page (app_set_page_size), the gesture machine and the screens. */
int app_set_panel(app *a, int pw, int ph, lerr *e);

/* Set the body size to size step `step` and lay out again as above. */
int app_set_size_step(app *a, int step, lerr *e);

/* Open essay n (1-based) and lay it out; page 0. Returns 0, or -1 with a
 * message naming the pack, the essay number and its title (missing,
 * damaged, not valid essay text, cannot be laid out). */
int app_open_essay(app *a, size_t n, lerr *e);

/* app_open_essay for the screens: at its saved position, or on failure the
 * message goes to stderr and the screen becomes the error page (whose Next
 * button moves on to the next essay). */
void app_show_essay(app *a, size_t n);

/* Create the window and renderer; headless, a software renderer on a
 * surface instead (no window, no video driver needed). With a window the
 * first accelerated renderer SDL offers (SDL_RENDER_DRIVER chooses), else
 * SDL's software renderer, saying so on stderr. Then size the page and
 * choose how pages reach the panel (enum app_path), which is said once on
 * stderr (headless: only when it is not the page cache). Returns 0, or -1
 * with a message. */
int app_video(app *a, int headless, lerr *e);

/* The reader proper, after app_video: reading positions (o.state_dir,
 * o.state_on; a message on stderr once when they stay in memory), the
 * library list, and the first screen (o.start, else the library). */
void app_start(app *a);

/* Page `page` (0-based) of the open essay drawn into a new RGB24 surface
 * (caller frees), through render_page_to_texture as on screen; without
 * render targets drawn on the screen itself and read back from there (the
 * next app_draw draws the screen again). NULL with a message on failure. */
SDL_Surface *app_page_surface(app *a, size_t page, lerr *e);

/* Write surface s (any format) to `path` as a PNG (shot_save_png: whole or
 * not at all). Returns 0, or -1 with a message naming the path. */
int app_save_png(SDL_Surface *s, const char *path, lerr *e);

/* Write the library screen, as the panel shows it after app_start, as
 * DIR/library.png and print its path on stdout. */
int app_screenshot_library(app *a, const char *dir, lerr *e);

/* The headless modes as main runs them, after app_open (or app_open_failed),
 * each returning the exit status (messages on stderr): PNG pages of essay
 * o.essay (0: the first, or with `all` every essay), page `page` (1-based)
 * or with `all` every page; the library as DIR/library.png; the layout
 * statistics at the panel of o.w x o.h (default 800x480, turned for
 * o.rotate). */
int app_run_screenshots(app *a, const char *dir, size_t page, int all);
int app_run_library_shot(app *a, const char *dir);
int app_run_layout_stats(app *a, FILE *out);
/* The headless modes' page: the panel's size (--size, or the default),
 * turned by rotate. 0, or 1 with the reason on stderr. */
int app_headless_page(app *a);
/* --dump-layout (app_dump.c): the layout of essay o.essay (0: every essay)
 * at the same page size as --layout-stats, as JSON Lines on out. */
int app_run_dump_layout(app *a, FILE *out);

/* Print one line of layout statistics per essay and a total line. Returns
 * the exit status: 0, or 1 when an essay could not be laid out. */
int app_layout_stats(app *a, FILE *out);

/* ---- the screens at run time ------------------------------------------------- */

/* Navigation (app_nav.c), what app_do's actions do; also for tests. */
void app_go_library(app *a);
void app_next_essay(app *a);
void app_open_from_list(app *a, size_t index);
void app_turn(app *a, int d);
void app_set_theme(app *a, int theme);
void app_change_size(app *a, int d);
void app_goto_page(app *a, size_t page);
void app_open_menu(app *a);
void app_request_quit(app *a, int force); /* force: SIGTERM, admin gesture; else not in kiosk mode */
void app_back(app *a); /* Escape: one step back (menu or contents -> page -> library -> quit) */
float app_slide_now(const app *a); /* the page's offset now, animation included */
void app_slide_to_rest(app *a, float from); /* animate the page from `from` back to 0 */

/* Handle one event at time a->now: fingers (panel coordinates), the mouse
 * as a finger, keys, window events, SDL_QUIT (ignored in kiosk mode). */
void app_event(app *a, const SDL_Event *ev);

/* The live loop's input beside SDL's (app_input.c): under kmsdrm, touch
 * panels that are absolute mice are read from evdev and scaled by their
 * ranges (evabs.h), looked for at start and every TUN_INPUT_SCAN_MS, and
 * their reports go through app_event as touches. app_input_close at the end. */
void app_input_poll(app *a);
void app_input_close(app *a);

/* Move the clock to `now` (never backwards) and do what is due. */
void app_tick(app *a, uint64_t now);

/* 1 while something moves without input (a finger is down, a page
 * slides, a list coasts): the caller should tick every frame. */
int app_busy(const app *a);
/* 1 while the attract screen fades (and the display is awake): the caller
 * should tick often, about every 16 ms (a frame is drawn only when the
 * fade's strength changes). Replays need not: the attract screen is a
 * function of the clock, drawn right after any jump of it. */
int app_fading(const app *a);

/* Draw the current screen and present it. Returns 0, or -1 (message on stderr). */
int app_draw(app *a);

/* Read the presented panel (as the panel shows it, turned) into a new
 * RGB24 surface (caller frees); NULL with a message. */
SDL_Surface *app_panel_surface(app *a, lerr *e);

/* Remember where the open essay is and save the positions (leaving, idle,
 * quitting). */
void app_leave(app *a);

/* The window loop until the reader ends: Escape or closing the window
 * (not in kiosk mode), the admin gesture, or *stop set (SIGTERM). Saves
 * the positions before returning 0. */
int app_run(app *a, volatile sig_atomic_t *stop);

/* Run a replay script headless (app_replay.c): events through app_event on
 * the script's clock, `shot`s into shot_dir (may be NULL: not written).
 * Returns 0, or 1 at the first failed expect (message on stderr naming the
 * script's line). */
int app_replay(app *a, const replay_script *s, const char *name, const char *shot_dir);

/* For replays and tests: the screen as enum replay_screen, the size step
 * relative to the default, and the essay of the library's first visible
 * card (0 when not in the library or empty). */
int app_screen_id(const app *a);
/* 1 while the first page's hint is on screen (fading included). */
int app_hint_shown(const app *a);

int app_size_delta(const app *a);
uint32_t app_first_card(const app *a);

/* How pages reach the panel now (enum app_path); *why (may be NULL) gets
 * the reason for DIRECT or CANVAS, NULL for the others. */
int app_draw_path(const app *a, const char **why);

/* Free everything (safe on a partly opened app). */
void app_close(app *a);

/* Apply one action (action.h) at time a->now: the one dispatcher, and the
 * only code that changes a->screen once the reader runs. Actions that make
 * no sense on the current screen do nothing. */
void app_do(app *a, action act);

/* ---- shared by app*.c (not for the screens, main or other callers) ------------- */
void app_close_essay(app *a);
int app_essay_is_open(const app *a);
const pack_entry *app_entry(const app *a, size_t n); /* essay n's entry, NULL if none */
void app_remember(app *a);  /* note the open essay's position (in memory) */
void app_persist(app *a);   /* save the positions now */
/* Open the pack file again, after it was replaced or changed: 0, or -1 with a
 * message and the old pack kept. The open essay is closed (its position saved). */
int app_reopen_pack(app *a, lerr *e);
size_t app_resume_page(const app *a, uint32_t off);
/* After app_reopen_pack opened another pack (or the same file anew): the
 * library's list again, the screens told; `how` for the journal line. */
void app_pack_switched(app *a, const char *how);
/* New essays (app_import.c): looked for at start (app_start), again in
 * kiosk mode (app_tick), the import screen's and the admin screen's
 * actions (app_do), whether a load runs or the prompt waits for an answer
 * (no idle reset meanwhile: a teacher may come back to it later), the
 * admin screen's Go back refreshed, and everything stopped and freed. */
void app_import_start(app *a);
void app_import_tick(app *a);
void app_import_do(app *a, action act);
int app_import_busy(const app *a);
void app_import_admin(app *a);
void app_import_close(app *a);
render_page app_page_of(app *a, size_t page);
void app_gesture_events(app *a, const gesture_event *ev, int n); /* app_input.c */

#endif

/* app.h - the reader: its state and everything it does with it.
 *
 * Everything the reader knows lives in one `app` struct, owned by main.
 * It opens the pack and the fonts, opens essays and lays them out, and then
 * either draws pages into PNG files (--screenshot), prints layout
 * statistics (--layout-stats), or runs the screens: the library (home), the
 * reading page, the menu overlay and its contents list, the end of an essay
 * and the error page.
 *
 * Input, live or replayed, goes through ONE handler, app_event, which takes
 * real SDL events (SDL_FINGER*, the mouse as a finger, keys, window events).
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
 * Files: app.c (pack, essays, layout, video, state, navigation, drawing,
 * the live loop), app_input.c (the event handler), app_replay.c (--replay),
 * screen_*.c (the screens other than the page). SDL code. */
#ifndef LECTERN_APP_H
#define LECTERN_APP_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <SDL2/SDL.h>

#include "config.h"
#include "essay.h"
#include "font.h"
#include "gesture.h"
#include "layout.h"
#include "layout_cache.h"
#include "pack.h"
#include "render.h"
#include "replay.h"
#include "state.h"
#include "util.h"

#ifndef LECTERN_DATADIR
#define LECTERN_DATADIR "/usr/local/share/lectern"
#endif

/* The first two keep their values from before the other screens existed. */
enum app_screen { APP_READING = 0, APP_ERROR = 1, APP_LIBRARY, APP_MENU, APP_CONTENTS, APP_END };
/* What the error page is about. */
enum app_error_kind { APP_ERR_ESSAY = 0, APP_ERR_NOPACK = 1 };
/* How pages reach the panel (app_video chooses; a render target that fails
 * later moves it down the list, never back up):
 *   CACHE   pages drawn once into render-target textures, a turn a copy;
 *           with rotate, the picture drawn into a target texture and turned;
 *   DIRECT  no render targets: each page drawn straight onto the screen
 *           every frame it shows (render_show_page), same pixels;
 *   CANVAS  no render targets and rotate != 0: the picture is drawn in
 *           memory by SDL's software renderer, copied into a streaming
 *           texture and turned by the output renderer.
 * UNTOLD is 0: before app_video, or headless without video yet. */
enum app_path { APP_PATH_UNTOLD = 0, APP_PATH_CACHE, APP_PATH_DIRECT, APP_PATH_CANVAS };

/* Text size steps for A-/A+ and +/-, as factors of the size chosen for the panel. */
#define APP_SIZE_STEPS 7
#define APP_SIZE_DEFAULT 2

/* Timing (ms of the app's clock). */
#define APP_SLIDE_MS 180          /* a released page completes or springs back in this long */
#define APP_SAVE_AFTER_MS 30000   /* positions are saved once reading pauses this long */
#define APP_ADMIN_MS 10000        /* the admin gesture's three long-presses within this */
#define APP_TAP_MS 60             /* replay: a tap's finger is down this long */
#define APP_LONGPRESS_MS 700      /* replay: a long-press is held this long */
#define APP_HINT_FADE_MS 400      /* the first page's hint fades out this long after the first turn */

/* The hint on the first page a visitor sees ("tap the right side ..."):
 * shown until the first turn, then fading, then gone until the next
 * visitor (the idle reset). */
enum app_hint { APP_HINT_NONE = 0, APP_HINT_SHOW, APP_HINT_FADING };

/* What the command line and the configuration asked for. Zero means
 * "choose" or "the default" in every field, so a zeroed app_opts is a
 * plain desktop reader with no state on disk. */
typedef struct app_opts {
    const char *pack_path; /* NULL: the default search, see app_find_pack */
    int w, h;              /* panel size in pixels; 0: 800x480 headless, the display's when fullscreen */
    int theme;             /* enum render_theme_id: the default theme (the idle reset restores it) */
    double font_pt;        /* body size in points at the panel's density; 0: RENDER_DEFAULT_PT */
    int font_px;           /* body size in pixels, overrides font_pt when > 0 */
    int fullscreen;
    size_t essay;          /* --screenshot: 1-based; 0: the first */
    /* the reader proper */
    int rotate;            /* 0, 90, 180, 270: clockwise, the picture on the panel */
    int margins_set;       /* 0: margins from the page size */
    double margins_mm;     /* side margins when margins_set */
    unsigned idle_s;       /* back to the library after this long without input; 0: never */
    int kiosk;             /* fullscreen, no cursor, nothing a visitor does ends it */
    uint32_t start;        /* 0: the library; else open this essay at start-up */
    const config *cfg;     /* for the `essays` key (subset and order); NULL: every essay in pack order */
    const char *state_dir; /* where positions are kept */
    int state_on;          /* 0: positions in memory only (state = off, and tests) */
    int no_targets;        /* use no render targets, as if the renderer had none
                            * ($LECTERN_NO_RENDER_TARGETS, tests) */
} app_opts;

/* A touch target on a screen: where it is (page pixels) and what it does. */
typedef struct app_button {
    SDL_Rect r;
    int id;
    const char *label;
    const char *sub;   /* second, smaller line (may be NULL) */
    size_t sub_len;
    int selected;
    int disabled;
    int role;          /* the label's font role (enum layout_font) */
} app_button;
#define APP_MAX_BUTTONS 12

/* A scrolling list (library, contents). */
typedef struct app_list {
    double scroll, base;   /* pixels scrolled; scroll when the drag began */
    gesture_inertia in;
    uint64_t t;            /* clock of the last inertia step */
    int dragging;
} app_list;

/* Sizes of everything on the screens, from the page size and density. */
typedef struct app_ui {
    int target;            /* smallest touch target: 10 mm, at least 48 px */
    int pad, gap, radius;
    int col_x, col_w;      /* the content column */
    int head_h;            /* header band of the library and contents */
    int card_h, card_pitch;
    int row_h;             /* a contents line */
    int top_band;          /* a tap above this on the page opens the menu */
} app_ui;

typedef struct app {
    app_opts o;
    char pack_file[4096];

    pack *pk;
    uint8_t *pack_mem;      /* a folder packed in memory (owned; pk borrows it), else NULL */
    font_faces *fonts;
    double dpi;             /* panel density used for sizes */
    int base_px;            /* body size for the panel before A-/A+ */
    int size_step;          /* 0..APP_SIZE_STEPS-1 */
    int theme;

    /* the open essay */
    size_t essay_no;        /* 1-based; 0 = none */
    uint8_t *text;          /* decoded essay (owned) */
    size_t text_len;
    essay es;
    char title[512];        /* UTF-8, NUL-terminated */
    layout_cache *layouts;  /* every layout made, per (essay, size, page): turns never lay out again */
    const layout_result *lr; /* the open essay's, owned by `layouts`; &no_layout when there is none */
    layout_result no_layout;
    size_t page;            /* 0-based */
    uint32_t anchor;        /* text offset kept on screen across size changes */
    const layout_result *anchor_lr; /* layout and page at the last re-layout: the */
    size_t anchor_page;             /* reader has turned since when they differ */

    render_geom geom;       /* the page: upright, panel size turned for `rotate` */
    layout_params lp;

    /* video (window or offscreen) */
    SDL_Window *win;        /* NULL when headless */
    SDL_Surface *surface;   /* headless: what the software renderer draws into */
    SDL_Renderer *ren;      /* what everything is drawn with */
    render *rd;             /* NULL only when there are no fonts at all (no pack, no system font) */
    int panel_w, panel_h;   /* the output, before rotation */
    SDL_Texture *frame;     /* rotate != 0: the upright page drawn here, then turned */
    /* APP_PATH_CANVAS: ren is SDL's software renderer drawing the upright
     * picture into `canvas`; `out`, the window's renderer (headless: the
     * panel surface's), shows it through the streaming texture out_tex,
     * turned. All NULL otherwise (ren is the output renderer). */
    SDL_Surface *canvas;
    SDL_Renderer *out;
    SDL_Texture *out_tex;
    unsigned long uploads;  /* frames copied from the canvas to out_tex */
    char no_targets[256];   /* why the output renderer's render targets are not used; "" while they are */
    int path;               /* enum app_path, as last told on stderr */

    int screen;             /* enum app_screen */
    int error_kind;         /* enum app_error_kind */
    char error[512];        /* what the error screen is about (also printed on stderr) */
    int quit;

    /* the library: essay numbers in the order shown (config `essays`) */
    uint32_t *list;
    size_t nlist;
    long list_pos;          /* index of the open essay in list, -1: not in it */
    app_list lib, toc;
    int touch_stopped_list; /* this touch only stopped a moving list: it opens nothing */
    size_t cards_drawn;     /* cards drawn in the last library frame (only the visible ones) */
    uint32_t *toc_blocks;   /* the open essay's headings (block indexes), for the contents */
    size_t ntoc;

    /* input and time */
    uint64_t now;           /* the app's clock, ms */
    uint64_t last_input;
    int idle_done;          /* the idle reset ran and nothing happened since */
    gesture g;
    float slide, slide_base;/* the page's horizontal offset, pixels (it follows the finger) */
    float slide_from;
    uint64_t slide_t0;
    int sliding;            /* animating slide_from -> 0 since slide_t0 */
    int dragging;
    int admin_step;         /* long-presses of the admin gesture so far */
    int hint;               /* enum app_hint */
    uint64_t hint_t0;       /* when it began to fade */
    int hint_done;          /* this visitor turned a page: no hint again until the idle reset */
    uint64_t admin_t0;
    app_ui ui;
    int dirty;              /* something changed: draw */
    uint32_t mark;          /* replay: `mark` */
    unsigned long frames;
    uint64_t presented_pc;  /* SDL_GetPerformanceCounter() when the last frame was presented (benchmarks) */

    /* reading positions */
    state *st;
    int st_pending;         /* positions changed since the last save */
    uint64_t st_changed;
} app;

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

/* Write page `page` (1-based; 0 = every page) of the open essay as
 * DIR/essayN-pagePPP.png. Prints each file written on stdout. */
int app_screenshot(app *a, const char *dir, size_t page, lerr *e);

/* Write the library screen, as the panel shows it after app_start, as
 * DIR/library.png and print its path on stdout. */
int app_screenshot_library(app *a, const char *dir, lerr *e);

/* Print one line of layout statistics per essay and a total line. Returns
 * the exit status: 0, or 1 when an essay could not be laid out. */
int app_layout_stats(app *a, FILE *out);

/* ---- the screens at run time ------------------------------------------------- */

/* Handle one event at time a->now: fingers (panel coordinates), the mouse
 * as a finger, keys, window events, SDL_QUIT (ignored in kiosk mode). */
void app_event(app *a, const SDL_Event *ev);

/* Move the clock to `now` (never backwards) and do what is due. */
void app_tick(app *a, uint64_t now);

/* 1 while something moves without input (a finger is down, a page
 * slides, a list coasts): the caller should tick every frame. */
int app_busy(const app *a);

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
/* How opaque the hint is now, 0..1 (0: not drawn). */
float app_hint_alpha(const app *a);
int app_size_delta(const app *a);
uint32_t app_first_card(const app *a);

/* How pages reach the panel now (enum app_path); *why (may be NULL) gets
 * the reason for DIRECT or CANVAS, NULL for the others. */
int app_draw_path(const app *a, const char **why);

/* Free everything (safe on a partly opened app). */
void app_close(app *a);

/* ---- shared by app*.c and screen*.c (not for other callers) ------------------- */
void app_go_library(app *a);
void app_next_essay(app *a);
void app_open_from_list(app *a, size_t index);
void app_turn(app *a, int d);
void app_set_theme(app *a, int theme);
void app_change_size(app *a, int d);
void app_goto_page(app *a, size_t page);
void app_back_from_end(app *a);
void app_open_menu(app *a);
void app_request_quit(app *a, int force); /* force: SIGTERM, admin gesture; else not in kiosk mode */
void app_back(app *a); /* Escape: one step back (menu or contents -> page -> library -> quit) */
void app_gesture_events(app *a, const gesture_event *ev, int n); /* app_input.c */
float app_slide_now(const app *a); /* the page's offset now, animation included */
void app_slide_to_rest(app *a, float from); /* animate the page from `from` back to 0 */

#endif

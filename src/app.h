/* app.h - the reader's state and what it does with it: open the pack and
 * the fonts, open an essay and lay it out, and then either draw pages into
 * PNG files (--screenshot), print layout statistics (--layout-stats), or run
 * a window with keyboard page turns.
 *
 * Everything the reader knows lives in one `app` struct, owned by main.
 * The next screens (library, menu, end of essay, error page) and gestures
 * add a field to `screen` and a case to app_draw/app_key; the layout of the
 * open essay, its page and the page geometry are already here.
 *
 * SDL code (src/app*.c). */
#ifndef LECTERN_APP_H
#define LECTERN_APP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <SDL2/SDL.h>

#include "essay.h"
#include "font.h"
#include "layout.h"
#include "layout_cache.h"
#include "pack.h"
#include "render.h"
#include "util.h"

#ifndef LECTERN_DATADIR
#define LECTERN_DATADIR "/usr/local/share/lectern"
#endif

enum app_screen { APP_READING = 0, APP_ERROR = 1 };

/* Text size steps for +/-, as factors of the size chosen for the panel. */
#define APP_SIZE_STEPS 7
#define APP_SIZE_DEFAULT 2

/* What the command line asked for. Zero means "choose". */
typedef struct app_opts {
    const char *pack_path; /* NULL: the default search, see app_find_pack */
    int w, h;              /* page size in pixels; 0: 800x480 headless, the display's when fullscreen */
    int theme;             /* enum render_theme_id */
    double font_pt;        /* body size in points at the panel's density; 0: RENDER_DEFAULT_PT */
    int font_px;           /* body size in pixels, overrides font_pt when > 0 */
    int fullscreen;
    size_t essay;          /* 1-based; 0: the first */
} app_opts;

typedef struct app {
    app_opts o;
    char pack_file[4096];

    pack *pk;
    font_faces *fonts;
    double dpi;             /* panel density used for sizes */
    int base_px;            /* body size for the panel before +/- */
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

    render_geom geom;
    layout_params lp;

    /* video (window or offscreen) */
    SDL_Window *win;        /* NULL when headless */
    SDL_Surface *surface;   /* headless: what the software renderer draws into */
    SDL_Renderer *ren;
    render *rd;

    int screen;             /* enum app_screen */
    char error[512];        /* what the error screen is about (also printed on stderr) */
    int quit;
} app;

/* Where the pack is: `given` if not NULL; else $LECTERN_PACK; else the first
 * that exists of default.lpk beside the executable, LECTERN_DATADIR/default.lpk,
 * /usr/share/lectern/default.lpk, build/host/default.lpk. Writes the path
 * into buf (the last candidate when none exists, so the message names it). */
void app_find_pack(const char *given, char *buf, size_t n);

/* Open the pack and its fonts (no video yet) with options o. Returns 0, or
 * -1 with a message naming the pack file. TTF_Init must have been called. */
int app_open(app *a, const app_opts *o, lerr *e);

/* Size the page: body text size from the density (or the options), the
 * geometry and layout parameters, and lay out the open essay again keeping
 * the text at the top of the current page on screen. Returns 0 or -1. */
int app_set_page_size(app *a, int w, int h, lerr *e);

/* Set the body size to size step `step` and lay out again as above. */
int app_set_size_step(app *a, int step, lerr *e);

/* Open essay n (1-based) and lay it out; page 0. Returns 0, or -1 with a
 * message naming the pack, the essay number and its title (missing,
 * damaged, not valid essay text, cannot be laid out). */
int app_open_essay(app *a, size_t n, lerr *e);

/* app_open_essay for the window: on failure the message goes to stderr and
 * the screen becomes the error page (a turn moves on to the next essay). */
void app_show_essay(app *a, size_t n);

/* Create the window and renderer; headless, a software renderer on a
 * surface instead (no window, no video driver needed). Then size the page. */
int app_video(app *a, int headless, lerr *e);

/* Page `page` (0-based) of the open essay drawn into a new RGB24 surface
 * (caller frees), through render_page_to_texture as on screen. NULL with a
 * message on failure. */
SDL_Surface *app_page_surface(app *a, size_t page, lerr *e);

/* Write page `page` (1-based; 0 = every page) of the open essay as
 * DIR/essayN-pagePPP.png. Prints each file written on stdout. */
int app_screenshot(app *a, const char *dir, size_t page, lerr *e);

/* Print one line of layout statistics per essay and a total line. Returns
 * the exit status: 0, or 1 when an essay could not be laid out. */
int app_layout_stats(app *a, FILE *out);

/* The window loop: keys turn pages until Escape or the window closes. */
int app_run(app *a);

/* Free everything (safe on a partly opened app). */
void app_close(app *a);

#endif

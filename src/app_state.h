/* app_state.h - the reader's state: the `app` struct and the types in it.
 *
 * Everything the reader knows lives in one `app` struct, owned by main.
 * This header is what the screens (screen.h) see of the reader: its data,
 * never its functions, so no screen calls into app*.c; the functions are in
 * app.h. The modules whose values the struct holds (essay, layout, render,
 * gesture) are included; the ones it only points to are declared.
 * SDL code. */
#ifndef LECTERN_APP_STATE_H
#define LECTERN_APP_STATE_H

#include <stddef.h>
#include <stdint.h>

#include <SDL2/SDL.h>

#include "config.h" /* config_stamp */
#include "essay.h"
#include "evabs.h"
#include "gesture.h"
#include "import.h"
#include "layout.h"
#include "platform.h" /* platform_drm_watch */
#include "render.h"
#include "splash.h" /* splash_geom: the framebuffer of a display with no GPU */
#include "tunables.h"

typedef struct pack pack;
typedef struct pack_entry pack_entry;
typedef struct state state;
typedef struct guard guard;
typedef struct config config;
typedef struct layout_cache layout_cache;
typedef struct admin_log admin_log;
typedef struct admin_line admin_line;

/* The first two keep their values from before the other screens existed. */
enum app_screen { APP_READING = 0, APP_ERROR = 1, APP_LIBRARY, APP_MENU, APP_CONTENTS, APP_END, APP_ATTRACT, APP_ADMIN, APP_IMPORT };
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

/* The import screen (screen_import.c): the offer, the load running, its failure. */
enum app_import_phase { APP_IMP_OFFER = 0, APP_IMP_LOADING, APP_IMP_FAILED };

/* Sizes, times and colours: tunables.h. */
#define APP_TAP_MS TUN_TAP_MS /* the name tests/bench/bench_touch.c knows */

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
    double font_pt;        /* body size in points at the panel's density; 0: PAGE_DEFAULT_PT */
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
    /* main's command line and config_init flags, to read the settings again
     * as at start-up (app_conf.h); argv is main's, NULL-terminated */
    int argc;
    char **argv;
    int config_flags;
    /* what the configuration reported at start-up, for the admin screen
     * (admin.h): main's, borrowed; NULL: nothing was collected */
    const admin_log *log;
    /* new essays from a USB stick or the boot partition (import.h):
     * where loaded essays go (NULL: no import at all; shown instead of the
     * pack while it exists and opens), the packer to run (NULL: found
     * beside the reader or on PATH), and wait for it at once (replays,
     * whose clock does not wait for a child) */
    const char *import_pack;
    const char *packer;
    int import_sync;
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
    uint64_t pack_checked;  /* a->now when the pack file was last looked at (app_tick) */
    int pack_retry_said;    /* "cannot be read yet" was said for this change */
    /* the boot partition's settings file, watched in kiosk mode (app_conf.h) */
    int conf_watch;
    config_stamp conf_stamp; /* as it was last seen */
    uint64_t conf_checked;  /* a->now when it was last looked at */
    int reexec;             /* it changed: main starts the reader again (exec) */
    /* absolute-mouse touch panels, read from evdev under kmsdrm (evabs.h):
     * while any is open, SDL's mouse events are ignored */
    evabs abs;
    int abs_watch;          /* 1: looked for (kmsdrm, or LECTERN_EVDEV_DIR for tests) */
    const char *abs_dir;    /* where: /dev/input */
    uint64_t abs_scanned;   /* a->now of the last look */
    /* the displays, watched under kmsdrm (platform_drm_watch_poll): a
     * display that appears after start means starting the video again */
    platform_drm_watch drm;
    int drm_on;             /* -1: not looked at yet; 0: not watched; 1: watched */
    const char *drm_root;   /* the sysfs tree: /sys, or LECTERN_DRM_SYSFS for tests */
    uint64_t drm_checked;   /* SDL ticks of the last look */
    int console_set;        /* 1: the reader put the console from text into graphics mode (platform.h) */
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
    text_breaker *breaker;  /* line breaking (owned; made on the main thread at the first essay opened) */
    layout_breaks *breaks;  /* the open essay's break opportunities (owned): kept across re-layouts */
    const layout_result *lr; /* the open essay's, owned by `layouts`; &no_layout when there is none */
    layout_result no_layout;
    size_t page;            /* 0-based */
    uint32_t anchor;        /* text offset kept on screen across size changes */
    const layout_result *anchor_lr; /* layout and page at the last re-layout: the */
    size_t anchor_page;             /* reader has turned since when they differ */

    page_geom geom;       /* the page: upright, panel size turned for `rotate` */
    layout_params lp;

    /* video (window or offscreen) */
    SDL_Window *win;        /* NULL when headless */
    SDL_Surface *surface;   /* headless, and fb_on: what the software renderer draws into */
    /* A display with no GPU (platform_drm_gpu_less): no window and no GL;
     * the picture is drawn in memory (surface) and written to its
     * framebuffer device each frame. SDL's video still runs, for input. */
    int fb_on;              /* 1: so; fb_fd, fb_geom and fb_buf are set */
    int fb_fd;
    splash_geom fb_geom;
    uint8_t *fb_buf;        /* one screen in the framebuffer's format (owned) */
    int fb_said;            /* a failed write was said */
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
    SDL_Surface *small;     /* out_tex smaller than the canvas (tex_max): the canvas scaled down
                             * into this each frame, and out_tex scaled up when shown; else NULL */
    unsigned long uploads;  /* frames copied from the canvas to out_tex */
    int tex_max;            /* the largest texture side the output renderer takes (its
                             * SDL_RendererInfo, or $LECTERN_MAX_TEXTURE if smaller); 0: no limit */
    char no_targets[256];   /* why the output renderer's render targets are not used; "" while they are */
    /* the window renderer's GL is a CPU rasterizer (Mesa's llvmpipe, softpipe):
     * pages are drawn in memory instead (APP_PATH_CANVAS, turned or not), so
     * it compiles one shader, not one per kind of draw. "" otherwise. */
    char soft_gl[64];
    /* start-up, in SDL ticks (ms): video asked for, up, window open, renderer made */
    uint64_t t_start, t_video, t_window, t_renderer;
    int video_retries;      /* kiosk: failed tries to start video before it started */
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
    guard *gd;              /* the crash-loop guard (guard.h): which essay is open, deaths per essay */

    /* the display's sleep (app_sleep.h) */
    int asleep;             /* blanked, backlight off: the first touch only wakes it */
    int wake_swallow;       /* the touch that woke it is still down: its events go nowhere */
    int touched;            /* any input since start (out of hours, a start sleeps at once) */
    int hours_known, in_hours; /* the awake hours as at the last tick */
    int backlight_said;     /* a backlight failure was said */
    int clock_unset_said;   /* "the clock is not set: the awake hours wait" was said (once per stretch) */
    int wall_set;           /* a replay's `clock` set the wall clock: */
    int64_t wall_base;      /* civil second (schedule.h) ... */
    uint64_t wall_at;       /* ... at this a->now */

    /* the attract screen (idle_action = attract; attract.h, screen_attract.c) */
    uint64_t attract_t0;    /* a->now when it began */
    uint32_t attract_essay; /* the essay it shows now (0: none), and its first line: */
    char attract_line[512]; /* UTF-8, NUL-terminated ("" when it has none or cannot be read) */
    uint64_t attract_turn;  /* the turn (attract_frame) attract_essay belongs to */
    int attract_level;      /* its strength as last drawn, 0..ATTRACT_LEVELS */
    int attract_swallow;    /* fingers still down of the touch that left it: their events go nowhere */
    int64_t attract_finger; /* the first of them */
    uint64_t attract_swallow_t; /* a->now at the last of their events */
    /* the admin screen (admin.h, screen_admin.c), behind the admin gesture:
     * its lines (owned, ADMIN_LINES_MAX of them; NULL until first opened),
     * made again when the minute on the clock changes; its list */
    admin_line *adm_lines;
    size_t adm_n;
    int64_t adm_minute;     /* the wall clock's minute the lines were made in */
    app_list adm;
    /* new essays (import.h, app_import.c, screen_import.c) */
    char base_pack[4096];   /* the configured pack (app_find_pack), shown when there is no import_pack */
    import_scan *imp;       /* what was offered (owned); NULL: import is off */
    uint64_t imp_checked;   /* a->now when media_dir was last looked at */
    import_cand imp_cand;   /* the essays offered */
    int imp_have;           /* an offer is waiting (import = signed: for the admin screen's button) */
    int imp_phase;          /* enum app_import_phase, while the screen is APP_IMPORT */
    int imp_under;          /* the screen the prompt came over (Cancel goes back to it) */
    import_job imp_job;     /* the running lectern-pack install (pid 0: none) */
    import_job imp_vjob;    /* import = signed: the running lectern-pack verify of imp_vcand (pid 0: none) */
    import_cand imp_vcand;  /* the pack being checked, offered once the check passes */
    int imp_vboot;          /* the look that found it included the boot partition */
    char imp_msg[IMPORT_MSG_MAX]; /* why the load failed, for the screen */
    char imp_label[96];     /* "12 essays on the USB stick": the admin screen's Load button's second line */
    int imp_back;           /* import_back_kind(import_pack) as last looked at: the admin screen's Go back */
    /* burn-in care (burnin.h): the static elements' offset as last drawn */
    int burn_dx, burn_dy;
} app;

#endif

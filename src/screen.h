/* screen.h - the screens other than the page: the library (home), the menu
 * overlay and its contents list, the end of an essay, the error page.
 *
 * Each screen lays itself out from a->ui (screen_layout, sized from the
 * page and the panel's density so that every target is at least 10 mm),
 * draws into the renderer's current target (upright page pixels; app_draw
 * turns the result for `rotate`), and answers taps at page pixels. The
 * same function lists a screen's buttons for drawing and for hit tests, so
 * what is drawn is what is touched. Scrolling lists keep their state in
 * app_list (a->lib, a->toc); app_input.c drives them.
 *
 * A tap gives back an action (action.h) for app_do to apply: no screen
 * changes the current screen itself or calls into app*.c; they see the
 * reader's state (app_state.h), not its functions (app.h).
 *
 * SDL code (src/screen*.c). Not an API for anything but app*.c. */
#ifndef LECTERN_SCREEN_H
#define LECTERN_SCREEN_H

#include "action.h"
#include "app_state.h"

/* Sizes for the current page size and density into a->ui. */
void screen_layout(app *a);

/* Colours of the screens, from the theme's. */
typedef struct screen_colors {
    SDL_Color bg, ink, muted, track, fill; /* the theme's */
    SDL_Color card, line, button, scrim, sheet;
} screen_colors;
screen_colors screen_colors_for(int theme);

/* Draw a button (rounded, label centred, optional second line) and find
 * the button under (x, y): its index, or -1. */
void screen_draw_button(app *a, const screen_colors *c, const app_button *b);
int screen_hit(const app_button *b, int n, float x, float y);
/* Two buttons (ids and labels; tall: one and a half targets high) at y:
 * side by side when each can be four targets wide, else one above the
 * other. Fills b[0..1] and returns 2. */
int screen_two_buttons(app *a, app_button *b, int y, int id1, const char *l1, int id2, const char *l2, int tall);

/* Text helpers: the baseline that centres a line of `role` in a box, a
 * role's line height, and centred word-wrapped lines (returns the baseline
 * after the last). */
int screen_baseline(app *a, int role, int y, int h);
int screen_line_h(app *a, int role);
int screen_wrap(app *a, int role, const char *s, size_t n, int x, int y, int max_px, int max_lines, SDL_Color c);

/* The library. Cards are laid out only for the rows on screen. */
void screen_library_draw(app *a);
action screen_library_tap(app *a, float x, float y);
double screen_library_max(const app *a);      /* the largest scroll */
size_t screen_library_first(const app *a);    /* index in a->list of the first card on screen */
void screen_library_show(app *a, size_t index); /* scroll so that card `index` is on screen */

/* The menu, drawn over the page. */
void screen_menu_draw(app *a);
action screen_menu_tap(app *a, float x, float y);
int screen_menu_buttons(app *a, app_button *b); /* how many; also the sheet in b[0] (id MENU_SHEET) */

/* The contents (headings of the open essay). */
void screen_contents_draw(app *a);
action screen_contents_tap(app *a, float x, float y);
double screen_contents_max(const app *a);

/* The contents' Back button. */
app_button screen_contents_back(app *a);

/* End of essay, and the error page; their buttons (how many). */
int screen_end_buttons(app *a, app_button *b);
int screen_error_buttons(app *a, app_button *b);
void screen_end_draw(app *a);
action screen_end_tap(app *a, float x, float y);
void screen_error_draw(app *a);
action screen_error_tap(app *a, float x, float y);

/* The attract screen (idle_action = attract, attract.h): the essay
 * a->attract_essay's title, a->attract_line and "Touch to read", faded in
 * and out and placed as attract_at says for a->now - a->attract_t0; sets
 * a->attract_level to the strength drawn. Its tap (any touch) is the
 * library. Its colours at full strength: the title, the first line and the
 * invitation, on the theme's paper. */
void screen_attract_draw(app *a);
action screen_attract_tap(app *a, float x, float y);
void screen_attract_ink(int theme, SDL_Color *title, SDL_Color *line, SDL_Color *touch);

/* The admin screen (admin.h: a->adm_lines), behind the admin gesture:
 * the lines in a list that scrolls (a->adm, up to screen_admin_max), over
 * a bar with Close (ACT_CLOSE: the library) and Leave the kiosk
 * (ACT_QUIT_FORCE). Its colours: text, the small title, a warning and the
 * ground of a warning. */
void screen_admin_draw(app *a);
action screen_admin_tap(app *a, float x, float y);
int screen_admin_buttons(app *a, app_button *b);
double screen_admin_max(const app *a);
void screen_admin_ink(int theme, SDL_Color *text, SDL_Color *title, SDL_Color *warn, SDL_Color *warn_bg);

/* The import screen (a->imp_cand, a->imp_phase): "New essays on the USB
 * stick: 12 essays." with Load (ACT_IMPORT_LOAD) and Cancel
 * (ACT_IMPORT_CANCEL); while loading, "Loading the new essays..." and no
 * button; after a failure a->imp_msg and OK (ACT_IMPORT_CANCEL). */
void screen_import_draw(app *a);
action screen_import_tap(app *a, float x, float y);
int screen_import_buttons(app *a, app_button *b);

/* Every touch target of the current screen into b[0..APP_MAX_BUTTONS), for
 * tests: the menu's (without its sheet), End's, the error page's, the
 * contents' Back, the page's menu control, the admin screen's two; none on the library (whose
 * cards span the column). Returns how many. */
int screen_buttons(app *a, app_button *b);

enum screen_button_id {
    MENU_SHEET = 1, MENU_LIBRARY, MENU_SMALLER, MENU_LARGER, MENU_LIGHT, MENU_DARK, MENU_SEPIA, MENU_CONTENTS,
    MENU_CLOSE, END_NEXT, END_LIBRARY, END_BACK, ERR_NEXT, ERR_LIBRARY, TOC_BACK, PAGE_MENU, ADMIN_CLOSE, ADMIN_LEAVE,
    IMPORT_LOAD, IMPORT_CANCEL, IMPORT_OK, ADMIN_IMPORT, ADMIN_BACK
};

/* Over a reading page: the menu control, a quiet mark at the top right of
 * the top band (a->ui.target square, 10 mm, or the band's height when that
 * is less; a tap anywhere in the band opens the menu), and while
 * app_hint_alpha() > 0 the hint on how to turn pages. */
app_button screen_page_control(app *a);
void screen_page_overlay_draw(app *a);
/* How opaque the hint is at a->now, 0..1 (0: not shown). */
float screen_hint_alpha(const app *a);

#endif

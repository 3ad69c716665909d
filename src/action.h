/* action.h - what a tap, a key or a gesture asks the reader to do.
 *
 * The screens (screen_*.c) answer a tap with an action, and the input code
 * (app_input.c) maps keys and gestures to the same actions; app_do
 * (app_nav.c), the one dispatcher, applies them, and is the only code that
 * changes the current screen. An action is a plain value: a kind and, for
 * some kinds, a number. Plain C, no SDL. */
#ifndef LECTERN_ACTION_H
#define LECTERN_ACTION_H

enum action_kind {
    ACT_NONE = 0,
    ACT_OPEN,        /* n: index in the library's list (the order shown) */
    ACT_NEXT_ESSAY,  /* the essay after the open one; after the last, the first */
    ACT_TURN,        /* n: +1 the next page (past the last: the end), -1 the previous */
    ACT_GOTO_PAGE,   /* n: page of the open essay, 0-based */
    ACT_LAST_PAGE,   /* the open essay's last page (from its end: "Back") */
    ACT_SIZE,        /* n: text size steps, +1 larger, -1 smaller */
    ACT_THEME,       /* n: enum theme_id */
    ACT_THEME_NEXT,  /* the next theme, round */
    ACT_LIBRARY,     /* the library (the position is kept) */
    ACT_MENU,        /* the menu over the page */
    ACT_CONTENTS,    /* the contents of the open essay */
    ACT_CLOSE,       /* close the menu or the contents: the page; the admin screen: the library */
    ACT_BACK,        /* Escape: one step back, and on the library the end (not in kiosk mode) */
    ACT_SCROLL,      /* px: pixels to scroll the current list by (+ down) */
    ACT_QUIT,        /* end the reader (not in kiosk mode) */
    ACT_QUIT_FORCE,  /* end it even in kiosk mode (the admin screen's Leave the kiosk, SIGTERM) */
    ACT_ADMIN,       /* the admin screen (the admin gesture, kiosk mode) */
    ACT_IMPORT,      /* the import screen for the essays offered (the admin screen's button, import = signed) */
    ACT_IMPORT_LOAD, /* the import screen's Load: lectern-pack install, then the new essays */
    ACT_IMPORT_CANCEL, /* its Cancel (or OK after a failure): back to what was showing */
    ACT_IMPORT_BACK  /* the admin screen's Go back: the previous (or the built-in) essays */
};

typedef struct action {
    int kind;  /* enum action_kind */
    long n;
    double px; /* ACT_SCROLL */
} action;

static inline action action_make(int kind, long n)
{
    action a = {kind, n, 0};
    return a;
}

static inline action action_scroll(double px)
{
    action a = {ACT_SCROLL, 0, px};
    return a;
}

#define ACTION_NONE action_make(ACT_NONE, 0)

#endif

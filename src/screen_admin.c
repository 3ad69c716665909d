/* screen_admin.c - the kiosk's admin screen (behind the admin gesture):
 * the lines admin.c makes (a->adm_lines, refreshed by app_nav.c), drawn
 * left-aligned and word-wrapped in a list that scrolls (a->adm), above a
 * bar with two buttons, Close (the library) and Leave the kiosk. */
#include "screen.h"

#include <string.h>

#include "admin.h"

static const char TITLE[] = "For staff: this kiosk";

void screen_admin_ink(int theme, SDL_Color *text, SDL_Color *title, SDL_Color *warn, SDL_Color *warn_bg)
{
    screen_colors c = screen_colors_for(theme);
    *text = c.ink;
    *title = c.muted;
    *warn = c.ink;
    *warn_bg = c.card;
}

static int role_of(int kind)
{
    return kind == ADMIN_HEAD ? LAYOUT_H2 : kind == ADMIN_PROBLEM ? LAYOUT_SMALL : LAYOUT_BODY;
}

/* The import's buttons above the bar (import.h): Load the new essays
 * (import = signed: an offer waits), Go back to the previous (or the
 * built-in) essays (loaded essays show). How many, 0..2. */
static int extra_count(const app *a)
{
    int signed_mode = a->o.cfg && a->o.cfg->import_mode == CONFIG_IMPORT_SIGNED;
    return (signed_mode && a->imp_have) + (a->imp_back > 0);
}

/* The bar: its top, and its buttons (Close first, the way back). */
static int bar_top(app *a, int *stacked)
{
    const app_ui *u = &a->ui;
    int half = (a->geom.w - 4 * u->pad - u->gap) / 2;
    *stacked = half < u->target * 4;
    int rows = *stacked ? 2 + extra_count(a) : 1 + (extra_count(a) > 0);
    return a->geom.h - u->pad - rows * u->target - (rows - 1) * u->gap - u->pad;
}

int screen_admin_buttons(app *a, app_button *b)
{
    const app_ui *u = &a->ui;
    int stacked, ytop = bar_top(a, &stacked) + u->pad, w = a->geom.w - 4 * u->pad;
    int y = a->geom.h - u->pad - (stacked ? 2 * u->target + u->gap : u->target);
    int half = (w - u->gap) / 2;
    if (half > u->target * 6) half = u->target * 6;
    memset(b, 0, 2 * sizeof *b);
    if (!stacked) {
        int x = (a->geom.w - 2 * half - u->gap) / 2;
        b[0].r = (SDL_Rect){x, y, half, u->target};
        b[1].r = (SDL_Rect){x + half + u->gap, y, half, u->target};
    } else {
        b[0].r = (SDL_Rect){2 * u->pad, y, w, u->target};
        b[1].r = (SDL_Rect){2 * u->pad, y + u->target + u->gap, w, u->target};
    }
    b[0].id = ADMIN_CLOSE;
    b[0].label = "Close";
    b[0].selected = 1;
    b[1].id = ADMIN_LEAVE;
    b[1].label = "Leave the kiosk";
    /* the import's, on a row of their own above (stacked: one row each) */
    int n = 2, k = extra_count(a);
    if (!k) return 2;
    memset(&b[2], 0, (size_t)k * sizeof *b);
    if (a->o.cfg && a->o.cfg->import_mode == CONFIG_IMPORT_SIGNED && a->imp_have) {
        b[n].id = ADMIN_IMPORT;
        b[n].label = "Load the new essays";
        b[n].sub = a->imp_label;
        b[n].sub_len = strlen(a->imp_label);
        n++;
    }
    if (a->imp_back > 0) {
        b[n].id = ADMIN_BACK;
        b[n].label = a->imp_back == 2 ? "Go back to the previous essays" : "Go back to the built-in essays";
        n++;
    }
    for (int i = 2; i < n; i++) {
        if (stacked) b[i].r = (SDL_Rect){2 * u->pad, ytop + (i - 2) * (u->target + u->gap), w, u->target};
        else if (k == 1) b[i].r = (SDL_Rect){(a->geom.w - 2 * half - u->gap) / 2, ytop, 2 * half + u->gap, u->target};
        else b[i].r = (SDL_Rect){b[i - 2].r.x, ytop, half, u->target};
    }
    return n;
}

/* Where the next line of s[0..n) ends: as many words as fit in max_px (at
 * least one, which render_text_line shortens if it alone is too wide). */
static size_t fit(app *a, int role, const char *s, size_t n, int max_px)
{
    size_t end = 0;
    while (end < n) {
        size_t q = end;
        while (q < n && s[q] == ' ') q++;
        while (q < n && s[q] != ' ') q++;
        if (end > 0 && render_text_line_width(a->rd, role, (const uint8_t *)s, q, 1 << 20) > max_px) break;
        end = q;
    }
    return end;
}

/* Lay out (and with draw, draw) the lines from y = top - scroll; returns
 * the height of the whole. */
static int lines(app *a, int draw, int top, double scroll)
{
    const app_ui *u = &a->ui;
    SDL_Color text, title, warn, warn_bg;
    screen_admin_ink(a->theme, &text, &title, &warn, &warn_bg);
    int x = 2 * u->pad, w = a->geom.w - 4 * u->pad, y = top - (int)scroll;
    int ls = screen_line_h(a, LAYOUT_SMALL);
    if (draw)
        render_text_line(a->rd, LAYOUT_SMALL, (const uint8_t *)TITLE, sizeof TITLE - 1, x,
                         screen_baseline(a, LAYOUT_SMALL, y, ls), w, 0, title);
    y += ls;
    for (size_t i = 0; i < a->adm_n; i++) {
        const admin_line *l = &a->adm_lines[i];
        int role = role_of(l->kind), lh = screen_line_h(a, role);
        int ind = l->kind == ADMIN_PROBLEM ? u->pad : 0, box = l->kind == ADMIN_WARN ? u->pad / 2 : 0;
        if (l->kind == ADMIN_HEAD) y += u->gap;
        const char *s = l->text;
        size_t n = strlen(s);
        /* the lines this one takes (at most 8: the rest is shortened) */
        size_t starts[9], ends[9];
        int k = 0;
        while (n && k < 8) {
            while (n && *s == ' ') s++, n--;
            size_t e = k == 7 ? n : fit(a, role, s, n, w - ind - 2 * box);
            starts[k] = (size_t)(s - l->text);
            ends[k] = starts[k] + e;
            k++;
            s += e;
            n -= e;
        }
        int h = k * lh + 2 * box;
        if (draw && y + h > 0 && y < a->geom.h) {
            if (box) render_round_rect(a->rd, x, y, w, h, u->radius, warn_bg);
            for (int j = 0; j < k; j++)
                render_text_line(a->rd, role, (const uint8_t *)l->text + starts[j], ends[j] - starts[j], x + ind + box,
                                 screen_baseline(a, role, y + box + j * lh, lh), w - ind - 2 * box, 0,
                                 l->kind == ADMIN_WARN ? warn : text);
        }
        y += h + (box ? u->gap / 2 : 0);
    }
    return y + (int)scroll - top;
}

static int view_h(app *a)
{
    int stacked;
    return bar_top(a, &stacked) - a->ui.pad;
}

double screen_admin_max(const app *ca)
{
    app *a = (app *)ca; /* measuring draws nothing */
    if (!a->rd || a->screen != APP_ADMIN) return 0;
    double m = lines(a, 0, a->ui.pad, 0) - (view_h(a) - a->ui.pad);
    return m > 0 ? m : 0;
}

void screen_admin_draw(app *a)
{
    screen_colors c = screen_colors_for(a->theme);
    app_button b[4];
    int n = screen_admin_buttons(a, b), stacked, top = bar_top(a, &stacked);
    render_fill(a->rd, 0, 0, a->geom.w, a->geom.h, c.bg);
    lines(a, 1, a->ui.pad, a->adm.scroll);
    /* the bar over what scrolls under it, with a line at its top */
    render_fill(a->rd, 0, top, a->geom.w, a->geom.h - top, c.bg);
    render_fill(a->rd, 0, top, a->geom.w, 1, c.line);
    for (int i = 0; i < n; i++) screen_draw_button(a, &c, &b[i]);
    render_flush(a->rd);
}

action screen_admin_tap(app *a, float x, float y)
{
    app_button b[4];
    int n = screen_admin_buttons(a, b), i = screen_hit(b, n, x, y);
    if (i >= 0 && b[i].id == ADMIN_CLOSE) return action_make(ACT_CLOSE, 0);
    if (i >= 0 && b[i].id == ADMIN_LEAVE) return action_make(ACT_QUIT_FORCE, 0);
    if (i >= 0 && b[i].id == ADMIN_IMPORT) return action_make(ACT_IMPORT, 0);
    if (i >= 0 && b[i].id == ADMIN_BACK) return action_make(ACT_IMPORT_BACK, 0);
    return ACTION_NONE;
}

/* screen_import.c - "New essays on the USB stick: 12 essays." with Load and
 * Cancel; "Loading the new essays..." while lectern-pack install runs; and
 * what went wrong, in plain words, with OK. The essays shown stay until the
 * new ones are in place. */
#include "screen.h"

#include <stdio.h>
#include <string.h>

int screen_import_buttons(app *a, app_button *b)
{
    if (a->imp_phase == APP_IMP_LOADING) return 0;
    const app_ui *u = &a->ui;
    int T = u->target * 3 / 2, w = u->col_w, half = (w - u->gap) / 2;
    if (half > u->target * 6) half = u->target * 6;
    int stacked = half < u->target * 4;
    int n = a->imp_phase == APP_IMP_OFFER ? 2 : 1;
    int y = a->geom.h - u->pad * 2 - (stacked && n == 2 ? 2 * T + u->gap : T);
    memset(b, 0, (size_t)n * sizeof *b);
    if (n == 1) {
        int bw = stacked ? w : half;
        b[0].r = (SDL_Rect){u->col_x + (w - bw) / 2, y, bw, T};
        b[0].id = IMPORT_OK;
        b[0].label = "OK";
        b[0].selected = 1;
        return 1;
    }
    screen_two_buttons(a, b, y, IMPORT_LOAD, "Load", IMPORT_CANCEL, "Cancel", 1);
    b[0].selected = 1; /* the way on */
    return 2;
}

/* The stick's or folder's name, as a teacher named it: "lectern" or "Essays.lpk". */
static const char *source_name(const app *a)
{
    const char *s = strrchr(a->imp_cand.path, '/');
    return s ? s + 1 : a->imp_cand.path;
}

void screen_import_draw(app *a)
{
    screen_colors c = screen_colors_for(a->theme);
    const app_ui *u = &a->ui;
    app_button b[2];
    int n = screen_import_buttons(a, b);
    render_fill(a->rd, 0, 0, a->geom.w, a->geom.h, c.bg);
    const char *where = a->imp_cand.where == IMPORT_BOOT ? "on the SD card" : "on the USB stick";
    char head[160], line[IMPORT_MSG_MAX + 64];
    int lines_max = 2;
    if (a->imp_phase == APP_IMP_OFFER) {
        snprintf(head, sizeof head, "New essays %s: %zu essay%s.", where, a->imp_cand.essays,
                 a->imp_cand.essays == 1 ? "" : "s");
        if (a->imp_cand.kind == IMPORT_KIND_FOLDER)
            snprintf(line, sizeof line, "From the folder \xE2\x80\x9C%.200s\xE2\x80\x9D. Load shows them instead of the essays here now.",
                     source_name(a));
        else
            snprintf(line, sizeof line, "From \xE2\x80\x9C%.200s\xE2\x80\x9D. Load shows them instead of the essays here now.",
                     source_name(a));
    } else if (a->imp_phase == APP_IMP_LOADING) {
        snprintf(head, sizeof head, "Loading the new essays\xE2\x80\xA6");
        snprintf(line, sizeof line, "The essays here now stay until the new ones are ready. Leave the %s in.",
                 a->imp_cand.where == IMPORT_BOOT ? "SD card" : "stick");
    } else {
        snprintf(head, sizeof head, "The new essays were not loaded");
        size_t ml = strlen(a->imp_msg);
        int stop = ml && (a->imp_msg[ml - 1] == '.' || a->imp_msg[ml - 1] == ')');
        snprintf(line, sizeof line, "%s%s The essays here now are unchanged.", a->imp_msg, stop ? "" : ".");
        lines_max = 6;
    }
    int top = u->pad, bottom = n ? b[0].r.y : a->geom.h - u->pad;
    int l1 = screen_line_h(a, LAYOUT_H1), l2 = screen_line_h(a, LAYOUT_BODY);
    int block = 2 * l1 + u->gap + lines_max * l2;
    int y = top + (bottom - top - block) / 2;
    if (y < top) y = top;
    int after = screen_wrap(a, LAYOUT_H1, head, strlen(head), u->col_x, screen_baseline(a, LAYOUT_H1, y, l1),
                            u->col_w, 2, c.ink);
    y = after - l1 + l1 / 2 + u->gap;
    screen_wrap(a, LAYOUT_BODY, line, strlen(line), u->col_x, screen_baseline(a, LAYOUT_BODY, y, l2) + l2 / 2,
                u->col_w, lines_max, c.muted);
    for (int i = 0; i < n; i++) screen_draw_button(a, &c, &b[i]);
    render_flush(a->rd);
}

action screen_import_tap(app *a, float x, float y)
{
    app_button b[2];
    int n = screen_import_buttons(a, b), i = screen_hit(b, n, x, y);
    if (i < 0) return ACTION_NONE;
    if (b[i].id == IMPORT_LOAD) return action_make(ACT_IMPORT_LOAD, 0);
    return action_make(ACT_IMPORT_CANCEL, 0); /* Cancel, OK */
}

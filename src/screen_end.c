/* screen_end.c - the end of an essay (next essay, or the library) and the
 * error page: plain words for whoever stands at the kiosk; the detail went
 * to stderr. */
#include "screen.h"

#include <stdio.h>
#include <string.h>

#include "pack.h"

static const pack_entry *next_entry(const app *a)
{
    if (!a->nlist || !a->pk) return NULL;
    size_t next = a->list_pos >= 0 ? ((size_t)a->list_pos + 1) % a->nlist : 0;
    size_t idx = pack_essay_index(a->pk, a->list[next]);
    return idx == (size_t)-1 ? NULL : pack_entry_at(a->pk, idx);
}

int screen_end_buttons(app *a, app_button *b)
{
    const app_ui *u = &a->ui;
    const pack_entry *nx = next_entry(a);
    int T = u->target * 3 / 2, stacked = (u->col_w - u->gap) / 2 < u->target * 4;
    int y = a->geom.h - u->pad * 2 - (stacked ? 2 * T + u->gap : T);
    screen_two_buttons(a, b, y, END_NEXT, "Next essay", END_LIBRARY, "Library", 1);
    if (nx) {
        b[0].sub = nx->title;
        b[0].sub_len = nx->title_len;
    }
    b[0].selected = 1; /* the way on */
    memset(&b[2], 0, sizeof b[2]);
    b[2].r = (SDL_Rect){u->col_x, u->pad, u->target * 2, u->target};
    b[2].id = END_BACK;
    b[2].label = "\xE2\x80\xB9 Back";
    return 3;
}

void screen_end_draw(app *a)
{
    screen_colors c = screen_colors_for(a->theme);
    const app_ui *u = &a->ui;
    app_button b[3];
    int n = screen_end_buttons(a, b);
    render_fill(a->rd, 0, 0, a->geom.w, a->geom.h, c.bg);
    /* the title in the space between Back and the buttons */
    int top = u->pad + u->target, bottom = b[0].r.y;
    int l0 = screen_line_h(a, LAYOUT_SMALL), l1 = screen_line_h(a, LAYOUT_H1), l2 = screen_line_h(a, LAYOUT_BODY);
    int block = l0 + 2 * l1 + l2 + u->gap;
    int y = top + (bottom - top - block) / 2;
    static const char end[] = "The end of";
    render_text_line(a->rd, LAYOUT_SMALL, (const uint8_t *)end, sizeof end - 1, u->col_x,
                     screen_baseline(a, LAYOUT_SMALL, y, l0), u->col_w, 1, c.muted);
    y += l0 + u->gap;
    int after = screen_wrap(a, LAYOUT_H1, a->title, strlen(a->title), u->col_x, screen_baseline(a, LAYOUT_H1, y, l1),
                            u->col_w, 2, c.ink);
    const pack_entry *en = NULL;
    size_t idx = a->pk ? pack_essay_index(a->pk, a->essay_no) : (size_t)-1;
    if (idx != (size_t)-1) en = pack_entry_at(a->pk, idx);
    if (en && en->byline_len)
        render_text_line(a->rd, LAYOUT_BODY, (const uint8_t *)en->byline, en->byline_len, u->col_x,
                         after - screen_line_h(a, LAYOUT_H1) + l1 / 2 + l2, u->col_w, 1, c.muted);
    for (int i = 0; i < n; i++) screen_draw_button(a, &c, &b[i]);
    render_flush(a->rd);
}

action screen_end_tap(app *a, float x, float y)
{
    app_button b[3];
    int n = screen_end_buttons(a, b), i = screen_hit(b, n, x, y);
    if (i >= 0 && b[i].id == END_NEXT) return action_make(ACT_NEXT_ESSAY, 0);
    if (i >= 0 && b[i].id == END_LIBRARY) return action_make(ACT_LIBRARY, 0);
    if ((i >= 0 && b[i].id == END_BACK) || (i < 0 && x < a->geom.w / 3.0f)) return action_make(ACT_LAST_PAGE, 0);
    return ACTION_NONE;
}

/* ---- the error page ------------------------------------------------------------------------- */

int screen_error_buttons(app *a, app_button *b)
{
    if (a->error_kind != APP_ERR_ESSAY || !a->nlist) return 0;
    const app_ui *u = &a->ui;
    int stacked = (u->col_w - u->gap) / 2 < u->target * 4;
    int y = a->geom.h - u->pad * 2 - (stacked ? 2 * u->target + u->gap : u->target);
    return screen_two_buttons(a, b, y, ERR_NEXT, "Next essay", ERR_LIBRARY, "Library", 0);
}

/* Without any font (no pack and no system face) the page says it with
 * shapes: a sheet of paper with its lines struck through. */
static void draw_shapes(app *a)
{
    const render_theme *th = render_theme_at(a->theme);
    int w = a->geom.w, h = a->geom.h, pw = (w < h ? w : h) / 3, ph = pw * 4 / 3;
    SDL_SetRenderDrawBlendMode(a->ren, SDL_BLENDMODE_NONE);
    SDL_SetRenderDrawColor(a->ren, th->bg.r, th->bg.g, th->bg.b, 255);
    SDL_RenderClear(a->ren);
    SDL_Rect paper = {(w - pw) / 2, (h - ph) / 2, pw, ph};
    SDL_SetRenderDrawColor(a->ren, th->track.r, th->track.g, th->track.b, 255);
    SDL_RenderFillRect(a->ren, &paper);
    SDL_SetRenderDrawColor(a->ren, th->muted.r, th->muted.g, th->muted.b, 255);
    for (int i = 1; i <= 5; i++) {
        SDL_Rect line = {paper.x + pw / 8, paper.y + i * ph / 7, pw * 3 / 4 - (i == 5 ? pw / 4 : 0), ph / 40 + 1};
        SDL_RenderFillRect(a->ren, &line);
    }
    for (int k = -2; k <= 2; k++)
        SDL_RenderDrawLine(a->ren, paper.x + k, paper.y + ph, paper.x + pw + k, paper.y);
}

void screen_error_draw(app *a)
{
    if (!a->rd) {
        draw_shapes(a);
        return;
    }
    screen_colors c = screen_colors_for(a->theme);
    const app_ui *u = &a->ui;
    app_button b[2];
    int n = screen_error_buttons(a, b);
    render_fill(a->rd, 0, 0, a->geom.w, a->geom.h, c.bg);
    const char *head, *l1, *l2;
    if (a->error_kind == APP_ERR_NOPACK) {
        head = "Nothing to read just now";
        l1 = "The reader cannot find its essays.";
        l2 = "Please let a member of staff know.";
    } else {
        head = "This essay cannot be shown";
        l1 = "Its copy on this reader is damaged.";
        l2 = "Please choose another one.";
    }
    int bottom = n ? b[0].r.y : a->geom.h;
    int lh1 = screen_line_h(a, LAYOUT_H1), lhb = screen_line_h(a, LAYOUT_BODY);
    int block = 2 * lh1 + u->gap + 2 * lhb, y = (bottom - block) / 2;
    if (y < u->pad) y = u->pad;
    int base = screen_wrap(a, LAYOUT_H1, head, strlen(head), u->col_x, screen_baseline(a, LAYOUT_H1, y, lh1), u->col_w,
                           2, c.ink);
    base += u->gap;
    base = screen_wrap(a, LAYOUT_BODY, l1, strlen(l1), u->col_x, base, u->col_w, 2, c.muted);
    screen_wrap(a, LAYOUT_BODY, l2, strlen(l2), u->col_x, base, u->col_w, 2, c.muted);
    for (int i = 0; i < n; i++) screen_draw_button(a, &c, &b[i]);
    render_flush(a->rd);
}

action screen_error_tap(app *a, float x, float y)
{
    app_button b[2];
    int n = screen_error_buttons(a, b), i = screen_hit(b, n, x, y);
    if (i >= 0 && b[i].id == ERR_NEXT) return action_make(ACT_NEXT_ESSAY, 0);
    if (i >= 0 && b[i].id == ERR_LIBRARY) return action_make(ACT_LIBRARY, 0);
    return ACTION_NONE;
}

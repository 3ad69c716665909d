/* screen_attract.c - the attract screen (idle_action = attract): on the
 * theme's paper, one essay at a time, its title, its first line and "Touch
 * to read", fading in and out (attract.h decides when, how strong and
 * where; this file only draws it). The text is drawn opaque, in a colour
 * between the paper and its own, so a fade is the same on every renderer
 * and nothing blends. */
#include "screen.h"

#include <math.h>
#include <string.h>

#include "attract.h"
#include "pack.h"

static const char TOUCH[] = "Touch to read";

void screen_attract_ink(int theme, SDL_Color *title, SDL_Color *line, SDL_Color *touch)
{
    screen_colors c = screen_colors_for(theme);
    *title = c.ink;
    *line = c.ink;
    *touch = c.muted;
}

/* level/ATTRACT_LEVELS of the way from the paper to c. */
static SDL_Color toward(SDL_Color bg, SDL_Color c, int level)
{
    float t = (float)level / ATTRACT_LEVELS;
    return (SDL_Color){(uint8_t)lroundf(bg.r + (c.r - bg.r) * t), (uint8_t)lroundf(bg.g + (c.g - bg.g) * t),
                       (uint8_t)lroundf(bg.b + (c.b - bg.b) * t), 255};
}

/* Lines s takes in max_px (0, 1 or 2: the rest is shortened). */
static int lines_of(app *a, int role, const char *s, size_t n, int max_px)
{
    if (!n) return 0;
    return render_text_line_width(a->rd, role, (const uint8_t *)s, n, 1 << 20) > max_px ? 2 : 1;
}

void screen_attract_draw(app *a)
{
    screen_colors c = screen_colors_for(a->theme);
    const app_ui *u = &a->ui;
    int w = a->geom.w, h = a->geom.h;
    render_fill(a->rd, 0, 0, w, h, c.bg);
    attract_frame f = attract_at(a->now - a->attract_t0, 1);
    a->attract_level = attract_level(f.alpha);
    if (!a->attract_level) {
        render_flush(a->rd);
        return;
    }
    SDL_Color ti, li, to;
    screen_attract_ink(a->theme, &ti, &li, &to);
    ti = toward(c.bg, ti, a->attract_level);
    li = toward(c.bg, li, a->attract_level);
    to = toward(c.bg, to, a->attract_level);

    size_t idx = a->pk && a->attract_essay ? pack_essay_index(a->pk, a->attract_essay) : (size_t)-1;
    const pack_entry *en = idx != (size_t)-1 ? pack_entry_at(a->pk, idx) : NULL;
    const char *title = en ? en->title : "", *line = a->attract_line;
    size_t tn = en ? en->title_len : 0, ln = strlen(line);

    /* the block: at most the text column, and 70 % of a landscape panel's
     * width (84 % of a portrait one's, which has room to move downwards),
     * so that it has room to move */
    int margin = 2 * u->pad, bw = (int)(w * (h > w ? 0.84 : 0.7));
    if (bw > u->col_w) bw = u->col_w;
    if (bw > w - 2 * margin) bw = w - 2 * margin;
    if (bw < 1) bw = 1;
    int lt = screen_line_h(a, LAYOUT_TITLE), lb = screen_line_h(a, LAYOUT_BODY), ls = screen_line_h(a, LAYOUT_SMALL);
    int nt = lines_of(a, LAYOUT_TITLE, title, tn, bw), nb = lines_of(a, LAYOUT_BODY, line, ln, bw);
    int bh = nt * lt + (nb ? u->gap + nb * lb : 0) + (nt || nb ? 2 * u->gap : 0) + ls;
    int rx = w - 2 * margin - bw, ry = h - 2 * margin - bh;
    int x = margin + (rx > 0 ? (int)lroundf(rx * f.fx) : rx / 2);
    int y = margin + (ry > 0 ? (int)lroundf(ry * f.fy) : ry / 2);

    if (nt) y = screen_wrap(a, LAYOUT_TITLE, title, tn, x, screen_baseline(a, LAYOUT_TITLE, y, lt), bw, 2, ti) -
                screen_baseline(a, LAYOUT_TITLE, 0, lt);
    if (nb) {
        y += u->gap;
        y = screen_wrap(a, LAYOUT_BODY, line, ln, x, screen_baseline(a, LAYOUT_BODY, y, lb), bw, 2, li) -
            screen_baseline(a, LAYOUT_BODY, 0, lb);
    }
    if (nt || nb) y += 2 * u->gap;
    render_text_line(a->rd, LAYOUT_SMALL, (const uint8_t *)TOUCH, sizeof TOUCH - 1, x,
                     screen_baseline(a, LAYOUT_SMALL, y, ls), bw, 1, to);
    render_flush(a->rd);
}

action screen_attract_tap(app *a, float x, float y)
{
    (void)a;
    (void)x;
    (void)y;
    return action_make(ACT_LIBRARY, 0); /* anywhere: the visitor wants to read */
}

/* screen_page.c - what lies over a reading page: the quiet menu control in
 * the top band, and on the first page a visitor sees, the hint on how to
 * turn pages (it fades after the first turn, app.c). */
#include "screen.h"

#include <math.h>
#include <string.h>

app_button screen_page_control(app *a)
{
    const app_ui *u = &a->ui;
    /* a->ui.target is 10 mm at the panel's density (screen_layout), inside
     * the top band, whose every tap opens the menu: the mark only says where */
    int t = u->target < u->top_band ? u->target : u->top_band;
    app_button b;
    memset(&b, 0, sizeof b);
    b.r = (SDL_Rect){a->geom.w - t - u->pad / 2, 0, t, t};
    b.id = PAGE_MENU;
    b.label = "Menu";
    return b;
}

float screen_hint_alpha(const app *a)
{
    if (a->screen != APP_READING || a->hint == APP_HINT_NONE) return 0;
    if (a->hint == APP_HINT_SHOW) return 1;
    uint64_t t = a->now - a->hint_t0;
    return t >= TUN_HINT_FADE_MS ? 0 : 1 - (float)t / TUN_HINT_FADE_MS;
}

static const char HINT[] = "Tap the right side for the next page, the left side to go back";

static SDL_Color fade(SDL_Color c, float alpha)
{
    c.a = (uint8_t)lroundf(c.a * alpha);
    return c;
}

void screen_page_overlay_draw(app *a)
{
    if (!a->rd) return;
    screen_colors c = screen_colors_for(a->theme);
    const app_ui *u = &a->ui;
    /* the control: three short bars, thin and grey like the running title */
    app_button m = screen_page_control(a);
    int bw = m.r.w * 2 / 5, bh = u->gap / 3 > 2 ? u->gap / 3 : 2, step = bh * 3;
    /* (a pixel or two off now and then: burn-in care, burnin.h; the target stays) */
    int bx = m.r.x + (m.r.w - bw) / 2 + a->burn_dx, by = m.r.y + (m.r.h - 3 * bh - 2 * (step - bh)) / 2 + a->burn_dy;
    for (int i = 0; i < 3; i++) render_fill(a->rd, bx, by + i * step, bw, bh, c.muted);

    float alpha = screen_hint_alpha(a);
    if (alpha <= 0) return;
    /* the hint: a card over the foot of the text, one or two lines */
    int lh = screen_line_h(a, LAYOUT_SMALL), n = (int)strlen(HINT);
    int tw = render_text_line_width(a->rd, LAYOUT_SMALL, (const uint8_t *)HINT, (size_t)n, 1 << 20);
    int max_w = u->col_w - 2 * u->pad, lines = tw > max_w ? 2 : 1;
    int inner = lines == 1 ? tw + 2 : max_w; /* + 2: measured and drawn may round apart */
    int w = inner + 2 * u->pad, h = lines * lh + 2 * u->pad;
    int x = (a->geom.w - w) / 2, y = a->geom.h - u->top_band - h - u->gap;
    if (y < u->top_band) y = u->top_band;
    render_round_rect(a->rd, x - 1, y - 1, w + 2, h + 2, u->radius * 2, fade(c.line, alpha));
    render_round_rect(a->rd, x, y, w, h, u->radius * 2, fade(c.button, alpha));
    render_flush(a->rd);
    screen_wrap(a, LAYOUT_SMALL, HINT, (size_t)n, x + u->pad, screen_baseline(a, LAYOUT_SMALL, y + u->pad, lh), inner,
                2, fade(c.ink, alpha));
    render_flush(a->rd);
}

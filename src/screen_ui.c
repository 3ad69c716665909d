/* screen_ui.c - what the screens share: sizes, colours, buttons, text. */
#include "screen.h"

#include <math.h>
#include <string.h>

static int maxi(int a, int b) { return a > b ? a : b; }

void screen_layout(app *a)
{
    app_ui *u = &a->ui;
    double mm = (a->dpi > 0 ? a->dpi : TUN_DPI_FALLBACK) / 25.4;
    int w = a->geom.w, h = a->geom.h;
    /* sizes in mm at the panel's density, with a floor in pixels (tunables.h) */
    u->target = maxi(TUN_TARGET_MIN_PX, (int)lround(TUN_TARGET_MM * mm));
    u->pad = maxi(TUN_PAD_MIN_PX, (int)lround(TUN_PAD_MM * mm));
    u->gap = maxi(TUN_GAP_MIN_PX, (int)lround(TUN_GAP_MM * mm));
    u->radius = maxi(TUN_RADIUS_MIN_PX, (int)lround(TUN_RADIUS_MM * mm));
    if (a->fonts && a->geom.text_w > 0) {
        u->col_x = a->geom.text_x;
        u->col_w = a->geom.text_w;
    } else {
        u->col_x = w / 20;
        u->col_w = w - 2 * u->col_x;
    }
    int body = a->fonts ? font_role_px(a->fonts, LAYOUT_BODY) : TUN_NOFONT_BODY_PX;
    int h1 = a->fonts ? font_role_px(a->fonts, LAYOUT_H1) : TUN_NOFONT_H1_PX;
    int h2 = a->fonts ? font_role_px(a->fonts, LAYOUT_H2) : TUN_NOFONT_H2_PX;
    int sm = a->fonts ? font_role_px(a->fonts, LAYOUT_SMALL) : TUN_NOFONT_SMALL_PX;
    u->head_h = maxi(u->target + u->pad, (int)lround(h1 * TUN_HEAD_LINES) + 2 * u->pad);
    /* a card: title, byline, reading time and progress, each on a line */
    u->card_h = maxi((int)(u->target * TUN_CARD_MIN_TARGETS),
                     (int)lround(h2 * TUN_CARD_TITLE_LINES + body * TUN_CARD_BYLINE_LINES + sm * TUN_CARD_META_LINES) +
                         2 * u->pad + 4);
    u->card_pitch = u->card_h + u->gap;
    u->row_h = maxi(u->target, (int)lround(body * TUN_ROW_BODY_SIZES));
    u->top_band = maxi(a->geom.text_y, u->target);
    if (u->top_band > (int)(h * TUN_TOP_BAND_MAX_FRACTION)) u->top_band = (int)(h * TUN_TOP_BAND_MAX_FRACTION);
    /* lists keep their place, within their new length */
    double lmax = screen_library_max(a), tmax = screen_contents_max(a);
    if (a->lib.scroll > lmax) a->lib.scroll = lmax;
    if (a->toc.scroll > tmax) a->toc.scroll = tmax;
}

static SDL_Color mix(SDL_Color a, SDL_Color b, float t)
{
    return (SDL_Color){(uint8_t)lroundf(a.r + (b.r - a.r) * t), (uint8_t)lroundf(a.g + (b.g - a.g) * t),
                       (uint8_t)lroundf(a.b + (b.b - a.b) * t), 255};
}

screen_colors screen_colors_for(int theme)
{
    const render_theme *th = render_theme_at(theme);
    screen_colors c;
    c.bg = th->bg;
    c.ink = th->ink;
    c.muted = th->muted;
    c.track = th->track;
    c.fill = th->fill;
    c.card = mix(th->bg, th->ink, th->card);
    c.line = mix(th->bg, th->ink, th->line);
    c.button = mix(th->bg, th->ink, th->button);
    c.sheet = mix(th->bg, th->ink, th->sheet);
    c.scrim = (SDL_Color){0, 0, 0, th->scrim};
    return c;
}

/* Baseline that centres a line of `role` in a box from y, h high. */
int screen_baseline(app *a, int role, int y, int h)
{
    layout_metrics m = font_metrics(a->fonts);
    int lh = (int)lround(m.line_height(m.ctx, role) / 64.0), asc = (int)lround(m.ascent(m.ctx, role) / 64.0);
    return y + (h - lh) / 2 + asc;
}

int screen_line_h(app *a, int role)
{
    layout_metrics m = font_metrics(a->fonts);
    return (int)lround(m.line_height(m.ctx, role) / 64.0);
}

void screen_draw_button(app *a, const screen_colors *c, const app_button *b)
{
    SDL_Color fill = b->selected ? c->ink : c->button, text = b->selected ? c->bg : b->disabled ? c->line : c->ink;
    render_round_rect(a->rd, b->r.x, b->r.y, b->r.w, b->r.h, a->ui.radius, fill);
    int role = b->role ? b->role : LAYOUT_BODY;
    const uint8_t *l = (const uint8_t *)b->label;
    int inner = b->r.w - 2 * a->ui.pad / 2;
    if (!b->sub) {
        render_text_line(a->rd, role, l, strlen(b->label), b->r.x + a->ui.pad / 2, screen_baseline(a, role, b->r.y, b->r.h),
                         inner, 1, text);
        return;
    }
    int l1 = screen_line_h(a, role), l2 = screen_line_h(a, LAYOUT_SMALL), top = b->r.y + (b->r.h - l1 - l2) / 2;
    render_text_line(a->rd, role, l, strlen(b->label), b->r.x + a->ui.pad / 2, screen_baseline(a, role, top, l1), inner,
                     1, text);
    render_text_line(a->rd, LAYOUT_SMALL, (const uint8_t *)b->sub, b->sub_len, b->r.x + a->ui.pad / 2,
                     screen_baseline(a, LAYOUT_SMALL, top + l1, l2), inner, 1, b->selected ? c->bg : c->muted);
}

/* Two buttons side by side when they fit at a good width, else one above the other. */
int screen_two_buttons(app *a, app_button *b, int y, int id1, const char *l1, int id2, const char *l2, int tall)
{
    const app_ui *u = &a->ui;
    int T = tall ? u->target * 3 / 2 : u->target, w = u->col_w, half = (w - u->gap) / 2;
    if (half > u->target * 6) half = u->target * 6;
    memset(b, 0, 2 * sizeof *b);
    if (half >= u->target * 4) {
        int x = u->col_x + (w - 2 * half - u->gap) / 2;
        b[0].r = (SDL_Rect){x, y, half, T};
        b[1].r = (SDL_Rect){x + half + u->gap, y, half, T};
    } else {
        b[0].r = (SDL_Rect){u->col_x, y, w, T};
        b[1].r = (SDL_Rect){u->col_x, y + T + u->gap, w, T};
    }
    b[0].id = id1;
    b[0].label = l1;
    b[1].id = id2;
    b[1].label = l2;
    return 2;
}

int screen_hit(const app_button *b, int n, float x, float y)
{
    /* the last drawn is on top */
    for (int i = n - 1; i >= 0; i--)
        if (x >= b[i].r.x && x < b[i].r.x + b[i].r.w && y >= b[i].r.y && y < b[i].r.y + b[i].r.h) return i;
    return -1;
}

/* Words of s[0..n) in lines no wider than max_px, each centred in
 * [x, x + max_px), first baseline y, at most max_lines (the last shortened
 * with an ellipsis). Returns the baseline after the last line. */
int screen_wrap(app *a, int role, const char *s, size_t n, int x, int y, int max_px, int max_lines, SDL_Color c)
{
    int lh = screen_line_h(a, role);
    size_t start = 0;
    for (int line = 0; start < n && line < max_lines; line++) {
        while (start < n && s[start] == ' ') start++;
        size_t fit = start;
        while (fit < n) {
            size_t q = fit;
            while (q < n && s[q] == ' ') q++;
            while (q < n && s[q] != ' ') q++;
            if (fit > start &&
                render_text_line_width(a->rd, role, (const uint8_t *)s + start, q - start, 1 << 20) > max_px)
                break;
            fit = q;
        }
        if (line == max_lines - 1) fit = n; /* the rest, shortened */
        render_text_line(a->rd, role, (const uint8_t *)s + start, fit - start, x, y, max_px, 1, c);
        y += lh;
        start = fit;
    }
    return y;
}

int screen_buttons(app *a, app_button *b)
{
    app_button m[APP_MAX_BUTTONS];
    int n = 0;
    switch (a->screen) {
    case APP_MENU:
        n = screen_menu_buttons(a, m) - 1;
        memcpy(b, m + 1, (size_t)n * sizeof *b);
        return n;
    case APP_END: return screen_end_buttons(a, b);
    case APP_ERROR: return screen_error_buttons(a, b);
    case APP_CONTENTS: b[0] = screen_contents_back(a); return 1;
    case APP_READING: b[0] = screen_page_control(a); return 1;
    case APP_ADMIN: return screen_admin_buttons(a, b);
    case APP_IMPORT: return screen_import_buttons(a, b);
    default: return 0;
    }
}

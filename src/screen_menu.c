/* screen_menu.c - the menu over the page (library, text size, theme,
 * contents, close) and the contents list (the essay's headings). */
#include "screen.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static int label_w(app *a, int role, const char *s)
{
    return render_text_line_width(a->rd, role, (const uint8_t *)s, strlen(s), 1 << 20);
}

static app_button button(int id, const char *label, int role, int x, int y, int w, int h)
{
    app_button b;
    memset(&b, 0, sizeof b);
    b.r = (SDL_Rect){x, y, w, h};
    b.id = id;
    b.label = label;
    b.role = role;
    return b;
}

static const char L_SIZE[] = "Text size", L_THEME[] = "Theme";

/* The sheet is b[0]; then Library and Close, A- and A+, the three themes,
 * and Contents when the essay has headings. Labels "Text size" and "Theme"
 * go beside their buttons when there is room, else above them. */
int screen_menu_buttons(app *a, app_button *b)
{
    const app_ui *u = &a->ui;
    int T = u->target, g = u->gap, P = u->pad * 3 / 2;
    int sw = a->geom.w - 2 * u->pad;
    if (sw > T * TUN_MENU_MAX_TARGETS) sw = T * TUN_MENU_MAX_TARGETS;
    int inner = sw - 2 * P, n = 1;
    int sx = (a->geom.w - sw) / 2, ix = sx + P;

    /* widths first, then the height, then place it all */
    static const char *const themes[3] = {"Light", "Dark", "Sepia"};
    int tw = T * 3 / 2;
    for (int i = 0; i < 3; i++) {
        int lw = label_w(a, LAYOUT_BODY, themes[i]) + 2 * u->pad;
        if (lw > tw) tw = lw;
    }
    if (3 * tw + 2 * g > inner) tw = (inner - 2 * g) / 3;
    /* the labels grow with the text size (a reader who needs large text
     * gets a large menu); the buttons grow with them */
    int aw = T * 3 / 2, lh = screen_line_h(a, LAYOUT_BODY);
    if (label_w(a, LAYOUT_H1, "A+") + 2 * u->pad > aw) aw = label_w(a, LAYOUT_H1, "A+") + 2 * u->pad;
    int size_beside = label_w(a, LAYOUT_BODY, L_SIZE) + g * 2 + 2 * aw + g <= inner;
    int theme_beside = label_w(a, LAYOUT_BODY, L_THEME) + g * 2 + 3 * tw + 2 * g <= inner;
    int h = P + T + g * 2 + (size_beside ? 0 : lh) + T + g * 2 + (theme_beside ? 0 : lh) + T + (a->ntoc ? g * 2 + T : 0) + P;
    int sy = (a->geom.h - h) / 2;
    if (sy < u->pad) sy = u->pad;
    b[0] = button(MENU_SHEET, "", 0, sx, sy, sw, h);

    int y = sy + P;
    int top_w = T * 3;
    for (int i = 0; i < 2; i++) {
        int lw = label_w(a, LAYOUT_BODY, i ? "Close" : "Library") + 2 * u->pad;
        if (lw > top_w) top_w = lw;
    }
    if (top_w > (inner - g) / 2) top_w = (inner - g) / 2;
    b[n++] = button(MENU_LIBRARY, "Library", LAYOUT_BODY, ix, y, top_w, T);
    b[n++] = button(MENU_CLOSE, "Close", LAYOUT_BODY, ix + inner - top_w, y, top_w, T);
    y += T + g * 2;

    if (!size_beside) y += lh;
    b[n] = button(MENU_SMALLER, "A\xE2\x88\x92", LAYOUT_SMALL, ix + inner - 2 * aw - g, y, aw, T);
    b[n++].disabled = a->size_step == 0;
    b[n] = button(MENU_LARGER, "A+", LAYOUT_H1, ix + inner - aw, y, aw, T);
    b[n++].disabled = a->size_step == TUN_SIZE_STEPS - 1;
    y += T + g * 2; /* room for the size dots */

    if (!theme_beside) y += lh;
    for (int i = 0; i < 3; i++) {
        b[n] = button(MENU_LIGHT + i, themes[i], LAYOUT_BODY, ix + inner - (3 - i) * tw - (2 - i) * g, y, tw, T);
        b[n++].selected = a->theme == i;
    }
    y += T;
    if (a->ntoc) {
        y += g * 2;
        b[n++] = button(MENU_CONTENTS, "Contents", LAYOUT_BODY, ix, y, inner, T);
    }
    return n;
}

void screen_menu_draw(app *a)
{
    screen_colors c = screen_colors_for(a->theme);
    app_button b[APP_MAX_BUTTONS];
    int n = screen_menu_buttons(a, b);
    const app_ui *u = &a->ui;
    render_fill(a->rd, 0, 0, a->geom.w, a->geom.h, c.scrim);
    SDL_Rect s = b[0].r;
    render_round_rect(a->rd, s.x - 1, s.y - 1, s.w + 2, s.h + 2, u->radius * 2, c.line);
    render_round_rect(a->rd, s.x, s.y, s.w, s.h, u->radius * 2, c.sheet);
    for (int i = 1; i < n; i++) screen_draw_button(a, &c, &b[i]);
    /* row labels, left of (or above) their buttons */
    int P = u->pad * 3 / 2, ix = s.x + P;
    for (int i = 1; i < n; i++) {
        const char *l = b[i].id == MENU_SMALLER ? L_SIZE : b[i].id == MENU_LIGHT ? L_THEME : NULL;
        if (!l) continue;
        int lw = label_w(a, LAYOUT_BODY, l), beside = ix + lw + u->gap * 2 <= b[i].r.x;
        int base = beside ? screen_baseline(a, LAYOUT_BODY, b[i].r.y, b[i].r.h)
                          : screen_baseline(a, LAYOUT_BODY, b[i].r.y - screen_line_h(a, LAYOUT_BODY),
                                            screen_line_h(a, LAYOUT_BODY));
        render_text_line(a->rd, LAYOUT_BODY, (const uint8_t *)l, strlen(l), ix, base, s.w - 2 * P, 0, c.muted);
    }
    /* the size steps as a row of dots under A- A+ */
    for (int i = 1; i < n; i++) {
        if (b[i].id != MENU_SMALLER) continue;
        int d = u->gap / 2 > 3 ? u->gap / 2 : 3, span = TUN_SIZE_STEPS * d * 2;
        int x0 = b[i].r.x + (2 * b[i].r.w + u->gap - span) / 2, y0 = b[i].r.y + b[i].r.h + u->gap - d / 2;
        for (int k = 0; k < TUN_SIZE_STEPS; k++)
            render_round_rect(a->rd, x0 + k * d * 2 + d / 2, y0, d, d, d / 2, k == a->size_step ? c.ink : c.line);
    }
    render_flush(a->rd);
}

action screen_menu_tap(app *a, float x, float y)
{
    app_button b[APP_MAX_BUTTONS];
    int n = screen_menu_buttons(a, b), i = screen_hit(b, n, x, y);
    if (i < 0) return action_make(ACT_CLOSE, 0); /* outside the sheet: close */
    if (b[i].disabled) return ACTION_NONE;
    switch (b[i].id) {
    case MENU_LIBRARY: return action_make(ACT_LIBRARY, 0);
    case MENU_CLOSE: return action_make(ACT_CLOSE, 0);
    case MENU_SMALLER: return action_make(ACT_SIZE, -1);
    case MENU_LARGER: return action_make(ACT_SIZE, 1);
    case MENU_LIGHT: case MENU_DARK: case MENU_SEPIA: return action_make(ACT_THEME, b[i].id - MENU_LIGHT);
    case MENU_CONTENTS: return action_make(ACT_CONTENTS, 0);
    default: return ACTION_NONE;
    }
}

/* ---- contents --------------------------------------------------------------------------- */

static double toc_view(const app *a) { return a->geom.h - a->ui.head_h; }

double screen_contents_max(const app *a)
{
    double content = (double)a->ntoc * a->ui.row_h + 2 * a->ui.pad;
    return content > toc_view(a) ? content - toc_view(a) : 0;
}

app_button screen_contents_back(app *a)
{
    const app_ui *u = &a->ui;
    int w = u->target * 2;
    return button(TOC_BACK, "Back", LAYOUT_BODY, u->col_x + u->col_w - w, (u->head_h - u->target) / 2, w, u->target);
}

void screen_contents_draw(app *a)
{
    screen_colors c = screen_colors_for(a->theme);
    const app_ui *u = &a->ui;
    int w = a->geom.w, h = a->geom.h;
    render_fill(a->rd, 0, 0, w, h, c.bg);
    /* the heading the reader is in: the last one that starts on or before this page */
    size_t here = (size_t)-1;
    for (size_t i = 0; i < a->ntoc; i++)
        if (layout_page_of(a->lr, a->es.blocks[a->toc_blocks[i]].start) <= a->page) here = i;
    int em = font_role_px(a->fonts, LAYOUT_BODY);
    for (size_t i = 0; i < a->ntoc; i++) {
        double top = u->pad + (double)i * u->row_h - a->toc.scroll;
        if (top + u->row_h < 0) continue;
        if (top >= toc_view(a)) break;
        int y = u->head_h + (int)lround(top);
        const essay_block *bl = &a->es.blocks[a->toc_blocks[i]];
        if (i == here) render_round_rect(a->rd, u->col_x, y + 2, u->col_w, u->row_h - 4, u->radius, c.card);
        int indent = (bl->level > 1 ? bl->level - 1 : 0) * em, base = screen_baseline(a, LAYOUT_BODY, y, u->row_h);
        char pg[24];
        int k = snprintf(pg, sizeof pg, "%zu", layout_page_of(a->lr, bl->start) + 1);
        int pw = render_text_line(a->rd, LAYOUT_SMALL, (const uint8_t *)pg, (size_t)k, u->col_x + u->pad, base,
                                  u->col_w - 2 * u->pad, 2, c.muted);
        int tx = u->col_x + u->pad + indent, tw = u->col_w - 2 * u->pad - indent - pw - u->pad * 2;
        render_text_line(a->rd, bl->level <= 1 ? LAYOUT_BOLD : LAYOUT_BODY, a->es.text + bl->start, bl->len, tx, base,
                         tw, 0, c.ink);
        render_fill(a->rd, u->col_x + u->pad, y + u->row_h - 1, u->col_w - 2 * u->pad, 1, c.card);
    }
    render_fill(a->rd, 0, 0, w, u->head_h, c.bg);
    render_fill(a->rd, u->col_x, u->head_h - 1, u->col_w, 1, c.line);
    static const char title[] = "Contents";
    app_button back = screen_contents_back(a);
    render_text_line(a->rd, LAYOUT_H1, (const uint8_t *)title, sizeof title - 1, u->col_x,
                     screen_baseline(a, LAYOUT_H1, 0, u->head_h), back.r.x - u->col_x - u->gap, 0, c.ink);
    screen_draw_button(a, &c, &back);
    render_flush(a->rd);
}

action screen_contents_tap(app *a, float x, float y)
{
    app_button back = screen_contents_back(a);
    if (screen_hit(&back, 1, x, y) == 0) return action_make(ACT_CLOSE, 0);
    if (y < a->ui.head_h) return ACTION_NONE;
    double ly = y - a->ui.head_h + a->toc.scroll - a->ui.pad;
    if (ly < 0 || a->ui.row_h <= 0) return ACTION_NONE;
    size_t i = (size_t)(ly / a->ui.row_h);
    if (i >= a->ntoc) return ACTION_NONE;
    return action_make(ACT_GOTO_PAGE, (long)layout_page_of(a->lr, a->es.blocks[a->toc_blocks[i]].start));
}

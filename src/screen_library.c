/* screen_library.c - the home screen: one card per essay (title, byline,
 * reading time, how far it was read), a fixed header, and a list that
 * scrolls by dragging with inertia. Only the cards on screen are looked at:
 * with 10,000 essays a frame still reads five or six directory entries and
 * positions, nothing else. */
#include "screen.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "guard.h"
#include "pack.h"
#include "state.h"


/* Card i occupies [top(i), top(i) + card_h) in list coordinates; the list
 * shows [scroll, scroll + view) below the header. */
static double card_top(const app *a, size_t i) { return a->ui.pad + (double)i * a->ui.card_pitch; }
static double view_h(const app *a) { return a->geom.h - a->ui.head_h; }

double screen_library_max(const app *a)
{
    if (!a->nlist || a->ui.card_pitch <= 0) return 0;
    double content = card_top(a, a->nlist) - a->ui.gap + a->ui.pad;
    return content > view_h(a) ? content - view_h(a) : 0;
}

size_t screen_library_first(const app *a)
{
    if (a->ui.card_pitch <= 0) return 0;
    double k = floor((a->lib.scroll - a->ui.pad - a->ui.card_h) / a->ui.card_pitch) + 1;
    size_t i = k > 0 ? (size_t)k : 0;
    return i < a->nlist ? i : (a->nlist ? a->nlist - 1 : 0);
}

void screen_library_show(app *a, size_t index)
{
    double top = card_top(a, index), max = screen_library_max(a);
    if (top < a->lib.scroll) a->lib.scroll = top - a->ui.pad;
    else if (top + a->ui.card_h > a->lib.scroll + view_h(a)) a->lib.scroll = top + a->ui.card_h + a->ui.pad - view_h(a);
    if (a->lib.scroll > max) a->lib.scroll = max;
    if (a->lib.scroll < 0) a->lib.scroll = 0;
}

/* How far essay n was read: -1 not started, 0..99 percent, 100 finished. */
static int progress(const app *a, uint32_t n, const pack_entry *en)
{
    uint32_t off;
    if (!a->st || !state_get(a->st, n, en->data_xxh3, &off) || off == 0) return -1;
    if (off >= en->size) return 100;
    int p = (int)((uint64_t)off * 100 / (en->size ? en->size : 1));
    return p < 1 ? 1 : p > 99 ? 99 : p;
}

static void draw_card(app *a, const screen_colors *c, size_t i, int y)
{
    const app_ui *u = &a->ui;
    uint32_t n = a->list[i];
    size_t idx = pack_essay_index(a->pk, n);
    if (idx == (size_t)-1) return;
    const pack_entry *en = pack_entry_at(a->pk, idx);
    /* the reader died GUARD_DEATHS times with it open (guard.h): the card
     * stays, quieter, and says so instead of its reading time */
    int failed = guard_failed(a->gd, n);
    int x = u->col_x, w = u->col_w, ix = x + u->pad, iw = w - 2 * u->pad;
    render_round_rect(a->rd, x, y, w, u->card_h, u->radius, c->card);

    /* title, byline (when there is one) and the reading time, as one block
     * in the middle of the card, above the progress bar's strip */
    int l1 = screen_line_h(a, LAYOUT_H2), l2 = en->byline_len ? screen_line_h(a, LAYOUT_BODY) : 0;
    int l3 = screen_line_h(a, LAYOUT_SMALL), bar = u->pad / 2;
    int top = y + (u->card_h - bar - (l1 + l2 + l3)) / 2 + bar / 2;
    render_text_line(a->rd, LAYOUT_H2, (const uint8_t *)en->title, en->title_len, ix,
                     screen_baseline(a, LAYOUT_H2, top, l1), iw, 0, failed ? c->muted : c->ink);
    top += l1;
    if (en->byline_len)
        render_text_line(a->rd, LAYOUT_BODY, (const uint8_t *)en->byline, en->byline_len, ix,
                         screen_baseline(a, LAYOUT_BODY, top, l2), iw, 0, c->muted);
    top += l2;

    if (failed) {
        static const char why[] = "Could not be shown";
        render_text_line(a->rd, LAYOUT_SMALL, (const uint8_t *)why, sizeof why - 1, ix,
                         screen_baseline(a, LAYOUT_SMALL, top, l3), iw, 0, c->muted);
        return;
    }
    int p = progress(a, n, en);
    unsigned minutes = (en->words + TUN_WORDS_PER_MINUTE - 1) / TUN_WORDS_PER_MINUTE;
    char meta[96];
    int k = snprintf(meta, sizeof meta, "%u min", minutes ? minutes : 1);
    if (p == 100) k += snprintf(meta + k, sizeof meta - (size_t)k, "  \xC2\xB7  read to the end");
    else if (p >= 0) k += snprintf(meta + k, sizeof meta - (size_t)k, "  \xC2\xB7  %d%% read", p);
    render_text_line(a->rd, LAYOUT_SMALL, (const uint8_t *)meta, (size_t)k, ix, screen_baseline(a, LAYOUT_SMALL, top, l3),
                     iw, 0, c->muted);
    /* the progress bar along the card's foot: only once it was opened */
    if (p >= 0) {
        int bh = u->card_h >= 140 ? 4 : 3, by = y + u->card_h - u->pad / 2 - bh;
        int done = (int)lround((double)iw * p / 100.0);
        render_fill(a->rd, ix, by, iw, bh, c->line);
        render_fill(a->rd, ix, by, done, bh, c->fill);
    }
}

void screen_library_draw(app *a)
{
    screen_colors c = screen_colors_for(a->theme);
    const app_ui *u = &a->ui;
    int w = a->geom.w, h = a->geom.h;
    render_fill(a->rd, 0, 0, w, h, c.bg);
    a->cards_drawn = 0;
    double s = a->lib.scroll;
    for (size_t i = screen_library_first(a); i < a->nlist; i++) {
        double top = card_top(a, i) - s;
        if (top >= view_h(a)) break;
        draw_card(a, &c, i, u->head_h + (int)lround(top));
        a->cards_drawn++;
    }
    /* the header stays; cards pass under it. What is in it (the title, the
     * count, the hairline) sits a pixel or two off now and then: burn-in
     * care (burnin.h) */
    int dx = a->burn_dx, dy = a->burn_dy;
    render_fill(a->rd, 0, 0, w, u->head_h, c.bg);
    render_fill(a->rd, u->col_x + dx, u->head_h - 1 + (dy < 0 ? dy : 0), u->col_w, 1, c.line);
    static const char title[] = "Library";
    int base = screen_baseline(a, LAYOUT_H1, 0, u->head_h) + dy;
    render_text_line(a->rd, LAYOUT_H1, (const uint8_t *)title, sizeof title - 1, u->col_x + dx, base, u->col_w, 0, c.ink);
    char count[48];
    int k = snprintf(count, sizeof count, "%zu essay%s", a->nlist, a->nlist == 1 ? "" : "s");
    render_text_line(a->rd, LAYOUT_SMALL, (const uint8_t *)count, (size_t)k, u->col_x + dx, base, u->col_w, 2, c.muted);
    /* where in a long list: a quiet bar at the right edge */
    double max = screen_library_max(a);
    if (max > 0) {
        double view = view_h(a), total = max + view;
        int bh = (int)(view * view / total), bw = u->gap / 2 > 3 ? u->gap / 2 : 3;
        if (bh < u->target / 2) bh = u->target / 2;
        int by = u->head_h + (int)((view - bh) * (s / max));
        render_round_rect(a->rd, w - bw - 2, by, bw, bh, bw / 2, c.line);
    }
    render_flush(a->rd);
}

action screen_library_tap(app *a, float x, float y)
{
    (void)x; /* the whole width: a card is easy to hit */
    if (y < a->ui.head_h || !a->nlist || a->ui.card_pitch <= 0) return ACTION_NONE;
    double ly = y - a->ui.head_h + a->lib.scroll - a->ui.pad;
    if (ly < 0) return ACTION_NONE;
    size_t i = (size_t)(ly / a->ui.card_pitch);
    /* in the gap between two cards: the nearer one */
    double in = ly - (double)i * a->ui.card_pitch;
    if (in >= a->ui.card_h && in - a->ui.card_h > a->ui.gap / 2.0) i++;
    /* a card that could not be shown says so, and a tap on it does nothing:
     * the visitor sees why, and no page is drawn that could end the reader */
    if (i < a->nlist && guard_failed(a->gd, a->list[i])) return ACTION_NONE;
    return i < a->nlist ? action_make(ACT_OPEN, (long)i) : ACTION_NONE;
}

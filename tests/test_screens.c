/* test_screens.c - the screens' touch targets and UI drawing: every button
 * of the menu, the end of an essay, the error page and the contents is at
 * least 9 mm on the panel, inside the page and clear of the others, at every
 * text size and on panels turned either way; UI text lines fit and are
 * shortened with an ellipsis; rounded rectangles fill what they should. */
#include <math.h>
#include <unistd.h>
#include <sys/stat.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>

#include <SDL2/SDL.h>
#include <SDL2/SDL_ttf.h>

#include "admin.h"
#include "app.h"
#include "attract.h"
#include "burnin.h"
#include "config.h"
#include "pack.h"
#include "replay.h"
#include "screen.h"
#include "t.h"

static int open_app(app *a, int w, int h, int rotate)
{
    app_opts o;
    memset(&o, 0, sizeof o);
    o.pack_path = t_build("default.lpk");
    o.w = w;
    o.h = h;
    o.rotate = rotate;
    lerr e;
    if (app_open(a, &o, &e) || app_video(a, 1, &e)) {
        fprintf(stderr, "  %s\n", e.msg);
        return -1;
    }
    app_start(a);
    return 0;
}

static int overlap(const SDL_Rect *p, const SDL_Rect *q)
{
    return p->x < q->x + q->w && q->x < p->x + p->w && p->y < q->y + q->h && q->y < p->y + p->h;
}

static void check_targets(app *a, const char *what, int w, int h, int rot, int step)
{
    app_button b[APP_MAX_BUTTONS];
    int n = screen_buttons(a, b);
    double min = 9.0 * a->dpi / 25.4;
    CHECKF(n > 0, "%s %dx%d rotate %d step %d: no buttons", what, w, h, rot, step);
    for (int i = 0; i < n; i++) {
        const SDL_Rect *r = &b[i].r;
        CHECKF(r->w >= min && r->h >= min, "%s %dx%d rotate %d step %d: '%s' is %dx%d px, under 9 mm (%.0f px)",
               what, w, h, rot, step, b[i].label, r->w, r->h, min);
        CHECKF(r->x >= 0 && r->y >= 0 && r->x + r->w <= a->geom.w && r->y + r->h <= a->geom.h,
               "%s %dx%d rotate %d step %d: '%s' at %d,%d %dx%d leaves the %dx%d page", what, w, h, rot, step,
               b[i].label, r->x, r->y, r->w, r->h, a->geom.w, a->geom.h);
        for (int j = 0; j < i; j++)
            CHECKF(!overlap(r, &b[j].r), "%s %dx%d rotate %d step %d: '%s' overlaps '%s'", what, w, h, rot, step,
                   b[i].label, b[j].label);
        /* what is drawn is what is touched */
        CHECK(screen_hit(b, n, r->x + r->w / 2.0f, r->y + r->h / 2.0f) == i);
    }
}

TEST(targets_at_least_9mm_everywhere)
{
    static const struct { int w, h, rot; } panels[] = {
        {800, 480, 0}, {800, 480, 90}, {720, 1280, 0}, {720, 1280, 270}, {1024, 600, 0}, {1280, 800, 180},
    };
    for (size_t p = 0; p < sizeof panels / sizeof panels[0]; p++) {
        app a;
        if (open_app(&a, panels[p].w, panels[p].h, panels[p].rot)) {
            CHECK(0);
            app_close(&a);
            return;
        }
        for (int step = 0; step < TUN_SIZE_STEPS; step++) {
            lerr e;
            CHECK(app_set_size_step(&a, step, &e) == 0);
            app_show_essay(&a, 1);
            CHECK(a.screen == APP_READING);
            /* the page's menu control: 9 mm, inside the top band, whose taps open the menu */
            check_targets(&a, "page", panels[p].w, panels[p].h, panels[p].rot, step);
            app_button mc = screen_page_control(&a);
            CHECKF(mc.r.y + mc.r.h <= a.ui.top_band, "menu control %d+%d below the top band %d", mc.r.y, mc.r.h,
                   a.ui.top_band);
            /* the running title, centred on the text, stops short of it */
            int title_right = a.geom.text_x + a.geom.text_w / 2 + a.geom.title_w / 2;
            CHECKF(a.geom.title_w > 0 && title_right <= mc.r.x, "title up to x %d, the menu mark from %d", title_right,
                   mc.r.x);
            app_open_menu(&a);
            CHECK(a.screen == APP_MENU);
            check_targets(&a, "menu", panels[p].w, panels[p].h, panels[p].rot, step);
            a.screen = APP_END;
            check_targets(&a, "end", panels[p].w, panels[p].h, panels[p].rot, step);
            a.screen = APP_ERROR;
            a.error_kind = APP_ERR_ESSAY;
            check_targets(&a, "error", panels[p].w, panels[p].h, panels[p].rot, step);
            a.screen = APP_CONTENTS;
            check_targets(&a, "contents", panels[p].w, panels[p].h, panels[p].rot, step);
            /* the admin screen's two buttons: the full 10 mm target, both ways */
            a.o.kiosk = 1;
            app_do(&a, action_make(ACT_ADMIN, 0));
            CHECK(a.screen == APP_ADMIN);
            check_targets(&a, "admin", panels[p].w, panels[p].h, panels[p].rot, step);
            app_button ab[APP_MAX_BUTTONS];
            int nb = screen_buttons(&a, ab);
            CHECK(nb == 2);
            for (int i = 0; i < nb; i++)
                CHECKF(ab[i].r.w >= a.ui.target && ab[i].r.h >= a.ui.target, "admin '%s' %dx%d, target %d",
                       ab[i].label, ab[i].r.w, ab[i].r.h, a.ui.target);
            CHECK(app_draw(&a) == 0);
            /* with loaded essays: Go back, a full target too, on its own row */
            a.imp_back = 2;
            check_targets(&a, "admin+back", panels[p].w, panels[p].h, panels[p].rot, step);
            nb = screen_buttons(&a, ab);
            CHECKF(nb == 3 && ab[2].id == ADMIN_BACK && ab[2].r.w >= a.ui.target && ab[2].r.h >= a.ui.target &&
                       ab[2].r.y + ab[2].r.h <= ab[0].r.y,
                   "%d buttons", nb);
            CHECK(screen_admin_tap(&a, ab[2].r.x + ab[2].r.w / 2.0f, ab[2].r.y + ab[2].r.h / 2.0f).kind == ACT_IMPORT_BACK);
            CHECK(app_draw(&a) == 0);
            a.imp_back = 0;
            /* the import screen: Load and Cancel, then a failure's OK; while loading, none */
            app_go_library(&a);
            memset(&a.imp_cand, 0, sizeof a.imp_cand);
            a.imp_cand.essays = 12;
            snprintf(a.imp_cand.path, sizeof a.imp_cand.path, "/run/lectern/media/sda1/lectern");
            a.screen = APP_IMPORT;
            a.imp_under = APP_LIBRARY;
            a.imp_phase = APP_IMP_OFFER;
            CHECK(app_screen_id(&a) == REPLAY_SCREEN_IMPORT);
            check_targets(&a, "import", panels[p].w, panels[p].h, panels[p].rot, step);
            nb = screen_buttons(&a, ab);
            CHECK(nb == 2 && ab[0].id == IMPORT_LOAD && ab[1].id == IMPORT_CANCEL);
            CHECK(screen_import_tap(&a, ab[0].r.x + 5.0f, ab[0].r.y + 5.0f).kind == ACT_IMPORT_LOAD);
            CHECK(screen_import_tap(&a, ab[1].r.x + 5.0f, ab[1].r.y + 5.0f).kind == ACT_IMPORT_CANCEL);
            CHECK(screen_import_tap(&a, 2.0f, 2.0f).kind == ACT_NONE);
            CHECK(app_draw(&a) == 0);
            a.imp_phase = APP_IMP_LOADING;
            CHECK(screen_buttons(&a, ab) == 0 && app_draw(&a) == 0);
            a.imp_phase = APP_IMP_FAILED;
            snprintf(a.imp_msg, sizeof a.imp_msg, "The essays on the USB stick could not be loaded: essay 3 is damaged.");
            check_targets(&a, "import failed", panels[p].w, panels[p].h, panels[p].rot, step);
            CHECK(screen_buttons(&a, ab) == 1 && ab[0].id == IMPORT_OK);
            CHECK(app_draw(&a) == 0);
            app_do(&a, screen_import_tap(&a, ab[0].r.x + 5.0f, ab[0].r.y + 5.0f));
            CHECK(a.screen == APP_LIBRARY);
            a.o.kiosk = 0;
            CHECKF(a.ui.card_h >= 9.0 * a.dpi / 25.4 && a.ui.row_h >= 9.0 * a.dpi / 25.4, "cards %d rows %d",
                   a.ui.card_h, a.ui.row_h);
            CHECKF(a.ui.top_band >= 9.0 * a.dpi / 25.4 * 0.99, "top band %d", a.ui.top_band);
            app_go_library(&a);
            CHECK(app_draw(&a) == 0);
        }
        app_close(&a);
    }
}

TEST(the_800x480_target_is_48px)
{
    app a;
    if (open_app(&a, 800, 480, 0)) {
        CHECK(0);
        app_close(&a);
        return;
    }
    CHECKF(a.ui.target >= 48, "%d", a.ui.target);
    app_close(&a);
}

TEST(text_lines_fit_and_shorten)
{
    app a;
    if (open_app(&a, 800, 480, 0)) {
        CHECK(0);
        app_close(&a);
        return;
    }
    const uint8_t s[] = "A reasonably long title for an essay about walking in the hills";
    size_t n = sizeof s - 1;
    int full = render_text_line_width(a.rd, LAYOUT_BODY, s, n, 1 << 20);
    CHECKF(abs(full - (int)lround(render_text_width(a.rd, LAYOUT_BODY, s, n) / 64.0)) <= 1, "%d", full);
    for (int max = 10; max < full; max += 37) {
        int w = render_text_line_width(a.rd, LAYOUT_BODY, s, n, max);
        CHECKF(w <= max + 1 && (w > 0 || max < 20), "max %d: %d", max, w);
    }
    /* soft hyphens are not drawn; control characters are spaces */
    const uint8_t shy[] = "walk\xC2\xADing", plain[] = "walking", tab[] = "a\tb", sp[] = "a b";
    CHECK(render_text_line_width(a.rd, LAYOUT_BODY, shy, sizeof shy - 1, 1000) ==
          render_text_line_width(a.rd, LAYOUT_BODY, plain, sizeof plain - 1, 1000));
    CHECK(render_text_line_width(a.rd, LAYOUT_BODY, tab, sizeof tab - 1, 1000) ==
          render_text_line_width(a.rd, LAYOUT_BODY, sp, sizeof sp - 1, 1000));
    /* a title as long as the format allows, and bad UTF-8 in it */
    size_t big = 65535;
    uint8_t *t = malloc(big);
    if (t) {
        for (size_t i = 0; i < big; i++) t[i] = i % 7 == 6 ? ' ' : i % 97 == 5 ? 0xFF : 'm';
        int w = render_text_line(a.rd, LAYOUT_H2, t, big, 10, 50, 300, 1, (SDL_Color){0, 0, 0, 255});
        CHECKF(w > 0 && w <= 301, "%d", w);
        render_flush(a.rd);
        free(t);
    }
    CHECK(render_text_line_width(a.rd, LAYOUT_BODY, s, 0, 100) == 0);
    app_close(&a);
}

TEST(round_rect_fills_inside_the_corners)
{
    app a;
    if (open_app(&a, 800, 480, 0)) {
        CHECK(0);
        app_close(&a);
        return;
    }
    SDL_SetRenderTarget(a.ren, NULL);
    render_fill(a.rd, 0, 0, 800, 480, (SDL_Color){255, 255, 255, 255});
    render_round_rect(a.rd, 100, 100, 200, 80, 16, (SDL_Color){255, 0, 0, 255});
    render_flush(a.rd);
    SDL_RenderPresent(a.ren);
    const uint32_t *px = a.surface->pixels;
    int pitch = a.surface->pitch / 4;
    uint32_t centre = px[140 * pitch + 200] & 0xFFFFFF, corner = px[100 * pitch + 100] & 0xFFFFFF;
    uint32_t edge = px[100 * pitch + 200] & 0xFFFFFF, outside = px[99 * pitch + 200] & 0xFFFFFF;
    uint32_t side = px[140 * pitch + 100] & 0xFFFFFF, beyond = px[140 * pitch + 300] & 0xFFFFFF;
    CHECKF(centre == 0xFF0000 && edge == 0xFF0000 && side == 0xFF0000, "%06x %06x %06x", centre, edge, side);
    CHECKF(corner == 0xFFFFFF && outside == 0xFFFFFF && beyond == 0xFFFFFF, "%06x %06x %06x", corner, outside,
           beyond);
    app_close(&a);
}

/* No pack and no font at all: the error page in shapes, and every input
 * still safe. */
TEST(no_pack_no_font)
{
    app a;
    app_opts o;
    memset(&o, 0, sizeof o);
    o.pack_path = "/nonexistent/lectern.lpk";
    o.idle_s = 1;
    lerr e;
    CHECK(app_open(&a, &o, &e) != 0);
    app_open_failed(&a, &o, e.msg);
    font_close(a.fonts);
    a.fonts = NULL;
    CHECK(app_video(&a, 1, &e) == 0);
    app_start(&a);
    CHECK(a.rd == NULL && a.screen == APP_ERROR && a.error_kind == APP_ERR_NOPACK);
    CHECK(app_draw(&a) == 0);
    const uint32_t *px = a.surface->pixels;
    int pitch = a.surface->pitch / 4, ink = 0;
    for (int y = 0; y < 480; y += 4)
        for (int x = 0; x < 800; x += 4) ink += (px[y * pitch + x] & 0xFFFFFF) != (px[0] & 0xFFFFFF);
    CHECKF(ink > 100, "%d pixels of shapes", ink);
    static const SDL_Keycode keys[] = {SDLK_RIGHT, SDLK_PLUS, SDLK_t, SDLK_HOME, SDLK_m, SDLK_RETURN};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        SDL_Event ev;
        memset(&ev, 0, sizeof ev);
        ev.type = SDL_KEYDOWN;
        ev.key.keysym.sym = keys[i];
        app_event(&a, &ev);
        ev.type = SDL_FINGERDOWN;
        ev.tfinger.x = 0.5f;
        ev.tfinger.y = 0.5f;
        app_event(&a, &ev);
        a.now += 700;
        app_tick(&a, a.now);
        ev.type = SDL_FINGERUP;
        app_event(&a, &ev);
        a.now += 5000;
        app_tick(&a, a.now);
        CHECK(app_draw(&a) == 0);
    }
    CHECK(a.screen == APP_ERROR && !a.quit);
    app_close(&a);
}

/* ---- the attract screen and burn-in care -------------------------------------------------------- */

static int open_idle(app *a, const config *cfg, unsigned idle_s)
{
    app_opts o;
    memset(&o, 0, sizeof o);
    o.pack_path = t_build("default.lpk");
    o.cfg = cfg;
    o.idle_s = idle_s;
    lerr e;
    if (app_open(a, &o, &e) || app_video(a, 1, &e)) {
        fprintf(stderr, "  %s\n", e.msg);
        return -1;
    }
    a->now = 0;
    app_start(a);
    return 0;
}

/* Pixels of the headless panel that are not the theme's paper, and their box. */
static long inked(const app *a, SDL_Rect *box)
{
    SDL_Color bg = screen_colors_for(a->theme).bg;
    const uint8_t *px = a->surface->pixels;
    long n = 0;
    int x0 = a->surface->w, y0 = a->surface->h, x1 = -1, y1 = -1;
    for (int y = 0; y < a->surface->h; y++)
        for (int x = 0; x < a->surface->w; x++) {
            uint32_t v = ((const uint32_t *)(const void *)(px + (size_t)y * a->surface->pitch))[x];
            SDL_Color c;
            SDL_GetRGB(v, a->surface->format, &c.r, &c.g, &c.b);
            if (c.r == bg.r && c.g == bg.g && c.b == bg.b) continue;
            n++;
            if (x < x0) x0 = x;
            if (y < y0) y0 = y;
            if (x > x1) x1 = x;
            if (y > y1) y1 = y;
        }
    if (box) *box = (SDL_Rect){x0, y0, x1 - x0 + 1, y1 - y0 + 1};
    return n;
}

static void touch_id(app *a, Uint32 type, int64_t id, float x, float y)
{
    SDL_Event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = type;
    ev.tfinger.fingerId = id;
    ev.tfinger.x = x;
    ev.tfinger.y = y;
    app_event(a, &ev);
    app_tick(a, a->now);
}
#define touch(a, type, x, y) touch_id(a, type, 7, x, y)

TEST(attract_screen_fades_in_moves_and_a_touch_opens_the_library)
{
    config cfg;
    config_defaults(&cfg);
    cfg.idle_action = CONFIG_IDLE_ATTRACT;
    app a;
    if (open_idle(&a, &cfg, 60)) {
        CHECK(0);
        app_close(&a);
        return;
    }
    app_tick(&a, 60000);
    CHECK(a.screen == APP_ATTRACT && app_screen_id(&a) == REPLAY_SCREEN_ATTRACT);
    CHECK(app_draw(&a) == 0);
    CHECKF(inked(&a, NULL) == 0, "%ld", inked(&a, NULL)); /* it begins as paper, and fades in */
    CHECK(app_fading(&a));
    app_tick(&a, 60000 + TUN_ATTRACT_FADE_MS / 2);
    CHECK(a.dirty && app_draw(&a) == 0 && a.attract_level > 0 && a.attract_level < ATTRACT_LEVELS);
    app_tick(&a, 60000 + TUN_ATTRACT_FADE_MS + 100);
    CHECK(app_draw(&a) == 0 && a.attract_level == ATTRACT_LEVELS && !app_fading(&a));
    SDL_Rect b1, b2;
    long n1 = inked(&a, &b1);
    CHECKF(n1 > 1000, "%ld", n1);
    CHECK(a.attract_essay == a.list[0] && a.attract_line[0]);
    /* while it holds nothing is due */
    app_tick(&a, 60000 + TUN_ATTRACT_FADE_MS + 2000);
    CHECK(!a.dirty);
    /* the next essay, somewhere else */
    app_tick(&a, 60000 + ATTRACT_TURN_MS + TUN_ATTRACT_FADE_MS + 100);
    CHECK(app_draw(&a) == 0 && a.attract_essay == a.list[1]);
    inked(&a, &b2);
    CHECKF(abs(b1.x - b2.x) > 20 || abs(b1.y - b2.y) > 20, "%d,%d then %d,%d", b1.x, b1.y, b2.x, b2.y);
    /* a touch on the spot of the first card: the library at once, and the
     * rest of that touch opens nothing */
    touch(&a, SDL_FINGERDOWN, 0.5f, 0.3f);
    CHECK(a.screen == APP_LIBRARY);
    touch(&a, SDL_FINGERMOTION, 0.5f, 0.31f);
    a.now += 60;
    touch(&a, SDL_FINGERUP, 0.5f, 0.31f);
    a.now += 2000;
    app_tick(&a, a.now);
    CHECK(a.screen == APP_LIBRARY && a.essay_no == 0);
    /* the next touch is a tap again */
    touch(&a, SDL_FINGERDOWN, 0.5f, 0.3f);
    a.now += 60;
    touch(&a, SDL_FINGERUP, 0.5f, 0.3f);
    CHECK(a.screen == APP_READING && a.essay_no == a.list[0]);
    /* a touch that left it and whose up was lost does not eat the next
     * touches: the same finger down again, or any after a gap, is new */
    for (int k = 0; k < 2; k++) {
        a.now += 61000;
        app_tick(&a, a.now);
        CHECK(a.screen == APP_ATTRACT);
        touch_id(&a, SDL_FINGERDOWN, 20, 0.5f, 0.3f); /* and no up */
        CHECK(a.screen == APP_LIBRARY);
        a.now += k ? 4000 : 100;
        touch_id(&a, SDL_FINGERDOWN, k ? 21 : 20, 0.5f, 0.3f);
        a.now += 60;
        touch_id(&a, SDL_FINGERUP, k ? 21 : 20, 0.5f, 0.3f);
        CHECKF(a.screen == APP_READING, "%s", k ? "after a gap" : "the same finger");
        app_go_library(&a);
    }
    app_close(&a);

    /* the default: back to the library, as before */
    config_defaults(&cfg);
    if (open_idle(&a, &cfg, 60)) {
        CHECK(0);
        app_close(&a);
        return;
    }
    app_tick(&a, 60000);
    CHECK(a.screen == APP_LIBRARY && !app_fading(&a));
    app_close(&a);
}

/* Burn-in care moves the page's running title and number and the library's
 * header by a pixel or two after TUN_BURNIN_STEP_MS, and nothing else. */
TEST(burn_in_moves_only_the_static_elements)
{
    app a;
    if (open_idle(&a, NULL, 0)) {
        CHECK(0);
        app_close(&a);
        return;
    }
    size_t sz = (size_t)a.surface->pitch * a.surface->h;
    uint8_t *p0 = malloc(sz), *p1 = malloc(sz);
    if (!p0 || !p1) {
        CHECK(0);
        free(p0);
        free(p1);
        app_close(&a);
        return;
    }
    for (int scr = 0; scr < 2; scr++) {
        a.now = 0;
        a.burn_dx = a.burn_dy = 0;
        if (scr == 0) app_show_essay(&a, 2);
        else app_go_library(&a);
        app_tick(&a, 1000);
        CHECK(a.burn_dx == 0 && a.burn_dy == 0);
        CHECK(app_draw(&a) == 0);
        memcpy(p0, a.surface->pixels, sz);
        app_tick(&a, TUN_BURNIN_STEP_MS);
        int dx, dy;
        burnin_offset(TUN_BURNIN_STEP_MS, &dx, &dy);
        CHECK(a.dirty && a.burn_dx == dx && a.burn_dy == dy && (dx || dy));
        CHECK(app_draw(&a) == 0);
        memcpy(p1, a.surface->pixels, sz);
        /* the rows that changed: only the furniture's (the page's top band
         * and foot, the library's header), never the text or the cards */
        int lo = scr == 0 ? a.ui.top_band : a.ui.head_h + BURNIN_MAX_PX;
        int hi = scr == 0 ? a.geom.text_y + a.geom.text_h : a.surface->h;
        int changed = 0, inside = 0;
        for (int y = 0; y < a.surface->h; y++) {
            int diff = memcmp(p0 + (size_t)y * a.surface->pitch, p1 + (size_t)y * a.surface->pitch,
                              (size_t)a.surface->pitch) != 0;
            changed += diff;
            if (diff && y >= lo && y < hi) inside++;
        }
        CHECKF(changed > 0 && inside == 0, "%s: %d rows changed, %d of them in %d..%d", scr ? "library" : "page",
               changed, inside, lo, hi);
    }
    free(p0);
    free(p1);
    app_close(&a);
}

/* WCAG 2.x contrast ratio of two opaque sRGB colours. */
static double lum(SDL_Color c)
{
    double v[3] = {c.r / 255.0, c.g / 255.0, c.b / 255.0};
    for (int i = 0; i < 3; i++) v[i] = v[i] <= 0.04045 ? v[i] / 12.92 : pow((v[i] + 0.055) / 1.055, 2.4);
    return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
}
static double contrast(SDL_Color a, SDL_Color b)
{
    double x = lum(a), y = lum(b);
    return x > y ? (x + 0.05) / (y + 0.05) : (y + 0.05) / (x + 0.05);
}

/* Every text the screens draw meets WCAG AA (4.5:1) in every theme: the
 * text colour on the paper, the cards, the hint's button and the menu's
 * sheet, and the running title and page number's muted colour on the
 * paper, the cards and the sheet (the grounds it is drawn on), and the
 * attract screen's title, first line and "Touch to read" on the paper (at
 * full strength: they fade in from it), and the admin screen's text, title
 * and warnings (on their ground), from the colours screen_colors_for
 * makes out of the theme table. */
TEST(every_text_meets_wcag_aa_in_every_theme)
{
    static const char *const names[] = {"light", "dark", "sepia"};
    for (int t = 0; t < THEME_COUNT; t++) {
        screen_colors c = screen_colors_for(t);
        SDL_Color at, al, ah; /* the attract screen's, at full strength */
        screen_attract_ink(t, &at, &al, &ah);
        SDL_Color xt, xh, xw, xwb; /* the admin screen's */
        screen_admin_ink(t, &xt, &xh, &xw, &xwb);
        const struct { const char *what; SDL_Color fg, bg; } pair[] = {
            {"attract title", at, c.bg},          {"attract first line", al, c.bg},
            {"attract touch to read", ah, c.bg},
            {"admin text", xt, c.bg},             {"admin title", xh, c.bg},
            {"admin warning", xw, xwb},           {"admin problem", xt, c.bg},
            {"text on paper", c.ink, c.bg},       {"text on a card", c.ink, c.card},
            {"text on a button", c.ink, c.button}, {"text on the menu", c.ink, c.sheet},
            {"muted on paper", c.muted, c.bg},    {"muted on a card", c.muted, c.card},
            {"muted on the menu", c.muted, c.sheet},
        };
        for (size_t k = 0; k < sizeof pair / sizeof *pair; k++) {
            double r = contrast(pair[k].fg, pair[k].bg);
            CHECKF(r >= 4.5, "%s theme, %s: %.2f:1", t < 3 ? names[t] : "?", pair[k].what, r);
        }
    }
}

/* The admin screen: only in kiosk mode; its lines name every problem the
 * configuration reported, it scrolls when they are more than fit, its
 * buttons close it (the library) or end the kiosk, and the idle reset
 * closes it. */
TEST(admin_screen_lists_problems_scrolls_and_closes)
{
    config cfg;
    config_defaults(&cfg);
    static admin_log lg;
    memset(&lg, 0, sizeof lg);
    lg.file_looked = 1;
    for (int i = 0; i < 12; i++) {
        char m[96];
        snprintf(m, sizeof m, "kiosk.conf:%d: unknown key 'colour%d'", 2 * i + 1, i);
        admin_log_add(&lg, m);
    }
    app a;
    app_opts o;
    memset(&o, 0, sizeof o);
    o.pack_path = t_build("default.lpk");
    o.cfg = &cfg;
    o.idle_s = 60;
    o.log = &lg;
    lerr e;
    if (app_open(&a, &o, &e) || app_video(&a, 1, &e)) {
        fprintf(stderr, "  %s\n", e.msg);
        CHECK(0);
        app_close(&a);
        return;
    }
    a.now = 0;
    app_start(&a);
    app_do(&a, action_make(ACT_ADMIN, 0));
    CHECK(a.screen == APP_LIBRARY); /* not a kiosk: no admin screen */
    a.o.kiosk = 1;
    app_do(&a, action_make(ACT_ADMIN, 0));
    CHECK(a.screen == APP_ADMIN && app_screen_id(&a) == REPLAY_SCREEN_ADMIN);
    int found = 0;
    for (size_t i = 0; i < a.adm_n; i++) found += strstr(a.adm_lines[i].text, "kiosk.conf:23: unknown key 'colour11'") != NULL;
    CHECK(found == 1);
    CHECK(app_draw(&a) == 0);
    long n0 = inked(&a, NULL);
    CHECKF(n0 > 2000, "%ld", n0);
    /* twelve problems do not fit on 800x480: it scrolls, and drawing follows */
    double max = screen_admin_max(&a);
    CHECKF(max > 0, "%.0f", max);
    size_t sz = (size_t)a.surface->pitch * a.surface->h;
    uint8_t *p0 = malloc(sz);
    if (p0) {
        memcpy(p0, a.surface->pixels, sz);
        app_do(&a, action_scroll(1e9));
        CHECK(a.adm.scroll == max);
        CHECK(app_draw(&a) == 0);
        CHECK(memcmp(p0, a.surface->pixels, sz) != 0);
        free(p0);
    }
    /* Close: the library */
    app_button b[APP_MAX_BUTTONS];
    CHECK(screen_buttons(&a, b) == 2 && b[0].id == ADMIN_CLOSE && b[1].id == ADMIN_LEAVE);
    action c = screen_admin_tap(&a, b[0].r.x + 5.0f, b[0].r.y + 5.0f);
    CHECK(c.kind == ACT_CLOSE);
    app_do(&a, c);
    CHECK(a.screen == APP_LIBRARY && !a.quit);
    /* the idle reset closes it */
    a.last_input = a.now;
    app_do(&a, action_make(ACT_ADMIN, 0));
    CHECK(a.screen == APP_ADMIN && a.adm.scroll == 0);
    app_tick(&a, a.now + 59000);
    CHECK(a.screen == APP_ADMIN);
    app_tick(&a, a.now + 1000);
    CHECK(a.screen == APP_LIBRARY);
    /* the pack replaced under it (a rename, as an install does): reopened,
     * and the admin screen stays, its lines made again */
    char tmp[] = "/tmp/lectern-admin-XXXXXX";
    int fd = mkstemp(tmp);
    CHECK(fd >= 0);
    if (fd >= 0) {
        close(fd);
        char cmd[1200], path[64];
        snprintf(path, sizeof path, "%s.lpk", tmp);
        snprintf(cmd, sizeof cmd, "cp '%s' '%s'", t_build("default.lpk"), path);
        CHECK(system(cmd) == 0);
        app b2;
        o.pack_path = path;
        o.kiosk = 1;
        if (app_open(&b2, &o, &e) == 0 && app_video(&b2, 1, &e) == 0) {
            b2.now = 0;
            app_start(&b2);
            app_do(&b2, action_make(ACT_ADMIN, 0));
            CHECK(b2.screen == APP_ADMIN);
            snprintf(cmd, sizeof cmd, "cp '%s' '%s.new' && mv '%s.new' '%s'", path, path, path, path);
            CHECK(system(cmd) == 0);
            b2.adm_n = 0;
            b2.last_input = b2.now = 100;
            app_tick(&b2, 100 + TUN_PACK_CHECK_MS);
            CHECKF(b2.screen == APP_ADMIN && b2.adm_n > 0, "screen %d, %zu lines", b2.screen, b2.adm_n);
        } else {
            CHECKF(0, "%s", e.msg);
        }
        app_close(&b2);
        unlink(path);
        unlink(tmp);
    }
    /* Leave the kiosk: the end, kiosk or not */
    app_do(&a, action_make(ACT_ADMIN, 0));
    screen_buttons(&a, b);
    c = screen_admin_tap(&a, b[1].r.x + 5.0f, b[1].r.y + 5.0f);
    CHECK(c.kind == ACT_QUIT_FORCE);
    CHECK(screen_admin_tap(&a, 2.0f, 2.0f).kind == ACT_NONE);
    app_do(&a, c);
    CHECK(a.quit);
    app_close(&a);
}

/* A kiosk notices a stick mounted while it runs (one look at media_dir
 * every TUN_IMPORT_CHECK_MS), offers it over the page being read, loads it
 * with the packer in a child while the ticks go on (the screen says it is
 * loading; the loop is not blocked), then shows the new essays; Cancel is
 * not asked again. */
TEST(a_kiosk_watches_for_sticks_and_loads_without_blocking)
{
    char root[] = "/tmp/lectern-watch-XXXXXX";
    if (!mkdtemp(root)) {
        CHECK(0);
        return;
    }
    char media[128], ipack[128], stick[160], cmd[2000], packer[1024], cwd[512];
    snprintf(media, sizeof media, "%s/media", root);
    snprintf(ipack, sizeof ipack, "%s/imported.lpk", root);
    snprintf(stick, sizeof stick, "%s/sda1", media);
    CHECK(mkdir(media, 0755) == 0);
    CHECK(getcwd(cwd, sizeof cwd) != NULL);
    snprintf(packer, sizeof packer, "%s/%s", cwd, t_build("lectern-pack"));
    config cfg;
    config_defaults(&cfg);
    snprintf(cfg.media_dir, sizeof cfg.media_dir, "%s", media);
    cfg.boot_file[0] = 0;
    app a;
    app_opts o;
    memset(&o, 0, sizeof o);
    o.pack_path = t_build("default.lpk");
    o.cfg = &cfg;
    o.kiosk = 1;
    o.import_pack = ipack;
    o.packer = packer;
    lerr e;
    if (app_open(&a, &o, &e) || app_video(&a, 1, &e)) {
        CHECKF(0, "%s", e.msg);
        app_close(&a);
        return;
    }
    a.now = 0;
    app_start(&a);
    size_t before = pack_essays(a.pk);
    CHECK(a.screen == APP_LIBRARY && a.imp != NULL);
    app_show_essay(&a, 2);
    CHECK(a.screen == APP_READING);
    /* the mount helper makes the stick's folder, and mounts the stick over
     * it seconds later: in between the reader looks at an empty folder */
    CHECK(mkdir(stick, 0700) == 0);
    app_tick(&a, TUN_IMPORT_CHECK_MS);
    CHECK(a.screen == APP_READING); /* nothing there yet */
    snprintf(cmd, sizeof cmd, "mkdir -p '%s/lectern' && printf 'One\\n\\nText one.\\n' > '%s/lectern/one.txt' && "
             "printf 'Two\\n\\nText two.\\n' > '%s/lectern/two.txt'", stick, stick, stick);
    CHECK(system(cmd) == 0);
    app_tick(&a, 2 * TUN_IMPORT_CHECK_MS - 1);
    CHECK(a.screen == APP_READING); /* not yet looked */
    app_tick(&a, 2 * TUN_IMPORT_CHECK_MS);
    CHECKF(a.screen == APP_IMPORT && a.imp_phase == APP_IMP_OFFER && a.imp_cand.essays == 2, "screen %d",
           a.screen);
    CHECK(app_draw(&a) == 0);
    /* Cancel: back to the page, and not asked again */
    app_do(&a, action_make(ACT_IMPORT_CANCEL, 0));
    CHECK(a.screen == APP_READING && a.essay_no == 2);
    app_tick(&a, 3 * TUN_IMPORT_CHECK_MS);
    CHECK(a.screen == APP_READING);
    /* pulled and put in again with one more essay: asked again */
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s/lectern' && printf 'One\\n\\nText.\\n' > '%s/lectern/one.txt'"
             " && printf 'Two\\n\\nText.\\n' > '%s/lectern/two.txt' && printf 'Three\\n\\nText.\\n' > '%s/lectern/three.md'",
             stick, stick, stick, stick, stick);
    CHECK(system(cmd) == 0);
    app_tick(&a, 4 * TUN_IMPORT_CHECK_MS);
    CHECK(a.screen == APP_IMPORT && a.imp_cand.essays == 3);
    /* Load: the child runs while the reader goes on ticking and drawing */
    app_do(&a, action_make(ACT_IMPORT_LOAD, 0));
    CHECK(a.screen == APP_IMPORT && a.imp_phase == APP_IMP_LOADING && a.imp_job.pid > 0);
    CHECK(app_draw(&a) == 0);
    uint64_t t = 4 * TUN_IMPORT_CHECK_MS;
    for (int i = 0; i < 3000 && a.screen == APP_IMPORT; i++) {
        nanosleep(&(struct timespec){0, 5000000}, NULL);
        app_tick(&a, t += 16);
    }
    CHECKF(a.screen == APP_LIBRARY && !strcmp(a.pack_file, ipack) && pack_essays(a.pk) == 3,
           "screen %d pack %s, %zu essays (before %zu)", a.screen, a.pack_file, a.pk ? pack_essays(a.pk) : 0, before);
    CHECK(a.imp_back == 1); /* Go back: the built-in essays */
    app_close(&a);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    CHECK(system(cmd) == 0);
}

int main(void)
{
    setenv("SDL_VIDEODRIVER", "offscreen", 0);
    if (SDL_Init(0) || TTF_Init()) return 1;
    RUN(targets_at_least_9mm_everywhere);
    RUN(every_text_meets_wcag_aa_in_every_theme);
    RUN(the_800x480_target_is_48px);
    RUN(text_lines_fit_and_shorten);
    RUN(round_rect_fills_inside_the_corners);
    RUN(no_pack_no_font);
    RUN(attract_screen_fades_in_moves_and_a_touch_opens_the_library);
    RUN(burn_in_moves_only_the_static_elements);
    RUN(admin_screen_lists_problems_scrolls_and_closes);
    RUN(a_kiosk_watches_for_sticks_and_loads_without_blocking);
    TTF_Quit();
    SDL_Quit();
    return T_END();
}

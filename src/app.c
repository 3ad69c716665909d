/* app.c - the reader's model: the pack and its fonts, the open essay and
 * its layout at the current size, reading positions; opening and closing.
 * Navigation: app_nav.c; video and drawing: app_video.c; headless modes:
 * app_headless.c, app_replay.c; input: app_input.c. */
#include "app.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app_pack.h"
#include "app_sleep.h"
#include "config.h"
#include "fileio.h"
#include "font.h"
#include "guard.h"
#include "tunables.h"
#include "layout_cache.h"
#include "pack.h"
#include "replay.h"
#include "screen.h"
#include "state.h"

static const double size_factor[TUN_SIZE_STEPS] = TUN_SIZE_FACTORS;

/* ---- pack and fonts ---------------------------------------------------------- */

static int is_file(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

void app_find_pack(const char *given, char *buf, size_t n)
{
    const char *env = getenv("LECTERN_PACK");
    if (given || (env && *env)) {
        snprintf(buf, n, "%s", given ? given : env);
        return;
    }
    char exe[4096];
    ssize_t k = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (k > 0) {
        exe[k] = 0;
        char *slash = strrchr(exe, '/');
        if (slash) {
            snprintf(buf, n, "%.*s/default.lpk", (int)(slash - exe), exe);
            if (is_file(buf)) return;
        }
    }
    const char *cand[] = {LECTERN_DATADIR "/default.lpk", "/usr/share/lectern/default.lpk",
                          "build/host/default.lpk"};
    for (size_t i = 0; i < sizeof cand / sizeof cand[0]; i++) {
        snprintf(buf, n, "%s", cand[i]);
        if (is_file(buf)) return;
    }
}

int app_open(app *a, const app_opts *o, lerr *e)
{
    memset(a, 0, sizeof *a);
    a->o = *o;
    a->theme = o->theme;
    a->size_step = TUN_SIZE_DEFAULT;
    a->lr = &a->no_layout;
    a->list_pos = -1;
    if (!(a->layouts = layout_cache_new(0))) {
        lerr_set(e, "out of memory");
        return -1;
    }
    app_find_pack(o->pack_path, a->base_pack, sizeof a->base_pack);
    snprintf(a->pack_file, sizeof a->pack_file, "%s", a->base_pack);
    /* essays loaded from a USB stick (import.h) show instead, while they open */
    struct stat ist;
    if (o->import_pack && lstat(o->import_pack, &ist) == 0) {
        lerr ie;
        if (!S_ISREG(ist.st_mode))
            fprintf(stderr, "lectern: %s is %s, not a pack: showing %s\n", o->import_pack, fio_kind(ist.st_mode),
                    a->base_pack);
        else if (app_pack_open(&a->pk, &a->pack_mem, o->import_pack, o->packer, &ie) == 0 && pack_essays(a->pk) > 0)
            snprintf(a->pack_file, sizeof a->pack_file, "%s", o->import_pack);
        else {
            fprintf(stderr, "lectern: the loaded essays cannot be shown (%s): showing %s\n",
                    a->pk ? "the pack has no essays" : ie.msg, a->base_pack);
            pack_close(a->pk);
            free(a->pack_mem);
            a->pk = NULL;
            a->pack_mem = NULL;
        }
    }
    if (!a->pk && app_pack_open(&a->pk, &a->pack_mem, a->pack_file, o->packer, e)) return -1;
    if (pack_essays(a->pk) == 0) {
        lerr_set(e, "%s: the pack has no essays", a->pack_file);
        return -1;
    }
    if (font_open_pack(&a->fonts, a->pk, e)) {
        lerr_prefix(e, a->pack_file);
        return -1;
    }
    return 0;
}

/* ---- essays and layout ----------------------------------------------------------- */

void app_close_essay(app *a)
{
    a->lr = &a->no_layout;
    layout_breaks_free(a->breaks);
    a->breaks = NULL;
    essay_free(&a->es);
    free(a->text);
    a->text = NULL;
    a->text_len = 0;
    a->essay_no = 0;
    a->title[0] = 0;
    a->ntoc = 0;
}

/* Lay out the open essay for the current size and geometry. */
static int relayout(app *a, lerr *e)
{
    if (!a->essay_no || a->screen == APP_ERROR) return 0; /* nothing open, or only its number (error page) */
    layout_metrics m = font_metrics(a->fonts);
    layout_key k = {(uint32_t)a->essay_no, font_body_px(a->fonts), a->lp};
    const layout_result *old = a->lr, *now = layout_cache_get_breaks(a->layouts, &k, &a->es, a->breaks, &m, e);
    if (!now) {
        char pre[700];
        snprintf(pre, sizeof pre, "%.400s: essay %zu \xE2\x80\x9C%.200s\xE2\x80\x9D", a->pack_file, a->essay_no, a->title);
        lerr_prefix(e, pre);
        return -1;
    }
    /* Keep on screen the first character the reader saw when they last
     * turned a page, through any number of size changes: A+ then A- comes
     * back to the very same page. */
    if (old == &a->no_layout || !old->npages) a->anchor = 0;
    else if (old != a->anchor_lr || a->page != a->anchor_page) a->anchor = old->pages[a->page].text_start;
    a->page = layout_page_of(now, a->anchor);
    a->lr = a->anchor_lr = now;
    a->anchor_page = a->page;
    return 0;
}

static int apply_size(app *a, lerr *e)
{
    if (!a->fonts) return 0; /* the error page without any font: shapes only */
    int px = (int)lround(a->base_px * size_factor[a->size_step]);
    if (px < FONT_MIN_PX) px = FONT_MIN_PX;
    if (px > FONT_MAX_PX) px = FONT_MAX_PX;
    if (font_set_size(a->fonts, px, e)) return -1;
    page_geometry(a->fonts, a->geom.w, a->geom.h, &a->geom);
    if (a->o.margins_set) {
        /* margins = MM: the side margins exactly, no column cap (but at least four em of text) */
        int side = (int)lround(a->o.margins_mm * a->dpi / 25.4), tw = a->geom.w - 2 * side;
        if (tw < 4 * px) tw = a->geom.w > 4 * px ? 4 * px : a->geom.w;
        a->geom.text_w = tw;
        a->geom.text_x = (a->geom.w - tw) / 2;
    }
    a->lp = page_layout_params(a->fonts, &a->geom);
    screen_layout(a); /* the screens' text grows with the page's */
    /* the running title, centred on the text, keeps clear of the menu mark */
    int half = screen_page_control(a).r.x - a->ui.gap - (a->geom.text_x + a->geom.text_w / 2);
    if (2 * half < a->geom.title_w) a->geom.title_w = half > 0 ? 2 * half : 1;
    return relayout(a, e);
}

int app_set_page_size(app *a, int w, int h, lerr *e)
{
    if (w < TUN_PAGE_MIN_SIDE || h < TUN_PAGE_MIN_SIDE || w > TUN_PAGE_MAX_SIDE || h > TUN_PAGE_MAX_SIDE ||
        (long)w * h > TUN_PAGE_MAX_PIXELS) {
        lerr_set(e, "page size %dx%d is too large or too small: each side %d..%d pixels, and at most %ld pixels"
                    " in all (" TUN_PAGE_MAX_STR ")", w, h, TUN_PAGE_MIN_SIDE, TUN_PAGE_MAX_SIDE, TUN_PAGE_MAX_PIXELS);
        return -1;
    }
    if (!a->dpi) a->dpi = page_guess_dpi(w, h);
    a->base_px = a->o.font_px > 0 ? a->o.font_px
                                  : page_px_for_pt(a->o.font_pt > 0 ? a->o.font_pt : PAGE_DEFAULT_PT, a->dpi);
    a->geom.w = w;
    a->geom.h = h;
    return apply_size(a, e);
}

int app_set_size_step(app *a, int step, lerr *e)
{
    if (step < 0 || step >= TUN_SIZE_STEPS) return 0;
    int old = a->size_step;
    a->size_step = step;
    if (apply_size(a, e)) {
        a->size_step = old;
        lerr dummy;
        apply_size(a, &dummy);
        return -1;
    }
    return 0;
}

int app_open_essay(app *a, size_t n, lerr *e)
{
    app_close_essay(a);
    size_t idx = pack_essay_index(a->pk, n);
    if (idx == (size_t)-1) {
        lerr_set(e, "%s: no essay %zu (the pack has %zu)", a->pack_file, n, pack_essays(a->pk));
        return -1;
    }
    const pack_entry *en = pack_entry_at(a->pk, idx);
    snprintf(a->title, sizeof a->title, "%.*s", (int)en->title_len, en->title);
    lerr pe;
    if (pack_read(a->pk, idx, &a->text, &a->text_len, &pe)) {
        lerr_set(e, "%s: %s", a->pack_file, pe.msg); /* pack_read names the essay */
        a->title[0] = 0;
        return -1;
    }
    if (essay_parse(a->text, a->text_len, &a->es, &pe)) {
        lerr_set(e, "%s: essay %zu \xE2\x80\x9C%s\xE2\x80\x9D is damaged: %s", a->pack_file, n, a->title, pe.msg);
        free(a->text);
        a->text = NULL;
        a->title[0] = 0;
        return -1;
    }
    /* the first page opens with the title and byline (layout.h) */
    a->es.title = (const uint8_t *)a->title;
    a->es.title_len = (uint32_t)strlen(a->title);
    a->es.byline = (const uint8_t *)en->byline;
    a->es.byline_len = en->byline ? en->byline_len : 0;
    a->essay_no = n;
    a->page = 0;
    if (a->fonts) font_set_lang(a->fonts, en->lang, en->lang ? en->lang_len : 0); /* shaping, CJK faces */
    /* where its lines may break: once per essay opened, kept across sizes */
    if ((!a->breaker && text_breaker_new(&a->breaker, &pe)) ||
        layout_breaks_new(&a->breaks, &a->es, en->lang, en->lang ? en->lang_len : 0, a->breaker, &pe)) {
        lerr_set(e, "%s: essay %zu \xE2\x80\x9C%s\xE2\x80\x9D: %s", a->pack_file, n, a->title, pe.msg);
        app_close_essay(a);
        return -1;
    }
    if (relayout(a, e)) {
        app_close_essay(a);
        return -1;
    }
    return 0;
}

/* ---- fonts when the pack cannot be opened ------------------------------------------ */

void app_open_failed(app *a, const app_opts *o, const char *why)
{
    /* Keep a failed app_open's pack path for messages, drop the rest. */
    char file[sizeof a->pack_file];
    snprintf(file, sizeof file, "%s", a->pack_file);
    app_close(a);
    a->o = *o;
    snprintf(a->pack_file, sizeof a->pack_file, "%s", file);
    a->theme = o->theme;
    a->size_step = TUN_SIZE_DEFAULT;
    a->lr = &a->no_layout;
    a->list_pos = -1;
    a->layouts = layout_cache_new(0);
    a->screen = APP_ERROR;
    a->error_kind = APP_ERR_NOPACK;
    snprintf(a->error, sizeof a->error, "%s", why);
    /* The pack brings the fonts; without it, any common system face will do
     * for a few plain words. Without any, the page is drawn with shapes. */
    static const char *const faces[] = {
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
        "/usr/share/fonts/truetype/freefont/FreeSans.ttf",
        "/usr/share/fonts/truetype/charis/CharisSIL-Regular.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
    };
    for (size_t i = 0; i < sizeof faces / sizeof faces[0] && !a->fonts; i++) {
        uint16_t flags = 0;
        lerr e;
        if (is_file(faces[i])) font_open_files(&a->fonts, &faces[i], &flags, 1, &e);
    }
}

/* ---- reading positions ------------------------------------------------------------ */

const pack_entry *app_entry(const app *a, size_t n)
{
    size_t i = a->pk ? pack_essay_index(a->pk, n) : (size_t)-1;
    return i == (size_t)-1 ? NULL : pack_entry_at(a->pk, i);
}

int app_essay_is_open(const app *a)
{
    return a->essay_no && a->screen != APP_ERROR && a->lr != &a->no_layout && a->lr->npages;
}

/* Note where the open essay is: the sentence at the top of the page, or
 * its end once the reader reached the end page. In memory; saved later. */
void app_remember(app *a)
{
    if (!a->st || !app_essay_is_open(a)) return;
    const pack_entry *en = app_entry(a, a->essay_no);
    if (!en) return;
    size_t p = a->page < a->lr->npages ? a->page : a->lr->npages - 1;
    /* the first page is the start (0: the library shows it as not begun) */
    uint32_t off = a->screen == APP_END ? (uint32_t)a->es.size
                   : p == 0             ? 0
                                        : layout_sentence_start(&a->es, a->lr->pages[p].text_start);
    if (state_set(a->st, (uint32_t)a->essay_no, en->data_xxh3, off) == STATE_OK) {
        a->st_pending = 1;
        a->st_changed = a->now;
    }
}

void app_persist(app *a)
{
    if (!a->st) return;
    lerr e;
    e.msg[0] = 0;
    if (state_save(a->st, &e) == STATE_MEMORY && e.msg[0]) fprintf(stderr, "lectern: %s\n", e.msg);
    a->st_pending = 0;
}

void app_leave(app *a)
{
    app_remember(a);
    app_persist(a);
}

/* The page to resume on at `off`, a saved sentence start: the first page
 * whose top lies in that sentence (so the same page at the same size), or
 * the page where the sentence begins. */
size_t app_resume_page(const app *a, uint32_t off)
{
    const layout_result *r = a->lr;
    if (!r->npages || off >= a->es.size) return 0; /* finished: from the start */
    size_t p = layout_page_of(r, off);
    for (size_t q = p; q < r->npages && q <= p + 1; q++)
        if (layout_sentence_start(&a->es, r->pages[q].text_start) == off) return q;
    return p;
}

/* ---- for replays and tests ---------------------------------------------------------------- */

int app_screen_id(const app *a)
{
    if (a->asleep) return REPLAY_SCREEN_SLEEP; /* whatever screen is under it */
    switch (a->screen) {
    case APP_READING: return REPLAY_SCREEN_READING;
    case APP_LIBRARY: return REPLAY_SCREEN_LIBRARY;
    case APP_MENU: return REPLAY_SCREEN_MENU;
    case APP_CONTENTS: return REPLAY_SCREEN_CONTENTS;
    case APP_END: return REPLAY_SCREEN_END;
    case APP_ATTRACT: return REPLAY_SCREEN_ATTRACT;
    case APP_ADMIN: return REPLAY_SCREEN_ADMIN;
    case APP_IMPORT: return REPLAY_SCREEN_IMPORT;
    default: return REPLAY_SCREEN_ERROR;
    }
}

int app_size_delta(const app *a) { return a->size_step - TUN_SIZE_DEFAULT; }

uint32_t app_first_card(const app *a)
{
    if (a->screen != APP_LIBRARY || !a->nlist) return 0;
    size_t i = screen_library_first(a);
    return i < a->nlist ? a->list[i] : 0;
}

/* The file at a->pack_file was replaced (lectern-pack install, cp + mv) or
 * changed in place (cp over it, scp). Open what is there now, with its
 * fonts, and only when all of that worked, let go of the old pack: a file
 * still being copied fails to open and the old pack stays, to be tried
 * again later. The open essay is closed and its position saved first; the
 * caller (the dispatcher) shows the library. Returns 0, or -1 with a
 * message and nothing changed. */
int app_reopen_pack(app *a, lerr *e)
{
    pack *np = NULL;
    uint8_t *nmem = NULL;
    font_faces *nf = NULL;
    render *nrd = NULL;
    layout_cache *nl = NULL;
    if (app_pack_open(&np, &nmem, a->pack_file, a->o.packer, e)) goto fail;
    if (pack_essays(np) == 0) {
        lerr_set(e, "%s: the pack has no essays", a->pack_file);
        goto fail;
    }
    if (font_open_pack(&nf, np, e)) {
        lerr_prefix(e, a->pack_file);
        goto fail;
    }
    if (!(nl = layout_cache_new(0))) {
        lerr_set(e, "out of memory");
        goto fail;
    }
    if (a->rd) { /* the glyph atlas and page cache belong to the old faces */
        const char *why = NULL;
        if (render_create(&nrd, a->ren, nf, 0, 0, e)) goto fail;
        if (!render_targets(a->rd, &why)) render_no_targets(nrd, why);
    }
    if (a->st_pending) app_persist(a);
    app_close_essay(a);
    render_destroy(a->rd);
    font_close(a->fonts);
    layout_cache_free(a->layouts);
    pack_close(a->pk);
    free(a->pack_mem);
    a->rd = nrd;
    a->fonts = nf;
    a->layouts = nl;
    a->pk = np;
    a->pack_mem = nmem;
    a->pack_checked = a->now;
    if (apply_size(a, e)) return -1; /* the new faces at the same text size */
    return 0;
fail:
    layout_cache_free(nl);
    font_close(nf);
    pack_close(np);
    free(nmem);
    return -1;
}

void app_close(app *a)
{
    app_import_close(a);
    /* a clean end (main's last step, after SIGTERM too): no essay is open,
     * so the next start counts no death (guard.h) */
    if (a->gd) {
        lerr e;
        e.msg[0] = 0;
        if (guard_set_open(a->gd, 0, &e) == GUARD_MEMORY && e.msg[0]) fprintf(stderr, "lectern: %s\n", e.msg);
    }
    guard_close(a->gd);
    app_sleep_end(a);
    app_close_essay(a);
    free(a->toc_blocks);
    free(a->adm_lines);
    free(a->list);
    state_close(a->st);
    render_destroy(a->rd);
    if (a->frame) SDL_DestroyTexture(a->frame);
    if (a->out_tex) SDL_DestroyTexture(a->out_tex);
    if (a->small) SDL_FreeSurface(a->small);
    if (a->ren) SDL_DestroyRenderer(a->ren);
    if (a->canvas) SDL_FreeSurface(a->canvas);
    if (a->out) SDL_DestroyRenderer(a->out);
    if (a->win) SDL_DestroyWindow(a->win);
    if (a->surface) SDL_FreeSurface(a->surface);
    if (a->fb_on) close(a->fb_fd);
    free(a->fb_buf);
    font_close(a->fonts);
    layout_cache_free(a->layouts);
    text_breaker_free(a->breaker);
    pack_close(a->pk);
    free(a->pack_mem); /* after the pack that borrows it */
    memset(a, 0, sizeof *a);
}


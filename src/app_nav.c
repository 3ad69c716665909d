/* app_nav.c - navigation: app_do, the one dispatcher of actions (the only
 * code that changes the current screen), what each action does, the first
 * screen at start-up, and time (slides, the hint's fade, the idle reset,
 * the debounced save). */
#include "app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "admin.h"
#include "app_conf.h"
#include "app_sleep.h"
#include "attract.h"
#include "burnin.h"
#include "config.h"
#include "fileio.h"
#include "guard.h"
#include "pack.h"
#include "screen.h"
#include "state.h"

/* ---- the crash-loop guard (guard.h) ------------------------------------------------ */

/* The pack's identity for the guard's counts: the XXH3 of every entry's
 * kind and checksums, in directory order. Any change of an essay or a
 * font, an essay added or removed, gives another. */
static uint64_t pack_identity(const pack *pk)
{
    XXH3_state_t *h = XXH3_createState();
    if (!h) return 0;
    XXH3_64bits_reset(h);
    for (size_t i = 0; i < pack_count(pk); i++) {
        const pack_entry *en = pack_entry_at(pk, i);
        uint8_t b[17];
        b[0] = en->kind;
        for (int k = 0; k < 8; k++) {
            b[1 + k] = (uint8_t)(en->data_xxh3 >> (8 * k));
            b[9 + k] = (uint8_t)(en->block_xxh3 >> (8 * k));
        }
        XXH3_64bits_update(h, b, sizeof b);
    }
    uint64_t id = XXH3_64bits_digest(h);
    XXH3_freeState(h);
    return id;
}

/* This boot's id: $LECTERN_BOOT_ID when set (tests: another value is
 * another boot, as after a power cut), else the kernel's, else "unknown"
 * (guard.c: then every unclean end counts). */
static void boot_id(char *buf, size_t n)
{
    const char *env = getenv("LECTERN_BOOT_ID");
    snprintf(buf, n, "unknown");
    if (env && *env) {
        snprintf(buf, n, "%s", env);
        return;
    }
    uint8_t *b = NULL;
    size_t len = 0;
    lerr e;
    if (fio_read_all("/proc/sys/kernel/random/boot_id", 256, &b, &len, &e)) return;
    while (len && (b[len - 1] == '\n' || b[len - 1] == ' ')) len--;
    if (len && len < n) {
        memcpy(buf, b, len);
        buf[len] = '\0';
    }
    free(b);
}

/* Say a guard write's first failure (guard.c says it once). */
static void guard_said(int r, const lerr *e)
{
    if (r == GUARD_MEMORY && e->msg[0]) fprintf(stderr, "lectern: %s\n", e->msg);
}

/* Essay n (0: none) is open now, on disk before it is read or laid out. */
static void guard_mark(app *a, size_t n)
{
    if (!a->gd) return;
    lerr e;
    e.msg[0] = 0;
    guard_said(guard_set_open(a->gd, (uint32_t)n, &e), &e);
}

/* The title of essay n for a message ("" when there is none). */
static const char *title_of(const app *a, size_t n, char *buf, size_t cap)
{
    const pack_entry *en = app_entry(a, n);
    snprintf(buf, cap, "%.*s", en ? (int)(en->title_len > 200 ? 200 : en->title_len) : 0, en ? en->title : "");
    return buf;
}

/* ---- navigation ------------------------------------------------------------------- */

static void still(app *a)
{
    a->slide = 0;
    a->sliding = 0;
    a->dragging = 0;
    a->dirty = 1;
}

void app_show_essay(app *a, size_t n)
{
    lerr e;
    still(a);
    a->screen = APP_READING;
    a->list_pos = -1;
    for (size_t i = 0; i < a->nlist; i++)
        if (a->list[i] == n) {
            a->list_pos = (long)i;
            break;
        }
    guard_mark(a, n); /* before anything of it is read: a crash from here on counts */
    if (app_open_essay(a, n, &e)) {
        guard_mark(a, 0); /* it failed without a crash: its error page */
        fprintf(stderr, "lectern: %s\n", e.msg);
        snprintf(a->error, sizeof a->error, "%s", e.msg);
        a->screen = APP_ERROR;
        a->error_kind = APP_ERR_ESSAY;
        a->essay_no = n; /* so that Next is the one after it */
        return;
    }
    uint32_t off;
    const pack_entry *en = app_entry(a, n);
    if (a->st && en && state_get(a->st, (uint32_t)n, en->data_xxh3, &off)) a->page = app_resume_page(a, off);
    if (!a->hint_done) a->hint = APP_HINT_SHOW; /* the first page this visitor sees */
    /* the headings, for the contents */
    size_t nh = 0;
    for (size_t i = 0; i < a->es.nblocks; i++) nh += a->es.blocks[i].kind == ESSAY_HEADING;
    uint32_t *t = nh ? realloc(a->toc_blocks, nh * sizeof *t) : a->toc_blocks;
    if (t) {
        a->toc_blocks = t;
        for (size_t i = 0; i < a->es.nblocks; i++)
            if (a->es.blocks[i].kind == ESSAY_HEADING) t[a->ntoc++] = (uint32_t)i;
    }
    a->toc.scroll = 0;
}

void app_go_library(app *a)
{
    app_leave(a);
    app_close_essay(a);
    guard_mark(a, 0);
    still(a);
    a->screen = APP_LIBRARY;
    a->list_pos = -1;
    a->hint = APP_HINT_NONE;
}

void app_open_from_list(app *a, size_t index)
{
    if (index >= a->nlist) return;
    if (guard_failed(a->gd, a->list[index])) return; /* "could not be shown": its card opens nothing */
    app_leave(a);
    app_show_essay(a, a->list[index]);
}

void app_next_essay(app *a)
{
    if (!a->nlist) {
        app_go_library(a);
        return;
    }
    /* after the last, the first: a kiosk has no dead end */
    size_t next = a->list_pos >= 0 ? ((size_t)a->list_pos + 1) % a->nlist : 0;
    /* past the essays that could not be shown; when every one is, the library */
    for (size_t k = 0; k < a->nlist && guard_failed(a->gd, a->list[next]); k++) next = (next + 1) % a->nlist;
    if (guard_failed(a->gd, a->list[next])) {
        app_go_library(a);
        return;
    }
    app_open_from_list(a, next);
}

static void back_from_end(app *a)
{
    if (!app_essay_is_open(a)) return;
    app_goto_page(a, a->lr->npages - 1);
}

void app_turn(app *a, int d)
{
    if (!app_essay_is_open(a)) return;
    if (a->screen == APP_END) {
        if (d < 0) back_from_end(a);
        else app_next_essay(a);
        return;
    }
    if (a->screen != APP_READING) return;
    if (d > 0 && a->page + 1 < a->lr->npages) a->page++;
    else if (d > 0) a->screen = APP_END;
    else if (d < 0 && a->page > 0) a->page--;
    else return;
    still(a);
    app_remember(a);
    if (a->hint == APP_HINT_SHOW) { /* the first turn: the visitor knows how */
        a->hint = APP_HINT_FADING;
        a->hint_t0 = a->now;
        a->hint_done = 1;
    }
}

void app_goto_page(app *a, size_t page)
{
    if (!app_essay_is_open(a)) return;
    a->page = page < a->lr->npages ? page : a->lr->npages - 1;
    a->screen = APP_READING;
    still(a);
    app_remember(a);
}


void app_open_menu(app *a)
{
    if (a->screen != APP_READING || !app_essay_is_open(a)) return;
    still(a);
    a->screen = APP_MENU;
}

void app_set_theme(app *a, int theme)
{
    if (theme < 0 || theme >= THEME_COUNT) return;
    a->theme = theme;
    a->dirty = 1;
}

void app_change_size(app *a, int d)
{
    lerr e;
    int step = a->size_step + d;
    if (step < 0 || step >= TUN_SIZE_STEPS) return;
    if (app_set_size_step(a, step, &e)) fprintf(stderr, "lectern: %s\n", e.msg);
    a->dirty = 1;
}

void app_request_quit(app *a, int force)
{
    if (a->o.kiosk && !force) return;
    a->quit = 1;
}

static void close_overlay(app *a);

void app_back(app *a)
{
    if (a->o.kiosk) return; /* a visitor's keyboard changes nothing */
    switch (a->screen) {
    case APP_MENU:
    case APP_CONTENTS: close_overlay(a); break;
    case APP_READING:
    case APP_END:
    case APP_ATTRACT: app_go_library(a); break;
    case APP_IMPORT: app_do(a, action_make(ACT_IMPORT_CANCEL, 0)); break;
    case APP_ERROR:
        if (a->error_kind == APP_ERR_ESSAY && a->nlist) app_go_library(a);
        else app_request_quit(a, 0);
        break;
    default: app_request_quit(a, 0); break; /* the library: the way out */
    }
}

int app_hint_shown(const app *a) { return screen_hint_alpha(a) > 0; }

static void close_overlay(app *a)
{
    if (a->screen == APP_ADMIN) { /* its Close: the library */
        fprintf(stderr, "lectern: admin screen closed\n");
        app_go_library(a);
        return;
    }
    if (a->screen != APP_MENU && a->screen != APP_CONTENTS) return;
    a->screen = APP_READING;
    a->dirty = 1;
}

static void open_contents(app *a)
{
    if (a->screen != APP_MENU || !a->ntoc) return;
    a->screen = APP_CONTENTS;
    a->toc.scroll = 0;
    gesture_inertia_stop(&a->toc.in);
    a->dirty = 1;
}

/* The list of the current screen, scrolled by d pixels within its length. */
static void scroll(app *a, double d)
{
    app_list *l = a->screen == APP_LIBRARY ? &a->lib : a->screen == APP_CONTENTS ? &a->toc : a->screen == APP_ADMIN ? &a->adm : NULL;
    if (!l) return;
    double max = a->screen == APP_LIBRARY  ? screen_library_max(a)
                 : a->screen == APP_ADMIN ? screen_admin_max(a)
                                          : screen_contents_max(a);
    gesture_inertia_stop(&l->in);
    l->scroll += d;
    if (l->scroll > max) l->scroll = max;
    if (l->scroll < 0) l->scroll = 0;
    a->dirty = 1;
}

/* ---- the admin screen (admin.h) ------------------------------------------------------- */

/* Its lines, from what the reader knows now. */
static void admin_refresh(app *a)
{
    if (!a->adm_lines) a->adm_lines = calloc(ADMIN_LINES_MAX, sizeof *a->adm_lines);
    if (!a->adm_lines) {
        a->adm_n = 0;
        return;
    }
    int64_t wall = app_wall(a);
    admin_facts f = {.pack_file = a->pack_file, .folder = a->pack_mem != NULL, .pk = a->pk, .shown = a->nlist,
                     .cfg = a->o.cfg, .log = a->o.log, .wall = wall};
    a->adm_n = admin_lines(&f, a->adm_lines, ADMIN_LINES_MAX);
    app_import_admin(a); /* its Go back button */
    a->adm_minute = wall >= 0 ? wall / 60 : -((-wall + 59) / 60);
    a->dirty = 1;
}

/* From the admin gesture: whatever was open is left as for the library
 * (its position kept, the crash-loop guard told), then the admin screen. */
static void open_admin(app *a)
{
    if (!a->o.kiosk) return;
    if (a->screen != APP_ADMIN) {
        app_go_library(a);
        a->screen = APP_ADMIN;
        a->adm.scroll = 0;
        gesture_inertia_stop(&a->adm.in);
        fprintf(stderr, "lectern: admin gesture: the admin screen is open\n");
    }
    admin_refresh(a);
    if (!a->adm_n) fprintf(stderr, "lectern: out of memory for the admin screen\n");
}

void app_do(app *a, action act)
{
    switch (act.kind) {
    case ACT_OPEN:
        if (act.n >= 0) app_open_from_list(a, (size_t)act.n);
        break;
    case ACT_NEXT_ESSAY: app_next_essay(a); break;
    case ACT_TURN: app_turn(a, act.n < 0 ? -1 : 1); break;
    case ACT_GOTO_PAGE:
        if (act.n >= 0) app_goto_page(a, (size_t)act.n);
        break;
    case ACT_LAST_PAGE:
        if (app_essay_is_open(a)) app_goto_page(a, a->lr->npages - 1);
        break;
    case ACT_SIZE: app_change_size(a, act.n < 0 ? -1 : 1); break;
    case ACT_THEME: app_set_theme(a, (int)act.n); break;
    case ACT_THEME_NEXT: app_set_theme(a, (a->theme + 1) % THEME_COUNT); break;
    case ACT_LIBRARY: app_go_library(a); break;
    case ACT_MENU: app_open_menu(a); break;
    case ACT_CONTENTS: open_contents(a); break;
    case ACT_CLOSE: close_overlay(a); break;
    case ACT_BACK: app_back(a); break;
    case ACT_SCROLL: scroll(a, act.px); break;
    case ACT_QUIT: app_request_quit(a, 0); break;
    case ACT_QUIT_FORCE:
        if (a->screen == APP_ADMIN) fprintf(stderr, "lectern: admin screen: leaving the kiosk\n");
        app_request_quit(a, 1);
        break;
    case ACT_ADMIN: open_admin(a); break;
    case ACT_IMPORT:
    case ACT_IMPORT_LOAD:
    case ACT_IMPORT_CANCEL:
    case ACT_IMPORT_BACK: app_import_do(a, act); break;
    default: break;
    }
}

/* ---- start-up ------------------------------------------------------------------------ */

/* The library's list: the essays the configuration chose, in its order, or
 * all of them. Returns 0, or -1 (said on stderr) when out of memory. */
static int build_list(app *a)
{
    uint32_t count = (uint32_t)pack_essays(a->pk);
    size_t n = a->o.cfg ? config_essay_list(a->o.cfg, count, NULL, 0) : count;
    if (n == 0) {
        fprintf(stderr, "lectern: essays: none of the essays chosen is in %s (it has %u); showing them all\n",
                a->pack_file, count);
        n = count;
    }
    free(a->list);
    a->list = malloc((n ? n : 1) * sizeof *a->list);
    if (!a->list) {
        fprintf(stderr, "lectern: out of memory for the library\n");
        return -1;
    }
    if (a->o.cfg && config_essay_list(a->o.cfg, count, a->list, n) == n) a->nlist = n;
    else
        for (a->nlist = 0; a->nlist < n; a->nlist++) a->list[a->nlist] = (uint32_t)a->nlist + 1;

    return 0;
}

static void admin_refresh(app *a);

/* The pack file was replaced or changed under the reader: open it again
 * and show its library. While the new file cannot be read (being copied,
 * damaged) the old pack stays, and it is tried again at the next check. */
static void check_pack(app *a)
{
    a->pack_checked = a->now;
    int c = pack_changed(a->pk);
    if (c == PACK_SAME || c == PACK_GONE) return; /* gone: keep what we have; a new one may come */
    lerr e;
    if (app_reopen_pack(a, &e)) {
        if (!a->pack_retry_said) fprintf(stderr, "lectern: %s changed, but cannot be read yet (%s); still showing the essays it had\n", a->pack_file, e.msg);
        a->pack_retry_said = 1;
        return;
    }
    a->pack_retry_said = 0;
    app_pack_switched(a, c == PACK_REPLACED ? "replaced" : "changed");
}

void app_pack_switched(app *a, const char *how)
{
    if (a->gd) { /* the essay was closed; another pack starts the counts again */
        lerr ge;
        ge.msg[0] = 0;
        guard_said(guard_set_pack(a->gd, pack_identity(a->pk), &ge), &ge);
    }
    fprintf(stderr, "lectern: %s was %s; reopened it: %zu essay%s\n", a->pack_file,
            how, pack_essays(a->pk), pack_essays(a->pk) == 1 ? "" : "s");
    a->nlist = 0;
    if (build_list(a)) return;
    a->lib.scroll = 0;
    if (a->screen == APP_ADMIN) admin_refresh(a); /* staff see the new pack's count */
    else if (a->screen != APP_ATTRACT && !(a->screen == APP_IMPORT && a->imp_phase == APP_IMP_LOADING))
        a->screen = APP_LIBRARY; /* an idle kiosk goes on inviting, with the new essays */
    a->attract_essay = 0;
    a->attract_turn = UINT64_MAX; /* its text again, from the new pack */
    a->dirty = 1;
}

void app_start(app *a)
{
    a->last_input = a->now;
    a->dirty = 1;
    app_conf_start(a);
    if (!a->pk) return; /* the error page about the pack is all there is */
    lerr e;
    e.msg[0] = 0;
    int r = state_open(&a->st, a->o.state_dir, a->o.state_on && a->o.state_dir, &e);
    if (r < 0) fprintf(stderr, "lectern: out of memory for reading positions\n");
    else if (r > 0 && a->o.state_dir && e.msg[0]) fprintf(stderr, "lectern: %s\n", e.msg);

    /* the crash-loop guard, beside the positions (with state = off too: it
     * keeps no reading positions) */
    char boot[GUARD_BOOT_MAX];
    boot_id(boot, sizeof boot);
    guard_start gs;
    e.msg[0] = 0;
    r = guard_open(&a->gd, a->o.state_dir, a->o.state_dir != NULL, pack_identity(a->pk), boot, &gs, &e);
    /* a directory that is missing or read-only: said once already, by state.c, when positions are on */
    int dir_said = a->o.state_on && a->st && !state_persistent(a->st);
    if (r < 0) fprintf(stderr, "lectern: out of memory for the crash-loop guard\n");
    else if (r > 0 && e.msg[0] && ((r & GUARD_IGNORED) || !dir_said)) fprintf(stderr, "lectern: %s\n", e.msg);

    uint32_t count = (uint32_t)pack_essays(a->pk);
    if (build_list(a)) return;
    a->screen = APP_LIBRARY;
    char t[256];
    uint32_t start = a->o.start;
    if (gs.died) {
        /* one line for the journal: what happened, and what the reader does about it */
        int again = start == gs.died, marked = gs.deaths >= GUARD_DEATHS;
        fprintf(stderr, "lectern: the reader ended abnormally while essay %u \xE2\x80\x9C%s\xE2\x80\x9D was open "
                "(%u time%s with this pack)%s%s\n", gs.died, title_of(a, gs.died, t, sizeof t), gs.deaths,
                gs.deaths == 1 ? "" : "s",
                again ? "; starting on the library instead of opening it again" : "",
                marked ? "; it is marked \"could not be shown\" in the library until the pack changes" : "");
        if (again) start = 0;
    } else if (gs.stopped) {
        fprintf(stderr, "lectern: essay %u was open when the machine last stopped (a power cut or a restart: "
                "not counted as a failure)\n", gs.stopped);
    }
    if (start && start <= count && guard_failed(a->gd, start)) {
        fprintf(stderr, "lectern: start = %u: essay %u \xE2\x80\x9C%s\xE2\x80\x9D could not be shown (the reader "
                "ended abnormally %u times while it was open); showing the library\n", start, start,
                title_of(a, start, t, sizeof t), guard_deaths(a->gd, start));
        start = 0;
    }
    if (start && start > count)
        fprintf(stderr, "lectern: start = %u: %s has %u essay%s; showing the library\n", start, a->pack_file,
                count, count == 1 ? "" : "s");
    else if (start)
        app_show_essay(a, start);
    app_import_start(a); /* over the first screen: new essays on a stick or the SD card */
}

/* ---- time ---------------------------------------------------------------------------- */

float app_slide_now(const app *a)
{
    if (!a->sliding) return a->slide;
    double u = (double)(a->now - a->slide_t0) / TUN_SLIDE_MS;
    if (u >= 1) return 0;
    double k = 1 - u;
    return (float)(a->slide_from * k * k * k); /* ease out: fast at first, settling gently */
}

void app_slide_to_rest(app *a, float from)
{
    a->dragging = 0;
    a->slide = 0;
    a->slide_from = from;
    a->slide_t0 = a->now;
    a->sliding = from != 0;
    a->dirty = 1;
}

/* ---- the attract screen (attract.h) -------------------------------------------------- */

/* The essays the attract screen shows: the library's, but not those that
 * could not be shown (guard.h): how many, and the k-th of them (0: none). */
static size_t attract_count(const app *a)
{
    size_t n = 0;
    for (size_t i = 0; i < a->nlist; i++) n += !guard_failed(a->gd, a->list[i]);
    return n;
}

static uint32_t attract_nth(const app *a, size_t k)
{
    for (size_t i = 0; i < a->nlist; i++)
        if (!guard_failed(a->gd, a->list[i]) && k-- == 0) return a->list[i];
    return 0;
}

/* Essay n's first line into a->attract_line, from its text as the pack
 * holds it ("" when it has none or cannot be read: the title alone is
 * shown, and the damage is said when a visitor opens it). */
static void attract_load(app *a, uint32_t n)
{
    a->attract_essay = n;
    a->attract_line[0] = 0;
    size_t idx = n ? pack_essay_index(a->pk, n) : (size_t)-1;
    if (idx == (size_t)-1) return;
    uint8_t *text = NULL;
    size_t len = 0;
    lerr e;
    if (pack_read(a->pk, idx, &text, &len, &e)) return;
    essay es;
    memset(&es, 0, sizeof es);
    if (essay_parse(text, len, &es, &e) == 0) {
        const pack_entry *en = pack_entry_at(a->pk, idx);
        attract_first_line(&es, en->title, en->title_len, TUN_ATTRACT_LINE_CHARS, a->attract_line,
                           sizeof a->attract_line);
    }
    essay_free(&es);
    free(text);
}

/* From app_tick on the attract screen: the essay of this turn, and a frame
 * when the strength drawn would change (while it holds, none). */
static void attract_tick(app *a)
{
    size_t n = attract_count(a);
    attract_frame f = attract_at(a->now - a->attract_t0, n);
    if (f.turn != a->attract_turn) { /* a new turn, or the pack changed (UINT64_MAX) */
        uint32_t want = n ? attract_nth(a, f.item) : 0;
        a->attract_turn = f.turn;
        if (want != a->attract_essay) attract_load(a, want);
        a->dirty = 1;
    }
    if (attract_level(f.alpha) != a->attract_level) a->dirty = 1;
}

static void attract_start(app *a)
{
    a->screen = APP_ATTRACT;
    /* from the moment the idle timeout ran out, however late the tick came */
    uint64_t due = a->last_input + (uint64_t)a->o.idle_s * 1000;
    a->attract_t0 = due <= a->now ? due : a->now;
    a->attract_essay = 0;
    a->attract_turn = UINT64_MAX;
    a->attract_level = -1; /* nothing drawn yet */
    attract_tick(a);
}

int app_fading(const app *a)
{
    return a->screen == APP_ATTRACT && !a->asleep && attract_fading(a->now - a->attract_t0);
}

static void idle_reset(app *a)
{
    lerr e;
    app_go_library(a);
    a->lib.scroll = 0;
    gesture_inertia_stop(&a->lib.in);
    gesture_inertia_stop(&a->toc.in);
    gesture_inertia_stop(&a->adm.in);
    gesture_reset(&a->g);
    a->admin_step = 0;
    a->attract_swallow = 0;
    if (a->size_step != TUN_SIZE_DEFAULT && app_set_size_step(a, TUN_SIZE_DEFAULT, &e))
        fprintf(stderr, "lectern: %s\n", e.msg);
    a->theme = a->o.theme;
    a->hint = APP_HINT_NONE;
    a->hint_done = 0; /* the next visitor gets the hint again */
    a->idle_done = 1;
    a->dirty = 1;
    if (a->o.cfg && a->o.cfg->idle_action == CONFIG_IDLE_ATTRACT) attract_start(a);
}

static void coast(app *a, app_list *l, double max)
{
    if (!gesture_inertia_active(&l->in)) return;
    l->in.hi = max; /* the list may have been resized */
    l->scroll = gesture_inertia_step(&l->in, (double)(a->now - l->t));
    l->t = a->now;
    a->dirty = 1;
}

void app_tick(app *a, uint64_t now)
{
    if (now > a->now) a->now = now;
    if (gesture_busy(&a->g)) {
        gesture_event ev[GESTURE_MAX_EVENTS];
        int n = gesture_tick(&a->g, a->now, ev);
        if (n) app_gesture_events(a, ev, n);
    }
    if (a->sliding) {
        if (a->now - a->slide_t0 >= TUN_SLIDE_MS) {
            a->sliding = 0;
            a->slide = 0;
        }
        a->dirty = 1;
    }
    if (a->hint == APP_HINT_FADING) {
        if (a->now - a->hint_t0 >= TUN_HINT_FADE_MS) a->hint = APP_HINT_NONE;
        a->dirty = 1;
    }
    if (a->screen == APP_LIBRARY) coast(a, &a->lib, screen_library_max(a));
    if (a->screen == APP_CONTENTS) coast(a, &a->toc, screen_contents_max(a));
    if (a->screen == APP_ADMIN) {
        coast(a, &a->adm, screen_admin_max(a));
        int64_t w = app_wall(a);
        if ((w >= 0 ? w / 60 : -((-w + 59) / 60)) != a->adm_minute) admin_refresh(a); /* the clock it shows */
    }
    if (a->o.idle_s && !a->idle_done && a->pk && !app_import_busy(a) && a->now - a->last_input >= (uint64_t)a->o.idle_s * 1000)
        idle_reset(a);
    if (a->screen == APP_ATTRACT && !a->asleep) attract_tick(a); /* asleep: nothing is drawn or read */
    /* burn-in care: the static elements move a pixel now and then */
    int dx, dy;
    burnin_offset(a->now, &dx, &dy);
    if (dx != a->burn_dx || dy != a->burn_dy) {
        a->burn_dx = dx;
        a->burn_dy = dy;
        a->dirty = 1;
    }
    if (a->st_pending && a->now - a->st_changed >= TUN_SAVE_AFTER_MS) app_persist(a);
    if (a->pk && !a->pack_mem && a->now - a->pack_checked >= TUN_PACK_CHECK_MS) check_pack(a);
    app_conf_tick(a);
    app_import_tick(a);
    app_sleep_tick(a); /* last: asleep, nothing above is drawn */
}

int app_busy(const app *a)
{
    return gesture_busy(&a->g) || a->sliding || a->hint == APP_HINT_FADING || gesture_inertia_active(&a->lib.in) ||
           gesture_inertia_active(&a->toc.in) || gesture_inertia_active(&a->adm.in);
}


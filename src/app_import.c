/* app_import.c - the reader's side of new essays from a USB stick or the
 * boot partition (import.h): looking (at start, then in kiosk mode every
 * TUN_IMPORT_CHECK_MS when media_dir changed), the offer (import = ask: at
 * once over whatever shows; import = signed: the admin screen's button),
 * the load (lectern-pack install in a child process, polled each tick),
 * the switch to the new pack without a restart, and going back. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "config.h"
#include "import.h"
#include "pack.h"

static void journal(void *ctx, const char *line)
{
    (void)ctx;
    fprintf(stderr, "lectern: %s\n", line);
}

/* The boot partition's folder: where its lectern.conf is ("" = none). */
static void boot_dir(const app *a, char *out, size_t n)
{
    out[0] = 0;
    const config *c = a->o.cfg;
    if (!c || !c->boot_file[0]) return;
    const char *slash = strrchr(c->boot_file, '/');
    if (!slash) snprintf(out, n, ".");
    else if (slash == c->boot_file) snprintf(out, n, "/");
    else snprintf(out, n, "%.*s", (int)(slash - c->boot_file), c->boot_file);
}

/* Where the boot partition's offers are remembered across starts: beside import_pack. */
static void offered_file(const app *a, char *out, size_t n) { snprintf(out, n, "%s.offered", a->o.import_pack); }

static void refresh_back(app *a) { a->imp_back = import_back_kind(a->o.import_pack); }

/* Show the offer now (import = ask), over whatever shows. */
static void show_offer(app *a)
{
    if (a->screen != APP_IMPORT) a->imp_under = a->screen;
    a->screen = APP_IMPORT;
    a->imp_phase = APP_IMP_OFFER;
    a->dirty = 1;
}

static void look(app *a, int with_boot);

/* The offer of cand: shown at once (import = ask), or waiting for the admin
 * screen's button (import = signed). */
static void offer(app *a, const import_cand *cand)
{
    const config *c = a->o.cfg;
    a->imp_cand = *cand;
    a->imp_have = 1;
    snprintf(a->imp_label, sizeof a->imp_label, "%zu essay%s %s", cand->essays, cand->essays == 1 ? "" : "s",
             cand->where == IMPORT_BOOT ? "on the SD card" : "on the USB stick");
    fprintf(stderr, "lectern: new essays %s: %s (%zu essay%s)%s\n", cand->where == IMPORT_BOOT ? "on the SD card" : "on a USB stick",
            cand->path, cand->essays, cand->essays == 1 ? "" : "s",
            c->import_mode == CONFIG_IMPORT_SIGNED ? ", signed by a known key; offered on the admin screen" : "; asking");
    if (c->import_mode == CONFIG_IMPORT_ASK) show_offer(a);
    else if (a->screen == APP_ADMIN) a->dirty = 1;
}

/* import = signed: the whole check of imp_vcand ended. Passed: offered;
 * failed: one journal line, and the next candidate is looked for. */
static void verified(app *a)
{
    import_job *j = &a->imp_vjob;
    if (j->status == 0) {
        offer(a, &a->imp_vcand);
        return;
    }
    char why[IMPORT_MSG_MAX];
    import_job_first_line(j, why, sizeof why);
    fprintf(stderr, "lectern: import = signed: %s is not loaded: %s\n", a->imp_vcand.path, why);
    look(a, a->imp_vboot);
}

static void look(app *a, int with_boot)
{
    const config *c = a->o.cfg;
    char boot[CONFIG_PATH_MAX];
    boot_dir(a, boot, sizeof boot);
    import_opts io = {c->import_mode, c->media_dir, boot[0] ? boot : NULL, c->keys_dir, journal, NULL};
    import_cand cand;
    lerr e;
    int r = import_find(a->imp, &io, with_boot, &cand, &e);
    if (r < 0) {
        fprintf(stderr, "lectern: looking for new essays: %s\n", e.msg);
        return;
    }
    if (r == 0) {
        /* a stick pulled out: its waiting offer goes with it */
        if (a->imp_have && a->screen != APP_IMPORT && access(a->imp_cand.path, F_OK) != 0) {
            a->imp_have = 0;
            if (a->screen == APP_ADMIN) a->dirty = 1;
        }
        return;
    }
    if (import_mark(a->imp, &cand)) fprintf(stderr, "lectern: out of memory for the essays offered\n");
    if (cand.where == IMPORT_BOOT) { /* the SD card is looked at on every start: not asked again */
        char f[sizeof a->pack_file + 16];
        offered_file(a, f, sizeof f);
        if (import_scan_save(a->imp, f, &e)) fprintf(stderr, "lectern: %s (the SD card's essays may be offered again at the next start)\n", e.msg);
    }
    if (a->screen == APP_IMPORT && a->imp_phase != APP_IMP_OFFER) return; /* a load under way: next time */
    if (c->import_mode != CONFIG_IMPORT_SIGNED) {
        offer(a, &cand);
        return;
    }
    /* the signature over every byte, in a child: polled by app_import_tick */
    char packer[4096];
    a->imp_vcand = cand;
    a->imp_vboot = with_boot;
    if (import_find_packer(a->o.packer, packer, sizeof packer, &e) ||
        import_verify_start(&a->imp_vjob, packer, &cand, &e)) {
        fprintf(stderr, "lectern: import = signed: %s is not loaded: it cannot be checked: %s\n", cand.path, e.msg);
        return;
    }
    if (a->o.import_sync && import_job_poll(&a->imp_vjob, 1)) verified(a);
}

void app_import_start(app *a)
{
    const config *c = a->o.cfg;
    if (!a->pk || !c || !a->o.import_pack || c->import_mode == CONFIG_IMPORT_OFF) return;
    lerr e;
    if (import_scan_new(&a->imp, &e)) {
        fprintf(stderr, "lectern: %s: new essays are not looked for\n", e.msg);
        return;
    }
    refresh_back(a);
    char f[sizeof a->pack_file + 16];
    offered_file(a, f, sizeof f);
    e.msg[0] = 0;
    if (import_scan_load(a->imp, f, &e) && access(f, F_OK) == 0) fprintf(stderr, "lectern: %s\n", e.msg);
    a->imp_checked = a->now;
    import_media_changed(a->imp, c->media_dir);
    look(a, 1); /* the boot partition only now: it is there at start or not at all */
}

/* The new pack, or the configured one, in place of what shows: at once. */
static int switch_to(app *a, const char *path, const char *why)
{
    char old[sizeof a->pack_file];
    snprintf(old, sizeof old, "%s", a->pack_file);
    snprintf(a->pack_file, sizeof a->pack_file, "%s", path);
    lerr e;
    if (app_reopen_pack(a, &e)) {
        snprintf(a->pack_file, sizeof a->pack_file, "%s", old);
        fprintf(stderr, "lectern: %s: %s; still showing the essays of %s\n", why, e.msg, old);
        return -1;
    }
    app_pack_switched(a, why);
    return 0;
}

static void finish(app *a)
{
    import_job *j = &a->imp_job;
    if (j->status == 0) {
        fprintf(stderr, "lectern: loaded the new essays from %s into %s\n", a->imp_cand.path, a->o.import_pack);
        a->imp_have = 0;
        refresh_back(a);
        app_go_library(a); /* the essay under the prompt left as for the library (its place kept) */
        if (switch_to(a, a->o.import_pack, a->imp_cand.where == IMPORT_BOOT ? "loaded from the SD card" : "loaded from a USB stick")) {
            snprintf(a->imp_msg, sizeof a->imp_msg, "The new essays were saved, but cannot be shown yet.");
            a->screen = APP_IMPORT;
            a->imp_phase = APP_IMP_FAILED;
        }
        a->dirty = 1;
        return;
    }
    import_job_message(j, &a->imp_cand, a->o.import_pack, a->imp_msg, sizeof a->imp_msg);
    fprintf(stderr, "lectern: loading %s failed (lectern-pack install, status %d): %s\n", a->imp_cand.path, j->status,
            j->err_n ? j->err : "(it said nothing)\n");
    a->imp_phase = APP_IMP_FAILED;
    a->imp_have = 0;
    a->dirty = 1;
}

static void load(app *a)
{
    if (a->screen != APP_IMPORT || a->imp_phase != APP_IMP_OFFER || a->imp_job.pid) return;
    char packer[4096];
    lerr e;
    if (import_find_packer(a->o.packer, packer, sizeof packer, &e) ||
        import_job_start(&a->imp_job, packer, &a->imp_cand, a->o.import_pack, &e)) {
        fprintf(stderr, "lectern: cannot load the new essays: %s\n", e.msg);
        snprintf(a->imp_msg, sizeof a->imp_msg, "The essays could not be loaded: the kiosk's lectern-pack is missing.");
        a->imp_phase = APP_IMP_FAILED;
        a->dirty = 1;
        return;
    }
    fprintf(stderr, "lectern: loading the new essays: %s install %s%s%s%s %s\n", packer,
            a->imp_cand.key[0] ? "--pubkey " : "", a->imp_cand.key, a->imp_cand.key[0] ? " " : "", a->imp_cand.path,
            a->o.import_pack);
    a->imp_phase = APP_IMP_LOADING;
    a->dirty = 1;
    if (a->o.import_sync && import_job_poll(&a->imp_job, 1)) finish(a);
}

static void go_back(app *a)
{
    if (a->screen != APP_ADMIN || !a->o.import_pack) return;
    lerr e;
    int r = import_go_back(a->o.import_pack, &e);
    refresh_back(a);
    if (r < 0) {
        fprintf(stderr, "lectern: admin screen: going back: %s\n", e.msg);
        a->dirty = 1;
        return;
    }
    fprintf(stderr, "lectern: admin screen: went back to the %s essays\n", r == 2 ? "previous" : "built-in");
    app_go_library(a);
    switch_to(a, r == 2 ? a->o.import_pack : a->base_pack,
              r == 2 ? "swapped with the previous essays" : "shown again (the loaded essays were removed)");
    a->screen = APP_LIBRARY;
    a->dirty = 1;
}

void app_import_do(app *a, action act)
{
    switch (act.kind) {
    case ACT_IMPORT:
        if (a->imp_have && a->screen == APP_ADMIN) {
            fprintf(stderr, "lectern: admin screen: the new essays are offered\n");
            a->imp_under = APP_LIBRARY; /* Cancel: the library, as Close would */
            app_go_library(a);
            show_offer(a);
        }
        break;
    case ACT_IMPORT_LOAD: load(a); break;
    case ACT_IMPORT_CANCEL:
        if (a->screen != APP_IMPORT || a->imp_phase == APP_IMP_LOADING) break;
        if (a->imp_phase == APP_IMP_OFFER) {
            fprintf(stderr, "lectern: the new essays on %s were not loaded (Cancel)\n", a->imp_cand.path);
            a->imp_have = 0;
        }
        a->screen = a->imp_under == APP_IMPORT || a->imp_under == APP_ADMIN ? APP_LIBRARY : a->imp_under;
        if (a->screen == APP_READING && !app_essay_is_open(a)) a->screen = APP_LIBRARY;
        a->dirty = 1;
        break;
    case ACT_IMPORT_BACK: go_back(a); break;
    default: break;
    }
}

void app_import_tick(app *a)
{
    if (!a->imp) return;
    if (a->imp_job.pid) {
        if (import_job_poll(&a->imp_job, a->o.import_sync)) finish(a);
        return;
    }
    if (a->imp_vjob.pid) {
        if (import_job_poll(&a->imp_vjob, a->o.import_sync)) verified(a);
        return;
    }
    if (!a->o.kiosk || a->now - a->imp_checked < TUN_IMPORT_CHECK_MS) return;
    a->imp_checked = a->now;
    if (import_media_changed(a->imp, a->o.cfg->media_dir)) {
        fprintf(stderr, "lectern: the USB sticks in %s changed; looking for new essays\n", a->o.cfg->media_dir);
        look(a, 0);
    }
}

int app_import_busy(const app *a) { return a->imp_job.pid != 0 || a->screen == APP_IMPORT; }

void app_import_admin(app *a) { refresh_back(a); }

void app_import_close(app *a)
{
    import_job_stop(&a->imp_job);
    import_job_stop(&a->imp_vjob);
    import_scan_free(a->imp);
    a->imp = NULL;
}

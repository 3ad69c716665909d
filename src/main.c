/* main.c - lectern, the reader: the command line and the configuration,
 * signals and the display, then hand over to app.c.
 *
 * Flags are of two kinds: the reader's own modes and page options, read
 * here, and the configuration keys (config.c), which may also come from
 * /etc/lectern/lectern.conf. A bad flag is a usage error (exit 2); a bad
 * line in the file is reported and the default used, unless --strict. */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <SDL2/SDL.h>
#include <SDL2/SDL_ttf.h>

#include "admin.h"
#include "bootwait.h"
#include "app.h"
#include "config.h"
#include "platform.h"
#include "replay.h"
#include "sdl_dyn.h"
#include "tunables.h"

static void usage(FILE *f)
{
    fprintf(f,
        "usage: lectern [options]                  the reader: the library, then essays by touch\n"
        "       lectern --replay SCRIPT [options]  headless, with the touches and keys of SCRIPT\n"
        "       lectern --screenshot DIR [options] write pages as DIR/essayN-pagePPP.png\n"
        "       lectern FOLDER [options]           read a folder of .txt/.md essays (or one such\n"
        "                                          file), packed in memory as lectern-pack would\n"
        "       lectern --layout-stats [options]   print layout quality per essay\n"
        "       lectern --dump-layout [options]    print the layout as JSON Lines, a line each\n"
        "\n"
        "the reader's own options:\n"
        "  --replay SCRIPT    run SCRIPT headless (no display needed) and exit 1 at its first failed\n"
        "                     `expect`, naming the line. Commands, one a line (# comments):\n"
        "                       tap X Y | swipe left|right|up|down | drag X1 Y1 X2 Y2 MS |\n"
        "                       longpress X Y | click X Y | key NAME | wait MS |\n"
        "                       expect screen library|reading|menu|contents|end|error|sleep|\n"
        "                                     attract|admin |\n"
        "                       expect page N | expect essay N | expect theme T | expect size +S |\n"
        "                       expect first N | expect marked | expect quit |\n"
        "                       expect hint shown|hidden |\n"
        "                       mark | shot NAME | print | random N SEED\n"
        "                     X, Y are the panel's own 0..1, before rotation; times are the\n"
        "                     script's clock (wait 600000 costs nothing). With --screenshot DIR,\n"
        "                     shot NAME writes DIR/NAME.png. The configuration file is read only\n"
        "                     when given with --config, and positions are kept on disk only with\n"
        "                     --state-dir.\n"
        "  --screenshot DIR   headless PNG pages (or, with --replay, where shots go)\n"
        "  --screen library   with --screenshot: write the library screen as DIR/library.png\n"
        "                     instead of pages (--screen page, the default: pages)\n"
        "  --layout-stats     one line of layout statistics per essay\n"
        "  --dump-layout      the laid-out lines of every essay (or --essay N) at --size and\n"
        "                     --font-size as JSON Lines on stdout: essay, page, line (per page),\n"
        "                     block, kind, x, y, width, ratio, end, runs with shaped glyphs\n"
        "  --essay N          essay number, as `lectern-pack list` prints it (pages: default 1;\n"
        "                     with --screenshot --all and no --essay: every essay; the reader:\n"
        "                     open it at start-up, as --start N)\n"
        "  --page P           page to write (1-based, default 1)\n"
        "  --all              write every page\n"
        "  --size WxH         the panel in pixels (default " TUN_PANEL_STR "; a window's own size)\n"
        "  --font-size S      as the key font_size, or in pixels: \"18px\"\n"
        "  --fullscreen       fill the display (the key kiosk implies it)\n"
        "  --packer PATH      the lectern-pack that packs a folder given to read and loads new essays\n"
        "                     from a USB stick (default: the one beside the lectern program, else\n"
        "                     the first on PATH)\n"
        "  --boot-wait FILE   before reading any setting, wait until FILE exists (at most " TUN_BOOT_WAIT_STR " s):\n"
        "                     lectern.service's way to read the boot partition's lectern.conf\n"
        "                     at the first start (lectern-bootfs.service makes the file once\n"
        "                     that partition is mounted, or given up)\n"
        "  --boot-early DIR   when DIR is there, the boot partition's lectern.conf is read at once\n"
        "                     from the copy DIR/lectern.conf that the image's initramfs made, and\n"
        "                     --boot-wait is not waited for (a start again for new settings reads\n"
        "                     the partition itself)\n"
        "  --version\n"
        "\n"
        "touch: tap the right two-thirds of a page for the next, the left third for the previous;\n"
        "swipe; tap the top band (its mark at the top right) or hold a finger down for the menu\n"
        "(library, text size, theme, contents). In kiosk mode, long presses in three corners in\n"
        "turn (top left, top right, bottom right, within 10 seconds) open the admin screen for\n"
        "staff: the essays, the settings and their problems, the clock, and \"Leave the kiosk\",\n"
        "the only way a kiosk ends by touch. SIGTERM ends the reader cleanly, and in kiosk mode\n"
        "SIGINT is ignored.\n"
        "keys in a window: Right/Down/PgDn/Space next page, Left/Up/PgUp previous, Home the\n"
        "library, End the last page, m the menu, +/- text size, t theme, Escape back (the menu\n"
        "or contents closes, a page goes to the library, the library ends the reader), q quit.\n"
        "\n"
        "files (as this build has them):\n"
        "  the pack     FOLDER or --pack, the file's `pack`, $LECTERN_PACK; else the first of\n"
        "               default.lpk beside the lectern program, " LECTERN_DATADIR "/default.lpk,\n"
        "               /usr/share/lectern/default.lpk, build/host/default.lpk\n"
        "  settings     " CONFIG_DEFAULT_FILE " (--config FILE for another), then\n"
        "               " CONFIG_BOOT_FILE ", on the SD card's FAT partition\n"
        "               (--boot-config FILE for another); a kiosk that sees the second\n"
        "               appear or change while it runs starts again with it\n"
        "  new essays   a USB stick mounted under the key media_dir (a lectern folder of .txt or\n"
        "               .md essays, or a .lpk pack), or lectern.lpk or lectern/ beside the SD\n"
        "               card's lectern.conf: the key import says whether to ask (the\n"
        "               default), take only signed packs (admin screen) or never look; loaded\n"
        "               essays go to the key import_pack (default STATE_DIR/imported.lpk)\n"
        "               and show instead of the pack; the admin screen goes back\n"
        "  positions    the key state_dir, default /var/lib/lectern; when that is not a folder\n"
        "               the reader can write (a desktop), $XDG_STATE_HOME/lectern, by default\n"
        "               ~/.local/state/lectern\n"
        "\n"
        "environment:\n"
        "  LECTERN_PACK=FILE            the pack when neither the option nor the file names one\n"
        "  LECTERN_NO_RENDER_TARGETS=1  use no render targets, as on a renderer that has none:\n"
        "                               pages drawn straight to the screen each frame (turned\n"
        "                               in memory when rotate is set). For a driver whose\n"
        "                               targets show nothing, and for tests. stderr says which\n"
        "                               way the pages are drawn, and why.\n"
        "\n"
        "configuration keys (each also an option):\n\n");
    config_help(f);
}

static int bad_usage(const char *fmt, const char *arg)
{
    fprintf(stderr, "lectern: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n(see lectern --help)\n");
    return 2;
}

static int parse_size(const char *s, int *w, int *h)
{
    char *end;
    errno = 0;
    long a = strtol(s, &end, 10);
    if (end == s || (*end != 'x' && *end != 'X')) return -1;
    const char *t = end + 1;
    long b = strtol(t, &end, 10);
    if (end == t || *end || errno || a < TUN_PAGE_MIN_SIDE || b < TUN_PAGE_MIN_SIDE || a > TUN_PAGE_MAX_SIDE ||
        b > TUN_PAGE_MAX_SIDE || a * b > TUN_PAGE_MAX_PIXELS)
        return -1;
    *w = (int)a;
    *h = (int)b;
    return 0;
}

/* "18px": the reader's own unit; anything else is the key font_size's. */
static int parse_px(const char *s, int *px)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || errno || !isfinite(v) || strcmp(end, "px") != 0) return -1;
    if (v < FONT_MIN_PX || v > FONT_MAX_PX) return -2;
    *px = (int)lround(v);
    return 0;
}

static int parse_count(const char *s, size_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (end == s || *end || errno || v == 0 || v > (1u << 24) || s[0] == '-') return -1;
    *out = (size_t)v;
    return 0;
}

/* Problems always go to stderr; notes (the default file is missing) only
 * when the reader runs, and never about a flag. The problems (and that
 * the file was missing, the one note config.c sends) are also kept for
 * the admin screen. */
typedef struct reporting {
    int quiet;      /* a headless mode */
    admin_log *log; /* main's, borrowed by the reader (app_opts.log) */
} reporting;
static void report(void *ctx, int level, const char *msg)
{
    reporting *r = ctx;
    int flag = !strncmp(msg, "option --", 9);
    if (level == CONFIG_WARN || (!r->quiet && !flag)) fprintf(stderr, "lectern: %s\n", msg);
    if (level == CONFIG_WARN && !flag) admin_log_add(r->log, msg);
    else if (level == CONFIG_INFO) r->log->file_missing = 1;
}

/* SIGTERM (systemd stopping the service) ends the loop at its next turn,
 * which saves the reading positions. The flag is the one piece of global
 * state: a signal handler has nowhere else to put it. */
static volatile sig_atomic_t stop_flag;
static void on_stop(int sig)
{
    (void)sig;
    stop_flag = 1;
}

static void signals(int kiosk)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    /* On the console a stray Ctrl-C must not end a kiosk. */
    if (kiosk) sa.sa_handler = SIG_IGN;
    sigaction(SIGINT, &sa, NULL);
}

/* On a Pi console: the DRM card that drives a display (on a Pi 5 card 0 is
 * the 3D engine and the DSI panel a card of its own). */
static void find_display(void)
{
    const char *drv = getenv("SDL_VIDEODRIVER");
    /* asked for kmsdrm, or a console where SDL will come to it */
    int kms = drv ? strcasecmp(drv, "kmsdrm") == 0 : !getenv("DISPLAY") && !getenv("WAYLAND_DISPLAY");
    if (!kms || getenv("SDL_KMSDRM_DEVICE_INDEX")) return;
    char conn[64], idx[16];
    lerr e;
    int card = platform_find_drm_card("/sys", conn, sizeof conn, &e);
    if (card < 0) {
        if (drv) fprintf(stderr, "lectern: %s; trying card 0\n", e.msg);
        return;
    }
    snprintf(idx, sizeof idx, "%d", card);
    setenv("SDL_KMSDRM_DEVICE_INDEX", idx, 1);
    fprintf(stderr, "lectern: display: /dev/dri/card%d, %s\n", card, conn);
}

/* The reader's options from the configuration (c must outlive o), the
 * folder or pack given as a word, and the run mode. */
static void options(const config *c, const char *positional, int headless, int replay, app_opts *o)
{
    static char user_state[CONFIG_PATH_MAX]; /* o->state_dir may point here */
    config def;
    config_defaults(&def);
    o->pack_path = strcmp(c->pack, def.pack) != 0 ? c->pack : NULL;
    if (positional) o->pack_path = positional; /* over the file's `pack`, as a flag would be */
    o->rotate = c->rotate;
    o->theme = c->theme;
    if (c->font_size > 0) o->font_pt = c->font_size;
    o->margins_set = c->margins >= 0;
    o->margins_mm = c->margins;
    o->idle_s = (unsigned)c->idle_timeout;
    o->kiosk = c->kiosk;
    o->start = c->start ? c->start : (uint32_t)o->essay;
    o->cfg = c;
    o->state_on = c->state;
    /* A replay keeps positions on disk only with --state-dir. */
    o->state_dir = replay && !strcmp(c->state_dir, def.state_dir) ? NULL : c->state_dir;
    /* A desktop: no state_dir configured and the system's not writable
     * (not installed): the user's own, said once. Not for headless modes. */
    if (!headless && !replay && c->state && !strcmp(c->state_dir, def.state_dir)) {
        lerr e;
        int r = platform_state_dir(c->state_dir, user_state, sizeof user_state, &e);
        if (r > 0) {
            o->state_dir = user_state;
            fprintf(stderr, "lectern: %s is not a folder it can write (as on a desktop); reading positions are "
                    "kept in %s\n", c->state_dir, user_state);
        } else if (r < 0) {
            fprintf(stderr, "lectern: %s\n", e.msg); /* state.c then says: in memory only */
        }
    }
    /* New essays (import.h): kept in import_pack, or in the state folder;
     * not in the headless modes, nor in a replay without --import-pack or
     * --state-dir (a replay means the same on every machine). A replay
     * waits for the load at once: its clock does not wait for a child. */
    static char import_pack[CONFIG_PATH_MAX + 32];
    o->import_pack = NULL;
    if ((!headless || replay) && c->import_mode != CONFIG_IMPORT_OFF) {
        /* with state = off too (a public kiosk keeps no positions, but its essays) */
        const char *sd = o->state_dir ? o->state_dir : replay ? NULL : c->state_dir;
        if (c->import_pack[0]) o->import_pack = c->import_pack;
        else if (sd && snprintf(import_pack, sizeof import_pack, "%s/imported.lpk", sd) < (int)sizeof import_pack)
            o->import_pack = import_pack;
    }
    o->import_sync = replay;
    /* Not a configuration key: a driver's trouble, not a reading setting. */
    const char *nt = getenv("LECTERN_NO_RENDER_TARGETS");
    o->no_targets = nt && *nt && strcmp(nt, "0") != 0;
}

int main(int argc, char **argv)
{
    app_opts o = {0};
    const char *shot_dir = NULL, *replay_path = NULL, *boot_wait = NULL, *boot_early = NULL;
    int early_at = 0; /* argv index of --boot-early, taken out for a start again */
    int stats = 0, dump = 0, all = 0, shot_library = 0;
    size_t page = 1;

    /* ---- the reader's own flags; the rest goes to the configuration ---- */
    /* static: still reachable when an early return ends the program (no leak report) */
    static char **cargv;
    cargv = calloc((size_t)argc + 3, sizeof *cargv); /* + --boot-copy FILE */
    if (!cargv) return 1;
    int cargc = 0;
    cargv[cargc++] = argv[0];
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        int takes = !strcmp(a, "--screenshot") || !strcmp(a, "--size") || !strcmp(a, "--essay") ||
                    !strcmp(a, "--page") || !strcmp(a, "--replay") || !strcmp(a, "--screen") || !strcmp(a, "--packer") ||
                    !strcmp(a, "--boot-wait") || !strcmp(a, "--boot-early");
        if (takes && !v) return bad_usage("%s needs a value", a);
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(a, "--version")) {
            printf("lectern %s\n", LECTERN_VERSION);
            return 0;
        } else if (!strcmp(a, "--screenshot")) shot_dir = v;
        else if (!strcmp(a, "--replay")) replay_path = v;
        else if (!strcmp(a, "--packer")) o.packer = v;
        else if (!strcmp(a, "--boot-wait")) boot_wait = v;
        else if (!strcmp(a, "--boot-early")) {
            boot_early = v;
            early_at = i;
        }
        else if (!strcmp(a, "--layout-stats")) stats = 1;
        else if (!strcmp(a, "--dump-layout")) dump = 1;
        else if (!strcmp(a, "--screen")) {
            if (strcmp(v, "library") && strcmp(v, "page")) return bad_usage("--screen %s: want library or page", v);
            shot_library = !strcmp(v, "library");
        }
        else if (!strcmp(a, "--all")) all = 1;
        else if (!strcmp(a, "--fullscreen")) o.fullscreen = 1;
        else if (!strcmp(a, "--size")) {
            if (parse_size(v, &o.w, &o.h)) return bad_usage("--size %s: want WxH, each side 64..8192 and at most " TUN_PAGE_MAX_STR
                                 " pixels in all (a 4K panel), e.g. 800x480", v);
        } else if (!strcmp(a, "--essay")) {
            if (parse_count(v, &o.essay)) return bad_usage("--essay %s: want an essay number from 1", v);
        } else if (!strcmp(a, "--page")) {
            if (parse_count(v, &page)) return bad_usage("--page %s: want a page number from 1", v);
        } else if (!strncmp(a, "--font-size", 11) || !strncmp(a, "--font_size", 11)) {
            /* pixels here, points for the configuration */
            const char *val = a[11] == '=' ? a + 12 : a[11] ? NULL : v;
            int r = val ? parse_px(val, &o.font_px) : -1;
            if (r == -2) return bad_usage("--font-size %s: want pixels from 6 to 400, or points (see --help)", val);
            if (r == 0) {
                if (!a[11]) i++;
                continue;
            }
            cargv[cargc++] = argv[i];
            continue;
        } else {
            cargv[cargc++] = argv[i];
            continue;
        }
        if (takes) i++;
    }
    if (shot_library && (!shot_dir || replay_path))
        return bad_usage("%s", "--screen library goes with --screenshot DIR (and not with --replay)");
    if (shot_dir && stats) return bad_usage("%s", "--screenshot and --layout-stats do not go together");
    if (replay_path && stats) return bad_usage("%s", "--replay and --layout-stats do not go together");
    if (dump && (stats || shot_dir || replay_path))
        return bad_usage("%s", "--dump-layout goes with none of --layout-stats, --screenshot, --replay");

    /* ---- the boot partition, when lectern.service asks (bootwait.h) ---- */
    static char early_copy[CONFIG_PATH_MAX + 64];
    int early = 0;
    if (boot_early) {
        early = bootwait_early(boot_early, early_copy, sizeof early_copy);
        if (early < 0) fprintf(stderr, "lectern: %s\n", early_copy);
        else if (early) fprintf(stderr, "lectern: the boot partition's settings as the initramfs found them (%s): "
                                        "read at once, without waiting for the partition\n", boot_early);
    }
    if (boot_wait && early <= 0) {
        bootwait_result w;
        if (bootwait_run(boot_wait, TUN_BOOT_WAIT_MS, TUN_BOOT_WAIT_POLL_MS, TUN_START_BUDGET_MS, &w))
            return bad_usage("%s", "--boot-wait needs a file name");
        if (!w.settled)
            fprintf(stderr, "lectern: %s did not appear in %.0f s: the settings are read without waiting "
                            "longer for the boot partition (a lectern.conf there later starts the reader again)\n",
                    boot_wait, w.waited_ms / 1000.0);
        else if (w.waited_ms)
            fprintf(stderr, "lectern: waited %.1f s for the boot partition (%s) before reading the settings\n",
                    w.waited_ms / 1000.0, boot_wait);
    }

    /* ---- the configuration: defaults, the file, the flags over it ---- */
    /* what config_init is given, kept: a kiosk reads its settings again
     * this way when the boot partition's file changes (app_conf.h) */
    static char **conf_argv;
    conf_argv = calloc((size_t)cargc + 1, sizeof *conf_argv);
    if (!conf_argv) return 1;
    memcpy(conf_argv, cargv, (size_t)cargc * sizeof *conf_argv);
    int conf_argc = cargc;
    /* the copy, for this start only: a start again (conf_argv, and argv
     * without --boot-early) reads the partition itself */
    if (early > 0) {
        cargv[cargc++] = "--boot-copy";
        cargv[cargc++] = early_copy;
        cargv[cargc] = NULL;
    }
    config c;
    int quiet = shot_dir || stats || dump || replay_path;
    /* static: it lives as long as the reader, which borrows it */
    static admin_log conf_log;
    reporting rep = {quiet, &conf_log};
    int cr = config_init(&c, &cargc, cargv, replay_path ? CONFIG_ONLY_GIVEN_FILE : 0, report, &rep);
    /* was the settings file looked for (config_init's own rule) */
    conf_log.file_looked = c.file_given || strcmp(c.file, CONFIG_DEFAULT_FILE) != 0 || !replay_path;
    /* lectern DIR (or FILE): a word that is not an option is what to read */
    const char *positional = NULL;
    if (cargc > 1 && cargv[1][0] != '-') {
        positional = cargv[1];
        memmove(cargv + 1, cargv + 2, (size_t)(cargc - 2) * sizeof *cargv);
        cargc--;
    }
    if (cargc > 1)
        return bad_usage(cargv[1][0] == '-' ? "unknown option %s" : "%s: give one pack, folder or essay file to read",
                         cargv[1]);
    if (c.flag_problems) {
        fprintf(stderr, "(see lectern --help)\n");
        return 2;
    }
    if (cr == CONFIG_ESTRICT) return 1;
    if (c.boot_read && !quiet)
        fprintf(stderr, "lectern: settings also from %s%s%s%s\n", c.boot_file, c.boot_copy[0] ? " (read from its copy " : "",
                c.boot_copy, c.boot_copy[0] ? ", made at boot)" : "");
    free(cargv);
    cargv = NULL;

    options(&c, positional, shot_dir || stats || dump, replay_path != NULL, &o);
    o.argc = conf_argc;
    o.argv = conf_argv;
    o.config_flags = replay_path ? CONFIG_ONLY_GIVEN_FILE : 0;
    o.log = &conf_log;

    replay_script script = {0};
    if (replay_path) {
        lerr e;
        if (replay_load(replay_path, &script, &e)) {
            fprintf(stderr, "lectern: %s\n", e.msg);
            return 2;
        }
    }

    /* Headless output never needs a display. Pages, the layout dump and
     * statistics need no SDL either (pages are painted by page.c): only
     * the other modes load it (sdl_dyn.h), which is half of a cold start. */
    int headless = shot_dir || stats || dump || replay_path;
    int sdl = !(stats || dump || (shot_dir && !replay_path && !shot_library));
    if (sdl) {
        lerr le;
        if (sdl_dyn_load(&le)) {
            fprintf(stderr, "lectern: %s\n", le.msg);
            return 1;
        }
    }
    if (headless && !getenv("SDL_VIDEODRIVER")) setenv("SDL_VIDEODRIVER", "offscreen", 1);
    /* A tap must not arrive twice (as a finger and as the mouse); the
     * reader handles SIGTERM and SIGINT itself. */
    if (sdl) {
        SDL_SetHint(SDL_HINT_TOUCH_MOUSE_EVENTS, "0");
        SDL_SetHint(SDL_HINT_MOUSE_TOUCH_EVENTS, "0");
        SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");
        SDL_SetHint(SDL_HINT_VIDEO_MINIMIZE_ON_FOCUS_LOSS, "0");
    }
    if (!headless) {
        signals(o.kiosk);
        find_display();
    }
    if (sdl && (SDL_Init(0) || TTF_Init())) {
        fprintf(stderr, "lectern: cannot start SDL: %s\n", SDL_GetError());
        return 1;
    }
    app a;
    lerr e;
    int rc = 1;
    if (app_open(&a, &o, &e)) {
        fprintf(stderr, "lectern: %s\n", e.msg);
        if (stats || dump || (shot_dir && !replay_path)) goto out;
        /* The reader shows an error page instead, and keeps running: a
         * kiosk must not restart in a loop in front of its visitors. */
        app_open_failed(&a, &o, e.msg);
    }
    if (stats) {
        rc = app_run_layout_stats(&a, stdout);
        goto out;
    }
    if (dump) {
        rc = app_run_dump_layout(&a, stdout);
        goto out;
    }
    if (shot_dir && !replay_path) {
        rc = shot_library ? app_run_library_shot(&a, shot_dir) : app_run_screenshots(&a, shot_dir, page, all);
        goto out;
    }
    if (app_video(&a, replay_path != NULL, &e)) {
        fprintf(stderr, "lectern: %s\n", e.msg);
        goto out;
    }
    app_start(&a);
    if (replay_path) rc = app_replay(&a, &script, replay_path, shot_dir);
    else rc = app_run(&a, &stop_flag);
out:
    replay_free(&script);
    int reexec = a.reexec;
    app_close(&a);
    if (sdl) {
        TTF_Quit();
        SDL_Quit();
    }
    if (reexec) {
        /* The settings changed under a kiosk (app_conf.h): the same program,
         * the same arguments, in this process, so that systemd sees no
         * restart and the watchdog no gap longer than a start-up. */
        fflush(NULL);
        if (early_at) { /* the copy is older than the settings that changed */
            for (int i = early_at; i + 2 <= argc; i++) argv[i] = argv[i + 2];
        }
        execv("/proc/self/exe", argv);
        fprintf(stderr, "lectern: cannot start again with the new settings: %s\n", strerror(errno));
        return 1; /* systemd starts it again */
    }
    return rc;
}

/* main.c - lectern, the reader: parse the command line, then hand over to app.c. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <SDL2/SDL.h>
#include <SDL2/SDL_image.h>
#include <SDL2/SDL_ttf.h>

#include "app.h"

static void usage(FILE *f)
{
    fprintf(f,
        "usage: lectern [options]                 open a window on essay 1\n"
        "       lectern --screenshot DIR [options] write pages as DIR/essayN-pagePPP.png\n"
        "       lectern --layout-stats [options]   print layout quality per essay\n"
        "\n"
        "options:\n"
        "  --pack FILE        the essay pack. Default: $LECTERN_PACK, else the first that\n"
        "                     exists of default.lpk beside the lectern binary,\n"
        "                     " LECTERN_DATADIR "/default.lpk, /usr/share/lectern/default.lpk,\n"
        "                     build/host/default.lpk\n"
        "  --essay N          essay number, as `lectern-pack list` prints it (default 1;\n"
        "                     with --screenshot --all and no --essay: every essay)\n"
        "  --page P           page to write (1-based, default 1)\n"
        "  --all              write every page\n"
        "  --size WxH         page size in pixels (default 800x480; a window's own size)\n"
        "  --theme T          light, dark or sepia (default light)\n"
        "  --font-size S      body text size: points at the panel's density (\"10\", \"9.5pt\"),\n"
        "                     or pixels (\"18px\"). Default %.1f pt. The density comes from\n"
        "                     the display when fullscreen and SDL knows its size in mm,\n"
        "                     else from the pixel size (800x480 is a 7\" panel: 133 dpi)\n"
        "  --fullscreen       fill the display\n"
        "  --help, --version\n"
        "\n"
        "keys in the window: Right/Down/PgDn/Space next page, Left/Up/PgUp previous,\n"
        "Home/End first/last page, +/- text size, t theme, Escape or q quit.\n",
        RENDER_DEFAULT_PT);
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
    if (end == t || *end || errno || a < 64 || b < 64 || a > 16384 || b > 16384) return -1;
    *w = (int)a;
    *h = (int)b;
    return 0;
}

static int parse_font_size(const char *s, double *pt, int *px)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || errno || !isfinite(v)) return -1;
    if (strcmp(end, "px") == 0) {
        if (v < FONT_MIN_PX || v > FONT_MAX_PX) return -1;
        *px = (int)lround(v);
        return 0;
    }
    if (*end && strcmp(end, "pt") != 0) return -1;
    if (v < 4 || v > 72) return -1;
    *pt = v;
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

int main(int argc, char **argv)
{
    app_opts o = {0};
    const char *shot_dir = NULL;
    int stats = 0, all = 0;
    size_t page = 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        int takes = !strcmp(a, "--screenshot") || !strcmp(a, "--size") || !strcmp(a, "--essay") ||
                    !strcmp(a, "--page") || !strcmp(a, "--theme") || !strcmp(a, "--font-size") ||
                    !strcmp(a, "--pack");
        if (takes && !v) return bad_usage("%s needs a value", a);
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(a, "--version")) {
            printf("lectern %s\n", LECTERN_VERSION);
            return 0;
        } else if (!strcmp(a, "--screenshot")) shot_dir = v;
        else if (!strcmp(a, "--layout-stats")) stats = 1;
        else if (!strcmp(a, "--all")) all = 1;
        else if (!strcmp(a, "--fullscreen")) o.fullscreen = 1;
        else if (!strcmp(a, "--pack")) o.pack_path = v;
        else if (!strcmp(a, "--size")) {
            if (parse_size(v, &o.w, &o.h)) return bad_usage("--size %s: want WxH, 64..16384 each, e.g. 800x480", v);
        } else if (!strcmp(a, "--essay")) {
            if (parse_count(v, &o.essay)) return bad_usage("--essay %s: want an essay number from 1", v);
        } else if (!strcmp(a, "--page")) {
            if (parse_count(v, &page)) return bad_usage("--page %s: want a page number from 1", v);
        } else if (!strcmp(a, "--theme")) {
            if ((o.theme = render_theme_parse(v)) < 0) return bad_usage("--theme %s: want light, dark or sepia", v);
        } else if (!strcmp(a, "--font-size")) {
            if (parse_font_size(v, &o.font_pt, &o.font_px))
                return bad_usage("--font-size %s: want points 4..72 (\"9.5\", \"10pt\") or pixels (\"18px\")", v);
        } else {
            return bad_usage("unknown option %s", a);
        }
        if (takes) i++;
    }
    if (shot_dir && stats) return bad_usage("%s", "--screenshot and --layout-stats do not go together");

    /* Headless output never needs a display. */
    if ((shot_dir || stats) && !getenv("SDL_VIDEODRIVER")) setenv("SDL_VIDEODRIVER", "offscreen", 1);
    if (SDL_Init(0) || TTF_Init()) {
        fprintf(stderr, "lectern: cannot start SDL: %s\n", SDL_GetError());
        return 1;
    }
    app a;
    lerr e;
    int rc = 1;
    if (app_open(&a, &o, &e)) {
        fprintf(stderr, "lectern: %s\n", e.msg);
        goto out;
    }
    if (stats) {
        if (app_set_page_size(&a, o.w ? o.w : 800, o.h ? o.h : 480, &e)) {
            fprintf(stderr, "lectern: %s\n", e.msg);
            goto out;
        }
        rc = app_layout_stats(&a, stdout);
        goto out;
    }
    if (shot_dir) {
        if (!o.w) {
            a.o.w = 800;
            a.o.h = 480;
        }
        if (app_video(&a, 1, &e)) {
            fprintf(stderr, "lectern: %s\n", e.msg);
            goto out;
        }
        size_t first = o.essay ? o.essay : 1, last = o.essay ? o.essay : (all ? pack_essays(a.pk) : 1);
        rc = 0;
        for (size_t n = first; n <= last; n++) {
            if (app_open_essay(&a, n, &e) || app_screenshot(&a, shot_dir, all ? 0 : page, &e)) {
                fprintf(stderr, "lectern: %s\n", e.msg);
                rc = 1;
            }
        }
        goto out;
    }
    if (app_video(&a, 0, &e)) {
        fprintf(stderr, "lectern: %s\n", e.msg);
        goto out;
    }
    app_show_essay(&a, o.essay ? o.essay : 1);
    rc = app_run(&a);
out:
    app_close(&a);
    TTF_Quit();
    IMG_Quit();
    SDL_Quit();
    return rc;
}

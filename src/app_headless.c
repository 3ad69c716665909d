/* app_headless.c - the headless modes besides --replay (app_replay.c):
 * PNG pages and the library picture (--screenshot), layout statistics. */
#include "app.h"
#include "shot.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>


#include "font.h"
#include "page.h"
#include "pack.h"
#include "platform.h"

/* ---- headless: PNG pages ---------------------------------------------------------- */

SDL_Surface *app_page_surface(app *a, size_t page, lerr *e)
{
    if (!a->rd) {
        lerr_set(e, "no fonts to draw a page with");
        return NULL;
    }
    render_page pg = app_page_of(a, page);
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, a->geom.w, a->geom.h, 24, SDL_PIXELFORMAT_RGB24);
    if (!s) {
        lerr_set(e, "out of memory for a %dx%d picture", a->geom.w, a->geom.h);
        return NULL;
    }
    SDL_Texture *t = render_targets(a->rd, NULL) ? render_page_to_texture(a->rd, &pg, e) : NULL;
    int rc;
    if (t) {
        rc = SDL_SetRenderTarget(a->ren, t) || SDL_RenderReadPixels(a->ren, NULL, SDL_PIXELFORMAT_RGB24, s->pixels, s->pitch);
        SDL_SetRenderTarget(a->ren, NULL);
        SDL_DestroyTexture(t);
    } else {
        /* No texture to draw it in: the screen itself (upright and at least
         * the page's size whenever there are no targets: rotate != 0 draws
         * on the canvas), read back before anything else is drawn there. */
        SDL_Rect r = {0, 0, a->geom.w, a->geom.h};
        if (render_show_page(a->rd, &pg, 0, 0, e)) {
            SDL_FreeSurface(s);
            return NULL;
        }
        rc = SDL_RenderReadPixels(a->ren, &r, SDL_PIXELFORMAT_RGB24, s->pixels, s->pitch);
        a->dirty = 1;
    }
    if (rc) {
        lerr_set(e, "reading the page back: %s", SDL_GetError());
        SDL_FreeSurface(s);
        s = NULL;
    }
    return s;
}

int app_save_png(SDL_Surface *s, const char *path, lerr *e)
{
    SDL_Surface *rgb = s->format->format == SDL_PIXELFORMAT_RGB24 ? s : SDL_ConvertSurfaceFormat(s, SDL_PIXELFORMAT_RGB24, 0);
    if (!rgb) {
        lerr_set(e, "%s: cannot write: %s", path, SDL_GetError());
        return -1;
    }
    int rc = SDL_MUSTLOCK(rgb) ? SDL_LockSurface(rgb) : 0;
    if (rc == 0) {
        rc = shot_save_png(path, rgb->pixels, rgb->w, rgb->h, (size_t)rgb->pitch, SHOT_RGB, e);
        if (SDL_MUSTLOCK(rgb)) SDL_UnlockSurface(rgb);
    } else {
        lerr_set(e, "%s: cannot write: %s", path, SDL_GetError());
    }
    if (rgb != s) SDL_FreeSurface(rgb);
    return rc;
}

/* Pages are painted without SDL (page.h: the same pixels as SDL's
 * software renderer draws them) into one canvas, written from there:
 * no video, no renderer, no textures at a cold start. */
typedef struct shot_pages {
    page_painter *pp;
    page_canvas c;
} shot_pages;

static int save_page(app *a, shot_pages *sp, const char *dir, size_t page, lerr *e)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/essay%zu-page%03zu.png", dir, a->essay_no, page + 1);
    render_page rp = app_page_of(a, page);
    page_job job = {rp.es, rp.lr, rp.page, rp.title, rp.title_len, rp.theme, rp.geom, 0, 0};
    if (page_paint(sp->pp, &job, &sp->c, e) ||
        shot_save_png_scratch(path, sp->c.px, sp->c.w, sp->c.h, sp->c.pitch, SHOT_BGRX, e)) /* repainted whole for each page */
        return -1;
    printf("%s\n", path);
    return 0;
}

/* Write page `page` (1-based; 0 = every page) of the open essay as
 * DIR/essayN-pagePPP.png. Prints each file written on stdout. */
static int screenshot(app *a, shot_pages *sp, const char *dir, size_t page, lerr *e)
{
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        lerr_set(e, "%s: cannot create directory: %s", dir, strerror(errno));
        return -1;
    }
    size_t np = a->lr->npages;
    if (page > np) {
        lerr_set(e, "essay %zu \xE2\x80\x9C%s\xE2\x80\x9D has %zu page%s at %dx%d; there is no page %zu", a->essay_no,
                 a->title, np, np == 1 ? "" : "s", a->geom.w, a->geom.h, page);
        return -1;
    }
    size_t from = page ? page - 1 : 0, to = page ? page : np;
    for (size_t p = from; p < to; p++)
        if (save_page(a, sp, dir, p, e)) return -1;
    return 0;
}

int app_screenshot_library(app *a, const char *dir, lerr *e)
{
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        lerr_set(e, "%s: cannot create directory: %s", dir, strerror(errno));
        return -1;
    }
    if (!a->list) {
        lerr_set(e, "no library to draw");
        return -1;
    }
    if (app_draw(a)) {
        lerr_set(e, "cannot draw the library");
        return -1;
    }
    SDL_Surface *s = app_panel_surface(a, e);
    if (!s) return -1;
    char path[4200];
    int rc = 0;
    snprintf(path, sizeof path, "%s/library.png", dir);
    if (app_save_png(s, path, e)) {
        rc = -1;
    } else {
        printf("%s\n", path);
    }
    SDL_FreeSurface(s);
    return rc;
}

/* ---- the modes, as main runs them ---------------------------------------------------- */

/* Headless pictures are the panel of --size (else the default panel), upright. */
static int shot_video(app *a)
{
    lerr e;
    if (!a->o.w) {
        a->o.w = TUN_PANEL_W;
        a->o.h = TUN_PANEL_H;
    }
    a->o.rotate = 0; /* pages are written upright */
    if (app_video(a, 1, &e)) {
        fprintf(stderr, "lectern: %s\n", e.msg);
        return -1;
    }
    return 0;
}

int app_run_screenshots(app *a, const char *dir, size_t page, int all)
{
    lerr e;
    a->o.rotate = 0; /* pages are written upright */
    if (app_headless_page(a)) return 1;
    shot_pages sp = {NULL, {NULL, a->geom.w, a->geom.h, (size_t)a->geom.w * 4}};
    sp.c.px = malloc(sp.c.pitch * (size_t)sp.c.h);
    if (!sp.c.px || page_painter_new(&sp.pp, a->fonts, &e)) {
        fprintf(stderr, "lectern: out of memory for a %dx%d page\n", a->geom.w, a->geom.h);
        free(sp.c.px);
        return 1;
    }
    size_t first = a->o.essay ? a->o.essay : 1, last = a->o.essay ? a->o.essay : (all ? pack_essays(a->pk) : 1);
    int rc = 0;
    for (size_t n = first; n <= last; n++) {
        if (app_open_essay(a, n, &e) || screenshot(a, &sp, dir, all ? 0 : page, &e)) {
            fprintf(stderr, "lectern: %s\n", e.msg);
            rc = 1;
        }
    }
    page_painter_free(sp.pp);
    free(sp.c.px);
    return rc;
}

int app_run_library_shot(app *a, const char *dir)
{
    lerr e;
    if (shot_video(a)) return 1;
    a->o.state_on = 0; /* a picture of the library as a first visitor sees it */
    a->o.state_dir = NULL;
    app_start(a);
    if (app_screenshot_library(a, dir, &e)) {
        fprintf(stderr, "lectern: %s\n", e.msg);
        return 1;
    }
    return 0;
}

int app_headless_page(app *a)
{
    int w, h;
    lerr e;
    platform_page_size(a->o.rotate, a->o.w ? a->o.w : TUN_PANEL_W, a->o.h ? a->o.h : TUN_PANEL_H, &w, &h);
    if (app_set_page_size(a, w, h, &e)) {
        fprintf(stderr, "lectern: %s\n", e.msg);
        return 1;
    }
    return 0;
}

int app_run_layout_stats(app *a, FILE *out)
{
    if (app_headless_page(a)) return 1;
    return app_layout_stats(a, out);
}

/* ---- headless: layout statistics -------------------------------------------------- */

int app_layout_stats(app *a, FILE *out)
{
    size_t n = pack_essays(a->pk), pages = 0, lines = 0, hyph = 0, over = 0, bad = 0;
    size_t just = 0, stacks = 0, hends = 0, shorts = 0, rparas = 0, expd = 0, prot = 0;
    double maxs = 0, maxblank = 0;
    fprintf(out, "# pack=%s size=%dx%d body=%dpx dpi=%.0f font=\"%s\"\n", a->pack_file, a->geom.w, a->geom.h,
            font_body_px(a->fonts), a->dpi, font_role_name(a->fonts, LAYOUT_BODY));
    for (size_t i = 1; i <= n; i++) {
        lerr e;
        if (app_open_essay(a, i, &e)) {
            fprintf(stderr, "lectern: %s\n", e.msg);
            fprintf(out, "essay=%zu error=damaged\n", i);
            bad++;
            continue;
        }
        const layout_result *r = a->lr;
        layout_metrics fm = font_metrics(a->fonts);
        int32_t lh = fm.line_height(fm.ctx, LAYOUT_BODY);
        double blank = lh > 0 ? (double)r->max_blank / lh : 0;
        fprintf(out,
                "essay=%zu pages=%zu lines=%zu hyphenated=%zu max_stretch=%.2f over_1_5=%zu justified=%zu ragged=%zu ragged_paras=%zu "
                "hyphen_stacks=%zu hyphen_page_ends=%zu short_last_page=%zu max_blank_lines=%.1f expanded=%zu protruded=%zu title=\"%s\"\n",
                i, r->npages, r->nlines, r->hyphenated, r->max_stretch, r->over_1_5, r->justified, r->ragged, r->ragged_paras,
                r->hyphen_stacks, r->hyphen_page_ends, r->short_last_page, blank, r->expanded, r->protruded, a->title);
        expd += r->expanded;
        prot += r->protruded;
        just += r->justified;
        rparas += r->ragged_paras;
        stacks += r->hyphen_stacks;
        hends += r->hyphen_page_ends;
        shorts += r->short_last_page;
        if (blank > maxblank) maxblank = blank;
        pages += r->npages;
        lines += r->nlines;
        hyph += r->hyphenated;
        over += r->over_1_5;
        if (r->max_stretch > maxs) maxs = r->max_stretch;
    }
    fprintf(out,
            "total essays=%zu pages=%zu lines=%zu hyphenated=%zu max_stretch=%.2f over_1_5=%zu justified=%zu "
            "ragged_paras=%zu hyphen_stacks=%zu hyphen_page_ends=%zu short_last_pages=%zu max_blank_lines=%.1f "
            "expanded=%zu protruded=%zu damaged=%zu\n",
            n, pages, lines, hyph, maxs, over, just, rparas, stacks, hends, shorts, maxblank, expd, prot, bad);
    return bad ? 1 : 0;
}


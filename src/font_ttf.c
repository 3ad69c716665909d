/* font_ttf.c - SDL_ttf fonts over a font_faces' faces, per role at its
 * size, kept in the set's attachment. See font_ttf.h. */
#include "font_ttf.h"

#include <stdio.h>
#include <stdlib.h>

#include <SDL2/SDL.h>

/* font.c sets styles as FONT_STYLE_*; get_opened gives them to SDL_ttf as they are */
_Static_assert(FONT_STYLE_NORMAL == TTF_STYLE_NORMAL && FONT_STYLE_BOLD == TTF_STYLE_BOLD &&
                   FONT_STYLE_ITALIC == TTF_STYLE_ITALIC,
               "font.h's FONT_STYLE_* are SDL_ttf's TTF_STYLE_*");

#define MAX_OPEN 32 /* distinct (face, style, px) SDL_ttf fonts: 14 roles x (main + fallback) */

typedef struct opened {
    int face, style, px;
    TTF_Font *ttf;
} opened;

typedef struct ttf_role {
    TTF_Font *ttf;    /* main face at the role's px, opened when first asked for (role_ttf), or NULL */
    TTF_Font *ttf_fb; /* fallback face at px, the same */
    int failed;       /* 1 main, 2 fallback: could not be opened, said once on stderr */
} ttf_role;

/* The set's attachment: its SDL_ttf fonts at its current size (the set
 * drops it when the size changes, so nothing here knows the size). */
typedef struct ttf_fonts {
    ttf_role roles[LAYOUT_NFONTS];
    opened open[MAX_OPEN]; /* each font once, shared by the roles that use it */
    int nopen;
} ttf_fonts;

static void fonts_drop(void *obj)
{
    ttf_fonts *tf = obj;
    for (int i = 0; i < tf->nopen; i++)
        if (tf->open[i].ttf) TTF_CloseFont(tf->open[i].ttf);
    free(tf);
}

/* The set's SDL_ttf fonts, made empty on first use at each size; NULL
 * when there is no memory for them. */
static ttf_fonts *fonts_of(font_faces *fs)
{
    ttf_fonts *tf = font_attached(fs, fonts_drop);
    if (!tf && (tf = calloc(1, sizeof *tf))) font_attach(fs, tf, fonts_drop);
    return tf;
}

/* The SDL_ttf font for (face, style, px), opened once into tf. */
static TTF_Font *get_opened(const font_faces *fs, ttf_fonts *tf, int fi, int style, int px, lerr *e)
{
    for (int i = 0; i < tf->nopen; i++)
        if (tf->open[i].face == fi && tf->open[i].style == style && tf->open[i].px == px) return tf->open[i].ttf;
    if (tf->nopen == MAX_OPEN) {
        lerr_set(e, "too many font instances");
        return NULL;
    }
    const uint8_t *data = NULL;
    size_t size = 0;
    int index = 0;
    if (font_face_bytes(fs, fi, &data, &size, &index)) {
        lerr_set(e, "no face %d to open", fi);
        return NULL;
    }
    SDL_RWops *rw = SDL_RWFromConstMem(data, (int)size);
    TTF_Font *t = rw ? TTF_OpenFontIndexRW(rw, 1, px, index) : NULL;
    if (!t) {
        lerr_set(e, "font %s at %d px: %s", font_face_name(fs, fi), px, TTF_GetError());
        return NULL;
    }
    /* Light hinting snaps only vertically: crisp x-height and baselines,
     * while horizontal shapes stay true to the advances layout measured. */
    TTF_SetFontHinting(t, TTF_HINTING_LIGHT);
    TTF_SetFontKerning(t, 1);
    if (style) TTF_SetFontStyle(t, style);
    tf->open[tf->nopen++] = (opened){fi, style, px, t};
    return t;
}

/* A role as font.c reads one: out of range is body text. */
static int role_index(int r) { return r >= 0 && r < LAYOUT_NFONTS ? r : LAYOUT_BODY; }

/* Role r's SDL_ttf font (fb: its fallback face's), opened on first use;
 * NULL when there is no fallback face or it cannot be opened (said once). */
static TTF_Font *role_ttf(font_faces *fs, int r, int fb)
{
    ttf_fonts *tf = fonts_of(fs);
    if (!tf) return NULL;
    ttf_role *tr = &tf->roles[r];
    TTF_Font **t = fb ? &tr->ttf_fb : &tr->ttf;
    int bit = fb ? 2 : 1;
    int fi = fb ? font_fallback_face(fs) : font_role_face(fs, r);
    if (*t || fi < 0 || (tr->failed & bit)) return *t;
    lerr e;
    *t = get_opened(fs, tf, fi, font_face_style(fs, r, fi), font_role_px(fs, r), &e);
    if (!*t) {
        tr->failed |= bit;
        fprintf(stderr, "lectern: %s; its characters are drawn as missing\n", e.msg);
    }
    return *t;
}

TTF_Font *font_glyph_face(font_faces *fs, int role, uint32_t cp, uint32_t *key, int *missing)
{
    int r = role_index(role);
    int fi = font_cp_face(fs, r, cp, missing);
    if (fi < 0) return NULL; /* no size yet */
    int style = font_face_style(fs, r, fi), px = font_role_px(fs, r);
    if (key) *key = (((uint32_t)fi * 4 + (uint32_t)(style & 3)) << 10) | (uint32_t)px;
    return role_ttf(fs, r, fi != font_role_face(fs, r)); /* not the role's face: the fallback face */
}

int font_has_glyph(font_faces *fs, int role, uint32_t cp)
{
    if (!font_body_px(fs)) return 0;
    int r = role_index(role);
    TTF_Font *m = role_ttf(fs, r, 0), *b = role_ttf(fs, r, 1);
    return (m && TTF_GlyphIsProvided32(m, cp)) || (b && TTF_GlyphIsProvided32(b, cp));
}

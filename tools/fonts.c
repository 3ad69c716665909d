/* fonts.c - see fonts.h. */
#include "fonts.h"

#include <errno.h>
#include <fontconfig/fontconfig.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pack.h"

/* Characters the reader draws itself (menu, page numbers, library cards),
 * checked like essay text so that the pack always has them. */
static const char ui_chars[] =
    "0123456789/%:.,;!?()[]'\"-+*#&@ ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
    "\u2212\u2026\u2022\u00b7\u2013\u2014\u2018\u2019\u201c\u201d";

static int read_file(const char *path, uint8_t **out, size_t *size, lerr *e)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        lerr_set(e, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    uint8_t *d = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (n == cap) {
            cap = cap ? cap * 2 : 1 << 20;
            uint8_t *nd = realloc(d, cap);
            if (!nd) { free(d); fclose(f); lerr_set(e, "%s: out of memory", path); return -1; }
            d = nd;
        }
        size_t r = fread(d + n, 1, cap - n, f);
        n += r;
        if (r == 0) break;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad || n == 0) {
        free(d);
        lerr_set(e, "%s: %s", path, bad ? "read error" : "empty file");
        return -1;
    }
    *out = d;
    *size = n;
    return 0;
}

/* Load face `index` of path and append it to fs with the given extra flags. */
static int add_face(font_set *fs, const char *path, int index, uint16_t extra, lerr *e)
{
    font_file ff = {0};
    if (read_file(path, &ff.data, &ff.size, e)) return -1;
    FT_Library ft;
    FT_Face face;
    if (FT_Init_FreeType(&ft)) {
        free(ff.data);
        lerr_set(e, "cannot start FreeType");
        return -1;
    }
    if (FT_New_Memory_Face(ft, ff.data, (FT_Long)ff.size, index, &face)) {
        FT_Done_FreeType(ft);
        free(ff.data);
        lerr_set(e, "%s: not a font FreeType can read", path);
        return -1;
    }
    const char *fam = face->family_name ? face->family_name : "Unnamed";
    const char *sty = face->style_name ? face->style_name : "Regular";
    size_t len = strlen(fam) + strlen(sty) + 2;
    ff.name = malloc(len);
    ff.path = strdup(path);
    if (ff.name) snprintf(ff.name, len, "%s %s", fam, sty);
    ff.flags = extra | (uint16_t)((index & 0xff) << 8);
    if (face->style_flags & FT_STYLE_FLAG_ITALIC) ff.flags |= PACK_FONT_ITALIC;
    if (face->style_flags & FT_STYLE_FLAG_BOLD) ff.flags |= PACK_FONT_BOLD;
    FT_Done_Face(face);
    FT_Done_FreeType(ft);
    font_file *nv = realloc(fs->v, (fs->n + 1) * sizeof *nv);
    if (!ff.name || !ff.path || !nv) {
        free(ff.name); free(ff.path); free(ff.data);
        if (nv) fs->v = nv;
        lerr_set(e, "out of memory");
        return -1;
    }
    fs->v = nv;
    fs->v[fs->n++] = ff;
    return 0;
}

int fonts_add_file(font_set *fs, const char *path, lerr *e) { return add_face(fs, path, 0, 0, e); }

int fonts_default(font_set *fs, lerr *e)
{
    static const char *styles[] = {"Regular", "Italic", "Bold"};
    if (!FcInit()) {
        lerr_set(e, "cannot start fontconfig");
        return -1;
    }
    for (size_t i = 0; i < sizeof styles / sizeof *styles; i++) {
        FcPattern *pat = FcPatternCreate();
        FcPatternAddString(pat, FC_FAMILY, (const FcChar8 *)FONTS_DEFAULT_FAMILY);
        FcPatternAddString(pat, FC_STYLE, (const FcChar8 *)styles[i]);
        FcConfigSubstitute(NULL, pat, FcMatchPattern);
        FcDefaultSubstitute(pat);
        FcResult res;
        FcPattern *m = FcFontMatch(NULL, pat, &res);
        FcPatternDestroy(pat);
        FcChar8 *fam = NULL, *file = NULL;
        int index = 0, ok = m && FcPatternGetString(m, FC_FAMILY, 0, &fam) == FcResultMatch &&
                            FcPatternGetString(m, FC_FILE, 0, &file) == FcResultMatch &&
                            strcmp((const char *)fam, FONTS_DEFAULT_FAMILY) == 0;
        if (ok) FcPatternGetInteger(m, FC_INDEX, 0, &index);
        int rc = ok ? add_face(fs, (const char *)file, index, 0, e) : -1;
        if (!ok)
            lerr_set(e, "font '%s %s' is not installed (Debian package %s), or give --font FILE",
                     FONTS_DEFAULT_FAMILY, styles[i], FONTS_DEFAULT_PACKAGE);
        if (m) FcPatternDestroy(m);
        if (rc) return -1;
    }
    return 0;
}

void fonts_done(void) { FcFini(); }

void fonts_free(font_set *fs)
{
    for (size_t i = 0; i < fs->n; i++) {
        free(fs->v[i].path);
        free(fs->v[i].name);
        free(fs->v[i].data);
    }
    free(fs->v);
    fs->v = NULL;
    fs->n = 0;
}

/* A missing character and where it first occurs. */
typedef struct missing {
    uint32_t cp;
    const char *where;
    size_t line; /* paragraph, or 0 */
} missing;

static int is_blank(uint32_t cp)
{
    /* never drawn: line ends, block markers, soft hyphen (drawn as '-'),
     * spaces (layout leaves a gap) */
    return cp < 0x20 || cp == 0x7f || cp == 0xad || cp == 0x20 || cp == 0xa0 || (cp >= 0x2000 && cp <= 0x200b) ||
           cp == 0x202f || cp == 0x205f || cp == 0x3000 || cp == 0xfeff;
}

/* Collect the characters of all texts that face lacks (each once). */
static int find_missing(FT_Face face, const fonts_text *texts, size_t n, missing **out, size_t *nout, lerr *e)
{
    missing *v = NULL;
    size_t nv = 0, cap = 0;
    /* a bitmap of seen code points keeps this linear in the text */
    uint8_t *seen = calloc(0x110000 / 8, 1);
    if (!seen) { lerr_set(e, "out of memory"); return -1; }
    fonts_text ui = {(const uint8_t *)ui_chars, sizeof ui_chars - 1, "the reader's labels", 0};
    for (size_t t = 0; t <= n; t++) {
        const fonts_text *tx = t < n ? &texts[t] : &ui;
        size_t line = 1;
        for (size_t i = 0; i < tx->n;) {
            uint32_t cp;
            size_t k = utf8_decode(tx->s + i, tx->n - i, &cp);
            if (!k) { cp = 0xfffd; k = 1; }
            i += k;
            if (cp == '\n') line++;
            if (is_blank(cp) || (seen[cp >> 3] & (1 << (cp & 7)))) continue;
            seen[cp >> 3] |= (uint8_t)(1 << (cp & 7));
            if (FT_Get_Char_Index(face, cp)) continue;
            if (nv == cap) {
                cap = cap ? cap * 2 : 16;
                missing *nm = realloc(v, cap * sizeof *nm);
                if (!nm) { free(v); free(seen); lerr_set(e, "out of memory"); return -1; }
                v = nm;
            }
            v[nv++] = (missing){cp, tx->where, tx->paragraphs ? line : 0};
        }
    }
    free(seen);
    *out = v;
    *nout = nv;
    return 0;
}

/* Ask fontconfig for the installed face covering most of the missing
 * characters; 0 and its file/index when one covers at least one. */
static int best_fallback(const missing *mv, size_t nm, const font_set *fs, char **file, int *index)
{
    FcCharSet *cs = FcCharSetCreate();
    for (size_t i = 0; i < nm; i++) FcCharSetAddChar(cs, mv[i].cp);
    FcPattern *pat = FcPatternCreate();
    FcPatternAddString(pat, FC_FAMILY, (const FcChar8 *)"serif");
    FcPatternAddCharSet(pat, FC_CHARSET, cs);
    FcConfigSubstitute(NULL, pat, FcMatchPattern);
    FcDefaultSubstitute(pat);
    FcResult res;
    FcFontSet *set = FcFontSort(NULL, pat, FcFalse, NULL, &res);
    int found = -1;
    size_t best = 0;
    for (int i = 0; set && i < set->nfont; i++) {
        FcChar8 *f = NULL;
        FcCharSet *have = NULL;
        int idx = 0;
        if (FcPatternGetString(set->fonts[i], FC_FILE, 0, &f) != FcResultMatch ||
            FcPatternGetCharSet(set->fonts[i], FC_CHARSET, 0, &have) != FcResultMatch)
            continue;
        FcPatternGetInteger(set->fonts[i], FC_INDEX, 0, &idx);
        int dup = 0;
        for (size_t k = 0; k < fs->n; k++)
            if (strcmp(fs->v[k].path, (const char *)f) == 0 && (fs->v[k].flags >> 8) == idx) dup = 1;
        if (dup) continue;
        size_t c = 0;
        for (size_t k = 0; k < nm; k++) c += FcCharSetHasChar(have, mv[k].cp) != 0;
        if (c > best) {
            best = c;
            free(*file);
            *file = strdup((const char *)f);
            *index = idx;
            found = 0;
        }
    }
    if (set) FcFontSetDestroy(set);
    FcPatternDestroy(pat);
    FcCharSetDestroy(cs);
    return found;
}

/* Remove from mv the characters that face ff has. */
static int drop_covered(FT_Library ft, const font_file *ff, missing *mv, size_t *nm, lerr *e)
{
    FT_Face face;
    if (FT_New_Memory_Face(ft, ff->data, (FT_Long)ff->size, ff->flags >> 8, &face)) {
        lerr_set(e, "%s: not a font FreeType can read", ff->path);
        return -1;
    }
    size_t k = 0;
    for (size_t i = 0; i < *nm; i++)
        if (!FT_Get_Char_Index(face, mv[i].cp)) mv[k++] = mv[i];
    *nm = k;
    FT_Done_Face(face);
    return 0;
}

int fonts_cover(font_set *fs, const fonts_text *texts, size_t n, size_t *added, lerr *e)
{
    *added = 0;
    if (fs->n == 0) {
        lerr_set(e, "no fonts to check");
        return -1;
    }
    size_t reg = 0;
    while (reg < fs->n && (fs->v[reg].flags & (PACK_FONT_ITALIC | PACK_FONT_BOLD))) reg++;
    if (reg == fs->n) reg = 0;
    FT_Library ft;
    if (FT_Init_FreeType(&ft)) {
        lerr_set(e, "cannot start FreeType");
        return -1;
    }
    FcInit();
    missing *mv = NULL;
    size_t nm = 0;
    int rc = -1;
    FT_Face face;
    font_file *rf = &fs->v[reg];
    if (FT_New_Memory_Face(ft, rf->data, (FT_Long)rf->size, rf->flags >> 8, &face)) {
        lerr_set(e, "%s: not a font FreeType can read", rf->path);
        goto out;
    }
    int r = find_missing(face, texts, n, &mv, &nm, e);
    FT_Done_Face(face);
    if (r) goto out;
    /* Add the face that covers most of what is missing, until nothing is
     * or no installed face helps. */
    while (nm > 0 && *added < 8) {
        char *file = NULL;
        int index = 0;
        if (best_fallback(mv, nm, fs, &file, &index) != 0) {
            free(file);
            break;
        }
        r = add_face(fs, file, index, PACK_FONT_FALLBACK, e);
        free(file);
        if (r) goto out;
        (*added)++;
        if (drop_covered(ft, &fs->v[fs->n - 1], mv, &nm, e)) goto out;
    }
    if (nm == 0) {
        rc = 0;
        goto out;
    }
    char list[400];
    size_t at = 0;
    list[0] = 0;
    for (size_t i = 0; i < nm && at < sizeof list - 100; i++) {
        uint8_t u[5] = {0};
        utf8_encode(mv[i].cp, u);
        char para[48] = "";
        if (mv[i].line) snprintf(para, sizeof para, ", paragraph %zu", mv[i].line);
        at += (size_t)snprintf(list + at, sizeof list - at, "%sU+%04X '%s' in %s%s", i ? "; " : "",
                               (unsigned)mv[i].cp, (char *)u, mv[i].where, para);
    }
    lerr_set(e, "%zu character%s no installed font covers: %s%s", nm, nm == 1 ? "" : "s", list,
             at >= sizeof list - 100 ? " ..." : "");
out:
    free(mv);
    FT_Done_FreeType(ft);
    return rc;
}

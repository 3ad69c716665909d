/* fonts.c - see fonts.h. */
#include "fonts.h"
#include "fileio.h"

#include <errno.h>
#include <fontconfig/fontconfig.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include <hb-ot.h>
#include <hb-subset.h>
#include <hb.h>
#include <lz4.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layout.h"
#include "pack.h"
#include "text.h"

/* Characters the reader draws itself, whatever the essays hold: checked
 * like essay text, so that the pack always has them, and kept when the
 * fonts are subset. Taken from the strings in src/ (update this when a
 * screen draws a new character):
 *   - src/screen_library.c: "Library", "N essays", "N min  ·  N% read",
 *     "read to the end" (U+00B7 middle dot)
 *   - src/screen_menu.c: "Text size", "Theme", "Light", "Dark", "Sepia",
 *     "Library", "Close", "Contents", "Back", "A+", "A−" (U+2212 minus),
 *     page numbers in Contents
 *   - src/screen_end.c: "The end of", "Next essay", "‹ Back" (U+2039),
 *     "Nothing to read just now" and the other messages
 *   - src/screen_page.c: the page-turn hint; the menu mark is three bars
 *     drawn as rectangles, not a glyph (no U+2630 needed)
 *   - src/render.c: the folio "3 / 12", the ellipsis (U+2026) of a cut
 *     title or label
 *   - src/layout.c: the separator "* * *", the hyphen at a line broken at
 *     a soft hyphen, the continuation mark of a wrapped code line
 *     (LAYOUT_CONT_MARK in src/layout.h, U+2192)
 *   - src/app.c, src/app_nav.c: messages on screen (file names, any
 *     ASCII) with the title in curly quotes (U+201C U+201D)
 * and the list labels and punctuation the packer itself may write (tools/
 * input_*.c: bullets U+2022, en dash U+2013, em dash U+2014, typographic
 * quotes U+2018 U+2019), with U+203A as the pair of U+2039. */
static const char ui_chars[] =
    " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~"
    "\u00b7\u2013\u2014\u2018\u2019\u201c\u201d\u2022\u2026\u2039\u203a\u2192\u2212";

/* A font file, read whole through fio_read_all: a symlink to a FIFO or a
 * device as --font is refused by name, never waited on. */
#define FONT_FILE_MAX (256u << 20) /* larger than any real font or collection */
static int read_file(const char *path, uint8_t **out, size_t *size, lerr *e)
{
    uint8_t *d = NULL;
    size_t n = 0;
    if (fio_read_all(path, FONT_FILE_MAX, &d, &n, e)) return -1;
    if (n == 0) {
        free(d);
        lerr_set(e, "%s: empty file", path);
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
    ff.full_size = ff.size;
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

/* The default faces: the text family's four styles, and a monospace face
 * for code (the reader picks it by its equal-width letters). */
static const struct {
    const char *family, *style, *package;
} default_faces[] = {
    {FONTS_DEFAULT_FAMILY, "Regular", FONTS_DEFAULT_PACKAGE},
    {FONTS_DEFAULT_FAMILY, "Italic", FONTS_DEFAULT_PACKAGE},
    {FONTS_DEFAULT_FAMILY, "Bold", FONTS_DEFAULT_PACKAGE},
    {FONTS_DEFAULT_FAMILY, "Bold Italic", FONTS_DEFAULT_PACKAGE},
    {FONTS_DEFAULT_MONO_FAMILY, "Book", FONTS_DEFAULT_MONO_PACKAGE},
};

int fonts_default(font_set *fs, lerr *e)
{
    if (!FcInit()) {
        lerr_set(e, "cannot start fontconfig");
        return -1;
    }
    for (size_t i = 0; i < sizeof default_faces / sizeof *default_faces; i++) {
        const char *family = default_faces[i].family, *style = default_faces[i].style;
        FcPattern *pat = FcPatternCreate();
        FcPatternAddString(pat, FC_FAMILY, (const FcChar8 *)family);
        FcPatternAddString(pat, FC_STYLE, (const FcChar8 *)style);
        FcConfigSubstitute(NULL, pat, FcMatchPattern);
        FcDefaultSubstitute(pat);
        FcResult res;
        FcPattern *m = FcFontMatch(NULL, pat, &res);
        FcPatternDestroy(pat);
        FcChar8 *fam = NULL, *file = NULL, *sty = NULL;
        /* the family and the style both as asked: fontconfig's nearest
         * match (Regular for a missing Bold Italic) is not that face */
        int index = 0, ok = m && FcPatternGetString(m, FC_FAMILY, 0, &fam) == FcResultMatch &&
                            FcPatternGetString(m, FC_FILE, 0, &file) == FcResultMatch &&
                            FcPatternGetString(m, FC_STYLE, 0, &sty) == FcResultMatch &&
                            strcmp((const char *)fam, family) == 0 && strcmp((const char *)sty, style) == 0;
        if (ok) FcPatternGetInteger(m, FC_INDEX, 0, &index);
        int rc = ok ? add_face(fs, (const char *)file, index, 0, e) : -1;
        if (!ok)
            lerr_set(e, "font '%s %s' is not installed (Debian package %s), or give --font FILE", family, style,
                     default_faces[i].package);
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
    fonts_text ui = {(const uint8_t *)ui_chars, sizeof ui_chars - 1, "the reader's labels", 0, FONTS_FOR_TEXT, NULL};
    for (size_t t = 0; t <= n; t++) {
        const fonts_text *tx = t < n ? &texts[t] : &ui;
        if (tx->only != FONTS_FOR_TEXT) continue; /* parts of the essay texts */
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

/* The CJK face tags (text_cjk_tag), in the order their faces are added. */
static const char *const cjk_tags[] = {" SC", " TC", " HK", " JP", " KR"};
#define NCJK (sizeof cjk_tags / sizeof *cjk_tags)

/* fontconfig's language for a CJK face tag (text_cjk_tag). */
static const char *fc_lang_of(const char *tag)
{
    static const char *const map[][2] = {{" JP", "ja"}, {" KR", "ko"}, {" SC", "zh-cn"}, {" TC", "zh-tw"}, {" HK", "zh-hk"}};
    for (size_t i = 0; i < sizeof map / sizeof *map; i++)
        if (!strcmp(tag, map[i][0])) return map[i][1];
    return NULL;
}

/* Whether face ff is the CJK face of tag: Noto names them "Noto Serif CJK
 * SC", "Noto Sans CJK JP" ... (the reader tells them the same way). */
static int is_cjk_face_of(const char *name, const char *tag)
{
    return name && *tag && strstr(name, "CJK") && strstr(name, tag);
}

/* Add to out the CJK characters (text_is_cjk) of the body texts whose
 * language wants tag (text_cjk_tag; "" for the texts of no CJK language). */
static void cjk_chars_of(const fonts_text *texts, size_t n, const char *tag, hb_set_t *out)
{
    for (size_t t = 0; t < n; t++) {
        if (texts[t].only != FONTS_FOR_TEXT || strcmp(text_cjk_tag(texts[t].lang), tag)) continue;
        for (size_t i = 0; i < texts[t].n;) {
            uint32_t cp;
            size_t k = utf8_decode(texts[t].s + i, texts[t].n - i, &cp);
            if (!k) { cp = 0xfffd; k = 1; }
            i += k;
            if (text_is_cjk(cp) && !is_blank(cp)) hb_set_add(out, cp);
        }
    }
}

/* The installed face for tag's language that covers most of cs, serif
 * first (the body is serif): 0 and its file/index, or -1 when no face
 * named for that language covers any of it. */
static int lang_fallback(const FcCharSet *cs, const char *tag, const font_set *fs, char **file, int *index)
{
    FcPattern *pat = FcPatternCreate();
    FcPatternAddString(pat, FC_FAMILY, (const FcChar8 *)"serif");
    FcPatternAddString(pat, FC_LANG, (const FcChar8 *)fc_lang_of(tag));
    FcPatternAddCharSet(pat, FC_CHARSET, (FcCharSet *)cs);
    FcConfigSubstitute(NULL, pat, FcMatchPattern);
    FcDefaultSubstitute(pat);
    FcResult res;
    FcFontSet *set = FcFontSort(NULL, pat, FcFalse, NULL, &res);
    int found = -1;
    FcChar32 best = 0, want = FcCharSetCount(cs);
    for (int i = 0; set && i < set->nfont && best < want; i++) {
        FcChar8 *f = NULL, *fam = NULL;
        FcCharSet *have = NULL;
        int idx = 0;
        if (FcPatternGetString(set->fonts[i], FC_FILE, 0, &f) != FcResultMatch ||
            FcPatternGetString(set->fonts[i], FC_FAMILY, 0, &fam) != FcResultMatch ||
            FcPatternGetCharSet(set->fonts[i], FC_CHARSET, 0, &have) != FcResultMatch)
            continue;
        if (!is_cjk_face_of((const char *)fam, tag)) continue;
        FcPatternGetInteger(set->fonts[i], FC_INDEX, 0, &idx);
        int dup = 0;
        for (size_t k = 0; k < fs->n; k++)
            if (strcmp(fs->v[k].path, (const char *)f) == 0 && (fs->v[k].flags >> 8) == idx) dup = 1;
        if (dup) continue;
        FcChar32 c = FcCharSetIntersectCount(cs, have);
        if (c > best) { /* FcFontSort's order decides among equals: serif first */
            best = c;
            free(*file);
            *file = strdup((const char *)f);
            *index = idx;
            found = *file ? 0 : -1;
        }
    }
    if (set) FcFontSetDestroy(set);
    FcPatternDestroy(pat);
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

/* What a teacher can do about characters no installed face covers: the
 * script of the first one that has one (HarfBuzz's Unicode data), and the
 * Debian package that draws it (Debian 12's names). */
static const struct {
    hb_script_t script;
    const char *name, *package;
} script_fonts[] = {
    {HB_SCRIPT_HAN, "Chinese or Japanese (Han)", "fonts-noto-cjk"},
    {HB_SCRIPT_HIRAGANA, "Japanese (kana)", "fonts-noto-cjk"},
    {HB_SCRIPT_KATAKANA, "Japanese (kana)", "fonts-noto-cjk"},
    {HB_SCRIPT_BOPOMOFO, "Chinese (Bopomofo)", "fonts-noto-cjk"},
    {HB_SCRIPT_HANGUL, "Korean (Hangul)", "fonts-noto-cjk"},
    {HB_SCRIPT_THAI, "Thai", "fonts-noto-core (or fonts-thai-tlwg)"},
    {HB_SCRIPT_LAO, "Lao", "fonts-noto-core"},
    {HB_SCRIPT_ARABIC, "Arabic", "fonts-noto-core"},
    {HB_SCRIPT_HEBREW, "Hebrew", "fonts-noto-core"},
    {HB_SCRIPT_DEVANAGARI, "Devanagari (Hindi, Marathi, Nepali)", "fonts-noto-core"},
    {HB_SCRIPT_BENGALI, "Bengali", "fonts-noto-core"},
    {HB_SCRIPT_TAMIL, "Tamil", "fonts-noto-core"},
    {HB_SCRIPT_ETHIOPIC, "Ethiopic (Amharic, Tigrinya)", "fonts-noto-core"},
    {HB_SCRIPT_GREEK, "Greek", "fonts-noto-core"},
    {HB_SCRIPT_CYRILLIC, "Cyrillic", "fonts-noto-core"},
};

static int emoji_cp(uint32_t c) { return (c >= 0x1F000 && c <= 0x1FAFF) || (c >= 0x2600 && c <= 0x27BF); }

static void font_advice(const missing *mv, size_t nm, char *out, size_t cap)
{
    hb_unicode_funcs_t *uf = hb_unicode_funcs_get_default();
    for (size_t i = 0; i < nm; i++) {
        if (emoji_cp(mv[i].cp)) {
            snprintf(out, cap, "They include emoji: install the Debian package fonts-noto-color-emoji on the "
                               "computer that builds the pack, or give a font with --font FILE");
            return;
        }
        hb_script_t sc = hb_unicode_script(uf, mv[i].cp);
        for (size_t k = 0; k < sizeof script_fonts / sizeof *script_fonts; k++)
            if (script_fonts[k].script == sc) {
                snprintf(out, cap, "They are %s: install the Debian package %s on the computer that builds the pack, "
                                   "or give a font with --font FILE",
                         script_fonts[k].name, script_fonts[k].package);
                return;
            }
    }
    snprintf(out, cap, "Install a font that has %s on the computer that builds the pack, or give one with --font FILE",
             nm == 1 ? "it" : "them");
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
    /* First a face per CJK language of the texts, where the regular face
     * lacks that language's characters: the same ideograph is drawn
     * differently in Chinese and Japanese. */
        missing *mv0 = nm ? malloc(nm * sizeof *mv0) : NULL; /* what the regular face lacks */
    size_t nm0 = mv0 ? nm : 0;
    if (nm && !mv0) { lerr_set(e, "out of memory"); goto out; }
    if (mv0) memcpy(mv0, mv, nm * sizeof *mv0);
    for (size_t t = 0; t < NCJK && nm0 > 0 && *added < 8; t++) {
        int have = 0;
        for (size_t k = 0; k < fs->n; k++) have |= is_cjk_face_of(fs->v[k].name, cjk_tags[t]);
        if (have) continue;
        FcCharSet *cs = FcCharSetCreate();
        hb_set_t *hs = hb_set_create();
        cjk_chars_of(texts, n, cjk_tags[t], hs);
        for (hb_codepoint_t c = HB_SET_VALUE_INVALID; cs && hb_set_next(hs, &c);) FcCharSetAddChar(cs, c);
        int ok = cs && hb_set_allocation_successful(hs);
        hb_set_destroy(hs);
        if (!ok) {
            if (cs) FcCharSetDestroy(cs);
            free(mv0);
            lerr_set(e, "out of memory");
            goto out;
        }
        int lacks = 0;
        for (size_t k = 0; k < nm0 && !lacks; k++) lacks = FcCharSetHasChar(cs, mv0[k].cp);
        char *file = NULL;
        int index = 0;
        int found = lacks ? lang_fallback(cs, cjk_tags[t], fs, &file, &index) : -1;
        FcCharSetDestroy(cs);
        if (found) { free(file); continue; }
        r = add_face(fs, file, index, PACK_FONT_FALLBACK, e);
        free(file);
        if (!r) (*added)++;
        if (r || drop_covered(ft, &fs->v[fs->n - 1], mv, &nm, e)) {
            free(mv0);
            goto out;
        }
    }
    free(mv0);
    /* Then the face that covers most of what is missing, until nothing is
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
        size_t before = fs->n;
        rc = fonts_subset(fs, texts, n, e);
        *added -= before - fs->n; /* fallbacks nothing needed */
        goto out;
    }
    char list[300];
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
    char advice[200];
    font_advice(mv, nm, advice, sizeof advice);
    lerr_set(e, "%zu character%s no installed font covers. %s. %s: %s%s", nm, nm == 1 ? "" : "s", advice,
             nm == 1 ? "It is" : at >= sizeof list - 100 ? "The first" : "They are", list,
             at >= sizeof list - 100 ? " ..." : "");
out:
    free(mv);
    FT_Done_FreeType(ft);
    return rc;
}

/* ---- subsetting ------------------------------------------------------------ */

/* Name IDs kept besides hb-subset's default (1-6: family, style, unique
 * name, full name, version, PostScript name): the copyright notice, the
 * licence and its URL, which the font's licence (the OFL, for one) asks to
 * travel with it. */
static const unsigned keep_names[] = {0, 13, 14};

/* The code points a face of role `only` (FONTS_FOR_*) keeps: every
 * character of the texts for it (spaces too: the layout measures them), and
 * what the reader draws in it itself (its labels in the text faces; the
 * hyphen of a broken line in bold italic; in the code face the characters
 * by which the reader knows it is monospace, and the continuation mark of a
 * wrapped code line). Controls are never drawn. */
static const char mono_chars[] = "iMW. " LAYOUT_CONT_MARK;
static void text_chars(const fonts_text *texts, size_t n, int only, hb_set_t *out)
{
    const char *own = only == FONTS_FOR_MONO ? mono_chars : only == FONTS_FOR_BOLD_ITALIC ? "-" : ui_chars;
    fonts_text ui = {(const uint8_t *)own, strlen(own), "the reader's own characters", 0, only, NULL};
    for (size_t t = 0; t <= n; t++) {
        const fonts_text *tx = t < n ? &texts[t] : &ui;
        if (tx->only != only) continue;
        for (size_t i = 0; i < tx->n;) {
            uint32_t cp;
            size_t k = utf8_decode(tx->s + i, tx->n - i, &cp);
            if (!k) { cp = 0xfffd; k = 1; }
            i += k;
            if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) continue;
            hb_set_add(out, cp);
            /* HarfBuzz's Thai and Lao shapers decompose SARA AM into NIKHAHIT
             * and SARA AA themselves, outside any layout table, so the
             * subset's closure does not reach them: keep them by hand. */
            if (cp == 0x0E33) hb_set_add(out, 0x0E4D), hb_set_add(out, 0x0E32);
            if (cp == 0x0EB3) hb_set_add(out, 0x0ECD), hb_set_add(out, 0x0EB2);
        }
    }
}

/* The HarfBuzz face of ff (its face index in a collection). */
static hb_face_t *hb_face_of(const font_file *ff)
{
    hb_blob_t *b = hb_blob_create((const char *)ff->data, (unsigned)ff->size, HB_MEMORY_MODE_READONLY, NULL, NULL);
    hb_face_t *f = hb_face_create(b, ff->flags >> 8);
    hb_blob_destroy(b);
    return f;
}

/* One hb-subset run of face over keep; NULL when hb-subset refuses. */
static hb_face_t *run_subset(hb_face_t *face, const hb_set_t *keep, unsigned flags)
{
    hb_subset_input_t *in = hb_subset_input_create_or_fail();
    if (!in) return NULL;
    hb_set_union(hb_subset_input_unicode_set(in), keep);
    hb_set_t *names = hb_subset_input_set(in, HB_SUBSET_SETS_NAME_ID);
    for (size_t i = 0; i < sizeof keep_names / sizeof *keep_names; i++) hb_set_add(names, keep_names[i]);
    hb_subset_input_set_flags(in, flags);
    hb_face_t *sub = hb_set_allocation_successful(hb_subset_input_unicode_set(in)) ? hb_subset_or_fail(face, in) : NULL;
    hb_subset_input_destroy(in);
    return sub;
}

/* Bytes of the subset once LZ4 has it (as the pack stores it), roughly. */
static size_t packed_size(hb_face_t *sub)
{
    hb_blob_t *b = hb_face_reference_blob(sub);
    unsigned len = 0;
    const char *d = hb_blob_get_data(b, &len);
    size_t r = len;
    int bound = len < (unsigned)LZ4_MAX_INPUT_SIZE ? LZ4_compressBound((int)len) : 0;
    char *tmp = bound > 0 ? malloc((size_t)bound) : NULL;
    if (tmp) {
        int c = LZ4_compress_default(d, tmp, (int)len, bound);
        if (c > 0 && (size_t)c < r) r = (size_t)c;
    }
    free(tmp);
    hb_blob_destroy(b);
    return r;
}

/* Subset ff to the code points in keep (those it has).
 * Layout features: hb-subset's default set, the features hb_shape applies
 * by default for every script (liga, kern, mark, mkmk, ccmp, locl, calt,
 * the Arabic and Indic forms ...), which the reader shapes with; the
 * glyphs they reach from the kept characters stay. Tables hb-subset
 * cannot subset (Graphite's Silf, morx, kern when GPOS kerns) are dropped;
 * OpenType layout does their work. NOTDEF_OUTLINE: a character that no
 * face has still shows as the box. Hinting stays: pages render as before.
 * RETAIN_GIDS: glyph ids stay the whole font's, so that a shaped run
 * names the same glyphs as with the installed font, when that costs
 * little once compressed (Charis: 1%, its empty slots compress away); a
 * CJK font, whose few thousand used glyphs lie among 65,000, is renumbered
 * (keeping its ids would make it 1.7 times the size).
 * NO_HINTING: the TrueType instructions go (fpgm, prep, cvt, glyph
 * programs): the reader rasterizes with light hinting (src/font.c), which
 * FreeType does with its auto-hinter and never runs them. Pages drawn with
 * and without them are identical pixel for pixel (the goldens in tests/
 * were drawn with them); the default pack is 30 % smaller. */
static int subset_face(font_file *ff, hb_face_t *face, const hb_set_t *keep, lerr *e)
{
    unsigned flags = HB_SUBSET_FLAGS_RETAIN_GIDS | HB_SUBSET_FLAGS_NOTDEF_OUTLINE | HB_SUBSET_FLAGS_NO_HINTING;
    hb_face_t *sub = run_subset(face, keep, flags);
    hb_face_t *renum = sub ? run_subset(face, keep, flags & ~HB_SUBSET_FLAGS_RETAIN_GIDS) : NULL;
    if (renum) {
        size_t a = packed_size(sub), b = packed_size(renum);
        if (a > b + b / 20 + 1024) {
            hb_face_destroy(sub);
            sub = renum;
            flags &= ~HB_SUBSET_FLAGS_RETAIN_GIDS;
        } else {
            hb_face_destroy(renum);
        }
    } else if (sub) {
        hb_face_destroy(sub);
        sub = NULL;
    }
    /* A CFF face (the Noto CJK faces) shares outline pieces between glyphs
     * as subroutines, which hide the repeats from LZ4; with them expanded
     * in place the subset is a little smaller and compresses much better
     * (Noto Serif CJK SC, cut to section 1 of the Chinese man pages:
     * 634,717 against 566,201 bytes as LZ4HC-12). Kept only when smaller. */
    hb_blob_t *cff = sub ? hb_face_reference_table(face, HB_TAG('C', 'F', 'F', ' ')) : NULL;
    if (cff && hb_blob_get_length(cff) > 0) {
        hb_face_t *flat = run_subset(face, keep, flags | HB_SUBSET_FLAGS_DESUBROUTINIZE);
        if (flat && packed_size(flat) < packed_size(sub)) {
            hb_face_destroy(sub);
            sub = flat;
        } else if (flat) {
            hb_face_destroy(flat);
        }
    }
    hb_blob_destroy(cff);
    if (!sub) {
        lerr_set(e, "%s: HarfBuzz cannot subset this font (hb-subset refused it: a table in the file is damaged or of "
                 "a kind it does not know); give another font with --font",
                 ff->path);
        return -1;
    }
    hb_blob_t *blob = hb_face_reference_blob(sub);
    unsigned len = 0;
    const char *d = hb_blob_get_data(blob, &len);
    /* Every character of keep that the face had, the subset has. */
    hb_set_t *had = hb_set_create(), *has = hb_set_create();
    hb_face_t *check = hb_face_create(blob, 0);
    hb_face_collect_unicodes(face, had);
    hb_set_intersect(had, keep);
    hb_face_collect_unicodes(check, has);
    hb_set_subtract(had, has);
    hb_codepoint_t lost = HB_SET_VALUE_INVALID;
    int ok = len > 0 && hb_set_allocation_successful(had) && hb_set_allocation_successful(has) &&
             !hb_set_next(had, &lost);
    hb_face_destroy(check);
    hb_set_destroy(had);
    hb_set_destroy(has);
    uint8_t *copy = ok ? malloc(len) : NULL;
    if (copy) memcpy(copy, d, len);
    hb_blob_destroy(blob);
    hb_face_destroy(sub);
    if (!copy) {
        if (!ok && lost != HB_SET_VALUE_INVALID)
            lerr_set(e, "%s: the subset font lost U+%04X, which the font has (HarfBuzz); give another font with --font",
                     ff->path, (unsigned)lost);
        else if (!ok)
            lerr_set(e, "%s: HarfBuzz made an empty subset of this font; give another font with --font", ff->path);
        else
            lerr_set(e, "%s: out of memory subsetting the font", ff->path);
        return -1;
    }
    free(ff->data);
    ff->data = copy;
    ff->size = len;
    ff->flags &= 0xff; /* one face of its own now: index 0 */
    return 0;
}

/* A fixed-pitch face as the reader tells one (src/font.c, face_is_mono):
 * i, M, W, '.' and the space all there and equally wide. */
static int hb_face_is_mono(hb_face_t *face)
{
    static const uint32_t probe[] = {'i', 'M', 'W', '.', ' '};
    hb_font_t *font = hb_font_create(face);
    hb_position_t a0 = 0;
    int mono = 1;
    for (size_t k = 0; k < sizeof probe / sizeof *probe && mono; k++) {
        hb_codepoint_t g;
        if (!hb_font_get_nominal_glyph(font, probe[k], &g)) mono = 0;
        else if (k == 0) a0 = hb_font_get_glyph_h_advance(font, g);
        else if (hb_font_get_glyph_h_advance(font, g) != a0) mono = 0;
    }
    hb_font_destroy(font);
    return mono && a0 > 0;
}

/* The role (FONTS_FOR_*) of text face ff, whose HarfBuzz face is face. */
static int face_role(const font_file *ff, hb_face_t *face)
{
    if (hb_face_is_mono(face)) return FONTS_FOR_MONO;
    if ((ff->flags & (PACK_FONT_ITALIC | PACK_FONT_BOLD)) == (PACK_FONT_ITALIC | PACK_FONT_BOLD))
        return FONTS_FOR_BOLD_ITALIC;
    return FONTS_FOR_TEXT;
}

int fonts_subset(font_set *fs, const fonts_text *texts, size_t n, lerr *e)
{
    int rc = -1;
    size_t nf = fs->n;
    hb_set_t *want = hb_set_create(), *need = hb_set_create(), *covered = hb_set_create(), *cm = hb_set_create();
    hb_set_t *common = hb_set_create();
    hb_set_t *keep[3] = {want, hb_set_create(), hb_set_create()}; /* by FONTS_FOR_* */
    hb_set_t *mine[NCJK + 1] = {0}; /* CJK characters by language, below */
    hb_face_t **faces = calloc(nf ? nf : 1, sizeof *faces);
    int *roles = calloc(nf ? nf : 1, sizeof *roles);
    if (!faces || !roles) goto oom;
    for (int r = 0; r < 3; r++) text_chars(texts, n, r, keep[r]);
    for (size_t i = 0; i < nf; i++) {
        faces[i] = hb_face_of(&fs->v[i]);
        roles[i] = fs->v[i].flags & PACK_FONT_FALLBACK ? FONTS_FOR_TEXT : face_role(&fs->v[i], faces[i]);
    }
    /* need: what some text face lacks of what it draws, for the fallbacks */
    for (size_t i = 0; i < nf; i++) {
        if (fs->v[i].flags & PACK_FONT_FALLBACK) continue;
        hb_set_clear(cm);
        hb_face_collect_unicodes(faces[i], cm);
        hb_set_t *lack = hb_set_copy(keep[roles[i]]);
        hb_set_subtract(lack, cm);
        hb_set_union(need, lack);
        hb_set_destroy(lack);
    }
    /* A run the reader shapes in a fallback face takes the spaces and
     * punctuation next to it along (script Common or Inherited): those of
     * the texts go with every fallback too, as the reader may draw them in
     * it. (The runs of the bold italic and code faces are parts of the
     * texts: their characters are in want.) */
    hb_unicode_funcs_t *uf = hb_unicode_funcs_get_default();
    for (hb_codepoint_t c = HB_SET_VALUE_INVALID; hb_set_next(want, &c);) {
        hb_script_t sc = hb_unicode_script(uf, c);
        if (sc == HB_SCRIPT_COMMON || sc == HB_SCRIPT_INHERITED) hb_set_add(common, c);
    }
    if (!hb_set_allocation_successful(common) || !hb_set_allocation_successful(want) || !hb_set_allocation_successful(need) ||
        !hb_set_allocation_successful(cm) || !hb_set_allocation_successful(keep[1]) ||
        !hb_set_allocation_successful(keep[2]))
        goto oom;
    /* The CJK characters of each CJK language's texts, and of the texts of
     * none (an English essay quoting 漢字): a CJK face made for a language
     * keeps its own texts' characters and those of no language's, not
     * those only another language's texts use (their face has them). */
    for (size_t t = 0; t <= NCJK; t++) {
        mine[t] = hb_set_create();
        cjk_chars_of(texts, n, t < NCJK ? cjk_tags[t] : "", mine[t]);
        if (!hb_set_allocation_successful(mine[t])) goto oom;
    }
    size_t k = 0;
    for (size_t i = 0; i < nf; i++) {
        font_file *ff = &fs->v[i];
        int r;
        size_t lt = 0;
        while (lt < NCJK && !((ff->flags & PACK_FONT_FALLBACK) && is_cjk_face_of(ff->name, cjk_tags[lt]) &&
                              !hb_set_is_empty(mine[lt])))
            lt++;
        if (lt < NCJK) {
            /* others: what only the other CJK languages' texts draw */
            hb_set_t *others = hb_set_create();
            for (size_t t = 0; t < NCJK; t++)
                if (t != lt) hb_set_union(others, mine[t]);
            hb_set_subtract(others, mine[lt]);
            hb_set_subtract(others, mine[NCJK]);
            hb_set_clear(cm);
            hb_face_collect_unicodes(faces[i], cm);
            hb_set_intersect(cm, need);
            hb_set_subtract(cm, others);
            int ok = hb_set_allocation_successful(others) && hb_set_allocation_successful(cm);
            hb_set_destroy(others);
            if (!ok) {
                r = -1;
                lerr_set(e, "out of memory subsetting the fonts");
            } else {
                hb_set_union(covered, cm);
                hb_set_union(cm, common);
                r = subset_face(ff, faces[i], cm, e);
            }
        } else if (ff->flags & PACK_FONT_FALLBACK) {
            hb_set_clear(cm);
            hb_face_collect_unicodes(faces[i], cm);
            hb_set_intersect(cm, need); /* what it may draw */
            hb_set_t *fresh = hb_set_copy(cm);
            hb_set_subtract(fresh, covered);
            int useful = !hb_set_is_empty(fresh);
            hb_set_destroy(fresh);
            if (!useful) { /* the faces before it draw all it would */
                free(ff->path);
                free(ff->name);
                free(ff->data);
                continue;
            }
            hb_set_union(covered, cm);
            hb_set_union(cm, common);
            r = subset_face(ff, faces[i], cm, e);
        } else {
            r = subset_face(ff, faces[i], keep[roles[i]], e);
        }
        fs->v[k++] = *ff;
        if (r) {
            for (size_t j = i + 1; j < nf; j++) fs->v[k++] = fs->v[j];
            fs->n = k;
            goto out;
        }
    }
    fs->n = k;
    rc = 0;
    goto out;
oom:
    lerr_set(e, "out of memory subsetting the fonts");
out:
    for (size_t t = 0; t <= NCJK; t++) hb_set_destroy(mine[t]);
    for (size_t i = 0; faces && i < nf; i++) hb_face_destroy(faces[i]);
    free(faces);
    free(roles);
    hb_set_destroy(keep[1]);
    hb_set_destroy(keep[2]);
    hb_set_destroy(want);
    hb_set_destroy(need);
    hb_set_destroy(covered);
    hb_set_destroy(cm);
    hb_set_destroy(common);
    return rc;
}

/* Name `id` of face (English, else the first there is) into out, UTF-8. */
static size_t face_name(hb_face_t *face, unsigned id, char *out, size_t cap)
{
    unsigned len = (unsigned)cap;
    out[0] = 0;
    if (!cap) return 0;
    unsigned got = hb_ot_name_get_utf8(face, (hb_ot_name_id_t)id, hb_language_from_string("en", -1), &len, out);
    if (!got) {
        len = (unsigned)cap;
        got = hb_ot_name_get_utf8(face, (hb_ot_name_id_t)id, HB_LANGUAGE_INVALID, &len, out);
    }
    return got;
}

int fonts_about(const uint8_t *data, size_t size, font_about *f, lerr *e)
{
    memset(f, 0, sizeof *f);
    if (size == 0 || size > UINT32_MAX) {
        lerr_set(e, "%zu bytes is not a font", size);
        return -1;
    }
    hb_blob_t *b = hb_blob_create((const char *)data, (unsigned)size, HB_MEMORY_MODE_READONLY, NULL, NULL);
    hb_face_t *face = hb_face_create(b, 0);
    hb_blob_destroy(b);
    f->glyphs = hb_face_get_glyph_count(face);
    if (f->glyphs == 0) {
        hb_face_destroy(face);
        lerr_set(e, "not a font HarfBuzz can read");
        return -1;
    }
    hb_set_t *cm = hb_set_create();
    hb_face_collect_unicodes(face, cm);
    f->code_points = hb_set_get_population(cm);
    hb_set_destroy(cm);
    face_name(face, 0, f->copyright, sizeof f->copyright);
    face_name(face, 14, f->licence_url, sizeof f->licence_url);
    f->licence_bytes = face_name(face, 13, f->licence, sizeof f->licence); /* its whole length */
    char *nl = strchr(f->licence, '\n');
    if (nl) *nl = 0;
    for (char *c = f->copyright; *c; c++)
        if (*c == '\n' || *c == '\r') *c = ' ';
    hb_face_destroy(face);
    return 0;
}

/* fonts.h - choose, load and check the fonts that travel in a pack.
 * Host-only: FreeType checks coverage, fontconfig finds fallback faces on
 * this machine. The reader never looks for fonts outside its pack. */
#ifndef LECTERN_FONTS_H
#define LECTERN_FONTS_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

/* The text face, chosen by looking at rendered pages (see tools/README.md). */
#define FONTS_DEFAULT_FAMILY "Charis SIL"
#define FONTS_DEFAULT_PACKAGE "fonts-sil-charis"
/* The monospace face for code spans and code blocks. */
#define FONTS_DEFAULT_MONO_FAMILY "DejaVu Sans Mono"
#define FONTS_DEFAULT_MONO_PACKAGE "fonts-dejavu-core"

typedef struct font_file {
    char *path;       /* owned */
    char *name;       /* owned: "Family Style", from the font itself */
    uint16_t flags;   /* PACK_FONT_* | face index << 8 (0 once subset) */
    uint8_t *data;    /* owned: the whole file, or after fonts_cover the
                       * face subset to what the pack draws */
    size_t size;
    size_t full_size; /* bytes of the face as installed (before subsetting) */
} font_file;

typedef struct font_set {
    font_file *v;     /* owned */
    size_t n;
} font_set;

/* Add the default family's regular, italic, bold and bold italic faces and
 * the monospace face, found with fontconfig. Fails naming the Debian
 * package of the first one missing. */
int fonts_default(font_set *fs, lerr *e);

/* Add the font file at path (TrueType/OpenType; a collection's first face).
 * Its style (italic, bold) is read from the font. */
int fonts_add_file(font_set *fs, const char *path, lerr *e);

/* Text to check: one UTF-8 string with a name for messages. */
typedef struct fonts_text {
    const uint8_t *s;
    size_t n;
    const char *where;  /* e.g. "essays/a.txt" or "essays/a.txt (title)" */
    int paragraphs;     /* 1: s is essay text, say which paragraph */
    int only;           /* FONTS_FOR_*: the faces that draw these characters */
    const char *lang;   /* the text's BCP-47 language, NULL if unknown: a
                           Chinese, Japanese or Korean text gets the CJK
                           face drawn for its language (text_cjk_tag) */
} fonts_text;

/* fonts_text.only. Text in general (0) is drawn by the regular, italic and
 * bold faces, which keep all of it. The bold italic face and the monospace
 * face draw only their runs: they keep only the characters of the texts
 * given for them (the packer gives the characters of an essay's bold
 * italic runs, and of its code spans and code blocks). */
#define FONTS_FOR_TEXT 0
#define FONTS_FOR_BOLD_ITALIC 1 /* em with strong, em in a bold heading or cell, strong in an italic line */
#define FONTS_FOR_MONO 2        /* code spans and code blocks */

/* Check that the set's regular face (the first non-italic, non-bold one)
 * has a glyph for every character of every text and of the reader's own
 * labels. For characters it lacks, add fallback faces from the system
 * (flag PACK_FONT_FALLBACK). If some are still not covered, fail with the
 * characters and where each first occurs. Then fonts_subset the set.
 * CJK texts come first: for each CJK language the texts name (ja, ko,
 * zh-Hans, zh-Hant, zh-HK) a face made for it is added, serif where the
 * system has one (Noto Serif CJK SC for Chinese under Charis), so that
 * ideographs take their own language's shapes; a pack of Chinese and
 * Japanese essays carries two CJK faces, each cut to its own texts.
 * *added gets the number of fallback faces added and kept. */
int fonts_cover(font_set *fs, const fonts_text *texts, size_t n, size_t *added, lerr *e);

/* Cut every face down to what the pack draws, with hb-subset: the code
 * points of the texts and of the reader's own labels (tools/fonts.c,
 * ui_chars) that the face has, and the glyphs the font's layout tables
 * (GSUB/GPOS: ligatures, marks, kerning) reach from them, so shaping works
 * as with the whole font. Glyph ids stay those of the whole font (unused
 * ones empty) when that costs little once compressed (not for CJK), the .notdef box keeps its outline, and the name table keeps
 * the family names, the copyright (name ID 0) and the licence (13) and its
 * URL (14). A fallback face keeps only the characters some text face
 * lacks; a fallback that no character needs (the faces before it have
 * all of them) is removed from the set. A face of a collection (.ttc)
 * becomes a font file of its own: its index becomes 0. Fails naming the
 * font file when hb-subset refuses a face, or when the subset lost a
 * character the face had. */
int fonts_subset(font_set *fs, const fonts_text *texts, size_t n, lerr *e);
/* In fonts_subset and fonts_cover, a face's "role": a text face keeps the
 * FONTS_FOR_TEXT texts and the reader's labels; the bold italic face (not a
 * fallback, italic and bold flags) only the FONTS_FOR_BOLD_ITALIC texts and
 * the hyphen of a broken line; a monospace face (i, M, W, '.' and the space
 * equally wide, as the reader tells one: src/font.c) only the
 * FONTS_FOR_MONO texts, those probe characters and the continuation mark of
 * a wrapped code line. fonts_cover checks only the FONTS_FOR_TEXT texts
 * against the regular face (the others are parts of them). */

/* What a font says about itself (`lectern-pack info`). */
typedef struct font_about {
    char copyright[512];  /* name ID 0, "" when absent */
    char licence[512];    /* name ID 13, its first line */
    char licence_url[256];/* name ID 14 */
    size_t licence_bytes; /* the whole licence text, in UTF-8 */
    unsigned glyphs;      /* glyph count (glyph ids, empty ones included) */
    unsigned code_points; /* characters the cmap maps */
} font_about;

/* Read f's names and counts from the font bytes. Fails when they are not
 * a font. */
int fonts_about(const uint8_t *data, size_t size, font_about *f, lerr *e);

void fonts_free(font_set *fs);

/* Release fontconfig's caches (call once, when done with fonts_*). */
void fonts_done(void);

#endif

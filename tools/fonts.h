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

typedef struct font_file {
    char *path;       /* owned */
    char *name;       /* owned: "Family Style", from the font itself */
    uint16_t flags;   /* PACK_FONT_* | face index << 8 */
    uint8_t *data;    /* owned: the whole file */
    size_t size;
} font_file;

typedef struct font_set {
    font_file *v;     /* owned */
    size_t n;
} font_set;

/* Add the default family's regular, italic and bold faces, found with
 * fontconfig. Fails naming the Debian package when they are missing. */
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
} fonts_text;

/* Check that the set's regular face (the first non-italic, non-bold one)
 * has a glyph for every character of every text and of the reader's own
 * labels. For characters it lacks, add fallback faces from the system
 * (flag PACK_FONT_FALLBACK). If some are still not covered, fail with the
 * characters and where each first occurs. *added gets the number of
 * fallback faces added. */
int fonts_cover(font_set *fs, const fonts_text *texts, size_t n, size_t *added, lerr *e);

void fonts_free(font_set *fs);

/* Release fontconfig's caches (call once, when done with fonts_*). */
void fonts_done(void);

#endif

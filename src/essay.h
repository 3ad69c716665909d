/* essay.h - parse an essay's decoded bytes (pack_format.md, "Essay text"
 * and "Style section") into blocks and inline style spans. Plain C11, no
 * SDL. The input is untrusted: every rule of the format is checked and a
 * violation is reported with its byte offset. */
#ifndef LECTERN_ESSAY_H
#define LECTERN_ESSAY_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

enum essay_kind {
    ESSAY_PARA = 0,
    ESSAY_HEADING = 1,
    ESSAY_LIST = 2,
    ESSAY_QUOTE = 3,
    ESSAY_SEP = 4,
    ESSAY_CODE = 5,  /* one line of a code block, verbatim: not reflowed */
    ESSAY_TABLE = 6, /* one row of a table, cells separated by ESSAY_CELL_SEP */
    ESSAY_NOTE = 7   /* one end note: label (its number), a space, its text */
};

#define ESSAY_MARK_HEADING 0x01
#define ESSAY_MARK_LIST 0x02
#define ESSAY_MARK_QUOTE 0x03
#define ESSAY_MARK_SEP 0x04
#define ESSAY_MARK_CODE 0x05
#define ESSAY_MARK_TABLE 0x06
#define ESSAY_MARK_NOTE 0x07
#define ESSAY_CELL_SEP 0x1F /* between the cells of a table row */
#define ESSAY_MAX_DEPTH 9   /* list and quote nesting: the marker repeated */

/* Style bits of a span (pack_format.md, "Style section"). */
#define ESSAY_STYLE_EM 0x01
#define ESSAY_STYLE_STRONG 0x02
#define ESSAY_STYLE_CODE 0x04
#define ESSAY_STYLE_LINK 0x08
#define ESSAY_STYLE_STRIKE 0x10
#define ESSAY_STYLE_NOTE 0x20 /* a note number pointing to an ESSAY_NOTE block */
#define ESSAY_STYLE_ALL 0x3F

typedef struct essay_span {
    uint32_t start;  /* byte offset in the block's text (from essay_block.start) */
    uint32_t len;    /* bytes, >= 1, whole UTF-8 characters */
    uint8_t style;   /* ESSAY_STYLE_* bits */
    uint8_t lang;    /* 0 = the essay's language, k = essay.langs[k-1] */
    uint16_t script; /* ISO 15924 numeric code; 0 = the essay's script(s) */
} essay_span;

typedef struct essay_lang {
    uint32_t off; /* the tag's bytes in the decoded data given to essay_parse */
    uint32_t len; /* 1..35, ASCII letters, digits and '-' */
} essay_lang;

typedef struct essay_block {
    uint8_t kind;       /* enum essay_kind */
    uint8_t level;      /* heading level 1..6, else 0 */
    uint8_t depth;      /* list items and quotes: nesting 1..9; else 0 */
    uint32_t label;     /* list items and notes: byte offset of the label in text */
    uint32_t label_len; /* list items and notes: its length; else 0 */
    uint32_t start;     /* byte offset of the block's text in `text` */
    uint32_t len;       /* its length in bytes (0 only for separators and empty code lines) */
    uint32_t span;      /* its spans: essay.spans[span .. span+nspans) */
    uint32_t nspans;
} essay_block;

typedef struct essay {
    const uint8_t *text;  /* borrowed: the decoded bytes given to essay_parse */
    size_t size;          /* bytes of essay text (the style section excluded) */
    essay_block *blocks;  /* owned: freed by essay_free */
    size_t nblocks;
    essay_span *spans;    /* owned: freed by essay_free; sorted by block, then start; no overlap */
    size_t nspans;
    essay_lang *langs;    /* owned: freed by essay_free; tags borrowed from the text's buffer */
    size_t nlangs;
    /* The title and byline (the pack entry's), set large at the top of the
     * first page. Not parsed: essay_parse leaves them NULL and 0, and the
     * caller that opens the essay sets them (borrowed; UTF-8; they must
     * outlive every layout of the essay, like text). */
    const uint8_t *title, *byline;
    uint32_t title_len, byline_len;
} essay;

/* Parse text[0..size) into *out: the essay text, and the style section
 * after a NUL byte if there is one. The essay borrows `text`, which must
 * outlive it. Returns 0, or -1 with a message naming the byte offset of the
 * first violation (out is then empty). Size 0 is a valid, empty essay. */
int essay_parse(const uint8_t *text, size_t size, essay *out, lerr *e);

/* Block b's spans (n of them, maybe 0), sorted by start and not
 * overlapping; borrowed from es. b must be < es->nblocks. */
const essay_span *essay_block_spans(const essay *es, size_t b, size_t *n);

/* Free the blocks, spans and languages (not the text). Safe on a zeroed or
 * failed essay. */
void essay_free(essay *es);

#endif

/* text_bidi.h - bidirectional text (UAX #9) with FriBidi: a paragraph's
 * base direction and embedding levels, and each line's visual order.
 * Plain C11, no SDL, no global state.
 *
 * How layout uses it. A paragraph (one block's UTF-8 bytes) is analysed
 * once, in logical order: text_bidi_analyse. Layout measures and breaks it
 * into lines in logical order as before; text_bidi_is_rtl says whether its
 * lines start at the right. Then each line, a byte range of the paragraph,
 * is reordered on its own (text_bidi_reorder, UAX #9 L1 and L2): it gives
 * the line's runs, left to right on screen, each a byte range of one
 * embedding level. The shaper shapes each run in its own direction (odd
 * level: right to left) and the renderer places the runs in that order.
 * Reordering per line, after breaking, is the point: the visual order of a
 * line is not a piece of the visual order of the whole paragraph.
 *
 * The bytes are one paragraph: a paragraph separator inside them (LF,
 * CR, U+001C..U+001E, U+0085, U+2029) is taken as a segment separator, as
 * a tab is (levels reset at it, UAX #9 L1), not as the start of another
 * paragraph with its own base direction.
 *
 * Offsets are bytes from the start of the paragraph, as layout_line's
 * start and end are (relative to the block). Code points are decoded as
 * text_next decodes them: a bad byte is one U+FFFD (text.h), so any bytes
 * can be analysed and nothing is read out of bounds.
 *
 * A paragraph with no right-to-left character (no R, AL or AN, and no
 * explicit embedding, override or isolate) and a left-to-right base is the
 * fast path: it is reported as all level 0 without allocating anything;
 * most essays are Latin. */
#ifndef LECTERN_TEXT_BIDI_H
#define LECTERN_TEXT_BIDI_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

/* The base direction asked for (UAX #9 P2, P3 and HL1). */
enum text_bidi_hint {
    TEXT_BIDI_AUTO = 0,     /* the first strong character's (isolates skipped); LTR if none */
    TEXT_BIDI_AUTO_RTL = 1, /* the same, but RTL if none: an essay in Arabic, Hebrew, ... */
    TEXT_BIDI_LTR = 2,      /* forced left to right (a code block, say) */
    TEXT_BIDI_RTL = 3       /* forced right to left */
};

/* The longest paragraph analysed, in bytes (FriBidi counts in int). */
#define TEXT_BIDI_MAX_BYTES 0x7FFFFFF0u

/* The highest level a run can have (FriBidi's 125 explicit levels, +1 by
 * the implicit rules). */
#define TEXT_BIDI_MAX_LEVEL 126

/* An analysed paragraph. Fields are read-only for the caller. Zero it, or
 * let text_bidi_analyse fill it; free it with text_bidi_free. It borrows
 * the paragraph's bytes, which must outlive it. */
typedef struct text_bidi_para {
    const uint8_t *s; /* borrowed: the paragraph's bytes */
    size_t n;
    int rtl;          /* 1: the resolved base direction is right to left */
    uint8_t base;     /* the paragraph embedding level: 0 or 1 */
    int uniform;      /* 1: every code point is at level `base` (the fast path): no arrays */
    size_t ncp;       /* code points */
    /* Private, owned (one allocation, freed by text_bidi_free), NULL when
     * uniform: per code point its byte offset (ncp + 1 entries, the last
     * = n), its FriBidi bidi type and its resolved level (L1 rules 1 to 3
     * applied; rule 4, the end of a line, is text_bidi_reorder's). */
    uint32_t *off;
    uint32_t *types;
    uint8_t *levels;
} text_bidi_para;

/* One run of a line: bytes [start, end) of the paragraph (whole code
 * points, start < end), all at one level; odd = right to left. */
typedef struct text_bidi_run {
    uint32_t start, end;
    uint8_t level;
} text_bidi_run;

/* A line's visual order: its runs, left to right on screen, and the
 * scratch space of text_bidi_reorder, kept from line to line so that a
 * paragraph's lines cost one allocation. Zero it before the first use;
 * free it with text_bidi_line_free. Owned by the caller; `runs` is owned
 * by it and valid until the next text_bidi_reorder or the free. */
typedef struct text_bidi_line {
    text_bidi_run *runs;
    size_t nruns;
    void *mem;  /* private: runs, then FriBidi's map and levels */
    size_t cap; /* private: code points mem has room for */
} text_bidi_line;

/* The hint for an essay or span in language `tag` (a BCP 47 tag of len
 * bytes, e.g. "ar", "he-IL", "az-Arab", "pa-Arab"; NULL or len 0: unknown):
 * TEXT_BIDI_AUTO_RTL for a language or script written right to left
 * (Arabic, Hebrew, Persian, Urdu, Yiddish, Pashto, Sindhi, Uyghur, Kurdish
 * Sorani, Dhivehi, Syriac, N'Ko, Adlam...; a script subtag decides first:
 * "ku-Arab" is RTL, "sd-Deva" is not), else TEXT_BIDI_AUTO. Either way a
 * strong character in the paragraph decides; the language only settles a
 * paragraph of neutrals and digits. */
int text_bidi_hint_for_lang(const char *tag, size_t len);

/* The base direction of s[0..n) under `hint` without analysing it or
 * allocating (P2, P3: the first L, R or AL outside isolates): 1 for right
 * to left, else 0. The same as text_bidi_analyse's `rtl`. */
int text_bidi_dir(const uint8_t *s, size_t n, int hint);

/* Analyse the paragraph s[0..n) (n may be 0) under `hint` (enum
 * text_bidi_hint) into *out: base direction and every code point's level
 * (UAX #9 P2 to I2, and L1 but at line ends; brackets paired, N0). Returns
 * 0, or -1 with a message (out of memory; a paragraph over
 * TEXT_BIDI_MAX_BYTES) and *out zeroed. *out borrows s. */
int text_bidi_analyse(const uint8_t *s, size_t n, int hint, text_bidi_para *out, lerr *e);

/* 1 if the paragraph's base direction is right to left: its lines start at
 * the right, a last line is set flush right, justification fills to both
 * edges the same way. */
int text_bidi_is_rtl(const text_bidi_para *p);

/* The resolved level of the code point that holds byte `at` (< p->n),
 * before the line-end rule; p->base when at is out of range. */
uint8_t text_bidi_level_at(const text_bidi_para *p, uint32_t at);

/* Reorder the line that is bytes [start, end) of the analysed paragraph
 * (start <= end <= p->n, both on code point boundaries) into out->runs,
 * out->nruns, left to right on screen. UAX #9 L1 (white space, isolate and
 * embedding characters at the end of the line go to the paragraph level)
 * and L2 (fribidi_reorder_line); no L3 (a run is shaped whole and
 * HarfBuzz keeps marks with their base; code that draws a right-to-left
 * run code point by code point from its right end, with text_bidi_prev,
 * puts a base's combining marks after it, as tests/test_bidi.c's
 * --visual does to match fribidi(1)). Every byte of the line is in exactly one run; adjacent
 * runs of one level are merged when logically adjacent. An empty line has
 * no runs. Returns 0, or -1 with a message (out of memory; a range outside
 * the paragraph or inside a character, with its byte offset) and out->nruns
 * = 0. The paragraph is not changed: lines can be reordered in any order,
 * again and again. */
int text_bidi_reorder(const text_bidi_para *p, uint32_t start, uint32_t end, text_bidi_line *out, lerr *e);

/* The character drawn for cp at `level`: at an odd level its mirror image
 * if Unicode gives one (BidiMirroring.txt: "(" -> ")", "<" -> ">",
 * "«" -> "»"), else cp (UAX #9 L4). HarfBuzz mirrors a right-to-left run
 * itself when it shapes it; this is for code that draws code points. */
uint32_t text_bidi_mirror(uint32_t cp, int level);

/* Is byte `at` of s[0..n) the start of a code point as text_next decodes s
 * from 0 (at == n counts)? O(1): looks at most 3 bytes back. */
int text_bidi_boundary(const uint8_t *s, size_t n, size_t at);

/* Decode the code point that ends at `end`, walking a right-to-left run
 * backwards: s[start..end) with end > start and end a boundary (as above,
 * with start one too). Returns its length (1..4) and sets *cp as text_next
 * would have decoded it forwards. */
size_t text_bidi_prev(const uint8_t *s, size_t start, size_t end, uint32_t *cp);

/* Free what text_bidi_analyse allocated and zero *p. Safe on a zeroed or
 * failed paragraph. */
void text_bidi_free(text_bidi_para *p);

/* Free a line's runs and scratch, and zero *l. Safe on a zeroed line. */
void text_bidi_line_free(text_bidi_line *l);

#endif

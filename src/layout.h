/* layout.h - typeset an essay into justified lines and pages.
 * Plain C11, no SDL: text is measured through layout_metrics, so tests can
 * put a fixed-width fake behind it and the reader puts FreeType behind it.
 *
 * All lengths are in 1/64 pixel (26.6 fixed point, as FreeType uses). */
#ifndef LECTERN_LAYOUT_H
#define LECTERN_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

#include "essay.h"
#include "text_break.h"
#include "util.h"

#define LAYOUT_VERSION 2

/* Font roles. The metrics provider maps each to a face and a size. */
enum layout_font {
    LAYOUT_BODY = 0,    /* body text */
    LAYOUT_ITALIC = 1,  /* block quotes */
    LAYOUT_BOLD = 2,    /* headings are BOLD at heading sizes, see below */
    LAYOUT_H1 = 3,      /* heading level 1 (bold, larger) */
    LAYOUT_H2 = 4,      /* heading level 2 (bold, a little larger); 3..6 have roles below */
    LAYOUT_SMALL = 5,   /* page furniture: title, page numbers */
    LAYOUT_BOLD_ITALIC = 6, /* strong emphasis inside emphasis */
    LAYOUT_MONO = 7,    /* code spans and code blocks (a fixed-pitch face when the pack has one) */
    LAYOUT_TITLE = 8,   /* the essay's title on its first page (bold, large) */
    LAYOUT_BYLINE = 9,  /* the byline under it (italic, a little larger than body) */
    LAYOUT_H3 = 10,     /* heading levels 3..6, bold, each a step smaller */
    LAYOUT_H4 = 11,
    LAYOUT_H5 = 12,
    LAYOUT_H6 = 13,
    LAYOUT_NFONTS = 14
};

/* The face role that draws text of style bits `style` (ESSAY_STYLE_*) in
 * a block whose lines are set in role `base`: in body text em is ITALIC,
 * strong BOLD, both BOLD_ITALIC, code MONO; in a quote (ITALIC) em is set
 * upright (BODY) and strong BOLD_ITALIC; a BOLD base takes em as
 * BOLD_ITALIC. Headings and page furniture keep their role, code too.
 * Links, strike and note numbers keep the face (the renderer underlines
 * links and strikes through; note numbers are superscript digits). */
int layout_face(int base, int style);

/* One glyph of a shaped piece of text (layout_metrics.shape). */
typedef struct layout_glyph {
    uint32_t id;      /* glyph id in face `face` */
    uint32_t cluster; /* byte offset, in the text given to shape, of the first character it draws */
    int32_t advance;  /* pen advance, 26.6 */
    int32_t dx, dy;   /* the glyph's offset from the pen, 26.6 (dy upwards, as HarfBuzz) */
    int32_t face;     /* the provider's face index (a fallback face for a character the role's face lacks) */
} layout_glyph;

/* What layout needs to know about fonts. All callbacks must be pure and
 * cheap; layout calls them a lot. ctx is passed through untouched. */
typedef struct layout_metrics {
    void *ctx;
    /* Advance width of code point cp in font f. */
    int32_t (*advance)(void *ctx, int f, uint32_t cp);
    /* Kerning adjustment between two adjacent code points (usually <= 0). */
    int32_t (*kern)(void *ctx, int f, uint32_t left, uint32_t right);
    /* Distance between baselines, and the ascent (top of line to baseline). */
    int32_t (*line_height)(void *ctx, int f);
    int32_t (*ascent)(void *ctx, int f);
    /* Optional (NULL: each code point is measured on its own with advance
     * and kern). Shape the UTF-8 text s[0..n) in role f: one word or a
     * piece of one (no spaces, no soft hyphens, one role), with the font's
     * own features (ligatures, kerning, marks, joining, reordering), script
     * and direction from the text. Returns *count glyphs in visual order
     * (left to right), owned by the provider and valid until the next call
     * of shape on ctx; NULL (and *count 0) when it cannot (out of memory):
     * layout then measures that piece code point by code point. */
    const layout_glyph *(*shape)(void *ctx, int f, const uint8_t *s, size_t n, size_t *count);
} layout_metrics;

/* Or'ed into shape's f for a piece of an odd (right-to-left) bidi level:
 * shape it right to left (HarfBuzz then mirrors brackets). Without it the
 * direction is the text's script's. */
#define LAYOUT_SHAPE_RTL 0x100

/* Page geometry and typographic settings. */
typedef struct layout_params {
    int32_t width, height; /* text area, 26.6 (margins already taken off) */
    int32_t para_space;    /* extra space between paragraphs, 26.6 */
    int32_t indent;        /* block quote / list indent, 26.6 */
    int justify;           /* 1 = justified (default), 0 = ragged right */
    int expand;            /* font expansion a justified line may use, per mille either way
                              (0: none; the reader: LAYOUT_EXPAND_MAX) */
    int protrude;          /* 1: margin protrusion (the reader's default; 0 in the tests of breaks) */
} layout_params;

enum layout_line_flags {
    LAYOUT_LINE_HYPHEN = 1,   /* broken at a soft hyphen: a '-' is drawn at the end (layout_line_glyphs
                                 emits it). Not set after an explicit '-': that one is in the text. */
    LAYOUT_LINE_LAST = 2,     /* last line of its block: set ragged (space_extra 0; negative only
                                 in the rare case that it fits just with its spaces shrunk) */
    LAYOUT_LINE_CENTER = 4,   /* separators: the line draws "* * *" (no text), centred */
    LAYOUT_LINE_LABEL = 8,    /* first line of a list item: the label hangs left of x, right-aligned,
                                 ending one space (advance of U+0020) before x */
    LAYOUT_LINE_RAGGED = 16,  /* a non-last line of a justified block left unjustified: it has no
                                 inter-word space, or filling it would stretch spaces beyond
                                 LAYOUT_MAX_STRETCH (counted in layout_result.over_1_5) */
    LAYOUT_LINE_HARD = 32,    /* ends at a hard line break (U+2028, not on either line): set ragged */
    LAYOUT_LINE_CONT = 64,    /* a code line wrapped here: a continuation mark (LAYOUT_CONT_MARK)
                                 is drawn at the right end of the measure */
    LAYOUT_LINE_FRONT = 128,  /* a line of the title or byline (block LAYOUT_BLOCK_TITLE or
                                 LAYOUT_BLOCK_BYLINE; start, end are offsets in es->title or
                                 es->byline), centred, at the top of the first page */
    LAYOUT_LINE_ROW = 256,    /* a table cell set beside the previous line (its row's first
                                 cell): the same baseline, never at the top of a page */
    LAYOUT_LINE_RTL = 512,    /* a line of a right-to-left paragraph (its first strong character,
                                 text_bidi_dir): a line not filled is set flush right (x moved
                                 right), its bidi runs are placed from the right in visual order */
    LAYOUT_LINE_GAPS = 1024   /* justified over its inter-character gaps too (layout_gap_at): a line
                                 with CJK gaps, or with Thai gaps and no spaces. space_extra and
                                 space_rem then apply to its spaces and gaps alike */
};

/* The block numbers of front lines: not blocks of the essay. */
#define LAYOUT_BLOCK_TITLE UINT32_MAX
#define LAYOUT_BLOCK_BYLINE (UINT32_MAX - 1)

/* The mark drawn at the end of a wrapped code line, in the line's role. */
#define LAYOUT_CONT_MARK "\xE2\x86\x92" /* U+2192 RIGHTWARDS ARROW */

/* Beyond this multiple of the normal space a justified line is set ragged instead. */
#define LAYOUT_MAX_STRETCH 3.0
/* A justified paragraph whose best setting still stretches a line's spaces
 * beyond this multiple (a river, on a narrow measure) is set ragged-right
 * as a whole, its lines flagged LAYOUT_LINE_RAGGED (layout_result.ragged_paras). */
#define LAYOUT_RAGGED_ABOVE 2.0
/* Font expansion (pdfTeX's \pdfadjustspacing): a justified line may be drawn
 * up to LAYOUT_EXPAND_MAX per mille wider or narrower, in steps of
 * LAYOUT_EXPAND_STEP (the glyph atlas keeps one set per step in use), as
 * Knuth-Plass chooses with the line's fit. */
#define LAYOUT_EXPAND_MAX 20
#define LAYOUT_EXPAND_STEP 5

/* One typeset line: a byte range of the essay's text, where it goes and how
 * much each space is stretched (or shrunk, if negative). */
typedef struct layout_line {
    uint32_t block;        /* index into essay.blocks (or LAYOUT_BLOCK_TITLE/BYLINE: LAYOUT_LINE_FRONT) */
    uint32_t start, end;   /* byte range [start, end) in essay.text (front lines: in its title or
                              byline), spaces at the ends excluded */
    int32_t x, y;          /* left edge and baseline within the page's text area, 26.6 */
    int32_t width;         /* natural width of the content (with the end hyphen), 26.6 */
    int32_t measure;       /* the width the line is set in (justified lines fill it), 26.6 */
    int32_t space_extra;   /* added to each inter-word space on this line, 26.6, and on a
                              LAYOUT_LINE_GAPS line to each inter-character gap (layout_gap_at:
                              between CJK characters, between Thai character clusters) */
    uint8_t font;          /* enum layout_font */
    int8_t expand;         /* font expansion, per mille (0: none): the line's text is drawn
                              (1000 + expand)/1000 as wide, glyphs and spaces alike, from the
                              pen's start (x - hang_l): every position and width the walks report
                              is scaled so about that point */
    uint16_t flags;        /* enum layout_line_flags */
    uint16_t space_rem;    /* the first space_rem spaces and gaps (in the order the line is
                              walked) get 1 more unit, so that a justified line fills its width
                              exactly: (width + (nspaces + ngaps)*space_extra + space_rem) *
                              (1000 + expand)/1000 = measure + hang_l + hang_r */
    int16_t hang_l, hang_r; /* margin protrusion, 26.6: the text starts hang_l left of x (negative:
                              right of it) and a filled line ends hang_r right of x + measure;
                              a period, comma, hyphen, quote or dash at a line's edge hangs
                              partly into the margin (layout.c: prot_factor) */
} layout_line;

typedef struct layout_page {
    uint32_t first_line, nlines; /* range in layout_result.lines */
    uint32_t text_start;         /* byte offset of the page's first character */
} layout_page;

/* The typeset essay. Owned by the caller; free with layout_free. */
typedef struct layout_result {
    layout_line *lines;
    size_t nlines;
    layout_page *pages;
    size_t npages;
    /* quality, for --layout-stats and tests */
    double max_stretch;     /* largest inter-word space / normal space, over justified lines */
    size_t over_1_5;        /* justified lines with spaces stretched beyond 1.5x */
    size_t hyphenated;      /* lines ending at a (soft) hyphen */
    size_t ragged;          /* non-last lines of justified blocks left ragged (LAYOUT_LINE_RAGGED) */
    size_t justified;       /* non-last lines of justified blocks (the lines max_stretch is over) */
    size_t ragged_paras;    /* justified paragraphs set ragged instead (LAYOUT_RAGGED_ABOVE) */
    /* the pages (issue 13's rules), measured after pagination */
    size_t hyphen_stacks;   /* runs of three or more lines in a row that end in a hyphen */
    size_t hyphen_page_ends; /* pages but the last whose last line ends in a hyphen */
    size_t short_last_page; /* 1 when there are two pages or more and the last has one line */
    int32_t max_blank;      /* the largest empty space at the foot of a page but the last, 26.6 px */
    size_t expanded;        /* lines drawn wider or narrower (layout_line.expand != 0) */
    size_t protruded;       /* lines with a character hanging into a margin */
} layout_result;

/* ---- line-break opportunities, kept per essay --------------------------------- */

/* The break opportunities of an essay's text (text_break.h: UAX #14,
 * libthai's dictionary for Thai, kinsoku), one byte per byte of its text,
 * title and byline, and its language. They depend on the text and its
 * languages only, not on fonts, size or page: the reader makes them once
 * when it opens an essay and lays it out at any size with them
 * (layout_essay_breaks), without breaking the text again. */
typedef struct layout_breaks layout_breaks;

/* Break every block (but separators and code lines) of es, its title and
 * its byline, with breaker tb (borrowed for the call; text_break.h says
 * from which thread), in the essay's language lang[0..lang_len) (a BCP 47
 * tag, the pack entry's; NULL or 0: none) and its spans' languages. The
 * language also settles the base direction of a paragraph with no strong
 * character (text_bidi_hint_for_lang: an Arabic essay's paragraph that is
 * all digits and punctuation is right to left). Returns 0 and *out (owned
 * by the caller: layout_breaks_free; it keeps no pointer into es), or -1
 * with a message (out of memory, Thai text and no dictionary) and *out
 * NULL. */
int layout_breaks_new(layout_breaks **out, const essay *es, const char *lang, size_t lang_len,
                      const text_breaker *tb, lerr *e);
void layout_breaks_free(layout_breaks *bk);
/* The bytes it holds (about the essay's size). */
size_t layout_breaks_bytes(const layout_breaks *bk);
/* Its answer for es->text: one enum text_brk per byte, es->size of them
 * (borrowed from bk). A paragraph over 64 KiB is broken in pieces, cut
 * where the answer cannot depend on the other side, so that the scratch
 * of text_line_breaks stays small: the answer is the same as one call's. */
const uint8_t *layout_breaks_text(const layout_breaks *bk);

/* Is there an inter-character justification gap between the visible code
 * points a and b, adjacent in a word: b is not a combining mark and
 * either is a CJK character (ideographs, kana, bopomofo, CJK punctuation,
 * fullwidth forms; not Hangul, which Korean sets between words), or both
 * are Thai and b starts a character cluster (not a following vowel such as
 * U+0E32, nor after a leading vowel U+0E40..U+0E44). A LAYOUT_LINE_GAPS
 * line spreads its slack over its spaces and these gaps; layout and the
 * walks below count them the same way. */
int layout_gap_at(uint32_t a, uint32_t b);

/* Typeset `es` with metrics `m` and params `p` into *out, with the break
 * opportunities bk made for this very essay (layout_breaks_new; it must
 * have been made from es as it is now). Otherwise as layout_essay. */
int layout_essay_breaks(const essay *es, const layout_breaks *bk, const layout_metrics *m, const layout_params *p,
                        layout_result *out, lerr *e);

/* Typeset `es` with metrics `m` and params `p` into *out. Returns 0, or -1
 * with a message (out of memory, or a page too small for one line); *out is
 * then empty. *out owns its arrays (free with layout_free); it keeps no
 * pointer into es, m or p.
 *
 * Blocks: paragraphs in BODY, justified (p->justify) with the last line
 * ragged; headings in H1..H6 by level, ragged, kept with the next
 * block; list items in BODY, text at x = p->indent (more if the label is
 * wider than the indent less one space) plus p->indent per nesting level
 * beyond the first; quotes in ITALIC, indented p->indent per nesting level
 * on the left and once on the right; separators one centred "* * *" line;
 * code lines in MONO at half the indent, ragged, never hyphenated, broken
 * only where a line is wider than the measure (LAYOUT_LINE_CONT); table
 * rows: when every column's widest cell fits the width (cells three body
 * spaces apart), one line per cell at its column's x (LAYOUT_LINE_ROW
 * beside the row's first), else each cell broken on its own, one under
 * another; a quote's last line that opens with a dash (its "— Name"
 * attribution) is set flush right.
 * Lines break where text_break.h allows (UAX #14, Thai words, kinsoku),
 * chosen by Knuth–Plass; layout keeps its own rules on top: a URL that
 * fits a line is kept whole (TEXT_BRK_URL places only when it does not),
 * a soft hyphen draws a hyphen, no break before an em dash that follows a
 * non-CJK character (its old rule), none after a hyphen or dash that
 * starts a word. A justified line spreads its slack over its spaces and
 * its inter-character gaps (layout_gap_at), so a CJK or Thai line without
 * spaces still reaches the right edge.
 * layout_essay makes the break opportunities itself for each call (a
 * breaker and layout_breaks, no language): use layout_essay_breaks to keep
 * them across re-layouts.
 * Styled runs (the block's spans) are measured in their face (layout_face);
 * spaces in the line's role. A hard line break (U+2028) ends a line, which
 * is set ragged (LAYOUT_LINE_HARD); the break consumes the U+2028.
 * Front: es->title in TITLE and es->byline in BYLINE, ragged and centred,
 * open the first page (LAYOUT_LINE_FRONT), a paragraph space apart and two
 * below them; they are kept with the text that follows. Page 0's
 * text_start is then its first line of essay text (0 when it has none). Indents are
 * clamped to a quarter of the width. Blocks are p->para_space apart (half
 * that between list items, a quarter between table rows, none between
 * the lines of a code block; a heading gets an extra half body line above).
 * Pages: lines fit inside p->height (line top + line_height <= height,
 * baseline y = top + ascent); space before a block is dropped at a page top;
 * no widow or orphan line and no heading at a page end where avoidable.
 * An essay with no blocks gives one page with no lines (text_start 0).
 * Bad input: width or height <= 0, a line height <= 0 or > height: -1. */
int layout_essay(const essay *es, const layout_metrics *m, const layout_params *p,
                 layout_result *out, lerr *e);

void layout_free(layout_result *r);

/* Walk the glyphs of one line exactly as layout measured them, so that the
 * renderer draws what layout counted: calls fn for every visible code point
 * (soft hyphens skipped, the end hyphen and list label included) with its
 * pen position (x at the glyph's origin, baseline y, both 26.6, relative to
 * the text area). Spaces are not reported (nor U+00A0, U+200B and other
 * invisible format characters). Order: the list label first (LABEL lines),
 * then the text left to right, then the end hyphen (HYPHEN lines); a CENTER
 * line reports the '*' glyphs of "* * *". x never decreases within the text
 * (for any font whose kerning never undoes a whole advance).
 * Kerning (m->kern, may be NULL) applies between adjacent visible code
 * points of one word, across soft hyphens, never across a space.
 * With a shaper (m->shape) the positions are those of layout_line_shaped
 * (below): a code point at its segment's pen plus the advances of the
 * glyphs before it, kerning in the advances; the end hyphen, label and
 * marks are reported by their first glyph, with the mark's code point. */
void layout_line_glyphs(const essay *es, const layout_line *ln, const layout_metrics *m,
                        void (*fn)(void *ctx, int font, uint32_t cp, int32_t x, int32_t y),
                        void *ctx);

/* What a placed glyph draws (layout_line_shaped). */
enum layout_placed_what {
    LAYOUT_PLACED_TEXT = 0, /* the line's text */
    LAYOUT_PLACED_LABEL,    /* a list item's label (LAYOUT_LINE_LABEL) */
    LAYOUT_PLACED_HYPHEN,   /* the hyphen of a soft-hyphen break, shaped with the piece before it */
    LAYOUT_PLACED_ORNAMENT, /* the "* * *" of a separator */
    LAYOUT_PLACED_CONT      /* the continuation mark of a wrapped code line */
};

typedef struct layout_placed {
    uint32_t id;      /* glyph id in face `face` (layout_glyph) */
    int32_t face;
    int font;         /* the role it is drawn in (its size and synthetic style) */
    int what;         /* enum layout_placed_what */
    uint32_t off;     /* TEXT: byte offset, in the line's text (layout_line_text), of the first
                         character of its cluster; marks: the offset in the mark's own text */
    int32_t x, y;     /* where it is drawn: the pen plus the glyph's offset; y the baseline minus
                         its raise (26.6, relative to the text area, y downwards) */
    int32_t advance;  /* as shaped, before justification */
} layout_placed;

/* With shaping (m->shape set; nothing happens without it): every glyph
 * line ln draws, as layout measured it: its text shaped segment by segment
 * (see layout.c), spaces with the line's justification, and its marks.
 * Order: the label, then the text in the line's order (each segment's
 * glyphs in visual order, as shaped), the hyphen, the continuation mark;
 * a CENTER line reports the ornament only. layout_line_glyphs,
 * layout_line_walk and layout_line_decor give the same positions: with
 * shaping, a code point's x is its segment's pen plus the advances of the
 * glyphs whose clusters start at code points before it. A line with
 * right-to-left text is walked in the visual order of its bidi runs
 * (text_bidi_reorder of the line's own bytes under its paragraph's base
 * direction, LAYOUT_LINE_RTL): runs left to right on screen, each odd-level
 * run shaped right to left (LAYOUT_SHAPE_RTL) and walked in logical order
 * from its right end, so x decreases within it. */
void layout_line_shaped(const essay *es, const layout_line *ln, const layout_metrics *m,
                        void (*fn)(void *ctx, const layout_placed *g), void *ctx);

/* The page that holds byte offset `pos` of the text (for keeping the reader's
 * sentence on screen after a size change): the last page whose text_start
 * is <= pos (page 0 when pos is before every page). 0 for an empty result. */
size_t layout_page_of(const layout_result *r, uint32_t pos);

/* Byte offset of the first character of the sentence that holds byte `pos`:
 * the start of pos's block, or the first character after the last ". ", "? ",
 * "! " or "… " (closing quotes or brackets may follow the mark; the next
 * sentence must not start with a lower-case ASCII letter) at or before pos.
 * pos in a block's marker bytes or line feed maps to the next block's text.
 * 0 for an essay without blocks. */
uint32_t layout_sentence_start(const essay *es, uint32_t pos);

/* After a re-layout (text or page size change): the page of `now` that holds
 * the sentence the reader was at, i.e. the sentence of the first character of
 * page `old_page` of `old`. Both results must be of the same essay `es`. */
size_t layout_relocate(const essay *es, const layout_result *old, size_t old_page,
                       const layout_result *now);

/* ---- a line described, for --dump-layout and tests --------------------------- */

/* What the break at the end of a line consumed. */
enum layout_end {
    LAYOUT_END_SPACE = 0,   /* a space (U+0020), which is on neither line */
    LAYOUT_END_SOFT_HYPHEN, /* a soft hyphen: the line draws a hyphen (LAYOUT_LINE_HYPHEN) */
    LAYOUT_END_NONE,        /* nothing: after '-', a dash, U+200B, in a URL, a split word, a wrapped code line */
    LAYOUT_END_HARD,        /* a hard line break (U+2028, LAYOUT_LINE_HARD) */
    LAYOUT_END_BLOCK        /* the block's last line (LAYOUT_LINE_LAST) */
};

typedef struct layout_line_info {
    int end;          /* enum layout_end */
    uint32_t nspaces; /* inter-word spaces (U+0020) on the line */
    int32_t space;    /* the natural width of one in the line's font, 26.6 */
    /* TeX's adjustment ratio: the space added to the line's spaces over
     * their total stretch (half a space each, as the line breaker counts
     * it), or when negative the space taken over their total shrink (a
     * third of a space each). 0 for a line set at its natural width
     * (ragged, last lines, lines without spaces). */
    double ratio;
} layout_line_info;

/* The text that line ln's start and end are offsets in: es->text, or for
 * a LAYOUT_LINE_FRONT line es->title or es->byline; *size its length. */
const uint8_t *layout_line_text(const essay *es, const layout_line *ln, size_t *size);

/* Describe line ln of a result of layout_essay(es, m, ...). */
void layout_line_describe(const essay *es, const layout_line *ln, const layout_metrics *m,
                          layout_line_info *out);

/* Walk every code point of the line's text, ln->start..ln->end, spaces and
 * soft hyphens included, with the pen position at which layout puts it and
 * the width it takes there: fn(ctx, off, cp, x, w) with off its byte offset
 * in es->text, x (26.6, relative to the text area; for a visible code point
 * its glyph origin, kerning included, as layout_line_glyphs reports it) and
 * w its advance (a space: with its justification; soft hyphens and
 * invisible characters: 0), font the role it is drawn in (layout_face) and
 * style its span's ESSAY_STYLE_* bits. Not the label, the end hyphen, the
 * continuation mark or "* * *". */
void layout_line_walk(const essay *es, const layout_line *ln, const layout_metrics *m,
                      void (*fn)(void *ctx, uint32_t off, uint32_t cp, int32_t x, int32_t w, int font, int style),
                      void *ctx);

/* The decorations of a line: fn(ctx, style, font, x0, x1, y) once for each
 * stretch of linked text (style ESSAY_STYLE_LINK: the renderer underlines
 * it) and of struck text (ESSAY_STYLE_STRIKE: a line through), from the
 * first glyph's origin to the last glyph's advance (spaces at the ends
 * left out), y the baseline, font the role of its first glyph. */
void layout_line_decor(const essay *es, const layout_line *ln, const layout_metrics *m,
                       void (*fn)(void *ctx, int style, int font, int32_t x0, int32_t x1, int32_t y), void *ctx);

#endif

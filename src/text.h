/* text.h - the text rules, in one place, for the packer (tools/input*) and
 * the reader's core (layout) alike: character classes, sentence
 * boundaries and what a decoder does with bytes that are not UTF-8.
 * Plain C11, no SDL, no allocation, no state. Unicode general categories
 * come from utf8proc.
 *
 * Layers, in the order text flows through them (each later issue fills in
 * one; the names below are where it goes, so that layout and the packer
 * keep asking this module and nobody grows a third copy of a rule):
 *
 *   1. Bytes -> code points: text_scan (at the boundary: classify, refuse
 *      or replace) and text_next (past the boundary: never stalls).
 *   2. Character classes: text_class, text_is_* below.
 *   3. Sentences: text_sentence_end, text_sentence_start.
 *   4. Line-break opportunities (UAX #14): src/text_break.h, over
 *      libunibreak and libthai (Thai words), with the product's own rules
 *      (strict kinsoku, spaces, URLs): one value per byte, "a line may
 *      start before this byte". Layout walks that result (made once per
 *      essay, layout_breaks) and keeps its own choices on top: a URL
 *      whole when it fits, the drawn hyphen of a soft hyphen.
 *   5. Direction (UAX #9): src/text_bidi.h, over FriBidi: a paragraph's
 *      base direction and levels, and each line's runs in visual order, in
 *      logical byte offsets, so that layout keeps measuring in logical
 *      order and only the renderer (and --dump-layout) reorders.
 *
 * The bad-UTF-8 policy, for the whole program:
 *   - At the boundary (a file the packer reads, a manifest value, a pack's
 *     strings and essay text when the reader opens it) bad bytes are
 *     found with text_scan / utf8_valid and refused with the byte offset,
 *     or, under the packer's --lossy, replaced by one U+FFFD per bad byte.
 *   - Past the boundary text is valid UTF-8. A decoder that still meets a
 *     bad byte (a hand-built essay in a test, a fuzzer) uses text_next:
 *     one bad byte reads as U+FFFD and is skipped, so no loop stalls and
 *     nothing is read out of bounds. Nobody skips bad bytes silently or
 *     reads them as Latin-1. */
#ifndef LECTERN_TEXT_H
#define LECTERN_TEXT_H

#include <stddef.h>
#include <stdint.h>

#define TEXT_REPLACEMENT 0xFFFDu /* U+FFFD REPLACEMENT CHARACTER */

/* ---- 1. bytes to code points ----------------------------------------------- */

/* Decode one code point of s[0..n), n >= 1. Returns the bytes consumed
 * (1..4); a bad, overlong, surrogate or truncated sequence gives
 * *cp = TEXT_REPLACEMENT and consumes 1 byte. Never reads past s+n. */
size_t text_next(const uint8_t *s, size_t n, uint32_t *cp);

/* What text_scan found. */
enum text_bad {
    TEXT_OK = 0,    /* a character of text (tab, LF, CR and form feed included) */
    TEXT_BAD_UTF8,  /* not UTF-8: *cp is the byte, 1 consumed */
    TEXT_BAD_NUL,   /* U+0000 */
    TEXT_BAD_CTRL   /* another C0 control, DEL, or a C1 control (U+0080..U+009F:
                       mojibake, not text) */
};

/* Decode one code point of s[0..n), n >= 1, for a file at the boundary:
 * returns the bytes consumed and sets *cp and *bad (enum text_bad). */
size_t text_scan(const uint8_t *s, size_t n, uint32_t *cp, int *bad);

/* ---- 2. character classes -------------------------------------------------- */

/* How layout treats a code point. */
enum text_class {
    TEXT_VISIBLE = 0, /* drawn, measured */
    TEXT_SPACE,       /* U+0020: stretches and shrinks, a break */
    TEXT_NBSP,        /* U+00A0, U+202F: fixed width, no break */
    TEXT_SHY,         /* U+00AD: invisible, a break that draws a hyphen */
    TEXT_ZWSP,        /* U+200B: invisible, a break */
    TEXT_INVISIBLE    /* U+200C/D, U+2060, U+FEFF, U+FE00..U+FE0F: no width, no break */
};
int text_class(uint32_t c);

int text_is_letter(uint32_t c);    /* general category L* */
int text_is_lower(uint32_t c);     /* Ll */
int text_is_upperish(uint32_t c);  /* a letter that is not lowercase: can start a name or a sentence */
int text_is_word_char(uint32_t c); /* L*, M*, N*: part of a word when words are counted */
int text_is_mark(uint32_t c);      /* M*: a combining mark, never split from its letter */
int text_is_white(uint32_t c);     /* U+0020 or any Zs: folded to one space by the packer */
int text_is_nbsp(uint32_t c);      /* U+00A0, U+2007, U+202F: whitespace that must not break */
int text_is_dash(uint32_t c);      /* U+2013 en dash, U+2014 em dash */

/* No line may start with these: ) ] } . , ; : ! ? % ” ’ … » › ‰ ° ′ ″ and
 * the CJK full stop, comma and closing bracket. */
int text_no_line_start(uint32_t c);
/* No line may end with these: ( [ { “ ‘ « ‹ „ ‚ ¿ ¡ */
int text_no_line_end(uint32_t c);
/* The same in context, for ASCII quotes, which open after a space (or at
 * the start, or after an opening mark) and close anywhere else: is
 * cp[k] closing / opening? cp is the block's code points. */
int text_closing_at(const uint32_t *cp, size_t k);
int text_opening_at(const uint32_t *cp, size_t k);

/* ---- 3. sentences ------------------------------------------------------------ */

int text_is_stop(uint32_t c);   /* . ! ? … and 。！？． end a sentence */
int text_is_closer(uint32_t c); /* " ' ) ] ” ’ » 」』】〕） may follow the stop inside the sentence */
int text_is_opener(uint32_t c); /* " ' ( [ “ ‘ « 「『【〔（ may open the next one */

/* When does the text after a stop start a new sentence? One rule, two
 * strictnesses, because a wrong answer costs different things:
 *   TEXT_SENTENCE_TITLE: the packer cutting a title from the first
 *     sentence, or deciding that a line is not a title: the next word must
 *     start with an uppercase (or caseless) letter, a digit or an opener,
 *     so "e.g. this" and "3 p.m. and" do not end a sentence.
 *   TEXT_SENTENCE_READER: the reader keeping its sentence on screen after
 *     a re-layout: anything but an ASCII lowercase letter starts one
 *     (a wrong start costs at most a page turn back). */
enum text_sentence_rule { TEXT_SENTENCE_READER = 0, TEXT_SENTENCE_TITLE = 1 };

/* Does a sentence end at s[i] (a stop)? A sentence ends after a stop, any
 * further stops and closers, and then either the end of s[0..n), or one
 * U+0020 followed by a character that starts a sentence under `rule`, or,
 * when one of the stops is a Chinese or Japanese one (。！？．), anything
 * at all: those need no space and the script has no case.
 * Returns the end (the offset just past the last stop or closer; n at the
 * end of the text), or 0 if no sentence ends here (s[i] not a stop
 * included). *past, if given, always gets the offset past the stops and
 * closers, so a caller scanning "......" does not rescan the run. */
size_t text_sentence_end(const uint8_t *s, size_t n, size_t i, int rule, size_t *past);

/* Byte offset of the start of the sentence that holds s[pos] within one
 * block s[0..n) (pos < n): 0, or the offset just after the space (or,
 * after 。 with none, just after the stop and closers) of the last sentence
 * end (text_sentence_end) whose next sentence starts at or
 * before pos. */
size_t text_sentence_start(const uint8_t *s, size_t n, size_t pos, int rule);

/* The CJK face a language wants, as Noto CJK names its faces: " JP" for
 * ja, " KR" for ko, " SC" for zh (zh-Hans, zh-CN, zh-SG), " TC" for
 * zh-Hant and zh-TW, " HK" for zh-HK; "" for any other language and for
 * NULL. lang is a NUL-terminated BCP-47 tag. The packer embeds a face per
 * tag its essays use; the reader puts the face of the essay's tag first. */
const char *text_cjk_tag(const char *lang);

/* Whether c is of a script that a CJK face draws and whose shapes differ
 * by language (Han, Hiragana, Katakana, Hangul, Bopomofo, their
 * punctuation U+3000..U+303F and the fullwidth forms U+FF00..U+FFEF). */
int text_is_cjk(uint32_t c);

#endif

/* text_break.h - line-break opportunities of one paragraph (text.h's layer
 * 4): UAX #14 from libunibreak, Thai word breaks from libthai, the CJK
 * kinsoku rules and the product's own rules, as one value per input byte.
 * Plain C11, no SDL. Knuth–Plass (layout) walks the result instead of
 * finding breaks itself.
 *
 * Where each rule comes from:
 *   - UAX #14 pair rules: libunibreak (set_linebreaks_utf32), with the
 *     language of each range (libunibreak tailors quotation marks for zh,
 *     ja and ko: “ ” are opening/closing there, ambiguous elsewhere).
 *   - Thai (U+0E01..U+0E5B): libthai's dictionary (th_brk_wc_find_breaks)
 *     on each run of Thai characters, whatever the range's language tag
 *     says (a Thai word in an English essay is still Thai). Inside the run
 *     libthai's word boundaries replace UAX #14's (which has none: SA).
 *   - Lao, Khmer, Myanmar and the rest of the SA class: libthai does Thai
 *     only and no other dictionary is in Debian's core libraries, so they
 *     get libunibreak's default (SA resolved to AL): a break at spaces and
 *     none inside a run of letters. A long Lao line overflows rather than
 *     breaking inside a word; layout's split_long still splits it.
 *   - Kinsoku. Closing punctuation (。，、」』）〕！？…) never starts a line
 *     and opening punctuation (「『（〔…) never ends one: libunibreak's CL,
 *     CP, EX, NS and OP classes already do this, checked in tests. Small
 *     kana and the prolonged sound mark (ぁ ゃ ッ ー…, class CJ) are resolved
 *     to NS, UAX #14's default ("strict", what Japanese typesetting calls
 *     the strict rule): no line starts with them. libunibreak 1.1 resolves
 *     CJ to ID ("loose") and breaks before them; TEXT_BREAK_LOOSE asks for
 *     that instead. Strict is the default for every language, "ja"
 *     included; the flag is per call, not per language range.
 *   - Product rules, kept from layout.c so this output can replace its
 *     break code (see "Differences from layout.c" below):
 *       U+00AD soft hyphen: a break after it (the line draws a hyphen);
 *       U+2028: a mandatory break after it (and after LF, U+2029, FF, VT,
 *         CR not followed by LF: UAX #14 BK/CR/LF/NL);
 *       U+00A0, U+202F, U+2060, U+FEFF: never a break on either side;
 *       U+200B: a break after it;
 *       at a space (U+0020): no break when the next character cannot
 *         start a line (text_closing_at: ) ] } . , ; : ! ? % ” ’ … » and a
 *         closing ASCII quote) or the character before the spaces cannot
 *         end one (text_opening_at: ( [ { “ ‘ « „ ¿ ¡ and an opening
 *         quote). UAX #14 allows "100 |%", "a |… b" and "« |mot |»";
 *       URLs: see TEXT_BRK_URL.
 *   - Fixes to libunibreak 1.1 (Debian 12's, UAX #14 of Unicode 6.x):
 *       regional indicators (flags) make it abort (an assert on class RI,
 *         which its pair table lacks): they are classed as ideographs
 *         before the call, and pairs are kept together here (LB30a);
 *       U+FFFF (a noncharacter, which UTF-8 validation lets through) is its
 *         end-of-string marker: in the text it aborts too, so it is handed
 *         over as U+FFFE (the same class, XX);
 *       no break after U+200D ZERO WIDTH JOINER (LB8a) nor before an emoji
 *         modifier U+1F3FB..U+1F3FF (LB30b), so emoji sequences hold;
 *       no break after a hyphen that starts a word ("-abc", LB20.1 of
 *         Unicode 15.1; layout already refused it);
 *       CJ resolved to NS (above).
 *
 * Layout (layout.c, build_cands) walks this output since issue 12
 * (layout_breaks_new makes it once per essay); it keeps its URL_WHOLE /
 * URL_BREAK choice, the hyphen drawn at a soft hyphen, and its old rule
 * at an em dash (no break before one that follows a non-CJK character).
 * How this output differs from layout.c's own break code before that:
 *   - After '-': the same (a break after it, none after a hyphen that
 *     starts a word, none between two), except before a digit: UAX #14
 *     keeps "x-5" and "3-4" whole (LB25), layout breaks them.
 *   - Em dash U+2014 (UAX #14 B2): a break before it as well as after;
 *     layout breaks only after. En dash U+2013 (BA): after only, as layout.
 *     Layout that wants its old rule ignores a TEXT_BRK_ALLOW before an
 *     em dash that follows a letter.
 *   - Breaks UAX #14 adds that layout never had: after '/' ("and/|or"),
 *     between ideographs and kana, before and after CJK brackets, between
 *     Hangul syllables (UAX #14's default for Korean; keep-all is not
 *     applied).
 *   - URLs: layout decides whether the URL fits (it measures); this module
 *     only marks the URL's places with TEXT_BRK_URL, so layout keeps its
 *     URL_WHOLE / URL_BREAK choice with no url_mode scan of its own. The
 *     URL is found as url_mode finds it (a word between U+0020s that
 *     starts with "www." after any opening marks, or holds "://"), but it
 *     runs from "www." or the scheme's first letter to the end of the word
 *     or the first character from U+2E80 up (CJK, kana, Hangul, fullwidth
 *     forms), where url_mode takes the whole word: Japanese written
 *     against a URL keeps its own breaks.
 *
 * Thread use: libunibreak's init_linebreak() builds a lookup index inside
 * the library (a static table in 1.1, whose property tables are not even
 * declared const; later versions make the tables static const). text_breaker_new calls it every time; it
 * writes the same values each time, so calling it twice is harmless, but
 * two threads calling it at once is a data race by the letter of C11.
 * Create breakers from one thread (main, before it starts others). A
 * breaker holds libthai's dictionary once Thai has been met: use one
 * breaker from one thread at a time (it keeps nothing else between calls;
 * each call allocates its own scratch and frees it). */
#ifndef LECTERN_TEXT_BREAK_H
#define LECTERN_TEXT_BREAK_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

/* What text_line_breaks writes for each byte: may a line start here? */
enum text_brk {
    TEXT_BRK_NONE = 0,  /* no: inside a word, or a byte inside a character */
    TEXT_BRK_ALLOW = 1, /* yes, if layout chooses (after a space, a hyphen,
                           a soft hyphen, U+200B, between ideographs or Thai words) */
    TEXT_BRK_MUST = 2,  /* yes, always: the byte follows U+2028, LF, U+2029, FF, VT or CR */
    TEXT_BRK_URL = 3    /* only inside a URL that does not fit on one line:
                           after '/', '.' or '-' (not doubled, not before a
                           closing mark), as layout's URL_BREAK. Every other
                           place inside the URL is TEXT_BRK_NONE */
};

/* The language of bytes [start, end) of the paragraph, a BCP-47 tag
 * ("en", "th", "ja", "zh-Hans"). The tag is tag_len bytes, need not be
 * NUL-terminated (so essay_lang's off/len into the essay's buffer serve as
 * they are), and is borrowed for the call. Tags are compared without
 * regard to case. */
typedef struct text_lang_run {
    uint32_t start, end;
    const char *tag;
    uint32_t tag_len;
} text_lang_run;

/* Flags of text_line_breaks. */
#define TEXT_BREAK_LOOSE 0x01 /* break before small kana and ー (CJ as ID), see above */

typedef struct text_breaker text_breaker;

/* Make a breaker: calls init_linebreak() (see "Thread use"). libthai's
 * dictionary (th_brk_new(NULL), tens of milliseconds on a Pi) is not
 * loaded here but by the first text_line_breaks call that meets a run of
 * Thai, and kept until text_breaker_free: text without Thai never loads
 * it. Returns 0 and *out (owned by the caller: text_breaker_free), or -1
 * with a message (out of memory) and *out = NULL. */
int text_breaker_new(text_breaker **out, lerr *e);

/* 1 once b has loaded libthai's dictionary (a paragraph with Thai was
 * broken), else 0: for tests and the start-up account. */
int text_breaker_thai_loaded(const text_breaker *b);

/* Free a breaker (NULL is fine). */
void text_breaker_free(text_breaker *b);

/* Fill brk[0..n) for the paragraph s[0..n): brk[i] says whether a line may
 * start at byte i (enum text_brk). brk[0] is always TEXT_BRK_NONE (the
 * paragraph's start is not a break), and so is every byte that is not the
 * first byte of a character. The end of the paragraph is a break that is
 * not written (there is no brk[n]). A break before byte i that follows
 * spaces leaves the spaces on the line before it: layout hangs or drops
 * them.
 *
 * Language: byte i has the tag of the run that holds it, base_lang (a
 * NUL-terminated tag, or NULL for none) when no run does; a break before
 * byte i follows byte i's language. runs[0..nruns) must lie within
 * [0, n), with start < end; they may come in any order, and where they
 * overlap the later one wins. flags: TEXT_BREAK_* bits.
 *
 * Bad UTF-8 (which the pack refuses; this is for a hand-built essay or a
 * fuzzer): each bad byte reads as one U+FFFD (text_next), so brk has a
 * value for it, and nothing is read outside s[0..n) or written outside
 * brk[0..n).
 *
 * The answer depends on the text, the languages and the flags only, not
 * on fonts or the width: layout can compute it once per block when the
 * essay is opened and keep it (one byte per byte of text) across
 * re-layouts, rather than pay for libunibreak on every re-layout.
 *
 * The first call that meets Thai loads libthai's dictionary into b (the
 * breaker is const for the caller: its answers do not change, but two
 * threads must not share it, see "Thread use").
 *
 * Returns 0, or -1 with a message (a run out of bounds, n over 2^31 - 1
 * bytes, out of memory, Thai text and no dictionary); brk is then all
 * TEXT_BRK_NONE. n == 0 is fine
 * (nothing is written; s and brk may be NULL). */
int text_line_breaks(const text_breaker *b, const uint8_t *s, size_t n, const char *base_lang,
                     const text_lang_run *runs, size_t nruns, unsigned flags, uint8_t *brk, lerr *e);

#endif

/* hyph.h - hyphenation on the host: insert U+00AD SOFT HYPHEN at the break
 * points Liang's patterns give (libhyphen with Debian's hyphen-* pattern
 * files), so that the device only has to honour soft hyphens.
 *
 * Minimums: two letters before a break, three after (more if the pattern
 * file asks for more). Left alone: words with a digit, words with a capital
 * after their first letter (DeepSeek, NVDA), words that already contain a
 * hyphen or soft hyphen, words under five letters, and in running text
 * (hyph_text) URLs, e-mail addresses and dotted names (example.com).
 *
 * A hyph is not thread-safe; use one per thread. */
#ifndef LECTERN_HYPH_H
#define LECTERN_HYPH_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

typedef struct hyph hyph;

/* Directory searched for pattern files named by language. */
#define HYPH_DIR "/usr/share/hyphen"

/* Open the patterns for `lang`: a BCP 47-ish tag ("en-US", "en_US", "de",
 * "en-Latn-US"), or a path to a .dic file (anything containing '/' or ending
 * in ".dic"). NULL or "" means "en-US". A tag looks for
 * HYPH_DIR/hyph_<ll>_<CC>.dic, then hyph_<ll>.dic. Pattern files must be
 * UTF-8 or ISO8859-1.
 * Returns 0 and *out (free with hyph_close), or -1 with a message that
 * names every file tried. */
int hyph_open(hyph **out, const char *lang, lerr *e);

/* Free h. NULL is fine. */
void hyph_close(hyph *h);

/* The canonical tag of the patterns ("en-US"; for a .dic path, the tag its
 * name implies, e.g. hyph_de_CH.dic -> "de-CH", or "und"), and the file
 * they came from. Owned by h. */
const char *hyph_lang(const hyph *h);
const char *hyph_path(const hyph *h);

/* Canonical BCP 47 spelling of `lang` into out[0..cap): "en_us" -> "en-US",
 * "zh_hant_tw" -> "zh-Hant-TW"; a .dic path gives the tag of its file name.
 * Returns 0, or -1 if lang is not a plausible tag (out is then "und"). */
int hyph_lang_tag(const char *lang, char *out, size_t cap);

/* For a language whose patterns are missing: the Debian package that has
 * them ("es" and "es-MX" -> "hyphen-es", "en-GB" -> "hyphen-en-gb", "en"
 * -> "hyphen-en-us", "nb" -> "hyphen-no"), or NULL when Debian has none;
 * and the language's English name ("Spanish"), or NULL. tag: canonical,
 * as hyph_lang_tag gives it. Static strings. */
const char *hyph_debian_package(const char *tag);
const char *hyph_language_name(const char *tag);

/* Hyphenate one word w[0..n) (UTF-8, NFC, no spaces), writing it with soft
 * hyphens inserted to out, which must have room for 3*n bytes. Words the
 * rules above leave alone are copied unchanged. In a word with an
 * apostrophe (' or ’), only the part before it is hyphenated
 * ("company’s" -> "com\u00ADpany’s"). Returns the bytes written. */
size_t hyph_word(hyph *h, const uint8_t *w, size_t n, uint8_t *out);

/* Hyphenate running text s[0..n) (valid UTF-8, one block, no LF) into out,
 * which must have room for 3*n bytes: every word as hyph_word, skipping
 * whitespace-separated chunks that look like a URL ("://", "www."), an
 * e-mail address or a dotted name. Returns the bytes written. Linear in n. */
size_t hyph_text(hyph *h, const uint8_t *s, size_t n, uint8_t *out);

#endif

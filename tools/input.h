/* input.h - the input side of lectern-pack: .txt and .md essay files in, the
 * pack's "Essay text" (src/pack_format.md) out, normalised, structured and
 * hyphenated, with a title, an optional byline and a language.
 *
 * Text: UTF-8 only. A BOM is dropped; CRLF and CR become LF; U+2028/U+2029
 * end a line too. NFC via utf8proc. Tabs, form feeds and Unicode spaces are
 * whitespace; a run of whitespace becomes one space (one U+00A0 if the run
 * holds a no-break space); lines are trimmed. Invalid UTF-8, NUL, other C0
 * and C1 controls and DEL are refused with file, line and byte offset, or
 * with `lossy` replaced by U+FFFD and counted. A file that is more than a
 * quarter bad bytes in its first 64 KiB, or starts with a UTF-16 BOM, is
 * refused as binary even with `lossy`. An empty file, or one with no text
 * besides a title, is refused.
 *
 * Blocks in .txt (any extension but .md/.markdown, case-insensitive),
 * every non-blank line a block of its own:
 *   "# " .. "###### "                 heading (closing #s dropped)
 *   "• ", "- ", "* ", "1. ".."123456789. "   list item
 *   ">" (repeated: nesting flattened)   block quote
 *   "[...]", "[…]", "...", "…", "***", "---", "___", "* * *" alone on a line
 *                                       separator; leading, trailing and
 *                                       repeated separators are dropped
 * Markdown (.md, .markdown) is CommonMark with GitHub's tables and
 * strikethrough, parsed by md4c: see input_md.c for what each construct
 * becomes (nested lists and quotes keep their depth, code blocks their
 * lines, links their URLs as end notes, images their alt text, inline
 * styles go to the style section of pack_format.md).
 *
 * Title, the first of:
 *   1. front matter: the file starts with "---", ends it with "---" or
 *      "...", holds only "key: value", "- item" and "#" lines, and sets
 *      title, author/byline or lang. Other keys (date, tags) are ignored.
 *   2. the first block, if it is a heading (then removed from the text; with
 *      a front-matter title, removed only if it repeats it).
 *   3. the first block, if it is a paragraph that reads like a title and
 *      more text follows: at most 100 characters, holds a letter, does not
 *      end in . : ; , or …, and no sentence ends inside it (". X"). It is
 *      removed from the text.
 *   4. else the first sentence of the first block, whole if at most 80
 *      characters (a final '.' dropped), else cut at a word boundary to at
 *      most 80 characters ending in "…"; the text keeps it all.
 * Titles from 1 and 2 are cut the same way at 200 characters.
 * Byline: front matter author/byline; else, after a title of kind 2 or 3,
 * a next paragraph "By Name ..." / "by Name ..." (at most 100 characters,
 * Name not starting lowercase, no closing '.', more text after it) gives
 * "Name ..." and is removed.
 * Language: the manifest's entry, else front matter lang, else the
 * manifest's [defaults], else opts->lang, else "en-US".
 *
 * Manifest: an optional manifest.ini (libinih) in a folder:
 *   [defaults]           optional; keys: lang, smart_quotes
 *   [file name.txt]      one section per file, in the wanted order;
 *   title = ...          keys: title, byline, lang, smart_quotes (all optional)
 *   smart_quotes = no    (also in [defaults]) keep straight quotes, "--" and
 *                        "..." as typed; "yes" (the default) makes them
 *                        typographic by the essay's language (input_smart.c)
 * Listed files come first, in manifest order, then the folder's other
 * essays by name. A section naming a missing file, a repeated section or
 * key, an unknown key or a key outside a section is an error naming the
 * manifest line. Lines are limited to libinih's 200 bytes; " ;" starts a
 * comment. Manifest values override what the file says.
 *
 * Everything is deterministic: no locale, no time, byte-wise name order. */
#ifndef LECTERN_INPUT_H
#define LECTERN_INPUT_H

#include <stddef.h>
#include <stdint.h>

#include "hyph.h"
#include "util.h"

/* Largest essay file accepted, and largest essay text produced (the pack's
 * block limit). */
#define INPUT_MAX_FILE (128u << 20)
#define INPUT_MAX_TEXT (256u << 20)

typedef struct input_opts {
    const char *lang; /* default language or .dic path; NULL = "en-US" */
    int lossy;        /* replace invalid UTF-8 / NUL / control chars by U+FFFD and count them, instead of refusing */
    int follow_symlinks; /* take symbolic links in a folder that point out of it (refused by default) */
    int no_smart;        /* keep straight quotes, "--" and "..." (a manifest's smart_quotes wins) */
} input_opts;

typedef struct input_essay {
    char *path;                  /* source file (owned) */
    char *title, *byline, *lang; /* owned, NUL-terminated UTF-8 (NFC, no controls); byline may be "" */
    uint8_t *text;               /* owned; exactly the pack's essay entry: "Essay text", hyphenated, then the
                                    style section if the essay has styled text; */
    size_t size;                 /* never empty (size > 0), ends in LF */
    uint32_t words;              /* runs of letters/digits ("don’t" is one) in the text */
    size_t replaced;             /* U+FFFD substitutions made under lossy */
    char *notes;                 /* owned, NULL if none: what the packer should tell the user
                                    about this essay, one note a line ("images are not shown: a.png") */
} input_essay;

/* Parse the raw bytes of one file. `name` is used in messages, as out->path,
 * and to tell .md (".md", ".markdown") from plain text. o may be NULL
 * (defaults). h hyphenates the text whatever its language says; NULL means
 * no hyphenation. No file I/O, no global state: safe to fuzz.
 * Returns 0 with *out filled (free with input_essay_free), or -1 with a
 * message "NAME:LINE: byte offset N: ..." or "NAME: ..." and *out zeroed. */
int input_parse(const uint8_t *bytes, size_t n, const char *name, const input_opts *o, hyph *h,
                input_essay *out, lerr *e);

/* Read args[0..nargs): files (any extension; .md/.markdown are Markdown)
 * and folders (their *.txt and *.md files, hidden files skipped, in
 * manifest order then by name byte-wise). Opens one hyph per language and
 * keeps it for every essay in that language.
 * Files are hostile: every file is opened non-blocking and read only if
 * fstat says it is a regular file, so a FIFO or device never hangs the
 * packer. In a folder, an essay name (or manifest.ini) that is a named
 * pipe, a device or a socket is refused by name without being opened; a
 * symbolic link whose target lies outside the folder is refused by name
 * unless o->follow_symlinks (a link inside the folder is followed, and the
 * resolved file is opened with O_NOFOLLOW); a folder named like an essay
 * is skipped.
 * Returns 0 with *out, an array of *n essays in pack order (free with
 * input_essays_free), or -1 with a message naming the file: no arguments,
 * a folder without essays, a missing or unreadable file, a bad manifest,
 * patterns not found, or any input_parse error. */
int input_collect(char *const *args, size_t nargs, const input_opts *o, input_essay **out, size_t *n,
                  lerr *e);

/* Free what an essay owns and zero it. Safe on a zeroed essay. */
void input_essay_free(input_essay *es);

/* Free v[0..n) and v itself. NULL is fine. */
void input_essays_free(input_essay *v, size_t n);

/* Remove every U+00AD SOFT HYPHEN from s[0..n) in place (for
 * `lectern-pack cat` without --show-hyphens). Returns the new length. */
size_t input_strip_soft_hyphens(uint8_t *s, size_t n);

#endif

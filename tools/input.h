/* input.h - the input side of lectern-pack: .txt and .md essay files in, the
 * pack's "Essay text" (src/pack_format.md) out, normalised, structured and
 * hyphenated, with a title, an optional byline and a language.
 *
 * Text: UTF-8, or Windows-1252 converted to UTF-8: a file that is not
 * valid UTF-8, has none of the five bytes Windows-1252 leaves undefined
 * (0x81 0x8D 0x8F 0x90 0x9D), holds no valid multi-byte UTF-8 sequence (two
 * encodings mixed are refused, not guessed) and has no more high bytes
 * than ASCII letters (Western European text) is read as
 * Windows-1252, and the essay says so (input_essay.encoding, and a note).
 * input_extra.encoding forces UTF-8, Windows-1252 or Latin-1 instead.
 * A BOM means UTF-8 and is dropped; CRLF and CR become LF; U+2028/U+2029
 * end a line too. NFC via utf8proc. Tabs, form feeds and Unicode spaces are
 * whitespace; a run of whitespace becomes one space (one U+00A0 if the run
 * holds a no-break space); lines are trimmed. Bytes that are not text in
 * the file's encoding, NUL, other C0 and C1 controls and DEL are refused
 * with file, line and byte offset, or with `lossy` replaced by U+FFFD and
 * counted; the message suggests --lossy only for a stray bad byte or control
 * character, never for a NUL. A PDF, Word (.doc, .docx), LibreOffice (.odt)
 * or RTF file (known by its first bytes), a file with a UTF-16 BOM, and a
 * file whose first 64 KiB have many NUL or control bytes (at least 4 and
 * over 1 in 16) or are more than a quarter bad bytes (when it cannot be
 * Windows-1252) is refused as "not a text file" even with `lossy`. An empty
 * file, or one with no text besides a title, is refused (input_collect skips
 * it with a note).
 *
 * Blocks in .txt (any extension but .md/.markdown, case-insensitive),
 * every non-blank line a block of its own, unless the text is hard-wrapped
 * (input_txt_wrapped: blank lines between paragraphs, lines mostly under 80
 * characters and filling the width): then the lines of a paragraph are
 * joined with a space into one block, each list item and quote keeps the
 * lines that follow it, and the essay gets a note saying so. The line
 * rules:
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

/* Text encodings (input_extra.encoding, input_essay.encoding). */
enum { INPUT_ENC_AUTO = 0, INPUT_ENC_UTF8, INPUT_ENC_CP1252, INPUT_ENC_LATIN1 };

/* Most problems input_collect_ex reports one by one; then one more line
 * says how many more there were. */
#define INPUT_MAX_PROBLEMS 50

/* What input_parse_ex and input_collect_ex take besides input_opts. May be
 * NULL (all zero). */
typedef struct input_extra {
    int encoding; /* INPUT_ENC_*: AUTO reads UTF-8, or Windows-1252 as above */
    /* Every problem (an essay that cannot be packed, with file, line and
     * byte offset), in the order found: the first INPUT_MAX_PROBLEMS, then
     * one "and N more problems". NULL: only the first, in the lerr. */
    void (*problem)(void *ctx, const char *msg);
    /* Everything else worth saying, one sentence a call, naming the file:
     * a file or folder skipped and why, an empty essay skipped, an encoding
     * converted, lines joined, hyphenation patterns missing, images not
     * shown. May be NULL. */
    void (*note)(void *ctx, const char *msg);
    void *ctx;
} input_extra;

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
    int encoding;                /* INPUT_ENC_UTF8, _CP1252 or _LATIN1: what the file was read as */
    int joined;                  /* .txt: hard-wrapped lines were joined into paragraphs */
} input_essay;

/* Parse the raw bytes of one file. `name` is used in messages, as out->path,
 * and to tell .md (".md", ".markdown") from plain text. o may be NULL
 * (defaults). h hyphenates the text whatever its language says; NULL means
 * no hyphenation. No file I/O, no global state: safe to fuzz.
 * Returns 0 with *out filled (free with input_essay_free), or -1 with a
 * message "NAME:LINE: byte offset N: ..." or "NAME: ..." and *out zeroed. */
int input_parse(const uint8_t *bytes, size_t n, const char *name, const input_opts *o, hyph *h,
                input_essay *out, lerr *e);
/* The same, with x->encoding (x may be NULL). */
int input_parse_ex(const uint8_t *bytes, size_t n, const char *name, const input_opts *o, const input_extra *x,
                   hyph *h, input_essay *out, lerr *e);

/* "utf-8", "windows-1252", "latin-1" (and cp1252, iso-8859-1, utf8; any
 * case) -> INPUT_ENC_*, or -1. */
int input_encoding_parse(const char *s);
/* INPUT_ENC_* in words: "UTF-8", "Windows-1252", "Latin-1 (ISO 8859-1)". */
const char *input_encoding_name(int enc);

/* Read args[0..nargs): files (any extension; .md/.markdown are Markdown)
 * and folders (their *.txt, *.md and *.markdown files, hidden files skipped,
 * in manifest order then by name byte-wise). Opens one hyph per language and
 * keeps it for every essay in that language; a language with no patterns
 * installed is packed unhyphenated, with a note naming the Debian package
 * and where the language was set (a .dic path that cannot be read is a
 * problem).
 * A folder's other files are skipped, each with a note that says why (a
 * Word, LibreOffice or PDF file: "save it as Plain Text (UTF-8) or
 * Markdown"); so are the folders inside it: only the essays directly in a
 * folder are packed (give a subfolder as another argument to pack it too).
 * An empty essay is skipped with a note. Every problem is found in one run:
 * the walk goes on after one, and reports each (input_extra.problem).
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
/* The same, with x's encoding, problem and note callbacks (x may be NULL).
 * Each essay's notes are given to x->note as it is read, "PATH: note".
 * Returns -1 when there was any problem ("N problems found; nothing was
 * packed" when x->problem has had them, else the first problem), or when
 * nothing was left to pack. */
int input_collect_ex(char *const *args, size_t nargs, const input_opts *o, const input_extra *x,
                     input_essay **out, size_t *n, lerr *e);

/* Free what an essay owns and zero it. Safe on a zeroed essay. */
void input_essay_free(input_essay *es);

/* Free v[0..n) and v itself. NULL is fine. */
void input_essays_free(input_essay *v, size_t n);

/* Remove every U+00AD SOFT HYPHEN from s[0..n) in place (for
 * `lectern-pack cat` without --show-hyphens). Returns the new length. */
size_t input_strip_soft_hyphens(uint8_t *s, size_t n);

#endif

/* input_int.h - how the parts of the packer's input side fit together.
 * Only tools/input*.c include this; everyone else uses input.h.
 *
 *   input.c          the pipeline for one file (input_parse_core) and the
 *                    public frees; small string helpers
 *   input_decode.c   stage 1-3: bytes -> UTF-8 text (the bad-UTF-8 policy
 *                    of text.h at the boundary), NFC, whitespace folding
 *   input_blocks.c   stage 4: folded lines -> a doc of blocks (the .txt and
 *                    .md block rules)
 *   input_title.c    front matter, title, byline, word count
 *   input_manifest.c manifest.ini (libinih)
 *   input_walk.c     files and folders: reading, listing, symlink and
 *                    file-type checks, the manifest order, input_collect
 *
 * Dependencies (calls), with no cycle: input_walk -> input_manifest and
 * input (parse_core); input -> input_decode, input_blocks, input_title;
 * input_title and input_manifest -> input_decode (whitespace folding);
 * all -> input.c's string helpers and text.h (character classes,
 * sentences, decoding). Only input_walk does file I/O; only input_walk
 * and input_manifest's caller know about folders.
 *
 * Memory: every function that returns a pointer hands it over (free it);
 * docs, fronts and manifests own their contents (free with the matching
 * _free / free of their bufs, as input_parse_core does). */
#ifndef LECTERN_INPUT_INT_H
#define LECTERN_INPUT_INT_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "hyph.h"
#include "input.h"
#include "text.h"
#include "util.h"

/* Decode at s[i] of valid text (text.h's policy: a stray bad byte reads
 * as U+FFFD). i < n. */
static inline size_t dec(const uint8_t *s, size_t n, size_t i, uint32_t *c) { return text_next(s + i, n - i, c); }

/* ---- input.c: helpers ---------------------------------------------------- */

char *input_buf_cstr(buf *b); /* hand over b's bytes as a NUL-terminated string; b is emptied */
char *input_strdup(const char *s);
char *input_memdup(const uint8_t *s, size_t n); /* s[0..n) + NUL */
int input_has_suffix_ci(const char *s, const char *suf); /* suf in lowercase ASCII */
int input_is_markdown(const char *name);                 /* .md or .markdown */

/* Patterns for a language spec (tag or .dic path): a fixed one (input_parse)
 * or one kept per language (input_collect). Returns 0 with *h (NULL: no
 * hyphenation), 1 with *h NULL and e saying that no patterns are installed
 * for that language (the essay is packed unhyphenated, with a note), or -1
 * (a .dic file that cannot be read: a problem). */
typedef int (*hyph_get_fn)(void *ctx, const char *spec, hyph **h, lerr *e);

/* How input_parse_core reads one file. */
typedef struct parse_args {
    int lossy, encoding, smart;          /* input_opts.lossy, INPUT_ENC_*, typographic punctuation */
    const char *lang_force, *force_where;     /* the manifest entry's lang (wins), and "DIR/manifest.ini:4" */
    const char *lang_default, *default_where; /* used when the file sets none ([defaults] or --lang), and where */
    hyph_get_fn get;
    void *gctx;
} parse_args;

/* input_parse_core's status for an essay with nothing to read (an empty
 * file, only blank lines, only a title): e says which; collect skips it. */
#define INPUT_EMPTY 1

/* One file's bytes -> *out, as input_parse documents. Returns 0, -1, or
 * INPUT_EMPTY. */
int input_parse_core(const uint8_t *bytes, size_t n, const char *name, const parse_args *a, input_essay *out,
                     lerr *e);

/* ---- input_decode.c: stages 1-3 ------------------------------------------- */

/* Check and decode s[0..n) into out: BOM dropped, CR/CRLF/U+2028/U+2029 ->
 * LF, form feed -> space (tabs are kept: input_parse_core makes them
 * spaces after taking Markdown's copy); UTF-16 and binary files refused; bad
 * bytes refused with line and byte offset, or under lossy replaced by
 * U+FFFD and counted in *replaced. */
int input_decode(const uint8_t *s, size_t n, const char *name, int lossy, int enc, buf *out, size_t *replaced,
                 int *used, lerr *e);
/* NFC in place (utf8proc). */
int input_nfc(buf *t, const char *name, lerr *e);
/* Fold whitespace in place: trim, and make each run one space, or the
 * run's first no-break space if it has one. Returns the new length. */
size_t input_collapse(uint8_t *s, size_t n);

/* ---- input_blocks.c: stage 4, the block parser ------------------------------
 * This is the seam where the rich-text issue plugs in md4c: a block parser
 * turns the folded lines of a file into a doc (a list of blocks, each with
 * its kind, heading level, list label and its text in one arena), and
 * nothing after it (title, byline, output, hyphenation, word count) looks
 * at the source again. A Markdown parser produces the same doc from the
 * source; inline spans will be a second array beside the blocks. */

typedef struct span {
    size_t off, len; /* a line: t[off, off+len), folded, no LF */
} span;

enum { B_PARA, B_HEAD, B_LIST, B_QUOTE, B_SEP, B_CODE, B_TABLE, B_NOTE };

typedef struct blk {
    uint8_t kind, level, label_len, skip; /* skip: taken off as title or byline */
    uint8_t depth;                        /* lists and quotes: nesting from 1 */
    uint8_t label[12];                    /* list label ("•", "-", "12.") */
    size_t start, len;                    /* text in the arena (and its styles in sty) */
} blk;

typedef struct doc {
    blk *b;
    size_t n, cap;
    buf arena;
    buf sty;    /* md: one ESSAY_STYLE_* byte per arena byte; empty for .txt */
    buf notes;  /* things the packer tells the user, one a line ("images are not shown: a.png") */
} doc; /* owns b, arena.p, sty.p and notes.p: free them */

/* Lines ls[from..nl) of t -> blocks appended to d, by the rules of .txt
 * (mode BLOCKS_TXT), the old hand-written Markdown rules (BLOCKS_MD), or
 * hard-wrapped .txt (BLOCKS_WRAPPED: the .txt line rules, with the lines of
 * a paragraph, list item or quote joined until a blank line or another
 * kind of line). Returns 0, or -1 out of memory. */
enum { BLOCKS_TXT = 0, BLOCKS_MD = 1, BLOCKS_WRAPPED = 2 };
int input_blocks(const uint8_t *t, const span *ls, size_t from, size_t nl, int mode, doc *d);

/* Is .txt text hard-wrapped? Lines ls[from..nl) of t (folded): yes when
 * there are blank lines between paragraphs, at least 3 paragraphs run over
 * several lines, at least 9 in 10 text lines are at most 80 characters,
 * and at least 3 in 4 of the lines that a paragraph continues after are
 * over 60% of the longest such line (so a poem's short lines, in stanzas,
 * stay lines). *lines and *paras get the counts, for the note. */
int input_txt_wrapped(const uint8_t *t, const span *ls, size_t from, size_t nl, size_t *lines, size_t *paras);
/* "[...]", "…", "***" and the like: a separator line, in .txt (and a
 * Markdown paragraph that is only that). */
int input_is_separator(const uint8_t *s, size_t n);

/* ---- input_md.c: Markdown through md4c ------------------------------------
 * src[0..n) (decoded, NFC, not folded) -> blocks appended to d, with a
 * style byte per text byte in d->sty, link URLs as B_NOTE blocks at the end
 * and notes about what is not shown. smart: typographic quotes for the
 * language tag lang (input_smart). Returns 0, or -1 out of memory or when
 * md4c fails. */
int input_md(const uint8_t *src, size_t n, int smart, const char *lang, doc *d);

/* ---- input_smart.c: typographic punctuation --------------------------------
 * s[0..n), with a style byte per byte in sty (NULL: none), appended to o
 * (and its styles to os, when sty is given) with straight quotes, "--",
 * "---" and "..." made typographic for the language tag lang (the rules
 * are at the top of input_smart.c). Code-styled text is kept. Returns 0,
 * or -1 out of memory. */
int input_smart(const uint8_t *s, const uint8_t *sty, size_t n, const char *lang, buf *o, buf *os);

/* ---- input_title.c --------------------------------------------------------- */

typedef struct front {
    buf title, byline, lang; /* owned */
    size_t lang_line;
    size_t end; /* first line after it, 0 if none */
} front;

/* Front matter at the start of lines ls[0..nl) of t, into *f (zeroed by
 * the caller). Returns 0 (f->end 0 when there is none), -1 out of memory. */
int input_front_matter(const uint8_t *t, const span *ls, size_t nl, front *f);
/* Title text: s whole if at most max characters, else cut at a word
 * boundary and ended with "…". Soft hyphens are dropped. NULL: no memory. */
char *input_make_title(const uint8_t *s, size_t n, size_t max);
/* The title from the first sentence of s (rule 4 of input.h). */
char *input_sentence_title(const uint8_t *s, size_t n);
/* Rule 3 of input.h: does the paragraph s read like a title? */
int input_looks_like_title(const uint8_t *s, size_t n);
/* "By Jane Doe" -> offset of "Jane Doe" in s, or 0. */
size_t input_byline_at(const uint8_t *s, size_t n);
/* words + the words of s (saturating). */
uint32_t input_count_words(const uint8_t *s, size_t n, uint32_t words);
/* Han characters and kana in s[0..n) added to chars (they are not words
 * for input_count_words), and what they come to in words of reading time
 * for an essay in language lang (a BCP 47 tag: zh, ja, or other). */
uint32_t input_count_cjk(const uint8_t *s, size_t n, uint32_t chars);
uint32_t input_words_of_cjk(uint32_t chars, const char *lang);

/* ---- input_manifest.c ---------------------------------------------------- */

typedef struct mf_ent {
    char *name, *title, *byline, *lang; /* NULL when not given */
    char *smart;                        /* smart_quotes: "yes", "no" (any case) or NULL */
    size_t line, lang_line;             /* of the section, of its lang key */
} mf_ent;

typedef struct manifest {
    const char *path;
    const uint8_t *src;
    size_t len, pos, line;
    int sect; /* 0 none yet, 1 [defaults], 2 a file */
    int defaults_seen;
    char *def_lang;
    size_t def_lang_line;
    char *def_smart; /* [defaults] smart_quotes or NULL */
    mf_ent *v;
    size_t n, cap;
    int failed;
    lerr *e;
} manifest;

/* Check the manifest src[0..n), read from `path` (named in messages), into
 * *m (free with input_manifest_free, also after a failure). No file I/O:
 * input_walk reads the file. src is not kept; m->path points at path
 * while parsing, and the caller clears or keeps it. */
int input_manifest_parse(const uint8_t *src, size_t n, const char *path, manifest *m, lerr *e);
void input_manifest_free(manifest *m);

/* ---- input_walk.c ------------------------------------------------------------ */

/* Read a regular file whole, up to INPUT_MAX_FILE: opened non-blocking and
 * checked with fstat first, so a FIFO or a device never hangs or is read. */
int input_read_file(const char *path, uint8_t **out, size_t *n, lerr *e);
/* The same, opening open_path (nofollow: with O_NOFOLLOW) and naming path
 * in messages. */
int input_read_file_as(const char *open_path, const char *path, int nofollow, uint8_t **out, size_t *n, lerr *e);
/* dir + "/" + name, allocated; NULL out of memory. */
char *input_join_path(const char *dir, const char *name);

#endif

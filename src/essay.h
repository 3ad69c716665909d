/* essay.h - parse an essay's decoded text (pack_format.md, "Essay text")
 * into blocks. Plain C11, no SDL. The input is untrusted: every rule of the
 * format is checked and a violation is reported with its byte offset. */
#ifndef LECTERN_ESSAY_H
#define LECTERN_ESSAY_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

enum essay_kind { ESSAY_PARA = 0, ESSAY_HEADING = 1, ESSAY_LIST = 2, ESSAY_QUOTE = 3, ESSAY_SEP = 4 };

#define ESSAY_MARK_HEADING 0x01
#define ESSAY_MARK_LIST 0x02
#define ESSAY_MARK_QUOTE 0x03
#define ESSAY_MARK_SEP 0x04

typedef struct essay_block {
    uint8_t kind;       /* enum essay_kind */
    uint8_t level;      /* heading level 1..6, else 0 */
    uint32_t label;     /* list items: byte offset of the label in text */
    uint32_t label_len; /* list items: its length; else 0 */
    uint32_t start;     /* byte offset of the block's text in `text` */
    uint32_t len;       /* its length in bytes (0 only for separators) */
} essay_block;

typedef struct essay {
    const uint8_t *text;  /* borrowed: the decoded bytes given to essay_parse */
    size_t size;
    essay_block *blocks;  /* owned: freed by essay_free */
    size_t nblocks;
} essay;

/* Parse text[0..size) into *out. The essay borrows `text`, which must
 * outlive it. Returns 0, or -1 with a message naming the byte offset of the
 * first violation (out is then empty). Size 0 is a valid, empty essay. */
int essay_parse(const uint8_t *text, size_t size, essay *out, lerr *e);

/* Free the blocks (not the text). Safe on a zeroed or failed essay. */
void essay_free(essay *es);

#endif

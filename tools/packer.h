/* packer.h - the whole of `lectern-pack build` as one call: collect the
 * input files and folders (tools/input.c: decode, structure, titles,
 * hyphenate), choose and check the fonts (tools/fonts.c: the default
 * family or the given files, plus fallbacks for what they lack), and write
 * the pack (tools/pack_write.c), to a file or into memory.
 *
 * Used by lectern-pack and the tests (the reader runs `lectern-pack build`
 * for `lectern DIR`, src/app_pack.c, so a folder previews exactly as it
 * will be packed, and links none of this).
 * Host-only code (FreeType, fontconfig, libhyphen); no SDL, no global
 * state besides fontconfig's own, which packer_build releases. */
#ifndef LECTERN_PACKER_H
#define LECTERN_PACKER_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

struct packer_summary;

typedef struct packer_opts {
    const char *lang;          /* hyphenation language or .dic path; NULL: "en-US" */
    int lossy;                 /* replace invalid UTF-8 by U+FFFD instead of refusing */
    int no_fonts;              /* embed no fonts (tests; the reader needs them) */
    char *const *fonts;        /* faces to embed instead of the default family */
    size_t nfonts;
    uint32_t cluster_max;      /* pack_write_opts.cluster_max (PACK_CLUSTER_DEFAULT) */
    /* While the pack is compressed: bytes done and total. Called only when
     * the essays' text is over progress_min bytes. May be NULL. */
    void (*progress)(void *ctx, uint64_t done, uint64_t total);
    void *progress_ctx;
    uint64_t progress_min;
    /* Things worth saying that are not errors (a fallback font added, how
     * many bytes --lossy replaced), one sentence each. May be NULL. */
    void (*note)(void *ctx, const char *msg);
    void *note_ctx;
    int follow_symlinks;       /* input_opts.follow_symlinks: take links out of a folder */
    int encoding;              /* input_extra.encoding: INPUT_ENC_AUTO (0), or one forced */
    /* Each problem with the input, as input_extra.problem (with note_ctx):
     * all of them are found in one run. NULL: the first is in the lerr. */
    void (*problem)(void *ctx, const char *msg);
    struct packer_summary *summary; /* filled on success when not NULL */
} packer_opts;

/* What a successful build made, for its one summary line. */
typedef struct packer_summary {
    size_t essays, fonts;
    uint64_t words, bytes; /* words in the essays, the pack's size in bytes */
} packer_summary;

/* "3 essays, 1,234 words, 56.7 kB, 2 fonts" into out[0..cap), plurals
 * right ("1 essay, 1 word"). */
void packer_summary_line(const packer_summary *s, char *out, size_t cap);

/* Pack inputs[0..n) (files and folders, as input_collect takes them).
 * With out_path, the pack is written there atomically (pack_write; SIGINT,
 * SIGTERM and SIGHUP are held meanwhile, so no temporary file is left);
 * else *mem gets the pack's bytes (malloc'd, caller frees) and *mem_size
 * their length (pack_build). Returns 0, or -1 with the message the step
 * that failed gave (naming the file, line and byte offset where it can),
 * nothing written and *mem NULL. */
int packer_build(char *const *inputs, size_t n, const packer_opts *o, const char *out_path, uint8_t **mem,
                 size_t *mem_size, lerr *e);

#endif

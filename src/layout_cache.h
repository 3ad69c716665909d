/* layout_cache.h - typeset essays kept per (essay, font size, page, layout
 * version), so that a page turn never lays out again, a text-size change
 * lays out only the open essay at once, and the rest fill in lazily.
 * Plain C11, no SDL.
 *
 * The reader's flow on a size change:
 *   old = the open essay's result, page = the page on screen;
 *   now = layout_cache_get(c, &new_key, es, m, e);      (lays out one essay)
 *   page = layout_relocate(es, old, page, now);         (layout.h: same sentence)
 *   then, when idle, layout_cache_fill_one(...) until it returns 0.
 * `old` must still be valid at the relocate: it is, as long as the cache
 * holds at least 2 entries (it always does) and nothing else was inserted
 * in between. */
#ifndef LECTERN_LAYOUT_CACHE_H
#define LECTERN_LAYOUT_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "essay.h"
#include "layout.h"
#include "util.h"

typedef struct layout_cache layout_cache;

/* The bytes the layouts in a cache may hold together (lines and pages),
 * but for the two newest, which are always kept: part of the memory budget
 * for a 512 MB Pi Zero 2 W (the reader stays under 64 MB peak RSS on any
 * pack the packer accepts; a 5 MiB essay's layout is about 4 MB). */
#define LAYOUT_CACHE_BYTES (16u << 20)

/* What a layout depends on besides the fonts: which essay, the body text
 * size, and the page. LAYOUT_VERSION is part of every key implicitly. */
typedef struct layout_key {
    uint32_t essay;       /* the caller's essay number (e.g. the pack's, from 1) */
    int32_t font_px;      /* body text size in pixels */
    layout_params params; /* text area, spacing, justification */
} layout_key;

/* A cache of at most max_entries layouts (at least 2; 0 means 64), holding
 * at most LAYOUT_CACHE_BYTES of them (see layout_cache_set_budget). Returns
 * NULL when out of memory. The cache assumes the same faces for its whole
 * life: call layout_cache_clear when they change. */
layout_cache *layout_cache_new(size_t max_entries);

/* Free the cache and every layout in it. NULL is fine. */
void layout_cache_free(layout_cache *c);

/* Drop every layout (the pack or the faces changed). */
void layout_cache_clear(layout_cache *c);

/* The cached layout for k, or NULL; never lays out. Counts as a use. */
const layout_result *layout_cache_find(layout_cache *c, const layout_key *k);

/* The layout for k: from the cache, or laid out now from es with m and
 * kept. The result belongs to the cache and stays valid until it is
 * evicted: only by a later get or fill_one that needs room, which evicts
 * the least recently used entry, never the one most recently returned; or
 * by layout_cache_clear or layout_cache_free. Returns NULL with a message
 * when layout fails; find then still answers NULL, and get tries again, but
 * fill_one skips that essay. */
const layout_result *layout_cache_get(layout_cache *c, const layout_key *k, const essay *es,
                                      const layout_metrics *m, lerr *e);

/* The same, laying out with the essay's break opportunities bk
 * (layout_essay_breaks; NULL: layout_essay, which breaks the text on each
 * call): the reader keeps bk for the open essay, so that a size change
 * lays out without breaking the text again. bk is borrowed for the call. */
const layout_result *layout_cache_get_breaks(layout_cache *c, const layout_key *k, const essay *es,
                                             const layout_breaks *bk, const layout_metrics *m, lerr *e);

/* Lazy fill, for idle time: lays out the first essay of 0..n-1 that has no
 * layout at (font_px, p), getting it from get_essay(ctx, i) (which returns
 * NULL to skip an essay, e.g. a damaged one). The key's essay number is i.
 * Returns 1 when it laid one out, 0 when none is missing (or the cache is
 * full of layouts at this size and page: it never evicts one of those; or
 * its byte budget is used up), -1
 * with a message when layout failed (that essay is then skipped by later
 * calls until the cache is cleared). */
int layout_cache_fill_one(layout_cache *c, int32_t font_px, const layout_params *p, size_t n,
                          const essay *(*get_essay)(void *ctx, size_t i), void *ctx,
                          const layout_metrics *m, lerr *e);

/* Change the byte budget (LAYOUT_CACHE_BYTES at creation); evicts at once
 * what no longer fits, but the two newest layouts. */
void layout_cache_set_budget(layout_cache *c, size_t bytes);
/* The bytes the cached layouts hold now. */
size_t layout_cache_bytes(const layout_cache *c);

/* Counters, for tests and --layout-stats: layouts performed, and lookups
 * (find or get) answered from the cache. */
size_t layout_cache_layouts(const layout_cache *c);
size_t layout_cache_hits(const layout_cache *c);

#endif

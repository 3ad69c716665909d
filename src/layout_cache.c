/* layout_cache.c - see layout_cache.h. A handful of entries searched
 * linearly: a reader holds a few essays at one or two sizes, so a scan of
 * tens of keys costs nothing next to one layout. */
#include "layout_cache.h"

#include <stdlib.h>
#include <string.h>

enum { E_EMPTY, E_OK, E_FAILED };

typedef struct entry {
    layout_key key;
    uint32_t version;
    int state;
    uint64_t stamp; /* last use */
    size_t bytes;   /* what r's arrays hold */
    layout_result r;
} entry;

struct layout_cache {
    entry *e;
    size_t n;
    uint64_t clock;
    size_t layouts, hits;
    size_t bytes, budget; /* held by all entries' layouts; at most this, but for the two newest */
};

static void drop(layout_cache *c, entry *x)
{
    layout_free(&x->r);
    c->bytes -= x->bytes;
    x->bytes = 0;
    x->state = E_EMPTY;
}

/* Over the byte budget: evict least recently used layouts, never the two
 * newest (the one just returned and the one before it, which a size change
 * relocates from). */
static void trim(layout_cache *c)
{
    while (c->bytes > c->budget) {
        entry *victim = NULL, *n1 = NULL, *n2 = NULL;
        for (size_t i = 0; i < c->n; i++) {
            entry *x = &c->e[i];
            if (x->state == E_EMPTY) continue;
            if (!n1 || x->stamp > n1->stamp) { n2 = n1; n1 = x; }
            else if (!n2 || x->stamp > n2->stamp) n2 = x;
        }
        for (size_t i = 0; i < c->n; i++) {
            entry *x = &c->e[i];
            if (x->state == E_EMPTY || x == n1 || x == n2) continue;
            if (!victim || x->stamp < victim->stamp) victim = x;
        }
        if (!victim) return;
        drop(c, victim);
    }
}

static int same_page(const layout_key *a, const layout_key *b)
{
    const layout_params *p = &a->params, *q = &b->params;
    return a->font_px == b->font_px && p->width == q->width && p->height == q->height &&
           p->para_space == q->para_space && p->indent == q->indent && !p->justify == !q->justify &&
           p->expand == q->expand && !p->protrude == !q->protrude;
}

static entry *lookup(layout_cache *c, const layout_key *k)
{
    for (size_t i = 0; i < c->n; i++) {
        entry *x = &c->e[i];
        if (x->state != E_EMPTY && x->version == LAYOUT_VERSION && x->key.essay == k->essay && same_page(&x->key, k))
            return x;
    }
    return NULL;
}

/* A slot for a new entry: an empty one, else the least recently used
 * (optionally only among entries not at `keep`'s size and page). NULL when
 * there is none to give. */
static entry *make_room(layout_cache *c, const layout_key *keep)
{
    entry *victim = NULL;
    for (size_t i = 0; i < c->n; i++) {
        entry *x = &c->e[i];
        if (x->state == E_EMPTY) return x;
        if (keep && same_page(&x->key, keep)) continue;
        if (!victim || x->stamp < victim->stamp) victim = x;
    }
    if (victim) drop(c, victim);
    return victim;
}

layout_cache *layout_cache_new(size_t max_entries)
{
    if (max_entries == 0) max_entries = 64;
    if (max_entries < 2) max_entries = 2;
    layout_cache *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    c->e = calloc(max_entries, sizeof *c->e);
    if (!c->e) {
        free(c);
        return NULL;
    }
    c->n = max_entries;
    c->budget = LAYOUT_CACHE_BYTES;
    return c;
}

void layout_cache_clear(layout_cache *c)
{
    if (!c) return;
    for (size_t i = 0; i < c->n; i++) drop(c, &c->e[i]);
}

void layout_cache_free(layout_cache *c)
{
    if (!c) return;
    layout_cache_clear(c);
    free(c->e);
    free(c);
}

const layout_result *layout_cache_find(layout_cache *c, const layout_key *k)
{
    entry *x = lookup(c, k);
    if (!x || x->state != E_OK) return NULL;
    x->stamp = ++c->clock;
    c->hits++;
    return &x->r;
}

/* Lay out into slot x (already emptied) and stamp it. */
static int fill(layout_cache *c, entry *x, const layout_key *k, const essay *es, const layout_breaks *bk,
                const layout_metrics *m, lerr *e)
{
    x->key = *k;
    x->version = LAYOUT_VERSION;
    x->stamp = ++c->clock;
    c->layouts++;
    if (bk ? layout_essay_breaks(es, bk, m, &k->params, &x->r, e) : layout_essay(es, m, &k->params, &x->r, e)) {
        x->state = E_FAILED;
        return -1;
    }
    x->state = E_OK;
    x->bytes = x->r.nlines * sizeof *x->r.lines + x->r.npages * sizeof *x->r.pages;
    c->bytes += x->bytes;
    trim(c);
    return 0;
}

const layout_result *layout_cache_get(layout_cache *c, const layout_key *k, const essay *es,
                                      const layout_metrics *m, lerr *e)
{
    return layout_cache_get_breaks(c, k, es, NULL, m, e);
}

const layout_result *layout_cache_get_breaks(layout_cache *c, const layout_key *k, const essay *es,
                                             const layout_breaks *bk, const layout_metrics *m, lerr *e)
{
    entry *x = lookup(c, k);
    if (x && x->state == E_OK) {
        x->stamp = ++c->clock;
        c->hits++;
        return &x->r;
    }
    if (!x) x = make_room(c, NULL);
    /* the least recently used is never the latest returned: n >= 2 */
    if (fill(c, x, k, es, bk, m, e)) return NULL;
    return &x->r;
}

int layout_cache_fill_one(layout_cache *c, int32_t font_px, const layout_params *p, size_t n,
                          const essay *(*get_essay)(void *ctx, size_t i), void *ctx,
                          const layout_metrics *m, lerr *e)
{
    layout_key k;
    memset(&k, 0, sizeof k);
    k.font_px = font_px;
    k.params = *p;
    for (size_t i = 0; i < n && i <= UINT32_MAX; i++) {
        if (c->bytes >= c->budget) return 0; /* idle filling stops at the budget (else it would evict and refill forever) */
        k.essay = (uint32_t)i;
        if (lookup(c, &k)) continue;
        const essay *es = get_essay(ctx, i);
        if (!es) continue;
        entry *x = make_room(c, &k);
        if (!x) return 0; /* full of this size's layouts already */
        return fill(c, x, &k, es, NULL, m, e) ? -1 : 1;
    }
    return 0;
}

void layout_cache_set_budget(layout_cache *c, size_t bytes) { c->budget = bytes; trim(c); }
size_t layout_cache_bytes(const layout_cache *c) { return c->bytes; }
size_t layout_cache_layouts(const layout_cache *c) { return c->layouts; }
size_t layout_cache_hits(const layout_cache *c) { return c->hits; }

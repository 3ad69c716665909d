/* guard.c - see guard.h for the rules and the file format. */
#include "guard.h"

#include "fileio.h"
#include "state.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <xxhash.h>

typedef struct count {
    uint32_t essay;
    unsigned n; /* 1..255 */
} count;

enum mode { M_DISK, M_OFF, M_FAILED };

struct guard {
    uint64_t pack;
    uint32_t open;                 /* essay marked open, 0: none */
    char open_boot[GUARD_BOOT_MAX]; /* the boot it was marked in */
    char boot[GUARD_BOOT_MAX];      /* this boot */
    count *v;                       /* sorted by essay, no repeats */
    size_t n, cap;
    int mode, reported;
    char *dir, *path, *tmp;
};

/* ---- small parts ------------------------------------------------------------ */

static int boot_ok(const uint8_t *p, size_t n)
{
    if (n == 0 || n >= GUARD_BOOT_MAX) return 0;
    for (size_t i = 0; i < n; i++)
        if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'z') || p[i] == '-')) return 0;
    return 1;
}

static size_t find(const guard *g, uint32_t essay, int *found)
{
    size_t lo = 0, hi = g->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (g->v[mid].essay < essay) lo = mid + 1;
        else hi = mid;
    }
    *found = lo < g->n && g->v[lo].essay == essay;
    return lo;
}

unsigned guard_deaths(const guard *g, uint32_t essay)
{
    if (!g) return 0;
    int found;
    size_t i = find(g, essay, &found);
    return found ? g->v[i].n : 0;
}

int guard_failed(const guard *g, uint32_t essay) { return guard_deaths(g, essay) >= GUARD_DEATHS; }

uint32_t guard_open_essay(const guard *g) { return g ? g->open : 0; }

const char *guard_open_boot(const guard *g) { return g->open_boot; }

int guard_persistent(const guard *g) { return g->mode == M_DISK; }

/* One more death for essay (at most 255). */
static int add_death(guard *g, uint32_t essay)
{
    int found;
    size_t i = find(g, essay, &found);
    if (found) {
        if (g->v[i].n < 255) g->v[i].n++;
        return GUARD_OK;
    }
    if (g->n == g->cap) {
        size_t cap = g->cap ? g->cap * 2 : 8;
        count *v = realloc(g->v, cap * sizeof *v);
        if (!v) return GUARD_ENOMEM;
        g->v = v;
        g->cap = cap;
    }
    memmove(g->v + i + 1, g->v + i, (g->n - i) * sizeof *g->v);
    g->v[i] = (count){essay, 1};
    g->n++;
    return GUARD_OK;
}

/* ---- the format ------------------------------------------------------------- */

static size_t put_str(uint8_t *p, const char *s)
{
    size_t n = strlen(s);
    memcpy(p, s, n);
    return n;
}

int guard_format(const guard *g, uint8_t **buf, size_t *n)
{
    /* header 14 + 10 + 1 + 17; "pack " 16 \n = 22; "open " 8 " " 63 \n = 78;
     * a count line: "deaths " 8 " " 3 \n = 20 */
    size_t cap = 42 + 22 + 78 + g->n * 20;
    uint8_t *b = malloc(cap);
    if (!b) return GUARD_ENOMEM;
    size_t k = 0;
    /* the body is built after the header, whose length is fixed for this
     * version: magic, one digit, \n, 16 hex, \n */
    size_t head = sizeof GUARD_MAGIC - 1 + 1 + 1 + 17;
    uint8_t *p = b + head;
    p += put_str(p, "pack ");
    p += state_put_hex(p, g->pack);
    *p++ = '\n';
    if (g->open) {
        p += put_str(p, "open ");
        p += state_put_dec(p, g->open);
        *p++ = ' ';
        p += put_str(p, g->open_boot);
        *p++ = '\n';
    }
    for (size_t i = 0; i < g->n; i++) {
        p += put_str(p, "deaths ");
        p += state_put_dec(p, g->v[i].essay);
        *p++ = ' ';
        p += state_put_dec(p, g->v[i].n);
        *p++ = '\n';
    }
    size_t body_len = (size_t)(p - (b + head));
    k += put_str(b + k, GUARD_MAGIC);
    k += state_put_dec(b + k, GUARD_VERSION);
    b[k++] = '\n';
    k += state_put_hex(b + k, XXH3_64bits(b + head, body_len));
    b[k++] = '\n';
    *buf = b;
    *n = k + body_len; /* k == head */
    return GUARD_OK;
}

static int starts(const uint8_t *p, const uint8_t *lim, const char *word)
{
    size_t n = strlen(word);
    return (size_t)(lim - p) >= n && memcmp(p, word, n) == 0;
}

int guard_parse(guard *g, const uint8_t *buf, size_t n, lerr *e)
{
    const uint8_t *p = buf, *lim = buf + n;
    const size_t ml = sizeof GUARD_MAGIC - 1;
    uint64_t version, sum, pack, x, y;
    size_t k;
    if (n < ml || memcmp(buf, GUARD_MAGIC, ml) != 0) {
        lerr_set(e, "not a lectern guard file");
        return GUARD_EDAMAGED;
    }
    p += ml;
    if (!(k = state_get_dec(p, lim, '\n', UINT32_MAX, &version))) {
        lerr_set(e, "damaged: bad version line");
        return GUARD_EDAMAGED;
    }
    p += k + 1;
    if (version != GUARD_VERSION) {
        lerr_set(e, "version %llu (this reader keeps version %d)", (unsigned long long)version, GUARD_VERSION);
        return GUARD_EDAMAGED;
    }
    if (!(k = state_get_hex(p, lim, '\n', &sum))) {
        lerr_set(e, "damaged: bad checksum line at byte %zu", (size_t)(p - buf));
        return GUARD_EDAMAGED;
    }
    p += k + 1;
    if (XXH3_64bits(p, (size_t)(lim - p)) != sum) {
        lerr_set(e, "damaged: checksum mismatch");
        return GUARD_EDAMAGED;
    }
    /* line 3: the pack */
    const uint8_t *start = p;
    if (!starts(p, lim, "pack ") || !(k = state_get_hex(p + 5, lim, '\n', &pack))) {
        lerr_set(e, "damaged: line 3 (byte %zu) is not \"pack HASH\"", (size_t)(start - buf));
        return GUARD_EDAMAGED;
    }
    p += 5 + k + 1;
    size_t line = 4;
    /* line 4, perhaps: the open mark */
    uint32_t open = 0;
    char boot[GUARD_BOOT_MAX] = "";
    if (starts(p, lim, "open ")) {
        start = p;
        const uint8_t *q = p + 5, *sp;
        if (!(k = state_get_dec(q, lim, ' ', GUARD_MAX_ESSAY, &x)) || x == 0) goto bad_open;
        q += k + 1;
        for (sp = q; sp < lim && *sp != '\n'; sp++) {}
        if (sp == lim || !boot_ok(q, (size_t)(sp - q))) goto bad_open;
        memcpy(boot, q, (size_t)(sp - q));
        boot[sp - q] = '\0';
        open = (uint32_t)x;
        p = sp + 1;
        line++;
    }
    size_t lines = 0;
    for (const uint8_t *q = p; q < lim; q++) lines += *q == '\n';
    count *v = lines ? malloc(lines * sizeof *v) : NULL;
    if (lines && !v) return GUARD_ENOMEM;
    size_t nv = 0;
    for (; p < lim; line++) {
        start = p;
        if (!starts(p, lim, "deaths ")) goto bad;
        p += 7;
        if (!(k = state_get_dec(p, lim, ' ', GUARD_MAX_ESSAY, &x)) || x == 0) goto bad;
        p += k + 1;
        if (!(k = state_get_dec(p, lim, '\n', 255, &y)) || y == 0) goto bad;
        p += k + 1;
        if (nv && x <= v[nv - 1].essay) {
            lerr_set(e, "damaged: line %zu (byte %zu): essay %llu out of order", line, (size_t)(start - buf),
                     (unsigned long long)x);
            free(v);
            return GUARD_EDAMAGED;
        }
        v[nv++] = (count){(uint32_t)x, (unsigned)y};
        continue;
    bad:
        lerr_set(e, "damaged: line %zu (byte %zu) is not \"deaths ESSAY COUNT\"", line, (size_t)(start - buf));
        free(v);
        return GUARD_EDAMAGED;
    }
    free(g->v);
    g->v = v;
    g->n = g->cap = nv;
    g->pack = pack;
    g->open = open;
    memcpy(g->open_boot, boot, sizeof boot);
    return GUARD_OK;
bad_open:
    lerr_set(e, "damaged: line 4 (byte %zu) is not \"open ESSAY BOOT-ID\"", (size_t)(start - buf));
    return GUARD_EDAMAGED;
}

/* ---- on disk ---------------------------------------------------------------- */

/* Add a sentence to e's message: after "; " when there is one already. */
static void append_msg(lerr *e, int notes, const char *msg)
{
    if (!e) return;
    if (!notes) {
        lerr_set(e, "%s", msg);
        return;
    }
    size_t used = strlen(e->msg);
    snprintf(e->msg + used, sizeof e->msg - used, "; %s", msg);
}

#define IN_MEMORY "the crash-loop guard is kept in memory only (an essay the reader dies on is opened again)"

/* Write g now. Returns GUARD_OK, GUARD_MEMORY with a message the first
 * time it fails (later failures quiet), GUARD_ENOMEM. */
static int flush(guard *g, lerr *e)
{
    if (g->mode == M_OFF) return GUARD_OK;
    uint8_t *buf;
    size_t n;
    if (guard_format(g, &buf, &n)) {
        lerr_set(e, "%s: out of memory writing the crash-loop guard", g->path);
        return GUARD_ENOMEM;
    }
    const char *step = NULL;
    int r = state_write_atomic(g->dir, g->path, g->tmp, buf, n, &step);
    int err = errno;
    free(buf);
    if (r == 0) {
        g->mode = M_DISK;
        return GUARD_OK;
    }
    g->mode = M_FAILED;
    if (g->reported) return GUARD_OK;
    g->reported = 1;
    lerr_set(e, "%s: cannot %s (%s): " IN_MEMORY, g->path, step, strerror(err));
    return GUARD_MEMORY;
}

int guard_open(guard **out, const char *dir, int enabled, uint64_t pack_id, const char *boot, guard_start *st,
               lerr *e)
{
    memset(st, 0, sizeof *st);
    *out = NULL;
    guard *g = calloc(1, sizeof *g);
    if (!g) {
        lerr_set(e, "out of memory opening the crash-loop guard");
        return GUARD_ENOMEM;
    }
    if (e) e->msg[0] = '\0';
    *out = g;
    g->pack = pack_id;
    snprintf(g->boot, sizeof g->boot, "%s",
             boot && boot_ok((const uint8_t *)boot, strlen(boot)) ? boot : "unknown");
    if (!enabled || !dir || !*dir) {
        g->mode = M_OFF;
        return GUARD_OK;
    }
    g->dir = state_join(dir, "");
    g->path = state_join(dir, GUARD_FILE);
    g->tmp = state_join(dir, GUARD_TMP);
    if (!g->dir || !g->path || !g->tmp) goto nomem;
    struct stat sb;
    const char *why = stat(dir, &sb) != 0 ? strerror(errno) : !S_ISDIR(sb.st_mode) ? "not a directory" : NULL;
    if (why) {
        g->mode = M_OFF;
        lerr_set(e, "state directory %s: %s: " IN_MEMORY, dir, why);
        return GUARD_MEMORY;
    }
    int notes = 0;
    uint8_t *buf = NULL;
    size_t n = 0;
    lerr re;
    int err = fio_read_all(g->path, GUARD_MAX_FILE, &buf, &n, &re);
    int changed = 0;
    if (err == ENOMEM) goto nomem;
    if (err && err != ENOENT) {
        lerr_set(e, "%s; ignored", re.msg);
        notes |= GUARD_IGNORED;
        changed = 1;
    } else if (!err) {
        lerr pe;
        int r = guard_parse(g, buf, n, &pe);
        free(buf);
        if (r == GUARD_ENOMEM) goto nomem;
        if (r) {
            lerr_set(e, "%s: %s; ignored", g->path, pe.msg);
            notes |= GUARD_IGNORED;
            changed = 1;
            g->pack = pack_id;
        } else if (g->pack != pack_id) {
            /* another pack: its counts and its open essay are not this one's */
            st->new_pack = g->n > 0 || g->open;
            free(g->v);
            g->v = NULL;
            g->n = g->cap = 0;
            g->pack = pack_id;
            g->open = 0;
            changed = 1;
        } else if (g->open) {
            if (!strcmp(g->open_boot, g->boot)) {
                if (add_death(g, g->open)) goto nomem;
                st->died = g->open;
                st->deaths = guard_deaths(g, g->open);
            } else {
                st->stopped = g->open;
            }
            g->open = 0;
            changed = 1;
        }
    }
    g->open_boot[0] = '\0';
    if (!state_can_write(g->tmp)) {
        lerr we;
        lerr_set(&we, "state directory %s is not writable (%s): " IN_MEMORY, dir, strerror(errno));
        g->mode = M_OFF;
        append_msg(e, notes, we.msg);
        return notes | GUARD_MEMORY;
    }
    if (changed) {
        lerr we;
        int r = flush(g, &we);
        if (r == GUARD_ENOMEM) goto nomem;
        if (r == GUARD_MEMORY) {
            append_msg(e, notes, we.msg);
            notes |= GUARD_MEMORY;
        }
    }
    return notes;
nomem:
    guard_close(g);
    *out = NULL;
    lerr_set(e, "out of memory opening the crash-loop guard");
    return GUARD_ENOMEM;
}

void guard_close(guard *g)
{
    if (!g) return;
    free(g->v);
    free(g->dir);
    free(g->path);
    free(g->tmp);
    free(g);
}

int guard_set_open(guard *g, uint32_t essay, lerr *e)
{
    if (essay > GUARD_MAX_ESSAY) return GUARD_EINVAL;
    if (g->open == essay) return GUARD_OK;
    g->open = essay;
    snprintf(g->open_boot, sizeof g->open_boot, "%s", essay ? g->boot : "");
    return flush(g, e);
}

int guard_set_pack(guard *g, uint64_t pack_id, lerr *e)
{
    if (g->pack == pack_id && !g->open) return GUARD_OK;
    if (g->pack != pack_id) {
        free(g->v);
        g->v = NULL;
        g->n = g->cap = 0;
        g->pack = pack_id;
    }
    g->open = 0;
    g->open_boot[0] = '\0';
    return flush(g, e);
}

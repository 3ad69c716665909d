/* state.c - see state.h for the file format and the rules. */
#include "state.h"

#include "fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

typedef struct entry {
    uint32_t essay, offset;
    uint64_t xxh3;
} entry;

enum mode { M_DISK, M_OFF, M_NODIR, M_READONLY, M_FAILED };

struct state {
    entry *v;       /* sorted by essay, no repeats */
    size_t n, cap;
    int mode, dirty, reported;
    char *dir, *path, *tmp;
};

/* ---- in memory ---------------------------------------------------------- */

/* Index of essay in s->v, or where it would go (*found = 0). */
static size_t find(const state *s, uint32_t essay, int *found)
{
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->v[mid].essay < essay) lo = mid + 1;
        else hi = mid;
    }
    *found = lo < s->n && s->v[lo].essay == essay;
    return lo;
}

int state_get(const state *s, uint32_t essay, uint64_t data_xxh3, uint32_t *offset)
{
    int found;
    size_t i = find(s, essay, &found);
    if (found && s->v[i].xxh3 == data_xxh3) {
        *offset = s->v[i].offset;
        return 1;
    }
    /* the same text under another number (a new pack with essays added,
     * removed or reordered): matched by content */
    for (i = 0; i < s->n; i++)
        if (s->v[i].xxh3 == data_xxh3) {
            *offset = s->v[i].offset;
            return 1;
        }
    return 0;
}

int state_set(state *s, uint32_t essay, uint64_t data_xxh3, uint32_t offset)
{
    if (essay == 0 || essay > STATE_MAX_ESSAY) return STATE_EINVAL;
    int found;
    size_t i = find(s, essay, &found);
    if (found) {
        if (s->v[i].xxh3 != data_xxh3 || s->v[i].offset != offset) s->dirty = 1;
        s->v[i].xxh3 = data_xxh3;
        s->v[i].offset = offset;
        return STATE_OK;
    }
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 16;
        entry *v = realloc(s->v, cap * sizeof *v);
        if (!v) return STATE_ENOMEM;
        s->v = v;
        s->cap = cap;
    }
    memmove(s->v + i + 1, s->v + i, (s->n - i) * sizeof *s->v);
    s->v[i] = (entry){essay, offset, data_xxh3};
    s->n++;
    s->dirty = 1;
    return STATE_OK;
}

size_t state_count(const state *s) { return s->n; }

int state_persistent(const state *s) { return s->mode == M_DISK; }

/* ---- the format --------------------------------------------------------- */

static const char hexdig[] = "0123456789abcdef";

size_t state_put_hex(uint8_t *p, uint64_t v)
{
    for (int i = 15; i >= 0; i--, v >>= 4) p[i] = (uint8_t)hexdig[v & 15];
    return 16;
}

size_t state_put_dec(uint8_t *p, uint32_t v)
{
    uint8_t tmp[10];
    size_t n = 0;
    do tmp[n++] = (uint8_t)('0' + v % 10); while (v /= 10);
    for (size_t i = 0; i < n; i++) p[i] = tmp[n - 1 - i];
    return n;
}

int state_format(const state *s, uint8_t **buf, size_t *n)
{
    /* header: magic + version + \n + 16 hex + \n; a line: at most
     * "essay " 8 digits, space, 16 hex, space, 10 digits, \n = 42 bytes */
    size_t head = sizeof STATE_MAGIC - 1 + 10 + 1 + 17;
    uint8_t *b = malloc(head + s->n * 42 + 1);
    if (!b) return STATE_ENOMEM;
    uint8_t *body = b + head, *p = body;
    for (size_t i = 0; i < s->n; i++) {
        memcpy(p, "essay ", 6);
        p += 6;
        p += state_put_dec(p, s->v[i].essay);
        *p++ = ' ';
        p += state_put_hex(p, s->v[i].xxh3);
        *p++ = ' ';
        p += state_put_dec(p, s->v[i].offset);
        *p++ = '\n';
    }
    size_t body_len = (size_t)(p - body);
    uint8_t h[64];
    size_t k = 0;
    memcpy(h, STATE_MAGIC, sizeof STATE_MAGIC - 1);
    k += sizeof STATE_MAGIC - 1;
    k += state_put_dec(h + k, STATE_VERSION);
    h[k++] = '\n';
    k += state_put_hex(h + k, XXH3_64bits(body, body_len));
    h[k++] = '\n';
    memmove(b + k, body, body_len); /* k <= head */
    memcpy(b, h, k);
    *buf = b;
    *n = k + body_len;
    return STATE_OK;
}

size_t state_get_dec(const uint8_t *p, const uint8_t *lim, uint8_t end, uint64_t max, uint64_t *v)
{
    size_t i = 0;
    uint64_t x = 0;
    while (p + i < lim && p[i] >= '0' && p[i] <= '9' && i < 10) x = x * 10 + (uint64_t)(p[i++] - '0');
    if (i == 0 || p + i >= lim || p[i] != end || (i > 1 && p[0] == '0') || x > max) return 0;
    *v = x;
    return i;
}

size_t state_get_hex(const uint8_t *p, const uint8_t *lim, uint8_t end, uint64_t *v)
{
    if (lim - p < 17 || p[16] != end) return 0;
    uint64_t x = 0;
    for (int i = 0; i < 16; i++) {
        const char *d = p[i] ? memchr(hexdig, p[i], 16) : NULL;
        if (!d) return 0;
        x = x << 4 | (uint64_t)(d - hexdig);
    }
    *v = x;
    return 16;
}

int state_parse(state *s, const uint8_t *buf, size_t n, lerr *e)
{
    const uint8_t *p = buf, *lim = buf + n;
    const size_t ml = sizeof STATE_MAGIC - 1;
    uint64_t version, sum;
    size_t k;
    if (n < ml || memcmp(buf, STATE_MAGIC, ml) != 0) {
        lerr_set(e, "not a lectern state file");
        return STATE_EDAMAGED;
    }
    p += ml;
    if (!(k = state_get_dec(p, lim, '\n', UINT32_MAX, &version))) {
        lerr_set(e, "damaged: bad version line");
        return STATE_EDAMAGED;
    }
    p += k + 1;
    if (version != STATE_VERSION) {
        lerr_set(e, "version %llu (this reader keeps version %d)", (unsigned long long)version, STATE_VERSION);
        return STATE_EDAMAGED;
    }
    if (!(k = state_get_hex(p, lim, '\n', &sum))) {
        lerr_set(e, "damaged: bad checksum line at byte %zu", (size_t)(p - buf));
        return STATE_EDAMAGED;
    }
    p += k + 1;
    if (XXH3_64bits(p, (size_t)(lim - p)) != sum) {
        lerr_set(e, "damaged: checksum mismatch");
        return STATE_EDAMAGED;
    }

    /* The checksum matches, but the body is still checked byte by byte:
     * the file may have been written by something else. */
    size_t lines = 0;
    for (const uint8_t *q = p; q < lim; q++) lines += *q == '\n';
    entry *v = lines ? malloc(lines * sizeof *v) : NULL;
    if (lines && !v) return STATE_ENOMEM;
    size_t nv = 0;
    for (size_t line = 3; p < lim; line++) {
        const uint8_t *start = p;
        uint64_t essay, xxh3, offset;
        if (lim - p < 6 || memcmp(p, "essay ", 6) != 0) goto bad;
        p += 6;
        if (!(k = state_get_dec(p, lim, ' ', STATE_MAX_ESSAY, &essay)) || essay == 0) goto bad;
        p += k + 1;
        if (!(k = state_get_hex(p, lim, ' ', &xxh3))) goto bad;
        p += k + 1;
        if (!(k = state_get_dec(p, lim, '\n', UINT32_MAX, &offset))) goto bad;
        p += k + 1;
        if (nv && essay <= v[nv - 1].essay) {
            lerr_set(e, "damaged: line %zu (byte %zu): essay %llu out of order", line, (size_t)(start - buf),
                     (unsigned long long)essay);
            free(v);
            return STATE_EDAMAGED;
        }
        v[nv++] = (entry){(uint32_t)essay, (uint32_t)offset, xxh3};
        continue;
    bad:
        lerr_set(e, "damaged: line %zu (byte %zu) is not \"essay NUMBER HASH OFFSET\"", line,
                 (size_t)(start - buf));
        free(v);
        return STATE_EDAMAGED;
    }
    free(s->v);
    s->v = v;
    s->n = s->cap = nv;
    s->dirty = 0;
    return STATE_OK;
}

/* ---- on disk ------------------------------------------------------------ */

char *state_join(const char *dir, const char *name)
{
    size_t a = strlen(dir), b = strlen(name);
    char *p = malloc(a + b + 2);
    if (!p) return NULL;
    memcpy(p, dir, a);
    p[a] = '/';
    memcpy(p + a + 1, name, b + 1);
    if (!b) p[a] = '\0'; /* just a copy of dir */
    return p;
}

/* Create `tmp` afresh for writing: O_EXCL and O_NOFOLLOW, so that
 * whatever is at that name (a symlink to another file, a file left by a
 * crash, a FIFO) is never opened, truncated or written through. What is
 * there is unlinked (which removes a link, not what it points to) and the
 * create tried once more. Returns the descriptor, or -1 with errno set. */
static int create_tmp(const char *tmp)
{
    for (int tries = 0; tries < 2; tries++) {
        int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (fd >= 0 || errno != EEXIST) return fd;
        if (unlink(tmp) != 0 && errno != ENOENT) return -1;
    }
    errno = EEXIST;
    return -1;
}

int state_can_write(const char *tmp)
{
    int fd = create_tmp(tmp);
    if (fd < 0) return 0;
    close(fd);
    unlink(tmp);
    return 1;
}

/* Add one note to the status and its sentence to the message. */
static void append(char *dst, size_t cap, const char *src)
{
    size_t used = strlen(dst), n = strlen(src);
    if (n > cap - 1 - used) n = cap - 1 - used; /* a long path: cut, still terminated */
    memcpy(dst + used, src, n);
    dst[used + n] = '\0';
}

static void note(lerr *e, int *notes, int what, const char *sentence)
{
    if (e) {
        if (*notes) append(e->msg, sizeof e->msg, "; ");
        append(e->msg, sizeof e->msg, sentence);
    }
    *notes |= what;
}

#define IN_MEMORY "reading positions are kept in memory only"

int state_open(state **out, const char *dir, int enabled, lerr *e)
{
    char msg[1024]; /* cut to fit e->msg by note() */
    int notes = 0;
    *out = NULL;
    state *s = calloc(1, sizeof *s);
    if (!s) {
        lerr_set(e, "out of memory opening the reading positions");
        return STATE_ENOMEM;
    }
    if (e) e->msg[0] = '\0';
    *out = s;
    if (!enabled) {
        s->mode = M_OFF;
        note(e, &notes, STATE_MEMORY, "state = off: " IN_MEMORY);
        return notes;
    }
    if (!dir || !*dir) {
        s->mode = M_NODIR;
        note(e, &notes, STATE_MEMORY, "no state directory set: " IN_MEMORY);
        return notes;
    }
    s->dir = state_join(dir, "");
    s->path = state_join(dir, STATE_FILE);
    s->tmp = state_join(dir, STATE_TMP);
    if (!s->dir || !s->path || !s->tmp) goto nomem;
    struct stat st;
    const char *why = stat(dir, &st) != 0 ? strerror(errno) : !S_ISDIR(st.st_mode) ? "not a directory" : NULL;
    if (why) {
        s->mode = M_NODIR;
        snprintf(msg, sizeof msg, "state directory %s: %s: " IN_MEMORY, dir, why);
        note(e, &notes, STATE_MEMORY, msg);
        return notes;
    }

    /* Read what is there even if we cannot write: resuming still works. */
    uint8_t *buf = NULL;
    size_t n = 0;
    lerr re;
    /* defensive: a FIFO or a device there is refused, never waited on */
    int err = fio_read_all(s->path, STATE_MAX_FILE, &buf, &n, &re);
    if (err == ENOMEM) goto nomem;
    if (err && err != ENOENT) {
        snprintf(msg, sizeof msg, "%s; ignored", re.msg);
        note(e, &notes, STATE_IGNORED, msg);
    } else if (!err) {
        lerr pe;
        int r = state_parse(s, buf, n, &pe);
        free(buf);
        if (r == STATE_ENOMEM) goto nomem;
        if (r) {
            snprintf(msg, sizeof msg, "%s: %s; ignored", s->path, pe.msg);
            note(e, &notes, STATE_IGNORED, msg);
        }
    }

    /* Can we write here? Try the very file a save would create. */
    if (!state_can_write(s->tmp)) {
        s->mode = M_READONLY;
        snprintf(msg, sizeof msg, "state directory %s is not writable (%s): " IN_MEMORY, dir, strerror(errno));
        note(e, &notes, STATE_MEMORY, msg);
    }
    return notes;
nomem:
    state_close(s);
    *out = NULL;
    lerr_set(e, "out of memory opening the reading positions");
    return STATE_ENOMEM;
}

void state_close(state *s)
{
    if (!s) return;
    free(s->v);
    free(s->dir);
    free(s->path);
    free(s->tmp);
    free(s);
}

int state_write_atomic(const char *dir, const char *path, const char *tmp, const uint8_t *buf, size_t n,
                       const char **step)
{
    int fd = create_tmp(tmp);
    if (fd < 0) { *step = "create"; return -1; }
    if (fio_write_all(fd, buf, n) != 0) *step = "write";
    else if (fsync(fd) != 0) *step = "fsync";
    else *step = NULL;
    int err = errno;
    if (close(fd) != 0 && !*step) { *step = "close"; err = errno; }
    if (!*step && rename(tmp, path) != 0) { *step = "rename"; err = errno; }
    if (*step) {
        unlink(tmp);
        errno = err;
        return -1;
    }
    /* Make the rename itself durable. Some filesystems cannot fsync a
     * directory (EINVAL): the new file is in place either way. */
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) { *step = "open the directory"; return -1; }
    int r = fsync(dfd) != 0 && errno != EINVAL ? -1 : 0;
    err = errno;
    close(dfd);
    if (r) { *step = "fsync the directory"; errno = err; }
    return r;
}

int state_save(state *s, lerr *e)
{
    if (s->mode != M_DISK && s->mode != M_FAILED) return STATE_OK; /* said at open */
    if (!s->dirty) return STATE_OK;
    uint8_t *buf;
    size_t n;
    if (state_format(s, &buf, &n)) {
        lerr_set(e, "%s: out of memory saving the reading positions (kept in memory, saved next time)", s->path);
        return STATE_ENOMEM;
    }
    const char *step = NULL;
    int r = state_write_atomic(s->dir, s->path, s->tmp, buf, n, &step);
    int err = errno;
    free(buf);
    if (r == 0) {
        s->mode = M_DISK;
        s->dirty = 0;
        return STATE_OK;
    }
    s->mode = M_FAILED; /* later saves still try, quietly */
    if (s->reported) return STATE_OK;
    s->reported = 1;
    lerr_set(e, "%s: cannot %s (%s): " IN_MEMORY, s->path, step, strerror(err));
    return STATE_MEMORY;
}

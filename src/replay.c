/* replay.c - the replay script parser. See replay.h for the language. */
#include "replay.h"

#include "schedule.h"
#include "tunables.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *const screen_names[REPLAY_NSCREENS] = {"library", "reading", "menu", "contents", "end", "error",
                                                                 "sleep", "attract", "admin", "import"};
static const char *const key_names[REPLAY_NKEYS] = {"left", "right", "up", "down", "pageup", "pagedown",
                                                    "space", "home", "end", "plus", "minus", "escape",
                                                    "return", "backspace", "q", "t", "m"};
static const char *const dir_names[4] = {"left", "right", "up", "down"};
#define THEME_NAME(id, name, ...) name,
static const char *const theme_names[THEME_COUNT] = {TUN_THEMES(THEME_NAME)}; /* the one theme table */
#undef THEME_NAME

const char *replay_screen_name(int s) { return s >= 0 && s < REPLAY_NSCREENS ? screen_names[s] : NULL; }
const char *replay_key_name(int k) { return k >= 0 && k < REPLAY_NKEYS ? key_names[k] : NULL; }
const char *replay_dir_name(int d) { return d >= 0 && d < 4 ? dir_names[d] : NULL; }
const char *replay_theme_name(int t) { return t >= 0 && t < THEME_COUNT ? theme_names[t] : NULL; }

static int lookup(const char *const *names, int n, const char *w)
{
    for (int i = 0; i < n; i++)
        if (strcmp(names[i], w) == 0) return i;
    return -1;
}

/* ---- numbers: plain decimals only, so a script means the same everywhere
 * (no locale, no exponents, no hex, no inf or nan) -------------------------- */

/* [-]digits[.digits] within lo..hi. */
static int parse_coord(const char *s, float *out)
{
    int neg = *s == '-';
    if (neg || *s == '+') s++;
    if (!(*s >= '0' && *s <= '9') && !(*s == '.' && s[1] >= '0' && s[1] <= '9')) return -1;
    double v = 0, scale = 1;
    int digits = 0;
    for (; *s >= '0' && *s <= '9'; s++, digits++) {
        if (digits > 6) return -1;
        v = v * 10 + (*s - '0');
    }
    if (*s == '.') {
        s++;
        for (int k = 0; *s >= '0' && *s <= '9'; s++, k++)
            if (k < 9) v += (*s - '0') * (scale /= 10);
    }
    if (*s) return -1;
    if (neg) v = -v;
    if (v < -1.0 || v > 2.0) return -1;
    *out = (float)v;
    return 0;
}

/* Unsigned decimal up to max. */
static int parse_uint(const char *s, uint64_t max, uint64_t *out)
{
    if (!(*s >= '0' && *s <= '9')) return -1;
    uint64_t v = 0;
    for (; *s >= '0' && *s <= '9'; s++) {
        v = v * 10 + (uint64_t)(*s - '0');
        if (v > max) return -1;
    }
    if (*s) return -1;
    *out = v;
    return 0;
}

/* [+|-]digits, |v| <= max. */
static int parse_int(const char *s, uint64_t max, int64_t *out)
{
    int neg = *s == '-';
    if (neg || *s == '+') s++;
    uint64_t v;
    if (parse_uint(s, max, &v)) return -1;
    *out = neg ? -(int64_t)v : (int64_t)v;
    return 0;
}

static int valid_name(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n >= REPLAY_NAME_MAX || s[0] == '.') return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
              c == '-'))
            return 0;
    }
    return 1;
}

/* A word as it may appear in a message: short, printable ASCII. */
static const char *shown(const char *w, char buf[40])
{
    size_t i = 0;
    for (; w[i] && i < 32; i++) buf[i] = (w[i] >= 0x20 && w[i] < 0x7F) ? w[i] : '?';
    if (w[i]) {
        memcpy(buf + i, "...", 3);
        i += 3;
    }
    buf[i] = 0;
    return buf;
}

/* ---- one line ------------------------------------------------------------ */

#define MAX_WORDS 8
#define MAX_LINE 1024

/* Parse the words of one line into c. Returns 0, or -1 with the reason in why. */
static int parse_words(char **w, int nw, replay_cmd *c, char *why, size_t wn)
{
    char b1[40];
    const char *op = w[0];
    uint64_t u;
    int64_t i;
#define NEED(k, usage)                                                          \
    do {                                                                        \
        if (nw != (k) + 1) {                                                    \
            snprintf(why, wn, "'%s' wants %s", op, usage);                      \
            return -1;                                                          \
        }                                                                       \
    } while (0)
#define COORD(k, dst)                                                           \
    do {                                                                        \
        if (parse_coord(w[k], &(dst))) {                                        \
            snprintf(why, wn, "bad coordinate '%s' (want a decimal from -1 to 2, 0..1 on the panel)", shown(w[k], b1)); \
            return -1;                                                          \
        }                                                                       \
    } while (0)
    if (!strcmp(op, "tap") || !strcmp(op, "longpress") || !strcmp(op, "click")) {
        NEED(2, "X Y");
        c->op = op[0] == 't' ? REPLAY_TAP : op[0] == 'l' ? REPLAY_LONGPRESS : REPLAY_CLICK;
        COORD(1, c->x1);
        COORD(2, c->y1);
    } else if (!strcmp(op, "swipe")) {
        NEED(1, "left, right, up or down");
        int d = lookup(dir_names, 4, w[1]);
        if (d < 0) {
            snprintf(why, wn, "swipe '%s': want left, right, up or down", shown(w[1], b1));
            return -1;
        }
        c->op = REPLAY_SWIPE;
        c->arg = (uint8_t)d;
    } else if (!strcmp(op, "drag")) {
        NEED(5, "X1 Y1 X2 Y2 MS");
        c->op = REPLAY_DRAG;
        COORD(1, c->x1);
        COORD(2, c->y1);
        COORD(3, c->x2);
        COORD(4, c->y2);
        if (parse_uint(w[5], REPLAY_MAX_MS, &u) || u == 0) {
            snprintf(why, wn, "drag time '%s': want milliseconds from 1 to %u", shown(w[5], b1), REPLAY_MAX_MS);
            return -1;
        }
        c->ms = (uint32_t)u;
    } else if (!strcmp(op, "key")) {
        NEED(1, "a key name");
        int k = lookup(key_names, REPLAY_NKEYS, w[1]);
        if (k < 0) {
            snprintf(why, wn, "unknown key '%s' (keys: left right up down pageup pagedown space home end plus "
                              "minus escape return backspace q t m)", shown(w[1], b1));
            return -1;
        }
        c->op = REPLAY_KEY;
        c->arg = (uint8_t)k;
    } else if (!strcmp(op, "wait")) {
        NEED(1, "MS");
        if (parse_uint(w[1], REPLAY_MAX_MS, &u)) {
            snprintf(why, wn, "wait '%s': want milliseconds from 0 to %u", shown(w[1], b1), REPLAY_MAX_MS);
            return -1;
        }
        c->op = REPLAY_WAIT;
        c->ms = (uint32_t)u;
    } else if (!strcmp(op, "mark") || !strcmp(op, "print") || !strcmp(op, "crash")) {
        NEED(0, "nothing after it");
        c->op = op[0] == 'm' ? REPLAY_MARK : op[0] == 'p' ? REPLAY_PRINT : REPLAY_CRASH;
    } else if (!strcmp(op, "clock")) {
        NEED(2, "a date and a time: YYYY-MM-DD HH:MM");
        const char *d = w[1], *t = w[2];
        int ok = strlen(d) == 10 && d[4] == '-' && d[7] == '-' && strlen(t) == 5 && t[2] == ':';
        for (int k = 0; ok && k < 10; k++) ok = k == 4 || k == 7 || (d[k] >= '0' && d[k] <= '9');
        for (int k = 0; ok && k < 5; k++) ok = k == 2 || (t[k] >= '0' && t[k] <= '9');
        int y = 0, mo = 0, dd = 0, h = 0, mi = 0;
        if (ok) {
            y = (d[0] - '0') * 1000 + (d[1] - '0') * 100 + (d[2] - '0') * 10 + (d[3] - '0');
            mo = (d[5] - '0') * 10 + (d[6] - '0');
            dd = (d[8] - '0') * 10 + (d[9] - '0');
            h = (t[0] - '0') * 10 + (t[1] - '0');
            mi = (t[3] - '0') * 10 + (t[4] - '0');
        }
        if (!ok || y < 1970 || !schedule_valid_date(y, mo, dd) || h > 23 || mi > 59) {
            char b2[40];
            snprintf(why, wn, "clock '%s %s': want a real date and time, YYYY-MM-DD HH:MM, from 1970", shown(d, b1),
                     shown(t, b2));
            return -1;
        }
        c->op = REPLAY_CLOCK;
        c->n = schedule_days(y, mo, dd) * 1440 + h * 60 + mi;
    } else if (!strcmp(op, "shot")) {
        NEED(1, "a NAME");
        if (!valid_name(w[1])) {
            snprintf(why, wn, "shot name '%s': want 1..%d of A-Z a-z 0-9 . _ - , not starting with '.'",
                     shown(w[1], b1), REPLAY_NAME_MAX - 1);
            return -1;
        }
        c->op = REPLAY_SHOT;
        memcpy(c->name, w[1], strlen(w[1]) + 1);
    } else if (!strcmp(op, "random")) {
        NEED(2, "N SEED");
        if (parse_uint(w[1], REPLAY_MAX_RANDOM, &u) || u == 0) {
            snprintf(why, wn, "random count '%s': want 1 to %u", shown(w[1], b1), REPLAY_MAX_RANDOM);
            return -1;
        }
        c->n = (int64_t)u;
        if (parse_uint(w[2], UINT32_MAX, &u)) {
            snprintf(why, wn, "random seed '%s': want 0 to %u", shown(w[2], b1), UINT32_MAX);
            return -1;
        }
        c->op = REPLAY_RANDOM;
        c->seed = (uint32_t)u;
    } else if (!strcmp(op, "expect")) {
        if (nw < 2) {
            snprintf(why, wn, "'expect' wants screen, page, essay, theme, size, first, hint, card, marked or quit");
            return -1;
        }
        const char *what = w[1];
        if (!strcmp(what, "card")) {
            if (nw != 4) {
                snprintf(why, wn, "'expect card' wants an essay number and available or unavailable");
                return -1;
            }
            if (parse_uint(w[2], REPLAY_MAX_N, &u) || u == 0) {
                snprintf(why, wn, "expect card '%s': want an essay number from 1 to %d", shown(w[2], b1), REPLAY_MAX_N);
                return -1;
            }
            if (strcmp(w[3], "available") && strcmp(w[3], "unavailable")) {
                snprintf(why, wn, "expect card %s '%s': want available or unavailable", w[2], shown(w[3], b1));
                return -1;
            }
            c->op = REPLAY_EXPECT_CARD;
            c->n = (int64_t)u;
            c->arg = w[3][0] == 'a';
            return 0;
        }
        if (!strcmp(what, "marked") || !strcmp(what, "quit")) {
            if (nw != 2) {
                snprintf(why, wn, "'expect %s' wants nothing after it", what);
                return -1;
            }
            c->op = what[0] == 'm' ? REPLAY_EXPECT_MARKED : REPLAY_EXPECT_QUIT;
            return 0;
        }
        if (nw != 3) {
            snprintf(why, wn, "'expect %s' wants one value", shown(what, b1));
            return -1;
        }
        if (!strcmp(what, "hint")) {
            if (strcmp(w[2], "shown") && strcmp(w[2], "hidden")) {
                snprintf(why, wn, "expect hint '%s': want shown or hidden", shown(w[2], b1));
                return -1;
            }
            c->op = REPLAY_EXPECT_HINT;
            c->arg = w[2][0] == 's';
        } else if (!strcmp(what, "screen")) {
            int s = lookup(screen_names, REPLAY_NSCREENS, w[2]);
            if (s < 0) {
                snprintf(why, wn, "unknown screen '%s' (library, reading, menu, contents, end, error, sleep, attract, admin, import)",
                         shown(w[2], b1));
                return -1;
            }
            c->op = REPLAY_EXPECT_SCREEN;
            c->arg = (uint8_t)s;
        } else if (!strcmp(what, "theme")) {
            int t = lookup(theme_names, THEME_COUNT, w[2]);
            if (t < 0) {
                snprintf(why, wn, "unknown theme '%s' (light, dark, sepia)", shown(w[2], b1));
                return -1;
            }
            c->op = REPLAY_EXPECT_THEME;
            c->arg = (uint8_t)t;
        } else if (!strcmp(what, "size")) {
            if (parse_int(w[2], 100, &i)) {
                snprintf(why, wn, "expect size '%s': want steps from the default, e.g. 0, +1, -2", shown(w[2], b1));
                return -1;
            }
            c->op = REPLAY_EXPECT_SIZE;
            c->n = i;
        } else if (!strcmp(what, "page") || !strcmp(what, "essay") || !strcmp(what, "first")) {
            int zero_ok = what[0] == 'e';
            if (parse_uint(w[2], REPLAY_MAX_N, &u) || (u == 0 && !zero_ok)) {
                snprintf(why, wn, "expect %s '%s': want a number from %d to %d", what, shown(w[2], b1), !zero_ok,
                         REPLAY_MAX_N);
                return -1;
            }
            c->op = what[0] == 'p' ? REPLAY_EXPECT_PAGE : what[0] == 'e' ? REPLAY_EXPECT_ESSAY : REPLAY_EXPECT_FIRST;
            c->n = (int64_t)u;
        } else {
            snprintf(why, wn, "expect '%s': want screen, page, essay, theme, size, first, hint, card, marked or quit",
                     shown(what, b1));
            return -1;
        }
    } else {
        snprintf(why, wn, "unknown command '%s'", shown(op, b1));
        return -1;
    }
    return 0;
#undef NEED
#undef COORD
}

int replay_parse(const uint8_t *text, size_t len, const char *name, replay_script *out, lerr *e)
{
    memset(out, 0, sizeof *out);
    if (!name) name = "script";
    if (len > REPLAY_MAX_BYTES) {
        lerr_set(e, "%s: larger than %u bytes", name, REPLAY_MAX_BYTES);
        return -1;
    }
    size_t cap = 0;
    uint32_t line = 0;
    char buf[MAX_LINE + 1], why[256];
    for (size_t pos = 0; pos < len;) {
        size_t end = pos;
        while (end < len && text[end] != '\n') end++;
        line++;
        size_t n = end - pos;
        if (n && text[end - 1] == '\r') n--; /* scripts written on Windows */
        if (n > MAX_LINE) {
            lerr_set(e, "%s:%u: line longer than %d bytes", name, line, MAX_LINE);
            goto fail;
        }
        memcpy(buf, text + pos, n);
        buf[n] = 0;
        pos = end + 1;
        char *w[MAX_WORDS + 1];
        int nw = 0;
        for (size_t i = 0; i < n; i++) {
            uint8_t ch = (uint8_t)buf[i];
            if (ch == 0 || (ch < 0x20 && ch != '\t') || ch == 0x7F) {
                lerr_set(e, "%s:%u: control byte 0x%02x at column %zu", name, line, ch, i + 1);
                goto fail;
            }
        }
        for (char *p = buf;;) {
            while (*p == ' ' || *p == '\t') p++;
            if (!*p || (*p == '#' && nw == 0)) break;
            if (nw == MAX_WORDS) {
                lerr_set(e, "%s:%u: too many words", name, line);
                goto fail;
            }
            w[nw++] = p;
            while (*p && *p != ' ' && *p != '\t') p++;
            if (*p) *p++ = 0;
        }
        if (nw == 0) continue;
        if (out->n == REPLAY_MAX_CMDS) {
            lerr_set(e, "%s:%u: more than %u commands", name, line, REPLAY_MAX_CMDS);
            goto fail;
        }
        if (out->n == cap) {
            size_t nc = cap ? cap * 2 : 64;
            replay_cmd *m = realloc(out->cmds, nc * sizeof *m);
            if (!m) {
                lerr_set(e, "%s: out of memory", name);
                goto fail;
            }
            out->cmds = m;
            cap = nc;
        }
        replay_cmd *c = &out->cmds[out->n];
        memset(c, 0, sizeof *c);
        c->line = line;
        if (parse_words(w, nw, c, why, sizeof why)) {
            lerr_set(e, "%s:%u: %s", name, line, why);
            goto fail;
        }
        out->n++;
    }
    return 0;
fail:
    replay_free(out);
    return -1;
}

int replay_load(const char *path, replay_script *out, lerr *e)
{
    memset(out, 0, sizeof *out);
    FILE *f = fopen(path, "rb");
    if (!f) {
        lerr_set(e, "%s: cannot read: %s", path, strerror(errno));
        return -1;
    }
    size_t cap = 4096, n = 0;
    uint8_t *buf = malloc(cap);
    for (;;) {
        if (!buf) {
            fclose(f);
            lerr_set(e, "%s: out of memory", path);
            return -1;
        }
        size_t r = fread(buf + n, 1, cap - n, f);
        n += r;
        if (n > REPLAY_MAX_BYTES) {
            fclose(f);
            free(buf);
            lerr_set(e, "%s: larger than %u bytes", path, REPLAY_MAX_BYTES);
            return -1;
        }
        if (r == 0) break;
        if (n == cap) {
            uint8_t *m = realloc(buf, cap * 2);
            if (!m) free(buf);
            buf = m;
            cap *= 2;
        }
    }
    int err = ferror(f);
    fclose(f);
    if (err) {
        free(buf);
        lerr_set(e, "%s: read error", path);
        return -1;
    }
    int rc = replay_parse(buf, n, path, out, e);
    free(buf);
    return rc;
}

void replay_free(replay_script *s)
{
    free(s->cmds);
    s->cmds = NULL;
    s->n = 0;
}

size_t replay_format(const replay_cmd *c, char *buf, size_t n)
{
    int k;
    switch (c->op) {
    case REPLAY_TAP: k = snprintf(buf, n, "tap %.4f %.4f", c->x1, c->y1); break;
    case REPLAY_LONGPRESS: k = snprintf(buf, n, "longpress %.4f %.4f", c->x1, c->y1); break;
    case REPLAY_CLICK: k = snprintf(buf, n, "click %.4f %.4f", c->x1, c->y1); break;
    case REPLAY_SWIPE: k = snprintf(buf, n, "swipe %s", dir_names[c->arg & 3]); break;
    case REPLAY_DRAG:
        k = snprintf(buf, n, "drag %.4f %.4f %.4f %.4f %u", c->x1, c->y1, c->x2, c->y2, c->ms);
        break;
    case REPLAY_KEY: k = snprintf(buf, n, "key %s", c->arg < REPLAY_NKEYS ? key_names[c->arg] : "?"); break;
    case REPLAY_WAIT: k = snprintf(buf, n, "wait %u", c->ms); break;
    case REPLAY_EXPECT_SCREEN:
        k = snprintf(buf, n, "expect screen %s", c->arg < REPLAY_NSCREENS ? screen_names[c->arg] : "?");
        break;
    case REPLAY_EXPECT_PAGE: k = snprintf(buf, n, "expect page %lld", (long long)c->n); break;
    case REPLAY_EXPECT_ESSAY: k = snprintf(buf, n, "expect essay %lld", (long long)c->n); break;
    case REPLAY_EXPECT_FIRST: k = snprintf(buf, n, "expect first %lld", (long long)c->n); break;
    case REPLAY_EXPECT_SIZE: k = snprintf(buf, n, "expect size %+lld", (long long)c->n); break;
    case REPLAY_EXPECT_THEME: k = snprintf(buf, n, "expect theme %s", c->arg < THEME_COUNT ? theme_names[c->arg] : "?"); break;
    case REPLAY_EXPECT_MARKED: k = snprintf(buf, n, "expect marked"); break;
    case REPLAY_EXPECT_QUIT: k = snprintf(buf, n, "expect quit"); break;
    case REPLAY_EXPECT_HINT: k = snprintf(buf, n, "expect hint %s", c->arg ? "shown" : "hidden"); break;
    case REPLAY_EXPECT_CARD:
        k = snprintf(buf, n, "expect card %lld %s", (long long)c->n, c->arg ? "available" : "unavailable");
        break;
    case REPLAY_CRASH: k = snprintf(buf, n, "crash"); break;
    case REPLAY_CLOCK: {
        int y, mo, d;
        int64_t days = c->n / 1440, mins = c->n % 1440;
        schedule_date(days, &y, &mo, &d);
        k = snprintf(buf, n, "clock %04d-%02d-%02d %02d:%02d", y, mo, d, (int)(mins / 60), (int)(mins % 60));
        break;
    }
    case REPLAY_MARK: k = snprintf(buf, n, "mark"); break;
    case REPLAY_PRINT: k = snprintf(buf, n, "print"); break;
    case REPLAY_SHOT: k = snprintf(buf, n, "shot %s", c->name); break;
    case REPLAY_RANDOM: k = snprintf(buf, n, "random %lld %u", (long long)c->n, c->seed); break;
    default: k = snprintf(buf, n, "# ?"); break;
    }
    if (k < 0) k = 0;
    return n == 0 ? 0 : (size_t)k < n ? (size_t)k : n - 1;
}

/* ---- random numbers -------------------------------------------------------- */

void replay_rng_seed(replay_rng *r, uint32_t seed)
{
    /* splitmix64 of the seed: any seed, 0 included, gives a good non-zero state */
    uint64_t z = (uint64_t)seed + 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    r->s = z ? z : 1;
}

uint32_t replay_rng_next(replay_rng *r)
{
    uint64_t x = r->s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    r->s = x;
    return (uint32_t)((x * 0x2545F4914F6CDD1Dull) >> 32);
}

uint32_t replay_rng_below(replay_rng *r, uint32_t n)
{
    return (uint32_t)(((uint64_t)replay_rng_next(r) * n) >> 32);
}

float replay_rng_unit(replay_rng *r) { return (float)(replay_rng_next(r) >> 8) / 16777216.0f; }

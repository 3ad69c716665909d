/* config.c - see config.h. */
#include "config.h"

#include "fileio.h"

#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <xxhash.h>

enum ktype { K_PATH, K_ROTATE, K_THEME, K_FONT, K_MARGINS, K_SECONDS, K_BOOL, K_ESSAYS, K_START, K_MINUTES,
             K_HOURS, K_IDLE_ACTION, K_IMPORT, K_PATH_OPT };

/* Every key, in one place. Defaults are text and go through the same parser
 * as the file and the flags, so they cannot drift from what is accepted. */
static const struct key {
    const char *name;
    enum ktype type;
    size_t off;
    const char *def;
    const char *values; /* what is accepted, for --help and for messages */
    const char *help;
} keys[] = {
    {"pack", K_PATH, offsetof(config, pack), LECTERN_DATADIR "/default.lpk",
     "a file path", "the essay pack to read"},
    {"rotate", K_ROTATE, offsetof(config, rotate), "0",
     "0, 90, 180 or 270", "turn the picture on the panel, in degrees clockwise"},
    {"theme", K_THEME, offsetof(config, theme), "light",
     "light, dark or sepia", "page colours"},
    {"font_size", K_FONT, offsetof(config, font_size), "auto",
     "auto or points from 6 to 72", "body text size; auto fits the panel"},
    {"margins", K_MARGINS, offsetof(config, margins), "auto",
     "auto or millimetres from 0 to 60", "page margins; auto fits the panel"},
    {"idle_timeout", K_SECONDS, offsetof(config, idle_timeout), "300",
     "seconds from 0 to 604800, 0 = never",
     "with no touch for this long, go back to the library with the default size and theme"},
    {"idle_action", K_IDLE_ACTION, offsetof(config, idle_action), "library",
     "library or attract",
     "after idle_timeout, show the library, or a calm screen of essay titles and first lines until touched"},
    {"state_dir", K_PATH, offsetof(config, state_dir), "/var/lib/lectern",
     "a directory path", "where reading positions are kept"},
    {"state", K_BOOL, offsetof(config, state), "on",
     "on or off", "keep reading positions on disk (off for public kiosks)"},
    {"kiosk", K_BOOL, offsetof(config, kiosk), "no",
     "yes or no", "fullscreen, no cursor, and nothing a visitor does ends the reader"},
    {"essays", K_ESSAYS, offsetof(config, essays), "all",
     "all, or essay numbers and ranges such as 3,1,2 or 1-3,5",
     "which essays the library shows, in this order"},
    {"start", K_START, offsetof(config, start), "library",
     "library or an essay number", "what to open at start-up"},
    {"sleep_after", K_MINUTES, offsetof(config, sleep_after), "0",
     "minutes from 0 to 10080, 0 = never",
     "with no touch for this long, blank the display and turn its backlight off; a touch wakes it"},
    {"awake", K_HOURS, offsetof(config, awake), "always",
     "always (or empty), or days and hours such as Mon-Fri 08:30-18:00, Sat 10:00-16:00",
     "when the display is awake (local time); outside these hours it sleeps until touched"},
    {"import", K_IMPORT, offsetof(config, import_mode), "ask",
     "ask, signed or off",
     "new essays on a USB stick or the SD card: ask before loading them, load only packs signed by a key in "
     "keys_dir (offered on the admin screen), or never look"},
    {"media_dir", K_PATH, offsetof(config, media_dir), "/run/lectern/media",
     "a directory path", "where USB sticks are mounted, one folder each"},
    {"keys_dir", K_PATH, offsetof(config, keys_dir), "/etc/lectern/keys",
     "a directory path", "the public keys (NAME.pub) whose signed packs import = signed loads"},
    {"import_pack", K_PATH_OPT, offsetof(config, import_pack), "",
     "a file path, or empty for imported.lpk in state_dir",
     "where loaded essays are kept; shown instead of pack while it exists and opens"},
};
#define NKEYS (sizeof keys / sizeof keys[0])

static void say(config_report report, void *ctx, int level, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
static void say(config_report report, void *ctx, int level, const char *fmt, ...)
{
    if (!report) return;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    report(ctx, level, msg);
}

/* A value as it may safely appear in a message: short, no control bytes. */
static const char *shown(const char *v, char buf[96])
{
    size_t i = 0;
    for (; v[i] && i < 80; i++) {
        unsigned char ch = (unsigned char)v[i];
        buf[i] = (char)(ch < 0x20 || ch == 0x7F ? '?' : ch);
    }
    if (v[i]) { memcpy(buf + i, "...", 3); i += 3; }
    buf[i] = '\0';
    return buf;
}

static const struct key *key_find(const char *name)
{
    for (size_t i = 0; i < NKEYS; i++) {
        const char *a = keys[i].name, *b = name;
        for (; *a && *b; a++, b++) {
            char ch = *b == '-' ? '_' : (*b >= 'A' && *b <= 'Z') ? (char)(*b + 32) : *b;
            if (ch != *a) break;
        }
        if (!*a && !*b) return &keys[i];
    }
    return NULL;
}

const char *config_key_name(size_t i) { return i < NKEYS ? keys[i].name : NULL; }

/* ---- values ------------------------------------------------------------- */

static int is_digit(char ch) { return ch >= '0' && ch <= '9'; }

/* An unsigned integer of at most 9 digits; *s is advanced past it. */
static int parse_uint(const char **s, uint32_t *out)
{
    const char *p = *s;
    uint32_t v = 0;
    int n = 0;
    while (is_digit(*p)) {
        if (++n > 9) return -1;
        v = v * 10 + (uint32_t)(*p++ - '0');
    }
    if (!n) return -1;
    *s = p;
    *out = v;
    return 0;
}

/* "12", "12.5", optionally followed by the unit ("pt", "mm", "s", any case,
 * with or without a space). Locale-independent, unlike strtod. */
static int parse_amount(const char *s, const char *unit, int integer, double lo, double hi, double *out)
{
    uint32_t whole, frac = 0;
    double scale = 1;
    if (parse_uint(&s, &whole)) return -1;
    if (*s == '.' && !integer) {
        s++;
        if (!is_digit(*s)) return -1;
        for (; is_digit(*s); s++)
            if (scale < 1e6) { frac = frac * 10 + (uint32_t)(*s - '0'); scale *= 10; }
    }
    while (*s == ' ') s++;
    if (*s && strcasecmp(s, unit) != 0) return -1;
    double v = whole + frac / scale;
    if (v < lo || v > hi) return -1;
    *out = v;
    return 0;
}

static int parse_bool(const char *s, int *out)
{
    static const char *yes[] = {"yes", "on", "true", "1"}, *no[] = {"no", "off", "false", "0"};
    for (int i = 0; i < 4; i++) {
        if (!strcasecmp(s, yes[i])) { *out = 1; return 0; }
        if (!strcasecmp(s, no[i])) { *out = 0; return 0; }
    }
    return -1;
}

static int parse_essay_number(const char **s, const char *value, uint32_t *n, char *why, size_t whylen)
{
    const char *start = *s;
    if (parse_uint(s, n) || *n > CONFIG_MAX_ESSAY) {
        while (is_digit(**s)) (*s)++;
        if (*s == start)
            snprintf(why, whylen, "expected a number at character %d", (int)(start - value) + 1);
        else
            snprintf(why, whylen, "%.*s is not an essay number", (int)(*s - start > 20 ? 20 : *s - start), start);
        return -1;
    }
    if (*n == 0) { snprintf(why, whylen, "essays are numbered from 1"); return -1; }
    return 0;
}

/* "all" or a comma-separated list of N and N-M, spaces allowed around the
 * punctuation. A bad list is rejected whole. */
static int parse_essays(const char *s, config_range *out, size_t *nout, char *why, size_t whylen)
{
    const char *value = s;
    if (!strcasecmp(s, "all")) { *nout = 0; return 0; }
    size_t n = 0;
    for (;;) {
        while (*s == ' ') s++;
        config_range r;
        if (parse_essay_number(&s, value, &r.lo, why, whylen)) return -1;
        r.hi = r.lo;
        while (*s == ' ') s++;
        if (*s == '-') {
            s++;
            while (*s == ' ') s++;
            if (parse_essay_number(&s, value, &r.hi, why, whylen)) return -1;
            if (r.hi < r.lo) {
                snprintf(why, whylen, "range %u-%u runs backwards", (unsigned)r.lo, (unsigned)r.hi);
                return -1;
            }
            while (*s == ' ') s++;
        }
        if (n == CONFIG_MAX_RANGES) {
            snprintf(why, whylen, "more than %d items", CONFIG_MAX_RANGES);
            return -1;
        }
        out[n++] = r;
        if (!*s) break;
        if (*s != ',') {
            snprintf(why, whylen, "unexpected character at %d", (int)(s - value) + 1);
            return -1;
        }
        s++;
    }
    *nout = n;
    return 0;
}

int config_set(config *c, const char *name, const char *value, const char *where,
               config_report report, void *ctx)
{
    const struct key *k = key_find(name);
    if (!k) return -1;
    char *field = (char *)c + k->off;
    char why[256] = "";
    int ok = 0, iv;
    double dv;
    uint32_t uv;
    switch (k->type) {
    case K_PATH:
        if (*value && strlen(value) < CONFIG_PATH_MAX) {
            memcpy(field, value, strlen(value) + 1);
            ok = 1;
        } else if (*value) {
            snprintf(why, sizeof why, "longer than %d bytes", CONFIG_PATH_MAX - 1);
        }
        break;
    case K_PATH_OPT:
        if (strlen(value) < CONFIG_PATH_MAX) {
            memcpy(field, value, strlen(value) + 1);
            ok = 1;
        } else {
            snprintf(why, sizeof why, "longer than %d bytes", CONFIG_PATH_MAX - 1);
        }
        break;
    case K_IMPORT:
        for (iv = 0; iv < 3; iv++)
            if (!strcasecmp(value, iv == CONFIG_IMPORT_ASK ? "ask" : iv == CONFIG_IMPORT_SIGNED ? "signed" : "off")) break;
        if (iv < 3) { *(int *)(void *)field = iv; ok = 1; }
        break;
    case K_ROTATE:
        if (!parse_amount(value, "", 1, 0, 270, &dv) && (int)dv % 90 == 0) {
            *(int *)(void *)field = (int)dv;
            ok = 1;
        }
        break;
    case K_THEME: {
#define THEME_NAME(id, name, ...) name,
        static const char *themes[THEME_COUNT] = {TUN_THEMES(THEME_NAME)}; /* enum theme_id */
#undef THEME_NAME
        for (iv = 0; iv < THEME_COUNT; iv++)
            if (!strcasecmp(value, themes[iv])) break;
        if (iv < THEME_COUNT) { *(int *)(void *)field = iv; ok = 1; }
        break;
    }
    case K_FONT:
    case K_MARGINS:
        if (!strcasecmp(value, "auto")) {
            *(float *)(void *)field = k->type == K_FONT ? 0.0f : -1.0f;
            ok = 1;
        } else if (k->type == K_FONT ? !parse_amount(value, "pt", 0, CONFIG_FONT_MIN, CONFIG_FONT_MAX, &dv)
                                     : !parse_amount(value, "mm", 0, 0, CONFIG_MARGIN_MAX, &dv)) {
            *(float *)(void *)field = (float)dv;
            ok = 1;
        }
        break;
    case K_SECONDS:
        if (!parse_amount(value, "s", 1, 0, CONFIG_IDLE_MAX, &dv)) {
            *(int *)(void *)field = (int)dv;
            ok = 1;
        }
        break;
    case K_BOOL:
        if (!parse_bool(value, &iv)) { *(int *)(void *)field = iv; ok = 1; }
        break;
    case K_ESSAYS: {
        config_range tmp[CONFIG_MAX_RANGES];
        size_t n;
        if (!parse_essays(value, tmp, &n, why, sizeof why)) {
            memcpy(c->essays, tmp, n * sizeof tmp[0]);
            c->nessays = n;
            ok = 1;
        }
        break;
    }
    case K_MINUTES:
        if (!parse_amount(value, "min", 1, 0, CONFIG_SLEEP_MAX, &dv)) {
            *(int *)(void *)field = (int)dv;
            ok = 1;
        }
        break;
    case K_HOURS:
        if (!strcasecmp(value, "always")) {
            memset(&c->awake, 0, sizeof c->awake);
            ok = 1;
        } else if (!schedule_parse(value, &c->awake, why, sizeof why)) {
            ok = 1;
        }
        break;
    case K_IDLE_ACTION:
        if (!strcasecmp(value, "library") || !strcasecmp(value, "attract")) {
            *(int *)(void *)field = !strcasecmp(value, "attract") ? CONFIG_IDLE_ATTRACT : CONFIG_IDLE_LIBRARY;
            ok = 1;
        }
        break;
    case K_START: {
        const char *p = value;
        if (!strcasecmp(value, "library")) { c->start = 0; ok = 1; }
        else if (!parse_essay_number(&p, value, &uv, why, sizeof why) && !*p) { c->start = uv; ok = 1; }
        break;
    }
    }
    if (ok) return 0;
    char buf[96];
    say(report, ctx, CONFIG_WARN, "%s: bad value '%s' for %s (expected %s)%s%s", where,
        shown(value, buf), k->name, k->values, *why ? ": " : "", why);
    return 1;
}

void config_defaults(config *c)
{
    memset(c, 0, sizeof *c);
    for (size_t i = 0; i < NKEYS; i++) config_set(c, keys[i].name, keys[i].def, "default", NULL, NULL);
    memcpy(c->file, CONFIG_DEFAULT_FILE, sizeof CONFIG_DEFAULT_FILE);
    memcpy(c->boot_file, CONFIG_BOOT_FILE, sizeof CONFIG_BOOT_FILE);
}

/* ---- the file ----------------------------------------------------------- */

#define CONFIG_MAX_FILE (1u << 20)

typedef struct source {
    FILE *f;                 /* either a file ... */
    const char *p, *end;     /* ... or bytes in memory */
    size_t total;
    int line, eof;
    config *c;
    const char *name;
    config_report report;
    void *ctx;
    int problems;
} source;

static int source_getc(source *s)
{
    if (s->total >= CONFIG_MAX_FILE) return EOF;
    int ch;
    if (s->f) ch = getc(s->f);
    else ch = s->p < s->end ? (unsigned char)*s->p++ : EOF;
    if (ch != EOF) s->total++;
    return ch;
}

/* Does inih accept this (left-trimmed) line? Mirrors its rules: comment,
 * [section] with a ']' before any inline comment, or name=value / name:value
 * with the separator before any inline comment. */
static const char *syntax_error(const char *l)
{
    if (!*l || *l == ';' || *l == '#') return NULL;
    const char *want = *l == '[' ? "]" : "=:";
    int was_space = 0;
    for (const char *q = l + (*l == '['); *q; q++) {
        if (strchr(want, *q)) return NULL;
        if (was_space && *q == ';') break;
        was_space = *q == ' ' || *q == '\t';
    }
    return *l == '[' ? "expected ']' to close the section name" : "expected key = value";
}

/* inih's line reader. We hand it one whole line at a time, left-trimmed
 * (so an indented key is not taken as a continuation line) and ending in
 * '\n'; lines it would reject or truncate are reported here, with their
 * number, and handed over as empty lines. This is how every message gets a
 * line number: inih itself only returns the first bad line. */
static char *reader(char *str, int num, void *stream)
{
    source *s = stream;
    if (s->eof || num < 3) return NULL;
    size_t n = 0, room = (size_t)num - 2;
    int ch, nul = 0, long_line = 0, lead = 1, got = 0;
    while ((ch = source_getc(s)) != EOF && ch != '\n') {
        got = 1;
        if (lead && (ch == ' ' || ch == '\t' || ch == '\r')) continue;
        lead = 0;
        if (ch == 0) nul = 1;
        if (n < room) str[n++] = (char)ch;
        else long_line = 1;
    }
    if (ch == EOF) {
        s->eof = 1;
        if (s->total >= CONFIG_MAX_FILE) {
            s->problems++;
            say(s->report, s->ctx, CONFIG_WARN, "%s: larger than %u bytes; the rest is ignored", s->name,
                CONFIG_MAX_FILE);
        }
        if (!got) return NULL; /* the empty tail after the last '\n' is not a line */
    }
    s->line++;
    str[n] = '\0';
    if (s->line == 1 && n >= 3 && memcmp(str, "\xEF\xBB\xBF", 3) == 0) {
        memmove(str, str + 3, n - 2);
        n -= 3;
    }
    const char *bad = nul ? "not text (a NUL byte)" : long_line ? "line too long" : syntax_error(str);
    if (bad) {
        s->problems++;
        say(s->report, s->ctx, CONFIG_WARN, "%s:%d: %s", s->name, s->line, bad);
        n = 0;
    }
    str[n] = '\n';
    str[n + 1] = '\0';
    return str;
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
    source *s = user;
    char where[CONFIG_PATH_MAX + 32], buf[96];
    snprintf(where, sizeof where, "%s:%d", s->name, s->line);
    if (!name || !value) return 1;
    if (*section && strcasecmp(section, "lectern") != 0) {
        s->problems++;
        say(s->report, s->ctx, CONFIG_WARN, "%s: unknown key '%s' in section [%s] (keys go under [lectern] or before any section)",
            where, shown(name, buf), section);
        return 1;
    }
    int r = config_set(s->c, name, value, where, s->report, s->ctx);
    if (r < 0) say(s->report, s->ctx, CONFIG_WARN, "%s: unknown key '%s'", where, shown(name, buf));
    if (r) s->problems++;
    return 1;
}

static int parse_source(source *s)
{
    int r = ini_parse_stream(reader, s, handler, s);
    /* The reader hands inih only lines it accepts, so this is a fallback. */
    if (r > 0) {
        s->problems++;
        say(s->report, s->ctx, CONFIG_WARN, "%s:%d: syntax error", s->name, r);
    } else if (r < 0) {
        s->problems++;
        say(s->report, s->ctx, CONFIG_WARN, "%s: could not be parsed (error %d)", s->name, r);
    }
    return s->problems;
}

int config_load_mem(config *c, const char *name, const char *text, size_t len,
                    config_report report, void *ctx)
{
    source s = {.p = text, .end = text + len, .c = c, .name = name, .report = report, .ctx = ctx};
    return parse_source(&s);
}

/* missing: 0 a problem, 1 one CONFIG_INFO message, 2 nothing said. *found
 * (if not NULL) says whether the file was there. */
static int load_file(config *c, const char *path, const char *name, int missing, int *found, config_report report,
                     void *ctx)
{
    int fd, err = fio_open_read(path, &fd, NULL, NULL); /* a FIFO or device: refused, not waited on */
    FILE *f = err ? NULL : fdopen(fd, "r");
    if (found) *found = err != ENOENT;
    if (!f) {
        if (!err) { err = errno; close(fd); }
        if (err == ENOENT && missing) {
            if (missing == 1) say(report, ctx, CONFIG_INFO, "%s: not found; using the defaults", name);
            return 0;
        }
        say(report, ctx, CONFIG_WARN, "%s: cannot open: %s; using the defaults", name,
            err == EINVAL ? "not a regular file" : strerror(err));
        return 1;
    }
    source s = {.f = f, .c = c, .name = name, .report = report, .ctx = ctx};
    int problems = parse_source(&s);
    if (ferror(f)) {
        say(report, ctx, CONFIG_WARN, "%s: read error after line %d", name, s.line);
        problems++;
    }
    fclose(f);
    return problems;
}

int config_load_file(config *c, const char *path, int must_exist, config_report report, void *ctx)
{
    return load_file(c, path, path, !must_exist, NULL, report, ctx);
}

/* ---- the command line --------------------------------------------------- */

/* With meta_only, only learn --config, --strict and --help: argv is left
 * alone and nothing is applied or reported. */
static int parse_args(config *c, int *argc, char **argv, int meta_only, config_report report, void *ctx)
{
    int problems = 0, out = 1, i = 1;
    if (meta_only) report = NULL;
    for (; i < *argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--")) break;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) { c->help = 1; continue; }
        if (!strcmp(a, "--strict")) { c->strict = 1; continue; }
        if (strncmp(a, "--", 2) != 0) { if (!meta_only) argv[out++] = argv[i]; continue; }

        /* --name=value or --name value */
        char name[64];
        const char *eq = strchr(a + 2, '='), *value = NULL;
        size_t len = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
        if (len >= sizeof name) { if (!meta_only) argv[out++] = argv[i]; continue; }
        memcpy(name, a + 2, len);
        name[len] = '\0';
        int is_copy = !strcmp(name, "boot-copy") || !strcmp(name, "boot_copy");
        int is_boot = is_copy || !strcmp(name, "boot-config") || !strcmp(name, "boot_config"),
            is_config = is_boot || !strcmp(name, "config");
        const struct key *k = is_config ? NULL : key_find(name);
        if (!is_config && !k) { if (!meta_only) argv[out++] = argv[i]; continue; } /* the caller's */
        if (eq) value = eq + 1;
        else if (i + 1 < *argc && strncmp(argv[i + 1], "--", 2) != 0) value = argv[++i];
        else if (k && k->type == K_BOOL) value = "yes";

        char where[96];
        snprintf(where, sizeof where, "option --%s", name);
        if (!value) {
            problems++;
            say(report, ctx, CONFIG_WARN, "%s: needs a value (%s)", where, k ? k->values : "a file path");
        } else if (is_copy) {
            if (*value && strlen(value) < sizeof c->boot_copy) {
                memcpy(c->boot_copy, value, strlen(value) + 1);
            } else {
                problems++;
                say(report, ctx, CONFIG_WARN, "%s: bad file name", where);
            }
        } else if (is_boot) {
            const char *v = !strcmp(value, "none") ? "" : value;
            if (strlen(v) < sizeof c->boot_file) {
                memcpy(c->boot_file, v, strlen(v) + 1);
                c->boot_given = 1;
            } else {
                problems++;
                say(report, ctx, CONFIG_WARN, "%s: bad file name", where);
            }
        } else if (is_config) {
            if (*value && strlen(value) < sizeof c->file) {
                memcpy(c->file, value, strlen(value) + 1);
                c->file_given = 1;
            }
            else {
                problems++;
                say(report, ctx, CONFIG_WARN, "%s: bad file name", where);
            }
        } else if (!meta_only) {
            problems += config_set(c, k->name, value, where, report, ctx) != 0;
        }
    }
    if (!meta_only) {
        for (; i < *argc; i++) argv[out++] = argv[i];
        *argc = out;
        argv[out] = NULL;
    }
    return problems;
}

int config_parse_args(config *c, int *argc, char **argv, config_report report, void *ctx)
{
    return parse_args(c, argc, argv, 0, report, ctx);
}

int config_init(config *c, int *argc, char **argv, int flags, config_report report, void *ctx)
{
    config_defaults(c);
    parse_args(c, argc, argv, 1, NULL, NULL);
    if (c->help) return CONFIG_HELP;
    int explicit_file = c->file_given || strcmp(c->file, CONFIG_DEFAULT_FILE) != 0;
    if (explicit_file || !(flags & CONFIG_ONLY_GIVEN_FILE))
        c->file_problems = config_load_file(c, c->file, explicit_file, report, ctx);
    /* The boot partition's file goes with the system's, not with a file
     * given for a test or a desktop; it may always be missing. */
    if (*c->boot_file && (c->boot_given || (!explicit_file && !(flags & CONFIG_ONLY_GIVEN_FILE))))
    {
        /* --boot-copy: the same bytes, copied from the partition before it
         * was mounted here (config.h); the stamp is the copy's, so that the
         * boot file, once mounted, shows no change unless it has one */
        const char *src = c->boot_copy[0] ? c->boot_copy : c->boot_file;
        config_stamp_take(src, &c->boot_stamp); /* before: a change after it is seen later */
        c->boot_problems = load_file(c, src, c->boot_file, 2, &c->boot_read, report, ctx);
    }
    c->flag_problems = parse_args(c, argc, argv, 0, report, ctx);
    int problems = c->file_problems + c->boot_problems + c->flag_problems;
    if (problems && c->strict) {
        char in[2 * CONFIG_PATH_MAX + 40] = "";
        size_t n = 0;
        if (c->file_problems) n += (size_t)snprintf(in + n, sizeof in - n, "%s", c->file);
        if (c->boot_problems)
            n += (size_t)snprintf(in + n, sizeof in - n, "%s%s", n ? " and " : "", c->boot_file);
        if (c->flag_problems && n < sizeof in) snprintf(in + n, sizeof in - n, "%sthe options", n ? " and " : "");
        say(report, ctx, CONFIG_WARN, "--strict: not starting with %d problem%s in %s", problems,
            problems == 1 ? "" : "s", in);
        return CONFIG_ESTRICT;
    }
    return CONFIG_OK;
}

/* ---- noticing a change -------------------------------------------------- */

void config_stamp_take(const char *path, config_stamp *s)
{
    uint8_t *b = NULL;
    size_t n = 0;
    s->taken = 1;
    s->present = fio_read_all(path, CONFIG_MAX_FILE, &b, &n, NULL) == 0;
    s->hash = s->present ? XXH3_64bits(b, n) : 0;
    free(b);
}

int config_stamp_changed(const char *path, config_stamp *s)
{
    config_stamp now;
    config_stamp_take(path, &now);
    if (!now.present || (s->present && now.hash == s->hash)) return 0;
    *s = now;
    return 1;
}

int config_same(const config *a, const config *b)
{
    /* both were zeroed by config_defaults before anything was set, padding
     * included, so the bytes compare */
    config x = *a, y = *b;
    config *v[2] = {&x, &y};
    for (int i = 0; i < 2; i++) {
        memset(&v[i]->boot_stamp, 0, sizeof v[i]->boot_stamp);
        memset(v[i]->boot_copy, 0, sizeof v[i]->boot_copy); /* where the same bytes were read */
        v[i]->boot_read = v[i]->file_problems = v[i]->boot_problems = v[i]->flag_problems = 0;
    }
    return !memcmp(&x, &y, sizeof x);
}

/* ---- help --------------------------------------------------------------- */

void config_help(FILE *f)
{
    fprintf(f, "Usage: lectern [--KEY VALUE | --KEY=VALUE]... [--config FILE] [--strict] [--help]\n\n"
               "Settings come from %s (INI, \"key = value\", optionally under\n"
               "[lectern]), then from %s (the SD card's FAT partition,\n"
               "editable from any computer), then from flags, which win. In flags, '-' may\n"
               "replace '_'.\n\n",
            CONFIG_DEFAULT_FILE, CONFIG_BOOT_FILE);
    for (size_t i = 0; i < NKEYS; i++) {
        fprintf(f, "  --%s VALUE\n      %s.\n      %s; default: %s\n", keys[i].name, keys[i].help,
                keys[i].values, keys[i].def);
    }
    fprintf(f, "  --config FILE\n      read this file instead of %s (and not the boot partition's).\n"
               "  --boot-config FILE\n      read this file after the first one (default %s, when the\n"
               "      default first file is read; none: no second file). It may be missing.\n"
               "  --boot-copy FILE\n      read FILE in the second file's place: a copy of it made before its\n"
               "      partition was mounted (messages still name the second file).\n"
               "  --strict\n      stop on an unknown key or bad value instead of going on with the default.\n"
               "  --help, -h\n      print this and exit.\n",
            CONFIG_DEFAULT_FILE, CONFIG_BOOT_FILE);
}

/* ---- essays ------------------------------------------------------------- */

size_t config_essay_list(const config *c, uint32_t count, uint32_t *out, size_t cap)
{
    size_t k = 0;
    if (c->nessays == 0) {
        for (uint32_t n = 1; n <= count; n++, k++)
            if (k < cap) out[k] = n;
        return k;
    }
    for (size_t r = 0; r < c->nessays; r++) {
        uint32_t hi = c->essays[r].hi < count ? c->essays[r].hi : count;
        for (uint32_t n = c->essays[r].lo; n <= hi && n >= c->essays[r].lo; n++) {
            int seen = 0;
            for (size_t q = 0; q < r && !seen; q++) seen = n >= c->essays[q].lo && n <= c->essays[q].hi;
            if (seen) continue;
            if (k < cap) out[k] = n;
            k++;
        }
    }
    return k;
}

/* admin.c - see admin.h. */
#include "admin.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "schedule.h"

void admin_log_add(admin_log *l, const char *msg)
{
    if (!l || !msg) return;
    l->total++;
    if (l->n >= ADMIN_LOG_MAX) return;
    size_t len = strlen(msg);
    char *d = l->msg[l->n++];
    if (len < ADMIN_MSG_MAX) {
        memcpy(d, msg, len + 1);
        return;
    }
    /* shortened at a character's start (UTF-8), with "..." */
    size_t k = ADMIN_MSG_MAX - 4;
    while (k && ((unsigned char)msg[k] & 0xC0) == 0x80) k--;
    memcpy(d, msg, k);
    memcpy(d + k, "...", 4);
}

/* ---- the lines --------------------------------------------------------------------- */

typedef struct out {
    admin_line *v;
    size_t n, cap;
} out;

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static void line(out *o, int kind, const char *fmt, ...)
{
    if (o->n >= o->cap) return;
    admin_line *l = &o->v[o->n++];
    l->kind = kind;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(l->text, sizeof l->text, fmt, ap);
    va_end(ap);
}

static const char *const month_names[12] = {"January", "February", "March",     "April",   "May",      "June",
                                            "July",    "August",   "September", "October", "November", "December"};
static const char *const day_names[7] = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
                                         "Sunday"};

static void essays(out *o, const admin_facts *f)
{
    const char *file = f->pack_file && *f->pack_file ? f->pack_file : "(none found)";
    line(o, ADMIN_HEAD, "Essays");
    if (!f->pk) {
        line(o, ADMIN_WARN, "No essays could be opened from %s; the visitors see \"Nothing to read just now\".", file);
        return;
    }
    size_t n = pack_essays(f->pk);
    if (f->folder) line(o, ADMIN_TEXT, "From the folder %s, packed when the reader started.", file);
    else line(o, ADMIN_TEXT, "Pack file: %s", file);
    if (f->shown != n)
        line(o, ADMIN_TEXT, "%zu essay%s in it; the library shows %zu of them (the setting essays).", n,
             n == 1 ? "" : "s", f->shown);
    else line(o, ADMIN_TEXT, "%zu essay%s, all shown in the library.", n, n == 1 ? "" : "s");
    const pack_sig *s = pack_signature(f->pk);
    if (!s) {
        line(o, ADMIN_TEXT, "Not signed.");
        return;
    }
    char hex[17];
    for (int i = 0; i < 8; i++) snprintf(hex + 2 * i, 3, "%02x", s->pubkey[i]);
    line(o, ADMIN_TEXT,
         "Signed, with the key beginning %s (lectern-pack info shows it as signed_key; the reader does not check "
         "the signature).",
         hex);
}

/* What the kiosk does with a USB stick (import.h), after the essays. */
static void new_essays(out *o, const admin_facts *f)
{
    const config *c = f->cfg;
    if (!c) return;
    if (c->import_mode == CONFIG_IMPORT_ASK)
        line(o, ADMIN_TEXT, "New essays on a USB stick or the SD card are offered on the screen (import = ask).");
    else if (c->import_mode == CONFIG_IMPORT_SIGNED)
        line(o, ADMIN_TEXT,
             "New essays: only packs signed by a key in %s are loaded, from this screen (import = signed).",
             c->keys_dir);
    else
        line(o, ADMIN_TEXT, "USB sticks are ignored (import = off).");
}

static void settings(out *o, const admin_facts *f)
{
    const config *c = f->cfg;
    const admin_log *l = f->log;
    line(o, ADMIN_HEAD, "Settings");
    if (!c) {
        line(o, ADMIN_TEXT, "The defaults (no settings were given).");
        return;
    }
    int read_any = 0;
    if (l && l->file_looked) {
        if (l->file_missing)
            line(o, ADMIN_TEXT, "%s is not there%s", c->file, c->boot_read ? "." : ": the defaults are used.");
        else {
            line(o, ADMIN_TEXT, "Read from %s", c->file);
            read_any = 1;
        }
    }
    if (c->boot_read) {
        line(o, ADMIN_TEXT, "%s %s (on the SD card, editable from any computer)", read_any ? "Then from" : "Read from",
             c->boot_file);
        read_any = 1;
    }
    if (!read_any && !(l && l->file_missing)) line(o, ADMIN_TEXT, "No settings file was read: the defaults are used.");
    size_t total = l ? l->total : 0;
    if (!total) {
        line(o, ADMIN_TEXT, "No problems in the settings.");
        return;
    }
    line(o, ADMIN_WARN, "%zu problem%s when the reader started; %s the default%s:", total, total == 1 ? "" : "s",
         total == 1 ? "that setting keeps" : "those settings keep", total == 1 ? "" : "s");
    for (size_t i = 0; i < l->n; i++) line(o, ADMIN_PROBLEM, "%s", l->msg[i]);
    if (total > l->n) line(o, ADMIN_PROBLEM, "and %zu more", total - l->n);
}

static void civil(int64_t t, int *y, int *m, int *d, int *wd, int *hh, int *mm)
{
    int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
    int64_t sec = t - days * 86400;
    schedule_date(days, y, m, d);
    *wd = schedule_weekday(days);
    *hh = (int)(sec / 3600);
    *mm = (int)(sec / 60 % 60);
}

static void clock_lines(out *o, const admin_facts *f)
{
    int y, m, d, wd, hh, mm;
    civil(f->wall, &y, &m, &d, &wd, &hh, &mm);
    line(o, ADMIN_HEAD, "Clock");
    line(o, ADMIN_TEXT, "It is %s %d %s %d, %02d:%02d (this reader's clock).", day_names[wd], d, month_names[m - 1], y,
         hh, mm);
    const config *c = f->cfg;
    if (c && c->awake.n > 0 && !schedule_clock_set(f->wall)) {
        line(o, ADMIN_WARN, "The clock is not set. The awake hours need a set clock: until it is set, the display does "
             "not sleep by them%s.", c->sleep_after ? " (it still sleeps after sleep_after minutes without a touch)" : "");
        line(o, ADMIN_WARN, "A Raspberry Pi 5 has a clock of its own (with its small battery fitted); other models need a clock "
             "module, such as a DS3231.");
    }
}

static void display(out *o, const admin_facts *f)
{
    const config *c = f->cfg;
    config def;
    if (!c) {
        config_defaults(&def);
        c = &def;
    }
    char sleep[64], awake[600], idle[96];
    if (c->sleep_after) snprintf(sleep, sizeof sleep, "sleeps after %d minute%s without a touch", c->sleep_after,
                                 c->sleep_after == 1 ? "" : "s");
    else snprintf(sleep, sizeof sleep, "never sleeps for lack of touches");
    if (c->awake.n) {
        char hours[512];
        schedule_format(&c->awake, hours, sizeof hours);
        snprintf(awake, sizeof awake, "awake %s", hours);
    } else snprintf(awake, sizeof awake, "awake at all hours");
    const char *what = c->idle_action == CONFIG_IDLE_ATTRACT ? "the attract screen" : "the library";
    if (!c->idle_timeout) snprintf(idle, sizeof idle, "no idle reset");
    else if (c->idle_timeout % 60 == 0)
        snprintf(idle, sizeof idle, "after %d minute%s idle, %s", c->idle_timeout / 60, c->idle_timeout == 60 ? "" : "s",
                 what);
    else snprintf(idle, sizeof idle, "after %d seconds idle, %s", c->idle_timeout, what);
    line(o, ADMIN_HEAD, "Display");
    line(o, ADMIN_TEXT, "The display %s; %s; %s.", sleep, awake, idle);
}

size_t admin_lines(const admin_facts *f, admin_line *v, size_t cap)
{
    out o = {v, 0, cap};
    essays(&o, f);
    new_essays(&o, f);
    settings(&o, f);
    clock_lines(&o, f);
    display(&o, f);
    return o.n;
}

/* test_admin.c - the admin screen's lines (admin.h): the essays (count,
 * signed or not and by which key), the settings (files read, every
 * problem with its file:line, "and N more"), the clock's warning only when
 * the awake hours are set and the clock is before 2024, and the display's
 * one line. */
#include <stdlib.h>
#include <string.h>

#include "admin.h"
#include "config.h"
#include "fileio.h"
#include "pack.h"
#include "pack_sign.h"
#include "schedule.h"
#include "t.h"

static admin_line L[ADMIN_LINES_MAX];

/* The lines for f; how many. */
static size_t make(const admin_facts *f)
{
    memset(L, 0, sizeof L);
    size_t n = admin_lines(f, L, ADMIN_LINES_MAX);
    for (size_t i = 0; i < n; i++) CHECKF(L[i].text[0], "line %zu is empty", i);
    return n;
}

/* The index of the first line containing s (of kind `kind`, or any when
 * kind < 0), or -1. */
static long find(size_t n, int kind, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if ((kind < 0 || L[i].kind == kind) && strstr(L[i].text, s)) return (long)i;
    return -1;
}

static void dump(size_t n)
{
    for (size_t i = 0; i < n; i++) fprintf(stderr, "    [%d] %s\n", L[i].kind, L[i].text);
}

static int64_t at(int y, int m, int d, int hh, int mm) { return schedule_days(y, m, d) * 86400 + hh * 3600 + mm * 60; }

TEST(settings_problems_with_their_lines)
{
    config c;
    config_defaults(&c);
    admin_log lg;
    memset(&lg, 0, sizeof lg);
    lg.file_looked = 1;
    /* a real file with two bad lines, through the configuration's own reader */
    static const char text[] = "[lectern]\nrotate = 45\nawake = Mon-Fri 08:30-18:00\nfont_size = big\n";
    int r = config_load_mem(&c, "kiosk.conf", text, sizeof text - 1, NULL, NULL);
    CHECK(r == 2);
    admin_log_add(&lg, "kiosk.conf:2: bad value '45' for rotate (expected 0, 90, 180 or 270)");
    admin_log_add(&lg, "kiosk.conf:4: bad value 'big' for font_size (expected auto or points)");
    admin_facts f = {.pack_file = "x.lpk", .cfg = &c, .log = &lg, .wall = at(2026, 12, 7, 10, 0)};
    size_t n = make(&f);
    long h = find(n, ADMIN_HEAD, "Settings");
    long w = find(n, ADMIN_WARN, "2 problems when the reader started");
    long p1 = find(n, ADMIN_PROBLEM, "kiosk.conf:2: bad value '45' for rotate");
    long p2 = find(n, ADMIN_PROBLEM, "kiosk.conf:4: bad value 'big'");
    CHECKF(h >= 0 && w > h && p1 == w + 1 && p2 == p1 + 1, "%ld %ld %ld %ld", h, w, p1, p2);
    CHECK(find(n, -1, "Read from /etc/lectern/lectern.conf") >= 0);
    CHECK(find(n, -1, "and ") < 0 || find(n, ADMIN_PROBLEM, "more") < 0);
    CHECK(find(n, -1, "No problems") < 0);

    /* more than are kept: "and N more", counted exactly */
    memset(&lg, 0, sizeof lg);
    lg.file_looked = 1;
    for (int i = 0; i < ADMIN_LOG_MAX + 5; i++) {
        char m[64];
        snprintf(m, sizeof m, "kiosk.conf:%d: unknown key 'k%d'", i + 1, i);
        admin_log_add(&lg, m);
    }
    CHECK(lg.n == ADMIN_LOG_MAX && lg.total == ADMIN_LOG_MAX + 5);
    n = make(&f);
    CHECK(find(n, ADMIN_PROBLEM, "kiosk.conf:1: unknown key 'k0'") >= 0);
    char last[64];
    snprintf(last, sizeof last, "kiosk.conf:%d: unknown key", ADMIN_LOG_MAX);
    CHECK(find(n, ADMIN_PROBLEM, last) >= 0);
    snprintf(last, sizeof last, "kiosk.conf:%d: unknown key", ADMIN_LOG_MAX + 1);
    CHECK(find(n, ADMIN_PROBLEM, last) < 0);
    long more = find(n, ADMIN_PROBLEM, "and 5 more");
    CHECKF(more >= 0 && !strcmp(L[more].text, "and 5 more"), "%ld", more);
    char want[64];
    snprintf(want, sizeof want, "%d problems", ADMIN_LOG_MAX + 5);
    CHECK(find(n, ADMIN_WARN, want) >= 0);

    /* a very long message is kept shortened, whole characters and "..." */
    memset(&lg, 0, sizeof lg);
    char big[1000];
    memset(big, 'a', sizeof big);
    memcpy(big + ADMIN_MSG_MAX - 5, "\xC3\xA9\xC3\xA9", 4);
    big[sizeof big - 1] = 0;
    admin_log_add(&lg, big);
    size_t len = strlen(lg.msg[0]);
    CHECKF(len < ADMIN_MSG_MAX && !strcmp(lg.msg[0] + len - 3, "...") && lg.msg[0][len - 4] != '\xC3', "%zu", len);

    /* none: said so; the missing file and the boot partition's */
    memset(&lg, 0, sizeof lg);
    lg.file_looked = 1;
    lg.file_missing = 1;
    c.boot_read = 1;
    snprintf(c.boot_file, sizeof c.boot_file, "/boot/firmware/lectern.conf");
    n = make(&f);
    CHECK(find(n, ADMIN_TEXT, "No problems in the settings") >= 0);
    long miss = find(n, ADMIN_TEXT, "/etc/lectern/lectern.conf is not there");
    CHECK(miss >= 0 && !strcmp(L[miss].text, "/etc/lectern/lectern.conf is not there."));
    CHECK(find(n, ADMIN_TEXT, "/boot/firmware/lectern.conf") >= 0);
    CHECK(find(n, ADMIN_WARN, "problem") < 0);
    c.boot_read = 0;
    n = make(&f);
    CHECK(find(n, ADMIN_TEXT, "/etc/lectern/lectern.conf is not there: the defaults are used.") >= 0);
    /* a replay that reads no file */
    memset(&lg, 0, sizeof lg);
    n = make(&f);
    CHECK(find(n, ADMIN_TEXT, "No settings file was read") >= 0);
    if (t_bad) dump(n);
}

TEST(clock_warning_only_when_awake_is_set_and_the_clock_is_unset)
{
    config c;
    config_defaults(&c);
    admin_log lg;
    memset(&lg, 0, sizeof lg);
    admin_facts f = {.pack_file = "x.lpk", .cfg = &c, .log = &lg};
    static const struct { int awake; int y, m, d; int warn; } cases[] = {
        {0, 1970, 1, 1, 0}, {1, 1970, 1, 1, 1}, {1, 2023, 12, 31, 1}, {1, 2024, 1, 1, 0},
        {1, 2026, 12, 7, 0}, {0, 2026, 12, 7, 0},
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        char why[200];
        CHECK(schedule_parse(cases[k].awake ? "Mon-Fri 08:30-18:00, Sat 10:00-16:00" : "", &c.awake, why,
                             sizeof why) == 0);
        f.wall = at(cases[k].y, cases[k].m, cases[k].d, 9, 5);
        size_t n = make(&f);
        long w = find(n, ADMIN_WARN, "The clock is not set");
        long ds = find(n, ADMIN_WARN, "DS3231");
        CHECKF((w >= 0) == cases[k].warn && (ds >= 0) == cases[k].warn, "case %zu: %ld %ld", k, w, ds);
        if (cases[k].warn) CHECK(strstr(L[w].text, "does not sleep by them") != NULL);
        char date[64];
        snprintf(date, sizeof date, "%d %s %d, 09:05", cases[k].d,
                 cases[k].m == 1 ? "January" : "December", cases[k].y);
        CHECKF(find(n, ADMIN_TEXT, date) >= 0, "case %zu: no '%s'", k, date);
        if (t_bad) dump(n);
    }
    /* 7 December 2026 is a Monday */
    f.wall = at(2026, 12, 7, 23, 59);
    size_t n = make(&f);
    CHECK(find(n, ADMIN_TEXT, "It is Monday 7 December 2026, 23:59") >= 0);
    /* with sleep_after set, the warning says it still applies */
    char why[200];
    CHECK(schedule_parse("09:00-17:00", &c.awake, why, sizeof why) == 0);
    c.sleep_after = 5;
    f.wall = at(1970, 1, 1, 0, 0);
    n = make(&f);
    long w = find(n, ADMIN_WARN, "The clock is not set");
    CHECK(w >= 0 && strstr(L[w].text, "sleep_after") != NULL);
}

TEST(display_in_one_line)
{
    config c;
    config_defaults(&c);
    admin_facts f = {.pack_file = "x.lpk", .cfg = &c, .wall = at(2026, 12, 7, 10, 0)};
    size_t n = make(&f);
    long d = find(n, ADMIN_HEAD, "Display");
    CHECKF(d >= 0 && (size_t)d + 2 == n, "%ld of %zu", d, n);
    CHECK(d >= 0 && !strcmp(L[d + 1].text,
                            "The display never sleeps for lack of touches; awake at all hours; after 5 minutes idle, "
                            "the library."));
    char why[200];
    CHECK(schedule_parse("Mon-Fri 08:30-18:00, Sat 10:00-16:00", &c.awake, why, sizeof why) == 0);
    c.sleep_after = 1;
    c.idle_timeout = 90;
    c.idle_action = CONFIG_IDLE_ATTRACT;
    n = make(&f);
    CHECK(!strcmp(L[n - 1].text, "The display sleeps after 1 minute without a touch; awake Mon-Fri 08:30-18:00, "
                                 "Sat 10:00-16:00; after 90 seconds idle, the attract screen."));
    c.idle_timeout = 0;
    n = make(&f);
    CHECK(strstr(L[n - 1].text, "; no idle reset.") != NULL);
    if (t_bad) dump(n);
}

TEST(what_a_usb_stick_does)
{
    config c;
    config_defaults(&c);
    admin_facts f = {.pack_file = "x.lpk", .cfg = &c, .wall = at(2026, 12, 7, 10, 0)};
    size_t n = make(&f);
    long s = find(n, ADMIN_HEAD, "Settings"), k = find(n, ADMIN_TEXT, "(import = ask)");
    CHECKF(k >= 0 && k < s, "%ld before %ld", k, s); /* with the essays */
    c.import_mode = CONFIG_IMPORT_SIGNED;
    n = make(&f);
    CHECK(find(n, ADMIN_TEXT, "only packs signed by a key in /etc/lectern/keys are loaded, from this screen") >= 0);
    c.import_mode = CONFIG_IMPORT_OFF;
    n = make(&f);
    CHECK(find(n, ADMIN_TEXT, "USB sticks are ignored (import = off).") >= 0 && find(n, -1, "import = ask") < 0);
    if (t_bad) dump(n);
}

static int read_file(const char *path, uint8_t **b, size_t *n)
{
    lerr e;
    if (fio_read_all(path, 64u << 20, b, n, &e)) {
        fprintf(stderr, "  %s\n", e.msg);
        return -1;
    }
    return 0;
}

TEST(essays_signed_or_not)
{
    uint8_t *img = NULL, *sig = NULL;
    size_t n = 0, sn = 0;
    lerr e;
    if (read_file(t_build("default.lpk"), &img, &n)) {
        CHECK(0);
        return;
    }
    pack *p = NULL, *s = NULL;
    CHECK(pack_open_mem(&p, img, n, &e) == 0);
    uint8_t pk[PSIGN_PUBLIC_SIZE], sk[PSIGN_SECRET_SIZE];
    CHECK(psign_init(NULL) == 0);
    psign_keypair(pk, sk);
    CHECK(psign_sign(img, n, sk, &sig, &sn, &e) == 0);
    CHECK(sig && pack_open_mem(&s, sig, sn, &e) == 0);
    psign_wipe(sk, sizeof sk);
    if (!p || !s) {
        pack_close(p);
        pack_close(s);
        free(img);
        free(sig);
        return;
    }
    size_t count = pack_essays(p);
    admin_facts f = {.pack_file = "/usr/share/lectern/default.lpk", .pk = p, .shown = count,
                     .wall = at(2026, 12, 7, 10, 0)};
    size_t k = make(&f);
    char want[80];
    snprintf(want, sizeof want, "%zu essays, all shown in the library.", count);
    CHECK(find(k, ADMIN_TEXT, "Pack file: /usr/share/lectern/default.lpk") >= 0);
    CHECK(find(k, ADMIN_TEXT, want) >= 0);
    CHECK(find(k, ADMIN_TEXT, "Not signed.") >= 0 && find(k, -1, "Signed") < 0);
    /* the library shows fewer */
    f.shown = 2;
    k = make(&f);
    snprintf(want, sizeof want, "%zu essays in it; the library shows 2 of them", count);
    CHECK(find(k, ADMIN_TEXT, want) >= 0);
    /* signed: the key's first 8 bytes in hex */
    f.pk = s;
    k = make(&f);
    char hex[17];
    for (int i = 0; i < 8; i++) snprintf(hex + 2 * i, 3, "%02x", pk[i]);
    long l = find(k, ADMIN_TEXT, "Signed, with the key beginning ");
    CHECKF(l >= 0 && strstr(L[l].text, hex) && find(k, -1, "Not signed") < 0, "%s", hex);
    /* a folder; no pack at all */
    f.folder = 1;
    f.pack_file = "/home/teacher/essays";
    k = make(&f);
    CHECK(find(k, ADMIN_TEXT, "From the folder /home/teacher/essays") >= 0);
    f.pk = NULL;
    k = make(&f);
    CHECK(find(k, ADMIN_WARN, "No essays could be opened") >= 0);
    /* the lines fit any cap, and never more */
    CHECK(admin_lines(&f, L, 3) == 3 && admin_lines(&f, L, 0) == 0);
    if (t_bad) dump(k);
    pack_close(p);
    pack_close(s);
    free(img);
    free(sig);
}

int main(void)
{
    RUN(settings_problems_with_their_lines);
    RUN(clock_warning_only_when_awake_is_set_and_the_clock_is_unset);
    RUN(display_in_one_line);
    RUN(what_a_usb_stick_does);
    RUN(essays_signed_or_not);
    return T_END();
}

/* schedule.c - see schedule.h. */
#include "schedule.h"

#include <stdio.h>
#include <string.h>

static const char *const day_short[7] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
static const char *const day_long[7] = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
                                        "sunday"};

static char lower(char c) { return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c; }
static int is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static int is_digit(char c) { return c >= '0' && c <= '9'; }

/* ---- civil time ------------------------------------------------------------------ */

int64_t schedule_days(int y, int m, int d)
{
    int64_t yy = (int64_t)y - (m <= 2);
    int64_t era = (yy >= 0 ? yy : yy - 399) / 400;
    int64_t yoe = yy - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void schedule_date(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

int schedule_weekday(int64_t days)
{
    /* 1970-01-01 was a Thursday (3, counting Monday as 0) */
    int64_t w = (days + 3) % 7;
    return (int)(w < 0 ? w + 7 : w);
}

int schedule_valid_date(int y, int m, int d)
{
    static const int len[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12 || d < 1) return 0;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d <= len[m - 1] + (m == 2 && leap);
}

int schedule_clock_set(int64_t t) { return t >= schedule_days(SCHEDULE_CLOCK_YEAR, 1, 1) * 86400; }

int schedule_awake(const schedule *s, int64_t t)
{
    if (!s || s->n == 0) return 1;
    int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
    int minute = (int)((t - days * 86400) / 60);
    int bit = 1 << schedule_weekday(days);
    for (size_t i = 0; i < s->n; i++)
        if ((s->v[i].days & bit) && minute >= s->v[i].from && minute < s->v[i].to) return 1;
    return 0;
}

int schedule_should_sleep(const schedule *awake, uint64_t sleep_after_ms, uint64_t grace_ms, int64_t t,
                          uint64_t now_ms, uint64_t last_ms, int touched)
{
    uint64_t idle = now_ms > last_ms ? now_ms - last_ms : 0;
    if (sleep_after_ms && idle >= sleep_after_ms) return 1;
    if (schedule_awake(awake, t)) return 0;
    return !touched || idle >= (sleep_after_ms ? sleep_after_ms : grace_ms);
}

/* ---- parsing ----------------------------------------------------------------------- */

/* A day name at *p: Mon or Monday, any case. Returns 0..6 and advances, or -1. */
static int day_at(const char **p)
{
    const char *s = *p;
    size_t n = 0;
    while (is_alpha(s[n])) n++;
    for (int d = 0; d < 7; d++) {
        size_t full = strlen(day_long[d]);
        if (n != 3 && n != full) continue;
        size_t k = 0;
        while (k < n && lower(s[k]) == day_long[d][k]) k++;
        if (k == n) {
            *p = s + n;
            return d;
        }
    }
    return -1;
}

/* HH:MM (H:MM too), 00:00..24:00. Returns minutes and advances, or -1. */
static int time_at(const char **p)
{
    const char *s = *p;
    int h = 0, nd = 0;
    while (is_digit(*s) && nd < 3) h = h * 10 + (*s++ - '0'), nd++;
    if (nd == 0 || nd > 2 || *s != ':' || !is_digit(s[1]) || !is_digit(s[2]) || is_digit(s[3])) return -1;
    int m = (s[1] - '0') * 10 + (s[2] - '0');
    if (h > 24 || m > 59 || (h == 24 && m != 0)) return -1;
    *p = s + 3;
    return h * 60 + m;
}

static void skip_spaces(const char **p)
{
    while (**p == ' ' || **p == '\t') (*p)++;
}

/* One item (NUL-terminated, trimmed) into sp. Returns 0, or -1 with why. */
static int parse_item(const char *item, schedule_span *sp, char *why, size_t wn)
{
    const char *p = item;
    sp->days = 0x7F;
    if (is_alpha(*p)) {
        int d1 = day_at(&p), d2;
        if (d1 < 0) {
            snprintf(why, wn, "'%.*s' is not a day (Mon Tue Wed Thu Fri Sat Sun)", (int)strcspn(item, " -\t"),
                     item);
            return -1;
        }
        d2 = d1;
        const char *q = p;
        skip_spaces(&q);
        if (*q == '-') {
            q++;
            skip_spaces(&q);
            if (!is_alpha(*q)) {
                snprintf(why, wn, "expected a day after '-' at character %d", (int)(q - item) + 1);
                return -1;
            }
            const char *name = q;
            d2 = day_at(&q);
            if (d2 < 0) {
                snprintf(why, wn, "'%.*s' is not a day (Mon Tue Wed Thu Fri Sat Sun)", (int)strcspn(name, " -\t"),
                         name);
                return -1;
            }
            p = q;
        }
        sp->days = 0;
        for (int d = d1;; d = (d + 1) % 7) {
            sp->days |= (uint8_t)(1 << d);
            if (d == d2) break;
        }
        if (*p != ' ' && *p != '\t') {
            snprintf(why, wn, "expected a space and the hours HH:MM-HH:MM after the days at character %d",
                     (int)(p - item) + 1);
            return -1;
        }
        skip_spaces(&p);
    }
    const char *t = p;
    int from = time_at(&p);
    if (from < 0) {
        snprintf(why, wn, "expected a time HH:MM (00:00 to 24:00) at character %d", (int)(t - item) + 1);
        return -1;
    }
    skip_spaces(&p);
    if (*p != '-') {
        snprintf(why, wn, "expected '-' and the end time at character %d", (int)(p - item) + 1);
        return -1;
    }
    p++;
    skip_spaces(&p);
    t = p;
    int to = time_at(&p);
    if (to < 0) {
        snprintf(why, wn, "expected a time HH:MM (00:00 to 24:00) at character %d", (int)(t - item) + 1);
        return -1;
    }
    skip_spaces(&p);
    if (*p) {
        snprintf(why, wn, "unexpected '%c' at character %d", *p, (int)(p - item) + 1);
        return -1;
    }
    if (to <= from) {
        snprintf(why, wn, "the end %02d:%02d is not after the start %02d:%02d (past midnight, write two spans: "
                 "Fri 20:00-24:00, Sat 00:00-02:00)", to / 60, to % 60, from / 60, from % 60);
        return -1;
    }
    sp->from = (uint16_t)from;
    sp->to = (uint16_t)to;
    return 0;
}

int schedule_parse(const char *text, schedule *out, char *why, size_t wn)
{
    schedule s;
    memset(&s, 0, sizeof s);
    const char *p = text;
    skip_spaces(&p);
    if (!*p) {
        *out = s;
        return 0;
    }
    for (int item = 1;; item++) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        char buf[128];
        while (len && (p[len - 1] == ' ' || p[len - 1] == '\t')) len--;
        while (len && (*p == ' ' || *p == '\t')) p++, len--;
        if (len == 0) {
            snprintf(why, wn, "item %d is empty (a stray comma?)", item);
            return -1;
        }
        if (len >= sizeof buf) {
            snprintf(why, wn, "item %d is longer than %zu characters", item, sizeof buf - 1);
            return -1;
        }
        if (s.n == SCHEDULE_MAX) {
            snprintf(why, wn, "more than %d spans", SCHEDULE_MAX);
            return -1;
        }
        memcpy(buf, p, len);
        buf[len] = '\0';
        char w[200];
        if (parse_item(buf, &s.v[s.n], w, sizeof w)) {
            snprintf(why, wn, "item %d '%.60s': %s", item, buf, w);
            return -1;
        }
        s.n++;
        if (!end) break;
        p = end + 1;
    }
    *out = s;
    return 0;
}

size_t schedule_format(const schedule *s, char *buf, size_t n)
{
    size_t k = 0;
    if (n) buf[0] = '\0';
    for (size_t i = 0; i < s->n && k + 1 < n; i++) {
        const schedule_span *sp = &s->v[i];
        char days[16] = "";
        if (sp->days != 0x7F) {
            /* the days as one run d1-d2, wrapping past Sunday if need be */
            int d1 = 0;
            while (d1 < 7 && ((sp->days >> d1 & 1) == 0 || (sp->days >> ((d1 + 6) % 7) & 1))) d1++;
            if (d1 == 7) d1 = 0;
            int d2 = d1;
            while ((sp->days >> ((d2 + 1) % 7) & 1) && (d2 + 1) % 7 != d1) d2 = (d2 + 1) % 7;
            if (d1 == d2) snprintf(days, sizeof days, "%s ", day_short[d1]);
            else snprintf(days, sizeof days, "%s-%s ", day_short[d1], day_short[d2]);
        }
        int r = snprintf(buf + k, n - k, "%s%s%02d:%02d-%02d:%02d", i ? ", " : "", days, sp->from / 60,
                         sp->from % 60, sp->to / 60, sp->to % 60);
        if (r < 0) break;
        k += (size_t)r < n - k ? (size_t)r : n - k - 1;
    }
    return k;
}

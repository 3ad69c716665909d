/* test_schedule.c - the awake hours (src/schedule.h): parsing with
 * messages that say where, evaluation at the edges, days that wrap, and
 * the civil-date arithmetic the replay clock and the live clock share. */
#include <string.h>

#include "schedule.h"
#include "t.h"

/* civil second of a local wall time */
static int64_t at(int y, int mo, int d, int h, int mi) { return schedule_days(y, mo, d) * 86400 + h * 3600 + mi * 60; }

static int awake(const char *text, int64_t t)
{
    schedule s;
    char why[256];
    if (schedule_parse(text, &s, why, sizeof why)) return -1;
    return schedule_awake(&s, t);
}

TEST(civil_dates)
{
    CHECK(schedule_days(1970, 1, 1) == 0);
    CHECK(schedule_days(2000, 3, 1) == 11017);
    CHECK(schedule_weekday(0) == 3); /* a Thursday */
    CHECK(schedule_weekday(schedule_days(2026, 12, 1)) == 1); /* a Tuesday */
    CHECK(schedule_weekday(schedule_days(2024, 2, 29)) == 3);
    CHECK(schedule_weekday(-1) == 2);
    int bad = 0;
    for (int64_t z = -800000; z < 800000; z += 97) {
        int y, m, d;
        schedule_date(z, &y, &m, &d);
        bad += schedule_days(y, m, d) != z || !schedule_valid_date(y, m, d);
    }
    CHECKF(bad == 0, "%d days do not round-trip", bad);
    CHECK(schedule_valid_date(2024, 2, 29) && !schedule_valid_date(2023, 2, 29) && !schedule_valid_date(1900, 2, 29));
    CHECK(schedule_valid_date(2000, 2, 29) && !schedule_valid_date(2026, 4, 31) && !schedule_valid_date(2026, 13, 1));
}

TEST(weekdays_and_hours)
{
    const char *k = "Mon-Fri 08:30-18:00, Sat 10:00-16:00";
    /* 2026-12-07 is a Monday */
    CHECK(awake(k, at(2026, 12, 7, 8, 29)) == 0);
    CHECK(awake(k, at(2026, 12, 7, 8, 30)) == 1); /* the start is in */
    CHECK(awake(k, at(2026, 12, 7, 17, 59)) == 1);
    CHECK(awake(k, at(2026, 12, 7, 18, 0)) == 0); /* the end is not */
    CHECK(awake(k, at(2026, 12, 11, 12, 0)) == 1); /* Friday */
    CHECK(awake(k, at(2026, 12, 12, 9, 59)) == 0); /* Saturday */
    CHECK(awake(k, at(2026, 12, 12, 10, 0)) == 1);
    CHECK(awake(k, at(2026, 12, 12, 16, 0)) == 0);
    CHECK(awake(k, at(2026, 12, 13, 12, 0)) == 0); /* Sunday */
    CHECK(awake("", at(2026, 12, 13, 3, 0)) == 1);  /* empty: always */
    CHECK(awake("  ", at(2026, 12, 13, 3, 0)) == 1);
    CHECK(awake("09:00-17:00", at(2026, 12, 13, 9, 0)) == 1); /* no days: every day */
    CHECK(awake("09:00-17:00", at(2026, 12, 13, 8, 0)) == 0);
    CHECK(awake("Fri-Mon 10:00-12:00", at(2026, 12, 13, 11, 0)) == 1); /* wraps past Sunday */
    CHECK(awake("Fri-Mon 10:00-12:00", at(2026, 12, 14, 11, 0)) == 1);
    CHECK(awake("Fri-Mon 10:00-12:00", at(2026, 12, 15, 11, 0)) == 0);
    CHECK(awake("sunday 00:00-24:00", at(2026, 12, 13, 23, 59)) == 1);
    CHECK(awake("SUN 0:00 - 1:00", at(2026, 12, 13, 0, 30)) == 1);
    CHECK(awake("Mon - Tue 10:00-11:00", at(2026, 12, 8, 10, 0)) == 1);
}

static void refused(const char *text, const char *want)
{
    schedule s = {.n = 5};
    char why[256] = "";
    int r = schedule_parse(text, &s, why, sizeof why);
    CHECKF(r == -1 && strstr(why, want) && s.n == 5, "'%s': r=%d '%s' (want '%s')", text, r, why, want);
}

TEST(bad_values_say_where)
{
    refused("Mon-Fri 8-18", "item 1 'Mon-Fri 8-18': expected a time HH:MM (00:00 to 24:00) at character 9");
    refused("Mon-Fri 08:30-18:00, Sat 10:00-16", "item 2 'Sat 10:00-16': expected a time HH:MM");
    refused("Mon-Fir 08:30-18:00", "'Fir' is not a day");
    refused("Moon 08:30-18:00", "'Moon' is not a day");
    refused("Mon 18:00-08:30", "not after the start");
    refused("Mon 10:00-10:00", "not after the start");
    refused("Mon 25:00-26:00", "expected a time");
    refused("Mon 24:30-24:40", "expected a time");
    refused("Mon 10:60-11:00", "expected a time");
    refused("Mon 10:00-11:00 extra", "unexpected 'e' at character 17");
    refused("Mon 10:00 11:00", "expected '-'");
    refused("Mon-Fri 08:30-18:00,", "item 2 is empty");
    refused(", Mon 08:30-18:00", "item 1 is empty");
    refused("Mon- 10:00-11:00", "expected a day after '-'");
    refused("Mon10:00-11:00", "expected a space and the hours HH:MM-HH:MM after the days at character 4");
}

TEST(format_reads_back)
{
    static const char *texts[] = {"Mon-Fri 08:30-18:00, Sat 10:00-16:00", "09:00-17:00", "Fri-Mon 10:00-12:00",
                                  "Sun 00:00-24:00", "Wed 07:05-07:06, Sat-Sun 11:00-15:00"};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        schedule a, b;
        char why[256], out[256];
        CHECK(schedule_parse(texts[i], &a, why, sizeof why) == 0);
        schedule_format(&a, out, sizeof out);
        CHECKF(!strcmp(out, texts[i]), "'%s' -> '%s'", texts[i], out);
        CHECK(schedule_parse(out, &b, why, sizeof why) == 0 && b.n == a.n && !memcmp(a.v, b.v, a.n * sizeof a.v[0]));
    }
    char tiny[6];
    schedule s;
    char why[64];
    CHECK(schedule_parse("Mon 10:00-11:00", &s, why, sizeof why) == 0);
    CHECK(schedule_format(&s, tiny, sizeof tiny) == 5 && !strcmp(tiny, "Mon 1"));
}

TEST(sleep_policy)
{
    schedule k;
    char why[128];
    CHECK(schedule_parse("Mon-Fri 08:30-18:00", &k, why, sizeof why) == 0);
    int64_t day = at(2026, 12, 7, 12, 0), night = at(2026, 12, 7, 20, 0);
    const uint64_t min = 60000;
    /* in hours: only idleness, and only when sleep_after is set */
    CHECK(!schedule_should_sleep(&k, 0, min, day, 100 * min, 0, 1));
    CHECK(!schedule_should_sleep(&k, 5 * min, min, day, 5 * min - 1, 0, 1));
    CHECK(schedule_should_sleep(&k, 5 * min, min, day, 5 * min, 0, 1));
    CHECK(schedule_should_sleep(NULL, 5 * min, min, day, 6 * min, 0, 0));
    CHECK(!schedule_should_sleep(NULL, 0, min, night, 600 * min, 0, 0)); /* no hours, no sleep_after: never */
    /* out of hours: at once without a touch; after one, a grace while used */
    CHECK(schedule_should_sleep(&k, 0, min, night, 1, 0, 0));
    CHECK(!schedule_should_sleep(&k, 0, min, night, min - 1, 0, 1));
    CHECK(schedule_should_sleep(&k, 0, min, night, min, 0, 1));
    CHECK(!schedule_should_sleep(&k, 10 * min, min, night, 9 * min, 0, 1)); /* sleep_after is the grace when set */
    CHECK(schedule_should_sleep(&k, 10 * min, min, night, 10 * min, 0, 1));
    /* a clock that seems to go back (last after now) is no idleness */
    CHECK(!schedule_should_sleep(&k, 5 * min, min, day, 10, 50, 1));
}

/* A clock before 2024 is a clock that was never set (a Pi without a
 * real-time clock starts in 1970): the awake hours are not followed by it. */
TEST(unset_clock)
{
    CHECK(!schedule_clock_set(0));
    CHECK(!schedule_clock_set(schedule_days(1970, 1, 1) * 86400 + 8 * 3600));
    CHECK(!schedule_clock_set(schedule_days(2023, 12, 31) * 86400 + 86399));
    CHECK(schedule_clock_set(schedule_days(2024, 1, 1) * 86400));
    CHECK(schedule_clock_set(schedule_days(2026, 12, 7) * 86400 + 20 * 3600));
    CHECK(!schedule_clock_set(-86400));
}

int main(void)
{
    RUN(civil_dates);
    RUN(weekdays_and_hours);
    RUN(bad_values_say_where);
    RUN(format_reads_back);
    RUN(sleep_policy);
    RUN(unset_clock);
    return T_END();
}

/* schedule.h - the kiosk's awake hours (the configuration key `awake`)
 * and the civil-time arithmetic they are checked with.
 *
 * A schedule is a comma-separated list of spans, each an optional day or
 * range of days and a time range, in local wall time:
 *
 *     Mon-Fri 08:30-18:00, Sat 10:00-16:00
 *     09:00-17:00                    (no days: every day)
 *     Fri-Mon 10:00-12:00            (a range of days may wrap past Sunday)
 *     Sun 00:00-24:00
 *
 * Days are Mon Tue Wed Thu Fri Sat Sun (any case; the full English names
 * too); times HH:MM from 00:00 to 24:00, the end after the start (a span
 * past midnight is two spans: "Fri 20:00-24:00, Sat 00:00-02:00"). A
 * moment is awake when it lies in any span, the start included and the
 * end not. The empty schedule (an empty value) is always awake.
 *
 * Civil time: a "civil second" counts seconds of local wall time from
 * 1970-01-01 00:00 as if every day had 86400 seconds (no time zone, no
 * daylight saving: the caller turns the real clock into local wall time
 * with localtime_r first, or a replay sets it). Days from the proleptic
 * Gregorian calendar (H. Hinnant's days_from_civil).
 *
 * Plain C11, no SDL; no global state; nothing is printed. */
#ifndef LECTERN_SCHEDULE_H
#define LECTERN_SCHEDULE_H

#include <stddef.h>
#include <stdint.h>

#define SCHEDULE_MAX 32 /* spans */

typedef struct schedule_span {
    uint8_t days;        /* bit 0 Monday ... bit 6 Sunday */
    uint16_t from, to;   /* minutes of the day, 0 <= from < to <= 1440 */
} schedule_span;

typedef struct schedule {
    schedule_span v[SCHEDULE_MAX];
    size_t n; /* 0: always awake */
} schedule;

/* Parse text (NUL-terminated) into *out. Returns 0, or -1 with why[0..wn)
 * saying what is wrong and where, in words ("item 2 'Sat 10-16': expected
 * a time HH:MM at character 5"); *out is then unchanged. */
int schedule_parse(const char *text, schedule *out, char *why, size_t wn);

/* Write s as text that schedule_parse reads back as the same schedule
 * (days as Mon-Fri, times as HH:MM). Returns the length (truncated to n-1). */
size_t schedule_format(const schedule *s, char *buf, size_t n);

/* 1 when civil second t is in the awake hours (always, for n == 0). */
int schedule_awake(const schedule *s, int64_t t);

/* The display's sleep, decided from plain numbers (the reader's clock in
 * ms, the wall clock as a civil second): 1 when it should be asleep now.
 *   - idle (now_ms - last_ms) for sleep_after_ms or more (0: never), or
 *   - outside the awake hours, unless touched (any input since start) and
 *     idle less than sleep_after_ms, or than grace_ms when that is 0: a
 *     visitor still reading at closing time, or one who woke the kiosk out
 *     of hours, keeps it awake while they use it; a kiosk started out of
 *     hours sleeps at once.
 * The caller wakes the display on the first touch (which does nothing
 * else) and when the awake hours begin (restarting the idle count). */
int schedule_should_sleep(const schedule *awake, uint64_t sleep_after_ms, uint64_t grace_ms, int64_t t,
                          uint64_t now_ms, uint64_t last_ms, int touched);

/* Civil time. Days since 1970-01-01 of a date (month 1..12, day 1..31);
 * the date of a day count; the weekday of a day count (0 Monday .. 6
 * Sunday); and 1 when y-m-d is a real date (1 <= d <= days in that month). */
int64_t schedule_days(int y, int m, int d);
void schedule_date(int64_t days, int *y, int *m, int *d);
int schedule_weekday(int64_t days);
int schedule_valid_date(int y, int m, int d);

/* A clock that was never set: a Pi without a real-time clock and without
 * a network starts at 1970-01-01 (or at the date its image was made). The
 * awake hours mean nothing by such a clock: schedule_clock_set is 1 when
 * civil second t is in SCHEDULE_CLOCK_YEAR or later, 0 before it. */
#define SCHEDULE_CLOCK_YEAR 2024
int schedule_clock_set(int64_t t);

#endif

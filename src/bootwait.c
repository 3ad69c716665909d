/* bootwait.c - wait for the boot partition's marker. See bootwait.h. */
#include "bootwait.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include "watchdog.h" /* watchdog_notify_once */
#include <time.h>
#include <unistd.h>

static uint64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* EXTEND_TIMEOUT_USEC: systemd's start-up timeout is then at least usec
 * from now (it never shortens it). A refused message changes nothing that
 * the reader could do better; the start goes on. */
static void extend(uint64_t ms)
{
    char msg[64];
    snprintf(msg, sizeof msg, "EXTEND_TIMEOUT_USEC=%llu", (unsigned long long)ms * 1000u);
    (void)watchdog_notify_once(msg);
}

int bootwait_run(const char *marker, uint64_t cap_ms, uint64_t poll_ms, uint64_t start_budget_ms,
                 bootwait_result *r)
{
    r->settled = 0;
    r->waited_ms = 0;
    if (!marker || !*marker) return -1;
    if (exists(marker)) {
        r->settled = 1;
        return 0;
    }
    if (!poll_ms) poll_ms = 100;
    uint64_t t0 = mono_ms(), now = t0;
    /* a little over the cap: the last look comes after it */
    extend(cap_ms + poll_ms + 1000);
    while (now - t0 < cap_ms) {
        uint64_t left = cap_ms - (now - t0), step = left < poll_ms ? left : poll_ms;
        struct timespec ts = {(time_t)(step / 1000), (long)(step % 1000) * 1000000L};
        nanosleep(&ts, NULL); /* a signal cuts it short: the loop looks again */
        now = mono_ms();
        if (exists(marker)) {
            r->settled = 1;
            break;
        }
    }
    r->waited_ms = now - t0;
    if (start_budget_ms) extend(start_budget_ms);
    return 0;
}

int bootwait_early(const char *dir, char *copy, size_t n)
{
    struct stat st;
    if (!dir || !*dir) {
        snprintf(copy, n, "--boot-early needs a folder name");
        return -1;
    }
    if (lstat(dir, &st)) {
        if (errno == ENOENT) return 0;
        snprintf(copy, n, "%s: %s", dir, strerror(errno));
        return -1;
    }
    if (!S_ISDIR(st.st_mode) || (st.st_uid != 0 && st.st_uid != geteuid()) || (st.st_mode & 022)) {
        snprintf(copy, n, "%s is not a folder that only root can write (as the initramfs makes it); not read",
                 dir);
        return -1;
    }
    if ((size_t)snprintf(copy, n, "%s/lectern.conf", dir) >= n) {
        snprintf(copy, n, "--boot-early: the folder name is too long");
        return -1;
    }
    return 1;
}

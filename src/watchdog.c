/* watchdog.c - sd_notify READY=1 and WATCHDOG=1 for lectern.service. See
 * watchdog.h. */
#include "watchdog.h"

#include <stdlib.h>
#include <string.h>
#include <systemd/sd-daemon.h>

int watchdog_open(watchdog *w, lerr *e)
{
    memset(w, 0, sizeof *w);
    const char *sock = getenv("NOTIFY_SOCKET");
    w->notify = sock && *sock;
    if (!w->notify) return 0;
    uint64_t usec = 0;
    int r = sd_watchdog_enabled(0, &usec);
    if (r < 0) {
        lerr_set(e, "systemd's watchdog setting WATCHDOG_USEC=\"%s\" is not a number of "
                    "microseconds: %s; the reader runs without the watchdog",
                 getenv("WATCHDOG_USEC") ? getenv("WATCHDOG_USEC") : "", strerror(-r));
        return 1;
    }
    if (r > 0) {
        w->interval_ms = usec / 1000;
        if (w->interval_ms == 0) w->interval_ms = 1;
    }
    return 0;
}

int watchdog_enabled(const watchdog *w) { return w->interval_ms > 0; }

static int notify_send(const char *msg, lerr *e)
{
    int r = sd_notify(0, msg);
    if (r < 0) {
        lerr_set(e, "telling systemd \"%s\" through $NOTIFY_SOCKET failed: %s", msg, strerror(-r));
        return 1;
    }
    return 0;
}

int watchdog_tick(watchdog *w, uint64_t now_ms, lerr *e)
{
    if (!w->notify) return 0;
    if (!w->ready_sent) {
        /* one datagram: ready, and the first sign of life */
        if (notify_send(w->interval_ms ? "READY=1\nWATCHDOG=1" : "READY=1", e)) return 1;
        w->ready_sent = 1;
        w->last_ping_ms = now_ms;
        return 0;
    }
    if (!w->interval_ms) return 0;
    /* half the interval, as sd_watchdog_enabled(3) recommends; a clock that
     * went backwards (it should not) counts as due */
    if (now_ms >= w->last_ping_ms && now_ms - w->last_ping_ms < w->interval_ms / 2) return 0;
    if (notify_send("WATCHDOG=1", e)) return 1;
    w->last_ping_ms = now_ms;
    return 0;
}

/* watchdog.c - sd_notify READY=1 and WATCHDOG=1 for lectern.service. See
 * watchdog.h. */
#include "watchdog.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* libsystemd's ABI (sd-daemon.h), looked up by name */
typedef int (*notify_fn)(int unset_environment, const char *state);
typedef int (*watchdog_fn)(int unset_environment, uint64_t *usec);
#define SYSTEMD_LIB "libsystemd.so.0"

/* dlsym's void * as a function pointer: through memcpy, as ISO C has no cast */
static void *sym(void *lib, const char *name, void *fn, size_t n)
{
    void *p = dlsym(lib, name);
    if (p) memcpy(fn, &p, n);
    return p;
}

int watchdog_notify_once(const char *msg)
{
    const char *sock = getenv("NOTIFY_SOCKET");
    if (!sock || !*sock) return 0;
    void *lib = dlopen(SYSTEMD_LIB, RTLD_NOW | RTLD_LOCAL);
    notify_fn f = NULL;
    int r = lib && sym(lib, "sd_notify", &f, sizeof f) ? f(0, msg) : -ELIBACC;
    if (lib) dlclose(lib);
    return r;
}

int watchdog_open(watchdog *w, lerr *e)
{
    memset(w, 0, sizeof *w);
    const char *sock = getenv("NOTIFY_SOCKET");
    w->notify = sock && *sock;
    if (!w->notify) return 0;
    watchdog_fn enabled = NULL;
    w->lib = dlopen(SYSTEMD_LIB, RTLD_NOW | RTLD_LOCAL);
    if (!w->lib || !sym(w->lib, "sd_notify", &w->sd_notify, sizeof w->sd_notify) ||
        !sym(w->lib, "sd_watchdog_enabled", &enabled, sizeof enabled)) {
        const char *why = dlerror();
        lerr_set(e, "systemd listens ($NOTIFY_SOCKET), but %s cannot be loaded: %s; the reader runs without "
                    "telling it", SYSTEMD_LIB, why ? why : "a function is missing");
        if (w->lib) dlclose(w->lib);
        w->lib = NULL;
        w->sd_notify = NULL;
        w->notify = 0;
        return 1;
    }
    uint64_t usec = 0;
    int r = enabled(0, &usec);
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

static int notify_send(watchdog *w, const char *msg, lerr *e)
{
    int r = w->sd_notify(0, msg);
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
        if (notify_send(w, w->interval_ms ? "READY=1\nWATCHDOG=1" : "READY=1", e)) return 1;
        w->ready_sent = 1;
        w->last_ping_ms = now_ms;
        return 0;
    }
    if (!w->interval_ms) return 0;
    /* half the interval, as sd_watchdog_enabled(3) recommends; a clock that
     * went backwards (it should not) counts as due */
    if (now_ms >= w->last_ping_ms && now_ms - w->last_ping_ms < w->interval_ms / 2) return 0;
    if (notify_send(w, "WATCHDOG=1", e)) return 1;
    w->last_ping_ms = now_ms;
    return 0;
}

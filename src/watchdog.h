/* watchdog.h - tell systemd that the reader is alive (lectern.service is
 * Type=notify with WatchdogSec=): "READY=1" once, then "WATCHDOG=1" at
 * least twice per watchdog interval, from the main loop. A reader that
 * stops answering (hung, SIGSTOPped) is then killed and restarted by
 * systemd. Not under systemd (no $NOTIFY_SOCKET), or without WatchdogSec=,
 * every call is a no-op that succeeds.
 *
 * Plain C11 on libsystemd's sd_notify(3) and sd_watchdog_enabled(3),
 * loaded (dlopen) only when $NOTIFY_SOCKET is set: elsewhere both do
 * nothing, and linking libsystemd would load it and the five libraries it
 * brings (libgcrypt, liblzma, libzstd, libcap, libgpg-error) into every
 * start, a cold start's 0.4 ms. No allocation; the caller owns the watchdog
 * struct (on its stack or in its own state), there is no global state. */
#ifndef LECTERN_WATCHDOG_H
#define LECTERN_WATCHDOG_H

#include <stdint.h>

#include "util.h"

typedef struct watchdog {
    int notify;            /* 1 when systemd listens ($NOTIFY_SOCKET is set) */
    int ready_sent;        /* READY=1 went out */
    uint64_t interval_ms;  /* WatchdogSec= in ms; 0: no watchdog asked for */
    uint64_t last_ping_ms; /* the `now` of the last WATCHDOG=1 */
    void *lib;             /* libsystemd.so.0 (dlopen), kept for the process's life */
    int (*sd_notify)(int, const char *);
} watchdog;

/* sd_notify(0, msg) through libsystemd loaded for this call: 0 and nothing
 * sent when $NOTIFY_SOCKET is unset, else what sd_notify returns (> 0 sent,
 * < 0 a negative errno; -ELIBACC when libsystemd.so.0 cannot be loaded). */
int watchdog_notify_once(const char *msg);

/* Read what systemd asks for from the environment ($NOTIFY_SOCKET,
 * $WATCHDOG_USEC, $WATCHDOG_PID; left in place). Sends nothing. Returns 0,
 * or non-zero with e filled when $WATCHDOG_USEC is malformed (the watchdog
 * is then off, and notify still works). */
int watchdog_open(watchdog *w, lerr *e);

/* Call from the main loop, at least every quarter of the interval (the
 * reader's loop wakes every 250 ms or sooner), with a monotonic clock in
 * milliseconds. The first call sends READY=1 (and a first WATCHDOG=1);
 * later calls send WATCHDOG=1 when half the interval has passed since the
 * last one. Returns 0 (also when nothing had to be sent), or non-zero with e
 * filled when systemd's socket refused the message. */
int watchdog_tick(watchdog *w, uint64_t now_ms, lerr *e);

/* 1 when systemd asked for a watchdog (WatchdogSec= for this process). */
int watchdog_enabled(const watchdog *w);

#endif

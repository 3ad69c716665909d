/* bootwait.h - the kiosk waits for the boot partition before it reads its
 * settings.
 *
 * A teacher's lectern.conf lives on the SD card's FAT partition, which
 * systemd mounts while the reader is already starting (nofail: nothing
 * waits for it, and a damaged FAT must still boot to the reader). Read
 * too early, the file is not there yet; the reader then notices it later
 * and starts again (app_conf.h), and the screen goes from the library back
 * to the splash and black before the library returns. So lectern.service
 * runs the reader with --boot-wait FILE, and lectern-bootfs.service
 * (ordered after boot-firmware.mount) makes FILE once that mount is over,
 * mounted or given up. The reader waits for FILE, at most cap_ms, before
 * it reads a setting, so the first screen already has the teacher's
 * settings. (Under the emulator the wait was 17-25 s, the FAT's udev and
 * mount; on a Pi, where the firmware itself boots from that partition, it
 * should be far shorter, not measured here.)
 *
 * While it waits it tells systemd that its start-up takes that much longer
 * (EXTEND_TIMEOUT_USEC, sd_notify(3)), and once it is over, that the whole
 * start-up budget starts again from there: the wait does not eat into
 * lectern.service's TimeoutStartSec=. Not under systemd, these are no-ops.
 *
 * (The image makes the wait unneeded: bootwait_early below.)
 *
 * Plain C11 over POSIX (stat, nanosleep, CLOCK_MONOTONIC) and libsystemd;
 * no allocation, no global state. FILE is only looked at with stat(2),
 * never opened: whatever it is (a symlink, a FIFO), its existence is all
 * that counts. */
#ifndef LECTERN_BOOTWAIT_H
#define LECTERN_BOOTWAIT_H

#include <stddef.h>
#include <stdint.h>

typedef struct bootwait_result {
    int settled;        /* 1: the marker was there (at once or in time); 0: cap_ms passed without it */
    uint64_t waited_ms; /* how long the call waited */
} bootwait_result;

/* Wait until marker exists, looking every poll_ms (0: 100 ms), at most
 * cap_ms. Before waiting, asks systemd for cap_ms more of start-up time;
 * after a wait, for start_budget_ms from then on (0: ask nothing). Returns
 * at once, with nothing sent, when marker already exists. Fills r (never
 * NULL); returns 0, or -1 when marker is NULL or empty (r: not settled). */
int bootwait_run(const char *marker, uint64_t cap_ms, uint64_t poll_ms, uint64_t start_budget_ms,
                 bootwait_result *r);

/* The shorter way (--boot-early DIR): the image's initramfs, which has the
 * SD card's partitions long before systemd's udev does, mounts the FAT
 * read-only for a moment and copies its lectern.conf (when there is one)
 * into DIR, which it makes only after it has looked. So DIR there means the
 * settings can be read at once from DIR/lectern.conf (missing: the
 * partition has none), and no wait is needed. DIR counts only as the
 * initramfs makes it: a real folder (not a symlink), owned by root (or by
 * the reader's own user) and writable by no one else. Returns 1 and fills copy (size n) with
 * DIR/lectern.conf; 0 when DIR is missing; -1 when it is there but not
 * trustworthy, or the name is too long (why, in copy). */
int bootwait_early(const char *dir, char *copy, size_t n);

#endif

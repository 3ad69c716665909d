/* guard.h - no crash loop: which essay is open, kept on disk, and how many
 * times the reader died while each essay was open.
 *
 * A kiosk whose reader crashes on one essay (a font, a layout, a driver)
 * would otherwise be restarted by systemd straight into that essay (start =
 * N) and crash again, in front of its visitors, all day. So:
 *
 *   - before an essay is opened (before it is read, parsed, laid out or
 *     drawn) "essay N is open" is written durably (guard_set_open), and
 *     cleared when it is closed: back to the library, the idle reset, the
 *     pack reopened, the essay failing cleanly (its error page), and the
 *     reader ending cleanly (Escape, the admin gesture, SIGTERM: main's
 *     app_close). Going from one essay to another rewrites the mark.
 *   - a start that finds the mark set (guard_open) knows the last run did
 *     not end cleanly while that essay was open: one death for it. If that
 *     essay is the one it would open (start = N), it starts on the library.
 *   - after GUARD_DEATHS deaths the essay is marked: the library shows
 *     "could not be shown" on its card and does not open it, until the
 *     pack changes (the counts belong to one pack identity; another pack,
 *     at start or reopened while running, starts them again from zero).
 *
 * Power cuts are not deaths. A museum's kiosk loses power every night,
 * often with an essay open; counting that would mark the favourite essays
 * within three nights. The mark records the id of the boot it was set in
 * (the kernel's /proc/sys/kernel/random/boot_id, new at every boot): a
 * start in the same boot that finds the mark means the reader process died
 * while the machine ran on (a crash, an abort, the watchdog's kill of a hung
 * reader, an OOM kill): that counts. A start in a later boot means the
 * machine itself stopped (power cut, reboot, a kernel hang): not counted.
 * (The alternative, clearing the mark on every periodic healthy save,
 * would miss a crash that comes within one save period of opening, which
 * is exactly when a bad essay crashes: while it is laid out and drawn.)
 * When the boot id cannot be read the caller passes "unknown" for it and
 * every unclean end counts.
 *
 * The file, STATE_DIR/guard (beside the positions' `state`, which is
 * unchanged: old state files and old readers are not affected), version 1:
 * ASCII text,
 *
 *     lectern-guard 1\n
 *     <16 lowercase hex digits: XXH3-64 of the body>\n
 *     body:
 *     pack <16 lowercase hex: the pack identity the counts are for>\n
 *     open <essay> <boot id>\n          (only while an essay is open)
 *     deaths <essay> <count>\n          (one per essay, increasing essay)
 *
 * essay 1..16777216, count 1..255, a boot id 1..63 bytes of 0-9 a-z and
 * '-'. Nothing else is allowed, so the file is canonical (parse then
 * format gives the same bytes; the fuzzer checks it). At most
 * GUARD_MAX_FILE bytes. Untrusted: read whole, the checksum checked before
 * any line is believed; a damaged file is ignored as a whole, with a
 * message, and the next write replaces it. Writes are atomic
 * (state_write_atomic). It is kept even with state = off (it holds no
 * reading positions: only which essay is open and the failure counts).
 * When it cannot be kept on disk (no directory, read-only, a failed write)
 * it works the same in memory, which guards nothing across starts; that
 * is said once.
 *
 * Plain C, no SDL; no global state; nothing is printed. */
#ifndef LECTERN_GUARD_H
#define LECTERN_GUARD_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

#define GUARD_FILE "guard"
#define GUARD_TMP "guard.tmp"
#define GUARD_MAGIC "lectern-guard "
#define GUARD_VERSION 1
#define GUARD_MAX_FILE (1u << 20)
#define GUARD_MAX_ESSAY (1u << 24)
#define GUARD_BOOT_MAX 64 /* a boot id and its NUL */
#define GUARD_DEATHS 3    /* deaths that mark an essay "could not be shown" */

enum guard_status {
    GUARD_OK = 0,
    GUARD_MEMORY = 1,   /* kept in memory only (why: the message) */
    GUARD_IGNORED = 2,  /* the file was damaged, of another version or unreadable: ignored */
    GUARD_ENOMEM = -1,
    GUARD_EINVAL = -2,  /* bad argument (essay number, boot id) */
    GUARD_EDAMAGED = -3 /* guard_parse: the bytes are not a valid guard file */
};

typedef struct guard guard;

/* What guard_open found of the last run. */
typedef struct guard_start {
    uint32_t died;     /* the essay open when the reader died in this boot; 0: none */
    unsigned deaths;   /* died's count now, this death included */
    uint32_t stopped;  /* the essay open when the machine stopped (another boot): not counted; 0: none */
    int new_pack;      /* the counts were for another pack: started again */
} guard_start;

/* Open the guard kept in `dir` (enabled = 0 or no dir: memory only,
 * quietly; a dir that is missing, not a directory or not writable: memory
 * only, GUARD_MEMORY and the message) for the
 * pack of identity pack_id, in the boot `boot` (1..63 of 0-9 a-z '-';
 * anything else is taken as "unknown"). Reads the file, counts a death
 * (see above) into *st, clears the open mark and writes the file back at
 * once when anything changed. *out always gets a working guard unless the
 * result is GUARD_ENOMEM (then NULL). Returns GUARD_OK or a mask of
 * GUARD_MEMORY and GUARD_IGNORED with e->msg saying what happened. */
int guard_open(guard **out, const char *dir, int enabled, uint64_t pack_id, const char *boot, guard_start *st,
               lerr *e);

/* Free (without writing: the open mark, if set, stays on disk, as after a
 * crash; clear it first with guard_set_open(g, 0, e) on a clean exit). */
void guard_close(guard *g);

/* Essay `essay` is open now (0: none is), written to disk before this
 * returns when it changed. Returns GUARD_OK (also when memory-only, said
 * before), GUARD_MEMORY with a message the first time a write fails,
 * GUARD_EINVAL or GUARD_ENOMEM. */
int guard_set_open(guard *g, uint32_t essay, lerr *e);

/* The pack is now the one of identity pack_id (reopened while running):
 * if it is another, the counts start again. The open mark is cleared (the
 * essay was closed). Written when changed; results as guard_set_open. */
int guard_set_pack(guard *g, uint64_t pack_id, lerr *e);

/* The essay marked open, 0: none. */
uint32_t guard_open_essay(const guard *g);

/* Deaths counted for essay (0 for none), and 1 when it is marked "could
 * not be shown" (at least GUARD_DEATHS). NULL g: 0. */
unsigned guard_deaths(const guard *g, uint32_t essay);
int guard_failed(const guard *g, uint32_t essay);

/* 1 when it goes to disk (the last write, if any, worked). */
int guard_persistent(const guard *g);

/* For the loader, the tests and the fuzzer: replace g's contents (pack
 * id, open mark, counts) with the file in buf[0..n). Returns GUARD_OK, or
 * GUARD_EDAMAGED with a message naming the line and byte offset (g
 * unchanged), or GUARD_ENOMEM. */
int guard_parse(guard *g, const uint8_t *buf, size_t n, lerr *e);

/* The file's bytes for g, in a fresh malloc'd *buf (caller frees).
 * Returns GUARD_OK or GUARD_ENOMEM. */
int guard_format(const guard *g, uint8_t **buf, size_t *n);

/* The boot id of the open mark as parsed ("" when none), for tests. */
const char *guard_open_boot(const guard *g);

#endif

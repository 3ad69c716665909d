/* admin.h - what the kiosk's admin screen says (screen_admin.c draws it),
 * as lines of plain text for a museum's or a school's staff: the essays
 * (the pack file, how many, signed or not; what is done with a USB stick's
 * essays, the key import), the settings (the files read
 * and every problem found in them at start-up), the clock (and a warning
 * when the awake hours are set but the clock never was), and the display's
 * sleep and idle settings.
 *
 * The settings' problems are collected while the configuration is read
 * (main's report callback, admin_log_add) into an admin_log that main owns
 * and the reader borrows (app_opts.log) for as long as it runs.
 *
 * Plain C11, no SDL; no global state; nothing is printed. */
#ifndef LECTERN_ADMIN_H
#define LECTERN_ADMIN_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "pack.h"

#define ADMIN_LOG_MAX 16      /* problems kept; more are counted ("and N more") */
#define ADMIN_MSG_MAX 320     /* bytes of one problem kept, NUL included (longer: shortened with "...") */
#define ADMIN_LINE_MAX 400    /* bytes of one line of the screen, NUL included */
#define ADMIN_LINES_MAX 48    /* lines admin_lines may write */

/* What config_init reported while starting. Plain data: zero it, then
 * admin_log_add each problem. */
typedef struct admin_log {
    char msg[ADMIN_LOG_MAX][ADMIN_MSG_MAX]; /* the first ADMIN_LOG_MAX problems, in order */
    size_t n;                  /* how many of msg[] are set */
    size_t total;              /* problems reported, kept or not */
    int file_looked;           /* the settings file (config.file) was looked for */
    int file_missing;          /* ... and was not there (the defaults) */
} admin_log;

/* Keep one problem ("FILE:LINE: ..."), or only count it when the log is full. */
void admin_log_add(admin_log *l, const char *msg);

/* A line's kind: how the screen shows it. */
enum admin_kind {
    ADMIN_HEAD = 0, /* a section's heading */
    ADMIN_TEXT,     /* a plain line */
    ADMIN_PROBLEM,  /* a problem in the settings, as the configuration said it */
    ADMIN_WARN      /* something staff must do (the clock) */
};

typedef struct admin_line {
    int kind; /* enum admin_kind */
    char text[ADMIN_LINE_MAX]; /* UTF-8, NUL-terminated */
} admin_line;

/* What the lines are made from; every pointer may be NULL (not known). */
typedef struct admin_facts {
    const char *pack_file;     /* the pack's path, or the folder packed in memory */
    int folder;                /* pack_file is a folder (or an essay file) packed at start */
    const pack *pk;            /* NULL: no pack could be opened */
    size_t shown;              /* essays in the library (the `essays` key may choose fewer) */
    const config *cfg;
    const admin_log *log;
    int64_t wall;              /* now, as a civil second of local time (schedule.h) */
} admin_facts;

/* The admin screen's lines into out[0..cap) (cap up to ADMIN_LINES_MAX is
 * enough for any facts). Returns how many were written. Signed packs: the
 * reader does not link libsodium and checks no signature, so the line says
 * "signed" and the first 8 bytes of the public key the signature block
 * names, in hex ("key beginning 3f2a91c077de0b45"), which is not the
 * fingerprint `lectern-pack info` prints (a hash of the key). */
size_t admin_lines(const admin_facts *f, admin_line *out, size_t cap);

#endif

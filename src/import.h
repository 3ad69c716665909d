/* import.h - new essays from a USB stick or the SD card's boot partition.
 *
 * The mount helper (udev + systemd, not the reader) mounts each stick
 * read-only at MEDIA_DIR/NAME/ and removes the folder when the stick is
 * pulled. This module looks there, and in the boot partition's folder,
 * for a candidate:
 *   - a stick: a file *.lpk at its top level, or a folder lectern/ of
 *     .txt/.md essays (names compared without regard to case, as FAT does);
 *   - the boot partition: lectern.lpk or a lectern/ folder.
 * Everything is opened as hostile: each stick's folder with O_NOFOLLOW and
 * O_DIRECTORY, each pack with O_NOFOLLOW|O_NONBLOCK and checked with fstat
 * to be a regular file (a FIFO named x.lpk is skipped at once, never read;
 * a symbolic link is not followed out of the stick). A pack is opened with
 * the pack reader (pack.h) to count its essays; a folder's essay files are
 * counted as `lectern-pack build` takes them: directly in the folder (not
 * in its subfolders), not hidden ones (a Mac's ._x files).
 *
 * import = signed: only packs signed by one of the keys KEYS_DIR/ *.pub
 * count; folders never do. import_find reads only a pack's signature block
 * (which key it names, pack_sign.h); the caller then has the whole pack
 * checked against that key in a child process (import_verify_start) before
 * it offers it, so that reading a large pack never holds up the screen. Anything else gets one line through the report
 * callback (for the journal) and is not offered.
 *
 * What was offered (Load or Cancel) is remembered by path, size and
 * modification time (for a folder: of its essay files), so a Cancel is not
 * asked again at every scan, and a stick put in again with other essays is.
 * A stick's entries are forgotten once it is pulled out (its folder is
 * gone): put in again, it is asked again. The boot partition's are kept
 * across starts in a small file (import_scan_save), as the SD card is looked
 * at on every start and what was loaded or declined from it stays there.
 *
 * The load is `lectern-pack install [--pubkey KEY] SOURCE IMPORT_PACK` in a
 * child process (import_job): the packer verifies, writes atomically and
 * keeps IMPORT_PACK.previous; the reader polls it and reads its message.
 * import_go_back swaps IMPORT_PACK and IMPORT_PACK.previous, or removes
 * IMPORT_PACK when there is no previous one.
 *
 * Plain C11 + POSIX (no SDL). Functions return 0 (or a count) or -1 with a
 * message in the lerr; no global state; nothing is printed (lines for the
 * journal go through the callback). */
#ifndef LECTERN_IMPORT_H
#define LECTERN_IMPORT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "util.h"

#define IMPORT_PATH_MAX 1024
#define IMPORT_SIGNED_MAX (512u << 20) /* the largest pack import = signed has checked */
#define IMPORT_KEYS_MAX 32           /* keys read from keys_dir */
#define IMPORT_MSG_MAX 600

enum import_mode { IMPORT_ASK = 0, IMPORT_SIGNED = 1, IMPORT_OFF = 2 }; /* = enum config_import */
enum import_kind { IMPORT_KIND_PACK = 0, IMPORT_KIND_FOLDER = 1 };
enum import_where { IMPORT_USB = 0, IMPORT_BOOT = 1 };

/* A candidate: plain data. */
typedef struct import_cand {
    char path[IMPORT_PATH_MAX]; /* the pack file or the folder */
    int kind;                   /* enum import_kind */
    int where;                  /* enum import_where */
    size_t essays;              /* how many essays it holds */
    uint64_t size;              /* identity: bytes (a folder: of its essay files) */
    int64_t mtime_ns;           /* identity: modification time (a folder: the latest) */
    char key[IMPORT_PATH_MAX];  /* import = signed: the key file that signed it; else "" */
} import_cand;

/* Where to look and what counts; the strings are borrowed for the call. */
typedef struct import_opts {
    int mode;                   /* enum import_mode */
    const char *media_dir;      /* NULL: no sticks */
    const char *boot_dir;       /* NULL: no boot partition */
    const char *keys_dir;       /* import = signed */
    void (*report)(void *ctx, const char *line); /* journal lines; may be NULL */
    void *ctx;
} import_opts;

/* The scanner's memory of what was offered or ignored. Owned by the
 * caller: import_scan_new, import_scan_free. */
typedef struct import_scan import_scan;
int import_scan_new(import_scan **out, lerr *e);
void import_scan_free(import_scan *s);

/* The boot partition's entries, kept in `path` (text: a first line
 * "lectern-offered 1", then one "SIZE MTIME_NS PATH" line each), read back
 * (a missing, damaged or foreign file is ignored as a whole: -1 with why)
 * and written atomically (state_write_atomic). Return 0 or -1 with a message. */
int import_scan_load(import_scan *s, const char *path, lerr *e);
int import_scan_save(const import_scan *s, const char *path, lerr *e);
/* The same file's bytes: parsed from buf[0..n) (untrusted; name only for
 * messages; nothing is kept in s unless the whole file is good), and
 * formatted into a new buffer (*out, the caller's to free). */
int import_scan_parse(import_scan *s, const uint8_t *buf, size_t n, const char *name, lerr *e);
int import_scan_format(const import_scan *s, uint8_t **out, size_t *out_n, lerr *e);

/* Look for a candidate not offered before: the boot partition's first
 * (with where_boot set), then the sticks in name order. Returns 1 with *out
 * filled, 0 when there is none (or mode is off), -1 when out of memory. An
 * ignored candidate is said once (report) and remembered. */
int import_find(import_scan *s, const import_opts *o, int with_boot, import_cand *out, lerr *e);

/* Remember c as offered: import_find does not return it again (while its
 * path, size and time stay the same). Returns 0 or -1 (out of memory). */
int import_mark(import_scan *s, const import_cand *c);

/* 1 when the media folder looks different from the last call, else 0: it
 * appeared or went, a stick's folder was added or removed (the media
 * folder's inode, link count, modification or change time), or a stick's
 * folder now reaches something else (a stick mounted over it: its device,
 * inode or times; the first IMPORT_STICKS_WATCHED names). One directory
 * read and a stat per stick. The first call returns 1. */
#define IMPORT_STICKS_WATCHED 32
int import_media_changed(import_scan *s, const char *media_dir);

/* The packer for the load: `given` when not NULL/empty; else lectern-pack
 * beside the running program (/proc/self/exe); else the first on PATH.
 * Returns 0 with buf set, or -1 with a message. */
int import_find_packer(const char *given, char *buf, size_t n, lerr *e);

/* A load in a child process. Plain data, owned by the caller; pid 0: none. */
typedef struct import_job {
    pid_t pid;
    int err_fd;                  /* the child's stderr, read while it runs */
    char err[2048];              /* what it said there: its last bytes, whole lines (the
                                  * cause of a failure comes last, after any notes) */
    size_t err_n;
    int err_cut;                 /* 1: lines before err were dropped to make room */
    int status;                  /* once finished: its exit status, or -1 (killed) */
} import_job;

/* Start argv[0] with argv (NULL-terminated): stdin and stdout /dev/null,
 * stderr into j->err_fd (O_NONBLOCK, close-on-exec), no signal blocked and
 * SIGINT, SIGTERM, SIGHUP and SIGPIPE at their defaults. Returns 0, or -1
 * with a message (nothing started). */
int import_job_spawn(import_job *j, char **argv, lerr *e);

/* Start `packer install [--pubkey c->key] c->path dest`. Returns 0, or -1
 * with a message (nothing started). */
int import_job_start(import_job *j, const char *packer, const import_cand *c, const char *dest, lerr *e);

/* Start `packer verify --pubkey c->key c->path`: the whole check of a
 * pack import = signed offers (import_find read only its signature block).
 * Exit status 0: signed by that key and unchanged since. Returns 0, or -1
 * with a message (nothing started; c->key empty). */
int import_verify_start(import_job *j, const char *packer, const import_cand *c, lerr *e);

/* After a job ended: the first line the packer wrote, without its
 * "lectern-pack: " (or what became of it), for the journal. */
void import_job_first_line(const import_job *j, char *out, size_t n);

/* Read what the child said; with wait, until it ends. Returns 0 while it
 * runs, 1 once it ended (j->status set, j->pid 0). */
int import_job_poll(import_job *j, int wait);

/* After a failed job: the first line the packer wrote, without its
 * "lectern-pack: " and the paths of c and dest, in a sentence for the
 * screen: "The essays on the USB stick could not be loaded: ...". */
void import_job_message(const import_job *j, const import_cand *c, const char *dest, char *out, size_t n);

/* Stop a running job (SIGTERM, then wait). */
void import_job_stop(import_job *j);

/* What import_go_back can do for dest now: 2 dest.previous exists (swap
 * them), 1 only dest (remove it: the configured pack shows), 0 nothing. */
int import_back_kind(const char *dest);

/* Go back: with dest.previous, swap the two (a hard link of dest as
 * dest.swap, rename previous over dest, rename dest.swap to previous,
 * fsync the folder: at every moment dest is a whole pack); without,
 * remove dest. Returns what was done (2 or 1), or -1 with a message (then
 * dest is as it was). */
int import_go_back(const char *dest, lerr *e);

#endif

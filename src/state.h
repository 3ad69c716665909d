/* state.h - where each essay was left: the resume positions.
 *
 * A position is the byte offset of the sentence at the top of the page in
 * the essay's decoded text, not a page number, so it survives changes of
 * text size, margins and rotation. An essay is identified by its number
 * (as `lectern-pack list` prints it) AND the XXH3 of its decoded bytes
 * (pack_entry.data_xxh3): when a pack is rebuilt with changed or reordered
 * essays, an old offset is not applied to different text; an essay whose
 * text is unchanged finds its offset by that hash under its old number,
 * and a changed one opens at its start.
 *
 * The file, STATE_DIR/state, format version 1: ASCII text,
 *
 *     lectern-state 1\n
 *     <16 lowercase hex digits: XXH3-64 of the body>\n
 *     body: one line per essay, by increasing essay number, no repeats:
 *     essay <number> <16 lowercase hex: data_xxh3> <offset>\n
 *
 * Numbers are decimal without sign or leading zeros; essay 1..16777216,
 * offset 0..4294967295. The body is every byte after the checksum line;
 * nothing else is allowed (no blank lines, no CR, no comments), so the file
 * is canonical: parsing then formatting gives back the same bytes (the
 * fuzzer checks this). At most STATE_MAX_FILE bytes.
 *
 * It is untrusted: read whole, parsed byte by byte, the checksum checked
 * before any line is believed. A damaged file, a file from another version
 * or one that cannot be read is ignored as a whole, with a message; the
 * next save replaces it.
 *
 * Saving is atomic: write STATE_DIR/state.tmp, fsync it, rename it over
 * state, fsync the directory. state.tmp is created with O_EXCL|O_NOFOLLOW
 * (whatever is at that name, a symlink included, is unlinked first and
 * never written through), and state is read only when it is a regular file
 * (fio_read_all: a FIFO or device there is ignored at once, not waited on). A crash leaves either the old or the new
 * file, never a mix. Each save rewrites the whole file (an SD card does not
 * like that on every page turn): call state_save when leaving an essay, on
 * the idle reset and on SIGTERM.
 *
 * When positions cannot be kept on disk (state = off, the directory is
 * missing or read-only, or a save fails) everything works the same in
 * memory, and the module says so once: state_open or the first failing
 * state_save returns STATE_MEMORY with the message, later calls stay
 * quiet. The directory is never created: systemd's StateDirectory= (or the
 * installer) does that. No global state; nothing is printed. */
#ifndef LECTERN_STATE_H
#define LECTERN_STATE_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

#define STATE_FILE "state"
#define STATE_TMP "state.tmp"
#define STATE_MAGIC "lectern-state "
#define STATE_VERSION 1
#define STATE_MAX_FILE (8u << 20)
#define STATE_MAX_ESSAY (1u << 24) /* PACK_MAX_ENTRIES */

/* Results. Non-negative values are notes, OR-ed together, each with a
 * message (in the lerr) that the caller prints once; negative are errors. */
enum state_status {
    STATE_OK = 0,
    STATE_MEMORY = 1,   /* positions are kept in memory only (why: the message) */
    STATE_IGNORED = 2,  /* the state file was damaged, old or unreadable: ignored */
    STATE_ENOMEM = -1,
    STATE_EINVAL = -2,  /* bad argument (essay number 0 or too large) */
    STATE_EDAMAGED = -3 /* state_parse: the bytes are not a valid state file */
};

typedef struct state state;

/* Open the positions kept in `dir` (enabled = 0 for state = off: nothing
 * is read or written). *out always gets a working state unless the result
 * is STATE_ENOMEM (then *out is NULL and e says so); free it with
 * state_close. Returns STATE_OK, or a mask of
 * STATE_MEMORY and STATE_IGNORED with e->msg saying what happened (both
 * when both did), e.g. "state directory /var/lib/lectern is not writable
 * (Read-only file system): reading positions are kept in memory only". */
int state_open(state **out, const char *dir, int enabled, lerr *e);

/* Free everything (without saving). NULL is fine. */
void state_close(state *s);

/* The saved offset of essay `essay` whose text hashes to data_xxh3: 1 and
 * *offset set when known, 0 when not (never saved, or saved for different
 * text). When that number holds no position for this text, a position
 * kept under another number for the same text (data_xxh3) is returned:
 * a new pack (loaded from a USB stick, import.h) with essays added, removed
 * or reordered keeps the place of every essay whose text did not change. */
int state_get(const state *s, uint32_t essay, uint64_t data_xxh3, uint32_t *offset);

/* Remember an offset for essay `essay` (1..STATE_MAX_ESSAY), replacing
 * whatever was kept for that number. In memory only until state_save.
 * Returns STATE_OK, STATE_EINVAL or STATE_ENOMEM. */
int state_set(state *s, uint32_t essay, uint64_t data_xxh3, uint32_t offset);

/* Write the positions to disk atomically if anything changed since the
 * last save. Returns STATE_OK (saved, nothing to save, or memory-only and
 * already said), or STATE_MEMORY with a message the first time a save
 * fails; later saves still try, quietly. STATE_ENOMEM (with a message)
 * when out of memory: nothing was written, the positions are kept and the
 * next save tries again. */
int state_save(state *s, lerr *e);

/* 1 when positions go to disk (the last save, if any, worked), else 0. */
int state_persistent(const state *s);

/* How many essays have a position. */
size_t state_count(const state *s);

/* The atomic replacement of `path` (in directory `dir`) by buf[0..n), as
 * state_save does it and for the other files of the state directory
 * (guard.h): `tmp` created afresh (O_EXCL|O_NOFOLLOW, whatever was at that
 * name unlinked first), written, fsynced, renamed over path, the directory
 * fsynced. Returns 0, or -1 with *step naming what failed ("create",
 * "write", "fsync", "rename" ...) and errno set; tmp is then removed. */
int state_write_atomic(const char *dir, const char *path, const char *tmp, const uint8_t *buf, size_t n,
                       const char **step);

/* 1 when `tmp` can be created (and it was removed again), else 0 with
 * errno set: can files be written in its directory? */
int state_can_write(const char *tmp);

/* Replace s's positions with those in buf[0..n) (the file format above).
 * Returns STATE_OK, or STATE_EDAMAGED with a message naming the line and
 * byte offset (s is then unchanged), or STATE_ENOMEM. For the loader, the
 * tests and the fuzzer. */
int state_parse(state *s, const uint8_t *buf, size_t n, lerr *e);

/* The file's bytes for s's positions, in a fresh malloc'd *buf (caller
 * frees). Returns STATE_OK or STATE_ENOMEM. */
int state_format(const state *s, uint8_t **buf, size_t *n);

/* Canonical text fields, for the files of the state directory (state,
 * guard): one spelling per value, so that a file reads back to the same
 * bytes. state_put_hex writes v as 16 lowercase hex digits, state_put_dec
 * as decimal without leading zeros; both return the bytes written (p has
 * room for 16 and 10). state_get_dec reads a canonical decimal of at most
 * 10 digits ending at the byte `end` (before lim), at most max;
 * state_get_hex 16 lowercase hex digits ending at `end`. Both return the
 * digits used, 0 when the field is not canonical (nothing is written to
 * *v then). */
size_t state_put_hex(uint8_t *p, uint64_t v);
size_t state_put_dec(uint8_t *p, uint32_t v);
size_t state_get_dec(const uint8_t *p, const uint8_t *lim, uint8_t end, uint64_t max, uint64_t *v);
size_t state_get_hex(const uint8_t *p, const uint8_t *lim, uint8_t end, uint64_t *v);

/* dir + "/" + name, malloc'd (the caller frees it); a copy of dir when name
 * is "". NULL when out of memory. */
char *state_join(const char *dir, const char *name);

#endif

/* config.h - the reader's configuration: /etc/lectern/lectern.conf (INI,
 * read with libinih) with every key overridable by a command-line flag.
 *
 * Every key, its type, default and help text live in one table in config.c
 * (like suckless dwm's config.def.h); defaults are written as text and go
 * through the same parser as the file, and config_help() prints the table.
 *
 *   pack = PATH            the essay pack to read
 *   rotate = 0|90|180|270  how the picture is turned on the panel
 *   theme = light|dark|sepia
 *   font_size = auto|PT    body text size in points (6..72; "pt" optional)
 *   margins = auto|MM      page margins in mm (0..60; "mm" optional)
 *   idle_timeout = S       seconds without a touch before the reader goes
 *                          back to the library and default size and theme
 *                          (0 = never, up to 604800; "s" optional)
 *   idle_action = library|attract  what the idle reset shows: the library,
 *                          or the attract screen (attract.h) until touched
 *   state_dir = PATH       where reading positions are kept
 *   state = on|off         off for public kiosks: positions kept in memory
 *   kiosk = yes|no         fullscreen, and nothing a visitor does ends it
 *   essays = all|LIST      a subset or an order: "3,1,2", "1-3, 5"
 *   start = library|N      open the library, or essay N at start-up
 *   sleep_after = MIN      minutes without a touch before the display
 *                          sleeps (0 = never, up to 10080; "min" optional)
 *   awake = HOURS          when the display is awake, e.g. "Mon-Fri
 *                          08:30-18:00, Sat 10:00-16:00" (schedule.h);
 *                          always (the default) or empty: always awake
 *   import = ask|signed|off  new essays on a USB stick (media_dir) or the
 *                          boot partition: ask, only signed packs (admin
 *                          screen), or never (import.h)
 *   media_dir = PATH       where the mount helper puts each stick
 *   keys_dir = PATH        public keys (NAME.pub) for import = signed
 *   import_pack = PATH     where loaded essays go; empty (the default):
 *                          STATE_DIR/imported.lpk
 * Booleans take yes/no, on/off, true/false or 1/0, any case; names of keys
 * and enumerated values are case-insensitive.
 *
 * In the file, keys may sit before any section or under [lectern]; lines
 * may be indented; ';' or '#' start a comment line, and " ;" an inline one.
 * Multi-line values are not supported (an indented line is its own key).
 *
 * On the command line each key is `--key VALUE` or `--key=VALUE` (dashes
 * and underscores are the same: --font-size, --font_size). A boolean given
 * as the last argument, or followed by another --flag, means yes. Also:
 * --config FILE (default /etc/lectern/lectern.conf), --boot-config FILE
 * (default /boot/firmware/lectern.conf; "none" for no such file), --strict,
 * --help/-h.
 *
 * Two files: /etc/lectern/lectern.conf on the root file system, then
 * lectern.conf on the SD card's FAT boot partition, which a teacher can
 * edit from Windows or a Mac (Notepad's CRLF line ends and UTF-8 byte order
 * mark are fine). The second wins where both set a key; flags win over
 * both. The boot partition's file is read only with the default file (no
 * --config), or when --boot-config names it; a missing one is normal and
 * nothing is said.
 *
 * Problems: an unknown key, a bad value, a syntax error or an unreadable
 * file are reported through the caller's callback as "FILE:LINE: ..." (or
 * "option --KEY: ..." for flags). The key then keeps its previous value
 * (the default, or the file's for a flag) and the reader goes on, unless
 * --strict, in which case config_init returns CONFIG_ESTRICT. A missing
 * default file is normal (a desktop preview): one CONFIG_INFO message.
 * Nothing here prints except config_help; no global state. */
#ifndef LECTERN_CONFIG_H
#define LECTERN_CONFIG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "schedule.h"
#include "tunables.h" /* LECTERN_DATADIR, enum theme_id */

#define CONFIG_DEFAULT_FILE "/etc/lectern/lectern.conf"
#define CONFIG_BOOT_FILE "/boot/firmware/lectern.conf"
#define CONFIG_PATH_MAX 1024
#define CONFIG_MAX_RANGES 64
#define CONFIG_MAX_ESSAY (1u << 24) /* PACK_MAX_ENTRIES */
#define CONFIG_FONT_MIN 6.0f
#define CONFIG_FONT_MAX 72.0f
#define CONFIG_MARGIN_MAX 60.0f
#define CONFIG_IDLE_MAX 604800
#define CONFIG_SLEEP_MAX 10080 /* minutes: a week */


/* idle_action: what the idle reset shows */
enum config_idle_action { CONFIG_IDLE_LIBRARY = 0, CONFIG_IDLE_ATTRACT = 1 };

/* import: what is done with new essays on a stick or the boot partition */
enum config_import { CONFIG_IMPORT_ASK = 0, CONFIG_IMPORT_SIGNED = 1, CONFIG_IMPORT_OFF = 2 };

/* config_init results */
enum config_status { CONFIG_OK = 0, CONFIG_HELP = 1, CONFIG_ESTRICT = 2 };
/* config_init flags: read the file only when --config names one (a replay
 * must mean the same on every machine, whatever /etc holds). */
enum config_flags { CONFIG_ONLY_GIVEN_FILE = 1 };

/* Message levels for the report callback. */
enum config_level { CONFIG_INFO = 0, CONFIG_WARN = 1 };

/* Receives each message, e.g. "lectern.conf:7: bad value 'x' for rotate
 * (expected 0, 90, 180 or 270)". msg is only valid during the call. */
typedef void (*config_report)(void *ctx, int level, const char *msg);

typedef struct config_range {
    uint32_t lo, hi; /* 1-based essay numbers, lo <= hi */
} config_range;

/* A settings file as it was seen: to notice later that it appeared or that
 * its content changed (the boot partition is mounted after the reader
 * starts). Plain data; no file is kept open. */
typedef struct config_stamp {
    int taken;                   /* config_stamp_take was called */
    int present;                 /* the file could be read then */
    uint64_t hash;               /* XXH3 of its bytes (when present) */
} config_stamp;

typedef struct config {
    char pack[CONFIG_PATH_MAX];
    int rotate;                  /* 0, 90, 180 or 270 */
    int theme;                   /* enum theme_id (tunables.h) */
    float font_size;             /* points; 0 = auto */
    float margins;               /* mm; -1 = auto */
    int idle_timeout;            /* seconds; 0 = never */
    int idle_action;             /* enum config_idle_action */
    char state_dir[CONFIG_PATH_MAX];
    int state;                   /* 1 on, 0 off */
    int kiosk;                   /* 1 yes, 0 no */
    config_range essays[CONFIG_MAX_RANGES]; /* in order; nessays == 0: all */
    size_t nessays;
    uint32_t start;              /* 0 = library, else an essay number */
    int sleep_after;             /* minutes; 0 = never */
    schedule awake;              /* awake.n == 0: always awake */
    int import_mode;             /* enum config_import */
    char media_dir[CONFIG_PATH_MAX];
    char keys_dir[CONFIG_PATH_MAX];
    char import_pack[CONFIG_PATH_MAX]; /* "" = STATE_DIR/imported.lpk */
    /* from the command line only */
    char file[CONFIG_PATH_MAX];  /* the file read (--config, or the default) */
    int file_given;              /* --config was given (even naming the default) */
    char boot_file[CONFIG_PATH_MAX]; /* --boot-config, or the default; "" = none */
    int boot_given;              /* --boot-config was given */
    /* --boot-copy FILE: read in boot_file's place, a copy of its bytes made
     * before the partition was mounted here (the image's initramfs copies
     * it, so that the first screen has its settings without waiting for the
     * mount); messages still name boot_file, which is the one watched */
    char boot_copy[CONFIG_PATH_MAX];
    int boot_read;               /* config_init found boot_file (or its copy) and read it */
    config_stamp boot_stamp;     /* boot_file (or its copy) just before config_init read it */
    int strict, help;
    /* what config_init found: problems in the file, and in the flags */
    int file_problems, boot_problems, flag_problems;
} config;

/* Fill c with the defaults (file = CONFIG_DEFAULT_FILE, boot_file =
 * CONFIG_BOOT_FILE). */
void config_defaults(config *c);

/* The whole start-up: defaults, the file (--config FILE or the default;
 * with CONFIG_ONLY_GIVEN_FILE in flags only a --config FILE), then the
 * flags over it. A file named by --config must exist; the default may be
 * missing (one CONFIG_INFO message). Recognised arguments are removed from
 * argv and *argc reduced; the rest (argv[0], the reader's own flags such
 * as --replay, stray words) stay in order for the caller. c->file_problems
 * c->boot_problems and c->flag_problems count what was reported. Returns CONFIG_OK,
 * CONFIG_HELP (--help: the caller prints config_help and exits 0), or
 * CONFIG_ESTRICT (--strict and at least one problem, each reported, then
 * "--strict: not starting with N problems in FILE"). Without --strict a
 * problem never stops the reader: the key keeps its default (or the first
 * file's value) and the message says which file and line. */
int config_init(config *c, int *argc, char **argv, int flags, config_report report, void *ctx);

/* Apply the file at path over c. A missing file is a CONFIG_INFO message
 * when must_exist is 0, a problem otherwise; any other failure to read it
 * is a problem. Returns the number of problems (0 = clean). */
int config_load_file(config *c, const char *path, int must_exist, config_report report, void *ctx);

/* The same for INI text in memory (text[0..len), need not end in NUL);
 * name is used in messages. */
int config_load_mem(config *c, const char *name, const char *text, size_t len,
                    config_report report, void *ctx);

/* Apply the flags in argv[1..*argc) over c, removing the recognised ones
 * (as config_init). Sets c->strict, c->help and c->file when given.
 * Returns the number of problems. */
int config_parse_args(config *c, int *argc, char **argv, config_report report, void *ctx);

/* Set one key from text, as the file and flags do. where prefixes any
 * message ("FILE:LINE" or "option --KEY"). Returns 0, 1 for a bad value,
 * or -1 when name is not a key (nothing reported: the caller words it). */
int config_set(config *c, const char *name, const char *value, const char *where,
               config_report report, void *ctx);

/* Note what path holds now into *s: present, and the hash of its bytes
 * (at most 1 MiB read; a FIFO or device is not present). Never fails. */
void config_stamp_take(const char *path, config_stamp *s);

/* 1 when path now holds a readable file whose bytes differ from what *s
 * saw (it appeared, or was changed), and *s is updated; 0 otherwise,
 * including when the file has gone (its settings stay as they were read). */
int config_stamp_changed(const char *path, config_stamp *s);

/* 1 when a and b hold the same settings: every key, and the files and
 * flags that config_init took (what it found and reported is not compared). */
int config_same(const config *a, const config *b);

/* Print usage: every key with its flag, values, default and meaning. */
void config_help(FILE *f);

/* The keys in table order: for tests and tools. NULL past the end. */
const char *config_key_name(size_t i);

/* Expand c->essays against a pack of `count` essays into out[0..cap): the
 * chosen essay numbers in order, without numbers above count and without
 * repeats; all of them, 1..count, when no list is set. Returns how many
 * there are (which may exceed cap: only cap are written). */
size_t config_essay_list(const config *c, uint32_t count, uint32_t *out, size_t cap);

#endif

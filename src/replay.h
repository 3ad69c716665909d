/* replay.h - scripts of touch and key input for `lectern --replay`, parsed
 * into commands. Plain C11, no SDL: the reader (src/app_replay.c) turns each
 * command into real SDL events and feeds them to its event handler.
 *
 * A script is UTF-8 text, one command a line. Blank lines and lines whose
 * first non-blank character is '#' are ignored; words are separated by
 * spaces or tabs. Coordinates are the touch panel's own, 0..1 from its
 * top-left corner as the touchscreen reports them, BEFORE the reader's
 * rotation (so a script also tests the rotation mapping); values from -1 to
 * 2 are accepted, as real panels overshoot their edges. Times are
 * milliseconds of the script's own clock.
 *
 *   tap X Y                    finger down, up 60 ms later
 *   swipe left|right|up|down   a 120 ms flick across the panel's middle,
 *                              from 0.8 to 0.2 (left), etc., in panel terms
 *   drag X1 Y1 X2 Y2 MS        down at 1, moves every 16 ms, up at 2 after MS
 *   longpress X Y              down, held 700 ms, up
 *   click X Y                  the same as tap, with the mouse (desktop)
 *   key NAME                   left right up down pageup pagedown space home
 *                              end plus minus escape return backspace q t m
 *   wait MS                    the clock moves on; nothing else happens
 *   expect screen NAME         library reading menu contents end error sleep
 *                              attract admin (sleep: the display is asleep,
 *                              whatever screen is under it; attract: the
 *                              idle screen of idle_action = attract; admin:
 *                              the kiosk's admin screen, after the admin
 *                              gesture)
 *   expect page N              page N (from 1) of the open essay
 *   expect essay N             essay N (as `lectern-pack list` numbers it)
 *                              is open; 0: none
 *   expect theme NAME          light dark sepia
 *   expect size S              text size steps from the default: 0, +1, -2
 *   expect first N             the library's first visible card is essay N
 *   expect marked              the character marked by `mark` is on screen
 *   expect quit                the reader has ended
 *   expect hint shown|hidden   the first page's hint on turning pages is on
 *                              screen (fading out counts as shown), or not
 *   expect card N available|unavailable
 *                              the library's card of essay N opens it, or
 *                              says "could not be shown" (guard.h)
 *   crash                      end the reader at once, as a crash would:
 *                              _exit(70), nothing saved or cleared (tests
 *                              of the crash-loop guard; replays only)
 *   clock YYYY-MM-DD HH:MM     set the wall clock (local time) the awake
 *                              hours are checked against; it then runs
 *                              with the script's clock (a replay without
 *                              it keeps the real one)
 *   mark                       remember the first character on the page
 *   shot NAME                  write the panel as DIR/NAME.png (--screenshot)
 *   print                      one line of status on stdout
 *   random N SEED              N random touch events (soak test), seeded
 *
 * Limits: MS up to 86400000 (a day), N up to 16777216, random N up to
 * 100000000, a shot NAME 1..63 characters of A-Z a-z 0-9 . _ - (not
 * starting with '.'), a script up to REPLAY_MAX_BYTES and REPLAY_MAX_CMDS
 * commands. Anything else is refused with its line number. */
#ifndef LECTERN_REPLAY_H
#define LECTERN_REPLAY_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

#define REPLAY_MAX_BYTES (16u << 20)
#define REPLAY_MAX_CMDS 1000000u
#define REPLAY_MAX_MS 86400000u
#define REPLAY_MAX_N 16777216
#define REPLAY_MAX_RANDOM 100000000u
#define REPLAY_NAME_MAX 64
#define REPLAY_CRASH_STATUS 70 /* `crash`: the exit status (EX_SOFTWARE) */

enum replay_op {
    REPLAY_TAP = 0,
    REPLAY_SWIPE,
    REPLAY_DRAG,
    REPLAY_LONGPRESS,
    REPLAY_CLICK,
    REPLAY_KEY,
    REPLAY_WAIT,
    REPLAY_EXPECT_SCREEN,
    REPLAY_EXPECT_PAGE,
    REPLAY_EXPECT_ESSAY,
    REPLAY_EXPECT_THEME,
    REPLAY_EXPECT_SIZE,
    REPLAY_EXPECT_FIRST,
    REPLAY_EXPECT_MARKED,
    REPLAY_EXPECT_QUIT,
    REPLAY_MARK,
    REPLAY_SHOT,
    REPLAY_PRINT,
    REPLAY_RANDOM,
    REPLAY_EXPECT_HINT,
    REPLAY_CRASH,
    REPLAY_EXPECT_CARD,
    REPLAY_CLOCK,
    REPLAY_NOPS
};

enum replay_dir { REPLAY_LEFT = 0, REPLAY_RIGHT, REPLAY_UP, REPLAY_DOWN };

enum replay_screen {
    REPLAY_SCREEN_LIBRARY = 0,
    REPLAY_SCREEN_READING,
    REPLAY_SCREEN_MENU,
    REPLAY_SCREEN_CONTENTS,
    REPLAY_SCREEN_END,
    REPLAY_SCREEN_ERROR,
    REPLAY_SCREEN_SLEEP,
    REPLAY_SCREEN_ATTRACT,
    REPLAY_SCREEN_ADMIN,
    REPLAY_SCREEN_IMPORT,
    REPLAY_NSCREENS
};

enum replay_key {
    REPLAY_KEY_LEFT = 0, REPLAY_KEY_RIGHT, REPLAY_KEY_UP, REPLAY_KEY_DOWN, REPLAY_KEY_PAGEUP,
    REPLAY_KEY_PAGEDOWN, REPLAY_KEY_SPACE, REPLAY_KEY_HOME, REPLAY_KEY_END, REPLAY_KEY_PLUS,
    REPLAY_KEY_MINUS, REPLAY_KEY_ESCAPE, REPLAY_KEY_RETURN, REPLAY_KEY_BACKSPACE, REPLAY_KEY_Q,
    REPLAY_KEY_T, REPLAY_KEY_M, REPLAY_NKEYS
};

/* One command. Which fields mean something depends on op:
 *   TAP, LONGPRESS, CLICK: x1, y1.  DRAG: x1, y1, x2, y2, ms.  WAIT: ms.
 *   SWIPE: arg = enum replay_dir.  KEY: arg = enum replay_key.
 *   EXPECT_CARD: n = the essay, arg = 1 available, 0 unavailable.
 *   CLOCK: n = the wall time in minutes since 1970-01-01 00:00 (civil,
 *   schedule.h), years 1970..9999.
 *   EXPECT_SCREEN: arg = enum replay_screen.  EXPECT_HINT: arg = 1 shown,
 *   0 hidden.  EXPECT_THEME: arg = 0 light,
 *   1 dark, 2 sepia.  EXPECT_PAGE, EXPECT_ESSAY, EXPECT_FIRST, EXPECT_SIZE:
 *   n.  RANDOM: n events, seed.  SHOT: name (NUL-terminated).
 * line is the 1-based line of the script it came from. */
typedef struct replay_cmd {
    uint8_t op;
    uint8_t arg;
    uint32_t line;
    float x1, y1, x2, y2;
    uint32_t ms;
    int64_t n;
    uint32_t seed;
    char name[REPLAY_NAME_MAX];
} replay_cmd;

/* A parsed script: cmds[0..n), owned (free with replay_free). */
typedef struct replay_script {
    replay_cmd *cmds;
    size_t n;
} replay_script;

/* Parse text[0..len) (need not end in NUL; NUL bytes are refused). `name`
 * (may be NULL) prefixes messages: "NAME:LINE: unknown command 'tapp'".
 * Returns 0, or -1 with a message naming the first bad line; *out is then
 * empty. *out owns its array either way: call replay_free. */
int replay_parse(const uint8_t *text, size_t len, const char *name, replay_script *out, lerr *e);

/* Read and parse a file. Returns 0, or -1 with a message naming the file
 * (cannot read it, too large) or the line. */
int replay_load(const char *path, replay_script *out, lerr *e);

void replay_free(replay_script *s);

/* The command as a script line, without the newline, into buf[0..n): what
 * replay_parse reads back as the same command (coordinates with 4 decimals,
 * so they are the same to 1e-4). Returns the length (truncated to n-1). */
size_t replay_format(const replay_cmd *c, char *buf, size_t n);

/* Names as scripts spell them; NULL out of range. */
const char *replay_screen_name(int screen);
const char *replay_key_name(int key);
const char *replay_dir_name(int dir);
const char *replay_theme_name(int theme);

/* A small, fast, seeded generator for `random` (xorshift64*), so a soak
 * run is the same on every machine. State must not be 0 (seeded from any
 * value by replay_rng_seed). */
typedef struct replay_rng {
    uint64_t s;
} replay_rng;
void replay_rng_seed(replay_rng *r, uint32_t seed);
uint32_t replay_rng_next(replay_rng *r);
/* Uniform in [0, n) (n > 0), and in [0, 1). */
uint32_t replay_rng_below(replay_rng *r, uint32_t n);
float replay_rng_unit(replay_rng *r);

#endif

/* attract.h - the attract screen's timing and text (idle_action = attract):
 * after the idle timeout the reader shows one essay at a time, its title and
 * first line with "Touch to read", each fading in, staying and fading out,
 * in a new place for each, so that nothing stays put on the panel.
 *
 * Calm by rule: nothing but slow fades (TUN_ATTRACT_FADE_MS, a second or
 * more each way, so no flashing in the sense of WCAG 2.3: far below three
 * luminance flashes a second), eased so that no step is sudden.
 *
 * Everything here is a pure function of the time since the attract screen
 * began and of plain bytes, so that tests/test_attract.c checks it without
 * SDL; screen_attract.c draws what it says. Plain C11, no SDL, no state. */
#ifndef LECTERN_ATTRACT_H
#define LECTERN_ATTRACT_H

#include <stddef.h>
#include <stdint.h>

#include "essay.h"
#include "tunables.h"

/* One essay's turn: fade in, hold, fade out. */
#define ATTRACT_TURN_MS (2 * TUN_ATTRACT_FADE_MS + TUN_ATTRACT_HOLD_MS)

/* What the attract screen shows t ms after it began. */
typedef struct attract_frame {
    uint64_t turn;  /* 0, 1, 2 ...: how many turns began before this one */
    size_t item;    /* turn modulo the number of items (0 when there are none) */
    float alpha;    /* 0 (paper only) .. 1 (full strength) */
    float fx, fy;   /* where the text goes in the room left around it, 0..1 each way
                     * (0.5, 0.5: centred); another place each turn */
} attract_frame;

/* The frame at t for n items (n may be 0: item 0). */
attract_frame attract_at(uint64_t t, size_t n);

/* The strength as drawn: alpha in ATTRACT_LEVELS steps (0: nothing but the
 * paper). Text is drawn in a colour that far from the paper towards its
 * own, opaque, so a frame is drawn only when the level changes (40 steps a
 * fade, about 27 frames a second), and a renderer that keeps glyphs in
 * their colour keeps few colours. */
#define ATTRACT_LEVELS 40
int attract_level(float alpha);

/* 1 while t is in a fade (frames are due), 0 while the text holds. */
int attract_fading(uint64_t t);

/* The block of es whose text is the essay's "first line": its first
 * paragraph, else its first quote or list item, else its first heading;
 * (size_t)-1 when there is none (an empty essay, code and tables only).
 * The title (title[0..title_len), may be empty) is not shown twice: a block
 * that is only the title is passed over, and when a block begins with it
 * (the packer takes an essay's first sentence for its title when it has no
 * other, shortened with an ellipsis when it is long: then what comes
 * before the ellipsis), *skip is the bytes of it and the spaces after it;
 * else 0. */
size_t attract_block(const essay *es, const char *title, size_t title_len, size_t *skip);

/* All of it: the first line of es (attract_block, then attract_excerpt of
 * max_chars) into out[0..cap). When the title is the opening of that block
 * shortened with an ellipsis (the packer's title for an essay that has
 * none), the line goes on from where the title stopped, after an ellipsis.
 * Returns its length in bytes (0, and "", when there is no such block). */
size_t attract_first_line(const essay *es, const char *title, size_t title_len, size_t max_chars, char *out,
                          size_t cap);

/* The opening of s[0..n) (UTF-8 essay text: one block's) as one plain line
 * in out[0..cap) (NUL-terminated; cap >= 8): soft hyphens dropped, a line
 * separator (U+2028) made a space; the first sentence when it ends within
 * max_chars characters, else cut at the last word that fits and ended with
 * an ellipsis (text without spaces, such as Chinese, at a character).
 * Returns its length in bytes. Never reads past s + n; bytes that are not
 * UTF-8 are left out. */
size_t attract_excerpt(const uint8_t *s, size_t n, size_t max_chars, char *out, size_t cap);

#endif

/* backlight.h - the panel's backlight on or off, through sysfs: every
 * device directory in DIR (the kernel's is /sys/class/backlight) whose
 * bl_power can be written gets "4" (FB_BLANK_POWERDOWN: off) or "0"
 * (FB_BLANK_UNBLANK: on). brightness is left alone, so the level a
 * technician set comes back as it was.
 *
 * A missing DIR, or one without devices, is normal (an HDMI display, a
 * desktop, a test): nothing is written and nothing is said. A bl_power that
 * is not a regular file (a FIFO, a device node planted there) is not
 * written to and is reported; so is one that cannot be written (no
 * permission: the udev rule gives the video group write access).
 *
 * Plain C, no SDL; no global state; nothing is printed. */
#ifndef LECTERN_BACKLIGHT_H
#define LECTERN_BACKLIGHT_H

#include "util.h"

#define BACKLIGHT_DIR "/sys/class/backlight"

/* Switch every backlight in dir on (on = 1) or off (0). Returns how many
 * were switched (0: none there), or -1 with e naming the first file that
 * could not be written and why (the others were still tried). */
int backlight_power(const char *dir, int on, lerr *e);

#endif

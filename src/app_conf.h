/* app_conf.h - the kiosk notices settings that arrive after it started.
 *
 * The SD card's FAT partition (where a teacher's lectern.conf lives, see
 * config.h) is mounted by systemd while the reader is already starting:
 * the reader does not wait for it (its fsck alone can take seconds). So in
 * kiosk mode it looks at that file every TUN_CONF_CHECK_MS (one read of a
 * small file), and when the file has appeared or its bytes have changed
 * since config_init read it, it asks main to start the reader again in the
 * same process (exec), which reads every setting anew. A file that goes
 * away changes nothing: its settings stay as they were read.
 * Plain C over the app struct; no drawing. */
#ifndef LECTERN_APP_CONF_H
#define LECTERN_APP_CONF_H

#include "app_state.h"

/* From app_start: watch the boot partition's file when the reader is a
 * kiosk and config_init looked at that file (a->o.cfg->boot_stamp). */
void app_conf_start(app *a);

/* From app_tick: look again when it is time. When the file changed, say so
 * on stderr, set a->reexec and end the loop (app_request_quit, forced). */
void app_conf_tick(app *a);

#endif

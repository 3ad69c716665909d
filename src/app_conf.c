/* app_conf.c - see app_conf.h. */
#include "app_conf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "config.h"

void app_conf_start(app *a)
{
    const config *c = a->o.cfg;
    a->conf_watch = a->o.kiosk && c && c->boot_stamp.taken && c->boot_file[0];
    if (!a->conf_watch) return;
    a->conf_stamp = c->boot_stamp;
    a->conf_checked = a->now;
}

void app_conf_tick(app *a)
{
    if (!a->conf_watch || a->reexec || a->now - a->conf_checked < TUN_CONF_CHECK_MS) return;
    a->conf_checked = a->now;
    int had = a->conf_stamp.present;
    if (!config_stamp_changed(a->o.cfg->boot_file, &a->conf_stamp)) return;
    const char *what = had ? "has changed since the reader started"
                           : "has appeared (the boot partition was mounted after the reader started)";
    /* The settings as a start now would read them: only a real difference
     * is worth a new start (the template install-kiosk puts there is all
     * comments). Without main's arguments, assume one. */
    if (a->o.argv) {
        char **argv = malloc(((size_t)a->o.argc + 1) * sizeof *argv);
        config *n = malloc(sizeof *n);
        int argc = a->o.argc, same = 0;
        if (argv && n) {
            memcpy(argv, a->o.argv, ((size_t)argc + 1) * sizeof *argv);
            same = config_init(n, &argc, argv, a->o.config_flags, NULL, NULL) != CONFIG_HELP &&
                   config_same(n, a->o.cfg);
        }
        free(argv);
        free(n);
        if (same) {
            fprintf(stderr, "lectern: %s %s; it changes no setting\n", a->o.cfg->boot_file, what);
            return;
        }
    }
    fprintf(stderr, "lectern: %s %s; starting again to apply it\n", a->o.cfg->boot_file, what);
    a->reexec = 1;
    app_request_quit(a, 1);
}

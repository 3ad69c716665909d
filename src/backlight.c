/* backlight.c - see backlight.h. */
#include "backlight.h"

#include "fileio.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int backlight_power(const char *dir, int on, lerr *e)
{
    if (!dir || !*dir) return 0;
    DIR *d = opendir(dir);
    if (!d) return 0; /* no backlight class: nothing to switch */
    int done = 0, failed = 0;
    const char *value = on ? "0\n" : "4\n";
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.') continue;
        char path[4200];
        snprintf(path, sizeof path, "%s/%s/bl_power", dir, de->d_name);
        /* O_NONBLOCK: a FIFO planted there is not waited on; O_NOFOLLOW: the
         * file itself is not a link (the device directory may be one, as
         * sysfs has them) */
        int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | O_NOFOLLOW);
        if (fd < 0) {
            if (errno == ENOENT || errno == ENOTDIR) continue; /* not a backlight device */
            if (!failed++) lerr_set(e, "%s: cannot write the backlight (%s)", path, strerror(errno));
            continue;
        }
        struct stat st;
        if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
            if (!failed++) lerr_set(e, "%s: not a regular file; the backlight is left alone", path);
            close(fd);
            continue;
        }
        int w = fio_write_all(fd, value, 2);
        int err = errno;
        if (close(fd) != 0 && !w) {
            w = -1;
            err = errno;
        }
        if (w) {
            if (!failed++) lerr_set(e, "%s: cannot write the backlight (%s)", path, strerror(err));
            continue;
        }
        done++;
    }
    closedir(d);
    return failed ? -1 : done;
}

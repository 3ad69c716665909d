/* test_backlight.c - the backlight through a fake sysfs directory
 * (src/backlight.h): bl_power 4 when off and 0 when on, in every device;
 * a missing directory writes nothing; a FIFO there is refused, not
 * waited on. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backlight.h"
#include "t.h"

static char root[64];

static void put(const char *rel, const char *text)
{
    char p[256];
    snprintf(p, sizeof p, "%s/%s", root, rel);
    FILE *f = fopen(p, "wb");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

static const char *get(const char *rel)
{
    static char buf[64];
    char p[256];
    snprintf(p, sizeof p, "%s/%s", root, rel);
    buf[0] = 0;
    FILE *f = fopen(p, "rb");
    if (f) {
        buf[fread(buf, 1, sizeof buf - 1, f)] = 0;
        fclose(f);
    }
    return buf;
}

static const char *sub(const char *rel)
{
    static char p[256];
    snprintf(p, sizeof p, "%s/%s", root, rel);
    return p;
}

TEST(off_and_on_in_every_device)
{
    mkdir(sub("bl"), 0755);
    mkdir(sub("bl/panel"), 0755);
    mkdir(sub("bl/rpi_backlight"), 0755);
    mkdir(sub("bl/not-a-backlight"), 0755);
    put("bl/panel/bl_power", "0\n");
    put("bl/panel/brightness", "180\n");
    put("bl/rpi_backlight/bl_power", "0\n");
    lerr e;
    CHECKF(backlight_power(sub("bl"), 0, &e) == 2, "%s", e.msg);
    CHECK(!strcmp(get("bl/panel/bl_power"), "4\n") && !strcmp(get("bl/rpi_backlight/bl_power"), "4\n"));
    CHECK(!strcmp(get("bl/panel/brightness"), "180\n")); /* left alone */
    CHECK(backlight_power(sub("bl"), 1, &e) == 2);
    CHECK(!strcmp(get("bl/panel/bl_power"), "0\n") && !strcmp(get("bl/rpi_backlight/bl_power"), "0\n"));
    CHECK(access(sub("bl/not-a-backlight/bl_power"), F_OK) != 0); /* nothing created */
}

TEST(missing_directory_writes_nothing)
{
    lerr e;
    CHECK(backlight_power(sub("no/such/dir"), 0, &e) == 0);
    CHECK(backlight_power(NULL, 0, &e) == 0 && backlight_power("", 1, &e) == 0);
    mkdir(sub("empty"), 0755);
    CHECK(backlight_power(sub("empty"), 0, &e) == 0);
    CHECK(access(sub("no"), F_OK) != 0);
}

TEST(fifo_is_refused_not_waited_on)
{
    mkdir(sub("fifo"), 0755);
    mkdir(sub("fifo/panel"), 0755);
    CHECK(mkfifo(sub("fifo/panel/bl_power"), 0644) == 0);
    mkdir(sub("fifo/other"), 0755);
    put("fifo/other/bl_power", "0\n");
    lerr e;
    e.msg[0] = 0;
    int r = backlight_power(sub("fifo"), 0, &e);
    CHECKF(r == -1 && strstr(e.msg, "bl_power") && (strstr(e.msg, "not a regular file") || strstr(e.msg, "cannot")),
           "r=%d %s", r, e.msg);
    CHECK(!strcmp(get("fifo/other/bl_power"), "4\n")); /* the others still switched */
}

TEST(unwritable_is_said)
{
    if (geteuid() == 0) { /* root writes anyway: test the message with a directory instead */
        mkdir(sub("ro"), 0755);
        mkdir(sub("ro/panel"), 0755);
        mkdir(sub("ro/panel/bl_power"), 0755);
        lerr e;
        e.msg[0] = 0;
        CHECK(backlight_power(sub("ro"), 0, &e) == -1 && strstr(e.msg, "ro/panel/bl_power"));
        return;
    }
    mkdir(sub("ro"), 0755);
    mkdir(sub("ro/panel"), 0755);
    put("ro/panel/bl_power", "0\n");
    chmod(sub("ro/panel/bl_power"), 0444);
    lerr e;
    e.msg[0] = 0;
    CHECK(backlight_power(sub("ro"), 0, &e) == -1 && strstr(e.msg, "cannot write the backlight"));
    CHECK(!strcmp(get("ro/panel/bl_power"), "0\n"));
}

int main(void)
{
    snprintf(root, sizeof root, "/tmp/lectern-test-backlight.XXXXXX");
    if (!mkdtemp(root)) { perror("mkdtemp"); return 1; }
    RUN(off_and_on_in_every_device);
    RUN(missing_directory_writes_nothing);
    RUN(fifo_is_refused_not_waited_on);
    RUN(unwritable_is_said);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "chmod -R u+w '%s'; rm -rf '%s'", root, root);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", root);
    return T_END();
}

/* test_watchdog.c - what the reader tells systemd: nothing off systemd;
 * READY=1 once, then WATCHDOG=1 every half interval, read back from a
 * notify socket made here as systemd makes it; a watchdog meant for
 * another process, a malformed interval and a socket nobody listens on;
 * and the wait for the boot partition (bootwait.h): at once when its marker
 * is there, until it comes, or until the cap, with the start-up timeout
 * extended before and after; and which folder --boot-early believes. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bootwait.h"

#include "t.h"
#include "watchdog.h"

static char dir[64];
static char sockpath[96];

/* A datagram socket like systemd's $NOTIFY_SOCKET, non-blocking. */
static int listen_at(const char *path)
{
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    struct sockaddr_un sa;
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
    unlink(path);
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* The next datagram as a string, or "" when none is waiting. */
static const char *next_msg(int fd)
{
    static char buf[256];
    ssize_t n = recv(fd, buf, sizeof buf - 1, 0);
    buf[n > 0 ? n : 0] = 0;
    return buf;
}

static void env(const char *sock, const char *usec, long pid)
{
    unsetenv("NOTIFY_SOCKET");
    unsetenv("WATCHDOG_USEC");
    unsetenv("WATCHDOG_PID");
    if (sock) setenv("NOTIFY_SOCKET", sock, 1);
    if (usec) setenv("WATCHDOG_USEC", usec, 1);
    if (pid) {
        char p[32];
        snprintf(p, sizeof p, "%ld", pid);
        setenv("WATCHDOG_PID", p, 1);
    }
}

TEST(not_under_systemd_is_a_quiet_no_op)
{
    int fd = listen_at(sockpath);
    CHECK(fd >= 0);
    env(NULL, "2000000", (long)getpid());
    watchdog w;
    lerr e = {{0}};
    CHECK(watchdog_open(&w, &e) == 0);
    CHECK(!watchdog_enabled(&w));
    CHECK(watchdog_tick(&w, 0, &e) == 0);
    CHECK(watchdog_tick(&w, 5000, &e) == 0);
    CHECKF(strcmp(next_msg(fd), "") == 0, "nothing may be sent without NOTIFY_SOCKET");
    CHECK(e.msg[0] == 0);
    close(fd);
}

TEST(ready_once_then_watchdog_every_half_interval)
{
    int fd = listen_at(sockpath);
    CHECK(fd >= 0);
    env(sockpath, "2000000", (long)getpid()); /* WatchdogSec=2s */
    watchdog w;
    lerr e = {{0}};
    CHECK(watchdog_open(&w, &e) == 0);
    CHECK(watchdog_enabled(&w));
    CHECKF(w.interval_ms == 2000, "interval %llu ms", (unsigned long long)w.interval_ms);
    CHECKF(strcmp(next_msg(fd), "") == 0, "open sends nothing");
    CHECK(watchdog_tick(&w, 10000, &e) == 0);
    const char *m = next_msg(fd);
    CHECKF(strstr(m, "READY=1") && strstr(m, "WATCHDOG=1"), "first tick sent \"%s\"", m);
    /* within half the interval: nothing */
    CHECK(watchdog_tick(&w, 10250, &e) == 0);
    CHECK(watchdog_tick(&w, 10999, &e) == 0);
    CHECKF(strcmp(next_msg(fd), "") == 0, "a ping before half the interval");
    /* at half the interval: one WATCHDOG=1, and READY=1 never again */
    CHECK(watchdog_tick(&w, 11000, &e) == 0);
    m = next_msg(fd);
    CHECKF(strcmp(m, "WATCHDOG=1") == 0, "sent \"%s\"", m);
    CHECK(watchdog_tick(&w, 11500, &e) == 0);
    CHECKF(strcmp(next_msg(fd), "") == 0, "a second ping too soon");
    /* a loop that slept long: one ping, then the count starts again */
    CHECK(watchdog_tick(&w, 15000, &e) == 0);
    CHECKF(strcmp(next_msg(fd), "WATCHDOG=1") == 0, "late ping");
    CHECK(watchdog_tick(&w, 15100, &e) == 0);
    CHECKF(strcmp(next_msg(fd), "") == 0, "after a late ping");
    /* a clock that went backwards still pings */
    CHECK(watchdog_tick(&w, 100, &e) == 0);
    CHECKF(strcmp(next_msg(fd), "WATCHDOG=1") == 0, "after the clock went back");
    close(fd);
}

TEST(no_watchdogsec_sends_ready_only)
{
    int fd = listen_at(sockpath);
    CHECK(fd >= 0);
    env(sockpath, NULL, 0);
    watchdog w;
    lerr e = {{0}};
    CHECK(watchdog_open(&w, &e) == 0);
    CHECK(!watchdog_enabled(&w));
    CHECK(watchdog_tick(&w, 0, &e) == 0);
    const char *m = next_msg(fd);
    CHECKF(strcmp(m, "READY=1") == 0, "sent \"%s\"", m);
    CHECK(watchdog_tick(&w, 100000, &e) == 0);
    CHECKF(strcmp(next_msg(fd), "") == 0, "pings without a watchdog");
    close(fd);
}

TEST(watchdog_of_another_process_is_not_ours)
{
    int fd = listen_at(sockpath);
    CHECK(fd >= 0);
    env(sockpath, "2000000", (long)getpid() + 1);
    watchdog w;
    lerr e = {{0}};
    CHECK(watchdog_open(&w, &e) == 0);
    CHECK(!watchdog_enabled(&w));
    CHECK(watchdog_tick(&w, 0, &e) == 0);
    CHECKF(strcmp(next_msg(fd), "READY=1") == 0, "ready still goes out");
    close(fd);
}

TEST(malformed_interval_is_reported_and_notify_still_works)
{
    int fd = listen_at(sockpath);
    CHECK(fd >= 0);
    env(sockpath, "soon", (long)getpid());
    watchdog w;
    lerr e = {{0}};
    CHECK(watchdog_open(&w, &e) != 0);
    CHECKF(strstr(e.msg, "WATCHDOG_USEC") && strstr(e.msg, "soon"), "message: %s", e.msg);
    CHECK(!watchdog_enabled(&w));
    CHECK(watchdog_tick(&w, 0, NULL) == 0);
    CHECKF(strcmp(next_msg(fd), "READY=1") == 0, "ready after a bad interval");
    close(fd);
}

TEST(socket_nobody_listens_on_is_an_error_not_a_crash)
{
    char gone[128];
    snprintf(gone, sizeof gone, "%s/gone.sock", dir);
    unlink(gone);
    env(gone, "2000000", (long)getpid());
    watchdog w;
    lerr e = {{0}};
    CHECK(watchdog_open(&w, &e) == 0);
    CHECK(watchdog_tick(&w, 0, &e) != 0);
    CHECKF(strstr(e.msg, "NOTIFY_SOCKET") && strstr(e.msg, "READY=1"), "message: %s", e.msg);
    /* not marked ready: the next tick tries again, and fails again */
    e.msg[0] = 0;
    CHECK(watchdog_tick(&w, 1, &e) != 0);
    CHECK(e.msg[0] != 0);
    /* the same with no lerr to fill */
    CHECK(watchdog_tick(&w, 2, NULL) != 0);
}

TEST(bootwait_marker_there_returns_at_once_and_says_nothing)
{
    char m[128];
    snprintf(m, sizeof m, "%s/settled", dir);
    mkdir(m, 0755);
    int fd = listen_at(sockpath);
    env(sockpath, NULL, 0);
    bootwait_result r = {0, 99};
    CHECK(bootwait_run(m, 5000, 100, 90000, &r) == 0);
    CHECK(r.settled == 1 && r.waited_ms == 0);
    CHECKF(!*next_msg(fd), "%s", "a message was sent");
    close(fd);
    rmdir(m);
}

TEST(bootwait_gives_up_at_the_cap_and_extends_the_timeout)
{
    char m[128];
    snprintf(m, sizeof m, "%s/never", dir);
    int fd = listen_at(sockpath);
    env(sockpath, NULL, 0);
    bootwait_result r = {1, 0};
    CHECK(bootwait_run(m, 300, 50, 90000, &r) == 0);
    CHECK(r.settled == 0);
    CHECKF(r.waited_ms >= 300, "waited %llu ms", (unsigned long long)r.waited_ms);
    const char *a = next_msg(fd);
    /* the cap, one more look, and a second to spare */
    CHECKF(!strcmp(a, "EXTEND_TIMEOUT_USEC=1350000"), "first: '%s'", a);
    const char *b = next_msg(fd);
    CHECKF(!strcmp(b, "EXTEND_TIMEOUT_USEC=90000000"), "then: '%s'", b);
    close(fd);
}

TEST(bootwait_waits_until_the_marker_comes)
{
    char m[128];
    snprintf(m, sizeof m, "%s/later", dir);
    env(NULL, NULL, 0);
    pid_t p = fork();
    if (p == 0) {
        struct timespec ts = {0, 300 * 1000000L};
        nanosleep(&ts, NULL);
        _exit(mkdir(m, 0755) != 0);
    }
    CHECK(p > 0);
    bootwait_result r = {0, 0};
    CHECK(bootwait_run(m, 20000, 20, 0, &r) == 0);
    CHECK(r.settled == 1);
    /* not before the child made it; long before the cap */
    CHECKF(r.waited_ms >= 250 && r.waited_ms < 20000, "waited %llu ms", (unsigned long long)r.waited_ms);
    int st = 1;
    if (p > 0) waitpid(p, &st, 0);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    rmdir(m);
}

TEST(bootwait_without_a_name_is_refused)
{
    bootwait_result r = {1, 5};
    CHECK(bootwait_run(NULL, 100, 10, 0, &r) == -1 && r.settled == 0 && r.waited_ms == 0);
    CHECK(bootwait_run("", 100, 10, 0, &r) == -1 && r.settled == 0);
}

/* --boot-early: only a real folder that no one else can write counts */
TEST(bootwait_early_trusts_only_a_closed_folder)
{
    char d[128], link[128], copy[256];
    snprintf(d, sizeof d, "%s/early", dir);
    snprintf(link, sizeof link, "%s/early-link", dir);
    CHECK(bootwait_early(d, copy, sizeof copy) == 0); /* not there: wait as before */
    CHECK(mkdir(d, 0755) == 0);
    CHECK(bootwait_early(d, copy, sizeof copy) == 1);
    char want[256];
    snprintf(want, sizeof want, "%s/lectern.conf", d);
    CHECKF(!strcmp(copy, want), "copy '%s'", copy);
    CHECK(symlink(d, link) == 0);
    CHECK(bootwait_early(link, copy, sizeof copy) == -1);
    CHECKF(strstr(copy, "not a folder that only root can write") != NULL, "%s", copy);
    CHECK(chmod(d, 0777) == 0);
    CHECK(bootwait_early(d, copy, sizeof copy) == -1);
    CHECK(chmod(d, 0775) == 0);
    CHECK(bootwait_early(d, copy, sizeof copy) == -1);
    CHECK(chmod(d, 0755) == 0);
    char small[8];
    CHECK(bootwait_early(d, small, sizeof small) == -1); /* the name does not fit */
    CHECK(bootwait_early("", copy, sizeof copy) == -1);
    unlink(link);
    rmdir(d);
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/lectern-wd-XXXXXX");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    snprintf(sockpath, sizeof sockpath, "%s/notify.sock", dir);
    RUN(not_under_systemd_is_a_quiet_no_op);
    RUN(ready_once_then_watchdog_every_half_interval);
    RUN(no_watchdogsec_sends_ready_only);
    RUN(watchdog_of_another_process_is_not_ours);
    RUN(malformed_interval_is_reported_and_notify_still_works);
    RUN(socket_nobody_listens_on_is_an_error_not_a_crash);
    RUN(bootwait_marker_there_returns_at_once_and_says_nothing);
    RUN(bootwait_gives_up_at_the_cap_and_extends_the_timeout);
    RUN(bootwait_waits_until_the_marker_comes);
    RUN(bootwait_without_a_name_is_refused);
    RUN(bootwait_early_trusts_only_a_closed_folder);
    unlink(sockpath);
    rmdir(dir);
    return T_END();
}

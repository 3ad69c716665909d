/* t.h - the smallest test harness that does the job.
 *
 *   TEST(name) { CHECK(x == 1); CHECKF(n < 3, "n=%d", n); }
 *   int main(void) { RUN(name); return T_END(); }
 *
 * Each RUN prints "ok NAME" or "FAIL NAME" (with the failed checks on
 * stderr); tests/run.sh counts those lines. A test that made no check at
 * all (it returned early, or its checks were skipped) fails: a test that
 * cannot fail is no test. */
#ifndef LECTERN_T_H
#define LECTERN_T_H

#include <stdio.h>
#include <stdlib.h>

static int t_pass, t_fail, t_bad;
static long t_checks;

#define TEST(name) static void name(void)
#define CHECK(c) CHECKF(c, "%s", "")
#define CHECKF(c, ...)                                                          \
    do {                                                                        \
        t_checks++;                                                             \
        if (!(c)) {                                                             \
            t_bad++;                                                            \
            fprintf(stderr, "  %s:%d: CHECK(%s) failed ", __FILE__, __LINE__, #c); \
            fprintf(stderr, __VA_ARGS__);                                       \
            fputc('\n', stderr);                                                \
        }                                                                       \
    } while (0)
#define RUN(fn)                                                                 \
    do {                                                                        \
        t_bad = 0;                                                              \
        t_checks = 0;                                                           \
        fn();                                                                   \
        if (t_checks == 0) {                                                    \
            fprintf(stderr, "  %s: made no check\n", #fn);                      \
            t_bad++;                                                            \
        }                                                                       \
        fflush(stderr);                                                         \
        if (t_bad) { printf("FAIL %s\n", #fn); t_fail++; }                      \
        else { printf("ok %s\n", #fn); t_pass++; }                              \
        fflush(stdout);                                                         \
    } while (0)
#define T_END() (t_fail ? 1 : 0)

/* Path of a build output ("default.lpk", "lectern-pack") under $B. */
static inline const char *t_build(const char *name)
{
    static char t_path[4][512];
    static int k;
    const char *b = getenv("B");
    k = (k + 1) & 3;
    snprintf(t_path[k], sizeof t_path[k], "%s/%s", b && *b ? b : "build/host", name);
    return t_path[k];
}

#endif

/* replay.c - a plain main for a libFuzzer target: runs LLVMFuzzerTestOneInput
 * on every file of its corpus, so that `make test` (and ASan, and qemu)
 * replays what the fuzzer found. The corpus is tests/fuzz/corpus/<target>/,
 * where <target> is this binary's name without "replay_"; arguments, if
 * given, are files or folders to replay instead. Prints "ok <file>"... no:
 * one "ok replay_<target>" line for the lot, "FAIL" if a file is missing. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    size_t cap = 1 << 16, n = 0;
    uint8_t *d = malloc(cap);
    size_t r;
    while (d && (r = fread(d + n, 1, cap - n, f)) > 0) {
        n += r;
        if (n == cap) {
            uint8_t *nd = realloc(d, cap *= 2);
            if (!nd) { free(d); d = NULL; }
            d = nd;
        }
    }
    fclose(f);
    if (!d) return -1;
    /* exact-size copy, so ASan catches reads past the end */
    uint8_t *exact = malloc(n ? n : 1);
    memcpy(exact, d, n);
    free(d);
    LLVMFuzzerTestOneInput(exact, n);
    free(exact);
    return 0;
}

static int run_path(const char *path, size_t *count)
{
    struct stat sb;
    if (stat(path, &sb) != 0) return -1;
    if (!S_ISDIR(sb.st_mode)) {
        (*count)++;
        return run_file(path);
    }
    struct dirent **names;
    int n = scandir(path, &names, NULL, alphasort);
    if (n < 0) return -1;
    int rc = 0;
    for (int i = 0; i < n; i++) {
        if (names[i]->d_name[0] != '.') {
            char sub[4096];
            snprintf(sub, sizeof sub, "%s/%s", path, names[i]->d_name);
            if (run_path(sub, count)) rc = -1;
        }
        free(names[i]);
    }
    free(names);
    return rc;
}

int main(int argc, char **argv)
{
    const char *self = strrchr(argv[0], '/');
    self = self ? self + 1 : argv[0];
    const char *target = strncmp(self, "replay_", 7) == 0 ? self + 7 : self;
    size_t count = 0;
    int rc = 0;
    if (argc > 1) {
        for (int i = 1; i < argc; i++) rc |= run_path(argv[i], &count);
    } else {
        char dir[512];
        snprintf(dir, sizeof dir, "tests/fuzz/corpus/%s", target);
        rc = run_path(dir, &count);
    }
    if (rc || count == 0) {
        printf("FAIL replay_%s (corpus missing or unreadable)\n", target);
        return 1;
    }
    printf("ok replay_%s (%zu inputs)\n", target, count);
    return 0;
}

/* app_pack.c - a pack, a folder or one essay file as the reader's pack. */
#include "app_pack.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pack_write.h"
#include "packer.h"
#include "fileio.h"

static const char WHAT[] = "give the reader a pack made by lectern-pack, a folder of .txt or .md essays, "
                           "or one such file";

static int is_essay_name(const char *p)
{
    const char *dot = strrchr(p, '.'), *slash = strrchr(p, '/');
    if (!dot || (slash && dot < slash)) return 0;
    return !strcasecmp(dot, ".txt") || !strcasecmp(dot, ".md") || !strcasecmp(dot, ".markdown");
}

/* 1 when the regular file at path starts with the pack magic, 0 when not,
 * -1 when it cannot be read (message in e). Opened as every file is
 * (fileio.h): never waits on a file that turned into a pipe since the stat. */
static int has_magic(const char *path, lerr *e)
{
    int fd;
    if (fio_open_read(path, &fd, NULL, e)) return -1;
    char m[8] = {0};
    int r = fio_pread_all(fd, m, sizeof m, 0);
    close(fd);
    return r == 0 && !memcmp(m, PACK_MAGIC, sizeof m);
}

static void note(void *ctx, const char *msg)
{
    (void)ctx;
    fprintf(stderr, "lectern: %s\n", msg);
}

int app_pack_open(pack **out, uint8_t **mem, const char *path, lerr *e)
{
    *out = NULL;
    *mem = NULL;
    struct stat st;
    if (stat(path, &st) != 0) {
        if (errno == ENOENT || errno == ENOTDIR)
            lerr_set(e, "%s: there is no such file or folder; %s", path, WHAT);
        else
            lerr_set(e, "%s: cannot look at it: %s", path, strerror(errno));
        return -1;
    }
    int pack_it = S_ISDIR(st.st_mode);
    if (S_ISREG(st.st_mode)) {
        int m = has_magic(path, e);
        if (m < 0) return -1;
        if (m) return pack_open(out, path, e) ? -1 : 0;
        if (!is_essay_name(path)) {
            lerr_set(e, "%s is not a lectern pack; %s (to make a pack: lectern-pack build -o FILE.lpk FOLDER)", path,
                     WHAT);
            return -1;
        }
        pack_it = 1;
    }
    if (!pack_it) {
        lerr_set(e, "%s is %s, neither a file nor a folder; %s", path, fio_kind(st.st_mode), WHAT);
        return -1;
    }
    char *inputs[1] = {(char *)path};
    packer_opts po = {0};
    po.cluster_max = PACK_CLUSTER_DEFAULT;
    po.note = note;
    size_t size = 0;
    if (packer_build(inputs, 1, &po, NULL, mem, &size, e)) {
        lerr_prefix(e, "packing the essays for reading");
        return -1;
    }
    if (pack_open_mem(out, *mem, size, e)) {
        free(*mem);
        *mem = NULL;
        lerr_prefix(e, path);
        return -1;
    }
    return 0;
}

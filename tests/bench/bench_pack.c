/* bench_pack.c - time the pack reader. Not a test: prints figures only.
 *
 *   bench_pack decode PACK ROUNDS   decode every essay ROUNDS times; MB/s of text
 *   bench_pack open PACK ROUNDS     open + list every title; median ms per round
 *   bench_pack lz4 FILE ROUNDS      the peer: FILE compressed as one LZ4HC level 12
 *                                   block, then LZ4_decompress_safe of it ROUNDS
 *                                   times in memory (lz4's own decoder, with no
 *                                   frame, checksum or copy); best time
 *   bench_pack blocks PACK ROUNDS   the floor under `decode`: lz4's decoder alone on
 *                                   the pack's own essay blocks, in memory (each
 *                                   block once, codec 2 after a copy of the
 *                                   dictionary, as the reader has it); no open, no
 *                                   checksum, no copy out; best time
 */
#include <lz4.h>
#include <lz4hc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pack.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: bench_pack decode|open|lz4|blocks PACK ROUNDS\n");
        return 2;
    }
    int rounds = atoi(argv[3]);
    double *t = calloc((size_t)rounds, sizeof *t);
    lerr e;
    pack *p;
    if (!strcmp(argv[1], "lz4")) {
        FILE *f = fopen(argv[2], "rb");
        if (!f) { perror(argv[2]); return 1; }
        fseek(f, 0, SEEK_END);
        size_t n = (size_t)ftell(f);
        fseek(f, 0, SEEK_SET);
        char *raw = malloc(n + 1), *out = malloc(n + 1), *c = malloc((size_t)LZ4_compressBound((int)n));
        if (!raw || !out || !c || fread(raw, 1, n, f) != n) { perror(argv[2]); return 1; }
        fclose(f);
        int cn = LZ4_compress_HC(raw, c, (int)n, LZ4_compressBound((int)n), LZ4HC_CLEVEL_MAX);
        for (int r = 0; r < rounds; r++) {
            double t0 = now();
            int d = LZ4_decompress_safe(c, out, cn, (int)n);
            t[r] = now() - t0;
            if (d != (int)n || memcmp(out, raw, n)) { fprintf(stderr, "lz4 round trip failed\n"); return 1; }
        }
        qsort(t, (size_t)rounds, sizeof *t, cmp);
        printf("lz4_bytes %zu\nlz4_stored %d\nlz4_best_s %.7f\nlz4_mb_s %.1f\n", n, cn, t[0], n / t[0] / 1e6);
        free(raw);
        free(out);
        free(c);
    } else if (!strcmp(argv[1], "blocks")) {
        FILE *f = fopen(argv[2], "rb");
        if (!f) { perror(argv[2]); return 1; }
        fseek(f, 0, SEEK_END);
        size_t fsize = (size_t)ftell(f);
        fseek(f, 0, SEEK_SET);
        uint8_t *img = malloc(fsize);
        if (!img || fread(img, 1, fsize, f) != fsize) { perror(argv[2]); return 1; }
        fclose(f);
        if (pack_open_mem(&p, img, fsize, &e)) { fprintf(stderr, "%s\n", e.msg); return 1; }
        /* the dictionary: entry 0's block decoded, its first PACK_DICT_MAX bytes */
        const pack_entry *d0 = pack_entry_at(p, 0);
        uint8_t *b0 = malloc(d0->block_size);
        if (!b0) return 1;
        if (d0->codec == PACK_RAW) memcpy(b0, img + d0->block_offset, d0->block_size);
        else if (LZ4_decompress_safe((const char *)img + d0->block_offset, (char *)b0, (int)d0->block_stored,
                                     (int)d0->block_size) != (int)d0->block_size) { fprintf(stderr, "entry 0 does not decode\n"); return 1; }
        size_t dn = d0->block_size < PACK_DICT_MAX ? d0->block_size : PACK_DICT_MAX;
        size_t maxb = 0;
        for (size_t i = 0; i < pack_count(p); i++)
            if (pack_entry_at(p, i)->block_size > maxb) maxb = pack_entry_at(p, i)->block_size;
        uint8_t *buf = malloc(dn + maxb);
        if (!buf) return 1;
        memcpy(buf, b0, dn);
        unsigned long long bytes = 0;
        size_t blocks = 0;
        for (int r = 0; r < rounds; r++) {
            double t0 = now();
            uint64_t last = 0;
            bytes = 0;
            blocks = 0;
            for (size_t n = 1; n <= pack_essays(p); n++) {
                const pack_entry *en = pack_entry_at(p, pack_essay_index(p, n));
                if (en->block_offset == last) continue; /* a cluster: decoded once */
                last = en->block_offset;
                const char *src = (const char *)img + en->block_offset;
                int d;
                if (en->codec == PACK_RAW) {
                    memcpy(buf + dn, src, en->block_size);
                    d = (int)en->block_size;
                } else if (en->codec == PACK_LZ4_DICT) {
                    d = LZ4_decompress_safe_usingDict(src, (char *)buf + dn, (int)en->block_stored, (int)en->block_size,
                                                      (const char *)buf, (int)dn);
                } else {
                    d = LZ4_decompress_safe(src, (char *)buf + dn, (int)en->block_stored, (int)en->block_size);
                }
                if (d != (int)en->block_size) { fprintf(stderr, "essay %zu: its block does not decode\n", n); return 1; }
                bytes += en->block_size;
                blocks++;
            }
            t[r] = now() - t0;
        }
        qsort(t, (size_t)rounds, sizeof *t, cmp);
        printf("blocks %zu\nblocks_bytes %llu\nblocks_best_s %.7f\nblocks_mb_s %.1f\n", blocks, bytes, t[0],
               bytes / t[0] / 1e6);
        pack_close(p);
        free(buf);
        free(b0);
        free(img);
    } else if (!strcmp(argv[1], "decode")) {
        /* The file is read into memory once; each round opens it afresh
         * (header and directory checks) so that no decoded block or
         * checksum result is reused from the round before. */
        FILE *f = fopen(argv[2], "rb");
        if (!f) { perror(argv[2]); return 1; }
        fseek(f, 0, SEEK_END);
        size_t fsize = (size_t)ftell(f);
        fseek(f, 0, SEEK_SET);
        uint8_t *img = malloc(fsize);
        if (!img || fread(img, 1, fsize, f) != fsize) { perror(argv[2]); return 1; }
        fclose(f);
        unsigned long long bytes = 0;
        for (int r = 0; r < rounds; r++) {
            double t0 = now();
            if (pack_open_mem(&p, img, fsize, &e)) { fprintf(stderr, "%s\n", e.msg); return 1; }
            bytes = 0;
            for (size_t n = 1; n <= pack_essays(p); n++) {
                uint8_t *d;
                size_t size;
                if (pack_read(p, pack_essay_index(p, n), &d, &size, &e)) { fprintf(stderr, "%s\n", e.msg); return 1; }
                bytes += size;
                free(d);
            }
            pack_close(p);
            t[r] = now() - t0;
        }
        qsort(t, (size_t)rounds, sizeof *t, cmp);
        printf("decode_bytes %llu\ndecode_best_s %.7f\ndecode_mb_s %.1f\n", bytes, t[0], bytes / t[0] / 1e6);
        free(img);
    } else {
        size_t titles = 0;
        for (int r = 0; r < rounds; r++) {
            double t0 = now();
            if (pack_open(&p, argv[2], &e)) { fprintf(stderr, "%s\n", e.msg); return 1; }
            titles = 0;
            for (size_t n = 1; n <= pack_essays(p); n++) {
                const pack_entry *en = pack_entry_at(p, pack_essay_index(p, n));
                titles += en->title_len + en->words;
            }
            pack_close(p);
            t[r] = now() - t0;
        }
        qsort(t, (size_t)rounds, sizeof *t, cmp);
        printf("open_list_median_ms %.3f\nopen_list_best_ms %.3f\n(checksum %zu)\n", t[rounds / 2] * 1e3,
               t[0] * 1e3, titles);
    }
    free(t);
    return 0;
}

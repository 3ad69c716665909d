/* lectern-pack - turn a folder of essays into one lectern pack, and look
 * inside packs. See `lectern-pack --help` and src/pack_format.md.
 *
 * Exit codes: 0 ok, 1 bad input or damaged pack, 2 usage. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "essay.h"
#include "fileio.h"
#include "fonts.h"
#include "input.h"
#include "pack.h"
#include "pack_install.h"
#include "pack_sign.h"
#include "pack_write.h"
#include "packer.h"

#define EXIT_BAD 1
#define EXIT_USAGE 2
#define WORDS_PER_MINUTE 230

static const char usage[] =
    "usage: lectern-pack build -o FILE [--lang L] [--font FILE]... [--lossy]\n"
    "                          [--encoding utf-8|windows-1252|latin-1]\n"
    "                          [--cluster-size BYTES] [--no-fonts] [--follow-symlinks]\n"
    "                          INPUT...\n"
    "       lectern-pack list FILE\n"
    "       lectern-pack cat FILE N [--show-hyphens]\n"
    "       lectern-pack verify [--pubkey NAME.pub] FILE\n"
    "       lectern-pack info FILE\n"
    "       lectern-pack keygen -o NAME\n"
    "       lectern-pack sign --key NAME.key FILE\n"
    "       lectern-pack install [--pubkey NAME.pub] SOURCE DEST\n"
    "       lectern-pack --help | --version\n";

static const char help[] =
    "\n"
    "build   Pack essays (.txt and .md files, or folders of them) into FILE.\n"
    "        A folder's manifest.ini, if any, sets order, titles, bylines and\n"
    "        language; otherwise essays go in file-name order. Other files and\n"
    "        the folders inside a folder are skipped, each named with the\n"
    "        reason (give a subfolder as another INPUT to pack it too); so are\n"
    "        empty essays. Every problem is listed in one run (the first 50),\n"
    "        and then nothing is written. On success one line says what was\n"
    "        packed: essays, words, size, fonts.\n"
    "          -o FILE             the pack to write (written atomically)\n"
    "          --lang L            hyphenation language (default en-US), or a\n"
    "                              libhyphen .dic file\n"
    "          --font FILE         a text face to embed instead of the default\n"
    "                              (" FONTS_DEFAULT_FAMILY "); give one per style\n"
    "          --lossy             replace invalid UTF-8 and control characters\n"
    "                              by U+FFFD instead of refusing the file\n"
    "          --encoding E        read every file as E: utf-8, windows-1252 or\n"
    "                              latin-1 (default: UTF-8, or Windows-1252 for a\n"
    "                              file that is not UTF-8 and reads as it)\n"
    "          --cluster-size N    group consecutive essays into LZ4 blocks of at\n"
    "                              most N bytes of text: 0 (one block per essay)\n"
    "                              to 1048576 (1 MiB); default 65536\n"
    "          --no-fonts          embed no fonts (for tests; the reader needs them)\n"
    "          --follow-symlinks   pack files that symbolic links in a folder point\n"
    "                              to outside it (refused by default)\n"
    "list    One line per essay: number, words, reading time, title, and\n"
    "        \xE2\x80\x94 byline when the essay has one.\n"
    "cat     Print essay N (numbered from 1, as list prints) as plain text.\n"
    "        --show-hyphens marks the hyphenation points with '\u2027'.\n"
    "verify  Check every checksum; say what is damaged. A signed pack's signature\n"
    "        is checked too. --pubkey NAME.pub also requires a valid signature by\n"
    "        that key: an unsigned pack, one signed by another key, or one changed\n"
    "        after it was signed is refused, and the message says which.\n"
    "info    key: value lines about the pack, for scripts.\n"
    "keygen  Make a signing key: NAME.key (secret, readable only by you) and\n"
    "        NAME.pub (for the kiosks). Never overwrites a file.\n"
    "sign    Sign FILE with NAME.key, in place (atomically, as build writes);\n"
    "        signing again replaces the old signature.\n"
    "install Check SOURCE (a pack, or a folder of essays, packed as build does)\n"
    "        and put it at DEST atomically, keeping the old DEST as\n"
    "        DEST.previous. With --pubkey, SOURCE must be a pack signed by that\n"
    "        key. On any failure DEST is left as it was.\n"
    "\n"
    "Exit status: 0 ok, 1 bad input or damaged pack, 2 usage.\n";

/* ---- progress bar, only on a terminal and only for large inputs -------- */

typedef struct progress {
    int on;
    int last;
} progress;

static void progress_cb(void *ctx, uint64_t done, uint64_t total)
{
    progress *pg = ctx;
    if (!pg->on || total == 0) return;
    int pct = (int)(done * 100 / total);
    if (pct == pg->last) return;
    pg->last = pct;
    char bar[41];
    int fill = pct * 40 / 100;
    for (int i = 0; i < 40; i++) bar[i] = i < fill ? '#' : '.';
    bar[40] = 0;
    fprintf(stderr, "\rcompressing [%s] %3d%%", bar, pct);
    if (done >= total) fputc('\n', stderr);
}

static void note_cb(void *ctx, const char *msg)
{
    (void)ctx;
    fprintf(stderr, "lectern-pack: %s\n", msg);
}

static void problem_cb(void *ctx, const char *msg)
{
    (void)ctx;
    fprintf(stderr, "lectern-pack: problem: %s\n", msg);
}

/* ---- build ---------------------------------------------------------------- */

static int cmd_build(int argc, char **argv)
{
    const char *out = NULL;
    input_opts io = {NULL, 0, 0, 0};
    int encoding = INPUT_ENC_AUTO;
    pack_write_opts wo = {PACK_CLUSTER_DEFAULT, progress_cb, NULL};
    int no_fonts = 0;
    char **fonts = calloc((size_t)argc, sizeof *fonts);
    char **inputs = calloc((size_t)argc, sizeof *inputs);
    size_t nfonts = 0, ninputs = 0;
    if (!fonts || !inputs) {
        fprintf(stderr, "lectern-pack: out of memory\n");
        return EXIT_BAD;
    }
    int rc = EXIT_USAGE;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        int more = i + 1 < argc;
        if (!strcmp(a, "-o") && more) out = argv[++i];
        else if (!strcmp(a, "--lang") && more) io.lang = argv[++i];
        else if (!strcmp(a, "--font") && more) fonts[nfonts++] = argv[++i];
        else if (!strcmp(a, "--lossy")) io.lossy = 1;
        else if (!strcmp(a, "--encoding") && more) {
            if ((encoding = input_encoding_parse(argv[++i])) < 0) {
                fprintf(stderr, "lectern-pack: --encoding '%s': give utf-8, windows-1252 or latin-1\n", argv[i]);
                goto done;
            }
        }
        else if (!strcmp(a, "--follow-symlinks")) io.follow_symlinks = 1;
        else if (!strcmp(a, "--no-fonts")) no_fonts = 1;
        else if (!strcmp(a, "--cluster-size") && more) {
            char *end;
            errno = 0;
            unsigned long v = strtoul(argv[++i], &end, 10);
            if (errno || *end || end == argv[i]) {
                fprintf(stderr, "lectern-pack: --cluster-size takes a number of bytes, 0 to %u\n", PACK_CLUSTER_MAX);
                goto done;
            }
            if (v > PACK_CLUSTER_MAX) { /* the limit pack_write enforces: refused input, not usage */
                fprintf(stderr, "lectern-pack: --cluster-size %lu: at most %u (1 MiB), so that a kiosk reader has "
                        "the memory to open a cluster\n", v, PACK_CLUSTER_MAX);
                rc = EXIT_BAD;
                goto done;
            }
            wo.cluster_max = (uint32_t)v;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "lectern-pack build: unknown or incomplete option '%s'\n%s", a, usage);
            goto done;
        } else inputs[ninputs++] = argv[i];
    }
    if (!out || ninputs == 0) {
        fprintf(stderr, "lectern-pack build: %s\n%s", out ? "no input given" : "-o FILE is required", usage);
        goto done;
    }
    {
        /* Refuse a symlink, FIFO, device or directory as the output before
         * any work (pack_write checks again before it renames). */
        lerr oe;
        if (fio_check_replace(out, &oe)) {
            fprintf(stderr, "lectern-pack: %s\n", oe.msg);
            rc = EXIT_BAD;
            goto done;
        }
    }

    rc = EXIT_BAD;
    lerr e = {{0}};
    progress pg = {isatty(2), -1};
    packer_summary su;
    packer_opts po = {io.lang, io.lossy, no_fonts, fonts, nfonts, wo.cluster_max, progress_cb, &pg, 4u << 20,
                      note_cb, NULL, io.follow_symlinks, encoding, problem_cb, &su};
    if (packer_build(inputs, ninputs, &po, out, NULL, NULL, &e)) {
        fprintf(stderr, "lectern-pack: %s\n", e.msg);
    } else {
        char line[256];
        packer_summary_line(&su, line, sizeof line);
        printf("packed %s into %s\n", line, out);
        rc = 0;
    }
done:
    free(fonts);
    free(inputs);
    return rc;
}

/* ---- reading commands ----------------------------------------------------- */

static pack *open_or_die(const char *path)
{
    pack *p;
    lerr e;
    if (pack_open(&p, path, &e)) {
        fprintf(stderr, "lectern-pack: %s\n", e.msg);
        return NULL;
    }
    return p;
}

static int cmd_list(const char *path)
{
    pack *p = open_or_die(path);
    if (!p) return EXIT_BAD;
    for (size_t n = 1; n <= pack_essays(p); n++) {
        const pack_entry *en = pack_entry_at(p, pack_essay_index(p, n));
        unsigned minutes = (en->words + WORDS_PER_MINUTE - 1) / WORDS_PER_MINUTE;
        printf("%3zu  %6u words  %3u min  %.*s", n, en->words, minutes ? minutes : 1, (int)en->title_len,
               en->title);
        if (en->byline_len) printf(" \xE2\x80\x94 %.*s", (int)en->byline_len, en->byline); /* " — byline" */
        putchar('\n');
    }
    pack_close(p);
    return 0;
}

/* Print text, dropping soft hyphens or marking them. */
static void put_text(const uint8_t *s, size_t n, int show_hyphens)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == 0xC2 && i + 1 < n && s[i + 1] == 0xAD) {
            if (show_hyphens) fputs("\u2027", stdout);
            i++;
        } else if (s[i] == 0xE2 && i + 2 < n && s[i + 1] == 0x80 && s[i + 2] == 0xA8) {
            putchar('\n'); /* a hard line break */
            i += 2;
        } else {
            putchar(s[i]);
        }
    }
}

static int cmd_cat(int argc, char **argv)
{
    const char *path = NULL, *num = NULL;
    int show = 0;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--show-hyphens")) show = 1;
        else if (!path) path = argv[i];
        else if (!num) num = argv[i];
        else num = NULL, path = NULL, i = argc;
    }
    char *end = NULL;
    unsigned long n = num ? strtoul(num, &end, 10) : 0;
    if (!path || !num || *end || n == 0) {
        fprintf(stderr, "lectern-pack cat: needs FILE and an essay number from 1\n%s", usage);
        return EXIT_USAGE;
    }
    pack *p = open_or_die(path);
    if (!p) return EXIT_BAD;
    size_t idx = pack_essay_index(p, n);
    if (idx == (size_t)-1) {
        fprintf(stderr, "lectern-pack: %s has %zu essays; there is no essay %lu\n", path, pack_essays(p), n);
        pack_close(p);
        return EXIT_BAD;
    }
    uint8_t *d;
    size_t size;
    lerr e;
    essay es;
    if (pack_read(p, idx, &d, &size, &e) || essay_parse(d, size, &es, &e)) {
        fprintf(stderr, "lectern-pack: %s: essay %lu: %s\n", path, n, e.msg);
        free(d);
        pack_close(p);
        return EXIT_BAD;
    }
    const pack_entry *en = pack_entry_at(p, idx);
    printf("%.*s\n", (int)en->title_len, en->title);
    if (en->byline_len) printf("%.*s\n", (int)en->byline_len, en->byline);
    putchar('\n');
    for (size_t b = 0; b < es.nblocks; b++) {
        const essay_block *bl = &es.blocks[b];
        switch (bl->kind) {
        case ESSAY_HEADING: printf("%.*s ", bl->level, "######"); break;
        case ESSAY_LIST:
            for (int q = 1; q < bl->depth; q++) fputs("  ", stdout);
            put_text(d + bl->label, bl->label_len, 0);
            putchar(' ');
            break;
        case ESSAY_NOTE: put_text(d + bl->label, bl->label_len, 0); putchar(' '); break;
        case ESSAY_QUOTE: for (int q = 0; q < bl->depth; q++) fputs("> ", stdout); break;
        case ESSAY_SEP: fputs("* * *", stdout); break;
        case ESSAY_CODE: fputs("    ", stdout); break;
        default: break;
        }
        if (bl->kind == ESSAY_TABLE) { /* cells between bars */
            fputs("| ", stdout);
            for (uint32_t a = 0, c = 0; c <= bl->len; c++) {
                if (c < bl->len && d[bl->start + c] != ESSAY_CELL_SEP) continue;
                put_text(d + bl->start + a, c - a, show);
                fputs(c < bl->len ? " | " : " |", stdout);
                a = c + 1;
            }
        } else {
            put_text(d + bl->start, bl->len, show);
        }
        putchar('\n');
    }
    essay_free(&es);
    free(d);
    pack_close(p);
    return 0;
}

static void report_damage(void *ctx, size_t i, const char *msg)
{
    (void)i;
    fprintf(stderr, "%s: %s\n", (const char *)ctx, msg);
}

/* The largest pack verify, sign and install read into memory. */
#define PACK_FILE_MAX ((size_t)1 << 30)

/* Read the pack at path into memory and open it there: *img (caller
 * frees) and *p (caller closes). Messages name the path. */
static int load_pack(const char *path, uint8_t **img, size_t *n, pack **p, lerr *e)
{
    *p = NULL;
    if (fio_read_all(path, PACK_FILE_MAX, img, n, e)) {
        *img = NULL;
        return -1;
    }
    if (pack_open_mem(p, *img, *n, e)) {
        lerr_prefix(e, path);
        free(*img);
        *img = NULL;
        return -1;
    }
    return 0;
}

static int load_pubkey(const char *file, uint8_t *pk, char *fp)
{
    lerr e;
    if (psign_load_public(file, pk, &e)) {
        fprintf(stderr, "lectern-pack: %s\n", e.msg);
        return -1;
    }
    psign_fingerprint(pk, fp);
    return 0;
}

static int cmd_verify(int argc, char **argv)
{
    const char *path = NULL, *pubfile = NULL;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--pubkey") && i + 1 < argc) pubfile = argv[++i];
        else if (argv[i][0] == '-' && argv[i][1]) path = NULL, i = argc, pubfile = "";
        else if (!path) path = argv[i];
        else path = NULL, i = argc;
    }
    if (!path || (pubfile && !*pubfile)) {
        fprintf(stderr, "lectern-pack verify: needs FILE, and optionally --pubkey NAME.pub\n%s", usage);
        return EXIT_USAGE;
    }
    uint8_t pk[PSIGN_PUBLIC_SIZE];
    char fp[PSIGN_FP_SIZE];
    if (pubfile && load_pubkey(pubfile, pk, fp)) return EXIT_BAD;
    uint8_t *img;
    size_t n;
    pack *p;
    lerr e;
    if (load_pack(path, &img, &n, &p, &e)) {
        fprintf(stderr, "lectern-pack: %s\n", e.msg);
        if (pubfile)
            fprintf(stderr, "%s: damaged or tampered with: its signature cannot be checked against key %s (%s)\n",
                    path, fp, pubfile);
        return EXIT_BAD;
    }
    size_t bad = pack_verify(p, report_damage, (void *)path);
    if (bad)
        fprintf(stderr, "%s: %zu of %zu entries damaged\n", path, bad, pack_count(p));
    int rc = bad ? EXIT_BAD : 0;
    const pack_sig *sig = pack_signature(p);
    int st = PSIGN_UNSIGNED;
    if (pubfile || sig) {
        st = psign_check(p, img, n, pubfile ? pk : NULL, &e);
        if (st != PSIGN_OK) {
            fprintf(stderr, "%s: %s%s%s%s\n", path, e.msg, pubfile ? " (" : "", pubfile ? pubfile : "",
                    pubfile ? ")" : "");
            rc = EXIT_BAD;
        }
    }
    if (!bad)
        printf("%s: ok, %zu entries (%zu essays), every checksum matches\n", path, pack_count(p), pack_essays(p));
    if (st == PSIGN_OK) {
        char has[PSIGN_FP_SIZE];
        psign_fingerprint(sig->pubkey, has);
        if (pubfile)
            printf("%s: signed by key %s (%s), signature valid\n", path, has, pubfile);
        else
            printf("%s: signed by key %s, signature matches (give --pubkey to require that key)\n", path, has);
    }
    pack_close(p);
    free(img);
    return rc;
}

/* ---- keys, signing, installing -------------------------------------------- */

static int cmd_keygen(int argc, char **argv)
{
    if (argc != 2 || strcmp(argv[0], "-o") || !argv[1][0]) {
        fprintf(stderr, "lectern-pack keygen: needs -o NAME (writes NAME.key and NAME.pub)\n%s", usage);
        return EXIT_USAGE;
    }
    char fp[PSIGN_FP_SIZE];
    lerr e;
    if (psign_keygen(argv[1], fp, &e)) {
        fprintf(stderr, "lectern-pack: %s\n", e.msg);
        return EXIT_BAD;
    }
    printf("made key %s: secret key %s.key (keep it private), public key %s.pub (for the kiosks)\n", fp, argv[1],
           argv[1]);
    return 0;
}

static int cmd_sign(int argc, char **argv)
{
    const char *keyfile = NULL, *path = NULL;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--key") && i + 1 < argc) keyfile = argv[++i];
        else if (argv[i][0] == '-' && argv[i][1]) keyfile = NULL, i = argc;
        else if (!path) path = argv[i];
        else path = NULL, i = argc;
    }
    if (!keyfile || !path) {
        fprintf(stderr, "lectern-pack sign: needs --key NAME.key and FILE\n%s", usage);
        return EXIT_USAGE;
    }
    lerr e;
    if (fio_check_replace(path, &e)) {
        fprintf(stderr, "lectern-pack: %s\n", e.msg);
        return EXIT_BAD;
    }
    uint8_t sk[PSIGN_SECRET_SIZE];
    int loose = 0;
    if (psign_load_secret(keyfile, sk, &loose, &e)) {
        fprintf(stderr, "lectern-pack: %s\n", e.msg);
        return EXIT_BAD;
    }
    if (loose)
        fprintf(stderr, "lectern-pack: warning: %s can be read by other users; make it private "
                "(chmod 600 %s)\n", keyfile, keyfile);
    uint8_t *img, *out = NULL;
    size_t n, on;
    pack *p;
    int rc = EXIT_BAD;
    if (load_pack(path, &img, &n, &p, &e)) {
        fprintf(stderr, "lectern-pack: %s\n", e.msg);
        psign_wipe(sk, sizeof sk);
        return EXIT_BAD;
    }
    size_t bad = pack_verify(p, report_damage, (void *)path);
    pack_close(p);
    if (bad) {
        fprintf(stderr, "%s: %zu entries damaged: not signing a damaged pack (build it again)\n", path, bad);
        goto out;
    }
    if (psign_sign(img, n, sk, &out, &on, &e)) {
        fprintf(stderr, "lectern-pack: %s: %s\n", path, e.msg);
        goto out;
    }
    /* check what is about to be written, with the reader's code */
    pack *q;
    if (pack_open_mem(&q, out, on, &e) || psign_check(q, out, on, sk + 32, &e) != PSIGN_OK) {
        fprintf(stderr, "lectern-pack: %s: the signed pack does not check: %s\n", path, e.msg);
        pack_close(q);
        goto out;
    }
    pack_close(q);
    if (pack_install_bytes(path, out, on, 0, NULL, &e)) {
        fprintf(stderr, "lectern-pack: %s\n", e.msg);
        goto out;
    }
    char fp[PSIGN_FP_SIZE];
    psign_fingerprint(sk + 32, fp);
    printf("signed %s with key %s\n", path, fp);
    rc = 0;
out:
    psign_wipe(sk, sizeof sk);
    free(out);
    free(img);
    return rc;
}

static int cmd_install(int argc, char **argv)
{
    const char *pubfile = NULL, *src = NULL, *dest = NULL;
    int bad_arg = 0;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--pubkey") && i + 1 < argc) pubfile = argv[++i];
        else if (argv[i][0] == '-' && argv[i][1]) bad_arg = 1;
        else if (!src) src = argv[i];
        else if (!dest) dest = argv[i];
        else bad_arg = 1;
    }
    if (bad_arg || !src || !dest) {
        fprintf(stderr, "lectern-pack install: needs SOURCE and DEST, and optionally --pubkey NAME.pub\n%s", usage);
        return EXIT_USAGE;
    }
    lerr e;
    if (fio_check_replace(dest, &e)) {
        fprintf(stderr, "lectern-pack: %s\n", e.msg);
        return EXIT_BAD;
    }
    uint8_t pk[PSIGN_PUBLIC_SIZE];
    char fp[PSIGN_FP_SIZE];
    if (pubfile && load_pubkey(pubfile, pk, fp)) return EXIT_BAD;
    struct stat st;
    uint8_t *img = NULL;
    size_t n = 0;
    pack *p = NULL;
    int rc = EXIT_BAD;
    if (stat(src, &st) == 0 && S_ISDIR(st.st_mode)) {
        if (pubfile) {
            fprintf(stderr, "lectern-pack: %s is a folder of essays, which carries no signature; --pubkey %s "
                    "needs a pack signed by key %s (lectern-pack sign)\n", src, pubfile, fp);
            return EXIT_BAD;
        }
        /* packed as build packs it, in memory */
        char *inputs[1] = {(char *)src};
        packer_summary su;
        packer_opts po = {NULL, 0, 0, NULL, 0, PACK_CLUSTER_DEFAULT, NULL, NULL, 0,
                          note_cb, NULL, 0, INPUT_ENC_AUTO, problem_cb, &su};
        if (packer_build(inputs, 1, &po, NULL, &img, &n, &e)) {
            fprintf(stderr, "lectern-pack: %s\n", e.msg);
            fprintf(stderr, "lectern-pack: nothing installed; %s is as it was\n", dest);
            return EXIT_BAD;
        }
        if (pack_open_mem(&p, img, n, &e)) {
            fprintf(stderr, "lectern-pack: %s: %s\n", src, e.msg);
            goto out;
        }
    } else if (load_pack(src, &img, &n, &p, &e)) {
        fprintf(stderr, "lectern-pack: %s\n", e.msg);
        if (pubfile)
            fprintf(stderr, "%s: damaged or tampered with: its signature cannot be checked against key %s (%s)\n",
                    src, fp, pubfile);
        goto out;
    }
    /* the signature first: with --pubkey, whether the pack is the one
     * that was signed is the question, and damage is one way it is not */
    if (pubfile) {
        if (psign_check(p, img, n, pk, &e) != PSIGN_OK) {
            fprintf(stderr, "%s: %s (%s)\n", src, e.msg, pubfile);
            goto out;
        }
    } else if (pack_signature(p) && psign_check(p, img, n, NULL, &e) != PSIGN_OK) {
        fprintf(stderr, "%s: %s\n", src, e.msg);
        goto out;
    }
    size_t bad = pack_verify(p, report_damage, (void *)src);
    if (bad) {
        fprintf(stderr, "%s: %zu of %zu entries damaged\n", src, bad, pack_count(p));
        goto out;
    }
    int had_prev = 0;
    if (pack_install_bytes(dest, img, n, 1, &had_prev, &e)) {
        fprintf(stderr, "lectern-pack: %s\n", e.msg);
        goto out;
    }
    printf("installed %zu essay%s into %s%s%s%s\n", pack_essays(p), pack_essays(p) == 1 ? "" : "s", dest,
           had_prev ? "; the pack it replaced is " : "", had_prev ? dest : "", had_prev ? ".previous" : "");
    rc = 0;
out:
    if (rc) fprintf(stderr, "lectern-pack: nothing installed; %s is as it was\n", dest);
    pack_close(p);
    free(img);
    return rc;
}

static int cmd_info(const char *path)
{
    pack *p = open_or_die(path);
    if (!p) return EXIT_BAD;
    uint64_t text = 0, stored = 0, fonts_stored = 0, fonts_bytes = 0, words = 0;
    uint64_t last_block = 0;
    size_t nfonts = 0, blocks = 0;
    for (size_t i = 0; i < pack_count(p); i++) {
        const pack_entry *en = pack_entry_at(p, i);
        /* entries of one cluster share a block: count its bytes once */
        int new_block = i == 0 || en->block_offset != last_block;
        last_block = en->block_offset;
        if (en->kind == PACK_ESSAY) {
            text += en->full_size;
            words += en->words;
            if (new_block) stored += en->block_stored, blocks++;
        } else {
            nfonts++;
            fonts_stored += en->block_stored;
            fonts_bytes += en->size;
        }
    }
    printf("file_size: %llu\n", (unsigned long long)pack_file_size(p));
    printf("format_version: %d.%d\n", PACK_VERSION_MAJOR, PACK_VERSION_MINOR);
    printf("entries: %zu\n", pack_count(p));
    printf("essays: %zu\n", pack_essays(p));
    printf("essay_blocks: %zu\n", blocks);
    printf("essays_words: %llu\n", (unsigned long long)words);
    printf("essays_text_bytes: %llu\n", (unsigned long long)text);
    printf("essays_stored_bytes: %llu\n", (unsigned long long)stored);
    printf("fonts: %zu\n", nfonts);
    printf("fonts_stored_bytes: %llu\n", (unsigned long long)fonts_stored);
    printf("fonts_bytes: %llu\n", (unsigned long long)fonts_bytes);
    for (size_t i = 0, k = 0; i < pack_count(p); i++) {
        const pack_entry *en = pack_entry_at(p, i);
        if (en->kind != PACK_FONT) continue;
        printf("font_%zu: %.*s%s%s\n", ++k, (int)en->title_len, en->title,
               en->flags & PACK_FONT_FALLBACK ? " (fallback)" : "", "");
        /* what the font says of itself: its subset's size, copyright, licence */
        const uint8_t *fd;
        size_t fn;
        font_about ab;
        lerr fe;
        if (pack_view(p, i, &fd, &fn, &fe) != PACK_OK || fonts_about(fd, fn, &ab, &fe)) {
            printf("font_%zu_error: %s\n", k, fe.msg);
            continue;
        }
        printf("font_%zu_file: %.*s\n", k, (int)en->byline_len, en->byline);
        printf("font_%zu_bytes: %zu\nfont_%zu_stored_bytes: %u\n", k, fn, k, en->block_stored);
        printf("font_%zu_glyphs: %u\nfont_%zu_code_points: %u\n", k, ab.glyphs, k, ab.code_points);
        printf("font_%zu_copyright: %s\n", k, ab.copyright);
        printf("font_%zu_licence: %s%s\n", k, ab.licence, ab.licence_bytes > strlen(ab.licence) ? " ..." : "");
        printf("font_%zu_licence_bytes: %zu\nfont_%zu_licence_url: %s\n", k, ab.licence_bytes, k, ab.licence_url);
    }
    const pack_sig *sig = pack_signature(p);
    unsigned vmaj, vmin;
    pack_version(p, &vmaj, &vmin);
    printf("pack_version: %u.%u\n", vmaj, vmin);
    printf("signed: %s\n", sig ? "yes" : "no");
    if (sig) {
        char fp[PSIGN_FP_SIZE];
        psign_fingerprint(sig->pubkey, fp);
        printf("signed_by: %s\n", fp);
        /* the key's first bytes as they are, as the reader's admin screen
         * shows them (the reader links no hash for the fingerprint) */
        printf("signed_key: ");
        for (int i = 0; i < 8; i++) printf("%02x", sig->pubkey[i]);
        printf("\n");
    }
    pack_close(p);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage, stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
        fputs(usage, stdout);
        fputs(help, stdout);
        return 0;
    }
    if (!strcmp(cmd, "--version")) {
        printf("lectern-pack %s (pack format %d.%d)\n", LECTERN_VERSION, PACK_VERSION_MAJOR, PACK_VERSION_MINOR);
        return 0;
    }
    if (!strcmp(cmd, "build")) return cmd_build(argc - 2, argv + 2);
    if (!strcmp(cmd, "cat")) return cmd_cat(argc - 2, argv + 2);
    if (argc == 3 && !strcmp(cmd, "list")) return cmd_list(argv[2]);
    lerr se;
    if (psign_init(&se)) {
        fprintf(stderr, "lectern-pack: %s\n", se.msg);
        return EXIT_BAD;
    }
    if (!strcmp(cmd, "verify")) return cmd_verify(argc - 2, argv + 2);
    if (!strcmp(cmd, "keygen")) return cmd_keygen(argc - 2, argv + 2);
    if (!strcmp(cmd, "sign")) return cmd_sign(argc - 2, argv + 2);
    if (!strcmp(cmd, "install")) return cmd_install(argc - 2, argv + 2);
    if (argc == 3 && !strcmp(cmd, "info")) return cmd_info(argv[2]);
    fprintf(stderr, "lectern-pack: unknown command or wrong arguments: '%s'\n%s", cmd, usage);
    return EXIT_USAGE;
}

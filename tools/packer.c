/* packer.c - input, fonts and pack writing in one call (see packer.h). */
#include "packer.h"

#include "fileio.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "essay.h"
#include "fonts.h"
#include "input.h"
#include "pack.h"
#include "pack_write.h"

static void note(const packer_opts *o, const char *msg)
{
    if (o->note) o->note(o->note_ctx, msg);
}

/* The characters of an essay that its bold italic runs and its code draw
 * (the faces of those runs keep only them): into bi and mono, each ended by
 * a LF. Bold italic: every non-code run that is em or strong, as either can
 * be bold italic beside its line's own face (em in a heading, strong in an
 * italic attribution). Code: code spans and code block lines. *size gets
 * the bytes of the essay text (its style section excluded). */
static int styled_chars(const input_essay *es, size_t *size, buf *bi, buf *mono, lerr *e)
{
    essay ed;
    *size = es->size;
    if (essay_parse(es->text, es->size, &ed, e)) return -1;
    *size = ed.size;
    int rc = 0;
    for (size_t b = 0; b < ed.nblocks && !rc; b++) {
        const essay_block *bl = &ed.blocks[b];
        const uint8_t *t = ed.text + bl->start;
        if (bl->kind == ESSAY_CODE) rc = buf_put(mono, t, bl->len) || buf_put(mono, "\n", 1);
        size_t ns;
        const essay_span *sp = essay_block_spans(&ed, b, &ns);
        for (size_t k = 0; k < ns && !rc; k++) {
            buf *to = sp[k].style & ESSAY_STYLE_CODE                         ? mono
                      : sp[k].style & (ESSAY_STYLE_EM | ESSAY_STYLE_STRONG) ? bi
                                                                              : NULL;
            if (to) rc = buf_put(to, t + sp[k].start, sp[k].len) || buf_put(to, "\n", 1);
        }
    }
    essay_free(&ed);
    if (rc) lerr_set(e, "out of memory");
    return rc ? -1 : 0;
}

/* The fonts to embed, checked against every essay's text, title and byline;
 * the bold italic and code faces cut to what their runs draw. */
static int choose_fonts(const packer_opts *o, const input_essay *es, size_t ne, font_set *fs, lerr *e)
{
    int rc = 0;
    if (o->nfonts == 0) rc = fonts_default(fs, e);
    for (size_t i = 0; i < o->nfonts && !rc; i++) rc = fonts_add_file(fs, o->fonts[i], e);
    if (rc) return -1;
    fonts_text *texts = calloc(ne * 5 + 1, sizeof *texts);
    char **wheres = calloc(ne * 2 + 1, sizeof *wheres);
    buf bi = {0}, mono = {0};
    size_t nt = 0, added = 0;
    if (!texts || !wheres) {
        lerr_set(e, "out of memory");
        rc = -1;
    }
    for (size_t i = 0; i < ne && !rc; i++) {
        size_t len = strlen(es[i].path) + 16;
        wheres[2 * i] = malloc(len);
        wheres[2 * i + 1] = malloc(len);
        if (!wheres[2 * i] || !wheres[2 * i + 1]) {
            lerr_set(e, "out of memory");
            rc = -1;
            break;
        }
        snprintf(wheres[2 * i], len, "%s (title)", es[i].path);
        snprintf(wheres[2 * i + 1], len, "%s (byline)", es[i].path);
        size_t tsize;
        if (styled_chars(&es[i], &tsize, &bi, &mono, e)) {
            rc = -1;
            break;
        }
        texts[nt++] = (fonts_text){es[i].text, tsize, es[i].path, 1, FONTS_FOR_TEXT, es[i].lang};
        texts[nt++] =
            (fonts_text){(const uint8_t *)es[i].title, strlen(es[i].title), wheres[2 * i], 0, FONTS_FOR_TEXT, es[i].lang};
        texts[nt++] = (fonts_text){(const uint8_t *)es[i].byline, strlen(es[i].byline), wheres[2 * i + 1], 0,
                                   FONTS_FOR_TEXT, es[i].lang};
    }
    if (!rc) {
        texts[nt++] = (fonts_text){bi.p, bi.n, "bold italic runs", 0, FONTS_FOR_BOLD_ITALIC, NULL};
        texts[nt++] = (fonts_text){mono.p, mono.n, "code", 0, FONTS_FOR_MONO, NULL};
        rc = fonts_cover(fs, texts, nt, &added, e);
    }
    free(bi.p);
    free(mono.p);
    free(texts);
    for (size_t i = 0; wheres && i < ne * 2; i++) free(wheres[i]);
    free(wheres);
    if (rc) return -1;
    for (size_t i = 0; i < fs->n; i++)
        if (fs->v[i].flags & PACK_FONT_FALLBACK) {
            char msg[1024];
            snprintf(msg, sizeof msg, "added fallback font %s (%s)", fs->v[i].name, fs->v[i].path);
            note(o, msg);
        }
    return 0;
}

int packer_build(char *const *inputs, size_t n, const packer_opts *o, const char *out_path, uint8_t **mem,
                 size_t *mem_size, lerr *e)
{
    if (mem) *mem = NULL;
    if (mem_size) *mem_size = 0;
    input_opts io = {o->lang, o->lossy, o->follow_symlinks, 0};
    input_extra x = {o->encoding, o->problem, o->note, o->note_ctx};
    input_essay *es = NULL;
    size_t ne = 0;
    font_set fs = {0};
    pack_item *items = NULL;
    int rc = -1;
    if (input_collect_ex(inputs, n, &io, &x, &es, &ne, e)) return -1;
    size_t replaced = 0;
    uint64_t total = 0;
    for (size_t i = 0; i < ne; i++) {
        replaced += es[i].replaced;
        total += es[i].size;
    }
    if (!o->no_fonts && choose_fonts(o, es, ne, &fs, e)) goto done;
    items = calloc(ne + fs.n + 1, sizeof *items);
    if (!items) {
        lerr_set(e, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < ne; i++)
        items[i] = (pack_item){PACK_ESSAY, 0, es[i].words, es[i].text, es[i].size,
                               es[i].title, es[i].byline, es[i].lang};
    for (size_t i = 0; i < fs.n; i++) {
        const char *base = strrchr(fs.v[i].path, '/');
        items[ne + i] = (pack_item){PACK_FONT, fs.v[i].flags, 0, fs.v[i].data, fs.v[i].size,
                                    fs.v[i].name, base ? base + 1 : fs.v[i].path, ""};
    }
    pack_write_opts wo = {o->cluster_max, total > o->progress_min ? o->progress : NULL, o->progress_ctx};
    if (out_path) {
        /* Ctrl-C during the write would leave the temporary file behind:
         * hold the usual signals until the pack is renamed into place or
         * removed. */
        sigset_t old;
        fio_signals_hold(&old);
        rc = pack_write(out_path, items, ne + fs.n, &wo, e) ? -1 : 0;
        fio_signals_release(&old);
    } else {
        rc = pack_build(items, ne + fs.n, &wo, mem, mem_size, e) ? -1 : 0;
        if (rc && mem) *mem = NULL;
    }
    if (!rc && o->summary) {
        packer_summary *su = o->summary;
        memset(su, 0, sizeof *su);
        su->essays = ne;
        su->fonts = fs.n;
        for (size_t i = 0; i < ne; i++) su->words += es[i].words;
        struct stat st;
        if (out_path) su->bytes = stat(out_path, &st) == 0 ? (uint64_t)st.st_size : 0;
        else if (mem_size) su->bytes = *mem_size;
    }
    if (!rc && replaced) {
        char msg[128];
        snprintf(msg, sizeof msg, "--lossy replaced %zu invalid byte sequence%s with U+FFFD", replaced,
                 replaced == 1 ? "" : "s");
        note(o, msg);
    }
done:
    free(items);
    fonts_free(&fs);
    if (!o->no_fonts) fonts_done();
    input_essays_free(es, ne);
    return rc;
}

/* n with commas between thousands: "12,345" (no locale). */
static void group(uint64_t n, char *out, size_t cap)
{
    char d[32];
    int l = snprintf(d, sizeof d, "%llu", (unsigned long long)n);
    size_t o = 0;
    for (int i = 0; i < l && o + 2 < cap; i++) {
        if (i && (l - i) % 3 == 0) out[o++] = ',';
        out[o++] = d[i];
    }
    out[o] = 0;
}

void packer_summary_line(const packer_summary *s, char *out, size_t cap)
{
    char w[40], size[40];
    group(s->words, w, sizeof w);
    if (s->bytes < 1000) snprintf(size, sizeof size, "%llu byte%s", (unsigned long long)s->bytes, s->bytes == 1 ? "" : "s");
    else if (s->bytes < 1000000) snprintf(size, sizeof size, "%.1f kB", (double)s->bytes / 1e3);
    else snprintf(size, sizeof size, "%.1f MB", (double)s->bytes / 1e6);
    snprintf(out, cap, "%zu essay%s, %s word%s, %s, %zu font%s", s->essays, s->essays == 1 ? "" : "s", w,
             s->words == 1 ? "" : "s", size, s->fonts, s->fonts == 1 ? "" : "s");
}

/* md4c_ref.c - what md4c itself reports for a Markdown file: the reference
 * that tests/cli/commonmark.sh compares lectern's --dump-layout with.
 *
 *   md4c_ref FILE.md
 *
 * Parses FILE with md_parse in the dialect lectern-pack uses for .md
 * (tools/input_md.c: CommonMark with GitHub's tables and strikethrough,
 * permissive URL autolinks) and prints, in document order, one line per
 * callback that carries text or ends a block:
 *
 *   B                    a block starts or ends (paragraph, heading, item,
 *                        code block, cell...): a boundary between texts
 *   T STYLES TEXT        text as md4c gives it (normal, code, a NUL as U+FFFD)
 *   E STYLES &name;      an entity or numeric character reference, verbatim
 *                        as md4c hands it over (md4c does not decode them;
 *                        the comparison decodes it by the HTML5 table)
 *   S                    a soft or hard line break (whitespace)
 *   I STYLES [           an image starts, and ends: "I STYLES ]" (lectern
 *   I STYLES ]           shows an image as "[alt]": the brackets carry the
 *                        spans open around the image)
 *
 * STYLES is "-" or the letters of the spans open around the text: e (em),
 * s (strong), c (code span), l (link), k (strikethrough). TEXT is escaped:
 * backslash, newline and tab as \\, \n, \t. Raw HTML is not printed: it is
 * markup, not text (lectern drops it too). Exit 0, or 1 with a message if
 * the file cannot be read or md4c fails. */
#include <md4c.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct ref {
    int em, strong, code, link, strike;
    FILE *out;
} ref;

static void styles(const ref *r)
{
    char s[8];
    int n = 0;
    if (r->em) s[n++] = 'e';
    if (r->strong) s[n++] = 's';
    if (r->code) s[n++] = 'c';
    if (r->link) s[n++] = 'l';
    if (r->strike) s[n++] = 'k';
    if (!n) s[n++] = '-';
    fwrite(s, 1, (size_t)n, r->out);
}

static void escaped(const ref *r, const MD_CHAR *t, MD_SIZE n)
{
    for (MD_SIZE i = 0; i < n; i++) {
        if (t[i] == '\\') fputs("\\\\", r->out);
        else if (t[i] == '\n') fputs("\\n", r->out);
        else if (t[i] == '\t') fputs("\\t", r->out);
        else fputc(t[i], r->out);
    }
}

static void image(const ref *r, char bracket)
{
    fputs("I ", r->out);
    styles(r);
    fprintf(r->out, " %c\n", bracket);
}

static int block(MD_BLOCKTYPE t, void *detail, void *ud)
{
    ref *r = ud;
    (void)detail;
    if (t != MD_BLOCK_DOC) fputs("B\n", r->out);
    return 0;
}

static int enter_span(MD_SPANTYPE t, void *detail, void *ud)
{
    ref *r = ud;
    (void)detail;
    switch (t) {
    case MD_SPAN_EM: r->em++; break;
    case MD_SPAN_STRONG: r->strong++; break;
    case MD_SPAN_CODE: r->code++; break;
    case MD_SPAN_A: r->link++; break;
    case MD_SPAN_DEL: r->strike++; break;
    case MD_SPAN_IMG: image(r, '['); break;
    default: break;
    }
    return 0;
}

static int leave_span(MD_SPANTYPE t, void *detail, void *ud)
{
    ref *r = ud;
    (void)detail;
    switch (t) {
    case MD_SPAN_EM: r->em--; break;
    case MD_SPAN_STRONG: r->strong--; break;
    case MD_SPAN_CODE: r->code--; break;
    case MD_SPAN_A: r->link--; break;
    case MD_SPAN_DEL: r->strike--; break;
    case MD_SPAN_IMG: image(r, ']'); break;
    default: break;
    }
    return 0;
}

static int text(MD_TEXTTYPE t, const MD_CHAR *s, MD_SIZE n, void *ud)
{
    ref *r = ud;
    switch (t) {
    case MD_TEXT_HTML: return 0;
    case MD_TEXT_BR:
    case MD_TEXT_SOFTBR: fputs("S\n", r->out); return 0;
    case MD_TEXT_NULLCHAR: s = "\xEF\xBF\xBD", n = 3; /* fall through */
    default: fputs("T ", r->out); break;
    case MD_TEXT_ENTITY: fputs("E ", r->out); break;
    }
    styles(r);
    fputc(' ', r->out);
    escaped(r, s, n);
    fputc('\n', r->out);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: md4c_ref FILE.md\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    if (!f) {
        perror(argv[1]);
        return 1;
    }
    size_t cap = 4096, n = 0, got;
    char *src = malloc(cap);
    while (src && (got = fread(src + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            char *p = realloc(src, cap *= 2);
            if (!p) free(src);
            src = p;
        }
    }
    fclose(f);
    if (!src) {
        fprintf(stderr, "%s: out of memory\n", argv[1]);
        return 1;
    }
    ref r = {0, 0, 0, 0, 0, stdout};
    MD_PARSER p;
    memset(&p, 0, sizeof p);
    p.flags = MD_FLAG_TABLES | MD_FLAG_STRIKETHROUGH | MD_FLAG_PERMISSIVEAUTOLINKS;
    p.enter_block = block;
    p.leave_block = block;
    p.enter_span = enter_span;
    p.leave_span = leave_span;
    p.text = text;
    int rc = md_parse(src, (MD_SIZE)n, &p, &r);
    free(src);
    if (rc != 0) {
        fprintf(stderr, "%s: md_parse failed (%d)\n", argv[1], rc);
        return 1;
    }
    if (fflush(stdout) != 0) {
        perror("stdout");
        return 1;
    }
    return 0;
}

/* t_app.h - an app for the tests of the reader's SDL code: a pack (NULL:
 * the default pack; else a folder the reader has $B/lectern-pack pack) at w x h,
 * offscreen, with essay essay_no open (0: none). Returns 0, or -1 having
 * said why on stderr (a is then closed). Include after t.h and app.h. */
#ifndef LECTERN_T_APP_H
#define LECTERN_T_APP_H

static int open_app_on(app *a, const char *pack_dir, int w, int h, int theme, size_t essay_no)
{
    app_opts o = {0};
    o.pack_path = pack_dir ? pack_dir : t_build("default.lpk");
    o.packer = t_build("lectern-pack"); /* a folder is packed by the build's, not one on PATH */
    o.w = w;
    o.h = h;
    o.theme = theme;
    lerr e;
    if (app_open(a, &o, &e) || app_video(a, 1, &e) || (essay_no && app_open_essay(a, essay_no, &e))) {
        fprintf(stderr, "  setup %dx%d essay %zu: %s\n", w, h, essay_no, e.msg);
        app_close(a);
        return -1;
    }
    return 0;
}

#endif

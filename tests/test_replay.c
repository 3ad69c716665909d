/* test_replay.c - the replay script parser (src/replay.c). */
#include <math.h>
#include <string.h>

#include "replay.h"
#include "t.h"

static int parse(const char *text, replay_script *s, lerr *e)
{
    return replay_parse((const uint8_t *)text, strlen(text), "t.txt", s, e);
}

/* Parse a one-line script that must be refused; the message must name
 * line `line` and contain `want`. */
static void refused(const char *text, unsigned line, const char *want)
{
    replay_script s;
    lerr e = {{0}};
    int rc = parse(text, &s, &e);
    char where[32];
    snprintf(where, sizeof where, "t.txt:%u:", line);
    CHECKF(rc == -1, "accepted: %s", text);
    CHECKF(s.n == 0 && s.cmds == NULL, "not emptied after: %s", text);
    CHECKF(strstr(e.msg, where) == e.msg, "'%s' -> '%s' (want %s)", text, e.msg, where);
    CHECKF(strstr(e.msg, want) != NULL, "'%s' -> '%s' (want '%s')", text, e.msg, want);
    replay_free(&s);
}

TEST(every_command)
{
    const char *text =
        "# a comment\n"
        "tap 0.5 0.25\n"
        "\n"
        "  swipe left\n"
        "swipe down\n"
        "drag 0.1 0.2 0.9 .8 250\n"
        "longpress 0 1\n"
        "click 0.75 0.5\n"
        "key pagedown\n"
        "wait 600000\n"
        "expect screen contents\n"
        "expect page 3\n"
        "expect essay 0\n"
        "expect theme sepia\n"
        "expect size -2\n"
        "expect size +1\n"
        "expect first 12\n"
        "expect marked\n"
        "expect quit\n"
        "mark\n"
        "shot after-A_plus.2\n"
        "print\n"
        "random 20000 7\n";
    replay_script s;
    lerr e;
    CHECK(parse(text, &s, &e) == 0);
    CHECKF(s.n == 21, "n=%zu", s.n);
    if (s.n != 21) return;
    const replay_cmd *c = s.cmds;
    CHECK(c[0].op == REPLAY_TAP && c[0].x1 == 0.5f && c[0].y1 == 0.25f && c[0].line == 2);
    CHECK(c[1].op == REPLAY_SWIPE && c[1].arg == REPLAY_LEFT && c[1].line == 4);
    CHECK(c[2].op == REPLAY_SWIPE && c[2].arg == REPLAY_DOWN);
    CHECK(c[3].op == REPLAY_DRAG && fabsf(c[3].x2 - 0.9f) < 1e-6f && fabsf(c[3].y2 - 0.8f) < 1e-6f && c[3].ms == 250);
    CHECK(c[4].op == REPLAY_LONGPRESS && c[4].x1 == 0 && c[4].y1 == 1);
    CHECK(c[5].op == REPLAY_CLICK && c[5].x1 == 0.75f);
    CHECK(c[6].op == REPLAY_KEY && c[6].arg == REPLAY_KEY_PAGEDOWN);
    CHECK(c[7].op == REPLAY_WAIT && c[7].ms == 600000);
    CHECK(c[8].op == REPLAY_EXPECT_SCREEN && c[8].arg == REPLAY_SCREEN_CONTENTS);
    CHECK(c[9].op == REPLAY_EXPECT_PAGE && c[9].n == 3);
    CHECK(c[10].op == REPLAY_EXPECT_ESSAY && c[10].n == 0);
    CHECK(c[11].op == REPLAY_EXPECT_THEME && c[11].arg == 2);
    CHECK(c[12].op == REPLAY_EXPECT_SIZE && c[12].n == -2);
    CHECK(c[13].op == REPLAY_EXPECT_SIZE && c[13].n == 1);
    CHECK(c[14].op == REPLAY_EXPECT_FIRST && c[14].n == 12);
    CHECK(c[15].op == REPLAY_EXPECT_MARKED && c[16].op == REPLAY_EXPECT_QUIT && c[17].op == REPLAY_MARK);
    CHECK(c[18].op == REPLAY_SHOT && strcmp(c[18].name, "after-A_plus.2") == 0);
    CHECK(c[19].op == REPLAY_PRINT);
    CHECK(c[20].op == REPLAY_RANDOM && c[20].n == 20000 && c[20].seed == 7 && c[20].line == 23);
    replay_free(&s);
}

TEST(crlf_tabs_and_no_final_newline)
{
    replay_script s;
    lerr e;
    CHECK(parse("tap\t0.1  0.2\r\n\t# indented comment\r\nwait 5", &s, &e) == 0);
    CHECK(s.n == 2 && s.cmds[0].op == REPLAY_TAP && s.cmds[1].op == REPLAY_WAIT && s.cmds[1].ms == 5);
    CHECK(s.n == 2 && s.cmds[1].line == 3);
    replay_free(&s);
    CHECK(parse("", &s, &e) == 0 && s.n == 0);
    replay_free(&s);
}

TEST(bad_lines_name_their_line)
{
    refused("wait 1\ntapp 0.5 0.5\n", 2, "unknown command 'tapp'");
    refused("tap 0.5\n", 1, "wants X Y");
    refused("tap 0.5 0.5 0.5\n", 1, "wants X Y");
    refused("tap 3 0.5\n", 1, "bad coordinate '3'");
    refused("tap -1.5 0.5\n", 1, "bad coordinate");
    refused("tap nan 0.5\n", 1, "bad coordinate 'nan'");
    refused("tap 1e-1 0.5\n", 1, "bad coordinate");
    refused("tap 0x1 0.5\n", 1, "bad coordinate");
    refused("tap . 0.5\n", 1, "bad coordinate");
    refused("swipe sideways\n", 1, "swipe 'sideways'");
    refused("drag 0 0 1 1 0\n", 1, "drag time '0'");
    refused("drag 0 0 1 1\n", 1, "wants X1 Y1 X2 Y2 MS");
    refused("key F13\n", 1, "unknown key 'F13'");
    refused("wait -5\n", 1, "wait '-5'");
    refused("wait 86400001\n", 1, "wait '86400001'");
    refused("wait 99999999999999999999999\n", 1, "wait");
    refused("expect\n", 1, "'expect' wants");
    refused("expect screen sofa\n", 1, "unknown screen 'sofa'");
    refused("expect page 0\n", 1, "expect page '0'");
    refused("expect page 2 3\n", 1, "wants one value");
    refused("expect theme blue\n", 1, "unknown theme 'blue'");
    refused("expect size large\n", 1, "expect size 'large'");
    refused("expect marked now\n", 1, "wants nothing after it");
    refused("expect colour red\n", 1, "expect 'colour'");
    refused("shot ../etc/passwd\n", 1, "shot name");
    refused("shot .hidden\n", 1, "shot name");
    refused("shot\n", 1, "wants a NAME");
    refused("random 0 1\n", 1, "random count '0'");
    refused("random 10 -1\n", 1, "random seed '-1'");
    refused("mark twice\n", 1, "wants nothing after it");
    refused("crash now\n", 1, "wants nothing after it");
    refused("clock 2026-02-29 10:00\n", 1, "clock '2026-02-29 10:00': want a real date");
    refused("clock 2026-12-01 24:00\n", 1, "clock '2026-12-01 24:00'");
    refused("clock 1969-12-31 23:59\n", 1, "from 1970");
    refused("clock 2026-1-01 10:00\n", 1, "want a real date");
    refused("clock 2026-12-01\n", 1, "wants a date and a time");
    refused("expect screen asleep\n", 1, "unknown screen 'asleep'");
    refused("expect card 0 available\n", 1, "expect card '0'");
    refused("expect card 2\n", 1, "'expect card' wants");
    refused("expect card 2 broken\n", 1, "expect card 2 'broken'");
    refused("# ok\n\ntap 0.5 0.5\x01\n", 3, "control byte 0x01");
    refused("a b c d e f g h i\n", 1, "too many words");
    char lng[1100];
    memset(lng, 'x', sizeof lng - 1);
    lng[sizeof lng - 1] = 0;
    refused(lng, 1, "longer than");
    /* a NUL inside the text is not the end of it */
    replay_script s;
    lerr e;
    CHECK(replay_parse((const uint8_t *)"wait 1\nwa\0it 2\n", 15, "t.txt", &s, &e) == -1);
    CHECKF(strstr(e.msg, "t.txt:2: control byte 0x00") != NULL, "%s", e.msg);
    replay_free(&s);
    /* words that are not printable are shown safely */
    CHECK(parse("tap \xff\xfe 0\n", &s, &e) == -1);
    CHECKF(strstr(e.msg, "'?" "?'") != NULL, "%s", e.msg);
    replay_free(&s);
}

TEST(format_reads_back_the_same)
{
    const char *text = "tap 0.1234 0.9\nswipe up\ndrag -0.5 0 1.5 1 16\nlongpress 0.5 0.5\nclick 1 0\n"
                       "key escape\nwait 0\nexpect screen end\nexpect page 16777216\nexpect essay 5\n"
                       "expect theme dark\nexpect size 0\nexpect size -3\nexpect first 1\nexpect marked\n"
                       "expect quit\nmark\nshot a\nprint\nrandom 100000000 4294967295\n"
                       "crash\nexpect card 3 unavailable\nexpect card 16777216 available\n"
                       "clock 2026-12-07 08:30\nclock 1970-01-01 00:00\nclock 9999-12-31 23:59\nexpect screen sleep\n";
    replay_script a, b;
    lerr e;
    CHECK(parse(text, &a, &e) == 0);
    char out[8192] = "", line[128];
    for (size_t i = 0; i < a.n; i++) {
        replay_format(&a.cmds[i], line, sizeof line);
        strcat(out, line);
        strcat(out, "\n");
    }
    CHECK(parse(out, &b, &e) == 0);
    CHECKF(a.n == b.n && a.n == 27, "%zu %zu", a.n, b.n);
    CHECK(a.n == 27 && a.cmds[20].op == REPLAY_CRASH && a.cmds[21].op == REPLAY_EXPECT_CARD && a.cmds[21].n == 3 &&
          a.cmds[21].arg == 0 && a.cmds[22].n == 16777216 && a.cmds[22].arg == 1);
    /* 2026-12-07 is day 20794 */
    CHECK(a.n == 27 && a.cmds[23].op == REPLAY_CLOCK && a.cmds[23].n == 20794LL * 1440 + 8 * 60 + 30 &&
          a.cmds[24].n == 0 && a.cmds[26].op == REPLAY_EXPECT_SCREEN && a.cmds[26].arg == REPLAY_SCREEN_SLEEP);
    char cl[64];
    replay_format(&a.cmds[25], cl, sizeof cl);
    CHECKF(!strcmp(cl, "clock 9999-12-31 23:59"), "%s", cl);
    for (size_t i = 0; i < a.n && i < b.n; i++) {
        const replay_cmd *x = &a.cmds[i], *y = &b.cmds[i];
        CHECKF(x->op == y->op && x->arg == y->arg && x->ms == y->ms && x->n == y->n && x->seed == y->seed &&
                   fabsf(x->x1 - y->x1) < 1e-4f && fabsf(x->y2 - y->y2) < 1e-4f && !strcmp(x->name, y->name),
               "command %zu", i);
    }
    /* truncation is safe */
    char tiny[5];
    CHECK(replay_format(&a.cmds[0], tiny, sizeof tiny) == 4 && strcmp(tiny, "tap ") == 0);
    replay_free(&a);
    replay_free(&b);
}

TEST(load_names_the_file)
{
    replay_script s;
    lerr e;
    CHECK(replay_load("/nonexistent/script.txt", &s, &e) == -1);
    CHECKF(strstr(e.msg, "/nonexistent/script.txt") != NULL, "%s", e.msg);
    CHECK(s.n == 0);
}

TEST(names)
{
    CHECK(strcmp(replay_screen_name(REPLAY_SCREEN_ERROR), "error") == 0 && replay_screen_name(-1) == NULL &&
          replay_screen_name(REPLAY_NSCREENS) == NULL);
    CHECK(replay_screen_name(REPLAY_SCREEN_IMPORT) && strcmp(replay_screen_name(REPLAY_SCREEN_IMPORT), "import") == 0);
    CHECK(strcmp(replay_key_name(REPLAY_KEY_PAGEUP), "pageup") == 0 && replay_key_name(REPLAY_NKEYS) == NULL);
    CHECK(strcmp(replay_dir_name(REPLAY_RIGHT), "right") == 0 && replay_dir_name(4) == NULL);
    CHECK(strcmp(replay_theme_name(1), "dark") == 0 && replay_theme_name(3) == NULL);
}

TEST(rng_is_seeded_and_in_range)
{
    replay_rng a, b, c;
    replay_rng_seed(&a, 42);
    replay_rng_seed(&b, 42);
    replay_rng_seed(&c, 43);
    int same = 1, differ = 0, inrange = 1, seen[10] = {0};
    for (int i = 0; i < 10000; i++) {
        uint32_t x = replay_rng_next(&a), y = replay_rng_next(&b), z = replay_rng_next(&c);
        same &= x == y;
        differ |= x != z;
        uint32_t k = replay_rng_below(&a, 10);
        inrange &= k < 10;
        if (k < 10) seen[k]++;
        float u = replay_rng_unit(&b);
        inrange &= u >= 0.0f && u < 1.0f;
        replay_rng_below(&b, 10); /* keep a and b in step */
        replay_rng_unit(&a);
    }
    CHECK(same && differ && inrange);
    for (int k = 0; k < 10; k++) CHECKF(seen[k] > 800 && seen[k] < 1200, "bucket %d: %d", k, seen[k]);
    replay_rng_seed(&a, 0);
    CHECK(a.s != 0);
}

int main(void)
{
    RUN(every_command);
    RUN(crlf_tabs_and_no_final_newline);
    RUN(bad_lines_name_their_line);
    RUN(format_reads_back_the_same);
    RUN(load_names_the_file);
    RUN(names);
    RUN(rng_is_seeded_and_in_range);
    return T_END();
}

/* test_attract.c - the attract screen's timing and text (src/attract.h) and
 * burn-in care's offset (src/burnin.h): plain functions of the clock and of
 * bytes, so checked here without SDL. The fades are slow (a second or more
 * from nothing to full, no flashing), one essay follows another in a new
 * place; the first line is the opening of the first paragraph, cut at a
 * word; the burn-in offset is 0 at the start, never more than 2 px from
 * home, and moves by a pixel at a time. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "attract.h"
#include "burnin.h"
#include "essay.h"
#include "t.h"

/* ---- timing ------------------------------------------------------------------------------- */

TEST(fades_in_holds_and_fades_out)
{
    attract_frame f = attract_at(0, 5);
    CHECK(f.turn == 0 && f.item == 0 && f.alpha == 0);
    CHECK(attract_at(TUN_ATTRACT_FADE_MS / 2, 5).alpha > 0.2f && attract_at(TUN_ATTRACT_FADE_MS / 2, 5).alpha < 0.8f);
    for (uint64_t t = TUN_ATTRACT_FADE_MS; t <= TUN_ATTRACT_FADE_MS + TUN_ATTRACT_HOLD_MS; t += 100)
        CHECKF(attract_at(t, 5).alpha == 1, "t=%llu", (unsigned long long)t);
    CHECK(attract_at(ATTRACT_TURN_MS - 1, 5).alpha < 0.01f && attract_at(ATTRACT_TURN_MS - 1, 5).item == 0);
    /* then the next essay, round */
    CHECK(attract_at(ATTRACT_TURN_MS, 5).item == 1 && attract_at(ATTRACT_TURN_MS, 5).turn == 1);
    CHECK(attract_at(5 * ATTRACT_TURN_MS + 10, 5).item == 0 && attract_at(5 * ATTRACT_TURN_MS + 10, 5).turn == 5);
    CHECK(attract_at(3 * ATTRACT_TURN_MS, 0).item == 0);
    /* frames are due in the fades, not while it holds */
    CHECK(attract_fading(10) && attract_fading(ATTRACT_TURN_MS - 10));
    CHECK(!attract_fading(TUN_ATTRACT_FADE_MS + 10) && !attract_fading(ATTRACT_TURN_MS / 2));
    /* the drawn strength: 0 only at nothing, the top only at full */
    CHECK(attract_level(0) == 0 && attract_level(1) == ATTRACT_LEVELS && attract_level(0.001f) == 1);
    CHECK(attract_level(0.5f) > 0 && attract_level(0.5f) < ATTRACT_LEVELS);
}

/* WCAG 2.3: nothing flashes. Every change from paper to full strength or
 * back takes a second or more, the strength changes gently (no step of
 * more than a tenth in 100 ms), and in any second it turns back at most
 * once (a flash is a pair of opposing changes; three a second is the
 * limit). */
TEST(no_flashing)
{
    CHECK(TUN_ATTRACT_FADE_MS >= 1000);
    uint64_t end = 3 * ATTRACT_TURN_MS;
    for (uint64_t t = 0; t + 1000 <= end; t += 20) {
        float a0 = attract_at(t, 3).alpha, a1 = attract_at(t + 999, 3).alpha;
        CHECKF(fabsf(a1 - a0) < 0.999f, "t=%llu: %.3f -> %.3f within a second", (unsigned long long)t, a0, a1);
        float b = attract_at(t + 100, 3).alpha;
        CHECKF(fabsf(b - a0) <= 0.1f + 1e-4f, "t=%llu: %.3f -> %.3f in 100 ms", (unsigned long long)t, a0, b);
        int turns = 0, dir = 0;
        float prev = a0;
        for (uint64_t u = t + 10; u <= t + 1000; u += 10) {
            float v = attract_at(u, 3).alpha;
            int d = v > prev + 1e-6f ? 1 : v < prev - 1e-6f ? -1 : 0;
            if (d && dir && d != dir) turns++;
            if (d) dir = d;
            prev = v;
        }
        CHECKF(turns <= 1, "t=%llu: %d reversals in a second", (unsigned long long)t, turns);
    }
}

TEST(each_essay_somewhere_else)
{
    attract_frame f = attract_at(TUN_ATTRACT_FADE_MS, 4);
    CHECK(fabsf(f.fx - 0.5f) < 1e-6f && fabsf(f.fy - 0.5f) < 1e-6f); /* the first one centred */
    float px = f.fx, py = f.fy, minx = 1, maxx = 0, miny = 1, maxy = 0;
    for (uint64_t k = 1; k < 200; k++) {
        attract_frame g = attract_at(k * ATTRACT_TURN_MS + TUN_ATTRACT_FADE_MS, 4);
        CHECKF(g.fx >= 0 && g.fx <= 1 && g.fy >= 0 && g.fy <= 1, "turn %llu at %.3f, %.3f", (unsigned long long)k,
               g.fx, g.fy);
        /* far enough from the last place that no edge stays where it was */
        CHECKF(fabsf(g.fx - px) > 0.2f || fabsf(g.fy - py) > 0.2f, "turn %llu: %.3f,%.3f after %.3f,%.3f",
               (unsigned long long)k, g.fx, g.fy, px, py);
        /* and the same place all through a turn */
        attract_frame h = attract_at(k * ATTRACT_TURN_MS + ATTRACT_TURN_MS - 1, 4);
        CHECK(h.fx == g.fx && h.fy == g.fy && h.turn == k);
        px = g.fx;
        py = g.fy;
        minx = fminf(minx, g.fx), maxx = fmaxf(maxx, g.fx), miny = fminf(miny, g.fy), maxy = fmaxf(maxy, g.fy);
    }
    /* over many turns, the whole room */
    CHECK(minx < 0.1f && maxx > 0.9f && miny < 0.1f && maxy > 0.9f);
    /* a year of turns later, still a place in the room */
    attract_frame y = attract_at(365ull * 86400000ull, 4);
    CHECK(y.fx >= 0 && y.fx <= 1 && y.fy >= 0 && y.fy <= 1 && y.item < 4);
}

/* ---- the first line --------------------------------------------------------------------------- */

static size_t ex(const char *s, size_t max, char *out, size_t cap)
{
    return attract_excerpt((const uint8_t *)s, strlen(s), max, out, cap);
}

TEST(excerpt_first_sentence_or_cut_at_a_word)
{
    char out[512];
    /* short: as it is */
    CHECK(ex("The morning was cold.", 150, out, sizeof out) == 21 && !strcmp(out, "The morning was cold."));
    /* the first sentence, when it ends in time (and not at an abbreviation) */
    ex("The morning was cold and clear. We set off early.", 150, out, sizeof out);
    CHECK(!strcmp(out, "The morning was cold and clear."));
    ex("Stocks in the U.S. fell, etc. and then rose again. Later more.", 150, out, sizeof out);
    CHECKF(!strcmp(out, "Stocks in the U.S. fell, etc. and then rose again."), "%s", out);
    ex("Is it over? I think it is over now, said she.", 150, out, sizeof out);
    CHECKF(!strcmp(out, "Is it over? I think it is over now, said she."), "%s", out); /* too short a sentence */
    /* too long: cut at the last word that fits, with an ellipsis, never a comma before it */
    const char *lng = "one two three four five six seven, eight nine ten eleven twelve";
    size_t n = ex(lng, 36, out, sizeof out);
    CHECKF(!strcmp(out, "one two three four five six seven\xE2\x80\xA6"), "%s", out);
    CHECK(n == strlen(out));
    /* soft hyphens out, a line separator a space, no double spaces */
    ex("walk\xC2\xAD" "ing home\xE2\x80\xA8" "and back", 150, out, sizeof out);
    CHECKF(!strcmp(out, "walking home and back"), "%s", out);
    /* no spaces (Chinese): at a character */
    const char *zh = "\xE4\xB8\x80\xE4\xBA\x8C\xE4\xB8\x89\xE5\x9B\x9B\xE4\xBA\x94\xE5\x85\xAD"; /* 一二三四五六 */
    ex(zh, 4, out, sizeof out);
    CHECKF(!strcmp(out, "\xE4\xB8\x80\xE4\xBA\x8C\xE4\xB8\x89\xE5\x9B\x9B\xE2\x80\xA6"), "%s", out);
    /* a small buffer: whole characters, the ellipsis and the NUL inside it */
    char small[12];
    n = ex(zh, 150, small, sizeof small);
    CHECKF(n < sizeof small && small[n] == 0 && !strcmp(small, "\xE4\xB8\x80\xE4\xBA\x8C\xE2\x80\xA6"), "%zu %s", n,
           small);
    /* bytes that are not UTF-8 are left out, and nothing past n is read */
    uint8_t bad[] = {'a', 0xFF, 'b', 0xE4, 0xB8};
    n = attract_excerpt(bad, sizeof bad, 150, out, sizeof out);
    CHECKF(n == 2 && !strcmp(out, "ab"), "%zu '%s'", n, out);
    CHECK(attract_excerpt(bad, 0, 150, out, sizeof out) == 0 && out[0] == 0);
}

static int parse(const char *s, essay *es)
{
    lerr e;
    return essay_parse((const uint8_t *)s, strlen(s), es, &e);
}

TEST(first_line_from_the_first_paragraph)
{
    essay es;
    size_t skip;
    /* a heading, a separator and a quote before the first paragraph */
    CHECK(parse("\x01" "2Before\n\x04\n\x03Quoted words\nThe first paragraph.\nThe second.\n", &es) == 0);
    CHECK(attract_block(&es, "", 0, &skip) == 3 && skip == 0);
    essay_free(&es);
    /* no paragraph: the quote; only a heading: the heading */
    CHECK(parse("\x01" "2Before\n\x03Quoted words\n", &es) == 0);
    CHECK(attract_block(&es, NULL, 0, &skip) == 1);
    essay_free(&es);
    CHECK(parse("\x01" "2Only this\n", &es) == 0);
    CHECK(attract_block(&es, NULL, 0, &skip) == 0);
    essay_free(&es);
    /* code alone, or nothing: none */
    CHECK(parse("\x05" "int x;\n", &es) == 0);
    CHECK(attract_block(&es, NULL, 0, &skip) == (size_t)-1);
    essay_free(&es);
    CHECK(parse("", &es) == 0);
    CHECK(attract_block(&es, NULL, 0, &skip) == (size_t)-1);
    essay_free(&es);
    /* the title is not shown twice: a paragraph that is only the title is
     * passed over, and one that begins with it (soft hyphens and all) goes
     * on after it */
    CHECK(parse("Walking home\nThe road was long.\n", &es) == 0);
    CHECK(attract_block(&es, "Walking home", 12, &skip) == 1 && skip == 0);
    essay_free(&es);
    CHECK(parse("Can we get it bil\xC2\xADlions back? Rhetorical question, no doubt. Then more.\n", &es) == 0);
    size_t b = attract_block(&es, "Can we get it billions back?", 28, &skip);
    CHECKF(b == 0 && skip == strlen("Can we get it bil\xC2\xADlions back? "), "b=%zu skip=%zu", b, skip);
    essay_free(&es);
    /* the packer's title for an essay without one, its first sentence cut
     * with an ellipsis: the line goes on from there */
    char line[256];
    CHECK(parse("So, a firm (not even a software company) has put out a model. More text here.\n", &es) == 0);
    size_t ln = attract_first_line(&es, "So, a firm (not even a\xE2\x80\xA6", 25, 150, line, sizeof line);
    CHECKF(!strcmp(line, "\xE2\x80\xA6software company) has put out a model.") && ln == strlen(line), "%s", line);
    /* a title of its own: the line as it is */
    ln = attract_first_line(&es, "Models", 6, 150, line, sizeof line);
    CHECKF(!strcmp(line, "So, a firm (not even a software company) has put out a model."), "%s", line);
    essay_free(&es);
    CHECK(parse("\x05" "code only\n", &es) == 0);
    CHECK(attract_first_line(&es, "T", 1, 150, line, sizeof line) == 0 && line[0] == 0);
    essay_free(&es);
    /* a longer first word is not the title */
    CHECK(parse("Walkingly we went.\n", &es) == 0);
    CHECK(attract_block(&es, "Walking", 7, &skip) == 0 && skip == 0);
    essay_free(&es);
}

/* ---- burn-in care ------------------------------------------------------------------------------- */

TEST(burnin_zero_at_start_bounded_and_moving)
{
    int dx, dy;
    burnin_offset(0, &dx, &dy);
    CHECK(dx == 0 && dy == 0);
    burnin_offset(TUN_BURNIN_STEP_MS - 1, &dx, &dy);
    CHECK(dx == 0 && dy == 0); /* goldens, screenshots and short replays: as before */
    CHECK(TUN_BURNIN_STEP_MS >= 60000); /* every few minutes, not faster */
    int px = 0, py = 0, moves = 0, seen[5][5] = {{0}};
    long sx = 0, sy = 0, samples = 0;
    for (uint64_t t = 0; t < 48ull * 3600 * 1000; t += 10000) {
        burnin_offset(t, &dx, &dy);
        CHECKF(dx * dx + dy * dy <= BURNIN_MAX_PX * BURNIN_MAX_PX, "t=%llu: %d,%d", (unsigned long long)t, dx, dy);
        CHECKF(abs(dx - px) <= 1 && abs(dy - py) <= 1, "t=%llu: a jump from %d,%d to %d,%d", (unsigned long long)t, px,
               py, dx, dy);
        if (dx != px || dy != py) moves++;
        seen[dx + 2][dy + 2] = 1;
        sx += dx;
        sy += dy;
        samples++;
        px = dx;
        py = dy;
        int ex2, ey2;
        burnin_offset(t, &ex2, &ey2); /* the same time, the same place */
        CHECK(ex2 == dx && ey2 == dy);
    }
    /* it moves every step, and goes all round home, as long on each side */
    CHECKF(moves >= 48 * 60 * 60 * 1000 / TUN_BURNIN_STEP_MS - 2, "moves=%d", moves);
    int places = 0;
    for (int i = 0; i < 5; i++)
        for (int j = 0; j < 5; j++) places += seen[i][j];
    CHECKF(places >= 8, "places=%d", places);
    CHECKF(labs(sx) * 10 < samples && labs(sy) * 10 < samples, "mean %.2f, %.2f", (double)sx / samples,
           (double)sy / samples);
    burnin_offset(TUN_BURNIN_STEP_MS, &dx, &dy);
    CHECK(dx != 0 || dy != 0);
}

int main(void)
{
    RUN(fades_in_holds_and_fades_out);
    RUN(no_flashing);
    RUN(each_essay_somewhere_else);
    RUN(excerpt_first_sentence_or_cut_at_a_word);
    RUN(first_line_from_the_first_paragraph);
    RUN(burnin_zero_at_start_bounded_and_moving);
    return T_END();
}

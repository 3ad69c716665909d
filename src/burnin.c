/* burnin.c - see burnin.h. */
#include "burnin.h"

/* The path: two figures of eight through home, across then up and down,
 * each place within 2 px of it (x*x + y*y <= 4), each step at most one
 * pixel each way, as long on either side of home in both directions. */
static const signed char path[][2] = {{0, 0}, {1, 1},  {2, 0},  {1, -1}, {0, 0}, {-1, -1}, {-2, 0}, {-1, 1},
                                      {0, 0}, {1, 1},  {0, 2},  {-1, 1}, {0, 0}, {1, -1},  {0, -2}, {-1, -1}};
#define NPATH (sizeof path / sizeof path[0])

void burnin_offset(uint64_t now_ms, int *dx, int *dy)
{
    uint64_t step = now_ms / TUN_BURNIN_STEP_MS;
    *dx = path[step % NPATH][0];
    *dy = path[step % NPATH][1];
}

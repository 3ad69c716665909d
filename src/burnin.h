/* burnin.h - burn-in care: the elements that stay put on a kiosk's panel
 * for hours (the running title, the page number, the library's header)
 * move by a pixel now and then, too little and too slowly to be seen,
 * enough that no edge sits on the same pixels all year.
 *
 * The offset is a pure function of the app's clock: (0, 0) from its start
 * until the first TUN_BURNIN_STEP_MS has passed (screenshots, goldens and
 * replays that do not wait that long draw exactly as before), then one
 * step of at most one pixel each way every TUN_BURNIN_STEP_MS along a
 * closed path that never leaves a circle of BURNIN_MAX_PX around home and
 * spends as long on each side of it. Only drawing moves: layout, touch
 * targets and --dump-layout are not affected. Plain C11, no SDL, no state. */
#ifndef LECTERN_BURNIN_H
#define LECTERN_BURNIN_H

#include <stdint.h>

#include "tunables.h"

#define BURNIN_MAX_PX 2

/* The offset at app time now_ms, in pixels, into *dx and *dy. */
void burnin_offset(uint64_t now_ms, int *dx, int *dy);

#endif

/* sdl_dyn.c - the reader's SDL2 and SDL2_ttf, loaded when it first needs
 * a display rather than when the program starts.
 *
 * Why: Debian's libSDL2 brings about forty libraries with it (X11,
 * Wayland, PulseAudio, ALSA, DRM, GBM, xkbcommon, libdecor...), and the
 * dynamic loader maps and relocates every one of them before main. A
 * headless page, --dump-layout or --layout-stats uses none of them (pages
 * are painted by page.c), yet paid for them on every run: half of a cold
 * --screenshot's time. So the reader is linked without -lSDL2 -lSDL2_ttf;
 * this file defines each SDL function it calls (sdl_dyn.h, generated from
 * its objects), with SDL's own prototype (the compiler checks each
 * against SDL's header), as a call through a pointer that sdl_dyn_load
 * fills from dlopen. SDL loads its own optional libraries (X11, Wayland,
 * PulseAudio) the same way.
 *
 * The pointers are process-wide, like the dynamic loader's own tables
 * they stand in for: written once, by sdl_dyn_load on the main thread
 * before the first SDL call, and only read after. They are the reader's
 * one piece of global state besides main's signal flag.
 *
 * Linked into the reader only: the tests and benchmarks link SDL itself. */
#include "sdl_dyn.h"

#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <SDL2/SDL.h>
#include <SDL2/SDL_ttf.h>

#define SDL_DYN_LIB_SDL "libSDL2-2.0.so.0"
#define SDL_DYN_LIB_TTF "libSDL2_ttf-2.0.so.0"
enum { SDL_DYN_SDL, SDL_DYN_TTF }; /* which library a function is in (sdl_dyn.h) */

/* A call before sdl_dyn_load succeeded. */
static _Noreturn void missing(const char *name)
{
    fprintf(stderr, "lectern: %s called before SDL was loaded (a mode without a display reached SDL: a bug)\n", name);
    abort();
}

#define PTR_F(lib, ret, name, params, args) static ret(*p_##name) params;
#define PTR_V(lib, name, params, args) static void(*p_##name) params;
SDL_DYN_FUNCS(PTR_F, PTR_V)
static int (*p_SDL_SetError)(const char *fmt, ...);

#define DEF_F(lib, ret, name, params, args)   \
    ret name params                           \
    {                                         \
        if (!p_##name) missing(#name);        \
        return p_##name args;                 \
    }
#define DEF_V(lib, name, params, args)        \
    void name params                          \
    {                                         \
        if (!p_##name) missing(#name);        \
        p_##name args;                        \
    }
SDL_DYN_FUNCS(DEF_F, DEF_V)

int SDL_SetError(const char *fmt, ...)
{
    if (!p_SDL_SetError) missing("SDL_SetError");
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return p_SDL_SetError("%s", msg);
}

/* dlsym's void * to a function pointer, as POSIX allows (dlsym(3)). */
static int find(void *lib, const char *libname, const char *name, void *slot, lerr *e)
{
    void *f = dlsym(lib, name);
    if (!f) {
        lerr_set(e, "%s has no %s: it is older than this reader needs", libname, name);
        return -1;
    }
    *(void **)slot = f;
    return 0;
}

int sdl_dyn_load(lerr *e)
{
    if (p_SDL_SetError) return 0;
    void *sdl = dlopen(SDL_DYN_LIB_SDL, RTLD_NOW | RTLD_GLOBAL);
    if (!sdl) {
        lerr_set(e, "cannot load SDL2 (Debian package libsdl2-2.0-0): %s", dlerror());
        return -1;
    }
    void *ttf = dlopen(SDL_DYN_LIB_TTF, RTLD_NOW | RTLD_GLOBAL);
    if (!ttf) {
        lerr_set(e, "cannot load SDL2_ttf (Debian package libsdl2-ttf-2.0-0): %s", dlerror());
        return -1;
    }
    void *const lib[] = {sdl, ttf};
    static const char *const libname[] = {SDL_DYN_LIB_SDL, SDL_DYN_LIB_TTF};
    int bad = 0;
#define FIND(l, name) \
    if (!bad && find(lib[l], libname[l], #name, &p_##name, e)) bad = 1;
#define FIND_F(l, ret, name, params, args) FIND(l, name)
#define FIND_V(l, name, params, args) FIND(l, name)
    SDL_DYN_FUNCS(FIND_F, FIND_V)
    /* last: it says that the rest is in place */
    if (!bad && find(sdl, SDL_DYN_LIB_SDL, "SDL_SetError", &p_SDL_SetError, e)) bad = 1;
    /* The libraries stay loaded for the program's life either way. */
    return bad ? -1 : 0;
}

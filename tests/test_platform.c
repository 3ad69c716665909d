#define _XOPEN_SOURCE 600
/* test_platform.c - DRM card discovery on fake sysfs trees, and the rotation
 * transform: the touch mapping agrees with where SDL_RenderCopyEx actually
 * draws the turned page; where reading positions go on a desktop. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>

#include <SDL2/SDL.h>

#include "platform.h"
#include "t.h"

static char root[256];

static void put(const char *rel, const char *content)
{
    char path[512], dir[512];
    snprintf(path, sizeof path, "%s/class/drm/%s", root, rel);
    snprintf(dir, sizeof dir, "%s", path);
    for (char *p = dir + strlen(root) + 1; *p; p++)
        if (*p == '/') {
            *p = 0;
            mkdir(dir, 0755);
            *p = '/';
        }
    if (!content) {
        mkdir(path, 0755);
        return;
    }
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(content, f);
        fclose(f);
    }
}

static void fresh_tree(void)
{
    if (root[0]) {
        char cmd[300];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
        if (system(cmd)) {}
    }
    snprintf(root, sizeof root, "/tmp/lectern-sysfs-XXXXXX");
    if (!mkdtemp(root)) root[0] = 0;
    put("card0", NULL);
    put("renderD128", NULL);
    put("version", "drm 1.1.0 20060810\n");
}

TEST(pi5_dsi_panel_is_its_own_card)
{
    /* Pi 5: card0 = v3d (no connectors), card1 = HDMI (vc4), card2 = DSI */
    fresh_tree();
    put("card1-HDMI-A-1/status", "disconnected\n");
    put("card1-HDMI-A-2/status", "disconnected\n");
    put("card1-Writeback-1/status", "unknown\n");
    put("card2-DSI-1/status", "connected\n");
    char conn[64] = "";
    lerr e;
    CHECK(platform_find_drm_card(root, conn, sizeof conn, &e) == 2);
    CHECKF(strcmp(conn, "DSI-1") == 0, "%s", conn);
    /* a monitor plugged in as well: the panel still wins */
    put("card1-HDMI-A-1/status", "connected\n");
    CHECK(platform_find_drm_card(root, conn, sizeof conn, &e) == 2);
    /* panel unplugged: HDMI */
    put("card2-DSI-1/status", "disconnected\n");
    CHECK(platform_find_drm_card(root, conn, sizeof conn, &e) == 1);
    CHECKF(strcmp(conn, "HDMI-A-1") == 0, "%s", conn);
}

TEST(pi4_one_card_and_lowest_number)
{
    fresh_tree();
    put("card0-HDMI-A-1/status", "disconnected\n");
    put("card0-HDMI-A-2/status", "connected\n");
    put("card3-HDMI-A-1/status", "connected\n");
    char conn[64];
    lerr e;
    CHECK(platform_find_drm_card(root, conn, sizeof conn, &e) == 0);
    CHECK(strcmp(conn, "HDMI-A-2") == 0);
    CHECK(platform_find_drm_card(root, NULL, 0, &e) == 0); /* connector not wanted */
}

TEST(a_virtual_card_never_wins_over_a_real_one)
{
    /* vkms loaded before the GPU's driver: card0 is virtual and connected */
    fresh_tree();
    put("card0-Virtual-1/status", "connected\n");
    put("card1-HDMI-A-1/status", "connected\n");
    char conn[64];
    lerr e = {{0}};
    CHECK(platform_find_drm_card(root, conn, sizeof conn, &e) == 1 && !strcmp(conn, "HDMI-A-1"));
    /* and after it: the same choice */
    fresh_tree();
    put("card0-HDMI-A-1/status", "connected\n");
    put("card1-Virtual-1/status", "connected\n");
    CHECK(platform_find_drm_card(root, conn, sizeof conn, &e) == 0 && !strcmp(conn, "HDMI-A-1"));
    /* the real display off: the virtual one is all there is (the video can still start) */
    put("card0-HDMI-A-1/status", "disconnected\n");
    CHECK(platform_find_drm_card(root, conn, sizeof conn, &e) == 1 && !strcmp(conn, "Virtual-1"));
    /* a vkms appearing while the reader runs does not move it off the real display */
    put("card0-HDMI-A-1/status", "connected\n");
    platform_drm_watch w = {0};
    char msg[160];
    int card = -1;
    CHECK(platform_drm_watch_poll(&w, root, &card, msg, sizeof msg) == 0 && w.card == 0);
    put("card2-Virtual-2/status", "connected\n");
    CHECK(platform_drm_watch_poll(&w, root, &card, msg, sizeof msg) == 0 && !msg[0]);
}

TEST(nothing_connected_says_so)
{
    fresh_tree();
    put("card1-HDMI-A-1/status", "disconnected\n");
    put("card1-Writeback-1/status", "connected\n"); /* never a display */
    put("card1-DSI-1/status", "connectedness\n");  /* not the word */
    put("card1-DPI-1", NULL);                       /* no status file */
    put("cardX-HDMI-A-1/status", "connected\n");    /* not a card number */
    put("card2-/status", "connected\n");            /* no connector */
    char conn[64];
    lerr e = {{0}};
    CHECK(platform_find_drm_card(root, conn, sizeof conn, &e) == -1);
    CHECKF(strstr(e.msg, "no connected display") && strstr(e.msg, root), "%s", e.msg);
    CHECK(platform_find_drm_card("/nonexistent-sysfs", conn, sizeof conn, &e) == -1);
    CHECKF(strstr(e.msg, "/nonexistent-sysfs/class/drm") != NULL, "%s", e.msg);
}

TEST(a_display_switched_on_later_starts_video_again)
{
    fresh_tree();
    put("card1-HDMI-A-1/status", "disconnected\n");
    platform_drm_watch w = {0};
    char msg[160];
    int card = -7;
    /* HDMI off at boot: the first look only records */
    CHECK(platform_drm_watch_poll(&w, root, &card, msg, sizeof msg) == 0 && !msg[0]);
    CHECK(platform_drm_watch_poll(&w, root, &card, msg, sizeof msg) == 0 && !msg[0] && card == -7);
    /* switched on: start again on card 1 */
    put("card1-HDMI-A-1/status", "connected\n");
    CHECK(platform_drm_watch_poll(&w, root, &card, msg, sizeof msg) == 1 && card == 1);
    CHECKF(!strcmp(msg, "card1 HDMI-A-1 connected; it was none"), "%s", msg);
    /* nothing changed: nothing to do, said once */
    CHECK(platform_drm_watch_poll(&w, root, &card, msg, sizeof msg) == 0 && !msg[0]);
    /* unplugged: said, but nothing to start on */
    put("card1-HDMI-A-1/status", "disconnected\n");
    card = -7;
    CHECK(platform_drm_watch_poll(&w, root, &card, msg, sizeof msg) == 0 && card == -7);
    CHECKF(!strcmp(msg, "no display is connected now; it was card1 HDMI-A-1"), "%s", msg);
    /* back again, the same one: the kernel may have turned its output off, so start again */
    put("card1-HDMI-A-1/status", "connected\n");
    CHECK(platform_drm_watch_poll(&w, root, &card, msg, sizeof msg) == 1 && card == 1);
    /* a DSI panel appears on another card (a Pi 5): the choice moves to it */
    put("card2-DSI-1/status", "connected\n");
    CHECK(platform_drm_watch_poll(&w, root, &card, msg, sizeof msg) == 1 && card == 2);
    CHECKF(!strcmp(msg, "card2 DSI-1 connected; it was card1 HDMI-A-1"), "%s", msg);
    /* the HDMI one going away changes nothing: the panel stays the choice */
    put("card1-HDMI-A-1/status", "disconnected\n");
    CHECK(platform_drm_watch_poll(&w, root, &card, msg, sizeof msg) == 0 && !msg[0]);
    /* connected from the start: the first look records it, no restart */
    platform_drm_watch w2 = {0};
    CHECK(platform_drm_watch_poll(&w2, root, &card, msg, sizeof msg) == 0 && w2.card == 2);
    CHECK(platform_drm_watch_poll(&w2, root, &card, msg, sizeof msg) == 0);
}

/* a link in the fake tree, relative to root/class/drm */
static void link_to(const char *rel, const char *target)
{
    char path[512];
    snprintf(path, sizeof path, "%s/class/drm/%s", root, rel);
    if (symlink(target, path)) {}
}

TEST(a_card_with_no_gpu_is_written_to_its_framebuffer)
{
    char fb[64], why[256];
    /* QEMU's virtio-gpu-pci without virgl: the card is the PCI device, the
     * GPU its virtio child, whose features start with bit 0 (VIRGL) */
    fresh_tree();
    put("card0/device/virtio0/features", "0100000000000000000000000000000000000000000000000000000000000000\n");
    put("card0/device/graphics/fb0/dev", "29:0\n");
    link_to("card0/device/driver", "../../../bus/pci/drivers/virtio-pci");
    link_to("card0/device/virtio0/driver", "../../../../bus/virtio/drivers/virtio_gpu");
    CHECK(platform_drm_gpu_less(root, 0, fb, sizeof fb, why, sizeof why) == 1);
    CHECKF(!strcmp(fb, "/dev/fb0"), "%s", fb);
    CHECKF(strstr(why, "virtio_gpu") && strstr(why, "no GPU"), "%s", why);
    /* the same with virgl: GL has a GPU */
    put("card0/device/virtio0/features", "1100000000000000000000000000000000000000000000000000000000000000\n");
    CHECK(platform_drm_gpu_less(root, 0, fb, sizeof fb, why, sizeof why) == 0);
    CHECKF(strstr(why, "virgl") && !fb[0], "%s", why);

    /* the firmware's framebuffer (simpledrm) before a Pi's driver loads:
     * the lowest fb of the card, not another card's */
    fresh_tree();
    put("card1", NULL);
    put("card1/device/graphics/fb3/dev", "29:3\n");
    put("card1/device/graphics/fb12/dev", "29:12\n");
    put("card1/device/graphics/fbcon", NULL);
    link_to("card1/device/driver", "../../../bus/platform/drivers/simple-framebuffer");
    CHECK(platform_drm_gpu_less(root, 1, fb, sizeof fb, why, sizeof why) == 1);
    CHECKF(!strcmp(fb, "/dev/fb3"), "%s", fb);
    CHECK(platform_drm_gpu_less(root, 0, fb, sizeof fb, why, sizeof why) == 0); /* card0 has no driver link */
    CHECKF(strstr(why, "not known") && !fb[0], "%s", why);
}

TEST(a_card_with_a_gpu_or_no_framebuffer_keeps_gl)
{
    char fb[64] = "x", why[256] = "";
    /* a Pi's vc4: GL on its GPU, even though it has an fbdev too */
    fresh_tree();
    put("card0/device/graphics/fb0/dev", "29:0\n");
    link_to("card0/device/driver", "../../../bus/platform/drivers/vc4-drm");
    CHECK(platform_drm_gpu_less(root, 0, fb, sizeof fb, why, sizeof why) == 0);
    CHECKF(strstr(why, "vc4-drm") && strstr(why, "has a GPU") && !fb[0], "%s", why);
    /* bochs-drm without fbdev emulation: nothing to write to */
    fresh_tree();
    put("card0/device/graphics", NULL);
    link_to("card0/device/driver", "../../../bus/pci/drivers/bochs-drm");
    CHECK(platform_drm_gpu_less(root, 0, fb, sizeof fb, why, sizeof why) == 0);
    CHECKF(strstr(why, "no framebuffer device"), "%s", why);
    /* virtio-pci with no virtio child, and no buffers at all: no crash */
    fresh_tree();
    put("card0/device", NULL);
    link_to("card0/device/driver", "../../../bus/pci/drivers/virtio-pci");
    CHECK(platform_drm_gpu_less(root, 0, fb, sizeof fb, why, sizeof why) == 0);
    CHECK(platform_drm_gpu_less(root, 0, NULL, 0, NULL, 0) == 0);
    CHECK(platform_drm_gpu_less("/nonexistent", 7, fb, sizeof fb, why, sizeof why) == 0);
    CHECKF(strstr(why, "card7"), "%s", why);
}

TEST(rotation_round_trip)
{
    static const int rots[] = {0, 90, 180, 270};
    for (int r = 0; r < 4; r++)
        for (float x = 0; x <= 1.0f; x += 0.125f)
            for (float y = 0; y <= 1.0f; y += 0.25f) {
                float px, py, bx, by;
                platform_to_panel(rots[r], x, y, &px, &py);
                platform_to_page(rots[r], px, py, &bx, &by);
                CHECKF(fabsf(bx - x) < 1e-6f && fabsf(by - y) < 1e-6f, "rotate %d (%g,%g)", rots[r], x, y);
            }
    /* 90 clockwise: the page's top-left is at the panel's top-right, and a
     * tap on the panel's bottom edge is on the page's right side (forward) */
    float x, y;
    platform_to_page(90, 1, 0, &x, &y);
    CHECK(x == 0 && y == 0);
    platform_to_page(90, 0.5f, 0.95f, &x, &y);
    CHECK(x > 2.0f / 3 && fabsf(y - 0.5f) < 1e-6f);
    platform_to_page(270, 0.5f, 0.95f, &x, &y);
    CHECK(x < 1.0f / 3);
    platform_to_page(45, 0.25f, 0.75f, &x, &y); /* not a rotation: as 0 */
    CHECK(x == 0.25f && y == 0.75f);
    int w, h;
    platform_page_size(90, 800, 480, &w, &h);
    CHECK(w == 480 && h == 800);
    platform_page_size(180, 720, 1280, &w, &h);
    CHECK(w == 720 && h == 1280);
    platform_page_size(270, 720, 1280, &w, &h);
    CHECK(w == 1280 && h == 720);
}

/* Draw an upright page with a mark near its top-left, present it turned as
 * the reader does, and look for the mark where platform_to_panel says. */
TEST(touch_mapping_matches_the_drawing)
{
    static const int rots[] = {0, 90, 180, 270};
    const int PW = 64, PH = 40;
    for (int r = 0; r < 4; r++) {
        int rot = rots[r];
        SDL_Surface *panel = SDL_CreateRGBSurfaceWithFormat(0, PW, PH, 32, SDL_PIXELFORMAT_ARGB8888);
        SDL_Renderer *ren = panel ? SDL_CreateSoftwareRenderer(panel) : NULL;
        CHECK(ren != NULL);
        if (!ren) return;
        int w, h, dx, dy, dw, dh;
        platform_page_size(rot, PW, PH, &w, &h);
        platform_present_rect(rot, PW, PH, &dx, &dy, &dw, &dh);
        CHECK(dw == w && dh == h);
        SDL_Texture *page = SDL_CreateTexture(ren, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_TARGET, w, h);
        SDL_SetRenderTarget(ren, page);
        SDL_SetRenderDrawColor(ren, 255, 255, 255, 255);
        SDL_RenderClear(ren);
        SDL_Rect mark = {w / 8, h / 8, 4, 4}; /* centred on page point (w/8+2, h/8+2) */
        SDL_SetRenderDrawColor(ren, 255, 0, 0, 255);
        SDL_RenderFillRect(ren, &mark);
        SDL_SetRenderTarget(ren, NULL);
        SDL_SetRenderDrawColor(ren, 0, 0, 0, 255);
        SDL_RenderClear(ren);
        SDL_Rect dst = {dx, dy, dw, dh};
        SDL_RenderCopyEx(ren, page, NULL, &dst, rot, NULL, SDL_FLIP_NONE);
        SDL_RenderPresent(ren);
        float px, py;
        platform_to_panel(rot, (w / 8 + 2.0f) / w, (h / 8 + 2.0f) / h, &px, &py);
        int ix = (int)(px * PW), iy = (int)(py * PH);
        uint32_t c = ((uint32_t *)((uint8_t *)panel->pixels + iy * panel->pitch))[ix];
        CHECKF((c & 0xFFFFFF) == 0xFF0000, "rotate %d: pixel at (%d,%d) is %06x", rot, ix, iy, c & 0xFFFFFF);
        /* and the whole panel is covered (no black border from a bad rect) */
        uint32_t corner = ((uint32_t *)((uint8_t *)panel->pixels + (PH - 1) * panel->pitch))[PW - 1];
        CHECKF((corner & 0xFFFFFF) == 0xFFFFFF, "rotate %d: corner %06x", rot, corner & 0xFFFFFF);
        SDL_DestroyTexture(page);
        SDL_DestroyRenderer(ren);
        SDL_FreeSurface(panel);
    }
}

/* ---- where positions go on a desktop -------------------------------------------- */

static int is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

TEST(state_dir_falls_back_to_the_users)
{
    char tmp[] = "/tmp/lectern-state-XXXXXX", sys[300], home[300], want[400], buf[512], file[300];
    CHECK(mkdtemp(tmp) != NULL);
    snprintf(sys, sizeof sys, "%s/var-lib-lectern", tmp);
    snprintf(home, sizeof home, "%s/home", tmp);
    mkdir(home, 0755);
    const char *h0 = getenv("HOME"), *x0 = getenv("XDG_STATE_HOME");
    char *old_home = h0 ? strdup(h0) : NULL, *old_xdg = x0 ? strdup(x0) : NULL;
    lerr e;
    /* the system's folder missing: ~/.local/state/lectern, made */
    setenv("HOME", home, 1);
    unsetenv("XDG_STATE_HOME");
    snprintf(want, sizeof want, "%s/.local/state/lectern", home);
    CHECK(platform_state_dir(sys, buf, sizeof buf, &e) == 1);
    CHECKF(!strcmp(buf, want), "%s, want %s", buf, want);
    CHECK(is_dir(want));
    /* again: the same, nothing to make */
    CHECK(platform_state_dir(sys, buf, sizeof buf, &e) == 1 && !strcmp(buf, want));
    /* XDG_STATE_HOME wins when absolute; a relative one is ignored */
    snprintf(want, sizeof want, "%s/xdg/lectern", tmp);
    char xdg[320];
    snprintf(xdg, sizeof xdg, "%s/xdg", tmp);
    setenv("XDG_STATE_HOME", xdg, 1);
    CHECK(platform_state_dir(sys, buf, sizeof buf, &e) == 1);
    CHECKF(!strcmp(buf, want), "%s, want %s", buf, want);
    setenv("XDG_STATE_HOME", "relative/state", 1);
    snprintf(want, sizeof want, "%s/.local/state/lectern", home);
    CHECK(platform_state_dir(sys, buf, sizeof buf, &e) == 1 && !strcmp(buf, want));
    /* the system's folder there and writable: that one */
    mkdir(sys, 0755);
    CHECK(platform_state_dir(sys, buf, sizeof buf, &e) == 0);
    CHECK(!strcmp(buf, sys));
    /* a file where the system's folder should be, and no HOME: neither, said */
    rmdir(sys);
    snprintf(file, sizeof file, "%s", sys);
    FILE *f = fopen(file, "w");
    if (f) fclose(f);
    unsetenv("HOME");
    unsetenv("XDG_STATE_HOME");
    CHECK(platform_state_dir(sys, buf, sizeof buf, &e) == -1);
    CHECKF(strstr(e.msg, "HOME") != NULL, "%s", e.msg);
    CHECK(!strcmp(buf, sys));
    /* a file in the way of the user's folder */
    setenv("HOME", file, 1);
    CHECK(platform_state_dir(sys, buf, sizeof buf, &e) == -1);
    CHECKF(strstr(e.msg, "cannot make the folder") != NULL, "%s", e.msg);
    if (old_home) setenv("HOME", old_home, 1);
    else unsetenv("HOME");
    if (old_xdg) setenv("XDG_STATE_HOME", old_xdg, 1);
    free(old_home);
    free(old_xdg);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    if (system(cmd)) {}
}

/* The console's mode: only a virtual console has one. A pipe and a
 * pseudo-terminal (a desktop's terminal) are refused with a message and
 * left as they are. (On tty1 of the emulated kiosk the reader logs that it
 * set graphics mode: make image-test.) */
TEST(console_mode_only_on_a_virtual_console)
{
    int p[2];
    CHECK(pipe(p) == 0);
    lerr e;
    e.msg[0] = 0;
    CHECK(platform_console_mode(p[0], 1, &e) == -1 && strstr(e.msg, "not a virtual console"));
    close(p[0]);
    close(p[1]);
    int m = posix_openpt(O_RDWR | O_NOCTTY);
    if (m >= 0) {
        e.msg[0] = 0;
        CHECK(platform_console_mode(m, 1, &e) == -1 && e.msg[0]);
        close(m);
    }
    e.msg[0] = 0;
    CHECK(platform_console_mode(-1, 0, &e) == -1 && e.msg[0]);
}

int main(void)
{
    RUN(pi5_dsi_panel_is_its_own_card);
    RUN(console_mode_only_on_a_virtual_console);
    RUN(pi4_one_card_and_lowest_number);
    RUN(nothing_connected_says_so);
    RUN(a_virtual_card_never_wins_over_a_real_one);
    RUN(a_display_switched_on_later_starts_video_again);
    RUN(a_card_with_no_gpu_is_written_to_its_framebuffer);
    RUN(a_card_with_a_gpu_or_no_framebuffer_keeps_gl);
    RUN(rotation_round_trip);
    RUN(touch_mapping_matches_the_drawing);
    RUN(state_dir_falls_back_to_the_users);
    if (root[0]) {
        char cmd[300];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
        if (system(cmd)) {}
    }
    return T_END();
}

/* tunables.h - every number the reader's look and feel depends on, in one
 * place, in the spirit of dwm's config.def.h: what it is, and where the
 * number comes from. Plain C (no SDL): the core, the screens and the
 * packer's neighbours may all include it. Change a value here and rebuild;
 * the tests say what a change breaks (targets under 9 mm, goldens).
 *
 * Not here: the gesture machine's thresholds (gesture.h documents them with
 * their sources), the layout's line-breaking penalties (layout.h), the
 * pack format's limits (pack.h). */
#ifndef LECTERN_TUNABLES_H
#define LECTERN_TUNABLES_H

/* ---- where things are ------------------------------------------------------------ */

/* The data folder of this build (the Makefile passes $(PREFIX)/share/lectern;
 * the Debian package builds with PREFIX=/usr): default.lpk lives there. */
#ifndef LECTERN_DATADIR
#define LECTERN_DATADIR "/usr/local/share/lectern"
#endif

/* ---- the panel ----------------------------------------------------------------------- */

/* The panel when nothing says otherwise (headless modes, a window with no
 * --size): the Raspberry Pi Touch Display, 800x480, the kiosk's reference. */
#define TUN_PANEL_W 800
#define TUN_PANEL_H 480
#define TUN_PANEL_STR "800x480"
/* kiosk mode: how long to keep trying to start video at boot (the display's
 * device node may not be the video group's yet), and how often */
#define TUN_VIDEO_WAIT_MS 20000
#define TUN_VIDEO_RETRY_MS 250
#define TUN_VIDEO_RETRY_MAX_MS 1000 /* the longest pause between two tries (backing off from TUN_VIDEO_RETRY_MS) */

/* The largest page the reader draws (window, screenshot, dump): a 4K panel's
 * pixels, in either orientation, and no side over 8192. One 32-bit page
 * surface is then at most 32 MiB, inside the 64 MB budget of a Pi Zero 2 W;
 * --size 16384x16384 would need 1 GiB per surface. */
#define TUN_PAGE_MIN_SIDE 64
#define TUN_PAGE_MAX_SIDE 8192
#define TUN_PAGE_MAX_PIXELS (3840L * 2160L)
#define TUN_PAGE_MAX_STR "3840x2160"

/* Density when the panel's is unknown and no known panel matches: 133 dpi,
 * the 7" Touch Display (800x480 over a 7" diagonal, page_guess_dpi). */
#define TUN_DPI_FALLBACK 133.0

/* ---- the page (page_geometry, page_layout_params) ------------------------------------ */

/* Side margins: this part of the width, but at least 1.5 em; the column
 * no wider than 36 em (about 75 characters, the long end of the 45-75 a
 * comfortable line holds, Bringhurst) and no narrower than 4 em. */
#define TUN_SIDE_MARGIN 0.05
#define TUN_SIDE_MIN_EM 1.5
#define TUN_COLUMN_MAX_EM 36
#define TUN_COLUMN_MIN_EM 4
/* Top and bottom padding: 2 % of the height, at least a third of a line. */
#define TUN_EDGE_PAD 0.02
/* Paragraph space 0.6 line, block indent (lists, quotes) 1.6 em. */
#define TUN_PARA_SPACE_LINES 0.6
#define TUN_INDENT_EM 1.6

/* ---- text size -------------------------------------------------------------------------- */

/* A- / A+ steps, as factors of the size chosen for the panel: about 10 %
 * apart (a step the eye sees, as e-readers do), three larger than the
 * default for readers who need large text, two smaller. */
#define TUN_SIZE_STEPS 7
#define TUN_SIZE_DEFAULT 2 /* index of 1.0 */
#define TUN_SIZE_FACTORS {0.8, 0.9, 1.0, 1.12, 1.25, 1.4, 1.6}

/* ---- touch targets and spacing (screen_layout) -------------------------------------------- */

/* The smallest touch target: 10 mm, comfortably over the 9 mm a fingertip
 * needs (Apple's and Google's 44 pt / 48 dp guidelines, ~7-9 mm), and at
 * least 48 px (48 dp, Material) on any panel. */
#define TUN_TARGET_MM 10.0
#define TUN_TARGET_MIN_PX 48
/* Padding inside cards and sheets, gaps between buttons, corner radius. */
#define TUN_PAD_MM 3.0
#define TUN_PAD_MIN_PX 8
#define TUN_GAP_MM 2.0
#define TUN_GAP_MIN_PX 6
#define TUN_RADIUS_MM 1.6
#define TUN_RADIUS_MIN_PX 5
/* The top band of a page, whose taps open the menu, is at most this part of
 * the page's height (the rest turns pages). */
#define TUN_TOP_BAND_MAX_FRACTION 0.25
/* Rows of the screens, in lines of their text (line height about 1.3 of
 * the font size for headings, 1.4-1.45 for body and small text): the
 * header band, a library card (title, byline, reading time; at least 1.6
 * targets high), a contents line (2.2 body sizes). */
#define TUN_HEAD_LINES 1.3
#define TUN_CARD_MIN_TARGETS 1.6
#define TUN_CARD_TITLE_LINES 1.3
#define TUN_CARD_BYLINE_LINES 1.4
#define TUN_CARD_META_LINES 1.45
#define TUN_ROW_BODY_SIZES 2.2
/* The menu's sheet is at most this many targets wide. */
#define TUN_MENU_MAX_TARGETS 10
/* Text sizes for the screens when there are no fonts at all (the error page
 * drawn with shapes): body, h1, h2, small, in px, as at 800x480. */
#define TUN_NOFONT_BODY_PX 18
#define TUN_NOFONT_H1_PX 26
#define TUN_NOFONT_H2_PX 22
#define TUN_NOFONT_SMALL_PX 14

/* ---- time (ms of the app's clock) ------------------------------------------------------------ */

#define TUN_SLIDE_MS 180        /* a released page completes or springs back in this long (Material's 150-200 ms) */
#define TUN_PACK_CHECK_MS 2000 /* how often the pack file is looked at for a replacement (one stat) */
#define TUN_CONF_CHECK_MS 2000 /* kiosk: how often the boot partition's lectern.conf is looked at (app_conf.h) */
#define TUN_BOOT_WAIT_MS 90000 /* --boot-wait: the longest the reader waits for the boot partition before its settings (bootwait.h) */
#define TUN_BOOT_WAIT_STR "90" /* the same in seconds, for --help */
#define TUN_BOOT_WAIT_POLL_MS 100 /* --boot-wait: how often it looks */
#define TUN_START_BUDGET_MS 90000 /* after that wait, the start-up's own time (lectern.service's TimeoutStartSec=) */
#define TUN_INPUT_SCAN_MS 2000 /* kmsdrm: how often /dev/input is looked at for an absolute-mouse panel (evabs.h) */
#define TUN_DRM_SCAN_MS 2000 /* kmsdrm: how often the displays' connectors are looked at (platform_drm_watch_poll) */
#define TUN_SAVE_AFTER_MS 30000 /* positions are saved once reading pauses this long (SD-card wear vs. a power cut) */
#define TUN_ADMIN_MS 10000      /* the admin gesture's three long-presses within this */
#define TUN_HINT_FADE_MS 400    /* the first page's hint fades out this long after the first turn */
#define TUN_TAP_MS 60           /* replay: a tap's finger is down this long (a quick real tap) */
#define TUN_LONGPRESS_MS 700    /* replay: a long-press is held this long (over gesture.h's 500 ms) */
#define TUN_IMPORT_CHECK_MS 2000 /* kiosk: how often media_dir is looked at for a new USB stick (one stat; import.h) */

/* ---- the admin gesture ------------------------------------------------------------------------ */

/* A corner is the outer 20 % of the panel each way (easy to hit on
 * purpose, not by a visitor's tap). */
#define TUN_ADMIN_CORNER 0.2f

/* ---- the library -------------------------------------------------------------------------------- */

/* Reading time: 230 words a minute, an adult's silent reading of
 * non-fiction (Brysbaert 2019: 238), as `lectern-pack list` shows it. */
#define TUN_WORDS_PER_MINUTE 230

/* ---- themes ------------------------------------------------------------------------------------- */

/* The one theme table: id, name (as the key `theme` and replay scripts
 * spell it), then 0xRRGGBB colours: paper, text, running title and page
 * number, progress bar unread, progress bar read. Calm reading colours: no
 * pure black on pure white (glare on a bright panel), no pure white on
 * black (halation); furniture a step quieter. Then how the screens mix
 * text into paper, 0..1: cards, hairlines, buttons, the menu's sheet, and
 * the scrim's alpha over a page (0..255). */
#define TUN_THEMES(X)                                                                                        \
    X(LIGHT, "light", 0xFBFAF6, 0x222222, 0x6E6E6E, 0xE2DFD8, 0x8C8A85, 0.04f, 0.13f, 0.08f, 0.0f, 100)       \
    X(DARK, "dark", 0x16181B, 0xD6D3CC, 0x8E8C88, 0x2C2F33, 0x8E8C88, 0.07f, 0.18f, 0.13f, 0.05f, 150)        \
    X(SEPIA, "sepia", 0xF4ECD8, 0x3E3020, 0x72614A, 0xE0D3B6, 0x9E8866, 0.04f, 0.13f, 0.08f, 0.0f, 100)

#define TUN_THEME_ID(id, ...) THEME_##id,
enum theme_id { TUN_THEMES(TUN_THEME_ID) THEME_COUNT };
#undef TUN_THEME_ID

/* ---- the attract screen (idle_action = attract, attract.h) ------------------------------------ */

/* Each essay fades in, stays, and fades out: fades of 1.5 s (a second or
 * more, far below WCAG 2.3's three flashes a second), 8 s shown in all. */
#define TUN_ATTRACT_FADE_MS 1500
#define TUN_ATTRACT_HOLD_MS 5000
/* Its first line: at most this many characters (two lines of the column), cut at a word. */
#define TUN_ATTRACT_LINE_CHARS 150

/* ---- burn-in care (burnin.h) ------------------------------------------------------------------- */

#define TUN_BURNIN_STEP_MS 180000 /* the running title, page number and library header move 1 px every 3 minutes, within 2 px of home */

/* ---- the display's sleep (app_sleep.h) --------------------------------------------------------- */

/* Outside the awake hours, a kiosk woken by a touch stays awake this long
 * after the last touch (when sleep_after is 0; else sleep_after). */
#define TUN_SLEEP_GRACE_MS 120000

#endif

/* font.h - the reader's faces: loaded from the pack, opened at the sizes the
 * layout roles need, and measured for layout.
 *
 * Faces are raw TrueType/OpenType bytes (pack_view gives a zero-copy view
 * into the pack's mapping). Each face is opened here twice over the same
 * bytes:
 *   - by HarfBuzz, unscaled, for advances and kerning in font units. That is
 *     where kerning lives in current fonts (GPOS); SDL_ttf's kerning call
 *     reads only the legacy 'kern' table, which e.g. Noto Serif lacks. Units
 *     scale to any size by arithmetic, so a size change measures nothing anew.
 *   - by FreeType, to rasterize glyph ids at a role's pixel size
 *     (font_render_glyph; light hinting: vertical only, so glyph shapes
 *     match the unhinted advances layout uses).
 * SDL_ttf opens them a third time, per role at its pixel size, to draw code
 * points (furniture and interface text) and to answer "does this face have
 * the glyph": that is font_ttf.h's, the SDL part, which keeps its fonts in
 * the set's attachment (font_attach).
 * A code point the role's face lacks is measured and drawn from a fallback
 * face (the pack fonts flagged PACK_FONT_FALLBACK, every one of them: the
 * first that has it, upright ones first, a CJK face named for the text's
 * language before the others; combining marks and joiners stay with the
 * character before them). A face in a collection (.ttc) is opened at the
 * index its entry's flags give (high byte).
 *
 * Shaping (font_metrics' shape): HarfBuzz with the font's default
 * features, split where the face or the script changes; results are
 * cached in the set by (text, role, size). Drawing glyph ids:
 * font_render_glyph, FreeType with light hinting (SDL_ttf still draws code
 * points for furniture and interface text: font_glyph_face, font_ttf.h).
 *
 * Plain C11 over HarfBuzz and FreeType; no SDL (only font_ttf.h's part
 * needs TTF_Init). No global state; one font_faces per reader. */
#ifndef LECTERN_FONT_H
#define LECTERN_FONT_H

#include <stddef.h>
#include <stdint.h>

#include "layout.h"
#include "pack.h"
#include "util.h"

#define FONT_MAX_FACES 16
#define FONT_MIN_PX 6
#define FONT_MAX_PX 400

/* The styles synthesized on top of a face that a role lacks (an italic
 * sheared from the regular face, a bold widened from it), as bits. The
 * values are SDL_ttf's (TTF_STYLE_*, checked in font_ttf.c), which is
 * given them as they are. */
#define FONT_STYLE_NORMAL 0
#define FONT_STYLE_BOLD 1
#define FONT_STYLE_ITALIC 2

typedef struct font_faces font_faces;

/* One face given by the caller of font_open_mem: bytes it keeps alive for
 * the font_faces's lifetime, PACK_FONT_* flags, and a name for messages. */
typedef struct font_src {
    const uint8_t *data;
    size_t size;
    uint16_t flags;
    const char *name;
} font_src;

/* Open every font entry of pack p. The set borrows the pack's mapping: the
 * pack must outlive it. Roles: regular (flags 0) for body and small text,
 * italic for quotes and emphasis, bold for headings and strong text, bold
 * italic (flags italic|bold) for both, a fixed-pitch face (known by its
 * advances: i, M, W, '.' and space alike) for code, the fallback face for glyphs the
 * others lack. A missing italic or bold face is synthesized from regular;
 * a missing bold italic from bold (or italic, or regular); without a code
 * face, code is set in the regular face at body size (else 0.88 x body).
 * Returns 0, or -1 with a message (no regular face; a font entry damaged or
 * not a font, naming the entry's title). *out is NULL on failure.
 * The set has no size yet: call font_set_size before measuring. */
int font_open_pack(font_faces **out, pack *p, lerr *e);

/* The same from faces in memory (tests, previews of system fonts). The
 * caller keeps each src[i].data alive as long as the set. */
int font_open_mem(font_faces **out, const font_src *src, size_t n, lerr *e);

/* Read font files into memory that the set owns, then font_open_mem.
 * paths[i] has flags[i]. Message names the file on failure. */
int font_open_files(font_faces **out, const char *const *paths, const uint16_t *flags, size_t n,
                    lerr *e);

/* Drop the attachment (font_attach: the SDL_ttf fonts), close the
 * HarfBuzz and FreeType objects, free what the set owns. NULL is fine. */
void font_close(font_faces *fs);

/* Open every role at the sizes that follow from body_px (body text in
 * pixels): italic and bold the same, H1 about 1.45x, H2 1.2x, H3 1.1x, H4 1.05x, H5 1x, H6 0.92x,
 * title 1.75x, byline 1.1x, small 0.78x
 * (never below 11 px). Re-opening at the same size does nothing. A new
 * size drops the set's attachment (font_attach), so the SDL_ttf fonts of
 * the roles are closed, and opened again at the new size only when first
 * asked for (font_glyph_face, font_has_glyph). Returns 0, or -1 with a
 * message (px outside FONT_MIN_PX..FONT_MAX_PX; the set then keeps its
 * previous size and its attachment). */
int font_set_size(font_faces *fs, int body_px, lerr *e);

/* Current body size in pixels (0 before font_set_size), and the pixel size of a role. */
int font_body_px(const font_faces *fs);
int font_role_px(const font_faces *fs, int role);

/* The layout_metrics that measure with this set (26.6 units). Valid while
 * the set lives; reflects the current size. Line height is the role's size
 * times a typographic factor (1.42 body, 1.2 headings), not the font's
 * line gap, which differs wildly between faces (Charis SIL's is 1.6 em);
 * ascent puts the glyphs in the middle of that line box (CSS half-leading). */
layout_metrics font_metrics(font_faces *fs);

/* ---- for drawing code points (font_ttf.h) ---------------------------------- */

/* The role's own face (an index for font_face_name and the rest), and the
 * fallback face code points are drawn from when the role's face lacks
 * them (one of the pack's fallback faces, upright when it has one, never a
 * colour one; -1 when there is none). */
int font_role_face(const font_faces *fs, int role);
int font_fallback_face(const font_faces *fs);

/* The FONT_STYLE_* synthesized when face fi draws for role `role`: the
 * role's own on its own face, only its italic on any other (a fallback
 * face is sheared for an italic role, never emboldened). */
int font_face_style(const font_faces *fs, int role, int fi);

/* Face fi's bytes (valid as long as the set) and its index in a
 * collection. Returns 0, or -1 for an index out of range. */
int font_face_bytes(const font_faces *fs, int fi, const uint8_t **data, size_t *size, int *index);

/* The face that draws code point cp of role `role` when code points are
 * drawn (SDL_ttf, font_glyph_face): the role's face, or the fallback face
 * (font_fallback_face) when only that one has cp. When neither has it,
 * the role's face (which draws its .notdef box), with *missing set to 1
 * (missing may be NULL). -1 before font_set_size. */
int font_cp_face(font_faces *fs, int role, uint32_t cp, int *missing);

/* One object of other code kept with the set for the current size (the
 * SDL_ttf fonts of font_ttf.c, which are opened per size): font_attach
 * gives it to the set, which then owns it and calls drop(obj) to free it
 * when the size changes (font_set_size to a new size) and in font_close
 * (before the faces' bytes go, so obj may borrow them). One slot: an
 * earlier attachment is dropped first. font_attached gives the object
 * attached with the same drop (its owner's check that it is its own),
 * else NULL. */
typedef void font_drop_fn(void *obj);
void font_attach(font_faces *fs, void *obj, font_drop_fn *drop);
void *font_attached(const font_faces *fs, font_drop_fn *drop);

/* Face names (for --help/--version and messages): the name of the face that
 * serves role, and of the fallback face ("" when there is none). */
const char *font_role_name(const font_faces *fs, int role);
const char *font_fallback_name(const font_faces *fs);

/* The language of the text being set (a BCP 47 tag, s[0..n); NULL or 0
 * for none): shaping uses it (localized forms), and it orders the CJK
 * fallback faces (zh: a "... SC" face, zh-Hant/TW "TC", ja "JP", ko "KR").
 * Empties the shape cache when it changes. */
void font_set_lang(font_faces *fs, const char *s, size_t n);

/* A rasterized glyph: coverage (8-bit, color 0) or premultiplied BGRA
 * (color 1, a colour emoji scaled to the role's size), rows of `pitch`
 * bytes; left/top the bitmap's origin from the pen and baseline (top up).
 * The pixels belong to the set and are valid until the next call. */
typedef struct font_bitmap {
    const uint8_t *px;
    int w, h, pitch;
    int left, top;
    int color;
} font_bitmap;

/* Rasterize glyph `gid` of face fi at the size of role r (with the style
 * font_face_style gives, synthesized as SDL_ttf does it) through FreeType, light
 * hinting, (1000 + expand)/1000 as wide as it is (a line's font expansion,
 * per mille; colour bitmaps are drawn unexpanded). An empty glyph gives w = h = 0. Returns 0, or -1 with a message
 * (no such face, size not set, FreeType error). */
int font_render_glyph(font_faces *fs, int r, int fi, uint32_t gid, int expand, font_bitmap *out, lerr *e);

/* ---- shaping, for --dump-layout ------------------------------------------- */

/* One shaped glyph: its id in the face, its cluster (the byte offset in the
 * shaped text of the first character it draws) and its advance in 26.6 at
 * the role's size, as HarfBuzz gives it (plus the width SDL_ttf's synthetic
 * bold adds, as layout measures it), before any justification. */
typedef struct font_glyph {
    uint32_t id;
    uint32_t cluster;
    int32_t advance;
} font_glyph;

/* The face (an index for font_face_name and font_shape) that draws code
 * point cp in role `role`: the role's face, or the first fallback face
 * that has cp when it lacks it (the faces shaping uses; font_cp_face
 * gives the one font_glyph_face draws cp from). -1 before font_set_size. */
int font_face_of(font_faces *fs, int role, uint32_t cp);

/* The name of face `face` (the pack entry's title, as `lectern-pack info`
 * prints it); "" for an index out of range. */
const char *font_face_name(const font_faces *fs, int face);

/* The glyph id face fi maps code point cp to (0 when it has none). */
uint32_t font_nominal_glyph(const font_faces *fs, int fi, uint32_t cp);

/* The advance of cp in face fi at the size of role r, 26.6, as HarfBuzz
 * gives it alone (no kerning, no synthetic bold). 0 for a bad face. */
int32_t font_face_advance(const font_faces *fs, int r, int fi, uint32_t cp);

/* Shape the UTF-8 text s[0..n) as layout does (font_metrics' shape: the
 * role's face and its fallback chain, HarfBuzz's default features); fi is
 * not used (the faces come from the chain). *out gets a new array of *nout
 * glyphs in visual order (caller frees; NULL when n is 0). Returns 0, or
 * -1 with a message (out of memory, size not set). */
int font_shape(font_faces *fs, int role, int face, const uint8_t *s, size_t n, font_glyph **out, size_t *nout,
               lerr *e);

#endif

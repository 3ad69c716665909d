/* font_ttf.h - the SDL_ttf fonts of a font_faces: code points drawn by
 * SDL_ttf (furniture and interface text, which are not shaped) and "does
 * this face have the glyph".
 *
 * Each role's face, and the fallback face code points are drawn from
 * (font_fallback_face), is opened by SDL_ttf at the role's pixel size when
 * first asked for, with light hinting, kerning and the role's synthesized
 * style (font_face_style). The fonts live in the set's attachment
 * (font_attach, font.h), which this file owns: the set closes them when its
 * size changes and in font_close, so none outlives the size it was opened
 * at. A set whose SDL_ttf fonts are never asked for opens none.
 *
 * SDL code: needs TTF_Init() before the first font_glyph_face or
 * font_has_glyph, and TTF_Quit() only after font_close (font.h's part
 * needs neither). No global state. */
#ifndef LECTERN_FONT_TTF_H
#define LECTERN_FONT_TTF_H

#include <stdint.h>

#include <SDL2/SDL_ttf.h>

#include "font.h"

/* Where code point cp of role `role` is drawn from: returns the SDL_ttf font
 * (owned by the set, valid until the next font_set_size to a new size or
 * font_close) and a key that identifies (face, style, size) for a glyph
 * cache. Falls back per glyph (font_cp_face); when neither face has cp,
 * returns the main face (which draws its .notdef box) and sets *missing to
 * 1 (key and missing may be NULL). NULL before font_set_size, when SDL_ttf
 * cannot open the face at that size (said once on stderr: its characters
 * are then not drawn), or when there is no memory for the set's fonts. */
TTF_Font *font_glyph_face(font_faces *fs, int role, uint32_t cp, uint32_t *key, int *missing);

/* 1 when the role's face or the fallback face has a glyph for cp, using
 * TTF_GlyphIsProvided32 on the SDL_ttf fonts (opened for it if need be).
 * 0 before font_set_size. */
int font_has_glyph(font_faces *fs, int role, uint32_t cp);

#endif

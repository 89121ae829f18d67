/*
 * raster: a 32-bit pixel canvas and the few things the box's screen draws on it:
 * filled rectangles, anti-aliased rounded rectangles, single lines of text in the
 * embedded font (DejaVu Sans Bold through stb_truetype) and QR symbols from qr.h.
 *
 * Pixels are 0x00RRGGBB (XRGB8888, what a DRM dumb buffer and most framebuffers take),
 * row-major, `stride` pixels per row. Every drawing call takes a clip rectangle and
 * touches no pixel outside it (nor outside the canvas), so a caller that redraws one
 * region of the screen knows exactly which pixels may have changed.
 *
 * Ownership: raster_init() allocates the pixels, raster_free() frees them. A font
 * (raster_font_new) owns the inflated font file and a cache of rendered glyphs; it is
 * not thread-safe (one thread draws). Text is UTF-8; invalid bytes draw as U+FFFD and
 * characters the font lacks as its empty box, never as an error.
 */
#ifndef STATE_RASTER_H
#define STATE_RASTER_H

#include <stddef.h>
#include <stdint.h>

#include "qr.h"

/** A rectangle in pixels; empty when w <= 0 or h <= 0. */
typedef struct {
    int x, y, w, h;
} raster_rect_t;

/** A canvas. px has h rows of stride pixels; only the first w of each row are shown. */
typedef struct {
    uint32_t *px;
    int w, h, stride;
} raster_t;

/** An opaque font with its glyph cache. */
typedef struct raster_font raster_font_t;

/** Largest canvas side accepted by raster_init (a 4K screen in portrait fits). */
#define RASTER_SIDE_MAX 4096

/** Text alignment inside the box given to raster_text_box. */
typedef enum { RASTER_LEFT = 0, RASTER_CENTER = 1, RASTER_RIGHT = 2 } raster_align_t;

/**
 * Allocates a w x h canvas (1..RASTER_SIDE_MAX each side), filled with `color`.
 * Returns 0, or -1 for a size out of range (then *r is zeroed). Aborts when out of memory.
 */
int raster_init(raster_t *r, int w, int h, uint32_t color);

/** Frees the pixels; *r is zeroed. Idempotent. */
void raster_free(raster_t *r);

/** The intersection of a and b (empty when they do not meet). */
raster_rect_t raster_intersect(raster_rect_t a, raster_rect_t b);

/** Fills rc (clipped to clip and the canvas) with color. */
void raster_fill(raster_t *r, raster_rect_t clip, raster_rect_t rc, uint32_t color);

/**
 * Fills rc with color, its corners rounded with `radius` pixels and anti-aliased against
 * what is underneath. radius is clamped to half the shorter side.
 */
void raster_round_rect(raster_t *r, raster_rect_t clip, raster_rect_t rc, int radius, uint32_t color);

/**
 * Draws a QR symbol with its 4-module light quiet zone, `module` pixels per module, its
 * top-left corner (of the quiet zone) at x, y. Returns the side drawn in pixels.
 */
int raster_qr(raster_t *r, raster_rect_t clip, const qr_t *qr, int x, int y, int module, uint32_t dark, uint32_t light);

/** The side raster_qr draws for qr at `module` pixels per module, quiet zone included. */
int raster_qr_side(const qr_t *qr, int module);

/**
 * Inflates the embedded font and prepares an empty glyph cache. NULL if the embedded
 * data does not inflate or parse (a build error, reported by the unit tests).
 */
raster_font_t *raster_font_new(void);

/** Frees a font and its cache. NULL is accepted. */
void raster_font_free(raster_font_t *f);

/** Font metrics at `size` pixels per em: the ascent, the descent (positive) and the height of the digits. */
int raster_font_ascent(raster_font_t *f, int size);
int raster_font_descent(raster_font_t *f, int size);
int raster_font_digit_height(raster_font_t *f, int size);

/** The advance width in pixels of len bytes of UTF-8 text at `size` pixels per em. */
int raster_text_width(raster_font_t *f, int size, const char *s, size_t len);

/**
 * Draws one line of text with its baseline at y, starting at x, at `size` pixels per em
 * (clamped to 1..1024), blending the glyphs' coverage over what is there. Returns the
 * advance width in pixels. No shaping and no bidirectional reordering: characters are
 * placed in the order they are stored.
 */
int raster_text(raster_t *r, raster_rect_t clip, raster_font_t *f, int x, int y, int size, uint32_t color, const char *s,
                size_t len);

/**
 * Fits one line of text in box and draws it there: the largest size up to max_size whose
 * width fits; below min_size the text is cut to fit and ends with an ellipsis. Vertically,
 * with `digits` set the digit height is centred (for numbers and clocks), otherwise the
 * ascent and descent are. Nothing is drawn outside box (nor clip). Returns the size used.
 */
int raster_text_box(raster_t *r, raster_rect_t clip, raster_font_t *f, raster_rect_t box, int max_size, int min_size,
                    raster_align_t align, int digits, uint32_t color, const char *s, size_t len);

/** Bytes held by the font's glyph cache (for tests and the docs). */
size_t raster_font_cache_bytes(const raster_font_t *f);

#endif

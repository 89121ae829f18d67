/* screen: the box's own screen as a server output (PROTOCOL.md section 14). Owns the
 * board (src/board.c) and its canvas, and the output: a PNG file (png:FILE, replaced
 * atomically), a Linux framebuffer device (fb[:DEVICE], mapped, 32 bits a pixel) or a
 * DRM card (drm[:DEVICE], a dumb buffer at the display's preferred mode, src/drm.c).
 *
 * It picks what to show from the committed games (the pinned one, else the games not
 * ended), a game's live invites and the Wi-Fi settings, and writes a frame only when
 * the board reports damage: the damaged rectangles to the framebuffer or the DRM
 * buffer (then DIRTYFB with those rectangles), the whole
 * picture to the PNG (at most every SCREEN_PNG_MIN_MS; a frame held back is written
 * by a later update). server.c calls screen_update after every flush and once a
 * second, so running clocks count. With --touch it also owns the touch input (src/touch.c)
 * and turns taps into host changes. Errors are returned at creation and logged once
 * while writing; the server goes on without a screen. One thread. */
#ifndef STATE_SCREEN_H
#define STATE_SCREEN_H

#include <stddef.h>
#include <stdint.h>

#include "app.h"
#include "config.h"

#define SCREEN_PAIR_MS (5 * 60000) /* a host pairing code is valid for five minutes (section 3) */
#define SCREEN_PNG_MIN_MS 100 /* the PNG is a whole picture: no more than ten a second */

typedef struct screen screen_t;

/* Opens the output cfg->screen names (not CONFIG_SCREEN_OFF) and makes a board of its
 * size. NULL with a one-line reason in err when the device is missing, busy, not
 * 32 bits a pixel or (DRM) has no connected display. */
screen_t *screen_new(const config_t *cfg, char *err, size_t errlen);
/* Starts taking taps from cfg->touch (not "off"): the touchscreen (auto), an evdev
 * device, or a FIFO or file of input_event records (screen pixels), read from app's
 * loop (a file as it grows, from screen_update). A tap on a target (board_controls) is
 * the host's change through change_apply, committed at once; "pair" shows a one-time
 * host pairing code as a QR card for SCREEN_PAIR_MS. 0, or -1 with a one-line reason. */
int screen_touch_start(app_t *app, const config_t *cfg, char *err, size_t errlen);
/* Unmaps and closes the output and frees the board. NULL is accepted. */
void screen_free(screen_t *s);
/* Draws what app's games show at monotonic time now_ms and writes what changed.
 * Does nothing when app->screen is NULL. */
void screen_update(app_t *app, int64_t now_ms);

#endif

/* drm: a Linux DRM/KMS display through the kernel's own ioctls (no libdrm). Owns the
 * open card, one dumb buffer (32 bits a pixel, XRGB8888) shown on the first connected
 * connector at its preferred mode, and its mapping. The caller draws into the mapping
 * and reports what it changed with drm_dirty, which some drivers (virtio-gpu) need
 * before the change is shown. Opening the card makes this process the display's
 * master; drm_close gives the display back (the console shows again). One thread. */
#ifndef STATE_DRM_H
#define STATE_DRM_H

#include <stddef.h>
#include <stdint.h>

typedef struct drm drm_t;

typedef struct {
    int x, y, w, h;
} drm_rect_t;

/* Opens dev (e.g. /dev/dri/card0), picks the first connected connector, its preferred
 * mode and a CRTC that can drive it, and shows a black dumb buffer of the mode's size.
 * NULL with a one-line reason in err when the card is missing, has no connected
 * display, or another program holds it. */
drm_t *drm_open(const char *dev, char *err, size_t errlen);
/* Frees the buffer and closes the card. NULL is accepted. */
void drm_close(drm_t *d);
/* The mode's size, the mapping (0x00RRGGBB a pixel) and its bytes a row. */
int drm_width(const drm_t *d);
int drm_height(const drm_t *d);
uint8_t *drm_pixels(const drm_t *d, size_t *pitch);
/* Tells the driver that rects (clipped to the screen) of the mapping changed. 0, or
 * -errno; a driver that needs no such call is remembered and costs nothing after. */
int drm_dirty(drm_t *d, const drm_rect_t *rects, int n);

#endif

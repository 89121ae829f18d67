/*
 * png: writes a picture of 0x00RRGGBB pixels (a raster_t's layout) as a PNG file,
 * 8-bit RGB, deflated by zlib. The file is replaced atomically: the bytes go to a
 * temporary file in the same directory, which is renamed over the target,
 * so a reader sees the old frame or the new one, never half of one.
 *
 * Pure of global state; the caller owns the pixels and nothing is kept after return.
 */
#ifndef STATE_PNG_H
#define STATE_PNG_H

#include <stdint.h>

/**
 * Writes w x h pixels (row-major, `stride` pixels per row) to `path`. Returns 0 or a
 * negative errno (-EINVAL for a size out of 1..65535 or a NULL argument); on error the
 * target is left as it was and the temporary file is removed.
 */
int png_write(const char *path, const uint32_t *px, int w, int h, int stride);

#endif

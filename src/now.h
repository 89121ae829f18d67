/* Clocks. Game clocks use the monotonic clock (a Pi without network has no
 * trustworthy wall clock); timestamps shown to people use the wall clock. This is
 * I/O, so the pure modules take these values as parameters instead of calling. */
#ifndef STATE_NOW_H
#define STATE_NOW_H

#include <stdint.h>

/* Milliseconds of CLOCK_MONOTONIC. */
int64_t now_mono_ms(void);
/* Milliseconds since the Unix epoch (CLOCK_REALTIME). */
int64_t now_wall_ms(void);
/* Formats a wall-clock time as ISO 8601 UTC with milliseconds into out (32 bytes). */
void now_iso8601(int64_t wall_ms, char out[32]);

#endif

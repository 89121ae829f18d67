#include "now.h"

#include <sys/types.h>
#include <time.h>

/* 32-bit ARM builds pass -D_TIME_BITS=64 -D_FILE_OFFSET_BITS=64 (cross/cross.mk):
 * a Pi's clock must outlive 2038 and its database 2 GiB. A build without them
 * stops here rather than failing later. */
_Static_assert(sizeof(time_t) == 8, "time_t must be 64 bits (build 32-bit targets with -D_TIME_BITS=64)");
_Static_assert(sizeof(off_t) == 8, "off_t must be 64 bits (build 32-bit targets with -D_FILE_OFFSET_BITS=64)");

static int64_t now_read(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t now_mono_ms(void)
{
    return now_read(CLOCK_MONOTONIC);
}

int64_t now_wall_ms(void)
{
    return now_read(CLOCK_REALTIME);
}

/* Writes v in exactly width digits (v is in range: the caller took it modulo). */
static char *now_digits(char *p, int v, int width)
{
    for (int i = width - 1; i >= 0; i--, v /= 10)
        p[i] = (char)('0' + v % 10);
    return p + width;
}

/* Hand-formatted: every change stamps two of these, and snprintf costs ten times more. */
void now_iso8601(int64_t wall_ms, char out[32])
{
    time_t secs = (time_t)(wall_ms / 1000);
    struct tm tm;
    gmtime_r(&secs, &tm);
    char *p = out;
    p = now_digits(p, (tm.tm_year + 1900) % 10000, 4);
    *p++ = '-';
    p = now_digits(p, (tm.tm_mon + 1) % 100, 2);
    *p++ = '-';
    p = now_digits(p, tm.tm_mday % 100, 2);
    *p++ = 'T';
    p = now_digits(p, tm.tm_hour % 100, 2);
    *p++ = ':';
    p = now_digits(p, tm.tm_min % 100, 2);
    *p++ = ':';
    p = now_digits(p, tm.tm_sec % 100, 2);
    *p++ = '.';
    p = now_digits(p, (int)(wall_ms % 1000), 3);
    *p++ = 'Z';
    *p = '\0';
}

/* png: a PNG writer (signature, IHDR, one IDAT stream, IEND) with atomic replace. */
#include "png.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "mem.h"

static void be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static int write_all(int fd, const void *buf, size_t n)
{
    const uint8_t *p = buf;
    while (n > 0) {
        ssize_t k = write(fd, p, n);
        if (k < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

/* One chunk: length, type, data, CRC of type and data. */
static int chunk(int fd, const char type[4], const uint8_t *data, uint32_t len)
{
    uint8_t head[8], tail[4];
    be32(head, len);
    memcpy(head + 4, type, 4);
    uLong crc = crc32(0, (const Bytef *)type, 4);
    if (len)
        crc = crc32(crc, data, len);
    be32(tail, (uint32_t)crc);
    int rc = write_all(fd, head, 8);
    if (rc == 0 && len)
        rc = write_all(fd, data, len);
    if (rc == 0)
        rc = write_all(fd, tail, 4);
    return rc;
}

/* The image data: each row is filter type 1 (Sub: the difference to the pixel on the
 * left), which turns the flat areas of a scoreboard into runs of zeros. IDAT chunks of
 * up to 256 KiB are written as the deflate output fills. */
static int image(int fd, const uint32_t *px, int w, int h, int stride)
{
    enum { OUT = 256 << 10 };
    size_t rowlen = 1 + 3 * (size_t)w;
    uint8_t *row = mem_alloc(rowlen), *out = mem_alloc(OUT);
    z_stream z;
    memset(&z, 0, sizeof(z));
    /* Run-length matching at level 1: the Sub-filtered rows are long runs of zeros,
     * and this output is written every second a clock runs, so speed wins; it is
     * several times faster than level 6 for files a few per cent larger. */
    int rc = deflateInit2(&z, 1, Z_DEFLATED, 15, 8, Z_RLE) == Z_OK ? 0 : -ENOMEM;
    for (int y = 0; rc == 0 && y <= h; y++) {
        int flush = Z_NO_FLUSH;
        if (y < h) {
            const uint32_t *p = px + (size_t)y * (size_t)stride;
            uint32_t prev = 0;
            row[0] = 1;
            for (int x = 0; x < w; x++) {
                uint32_t v = p[x];
                row[1 + 3 * x] = (uint8_t)((v >> 16) - (prev >> 16));
                row[2 + 3 * x] = (uint8_t)((v >> 8) - (prev >> 8));
                row[3 + 3 * x] = (uint8_t)(v - prev);
                prev = v;
            }
            z.next_in = row;
            z.avail_in = (uInt)rowlen;
        } else {
            z.next_in = NULL;
            z.avail_in = 0;
            flush = Z_FINISH;
        }
        int zrc;
        do {
            z.next_out = out;
            z.avail_out = OUT;
            zrc = deflate(&z, flush);
            if (zrc == Z_STREAM_ERROR) {
                rc = -EIO;
                break;
            }
            if (OUT - z.avail_out > 0)
                rc = chunk(fd, "IDAT", out, OUT - z.avail_out);
        } while (rc == 0 && (z.avail_out == 0 || (flush == Z_FINISH && zrc != Z_STREAM_END)));
    }
    deflateEnd(&z);
    free(row);
    free(out);
    return rc;
}

int png_write(const char *path, const uint32_t *px, int w, int h, int stride)
{
    if (!path || !px || w < 1 || h < 1 || w > 65535 || h > 65535 || stride < w)
        return -EINVAL;
    size_t n = strlen(path);
    char *tmp = mem_alloc(n + 16);
    snprintf(tmp, n + 16, "%s.tmp.XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        int e = -errno;
        free(tmp);
        return e;
    }
    static const uint8_t sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    uint8_t ihdr[13];
    be32(ihdr, (uint32_t)w);
    be32(ihdr + 4, (uint32_t)h);
    ihdr[8] = 8;  /* bits per channel */
    ihdr[9] = 2;  /* RGB */
    ihdr[10] = 0; /* deflate */
    ihdr[11] = 0; /* adaptive filtering */
    ihdr[12] = 0; /* not interlaced */
    int rc = write_all(fd, sig, sizeof(sig));
    if (rc == 0)
        rc = chunk(fd, "IHDR", ihdr, sizeof(ihdr));
    if (rc == 0)
        rc = image(fd, px, w, h, stride);
    if (rc == 0)
        rc = chunk(fd, "IEND", NULL, 0);
    /* No fsync: readers only need to see a whole frame (rename gives that), and a
     * frame a second must not wear out an SD card; after a power cut the next frame
     * replaces whatever survived. mkstemp makes the file 0600; a snapshot is for anyone who
     * may read the directory. */
    if (rc == 0 && fchmod(fd, 0644) != 0)
        rc = -errno;
    if (close(fd) != 0 && rc == 0)
        rc = -errno;
    if (rc == 0 && rename(tmp, path) != 0)
        rc = -errno;
    if (rc != 0)
        unlink(tmp);
    free(tmp);
    return rc;
}

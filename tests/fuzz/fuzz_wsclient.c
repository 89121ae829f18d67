/*
 * libFuzzer driver for the WebSocket client's parsers (src/wsclient.c): the
 * server's handshake answer and the server's frames, as the follower reads them.
 *
 * Input layout: byte 0 picks the parser (even: the handshake answer, odd: frames);
 * the rest is what the server sent. Frames are parsed one after the other as the
 * client does, from a buffer that ends exactly where the bytes end (ASan sees any
 * read past them).
 *
 * Invariants: the handshake check answers -1, 0 (more bytes) or a header length
 * within the input that ends with an empty line, and a 101 status; a frame parse
 * consumes at most what it was given, a payload lies inside the frame, is at most
 * WSCLIENT_MAX_MESSAGE (125 for control frames), and an accepted frame parses the
 * same when it is followed by more bytes.
 *
 * Replay:  built with -DFUZZ_MAIN (tests/fuzz/replay.h), each file named runs once.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "replay.h"
#include "wsclient.h"

#define CHECK(cond)                                                                                                            \
    do {                                                                                                                       \
        if (!(cond)) {                                                                                                         \
            fprintf(stderr, "fuzz_wsclient: invariant failed at line %d: %s\n", __LINE__, #cond);                              \
            abort();                                                                                                           \
        }                                                                                                                      \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 2 * 1024 * 1024)
        return 0;
    bool frames = data[0] & 1;
    size_t len = size - 1;
    uint8_t *buf = malloc(len ? len : 1);
    memcpy(buf, data + 1, len);
    if (!frames) {
        long n = wsclient_handshake_check((const char *)buf, len, "dGhlIHNhbXBsZSBub25jZQ==");
        CHECK(n >= -1 && n <= (long)len);
        if (n > 0) {
            CHECK(n >= 16 && memcmp(buf + n - 4, "\r\n\r\n", 4) == 0);
            CHECK(memcmp(buf, "HTTP/1.1 101", 12) == 0);
        }
        free(buf);
        return 0;
    }
    size_t off = 0;
    while (off < len) {
        wsclient_frame_t f;
        long n = wsclient_parse_frame(buf + off, len - off, &f);
        CHECK(n >= -1 && n <= (long)(len - off));
        if (n <= 0)
            break;
        CHECK(f.payload >= buf + off && f.payload + f.len == buf + off + (size_t)n);
        CHECK(f.len <= WSCLIENT_MAX_MESSAGE);
        CHECK(f.opcode < 8 || f.len <= 125);
        /* The same frame with a byte after it: the same answer. */
        uint8_t *more = malloc((size_t)n + 1);
        memcpy(more, buf + off, (size_t)n);
        more[n] = 0x81;
        wsclient_frame_t g;
        CHECK(wsclient_parse_frame(more, (size_t)n + 1, &g) == n && g.len == f.len && g.opcode == f.opcode);
        free(more);
        off += (size_t)n;
    }
    free(buf);
    return 0;
}

/*
 * Unit tests for src/ws.c: the pure frame parser (every refusal and the close code it
 * maps to, fragmentation, interleaved control frames, feeding in pieces), the server
 * frame encoder, the handshake key functions and close-code validation. Frames are
 * built here by hand with a fixed masking key, so each case reads as "these bytes in,
 * this event out".
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ws.h"

#define FIN 0x80
#define RSV1 0x40
#define RSV2 0x20
#define RSV3 0x10
#define BIG (WS_MAX_MESSAGE + 64) /* room for any payload a case builds */

static const uint8_t mask_key[4] = {0x37, 0xFA, 0x21, 0x3D};

/* ---- frame builder ------------------------------------------------------------ */

/* How a frame's length is written: minimally, or forced into the 16- or 64-bit form. */
enum { LEN_MIN = 0, LEN_16 = 126, LEN_64 = 127 };

/* Writes a client frame to out: first byte b0 (FIN, RSV, opcode), payload of len bytes
 * (p == NULL means len bytes of 'a'), masked unless unmasked. Returns its size. */
static size_t frame_build(uint8_t *out, uint8_t b0, const void *p, size_t len, int lenform, bool unmasked)
{
    size_t n = 0;
    out[n++] = b0;
    uint8_t m = unmasked ? 0 : 0x80;
    if (lenform == LEN_64 || (lenform == LEN_MIN && len > 0xFFFF)) {
        out[n++] = m | 127;
        for (int i = 0; i < 8; i++)
            out[n++] = (uint8_t)((uint64_t)len >> (56 - 8 * i));
    } else if (lenform == LEN_16 || (lenform == LEN_MIN && len > 125)) {
        out[n++] = m | 126;
        out[n++] = (uint8_t)(len >> 8);
        out[n++] = (uint8_t)len;
    } else {
        out[n++] = m | (uint8_t)len;
    }
    if (!unmasked) {
        memcpy(out + n, mask_key, 4);
        n += 4;
    }
    for (size_t i = 0; i < len; i++) {
        uint8_t b = p ? ((const uint8_t *)p)[i] : 'a';
        out[n + i] = unmasked ? b : b ^ mask_key[i & 3];
    }
    return n + len;
}

/* ---- feeding ------------------------------------------------------------------ */

/* One event as the caller saw it, with its payload copied out (ev.data is only valid
 * until the next feed). */
typedef struct {
    ws_event_type_t type;
    int opcode;
    uint16_t close_code;
    size_t len;
    uint8_t *data;
} seen_t;

typedef struct {
    seen_t ev[64];
    size_t n;
    size_t consumed;
} trace_t;

static void trace_free(trace_t *t)
{
    for (size_t i = 0; i < t->n; i++)
        free(t->ev[i].data);
    t->n = 0;
}

static void trace_add(trace_t *t, const ws_event_t *ev)
{
    assert_true(t->n < sizeof(t->ev) / sizeof(t->ev[0]));
    seen_t *s = &t->ev[t->n++];
    s->type = ev->type;
    s->opcode = ev->opcode;
    s->close_code = ev->close_code;
    s->len = ev->len;
    s->data = malloc(ev->len + 1);
    assert_non_null(s->data);
    if (ev->len)
        memcpy(s->data, ev->data, ev->len);
    s->data[ev->len] = 0;
}

/* Feeds buf the way wsconn.c does: parse, record, drop what was consumed, repeat
 * until the parser needs more bytes or refuses. Records every event except the
 * WS_EV_NONE of a swallowed fragment. */
static void feed_all(ws_reader_t *r, uint8_t *buf, size_t len, trace_t *t)
{
    size_t off = 0;
    for (;;) {
        ws_event_t ev;
        size_t used = ws_reader_feed(r, buf + off, len - off, &ev);
        assert_true(used <= len - off);
        if (ev.type != WS_EV_NONE)
            trace_add(t, &ev);
        off += used;
        if (ev.type == WS_EV_ERROR || ev.type == WS_EV_CLOSE || (used == 0 && ev.type == WS_EV_NONE))
            break;
    }
    t->consumed = off;
}

/* Feeds one byte at a time into a growing input buffer, as a slow TCP peer would. */
static void feed_bytewise(ws_reader_t *r, const uint8_t *src, size_t len, trace_t *t)
{
    uint8_t *in = malloc(len ? len : 1);
    assert_non_null(in);
    size_t have = 0, total = 0;
    bool stop = false;
    for (size_t i = 0; i < len && !stop; i++) {
        in[have++] = src[i];
        for (;;) {
            ws_event_t ev;
            size_t used = ws_reader_feed(r, in, have, &ev);
            assert_true(used <= have);
            if (ev.type != WS_EV_NONE)
                trace_add(t, &ev);
            memmove(in, in + used, have - used);
            have -= used;
            total += used;
            if (ev.type == WS_EV_ERROR || ev.type == WS_EV_CLOSE) {
                stop = true;
                break;
            }
            if (used == 0)
                break;
        }
    }
    t->consumed = total;
    free(in);
}

/* ---- refusals ------------------------------------------------------------------- */

typedef struct {
    uint8_t b0;
    const char *p; /* payload bytes, or NULL for len bytes of 'a' */
    size_t len;
    int lenform;
    bool unmasked;
} spec_t;

typedef struct {
    const char *name;
    spec_t f[3]; /* frames sent in order; a frame with b0 == 0 and len == 0 ends the list */
    uint16_t code;
} refusal_t;

#define TXT(fin, s) {(fin) | WS_OP_TEXT, s, sizeof(s) - 1, LEN_MIN, false}
#define CONT(fin, s) {(fin) | WS_OP_CONT, s, sizeof(s) - 1, LEN_MIN, false}
#define CLOSE(s) {FIN | WS_OP_CLOSE, s, sizeof(s) - 1, LEN_MIN, false}

static const refusal_t refusals[] = {
    {"unmasked text", {{FIN | WS_OP_TEXT, "hi", 2, LEN_MIN, true}}, WS_CLOSE_PROTOCOL},
    {"unmasked ping", {{FIN | WS_OP_PING, "", 0, LEN_MIN, true}}, WS_CLOSE_PROTOCOL},
    {"unmasked close", {{FIN | WS_OP_CLOSE, "\x03\xe8", 2, LEN_MIN, true}}, WS_CLOSE_PROTOCOL},
    {"RSV1 on text", {{FIN | RSV1 | WS_OP_TEXT, "hi", 2, LEN_MIN, false}}, WS_CLOSE_PROTOCOL},
    {"RSV2 on text", {{FIN | RSV2 | WS_OP_TEXT, "hi", 2, LEN_MIN, false}}, WS_CLOSE_PROTOCOL},
    {"RSV3 on text", {{FIN | RSV3 | WS_OP_TEXT, "hi", 2, LEN_MIN, false}}, WS_CLOSE_PROTOCOL},
    {"all RSV bits on ping", {{FIN | RSV1 | RSV2 | RSV3 | WS_OP_PING, "", 0, LEN_MIN, false}}, WS_CLOSE_PROTOCOL},
    {"RSV1 on a continuation", {TXT(0, "a"), {FIN | RSV1 | WS_OP_CONT, "b", 1, LEN_MIN, false}}, WS_CLOSE_PROTOCOL},
    {"opcode 3", {{FIN | 3, "", 0, LEN_MIN, false}}, WS_CLOSE_PROTOCOL},
    {"opcode 4", {{FIN | 4, "x", 1, LEN_MIN, false}}, WS_CLOSE_PROTOCOL},
    {"opcode 5", {{FIN | 5, "", 0, LEN_MIN, false}}, WS_CLOSE_PROTOCOL},
    {"opcode 6", {{FIN | 6, "", 0, LEN_MIN, false}}, WS_CLOSE_PROTOCOL},
    {"opcode 7", {{FIN | 7, "", 0, LEN_MIN, false}}, WS_CLOSE_PROTOCOL},
    {"opcode 11", {{FIN | 11, "", 0, LEN_MIN, false}}, WS_CLOSE_PROTOCOL},
    {"opcode 12", {{FIN | 12, "x", 1, LEN_MIN, false}}, WS_CLOSE_PROTOCOL},
    {"opcode 13", {{FIN | 13, "", 0, LEN_MIN, false}}, WS_CLOSE_PROTOCOL},
    {"opcode 14", {{FIN | 14, "", 0, LEN_MIN, false}}, WS_CLOSE_PROTOCOL},
    {"opcode 15", {{FIN | 15, "", 0, LEN_MIN, false}}, WS_CLOSE_PROTOCOL},
    {"opcode 3 inside a fragmented message", {TXT(0, "a"), {FIN | 3, "", 0, LEN_MIN, false}}, WS_CLOSE_PROTOCOL},
    {"ping of 126 bytes", {{FIN | WS_OP_PING, NULL, 126, LEN_MIN, false}}, WS_CLOSE_PROTOCOL},
    {"pong of 126 bytes", {{FIN | WS_OP_PONG, NULL, 126, LEN_MIN, false}}, WS_CLOSE_PROTOCOL},
    {"close of 126 bytes", {{FIN | WS_OP_CLOSE, NULL, 126, LEN_MIN, false}}, WS_CLOSE_PROTOCOL},
    {"ping with a 16-bit length of 5", {{FIN | WS_OP_PING, "hello", 5, LEN_16, false}}, WS_CLOSE_PROTOCOL},
    {"ping without FIN", {{WS_OP_PING, "", 0, LEN_MIN, false}}, WS_CLOSE_PROTOCOL},
    {"pong without FIN", {{WS_OP_PONG, "x", 1, LEN_MIN, false}}, WS_CLOSE_PROTOCOL},
    {"close without FIN", {{WS_OP_CLOSE, "\x03\xe8", 2, LEN_MIN, false}}, WS_CLOSE_PROTOCOL},
    {"16-bit length for 0 bytes", {{FIN | WS_OP_TEXT, "", 0, LEN_16, false}}, WS_CLOSE_PROTOCOL},
    {"16-bit length for 125 bytes", {{FIN | WS_OP_TEXT, NULL, 125, LEN_16, false}}, WS_CLOSE_PROTOCOL},
    {"64-bit length for 126 bytes", {{FIN | WS_OP_TEXT, NULL, 126, LEN_64, false}}, WS_CLOSE_PROTOCOL},
    {"64-bit length for 65535 bytes", {{FIN | WS_OP_TEXT, NULL, 65535, LEN_64, false}}, WS_CLOSE_PROTOCOL},
    {"64-bit length for 1 byte", {{FIN | WS_OP_TEXT, "x", 1, LEN_64, false}}, WS_CLOSE_PROTOCOL},
    {"text of 16 KiB + 1", {{FIN | WS_OP_TEXT, NULL, WS_MAX_MESSAGE + 1, LEN_MIN, false}}, WS_CLOSE_TOO_BIG},
    {"binary of 16 KiB + 1", {{FIN | WS_OP_BINARY, NULL, WS_MAX_MESSAGE + 1, LEN_MIN, false}}, WS_CLOSE_TOO_BIG},
    {"first fragment of 16 KiB + 1", {{WS_OP_TEXT, NULL, WS_MAX_MESSAGE + 1, LEN_MIN, false}}, WS_CLOSE_TOO_BIG},
    {"fragments adding up to 16 KiB + 1",
     {{WS_OP_TEXT, NULL, 8192, LEN_MIN, false}, {WS_OP_CONT, NULL, 8192, LEN_MIN, false}, CONT(FIN, "a")},
     WS_CLOSE_TOO_BIG},
    {"last fragment pushes the total over", {{WS_OP_TEXT, NULL, 100, LEN_MIN, false}, {FIN | WS_OP_CONT, NULL, WS_MAX_MESSAGE - 99, LEN_MIN, false}},
     WS_CLOSE_TOO_BIG},
    {"text of 65536 bytes (64-bit length)", {{FIN | WS_OP_TEXT, NULL, 65536, LEN_MIN, false}}, WS_CLOSE_TOO_BIG},
    {"text overlong NUL C0 80", {TXT(FIN, "\xc0\x80")}, WS_CLOSE_BAD_DATA},
    {"text overlong C1 BF", {TXT(FIN, "\xc1\xbf")}, WS_CLOSE_BAD_DATA},
    {"text overlong 3-byte slash", {TXT(FIN, "\xe0\x80\xaf")}, WS_CLOSE_BAD_DATA},
    {"text overlong 3-byte U+07FF", {TXT(FIN, "\xe0\x9f\xbf")}, WS_CLOSE_BAD_DATA},
    {"text overlong 4-byte slash", {TXT(FIN, "\xf0\x80\x80\xaf")}, WS_CLOSE_BAD_DATA},
    {"text overlong 4-byte U+FFFF", {TXT(FIN, "\xf0\x8f\xbf\xbf")}, WS_CLOSE_BAD_DATA},
    {"text surrogate U+D800", {TXT(FIN, "\xed\xa0\x80")}, WS_CLOSE_BAD_DATA},
    {"text surrogate U+DFFF", {TXT(FIN, "\xed\xbf\xbf")}, WS_CLOSE_BAD_DATA},
    {"text surrogate pair as CESU-8", {TXT(FIN, "\xed\xa0\xbd\xed\xb8\x80")}, WS_CLOSE_BAD_DATA},
    {"text U+110000", {TXT(FIN, "\xf4\x90\x80\x80")}, WS_CLOSE_BAD_DATA},
    {"text F5 lead byte", {TXT(FIN, "\xf5\x80\x80\x80")}, WS_CLOSE_BAD_DATA},
    {"text 5-byte form", {TXT(FIN, "\xf8\x88\x80\x80\x80")}, WS_CLOSE_BAD_DATA},
    {"text FE", {TXT(FIN, "ok\xfe")}, WS_CLOSE_BAD_DATA},
    {"text FF", {TXT(FIN, "\xff")}, WS_CLOSE_BAD_DATA},
    {"text lone continuation byte", {TXT(FIN, "a\x80z")}, WS_CLOSE_BAD_DATA},
    {"text truncated 3-byte sequence at the end", {TXT(FIN, "euro \xe2\x82")}, WS_CLOSE_BAD_DATA},
    {"text truncated sequence followed by ASCII", {TXT(FIN, "\xe2\x82z")}, WS_CLOSE_BAD_DATA},
    {"text invalid after valid multibyte", {TXT(FIN, "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xed\xa0\x80" "edited")},
     WS_CLOSE_BAD_DATA},
    {"fragmented text invalid in the last fragment", {TXT(0, "\xce\xba"), CONT(0, "ok"), CONT(FIN, "\xf4\x90\x80\x80")},
     WS_CLOSE_BAD_DATA},
    {"fragmented text ending inside a sequence", {TXT(0, "abc"), CONT(FIN, "\xe2\x82")}, WS_CLOSE_BAD_DATA},
    {"close with 1 byte", {CLOSE("\x03")}, WS_CLOSE_PROTOCOL},
    {"close code 0", {CLOSE("\x00\x00")}, WS_CLOSE_PROTOCOL},
    {"close code 999", {CLOSE("\x03\xe7")}, WS_CLOSE_PROTOCOL},
    {"close code 1004", {CLOSE("\x03\xec")}, WS_CLOSE_PROTOCOL},
    {"close code 1005", {CLOSE("\x03\xed")}, WS_CLOSE_PROTOCOL},
    {"close code 1006", {CLOSE("\x03\xee")}, WS_CLOSE_PROTOCOL},
    {"close code 1015", {CLOSE("\x03\xf7")}, WS_CLOSE_PROTOCOL},
    {"close code 1016", {CLOSE("\x03\xf8")}, WS_CLOSE_PROTOCOL},
    {"close code 1100", {CLOSE("\x04\x4c")}, WS_CLOSE_PROTOCOL},
    {"close code 2000", {CLOSE("\x07\xd0")}, WS_CLOSE_PROTOCOL},
    {"close code 2999", {CLOSE("\x0b\xb7")}, WS_CLOSE_PROTOCOL},
    {"close code 5000", {CLOSE("\x13\x88")}, WS_CLOSE_PROTOCOL},
    {"close code 65535", {CLOSE("\xff\xff")}, WS_CLOSE_PROTOCOL},
    {"invalid close code with a reason", {CLOSE("\x03\xeeok")}, WS_CLOSE_PROTOCOL},
    {"close reason not UTF-8", {CLOSE("\x03\xe8\xff")}, WS_CLOSE_BAD_DATA},
    {"close reason with a surrogate", {CLOSE("\x03\xe8ok \xed\xa0\x80")}, WS_CLOSE_BAD_DATA},
    {"close reason truncated sequence", {CLOSE("\x0f\xa0\xce")}, WS_CLOSE_BAD_DATA},
    {"continuation without a start", {CONT(FIN, "a")}, WS_CLOSE_PROTOCOL},
    {"non-final continuation without a start", {CONT(0, "a")}, WS_CLOSE_PROTOCOL},
    {"continuation after a finished message", {TXT(FIN, "done"), CONT(FIN, "more")}, WS_CLOSE_PROTOCOL},
    {"text inside a fragmented text", {TXT(0, "a"), TXT(FIN, "b")}, WS_CLOSE_PROTOCOL},
    {"binary inside a fragmented text", {TXT(0, "a"), {FIN | WS_OP_BINARY, "b", 1, LEN_MIN, false}}, WS_CLOSE_PROTOCOL},
    {"non-final text inside a fragmented binary", {{WS_OP_BINARY, "a", 1, LEN_MIN, false}, TXT(0, "b")}, WS_CLOSE_PROTOCOL},
};

static void check_refusal(const refusal_t *c, bool bytewise)
{
    size_t cap = 16;
    for (int i = 0; i < 3; i++)
        cap += c->f[i].len + 14;
    uint8_t *buf = malloc(cap);
    assert_non_null(buf);
    size_t n = 0, last_start = 0;
    for (int i = 0; i < 3 && (c->f[i].b0 != 0 || c->f[i].len != 0); i++) {
        last_start = n;
        n += frame_build(buf + n, c->f[i].b0, c->f[i].p, c->f[i].len, c->f[i].lenform, c->f[i].unmasked);
    }
    ws_reader_t r;
    ws_reader_init(&r);
    trace_t t = {0};
    if (bytewise)
        feed_bytewise(&r, buf, n, &t);
    else
        feed_all(&r, buf, n, &t);
    if (t.n == 0 || t.ev[t.n - 1].type != WS_EV_ERROR || t.ev[t.n - 1].close_code != c->code)
        fail_msg("%s%s: expected error %u, got %zu events, last type %d code %u", c->name, bytewise ? " (bytewise)" : "", c->code,
                 t.n, t.n ? (int)t.ev[t.n - 1].type : -1, t.n ? t.ev[t.n - 1].close_code : 0);
    for (size_t i = 0; i + 1 < t.n; i++)
        if (t.ev[i].type != WS_EV_PING && t.ev[i].type != WS_EV_PONG && t.ev[i].type != WS_EV_MESSAGE)
            fail_msg("%s: unexpected event %d before the error", c->name, (int)t.ev[i].type);
    /* The refusal comes from the last frame, never later and never earlier. */
    assert_true(t.consumed >= last_start);
    assert_true(t.consumed <= n);
    /* Once refused, the reader stays shut. */
    ws_event_t ev;
    uint8_t ok[16];
    size_t m = frame_build(ok, FIN | WS_OP_TEXT, "ok", 2, LEN_MIN, false);
    assert_int_equal(ws_reader_feed(&r, ok, m, &ev), 0);
    assert_int_equal(ev.type, WS_EV_NONE);
    trace_free(&t);
    ws_reader_free(&r);
    free(buf);
}

static void test_refusals(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++)
        check_refusal(&refusals[i], false);
}

static void test_refusals_bytewise(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++)
        check_refusal(&refusals[i], true);
}

/* A header that announces too much, or a malformed length, is refused as soon as the
 * header is complete: the parser must not wait for (or ask the caller to buffer) the
 * payload. */
static void test_refusal_without_payload(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        uint8_t hdr[14];
        size_t len;
        uint16_t code;
    } cases[] = {
        {"16-bit 16 KiB + 1", {FIN | WS_OP_TEXT, 0x80 | 126, 0x40, 0x01, 1, 2, 3, 4}, 8, WS_CLOSE_TOO_BIG},
        {"16-bit 65535", {FIN | WS_OP_TEXT, 0x80 | 126, 0xFF, 0xFF, 1, 2, 3, 4}, 8, WS_CLOSE_TOO_BIG},
        {"64-bit 2^32", {FIN | WS_OP_BINARY, 0x80 | 127, 0, 0, 0, 1, 0, 0, 0, 0, 1, 2, 3, 4}, 14, WS_CLOSE_TOO_BIG},
        {"64-bit 2^63 - 1", {FIN | WS_OP_TEXT, 0x80 | 127, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 1, 2, 3, 4}, 14,
         WS_CLOSE_TOO_BIG},
        {"64-bit top bit set", {FIN | WS_OP_TEXT, 0x80 | 127, 0x80, 0, 0, 0, 0, 0, 0, 0x10, 1, 2, 3, 4}, 14, WS_CLOSE_PROTOCOL},
        {"64-bit all ones", {FIN | WS_OP_TEXT, 0x80 | 127, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 1, 2, 3, 4}, 14,
         WS_CLOSE_PROTOCOL},
        {"64-bit length 0", {FIN | WS_OP_TEXT, 0x80 | 127, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4}, 14, WS_CLOSE_PROTOCOL},
        {"16-bit length 0", {FIN | WS_OP_TEXT, 0x80 | 126, 0, 0, 1, 2, 3, 4}, 8, WS_CLOSE_PROTOCOL},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        uint8_t b[14];
        memcpy(b, cases[i].hdr, sizeof(b));
        ws_reader_t r;
        ws_reader_init(&r);
        ws_event_t ev;
        size_t used = ws_reader_feed(&r, b, cases[i].len, &ev);
        if (ev.type != WS_EV_ERROR || ev.close_code != cases[i].code)
            fail_msg("%s: type %d code %u", cases[i].name, (int)ev.type, ev.close_code);
        assert_int_equal(used, 0);
        assert_non_null(ev.reason);
        ws_reader_free(&r);
    }
}

/* ---- accepted input -------------------------------------------------------------- */

static void test_single_text(void **state)
{
    (void)state;
    uint8_t b[64];
    size_t n = frame_build(b, FIN | WS_OP_TEXT, "Hello", 5, LEN_MIN, false);
    assert_int_equal(n, 2 + 4 + 5);
    ws_reader_t r;
    ws_reader_init(&r);
    ws_event_t ev;
    assert_int_equal(ws_reader_feed(&r, b, n, &ev), n);
    assert_int_equal(ev.type, WS_EV_MESSAGE);
    assert_int_equal(ev.opcode, WS_OP_TEXT);
    assert_int_equal(ev.len, 5);
    assert_memory_equal(ev.data, "Hello", 5);
    ws_reader_free(&r);
}

static void test_incomplete_frames_wait(void **state)
{
    (void)state;
    uint8_t b[300];
    size_t n = frame_build(b, FIN | WS_OP_TEXT, NULL, 200, LEN_MIN, false);
    uint8_t copy[300];
    memcpy(copy, b, n);
    ws_reader_t r;
    ws_reader_init(&r);
    for (size_t k = 0; k < n; k++) {
        ws_event_t ev;
        assert_int_equal(ws_reader_feed(&r, b, k, &ev), 0);
        assert_int_equal(ev.type, WS_EV_NONE);
        assert_memory_equal(b, copy, n); /* nothing is unmasked before the frame is whole */
    }
    ws_event_t ev;
    assert_int_equal(ws_reader_feed(&r, b, n, &ev), n);
    assert_int_equal(ev.type, WS_EV_MESSAGE);
    assert_int_equal(ev.len, 200);
    ws_reader_free(&r);
}

static void test_valid_utf8(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        size_t len;
    } ok[] = {
#define S(x) {x, sizeof(x) - 1}
        S(""),
        S("plain ASCII"),
        S("\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5"), /* kosme */
        S("\xc2\x80"),                                     /* U+0080 */
        S("\xdf\xbf"),                                     /* U+07FF */
        S("\xe0\xa0\x80"),                                 /* U+0800 */
        S("\xed\x9f\xbf"),                                 /* U+D7FF */
        S("\xee\x80\x80"),                                 /* U+E000 */
        S("\xef\xbf\xbd"),                                 /* U+FFFD */
        S("\xef\xbf\xbf"),                                 /* U+FFFF */
        S("\xf0\x90\x80\x80"),                             /* U+10000 */
        S("\xf4\x8f\xbf\xbf"),                             /* U+10FFFF */
        S("a\0b"),                                         /* NUL is valid UTF-8 */
#undef S
    };
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        uint8_t b[64];
        size_t n = frame_build(b, FIN | WS_OP_TEXT, ok[i].s, ok[i].len, LEN_MIN, false);
        ws_reader_t r;
        ws_reader_init(&r);
        ws_event_t ev;
        assert_int_equal(ws_reader_feed(&r, b, n, &ev), n);
        if (ev.type != WS_EV_MESSAGE)
            fail_msg("valid UTF-8 case %zu refused with %u", i, ev.close_code);
        assert_int_equal(ev.len, ok[i].len);
        if (ok[i].len)
            assert_memory_equal(ev.data, ok[i].s, ok[i].len);
        ws_reader_free(&r);
    }
}

static void test_binary_is_delivered(void **state)
{
    (void)state;
    /* Binary messages are not UTF-8 checked; the connection layer refuses them with 1003. */
    uint8_t b[64];
    size_t n = frame_build(b, FIN | WS_OP_BINARY, "\xff\x00\xfe", 3, LEN_MIN, false);
    ws_reader_t r;
    ws_reader_init(&r);
    ws_event_t ev;
    assert_int_equal(ws_reader_feed(&r, b, n, &ev), n);
    assert_int_equal(ev.type, WS_EV_MESSAGE);
    assert_int_equal(ev.opcode, WS_OP_BINARY);
    assert_int_equal(ev.len, 3);
    assert_memory_equal(ev.data, "\xff\x00\xfe", 3);
    ws_reader_free(&r);
}

static void test_limits_exact(void **state)
{
    (void)state;
    uint8_t *b = malloc(2 * BIG);
    assert_non_null(b);
    /* One frame of exactly 16 KiB. */
    size_t n = frame_build(b, FIN | WS_OP_TEXT, NULL, WS_MAX_MESSAGE, LEN_MIN, false);
    assert_int_equal(n, 4 + 4 + WS_MAX_MESSAGE);
    ws_reader_t r;
    ws_reader_init(&r);
    trace_t t = {0};
    feed_all(&r, b, n, &t);
    assert_int_equal(t.n, 1);
    assert_int_equal(t.ev[0].type, WS_EV_MESSAGE);
    assert_int_equal(t.ev[0].len, WS_MAX_MESSAGE);
    assert_int_equal(t.consumed, n);
    trace_free(&t);
    ws_reader_free(&r);

    /* Fragments adding up to exactly 16 KiB, with a ping in between. */
    n = frame_build(b, WS_OP_TEXT, NULL, 10000, LEN_MIN, false);
    n += frame_build(b + n, FIN | WS_OP_PING, NULL, 125, LEN_MIN, false);
    n += frame_build(b + n, WS_OP_CONT, NULL, 0, LEN_MIN, false);
    n += frame_build(b + n, FIN | WS_OP_CONT, NULL, WS_MAX_MESSAGE - 10000, LEN_MIN, false);
    ws_reader_init(&r);
    feed_all(&r, b, n, &t);
    assert_int_equal(t.n, 2);
    assert_int_equal(t.ev[0].type, WS_EV_PING);
    assert_int_equal(t.ev[0].len, 125);
    assert_int_equal(t.ev[1].type, WS_EV_MESSAGE);
    assert_int_equal(t.ev[1].len, WS_MAX_MESSAGE);
    for (size_t i = 0; i < WS_MAX_MESSAGE; i++)
        assert_int_equal(t.ev[1].data[i], 'a');
    assert_int_equal(t.consumed, n);
    trace_free(&t);
    ws_reader_free(&r);
    free(b);
}

static void test_fragments_with_control_frames(void **state)
{
    (void)state;
    uint8_t b[512];
    size_t n = 0;
    n += frame_build(b + n, WS_OP_TEXT, "Hel", 3, LEN_MIN, false);
    n += frame_build(b + n, FIN | WS_OP_PING, "p1", 2, LEN_MIN, false);
    n += frame_build(b + n, WS_OP_CONT, "lo", 2, LEN_MIN, false);
    n += frame_build(b + n, FIN | WS_OP_PONG, "", 0, LEN_MIN, false);
    n += frame_build(b + n, WS_OP_CONT, "", 0, LEN_MIN, false);
    n += frame_build(b + n, FIN | WS_OP_PING, NULL, 125, LEN_MIN, false);
    n += frame_build(b + n, FIN | WS_OP_CONT, " w\xc3\xb6rld", 7, LEN_MIN, false);
    /* A second message right after, to check that the fragment state was reset. */
    n += frame_build(b + n, FIN | WS_OP_TEXT, "next", 4, LEN_MIN, false);
    n += frame_build(b + n, WS_OP_BINARY, "\x01", 1, LEN_MIN, false);
    n += frame_build(b + n, FIN | WS_OP_CONT, "\x02", 1, LEN_MIN, false);
    n += frame_build(b + n, FIN | WS_OP_CLOSE, "\x03\xe8" "bye", 5, LEN_MIN, false);
    uint8_t copy[512];
    memcpy(copy, b, n);

    for (int pass = 0; pass < 2; pass++) {
        memcpy(b, copy, n);
        ws_reader_t r;
        ws_reader_init(&r);
        trace_t t = {0};
        if (pass == 0)
            feed_all(&r, b, n, &t);
        else
            feed_bytewise(&r, b, n, &t);
        assert_int_equal(t.consumed, n);
        assert_int_equal(t.n, 7);
        assert_int_equal(t.ev[0].type, WS_EV_PING);
        assert_int_equal(t.ev[0].len, 2);
        assert_memory_equal(t.ev[0].data, "p1", 2);
        assert_int_equal(t.ev[1].type, WS_EV_PONG);
        assert_int_equal(t.ev[1].len, 0);
        assert_int_equal(t.ev[2].type, WS_EV_PING);
        assert_int_equal(t.ev[2].len, 125);
        assert_int_equal(t.ev[3].type, WS_EV_MESSAGE);
        assert_int_equal(t.ev[3].opcode, WS_OP_TEXT);
        assert_int_equal(t.ev[3].len, 12);
        assert_memory_equal(t.ev[3].data, "Hello w\xc3\xb6rld", 12);
        assert_int_equal(t.ev[4].type, WS_EV_MESSAGE);
        assert_int_equal(t.ev[4].len, 4);
        assert_memory_equal(t.ev[4].data, "next", 4);
        assert_int_equal(t.ev[5].type, WS_EV_MESSAGE);
        assert_int_equal(t.ev[5].opcode, WS_OP_BINARY);
        assert_int_equal(t.ev[5].len, 2);
        assert_memory_equal(t.ev[5].data, "\x01\x02", 2);
        assert_int_equal(t.ev[6].type, WS_EV_CLOSE);
        assert_int_equal(t.ev[6].close_code, 1000);
        assert_int_equal(t.ev[6].len, 3);
        assert_memory_equal(t.ev[6].data, "bye", 3);
        trace_free(&t);
        ws_reader_free(&r);
    }
}

static void test_utf8_split_across_fragments(void **state)
{
    (void)state;
    /* Each fragment alone is not valid UTF-8; the message is. Validation happens on the
     * whole message, so this must pass. */
    static const char *const pieces[] = {"\xf0", "\x9f\x98", "\x80 ok \xe2", "\x82\xac"};
    uint8_t b[128];
    size_t n = 0;
    for (int i = 0; i < 4; i++)
        n += frame_build(b + n, (i == 3 ? FIN : 0) | (i == 0 ? WS_OP_TEXT : WS_OP_CONT), pieces[i], strlen(pieces[i]), LEN_MIN,
                         false);
    ws_reader_t r;
    ws_reader_init(&r);
    trace_t t = {0};
    feed_all(&r, b, n, &t);
    assert_int_equal(t.n, 1);
    assert_int_equal(t.ev[0].type, WS_EV_MESSAGE);
    assert_int_equal(t.ev[0].len, 11);
    assert_memory_equal(t.ev[0].data, "\xf0\x9f\x98\x80 ok \xe2\x82\xac", 11);
    trace_free(&t);
    ws_reader_free(&r);
}

static void test_empty_messages(void **state)
{
    (void)state;
    uint8_t b[64];
    size_t n = 0;
    n += frame_build(b + n, FIN | WS_OP_TEXT, "", 0, LEN_MIN, false);
    n += frame_build(b + n, WS_OP_TEXT, "", 0, LEN_MIN, false);
    n += frame_build(b + n, WS_OP_CONT, "", 0, LEN_MIN, false);
    n += frame_build(b + n, FIN | WS_OP_CONT, "", 0, LEN_MIN, false);
    n += frame_build(b + n, FIN | WS_OP_CLOSE, "", 0, LEN_MIN, false);
    ws_reader_t r;
    ws_reader_init(&r);
    trace_t t = {0};
    feed_all(&r, b, n, &t);
    assert_int_equal(t.consumed, n);
    assert_int_equal(t.n, 3);
    assert_int_equal(t.ev[0].type, WS_EV_MESSAGE);
    assert_int_equal(t.ev[0].len, 0);
    assert_int_equal(t.ev[1].type, WS_EV_MESSAGE);
    assert_int_equal(t.ev[1].len, 0);
    assert_int_equal(t.ev[2].type, WS_EV_CLOSE);
    assert_int_equal(t.ev[2].close_code, WS_CLOSE_NO_STATUS);
    assert_int_equal(t.ev[2].len, 0);
    trace_free(&t);
    ws_reader_free(&r);
}

static void test_close_frames(void **state)
{
    (void)state;
    static const unsigned codes[] = {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 3999, 4000, 4999};
    for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
        uint8_t p[125], b[160];
        p[0] = (uint8_t)(codes[i] >> 8);
        p[1] = (uint8_t)codes[i];
        memset(p + 2, 'r', sizeof(p) - 2);
        size_t plen = i % 2 ? 2 : sizeof(p); /* without and with a 123-byte reason */
        size_t n = frame_build(b, FIN | WS_OP_CLOSE, p, plen, LEN_MIN, false);
        ws_reader_t r;
        ws_reader_init(&r);
        ws_event_t ev;
        assert_int_equal(ws_reader_feed(&r, b, n, &ev), n);
        assert_int_equal(ev.type, WS_EV_CLOSE);
        assert_int_equal(ev.close_code, codes[i]);
        assert_int_equal(ev.len, plen - 2);
        /* Nothing after a close is parsed. */
        n = frame_build(b, FIN | WS_OP_TEXT, "late", 4, LEN_MIN, false);
        assert_int_equal(ws_reader_feed(&r, b, n, &ev), 0);
        assert_int_equal(ev.type, WS_EV_NONE);
        ws_reader_free(&r);
    }
}

static void test_close_code_valid(void **state)
{
    (void)state;
    for (unsigned code = 0; code < 70000; code++) {
        bool expect = (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
        if (ws_close_code_valid(code) != expect)
            fail_msg("ws_close_code_valid(%u) should be %d", code, expect);
    }
}

static void test_ping_pong_payloads(void **state)
{
    (void)state;
    for (size_t len = 0; len <= 125; len++) {
        uint8_t p[125], b[160];
        for (size_t i = 0; i < len; i++)
            p[i] = (uint8_t)(i * 7 + 1);
        size_t n = frame_build(b, FIN | (len % 2 ? WS_OP_PONG : WS_OP_PING), p, len, LEN_MIN, false);
        ws_reader_t r;
        ws_reader_init(&r);
        ws_event_t ev;
        assert_int_equal(ws_reader_feed(&r, b, n, &ev), n);
        assert_int_equal(ev.type, len % 2 ? WS_EV_PONG : WS_EV_PING);
        assert_int_equal(ev.len, len);
        if (len)
            assert_memory_equal(ev.data, p, len);
        ws_reader_free(&r);
    }
}

/* Every way of cutting a stream of frames into two reads gives the same events. */
static void test_every_split(void **state)
{
    (void)state;
    uint8_t src[600];
    size_t n = 0;
    n += frame_build(src + n, WS_OP_TEXT, "{\"type\":", 8, LEN_MIN, false);
    n += frame_build(src + n, FIN | WS_OP_PING, "abc", 3, LEN_MIN, false);
    n += frame_build(src + n, FIN | WS_OP_CONT, NULL, 300, LEN_MIN, false);
    n += frame_build(src + n, FIN | WS_OP_TEXT, "x", 1, LEN_MIN, false);
    for (size_t cut = 0; cut <= n; cut++) {
        uint8_t in[600];
        memcpy(in, src, n);
        ws_reader_t r;
        ws_reader_init(&r);
        trace_t t = {0};
        /* First read: only the bytes before the cut are there. */
        feed_all(&r, in, cut, &t);
        size_t first = t.consumed;
        feed_all(&r, in + first, n - first, &t);
        assert_int_equal(first + t.consumed, n);
        assert_int_equal(t.n, 3);
        assert_int_equal(t.ev[0].type, WS_EV_PING);
        assert_memory_equal(t.ev[0].data, "abc", 3);
        assert_int_equal(t.ev[1].type, WS_EV_MESSAGE);
        assert_int_equal(t.ev[1].len, 308);
        assert_memory_equal(t.ev[1].data, "{\"type\":aaa", 11);
        assert_int_equal(t.ev[2].type, WS_EV_MESSAGE);
        assert_int_equal(t.ev[2].len, 1);
        trace_free(&t);
        ws_reader_free(&r);
    }
}

/* ---- encoder ------------------------------------------------------------------------ */

static void test_frame_header_lengths(void **state)
{
    (void)state;
    static const struct {
        size_t len;
        size_t hlen;
        uint8_t bytes[10];
    } cases[] = {
        {0, 2, {0x81, 0}},
        {1, 2, {0x81, 1}},
        {125, 2, {0x81, 125}},
        {126, 4, {0x81, 126, 0x00, 0x7E}},
        {127, 4, {0x81, 126, 0x00, 0x7F}},
        {16384, 4, {0x81, 126, 0x40, 0x00}},
        {65535, 4, {0x81, 126, 0xFF, 0xFF}},
        {65536, 10, {0x81, 127, 0, 0, 0, 0, 0, 1, 0, 0}},
        {0x12345678, 10, {0x81, 127, 0, 0, 0, 0, 0x12, 0x34, 0x56, 0x78}},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        uint8_t out[12];
        memset(out, 0xEE, sizeof(out));
        size_t h = ws_frame_header(out, WS_OP_TEXT, cases[i].len);
        assert_int_equal(h, cases[i].hlen);
        assert_memory_equal(out, cases[i].bytes, h);
        assert_int_equal(out[h], 0xEE); /* nothing written past the header */
    }
    uint8_t out[10];
    assert_int_equal(ws_frame_header(out, WS_OP_PING, 3), 2);
    assert_int_equal(out[0], 0x89);
    assert_int_equal(out[1], 3); /* server frames are never masked */
    assert_int_equal(ws_frame_header(out, WS_OP_CLOSE, 0), 2);
    assert_int_equal(out[0], 0x88);
    assert_int_equal(ws_frame_header(out, WS_OP_PONG, 125), 2);
    assert_int_equal(out[0], 0x8A);
}

/* Reads a server frame back (unmasked) and returns its payload offset. */
static size_t server_frame_parse(const uint8_t *f, size_t n, int *op, size_t *plen)
{
    assert_true(n >= 2);
    assert_int_equal(f[0] & 0x70, 0);
    assert_true(f[0] & 0x80);
    assert_int_equal(f[1] & 0x80, 0);
    *op = f[0] & 0x0F;
    size_t len = f[1] & 0x7F, off = 2;
    if (len == 126) {
        len = ((size_t)f[2] << 8) | f[3];
        assert_true(len >= 126);
        off = 4;
    } else if (len == 127) {
        len = 0;
        for (int i = 0; i < 8; i++)
            len = (len << 8) | f[2 + i];
        assert_true(len > 0xFFFF);
        off = 10;
    }
    assert_int_equal(off + len, n);
    *plen = len;
    return off;
}

static void test_frame_encoding(void **state)
{
    (void)state;
    static const size_t lens[] = {0, 1, 125, 126, 65535, 65536};
    for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
        uint8_t *p = malloc(lens[i] + 1);
        assert_non_null(p);
        for (size_t k = 0; k < lens[i]; k++)
            p[k] = (uint8_t)(k ^ (k >> 8));
        buf_shared_t *f = ws_frame(WS_OP_TEXT, p, lens[i]);
        int op;
        size_t plen;
        size_t off = server_frame_parse(f->data, f->len, &op, &plen);
        assert_int_equal(op, WS_OP_TEXT);
        assert_int_equal(plen, lens[i]);
        if (lens[i])
            assert_memory_equal(f->data + off, p, lens[i]);
        buf_shared_unref(f);
        free(p);
    }
}

static void test_close_frame_encoding(void **state)
{
    (void)state;
    buf_shared_t *f = ws_close_frame(1009, "message too big");
    int op;
    size_t plen;
    size_t off = server_frame_parse(f->data, f->len, &op, &plen);
    assert_int_equal(op, WS_OP_CLOSE);
    assert_int_equal(plen, 2 + 15);
    assert_int_equal(f->data[off], 0x03);
    assert_int_equal(f->data[off + 1], 0xF1);
    assert_memory_equal(f->data + off + 2, "message too big", 15);
    buf_shared_unref(f);

    f = ws_close_frame(1000, NULL);
    off = server_frame_parse(f->data, f->len, &op, &plen);
    assert_int_equal(plen, 2);
    assert_int_equal(f->data[off], 0x03);
    assert_int_equal(f->data[off + 1], 0xE8);
    buf_shared_unref(f);

    /* A long reason is cut so that the frame stays a legal control frame. */
    char longr[300];
    memset(longr, 'x', sizeof(longr) - 1);
    longr[sizeof(longr) - 1] = 0;
    f = ws_close_frame(4000, longr);
    off = server_frame_parse(f->data, f->len, &op, &plen);
    assert_int_equal(plen, 125);
    buf_shared_unref(f);
}

/* The server's frames, with a mask added, are accepted by our own reader: the encoder
 * and parser agree on the format. */
static void test_roundtrip(void **state)
{
    (void)state;
    static const size_t lens[] = {0, 5, 125, 126, 1000, WS_MAX_MESSAGE};
    for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
        char *p = malloc(lens[i] + 1);
        assert_non_null(p);
        for (size_t k = 0; k < lens[i]; k++)
            p[k] = (char)('a' + k % 26);
        buf_shared_t *f = ws_frame(WS_OP_TEXT, p, lens[i]);
        int op;
        size_t plen;
        size_t off = server_frame_parse(f->data, f->len, &op, &plen);
        uint8_t *b = malloc(f->len + 4);
        assert_non_null(b);
        size_t n = frame_build(b, f->data[0], f->data + off, plen, LEN_MIN, false);
        ws_reader_t r;
        ws_reader_init(&r);
        ws_event_t ev;
        assert_int_equal(ws_reader_feed(&r, b, n, &ev), n);
        assert_int_equal(ev.type, WS_EV_MESSAGE);
        assert_int_equal(ev.len, lens[i]);
        if (lens[i])
            assert_memory_equal(ev.data, p, lens[i]);
        ws_reader_free(&r);
        free(b);
        buf_shared_unref(f);
        free(p);
    }
}

/* ---- handshake keys ---------------------------------------------------------------- */

static void test_accept_key_rfc_example(void **state)
{
    (void)state;
    /* RFC 6455 section 1.3. */
    const char *key = "dGhlIHNhbXBsZSBub25jZQ==";
    assert_true(ws_key_valid(key, strlen(key)));
    char out[29];
    memset(out, 'Z', sizeof(out));
    ws_accept_key(key, strlen(key), out);
    assert_string_equal(out, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

static void test_accept_key_other(void **state)
{
    (void)state;
    /* 16 zero bytes; computed independently with
     * printf 'AAAAAAAAAAAAAAAAAAAAAA==258EAFA5-E914-47DA-95CA-C5AB0DC85B11' | openssl sha1 -binary | base64 */
    char out[29];
    ws_accept_key("AAAAAAAAAAAAAAAAAAAAAA==", 24, out);
    assert_int_equal(strlen(out), 28);
    assert_string_equal(out, "ICX+Yqv66kxgM0FcWaLWlFLwTAI=");
}

static void test_key_validation(void **state)
{
    (void)state;
    static const struct {
        const char *key;
        bool ok;
    } cases[] = {
        {"dGhlIHNhbXBsZSBub25jZQ==", true},
        {"AAAAAAAAAAAAAAAAAAAAAA==", true},
        {"/////////////////////w==", true},
        {"+/+/+/+/+/+/+/+/+/+/+A==", true},
        {"", false},
        {"dGhlIHNhbXBsZSBub25jZQ=", false},        /* 23 characters */
        {"dGhlIHNhbXBsZSBub25jZQ===", false},      /* 25 characters */
        {"dGhlIHNhbXBsZSBub25jZQ", false},         /* no padding */
        {"dGhlIHNhbXBsZSBub25jZQAA", false},       /* padding replaced by data */
        {"dGhlIHNhbXBsZSBub25jZR==", false},       /* nonzero bits in the padding */
        {"dGhlIHNhbXBsZSBub25jZ/==", false},       /* nonzero bits in the padding */
        {"dGhlIHNhbXBsZSBub25j*Q==", false},       /* not base64 */
        {"dGhlIHNhbXBsZSBub25j Q==", false},       /* space inside */
        {"dGhlIHNhbXBsZSBub25jZQ=A", false},       /* misplaced padding */
        {"dGhlIHNh=XBsZSBub25jZQ==", false},       /* '=' inside */
        {"dGhlIHNhbXBsZSBub25jZQ-_", false},       /* base64url alphabet */
        {"dGhlIHNhbXBsZSBub25jZXRlc3Q=", false},   /* 20 bytes of data */
        {"dGhlIHNhbXBsZSBub25jZQ==dGhl", false},   /* trailing data */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        if (ws_key_valid(cases[i].key, strlen(cases[i].key)) != cases[i].ok)
            fail_msg("ws_key_valid(\"%s\") should be %d", cases[i].key, cases[i].ok);
    /* Embedded NUL: the length, not the terminator, decides. */
    assert_false(ws_key_valid("dGhlIHNhbXBsZSBub25jZQ=\0", 24));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_refusals_bytewise),
        cmocka_unit_test(test_refusal_without_payload),
        cmocka_unit_test(test_single_text),
        cmocka_unit_test(test_incomplete_frames_wait),
        cmocka_unit_test(test_valid_utf8),
        cmocka_unit_test(test_binary_is_delivered),
        cmocka_unit_test(test_limits_exact),
        cmocka_unit_test(test_fragments_with_control_frames),
        cmocka_unit_test(test_utf8_split_across_fragments),
        cmocka_unit_test(test_empty_messages),
        cmocka_unit_test(test_close_frames),
        cmocka_unit_test(test_close_code_valid),
        cmocka_unit_test(test_ping_pong_payloads),
        cmocka_unit_test(test_every_split),
        cmocka_unit_test(test_frame_header_lengths),
        cmocka_unit_test(test_frame_encoding),
        cmocka_unit_test(test_close_frame_encoding),
        cmocka_unit_test(test_roundtrip),
        cmocka_unit_test(test_accept_key_rfc_example),
        cmocka_unit_test(test_accept_key_other),
        cmocka_unit_test(test_key_validation),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    printf("%d passed, %d failed\n", (int)(sizeof(tests) / sizeof(tests[0])) - failed, failed);
    return failed != 0;
}

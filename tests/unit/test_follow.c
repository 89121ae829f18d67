/* The follower's pure parts: the WebSocket client's bytes (URL, masked frames,
 * the handshake answer, a server's frames) and the field-by-field comparison of
 * two states (follow_diff). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "follow.h"
#include "ws.h"
#include "wsclient.h"

static void test_url(void **state)
{
    (void)state;
    wsclient_url_t u;
    assert_int_equal(wsclient_url_parse("http://10.0.0.2:8766", &u), 0);
    assert_string_equal(u.host, "10.0.0.2");
    assert_int_equal(u.port, 8766);
    assert_string_equal(u.path, "/");
    assert_int_equal(wsclient_url_parse("ws://box.local/ws?x=1#f", &u), 0);
    assert_string_equal(u.host, "box.local");
    assert_int_equal(u.port, 80);
    assert_string_equal(u.path, "/ws");
    assert_int_equal(wsclient_url_parse("http://[::1]:9/", &u), 0);
    assert_string_equal(u.host, "::1");
    assert_int_equal(u.port, 9);
    static const char *const bad[] = {"https://a:1",    "ftp://a",     "http://",     "http://:80",    "http://a:0",
                                      "http://a:65536", "http://a:1x", "http://[::1", "http://[::1]x", "a:80"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (wsclient_url_parse(bad[i], &u) == 0)
            fail_msg("accepted %s", bad[i]);
}

/* A masked client frame is what the server's strict parser accepts, with the
 * payload back in clear, at each length encoding. */
static void test_frame_round_trip(void **state)
{
    (void)state;
    static const size_t lens[] = {0, 5, 125, 126, 300, WS_MAX_MESSAGE};
    static char payload[WS_MAX_MESSAGE];
    for (size_t i = 0; i < sizeof(payload); i++)
        payload[i] = (char)('a' + i % 26);
    for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
        buf_t b;
        buf_init(&b);
        const uint8_t key[4] = {0x12, 0x34, 0x56, 0x78};
        wsclient_frame(&b, WS_OP_TEXT, payload, lens[i], key);
        assert_true(((uint8_t)b.data[1] & 0x80) != 0);
        if (lens[i] > 4)
            assert_memory_not_equal(b.data + b.len - lens[i], payload, lens[i]);
        ws_reader_t r;
        ws_reader_init(&r);
        ws_event_t ev;
        size_t n = ws_reader_feed(&r, (uint8_t *)b.data, b.len, &ev);
        assert_int_equal(n, b.len);
        assert_int_equal(ev.type, WS_EV_MESSAGE);
        assert_int_equal(ev.len, lens[i]);
        if (lens[i])
            assert_memory_equal(ev.data, payload, lens[i]);
        ws_reader_free(&r);
        buf_free(&b);
    }
}

static void test_handshake(void **state)
{
    (void)state;
    const char *key = "dGhlIHNhbXBsZSBub25jZQ==";
    /* RFC 6455's example answer. */
    const char *ok = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                     "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n\x81\x02hi";
    long n = wsclient_handshake_check(ok, strlen(ok), key);
    assert_int_equal(n, (long)(strlen(ok) - 4));
    assert_int_equal(wsclient_handshake_check(ok, 40, key), 0);
    const char *wrong = "HTTP/1.1 101 Switching Protocols\r\nsec-websocket-accept: AAAALMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n";
    assert_int_equal(wsclient_handshake_check(wrong, strlen(wrong), key), -1);
    const char *refused = "HTTP/1.1 401 Unauthorized\r\ncontent-length: 0\r\n\r\n";
    assert_int_equal(wsclient_handshake_check(refused, strlen(refused), key), -1);
    const char *none = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n";
    assert_int_equal(wsclient_handshake_check(none, strlen(none), key), -1);
}

static void test_server_frames(void **state)
{
    (void)state;
    wsclient_frame_t f;
    const uint8_t text[] = {0x81, 0x03, 'a', 'b', 'c'};
    assert_int_equal(wsclient_parse_frame(text, sizeof(text), &f), 5);
    assert_int_equal(f.opcode, WS_OP_TEXT);
    assert_true(f.fin);
    assert_int_equal(f.len, 3);
    assert_memory_equal(f.payload, "abc", 3);
    assert_int_equal(wsclient_parse_frame(text, 4, &f), 0);
    assert_int_equal(wsclient_parse_frame(text, 1, &f), 0);
    /* The server's own frames parse here, at every length encoding. */
    static char big[70000];
    memset(big, 'x', sizeof(big));
    static const size_t lens[] = {0, 125, 126, 65535, 65536, sizeof(big)};
    for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
        buf_shared_t *fr = ws_frame(WS_OP_TEXT, big, lens[i]);
        assert_int_equal(wsclient_parse_frame(fr->data, fr->len, &f), (long)fr->len);
        assert_int_equal(f.len, lens[i]);
        buf_shared_unref(fr);
    }
    const uint8_t masked[] = {0x81, 0x81, 1, 2, 3, 4, 'a'};
    assert_int_equal(wsclient_parse_frame(masked, sizeof(masked), &f), -1);
    const uint8_t rsv[] = {0xc1, 0x00};
    assert_int_equal(wsclient_parse_frame(rsv, sizeof(rsv), &f), -1);
    const uint8_t longping[] = {0x89, 0x7e, 0x00, 0x7e};
    assert_int_equal(wsclient_parse_frame(longping, sizeof(longping), &f), -1);
    const uint8_t fragping[] = {0x09, 0x00};
    assert_int_equal(wsclient_parse_frame(fragping, sizeof(fragping), &f), -1);
    const uint8_t nonminimal[] = {0x81, 0x7e, 0x00, 0x05, 'a', 'b', 'c', 'd', 'e'};
    assert_int_equal(wsclient_parse_frame(nonminimal, sizeof(nonminimal), &f), -1);
    const uint8_t unknown[] = {0x83, 0x00};
    assert_int_equal(wsclient_parse_frame(unknown, sizeof(unknown), &f), -1);
    const uint8_t huge[] = {0x81, 0x7f, 0, 0, 0, 0, 0x10, 0, 0, 0};
    assert_int_equal(wsclient_parse_frame(huge, sizeof(huge), &f), -1);
}

static int diff(const char *a, const char *b, bool clocks, buf_t *out)
{
    buf_reset(out);
    int n = follow_diff(a, strlen(a), b, strlen(b), clocks, out);
    buf_putc(out, '\0');
    return n;
}

static void test_diff(void **state)
{
    (void)state;
    buf_t out;
    buf_init(&out);
    const char *a = "{\"version\":3,\"players\":[{\"primary\":5,\"time_remaining\":100,\"connected\":true,\"private\":{\"a\":1}},"
                    "{\"primary\":0,\"time_remaining\":200}],\"game_time\":7,\"server_time\":1,\"settings\":{\"x\":\"y\"}}";
    assert_int_equal(diff(a, a, true, &out), 0);
    /* What is never compared: server_time, connected, private, stamps. */
    const char *b = "{\"version\":3,\"players\":[{\"primary\":5,\"time_remaining\":100,\"connected\":false,\"private\":{}},"
                    "{\"primary\":0,\"time_remaining\":200}],\"game_time\":7,\"server_time\":2,\"settings\":{\"x\":\"y\"},"
                    "\"updated_at\":\"z\"}";
    assert_int_equal(diff(a, b, true, &out), 0);
    /* One field, named by its path, with both values. */
    const char *c = "{\"version\":3,\"players\":[{\"primary\":6,\"time_remaining\":100},{\"primary\":0,\"time_remaining\":200}],"
                    "\"game_time\":7,\"settings\":{\"x\":\"y\"}}";
    assert_int_equal(diff(a, c, true, &out), 1);
    assert_string_equal(out.data, "{\"field\":\"players[0].primary\",\"follower\":5,\"primary\":6}");
    /* Clocks: compared, or left out. */
    const char *d = "{\"version\":3,\"players\":[{\"primary\":5,\"time_remaining\":90},{\"primary\":0,\"time_remaining\":200}],"
                    "\"game_time\":8,\"settings\":{\"x\":\"y\"}}";
    assert_int_equal(diff(a, d, true, &out), 2);
    assert_int_equal(diff(a, d, false, &out), 0);
    /* A key on one side only, a value of another type, a setting. */
    const char *e =
        "{\"version\":\"3\",\"players\":[{\"primary\":5,\"time_remaining\":100},{\"primary\":0,\"time_remaining\":200}],"
        "\"game_time\":7,\"settings\":{\"x\":\"z\",\"w\":1}}";
    assert_int_equal(diff(a, e, true, &out), 3);
    assert_non_null(strstr(out.data, "{\"field\":\"version\",\"follower\":3,\"primary\":\"3\"}"));
    assert_non_null(strstr(out.data, "{\"field\":\"settings.x\",\"follower\":\"y\",\"primary\":\"z\"}"));
    assert_non_null(strstr(out.data, "{\"field\":\"settings.w\",\"follower\":null,\"primary\":1}"));
    buf_free(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_url),       cmocka_unit_test(test_frame_round_trip),
        cmocka_unit_test(test_handshake), cmocka_unit_test(test_server_frames),
        cmocka_unit_test(test_diff),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

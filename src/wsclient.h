/* The client side of a WebSocket (RFC 6455): one outgoing connection to another
 * server, driven by h2o's event loop (no thread). It resolves and connects, sends
 * the opening handshake and checks the Sec-WebSocket-Accept answer, masks every
 * frame it sends, answers pings, and hands complete text messages up.
 *
 * The byte-level parts are pure and exported for the unit tests: the URL, the
 * masked frame writer, the handshake answer and the server frame parser (which
 * is strict the other way round from ws.c: a server's frames must NOT be masked).
 *
 * Ownership: wsclient_connect returns a client that frees itself after calling
 * on_close exactly once (on a failed connect, a refused handshake, the peer's
 * close, an error, or wsclient_close). Only http:// and ws:// URLs. */
#ifndef STATE_WSCLIENT_H
#define STATE_WSCLIENT_H

#include <h2o.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* Largest message accepted from the server (an entry of the feed with a state). */
#define WSCLIENT_MAX_MESSAGE (1024 * 1024)

typedef struct wsclient wsclient_t;

typedef struct {
    /* The handshake succeeded: messages may be sent. */
    void (*on_open)(wsclient_t *c, void *user);
    /* One complete text message from the server. */
    void (*on_message)(wsclient_t *c, const char *data, size_t len, void *user);
    /* The connection is over (err says why; NULL for a clean close); c is freed
     * after this returns. */
    void (*on_close)(wsclient_t *c, const char *err, void *user);
} wsclient_handlers_t;

/* A URL split into its parts: "http://host:port/path" (ws:// alike). */
typedef struct {
    char host[128];
    int port;
    char path[256];
} wsclient_url_t;

/* Parses an http:// or ws:// URL (an https:// one is refused). 0 or -1. */
int wsclient_url_parse(const char *url, wsclient_url_t *out);
/* Starts connecting to url (the WebSocket at its path, "/" when none). NULL with
 * a message in err when it cannot even start. */
wsclient_t *wsclient_connect(h2o_loop_t *loop, const char *url, const wsclient_handlers_t *h, void *user, char *err, size_t errlen);
/* Queues a text message (masked); -1 when the connection is not open. */
int wsclient_send_text(wsclient_t *c, const char *text, size_t len);
/* Monotonic ms when the last bytes came from the server (pings included), so
 * the owner can give up on a peer that went silent without closing. */
int64_t wsclient_last_rx(const wsclient_t *c);
/* Closes the connection now; on_close follows (before this returns). */
void wsclient_close(wsclient_t *c);

/* Appends one client frame (FIN, masked with key) of opcode and payload. */
void wsclient_frame(buf_t *out, int opcode, const void *payload, size_t len, const uint8_t key[4]);
/* Checks the server's answer to a handshake sent with key (24 bytes of base64):
 * returns the length of the header block when it is a 101 with the right
 * Sec-WebSocket-Accept, 0 when more bytes are needed, -1 when refused. */
long wsclient_handshake_check(const char *buf, size_t len, const char *key);

/* One server frame, parsed. */
typedef struct {
    int opcode;
    bool fin;
    const uint8_t *payload;
    size_t len;
} wsclient_frame_t;
/* Parses one server frame at buf: the bytes consumed, 0 when incomplete, -1 for
 * a protocol error (masked, reserved bits, bad length, too big). */
long wsclient_parse_frame(const uint8_t *buf, size_t len, wsclient_frame_t *f);

#endif

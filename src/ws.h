/* WebSocket (RFC 6455) framing, server side, as pure functions: no sockets, no
 * clock, no allocation beyond the reader's own message buffer.
 *
 * The connection I/O that drives these lives in wsconn.c; keeping the parser
 * separate lets it be unit-tested and fuzzed on bytes alone. The parser is strict
 * where other servers are lenient: client frames must be masked, reserved bits and
 * unknown opcodes are refused, lengths must use the minimal encoding, and text
 * must be valid UTF-8. */
#ifndef STATE_WS_H
#define STATE_WS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* Largest message (and frame payload) accepted from a client. */
#define WS_MAX_MESSAGE (16 * 1024)

enum {
    WS_OP_CONT = 0x0,
    WS_OP_TEXT = 0x1,
    WS_OP_BINARY = 0x2,
    WS_OP_CLOSE = 0x8,
    WS_OP_PING = 0x9,
    WS_OP_PONG = 0xA,
};

/* Close codes used by this server. */
enum {
    WS_CLOSE_NORMAL = 1000,
    WS_CLOSE_GOING_AWAY = 1001,
    WS_CLOSE_PROTOCOL = 1002,
    WS_CLOSE_UNSUPPORTED = 1003,
    WS_CLOSE_NO_STATUS = 1005, /* never sent: "the peer's close had no code" */
    WS_CLOSE_BAD_DATA = 1007,
    WS_CLOSE_POLICY = 1008,
    WS_CLOSE_TOO_BIG = 1009,
    WS_CLOSE_INTERNAL = 1011,
    WS_CLOSE_SERVICE_RESTART = 1012, /* the server moved (section 12): reconnect to where server_moved said */
};

typedef enum {
    WS_EV_NONE,    /* need more bytes */
    WS_EV_MESSAGE, /* a complete text or binary message */
    WS_EV_PING,    /* answer with a pong carrying the same payload */
    WS_EV_PONG,
    WS_EV_CLOSE, /* the peer's close frame: echo it, then close the socket */
    WS_EV_ERROR, /* protocol error: close with ev.close_code */
} ws_event_type_t;

typedef struct {
    ws_event_type_t type;
    int opcode;          /* WS_OP_TEXT or WS_OP_BINARY for messages */
    const uint8_t *data; /* payload, valid until the next ws_reader_feed call */
    size_t len;
    uint16_t close_code; /* for WS_EV_CLOSE (WS_CLOSE_NO_STATUS if none) and WS_EV_ERROR */
    const char *reason;  /* short static text for WS_EV_ERROR */
} ws_event_t;

/* Reassembles fragmented messages. Owned by one connection. */
typedef struct {
    buf_t frag;     /* payload of the fragmented message so far */
    int frag_op;    /* opcode of the message in progress, 0 when none */
    bool closed;    /* a close frame or an error was seen: nothing more is parsed */
} ws_reader_t;

/* Prepares a reader. */
void ws_reader_init(ws_reader_t *r);
/* Releases the fragment buffer. */
void ws_reader_free(ws_reader_t *r);

/* Parses at most one frame from buf[0..len), unmasking it in place. Returns the
 * number of bytes consumed (0 when the frame is not complete yet; an oversized or
 * malformed header is reported at once without waiting for its payload) and fills
 * *ev. Consumed bytes may be dropped by the caller only after it is done with
 * ev->data. */
size_t ws_reader_feed(ws_reader_t *r, uint8_t *buf, size_t len, ws_event_t *ev);

/* Writes a server frame header (FIN set, unmasked) for a payload of len bytes into
 * out (at least 10 bytes) and returns its length. */
size_t ws_frame_header(uint8_t *out, int opcode, size_t len);
/* Returns a new shared buffer holding one complete server frame (one reference). */
buf_shared_t *ws_frame(int opcode, const void *payload, size_t len);
/* Returns a shared close frame carrying code and a short reason. */
buf_shared_t *ws_close_frame(uint16_t code, const char *reason);

/* True when key is a valid Sec-WebSocket-Key (base64 of 16 bytes). */
bool ws_key_valid(const char *key, size_t len);
/* Computes Sec-WebSocket-Accept for a valid key into out (29 bytes with NUL). */
void ws_accept_key(const char *key, size_t len, char out[29]);
/* True when code may appear in a close frame sent by a peer. */
bool ws_close_code_valid(unsigned code);

#endif

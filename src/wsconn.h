/* One WebSocket connection on an upgraded h2o socket: reads frames through the
 * pure parser in ws.c, answers pings and closes, keeps the write queue, and
 * checks liveness with server pings.
 *
 * Ownership: wsconn_t owns its socket, its reader and its queue. It frees itself
 * after the socket is gone; just before that it calls on_close once, after which
 * the owner must not touch it. Messages are queued as references to shared
 * frames, so a broadcast is encoded once for all recipients. At most one write is
 * in flight (h2o's rule); everything queued meanwhile goes out in the next single
 * writev when it completes. */
#ifndef STATE_WSCONN_H
#define STATE_WSCONN_H

#include <h2o.h>
#include <stdbool.h>
#include <stdint.h>

#include "buf.h"

typedef struct wsconn wsconn_t;

typedef struct {
    /* A ping arrived: return false to drop it unanswered (over the rate limit).
     * May be NULL (every ping is answered). */
    bool (*on_control)(wsconn_t *c, void *user);
    /* A complete text message (valid UTF-8). Binary messages are refused with 1003
     * before they get here. The data is valid during the call only. */
    void (*on_message)(wsconn_t *c, const char *data, size_t len, void *user);
    /* The connection is gone (code is the close code sent or received, 1006 when
     * the socket just dropped). Called exactly once. */
    void (*on_close)(wsconn_t *c, uint16_t code, void *user);
} wsconn_handlers_t;

typedef struct {
    int64_t ping_interval_ms; /* send a ping after this long without one */
    int64_t ping_timeout_ms;  /* close when no frame arrived this long after a ping */
    size_t max_queue_bytes;   /* a client this far behind is closed with 1008 */
} wsconn_config_t;

/* Checks a WebSocket upgrade request (RFC 6455 section 4.2.1: GET, version 13, a
 * well-formed key). 0 with accept set to the Sec-WebSocket-Accept value, or -1
 * after answering the request itself (400, or 426 naming version 13). */
int wsconn_handshake_check(h2o_req_t *req, char accept[29]);
/* Called once the 101 response is out: sock is the upgraded socket (NULL when
 * the client went away first); reqsize bytes of the request precede its frames. */
typedef void (*wsconn_upgraded_cb)(void *data, h2o_socket_t *sock, size_t reqsize);
/* Answers 101 Switching Protocols; extra (nextra buffers, e.g. a first message
 * already framed) rides in the same write. */
void wsconn_handshake_accept(h2o_req_t *req, const char *accept, h2o_iovec_t *extra, size_t nextra, wsconn_upgraded_cb cb,
                             void *data);
/* Takes over an upgraded socket (reqsize bytes of the HTTP request are still at
 * the front of its input buffer and are skipped). now_ms is the monotonic time. */
wsconn_t *wsconn_start(h2o_socket_t *sock, size_t reqsize, const wsconn_config_t *cfg, const wsconn_handlers_t *h, void *user,
                       int64_t now_ms);
/* Queues a complete frame (takes its own reference). Never calls a handler: a
 * client that falls too far behind is only marked dead here. A nonzero key replaces an
 * earlier frame with the same key that has not started to go out yet: a slow
 * client then receives only the newest state of a game instead of every one. */
void wsconn_send(wsconn_t *c, buf_shared_t *frame, uint64_t key);
/* Frames and queues one text message. */
void wsconn_send_text(wsconn_t *c, const char *text, size_t len);
/* Starts the closing handshake: queues a close frame, ignores further messages,
 * and drops the socket when the peer answers or after a short grace period. */
void wsconn_close(wsconn_t *c, uint16_t code, const char *reason);
/* Periodic check (about once a second): pings, ping timeouts, close grace, and
 * teardown of connections that died. May call on_close for this connection (and
 * free it), so callers iterating their connections must fetch the next first. */
void wsconn_tick(wsconn_t *c, int64_t now_ms);
/* Sets the owner's pointer passed to the handlers. */
void wsconn_set_user(wsconn_t *c, void *user);
/* The peer's address as text (for logs and rate limits). */
const char *wsconn_peer(const wsconn_t *c);
/* Bytes queued but not yet written. */
size_t wsconn_queued(const wsconn_t *c);
/* True once closing has started (no more messages will be delivered). */
bool wsconn_closing(const wsconn_t *c);

#endif

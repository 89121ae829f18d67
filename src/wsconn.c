#include "wsconn.h"
#include "http.h"
#include "mem.h"
#include "now.h"
#include "ws.h"

#include <arpa/inet.h>
#include <h2o/http1.h>
#include <string.h>
#include <sys/socket.h>

#define WSCONN_MAX_IOV 64
#define WSCONN_CLOSE_GRACE_MS 2000
#define WSCONN_KEY_PONG 2 /* the queued pong's key: even, so no broadcast key (always odd) matches */

typedef struct {
    buf_shared_t *frame;
    uint64_t key;
} wsconn_entry_t;

struct wsconn {
    h2o_socket_t *sock;
    ws_reader_t reader;
    wsconn_handlers_t h;
    wsconn_config_t cfg;
    void *user;
    wsconn_entry_t *q;
    size_t qlen, qcap;
    size_t inflight; /* entries q[0..inflight) are being written */
    size_t queued_bytes;
    int depth;       /* > 0 while inside a handler: teardown is deferred */
    bool closing;    /* our close frame is queued or sent */
    bool dead;       /* the socket must go as soon as it is safe */
    bool lingering;  /* dead, everything written, write side shut: waiting for the peer's EOF */
    uint16_t close_code;
    int64_t now_ms;
    int64_t last_rx_ms;
    int64_t ping_sent_ms; /* 0 when no ping is outstanding */
    int64_t last_ping_ms;
    int64_t close_deadline_ms;
    char peer[INET6_ADDRSTRLEN + 8];
};

static void wsconn_flush(wsconn_t *c);
static void wsconn_on_read(h2o_socket_t *sock, const char *err);
static void wsconn_linger(wsconn_t *c);

static void wsconn_destroy(wsconn_t *c)
{
    if (c->h.on_close)
        c->h.on_close(c, c->close_code, c->user);
    if (c->sock) {
        c->sock->data = NULL;
        h2o_socket_close(c->sock);
    }
    for (size_t i = 0; i < c->qlen; i++)
        buf_shared_unref(c->q[i].frame);
    free(c->q);
    ws_reader_free(&c->reader);
    free(c);
}

/* Marks the connection for teardown; tears down now unless a handler is running. */
static void wsconn_kill(wsconn_t *c, uint16_t code)
{
    if (!c->dead) {
        c->dead = true;
        if (!c->closing)
            c->close_code = code;
    }
    if (c->depth == 0)
        wsconn_destroy(c);
}

static void wsconn_on_write(h2o_socket_t *sock, const char *err)
{
    wsconn_t *c = sock->data;
    if (c == NULL)
        return;
    for (size_t i = 0; i < c->inflight; i++) {
        c->queued_bytes -= c->q[i].frame->len;
        buf_shared_unref(c->q[i].frame);
    }
    if (c->qlen > c->inflight) /* usually nothing waited behind the write */
        memmove(c->q, c->q + c->inflight, (c->qlen - c->inflight) * sizeof(*c->q));
    c->qlen -= c->inflight;
    c->inflight = 0;
    if (err != NULL) {
        wsconn_kill(c, 1006);
        return;
    }
    if (c->dead && c->qlen == 0) {
        wsconn_linger(c);
        return;
    }
    /* A dead connection still sends what was queued behind the write that just
     * finished: that is where its close frame is when it was queued mid-write. */
    wsconn_flush(c);
}

static void wsconn_on_linger_read(h2o_socket_t *sock, const char *err)
{
    wsconn_t *c = sock->data;
    if (c == NULL)
        return;
    if (err != NULL) {
        wsconn_kill(c, c->close_code); /* the peer has closed its side too */
        return;
    }
    h2o_buffer_consume(&sock->input, sock->input->size);
}

/* The last frame of a dead connection (its close frame) has been written. Closing the
 * socket now would make the kernel answer whatever the peer is still sending (the
 * rest of a message refused at its header, say) with a reset, and a reset can destroy
 * the close frame in the peer's receive buffer before the peer reads it: the peer
 * would see 1006 instead of our code. So shut the write side only, so that the peer
 * reads the close frame and then EOF, and discard its input until it closes too or
 * the grace period ends (wsconn_tick). */
static void wsconn_linger(wsconn_t *c)
{
    if (c->lingering)
        return;
    c->lingering = true;
    c->close_deadline_ms = now_mono_ms() + WSCONN_CLOSE_GRACE_MS;
    shutdown(h2o_socket_get_fd(c->sock), SHUT_WR);
    h2o_buffer_consume(&c->sock->input, c->sock->input->size);
    if (h2o_socket_is_reading(c->sock))
        h2o_socket_read_stop(c->sock);
    h2o_socket_read_start(c->sock, wsconn_on_linger_read);
}

static void wsconn_flush(wsconn_t *c)
{
    if (c->inflight || c->qlen == 0 || c->sock == NULL)
        return;
    h2o_iovec_t iov[WSCONN_MAX_IOV];
    size_t n = c->qlen < WSCONN_MAX_IOV ? c->qlen : WSCONN_MAX_IOV;
    for (size_t i = 0; i < n; i++)
        iov[i] = h2o_iovec_init(c->q[i].frame->data, c->q[i].frame->len);
    c->inflight = n;
    h2o_socket_write(c->sock, iov, n, wsconn_on_write);
}

void wsconn_send(wsconn_t *c, buf_shared_t *frame, uint64_t key)
{
    if (c->dead || c->closing)
        return;
    if (key != 0) {
        for (size_t i = c->inflight; i < c->qlen; i++) {
            if (c->q[i].key == key) {
                c->queued_bytes += frame->len - c->q[i].frame->len;
                buf_shared_unref(c->q[i].frame);
                c->q[i].frame = buf_shared_ref(frame);
                return;
            }
        }
    }
    if (c->queued_bytes + frame->len > c->cfg.max_queue_bytes) {
        /* Too far behind to catch up: drop what waits (not what is being written)
         * rather than let memory grow, and say why with 1008, as documented. The
         * grace period of the closing handshake bounds how long it may take. */
        for (size_t i = c->inflight; i < c->qlen; i++) {
            c->queued_bytes -= c->q[i].frame->len;
            buf_shared_unref(c->q[i].frame);
        }
        c->qlen = c->inflight;
        wsconn_close(c, WS_CLOSE_POLICY, "too slow: messages queued faster than read");
        return;
    }
    if (c->qlen == c->qcap) {
        c->qcap = c->qcap ? c->qcap * 2 : 4;
        c->q = mem_realloc(c->q, c->qcap * sizeof(*c->q));
    }
    c->q[c->qlen].frame = buf_shared_ref(frame);
    c->q[c->qlen].key = key;
    c->qlen++;
    c->queued_bytes += frame->len;
    wsconn_flush(c);
}

void wsconn_send_text(wsconn_t *c, const char *text, size_t len)
{
    buf_shared_t *f = ws_frame(WS_OP_TEXT, text, len);
    wsconn_send(c, f, 0);
    buf_shared_unref(f);
}

static void wsconn_send_control(wsconn_t *c, buf_shared_t *f, uint64_t key)
{
    /* Control frames bypass the closing check so that the close frame itself and
     * pongs during the handshake still go out. */
    if (c->qlen == c->qcap) {
        c->qcap = c->qcap ? c->qcap * 2 : 4;
        c->q = mem_realloc(c->q, c->qcap * sizeof(*c->q));
    }
    c->q[c->qlen].frame = f;
    c->q[c->qlen].key = key;
    c->qlen++;
    c->queued_bytes += f->len;
    wsconn_flush(c);
}

void wsconn_close(wsconn_t *c, uint16_t code, const char *reason)
{
    if (c->closing || c->dead)
        return;
    c->closing = true;
    c->close_code = code;
    c->close_deadline_ms = now_mono_ms() + WSCONN_CLOSE_GRACE_MS;
    wsconn_send_control(c, ws_close_frame(code, reason), 0);
}

static void wsconn_handle(wsconn_t *c, const ws_event_t *ev)
{
    switch (ev->type) {
    case WS_EV_MESSAGE:
        if (c->closing)
            return; /* after our close frame, data is read and dropped */
        if (ev->opcode != WS_OP_TEXT) {
            /* A refusal fails the connection (RFC 6455 section 7.1.7): close frame,
             * then TCP, with no wait for the peer's answer. */
            c->closing = true;
            c->close_code = WS_CLOSE_UNSUPPORTED;
            wsconn_send_control(c, ws_close_frame(WS_CLOSE_UNSUPPORTED, "text frames only"), 0);
            c->dead = true;
            return;
        }
        if (c->h.on_message)
            c->h.on_message(c, (const char *)ev->data, ev->len, c->user);
        return;
    case WS_EV_PING:
        if (c->dead)
            return;
        /* A ping is a message like any other for the rate limit: a flood of them
         * must not buy unbounded work or queued pongs. */
        if (c->h.on_control && !c->h.on_control(c, c->user))
            return;
        /* At most one pong waits: a newer ping's answer replaces it (RFC 6455
         * section 5.5.3 allows answering only the most recent ping). */
        for (size_t i = c->inflight; i < c->qlen; i++) {
            if (c->q[i].key == WSCONN_KEY_PONG) {
                buf_shared_t *f = ws_frame(WS_OP_PONG, ev->data, ev->len);
                c->queued_bytes += f->len - c->q[i].frame->len;
                buf_shared_unref(c->q[i].frame);
                c->q[i].frame = f;
                return;
            }
        }
        wsconn_send_control(c, ws_frame(WS_OP_PONG, ev->data, ev->len), WSCONN_KEY_PONG);
        return;
    case WS_EV_PONG:
        c->ping_sent_ms = 0;
        return;
    case WS_EV_CLOSE:
        if (c->closing) {
            /* The peer answered our close: the handshake is complete. */
            c->dead = true;
            return;
        }
        /* Echo the peer's code (or 1000 when it sent none), then drop the socket
         * once that frame is written. */
        c->closing = true;
        c->close_code = ev->close_code == WS_CLOSE_NO_STATUS ? WS_CLOSE_NORMAL : ev->close_code;
        wsconn_send_control(c, ws_close_frame(c->close_code, ""), 0);
        c->dead = true;
        return;
    case WS_EV_ERROR:
        if (!c->closing) {
            c->closing = true;
            c->close_code = ev->close_code;
            wsconn_send_control(c, ws_close_frame(ev->close_code, ev->reason), 0);
        }
        c->dead = true;
        return;
    case WS_EV_NONE:
        return;
    }
}

static void wsconn_on_read(h2o_socket_t *sock, const char *err)
{
    wsconn_t *c = sock->data;
    if (c == NULL)
        return;
    if (err != NULL) {
        wsconn_kill(c, 1006);
        return;
    }
    c->last_rx_ms = now_mono_ms();
    c->depth++;
    while (!c->dead && sock->input->size > 0) {
        ws_event_t ev;
        size_t used = ws_reader_feed(&c->reader, (uint8_t *)sock->input->bytes, sock->input->size, &ev);
        wsconn_handle(c, &ev);
        if (used == 0 && ev.type == WS_EV_NONE)
            break;
        if (used)
            h2o_buffer_consume(&sock->input, used);
        if (c->reader.closed)
            break;
    }
    c->depth--;
    if (c->dead) {
        /* Stop reading; let the queued close frame go out, then drop the socket. */
        h2o_socket_read_stop(sock);
        if (c->inflight == 0 && c->qlen == 0)
            wsconn_kill(c, c->close_code);
        else
            wsconn_flush(c);
        return;
    }
    if (sock->input->size == 0 && sock->input->capacity > 0) {
        /* Give an idle connection's read buffer back: most clients are quiet most
         * of the time, and this is most of a connection's memory. */
        h2o_buffer_dispose(&sock->input);
        h2o_buffer_init(&sock->input, &h2o_socket_buffer_prototype);
    }
}

wsconn_t *wsconn_start(h2o_socket_t *sock, size_t reqsize, const wsconn_config_t *cfg, const wsconn_handlers_t *h, void *user,
                       int64_t now_ms)
{
    wsconn_t *c = mem_zalloc(sizeof(*c));
    c->sock = sock;
    c->cfg = *cfg;
    c->h = *h;
    c->user = user;
    c->now_ms = now_ms;
    c->last_rx_ms = now_ms;
    c->last_ping_ms = now_ms;
    c->close_code = 1006;
    ws_reader_init(&c->reader);
    struct sockaddr_storage ss;
    socklen_t sl = h2o_socket_getpeername(sock, (struct sockaddr *)&ss);
    c->peer[0] = '\0';
    if (sl > 0 && ss.ss_family == AF_INET)
        inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, c->peer, sizeof(c->peer));
    else if (sl > 0 && ss.ss_family == AF_INET6)
        inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, c->peer, sizeof(c->peer));
    sock->data = c;
    h2o_buffer_consume(&sock->input, reqsize);
    h2o_socket_read_start(sock, wsconn_on_read);
    return c;
}


void wsconn_tick(wsconn_t *c, int64_t now_ms)
{
    c->now_ms = now_ms;
    if (c->dead) {
        if (c->lingering && now_ms < c->close_deadline_ms)
            return;
        if (c->depth == 0)
            wsconn_destroy(c);
        return;
    }
    if (c->closing) {
        if (now_ms >= c->close_deadline_ms)
            wsconn_kill(c, c->close_code);
        return;
    }
    if (c->ping_sent_ms != 0 && c->last_rx_ms < c->ping_sent_ms && now_ms - c->ping_sent_ms >= c->cfg.ping_timeout_ms) {
        c->close_code = 1006;
        wsconn_kill(c, 1006); /* the peer is gone: no handshake to wait for */
        return;
    }
    if (c->ping_sent_ms != 0 && c->last_rx_ms >= c->ping_sent_ms)
        c->ping_sent_ms = 0; /* any frame since the ping proves the peer is alive */
    if (c->ping_sent_ms == 0 && now_ms - c->last_ping_ms >= c->cfg.ping_interval_ms) {
        c->last_ping_ms = now_ms;
        c->ping_sent_ms = now_ms;
        wsconn_send_control(c, ws_frame(WS_OP_PING, NULL, 0), 0);
    }
}

void wsconn_set_user(wsconn_t *c, void *user)
{
    c->user = user;
}

const char *wsconn_peer(const wsconn_t *c)
{
    return c->peer;
}

size_t wsconn_queued(const wsconn_t *c)
{
    return c->queued_bytes;
}

bool wsconn_closing(const wsconn_t *c)
{
    return c->closing || c->dead;
}

int wsconn_handshake_check(h2o_req_t *req, char accept[29])
{
    h2o_iovec_t key = http_req_header(req, "sec-websocket-key");
    h2o_iovec_t version = http_req_header(req, "sec-websocket-version");
    if (!h2o_memis(req->method.base, req->method.len, H2O_STRLIT("GET"))) {
        http_send_error(req, 400, "bad_message", "WebSocket upgrade must use GET");
        return -1;
    }
    if (version.base == NULL || !h2o_memis(version.base, version.len, H2O_STRLIT("13"))) {
        http_header(req, "sec-websocket-version", "13");
        http_send_error(req, 426, "bad_message", "only WebSocket version 13 is supported");
        return -1;
    }
    if (key.base == NULL || !ws_key_valid(key.base, key.len)) {
        http_send_error(req, 400, "bad_message", "missing or malformed Sec-WebSocket-Key");
        return -1;
    }
    ws_accept_key(key.base, key.len, accept);
    return 0;
}

void wsconn_handshake_accept(h2o_req_t *req, const char *accept, h2o_iovec_t *extra, size_t nextra, wsconn_upgraded_cb cb,
                             void *data)
{
    req->res.status = 101;
    req->res.reason = "Switching Protocols";
    h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_UPGRADE, NULL, H2O_STRLIT("websocket"));
    http_header(req, "sec-websocket-accept", accept);
    h2o_http1_upgrade(req, extra, nextra, cb, data);
}

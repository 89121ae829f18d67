#include "wsclient.h"
#include "auth.h"
#include "log.h"
#include "mem.h"
#include "now.h"
#include "ws.h"

#include <netdb.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct wsclient {
    h2o_socket_t *sock;
    const wsclient_handlers_t *h;
    void *user;
    char key[25];
    bool open;      /* the handshake is done */
    bool writing;   /* a write is in flight (h2o allows one) */
    bool closed;    /* on_close was called */
    buf_t out;      /* queued behind the write in flight */
    buf_t inflight; /* the bytes of the write in flight */
    buf_t msg;      /* a fragmented message so far */
    int msg_op;
    int64_t last_rx; /* monotonic ms of the last read */
};

int wsclient_url_parse(const char *url, wsclient_url_t *out)
{
    memset(out, 0, sizeof(*out));
    const char *p;
    int port = 80;
    if (strncasecmp(url, "http://", 7) == 0 || strncasecmp(url, "ws://", 5) == 0)
        p = strchr(url, '/') + 2;
    else
        return -1;
    const char *end = p + strcspn(p, "/?#");
    const char *colon = NULL;
    if (*p == '[') { /* [v6]:port */
        const char *rb = memchr(p, ']', (size_t)(end - p));
        if (rb == NULL)
            return -1;
        if ((size_t)(rb - p - 1) >= sizeof(out->host) || rb == p + 1)
            return -1;
        memcpy(out->host, p + 1, (size_t)(rb - p - 1));
        colon = rb + 1 < end && rb[1] == ':' ? rb + 1 : NULL;
        if (rb + 1 < end && !colon)
            return -1;
    } else {
        colon = memchr(p, ':', (size_t)(end - p));
        const char *hend = colon ? colon : end;
        if (hend == p || (size_t)(hend - p) >= sizeof(out->host))
            return -1;
        memcpy(out->host, p, (size_t)(hend - p));
    }
    if (colon) {
        char *e;
        long v = strtol(colon + 1, &e, 10);
        if (e != end || v <= 0 || v > 65535)
            return -1;
        port = (int)v;
    }
    out->port = port;
    size_t plen = strcspn(end, "?#");
    if (plen >= sizeof(out->path))
        return -1;
    if (plen == 0)
        snprintf(out->path, sizeof(out->path), "/");
    else
        memcpy(out->path, end, plen);
    return 0;
}

void wsclient_frame(buf_t *out, int opcode, const void *payload, size_t len, const uint8_t key[4])
{
    uint8_t h[14];
    size_t n = 0;
    h[n++] = (uint8_t)(0x80 | (opcode & 0x0f));
    if (len < 126) {
        h[n++] = (uint8_t)(0x80 | len);
    } else if (len <= 0xffff) {
        h[n++] = 0x80 | 126;
        h[n++] = (uint8_t)(len >> 8);
        h[n++] = (uint8_t)len;
    } else {
        h[n++] = 0x80 | 127;
        for (int i = 7; i >= 0; i--)
            h[n++] = (uint8_t)((uint64_t)len >> (8 * i));
    }
    memcpy(h + n, key, 4);
    n += 4;
    buf_append(out, h, n);
    char *dst = buf_reserve(out, len);
    const uint8_t *src = payload;
    for (size_t i = 0; i < len; i++)
        dst[i] = (char)(src[i] ^ key[i & 3]);
    out->len += len;
}

long wsclient_handshake_check(const char *buf, size_t len, const char *key)
{
    const char *end = NULL;
    for (size_t i = 3; i < len; i++)
        if (buf[i - 3] == '\r' && buf[i - 2] == '\n' && buf[i - 1] == '\r' && buf[i] == '\n') {
            end = buf + i + 1;
            break;
        }
    if (end == NULL)
        return len > 8192 ? -1 : 0;
    if (len < 12 || (strncmp(buf, "HTTP/1.1 101", 12) != 0))
        return -1;
    char want[29];
    ws_accept_key(key, strlen(key), want);
    /* Header lines: find Sec-WebSocket-Accept (any case) and compare its value. */
    const char *line = memchr(buf, '\n', (size_t)(end - buf));
    bool ok = false;
    while (line && line + 1 < end) {
        line++;
        const char *eol = memchr(line, '\n', (size_t)(end - line));
        if (eol == NULL)
            break;
        static const char name[] = "sec-websocket-accept:";
        size_t nl = sizeof(name) - 1;
        if ((size_t)(eol - line) > nl && strncasecmp(line, name, nl) == 0) {
            const char *v = line + nl;
            while (v < eol && (*v == ' ' || *v == '\t'))
                v++;
            const char *ve = eol;
            while (ve > v && (ve[-1] == '\r' || ve[-1] == ' '))
                ve--;
            ok = (size_t)(ve - v) == strlen(want) && memcmp(v, want, strlen(want)) == 0;
        }
        line = eol;
    }
    return ok ? (long)(end - buf) : -1;
}

long wsclient_parse_frame(const uint8_t *buf, size_t len, wsclient_frame_t *f)
{
    if (len < 2)
        return 0;
    if (buf[0] & 0x70)
        return -1; /* reserved bits: no extension was agreed */
    if (buf[1] & 0x80)
        return -1; /* a server never masks */
    f->fin = (buf[0] & 0x80) != 0;
    f->opcode = buf[0] & 0x0f;
    uint64_t plen = buf[1] & 0x7f;
    size_t hl = 2;
    if (plen == 126) {
        if (len < 4)
            return 0;
        plen = ((uint64_t)buf[2] << 8) | buf[3];
        if (plen < 126)
            return -1;
        hl = 4;
    } else if (plen == 127) {
        if (len < 10)
            return 0;
        plen = 0;
        for (int i = 0; i < 8; i++)
            plen = (plen << 8) | buf[2 + i];
        if (plen <= 0xffff)
            return -1;
        hl = 10;
    }
    bool control = f->opcode >= 0x8;
    if (control && (plen > 125 || !f->fin))
        return -1;
    if (!(f->opcode <= 0x2 || f->opcode == WS_OP_CLOSE || f->opcode == WS_OP_PING || f->opcode == WS_OP_PONG))
        return -1;
    if (plen > WSCLIENT_MAX_MESSAGE)
        return -1;
    if (len - hl < plen)
        return 0;
    f->payload = buf + hl;
    f->len = (size_t)plen;
    return (long)(hl + plen);
}

/* ---- the connection ------------------------------------------------------ */

static void wsclient_on_write(h2o_socket_t *sock, const char *err);

static void wsclient_free(wsclient_t *c)
{
    buf_free(&c->out);
    buf_free(&c->inflight);
    buf_free(&c->msg);
    free(c);
}

/* Ends the connection once: the socket goes, on_close is told, c is freed. */
static void wsclient_finish(wsclient_t *c, const char *err)
{
    if (c->closed)
        return;
    c->closed = true;
    if (c->sock) {
        c->sock->data = NULL;
        h2o_socket_close(c->sock);
        c->sock = NULL;
    }
    c->h->on_close(c, err, c->user);
    wsclient_free(c);
}

static void wsclient_flush(wsclient_t *c)
{
    if (c->writing || c->out.len == 0 || c->sock == NULL)
        return;
    buf_t t = c->inflight;
    c->inflight = c->out;
    c->out = t;
    buf_reset(&c->out);
    c->writing = true;
    h2o_iovec_t v = h2o_iovec_init(c->inflight.data, c->inflight.len);
    h2o_socket_write(c->sock, &v, 1, wsclient_on_write);
}

static void wsclient_on_write(h2o_socket_t *sock, const char *err)
{
    wsclient_t *c = sock->data;
    if (c == NULL)
        return;
    c->writing = false;
    if (err) {
        wsclient_finish(c, "write failed");
        return;
    }
    wsclient_flush(c);
}

static void wsclient_queue(wsclient_t *c, int opcode, const void *payload, size_t len)
{
    uint8_t key[4];
    auth_random(key, sizeof(key));
    wsclient_frame(&c->out, opcode, payload, len, key);
    wsclient_flush(c);
}

int wsclient_send_text(wsclient_t *c, const char *text, size_t len)
{
    if (!c->open || c->closed)
        return -1;
    wsclient_queue(c, WS_OP_TEXT, text, len);
    return 0;
}

int64_t wsclient_last_rx(const wsclient_t *c)
{
    return c->last_rx;
}

void wsclient_close(wsclient_t *c)
{
    wsclient_finish(c, NULL);
}

/* Handles one frame; false when the connection is over (c is freed). */
static bool wsclient_frame_in(wsclient_t *c, const wsclient_frame_t *f)
{
    switch (f->opcode) {
    case WS_OP_PING:
        wsclient_queue(c, WS_OP_PONG, f->payload, f->len);
        return true;
    case WS_OP_PONG:
        return true;
    case WS_OP_CLOSE: {
        char why[64] = "closed by the server";
        if (f->len >= 2)
            snprintf(why, sizeof(why), "closed by the server (%u)", (unsigned)((f->payload[0] << 8) | f->payload[1]));
        /* Kept in a static: on_close may read it after the frame's bytes are gone. */
        static char reason[64];
        memcpy(reason, why, sizeof(reason));
        wsclient_finish(c, reason);
        return false;
    }
    case WS_OP_BINARY:
        wsclient_finish(c, "binary message from the server");
        return false;
    default:
        break;
    }
    if (f->opcode == WS_OP_TEXT && c->msg_op) {
        wsclient_finish(c, "new message inside a fragmented one");
        return false;
    }
    if (f->opcode == WS_OP_CONT && !c->msg_op) {
        wsclient_finish(c, "continuation without a message");
        return false;
    }
    if (f->fin && f->opcode == WS_OP_TEXT) {
        c->h->on_message(c, (const char *)f->payload, f->len, c->user);
        return !c->closed;
    }
    if (c->msg.len + f->len > WSCLIENT_MAX_MESSAGE) {
        wsclient_finish(c, "message too big");
        return false;
    }
    buf_append(&c->msg, f->payload, f->len);
    c->msg_op = WS_OP_TEXT;
    if (f->fin) {
        c->msg_op = 0;
        c->h->on_message(c, c->msg.data, c->msg.len, c->user);
        if (c->closed)
            return false;
        buf_reset(&c->msg);
    }
    return true;
}

static void wsclient_on_read(h2o_socket_t *sock, const char *err)
{
    wsclient_t *c = sock->data;
    if (c == NULL)
        return;
    if (err) {
        wsclient_finish(c, "connection lost");
        return;
    }
    c->last_rx = now_mono_ms();
    /* on_message may close c (and so the socket): hold on to nothing across it. */
    while (!c->closed && sock->input->size > 0) {
        if (!c->open) {
            long n = wsclient_handshake_check(sock->input->bytes, sock->input->size, c->key);
            if (n == 0)
                return;
            if (n < 0) {
                wsclient_finish(c, "the server refused the WebSocket handshake");
                return;
            }
            h2o_buffer_consume(&sock->input, (size_t)n);
            c->open = true;
            c->h->on_open(c, c->user);
            continue;
        }
        wsclient_frame_t f;
        long n = wsclient_parse_frame((const uint8_t *)sock->input->bytes, sock->input->size, &f);
        if (n == 0)
            return;
        if (n < 0) {
            wsclient_finish(c, "protocol error in a frame from the server");
            return;
        }
        /* The payload points into the input buffer: handle it before consuming. */
        if (!wsclient_frame_in(c, &f))
            return;
        h2o_buffer_consume(&sock->input, (size_t)n);
    }
}

static void wsclient_on_connect(h2o_socket_t *sock, const char *err)
{
    wsclient_t *c = sock->data;
    if (c == NULL)
        return;
    if (err) {
        wsclient_finish(c, "cannot connect");
        return;
    }
    wsclient_flush(c); /* the handshake request */
    h2o_socket_read_start(sock, wsclient_on_read);
}

wsclient_t *wsclient_connect(h2o_loop_t *loop, const char *url, const wsclient_handlers_t *h, void *user, char *err, size_t errlen)
{
    wsclient_url_t u;
    if (wsclient_url_parse(url, &u) != 0) {
        snprintf(err, errlen, "not an http:// URL: %.200s", url);
        return NULL;
    }
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof(hints));
    hints.ai_socktype = SOCK_STREAM;
    char port[8];
    snprintf(port, sizeof(port), "%d", u.port);
    if (getaddrinfo(u.host, port, &hints, &res) != 0 || res == NULL) {
        snprintf(err, errlen, "cannot resolve %.128s", u.host);
        return NULL;
    }
    wsclient_t *c = mem_zalloc(sizeof(*c));
    c->h = h;
    c->user = user;
    buf_init(&c->out);
    buf_init(&c->inflight);
    buf_init(&c->msg);
    uint8_t raw[16];
    auth_random(raw, sizeof(raw));
    EVP_EncodeBlock((unsigned char *)c->key, raw, sizeof(raw));
    bool v6 = strchr(u.host, ':') != NULL;
    buf_printf(&c->out,
               "GET %s HTTP/1.1\r\nHost: %s%s%s:%d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n",
               u.path, v6 ? "[" : "", u.host, v6 ? "]" : "", u.port, c->key);
    c->sock = h2o_socket_connect(loop, res->ai_addr, res->ai_addrlen, wsclient_on_connect);
    freeaddrinfo(res);
    if (c->sock == NULL) {
        snprintf(err, errlen, "cannot connect to %.128s:%d", u.host, u.port);
        wsclient_free(c);
        return NULL;
    }
    c->sock->data = c;
    c->last_rx = now_mono_ms();
    return c;
}

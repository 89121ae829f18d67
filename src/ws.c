#include "ws.h"
#include "utf8.h"
#include "json.h"

#include <openssl/evp.h>
#include <openssl/sha.h>
#include <string.h>

void ws_reader_init(ws_reader_t *r)
{
    buf_init(&r->frag);
    r->frag_op = 0;
    r->closed = false;
}

void ws_reader_free(ws_reader_t *r)
{
    buf_free(&r->frag);
}

static size_t ws_fail(ws_reader_t *r, ws_event_t *ev, uint16_t code, const char *reason)
{
    r->closed = true;
    ev->type = WS_EV_ERROR;
    ev->close_code = code;
    ev->reason = reason;
    return 0;
}

bool ws_close_code_valid(unsigned code)
{
    if (code >= 3000 && code <= 4999)
        return true;
    switch (code) {
    case 1000: case 1001: case 1002: case 1003: case 1007: case 1008:
    case 1009: case 1010: case 1011: case 1012: case 1013: case 1014:
        return true;
    default:
        return false;
    }
}

size_t ws_reader_feed(ws_reader_t *r, uint8_t *buf, size_t len, ws_event_t *ev)
{
    memset(ev, 0, sizeof(*ev));
    ev->type = WS_EV_NONE;
    if (r->closed || len < 2)
        return 0;
    bool fin = buf[0] & 0x80;
    int op = buf[0] & 0x0F;
    bool masked = buf[1] & 0x80;
    uint64_t plen = buf[1] & 0x7F;
    size_t hlen = 2;

    if (buf[0] & 0x70)
        return ws_fail(r, ev, WS_CLOSE_PROTOCOL, "reserved bits set");
    bool control = op & 0x8;
    if (!(op == WS_OP_CONT || op == WS_OP_TEXT || op == WS_OP_BINARY || op == WS_OP_CLOSE || op == WS_OP_PING || op == WS_OP_PONG))
        return ws_fail(r, ev, WS_CLOSE_PROTOCOL, "unknown opcode");
    if (!masked)
        return ws_fail(r, ev, WS_CLOSE_PROTOCOL, "client frame not masked");
    if (control && (!fin || plen > 125))
        return ws_fail(r, ev, WS_CLOSE_PROTOCOL, "bad control frame");
    if (op == WS_OP_CONT && r->frag_op == 0)
        return ws_fail(r, ev, WS_CLOSE_PROTOCOL, "continuation without a message");
    if ((op == WS_OP_TEXT || op == WS_OP_BINARY) && r->frag_op != 0)
        return ws_fail(r, ev, WS_CLOSE_PROTOCOL, "new message inside a fragmented one");

    if (plen == 126) {
        if (len < 4)
            return 0;
        plen = ((uint64_t)buf[2] << 8) | buf[3];
        hlen = 4;
        if (plen < 126)
            return ws_fail(r, ev, WS_CLOSE_PROTOCOL, "length not minimally encoded");
    } else if (plen == 127) {
        if (len < 10)
            return 0;
        plen = 0;
        for (int i = 0; i < 8; i++)
            plen = (plen << 8) | buf[2 + i];
        hlen = 10;
        if (plen >> 63)
            return ws_fail(r, ev, WS_CLOSE_PROTOCOL, "length has its top bit set");
        if (plen <= 0xFFFF)
            return ws_fail(r, ev, WS_CLOSE_PROTOCOL, "length not minimally encoded");
    }
    if (plen > WS_MAX_MESSAGE || (op == WS_OP_CONT && r->frag.len + plen > WS_MAX_MESSAGE))
        return ws_fail(r, ev, WS_CLOSE_TOO_BIG, "message too big");
    if (len < hlen + 4 + plen)
        return 0;

    const uint8_t *key = buf + hlen;
    uint8_t *payload = buf + hlen + 4;
    for (size_t i = 0; i < plen; i++)
        payload[i] ^= key[i & 3];
    size_t consumed = hlen + 4 + (size_t)plen;

    switch (op) {
    case WS_OP_PING:
        ev->type = WS_EV_PING;
        ev->data = payload;
        ev->len = (size_t)plen;
        return consumed;
    case WS_OP_PONG:
        ev->type = WS_EV_PONG;
        ev->data = payload;
        ev->len = (size_t)plen;
        return consumed;
    case WS_OP_CLOSE:
        if (plen == 1)
            return ws_fail(r, ev, WS_CLOSE_PROTOCOL, "close frame of one byte");
        ev->close_code = WS_CLOSE_NO_STATUS;
        if (plen >= 2) {
            unsigned code = ((unsigned)payload[0] << 8) | payload[1];
            if (!ws_close_code_valid(code))
                return ws_fail(r, ev, WS_CLOSE_PROTOCOL, "invalid close code");
            if (!utf8_valid((const char *)payload + 2, (size_t)plen - 2))
                return ws_fail(r, ev, WS_CLOSE_BAD_DATA, "close reason not UTF-8");
            ev->close_code = (uint16_t)code;
            ev->data = payload + 2;
            ev->len = (size_t)plen - 2;
        }
        r->closed = true;
        ev->type = WS_EV_CLOSE;
        return consumed;
    default:
        break;
    }

    /* Data frames: a single final frame is delivered in place, fragments are
     * gathered in r->frag. */
    int msg_op = op == WS_OP_CONT ? r->frag_op : op;
    const uint8_t *data = payload;
    size_t dlen = (size_t)plen;
    if (!fin || op == WS_OP_CONT) {
        buf_append(&r->frag, payload, dlen);
        if (!fin) {
            r->frag_op = msg_op;
            return consumed; /* WS_EV_NONE: keep feeding */
        }
        data = (const uint8_t *)r->frag.data;
        dlen = r->frag.len;
        r->frag_op = 0;
    }
    if (msg_op == WS_OP_TEXT && !utf8_valid((const char *)data, dlen)) {
        buf_reset(&r->frag);
        ws_fail(r, ev, WS_CLOSE_BAD_DATA, "text is not valid UTF-8");
        return consumed;
    }
    ev->type = WS_EV_MESSAGE;
    ev->opcode = msg_op;
    ev->data = data;
    ev->len = dlen;
    /* The fragment buffer is reset lazily: its bytes stay valid for this event. */
    if (data == (const uint8_t *)r->frag.data)
        r->frag.len = 0;
    return consumed;
}

size_t ws_frame_header(uint8_t *out, int opcode, size_t len)
{
    out[0] = (uint8_t)(0x80 | (opcode & 0x0F));
    if (len < 126) {
        out[1] = (uint8_t)len;
        return 2;
    }
    if (len <= 0xFFFF) {
        out[1] = 126;
        out[2] = (uint8_t)(len >> 8);
        out[3] = (uint8_t)len;
        return 4;
    }
    out[1] = 127;
    for (int i = 0; i < 8; i++)
        out[2 + i] = (uint8_t)((uint64_t)len >> (56 - 8 * i));
    return 10;
}

buf_shared_t *ws_frame(int opcode, const void *payload, size_t len)
{
    uint8_t hdr[10];
    size_t hlen = ws_frame_header(hdr, opcode, len);
    buf_shared_t *s = buf_shared_new(hlen + len);
    memcpy(s->data, hdr, hlen);
    if (len)
        memcpy(s->data + hlen, payload, len);
    return s;
}

buf_shared_t *ws_close_frame(uint16_t code, const char *reason)
{
    uint8_t body[125];
    size_t rlen = reason ? strlen(reason) : 0;
    if (rlen > sizeof(body) - 2)
        rlen = sizeof(body) - 2;
    body[0] = (uint8_t)(code >> 8);
    body[1] = (uint8_t)code;
    if (rlen)
        memcpy(body + 2, reason, rlen);
    return ws_frame(WS_OP_CLOSE, body, rlen + 2);
}

static int b64val(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

bool ws_key_valid(const char *key, size_t len)
{
    /* 16 bytes encode to 22 characters and "==". */
    if (len != 24 || key[22] != '=' || key[23] != '=')
        return false;
    for (size_t i = 0; i < 22; i++)
        if (b64val(key[i]) < 0)
            return false;
    return (b64val(key[21]) & 0x0F) == 0; /* the last 4 bits are padding */
}

void ws_accept_key(const char *key, size_t len, char out[29])
{
    static const char guid[] = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    unsigned char digest[SHA_DIGEST_LENGTH];
    char joined[64 + sizeof(guid)];
    if (len > 64)
        len = 64; /* callers pass validated 24-byte keys; this only bounds the copy */
    memcpy(joined, key, len);
    memcpy(joined + len, guid, sizeof(guid) - 1);
    SHA1((const unsigned char *)joined, len + sizeof(guid) - 1, digest);
    EVP_EncodeBlock((unsigned char *)out, digest, SHA_DIGEST_LENGTH);
}

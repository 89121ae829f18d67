#include "proto.h"
#include "json.h"
#include "log.h"
#include "metrics.h"
#include "now.h"
#include "ws.h"

#include <stdio.h>
#include <string.h>

const char *const proto_error_names[] = {
    "bad_json", "bad_message", "unknown_type", "unauthorized", "forbidden", "not_found",
    "conflict", "invalid_state", "rate_limited", "too_large", "internal", "unavailable",
};

#define PROTO_MAX_TOKENS 1024
#define PROTO_MAX_ID 64

void proto_envelope(buf_t *out, const char *type, const char *game_id)
{
    char ts[32];
    now_iso8601(now_wall_ms(), ts);
    buf_puts(out, "{\"type\":");
    json_put_cstr(out, type);
    buf_puts(out, ",\"timestamp\":\"");
    buf_puts(out, ts);
    buf_putc(out, '"');
    if (game_id && game_id[0]) {
        buf_puts(out, ",\"game_id\":");
        json_put_cstr(out, game_id);
    }
    buf_puts(out, ",\"data\":");
}

void proto_error_msg(buf_t *out, proto_err_t code, const char *message, const char *ref, int64_t version)
{
    proto_envelope(out, "error", NULL);
    buf_puts(out, "{\"code\":");
    json_put_cstr(out, proto_error_names[code]);
    buf_puts(out, ",\"message\":");
    json_put_cstr(out, message);
    if (ref) {
        buf_puts(out, ",\"ref\":");
        json_put_cstr(out, ref);
    }
    if (version >= 0) {
        buf_puts(out, ",\"version\":");
        buf_put_i64(out, version);
    }
    buf_puts(out, "}}");
}

void proto_error(hub_client_t *c, proto_err_t code, const char *message, const char *ref, int64_t version)
{
    buf_t b;
    buf_init(&b);
    proto_error_msg(&b, code, message, ref, version);
    hub_send(c, b.data, b.len);
    buf_free(&b);
    metrics.errors[code]++;
}

void proto_connect_msg(buf_t *out, const hub_client_t *c, const char *ref)
{
    proto_envelope(out, "connect", c->who.role == AUTH_PLAYER || c->who.role == AUTH_OBSERVER ? c->who.game_id : NULL);
    buf_puts(out, "{\"client_id\":");
    json_put_cstr(out, c->client_id);
    buf_puts(out, ",\"role\":");
    json_put_cstr(out, auth_role_name(c->who.role));
    if (c->who.role == AUTH_PLAYER) {
        buf_puts(out, ",\"player_number\":");
        buf_put_i64(out, c->who.player);
    }
    if (c->who.role == AUTH_PLAYER || c->who.role == AUTH_OBSERVER) {
        buf_puts(out, ",\"game_id\":");
        json_put_cstr(out, c->who.game_id);
    }
    buf_puts(out, ",\"server_time\":");
    buf_put_i64(out, now_wall_ms());
    buf_puts(out, ",\"protocol\":1");
    if (ref) {
        buf_puts(out, ",\"ref\":");
        json_put_cstr(out, ref);
    }
    buf_puts(out, "}}");
}

static void proto_heartbeat(hub_client_t *c, const char *ref)
{
    buf_t b;
    buf_init(&b);
    proto_envelope(&b, "heartbeat", NULL);
    buf_puts(&b, "{\"server_time\":");
    buf_put_i64(&b, now_wall_ms());
    if (ref) {
        buf_puts(&b, ",\"ref\":");
        json_put_cstr(&b, ref);
    }
    buf_puts(&b, "}}");
    hub_send(c, b.data, b.len);
    buf_free(&b);
}

void proto_handle(app_t *app, hub_client_t *c, const char *msg, size_t len)
{
    (void)app;
    metrics.messages_in++;
    switch (hub_rate_take(c, now_mono_ms())) {
    case HUB_RATE_OK:
        break;
    case HUB_RATE_LIMITED:
        metrics.rate_limited++;
        proto_error(c, PROTO_E_RATE_LIMITED, "more than 20 messages a second: message dropped", NULL, -1);
        return;
    case HUB_RATE_ABUSE:
        metrics.rate_limited++;
        log_warn("closing %s (%s): sustained message flood", c->client_id, c->peer);
        wsconn_close(c->ws, WS_CLOSE_POLICY, "message flood");
        return;
    }

    jsmntok_t toks[PROTO_MAX_TOKENS];
    json_doc_t d;
    int rc = json_parse(&d, msg, len, toks, PROTO_MAX_TOKENS);
    if (rc != 0) {
        proto_error(c, PROTO_E_BAD_JSON, rc == JSON_E_TOO_DEEP ? "message has too many JSON values" : "message is not valid JSON",
                    NULL, -1);
        return;
    }
    if (json_type(&d, 0) != JSON_OBJECT) {
        proto_error(c, PROTO_E_BAD_MESSAGE, "message must be a JSON object", NULL, -1);
        return;
    }
    /* The request id comes first so that every later refusal can echo it. */
    char ref_buf[PROTO_MAX_ID * 4 + 1];
    const char *ref = NULL;
    int t_id = json_get(&d, 0, "id");
    if (t_id >= 0 && json_type(&d, t_id) != JSON_NULL) {
        int n = json_str(&d, t_id, ref_buf, sizeof(ref_buf));
        if (n < 0 || json_utf8_len(ref_buf, (size_t)n) > PROTO_MAX_ID) {
            proto_error(c, PROTO_E_BAD_MESSAGE, "id: must be a string of at most 64 characters", NULL, -1);
            return;
        }
        ref = ref_buf;
    }
    char type[32];
    int t_type = json_get(&d, 0, "type");
    if (t_type < 0 || json_str(&d, t_type, type, sizeof(type)) < 0) {
        proto_error(c, PROTO_E_BAD_MESSAGE, t_type < 0 ? "type: missing" : "type: must be a short string", ref, -1);
        return;
    }
    int t_data = json_get(&d, 0, "data");
    if (t_data >= 0 && json_type(&d, t_data) != JSON_OBJECT && json_type(&d, t_data) != JSON_NULL) {
        proto_error(c, PROTO_E_BAD_MESSAGE, "data: must be an object", ref, -1);
        return;
    }

    if (strcmp(type, "heartbeat") == 0) {
        proto_heartbeat(c, ref);
        return;
    }
    proto_error(c, PROTO_E_UNKNOWN_TYPE, "unknown message type", ref, -1);
}

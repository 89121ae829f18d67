/* The REST API's invites, host pairing, sessions and joining (a part of api.c:
 * the request side of the session module). */
#include "api.h"
#include "api_impl.h"
#include "http.h"
#include "json.h"
#include "log.h"
#include "now.h"
#include "session.h"

#include <stdio.h>
#include <string.h>

int api_parse_invite(const json_doc_t *d, auth_role_t *role, int *player, char *msg, size_t cap)
{
    char role_s[16];
    int tr = json_get(d, 0, "role");
    if (tr < 0 || json_str(d, tr, role_s, sizeof(role_s)) < 0 || auth_role_parse(role_s, role) != 0) {
        snprintf(msg, cap, "role: player or observer");
        return -1;
    }
    int64_t p = 0;
    int tp = json_get(d, 0, "player_number");
    if (*role == AUTH_PLAYER) {
        if (tp < 0 || json_int(d, tp, &p) != 0 || (p != 1 && p != 2)) {
            snprintf(msg, cap, "player_number: 1 or 2 for a player invite");
            return -1;
        }
    } else if (tp >= 0 && json_type(d, tp) != JSON_NULL) {
        snprintf(msg, cap, "player_number: only for player invites");
        return -1;
    }
    *player = (int)p;
    return 0;
}

static void api_invite_json(buf_t *b, app_t *app, const char *code, auth_role_t role, int player)
{
    buf_puts(b, "{\"code\":");
    json_put_cstr(b, code);
    buf_printf(b, ",\"url\":\"%s/j/%s\",\"role\":\"%s\",\"player_number\":", app->public_url, code, auth_role_name(role));
    if (role == AUTH_PLAYER)
        buf_put_i64(b, player);
    else
        buf_puts(b, "null");
    buf_putc(b, '}');
}

void api_create_invite(app_t *app, h2o_req_t *req, const char *game_id)
{
    jsmntok_t toks[64];
    json_doc_t d;
    if (req->entity.len > API_MAX_BODY) {
        api_error(app, req, WIRE_E_TOO_LARGE, "request body over 16 KiB");
        return;
    }
    if (json_parse(&d, req->entity.base ? req->entity.base : "", req->entity.len, toks, 64) != 0 ||
        json_type(&d, 0) != JSON_OBJECT) {
        api_error(app, req, WIRE_E_BAD_JSON, "body must be a JSON object");
        return;
    }
    auth_role_t role;
    int player = 0;
    char msg[96];
    if (api_parse_invite(&d, &role, &player, msg, sizeof(msg)) != 0) {
        api_error(app, req, WIRE_E_BAD_MESSAGE, msg);
        return;
    }
    char code[AUTH_CODE_LEN + 1];
    if (session_invite_create(app, game_id, role, player, code) != 0) {
        api_error(app, req, WIRE_E_INTERNAL, "cannot create the invite");
        return;
    }
    buf_t b;
    buf_init(&b);
    api_invite_json(&b, app, code, role, player);
    api_json(req, 201, &b);
    buf_free(&b);
}

typedef struct {
    buf_t *b;
    app_t *app;
    bool first;
} api_inv_ctx_t;

static void api_invite_row(void *ctx, const char *code, auth_role_t role, int player, const char *created_at)
{
    api_inv_ctx_t *c = ctx;
    (void)created_at;
    if (!c->first)
        buf_putc(c->b, ',');
    c->first = false;
    api_invite_json(c->b, c->app, code, role, player);
}

void api_list_invites(app_t *app, h2o_req_t *req, const char *game_id)
{
    buf_t b;
    buf_init(&b);
    buf_puts(&b, "{\"invites\":[");
    api_inv_ctx_t c = {&b, app, true};
    if (session_invites_list(app, game_id, api_invite_row, &c) != 0) {
        buf_free(&b);
        api_error(app, req, WIRE_E_INTERNAL, "cannot list invites");
        return;
    }
    buf_puts(&b, "]}");
    api_json(req, 200, &b);
    buf_free(&b);
}

void api_revoke_invite(app_t *app, h2o_req_t *req, const char *game_id, const char *code)
{
    int ended = 0;
    int rc = session_invite_revoke(app, game_id, code, &ended);
    if (rc == SESSION_E_NOT_FOUND) {
        api_error(app, req, WIRE_E_NOT_FOUND, "no such invite");
        return;
    }
    if (rc != 0) {
        api_error(app, req, WIRE_E_INTERNAL, "cannot revoke the invite");
        return;
    }
    log_info("invite for game %s revoked; %d session(s) ended", game_id, ended);
    h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CACHE_CONTROL, NULL, H2O_STRLIT("no-store"));
    http_send(req, 204, NULL, "", 0);
}

/* POST /api/host-invites: a one-time, five-minute code that makes a phone host. */
void api_create_host_invite(app_t *app, h2o_req_t *req)
{
    char code[AUTH_CODE_LEN + 1], at[32];
    int64_t expires;
    if (session_host_invite_create(app, code, &expires) != 0) {
        api_error(app, req, WIRE_E_INTERNAL, "cannot create the pairing code");
        return;
    }
    now_iso8601(expires, at);
    buf_t b;
    buf_init(&b);
    buf_puts(&b, "{\"code\":");
    json_put_cstr(&b, code);
    buf_printf(&b, ",\"url\":\"%s/j/%s\",\"role\":\"host\",\"expires_at\":\"%s\"}", app->public_url, code, at);
    api_json(req, 201, &b);
    buf_free(&b);
}

typedef struct {
    buf_t *b;
    bool first;
} api_sess_ctx_t;

static void api_session_row(void *ctx, const auth_who_t *who, const char *created_at, const char *last_seen_at, const char *addr)
{
    api_sess_ctx_t *c = ctx;
    char id[24];
    session_id_format(who->session_id, id);
    buf_puts(c->b, c->first ? "{\"session_id\":" : ",{\"session_id\":");
    c->first = false;
    json_put_cstr(c->b, id);
    buf_puts(c->b, ",\"role\":");
    json_put_cstr(c->b, auth_role_name(who->role));
    buf_puts(c->b, ",\"game_id\":");
    if (who->game_id[0])
        json_put_cstr(c->b, who->game_id);
    else
        buf_puts(c->b, "null");
    buf_puts(c->b, ",\"event_id\":");
    if (who->event_id[0])
        json_put_cstr(c->b, who->event_id);
    else
        buf_puts(c->b, "null");
    if (who->entrant_id > 0) {
        buf_puts(c->b, ",\"entrant_id\":");
        buf_put_i64(c->b, who->entrant_id);
    }
    buf_puts(c->b, ",\"player_number\":");
    if (who->role == AUTH_PLAYER)
        buf_put_i64(c->b, who->player);
    else
        buf_puts(c->b, "null");
    buf_puts(c->b, ",\"created_at\":");
    json_put_cstr(c->b, created_at ? created_at : "");
    buf_puts(c->b, ",\"last_seen_at\":");
    if (last_seen_at)
        json_put_cstr(c->b, last_seen_at);
    else
        buf_puts(c->b, "null");
    buf_puts(c->b, ",\"address\":");
    if (addr)
        json_put_cstr(c->b, addr);
    else
        buf_puts(c->b, "null");
    buf_putc(c->b, '}');
}

/* GET /api/sessions: every live session, never a token. */
void api_list_sessions(app_t *app, h2o_req_t *req)
{
    buf_t b;
    buf_init(&b);
    buf_puts(&b, "{\"sessions\":[");
    api_sess_ctx_t c = {&b, true};
    if (session_list(app, api_session_row, &c) != 0) {
        buf_free(&b);
        api_error(app, req, WIRE_E_INTERNAL, "cannot list the sessions");
        return;
    }
    buf_puts(&b, "]}");
    api_json(req, 200, &b);
    buf_free(&b);
}

/* DELETE /api/sessions/{id}: its requests get 401 and its sockets close with 1008. */
void api_revoke_session(app_t *app, h2o_req_t *req, const char *id_text)
{
    int64_t id;
    int rc = session_id_parse(id_text, &id) == 0 ? session_revoke(app, id) : SESSION_E_NOT_FOUND;
    if (rc == SESSION_E_NOT_FOUND) {
        api_error(app, req, WIRE_E_NOT_FOUND, "no such live session");
        return;
    }
    if (rc != 0) {
        api_error(app, req, WIRE_E_INTERNAL, "cannot revoke the session");
        return;
    }
    http_send(req, 204, NULL, "", 0);
}

/* POST /api/join {code}: the only unauthenticated write, so it is rate-limited. */
void api_join(app_t *app, h2o_req_t *req)
{
    char peer[64];
    http_client_addr(req, &app->trust, peer, sizeof(peer));
    jsmntok_t toks[32];
    json_doc_t d;
    if (req->entity.len > API_MAX_BODY || json_parse(&d, req->entity.base ? req->entity.base : "", req->entity.len, toks, 32) != 0 ||
        json_type(&d, 0) != JSON_OBJECT) {
        api_error(app, req, WIRE_E_BAD_JSON, "body must be a JSON object like {\"code\":\"ABC234\"}");
        return;
    }
    char code[32];
    int tc = json_get(&d, 0, "code");
    if (tc < 0 || json_str(&d, tc, code, sizeof(code)) < 0) {
        api_error(app, req, WIRE_E_BAD_MESSAGE, "code: required string");
        return;
    }
    char token[AUTH_TOKEN_LEN + 1];
    auth_who_t who;
    int64_t retry_ms;
    int rc = session_join(app, code, peer, token, &who, &retry_ms);
    if (rc == SESSION_E_LIMITED) {
        char ra[24];
        snprintf(ra, sizeof(ra), "%lld", (long long)((retry_ms + 999) / 1000));
        http_header(req, "retry-after", ra);
        api_error(app, req, WIRE_E_RATE_LIMITED, "too many wrong codes from this address: wait and try again");
        return;
    }
    if (rc == SESSION_E_NOT_FOUND) {
        api_error(app, req, WIRE_E_NOT_FOUND, "no such join code (or it was revoked)");
        return;
    }
    if (rc == SESSION_E_GONE) {
        api_error(app, req, WIRE_E_UNAUTHORIZED, "this pairing code was used already or has expired");
        return;
    }
    if (rc != 0) {
        api_error(app, req, WIRE_E_INTERNAL, "cannot create the session");
        return;
    }
    buf_t b;
    buf_init(&b);
    buf_puts(&b, "{\"token\":");
    json_put_cstr(&b, token);
    buf_printf(&b, ",\"role\":\"%s\",\"game_id\":", auth_role_name(who.role));
    if (who.role == AUTH_HOST || who.game_id[0] == '\0')
        buf_puts(&b, "null");
    else
        json_put_cstr(&b, who.game_id);
    buf_puts(&b, ",\"player_number\":");
    if (who.role == AUTH_PLAYER)
        buf_put_i64(&b, who.player);
    else
        buf_puts(&b, "null");
    if (who.event_id[0]) {
        /* A code of an event (section 11): whose it is. */
        buf_puts(&b, ",\"event_id\":");
        json_put_cstr(&b, who.event_id);
        if (who.role == AUTH_ENTRANT) {
            buf_puts(&b, ",\"entrant_id\":");
            buf_put_i64(&b, who.entrant_id);
        }
    }
    buf_putc(&b, '}');
    api_json(req, 200, &b);
    buf_free(&b);
}


#include "proto.h"
#include "utf8.h"
#include "change.h"
#include "core.h"
#include "game.h"
#include "json.h"
#include "view.h"
#include "log.h"
#include "now.h"
#include "session.h"
#include "tourney.h"
#include "ws.h"

#include <stdio.h>
#include <string.h>

#define PROTO_MAX_TOKENS (VIEW_MAX_TOKENS + 64) /* a full state and its envelope */
#define PROTO_MAX_ID 64

void proto_error(app_t *app, hub_client_t *c, wire_err_t code, const char *message, const char *ref, int64_t version)
{
    buf_t b;
    buf_init(&b);
    wire_error_msg(&b, code, message, ref, version);
    hub_send(c, b.data, b.len);
    buf_free(&b);
    app->metrics.errors[code]++;
}

void proto_connect_msg(buf_t *out, const hub_client_t *c, const char *ref)
{
    bool in_game = (c->who.role == AUTH_PLAYER || c->who.role == AUTH_OBSERVER) && c->who.game_id[0];
    wire_envelope(out, "connect", in_game ? c->who.game_id : NULL);
    buf_puts(out, "{\"client_id\":");
    json_put_cstr(out, c->client_id);
    buf_puts(out, ",\"role\":");
    json_put_cstr(out, auth_role_name(c->who.role));
    if (c->who.role == AUTH_PLAYER) {
        buf_puts(out, ",\"player_number\":");
        buf_put_i64(out, c->who.player);
    }
    if (in_game) {
        buf_puts(out, ",\"game_id\":");
        json_put_cstr(out, c->who.game_id);
    }
    if (c->who.event_id[0]) {
        buf_puts(out, ",\"event_id\":");
        json_put_cstr(out, c->who.event_id);
        if (c->who.entrant_id > 0) {
            buf_puts(out, ",\"entrant_id\":");
            buf_put_i64(out, c->who.entrant_id);
        }
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
    wire_envelope(&b, "heartbeat", NULL);
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

void proto_render(app_t *app, const char *game_id, view_t v, buf_t *out)
{
    /* Never a change that is not on disk yet: a read between a change and its
     * commit shows the state before it (the broadcast after the commit follows). */
    const game_t *g = core_committed(app->core, game_id);
    view_meta_t m = {NULL, NULL, {false, false}, now_mono_ms(), now_wall_ms(), NULL};
    if (g == NULL || !core_stamps(app->core, game_id, &m.created_at, &m.updated_at))
        return;
    m.connected[0] = hub_player_connections(app->hub, game_id, 1) > 0;
    m.connected[1] = hub_player_connections(app->hub, game_id, 2) > 0;
    buf_t block;
    buf_init(&block);
    if (app->tourney && tourney_block(app->tourney, game_id, &block))
        m.event_block = block.data;
    view_render(out, g, v, &m);
    buf_free(&block);
}

/* ---- outcomes of the core ------------------------------------------------ */

static void proto_on_accepted(void *ctx, void *reply, const char *ref, int64_t version)
{
    (void)ctx;
    buf_t b;
    buf_init(&b);
    wire_envelope(&b, "ack", NULL);
    wire_ack_data(&b, ref, version);
    buf_putc(&b, '}');
    hub_send(reply, b.data, b.len);
    buf_free(&b);
}

static void proto_on_refused(void *ctx, void *reply, const char *ref)
{
    proto_error(ctx, reply, WIRE_E_INTERNAL, "the change could not be saved", ref, -1);
}

typedef struct {
    app_t *app;
    const char *game_id;
} proto_pub_t;

static view_t proto_view_of(hub_view_t v)
{
    switch (v) {
    case HUB_VIEW_HOST: return VIEW_HOST;
    case HUB_VIEW_P1: return VIEW_P1;
    case HUB_VIEW_P2: return VIEW_P2;
    default: return VIEW_OBSERVER;
    }
}

static void proto_render_msg(void *ctx, hub_view_t v, buf_t *out)
{
    proto_pub_t *p = ctx;
    wire_envelope(out, "game_state", p->game_id);
    proto_render(p->app, p->game_id, proto_view_of(v), out);
    buf_putc(out, '}');
}

static void proto_on_changed(void *ctx, const char *game_id)
{
    proto_pub_t p = {ctx, game_id};
    if (core_game(p.app->core, game_id) == NULL)
        return;
    hub_publish(p.app->hub, game_id, proto_render_msg, &p);
    if (p.app->tourney)
        tourney_game_changed(p.app->tourney, game_id);
}

static void proto_on_deleted(void *ctx, const char *game_id)
{
    app_t *app = ctx;
    hub_forget_game(app->hub, game_id);
}

/* Appends the `games` message: every game's summary, as GET /api/games lists them. */
static void proto_games_msg(app_t *app, buf_t *out, const char *ref)
{
    wire_envelope(out, "games", NULL);
    buf_puts(out, "{\"games\":");
    core_list(app->core, out);
    if (ref) {
        buf_puts(out, ",\"ref\":");
        json_put_cstr(out, ref);
    }
    buf_puts(out, "}}");
}

static void proto_on_flushed(void *ctx)
{
    app_t *app = ctx;
    if (app->tourney)
        tourney_flushed(app->tourney);
    if (!hub_list_wanted(app->hub))
        return;
    buf_t b;
    buf_init(&b);
    proto_games_msg(app, &b, NULL);
    hub_publish_list(app->hub, b.data, b.len);
    buf_free(&b);
}

const core_sink_t proto_sink = {proto_on_accepted, proto_on_refused, proto_on_changed, proto_on_deleted, proto_on_flushed};

/* ---- events (section 11) --------------------------------------------------- */

/* The hub topic of an event's subscribers: game ids never contain ':'. */
static void proto_event_topic(char out[32], const char *event_id)
{
    snprintf(out, 32, "ev:%s", event_id);
}

typedef struct {
    app_t *app;
    const event_t *ev;
    const char *ref;
} proto_ev_t;

static void proto_event_msg(void *ctx, hub_view_t v, buf_t *out)
{
    proto_ev_t *p = ctx;
    wire_envelope(out, "event_state", NULL);
    tourney_render(p->app->tourney, p->ev, v == HUB_VIEW_HOST, out);
    if (p->ref) {
        out->len--;
        buf_puts(out, ",\"ref\":");
        json_put_cstr(out, p->ref);
        buf_putc(out, '}');
    }
    buf_putc(out, '}');
}

static void proto_send_event(app_t *app, hub_client_t *c, const event_t *ev, const char *ref)
{
    proto_ev_t p = {app, ev, ref};
    buf_t b;
    buf_init(&b);
    proto_event_msg(&p, c->who.role == AUTH_HOST ? HUB_VIEW_HOST : HUB_VIEW_OBSERVER, &b);
    hub_send(c, b.data, b.len);
    buf_free(&b);
}

static void proto_event_changed(void *ctx, const char *event_id)
{
    app_t *app = ctx;
    const event_t *ev = tourney_event(app->tourney, event_id);
    if (ev == NULL)
        return;
    char topic[32];
    proto_event_topic(topic, event_id);
    proto_ev_t p = {app, ev, NULL};
    hub_publish(app->hub, topic, proto_event_msg, &p);
}

static void proto_event_rebind_one(void *ctx, hub_client_t *c)
{
    proto_ev_t *p = ctx;
    if (strcmp(c->who.event_id, p->ev->id) != 0 || (c->who.role != AUTH_ENTRANT && c->who.role != AUTH_PLAYER))
        return;
    auth_who_t who = c->who;
    tourney_bind(p->app->tourney, &who);
    hub_client_set_who(c, &who);
    buf_t b;
    buf_init(&b);
    proto_connect_msg(&b, c, NULL);
    hub_send(c, b.data, b.len);
    buf_free(&b);
    proto_send_event(p->app, c, p->ev, NULL);
}

static void proto_event_rebind(void *ctx, const char *event_id)
{
    app_t *app = ctx;
    proto_ev_t p = {app, tourney_event(app->tourney, event_id), NULL};
    if (p.ev != NULL)
        hub_each(app->hub, proto_event_rebind_one, &p);
}

static void proto_event_close_one(void *ctx, hub_client_t *c)
{
    if (strcmp(c->who.event_id, ctx) == 0 && c->who.role != AUTH_HOST)
        wsconn_close(c->ws, WS_CLOSE_POLICY, "event deleted");
}

static void proto_event_gone(void *ctx, const char *event_id)
{
    app_t *app = ctx;
    hub_each(app->hub, proto_event_close_one, (void *)event_id);
    char topic[32];
    proto_event_topic(topic, event_id);
    hub_forget_game(app->hub, topic);
}

const tourney_sink_t proto_event_sink = {proto_event_changed, proto_event_rebind, proto_event_gone};

/* subscribe_event / unsubscribe_event: data.event_id, or the token's own event. */
static void proto_subscribe_event(app_t *app, hub_client_t *c, const char *type, const json_doc_t *d, int data, const char *ref)
{
    char id[EVENT_ID_SIZE + 8] = "";
    int t = data >= 0 ? json_get(d, data, "event_id") : -1;
    if (t >= 0 && json_str(d, t, id, sizeof(id)) <= 0) {
        proto_error(app, c, WIRE_E_BAD_MESSAGE, "event_id: must be a short string", ref, -1);
        return;
    }
    if (id[0] == '\0')
        snprintf(id, sizeof(id), "%s", c->who.event_id);
    if (id[0] == '\0') {
        proto_error(app, c, WIRE_E_BAD_MESSAGE, "event_id: required", ref, -1);
        return;
    }
    const event_t *ev = tourney_event(app->tourney, id);
    if (ev != NULL && !tourney_may_read(&c->who, ev)) {
        proto_error(app, c, WIRE_E_FORBIDDEN, "this token belongs to another event", ref, -1);
        return;
    }
    if (ev == NULL) {
        proto_error(app, c, c->who.role == AUTH_HOST ? WIRE_E_NOT_FOUND : WIRE_E_FORBIDDEN,
                    c->who.role == AUTH_HOST ? "no such event" : "this token belongs to another event", ref, -1);
        return;
    }
    char topic[32];
    proto_event_topic(topic, id);
    if (type[0] == 'u') {
        hub_unsubscribe(c, topic);
        if (ref) {
            buf_t b;
            buf_init(&b);
            wire_envelope(&b, "ack", NULL);
            buf_puts(&b, "{\"ref\":");
            json_put_cstr(&b, ref);
            buf_puts(&b, "}}");
            hub_send(c, b.data, b.len);
            buf_free(&b);
        }
        return;
    }
    if (hub_subscribe(c, topic) != 0) {
        proto_error(app, c, WIRE_E_BAD_MESSAGE, "at most 64 subscriptions on one connection", ref, -1);
        return;
    }
    proto_send_event(app, c, ev, ref);
}

/* ---- dispatch ------------------------------------------------------------- */

/* Is a game_state request a read? No data, {} or an object naming only the game
 * ({"game_id": ...}): a full state has players and status, and taking such a
 * request as a replace would reset the game to defaults. */
static bool proto_state_is_read(const json_doc_t *d, int data)
{
    if (data < 0 || json_type(d, data) != JSON_OBJECT || json_size(d, data) == 0)
        return true;
    return json_size(d, data) == 1 && json_get(d, data, "game_id") >= 0;
}

/* Sends a game's state to one client, as a reply (with ref) or on subscribe. */
static void proto_send_state(app_t *app, hub_client_t *c, const char *game_id, const char *ref)
{
    buf_t b;
    buf_init(&b);
    wire_envelope(&b, "game_state", game_id);
    proto_render(app, game_id, change_view(&c->who, game_id), &b);
    if (ref) {
        /* Replies carry the request id as data.ref: splice it into the object. */
        b.len--;
        buf_puts(&b, ",\"ref\":");
        json_put_cstr(&b, ref);
        buf_putc(&b, '}');
    }
    buf_putc(&b, '}');
    hub_send(c, b.data, b.len);
    buf_free(&b);
}

static void proto_reply_result(app_t *app, hub_client_t *c, const change_result_t *res, const char *ref)
{
    proto_error(app, c, res->err, res->message, ref, res->err == WIRE_E_CONFLICT ? res->version : -1);
}

static void proto_dispatch(app_t *app, hub_client_t *c, const char *type, const char *game_id, const json_doc_t *d, int data,
                           const char *ref)
{
    if (strcmp(type, "heartbeat") == 0) {
        proto_heartbeat(c, ref);
        return;
    }
    if (strcmp(type, "connect") == 0) {
        char token[160];
        int t = data >= 0 ? json_get(d, data, "token") : -1;
        if (t < 0 || json_str(d, t, token, sizeof(token)) <= 0) {
            proto_error(app, c, WIRE_E_BAD_MESSAGE, "token: required", ref, -1);
            return;
        }
        auth_who_t who;
        if (session_who(app, token, &who) != 0) {
            proto_error(app, c, WIRE_E_UNAUTHORIZED, "invalid or revoked token", ref, -1);
            return;
        }
        session_seen(app, &who, c->peer);
        hub_client_set_who(c, &who);
        buf_t b;
        buf_init(&b);
        proto_connect_msg(&b, c, ref);
        hub_send(c, b.data, b.len);
        buf_free(&b);
        return;
    }
    if (c->who.role == AUTH_NONE) {
        if (game_type_parse(type, strlen(type)) < 0 && strcmp(type, "subscribe") != 0 && strcmp(type, "unsubscribe") != 0 &&
            strcmp(type, "subscribe_games") != 0 && strcmp(type, "unsubscribe_games") != 0 && strcmp(type, "subscribe_event") != 0 &&
            strcmp(type, "unsubscribe_event") != 0)
            proto_error(app, c, WIRE_E_UNKNOWN_TYPE, "unknown message type", ref, -1);
        else
            proto_error(app, c, WIRE_E_UNAUTHORIZED, "send connect with a token first", ref, -1);
        return;
    }
    if (strcmp(type, "subscribe_event") == 0 || strcmp(type, "unsubscribe_event") == 0) {
        proto_subscribe_event(app, c, type, d, data, ref);
        return;
    }
    if (strcmp(type, "subscribe_games") == 0 || strcmp(type, "unsubscribe_games") == 0) {
        if (c->who.role != AUTH_HOST) {
            proto_error(app, c, WIRE_E_FORBIDDEN, "only the host may follow the list of games", ref, -1);
            return;
        }
        bool on = type[0] == 's';
        hub_subscribe_list(c, on);
        buf_t b;
        buf_init(&b);
        if (on) {
            proto_games_msg(app, &b, ref);
        } else {
            wire_envelope(&b, "ack", NULL);
            buf_puts(&b, "{\"ref\":");
            json_put_cstr(&b, ref ? ref : "");
            buf_puts(&b, "}}");
        }
        if (on || ref)
            hub_send(c, b.data, b.len);
        buf_free(&b);
        return;
    }
    const char *gid = game_id[0] ? game_id : (c->who.role != AUTH_HOST ? c->who.game_id : "");
    if (strcmp(type, "subscribe") == 0 || strcmp(type, "unsubscribe") == 0 ||
        (strcmp(type, "game_state") == 0 && proto_state_is_read(d, data))) {
        if (gid[0] == '\0') {
            proto_error(app, c, WIRE_E_BAD_MESSAGE, "game_id: required", ref, -1);
            return;
        }
        if (!change_can_read(&c->who, gid)) {
            proto_error(app, c, WIRE_E_FORBIDDEN, "this token belongs to another game", ref, -1);
            return;
        }
        if (core_committed(app->core, gid) == NULL) {
            proto_error(app, c, WIRE_E_NOT_FOUND, "no such game", ref, -1);
            return;
        }
        if (type[0] == 'u') {
            hub_unsubscribe(c, gid);
            buf_t b;
            buf_init(&b);
            wire_envelope(&b, "ack", gid);
            buf_puts(&b, "{\"ref\":");
            json_put_cstr(&b, ref ? ref : "");
            buf_puts(&b, "}}");
            if (ref)
                hub_send(c, b.data, b.len);
            buf_free(&b);
            return;
        }
        if (type[0] == 's' && hub_subscribe(c, gid) != 0) {
            proto_error(app, c, WIRE_E_BAD_MESSAGE, "at most 64 games may be subscribed on one connection", ref, -1);
            return;
        }
        proto_send_state(app, c, gid, ref);
        return;
    }
    change_result_t res;
    if (strcmp(type, "game_state") == 0) {
        if (change_replace(app->core, &c->who, game_id, d, data, c, ref, &res) != 0) {
            proto_reply_result(app, c, &res, ref);
            return;
        }
        if (hub_subscribe(c, res.game_id) != 0)
            log_debug("host %s has 64 subscriptions: not subscribed to %s", c->client_id, res.game_id);
        return;
    }
    if (change_apply(app->core, &c->who, type, game_id, d, data, c, ref, &res) != 0)
        proto_reply_result(app, c, &res, ref);
}

/* One frame against the client's rate bucket; a sustained flood closes it. */
static hub_rate_t proto_rate(app_t *app, hub_client_t *c)
{
    hub_rate_t r = hub_rate_take(c, now_mono_ms());
    if (r != HUB_RATE_OK)
        app->metrics.rate_limited++;
    if (r == HUB_RATE_ABUSE) {
        log_warn("closing %s (%s): sustained message flood", c->client_id, c->peer);
        wsconn_close(c->ws, WS_CLOSE_POLICY, "message flood");
    }
    return r;
}

bool proto_ping(app_t *app, hub_client_t *c)
{
    return proto_rate(app, c) == HUB_RATE_OK;
}

void proto_handle(app_t *app, hub_client_t *c, const char *msg, size_t len)
{
    app->metrics.messages_in++;
    hub_rate_t r = proto_rate(app, c);
    if (r == HUB_RATE_LIMITED)
        proto_error(app, c, WIRE_E_RATE_LIMITED, "more than 20 messages a second: message dropped", NULL, -1);
    if (r != HUB_RATE_OK)
        return;

    jsmntok_t toks[PROTO_MAX_TOKENS];
    json_doc_t d;
    int rc = json_parse(&d, msg, len, toks, PROTO_MAX_TOKENS);
    if (rc != 0) {
        proto_error(app, c, WIRE_E_BAD_JSON, rc == JSON_E_TOO_DEEP ? "message has too many JSON values" : "message is not valid JSON",
                    NULL, -1);
        return;
    }
    if (json_type(&d, 0) != JSON_OBJECT) {
        proto_error(app, c, WIRE_E_BAD_MESSAGE, "message must be a JSON object", NULL, -1);
        return;
    }
    /* The request id comes first so that every later refusal can echo it. */
    char ref_buf[PROTO_MAX_ID * 4 + 1];
    const char *ref = NULL;
    int t_id = json_get(&d, 0, "id");
    if (t_id >= 0 && json_type(&d, t_id) != JSON_NULL) {
        int n = json_str(&d, t_id, ref_buf, sizeof(ref_buf));
        if (n < 0 || utf8_chars(ref_buf, (size_t)n) > PROTO_MAX_ID) {
            proto_error(app, c, WIRE_E_BAD_MESSAGE, "id: must be a string of at most 64 characters", NULL, -1);
            return;
        }
        ref = ref_buf;
    }
    char type[32];
    int t_type = json_get(&d, 0, "type");
    if (t_type < 0 || json_str(&d, t_type, type, sizeof(type)) < 0) {
        proto_error(app, c, WIRE_E_BAD_MESSAGE, t_type < 0 ? "type: missing" : "type: must be a short string", ref, -1);
        return;
    }
    int t_data = json_get(&d, 0, "data");
    if (t_data >= 0 && json_type(&d, t_data) != JSON_OBJECT && json_type(&d, t_data) != JSON_NULL) {
        proto_error(app, c, WIRE_E_BAD_MESSAGE, "data: must be an object", ref, -1);
        return;
    }

    char game_id[64] = "";
    int t_gid = json_get(&d, 0, "game_id");
    if (t_gid >= 0 && json_type(&d, t_gid) != JSON_NULL) {
        int n = json_str(&d, t_gid, game_id, sizeof(game_id));
        if (n <= 0 || n > GAME_ID_MAX) {
            proto_error(app, c, WIRE_E_BAD_MESSAGE, "game_id: must be a string of 1 to 40 characters", ref, -1);
            return;
        }
    }
    proto_dispatch(app, c, type, game_id, &d, t_data, ref);
}

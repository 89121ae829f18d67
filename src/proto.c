#include "proto.h"
#include "core.h"
#include "game.h"
#include "store.h"
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

/* ---- decoding changes ----------------------------------------------------- */

#define PROTO_FAIL(code, msg)                                                                                                  \
    do {                                                                                                                       \
        res->err = (code);                                                                                                     \
        snprintf(res->message, sizeof(res->message), "%s", (msg));                                                             \
        return -1;                                                                                                             \
    } while (0)

static int proto_bad(proto_result_t *res, const char *field, const char *what)
{
    res->err = PROTO_E_BAD_MESSAGE;
    snprintf(res->message, sizeof(res->message), "%s: %s", field, what);
    return -1;
}

/* An optional integer field of data. */
static int opt_int(const json_doc_t *d, int data, const char *key, game_opt_t *out, proto_result_t *res)
{
    int t = json_get(d, data, key);
    out->set = false;
    if (t < 0)
        return 0;
    if (json_int(d, t, &out->v) != 0)
        return proto_bad(res, key, "must be a whole number");
    out->set = true;
    return 0;
}

/* An optional player number (1 or 2); 0 when absent. */
static int opt_player(const json_doc_t *d, int data, const char *key, int *out, proto_result_t *res)
{
    int t = json_get(d, data, key);
    *out = 0;
    if (t < 0)
        return 0;
    int64_t v;
    if (json_int(d, t, &v) != 0 || (v != 1 && v != 2))
        return proto_bad(res, key, "must be 1 or 2");
    *out = (int)v;
    return 0;
}

/* An optional string field, borrowed into out (unescaped into store). */
static int opt_str(const json_doc_t *d, int data, const char *key, char *store, size_t cap, game_str_t *out,
                   proto_result_t *res)
{
    int t = json_get(d, data, key);
    out->base = NULL;
    out->len = 0;
    if (t < 0)
        return 0;
    int n = json_str(d, t, store, cap);
    if (n < 0)
        return proto_bad(res, key, json_type(d, t) == JSON_STRING ? "too long" : "must be a string");
    out->base = store;
    out->len = (size_t)n;
    return 0;
}

/* Strings borrowed by a decoded action live here until the action is applied. */
typedef struct {
    char s[4][GAME_NAME_SIZE * 2];
    char keys[GAME_SETTINGS_MAX][GAME_KEY_MAX + 2];
} proto_strings_t;

static int decode_setup(const json_doc_t *d, int data, game_action_t *a, proto_strings_t *st, proto_result_t *res)
{
    if (opt_str(d, data, "player1_name", st->s[0], sizeof(st->s[0]), &a->setup.player1_name, res) ||
        opt_str(d, data, "player2_name", st->s[1], sizeof(st->s[1]), &a->setup.player2_name, res) ||
        opt_str(d, data, "name", st->s[2], sizeof(st->s[2]), &a->setup.name, res) ||
        opt_str(d, data, "faction", st->s[3], sizeof(st->s[3]), &a->setup.faction, res) ||
        opt_player(d, data, "player_number", &a->setup.player, res) || opt_player(d, data, "attacker", &a->setup.attacker, res) ||
        opt_player(d, data, "first_player", &a->setup.first_player, res))
        return -1;
    return 0;
}

static int decode_score(const json_doc_t *d, int data, const auth_who_t *who, game_action_t *a, proto_result_t *res)
{
    struct game_score_args *sc = &a->score;
    if (opt_player(d, data, "player_number", &sc->player, res))
        return -1;
    if (sc->player == 0 && who->role == AUTH_PLAYER)
        sc->player = who->player; /* a phone scores for itself unless it says otherwise */
    if (sc->player == 0)
        return proto_bad(res, "player_number", "required (1 or 2)");
    if (opt_int(d, data, "primary", &sc->primary, res) || opt_int(d, data, "primary_delta", &sc->primary_delta, res) ||
        opt_int(d, data, "secondary", &sc->secondary, res) || opt_int(d, data, "secondary_delta", &sc->secondary_delta, res) ||
        opt_int(d, data, "cp", &sc->cp, res) || opt_int(d, data, "cp_delta", &sc->cp_delta, res) ||
        opt_int(d, data, "score", &sc->score, res) || opt_int(d, data, "score_delta", &sc->score_delta, res))
        return -1;
    int t = json_get(d, data, "private");
    if (t >= 0) {
        size_t len;
        const char *raw = json_raw(d, t, &len);
        if (json_type(d, t) != JSON_OBJECT)
            return proto_bad(res, "private", "must be a JSON object");
        if (len > GAME_PRIVATE_MAX)
            return proto_bad(res, "private", "at most 1 KiB of JSON");
        sc->private_json.base = raw;
        sc->private_json.len = len;
    }
    return 0;
}

static int decode_timer(const json_doc_t *d, int data, game_action_t *a, proto_result_t *res)
{
    if (opt_player(d, data, "player_number", &a->timer.player, res))
        return -1;
    if (a->timer.player == 0)
        return proto_bad(res, "player_number", "required (1 or 2)");
    char op[16];
    int t = json_get(d, data, "action");
    if (t < 0 || json_str(d, t, op, sizeof(op)) < 0 || (a->timer.op = game_timer_op_parse(op, strlen(op))) == GAME_TIMER_NONE)
        return proto_bad(res, "action", "must be start, stop or set");
    return opt_int(d, data, "time_remaining", &a->timer.time_remaining, res);
}

static int decode_settings(const json_doc_t *d, int data, game_action_t *a, proto_strings_t *st, proto_result_t *res)
{
    struct game_settings_args *sa = &a->settings;
    sa->n = 0;
    int k = data + 1;
    for (int i = 0; i < json_size(d, data); i++, k = json_next(d, k + 1)) {
        if (json_str_eq(d, k, "expected_version"))
            continue;
        if (sa->n >= GAME_SETTINGS_MAX)
            return proto_bad(res, "settings", "at most 32 settings");
        game_setting_in_t *it = &sa->items[sa->n];
        int n = json_str(d, k, st->keys[sa->n], sizeof(st->keys[sa->n]));
        if (n <= 0 || n > GAME_KEY_MAX)
            return proto_bad(res, "settings", "keys must be 1 to 40 characters");
        it->key.base = st->keys[sa->n];
        it->key.len = (size_t)n;
        size_t len;
        it->value.base = json_raw(d, k + 1, &len);
        it->value.len = len;
        switch (json_type(d, k + 1)) {
        case JSON_STRING: it->type = GAME_V_STRING; break;
        case JSON_NUMBER: it->type = GAME_V_NUMBER; break;
        case JSON_BOOL: it->type = GAME_V_BOOL; break;
        case JSON_NULL: it->type = GAME_V_NULL; break;
        default: return proto_bad(res, it->key.base, "values must be strings, numbers or booleans");
        }
        sa->n++;
    }
    if (sa->n == 0)
        return proto_bad(res, "data", "no settings given");
    return 0;
}

/* The request's data for the action log: everything but private notes (which
 * the history must not reveal) and expected_version. */
static void proto_log_data(const json_doc_t *d, int data, buf_t *out)
{
    buf_putc(out, '{');
    if (data < 0 || json_type(d, data) != JSON_OBJECT) {
        buf_putc(out, '}');
        return;
    }
    bool first = true;
    int k = data + 1;
    for (int i = 0; i < json_size(d, data); i++, k = json_next(d, k + 1)) {
        if (json_str_eq(d, k, "private") || json_str_eq(d, k, "expected_version"))
            continue;
        if (!first)
            buf_putc(out, ',');
        size_t len;
        const char *raw = json_raw(d, k, &len);
        buf_append(out, raw, len);
        buf_putc(out, ':');
        raw = json_raw(d, k + 1, &len);
        buf_append(out, raw, len);
        first = false;
    }
    buf_putc(out, '}');
}

static void proto_core_error(int rc, const char *bad_field, proto_result_t *res, const game_t *g)
{
    switch (rc) {
    case GAME_E_BAD:
        res->err = PROTO_E_BAD_MESSAGE;
        snprintf(res->message, sizeof(res->message), "%s: missing, wrong type or out of range", bad_field ? bad_field : "data");
        break;
    case GAME_E_FORBIDDEN:
        res->err = PROTO_E_FORBIDDEN;
        snprintf(res->message, sizeof(res->message), "your role may not make this change");
        break;
    case GAME_E_INVALID_STATE:
        res->err = PROTO_E_INVALID_STATE;
        snprintf(res->message, sizeof(res->message), "not possible while the game is %s", g ? game_status_name(g->status) : "absent");
        break;
    case GAME_E_CONFLICT:
        res->err = PROTO_E_CONFLICT;
        snprintf(res->message, sizeof(res->message), "expected_version differs from the game's version");
        res->version = g ? g->version : 0;
        break;
    case CORE_E_NOT_FOUND:
        res->err = PROTO_E_NOT_FOUND;
        snprintf(res->message, sizeof(res->message), "no such game");
        break;
    default:
        res->err = PROTO_E_INTERNAL;
        snprintf(res->message, sizeof(res->message), "the change could not be saved");
        break;
    }
}

/* May who read game_id? */
static bool proto_can_read(const auth_who_t *who, const char *game_id)
{
    if (who->role == AUTH_HOST)
        return true;
    return (who->role == AUTH_PLAYER || who->role == AUTH_OBSERVER) && strcmp(who->game_id, game_id) == 0;
}

int proto_change(app_t *app, const auth_who_t *who, const char *type, const char *game_id_in, const json_doc_t *d, int data,
                 hub_client_t *reply_to, const char *ref, proto_result_t *res)
{
    memset(res, 0, sizeof(*res));
    res->version = -1;
    int t = game_type_parse(type, strlen(type));
    if (t < 0 || t == GAME_A_STATE)
        PROTO_FAIL(PROTO_E_UNKNOWN_TYPE, "unknown message type");
    if (who->role == AUTH_NONE)
        PROTO_FAIL(PROTO_E_UNAUTHORIZED, "send connect with a token first");
    if (who->role == AUTH_OBSERVER)
        PROTO_FAIL(PROTO_E_FORBIDDEN, "observers cannot change a game");
    const char *game_id = game_id_in && game_id_in[0] ? game_id_in : (who->role == AUTH_PLAYER ? who->game_id : "");
    if (game_id[0] == '\0')
        return proto_bad(res, "game_id", "required");
    if (!proto_can_read(who, game_id))
        PROTO_FAIL(PROTO_E_FORBIDDEN, "this token belongs to another game");
    const game_t *g = core_game(app->core, game_id);
    if (g == NULL)
        PROTO_FAIL(PROTO_E_NOT_FOUND, "no such game");

    /* Static, not on the stack: an action holds up to 32 settings (about 30 KB).
     * The server is single-threaded and nothing here re-enters. */
    static game_action_t a;
    static proto_strings_t strs;
    game_action_init(&a, (game_action_type_t)t, core_actor(who));
    bool has_data = data >= 0 && json_type(d, data) == JSON_OBJECT;
    if (has_data && opt_int(d, data, "expected_version", &a.expected_version, res))
        return -1;
    int rc = 0;
    switch (a.type) {
    case GAME_A_SETUP: rc = has_data ? decode_setup(d, data, &a, &strs, res) : 0; break;
    case GAME_A_SCORE: rc = has_data ? decode_score(d, data, who, &a, res) : proto_bad(res, "data", "required"); break;
    case GAME_A_TIMER: rc = has_data ? decode_timer(d, data, &a, res) : proto_bad(res, "data", "required"); break;
    case GAME_A_TURN:
        rc = has_data ? opt_player(d, data, "current_turn", &a.turn.current_turn, res) : 0;
        break;
    case GAME_A_END: {
        a.end.winner = GAME_WINNER_BY_SCORE;
        int tw = has_data ? json_get(d, data, "winner") : -1;
        if (tw >= 0) {
            int64_t w;
            if (json_type(d, tw) == JSON_NULL)
                a.end.winner = GAME_WINNER_DRAW;
            else if (json_int(d, tw, &w) == 0 && (w == 1 || w == 2))
                a.end.winner = (int)w;
            else
                rc = proto_bad(res, "winner", "must be 1, 2 or null");
        }
        break;
    }
    case GAME_A_SETTINGS: rc = has_data ? decode_settings(d, data, &a, &strs, res) : proto_bad(res, "data", "required"); break;
    default: break; /* start, pause, resume, undo carry nothing */
    }
    if (rc != 0)
        return -1;
    buf_t logdata;
    buf_init(&logdata);
    proto_log_data(d, has_data ? data : -1, &logdata);
    const char *bad_field = NULL;
    int64_t version = 0;
    rc = core_change(app->core, game_id, &a, logdata.data, reply_to, ref, &bad_field, &version);
    buf_free(&logdata);
    if (rc != 0) {
        proto_core_error(rc, bad_field, res, core_game(app->core, game_id));
        return -1;
    }
    res->version = version;
    return 0;
}

/* The host's full game_state: create or replace a game. */
int proto_replace(app_t *app, const auth_who_t *who, const char *game_id_in, const json_doc_t *d, int data,
                  hub_client_t *reply_to, const char *ref, proto_result_t *res)
{
    memset(res, 0, sizeof(*res));
    res->version = -1;
    if (who->role != AUTH_HOST)
        PROTO_FAIL(who->role == AUTH_NONE ? PROTO_E_UNAUTHORIZED : PROTO_E_FORBIDDEN, "only the host may replace a game's state");
    char gid[64] = "";
    if (game_id_in && game_id_in[0]) {
        snprintf(gid, sizeof(gid), "%s", game_id_in);
    } else {
        int t = json_get(d, data, "game_id");
        if (t < 0 || json_str(d, t, gid, sizeof(gid)) <= 0)
            return proto_bad(res, "game_id", "required");
    }
    static game_t state; /* about 30 KB: static for the same reason as in proto_change */
    const char *bad_field = NULL;
    if (view_parse(d, data, gid, now_mono_ms(), &state, &bad_field) != 0)
        return proto_bad(res, bad_field ? bad_field : "data", "missing, wrong type or out of range");
    static game_action_t a;
    game_action_init(&a, GAME_A_STATE, GAME_ACTOR_HOST);
    game_opt_t ev = {false, 0};
    if (opt_int(d, data, "expected_version", &ev, res))
        return -1;
    a.expected_version = ev;
    a.state.state = &state;
    int64_t version = 0;
    int rc = core_change(app->core, gid, &a, "{}", reply_to, ref, &bad_field, &version);
    if (rc != 0) {
        proto_core_error(rc, bad_field, res, core_game(app->core, gid));
        return -1;
    }
    snprintf(res->game_id, sizeof(res->game_id), "%s", gid);
    res->version = version;
    return 0;
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
    proto_envelope(&b, "game_state", game_id);
    core_render(app->core, game_id, core_view_of(hub_view(c, game_id)), &b);
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

/* Resolves a token to who it is: the host token or a live session. */
int proto_who_from_token(app_t *app, const char *token, auth_who_t *who)
{
    memset(who, 0, sizeof(*who));
    size_t len = strlen(token);
    if (len == 0 || len > 128)
        return -1;
    char hash[AUTH_HASH_LEN + 1];
    auth_hash(token, len, hash);
    if (auth_equal(hash, app->host_hash, AUTH_HASH_LEN)) {
        who->role = AUTH_HOST;
        return 0;
    }
    /* The lookup is by hash, so timing reveals nothing about a token. */
    return store_session_find(app->store, hash, who) == 0 ? 0 : -1;
}

static void proto_reply_result(hub_client_t *c, const proto_result_t *res, const char *ref)
{
    proto_error(c, res->err, res->message, ref, res->err == PROTO_E_CONFLICT ? res->version : -1);
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
            proto_error(c, PROTO_E_BAD_MESSAGE, "token: required", ref, -1);
            return;
        }
        auth_who_t who;
        if (proto_who_from_token(app, token, &who) != 0) {
            proto_error(c, PROTO_E_UNAUTHORIZED, "invalid or revoked token", ref, -1);
            return;
        }
        hub_client_set_who(c, &who);
        buf_t b;
        buf_init(&b);
        proto_connect_msg(&b, c, ref);
        hub_send(c, b.data, b.len);
        buf_free(&b);
        return;
    }
    if (c->who.role == AUTH_NONE) {
        if (game_type_parse(type, strlen(type)) < 0 && strcmp(type, "subscribe") != 0 && strcmp(type, "unsubscribe") != 0)
            proto_error(c, PROTO_E_UNKNOWN_TYPE, "unknown message type", ref, -1);
        else
            proto_error(c, PROTO_E_UNAUTHORIZED, "send connect with a token first", ref, -1);
        return;
    }
    const char *gid = game_id[0] ? game_id : (c->who.role != AUTH_HOST ? c->who.game_id : "");
    if (strcmp(type, "subscribe") == 0 || strcmp(type, "unsubscribe") == 0 ||
        (strcmp(type, "game_state") == 0 && proto_state_is_read(d, data))) {
        if (gid[0] == '\0') {
            proto_error(c, PROTO_E_BAD_MESSAGE, "game_id: required", ref, -1);
            return;
        }
        if (!proto_can_read(&c->who, gid)) {
            proto_error(c, PROTO_E_FORBIDDEN, "this token belongs to another game", ref, -1);
            return;
        }
        if (core_game(app->core, gid) == NULL) {
            proto_error(c, PROTO_E_NOT_FOUND, "no such game", ref, -1);
            return;
        }
        if (type[0] == 'u') {
            hub_unsubscribe(c, gid);
            buf_t b;
            buf_init(&b);
            proto_envelope(&b, "ack", gid);
            buf_puts(&b, "{\"ref\":");
            json_put_cstr(&b, ref ? ref : "");
            buf_puts(&b, "}}");
            if (ref)
                hub_send(c, b.data, b.len);
            buf_free(&b);
            return;
        }
        if (type[0] == 's' && hub_subscribe(c, gid) != 0) {
            proto_error(c, PROTO_E_BAD_MESSAGE, "at most 64 games may be subscribed on one connection", ref, -1);
            return;
        }
        proto_send_state(app, c, gid, ref);
        return;
    }
    proto_result_t res;
    if (strcmp(type, "game_state") == 0) {
        if (proto_replace(app, &c->who, game_id, d, data, c, ref, &res) != 0) {
            proto_reply_result(c, &res, ref);
            return;
        }
        if (hub_subscribe(c, res.game_id) != 0)
            log_debug("host %s has 64 subscriptions: not subscribed to %s", c->client_id, res.game_id);
        return;
    }
    if (proto_change(app, &c->who, type, game_id, d, data, c, ref, &res) != 0)
        proto_reply_result(c, &res, ref);
}

void proto_handle(app_t *app, hub_client_t *c, const char *msg, size_t len)
{
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

    char game_id[64] = "";
    int t_gid = json_get(&d, 0, "game_id");
    if (t_gid >= 0 && json_type(&d, t_gid) != JSON_NULL) {
        int n = json_str(&d, t_gid, game_id, sizeof(game_id));
        if (n <= 0 || n > GAME_ID_MAX) {
            proto_error(c, PROTO_E_BAD_MESSAGE, "game_id: must be a string of 1 to 40 characters", ref, -1);
            return;
        }
    }
    proto_dispatch(app, c, type, game_id, &d, t_data, ref);
}

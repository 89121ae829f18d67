#include "api.h"
#include "api_impl.h"
#include "utf8.h"
#include "change.h"
#include "core.h"
#include "history.h"
#include "http.h"
#include "json.h"
#include "view.h"
#include "log.h"
#include "now.h"
#include "proto.h"
#include "qr.h"
#include "session.h"
#include "store.h"
#include "wifi.h"
#include "wire.h"

#include <stdio.h>
#include <string.h>

#define API_MAX_TOKENS (VIEW_MAX_TOKENS + 64) /* a full state and its envelope */

static bool api_method(h2o_req_t *req, const char *m)
{
    return h2o_memis(req->method.base, req->method.len, m, strlen(m));
}

/* Who is calling: a bearer token, else loopback trust, else nobody. A token that
 * is present but wrong is an error even from loopback. Returns false (and has
 * responded) on a bad token. */
bool api_who(app_t *app, h2o_req_t *req, auth_who_t *who)
{
    memset(who, 0, sizeof(*who));
    char token[160];
    if (http_bearer(req, token, sizeof(token))) {
        if (session_who(app, token, who) != 0) {
            api_error(app, req, WIRE_E_UNAUTHORIZED, "invalid or revoked token");
            return false;
        }
        char addr[64];
        http_client_addr(req, &app->trust, addr, sizeof(addr));
        session_seen(app, who, addr);
        return true;
    }
    trust_req_t tr;
    http_trust_req(req, &tr);
    if (app->cfg.trust_loopback && trust_loopback(&app->trust, &tr))
        who->role = AUTH_HOST;
    return true;
}

bool api_require_host(app_t *app, h2o_req_t *req, const auth_who_t *who)
{
    if (who->role == AUTH_HOST)
        return true;
    api_error(app, req, who->role == AUTH_NONE ? WIRE_E_UNAUTHORIZED : WIRE_E_FORBIDDEN,
              who->role == AUTH_NONE ? "host token required" : "only the host may do this");
    return false;
}

static bool api_require_read(app_t *app, h2o_req_t *req, const auth_who_t *who, const char *game_id)
{
    if (who->role == AUTH_HOST)
        return true;
    if ((who->role == AUTH_PLAYER || who->role == AUTH_OBSERVER) && strcmp(who->game_id, game_id) == 0)
        return true;
    api_error(app, req, who->role == AUTH_NONE ? WIRE_E_UNAUTHORIZED : WIRE_E_FORBIDDEN,
              who->role == AUTH_NONE ? "a token is required" : "this token belongs to another game");
    return false;
}

/* Parses the request body as a JSON object. Responds and returns -1 if it is not. */
static int api_body(app_t *app, h2o_req_t *req, json_doc_t *d, jsmntok_t *toks)
{
    return api_object_body(app, req, d, toks, API_MAX_TOKENS, API_MAX_BODY);
}

static void api_game_state(app_t *app, h2o_req_t *req, const auth_who_t *who, const char *game_id, int status)
{
    if (core_committed(app->core, game_id) == NULL) {
        api_error(app, req, WIRE_E_NOT_FOUND, "no such game");
        return;
    }
    buf_t b;
    buf_init(&b);
    proto_render(app, game_id, change_view(who, game_id), &b);
    api_json(req, status, &b);
    buf_free(&b);
}

/* Commits what a handler changed; on failure answers internal and returns -1. */
static int api_commit(app_t *app, h2o_req_t *req)
{
    if (core_flush(app->core) != 0) {
        api_error(app, req, WIRE_E_INTERNAL, "the change could not be saved");
        return -1;
    }
    return 0;
}

int api_parse_new_game(const json_doc_t *d, buf_t *state, char *msg, size_t cap)
{
    /* The body is a small game state: names become players[], the rest as is. */
    static const char *const keys[2] = {"player1_name", "player2_name"};
    buf_puts(state, "{\"players\":[{\"player_number\":1");
    for (int n = 0; n < 2; n++) {
        if (n == 1)
            buf_puts(state, "},{\"player_number\":2");
        int tn = json_get(d, 0, keys[n]);
        if (tn < 0)
            continue;
        if (json_type(d, tn) != JSON_STRING) {
            snprintf(msg, cap, "%s: must be a string", keys[n]);
            return -1;
        }
        size_t len;
        const char *raw = json_raw(d, tn, &len);
        buf_puts(state, ",\"name\":");
        buf_append(state, raw, len);
    }
    buf_puts(state, "}]");
    int ts = json_get(d, 0, "settings");
    if (ts >= 0 && json_type(d, ts) != JSON_NULL) {
        if (json_type(d, ts) != JSON_OBJECT) {
            snprintf(msg, cap, "settings: must be an object");
            return -1;
        }
        size_t len;
        const char *raw = json_raw(d, ts, &len);
        buf_puts(state, ",\"settings\":");
        buf_append(state, raw, len);
    }
    buf_putc(state, '}');
    return 0;
}

int api_check_settings(const json_doc_t *d, char *msg, size_t cap)
{
    if (json_size(d, 0) > 64) {
        snprintf(msg, cap, "at most 64 settings at once");
        return -1;
    }
    int k = 1;
    for (int i = 0; i < json_size(d, 0); i++, k = json_next(d, k + 1)) {
        char key[64], val[256];
        int kl = json_str(d, k, key, sizeof(key));
        json_type_t vt = json_type(d, k + 1);
        if (kl <= 0 || kl > 40) {
            snprintf(msg, cap, "settings keys: 1 to 40 characters");
            return -1;
        }
        if (vt != JSON_NULL && (vt != JSON_STRING || json_str(d, k + 1, val, sizeof(val)) < 0 || utf8_chars(val, strlen(val)) > 200)) {
            snprintf(msg, cap, "%s: a string of at most 200 characters, or null to remove", key);
            return -1;
        }
    }
    return 0;
}

/* POST /api/games {player1_name, player2_name, settings?, game_id?} */
static void api_create_game(app_t *app, h2o_req_t *req, const auth_who_t *who)
{
    if (!api_require_host(app, req, who))
        return;
    jsmntok_t toks[API_MAX_TOKENS];
    json_doc_t d;
    if (api_body(app, req, &d, toks) != 0)
        return;
    char id[GAME_ID_MAX + 1];
    int t = json_get(&d, 0, "game_id");
    if (t >= 0) {
        if (json_str(&d, t, id, sizeof(id)) <= 0) {
            api_error(app, req, WIRE_E_BAD_MESSAGE, "game_id: 1 to 40 characters of A-Z a-z 0-9 . _ -");
            return;
        }
        if (core_game(app->core, id) != NULL) {
            api_error(app, req, WIRE_E_CONFLICT, "a game with this game_id exists");
            return;
        }
    } else {
        unsigned char r[4];
        do {
            auth_random(r, sizeof(r));
            snprintf(id, sizeof(id), "g-%02x%02x%02x%02x", r[0], r[1], r[2], r[3]);
        } while (core_game(app->core, id) != NULL);
    }
    buf_t state;
    buf_init(&state);
    char msg[128];
    if (api_parse_new_game(&d, &state, msg, sizeof(msg)) != 0) {
        buf_free(&state);
        api_error(app, req, WIRE_E_BAD_MESSAGE, msg);
        return;
    }
    jsmntok_t stoks[API_MAX_TOKENS];
    json_doc_t sd;
    change_result_t res;
    if (json_parse(&sd, state.data, state.len, stoks, API_MAX_TOKENS) != 0) {
        buf_free(&state);
        api_error(app, req, WIRE_E_BAD_MESSAGE, "body has too many JSON values");
        return;
    }
    int rc = change_replace(app->core, who, id, &sd, 0, NULL, NULL, &res);
    buf_free(&state);
    if (rc != 0) {
        /* Field names of the built state map back to the body's. */
        if (strncmp(res.message, "players[0].name", 15) == 0)
            snprintf(res.message, sizeof(res.message), "player1_name: at most 40 characters, no control characters");
        else if (strncmp(res.message, "players[1].name", 15) == 0)
            snprintf(res.message, sizeof(res.message), "player2_name: at most 40 characters, no control characters");
        api_error(app, req, res.err, res.message);
        return;
    }
    if (api_commit(app, req) != 0)
        return;
    log_info("game %s created", id);
    char loc[96];
    snprintf(loc, sizeof(loc), "/api/games/%s", id);
    http_header(req, "location", loc);
    api_game_state(app, req, who, id, 201);
}

/* POST /api/games/{id}/actions: a section 5 envelope; answers with the ack or error data. */
static void api_action(app_t *app, h2o_req_t *req, const auth_who_t *who, const char *game_id)
{
    jsmntok_t toks[API_MAX_TOKENS];
    json_doc_t d;
    if (api_body(app, req, &d, toks) != 0)
        return;
    char type[32];
    int tt = json_get(&d, 0, "type");
    if (tt < 0 || json_str(&d, tt, type, sizeof(type)) < 0) {
        api_error(app, req, WIRE_E_BAD_MESSAGE, "type: required string");
        return;
    }
    char ref[260];
    const char *refp = NULL;
    int ti = json_get(&d, 0, "id");
    if (ti >= 0 && json_type(&d, ti) != JSON_NULL) {
        int n = json_str(&d, ti, ref, sizeof(ref));
        if (n < 0 || utf8_chars(ref, (size_t)n) > 64) {
            api_error(app, req, WIRE_E_BAD_MESSAGE, "id: must be a string of at most 64 characters");
            return;
        }
        refp = ref;
    }
    char envgid[64];
    int tg = json_get(&d, 0, "game_id");
    if (tg >= 0 && (json_str(&d, tg, envgid, sizeof(envgid)) < 0 || strcmp(envgid, game_id) != 0)) {
        api_error(app, req, WIRE_E_BAD_MESSAGE, "game_id: differs from the URL");
        return;
    }
    int data = json_get(&d, 0, "data");
    if (data >= 0 && json_type(&d, data) != JSON_OBJECT && json_type(&d, data) != JSON_NULL) {
        api_error(app, req, WIRE_E_BAD_MESSAGE, "data: must be an object");
        return;
    }
    if (who->role == AUTH_NONE) {
        api_error(app, req, WIRE_E_UNAUTHORIZED, "a token is required");
        return;
    }
    change_result_t res;
    int rc;
    if (strcmp(type, "game_state") == 0) {
        /* A read, as on the WebSocket: no data, {} or only {"game_id": ...}. */
        if (data < 0 || json_type(&d, data) != JSON_OBJECT || json_size(&d, data) == 0 ||
            (json_size(&d, data) == 1 && json_get(&d, data, "game_id") >= 0)) {
            if (api_require_read(app, req, who, game_id)) {
                if (core_game(app->core, game_id) == NULL)
                    api_error(app, req, WIRE_E_NOT_FOUND, "no such game");
                else
                    api_game_state(app, req, who, game_id, 200);
            }
            return;
        }
        rc = change_replace(app->core, who, game_id, &d, data, NULL, NULL, &res);
    } else {
        rc = change_apply(app->core, who, type, game_id, &d, data, NULL, NULL, &res);
    }
    if (rc != 0) {
        /* Like every API error, plus the ref and (for conflict) the version. */
        app->metrics.errors[res.err]++;
        buf_t b;
        buf_init(&b);
        buf_puts(&b, "{\"error\":");
        wire_error_data(&b, res.err, res.message, refp, res.err == WIRE_E_CONFLICT ? res.version : -1);
        buf_putc(&b, '}');
        http_send_json(req, wire_http_status(res.err), b.data, b.len);
        buf_free(&b);
        return;
    }
    if (api_commit(app, req) != 0)
        return;
    buf_t b;
    buf_init(&b);
    wire_ack_data(&b, refp, res.version);
    api_json(req, 200, &b);
    buf_free(&b);
}

static void api_history(app_t *app, h2o_req_t *req, const auth_who_t *who, const char *game_id)
{
    char format[8] = "json";
    int fl = http_query(req, "format", format, sizeof(format));
    bool csv = fl >= 0 && strcmp(format, "csv") == 0;
    if (fl >= 0 && !csv && strcmp(format, "json") != 0) {
        api_error(app, req, WIRE_E_BAD_MESSAGE, "format: json or csv");
        return;
    }
    buf_t b;
    buf_init(&b);
    if (history_render(app->store, game_id, who->role == AUTH_HOST, csv, &b) != 0) {
        buf_free(&b);
        api_error(app, req, WIRE_E_INTERNAL, "cannot read the history");
        return;
    }
    if (csv) {
        char disp[128];
        snprintf(disp, sizeof(disp), "attachment; filename=\"%s-history.csv\"", game_id);
        http_header(req, "content-disposition", disp);
        h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CACHE_CONTROL, NULL, H2O_STRLIT("no-store"));
        http_send(req, 200, "text/csv; charset=utf-8", b.data, b.len);
    } else {
        api_json(req, 200, &b);
    }
    buf_free(&b);
}

static void api_qr(app_t *app, h2o_req_t *req, const char *game_id)
{
    char code[32], url[400];
    if (http_query(req, "code", code, sizeof(code)) < 0) {
        snprintf(url, sizeof(url), "%s/display?game=%s", app->public_url, game_id);
    } else {
        auth_who_t who;
        if (!auth_code_normalize(code) || store_invite_find(app->store, code, &who) != 0 || strcmp(who.game_id, game_id) != 0) {
            api_error(app, req, WIRE_E_NOT_FOUND, "no such invite for this game");
            return;
        }
        snprintf(url, sizeof(url), "%s/j/%s", app->public_url, code);
    }
    api_qr_svg(app, req, url);
}

/* GET /api/wifi.svg: a QR code that joins the appliance's Wi-Fi (the settings
 * wifi.ssid, wifi.password, wifi.security written by the Pi image), so phones get
 * onto the network before they scan a join code. */
static void api_wifi_qr(app_t *app, h2o_req_t *req)
{
    buf_t text;
    buf_init(&text);
    if (!wifi_qr_text(app->store, &text, NULL, 0)) {
        buf_free(&text);
        api_error(app, req, WIRE_E_NOT_FOUND, "no Wi-Fi network is configured (setting wifi.ssid)");
        return;
    }
    qr_t qr;
    int rc = qr_encode((const uint8_t *)text.data, text.len, &qr);
    buf_free(&text);
    if (rc != QR_OK) {
        api_error(app, req, WIRE_E_BAD_MESSAGE, "the network name and password are too long for a QR code");
        return;
    }
    size_t need = qr_svg(&qr, 4, NULL, 0);
    char *svg = h2o_mem_alloc_pool(&req->pool, need + 1);
    qr_svg(&qr, 4, svg, need + 1);
    h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CACHE_CONTROL, NULL, H2O_STRLIT("no-store"));
    http_send(req, 200, "image/svg+xml", svg, need);
}

static void api_settings(app_t *app, h2o_req_t *req)
{
    if (api_method(req, "PUT")) {
        jsmntok_t toks[API_MAX_TOKENS];
        json_doc_t d;
        if (api_body(app, req, &d, toks) != 0)
            return;
        /* Validate everything before writing anything. */
        char msg[160];
        if (api_check_settings(&d, msg, sizeof(msg)) != 0) {
            api_error(app, req, WIRE_E_BAD_MESSAGE, msg);
            return;
        }
        /* One savepoint for the whole body: all of it or none of it, and a
         * failure here undoes nothing of anyone else's. */
        if (core_write_begin(app->core) != 0) {
            api_error(app, req, WIRE_E_INTERNAL, "cannot save the settings");
            return;
        }
        bool ok = true;
        int k = 1;
        for (int i = 0; ok && i < json_size(&d, 0); i++, k = json_next(&d, k + 1)) {
            char key[64], val[1024];
            json_str(&d, k, key, sizeof(key));
            bool del = json_type(&d, k + 1) == JSON_NULL;
            if (!del)
                json_str(&d, k + 1, val, sizeof(val));
            ok = store_setting_put(app->store, key, del ? NULL : val) == 0;
        }
        if (core_write_end(app->core, ok) != 0) {
            api_error(app, req, WIRE_E_INTERNAL, "cannot save the settings");
            return;
        }
        if (api_commit(app, req) != 0)
            return;
    } else if (!api_method(req, "GET") && !api_method(req, "HEAD")) {
        api_method_not_allowed(app, req, "GET, PUT");
        return;
    }
    buf_t b;
    buf_init(&b);
    if (store_settings_json(app->store, &b) != 0) {
        buf_free(&b);
        api_error(app, req, WIRE_E_INTERNAL, "cannot read the settings");
        return;
    }
    api_json(req, 200, &b);
    buf_free(&b);
}

int api_split_path(const char *path, size_t len, char seg[API_MAX_SEGMENTS][64])
{
    if (len < 4 || memcmp(path, "/api", 4) != 0)
        return -1;
    const char *p = path + 4, *end = path + len;
    int n = 0;
    while (p < end) {
        if (*p == '/') {
            p++;
            continue;
        }
        const char *s = p;
        while (p < end && *p != '/')
            p++;
        if (n >= API_MAX_SEGMENTS || http_url_decode(s, (size_t)(p - s), seg[n], 64) < 0)
            return -1;
        n++;
    }
    return n;
}

void api_handle(app_t *app, h2o_req_t *req)
{
    char seg[API_MAX_SEGMENTS][64];
    int n = api_split_path(req->path_normalized.base, req->path_normalized.len, seg);
    if (n <= 0) {
        api_error(app, req, WIRE_E_NOT_FOUND, "no such API endpoint");
        return;
    }
    bool get = api_method(req, "GET") || api_method(req, "HEAD");
    bool post = api_method(req, "POST");
    bool del = api_method(req, "DELETE");
    /* A page of another site may make a browser send a request (CSRF); without a
     * token it may change nothing, whoever it would be taken for. */
    h2o_iovec_t origin = http_req_header(req, "origin");
    bool changes = post || del || api_method(req, "PUT") || api_method(req, "PATCH");
    if (changes && http_req_header(req, "authorization").base == NULL &&
        trust_origin_foreign(&app->trust, origin.base, origin.len)) {
        api_error(app, req, WIRE_E_FORBIDDEN, "a request from another site's page needs a token");
        return;
    }
    if (n == 1 && (strcmp(seg[0], "follow") == 0 || strcmp(seg[0], "promote") == 0 || strcmp(seg[0], "demote") == 0)) {
        auth_who_t host;
        if (api_who(app, req, &host) && api_require_host(app, req, &host))
            api_follow(app, req, seg[0], get, post);
        return;
    }
    /* A follower takes no change from anyone (section 12). */
    if (changes && core_replica(app->core)) {
        api_error(app, req, WIRE_E_READ_ONLY, "this server is a follower: changes go to the primary");
        return;
    }
    if (n == 1 && strcmp(seg[0], "join") == 0) {
        if (!post)
            api_method_not_allowed(app, req, "POST");
        else
            api_join(app, req);
        return;
    }
    auth_who_t who;
    if (strcmp(seg[0], "host-invites") == 0 && n == 1) {
        if (!post)
            api_method_not_allowed(app, req, "POST");
        else if (api_who(app, req, &who) && api_require_host(app, req, &who))
            api_create_host_invite(app, req);
        return;
    }
    if (strcmp(seg[0], "sessions") == 0 && n <= 2) {
        if (n == 1 && !get)
            api_method_not_allowed(app, req, "GET");
        else if (n == 2 && !del)
            api_method_not_allowed(app, req, "DELETE");
        else if (api_who(app, req, &who) && api_require_host(app, req, &who))
            n == 1 ? api_list_sessions(app, req) : api_revoke_session(app, req, seg[1]);
        return;
    }
    if (strcmp(seg[0], "settings") == 0 && n == 1) {
        if (api_who(app, req, &who) && api_require_host(app, req, &who))
            api_settings(app, req);
        return;
    }
    if (strcmp(seg[0], "backup") == 0 && n == 1) {
        if (!get)
            api_method_not_allowed(app, req, "GET");
        else if (api_who(app, req, &who) && api_require_host(app, req, &who))
            api_backup(app, req);
        return;
    }
    if (strcmp(seg[0], "hall") == 0 && n == 1) {
        if (!get)
            api_method_not_allowed(app, req, "GET");
        else if (api_who(app, req, &who) && api_require_host(app, req, &who))
            api_hall(app, req);
        return;
    }
    if (strcmp(seg[0], "wifi.svg") == 0 && n == 1) {
        if (!get)
            api_method_not_allowed(app, req, "GET");
        else if (api_who(app, req, &who) && api_require_host(app, req, &who))
            api_wifi_qr(app, req);
        return;
    }
    if (strcmp(seg[0], "events") == 0) {
        api_events(app, req, seg, n);
        return;
    }
    if (strcmp(seg[0], "games") != 0) {
        api_error(app, req, WIRE_E_NOT_FOUND, "no such API endpoint");
        return;
    }
    if (!api_who(app, req, &who))
        return;
    if (n == 1) {
        if (post) {
            api_create_game(app, req, &who);
        } else if (get) {
            if (!api_require_host(app, req, &who))
                return;
            buf_t b;
            buf_init(&b);
            buf_puts(&b, "{\"games\":");
            core_list(app->core, &b);
            buf_putc(&b, '}');
            api_json(req, 200, &b);
            buf_free(&b);
        } else {
            api_method_not_allowed(app, req, "GET, POST");
        }
        return;
    }
    const char *id = seg[1];
    /* Authorization before existence, so a guest cannot probe for game ids. */
    bool host_only = (n == 2 && del) || (n >= 3 && (strcmp(seg[2], "invites") == 0 || strcmp(seg[2], "qr.svg") == 0));
    if (host_only ? !api_require_host(app, req, &who) : (n != 3 || strcmp(seg[2], "actions") != 0) && !api_require_read(app, req, &who, id))
        return;
    if (core_game(app->core, id) == NULL) {
        api_error(app, req, WIRE_E_NOT_FOUND, "no such game");
        return;
    }
    if (n == 2) {
        if (get) {
            api_game_state(app, req, &who, id, 200);
        } else if (del) {
            if (core_delete(app->core, id) != 0 || core_flush(app->core) != 0) {
                api_error(app, req, WIRE_E_INTERNAL, "cannot delete the game");
                return;
            }
            log_info("game %s deleted", id);
            http_send(req, 204, NULL, "", 0);
        } else {
            api_method_not_allowed(app, req, "GET, DELETE");
        }
        return;
    }
    if (n == 3 && strcmp(seg[2], "actions") == 0) {
        if (post)
            api_action(app, req, &who, id);
        else
            api_method_not_allowed(app, req, "POST");
        return;
    }
    if (n == 3 && strcmp(seg[2], "history") == 0) {
        if (get)
            api_history(app, req, &who, id);
        else
            api_method_not_allowed(app, req, "GET");
        return;
    }
    if (n == 3 && strcmp(seg[2], "qr.svg") == 0) {
        if (get)
            api_qr(app, req, id);
        else
            api_method_not_allowed(app, req, "GET");
        return;
    }
    if (n == 3 && strcmp(seg[2], "invites") == 0) {
        if (post)
            api_create_invite(app, req, id);
        else if (get)
            api_list_invites(app, req, id);
        else
            api_method_not_allowed(app, req, "GET, POST");
        return;
    }
    if (n == 4 && strcmp(seg[2], "invites") == 0) {
        if (del)
            api_revoke_invite(app, req, id, seg[3]);
        else
            api_method_not_allowed(app, req, "DELETE");
        return;
    }
    api_error(app, req, WIRE_E_NOT_FOUND, "no such API endpoint");
}

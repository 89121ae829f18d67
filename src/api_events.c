/* The REST API of events (PROTOCOL.md section 11; the details in docs/tournaments.md):
 * parses the bodies, asks tourney for the change, answers the event's JSON. */
#include "api_impl.h"
#include "event.h"
#include "http.h"
#include "json.h"
#include "log.h"
#include "mem.h"
#include "now.h"
#include "store.h"
#include "tourney.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define API_EVENTS_TOKENS 8192 /* 512 entrants of three fields, and room */

static bool api_ev_method(h2o_req_t *req, const char *m)
{
    return h2o_memis(req->method.base, req->method.len, m, strlen(m));
}

/* Maps a tourney error to its wire error, with msg (or a default). */
static void api_ev_fail(app_t *app, h2o_req_t *req, int rc, const char *msg)
{
    switch (rc) {
    case TOURNEY_E_BAD: api_error(app, req, WIRE_E_BAD_MESSAGE, msg ? msg : "bad request"); break;
    case TOURNEY_E_STATE: api_error(app, req, WIRE_E_INVALID_STATE, msg ? msg : "not now"); break;
    case TOURNEY_E_NOT_FOUND: api_error(app, req, WIRE_E_NOT_FOUND, msg ? msg : "not found"); break;
    default: api_error(app, req, WIRE_E_INTERNAL, "the change could not be saved"); break;
    }
}

/* Parses the body as a JSON object into a heap token array (*toks, freed by the caller). */
static int api_ev_body(app_t *app, h2o_req_t *req, json_doc_t *d, jsmntok_t **toks)
{
    *toks = mem_alloc(API_EVENTS_TOKENS * sizeof(**toks));
    return api_object_body(app, req, d, *toks, API_EVENTS_TOKENS, 64 * 1024);
}

static void api_ev_state(app_t *app, h2o_req_t *req, const event_t *ev, bool host, int status)
{
    buf_t b;
    buf_init(&b);
    tourney_render(app->tourney, ev, host, &b);
    api_json(req, status, &b);
    buf_free(&b);
}

/* An optional string field (at most cap - 1 bytes); -1 when of the wrong type. */
static int api_ev_str(const json_doc_t *d, int obj, const char *key, char *out, size_t cap, bool *present)
{
    int t = json_get(d, obj, key);
    *present = t >= 0 && json_type(d, t) != JSON_NULL;
    out[0] = '\0';
    if (!*present)
        return 0;
    return json_type(d, t) == JSON_STRING && json_str(d, t, out, cap) >= 0 ? 0 : -1;
}

/* POST /api/events */
static void api_ev_create(app_t *app, h2o_req_t *req)
{
    json_doc_t d;
    jsmntok_t *toks;
    if (api_ev_body(app, req, &d, &toks) != 0) {
        free(toks);
        return;
    }
    char name[GAME_NAME_SIZE * 2], msg[160] = "";
    bool has;
    int64_t rounds = 0, rtime = EVENT_ROUND_TIME_DEFAULT;
    standings_scoring_t sc = standings_scoring_default();
    const char *settings = NULL;
    size_t slen = 0;
    int t;
    if (api_ev_str(&d, 0, "name", name, sizeof(name), &has) != 0 || !has || name[0] == '\0')
        snprintf(msg, sizeof(msg), "name: a string of 1 to 40 characters");
    else if ((t = json_get(&d, 0, "rounds")) < 0 || json_int(&d, t, &rounds) != 0 || rounds < 1 || rounds > EVENT_MAX_ROUNDS)
        snprintf(msg, sizeof(msg), "rounds: an integer from 1 to %d", EVENT_MAX_ROUNDS);
    else if ((t = json_get(&d, 0, "round_time_ms")) >= 0 && json_type(&d, t) != JSON_NULL &&
             (json_int(&d, t, &rtime) != 0 || rtime < EVENT_ROUND_TIME_MIN || rtime > EVENT_ROUND_TIME_MAX))
        snprintf(msg, sizeof(msg), "round_time_ms: an integer from %d to %d", EVENT_ROUND_TIME_MIN, EVENT_ROUND_TIME_MAX);
    if (msg[0] == '\0' && (t = json_get(&d, 0, "scoring")) >= 0 && json_type(&d, t) != JSON_NULL) {
        static const char *const keys[3] = {"win", "draw", "loss"};
        int64_t *vals[3] = {&sc.win, &sc.draw, &sc.loss};
        if (json_type(&d, t) != JSON_OBJECT)
            snprintf(msg, sizeof(msg), "scoring: an object {win, draw, loss}");
        for (int k = 0; k < 3 && msg[0] == '\0'; k++) {
            int v = json_get(&d, t, keys[k]);
            if (v >= 0 && (json_int(&d, v, vals[k]) != 0 || *vals[k] < -100 || *vals[k] > 100))
                snprintf(msg, sizeof(msg), "scoring.%s: an integer from -100 to 100", keys[k]);
        }
    }
    if (msg[0] == '\0' && (t = json_get(&d, 0, "settings")) >= 0 && json_type(&d, t) != JSON_NULL) {
        if (json_type(&d, t) != JSON_OBJECT)
            snprintf(msg, sizeof(msg), "settings: must be an object");
        else
            settings = json_raw(&d, t, &slen);
    }
    if (msg[0]) {
        free(toks);
        api_error(app, req, WIRE_E_BAD_MESSAGE, msg);
        return;
    }
    if (event_entrant_check(name, "", "") != NULL) {
        free(toks);
        api_error(app, req, WIRE_E_BAD_MESSAGE, "name: a string of 1 to 40 characters, no control characters");
        return;
    }
    char *st = settings ? mem_strndup(settings, slen) : NULL;
    event_t *ev = NULL;
    int rc = tourney_create(app->tourney, name, (uint32_t)rounds, rtime, &sc, st, &ev, msg, sizeof(msg));
    free(st);
    free(toks);
    if (rc != 0) {
        api_ev_fail(app, req, rc, msg);
        return;
    }
    char loc[64];
    snprintf(loc, sizeof(loc), "/api/events/%s", ev->id);
    http_header(req, "location", loc);
    api_ev_state(app, req, ev, true, 201);
}

/* One entrant object of a JSON body into in (strings in store, 3 x GAME_NAME_SIZE * 2). */
static int api_ev_parse_one(const json_doc_t *d, int obj, event_entrant_in_t *in, char *store, const char *where, char *msg,
                            size_t msgcap)
{
    static const char *const keys[3] = {"name", "faction", "club"};
    char *f[3];
    if (json_type(d, obj) != JSON_OBJECT) {
        snprintf(msg, msgcap, "%s: must be an object {name, faction?, club?}", where);
        return -1;
    }
    for (int k = 0; k < 3; k++) {
        bool has;
        f[k] = store + k * GAME_NAME_SIZE * 2;
        if (api_ev_str(d, obj, keys[k], f[k], GAME_NAME_SIZE * 2, &has) != 0 || (k == 0 && (!has || f[k][0] == '\0'))) {
            snprintf(msg, msgcap, "%s%s%s: a string of %s40 characters", where, where[0] ? "." : "", keys[k], k ? "at most " : "1 to ");
            return -1;
        }
    }
    const char *bad = event_entrant_check(f[0], f[1], f[2]);
    if (bad) {
        snprintf(msg, msgcap, "%s%s%s: at most 40 characters, no control characters", where, where[0] ? "." : "", bad);
        return -1;
    }
    in->name = f[0];
    in->faction = f[1];
    in->club = f[2];
    return 0;
}

/* POST /api/events/{id}/entrants */
static void api_ev_entrants(app_t *app, h2o_req_t *req, event_t *ev)
{
    event_entrant_in_t *in = mem_alloc((EVENT_MAX_ENTRANTS + 1) * sizeof(*in));
    char *store = NULL, *text = NULL;
    jsmntok_t *toks = NULL;
    char msg[200] = "";
    int n = -1;
    h2o_iovec_t ct = http_req_header(req, "content-type");
    bool plain = ct.base && (h2o_strstr(ct.base, ct.len, H2O_STRLIT("text/plain")) != SIZE_MAX ||
                             h2o_strstr(ct.base, ct.len, H2O_STRLIT("text/csv")) != SIZE_MAX);
    if (plain) {
        if (req->entity.len > 64 * 1024) {
            api_error(app, req, WIRE_E_TOO_LARGE, "request body over 64 KiB");
            goto out;
        }
        text = mem_strndup(req->entity.base ? req->entity.base : "", req->entity.len);
        n = event_parse_list(text, in, EVENT_MAX_ENTRANTS, msg, sizeof(msg));
    } else {
        json_doc_t d;
        if (api_ev_body(app, req, &d, &toks) != 0)
            goto out;
        int list = json_get(&d, 0, "entrants");
        if (list >= 0) {
            if (json_type(&d, list) != JSON_ARRAY) {
                snprintf(msg, sizeof(msg), "entrants: must be an array");
            } else if (json_size(&d, list) > EVENT_MAX_ENTRANTS) {
                snprintf(msg, sizeof(msg), "entrants: at most %d in one request", EVENT_MAX_ENTRANTS);
            } else {
                int cnt = json_size(&d, list);
                store = mem_alloc((size_t)(cnt + 1) * 3 * GAME_NAME_SIZE * 2);
                n = 0;
                for (int i = 0, k = list + 1; i < cnt; i++, k = json_next(&d, k)) {
                    char where[32];
                    snprintf(where, sizeof(where), "entrants[%d]", i);
                    if (api_ev_parse_one(&d, k, &in[n], store + (size_t)i * 3 * GAME_NAME_SIZE * 2, where, msg, sizeof(msg)) != 0) {
                        n = -1;
                        break;
                    }
                    n++;
                }
                if (n == 0)
                    snprintf(msg, sizeof(msg), "entrants: at least one"), n = -1;
            }
        } else {
            store = mem_alloc(3 * GAME_NAME_SIZE * 2);
            n = api_ev_parse_one(&d, 0, &in[0], store, "", msg, sizeof(msg)) == 0 ? 1 : -1;
        }
    }
    if (n == 0) {
        snprintf(msg, sizeof(msg), "no entrants in the list");
        n = -1;
    }
    if (n < 0) {
        api_error(app, req, WIRE_E_BAD_MESSAGE, msg);
        goto out;
    }
    if (ev->n_entrants + (size_t)n > EVENT_MAX_ENTRANTS) {
        snprintf(msg, sizeof(msg), "an event has at most %d entrants (it has %zu)", EVENT_MAX_ENTRANTS, ev->n_entrants);
        api_error(app, req, WIRE_E_BAD_MESSAGE, msg);
        goto out;
    }
    uint32_t first;
    int rc = tourney_add_entrants(app->tourney, ev, in, (size_t)n, &first);
    if (rc != 0) {
        api_ev_fail(app, req, rc, "the event has ended");
        goto out;
    }
    buf_t b;
    buf_init(&b);
    buf_puts(&b, "{\"entrants\":[");
    for (uint32_t id = first; id < first + (uint32_t)n; id++) {
        if (id > first)
            buf_putc(&b, ',');
        event_render_entrant(&b, ev, id, app->public_url);
    }
    buf_puts(&b, "]}");
    api_json(req, 201, &b);
    buf_free(&b);
    log_info("event %s: %d entrant(s) added", ev->id, n);
out:
    free(in);
    free(store);
    free(text);
    free(toks);
}

/* PATCH /api/events/{id}/entrants/{entrant_id} */
static void api_ev_patch(app_t *app, h2o_req_t *req, event_t *ev, const char *id_text)
{
    char *end;
    long id = strtol(id_text, &end, 10);
    if (*end != '\0' || event_entrant(ev, id) == NULL) {
        api_error(app, req, WIRE_E_NOT_FOUND, "no such entrant in this event");
        return;
    }
    json_doc_t d;
    jsmntok_t *toks;
    if (api_ev_body(app, req, &d, &toks) != 0) {
        free(toks);
        return;
    }
    static const char *const keys[3] = {"name", "faction", "club"};
    char f[3][GAME_NAME_SIZE * 2];
    bool has[3];
    for (int k = 0; k < 3; k++) {
        if (api_ev_str(&d, 0, keys[k], f[k], sizeof(f[k]), &has[k]) != 0 ||
            event_entrant_check(k == 0 ? (has[0] ? f[0] : "x") : "x", k == 1 ? f[1] : "", k == 2 ? f[2] : "") != NULL ||
            (k == 0 && has[0] && f[0][0] == '\0')) {
            char msg[96];
            snprintf(msg, sizeof(msg), "%s: a string of %s40 characters, no control characters", keys[k], k ? "at most " : "1 to ");
            free(toks);
            api_error(app, req, WIRE_E_BAD_MESSAGE, msg);
            return;
        }
    }
    int dropped = -1;
    int t = json_get(&d, 0, "dropped");
    bool bv;
    if (t >= 0) {
        if (json_bool(&d, t, &bv) != 0) {
            free(toks);
            api_error(app, req, WIRE_E_BAD_MESSAGE, "dropped: true or false");
            return;
        }
        dropped = bv;
    }
    free(toks);
    int rc = tourney_patch_entrant(app->tourney, ev, (uint32_t)id, has[0] ? f[0] : NULL, has[1] ? f[1] : NULL,
                                   has[2] ? f[2] : NULL, dropped);
    if (rc != 0) {
        api_ev_fail(app, req, rc, NULL);
        return;
    }
    buf_t b;
    buf_init(&b);
    event_render_entrant(&b, ev, (uint32_t)id, app->public_url);
    api_json(req, 200, &b);
    buf_free(&b);
}

/* POST /api/events/{id}/timer */
static void api_ev_timer(app_t *app, h2o_req_t *req, event_t *ev)
{
    json_doc_t d;
    jsmntok_t *toks;
    if (api_ev_body(app, req, &d, &toks) != 0) {
        free(toks);
        return;
    }
    char action[16];
    bool has;
    int64_t remaining = -1;
    int t = json_get(&d, 0, "remaining_ms");
    int bad = api_ev_str(&d, 0, "action", action, sizeof(action), &has) != 0 || !has;
    if (!bad && t >= 0 && json_int(&d, t, &remaining) != 0)
        bad = 2;
    free(toks);
    if (!bad && strcmp(action, "set") == 0 && t < 0)
        bad = 2;
    if (bad) {
        api_error(app, req, WIRE_E_BAD_MESSAGE,
                  bad == 1 ? "action: start, pause, resume or set" : "remaining_ms: an integer from 0 to 86400000 (required for set)");
        return;
    }
    int rc = tourney_timer(app->tourney, ev, action, remaining);
    if (rc != 0) {
        api_ev_fail(app, req, rc,
                    rc == TOURNEY_E_BAD ? "action: start, pause, resume or set; remaining_ms: 0 to 86400000"
                                        : "the timer cannot do that now (no round yet, already running or stopped, or at 0)");
        return;
    }
    buf_t b;
    buf_init(&b);
    int64_t now = now_mono_ms();
    buf_printf(&b, "{\"timer\":{\"remaining_ms\":%lld,\"running\":%s},\"server_time\":%lld}", (long long)event_timer_remaining(ev, now),
               ev->timer.running ? "true" : "false", (long long)now_wall_ms());
    api_json(req, 200, &b);
    buf_free(&b);
}

/* POST /api/events/{id}/results/{game_id} */
static void api_ev_result(app_t *app, h2o_req_t *req, event_t *ev, const char *game_id)
{
    event_game_t *eg = NULL;
    if (tourney_event_of_game(app->tourney, game_id, &eg) != ev || eg == NULL) {
        api_error(app, req, WIRE_E_NOT_FOUND, "no such game in this event");
        return;
    }
    json_doc_t d;
    jsmntok_t *toks;
    if (api_ev_body(app, req, &d, &toks) != 0) {
        free(toks);
        return;
    }
    int64_t w = 0, vp[2] = {0, 0};
    bool vp_set = false;
    const char *msg = NULL;
    int t = json_get(&d, 0, "winner");
    if (t < 0 || (json_type(&d, t) != JSON_NULL && (json_int(&d, t, &w) != 0 || (w != 1 && w != 2))))
        msg = "winner: 1, 2 or null (a draw)";
    int tv = json_get(&d, 0, "vp");
    if (msg == NULL && tv >= 0 && json_type(&d, tv) != JSON_NULL) {
        if (json_type(&d, tv) != JSON_ARRAY || json_size(&d, tv) != 2 || json_int(&d, tv + 1, &vp[0]) != 0 ||
            json_int(&d, json_next(&d, tv + 1), &vp[1]) != 0 || vp[0] < 0 || vp[1] < 0 || vp[0] > 2 * GAME_SCORE_MAX ||
            vp[1] > 2 * GAME_SCORE_MAX)
            msg = "vp: [player 1's VP, player 2's VP], integers from 0 to 1998";
        else
            vp_set = true;
    }
    free(toks);
    if (msg) {
        api_error(app, req, WIRE_E_BAD_MESSAGE, msg);
        return;
    }
    int rc = tourney_result(app->tourney, ev, eg, (int)w, vp_set, vp[0], vp[1]);
    if (rc != 0) {
        api_ev_fail(app, req, rc, "the game cannot be ended now");
        return;
    }
    tourney_event_of_game(app->tourney, game_id, &eg);
    buf_t b;
    buf_init(&b);
    event_render_table(&b, ev, eg, tourney_live, app->tourney);
    api_json(req, 200, &b);
    buf_free(&b);
}

/* GET /api/events/{id}/standings[?format=csv] */
static void api_ev_standings(app_t *app, h2o_req_t *req, event_t *ev)
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
    if (csv) {
        event_standings_csv(ev, tourney_live, app->tourney, &b);
        char disp[96];
        snprintf(disp, sizeof(disp), "attachment; filename=\"standings-%s.csv\"", ev->id);
        http_header(req, "content-disposition", disp);
        h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CACHE_CONTROL, NULL, H2O_STRLIT("no-store"));
        http_send(req, 200, "text/csv; charset=utf-8", b.data, b.len);
    } else {
        buf_puts(&b, "{\"event_id\":");
        json_put_cstr(&b, ev->id);
        buf_printf(&b, ",\"round\":%u,\"standings\":", (unsigned)ev->round);
        event_render_standings(&b, ev, tourney_live, app->tourney);
        buf_putc(&b, '}');
        api_json(req, 200, &b);
    }
    buf_free(&b);
}

/* POST /api/events/{id}/invites {role: "observer"} */
static void api_ev_invite(app_t *app, h2o_req_t *req, event_t *ev)
{
    json_doc_t d;
    jsmntok_t *toks;
    if (api_ev_body(app, req, &d, &toks) != 0) {
        free(toks);
        return;
    }
    int t = json_get(&d, 0, "role");
    bool ok = t >= 0 && json_str_eq(&d, t, "observer");
    free(toks);
    if (!ok) {
        api_error(app, req, WIRE_E_BAD_MESSAGE, "role: \"observer\" (entrants get their codes when they are added)");
        return;
    }
    char code[EVENT_CODE_SIZE];
    int rc = tourney_observer_code(app->tourney, ev, code);
    if (rc != 0) {
        api_ev_fail(app, req, rc, NULL);
        return;
    }
    buf_t b;
    buf_init(&b);
    buf_puts(&b, "{\"code\":");
    json_put_cstr(&b, code);
    buf_printf(&b, ",\"url\":\"%s/j/%s\",\"role\":\"observer\",\"event_id\":", app->public_url, code);
    json_put_cstr(&b, ev->id);
    buf_putc(&b, '}');
    api_json(req, 201, &b);
    buf_free(&b);
}

/* GET /api/events/{id}/qr.svg?code=CODE: a code of this event as a QR code. */
static void api_ev_qr(app_t *app, h2o_req_t *req, event_t *ev)
{
    char code[32], url[400];
    auth_who_t who;
    if (http_query(req, "code", code, sizeof(code)) < 0 || !auth_code_normalize(code) ||
        store_event_invite_find(app->store, code, &who) != 0 || strcmp(who.event_id, ev->id) != 0) {
        api_error(app, req, WIRE_E_NOT_FOUND, "no such code for this event");
        return;
    }
    snprintf(url, sizeof(url), "%s/j/%s", app->public_url, code);
    api_qr_svg(app, req, url);
}

void api_events(app_t *app, h2o_req_t *req, char seg[][64], int n)
{
    bool get = api_ev_method(req, "GET") || api_ev_method(req, "HEAD");
    bool post = api_ev_method(req, "POST");
    auth_who_t who;
    if (!api_who(app, req, &who))
        return;
    if (n == 1) {
        if (!get && !post) {
            api_method_not_allowed(app, req, "GET, POST");
        } else if (api_require_host(app, req, &who)) {
            if (post) {
                api_ev_create(app, req);
            } else {
                buf_t b;
                buf_init(&b);
                buf_puts(&b, "{\"events\":");
                tourney_list(app->tourney, &b);
                buf_putc(&b, '}');
                api_json(req, 200, &b);
                buf_free(&b);
            }
        }
        return;
    }
    /* Reads are for the host and the event's own tokens; everything else is the host's.
     * Authorization before existence, so a guest cannot probe for event ids. */
    bool read = get && (n == 2 || (n == 3 && strcmp(seg[2], "standings") == 0));
    if (!read && !api_require_host(app, req, &who))
        return;
    if (read && who.role != AUTH_HOST && (who.event_id[0] == '\0' || strcmp(who.event_id, seg[1]) != 0)) {
        api_error(app, req, who.role == AUTH_NONE ? WIRE_E_UNAUTHORIZED : WIRE_E_FORBIDDEN,
                  who.role == AUTH_NONE ? "a token is required" : "this token belongs to another event");
        return;
    }
    event_t *ev = tourney_event(app->tourney, seg[1]);
    if (ev == NULL) {
        api_error(app, req, WIRE_E_NOT_FOUND, "no such event");
        return;
    }
    if (n == 2) {
        if (get) {
            api_ev_state(app, req, ev, who.role == AUTH_HOST, 200);
        } else if (api_ev_method(req, "DELETE")) {
            int rc = tourney_delete(app->tourney, ev);
            if (rc != 0)
                api_ev_fail(app, req, rc, NULL);
            else
                http_send(req, 204, NULL, "", 0);
        } else {
            api_method_not_allowed(app, req, "GET, DELETE");
        }
        return;
    }
    const char *what = seg[2];
    if (n == 3 && strcmp(what, "standings") == 0) {
        get ? api_ev_standings(app, req, ev) : api_method_not_allowed(app, req, "GET");
    } else if (n == 3 && strcmp(what, "qr.svg") == 0) {
        get ? api_ev_qr(app, req, ev) : api_method_not_allowed(app, req, "GET");
    } else if (n == 3 && strcmp(what, "entrants") == 0) {
        post ? api_ev_entrants(app, req, ev) : api_method_not_allowed(app, req, "POST");
    } else if (n == 4 && strcmp(what, "entrants") == 0) {
        api_ev_method(req, "PATCH") ? api_ev_patch(app, req, ev, seg[3]) : api_method_not_allowed(app, req, "PATCH");
    } else if (n == 3 && strcmp(what, "rounds") == 0) {
        if (!post) {
            api_method_not_allowed(app, req, "POST");
            return;
        }
        int rc = tourney_pair(app->tourney, ev);
        if (rc != 0)
            api_ev_fail(app, req, rc,
                        ev->round >= ev->rounds ? "the last round has been paired"
                        : ev->round > 0         ? "a game of the current round has no final result"
                                                : "fewer than two entrants to pair");
        else
            api_ev_state(app, req, ev, true, 201);
    } else if (n == 3 && strcmp(what, "timer") == 0) {
        post ? api_ev_timer(app, req, ev) : api_method_not_allowed(app, req, "POST");
    } else if (n == 4 && strcmp(what, "results") == 0) {
        post ? api_ev_result(app, req, ev, seg[3]) : api_method_not_allowed(app, req, "POST");
    } else if (n == 3 && strcmp(what, "invites") == 0) {
        post ? api_ev_invite(app, req, ev) : api_method_not_allowed(app, req, "POST");
    } else {
        api_error(app, req, WIRE_E_NOT_FOUND, "no such API endpoint");
    }
}

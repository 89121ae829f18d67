#include "change.h"
#include "log.h"
#include "now.h"

#include <stdio.h>
#include <string.h>

game_actor_t change_actor(const auth_who_t *who)
{
    if (who->role == AUTH_HOST)
        return GAME_ACTOR_HOST;
    if (who->role == AUTH_PLAYER)
        return who->player == 1 ? GAME_ACTOR_P1 : who->player == 2 ? GAME_ACTOR_P2 : GAME_ACTOR_NONE;
    return GAME_ACTOR_NONE;
}

view_t change_view(const auth_who_t *who, const char *game_id)
{
    if (who->role == AUTH_HOST)
        return VIEW_HOST;
    if (who->role == AUTH_PLAYER && strcmp(who->game_id, game_id) == 0)
        return who->player == 1 ? VIEW_P1 : VIEW_P2;
    return VIEW_OBSERVER;
}

/* ---- decoding changes ----------------------------------------------------- */

#define CHANGE_FAIL(code, msg)                                                                                                  \
    do {                                                                                                                       \
        res->err = (code);                                                                                                     \
        snprintf(res->message, sizeof(res->message), "%s", (msg));                                                             \
        return -1;                                                                                                             \
    } while (0)

static int change_bad(change_result_t *res, const char *field, const char *what)
{
    res->err = WIRE_E_BAD_MESSAGE;
    snprintf(res->message, sizeof(res->message), "%s: %s", field, what);
    return -1;
}

/* An optional integer field of data. */
static int opt_int(const json_doc_t *d, int data, const char *key, game_opt_t *out, change_result_t *res)
{
    int t = json_get(d, data, key);
    out->set = false;
    if (t < 0)
        return 0;
    if (json_int(d, t, &out->v) != 0)
        return change_bad(res, key, "must be a whole number");
    out->set = true;
    return 0;
}

/* An optional player number (1 or 2); 0 when absent. */
static int opt_player(const json_doc_t *d, int data, const char *key, int *out, change_result_t *res)
{
    int t = json_get(d, data, key);
    *out = 0;
    if (t < 0)
        return 0;
    int64_t v;
    if (json_int(d, t, &v) != 0 || (v != 1 && v != 2))
        return change_bad(res, key, "must be 1 or 2");
    *out = (int)v;
    return 0;
}

/* An optional string field, borrowed into out (unescaped into store). */
static int opt_str(const json_doc_t *d, int data, const char *key, char *store, size_t cap, game_str_t *out,
                   change_result_t *res)
{
    int t = json_get(d, data, key);
    out->base = NULL;
    out->len = 0;
    if (t < 0)
        return 0;
    int n = json_str(d, t, store, cap);
    if (n < 0)
        return change_bad(res, key, json_type(d, t) == JSON_STRING ? "too long" : "must be a string");
    out->base = store;
    out->len = (size_t)n;
    return 0;
}

/* Strings borrowed by a decoded action live here until the action is applied. */
typedef struct {
    char s[4][GAME_NAME_SIZE * 2];
    char reason[GAME_REASON_SIZE * 2];
    char keys[GAME_SETTINGS_MAX][GAME_KEY_MAX + 2];
} change_strings_t;

static int decode_setup(const json_doc_t *d, int data, game_action_t *a, change_strings_t *st, change_result_t *res)
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

static int decode_score(const json_doc_t *d, int data, const auth_who_t *who, game_action_t *a, change_result_t *res)
{
    struct game_score_args *sc = &a->score;
    if (opt_player(d, data, "player_number", &sc->player, res))
        return -1;
    if (sc->player == 0 && who->role == AUTH_PLAYER)
        sc->player = who->player; /* a phone scores for itself unless it says otherwise */
    if (sc->player == 0)
        return change_bad(res, "player_number", "required (1 or 2)");
    if (opt_int(d, data, "primary", &sc->primary, res) || opt_int(d, data, "primary_delta", &sc->primary_delta, res) ||
        opt_int(d, data, "secondary", &sc->secondary, res) || opt_int(d, data, "secondary_delta", &sc->secondary_delta, res) ||
        opt_int(d, data, "cp", &sc->cp, res) || opt_int(d, data, "cp_delta", &sc->cp_delta, res) ||
        opt_int(d, data, "score", &sc->score, res) || opt_int(d, data, "score_delta", &sc->score_delta, res) ||
        opt_int(d, data, "round", &sc->round, res))
        return -1;
    int t = json_get(d, data, "private");
    if (t >= 0) {
        size_t len;
        const char *raw = json_raw(d, t, &len);
        if (json_type(d, t) != JSON_OBJECT)
            return change_bad(res, "private", "must be a JSON object");
        if (len > GAME_PRIVATE_MAX)
            return change_bad(res, "private", "at most 1 KiB of JSON");
        sc->private_json.base = raw;
        sc->private_json.len = len;
    }
    return 0;
}

static int decode_timer(const json_doc_t *d, int data, game_action_t *a, change_result_t *res)
{
    if (opt_player(d, data, "player_number", &a->timer.player, res))
        return -1;
    if (a->timer.player == 0)
        return change_bad(res, "player_number", "required (1 or 2)");
    char op[16];
    int t = json_get(d, data, "action");
    if (t < 0 || json_str(d, t, op, sizeof(op)) < 0 || (a->timer.op = game_timer_op_parse(op, strlen(op))) == GAME_TIMER_NONE)
        return change_bad(res, "action", "must be start, stop or set");
    return opt_int(d, data, "time_remaining", &a->timer.time_remaining, res);
}

static int decode_settings(const json_doc_t *d, int data, game_action_t *a, change_strings_t *st, change_result_t *res)
{
    struct game_settings_args *sa = &a->settings;
    sa->n = 0;
    int k = data + 1;
    for (int i = 0; i < json_size(d, data); i++, k = json_next(d, k + 1)) {
        if (json_str_eq(d, k, "expected_version"))
            continue;
        if (sa->n >= GAME_SETTINGS_MAX)
            return change_bad(res, "settings", "at most 32 settings");
        game_setting_in_t *it = &sa->items[sa->n];
        int n = json_str(d, k, st->keys[sa->n], sizeof(st->keys[sa->n]));
        if (n <= 0 || n > GAME_KEY_MAX)
            return change_bad(res, "settings", "keys must be 1 to 40 characters");
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
        default: return change_bad(res, it->key.base, "values must be strings, numbers or booleans");
        }
        sa->n++;
    }
    if (sa->n == 0)
        return change_bad(res, "data", "no settings given");
    return 0;
}

/* judge_call: an optional reason; the call's time is the server's wall clock. */
static int decode_judge(const json_doc_t *d, int data, game_action_t *a, change_strings_t *st, change_result_t *res)
{
    a->judge.at_ms = now_wall_ms();
    if (data >= 0 && opt_str(d, data, "reason", st->reason, sizeof(st->reason), &a->judge.reason, res))
        return -1;
    return 0;
}

/* result_confirm: agree (required boolean); the host may also name the winner (1, 2 or null). */
static int decode_result(const json_doc_t *d, int data, game_action_t *a, change_result_t *res)
{
    a->result.at_ms = now_wall_ms();
    int t = data >= 0 ? json_get(d, data, "agree") : -1;
    bool agree;
    if (t < 0 || json_bool(d, t, &agree) != 0)
        return change_bad(res, "agree", "required: true or false");
    a->result.agree = agree ? 1 : 2;
    int tw = json_get(d, data, "winner");
    if (tw >= 0) {
        int64_t w;
        if (json_type(d, tw) == JSON_NULL)
            a->result.winner = GAME_WINNER_DRAW;
        else if (json_int(d, tw, &w) == 0 && (w == 1 || w == 2))
            a->result.winner = (int)w;
        else
            return change_bad(res, "winner", "must be 1, 2 or null");
    }
    return 0;
}

/* The request's data for the action log: everything but private notes (which
 * the history must not reveal) and expected_version. at >= 0 (judge_call,
 * result_confirm) records the server's wall-clock time of the call as "at", in
 * place of any "at" the client sent, so a replay of the log can give the same. */
static void change_log_data(const json_doc_t *d, int data, int64_t at, buf_t *out)
{
    bool first = true;
    buf_putc(out, '{');
    if (data >= 0 && json_type(d, data) == JSON_OBJECT) {
        int k = data + 1;
        for (int i = 0; i < json_size(d, data); i++, k = json_next(d, k + 1)) {
            if (json_str_eq(d, k, "private") || json_str_eq(d, k, "expected_version") || (at >= 0 && json_str_eq(d, k, "at")))
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
    }
    if (at >= 0)
        buf_printf(out, "%s\"at\":%lld", first ? "" : ",", (long long)at);
    buf_putc(out, '}');
}

static void change_core_error(int rc, const char *bad_field, change_result_t *res, const game_t *g)
{
    switch (rc) {
    case GAME_E_BAD:
        res->err = WIRE_E_BAD_MESSAGE;
        snprintf(res->message, sizeof(res->message), "%s: missing, wrong type or out of range", bad_field ? bad_field : "data");
        break;
    case GAME_E_FORBIDDEN:
        res->err = WIRE_E_FORBIDDEN;
        snprintf(res->message, sizeof(res->message), "your role may not make this change");
        break;
    case GAME_E_INVALID_STATE:
        res->err = WIRE_E_INVALID_STATE;
        snprintf(res->message, sizeof(res->message), "not possible while the game is %s", g ? game_status_name(g->status) : "absent");
        break;
    case GAME_E_CONFLICT:
        res->err = WIRE_E_CONFLICT;
        snprintf(res->message, sizeof(res->message), "expected_version differs from the game's version");
        res->version = g ? g->version : 0;
        break;
    case CORE_E_NOT_FOUND:
        res->err = WIRE_E_NOT_FOUND;
        snprintf(res->message, sizeof(res->message), "no such game");
        break;
    default:
        res->err = WIRE_E_INTERNAL;
        snprintf(res->message, sizeof(res->message), "the change could not be saved");
        break;
    }
}

/* Clearer words for the refusals of the judge and result rules and of the caps. */
static void change_explain(int rc, const game_action_t *a, const char *bad_field, const game_t *g, change_result_t *res)
{
    size_t n = bad_field ? strlen(bad_field) : 0;
    if (rc == GAME_E_BAD && n > 4 && strcmp(bad_field + n - 4, "_cap") == 0)
        snprintf(res->message, sizeof(res->message), "%s: the change would go past this cap", bad_field);
    if (rc != GAME_E_INVALID_STATE || g == NULL)
        return;
    if (a->type == GAME_A_JUDGE_CALL && g->judge.called_by != GAME_ACTOR_NONE)
        snprintf(res->message, sizeof(res->message), "a judge call is already open");
    else if (a->type == GAME_A_JUDGE_DONE)
        snprintf(res->message, sizeof(res->message), "no judge call is open");
    else if (a->type == GAME_A_RESULT && g->status == GAME_ENDED)
        snprintf(res->message, sizeof(res->message), "the result is already %s", g->result.final ? "final" : "disputed");
    else if (a->type == GAME_A_RESULT)
        snprintf(res->message, sizeof(res->message), "the game has not ended");
}

/* May who read game_id? */
bool change_can_read(const auth_who_t *who, const char *game_id)
{
    if (who->role == AUTH_HOST)
        return true;
    return (who->role == AUTH_PLAYER || who->role == AUTH_OBSERVER) && strcmp(who->game_id, game_id) == 0;
}

int change_apply(core_t *core, const auth_who_t *who, const char *type, const char *game_id_in, const json_doc_t *d, int data,
                 void *reply_to, const char *ref, change_result_t *res)
{
    memset(res, 0, sizeof(*res));
    res->version = -1;
    int t = game_type_parse(type, strlen(type));
    if (t < 0 || t == GAME_A_STATE)
        CHANGE_FAIL(WIRE_E_UNKNOWN_TYPE, "unknown message type");
    if (who->role == AUTH_NONE)
        CHANGE_FAIL(WIRE_E_UNAUTHORIZED, "send connect with a token first");
    if (who->role == AUTH_OBSERVER)
        CHANGE_FAIL(WIRE_E_FORBIDDEN, "observers cannot change a game");
    const char *game_id = game_id_in && game_id_in[0] ? game_id_in : (who->role == AUTH_PLAYER ? who->game_id : "");
    if (game_id[0] == '\0')
        return change_bad(res, "game_id", "required");
    if (!change_can_read(who, game_id))
        CHANGE_FAIL(WIRE_E_FORBIDDEN, "this token belongs to another game");
    const game_t *g = core_game(core, game_id);
    if (g == NULL)
        CHANGE_FAIL(WIRE_E_NOT_FOUND, "no such game");

    /* Static, not on the stack: an action holds up to 32 settings (about 30 KB).
     * The server is single-threaded and nothing here re-enters. */
    static game_action_t a;
    static change_strings_t strs;
    game_action_init(&a, (game_action_type_t)t, change_actor(who));
    bool has_data = data >= 0 && json_type(d, data) == JSON_OBJECT;
    if (has_data && opt_int(d, data, "expected_version", &a.expected_version, res))
        return -1;
    int rc = 0;
    switch (a.type) {
    case GAME_A_SETUP: rc = has_data ? decode_setup(d, data, &a, &strs, res) : 0; break;
    case GAME_A_SCORE: rc = has_data ? decode_score(d, data, who, &a, res) : change_bad(res, "data", "required"); break;
    case GAME_A_TIMER: rc = has_data ? decode_timer(d, data, &a, res) : change_bad(res, "data", "required"); break;
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
                rc = change_bad(res, "winner", "must be 1, 2 or null");
        }
        break;
    }
    case GAME_A_SETTINGS: rc = has_data ? decode_settings(d, data, &a, &strs, res) : change_bad(res, "data", "required"); break;
    case GAME_A_JUDGE_CALL: rc = decode_judge(d, has_data ? data : -1, &a, &strs, res); break;
    case GAME_A_RESULT: rc = decode_result(d, has_data ? data : -1, &a, res); break;
    default: break; /* start, pause, resume, undo carry nothing */
    }
    if (rc != 0)
        return -1;
    buf_t logdata;
    buf_init(&logdata);
    int64_t at = a.type == GAME_A_JUDGE_CALL ? a.judge.at_ms : a.type == GAME_A_RESULT ? a.result.at_ms : -1;
    change_log_data(d, has_data ? data : -1, at, &logdata);
    const char *bad_field = NULL;
    int64_t version = 0;
    rc = core_change(core, game_id, &a, logdata.data, reply_to, ref, &bad_field, &version);
    buf_free(&logdata);
    if (rc != 0) {
        const game_t *now = core_game(core, game_id);
        change_core_error(rc, bad_field, res, now);
        change_explain(rc, &a, bad_field, now, res);
        return -1;
    }
    res->version = version;
    return 0;
}

/* The host's full game_state: create or replace a game. */
int change_replace(core_t *core, const auth_who_t *who, const char *game_id_in, const json_doc_t *d, int data,
                  void *reply_to, const char *ref, change_result_t *res)
{
    memset(res, 0, sizeof(*res));
    res->version = -1;
    if (who->role != AUTH_HOST)
        CHANGE_FAIL(who->role == AUTH_NONE ? WIRE_E_UNAUTHORIZED : WIRE_E_FORBIDDEN, "only the host may replace a game's state");
    char gid[64] = "";
    if (game_id_in && game_id_in[0]) {
        snprintf(gid, sizeof(gid), "%s", game_id_in);
    } else {
        int t = json_get(d, data, "game_id");
        if (t < 0 || json_str(d, t, gid, sizeof(gid)) <= 0)
            return change_bad(res, "game_id", "required");
    }
    static game_t state; /* about 30 KB: static for the same reason as in proto_change */
    const char *bad_field = NULL;
    if (view_parse(d, data, gid, now_mono_ms(), &state, &bad_field) != 0)
        return change_bad(res, bad_field ? bad_field : "data", "missing, wrong type or out of range");
    static game_action_t a;
    game_action_init(&a, GAME_A_STATE, GAME_ACTOR_HOST);
    game_opt_t ev = {false, 0};
    if (opt_int(d, data, "expected_version", &ev, res))
        return -1;
    a.expected_version = ev;
    a.state.state = &state;
    int64_t version = 0;
    int rc = core_change(core, gid, &a, "{}", reply_to, ref, &bad_field, &version);
    if (rc != 0) {
        change_core_error(rc, bad_field, res, core_game(core, gid));
        return -1;
    }
    snprintf(res->game_id, sizeof(res->game_id), "%s", gid);
    res->version = version;
    return 0;
}


#include "view.h"

#include <stdio.h>
#include <string.h>

/* Literal JSON text: its length is known at compile time. */
#define PUT(b, lit) buf_append((b), (lit), sizeof(lit) - 1)

/* Decimal integers without printf: each render writes a dozen of them. */
static void put_int(buf_t *b, int64_t v)
{
    char tmp[24], *e = tmp + sizeof(tmp), *p = e;
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        *--p = '-';
    buf_append(b, p, (size_t)(e - p));
}

static void put_bool(buf_t *b, bool v)
{
    if (v)
        PUT(b, "true");
    else
        PUT(b, "false");
}

/* ,"key":v or ,"key":null when v is 0; key is a literal of the form ,"name": */
#define PUT_INT_OR_NULL(b, key, v)                                                                                                 \
    do {                                                                                                                       \
        PUT(b, key);                                                                                                           \
        if (v)                                                                                                                 \
            put_int(b, v);                                                                                                     \
        else                                                                                                                   \
            PUT(b, "null");                                                                                                    \
    } while (0)

/* Writes 0..999 (a cell or a round number) without a call; returns the end. */
static char *view_small(char *o, int v)
{
    if (v >= 100)
        *o++ = (char)('0' + v / 100);
    if (v >= 10)
        *o++ = (char)('0' + v / 10 % 10);
    *o++ = (char)('0' + v % 10);
    return o;
}

/* Rounds 1..n of the cells as ,"rounds":[{"round":1,"primary":a,"secondary":b},...]: built
 * in place and appended once, since every render of every view writes them. */
static void view_rounds(buf_t *b, const game_player_t *p, int n)
{
    char tmp[sizeof(",\"rounds\":[]") + GAME_ROUNDS_MAX * sizeof("{\"round\":99,\"primary\":999,\"secondary\":999},")], *o = tmp;
    memcpy(o, ",\"rounds\":[", 11);
    o += 11;
    for (int r = 0; r < n && r < GAME_ROUNDS_MAX; r++) {
        if (r)
            *o++ = ',';
        memcpy(o, "{\"round\":", 9);
        o = view_small(o + 9, r + 1);
        if (!p->rounds[r].primary && !p->rounds[r].secondary) { /* most cells of a game */
            memcpy(o, ",\"primary\":0,\"secondary\":0}", 27);
            o += 27;
            continue;
        }
        memcpy(o, ",\"primary\":", 11);
        o = view_small(o + 11, p->rounds[r].primary);
        memcpy(o, ",\"secondary\":", 13);
        o = view_small(o + 13, p->rounds[r].secondary);
        *o++ = '}';
    }
    *o++ = ']';
    buf_append(b, tmp, (size_t)(o - tmp));
}

/* The number of rounds up to the last scored one, at most n (cells past settings.rounds
 * are 0): the stored full form leaves trailing empty ones out. */
static int view_last_scored(const game_player_t *p, int n)
{
    while (n > 0 && !p->rounds[n - 1].primary && !p->rounds[n - 1].secondary)
        n--;
    return n;
}

/* ,"judge":null or the open call; ,"result":null or the players' word on an ended game. */
static void view_judge_result(buf_t *b, const game_t *g)
{
    const game_judge_t *j = &g->judge;
    if (j->called_by == GAME_ACTOR_NONE) {
        PUT(b, ",\"judge\":null");
    } else {
        PUT(b, ",\"judge\":{\"called_by\":\"");
        buf_puts(b, game_actor_name(j->called_by));
        PUT(b, "\",\"reason\":");
        json_put_cstr(b, j->reason);
        PUT(b, ",\"at\":");
        put_int(b, j->at_ms);
        PUT(b, ",\"paused\":");
        put_bool(b, j->paused);
        buf_putc(b, '}');
    }
    if (g->status != GAME_ENDED) {
        PUT(b, ",\"result\":null");
        return;
    }
    PUT_INT_OR_NULL(b, ",\"result\":{\"winner\":", g->winner);
    PUT(b, ",\"confirmed\":[");
    if ((g->result.confirmed & GAME_RESULT_P1) && (g->result.confirmed & GAME_RESULT_P2))
        PUT(b, "1,2");
    else if (g->result.confirmed & GAME_RESULT_P1)
        PUT(b, "1");
    else if (g->result.confirmed & GAME_RESULT_P2)
        PUT(b, "2");
    PUT(b, "],\"disputed\":");
    put_bool(b, g->result.disputed);
    PUT(b, ",\"final\":");
    put_bool(b, g->result.final);
    buf_putc(b, '}');
}

/* rounds: game_rounds(g), looked up once per render. */
static void view_player(buf_t *b, const game_t *g, int n, view_t v, const view_meta_t *m, int rounds)
{
    const game_player_t *p = &g->players[n - 1];
    PUT(b, "{\"player_number\":");
    put_int(b, n);
    PUT(b, ",\"name\":");
    json_put_cstr(b, p->name);
    PUT(b, ",\"faction\":");
    json_put_cstr(b, p->faction);
    PUT(b, ",\"primary\":");
    put_int(b, p->primary);
    PUT(b, ",\"secondary\":");
    put_int(b, p->secondary);
    PUT(b, ",\"score\":");
    put_int(b, game_score(g, n));
    view_rounds(b, p, v == VIEW_FULL ? view_last_scored(p, rounds) : rounds);
    PUT(b, ",\"cp\":");
    put_int(b, p->cp);
    int64_t remaining = game_clock_remaining(g, n, m->now_mono_ms);
    PUT(b, ",\"time_remaining\":");
    put_int(b, remaining);
    PUT(b, ",\"time_used\":");
    put_int(b, game_clock_used(g, n, m->now_mono_ms));
    /* A clock that ran out is reported stopped even before the tick flags it. */
    bool running = p->clock.running && remaining > 0;
    PUT(b, ",\"is_running\":");
    put_bool(b, running);
    PUT(b, ",\"flagged\":");
    put_bool(b, p->clock.flagged || (p->clock.running && !running));
    if (v != VIEW_FULL) {
        PUT(b, ",\"connected\":");
        put_bool(b, m->connected[n - 1]);
    }
    bool sees_private = v == VIEW_HOST || v == VIEW_FULL || (v == VIEW_P1 && n == 1) || (v == VIEW_P2 && n == 2);
    if (sees_private) {
        PUT(b, ",\"private\":");
        buf_puts(b, p->private_json[0] ? p->private_json : "{}");
    }
    buf_putc(b, '}');
}

void view_render(buf_t *b, const game_t *g, view_t v, const view_meta_t *m)
{
    PUT(b, "{\"game_id\":");
    json_put_cstr(b, g->id);
    PUT(b, ",\"version\":");
    put_int(b, g->version);
    PUT(b, ",\"status\":\"");
    buf_puts(b, game_status_name(g->status));
    PUT(b, "\",\"round\":");
    put_int(b, g->round);
    PUT_INT_OR_NULL(b, ",\"current_turn\":", g->current_turn);
    PUT_INT_OR_NULL(b, ",\"first_player\":", g->first_player);
    PUT_INT_OR_NULL(b, ",\"winner\":", g->status == GAME_ENDED ? g->winner : 0);
    PUT(b, ",\"draw\":");
    put_bool(b, g->status == GAME_ENDED && g->draw);
    PUT(b, ",\"players\":[");
    int rounds = game_rounds(g);
    view_player(b, g, 1, v, m, rounds);
    buf_putc(b, ',');
    view_player(b, g, 2, v, m, rounds);
    buf_putc(b, ']');
    PUT_INT_OR_NULL(b, ",\"attacker\":", g->attacker);
    view_judge_result(b, g);
    PUT(b, ",\"game_time\":");
    put_int(b, game_time_ms(g, m->now_mono_ms));
    if (v == VIEW_FULL) {
        PUT(b, ",\"game_time_running\":");
        put_bool(b, g->game_time.running);
    }
    PUT(b, ",\"settings\":{");
    bool first = true;
    for (size_t i = 0; i < g->nsettings; i++) {
        const game_setting_t *s = &g->settings[i];
        if (v != VIEW_HOST && v != VIEW_FULL && strncmp(s->key, "host.", 5) == 0)
            continue;
        /* Keys are [A-Za-z0-9._-] (game_check): nothing to escape. */
        if (!first)
            buf_putc(b, ',');
        buf_putc(b, '"');
        buf_puts(b, s->key);
        PUT(b, "\":");
        buf_puts(b, s->value);
        first = false;
    }
    buf_putc(b, '}');
    if (m->created_at) {
        PUT(b, ",\"created_at\":");
        json_put_cstr(b, m->created_at);
    }
    if (m->updated_at) {
        PUT(b, ",\"updated_at\":");
        json_put_cstr(b, m->updated_at);
    }
    if (m->event_block != NULL && v != VIEW_FULL) {
        PUT(b, ",\"event\":");
        buf_puts(b, m->event_block);
    }
    if (v != VIEW_FULL) {
        PUT(b, ",\"server_time\":");
        put_int(b, m->server_time_ms);
    }
    buf_putc(b, '}');
}

void view_summary(buf_t *b, const game_t *g, const char *updated_at)
{
    buf_puts(b, "{\"game_id\":");
    json_put_cstr(b, g->id);
    buf_printf(b, ",\"status\":\"%s\",\"version\":%lld,\"round\":%d", game_status_name(g->status), (long long)g->version, g->round);
    buf_puts(b, ",\"players\":[");
    for (int n = 1; n <= 2; n++) {
        buf_puts(b, n == 1 ? "{\"name\":" : ",{\"name\":");
        json_put_cstr(b, g->players[n - 1].name);
        buf_printf(b, ",\"score\":%d}", game_score(g, n));
    }
    buf_puts(b, "],\"updated_at\":");
    json_put_cstr(b, updated_at ? updated_at : "");
    buf_putc(b, '}');
}

/* ---- parsing ------------------------------------------------------------- */

/* Reads an optional integer field within [lo, hi]; null counts as absent when
 * null_ok. Returns 0 (and sets *set), or -1. */
static int get_int(const json_doc_t *d, int obj, const char *key, int64_t lo, int64_t hi, bool null_ok, int64_t *out, bool *set)
{
    int t = json_get(d, obj, key);
    *set = false;
    if (t < 0)
        return 0;
    if (json_type(d, t) == JSON_NULL) {
        if (!null_ok)
            return -1;
        *out = 0;
        *set = true;
        return 0;
    }
    int64_t v;
    if (json_int(d, t, &v) != 0 || v < lo || v > hi)
        return -1;
    *out = v;
    *set = true;
    return 0;
}

static int get_bool(const json_doc_t *d, int obj, const char *key, bool *out)
{
    int t = json_get(d, obj, key);
    if (t < 0)
        return 0;
    return json_bool(d, t, out);
}

static int get_str(const json_doc_t *d, int obj, const char *key, char *out, size_t cap)
{
    int t = json_get(d, obj, key);
    if (t < 0)
        return 0;
    return json_str(d, t, out, cap) < 0 ? -1 : 0;
}

#define FAIL(field)                                                                                                            \
    do {                                                                                                                       \
        *bad_field = (field);                                                                                                  \
        return GAME_E_BAD;                                                                                                     \
    } while (0)

/*
 * players[].rounds: the cells; the totals are then their sums, and a total given as
 * well must agree. Without rounds (a state of the original plan) the totals go into
 * round 1's cell, as the migration does with stored games.
 */
static int parse_rounds(const json_doc_t *d, int p, game_player_t *pl, int idx, const char **bad_field)
{
    static const char *const f[2] = {"players[0].rounds", "players[1].rounds"};
    int tr = json_get(d, p, "rounds");
    if (tr < 0 || json_type(d, tr) == JSON_NULL) {
        pl->rounds[0].primary = (int16_t)pl->primary;
        pl->rounds[0].secondary = (int16_t)pl->secondary;
        return 0;
    }
    if (json_type(d, tr) != JSON_ARRAY || json_size(d, tr) > GAME_ROUNDS_MAX)
        FAIL(f[idx]);
    int sp = 0, ss = 0, c = tr + 1;
    for (int i = 0; i < json_size(d, tr); i++, c = json_next(d, c)) {
        int64_t r, v;
        bool set;
        if (json_type(d, c) != JSON_OBJECT || get_int(d, c, "round", 1, GAME_ROUNDS_MAX, false, &r, &set) != 0 || !set)
            FAIL(f[idx]);
        game_round_t *cell = &pl->rounds[r - 1];
        if (get_int(d, c, "primary", 0, GAME_SCORE_MAX, false, &v, &set) != 0)
            FAIL(f[idx]);
        cell->primary = set ? (int16_t)v : 0;
        if (get_int(d, c, "secondary", 0, GAME_SCORE_MAX, false, &v, &set) != 0)
            FAIL(f[idx]);
        cell->secondary = set ? (int16_t)v : 0;
    }
    for (int r = 0; r < GAME_ROUNDS_MAX; r++) {
        sp += pl->rounds[r].primary;
        ss += pl->rounds[r].secondary;
    }
    if (sp > GAME_SCORE_MAX || ss > GAME_SCORE_MAX || (json_get(d, p, "primary") >= 0 && sp != pl->primary) ||
        (json_get(d, p, "secondary") >= 0 && ss != pl->secondary))
        FAIL(f[idx]);
    pl->primary = sp;
    pl->secondary = ss;
    return 0;
}

static int parse_player(const json_doc_t *d, int p, game_t *g, int64_t since_ms, game_str_t notes[2], const char **bad_field)
{
    static const char *const fields[2][9] = {
        {"players[0].player_number", "players[0].name", "players[0].faction", "players[0].primary", "players[0].secondary",
         "players[0].cp", "players[0].time_remaining", "players[0].private", "players[0].time_used"},
        {"players[1].player_number", "players[1].name", "players[1].faction", "players[1].primary", "players[1].secondary",
         "players[1].cp", "players[1].time_remaining", "players[1].private", "players[1].time_used"},
    };
    if (json_type(d, p) != JSON_OBJECT)
        FAIL("players");
    int64_t v;
    bool set;
    if (get_int(d, p, "player_number", 1, 2, false, &v, &set) != 0)
        FAIL("players[].player_number");
    int idx = set ? (int)v - 1 : -1;
    if (idx < 0)
        FAIL("players[].player_number");
    const char *const *f = fields[idx];
    game_player_t *pl = &g->players[idx];
    if (get_str(d, p, "name", pl->name, sizeof(pl->name)) != 0)
        FAIL(f[1]);
    if (get_str(d, p, "faction", pl->faction, sizeof(pl->faction)) != 0)
        FAIL(f[2]);
    if (get_int(d, p, "primary", 0, GAME_SCORE_MAX, false, &v, &set) != 0)
        FAIL(f[3]);
    if (set)
        pl->primary = (int)v;
    if (get_int(d, p, "secondary", 0, GAME_SCORE_MAX, false, &v, &set) != 0)
        FAIL(f[4]);
    if (set)
        pl->secondary = (int)v;
    if (get_int(d, p, "cp", 0, GAME_CP_MAX, false, &v, &set) != 0)
        FAIL(f[5]);
    if (set)
        pl->cp = (int)v;
    if (get_int(d, p, "time_remaining", 0, GAME_CLOCK_MS_MAX, false, &v, &set) != 0)
        FAIL(f[6]);
    if (set)
        pl->clock.remaining_ms = v;
    if (get_int(d, p, "time_used", 0, GAME_TIME_MAX, false, &v, &set) != 0)
        FAIL(f[8]);
    if (set)
        pl->clock.used_ms = v;
    bool b = false;
    if (get_bool(d, p, "is_running", &b) != 0)
        FAIL("players[].is_running");
    pl->clock.running = b;
    pl->clock.since_ms = since_ms;
    b = false;
    if (get_bool(d, p, "flagged", &b) != 0)
        FAIL("players[].flagged");
    pl->clock.flagged = b;
    if (parse_rounds(d, p, pl, idx, bad_field) != 0)
        return GAME_E_BAD;
    int t = json_get(d, p, "private");
    if (t >= 0 && json_type(d, t) != JSON_NULL) {
        size_t len;
        const char *raw = json_raw(d, t, &len);
        if (json_type(d, t) != JSON_OBJECT || len > GAME_PRIVATE_MAX)
            FAIL(f[7]);
        notes[idx] = (game_str_t){raw, len};
    }
    return 0;
}

/* judge: null or {called_by, reason, at, paused}; result: null or {confirmed, disputed, final}
 * (its winner is the state's). */
static int parse_judge_result(const json_doc_t *d, int obj, game_t *g, const char **bad_field)
{
    int t = json_get(d, obj, "judge");
    if (t >= 0 && json_type(d, t) != JSON_NULL) {
        char who[16];
        int64_t v;
        bool set, paused = false;
        if (json_type(d, t) != JSON_OBJECT || get_str(d, t, "called_by", who, sizeof(who)) != 0)
            FAIL("judge.called_by");
        g->judge.called_by = strcmp(who, "player1") == 0 ? GAME_ACTOR_P1 : strcmp(who, "player2") == 0 ? GAME_ACTOR_P2
                             : strcmp(who, "host") == 0                                                 ? GAME_ACTOR_HOST
                                                                                                        : GAME_ACTOR_NONE;
        if (g->judge.called_by == GAME_ACTOR_NONE)
            FAIL("judge.called_by");
        if (get_str(d, t, "reason", g->judge.reason, sizeof(g->judge.reason)) != 0)
            FAIL("judge.reason");
        if (get_int(d, t, "at", 0, INT64_MAX / 2, false, &v, &set) != 0)
            FAIL("judge.at");
        g->judge.at_ms = set ? v : 0;
        if (get_bool(d, t, "paused", &paused) != 0)
            FAIL("judge.paused");
        g->judge.paused = paused;
    }
    t = json_get(d, obj, "result");
    if (t >= 0 && json_type(d, t) != JSON_NULL) {
        if (json_type(d, t) != JSON_OBJECT)
            FAIL("result");
        int tc = json_get(d, t, "confirmed");
        if (tc >= 0) {
            if (json_type(d, tc) != JSON_ARRAY || json_size(d, tc) > 2)
                FAIL("result.confirmed");
            int e = tc + 1;
            for (int i = 0; i < json_size(d, tc); i++, e = json_next(d, e)) {
                int64_t n;
                if (json_int(d, e, &n) != 0 || (n != 1 && n != 2))
                    FAIL("result.confirmed");
                g->result.confirmed |= (uint8_t)(n == 1 ? GAME_RESULT_P1 : GAME_RESULT_P2);
            }
        }
        if (get_bool(d, t, "disputed", &g->result.disputed) != 0)
            FAIL("result.disputed");
        if (get_bool(d, t, "final", &g->result.final) != 0)
            FAIL("result.final");
    }
    return 0;
}

/* The settings of a state object, collected before they are copied into the game. */
typedef struct {
    size_t n;
    game_setting_in_t items[GAME_SETTINGS_MAX];
    char keys[GAME_SETTINGS_MAX][GAME_KEY_MAX + 1];
} view_settings_t;

static int parse_settings(const json_doc_t *d, int ts, view_settings_t *vs, const char **bad_field)
{
    if (json_type(d, ts) != JSON_OBJECT || json_size(d, ts) > GAME_SETTINGS_MAX)
        FAIL("settings");
    vs->n = 0;
    int k = ts + 1;
    for (int i = 0; i < json_size(d, ts); i++, k = json_next(d, k + 1)) {
        char *key = vs->keys[vs->n];
        int klen = json_str(d, k, key, GAME_KEY_MAX + 1);
        if (klen <= 0)
            FAIL("settings");
        size_t len;
        const char *raw = json_raw(d, k + 1, &len);
        json_type_t jt = json_type(d, k + 1);
        if (jt == JSON_NULL)
            continue;
        if (len > GAME_VALUE_MAX || (jt != JSON_STRING && jt != JSON_NUMBER && jt != JSON_BOOL))
            FAIL("settings");
        game_setting_in_t it = {{key, strlen(key)}, {raw, len},
                                jt == JSON_STRING ? GAME_V_STRING : jt == JSON_NUMBER ? GAME_V_NUMBER : GAME_V_BOOL};
        /* A key given twice: the later one wins, like in JSON readers. */
        bool dup = false;
        for (size_t j = 0; j < vs->n; j++) {
            if (vs->items[j].key.len == it.key.len && memcmp(vs->items[j].key.base, key, it.key.len) == 0) {
                vs->items[j].value = it.value;
                vs->items[j].type = it.type;
                dup = true;
            }
        }
        if (!dup)
            vs->items[vs->n++] = it;
    }
    /* Known settings keep their defaults when the object leaves them out. */
    game_t defaults;
    game_init(&defaults, "x");
    for (size_t i = 0; i < defaults.nsettings; i++) {
        const game_setting_t *def = &defaults.settings[i];
        bool have = false;
        for (size_t j = 0; j < vs->n; j++)
            have = have || strcmp(vs->items[j].key.base, def->key) == 0;
        if (!have && vs->n < GAME_SETTINGS_MAX)
            vs->items[vs->n++] = (game_setting_in_t){{def->key, strlen(def->key)}, {def->value, strlen(def->value)}, def->type};
    }
    return 0;
}

static int view_parse_in(const json_doc_t *d, int obj, const char *id, int64_t since_ms, game_t *out, view_settings_t *vs,
                         const char **bad_field)
{
    *bad_field = NULL;
    if (obj < 0 || json_type(d, obj) != JSON_OBJECT)
        FAIL("data");
    char gid[GAME_ID_MAX + 1];
    if (id) {
        snprintf(gid, sizeof(gid), "%s", id);
    } else if (get_str(d, obj, "game_id", gid, sizeof(gid)) != 0 || json_get(d, obj, "game_id") < 0) {
        FAIL("game_id");
    }
    if (game_init(out, gid) != GAME_OK)
        FAIL("game_id");
    int64_t v;
    bool set;
    /* Settings first: clock_ms decides the default of the clocks below. */
    int ts = json_get(d, obj, "settings");
    bool have_settings = ts >= 0 && json_type(d, ts) != JSON_NULL;
    if (have_settings) {
        if (parse_settings(d, ts, vs, bad_field) != 0)
            return GAME_E_BAD;
        game_set_text(out, vs->items, vs->n, (game_str_t){NULL, 0}, (game_str_t){NULL, 0});
    }
    int64_t clock_ms = game_clock_ms(out);
    out->players[0].clock.remaining_ms = clock_ms;
    out->players[1].clock.remaining_ms = clock_ms;

    char status[16] = "setup";
    if (get_str(d, obj, "status", status, sizeof(status)) != 0)
        FAIL("status");
    int st = game_status_parse(status, strlen(status));
    if (st < 0)
        FAIL("status");
    out->status = (game_status_t)st;
    if (get_int(d, obj, "version", 0, INT64_MAX / 2, false, &v, &set) != 0)
        FAIL("version");
    if (set)
        out->version = v;
    if (get_int(d, obj, "round", 0, GAME_ROUNDS_MAX, false, &v, &set) != 0)
        FAIL("round");
    if (set)
        out->round = (int)v;
    if (get_int(d, obj, "current_turn", 1, 2, true, &v, &set) != 0)
        FAIL("current_turn");
    if (set)
        out->current_turn = (int)v;
    if (get_int(d, obj, "first_player", 1, 2, true, &v, &set) != 0)
        FAIL("first_player");
    if (set)
        out->first_player = (int)v;
    if (get_int(d, obj, "attacker", 1, 2, true, &v, &set) != 0)
        FAIL("attacker");
    if (set)
        out->attacker = (int)v;
    if (get_int(d, obj, "winner", 1, 2, true, &v, &set) != 0)
        FAIL("winner");
    if (set)
        out->winner = (int)v;
    bool draw = false;
    if (get_bool(d, obj, "draw", &draw) != 0)
        FAIL("draw");
    out->draw = out->status == GAME_ENDED && out->winner == 0;
    if (get_int(d, obj, "game_time", 0, GAME_TIME_MAX, false, &v, &set) != 0)
        FAIL("game_time");
    if (set)
        out->game_time.ms = v;
    bool gt_running = out->status == GAME_ACTIVE;
    if (get_bool(d, obj, "game_time_running", &gt_running) != 0)
        FAIL("game_time_running");
    out->game_time.running = gt_running;
    out->game_time.since_ms = since_ms;

    if (parse_judge_result(d, obj, out, bad_field) != 0)
        return GAME_E_BAD;
    int tp = json_get(d, obj, "players");
    if (tp >= 0) {
        if (json_type(d, tp) != JSON_ARRAY || json_size(d, tp) > 2)
            FAIL("players");
        int p = tp + 1;
        game_str_t notes[2] = {{NULL, 0}, {NULL, 0}};
        for (int i = 0; i < json_size(d, tp); i++, p = json_next(d, p))
            if (parse_player(d, p, out, since_ms, notes, bad_field) != 0)
                return GAME_E_BAD;
        if (notes[0].base || notes[1].base) {
            /* Settings as read above (vs), or the defaults game_init() gave. */
            if (!have_settings) {
                vs->n = out->nsettings;
                for (size_t i = 0; i < out->nsettings; i++) {
                    const game_setting_t *e = &out->settings[i];
                    vs->items[i] = (game_setting_in_t){{e->key, strlen(e->key)}, {e->value, strlen(e->value)}, e->type};
                }
            }
            game_set_text(out, vs->items, vs->n, notes[0], notes[1]);
        }
    }
    return game_check(out, bad_field);
}

int view_parse(const json_doc_t *d, int obj, const char *id, int64_t since_ms, game_t *out, const char **bad_field)
{
    view_settings_t vs;
    game_release(out); /* what a previous parse left in it */
    int rc = view_parse_in(d, obj, id, since_ms, out, &vs, bad_field);
    if (rc != 0)
        game_release(out);
    return rc;
}

#include "event.h"
#include "json.h"
#include "mem.h"
#include "pairing.h"
#include "utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const event_status_names[] = {"setup", "running", "ended"};

const char *event_status_name(event_status_t s)
{
    return (unsigned)s < 3 ? event_status_names[s] : NULL;
}

int event_status_parse(const char *s)
{
    for (int i = 0; i < 3; i++)
        if (strcmp(s, event_status_names[i]) == 0)
            return i;
    return -1;
}

/* A name as the games take it: valid UTF-8, at most 40 characters, no control characters. */
static bool event_name_ok(const char *s, bool required)
{
    size_t n = strlen(s);
    if ((required && n == 0) || n >= GAME_NAME_SIZE || !utf8_valid(s, n) || utf8_chars(s, n) > GAME_NAME_CHARS)
        return false;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return false;
    return true;
}

int event_init(event_t *ev, const char *id, const char *name, uint32_t rounds, int64_t round_time_ms,
               const standings_scoring_t *scoring, const char *settings, uint64_t seed, const char *created_at)
{
    memset(ev, 0, sizeof(*ev));
    if (strlen(id) == 0 || strlen(id) >= EVENT_ID_SIZE || !event_name_ok(name, true) || rounds < 1 || rounds > EVENT_MAX_ROUNDS ||
        round_time_ms < EVENT_ROUND_TIME_MIN || round_time_ms > EVENT_ROUND_TIME_MAX)
        return EVENT_E_BAD;
    snprintf(ev->id, sizeof(ev->id), "%s", id);
    snprintf(ev->name, sizeof(ev->name), "%s", name);
    ev->rounds = rounds;
    ev->round_time_ms = round_time_ms;
    ev->scoring = scoring ? *scoring : standings_scoring_default();
    ev->settings = mem_strndup(settings ? settings : "{}", strlen(settings ? settings : "{}"));
    ev->seed = seed;
    snprintf(ev->created_at, sizeof(ev->created_at), "%s", created_at ? created_at : "");
    return EVENT_OK;
}

void event_free(event_t *ev)
{
    free(ev->settings);
    free(ev->entrants);
    free(ev->games);
    memset(ev, 0, sizeof(*ev));
}

const char *event_entrant_check(const char *name, const char *faction, const char *club)
{
    if (!event_name_ok(name, true))
        return "name";
    if (!event_name_ok(faction ? faction : "", false))
        return "faction";
    if (!event_name_ok(club ? club : "", false))
        return "club";
    return NULL;
}

/* Trims spaces, tabs and a CR at both ends, in place. */
static char *event_trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        s[--n] = '\0';
    return s;
}

int event_parse_list(char *text, event_entrant_in_t *in, int cap, char *msg, size_t msgcap)
{
    int n = 0, line = 0;
    char *next = text;
    while (next != NULL) {
        char *l = next;
        next = strchr(l, '\n');
        if (next)
            *next++ = '\0';
        line++;
        char *f[3] = {l, NULL, NULL};
        for (int k = 1; k < 3; k++) {
            char *c = strchr(f[k - 1], ',');
            if (c == NULL)
                break;
            *c = '\0';
            f[k] = c + 1;
        }
        if (f[2] && strchr(f[2], ',')) {
            snprintf(msg, msgcap, "line %d: at most three fields (name,faction,club)", line);
            return -1;
        }
        for (int k = 0; k < 3; k++)
            f[k] = f[k] ? event_trim(f[k]) : "";
        if (f[0][0] == '\0' && f[1][0] == '\0' && f[2][0] == '\0')
            continue;
        if (line == 1 && strcasecmp(f[0], "name") == 0)
            continue;
        if (n >= cap) {
            snprintf(msg, msgcap, "at most %d entrants", cap);
            return -1;
        }
        const char *bad = event_entrant_check(f[0], f[1], f[2]);
        if (bad) {
            snprintf(msg, msgcap, "line %d: %s: %s40 characters, no control characters", line, bad,
                     bad[0] == 'n' ? "1 to " : "at most ");
            return -1;
        }
        in[n].name = f[0];
        in[n].faction = f[1];
        in[n].club = f[2];
        n++;
    }
    return n;
}

int event_entrant_add(event_t *ev, const char *name, const char *faction, const char *club)
{
    if (ev->n_entrants >= EVENT_MAX_ENTRANTS)
        return EVENT_E_FULL;
    if (ev->n_entrants == ev->cap_entrants) {
        ev->cap_entrants = ev->cap_entrants ? ev->cap_entrants * 2 : 16;
        ev->entrants = mem_realloc(ev->entrants, ev->cap_entrants * sizeof(*ev->entrants));
    }
    event_entrant_t *e = &ev->entrants[ev->n_entrants++];
    memset(e, 0, sizeof(*e));
    snprintf(e->name, sizeof(e->name), "%s", name);
    snprintf(e->faction, sizeof(e->faction), "%s", faction ? faction : "");
    snprintf(e->club, sizeof(e->club), "%s", club ? club : "");
    return (int)ev->n_entrants;
}

event_entrant_t *event_entrant(event_t *ev, int64_t id)
{
    return id >= 1 && (size_t)id <= ev->n_entrants ? &ev->entrants[id - 1] : NULL;
}

/* The players' word on an ended game's result (result_confirm, section 5). */
static void event_game_confirmations(const game_t *g, event_result_t *out)
{
    out->confirmed = g->result.confirmed & (GAME_RESULT_P1 | GAME_RESULT_P2);
    out->disputed = g->result.disputed;
    out->final = game_result_final(g);
}

void event_result(const event_game_t *eg, const game_t *g, event_result_t *out)
{
    memset(out, 0, sizeof(*out));
    if (eg->b == 0) { /* a bye: a win with 0 VP, nothing to confirm */
        out->ended = out->final = true;
        out->winner = 1;
        return;
    }
    if (g != NULL) {
        out->vp_a = game_score(g, 1);
        out->vp_b = game_score(g, 2);
        if (g->status == GAME_ENDED) {
            out->ended = true;
            out->winner = g->draw ? 0 : g->winner;
            event_game_confirmations(g, out);
        }
    }
    if (eg->by_host) {
        out->ended = out->final = out->by_host = true;
        out->disputed = false;
        out->winner = eg->winner;
    }
    if (eg->vp_set) {
        out->vp_a = eg->vp_a;
        out->vp_b = eg->vp_b;
    }
}

static const game_t *event_live_game(event_live_fn live, void *ctx, const char *game_id, event_live_t *l)
{
    memset(l, 0, sizeof(*l));
    if (live == NULL || !live(ctx, game_id, l))
        l->g = NULL;
    return l->g;
}

bool event_round_open(const event_t *ev, event_live_fn live, void *ctx)
{
    for (size_t i = 0; i < ev->n_games; i++) {
        const event_game_t *eg = &ev->games[i];
        if (eg->round != ev->round)
            continue;
        event_live_t l;
        event_result_t r;
        event_result(eg, event_live_game(live, ctx, eg->game_id, &l), &r);
        if (!r.final)
            return true;
    }
    return false;
}

/* The record as the pure modules take it. entrants and games are allocated here. */
static void event_record(const event_t *ev, event_live_fn live, void *ctx, standings_entrant_t **ents, standings_game_t **games)
{
    *ents = mem_zalloc((ev->n_entrants + 1) * sizeof(**ents));
    for (size_t i = 0; i < ev->n_entrants; i++) {
        (*ents)[i].name = ev->entrants[i].name;
        (*ents)[i].faction = ev->entrants[i].faction;
        (*ents)[i].club = ev->entrants[i].club;
        (*ents)[i].dropped = ev->entrants[i].dropped;
    }
    *games = mem_zalloc((ev->n_games + 1) * sizeof(**games));
    for (size_t i = 0; i < ev->n_games; i++) {
        const event_game_t *eg = &ev->games[i];
        standings_game_t *sg = &(*games)[i];
        event_live_t l;
        event_result_t r;
        event_result(eg, event_live_game(live, ctx, eg->game_id, &l), &r);
        sg->round = eg->round;
        sg->table = eg->table;
        sg->a = eg->a - 1;
        sg->b = eg->b == 0 ? STANDINGS_BYE : eg->b - 1;
        sg->winner = r.winner;
        sg->vp_a = r.vp_a;
        sg->vp_b = r.vp_b;
        sg->final = r.final;
    }
}

static event_game_t *event_game_push(event_t *ev)
{
    if (ev->n_games == ev->cap_games) {
        ev->cap_games = ev->cap_games ? ev->cap_games * 2 : 64;
        ev->games = mem_realloc(ev->games, ev->cap_games * sizeof(*ev->games));
    }
    event_game_t *g = &ev->games[ev->n_games++];
    memset(g, 0, sizeof(*g));
    return g;
}

int event_pair(event_t *ev, event_live_fn live, void *ctx, size_t *first)
{
    if (ev->status == EVENT_ENDED || ev->round >= ev->rounds)
        return EVENT_E_STATE;
    if (ev->round > 0 && event_round_open(ev, live, ctx))
        return EVENT_E_STATE;
    standings_entrant_t *ents;
    standings_game_t *games;
    event_record(ev, live, ctx, &ents, &games);
    size_t cap = ev->n_entrants / 2 + 1;
    pairing_pair_t *pairs = mem_alloc(cap * sizeof(*pairs));
    pairing_params_t p = {ev->round + 1, ev->seed, ev->scoring};
    pairing_stats_t st;
    int rc = pairing_next_round(ents, ev->n_entrants, games, ev->n_games, &p, pairs, cap, &st);
    free(ents);
    free(games);
    if (rc != PAIRING_OK) {
        free(pairs);
        return rc == PAIRING_E_TOO_FEW ? EVENT_E_TOO_FEW : EVENT_E_BAD;
    }
    ev->round++;
    *first = ev->n_games;
    for (size_t i = 0; i < st.n_pairs; i++) {
        event_game_t *g = event_game_push(ev);
        g->round = ev->round;
        g->table = pairs[i].table;
        g->a = pairs[i].a + 1;
        g->b = pairs[i].b == STANDINGS_BYE ? 0 : pairs[i].b + 1;
        if (g->b != 0)
            snprintf(g->game_id, sizeof(g->game_id), "%s-r%u-t%u", ev->id, (unsigned)g->round, (unsigned)g->table);
    }
    free(pairs);
    ev->status = EVENT_RUNNING;
    ev->timer.remaining_ms = ev->round_time_ms;
    ev->timer.running = false;
    ev->timer.since_ms = 0;
    return EVENT_OK;
}

bool event_maybe_end(event_t *ev, event_live_fn live, void *ctx)
{
    if (ev->status != EVENT_RUNNING || ev->round < ev->rounds || event_round_open(ev, live, ctx))
        return false;
    ev->status = EVENT_ENDED;
    ev->timer.running = false;
    return true;
}

event_game_t *event_game(event_t *ev, const char *game_id)
{
    for (size_t i = ev->n_games; i-- > 0;)
        if (ev->games[i].b != 0 && strcmp(ev->games[i].game_id, game_id) == 0)
            return &ev->games[i];
    return NULL;
}

const event_game_t *event_table_of(const event_t *ev, uint32_t entrant, int *player)
{
    *player = 0;
    for (size_t i = ev->n_games; i-- > 0;) {
        const event_game_t *g = &ev->games[i];
        if (g->round != ev->round)
            break;
        if (g->b != 0 && (g->a == entrant || g->b == entrant)) {
            *player = g->a == entrant ? 1 : 2;
            return g;
        }
    }
    return NULL;
}

int64_t event_timer_remaining(const event_t *ev, int64_t now_ms)
{
    int64_t r = ev->timer.remaining_ms;
    if (ev->timer.running && now_ms > ev->timer.since_ms)
        r -= now_ms - ev->timer.since_ms;
    return r > 0 ? r : 0;
}

int64_t event_timer_due(const event_t *ev)
{
    return ev->timer.running ? ev->timer.since_ms + ev->timer.remaining_ms : INT64_MAX;
}

bool event_timer_expire(event_t *ev, int64_t now_ms)
{
    if (!ev->timer.running || event_timer_remaining(ev, now_ms) > 0)
        return false;
    ev->timer.running = false;
    ev->timer.remaining_ms = 0;
    return true;
}

int event_timer_op(event_t *ev, const char *action, int64_t remaining_ms, int64_t now_ms)
{
    bool start = strcmp(action, "start") == 0 || strcmp(action, "resume") == 0;
    bool pause = strcmp(action, "pause") == 0;
    bool set = strcmp(action, "set") == 0;
    if (!start && !pause && !set)
        return EVENT_E_BAD;
    if (set && (remaining_ms < 0 || remaining_ms > EVENT_ROUND_TIME_MAX))
        return EVENT_E_BAD;
    if (ev->round == 0 || ev->status == EVENT_ENDED)
        return EVENT_E_STATE;
    int64_t left = event_timer_remaining(ev, now_ms);
    if (start) {
        if (ev->timer.running || left == 0)
            return EVENT_E_STATE;
        ev->timer.running = true;
    } else if (pause) {
        if (!ev->timer.running)
            return EVENT_E_STATE;
        ev->timer.running = false;
    } else {
        left = remaining_ms;
        if (left == 0)
            ev->timer.running = false;
    }
    ev->timer.remaining_ms = left;
    ev->timer.since_ms = now_ms;
    return EVENT_OK;
}

int event_standings(const event_t *ev, event_live_fn live, void *ctx, standings_row_t *rows)
{
    standings_entrant_t *ents;
    standings_game_t *games;
    event_record(ev, live, ctx, &ents, &games);
    int rc = standings_compute(ents, ev->n_entrants, games, ev->n_games, &ev->scoring, rows);
    free(ents);
    free(games);
    return rc;
}

int event_standings_csv(const event_t *ev, event_live_fn live, void *ctx, buf_t *out)
{
    standings_row_t *rows = mem_alloc((ev->n_entrants + 1) * sizeof(*rows));
    int rc = event_standings(ev, live, ctx, rows);
    if (rc == STANDINGS_OK) {
        standings_entrant_t *ents;
        standings_game_t *games;
        event_record(ev, NULL, NULL, &ents, &games);
        standings_csv(out, ents, rows, ev->n_entrants, ev->rounds);
        free(ents);
        free(games);
    }
    free(rows);
    return rc;
}

void event_render_entrant(buf_t *out, const event_t *ev, uint32_t id, const char *base_url)
{
    const event_entrant_t *e = &ev->entrants[id - 1];
    buf_puts(out, "{\"entrant_id\":");
    buf_put_i64(out, id);
    buf_puts(out, ",\"name\":");
    json_put_cstr(out, e->name);
    buf_puts(out, ",\"faction\":");
    json_put_cstr(out, e->faction);
    buf_puts(out, ",\"club\":");
    json_put_cstr(out, e->club);
    buf_puts(out, e->dropped ? ",\"dropped\":true" : ",\"dropped\":false");
    if (base_url != NULL) {
        buf_puts(out, ",\"code\":");
        json_put_cstr(out, e->code);
        char url[320];
        snprintf(url, sizeof(url), "%s/j/%s", base_url, e->code);
        buf_puts(out, ",\"url\":");
        json_put_cstr(out, url);
    }
    buf_putc(out, '}');
}

/* A game's judge call, as section 6 shows it, or null. */
static void event_put_judge(buf_t *out, const game_t *g)
{
    if (g == NULL || g->judge.called_by == GAME_ACTOR_NONE) {
        buf_puts(out, "null");
        return;
    }
    buf_puts(out, "{\"called_by\":");
    json_put_cstr(out, g->judge.called_by == GAME_ACTOR_P1 ? "player1" : g->judge.called_by == GAME_ACTOR_P2 ? "player2" : "host");
    buf_puts(out, ",\"reason\":");
    json_put_cstr(out, g->judge.reason);
    buf_puts(out, ",\"at\":");
    buf_put_i64(out, g->judge.at_ms);
    buf_putc(out, '}');
}

void event_render_table(buf_t *out, const event_t *ev, const event_game_t *eg, event_live_fn live, void *ctx)
{
    event_live_t l;
    const game_t *g = event_live_game(live, ctx, eg->game_id, &l);
    event_result_t r;
    event_result(eg, g, &r);
    buf_puts(out, "{\"table\":");
    buf_put_i64(out, eg->table);
    buf_puts(out, ",\"round\":");
    buf_put_i64(out, eg->round);
    buf_puts(out, ",\"game_id\":");
    json_put_cstr(out, eg->game_id);
    buf_puts(out, ",\"status\":");
    json_put_cstr(out, g ? game_status_name(g->status) : "setup");
    buf_puts(out, ",\"game_round\":");
    buf_put_i64(out, g ? g->round : 0);
    buf_puts(out, ",\"current_turn\":");
    buf_put_i64(out, g ? g->current_turn : 0);
    buf_puts(out, ",\"players\":[");
    for (int p = 0; p < 2; p++) {
        uint32_t id = p == 0 ? eg->a : eg->b;
        const event_entrant_t *e = &ev->entrants[id - 1];
        buf_puts(out, p ? ",{\"player_number\":2,\"entrant_id\":" : "{\"player_number\":1,\"entrant_id\":");
        buf_put_i64(out, id);
        buf_puts(out, ",\"name\":");
        json_put_cstr(out, e->name);
        buf_puts(out, ",\"faction\":");
        json_put_cstr(out, e->faction);
        buf_puts(out, ",\"primary\":");
        buf_put_i64(out, g ? g->players[p].primary : 0);
        buf_puts(out, ",\"secondary\":");
        buf_put_i64(out, g ? g->players[p].secondary : 0);
        buf_puts(out, ",\"score\":");
        buf_put_i64(out, g ? game_score(g, p + 1) : 0);
        buf_puts(out, l.connected[p] ? ",\"connected\":true}" : ",\"connected\":false}");
    }
    buf_puts(out, "],\"result\":");
    if (!r.ended) {
        buf_puts(out, "null");
    } else {
        buf_puts(out, "{\"winner\":");
        if (r.winner == 0)
            buf_puts(out, "null");
        else
            buf_put_i64(out, r.winner);
        buf_puts(out, ",\"confirmed\":[");
        buf_puts(out, (r.confirmed & 3) == 3 ? "1,2" : (r.confirmed & 1) ? "1" : (r.confirmed & 2) ? "2" : "");
        buf_printf(out, "],\"disputed\":%s,\"final\":%s,\"by_host\":%s,\"vp\":[", r.disputed ? "true" : "false",
                   r.final ? "true" : "false", r.by_host ? "true" : "false");
        buf_put_i64(out, r.vp_a);
        buf_putc(out, ',');
        buf_put_i64(out, r.vp_b);
        buf_puts(out, "]}");
    }
    buf_puts(out, ",\"judge\":");
    event_put_judge(out, g);
    buf_putc(out, '}');
}

static const char *const event_kind_names[] = {"none", "game", "bye", "pending"};

void event_render_standings(buf_t *out, const event_t *ev, event_live_fn live, void *ctx)
{
    standings_row_t *rows = mem_alloc((ev->n_entrants + 1) * sizeof(*rows));
    /* Each entrant's table in each round, found in one pass (index + 1; 0: none). */
    uint32_t nr = ev->round < EVENT_MAX_ROUNDS ? ev->round : EVENT_MAX_ROUNDS;
    size_t *at = mem_zalloc((ev->n_entrants * nr + 1) * sizeof(*at));
    for (size_t j = 0; j < ev->n_games; j++) {
        const event_game_t *g = &ev->games[j];
        if (g->round < 1 || g->round > nr)
            continue;
        at[(g->a - 1) * nr + g->round - 1] = j + 1;
        if (g->b != 0)
            at[(g->b - 1) * nr + g->round - 1] = j + 1;
    }
    buf_putc(out, '[');
    if (event_standings(ev, live, ctx, rows) == STANDINGS_OK) {
        for (size_t i = 0; i < ev->n_entrants; i++) {
            const standings_row_t *r = &rows[i];
            uint32_t id = r->entrant + 1;
            const event_entrant_t *e = &ev->entrants[r->entrant];
            if (i)
                buf_putc(out, ',');
            buf_printf(out, "{\"rank\":%u,\"entrant_id\":%u,\"name\":", (unsigned)r->rank, (unsigned)id);
            json_put_cstr(out, e->name);
            buf_puts(out, ",\"faction\":");
            json_put_cstr(out, e->faction);
            buf_puts(out, ",\"club\":");
            json_put_cstr(out, e->club);
            buf_printf(out, ",\"wins\":%u,\"draws\":%u,\"losses\":%u,\"byes\":%u,\"points\":%lld,\"sos\":%lld,\"vp_for\":%lld,"
                            "\"vp_against\":%lld,\"dropped\":%s,\"rounds\":[",
                       (unsigned)r->wins, (unsigned)r->draws, (unsigned)r->losses, (unsigned)r->byes, (long long)r->points,
                       (long long)r->sos, (long long)r->vp_for, (long long)r->vp_against, r->dropped ? "true" : "false");
            for (uint32_t k = 0; k < nr; k++) {
                size_t j = at[r->entrant * nr + k];
                const event_game_t *eg = j ? &ev->games[j - 1] : NULL;
                if (k)
                    buf_putc(out, ',');
                buf_printf(out, "{\"round\":%u,\"kind\":\"%s\",\"vp\":%lld,\"game_id\":", (unsigned)k + 1,
                           event_kind_names[r->round_kind[k] < 4 ? r->round_kind[k] : 0], (long long)r->round_vp[k]);
                if (eg && eg->b != 0)
                    json_put_cstr(out, eg->game_id);
                else
                    buf_puts(out, "null");
                buf_puts(out, ",\"opponent\":");
                if (eg && eg->b != 0)
                    buf_put_i64(out, eg->a == id ? eg->b : eg->a);
                else
                    buf_puts(out, "null");
                buf_putc(out, '}');
            }
            buf_puts(out, "]}");
        }
    }
    buf_putc(out, ']');
    free(at);
    free(rows);
}

void event_render_block(buf_t *out, const event_t *ev, const event_game_t *eg, int64_t now_mono_ms)
{
    buf_puts(out, "{\"event_id\":");
    json_put_cstr(out, ev->id);
    buf_puts(out, ",\"name\":");
    json_put_cstr(out, ev->name);
    buf_printf(out, ",\"round\":%u,\"table\":%u,\"timer\":{\"remaining_ms\":", (unsigned)eg->round, (unsigned)eg->table);
    /* A game of an earlier round shows no running timer: the timer is the current round's. */
    bool current = eg->round == ev->round;
    buf_put_i64(out, current ? event_timer_remaining(ev, now_mono_ms) : 0);
    buf_puts(out, current && ev->timer.running ? ",\"running\":true}}" : ",\"running\":false}}");
}

void event_render_summary(buf_t *out, const event_t *ev)
{
    buf_puts(out, "{\"event_id\":");
    json_put_cstr(out, ev->id);
    buf_puts(out, ",\"name\":");
    json_put_cstr(out, ev->name);
    buf_printf(out, ",\"status\":\"%s\",\"round\":%u,\"rounds\":%u,\"entrants\":%zu,\"created_at\":", event_status_name(ev->status),
               (unsigned)ev->round, (unsigned)ev->rounds, ev->n_entrants);
    json_put_cstr(out, ev->created_at);
    buf_putc(out, '}');
}

void event_render(buf_t *out, const event_t *ev, event_live_fn live, void *ctx, bool host, const char *base_url,
                  int64_t now_mono_ms, int64_t now_wall_ms)
{
    buf_puts(out, "{\"event_id\":");
    json_put_cstr(out, ev->id);
    buf_puts(out, ",\"name\":");
    json_put_cstr(out, ev->name);
    buf_printf(out, ",\"status\":\"%s\",\"round\":%u,\"rounds\":%u,\"round_time_ms\":%lld", event_status_name(ev->status),
               (unsigned)ev->round, (unsigned)ev->rounds, (long long)ev->round_time_ms);
    buf_printf(out, ",\"scoring\":{\"win\":%lld,\"draw\":%lld,\"loss\":%lld},\"settings\":", (long long)ev->scoring.win,
               (long long)ev->scoring.draw, (long long)ev->scoring.loss);
    buf_puts(out, ev->settings);
    buf_puts(out, ",\"timer\":{\"remaining_ms\":");
    buf_put_i64(out, event_timer_remaining(ev, now_mono_ms));
    buf_puts(out, ev->timer.running ? ",\"running\":true}" : ",\"running\":false}");
    buf_puts(out, ",\"entrants\":[");
    for (size_t i = 0; i < ev->n_entrants; i++) {
        if (i)
            buf_putc(out, ',');
        event_render_entrant(out, ev, (uint32_t)i + 1, host ? (base_url ? base_url : "") : NULL);
    }
    buf_puts(out, "],\"tables\":[");
    bool first = true;
    for (size_t i = 0; i < ev->n_games; i++) {
        const event_game_t *eg = &ev->games[i];
        if (eg->round != ev->round || eg->b == 0)
            continue;
        if (!first)
            buf_putc(out, ',');
        first = false;
        event_render_table(out, ev, eg, live, ctx);
    }
    buf_puts(out, "],\"byes\":[");
    first = true;
    for (size_t i = 0; i < ev->n_games; i++) {
        const event_game_t *eg = &ev->games[i];
        if (eg->round != ev->round || eg->b != 0)
            continue;
        if (!first)
            buf_putc(out, ',');
        first = false;
        buf_put_i64(out, eg->a);
    }
    buf_puts(out, "],\"standings\":");
    event_render_standings(out, ev, live, ctx);
    buf_puts(out, ",\"server_time\":");
    buf_put_i64(out, now_wall_ms);
    buf_putc(out, '}');
}

#include "tourney.h"
#include "change.h"
#include "core.h"
#include "json.h"
#include "log.h"
#include "map.h"
#include "mem.h"
#include "now.h"
#include "store.h"
#include "view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define TOURNEY_PULSE_MS 100 /* how often a running round timer is looked at, and due pushes go out */
#define TOURNEY_FINE_MS 2    /* the last stretch before a timer's 0: looked at this often, so 0 is on time */

typedef struct {
    event_t ev;
    bool dirty;         /* an event_state is owed to the subscribers */
    bool check_end;     /* a result may have become final: see whether the event ended */
    int64_t last_push_ms;
} tourney_ev_t;

/* Where a game sits: its event and the index of its table (the array may move). */
typedef struct {
    tourney_ev_t *te;
    size_t idx;
} tourney_ref_t;

struct tourney {
    app_t *app;
    tourney_sink_t sink;
    tourney_ev_t **evs;
    size_t n, cap;
    map_t games; /* game_id -> tourney_ref_t */
    h2o_timeout_t pulse;
    h2o_timeout_entry_t pulse_entry;
    h2o_timeout_t fine; /* h2o's timeouts have one duration each: a short one for the end of a timer */
    h2o_timeout_entry_t fine_entry;
};

static void tourney_on_pulse(h2o_timeout_entry_t *entry);
static void tourney_on_fine(h2o_timeout_entry_t *entry);

tourney_t *tourney_new(app_t *app, const tourney_sink_t *sink)
{
    tourney_t *t = mem_zalloc(sizeof(*t));
    t->app = app;
    t->sink = *sink;
    map_init(&t->games);
    h2o_timeout_init(app->loop, &t->pulse, TOURNEY_PULSE_MS);
    t->pulse_entry.cb = tourney_on_pulse;
    h2o_timeout_init(app->loop, &t->fine, TOURNEY_FINE_MS);
    t->fine_entry.cb = tourney_on_fine;
    return t;
}

static void tourney_unindex(tourney_t *t, tourney_ev_t *te)
{
    for (size_t i = 0; i < te->ev.n_games; i++) {
        if (te->ev.games[i].b == 0)
            continue;
        tourney_ref_t *r = map_get(&t->games, te->ev.games[i].game_id);
        if (r && r->te == te)
            free(map_del(&t->games, te->ev.games[i].game_id));
    }
}

static void tourney_index(tourney_t *t, tourney_ev_t *te, size_t from)
{
    for (size_t i = from; i < te->ev.n_games; i++) {
        if (te->ev.games[i].b == 0)
            continue;
        tourney_ref_t *r = map_get(&t->games, te->ev.games[i].game_id);
        if (r == NULL) {
            r = mem_alloc(sizeof(*r));
            map_put(&t->games, te->ev.games[i].game_id, r);
        }
        r->te = te;
        r->idx = i;
    }
}

void tourney_free(tourney_t *t)
{
    if (t == NULL)
        return;
    if (h2o_timeout_is_linked(&t->pulse_entry))
        h2o_timeout_unlink(&t->pulse_entry);
    if (h2o_timeout_is_linked(&t->fine_entry))
        h2o_timeout_unlink(&t->fine_entry);
    h2o_timeout_dispose(t->app->loop, &t->pulse);
    h2o_timeout_dispose(t->app->loop, &t->fine);
    for (size_t i = 0; i < t->n; i++) {
        tourney_unindex(t, t->evs[i]);
        event_free(&t->evs[i]->ev);
        free(t->evs[i]);
    }
    free(t->evs);
    map_free(&t->games);
    free(t);
}

static tourney_ev_t *tourney_add(tourney_t *t, event_t *ev)
{
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 8;
        t->evs = mem_realloc(t->evs, t->cap * sizeof(*t->evs));
    }
    tourney_ev_t *te = mem_zalloc(sizeof(*te));
    te->ev = *ev; /* moves the arrays */
    t->evs[t->n++] = te;
    tourney_index(t, te, 0);
    return te;
}

static void tourney_on_load(void *ctx, event_t *ev)
{
    tourney_add(ctx, ev);
}

int tourney_load(tourney_t *t, char *err, size_t errlen)
{
    if (store_events_load(t->app->store, now_mono_ms(), now_wall_ms(), tourney_on_load, t) != 0) {
        snprintf(err, errlen, "cannot load the events: %s", store_last_error(t->app->store));
        return -1;
    }
    return 0;
}

static tourney_ev_t *tourney_te(tourney_t *t, const event_t *ev)
{
    for (size_t i = 0; i < t->n; i++)
        if (&t->evs[i]->ev == ev)
            return t->evs[i];
    return NULL;
}

event_t *tourney_event(tourney_t *t, const char *event_id)
{
    for (size_t i = 0; i < t->n; i++)
        if (strcmp(t->evs[i]->ev.id, event_id) == 0)
            return &t->evs[i]->ev;
    return NULL;
}

event_t *tourney_event_of_game(tourney_t *t, const char *game_id, event_game_t **eg)
{
    tourney_ref_t *r = map_get(&t->games, game_id);
    if (r == NULL)
        return NULL;
    if (eg)
        *eg = &r->te->ev.games[r->idx];
    return &r->te->ev;
}

void tourney_list(tourney_t *t, buf_t *out)
{
    buf_putc(out, '[');
    for (size_t i = t->n; i-- > 0;) {
        if (i + 1 < t->n)
            buf_putc(out, ',');
        event_render_summary(out, &t->evs[i]->ev);
    }
    buf_putc(out, ']');
}

bool tourney_live(void *ctx, const char *game_id, event_live_t *out)
{
    tourney_t *t = ctx;
    out->g = core_committed(t->app->core, game_id);
    if (out->g == NULL)
        return false;
    out->connected[0] = hub_player_connections(t->app->hub, game_id, 1) > 0;
    out->connected[1] = hub_player_connections(t->app->hub, game_id, 2) > 0;
    return true;
}

/* ---- pushes and the round timer ------------------------------------------- */

static void tourney_arm(tourney_t *t)
{
    if (!h2o_timeout_is_linked(&t->pulse_entry))
        h2o_timeout_link(t->app->loop, &t->pulse, &t->pulse_entry);
}

/* Marks an event as owing its state; it goes out at the next due moment. */
static void tourney_dirty(tourney_t *t, tourney_ev_t *te)
{
    te->dirty = true;
    tourney_arm(t);
}

/* Sends what is due: an event whose last push is at least TOURNEY_PUSH_MS old. */
static void tourney_push_due(tourney_t *t, int64_t now)
{
    for (size_t i = 0; i < t->n; i++) {
        tourney_ev_t *te = t->evs[i];
        if (te->dirty && now - te->last_push_ms >= TOURNEY_PUSH_MS) {
            te->dirty = false;
            te->last_push_ms = now;
            t->sink.changed(t->app, te->ev.id);
        }
    }
}

/* Runs one write of this module inside core's transaction. */
static int tourney_write_end(tourney_t *t, bool ok)
{
    return core_write_end(t->app->core, ok) == 0 && ok ? 0 : TOURNEY_E_IO;
}

/* The pulse: ended events, timers at 0, due pushes. */
static void tourney_pulse(tourney_t *t)
{
    int64_t now = now_mono_ms(), due = INT64_MAX;
    bool again = false, wrote = false;
    for (size_t i = 0; i < t->n; i++) {
        tourney_ev_t *te = t->evs[i];
        event_t *ev = &te->ev;
        if (te->check_end) {
            te->check_end = false;
            if (event_maybe_end(ev, tourney_live, t)) {
                if (core_write_begin(t->app->core) == 0)
                    tourney_write_end(t, store_event_save_head(t->app->store, ev, now, now_wall_ms()) == 0);
                wrote = true;
                te->dirty = true;
                log_info("event %s ended", ev->id);
            }
        }
        if (event_timer_expire(ev, now)) {
            /* Every game of the round is broadcast at this moment (its event block
             * shows 0), and the event's state goes out. */
            if (core_write_begin(t->app->core) == 0)
                tourney_write_end(t, store_event_save_head(t->app->store, ev, now, now_wall_ms()) == 0);
            for (size_t k = 0; k < ev->n_games; k++)
                if (ev->games[k].round == ev->round && ev->games[k].b != 0)
                    core_presence(t->app->core, ev->games[k].game_id);
            wrote = true;
            te->dirty = true;
            te->last_push_ms = 0;
            log_info("event %s: the round %u timer reached 0", ev->id, (unsigned)ev->round);
        }
        if (ev->timer.running || te->dirty)
            again = true;
        if (event_timer_due(ev) < due)
            due = event_timer_due(ev);
    }
    if (wrote || core_pending(t->app->core))
        core_flush(t->app->core);
    tourney_push_due(t, now);
    if (again)
        tourney_arm(t);
    /* A timer that reaches 0 before the next pulse is looked at closely until then. */
    if (due != INT64_MAX && due - now <= TOURNEY_PULSE_MS && !h2o_timeout_is_linked(&t->fine_entry))
        h2o_timeout_link(t->app->loop, &t->fine, &t->fine_entry);
}

static void tourney_on_pulse(h2o_timeout_entry_t *entry)
{
    tourney_pulse(H2O_STRUCT_FROM_MEMBER(tourney_t, pulse_entry, entry));
}

static void tourney_on_fine(h2o_timeout_entry_t *entry)
{
    tourney_pulse(H2O_STRUCT_FROM_MEMBER(tourney_t, fine_entry, entry));
}

void tourney_game_changed(tourney_t *t, const char *game_id)
{
    tourney_ref_t *r = map_get(&t->games, game_id);
    if (r == NULL)
        return;
    r->te->check_end = r->te->ev.round == r->te->ev.rounds;
    tourney_dirty(t, r->te);
}

void tourney_flushed(tourney_t *t)
{
    tourney_push_due(t, now_mono_ms());
}

/* ---- reads ---------------------------------------------------------------- */

void tourney_render(tourney_t *t, const event_t *ev, bool host, buf_t *out)
{
    event_render(out, ev, tourney_live, t, host, t->app->public_url, now_mono_ms(), now_wall_ms());
}

bool tourney_block(tourney_t *t, const char *game_id, buf_t *out)
{
    tourney_ref_t *r = map_get(&t->games, game_id);
    if (r == NULL)
        return false;
    event_render_block(out, &r->te->ev, &r->te->ev.games[r->idx], now_mono_ms());
    *buf_reserve(out, 1) = '\0';
    return true;
}

void tourney_bind(tourney_t *t, auth_who_t *who)
{
    if (who->event_id[0] == '\0' || (who->role != AUTH_ENTRANT && who->role != AUTH_PLAYER))
        return;
    who->role = AUTH_ENTRANT;
    who->game_id[0] = '\0';
    who->player = 0;
    event_t *ev = tourney_event(t, who->event_id);
    if (ev == NULL || who->entrant_id < 1)
        return;
    int player;
    const event_game_t *eg = event_table_of(ev, (uint32_t)who->entrant_id, &player);
    if (eg == NULL)
        return;
    who->role = AUTH_PLAYER;
    who->player = player;
    snprintf(who->game_id, sizeof(who->game_id), "%s", eg->game_id);
}

bool tourney_may_read(const auth_who_t *who, const event_t *ev)
{
    return who->role == AUTH_HOST || (who->event_id[0] && strcmp(who->event_id, ev->id) == 0);
}

/* ---- changes -------------------------------------------------------------- */

/* A deep copy, to put an event back as it was when its writes fail. */
static void tourney_copy(event_t *dst, const event_t *src)
{
    *dst = *src;
    dst->settings = mem_strndup(src->settings, strlen(src->settings));
    dst->entrants = mem_alloc((src->cap_entrants ? src->cap_entrants : 1) * sizeof(*src->entrants));
    if (src->n_entrants)
        memcpy(dst->entrants, src->entrants, src->n_entrants * sizeof(*src->entrants));
    dst->games = mem_alloc((src->cap_games ? src->cap_games : 1) * sizeof(*src->games));
    if (src->n_games)
        memcpy(dst->games, src->games, src->n_games * sizeof(*src->games));
}

/* Ends a change: on success commits (core_flush) and marks the event due; on
 * failure puts the event back as saved. Frees saved either way. */
static int tourney_finish(tourney_t *t, tourney_ev_t *te, event_t *saved, int rc)
{
    if (rc == 0 && core_flush(t->app->core) != 0)
        rc = TOURNEY_E_IO;
    if (rc != 0) {
        tourney_unindex(t, te);
        event_free(&te->ev);
        te->ev = *saved;
        tourney_index(t, te, 0);
    } else {
        event_free(saved);
        tourney_dirty(t, te);
        tourney_push_due(t, now_mono_ms());
    }
    return rc;
}

static int tourney_check_settings(const char *settings, char *msg, size_t cap)
{
    buf_t b;
    buf_init(&b);
    buf_puts(&b, "{\"settings\":");
    buf_puts(&b, settings);
    buf_putc(&b, '}');
    jsmntok_t *toks = mem_alloc((VIEW_MAX_TOKENS + 64) * sizeof(*toks));
    json_doc_t d;
    int rc = json_parse(&d, b.data, b.len, toks, VIEW_MAX_TOKENS + 64);
    game_t g;
    memset(&g, 0, sizeof(g));
    const char *bad = NULL;
    if (rc == 0)
        rc = view_parse(&d, 0, "check", 0, &g, &bad);
    if (rc == 0)
        game_release(&g);
    else
        snprintf(msg, cap, "settings: %s is not a valid game setting", bad ? bad : "a value");
    free(toks);
    buf_free(&b);
    return rc == 0 ? 0 : TOURNEY_E_BAD;
}

int tourney_create(tourney_t *t, const char *name, uint32_t rounds, int64_t round_time_ms, const standings_scoring_t *scoring,
                   const char *settings, event_t **out, char *msg, size_t cap)
{
    if (settings && tourney_check_settings(settings, msg, cap) != 0)
        return TOURNEY_E_BAD;
    char id[EVENT_ID_SIZE], at[32];
    unsigned char r[12];
    do {
        if (auth_random(r, sizeof(r)) != 0)
            return TOURNEY_E_IO;
        snprintf(id, sizeof(id), "e-%02x%02x%02x%02x", r[0], r[1], r[2], r[3]);
    } while (tourney_event(t, id) != NULL);
    uint64_t seed = 0;
    memcpy(&seed, r + 4, sizeof(seed));
    now_iso8601(now_wall_ms(), at);
    event_t ev;
    if (event_init(&ev, id, name, rounds, round_time_ms, scoring, settings, seed, at) != EVENT_OK) {
        event_free(&ev);
        snprintf(msg, cap, "name, rounds or round_time_ms out of range");
        return TOURNEY_E_BAD;
    }
    if (core_write_begin(t->app->core) != 0) {
        event_free(&ev);
        return TOURNEY_E_IO;
    }
    if (tourney_write_end(t, store_event_save_head(t->app->store, &ev, now_mono_ms(), now_wall_ms()) == 0) != 0 ||
        core_flush(t->app->core) != 0) {
        event_free(&ev);
        return TOURNEY_E_IO;
    }
    *out = &tourney_add(t, &ev)->ev;
    log_info("event %s created", id);
    return 0;
}

/* A join code of the event that no game invite or event code has. */
static int tourney_new_code(tourney_t *t, const char *event_id, auth_role_t role, int64_t entrant_id, char code[EVENT_CODE_SIZE])
{
    char at[32];
    now_iso8601(now_wall_ms(), at);
    for (int tries = 0; tries < 8; tries++) {
        char c[AUTH_CODE_LEN + 1];
        auth_who_t other;
        if (auth_new_code(c) != 0)
            return STORE_E_IO;
        if (store_invite_find(t->app->store, c, &other) == 0)
            continue;
        int rc = store_event_invite_create(t->app->store, c, event_id, role, entrant_id, at);
        if (rc == STORE_E_EXISTS)
            continue;
        if (rc == 0)
            snprintf(code, EVENT_CODE_SIZE, "%s", c);
        return rc;
    }
    return STORE_E_IO;
}

int tourney_add_entrants(tourney_t *t, event_t *ev, const event_entrant_in_t *in, size_t n, uint32_t *first_id)
{
    tourney_ev_t *te = tourney_te(t, ev);
    if (te == NULL)
        return TOURNEY_E_NOT_FOUND;
    if (ev->status == EVENT_ENDED)
        return TOURNEY_E_STATE;
    if (ev->n_entrants + n > EVENT_MAX_ENTRANTS)
        return TOURNEY_E_BAD;
    event_t saved;
    tourney_copy(&saved, ev);
    if (core_write_begin(t->app->core) != 0) {
        event_free(&saved);
        return TOURNEY_E_IO;
    }
    bool ok = true;
    *first_id = (uint32_t)ev->n_entrants + 1;
    for (size_t i = 0; ok && i < n; i++) {
        int id = event_entrant_add(ev, in[i].name, in[i].faction, in[i].club);
        ok = id > 0 && store_event_save_entrant(t->app->store, ev, (uint32_t)id) == 0 &&
             tourney_new_code(t, ev->id, AUTH_ENTRANT, id, ev->entrants[id - 1].code) == 0;
    }
    return tourney_finish(t, te, &saved, tourney_write_end(t, ok));
}

int tourney_patch_entrant(tourney_t *t, event_t *ev, uint32_t id, const char *name, const char *faction, const char *club,
                          int dropped)
{
    tourney_ev_t *te = tourney_te(t, ev);
    event_entrant_t *e = event_entrant(ev, id);
    if (te == NULL || e == NULL)
        return TOURNEY_E_NOT_FOUND;
    event_t saved;
    tourney_copy(&saved, ev);
    if (name)
        snprintf(e->name, sizeof(e->name), "%s", name);
    if (faction)
        snprintf(e->faction, sizeof(e->faction), "%s", faction);
    if (club)
        snprintf(e->club, sizeof(e->club), "%s", club);
    if (dropped >= 0)
        e->dropped = dropped != 0;
    if (core_write_begin(t->app->core) != 0) {
        event_free(&te->ev);
        te->ev = saved;
        return TOURNEY_E_IO;
    }
    return tourney_finish(t, te, &saved, tourney_write_end(t, store_event_save_entrant(t->app->store, ev, id) == 0));
}

/* Creates the game of one table: names and factions of both entrants, the event's settings. */
static int tourney_create_game(tourney_t *t, const event_t *ev, const event_game_t *eg)
{
    buf_t b;
    buf_init(&b);
    buf_puts(&b, "{\"players\":[");
    for (int p = 0; p < 2; p++) {
        const event_entrant_t *e = &ev->entrants[(p ? eg->b : eg->a) - 1];
        buf_printf(&b, "%s{\"player_number\":%d,\"name\":", p ? "," : "", p + 1);
        json_put_cstr(&b, e->name);
        buf_puts(&b, ",\"faction\":");
        json_put_cstr(&b, e->faction);
        buf_putc(&b, '}');
    }
    buf_puts(&b, "],\"settings\":");
    buf_puts(&b, ev->settings);
    buf_putc(&b, '}');
    jsmntok_t *toks = mem_alloc((VIEW_MAX_TOKENS + 64) * sizeof(*toks));
    json_doc_t d;
    change_result_t res;
    auth_who_t host = {.role = AUTH_HOST};
    int rc = json_parse(&d, b.data, b.len, toks, VIEW_MAX_TOKENS + 64);
    if (rc == 0)
        rc = change_replace(t->app->core, &host, eg->game_id, &d, 0, NULL, NULL, &res);
    if (rc != 0)
        log_warn("event %s: cannot create game %s", ev->id, eg->game_id);
    free(toks);
    buf_free(&b);
    return rc == 0 ? 0 : TOURNEY_E_IO;
}

int tourney_pair(tourney_t *t, event_t *ev)
{
    tourney_ev_t *te = tourney_te(t, ev);
    if (te == NULL)
        return TOURNEY_E_NOT_FOUND;
    event_t saved;
    tourney_copy(&saved, ev);
    struct timespec ts0, ts1;
    clock_gettime(CLOCK_MONOTONIC, &ts0);
    size_t first;
    int rc = event_pair(ev, tourney_live, t, &first);
    clock_gettime(CLOCK_MONOTONIC, &ts1);
    if (rc != EVENT_OK) {
        event_free(&saved);
        return rc == EVENT_E_BAD ? TOURNEY_E_BAD : TOURNEY_E_STATE;
    }
    int64_t t1 = now_mono_ms();
    double pair_ms = (double)(ts1.tv_sec - ts0.tv_sec) * 1e3 + (double)(ts1.tv_nsec - ts0.tv_nsec) / 1e6;
    tourney_index(t, te, first);
    /* The games first (each a change of its own in the batch), then the event's rows. */
    int out = 0;
    for (size_t i = first; out == 0 && i < ev->n_games; i++)
        if (ev->games[i].b != 0)
            out = tourney_create_game(t, ev, &ev->games[i]);
    if (out == 0) {
        if (core_write_begin(t->app->core) != 0)
            out = TOURNEY_E_IO;
        else {
            bool ok = store_event_save_head(t->app->store, ev, t1, now_wall_ms()) == 0;
            for (size_t i = first; ok && i < ev->n_games; i++)
                ok = store_event_save_game(t->app->store, ev, &ev->games[i]) == 0;
            out = tourney_write_end(t, ok);
        }
    }
    out = tourney_finish(t, te, &saved, out);
    if (out == 0) {
        log_info("event %s: round %u paired (%zu tables, pairing %.3f ms)", ev->id, (unsigned)ev->round, ev->n_games - first,
                 pair_ms);
        t->sink.rebind(t->app, ev->id);
    }
    return out;
}

int tourney_timer(tourney_t *t, event_t *ev, const char *action, int64_t remaining_ms)
{
    tourney_ev_t *te = tourney_te(t, ev);
    if (te == NULL)
        return TOURNEY_E_NOT_FOUND;
    event_t saved;
    tourney_copy(&saved, ev);
    int64_t now = now_mono_ms();
    int rc = event_timer_op(ev, action, remaining_ms, now);
    if (rc != EVENT_OK) {
        event_free(&saved);
        return rc == EVENT_E_BAD ? TOURNEY_E_BAD : TOURNEY_E_STATE;
    }
    if (core_write_begin(t->app->core) != 0)
        rc = TOURNEY_E_IO;
    else
        rc = tourney_write_end(t, store_event_save_head(t->app->store, ev, now, now_wall_ms()) == 0);
    /* The games show the timer in their event block: they are sent again too. */
    for (size_t k = 0; rc == 0 && k < ev->n_games; k++)
        if (ev->games[k].round == ev->round && ev->games[k].b != 0)
            core_presence(t->app->core, ev->games[k].game_id);
    rc = tourney_finish(t, te, &saved, rc);
    if (rc == 0 && ev->timer.running) {
        tourney_arm(t);
        if (event_timer_due(ev) - now <= TOURNEY_PULSE_MS && !h2o_timeout_is_linked(&t->fine_entry))
            h2o_timeout_link(t->app->loop, &t->fine, &t->fine_entry);
    }
    return rc;
}

int tourney_result(tourney_t *t, event_t *ev, event_game_t *eg, int winner, bool vp_set, int64_t vp_a, int64_t vp_b)
{
    tourney_ev_t *te = tourney_te(t, ev);
    if (te == NULL)
        return TOURNEY_E_NOT_FOUND;
    size_t idx = (size_t)(eg - ev->games);
    event_t saved;
    tourney_copy(&saved, ev);
    eg = &ev->games[idx];
    int rc = 0;
    const game_t *g = core_game(t->app->core, eg->game_id);
    int w = winner == 0 ? GAME_WINNER_DRAW : winner;
    char data[64];
    snprintf(data, sizeof(data), "{\"agree\":true,\"winner\":%s}", winner == 0 ? "null" : winner == 1 ? "1" : "2");
    if (g != NULL && g->status != GAME_ENDED) {
        /* The organiser's word ends the game with that winner ... */
        game_action_t a;
        game_action_init(&a, GAME_A_END, GAME_ACTOR_HOST);
        a.end.winner = w;
        const char *bad = NULL;
        int64_t version;
        char end_data[32];
        snprintf(end_data, sizeof(end_data), "{\"winner\":%s}", winner == 0 ? "null" : winner == 1 ? "1" : "2");
        if (core_change(t->app->core, eg->game_id, &a, end_data, NULL, NULL, &bad, &version) != 0)
            rc = TOURNEY_E_STATE;
        g = core_game(t->app->core, eg->game_id);
    }
    if (rc == 0 && g != NULL) {
        /* ... and makes its result final, as the host's result_confirm does. */
        game_action_t a;
        game_action_init(&a, GAME_A_RESULT, GAME_ACTOR_HOST);
        a.result.agree = 1;
        a.result.winner = w;
        a.result.at_ms = now_wall_ms();
        const char *bad = NULL;
        int64_t version;
        if (core_change(t->app->core, eg->game_id, &a, data, NULL, NULL, &bad, &version) != 0)
            rc = TOURNEY_E_STATE;
    }
    eg->by_host = true;
    eg->winner = winner;
    eg->vp_set = vp_set;
    eg->vp_a = vp_set ? vp_a : 0;
    eg->vp_b = vp_set ? vp_b : 0;
    if (rc == 0) {
        int64_t now = now_mono_ms();
        bool ended = event_maybe_end(ev, tourney_live, t);
        if (core_write_begin(t->app->core) != 0)
            rc = TOURNEY_E_IO;
        else
            rc = tourney_write_end(t, store_event_save_game(t->app->store, ev, eg) == 0 &&
                                          (!ended || store_event_save_head(t->app->store, ev, now, now_wall_ms()) == 0));
        core_presence(t->app->core, eg->game_id);
    }
    return tourney_finish(t, te, &saved, rc);
}

int tourney_observer_code(tourney_t *t, event_t *ev, char code[EVENT_CODE_SIZE])
{
    if (core_write_begin(t->app->core) != 0)
        return TOURNEY_E_IO;
    int rc = tourney_write_end(t, tourney_new_code(t, ev->id, AUTH_OBSERVER, 0, code) == 0);
    if (rc == 0 && core_flush(t->app->core) != 0)
        rc = TOURNEY_E_IO;
    return rc;
}

int tourney_delete(tourney_t *t, event_t *ev)
{
    tourney_ev_t *te = tourney_te(t, ev);
    if (te == NULL)
        return TOURNEY_E_NOT_FOUND;
    for (size_t i = 0; i < ev->n_games; i++)
        if (ev->games[i].b != 0 && core_game(t->app->core, ev->games[i].game_id) != NULL &&
            core_delete(t->app->core, ev->games[i].game_id) != 0)
            return TOURNEY_E_IO;
    if (core_write_begin(t->app->core) != 0 || tourney_write_end(t, store_event_delete(t->app->store, ev->id) == 0) != 0 ||
        core_flush(t->app->core) != 0)
        return TOURNEY_E_IO;
    char id[EVENT_ID_SIZE];
    snprintf(id, sizeof(id), "%s", ev->id);
    tourney_unindex(t, te);
    for (size_t i = 0; i < t->n; i++) {
        if (t->evs[i] == te) {
            memmove(&t->evs[i], &t->evs[i + 1], (t->n - i - 1) * sizeof(*t->evs));
            t->n--;
            break;
        }
    }
    event_free(&te->ev);
    free(te);
    t->sink.gone(t->app, id);
    log_info("event %s deleted", id);
    return 0;
}

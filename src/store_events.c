/* The store's events (see store.h and schema/005_events.sql): an event's row, its
 * entrants and tables written one at a time (a change of an event touches one or
 * a few rows), and the join codes and sessions of its entrants and observers.
 * Each row written also goes into the change feed, in the same savepoint: an
 * "event" entry carrying that row (the tables have composite keys, which a "row"
 * entry cannot name), or a "row" entry for a session; a follower writes them back
 * with store_event_apply (docs/switchover.md, "Events in the feed"). */
#include "json.h"
#include "mem.h"
#include "store.h"
#include "store_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const store_events_sql[E_COUNT] = {
    /* Upserts, not INSERT OR REPLACE: a replace deletes the row first, and the
     * foreign keys would cascade that delete to the event's entrants and codes. */
    [E_EVENT_UPSERT] = "INSERT INTO events (event_id, name, status, round, rounds, round_time_ms, score_win, score_draw,"
                       " score_loss, settings, seed, timer_remaining_ms, timer_running, timer_end_wall_ms, created_at)"
                       " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (event_id) DO UPDATE SET"
                       " name = excluded.name, status = excluded.status, round = excluded.round, rounds = excluded.rounds,"
                       " round_time_ms = excluded.round_time_ms, score_win = excluded.score_win, score_draw = excluded.score_draw,"
                       " score_loss = excluded.score_loss, settings = excluded.settings, seed = excluded.seed,"
                       " timer_remaining_ms = excluded.timer_remaining_ms, timer_running = excluded.timer_running,"
                       " timer_end_wall_ms = excluded.timer_end_wall_ms",
    [E_EVENT_DEL] = "DELETE FROM events WHERE event_id = ?",
    [E_ENTRANT_UPSERT] = "INSERT INTO event_entrants (event_id, entrant_id, name, faction, club, dropped)"
                         " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (event_id, entrant_id) DO UPDATE SET name = excluded.name,"
                         " faction = excluded.faction, club = excluded.club, dropped = excluded.dropped",
    [E_GAME_UPSERT] = "INSERT INTO event_games (event_id, round, table_no, a, b, game_id, by_host, winner, vp_set, vp_a,"
                      " vp_b) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (event_id, round, table_no, a) DO UPDATE SET"
                      " b = excluded.b, game_id = excluded.game_id, by_host = excluded.by_host, winner = excluded.winner,"
                      " vp_set = excluded.vp_set, vp_a = excluded.vp_a, vp_b = excluded.vp_b",
    [E_EVENTS] = "SELECT event_id, name, status, round, rounds, round_time_ms, score_win, score_draw, score_loss, settings, seed,"
                 " timer_remaining_ms, timer_running, timer_end_wall_ms, created_at FROM events ORDER BY created_at, event_id",
    [E_ENTRANTS] = "SELECT n.entrant_id, n.name, n.faction, n.club, n.dropped, i.code FROM event_entrants n"
                   " LEFT JOIN event_invites i ON i.event_id = n.event_id AND i.entrant_id = n.entrant_id AND i.role = 'entrant'"
                   " AND i.revoked_at IS NULL WHERE n.event_id = ? ORDER BY n.entrant_id",
    [E_GAMES] = "SELECT round, table_no, a, b, game_id, by_host, winner, vp_set, vp_a, vp_b FROM event_games WHERE event_id = ?"
                " ORDER BY round, table_no = 0, table_no",
    [E_INVITE_INS] = "INSERT INTO event_invites (code, event_id, role, entrant_id, created_at) VALUES (?, ?, ?, ?, ?)",
    [E_INVITE_FIND] = "SELECT event_id, role, entrant_id FROM event_invites WHERE code = ? AND revoked_at IS NULL",
    [E_SESSION_INS] = "INSERT INTO event_sessions (token_hash, invite_code, created_at) VALUES (?, ?, ?)",
    [E_SESSION_FIND] = "SELECT s.id, i.event_id, i.role, i.entrant_id FROM event_sessions s JOIN event_invites i"
                       " ON i.code = s.invite_code WHERE s.token_hash = ? AND s.revoked_at IS NULL AND i.revoked_at IS NULL",
    [E_SESSION_REVOKE] = "UPDATE event_sessions SET revoked_at = ?1 WHERE id = ?2 AND revoked_at IS NULL",
    [E_SESSION_SEEN] = "UPDATE event_sessions SET last_seen_at = ?1, last_addr = ?2 WHERE id = ?3",
    [E_SESSIONS_LIST] = "SELECT s.id, i.role, i.event_id, i.entrant_id, s.created_at, s.last_seen_at, s.last_addr"
                        " FROM event_sessions s JOIN event_invites i ON i.code = s.invite_code"
                        " WHERE s.revoked_at IS NULL AND i.revoked_at IS NULL ORDER BY s.created_at, s.id",
    [E_EVENT_ONE] = "SELECT event_id, name, status, round, rounds, round_time_ms, score_win, score_draw, score_loss, settings,"
                    " seed, timer_remaining_ms, timer_running, timer_end_wall_ms, created_at FROM events WHERE event_id = ?",
    /* The rows as the feed copies them: every column, whatever a later migration adds. */
    [E_FEED_EVENT] = "SELECT * FROM events WHERE event_id = ?",
    [E_FEED_ENTRANT] = "SELECT * FROM event_entrants WHERE event_id = ? AND entrant_id = ?",
    [E_FEED_GAME] = "SELECT * FROM event_games WHERE event_id = ? AND round = ? AND table_no = ? AND a = ?",
    [E_FEED_INVITE] = "SELECT * FROM event_invites WHERE code = ?",
};

/* A statement of this file, prepared at its first use (store_close finalizes it). */
static sqlite3_stmt *store_e(store_t *s, int q)
{
    if (s->e[q] == NULL &&
        sqlite3_prepare_v3(s->db, store_events_sql[q], -1, SQLITE_PREPARE_PERSISTENT, &s->e[q], NULL) != SQLITE_OK)
        store_fail(s, "prepare");
    sqlite3_stmt *st = s->e[q];
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return st;
}

/* The tables an "event" entry may carry, with their keys (the upsert's conflict). */
static const struct {
    const char *table, *conflict;
} store_event_tables[] = {
    {"events", "event_id"},
    {"event_entrants", "event_id, entrant_id"},
    {"event_games", "event_id, round, table_no, a"},
    {"event_invites", "code"},
};

/* The feed entry of one written row of an event (docs/switchover.md): kind
 * "event", key the event id, payload {"table", "row"} with the row as it is now
 * (st is bound to select it), or null when it is gone. */
static int store_event_feed(store_t *s, sqlite3_stmt *st, const char *table, const char *event_id)
{
    buf_t p;
    buf_init(&p);
    buf_puts(&p, "{\"table\":");
    json_put_cstr(&p, table);
    int rc = store_feed_row_entry(s, st, &p, "event", event_id);
    sqlite3_reset(st);
    return rc;
}

/* A follower's own writes reach no feed (store_feed_take): skip the read. */
static bool store_event_fed(const store_t *s)
{
    return !s->feed_replica || s->feed_force;
}

static int store_event_feed_head(store_t *s, const char *event_id)
{
    if (!store_event_fed(s))
        return 0;
    sqlite3_stmt *st = store_e(s, E_FEED_EVENT);
    store_bind_text(st, 1, event_id);
    return store_event_feed(s, st, "events", event_id);
}

static int store_event_delete_rows(store_t *s, const char *event_id);

int store_event_apply(store_t *s, const char *event_id, const char *payload, size_t len)
{
    jsmntok_t toks[160];
    json_doc_t d;
    char table[32], id[EVENT_ID_SIZE];
    if (json_parse(&d, payload, len, toks, (int)(sizeof(toks) / sizeof(toks[0]))) != 0 || json_type(&d, 0) != JSON_OBJECT)
        return STORE_E_IO;
    int tt = json_get(&d, 0, "table"), tr = json_get(&d, 0, "row");
    if (tt < 0 || tr < 0 || json_str(&d, tt, table, sizeof(table)) < 0)
        return STORE_E_IO;
    size_t k = 0;
    while (k < sizeof(store_event_tables) / sizeof(store_event_tables[0]) && strcmp(store_event_tables[k].table, table) != 0)
        k++;
    if (k == sizeof(store_event_tables) / sizeof(store_event_tables[0]))
        return STORE_E_IO;
    int rc;
    if (json_type(&d, tr) == JSON_OBJECT) {
        /* A row of another event under this key would be reloaded in the wrong place. */
        int te = json_get(&d, tr, "event_id");
        if (te < 0 || json_str(&d, te, id, sizeof(id)) < 0 || strcmp(id, event_id) != 0)
            return STORE_E_IO;
        rc = store_feed_upsert(s, store_event_tables[k].table, store_event_tables[k].conflict, &d, tr);
    } else if (k == 0) {
        rc = store_event_delete_rows(s, event_id);
    } else {
        return STORE_E_IO; /* rows of an event go only with the whole event */
    }
    if (rc != 0)
        return rc;
    char *copy = mem_alloc(len + 1);
    memcpy(copy, payload, len);
    copy[len] = '\0';
    rc = store_feed_append(s, "event", event_id, copy);
    free(copy);
    return rc;
}

int store_event_save_head(store_t *s, const event_t *ev, int64_t now_mono_ms, int64_t now_wall_ms)
{
    sqlite3_stmt *st = store_e(s, E_EVENT_UPSERT);
    int64_t left = event_timer_remaining(ev, now_mono_ms);
    store_bind_text(st, 1, ev->id);
    store_bind_text(st, 2, ev->name);
    store_bind_text(st, 3, event_status_name(ev->status));
    sqlite3_bind_int64(st, 4, ev->round);
    sqlite3_bind_int64(st, 5, ev->rounds);
    sqlite3_bind_int64(st, 6, ev->round_time_ms);
    sqlite3_bind_int64(st, 7, ev->scoring.win);
    sqlite3_bind_int64(st, 8, ev->scoring.draw);
    sqlite3_bind_int64(st, 9, ev->scoring.loss);
    store_bind_text(st, 10, ev->settings);
    sqlite3_bind_int64(st, 11, (int64_t)ev->seed);
    sqlite3_bind_int64(st, 12, left);
    sqlite3_bind_int(st, 13, ev->timer.running);
    sqlite3_bind_int64(st, 14, ev->timer.running ? now_wall_ms + left : 0);
    store_bind_text(st, 15, ev->created_at);
    if (store_exec(s, st, "save event") != 0)
        return STORE_E_IO;
    return store_event_feed_head(s, ev->id);
}

int store_event_save_entrant(store_t *s, const event_t *ev, uint32_t id)
{
    const event_entrant_t *e = &ev->entrants[id - 1];
    sqlite3_stmt *st = store_e(s, E_ENTRANT_UPSERT);
    store_bind_text(st, 1, ev->id);
    sqlite3_bind_int64(st, 2, id);
    store_bind_text(st, 3, e->name);
    store_bind_text(st, 4, e->faction);
    store_bind_text(st, 5, e->club);
    sqlite3_bind_int(st, 6, e->dropped);
    if (store_exec(s, st, "save entrant") != 0)
        return STORE_E_IO;
    if (!store_event_fed(s))
        return 0;
    st = store_e(s, E_FEED_ENTRANT);
    store_bind_text(st, 1, ev->id);
    sqlite3_bind_int64(st, 2, id);
    return store_event_feed(s, st, "event_entrants", ev->id);
}

int store_event_save_game(store_t *s, const event_t *ev, const event_game_t *eg)
{
    sqlite3_stmt *st = store_e(s, E_GAME_UPSERT);
    store_bind_text(st, 1, ev->id);
    sqlite3_bind_int64(st, 2, eg->round);
    sqlite3_bind_int64(st, 3, eg->table);
    sqlite3_bind_int64(st, 4, eg->a);
    sqlite3_bind_int64(st, 5, eg->b);
    store_bind_text(st, 6, eg->game_id);
    sqlite3_bind_int(st, 7, eg->by_host);
    sqlite3_bind_int(st, 8, eg->winner);
    sqlite3_bind_int(st, 9, eg->vp_set);
    sqlite3_bind_int64(st, 10, eg->vp_a);
    sqlite3_bind_int64(st, 11, eg->vp_b);
    if (store_exec(s, st, "save event table") != 0)
        return STORE_E_IO;
    if (!store_event_fed(s))
        return 0;
    st = store_e(s, E_FEED_GAME);
    store_bind_text(st, 1, ev->id);
    sqlite3_bind_int64(st, 2, eg->round);
    sqlite3_bind_int64(st, 3, eg->table);
    sqlite3_bind_int64(st, 4, eg->a);
    return store_event_feed(s, st, "event_games", ev->id);
}

/* The foreign keys cascade to entrants, tables, codes and their sessions. */
static int store_event_delete_rows(store_t *s, const char *event_id)
{
    sqlite3_stmt *st = store_e(s, E_EVENT_DEL);
    store_bind_text(st, 1, event_id);
    return store_exec(s, st, "delete event");
}

int store_event_delete(store_t *s, const char *event_id)
{
    if (store_event_delete_rows(s, event_id) != 0)
        return STORE_E_IO;
    return store_event_feed_head(s, event_id); /* null: gone, with all its rows */
}

static const char *store_col(sqlite3_stmt *st, int col)
{
    const char *v = (const char *)sqlite3_column_text(st, col);
    return v ? v : "";
}

/* Reads the entrants and tables of one event into ev. */
static int store_event_load_rows(store_t *s, event_t *ev)
{
    sqlite3_stmt *st = store_e(s, E_ENTRANTS);
    store_bind_text(st, 1, ev->id);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        /* Ids are dense from 1; a gap (never written) would shift them, so fill it. */
        int64_t id = sqlite3_column_int64(st, 0);
        while ((int64_t)ev->n_entrants < id - 1 && event_entrant_add(ev, "?", "", "") > 0)
            ;
        if (event_entrant_add(ev, store_col(st, 1), store_col(st, 2), store_col(st, 3)) < 0)
            break;
        event_entrant_t *e = &ev->entrants[ev->n_entrants - 1];
        e->dropped = sqlite3_column_int(st, 4) != 0;
        snprintf(e->code, sizeof(e->code), "%s", store_col(st, 5));
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        return store_fail(s, "load entrants");
    st = store_e(s, E_GAMES);
    store_bind_text(st, 1, ev->id);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (ev->n_games == ev->cap_games) {
            ev->cap_games = ev->cap_games ? ev->cap_games * 2 : 64;
            ev->games = mem_realloc(ev->games, ev->cap_games * sizeof(*ev->games));
        }
        event_game_t *g = &ev->games[ev->n_games++];
        memset(g, 0, sizeof(*g));
        g->round = (uint32_t)sqlite3_column_int64(st, 0);
        g->table = (uint32_t)sqlite3_column_int64(st, 1);
        g->a = (uint32_t)sqlite3_column_int64(st, 2);
        g->b = (uint32_t)sqlite3_column_int64(st, 3);
        snprintf(g->game_id, sizeof(g->game_id), "%s", store_col(st, 4));
        g->by_host = sqlite3_column_int(st, 5) != 0;
        g->winner = sqlite3_column_int(st, 6);
        g->vp_set = sqlite3_column_int(st, 7) != 0;
        g->vp_a = sqlite3_column_int64(st, 8);
        g->vp_b = sqlite3_column_int64(st, 9);
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : store_fail(s, "load event tables");
}

/* Reads the head row st is on (E_EVENTS' columns) into ev; -1 if it is unusable. */
static int store_event_head(sqlite3_stmt *st, event_t *ev, int64_t now_mono_ms, int64_t now_wall_ms, bool keep_running)
{
    standings_scoring_t sc = {sqlite3_column_int64(st, 6), sqlite3_column_int64(st, 7), sqlite3_column_int64(st, 8)};
    if (event_init(ev, store_col(st, 0), store_col(st, 1), (uint32_t)sqlite3_column_int64(st, 4), sqlite3_column_int64(st, 5),
                   &sc, store_col(st, 9), (uint64_t)sqlite3_column_int64(st, 10), store_col(st, 14)) != EVENT_OK) {
        event_free(ev);
        return -1;
    }
    int status = event_status_parse(store_col(st, 2));
    ev->status = status < 0 ? EVENT_SETUP : (event_status_t)status;
    ev->round = (uint32_t)sqlite3_column_int64(st, 3);
    int64_t left = sqlite3_column_int64(st, 11);
    bool running = sqlite3_column_int(st, 12) != 0;
    if (running) {
        /* What the wall clock says is left: never more than stored (a box
         * without a real-time clock may come back in the past). */
        int64_t by_wall = sqlite3_column_int64(st, 13) - now_wall_ms;
        if (by_wall < left)
            left = by_wall > 0 ? by_wall : 0;
    }
    ev->timer.remaining_ms = left;
    ev->timer.since_ms = now_mono_ms;
    ev->timer.running = keep_running && running && left > 0;
    return 0;
}

int store_events_load(store_t *s, int64_t now_mono_ms, int64_t now_wall_ms, bool keep_running, store_event_fn fn, void *ctx)
{
    /* Read the heads first: the statement over events must be done before the
     * per-event statements run (they are separate statements, so this is only
     * for clarity of ownership: every event is handed over complete). */
    sqlite3_stmt *st = store_e(s, E_EVENTS);
    event_t *evs = NULL;
    size_t n = 0, cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (n == cap) {
            cap = cap ? cap * 2 : 8;
            evs = mem_realloc(evs, cap * sizeof(*evs));
        }
        if (store_event_head(st, &evs[n], now_mono_ms, now_wall_ms, keep_running) == 0)
            n++;
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
        for (size_t i = 0; i < n; i++)
            event_free(&evs[i]);
        free(evs);
        return store_fail(s, "load events");
    }
    int out = 0;
    for (size_t i = 0; i < n; i++) {
        if (out == 0 && store_event_load_rows(s, &evs[i]) != 0)
            out = STORE_E_IO;
        if (out == 0)
            fn(ctx, &evs[i]);
        else
            event_free(&evs[i]);
    }
    free(evs);
    return out;
}

int store_event_load(store_t *s, const char *event_id, int64_t now_mono_ms, int64_t now_wall_ms, bool keep_running, event_t *ev)
{
    sqlite3_stmt *st = store_e(s, E_EVENT_ONE);
    store_bind_text(st, 1, event_id);
    int rc = sqlite3_step(st);
    int out = rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? STORE_E_NOT_FOUND : store_fail(s, "load event");
    if (out == 0 && store_event_head(st, ev, now_mono_ms, now_wall_ms, keep_running) != 0)
        out = STORE_E_IO;
    sqlite3_reset(st);
    if (out == 0 && store_event_load_rows(s, ev) != 0) {
        event_free(ev);
        out = STORE_E_IO;
    }
    return out;
}

int store_event_invite_create(store_t *s, const char *code, const char *event_id, auth_role_t role, int64_t entrant_id,
                              const char *at)
{
    sqlite3_stmt *st = store_e(s, E_INVITE_INS);
    store_bind_text(st, 1, code);
    store_bind_text(st, 2, event_id);
    store_bind_text(st, 3, role == AUTH_ENTRANT ? "entrant" : "observer");
    sqlite3_bind_int64(st, 4, entrant_id);
    store_bind_text(st, 5, at);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc == SQLITE_CONSTRAINT)
        return STORE_E_EXISTS;
    if (rc != SQLITE_DONE)
        return store_fail(s, "create event code");
    if (!store_event_fed(s))
        return 0;
    st = store_e(s, E_FEED_INVITE);
    store_bind_text(st, 1, code);
    return store_event_feed(s, st, "event_invites", event_id);
}

static void store_event_who(sqlite3_stmt *st, int col, auth_who_t *who)
{
    snprintf(who->event_id, sizeof(who->event_id), "%s", store_col(st, col));
    who->role = strcmp(store_col(st, col + 1), "entrant") == 0 ? AUTH_ENTRANT : AUTH_OBSERVER;
    who->entrant_id = sqlite3_column_int64(st, col + 2);
}

int store_event_invite_find(store_t *s, const char *code, auth_who_t *who)
{
    sqlite3_stmt *st = store_e(s, E_INVITE_FIND);
    store_bind_text(st, 1, code);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        memset(who, 0, sizeof(*who));
        store_event_who(st, 0, who);
    }
    sqlite3_reset(st);
    if (rc == SQLITE_ROW)
        return 0;
    return rc == SQLITE_DONE ? STORE_E_NOT_FOUND : store_fail(s, "find event code");
}

/* A session of an event code is a row of one key: the generic "row" entry. */
static int store_event_feed_session(store_t *s, int64_t rowid)
{
    char key[24];
    snprintf(key, sizeof(key), "%lld", (long long)rowid);
    return store_feed_row(s, "event_sessions", "id", key);
}

int store_event_session_create(store_t *s, const char *token_hash, const char *code, const char *at, int64_t *id)
{
    sqlite3_stmt *st = store_e(s, E_SESSION_INS);
    store_bind_text(st, 1, token_hash);
    store_bind_text(st, 2, code);
    store_bind_text(st, 3, at);
    if (store_exec(s, st, "create event session") != 0)
        return STORE_E_IO;
    int64_t rowid = sqlite3_last_insert_rowid(s->db);
    *id = STORE_EVENT_SESSION_BASE + rowid;
    return store_event_feed_session(s, rowid);
}

int store_event_session_find(store_t *s, const char *token_hash, auth_who_t *who)
{
    memset(who, 0, sizeof(*who));
    sqlite3_stmt *st = store_e(s, E_SESSION_FIND);
    store_bind_text(st, 1, token_hash);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        who->session_id = STORE_EVENT_SESSION_BASE + sqlite3_column_int64(st, 0);
        store_event_who(st, 1, who);
    }
    sqlite3_reset(st);
    if (rc == SQLITE_ROW)
        return 0;
    return rc == SQLITE_DONE ? STORE_E_NOT_FOUND : store_fail(s, "find event session");
}

int store_event_session_revoke(store_t *s, int64_t id, const char *at)
{
    sqlite3_stmt *st = store_e(s, E_SESSION_REVOKE);
    store_bind_text(st, 1, at);
    sqlite3_bind_int64(st, 2, id - STORE_EVENT_SESSION_BASE);
    if (store_exec(s, st, "revoke event session") != 0)
        return STORE_E_IO;
    return sqlite3_changes(s->db) > 0 ? store_event_feed_session(s, id - STORE_EVENT_SESSION_BASE) : STORE_E_NOT_FOUND;
}

int store_event_session_seen(store_t *s, int64_t id, const char *at, const char *addr)
{
    sqlite3_stmt *st = store_e(s, E_SESSION_SEEN);
    store_bind_text(st, 1, at);
    store_bind_text(st, 2, addr);
    sqlite3_bind_int64(st, 3, id - STORE_EVENT_SESSION_BASE);
    return store_exec(s, st, "note event session"); /* not in the feed, as a game session's */
}

int store_event_sessions_list(store_t *s, store_session_fn fn, void *ctx)
{
    sqlite3_stmt *st = store_e(s, E_SESSIONS_LIST);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        auth_who_t who;
        memset(&who, 0, sizeof(who));
        who.session_id = STORE_EVENT_SESSION_BASE + sqlite3_column_int64(st, 0);
        snprintf(who.event_id, sizeof(who.event_id), "%s", store_col(st, 2));
        who.role = strcmp(store_col(st, 1), "entrant") == 0 ? AUTH_ENTRANT : AUTH_OBSERVER;
        who.entrant_id = sqlite3_column_int64(st, 3);
        fn(ctx, &who, (const char *)sqlite3_column_text(st, 4), (const char *)sqlite3_column_text(st, 5),
           (const char *)sqlite3_column_text(st, 6));
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : store_fail(s, "list event sessions");
}

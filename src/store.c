#include "store.h"
#include "store_impl.h"
#include "assets.h"
#include "log.h"
#include "json.h"
#include "mem.h"

#define STORE_PAGE_SIZE 1024

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>


static const char *const store_sql[Q_COUNT] = {
    [Q_BEGIN] = "BEGIN IMMEDIATE",
    [Q_COMMIT] = "COMMIT",
    [Q_ROLLBACK] = "ROLLBACK",
    [Q_SAVEPOINT] = "SAVEPOINT w",
    [Q_RELEASE] = "RELEASE w",
    [Q_ROLLBACK_TO] = "ROLLBACK TO w",
    [Q_GAME_UPSERT] = "INSERT INTO game_state (game_id, version, status, round, current_turn, created_at, updated_at,"
                      " first_player, attacker, winner, draw, game_time_ms, game_time_running)"
                      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"
                      " ON CONFLICT (game_id) DO UPDATE SET version = ?2, status = ?3, round = ?4, current_turn = ?5,"
                      " updated_at = ?7, first_player = ?8, attacker = ?9, winner = ?10, draw = ?11,"
                      " game_time_ms = ?12, game_time_running = ?13",
    [Q_SCORE_UPSERT] = "INSERT OR REPLACE INTO scores (game_id, player_number, name, faction, primary_vp, secondary_vp, cp,"
                       " private_json, rounds) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    [Q_TIMER_UPSERT] = "INSERT OR REPLACE INTO timers (game_id, player_number, remaining_ms, used_ms, running, flagged)"
                       " VALUES (?, ?, ?, ?, ?, ?)",
    [Q_SETTINGS_DEL] = "DELETE FROM game_settings WHERE game_id = ?",
    [Q_SETTING_INS] = "INSERT INTO game_settings (game_id, position, key, value, type) VALUES (?, ?, ?, ?, ?)",
    [Q_GAME_DEL] = "DELETE FROM game_state WHERE game_id = ?",
    [Q_ACTION_INS] = "INSERT INTO actions (game_id, version, at, mono_ms, boot, actor, type, data, before_state, round)"
                     " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    [Q_UNDO_TARGET] = "SELECT version, actor, mono_ms, boot, before_state FROM actions WHERE game_id = ?"
                      " AND undone_by IS NULL AND type <> 'undo' AND before_state IS NOT NULL"
                      " ORDER BY version DESC LIMIT 1",
    [Q_MARK_UNDONE] = "UPDATE actions SET undone_by = ? WHERE game_id = ? AND version = ?",
    [Q_HISTORY] = "SELECT version, at, actor, type, data, undone_by, round FROM actions WHERE game_id = ? ORDER BY version",
    [Q_SECRET_GET] = "SELECT value FROM secrets WHERE name = ?",
    [Q_SECRET_PUT] = "INSERT OR REPLACE INTO secrets (name, value) VALUES (?, ?)",
    [Q_SETTINGS_ALL] = "SELECT key, value FROM settings ORDER BY key",
    [Q_SETTING_PUT] = "INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)",
    [Q_SETTING_DEL] = "DELETE FROM settings WHERE key = ?",
    [Q_SETTING_GET] = "SELECT value FROM settings WHERE key = ?",
    [Q_GAMES] = "SELECT game_id, version, status, round, current_turn, created_at, updated_at, first_player, attacker, winner,"
                " draw, game_time_ms, game_time_running, COALESCE(o.judge_by, 0), COALESCE(o.judge_reason, ''),"
                " COALESCE(o.judge_at, 0), COALESCE(o.judge_paused, 0), COALESCE(o.result_confirmed, 0),"
                " COALESCE(o.result_disputed, 0), COALESCE(o.result_final, 0)"
                " FROM game_state LEFT JOIN game_outcomes o USING (game_id) ORDER BY created_at, game_id",
    [Q_SCORES] = "SELECT player_number, name, faction, primary_vp, secondary_vp, cp, private_json, rounds FROM scores"
                 " WHERE game_id = ?",
    [Q_TIMERS] = "SELECT player_number, remaining_ms, used_ms, running, flagged FROM timers WHERE game_id = ?",
    [Q_GSETTINGS] = "SELECT key, value, type FROM game_settings WHERE game_id = ? ORDER BY position",
    [Q_PING] = "SELECT 1",
    /* The checkpoint's narrow writes: rows that exist, values in place, no index touched. */
    /* One row, one statement, one page a second per running game; it counts while
     * the game is still at its version (a change writes the full rows). */
    [Q_CHECKPOINT] = "INSERT INTO clock_checkpoints (game_id, version, p1_remaining_ms, p1_used_ms, p2_remaining_ms, p2_used_ms,"
                     " game_time_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (game_id) DO UPDATE SET version = ?2,"
                     " p1_remaining_ms = ?3, p1_used_ms = ?4, p2_remaining_ms = ?5, p2_used_ms = ?6, game_time_ms = ?7",
    [Q_CHECKPOINT_GET] = "SELECT p1_remaining_ms, p1_used_ms, p2_remaining_ms, p2_used_ms, game_time_ms FROM clock_checkpoints"
                         " WHERE game_id = ? AND version = ?",
    [Q_CHECKPOINT_DEL] = "DELETE FROM clock_checkpoints WHERE game_id = ?",
    /* An existing game whose status did not change: no CHECK on status to evaluate
     * (its IN list costs an ephemeral table per statement). */
    [Q_GAME_UPD] = "UPDATE game_state SET version = ?2, round = ?4, current_turn = ?5, updated_at = ?7, first_player = ?8,"
                   " attacker = ?9, winner = ?10, draw = ?11, game_time_ms = ?12, game_time_running = ?13 WHERE game_id = ?1",
    [Q_SETTING_UPD] = "UPDATE game_settings SET value = ?3, type = ?4 WHERE game_id = ?1 AND key = ?2",
    /* Judge call and result: written only when they change (most changes leave them), a row only while there is one. */
    [Q_OUTCOME_PUT] = "INSERT OR REPLACE INTO game_outcomes (game_id, judge_by, judge_reason, judge_at, judge_paused,"
                      " result_confirmed, result_disputed, result_final) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    [Q_OUTCOME_DEL] = "DELETE FROM game_outcomes WHERE game_id = ?1",
};


/* Page size of new databases (bench: STATE_SERVER_PAGE_SIZE tries others). */
static int store_page_size(void)
{
    const char *e = getenv("STATE_SERVER_PAGE_SIZE");
    int v = e ? atoi(e) : STORE_PAGE_SIZE;
    return v >= 512 && v <= 65536 && (v & (v - 1)) == 0 ? v : STORE_PAGE_SIZE;
}


const char *store_last_error(const store_t *s)
{
    return s->last_error;
}




static int exec_sql(sqlite3 *db, const char *sql, char *err, size_t errlen, const char *what)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        snprintf(err, errlen, "%s: %s", what, msg ? msg : sqlite3_errmsg(db));
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

static int pragma_int(sqlite3 *db, const char *sql, int *out)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return -1;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *out = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 0 : -1;
}

int store_schema_latest(void)
{
    return (int)assets_nschema;
}

/* Reads-only checks that decide whether we may touch the file at all. */
static int store_check(sqlite3 *db, const char *path, char *err, size_t errlen)
{
    int version;
    if (pragma_int(db, "PRAGMA user_version", &version) != 0) {
        snprintf(err, errlen, "cannot read database %.300s: %.200s", path, sqlite3_errmsg(db));
        return -1;
    }
    if (version > store_schema_latest()) {
        snprintf(err, errlen, "database %.300s has schema version %d, newer than this binary's %d: use a newer state-server", path,
                 version, store_schema_latest());
        return -1;
    }
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "cannot check database %.300s: %.200s", path, sqlite3_errmsg(db));
        return -1;
    }
    int rc = sqlite3_step(st);
    const char *res = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : NULL;
    if (res == NULL || strcmp(res, "ok") != 0) {
        snprintf(err, errlen, "database %.300s failed its integrity check (%.200s); it was not modified", path,
                 res ? res : sqlite3_errmsg(db));
        sqlite3_finalize(st);
        return -1;
    }
    sqlite3_finalize(st);
    return 0;
}

static int store_migrate(sqlite3 *db, char *err, size_t errlen)
{
    int version;
    if (pragma_int(db, "PRAGMA user_version", &version) != 0)
        return -1;
    if (version == store_schema_latest())
        return 0;
    if (exec_sql(db, "BEGIN IMMEDIATE", err, errlen, "cannot start the migration") != 0)
        return -1;
    for (size_t i = (size_t)version; i < assets_nschema; i++) {
        char what[128];
        snprintf(what, sizeof(what), "migration %.60s failed", assets_schema[i].name);
        char setv[64];
        snprintf(setv, sizeof(setv), "PRAGMA user_version = %zu", i + 1);
        if (exec_sql(db, assets_schema[i].sql, err, errlen, what) != 0 || exec_sql(db, setv, err, errlen, what) != 0) {
            sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
            return -1;
        }
    }
    if (exec_sql(db, "COMMIT", err, errlen, "cannot commit the migration") != 0)
        return -1;
    if (version > 0)
        log_info("database upgraded from schema version %d to %d", version, store_schema_latest());
    return 0;
}

store_t *store_open(const char *path, bool sync_full, char *err, size_t errlen)
{
    sqlite3 *db = NULL;
    struct stat stbuf;
    bool existed = stat(path, &stbuf) == 0;
    /* One thread uses SQLite: no need for its memory statistics, whose upkeep takes
     * a global mutex on every allocation. Only possible before SQLite initializes;
     * when something initialized it first (a test's VFS), it stays on, harmlessly. */
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "cannot open database %.300s: %.200s", path, db ? sqlite3_errmsg(db) : "out of memory");
        sqlite3_close(db);
        return NULL;
    }
    sqlite3_busy_timeout(db, 2000);
    if (existed && store_check(db, path, err, errlen) != 0) {
        sqlite3_close(db);
        return NULL;
    }
    char sync_sql[64];
    snprintf(sync_sql, sizeof(sync_sql), "PRAGMA synchronous = %s", sync_full ? "FULL" : "NORMAL");
    /* A new database gets small pages: every commit checksums and writes whole
     * pages into the WAL, and a change touches a few rows of small tables, so a
     * smaller page is less to checksum and to write to the SD card per commit.
     * (An existing database keeps its page size: WAL mode cannot change it.) */
    char page_sql[64];
    snprintf(page_sql, sizeof(page_sql), "PRAGMA page_size = %d", store_page_size());
    if ((!existed && exec_sql(db, page_sql, err, errlen, "cannot set the page size") != 0) ||
        exec_sql(db, "PRAGMA journal_mode = WAL", err, errlen, "cannot use WAL mode") != 0 ||
        exec_sql(db, sync_sql, err, errlen, "cannot set synchronous") != 0 ||
        exec_sql(db, "PRAGMA foreign_keys = ON", err, errlen, "cannot enable foreign keys") != 0 ||
        store_migrate(db, err, errlen) != 0) {
        sqlite3_close(db);
        return NULL;
    }
    store_t *s = mem_zalloc(sizeof(*s));
    s->db = db;
    for (int i = 0; i < Q_COUNT; i++) {
        if (sqlite3_prepare_v3(db, store_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &s->q[i], NULL) != SQLITE_OK) {
            snprintf(err, errlen, "cannot prepare statement %d: %.200s", i, sqlite3_errmsg(db));
            store_close(s);
            return NULL;
        }
    }
    unsigned char raw[8];
    auth_random(raw, sizeof(raw));
    for (int i = 0; i < 8; i++)
        snprintf(s->boot + 2 * i, 3, "%02x", raw[i]);
    return s;
}

void store_close(store_t *s)
{
    if (!s)
        return;
    if (s->in_tx)
        store_rollback(s);
    for (int i = 0; i < Q_COUNT; i++)
        sqlite3_finalize(s->q[i]);
    for (int i = 0; i < G_COUNT; i++)
        sqlite3_finalize(s->g[i]); /* NULL for those never used */
    for (int i = 0; i < E_COUNT; i++)
        sqlite3_finalize(s->e[i]);
    sqlite3_close(s->db);
    free(s);
}

int store_schema_version(store_t *s)
{
    int v = -1;
    pragma_int(s->db, "PRAGMA user_version", &v);
    return v;
}

bool store_ok(store_t *s)
{
    sqlite3_stmt *st = store_q(s, Q_PING);
    bool ok = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_reset(st);
    return ok;
}

int store_begin(store_t *s)
{
    if (s->in_tx)
        return store_in_tx(s) ? 0 : STORE_E_IO; /* lost under us: the owner must roll back first */
    if (store_exec(s, store_q(s, Q_BEGIN), "begin") != 0)
        return STORE_E_IO;
    s->in_tx = true;
    return 0;
}

bool store_in_tx(store_t *s)
{
    /* SQLite may have rolled the transaction back by itself after an I/O error,
     * a full disk or out of memory: ask it rather than trusting our flag. The
     * flag stays set until store_rollback, so a lost transaction is never taken
     * for "nothing to commit". */
    return s->in_tx && !sqlite3_get_autocommit(s->db);
}

bool store_tx_begun(const store_t *s)
{
    return s->in_tx;
}

int store_commit(store_t *s)
{
    if (!s->in_tx)
        return 0;
    if (!store_in_tx(s)) {
        s->in_tx = false;
        return STORE_E_IO; /* it was rolled back under us: nothing of it is on disk */
    }
    int rc = store_exec(s, store_q(s, Q_COMMIT), "commit");
    if (rc != 0) {
        store_rollback(s);
        return rc;
    }
    s->in_tx = false;
    return 0;
}

void store_rollback(store_t *s)
{
    if (!s->in_tx)
        return;
    /* A failed COMMIT may already have rolled back; ROLLBACK then fails harmlessly. */
    sqlite3_stmt *st = store_q(s, Q_ROLLBACK);
    sqlite3_step(st);
    sqlite3_reset(st);
    s->in_tx = false;
}

int store_savepoint(store_t *s)
{
    if (!store_in_tx(s))
        return STORE_E_IO;
    return store_exec(s, store_q(s, Q_SAVEPOINT), "savepoint");
}

int store_release(store_t *s)
{
    if (!store_in_tx(s))
        return STORE_E_IO;
    return store_exec(s, store_q(s, Q_RELEASE), "release");
}

int store_rollback_to(store_t *s)
{
    if (!store_in_tx(s))
        return STORE_E_IO;
    if (store_exec(s, store_q(s, Q_ROLLBACK_TO), "rollback to savepoint") != 0 ||
        store_exec(s, store_q(s, Q_RELEASE), "release") != 0)
        return STORE_E_IO;
    return store_in_tx(s) ? 0 : STORE_E_IO;
}

static bool player_row_same(const game_player_t *a, const game_player_t *b)
{
    return a->primary == b->primary && a->secondary == b->secondary && a->cp == b->cp && strcmp(a->name, b->name) == 0 &&
           strcmp(a->faction, b->faction) == 0 && strcmp(a->private_json, b->private_json) == 0 &&
           memcmp(a->rounds, b->rounds, sizeof(a->rounds)) == 0;
}

static bool judge_result_same(const game_t *a, const game_t *b)
{
    return a->judge.called_by == b->judge.called_by && memcmp(&a->result, &b->result, sizeof(a->result)) == 0 &&
           (a->judge.called_by == GAME_ACTOR_NONE || memcmp(&a->judge, &b->judge, sizeof(a->judge)) == 0);
}

/* The cells as [[primary,secondary],...] up to the last scored round; "" when none is. */
static size_t rounds_text(const game_player_t *p, char *out, size_t cap)
{
    int last = GAME_ROUNDS_MAX;
    size_t n = 0;
    while (last > 0 && !p->rounds[last - 1].primary && !p->rounds[last - 1].secondary)
        last--;
    if (last == 0 || cap < 3)
        return 0;
    out[n++] = '[';
    for (int r = 0; r < last && n + 12 < cap; r++) {
        int v[2] = {p->rounds[r].primary, p->rounds[r].secondary};
        out[n++] = r ? ',' : '[';
        if (r)
            out[n++] = '[';
        for (int k = 0; k < 2; k++) {
            char tmp[4];
            int m = 0, x = v[k];
            do {
                tmp[m++] = (char)('0' + x % 10);
                x /= 10;
            } while (x && m < 4);
            while (m)
                out[n++] = tmp[--m];
            out[n++] = k ? ']' : ',';
        }
    }
    out[n++] = ']';
    return n;
}

/* Reads rounds_text()'s form into the cells; false if it is malformed. */
static bool rounds_parse(const char *s, game_player_t *p)
{
    memset(p->rounds, 0, sizeof(p->rounds));
    if (s == NULL || *s == '\0')
        return true;
    if (*s++ != '[')
        return false;
    for (int r = 0; r < GAME_ROUNDS_MAX; r++) {
        int v[2];
        if (*s++ != '[')
            return false;
        for (int k = 0; k < 2; k++) {
            if (*s < '0' || *s > '9')
                return false;
            for (v[k] = 0; *s >= '0' && *s <= '9' && v[k] <= GAME_SCORE_MAX; s++)
                v[k] = v[k] * 10 + (*s - '0');
            if (*s++ != (k ? ']' : ','))
                return false;
        }
        p->rounds[r].primary = (int16_t)(v[0] > GAME_SCORE_MAX ? -1 : v[0]);
        p->rounds[r].secondary = (int16_t)(v[1] > GAME_SCORE_MAX ? -1 : v[1]);
        if (*s == ']')
            return s[1] == '\0';
        if (*s++ != ',')
            return false;
    }
    return false;
}

static bool clock_row_same(const game_clock_t *a, const game_clock_t *b)
{
    return a->remaining_ms == b->remaining_ms && a->used_ms == b->used_ms && a->running == b->running && a->flagged == b->flagged;
}

int store_save_game(store_t *s, const game_t *g, const game_t *prev, const char *created_at, const char *updated_at)
{
    bool same_status = prev && prev->status == g->status;
    sqlite3_stmt *st = store_q(s, same_status ? Q_GAME_UPD : Q_GAME_UPSERT);
    store_bind_text(st, 1, g->id);
    sqlite3_bind_int64(st, 2, g->version);
    if (!same_status)
        store_bind_text(st, 3, game_status_name(g->status));
    sqlite3_bind_int(st, 4, g->round);
    sqlite3_bind_int(st, 5, g->current_turn);
    store_bind_text(st, 6, created_at);
    store_bind_text(st, 7, updated_at);
    sqlite3_bind_int(st, 8, g->first_player);
    sqlite3_bind_int(st, 9, g->attacker);
    sqlite3_bind_int(st, 10, g->winner);
    sqlite3_bind_int(st, 11, g->draw);
    sqlite3_bind_int64(st, 12, g->game_time.ms);
    sqlite3_bind_int(st, 13, g->game_time.running);
    if (store_exec(s, st, "save game") != 0)
        return STORE_E_IO;
    if (!prev || !judge_result_same(g, prev)) {
        bool none = g->judge.called_by == GAME_ACTOR_NONE && !g->result.confirmed && !g->result.disputed && !g->result.final;
        st = store_q(s, none ? Q_OUTCOME_DEL : Q_OUTCOME_PUT);
        store_bind_text(st, 1, g->id);
        if (!none) {
            sqlite3_bind_int(st, 2, (int)g->judge.called_by);
            store_bind_text(st, 3, g->judge.reason);
            sqlite3_bind_int64(st, 4, g->judge.at_ms);
            sqlite3_bind_int(st, 5, g->judge.paused);
            sqlite3_bind_int(st, 6, g->result.confirmed);
            sqlite3_bind_int(st, 7, g->result.disputed);
            sqlite3_bind_int(st, 8, g->result.final);
        }
        if (store_exec(s, st, "save judge and result") != 0)
            return STORE_E_IO;
    }
    for (int n = 0; n < 2; n++) {
        const game_player_t *p = &g->players[n];
        /* Most changes touch one number of one player: write only what moved. */
        if (prev && player_row_same(p, &prev->players[n]))
            goto clock;
        st = store_q(s, Q_SCORE_UPSERT);
        store_bind_text(st, 1, g->id);
        sqlite3_bind_int(st, 2, n + 1);
        store_bind_text(st, 3, p->name);
        store_bind_text(st, 4, p->faction);
        sqlite3_bind_int(st, 5, p->primary);
        sqlite3_bind_int(st, 6, p->secondary);
        sqlite3_bind_int(st, 7, p->cp);
        store_bind_text(st, 8, p->private_json[0] ? p->private_json : "{}");
        char rt[GAME_ROUNDS_MAX * 10 + 4];
        size_t rlen = rounds_text(p, rt, sizeof(rt));
        sqlite3_bind_text(st, 9, rt, (int)rlen, SQLITE_TRANSIENT);
        if (store_exec(s, st, "save scores") != 0)
            return STORE_E_IO;
    clock:
        if (prev && clock_row_same(&p->clock, &prev->players[n].clock))
            continue;
        st = store_q(s, Q_TIMER_UPSERT);
        store_bind_text(st, 1, g->id);
        sqlite3_bind_int(st, 2, n + 1);
        sqlite3_bind_int64(st, 3, p->clock.remaining_ms);
        sqlite3_bind_int64(st, 4, p->clock.used_ms);
        sqlite3_bind_int(st, 5, p->clock.running);
        sqlite3_bind_int(st, 6, p->clock.flagged);
        if (store_exec(s, st, "save timers") != 0)
            return STORE_E_IO;
    }
    if (prev && game_settings_equal(g, prev))
        return 0;
    /* The usual settings_update changes values or adds keys at the end: rows keep
     * their positions (= their index), so update and append in place. A removal
     * shifts positions: then all rows are rewritten. */
    bool prefix = prev && prev->nsettings <= g->nsettings;
    for (size_t i = 0; prefix && i < prev->nsettings; i++)
        prefix = strcmp(g->settings[i].key, prev->settings[i].key) == 0;
    if (prefix) {
        for (size_t i = 0; i < g->nsettings; i++) {
            const game_setting_t *e = &g->settings[i];
            bool old = i < prev->nsettings;
            if (old && e->type == prev->settings[i].type && strcmp(e->value, prev->settings[i].value) == 0)
                continue;
            st = store_q(s, old ? Q_SETTING_UPD : Q_SETTING_INS);
            store_bind_text(st, 1, g->id);
            if (old) {
                store_bind_text(st, 2, e->key);
                store_bind_text(st, 3, e->value);
                sqlite3_bind_int(st, 4, e->type);
            } else {
                sqlite3_bind_int(st, 2, (int)i);
                store_bind_text(st, 3, e->key);
                store_bind_text(st, 4, e->value);
                sqlite3_bind_int(st, 5, e->type);
            }
            if (store_exec(s, st, "save settings") != 0)
                return STORE_E_IO;
        }
        return 0;
    }
    st = store_q(s, Q_SETTINGS_DEL);
    store_bind_text(st, 1, g->id);
    if (store_exec(s, st, "save settings") != 0)
        return STORE_E_IO;
    for (size_t i = 0; i < g->nsettings; i++) {
        st = store_q(s, Q_SETTING_INS);
        store_bind_text(st, 1, g->id);
        sqlite3_bind_int(st, 2, (int)i);
        store_bind_text(st, 3, g->settings[i].key);
        store_bind_text(st, 4, g->settings[i].value);
        sqlite3_bind_int(st, 5, g->settings[i].type);
        if (store_exec(s, st, "save settings") != 0)
            return STORE_E_IO;
    }
    return 0;
}

int store_save_clocks(store_t *s, const game_t *g)
{
    sqlite3_stmt *st = store_q(s, Q_CHECKPOINT);
    store_bind_text(st, 1, g->id);
    sqlite3_bind_int64(st, 2, g->version);
    sqlite3_bind_int64(st, 3, g->players[0].clock.remaining_ms);
    sqlite3_bind_int64(st, 4, g->players[0].clock.used_ms);
    sqlite3_bind_int64(st, 5, g->players[1].clock.remaining_ms);
    sqlite3_bind_int64(st, 6, g->players[1].clock.used_ms);
    sqlite3_bind_int64(st, 7, g->game_time.ms);
    return store_exec(s, st, "save clocks");
}


/* Room for one game's settings and notes as read, before they go into its text block. */
typedef struct {
    game_setting_in_t items[GAME_SETTINGS_MAX];
    char keys[GAME_SETTINGS_MAX][GAME_KEY_MAX + 1];
    char values[GAME_SETTINGS_MAX][GAME_VALUE_MAX + 1];
    char notes[2][GAME_PRIVATE_MAX + 1];
} store_text_t;

int store_load_games(store_t *s, int64_t now_ms, store_game_fn fn, void *ctx)
{
    sqlite3_stmt *games = store_q(s, Q_GAMES);
    game_t *g = mem_alloc(sizeof(*g));
    store_text_t *t = mem_alloc(sizeof(*t));
    int rc;
    while ((rc = sqlite3_step(games)) == SQLITE_ROW) {
        char id[GAME_ID_MAX + 1], created[40], updated[40];
        store_col_copy(games, 0, id, sizeof(id));
        if (game_init(g, id) != GAME_OK) {
            log_error("database: skipping game with a malformed id");
            continue;
        }
        g->version = sqlite3_column_int64(games, 1);
        const char *status = (const char *)sqlite3_column_text(games, 2);
        int stv = status ? game_status_parse(status, strlen(status)) : -1;
        g->status = stv < 0 ? GAME_PAUSED : (game_status_t)stv;
        g->round = sqlite3_column_int(games, 3);
        g->current_turn = sqlite3_column_int(games, 4);
        store_col_copy(games, 5, created, sizeof(created));
        store_col_copy(games, 6, updated, sizeof(updated));
        g->first_player = sqlite3_column_int(games, 7);
        g->attacker = sqlite3_column_int(games, 8);
        g->winner = sqlite3_column_int(games, 9);
        g->draw = sqlite3_column_int(games, 10);
        g->game_time.ms = sqlite3_column_int64(games, 11);
        g->judge.called_by = (game_actor_t)sqlite3_column_int(games, 13);
        store_col_copy(games, 14, g->judge.reason, sizeof(g->judge.reason));
        g->judge.at_ms = sqlite3_column_int64(games, 15);
        g->judge.paused = sqlite3_column_int(games, 16);
        g->result.confirmed = (uint8_t)sqlite3_column_int(games, 17);
        g->result.disputed = sqlite3_column_int(games, 18);
        g->result.final = sqlite3_column_int(games, 19);
        /* Game time runs exactly while the game is active (older databases did
         * not store the flag). */
        g->game_time.running = g->status == GAME_ACTIVE;
        g->game_time.since_ms = now_ms;

        sqlite3_stmt *st = store_q(s, Q_SCORES);
        store_bind_text(st, 1, id);
        game_str_t notes[2] = {{NULL, 0}, {NULL, 0}};
        int step;
        while ((step = sqlite3_step(st)) == SQLITE_ROW) {
            int n = sqlite3_column_int(st, 0);
            if (n < 1 || n > 2)
                continue;
            game_player_t *p = &g->players[n - 1];
            store_col_copy(st, 1, p->name, sizeof(p->name));
            store_col_copy(st, 2, p->faction, sizeof(p->faction));
            p->primary = sqlite3_column_int(st, 3);
            p->secondary = sqlite3_column_int(st, 4);
            p->cp = sqlite3_column_int(st, 5);
            store_col_copy(st, 6, t->notes[n - 1], sizeof(t->notes[n - 1]));
            if (!rounds_parse((const char *)sqlite3_column_text(st, 7), p))
                p->rounds[0].primary = -1; /* game_check refuses the game below, by name */
            notes[n - 1] = (game_str_t){t->notes[n - 1], strlen(t->notes[n - 1])};
        }
        sqlite3_reset(st);
        if (step != SQLITE_DONE)
            break; /* an error, never a game loaded with default scores */
        st = store_q(s, Q_TIMERS);
        store_bind_text(st, 1, id);
        while ((step = sqlite3_step(st)) == SQLITE_ROW) {
            int n = sqlite3_column_int(st, 0);
            if (n < 1 || n > 2)
                continue;
            game_clock_t *c = &g->players[n - 1].clock;
            c->remaining_ms = sqlite3_column_int64(st, 1);
            c->used_ms = sqlite3_column_int64(st, 2);
            c->running = sqlite3_column_int(st, 3);
            c->flagged = sqlite3_column_int(st, 4);
            c->since_ms = now_ms;
        }
        sqlite3_reset(st);
        if (step != SQLITE_DONE)
            break;
        /* Where the clocks were at the last checkpoint, if nothing changed since. */
        st = store_q(s, Q_CHECKPOINT_GET);
        store_bind_text(st, 1, id);
        sqlite3_bind_int64(st, 2, g->version);
        if ((step = sqlite3_step(st)) == SQLITE_ROW) {
            g->players[0].clock.remaining_ms = sqlite3_column_int64(st, 0);
            g->players[0].clock.used_ms = sqlite3_column_int64(st, 1);
            g->players[1].clock.remaining_ms = sqlite3_column_int64(st, 2);
            g->players[1].clock.used_ms = sqlite3_column_int64(st, 3);
            g->game_time.ms = sqlite3_column_int64(st, 4);
            step = SQLITE_DONE;
        }
        sqlite3_reset(st);
        if (step != SQLITE_DONE)
            break;
        st = store_q(s, Q_GSETTINGS);
        store_bind_text(st, 1, id);
        size_t n = 0;
        while (n < GAME_SETTINGS_MAX && (step = sqlite3_step(st)) == SQLITE_ROW) {
            store_col_copy(st, 0, t->keys[n], sizeof(t->keys[n]));
            store_col_copy(st, 1, t->values[n], sizeof(t->values[n]));
            t->items[n] = (game_setting_in_t){{t->keys[n], strlen(t->keys[n])}, {t->values[n], strlen(t->values[n])},
                                              (game_vtype_t)sqlite3_column_int(st, 2)};
            n++;
        }
        sqlite3_reset(st);
        if (step != SQLITE_DONE && step != SQLITE_ROW)
            break;
        /* Stored settings replace game_init's defaults; a game without any keeps them. */
        if (n == 0) {
            for (; n < g->nsettings; n++)
                t->items[n] = (game_setting_in_t){{g->settings[n].key, strlen(g->settings[n].key)},
                                                  {g->settings[n].value, strlen(g->settings[n].value)}, g->settings[n].type};
        }
        game_set_text(g, t->items, n, notes[0], notes[1]);
        const char *bad = NULL;
        if (game_check(g, &bad) != GAME_OK) {
            log_error("database: game %s fails its checks (%s); not loaded", id, bad ? bad : "?");
            game_release(g);
            continue;
        }
        fn(ctx, g, created, updated); /* it takes g's reference over */
    }
    free(t);
    free(g);
    sqlite3_reset(games);
    return rc == SQLITE_DONE ? 0 : store_fail(s, "load games");
}

int store_delete_game(store_t *s, const char *game_id)
{
    sqlite3_stmt *st = store_q(s, Q_CHECKPOINT_DEL);
    store_bind_text(st, 1, game_id);
    if (store_exec(s, st, "delete checkpoint") != 0)
        return STORE_E_IO;
    st = store_q(s, Q_GAME_DEL);
    store_bind_text(st, 1, game_id);
    if (store_exec(s, st, "delete game") != 0)
        return STORE_E_IO;
    return sqlite3_changes(s->db) ? 0 : STORE_E_NOT_FOUND;
}

int store_log_action(store_t *s, const store_action_t *a)
{
    sqlite3_stmt *st = store_q(s, Q_ACTION_INS);
    store_bind_text(st, 1, a->game_id);
    sqlite3_bind_int64(st, 2, a->version);
    store_bind_text(st, 3, a->at);
    sqlite3_bind_int64(st, 4, a->mono_ms);
    store_bind_text(st, 5, s->boot);
    store_bind_text(st, 6, a->actor);
    store_bind_text(st, 7, a->type);
    store_bind_text(st, 8, a->data ? a->data : "{}");
    store_bind_text(st, 9, a->before);
    sqlite3_bind_int(st, 10, a->round);
    return store_exec(s, st, "log action");
}

int store_undo_target(store_t *s, const char *game_id, store_undo_t *out)
{
    sqlite3_stmt *st = store_q(s, Q_UNDO_TARGET);
    store_bind_text(st, 1, game_id);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        sqlite3_reset(st);
        return rc == SQLITE_DONE ? STORE_E_NOT_FOUND : store_fail(s, "find undo target");
    }
    out->version = sqlite3_column_int64(st, 0);
    store_col_copy(st, 1, out->actor, sizeof(out->actor));
    const char *boot = (const char *)sqlite3_column_text(st, 3);
    out->mono_ms = boot && strcmp(boot, s->boot) == 0 ? sqlite3_column_int64(st, 2) : -1;
    buf_init(&out->before);
    const char *before = (const char *)sqlite3_column_text(st, 4);
    buf_puts(&out->before, before ? before : "");
    sqlite3_reset(st);
    return 0;
}

int store_mark_undone(store_t *s, const char *game_id, int64_t version, int64_t undo_version)
{
    sqlite3_stmt *st = store_q(s, Q_MARK_UNDONE);
    sqlite3_bind_int64(st, 1, undo_version);
    store_bind_text(st, 2, game_id);
    sqlite3_bind_int64(st, 3, version);
    return store_exec(s, st, "mark undone");
}

int store_history(store_t *s, const char *game_id, store_history_fn fn, void *ctx)
{
    sqlite3_stmt *st = store_q(s, Q_HISTORY);
    store_bind_text(st, 1, game_id);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        fn(ctx, sqlite3_column_int64(st, 0), (const char *)sqlite3_column_text(st, 1), (const char *)sqlite3_column_text(st, 2),
           (const char *)sqlite3_column_text(st, 3), (const char *)sqlite3_column_text(st, 4), sqlite3_column_int64(st, 5),
           sqlite3_column_type(st, 6) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 6));
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : store_fail(s, "history");
}








int store_secret_get(store_t *s, const char *name, char *out, size_t cap)
{
    sqlite3_stmt *st = store_q(s, Q_SECRET_GET);
    store_bind_text(st, 1, name);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        store_col_copy(st, 0, out, cap);
    sqlite3_reset(st);
    if (rc == SQLITE_ROW)
        return 0;
    return rc == SQLITE_DONE ? STORE_E_NOT_FOUND : store_fail(s, "read secret");
}

int store_secret_put(store_t *s, const char *name, const char *value)
{
    sqlite3_stmt *st = store_q(s, Q_SECRET_PUT);
    store_bind_text(st, 1, name);
    store_bind_text(st, 2, value);
    return store_exec(s, st, "write secret");
}

int store_settings_json(store_t *s, buf_t *out)
{
    sqlite3_stmt *st = store_q(s, Q_SETTINGS_ALL);
    int rc;
    bool first = true;
    buf_putc(out, '{');
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *k = (const char *)sqlite3_column_text(st, 0);
        const char *v = (const char *)sqlite3_column_text(st, 1);
        json_put_key(out, k ? k : "", first);
        json_put_cstr(out, v ? v : "");
        first = false;
    }
    buf_putc(out, '}');
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : store_fail(s, "read settings");
}

int store_setting_put(store_t *s, const char *key, const char *value)
{
    sqlite3_stmt *st = store_q(s, value ? Q_SETTING_PUT : Q_SETTING_DEL);
    store_bind_text(st, 1, key);
    if (value)
        store_bind_text(st, 2, value);
    return store_exec(s, st, "write setting");
}

int store_setting_get(store_t *s, const char *key, char *out, size_t cap)
{
    sqlite3_stmt *st = store_q(s, Q_SETTING_GET);
    store_bind_text(st, 1, key);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        store_col_copy(st, 0, out, cap);
    sqlite3_reset(st);
    if (rc == SQLITE_ROW)
        return 0;
    return rc == SQLITE_DONE ? STORE_E_NOT_FOUND : store_fail(s, "read setting");
}

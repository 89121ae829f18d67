/* The store's invites, host pairing codes and sessions (see store.h). Sessions
 * made from invites have positive ids; host sessions have negative ones, so one
 * number names either everywhere (auth_who_t.session_id, the hub, the API). */
#include "store.h"
#include "store_impl.h"

#include <stdio.h>
#include <string.h>

static const char *const store_grants_sql[G_COUNT] = {
    [G_INVITE_INS] = "INSERT INTO invites (code, game_id, role, player_number, created_at) VALUES (?, ?, ?, ?, ?)",
    [G_INVITE_FIND] = "SELECT game_id, role, player_number FROM invites WHERE code = ? AND revoked_at IS NULL",
    [G_INVITE_REVOKE] = "UPDATE invites SET revoked_at = ? WHERE code = ? AND game_id = ? AND revoked_at IS NULL",
    [G_INVITES_LIST] = "SELECT code, role, player_number, created_at FROM invites WHERE game_id = ? AND revoked_at IS NULL"
                       " ORDER BY created_at, code",
    [G_SESSION_INS] = "INSERT INTO sessions (token_hash, invite_code, created_at) VALUES (?, ?, ?)",
    [G_SESSION_FIND] = "SELECT s.id, i.game_id, i.role, i.player_number FROM sessions s JOIN invites i ON i.code = s.invite_code"
                       " WHERE s.token_hash = ? AND i.revoked_at IS NULL AND s.revoked_at IS NULL",
    [G_SESSIONS_OF] = "SELECT id FROM sessions WHERE invite_code = ?",
    [G_HOST_INVITE_INS] = "INSERT INTO host_invites (code, created_at, expires_ms) VALUES (?, ?, ?)",
    [G_HOST_INVITE_GET] = "SELECT expires_ms, used_at IS NOT NULL FROM host_invites WHERE code = ?",
    [G_HOST_INVITE_USE] = "UPDATE host_invites SET used_at = ? WHERE code = ? AND used_at IS NULL",
    [G_HOST_SESSION_INS] = "INSERT INTO host_sessions (token_hash, invite_code, created_at) VALUES (?, ?, ?)",
    [G_HOST_SESSION_FIND] = "SELECT id FROM host_sessions WHERE token_hash = ? AND revoked_at IS NULL",
    [G_SESSIONS_LIST] = "SELECT s.id, i.role, i.game_id, i.player_number, s.created_at, s.last_seen_at, s.last_addr"
                        " FROM sessions s JOIN invites i ON i.code = s.invite_code"
                        " WHERE s.revoked_at IS NULL AND i.revoked_at IS NULL"
                        " UNION ALL SELECT -id, 'host', '', 0, created_at, last_seen_at, last_addr FROM host_sessions"
                        " WHERE revoked_at IS NULL ORDER BY 5, 1",
    [G_SESSION_REVOKE] = "UPDATE sessions SET revoked_at = ?1 WHERE id = ?2 AND revoked_at IS NULL",
    [G_HOST_SESSION_REVOKE] = "UPDATE host_sessions SET revoked_at = ?1 WHERE id = ?2 AND revoked_at IS NULL",
    [G_SESSION_SEEN] = "UPDATE sessions SET last_seen_at = ?1, last_addr = ?2 WHERE id = ?3",
    [G_HOST_SESSION_SEEN] = "UPDATE host_sessions SET last_seen_at = ?1, last_addr = ?2 WHERE id = ?3",
};

/* A statement of this file, prepared at its first use (store_close finalizes it),
 * reset and unbound. One that cannot be prepared stays NULL: SQLite answers
 * SQLITE_MISUSE to its binds and steps, which the callers report as STORE_E_IO. */
static sqlite3_stmt *store_g(store_t *s, int q)
{
    if (s->g[q] == NULL &&
        sqlite3_prepare_v3(s->db, store_grants_sql[q], -1, SQLITE_PREPARE_PERSISTENT, &s->g[q], NULL) != SQLITE_OK)
        store_fail(s, "prepare");
    sqlite3_stmt *st = s->g[q];
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return st;
}

int store_invite_create(store_t *s, const char *code, const char *game_id, auth_role_t role, int player, const char *at)
{
    sqlite3_stmt *st = store_g(s, G_INVITE_INS);
    store_bind_text(st, 1, code);
    store_bind_text(st, 2, game_id);
    store_bind_text(st, 3, auth_role_name(role));
    sqlite3_bind_int(st, 4, player);
    store_bind_text(st, 5, at);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc == SQLITE_CONSTRAINT)
        return STORE_E_EXISTS;
    return rc == SQLITE_DONE ? 0 : store_fail(s, "create invite");
}

/* Reads role and player of a row into who (AUTH_NONE for an unknown role). */
static void store_read_role(sqlite3_stmt *st, int col, auth_who_t *who)
{
    const char *role = (const char *)sqlite3_column_text(st, col);
    if (role == NULL || auth_role_parse(role, &who->role) != 0)
        who->role = AUTH_NONE;
    who->player = sqlite3_column_int(st, col + 1);
}

int store_invite_find(store_t *s, const char *code, auth_who_t *who)
{
    sqlite3_stmt *st = store_g(s, G_INVITE_FIND);
    store_bind_text(st, 1, code);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        memset(who, 0, sizeof(*who));
        store_col_copy(st, 0, who->game_id, sizeof(who->game_id));
        store_read_role(st, 1, who);
    }
    sqlite3_reset(st);
    if (rc == SQLITE_ROW)
        return who->role == AUTH_NONE ? STORE_E_NOT_FOUND : 0;
    return rc == SQLITE_DONE ? STORE_E_NOT_FOUND : store_fail(s, "find invite");
}

int store_invite_revoke(store_t *s, const char *game_id, const char *code, const char *at)
{
    sqlite3_stmt *st = store_g(s, G_INVITE_REVOKE);
    store_bind_text(st, 1, at);
    store_bind_text(st, 2, code);
    store_bind_text(st, 3, game_id);
    if (store_exec(s, st, "revoke invite") != 0)
        return STORE_E_IO;
    return sqlite3_changes(s->db) > 0 ? 0 : STORE_E_NOT_FOUND;
}

int store_invites_list(store_t *s, const char *game_id, store_invite_fn fn, void *ctx)
{
    sqlite3_stmt *st = store_g(s, G_INVITES_LIST);
    store_bind_text(st, 1, game_id);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        auth_role_t role = AUTH_NONE;
        const char *r = (const char *)sqlite3_column_text(st, 1);
        if (r)
            auth_role_parse(r, &role);
        fn(ctx, (const char *)sqlite3_column_text(st, 0), role, sqlite3_column_int(st, 2), (const char *)sqlite3_column_text(st, 3));
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : store_fail(s, "list invites");
}

static int store_insert_session(store_t *s, int q, const char *token_hash, const char *code, const char *at, int64_t *id)
{
    sqlite3_stmt *st = store_g(s, q);
    store_bind_text(st, 1, token_hash);
    store_bind_text(st, 2, code);
    store_bind_text(st, 3, at);
    if (store_exec(s, st, "create session") != 0)
        return STORE_E_IO;
    *id = sqlite3_last_insert_rowid(s->db);
    return 0;
}

int store_session_create(store_t *s, const char *token_hash, const char *code, const char *at, int64_t *id)
{
    return store_insert_session(s, G_SESSION_INS, token_hash, code, at, id);
}

int store_session_find(store_t *s, const char *token_hash, auth_who_t *who)
{
    memset(who, 0, sizeof(*who));
    sqlite3_stmt *st = store_g(s, G_SESSION_FIND);
    store_bind_text(st, 1, token_hash);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        who->session_id = sqlite3_column_int64(st, 0);
        store_col_copy(st, 1, who->game_id, sizeof(who->game_id));
        store_read_role(st, 2, who);
    }
    sqlite3_reset(st);
    if (rc == SQLITE_ROW)
        return who->role == AUTH_NONE ? STORE_E_NOT_FOUND : 0;
    if (rc != SQLITE_DONE)
        return store_fail(s, "find session");
    st = store_g(s, G_HOST_SESSION_FIND);
    store_bind_text(st, 1, token_hash);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        who->role = AUTH_HOST;
        who->session_id = -sqlite3_column_int64(st, 0);
    }
    sqlite3_reset(st);
    if (rc == SQLITE_ROW)
        return 0;
    return rc == SQLITE_DONE ? STORE_E_NOT_FOUND : store_fail(s, "find host session");
}

int store_sessions_of_invite(store_t *s, const char *code, int64_t *ids, int max, int *n)
{
    sqlite3_stmt *st = store_g(s, G_SESSIONS_OF);
    store_bind_text(st, 1, code);
    int rc;
    *n = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        if (*n < max)
            ids[(*n)++] = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : store_fail(s, "list sessions");
}

int store_host_invite_create(store_t *s, const char *code, const char *at, int64_t expires_ms)
{
    sqlite3_stmt *st = store_g(s, G_HOST_INVITE_INS);
    store_bind_text(st, 1, code);
    store_bind_text(st, 2, at);
    sqlite3_bind_int64(st, 3, expires_ms);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc == SQLITE_DONE)
        return 0;
    return rc == SQLITE_CONSTRAINT ? STORE_E_EXISTS : store_fail(s, "create host invite");
}

int store_host_invite_check(store_t *s, const char *code, int64_t now_ms)
{
    sqlite3_stmt *st = store_g(s, G_HOST_INVITE_GET);
    store_bind_text(st, 1, code);
    int rc = sqlite3_step(st);
    int64_t expires = 0;
    bool used = false;
    if (rc == SQLITE_ROW) {
        expires = sqlite3_column_int64(st, 0);
        used = sqlite3_column_int(st, 1) != 0;
    }
    sqlite3_reset(st);
    if (rc == SQLITE_DONE)
        return STORE_E_NOT_FOUND;
    if (rc != SQLITE_ROW)
        return store_fail(s, "find host invite");
    return used || now_ms >= expires ? STORE_E_GONE : 0;
}

int store_host_invite_use(store_t *s, const char *code, const char *at)
{
    sqlite3_stmt *st = store_g(s, G_HOST_INVITE_USE);
    store_bind_text(st, 1, at);
    store_bind_text(st, 2, code);
    if (store_exec(s, st, "use host invite") != 0)
        return STORE_E_IO;
    return sqlite3_changes(s->db) > 0 ? 0 : STORE_E_GONE;
}

int store_host_session_create(store_t *s, const char *token_hash, const char *code, const char *at, int64_t *id)
{
    int rc = store_insert_session(s, G_HOST_SESSION_INS, token_hash, code, at, id);
    if (rc == 0)
        *id = -*id;
    return rc;
}

int store_sessions_list(store_t *s, store_session_fn fn, void *ctx)
{
    sqlite3_stmt *st = store_g(s, G_SESSIONS_LIST);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        auth_who_t who;
        memset(&who, 0, sizeof(who));
        who.session_id = sqlite3_column_int64(st, 0);
        const char *role = (const char *)sqlite3_column_text(st, 1);
        if (role && strcmp(role, "host") == 0)
            who.role = AUTH_HOST;
        else
            store_read_role(st, 1, &who);
        who.player = sqlite3_column_int(st, 3);
        store_col_copy(st, 2, who.game_id, sizeof(who.game_id));
        fn(ctx, &who, (const char *)sqlite3_column_text(st, 4), (const char *)sqlite3_column_text(st, 5),
           (const char *)sqlite3_column_text(st, 6));
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return store_fail(s, "list sessions");
    return store_event_sessions_list(s, fn, ctx);
}

int store_session_revoke(store_t *s, int64_t id, const char *at)
{
    if (id >= STORE_EVENT_SESSION_BASE)
        return store_event_session_revoke(s, id, at);
    sqlite3_stmt *st = store_g(s, id < 0 ? G_HOST_SESSION_REVOKE : G_SESSION_REVOKE);
    store_bind_text(st, 1, at);
    sqlite3_bind_int64(st, 2, id < 0 ? -id : id);
    if (store_exec(s, st, "revoke session") != 0)
        return STORE_E_IO;
    return sqlite3_changes(s->db) > 0 ? 0 : STORE_E_NOT_FOUND;
}

int store_session_seen(store_t *s, int64_t id, const char *at, const char *addr)
{
    if (id >= STORE_EVENT_SESSION_BASE)
        return store_event_session_seen(s, id, at, addr);
    sqlite3_stmt *st = store_g(s, id < 0 ? G_HOST_SESSION_SEEN : G_SESSION_SEEN);
    store_bind_text(st, 1, at);
    store_bind_text(st, 2, addr);
    sqlite3_bind_int64(st, 3, id < 0 ? -id : id);
    return store_exec(s, st, "note session");
}

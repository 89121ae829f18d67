#include "session.h"
#include "core.h"
#include "hub.h"
#include "log.h"
#include "map.h"
#include "now.h"
#include "store.h"
#include "tourney.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int session_who(app_t *app, const char *token, auth_who_t *who)
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
    int rc = store_session_find(app->store, hash, who);
    if (rc == STORE_E_NOT_FOUND && store_event_session_find(app->store, hash, who) == 0) {
        /* An entrant is, right now, the player of its table's game, or an entrant. */
        if (app->tourney)
            tourney_bind(app->tourney, who);
        return 0;
    }
    return rc == 0 ? 0 : -1;
}

/* Runs one write of this module in core's transaction and commits it. */
static int session_commit(app_t *app, int rc)
{
    if (core_write_end(app->core, rc == 0) != 0)
        return rc == STORE_E_NOT_FOUND ? SESSION_E_NOT_FOUND : SESSION_E_IO;
    return core_flush(app->core) == 0 ? 0 : SESSION_E_IO;
}

/* Draws a fresh join code and stores it with put, in core's transaction, then
 * commits. A clash with a code in use (about 1 in 887 million) draws again. */
static int session_new_code(app_t *app, char code[AUTH_CODE_LEN + 1], int (*put)(app_t *, const char *, void *), void *ctx)
{
    if (core_write_begin(app->core) != 0)
        return SESSION_E_IO;
    int rc, tries = 0;
    do {
        rc = auth_new_code(code) == 0 ? put(app, code, ctx) : STORE_E_IO;
    } while (rc == STORE_E_EXISTS && ++tries < 8);
    return session_commit(app, rc);
}

typedef struct {
    const char *game_id;
    auth_role_t role;
    int player;
    const char *at;
} session_invite_t;

static int session_put_invite(app_t *app, const char *code, void *ctx)
{
    session_invite_t *i = ctx;
    return store_invite_create(app->store, code, i->game_id, i->role, i->player, i->at);
}

typedef struct {
    const char *at;
    int64_t expires_ms;
} session_host_t;

static int session_put_host_invite(app_t *app, const char *code, void *ctx)
{
    session_host_t *h = ctx;
    /* A host code must not also be a live invite's code. */
    auth_who_t other;
    return store_invite_find(app->store, code, &other) == 0 ? STORE_E_EXISTS
                                                           : store_host_invite_create(app->store, code, h->at, h->expires_ms);
}

int session_invite_create(app_t *app, const char *game_id, auth_role_t role, int player, char code[AUTH_CODE_LEN + 1])
{
    char at[32];
    now_iso8601(now_wall_ms(), at);
    session_invite_t inv = {game_id, role, player, at};
    return session_new_code(app, code, session_put_invite, &inv);
}

int session_invite_revoke(app_t *app, const char *game_id, const char *code_in, int *ended)
{
    *ended = 0;
    char code[64];
    snprintf(code, sizeof(code), "%s", code_in);
    if (!auth_code_normalize(code))
        return SESSION_E_NOT_FOUND;
    int64_t ids[256];
    int n = 0;
    if (store_sessions_of_invite(app->store, code, ids, 256, &n) != 0)
        return SESSION_E_IO;
    char at[32];
    now_iso8601(now_wall_ms(), at);
    if (core_write_begin(app->core) != 0)
        return SESSION_E_IO;
    int rc = session_commit(app, store_invite_revoke(app->store, game_id, code, at));
    if (rc != 0)
        return rc;
    for (int i = 0; i < n; i++)
        hub_close_session(app->hub, ids[i], 1008, "invite revoked");
    *ended = n;
    return 0;
}

int session_join(app_t *app, const char *code_in, const char *peer, char token[AUTH_TOKEN_LEN + 1], auth_who_t *who,
                 int64_t *retry_ms)
{
    int64_t now = now_mono_ms();
    *retry_ms = 0;
    if (!auth_limiter_allow(app->join_limiter, peer, now)) {
        *retry_ms = auth_limiter_retry_after(app->join_limiter, peer, now);
        app->metrics.rate_limited++;
        return SESSION_E_LIMITED;
    }
    char code[32];
    snprintf(code, sizeof(code), "%s", code_in);
    bool host_code = false;
    int found = STORE_E_NOT_FOUND;
    if (auth_code_normalize(code)) {
        found = store_invite_find(app->store, code, who);
        if (found == STORE_E_NOT_FOUND)
            found = store_event_invite_find(app->store, code, who);
        if (found == STORE_E_NOT_FOUND) {
            found = store_host_invite_check(app->store, code, now_wall_ms());
            host_code = found != STORE_E_NOT_FOUND;
            memset(who, 0, sizeof(*who));
            who->role = AUTH_HOST;
        }
    }
    if (found == STORE_E_IO)
        return SESSION_E_IO;
    if (found != 0) {
        auth_limiter_fail(app->join_limiter, peer, now);
        app->metrics.join_failures++;
        return found == STORE_E_GONE ? SESSION_E_GONE : SESSION_E_NOT_FOUND;
    }
    char hash[AUTH_HASH_LEN + 1], at[32];
    if (auth_new_token(token) != 0)
        return SESSION_E_IO;
    auth_hash(token, strlen(token), hash);
    now_iso8601(now_wall_ms(), at);
    if (core_write_begin(app->core) != 0)
        return SESSION_E_IO;
    int64_t sid = 0;
    int w = host_code ? store_host_invite_use(app->store, code, at) : 0;
    if (w == 0)
        w = host_code            ? store_host_session_create(app->store, hash, code, at, &sid)
            : who->event_id[0] ? store_event_session_create(app->store, hash, code, at, &sid)
                               : store_session_create(app->store, hash, code, at, &sid);
    int rc = session_commit(app, w);
    if (rc != 0)
        return w == STORE_E_GONE ? SESSION_E_GONE : rc;
    who->session_id = sid;
    if (host_code)
        log_info("join: a phone was paired as host (session h-%lld)", (long long)-sid);
    else if (who->event_id[0])
        log_info("join: %s %lld of event %s", auth_role_name(who->role), (long long)who->entrant_id, who->event_id);
    else
        log_info("join: %s %s%s for game %s", auth_role_name(who->role), who->role == AUTH_PLAYER ? "number " : "",
                 who->role == AUTH_PLAYER ? (who->player == 1 ? "1" : "2") : "", who->game_id);
    return 0;
}

int session_host_invite_create(app_t *app, char code[AUTH_CODE_LEN + 1], int64_t *expires_ms)
{
    char at[32];
    int64_t now = now_wall_ms();
    now_iso8601(now, at);
    *expires_ms = now + SESSION_HOST_CODE_MS;
    session_host_t host = {at, *expires_ms};
    return session_new_code(app, code, session_put_host_invite, &host);
}

int session_invites_list(app_t *app, const char *game_id, session_invite_fn fn, void *ctx)
{
    return store_invites_list(app->store, game_id, fn, ctx) == 0 ? 0 : SESSION_E_IO;
}

int session_list(app_t *app, session_list_fn fn, void *ctx)
{
    return store_sessions_list(app->store, fn, ctx) == 0 ? 0 : SESSION_E_IO;
}

int session_revoke(app_t *app, int64_t session_id)
{
    char at[32];
    now_iso8601(now_wall_ms(), at);
    if (core_write_begin(app->core) != 0)
        return SESSION_E_IO;
    int rc = session_commit(app, store_session_revoke(app->store, session_id, at));
    if (rc != 0)
        return rc;
    hub_close_session(app->hub, session_id, 1008, "session revoked");
    log_info("session %s%lld revoked", session_id < 0 ? "h-" : "s-", (long long)(session_id < 0 ? -session_id : session_id));
    return 0;
}

void session_seen(app_t *app, const auth_who_t *who, const char *addr)
{
    if (who->session_id == 0)
        return;
    char key[24];
    session_id_format(who->session_id, key);
    int64_t now_s = now_mono_ms() / 1000 + 1; /* + 1: never 0, which the map cannot tell from absent */
    intptr_t last = (intptr_t)map_get(&app->seen, key);
    if (last != 0 && now_s - last < 60)
        return;
    map_put(&app->seen, key, (void *)(intptr_t)now_s);
    char at[32];
    now_iso8601(now_wall_ms(), at);
    /* It rides in the next group commit; nobody waits for it. */
    if (core_write_begin(app->core) == 0)
        core_write_end(app->core, store_session_seen(app->store, who->session_id, at, addr) == 0);
}

void session_id_format(int64_t id, char out[24])
{
    snprintf(out, 24, "%s-%lld", id < 0 ? "h" : "s", (long long)(id < 0 ? -id : id));
}

int session_id_parse(const char *s, int64_t *id)
{
    if ((s[0] != 'h' && s[0] != 's') || s[1] != '-' || s[2] < '1' || s[2] > '9' || strlen(s) > 20)
        return -1;
    char *end;
    long long v = strtoll(s + 2, &end, 10);
    if (*end != '\0' || v <= 0)
        return -1;
    *id = s[0] == 'h' ? -v : v;
    return 0;
}

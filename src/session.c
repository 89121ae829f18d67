#include "session.h"
#include "core.h"
#include "hub.h"
#include "log.h"
#include "now.h"
#include "store.h"

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
    return store_session_find(app->store, hash, who) == 0 ? 0 : -1;
}

/* Runs one write of this module in core's transaction and commits it. */
static int session_commit(app_t *app, int rc)
{
    if (core_write_end(app->core, rc == 0) != 0)
        return rc == STORE_E_NOT_FOUND ? SESSION_E_NOT_FOUND : SESSION_E_IO;
    return core_flush(app->core) == 0 ? 0 : SESSION_E_IO;
}

int session_invite_create(app_t *app, const char *game_id, auth_role_t role, int player, char code[AUTH_CODE_LEN + 1])
{
    char at[32];
    now_iso8601(now_wall_ms(), at);
    if (core_write_begin(app->core) != 0)
        return SESSION_E_IO;
    int rc, tries = 0;
    do {
        if (auth_new_code(code) != 0) {
            rc = STORE_E_IO;
            break;
        }
        rc = store_invite_create(app->store, code, game_id, role, player, at);
    } while (rc == STORE_E_EXISTS && ++tries < 8);
    return session_commit(app, rc);
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
    if (!auth_code_normalize(code) || store_invite_find(app->store, code, who) != 0) {
        auth_limiter_fail(app->join_limiter, peer, now);
        app->metrics.join_failures++;
        return SESSION_E_NOT_FOUND;
    }
    char hash[AUTH_HASH_LEN + 1], at[32];
    if (auth_new_token(token) != 0)
        return SESSION_E_IO;
    auth_hash(token, strlen(token), hash);
    now_iso8601(now_wall_ms(), at);
    if (core_write_begin(app->core) != 0)
        return SESSION_E_IO;
    int64_t sid;
    int rc = session_commit(app, store_session_create(app->store, hash, code, at, &sid));
    if (rc != 0)
        return rc;
    who->session_id = sid;
    log_info("join: %s %s%s for game %s", auth_role_name(who->role), who->role == AUTH_PLAYER ? "number " : "",
             who->role == AUTH_PLAYER ? (who->player == 1 ? "1" : "2") : "", who->game_id);
    return 0;
}

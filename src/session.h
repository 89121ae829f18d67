/* Invites and sessions: who may come in (PROTOCOL.md sections 3 and 10).
 *
 * An invite is a join code bound to a role (player of a game, observer of a
 * game); exchanging it (session_join) makes a session, whose random token the
 * phone keeps. This module resolves tokens to identities for REST and WebSocket
 * alike, and creates, lists and revokes invites. Its writes run inside core's
 * group transaction (core_write_begin/end) and are committed by core_flush
 * before the caller answers; JSON and HTTP stay with the callers. */
#ifndef STATE_SESSION_H
#define STATE_SESSION_H

#include <stdint.h>

#include "app.h"
#include "auth.h"

#define SESSION_E_IO (-1)        /* the store failed; nothing changed */
#define SESSION_E_NOT_FOUND (-2) /* no such (live) invite or code */
#define SESSION_E_LIMITED (-3)   /* too many wrong codes from this address */

/* Resolves a bearer token (the host token or a live session) to who it is.
 * 0, or -1 when the token is unknown or revoked. Timing reveals nothing of it. */
int session_who(app_t *app, const char *token, auth_who_t *who);

/* Creates an invite for a game and commits it; code gets the join code. */
int session_invite_create(app_t *app, const char *game_id, auth_role_t role, int player, char code[AUTH_CODE_LEN + 1]);
/* Revokes an invite of a game and commits that; the connections of its sessions
 * are closed with 1008. *ended gets the number of sessions it ended. */
int session_invite_revoke(app_t *app, const char *game_id, const char *code, int *ended);

/* Exchanges a join code for a new session: token gets the session's token (its
 * owner's alone) and who the identity. peer is the caller's address for the
 * limiter of wrong codes; *retry_ms gets the wait when SESSION_E_LIMITED. */
int session_join(app_t *app, const char *code, const char *peer, char token[AUTH_TOKEN_LEN + 1], auth_who_t *who,
                 int64_t *retry_ms);

#endif

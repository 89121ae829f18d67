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
#define SESSION_E_GONE (-4)      /* a host pairing code already used, or expired */

#define SESSION_HOST_CODE_MS (5 * 60 * 1000) /* a host pairing code lives five minutes */

/* Resolves a bearer token (the host token or a live session) to who it is.
 * 0, or -1 when the token is unknown or revoked. Timing reveals nothing of it. */
int session_who(app_t *app, const char *token, auth_who_t *who);

/* Creates an invite for a game and commits it; code gets the join code. */
int session_invite_create(app_t *app, const char *game_id, auth_role_t role, int player, char code[AUTH_CODE_LEN + 1]);
/* Revokes an invite of a game and commits that; the connections of its sessions
 * are closed with 1008. *ended gets the number of sessions it ended. */
int session_invite_revoke(app_t *app, const char *game_id, const char *code, int *ended);

/* Called for each live invite of a game: its code, role, player (or 0), creation. */
typedef void (*session_invite_fn)(void *ctx, const char *code, auth_role_t role, int player, const char *created_at);
/* Lists a game's live invites. 0 or SESSION_E_IO. */
int session_invites_list(app_t *app, const char *game_id, session_invite_fn fn, void *ctx);
/* Makes a one-time host pairing code (section 3) and commits it; *expires_ms
 * gets its end (wall clock). */
int session_host_invite_create(app_t *app, char code[AUTH_CODE_LEN + 1], int64_t *expires_ms);

/* Called for each live session (see store_session_fn). */
typedef void (*session_list_fn)(void *ctx, const auth_who_t *who, const char *created_at, const char *last_seen_at,
                                const char *last_addr);
/* Lists every live session. 0 or SESSION_E_IO. */
int session_list(app_t *app, session_list_fn fn, void *ctx);
/* Revokes a session and commits that; its WebSockets are closed with 1008 at once
 * and its token gets 401 from then on. SESSION_E_NOT_FOUND if it is not live. */
int session_revoke(app_t *app, int64_t session_id);
/* Notes that a session was used now from addr (at most once a minute per
 * session reaches the database). */
void session_seen(app_t *app, const auth_who_t *who, const char *addr);
/* The wire form of a session id ("s-12" for invite sessions, "h-3" for host
 * sessions), and back (-1 when malformed). */
void session_id_format(int64_t id, char out[24]);
int session_id_parse(const char *s, int64_t *id);

/* Exchanges a join code (an invite's, or a host pairing code, which works once)
 * for a new session: token gets the session's token (its owner's alone) and who
 * the identity. SESSION_E_GONE for a used or expired host code. peer is the caller's address for the
 * limiter of wrong codes; *retry_ms gets the wait when SESSION_E_LIMITED. */
int session_join(app_t *app, const char *code, const char *peer, char token[AUTH_TOKEN_LEN + 1], auth_who_t *who,
                 int64_t *retry_ms);

#endif

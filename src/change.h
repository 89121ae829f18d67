/* A change request (PROTOCOL.md section 5), from either edge: decodes its JSON
 * into a game action, checks who may make it, hands it to the core, and turns
 * every refusal (of the decoder, the rules or the store) into a wire error code
 * and message here and only here. The WebSocket (proto) and REST (api) edges
 * both call it, so a change means the same on both. */
#ifndef STATE_CHANGE_H
#define STATE_CHANGE_H

#include <stdbool.h>
#include <stdint.h>

#include "auth.h"
#include "core.h"
#include "game.h"
#include "json.h"
#include "view.h"
#include "wire.h"

/* The outcome of a change request. */
typedef struct {
    wire_err_t err;
    char message[200];
    int64_t version;  /* new version when accepted; the current one for conflict */
    char game_id[64]; /* the game a replace created or replaced */
} change_result_t;

/* The rules' actor for who. */
game_actor_t change_actor(const auth_who_t *who);
/* The view of a game that who is shown. */
view_t change_view(const auth_who_t *who, const char *game_id);
/* May who read game_id? */
bool change_can_read(const auth_who_t *who, const char *game_id);

/* Decodes and applies a section 5 change (game_setup ... undo) of type from who;
 * data is the token of the request's data object (or -1). On success returns 0
 * with res->version; the outcome goes to reply (if not NULL) after the commit.
 * Otherwise -1 with res->err and res->message, and nothing changed. */
int change_apply(core_t *core, const auth_who_t *who, const char *type, const char *game_id, const json_doc_t *d, int data,
                 void *reply, const char *ref, change_result_t *res);
/* A follower replays a change of the primary's log: actor is the log's
 * ("host", "player1", "player2"), data its data (private notes and
 * expected_version already left out). No read-only check, no reply. */
int change_replay(core_t *core, const char *actor, const char *type, const char *game_id, const json_doc_t *d, int data,
                  change_result_t *res);
/* The host's full game_state: creates or replaces the game. Same contract. */
int change_replace(core_t *core, const auth_who_t *who, const char *game_id, const json_doc_t *d, int data, void *reply,
                   const char *ref, change_result_t *res);

#endif

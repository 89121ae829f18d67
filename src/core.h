/* The live games and the path every change takes: rules, then the log and the
 * store inside the current group transaction, then, once that transaction has
 * committed, the acknowledgement to the sender and the new state to every
 * subscriber. Nothing is acknowledged or broadcast before it is on disk.
 *
 * core owns the in-memory copy of every game (loaded at start-up, the truth
 * between commits) and the list of replies waiting for the commit. */
#ifndef STATE_CORE_H
#define STATE_CORE_H

#include <stdint.h>

#include "app.h"
#include "buf.h"
#include "game.h"
#include "hub.h"
#include "view.h"

#define CORE_E_NOT_FOUND (-10) /* no such game */
#define CORE_E_IO (-11)        /* the store failed; nothing was applied */
#define CORE_E_EXISTS (-12)    /* creating a game that exists */

typedef struct core core_t;

/* Makes the core over app's store and hub. */
core_t *core_new(app_t *app);
/* Loads every game; active games come back paused with no downtime charged. */
int core_load(core_t *c, char *err, size_t errlen);
/* Frees the in-memory games. */
void core_free(core_t *c);

/* The live state of a game, or NULL. */
const game_t *core_game(core_t *c, const char *game_id);
/* Number of games. */
size_t core_count(core_t *c);
/* Appends a JSON array of game summaries (GET /api/games). */
void core_list(core_t *c, buf_t *out);
/* Appends the state object of a game as view v sees it now. */
void core_render(core_t *c, const char *game_id, view_t v, buf_t *out);
/* Maps a client's view of a game (hub) to a rendering view. */
view_t core_view_of(hub_view_t v);

/* Who is asking, as the rules see it. */
game_actor_t core_actor(const auth_who_t *who);

/* Applies a change to game_id. data is the request's JSON for the log (private
 * notes already left out). On success returns 0 and *version gets the new
 * version; the ack (to reply_to, if it has a ref) and the broadcast go out at
 * core_flush, after the commit. Otherwise returns a GAME_E_* or CORE_E_* code
 * (with *bad_field for GAME_E_BAD) and nothing changed. For GAME_A_STATE, a
 * missing game is created. For GAME_A_UNDO the core finds the change to revert. */
int core_change(core_t *c, const char *game_id, game_action_t *a, const char *data, hub_client_t *reply_to, const char *ref,
                const char **bad_field, int64_t *version);
/* Deletes a game now (committed before it returns). 0 or CORE_E_*. */
int core_delete(core_t *c, const char *game_id);
/* Commits the group transaction, then sends the acks and the broadcasts. Called
 * once per event-loop turn, and by REST handlers before they answer. Returns 0,
 * or CORE_E_IO when the commit failed (then every change of the batch is undone
 * in memory and its sender gets `internal`). */
int core_flush(core_t *c);
/* Once a second: checkpoints running clocks. At any time: flags clocks that ran
 * out (with broadcast). */
void core_tick(core_t *c, int64_t now_ms, bool checkpoint);
/* Monotonic time of the next clock event, or INT64_MAX. */
int64_t core_next_event(core_t *c);
/* A player's presence changed: rebroadcast the game at the next flush. */
void core_presence(core_t *c, const char *game_id);
/* A client is going away: forget the replies waiting for it. */
void core_client_gone(core_t *c, hub_client_t *client);

#endif

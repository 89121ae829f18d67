/* The live games and the path every change takes: rules, then the log and the
 * store inside the current group transaction, then, once that transaction has
 * committed, the outcome to whoever asked and the new state to everyone. Nothing
 * is acknowledged or broadcast before it is on disk.
 *
 * core is the one owner of the SQLite transaction: it begins the group
 * transaction, commits it once per event-loop turn (core_flush) and rolls it
 * back. Every other write of the server (settings, invites, sessions) runs
 * inside it between core_write_begin and core_write_end, under a SAVEPOINT, so a
 * failed write undoes only itself.
 *
 * core depends on the rules (game), the store and the state writer (view) only.
 * It reports outcomes through core_sink_t, which the protocol layer implements:
 * core never makes a message. It owns the in-memory copy of every game (loaded
 * at start-up, the truth between commits) and the list of outcomes waiting for
 * the commit. */
#ifndef STATE_CORE_H
#define STATE_CORE_H

#include <stdbool.h>
#include <stdint.h>

#include "buf.h"
#include "game.h"
#include "metrics.h"
#include "store.h"
#include "view.h"

#define CORE_E_NOT_FOUND (-10) /* no such game */
#define CORE_E_IO (-11)        /* the store failed; nothing was applied */
#define CORE_E_EXISTS (-12)    /* creating a game that exists */

typedef struct core core_t;

/* Outcomes, called from core_flush once the group transaction has ended. reply
 * is the opaque requester handed to core_change (never NULL here). */
typedef struct {
    /* A change of reply's, with request id ref, is on disk as version. */
    void (*accepted)(void *ctx, void *reply, const char *ref, int64_t version);
    /* A change of reply's passed the rules but its transaction failed: nothing
     * of it was saved. */
    void (*refused)(void *ctx, void *reply, const char *ref);
    /* A game's state changed (or was created) and is committed. */
    void (*changed)(void *ctx, const char *game_id);
    /* A game was deleted, and that is committed. */
    void (*deleted)(void *ctx, const char *game_id);
    /* The end of a flush that reported anything through changed or deleted. */
    void (*flushed)(void *ctx);
} core_sink_t;

/* Makes the core over a store. sink and ctx receive the outcomes; m is counted. */
core_t *core_new(store_t *store, metrics_t *m, const core_sink_t *sink, void *ctx);
/* Loads every game; active games come back paused with no downtime charged. */
int core_load(core_t *c, char *err, size_t errlen);
/* Frees the in-memory games. */
void core_free(core_t *c);

/* The live state of a game, or NULL. */
const game_t *core_game(core_t *c, const char *game_id);
/* The state of a game as it is on disk: without the changes of the batch that is
 * not committed yet (NULL for a game that batch creates). What reads show. */
const game_t *core_committed(core_t *c, const char *game_id);
/* The creation and last-change times (ISO 8601) of a game; false if none. */
bool core_stamps(core_t *c, const char *game_id, const char **created_at, const char **updated_at);
/* Number of games. */
size_t core_count(core_t *c);
/* Calls fn with every game as it is on disk (see core_committed), in no
 * particular order; fn must not change the core. */
typedef void (*core_each_fn)(void *ctx, const game_t *g);
void core_each(core_t *c, core_each_fn fn, void *ctx);
/* Appends a JSON array of game summaries, newest change first (GET /api/games). */
void core_list(core_t *c, buf_t *out);

/* Applies a change to game_id. data is the request's JSON for the log (private
 * notes already left out). On success returns 0 and *version gets the new
 * version; the outcome goes to reply (if it is not NULL) at core_flush, after the
 * commit. Otherwise returns a GAME_E_* or CORE_E_* code (with *bad_field for
 * GAME_E_BAD) and nothing changed. For GAME_A_STATE, a missing game is created.
 * For GAME_A_UNDO the core finds the change to revert. */
int core_change(core_t *c, const char *game_id, game_action_t *a, const char *data, void *reply, const char *ref,
                const char **bad_field, int64_t *version);
/* Deletes a game in the group transaction; it is gone from reads at once and
 * sink->deleted follows the commit. 0 or CORE_E_*. The caller flushes. */
int core_delete(core_t *c, const char *game_id);

/* Opens a savepoint in the group transaction (beginning it if needed) for a write
 * of another module. 0, or CORE_E_IO (nothing was opened). */
int core_write_begin(core_t *c);
/* Ends the write: ok keeps it (it commits with the batch), !ok undoes it alone.
 * Returns 0, or CORE_E_IO when the write could not be kept or the group
 * transaction was lost; in the latter case every change of the batch has been
 * refused. */
int core_write_end(core_t *c, bool ok);

/* Commits the group transaction, then reports the outcomes and the changed
 * games. Called once per event-loop turn, and by REST handlers before they
 * answer. Returns 0, or CORE_E_IO when the commit failed (then every change of
 * the batch is undone in memory and refused). */
int core_flush(core_t *c);
/* False (with the reason) while the database cannot be written: the last write
 * or commit failed and a probe write fails too. For /healthz. */
bool core_writable(core_t *c, const char **reason);
/* True when a flush has something to do. */
bool core_pending(const core_t *c);
/* Once a second: checkpoints running clocks. At any time: flags clocks that ran
 * out (with broadcast). */
void core_tick(core_t *c, int64_t now_ms, bool checkpoint);
/* Monotonic time of the next clock event, or INT64_MAX. */
int64_t core_next_event(core_t *c);
/* A player's presence changed: report the game as changed at the next flush. */
void core_presence(core_t *c, const char *game_id);
/* A requester is going away: forget the outcomes waiting for it. */
void core_forget_reply(core_t *c, void *reply);


/* A follower (PROTOCOL.md section 12): no clock events, checkpoints or restart
 * recovery of its own (the primary's arrive in its feed), and change_apply
 * refuses clients' changes with read_only. Set before core_load. */
void core_set_replica(core_t *c, bool on);
bool core_replica(const core_t *c);
/* The monotonic time core_change applies at and the wall-clock stamp it records
 * (a follower replays a change at the primary's times, the monotonic one mapped
 * to its own clock); 0 and NULL go back to the clocks. */
void core_set_now(core_t *c, int64_t mono_ms, const char *wall_iso);
/* A follower's repair: the game becomes state (same id and version) as it is,
 * without the rules or a log entry, in the group transaction. 0 or CORE_E_*. */
int core_adopt(core_t *c, const game_t *state);

#endif

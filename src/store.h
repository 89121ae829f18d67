/* The durable store: SQLite with the embedded migrations of schema/.
 *
 * Durability contract: the server acknowledges a change only after the
 * transaction holding it has committed (store_commit), and with the default
 * synchronous=FULL in WAL mode a commit is on disk when it returns. Changes that
 * arrive in one turn of the event loop share one transaction (the caller opens it
 * lazily with store_begin and commits once), so one fsync covers them all.
 *
 * Every function returns 0 or a negative STORE_E_* code; SQLite's own message
 * goes to the log. Statements are prepared once at open and reused. */
#ifndef STATE_STORE_H
#define STATE_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "auth.h"
#include "buf.h"
#include "event.h"
#include "game.h"

#define STORE_E_IO (-1)        /* SQLite failed (disk, corruption, ...) */
#define STORE_E_NOT_FOUND (-2)
#define STORE_E_EXISTS (-3)
#define STORE_E_GONE (-4)      /* a one-time code already used, or expired */

typedef struct store store_t;

/* Opens (creating if needed) and migrates the database. Refuses, without writing
 * anything, a database that fails PRAGMA integrity_check or whose schema is newer
 * than this binary. Returns NULL with a one-line message in err. */
store_t *store_open(const char *path, bool sync_full, char *err, size_t errlen);
/* Closes the database (checkpointing the WAL). */
void store_close(store_t *s);
/* The schema version of the database (PRAGMA user_version). */
int store_schema_version(store_t *s);
/* Number of migrations compiled into this binary. */
int store_schema_latest(void);
/* True when the database answers a trivial query (for /healthz). */
bool store_ok(store_t *s);
/* What failed last ("commit: database or disk is full"), or "" if nothing did. */
const char *store_last_error(const store_t *s);

/* Opens the group transaction if none is open. */
int store_begin(store_t *s);
/* True while a transaction is open (false once SQLite rolled it back itself). */
bool store_in_tx(store_t *s);
/* True from store_begin until the commit or rollback, even when SQLite has
 * rolled the transaction back by itself meanwhile. */
bool store_tx_begun(const store_t *s);
/* Commits the open transaction (the fsync). Returns 0 if none was open. */
int store_commit(store_t *s);
/* Rolls back the open transaction. */
void store_rollback(store_t *s);
/* Savepoints inside the open transaction, so one write can fail alone. Each
 * returns STORE_E_IO when the transaction itself is gone (SQLite rolls it back
 * by itself after some I/O errors): then nothing of it will reach the disk. */
int store_savepoint(store_t *s);
/* Keeps what was written since the savepoint (it commits with the transaction). */
int store_release(store_t *s);
/* Undoes what was written since the savepoint, and ends it. */
int store_rollback_to(store_t *s);

/* Called by store_load_games for each stored game; it takes over g's reference to
 * its text block (a struct copy of *g moves it; g is reused afterwards). */
typedef void (*store_game_fn)(void *ctx, game_t *g, const char *created_at, const char *updated_at);
/* Loads every game. Running clocks come back running since now_ms. */
int store_load_games(store_t *s, int64_t now_ms, store_game_fn fn, void *ctx);
/* Writes a game's rows (insert or replace). With prev (the state the database
 * already holds), rows that did not change are skipped; NULL writes them all. */
int store_save_game(store_t *s, const game_t *g, const game_t *prev, const char *created_at, const char *updated_at);
/* The clock checkpoint: one row of both clocks and the game time, tagged with the
 * game's version. Loading takes it instead of the timers' and game's values while
 * the game is still at that version; a change (store_save_game) makes it stale. */
int store_save_clocks(store_t *s, const game_t *g);
/* Deletes a game with its log, invites and sessions. */
int store_delete_game(store_t *s, const char *game_id);

typedef struct {
    const char *game_id;
    int64_t version;
    const char *at;         /* ISO 8601 wall clock */
    int64_t mono_ms;
    const char *actor;      /* game_actor_name() */
    const char *type;
    const char *data;       /* JSON */
    const char *before;     /* JSON of the full state before, or NULL */
    int round;              /* the round the change belongs to (game_action_round()) */
} store_action_t;

/* Appends one entry to a game's action log. */
int store_log_action(store_t *s, const store_action_t *a);

typedef struct {
    int64_t version;
    char actor[16];
    int64_t mono_ms;  /* already mapped: the logging time if it was this process, else -1 */
    buf_t before;     /* JSON; the caller frees it with buf_free */
} store_undo_t;

/* Finds the newest change still standing that undo may revert (not an undo, not
 * the game's creation, not already undone). STORE_E_NOT_FOUND if none. */
int store_undo_target(store_t *s, const char *game_id, store_undo_t *out);
/* Marks the change at version as undone by the undo at undo_version. */
int store_mark_undone(store_t *s, const char *game_id, int64_t version, int64_t undo_version);

/* Called for each log entry, oldest first. data is JSON; undone_by is 0 if standing;
 * round is -1 for an entry logged before rounds were recorded. */
typedef void (*store_history_fn)(void *ctx, int64_t version, const char *at, const char *actor, const char *type,
                                 const char *data, int64_t undone_by, int round);
int store_history(store_t *s, const char *game_id, store_history_fn fn, void *ctx);

/* Invites and sessions. */
int store_invite_create(store_t *s, const char *code, const char *game_id, auth_role_t role, int player, const char *at);
/* Looks up a live (not revoked) invite; fills who (role, game, player). */
int store_invite_find(store_t *s, const char *code, auth_who_t *who);
/* Revokes an invite of a game. STORE_E_NOT_FOUND if no live invite has that code. */
int store_invite_revoke(store_t *s, const char *game_id, const char *code, const char *at);
/* Called for each live invite of a game. */
typedef void (*store_invite_fn)(void *ctx, const char *code, auth_role_t role, int player, const char *created_at);
int store_invites_list(store_t *s, const char *game_id, store_invite_fn fn, void *ctx);
/* Creates a session for an invite; *id gets its row id. */
int store_session_create(store_t *s, const char *token_hash, const char *code, const char *at, int64_t *id);
/* Resolves a session token hash to its identity (only while its invite is live). */
int store_session_find(store_t *s, const char *token_hash, auth_who_t *who);
/* Row ids of the sessions made from an invite (to close their connections). */
int store_sessions_of_invite(store_t *s, const char *code, int64_t *ids, int max, int *n);

/* Host pairing (store_grants.c): one-time codes that expire at expires_ms (wall
 * clock), and the host sessions made from them. Host session ids are negative. */
int store_host_invite_create(store_t *s, const char *code, const char *at, int64_t expires_ms);
/* Reads a host code: 0 when it may be used now, STORE_E_NOT_FOUND if there is no
 * such code, STORE_E_GONE if it was used or has expired. Writes nothing. */
int store_host_invite_check(store_t *s, const char *code, int64_t now_ms);
/* Marks a host code used (STORE_E_GONE if it already was). */
int store_host_invite_use(store_t *s, const char *code, const char *at);
/* Creates a host session; *id gets its (negative) id. */
int store_host_session_create(store_t *s, const char *token_hash, const char *code, const char *at, int64_t *id);
/* Called for each live session: who (role, game, player, session_id), when it
 * was made, last seen (or NULL) and the address it last came from (or NULL). */
typedef void (*store_session_fn)(void *ctx, const auth_who_t *who, const char *created_at, const char *last_seen_at,
                                 const char *last_addr);
int store_sessions_list(store_t *s, store_session_fn fn, void *ctx);
/* Revokes a live session (either kind). STORE_E_NOT_FOUND if none. */
int store_session_revoke(store_t *s, int64_t id, const char *at);
/* Records when and from where a session was last seen. */
int store_session_seen(store_t *s, int64_t id, const char *at, const char *addr);

/* Secrets (the host token hash) and server settings. */
int store_secret_get(store_t *s, const char *name, char *out, size_t cap);
int store_secret_put(store_t *s, const char *name, const char *value);
/* Appends the settings table as a JSON object of strings. */
int store_settings_json(store_t *s, buf_t *out);
/* Reads one server setting. STORE_E_NOT_FOUND if it is not set. */
int store_setting_get(store_t *s, const char *key, char *out, size_t cap);
/* Sets (value != NULL) or removes (NULL) one server setting. */
int store_setting_put(store_t *s, const char *key, const char *value);

/* store_events.c: events (section 11). Every write runs inside core's transaction. */
/* Writes an event's own row (status, round, timer as of now_mono_ms / now_wall_ms). */
int store_event_save_head(store_t *s, const event_t *ev, int64_t now_mono_ms, int64_t now_wall_ms);
/* Writes one entrant of an event (id 1..). */
int store_event_save_entrant(store_t *s, const event_t *ev, uint32_t id);
/* Writes one table or bye of an event. */
int store_event_save_game(store_t *s, const event_t *ev, const event_game_t *eg);
/* Deletes an event with its entrants, tables, codes and sessions (not its games). */
int store_event_delete(store_t *s, const char *event_id);
/* Called for each stored event; it takes over *ev (event_free is its to call). */
typedef void (*store_event_fn)(void *ctx, event_t *ev);
/* Loads every event. A running round timer comes back stopped at what was left
 * by the wall clock (never more than it had). */
int store_events_load(store_t *s, int64_t now_mono_ms, int64_t now_wall_ms, store_event_fn fn, void *ctx);
/* Stores a join code of an event: role "entrant" (with its id) or "observer". */
int store_event_invite_create(store_t *s, const char *code, const char *event_id, auth_role_t role, int64_t entrant_id,
                              const char *at);
/* Finds a live join code of an event: who gets role, event_id, entrant_id. */
int store_event_invite_find(store_t *s, const char *code, auth_who_t *who);
/* Session ids of event codes start here, apart from the games' and the host's. */
#define STORE_EVENT_SESSION_BASE (1LL << 40)
/* Makes a session of an event code; *id is >= STORE_EVENT_SESSION_BASE. */
int store_event_session_create(store_t *s, const char *token_hash, const char *code, const char *at, int64_t *id);
/* Finds a live session of an event code by token hash. */
int store_event_session_find(store_t *s, const char *token_hash, auth_who_t *who);
/* Revokes / notes the use of a session of an event code (id from store_event_session_create). */
int store_event_session_revoke(store_t *s, int64_t id, const char *at);
int store_event_session_seen(store_t *s, int64_t id, const char *at, const char *addr);
/* Lists the live sessions of event codes (see store_session_fn). */
int store_event_sessions_list(store_t *s, store_session_fn fn, void *ctx);

/* An online backup: a consistent snapshot of every committed table, copied in
 * slices so the event loop can serve between them while changes keep committing
 * (store_backup.c says how). Owned by whoever started it. */
typedef struct store_backup store_backup_t;
/* Starts a backup of the database as its last commit left it (writes pending in
 * an open transaction are not in it). NULL with a message in err. */
store_backup_t *store_backup_start(store_t *s, char *err, size_t errlen);
/* Copies up to pages more pages (-1: all the rest). 1 while some remain, 0 when
 * the snapshot is complete, STORE_E_IO (message in err). */
int store_backup_step(store_backup_t *b, int pages, char *err, size_t errlen);
/* Pages still to copy (after the first step). */
int store_backup_remaining(const store_backup_t *b);
/* The complete snapshot, a database file's bytes, owned by b; NULL before the end. */
const unsigned char *store_backup_bytes(const store_backup_t *b, size_t *len);
/* Ends the backup, finished or not, and frees it and its bytes. */
void store_backup_free(store_backup_t *b);

#endif

/* The change feed on the wire (PROTOCOL.md section 12, docs/switchover.md): a
 * host's WebSocket sends `follow` {"after": N} and receives `follow_start`, then
 * every entry after N as a `feed` message, in commit order, read from the
 * database after the commit (so never before it), first the backlog and then
 * each new commit as it happens.
 *
 * feed keeps the list of following connections (it does not own them: the
 * server calls feed_forget before a connection's client is freed) and each one's
 * place. Encoding an entry is pure (feed_encode). */
#ifndef STATE_FEED_H
#define STATE_FEED_H

#include <stdbool.h>
#include <stdint.h>

#include "app.h"
#include "buf.h"
#include "hub.h"
#include "store.h"

/* Entries sent to one connection per pump; the rest waits for the next. */
#define FEED_BATCH 200
/* A connection with more than this queued gets nothing more until it drains. */
#define FEED_QUEUE_LIMIT (256 * 1024)

/* Starts the stream of a host's connection c after entry `after` (proto checked
 * the `follow` message): answers follow_start (with ref) at once. */
void feed_start(app_t *app, hub_client_t *c, int64_t after, const char *ref);
/* Sends each following connection what was committed after its place (at most
 * FEED_BATCH entries each). Does nothing while a transaction is open. Returns
 * true when some connection has more to receive. */
bool feed_pump(app_t *app);
/* A connection is going away: forget it. */
void feed_forget(hub_client_t *c);
/* Number of following connections. */
int feed_count(void);
/* Appends the data object of one entry. An action carries the full state before
 * it from its log row (what a follower starts a game from when it cannot know
 * where its clocks stood), and state is the game's
 * state after it (JSON, the full form) with clocks as of state_mono_ms of
 * process state_boot, or NULL when the game is gone. */
void feed_encode(buf_t *out, const store_entry_t *e, const char *state, int64_t state_mono_ms, const char *state_boot);

#endif

/* The follower and the switchover (PROTOCOL.md section 12, docs/switchover.md).
 *
 * A follower (`--follow URL --host-token T`) starts from the primary's backup when
 * its database is empty (follow_bootstrap, before the store opens), then keeps a
 * WebSocket client connection (wsclient) to the primary's feed: it applies every
 * game action through its own rules at the action's recorded time, compares its
 * state with the primary's field by field, counts, logs and repairs a difference
 * by taking the primary's state, and writes every other entry as it comes. Each
 * entry and the number of the last one applied commit in one transaction, so a
 * restart resumes after it: no gap, nothing twice.
 *
 * The switchover: follow_promote makes a follower a primary; follow_demote makes
 * a primary a follower of another server, after telling every WebSocket client
 * where it went (server_moved, then close 1012).
 *
 * One follower per process (static state, reached through the app). */
#ifndef STATE_FOLLOW_H
#define STATE_FOLLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app.h"
#include "buf.h"
#include "config.h"

/* Before the store opens: when cfg asks to follow and the database file is
 * missing or empty, downloads URL/api/backup into it. 0, or -1 with a message. */
int follow_bootstrap(const config_t *cfg, char *err, size_t errlen);
/* Starts following url with token (the store and core are already replicas, see
 * follow_prepare). Connects in the background and reconnects after a loss. */
void follow_start(app_t *app, const char *url, const char *token);
/* Makes the store and core of app a follower's: before core_load at start-up, or
 * at a demotion. */
void follow_prepare(app_t *app);
/* True while this server follows another. */
bool follow_active(void);
/* Appends the JSON of GET /api/follow. */
void follow_status_json(app_t *app, buf_t *out);
/* POST /api/promote: stops following; changes are taken from now on. -1 with a
 * message when this server is not a follower. */
int follow_promote(app_t *app, char *err, size_t errlen);
/* POST /api/demote: checks that url answers as a state server (GET /healthz),
 * then stops taking changes, sends every WebSocket client server_moved and
 * closes it with 1012, and follows url. -1 with a message (nothing changed). */
int follow_demote(app_t *app, const char *url, const char *token, char *err, size_t errlen);
/* Compares two states (JSON objects, the full form) field by field, leaving out
 * server_time, connected, created_at, updated_at and private notes (and the
 * clocks' times when clocks is false). Appends each difference to out as
 * {"field","follower","primary"} (comma-separated) and returns how many. Pure. */
int follow_diff(const char *mine, size_t mine_len, const char *theirs, size_t theirs_len, bool clocks, buf_t *out);

#endif

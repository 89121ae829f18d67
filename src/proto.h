/* The WebSocket message protocol (PROTOCOL.md sections 2, 4 and 5): decodes a
 * client's envelope, answers reads and subscriptions, hands changes to the
 * change path, and implements the core's outcome interface (proto_sink): acks,
 * `internal` refusals, the broadcast of changed games and of the list of games.
 * Every WebSocket error leaves through proto_error. */
#ifndef STATE_PROTO_H
#define STATE_PROTO_H

#include <stdbool.h>
#include <stddef.h>

#include "app.h"
#include "buf.h"
#include "core.h"
#include "hub.h"
#include "tourney.h"
#include "view.h"
#include "wire.h"

/* The core's outcomes, turned into messages; its context is the app_t. */
extern const core_sink_t proto_sink;

/* The events' pushes (event_state, rebinding entrants, closing on deletion); ctx is the app_t. */
extern const tourney_sink_t proto_event_sink;

/* A ping from a client: true to answer it, false when it is over the rate
 * limit (every frame counts; a sustained flood closes the connection). */
bool proto_ping(app_t *app, hub_client_t *c);
/* Handles one text message from a client. */
void proto_handle(app_t *app, hub_client_t *c, const char *msg, size_t len);
/* Appends the `connect` message for a client (sent on upgrade and after connect). */
void proto_connect_msg(buf_t *out, const hub_client_t *c, const char *ref);
/* Sends an `error` message to a client and counts it. version < 0 omits it. */
void proto_error(app_t *app, hub_client_t *c, wire_err_t code, const char *message, const char *ref, int64_t version);
/* Appends the state object of a game as view v sees it now (with presence);
 * nothing when there is no such game. */
void proto_render(app_t *app, const char *game_id, view_t v, buf_t *out);

#endif

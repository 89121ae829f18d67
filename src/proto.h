/* The WebSocket message protocol (PROTOCOL.md sections 2, 4 and 5): decodes a
 * client's envelope, checks who may do what, hands changes to the core, and
 * encodes replies. Every refusal becomes an `error` message here and only here
 * (proto_error), with the request's id echoed as data.ref. */
#ifndef STATE_PROTO_H
#define STATE_PROTO_H

#include <stddef.h>

#include "app.h"
#include "buf.h"
#include "hub.h"
#include "json.h"

typedef enum {
    PROTO_E_BAD_JSON = 0,
    PROTO_E_BAD_MESSAGE,
    PROTO_E_UNKNOWN_TYPE,
    PROTO_E_UNAUTHORIZED,
    PROTO_E_FORBIDDEN,
    PROTO_E_NOT_FOUND,
    PROTO_E_CONFLICT,
    PROTO_E_INVALID_STATE,
    PROTO_E_RATE_LIMITED,
    PROTO_E_TOO_LARGE,
    PROTO_E_INTERNAL,
    PROTO_E_SERVICE, /* internal bookkeeping slot for metrics (unused on the wire) */
} proto_err_t;

/* Wire names of the error codes, indexed by proto_err_t. */
extern const char *const proto_error_names[];

/* The outcome of a change request, for the WebSocket and REST edges alike. */
typedef struct {
    proto_err_t err;
    char message[200];
    int64_t version; /* new version when accepted; the current one for conflict */
    char game_id[64]; /* the game a replace created or replaced */
} proto_result_t;

/* Decodes and applies a section 5 change (game_setup ... undo) from who. On
 * success returns 0 with res->version; the ack goes to reply_to (if it has a
 * ref) after the commit. Otherwise -1 with res->err and res->message. */
int proto_change(app_t *app, const auth_who_t *who, const char *type, const char *game_id, const json_doc_t *d, int data,
                 hub_client_t *reply_to, const char *ref, proto_result_t *res);
/* The host's full game_state: creates or replaces the game. Same contract. */
int proto_replace(app_t *app, const auth_who_t *who, const char *game_id, const json_doc_t *d, int data,
                  hub_client_t *reply_to, const char *ref, proto_result_t *res);
/* Resolves a token (host token or session) to who it is. 0, or -1 if unknown. */
int proto_who_from_token(app_t *app, const char *token, auth_who_t *who);

/* Handles one text message from a client. */
void proto_handle(app_t *app, hub_client_t *c, const char *msg, size_t len);
/* Appends the `connect` message for a client (sent on upgrade and after connect). */
void proto_connect_msg(buf_t *out, const hub_client_t *c, const char *ref);
/* Appends an `error` message. ref is the request id or NULL; version < 0 omits it. */
void proto_error_msg(buf_t *out, proto_err_t code, const char *message, const char *ref, int64_t version);
/* Sends an `error` message to a client and counts it. */
void proto_error(hub_client_t *c, proto_err_t code, const char *message, const char *ref, int64_t version);
/* Appends the envelope head: {"type":TYPE,"timestamp":"...",["game_id":...,]"data": */
void proto_envelope(buf_t *out, const char *type, const char *game_id);

#endif

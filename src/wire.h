/* The words of the wire (PROTOCOL.md sections 2, 4 and 7), shared by the
 * WebSocket and REST edges so that each is written once: the error codes with
 * their names and HTTP statuses, the envelope head, and the data objects of
 * `ack` and `error`. Pure JSON writing: no I/O, no state. */
#ifndef STATE_WIRE_H
#define STATE_WIRE_H

#include <stdint.h>

#include "buf.h"

typedef enum {
    WIRE_E_BAD_JSON = 0,
    WIRE_E_BAD_MESSAGE,
    WIRE_E_UNKNOWN_TYPE,
    WIRE_E_UNAUTHORIZED,
    WIRE_E_FORBIDDEN,
    WIRE_E_NOT_FOUND,
    WIRE_E_CONFLICT,
    WIRE_E_INVALID_STATE,
    WIRE_E_RATE_LIMITED,
    WIRE_E_TOO_LARGE,
    WIRE_E_INTERNAL,
    WIRE_E_SERVICE, /* 503 on REST (the database cannot write); not sent on the WebSocket */
    WIRE_E_READ_ONLY, /* a follower refuses changes (section 12); 409 on REST */
    WIRE_NERRORS
} wire_err_t;

/* Wire names of the error codes, indexed by wire_err_t. */
extern const char *const wire_error_names[];
/* The HTTP status of an error code. */
int wire_http_status(wire_err_t e);

/* Appends the envelope head: {"type":TYPE,"timestamp":"...",["game_id":...,]"data":
 * The caller appends the data object and the closing brace. */
void wire_envelope(buf_t *out, const char *type, const char *game_id);
/* Appends the data object of an ack: {"ref":...,"version":N} (ref omitted when NULL). */
void wire_ack_data(buf_t *out, const char *ref, int64_t version);
/* Appends the data object of an error: {"code","message"[,"ref"][,"version"]};
 * version < 0 omits it. */
void wire_error_data(buf_t *out, wire_err_t code, const char *message, const char *ref, int64_t version);
/* Appends a whole `error` message (envelope and data). */
void wire_error_msg(buf_t *out, wire_err_t code, const char *message, const char *ref, int64_t version);

#endif

/* The REST API under /api/ (PROTOCOL.md section 7): games, actions, history,
 * invites, joining, QR codes and server settings. Requests are authenticated by
 * "Authorization: Bearer <token>" (or loopback, unless --no-trust-loopback);
 * errors are {"error":{"code","message"}} with the status of the code. Changes
 * go through the same decoding and core as WebSocket messages, and are
 * committed before the response. */
#ifndef STATE_API_H
#define STATE_API_H

#include <h2o.h>

#include "app.h"

/* Largest request body accepted (larger ones get 413). */
#define API_MAX_BODY (16 * 1024)

/* Handles a request whose path starts with /api/. Always responds. */
void api_handle(app_t *app, h2o_req_t *req);

#endif

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
#include "auth.h"
#include "buf.h"
#include "json.h"

/* Most path segments after /api. */
#define API_MAX_SEGMENTS 6

/* The pure parts of the REST API: each reads a parsed body (token 0 is an object)
 * and returns 0, or -1 with a one-line message naming the bad field. They do no
 * I/O, so the unit tests and tests/fuzz/fuzz_rest.c call them directly. */

/* POST /api/games: builds the game-state JSON (players[] from player1_name and
 * player2_name, settings as given) that the state reader then validates. */
int api_parse_new_game(const json_doc_t *d, buf_t *state, char *msg, size_t cap);
/* POST /api/games/{id}/invites: {role, player_number?}. */
int api_parse_invite(const json_doc_t *d, auth_role_t *role, int *player, char *msg, size_t cap);
/* PUT /api/settings: at most 64 keys of 1 to 40 characters, string values up to
 * 200 characters or null. */
int api_check_settings(const json_doc_t *d, char *msg, size_t cap);

/* Splits a path "/api/a/b/c" into its URL-decoded segments after "api" (at most
 * API_MAX_SEGMENTS of up to 63 bytes). The count, or -1 when the path is not
 * under /api, has too many segments or a bad escape. Pure, fuzzed. */
int api_split_path(const char *path, size_t len, char seg[API_MAX_SEGMENTS][64]);

/* Handles a request whose path starts with /api/. Always responds. */
void api_handle(app_t *app, h2o_req_t *req);

#endif

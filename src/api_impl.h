/* Shared inside the REST API (api.c and its parts api_access.c, api_backup.c, api_events.c, api_follow.c, api_hall.c); nothing else includes it. */
#ifndef STATE_API_IMPL_H
#define STATE_API_IMPL_H

#include <h2o.h>

#include "app.h"
#include "buf.h"
#include "json.h"
#include "wire.h"

/* Largest request body accepted (larger ones get 413). */
#define API_MAX_BODY (16 * 1024)

/* Every API error leaves through here (counted, {"error":{code,message}}). */
void api_error(app_t *app, h2o_req_t *req, wire_err_t e, const char *message);
/* A JSON response of b. */
void api_json(h2o_req_t *req, int status, buf_t *b);
/* 405 with an Allow header. */
void api_method_not_allowed(app_t *app, h2o_req_t *req, const char *allow);
/* Parses the request body (at most max_bytes) as a JSON object into toks (ntoks of
 * them). Answers 413, bad_json or bad_message and returns -1 when it is not one. */
int api_object_body(app_t *app, h2o_req_t *req, json_doc_t *d, jsmntok_t *toks, int ntoks, size_t max_bytes);
/* Answers with url as an SVG QR code (not cached), or an error when it does not fit. */
void api_qr_svg(app_t *app, h2o_req_t *req, const char *url);

/* api_access.c: invites of a game, host pairing codes, sessions, joining. */
void api_create_invite(app_t *app, h2o_req_t *req, const char *game_id);
void api_list_invites(app_t *app, h2o_req_t *req, const char *game_id);
void api_revoke_invite(app_t *app, h2o_req_t *req, const char *game_id, const char *code);
void api_create_host_invite(app_t *app, h2o_req_t *req);
void api_list_sessions(app_t *app, h2o_req_t *req);
void api_revoke_session(app_t *app, h2o_req_t *req, const char *id_text);
void api_join(app_t *app, h2o_req_t *req);

/* Who is calling (a bearer token, else loopback trust); false when it has
 * answered 401 for a bad token. An entrant's token is bound to its table. */
bool api_who(app_t *app, h2o_req_t *req, auth_who_t *who);
/* True for the host; otherwise answers 401/403 and returns false. */
bool api_require_host(app_t *app, h2o_req_t *req, const auth_who_t *who);

/* api_events.c: /api/events/... (section 11); seg[0] is "events". */
void api_events(app_t *app, h2o_req_t *req, char seg[][64], int n);
/* api_hall.c: GET /api/hall, this box's games and the other boxes' (MQTT). */
void api_hall(app_t *app, h2o_req_t *req);

/* api_backup.c: GET /api/backup, a snapshot of the database, sent when copied. */
void api_backup(app_t *app, h2o_req_t *req);

/* api_follow.c: GET /api/follow, POST /api/promote, POST /api/demote (what is
 * "follow", "promote" or "demote"; the caller checked the host). */
void api_follow(app_t *app, h2o_req_t *req, const char *what, bool get, bool post);
#endif

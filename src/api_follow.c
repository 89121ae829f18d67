/* GET /api/follow, POST /api/promote and POST /api/demote (section 12): the
 * follower's report and the two calls of a switchover. The work is follow's. */
#include "api_impl.h"
#include "follow.h"
#include "http.h"
#include "json.h"

#include <stdio.h>
#include <string.h>

void api_follow(app_t *app, h2o_req_t *req, const char *what, bool get, bool post)
{
    char err[300];
    buf_t b;
    buf_init(&b);
    if (strcmp(what, "follow") == 0) {
        if (!get) {
            api_method_not_allowed(app, req, "GET");
        } else {
            follow_status_json(app, &b);
            api_json(req, 200, &b);
        }
        buf_free(&b);
        return;
    }
    if (!post) {
        api_method_not_allowed(app, req, "POST");
        buf_free(&b);
        return;
    }
    if (strcmp(what, "promote") == 0) {
        if (follow_promote(app, err, sizeof(err)) != 0) {
            api_error(app, req, WIRE_E_INVALID_STATE, err);
        } else {
            follow_status_json(app, &b);
            api_json(req, 200, &b);
        }
        buf_free(&b);
        return;
    }
    /* demote: {"to": URL}. The new primary is followed with the caller's own host
     * token (the database is a copy, so it works there), else --host-token. */
    jsmntok_t toks[16];
    json_doc_t d;
    char to[256], token[160] = "";
    const char *body = req->entity.base ? req->entity.base : "";
    if (req->entity.len > API_MAX_BODY || json_parse(&d, body, req->entity.len, toks, 16) != 0 || json_type(&d, 0) != JSON_OBJECT ||
        json_str(&d, json_get(&d, 0, "to"), to, sizeof(to)) <= 0) {
        api_error(app, req, WIRE_E_BAD_MESSAGE, "to: required, the new primary's http:// URL");
        buf_free(&b);
        return;
    }
    if (!http_bearer(req, token, sizeof(token)))
        snprintf(token, sizeof(token), "%s", app->cfg.host_token);
    if (token[0] == '\0') {
        api_error(app, req, WIRE_E_UNAUTHORIZED, "demote needs the host token (Authorization: Bearer) to follow the new primary");
    } else if (follow_demote(app, to, token, err, sizeof(err)) != 0) {
        api_error(app, req, strstr(err, "already") ? WIRE_E_INVALID_STATE : WIRE_E_SERVICE, err);
    } else {
        follow_status_json(app, &b);
        api_json(req, 200, &b);
    }
    buf_free(&b);
}

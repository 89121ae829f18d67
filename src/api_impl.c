/* The REST API's shared replies (see api_impl.h). */
#include "api_impl.h"
#include "http.h"

/* Every API error leaves through here. */
void api_error(app_t *app, h2o_req_t *req, wire_err_t e, const char *message)
{
    app->metrics.errors[e]++;
    http_send_error(req, wire_http_status(e), wire_error_names[e], message);
}

void api_json(h2o_req_t *req, int status, buf_t *b)
{
    http_send_json(req, status, b->data, b->len);
}

void api_method_not_allowed(app_t *app, h2o_req_t *req, const char *allow)
{
    http_header(req, "allow", allow);
    app->metrics.errors[WIRE_E_BAD_MESSAGE]++;
    http_send_error(req, 405, "bad_message", "method not allowed");
}

/* The REST API's shared replies (see api_impl.h). */
#include "api_impl.h"
#include "http.h"
#include "qr.h"

#include <stdio.h>
#include <string.h>

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

void api_qr_svg(app_t *app, h2o_req_t *req, const char *url)
{
    qr_t qr;
    if (qr_encode((const uint8_t *)url, strlen(url), &qr) != QR_OK) {
        api_error(app, req, WIRE_E_INTERNAL, "the URL is too long for a QR code (shorten --public-url)");
        return;
    }
    size_t need = qr_svg(&qr, 4, NULL, 0);
    char *svg = h2o_mem_alloc_pool(&req->pool, need + 1);
    qr_svg(&qr, 4, svg, need + 1);
    h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CACHE_CONTROL, NULL, H2O_STRLIT("no-store"));
    http_send(req, 200, "image/svg+xml", svg, need);
}

int api_object_body(app_t *app, h2o_req_t *req, json_doc_t *d, jsmntok_t *toks, int ntoks, size_t max_bytes)
{
    if (req->entity.len > max_bytes) {
        char msg[64];
        snprintf(msg, sizeof(msg), "request body over %zu KiB", max_bytes / 1024);
        api_error(app, req, WIRE_E_TOO_LARGE, msg);
        return -1;
    }
    const char *body = req->entity.base ? req->entity.base : "";
    if (json_parse(d, body, req->entity.len, toks, ntoks) != 0) {
        api_error(app, req, WIRE_E_BAD_JSON, req->entity.len == 0 ? "a JSON body is required" : "body is not valid JSON");
        return -1;
    }
    if (json_type(d, 0) != JSON_OBJECT) {
        api_error(app, req, WIRE_E_BAD_MESSAGE, "body must be a JSON object");
        return -1;
    }
    return 0;
}

/* The REST API's shared replies (see api_impl.h). */
#include "api_impl.h"
#include "http.h"
#include "qr.h"

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

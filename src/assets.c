#include "assets.h"

#include <h2o.h>
#include <stdbool.h>

#include <string.h>

const assets_file_t *assets_find(const char *path, size_t len)
{
    for (size_t i = 0; i < assets_nfiles; i++)
        if (strlen(assets_files[i].path) == len && memcmp(assets_files[i].path, path, len) == 0)
            return &assets_files[i];
    return NULL;
}

/* True if path is prefix followed by one non-empty segment of at most max bytes (no further '/'). */
static int assets_one_segment(const char *path, size_t len, const char *prefix, size_t max)
{
    size_t pl = strlen(prefix);
    return len > pl && len <= pl + max && memcmp(path, prefix, pl) == 0 && memchr(path + pl, '/', len - pl) == NULL;
}

int assets_is_app_route(const char *path, size_t len)
{
    static const char *const routes[] = {"/", "/play", "/watch", "/display", "/host", "/overlay", "/event", "/hall", "/host/events"};
    for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++)
        if (strlen(routes[i]) == len && memcmp(routes[i], path, len) == 0)
            return 1;
    /* /j/<code>: a join link from a QR code; the app validates the code itself. */
    if (assets_one_segment(path, len, "/j/", 16))
        return 1;
    /* /hall/<event_id>, /host/events/<event_id> and its /checkin sheet: the app asks the API for the event. */
    if (assets_one_segment(path, len, "/hall/", 64) || assets_one_segment(path, len, "/host/events/", 64))
        return 1;
    static const char checkin[] = "/checkin";
    size_t cl = sizeof(checkin) - 1;
    return len > cl && memcmp(path + len - cl, checkin, cl) == 0 && assets_one_segment(path, len - cl, "/host/events/", 64);
}

static bool assets_accepts_gzip(h2o_req_t *req)
{
    ssize_t i = h2o_find_header(&req->headers, H2O_TOKEN_ACCEPT_ENCODING, -1);
    if (i < 0)
        return false;
    h2o_iovec_t v = req->headers.entries[i].value;
    return h2o_contains_token(v.base, v.len, H2O_STRLIT("gzip"), ',');
}

void assets_send(h2o_req_t *req, const assets_file_t *f)
{
    bool immutable = strncmp(f->path, "/assets/", 8) == 0;
    h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CACHE_CONTROL, NULL,
                   immutable ? "public, max-age=31536000, immutable" : "no-cache",
                   strlen(immutable ? "public, max-age=31536000, immutable" : "no-cache"));
    h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_ETAG, NULL, f->etag, strlen(f->etag));
    if (f->gz)
        h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_VARY, NULL, H2O_STRLIT("Accept-Encoding"));
    ssize_t inm = h2o_find_header(&req->headers, H2O_TOKEN_IF_NONE_MATCH, -1);
    if (inm >= 0) {
        h2o_iovec_t v = req->headers.entries[inm].value;
        if (h2o_contains_token(v.base, v.len, f->etag, strlen(f->etag), ',') || h2o_memis(v.base, v.len, H2O_STRLIT("*"))) {
            req->res.status = 304;
            req->res.reason = "Not Modified";
            h2o_send_inline(req, NULL, 0);
            return;
        }
    }
    const unsigned char *body = f->data;
    size_t len = f->len;
    if (f->gz && assets_accepts_gzip(req)) {
        h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CONTENT_ENCODING, NULL, H2O_STRLIT("gzip"));
        body = f->gz;
        len = f->gz_len;
    }
    req->res.status = 200;
    req->res.reason = "OK";
    req->res.content_length = len;
    h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CONTENT_TYPE, NULL, f->content_type, strlen(f->content_type));
    /* The bytes are static: no copy, h2o sends them straight from the binary. */
    static h2o_generator_t gen = {NULL, NULL};
    h2o_start_response(req, &gen);
    h2o_iovec_t iov = h2o_iovec_init(body, len);
    h2o_send(req, &iov, h2o_memis(req->method.base, req->method.len, H2O_STRLIT("HEAD")) ? 0 : 1, H2O_SEND_STATE_FINAL);
}


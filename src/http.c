#include "http.h"
#include "json.h"

#include <arpa/inet.h>
#include <string.h>

void http_header(h2o_req_t *req, const char *name, const char *value)
{
    size_t vlen = strlen(value);
    char *v = h2o_mem_alloc_pool(&req->pool, vlen + 1);
    memcpy(v, value, vlen + 1);
    h2o_add_header_by_str(&req->pool, &req->res.headers, name, strlen(name), 1, NULL, v, vlen);
}

void http_send(h2o_req_t *req, int status, const char *content_type, const char *body, size_t len)
{
    static const char *const reasons[][2] = {
        {"200", "OK"},          {"201", "Created"},        {"204", "No Content"},       {"304", "Not Modified"},
        {"400", "Bad Request"}, {"401", "Unauthorized"},   {"403", "Forbidden"},        {"404", "Not Found"},
        {"405", "Method Not Allowed"}, {"409", "Conflict"}, {"426", "Upgrade Required"}, {"413", "Payload Too Large"}, {"429", "Too Many Requests"},
        {"500", "Internal Server Error"}, {"503", "Service Unavailable"},
    };
    req->res.status = status;
    req->res.reason = "OK";
    char code[8];
    snprintf(code, sizeof(code), "%d", status);
    for (size_t i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
        if (strcmp(reasons[i][0], code) == 0)
            req->res.reason = reasons[i][1];
    if (content_type)
        h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CONTENT_TYPE, NULL, content_type, strlen(content_type));
    req->res.content_length = len;
    char *copy = h2o_mem_alloc_pool(&req->pool, len + 1);
    if (len)
        memcpy(copy, body, len);
    h2o_send_inline(req, copy, len);
}

void http_send_json(h2o_req_t *req, int status, const char *body, size_t len)
{
    h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CACHE_CONTROL, NULL, H2O_STRLIT("no-store"));
    http_send(req, status, "application/json", body, len);
}

void http_send_error(h2o_req_t *req, int status, const char *code, const char *message)
{
    buf_t b;
    buf_init(&b);
    buf_puts(&b, "{\"error\":{\"code\":");
    json_put_cstr(&b, code);
    buf_puts(&b, ",\"message\":");
    json_put_cstr(&b, message);
    buf_puts(&b, "}}");
    http_send_json(req, status, b.data, b.len);
    buf_free(&b);
}

h2o_iovec_t http_req_header(h2o_req_t *req, const char *name)
{
    size_t nlen = strlen(name);
    for (size_t i = 0; i < req->headers.size; i++) {
        h2o_header_t *h = &req->headers.entries[i];
        if (h->name->len == nlen && h2o_lcstris(h->name->base, h->name->len, name, nlen))
            return h->value;
    }
    return h2o_iovec_init(NULL, 0);
}

int http_url_decode(const char *s, size_t n, char *out, size_t cap)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '%') {
            if (i + 2 >= n)
                return -1;
            int hi = json_hex_digit(s[i + 1]), lo = json_hex_digit(s[i + 2]);
            if (hi < 0 || lo < 0)
                return -1;
            c = (char)(hi * 16 + lo);
            i += 2;
            if (c == '\0')
                return -1;
        } else if (c == '+') {
            c = ' ';
        }
        if (o + 1 >= cap)
            return -1;
        out[o++] = c;
    }
    out[o] = '\0';
    return (int)o;
}

int http_query(h2o_req_t *req, const char *name, char *out, size_t cap)
{
    if (req->query_at == SIZE_MAX)
        return -1;
    const char *q = req->path.base + req->query_at + 1;
    const char *end = req->path.base + req->path.len;
    size_t nlen = strlen(name);
    while (q < end) {
        const char *amp = memchr(q, '&', (size_t)(end - q));
        const char *pend = amp ? amp : end;
        const char *eq = memchr(q, '=', (size_t)(pend - q));
        const char *kend = eq ? eq : pend;
        if ((size_t)(kend - q) == nlen && memcmp(q, name, nlen) == 0) {
            const char *v = eq ? eq + 1 : pend;
            return http_url_decode(v, (size_t)(pend - v), out, cap);
        }
        q = pend + 1;
    }
    return -1;
}

bool http_bearer(h2o_req_t *req, char *out, size_t cap)
{
    ssize_t i = h2o_find_header(&req->headers, H2O_TOKEN_AUTHORIZATION, -1);
    if (i < 0)
        return false;
    h2o_iovec_t v = req->headers.entries[i].value;
    if (v.len < 7 || !h2o_lcstris(v.base, 7, "bearer ", 7))
        return false;
    const char *t = v.base + 7;
    size_t n = v.len - 7;
    while (n && *t == ' ') {
        t++;
        n--;
    }
    while (n && t[n - 1] == ' ')
        n--;
    if (n == 0 || n >= cap)
        return false;
    memcpy(out, t, n);
    out[n] = '\0';
    return true;
}

static socklen_t peer_addr(h2o_req_t *req, struct sockaddr_storage *ss)
{
    return req->conn->callbacks->get_peername(req->conn, (struct sockaddr *)ss);
}

bool http_is_loopback(h2o_req_t *req)
{
    struct sockaddr_storage ss;
    if (peer_addr(req, &ss) == 0)
        return false;
    if (ss.ss_family == AF_INET)
        return (ntohl(((struct sockaddr_in *)&ss)->sin_addr.s_addr) >> 24) == 127;
    if (ss.ss_family == AF_INET6) {
        const struct in6_addr *a = &((struct sockaddr_in6 *)&ss)->sin6_addr;
        if (IN6_IS_ADDR_LOOPBACK(a))
            return true;
        return IN6_IS_ADDR_V4MAPPED(a) && a->s6_addr[12] == 127;
    }
    return false;
}

void http_peer(h2o_req_t *req, char *out, size_t cap)
{
    struct sockaddr_storage ss;
    out[0] = '\0';
    if (peer_addr(req, &ss) == 0)
        return;
    if (ss.ss_family == AF_INET)
        inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, out, (socklen_t)cap);
    else if (ss.ss_family == AF_INET6)
        inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, out, (socklen_t)cap);
}

void http_trust_req(h2o_req_t *req, trust_req_t *r)
{
    h2o_iovec_t host = http_req_header(req, "host");
    h2o_iovec_t origin = http_req_header(req, "origin");
    r->peer_loopback = http_is_loopback(req);
    r->proxy_header = http_req_header(req, "forwarded").base != NULL || http_req_header(req, "x-forwarded-for").base != NULL ||
                      http_req_header(req, "x-real-ip").base != NULL;
    /* h2o keeps HTTP/1.1's Host as the authority of the request. */
    if (host.base == NULL && req->input.authority.base != NULL && req->input.authority.len > 0)
        host = req->input.authority;
    r->host = host.base;
    r->host_len = host.len;
    r->origin = origin.base;
    r->origin_len = origin.len;
}

void http_client_addr(h2o_req_t *req, const trust_self_t *self, char *out, size_t cap)
{
    http_peer(req, out, cap);
    if (!trust_is_proxy(self, out))
        return;
    h2o_iovec_t xff = http_req_header(req, "x-forwarded-for");
    char fwd[64];
    if (trust_forwarded_for(xff.base, xff.len, fwd, sizeof(fwd)) == 0)
        snprintf(out, cap, "%s", fwd);
}

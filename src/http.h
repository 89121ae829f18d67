/* Helpers over h2o requests shared by the server's own routes and the REST API:
 * responses with JSON bodies and errors, query parameters, bearer tokens, and the
 * peer's address. Bodies are copied into the request's memory pool, so callers
 * keep ownership of what they pass in. */
#ifndef STATE_HTTP_H
#define STATE_HTTP_H

#include <h2o.h>
#include <stdbool.h>

#include "buf.h"
#include "trust.h"

/* Sends a complete response with a body (copied). */
void http_send(h2o_req_t *req, int status, const char *content_type, const char *body, size_t len);
/* Sends a JSON body with "Cache-Control: no-store". */
void http_send_json(h2o_req_t *req, int status, const char *body, size_t len);
/* Sends {"error":{"code":...,"message":...}} with the given status. */
void http_send_error(h2o_req_t *req, int status, const char *code, const char *message);
/* Adds a response header (the value is copied). */
void http_header(h2o_req_t *req, const char *name, const char *value);
/* Finds a request header by lower-case name; returns its value or a NULL base. */
h2o_iovec_t http_req_header(h2o_req_t *req, const char *name);
/* Copies the URL-decoded value of query parameter name into out. Returns its
 * length, or -1 when absent, malformed or longer than cap - 1. */
int http_query(h2o_req_t *req, const char *name, char *out, size_t cap);
/* Copies the token of "Authorization: Bearer <token>" into out; false if none. */
bool http_bearer(h2o_req_t *req, char *out, size_t cap);
/* True when the client connected from a loopback address (127.0.0.0/8, ::1). */
bool http_is_loopback(h2o_req_t *req);
/* The client's address as text (for logs and per-address limits). */
void http_peer(h2o_req_t *req, char *out, size_t cap);
/* What section 10's trust rules need of a request (peer, proxy headers, Host,
 * Origin); the pointers are the request's own and live as long as it. */
void http_trust_req(h2o_req_t *req, trust_req_t *r);
/* The client's address for limits and logs: the peer, or, when the peer is a
 * trusted proxy, the address its X-Forwarded-For names. */
void http_client_addr(h2o_req_t *req, const trust_self_t *self, char *out, size_t cap);
/* URL-decodes s[0..n) into out; -1 on a bad escape or overflow, else the length. */
int http_url_decode(const char *s, size_t n, char *out, size_t cap);

#endif

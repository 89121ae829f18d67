/* Trust at the edges (PROTOCOL.md section 10): when a request from the machine
 * itself may be host without a token, when a browser's Origin is foreign, and
 * which address a request really comes from behind a trusted reverse proxy.
 *
 * Pure functions over header values and a description of the server (its own
 * names, scheme and port, its trusted proxies), which the server fills once at
 * start-up; the edges (api, server) pass the headers in. No I/O. */
#ifndef STATE_TRUST_H
#define STATE_TRUST_H

#include <stdbool.h>
#include <stddef.h>

#define TRUST_MAX_NAMES 32
#define TRUST_MAX_PROXIES 8
#define TRUST_NAME_SIZE 256

/* The server as its clients name it. */
typedef struct {
    char names[TRUST_MAX_NAMES][TRUST_NAME_SIZE]; /* lower case, no port, IPv6 without brackets */
    int nnames;
    char proxies[TRUST_MAX_PROXIES][64];          /* numeric addresses of trusted reverse proxies */
    int nproxies;
    bool https;                                   /* the scheme clients use */
    int port;                                     /* the port clients use */
    char public_origin[TRUST_NAME_SIZE + 16];     /* "scheme://host:port" of --public-url, or "" */
} trust_self_t;

/* What the edge knows of one request. A NULL base means the header is absent. */
typedef struct {
    bool peer_loopback;   /* the TCP peer is 127.0.0.0/8 or ::1 */
    bool proxy_header;    /* Forwarded, X-Forwarded-For or X-Real-IP is present */
    const char *host;     /* Host header */
    size_t host_len;
    const char *origin;   /* Origin header */
    size_t origin_len;
} trust_req_t;

/* Adds one of the server's own names (a host name or a numeric address, with or
 * without brackets); ignored when the table is full or it is there already. */
void trust_add_name(trust_self_t *self, const char *name);
/* Adds a trusted proxy address. -1 when it is not a numeric address or the table
 * is full. */
int trust_add_proxy(trust_self_t *self, const char *addr);

/* Takes the origin of a public URL (--public-url: the address phones use, which
 * may be a proxy's) as the server's own too. -1 when it is not http(s)://host. */
int trust_set_public_url(trust_self_t *self, const char *url);
/* True when name (no port) is localhost, a loopback address or one of self's names. */
bool trust_is_own_name(const trust_self_t *self, const char *name, size_t len);
/* Splits "host", "host:port", "[v6]" or "[v6]:port" into a lower-case host
 * (brackets removed) and a port (0 when absent). -1 when malformed. */
int trust_split_host(const char *s, size_t len, char *host, size_t cap, int *port);
/* True when an Origin header is present and is not the server's own origin (same
 * scheme, an own name, same port). "null" and malformed origins are foreign. */
bool trust_origin_foreign(const trust_self_t *self, const char *origin, size_t len);
/* True when a request may have the ambient loopback authority: a loopback peer,
 * no proxy header, an own Host, and no foreign Origin. */
bool trust_loopback(const trust_self_t *self, const trust_req_t *r);
/* True when addr is a trusted proxy. */
bool trust_is_proxy(const trust_self_t *self, const char *addr);
/* The client address a trusted proxy reports: the last entry of X-Forwarded-For
 * (the one that proxy added), copied into out. -1 when there is none usable. */
int trust_forwarded_for(const char *xff, size_t len, char *out, size_t cap);

#endif

#include "trust.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static void trust_lower(char *s)
{
    for (; *s; s++)
        if (*s >= 'A' && *s <= 'Z')
            *s = (char)(*s - 'A' + 'a');
}

void trust_add_name(trust_self_t *self, const char *name)
{
    char host[TRUST_NAME_SIZE];
    int port;
    if (self->nnames >= TRUST_MAX_NAMES || trust_split_host(name, strlen(name), host, sizeof(host), &port) != 0 || !host[0])
        return;
    for (int i = 0; i < self->nnames; i++)
        if (strcmp(self->names[i], host) == 0)
            return;
    snprintf(self->names[self->nnames++], TRUST_NAME_SIZE, "%s", host);
}

int trust_add_proxy(trust_self_t *self, const char *addr)
{
    unsigned char tmp[sizeof(struct in6_addr)];
    if (self->nproxies >= TRUST_MAX_PROXIES || strlen(addr) >= sizeof(self->proxies[0]) ||
        (inet_pton(AF_INET, addr, tmp) != 1 && inet_pton(AF_INET6, addr, tmp) != 1))
        return -1;
    snprintf(self->proxies[self->nproxies++], sizeof(self->proxies[0]), "%s", addr);
    return 0;
}

int trust_split_host(const char *s, size_t len, char *host, size_t cap, int *port)
{
    *port = 0;
    const char *end = s + len, *hend;
    const char *p = s;
    if (len == 0 || cap == 0)
        return -1;
    if (*p == '[') {
        hend = memchr(p, ']', len);
        if (hend == NULL)
            return -1;
        p++;
        if (hend + 1 < end && hend[1] != ':')
            return -1;
    } else {
        hend = memchr(p, ':', len);
        if (hend == NULL)
            hend = end;
    }
    size_t hl = (size_t)(hend - p);
    if (hl == 0 || hl >= cap)
        return -1;
    memcpy(host, p, hl);
    host[hl] = '\0';
    for (size_t i = 0; i < hl; i++)
        if ((unsigned char)host[i] <= ' ' || host[i] == '/' || host[i] == '@' || host[i] == '\\')
            return -1;
    trust_lower(host);
    const char *q = hend < end && *hend == ']' ? hend + 1 : hend;
    if (q < end) {
        if (*q != ':' || q + 1 == end)
            return -1;
        int v = 0;
        for (q++; q < end; q++) {
            if (*q < '0' || *q > '9' || v > 65535)
                return -1;
            v = v * 10 + (*q - '0');
        }
        if (v < 1 || v > 65535)
            return -1;
        *port = v;
    }
    return 0;
}

static bool trust_is_loopback_name(const char *h)
{
    if (strcmp(h, "localhost") == 0 || strcmp(h, "::1") == 0)
        return true;
    struct in_addr a;
    if (inet_pton(AF_INET, h, &a) == 1)
        return (ntohl(a.s_addr) >> 24) == 127;
    struct in6_addr a6;
    if (inet_pton(AF_INET6, h, &a6) == 1)
        return IN6_IS_ADDR_LOOPBACK(&a6) || (IN6_IS_ADDR_V4MAPPED(&a6) && a6.s6_addr[12] == 127);
    return false;
}

bool trust_is_own_name(const trust_self_t *self, const char *name, size_t len)
{
    char h[TRUST_NAME_SIZE];
    if (len == 0 || len >= sizeof(h))
        return false;
    memcpy(h, name, len);
    h[len] = '\0';
    trust_lower(h);
    if (h[len - 1] == '.') /* "pi.local." names the same host as "pi.local" */
        h[len - 1] = '\0';
    if (trust_is_loopback_name(h))
        return true;
    for (int i = 0; i < self->nnames; i++)
        if (strcmp(self->names[i], h) == 0)
            return true;
    return false;
}

/* Reads "scheme://host[:port][/...]" into a canonical "scheme://host:port". */
static int trust_canon_origin(const char *s, size_t len, char *out, size_t cap, bool *https, char *host, size_t hcap, int *port)
{
    size_t sl;
    if (len > 8 && strncasecmp(s, "https://", 8) == 0)
        *https = true, sl = 8;
    else if (len > 7 && strncasecmp(s, "http://", 7) == 0)
        *https = false, sl = 7;
    else
        return -1;
    const char *hp = s + sl;
    size_t hl = len - sl;
    const char *slash = memchr(hp, '/', hl);
    if (slash)
        hl = (size_t)(slash - hp);
    if (trust_split_host(hp, hl, host, hcap, port) != 0)
        return -1;
    if (*port == 0)
        *port = *https ? 443 : 80;
    snprintf(out, cap, "%s://%s%s%s:%d", *https ? "https" : "http", strchr(host, ':') ? "[" : "", host, strchr(host, ':') ? "]" : "",
             *port);
    return 0;
}

int trust_set_public_url(trust_self_t *self, const char *url)
{
    bool https;
    char host[TRUST_NAME_SIZE];
    int port;
    if (trust_canon_origin(url, strlen(url), self->public_origin, sizeof(self->public_origin), &https, host, sizeof(host), &port) != 0) {
        self->public_origin[0] = '\0';
        return -1;
    }
    trust_add_name(self, host);
    return 0;
}

bool trust_origin_foreign(const trust_self_t *self, const char *origin, size_t len)
{
    if (origin == NULL)
        return false;
    char canon[TRUST_NAME_SIZE + 16], h[TRUST_NAME_SIZE];
    bool https;
    int p;
    if (trust_canon_origin(origin, len, canon, sizeof(canon), &https, h, sizeof(h), &p) == 0 && self->public_origin[0] &&
        strcmp(canon, self->public_origin) == 0)
        return false;
    const char *scheme = self->https ? "https://" : "http://";
    size_t sl = strlen(scheme);
    if (len <= sl || strncasecmp(origin, scheme, sl) != 0)
        return true; /* another scheme, "null", or nothing we can read */
    const char *hp = origin + sl;
    size_t hl = len - sl;
    if (hl > 0 && hp[hl - 1] == '/')
        hl--;
    char host[TRUST_NAME_SIZE];
    int port;
    if (trust_split_host(hp, hl, host, sizeof(host), &port) != 0)
        return true;
    if (port == 0)
        port = self->https ? 443 : 80;
    return port != self->port || !trust_is_own_name(self, host, strlen(host));
}

bool trust_loopback(const trust_self_t *self, const trust_req_t *r)
{
    if (!r->peer_loopback || r->proxy_header || r->host == NULL)
        return false;
    char host[TRUST_NAME_SIZE];
    int port;
    if (trust_split_host(r->host, r->host_len, host, sizeof(host), &port) != 0 || !trust_is_own_name(self, host, strlen(host)))
        return false;
    return !trust_origin_foreign(self, r->origin, r->origin_len);
}

bool trust_is_proxy(const trust_self_t *self, const char *addr)
{
    for (int i = 0; i < self->nproxies; i++)
        if (strcmp(self->proxies[i], addr) == 0)
            return true;
    return false;
}

int trust_forwarded_for(const char *xff, size_t len, char *out, size_t cap)
{
    if (xff == NULL || len == 0)
        return -1;
    const char *end = xff + len, *p = end;
    while (p > xff && p[-1] != ',')
        p--;
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
        end--;
    size_t n = (size_t)(end - p);
    if (n == 0 || n >= cap || n >= 64)
        return -1;
    char tmp[64];
    memcpy(tmp, p, n);
    tmp[n] = '\0';
    unsigned char bin[sizeof(struct in6_addr)];
    if (inet_pton(AF_INET, tmp, bin) != 1 && inet_pton(AF_INET6, tmp, bin) != 1)
        return -1;
    memcpy(out, tmp, n + 1);
    return 0;
}

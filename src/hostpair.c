#include "hostpair.h"
#include "json.h"
#include "mem.h"
#include "qr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

/* Connects to the server's port on loopback (the address it is bound to when that
 * is a loopback one). */
static int hostpair_connect(const config_t *cfg)
{
    struct sockaddr_in6 a6;
    struct sockaddr_in a4;
    memset(&a6, 0, sizeof(a6));
    memset(&a4, 0, sizeof(a4));
    bool v6 = strchr(cfg->bind, ':') != NULL && strcmp(cfg->bind, "::") != 0;
    int fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    struct timeval tv = {5, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    int rc;
    if (v6) {
        a6.sin6_family = AF_INET6;
        a6.sin6_port = htons((uint16_t)cfg->port);
        inet_pton(AF_INET6, cfg->bind, &a6.sin6_addr);
        rc = connect(fd, (struct sockaddr *)&a6, sizeof(a6));
    } else {
        a4.sin_family = AF_INET;
        a4.sin_port = htons((uint16_t)cfg->port);
        bool specific = strcmp(cfg->bind, "0.0.0.0") != 0 && strcmp(cfg->bind, "::") != 0;
        inet_pton(AF_INET, specific ? cfg->bind : "127.0.0.1", &a4.sin_addr);
        rc = connect(fd, (struct sockaddr *)&a4, sizeof(a4));
    }
    if (rc != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

int hostpair_main(const config_t *cfg)
{
    if (cfg->tls_cert[0]) {
        fprintf(stderr, "state-server: --pair-host speaks plain HTTP on loopback; with --tls-cert, open the host panel "
                        "and use \"Pair a phone as host\" instead\n");
        return 1;
    }
    int fd = hostpair_connect(cfg);
    if (fd < 0) {
        fprintf(stderr, "state-server: no server answers on port %d of this machine (%s): is it running? (--port)\n", cfg->port,
                strerror(errno));
        return 1;
    }
    char req[512];
    int n = snprintf(req, sizeof(req),
                     "POST /api/host-invites HTTP/1.1\r\nHost: localhost:%d\r\nContent-Length: 0\r\nConnection: close\r\n%s%s%s\r\n",
                     cfg->port, cfg->host_token[0] ? "Authorization: Bearer " : "", cfg->host_token,
                     cfg->host_token[0] ? "\r\n" : "");
    if (write(fd, req, (size_t)n) != n) {
        fprintf(stderr, "state-server: cannot send the request: %s\n", strerror(errno));
        close(fd);
        return 1;
    }
    char resp[8192];
    size_t len = 0;
    ssize_t r;
    while (len < sizeof(resp) - 1 && (r = read(fd, resp + len, sizeof(resp) - 1 - len)) > 0)
        len += (size_t)r;
    close(fd);
    resp[len] = '\0';
    int status = 0;
    const char *body = strstr(resp, "\r\n\r\n");
    if (sscanf(resp, "HTTP/1.%*d %d", &status) != 1 || body == NULL) {
        fprintf(stderr, "state-server: the answer on port %d is not from a state-server\n", cfg->port);
        return 1;
    }
    body += 4;
    if (status == 401 || status == 403) {
        fprintf(stderr, "state-server: the server did not take this as its host (it runs with --no-trust-loopback?): "
                        "give --host-token\n");
        return 1;
    }
    jsmntok_t toks[32];
    json_doc_t d;
    char code[16], url[400], expires[40];
    int tc, tu, te;
    if (status != 201 || json_parse(&d, body, strlen(body), toks, 32) != 0 || (tc = json_get(&d, 0, "code")) < 0 ||
        (tu = json_get(&d, 0, "url")) < 0 || (te = json_get(&d, 0, "expires_at")) < 0 ||
        json_str(&d, tc, code, sizeof(code)) < 0 || json_str(&d, tu, url, sizeof(url)) < 0 ||
        json_str(&d, te, expires, sizeof(expires)) < 0) {
        fprintf(stderr, "state-server: the server refused (HTTP %d): %.200s\n", status, body);
        return 1;
    }
    printf("Scan this with the phone that should be host, or open %s\n", url);
    char *art = qr_terminal_text(url);
    if (art) {
        fputs(art, stdout);
        free(art);
    }
    printf("code: %s (works once, until %s)\n", code, expires);
    return 0;
}

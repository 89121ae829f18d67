/* Hostile clients for `make abuse` (bench/abuse.sh): everything a misbehaving or
 * malicious device on the table's network could throw at the server, at once, on
 * 127.0.0.1 only, for a fixed time.
 *
 *   cap        unauthenticated upgrades held open until the server answers 503
 *   slowloris  request headers trickled one byte every 0.5 s, never finished
 *   garbage    random bytes instead of HTTP, and random bytes after an upgrade
 *   oversize   a frame header announcing 1 MiB (and one 16 KiB + 1 message)
 *   flood      upgraded connections sending messages as fast as the socket takes them
 *   tokens     upgrades with wrong tokens and join requests with wrong codes
 *
 * Prints one JSON object of counts. Every loop is bounded by --seconds and by
 * per-kind connection counts. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum { K_CAP, K_SLOW, K_GARBAGE, K_UPGARBAGE, K_OVERSIZE, K_BIGMSG, K_FLOOD, K_TOKEN, K_JOIN, K_N };
static const char *const kname[K_N] = {"cap", "slowloris", "garbage", "garbage_after_upgrade", "oversize_frame", "oversize_message",
                                       "flood", "wrong_token", "wrong_join_code"};

typedef struct {
    int fd;
    int kind;
    bool upgraded;
    int sent; /* slowloris: header bytes sent */
    char in[512];
    int inlen;
} sock_t;

#define MAXS 20000
static sock_t socks[MAXS];
static int nsocks;
static int ep, port;
static long opened[K_N], closed_by_server[K_N], refused_503[K_N], status_401[K_N], status_429[K_N], upgraded[K_N];
static long cap_held, msgs_flooded;
static int live[K_N];

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static sock_t *open_sock(int kind)
{
    int slot = -1;
    for (int i = 0; i < nsocks; i++)
        if (socks[i].fd < 0) {
            slot = i;
            break;
        }
    if (slot < 0) {
        if (nsocks >= MAXS)
            return NULL;
        slot = nsocks++;
    }
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (fd < 0)
        return NULL;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 && errno != EINPROGRESS) {
        close(fd);
        return NULL;
    }
    sock_t *s = &socks[slot];
    memset(s, 0, sizeof(*s));
    s->fd = fd;
    s->kind = kind;
    struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP, .data.u32 = (uint32_t)slot};
    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
    opened[kind]++;
    live[kind]++;
    return s;
}

static void close_sock(sock_t *s)
{
    if (s->fd < 0)
        return;
    epoll_ctl(ep, EPOLL_CTL_DEL, s->fd, NULL);
    close(s->fd);
    s->fd = -1;
    live[s->kind]--;
}

static void put(sock_t *s, const void *p, size_t n)
{
    /* Best effort: a hostile client does not care what is lost. */
    if (send(s->fd, p, n, MSG_NOSIGNAL | MSG_DONTWAIT) < 0 && errno != EAGAIN && errno != ENOTCONN && errno != EINPROGRESS)
        return;
}

static void masked_frame(sock_t *s, int op, const char *payload, size_t len, uint64_t claimed)
{
    uint8_t h[14];
    size_t n = 0;
    h[n++] = (uint8_t)(0x80 | op);
    uint64_t L = claimed ? claimed : len;
    if (L < 126) {
        h[n++] = (uint8_t)(0x80 | L);
    } else if (L < 65536) {
        h[n++] = 0x80 | 126;
        h[n++] = (uint8_t)(L >> 8);
        h[n++] = (uint8_t)L;
    } else {
        h[n++] = 0x80 | 127;
        for (int i = 7; i >= 0; i--)
            h[n++] = (uint8_t)(L >> (8 * i));
    }
    memset(h + n, 0, 4); /* zero mask: the payload goes as is */
    n += 4;
    put(s, h, n);
    if (len)
        put(s, payload, len);
}

static void upgrade(sock_t *s, const char *path)
{
    char req[512];
    int n = snprintf(req, sizeof(req),
                     "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                     "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
                     path, port);
    put(s, req, (size_t)n);
}

/* What to do once a socket's upgrade answer (or any first bytes) arrived. */
static void on_first_answer(sock_t *s)
{
    if (strncmp(s->in, "HTTP/1.1 503", 12) == 0)
        refused_503[s->kind]++;
    else if (strncmp(s->in, "HTTP/1.1 401", 12) == 0)
        status_401[s->kind]++;
    else if (strncmp(s->in, "HTTP/1.1 429", 12) == 0)
        status_429[s->kind]++;
    if (strncmp(s->in, "HTTP/1.1 101", 12) != 0)
        return;
    s->upgraded = true;
    upgraded[s->kind]++;
    static char junk[4096], big[16 * 1024 + 1];
    switch (s->kind) {
    case K_CAP:
        cap_held++;
        break;
    case K_UPGARBAGE:
        for (size_t i = 0; i < sizeof(junk); i++)
            junk[i] = (char)rand();
        put(s, junk, sizeof(junk));
        break;
    case K_OVERSIZE:
        masked_frame(s, 1, NULL, 0, 1 << 20); /* announces 1 MiB, sends none of it */
        break;
    case K_BIGMSG:
        memset(big, 'a', sizeof(big));
        masked_frame(s, 1, big, sizeof(big), 0);
        break;
    }
}

static void on_readable(sock_t *s)
{
    char buf[65536];
    for (int i = 0; i < 16; i++) {
        ssize_t r = recv(s->fd, buf, sizeof(buf), MSG_DONTWAIT);
        if (r == 0 || (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) {
            closed_by_server[s->kind]++;
            close_sock(s);
            return;
        }
        if (r < 0)
            return;
        if (s->inlen < (int)sizeof(s->in) - 1) {
            int take = (int)r < (int)sizeof(s->in) - 1 - s->inlen ? (int)r : (int)sizeof(s->in) - 1 - s->inlen;
            bool had_header = memmem(s->in, (size_t)s->inlen, "\r\n\r\n", 4) != NULL;
            memcpy(s->in + s->inlen, buf, (size_t)take);
            s->inlen += take;
            s->in[s->inlen] = 0;
            if (!had_header && memmem(s->in, (size_t)s->inlen, "\r\n\r\n", 4))
                on_first_answer(s);
        }
    }
}

int main(int argc, char **argv)
{
    double seconds = 20;
    int cap = 1000, slow = 200;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--port") == 0)
            port = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--seconds") == 0)
            seconds = atof(argv[i + 1]);
        else if (strcmp(argv[i], "--cap") == 0)
            cap = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--slowloris") == 0)
            slow = atoi(argv[i + 1]);
    }
    if (port <= 0 || seconds <= 0 || seconds > 3600 || cap < 200 || cap > 15000 || slow < 0 || slow > 2000) {
        fprintf(stderr, "usage: hostile --port P [--seconds S] [--cap N] [--slowloris N]\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    struct rlimit rl;
    getrlimit(RLIMIT_NOFILE, &rl);
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
    for (int i = 0; i < MAXS; i++)
        socks[i].fd = -1;
    ep = epoll_create1(0);
    srand(7);
    int64_t start = now_ms(), end = start + (int64_t)(seconds * 1000), next_tick = start, next_slow = start;
    int64_t cap_blocked_until = 0;
    while (now_ms() < end) {
        int64_t now = now_ms();
        if (now >= next_tick) {
            next_tick = now + 20;
            /* cap: for the first 60% of the time up to 150 below the cap, so the other
             * kinds reach the parser; then past the cap (to see the refusals). 50 new
             * ones a tick at most. */
            int cap_target = now < start + (end - start) * 6 / 10 ? cap - 150 : cap + 50;
            for (int k = 0; k < 50 && live[K_CAP] < cap_target && now >= cap_blocked_until; k++) {
                sock_t *s = open_sock(K_CAP);
                if (s)
                    upgrade(s, "/ws");
            }
            /* the others: a few new connections each tick, each kind bounded in number */
            if (live[K_GARBAGE] < 20) {
                sock_t *s = open_sock(K_GARBAGE);
                if (s) {
                    char junk[2048];
                    for (size_t i = 0; i < sizeof(junk); i++)
                        junk[i] = (char)rand();
                    put(s, junk, sizeof(junk));
                }
            }
            if (live[K_UPGARBAGE] < 20) {
                sock_t *s = open_sock(K_UPGARBAGE);
                if (s)
                    upgrade(s, "/ws");
            }
            if (live[K_OVERSIZE] < 20) {
                sock_t *s = open_sock(K_OVERSIZE);
                if (s)
                    upgrade(s, "/ws");
            }
            if (live[K_BIGMSG] < 20) {
                sock_t *s = open_sock(K_BIGMSG);
                if (s)
                    upgrade(s, "/ws");
            }
            if (live[K_TOKEN] < 20) {
                sock_t *s = open_sock(K_TOKEN);
                if (s) {
                    char path[64];
                    snprintf(path, sizeof(path), "/ws?token=wrong%08x", (unsigned)rand());
                    upgrade(s, path);
                }
            }
            if (live[K_JOIN] < 10) {
                sock_t *s = open_sock(K_JOIN);
                if (s) {
                    const char *body = "{\"code\":\"ZZZZZZ\"}";
                    char req[256];
                    int n = snprintf(req, sizeof(req),
                                     "POST /api/join HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                                     "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
                                     strlen(body), body);
                    put(s, req, (size_t)n);
                }
            }
            while (live[K_FLOOD] < 4) {
                sock_t *s = open_sock(K_FLOOD);
                if (!s)
                    break;
                upgrade(s, "/ws");
            }
            for (int i = 0; i < nsocks; i++) {
                sock_t *s = &socks[i];
                if (s->fd >= 0 && s->kind == K_FLOOD && s->upgraded)
                    for (int k = 0; k < 50; k++, msgs_flooded++)
                        masked_frame(s, 1, "{\"type\":\"heartbeat\"}", 20, 0);
            }
        }
        if (now >= next_slow) {
            next_slow = now + 500;
            static const char hdr[] = "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nX-Slow: ";
            while (live[K_SLOW] < slow) {
                if (!open_sock(K_SLOW))
                    break;
            }
            for (int i = 0; i < nsocks; i++) {
                sock_t *s = &socks[i];
                if (s->fd < 0 || s->kind != K_SLOW)
                    continue;
                char ch = s->sent < (int)sizeof(hdr) - 1 ? hdr[s->sent] : 'a';
                put(s, &ch, 1);
                s->sent++;
            }
        }
        struct epoll_event evs[256];
        int n = epoll_wait(ep, evs, 256, 5);
        for (int i = 0; i < n; i++) {
            sock_t *s = &socks[evs[i].data.u32];
            if (s->fd < 0)
                continue;
            on_readable(s);
            /* one-shot kinds close once answered */
            if (s->fd >= 0 && s->inlen > 0 && (s->kind == K_GARBAGE || s->kind == K_TOKEN || s->kind == K_JOIN) &&
                memmem(s->in, (size_t)s->inlen, "\r\n\r\n", 4)) {
                close_sock(s);
            }
            if (s->fd >= 0 && s->kind == K_CAP && refused_503[K_CAP] && !s->upgraded && s->inlen > 0) {
                close_sock(s); /* refused: drop it and back off a little */
                cap_blocked_until = now_ms() + 200;
            }
        }
    }
    printf("{\"seconds\":%.0f", seconds);
    for (int k = 0; k < K_N; k++)
        printf(",\"%s\":{\"opened\":%ld,\"upgraded\":%ld,\"closed_by_server\":%ld,\"503\":%ld,\"401\":%ld,\"429\":%ld}", kname[k],
               opened[k], upgraded[k], closed_by_server[k], refused_503[k], status_401[k], status_429[k]);
    printf(",\"cap_held_max\":%ld,\"flood_messages\":%ld}\n", cap_held, msgs_flooded);
    for (int i = 0; i < nsocks; i++)
        if (socks[i].fd >= 0)
            close(socks[i].fd);
    return 0;
}

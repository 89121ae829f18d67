/* Load generator for State Server and its peers (bench/).
 *
 * One thread, epoll, raw sockets. It opens N WebSocket connections to 127.0.0.1,
 * subscribes them to games, drives changes from host connections and measures, at
 * every recipient, the time from the send of a change to the arrival of the state
 * that carries it. The change carries its own send time (CLOCK_MONOTONIC, in
 * microseconds, as the game setting "bench_t"), so any recipient can compute its
 * latency without matching versions; sender and recipients share this process's
 * clock.
 *
 * Client frames are masked with one fixed key; the payload is masked once when the
 * message is built (a subscribe is built once for all connections).
 *
 * Dialects (--proto):
 *   ours      State Server: /ws, `connect` first, JSON envelopes (PROTOCOL.md).
 *   ws        bench/peers/ws-server.mjs: the same JSON envelopes on a plain `ws` server.
 *   sio       bench/peers/sio-server.mjs: Socket.IO over its engine.io WebSocket
 *             transport: `0{...}` open, `40{auth}` connect, `42[event,data]` events,
 *             `42N[...]`/`43N[...]` acks, `2`/`3` ping/pong.
 *   colyseus  bench/peers/colyseus-server.mjs: HTTP seat reservation
 *             (POST /matchmake/joinOrCreate/game), then the room socket; binary
 *             frames: JOIN_ROOM (10) answered with [10], ROOM_STATE (14) and
 *             ROOM_STATE_PATCH (15) carry the state, ROOM_DATA (13) carries
 *             messages (msgpack). The setting's value is the string "bt:<us>",
 *             found in the patch bytes as they arrive (schema strings are raw UTF-8).
 *
 * Output: one JSON object on stdout (and --json FILE); progress on stderr.
 * Every loop is bounded in count and time; every address is 127.0.0.1. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

enum { P_OURS, P_WS, P_SIO, P_COLY };
enum { R_HOST, R_P1, R_P2, R_OBS };
enum { S_FREE, S_CONNECTING, S_UPGRADING, S_WAIT, S_OPEN, S_READY, S_CLOSED }; /* S_WAIT: upgraded, no message yet */

#define MASK0 0x5a
#define MASK1 0x3c
#define MASK2 0x96
#define MASK3 0xe1
#define HIST_US 10          /* histogram bucket width */
#define HIST_N 1000000      /* 10 s of buckets; beyond goes to the last */
#define MAX_INFLIGHT_HS 256 /* connections in connect/upgrade at once */
#define QCAP 64

typedef struct {
    int fd;
    uint8_t st, role, driver, creator;
    int game;
    char *path;      /* upgrade path (kept for reconnects) */
    char *rb;        /* unparsed input */
    uint32_t rlen, rcap;
    char *wb;        /* unsent output */
    uint32_t wlen, wcap;
    int64_t last_t;  /* newest bench_t seen */
    int64_t q[QCAP]; /* send times of unanswered changes (drivers) */
    uint32_t qh, qn;
    int64_t next_send, last_send;
    int64_t hb_sent;
    uint32_t seq;
} conn_t;

typedef struct {
    uint32_t *b;
    uint64_t n;
    int64_t max;
    double sum;
} hist_t;

static struct {
    int proto;
    int port;
    int pid;
    int games, observers, players, drivers;
    double rate;       /* changes a second per game; 0 = as fast as allowed (closed loop) */
    double warmup, duration;
    bool idle;         /* capacity: connect and subscribe, send nothing */
    bool start;        /* ours: start every game once all are ready, so a clock runs (the checkpoint cost) */
    double hb_rate;    /* heartbeats a second on each driver (ours): round-trip latency */
    double churn;      /* fraction of phones (players, observers) reconnected every 10 s */
    double rss_every;  /* print the server's RSS every this many seconds */
    const char *label;
    const char *json;
    const char *token; /* host token for ours (else loopback trust) */
    const char *on_window; /* shell command run as the measured window opens ... */
    const char *on_end;    /* ... and after it and its drain (callgrind_control) */
    int max_closed_ok;
} opt = {.proto = P_OURS, .games = 1, .observers = 10, .drivers = 1, .rate = 1, .warmup = 2, .duration = 10,
         .label = "run"};

static conn_t *conns;
static int nconns;
static int ep;
static char **game_ids;
static char **tokens; /* ours with roles: per game [p1, p2, observer] */
static hist_t h_deliv, h_ack, h_hb;
static int64_t win_start = INT64_MAX, win_end = INT64_MAX;
static uint64_t n_changes, n_acks, n_errors, n_closed, n_reconnects, n_ready, n_sent_hb;
static uint64_t bytes_in;
static int inflight_hs;

static int64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "loadgen: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    exit(1);
}

static void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n);
    if (!p && n)
        die("out of memory");
    return p;
}

static void hist_add(hist_t *h, int64_t us)
{
    if (us < 0)
        us = 0;
    uint64_t i = (uint64_t)us / HIST_US;
    if (i >= HIST_N)
        i = HIST_N - 1;
    h->b[i]++;
    h->n++;
    h->sum += (double)us;
    if (us > h->max)
        h->max = us;
}

static double hist_pct(const hist_t *h, double p)
{
    if (h->n == 0)
        return 0;
    uint64_t want = (uint64_t)(p * (double)h->n + 0.999999), acc = 0;
    if (want < 1)
        want = 1;
    for (uint64_t i = 0; i < HIST_N; i++) {
        acc += h->b[i];
        if (acc >= want)
            return (double)(i * HIST_US + HIST_US / 2) / 1000.0;
    }
    return (double)h->max / 1000.0;
}

/* ---- /proc -------------------------------------------------------------- */

static long proc_rss_kb(int pid)
{
    char path[64], line[256];
    snprintf(path, sizeof(path), "/proc/%d/status", pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    long kb = -1;
    while (fgets(line, sizeof(line), f))
        if (strncmp(line, "VmRSS:", 6) == 0)
            kb = strtol(line + 6, NULL, 10);
    fclose(f);
    return kb;
}

static double proc_cpu_s(int pid)
{
    char path[64], buf[1024];
    snprintf(path, sizeof(path), "/proc/%d/stat", pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = 0;
    char *p = strrchr(buf, ')'); /* the command name may hold spaces */
    if (!p)
        return -1;
    unsigned long ut = 0, st = 0;
    /* after ")": state(3) ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime(14) stime(15) */
    if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2)
        return -1;
    return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

/* ---- output buffers ----------------------------------------------------- */

static void conn_write(conn_t *c, const void *p, size_t n);

static void conn_queue(conn_t *c, const void *p, size_t n)
{
    if (c->wlen + n > c->wcap) {
        c->wcap = (uint32_t)((c->wlen + n) * 2);
        c->wb = xrealloc(c->wb, c->wcap);
    }
    memcpy(c->wb + c->wlen, p, n);
    c->wlen += (uint32_t)n;
    struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT, .data.u32 = (uint32_t)(c - conns)};
    epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
}

static void conn_write(conn_t *c, const void *p, size_t n)
{
    if (c->fd < 0)
        return;
    if (c->wlen) {
        conn_queue(c, p, n);
        return;
    }
    ssize_t w = send(c->fd, p, n, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (w < 0) {
        if (errno != EAGAIN && errno != EWOULDBLOCK)
            return; /* the read side sees the error */
        w = 0;
    }
    if ((size_t)w < n)
        conn_queue(c, (const char *)p + w, n - (size_t)w);
}

/* Sends one masked frame. */
static void ws_send(conn_t *c, int opcode, const void *payload, size_t len)
{
    static uint8_t fr[20000];
    if (len > sizeof(fr) - 16)
        die("frame too long");
    size_t h = 0;
    fr[h++] = (uint8_t)(0x80 | opcode);
    if (len < 126) {
        fr[h++] = (uint8_t)(0x80 | len);
    } else {
        fr[h++] = 0x80 | 126;
        fr[h++] = (uint8_t)(len >> 8);
        fr[h++] = (uint8_t)len;
    }
    static const uint8_t m[4] = {MASK0, MASK1, MASK2, MASK3};
    memcpy(fr + h, m, 4);
    h += 4;
    const uint8_t *s = payload;
    for (size_t i = 0; i < len; i++)
        fr[h + i] = s[i] ^ m[i & 3];
    conn_write(c, fr, h + len);
}

static void ws_text(conn_t *c, const char *s)
{
    ws_send(c, 1, s, strlen(s));
}

/* ---- blocking HTTP (set-up only) ---------------------------------------- */

static int tcp_connect(bool nonblock)
{
    int fd = socket(AF_INET, SOCK_STREAM | (nonblock ? SOCK_NONBLOCK : 0), 0);
    if (fd < 0)
        die("socket: %s", strerror(errno));
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)opt.port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 && errno != EINPROGRESS) {
        close(fd);
        return -1;
    }
    return fd;
}

/* POSTs body to path and returns the response body (static buffer) or NULL. */
static char *http_post(const char *path, const char *body)
{
    static char resp[65536];
    for (int attempt = 0; attempt < 5; attempt++) {
        int fd = tcp_connect(false);
        if (fd < 0) {
            usleep(100000);
            continue;
        }
        struct timeval tv = {10, 0};
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
        char req[4096];
        int n = snprintf(req, sizeof(req),
                         "POST %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nContent-Type: application/json\r\n%s%s%s"
                         "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
                         path, opt.port, opt.token ? "Authorization: Bearer " : "", opt.token ? opt.token : "",
                         opt.token ? "\r\n" : "", strlen(body), body);
        if (write(fd, req, (size_t)n) != n) {
            close(fd);
            continue;
        }
        size_t got = 0;
        for (int i = 0; i < 1000 && got < sizeof(resp) - 1; i++) {
            ssize_t r = read(fd, resp + got, sizeof(resp) - 1 - got);
            if (r <= 0)
                break;
            got += (size_t)r;
        }
        close(fd);
        resp[got] = 0;
        char *b = strstr(resp, "\r\n\r\n");
        if (!b)
            continue;
        if (strncmp(resp, "HTTP/1.1 2", 10) != 0) {
            fprintf(stderr, "loadgen: POST %s: %.200s\n", path, resp);
            return NULL;
        }
        /* Chunked bodies (Node) carry a size line first: the JSON starts at '{'. */
        char *j = strchr(b + 4, '{');
        return j ? j : b + 4;
    }
    return NULL;
}

/* Copies the string value of "key" in json into out. */
static bool json_str_field(const char *json, const char *key, char *out, size_t cap)
{
    char pat[64];
    snprintf(pat, sizeof(pat), "\"%s\":\"", key);
    const char *p = strstr(json, pat);
    if (!p)
        return false;
    p += strlen(pat);
    size_t i = 0;
    while (*p && *p != '"' && i + 1 < cap)
        out[i++] = *p++;
    out[i] = 0;
    return *p == '"';
}

/* ---- connections -------------------------------------------------------- */

static const char *role_name(int r)
{
    return r == R_HOST ? "host" : r == R_OBS ? "observer" : "player";
}

static void conn_start(conn_t *c)
{
    char path[1024];
    const char *g = game_ids[c->game];
    if (opt.proto == P_COLY) {
        /* Seat reservation, then the room socket. The first host of a game creates
         * the room (filterBy game_id). */
        char body[512], *resp;
        snprintf(body, sizeof(body), "{\"game_id\":\"%s\",\"role\":\"%s\",\"player_number\":%d,\"player1_name\":\"Ana\",\"player2_name\":\"Ben\"}", g,
                 role_name(c->role), c->role == R_P1 ? 1 : c->role == R_P2 ? 2 : 0);
        resp = http_post("/matchmake/joinOrCreate/game", body);
        char room[64], proc[64], sid[64];
        if (!resp || !json_str_field(resp, "roomId", room, sizeof(room)) || !json_str_field(resp, "processId", proc, sizeof(proc)) ||
            !json_str_field(resp, "sessionId", sid, sizeof(sid)))
            die("colyseus seat reservation failed: %s", resp ? resp : "(no answer)");
        snprintf(path, sizeof(path), "/%s/%s?sessionId=%s", proc, room, sid);
        free(c->path);
        c->path = strdup(path);
    }
    c->fd = tcp_connect(true);
    if (c->fd < 0)
        die("connect to 127.0.0.1:%d failed: %s", opt.port, strerror(errno));
    c->st = S_CONNECTING;
    c->rlen = c->wlen = 0;
    c->qn = 0;
    inflight_hs++;
    char req[1400];
    int n = snprintf(req, sizeof(req),
                     "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                     "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
                     c->path, opt.port);
    struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT, .data.u32 = (uint32_t)(c - conns)};
    if (epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev) != 0)
        die("epoll_ctl: %s", strerror(errno));
    conn_queue(c, req, (size_t)n); /* goes out once connected */
}

static void conn_close(conn_t *c)
{
    if (c->fd >= 0) {
        epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
        close(c->fd);
    }
    if (c->st == S_CONNECTING || c->st == S_UPGRADING)
        inflight_hs--;
    if (c->st == S_READY)
        n_ready--;
    c->fd = -1;
    c->st = S_CLOSED;
    free(c->rb);
    c->rb = NULL;
    c->rlen = c->rcap = 0;
    c->wlen = 0;
}

static void send_create(conn_t *c)
{
    char m[600];
    const char *g = game_ids[c->game];
    const char *st = "{\"game_id\":\"%s\",\"players\":[{\"player_number\":1,\"name\":\"Ana\"},{\"player_number\":2,\"name\":\"Ben\"}]}";
    char state[300];
    snprintf(state, sizeof(state), st, g);
    if (opt.proto == P_SIO)
        snprintf(m, sizeof(m), "42[\"game_state\",{\"game_id\":\"%s\",\"id\":\"c\",\"data\":%s}]", g, state);
    else
        snprintf(m, sizeof(m), "{\"type\":\"game_state\",\"game_id\":\"%s\",\"id\":\"c\",\"data\":%s}", g, state);
    ws_text(c, m);
}

static void send_subscribe(conn_t *c)
{
    char m[200];
    const char *g = game_ids[c->game];
    if (opt.proto == P_SIO)
        snprintf(m, sizeof(m), "42[\"subscribe\",{\"game_id\":\"%s\"}]", g);
    else
        snprintf(m, sizeof(m), "{\"type\":\"subscribe\",\"game_id\":\"%s\"}", g);
    ws_text(c, m);
}

/* The connection is open at the protocol level: create, subscribe or just wait. */
static void on_open(conn_t *c)
{
    c->st = S_OPEN;
    if (opt.proto == P_COLY)
        return; /* joining the room subscribed it; ready at ROOM_STATE */
    if (c->creator)
        send_create(c);
    else if (c->driver)
        c->st = S_READY, n_ready++; /* extra drivers only send */
    else
        send_subscribe(c);
}

static void send_change(conn_t *c, int64_t t)
{
    char m[300];
    const char *g = game_ids[c->game];
    c->seq++;
    if (opt.proto == P_COLY) {
        uint8_t b[128];
        size_t n = 0;
        b[n++] = 13; /* ROOM_DATA */
        b[n++] = 0xa0 | 15;
        memcpy(b + n, "settings_update", 15), n += 15;
        b[n++] = 0x81; /* map of 1 */
        b[n++] = 0xa0 | 7;
        memcpy(b + n, "bench_t", 7), n += 7;
        char v[40];
        int vl = snprintf(v, sizeof(v), "bt:%lld", (long long)t);
        b[n++] = (uint8_t)(0xa0 | vl);
        memcpy(b + n, v, (size_t)vl), n += (size_t)vl;
        ws_send(c, 2, b, n);
    } else if (opt.proto == P_SIO) {
        snprintf(m, sizeof(m), "42%u[\"settings_update\",{\"game_id\":\"%s\",\"id\":\"r%u\",\"data\":{\"bench_t\":%lld}}]", c->seq, g,
                 c->seq, (long long)t);
        ws_text(c, m);
    } else {
        snprintf(m, sizeof(m), "{\"type\":\"settings_update\",\"game_id\":\"%s\",\"id\":\"r%u\",\"data\":{\"bench_t\":%lld}}", g, c->seq,
                 (long long)t);
        ws_text(c, m);
    }
    if (c->qn < QCAP)
        c->q[(c->qh + c->qn++) % QCAP] = t;
    c->last_send = t;
    if (t >= win_start && t < win_end)
        n_changes++;
}

static void on_ack(conn_t *c, int64_t now, bool error)
{
    if (c->qn == 0)
        return;
    int64_t t = c->q[c->qh];
    c->qh = (c->qh + 1) % QCAP;
    c->qn--;
    if (t >= win_start && t < win_end) {
        if (error)
            n_errors++;
        else {
            n_acks++;
            hist_add(&h_ack, now - t);
        }
    }
}

static void on_state(conn_t *c, int64_t t, int64_t now)
{
    if (c->st == S_OPEN) {
        c->st = S_READY;
        n_ready++;
    }
    if (t <= 0 || t == c->last_t)
        return;
    c->last_t = t;
    if (t >= win_start && t < win_end)
        hist_add(&h_deliv, now - t);
}

static int64_t find_t(const char *p, size_t n, const char *key)
{
    const char *k = memmem(p, n, key, strlen(key));
    if (!k)
        return 0;
    k += strlen(key);
    const char *e = p + n;
    int64_t v = 0;
    while (k < e && *k >= '0' && *k <= '9')
        v = v * 10 + (*k++ - '0');
    return v;
}

static void on_message(conn_t *c, int op, char *p, size_t n, int64_t now)
{
    if (opt.proto == P_COLY) {
        if (op != 2 || n == 0)
            return;
        uint8_t code = (uint8_t)p[0];
        if (code == 10) { /* JOIN_ROOM: confirm */
            uint8_t b = 10;
            ws_send(c, 2, &b, 1);
            on_open(c);
        } else if (code == 14 || code == 15) {
            on_state(c, find_t(p, n, "bt:"), now);
        } else if (code == 13 && n > 4 && memcmp(p + 1, "\xa3" "ack", 4) == 0) {
            on_ack(c, now, false);
        } else if (code == 11) {
            fprintf(stderr, "loadgen: colyseus error %.*s\n", (int)(n > 80 ? 80 : n), p);
        }
        return;
    }
    if (op != 1)
        return;
    if (opt.proto == P_SIO) {
        if (n >= 1 && p[0] == '2' && (n == 1 || p[1] != '3')) { /* engine.io ping (not "2" of "2..." packets: those are "42") */
            if (n == 1) {
                ws_text(c, "3");
                return;
            }
        }
        if (n >= 1 && p[0] == '0') { /* engine.io open */
            char m[200];
            snprintf(m, sizeof(m), "40{\"role\":\"%s\",\"game_id\":\"%s\",\"player_number\":%d}", role_name(c->role), game_ids[c->game],
                     c->role == R_P1 ? 1 : c->role == R_P2 ? 2 : 0);
            ws_text(c, m);
            return;
        }
        if (n >= 2 && p[0] == '4' && p[1] == '0') {
            on_open(c);
            return;
        }
        if (n >= 2 && p[0] == '4' && p[1] == '3') {
            on_ack(c, now, memmem(p, n, "\"error\"", 7) != NULL);
            return;
        }
        if (n > 15 && memcmp(p, "42[\"game_state\"", 15) == 0)
            on_state(c, find_t(p, n, "\"bench_t\":"), now);
        return;
    }
    /* ours and ws: the type is the first field the server writes */
    if (n > 20 && memcmp(p, "{\"type\":\"game_state\"", 20) == 0) {
        on_state(c, find_t(p, n, "\"bench_t\":"), now);
    } else if (n > 13 && memcmp(p, "{\"type\":\"ack\"", 13) == 0) {
        if (memmem(p, n, "\"ref\":\"r", 8))
            on_ack(c, now, false);
        else if (c->st == S_OPEN && memmem(p, n, "\"ref\":\"c\"", 9))
            on_state(c, 0, now); /* the game exists (its state may come first, later or, when
                                    every change commits on its own, not at all) */
    } else if (n > 15 && memcmp(p, "{\"type\":\"error\"", 15) == 0) {
        if (memmem(p, n, "\"ref\":\"r", 8) || memmem(p, n, "rate_limited", 12))
            on_ack(c, now, true);
        else if (opt.proto == P_OURS)
            fprintf(stderr, "loadgen: %.*s\n", (int)(n > 200 ? 200 : n), p);
    } else if (n > 17 && memcmp(p, "{\"type\":\"connect\"", 17) == 0) {
        if (c->st == S_WAIT)
            on_open(c);
    } else if (n > 19 && memcmp(p, "{\"type\":\"heartbeat\"", 19) == 0) {
        if (c->hb_sent) {
            if (now >= win_start && now < win_end + 1000000)
                hist_add(&h_hb, now - c->hb_sent);
            c->hb_sent = 0;
        }
    }
}

/* Parses whole frames out of c->rb-like data; returns bytes used. */
static size_t parse_frames(conn_t *c, char *p, size_t n, int64_t now)
{
    size_t off = 0;
    while (c->fd >= 0 && n - off >= 2) {
        uint8_t *b = (uint8_t *)p + off;
        int op = b[0] & 0x0f;
        uint64_t len = b[1] & 0x7f;
        size_t h = 2;
        if (len == 126) {
            if (n - off < 4)
                break;
            len = ((uint64_t)b[2] << 8) | b[3];
            h = 4;
        } else if (len == 127) {
            if (n - off < 10)
                break;
            len = 0;
            for (int i = 0; i < 8; i++)
                len = (len << 8) | b[2 + i];
            h = 10;
        }
        if (b[1] & 0x80)
            h += 4; /* a server must not mask, but skip the key if it does */
        if (n - off < h + len)
            break;
        char *pl = p + off + h;
        off += h + (size_t)len;
        if (op == 0x9) {
            ws_send(c, 0xA, pl, (size_t)len);
        } else if (op == 0x8) {
            conn_close(c);
            n_closed++;
            return off;
        } else if (op == 1 || op == 2) {
            on_message(c, op, pl, (size_t)len, now);
        }
    }
    return off;
}

static void on_readable(conn_t *c, int64_t now)
{
    static char buf[1 << 18];
    for (int rounds = 0; rounds < 8 && c->fd >= 0; rounds++) {
        ssize_t r = recv(c->fd, buf, sizeof(buf), MSG_DONTWAIT);
        if (r == 0 || (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
            if (c->st != S_CLOSED) {
                conn_close(c);
                n_closed++;
            }
            return;
        }
        if (r < 0)
            return;
        bytes_in += (uint64_t)r;
        char *p = buf;
        size_t n = (size_t)r;
        if (c->rlen) {
            if (c->rlen + n > c->rcap) {
                c->rcap = (uint32_t)(c->rlen + n);
                c->rb = xrealloc(c->rb, c->rcap);
            }
            memcpy(c->rb + c->rlen, buf, n);
            p = c->rb;
            n = c->rlen + n;
        }
        size_t used = 0;
        if (c->st == S_CONNECTING || c->st == S_UPGRADING) {
            char *e = memmem(p, n, "\r\n\r\n", 4);
            if (!e) {
                used = 0;
                goto keep;
            }
            if (n < 12 || memcmp(p + 9, "101", 3) != 0) {
                fprintf(stderr, "loadgen: upgrade refused: %.60s\n", p);
                conn_close(c);
                n_closed++;
                return;
            }
            inflight_hs--;
            c->st = S_WAIT;
            used = (size_t)(e + 4 - p); /* then wait for the server's first message */
            c->rlen = 0; /* the data now parsed starts after the header */
        }
        used += parse_frames(c, p + used, n - used, now);
        if (c->fd < 0)
            return;
    keep:
        if (used < n) {
            size_t rest = n - used;
            if (p == c->rb) {
                memmove(c->rb, c->rb + used, rest);
            } else {
                if (rest > c->rcap) {
                    c->rcap = (uint32_t)rest;
                    c->rb = xrealloc(c->rb, c->rcap);
                }
                memcpy(c->rb, p + used, rest);
            }
            c->rlen = (uint32_t)rest;
        } else {
            c->rlen = 0;
            if (c->rcap > 65536) {
                free(c->rb);
                c->rb = NULL;
                c->rcap = 0;
            }
        }
        if ((size_t)r < sizeof(buf))
            return;
    }
}

static void on_writable(conn_t *c)
{
    if (c->st == S_CONNECTING) {
        int err = 0;
        socklen_t l = sizeof(err);
        getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &l);
        if (err) {
            fprintf(stderr, "loadgen: connect: %s\n", strerror(err));
            conn_close(c);
            n_closed++;
            return;
        }
        c->st = S_UPGRADING;
    }
    if (c->wlen) {
        ssize_t w = send(c->fd, c->wb, c->wlen, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (w > 0) {
            memmove(c->wb, c->wb + w, c->wlen - (size_t)w);
            c->wlen -= (uint32_t)w;
        }
    }
    if (c->wlen == 0) {
        struct epoll_event ev = {.events = EPOLLIN, .data.u32 = (uint32_t)(c - conns)};
        epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
    }
}

static void poll_once(int timeout_ms)
{
    struct epoll_event evs[512];
    int n = epoll_wait(ep, evs, 512, timeout_ms);
    int64_t now = now_us();
    for (int i = 0; i < n; i++) {
        conn_t *c = &conns[evs[i].data.u32];
        if (c->fd < 0)
            continue;
        if (evs[i].events & (EPOLLOUT | EPOLLERR))
            on_writable(c);
        if (c->fd >= 0 && (evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
            on_readable(c, now);
    }
}

/* Runs the loop until pred() or the deadline; returns pred(). */
static bool run_until(bool (*pred)(void), double seconds)
{
    int64_t end = now_us() + (int64_t)(seconds * 1e6);
    while (now_us() < end) {
        if (pred())
            return true;
        poll_once(10);
    }
    return pred();
}

static int target_ready;
static bool ready_pred(void)
{
    return (int)n_ready >= target_ready;
}

/* ---- the workload ------------------------------------------------------- */

static void make_tokens(void)
{
    tokens = calloc((size_t)opt.games * 3, sizeof(char *));
    for (int g = 0; g < opt.games; g++) {
        for (int k = 0; k < 3; k++) {
            if (k < 2 && opt.players == 0)
                continue;
            if (k == 2 && opt.observers == 0)
                continue;
            char path[128], body[128], code[32];
            snprintf(path, sizeof(path), "/api/games/%s/invites", game_ids[g]);
            snprintf(body, sizeof(body), k < 2 ? "{\"role\":\"player\",\"player_number\":%d}" : "{\"role\":\"observer\"}", k + 1);
            char *r = http_post(path, body);
            if (!r || !json_str_field(r, "code", code, sizeof(code)))
                die("invite for %s failed", game_ids[g]);
            tokens[g * 3 + k] = strdup(code); /* a code, exchanged per connection below */
        }
    }
}

static char *join_token(const char *code)
{
    char body[64], tok[128];
    snprintf(body, sizeof(body), "{\"code\":\"%s\"}", code);
    char *r = http_post("/api/join", body);
    if (!r || !json_str_field(r, "token", tok, sizeof(tok)))
        die("join with %s failed", code);
    return strdup(tok);
}

static void set_path(conn_t *c)
{
    char path[512];
    const char *g = game_ids[c->game];
    switch (opt.proto) {
    case P_OURS:
        if (c->role == R_HOST || !tokens) {
            snprintf(path, sizeof(path), opt.token ? "/ws?token=%s" : "/ws", opt.token);
        } else {
            char *tok = join_token(tokens[c->game * 3 + (c->role == R_P1 ? 0 : c->role == R_P2 ? 1 : 2)]);
            snprintf(path, sizeof(path), "/ws?token=%s", tok);
            free(tok);
        }
        break;
    case P_WS:
        snprintf(path, sizeof(path), "/ws?role=%s&game_id=%s&player_number=%d", role_name(c->role), g,
                 c->role == R_P1 ? 1 : c->role == R_P2 ? 2 : 0);
        break;
    case P_SIO:
        snprintf(path, sizeof(path), "/socket.io/?EIO=4&transport=websocket");
        break;
    default:
        path[0] = 0; /* made at each join */
    }
    c->path = strdup(path);
}

static double self_cpu_win; /* the load generator's own CPU time in the window */
static double self_cpu_s(void)
{
    return self_cpu_win;
}

static double rusage_s(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_stime.tv_sec + (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static void emit_json(FILE *f, double dur, long rss0, long rss1, double cpu)
{
    fprintf(f,
            "{\"label\":\"%s\",\"connections\":%d,\"ready\":%llu,\"games\":%d,\"changes\":%llu,\"acks\":%llu,\"errors\":%llu,"
            "\"deliveries\":%llu,\"deliveries_per_s\":%.1f,\"changes_per_s\":%.1f,\"acks_per_s\":%.1f,"
            "\"lat_p50_ms\":%.3f,\"lat_p99_ms\":%.3f,\"lat_max_ms\":%.3f,\"lat_mean_ms\":%.3f,"
            "\"ack_p50_ms\":%.3f,\"ack_p99_ms\":%.3f,\"ack_max_ms\":%.3f,"
            "\"hb_n\":%llu,\"hb_p50_ms\":%.3f,\"hb_p99_ms\":%.3f,\"hb_max_ms\":%.3f,"
            "\"server_rss_base_kb\":%ld,\"server_rss_kb\":%ld,\"rss_per_conn_bytes\":%.0f,\"server_cpu_s\":%.2f,"
            "\"server_cpu_per_s\":%.3f,\"loadgen_cpu_per_s\":%.3f,\"closed\":%llu,\"reconnects\":%llu,\"duration_s\":%.1f}\n",
            opt.label, nconns, (unsigned long long)n_ready, opt.games, (unsigned long long)n_changes, (unsigned long long)n_acks,
            (unsigned long long)n_errors, (unsigned long long)h_deliv.n, (double)h_deliv.n / dur, (double)n_changes / dur,
            (double)n_acks / dur, hist_pct(&h_deliv, 0.5), hist_pct(&h_deliv, 0.99), (double)h_deliv.max / 1000.0,
            h_deliv.n ? h_deliv.sum / (double)h_deliv.n / 1000.0 : 0, hist_pct(&h_ack, 0.5), hist_pct(&h_ack, 0.99),
            (double)h_ack.max / 1000.0, (unsigned long long)h_hb.n, hist_pct(&h_hb, 0.5), hist_pct(&h_hb, 0.99),
            (double)h_hb.max / 1000.0, rss0, rss1, nconns > 0 && rss0 > 0 ? (double)(rss1 - rss0) * 1024.0 / (double)nconns : 0,
            cpu, cpu / dur, self_cpu_s() / dur, (unsigned long long)n_closed, (unsigned long long)n_reconnects, dur);
}

/* Sends what is due: paced per game (--rate) or closed loop per driver (--rate 0). */
static void drive(int64_t now, int64_t stop_at)
{
    for (int i = 0; i < nconns; i++) {
        conn_t *c = &conns[i];
        if (!c->driver || c->st != S_READY)
            continue;
        if (now >= stop_at)
            continue;
        if (opt.rate > 0) {
            if (now >= c->next_send) {
                send_change(c, now);
                c->next_send += (int64_t)(1e6 * opt.drivers / opt.rate);
                if (c->next_send < now - 1000000)
                    c->next_send = now; /* do not burst to catch up after a stall */
            }
        } else if (c->qn < 4 && now - c->last_send >= 52000) {
            send_change(c, now); /* at most 4 in flight and under 20 a second */
        }
    }
}

static void heartbeats(int64_t now)
{
    static int64_t next;
    if (opt.hb_rate <= 0 || now < next)
        return;
    next = now + (int64_t)(1e6 / opt.hb_rate);
    for (int i = 0; i < nconns; i++) {
        conn_t *c = &conns[i];
        if (!c->driver || c->st != S_READY)
            continue;
        if (c->hb_sent && now - c->hb_sent < 5000000)
            continue;
        c->hb_sent = now;
        n_sent_hb++;
        ws_text(c, "{\"type\":\"heartbeat\",\"id\":\"h\"}");
    }
}

/* Phones that sleep and come back: every 10 s the phones closed 10 s earlier
 * reconnect (same token, subscribe again) and another --churn fraction closes. */
static void churn(int64_t now)
{
    static int64_t next;
    if (opt.churn <= 0)
        return;
    if (next == 0)
        next = now + 10000000;
    if (now < next)
        return;
    next = now + 10000000;
    for (int i = 0; i < nconns; i++) {
        conn_t *c = &conns[i];
        if (c->st == S_CLOSED && !c->driver) {
            int64_t end = now_us() + 10000000;
            while (inflight_hs >= MAX_INFLIGHT_HS && now_us() < end)
                poll_once(5);
            conn_start(c);
            n_reconnects++;
        }
    }
    for (int i = 0; i < nconns; i++) {
        conn_t *c = &conns[i];
        if (!c->driver && c->st == S_READY && (double)rand() / RAND_MAX < opt.churn)
            conn_close(c);
    }
}

static void usage(void)
{
    fprintf(stderr, "usage: loadgen --port P [--proto ours|ws|sio|colyseus] [--pid PID] [--games G] [--observers O]\n"
                    "               [--players 0|2] [--drivers D] [--rate R] [--warmup S] [--duration S] [--idle]\n"
                    "               [--heartbeat HZ] [--churn FRACTION] [--rss-every S] [--token T] [--label L] [--json FILE]\n"
                    "               [--on-window CMD] [--on-end CMD] [--start]\n");
    exit(2);
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
#define ARG(name) (strcmp(a, name) == 0 && v && ++i)
        if (ARG("--port"))
            opt.port = atoi(v);
        else if (ARG("--proto"))
            opt.proto = strcmp(v, "ours") == 0 ? P_OURS : strcmp(v, "ws") == 0 ? P_WS : strcmp(v, "sio") == 0 ? P_SIO : P_COLY;
        else if (ARG("--pid"))
            opt.pid = atoi(v);
        else if (ARG("--games"))
            opt.games = atoi(v);
        else if (ARG("--observers"))
            opt.observers = atoi(v);
        else if (ARG("--players"))
            opt.players = atoi(v);
        else if (ARG("--drivers"))
            opt.drivers = atoi(v);
        else if (ARG("--rate"))
            opt.rate = atof(v);
        else if (ARG("--warmup"))
            opt.warmup = atof(v);
        else if (ARG("--duration"))
            opt.duration = atof(v);
        else if (ARG("--heartbeat"))
            opt.hb_rate = atof(v);
        else if (ARG("--churn"))
            opt.churn = atof(v);
        else if (ARG("--rss-every"))
            opt.rss_every = atof(v);
        else if (ARG("--token"))
            opt.token = v;
        else if (ARG("--on-window"))
            opt.on_window = v;
        else if (ARG("--on-end"))
            opt.on_end = v;
        else if (ARG("--label"))
            opt.label = v;
        else if (ARG("--json"))
            opt.json = v;
        else if (strcmp(a, "--idle") == 0)
            opt.idle = true;
        else if (strcmp(a, "--start") == 0)
            opt.start = true;
        else
            usage();
    }
    if (opt.port <= 0 || opt.games < 1 || opt.drivers < 1 || opt.games > 100000)
        usage();
    signal(SIGPIPE, SIG_IGN);
    struct rlimit rl;
    getrlimit(RLIMIT_NOFILE, &rl);
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
    h_deliv.b = calloc(HIST_N, 4);
    h_ack.b = calloc(HIST_N, 4);
    h_hb.b = calloc(HIST_N, 4);
    ep = epoll_create1(0);
    srand(12345);

    int per_game = opt.drivers + opt.players + opt.observers;
    nconns = opt.games * per_game;
    if ((rlim_t)nconns + 64 > rl.rlim_cur)
        die("%d connections need a higher ulimit -n (have %llu)", nconns, (unsigned long long)rl.rlim_cur);
    conns = calloc((size_t)nconns, sizeof(conn_t));
    game_ids = calloc((size_t)opt.games, sizeof(char *));
    char gid[32];
    for (int g = 0; g < opt.games; g++) {
        snprintf(gid, sizeof(gid), "bench-%d-%d", g, (int)(getpid() % 100000));
        game_ids[g] = strdup(gid);
    }
    /* Layout: game-major, drivers first (the first creates the game). */
    for (int g = 0, k = 0; g < opt.games; g++)
        for (int j = 0; j < per_game; j++, k++) {
            conn_t *c = &conns[k];
            c->fd = -1;
            c->game = g;
            c->driver = j < opt.drivers;
            c->creator = j == 0;
            c->role = j < opt.drivers ? R_HOST : j - opt.drivers < opt.players ? (j - opt.drivers == 0 ? R_P1 : R_P2) : R_OBS;
        }

    /* 1. Creators connect and create their games. */
    long rss_base = opt.pid ? proc_rss_kb(opt.pid) : -1;
    for (int g = 0; g < opt.games; g++)
        set_path(&conns[g * per_game]);
    {
        int64_t end = now_us() + 60000000;
        for (int g = 0; g < opt.games && now_us() < end; g++) {
            while (inflight_hs >= MAX_INFLIGHT_HS && now_us() < end)
                poll_once(5);
            conn_start(&conns[g * per_game]);
        }
    }
    target_ready = opt.games;
    if (!run_until(ready_pred, 60))
        die("only %llu of %d games were created", (unsigned long long)n_ready, opt.games);
    fprintf(stderr, "loadgen[%s]: %d games created\n", opt.label, opt.games);
    if (opt.proto == P_OURS && opt.players + opt.observers > 0 && opt.players > 0)
        make_tokens();
    if (opt.pid && opt.idle)
        rss_base = proc_rss_kb(opt.pid); /* capacity: the baseline holds the games, not the connections */

    /* 2. Everyone else: tokens (ours with roles), then connect and subscribe. */
    int64_t t_conn = now_us();
    for (int k = 0; k < nconns; k++)
        if (!conns[k].creator)
            set_path(&conns[k]);
    for (int k = 0; k < nconns;) {
        /* open the non-creators in chunks, keeping handshakes bounded */
        int to = k;
        while (to < nconns && to - k < 1000)
            to++;
        for (int j = k; j < to; j++) {
            if (conns[j].creator)
                continue;
            int64_t end = now_us() + 60000000;
            while (inflight_hs >= MAX_INFLIGHT_HS && now_us() < end)
                poll_once(5);
            conn_start(&conns[j]);
        }
        k = to;
    }
    target_ready = nconns;
    bool all = run_until(ready_pred, 120);
    fprintf(stderr, "loadgen[%s]: %llu of %d connections ready in %.1f s\n", opt.label, (unsigned long long)n_ready, nconns,
            (double)(now_us() - t_conn) / 1e6);
    if (!all && (double)n_ready < 0.99 * nconns)
        die("too few connections came up");

    /* The first player's clock starts running and stays running: nothing else is sent. */
    if (opt.start && opt.proto == P_OURS) {
        for (int i = 0; i < nconns; i++) {
            if (!conns[i].creator)
                continue;
            char m[200];
            snprintf(m, sizeof(m), "{\"type\":\"game_start\",\"game_id\":\"%s\"}", game_ids[conns[i].game]);
            ws_text(&conns[i], m);
        }
    }

    /* 3. Warm-up, then the measured window, then a drain for late deliveries. */
    int64_t now = now_us();
    for (int i = 0; i < nconns; i++) {
        conn_t *c = &conns[i];
        c->next_send = now + (int64_t)((double)(c->game * opt.drivers + (i % per_game)) * 1e6 / (opt.rate > 0 ? opt.rate : 1) /
                                       (opt.games * opt.drivers)) % 1000000;
    }
    if (opt.idle) {
        int64_t settle = now_us() + (int64_t)(opt.warmup * 1e6);
        while (now_us() < settle)
            poll_once(50);
    } else {
        int64_t wend = now + (int64_t)(opt.warmup * 1e6);
        while ((now = now_us()) < wend) {
            drive(now, INT64_MAX);
            heartbeats(now);
            poll_once(1);
        }
    }
    if (opt.on_window && system(opt.on_window) != 0)
        fprintf(stderr, "loadgen: --on-window command failed\n");
    double cpu0 = opt.pid ? proc_cpu_s(opt.pid) : 0;
    double self0 = rusage_s();
    win_start = now_us();
    win_end = win_start + (int64_t)(opt.duration * 1e6);
    int64_t next_rss = win_start;
    long rss_max = 0;
    while ((now = now_us()) < win_end) {
        if (!opt.idle)
            drive(now, win_end);
        heartbeats(now);
        churn(now);
        if (opt.rss_every > 0 && opt.pid && now >= next_rss) {
            long r = proc_rss_kb(opt.pid);
            fprintf(stderr, "rss %.0f %ld %llu\n", (double)(now - win_start) / 1e6, r, (unsigned long long)n_ready);
            printf("{\"rss_sample_s\":%.0f,\"rss_kb\":%ld,\"ready\":%llu}\n", (double)(now - win_start) / 1e6, r,
                   (unsigned long long)n_ready);
            fflush(stdout);
            next_rss += (int64_t)(opt.rss_every * 1e6);
        }
        static int64_t next_peek;
        if (opt.pid && now >= next_peek) {
            next_peek = now + 100000;
            long r = proc_rss_kb(opt.pid);
            if (r > rss_max)
                rss_max = r;
        }
        poll_once(opt.rate > 0 || opt.hb_rate > 0 ? 1 : 10);
    }
    double cpu1 = opt.pid ? proc_cpu_s(opt.pid) : 0;
    self_cpu_win = rusage_s() - self0;
    long rss_end = opt.pid ? proc_rss_kb(opt.pid) : -1;
    int64_t drain = now_us() + 2000000;
    while (now_us() < drain)
        poll_once(10);
    if (opt.on_end && system(opt.on_end) != 0)
        fprintf(stderr, "loadgen: --on-end command failed\n");
    double dur = (double)(win_end - win_start) / 1e6;
    emit_json(stdout, dur, rss_base, opt.idle ? rss_end : (rss_max > rss_end ? rss_max : rss_end), cpu1 - cpu0);
    if (opt.json) {
        FILE *f = fopen(opt.json, "w");
        if (f) {
            emit_json(f, dur, rss_base, opt.idle ? rss_end : rss_max, cpu1 - cpu0);
            fclose(f);
        }
    }
    for (int i = 0; i < nconns; i++)
        if (conns[i].fd >= 0)
            close(conns[i].fd);
    return 0;
}

#include "server.h"
#include "api.h"
#include "app.h"
#include "assets.h"
#include "core.h"
#include "http.h"
#include "json.h"
#include "log.h"
#include "mem.h"
#include "metrics.h"
#include "net.h"
#include "now.h"
#include "proto.h"
#include "session.h"
#include "qr.h"
#include "screen.h"
#include "store.h"
#include "tourney.h"
#include "wire.h"
#include "ws.h"

#include <h2o/http1.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <signal.h>
#include <sys/resource.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#ifndef STATE_VERSION
#define STATE_VERSION "dev"
#endif

#define SERVER_MAX_BODY (64 * 1024) /* h2o refuses beyond this; the API answers 413 in JSON above 16 KiB */
#define SERVER_UNAUTH_TIMEOUT_MS 20000
#define SERVER_TICK_MS 1000
#define SERVER_EXTRA_SOCKETS 64 /* plain HTTP requests allowed beyond --max-connections */
#define SERVER_JOIN_BURST 10        /* failed join codes an address may try at once ... */
#define SERVER_JOIN_REFILL_MS 6000  /* ... then one more every 6 s (10 a minute) */

typedef struct {
    app_t app;
    h2o_globalconf_t conf;
    h2o_context_t ctx;
    h2o_accept_ctx_t accept;
    h2o_socket_t *listener;
    SSL_CTX *ssl;
    wsconn_config_t wscfg;
    h2o_timeout_entry_t flush_entry; /* on ctx.zero_timeout: the end of a loop turn */
    h2o_timeout_t tick_timeout;      /* once a second: pings, clock checkpoints */
    h2o_timeout_entry_t tick_entry;
} server_t;

static volatile sig_atomic_t server_stop;

static void server_on_signal(int sig)
{
    (void)sig;
    server_stop = 1;
}

/* ---- WebSocket connections ---------------------------------------------- */

typedef struct {
    server_t *srv;
    hub_client_t *client;
    buf_shared_t *hello;
    bool bad_token;
} server_upgrade_t;


static app_t *server_app; /* the one app; handlers reach it through this */
static server_t *server_srv;

/* Everything a turn of the loop produced shares one commit, made from h2o's
 * zero-timeout list: after the turn's I/O callbacks, and inside the loop, so the
 * writes it starts complete without waiting for the next poll. */
static void server_defer_flush(void)
{
    if (!h2o_timeout_is_linked(&server_srv->flush_entry))
        h2o_timeout_link(server_app->loop, &server_srv->ctx.zero_timeout, &server_srv->flush_entry);
}

static void server_on_flush(h2o_timeout_entry_t *entry)
{
    (void)entry;
    int64_t now = now_mono_ms();
    if (core_next_event(server_app->core) <= now)
        core_tick(server_app->core, now, false);
    /* Only then do acks and broadcasts leave. */
    core_flush(server_app->core);
    screen_update(server_app, now);
}

static void server_on_tick(h2o_timeout_entry_t *entry)
{
    (void)entry;
    int64_t now = now_mono_ms();
    core_tick(server_app->core, now, true);
    core_flush(server_app->core);
    hub_tick(server_app->hub, now);
    h2o_timeout_link(server_app->loop, &server_srv->tick_timeout, &server_srv->tick_entry);
    screen_update(server_app, now); /* once a second, so running clocks count */
}

static void server_ws_message_app(wsconn_t *ws, const char *data, size_t len, void *user)
{
    (void)ws;
    proto_handle(server_app, user, data, len);
    if (core_pending(server_app->core))
        server_defer_flush();
}

static bool server_ws_ping(wsconn_t *ws, void *user)
{
    (void)ws;
    return proto_ping(server_app, user);
}

static void server_ws_close(wsconn_t *ws, uint16_t code, void *user)
{
    (void)ws;
    hub_client_t *c = user;
    log_debug("websocket %s (%s) closed with %u", c->client_id, auth_role_name(c->who.role), code);
    core_forget_reply(server_app->core, c);
    hub_client_free(c);
}

static void server_on_upgrade(void *data, h2o_socket_t *sock, size_t reqsize)
{
    server_upgrade_t *u = data;
    buf_shared_unref(u->hello);
    if (sock == NULL) {
        hub_client_free(u->client);
        free(u);
        return;
    }
    static const wsconn_handlers_t handlers = {server_ws_ping, server_ws_message_app, server_ws_close};
    wsconn_t *ws = wsconn_start(sock, reqsize, &u->srv->wscfg, &handlers, u->client, now_mono_ms());
    hub_client_attach(u->client, ws);
    log_debug("websocket %s from %s as %s", u->client->client_id, u->client->peer, auth_role_name(u->client->who.role));
    if (u->bad_token) {
        proto_error(&u->srv->app, u->client, WIRE_E_UNAUTHORIZED, "invalid or revoked token", NULL, -1);
        wsconn_close(ws, WS_CLOSE_POLICY, "invalid token");
    }
    free(u);
}

static int server_upgrade(server_t *srv, h2o_req_t *req)
{
    app_t *app = &srv->app;
    char accept[29];
    if (wsconn_handshake_check(req, accept) != 0)
        return 0;
    auth_who_t who = {0};
    trust_req_t tr;
    http_trust_req(req, &tr);
    bool loopback = trust_loopback(&app->trust, &tr);
    bool bad_token = false;
    char token[160];
    int tl = http_query(req, "token", token, sizeof(token));
    if (tl > 0) {
        if (session_who(app, token, &who) != 0)
            bad_token = true;
        else {
            char addr[64];
            http_client_addr(req, &app->trust, addr, sizeof(addr));
            session_seen(app, &who, addr);
            server_defer_flush();
        }
    } else if (loopback && app->cfg.trust_loopback) {
        who.role = AUTH_HOST;
    }
    /* At the cap, a client that proved who it is takes the place of the oldest
     * stranger; everyone else gets 503. */
    if (hub_count(app->hub) >= (size_t)app->cfg.max_connections &&
        (who.role == AUTH_NONE || !hub_evict_unauthenticated(app->hub))) {
        http_send_error(req, 503, "unavailable", "connection limit reached");
        return 0;
    }
    char peer[48];
    http_client_addr(req, &app->trust, peer, sizeof(peer));
    server_upgrade_t *u = mem_zalloc(sizeof(*u));
    u->srv = srv;
    u->bad_token = bad_token;
    u->client = hub_client_new(app->hub, &who, loopback, peer, now_mono_ms());

    /* The connect message rides in the same write as the 101 response. */
    h2o_iovec_t extra[1];
    size_t nextra = 0;
    if (!bad_token) {
        buf_t b;
        buf_init(&b);
        proto_connect_msg(&b, u->client, NULL);
        u->hello = ws_frame(WS_OP_TEXT, b.data, b.len);
        buf_free(&b);
        extra[0] = h2o_iovec_init(u->hello->data, u->hello->len);
        nextra = 1;
        app->metrics.messages_out++;
    }
    wsconn_handshake_accept(req, accept, extra, nextra, server_on_upgrade, u);
    return 0;
}

/* ---- HTTP routes --------------------------------------------------------- */

static bool server_method_is(h2o_req_t *req, const char *m)
{
    return h2o_memis(req->method.base, req->method.len, m, strlen(m));
}

static void server_healthz(server_t *srv, h2o_req_t *req)
{
    buf_t b;
    buf_init(&b);
    const char *reason = NULL;
    bool ok = store_ok(srv->app.store);
    if (!ok)
        reason = "the database does not answer";
    else
        ok = core_writable(srv->app.core, &reason);
    buf_puts(&b, ok ? "{\"status\":\"ok\"" : "{\"status\":\"error\",\"reason\":");
    if (!ok)
        json_put_cstr(&b, reason);
    buf_puts(&b, ",\"version\":");
    json_put_cstr(&b, STATE_VERSION);
    buf_printf(&b, ",\"protocol\":1,\"uptime_ms\":%lld,\"connections\":%zu,\"games\":%zu,\"schema\":%d,\"durability\":\"%s\"}",
               (long long)(now_mono_ms() - srv->app.started_mono_ms), hub_count(srv->app.hub), core_count(srv->app.core),
               store_schema_version(srv->app.store), srv->app.cfg.durability == CONFIG_DURABILITY_FULL ? "full" : "normal");
    http_send_json(req, ok ? 200 : 503, b.data, b.len);
    buf_free(&b);
}

static void server_metrics(server_t *srv, h2o_req_t *req)
{
    buf_t b;
    buf_init(&b);
    metrics_render(&srv->app.metrics, &b, STATE_VERSION, now_mono_ms() - srv->app.started_mono_ms, wire_error_names);
    h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CACHE_CONTROL, NULL, H2O_STRLIT("no-store"));
    http_send(req, 200, "text/plain; version=0.0.4; charset=utf-8", b.data, b.len);
    buf_free(&b);
}

typedef struct {
    h2o_handler_t super;
    server_t *srv;
} server_handler_t;

static int server_on_req(h2o_handler_t *self, h2o_req_t *req)
{
    server_t *srv = ((server_handler_t *)self)->srv;
    srv->app.metrics.http_requests_total++;
    h2o_iovec_t path = req->path_normalized;

    if (req->upgrade.base != NULL && h2o_lcstris(req->upgrade.base, req->upgrade.len, H2O_STRLIT("websocket"))) {
        if (h2o_memis(path.base, path.len, H2O_STRLIT("/")) || h2o_memis(path.base, path.len, H2O_STRLIT("/ws")))
            return server_upgrade(srv, req);
        http_send_error(req, 404, "not_found", "WebSocket endpoints are / and /ws");
        return 0;
    }
    bool get = server_method_is(req, "GET") || server_method_is(req, "HEAD");
    if (h2o_memis(path.base, path.len, H2O_STRLIT("/healthz")) || h2o_memis(path.base, path.len, H2O_STRLIT("/metrics"))) {
        if (!get) {
            http_header(req, "allow", "GET, HEAD");
            http_send_error(req, 405, "bad_message", "method not allowed");
            return 0;
        }
        if (h2o_memis(path.base, path.len, H2O_STRLIT("/healthz")))
            server_healthz(srv, req);
        else
            server_metrics(srv, req);
        return 0;
    }
    if (path.len >= 4 && memcmp(path.base, "/api", 4) == 0 && (path.len == 4 || path.base[4] == '/')) {
        api_handle(&srv->app, req);
        if (core_pending(srv->app.core))
            server_defer_flush(); /* a write nobody waits for (a session's last use) */
        return 0;
    }
    const assets_file_t *f = NULL;
    if (assets_is_app_route(path.base, path.len))
        f = assets_find(H2O_STRLIT("/index.html"));
    else if (!(path.len == 11 && memcmp(path.base, "/index.html", 11) == 0))
        f = assets_find(path.base, path.len);
    if (f == NULL) {
        http_send_error(req, 404, "not_found", "not found");
        return 0;
    }
    if (!get) {
        http_header(req, "allow", "GET, HEAD");
        http_send_error(req, 405, "bad_message", "method not allowed");
        return 0;
    }
    assets_send(req, f);
    return 0;
}

/* ---- sockets ------------------------------------------------------------- */

static void server_on_sock_close(void *data)
{
    server_t *srv = data;
    srv->app.open_sockets--;
}

static void server_on_accept(h2o_socket_t *listener, const char *err)
{
    server_t *srv = listener->data;
    if (err != NULL)
        return;
    h2o_socket_t *sock = h2o_evloop_socket_accept(listener);
    if (sock == NULL)
        return;
    if (srv->app.open_sockets >= srv->app.cfg.max_connections + SERVER_EXTRA_SOCKETS &&
        !hub_evict_unauthenticated(srv->app.hub)) {
        /* Past the cap even a 503 costs memory a flood would use: just close. But
         * while strangers hold WebSockets without a token, the oldest of them makes
         * room instead, so a host reconnecting during a flood is not locked out. */
        h2o_socket_close(sock);
        return;
    }
    srv->app.open_sockets++;
    sock->on_close.cb = server_on_sock_close;
    sock->on_close.data = srv;
    h2o_accept(&srv->accept, sock);
}

static int server_tls(server_t *srv, char *err, size_t errlen)
{
    const config_t *cfg = &srv->app.cfg;
    if (cfg->tls_cert[0] == '\0')
        return 0;
    SSL_load_error_strings();
    SSL_library_init();
    srv->ssl = SSL_CTX_new(TLS_server_method());
    SSL_CTX_set_min_proto_version(srv->ssl, TLS1_2_VERSION);
    if (SSL_CTX_use_certificate_chain_file(srv->ssl, cfg->tls_cert) != 1) {
        snprintf(err, errlen, "cannot load the TLS certificate %.300s: %.100s", cfg->tls_cert, ERR_reason_error_string(ERR_get_error()));
        return -1;
    }
    if (SSL_CTX_use_PrivateKey_file(srv->ssl, cfg->tls_key, SSL_FILETYPE_PEM) != 1 || SSL_CTX_check_private_key(srv->ssl) != 1) {
        snprintf(err, errlen, "cannot load the TLS key %.300s: %.100s", cfg->tls_key, ERR_reason_error_string(ERR_get_error()));
        return -1;
    }
    srv->accept.ssl_ctx = srv->ssl;
    return 0;
}

static void server_banner(server_t *srv, int port, const char *new_token)
{
    const config_t *cfg = &srv->app.cfg;
    const char *scheme = srv->ssl ? "https" : "http";
    printf("state-server %s (protocol 1)\n", STATE_VERSION);
    if (strchr(cfg->bind, ':'))
        printf("listening on %s://[%s]:%d\n", scheme, cfg->bind, port);
    else
        printf("listening on %s://%s:%d\n", scheme, cfg->bind, port);
    printf("phones open %s/\n", srv->app.public_url);
    printf("display: %s/display\n", srv->app.public_url);
    /* Scanning this from the Pi's screen opens the display (and, on the Pi
     * itself, the host panel is one tap away) without typing an address. */
    char url[300];
    snprintf(url, sizeof(url), "%s/display", srv->app.public_url);
    char *art = qr_terminal_text(url);
    if (art) {
        fputs(art, stdout);
        free(art);
    }
    if (new_token)
        printf("host token: %s (new; shown once, stored hashed in %s)\n", new_token, cfg->db);
    else if (cfg->host_token[0])
        printf("host token: the one given with --host-token\n");
    else
        printf("host token: stored (hashed) in %s; replace it with --host-token\n", cfg->db);
    fflush(stdout);
}

/* --max-connections needs as many descriptors; the usual soft limit is 1024.
 * Raise it as far as the hard limit allows, and say so if that is not enough. */
static void server_raise_fd_limit(int max_connections)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
        return;
    rlim_t want = (rlim_t)max_connections + SERVER_EXTRA_SOCKETS + 64;
    if (rl.rlim_cur >= want)
        return;
    rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= want ? want : rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
    if (rl.rlim_cur < want)
        log_warn("only %llu file descriptors allowed: fewer than %d connections will fit (raise ulimit -n)",
                 (unsigned long long)rl.rlim_cur, max_connections);
}

static void server_add_name(void *ctx, const char *name)
{
    trust_add_name(ctx, name);
}

static void server_on_presence(void *ctx, const char *game_id)
{
    app_t *app = ctx;
    core_presence(app->core, game_id);
    server_defer_flush();
}

/* The host token (auth_host_bootstrap decides), stored hashed through core's
 * transaction. shown is the new token to print once, or NULL. */
static int server_host_token(app_t *app, char new_token[AUTH_TOKEN_LEN + 1], const char **shown)
{
    char stored[AUTH_HASH_LEN + 8] = "";
    *shown = NULL;
    if (store_secret_get(app->store, "host_token_hash", stored, sizeof(stored)) != 0)
        stored[0] = '\0';
    int rc = auth_host_bootstrap(app->cfg.host_token, stored, app->host_hash, new_token);
    if (rc < 0) {
        log_error("cannot read the system's random source");
        return -1;
    }
    if (new_token[0])
        *shown = new_token;
    if (rc == 0)
        return 0;
    if (core_write_begin(app->core) != 0 ||
        core_write_end(app->core, store_secret_put(app->store, "host_token_hash", app->host_hash) == 0) != 0 ||
        core_flush(app->core) != 0) {
        log_error("cannot store the host token in %s", app->cfg.db);
        return -1;
    }
    return 0;
}

int server_main(const config_t *cfg)
{
    static server_t srv;
    char err[512];
    memset(&srv, 0, sizeof(srv));
    app_t *app = &srv.app;
    server_app = app;
    server_srv = &srv;
    app->cfg = *cfg;
    app->started_mono_ms = now_mono_ms();
    map_init(&app->seen);
    log_set_level(cfg->log_level);
    setvbuf(stdout, NULL, _IOLBF, 0);
    signal(SIGPIPE, SIG_IGN);
    server_raise_fd_limit(cfg->max_connections);

    app->store = store_open(cfg->db, cfg->durability == CONFIG_DURABILITY_FULL, err, sizeof(err));
    if (app->store == NULL) {
        log_error("%s", err);
        return 1;
    }
    app->hub = hub_new(SERVER_UNAUTH_TIMEOUT_MS, server_on_presence, app, &app->metrics);
    app->core = core_new(app->store, &app->metrics, &proto_sink, app);
    char new_token[AUTH_TOKEN_LEN + 1];
    const char *shown_token = NULL;
    if (server_host_token(app, new_token, &shown_token) != 0) {
        store_close(app->store);
        return 1;
    }
    int port = 0;
    int fd = net_listen(cfg->bind, cfg->port, &port, err, sizeof(err));
    if (fd < 0) {
        log_error("%s", err);
        return 1;
    }
    if (cfg->public_url[0]) {
        snprintf(app->public_url, sizeof(app->public_url), "%s", cfg->public_url);
        size_t l = strlen(app->public_url);
        while (l > 0 && app->public_url[l - 1] == '/')
            app->public_url[--l] = '\0';
    } else {
        char lan[64] = "127.0.0.1", ifname[32] = "";
        if (strcmp(cfg->bind, "0.0.0.0") != 0 && strcmp(cfg->bind, "::") != 0)
            snprintf(lan, sizeof(lan), "%s", cfg->bind);
        else if (net_lan_address(lan, sizeof(lan), ifname, sizeof(ifname)) != 0)
            log_warn("no LAN address found: join links will use 127.0.0.1 (set --public-url)");
        else
            log_info("join links use %s, the address of %s (set --public-url to choose another)", lan, ifname);
        snprintf(app->public_url, sizeof(app->public_url), "%s://%s%s%s:%d", cfg->tls_cert[0] ? "https" : "http",
                 strchr(lan, ':') ? "[" : "", lan, strchr(lan, ':') ? "]" : "", port);
    }

    /* Section 10: the names and the origin that count as this server's own. */
    app->trust.https = cfg->tls_cert[0] != '\0';
    app->trust.port = port;
    net_own_names(server_add_name, &app->trust);
    trust_add_name(&app->trust, cfg->bind);
    trust_set_public_url(&app->trust, app->public_url);
    for (int i = 0; i < cfg->ntrusted_proxies; i++)
        trust_add_proxy(&app->trust, cfg->trusted_proxies[i]);

    h2o_config_init(&srv.conf);
    srv.conf.server_name = h2o_iovec_init(H2O_STRLIT("state-server"));
    srv.conf.max_request_entity_size = SERVER_MAX_BODY;
    h2o_hostconf_t *host = h2o_config_register_host(&srv.conf, h2o_iovec_init(H2O_STRLIT("default")), 65535);
    h2o_pathconf_t *pc = h2o_config_register_path(host, "/", 0);
    server_handler_t *h = (server_handler_t *)h2o_create_handler(pc, sizeof(*h));
    h->super.on_req = server_on_req;
    h->srv = &srv;

    app->loop = h2o_evloop_create();
    h2o_context_init(&srv.ctx, app->loop, &srv.conf);
    srv.accept.ctx = &srv.ctx;
    srv.accept.hosts = srv.conf.hosts;
    if (server_tls(&srv, err, sizeof(err)) != 0) {
        log_error("%s", err);
        return 1;
    }
    srv.wscfg.ping_interval_ms = (int64_t)cfg->ping_interval_s * 1000;
    srv.wscfg.ping_timeout_ms = (int64_t)cfg->ping_timeout_s * 1000;
    srv.wscfg.max_queue_bytes = 1024 * 1024;
    app->join_limiter = auth_limiter_new(SERVER_JOIN_BURST, SERVER_JOIN_REFILL_MS);
    if (core_load(app->core, err, sizeof(err)) != 0) {
        log_error("%s", err);
        return 1;
    }
    app->tourney = tourney_new(app, &proto_event_sink);
    if (tourney_load(app->tourney, err, sizeof(err)) != 0) {
        log_error("%s", err);
        return 1;
    }
    if (cfg->screen != CONFIG_SCREEN_OFF) {
        /* A missing or busy display is no reason not to serve the phones. */
        app->screen = screen_new(cfg, err, sizeof(err));
        if (app->screen == NULL)
            log_error("%s; going on without a screen", err);
        else if (screen_touch_start(app, cfg, err, sizeof(err)) != 0)
            log_error("%s; going on without touch", err);
        screen_update(app, now_mono_ms());
    }

    srv.listener = h2o_evloop_socket_create(app->loop, fd, H2O_SOCKET_FLAG_DONT_READ);
    srv.listener->data = &srv;
    h2o_socket_read_start(srv.listener, server_on_accept);

    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = server_on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);

    server_banner(&srv, port, shown_token);
    log_info("serving on port %d (max %d connections, durability %s)", port, cfg->max_connections,
             cfg->durability == CONFIG_DURABILITY_FULL ? "full" : "normal");

    srv.flush_entry.cb = server_on_flush;
    srv.tick_entry.cb = server_on_tick;
    h2o_timeout_init(app->loop, &srv.tick_timeout, SERVER_TICK_MS);
    h2o_timeout_link(app->loop, &srv.tick_timeout, &srv.tick_entry);
    while (!server_stop) {
        /* A clock that runs out is flagged on time: sleep no longer than that. */
        int64_t now = now_mono_ms(), event = core_next_event(app->core);
        int64_t wait = event <= now ? 0 : event - now > SERVER_TICK_MS ? SERVER_TICK_MS : event - now;
        if (event <= now)
            server_defer_flush();
        h2o_evloop_run(app->loop, (int32_t)wait);
    }
    if (h2o_timeout_is_linked(&srv.flush_entry))
        h2o_timeout_unlink(&srv.flush_entry);
    h2o_timeout_unlink(&srv.tick_entry);
    h2o_timeout_dispose(app->loop, &srv.tick_timeout);

    /* Save where running clocks are, so a clean restart gives no time back. */
    core_tick(app->core, now_mono_ms(), true);
    core_flush(app->core);
    log_info("shutting down: closing %zu connections", hub_count(app->hub));
    h2o_socket_read_stop(srv.listener);
    h2o_socket_close(srv.listener);
    hub_close_all(app->hub, WS_CLOSE_GOING_AWAY, "server shutting down");
    int64_t deadline = now_mono_ms() + 1500;
    while (hub_count(app->hub) > 0 && now_mono_ms() < deadline) {
        h2o_evloop_run(app->loop, 50);
        hub_tick(app->hub, now_mono_ms());
    }
    core_flush(app->core);
    if (h2o_timeout_is_linked(&srv.flush_entry))
        h2o_timeout_unlink(&srv.flush_entry);
    screen_free(app->screen);
    tourney_free(app->tourney);
    app->tourney = NULL;
    core_free(app->core);
    hub_free(app->hub);
    h2o_context_dispose(&srv.ctx);
    h2o_config_dispose(&srv.conf);
    auth_limiter_free(app->join_limiter);
    map_free(&app->seen);
    store_close(app->store);
    log_info("stopped");
    return 0;
}

#include "follow.h"
#include "change.h"
#include "core.h"
#include "hub.h"
#include "json.h"
#include "log.h"
#include "map.h"
#include "mem.h"
#include "now.h"
#include "store.h"
#include "tourney.h"
#include "view.h"
#include "wire.h"
#include "ws.h"
#include "wsclient.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define FOLLOW_RETRY_MS 1000
/* A primary that sent nothing, not even a ping, for this long is gone (its pings
 * come every --ping-interval, 30 s by default): reconnect. */
#define FOLLOW_SILENCE_MS 75000
#define FOLLOW_HTTP_TIMEOUT_MS 3000
#define FOLLOW_MAX_BACKUP (512L * 1024 * 1024)
#define FOLLOW_MAX_TOKENS (VIEW_MAX_TOKENS + 64)

typedef struct {
    app_t *app;
    bool active;   /* following (this server is a follower) */
    char url[256]; /* the primary */
    char token[160];
    wsclient_t *ws;
    bool open;        /* the connection is up and authenticated */
    bool refused;     /* the primary cannot be followed (newer schema): no retries */
    int64_t last_seq; /* the last entry applied (committed with it) */
    int64_t head_seq; /* the newest entry the primary is known to have */
    int64_t lag_ms;   /* how long the last entry waited, commit to applied */
    int64_t applied, divergences;
    buf_t last_divergence; /* JSON object, empty when none */
    int64_t offset;        /* primary monotonic ms minus ours, for this connection */
    char boot[17];         /* the primary process's boot id */
    map_t synced;          /* games an entry was applied to on this connection */
    map_t events;          /* events an "event" entry was written to, reloaded after the commit */
    h2o_timeout_t retry_timeout;
    h2o_timeout_entry_t retry_entry;
    h2o_timeout_t flush_timeout; /* zero: the end of the loop turn */
    h2o_timeout_entry_t flush_entry;
    bool timers;
    char error[300];
} follow_t;

static follow_t follow_g;

bool follow_active(void)
{
    return follow_g.active;
}

/* ---- a blocking HTTP GET (start-up and demotion only) ---------------------- */

static int follow_http_get(const char *base, const char *path, const char *token, buf_t *body, char *err, size_t errlen)
{
    wsclient_url_t u;
    if (wsclient_url_parse(base, &u) != 0) {
        snprintf(err, errlen, "not an http:// URL: %.200s", base);
        return -1;
    }
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof(hints));
    hints.ai_socktype = SOCK_STREAM;
    char port[8];
    snprintf(port, sizeof(port), "%d", u.port);
    if (getaddrinfo(u.host, port, &hints, &res) != 0 || res == NULL) {
        snprintf(err, errlen, "cannot resolve %.128s", u.host);
        return -1;
    }
    int fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    int rc = fd < 0 ? -1 : connect(fd, res->ai_addr, res->ai_addrlen);
    freeaddrinfo(res);
    struct pollfd pf = {fd, POLLOUT, 0};
    int soerr = 0;
    socklen_t sl = sizeof(soerr);
    if (fd < 0 || (rc != 0 && errno != EINPROGRESS) ||
        (rc != 0 &&
         (poll(&pf, 1, FOLLOW_HTTP_TIMEOUT_MS) != 1 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) != 0 || soerr != 0))) {
        snprintf(err, errlen, "cannot connect to %.128s:%d", u.host, u.port);
        if (fd >= 0)
            close(fd);
        return -1;
    }
    buf_t req;
    buf_init(&req);
    buf_printf(&req, "GET %s%s HTTP/1.1\r\nHost: %s:%d\r\nAuthorization: Bearer %s\r\nConnection: close\r\n\r\n",
               strcmp(u.path, "/") == 0 ? "" : u.path, path, u.host, u.port, token);
    size_t off = 0;
    while (off < req.len) {
        ssize_t n = write(fd, req.data + off, req.len - off);
        if (n > 0) {
            off += (size_t)n;
            continue;
        }
        pf.events = POLLOUT;
        if (n < 0 && errno == EAGAIN && poll(&pf, 1, FOLLOW_HTTP_TIMEOUT_MS) == 1)
            continue;
        break;
    }
    buf_free(&req);
    buf_t in;
    buf_init(&in);
    for (;;) {
        char tmp[65536];
        ssize_t n = read(fd, tmp, sizeof(tmp));
        if (n > 0) {
            buf_append(&in, tmp, (size_t)n);
            if ((long)in.len > FOLLOW_MAX_BACKUP)
                break;
            continue;
        }
        if (n == 0)
            break;
        pf.events = POLLIN;
        if (errno == EAGAIN && poll(&pf, 1, FOLLOW_HTTP_TIMEOUT_MS * 10) == 1)
            continue;
        break;
    }
    close(fd);
    const char *hend = NULL;
    for (size_t i = 3; i < in.len; i++)
        if (memcmp(in.data + i - 3, "\r\n\r\n", 4) == 0) {
            hend = in.data + i + 1;
            break;
        }
    int status = 0;
    if (hend == NULL || sscanf(in.data, "HTTP/1.%*d %d", &status) != 1) {
        snprintf(err, errlen, "no HTTP answer from %.200s", base);
        buf_free(&in);
        return -1;
    }
    size_t blen = in.len - (size_t)(hend - in.data);
    /* Content-Length wins over the end of the stream. */
    for (const char *l = in.data; l && l < hend; l = memchr(l, '\n', (size_t)(hend - l)), l = l ? l + 1 : NULL)
        if (strncasecmp(l, "content-length:", 15) == 0) {
            long v = atol(l + 15);
            if (v >= 0 && (size_t)v < blen)
                blen = (size_t)v;
            else if (v >= 0 && (size_t)v > blen) {
                snprintf(err, errlen, "the answer from %.200s was cut short", base);
                buf_free(&in);
                return -1;
            }
        }
    buf_append(body, hend, blen);
    buf_free(&in);
    if (status != 200) {
        snprintf(err, errlen, "%.200s%s answered %d", base, path, status);
        return -1;
    }
    return 0;
}

int follow_bootstrap(const config_t *cfg, char *err, size_t errlen)
{
    struct stat st;
    if (cfg->follow[0] == '\0' || (stat(cfg->db, &st) == 0 && st.st_size > 0))
        return 0;
    log_info("empty database: taking the primary's backup from %s", cfg->follow);
    buf_t body;
    buf_init(&body);
    if (follow_http_get(cfg->follow, "/api/backup", cfg->host_token, &body, err, errlen) != 0) {
        buf_free(&body);
        return -1;
    }
    char tmp[1100];
    snprintf(tmp, sizeof(tmp), "%s.part", cfg->db);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    bool ok = fd >= 0 && write(fd, body.data, body.len) == (ssize_t)body.len && fsync(fd) == 0;
    if (fd >= 0)
        close(fd);
    buf_free(&body);
    if (!ok || rename(tmp, cfg->db) != 0) {
        snprintf(err, errlen, "cannot write the backup to %.300s", cfg->db);
        unlink(tmp);
        return -1;
    }
    /* Stale WAL files of an earlier database must not be applied to this one. */
    char side[1100];
    snprintf(side, sizeof(side), "%s-wal", cfg->db);
    unlink(side);
    snprintf(side, sizeof(side), "%s-shm", cfg->db);
    unlink(side);
    return 0;
}

/* ---- comparing states ------------------------------------------------------ */

static bool follow_ignored(const char *key, bool clocks)
{
    static const char *const always[] = {"server_time", "connected", "created_at", "updated_at", "private"};
    static const char *const times[] = {"time_remaining", "time_used", "game_time"};
    for (size_t i = 0; i < sizeof(always) / sizeof(always[0]); i++)
        if (strcmp(key, always[i]) == 0)
            return true;
    if (!clocks)
        for (size_t i = 0; i < sizeof(times) / sizeof(times[0]); i++)
            if (strcmp(key, times[i]) == 0)
                return true;
    return false;
}

static void follow_put_raw(buf_t *out, const json_doc_t *d, int t)
{
    if (t < 0) {
        buf_puts(out, "null");
        return;
    }
    size_t len;
    const char *raw = json_raw(d, t, &len); /* a string's quotes included */
    buf_append(out, raw, len);
}

static int follow_diff_at(const json_doc_t *a, int ta, const json_doc_t *b, int tb, char *path, size_t plen, bool clocks,
                          buf_t *out, int n)
{
    if (ta >= 0 && tb >= 0 && json_type(a, ta) == JSON_OBJECT && json_type(b, tb) == JSON_OBJECT) {
        /* Every key of either side, once. */
        for (int side = 0; side < 2; side++) {
            const json_doc_t *d = side ? b : a, *o = side ? a : b;
            int obj = side ? tb : ta, other = side ? ta : tb;
            int k = obj + 1;
            for (int i = 0; i < json_size(d, obj); i++, k = json_next(d, k + 1)) {
                char key[64];
                if (json_str(d, k, key, sizeof(key)) < 0 || follow_ignored(key, clocks))
                    continue;
                int ov = json_get(o, other, key);
                if (side == 1 && ov >= 0)
                    continue; /* compared from the first side */
                size_t l = strlen(path);
                snprintf(path + l, plen - l, "%s%s", l ? "." : "", key);
                n = side ? follow_diff_at(a, ov, b, k + 1, path, plen, clocks, out, n)
                         : follow_diff_at(a, k + 1, b, ov, path, plen, clocks, out, n);
                path[l] = '\0';
            }
        }
        return n;
    }
    if (ta >= 0 && tb >= 0 && json_type(a, ta) == JSON_ARRAY && json_type(b, tb) == JSON_ARRAY &&
        json_size(a, ta) == json_size(b, tb)) {
        int ka = ta + 1, kb = tb + 1;
        for (int i = 0; i < json_size(a, ta); i++, ka = json_next(a, ka), kb = json_next(b, kb)) {
            size_t l = strlen(path);
            snprintf(path + l, plen - l, "[%d]", i);
            n = follow_diff_at(a, ka, b, kb, path, plen, clocks, out, n);
            path[l] = '\0';
        }
        return n;
    }
    size_t la = 0, lb = 0;
    const char *ra = ta >= 0 ? json_raw(a, ta, &la) : NULL, *rb = tb >= 0 ? json_raw(b, tb, &lb) : NULL;
    if (ra && rb && la == lb && json_type(a, ta) == json_type(b, tb) && memcmp(ra, rb, la) == 0)
        return n;
    if (n)
        buf_putc(out, ',');
    buf_puts(out, "{\"field\":");
    json_put_cstr(out, path);
    buf_puts(out, ",\"follower\":");
    follow_put_raw(out, a, ta);
    buf_puts(out, ",\"primary\":");
    follow_put_raw(out, b, tb);
    buf_putc(out, '}');
    return n + 1;
}

int follow_diff(const char *mine, size_t mine_len, const char *theirs, size_t theirs_len, bool clocks, buf_t *out)
{
    static jsmntok_t ta[FOLLOW_MAX_TOKENS], tb[FOLLOW_MAX_TOKENS];
    json_doc_t a, b;
    if (json_parse(&a, mine, mine_len, ta, FOLLOW_MAX_TOKENS) != 0 ||
        json_parse(&b, theirs, theirs_len, tb, FOLLOW_MAX_TOKENS) != 0) {
        buf_puts(out, "{\"field\":\"\",\"follower\":null,\"primary\":null}");
        return 1;
    }
    char path[256] = "";
    return follow_diff_at(&a, 0, &b, 0, path, sizeof(path), clocks, out, 0);
}

/* ---- applying entries ------------------------------------------------------ */

/* Brings the events in memory up to what their written entries made of them:
 * once per event and batch, not per row (a round of 256 tables is 256 rows). */
static void follow_reload_events(follow_t *f)
{
    const char *k;
    void *v;
    for (size_t i = 0; map_next(&f->events, &i, &k, &v);) {
        char id[EVENT_ID_SIZE];
        snprintf(id, sizeof(id), "%s", k);
        map_del(&f->events, k);
        if (f->app->tourney && tourney_reload(f->app->tourney, id) != 0)
            log_error("follow: event %s could not be read back: %s", id, store_last_error(f->app->store));
    }
}

static void follow_on_flush(h2o_timeout_entry_t *e)
{
    (void)e;
    core_flush(follow_g.app->core);
    follow_reload_events(&follow_g);
}

static void follow_defer_flush(void)
{
    if (!h2o_timeout_is_linked(&follow_g.flush_entry))
        h2o_timeout_link(follow_g.app->loop, &follow_g.flush_timeout, &follow_g.flush_entry);
}

/* Our monotonic time for the primary's ms of process boot (its own clock when
 * it is the process we follow now; else ours, and clocks are not compared). */
static int64_t follow_local_time(const char *boot, int64_t mono, bool *exact)
{
    *exact = boot && strcmp(boot, follow_g.boot) == 0;
    return *exact ? mono - follow_g.offset : now_mono_ms();
}

static int64_t follow_wall_of(const char *iso)
{
    struct tm tm;
    memset(&tm, 0, sizeof(tm));
    int ms = 0;
    if (sscanf(iso, "%d-%d-%dT%d:%d:%d.%dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &ms) < 6)
        return 0;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return (int64_t)timegm(&tm) * 1000 + ms;
}

static bool follow_clock_running(const game_t *g)
{
    return g && (g->players[0].clock.running || g->players[1].clock.running || g->game_time.running);
}

/* A game action: through our rules at its time, then compared and, if it
 * differs, repaired. Returns 0, or -1 when the store failed. */
static int follow_action(follow_t *f, const json_doc_t *d, int data, int64_t seq, const char *game_id, const char *at)
{
    app_t *app = f->app;
    core_t *core = app->core;
    char type[32] = "", actor[16] = "", boot[17] = "", sboot[17] = "";
    int64_t version = 0, mono = 0, smono = 0;
    json_str(d, json_get(d, data, "action"), type, sizeof(type));
    json_str(d, json_get(d, data, "actor"), actor, sizeof(actor));
    json_str(d, json_get(d, data, "boot"), boot, sizeof(boot));
    json_str(d, json_get(d, data, "state_boot"), sboot, sizeof(sboot));
    json_int(d, json_get(d, data, "version"), &version);
    json_int(d, json_get(d, data, "mono_ms"), &mono);
    json_int(d, json_get(d, data, "state_mono_ms"), &smono);
    int tstate = json_get(d, data, "state"), tdata = json_get(d, data, "data");
    bool has_state = tstate >= 0 && json_type(d, tstate) == JSON_OBJECT;

    const game_t *before = core_game(core, game_id);
    bool exact_a, exact_s;
    int64_t t = follow_local_time(boot, mono, &exact_a);
    int64_t ts = follow_local_time(sboot, smono, &exact_s);
    /* Clocks are compared when both times are of the process we follow. */
    bool clocks = exact_a && exact_s;
    static game_t theirs;
    const char *bad = NULL;
    bool theirs_ok = has_state && view_parse(d, tstate, game_id, ts, &theirs, &bad) == 0;
    if (theirs_ok)
        theirs.version = version;
    /* A game whose clock ran before this connection: where that clock stood at
     * the primary is not known here (a backup's or our last write's values, of
     * another time), so the game starts from the primary's state before the
     * action, taken as it is (not a divergence). */
    int tbefore = json_get(d, data, "before");
    if (before && before->version == version - 1 && follow_clock_running(before) && map_get(&f->synced, game_id) == NULL &&
        tbefore >= 0 && json_type(d, tbefore) == JSON_OBJECT) {
        static game_t prior;
        if (view_parse(d, tbefore, game_id, t, &prior, &bad) == 0) {
            prior.version = version - 1;
            core_set_now(core, 0, at);
            int arc = core_adopt(core, &prior);
            core_set_now(core, 0, NULL);
            game_release(&prior);
            if (arc != 0)
                return -1;
        }
    }

    store_feed_force(app->store, seq);
    core_set_now(core, t, at);
    int rc = -1;
    const char *why = NULL;
    int64_t v = 0;
    const char *bf = NULL;
    change_result_t res;
    if (strcmp(type, "clock_tick") == 0) {
        static game_action_t a;
        game_action_init(&a, GAME_A_CLOCK_TICK, GAME_ACTOR_SERVER);
        buf_t raw;
        buf_init(&raw);
        follow_put_raw(&raw, d, tdata);
        buf_putc(&raw, '\0');
        rc = core_change(core, game_id, &a, raw.data, NULL, NULL, &bf, &v);
        buf_free(&raw);
    } else if (game_type_parse(type, strlen(type)) >= 0 && strcmp(type, "game_state") != 0) {
        rc = change_replay(core, actor, type, game_id, d, tdata, &res);
        if (rc != 0)
            why = wire_error_names[res.err];
    } else if (theirs_ok) {
        /* A replace, or a kind of entry our rules do not make (server_restart):
         * the state is the change. */
        static game_action_t a;
        game_action_init(&a, GAME_A_STATE, GAME_ACTOR_HOST);
        a.state.state = &theirs;
        core_set_now(core, ts, at); /* its times are as of the state's moment */
        rc = core_change(core, game_id, &a, "{}", NULL, NULL, &bf, &v);
    }
    core_set_now(core, 0, NULL);
    store_feed_force(app->store, 0);
    if (rc != 0 && !core_writable(core, &bad))
        return -1;
    /* A game deleted at the primary since (no state to compare with): what our
     * rules make of it, or refuse, goes with the deletion that follows. */
    if (!has_state) {
        map_put(&f->synced, game_id, (void *)1);
        return 0;
    }

    const game_t *mine = core_game(core, game_id);
    buf_t diff;
    buf_init(&diff);
    int ndiff = 0;
    if (rc != 0) {
        buf_printf(&diff, "{\"field\":\"(refused)\",\"follower\":\"%s\",\"primary\":\"accepted\"}", why ? why : "refused");
        ndiff = 1;
    } else if (mine && mine->version != version) {
        buf_printf(&diff, "{\"field\":\"version\",\"follower\":%lld,\"primary\":%lld}", (long long)mine->version,
                   (long long)version);
        ndiff = 1;
    }
    bool resync = false;
    if (ndiff == 0 && mine && has_state) {
        buf_t me;
        buf_init(&me);
        view_meta_t m = {NULL, NULL, {false, false}, ts, 0, NULL};
        view_render(&me, mine, VIEW_FULL, &m);
        size_t slen;
        const char *sraw = json_raw(d, tstate, &slen);
        ndiff = follow_diff(me.data, me.len, sraw, slen, clocks, &diff);
        /* Private notes are not in the log (by design): they come from the state.
         * So do the clocks of a game first seen on this connection. */
        resync = theirs_ok && (strcmp(mine->players[0].private_json, theirs.players[0].private_json) != 0 ||
                               strcmp(mine->players[1].private_json, theirs.players[1].private_json) != 0);
        if (!clocks && ndiff == 0) {
            buf_t scratch;
            buf_init(&scratch);
            resync |= follow_diff(me.data, me.len, sraw, slen, true, &scratch) > 0;
            buf_free(&scratch);
        }
        buf_free(&me);
    }
    if (ndiff > 0) {
        f->divergences++;
        app->metrics.follow_divergences_total++;
        buf_putc(&diff, '\0');
        log_warn("follow: game %s, entry %lld (%s, version %lld) differs from the primary: %s; taking the primary's state", game_id,
                 (long long)seq, type, (long long)version, diff.data);
        buf_reset(&f->last_divergence);
        buf_puts(&f->last_divergence, "{\"game_id\":");
        json_put_cstr(&f->last_divergence, game_id);
        buf_printf(&f->last_divergence, ",\"seq\":%lld,\"version\":%lld,\"fields\":[%s],\"repaired\":%s}", (long long)seq,
                   (long long)version, diff.data, theirs_ok ? "true" : "false");
    }
    buf_free(&diff);
    if ((ndiff > 0 || resync) && theirs_ok) {
        core_set_now(core, 0, at);
        if (mine == NULL) {
            static game_action_t a;
            game_action_init(&a, GAME_A_STATE, GAME_ACTOR_HOST);
            a.state.state = &theirs;
            core_set_now(core, ts, at);
            int crc = core_change(core, game_id, &a, "{}", NULL, NULL, &bf, &v);
            core_set_now(core, 0, at);
            if (crc != 0) {
                core_set_now(core, 0, NULL);
                return -1;
            }
        }
        int arc = core_adopt(core, &theirs);
        core_set_now(core, 0, NULL);
        if (arc != 0)
            return -1;
    }
    map_put(&f->synced, game_id, (void *)1);
    return 0;
}

/* One `feed` message: applied with the number of the last applied entry in the
 * same transaction. */
static void follow_entry(follow_t *f, const json_doc_t *d, int data)
{
    app_t *app = f->app;
    int64_t seq = 0;
    char kind[32] = "", key[128] = "", at[40] = "";
    if (json_int(d, json_get(d, data, "seq"), &seq) != 0 || json_str(d, json_get(d, data, "kind"), kind, sizeof(kind)) < 0 ||
        json_str(d, json_get(d, data, "key"), key, sizeof(key)) < 0) {
        log_warn("follow: an entry without seq, kind or key; ignored");
        return;
    }
    json_str(d, json_get(d, data, "at"), at, sizeof(at));
    if (seq > f->head_seq)
        f->head_seq = seq;
    if (seq <= f->last_seq)
        return; /* applied already (a resent backlog) */
    int rc = 0;
    if (strcmp(kind, "action") == 0) {
        rc = follow_action(f, d, data, seq, key, at);
    } else if (strcmp(kind, "game_delete") == 0) {
        store_feed_force(app->store, seq);
        if (core_game(app->core, key)) {
            rc = core_delete(app->core, key);
        } else if ((rc = core_write_begin(app->core)) == 0) {
            rc = core_write_end(app->core, store_feed_append(app->store, kind, key, NULL) == 0);
        }
        store_feed_force(app->store, 0);
    } else {
        size_t plen;
        int tp = json_get(d, data, "payload");
        const char *p = tp >= 0 ? json_raw(d, tp, &plen) : "null";
        if (tp < 0)
            plen = 4;
        char *payload = mem_alloc(plen + 1);
        size_t n = plen;
        memcpy(payload, p, plen);
        payload[n] = '\0';
        store_feed_force(app->store, seq);
        if ((rc = core_write_begin(app->core)) == 0) {
            bool ok = strcmp(kind, "row") == 0     ? store_feed_apply_row(app->store, key, payload, n) == 0
                      : strcmp(kind, "event") == 0 ? store_event_apply(app->store, key, payload, n) == 0
                                                   : store_feed_append(app->store, kind, key, payload) == 0;
            if (ok && strcmp(kind, "event") == 0)
                map_put(&f->events, key, f);
            rc = core_write_end(app->core, ok);
        }
        store_feed_force(app->store, 0);
        free(payload);
    }
    if (rc == 0 && (rc = core_write_begin(app->core)) == 0)
        rc = core_write_end(app->core, store_follow_put(app->store, seq) == 0);
    if (rc != 0) {
        /* Nothing of the batch is certain now: start again from what is committed. */
        log_error("follow: entry %lld (%s %s) could not be written: %s; reconnecting", (long long)seq, kind, key,
                  store_last_error(app->store));
        core_flush(app->core);
        follow_reload_events(f);
        int64_t committed = 0;
        store_follow_get(app->store, &committed);
        f->last_seq = committed;
        if (f->ws)
            wsclient_close(f->ws);
        return;
    }
    f->last_seq = seq;
    f->applied++;
    int64_t w = follow_wall_of(at);
    f->lag_ms = w ? now_wall_ms() - w : 0;
    if (f->lag_ms < 0)
        f->lag_ms = 0;
    follow_defer_flush();
}

static void follow_on_message(wsclient_t *c, const char *data, size_t len, void *user)
{
    follow_t *f = user;
    (void)c;
    static jsmntok_t toks[FOLLOW_MAX_TOKENS];
    json_doc_t d;
    if (json_parse(&d, data, len, toks, FOLLOW_MAX_TOKENS) != 0 || json_type(&d, 0) != JSON_OBJECT) {
        log_warn("follow: a message from the primary is not JSON; ignored");
        return;
    }
    char type[32] = "";
    json_str(&d, json_get(&d, 0, "type"), type, sizeof(type));
    int t = json_get(&d, 0, "data");
    if (strcmp(type, "feed") == 0 && t >= 0) {
        follow_entry(f, &d, t);
    } else if (strcmp(type, "follow_start") == 0 && t >= 0) {
        int64_t schema = 0, mono = 0, last = 0;
        json_int(&d, json_get(&d, t, "schema"), &schema);
        json_int(&d, json_get(&d, t, "mono_ms"), &mono);
        json_int(&d, json_get(&d, t, "last_seq"), &last);
        if (schema > store_schema_latest()) {
            snprintf(f->error, sizeof(f->error),
                     "the primary's database has schema %lld, newer than this binary's %d: run the same or a newer version",
                     (long long)schema, store_schema_latest());
            log_error("follow: %s", f->error);
            f->refused = true;
            wsclient_close(f->ws);
            return;
        }
        json_str(&d, json_get(&d, t, "boot"), f->boot, sizeof(f->boot));
        store_set_boot(f->app->store, f->boot);
        /* One offset per primary process: measured at the first connection (to a
         * few ms on a LAN), kept for the later ones and across our restarts, unless
         * a new measure is far from it (this machine rebooted: another clock). */
        int64_t fresh = mono - now_mono_ms();
        if (store_follow_offset_get(f->app->store, f->boot, &f->offset) != 0 || llabs(fresh - f->offset) > 1000) {
            f->offset = fresh;
            if (core_write_begin(f->app->core) == 0)
                core_write_end(f->app->core, store_follow_offset_put(f->app->store, f->boot, f->offset) == 0);
            follow_defer_flush();
        }
        if (last > f->head_seq)
            f->head_seq = last;
        f->open = true;
        f->error[0] = '\0';
        log_info("follow: following %s after entry %lld (it has %lld)", f->url, (long long)f->last_seq, (long long)last);
    } else if (strcmp(type, "error") == 0) {
        char code[32] = "", msg[160] = "";
        json_str(&d, json_get(&d, t, "code"), code, sizeof(code));
        json_str(&d, json_get(&d, t, "message"), msg, sizeof(msg));
        snprintf(f->error, sizeof(f->error), "the primary refused: %s (%s)", code, msg);
        log_error("follow: %s", f->error);
    }
    f->app->metrics.follow_lag_entries = f->head_seq > f->last_seq ? f->head_seq - f->last_seq : 0;
}

static void follow_on_open(wsclient_t *c, void *user)
{
    follow_t *f = user;
    buf_t b;
    buf_init(&b);
    buf_puts(&b, "{\"type\":\"connect\",\"data\":{\"token\":");
    json_put_cstr(&b, f->token);
    buf_puts(&b, "}}");
    wsclient_send_text(c, b.data, b.len);
    buf_reset(&b);
    buf_printf(&b, "{\"type\":\"follow\",\"data\":{\"after\":%lld}}", (long long)f->last_seq);
    wsclient_send_text(c, b.data, b.len);
    buf_free(&b);
}

static void follow_connect(follow_t *f);

static void follow_on_close(wsclient_t *c, const char *err, void *user)
{
    follow_t *f = user;
    (void)c;
    f->ws = NULL;
    if (f->open || !f->error[0])
        log_warn("follow: connection to %s lost (%s)", f->url, err ? err : "closed");
    if (!f->error[0] || !f->refused)
        snprintf(f->error, sizeof(f->error), "%s", err ? err : "closed");
    f->open = false;
    core_flush(f->app->core);
    follow_reload_events(f);
    if (f->active && !f->refused && !h2o_timeout_is_linked(&f->retry_entry))
        h2o_timeout_link(f->app->loop, &f->retry_timeout, &f->retry_entry);
}

static const wsclient_handlers_t follow_handlers = {follow_on_open, follow_on_message, follow_on_close};

static void follow_connect(follow_t *f)
{
    char err[256], url[300];
    map_free(&f->synced);
    map_init(&f->synced);
    snprintf(url, sizeof(url), "%s/ws", f->url);
    f->ws = wsclient_connect(f->app->loop, url, &follow_handlers, f, err, sizeof(err));
    if (f->ws == NULL) {
        snprintf(f->error, sizeof(f->error), "%.250s", err);
        if (!h2o_timeout_is_linked(&f->retry_entry))
            h2o_timeout_link(f->app->loop, &f->retry_timeout, &f->retry_entry);
    }
}

/* Once a second while following: reconnect when down, or when the primary went
 * silent (a box that lost power closes nothing). */
static void follow_on_retry(h2o_timeout_entry_t *e)
{
    (void)e;
    follow_t *f = &follow_g;
    if (!f->active || f->refused)
        return;
    if (f->ws == NULL) {
        follow_connect(f);
    } else if (now_mono_ms() - wsclient_last_rx(f->ws) > FOLLOW_SILENCE_MS) {
        log_warn("follow: nothing from %s for %d s; reconnecting", f->url, FOLLOW_SILENCE_MS / 1000);
        wsclient_close(f->ws); /* on_close schedules the next attempt */
        return;
    }
    if (!h2o_timeout_is_linked(&f->retry_entry))
        h2o_timeout_link(f->app->loop, &f->retry_timeout, &f->retry_entry);
}

void follow_prepare(app_t *app)
{
    core_set_replica(app->core, true);
    store_feed_replica(app->store, true);
}

void follow_start(app_t *app, const char *url, const char *token)
{
    follow_t *f = &follow_g;
    f->app = app;
    if (!f->timers) {
        f->timers = true;
        buf_init(&f->last_divergence);
        map_init(&f->synced);
        map_init(&f->events);
        h2o_timeout_init(app->loop, &f->retry_timeout, FOLLOW_RETRY_MS);
        h2o_timeout_init(app->loop, &f->flush_timeout, 0);
        f->retry_entry.cb = follow_on_retry;
        f->flush_entry.cb = follow_on_flush;
    }
    snprintf(f->url, sizeof(f->url), "%s", url);
    size_t l = strlen(f->url);
    while (l > 0 && f->url[l - 1] == '/')
        f->url[--l] = '\0';
    snprintf(f->token, sizeof(f->token), "%s", token);
    /* Where to resume: the newest entry it holds. Every applied entry is kept with
     * its number (a log row, a feed row, or follow_state's last_seq for one that
     * wrote nothing), and so is every entry of a backup or of a demoted primary. */
    f->last_seq = store_feed_last(app->store);
    if (f->last_seq < 0)
        f->last_seq = 0;
    f->head_seq = f->last_seq;
    f->active = true;
    f->refused = false;
    f->error[0] = '\0';
    follow_connect(f);
    if (!h2o_timeout_is_linked(&f->retry_entry))
        h2o_timeout_link(app->loop, &f->retry_timeout, &f->retry_entry);
}

static void follow_stop(follow_t *f)
{
    f->active = false;
    if (h2o_timeout_is_linked(&f->retry_entry))
        h2o_timeout_unlink(&f->retry_entry);
    if (f->ws)
        wsclient_close(f->ws);
    core_flush(f->app->core);
    follow_reload_events(f);
}

int follow_promote(app_t *app, char *err, size_t errlen)
{
    follow_t *f = &follow_g;
    if (!f->active) {
        snprintf(err, errlen, "this server is not a follower");
        return -1;
    }
    follow_stop(f);
    core_set_replica(app->core, false);
    store_feed_replica(app->store, false);
    app->metrics.follow_lag_entries = 0;
    log_info("promoted: this server takes changes now (after entry %lld of %s)", (long long)f->last_seq, f->url);
    return 0;
}

int follow_demote(app_t *app, const char *url, const char *token, char *err, size_t errlen)
{
    if (follow_g.active) {
        snprintf(err, errlen, "this server is already a follower");
        return -1;
    }
    if (strncmp(url, "http://", 7) != 0) {
        snprintf(err, errlen, "to: must be an http:// URL");
        return -1;
    }
    buf_t body;
    buf_init(&body);
    int rc = follow_http_get(url, "/healthz", token, &body, err, errlen);
    buf_free(&body);
    if (rc != 0)
        return -1;
    core_flush(app->core);
    follow_prepare(app);
    follow_g.app = app;
    /* Every client learns where to go, then its connection closes (1012: restart). */
    buf_t b;
    buf_init(&b);
    wire_envelope(&b, "server_moved", NULL);
    buf_puts(&b, "{\"url\":");
    json_put_cstr(&b, url);
    buf_puts(&b, "}}");
    hub_send_all(app->hub, b.data, b.len);
    buf_free(&b);
    hub_close_all(app->hub, WS_CLOSE_SERVICE_RESTART, "server moved");
    log_info("demoted: clients sent to %s; following it from entry %lld", url, (long long)store_feed_last(app->store));
    follow_start(app, url, token);
    return 0;
}

void follow_status_json(app_t *app, buf_t *out)
{
    follow_t *f = &follow_g;
    buf_puts(out, "{\"role\":");
    json_put_cstr(out, f->active ? "follower" : "primary");
    buf_puts(out, ",\"primary\":");
    if (f->active)
        json_put_cstr(out, f->url);
    else
        buf_puts(out, "null");
    int64_t last = f->active ? f->last_seq : store_feed_last(app->store);
    buf_printf(out,
               ",\"connected\":%s,\"last_seq\":%lld,\"lag_entries\":%lld,\"lag_ms\":%lld,\"applied\":%lld,\"divergences\":%lld",
               f->active && f->open ? "true" : "false", (long long)last,
               (long long)(f->active && f->head_seq > f->last_seq ? f->head_seq - f->last_seq : 0),
               (long long)(f->active ? f->lag_ms : 0), (long long)f->applied, (long long)f->divergences);
    buf_puts(out, ",\"last_divergence\":");
    if (f->last_divergence.len)
        buf_append(out, f->last_divergence.data, f->last_divergence.len);
    else
        buf_puts(out, "null");
    if (f->active && f->error[0]) {
        buf_puts(out, ",\"error\":");
        json_put_cstr(out, f->error);
    }
    buf_putc(out, '}');
}

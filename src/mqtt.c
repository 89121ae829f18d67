/* The MQTT client: connection and its event-loop plumbing, the publish queue
 * (dirty games and events, drained a loop turn after the commit), Home Assistant
 * discovery. The hall's remote games are in mqtt_hall.c. */
#include "mqtt.h"

#include <errno.h>
#include <fcntl.h>
#include <mosquitto.h>
#include <netdb.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core.h"
#include "hub.h"
#include "json.h"
#include "log.h"
#include "mem.h"
#include "mqtt_impl.h"
#include "now.h"
#include "store.h"
#include "tourney.h"
#include "view.h"

#define MQTT_KEEPALIVE_S 30
#define MQTT_TICK_MS 250             /* housekeeping and reconnect checks */
#define MQTT_BACKOFF_MIN_MS 500
#define MQTT_BACKOFF_MAX_MS 30000
#define MQTT_INFLIGHT_MAX 64         /* publishes awaiting PUBACK; beyond, games wait (latest only) */
#define MQTT_CHANGES_BACKLOG 64      /* change messages per game and drain after an outage */
#define MQTT_CONNECT_TIMEOUT_MS 10000 /* TCP, TLS and CONNACK together; the kernel alone would wait minutes */

/* One game this module knows about. */
typedef struct {
    char id[GAME_ID_MAX + 1];
    int state_mid;             /* message id of its last state (or deletion) until the broker acknowledges it */
    int64_t published_version; /* the last version whose change messages went out */
    bool dirty;                /* its state is to be published */
    bool deleted;              /* publish the empty retained message, then forget */
    bool discovered;           /* its Home Assistant configs went out */
} mqtt_game_t;

/* One event: its latest public state (NULL once deleted), owned here. */
typedef struct {
    char *json;
    size_t len;
    bool dirty;
} mqtt_event_t;

static const char *const mqtt_ha_keys[] = {"p1_score", "p2_score", "p1_cp", "p2_cp", "p1_clock", "p2_clock"};
#define MQTT_HA_N (sizeof(mqtt_ha_keys) / sizeof(mqtt_ha_keys[0]))

static void mqtt_sync(mqtt_t *m);
static void mqtt_close_watch(mqtt_t *m);
static void mqtt_schedule_drain(mqtt_t *m);

/* ---- logging: one line per distinct failure ------------------------------ */

static void mqtt_fail(mqtt_t *m, const char *what)
{
    /* A broker that stays away, or a wrong password or CA, would otherwise log at
     * every attempt: say it once, and again only when the reason changes. */
    if (strcmp(m->last_fail, what) != 0) {
        log_error("mqtt: %s (retrying with backoff; the games are served meanwhile)", what);
        snprintf(m->last_fail, sizeof(m->last_fail), "%s", what);
    }
    m->stats.connect_failures++;
}

static void mqtt_on_log(struct mosquitto *mosq, void *ud, int level, const char *str)
{
    (void)mosq;
    mqtt_t *m = ud;
    /* Only errors are kept (a TLS verification failure says why here); the
     * library's messages carry no credentials. */
    if (level & MOSQ_LOG_ERR)
        snprintf(m->lib_err, sizeof(m->lib_err), "%s", str);
}

/* ---- connection ------------------------------------------------------------ */

static void mqtt_backoff(mqtt_t *m)
{
    m->next_attempt_ms = now_mono_ms() + m->backoff_ms;
    m->backoff_ms = m->backoff_ms * 2 > MQTT_BACKOFF_MAX_MS ? MQTT_BACKOFF_MAX_MS : m->backoff_ms * 2;
}

static void mqtt_on_connect(struct mosquitto *mosq, void *ud, int rc, int flags, const mosquitto_property *props)
{
    (void)mosq;
    (void)props;
    mqtt_t *m = ud;
    if (rc != 0) {
        char what[200];
        snprintf(what, sizeof(what), "the broker refused the connection: %s", mosquitto_connack_string(rc));
        mqtt_fail(m, what);
        m->refused = true; /* the disconnect that follows says nothing more */
        return;
    }
    bool session = (flags & 1) != 0;
    m->connected = true;
    m->backoff_ms = MQTT_BACKOFF_MIN_MS;
    if (m->stats.connects++ > 0)
        m->stats.reconnects++;
    m->last_fail[0] = '\0';
    log_info("mqtt: connected to the broker (%s session), publishing under %s", session ? "kept" : "new", m->prefix);
    mosquitto_publish(m->mosq, NULL, m->status_topic, 6, "online", 1, true);
    m->inflight++;
    mosquitto_subscribe(m->mosq, NULL, m->hall_sub, 1);
    mosquitto_subscribe(m->mosq, NULL, m->hall_status_sub, 1);
    if (!session) {
        /* The broker kept nothing for us (restarted without persistence, or
         * first contact): every retained state is published again. */
        mqtt_mark_all(m);
    }
    mqtt_schedule_drain(m);
}

static void mqtt_on_disconnect(struct mosquitto *mosq, void *ud, int rc, const mosquitto_property *props)
{
    (void)mosq;
    (void)props;
    mqtt_t *m = ud;
    bool was = m->connected;
    m->connected = false;
    m->reported = true;
    if (m->stopping)
        return;
    m->fresh_needed = true;
    if (was) {
        m->last_fail[0] = '\0';
        char what[300];
        snprintf(what, sizeof(what), "lost the broker: %s", rc == MOSQ_ERR_ERRNO ? strerror(errno) : mosquitto_strerror(rc));
        mqtt_fail(m, what);
    } else if (!m->refused) {
        char what[300];
        snprintf(what, sizeof(what), "cannot connect to the broker: %s",
                 m->lib_err[0] ? m->lib_err : rc == MOSQ_ERR_ERRNO ? strerror(errno) : mosquitto_strerror(rc));
        mqtt_fail(m, what);
    }
    m->lib_err[0] = '\0';
    mqtt_backoff(m);
}

static void mqtt_on_publish(struct mosquitto *mosq, void *ud, int mid, int rc, const mosquitto_property *props)
{
    (void)mosq;
    (void)rc;
    (void)props;
    mqtt_t *m = ud;
    m->stats.published++;
    if (m->inflight > 0)
        m->inflight--;
    char key[16];
    snprintf(key, sizeof(key), "%d", mid);
    mqtt_game_t *gs = map_del(&m->mids, key);
    if (gs != NULL && gs->state_mid == mid) {
        gs->state_mid = 0;
        if (gs->deleted && !gs->dirty) {
            /* The broker has the empty retained message: nothing left to remember. */
            map_del(&m->games, gs->id);
            free(gs);
        }
    }
    if (m->ndirty > 0)
        mqtt_schedule_drain(m);
}

static int mqtt_client_new(mqtt_t *m, char *err, size_t errlen);

/* After a lost connection: a fresh client, so that libmosquitto does not send
 * again the states that were in flight (they are older than what is pending now;
 * the games they belong to are marked dirty instead, see mqtt_forget_inflight). */
static int mqtt_fresh_client(mqtt_t *m)
{
    char err[200];
    mqtt_close_watch(m);
    mosquitto_destroy(m->mosq);
    m->mosq = NULL;
    mqtt_forget_inflight(m);
    if (mqtt_client_new(m, err, sizeof(err)) != 0) {
        mqtt_fail(m, err);
        if (m->mosq) {
            mosquitto_destroy(m->mosq);
            m->mosq = NULL;
        }
        return -1;
    }
    m->fresh_needed = false;
    return 0;
}

static void mqtt_attempt(mqtt_t *m)
{
    if ((m->fresh_needed || m->mosq == NULL) && mqtt_fresh_client(m) != 0) {
        mqtt_backoff(m);
        return;
    }
    m->stats.attempts++;
    m->attempt_ms = now_mono_ms();
    m->lib_err[0] = '\0';
    m->refused = false;
    m->reported = false;
    int rc = mosquitto_connect_async(m->mosq, m->host, m->url.port, MQTT_KEEPALIVE_S);
    if (rc != MOSQ_ERR_SUCCESS) {
        char what[300];
        snprintf(what, sizeof(what), "cannot connect to the broker: %s",
                 m->lib_err[0] ? m->lib_err : rc == MOSQ_ERR_ERRNO ? strerror(errno) : mosquitto_strerror(rc));
        mqtt_fail(m, what);
        mqtt_backoff(m);
    }
}

/* ---- the socket in h2o's loop ---------------------------------------------- */

static void mqtt_close_watch(mqtt_t *m)
{
    if (m->sock == NULL)
        return;
    h2o_socket_read_stop(m->sock);
    h2o_socket_close(m->sock); /* closes our duplicate; libmosquitto owns its own descriptor */
    m->sock = NULL;
    m->watched_fd = -1;
    m->write_armed = false;
}

/* A read or write failed and libmosquitto closed its socket. A connection that
 * breaks reaches mqtt_on_disconnect, but an attempt that fails before the CONNACK
 * (a TLS handshake refused for a wrong CA, say) does not: count, log and back off
 * here, so that such attempts are not repeated at every tick. */
static void mqtt_io_failed(mqtt_t *m, int rc)
{
    if (rc == MOSQ_ERR_SUCCESS || m->reported || m->stopping || mosquitto_socket(m->mosq) >= 0)
        return;
    bool was = m->connected;
    m->reported = true;
    m->connected = false;
    m->fresh_needed = true;
    char what[300];
    if (was)
        m->last_fail[0] = '\0';
    snprintf(what, sizeof(what), "%s: %s", was ? "lost the broker" : "cannot connect to the broker",
             m->lib_err[0] ? m->lib_err : rc == MOSQ_ERR_ERRNO ? strerror(errno) : mosquitto_strerror(rc));
    mqtt_fail(m, what);
    m->lib_err[0] = '\0';
    mqtt_backoff(m);
}

static void mqtt_on_writable(h2o_socket_t *sock, const char *err)
{
    (void)err;
    mqtt_t *m = sock->data;
    m->write_armed = false;
    int rc = mosquitto_loop_write(m->mosq, 16);
    /* A TLS handshake that wants to write goes on in loop_read (libmosquitto's
     * own loop does the same): give it the turn when writing made no progress. */
    if (rc == MOSQ_ERR_SUCCESS && mosquitto_socket(m->mosq) >= 0 && mosquitto_want_write(m->mosq))
        rc = mosquitto_loop_read(m->mosq, 1);
    mqtt_io_failed(m, rc);
    /* After an error libmosquitto's socket is closed: follow its descriptor. */
    mqtt_sync(m);
}

static void mqtt_on_readable(h2o_socket_t *sock, const char *err)
{
    (void)err;
    mqtt_t *m = sock->data;
    mqtt_io_failed(m, mosquitto_loop_read(m->mosq, 64));
    mqtt_sync(m);
}

/* Follows libmosquitto's descriptor: a watcher on a duplicate of it (so each side
 * closes its own), write interest while it has something to send. */
static void mqtt_sync(mqtt_t *m)
{
    int fd = mosquitto_socket(m->mosq);
    if (fd != m->watched_fd)
        mqtt_close_watch(m);
    if (fd < 0)
        return;
    if (m->sock == NULL) {
        int dup_fd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
        if (dup_fd < 0) {
            mqtt_fail(m, "cannot watch the broker's socket (out of descriptors)");
            mosquitto_disconnect(m->mosq);
            return;
        }
        m->sock = h2o_evloop_socket_create(m->app->loop, dup_fd, H2O_SOCKET_FLAG_DONT_READ);
        m->sock->data = m;
        m->watched_fd = fd;
        h2o_socket_read_start(m->sock, mqtt_on_readable);
    }
    if (!m->write_armed && mosquitto_want_write(m->mosq)) {
        m->write_armed = true;
        h2o_socket_notify_write(m->sock, mqtt_on_writable);
    }
}

static void mqtt_on_tick(h2o_timeout_entry_t *entry)
{
    mqtt_t *m = H2O_STRUCT_FROM_MEMBER(mqtt_t, tick_entry, entry);
    int64_t now = now_mono_ms();
    if (mosquitto_socket(m->mosq) >= 0 && !m->connected && now - m->attempt_ms > MQTT_CONNECT_TIMEOUT_MS) {
        /* A broker that takes the connection and never answers (or packets that
         * vanish): give up on this attempt; a fresh client closes the socket. */
        mqtt_fail(m, "the broker did not answer within 10 s");
        if (mqtt_fresh_client(m) == 0)
            m->fresh_needed = false;
        mqtt_backoff(m);
    } else if (mosquitto_socket(m->mosq) >= 0) {
        mosquitto_loop_misc(m->mosq); /* keepalive pings, and noticing a silent broker */
    } else if (now >= m->next_attempt_ms) {
        mqtt_attempt(m);
    }
    mqtt_sync(m);
    h2o_timeout_link(m->app->loop, &m->tick_timeout, &m->tick_entry);
}

/* ---- what is published ------------------------------------------------------ */

static void mqtt_topic(const mqtt_t *m, char *out, size_t cap, const char *kind, const char *id, const char *tail)
{
    snprintf(out, cap, "%s/%s/%s%s", m->prefix, kind, id, tail);
}

/* Publishes with QoS 1; the message id, or 0 when libmosquitto refused it. */
static int mqtt_send(mqtt_t *m, const char *topic, const void *payload, size_t len, bool retain)
{
    int mid = 0;
    if (mosquitto_publish(m->mosq, &mid, topic, (int)len, len ? payload : NULL, 1, retain) != MOSQ_ERR_SUCCESS)
        return 0;
    m->inflight++;
    return mid;
}

/* Remembers which message carries gs's state, so that a connection lost before
 * the broker acknowledged it publishes the game again. */
static void mqtt_track(mqtt_t *m, mqtt_game_t *gs, int mid)
{
    char key[16];
    if (gs->state_mid != 0) {
        snprintf(key, sizeof(key), "%d", gs->state_mid);
        map_del(&m->mids, key);
    }
    gs->state_mid = mid;
    if (mid != 0) {
        snprintf(key, sizeof(key), "%d", mid);
        map_put(&m->mids, key, gs);
    }
}

void mqtt_forget_inflight(mqtt_t *m)
{
    const char *key;
    void *val;
    for (size_t i = 0; map_next(&m->games, &i, &key, &val);) {
        mqtt_game_t *gs = val;
        if (gs->state_mid == 0)
            continue;
        gs->state_mid = 0;
        if (!gs->dirty)
            m->ndirty++;
        gs->dirty = true;
    }
    for (size_t i = 0; map_next(&m->events, &i, &key, &val);) {
        mqtt_event_t *ev = val;
        if (!ev->dirty)
            m->ndirty++;
        ev->dirty = true;
    }
    map_free(&m->mids);
    map_init(&m->mids);
    m->inflight = 0;
}

/* Home Assistant: six sensors per game, reading the retained game topic. */
static void mqtt_ha_topic(const mqtt_t *m, char *out, size_t cap, const char *game_id, const char *key)
{
    char obj[64];
    size_t i = 0;
    for (; game_id[i] && i < sizeof(obj) - 1; i++)
        obj[i] = game_id[i] == '.' ? '_' : game_id[i];
    obj[i] = '\0';
    snprintf(out, cap, "homeassistant/sensor/%s/%s_%s/config", m->node, obj, key);
}

static void mqtt_ha_publish(mqtt_t *m, const char *game_id, bool remove)
{
    char topic[300], state[256];
    mqtt_topic(m, state, sizeof(state), "games", game_id, "");
    for (size_t k = 0; k < MQTT_HA_N; k++) {
        mqtt_ha_topic(m, topic, sizeof(topic), game_id, mqtt_ha_keys[k]);
        if (remove) {
            mqtt_send(m, topic, NULL, 0, true);
            continue;
        }
        int p = mqtt_ha_keys[k][1] - '1';
        const char *what = strchr(mqtt_ha_keys[k], '_') + 1;
        buf_t b;
        buf_init(&b);
        char text[200];
        buf_puts(&b, "{\"name\":");
        snprintf(text, sizeof(text), "%s player %d %s", game_id, p + 1,
                 strcmp(what, "score") == 0 ? "score" : strcmp(what, "cp") == 0 ? "CP" : "clock");
        json_put_cstr(&b, text);
        buf_puts(&b, ",\"unique_id\":");
        snprintf(text, sizeof(text), "%s_%s_%s", m->node, game_id, mqtt_ha_keys[k]);
        json_put_cstr(&b, text);
        buf_puts(&b, ",\"state_topic\":");
        json_put_cstr(&b, state);
        if (strcmp(what, "clock") == 0)
            buf_printf(&b, ",\"value_template\":\"{{ (value_json.players[%d].time_remaining / 1000) | round(0) }}\""
                           ",\"unit_of_measurement\":\"s\",\"device_class\":\"duration\"", p);
        else
            buf_printf(&b, ",\"value_template\":\"{{ value_json.players[%d].%s }}\",\"state_class\":\"measurement\"", p,
                       what);
        buf_puts(&b, ",\"availability_topic\":");
        json_put_cstr(&b, m->status_topic);
        buf_puts(&b, ",\"payload_available\":\"online\",\"payload_not_available\":\"offline\",\"device\":{\"identifiers\":[");
        snprintf(text, sizeof(text), "%s_%s", m->node, game_id);
        json_put_cstr(&b, text);
        buf_puts(&b, "],\"name\":");
        snprintf(text, sizeof(text), "%s %s", m->box, game_id);
        json_put_cstr(&b, text);
        buf_puts(&b, ",\"manufacturer\":\"State Server\",\"model\":\"scoreboard\"}}");
        mqtt_send(m, topic, b.data, b.len, true);
        buf_free(&b);
    }
}

typedef struct {
    mqtt_t *m;
    const char *game_id;
    int64_t after, upto; /* the entries sent: after < version <= upto (the committed one) */
} mqtt_changes_t;

static void mqtt_on_history(void *ctx, int64_t version, const char *at, const char *actor, const char *type, const char *data,
                            int64_t undone_by, int round)
{
    (void)data;
    (void)round;
    (void)undone_by;
    mqtt_changes_t *c = ctx;
    if (version <= c->after || version > c->upto)
        return;
    char topic[256];
    mqtt_topic(c->m, topic, sizeof(topic), "games", c->game_id, "/changes");
    buf_t b;
    buf_init(&b);
    buf_printf(&b, "{\"version\":%lld,\"type\":", (long long)version);
    json_put_cstr(&b, type);
    buf_puts(&b, ",\"actor\":");
    json_put_cstr(&b, actor);
    buf_puts(&b, ",\"at\":");
    json_put_cstr(&b, at);
    buf_putc(&b, '}');
    mqtt_send(c->m, topic, b.data, b.len, false);
    buf_free(&b);
}

static void mqtt_publish_game(mqtt_t *m, const char *game_id, mqtt_game_t *gs)
{
    char topic[256];
    mqtt_topic(m, topic, sizeof(topic), "games", game_id, "");
    if (gs->deleted) {
        if (gs->discovered || m->app->cfg.mqtt_discovery)
            mqtt_ha_publish(m, game_id, true);
        mqtt_track(m, gs, mqtt_send(m, topic, NULL, 0, true));
        return;
    }
    core_t *c = m->app->core;
    const game_t *g = core_committed(c, game_id);
    view_meta_t meta = {NULL, NULL, {false, false}, now_mono_ms(), now_wall_ms(), NULL};
    if (g == NULL || !core_stamps(c, game_id, &meta.created_at, &meta.updated_at))
        return;
    buf_t block; /* a game of an event carries its `event` block, as on the WebSocket */
    buf_init(&block);
    if (m->app->tourney && tourney_block(m->app->tourney, game_id, &block))
        meta.event_block = block.data;
    meta.connected[0] = hub_player_connections(m->app->hub, game_id, 1) > 0;
    meta.connected[1] = hub_player_connections(m->app->hub, game_id, 2) > 0;
    if (m->app->cfg.mqtt_discovery && !gs->discovered) {
        mqtt_ha_publish(m, game_id, false);
        gs->discovered = true;
    }
    /* The observer's view: no private notes, no host. settings, no token. */
    buf_t b;
    buf_init(&b);
    view_render(&b, g, VIEW_OBSERVER, &meta);
    mqtt_track(m, gs, mqtt_send(m, topic, b.data, b.len, true));
    buf_free(&b);
    buf_free(&block);
    if (g->version > gs->published_version) {
        /* After an outage only the newest MQTT_CHANGES_BACKLOG changes go out. */
        int64_t from = gs->published_version, oldest = g->version - MQTT_CHANGES_BACKLOG;
        if (from < oldest) {
            m->stats.changes_dropped += oldest - from;
            from = oldest;
        }
        mqtt_changes_t ch = {m, game_id, from, g->version};
        store_history_after(m->app->store, game_id, from, mqtt_on_history, &ch);
        gs->published_version = g->version;
    }
}

static void mqtt_on_drain(h2o_timeout_entry_t *entry)
{
    mqtt_t *m = H2O_STRUCT_FROM_MEMBER(mqtt_t, drain_entry, entry);
    if (!m->connected)
        return;
    const char *key;
    void *val;
    for (size_t i = 0; m->ndirty > 0 && m->inflight < MQTT_INFLIGHT_MAX && map_next(&m->games, &i, &key, &val);) {
        mqtt_game_t *gs = val;
        if (!gs->dirty)
            continue;
        gs->dirty = false;
        m->ndirty--;
        mqtt_publish_game(m, key, gs);
        if (gs->deleted && gs->state_mid == 0) {
            map_del(&m->games, key); /* unsent: forgotten (the next session republishes what exists) */
            free(gs);
        }
    }
    for (size_t i = 0; m->ndirty > 0 && m->inflight < MQTT_INFLIGHT_MAX && map_next(&m->events, &i, &key, &val);) {
        mqtt_event_t *ev = val;
        if (!ev->dirty)
            continue;
        ev->dirty = false;
        m->ndirty--;
        char topic[256];
        mqtt_topic(m, topic, sizeof(topic), "events", key, "");
        mqtt_send(m, topic, ev->json, ev->json ? ev->len : 0, true);
        if (ev->json == NULL) {
            map_del(&m->events, key);
            free(ev);
        }
    }
    mqtt_sync(m);
}

static void mqtt_schedule_drain(mqtt_t *m)
{
    if (m->connected && !h2o_timeout_is_linked(&m->drain_entry))
        h2o_timeout_link(m->app->loop, &m->drain_timeout, &m->drain_entry);
}

static mqtt_game_t *mqtt_game_of(mqtt_t *m, const char *game_id)
{
    mqtt_game_t *gs = map_get(&m->games, game_id);
    if (gs == NULL) {
        gs = mem_zalloc(sizeof(*gs));
        snprintf(gs->id, sizeof(gs->id), "%s", game_id);
        map_put(&m->games, game_id, gs);
    }
    return gs;
}

static void mqtt_mark(mqtt_t *m, bool *dirty)
{
    if (*dirty)
        m->stats.superseded++; /* the state waiting to go out is replaced by a newer one */
    else
        m->ndirty++;
    *dirty = true;
}

void mqtt_mark_all(mqtt_t *m)
{
    const char *key;
    void *val;
    for (size_t i = 0; map_next(&m->games, &i, &key, &val);) {
        mqtt_game_t *gs = val;
        if (!gs->dirty)
            m->ndirty++;
        gs->dirty = true;
        gs->discovered = false;
    }
    for (size_t i = 0; map_next(&m->events, &i, &key, &val);) {
        mqtt_event_t *ev = val;
        if (!ev->dirty)
            m->ndirty++;
        ev->dirty = true;
    }
}

void mqtt_game_changed(mqtt_t *m, const char *game_id)
{
    if (m == NULL || core_committed(m->app->core, game_id) == NULL)
        return;
    mqtt_game_t *gs = mqtt_game_of(m, game_id);
    gs->deleted = false;
    mqtt_mark(m, &gs->dirty);
    mqtt_schedule_drain(m);
}

void mqtt_game_deleted(mqtt_t *m, const char *game_id)
{
    if (m == NULL)
        return;
    mqtt_game_t *gs = mqtt_game_of(m, game_id);
    gs->deleted = true;
    mqtt_mark(m, &gs->dirty);
    mqtt_schedule_drain(m);
}

void mqtt_publish_event(mqtt_t *m, const char *event_id, const char *json, size_t len)
{
    if (m == NULL)
        return;
    mqtt_event_t *ev = map_get(&m->events, event_id);
    if (ev == NULL) {
        ev = mem_zalloc(sizeof(*ev));
        map_put(&m->events, event_id, ev);
    }
    free(ev->json);
    ev->json = json ? mem_strndup(json, len) : NULL;
    ev->len = json ? len : 0;
    mqtt_mark(m, &ev->dirty);
    mqtt_schedule_drain(m);
}

/* ---- set-up and metrics -------------------------------------------------------- */

static void mqtt_add_known(void *ctx, const game_t *g)
{
    mqtt_t *m = ctx;
    mqtt_game_t *gs = mqtt_game_of(m, g->id);
    gs->published_version = g->version; /* the log before start-up is not replayed */
    /* The first connection publishes every state, whatever the broker kept: what
     * was pending when the server stopped is lost with it, and a restart pauses
     * active games without a change. */
    gs->dirty = true;
    m->ndirty++;
}

/* The host name, made safe as one topic level. */
static void mqtt_hostname(char *out, size_t cap)
{
    char h[256] = "";
    if (gethostname(h, sizeof(h) - 1) != 0 || h[0] == '\0')
        snprintf(h, sizeof(h), "box");
    size_t o = 0;
    for (const char *p = h; *p && o + 1 < cap; p++)
        out[o++] = (*p == '/' || *p == '+' || *p == '#' || (unsigned char)*p <= ' ') ? '-' : *p;
    out[o] = '\0';
}

void mqtt_box(const mqtt_t *m, char *out, size_t cap)
{
    if (m != NULL)
        snprintf(out, cap, "%s", m->box);
    else
        mqtt_hostname(out, cap);
}

/* A libmosquitto client with our settings. A persistent session (clean session
 * off) under a fixed id: the broker keeps the hall subscription across an outage,
 * and its "session present" flag tells us when it kept nothing. */
static int mqtt_client_new(mqtt_t *m, char *err, size_t errlen)
{
    const config_t *cfg = &m->app->cfg;
    m->mosq = mosquitto_new(m->prefix, false, m);
    if (m->mosq == NULL) {
        snprintf(err, errlen, "mqtt: cannot create the client: %s", strerror(errno));
        return -1;
    }
    mosquitto_int_option(m->mosq, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311);
    mosquitto_log_callback_set(m->mosq, mqtt_on_log);
    mosquitto_connect_v5_callback_set(m->mosq, mqtt_on_connect);
    mosquitto_disconnect_v5_callback_set(m->mosq, mqtt_on_disconnect);
    mosquitto_publish_v5_callback_set(m->mosq, mqtt_on_publish);
    mosquitto_message_callback_set(m->mosq, mqtt_hall_on_message);
    if (m->url.user[0] && mosquitto_username_pw_set(m->mosq, m->url.user, m->url.has_password ? m->url.password : NULL) != 0) {
        snprintf(err, errlen, "mqtt: cannot set the user name");
        return -1;
    }
    if (mosquitto_will_set(m->mosq, m->status_topic, 7, "offline", 1, true) != MOSQ_ERR_SUCCESS) {
        snprintf(err, errlen, "mqtt: cannot set the will on %s", m->status_topic);
        return -1;
    }
    if (m->url.tls) {
        const char *ca = cfg->mqtt_ca[0] ? cfg->mqtt_ca : NULL;
        if (mosquitto_tls_set(m->mosq, ca, ca ? NULL : "/etc/ssl/certs", NULL, NULL, NULL) != MOSQ_ERR_SUCCESS) {
            snprintf(err, errlen, "mqtt: cannot set up TLS%s%s", ca ? " with " : "", ca ? ca : "");
            return -1;
        }
    }
    return 0;
}

mqtt_t *mqtt_start(app_t *app, char *err, size_t errlen)
{
    const config_t *cfg = &app->cfg;
    mqtt_t *m = mem_zalloc(sizeof(*m));
    m->app = app;
    m->watched_fd = -1;
    m->backoff_ms = MQTT_BACKOFF_MIN_MS;
    map_init(&m->games);
    map_init(&m->events);
    map_init(&m->remotes);
    map_init(&m->mids);
    map_init(&m->boxes);
    if (mqtturl_parse(cfg->mqtt, &m->url, err, errlen) != 0) {
        mqtt_stop(m);
        return NULL;
    }
    if (cfg->mqtt_prefix[0]) {
        snprintf(m->prefix, sizeof(m->prefix), "%s", cfg->mqtt_prefix);
    } else {
        char h[64];
        mqtt_hostname(h, sizeof(h));
        snprintf(m->prefix, sizeof(m->prefix), "state-server/%s", h);
    }
    const char *last = strrchr(m->prefix, '/');
    snprintf(m->box, sizeof(m->box), "%s", last ? last + 1 : m->prefix);
    size_t o = 0;
    for (const char *p = m->prefix; *p && o + 1 < sizeof(m->node); p++)
        m->node[o++] = strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-", *p) ? *p : '_';
    m->node[o] = '\0';
    snprintf(m->status_topic, sizeof(m->status_topic), "%s/status", m->prefix);
    snprintf(m->hall_sub, sizeof(m->hall_sub), "%s/games/+", cfg->mqtt_hall);
    snprintf(m->hall_status_sub, sizeof(m->hall_status_sub), "%s/status", cfg->mqtt_hall);

    /* Names are resolved here, once, before the server serves: libmosquitto's
     * connect resolves with getaddrinfo, which would block the loop at every
     * attempt. With mqtts:// the name stays (the certificate is checked against
     * it), so each attempt resolves it: see docs/mqtt.md. */
    snprintf(m->host, sizeof(m->host), "%s", m->url.host);
    unsigned char tmp[sizeof(struct in6_addr)];
    bool numeric = inet_pton(AF_INET, m->url.host, tmp) == 1 || inet_pton(AF_INET6, m->url.host, tmp) == 1;
    if (!numeric && !m->url.tls) {
        struct addrinfo hints = {0}, *res = NULL;
        hints.ai_socktype = SOCK_STREAM;
        if (getaddrinfo(m->url.host, NULL, &hints, &res) == 0 && res != NULL) {
            getnameinfo(res->ai_addr, res->ai_addrlen, m->host, sizeof(m->host), NULL, 0, NI_NUMERICHOST);
            freeaddrinfo(res);
        } else {
            log_warn("mqtt: cannot resolve the broker's name now; each connection attempt will resolve it");
        }
    }

    mosquitto_lib_init();
    m->lib = true;
    if (cfg->mqtt_ca[0] && access(cfg->mqtt_ca, R_OK) != 0) {
        snprintf(err, errlen, "--mqtt-ca: cannot read %s: %s", cfg->mqtt_ca, strerror(errno));
        mqtt_stop(m);
        return NULL;
    }
    if (mqtt_client_new(m, err, errlen) != 0) {
        mqtt_stop(m);
        return NULL;
    }
    core_each(app->core, mqtt_add_known, m);

    h2o_timeout_init(app->loop, &m->tick_timeout, MQTT_TICK_MS);
    m->tick_entry.cb = mqtt_on_tick;
    /* 1 ms, not 0: the drain then runs in a later loop turn than the commit, after
     * the acks and broadcasts of that turn are on their way. */
    h2o_timeout_init(app->loop, &m->drain_timeout, 1);
    m->drain_entry.cb = mqtt_on_drain;
    m->timers = true;
    log_info("mqtt: broker %s:%d%s, prefix %s, hall %s%s", m->url.host, m->url.port, m->url.tls ? " (TLS)" : "", m->prefix,
             m->hall_sub, cfg->mqtt_discovery ? ", Home Assistant discovery on" : "");
    mqtt_attempt(m);
    mqtt_sync(m);
    h2o_timeout_link(app->loop, &m->tick_timeout, &m->tick_entry);
    return m;
}

void mqtt_stop(mqtt_t *m)
{
    if (m == NULL)
        return;
    if (m->mosq != NULL) {
        if (m->connected) {
            m->stopping = true;
            mosquitto_publish(m->mosq, NULL, m->status_topic, 7, "offline", 1, true);
            mosquitto_disconnect(m->mosq);
            /* A short wait for the broker to take it: shutting down must not hang. */
            int64_t deadline = now_mono_ms() + 500;
            while (mosquitto_socket(m->mosq) >= 0 && mosquitto_want_write(m->mosq) && now_mono_ms() < deadline)
                if (mosquitto_loop_write(m->mosq, 16) != MOSQ_ERR_SUCCESS || mosquitto_want_write(m->mosq))
                    usleep(5000);
        }
        m->stopping = true;
        mqtt_close_watch(m);
        mosquitto_destroy(m->mosq);
    }
    if (m->lib)
        mosquitto_lib_cleanup();
    if (m->timers) {
        if (h2o_timeout_is_linked(&m->tick_entry))
            h2o_timeout_unlink(&m->tick_entry);
        if (h2o_timeout_is_linked(&m->drain_entry))
            h2o_timeout_unlink(&m->drain_entry);
        h2o_timeout_dispose(m->app->loop, &m->tick_timeout);
        h2o_timeout_dispose(m->app->loop, &m->drain_timeout);
    }
    const char *key;
    void *val;
    for (size_t i = 0; map_next(&m->games, &i, &key, &val);)
        free(val);
    for (size_t i = 0; map_next(&m->events, &i, &key, &val);) {
        free(((mqtt_event_t *)val)->json);
        free(val);
    }
    mqtt_hall_free(m);
    map_free(&m->games);
    map_free(&m->events);
    map_free(&m->mids);
    explicit_bzero(&m->url, sizeof(m->url));
    free(m);
}

void mqtt_metrics(const mqtt_t *m, buf_t *out)
{
    if (m == NULL)
        return;
    buf_printf(out,
               "# HELP state_mqtt_connected 1 while the MQTT broker is connected.\n# TYPE state_mqtt_connected gauge\n"
               "state_mqtt_connected %d\n"
               "# HELP state_mqtt_published_total Messages the broker acknowledged (QoS 1).\n"
               "# TYPE state_mqtt_published_total counter\nstate_mqtt_published_total %lld\n"
               "# HELP state_mqtt_superseded_total States dropped unsent because a newer one of the same game or event replaced them.\n"
               "# TYPE state_mqtt_superseded_total counter\nstate_mqtt_superseded_total %lld\n"
               "# HELP state_mqtt_reconnects_total Connections made again after the first.\n"
               "# TYPE state_mqtt_reconnects_total counter\nstate_mqtt_reconnects_total %lld\n"
               "# HELP state_mqtt_connect_failures_total Failed or lost connections.\n"
               "# TYPE state_mqtt_connect_failures_total counter\nstate_mqtt_connect_failures_total %lld\n"
               "# HELP state_mqtt_changes_dropped_total Change messages not sent (older than the backlog kept after an outage).\n"
               "# TYPE state_mqtt_changes_dropped_total counter\nstate_mqtt_changes_dropped_total %lld\n"
               "# HELP state_mqtt_pending Games and events waiting to be published.\n"
               "# TYPE state_mqtt_pending gauge\nstate_mqtt_pending %lld\n"
               "# HELP state_mqtt_inflight Publishes awaiting the broker's acknowledgement.\n"
               "# TYPE state_mqtt_inflight gauge\nstate_mqtt_inflight %d\n"
               "# HELP state_mqtt_remote_games Games of other boxes held for the hall.\n"
               "# TYPE state_mqtt_remote_games gauge\nstate_mqtt_remote_games %lld\n",
               m->connected ? 1 : 0, (long long)m->stats.published, (long long)m->stats.superseded,
               (long long)m->stats.reconnects, (long long)m->stats.connect_failures, (long long)m->stats.changes_dropped,
               (long long)m->ndirty, m->inflight, (long long)m->nremote);
}

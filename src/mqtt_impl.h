/* Shared inside the MQTT module (mqtt.c, mqtt_hall.c); nothing else includes it. */
#ifndef STATE_MQTT_IMPL_H
#define STATE_MQTT_IMPL_H

#include <h2o.h>
#include <mosquitto.h>
#include <stdbool.h>
#include <stdint.h>

#include "map.h"
#include "mqtt.h"
#include "mqtturl.h"

struct mqtt {
    app_t *app;
    struct mosquitto *mosq;
    mqtturl_t url;         /* holds the password: never logged, wiped at the end */
    char host[256];        /* what the client connects to (resolved once, see mqtt_start) */
    char prefix[128];      /* P */
    char box[128];         /* the last level of P: this box's name in the hall */
    char node[128];        /* P as a Home Assistant node id */
    char status_topic[160];
    char hall_sub[128];    /* FILTER/games/+ */
    char hall_status_sub[128]; /* FILTER/status: which boxes are online */
    h2o_socket_t *sock;    /* watches a duplicate of libmosquitto's descriptor (ours to close) */
    int watched_fd;        /* libmosquitto's descriptor that sock duplicates, or -1 */
    bool write_armed;      /* a write notification is pending on sock */
    bool connected;        /* CONNACK accepted, not lost since */
    bool refused;          /* the current attempt's CONNACK was a refusal (already logged) */
    bool reported;         /* the end of the current attempt or connection has been handled */
    bool stopping;
    bool timers;           /* the timeouts below are initialised */
    int64_t next_attempt_ms;
    int64_t attempt_ms;    /* when the current attempt began */
    int64_t backoff_ms;
    h2o_timeout_t tick_timeout;
    h2o_timeout_entry_t tick_entry;
    h2o_timeout_t drain_timeout;
    h2o_timeout_entry_t drain_entry;
    map_t games;           /* game id -> mqtt_game_t (owned) */
    map_t events;          /* event id -> mqtt_event_t (owned) */
    map_t remotes;         /* topic -> mqtt_remote_t (owned): other boxes' games */
    map_t mids;            /* message id -> the game whose state it carries (not owned) */
    map_t boxes;           /* another box's prefix -> one of two markers of mqtt_hall.c (no allocation) */
    bool fresh_needed;     /* a connection was lost: the next attempt starts a new client */
    bool lib;              /* mosquitto_lib_init was called */
    int64_t ndirty;        /* games and events marked dirty */
    int64_t nremote;
    int inflight;          /* publishes not yet acknowledged */
    char last_fail[300];   /* the failure last logged (so it is logged once) */
    char lib_err[256];     /* libmosquitto's last error message of this attempt */
    struct {
        int64_t published, superseded, reconnects, connects, attempts, connect_failures, changes_dropped;
    } stats;
};

/* Marks every game and event for publishing (the broker kept no session). */
void mqtt_mark_all(mqtt_t *m);
/* A connection was lost: the games whose state was not acknowledged are marked
 * for publishing again, and the count of messages in flight starts over. */
void mqtt_forget_inflight(mqtt_t *m);
/* libmosquitto's message callback: a retained game of some box, or its removal. */
void mqtt_hall_on_message(struct mosquitto *mosq, void *ud, const struct mosquitto_message *msg);
/* Frees the remote games. */
void mqtt_hall_free(mqtt_t *m);

#endif

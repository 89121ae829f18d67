/* The MQTT client of PROTOCOL.md section 13: publishes this box's games (their
 * observer view, retained), the change stream, the events' public state and the
 * box's status to a broker, and keeps the games other boxes publish for the hall.
 *
 * libmosquitto does the protocol; this module drives it from the server's h2o
 * event loop (its socket watched through a duplicate descriptor, its housekeeping
 * on a timer), with no thread of its own. Nothing here ever waits for the broker:
 * a change marks its game dirty, and the publishing happens in a later loop turn,
 * so acks and broadcasts never wait. While the broker is away only "this game is
 * dirty" is kept per game (the state is rendered from the core when it is sent),
 * so memory stays bounded however many changes happen meanwhile.
 *
 * mqtt_t is owned by server.c (mqtt_start, mqtt_stop). Every function accepts a
 * NULL mqtt_t (MQTT off) and then does nothing. */
#ifndef STATE_MQTT_H
#define STATE_MQTT_H

#include <stdbool.h>
#include <stddef.h>

#include "app.h"
#include "buf.h"

typedef struct mqtt mqtt_t;

/* Sets up the client from app->cfg (mqtt, mqtt_prefix, mqtt_hall, mqtt_ca,
 * mqtt_discovery) and starts connecting; app->loop and app->core must exist. A
 * broker that cannot be reached is no error (it is retried with backoff); NULL
 * with err only for what cannot work at all (an unreadable CA file). */
mqtt_t *mqtt_start(app_t *app, char *err, size_t errlen);
/* Publishes status "offline" (a clean disconnect sends no will), disconnects
 * (waiting at most a short moment for the broker) and frees everything. */
void mqtt_stop(mqtt_t *m);

/* A game's committed state changed (core_sink_t's changed). Marks it for
 * publishing; never publishes before the commit. */
void mqtt_game_changed(mqtt_t *m, const char *game_id);
/* A game was deleted (committed): its retained message is cleared, and so are its
 * Home Assistant configs. */
void mqtt_game_deleted(mqtt_t *m, const char *game_id);
/* For the events module: the public state of event event_id changed; json (len
 * bytes, a JSON object, copied) goes to P/events/<event_id>, retained. json NULL:
 * the event was deleted (an empty retained message clears it). Call it after the
 * change is committed; like games, only the latest state per event is kept while
 * the broker is away, and every event is published again when the broker kept no
 * session. */
void mqtt_publish_event(mqtt_t *m, const char *event_id, const char *json, size_t len);

/* Appends this module's lines of GET /metrics (Prometheus text). */
void mqtt_metrics(const mqtt_t *m, buf_t *out);
/* The name this box goes by in the hall: the last level of its prefix (the host
 * name by default). With m NULL, the host name. */
void mqtt_box(const mqtt_t *m, char *out, size_t cap);

/* Games of other boxes, from the broker: box is the last level of that box's
 * prefix, json the retained observer view as published (a JSON object), online
 * false once that box's status says offline (its will: the box vanished, so the
 * state may be stale). */
typedef void (*mqtt_remote_fn)(void *ctx, const char *box, const char *game_id, const char *json, size_t len, bool online);
/* Calls fn for every game of another box that the hall subscription holds, in no
 * particular order. fn must not call into this module. */
void mqtt_each_remote(const mqtt_t *m, mqtt_remote_fn fn, void *ctx);

#endif

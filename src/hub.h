/* Connected WebSocket clients, their subscriptions, presence and broadcast.
 *
 * The hub owns every hub_client_t (created on upgrade, freed when its wsconn
 * closes) and the per-game subscriber lists. A broadcast renders a game once per
 * distinct view (host, player 1, player 2, observer), frames each once into a
 * shared buffer, and queues that same buffer on every subscriber with that view.
 * It knows nothing about game rules: the caller renders. */
#ifndef STATE_HUB_H
#define STATE_HUB_H

#include <stdbool.h>
#include <stdint.h>

#include "auth.h"
#include "buf.h"
#include "map.h"
#include "metrics.h"
#include "wsconn.h"

#define HUB_MAX_SUBS 64
#define HUB_RATE_PER_S 20
#define HUB_RATE_BURST 40

typedef enum { HUB_VIEW_HOST = 0, HUB_VIEW_P1, HUB_VIEW_P2, HUB_VIEW_OBSERVER, HUB_NVIEWS } hub_view_t;

typedef struct hub hub_t;
typedef struct hub_topic hub_topic_t;

typedef struct hub_client {
    hub_t *hub;
    wsconn_t *ws;        /* NULL until the upgrade completes */
    char client_id[24];  /* "c-..." shown to the client itself only */
    auth_who_t who;
    bool loopback;
    bool counted;        /* presence was counted for who (player role) */
    char peer[48];
    int64_t connected_ms;
    double tokens;       /* rate limit bucket */
    int64_t tokens_ms;
    int dropped;         /* messages dropped in the current abuse window */
    int64_t dropped_window_ms;
    hub_topic_t **subs;          /* subs_inline until a third subscription */
    hub_topic_t *subs_inline[2]; /* most phones follow one game: no allocation */
    int nsubs, capsubs;
    bool list_sub;               /* receives the list of games after each change */
    struct hub_client *prev, *next;
} hub_client_t;

typedef enum { HUB_RATE_OK = 0, HUB_RATE_LIMITED, HUB_RATE_ABUSE } hub_rate_t;

/* Called when the number of connections of a game's player goes between 0 and 1. */
typedef void (*hub_presence_fn)(void *ctx, const char *game_id);
/* Renders the complete message for one view into out. */
typedef void (*hub_render_fn)(void *ctx, hub_view_t view, buf_t *out);

/* Makes an empty hub. unauth_timeout_ms closes connections that stay
 * unauthenticated that long. */
hub_t *hub_new(int64_t unauth_timeout_ms, hub_presence_fn presence, void *presence_ctx, metrics_t *m);
/* Frees the hub; every client must be gone (hub_close_all, then run the loop). */
void hub_free(hub_t *h);
/* Registers a new client (before its upgrade completes). */
hub_client_t *hub_client_new(hub_t *h, const auth_who_t *who, bool loopback, const char *peer, int64_t now_ms);
/* Ties the client to its connection once the upgrade is done. */
void hub_client_attach(hub_client_t *c, wsconn_t *ws);
/* Unsubscribes and frees a client; its connection must already be gone. */
void hub_client_free(hub_client_t *c);
/* Changes a client's identity (after a connect message), keeping presence right. */
void hub_client_set_who(hub_client_t *c, const auth_who_t *who);
/* Subscribes to a game. 0, or -1 when the client already has HUB_MAX_SUBS. */
int hub_subscribe(hub_client_t *c, const char *game_id);
/* Drops a subscription (no-op when not subscribed). */
void hub_unsubscribe(hub_client_t *c, const char *game_id);
/* True when the client is subscribed to the game. */
bool hub_subscribed(const hub_client_t *c, const char *game_id);
/* The view a client has of a game. */
hub_view_t hub_view(const hub_client_t *c, const char *game_id);
/* Queues one message to one client. */
void hub_send(hub_client_t *c, const char *json, size_t len);
/* Sends every subscriber of game_id its view, rendered by render. key_seed lets a
 * slow client's queue keep only the newest state of this game. */
void hub_publish(hub_t *h, const char *game_id, hub_render_fn render, void *ctx);
/* Subscribes a client to the list of games (on) or ends that (off). */
void hub_subscribe_list(hub_client_t *c, bool on);
/* True when some client follows the list of games (worth rendering it). */
bool hub_list_wanted(const hub_t *h);
/* Sends one message (the list of games) to every client that follows the list;
 * a slow client's queue keeps only the newest. */
void hub_publish_list(hub_t *h, const char *json, size_t len);
/* Takes one message from the client's rate bucket. */
hub_rate_t hub_rate_take(hub_client_t *c, int64_t now_ms);
/* Number of open connections of a game's player. */
int hub_player_connections(hub_t *h, const char *game_id, int player);
/* Calls fn with every client whose upgrade is done; fn may send and close but not free. */
void hub_each(hub_t *h, void (*fn)(void *ctx, hub_client_t *c), void *ctx);
/* Number of clients (connections, including those still upgrading). */
size_t hub_count(const hub_t *h);
/* Once a second: pings and timeouts of every connection, unauthenticated idlers. */
void hub_tick(hub_t *h, int64_t now_ms);
/* Makes room when the server is full: closes the oldest connection that has not
 * authenticated (1008 "server full"). Returns false when there is none, so a
 * crowd of idle strangers cannot lock out a host or a player with a token. */
bool hub_evict_unauthenticated(hub_t *h);
/* Closes every connection with code (shutdown: 1001). */
void hub_close_all(hub_t *h, uint16_t code, const char *reason);
/* Closes the connections authenticated by a session (a revoked invite). */
void hub_close_session(hub_t *h, int64_t session_id, uint16_t code, const char *reason);
/* Drops every subscription to a game (it was deleted) and closes the connections
 * of its players and observers with 1008: their tokens belong to a game that no
 * longer exists. */
void hub_forget_game(hub_t *h, const char *game_id);

#endif

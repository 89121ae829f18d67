/* The handles every request and message handler needs, gathered in one struct
 * that server.c owns and fills at start-up. Modules take an app_t * instead of
 * reaching for globals; nothing here is freed by anyone but server.c. */
#ifndef STATE_APP_H
#define STATE_APP_H

#include <h2o.h>
#include <stdint.h>

#include "auth.h"
#include "config.h"
#include "hub.h"
#include "map.h"
#include "metrics.h"
#include "trust.h"

struct core;
struct screen;
struct store;
struct tourney;

typedef struct app {
    config_t cfg;
    h2o_evloop_t *loop;
    hub_t *hub;
    struct store *store;
    struct core *core;
    auth_limiter_t *join_limiter;
    char host_hash[AUTH_HASH_LEN + 1]; /* SHA-256 of the host token */
    char public_url[256];              /* base URL for join links, no trailing slash */
    int64_t started_mono_ms;
    int open_sockets;                  /* TCP connections, HTTP and WebSocket */
    metrics_t metrics;                 /* counted by every module, read by GET /metrics */
    trust_self_t trust;                /* own names, scheme, port, trusted proxies (section 10) */
    map_t seen;                        /* session id -> when last noted (session_seen's throttle) */
    struct screen *screen;             /* the box's own screen (--screen), NULL when off or unavailable */
    struct tourney *tourney;           /* the live events (section 11) */
} app_t;

#endif

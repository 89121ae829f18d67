/* Counters for GET /metrics (Prometheus text format). One metrics_t lives in the
 * app (app.h); the modules that count are handed a pointer to it (the server is
 * single-threaded, so plain increments do). */
#ifndef STATE_METRICS_H
#define STATE_METRICS_H

#include <stdint.h>

#include "buf.h"

/* Error codes of PROTOCOL.md section 4, in the order of proto_error_names. */
#define METRICS_NERRORS 13 /* WIRE_NERRORS */

typedef struct {
    int64_t ws_connections;       /* open WebSocket connections */
    int64_t ws_connections_total; /* accepted upgrades since start */
    int64_t http_requests_total;
    int64_t messages_in;
    int64_t messages_out;         /* messages queued to clients (a broadcast counts once per recipient) */
    int64_t bytes_out;
    int64_t errors[METRICS_NERRORS];
    int64_t commits_total;
    int64_t changes_total;        /* accepted changes (several may share a commit) */
    int64_t commit_failures;
    uint64_t commit_us_buckets[12]; /* cumulative-style counts filled by metrics_commit_time */
    double commit_seconds_sum;
    int64_t games;
    int64_t join_failures;
    int64_t rate_limited;
    int64_t follow_lag_entries;       /* a follower: entries the primary has that it has not applied */
    int64_t follow_divergences_total; /* a follower: states that differed from the primary's */
} metrics_t;

/* Records one database commit that took us microseconds. */
void metrics_commit_time(metrics_t *m, int64_t us);
/* Appends the whole exposition (build info, uptime, counters, histogram). */
void metrics_render(const metrics_t *m, buf_t *out, const char *version, int64_t uptime_ms, const char *const *error_names);

#endif

/* Counters for GET /metrics (Prometheus text format). Plain global counters: the
 * server is single-threaded, and every module bumps the ones it owns. */
#ifndef STATE_METRICS_H
#define STATE_METRICS_H

#include <stdint.h>

#include "buf.h"

/* Error codes of PROTOCOL.md section 4, in the order of proto_error_names. */
#define METRICS_NERRORS 12

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
} metrics_t;

extern metrics_t metrics;

/* Records one database commit that took us microseconds. */
void metrics_commit_time(int64_t us);
/* Appends the whole exposition (build info, uptime, counters, histogram). */
void metrics_render(buf_t *out, const char *version, int64_t uptime_ms, const char *const *error_names);

#endif

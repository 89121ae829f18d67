#include "metrics.h"

/* Upper bounds in microseconds: an SD card fsync is milliseconds to a second. */
static const int64_t bucket_us[12] = {100, 250, 500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000, 1000000};

void metrics_commit_time(metrics_t *m, int64_t us)
{
    for (int i = 0; i < 12; i++)
        if (us <= bucket_us[i])
            m->commit_us_buckets[i]++;
    m->commits_total++;
    m->commit_seconds_sum += (double)us / 1e6;
}

static void counter(buf_t *b, const char *name, const char *help, const char *type, int64_t v)
{
    buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n%s %lld\n", name, help, name, type, name, (long long)v);
}

void metrics_render(const metrics_t *m, buf_t *b, const char *version, int64_t uptime_ms, const char *const *error_names)
{
    buf_printf(b, "# HELP state_build_info Build of this binary.\n# TYPE state_build_info gauge\n"
                  "state_build_info{version=\"%s\",protocol=\"1\"} 1\n", version);
    buf_printf(b, "# HELP state_uptime_seconds Seconds since start.\n# TYPE state_uptime_seconds gauge\n"
                  "state_uptime_seconds %.3f\n", (double)uptime_ms / 1000.0);
    counter(b, "state_ws_connections", "Open WebSocket connections.", "gauge", m->ws_connections);
    counter(b, "state_ws_connections_total", "WebSocket upgrades accepted.", "counter", m->ws_connections_total);
    counter(b, "state_http_requests_total", "HTTP requests handled.", "counter", m->http_requests_total);
    counter(b, "state_messages_in_total", "WebSocket messages received.", "counter", m->messages_in);
    counter(b, "state_messages_out_total", "WebSocket messages sent (per recipient).", "counter", m->messages_out);
    counter(b, "state_bytes_out_total", "WebSocket bytes queued for sending.", "counter", m->bytes_out);
    counter(b, "state_changes_total", "Accepted game changes.", "counter", m->changes_total);
    counter(b, "state_commit_failures_total", "Database commits that failed.", "counter", m->commit_failures);
    counter(b, "state_games", "Games in the database.", "gauge", m->games);
    counter(b, "state_join_failures_total", "Refused join-code attempts.", "counter", m->join_failures);
    counter(b, "state_rate_limited_total", "Messages dropped by the rate limit.", "counter", m->rate_limited);
    /* Section 12 names these two without the state_ prefix. */
    counter(b, "follow_lag_entries", "Feed entries of the primary not applied yet (a follower).", "gauge", m->follow_lag_entries);
    counter(b, "follow_divergences_total", "Changes whose state differed from the primary's (a follower).", "counter",
            m->follow_divergences_total);
    buf_puts(b, "# HELP state_errors_total Error replies by protocol code.\n# TYPE state_errors_total counter\n");
    for (int i = 0; i < METRICS_NERRORS; i++)
        buf_printf(b, "state_errors_total{code=\"%s\"} %lld\n", error_names[i], (long long)m->errors[i]);
    buf_puts(b, "# HELP state_commit_duration_seconds Time of one database commit (one fsync).\n"
                "# TYPE state_commit_duration_seconds histogram\n");
    for (int i = 0; i < 12; i++)
        buf_printf(b, "state_commit_duration_seconds_bucket{le=\"%g\"} %llu\n", (double)bucket_us[i] / 1e6,
                   (unsigned long long)m->commit_us_buckets[i]);
    buf_printf(b, "state_commit_duration_seconds_bucket{le=\"+Inf\"} %lld\n", (long long)m->commits_total);
    buf_printf(b, "state_commit_duration_seconds_sum %.6f\nstate_commit_duration_seconds_count %lld\n",
               m->commit_seconds_sum, (long long)m->commits_total);
}

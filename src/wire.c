#include "wire.h"
#include "json.h"
#include "metrics.h"
#include "now.h"

/* The error counters of /metrics are indexed by wire_err_t. */
_Static_assert(WIRE_NERRORS == METRICS_NERRORS, "metrics counts one error slot per wire error code");

const char *const wire_error_names[WIRE_NERRORS] = {
    "bad_json", "bad_message", "unknown_type", "unauthorized", "forbidden", "not_found",
    "conflict", "invalid_state", "rate_limited", "too_large", "internal", "unavailable",
    "read_only",
};

int wire_http_status(wire_err_t e)
{
    switch (e) {
    case WIRE_E_UNAUTHORIZED: return 401;
    case WIRE_E_FORBIDDEN: return 403;
    case WIRE_E_NOT_FOUND: return 404;
    case WIRE_E_CONFLICT:
    case WIRE_E_INVALID_STATE:
    case WIRE_E_READ_ONLY: return 409;
    case WIRE_E_RATE_LIMITED: return 429;
    case WIRE_E_TOO_LARGE: return 413;
    case WIRE_E_INTERNAL: return 500;
    case WIRE_E_SERVICE: return 503;
    default: return 400;
    }
}

void wire_envelope(buf_t *out, const char *type, const char *game_id)
{
    char ts[32];
    now_iso8601(now_wall_ms(), ts);
    buf_puts(out, "{\"type\":");
    json_put_cstr(out, type);
    buf_puts(out, ",\"timestamp\":\"");
    buf_puts(out, ts);
    buf_putc(out, '"');
    if (game_id && game_id[0]) {
        buf_puts(out, ",\"game_id\":");
        json_put_cstr(out, game_id);
    }
    buf_puts(out, ",\"data\":");
}

void wire_ack_data(buf_t *out, const char *ref, int64_t version)
{
    buf_putc(out, '{');
    if (ref) {
        buf_puts(out, "\"ref\":");
        json_put_cstr(out, ref);
        buf_putc(out, ',');
    }
    buf_puts(out, "\"version\":");
    buf_put_i64(out, version);
    buf_putc(out, '}');
}

void wire_error_data(buf_t *out, wire_err_t code, const char *message, const char *ref, int64_t version)
{
    buf_puts(out, "{\"code\":");
    json_put_cstr(out, wire_error_names[code]);
    buf_puts(out, ",\"message\":");
    json_put_cstr(out, message);
    if (ref) {
        buf_puts(out, ",\"ref\":");
        json_put_cstr(out, ref);
    }
    if (version >= 0) {
        buf_puts(out, ",\"version\":");
        buf_put_i64(out, version);
    }
    buf_putc(out, '}');
}

void wire_error_msg(buf_t *out, wire_err_t code, const char *message, const char *ref, int64_t version)
{
    wire_envelope(out, "error", NULL);
    wire_error_data(out, code, message, ref, version);
    buf_putc(out, '}');
}

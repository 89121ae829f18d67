/* GET /api/hall (host, a part of api.c): every game of this box and, with MQTT, of
 * the other boxes of the venue (sections 7, 11 and 13), each as an observer sees it,
 * with the box it is on, its table and its event. */
#include <string.h>

#include "api_impl.h"
#include "core.h"
#include "json.h"
#include "mqtt.h"
#include "now.h"
#include "proto.h"
#include "tourney.h"

typedef struct {
    app_t *app;
    buf_t *out;
    const char *box;
    bool first;
} api_hall_t;

/* Puts ,"box":...,"table":...,"event_id":...} in place of the closing brace of the
 * object written from start; for another box's game also "box_online" (false: that
 * box vanished, the state may be stale). */
static void api_hall_close(buf_t *out, size_t start, const char *box, int64_t table, const char *event_id, int online)
{
    while (out->len > start && out->data[out->len - 1] != '}')
        out->len--;
    if (out->len > start)
        out->len--;
    bool empty = out->len > start && out->data[out->len - 1] == '{';
    buf_puts(out, empty ? "\"box\":" : ",\"box\":");
    json_put_cstr(out, box);
    buf_puts(out, ",\"table\":");
    if (table > 0)
        buf_put_i64(out, table);
    else
        buf_puts(out, "null");
    buf_puts(out, ",\"event_id\":");
    if (event_id)
        json_put_cstr(out, event_id);
    else
        buf_puts(out, "null");
    if (online >= 0)
        buf_puts(out, online ? ",\"box_online\":true" : ",\"box_online\":false");
    buf_putc(out, '}');
}

static void api_hall_local(void *ctx, const game_t *g)
{
    api_hall_t *h = ctx;
    size_t start = h->out->len;
    if (!h->first)
        buf_putc(h->out, ',');
    size_t obj = h->out->len;
    proto_render(h->app, g->id, VIEW_OBSERVER, h->out);
    if (h->out->len == obj) { /* gone meanwhile */
        h->out->len = start;
        return;
    }
    h->first = false;
    event_game_t *eg = NULL;
    const event_t *ev = h->app->tourney ? tourney_event_of_game(h->app->tourney, g->id, &eg) : NULL;
    api_hall_close(h->out, obj, h->box, ev && eg ? (int64_t)eg->table : 0, ev ? ev->id : NULL, -1);
}

static void api_hall_remote(void *ctx, const char *box, const char *game_id, const char *json, size_t len, bool online)
{
    (void)game_id;
    api_hall_t *h = ctx;
    if (!h->first)
        buf_putc(h->out, ',');
    h->first = false;
    size_t start = h->out->len;
    buf_append(h->out, json, len); /* a JSON object: checked when it arrived */
    api_hall_close(h->out, start, box, 0, NULL, online);
}

void api_hall(app_t *app, h2o_req_t *req)
{
    char box[64];
    mqtt_box(app->mqtt, box, sizeof(box));
    buf_t b;
    buf_init(&b);
    api_hall_t h = {app, &b, box, true};
    buf_puts(&b, "{\"box\":");
    json_put_cstr(&b, box);
    buf_printf(&b, ",\"server_time\":%lld,\"games\":[", (long long)now_wall_ms());
    core_each(app->core, api_hall_local, &h);
    mqtt_each_remote(app->mqtt, api_hall_remote, &h);
    buf_puts(&b, "]}");
    api_json(req, 200, &b);
    buf_free(&b);
}

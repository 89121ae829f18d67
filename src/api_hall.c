/* GET /api/hall (a part of api.c): every game of this box and, with MQTT, of the
 * other boxes of the venue (section 13), each as an observer sees it, with the
 * box it is on, its table and its event. */
#include <string.h>

#include "api_impl.h"
#include "core.h"
#include "hub.h"
#include "json.h"
#include "mqtt.h"
#include "now.h"
#include "view.h"

typedef struct {
    app_t *app;
    buf_t *out;
    const char *box;
    bool first;
    int64_t now_mono, now_wall;
} api_hall_t;

/* Appends ,"box":...,"table":null,"event_id":null} in place of obj's closing brace;
 * for another box's game also "box_online" (false: that box vanished, the state may
 * be stale). */
static void api_hall_close(buf_t *out, size_t start, const char *box, int online)
{
    while (out->len > start && out->data[out->len - 1] != '}')
        out->len--;
    if (out->len > start)
        out->len--;
    bool empty = out->len > start && out->data[out->len - 1] == '{';
    buf_puts(out, empty ? "\"box\":" : ",\"box\":");
    json_put_cstr(out, box);
    buf_puts(out, ",\"table\":null,\"event_id\":null");
    if (online >= 0)
        buf_puts(out, online ? ",\"box_online\":true" : ",\"box_online\":false");
    buf_putc(out, '}');
}

static void api_hall_local(void *ctx, const game_t *g)
{
    api_hall_t *h = ctx;
    view_meta_t meta = {NULL, NULL, {false, false}, h->now_mono, h->now_wall};
    if (!core_stamps(h->app->core, g->id, &meta.created_at, &meta.updated_at))
        return;
    meta.connected[0] = hub_player_connections(h->app->hub, g->id, 1) > 0;
    meta.connected[1] = hub_player_connections(h->app->hub, g->id, 2) > 0;
    if (!h->first)
        buf_putc(h->out, ',');
    h->first = false;
    size_t start = h->out->len;
    view_render(h->out, g, VIEW_OBSERVER, &meta);
    api_hall_close(h->out, start, h->box, -1);
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
    api_hall_close(h->out, start, box, online);
}

void api_hall(app_t *app, h2o_req_t *req)
{
    char box[64];
    mqtt_box(app->mqtt, box, sizeof(box));
    buf_t b;
    buf_init(&b);
    api_hall_t h = {app, &b, box, true, now_mono_ms(), now_wall_ms()};
    buf_puts(&b, "{\"box\":");
    json_put_cstr(&b, box);
    buf_printf(&b, ",\"server_time\":%lld,\"games\":[", (long long)h.now_wall);
    core_each(app->core, api_hall_local, &h);
    mqtt_each_remote(app->mqtt, api_hall_remote, &h);
    buf_puts(&b, "]}");
    api_json(req, 200, &b);
    buf_free(&b);
}

/* GET /api/hall (host): every game of this box as an observer sees it, with the
 * box's name, its table and its event (sections 7 and 11). api_hall_games is the
 * part a later publisher of other boxes' games (section 13) extends. */
#include "api_impl.h"
#include "core.h"
#include "json.h"
#include "now.h"
#include "proto.h"
#include "tourney.h"

#include <string.h>
#include <unistd.h>

typedef struct {
    app_t *app;
    buf_t *out;
    const char *box;
    bool first;
} api_hall_ctx_t;

static void api_hall_game(void *ctx, const game_t *g)
{
    api_hall_ctx_t *h = ctx;
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
    h->out->len--; /* reopen the object to add the hall's fields */
    buf_puts(h->out, ",\"box\":");
    json_put_cstr(h->out, h->box);
    event_game_t *eg = NULL;
    const event_t *ev = tourney_event_of_game(h->app->tourney, g->id, &eg);
    buf_puts(h->out, ",\"table\":");
    if (ev)
        buf_put_i64(h->out, eg->table);
    else
        buf_puts(h->out, "null");
    buf_puts(h->out, ",\"event_id\":");
    if (ev)
        json_put_cstr(h->out, ev->id);
    else
        buf_puts(h->out, "null");
    buf_putc(h->out, '}');
}

/* Appends this box's games to the array being written in out (first: nothing
 * written in it yet). Returns whether it is still empty. */
static bool api_hall_games(app_t *app, buf_t *out, const char *box, bool first)
{
    api_hall_ctx_t h = {app, out, box, first};
    core_each(app->core, api_hall_game, &h);
    return h.first;
}

void api_hall(app_t *app, h2o_req_t *req)
{
    char box[256] = "";
    if (gethostname(box, sizeof(box) - 1) != 0 || box[0] == '\0')
        strcpy(box, "state-server");
    buf_t b;
    buf_init(&b);
    buf_puts(&b, "{\"box\":");
    json_put_cstr(&b, box);
    buf_puts(&b, ",\"server_time\":");
    buf_put_i64(&b, now_wall_ms());
    buf_puts(&b, ",\"games\":[");
    api_hall_games(app, &b, box, true);
    buf_puts(&b, "]}");
    api_json(req, 200, &b);
    buf_free(&b);
}

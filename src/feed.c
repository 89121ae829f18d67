#include "feed.h"
#include "core.h"
#include "log.h"
#include "mem.h"
#include "now.h"
#include "view.h"
#include "wire.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    hub_client_t *c;
    int64_t after; /* the last entry sent */
} feed_sub_t;

static feed_sub_t *feed_subs;
static int feed_nsubs, feed_capsubs;

int feed_count(void)
{
    return feed_nsubs;
}

void feed_forget(hub_client_t *c)
{
    for (int i = 0; i < feed_nsubs; i++)
        if (feed_subs[i].c == c) {
            feed_subs[i] = feed_subs[--feed_nsubs];
            return;
        }
}

void feed_encode(buf_t *out, const store_entry_t *e, const char *state, int64_t state_mono_ms, const char *state_boot)
{
    buf_puts(out, "{\"seq\":");
    buf_put_i64(out, e->seq);
    buf_puts(out, ",\"kind\":");
    json_put_cstr(out, e->kind ? e->kind : "");
    buf_puts(out, ",\"key\":");
    json_put_cstr(out, e->key ? e->key : "");
    buf_puts(out, ",\"at\":");
    json_put_cstr(out, e->at ? e->at : "");
    if (e->kind && strcmp(e->kind, "action") == 0) {
        buf_puts(out, ",\"version\":");
        buf_put_i64(out, e->version);
        buf_puts(out, ",\"mono_ms\":");
        buf_put_i64(out, e->mono_ms);
        buf_puts(out, ",\"boot\":");
        json_put_cstr(out, e->boot ? e->boot : "");
        buf_puts(out, ",\"actor\":");
        json_put_cstr(out, e->actor ? e->actor : "");
        buf_puts(out, ",\"action\":");
        json_put_cstr(out, e->type ? e->type : "");
        buf_puts(out, ",\"data\":");
        buf_puts(out, e->data && e->data[0] ? e->data : "{}");
        buf_puts(out, ",\"before\":");
        buf_puts(out, e->before && e->before[0] ? e->before : "null");
        buf_puts(out, ",\"state\":");
        if (state) {
            buf_puts(out, state);
            buf_puts(out, ",\"state_mono_ms\":");
            buf_put_i64(out, state_mono_ms);
            buf_puts(out, ",\"state_boot\":");
            json_put_cstr(out, state_boot ? state_boot : "");
        } else {
            buf_puts(out, "null");
        }
    } else {
        buf_puts(out, ",\"payload\":");
        buf_puts(out, e->data && e->data[0] ? e->data : "null");
    }
    buf_putc(out, '}');
}

typedef struct {
    app_t *app;
    feed_sub_t *sub;
    int n;
    buf_t msg;
    buf_t state;
} feed_pump_t;

/* One entry to one connection: the state after an action is the live one when
 * the game is still at that version, else the one logged before the next. */
static int feed_on_entry(void *ctx, const store_entry_t *e)
{
    feed_pump_t *p = ctx;
    app_t *app = p->app;
    buf_reset(&p->msg);
    buf_reset(&p->state);
    const char *state = NULL, *boot = store_boot(app->store);
    char boot2[17] = "";
    int64_t at = now_mono_ms();
    if (strcmp(e->kind, "action") == 0) {
        const game_t *g = core_committed(app->core, e->key);
        if (g && g->version == e->version) {
            view_meta_t m = {NULL, NULL, {false, false}, at, 0, NULL};
            view_render(&p->state, g, VIEW_FULL, &m);
            buf_putc(&p->state, '\0');
            state = p->state.data;
        } else if (store_feed_state_after(app->store, e->key, e->version, &p->state, &at, boot2) == 0) {
            buf_putc(&p->state, '\0');
            state = p->state.data;
            boot = boot2;
        }
    }
    wire_envelope(&p->msg, "feed", NULL);
    feed_encode(&p->msg, e, state, at, boot);
    buf_putc(&p->msg, '}');
    hub_send(p->sub->c, p->msg.data, p->msg.len);
    p->sub->after = e->seq;
    p->n++;
    return 0;
}

bool feed_pump(app_t *app)
{
    if (feed_nsubs == 0 || store_tx_begun(app->store))
        return false;
    bool more = false;
    feed_pump_t p = {app, NULL, 0, {0}, {0}};
    buf_init(&p.msg);
    buf_init(&p.state);
    for (int i = 0; i < feed_nsubs; i++) {
        feed_sub_t *s = &feed_subs[i];
        if (s->c->ws == NULL || wsconn_closing(s->c->ws))
            continue;
        if (wsconn_queued(s->c->ws) > FEED_QUEUE_LIMIT) {
            more = true;
            continue;
        }
        p.sub = s;
        p.n = 0;
        if (store_feed_read(app->store, s->after, FEED_BATCH, feed_on_entry, &p) != 0) {
            log_error("the feed cannot be read: %s", store_last_error(app->store));
            break;
        }
        if (p.n == FEED_BATCH)
            more = true;
    }
    buf_free(&p.msg);
    buf_free(&p.state);
    return more;
}

void feed_start(app_t *app, hub_client_t *c, int64_t after, const char *ref)
{
    feed_forget(c);
    if (feed_nsubs == feed_capsubs) {
        feed_capsubs = feed_capsubs ? feed_capsubs * 2 : 4;
        feed_subs = mem_realloc(feed_subs, (size_t)feed_capsubs * sizeof(*feed_subs));
    }
    feed_subs[feed_nsubs].c = c;
    feed_subs[feed_nsubs].after = after;
    feed_nsubs++;
    buf_t b;
    buf_init(&b);
    wire_envelope(&b, "follow_start", NULL);
    buf_puts(&b, "{\"after\":");
    buf_put_i64(&b, after);
    buf_puts(&b, ",\"last_seq\":");
    buf_put_i64(&b, store_feed_last(app->store));
    buf_printf(&b, ",\"schema\":%d,\"boot\":", store_schema_version(app->store));
    json_put_cstr(&b, store_boot(app->store));
    buf_puts(&b, ",\"mono_ms\":");
    buf_put_i64(&b, now_mono_ms());
    buf_puts(&b, ",\"role\":");
    json_put_cstr(&b, core_replica(app->core) ? "follower" : "primary");
    if (ref) {
        buf_puts(&b, ",\"ref\":");
        json_put_cstr(&b, ref);
    }
    buf_puts(&b, "}}");
    hub_send(c, b.data, b.len);
    buf_free(&b);
}

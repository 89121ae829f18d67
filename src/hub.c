#include "hub.h"
#include "mem.h"
#include "metrics.h"
#include "ws.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

struct hub_topic {
    char game_id[48];
    hub_client_t **subs;
    size_t n, cap;
};

typedef struct {
    int players[3]; /* open connections of player 1 and 2 (index 0 unused) */
} hub_presence_t;

struct hub {
    hub_client_t *head;
    size_t count;
    map_t topics;   /* game_id -> hub_topic_t */
    map_t presence; /* game_id -> hub_presence_t */
    uint64_t next_id;
    int64_t unauth_timeout_ms;
    hub_presence_fn on_presence;
    void *presence_ctx;
    metrics_t *m;
    size_t list_subs; /* clients subscribed to the list of games */
};

hub_t *hub_new(int64_t unauth_timeout_ms, hub_presence_fn presence, void *presence_ctx, metrics_t *m)
{
    hub_t *h = mem_zalloc(sizeof(*h));
    h->m = m;
    map_init(&h->topics);
    map_init(&h->presence);
    h->unauth_timeout_ms = unauth_timeout_ms;
    h->on_presence = presence;
    h->presence_ctx = presence_ctx;
    /* Client ids need only be unique within this run, but a random start keeps
     * them from looking like a count of visitors. */
    uint32_t r = 0;
    auth_random(&r, sizeof(r));
    h->next_id = r;
    return h;
}

void hub_free(hub_t *h)
{
    if (!h)
        return;
    const char *k;
    void *v;
    for (size_t i = 0; map_next(&h->topics, &i, &k, &v);) {
        hub_topic_t *t = v;
        free(t->subs);
        free(t);
    }
    for (size_t i = 0; map_next(&h->presence, &i, &k, &v);)
        free(v);
    map_free(&h->topics);
    map_free(&h->presence);
    free(h);
}

static void hub_presence_change(hub_t *h, const auth_who_t *who, int delta)
{
    if (who->role != AUTH_PLAYER || who->player < 1 || who->player > 2)
        return;
    hub_presence_t *p = map_get(&h->presence, who->game_id);
    if (p == NULL) {
        if (delta < 0)
            return;
        p = mem_zalloc(sizeof(*p));
        map_put(&h->presence, who->game_id, p);
    }
    int before = p->players[who->player];
    p->players[who->player] += delta;
    int after = p->players[who->player];
    if (p->players[1] == 0 && p->players[2] == 0)
        free(map_del(&h->presence, who->game_id));
    if ((before == 0) != (after == 0) && h->on_presence)
        h->on_presence(h->presence_ctx, who->game_id);
}

hub_client_t *hub_client_new(hub_t *h, const auth_who_t *who, bool loopback, const char *peer, int64_t now_ms)
{
    hub_client_t *c = mem_zalloc(sizeof(*c));
    c->hub = h;
    c->who = *who;
    c->loopback = loopback;
    snprintf(c->peer, sizeof(c->peer), "%s", peer);
    snprintf(c->client_id, sizeof(c->client_id), "c-%" PRIx64, h->next_id++);
    c->connected_ms = now_ms;
    c->subs = c->subs_inline;
    c->capsubs = 2;
    c->tokens = HUB_RATE_BURST;
    c->tokens_ms = now_ms;
    c->dropped_window_ms = now_ms;
    c->next = h->head;
    if (h->head)
        h->head->prev = c;
    h->head = c;
    h->count++;
    return c;
}

void hub_client_attach(hub_client_t *c, wsconn_t *ws)
{
    c->ws = ws;
    c->hub->m->ws_connections++;
    c->hub->m->ws_connections_total++;
    c->counted = true;
    hub_presence_change(c->hub, &c->who, +1);
}

static void hub_topic_remove(hub_t *h, hub_topic_t *t, hub_client_t *c)
{
    for (size_t i = 0; i < t->n; i++) {
        if (t->subs[i] == c) {
            t->subs[i] = t->subs[--t->n];
            break;
        }
    }
    if (t->n == 0) {
        map_del(&h->topics, t->game_id);
        free(t->subs);
        free(t);
    }
}

void hub_client_free(hub_client_t *c)
{
    hub_t *h = c->hub;
    for (int i = 0; i < c->nsubs; i++)
        hub_topic_remove(h, c->subs[i], c);
    if (c->prev)
        c->prev->next = c->next;
    else
        h->head = c->next;
    if (c->next)
        c->next->prev = c->prev;
    h->count--;
    if (c->ws)
        h->m->ws_connections--;
    if (c->counted)
        hub_presence_change(h, &c->who, -1);
    if (c->list_sub)
        h->list_subs--;
    if (c->subs != c->subs_inline)
        free(c->subs);
    free(c);
}

void hub_client_set_who(hub_client_t *c, const auth_who_t *who)
{
    /* A new identity may not keep subscriptions it would not be allowed to make. */
    while (c->nsubs > 0)
        hub_topic_remove(c->hub, c->subs[--c->nsubs], c);
    if (c->counted)
        hub_presence_change(c->hub, &c->who, -1);
    c->who = *who;
    if (c->counted)
        hub_presence_change(c->hub, &c->who, +1);
}

void hub_unsubscribe(hub_client_t *c, const char *game_id)
{
    for (int i = 0; i < c->nsubs; i++) {
        if (strcmp(c->subs[i]->game_id, game_id) == 0) {
            hub_topic_t *t = c->subs[i];
            c->subs[i] = c->subs[--c->nsubs];
            hub_topic_remove(c->hub, t, c);
            return;
        }
    }
}

bool hub_subscribed(const hub_client_t *c, const char *game_id)
{
    for (int i = 0; i < c->nsubs; i++)
        if (strcmp(c->subs[i]->game_id, game_id) == 0)
            return true;
    return false;
}

int hub_subscribe(hub_client_t *c, const char *game_id)
{
    if (hub_subscribed(c, game_id))
        return 0;
    if (c->nsubs >= HUB_MAX_SUBS)
        return -1;
    if (c->nsubs == c->capsubs) {
        int cap = c->capsubs * 2 < HUB_MAX_SUBS ? c->capsubs * 2 : HUB_MAX_SUBS;
        hub_topic_t **n = mem_alloc((size_t)cap * sizeof(*n));
        memcpy(n, c->subs, (size_t)c->nsubs * sizeof(*n));
        if (c->subs != c->subs_inline)
            free(c->subs);
        c->subs = n;
        c->capsubs = cap;
    }
    hub_t *h = c->hub;
    hub_topic_t *t = map_get(&h->topics, game_id);
    if (t == NULL) {
        t = mem_zalloc(sizeof(*t));
        snprintf(t->game_id, sizeof(t->game_id), "%s", game_id);
        map_put(&h->topics, game_id, t);
    }
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 4;
        t->subs = mem_realloc(t->subs, t->cap * sizeof(*t->subs));
    }
    t->subs[t->n++] = c;
    c->subs[c->nsubs++] = t;
    return 0;
}

hub_view_t hub_view(const hub_client_t *c, const char *game_id)
{
    if (c->who.role == AUTH_HOST)
        return HUB_VIEW_HOST;
    if (c->who.role == AUTH_PLAYER && strcmp(c->who.game_id, game_id) == 0)
        return c->who.player == 1 ? HUB_VIEW_P1 : HUB_VIEW_P2;
    return HUB_VIEW_OBSERVER;
}

/* Queues a frame to one client; 1 if it was queued (for the counters), else 0. */
static int hub_enqueue(hub_client_t *c, buf_shared_t *frame, uint64_t key)
{
    if (c->ws == NULL || wsconn_closing(c->ws))
        return 0;
    wsconn_send(c->ws, frame, key);
    return 1;
}

static void hub_queue(hub_client_t *c, buf_shared_t *frame, uint64_t key)
{
    if (hub_enqueue(c, frame, key)) {
        c->hub->m->messages_out++;
        c->hub->m->bytes_out += (int64_t)frame->len;
    }
}

void hub_send(hub_client_t *c, const char *json, size_t len)
{
    buf_shared_t *f = ws_frame(WS_OP_TEXT, json, len);
    hub_queue(c, f, 0);
    buf_shared_unref(f);
}

static uint64_t hub_key(const char *game_id)
{
    uint64_t k = 1469598103934665603ULL;
    for (const char *p = game_id; *p; p++)
        k = (k ^ (unsigned char)*p) * 1099511628211ULL;
    return k | 1; /* never 0, which means "do not coalesce" */
}

void hub_publish(hub_t *h, const char *game_id, hub_render_fn render, void *ctx)
{
    hub_topic_t *t = map_get(&h->topics, game_id);
    if (t == NULL)
        return;
    buf_shared_t *frames[HUB_NVIEWS] = {0};
    buf_t b;
    buf_init(&b);
    uint64_t key = hub_key(game_id);
    int64_t sent = 0, bytes = 0; /* counted once for all, not per recipient */
    for (size_t i = 0; i < t->n; i++) {
        hub_view_t v = hub_view(t->subs[i], game_id);
        if (frames[v] == NULL) {
            buf_reset(&b);
            render(ctx, v, &b);
            frames[v] = ws_frame(WS_OP_TEXT, b.data, b.len);
        }
        if (hub_enqueue(t->subs[i], frames[v], key)) {
            sent++;
            bytes += (int64_t)frames[v]->len;
        }
    }
    h->m->messages_out += sent;
    h->m->bytes_out += bytes;
    for (int v = 0; v < HUB_NVIEWS; v++)
        buf_shared_unref(frames[v]);
    buf_free(&b);
}

void hub_subscribe_list(hub_client_t *c, bool on)
{
    if (c->list_sub != on)
        c->hub->list_subs += on ? 1 : (size_t)-1;
    c->list_sub = on;
}

bool hub_list_wanted(const hub_t *h)
{
    return h->list_subs > 0;
}

void hub_publish_list(hub_t *h, const char *json, size_t len)
{
    if (h->list_subs == 0)
        return;
    buf_shared_t *f = ws_frame(WS_OP_TEXT, json, len);
    /* One key for the list: a slow host keeps only the newest list queued. */
    uint64_t key = hub_key("\001games");
    for (hub_client_t *c = h->head; c; c = c->next)
        if (c->list_sub)
            hub_queue(c, f, key);
    buf_shared_unref(f);
}

hub_rate_t hub_rate_take(hub_client_t *c, int64_t now_ms)
{
    c->tokens += (double)(now_ms - c->tokens_ms) * HUB_RATE_PER_S / 1000.0;
    if (c->tokens > HUB_RATE_BURST)
        c->tokens = HUB_RATE_BURST;
    c->tokens_ms = now_ms;
    if (c->tokens >= 1.0) {
        c->tokens -= 1.0;
        return HUB_RATE_OK;
    }
    /* Sustained abuse: more than 100 dropped messages within 10 seconds. */
    if (now_ms - c->dropped_window_ms > 10000) {
        c->dropped_window_ms = now_ms;
        c->dropped = 0;
    }
    return ++c->dropped > 100 ? HUB_RATE_ABUSE : HUB_RATE_LIMITED;
}

int hub_player_connections(hub_t *h, const char *game_id, int player)
{
    hub_presence_t *p = map_get(&h->presence, game_id);
    return p && player >= 1 && player <= 2 ? p->players[player] : 0;
}

size_t hub_count(const hub_t *h)
{
    return h->count;
}

void hub_tick(hub_t *h, int64_t now_ms)
{
    for (hub_client_t *c = h->head, *next; c; c = next) {
        next = c->next; /* wsconn_tick may free c through its on_close */
        if (c->ws == NULL)
            continue;
        if (c->who.role == AUTH_NONE && now_ms - c->connected_ms > h->unauth_timeout_ms)
            wsconn_close(c->ws, WS_CLOSE_POLICY, "authenticate first");
        wsconn_tick(c->ws, now_ms);
    }
}

bool hub_evict_unauthenticated(hub_t *h)
{
    /* New clients are added at the head, so the last match is the oldest. */
    hub_client_t *oldest = NULL;
    for (hub_client_t *c = h->head; c; c = c->next)
        if (c->ws && c->who.role == AUTH_NONE && !wsconn_closing(c->ws))
            oldest = c;
    if (oldest == NULL)
        return false;
    wsconn_close(oldest->ws, WS_CLOSE_POLICY, "server full");
    return true;
}

void hub_close_all(hub_t *h, uint16_t code, const char *reason)
{
    for (hub_client_t *c = h->head; c; c = c->next)
        if (c->ws)
            wsconn_close(c->ws, code, reason);
}

void hub_close_session(hub_t *h, int64_t session_id, uint16_t code, const char *reason)
{
    for (hub_client_t *c = h->head; c; c = c->next)
        if (c->ws && session_id != 0 && c->who.session_id == session_id)
            wsconn_close(c->ws, code, reason);
}

void hub_each(hub_t *h, void (*fn)(void *ctx, hub_client_t *c), void *ctx)
{
    for (hub_client_t *c = h->head; c; c = c->next)
        if (c->ws)
            fn(ctx, c);
}

void hub_forget_game(hub_t *h, const char *game_id)
{
    /* Sessions of a deleted game die with it (their invites are gone); a phone left
     * connected would otherwise act on a new game created later under the same id. */
    for (hub_client_t *c = h->head; c; c = c->next)
        if (c->ws && (c->who.role == AUTH_PLAYER || c->who.role == AUTH_OBSERVER) && strcmp(c->who.game_id, game_id) == 0)
            wsconn_close(c->ws, WS_CLOSE_POLICY, "game deleted");
    hub_topic_t *t = map_get(&h->topics, game_id);
    if (t == NULL)
        return;
    for (size_t i = 0; i < t->n; i++) {
        hub_client_t *c = t->subs[i];
        for (int k = 0; k < c->nsubs; k++) {
            if (c->subs[k] == t) {
                c->subs[k] = c->subs[--c->nsubs];
                break;
            }
        }
    }
    map_del(&h->topics, game_id);
    free(t->subs);
    free(t);
}

/*
 * libFuzzer driver for the whole message path: envelope decoding, validation,
 * the rules, the action log and the store (SQLite in memory), and the replies.
 *
 * Each input is split at newlines into up to 32 messages. The first byte of each
 * line picks the sender ('h' host, '1'/'2' players, 'o' observer, else an
 * unauthenticated client); the rest is the message. After every input the group
 * transaction is committed, as the event loop does. Invariants: nothing crashes or
 * leaks, every game stays valid (game_check), and versions never go back.
 *
 * Replay: build with -DFUZZ_MAIN and without -fsanitize=fuzzer; pass files.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "core.h"
#include "hub.h"
#include "proto.h"
#include "store.h"
#include "replay.h"

static app_t app;
static hub_client_t *clients[5];
static int64_t seen_version[8];

static void fuzz_setup(void)
{
    char err[256];
    memset(&app, 0, sizeof(app));
    app.store = store_open(":memory:", false, err, sizeof(err));
    if (!app.store) {
        fprintf(stderr, "fuzz_proto: %s\n", err);
        abort();
    }
    app.hub = hub_new(20000, NULL, NULL, &app.metrics);
    app.core = core_new(app.store, &app.metrics, &proto_sink, &app);
    auth_hash("host-token", 10, app.host_hash);
    snprintf(app.public_url, sizeof(app.public_url), "http://127.0.0.1:8765");
    auth_who_t host = {.role = AUTH_HOST};
    auth_who_t p1 = {.role = AUTH_PLAYER, .player = 1, .game_id = "g1"};
    auth_who_t p2 = {.role = AUTH_PLAYER, .player = 2, .game_id = "g1"};
    auth_who_t ob = {.role = AUTH_OBSERVER, .game_id = "g1"};
    auth_who_t none = {.role = AUTH_NONE};
    /* No connection behind them: replies are built and then dropped. */
    clients[0] = hub_client_new(app.hub, &host, true, "127.0.0.1", 0);
    clients[1] = hub_client_new(app.hub, &p1, false, "192.0.2.1", 0);
    clients[2] = hub_client_new(app.hub, &p2, false, "192.0.2.2", 0);
    clients[3] = hub_client_new(app.hub, &ob, false, "192.0.2.3", 0);
    clients[4] = hub_client_new(app.hub, &none, false, "192.0.2.4", 0);
}

static hub_client_t *fuzz_sender(uint8_t b)
{
    switch (b) {
    case 'h': return clients[0];
    case '1': return clients[1];
    case '2': return clients[2];
    case 'o': return clients[3];
    default: return clients[4];
    }
}

static void fuzz_check(void)
{
    static const char *const ids[] = {"g1", "g2", "g-1", "x"};
    for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
        const game_t *g = core_game(app.core, ids[i]);
        if (!g)
            continue;
        const char *bad = NULL;
        if (game_check(g, &bad) != GAME_OK) {
            fprintf(stderr, "fuzz_proto: game %s invalid (%s)\n", ids[i], bad ? bad : "?");
            abort();
        }
        if (g->version < seen_version[i] && g->version != 1) {
            /* Only a delete and re-create may start a game over at version 1. */
            fprintf(stderr, "fuzz_proto: version went back\n");
            abort();
        }
        seen_version[i] = g->version;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (app.store == NULL)
        fuzz_setup();
    size_t start = 0;
    int lines = 0;
    while (start < size && lines < 32) {
        const uint8_t *nl = memchr(data + start, '\n', size - start);
        size_t end = nl ? (size_t)(nl - data) : size;
        if (end > start) {
            hub_client_t *c = fuzz_sender(data[start]);
            c->tokens = HUB_RATE_BURST; /* the limiter is tested elsewhere */
            char *msg = malloc(end - start);
            memcpy(msg, data + start + 1, end - start - 1);
            proto_handle(&app, c, msg, end - start - 1);
            free(msg);
        }
        start = end + 1;
        lines++;
    }
    core_flush(app.core);
    fuzz_check();
    return 0;
}

/*
 * libFuzzer driver for the game-state JSON reader (view_parse), used for the
 * host's full game_state messages, REST game creation and the undo log; and for
 * the writer, by round trip: whatever is accepted must render, parse back to the
 * same state, and render to the same bytes again.
 *
 * Replay: build with -DFUZZ_MAIN and without -fsanitize=fuzzer; pass files.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "view.h"
#include "replay.h"

#define CHECK(cond)                                                                                                            \
    do {                                                                                                                       \
        if (!(cond)) {                                                                                                         \
            fprintf(stderr, "fuzz_view: check failed at line %d: %s\n", __LINE__, #cond);                                      \
            abort();                                                                                                           \
        }                                                                                                                      \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static jsmntok_t toks[VIEW_MAX_TOKENS];
    static game_t g, g2;
    json_doc_t d;
    if (size > 16384 || json_parse(&d, (const char *)data, size, toks, VIEW_MAX_TOKENS) != 0)
        return 0;
    const char *bad = NULL;
    if (view_parse(&d, 0, size % 2 ? NULL : "fuzz-id", 1000, &g, &bad) != 0) {
        CHECK(bad != NULL);
        return 0;
    }
    CHECK(game_check(&g, &bad) == GAME_OK);
    view_meta_t m = {"c", "u", {true, false}, 1000, 0, NULL};
    buf_t a, b;
    buf_init(&a);
    buf_init(&b);
    view_render(&a, &g, VIEW_FULL, &m);
    json_doc_t d2;
    CHECK(json_parse(&d2, a.data, a.len, toks, VIEW_MAX_TOKENS) == 0);
    CHECK(view_parse(&d2, 0, NULL, 1000, &g2, &bad) == 0);
    view_render(&b, &g2, VIEW_FULL, &m);
    CHECK(a.len == b.len && memcmp(a.data, b.data, a.len) == 0);
    /* Every role's view must be valid JSON too. */
    for (int v = VIEW_HOST; v <= VIEW_OBSERVER; v++) {
        buf_reset(&b);
        view_render(&b, &g, (view_t)v, &m);
        CHECK(json_parse(&d2, b.data, b.len, toks, VIEW_MAX_TOKENS) == 0);
    }
    buf_free(&a);
    buf_free(&b);
    return 0;
}

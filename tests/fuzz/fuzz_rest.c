/*
 * libFuzzer driver for the REST bodies: every input that is a JSON object goes
 * through the pure body readers of src/api.c (new game, invite, settings), and a
 * new-game body that is accepted becomes a state that the state reader must
 * either accept as a valid game or refuse naming a field. Invariants: no crash,
 * refusals always carry a message, and what the new-game reader builds is JSON.
 *
 * Replay: build with -DFUZZ_MAIN and without -fsanitize=fuzzer; pass files.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "view.h"
#include "replay.h"

#define CHECK(cond)                                                                                                            \
    do {                                                                                                                       \
        if (!(cond)) {                                                                                                         \
            fprintf(stderr, "fuzz_rest: check failed at line %d: %s\n", __LINE__, #cond);                                      \
            abort();                                                                                                           \
        }                                                                                                                      \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static jsmntok_t toks[1024], stoks[1100];
    static game_t g;
    json_doc_t d;
    if (size > 16384 || json_parse(&d, (const char *)data, size, toks, 1024) != 0 || json_type(&d, 0) != JSON_OBJECT)
        return 0;
    char msg[200];

    msg[0] = '\0';
    if (api_check_settings(&d, msg, sizeof(msg)) != 0)
        CHECK(msg[0] != '\0');

    auth_role_t role = AUTH_NONE;
    int player = -1;
    msg[0] = '\0';
    if (api_parse_invite(&d, &role, &player, msg, sizeof(msg)) == 0)
        CHECK((role == AUTH_PLAYER && (player == 1 || player == 2)) || (role == AUTH_OBSERVER && player == 0));
    else
        CHECK(msg[0] != '\0');

    buf_t state;
    buf_init(&state);
    msg[0] = '\0';
    if (api_parse_new_game(&d, &state, msg, sizeof(msg)) == 0) {
        json_doc_t sd;
        int rc = json_parse(&sd, state.data, state.len, stoks, 1100);
        CHECK(rc == 0 || rc == JSON_E_TOO_DEEP);
        const char *bad = NULL;
        if (rc == 0 && view_parse(&sd, 0, "fuzz-game", 0, &g, &bad) == 0)
            CHECK(game_check(&g, &bad) == GAME_OK);
        else if (rc == 0)
            CHECK(bad != NULL);
    } else {
        CHECK(msg[0] != '\0');
    }
    buf_free(&state);
    return 0;
}

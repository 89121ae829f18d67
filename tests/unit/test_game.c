/*
 * test_game.c: unit tests of the game rules (src/game.c).
 *
 * Table-driven tests for every rule and every refusal, then a property test that runs
 * thousands of seeded random action sequences and checks the invariants after each step.
 * Self-contained: only game.h, cmocka and libc. Set GAME_TEST_SEED to replay another seed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "game.h"

#define S(x)                                                                                                                       \
    {                                                                                                                              \
        (x), sizeof(x) - 1                                                                                                         \
    }
#define V(x)                                                                                                                       \
    {                                                                                                                              \
        true, (x)                                                                                                                  \
    }
#define T0 1000000 /* an arbitrary monotonic start time */
#define CLOCK GAME_CLOCK_MS_DEFAULT

#define E1 "\xc3\xa9" /* e with acute: 2 bytes, 1 character */
#define E10 E1 E1 E1 E1 E1 E1 E1 E1 E1 E1
#define E40 E10 E10 E10 E10
#define A10 "aaaaaaaaaa"
#define A40 A10 A10 A10 A10
#define A100 A10 A10 A10 A10 A10 A10 A10 A10 A10 A10
#define N10 "\\n\\n\\n\\n\\n\\n\\n\\n\\n\\n"
#define N100 N10 N10 N10 N10 N10 N10 N10 N10 N10 N10

/* ---- helpers -------------------------------------------------------------------- */

static game_action_t act(game_action_type_t type, game_actor_t actor)
{
    game_action_t a;

    game_action_init(&a, type, actor);
    return a;
}

/* Applies a, which must be accepted with version + 1 and a valid result; g becomes the result. */
static void ok_at(game_t *g, const game_action_t *a, int64_t now)
{
    const char *bf = "unset";
    int64_t version = g->version;
    game_t out;
    int rc = game_apply(g, a, now, &out, &bf);

    if (rc != GAME_OK)
        fail_msg("%s refused: %s (field %s)", game_type_name(a->type), game_err_name(rc), bf ? bf : "-");
    assert_null(bf);
    assert_int_equal(out.version, version + 1);
    if (game_check(&out, &bf) != GAME_OK)
        fail_msg("%s gave an invalid state: %s", game_type_name(a->type), bf);
    game_release(g); /* g now holds the result, with the result's reference */
    memcpy(g, &out, sizeof(out));
}

/* dst (a game or zeroes) becomes a copy of src with a reference of its own. */
static void snap(game_t *dst, const game_t *src)
{
    game_release(dst);
    game_copy(dst, src);
}

static void do_at(game_t *g, game_action_type_t type, game_actor_t actor, int64_t now)
{
    game_action_t a = act(type, actor);

    ok_at(g, &a, now);
}

/* Applies a, which must be refused with rc (and field for GAME_E_BAD) leaving everything untouched. */
static void refused_at(const game_t *g, const game_action_t *a, int64_t now, int rc, const char *field, const char *what)
{
    static game_t copy, out, sentinel;
    const char *bf = "unset";
    int got;

    if (g != NULL)
        memcpy(&copy, g, sizeof(copy));
    memset(&out, 0x5A, sizeof(out));
    memset(&sentinel, 0x5A, sizeof(sentinel));
    got = game_apply(g, a, now, &out, &bf);
    if (got != rc)
        fail_msg("%s: got %s (field %s), want %s", what, game_err_name(got), bf ? bf : "-", game_err_name(rc));
    if (field == NULL ? bf != NULL : (bf == NULL || strcmp(bf, field) != 0))
        fail_msg("%s: bad field %s, want %s", what, bf ? bf : "NULL", field ? field : "NULL");
    if (g != NULL && memcmp(&copy, g, sizeof(copy)) != 0)
        fail_msg("%s: input changed", what);
    if (memcmp(&out, &sentinel, sizeof(out)) != 0)
        fail_msg("%s: output written on refusal", what);
}

static void set_setting(game_t *g, const char *key, const char *value, int64_t now)
{
    game_action_t a = act(GAME_A_SETTINGS, GAME_ACTOR_HOST);

    a.settings.n = 1;
    a.settings.items[0] = (game_setting_in_t){{key, strlen(key)}, {value, strlen(value)}, GAME_V_NUMBER};
    ok_at(g, &a, now);
}

static void set_score(game_t *g, int player, int primary, int secondary, int64_t now)
{
    game_action_t a = act(GAME_A_SCORE, GAME_ACTOR_HOST);

    a.score.player = player;
    a.score.primary = (game_opt_t){true, primary};
    a.score.secondary = (game_opt_t){true, secondary};
    ok_at(g, &a, now);
}

static void turn(game_t *g, game_actor_t who, int64_t now)
{
    do_at(g, GAME_A_TURN, who, now);
}

enum { P_SETUP, P_ACTIVE, P_PAUSED, P_ENDED, P_TURN2, P_FLAGGED, P_NONE };

/* The starting points of the tables: setup with names; started at T0; etc. */
static game_t *prep(game_t *g, int which)
{
    game_action_t a = act(GAME_A_SETUP, GAME_ACTOR_HOST);

    if (which == P_NONE)
        return NULL;
    game_release(g); /* g holds a game from an earlier prep, or zeroes */
    assert_int_equal(game_init(g, "g-7f3a"), GAME_OK);
    a.setup.player1_name = (game_str_t)S("Ana");
    a.setup.player2_name = (game_str_t)S("Ben");
    ok_at(g, &a, T0 - 1000);
    if (which == P_FLAGGED)
        set_setting(g, "clock_ms", "60000", T0 - 500);
    if (which == P_SETUP)
        return g;
    do_at(g, GAME_A_START, GAME_ACTOR_HOST, T0);
    if (which == P_PAUSED)
        do_at(g, GAME_A_PAUSE, GAME_ACTOR_HOST, T0 + 1000);
    if (which == P_ENDED)
        do_at(g, GAME_A_END, GAME_ACTOR_HOST, T0 + 1000);
    if (which == P_TURN2)
        turn(g, GAME_ACTOR_P1, T0 + 1000);
    if (which == P_FLAGGED)
        assert_int_equal(game_tick(g, T0 + 60000, g), GAME_OK);
    return g;
}

/* ---- refusals ------------------------------------------------------------------- */

typedef struct {
    const char *what;
    int prep;
    game_action_t a;
    int rc;
    const char *field;
} refusal_t;

/* case tables: one case per line reads best */
// clang-format off
#define HOST GAME_ACTOR_HOST
#define P1 GAME_ACTOR_P1
#define P2 GAME_ACTOR_P2
#define SRV GAME_ACTOR_SERVER
#define BAD GAME_E_BAD
#define FORB GAME_E_FORBIDDEN
#define INV GAME_E_INVALID_STATE
#define SETTING(k, v, t) {.n = 1, .items = {{S(k), S(v), t}}}

static const refusal_t refusals[] = {
    /* envelope-level */
    {"conflict is checked first", P_ACTIVE, {.type = GAME_A_SCORE, .actor = P1, .expected_version = V(99), .score = {.player = 2, .primary = V(5000)}}, GAME_E_CONFLICT, NULL},
    {"conflict on a missing game", P_NONE, {.type = GAME_A_SCORE, .actor = HOST, .expected_version = V(3)}, GAME_E_CONFLICT, NULL},
    {"no type", P_ACTIVE, {.type = GAME_A_NONE, .actor = HOST}, BAD, "type"},
    {"type out of range", P_ACTIVE, {.type = GAME_A_COUNT_, .actor = HOST}, BAD, "type"},
    {"no actor", P_ACTIVE, {.type = GAME_A_SCORE, .actor = GAME_ACTOR_NONE, .score = {.player = 1, .primary = V(1)}}, FORB, NULL},
    {"actor out of range", P_ACTIVE, {.type = GAME_A_SCORE, .actor = 9, .score = {.player = 1, .primary = V(1)}}, FORB, NULL},
    {"server may only tick", P_ACTIVE, {.type = GAME_A_SCORE, .actor = SRV, .score = {.player = 1, .primary = V(1)}}, FORB, NULL},
    {"host may not tick", P_ACTIVE, {.type = GAME_A_CLOCK_TICK, .actor = HOST}, FORB, NULL},
    {"player may not tick", P_ACTIVE, {.type = GAME_A_CLOCK_TICK, .actor = P1}, FORB, NULL},
    {"only game_state on a missing game", P_NONE, {.type = GAME_A_SCORE, .actor = HOST, .score = {.player = 1, .primary = V(1)}}, INV, NULL},
    {"tick with nothing run out", P_ACTIVE, {.type = GAME_A_CLOCK_TICK, .actor = SRV}, INV, NULL},
    {"tick in setup", P_SETUP, {.type = GAME_A_CLOCK_TICK, .actor = SRV}, INV, NULL},
    /* game_setup */
    {"setup without fields", P_SETUP, {.type = GAME_A_SETUP, .actor = HOST}, BAD, "data"},
    {"setup name too long", P_SETUP, {.type = GAME_A_SETUP, .actor = HOST, .setup = {.player1_name = S(A40 "x")}}, BAD, "player1_name"},
    {"setup 41 characters", P_SETUP, {.type = GAME_A_SETUP, .actor = HOST, .setup = {.player1_name = S(E40 E1)}}, BAD, "player1_name"},
    {"setup truncated UTF-8", P_SETUP, {.type = GAME_A_SETUP, .actor = HOST, .setup = {.player2_name = S("Ben\xc3")}}, BAD, "player2_name"},
    {"setup control character", P_SETUP, {.type = GAME_A_SETUP, .actor = P1, .setup = {.name = S("a\x01")}}, BAD, "name"},
    {"setup C1 control", P_SETUP, {.type = GAME_A_SETUP, .actor = P1, .setup = {.name = S("a\xc2\x85")}}, BAD, "name"},
    {"setup NUL inside", P_SETUP, {.type = GAME_A_SETUP, .actor = P1, .setup = {.name = S("a\0b")}}, BAD, "name"},
    {"setup overlong UTF-8", P_SETUP, {.type = GAME_A_SETUP, .actor = P1, .setup = {.faction = S("\xc0\xaf")}}, BAD, "faction"},
    {"setup surrogate", P_SETUP, {.type = GAME_A_SETUP, .actor = P1, .setup = {.faction = S("\xed\xa0\x80")}}, BAD, "faction"},
    {"setup above U+10FFFF", P_SETUP, {.type = GAME_A_SETUP, .actor = P1, .setup = {.faction = S("\xf4\x90\x80\x80")}}, BAD, "faction"},
    {"host name without player", P_SETUP, {.type = GAME_A_SETUP, .actor = HOST, .setup = {.name = S("Cy")}}, BAD, "player_number"},
    {"setup player 3", P_SETUP, {.type = GAME_A_SETUP, .actor = HOST, .setup = {.name = S("Cy"), .player = 3}}, BAD, "player_number"},
    {"setup attacker 3", P_SETUP, {.type = GAME_A_SETUP, .actor = HOST, .setup = {.attacker = 3}}, BAD, "attacker"},
    {"setup first_player -1", P_SETUP, {.type = GAME_A_SETUP, .actor = HOST, .setup = {.first_player = -1}}, BAD, "first_player"},
    {"player names the opponent", P_SETUP, {.type = GAME_A_SETUP, .actor = P1, .setup = {.player2_name = S("x")}}, FORB, NULL},
    {"player 2 sets player1_name", P_SETUP, {.type = GAME_A_SETUP, .actor = P2, .setup = {.player1_name = S("x")}}, FORB, NULL},
    {"player names player 1", P_SETUP, {.type = GAME_A_SETUP, .actor = P2, .setup = {.name = S("x"), .player = 1}}, FORB, NULL},
    {"player sets attacker", P_SETUP, {.type = GAME_A_SETUP, .actor = P1, .setup = {.attacker = 1}}, FORB, NULL},
    {"player sets first_player", P_SETUP, {.type = GAME_A_SETUP, .actor = P2, .setup = {.first_player = 2}}, FORB, NULL},
    {"player renames after setup", P_ACTIVE, {.type = GAME_A_SETUP, .actor = P1, .setup = {.name = S("x")}}, FORB, NULL},
    {"first_player after setup", P_ACTIVE, {.type = GAME_A_SETUP, .actor = HOST, .setup = {.first_player = 2}}, INV, NULL},
    {"first_player when paused", P_PAUSED, {.type = GAME_A_SETUP, .actor = HOST, .setup = {.first_player = 1}}, INV, NULL},
    /* score_update */
    {"score without player", P_ACTIVE, {.type = GAME_A_SCORE, .actor = HOST, .score = {.primary = V(1)}}, BAD, "player_number"},
    {"score player 3", P_ACTIVE, {.type = GAME_A_SCORE, .actor = HOST, .score = {.player = 3, .primary = V(1)}}, BAD, "player_number"},
    {"score without fields", P_ACTIVE, {.type = GAME_A_SCORE, .actor = HOST, .score = {.player = 1}}, BAD, "data"},
    {"primary 1000", P_ACTIVE, {.type = GAME_A_SCORE, .actor = HOST, .score = {.player = 1, .primary = V(1000)}}, BAD, "primary"},
    {"primary -1", P_ACTIVE, {.type = GAME_A_SCORE, .actor = HOST, .score = {.player = 1, .primary = V(-1)}}, BAD, "primary"},
    {"score 1000", P_ACTIVE, {.type = GAME_A_SCORE, .actor = HOST, .score = {.player = 1, .score = V(1000)}}, BAD, "score"},
    {"secondary 1000", P_ACTIVE, {.type = GAME_A_SCORE, .actor = HOST, .score = {.player = 1, .secondary = V(1000)}}, BAD, "secondary"},
    {"cp 100", P_ACTIVE, {.type = GAME_A_SCORE, .actor = HOST, .score = {.player = 1, .cp = V(100)}}, BAD, "cp"},
    {"cp_delta 100", P_ACTIVE, {.type = GAME_A_SCORE, .actor = HOST, .score = {.player = 1, .cp_delta = V(100)}}, BAD, "cp_delta"},
    {"primary_delta -1000", P_ACTIVE, {.type = GAME_A_SCORE, .actor = HOST, .score = {.player = 1, .primary_delta = V(-1000)}}, BAD, "primary_delta"},
    {"huge delta", P_ACTIVE, {.type = GAME_A_SCORE, .actor = HOST, .score = {.player = 1, .secondary_delta = V(INT64_MIN)}}, BAD, "secondary_delta"},
    {"primary and score", P_ACTIVE, {.type = GAME_A_SCORE, .actor = HOST, .score = {.player = 1, .primary = V(1), .score = V(1)}}, BAD, "score"},
    {"primary and its delta", P_ACTIVE, {.type = GAME_A_SCORE, .actor = HOST, .score = {.player = 1, .primary = V(1), .primary_delta = V(1)}}, BAD, "primary_delta"},
    {"score and score_delta", P_ACTIVE, {.type = GAME_A_SCORE, .actor = HOST, .score = {.player = 1, .score = V(1), .score_delta = V(1)}}, BAD, "score_delta"},
    {"secondary and its delta", P_ACTIVE, {.type = GAME_A_SCORE, .actor = HOST, .score = {.player = 1, .secondary = V(1), .secondary_delta = V(1)}}, BAD, "secondary_delta"},
    {"cp and its delta", P_ACTIVE, {.type = GAME_A_SCORE, .actor = HOST, .score = {.player = 1, .cp = V(1), .cp_delta = V(1)}}, BAD, "cp_delta"},
    {"private array", P_ACTIVE, {.type = GAME_A_SCORE, .actor = P1, .score = {.player = 1, .private_json = S("[]")}}, BAD, "private"},
    {"private empty", P_ACTIVE, {.type = GAME_A_SCORE, .actor = P1, .score = {.player = 1, .private_json = S("")}}, BAD, "private"},
    {"private bad UTF-8", P_ACTIVE, {.type = GAME_A_SCORE, .actor = P1, .score = {.player = 1, .private_json = S("{\"a\":\"\xff\"}")}}, BAD, "private"},
    {"private over 1 KiB", P_ACTIVE, {.type = GAME_A_SCORE, .actor = P1, .score = {.player = 1, .private_json = S("{\"a\":\"" A100 A100 A100 A100 A100 A100 A100 A100 A100 A100 A100 "\"}")}}, BAD, "private"},
    {"player scores opponent", P_ACTIVE, {.type = GAME_A_SCORE, .actor = P1, .score = {.player = 2, .primary = V(5)}}, FORB, NULL},
    {"player writes opponent's notes", P_ACTIVE, {.type = GAME_A_SCORE, .actor = P2, .score = {.player = 1, .private_json = S("{}")}}, FORB, NULL},
    {"shape before role", P_ACTIVE, {.type = GAME_A_SCORE, .actor = P1, .score = {.player = 2, .primary = V(1000)}}, BAD, "primary"},
    {"score an ended game", P_ENDED, {.type = GAME_A_SCORE, .actor = HOST, .score = {.player = 1, .primary = V(5)}}, INV, NULL},
    {"notes on an ended game", P_ENDED, {.type = GAME_A_SCORE, .actor = P1, .score = {.player = 1, .private_json = S("{}")}}, INV, NULL},
    {"spend CP not there", P_ACTIVE, {.type = GAME_A_SCORE, .actor = P1, .score = {.player = 1, .cp_delta = V(-1)}}, BAD, "cp_delta"},
    {"score_delta below 0", P_ACTIVE, {.type = GAME_A_SCORE, .actor = P1, .score = {.player = 1, .score_delta = V(-1)}}, BAD, "score_delta"},
    {"secondary_delta below 0", P_ACTIVE, {.type = GAME_A_SCORE, .actor = P1, .score = {.player = 1, .secondary_delta = V(-1)}}, BAD, "secondary_delta"},
    /* timer_update */
    {"timer player 0", P_ACTIVE, {.type = GAME_A_TIMER, .actor = HOST, .timer = {.op = GAME_TIMER_STOP}}, BAD, "player_number"},
    {"timer without action", P_ACTIVE, {.type = GAME_A_TIMER, .actor = HOST, .timer = {.player = 1}}, BAD, "action"},
    {"timer action 9", P_ACTIVE, {.type = GAME_A_TIMER, .actor = HOST, .timer = {.player = 1, .op = 9}}, BAD, "action"},
    {"set without time", P_ACTIVE, {.type = GAME_A_TIMER, .actor = HOST, .timer = {.player = 1, .op = GAME_TIMER_SET}}, BAD, "time_remaining"},
    {"set -1", P_ACTIVE, {.type = GAME_A_TIMER, .actor = HOST, .timer = {.player = 1, .op = GAME_TIMER_SET, .time_remaining = V(-1)}}, BAD, "time_remaining"},
    {"set over 24 h", P_ACTIVE, {.type = GAME_A_TIMER, .actor = HOST, .timer = {.player = 1, .op = GAME_TIMER_SET, .time_remaining = V(GAME_CLOCK_MS_MAX + 1)}}, BAD, "time_remaining"},
    {"player runs clocks", P_ACTIVE, {.type = GAME_A_TIMER, .actor = P1, .timer = {.player = 1, .op = GAME_TIMER_STOP}}, FORB, NULL},
    {"start in setup", P_SETUP, {.type = GAME_A_TIMER, .actor = HOST, .timer = {.player = 1, .op = GAME_TIMER_START}}, INV, NULL},
    {"start when paused", P_PAUSED, {.type = GAME_A_TIMER, .actor = HOST, .timer = {.player = 2, .op = GAME_TIMER_START}}, INV, NULL},
    {"start when ended", P_ENDED, {.type = GAME_A_TIMER, .actor = HOST, .timer = {.player = 2, .op = GAME_TIMER_START}}, INV, NULL},
    {"start a running clock", P_ACTIVE, {.type = GAME_A_TIMER, .actor = HOST, .timer = {.player = 1, .op = GAME_TIMER_START}}, INV, NULL},
    {"start a flagged clock", P_FLAGGED, {.type = GAME_A_TIMER, .actor = HOST, .timer = {.player = 1, .op = GAME_TIMER_START}}, INV, NULL},
    {"stop a stopped clock", P_ACTIVE, {.type = GAME_A_TIMER, .actor = HOST, .timer = {.player = 2, .op = GAME_TIMER_STOP}}, INV, NULL},
    {"stop when paused", P_PAUSED, {.type = GAME_A_TIMER, .actor = HOST, .timer = {.player = 1, .op = GAME_TIMER_STOP}}, INV, NULL},
    {"set when ended", P_ENDED, {.type = GAME_A_TIMER, .actor = HOST, .timer = {.player = 1, .op = GAME_TIMER_SET, .time_remaining = V(5)}}, INV, NULL},
    /* turn_change */
    {"current_turn 3", P_ACTIVE, {.type = GAME_A_TURN, .actor = HOST, .turn = {.current_turn = 3}}, BAD, "current_turn"},
    {"player names current_turn", P_ACTIVE, {.type = GAME_A_TURN, .actor = P1, .turn = {.current_turn = 2}}, FORB, NULL},
    {"not your turn (2)", P_ACTIVE, {.type = GAME_A_TURN, .actor = P2}, FORB, NULL},
    {"not your turn (1)", P_TURN2, {.type = GAME_A_TURN, .actor = P1}, FORB, NULL},
    {"player turn in setup", P_SETUP, {.type = GAME_A_TURN, .actor = P1}, FORB, NULL},
    {"host turn in setup", P_SETUP, {.type = GAME_A_TURN, .actor = HOST}, INV, NULL},
    {"turn when ended", P_ENDED, {.type = GAME_A_TURN, .actor = HOST}, INV, NULL},
    {"turn to the player on turn", P_ACTIVE, {.type = GAME_A_TURN, .actor = HOST, .turn = {.current_turn = 1}}, INV, NULL},
    /* game_start, game_pause, game_resume */
    {"player starts", P_SETUP, {.type = GAME_A_START, .actor = P1}, FORB, NULL},
    {"start twice", P_ACTIVE, {.type = GAME_A_START, .actor = HOST}, INV, NULL},
    {"start when paused", P_PAUSED, {.type = GAME_A_START, .actor = HOST}, INV, NULL},
    {"start when ended", P_ENDED, {.type = GAME_A_START, .actor = HOST}, INV, NULL},
    {"player pauses", P_ACTIVE, {.type = GAME_A_PAUSE, .actor = P2}, FORB, NULL},
    {"pause in setup", P_SETUP, {.type = GAME_A_PAUSE, .actor = HOST}, INV, NULL},
    {"pause twice", P_PAUSED, {.type = GAME_A_PAUSE, .actor = HOST}, INV, NULL},
    {"pause when ended", P_ENDED, {.type = GAME_A_PAUSE, .actor = HOST}, INV, NULL},
    {"player resumes", P_PAUSED, {.type = GAME_A_RESUME, .actor = P1}, FORB, NULL},
    {"resume when active", P_ACTIVE, {.type = GAME_A_RESUME, .actor = HOST}, INV, NULL},
    {"resume in setup", P_SETUP, {.type = GAME_A_RESUME, .actor = HOST}, INV, NULL},
    {"resume when ended", P_ENDED, {.type = GAME_A_RESUME, .actor = HOST}, INV, NULL},
    /* game_end */
    {"winner 4", P_ACTIVE, {.type = GAME_A_END, .actor = HOST, .end = {.winner = 4}}, BAD, "winner"},
    {"winner -1", P_ACTIVE, {.type = GAME_A_END, .actor = HOST, .end = {.winner = -1}}, BAD, "winner"},
    {"player declares itself winner", P_ACTIVE, {.type = GAME_A_END, .actor = P1, .end = {.winner = 1}}, FORB, NULL},
    {"player ends by score", P_ACTIVE, {.type = GAME_A_END, .actor = P2}, FORB, NULL},
    {"player declares a draw", P_ACTIVE, {.type = GAME_A_END, .actor = P1, .end = {.winner = GAME_WINNER_DRAW}}, FORB, NULL},
    {"end twice", P_ENDED, {.type = GAME_A_END, .actor = HOST}, INV, NULL},
    {"concede an ended game", P_ENDED, {.type = GAME_A_END, .actor = P2, .end = {.winner = 1}}, INV, NULL},
    /* settings_update */
    {"settings empty", P_SETUP, {.type = GAME_A_SETTINGS, .actor = HOST}, BAD, "settings"},
    {"settings 33 items", P_SETUP, {.type = GAME_A_SETTINGS, .actor = HOST, .settings = {.n = 33}}, BAD, "settings"},
    {"settings key with space", P_SETUP, {.type = GAME_A_SETTINGS, .actor = HOST, .settings = SETTING("a b", "1", GAME_V_NUMBER)}, BAD, "settings"},
    {"settings empty key", P_SETUP, {.type = GAME_A_SETTINGS, .actor = HOST, .settings = SETTING("", "1", GAME_V_NUMBER)}, BAD, "settings"},
    {"settings key 41", P_SETUP, {.type = GAME_A_SETTINGS, .actor = HOST, .settings = SETTING(A40 "a", "1", GAME_V_NUMBER)}, BAD, "settings"},
    {"settings no type", P_SETUP, {.type = GAME_A_SETTINGS, .actor = HOST, .settings = SETTING("x", "1", GAME_V_NONE)}, BAD, "settings"},
    {"settings no value", P_SETUP, {.type = GAME_A_SETTINGS, .actor = HOST, .settings = {.n = 1, .items = {{S("x"), {NULL, 0}, GAME_V_STRING}}}}, BAD, "settings"},
    {"clock_ms 0", P_SETUP, {.type = GAME_A_SETTINGS, .actor = HOST, .settings = SETTING("clock_ms", "0", GAME_V_NUMBER)}, BAD, "clock_ms"},
    {"clock_ms 59999", P_SETUP, {.type = GAME_A_SETTINGS, .actor = HOST, .settings = SETTING("clock_ms", "59999", GAME_V_NUMBER)}, BAD, "clock_ms"},
    {"clock_ms over 24 h", P_SETUP, {.type = GAME_A_SETTINGS, .actor = HOST, .settings = SETTING("clock_ms", "86400001", GAME_V_NUMBER)}, BAD, "clock_ms"},
    {"clock_ms fraction", P_SETUP, {.type = GAME_A_SETTINGS, .actor = HOST, .settings = SETTING("clock_ms", "60000.5", GAME_V_NUMBER)}, BAD, "clock_ms"},
    {"clock_ms string", P_SETUP, {.type = GAME_A_SETTINGS, .actor = HOST, .settings = SETTING("clock_ms", "\"60000\"", GAME_V_STRING)}, BAD, "clock_ms"},
    {"clock_ms huge", P_SETUP, {.type = GAME_A_SETTINGS, .actor = HOST, .settings = SETTING("clock_ms", "99999999999999999999", GAME_V_NUMBER)}, BAD, "clock_ms"},
    {"rounds 0", P_SETUP, {.type = GAME_A_SETTINGS, .actor = HOST, .settings = SETTING("rounds", "0", GAME_V_NUMBER)}, BAD, "rounds"},
    {"rounds 100", P_SETUP, {.type = GAME_A_SETTINGS, .actor = HOST, .settings = SETTING("rounds", "100", GAME_V_NUMBER)}, BAD, "rounds"},
    {"rounds true", P_SETUP, {.type = GAME_A_SETTINGS, .actor = HOST, .settings = SETTING("rounds", "true", GAME_V_BOOL)}, BAD, "rounds"},
    {"cp_per_turn 11", P_SETUP, {.type = GAME_A_SETTINGS, .actor = HOST, .settings = SETTING("cp_per_turn", "11", GAME_V_NUMBER)}, BAD, "cp_per_turn"},
    {"cp_per_turn -1", P_SETUP, {.type = GAME_A_SETTINGS, .actor = HOST, .settings = SETTING("cp_per_turn", "-1", GAME_V_NUMBER)}, BAD, "cp_per_turn"},
    {"number 01", P_SETUP, {.type = GAME_A_SETTINGS, .actor = HOST, .settings = SETTING("x", "01", GAME_V_NUMBER)}, BAD, "settings"},
    {"number 1.", P_SETUP, {.type = GAME_A_SETTINGS, .actor = HOST, .settings = SETTING("x", "1.", GAME_V_NUMBER)}, BAD, "settings"},
    {"number 1e", P_SETUP, {.type = GAME_A_SETTINGS, .actor = HOST, .settings = SETTING("x", "1e", GAME_V_NUMBER)}, BAD, "settings"},
    {"number -", P_SETUP, {.type = GAME_A_SETTINGS, .actor = HOST, .settings = SETTING("x", "-", GAME_V_NUMBER)}, BAD, "settings"},
    {"number +1", P_SETUP, {.type = GAME_A_SETTINGS, .actor = HOST, .settings = SETTING("x", "+1", GAME_V_NUMBER)}, BAD, "settings"},
    {"number NaN", P_SETUP, {.type = GAME_A_SETTINGS, .actor = HOST, .settings = SETTING("x", "NaN", GAME_V_NUMBER)}, BAD, "settings"},
    {"string unterminated", P_SETUP, {.type = GAME_A_SETTINGS, .actor = HOST, .settings = SETTING("x", "\"abc", GAME_V_STRING)}, BAD, "settings"},
    {"string lone quote", P_SETUP, {.type = GAME_A_SETTINGS, .actor = HOST, .settings = SETTING("x", "\"", GAME_V_STRING)}, BAD, "settings"},
    {"string inner quote", P_SETUP, {.type = GAME_A_SETTINGS, .actor = HOST, .settings = SETTING("x", "\"a\"b\"", GAME_V_STRING)}, BAD, "settings"},
    {"string escaped end", P_SETUP, {.type = GAME_A_SETTINGS, .actor = HOST, .settings = SETTING("x", "\"ab\\\"", GAME_V_STRING)}, BAD, "settings"},
    {"string bad escape", P_SETUP, {.type = GAME_A_SETTINGS, .actor = HOST, .settings = SETTING("x", "\"\\x\"", GAME_V_STRING)}, BAD, "settings"},
    {"string short \\u", P_SETUP, {.type = GAME_A_SETTINGS, .actor = HOST, .settings = SETTING("x", "\"\\u12\"", GAME_V_STRING)}, BAD, "settings"},
    {"string raw newline", P_SETUP, {.type = GAME_A_SETTINGS, .actor = HOST, .settings = SETTING("x", "\"a\nb\"", GAME_V_STRING)}, BAD, "settings"},
    {"string bad UTF-8", P_SETUP, {.type = GAME_A_SETTINGS, .actor = HOST, .settings = SETTING("x", "\"\xe2\x82\"", GAME_V_STRING)}, BAD, "settings"},
    {"string 201 characters", P_SETUP, {.type = GAME_A_SETTINGS, .actor = HOST, .settings = SETTING("x", "\"" A100 A100 "a\"", GAME_V_STRING)}, BAD, "settings"},
    {"bool yes", P_SETUP, {.type = GAME_A_SETTINGS, .actor = HOST, .settings = SETTING("x", "yes", GAME_V_BOOL)}, BAD, "settings"},
    {"player changes settings", P_SETUP, {.type = GAME_A_SETTINGS, .actor = P1, .settings = SETTING("x", "1", GAME_V_NUMBER)}, FORB, NULL},
    {"player with bad settings", P_SETUP, {.type = GAME_A_SETTINGS, .actor = P1, .settings = SETTING("x y", "1", GAME_V_NUMBER)}, BAD, "settings"},
    {"second item bad", P_ACTIVE, {.type = GAME_A_SETTINGS, .actor = HOST, .settings = {.n = 2, .items = {{S("rounds"), S("3"), GAME_V_NUMBER}, {S("rounds"), S("0"), GAME_V_NUMBER}}}}, BAD, "rounds"},
    /* undo and game_state without their pointers */
    {"undo with nothing to undo", P_ACTIVE, {.type = GAME_A_UNDO, .actor = HOST, .undo = {.by = HOST}}, INV, NULL},
    {"undo by nobody", P_ACTIVE, {.type = GAME_A_UNDO, .actor = HOST, .undo = {.by = GAME_ACTOR_NONE}}, BAD, "undo"},
    {"game_state without a state", P_ACTIVE, {.type = GAME_A_STATE, .actor = HOST}, BAD, "data"},
};

// clang-format on

static void test_refusals(void **unused)
{
    game_t g = {0};

    (void)unused;
    for (size_t i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++) {
        const refusal_t *r = &refusals[i];
        refused_at(prep(&g, r->prep), &r->a, T0 + 5000, r->rc, r->field, r->what);
    }
    game_release(&g);
}

/* ---- accepted rules ------------------------------------------------------------- */

static void test_init(void **unused)
{
    game_t g = {0};
    const game_setting_t *s;

    (void)unused;
    assert_int_equal(game_init(&g, "g-7f3a"), GAME_OK);
    assert_string_equal(g.id, "g-7f3a");
    assert_int_equal(g.version, 1);
    assert_int_equal(g.status, GAME_SETUP);
    assert_int_equal(g.round, 0);
    assert_int_equal(g.current_turn, 0);
    assert_int_equal(g.first_player, 0);
    assert_int_equal(g.attacker, 0);
    assert_int_equal(g.winner, 0);
    assert_false(g.draw);
    for (int p = 1; p <= 2; p++) {
        assert_string_equal(g.players[p - 1].name, "");
        assert_string_equal(g.players[p - 1].private_json, "{}");
        assert_int_equal(game_clock_remaining(&g, p, T0), CLOCK);
        assert_int_equal(game_clock_used(&g, p, T0), 0);
        assert_false(g.players[p - 1].clock.running);
        assert_int_equal(game_score(&g, p), 0);
    }
    assert_int_equal(g.nsettings, 3);
    assert_non_null(s = game_setting_find(&g, "clock_ms"));
    assert_string_equal(s->value, "5400000");
    assert_int_equal(s->type, GAME_V_NUMBER);
    assert_string_equal(game_setting_find(&g, "rounds")->value, "5");
    assert_string_equal(game_setting_find(&g, "cp_per_turn")->value, "0");
    assert_null(game_setting_find(&g, "nope"));
    assert_int_equal(game_clock_ms(&g), CLOCK);
    assert_int_equal(game_rounds(&g), 5);
    assert_int_equal(game_cp_per_turn(&g), 0);
    assert_int_equal(game_time_ms(&g, T0), 0);
    assert_int_equal(game_next_event_ms(&g), INT64_MAX);
    assert_int_equal(game_check(&g, NULL), GAME_OK);
    assert_int_equal(game_init(&g, ""), GAME_E_BAD);
    assert_int_equal(game_init(&g, A40 "a"), GAME_E_BAD);
    assert_int_equal(game_init(&g, "a b"), GAME_E_BAD);
    assert_int_equal(game_init(&g, "g/1"), GAME_E_BAD);
    assert_int_equal(game_init(&g, E1), GAME_E_BAD);
    assert_int_equal(game_init(&g, NULL), GAME_E_BAD);
    assert_int_equal(game_init(&g, A40), GAME_OK);
    game_release(&g);
}

typedef struct {
    const char *what;
    int prep;
    game_action_t a;
    const char *name1, *name2, *faction1, *faction2;
    int attacker, first_player;
} setup_rule_t;

/* case tables: one case per line reads best */
// clang-format off
static const setup_rule_t setup_rules[] = {
    {"host names both", P_SETUP, {.type = GAME_A_SETUP, .actor = HOST, .setup = {.player1_name = S("Cy"), .player2_name = S("Di")}}, "Cy", "Di", "", "", 0, 0},
    {"host names one with player", P_SETUP, {.type = GAME_A_SETUP, .actor = HOST, .setup = {.name = S("Cy"), .faction = S("Orks"), .player = 2}}, "Ana", "Cy", "", "Orks", 0, 0},
    {"player names itself", P_SETUP, {.type = GAME_A_SETUP, .actor = P1, .setup = {.name = S("Cy"), .faction = S("Aeldari")}}, "Cy", "Ben", "Aeldari", "", 0, 0},
    {"player uses its playerN_name", P_SETUP, {.type = GAME_A_SETUP, .actor = P2, .setup = {.player2_name = S("Di"), .player = 2}}, "Ana", "Di", "", "", 0, 0},
    {"roll-offs", P_SETUP, {.type = GAME_A_SETUP, .actor = HOST, .setup = {.attacker = 2, .first_player = 2}}, "Ana", "Ben", "", "", 2, 2},
    {"40 two-byte characters", P_SETUP, {.type = GAME_A_SETUP, .actor = P1, .setup = {.name = S(E40)}}, E40, "Ben", "", "", 0, 0},
    {"empty name", P_SETUP, {.type = GAME_A_SETUP, .actor = P1, .setup = {.name = S("")}}, "", "Ben", "", "", 0, 0},
    {"host fixes a name mid-game", P_ACTIVE, {.type = GAME_A_SETUP, .actor = HOST, .setup = {.player1_name = S("Anna"), .attacker = 1}}, "Anna", "Ben", "", "", 1, 1},
    {"host fixes a name after the end", P_ENDED, {.type = GAME_A_SETUP, .actor = HOST, .setup = {.faction = S("Necrons"), .player = 1}}, "Ana", "Ben", "Necrons", "", 0, 1},
};

// clang-format on

static void test_setup_rules(void **unused)
{
    game_t g = {0};

    (void)unused;
    for (size_t i = 0; i < sizeof(setup_rules) / sizeof(setup_rules[0]); i++) {
        const setup_rule_t *r = &setup_rules[i];
        ok_at(prep(&g, r->prep), &r->a, T0 + 5000);
        assert_string_equal(g.players[0].name, r->name1);
        assert_string_equal(g.players[1].name, r->name2);
        assert_string_equal(g.players[0].faction, r->faction1);
        assert_string_equal(g.players[1].faction, r->faction2);
        assert_int_equal(g.attacker, r->attacker);
        assert_int_equal(g.first_player, r->first_player);
    }
    game_release(&g);
}

typedef struct {
    const char *what;
    int prep;
    game_action_t a;
    int player, primary, secondary, cp;
    const char *private_json;
} score_rule_t;

/* case tables: one case per line reads best */
// clang-format off
static const score_rule_t score_rules[] = {
    {"host sets primary", P_ACTIVE, {.type = GAME_A_SCORE, .actor = HOST, .score = {.player = 1, .primary = V(10)}}, 1, 10, 0, 0, "{}"},
    {"player adds primary", P_ACTIVE, {.type = GAME_A_SCORE, .actor = P2, .score = {.player = 2, .primary_delta = V(3)}}, 2, 3, 0, 0, "{}"},
    {"score is primary", P_ACTIVE, {.type = GAME_A_SCORE, .actor = P1, .score = {.player = 1, .score = V(7)}}, 1, 7, 0, 0, "{}"},
    {"score_delta is primary_delta", P_ACTIVE, {.type = GAME_A_SCORE, .actor = P1, .score = {.player = 1, .score_delta = V(2)}}, 1, 2, 0, 0, "{}"},
    {"all at once", P_ACTIVE, {.type = GAME_A_SCORE, .actor = P1, .score = {.player = 1, .primary = V(999), .secondary = V(999), .cp = V(99)}}, 1, 999, 999, 99, "{}"},
    {"deltas", P_ACTIVE, {.type = GAME_A_SCORE, .actor = HOST, .score = {.player = 2, .secondary_delta = V(4), .cp_delta = V(2)}}, 2, 0, 4, 2, "{}"},
    {"private notes", P_ACTIVE, {.type = GAME_A_SCORE, .actor = P2, .score = {.player = 2, .private_json = S(" {\"plan\": \"hold\"}\n")}}, 2, 0, 0, 0, " {\"plan\": \"hold\"}\n"},
    {"zero delta", P_ACTIVE, {.type = GAME_A_SCORE, .actor = P1, .score = {.player = 1, .cp_delta = V(0)}}, 1, 0, 0, 0, "{}"},
    {"scoring in setup", P_SETUP, {.type = GAME_A_SCORE, .actor = P1, .score = {.player = 1, .cp = V(3)}}, 1, 0, 0, 3, "{}"},
    {"scoring when paused", P_PAUSED, {.type = GAME_A_SCORE, .actor = HOST, .score = {.player = 2, .primary = V(5)}}, 2, 5, 0, 0, "{}"},
};

// clang-format on

static void test_score_rules(void **unused)
{
    game_t g = {0};

    (void)unused;
    for (size_t i = 0; i < sizeof(score_rules) / sizeof(score_rules[0]); i++) {
        const score_rule_t *r = &score_rules[i];
        game_player_t other;
        memcpy(&other, &prep(&g, r->prep)->players[2 - r->player], sizeof(other));
        ok_at(&g, &r->a, T0 + 5000);
        const game_player_t *p = &g.players[r->player - 1];
        assert_int_equal(p->primary, r->primary);
        assert_int_equal(p->secondary, r->secondary);
        assert_int_equal(p->cp, r->cp);
        assert_int_equal(game_score(&g, r->player), r->primary + r->secondary);
        assert_string_equal(p->private_json, r->private_json);
        assert_int_equal(g.players[2 - r->player].primary, other.primary);
        assert_int_equal(g.players[2 - r->player].cp, other.cp);
    }
    /* a delta that would leave the range is refused, one that reaches the edge is not */
    prep(&g, P_ACTIVE);
    set_score(&g, 1, 998, 0, T0 + 1);
    game_action_t a = act(GAME_A_SCORE, GAME_ACTOR_P1);
    a.score.player = 1;
    a.score.primary_delta = (game_opt_t){true, 2};
    refused_at(&g, &a, T0 + 2, GAME_E_BAD, "primary_delta", "primary over 999");
    a.score.primary_delta.v = 1;
    ok_at(&g, &a, T0 + 2);
    assert_int_equal(g.players[0].primary, 999);
    game_release(&g);
}

static void test_start(void **unused)
{
    game_t g = {0};

    (void)unused;
    prep(&g, P_SETUP);
    set_setting(&g, "cp_per_turn", "2", T0 - 10);
    game_action_t a = act(GAME_A_SETUP, GAME_ACTOR_HOST);
    a.setup.first_player = 2;
    ok_at(&g, &a, T0 - 5);
    do_at(&g, GAME_A_START, GAME_ACTOR_HOST, T0);
    assert_int_equal(g.status, GAME_ACTIVE);
    assert_int_equal(g.round, 1);
    assert_int_equal(g.current_turn, 2);
    assert_true(g.players[1].clock.running);
    assert_false(g.players[0].clock.running);
    assert_int_equal(g.players[0].cp, 2); /* the first turn is a turn: both gain */
    assert_int_equal(g.players[1].cp, 2);
    assert_true(g.game_time.running);
    assert_int_equal(game_clock_remaining(&g, 2, T0 + 1500), CLOCK - 1500);
    assert_int_equal(game_clock_used(&g, 2, T0 + 1500), 1500);
    assert_int_equal(game_clock_remaining(&g, 1, T0 + 1500), CLOCK);
    assert_int_equal(game_time_ms(&g, T0 + 1500), 1500);
    assert_int_equal(game_next_event_ms(&g), T0 + CLOCK);

    prep(&g, P_ACTIVE); /* first_player unset: player 1 goes first */
    assert_int_equal(g.first_player, 1);
    assert_int_equal(g.current_turn, 1);
    assert_true(g.players[0].clock.running);
    assert_int_equal(g.players[0].cp, 0);
    game_release(&g);
}

/* A whole short game: clocks hand over, rounds count, CP accrue, the last turn ends it. */
static void test_turns_and_rounds(void **unused)
{
    game_t g = {0};

    (void)unused;
    prep(&g, P_SETUP);
    set_setting(&g, "clock_ms", "600000", T0 - 30);
    set_setting(&g, "cp_per_turn", "1", T0 - 20);
    set_setting(&g, "rounds", "2", T0 - 10);
    do_at(&g, GAME_A_START, GAME_ACTOR_HOST, T0);
    assert_int_equal(g.players[0].cp, 1);

    turn(&g, GAME_ACTOR_P1, T0 + 10000);
    assert_int_equal(g.current_turn, 2);
    assert_int_equal(g.round, 1);
    assert_false(g.players[0].clock.running);
    assert_true(g.players[1].clock.running);
    assert_int_equal(game_clock_remaining(&g, 1, T0 + 99999), 590000);
    assert_int_equal(game_clock_used(&g, 1, T0 + 99999), 10000);
    assert_int_equal(g.players[0].cp, 2);
    assert_int_equal(g.players[1].cp, 2);

    turn(&g, GAME_ACTOR_P2, T0 + 30000);
    assert_int_equal(g.current_turn, 1);
    assert_int_equal(g.round, 2); /* back to the first player: a new round */
    assert_int_equal(game_clock_used(&g, 2, T0 + 30000), 20000);
    assert_true(g.players[0].clock.running);
    assert_int_equal(g.players[1].cp, 3);

    set_score(&g, 1, 10, 2, T0 + 35000);
    set_score(&g, 2, 8, 3, T0 + 36000);
    game_action_t a = act(GAME_A_TURN, GAME_ACTOR_HOST);
    a.turn.current_turn = 2;
    ok_at(&g, &a, T0 + 40000);
    assert_int_equal(g.current_turn, 2);
    assert_int_equal(g.round, 2);
    assert_int_equal(g.players[0].cp, 4);

    turn(&g, GAME_ACTOR_P2, T0 + 50000); /* second turn of the last round */
    assert_int_equal(g.status, GAME_ENDED);
    assert_int_equal(g.winner, 1);
    assert_false(g.draw);
    assert_int_equal(g.round, 2);
    assert_int_equal(g.current_turn, 2);
    assert_int_equal(g.players[0].cp, 4); /* no turn started, no CP */
    assert_false(g.players[0].clock.running || g.players[1].clock.running);
    assert_false(g.game_time.running);
    assert_int_equal(game_time_ms(&g, T0 + 99999), 50000);
    assert_int_equal(game_clock_used(&g, 1, T0 + 99999), 10000 + 10000);
    assert_int_equal(game_clock_used(&g, 2, T0 + 99999), 20000 + 10000);
    game_release(&g);
}

static void play_to_end(game_t *g, int p1, int p2)
{
    prep(g, P_SETUP);
    set_setting(g, "rounds", "1", T0 - 10);
    do_at(g, GAME_A_START, GAME_ACTOR_HOST, T0);
    set_score(g, 1, p1, 0, T0 + 1);
    set_score(g, 2, 0, p2, T0 + 2);
    turn(g, GAME_ACTOR_P1, T0 + 3);
    turn(g, GAME_ACTOR_P2, T0 + 4);
    assert_int_equal(g->status, GAME_ENDED);
}

static void test_end_by_turns(void **unused)
{
    game_t g = {0};

    (void)unused;
    play_to_end(&g, 5, 5);
    assert_true(g.draw);
    assert_int_equal(g.winner, 0);
    play_to_end(&g, 4, 5);
    assert_false(g.draw);
    assert_int_equal(g.winner, 2);
    /* a game whose first player is 2 ends after player 1's turn */
    prep(&g, P_SETUP);
    set_setting(&g, "rounds", "1", T0 - 10);
    game_action_t a = act(GAME_A_SETUP, GAME_ACTOR_HOST);
    a.setup.first_player = 2;
    ok_at(&g, &a, T0 - 5);
    do_at(&g, GAME_A_START, GAME_ACTOR_HOST, T0);
    turn(&g, GAME_ACTOR_P2, T0 + 3);
    assert_int_equal(g.status, GAME_ACTIVE);
    turn(&g, GAME_ACTOR_P1, T0 + 4);
    assert_int_equal(g.status, GAME_ENDED);
    /* lowering rounds below the current round ends the game at the next round's end */
    prep(&g, P_ACTIVE);
    turn(&g, GAME_ACTOR_P1, T0 + 1);
    turn(&g, GAME_ACTOR_P2, T0 + 2);
    turn(&g, GAME_ACTOR_P1, T0 + 3);
    assert_int_equal(g.round, 2);
    set_setting(&g, "rounds", "1", T0 + 4);
    turn(&g, GAME_ACTOR_P2, T0 + 5);
    assert_int_equal(g.status, GAME_ENDED);
    assert_int_equal(g.round, 2);
    game_release(&g);
}

static void test_cp_cap(void **unused)
{
    game_t g = {0};

    (void)unused;
    prep(&g, P_ACTIVE);
    set_setting(&g, "cp_per_turn", "10", T0 + 1);
    game_action_t a = act(GAME_A_SCORE, GAME_ACTOR_HOST);
    a.score.player = 1;
    a.score.cp = (game_opt_t){true, 95};
    ok_at(&g, &a, T0 + 2);
    turn(&g, GAME_ACTOR_P1, T0 + 3);
    assert_int_equal(g.players[0].cp, 99);
    assert_int_equal(g.players[1].cp, 10);
    turn(&g, GAME_ACTOR_P2, T0 + 4);
    assert_int_equal(g.players[0].cp, 99);
    assert_int_equal(g.players[1].cp, 20);
    game_release(&g);
}

static void test_pause_resume(void **unused)
{
    game_t g = {0};

    (void)unused;
    prep(&g, P_ACTIVE);
    do_at(&g, GAME_A_PAUSE, GAME_ACTOR_HOST, T0 + 10000);
    assert_int_equal(g.status, GAME_PAUSED);
    assert_false(g.players[0].clock.running);
    assert_false(g.game_time.running);
    assert_int_equal(game_clock_used(&g, 1, T0 + 500000), 10000);
    assert_int_equal(game_time_ms(&g, T0 + 500000), 10000);
    assert_int_equal(game_next_event_ms(&g), INT64_MAX);
    /* a turn may pass while paused; no clock starts until the resume */
    turn(&g, GAME_ACTOR_P1, T0 + 20000);
    assert_int_equal(g.current_turn, 2);
    assert_false(g.players[1].clock.running);
    do_at(&g, GAME_A_RESUME, GAME_ACTOR_HOST, T0 + 100000);
    assert_int_equal(g.status, GAME_ACTIVE);
    assert_true(g.players[1].clock.running);
    assert_false(g.players[0].clock.running);
    assert_int_equal(game_clock_used(&g, 2, T0 + 105000), 5000);
    assert_int_equal(game_time_ms(&g, T0 + 105000), 15000);
    game_release(&g);
}

static void test_timer(void **unused)
{
    game_t g = {0};
    game_action_t a = act(GAME_A_TIMER, GAME_ACTOR_HOST);

    (void)unused;
    prep(&g, P_ACTIVE);
    a.timer.player = 2;
    a.timer.op = GAME_TIMER_START; /* starting one clock stops the other */
    ok_at(&g, &a, T0 + 1000);
    assert_false(g.players[0].clock.running);
    assert_true(g.players[1].clock.running);
    assert_int_equal(game_clock_used(&g, 1, T0 + 9000), 1000);
    a.timer.op = GAME_TIMER_SET; /* a running clock keeps running from the new value */
    a.timer.time_remaining = (game_opt_t){true, 70000};
    ok_at(&g, &a, T0 + 3000);
    assert_true(g.players[1].clock.running);
    assert_int_equal(game_clock_remaining(&g, 2, T0 + 4000), 69000);
    assert_int_equal(game_clock_used(&g, 2, T0 + 4000), 3000);
    assert_int_equal(game_next_event_ms(&g), T0 + 73000);
    a.timer.time_remaining.v = 0; /* set to 0: flagged and stopped */
    ok_at(&g, &a, T0 + 5000);
    assert_true(g.players[1].clock.flagged);
    assert_false(g.players[1].clock.running);
    a.timer.time_remaining.v = 5000; /* more time: no longer flagged */
    ok_at(&g, &a, T0 + 6000);
    assert_false(g.players[1].clock.flagged);
    assert_false(g.players[1].clock.running);
    a.timer.player = 1;
    a.timer.op = GAME_TIMER_START;
    ok_at(&g, &a, T0 + 7000);
    a.timer.op = GAME_TIMER_STOP;
    ok_at(&g, &a, T0 + 8000);
    assert_false(g.players[0].clock.running);
    assert_int_equal(game_clock_used(&g, 1, T0 + 9000), 2000);
    a.timer.op = GAME_TIMER_SET; /* set in setup and when paused too */
    a.timer.time_remaining.v = 1234;
    ok_at(prep(&g, P_SETUP), &a, T0);
    assert_int_equal(g.players[0].clock.remaining_ms, 1234);
    ok_at(prep(&g, P_PAUSED), &a, T0 + 5000);
    assert_int_equal(g.players[0].clock.remaining_ms, 1234);
    assert_false(g.players[0].clock.running);
    game_release(&g);
}

typedef struct {
    const char *what;
    int prep;
    game_action_t a;
    int winner;
    bool draw;
} end_rule_t;

/* case tables: one case per line reads best */
// clang-format off
static const end_rule_t end_rules[] = {
    {"by score, tied", P_ACTIVE, {.type = GAME_A_END, .actor = HOST}, 0, true},
    {"host names winner", P_ACTIVE, {.type = GAME_A_END, .actor = HOST, .end = {.winner = 2}}, 2, false},
    {"host declares a draw", P_PAUSED, {.type = GAME_A_END, .actor = HOST, .end = {.winner = GAME_WINNER_DRAW}}, 0, true},
    {"player 1 concedes", P_ACTIVE, {.type = GAME_A_END, .actor = P1, .end = {.winner = 2}}, 2, false},
    {"player 2 concedes", P_TURN2, {.type = GAME_A_END, .actor = P2, .end = {.winner = 1}}, 1, false},
    {"abandoned in setup", P_SETUP, {.type = GAME_A_END, .actor = HOST, .end = {.winner = 1}}, 1, false},
};

// clang-format on

static void test_end_rules(void **unused)
{
    game_t g = {0};

    (void)unused;
    for (size_t i = 0; i < sizeof(end_rules) / sizeof(end_rules[0]); i++) {
        const end_rule_t *r = &end_rules[i];
        ok_at(prep(&g, r->prep), &r->a, T0 + 5000);
        assert_int_equal(g.status, GAME_ENDED);
        assert_int_equal(g.winner, r->winner);
        assert_int_equal(g.draw, r->draw);
        assert_false(g.players[0].clock.running || g.players[1].clock.running || g.game_time.running);
    }
    prep(&g, P_ACTIVE);
    set_score(&g, 2, 1, 0, T0 + 1);
    do_at(&g, GAME_A_END, GAME_ACTOR_HOST, T0 + 2);
    assert_int_equal(g.winner, 2);
    assert_int_equal(game_clock_used(&g, 1, T0 + 9999), 2);
    game_release(&g);
}

static void test_settings_rules(void **unused)
{
    game_t g = {0};
    game_action_t a = act(GAME_A_SETTINGS, GAME_ACTOR_HOST);

    (void)unused;
    prep(&g, P_SETUP);
    a.settings.n = 5;
    a.settings.items[0] = (game_setting_in_t){S("host.venue"), S("\"Caf\xc3\xa9 \\\"Dice\\\"\""), GAME_V_STRING};
    a.settings.items[1] = (game_setting_in_t){S("house_rule"), S("true"), GAME_V_BOOL};
    a.settings.items[2] = (game_setting_in_t){S("points"), S("-1.5e3"), GAME_V_NUMBER};
    a.settings.items[3] = (game_setting_in_t){S("rounds"), S("3"), GAME_V_NUMBER};
    a.settings.items[4] = (game_setting_in_t){S("rounds"), S("4"), GAME_V_NUMBER}; /* the later one wins */
    ok_at(&g, &a, T0);
    assert_int_equal(g.nsettings, 6);
    assert_string_equal(game_setting_find(&g, "host.venue")->value, "\"Caf\xc3\xa9 \\\"Dice\\\"\"");
    assert_int_equal(game_setting_find(&g, "host.venue")->type, GAME_V_STRING);
    assert_int_equal(game_setting_find(&g, "house_rule")->type, GAME_V_BOOL);
    assert_string_equal(game_setting_find(&g, "points")->value, "-1.5e3");
    assert_int_equal(game_rounds(&g), 4);
    assert_string_equal(g.settings[3].key, "host.venue"); /* insertion order */

    a.settings.n = 2; /* null removes an unknown key and resets a known one */
    a.settings.items[0] = (game_setting_in_t){S("house_rule"), {NULL, 0}, GAME_V_NULL};
    a.settings.items[1] = (game_setting_in_t){S("rounds"), {NULL, 0}, GAME_V_NULL};
    ok_at(&g, &a, T0 + 1);
    assert_int_equal(g.nsettings, 5);
    assert_null(game_setting_find(&g, "house_rule"));
    assert_string_equal(game_setting_find(&g, "rounds")->value, "5");
    assert_string_equal(g.settings[4].key, "points");
    a.settings.n = 1;
    a.settings.items[0] = (game_setting_in_t){S("never.set"), {NULL, 0}, GAME_V_NULL};
    ok_at(&g, &a, T0 + 2);
    assert_int_equal(g.nsettings, 5);

    /* 200 characters is the limit; an escape counts as one */
    a.settings.items[0] = (game_setting_in_t){S("long"), S("\"" A100 A100 "\""), GAME_V_STRING};
    ok_at(&g, &a, T0 + 3);
    a.settings.items[0] = (game_setting_in_t){S("escapes"), S("\"" N100 N100 "\""), GAME_V_STRING};
    ok_at(&g, &a, T0 + 4);
    a.settings.items[0] = (game_setting_in_t){S("unicode"), S("\"\\u00e9\\/\\\\\""), GAME_V_STRING};
    ok_at(&g, &a, T0 + 5);

    /* clock_ms in setup resets both clocks, even a clock the host had set */
    game_action_t t = act(GAME_A_TIMER, GAME_ACTOR_HOST);
    t.timer.player = 1;
    t.timer.op = GAME_TIMER_SET;
    t.timer.time_remaining = (game_opt_t){true, 0};
    ok_at(&g, &t, T0 + 6);
    assert_true(g.players[0].clock.flagged);
    set_setting(&g, "clock_ms", "60000", T0 + 7);
    assert_int_equal(game_clock_remaining(&g, 1, T0 + 8), 60000);
    assert_false(g.players[0].clock.flagged);
    assert_int_equal(game_clock_remaining(&g, 2, T0 + 8), 60000);
    /* ... and after the start it leaves the clocks alone */
    do_at(&g, GAME_A_START, GAME_ACTOR_HOST, T0 + 10);
    set_setting(&g, "clock_ms", "120000", T0 + 20);
    assert_int_equal(game_clock_remaining(&g, 2, T0 + 20), 60000);
    assert_int_equal(game_clock_ms(&g), 120000);
    /* settings may change even after the end */
    do_at(&g, GAME_A_END, GAME_ACTOR_HOST, T0 + 30);
    set_setting(&g, "cp_per_turn", "3", T0 + 40);
    assert_int_equal(game_cp_per_turn(&g), 3);

    /* at most 32 entries */
    prep(&g, P_SETUP);
    char keys[29][16];
    a.settings.n = 29;
    for (int i = 0; i < 29; i++) {
        snprintf(keys[i], sizeof(keys[i]), "k%d", i);
        a.settings.items[i] = (game_setting_in_t){{keys[i], strlen(keys[i])}, S("1"), GAME_V_NUMBER};
    }
    ok_at(&g, &a, T0);
    assert_int_equal(g.nsettings, 32);
    a.settings.n = 1;
    a.settings.items[0] = (game_setting_in_t){S("one.more"), S("1"), GAME_V_NUMBER};
    refused_at(&g, &a, T0 + 1, GAME_E_BAD, "settings", "33rd setting");
    a.settings.items[0] = (game_setting_in_t){S("k3"), S("false"), GAME_V_BOOL}; /* replacing is fine */
    ok_at(&g, &a, T0 + 2);
    game_release(&g);
}

static void test_flag_and_tick(void **unused)
{
    game_t g = {0}, h = {0};

    (void)unused;
    prep(&g, P_SETUP);
    set_setting(&g, "clock_ms", "60000", T0 - 1);
    do_at(&g, GAME_A_START, GAME_ACTOR_HOST, T0);
    assert_int_equal(game_next_event_ms(&g), T0 + 60000);
    assert_int_equal(game_tick(&g, T0 + 59999, &h), GAME_E_INVALID_STATE);
    /* before the tick, readers see 0, never less */
    assert_int_equal(game_clock_remaining(&g, 1, T0 + 70000), 0);
    assert_int_equal(game_clock_used(&g, 1, T0 + 70000), 60000);
    snap(&h, &g);
    assert_int_equal(game_tick(&h, T0 + 60000, &h), GAME_OK); /* out may equal in */
    assert_int_equal(h.version, g.version + 1);
    assert_true(h.players[0].clock.flagged);
    assert_false(h.players[0].clock.running);
    assert_int_equal(h.players[0].clock.remaining_ms, 0);
    assert_int_equal(h.players[0].clock.used_ms, 60000);
    assert_int_equal(h.status, GAME_ACTIVE); /* the game goes on */
    assert_true(h.game_time.running);
    assert_int_equal(game_next_event_ms(&h), INT64_MAX);
    assert_int_equal(game_tick(&h, T0 + 60001, &h), GAME_E_INVALID_STATE);
    /* a late tick flags at its time, the used time stays at the clock */
    game_release(&h); /* h is about to receive another result */
    assert_int_equal(game_tick(&g, T0 + 65000, &h), GAME_OK);
    assert_int_equal(h.players[0].clock.used_ms, 60000);
    /* any change after the clock ran out carries the flag */
    set_score(&g, 2, 1, 0, T0 + 61000);
    assert_true(g.players[0].clock.flagged);
    /* the turn passes to the other clock, which still runs; a flagged clock does not restart */
    turn(&g, GAME_ACTOR_P1, T0 + 62000);
    assert_true(g.players[1].clock.running);
    turn(&g, GAME_ACTOR_P2, T0 + 63000);
    assert_false(g.players[0].clock.running);
    assert_int_equal(game_next_event_ms(&g), INT64_MAX);
    game_release(&g);
    game_release(&h);
}

static void test_settle_and_recover(void **unused)
{
    static game_t g, h, g2;

    (void)unused;
    prep(&g, P_ACTIVE);
    snap(&h, &g);
    game_settle(&h, T0 + 5000);
    assert_int_equal(h.version, g.version);
    assert_int_equal(h.players[0].clock.since_ms, T0 + 5000);
    assert_int_equal(h.players[0].clock.remaining_ms, CLOCK - 5000);
    assert_int_equal(h.game_time.ms, 5000);
    for (int64_t t = T0 + 5000; t < T0 + 9000; t += 1000) {
        assert_int_equal(game_clock_remaining(&h, 1, t), game_clock_remaining(&g, 1, t));
        assert_int_equal(game_clock_used(&h, 1, t), game_clock_used(&g, 1, t));
        assert_int_equal(game_time_ms(&h, t), game_time_ms(&g, t));
    }
    assert_int_equal(game_next_event_ms(&h), game_next_event_ms(&g));
    assert_int_equal(game_check(&h, NULL), GAME_OK);

    /* settled past the end of a clock: it waits at 0 for the tick, which flags it */
    snap(&h, &g);
    game_settle(&h, T0 + CLOCK + 5);
    assert_true(h.players[0].clock.running);
    assert_int_equal(h.players[0].clock.remaining_ms, 0);
    assert_int_equal(game_check(&h, NULL), GAME_OK);
    assert_int_equal(game_next_event_ms(&h), T0 + CLOCK + 5);
    snap(&g2, &h);
    assert_int_equal(game_tick(&h, T0 + CLOCK + 5, &h), GAME_OK);
    assert_true(h.players[0].clock.flagged);
    /* a crash before that tick: the clock comes back stopped and flagged */
    assert_true(game_recover(&g2));
    assert_true(g2.players[0].clock.flagged);
    assert_false(g2.players[0].clock.running);
    assert_int_equal(game_check(&g2, NULL), GAME_OK);

    /* a crash after a checkpoint at +5 s: back paused, nothing charged for the downtime */
    game_settle(&g, T0 + 5000);
    int64_t version = g.version;
    assert_true(game_recover(&g));
    assert_int_equal(g.version, version);
    assert_int_equal(g.status, GAME_PAUSED);
    assert_false(g.players[0].clock.running);
    assert_false(g.game_time.running);
    assert_int_equal(game_check(&g, NULL), GAME_OK);
    assert_false(game_recover(&g));
    int64_t boot2 = 42; /* the new boot's monotonic clock starts anew */
    assert_int_equal(game_clock_remaining(&g, 1, boot2), CLOCK - 5000);
    do_at(&g, GAME_A_RESUME, GAME_ACTOR_HOST, boot2);
    assert_true(g.players[0].clock.running);
    assert_int_equal(game_clock_remaining(&g, 1, boot2 + 1000), CLOCK - 6000);
    assert_int_equal(game_time_ms(&g, boot2 + 1000), 6000);

    /* games not active are left alone */
    assert_false(game_recover(prep(&g, P_SETUP)));
    assert_false(game_recover(prep(&g, P_PAUSED)));
    assert_false(game_recover(prep(&g, P_ENDED)));
    game_release(&g);
    game_release(&h);
    game_release(&g2);
}

/* One step of an undo log: the state before the change, when, and by whom. */
static game_action_t undo_of(const game_t *before, int64_t at, game_actor_t by, game_actor_t actor)
{
    game_action_t a = act(GAME_A_UNDO, actor);

    a.undo.before = before;
    a.undo.at_ms = at;
    a.undo.by = by;
    return a;
}

static void test_undo(void **unused)
{
    static game_t g, before, before2;
    game_action_t a;

    (void)unused;
    /* a player undoes its own score: the value comes back, the clock keeps running */
    prep(&g, P_ACTIVE);
    snap(&before, &g);
    set_score(&g, 1, 5, 0, T0 + 1000);
    a = undo_of(&before, T0 + 1000, GAME_ACTOR_P1, GAME_ACTOR_P1);
    int64_t version = g.version;
    ok_at(&g, &a, T0 + 2000);
    assert_int_equal(g.version, version + 1);
    assert_int_equal(g.players[0].primary, 0);
    assert_true(g.players[0].clock.running);
    assert_int_equal(game_clock_remaining(&g, 1, T0 + 2000), CLOCK - 2000);

    /* undoing a turn change: the time since went on the first player's clock */
    prep(&g, P_ACTIVE);
    snap(&before, &g);
    turn(&g, GAME_ACTOR_P1, T0 + 10000);
    a = undo_of(&before, T0 + 10000, GAME_ACTOR_P1, GAME_ACTOR_P2);
    refused_at(&g, &a, T0 + 25000, GAME_E_FORBIDDEN, NULL, "player undoes the opponent's change");
    a.actor = GAME_ACTOR_HOST;
    ok_at(&g, &a, T0 + 25000);
    assert_int_equal(g.current_turn, 1);
    assert_true(g.players[0].clock.running);
    assert_false(g.players[1].clock.running);
    assert_int_equal(game_clock_remaining(&g, 1, T0 + 25000), CLOCK - 25000);
    assert_int_equal(game_clock_remaining(&g, 2, T0 + 25000), CLOCK);
    assert_int_equal(game_clock_used(&g, 2, T0 + 25000), 0);
    assert_int_equal(game_time_ms(&g, T0 + 25000), 25000);

    /* undoing a pause charges the paused time too: as if the pause never happened */
    prep(&g, P_ACTIVE);
    snap(&before, &g);
    do_at(&g, GAME_A_PAUSE, GAME_ACTOR_HOST, T0 + 1000);
    a = undo_of(&before, T0 + 1000, GAME_ACTOR_HOST, GAME_ACTOR_HOST);
    ok_at(&g, &a, T0 + 4000);
    assert_int_equal(g.status, GAME_ACTIVE);
    assert_int_equal(game_clock_used(&g, 1, T0 + 4000), 4000);

    /* undoing the start goes back to setup with untouched clocks */
    prep(&g, P_SETUP);
    snap(&before, &g);
    do_at(&g, GAME_A_START, GAME_ACTOR_HOST, T0);
    a = undo_of(&before, T0, GAME_ACTOR_HOST, GAME_ACTOR_P1);
    refused_at(&g, &a, T0 + 10, GAME_E_FORBIDDEN, NULL, "player undoes the host's change");
    a.actor = GAME_ACTOR_HOST;
    ok_at(&g, &a, T0 + 5000);
    assert_int_equal(g.status, GAME_SETUP);
    assert_int_equal(g.round, 0);
    assert_false(g.players[0].clock.running);
    assert_int_equal(game_clock_remaining(&g, 1, T0 + 5000), CLOCK);
    assert_int_equal(game_time_ms(&g, T0 + 5000), 0);

    /* the server's flag: only the host may undo it, and time that ran out stays out */
    prep(&g, P_SETUP);
    set_setting(&g, "clock_ms", "60000", T0 - 1);
    do_at(&g, GAME_A_START, GAME_ACTOR_HOST, T0);
    snap(&before, &g);
    assert_int_equal(game_tick(&g, T0 + 60000, &g), GAME_OK);
    a = undo_of(&before, T0 + 60000, GAME_ACTOR_SERVER, GAME_ACTOR_P1);
    refused_at(&g, &a, T0 + 61000, GAME_E_FORBIDDEN, NULL, "player undoes the server's flag");
    a.actor = GAME_ACTOR_HOST;
    ok_at(&g, &a, T0 + 61000);
    assert_true(g.players[0].clock.flagged);
    /* ... but a timer set undone after the flag gives the time back */
    snap(&before2, &g);
    game_action_t t = act(GAME_A_TIMER, GAME_ACTOR_HOST);
    t.timer.player = 1;
    t.timer.op = GAME_TIMER_SET;
    t.timer.time_remaining = (game_opt_t){true, 30000};
    ok_at(&g, &t, T0 + 62000);
    a = undo_of(&before2, T0 + 62000, GAME_ACTOR_HOST, GAME_ACTOR_HOST);
    ok_at(&g, &a, T0 + 63000);
    assert_true(g.players[0].clock.flagged);
    assert_int_equal(g.players[0].clock.remaining_ms, 0);

    /* a before-state logged in an earlier boot: times after now count from now ... */
    prep(&g, P_ACTIVE);
    snap(&before, &g);
    set_score(&g, 1, 5, 0, T0 + 1000);
    game_recover(&g);
    a = undo_of(&before, T0 + 1000, GAME_ACTOR_HOST, GAME_ACTOR_HOST);
    ok_at(&g, &a, 700);
    assert_int_equal(game_clock_remaining(&g, 1, 700), CLOCK);
    assert_int_equal(game_clock_remaining(&g, 1, 1700), CLOCK - 1000);
    /* ... and a recovered copy of it comes back paused with nothing charged */
    prep(&g, P_ACTIVE);
    snap(&before, &g);
    set_score(&g, 1, 5, 0, T0 + 1000);
    game_recover(&g);
    game_recover(&before);
    a = undo_of(&before, T0 + 1000, GAME_ACTOR_HOST, GAME_ACTOR_HOST);
    ok_at(&g, &a, 3 * T0);
    assert_int_equal(g.status, GAME_PAUSED);
    assert_int_equal(g.players[0].primary, 0);
    assert_int_equal(game_clock_remaining(&g, 1, 4 * T0), CLOCK);

    /* broken before-states */
    prep(&g, P_ACTIVE);
    snap(&before, &g);
    set_score(&g, 1, 5, 0, T0 + 1000);
    before.version = g.version;
    a = undo_of(&before, T0 + 1000, GAME_ACTOR_HOST, GAME_ACTOR_HOST);
    refused_at(&g, &a, T0 + 2000, GAME_E_INVALID_STATE, NULL, "before-state not older");
    before.version = 1;
    strcpy(before.id, "other");
    refused_at(&g, &a, T0 + 2000, GAME_E_INVALID_STATE, NULL, "before-state of another game");
    strcpy(before.id, g.id);
    before.players[0].primary = -4;
    refused_at(&g, &a, T0 + 2000, GAME_E_INVALID_STATE, NULL, "invalid before-state");
    game_release(&g);
    game_release(&before);
    game_release(&before2);
}

/* ---- game_state: create and replace --------------------------------------------- */

static void mid_game(game_t *s)
{
    prep(s, P_ACTIVE);
    s->round = 2;
    s->players[0].primary = 12;
    s->players[0].rounds[1].primary = 12; /* the total is the sum of the cells */
    s->players[1].clock.remaining_ms = 1000;
    s->players[1].clock.used_ms = 7;
    s->players[0].clock.since_ms = -777; /* ignored: times are as of now */
    s->game_time.running = false;        /* ignored: follows the status */
    s->version = 99;                     /* ignored */
}

static void test_state_create_replace(void **unused)
{
    static game_t s, g;
    game_action_t a = act(GAME_A_STATE, GAME_ACTOR_HOST);
    game_t *none = NULL;

    (void)unused;
    mid_game(&s);
    a.state.state = &s;
    a.expected_version = (game_opt_t){true, 0};
    assert_int_equal(game_apply(none, &a, 5000, &g, NULL), GAME_OK);
    assert_int_equal(g.version, 1);
    assert_int_equal(g.round, 2);
    assert_int_equal(g.players[0].primary, 12);
    assert_true(g.players[0].clock.running);
    assert_int_equal(g.players[0].clock.since_ms, 5000);
    assert_true(g.game_time.running);
    assert_int_equal(g.game_time.since_ms, 5000);
    assert_int_equal(game_clock_remaining(&g, 1, 6000), CLOCK - 1000);
    assert_int_equal(game_check(&g, NULL), GAME_OK);

    a.expected_version = (game_opt_t){true, 1};
    s.players[1].primary = 3;
    s.players[1].rounds[0].primary = 3;
    s.status = GAME_PAUSED;
    s.players[0].clock.running = false;
    ok_at(&g, &a, 7000);
    assert_int_equal(g.version, 2);
    assert_int_equal(g.players[1].primary, 3);
    assert_false(g.game_time.running);
    assert_int_equal(g.game_time.ms, s.game_time.ms);

    a.expected_version.set = false;
    a.actor = GAME_ACTOR_P1;
    refused_at(&g, &a, 8000, GAME_E_FORBIDDEN, NULL, "player replaces the state");
    a.actor = GAME_ACTOR_HOST;
    strcpy(s.id, "g-other");
    refused_at(&g, &a, 8000, GAME_E_BAD, "game_id", "replace with another id");
    game_release(&s);
    game_release(&g);
}

typedef struct {
    const char *what;
    void (*mutate)(game_t *s);
    const char *field;
} bad_state_t;

/* case tables: one case per line reads best */
// clang-format off
static void bs_id_empty(game_t *s) { s->id[0] = '\0'; }
static void bs_id_unterminated(game_t *s) { memset(s->id, 'a', sizeof(s->id)); }
static void bs_status(game_t *s) { s->status = (game_status_t)7; }
static void bs_round_zero(game_t *s) { s->round = 0; }
static void bs_round_big(game_t *s) { s->round = GAME_ROUNDS_MAX + 1; }
static void bs_setup_round(game_t *s) { s->status = GAME_SETUP, s->players[0].clock.running = false, s->round = 1; }
static void bs_turn(game_t *s) { s->current_turn = 3; }
static void bs_first(game_t *s) { s->first_player = 0; }
static void bs_attacker(game_t *s) { s->attacker = -1; }
static void bs_winner_active(game_t *s) { s->winner = 1; }
static void bs_draw_active(game_t *s) { s->draw = true; }
static void bs_ended_open(game_t *s) { s->status = GAME_ENDED, s->players[0].clock.running = false; }
static void bs_ended_both(game_t *s) { bs_ended_open(s), s->winner = 2, s->draw = true; }
static void bs_name(game_t *s) { memset(s->players[0].name, 'a', sizeof(s->players[0].name)); }
static void bs_name_utf8(game_t *s) { strcpy(s->players[1].name, "\xff"); }
static void bs_faction(game_t *s) { strcpy(s->players[1].faction, A40 "b"); }
static void bs_primary(game_t *s) { s->players[0].primary = 1000; }
static void bs_secondary(game_t *s) { s->players[1].secondary = -1; }
static void bs_cp(game_t *s) { s->players[1].cp = 100; }
/* Rebuilds the text block with one setting or note changed (the block itself is read-only). */
enum { T_PRIVATE, T_DUP, T_CLOCK_MS, T_NULL_TYPE, T_BROKEN };
static void bs_text(game_t *s, int what)
{
    game_setting_in_t it[GAME_SETTINGS_MAX];
    size_t n = s->nsettings;
    game_str_t p1 = {s->players[0].private_json, strlen(s->players[0].private_json)};
    game_str_t p2 = {s->players[1].private_json, strlen(s->players[1].private_json)};

    for (size_t i = 0; i < n; i++)
        it[i] = (game_setting_in_t){{s->settings[i].key, strlen(s->settings[i].key)}, {s->settings[i].value, strlen(s->settings[i].value)}, s->settings[i].type};
    if (what == T_PRIVATE) p1 = (game_str_t)S("");
    if (what == T_DUP) it[1] = it[0];
    if (what == T_CLOCK_MS) it[0].value = (game_str_t)S("5");
    if (what == T_NULL_TYPE) it[2].type = GAME_V_NULL;
    if (what == T_BROKEN) n = 4, it[3] = (game_setting_in_t){S("x"), S("\"a"), GAME_V_STRING};
    assert_int_equal(game_set_text(s, it, n, p1, p2), GAME_OK);
}
static void bs_private(game_t *s) { bs_text(s, T_PRIVATE); }
static void bs_remaining(game_t *s) { s->players[1].clock.remaining_ms = -1; }
static void bs_remaining_big(game_t *s) { s->players[1].clock.remaining_ms = GAME_CLOCK_MS_MAX + 1; }
static void bs_used(game_t *s) { s->players[1].clock.used_ms = -5; }
static void bs_both_running(game_t *s) { s->players[1].clock.running = true; }
static void bs_running_paused(game_t *s) { s->status = GAME_PAUSED; }
static void bs_flag_time(game_t *s) { s->players[1].clock.flagged = true; }
static void bs_zero_unflagged(game_t *s) { s->players[1].clock.remaining_ms = 0; }
static void bs_flag_running(game_t *s) { s->players[0].clock.remaining_ms = 0, s->players[0].clock.flagged = true; }
static void bs_game_time(game_t *s) { s->game_time.ms = -1; }
static void bs_nsettings(game_t *s) { s->nsettings = GAME_SETTINGS_MAX + 1; }
static void bs_dup_setting(game_t *s) { bs_text(s, T_DUP); }
static void bs_clock_ms(game_t *s) { bs_text(s, T_CLOCK_MS); }
static void bs_setting_type(game_t *s) { bs_text(s, T_NULL_TYPE); }
static void bs_setting_value(game_t *s) { bs_text(s, T_BROKEN); }

static const bad_state_t bad_states[] = {
    {"empty id", bs_id_empty, "game_id"},
    {"unterminated id", bs_id_unterminated, "game_id"},
    {"status 7", bs_status, "status"},
    {"active in round 0", bs_round_zero, "round"},
    {"round 100", bs_round_big, "round"},
    {"setup in round 1", bs_setup_round, "round"},
    {"turn 3", bs_turn, "current_turn"},
    {"active without first player", bs_first, "first_player"},
    {"attacker -1", bs_attacker, "attacker"},
    {"winner while active", bs_winner_active, "winner"},
    {"draw while active", bs_draw_active, "winner"},
    {"ended without result", bs_ended_open, "winner"},
    {"winner and draw", bs_ended_both, "winner"},
    {"unterminated name", bs_name, "players[0].name"},
    {"bad UTF-8 name", bs_name_utf8, "players[1].name"},
    {"long faction", bs_faction, "players[1].faction"},
    {"primary 1000", bs_primary, "players[0].primary"},
    {"secondary -1", bs_secondary, "players[1].secondary"},
    {"cp 100", bs_cp, "players[1].cp"},
    {"empty private", bs_private, "players[0].private"},
    {"negative clock", bs_remaining, "players[1].time_remaining"},
    {"clock over 24 h", bs_remaining_big, "players[1].time_remaining"},
    {"negative used", bs_used, "players[1].time_used"},
    {"two clocks running", bs_both_running, "players[1].is_running"},
    {"running while paused", bs_running_paused, "players[0].is_running"},
    {"flagged with time left", bs_flag_time, "players[1].flagged"},
    {"stopped at 0 unflagged", bs_zero_unflagged, "players[1].flagged"},
    {"flagged and running", bs_flag_running, "players[0].is_running"},
    {"negative game_time", bs_game_time, "game_time"},
    {"33 settings", bs_nsettings, "settings"},
    {"duplicate setting", bs_dup_setting, "settings"},
    {"clock_ms 5", bs_clock_ms, "clock_ms"},
    {"stored null setting", bs_setting_type, "cp_per_turn"},
    {"broken string setting", bs_setting_value, "settings"},
};

// clang-format on

static void test_state_refusals(void **unused)
{
    static game_t s, g;
    game_action_t a = act(GAME_A_STATE, GAME_ACTOR_HOST);

    (void)unused;
    a.state.state = &s;
    prep(&g, P_SETUP);
    for (size_t i = 0; i < sizeof(bad_states) / sizeof(bad_states[0]); i++) {
        mid_game(&s);
        bad_states[i].mutate(&s);
        refused_at(&g, &a, T0, GAME_E_BAD, bad_states[i].field, bad_states[i].what);
        refused_at(NULL, &a, T0, GAME_E_BAD, bad_states[i].field, bad_states[i].what);
        const char *bf = NULL;
        game_t copy;
        memcpy(&copy, &s, sizeof(copy));
        copy.version = 1; /* what game_state would normalize */
        copy.game_time.running = copy.status == GAME_ACTIVE;
        if (game_check(&copy, &bf) != GAME_E_BAD || strcmp(bf, bad_states[i].field) != 0)
            fail_msg("game_check %s: %s", bad_states[i].what, bf ? bf : "accepted");
        s.nsettings = copy.nsettings = 0; /* "33 settings" must not reach past the block */
        game_release(&s);
    }
    mid_game(&s);
    refused_at(NULL, &(game_action_t){.type = GAME_A_STATE, .actor = HOST, .expected_version = V(1), .state = {&s}}, T0,
               GAME_E_CONFLICT, NULL, "create with expected_version 1");
    s.version = 0;
    assert_int_equal(game_check(&s, NULL), GAME_E_BAD);
    game_release(&s);
    game_release(&g);
}

/* ---- names ---------------------------------------------------------------------- */

static void test_names(void **unused)
{
    static const char *const types[] = {"game_state", "game_setup",  "score_update", "timer_update",    "turn_change", "game_start",
                                        "game_pause", "game_resume", "game_end",     "settings_update", "undo"};

    (void)unused;
    for (int s = GAME_SETUP; s <= GAME_ENDED; s++) {
        const char *n = game_status_name((game_status_t)s);
        assert_non_null(n);
        assert_int_equal(game_status_parse(n, strlen(n)), s);
    }
    assert_string_equal(game_status_name(GAME_PAUSED), "paused");
    assert_null(game_status_name((game_status_t)4));
    assert_int_equal(game_status_parse("activ", 5), -1);
    assert_int_equal(game_status_parse("actives", 7), -1);
    assert_int_equal(game_status_parse("ended!", 5), GAME_ENDED); /* a slice, no NUL needed */
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        int t = game_type_parse(types[i], strlen(types[i]));
        assert_int_equal(t, (int)(GAME_A_STATE + i));
        assert_string_equal(game_type_name((game_action_type_t)t), types[i]);
    }
    assert_string_equal(game_type_name(GAME_A_CLOCK_TICK), "clock_tick");
    assert_int_equal(game_type_parse("clock_tick", 10), -1);
    assert_int_equal(game_type_parse("heartbeat", 9), -1);
    assert_int_equal(game_type_parse("score_updateX", 12), GAME_A_SCORE);
    assert_null(game_type_name(GAME_A_NONE));
    assert_null(game_type_name(GAME_A_COUNT_));
    assert_int_equal(game_timer_op_parse("start", 5), GAME_TIMER_START);
    assert_int_equal(game_timer_op_parse("stop", 4), GAME_TIMER_STOP);
    assert_int_equal(game_timer_op_parse("set", 3), GAME_TIMER_SET);
    assert_int_equal(game_timer_op_parse("reset", 5), GAME_TIMER_NONE);
    assert_string_equal(game_timer_op_name(GAME_TIMER_SET), "set");
    assert_null(game_timer_op_name(GAME_TIMER_NONE));
    assert_string_equal(game_actor_name(GAME_ACTOR_HOST), "host");
    assert_string_equal(game_actor_name(GAME_ACTOR_P2), "player2");
    assert_string_equal(game_actor_name(GAME_ACTOR_SERVER), "server");
    assert_null(game_actor_name(GAME_ACTOR_NONE));
    assert_string_equal(game_err_name(GAME_OK), "ok");
    assert_string_equal(game_err_name(GAME_E_BAD), "bad_message");
    assert_string_equal(game_err_name(GAME_E_FORBIDDEN), "forbidden");
    assert_string_equal(game_err_name(GAME_E_INVALID_STATE), "invalid_state");
    assert_string_equal(game_err_name(GAME_E_CONFLICT), "conflict");
    assert_string_equal(game_err_name(-99), "internal");
    assert_int_equal(game_clock_remaining(prep(&(game_t){0}, P_SETUP), 3, T0), 0);
    assert_int_equal(game_score(prep(&(game_t){0}, P_SETUP), 0), 0);
}

/* ---- property test -------------------------------------------------------------- */

#define SEQUENCES 2000
#define STEPS 80

typedef struct {
    game_t before;
    int64_t at;
    game_actor_t by;
} logent_t;

static uint64_t rng(uint64_t *s) /* splitmix64 */
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static int rnd(uint64_t *s, int n)
{
    return (int)(rng(s) % (uint64_t)n);
}

/* Mostly sensible values, sometimes out of range. */
static game_opt_t rnd_opt(uint64_t *s, int lo, int hi)
{
    if (rnd(s, 3) != 0)
        return (game_opt_t){false, 0};
    return (game_opt_t){true, rnd(s, 20) == 0 ? hi + 1 : lo + rnd(s, hi - lo + 1)};
}

static game_str_t rnd_name(uint64_t *s)
{
    static const char *const names[] = {"Ana", "Ben", "", E40, A40 "x", "a\x01", "Z\xc3\xbc"};
    const char *n = names[rnd(s, 7)];

    return rnd(s, 2) ? (game_str_t){n, strlen(n)} : (game_str_t){NULL, 0};
}

static void rnd_setting(uint64_t *s, game_setting_in_t *it)
{
    static const struct {
        const char *k, *v;
        game_vtype_t t;
    } pool[] = {
        {"clock_ms", "60000", GAME_V_NUMBER},  {"clock_ms", "90000", GAME_V_NUMBER}, {"clock_ms", "1", GAME_V_NUMBER},
        {"rounds", "1", GAME_V_NUMBER},        {"rounds", "2", GAME_V_NUMBER},       {"rounds", "0", GAME_V_NUMBER},
        {"cp_per_turn", "1", GAME_V_NUMBER},   {"cp_per_turn", "10", GAME_V_NUMBER}, {"cp_per_turn", "11", GAME_V_NUMBER},
        {"host.note", "\"x\"", GAME_V_STRING}, {"flag", "true", GAME_V_BOOL},        {"flag", "", GAME_V_NULL},
        {"rounds", "", GAME_V_NULL},           {"bad key", "1", GAME_V_NUMBER},      {"n", "1e5", GAME_V_NUMBER},
    };
    int i = rnd(s, sizeof(pool) / sizeof(pool[0]));

    *it = (game_setting_in_t){{pool[i].k, strlen(pool[i].k)}, {pool[i].v, strlen(pool[i].v)}, pool[i].t};
}

static game_actor_t rnd_actor(uint64_t *s)
{
    static const game_actor_t actors[] = {GAME_ACTOR_HOST, GAME_ACTOR_HOST, GAME_ACTOR_HOST,   GAME_ACTOR_P1,  GAME_ACTOR_P1,
                                          GAME_ACTOR_P2,   GAME_ACTOR_P2,   GAME_ACTOR_SERVER, GAME_ACTOR_NONE};

    return actors[rnd(s, sizeof(actors) / sizeof(actors[0]))];
}

/* A random action against g; replace states are built in *scratch. */
static void rnd_action(uint64_t *s, const game_t *g, const logent_t *log, size_t nlog, game_t *scratch, game_action_t *a)
{
    static const char *const privs[] = {"{}", "{\"a\":1}", "[]"};
    /* weights: turns and scores dominate real games; the end comes rarely so games run long */
    static const game_action_type_t types[] = {
        GAME_A_NONE,  GAME_A_STATE,  GAME_A_SETUP,  GAME_A_SETUP,      GAME_A_SCORE,      GAME_A_SCORE,
        GAME_A_SCORE, GAME_A_SCORE,  GAME_A_TIMER,  GAME_A_TIMER,      GAME_A_TURN,       GAME_A_TURN,
        GAME_A_TURN,  GAME_A_TURN,   GAME_A_TURN,   GAME_A_TURN,       GAME_A_START,      GAME_A_START,
        GAME_A_PAUSE, GAME_A_RESUME, GAME_A_RESUME, GAME_A_END,        GAME_A_SETTINGS,   GAME_A_SETTINGS,
        GAME_A_UNDO,  GAME_A_UNDO,   GAME_A_UNDO,   GAME_A_CLOCK_TICK, GAME_A_CLOCK_TICK,
    };
    game_action_type_t type = types[rnd(s, sizeof(types) / sizeof(types[0]))];

    game_action_init(a, type, rnd_actor(s));
    if (type == GAME_A_CLOCK_TICK && rnd(s, 4))
        a->actor = GAME_ACTOR_SERVER;
    if (type == GAME_A_TURN && rnd(s, 2))
        a->actor = g->current_turn ? (game_actor_t)g->current_turn : GAME_ACTOR_HOST;
    if ((type == GAME_A_START || type == GAME_A_RESUME) && rnd(s, 2))
        a->actor = GAME_ACTOR_HOST;
    if (rnd(s, 10) == 0)
        a->expected_version = (game_opt_t){true, g->version - rnd(s, 2)};
    switch (type) {
    case GAME_A_SETUP:
        a->setup.player1_name = rnd_name(s);
        a->setup.player2_name = rnd_name(s);
        a->setup.name = rnd_name(s);
        a->setup.faction = rnd_name(s);
        a->setup.player = rnd(s, 4);
        a->setup.attacker = rnd(s, 3) ? 0 : rnd(s, 4);
        a->setup.first_player = rnd(s, 3) ? 0 : rnd(s, 4);
        break;
    case GAME_A_SCORE:
        a->score.player = rnd(s, 10) ? 1 + rnd(s, 2) : rnd(s, 4);
        a->score.primary = rnd_opt(s, 0, 999);
        a->score.score_delta = rnd(s, 4) ? (game_opt_t){false, 0} : rnd_opt(s, -5, 10);
        a->score.secondary_delta = rnd_opt(s, -3, 10);
        a->score.cp_delta = rnd_opt(s, -2, 3);
        a->score.cp = rnd(s, 8) ? (game_opt_t){false, 0} : rnd_opt(s, 0, 99);
        if (rnd(s, 4) == 0)
            a->score.private_json = (game_str_t){privs[rnd(s, 3)], 0},
            a->score.private_json.len = strlen(a->score.private_json.base);
        break;
    case GAME_A_TIMER:
        a->timer.player = rnd(s, 10) ? 1 + rnd(s, 2) : rnd(s, 4);
        a->timer.op = (game_timer_op_t)rnd(s, 4);
        a->timer.time_remaining = rnd(s, 3) ? (game_opt_t){true, rnd(s, 3) ? rnd(s, 120000) : 0} : rnd_opt(s, -1, 1000);
        break;
    case GAME_A_TURN:
        a->turn.current_turn = rnd(s, 4) ? 0 : rnd(s, 4);
        break;
    case GAME_A_END:
        a->end.winner = rnd(s, 5);
        break;
    case GAME_A_SETTINGS:
        a->settings.n = (size_t)(1 + rnd(s, 2));
        for (size_t i = 0; i < a->settings.n; i++)
            rnd_setting(s, &a->settings.items[i]);
        break;
    case GAME_A_UNDO:
        a->undo.before = nlog ? &log[nlog - 1].before : NULL;
        a->undo.at_ms = nlog ? log[nlog - 1].at : 0;
        a->undo.by = nlog ? log[nlog - 1].by : GAME_ACTOR_HOST;
        break;
    case GAME_A_STATE:
        memcpy(scratch, g, sizeof(*scratch));
        scratch->players[rnd(s, 2)].secondary = rnd(s, 1001);
        if (rnd(s, 3) == 0)
            scratch->status = (game_status_t)rnd(s, 4);
        a->state.state = rnd(s, 20) ? scratch : NULL;
        break;
    default:
        break;
    }
}

/* The fields undo must bring back exactly: everything but the version, clocks and game_time. */
static void assert_same_non_clock(const game_t *x, const game_t *y)
{
    assert_string_equal(x->id, y->id);
    assert_int_equal(x->status, y->status);
    assert_int_equal(x->round, y->round);
    assert_int_equal(x->current_turn, y->current_turn);
    assert_int_equal(x->first_player, y->first_player);
    assert_int_equal(x->attacker, y->attacker);
    assert_int_equal(x->winner, y->winner);
    assert_int_equal(x->draw, y->draw);
    for (int i = 0; i < 2; i++) {
        assert_string_equal(x->players[i].name, y->players[i].name);
        assert_string_equal(x->players[i].faction, y->players[i].faction);
        assert_int_equal(x->players[i].primary, y->players[i].primary);
        assert_int_equal(x->players[i].secondary, y->players[i].secondary);
        assert_int_equal(x->players[i].cp, y->players[i].cp);
        assert_string_equal(x->players[i].private_json, y->players[i].private_json);
    }
    assert_int_equal(x->nsettings, y->nsettings);
    assert_memory_equal(x->settings, y->settings, sizeof(x->settings));
}

/* What must hold for any state after an accepted change at now. */
static void assert_invariants(const game_t *g, int64_t now)
{
    const char *bf = NULL;

    if (game_check(g, &bf) != GAME_OK)
        fail_msg("invalid state: %s", bf);
    assert_false(g->players[0].clock.running && g->players[1].clock.running);
    assert_true(game_next_event_ms(g) > now); /* nothing run out is left unflagged */
    for (int p = 1; p <= 2; p++) {
        const game_player_t *pl = &g->players[p - 1];
        assert_int_equal(game_score(g, p), pl->primary + pl->secondary);
        for (int64_t t = now; t <= now + 300000; t += 100000) {
            assert_true(game_clock_remaining(g, p, t) >= 0);
            assert_true(game_clock_used(g, p, t) >= 0);
        }
    }
}

static void run_sequence(uint64_t *s, logent_t *log, game_t *g, game_t *out, game_t *copy, game_t *scratch)
{
    static game_t initial, sentinel;
    game_action_t a;
    size_t nlog = 0;
    int64_t now = rnd(s, 1000000), accepted = 0;
    const char *bf;

    memset(&sentinel, 0x5A, sizeof(sentinel));
    prep(g, P_SETUP);
    if (rnd(s, 2))
        set_setting(g, "clock_ms", "60000", now);
    game_copy(&initial, g);
    for (int step = 0; step < STEPS; step++) {
        now += rnd(s, 4) ? rnd(s, 5000) : rnd(s, 60000);
        rnd_action(s, g, log, nlog, scratch, &a);
        memcpy(copy, g, sizeof(*copy));
        memcpy(out, &sentinel, sizeof(*out));
        bf = "unset";
        int rc = game_apply(g, &a, now, out, &bf);
        assert_memory_equal(copy, g, sizeof(*g));
        if (rc != GAME_OK) {
            assert_true(rc == GAME_E_BAD || rc == GAME_E_FORBIDDEN || rc == GAME_E_INVALID_STATE || rc == GAME_E_CONFLICT);
            assert_true((rc == GAME_E_BAD) == (bf != NULL));
            assert_memory_equal(out, &sentinel, sizeof(*out));
            continue;
        }
        assert_null(bf);
        assert_int_equal(out->version, g->version + 1);
        assert_invariants(out, now);
        accepted++;
        if (a.type == GAME_A_UNDO) {
            nlog--;
            game_release(&log[nlog].before);
            game_release(g);
        } else { /* g's reference moves into the log */
            memcpy(&log[nlog].before, g, sizeof(*g));
            log[nlog].at = now;
            log[nlog++].by = a.actor;
        }
        memcpy(g, out, sizeof(*g));
        if (rnd(s, 8) == 0) { /* a checkpoint changes nothing anyone can see */
            int64_t later = now + rnd(s, 30000);
            memcpy(copy, g, sizeof(*copy));
            game_settle(g, now);
            assert_int_equal(g->version, copy->version);
            for (int p = 1; p <= 2; p++) {
                assert_int_equal(game_clock_remaining(g, p, later), game_clock_remaining(copy, p, later));
                assert_int_equal(game_clock_used(g, p, later), game_clock_used(copy, p, later));
            }
            assert_int_equal(game_time_ms(g, later), game_time_ms(copy, later));
        }
    }
    /* the host undoes every standing change: all non-clock fields are back where they began */
    while (nlog > 0) {
        now += rnd(s, 5000);
        nlog--;
        a = undo_of(&log[nlog].before, log[nlog].at, log[nlog].by, GAME_ACTOR_HOST);
        if (game_apply(g, &a, now, out, &bf) != GAME_OK)
            fail_msg("undo refused: %s", bf ? bf : "-");
        assert_int_equal(out->version, g->version + 1);
        assert_invariants(out, now);
        game_release(g);
        game_release(&log[nlog].before);
        memcpy(g, out, sizeof(*g));
        accepted++;
    }
    assert_same_non_clock(g, &initial);
    assert_int_equal(g->version, initial.version + accepted);
    game_release(&initial);
}

static void test_property(void **unused)
{
    const char *env = getenv("GAME_TEST_SEED");
    uint64_t seed = env ? strtoull(env, NULL, 0) : 20261121;
    logent_t *log = malloc(sizeof(logent_t) * STEPS);
    game_t *g = calloc(4, sizeof(game_t));

    (void)unused;
    assert_non_null(log);
    assert_non_null(g);
    for (int i = 0; i < SEQUENCES; i++) {
        uint64_t s = seed + (uint64_t)i * 0x100000001ULL;
        run_sequence(&s, log, &g[0], &g[1], &g[2], &g[3]);
    }
    game_release(&g[0]);
    free(log);
    free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init),           cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_setup_rules),    cmocka_unit_test(test_score_rules),
        cmocka_unit_test(test_start),          cmocka_unit_test(test_turns_and_rounds),
        cmocka_unit_test(test_end_by_turns),   cmocka_unit_test(test_cp_cap),
        cmocka_unit_test(test_pause_resume),   cmocka_unit_test(test_timer),
        cmocka_unit_test(test_end_rules),      cmocka_unit_test(test_settings_rules),
        cmocka_unit_test(test_flag_and_tick),  cmocka_unit_test(test_settle_and_recover),
        cmocka_unit_test(test_undo),           cmocka_unit_test(test_state_create_replace),
        cmocka_unit_test(test_state_refusals), cmocka_unit_test(test_names),
        cmocka_unit_test(test_property),
    };

    int n = (int)(sizeof(tests) / sizeof(tests[0]));
    int failed = cmocka_run_group_tests(tests, NULL, NULL);

    printf("%d passed, %d failed\n", n - failed, failed);
    return failed != 0;
}

/*
 * test_game_depth.c: unit tests of the game model's depth (src/game_score.c,
 * src/game_judge.c, src/game_check.c): per-round cells and the compatibility rule for
 * absolute totals, caps, judge calls with the clock, and the players' word on a result.
 * Table-driven: each row is a starting point, a list of actions and what must come out.
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

#define T0 1000000
#define V(x)                                                                                                                       \
    {                                                                                                                              \
        true, (x)                                                                                                                  \
    }
#define S(x)                                                                                                                       \
    {                                                                                                                              \
        (x), sizeof(x) - 1                                                                                                         \
    }
#define HOST GAME_ACTOR_HOST
#define P1 GAME_ACTOR_P1
#define P2 GAME_ACTOR_P2
#define BAD GAME_E_BAD
#define FORB GAME_E_FORBIDDEN
#define INV GAME_E_INVALID_STATE

/* Applies a at now; returns the code; on success g becomes the (checked) result. */
static int apply(game_t *g, const game_action_t *a, int64_t now, const char **bf)
{
    game_t out;
    const char *f = NULL;
    int rc = game_apply(g, a, now, &out, &f);
    if (bf)
        *bf = f;
    if (rc != GAME_OK)
        return rc;
    if (game_check(&out, &f) != GAME_OK)
        fail_msg("%s gave an invalid state: %s", game_type_name(a->type), f);
    game_release(g);
    memcpy(g, &out, sizeof(out));
    return rc;
}

static void ok(game_t *g, const game_action_t *a, int64_t now)
{
    const char *bf;
    int rc = apply(g, a, now, &bf);
    if (rc != GAME_OK)
        fail_msg("%s refused: %s (%s)", game_type_name(a->type), game_err_name(rc), bf ? bf : "-");
}

static game_action_t act(game_action_type_t t, game_actor_t who)
{
    game_action_t a;
    game_action_init(&a, t, who);
    return a;
}

static void simple(game_t *g, game_action_type_t t, game_actor_t who, int64_t now)
{
    game_action_t a = act(t, who);
    ok(g, &a, now);
}

static void setting(game_t *g, const char *key, const char *value, game_vtype_t type)
{
    game_action_t a = act(GAME_A_SETTINGS, HOST);
    a.settings.n = 1;
    a.settings.items[0] = (game_setting_in_t){{key, strlen(key)}, {value, strlen(value)}, type};
    ok(g, &a, T0 - 10);
}

enum { P_SETUP, P_ACTIVE, P_ROUND3, P_ENDED, P_CAPPED };

/* Starting points: a fresh game; started at T0; in round 3; ended by the host; with caps. */
static void prep(game_t *g, int which)
{
    game_release(g);
    assert_int_equal(game_init(g, "g-depth"), GAME_OK);
    if (which == P_CAPPED) {
        setting(g, "primary_round_cap", "15", GAME_V_NUMBER);
        setting(g, "primary_cap", "40", GAME_V_NUMBER);
        setting(g, "secondary_round_cap", "12", GAME_V_NUMBER);
        setting(g, "secondary_cap", "30", GAME_V_NUMBER);
    }
    if (which == P_SETUP)
        return;
    simple(g, GAME_A_START, HOST, T0);
    if (which == P_ROUND3)
        for (int i = 0; i < 4; i++)
            simple(g, GAME_A_TURN, HOST, T0 + 1 + i);
    if (which == P_ENDED)
        simple(g, GAME_A_END, HOST, T0 + 100);
}

/* A score_update of player p with the given fields (UNSET leaves one out). */
#define UNSET INT64_MIN
static game_action_t score(game_actor_t who, int p, int64_t round, int64_t primary, int64_t primary_delta, int64_t secondary,
                           int64_t secondary_delta)
{
    game_action_t a = act(GAME_A_SCORE, who);
    a.score.player = p;
    if (round != UNSET)
        a.score.round = (game_opt_t)V(round);
    if (primary != UNSET)
        a.score.primary = (game_opt_t)V(primary);
    if (primary_delta != UNSET)
        a.score.primary_delta = (game_opt_t)V(primary_delta);
    if (secondary != UNSET)
        a.score.secondary = (game_opt_t)V(secondary);
    if (secondary_delta != UNSET)
        a.score.secondary_delta = (game_opt_t)V(secondary_delta);
    return a;
}

/* ---- per-round scores and caps ----------------------------------------------------- */

typedef struct {
    const char *what;
    int prep;
    int nsteps;
    struct {
        int64_t round, primary, primary_delta, secondary, secondary_delta;
    } steps[4]; /* player 1, by the host, all accepted but the last when rc != OK */
    int rc;             /* of the last step */
    const char *field;  /* of the last step's refusal */
    int cells[3][2];    /* rounds 1..3 of player 1 afterwards: primary, secondary */
    int total[2];       /* player 1's primary and secondary totals afterwards */
} score_case_t;

#define U UNSET
// clang-format off
static const score_case_t score_cases[] = {
    {"before the start a delta goes to round 1", P_SETUP, 1, {{U, U, 3, U, 2}}, GAME_OK, NULL, {{3, 2}, {0, 0}, {0, 0}}, {3, 2}},
    {"a delta goes to the current round", P_ROUND3, 1, {{U, U, 4, U, U}}, GAME_OK, NULL, {{0, 0}, {0, 0}, {4, 0}}, {4, 0}},
    {"round names the cell", P_ROUND3, 2, {{1, U, 5, U, U}, {2, 7, U, 1, U}}, GAME_OK, NULL, {{5, 0}, {7, 1}, {0, 0}}, {12, 1}},
    {"absolute with round sets the cell", P_ROUND3, 2, {{1, 9, U, U, U}, {1, 4, U, U, U}}, GAME_OK, NULL, {{4, 0}, {0, 0}, {0, 0}}, {4, 0}},
    {"absolute total without round: current cell makes up the rest", P_ROUND3, 2, {{1, U, 10, U, U}, {U, 25, U, 6, U}}, GAME_OK, NULL, {{10, 0}, {0, 0}, {15, 6}}, {25, 6}},
    {"absolute total lower than the other rounds: refused", P_ROUND3, 2, {{1, U, 10, U, U}, {U, 8, U, U, U}}, BAD, "primary", {{10, 0}, {0, 0}, {0, 0}}, {10, 0}},
    {"absolute total may empty the current cell", P_ROUND3, 3, {{1, U, 10, U, U}, {3, U, 4, U, U}, {U, 10, U, U, U}}, GAME_OK, NULL, {{10, 0}, {0, 0}, {0, 0}}, {10, 0}},
    {"a delta below 0 in its cell is refused", P_ROUND3, 2, {{1, U, 5, U, U}, {2, U, -1, U, U}}, BAD, "primary_delta", {{5, 0}, {0, 0}, {0, 0}}, {5, 0}},
    {"round 0 is refused", P_ACTIVE, 1, {{0, U, 1, U, U}}, BAD, "round", {{0, 0}, {0, 0}, {0, 0}}, {0, 0}},
    {"round past settings.rounds is refused", P_ACTIVE, 1, {{6, U, 1, U, U}}, BAD, "round", {{0, 0}, {0, 0}, {0, 0}}, {0, 0}},
    {"round past the maximum is refused", P_ACTIVE, 1, {{100, U, 1, U, U}}, BAD, "round", {{0, 0}, {0, 0}, {0, 0}}, {0, 0}},
    {"total over 999 across rounds is refused", P_ROUND3, 3, {{1, 999, U, U, U}, {2, 0, U, U, U}, {2, U, 1, U, U}}, BAD, "primary_delta", {{999, 0}, {0, 0}, {0, 0}}, {999, 0}},
    {"round cap: up to it", P_CAPPED, 1, {{U, U, 15, U, 12}}, GAME_OK, NULL, {{15, 12}, {0, 0}, {0, 0}}, {15, 12}},
    {"round cap: past it", P_CAPPED, 2, {{U, U, 15, U, U}, {U, U, 1, U, U}}, BAD, "primary_round_cap", {{15, 0}, {0, 0}, {0, 0}}, {15, 0}},
    {"secondary round cap", P_CAPPED, 1, {{U, U, U, 13, U}}, BAD, "secondary_round_cap", {{0, 0}, {0, 0}, {0, 0}}, {0, 0}},
    {"game cap over several rounds", P_CAPPED, 4, {{1, 15, U, U, U}, {2, 15, U, U, U}, {3, 10, U, U, U}, {4, 1, U, U, U}}, BAD, "primary_cap", {{15, 0}, {15, 0}, {10, 0}}, {40, 0}},
    {"secondary game cap", P_CAPPED, 4, {{1, U, U, 12, U}, {2, U, U, 12, U}, {3, U, U, 6, U}, {4, U, U, 1, U}}, BAD, "secondary_cap", {{0, 12}, {0, 12}, {0, 6}}, {0, 30}},
};
// clang-format on

static void test_score_table(void **unused)
{
    static game_t g;
    (void)unused;
    for (size_t i = 0; i < sizeof(score_cases) / sizeof(score_cases[0]); i++) {
        const score_case_t *c = &score_cases[i];
        prep(&g, c->prep);
        for (int s = 0; s < c->nsteps; s++) {
            game_action_t a = score(HOST, 1, c->steps[s].round, c->steps[s].primary, c->steps[s].primary_delta,
                                    c->steps[s].secondary, c->steps[s].secondary_delta);
            const char *bf;
            int want = s == c->nsteps - 1 ? c->rc : GAME_OK;
            int rc = apply(&g, &a, T0 + 50, &bf);
            if (rc != want || (want == GAME_E_BAD && (bf == NULL || strcmp(bf, c->field) != 0)))
                fail_msg("%s, step %d: got %s (%s), want %s (%s)", c->what, s, game_err_name(rc), bf ? bf : "-",
                         game_err_name(want), c->field ? c->field : "-");
        }
        for (int r = 0; r < 3; r++)
            if (g.players[0].rounds[r].primary != c->cells[r][0] || g.players[0].rounds[r].secondary != c->cells[r][1])
                fail_msg("%s: round %d is %d/%d, want %d/%d", c->what, r + 1, g.players[0].rounds[r].primary,
                         g.players[0].rounds[r].secondary, c->cells[r][0], c->cells[r][1]);
        if (g.players[0].primary != c->total[0] || g.players[0].secondary != c->total[1])
            fail_msg("%s: totals %d/%d, want %d/%d", c->what, g.players[0].primary, g.players[0].secondary, c->total[0],
                     c->total[1]);
        assert_int_equal(g.players[1].primary, 0);
    }
    game_release(&g);
}

/* A cap lowered under a score already made does not take it away, and lowering is allowed. */
static void test_cap_lowered(void **unused)
{
    static game_t g;
    (void)unused;
    prep(&g, P_ACTIVE);
    game_action_t a = score(HOST, 1, U, U, 20, U, U);
    ok(&g, &a, T0 + 1);
    setting(&g, "primary_round_cap", "10", GAME_V_NUMBER);
    a = score(HOST, 1, U, U, -5, U, U);
    ok(&g, &a, T0 + 2);
    assert_int_equal(g.players[0].primary, 15);
    a = score(HOST, 1, U, U, 1, U, U);
    assert_int_equal(apply(&g, &a, T0 + 3, NULL), BAD);
    /* the cap setting is known: a value out of range is refused, null removes it */
    game_action_t s = act(GAME_A_SETTINGS, HOST);
    s.settings.n = 1;
    s.settings.items[0] = (game_setting_in_t){S("primary_cap"), S("1000"), GAME_V_NUMBER};
    const char *bf;
    assert_int_equal(apply(&g, &s, T0 + 4, &bf), BAD);
    assert_string_equal(bf, "primary_cap");
    s.settings.items[0] = (game_setting_in_t){S("primary_round_cap"), {NULL, 0}, GAME_V_NULL};
    ok(&g, &s, T0 + 5);
    assert_null(game_setting_find(&g, "primary_round_cap"));
    ok(&g, &a, T0 + 6);
    assert_int_equal(g.players[0].primary, 16);
    game_release(&g);
}

/* rounds may not go under a round holding a score; check() refuses such cells and wrong sums. */
static void test_rounds_setting_and_check(void **unused)
{
    static game_t g;
    (void)unused;
    prep(&g, P_ACTIVE);
    game_action_t a = score(HOST, 2, 4, U, 3, U, U);
    ok(&g, &a, T0 + 1);
    game_action_t s = act(GAME_A_SETTINGS, HOST);
    s.settings.n = 1;
    s.settings.items[0] = (game_setting_in_t){S("rounds"), S("3"), GAME_V_NUMBER};
    const char *bf;
    assert_int_equal(apply(&g, &s, T0 + 2, &bf), BAD);
    assert_string_equal(bf, "rounds");
    s.settings.items[0] = (game_setting_in_t){S("rounds"), S("4"), GAME_V_NUMBER};
    ok(&g, &s, T0 + 3);
    assert_int_equal(game_action_round(&g, &a), 4);

    game_t bad;
    game_copy(&bad, &g);
    bad.players[1].primary = 4; /* cells say 3 */
    assert_int_equal(game_check(&bad, &bf), BAD);
    assert_string_equal(bf, "players[1].rounds");
    bad.players[1].primary = 3;
    bad.players[1].rounds[4].secondary = 1; /* round 5 of a 4-round game */
    bad.players[1].secondary = 1;
    assert_int_equal(game_check(&bad, &bf), BAD);
    assert_string_equal(bf, "players[1].rounds");
    game_release(&bad);
    game_release(&g);
}

/* The round each change is logged with. */
static void test_action_round(void **unused)
{
    static game_t g;
    (void)unused;
    prep(&g, P_SETUP);
    game_action_t a = score(HOST, 1, U, U, 1, U, U);
    assert_int_equal(game_action_round(&g, &a), 1);
    game_action_t t = act(GAME_A_TURN, HOST);
    assert_int_equal(game_action_round(&g, &t), 0);
    prep(&g, P_ROUND3);
    assert_int_equal(game_action_round(&g, &a), 3);
    assert_int_equal(game_action_round(&g, &t), 3);
    a = score(HOST, 1, 2, U, 1, U, U);
    assert_int_equal(game_action_round(&g, &a), 2);
    game_release(&g);
}

/* ---- judge calls ------------------------------------------------------------------ */

typedef struct {
    const char *what;
    int prep;
    game_action_type_t type;
    game_actor_t who;
    const char *reason;
    bool open_first; /* a call is open before the action */
    int rc;
    const char *field;
} judge_refusal_t;

#define R200 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
// clang-format off
static const judge_refusal_t judge_refusals[] = {
    {"reason of 201 characters", P_ACTIVE, GAME_A_JUDGE_CALL, P1, R200 R200 "a", false, BAD, "reason"},
    {"reason with a control character", P_ACTIVE, GAME_A_JUDGE_CALL, P1, "a\nb", false, BAD, "reason"},
    {"a second call while one is open", P_ACTIVE, GAME_A_JUDGE_CALL, P2, "again", true, INV, NULL},
    {"the host's second call too", P_ENDED, GAME_A_JUDGE_CALL, HOST, NULL, true, INV, NULL},
    {"a player may not close a call", P_ACTIVE, GAME_A_JUDGE_DONE, P1, NULL, true, FORB, NULL},
    {"judge_done without a call", P_ACTIVE, GAME_A_JUDGE_DONE, HOST, NULL, false, INV, NULL},
};
// clang-format on

static void open_call(game_t *g, game_actor_t who, const char *reason, int64_t now)
{
    game_action_t a = act(GAME_A_JUDGE_CALL, who);
    if (reason)
        a.judge.reason = (game_str_t){reason, strlen(reason)};
    a.judge.at_ms = 1763756103120 + now;
    ok(g, &a, now);
}

static void test_judge_refusals(void **unused)
{
    static game_t g;
    (void)unused;
    for (size_t i = 0; i < sizeof(judge_refusals) / sizeof(judge_refusals[0]); i++) {
        const judge_refusal_t *c = &judge_refusals[i];
        prep(&g, c->prep);
        if (c->open_first)
            open_call(&g, P1, "first", T0 + 10);
        game_t before;
        game_copy(&before, &g);
        game_action_t a = act(c->type, c->who);
        if (c->reason)
            a.judge.reason = (game_str_t){c->reason, strlen(c->reason)};
        const char *bf;
        int rc = apply(&g, &a, T0 + 20, &bf);
        if (rc != c->rc || (c->field ? bf == NULL || strcmp(bf, c->field) != 0 : bf != NULL))
            fail_msg("%s: got %s (%s), want %s", c->what, game_err_name(rc), bf ? bf : "-", game_err_name(c->rc));
        if (memcmp(&before, &g, sizeof(g)) != 0)
            fail_msg("%s: the game changed", c->what);
        game_release(&before);
    }
    game_release(&g);
}

/* A call pauses an active game and stops its clock; judge_done resumes it and the clock runs again. */
static void test_judge_pauses_clock(void **unused)
{
    static game_t g;
    (void)unused;
    prep(&g, P_ACTIVE);
    open_call(&g, P2, "line of sight", T0 + 1000);
    assert_int_equal(g.status, GAME_PAUSED);
    assert_int_equal(g.judge.called_by, P2);
    assert_string_equal(g.judge.reason, "line of sight");
    assert_true(g.judge.paused);
    assert_false(g.players[0].clock.running);
    int64_t left = game_clock_remaining(&g, 1, T0 + 1000);
    assert_int_equal(game_clock_remaining(&g, 1, T0 + 60000), left); /* stopped */
    assert_int_equal(game_time_ms(&g, T0 + 60000), 1000);
    simple(&g, GAME_A_JUDGE_DONE, HOST, T0 + 60000);
    assert_int_equal(g.status, GAME_ACTIVE);
    assert_int_equal(g.judge.called_by, GAME_ACTOR_NONE);
    assert_true(g.players[0].clock.running);
    assert_int_equal(game_clock_remaining(&g, 1, T0 + 61000), left - 1000);
    game_release(&g);
}

typedef struct {
    const char *what;
    int prep;
    bool host_pauses_first; /* the host paused the game before the call */
    const char *judge_pauses; /* setting value, or NULL */
    bool host_resumes;      /* the host resumed during the call */
    game_status_t during, after;
} judge_case_t;

// clang-format off
static const judge_case_t judge_cases[] = {
    {"active, default: pauses and resumes", P_ACTIVE, false, NULL, false, GAME_PAUSED, GAME_ACTIVE},
    {"active, judge_pauses false: clock runs on", P_ACTIVE, false, "false", false, GAME_ACTIVE, GAME_ACTIVE},
    {"active, judge_pauses true", P_ACTIVE, false, "true", false, GAME_PAUSED, GAME_ACTIVE},
    {"paused by the host: stays paused after", P_ACTIVE, true, NULL, false, GAME_PAUSED, GAME_PAUSED},
    {"the host resumed meanwhile: stays active", P_ACTIVE, false, NULL, true, GAME_ACTIVE, GAME_ACTIVE},
    {"in setup: nothing to pause", P_SETUP, false, NULL, false, GAME_SETUP, GAME_SETUP},
    {"ended: a call still opens", P_ENDED, false, NULL, false, GAME_ENDED, GAME_ENDED},
};
// clang-format on

static void test_judge_table(void **unused)
{
    static game_t g;
    (void)unused;
    for (size_t i = 0; i < sizeof(judge_cases) / sizeof(judge_cases[0]); i++) {
        const judge_case_t *c = &judge_cases[i];
        prep(&g, c->prep);
        if (c->judge_pauses)
            setting(&g, "judge_pauses", c->judge_pauses, GAME_V_BOOL);
        if (c->host_pauses_first)
            simple(&g, GAME_A_PAUSE, HOST, T0 + 5);
        open_call(&g, HOST, NULL, T0 + 10);
        if (c->host_resumes)
            simple(&g, GAME_A_RESUME, HOST, T0 + 15);
        if (g.status != c->during)
            fail_msg("%s: status %s during the call, want %s", c->what, game_status_name(g.status), game_status_name(c->during));
        assert_int_equal(g.judge.called_by, HOST);
        simple(&g, GAME_A_JUDGE_DONE, HOST, T0 + 20);
        if (g.status != c->after)
            fail_msg("%s: status %s after, want %s", c->what, game_status_name(g.status), game_status_name(c->after));
        assert_int_equal(g.judge.called_by, GAME_ACTOR_NONE);
    }
    game_release(&g);
}

/* ---- results ---------------------------------------------------------------------- */

typedef struct {
    game_actor_t who;
    int agree; /* 1 true, 2 false */
    int winner;
    int rc;
} word_t;

typedef struct {
    const char *what;
    int prep;
    int nwords;
    word_t words[4];
    unsigned confirmed;
    bool disputed, final;
    game_actor_t judge; /* the call open afterwards */
    int winner;         /* game_result_winner() afterwards */
} result_case_t;

#define DRAW GAME_WINNER_DRAW
// clang-format off
static const result_case_t result_cases[] = {
    {"both agree: final", P_ENDED, 2, {{P1, 1, 0, GAME_OK}, {P2, 1, 0, GAME_OK}}, 3, false, true, GAME_ACTOR_NONE, DRAW},
    {"one agrees: provisional", P_ENDED, 1, {{P2, 1, 0, GAME_OK}}, 2, false, false, GAME_ACTOR_NONE, DRAW},
    {"agreeing twice is a no-op change", P_ENDED, 2, {{P1, 1, 0, GAME_OK}, {P1, 1, 0, GAME_OK}}, 1, false, false, GAME_ACTOR_NONE, DRAW},
    {"a dispute opens a judge call", P_ENDED, 2, {{P1, 1, 0, GAME_OK}, {P2, 2, 0, GAME_OK}}, 1, true, false, P2, DRAW},
    {"after a dispute a player's word is refused", P_ENDED, 2, {{P2, 2, 0, GAME_OK}, {P1, 1, 0, INV}}, 0, true, false, P2, DRAW},
    {"the host finalises a dispute with a winner", P_ENDED, 2, {{P2, 2, 0, GAME_OK}, {HOST, 1, 2, GAME_OK}}, 0, true, true, P2, 2},
    {"the host finalises a plain game", P_ENDED, 1, {{HOST, 1, 0, GAME_OK}}, 0, false, true, GAME_ACTOR_NONE, DRAW},
    {"after final a player's word is refused", P_ENDED, 3, {{P1, 1, 0, GAME_OK}, {P2, 1, 0, GAME_OK}, {P2, 2, 0, INV}}, 3, false, true, GAME_ACTOR_NONE, DRAW},
    {"the host may correct a final result", P_ENDED, 3, {{P1, 1, 0, GAME_OK}, {P2, 1, 0, GAME_OK}, {HOST, 1, 1, GAME_OK}}, 3, false, true, GAME_ACTOR_NONE, 1},
    {"the host does not dispute", P_ENDED, 1, {{HOST, 2, 0, BAD}}, 0, false, false, GAME_ACTOR_NONE, DRAW},
    {"a player may not name the winner", P_ENDED, 1, {{P1, 1, 1, FORB}}, 0, false, false, GAME_ACTOR_NONE, DRAW},
    {"agree is required", P_ENDED, 1, {{P1, 0, 0, BAD}}, 0, false, false, GAME_ACTOR_NONE, DRAW},
    {"not before the end", P_ACTIVE, 1, {{P1, 1, 0, INV}}, 0, false, false, GAME_ACTOR_NONE, 0},
    {"not before the end, host", P_ACTIVE, 1, {{HOST, 1, 0, INV}}, 0, false, false, GAME_ACTOR_NONE, 0},
};
// clang-format on

static void test_result_table(void **unused)
{
    static game_t g;
    (void)unused;
    for (size_t i = 0; i < sizeof(result_cases) / sizeof(result_cases[0]); i++) {
        const result_case_t *c = &result_cases[i];
        prep(&g, c->prep);
        for (int w = 0; w < c->nwords; w++) {
            game_action_t a = act(GAME_A_RESULT, c->words[w].who);
            a.result.agree = c->words[w].agree;
            a.result.winner = c->words[w].winner;
            a.result.at_ms = 1763756103120;
            const char *bf;
            int rc = apply(&g, &a, T0 + 200 + w, &bf);
            if (rc != c->words[w].rc)
                fail_msg("%s, word %d: got %s (%s), want %s", c->what, w, game_err_name(rc), bf ? bf : "-",
                         game_err_name(c->words[w].rc));
        }
        if (g.result.confirmed != c->confirmed || g.result.disputed != c->disputed || g.result.final != c->final)
            fail_msg("%s: result %u/%d/%d, want %u/%d/%d", c->what, g.result.confirmed, g.result.disputed, g.result.final,
                     c->confirmed, c->disputed, c->final);
        assert_int_equal(game_result_final(&g), c->final);
        if (g.judge.called_by != c->judge)
            fail_msg("%s: judge call by %d, want %d", c->what, g.judge.called_by, c->judge);
        if (game_result_winner(&g) != c->winner)
            fail_msg("%s: winner %d, want %d", c->what, game_result_winner(&g), c->winner);
    }
    game_release(&g);
}

/* A concession is the conceding player's yes; a game ended by turns starts unconfirmed; undo takes a result back. */
static void test_result_paths(void **unused)
{
    static game_t g, before;
    (void)unused;
    prep(&g, P_ACTIVE);
    game_action_t e = act(GAME_A_END, P1);
    e.end.winner = 2;
    ok(&g, &e, T0 + 5);
    assert_int_equal(g.result.confirmed, GAME_RESULT_P1);
    assert_false(g.result.final);
    game_copy(&before, &g);
    game_action_t a = act(GAME_A_RESULT, P2);
    a.result.agree = 1;
    ok(&g, &a, T0 + 6);
    assert_true(game_result_final(&g));
    assert_int_equal(game_result_winner(&g), 2);
    game_action_t u = act(GAME_A_UNDO, P2);
    u.undo.before = &before;
    u.undo.by = P2;
    ok(&g, &u, T0 + 7);
    assert_false(g.result.final);
    game_release(&before);

    /* the last turn of the last round ends the game with a fresh result */
    prep(&g, P_ACTIVE);
    setting(&g, "rounds", "1", GAME_V_NUMBER);
    simple(&g, GAME_A_TURN, HOST, T0 + 1);
    simple(&g, GAME_A_TURN, HOST, T0 + 2);
    assert_int_equal(g.status, GAME_ENDED);
    assert_int_equal(g.result.confirmed, 0);
    assert_false(g.result.final || g.result.disputed);
    assert_false(game_result_final(&g));
    game_release(&g);
}

/* game_check refuses a result before the end and a half-made judge call. */
static void test_check_judge_result(void **unused)
{
    static game_t g;
    const char *bf;
    (void)unused;
    prep(&g, P_ACTIVE);
    g.result.final = true;
    assert_int_equal(game_check(&g, &bf), BAD);
    assert_string_equal(bf, "result");
    g.result.final = false;
    g.judge.reason[0] = 'x';
    assert_int_equal(game_check(&g, &bf), BAD);
    assert_string_equal(bf, "judge");
    g.judge.reason[0] = '\0';
    g.judge.called_by = GAME_ACTOR_SERVER;
    assert_int_equal(game_check(&g, &bf), BAD);
    assert_string_equal(bf, "judge.called_by");
    g.judge.called_by = GAME_ACTOR_NONE;
    assert_int_equal(game_check(&g, &bf), GAME_OK);
    game_release(&g);
}

static void test_names(void **unused)
{
    (void)unused;
    assert_string_equal(game_type_name(GAME_A_JUDGE_CALL), "judge_call");
    assert_int_equal(game_type_parse("judge_done", 10), GAME_A_JUDGE_DONE);
    assert_int_equal(game_type_parse("result_confirm", 14), GAME_A_RESULT);
    game_t g;
    assert_int_equal(game_init(&g, "x"), GAME_OK);
    assert_true(game_judge_pauses(&g));
    assert_int_equal((int)g.nsettings, 3); /* caps and judge_pauses are absent until set */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_score_table),        cmocka_unit_test(test_cap_lowered),
        cmocka_unit_test(test_rounds_setting_and_check), cmocka_unit_test(test_action_round),
        cmocka_unit_test(test_judge_refusals),     cmocka_unit_test(test_judge_pauses_clock),
        cmocka_unit_test(test_judge_table),        cmocka_unit_test(test_result_table),
        cmocka_unit_test(test_result_paths),       cmocka_unit_test(test_check_judge_result),
        cmocka_unit_test(test_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

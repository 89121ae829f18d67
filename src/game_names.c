/*
 * game_names.c: the protocol's words for statuses, action types, timer actions,
 * actors and errors (part of module game, see game_impl.h).
 */
#include "game_impl.h"

#include <string.h>

/* ---- names ---------------------------------------------------------------------- */

static const char *const status_names[] = {"setup", "active", "paused", "ended"};
static const char *const type_names[GAME_A_COUNT_] = {
    [GAME_A_STATE] = "game_state",         [GAME_A_SETUP] = "game_setup",   [GAME_A_SCORE] = "score_update",
    [GAME_A_TIMER] = "timer_update",       [GAME_A_TURN] = "turn_change",   [GAME_A_START] = "game_start",
    [GAME_A_PAUSE] = "game_pause",         [GAME_A_RESUME] = "game_resume", [GAME_A_END] = "game_end",
    [GAME_A_SETTINGS] = "settings_update", [GAME_A_UNDO] = "undo",          [GAME_A_CLOCK_TICK] = "clock_tick",
    [GAME_A_JUDGE_CALL] = "judge_call",    [GAME_A_JUDGE_DONE] = "judge_done", [GAME_A_RESULT] = "result_confirm",
};
static const char *const timer_names[] = {NULL, "start", "stop", "set"};
static const char *const actor_names[] = {NULL, "player1", "player2", "host", "server"};

const char *game_status_name(game_status_t s)
{
    return (int)s >= GAME_SETUP && (int)s <= GAME_ENDED ? status_names[s] : NULL;
}

int game_status_parse(const char *s, size_t len)
{
    for (int i = GAME_SETUP; i <= GAME_ENDED; i++)
        if (game_slice_is(s, len, status_names[i]))
            return i;
    return -1;
}

const char *game_type_name(game_action_type_t t)
{
    return (int)t > GAME_A_NONE && (int)t < GAME_A_COUNT_ ? type_names[t] : NULL;
}

int game_type_parse(const char *s, size_t len)
{
    for (int i = GAME_A_NONE + 1; i < GAME_A_COUNT_; i++)
        if (i != GAME_A_CLOCK_TICK && game_slice_is(s, len, type_names[i]))
            return i;
    return -1;
}

const char *game_timer_op_name(game_timer_op_t op)
{
    return (int)op >= GAME_TIMER_START && (int)op <= GAME_TIMER_SET ? timer_names[op] : NULL;
}

game_timer_op_t game_timer_op_parse(const char *s, size_t len)
{
    for (int i = GAME_TIMER_START; i <= GAME_TIMER_SET; i++)
        if (game_slice_is(s, len, timer_names[i]))
            return (game_timer_op_t)i;
    return GAME_TIMER_NONE;
}

const char *game_actor_name(game_actor_t actor)
{
    return (int)actor >= GAME_ACTOR_P1 && (int)actor <= GAME_ACTOR_SERVER ? actor_names[actor] : NULL;
}

const char *game_err_name(int err)
{
    switch (err) {
    case GAME_OK:
        return "ok";
    case GAME_E_BAD:
        return "bad_message";
    case GAME_E_FORBIDDEN:
        return "forbidden";
    case GAME_E_INVALID_STATE:
        return "invalid_state";
    case GAME_E_CONFLICT:
        return "conflict";
    default:
        return "internal";
    }
}

/*
 * game_judge.c: judge calls and the players' word on a result (part of module game,
 * see game_impl.h).
 *
 * judge_call: the host or either player; any status (a dispute after the end is the
 * commonest call). While settings.judge_pauses (default true) an active game pauses
 * and remembers that the call paused it, so judge_done resumes it; a game the host
 * paused, or one the host resumed meanwhile, is left as it is. A second call while one
 * is open is refused (invalid_state): "changes nothing" is kept literally, and every
 * accepted action stays a change with a version of its own.
 *
 * result_confirm: a player of an ended game says yes or no. Both yes: final. A no:
 * disputed, and a judge call opens (unless one is open) in that player's name; from
 * then on only the host finalises. The host's result_confirm (agree true, optionally
 * with winner to correct it) makes the result final at once, also over a dispute and
 * also again later to correct a final result. A player's word after final or dispute
 * is invalid_state; saying yes twice is an accepted no-op change.
 */
#include "game_impl.h"

#include <string.h>

static const char dispute_reason[] = "result disputed";

/* Opens a judge call by actor at at_ms; pauses an active game while judge_pauses. */
static void open_call(game_t *w, game_actor_t actor, game_str_t reason, int64_t at_ms)
{
    memset(&w->judge, 0, sizeof(w->judge));
    w->judge.called_by = actor;
    w->judge.at_ms = at_ms;
    if (reason.base)
        game_set_buf(w->judge.reason, sizeof(w->judge.reason), reason);
    if (w->status == GAME_ACTIVE && game_judge_pauses(w)) {
        game_pause_now(w);
        w->judge.paused = true;
    }
}

int game_do_judge_call(const game_t *in, game_t *w, const game_action_t *a, int64_t now, const char **bf)
{
    const struct game_judge_args *j = &a->judge;

    (void)in, (void)now;
    if (j->reason.base && !game_valid_text(j->reason.base, j->reason.len, GAME_REASON_CHARS, GAME_REASON_SIZE))
        return game_bad(bf, "reason");
    if (j->at_ms < 0)
        return game_bad(bf, "at");
    if (a->actor != GAME_ACTOR_HOST && !game_actor_player(a->actor))
        return GAME_E_FORBIDDEN;
    if (w->judge.called_by != GAME_ACTOR_NONE)
        return GAME_E_INVALID_STATE;
    open_call(w, a->actor, j->reason, j->at_ms);
    return GAME_OK;
}

int game_do_judge_done(const game_t *in, game_t *w, const game_action_t *a, int64_t now, const char **bf)
{
    (void)in, (void)bf;
    if (a->actor != GAME_ACTOR_HOST)
        return GAME_E_FORBIDDEN;
    if (w->judge.called_by == GAME_ACTOR_NONE)
        return GAME_E_INVALID_STATE;
    bool resume = w->judge.paused && w->status == GAME_PAUSED;
    memset(&w->judge, 0, sizeof(w->judge));
    if (resume)
        game_resume_now(w, now);
    return GAME_OK;
}

int game_do_result(const game_t *in, game_t *w, const game_action_t *a, int64_t now, const char **bf)
{
    const struct game_result_args *r = &a->result;
    int me = game_actor_player(a->actor);

    (void)in, (void)now;
    if (r->agree != 1 && r->agree != 2)
        return game_bad(bf, "agree");
    if (r->winner != GAME_WINNER_BY_SCORE && r->winner != 1 && r->winner != 2 && r->winner != GAME_WINNER_DRAW)
        return game_bad(bf, "winner");
    if (r->at_ms < 0)
        return game_bad(bf, "at");
    if (a->actor == GAME_ACTOR_HOST && r->agree != 1)
        return game_bad(bf, "agree"); /* the host's word is final: it corrects with winner, it does not dispute */
    if (a->actor != GAME_ACTOR_HOST && (!me || r->winner != GAME_WINNER_BY_SCORE))
        return GAME_E_FORBIDDEN;
    if (w->status != GAME_ENDED)
        return GAME_E_INVALID_STATE;
    if (!me) {
        if (r->winner != GAME_WINNER_BY_SCORE) {
            w->draw = r->winner == GAME_WINNER_DRAW;
            w->winner = w->draw ? 0 : r->winner;
        }
        w->result.final = true;
        return GAME_OK;
    }
    if (w->result.final || w->result.disputed)
        return GAME_E_INVALID_STATE;
    if (r->agree == 1) {
        w->result.confirmed |= (uint8_t)(me == 1 ? GAME_RESULT_P1 : GAME_RESULT_P2);
        w->result.final = w->result.confirmed == (GAME_RESULT_P1 | GAME_RESULT_P2);
        return GAME_OK;
    }
    w->result.confirmed &= (uint8_t) ~(me == 1 ? GAME_RESULT_P1 : GAME_RESULT_P2);
    w->result.disputed = true;
    if (w->judge.called_by == GAME_ACTOR_NONE)
        open_call(w, a->actor, (game_str_t){dispute_reason, sizeof(dispute_reason) - 1}, r->at_ms);
    return GAME_OK;
}

int game_result_winner(const game_t *g)
{
    if (g->status != GAME_ENDED)
        return GAME_WINNER_BY_SCORE;
    return g->draw ? GAME_WINNER_DRAW : g->winner;
}

bool game_result_final(const game_t *g)
{
    return g->status == GAME_ENDED && g->result.final;
}

bool game_judge_pauses(const game_t *g)
{
    return game_known_int(g, GAME_K_JUDGE_PAUSES) != 0;
}

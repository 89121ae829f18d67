/*
 * game_check.c: game_check(), every field and invariant of a state (part of module
 * game, see game_impl.h): what a host's full game_state and the store may hand in.
 */
#include "game_impl.h"

#include <string.h>

/* Per-player field names for game_check(), in the wire's players[i].field form. */
#define PLAYER_FIELD(f)                                                                                                            \
    {                                                                                                                              \
        "players[0]." f, "players[1]." f                                                                                           \
    }
static const char *const f_name[2] = PLAYER_FIELD("name"), *const f_faction[2] = PLAYER_FIELD("faction"),
                         *const f_primary[2] = PLAYER_FIELD("primary"), *const f_secondary[2] = PLAYER_FIELD("secondary"),
                         *const f_cp[2] = PLAYER_FIELD("cp"), *const f_private[2] = PLAYER_FIELD("private"),
                         *const f_remaining[2] = PLAYER_FIELD("time_remaining"), *const f_used[2] = PLAYER_FIELD("time_used"),
                         *const f_running[2] = PLAYER_FIELD("is_running"), *const f_flagged[2] = PLAYER_FIELD("flagged"),
                         *const f_rounds[2] = PLAYER_FIELD("rounds");

/* Cells in range, none scored past settings.rounds, and the totals their sums. */
static int check_rounds(const game_t *g, const game_player_t *p, int i, const char **bf)
{
    int sp = 0, ss = 0, n = game_rounds(g);

    for (int r = 0; r < GAME_ROUNDS_MAX; r++) {
        const game_round_t *c = &p->rounds[r];
        if (c->primary < 0 || c->primary > GAME_SCORE_MAX || c->secondary < 0 || c->secondary > GAME_SCORE_MAX ||
            (r >= n && (c->primary || c->secondary)))
            return game_bad(bf, f_rounds[i]);
        sp += c->primary;
        ss += c->secondary;
    }
    return sp == p->primary && ss == p->secondary ? GAME_OK : game_bad(bf, f_rounds[i]);
}

static int check_player(const game_t *g, int i, const char **bf)
{
    const game_player_t *p = &g->players[i];
    const game_clock_t *c = &p->clock;

    if (!game_terminated(p->name, sizeof(p->name)) || !game_valid_name(p->name, strlen(p->name)))
        return game_bad(bf, f_name[i]);
    if (!game_terminated(p->faction, sizeof(p->faction)) || !game_valid_name(p->faction, strlen(p->faction)))
        return game_bad(bf, f_faction[i]);
    if (p->primary < 0 || p->primary > GAME_SCORE_MAX)
        return game_bad(bf, f_primary[i]);
    if (p->secondary < 0 || p->secondary > GAME_SCORE_MAX)
        return game_bad(bf, f_secondary[i]);
    if (check_rounds(g, p, i, bf) != GAME_OK)
        return GAME_E_BAD;
    if (p->cp < 0 || p->cp > GAME_CP_MAX)
        return game_bad(bf, f_cp[i]);
    if (p->private_json == NULL || !game_valid_private(p->private_json, strlen(p->private_json)))
        return game_bad(bf, f_private[i]);
    if (c->remaining_ms < 0 || c->remaining_ms > GAME_CLOCK_MS_MAX)
        return game_bad(bf, f_remaining[i]);
    if (c->used_ms < 0 || c->used_ms > GAME_TIME_MAX)
        return game_bad(bf, f_used[i]);
    if (c->running && (g->status != GAME_ACTIVE || c->flagged))
        return game_bad(bf, f_running[i]);
    if (c->flagged != (c->remaining_ms == 0) && !c->running)
        return game_bad(bf, f_flagged[i]);
    return GAME_OK;
}

/* status, round, turn and winner must agree; see the fields' comments in game.h. */
static int check_progress(const game_t *g, const char **bf)
{
    bool playing = g->status == GAME_ACTIVE || g->status == GAME_PAUSED;

    if ((int)g->status < GAME_SETUP || (int)g->status > GAME_ENDED)
        return game_bad(bf, "status");
    if (g->first_player < 0 || g->first_player > 2 || (playing && g->first_player == 0))
        return game_bad(bf, "first_player");
    if (g->attacker < 0 || g->attacker > 2)
        return game_bad(bf, "attacker");
    if (g->round < 0 || g->round > GAME_ROUNDS_MAX || (g->status == GAME_SETUP && g->round != 0) || (playing && g->round == 0))
        return game_bad(bf, "round");
    if (g->current_turn < 0 || g->current_turn > 2 || (g->current_turn == 0) != (g->round == 0))
        return game_bad(bf, "current_turn");
    if (g->status == GAME_ENDED ? (g->draw ? g->winner != 0 : g->winner != 1 && g->winner != 2) : g->draw || g->winner != 0)
        return game_bad(bf, "winner");
    if (g->game_time.ms < 0 || g->game_time.ms > GAME_TIME_MAX || g->game_time.running != (g->status == GAME_ACTIVE))
        return game_bad(bf, "game_time");
    return GAME_OK;
}

static int check_settings(const game_t *g, const char **bf)
{
    if (g->nsettings > GAME_SETTINGS_MAX || (g->nsettings && g->settings == NULL))
        return game_bad(bf, "settings");
    for (size_t i = 0; i < g->nsettings; i++) {
        const game_setting_t *e = &g->settings[i];
        if (e->key == NULL || e->value == NULL || !game_valid_token(e->key, strlen(e->key), GAME_KEY_MAX) ||
            game_find_setting(g, e->key, strlen(e->key)) != (int)i)
            return game_bad(bf, "settings");
        const struct known_setting *k = game_find_known(e->key, strlen(e->key));
        if (!game_valid_value(k, e->type, e->value, strlen(e->value)))
            return game_bad(bf, k ? k->key : "settings");
    }
    return GAME_OK;
}

/* A judge call is whole or absent; a result exists only once ended. */
static int check_judge_result(const game_t *g, const char **bf)
{
    const game_judge_t *j = &g->judge;

    if (j->called_by != GAME_ACTOR_NONE && j->called_by != GAME_ACTOR_P1 && j->called_by != GAME_ACTOR_P2 &&
        j->called_by != GAME_ACTOR_HOST)
        return game_bad(bf, "judge.called_by");
    if (!game_terminated(j->reason, sizeof(j->reason)) || !game_valid_text(j->reason, strlen(j->reason), GAME_REASON_CHARS, GAME_REASON_SIZE))
        return game_bad(bf, "judge.reason");
    if (j->at_ms < 0 || (j->called_by == GAME_ACTOR_NONE && (j->at_ms || j->paused || j->reason[0])))
        return game_bad(bf, "judge");
    if (j->paused && g->status == GAME_SETUP)
        return game_bad(bf, "judge");
    const game_result_t *r = &g->result;
    if (r->confirmed > (GAME_RESULT_P1 | GAME_RESULT_P2) ||
        (g->status != GAME_ENDED && (r->confirmed || r->disputed || r->final)))
        return game_bad(bf, "result");
    return GAME_OK;
}

int game_check(const game_t *g, const char **bad_field)
{
    const char *unused, **bf = bad_field ? bad_field : &unused;
    int rc;

    *bf = NULL;
    if (!game_terminated(g->id, sizeof(g->id)) || !game_valid_token(g->id, strlen(g->id), GAME_ID_MAX))
        return game_bad(bf, "game_id");
    if (g->version < 1)
        return game_bad(bf, "version");
    if ((rc = check_progress(g, bf)) != GAME_OK)
        return rc;
    for (int i = 0; i < 2; i++)
        if ((rc = check_player(g, i, bf)) != GAME_OK)
            return rc;
    if (g->players[0].clock.running && g->players[1].clock.running)
        return game_bad(bf, "players[1].is_running");
    if ((rc = check_judge_result(g, bf)) != GAME_OK)
        return rc;
    return check_settings(g, bf);
}


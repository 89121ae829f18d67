/*
 * game_score.c: score_update (part of module game, see game_impl.h).
 *
 * Primary and secondary live in per-round cells; the totals are their sums and are
 * kept in the player for every reader. A delta or an absolute with `round` acts on
 * that round's cell; an absolute without `round` (a client of the original plan, who
 * only knows totals) sets the cell of the round it defaults to so that the total
 * comes out as asked. Caps (settings; 0 = none) refuse a change that raises a cell or
 * a total past them; lowering a score that already sits above a lowered cap is fine.
 */
#include "game_impl.h"

#include <string.h>

/* One counter of a score_update: at most one "set" or "change" field, each in range. */
struct counter {
    const game_opt_t *abs, *delta;
    const char *abs_name, *delta_name;
    int max;
};

static int check_counter(const struct counter *c, const char **bf)
{
    if (c->abs->set && (c->abs->v < 0 || c->abs->v > c->max))
        return game_bad(bf, c->abs_name);
    if (c->delta->set && (c->delta->v < -c->max || c->delta->v > c->max))
        return game_bad(bf, c->delta_name);
    return GAME_OK;
}

/* CP: a plain counter, no rounds. */
static int apply_counter(const struct counter *c, int *val, const char **bf)
{
    int64_t v = c->abs->set ? c->abs->v : *val + (c->delta->set ? c->delta->v : 0);

    if (v < 0 || v > c->max)
        return game_bad(bf, c->delta_name); /* only a delta can get here: absolutes were checked */
    *val = (int)v;
    return GAME_OK;
}

/* Picks primary/primary_delta or their aliases score/score_delta; two of them at once is ambiguous. */
static int primary_fields(const struct game_score_args *s, struct counter *c, const char **bf)
{
    const game_opt_t *f[4] = {&s->primary, &s->primary_delta, &s->score, &s->score_delta};
    static const char *const names[4] = {"primary", "primary_delta", "score", "score_delta"};
    int found = -1;

    for (int i = 0; i < 4; i++) {
        if (!f[i]->set)
            continue;
        if (found >= 0)
            return game_bad(bf, names[i]);
        found = i;
    }
    c->max = GAME_SCORE_MAX;
    c->abs = found == 2 ? &s->score : &s->primary;
    c->abs_name = found == 2 ? "score" : "primary";
    c->delta = found == 3 ? &s->score_delta : &s->primary_delta;
    c->delta_name = found == 3 ? "score_delta" : "primary_delta";
    return GAME_OK;
}

/*
 * Applies one of primary/secondary to the cell of round r (1-based) and the total.
 * by_total: an absolute without `round` names the total, not the cell.
 */
static int apply_cell(const game_t *g, const struct counter *c, int *total, int16_t *cell, bool by_total, int kround,
                      const char *round_cap_name, const char *cap_name, const char **bf)
{
    int64_t old = *cell, v;

    if (!c->abs->set && !c->delta->set)
        return GAME_OK;
    int64_t round_cap = game_known_int(g, kround), cap = game_known_int(g, kround + 1); /* caps only when scoring */
    if (c->abs->set)
        v = by_total ? c->abs->v - (*total - old) : c->abs->v;
    else
        v = old + c->delta->v;
    if (v < 0 || v > GAME_SCORE_MAX)
        return game_bad(bf, c->abs->set ? c->abs_name : c->delta_name);
    int64_t t = *total - old + v;
    if (t < 0 || t > GAME_SCORE_MAX)
        return game_bad(bf, c->abs->set ? c->abs_name : c->delta_name);
    if (round_cap > 0 && v > old && v > round_cap)
        return game_bad(bf, round_cap_name);
    if (cap > 0 && t > *total && t > cap)
        return game_bad(bf, cap_name);
    *cell = (int16_t)v;
    *total = (int)t;
    return GAME_OK;
}

/* Default: the current round, 1 before the start, the last one if rounds was lowered under it. */
static int default_round(const game_t *g)
{
    int rounds = game_rounds(g);
    return g->round < 1 ? 1 : g->round > rounds ? rounds : g->round;
}

int game_action_round(const game_t *g, const game_action_t *a)
{
    if (a->type != GAME_A_SCORE)
        return g->round;
    return a->score.round.set && a->score.round.v >= 1 && a->score.round.v <= GAME_ROUNDS_MAX ? (int)a->score.round.v
                                                                                                 : default_round(g);
}

int game_do_score(const game_t *in, game_t *w, const game_action_t *a, int64_t now, const char **bf)
{
    const struct game_score_args *s = &a->score;
    struct counter c[3] = {
        {0},
        {&s->secondary, &s->secondary_delta, "secondary", "secondary_delta", GAME_SCORE_MAX},
        {&s->cp, &s->cp_delta, "cp", "cp_delta", GAME_CP_MAX},
    };
    int me = game_actor_player(a->actor), rc;

    (void)in, (void)now;
    if (s->player < 1 || s->player > 2)
        return game_bad(bf, "player_number");
    if ((rc = primary_fields(s, &c[0], bf)) != GAME_OK)
        return rc;
    if (s->secondary.set && s->secondary_delta.set)
        return game_bad(bf, "secondary_delta");
    if (s->cp.set && s->cp_delta.set)
        return game_bad(bf, "cp_delta");
    for (int i = 0; i < 3; i++)
        if ((rc = check_counter(&c[i], bf)) != GAME_OK)
            return rc;
    if (s->round.set && (s->round.v < 1 || s->round.v > GAME_ROUNDS_MAX))
        return game_bad(bf, "round");
    if (!c[0].abs->set && !c[0].delta->set && !s->secondary.set && !s->secondary_delta.set && !s->cp.set && !s->cp_delta.set &&
        !s->private_json.base)
        return game_bad(bf, "data");
    if (s->private_json.base && !game_valid_private(s->private_json.base, s->private_json.len))
        return game_bad(bf, "private");
    if (me && me != s->player)
        return GAME_E_FORBIDDEN;
    if (w->status == GAME_ENDED)
        return GAME_E_INVALID_STATE;
    int rounds = game_rounds(w);
    if (s->round.set && s->round.v > rounds)
        return game_bad(bf, "round");
    int r = s->round.set ? (int)s->round.v : default_round(w);
    game_player_t *p = game_pl(w, s->player);
    game_round_t *cell = &p->rounds[r - 1];
    if ((rc = apply_cell(w, &c[0], &p->primary, &cell->primary, !s->round.set, GAME_K_PRIMARY_ROUND_CAP, "primary_round_cap",
                         "primary_cap", bf)) != GAME_OK ||
        (rc = apply_cell(w, &c[1], &p->secondary, &cell->secondary, !s->round.set, GAME_K_SECONDARY_ROUND_CAP,
                         "secondary_round_cap", "secondary_cap", bf)) != GAME_OK ||
        (rc = apply_counter(&c[2], &p->cp, bf)) != GAME_OK)
        return rc;
    if (s->private_json.base) {
        game_text_in_t t;
        game_text_in_from(w, &t);
        t.private_json[s->player - 1] = s->private_json;
        game_text_use(w, game_text_build(&t));
    }
    return GAME_OK;
}

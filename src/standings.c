/* standings.c: points, tie-breaks and the CSV of an event's standings (see standings.h). */
#include "standings.h"

#include <stdlib.h>
#include <string.h>

standings_scoring_t standings_scoring_default(void)
{
    standings_scoring_t s = {3, 1, 0};
    return s;
}

int standings_validate(size_t n_entrants, const standings_game_t *games, size_t n_games)
{
    /* One bit per round per entrant: an entrant in two games of one round is a caller bug. */
    uint32_t seen[STANDINGS_MAX_ENTRANTS];

    if (n_entrants > STANDINGS_MAX_ENTRANTS || (n_games && !games))
        return STANDINGS_E_INVALID;
    memset(seen, 0, n_entrants * sizeof seen[0]);
    for (size_t i = 0; i < n_games; i++) {
        const standings_game_t *g = &games[i];
        uint32_t bit;

        if (g->round < 1 || g->round > STANDINGS_MAX_ROUNDS || g->a >= n_entrants || g->winner < 0 || g->winner > 2)
            return STANDINGS_E_INVALID;
        bit = 1u << (g->round - 1);
        if (seen[g->a] & bit)
            return STANDINGS_E_INVALID;
        seen[g->a] |= bit;
        if (g->b == STANDINGS_BYE)
            continue;
        if (g->b >= n_entrants || g->b == g->a || (seen[g->b] & bit))
            return STANDINGS_E_INVALID;
        seen[g->b] |= bit;
    }
    return STANDINGS_OK;
}

int standings_cmp(const standings_row_t *a, const standings_row_t *b)
{
    int64_t da = a->vp_for - a->vp_against, db = b->vp_for - b->vp_against;

    if (a->points != b->points)
        return a->points > b->points ? -1 : 1;
    if (a->sos != b->sos)
        return a->sos > b->sos ? -1 : 1;
    if (da != db)
        return da > db ? -1 : 1;
    if (a->vp_for != b->vp_for)
        return a->vp_for > b->vp_for ? -1 : 1;
    return 0;
}

static int row_order(const void *pa, const void *pb)
{
    const standings_row_t *a = pa, *b = pb;
    int c = standings_cmp(a, b);

    if (c)
        return c;
    return a->entrant < b->entrant ? -1 : a->entrant > b->entrant;
}

/* Records one side of a final game in row r (indexed by entrant). */
static void add_result(standings_row_t *r, const standings_scoring_t *sc, uint32_t round, int outcome, int64_t vp_for,
                       int64_t vp_against)
{
    if (outcome > 0) {
        r->wins++;
        r->points += sc->win;
    } else if (outcome == 0) {
        r->draws++;
        r->points += sc->draw;
    } else {
        r->losses++;
        r->points += sc->loss;
    }
    r->vp_for += vp_for;
    r->vp_against += vp_against;
    r->round_kind[round - 1] = STANDINGS_ROUND_GAME;
    r->round_vp[round - 1] = vp_for;
}

int standings_compute(const standings_entrant_t *entrants, size_t n_entrants, const standings_game_t *games, size_t n_games,
                      const standings_scoring_t *scoring, standings_row_t *rows)
{
    if (standings_validate(n_entrants, games, n_games) != STANDINGS_OK || !scoring || (n_entrants && (!entrants || !rows)))
        return STANDINGS_E_INVALID;
    memset(rows, 0, n_entrants * sizeof rows[0]);
    for (size_t i = 0; i < n_entrants; i++) {
        rows[i].entrant = (uint32_t)i;
        rows[i].dropped = entrants[i].dropped;
    }
    /* Rows are indexed by entrant until the sort. */
    for (size_t i = 0; i < n_games; i++) {
        const standings_game_t *g = &games[i];
        standings_row_t *ra = &rows[g->a];

        if (g->b == STANDINGS_BYE) {
            ra->byes++;
            add_result(ra, scoring, g->round, 1, 0, 0);
            ra->round_kind[g->round - 1] = STANDINGS_ROUND_BYE;
            continue;
        }
        if (!g->final) {
            ra->round_kind[g->round - 1] = STANDINGS_ROUND_PENDING;
            rows[g->b].round_kind[g->round - 1] = STANDINGS_ROUND_PENDING;
            continue;
        }
        int oa = g->winner == 1 ? 1 : g->winner == 2 ? -1 : 0;
        add_result(ra, scoring, g->round, oa, g->vp_a, g->vp_b);
        add_result(&rows[g->b], scoring, g->round, -oa, g->vp_b, g->vp_a);
    }
    /* Strength of schedule needs every entrant's final points: a second pass. */
    for (size_t i = 0; i < n_games; i++) {
        const standings_game_t *g = &games[i];

        if (g->b == STANDINGS_BYE || !g->final)
            continue;
        rows[g->a].sos += rows[g->b].points;
        rows[g->b].sos += rows[g->a].points;
    }
    if (n_entrants > 1)
        qsort(rows, n_entrants, sizeof rows[0], row_order);
    for (size_t i = 0; i < n_entrants; i++)
        rows[i].rank = i > 0 && standings_cmp(&rows[i - 1], &rows[i]) == 0 ? rows[i - 1].rank : (uint32_t)i + 1;
    return STANDINGS_OK;
}

/* Appends one CSV field, quoted when it has to be, formula-looking text defused. */
void standings_csv(buf_t *out, const standings_entrant_t *entrants, const standings_row_t *rows, size_t n_rows, uint32_t rounds)
{
    if (rounds > STANDINGS_MAX_ROUNDS)
        rounds = STANDINGS_MAX_ROUNDS;
    buf_puts(out, "rank,name,faction,club,W,D,L,points,SoS,VP for,VP against");
    for (uint32_t r = 1; r <= rounds; r++)
        buf_printf(out, ",R%u", (unsigned)r);
    buf_puts(out, "\r\n");
    for (size_t i = 0; i < n_rows; i++) {
        const standings_row_t *row = &rows[i];
        const standings_entrant_t *e = &entrants[row->entrant];

        buf_put_i64(out, row->rank);
        buf_putc(out, ',');
        buf_put_csv(out, e->name, false);
        buf_putc(out, ',');
        buf_put_csv(out, e->faction, false);
        buf_putc(out, ',');
        buf_put_csv(out, e->club, false);
        buf_printf(out, ",%u,%u,%u,", (unsigned)row->wins, (unsigned)row->draws, (unsigned)row->losses);
        buf_put_i64(out, row->points);
        buf_putc(out, ',');
        buf_put_i64(out, row->sos);
        buf_putc(out, ',');
        buf_put_i64(out, row->vp_for);
        buf_putc(out, ',');
        buf_put_i64(out, row->vp_against);
        for (uint32_t r = 0; r < rounds; r++) {
            buf_putc(out, ',');
            if (row->round_kind[r] == STANDINGS_ROUND_GAME || row->round_kind[r] == STANDINGS_ROUND_BYE)
                buf_put_i64(out, row->round_vp[r]);
        }
        buf_puts(out, "\r\n");
    }
}

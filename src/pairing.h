/*
 * pairing.h: the pairings and tables of the next round of an event, as a pure function.
 *
 * This module owns who plays whom and on which table (PROTOCOL.md section 11, and
 * docs/tournaments.md for the method). Round 1 is random from a caller-supplied seed,
 * keeping entrants of one club apart where possible; later rounds are Swiss by the
 * standings (standings.h): neighbours in the standings play, so equal points meet and
 * an odd group floats its lowest entrant down; no rematch while any other pairing
 * avoids it; an odd field gives a bye to the lowest-ranked entrant who has had none;
 * tables are numbered from 1 and nobody plays on a table twice while that can be
 * avoided. The same inputs always give the same pairings.
 *
 * Nothing here does I/O, reads a clock or keeps state. Scratch memory is taken with
 * mem_alloc (which aborts on out-of-memory) and freed before the call returns; the
 * output goes to the caller's array.
 */
#ifndef STATE_PAIRING_H
#define STATE_PAIRING_H

#include <stddef.h>
#include <stdint.h>

#include "standings.h"

enum {
    PAIRING_OK = 0,
    PAIRING_E_INVALID = -1, /* a bad record (see standings_validate), a game of this round or later, or round 0 */
    PAIRING_E_TOO_FEW = -2, /* fewer than two entrants who are not dropped */
    PAIRING_E_SPACE = -3,   /* out_cap is smaller than (active entrants + 1) / 2 */
};

typedef struct {
    uint32_t round;              /* the round to pair: 1 is random, later rounds are Swiss */
    uint64_t seed;               /* round 1 order; later rounds do not use it */
    standings_scoring_t scoring; /* points for the Swiss order */
} pairing_params_t;

/* One pairing. a is the higher ranked (player 1); b == STANDINGS_BYE for the bye. */
typedef struct {
    uint32_t a, b;
    uint32_t table; /* 1..number of games; 0 for the bye */
} pairing_pair_t;

/* How far the round is from ideal; every count is the smallest the record allows. */
typedef struct {
    size_t n_pairs;         /* pairs written, games first by table, the bye (if any) last */
    uint32_t rematches;     /* games between entrants who met before */
    uint32_t repeat_byes;   /* 1 when the bye went to an entrant who had one (everyone had) */
    uint32_t same_club;     /* round 1: games within one club */
    uint32_t repeat_tables; /* games where an entrant had played on that table before */
} pairing_stats_t;

/*
 * Pairs round params->round from the record of earlier rounds (games: every game and
 * bye so far, all of rounds before params->round) and writes the pairs to out, games
 * in table order then the bye. Dropped entrants are left out. Returns PAIRING_OK and
 * fills *stats (may be NULL), or a PAIRING_E_* code with out untouched.
 */
int pairing_next_round(const standings_entrant_t *entrants, size_t n_entrants, const standings_game_t *games, size_t n_games,
                       const pairing_params_t *params, pairing_pair_t *out, size_t out_cap, pairing_stats_t *stats);

#endif

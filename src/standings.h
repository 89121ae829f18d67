/*
 * standings.h: the record of an event (entrants, games, byes) and its standings, as
 * pure functions.
 *
 * This module owns the plain structs that describe what happened in an event and the
 * order of its entrants: points by the event's scoring, then strength of schedule, then
 * VP difference, then VP scored (PROTOCOL.md section 11). It also writes the standings
 * as CSV. Nothing here does I/O, reads a clock or keeps state; the pairing module
 * (pairing.h) builds on the same structs.
 *
 * Entrants are referred to by their index in the caller's array; the caller maps its
 * entrant ids to indices. Every pointer passed in stays owned by the caller; nothing is
 * kept after a call returns.
 */
#ifndef STATE_STANDINGS_H
#define STATE_STANDINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define STANDINGS_MAX_ENTRANTS 1024u /* entrants of one event */
#define STANDINGS_MAX_ROUNDS 32u     /* rounds of one event */
#define STANDINGS_BYE UINT32_MAX     /* standings_game_t.b of a bye */

enum {
    STANDINGS_OK = 0,
    STANDINGS_E_INVALID = -1, /* an index, round, winner or count out of range, or an entrant twice in a round */
};

/* One entrant. Strings are NUL-terminated or NULL (NULL reads as ""). */
typedef struct {
    const char *name;
    const char *faction;
    const char *club; /* NULL or "" is no club; pairing keeps one club apart in round 1 */
    bool dropped;     /* not paired again; stays in the standings */
} standings_entrant_t;

/*
 * One game of an earlier or the current round, or a bye (b == STANDINGS_BYE, table 0:
 * a had no opponent). Only final games count in the standings; a bye always counts,
 * as a win with 0 VP for and 0 against and no opponent for strength of schedule. Every
 * game, final or not, counts as a meeting and a table used for pairing.
 */
typedef struct {
    uint32_t round; /* 1..STANDINGS_MAX_ROUNDS */
    uint32_t table; /* 1.. for a game, 0 for a bye */
    uint32_t a, b;  /* entrant indices (a != b), or b == STANDINGS_BYE */
    int winner;     /* 1: a won, 2: b won, 0: draw; read only when final */
    int64_t vp_a, vp_b;
    bool final;
} standings_game_t;

/* Points for a win, a draw and a loss (the event's scoring; 3/1/0 by default). */
typedef struct {
    int64_t win, draw, loss;
} standings_scoring_t;

/* The default scoring: 3 for a win, 1 for a draw, 0 for a loss. */
standings_scoring_t standings_scoring_default(void);

/* What an entrant had in one round, for the per-round VP columns. */
enum {
    STANDINGS_ROUND_NONE = 0, /* not paired (not entered yet, dropped, or round not played) */
    STANDINGS_ROUND_GAME,     /* a final game: round_vp is the VP scored */
    STANDINGS_ROUND_BYE,      /* a bye: round_vp is 0 */
    STANDINGS_ROUND_PENDING,  /* a game without a final result: not counted yet */
};

/* One row of the standings. */
typedef struct {
    uint32_t rank;                      /* 1..; rows equal on every tie-break share a rank (1, 2, 2, 4) */
    uint32_t entrant;                   /* index into the entrants */
    uint32_t wins, draws, losses, byes; /* wins include byes */
    int64_t points;                     /* by the scoring */
    int64_t sos;                        /* strength of schedule: sum of the points of every final opponent */
    int64_t vp_for, vp_against;
    bool dropped;
    uint8_t round_kind[STANDINGS_MAX_ROUNDS]; /* STANDINGS_ROUND_*, index 0 is round 1 */
    int64_t round_vp[STANDINGS_MAX_ROUNDS];   /* VP scored in that round */
} standings_row_t;

/*
 * Checks a record: every index in range, a != b, rounds in 1..STANDINGS_MAX_ROUNDS,
 * winner in 0..2, no entrant twice in one round, n_entrants <= STANDINGS_MAX_ENTRANTS.
 * Returns STANDINGS_OK or STANDINGS_E_INVALID.
 */
int standings_validate(size_t n_entrants, const standings_game_t *games, size_t n_games);

/*
 * Computes the standings into rows[0..n_entrants), best first: points, then strength of
 * schedule, then VP difference, then VP scored, then entrant index (so the order is
 * total and reproducible). Returns STANDINGS_OK or STANDINGS_E_INVALID (rows untouched).
 */
int standings_compute(const standings_entrant_t *entrants, size_t n_entrants, const standings_game_t *games, size_t n_games,
                      const standings_scoring_t *scoring, standings_row_t *rows);

/*
 * Compares two rows by the tie-breaks only (not the entrant index): negative when a
 * ranks above b, positive when below, 0 when they are equal on every tie-break.
 */
int standings_cmp(const standings_row_t *a, const standings_row_t *b);

/*
 * Appends the standings as CSV (RFC 4180, CRLF line ends) to out: a header line, then
 * one line per row: rank, name, faction, club, W, D, L, points, SoS, VP for, VP
 * against, then R1..R<rounds> with the VP scored that round (0 for a bye, empty when
 * the entrant had no final game). A field that a spreadsheet would read as a formula
 * (starting with = + - @ or a tab/CR) is prefixed with a single quote. rounds is capped
 * at STANDINGS_MAX_ROUNDS.
 */
void standings_csv(buf_t *out, const standings_entrant_t *entrants, const standings_row_t *rows, size_t n_rows, uint32_t rounds);

#endif

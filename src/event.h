/*
 * event.h: one tournament (PROTOCOL.md section 11) as a plain value, and its rules.
 *
 * This module owns what an event is: its entrants, its rounds (the table of each pair,
 * the game played there, the byes), the host's results, the round timer, the state
 * machine setup -> running -> ended, and the JSON of the event state. Pairing and
 * standings come from pairing.h and standings.h; this module maps entrant ids to their
 * indices (an entrant's id is its index + 1: ids are never reused or removed).
 *
 * Nothing here does I/O or reads a clock: times are parameters, and the live games are
 * read through a callback (event_live_fn) that the caller implements over its games.
 * An event_t owns its arrays and its settings text (event_free releases them).
 */
#ifndef STATE_EVENT_H
#define STATE_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "game.h"
#include "standings.h"

#define EVENT_ID_SIZE 16           /* "e-" and 8 hex digits, and the NUL */
#define EVENT_MAX_ENTRANTS 512     /* per event and per request */
#define EVENT_MAX_ROUNDS 32        /* STANDINGS_MAX_ROUNDS */
#define EVENT_ROUND_TIME_DEFAULT 9000000
#define EVENT_ROUND_TIME_MIN 60000
#define EVENT_ROUND_TIME_MAX 86400000
#define EVENT_CODE_SIZE 8

enum {
    EVENT_OK = 0,
    EVENT_E_BAD = -1,     /* bad_message: a field out of range */
    EVENT_E_STATE = -2,   /* invalid_state: not now (open results, last round played, ...) */
    EVENT_E_FULL = -3,    /* bad_message: more than EVENT_MAX_ENTRANTS */
    EVENT_E_TOO_FEW = -4, /* invalid_state: fewer than two entrants to pair */
};

typedef enum { EVENT_SETUP = 0, EVENT_RUNNING = 1, EVENT_ENDED = 2 } event_status_t;

typedef struct {
    char name[GAME_NAME_SIZE];
    char faction[GAME_NAME_SIZE];
    char club[GAME_NAME_SIZE];
    char code[EVENT_CODE_SIZE]; /* the entrant's join code ("" until one is made) */
    bool dropped;
} event_entrant_t;

/* One table of a round, or a bye (table 0, b 0). a and b are entrant ids; a is player 1. */
typedef struct {
    uint32_t round, table;
    uint32_t a, b;
    char game_id[GAME_ID_MAX + 1];
    bool by_host;          /* the host gave the result: it is final */
    int winner;            /* by the host: 1, 2, or 0 for a draw */
    bool vp_set;           /* the host corrected the VP */
    int64_t vp_a, vp_b;
} event_game_t;

/* The round timer: remaining_ms as of since_ms (monotonic) while running. */
typedef struct {
    int64_t remaining_ms;
    int64_t since_ms;
    bool running;
} event_timer_t;

typedef struct {
    char id[EVENT_ID_SIZE];
    char name[GAME_NAME_SIZE];
    event_status_t status;
    uint32_t round, rounds;
    int64_t round_time_ms;
    standings_scoring_t scoring;
    char *settings; /* JSON object text of the games' settings, owned */
    uint64_t seed;
    event_timer_t timer;
    char created_at[32];
    event_entrant_t *entrants; /* entrant id i is entrants[i - 1] */
    size_t n_entrants, cap_entrants;
    event_game_t *games; /* every round's tables and byes, in round then table order */
    size_t n_games, cap_games;
} event_t;

/* A game's result as the rules of the game see it (filled by the caller's callback). */
typedef struct {
    const game_t *g;    /* the live game, or NULL when it is gone */
    bool connected[2];  /* presence of player 1 and 2 */
} event_live_t;

/* Looks a game up: fills *out and returns true, or false when there is no such game. */
typedef bool (*event_live_fn)(void *ctx, const char *game_id, event_live_t *out);

/* The result of one table, as it counts. */
typedef struct {
    bool ended;     /* the game has ended, or the host gave a result */
    bool final;     /* it counts in the standings */
    bool disputed;
    bool by_host;
    int confirmed;  /* bit 0: player 1 confirmed, bit 1: player 2 */
    int winner;     /* 1, 2, or 0 for a draw */
    int64_t vp_a, vp_b;
} event_result_t;

/* Makes an event in setup (settings copied; NULL is "{}"). EVENT_E_BAD for a bad
 * name or number; *ev is then empty (safe to event_free). */
int event_init(event_t *ev, const char *id, const char *name, uint32_t rounds, int64_t round_time_ms,
               const standings_scoring_t *scoring, const char *settings, uint64_t seed, const char *created_at);
/* Frees what the event owns. */
void event_free(event_t *ev);

/* Checks an entrant's fields (names and factions by the games' rules, club likewise).
 * NULL if fine, else the name of the bad field ("name", "faction", "club"). */
const char *event_entrant_check(const char *name, const char *faction, const char *club);
/* One entrant to add (strings borrowed from the caller). */
typedef struct {
    const char *name, *faction, *club;
} event_entrant_in_t;
/*
 * Parses a pasted list of entrants in place: one a line, "name,faction,club" (the
 * fields after the name optional, spaces and tabs around them trimmed, CR LF or LF,
 * no quoting); a first line whose name is "name" is a header, blank lines are
 * skipped. Each entrant is checked (event_entrant_check). Fills in[] with pointers
 * into text and returns the count (0 for an empty list), or -1 with a message naming
 * the line in msg. At most cap entrants (more is -1).
 */
int event_parse_list(char *text, event_entrant_in_t *in, int cap, char *msg, size_t msgcap);
/* Adds an entrant (fields checked already); returns its id, or EVENT_E_FULL. */
int event_entrant_add(event_t *ev, const char *name, const char *faction, const char *club);
/* The entrant with this id, or NULL. */
event_entrant_t *event_entrant(event_t *ev, int64_t id);

/* The result of a table (g is its live game or NULL). */
void event_result(const event_game_t *eg, const game_t *g, event_result_t *out);
/* True when some game of the current round has no final result. */
bool event_round_open(const event_t *ev, event_live_fn live, void *ctx);

/*
 * Pairs the next round: checks the state (EVENT_E_STATE while a result is open or
 * after the last round; EVENT_E_TOO_FEW), runs pairing_next_round over the record,
 * appends the round's tables (game ids "<event id>-r<round>-t<table>") and the bye,
 * moves to the next round and running, and sets the timer to round_time_ms, stopped.
 * *first gets the index of the round's first table in ev->games.
 */
int event_pair(event_t *ev, event_live_fn live, void *ctx, size_t *first);
/* Ends the event when the last round is played and every result is final. True if it did. */
bool event_maybe_end(event_t *ev, event_live_fn live, void *ctx);
/* The table of a game id, or NULL. */
event_game_t *event_game(event_t *ev, const char *game_id);
/* Where an entrant plays in the current round: its table (NULL if none: setup, a
 * bye, dropped) and *player its player number there. */
const event_game_t *event_table_of(const event_t *ev, uint32_t entrant, int *player);

/* Timer operations at monotonic now: "start", "pause", "resume", "set" (remaining_ms
 * for set). EVENT_E_BAD for an unknown action or range, EVENT_E_STATE before round 1. */
int event_timer_op(event_t *ev, const char *action, int64_t remaining_ms, int64_t now_ms);
/* Remaining ms as of now, never negative. */
int64_t event_timer_remaining(const event_t *ev, int64_t now_ms);
/* Monotonic time the running timer reaches 0, or INT64_MAX. */
int64_t event_timer_due(const event_t *ev);
/* Stops a running timer that has reached 0 by now. True if it did. */
bool event_timer_expire(event_t *ev, int64_t now_ms);

/* The standings: rows gets n_entrants rows. STANDINGS_OK or an error. */
int event_standings(const event_t *ev, event_live_fn live, void *ctx, standings_row_t *rows);
/* The standings as CSV (see standings_csv). */
int event_standings_csv(const event_t *ev, event_live_fn live, void *ctx, buf_t *out);

/* Appends the event state object (docs/tournaments.md). host adds the join codes and
 * URLs (base_url + "/j/" + code). */
void event_render(buf_t *out, const event_t *ev, event_live_fn live, void *ctx, bool host, const char *base_url,
                  int64_t now_mono_ms, int64_t now_wall_ms);
/* Appends the standings array. */
void event_render_standings(buf_t *out, const event_t *ev, event_live_fn live, void *ctx);
/* Appends one table object (the current or an earlier round's). */
void event_render_table(buf_t *out, const event_t *ev, const event_game_t *eg, event_live_fn live, void *ctx);
/* Appends one entrant object (with code and url when base_url is not NULL). */
void event_render_entrant(buf_t *out, const event_t *ev, uint32_t id, const char *base_url);
/* Appends the section 6 `event` block of a game of this event. */
void event_render_block(buf_t *out, const event_t *ev, const event_game_t *eg, int64_t now_mono_ms);
/* Appends the list entry of GET /api/events. */
void event_render_summary(buf_t *out, const event_t *ev);

/* "setup", "running", "ended"; and back (-1 if unknown). */
const char *event_status_name(event_status_t s);
int event_status_parse(const char *s);

#endif

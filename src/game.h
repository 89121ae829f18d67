/*
 * game.h: the rules of a two-player tabletop game with chess clocks, as pure functions.
 *
 * Nothing here does I/O or reads a clock: a game is a small value (game_t), a change is
 * a value (game_action_t), and game_apply() turns the old state plus an action plus the
 * current monotonic time into a new state or an error code.
 *
 * Ownership. The settings and the private notes, up to ~29 KB when every limit is
 * reached but a few dozen bytes in practice, live out of line in one immutable,
 * reference-counted block (game_text_t) that states share: copying a game copies under
 * a kilobyte and bumps a count, and only a change to settings or notes builds a new
 * block. Every game_t holds one reference to its block:
 *   - game_init() takes a reference to a shared static block (nothing to free);
 *   - game_apply(), game_tick() and game_set_text() give *out a reference of its own;
 *   - game_copy() copies a game with a new reference; a plain struct copy moves it (the
 *     source must then be forgotten, not released);
 *   - game_release() drops the reference. Releasing the last one frees the block.
 * A game that never went through game_set_text() or a settings/notes change holds only
 * the static block, so forgetting to release it leaks nothing. Reference counts are
 * not atomic: one thread owns all games (the server's event loop).
 * The caller (the store and the WebSocket/REST edges) owns every game_t it passes in.
 *
 * Wire contract: PROTOCOL.md sections 5 and 6. Decisions taken where it is silent are
 * written next to the declaration they concern; the status transition table is here:
 *
 *   action            setup        active       paused       ended
 *   ----------------  -----------  -----------  -----------  -----------
 *   game_setup        host, plyr   host         host         host
 *     first_player    yes          invalid      invalid      invalid
 *   score_update      yes          yes          yes          invalid
 *   timer_update set  yes          yes          yes          invalid
 *   timer start       invalid      yes          invalid      invalid
 *   timer stop        (needs a running clock: only possible while active)
 *   turn_change       invalid      yes          yes (no clock starts)  invalid
 *   game_start        -> active    invalid      invalid      invalid
 *   game_pause        invalid      -> paused    invalid      invalid
 *   game_resume       invalid      invalid      -> active    invalid
 *   game_end          -> ended     -> ended     -> ended     invalid
 *   settings_update   yes          yes          yes          yes
 *   undo              yes (restores the status of the state before the change)
 *   game_state (full) yes (replaces everything but game_id; any status allowed)
 *   clock_tick        invalid      yes (a running clock must have run out)  invalid
 *   judge_call        yes          yes (-> paused while judge_pauses)  yes  yes
 *   judge_done        (host; needs an open call; resumes a game the call paused)
 *   result_confirm    invalid      invalid      invalid      yes
 *
 * "invalid" means GAME_E_INVALID_STATE. A turn_change that ends the last round moves
 * active/paused -> ended.
 *
 * Order of checks in game_apply(): expected_version (conflict); the action type
 * (bad_message); the actor (an unknown actor, the server for anything but clock_tick, or
 * anyone but the server for clock_tick: forbidden); the fields' shape (bad_message); the
 * role (forbidden); the status (invalid_state); last, results that depend on the state,
 * e.g. a delta that would take a score out of range (bad_message).
 *
 * Every accepted action is a change: version goes up by exactly 1 even if no other field
 * changed (e.g. setting a score to the value it already has), so every ack has its own
 * version and log entry.
 *
 * Decisions where PROTOCOL.md is silent:
 * - A player's game_setup outside setup, a player's turn_change when it is not its turn and
 *   a player's game_end naming anything but the opponent are forbidden (role rules), not
 *   invalid_state. The host gives a name/faction with `name`/`faction` plus player_number.
 * - cp_per_turn is also gained at game_start (the first turn is a turn). CP is capped at 99.
 * - The turn_change that ends the last round ends the game by score; round and
 *   current_turn keep the values of the turn just played and nobody gains CP.
 * - turn_change and game_resume start the clock of the player on turn, unless it is flagged
 *   at 0 (the game goes on; only timer_update set gives time back). timer_update start
 *   stops the other clock (at most one clock runs) but does not change the turn.
 * - timer_update start of a running clock, or stop of a stopped one, is invalid_state.
 * - A score delta that would leave 0..999 (cp 0..99) is refused (bad_message on the
 *   delta field), not clamped: spending a CP you do not have is a mistake to report.
 * - settings_update: a null value removes a key; for clock_ms/rounds/cp_per_turn it
 *   restores the default. clock_ms changed in setup resets both clocks to it; afterwards
 *   clocks are left alone. rounds lowered below the current round ends the game at the
 *   next end of a round.
 * - undo restores the before-state whole (score, status, turn, settings, clocks) but
 *   charges real time to the clocks that were running in it; a clock that runs out on the
 *   way is flagged, so undoing a flag does not give time back.
 * - game_state (replace) takes the given times as "as of now" and recomputes since_ms.
 * - Per-round scores, caps, judge calls and results: see game_score.c and game_judge.c.
 *   In short: a score change past a cap is bad_message naming the cap; a second
 *   judge_call while one is open is invalid_state; the host finalises a result with
 *   result_confirm agree:true (optionally correcting winner); rounds may not be lowered
 *   under a round holding a score (bad_message on "rounds").
 */
#ifndef GAME_H
#define GAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Limits (PROTOCOL.md section 8 and the brief). Sizes named *_SIZE include the NUL. */
#define GAME_ID_MAX 40               /* game_id: 1..40 bytes of [A-Za-z0-9._-] (it appears in URLs) */
#define GAME_NAME_CHARS 40           /* names and factions: at most 40 characters (code points) ... */
#define GAME_NAME_SIZE 161           /* ... of UTF-8, so at most 160 bytes */
#define GAME_PRIVATE_MAX 1024        /* private notes: JSON object text, at most 1 KiB */
#define GAME_SETTINGS_MAX 32         /* settings entries per game */
#define GAME_KEY_MAX 40              /* setting key: 1..40 bytes of [A-Za-z0-9._-] */
#define GAME_VALUE_CHARS 200         /* setting value: at most 200 characters (an escape counts as one) ... */
#define GAME_VALUE_MAX 800           /* ... and at most 800 bytes of JSON text, quotes included */
#define GAME_SCORE_MAX 999           /* primary and secondary: 0..999 each */
#define GAME_CP_MAX 99               /* command points: 0..99; the per-turn gain is capped here */
#define GAME_TIME_MAX 864000000000LL /* cap on used_ms and game_time (10000 days): keeps sums far from overflow */

/* Known settings, validated and read by the rules; all must be JSON integers. */
#define GAME_CLOCK_MS_DEFAULT 5400000 /* clock_ms: 90 minutes per player ... */
#define GAME_CLOCK_MS_MIN 60000       /* ... at least 1 minute ... */
#define GAME_CLOCK_MS_MAX 86400000    /* ... at most 24 hours; also the cap of timer_update set */
#define GAME_ROUNDS_DEFAULT 5         /* rounds: 1..99 */
#define GAME_ROUNDS_MIN 1
#define GAME_ROUNDS_MAX 99
#define GAME_CP_PER_TURN_DEFAULT 0 /* cp_per_turn: 0..10 CP for both players at each turn start */
#define GAME_CP_PER_TURN_MAX 10
/* Optional caps (0..GAME_SCORE_MAX; 0 or absent: no cap): primary_round_cap, primary_cap,
 * secondary_round_cap, secondary_cap. judge_pauses: a boolean, true when absent. */
#define GAME_REASON_CHARS 200 /* judge_call's reason: at most 200 characters ... */
#define GAME_REASON_SIZE 801  /* ... of UTF-8, so at most 800 bytes */

/* Return codes of game_apply() and friends; game_err_name() gives the protocol code. */
enum {
    GAME_OK = 0,
    GAME_E_BAD = -1,           /* bad_message: a field is missing, of the wrong kind or out of range */
    GAME_E_FORBIDDEN = -2,     /* forbidden: the actor's role may not do this */
    GAME_E_INVALID_STATE = -3, /* invalid_state: not in the game's current status/situation */
    GAME_E_CONFLICT = -4,      /* conflict: expected_version differs from the game's version */
};

/** Game status as in PROTOCOL.md section 6. */
typedef enum { GAME_SETUP = 0, GAME_ACTIVE = 1, GAME_PAUSED = 2, GAME_ENDED = 3 } game_status_t;

/** Who is acting. 0 is deliberately not an actor, so a zeroed action is refused (forbidden). */
typedef enum {
    GAME_ACTOR_NONE = 0,
    GAME_ACTOR_P1 = 1,     /* a player token for player 1 (the value equals the player number) */
    GAME_ACTOR_P2 = 2,     /* a player token for player 2 */
    GAME_ACTOR_HOST = 3,   /* the host: may do everything except server-only actions */
    GAME_ACTOR_SERVER = 4, /* the server itself: only clock_tick */
} game_actor_t;

/** Type of a setting value. Stored values are never GAME_V_NULL; in an update, null removes the key. */
typedef enum { GAME_V_NONE = 0, GAME_V_STRING = 1, GAME_V_NUMBER = 2, GAME_V_BOOL = 3, GAME_V_NULL = 4 } game_vtype_t;

/** A byte slice, like h2o_iovec_t: base == NULL means "absent"; len 0 with a base is the empty string. */
typedef struct {
    const char *base;
    size_t len;
} game_str_t;

/**
 * One chess clock. While running, remaining_ms/used_ms are the values as of since_ms and
 * the clock has been counting down since then; read them through game_clock_remaining()
 * and game_clock_used(). Invariants (game_check): flagged implies remaining 0 and not
 * running; a stopped clock at 0 is flagged; a running clock may sit at 0 only until the
 * next game_tick()/game_apply() flags it (game_settle() can leave it so).
 */
typedef struct {
    int64_t remaining_ms;
    int64_t used_ms;
    int64_t since_ms; /* monotonic ms; meaningful only while running */
    bool running;
    bool flagged;
} game_clock_t;

/** Active-time counter (game_time): ms as of since_ms, counting while running (i.e. while active). */
typedef struct {
    int64_t ms;
    int64_t since_ms;
    bool running;
} game_span_t;

/** One round's cells of one player (wire: players[].rounds[]); 0..GAME_SCORE_MAX each. */
typedef struct {
    int16_t primary;
    int16_t secondary;
} game_round_t;

/**
 * One player. players[0] is player 1. score = primary + secondary (game_score()).
 * primary and secondary are the totals, kept equal to the sums of the round cells
 * (game_check() holds it), so readers of a total need not add.
 */
typedef struct {
    char name[GAME_NAME_SIZE];    /* UTF-8, no control characters, may be empty */
    char faction[GAME_NAME_SIZE]; /* same rules as name */
    int primary;                  /* 0..GAME_SCORE_MAX: sum of rounds[].primary */
    int secondary;                /* 0..GAME_SCORE_MAX: sum of rounds[].secondary */
    game_round_t rounds[GAME_ROUNDS_MAX]; /* rounds[r - 1]: round r; cells past settings.rounds stay 0 unless
                                             rounds was lowered after they were scored */
    int cp;                       /* 0..GAME_CP_MAX */
    const char *private_json;     /* JSON object text, "{}" by default, in the game's text block; read-only */
    game_clock_t clock;
} game_player_t;

/**
 * One setting, in the game's text block (read-only). value is the JSON text of the
 * value, ready to be written verbatim: a string keeps its quotes and escapes, a number
 * is a JSON number, a boolean is true/false. Both strings are NUL-terminated. Keys
 * starting with "host." are host-only; the sanitizer elsewhere hides them.
 */
typedef struct {
    const char *key;
    const char *value;
    game_vtype_t type;
} game_setting_t;

/**
 * An open judge call (wire: state.judge, null when called_by is GAME_ACTOR_NONE).
 * at_ms is wall-clock ms since the epoch, given by the edge with the action (the rules
 * read no clock), so it means the same after a restart and on a follower.
 */
typedef struct {
    game_actor_t called_by;             /* GAME_ACTOR_NONE: no call open; P1, P2 or HOST */
    bool paused;                        /* the call paused an active game: judge_done resumes it */
    int64_t at_ms;                      /* wall clock of the call */
    char reason[GAME_REASON_SIZE];      /* UTF-8, no control characters, may be empty */
} game_judge_t;

/**
 * The word of the players on an ended game's result (wire: state.result, null unless
 * ended; its winner is the game's winner/draw, see game_result_winner()). Reset when a
 * game ends; final once both players agreed or the host confirmed.
 */
typedef struct {
    uint8_t confirmed; /* bit (n - 1) set: player n agreed (GAME_RESULT_P1, GAME_RESULT_P2) */
    bool disputed;     /* a player said no: a judge call opened; only the host finalises now */
    bool final;        /* both agreed, or the host confirmed: the result counts */
} game_result_t;

#define GAME_RESULT_P1 1u
#define GAME_RESULT_P2 2u

/** The out-of-line, shared, immutable block holding a game's settings and private notes. */
typedef struct game_text game_text_t;

/**
 * A whole game: a small value whose settings and notes sit in a shared block (see
 * "Ownership" above). game_init() zero-fills it first and the rules copy whole structs,
 * so two states that share their block and are otherwise equal compare equal with
 * memcmp; game_settings_equal() compares the settings by content.
 */
typedef struct {
    char id[GAME_ID_MAX + 1];
    int64_t version; /* 1 when created; +1 per accepted change, never goes back (not even on undo) */
    game_status_t status;
    int round;        /* 0 in setup, then 1..GAME_ROUNDS_MAX */
    int current_turn; /* 0 in setup, then 1 or 2 */
    int first_player; /* 0 = not chosen yet (game_start then uses 1), 1 or 2; always 1 or 2 once started */
    int attacker;     /* 0 = unset, 1 or 2 */
    int winner;       /* 1 or 2 when ended with a winner, else 0 */
    bool draw;        /* true when ended as a draw; the wire's winner:null when ended */
    game_player_t players[2];
    game_span_t game_time;
    game_judge_t judge;   /* an open judge call, if called_by is set */
    game_result_t result; /* meaningful while ended */
    size_t nsettings;
    const game_setting_t *settings; /* nsettings of them, in insertion order; unique keys; in text */
    game_text_t *text;              /* owns settings and the players' private_json */
} game_t;

/** Action types; the protocol message type names are given by game_type_name(). */
typedef enum {
    GAME_A_NONE = 0,
    GAME_A_STATE,      /* "game_state" with a full state, host only: create or replace */
    GAME_A_SETUP,      /* "game_setup" */
    GAME_A_SCORE,      /* "score_update" */
    GAME_A_TIMER,      /* "timer_update" */
    GAME_A_TURN,       /* "turn_change" */
    GAME_A_START,      /* "game_start" */
    GAME_A_PAUSE,      /* "game_pause" */
    GAME_A_RESUME,     /* "game_resume" */
    GAME_A_END,        /* "game_end" */
    GAME_A_SETTINGS,   /* "settings_update" */
    GAME_A_UNDO,       /* "undo" */
    GAME_A_CLOCK_TICK, /* "clock_tick": server only, flags clocks that ran out; never parsed from clients */
    GAME_A_JUDGE_CALL, /* "judge_call" */
    GAME_A_JUDGE_DONE, /* "judge_done": host only */
    GAME_A_RESULT,     /* "result_confirm" */
    GAME_A_COUNT_
} game_action_type_t;

/** timer_update's action. */
typedef enum { GAME_TIMER_NONE = 0, GAME_TIMER_START, GAME_TIMER_STOP, GAME_TIMER_SET } game_timer_op_t;

/** game_end's winner: absent means "decide by score"; the wire's null means a draw. */
enum { GAME_WINNER_BY_SCORE = 0, GAME_WINNER_DRAW = 3 };

/** An optional integer field of a message. */
typedef struct {
    bool set;
    int64_t v;
} game_opt_t;

/** One key/value of a settings_update; value is the JSON text of the value (unused for GAME_V_NULL). */
typedef struct {
    game_str_t key;
    game_str_t value;
    game_vtype_t type;
} game_setting_in_t;

/**
 * A change requested by someone: a tagged struct. Start from game_action_init(), then fill
 * the member named after the type. Strings are borrowed slices; the caller keeps them
 * (and the pointed-to game_t of undo/state) alive during game_apply() only.
 */
typedef struct {
    game_action_type_t type;
    game_actor_t actor;
    game_opt_t expected_version; /* checked before anything else */
    union {
        struct game_setup_args {
            game_str_t player1_name, player2_name;
            game_str_t name, faction; /* the acting player's own; for the host, of .player */
            int player;               /* 0 = absent (a player defaults to itself), 1 or 2 (wire: player_number, an extension) */
            int attacker;             /* 0 = absent, 1 or 2 (host only) */
            int first_player;         /* 0 = absent, 1 or 2 (host only, setup only) */
        } setup;
        struct game_score_args {
            int player;                                            /* wire: player_number; required */
            game_opt_t primary, primary_delta, score, score_delta; /* at most one of these four */
            game_opt_t secondary, secondary_delta;                 /* at most one of these two */
            game_opt_t cp, cp_delta;                               /* at most one of these two */
            game_opt_t round;                                      /* 1..settings.rounds; absent: the current round */
            game_str_t private_json;                               /* JSON object text, the edge checked it is an object */
        } score;
        struct game_timer_args {
            int player; /* wire: player_number; required */
            game_timer_op_t op;
            game_opt_t time_remaining; /* required for GAME_TIMER_SET, 0..GAME_CLOCK_MS_MAX */
        } timer;
        struct game_turn_args {
            int current_turn; /* 0 = absent; host only; must name the player not on turn */
        } turn;
        struct game_end_args {
            int winner; /* GAME_WINNER_BY_SCORE, 1, 2 or GAME_WINNER_DRAW */
        } end;
        struct game_settings_args {
            size_t n; /* 1..GAME_SETTINGS_MAX; a later duplicate key wins */
            game_setting_in_t items[GAME_SETTINGS_MAX];
        } settings;
        struct game_undo_args {
            const game_t *before; /* the log's state from just before the newest standing change; NULL: nothing to undo */
            int64_t at_ms;        /* monotonic time of that change, for the record: the before-state's since_ms already
                                     places its running clocks in time. For a change logged before a restart, run
                                     game_recover() on a copy of the before-state first: old monotonic times mean nothing */
            game_actor_t by;      /* who made that change */
        } undo;
        struct game_judge_args {
            game_str_t reason; /* optional, at most GAME_REASON_CHARS characters */
            int64_t at_ms;     /* wall-clock ms of the call, set by the edge (not a client field) */
        } judge;
        struct game_result_args {
            int agree;     /* 0 = absent (bad_message), 1 = true, 2 = false */
            int winner;    /* host only: GAME_WINNER_BY_SCORE (absent: keep), 1, 2 or GAME_WINNER_DRAW */
            int64_t at_ms; /* wall-clock ms, set by the edge: the time of the judge call a dispute opens */
        } result;
        struct game_state_args {
            const game_t *state; /* the full new state; its version, since_ms and game_time.running are ignored */
        } state;
    };
} game_action_t;

/**
 * Copies src into dst (raw storage: whatever dst held is not released) and takes a new
 * reference to src's text block.
 */
void game_copy(game_t *dst, const game_t *src);

/** Drops g's reference to its text block (freeing the block with the last one). Idempotent. */
void game_release(game_t *g);

/**
 * Replaces g's settings (n items, none GAME_V_NULL; copied in the given order) and both
 * private notes (copied; a slice with base NULL means "{}") with a new text block, and
 * releases the old one. No validation beyond n <= GAME_SETTINGS_MAX (else GAME_E_BAD
 * and g is unchanged): game_check() judges the result. For the store and the JSON reader.
 */
int game_set_text(game_t *g, const game_setting_in_t *items, size_t n, game_str_t private1, game_str_t private2);

/** True when a and b have the same settings, in the same order, by content. */
bool game_settings_equal(const game_t *a, const game_t *b);

/**
 * Makes a fresh game in setup: version 1 (as if created by game_state), round 0, no turn,
 * first_player and attacker unset, empty names, "{}" private notes, both clocks at
 * clock_ms, and the three known settings at their defaults. Returns GAME_E_BAD if id is
 * not 1..GAME_ID_MAX bytes of [A-Za-z0-9._-] (then *g is zeroed).
 */
int game_init(game_t *g, const char *id);

/** Zeroes *a and sets its type and actor; fill the type's member afterwards. */
void game_action_init(game_action_t *a, game_action_type_t type, game_actor_t actor);

/**
 * Applies one action at monotonic time now_ms. On GAME_OK, *out is the new state with
 * version = in->version + 1 and its own reference to a text block (out is raw storage: a
 * game it held is not released, except when out == in, whose old reference is then
 * dropped). On error, returns a negative GAME_E_* and leaves *out untouched;
 * for GAME_E_BAD, *bad_field (if bad_field is not NULL) names the offending wire field as
 * a static string ("primary_delta", "players[1].name", a known setting's key such as
 * "clock_ms", or "settings" for any other settings item); it is NULL otherwise.
 *
 * in may be NULL only for GAME_A_STATE, which then creates the game with version 1 (a
 * missing game has version 0 for expected_version). out may equal in. Clocks that ran out
 * before now_ms are flagged as part of any accepted change.
 */
int game_apply(const game_t *in, const game_action_t *a, int64_t now_ms, game_t *out, const char **bad_field);

/**
 * game_apply() with one copy of the game instead of two, for a caller that keeps the
 * states apart: out must not be in, and on an error *out may have been written (it
 * then holds no reference; treat it as raw storage). Same results otherwise.
 */
int game_apply_into(const game_t *in, const game_action_t *a, int64_t now_ms, game_t *out, const char **bad_field);

/**
 * The server's clock event: flags every running clock that has run out by now_ms (stops
 * it at 0) as an accepted change (version + 1) to broadcast. GAME_E_INVALID_STATE if no
 * clock has run out. Same as game_apply() with a GAME_A_CLOCK_TICK action by the server.
 */
int game_tick(const game_t *in, int64_t now_ms, game_t *out);

/** Monotonic ms at which a running clock reaches zero (when to call game_tick()), or INT64_MAX. */
int64_t game_next_event_ms(const game_t *g);

/**
 * Rewrites running clocks and game_time so their stored values are exact as of now_ms
 * (since_ms = now_ms), for checkpointing. Observable values do not change, nor does the
 * version; a clock that ran out stays running at 0 until game_tick() flags it.
 */
void game_settle(game_t *g, int64_t now_ms);

/**
 * After a restart (monotonic time from the last boot is meaningless): an active game
 * becomes paused with every clock and game_time stopped at their stored values, so no
 * downtime is charged; game_resume restarts the clock of the player on turn. The version is
 * not changed (the caller may log it). Returns true if *g changed.
 */
bool game_recover(game_t *g);

/**
 * Validates every field and invariant of a state (what game_state replacement accepts,
 * and what the store may check after loading). GAME_OK or GAME_E_BAD with *bad_field.
 */
int game_check(const game_t *g, const char **bad_field);

/** Remaining time of player (1 or 2) as of now_ms, never negative; 0 for a bad player. */
int64_t game_clock_remaining(const game_t *g, int player, int64_t now_ms);

/** Time used by player (1 or 2) as of now_ms; stops growing when the clock reaches 0. */
int64_t game_clock_used(const game_t *g, int player, int64_t now_ms);

/** Active game time as of now_ms. */
int64_t game_time_ms(const game_t *g, int64_t now_ms);

/** The result's winner: 1 or 2, GAME_WINNER_DRAW, or GAME_WINNER_BY_SCORE (0) when not ended. */
int game_result_winner(const game_t *g);

/** True when g is ended and its result is final (an event counts only such a game). */
bool game_result_final(const game_t *g);

/** True when judge_pauses is on (absent or true). */
bool game_judge_pauses(const game_t *g);

/**
 * The round a change belongs to, for the action log: a score_update's cell round (its
 * `round`, or the default it takes in game g, the state before it); any other change,
 * g's round (0 in setup).
 */
int game_action_round(const game_t *g, const game_action_t *a);

/** primary + secondary of player (1 or 2); 0 for a bad player. */
int game_score(const game_t *g, int player);

/** The setting with this key, or NULL. */
const game_setting_t *game_setting_find(const game_t *g, const char *key);

/** Effective clock_ms (the setting, or its default when absent). */
int64_t game_clock_ms(const game_t *g);

/** Effective number of rounds. */
int game_rounds(const game_t *g);

/** Effective CP gained by both players at the start of every turn. */
int game_cp_per_turn(const game_t *g);

/** "setup", "active", "paused", "ended"; NULL for an unknown value. */
const char *game_status_name(game_status_t s);

/** Parses a status name (len bytes, no NUL needed); -1 if unknown. */
int game_status_parse(const char *s, size_t len);

/** Protocol message type of an action type ("score_update", ...); NULL for an unknown value. */
const char *game_type_name(game_action_type_t t);

/**
 * Parses a protocol message type that maps to a change; -1 otherwise. "clock_tick" is
 * server-only and is not parsed, so a client sending it gets unknown_type. "game_state"
 * parses to GAME_A_STATE; whether it is a read (no data) or a replace is the caller's call.
 */
int game_type_parse(const char *s, size_t len);

/** "start", "stop", "set"; NULL for an unknown value. */
const char *game_timer_op_name(game_timer_op_t op);

/** Parses timer_update's action; GAME_TIMER_NONE if unknown. */
game_timer_op_t game_timer_op_parse(const char *s, size_t len);

/** "host", "player1", "player2", "server" (for the action log); NULL for an unknown value. */
const char *game_actor_name(game_actor_t actor);

/** Protocol error code of a GAME_E_* ("bad_message", ...); "ok" for GAME_OK, "internal" otherwise. */
const char *game_err_name(int err);

#endif

/*
 * game_impl.h: the inside of the rules, shared by the parts of module game:
 * game.c (clocks, apply and the plain handlers), game_text.c (the text block,
 * text and settings checks, settings_update), game_names.c (protocol words),
 * game_score.c (score_update with per-round cells and caps), game_judge.c
 * (judge_call, judge_done, result_confirm) and game_check.c (game_check()).
 * Nothing outside module game includes this.
 */
#ifndef STATE_GAME_IMPL_H
#define STATE_GAME_IMPL_H

#include "game.h"

/* A known setting: an integer within [min, max], or a boolean (type GAME_V_BOOL, def 0/1). */
struct known_setting {
    const char *key;
    int64_t min, max, def;
    const char *def_text; /* def as JSON */
    game_vtype_t type;
};

/* Indexes of the known settings (game_known_int()). */
enum {
    GAME_K_CLOCK_MS = 0,
    GAME_K_ROUNDS,
    GAME_K_CP_PER_TURN,
    GAME_K_PRIMARY_ROUND_CAP, /* each *_ROUND_CAP is followed by its total cap (game_score.c relies on it) */
    GAME_K_PRIMARY_CAP,
    GAME_K_SECONDARY_ROUND_CAP,
    GAME_K_SECONDARY_CAP,
    GAME_K_JUDGE_PAUSES,
};

/*
 * The shared, immutable block of settings and private notes. refs counts the game_t
 * values holding it; a block built inside game_apply() has 0 until the result is
 * handed out. The static default block is never counted nor freed.
 */
struct game_text {
    unsigned refs;
    bool immortal;
    size_t nsettings;
    game_setting_t *settings;
    const char *private_json[2];
};

/* A block's contents while a new one is assembled: slices of existing strings or of the input. */
typedef struct {
    size_t n;
    game_setting_in_t items[GAME_SETTINGS_MAX];
    game_str_t private_json[2];
} game_text_in_t;

/* A handler: checks and edits the scratch state w (already charged up to now); GAME_OK or GAME_E_*. */
typedef int (*game_handler_t)(const game_t *in, game_t *w, const game_action_t *a, int64_t now, const char **bf);

/* Sets *bf = field and returns GAME_E_BAD. */
int game_bad(const char **bf, const char *field);
/* UTF-8 text without control characters, at most max_chars code points and size - 1 bytes. */
bool game_valid_text(const char *s, size_t len, size_t max_chars, size_t size);
/* Names and factions (game_valid_text with the name limits). */
bool game_valid_name(const char *s, size_t len);
/* Game ids and setting keys: 1..max bytes of [A-Za-z0-9._-]. */
bool game_valid_token(const char *s, size_t len, size_t max);
/* Private notes: size, UTF-8, a {...} outline. */
bool game_valid_private(const char *s, size_t len);
/* Copies a slice into a fixed buffer, zero-filling the rest. */
void game_set_buf(char *dst, size_t size, game_str_t s);
/* The buffer holds a NUL-terminated string. */
bool game_terminated(const char *buf, size_t size);
/* s[0..len) equals the literal. */
bool game_slice_is(const char *s, size_t len, const char *lit);
/* A NUL-terminated string as a slice. */
game_str_t game_cstr(const char *s);

/* The known setting with this key, or NULL. */
const struct known_setting *game_find_known(const char *key, size_t len);
/* A setting value of this type, in range for a known key. */
bool game_valid_value(const struct known_setting *k, game_vtype_t type, const char *v, size_t len);
/* Index of g's setting with this key, or -1. */
int game_find_setting(const game_t *g, const char *key, size_t len);
/* Effective value of known setting GAME_K_* (its default when absent or malformed; booleans 0/1). */
int64_t game_known_int(const game_t *g, int k);

/* The current contents of g's block, to edit and build anew. */
void game_text_in_from(const game_t *g, game_text_in_t *t);
/* A new block (refs 0) from t; aborts on out of memory. */
game_text_t *game_text_build(const game_text_in_t *t);
/* Points g at block x, taking no reference. */
void game_text_use(game_t *g, game_text_t *x);
/* Points g at the static block of a new game (defaults, "{}" notes). */
void game_text_use_default(game_t *g);
/* One more reference to x (none for the static block). */
void game_text_retain(game_text_t *x);
/* Drops a reference to x, freeing it with the last (a block nobody holds yet is freed at once). */
void game_text_drop(game_text_t *x);

/* 1 or 2 for a player actor, else 0. */
int game_actor_player(game_actor_t a);
/* Player n (1 or 2) of g. */
game_player_t *game_pl(game_t *g, int n);
/* Starts a clock unless it is at 0. */
void game_clock_start(game_clock_t *c, int64_t now);
/* A stopped clock at ms, nothing used. */
void game_clock_reset(game_clock_t *c, int64_t ms);
/* Stops both clocks and game time (charged up to now already). */
void game_stop_all(game_t *g);
/* Ends the game: GAME_WINNER_BY_SCORE, 1, 2 or GAME_WINNER_DRAW; the result starts unconfirmed. */
void game_end_now(game_t *g, int winner);
/* active -> paused, clocks stopped. */
void game_pause_now(game_t *g);
/* paused -> active, the clock of the player on turn running from now. */
void game_resume_now(game_t *g, int64_t now);

/* The handlers of the part files. */
int game_do_settings(const game_t *in, game_t *w, const game_action_t *a, int64_t now, const char **bf);
int game_do_score(const game_t *in, game_t *w, const game_action_t *a, int64_t now, const char **bf);
int game_do_judge_call(const game_t *in, game_t *w, const game_action_t *a, int64_t now, const char **bf);
int game_do_judge_done(const game_t *in, game_t *w, const game_action_t *a, int64_t now, const char **bf);
int game_do_result(const game_t *in, game_t *w, const game_action_t *a, int64_t now, const char **bf);

#endif

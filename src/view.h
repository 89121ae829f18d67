/* Game state as JSON (PROTOCOL.md section 6), both ways.
 *
 * view_render writes the state as one role may see it: a player sees only its own
 * private notes, an observer none, and settings whose key starts with "host." are
 * for the host alone. The same writer with VIEW_FULL produces the complete form the
 * store keeps for undo. view_parse reads that form back, and reads the host's full
 * game_state messages, checking types and ranges and naming the bad field. */
#ifndef STATE_VIEW_H
#define STATE_VIEW_H

#include <stdbool.h>
#include <stdint.h>

#include "buf.h"
#include "game.h"
#include "json.h"

typedef enum { VIEW_HOST = 0, VIEW_P1, VIEW_P2, VIEW_OBSERVER, VIEW_FULL } view_t;

/* JSON tokens a full state can need, from the limits: each player's private notes
 * (at most GAME_PRIVATE_MAX bytes, so at most about one value per two bytes), the
 * settings (a key and a value each), the per-round cells (an object of three keys
 * and values: 7 tokens a round, both players) and the fixed fields (generously). Token arrays that read states are sized from this. */
#define VIEW_MAX_TOKENS (2 * (GAME_PRIVATE_MAX / 2 + 2) + 2 * GAME_SETTINGS_MAX + 2 * (7 * GAME_ROUNDS_MAX + 1) + 256)

/* Facts about a game that are not part of the rules' state. */
typedef struct {
    const char *created_at; /* ISO 8601 */
    const char *updated_at;
    bool connected[2];      /* presence of player 1 and 2 */
    int64_t now_mono_ms;    /* clocks are reported as of this moment */
    int64_t server_time_ms; /* wall clock of the same moment */
    const char *event_block; /* JSON object of the game's `event` (section 11), or NULL */
} view_meta_t;

/* Appends the state object for view v. */
void view_render(buf_t *out, const game_t *g, view_t v, const view_meta_t *meta);
/* Reads a state object at token obj into *out (fresh defaults for anything
 * absent). Running clocks are taken as running since since_ms. 0, or GAME_E_BAD
 * with *bad_field naming the field. game_id comes from id when given (it wins over
 * the object's). *out must hold a game or be zeroed: its reference is released
 * first (so a reused static or scratch game leaks nothing). On success *out holds a
 * reference of its own (game_release); on failure it holds none. */
int view_parse(const json_doc_t *d, int obj, const char *id, int64_t since_ms, game_t *out, const char **bad_field);
/* Appends the game-list entry of GET /api/games. */
void view_summary(buf_t *out, const game_t *g, const char *updated_at);

#endif

/* The action log of a game as a client may read it (GET /api/games/{id}/history):
 * JSON entries or CSV rows, with what only the host may see (private notes never
 * reach the log; `host.` settings) left out for everyone else. */
#ifndef STATE_HISTORY_H
#define STATE_HISTORY_H

#include <stdbool.h>

#include "buf.h"
#include "store.h"

/* Appends the log of game_id to out: {"game_id","entries":[...]} or CSV with a
 * header row. host shows `host.` settings. 0, or -1 when the store failed. */
int history_render(store_t *s, const char *game_id, bool host, bool csv, buf_t *out);

#endif

/* The live events of the box (PROTOCOL.md section 11, docs/tournaments.md).
 *
 * This module owns every event in memory (loaded at start-up, the truth between
 * commits, like core's games), the operations the REST API asks for, their writes
 * (inside core's group transaction, through core_write_begin/end, committed with
 * core_flush before the caller answers), the games of a round (created through
 * the ordinary change path), the round timer (expiry broadcasts every game of the
 * round), who an entrant's token is right now, and when an event's state is due to
 * be sent (coalesced: at most one event_state per event every 250 ms).
 * The rules are event's (pure); messages are proto's, reached through tourney_sink_t. */
#ifndef STATE_TOURNEY_H
#define STATE_TOURNEY_H

#include <stdbool.h>
#include <stdint.h>

#include "app.h"
#include "buf.h"
#include "event.h"

#define TOURNEY_E_BAD (-1)       /* bad_message */
#define TOURNEY_E_STATE (-2)     /* invalid_state */
#define TOURNEY_E_NOT_FOUND (-3) /* no such event, entrant or table */
#define TOURNEY_E_IO (-4)        /* the store failed; nothing changed */

#define TOURNEY_PUSH_MS 250 /* the shortest gap between two event_state of one event */

typedef struct tourney tourney_t;

/* What the upper layer (proto) does for the events. ctx is the app_t. */
typedef struct {
    /* Send the event's state to its subscribers now. */
    void (*changed)(void *ctx, const char *event_id);
    /* A round was paired: every connection of the event's entrants takes its new
     * role (tourney_bind) and gets connect and event_state. */
    void (*rebind)(void *ctx, const char *event_id);
    /* The event was deleted: close its entrants' and observers' connections. */
    void (*gone)(void *ctx, const char *event_id);
} tourney_sink_t;

/* Makes the registry; app->core, app->store and app->loop must be set. */
tourney_t *tourney_new(app_t *app, const tourney_sink_t *sink);
/* Loads every event from the store. 0, or -1 with a message in err. */
int tourney_load(tourney_t *t, char *err, size_t errlen);
/* Frees the events and stops the timers. */
void tourney_free(tourney_t *t);

/* The event with this id, or NULL. */
event_t *tourney_event(tourney_t *t, const char *event_id);
/* The event and table of a game, or NULL. */
event_t *tourney_event_of_game(tourney_t *t, const char *game_id, event_game_t **eg);
/* Appends a JSON array of every event's summary, newest first. */
void tourney_list(tourney_t *t, buf_t *out);
/* The game lookup that event_render and friends take; ctx is the tourney_t. */
bool tourney_live(void *ctx, const char *game_id, event_live_t *out);

/* Creates an event in setup (settings: JSON object text of game settings, or NULL;
 * it is checked like a game's). *ev gets it. msg names a bad field. */
int tourney_create(tourney_t *t, const char *name, uint32_t rounds, int64_t round_time_ms, const standings_scoring_t *scoring,
                   const char *settings, event_t **ev, char *msg, size_t cap);
/* Adds n entrants, all or none (fields checked by the caller with
 * event_entrant_check); each gets an id and a join code. *first_id gets the first id. */
int tourney_add_entrants(tourney_t *t, event_t *ev, const event_entrant_in_t *in, size_t n, uint32_t *first_id);
/* Changes an entrant (NULL fields and dropped < 0 stay as they are). */
int tourney_patch_entrant(tourney_t *t, event_t *ev, uint32_t id, const char *name, const char *faction, const char *club,
                          int dropped);
/* Pairs the next round and creates its games. */
int tourney_pair(tourney_t *t, event_t *ev);
/* A timer operation (event_timer_op). */
int tourney_timer(tourney_t *t, event_t *ev, const char *action, int64_t remaining_ms);
/* The host's result of a table: winner 1, 2 or 0 (draw); vp used when vp_set. */
int tourney_result(tourney_t *t, event_t *ev, event_game_t *eg, int winner, bool vp_set, int64_t vp_a, int64_t vp_b);
/* Makes an observer code for the event. */
int tourney_observer_code(tourney_t *t, event_t *ev, char code[EVENT_CODE_SIZE]);
/* Deletes the event, its games, codes and sessions. ev is gone afterwards. */
int tourney_delete(tourney_t *t, event_t *ev);

/* An entrant's identity right now: player of its table's game in the current
 * round, or entrant. Other identities are left as they are. */
void tourney_bind(tourney_t *t, auth_who_t *who);
/* True when who may read the event (host, its entrants and observers). */
bool tourney_may_read(const auth_who_t *who, const event_t *ev);

/* A game changed (after its commit): its event becomes due for event_state. */
void tourney_game_changed(tourney_t *t, const char *game_id);
/* The end of a flush: events due now are sent. */
void tourney_flushed(tourney_t *t);

/* Appends the event state as who sees it (the host gets the join codes). */
void tourney_render(tourney_t *t, const event_t *ev, bool host, buf_t *out);
/* The `event` block of a game of an event into out (NUL-terminated); false for
 * a game of no event. */
bool tourney_block(tourney_t *t, const char *game_id, buf_t *out);

#endif

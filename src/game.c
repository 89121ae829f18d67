/*
 * game.c: the rules of the game as pure functions (see game.h for the contract).
 *
 * Every change follows one path: game_apply() copies the input into a scratch state,
 * charges the running clocks up to now (flagging any that ran out), lets the handler of
 * the action type check and edit the scratch, and only on success bumps the version and
 * copies the scratch out. So a refusal cannot leave anything half-done.
 *
 * The scratch borrows the input's text block; a handler that changes settings or notes
 * builds a new block (count 0, "not yet owned") and puts it in the scratch. On success
 * the scratch's block gains the reference *out holds; on refusal a new block is freed.
 */
#include "game_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- clocks --------------------------------------------------------------------- */

/* ms from since to now, 0 if time did not advance, capped so sums cannot overflow. */
static int64_t elapsed(int64_t since, int64_t now)
{
    if (now <= since)
        return 0;
    uint64_t d = (uint64_t)now - (uint64_t)since;
    return d > (uint64_t)GAME_TIME_MAX ? GAME_TIME_MAX : (int64_t)d;
}

static int64_t add_capped(int64_t a, int64_t b)
{
    return a + b > GAME_TIME_MAX ? GAME_TIME_MAX : a + b;
}

/*
 * Charges a running clock up to now. One that runs out stops at 0 and is flagged when
 * flag is set; otherwise (game_settle) it stays running at 0 so the tick still happens.
 * A "now" before since_ms charges nothing and keeps since_ms (undo replays from a time
 * that may precede a later checkpoint).
 */
static void clock_charge(game_clock_t *c, int64_t now, bool flag)
{
    if (!c->running)
        return;
    if (now > c->since_ms) {
        int64_t e = elapsed(c->since_ms, now);
        if (e >= c->remaining_ms) {
            c->used_ms = add_capped(c->used_ms, c->remaining_ms);
            c->remaining_ms = 0;
        } else {
            c->remaining_ms -= e;
            c->used_ms = add_capped(c->used_ms, e);
        }
        c->since_ms = now;
    }
    if (flag && c->remaining_ms == 0) {
        c->running = false;
        c->flagged = true;
        c->since_ms = 0;
    }
}

static void span_charge(game_span_t *t, int64_t now)
{
    if (!t->running || now <= t->since_ms)
        return;
    t->ms = add_capped(t->ms, elapsed(t->since_ms, now));
    t->since_ms = now;
}

/* Brings every running counter up to now; see clock_charge() for flag. */
static void advance(game_t *g, int64_t now, bool flag)
{
    clock_charge(&g->players[0].clock, now, flag);
    clock_charge(&g->players[1].clock, now, flag);
    span_charge(&g->game_time, now);
}

/* Stops a clock that advance() has already charged up to now. */
static void clock_stop(game_clock_t *c)
{
    c->running = false;
    c->since_ms = 0;
}

/* Starts a clock unless it has nothing left to count (a flagged clock stays at 0). */
void game_clock_start(game_clock_t *c, int64_t now)
{
    if (c->remaining_ms > 0) {
        c->running = true;
        c->since_ms = now;
    }
}

void game_stop_all(game_t *g)
{
    clock_stop(&g->players[0].clock);
    clock_stop(&g->players[1].clock);
    g->game_time.running = false;
    g->game_time.since_ms = 0;
}

void game_clock_reset(game_clock_t *c, int64_t ms)
{
    memset(c, 0, sizeof(*c));
    c->remaining_ms = ms;
}

/* ---- shared rule steps ---------------------------------------------------------- */

int game_actor_player(game_actor_t a)
{
    return a == GAME_ACTOR_P1 || a == GAME_ACTOR_P2 ? (int)a : 0;
}

game_player_t *game_pl(game_t *g, int n)
{
    return &g->players[n - 1];
}

void game_end_now(game_t *g, int winner)
{
    game_stop_all(g);
    g->status = GAME_ENDED;
    if (winner == GAME_WINNER_BY_SCORE) {
        int d = game_score(g, 1) - game_score(g, 2);
        winner = d > 0 ? 1 : d < 0 ? 2 : GAME_WINNER_DRAW;
    }
    g->draw = winner == GAME_WINNER_DRAW;
    g->winner = g->draw ? 0 : winner;
    memset(&g->result, 0, sizeof(g->result));
}

void game_pause_now(game_t *g)
{
    game_stop_all(g);
    g->status = GAME_PAUSED;
}

void game_resume_now(game_t *g, int64_t now)
{
    g->status = GAME_ACTIVE;
    g->game_time.running = true;
    g->game_time.since_ms = now;
    game_clock_start(&game_pl(g, g->current_turn)->clock, now);
}

/* A new turn starts for g->current_turn: both gain cp_per_turn, and its clock runs if the game does. */
static void game_begin_turn(game_t *g, int64_t now)
{
    int gain = game_cp_per_turn(g);

    for (int i = 0; i < 2; i++)
        g->players[i].cp = g->players[i].cp + gain > GAME_CP_MAX ? GAME_CP_MAX : g->players[i].cp + gain;
    if (g->status == GAME_ACTIVE)
        game_clock_start(&game_pl(g, g->current_turn)->clock, now);
}

/* ---- handlers: each edits the scratch state w, already charged up to now ---------- */


static int check_names(const struct game_setup_args *s, const char **bf)
{
    if (s->player1_name.base != NULL && !game_valid_name(s->player1_name.base, s->player1_name.len))
        return game_bad(bf, "player1_name");
    if (s->player2_name.base != NULL && !game_valid_name(s->player2_name.base, s->player2_name.len))
        return game_bad(bf, "player2_name");
    if (s->name.base != NULL && !game_valid_name(s->name.base, s->name.len))
        return game_bad(bf, "name");
    if (s->faction.base != NULL && !game_valid_name(s->faction.base, s->faction.len))
        return game_bad(bf, "faction");
    return GAME_OK;
}

/* game_setup: a player may only name itself (name/faction, or its playerN_name) and only in setup. */
static int do_setup(const game_t *in, game_t *w, const game_action_t *a, int64_t now, const char **bf)
{
    const struct game_setup_args *s = &a->setup;
    int me = game_actor_player(a->actor), rc, who;

    (void)in, (void)now;
    if (!s->player1_name.base && !s->player2_name.base && !s->name.base && !s->faction.base && !s->attacker && !s->first_player)
        return game_bad(bf, "data");
    if ((rc = check_names(s, bf)) != GAME_OK)
        return rc;
    if (s->player < 0 || s->player > 2)
        return game_bad(bf, "player_number");
    if (s->attacker < 0 || s->attacker > 2)
        return game_bad(bf, "attacker");
    if (s->first_player < 0 || s->first_player > 2)
        return game_bad(bf, "first_player");
    who = s->player ? s->player : me;
    if ((s->name.base || s->faction.base) && who == 0)
        return game_bad(bf, "player_number");
    if (me && (w->status != GAME_SETUP || who != me || s->attacker || s->first_player || (s->player1_name.base && me != 1) ||
               (s->player2_name.base && me != 2)))
        return GAME_E_FORBIDDEN;
    if (s->first_player && w->status != GAME_SETUP)
        return GAME_E_INVALID_STATE;
    if (s->player1_name.base)
        game_set_buf(w->players[0].name, GAME_NAME_SIZE, s->player1_name);
    if (s->player2_name.base)
        game_set_buf(w->players[1].name, GAME_NAME_SIZE, s->player2_name);
    if (s->name.base)
        game_set_buf(game_pl(w, who)->name, GAME_NAME_SIZE, s->name);
    if (s->faction.base)
        game_set_buf(game_pl(w, who)->faction, GAME_NAME_SIZE, s->faction);
    if (s->attacker)
        w->attacker = s->attacker;
    if (s->first_player)
        w->first_player = s->first_player;
    return GAME_OK;
}

/* timer_update: manual chess clock control; starting one clock stops the other. */
static int do_timer(const game_t *in, game_t *w, const game_action_t *a, int64_t now, const char **bf)
{
    const struct game_timer_args *t = &a->timer;

    (void)in;
    if (t->player < 1 || t->player > 2)
        return game_bad(bf, "player_number");
    if (t->op != GAME_TIMER_START && t->op != GAME_TIMER_STOP && t->op != GAME_TIMER_SET)
        return game_bad(bf, "action");
    if (t->op == GAME_TIMER_SET && (!t->time_remaining.set || t->time_remaining.v < 0 || t->time_remaining.v > GAME_CLOCK_MS_MAX))
        return game_bad(bf, "time_remaining");
    if (a->actor != GAME_ACTOR_HOST)
        return GAME_E_FORBIDDEN;
    game_clock_t *c = &game_pl(w, t->player)->clock;
    switch (t->op) {
    case GAME_TIMER_START:
        if (w->status != GAME_ACTIVE || c->running || c->remaining_ms == 0)
            return GAME_E_INVALID_STATE;
        clock_stop(&game_pl(w, 3 - t->player)->clock);
        game_clock_start(c, now);
        break;
    case GAME_TIMER_STOP:
        if (!c->running)
            return GAME_E_INVALID_STATE;
        clock_stop(c);
        break;
    default:
        if (w->status == GAME_ENDED)
            return GAME_E_INVALID_STATE;
        c->remaining_ms = t->time_remaining.v; /* a running clock keeps running from the new value */
        c->flagged = c->remaining_ms == 0;
        if (c->flagged)
            clock_stop(c);
        break;
    }
    return GAME_OK;
}

/*
 * turn_change: the turn passes to the other player. Completing a round (the turn returns
 * to first_player) after the last round ends the game instead; round and current_turn then
 * stay as they were, and nobody gains CP.
 */
static int do_turn(const game_t *in, game_t *w, const game_action_t *a, int64_t now, const char **bf)
{
    int me = game_actor_player(a->actor), ct = a->turn.current_turn;

    (void)in;
    if (ct < 0 || ct > 2)
        return game_bad(bf, "current_turn");
    if (me && (ct || w->current_turn != me))
        return GAME_E_FORBIDDEN;
    if (w->status != GAME_ACTIVE && w->status != GAME_PAUSED)
        return GAME_E_INVALID_STATE;
    int next = 3 - w->current_turn;
    if (ct && ct != next)
        return GAME_E_INVALID_STATE; /* it already is that player's turn */
    clock_stop(&w->players[0].clock);
    clock_stop(&w->players[1].clock);
    if (next == w->first_player) {
        if (w->round >= game_rounds(w)) {
            game_end_now(w, GAME_WINNER_BY_SCORE);
            return GAME_OK;
        }
        w->round++;
    }
    w->current_turn = next;
    game_begin_turn(w, now);
    return GAME_OK;
}

/* game_start: the first turn is a turn like any other, so cp_per_turn is gained for it too. */
static int do_start(const game_t *in, game_t *w, const game_action_t *a, int64_t now, const char **bf)
{
    (void)in, (void)bf;
    if (a->actor != GAME_ACTOR_HOST)
        return GAME_E_FORBIDDEN;
    if (w->status != GAME_SETUP)
        return GAME_E_INVALID_STATE;
    w->status = GAME_ACTIVE;
    if (w->first_player == 0)
        w->first_player = 1;
    w->current_turn = w->first_player;
    w->round = 1;
    w->game_time.running = true;
    w->game_time.since_ms = now;
    game_begin_turn(w, now);
    return GAME_OK;
}

static int do_pause(const game_t *in, game_t *w, const game_action_t *a, int64_t now, const char **bf)
{
    (void)in, (void)now, (void)bf;
    if (a->actor != GAME_ACTOR_HOST)
        return GAME_E_FORBIDDEN;
    if (w->status != GAME_ACTIVE)
        return GAME_E_INVALID_STATE;
    game_pause_now(w);
    return GAME_OK;
}

/* game_resume: the clock of the player on turn restarts (whichever clock ran before the pause). */
static int do_resume(const game_t *in, game_t *w, const game_action_t *a, int64_t now, const char **bf)
{
    (void)in, (void)bf;
    if (a->actor != GAME_ACTOR_HOST)
        return GAME_E_FORBIDDEN;
    if (w->status != GAME_PAUSED)
        return GAME_E_INVALID_STATE;
    game_resume_now(w, now);
    return GAME_OK;
}

/* game_end: a player may only concede, i.e. name the opponent; conceding is also its word on the result. */
static int do_end(const game_t *in, game_t *w, const game_action_t *a, int64_t now, const char **bf)
{
    int me = game_actor_player(a->actor), win = a->end.winner;

    (void)in, (void)now;
    if (win != GAME_WINNER_BY_SCORE && win != 1 && win != 2 && win != GAME_WINNER_DRAW)
        return game_bad(bf, "winner");
    if (me && win != 3 - me)
        return GAME_E_FORBIDDEN;
    if (w->status == GAME_ENDED)
        return GAME_E_INVALID_STATE;
    game_end_now(w, win);
    if (me)
        w->result.confirmed = (uint8_t)(me == 1 ? GAME_RESULT_P1 : GAME_RESULT_P2);
    return GAME_OK;
}

/*
 * undo: "as if the change had never happened". The before-state comes back whole, but
 * time is real: clocks running in it were running all along, so they are charged from
 * their since_ms (at or before the change) up to now, and flagged if they ran out.
 */
static int do_undo(const game_t *in, game_t *w, const game_action_t *a, int64_t now, const char **bf)
{
    const struct game_undo_args *u = &a->undo;
    int me = game_actor_player(a->actor);
    const char *ignored;

    if ((int)u->by < GAME_ACTOR_P1 || (int)u->by > GAME_ACTOR_SERVER)
        return game_bad(bf, "undo");
    if (me && u->by != (game_actor_t)me)
        return GAME_E_FORBIDDEN;
    if (u->before == NULL || u->before->version >= in->version || strcmp(u->before->id, in->id) != 0 ||
        game_check(u->before, &ignored) != GAME_OK)
        return GAME_E_INVALID_STATE;
    memcpy(w, u->before, sizeof(*w));
    advance(w, now, true);
    /* a before-state from another boot may hold times after now: count from now instead */
    for (int i = 0; i < 2; i++)
        if (w->players[i].clock.running && w->players[i].clock.since_ms > now)
            w->players[i].clock.since_ms = now;
    if (w->game_time.running && w->game_time.since_ms > now)
        w->game_time.since_ms = now;
    return GAME_OK;
}

/* game_state with a full state: times in it are "as of now", since it carries no monotonic time. */
static int do_state(const game_t *in, game_t *w, const game_action_t *a, int64_t now, const char **bf)
{
    int rc;

    if (a->state.state == NULL)
        return game_bad(bf, "data");
    memcpy(w, a->state.state, sizeof(*w));
    w->version = 1; /* a placeholder that game_check() accepts; game_apply() sets the real one */
    for (int i = 0; i < 2; i++)
        w->players[i].clock.since_ms = w->players[i].clock.running ? now : 0;
    w->game_time.running = w->status == GAME_ACTIVE;
    w->game_time.since_ms = w->game_time.running ? now : 0;
    if ((rc = game_check(w, bf)) != GAME_OK)
        return rc;
    if (in != NULL && strcmp(in->id, w->id) != 0)
        return game_bad(bf, "game_id");
    if (a->actor != GAME_ACTOR_HOST)
        return GAME_E_FORBIDDEN;
    return GAME_OK;
}

/* clock_tick: game_apply() already flagged what ran out; refuse if that was nothing. */
static int do_tick(const game_t *in, game_t *w, const game_action_t *a, int64_t now, const char **bf)
{
    (void)w, (void)a, (void)bf;
    return game_next_event_ms(in) <= now ? GAME_OK : GAME_E_INVALID_STATE;
}

static const game_handler_t handlers[GAME_A_COUNT_] = {
    [GAME_A_JUDGE_CALL] = game_do_judge_call, [GAME_A_JUDGE_DONE] = game_do_judge_done, [GAME_A_RESULT] = game_do_result,
    [GAME_A_STATE] = do_state, [GAME_A_SETUP] = do_setup,       [GAME_A_SCORE] = game_do_score, [GAME_A_TIMER] = do_timer,
    [GAME_A_TURN] = do_turn,   [GAME_A_START] = do_start,       [GAME_A_PAUSE] = do_pause, [GAME_A_RESUME] = do_resume,
    [GAME_A_END] = do_end,     [GAME_A_SETTINGS] = game_do_settings, [GAME_A_UNDO] = do_undo,   [GAME_A_CLOCK_TICK] = do_tick,
};

/* ---- public API ----------------------------------------------------------------- */

int game_init(game_t *g, const char *id)
{
    memset(g, 0, sizeof(*g));
    if (id == NULL || !game_valid_token(id, strlen(id), GAME_ID_MAX))
        return GAME_E_BAD;
    memcpy(g->id, id, strlen(id));
    g->version = 1;
    g->status = GAME_SETUP;
    game_text_use_default(g);
    for (int i = 0; i < 2; i++)
        game_clock_reset(&g->players[i].clock, GAME_CLOCK_MS_DEFAULT);
    return GAME_OK;
}

void game_action_init(game_action_t *a, game_action_type_t type, game_actor_t actor)
{
    memset(a, 0, sizeof(*a));
    a->type = type;
    a->actor = actor;
}

/* The work of game_apply, in w (not in): on GAME_OK w holds the new state with a
 * text reference of its own; on an error w may have been written and holds none. */
static int apply_in(const game_t *in, const game_action_t *a, int64_t now_ms, game_t *w, const char **bad_field)
{
    const char *unused, **bf = bad_field ? bad_field : &unused;
    int64_t version = in ? in->version : 0;
    int rc;

    *bf = NULL;
    if (a->expected_version.set && a->expected_version.v != version)
        return GAME_E_CONFLICT;
    if ((int)a->type <= GAME_A_NONE || (int)a->type >= GAME_A_COUNT_)
        return game_bad(bf, "type");
    if ((int)a->actor < GAME_ACTOR_P1 || (int)a->actor > GAME_ACTOR_SERVER ||
        (a->actor == GAME_ACTOR_SERVER) != (a->type == GAME_A_CLOCK_TICK))
        return GAME_E_FORBIDDEN;
    if (in == NULL && a->type != GAME_A_STATE)
        return GAME_E_INVALID_STATE;
    if (in != NULL) {
        memcpy(w, in, sizeof(*w));
        advance(w, now_ms, true);
    } else {
        memset(w, 0, sizeof(*w));
    }
    if ((rc = handlers[a->type](in, w, a, now_ms, bf)) != GAME_OK) {
        if (w->text && !w->text->immortal && w->text->refs == 0)
            game_text_drop(w->text); /* built by the handler, owned by nobody */
        w->text = NULL;
        return rc;
    }
    w->version = version + 1;
    game_text_retain(w->text); /* the reference the new state holds */
    return GAME_OK;
}

int game_apply(const game_t *in, const game_action_t *a, int64_t now_ms, game_t *out, const char **bad_field)
{
    game_t w;
    game_text_t *old = in ? in->text : NULL;
    int rc = apply_in(in, a, now_ms, &w, bad_field);
    if (rc != GAME_OK)
        return rc;
    if (out == in)
        game_text_drop(old);
    memcpy(out, &w, sizeof(w));
    return GAME_OK;
}

int game_apply_into(const game_t *in, const game_action_t *a, int64_t now_ms, game_t *out, const char **bad_field)
{
    return apply_in(in, a, now_ms, out, bad_field);
}

int game_tick(const game_t *in, int64_t now_ms, game_t *out)
{
    game_action_t a;

    game_action_init(&a, GAME_A_CLOCK_TICK, GAME_ACTOR_SERVER);
    return game_apply(in, &a, now_ms, out, NULL);
}

int64_t game_next_event_ms(const game_t *g)
{
    int64_t t = INT64_MAX;

    for (int i = 0; i < 2; i++) {
        const game_clock_t *c = &g->players[i].clock;
        if (c->running && c->since_ms + c->remaining_ms < t)
            t = c->since_ms + c->remaining_ms;
    }
    return t;
}

void game_settle(game_t *g, int64_t now_ms)
{
    advance(g, now_ms, false);
}

bool game_recover(game_t *g)
{
    bool changed = false;

    for (int i = 0; i < 2; i++) {
        game_clock_t *c = &g->players[i].clock;
        if (c->running) {
            clock_stop(c);
            c->flagged = c->remaining_ms == 0; /* it ran out before the crash; no tick will come now */
            changed = true;
        }
    }
    if (g->game_time.running) {
        g->game_time.running = false;
        g->game_time.since_ms = 0;
        changed = true;
    }
    if (g->status == GAME_ACTIVE) {
        g->status = GAME_PAUSED;
        changed = true;
    }
    return changed;
}

int64_t game_clock_remaining(const game_t *g, int p, int64_t now_ms)
{
    if (p != 1 && p != 2)
        return 0;
    game_clock_t c = g->players[p - 1].clock;
    clock_charge(&c, now_ms, false);
    return c.remaining_ms;
}

int64_t game_clock_used(const game_t *g, int p, int64_t now_ms)
{
    if (p != 1 && p != 2)
        return 0;
    game_clock_t c = g->players[p - 1].clock;
    clock_charge(&c, now_ms, false);
    return c.used_ms;
}

int64_t game_time_ms(const game_t *g, int64_t now_ms)
{
    game_span_t t = g->game_time;

    span_charge(&t, now_ms);
    return t.ms;
}

int game_score(const game_t *g, int p)
{
    return p == 1 || p == 2 ? g->players[p - 1].primary + g->players[p - 1].secondary : 0;
}


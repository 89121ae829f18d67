#include "core.h"
#include "json.h"
#include "log.h"
#include "map.h"
#include "mem.h"
#include "now.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* A live game. Its states are buffers that change hands by pointer: a change is
 * applied from g into the core's spare buffer (the one copy of the game a change
 * makes), the spare becomes g, and the old g either becomes the backup (the
 * committed state, kept until the commit) or goes back to the pool. */
typedef struct {
    game_t *g;          /* the live state (owned) */
    char created[32];
    char updated[32];
    game_t *backup;     /* committed state, kept while the batch holds changes to it (owned) */
    bool created_in_tx; /* the batch created it: abort removes it */
    bool dirty;         /* broadcast at the next flush */
    bool deleted;       /* the batch deleted it: off the map, on the deleted list */
} core_game_t;

typedef struct {
    void *reply; /* NULL once the requester went away */
    char ref[260];
    int64_t version;
} core_reply_t;

struct core {
    store_t *store;
    metrics_t *m;
    const core_sink_t *sink;
    void *sink_ctx;
    map_t games; /* game_id -> core_game_t */
    core_reply_t *replies;
    size_t nreplies, capreplies;
    core_game_t **touched; /* games with a backup or created in the batch */
    size_t ntouched, captouched;
    core_game_t **dirty;   /* games to broadcast at the next flush (each once) */
    size_t ndirty, capdirty;
    core_game_t **deleted; /* games the batch deleted: freed at commit, back at abort */
    size_t ndeleted, capdeleted;
    game_t *spare;      /* where the next change is applied (raw storage, owned) */
    game_t **pool;      /* free state buffers */
    size_t npool, cappool;
    game_t scratch2;    /* an undo's before-state, read back from the log */
    int64_t next_event;
    bool next_event_stale;
    bool unwritable; /* the last write or commit failed; cleared by a commit */
    bool sp_is_tx;   /* the open write is the batch's first: the transaction is its savepoint */
};

core_t *core_new(store_t *store, metrics_t *m, const core_sink_t *sink, void *ctx)
{
    core_t *c = mem_zalloc(sizeof(*c));
    c->store = store;
    c->m = m;
    c->sink = sink;
    c->sink_ctx = ctx;
    map_init(&c->games);
    c->spare = mem_zalloc(sizeof(game_t));
    c->next_event = INT64_MAX;
    c->next_event_stale = true;
    return c;
}

/* A state buffer from the pool (or a new one). */
static game_t *core_buffer(core_t *c)
{
    return c->npool ? c->pool[--c->npool] : mem_zalloc(sizeof(game_t));
}

/* Releases a state and keeps its buffer for the next one. */
static void core_recycle(core_t *c, game_t *g)
{
    game_release(g);
    if (c->npool == c->cappool) {
        c->cappool = c->cappool ? c->cappool * 2 : 8;
        c->pool = mem_realloc(c->pool, c->cappool * sizeof(*c->pool));
    }
    c->pool[c->npool++] = g;
}

void core_free(core_t *c)
{
    if (!c)
        return;
    const char *k;
    void *v;
    for (size_t i = 0; map_next(&c->games, &i, &k, &v);) {
        core_game_t *cg = v;
        if (cg->backup)
            core_recycle(c, cg->backup);
        core_recycle(c, cg->g);
        free(cg);
    }
    for (size_t i = 0; i < c->ndeleted; i++) {
        core_game_t *cg = c->deleted[i];
        if (cg->backup)
            core_recycle(c, cg->backup);
        core_recycle(c, cg->g);
        free(cg);
    }
    game_release(&c->scratch2);
    map_free(&c->games);
    for (size_t i = 0; i < c->npool; i++)
        free(c->pool[i]);
    free(c->pool);
    free(c->spare);
    free(c->replies);
    free(c->touched);
    free(c->dirty);
    free(c->deleted);
    free(c);
}

static void core_iso_now(char out[32])
{
    now_iso8601(now_wall_ms(), out);
}

typedef struct {
    core_t *core;
    int64_t now;
    int recovered;
    int failed;
} core_load_ctx_t;

static void core_on_loaded(void *ctx, game_t *g, const char *created_at, const char *updated_at)
{
    core_load_ctx_t *lc = ctx;
    core_t *c = lc->core;
    core_game_t *cg = mem_zalloc(sizeof(*cg));
    cg->g = core_buffer(c);
    *cg->g = *g; /* takes g's reference over (load time: once per game) */
    snprintf(cg->created, sizeof(cg->created), "%s", created_at);
    snprintf(cg->updated, sizeof(cg->updated), "%s", updated_at);
    if (game_recover(cg->g)) {
        /* A restart is a change clients must see: new version, logged, but not
         * undoable (undoing it would charge the downtime). */
        cg->g->version++;
        core_iso_now(cg->updated);
        store_action_t a = {cg->g->id, cg->g->version, cg->updated, lc->now, "server", "server_restart",
                            "{\"status\":\"paused\"}", NULL, cg->g->round};
        if (store_begin(c->store) != 0 || store_save_game(c->store, cg->g, NULL, cg->created, cg->updated) != 0 ||
            store_log_action(c->store, &a) != 0)
            lc->failed++;
        lc->recovered++;
    }
    map_put(&c->games, cg->g->id, cg);
}

int core_load(core_t *c, char *err, size_t errlen)
{
    core_load_ctx_t lc = {c, now_mono_ms(), 0, 0};
    if (store_load_games(c->store, lc.now, core_on_loaded, &lc) != 0 || lc.failed) {
        store_rollback(c->store);
        snprintf(err, errlen, "cannot load the games from the database");
        return CORE_E_IO;
    }
    if (store_commit(c->store) != 0) {
        snprintf(err, errlen, "cannot record the recovery of interrupted games");
        return CORE_E_IO;
    }
    c->m->games = (int64_t)c->games.len;
    if (lc.recovered)
        log_info("%d interrupted game(s) came back paused; no clock was charged for the downtime", lc.recovered);
    return 0;
}

const game_t *core_game(core_t *c, const char *game_id)
{
    core_game_t *cg = map_get(&c->games, game_id);
    return cg ? cg->g : NULL;
}

size_t core_count(core_t *c)
{
    return c->games.len;
}

static int core_cmp_updated(const void *a, const void *b)
{
    const core_game_t *x = *(core_game_t *const *)a, *y = *(core_game_t *const *)b;
    return -strcmp(x->updated, y->updated); /* newest first */
}

void core_list(core_t *c, buf_t *out)
{
    core_game_t **all = mem_alloc((c->games.len + 1) * sizeof(*all));
    size_t n = 0;
    const char *k;
    void *v;
    for (size_t i = 0; map_next(&c->games, &i, &k, &v);)
        all[n++] = v;
    qsort(all, n, sizeof(*all), core_cmp_updated);
    buf_putc(out, '[');
    for (size_t i = 0; i < n; i++) {
        if (i)
            buf_putc(out, ',');
        view_summary(out, all[i]->g, all[i]->updated);
    }
    buf_putc(out, ']');
    free(all);
}

void core_each(core_t *c, core_each_fn fn, void *ctx)
{
    const char *k;
    void *v;
    for (size_t i = 0; map_next(&c->games, &i, &k, &v);) {
        const core_game_t *cg = v;
        if (!cg->created_in_tx)
            fn(ctx, cg->backup ? cg->backup : cg->g);
    }
}

const game_t *core_committed(core_t *c, const char *game_id)
{
    core_game_t *cg = map_get(&c->games, game_id);
    if (cg == NULL || cg->created_in_tx)
        return NULL;
    return cg->backup ? cg->backup : cg->g;
}

bool core_stamps(core_t *c, const char *game_id, const char **created_at, const char **updated_at)
{
    core_game_t *cg = map_get(&c->games, game_id);
    if (cg == NULL)
        return false;
    *created_at = cg->created;
    *updated_at = cg->updated;
    return true;
}

static game_actor_t core_actor_parse(const char *name)
{
    for (int a = GAME_ACTOR_P1; a <= GAME_ACTOR_SERVER; a++) {
        const char *n = game_actor_name((game_actor_t)a);
        if (n && strcmp(n, name) == 0)
            return (game_actor_t)a;
    }
    return GAME_ACTOR_NONE;
}

static void core_push(core_game_t ***v, size_t *n, size_t *cap, core_game_t *cg)
{
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 16;
        *v = mem_realloc(*v, *cap * sizeof(**v));
    }
    (*v)[(*n)++] = cg;
}

/* Schedules a broadcast of the game at the next flush. */
static void core_mark_dirty(core_t *c, core_game_t *cg)
{
    if (cg->dirty)
        return;
    cg->dirty = true;
    core_push(&c->dirty, &c->ndirty, &c->capdirty, cg);
}

static void core_send_reply(core_t *c, core_reply_t *r, bool ok)
{
    if (r->reply == NULL)
        return;
    if (ok)
        c->sink->accepted(c->sink_ctx, r->reply, r->ref, r->version);
    else
        c->sink->refused(c->sink_ctx, r->reply, r->ref);
}

/* The group transaction failed: every change of the batch is gone from disk, so
 * it goes from memory too, and its senders learn it was not saved. */
static void core_abort_batch(core_t *c)
{
    store_rollback(c->store);
    c->m->commit_failures++;
    c->unwritable = true;
    /* Games the batch created are about to be freed: drop them from the dirty list;
     * restored games have nothing new to broadcast. */
    size_t keep = 0;
    for (size_t i = 0; i < c->ndirty; i++) {
        core_game_t *cg = c->dirty[i];
        if (cg->created_in_tx || cg->backup)
            cg->dirty = false;
        else
            c->dirty[keep++] = cg;
    }
    c->ndirty = keep;
    for (size_t i = 0; i < c->ndeleted; i++) {
        c->deleted[i]->deleted = false;
        map_put(&c->games, c->deleted[i]->g->id, c->deleted[i]);
    }
    c->ndeleted = 0;
    for (size_t i = 0; i < c->ntouched; i++) {
        core_game_t *cg = c->touched[i];
        if (cg->created_in_tx) {
            map_del(&c->games, cg->g->id);
            core_recycle(c, cg->g);
            free(cg);
            continue;
        }
        core_recycle(c, cg->g);
        cg->g = cg->backup; /* the committed state is live again */
        cg->backup = NULL;
    }
    c->ntouched = 0;
    for (size_t i = 0; i < c->nreplies; i++)
        core_send_reply(c, &c->replies[i], false);
    c->nreplies = 0;
    c->next_event_stale = true;
    c->m->games = (int64_t)c->games.len;
}

/* Opens a savepoint in the group transaction. The first write of a batch needs
 * none: the transaction holds nothing else, so rolling it back undoes that write
 * alone (a savepoint costs a statement journal of every page it touches). */
static int core_sp_begin(core_t *c)
{
    c->sp_is_tx = !store_tx_begun(c->store);
    if (store_begin(c->store) != 0) {
        if (c->nreplies || c->ntouched || c->ndeleted)
            core_abort_batch(c); /* the batch's transaction was lost */
        else
            store_rollback(c->store);
        return CORE_E_IO;
    }
    if (!c->sp_is_tx && store_savepoint(c->store) != 0) {
        core_abort_batch(c);
        return CORE_E_IO;
    }
    return 0;
}

/* Ends a savepoint: keeps it, or undoes it alone. When the transaction itself is
 * gone (SQLite rolls back by itself after some I/O errors), the whole batch is. */
static int core_sp_end(core_t *c, bool ok)
{
    if (c->sp_is_tx) {
        c->sp_is_tx = false;
        if (ok)
            return 0;
        c->unwritable = true;
        store_rollback(c->store); /* it held this write only */
        return CORE_E_IO;
    }
    if (ok && store_release(c->store) == 0)
        return 0;
    c->unwritable = true;
    if (store_rollback_to(c->store) != 0 || !store_in_tx(c->store))
        core_abort_batch(c);
    return CORE_E_IO;
}

int core_write_begin(core_t *c)
{
    return core_sp_begin(c);
}

int core_write_end(core_t *c, bool ok)
{
    return core_sp_end(c, ok);
}

/* Writes one accepted change (the new state, its log entry and, for an undo, the
 * mark on the change it reverts) into the batch, under its own savepoint. */
static int core_persist(core_t *c, core_game_t *cg, const game_t *before, const game_t *after, game_actor_t actor,
                        const char *type, const char *data, int64_t now, int64_t undone_version, int round)
{
    store_t *s = c->store;
    char at[32];
    core_iso_now(at);
    buf_t bj;
    buf_init(&bj);
    if (before) {
        view_meta_t m = {NULL, NULL, {false, false}, now, 0, NULL};
        view_render(&bj, before, VIEW_FULL, &m);
    }
    store_action_t a = {after->id, after->version, at, now, game_actor_name(actor), type, data, before ? bj.data : NULL, round};
    if (core_sp_begin(c) != 0) {
        buf_free(&bj);
        return CORE_E_IO;
    }
    bool ok = store_save_game(s, after, before, cg ? cg->created : at, at) == 0 && store_log_action(s, &a) == 0 &&
              (undone_version == 0 || store_mark_undone(s, after->id, undone_version, after->version) == 0);
    buf_free(&bj);
    return core_sp_end(c, ok);
}

/* Makes the spare buffer (the new state) a game's live state: no copy. The state it
 * replaces becomes the backup when it is the committed one, else goes to the pool. */
static core_game_t *core_install(core_t *c, core_game_t *cg)
{
    char at[32];
    core_iso_now(at);
    game_t *g = c->spare;
    c->spare = core_buffer(c);
    if (cg == NULL) {
        cg = mem_zalloc(sizeof(*cg));
        cg->g = g;
        snprintf(cg->created, sizeof(cg->created), "%s", at);
        map_put(&c->games, cg->g->id, cg);
        cg->created_in_tx = true;
        core_push(&c->touched, &c->ntouched, &c->captouched, cg);
        c->m->games = (int64_t)c->games.len;
    } else {
        if (cg->backup || cg->created_in_tx) {
            core_recycle(c, cg->g); /* an uncommitted state of this batch */
        } else {
            cg->backup = cg->g; /* the committed state, until the commit */
            core_push(&c->touched, &c->ntouched, &c->captouched, cg);
        }
        cg->g = g;
    }
    snprintf(cg->updated, sizeof(cg->updated), "%s", at);
    core_mark_dirty(c, cg);
    c->next_event_stale = true;
    return cg;
}

int core_change(core_t *c, const char *game_id, game_action_t *a, const char *data, void *reply_to, const char *ref,
                const char **bad_field, int64_t *version)
{
    *bad_field = NULL;
    core_game_t *cg = map_get(&c->games, game_id);
    if (cg == NULL && a->type != GAME_A_STATE)
        return CORE_E_NOT_FOUND;
    int64_t now = now_mono_ms();
    store_undo_t ut = {0};
    bool have_ut = false;
    int64_t undone_version = 0;
    if (a->type == GAME_A_UNDO) {
        int rc = store_undo_target(c->store, game_id, &ut);
        if (rc == STORE_E_IO)
            return CORE_E_IO;
        a->undo.before = NULL;
        a->undo.by = a->actor; /* nothing to undo: the rules answer invalid_state, not a bad undo */
        if (rc == 0) {
            have_ut = true;
            /* Static: a full state's tokens are too many for the stack's comfort;
             * single-threaded, and nothing here re-enters. */
            static jsmntok_t toks[VIEW_MAX_TOKENS];
            json_doc_t d;
            int64_t at_ms = ut.mono_ms >= 0 ? ut.mono_ms : now;
            const char *bf;
            if (json_parse(&d, ut.before.data, ut.before.len, toks, VIEW_MAX_TOKENS) != 0 ||
                view_parse(&d, 0, game_id, at_ms, &c->scratch2, &bf) != 0) {
                log_error("game %s: the log entry of version %lld cannot be read back for undo", game_id, (long long)ut.version);
                buf_free(&ut.before);
                return CORE_E_IO;
            }
            /* A change logged by an earlier run: its clocks' times mean nothing
             * now, so the state comes back as a restart leaves it (paused). */
            if (ut.mono_ms < 0)
                game_recover(&c->scratch2);
            a->undo.before = &c->scratch2;
            a->undo.at_ms = at_ms;
            a->undo.by = core_actor_parse(ut.actor);
            undone_version = ut.version;
        }
    }
    if (have_ut)
        buf_free(&ut.before);
    int rc = game_apply_into(cg ? cg->g : NULL, a, now, c->spare, bad_field);
    if (rc != GAME_OK)
        return rc;
    /* The log's before-state is rendered as of now (clocks included), so the
     * live state serves as it is: no settled copy needed. A failed write undoes
     * only this change (or, if the transaction went with it, the whole batch,
     * whose senders are told). */
    if (core_persist(c, cg, cg ? cg->g : NULL, c->spare, a->actor, game_type_name(a->type), data, now, undone_version,
                     game_action_round(cg ? cg->g : c->spare, a)) != 0) {
        game_release(c->spare);
        return CORE_E_IO;
    }
    *version = core_install(c, cg)->g->version;
    if (reply_to && ref) {
        if (c->nreplies == c->capreplies) {
            c->capreplies = c->capreplies ? c->capreplies * 2 : 16;
            c->replies = mem_realloc(c->replies, c->capreplies * sizeof(*c->replies));
        }
        core_reply_t *r = &c->replies[c->nreplies++];
        r->reply = reply_to;
        snprintf(r->ref, sizeof(r->ref), "%s", ref);
        r->version = *version;
    }
    c->m->changes_total++;
    /* Benchmark only (bench/, workload d): STATE_SERVER_BENCH_COMMIT_EACH=1 commits
     * each change on its own, the way a server without group commit would, so the
     * gain of group commit can be measured on the same binary. Never set in use. */
    static int commit_each = -1;
    if (commit_each < 0) {
        const char *e = getenv("STATE_SERVER_BENCH_COMMIT_EACH");
        commit_each = e && strcmp(e, "1") == 0;
    }
    if (commit_each)
        core_flush(c); /* on failure it has already answered every sender of the batch */
    return 0;
}

int core_delete(core_t *c, const char *game_id)
{
    core_game_t *cg = map_get(&c->games, game_id);
    if (cg == NULL)
        return CORE_E_NOT_FOUND;
    if (core_sp_begin(c) != 0)
        return CORE_E_IO;
    if (core_sp_end(c, store_delete_game(c->store, game_id) == 0) != 0)
        return CORE_E_IO;
    map_del(&c->games, game_id);
    cg->deleted = true;
    core_push(&c->deleted, &c->ndeleted, &c->capdeleted, cg);
    c->m->games = (int64_t)c->games.len;
    c->next_event_stale = true;
    return 0;
}

bool core_writable(core_t *c, const char **reason)
{
    *reason = NULL;
    if (!c->unwritable)
        return true;
    /* Writes failed lately: try one small write now, so a disk that has room
     * again is seen without waiting for a player's change. */
    if (core_sp_begin(c) == 0) {
        char at[32];
        core_iso_now(at);
        if (core_sp_end(c, store_secret_put(c->store, "health_probe", at) == 0) == 0 && core_flush(c) == 0)
            return true;
    }
    *reason = store_last_error(c->store);
    if (!*reason || !**reason)
        *reason = "the database cannot be written";
    return false;
}

bool core_pending(const core_t *c)
{
    return c->nreplies || c->ndirty || c->ndeleted || c->ntouched || store_in_tx(c->store);
}

int core_flush(core_t *c)
{
    store_t *s = c->store;
    struct timespec ts0, ts1;
    clock_gettime(CLOCK_MONOTONIC, &ts0);
    /* Commit even when SQLite says no transaction is open: if one was begun and
     * then lost, store_commit reports it, and nothing of the batch is acknowledged. */
    bool began = store_in_tx(s) || c->nreplies || c->ntouched || c->ndeleted;
    int rc = store_commit(s);
    if (rc != 0) {
        log_error("commit failed: %zu change(s) were not saved and were refused", c->nreplies);
        core_abort_batch(c);
        return CORE_E_IO;
    }
    if (began) {
        c->unwritable = false;
        clock_gettime(CLOCK_MONOTONIC, &ts1);
        metrics_commit_time(c->m, (ts1.tv_sec - ts0.tv_sec) * 1000000 + (ts1.tv_nsec - ts0.tv_nsec) / 1000);
    }
    for (size_t i = 0; i < c->ntouched; i++) {
        core_game_t *cg = c->touched[i];
        if (cg->backup)
            core_recycle(c, cg->backup);
        cg->backup = NULL;
        cg->created_in_tx = false;
    }
    c->ntouched = 0;
    for (size_t i = 0; i < c->nreplies; i++)
        core_send_reply(c, &c->replies[i], true);
    c->nreplies = 0;
    bool reported = c->ndirty || c->ndeleted;
    for (size_t i = 0; i < c->ndirty; i++) {
        core_game_t *cg = c->dirty[i];
        cg->dirty = false;
        if (!cg->deleted) /* changed, then deleted in the same batch: only the deletion is news */
            c->sink->changed(c->sink_ctx, cg->g->id);
    }
    c->ndirty = 0;
    /* Taken off the list before reporting: the sink may call back into core. */
    size_t nd = c->ndeleted;
    c->ndeleted = 0;
    for (size_t i = 0; i < nd; i++) {
        core_game_t *cg = c->deleted[i];
        c->sink->deleted(c->sink_ctx, cg->g->id);
        core_recycle(c, cg->g);
        free(cg);
    }
    if (reported)
        c->sink->flushed(c->sink_ctx);
    return 0;
}

void core_tick(core_t *c, int64_t now_ms, bool checkpoint)
{
    const char *k;
    void *v;
    for (size_t i = 0; map_next(&c->games, &i, &k, &v);) {
        core_game_t *cg = v;
        game_t *g = cg->g;
        game_action_t tick;
        game_action_init(&tick, GAME_A_CLOCK_TICK, GAME_ACTOR_SERVER);
        if (game_next_event_ms(g) <= now_ms && game_apply_into(g, &tick, now_ms, c->spare, NULL) == GAME_OK) {
            bool f1 = c->spare->players[0].clock.flagged && !g->players[0].clock.flagged;
            bool f2 = c->spare->players[1].clock.flagged && !g->players[1].clock.flagged;
            const char *data = f1 && f2 ? "{\"flagged\":[1,2]}" : f1 ? "{\"flagged\":[1]}" : "{\"flagged\":[2]}";
            if (core_persist(c, cg, g, c->spare, GAME_ACTOR_SERVER, "clock_tick", data, now_ms, 0, g->round) != 0) {
                game_release(c->spare);
                return;
            }
            core_install(c, cg);
            continue;
        }
        if (checkpoint && (g->players[0].clock.running || g->players[1].clock.running || g->game_time.running)) {
            /* Persist where the clocks are, so a crash costs at most about a second.
             * Settling changes nothing anyone sees, so a failed write has nothing
             * to restore here: no backup. */
            game_settle(g, now_ms);
            if (core_sp_begin(c) != 0 || core_sp_end(c, store_save_clocks(c->store, g) == 0) != 0)
                return;
        }
    }
}

int64_t core_next_event(core_t *c)
{
    if (!c->next_event_stale)
        return c->next_event;
    int64_t next = INT64_MAX;
    const char *k;
    void *v;
    for (size_t i = 0; map_next(&c->games, &i, &k, &v);) {
        int64_t e = game_next_event_ms(((core_game_t *)v)->g);
        if (e < next)
            next = e;
    }
    c->next_event = next;
    c->next_event_stale = false;
    return next;
}

void core_presence(core_t *c, const char *game_id)
{
    core_game_t *cg = map_get(&c->games, game_id);
    if (cg)
        core_mark_dirty(c, cg);
}

void core_forget_reply(core_t *c, void *reply)
{
    for (size_t i = 0; i < c->nreplies; i++)
        if (c->replies[i].reply == reply)
            c->replies[i].reply = NULL;
}

/* The inside of the store, shared by its two files: store.c (games, the log,
 * settings, secrets, transactions), store_grants.c (invites, host pairing
 * codes and sessions), store_events.c (tournaments), store_backup.c and store_feed.c
 * (the change feed). Nothing outside the store includes this. */
#ifndef STATE_STORE_IMPL_H
#define STATE_STORE_IMPL_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "json.h"
#include "store.h"

/* Statements of store.c, prepared once at open. */
enum {
    Q_BEGIN, Q_COMMIT, Q_ROLLBACK, Q_SAVEPOINT, Q_RELEASE, Q_ROLLBACK_TO,
    Q_GAME_UPSERT, Q_SCORE_UPSERT, Q_TIMER_UPSERT, Q_SETTINGS_DEL, Q_SETTING_INS, Q_GAME_DEL,
    Q_ACTION_INS, Q_UNDO_TARGET, Q_MARK_UNDONE, Q_HISTORY,
    Q_SECRET_GET, Q_SECRET_PUT, Q_SETTINGS_ALL, Q_SETTING_PUT, Q_SETTING_DEL, Q_SETTING_GET,
    Q_GAMES, Q_SCORES, Q_TIMERS, Q_GSETTINGS, Q_PING,
    Q_CHECKPOINT, Q_CHECKPOINT_GET, Q_CHECKPOINT_DEL, Q_SETTING_UPD, Q_GAME_UPD, Q_OUTCOME_PUT, Q_OUTCOME_DEL,
    Q_HISTORY_AFTER,
    Q_COUNT
};

/* Statements of store_grants.c. */
enum {
    G_INVITE_INS, G_INVITE_FIND, G_INVITE_REVOKE, G_INVITES_LIST,
    G_SESSION_INS, G_SESSION_FIND, G_SESSIONS_OF,
    G_HOST_INVITE_INS, G_HOST_INVITE_GET, G_HOST_INVITE_USE, G_HOST_SESSION_INS, G_HOST_SESSION_FIND,
    G_SESSIONS_LIST, G_SESSION_REVOKE, G_HOST_SESSION_REVOKE, G_SESSION_SEEN, G_HOST_SESSION_SEEN,
    G_COUNT
};

/* Statements of store_events.c. */
enum {
    E_EVENT_UPSERT, E_EVENT_DEL, E_ENTRANT_UPSERT, E_GAME_UPSERT, E_EVENTS, E_ENTRANTS, E_GAMES,
    E_INVITE_INS, E_INVITE_FIND, E_SESSION_INS, E_SESSION_FIND, E_SESSION_REVOKE, E_SESSION_SEEN, E_SESSIONS_LIST,
    E_EVENT_ONE, E_FEED_EVENT, E_FEED_ENTRANT, E_FEED_GAME, E_FEED_INVITE,
    E_COUNT
};

struct store {
    sqlite3 *db;
    sqlite3_stmt *q[Q_COUNT];
    sqlite3_stmt *g[G_COUNT];
    sqlite3_stmt *e[E_COUNT];
    bool in_tx;
    char last_error[200]; /* what failed last, for /healthz */
    char boot[17];
    /* The change feed (store_feed.c). */
    int64_t feed_seq;        /* the last number given out */
    bool feed_known;         /* feed_seq is right (false after a rollback) */
    int64_t feed_force;      /* a follower: the number the next entry gets, 0 for none */
    bool feed_replica;       /* a follower: its own writes get no number */
    sqlite3_stmt *feed_read; /* prepared at first use, finalized by store_close */
    sqlite3_stmt *follow_put;
};

/* The number of the next feed entry: a forced one, 0 on a follower for its own
 * writes (no number), -1 when it cannot be read. */
int64_t store_feed_take(store_t *s);
/* Appends the row st is on as a JSON object of its columns. */
void store_feed_put_row(buf_t *out, sqlite3_stmt *st);
/* Steps st (bound to select one row), ends the payload p (an object left open) with
 * "row": the row or null, and appends the feed entry of kind for key. Frees p; st is
 * the caller's to reset or finalize. */
int store_feed_row_entry(store_t *s, sqlite3_stmt *st, buf_t *p, const char *kind, const char *key);
/* Writes a row of the feed (the JSON object at token tr of d) into table, an
 * upsert on the columns conflict ("a, b"); table and conflict are the caller's
 * own names, the column names are checked. */
int store_feed_upsert(store_t *s, const char *table, const char *conflict, const json_doc_t *d, int tr);

/* Records what failed (for store_last_error and the log); returns STORE_E_IO. */
int store_fail(store_t *s, const char *what);
/* The small helpers below are inline: they run several times per change, in both
 * files of the store, and a call across files would not be inlined. */

/* A statement of store.c, reset and unbound. */
static inline sqlite3_stmt *store_q(store_t *s, int q)
{
    sqlite3_stmt *st = s->q[q];
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return st;
}

/* Runs a statement that returns no rows; 0 or STORE_E_IO. */
static inline int store_exec(store_t *s, sqlite3_stmt *st, const char *what)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : store_fail(s, what);
}

/* Binds text, or NULL for a NULL pointer. */
static inline void store_bind_text(sqlite3_stmt *st, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, i);
}

/* Copies a text column ("" for NULL). */
static inline void store_col_copy(sqlite3_stmt *st, int col, char *out, size_t cap)
{
    const unsigned char *v = sqlite3_column_text(st, col);
    size_t n = v ? strlen((const char *)v) : 0;
    if (n >= cap)
        n = cap - 1;
    memcpy(out, v ? (const char *)v : "", n);
    out[n] = '\0';
}

#endif

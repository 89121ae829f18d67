/* The store's change feed (PROTOCOL.md section 12): the global sequence number
 * of every committed change, the entries after a number in commit order, and
 * what a follower writes to apply them.
 *
 * The number is handed out inside the group transaction, when the change is
 * written, so numbers follow commit order (one writer, serial commits). A game
 * action keeps its number in its own log row; any other change appends one row
 * to the feed table (store_feed_append, or store_feed_row for a table row). A
 * rolled-back transaction gives its numbers back: the counter is read again
 * from the database at the next use. */
#include "json.h"
#include "log.h"
#include "mem.h"
#include "now.h"
#include "store.h"
#include "store_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STORE_FEED_MAX_COLS 32

/* Runs one statement prepared for the occasion (rare writes and reads). */
static sqlite3_stmt *store_feed_prepare(store_t *s, const char *sql)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
        store_fail(s, "prepare feed statement");
        sqlite3_finalize(st);
        return NULL;
    }
    return st;
}

/* Reads the last number given out from the database (committed or in the open
 * transaction). */
static int store_feed_sync(store_t *s)
{
    sqlite3_stmt *st = store_feed_prepare(s, "SELECT max(coalesce((SELECT max(seq) FROM actions), 0),"
                                             " coalesce((SELECT max(seq) FROM feed), 0),"
                                             " coalesce((SELECT last_seq FROM follow_state WHERE id = 1), 0))");
    if (st == NULL)
        return STORE_E_IO;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        s->feed_seq = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW)
        return store_fail(s, "read the feed's last number");
    s->feed_known = true;
    return 0;
}

int64_t store_feed_take(store_t *s)
{
    if (s->feed_force) {
        int64_t v = s->feed_force;
        s->feed_force = 0;
        if (v > s->feed_seq)
            s->feed_seq = v;
        return v;
    }
    if (s->feed_replica)
        return 0; /* a follower's own write (none reach the feed) */
    if (!s->feed_known && store_feed_sync(s) != 0)
        return -1;
    return ++s->feed_seq;
}

int64_t store_feed_last(store_t *s)
{
    if (!s->feed_known && store_feed_sync(s) != 0)
        return -1;
    return s->feed_seq;
}

void store_feed_force(store_t *s, int64_t seq)
{
    s->feed_force = seq;
}

void store_feed_replica(store_t *s, bool on)
{
    s->feed_replica = on;
    s->feed_known = false;
}

int store_feed_append(store_t *s, const char *kind, const char *key, const char *payload)
{
    int64_t seq = store_feed_take(s);
    if (seq < 0)
        return STORE_E_IO;
    if (seq == 0)
        return 0;
    char at[32];
    now_iso8601(now_wall_ms(), at);
    sqlite3_stmt *st = store_feed_prepare(s, "INSERT INTO feed (seq, kind, key, at, payload) VALUES (?, ?, ?, ?, ?)");
    if (st == NULL)
        return STORE_E_IO;
    sqlite3_bind_int64(st, 1, seq);
    store_bind_text(st, 2, kind);
    store_bind_text(st, 3, key);
    store_bind_text(st, 4, at);
    store_bind_text(st, 5, payload ? payload : "null");
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : store_fail(s, "append to the feed");
}

/* Names that may be spliced into SQL: lower-case letters, digits, underscores. */
static bool store_feed_ident(const char *n)
{
    if (n == NULL || !*n || strlen(n) > 40)
        return false;
    for (const char *p = n; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
            return false;
    return true;
}

void store_feed_put_row(buf_t *p, sqlite3_stmt *st)
{
    buf_putc(p, '{');
    for (int i = 0; i < sqlite3_column_count(st); i++) {
        json_put_key(p, sqlite3_column_name(st, i), i == 0);
        switch (sqlite3_column_type(st, i)) {
        case SQLITE_INTEGER:
            buf_put_i64(p, sqlite3_column_int64(st, i));
            break;
        case SQLITE_FLOAT:
            buf_printf(p, "%.17g", sqlite3_column_double(st, i));
            break;
        case SQLITE_TEXT:
            json_put_cstr(p, (const char *)sqlite3_column_text(st, i));
            break;
        default:
            buf_puts(p, "null");
            break;
        }
    }
    buf_putc(p, '}');
}

int store_feed_row_entry(store_t *s, sqlite3_stmt *st, buf_t *p, const char *kind, const char *key)
{
    buf_puts(p, ",\"row\":");
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        store_feed_put_row(p, st);
    else
        buf_puts(p, "null");
    buf_putc(p, '}');
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        rc = store_fail(s, "read a row for the feed");
    else
        rc = store_feed_append(s, kind, key, p->data);
    buf_free(p);
    return rc;
}

int store_feed_row(store_t *s, const char *table, const char *pk, const char *key)
{
    if (!store_feed_ident(table) || !store_feed_ident(pk))
        return STORE_E_IO;
    if (s->feed_replica && !s->feed_force)
        return 0;
    char sql[160];
    snprintf(sql, sizeof(sql), "SELECT * FROM %s WHERE %s = ?", table, pk);
    sqlite3_stmt *st = store_feed_prepare(s, sql);
    if (st == NULL)
        return STORE_E_IO;
    store_bind_text(st, 1, key);
    buf_t p;
    buf_init(&p);
    buf_puts(&p, "{\"table\":");
    json_put_cstr(&p, table);
    buf_puts(&p, ",\"pk\":");
    json_put_cstr(&p, pk);
    int rc = store_feed_row_entry(s, st, &p, "row", key);
    sqlite3_finalize(st);
    return rc;
}

/* Binds a JSON value (string, integer, number, boolean, null) to parameter i. */
static void store_feed_bind(sqlite3_stmt *st, int i, const json_doc_t *d, int t)
{
    switch (json_type(d, t)) {
    case JSON_STRING: {
        size_t len;
        json_raw(d, t, &len);
        char *v = mem_alloc(len + 1);
        if (json_str(d, t, v, len + 1) >= 0)
            sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
        free(v);
        break;
    }
    case JSON_NUMBER: {
        int64_t n;
        size_t len;
        const char *raw = json_raw(d, t, &len);
        if (json_int(d, t, &n) == 0) {
            sqlite3_bind_int64(st, i, n);
        } else {
            char tmp[64];
            snprintf(tmp, sizeof(tmp), "%.*s", (int)(len < 63 ? len : 63), raw);
            sqlite3_bind_double(st, i, strtod(tmp, NULL));
        }
        break;
    }
    case JSON_BOOL: {
        bool b = false;
        json_bool(d, t, &b);
        sqlite3_bind_int(st, i, b);
        break;
    }
    default:
        sqlite3_bind_null(st, i);
        break;
    }
}

int store_feed_upsert(store_t *s, const char *table, const char *conflict, const json_doc_t *d, int tr)
{
    if (json_type(d, tr) != JSON_OBJECT || json_size(d, tr) > STORE_FEED_MAX_COLS || json_size(d, tr) == 0)
        return STORE_E_IO;
    buf_t sql, set;
    buf_init(&sql);
    buf_init(&set);
    int vals[STORE_FEED_MAX_COLS], n = 0;
    buf_printf(&sql, "INSERT INTO %s (", table);
    int k = tr + 1;
    for (int i = 0; i < json_size(d, tr); i++, k = json_next(d, k + 1)) {
        char col[48];
        if (json_str(d, k, col, sizeof(col)) < 0 || !store_feed_ident(col)) {
            buf_free(&set);
            buf_free(&sql);
            return STORE_E_IO;
        }
        buf_printf(&sql, "%s%s", i ? ", " : "", col);
        buf_printf(&set, "%s%s = excluded.%s", i ? ", " : "", col, col);
        vals[n++] = k + 1;
    }
    buf_puts(&sql, ") VALUES (");
    for (int i = 0; i < n; i++)
        buf_puts(&sql, i ? ", ?" : "?");
    buf_printf(&sql, ") ON CONFLICT (%s) DO UPDATE SET ", conflict);
    buf_append(&sql, set.data, set.len);
    buf_free(&set);
    buf_putc(&sql, '\0');
    sqlite3_stmt *st = store_feed_prepare(s, sql.data);
    buf_free(&sql);
    if (st == NULL)
        return STORE_E_IO;
    for (int i = 0; i < n; i++)
        store_feed_bind(st, i + 1, d, vals[i]);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : store_fail(s, "apply a row of the feed");
}

int store_feed_apply_row(store_t *s, const char *key, const char *payload, size_t len)
{
    jsmntok_t toks[4 * STORE_FEED_MAX_COLS + 16];
    json_doc_t d;
    char table[48], pk[48];
    if (json_parse(&d, payload, len, toks, (int)(sizeof(toks) / sizeof(toks[0]))) != 0 || json_type(&d, 0) != JSON_OBJECT)
        return STORE_E_IO;
    int tt = json_get(&d, 0, "table"), tp = json_get(&d, 0, "pk"), tr = json_get(&d, 0, "row");
    if (tt < 0 || tp < 0 || tr < 0 || json_str(&d, tt, table, sizeof(table)) < 0 || json_str(&d, tp, pk, sizeof(pk)) < 0 ||
        !store_feed_ident(table) || !store_feed_ident(pk))
        return STORE_E_IO;
    int rc;
    if (json_type(&d, tr) == JSON_OBJECT) {
        rc = store_feed_upsert(s, table, pk, &d, tr);
    } else {
        char sql[160];
        snprintf(sql, sizeof(sql), "DELETE FROM %s WHERE %s = ?", table, pk);
        sqlite3_stmt *st = store_feed_prepare(s, sql);
        if (st == NULL)
            return STORE_E_IO;
        store_bind_text(st, 1, key);
        rc = sqlite3_step(st) == SQLITE_DONE ? 0 : store_fail(s, "apply a row of the feed");
        sqlite3_finalize(st);
    }
    if (rc != 0)
        return rc;
    char *copy = mem_alloc(len + 1);
    memcpy(copy, payload, len);
    copy[len] = '\0';
    rc = store_feed_append(s, "row", key, copy);
    free(copy);
    return rc;
}

int store_feed_read(store_t *s, int64_t after, int limit, store_entry_fn fn, void *ctx)
{
    if (s->feed_read == NULL) {
        s->feed_read = store_feed_prepare(
            s, "SELECT seq, 'action', game_id, at, version, mono_ms, boot, actor, type, data, before_state FROM actions"
               " WHERE seq > ?1 UNION ALL SELECT seq, kind, key, at, 0, 0, NULL, NULL, NULL, payload, NULL FROM feed WHERE seq > ?1"
               " ORDER BY 1 LIMIT ?2");
        if (s->feed_read == NULL)
            return STORE_E_IO;
    }
    sqlite3_stmt *st = s->feed_read;
    sqlite3_reset(st);
    sqlite3_bind_int64(st, 1, after);
    sqlite3_bind_int(st, 2, limit);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        store_entry_t e = {
            sqlite3_column_int64(st, 0),
            (const char *)sqlite3_column_text(st, 1),
            (const char *)sqlite3_column_text(st, 2),
            (const char *)sqlite3_column_text(st, 3),
            sqlite3_column_int64(st, 4),
            sqlite3_column_int64(st, 5),
            (const char *)sqlite3_column_text(st, 6),
            (const char *)sqlite3_column_text(st, 7),
            (const char *)sqlite3_column_text(st, 8),
            (const char *)sqlite3_column_text(st, 9),
            (const char *)sqlite3_column_text(st, 10),
        };
        if (fn(ctx, &e) != 0) {
            rc = SQLITE_DONE;
            break;
        }
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : store_fail(s, "read the feed");
}

int store_feed_state_after(store_t *s, const char *game_id, int64_t version, buf_t *state, int64_t *mono_ms, char boot[17])
{
    sqlite3_stmt *st = store_feed_prepare(s, "SELECT before_state, mono_ms, boot FROM actions WHERE game_id = ? AND version = ?");
    if (st == NULL)
        return STORE_E_IO;
    store_bind_text(st, 1, game_id);
    sqlite3_bind_int64(st, 2, version + 1);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW && sqlite3_column_text(st, 0)) {
        buf_puts(state, (const char *)sqlite3_column_text(st, 0));
        *mono_ms = sqlite3_column_int64(st, 1);
        store_col_copy(st, 2, boot, 17);
    }
    sqlite3_finalize(st);
    if (rc == SQLITE_ROW)
        return 0;
    return rc == SQLITE_DONE ? STORE_E_NOT_FOUND : store_fail(s, "read a state of the log");
}

const char *store_boot(const store_t *s)
{
    return s->boot;
}

void store_set_boot(store_t *s, const char *boot)
{
    if (boot && strlen(boot) == sizeof(s->boot) - 1)
        memcpy(s->boot, boot, sizeof(s->boot));
}

int store_follow_get(store_t *s, int64_t *last_seq)
{
    sqlite3_stmt *st = store_feed_prepare(s, "SELECT last_seq FROM follow_state WHERE id = 1");
    if (st == NULL)
        return STORE_E_IO;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *last_seq = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    if (rc == SQLITE_ROW)
        return 0;
    return rc == SQLITE_DONE ? STORE_E_NOT_FOUND : store_fail(s, "read the follower's place");
}

int store_follow_put(store_t *s, int64_t last_seq)
{
    if (s->follow_put == NULL) {
        s->follow_put = store_feed_prepare(s, "INSERT INTO follow_state (id, last_seq) VALUES (1, ?1)"
                                              " ON CONFLICT (id) DO UPDATE SET last_seq = ?1");
        if (s->follow_put == NULL)
            return STORE_E_IO;
    }
    sqlite3_stmt *st = s->follow_put;
    sqlite3_reset(st);
    sqlite3_bind_int64(st, 1, last_seq);
    if (store_exec(s, st, "write the follower's place") != 0)
        return STORE_E_IO;
    if (last_seq > s->feed_seq)
        s->feed_seq = last_seq;
    return 0;
}

int store_follow_offset_get(store_t *s, const char *boot, int64_t *offset_ms)
{
    sqlite3_stmt *st = store_feed_prepare(s, "SELECT offset_ms FROM follow_state WHERE id = 1 AND primary_boot = ?"
                                             " AND offset_ms IS NOT NULL");
    if (st == NULL)
        return STORE_E_IO;
    store_bind_text(st, 1, boot);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *offset_ms = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    if (rc == SQLITE_ROW)
        return 0;
    return rc == SQLITE_DONE ? STORE_E_NOT_FOUND : store_fail(s, "read the follower's clock offset");
}

int store_follow_offset_put(store_t *s, const char *boot, int64_t offset_ms)
{
    sqlite3_stmt *st = store_feed_prepare(s, "INSERT INTO follow_state (id, last_seq, primary_boot, offset_ms)"
                                             " VALUES (1, 0, ?1, ?2) ON CONFLICT (id) DO UPDATE SET primary_boot = ?1,"
                                             " offset_ms = ?2");
    if (st == NULL)
        return STORE_E_IO;
    store_bind_text(st, 1, boot);
    sqlite3_bind_int64(st, 2, offset_ms);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : store_fail(s, "write the follower's clock offset");
}

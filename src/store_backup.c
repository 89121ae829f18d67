/* The store's online backup (see store.h): SQLite's backup API from a second,
 * read-only connection that holds one read transaction from start to end, into an
 * in-memory database whose bytes become the snapshot.
 *
 * Why a second connection: in WAL mode a reader never blocks the writer, and its
 * read transaction pins one committed snapshot, so the live connection keeps
 * committing while the copy proceeds in slices, and the copy neither restarts nor
 * sees the group transaction's uncommitted writes. */
#include "store_impl.h"
#include "mem.h"

#include <stdio.h>

struct store_backup {
    sqlite3 *src;          /* read-only, inside one read transaction */
    sqlite3 *dst;          /* a memdb database: its pages are one buffer, handed out without a copy */
    sqlite3_backup *bk;
    unsigned char *image;  /* the bytes once done: dst's own buffer */
    size_t image_len;
};

static int backup_fail(char *err, size_t errlen, const char *what, sqlite3 *db)
{
    snprintf(err, errlen, "%s: %s", what, db ? sqlite3_errmsg(db) : "out of memory");
    return STORE_E_IO;
}

void store_backup_free(store_backup_t *b)
{
    if (!b)
        return;
    if (b->bk)
        sqlite3_backup_finish(b->bk);
    if (b->src) {
        sqlite3_exec(b->src, "COMMIT", NULL, NULL, NULL);
        sqlite3_close(b->src);
    }
    sqlite3_close(b->dst); /* frees image */
    free(b);
}

store_backup_t *store_backup_start(store_t *s, char *err, size_t errlen)
{
    const char *path = sqlite3_db_filename(s->db, "main");
    if (!path || !*path) {
        snprintf(err, errlen, "the database has no file to read a snapshot from");
        return NULL;
    }
    store_backup_t *b = mem_zalloc(sizeof(*b));
    sqlite3_stmt *st = NULL;
    int page_size = 0;
    /* The read transaction starts at the first read: from here on, b->src sees the
     * database as the last commit left it, whatever commits later. */
    if (sqlite3_open_v2(path, &b->src, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK ||
        sqlite3_exec(b->src, "BEGIN", NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(b->src, "PRAGMA page_size", -1, &st, NULL) != SQLITE_OK || sqlite3_step(st) != SQLITE_ROW) {
        backup_fail(err, errlen, "backup: cannot read the database", b->src);
        goto fail;
    }
    page_size = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    st = NULL;
    /* An in-memory destination must have the source's page size before the copy. */
    char sql[64];
    snprintf(sql, sizeof(sql), "PRAGMA page_size = %d", page_size);
    static unsigned seq; /* a name without "/" is private to its connection */
    char uri[64];
    snprintf(uri, sizeof(uri), "file:store-backup-%u?vfs=memdb", ++seq);
    if (sqlite3_open_v2(uri, &b->dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, NULL) !=
            SQLITE_OK ||
        sqlite3_exec(b->dst, sql, NULL, NULL, NULL) != SQLITE_OK) {
        backup_fail(err, errlen, "backup: cannot open the copy", b->dst);
        goto fail;
    }
    /* The copy's buffer grows in small steps, each a realloc of all of it: sized
     * once up front, it is never moved (a hint only: a failure costs time, not data). */
    sqlite3_int64 hint = 0;
    if (sqlite3_prepare_v2(b->src, "PRAGMA page_count", -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        hint = sqlite3_column_int64(st, 0) * page_size;
    sqlite3_finalize(st);
    st = NULL;
    if (hint > 0)
        sqlite3_file_control(b->dst, "main", SQLITE_FCNTL_SIZE_HINT, &hint);
    b->bk = sqlite3_backup_init(b->dst, "main", b->src, "main");
    if (!b->bk) {
        backup_fail(err, errlen, "backup: cannot start", b->dst);
        goto fail;
    }
    return b;
fail:
    sqlite3_finalize(st);
    store_backup_free(b);
    return NULL;
}

int store_backup_step(store_backup_t *b, int pages, char *err, size_t errlen)
{
    if (b->image)
        return 0;
    int rc = sqlite3_backup_step(b->bk, pages);
    if (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
        return 1;
    if (rc != SQLITE_DONE)
        return backup_fail(err, errlen, "backup: copy failed", b->dst);
    rc = sqlite3_backup_finish(b->bk);
    b->bk = NULL;
    if (rc != SQLITE_OK)
        return backup_fail(err, errlen, "backup: copy failed", b->dst);
    sqlite3_int64 n = 0;
    /* NOCOPY: a snapshot of a large log is tens of MB; one copy of it is enough. */
    b->image = sqlite3_serialize(b->dst, "main", &n, SQLITE_SERIALIZE_NOCOPY);
    if (!b->image)
        return backup_fail(err, errlen, "backup: cannot serialize the copy", b->dst);
    b->image_len = (size_t)n;
    return 0;
}

int store_backup_remaining(const store_backup_t *b)
{
    return b->bk ? sqlite3_backup_remaining(b->bk) : 0;
}

const unsigned char *store_backup_bytes(const store_backup_t *b, size_t *len)
{
    *len = b->image ? b->image_len : 0;
    return b->image;
}

/* faultvfs: see faultvfs.h. A shim over the default VFS (unix): every method is
 * forwarded; the files it opens carry their own io_methods table that counts, fails
 * or buffers writes before calling the real file's methods. Not thread-safe: the
 * server and the unit tests use SQLite from one thread. */
#include "faultvfs.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { FV_NONE, FV_WRITE, FV_SYNC, FV_TRUNCATE, FV_COUNT_ONLY, FV_POWERCUT };

/* One write not yet synced (powercut mode), kept in the order it was made. */
typedef struct fv_pending {
    struct fv_pending *next;
    sqlite3_int64 off;
    int len;
    unsigned char data[];
} fv_pending_t;

typedef struct fv_file {
    sqlite3_file base;
    sqlite3_file *real; /* the wrapped file, allocated right after this struct */
    int buffered;       /* powercut: writes wait for xSync */
    fv_pending_t *head, *tail;
    sqlite3_int64 pend_end; /* the largest end offset of a pending write */
    struct fv_file *next_open;
} fv_file_t;

static struct {
    int installed;
    int mode;
    uint64_t nth;     /* the call that fails (FV_WRITE..FV_TRUNCATE) */
    int sticky;       /* every call from nth on fails */
    uint64_t cut_at;  /* powercut:K: the Kth write-or-sync exits the process */
    int dead;         /* after faultvfs_cut: nothing reaches the disk any more */
    faultvfs_counts_t n;
    int report_fd;
    sqlite3_vfs *real;
    fv_file_t *open;
} fv = {.report_fd = -1};

static sqlite3_vfs fv_vfs;

static void fv_report(void)
{
    if (fv.report_fd < 0)
        return;
    char line[96];
    /* Fixed width, so each report overwrites the last one whole. */
    int len = snprintf(line, sizeof(line), "%20llu %20llu %20llu %20llu\n", (unsigned long long)fv.n.writes,
                       (unsigned long long)fv.n.syncs, (unsigned long long)fv.n.truncates, (unsigned long long)fv.n.faults);
    if (pwrite(fv.report_fd, line, (size_t)len, 0) != len) {
        close(fv.report_fd);
        fv.report_fd = -1;
    }
}

/* Counts one call of a kind; nonzero if it is the one to fail. */
static int fv_should_fail(int kind, uint64_t *counter)
{
    ++*counter;
    int fail = fv.mode == kind && (*counter == fv.nth || (fv.sticky && *counter > fv.nth));
    if (fail)
        fv.n.faults++;
    fv_report();
    return fail;
}

static void fv_drop_pending(fv_file_t *p)
{
    while (p->head) {
        fv_pending_t *w = p->head;
        p->head = w->next;
        free(w);
    }
    p->tail = NULL;
    p->pend_end = 0;
}

/* powercut:K: if this write or sync is the Kth, the power goes before it is done:
 * the pending writes die with the process. */
static void fv_maybe_cut(uint64_t *counter)
{
    if (fv.mode != FV_POWERCUT || fv.cut_at == 0 || fv.n.writes + fv.n.syncs + 1 != fv.cut_at)
        return;
    ++*counter;
    fv_report();
    _exit(137);
}

/* Writes the pending list to the real file, in order. */
static int fv_flush(fv_file_t *p)
{
    int rc = SQLITE_OK;
    for (fv_pending_t *w = p->head; w && rc == SQLITE_OK; w = w->next)
        rc = p->real->pMethods->xWrite(p->real, w->data, w->len, w->off);
    fv_drop_pending(p);
    return rc;
}

static int fv_close(sqlite3_file *f)
{
    fv_file_t *p = (fv_file_t *)f;
    if (fv.dead)
        fv_drop_pending(p);
    else
        fv_flush(p);
    for (fv_file_t **pp = &fv.open; *pp; pp = &(*pp)->next_open) {
        if (*pp == p) {
            *pp = p->next_open;
            break;
        }
    }
    return p->real->pMethods->xClose(p->real);
}

static int fv_file_size(sqlite3_file *f, sqlite3_int64 *size)
{
    fv_file_t *p = (fv_file_t *)f;
    int rc = p->real->pMethods->xFileSize(p->real, size);
    if (rc == SQLITE_OK && p->pend_end > *size)
        *size = p->pend_end;
    return rc;
}

static int fv_read(sqlite3_file *f, void *buf, int amt, sqlite3_int64 off)
{
    fv_file_t *p = (fv_file_t *)f;
    int rc = p->real->pMethods->xRead(p->real, buf, amt, off);
    if (p->head == NULL || (rc != SQLITE_OK && rc != SQLITE_IOERR_SHORT_READ))
        return rc;
    /* The real read zero-filled what lies past the real end; lay the pending
     * writes over it in the order they were made. */
    for (fv_pending_t *w = p->head; w; w = w->next) {
        sqlite3_int64 lo = w->off > off ? w->off : off;
        sqlite3_int64 hi = w->off + w->len < off + amt ? w->off + w->len : off + amt;
        if (lo < hi)
            memcpy((unsigned char *)buf + (lo - off), w->data + (lo - w->off), (size_t)(hi - lo));
    }
    if (rc == SQLITE_IOERR_SHORT_READ) {
        sqlite3_int64 size;
        if (fv_file_size(f, &size) == SQLITE_OK && off + amt <= size)
            rc = SQLITE_OK;
    }
    return rc;
}

static int fv_write(sqlite3_file *f, const void *buf, int amt, sqlite3_int64 off)
{
    fv_file_t *p = (fv_file_t *)f;
    fv_maybe_cut(&fv.n.writes);
    if (fv_should_fail(FV_WRITE, &fv.n.writes) || fv.dead)
        return SQLITE_IOERR_WRITE;
    if (!p->buffered)
        return p->real->pMethods->xWrite(p->real, buf, amt, off);
    fv_pending_t *w = malloc(sizeof(*w) + (size_t)amt);
    if (w == NULL)
        return SQLITE_IOERR_NOMEM;
    w->next = NULL;
    w->off = off;
    w->len = amt;
    memcpy(w->data, buf, (size_t)amt);
    if (p->tail)
        p->tail->next = w;
    else
        p->head = w;
    p->tail = w;
    if (off + amt > p->pend_end)
        p->pend_end = off + amt;
    return SQLITE_OK;
}

static int fv_truncate(sqlite3_file *f, sqlite3_int64 size)
{
    fv_file_t *p = (fv_file_t *)f;
    if (fv_should_fail(FV_TRUNCATE, &fv.n.truncates) || fv.dead)
        return SQLITE_IOERR_TRUNCATE;
    /* A truncate is applied at once (one outcome a power cut may leave); pending
     * writes past the new end are cut to match. */
    fv_pending_t **pp = &p->head;
    p->tail = NULL;
    p->pend_end = 0;
    while (*pp) {
        fv_pending_t *w = *pp;
        if (w->off >= size) {
            *pp = w->next;
            free(w);
            continue;
        }
        if (w->off + w->len > size)
            w->len = (int)(size - w->off);
        if (w->off + w->len > p->pend_end)
            p->pend_end = w->off + w->len;
        p->tail = w;
        pp = &w->next;
    }
    return p->real->pMethods->xTruncate(p->real, size);
}

static int fv_sync(sqlite3_file *f, int flags)
{
    fv_file_t *p = (fv_file_t *)f;
    fv_maybe_cut(&fv.n.syncs);
    if (fv_should_fail(FV_SYNC, &fv.n.syncs) || fv.dead)
        return SQLITE_IOERR_FSYNC;
    int rc = fv_flush(p);
    if (rc != SQLITE_OK)
        return rc;
    return p->real->pMethods->xSync(p->real, flags);
}

/* The rest is forwarded as is. */
static int fv_lock(sqlite3_file *f, int l)
{
    return ((fv_file_t *)f)->real->pMethods->xLock(((fv_file_t *)f)->real, l);
}
static int fv_unlock(sqlite3_file *f, int l)
{
    return ((fv_file_t *)f)->real->pMethods->xUnlock(((fv_file_t *)f)->real, l);
}
static int fv_check_reserved(sqlite3_file *f, int *out)
{
    return ((fv_file_t *)f)->real->pMethods->xCheckReservedLock(((fv_file_t *)f)->real, out);
}
static int fv_file_control(sqlite3_file *f, int op, void *arg)
{
    return ((fv_file_t *)f)->real->pMethods->xFileControl(((fv_file_t *)f)->real, op, arg);
}
static int fv_sector_size(sqlite3_file *f)
{
    return ((fv_file_t *)f)->real->pMethods->xSectorSize(((fv_file_t *)f)->real);
}
static int fv_device_chars(sqlite3_file *f)
{
    return ((fv_file_t *)f)->real->pMethods->xDeviceCharacteristics(((fv_file_t *)f)->real);
}
static int fv_shm_map(sqlite3_file *f, int pg, int sz, int extend, void volatile **pp)
{
    return ((fv_file_t *)f)->real->pMethods->xShmMap(((fv_file_t *)f)->real, pg, sz, extend, pp);
}
static int fv_shm_lock(sqlite3_file *f, int off, int n, int flags)
{
    return ((fv_file_t *)f)->real->pMethods->xShmLock(((fv_file_t *)f)->real, off, n, flags);
}
static void fv_shm_barrier(sqlite3_file *f)
{
    ((fv_file_t *)f)->real->pMethods->xShmBarrier(((fv_file_t *)f)->real);
}
static int fv_shm_unmap(sqlite3_file *f, int del)
{
    return ((fv_file_t *)f)->real->pMethods->xShmUnmap(((fv_file_t *)f)->real, del);
}

/* Version 2: WAL's shared memory, but no memory-mapped reads, which would bypass
 * the pending writes. */
static const sqlite3_io_methods fv_io = {
    2,           fv_close,      fv_read,      fv_write,         fv_truncate,    fv_sync,        fv_file_size, fv_lock,
    fv_unlock,   fv_check_reserved, fv_file_control, fv_sector_size, fv_device_chars, fv_shm_map, fv_shm_lock,
    fv_shm_barrier, fv_shm_unmap, NULL,         NULL,
};

static int fv_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *out_flags)
{
    (void)vfs;
    fv_file_t *p = (fv_file_t *)f;
    memset(p, 0, sizeof(*p));
    p->real = (sqlite3_file *)(p + 1);
    int rc = fv.real->xOpen(fv.real, name, p->real, flags, out_flags);
    if (rc != SQLITE_OK) {
        p->base.pMethods = NULL; /* SQLite then does not call xClose */
        return rc;
    }
    p->buffered = fv.mode == FV_POWERCUT && (flags & (SQLITE_OPEN_MAIN_DB | SQLITE_OPEN_MAIN_JOURNAL | SQLITE_OPEN_WAL));
    p->base.pMethods = &fv_io;
    p->next_open = fv.open;
    fv.open = p;
    return SQLITE_OK;
}

static int fv_delete(sqlite3_vfs *vfs, const char *name, int sync_dir)
{
    (void)vfs;
    if (fv.dead)
        return SQLITE_IOERR_DELETE;
    return fv.real->xDelete(fv.real, name, sync_dir);
}
static int fv_access(sqlite3_vfs *vfs, const char *name, int flags, int *out)
{
    (void)vfs;
    return fv.real->xAccess(fv.real, name, flags, out);
}
static int fv_full_pathname(sqlite3_vfs *vfs, const char *name, int n, char *out)
{
    (void)vfs;
    return fv.real->xFullPathname(fv.real, name, n, out);
}
static void *fv_dlopen(sqlite3_vfs *vfs, const char *name)
{
    (void)vfs;
    return fv.real->xDlOpen(fv.real, name);
}
static void fv_dlerror(sqlite3_vfs *vfs, int n, char *msg)
{
    (void)vfs;
    fv.real->xDlError(fv.real, n, msg);
}
static void (*fv_dlsym(sqlite3_vfs *vfs, void *h, const char *sym))(void)
{
    (void)vfs;
    return fv.real->xDlSym(fv.real, h, sym);
}
static void fv_dlclose(sqlite3_vfs *vfs, void *h)
{
    (void)vfs;
    fv.real->xDlClose(fv.real, h);
}
static int fv_randomness(sqlite3_vfs *vfs, int n, char *out)
{
    (void)vfs;
    return fv.real->xRandomness(fv.real, n, out);
}
static int fv_sleep(sqlite3_vfs *vfs, int us)
{
    (void)vfs;
    return fv.real->xSleep(fv.real, us);
}
static int fv_current_time(sqlite3_vfs *vfs, double *t)
{
    (void)vfs;
    return fv.real->xCurrentTime(fv.real, t);
}
static int fv_last_error(sqlite3_vfs *vfs, int n, char *msg)
{
    (void)vfs;
    return fv.real->xGetLastError(fv.real, n, msg);
}
static int fv_current_time64(sqlite3_vfs *vfs, sqlite3_int64 *t)
{
    (void)vfs;
    return fv.real->xCurrentTimeInt64(fv.real, t);
}

int faultvfs_configure(const char *spec)
{
    fv.mode = FV_NONE;
    fv.nth = 0;
    fv.sticky = 0;
    fv.cut_at = 0;
    if (spec == NULL || *spec == '\0')
        return 0;
    static const struct {
        const char *name;
        int mode;
    } kinds[] = {{"write:", FV_WRITE}, {"sync:", FV_SYNC}, {"truncate:", FV_TRUNCATE}, {"powercut:", FV_POWERCUT}};
    if (strcmp(spec, "count") == 0) {
        fv.mode = FV_COUNT_ONLY;
        return 0;
    }
    if (strcmp(spec, "powercut") == 0) {
        fv.mode = FV_POWERCUT;
        return 0;
    }
    for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
        size_t len = strlen(kinds[i].name);
        if (strncmp(spec, kinds[i].name, len) != 0)
            continue;
        char *end;
        unsigned long long n = strtoull(spec + len, &end, 10);
        int sticky = *end == '+' && kinds[i].mode != FV_POWERCUT;
        if (n == 0 || end == spec + len || end[sticky] != '\0')
            return -1;
        fv.mode = kinds[i].mode;
        if (fv.mode == FV_POWERCUT)
            fv.cut_at = n;
        else
            fv.nth = n;
        fv.sticky = sticky;
        return 0;
    }
    return -1;
}

void faultvfs_counts(faultvfs_counts_t *out)
{
    *out = fv.n;
}

void faultvfs_reset(void)
{
    memset(&fv.n, 0, sizeof(fv.n));
    fv.dead = 0;
}

void faultvfs_cut(void)
{
    for (fv_file_t *p = fv.open; p; p = p->next_open)
        fv_drop_pending(p);
    fv.dead = 1;
}

int faultvfs_install(void)
{
    if (fv.installed)
        return SQLITE_OK;
    fv.real = sqlite3_vfs_find(NULL);
    if (fv.real == NULL)
        return SQLITE_ERROR;
    fv_vfs = (sqlite3_vfs){
        .iVersion = 2,
        .szOsFile = (int)sizeof(fv_file_t) + fv.real->szOsFile,
        .mxPathname = fv.real->mxPathname,
        .zName = "faultvfs",
        .xOpen = fv_open,
        .xDelete = fv_delete,
        .xAccess = fv_access,
        .xFullPathname = fv_full_pathname,
        .xDlOpen = fv_dlopen,
        .xDlError = fv_dlerror,
        .xDlSym = fv_dlsym,
        .xDlClose = fv_dlclose,
        .xRandomness = fv_randomness,
        .xSleep = fv_sleep,
        .xCurrentTime = fv_current_time,
        .xGetLastError = fv_last_error,
        .xCurrentTimeInt64 = fv_current_time64,
    };
    int rc = sqlite3_vfs_register(&fv_vfs, 1);
    if (rc == SQLITE_OK)
        fv.installed = 1;
    return rc;
}

static int fv_cache_pages;

/* Runs on every sqlite3_open: a tiny page cache makes SQLite spill dirty pages to
 * the WAL in the middle of a statement, so a fault can hit a statement inside an
 * open transaction and not only its COMMIT. */
static int fv_small_cache(sqlite3 *db, char **err, const void *api)
{
    (void)err;
    (void)api;
    char sql[64];
    snprintf(sql, sizeof(sql), "PRAGMA cache_size = %d", fv_cache_pages);
    return sqlite3_exec(db, sql, NULL, NULL, NULL);
}

static void fv_at_exit(void)
{
    fprintf(stderr, "faultvfs: %llu writes, %llu syncs, %llu truncates, %llu faults\n", (unsigned long long)fv.n.writes,
            (unsigned long long)fv.n.syncs, (unsigned long long)fv.n.truncates, (unsigned long long)fv.n.faults);
}

/* Runs before main: a program linked with this file uses it for every database. */
__attribute__((constructor)) static void fv_init(void)
{
    const char *spec = getenv("STATE_SERVER_FAULT");
    if (faultvfs_configure(spec) != 0) {
        fprintf(stderr, "faultvfs: STATE_SERVER_FAULT=%s is not count, write:N[+], sync:N[+], truncate:N[+], powercut[:K]\n",
                spec);
        _exit(2);
    }
    const char *report = getenv("STATE_SERVER_FAULT_REPORT");
    if (report && *report)
        fv.report_fd = open(report, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (faultvfs_install() != SQLITE_OK) {
        fprintf(stderr, "faultvfs: cannot register the VFS\n");
        _exit(2);
    }
    const char *cache = getenv("STATE_SERVER_FAULT_CACHE");
    if (cache && *cache) {
        fv_cache_pages = atoi(cache);
        sqlite3_auto_extension((void (*)(void))fv_small_cache);
    }
    if (spec && *spec)
        atexit(fv_at_exit);
}

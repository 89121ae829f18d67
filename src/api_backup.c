/* GET /api/backup (section 12): a consistent snapshot of the whole database as a
 * file, copied in short slices from a 1 ms timer so the loop keeps serving (and
 * committing) between them; the snapshot is the database as of the request. */
#include "api_impl.h"
#include "http.h"
#include "log.h"
#include "now.h"
#include "store.h"

#include <stdio.h>
#include <time.h>

/* Longest the loop spends copying in one turn, and pages copied per step inside it. */
#define API_BACKUP_SLICE_MS 8
#define API_BACKUP_PAGES 256

typedef struct {
    app_t *app;
    h2o_req_t *req;
    store_backup_t *b;
    h2o_timeout_t timeout; /* 1 ms: a zero timeout re-linked from its callback would run again in the same turn */
    h2o_timeout_entry_t entry;
    h2o_generator_t generator;
    int64_t started_ms;
    int64_t longest_slice_ms;
} api_backup_job_t;

/* Runs when the request's pool goes: after the response, or when the client left mid-copy. */
static void api_backup_dispose(void *p)
{
    api_backup_job_t *job = p;
    if (h2o_timeout_is_linked(&job->entry))
        h2o_timeout_unlink(&job->entry);
    h2o_timeout_dispose(job->app->loop, &job->timeout);
    store_backup_free(job->b);
    job->b = NULL;
}

static void api_backup_send(api_backup_job_t *job)
{
    h2o_req_t *req = job->req;
    size_t len;
    const unsigned char *bytes = store_backup_bytes(job->b, &len);
    char name[64];
    time_t t = (time_t)(now_wall_ms() / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(name, sizeof(name), "attachment; filename=\"state-%Y%m%d-%H%M%S.db\"", &tm);
    log_info("backup: %zu bytes in %lld ms (longest slice %lld ms)", len, (long long)(now_mono_ms() - job->started_ms),
             (long long)job->longest_slice_ms);
    http_header(req, "content-disposition", name);
    h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CACHE_CONTROL, NULL, H2O_STRLIT("no-store"));
    h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CONTENT_TYPE, NULL, H2O_STRLIT("application/vnd.sqlite3"));
    req->res.status = 200;
    req->res.reason = "OK";
    req->res.content_length = len;
    /* The body is the backup's own buffer, sent without a copy; it lives until the
     * request's pool goes (api_backup_dispose), after the last byte is written. */
    job->generator = (h2o_generator_t){NULL, NULL};
    h2o_start_response(req, &job->generator);
    h2o_iovec_t body = h2o_iovec_init(bytes, len);
    h2o_send(req, &body, 1, H2O_SEND_STATE_FINAL);
}

static void api_backup_slice(h2o_timeout_entry_t *entry)
{
    api_backup_job_t *job = H2O_STRUCT_FROM_MEMBER(api_backup_job_t, entry, entry);
    char err[300];
    int64_t t0 = now_mono_ms();
    int rc;
    do
        rc = store_backup_step(job->b, API_BACKUP_PAGES, err, sizeof(err));
    while (rc == 1 && now_mono_ms() - t0 < API_BACKUP_SLICE_MS);
    if (now_mono_ms() - t0 > job->longest_slice_ms)
        job->longest_slice_ms = now_mono_ms() - t0;
    if (rc == 1) {
        h2o_timeout_link(job->app->loop, &job->timeout, &job->entry);
        return;
    }
    if (rc < 0) {
        log_error("%s", err);
        api_error(job->app, job->req, WIRE_E_INTERNAL, "the backup failed");
        return;
    }
    api_backup_send(job);
}

void api_backup(app_t *app, h2o_req_t *req)
{
    char err[300];
    store_backup_t *b = store_backup_start(app->store, err, sizeof(err));
    if (!b) {
        log_error("%s", err);
        api_error(app, req, WIRE_E_INTERNAL, "the backup failed");
        return;
    }
    api_backup_job_t *job = h2o_mem_alloc_shared(&req->pool, sizeof(*job), api_backup_dispose);
    *job = (api_backup_job_t){.app = app, .req = req, .b = b, .started_ms = now_mono_ms()};
    h2o_timeout_init(app->loop, &job->timeout, 1);
    job->entry.cb = api_backup_slice;
    /* The first slice runs now: a small database is done before the handler returns. */
    api_backup_slice(&job->entry);
}

/* Files compiled into the binary: the built web app and the SQL migrations.
 * The tables are generated at build time by src/tools/embed.c; this header and
 * assets.c own lookups into them and the serving of web files (caching headers,
 * ETag, gzip). Everything here is read-only static data. */
#ifndef STATE_ASSETS_H
#define STATE_ASSETS_H

#include <stddef.h>

typedef struct {
    const char *path;         /* "/index.html", "/assets/app-1a2b.js", ... */
    const char *content_type;
    const char *etag;         /* quoted, changes when the bytes do */
    const unsigned char *data;
    size_t len;
    const unsigned char *gz;  /* gzip copy, or NULL when it would not save space */
    size_t gz_len;
} assets_file_t;

typedef struct {
    const char *name; /* "001_init.sql": applied in this (sorted) order */
    const char *sql;  /* NUL-terminated */
} assets_schema_t;

extern const assets_file_t assets_files[];
extern const size_t assets_nfiles;
extern const assets_schema_t assets_schema[];
extern const size_t assets_nschema;

/* Finds an embedded web file by its exact path, or NULL. */
const assets_file_t *assets_find(const char *path, size_t len);
/* True when a path is one of the web app's own routes (served with index.html). */
int assets_is_app_route(const char *path, size_t len);

struct st_h2o_req_t;
/* Answers a GET or HEAD with an embedded file: 304 for a matching If-None-Match,
 * the gzip copy when the client takes it, long caching for hashed assets. The
 * bytes go out straight from the binary, with no copy. */
void assets_send(struct st_h2o_req_t *req, const assets_file_t *f);

#endif

/* The store's shared helpers (see store_impl.h), used by store.c and store_grants.c. */
#include "store_impl.h"
#include "log.h"

#include <stdio.h>

int store_fail(store_t *s, const char *what)
{
    snprintf(s->last_error, sizeof(s->last_error), "%s: %s", what, sqlite3_errmsg(s->db));
    log_error("database: %s", s->last_error);
    return STORE_E_IO;
}





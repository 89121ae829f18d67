/* A string-keyed hash map of pointers (open addressing, linear probing). The map
 * copies keys and owns those copies; it never owns the values. */
#ifndef STATE_MAP_H
#define STATE_MAP_H

#include <stddef.h>

typedef struct {
    char **keys;
    void **vals;
    size_t cap;  /* a power of two, or 0 */
    size_t len;
    size_t used; /* live entries plus tombstones */
} map_t;

/* Makes an empty map. */
void map_init(map_t *m);
/* Frees the map's storage (not the values). */
void map_free(map_t *m);
/* The value stored under key, or NULL. */
void *map_get(const map_t *m, const char *key);
/* Stores val (not NULL) under key, replacing any earlier value. */
void map_put(map_t *m, const char *key, void *val);
/* Removes key; returns its value or NULL. */
void *map_del(map_t *m, const char *key);
/* Iteration: for (size_t i = 0; map_next(m, &i, &k, &v);) visits every entry once.
 * The map must not change during the loop except by map_del of the current key. */
int map_next(const map_t *m, size_t *iter, const char **key, void **val);

#endif

#include "map.h"
#include "mem.h"

#include <stdint.h>
#include <string.h>

static char map_tomb;

static uint64_t map_hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    while (*s)
        h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
    return h;
}

void map_init(map_t *m)
{
    memset(m, 0, sizeof(*m));
}

void map_free(map_t *m)
{
    for (size_t i = 0; i < m->cap; i++)
        if (m->keys[i] && m->keys[i] != &map_tomb)
            free(m->keys[i]);
    free(m->keys);
    free(m->vals);
    map_init(m);
}

static size_t map_find(const map_t *m, const char *key)
{
    size_t mask = m->cap - 1;
    for (size_t i = map_hash(key) & mask;; i = (i + 1) & mask) {
        if (m->keys[i] == NULL)
            return SIZE_MAX;
        if (m->keys[i] != &map_tomb && strcmp(m->keys[i], key) == 0)
            return i;
    }
}

void *map_get(const map_t *m, const char *key)
{
    if (m->cap == 0)
        return NULL;
    size_t i = map_find(m, key);
    return i == SIZE_MAX ? NULL : m->vals[i];
}

static void map_grow(map_t *m)
{
    map_t n;
    map_init(&n);
    n.cap = m->cap ? m->cap * 2 : 16;
    while (m->len * 2 >= n.cap)
        n.cap *= 2;
    n.keys = mem_zalloc(n.cap * sizeof(char *));
    n.vals = mem_zalloc(n.cap * sizeof(void *));
    for (size_t i = 0; i < m->cap; i++) {
        if (m->keys[i] == NULL || m->keys[i] == &map_tomb)
            continue;
        size_t j = map_hash(m->keys[i]) & (n.cap - 1);
        while (n.keys[j])
            j = (j + 1) & (n.cap - 1);
        n.keys[j] = m->keys[i];
        n.vals[j] = m->vals[i];
        n.len++;
        n.used++;
    }
    free(m->keys);
    free(m->vals);
    *m = n;
}

void map_put(map_t *m, const char *key, void *val)
{
    if (m->cap) {
        size_t i = map_find(m, key);
        if (i != SIZE_MAX) {
            m->vals[i] = val;
            return;
        }
    }
    if ((m->used + 1) * 4 >= m->cap * 3)
        map_grow(m);
    size_t mask = m->cap - 1;
    size_t i = map_hash(key) & mask;
    while (m->keys[i] && m->keys[i] != &map_tomb)
        i = (i + 1) & mask;
    if (m->keys[i] == NULL)
        m->used++;
    m->keys[i] = mem_strndup(key, strlen(key));
    m->vals[i] = val;
    m->len++;
}

void *map_del(map_t *m, const char *key)
{
    if (m->cap == 0)
        return NULL;
    size_t i = map_find(m, key);
    if (i == SIZE_MAX)
        return NULL;
    void *v = m->vals[i];
    free(m->keys[i]);
    m->keys[i] = &map_tomb;
    m->vals[i] = NULL;
    m->len--;
    return v;
}

int map_next(const map_t *m, size_t *iter, const char **key, void **val)
{
    for (; *iter < m->cap; (*iter)++) {
        if (m->keys[*iter] && m->keys[*iter] != &map_tomb) {
            *key = m->keys[*iter];
            *val = m->vals[*iter];
            (*iter)++;
            return 1;
        }
    }
    return 0;
}

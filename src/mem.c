#include "mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *mem_check(void *p, size_t n)
{
    if (p == NULL && n != 0) {
        fprintf(stderr, "fatal: out of memory allocating %zu bytes\n", n);
        abort();
    }
    return p;
}

void *mem_alloc(size_t n)
{
    return mem_check(malloc(n ? n : 1), n ? n : 1);
}

void *mem_zalloc(size_t n)
{
    return mem_check(calloc(1, n ? n : 1), n ? n : 1);
}

void *mem_realloc(void *p, size_t n)
{
    return mem_check(realloc(p, n ? n : 1), n ? n : 1);
}

char *mem_strndup(const char *s, size_t n)
{
    char *d = mem_alloc(n + 1);
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

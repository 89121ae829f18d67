/* Allocation wrappers. Out of memory is not a recoverable condition on an
 * appliance: these abort with a message instead of returning NULL, so callers
 * never carry half-built state. Whoever calls mem_alloc owns the block and frees it
 * with free(). */
#ifndef STATE_MEM_H
#define STATE_MEM_H

#include <stddef.h>
#include <stdlib.h> /* free() */

/* malloc that never returns NULL (aborts on failure). */
void *mem_alloc(size_t n);
/* calloc that never returns NULL. */
void *mem_zalloc(size_t n);
/* realloc that never returns NULL. */
void *mem_realloc(void *p, size_t n);
/* strndup that never returns NULL; the copy is NUL-terminated. */
char *mem_strndup(const char *s, size_t n);

#endif

/* Byte buffers.
 *
 * buf_t is a growable buffer owned by whoever declared it (buf_free releases the
 * storage). buf_shared_t is an immutable, reference-counted block used for data
 * that many owners hold at once: a broadcast frame is encoded once and every
 * recipient's write queue takes a reference; the last buf_shared_unref frees it. */
#ifndef STATE_BUF_H
#define STATE_BUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct {
    char *data; /* NUL-terminated after every append (not counted in len) */
    size_t len;
    size_t cap;
} buf_t;

/* Makes an empty buffer (no allocation until the first append). */
void buf_init(buf_t *b);
/* Releases the storage; the buffer is empty and reusable afterwards. */
void buf_free(buf_t *b);
/* Empties the buffer, keeping its storage for reuse. */
void buf_reset(buf_t *b);
/* Makes room for n more bytes and returns a pointer to them (len unchanged). */
char *buf_reserve(buf_t *b, size_t n);
/* Appends n bytes. Inline, like buf_putc: rendering one state makes hundreds of
 * small appends, and the call was a few per cent of a change's cost. */
static inline void buf_append(buf_t *b, const void *p, size_t n)
{
    if (b->len + n + 1 > b->cap)
        buf_reserve(b, n);
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
}
/* Appends a NUL-terminated string. */
static inline void buf_puts(buf_t *b, const char *s)
{
    buf_append(b, s, strlen(s));
}
/* Appends one byte. */
static inline void buf_putc(buf_t *b, char c)
{
    if (b->len + 2 > b->cap)
        buf_reserve(b, 1);
    b->data[b->len++] = c;
    b->data[b->len] = '\0';
}
/* Appends printf-formatted text. */
void buf_printf(buf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends a signed integer in decimal. */
void buf_put_i64(buf_t *b, int64_t v);

typedef struct buf_shared {
    size_t refs;
    size_t len;
    uint8_t data[];
} buf_shared_t;

/* Allocates a shared block of len bytes with one reference (the caller's). */
buf_shared_t *buf_shared_new(size_t len);
/* Takes another reference and returns the same block. Inline: a broadcast takes
 * and drops one per recipient. */
static inline buf_shared_t *buf_shared_ref(buf_shared_t *s)
{
    s->refs++;
    return s;
}
/* Drops a reference; frees the block when it was the last. NULL is ignored. */
static inline void buf_shared_unref(buf_shared_t *s)
{
    if (s != NULL && --s->refs == 0)
        free(s);
}

/* Appends s as one CSV field (RFC 4180): quoted when it holds a comma, quote or line
 * break, or always; a leading = + - @ tab or CR gets a ' so that a spreadsheet shows
 * it as text instead of running it. NULL is the empty field. */
void buf_put_csv(buf_t *b, const char *s, bool always_quote);

#endif

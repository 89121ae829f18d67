/* UTF-8, strictly (RFC 3629): no overlong forms, no surrogates, nothing past
 * U+10FFFF. One decoder for the WebSocket's text check, the JSON reader and the
 * rules' name checks. Pure functions over byte slices. */
#ifndef STATE_UTF8_H
#define STATE_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Decodes the sequence at s (at most len bytes): its length, with *cp set, or 0
 * when it is not valid UTF-8. cp may be NULL. */
size_t utf8_next(const unsigned char *s, size_t len, uint32_t *cp);
/* True when all n bytes are valid UTF-8. */
bool utf8_valid(const char *s, size_t n);
/* Number of code points in n bytes of valid UTF-8. */
size_t utf8_chars(const char *s, size_t n);

#endif

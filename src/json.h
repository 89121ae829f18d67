/* JSON reading (on top of jsmn) and writing.
 *
 * Reading: json_parse tokenizes a whole document into a caller-owned token array
 * and then validates what jsmn leaves loose (literals, number grammar, escapes,
 * UTF-8, object keys, trailing bytes), so every accessor below sees well-formed
 * JSON. Token indexes are ints; -1 means "absent". Nothing here allocates.
 *
 * Writing: helpers that append to a buf_t, with strings escaped. */
#ifndef STATE_JSON_H
#define STATE_JSON_H

#define JSMN_HEADER
#include <jsmn.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

typedef enum { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_OBJECT, JSON_ARRAY } json_type_t;

typedef struct {
    const char *js;
    size_t len;
    jsmntok_t *tok;
    int ntok;
} json_doc_t;

#define JSON_E_SYNTAX (-1)   /* not valid JSON */
#define JSON_E_TOO_DEEP (-2) /* more tokens than the caller's array holds */

/* Parses and validates js[0..len). Returns 0, JSON_E_SYNTAX or JSON_E_TOO_DEEP. */
int json_parse(json_doc_t *d, const char *js, size_t len, jsmntok_t *toks, int maxtok);
/* The JSON type of token i. */
json_type_t json_type(const json_doc_t *d, int i);
/* The index of the first token after token i and everything inside it. */
int json_next(const json_doc_t *d, int i);
/* The value token of key in object obj, or -1 (also when obj is not an object). */
int json_get(const json_doc_t *d, int obj, const char *key);
/* Calls nothing; iterate an object with: for (k = obj + 1, n = 0; n < size; n++, k = json_next(d, k + 1)). */
int json_size(const json_doc_t *d, int i);
/* Integer value of a number token with no fraction or exponent within int64. 0 or -1. */
int json_int(const json_doc_t *d, int i, int64_t *out);
/* Boolean value. 0 or -1 when the token is not a boolean. */
int json_bool(const json_doc_t *d, int i, bool *out);
/* Unescapes a string token into out (NUL-terminated). Returns its byte length, or -1
 * if the token is not a string, contains NUL, or does not fit in cap - 1 bytes. */
int json_str(const json_doc_t *d, int i, char *out, size_t cap);
/* True when token i is a string equal to s (after unescaping). */
bool json_str_eq(const json_doc_t *d, int i, const char *s);
/* Raw text of token i (strings include their quotes). */
const char *json_raw(const json_doc_t *d, int i, size_t *len);

/* Checks of JSON literal text, for values kept and written verbatim (game
 * settings). Pure, no tokenizer. */
/* A string literal, quotes included, as RFC 8259 allows it: the number of
 * characters (an escape counts as one), or -1. */
long json_lit_string_chars(const char *s, size_t len);
/* True when s is exactly one JSON number. */
bool json_lit_number(const char *s, size_t len);
/* A JSON integer of at most 12 digits into *v; false for anything else. */
bool json_lit_int(const char *s, size_t len, int64_t *v);

/* Value of one hex digit (0-9, a-f, A-F), or -1. Shared with URL decoding. */
int json_hex_digit(char c);

/* Appends s[0..n) as a quoted JSON string. Invalid UTF-8 bytes become U+FFFD. */
void json_put_str(buf_t *b, const char *s, size_t n);
/* Same for a NUL-terminated string. */
void json_put_cstr(buf_t *b, const char *s);
/* Appends ,"key": with a leading comma unless first. */
void json_put_key(buf_t *b, const char *key, bool first);

#endif

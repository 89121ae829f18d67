/* Roles, tokens and join codes (PROTOCOL.md section 3).
 *
 * Tokens are 128+ random bits from the OS, shown to their owner once and stored
 * only as SHA-256 hashes, so a copy of the database does not hand out sessions.
 * Comparisons are constant-time. Failed join attempts are limited per address
 * with a token bucket (numbers in docs/security.md). */
#ifndef STATE_AUTH_H
#define STATE_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum { AUTH_NONE = 0, AUTH_HOST, AUTH_PLAYER, AUTH_OBSERVER, AUTH_ENTRANT } auth_role_t;

/* Who a connection or request is. game_id and player are set for players and
 * observers (player is 1 or 2 for players, 0 otherwise). A token of an event
 * (section 11) also has event_id, and an entrant's its entrant_id: an entrant is
 * AUTH_ENTRANT, or AUTH_PLAYER of its table's game while it has one; an event
 * observer is AUTH_OBSERVER with no game_id. */
typedef struct {
    auth_role_t role;
    int player;
    char game_id[48];
    int64_t session_id; /* row of the session (0 for host and loopback) */
    char event_id[16];
    int64_t entrant_id;
} auth_who_t;

#define AUTH_TOKEN_LEN 32     /* hex characters of a new token: 128 bits */
#define AUTH_HASH_LEN 64      /* hex characters of a SHA-256 */
#define AUTH_CODE_LEN 6
#define AUTH_CODE_ALPHABET "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

/* "host", "player", "observer", "entrant" or "none". */
const char *auth_role_name(auth_role_t r);
/* Parses "player" or "observer" (the roles an invite can carry); -1 otherwise. */
int auth_role_parse(const char *s, auth_role_t *out);
/* Fills out with n bytes from the OS random source. 0 or -1. */
int auth_random(void *out, size_t n);
/* Makes a new random token: AUTH_TOKEN_LEN hex characters and a NUL. 0 or -1. */
int auth_new_token(char out[AUTH_TOKEN_LEN + 1]);
/* Makes a new join code from AUTH_CODE_ALPHABET. 0 or -1. */
int auth_new_code(char out[AUTH_CODE_LEN + 1]);
/* Normalizes a typed join code in place (upper case, no spaces or dashes) and
 * checks it against the alphabet. true if it is a well-formed code. */
bool auth_code_normalize(char *code);
/* SHA-256 of a token as lower-case hex. */
void auth_hash(const char *token, size_t len, char out[AUTH_HASH_LEN + 1]);
/* Constant-time equality of two equal-length strings (length is not secret). */
bool auth_equal(const char *a, const char *b, size_t len);

/* The host token at start-up. A given token (--host-token) replaces the stored
 * hash; else a stored hash (AUTH_HASH_LEN characters, or "" when none) is kept;
 * else a new token is made, to be shown once (new_token; "" otherwise). hash
 * gets the hash in force. Returns 1 when hash must be stored, 0 when it is
 * stored already, -1 when the system has no randomness. No I/O: the caller
 * reads and writes the store. */
int auth_host_bootstrap(const char *given, const char *stored, char hash[AUTH_HASH_LEN + 1], char new_token[AUTH_TOKEN_LEN + 1]);

/* Per-address limiter for failed join attempts. */
typedef struct auth_limiter auth_limiter_t;
/* burst failures allowed at once, then one more every refill_ms. */
auth_limiter_t *auth_limiter_new(int burst, int64_t refill_ms);
void auth_limiter_free(auth_limiter_t *l);
/* True when addr may try now (it has budget left). */
bool auth_limiter_allow(auth_limiter_t *l, const char *addr, int64_t now_ms);
/* Records a failed attempt by addr. */
void auth_limiter_fail(auth_limiter_t *l, const char *addr, int64_t now_ms);
/* Milliseconds until addr may try again (0 if now). */
int64_t auth_limiter_retry_after(auth_limiter_t *l, const char *addr, int64_t now_ms);

#endif

#include "auth.h"
#include "map.h"
#include "mem.h"

#include <ctype.h>
#include <errno.h>
#include <openssl/sha.h>
#include <string.h>
#include <sys/random.h>

const char *auth_role_name(auth_role_t r)
{
    switch (r) {
    case AUTH_HOST: return "host";
    case AUTH_PLAYER: return "player";
    case AUTH_OBSERVER: return "observer";
    case AUTH_ENTRANT: return "entrant";
    default: return "none";
    }
}

int auth_role_parse(const char *s, auth_role_t *out)
{
    if (strcmp(s, "player") == 0)
        *out = AUTH_PLAYER;
    else if (strcmp(s, "observer") == 0)
        *out = AUTH_OBSERVER;
    else
        return -1;
    return 0;
}

int auth_random(void *out, size_t n)
{
    unsigned char *p = out;
    while (n > 0) {
        ssize_t got = getrandom(p, n, 0);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += got;
        n -= (size_t)got;
    }
    return 0;
}

int auth_new_token(char out[AUTH_TOKEN_LEN + 1])
{
    static const char hex[] = "0123456789abcdef";
    unsigned char raw[AUTH_TOKEN_LEN / 2];
    if (auth_random(raw, sizeof(raw)) != 0)
        return -1;
    for (size_t i = 0; i < sizeof(raw); i++) {
        out[2 * i] = hex[raw[i] >> 4];
        out[2 * i + 1] = hex[raw[i] & 15];
    }
    out[AUTH_TOKEN_LEN] = '\0';
    return 0;
}

int auth_new_code(char out[AUTH_CODE_LEN + 1])
{
    const size_t n = sizeof(AUTH_CODE_ALPHABET) - 1; /* 31 */
    for (int i = 0; i < AUTH_CODE_LEN;) {
        unsigned char b;
        if (auth_random(&b, 1) != 0)
            return -1;
        if (b >= 248)
            continue; /* 248 = 8 * 31: reject to keep every character equally likely */
        out[i++] = AUTH_CODE_ALPHABET[b % n];
    }
    out[AUTH_CODE_LEN] = '\0';
    return 0;
}

bool auth_code_normalize(char *code)
{
    size_t o = 0;
    for (size_t i = 0; code[i]; i++) {
        char c = code[i];
        if (c == ' ' || c == '-')
            continue;
        c = (char)toupper((unsigned char)c);
        if (strchr(AUTH_CODE_ALPHABET, c) == NULL || o >= AUTH_CODE_LEN)
            return false;
        code[o++] = c;
    }
    code[o] = '\0';
    return o == AUTH_CODE_LEN;
}

void auth_hash(const char *token, size_t len, char out[AUTH_HASH_LEN + 1])
{
    static const char hex[] = "0123456789abcdef";
    unsigned char d[SHA256_DIGEST_LENGTH];
    SHA256((const unsigned char *)token, len, d);
    for (int i = 0; i < SHA256_DIGEST_LENGTH; i++) {
        out[2 * i] = hex[d[i] >> 4];
        out[2 * i + 1] = hex[d[i] & 15];
    }
    out[AUTH_HASH_LEN] = '\0';
}

bool auth_equal(const char *a, const char *b, size_t len)
{
    volatile unsigned char diff = 0;
    for (size_t i = 0; i < len; i++)
        diff |= (unsigned char)(a[i] ^ b[i]);
    return diff == 0;
}

typedef struct {
    double tokens;
    int64_t last_ms;
} auth_bucket_t;

struct auth_limiter {
    map_t buckets;
    int burst;
    int64_t refill_ms;
    int64_t last_sweep_ms;
};

auth_limiter_t *auth_limiter_new(int burst, int64_t refill_ms)
{
    auth_limiter_t *l = mem_zalloc(sizeof(*l));
    map_init(&l->buckets);
    l->burst = burst;
    l->refill_ms = refill_ms;
    return l;
}

void auth_limiter_free(auth_limiter_t *l)
{
    if (!l)
        return;
    const char *k;
    void *v;
    for (size_t i = 0; map_next(&l->buckets, &i, &k, &v);)
        free(v);
    map_free(&l->buckets);
    free(l);
}

static auth_bucket_t *auth_bucket(auth_limiter_t *l, const char *addr, int64_t now_ms, bool create)
{
    /* Forget addresses whose bucket is full again, so a scan of many addresses
     * cannot grow the table without bound. */
    if (now_ms - l->last_sweep_ms > 60000) {
        l->last_sweep_ms = now_ms;
        const char *k;
        void *v;
        for (size_t i = 0; map_next(&l->buckets, &i, &k, &v);) {
            auth_bucket_t *b = v;
            if ((double)(now_ms - b->last_ms) / (double)l->refill_ms + b->tokens >= l->burst) {
                map_del(&l->buckets, k);
                free(b);
            }
        }
    }
    auth_bucket_t *b = map_get(&l->buckets, addr);
    if (b == NULL) {
        if (!create)
            return NULL;
        b = mem_alloc(sizeof(*b));
        b->tokens = l->burst;
        b->last_ms = now_ms;
        map_put(&l->buckets, addr, b);
    }
    b->tokens += (double)(now_ms - b->last_ms) / (double)l->refill_ms;
    if (b->tokens > l->burst)
        b->tokens = l->burst;
    b->last_ms = now_ms;
    return b;
}

bool auth_limiter_allow(auth_limiter_t *l, const char *addr, int64_t now_ms)
{
    auth_bucket_t *b = auth_bucket(l, addr, now_ms, false);
    return b == NULL || b->tokens >= 1.0;
}

void auth_limiter_fail(auth_limiter_t *l, const char *addr, int64_t now_ms)
{
    auth_bucket_t *b = auth_bucket(l, addr, now_ms, true);
    b->tokens -= 1.0;
    if (b->tokens < 0)
        b->tokens = 0;
}

int64_t auth_limiter_retry_after(auth_limiter_t *l, const char *addr, int64_t now_ms)
{
    auth_bucket_t *b = auth_bucket(l, addr, now_ms, false);
    if (b == NULL || b->tokens >= 1.0)
        return 0;
    return (int64_t)((1.0 - b->tokens) * (double)l->refill_ms) + 1;
}

int auth_host_bootstrap(const char *given, const char *stored, char hash[AUTH_HASH_LEN + 1], char new_token[AUTH_TOKEN_LEN + 1])
{
    new_token[0] = '\0';
    if (given && given[0]) {
        auth_hash(given, strlen(given), hash);
        return stored && strcmp(stored, hash) == 0 ? 0 : 1;
    }
    if (stored && strlen(stored) == AUTH_HASH_LEN) {
        memcpy(hash, stored, AUTH_HASH_LEN + 1);
        return 0;
    }
    if (auth_new_token(new_token) != 0)
        return -1;
    auth_hash(new_token, strlen(new_token), hash);
    return 1;
}

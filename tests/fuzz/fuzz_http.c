/*
 * libFuzzer driver for the HTTP request path's own code: the input is a raw
 * HTTP/1.1 request, parsed with h2o's request parser (picohttpparser, as the
 * server does), and everything the server decides from it before a handler runs
 * goes through the real functions: section 10's trust rules (loopback authority,
 * foreign Origin, the Host split, X-Forwarded-For behind a trusted proxy), the
 * routing of /api paths into URL-decoded segments, session ids and join codes in
 * paths, and the REST body readers for the route it names.
 *
 * Invariants: no crash or sanitizer report; loopback authority is never granted
 * with a proxy header, a foreign Origin or a foreign Host; a split host round-trips
 * into trust_is_own_name without overflow; what X-Forwarded-For yields is a numeric
 * address; segments are NUL-terminated and within bounds.
 *
 * Replay: build with -DFUZZ_MAIN and without -fsanitize=fuzzer; pass files.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api.h"
#include "auth.h"
#include "json.h"
#include "session.h"
#include "trust.h"
#include "view.h"
#include "replay.h"

/* h2o's request parser (deps/picohttpparser, linked in libh2o-evloop). */
struct phr_header {
    const char *name;
    size_t name_len;
    const char *value;
    size_t value_len;
};
int phr_parse_request(const char *buf, size_t len, const char **method, size_t *method_len, const char **path, size_t *path_len,
                      int *minor_version, struct phr_header *headers, size_t *num_headers, size_t last_len);

#define CHECK(cond)                                                                                                            \
    do {                                                                                                                       \
        if (!(cond)) {                                                                                                         \
            fprintf(stderr, "fuzz_http: check failed at line %d: %s\n", __LINE__, #cond);                                      \
            abort();                                                                                                           \
        }                                                                                                                      \
    } while (0)

static trust_self_t self;

static void fuzz_setup(void)
{
    self.port = 8765;
    trust_add_name(&self, "pi");
    trust_add_name(&self, "pi.local");
    trust_add_name(&self, "192.168.4.1");
    trust_add_name(&self, "[fe80::1]");
    trust_set_public_url(&self, "https://scores.example.org");
    trust_add_proxy(&self, "127.0.0.1");
}

static const struct phr_header *fuzz_header(const struct phr_header *h, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (h[i].name && h[i].name_len == strlen(name) && strncasecmp(h[i].name, name, h[i].name_len) == 0)
            return &h[i];
    return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    if (!ready) {
        fuzz_setup();
        ready = 1;
    }
    const char *method, *path;
    size_t method_len, path_len, nh = 32;
    int minor;
    struct phr_header hs[32];
    int hl = phr_parse_request((const char *)data, size, &method, &method_len, &path, &path_len, &minor, hs, &nh, 0);
    if (hl <= 0)
        return 0;
    const struct phr_header *host = fuzz_header(hs, nh, "host"), *origin = fuzz_header(hs, nh, "origin");
    const struct phr_header *xff = fuzz_header(hs, nh, "x-forwarded-for");
    bool proxy = xff || fuzz_header(hs, nh, "forwarded") || fuzz_header(hs, nh, "x-real-ip");

    /* Section 10: every combination of peer and headers. */
    for (int peer = 0; peer < 2; peer++) {
        trust_req_t r = {peer == 1, proxy, host ? host->value : NULL, host ? host->value_len : 0, origin ? origin->value : NULL,
                         origin ? origin->value_len : 0};
        bool ok = trust_loopback(&self, &r);
        if (ok) {
            CHECK(peer == 1 && !proxy && host != NULL);
            CHECK(!trust_origin_foreign(&self, r.origin, r.origin_len));
            char h[TRUST_NAME_SIZE];
            int port;
            CHECK(trust_split_host(host->value, host->value_len, h, sizeof(h), &port) == 0);
            CHECK(trust_is_own_name(&self, h, strlen(h)));
        }
    }
    if (host) {
        char h[TRUST_NAME_SIZE];
        int port;
        if (trust_split_host(host->value, host->value_len, h, sizeof(h), &port) == 0) {
            CHECK(strlen(h) > 0 && strlen(h) < sizeof(h));
            CHECK(port >= 0 && port <= 65535);
            trust_is_own_name(&self, h, strlen(h));
        }
    }
    if (xff) {
        char addr[64];
        if (trust_forwarded_for(xff->value, xff->value_len, addr, sizeof(addr)) == 0) {
            unsigned char bin[16];
            CHECK(inet_pton(AF_INET, addr, bin) == 1 || inet_pton(AF_INET6, addr, bin) == 1);
        }
    }

    /* Routing: /api paths into segments, then what a segment may name. */
    char seg[API_MAX_SEGMENTS][64];
    int n = api_split_path(path, path_len, seg);
    CHECK(n <= API_MAX_SEGMENTS);
    for (int i = 0; i < n; i++) {
        CHECK(memchr(seg[i], '\0', sizeof(seg[i])) != NULL);
        int64_t sid;
        if (session_id_parse(seg[i], &sid) == 0)
            CHECK(sid != 0);
        char code[64];
        memcpy(code, seg[i], sizeof(code));
        if (auth_code_normalize(code))
            CHECK(strlen(code) == AUTH_CODE_LEN);
    }

    /* The body, through the reader of the route it names. */
    const char *body = (const char *)data + hl;
    size_t blen = size - (size_t)hl;
    static jsmntok_t toks[VIEW_MAX_TOKENS];
    json_doc_t d;
    if (n >= 1 && json_parse(&d, body, blen, toks, VIEW_MAX_TOKENS) == 0 && json_type(&d, 0) == JSON_OBJECT) {
        char msg[200];
        if (strcmp(seg[0], "settings") == 0) {
            api_check_settings(&d, msg, sizeof(msg));
        } else if (n == 3 && strcmp(seg[0], "games") == 0 && strcmp(seg[2], "invites") == 0) {
            auth_role_t role;
            int player;
            if (api_parse_invite(&d, &role, &player, msg, sizeof(msg)) == 0)
                CHECK(role == AUTH_OBSERVER || (role == AUTH_PLAYER && (player == 1 || player == 2)));
        } else if (n == 1 && strcmp(seg[0], "games") == 0) {
            buf_t state;
            buf_init(&state);
            if (api_parse_new_game(&d, &state, msg, sizeof(msg)) == 0) {
                static jsmntok_t st[VIEW_MAX_TOKENS];
                json_doc_t sd;
                int rc = json_parse(&sd, state.data, state.len, st, VIEW_MAX_TOKENS);
                CHECK(rc != JSON_E_SYNTAX); /* what the reader builds is JSON */
            }
            buf_free(&state);
        }
    }
    return 0;
}

/*
 * libFuzzer driver for the WebSocket frame parser (ws_reader_feed).
 *
 * Input layout: byte 0 says how many of the following bytes (0..7) are chunk sizes;
 * the rest is the byte stream a client sends. The stream is delivered in chunks of
 * those sizes (cycled; 0 means 1), the way TCP reads arrive, into a pending buffer
 * that ends exactly where the bytes end so that ASan sees any read past them. After
 * every chunk the parser is called until it wants more bytes, and consumed bytes are
 * dropped, as wsconn.c does.
 *
 * Invariants checked on every call: consumed never exceeds the bytes given; nothing is
 * consumed with an "need more" answer except a swallowed fragment; messages are at
 * most WS_MAX_MESSAGE bytes and text messages are valid UTF-8 (checked by a separate
 * decoder written here, not the one the parser uses); control payloads are at most
 * 125 bytes; a close carries a legal code; an error carries 1002, 1007 or 1009 and
 * a reason; after a close or an error the reader stays shut. Finally the events must
 * be the same as when the whole stream is fed in one piece.
 *
 * Build:   clang -g -O1 -fsanitize=fuzzer,address,undefined -Isrc tests/fuzz/fuzz_ws.c \
 *              src/ws.c src/json.c src/buf.c src/mem.c -lcrypto
 * Run:     ./fuzz_ws -dict=tests/fuzz/ws.dict -max_len=20000 tests/fuzz/corpus/ws
 * Replay:  cc -DFUZZ_MAIN -g -fsanitize=address,undefined -Isrc tests/fuzz/fuzz_ws.c \
 *              src/ws.c src/json.c src/buf.c src/mem.c -lcrypto -o fuzz_ws_replay
 *          ./fuzz_ws_replay crash-file-or-directory...
 */
#if defined(FUZZ_MAIN) && !defined(_GNU_SOURCE)
#define _POSIX_C_SOURCE 200809L /* opendir and stat for the replay main() */
#endif
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* libFuzzer's entry point, declared for -Wmissing-prototypes. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
#include "ws.h"

#define CHECK(cond)                                                                                                            \
    do {                                                                                                                       \
        if (!(cond)) {                                                                                                         \
            fprintf(stderr, "fuzz_ws: invariant failed at line %d: %s\n", __LINE__, #cond);                                    \
            abort();                                                                                                           \
        }                                                                                                                      \
    } while (0)

/* An independent UTF-8 check, written from the RFC 3629 grammar (each lead byte with
 * the exact range allowed for the byte after it), so that a bug in the parser's own
 * validator is not mirrored here. */
static bool utf8_ok(const uint8_t *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        uint8_t c = s[i];
        size_t need;
        uint8_t lo = 0x80, hi = 0xBF;
        if (c <= 0x7F) {
            i++;
            continue;
        } else if (c >= 0xC2 && c <= 0xDF) {
            need = 1;
        } else if (c == 0xE0) {
            need = 2, lo = 0xA0;
        } else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) {
            need = 2;
        } else if (c == 0xED) {
            need = 2, hi = 0x9F;
        } else if (c == 0xF0) {
            need = 3, lo = 0x90;
        } else if (c >= 0xF1 && c <= 0xF3) {
            need = 3;
        } else if (c == 0xF4) {
            need = 3, hi = 0x8F;
        } else {
            return false;
        }
        if (n - i - 1 < need)
            return false;
        if (s[i + 1] < lo || s[i + 1] > hi)
            return false;
        for (size_t k = 2; k <= need; k++)
            if (s[i + k] < 0x80 || s[i + k] > 0xBF)
                return false;
        i += need + 1;
    }
    return true;
}

static bool close_code_legal(unsigned code)
{
    return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
}

/* What the caller saw of one event; the payload is summarized by a hash (reading every
 * byte of it, so ASan checks that ev.data really spans ev.len bytes). */
typedef struct {
    int type, opcode;
    unsigned code;
    size_t len;
    uint64_t hash;
} rec_t;

typedef struct {
    rec_t *v;
    size_t n, cap;
} recs_t;

static void recs_push(recs_t *rs, const ws_event_t *ev)
{
    if (rs->n == rs->cap) {
        rs->cap = rs->cap ? rs->cap * 2 : 16;
        rs->v = realloc(rs->v, rs->cap * sizeof(*rs->v));
        CHECK(rs->v != NULL);
    }
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < ev->len; i++)
        h = (h ^ ev->data[i]) * 1099511628211ull;
    rs->v[rs->n++] = (rec_t){(int)ev->type, ev->opcode, ev->close_code, ev->len, h};
}

/* Checks one parser answer against everything that must hold for it. */
static void check_event(const ws_event_t *ev, size_t used, size_t have)
{
    CHECK(used <= have);
    switch (ev->type) {
    case WS_EV_NONE:
        break;
    case WS_EV_MESSAGE:
        CHECK(used > 0);
        CHECK(ev->opcode == WS_OP_TEXT || ev->opcode == WS_OP_BINARY);
        CHECK(ev->len <= WS_MAX_MESSAGE);
        CHECK(ev->len == 0 || ev->data != NULL);
        if (ev->opcode == WS_OP_TEXT)
            CHECK(utf8_ok(ev->data, ev->len));
        break;
    case WS_EV_PING:
    case WS_EV_PONG:
        CHECK(used > 0);
        CHECK(ev->len <= 125);
        CHECK(ev->len == 0 || ev->data != NULL);
        CHECK(used >= 6 + ev->len);
        break;
    case WS_EV_CLOSE:
        CHECK(used > 0);
        CHECK(ev->close_code == WS_CLOSE_NO_STATUS || close_code_legal(ev->close_code));
        CHECK(ev->close_code != WS_CLOSE_NO_STATUS || ev->len == 0);
        CHECK(ev->len <= 123);
        CHECK(utf8_ok(ev->data, ev->len));
        break;
    case WS_EV_ERROR:
        CHECK(ev->close_code == WS_CLOSE_PROTOCOL || ev->close_code == WS_CLOSE_BAD_DATA || ev->close_code == WS_CLOSE_TOO_BIG);
        CHECK(ev->reason != NULL && ev->reason[0] != '\0');
        break;
    default:
        CHECK(!"unknown event type");
    }
}

/* Feeds stream[0..len) in chunks; records the events. Returns true when the reader
 * ended with a close or an error. Each chunk makes a new exact-size block of the
 * unconsumed bytes plus the chunk; consumed bytes are skipped by offset. A long stream
 * is cut into at most about 256 chunks so that a run stays linear in its length. */
static bool run(const uint8_t *stream, size_t len, const uint8_t *sizes, size_t nsizes, recs_t *out)
{
    ws_reader_t r;
    ws_reader_init(&r);
    uint8_t *pend = NULL;
    size_t have = 0, start = 0, off = 0, k = 0;
    bool shut = false;
    while (off < len && !shut) {
        size_t chunk = nsizes ? sizes[k++ % nsizes] : len;
        if (chunk < len / 256)
            chunk = len / 256;
        if (chunk == 0)
            chunk = 1;
        if (chunk > len - off)
            chunk = len - off;
        size_t keep = have - start;
        uint8_t *grown = malloc(keep + chunk);
        CHECK(grown != NULL);
        if (keep)
            memcpy(grown, pend + start, keep);
        memcpy(grown + keep, stream + off, chunk);
        free(pend);
        pend = grown;
        have = keep + chunk;
        start = 0;
        off += chunk;
        for (;;) {
            ws_event_t ev;
            size_t used = ws_reader_feed(&r, pend + start, have - start, &ev);
            check_event(&ev, used, have - start);
            if (ev.type != WS_EV_NONE)
                recs_push(out, &ev);
            if (ev.type == WS_EV_CLOSE || ev.type == WS_EV_ERROR) {
                shut = true;
                /* The reader must stay shut whatever comes next. */
                ws_event_t after;
                size_t more = ws_reader_feed(&r, pend + start + used, have - start - used, &after);
                CHECK(more == 0 && after.type == WS_EV_NONE);
                CHECK(r.closed);
                break;
            }
            if (used == 0)
                break;
            start += used;
        }
        CHECK(r.frag.len <= WS_MAX_MESSAGE);
    }
    free(pend);
    ws_reader_free(&r);
    return shut;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    size_t nsizes = data[0] % 8;
    if (nsizes > size - 1)
        nsizes = size - 1;
    const uint8_t *sizes = data + 1;
    const uint8_t *stream = data + 1 + nsizes;
    size_t len = size - 1 - nsizes;

    recs_t chunked = {0}, whole = {0};
    bool shut1 = run(stream, len, sizes, nsizes, &chunked);
    bool shut2 = run(stream, len, NULL, 0, &whole);
    /* The same bytes must give the same events however they are cut. */
    CHECK(shut1 == shut2);
    CHECK(chunked.n == whole.n);
    for (size_t i = 0; i < chunked.n; i++) {
        const rec_t *a = &chunked.v[i], *b = &whole.v[i];
        CHECK(a->type == b->type && a->opcode == b->opcode && a->code == b->code);
        CHECK(a->len == b->len && a->hash == b->hash);
    }
    free(chunked.v);
    free(whole.v);
    return 0;
}

#ifdef FUZZ_MAIN
#include <dirent.h>
#include <sys/stat.h>

static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        perror(path);
        return 1;
    }
    uint8_t *buf = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len == cap) {
            cap = cap ? cap * 2 : 4096;
            buf = realloc(buf, cap);
            CHECK(buf != NULL);
        }
        size_t n = fread(buf + len, 1, cap - len, f);
        if (n == 0)
            break;
        len += n;
    }
    fclose(f);
    /* An exact-size copy, as libFuzzer passes it. */
    uint8_t *exact = malloc(len ? len : 1);
    CHECK(exact != NULL);
    memcpy(exact, buf, len);
    free(buf);
    LLVMFuzzerTestOneInput(exact, len);
    free(exact);
    return 0;
}

/* Replays each file named on the command line (a directory means every file in it). */
int main(int argc, char **argv)
{
    int failed = 0, done = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
            DIR *d = opendir(argv[i]);
            if (d == NULL) {
                perror(argv[i]);
                failed++;
                continue;
            }
            struct dirent *e;
            while ((e = readdir(d)) != NULL) {
                if (e->d_name[0] == '.')
                    continue;
                char path[4096];
                snprintf(path, sizeof(path), "%s/%s", argv[i], e->d_name);
                failed += replay_file(path);
                done++;
            }
            closedir(d);
        } else {
            failed += replay_file(argv[i]);
            done++;
        }
    }
    printf("fuzz_ws: replayed %d inputs, %d unreadable\n", done, failed);
    return failed != 0;
}
#endif

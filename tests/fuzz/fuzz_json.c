/*
 * libFuzzer driver for the JSON reader (jsmn plus our validation) and writer.
 * Accepted documents are walked with every accessor; strings are decoded and
 * written back, and what is written must parse again as the same string.
 *
 * Replay: build with -DFUZZ_MAIN and without -fsanitize=fuzzer; pass files.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "utf8.h"
#include "replay.h"

#define CHECK(cond)                                                                                                            \
    do {                                                                                                                       \
        if (!(cond)) {                                                                                                         \
            fprintf(stderr, "fuzz_json: check failed at line %d: %s\n", __LINE__, #cond);                                      \
            abort();                                                                                                           \
        }                                                                                                                      \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static jsmntok_t toks[512], toks2[4];
    static char str[20000], str2[20000];
    json_doc_t d;
    if (size > 16384 || json_parse(&d, (const char *)data, size, toks, 512) != 0)
        return 0;
    for (int i = 0; i < d.ntok; i++) {
        CHECK(json_next(&d, i) > i && json_next(&d, i) <= d.ntok);
        int64_t v;
        bool b;
        (void)json_int(&d, i, &v);
        (void)json_bool(&d, i, &b);
        if (json_type(&d, i) == JSON_OBJECT) {
            (void)json_get(&d, i, "type");
            (void)json_get(&d, i, "data");
        }
        int n = json_str(&d, i, str, sizeof(str));
        if (n < 0)
            continue;
        CHECK(utf8_valid(str, (size_t)n));
        buf_t out;
        buf_init(&out);
        json_put_str(&out, str, (size_t)n);
        json_doc_t d2;
        CHECK(json_parse(&d2, out.data, out.len, toks2, 4) == 0);
        int m = json_str(&d2, 0, str2, sizeof(str2));
        CHECK(m == n && memcmp(str, str2, (size_t)n) == 0);
        buf_free(&out);
    }
    return 0;
}

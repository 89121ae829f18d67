/*
 * libFuzzer driver for the pasted list of entrants (event_parse_list, the body of
 * POST /api/events/{id}/entrants as text): any bytes, as a NUL-terminated text.
 * Invariants: no crash; a refusal has a message; an accepted list has at most cap
 * entrants, each of which passes event_entrant_check and points into the text; adding
 * them to an event and rendering it gives JSON of balanced braces.
 *
 * Replay: build with -DFUZZ_MAIN and without -fsanitize=fuzzer; pass files.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event.h"
#include "json.h"
#include "replay.h"

#define CHECK(cond)                                                                                                            \
    do {                                                                                                                       \
        if (!(cond)) {                                                                                                         \
            fprintf(stderr, "fuzz_event: check failed at line %d: %s\n", __LINE__, #cond);                                     \
            abort();                                                                                                           \
        }                                                                                                                      \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 64 * 1024)
        return 0;
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    static event_entrant_in_t in[EVENT_MAX_ENTRANTS];
    char msg[200] = "";
    int n = event_parse_list(text, in, EVENT_MAX_ENTRANTS, msg, sizeof(msg));
    if (n < 0) {
        CHECK(msg[0] != '\0');
    } else {
        CHECK(n <= EVENT_MAX_ENTRANTS);
        event_t ev;
        CHECK(event_init(&ev, "e-fuzz", "Fuzz", 3, 600000, NULL, NULL, 1, "") == EVENT_OK);
        for (int i = 0; i < n; i++) {
            CHECK(in[i].name >= text && in[i].name <= text + size);
            CHECK(event_entrant_check(in[i].name, in[i].faction, in[i].club) == NULL);
            CHECK(event_entrant_add(&ev, in[i].name, in[i].faction, in[i].club) == i + 1);
        }
        buf_t b;
        buf_init(&b);
        event_render(&b, &ev, NULL, NULL, true, "http://box", 0, 0);
        int maxtok = (n + 2) * 64; /* an entrant and its standings row take under 64 tokens */
        jsmntok_t *toks = malloc((size_t)maxtok * sizeof(*toks));
        json_doc_t d;
        CHECK(json_parse(&d, b.data, b.len, toks, maxtok) == 0);
        free(toks);
        buf_free(&b);
        event_free(&ev);
    }
    free(text);
    return 0;
}

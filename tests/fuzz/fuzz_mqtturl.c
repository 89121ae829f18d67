/*
 * libFuzzer driver for the --mqtt URL and the topic checks (src/mqtturl.c): the
 * input is a URL (or a topic, or a filter).
 *
 * Invariants: no crash or sanitizer report; an accepted URL has a host of allowed
 * characters (or a bracketed address), a port in 1..65535, NUL-terminated fields;
 * a refused one has one of the fixed messages (so nothing of the input, which may
 * hold a password); every valid topic is also a valid filter.
 *
 * Replay: build with -DFUZZ_MAIN and without -fsanitize=fuzzer; pass files.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mqtturl.h"
#include "replay.h"

#define CHECK(cond)                                                                                                            \
    do {                                                                                                                       \
        if (!(cond)) {                                                                                                         \
            fprintf(stderr, "invariant failed: %s\n", #cond);                                                                  \
            abort();                                                                                                           \
        }                                                                                                                      \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char in[1024];
    if (size >= sizeof(in))
        return 0;
    memcpy(in, data, size);
    in[size] = '\0';
    mqtturl_t u;
    char err[200];
    err[0] = '\0';
    if (mqtturl_parse(in, &u, err, sizeof(err)) == 0) {
        CHECK(u.host[0] != '\0');
        CHECK(memchr(u.host, '\0', sizeof(u.host)) != NULL);
        CHECK(memchr(u.user, '\0', sizeof(u.user)) != NULL);
        CHECK(memchr(u.password, '\0', sizeof(u.password)) != NULL);
        CHECK(u.port >= 1 && u.port <= 65535);
        CHECK(u.tls == (strncmp(in, "mqtts://", 8) == 0));
        CHECK(u.has_password || u.password[0] == '\0');
    } else {
        CHECK(strncmp(err, "--mqtt: ", 8) == 0);
        /* One of the fixed messages: nothing of the input (it may hold a password). */
        static const char *const known[] = {
            "--mqtt: the URL must start with mqtt:// or mqtts://",
            "--mqtt: the URL holds a space or a control character",
            "--mqtt: the URL takes no path, query or fragment",
            "--mqtt: bad user name in the URL (empty, too long or a bad %-escape)",
            "--mqtt: bad password in the URL (too long or a bad %-escape)",
            "--mqtt: bad IPv6 address in the URL",
            "--mqtt: host too long",
            "--mqtt: the host may hold only letters, digits, '.', '-' and '_'",
            "--mqtt: the URL names no host",
            "--mqtt: the port must be a number from 1 to 65535",
        };
        bool found = false;
        for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
            found = found || strcmp(err, known[i]) == 0;
        CHECK(found);
    }
    if (mqtturl_topic_ok(in))
        CHECK(mqtturl_filter_ok(in) && strchr(in, '+') == NULL && strchr(in, '#') == NULL);
    if (mqtturl_filter_ok(in))
        CHECK(strchr(in, '#') == NULL && in[0] != '/' && strstr(in, "//") == NULL);
    return 0;
}

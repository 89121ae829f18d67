/* The broker URL of --mqtt (PROTOCOL.md section 13), read without any I/O:
 * mqtt://[user[:password]@]host[:port] or mqtts://... Percent-escapes in the user
 * and the password are decoded. Error messages never repeat the URL, which may
 * hold a password. */
#ifndef STATE_MQTTURL_H
#define STATE_MQTTURL_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    bool tls;           /* mqtts:// */
    char host[256];     /* a name or a numeric address (an IPv6 one without its brackets) */
    int port;           /* 1883, or 8883 for mqtts, unless given */
    char user[128];     /* empty: no user name */
    char password[128]; /* empty: no password */
    bool has_password;
} mqtturl_t;

/* Reads url into *out. 0, or -1 with a one-line reason in err. */
int mqtturl_parse(const char *url, mqtturl_t *out, char *err, size_t errlen);
/* True when s is a topic name we may publish under: 1..100 characters, no
 * wildcard (+ #), no empty level, no leading or trailing '/'. */
bool mqtturl_topic_ok(const char *s);
/* True when s is a topic filter for the hall: like a topic but '+' may stand for a
 * whole level ('#' is refused: /games/+ is appended to it). */
bool mqtturl_filter_ok(const char *s);

#endif

#include "mqtturl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int mqtturl_hex(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Copies s[0..n) into out, decoding %XX; -1 if it does not fit or an escape is bad. */
static int mqtturl_unescape(const char *s, size_t n, char *out, size_t cap)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        int c = (unsigned char)s[i];
        if (c == '%') {
            if (i + 2 >= n)
                return -1;
            int hi = mqtturl_hex(s[i + 1]), lo = mqtturl_hex(s[i + 2]);
            if (hi < 0 || lo < 0)
                return -1;
            c = hi * 16 + lo;
            i += 2;
        }
        if (c == 0 || o + 1 >= cap)
            return -1;
        out[o++] = (char)c;
    }
    out[o] = '\0';
    return 0;
}

int mqtturl_parse(const char *url, mqtturl_t *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof(*out));
    const char *p;
    if (strncmp(url, "mqtt://", 7) == 0) {
        p = url + 7;
        out->port = 1883;
    } else if (strncmp(url, "mqtts://", 8) == 0) {
        p = url + 8;
        out->tls = true;
        out->port = 8883;
    } else {
        snprintf(err, errlen, "--mqtt: the URL must start with mqtt:// or mqtts://");
        return -1;
    }
    for (const char *q = p; *q; q++) {
        if ((unsigned char)*q <= ' ' || *q == 0x7f) {
            snprintf(err, errlen, "--mqtt: the URL holds a space or a control character");
            return -1;
        }
    }
    size_t authlen = strcspn(p, "/?#");
    if (p[authlen] != '\0' && !(p[authlen] == '/' && p[authlen + 1] == '\0')) {
        snprintf(err, errlen, "--mqtt: the URL takes no path, query or fragment");
        return -1;
    }
    const char *end = p + authlen;
    const char *at = NULL;
    for (const char *q = p; q < end; q++)
        if (*q == '@')
            at = q;
    if (at) {
        const char *colon = memchr(p, ':', (size_t)(at - p));
        const char *uend = colon ? colon : at;
        if (uend == p || mqtturl_unescape(p, (size_t)(uend - p), out->user, sizeof(out->user)) != 0) {
            snprintf(err, errlen, "--mqtt: bad user name in the URL (empty, too long or a bad %%-escape)");
            return -1;
        }
        if (colon) {
            if (mqtturl_unescape(colon + 1, (size_t)(at - colon - 1), out->password, sizeof(out->password)) != 0) {
                snprintf(err, errlen, "--mqtt: bad password in the URL (too long or a bad %%-escape)");
                return -1;
            }
            out->has_password = true;
        }
        p = at + 1;
    }
    const char *hend;
    if (*p == '[') {
        const char *close = memchr(p, ']', (size_t)(end - p));
        if (close == NULL || close == p + 1) {
            snprintf(err, errlen, "--mqtt: bad IPv6 address in the URL");
            return -1;
        }
        if ((size_t)(close - p - 1) >= sizeof(out->host)) {
            snprintf(err, errlen, "--mqtt: host too long");
            return -1;
        }
        memcpy(out->host, p + 1, (size_t)(close - p - 1));
        hend = close + 1;
        if (hend < end && *hend != ':') {
            snprintf(err, errlen, "--mqtt: bad IPv6 address in the URL");
            return -1;
        }
    } else {
        const char *colon = memchr(p, ':', (size_t)(end - p));
        hend = colon ? colon : end;
        if ((size_t)(hend - p) >= sizeof(out->host)) {
            snprintf(err, errlen, "--mqtt: host too long");
            return -1;
        }
        memcpy(out->host, p, (size_t)(hend - p));
        for (const char *q = out->host; *q; q++) {
            if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_", *q)) {
                snprintf(err, errlen, "--mqtt: the host may hold only letters, digits, '.', '-' and '_'");
                return -1;
            }
        }
    }
    if (out->host[0] == '\0') {
        snprintf(err, errlen, "--mqtt: the URL names no host");
        return -1;
    }
    if (hend < end) {
        /* hend points at ':' */
        const char *ps = hend + 1;
        size_t n = (size_t)(end - ps);
        long port = 0;
        if (n == 0 || n > 5) {
            snprintf(err, errlen, "--mqtt: the port must be a number from 1 to 65535");
            return -1;
        }
        for (size_t i = 0; i < n; i++) {
            if (ps[i] < '0' || ps[i] > '9') {
                snprintf(err, errlen, "--mqtt: the port must be a number from 1 to 65535");
                return -1;
            }
            port = port * 10 + (ps[i] - '0');
        }
        if (port < 1 || port > 65535) {
            snprintf(err, errlen, "--mqtt: the port must be a number from 1 to 65535");
            return -1;
        }
        out->port = (int)port;
    }
    return 0;
}

static bool mqtturl_levels_ok(const char *s, bool plus_ok)
{
    size_t n = strlen(s);
    if (n == 0 || n > 100 || s[0] == '/' || s[n - 1] == '/')
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < ' ' || c == 0x7f || c == '#')
            return false;
        if (c == '/' && s[i + 1] == '/')
            return false;
        /* '+' stands alone in its level. */
        if (c == '+' && (!plus_ok || (i > 0 && s[i - 1] != '/') || (s[i + 1] != '/' && s[i + 1] != '\0')))
            return false;
    }
    return true;
}

bool mqtturl_topic_ok(const char *s)
{
    return mqtturl_levels_ok(s, false);
}

bool mqtturl_filter_ok(const char *s)
{
    return mqtturl_levels_ok(s, true);
}

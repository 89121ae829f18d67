#include "config.h"

#include "mqtturl.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum { OPT_INT, OPT_STR, OPT_FLAG, OPT_LEVEL, OPT_DURABILITY, OPT_ACTION, OPT_PROXY, OPT_SCREEN, OPT_SIZE, OPT_ON } opt_kind_t;

typedef struct {
    const char *name; /* without the leading dashes */
    const char *env;  /* NULL: no environment variable (actions) */
    opt_kind_t kind;
    size_t offset;
    size_t size; /* buffer size for strings */
    int min, max;
    int action;
} opt_t;

#define OFF(f) offsetof(config_t, f)
#define SZ(f) sizeof(((config_t *)0)->f)

static const opt_t opts[] = {
    {"port", "STATE_SERVER_PORT", OPT_INT, OFF(port), 0, 0, 65535, 0},
    {"bind", "STATE_SERVER_BIND", OPT_STR, OFF(bind), SZ(bind), 0, 0, 0},
    {"db", "STATE_SERVER_DB", OPT_STR, OFF(db), SZ(db), 0, 0, 0},
    {"host-token", "STATE_SERVER_HOST_TOKEN", OPT_STR, OFF(host_token), SZ(host_token), 0, 0, 0},
    {"no-trust-loopback", "STATE_SERVER_NO_TRUST_LOOPBACK", OPT_FLAG, OFF(trust_loopback), 0, 0, 0, 0},
    {"ping-interval", "STATE_SERVER_PING_INTERVAL", OPT_INT, OFF(ping_interval_s), 0, 1, 3600, 0},
    {"ping-timeout", "STATE_SERVER_PING_TIMEOUT", OPT_INT, OFF(ping_timeout_s), 0, 1, 3600, 0},
    {"max-connections", "STATE_SERVER_MAX_CONNECTIONS", OPT_INT, OFF(max_connections), 0, 1, 1000000, 0},
    {"public-url", "STATE_SERVER_PUBLIC_URL", OPT_STR, OFF(public_url), SZ(public_url), 0, 0, 0},
    {"log-level", "STATE_SERVER_LOG_LEVEL", OPT_LEVEL, OFF(log_level), 0, 0, 0, 0},
    {"durability", "STATE_SERVER_DURABILITY", OPT_DURABILITY, OFF(durability), 0, 0, 0, 0},
    {"tls-cert", "STATE_SERVER_TLS_CERT", OPT_STR, OFF(tls_cert), SZ(tls_cert), 0, 0, 0},
    {"tls-key", "STATE_SERVER_TLS_KEY", OPT_STR, OFF(tls_key), SZ(tls_key), 0, 0, 0},
    {"trusted-proxy", "STATE_SERVER_TRUSTED_PROXY", OPT_PROXY, 0, 0, 0, 0, 0},
    {"screen", "STATE_SERVER_SCREEN", OPT_SCREEN, 0, 0, 0, 0, 0},
    {"screen-size", "STATE_SERVER_SCREEN_SIZE", OPT_SIZE, 0, 0, 0, 0, 0},
    {"screen-game", "STATE_SERVER_SCREEN_GAME", OPT_STR, OFF(screen_game), SZ(screen_game), 0, 0, 0},
    {"touch", "STATE_SERVER_TOUCH", OPT_STR, OFF(touch), SZ(touch), 0, 0, 0},
    {"mqtt", "STATE_SERVER_MQTT", OPT_STR, OFF(mqtt), SZ(mqtt), 0, 0, 0},
    {"mqtt-prefix", "STATE_SERVER_MQTT_PREFIX", OPT_STR, OFF(mqtt_prefix), SZ(mqtt_prefix), 0, 0, 0},
    {"mqtt-hall", "STATE_SERVER_MQTT_HALL", OPT_STR, OFF(mqtt_hall), SZ(mqtt_hall), 0, 0, 0},
    {"mqtt-ca", "STATE_SERVER_MQTT_CA", OPT_STR, OFF(mqtt_ca), SZ(mqtt_ca), 0, 0, 0},
    {"mqtt-discovery", "STATE_SERVER_MQTT_DISCOVERY", OPT_ON, OFF(mqtt_discovery), 0, 0, 0, 0},
    {"follow", "STATE_SERVER_FOLLOW", OPT_STR, OFF(follow), SZ(follow), 0, 0, 0},
    {"pair-host", NULL, OPT_ACTION, 0, 0, 0, 0, CONFIG_PAIR_HOST},
    {"install", NULL, OPT_ACTION, 0, 0, 0, 0, CONFIG_INSTALL},
    {"uninstall", NULL, OPT_ACTION, 0, 0, 0, 0, CONFIG_UNINSTALL},
    {"version", NULL, OPT_ACTION, 0, 0, 0, 0, CONFIG_VERSION},
    {"help", NULL, OPT_ACTION, 0, 0, 0, 0, CONFIG_HELP},
};

const char *config_usage(void)
{
    return "usage: state-server [--port 8765] [--bind 0.0.0.0] [--db ./state.db] [--host-token TOKEN]\n"
           "                    [--no-trust-loopback] [--ping-interval 30] [--ping-timeout 10]\n"
           "                    [--max-connections 4096] [--public-url URL] [--log-level info]\n"
           "                    [--durability full|normal] [--tls-cert FILE --tls-key FILE]\n"
           "                    [--trusted-proxy ADDR]... [--pair-host]\n"
           "                    [--screen off|png:FILE|fb[:DEVICE]|drm[:DEVICE]] [--screen-size 1920x1080]\n"
           "                    [--screen-game ID] [--touch auto|off|DEVICE] [--follow URL]\n"
           "                    [--mqtt URL [--mqtt-prefix P] [--mqtt-hall FILTER] [--mqtt-ca FILE]\n"
           "                     [--mqtt-discovery]]\n"
           "                    [--install | --uninstall] [--version] [--help]\n"
           "--pair-host asks the server running on this machine (same --port) for a one-time\n"
           "host pairing code and draws its QR code here.\n"
           "--follow URL runs this server as a follower of the primary at URL (with the\n"
           "primary's --host-token): see docs/switchover.md.\n"
           "Every flag can also be set with an environment variable: --ping-interval is\n"
           "STATE_SERVER_PING_INTERVAL, --no-trust-loopback is STATE_SERVER_NO_TRUST_LOOPBACK=1.\n";
}

static bool truthy(const char *v)
{
    return strcmp(v, "1") == 0 || strcmp(v, "true") == 0 || strcmp(v, "yes") == 0 || strcmp(v, "on") == 0;
}

/* off, png:FILE, fb[:DEVICE] or drm[:DEVICE]. */
static int set_screen(config_t *cfg, const char *v, const char *src, char *err, size_t errlen)
{
    static const struct {
        const char *name;
        config_screen_t kind;
        bool needs_path;
    } kinds[] = {{"off", CONFIG_SCREEN_OFF, false}, {"png", CONFIG_SCREEN_PNG, true}, {"fb", CONFIG_SCREEN_FB, false},
                 {"drm", CONFIG_SCREEN_DRM, false}};
    size_t n = strcspn(v, ":");
    const char *path = v[n] == ':' ? v + n + 1 : NULL;
    for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
        if (strlen(kinds[i].name) != n || strncmp(kinds[i].name, v, n) != 0)
            continue;
        if (kinds[i].kind == CONFIG_SCREEN_OFF && path != NULL)
            break;
        if ((path != NULL && path[0] == '\0') || (kinds[i].needs_path && path == NULL)) {
            snprintf(err, errlen, "%s screen: %s needs a path after the colon, e.g. %s", src, kinds[i].name,
                     kinds[i].needs_path ? "png:/tmp/screen.png" : "fb:/dev/fb0");
            return -1;
        }
        if (path != NULL && strlen(path) >= sizeof(cfg->screen_path)) {
            snprintf(err, errlen, "%s screen: path too long (at most %zu characters)", src, sizeof(cfg->screen_path) - 1);
            return -1;
        }
        cfg->screen = kinds[i].kind;
        snprintf(cfg->screen_path, sizeof(cfg->screen_path), "%s", path ? path : "");
        return 0;
    }
    snprintf(err, errlen, "%s screen: expected off, png:FILE, fb[:DEVICE] or drm[:DEVICE], got \"%.40s\"", src, v);
    return -1;
}

static int set_value(config_t *cfg, const opt_t *o, const char *v, const char *src, char *err, size_t errlen)
{
    char *field = (char *)cfg + o->offset;
    switch (o->kind) {
    case OPT_INT: {
        char *end;
        errno = 0;
        long n = strtol(v, &end, 10);
        if (*v == '\0' || *end != '\0' || errno != 0 || n < o->min || n > o->max) {
            snprintf(err, errlen, "%s %s: expected a whole number from %d to %d, got \"%s\"", src, o->name, o->min, o->max, v);
            return -1;
        }
        *(int *)field = (int)n;
        return 0;
    }
    case OPT_STR:
        if (strlen(v) >= o->size) {
            snprintf(err, errlen, "%s %s: value too long (at most %zu characters)", src, o->name, o->size - 1);
            return -1;
        }
        strcpy(field, v);
        return 0;
    case OPT_LEVEL:
        if (log_level_parse(v, (log_level_t *)field) != 0) {
            snprintf(err, errlen, "%s %s: expected debug, info, warn or error, got \"%s\"", src, o->name, v);
            return -1;
        }
        return 0;
    case OPT_DURABILITY:
        if (strcmp(v, "full") == 0)
            *(config_durability_t *)field = CONFIG_DURABILITY_FULL;
        else if (strcmp(v, "normal") == 0)
            *(config_durability_t *)field = CONFIG_DURABILITY_NORMAL;
        else {
            snprintf(err, errlen, "%s %s: expected full or normal, got \"%s\"", src, o->name, v);
            return -1;
        }
        return 0;
    case OPT_FLAG:
        /* The only negating flag is --no-trust-loopback. */
        *(bool *)field = !truthy(v);
        return 0;
    case OPT_ON:
        *(bool *)field = truthy(v);
        return 0;
    case OPT_PROXY: {
        /* A list: commas or spaces between addresses (the environment's form). */
        char one[64];
        for (const char *p = v; *p;) {
            size_t n = strcspn(p, ", ");
            if (n > 0) {
                unsigned char tmp[sizeof(struct in6_addr)];
                if (n >= sizeof(one)) {
                    snprintf(err, errlen, "%s %s: \"%.40s\" is too long", src, o->name, p);
                    return -1;
                }
                memcpy(one, p, n);
                one[n] = '\0';
                if (inet_pton(AF_INET, one, tmp) != 1 && inet_pton(AF_INET6, one, tmp) != 1) {
                    snprintf(err, errlen, "%s %s: \"%s\" is not a numeric IPv4 or IPv6 address", src, o->name, one);
                    return -1;
                }
                if (cfg->ntrusted_proxies >= 8) {
                    snprintf(err, errlen, "%s %s: at most 8 trusted proxies", src, o->name);
                    return -1;
                }
                snprintf(cfg->trusted_proxies[cfg->ntrusted_proxies++], sizeof(cfg->trusted_proxies[0]), "%s", one);
            }
            p += n;
            while (*p == ',' || *p == ' ')
                p++;
        }
        return 0;
    }
    case OPT_SCREEN:
        return set_screen(cfg, v, src, err, errlen);
    case OPT_SIZE: {
        /* WxH, each side 240..4096: what the renderer lays out (a 4K screen in portrait fits). */
        char *end;
        errno = 0;
        long w = strtol(v, &end, 10);
        long h = -1;
        if (errno == 0 && end != v && *end == 'x' && end[1] >= '0' && end[1] <= '9') {
            const char *hs = end + 1;
            h = strtol(hs, &end, 10);
            if (errno != 0 || *end != '\0')
                h = -1;
        }
        if (w < 240 || w > 4096 || h < 240 || h > 4096) {
            snprintf(err, errlen, "%s %s: expected WIDTHxHEIGHT, each side 240 to 4096, got \"%.40s\"", src, o->name, v);
            return -1;
        }
        cfg->screen_w = (int)w;
        cfg->screen_h = (int)h;
        return 0;
    }
    case OPT_ACTION:
        break;
    }
    return 0;
}

/* Section 13. The URL's own messages never repeat it (it may hold a password). */
static int config_validate_mqtt(config_t *cfg, char *err, size_t errlen)
{
    if (cfg->mqtt[0] == '\0') {
        if (cfg->mqtt_prefix[0] || cfg->mqtt_hall[0] || cfg->mqtt_ca[0] || cfg->mqtt_discovery) {
            snprintf(err, errlen, "--mqtt-prefix, --mqtt-hall, --mqtt-ca and --mqtt-discovery need --mqtt");
            return -1;
        }
        return 0;
    }
    mqtturl_t u;
    if (mqtturl_parse(cfg->mqtt, &u, err, errlen) != 0)
        return -1;
    if (cfg->mqtt_ca[0] && !u.tls) {
        snprintf(err, errlen, "--mqtt-ca: only for an mqtts:// broker");
        return -1;
    }
    if (cfg->mqtt_prefix[0] && !mqtturl_topic_ok(cfg->mqtt_prefix)) {
        snprintf(err, errlen, "--mqtt-prefix: 1 to 100 characters of topic levels, no + or #, no empty level");
        return -1;
    }
    if (cfg->mqtt_hall[0] == '\0')
        snprintf(cfg->mqtt_hall, sizeof(cfg->mqtt_hall), "state-server/+");
    if (!mqtturl_filter_ok(cfg->mqtt_hall)) {
        snprintf(err, errlen, "--mqtt-hall: a topic filter of 1 to 100 characters, + for whole levels, no #");
        return -1;
    }
    return 0;
}

static int validate(config_t *cfg, char *err, size_t errlen)
{
    unsigned char tmp[sizeof(struct in6_addr)];
    if (inet_pton(AF_INET, cfg->bind, tmp) != 1 && inet_pton(AF_INET6, cfg->bind, tmp) != 1) {
        snprintf(err, errlen, "--bind: \"%s\" is not a numeric IPv4 or IPv6 address", cfg->bind);
        return -1;
    }
    if ((cfg->tls_cert[0] != '\0') != (cfg->tls_key[0] != '\0')) {
        snprintf(err, errlen, "--tls-cert and --tls-key go together");
        return -1;
    }
    if (cfg->host_token[0] != '\0' && strlen(cfg->host_token) < 16) {
        snprintf(err, errlen, "--host-token: at least 16 characters");
        return -1;
    }
    for (const char *p = cfg->host_token; *p; p++) {
        if (*p <= ' ' || *p > '~') {
            snprintf(err, errlen, "--host-token: printable ASCII without spaces only");
            return -1;
        }
    }
    if (cfg->follow[0] != '\0' && (strncmp(cfg->follow, "http://", 7) != 0 || cfg->host_token[0] == '\0')) {
        snprintf(err, errlen, "--follow: needs an http:// URL and --host-token (the primary's host token)");
        return -1;
    }
    if (cfg->public_url[0] != '\0' && strncmp(cfg->public_url, "http://", 7) != 0 && strncmp(cfg->public_url, "https://", 8) != 0) {
        snprintf(err, errlen, "--public-url: must start with http:// or https://");
        return -1;
    }
    for (const char *p = cfg->screen_game; *p; p++) {
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-", *p)) {
            snprintf(err, errlen, "--screen-game: a game id is 1 to 40 of A-Z a-z 0-9 . _ -");
            return -1;
        }
    }
    /* Touch goes with a screen: auto finds the touchscreen when one is drawn. */
    if (cfg->touch[0] == '\0')
        snprintf(cfg->touch, sizeof(cfg->touch), "%s", cfg->screen == CONFIG_SCREEN_OFF ? "off" : "auto");
    if (strcmp(cfg->touch, "off") != 0 && cfg->screen == CONFIG_SCREEN_OFF) {
        snprintf(err, errlen, "--touch: needs --screen (the targets are drawn on it)");
        return -1;
    }
    if (cfg->db[0] == '\0') {
        snprintf(err, errlen, "--db: must not be empty");
        return -1;
    }
    return config_validate_mqtt(cfg, err, errlen);
}

int config_parse(config_t *cfg, int argc, char **argv, config_getenv_t getenv_fn, char *err, size_t errlen)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->action = CONFIG_RUN;
    cfg->port = 8765;
    strcpy(cfg->bind, "0.0.0.0");
    strcpy(cfg->db, "./state.db");
    cfg->trust_loopback = true;
    cfg->ping_interval_s = 30;
    cfg->ping_timeout_s = 10;
    cfg->max_connections = 4096;
    cfg->log_level = LOG_INFO;
    cfg->durability = CONFIG_DURABILITY_FULL;
    cfg->screen = CONFIG_SCREEN_OFF;
    cfg->screen_w = 1920;
    cfg->screen_h = 1080;

    for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
        const char *v = opts[i].env && getenv_fn ? getenv_fn(opts[i].env) : NULL;
        if (v != NULL && set_value(cfg, &opts[i], v, "environment", err, errlen) != 0)
            return -1;
    }
    bool acted = false, proxies_given = false;
    for (int a = 1; a < argc; a++) {
        const char *arg = argv[a];
        if (strncmp(arg, "--", 2) != 0) {
            snprintf(err, errlen, "unexpected argument \"%s\" (see --help)", arg);
            return -1;
        }
        const char *name = arg + 2;
        const char *eq = strchr(name, '=');
        size_t nlen = eq ? (size_t)(eq - name) : strlen(name);
        const opt_t *o = NULL;
        for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
            if (strlen(opts[i].name) == nlen && strncmp(opts[i].name, name, nlen) == 0)
                o = &opts[i];
        if (o == NULL) {
            snprintf(err, errlen, "unknown option \"%.*s\" (see --help)", (int)(nlen + 2), arg);
            return -1;
        }
        if (o->kind == OPT_ACTION || o->kind == OPT_FLAG || o->kind == OPT_ON) {
            if (eq) {
                snprintf(err, errlen, "--%s takes no value", o->name);
                return -1;
            }
            if (o->kind == OPT_FLAG) {
                cfg->trust_loopback = false;
                continue;
            }
            if (o->kind == OPT_ON) {
                *(bool *)((char *)cfg + o->offset) = true;
                continue;
            }
            if (acted && cfg->action != (config_action_t)o->action) {
                snprintf(err, errlen, "--%s cannot be combined with another action", o->name);
                return -1;
            }
            acted = true;
            cfg->action = (config_action_t)o->action;
            continue;
        }
        const char *v = eq ? eq + 1 : (a + 1 < argc ? argv[++a] : NULL);
        if (v == NULL) {
            snprintf(err, errlen, "--%s needs a value", o->name);
            return -1;
        }
        if (o->kind == OPT_PROXY && !proxies_given) {
            cfg->ntrusted_proxies = 0; /* flags win over the environment's list */
            proxies_given = true;
        }
        if (set_value(cfg, o, v, "option", err, errlen) != 0)
            return -1;
    }
    return validate(cfg, err, errlen);
}

/* The command line of PROTOCOL.md section 9: flags, their environment variables,
 * defaults and validation. Parsing is pure (the environment is passed in as a
 * lookup function) so every flag and error is unit-tested. */
#ifndef STATE_CONFIG_H
#define STATE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "log.h"

typedef enum { CONFIG_RUN, CONFIG_HELP, CONFIG_VERSION, CONFIG_INSTALL, CONFIG_UNINSTALL, CONFIG_PAIR_HOST } config_action_t;
typedef enum { CONFIG_DURABILITY_FULL, CONFIG_DURABILITY_NORMAL } config_durability_t;
/* Where the box's own screen goes (section 14). */
typedef enum { CONFIG_SCREEN_OFF, CONFIG_SCREEN_PNG, CONFIG_SCREEN_FB, CONFIG_SCREEN_DRM } config_screen_t;

typedef struct {
    config_action_t action;
    int port;             /* 0 picks a free port */
    char bind[64];        /* numeric address; names are never resolved */
    char db[1024];
    char host_token[129]; /* empty: use the stored (or a new random) token */
    bool trust_loopback;
    int ping_interval_s;
    int ping_timeout_s;
    int max_connections;
    char public_url[256]; /* empty: derived from the LAN address */
    log_level_t log_level;
    config_durability_t durability;
    char tls_cert[1024];
    char tls_key[1024];
    char trusted_proxies[8][64]; /* --trusted-proxy, repeatable: numeric addresses */
    int ntrusted_proxies;
    config_screen_t screen;
    char screen_path[1024]; /* png: the file; fb, drm: the device (empty: the default one) */
    int screen_w, screen_h; /* --screen-size, for png */
    char screen_game[41];   /* --screen-game: a game id to pin (empty: choose by the games in play) */
    char touch[1024];       /* --touch: "off", "auto" (find the touchscreen) or a path; default auto with a screen */
    char mqtt[512];         /* --mqtt: broker URL (section 13), empty: off; may hold a password, never logged */
    char mqtt_prefix[101];  /* --mqtt-prefix: empty means state-server/<hostname> */
    char mqtt_hall[101];    /* --mqtt-hall: the hall's topic filter */
    char mqtt_ca[1024];     /* --mqtt-ca: CA file for mqtts:// (empty: the system's) */
    bool mqtt_discovery;    /* --mqtt-discovery: Home Assistant discovery configs */
    char follow[256];       /* --follow URL: run as a follower of that primary (needs --host-token) */
} config_t;

/* Looks up an environment variable; returns NULL when unset. */
typedef const char *(*config_getenv_t)(const char *name);

/* Fills *cfg from defaults, then the environment, then argv (flags win). Returns 0,
 * or -1 with a one-line message in err (a usage error: exit status 2). */
int config_parse(config_t *cfg, int argc, char **argv, config_getenv_t getenv_fn, char *err, size_t errlen);
/* The --help text. */
const char *config_usage(void);

#endif

/* state-server: the command line. Parses flags and environment, then hands over
 * to the server (or prints help or version). Exit status: 0 clean, 1 failure to
 * start, 2 usage error. */
#include "config.h"
#include "hostpair.h"
#include "install.h"
#include "log.h"
#include "server.h"

#include <stdio.h>
#include <stdlib.h>

#ifndef STATE_VERSION
#define STATE_VERSION "dev"
#endif

static const char *env_lookup(const char *name)
{
    return getenv(name);
}

int main(int argc, char **argv)
{
    config_t cfg;
    char err[512];
    if (config_parse(&cfg, argc, argv, env_lookup, err, sizeof(err)) != 0) {
        fprintf(stderr, "state-server: %s\n", err);
        return 2;
    }
    switch (cfg.action) {
    case CONFIG_HELP:
        fputs(config_usage(), stdout);
        return 0;
    case CONFIG_VERSION:
        printf("state-server %s (protocol 1)\n", STATE_VERSION);
        return 0;
    case CONFIG_INSTALL:
    case CONFIG_UNINSTALL:
        return install_main(&cfg, cfg.action == CONFIG_UNINSTALL);
    case CONFIG_PAIR_HOST:
        return hostpair_main(&cfg);
    case CONFIG_RUN:
        break;
    }
    return server_main(&cfg);
}

/* The HTTP side of the appliance: h2o set-up, the listening socket, routing of
 * every request (embedded web app, /healthz, /metrics, /api/, WebSocket upgrade),
 * the event loop with its timers and group commit, and clean shutdown. */
#ifndef STATE_SERVER_H
#define STATE_SERVER_H

#include "config.h"

/* Runs the server until SIGTERM or SIGINT. Returns the process exit status: 0 after
 * a clean shutdown, 1 when it could not start (the reason is logged). */
int server_main(const config_t *cfg);

#endif

/* `state-server --pair-host`: asks the server running on this machine for a
 * one-time host pairing code (POST /api/host-invites over loopback, with the
 * host token when one is given) and shows the code, its URL and a QR code in
 * the terminal, for a host who reaches the Pi over SSH. */
#ifndef STATE_HOSTPAIR_H
#define STATE_HOSTPAIR_H

#include "config.h"

/* Runs the request and prints the result. Exit status: 0, or 1 with one clear
 * message on stderr (server not running, refused, ...). */
int hostpair_main(const config_t *cfg);

#endif

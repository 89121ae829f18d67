/* Copy-and-run on a Raspberry Pi (or any systemd machine): --install copies the
 * running binary to a fixed place, writes a hardened systemd unit and the settings
 * given with it, then enables and starts the service; --uninstall stops it and
 * removes the unit and the binary, keeping the data and the settings.
 *
 * The service runs as a DynamicUser: systemd allocates the user when the service
 * starts and creates the data directory (StateDirectory=, /var/lib/state-server),
 * so there is no user to create or remove here. Every file is written under a root
 * directory parameter so tests can point it at a temporary directory; systemctl is
 * only run when that root is "/" and systemd is running. */
#ifndef STATE_INSTALL_H
#define STATE_INSTALL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "config.h"

#define INSTALL_SERVICE "state-server.service"
#define INSTALL_BIN_PATH "/usr/local/bin/state-server"
#define INSTALL_UNIT_PATH "/etc/systemd/system/state-server.service"
/* Settings as STATE_SERVER_* variables, read by the unit; mode 0600 (may hold the host token). */
#define INSTALL_ENV_PATH "/etc/default/state-server"
/* The data directory systemd creates for StateDirectory=state-server. */
#define INSTALL_DATA_DIR "/var/lib/state-server"

/* Renders the systemd unit for cfg into buf (NUL-terminated). Only the port matters
 * to the unit (below 1024 it grants CAP_NET_BIND_SERVICE); every other setting goes
 * to the environment file. Returns the length, or -1 if buf is too small. Pure. */
int install_unit_text(const config_t *cfg, char *buf, size_t len);

/* Renders the environment file: a commented header, then one STATE_SERVER_*="value"
 * line for each setting of cfg that differs from the defaults (the database is
 * always the unit's); *settings (may be NULL) gets the number of such lines.
 * Returns the length, or -1 if buf is too small or a value cannot be written
 * (a line break in it). Pure. */
int install_env_text(const config_t *cfg, char *buf, size_t len, int *settings);

/* Writes the files of an install under root ("/" or a test directory): the binary
 * copied from self_path (mode 0755), the unit (0644), and the environment file
 * (0600) when settings were given or none exists yet. Each file is written to a
 * temporary name, synced and renamed, so a re-install over a running service is
 * safe. Says what it did on out (may be NULL). Returns 0, or -1 with err set. */
int install_files(const config_t *cfg, const char *root, const char *self_path, FILE *out, char *err, size_t errlen);

/* Removes the unit and the binary under root; the data directory and the
 * environment file stay. Missing files are not an error. Returns 0, or -1 with err. */
int install_remove_files(const char *root, FILE *out, char *err, size_t errlen);

/* The whole of --install (uninstall false) or --uninstall: root from
 * STATE_SERVER_INSTALL_ROOT (default "/"), which must be run as root; then the
 * files; then systemctl daemon-reload and enable + restart (or disable --now) when
 * root is "/" and systemd runs here, else it says what to run. Returns the exit
 * status (0, or 1 with one message on stderr). */
int install_main(const config_t *cfg, bool uninstall);

#endif

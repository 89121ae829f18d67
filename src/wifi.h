/* The appliance's Wi-Fi as a QR code's text ("WIFI:T:WPA;S:...;P:...;;", the format
 * phone cameras join from), from the server settings wifi.ssid, wifi.password and
 * wifi.security that the Pi image writes. Used by GET /api/wifi.svg and the screen. */
#ifndef STATE_WIFI_H
#define STATE_WIFI_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "store.h"

/* Appends the QR text to out and copies the network's name into ssid; false (and
 * nothing appended) when no network is configured. */
bool wifi_qr_text(store_t *s, buf_t *out, char *ssid, size_t ssid_cap);

#endif

/* Sockets the server opens itself: the listening socket, and the machine's LAN
 * address for the URLs printed and encoded in QR codes. Names are never
 * resolved: a static binary cannot use NSS, and an appliance needs no DNS. */
#ifndef STATE_NET_H
#define STATE_NET_H

#include <stddef.h>

/* Opens a non-blocking listening TCP socket on a numeric address and port (0 picks
 * a free one). Returns the fd, or -1 with a message in err. *bound_port gets the
 * port actually bound. */
int net_listen(const char *addr, int port, int *bound_port, char *err, size_t errlen);
/* Finds the first up, non-loopback IPv4 address of this machine (the one phones
 * on the same network can reach) as text, and the name of its interface. 0, or
 * -1 when there is none. */
int net_lan_address(char *out, size_t cap, char *ifname, size_t ifcap);

/* Calls fn with each name this machine answers to: its host name, that name
 * with .local, and the address of every interface. */
void net_own_names(void (*fn)(void *ctx, const char *name), void *ctx);

#endif

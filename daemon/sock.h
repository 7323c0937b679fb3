/*
 * sock.h - socket helpers shared by the UDP and TCP listeners.
 */
#ifndef CHORUSD_SOCK_H
#define CHORUSD_SOCK_H

#include <stddef.h>
#include <sys/socket.h>

#include "conf.h"

#define SOCK_NAMELEN	80

/*
 * A non-blocking, close-on-exec socket of type bound to addr:port (IPv6
 * sockets are IPv6-only, so "*" can bind both families).  Returns the fd,
 * or -1 with err "PROTO ADDR:PORT: what failed: why".
 */
int	sock_bind(const struct conf_addr *, unsigned port, int type,
	    char *name, size_t namelen, char *err, size_t errlen);
/* "ADDR:PORT" or "[ADDR]:PORT" of a socket's own address. */
void	sock_name(int fd, char *out, size_t outlen);
/* Port of a socket's own address. */
unsigned sock_port(int fd);

#endif

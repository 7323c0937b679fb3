/*
 * turn.h - the TURN server (RFC 8656) and STUN Binding (RFC 8489).
 *
 * struct turn holds the server-wide TURN state: allocations (by client
 * 5-tuple), the relay port pool, credentials and nonce keys, the peer
 * policy and the counters.  Listeners hand it every STUN message and
 * ChannelData they receive with turn_input(); replies and relayed data go
 * back through the message's transport.  See doc/ARCHITECTURE.md.
 */
#ifndef CHORUSD_TURN_H
#define CHORUSD_TURN_H

#include <stddef.h>
#include <stdint.h>

#include "transport.h"

struct node;
struct conf;
struct tcp_conn;
struct turn;

/* Set up from node->conf; NULL with err. */
struct turn	*turn_new(struct node *, char *err, size_t errlen);
/* Free every allocation and the server state; NULL is fine. */
void		 turn_free(struct turn *);
/* Take new settings (policy, credentials, quotas) after a reload. */
int		 turn_reload(struct turn *, const struct conf *, char *err,
		    size_t errlen);

/* One STUN message or ChannelData (a datagram, or one stream frame). */
void		 turn_input(struct turn *, const struct transport *,
		    const uint8_t *p, size_t len);
/* A TCP/TLS connection closed: its allocation goes with it. */
void		 turn_conn_closed(struct turn *, struct tcp_conn *);

/* Number of allocations (for status and drain). */
unsigned	 turn_allocations(const struct turn *);

#endif

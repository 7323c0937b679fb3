/*
 * transport.h - where a client's STUN/TURN message came from, and how a
 * reply or relayed data gets back to it.
 *
 * UDP replies leave from the listener socket the request arrived on; TCP
 * and TLS replies are written to the connection.  A transport is a small
 * value the receiving module fills in and the TURN code copies into an
 * allocation (the allocation's 5-tuple).
 */
#ifndef CHORUSD_TRANSPORT_H
#define CHORUSD_TRANSPORT_H

#include <stddef.h>
#include <sys/socket.h>

struct udp;
struct tcp_conn;

enum transport_kind {
	TRANSPORT_UDP = 0,
	TRANSPORT_TCP,
	TRANSPORT_TLS,
	TRANSPORT_NKINDS
};

struct transport {
	enum transport_kind	 kind;
	struct sockaddr_storage	 client;	/* the client's address */
	struct sockaddr_storage	 local;		/* our address it reached */
	struct udp		*udp;		/* TRANSPORT_UDP */
	struct tcp_conn		*conn;		/* TRANSPORT_TCP / _TLS */
};

/*
 * Send one message (a STUN message, or ChannelData already padded for a
 * stream) to the client.  0, or -1 if it was dropped (socket full, or the
 * connection's output buffer over its bound); never blocks.
 */
int		transport_send(const struct transport *, const void *, size_t);
/* IPPROTO_UDP or IPPROTO_TCP (for nonces and 5-tuples). */
int		transport_proto(const struct transport *);
/* "udp", "tcp" or "tls". */
const char	*transport_name(enum transport_kind);

#endif

/*
 * transport.c - send to a client over the transport its message came on.
 *
 * Owns nothing: a struct transport is a value filled in by udp.c or tcp.c
 * and copied by the TURN code.  UDP replies leave from the listener socket
 * the request reached (so the client sees the address it talked to);
 * TCP and TLS replies are queued on the connection.
 */
#include "config.h"

#include <netinet/in.h>

#include "tcp.h"
#include "transport.h"
#include "udp.h"

/* One message to the client; 0, or -1 if it was dropped. */
int
transport_send(const struct transport *t, const void *buf, size_t len)
{
	switch (t->kind) {
	case TRANSPORT_UDP:
		return udp_send(t->udp, (const struct sockaddr *)&t->client,
		    buf, len);
	case TRANSPORT_TCP:
	case TRANSPORT_TLS:
		return tcp_conn_send(t->conn, buf, len);
	default:
		return -1;
	}
}

/* IPPROTO_UDP or IPPROTO_TCP: TLS runs over TCP (RFC 8656 §3.1). */
int
transport_proto(const struct transport *t)
{
	return t->kind == TRANSPORT_UDP ? IPPROTO_UDP : IPPROTO_TCP;
}

/* "udp", "tcp" or "tls". */
const char *
transport_name(enum transport_kind kind)
{
	switch (kind) {
	case TRANSPORT_UDP:
		return "udp";
	case TRANSPORT_TCP:
		return "tcp";
	case TRANSPORT_TLS:
		return "tls";
	default:
		return "unknown";
	}
}

/*
 * tcp.h - the TCP (shared port) and TLS (tls-port) listeners and their
 * connections.
 *
 * A connection carries framed STUN and ChannelData (RFC 8489 §6.2.2,
 * RFC 8656 §12.5), each frame handed to turn_input() with the
 * connection's transport; anything else closes it.  Each connection is a
 * session for drain purposes.  Connections are capped per listener
 * (max-tcp-connections) and closed after tcp-idle-timeout of silence.
 */
#ifndef CHORUSD_TCP_H
#define CHORUSD_TCP_H

#include <stddef.h>

#include "conf.h"
#include "transport.h"

#define TCP_MAX_OUTBUF	(256 * 1024)	/* queued bytes per connection */

struct node;
struct tcp;
struct tcp_conn;
struct ssl_ctx_st;

/*
 * Listen on addr:port.  With ssl (an SSL_CTX *), connections are TLS
 * (RFC 8489 §6.2.3); the listener keeps its own reference to the context.
 */
struct tcp	*tcp_new(struct node *, const struct conf_addr *, unsigned port,
		    struct ssl_ctx_st *ssl, char *err, size_t errlen);
/* Use a new SSL_CTX for connections accepted from now on (SIGHUP). */
void		 tcp_set_ssl(struct tcp *, struct ssl_ctx_st *);
/* The connection's transport (its 5-tuple and the way back). */
const struct transport *tcp_conn_transport(const struct tcp_conn *);
/*
 * Queue bytes to a connection; -1 if over TCP_MAX_OUTBUF (dropped) or the
 * connection is shutting down.  Never calls back into the caller.
 */
int		 tcp_conn_send(struct tcp_conn *, const void *, size_t);
/*
 * Close a connection (e.g. after a fatal protocol error).  Reading and
 * sending stop at once; output already queued is flushed, then the
 * teardown, turn_conn_closed() included, runs from the loop: never inside
 * this call.  reason must be a string constant.
 */
void		 tcp_conn_shutdown(struct tcp_conn *, const char *reason);
/* Close the listener and every connection (turn_conn_closed() each). */
void		 tcp_free(struct tcp *);
/* Stop accepting (drain); open connections carry on.  NULL is fine. */
void		 tcp_stop_accepting(struct tcp *);
/* Bound address as text ("127.0.0.1:3478"). */
const char	*tcp_name(const struct tcp *);

#endif

/*
 * tcp.h - the TCP listener on the shared port and its connections.
 *
 * Each connection is a session for drain purposes until later issues give
 * TCP framed STUN/Chorus a session of their own.  Connections are capped
 * (max-tcp-connections) and closed after tcp-idle-timeout of silence.
 */
#ifndef CHORUSD_TCP_H
#define CHORUSD_TCP_H

#include <stddef.h>

#include "conf.h"

struct node;
struct tcp;

struct tcp	*tcp_new(struct node *, const struct conf_addr *, unsigned port,
		    char *err, size_t errlen);
/* Close the listener and every connection. */
void		 tcp_free(struct tcp *);
/* Stop accepting (drain); open connections carry on. */
void		 tcp_stop_accepting(struct tcp *);
/* Bound address as text ("127.0.0.1:3478"). */
const char	*tcp_name(const struct tcp *);

#endif

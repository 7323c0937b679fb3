/*
 * udp.h - the shared UDP port: batched receive and first-byte dispatch.
 *
 * One socket per listen address.  Datagrams are read in batches of
 * UDP_BATCH with recvmmsg(), classified by demux_classify() and handed to
 * the STUN, ChannelData or Chorus handler; unknown ones are counted and
 * dropped.
 */
#ifndef CHORUSD_UDP_H
#define CHORUSD_UDP_H

#include <stddef.h>

#include "conf.h"

#define UDP_BATCH	32		/* datagrams per recvmmsg() */
#define UDP_MAX_DGRAM	2048		/* larger datagrams are truncated, dropped */
#define UDP_MAX_WORK	(8 * UDP_BATCH)	/* datagrams per wake-up */
#define UDP_OUT_BATCH	64		/* datagrams per sendmmsg() */
#define UDP_OUT_SLOT	1500		/* larger ones are sent alone */

struct node;
struct udp;

struct udp	*udp_new(struct node *, const struct conf_addr *, unsigned port,
		    char *err, size_t errlen);
void		 udp_free(struct udp *);
/* Bound address as text, for status ("127.0.0.1:3478"). */
const char	*udp_name(const struct udp *);
/* Send one datagram from this socket; 0, or -1 if dropped. */
int		 udp_send(struct udp *, const struct sockaddr *to,
		    const void *buf, size_t len);
/* Bound port (the kernel's choice when port was 0). */
unsigned	 udp_port(const struct udp *);

#endif

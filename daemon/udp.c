/*
 * udp.c - the shared UDP port: batched receive and first-byte dispatch.
 *
 * Owns one UDP socket and its receive buffers.  Each wake-up reads up to
 * UDP_MAX_WORK datagrams in batches of UDP_BATCH with recvmmsg(), so a
 * flood cannot starve the rest of the loop; each datagram goes to the
 * handler its first byte names (lib/demux.c).  STUN, ChannelData and
 * Chorus handlers arrive with later work; until then such datagrams are
 * counted as "unimplemented" and dropped.
 */
#include "config.h"

#include <sys/socket.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "chorus/demux.h"
#include "log.h"
#include "node.h"
#include "sock.h"
#include "udp.h"

struct udp {
	struct node		*node;
	int			 fd;
	struct event		*ev;
	char			 name[SOCK_NAMELEN];
	struct log_ratelimit	 rl;
	struct mmsghdr		 msgs[UDP_BATCH];
	struct iovec		 iov[UDP_BATCH];
	struct sockaddr_storage	 from[UDP_BATCH];
	uint8_t			 bufs[UDP_BATCH][UDP_MAX_DGRAM];
};

static const enum metric udp_rx_metric[DEMUX_NKINDS] = {
	[DEMUX_UNKNOWN] = M_UDP_RX_DATAGRAMS_UNKNOWN,
	[DEMUX_STUN] = M_UDP_RX_DATAGRAMS_STUN,
	[DEMUX_CHANNELDATA] = M_UDP_RX_DATAGRAMS_CHANNELDATA,
	[DEMUX_CHORUS] = M_UDP_RX_DATAGRAMS_CHORUS,
};

/* Point the batch's headers back at their buffers before a recvmmsg(). */
static void
udp_batch_reset(struct udp *u)
{
	size_t i;

	for (i = 0; i < UDP_BATCH; i++) {
		u->iov[i].iov_base = u->bufs[i];
		u->iov[i].iov_len = UDP_MAX_DGRAM;
		memset(&u->msgs[i].msg_hdr, 0, sizeof(u->msgs[i].msg_hdr));
		u->msgs[i].msg_hdr.msg_iov = &u->iov[i];
		u->msgs[i].msg_hdr.msg_iovlen = 1;
		u->msgs[i].msg_hdr.msg_name = &u->from[i];
		u->msgs[i].msg_hdr.msg_namelen = sizeof(u->from[i]);
	}
}

/* Hand one datagram to the handler for its protocol. */
static void
udp_dispatch(struct udp *u, const uint8_t *p, size_t len,
    const struct sockaddr *from, int flags)
{
	struct metrics *m = &u->node->metrics;
	enum demux_kind kind;

	metrics_add(m, M_UDP_RX_BYTES, len);
	kind = demux_classify(p, len);
	metrics_add(m, udp_rx_metric[kind], 1);
	if (flags & MSG_TRUNC) {
		metrics_add(m, M_UDP_DROPPED_MALFORMED, 1);
		return;
	}
	switch (kind) {
	case DEMUX_STUN:
	case DEMUX_CHANNELDATA:
	case DEMUX_CHORUS:
		/* Handlers come with the TURN and Chorus protocol work. */
		metrics_add(m, M_UDP_DROPPED_UNIMPLEMENTED, 1);
		break;
	default:
		metrics_add(m, M_UDP_DROPPED_MALFORMED, 1);
		break;
	}
}

/* The socket is readable: drain it in batches, up to UDP_MAX_WORK. */
static void
udp_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct udp *u = arg;
	unsigned work = 0;
	int i, n;

	while (work < UDP_MAX_WORK) {
		udp_batch_reset(u);
		n = recvmmsg(fd, u->msgs, UDP_BATCH, MSG_DONTWAIT, NULL);
		if (n == -1) {
			if (errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != EINTR)
				log_warnx_rl(&u->rl, node_uptime(u->node),
				    "%s: udp %s: recvmmsg: %s", __func__,
				    u->name, strerror(errno));
			break;
		}
		metrics_add(&u->node->metrics, M_UDP_RECV_BATCHES, 1);
		for (i = 0; i < n; i++)
			udp_dispatch(u, u->bufs[i], u->msgs[i].msg_len,
			    (struct sockaddr *)&u->from[i],
			    u->msgs[i].msg_hdr.msg_flags);
		work += n;
		if (n < UDP_BATCH)
			break;
	}
	if (work > 0)
		node_dirty(u->node);
}

/* Bind addr:port and start reading. */
struct udp *
udp_new(struct node *node, const struct conf_addr *addr, unsigned port,
    char *err, size_t errlen)
{
	struct udp *u;

	if ((u = calloc(1, sizeof(*u))) == NULL) {
		snprintf(err, errlen, "udp: out of memory");
		return NULL;
	}
	u->node = node;
	u->fd = -1;
	u->fd = sock_bind(addr, port, SOCK_DGRAM, u->name, sizeof(u->name),
	    err, errlen);
	if (u->fd == -1)
		goto fail;
	u->ev = event_new(node->base, u->fd, EV_READ | EV_PERSIST, udp_read_cb,
	    u);
	if (u->ev == NULL || event_add(u->ev, NULL) == -1) {
		snprintf(err, errlen, "udp %s: cannot watch socket", u->name);
		goto fail;
	}
	return u;
fail:
	udp_free(u);
	return NULL;
}

/* Stop reading and close. */
void
udp_free(struct udp *u)
{
	if (u == NULL)
		return;
	if (u->ev != NULL)
		event_free(u->ev);
	if (u->fd != -1)
		close(u->fd);
	free(u);
}

/* Bound address as text. */
const char *
udp_name(const struct udp *u)
{
	return u->name;
}

/* Bound port. */
unsigned
udp_port(const struct udp *u)
{
	return sock_port(u->fd);
}

/*
 * udp.c - the shared UDP port: batched receive and first-byte dispatch.
 *
 * Owns one UDP socket and its receive buffers.  Each wake-up reads up to
 * UDP_MAX_WORK datagrams in batches of UDP_BATCH with recvmmsg(), so a
 * flood cannot starve the rest of the loop; each datagram goes to the
 * handler its first byte names (lib/demux.c): STUN and ChannelData go
 * to the TURN server with the transport they came on, so replies and
 * relayed data leave from this socket (udp_send()).  The Chorus handler
 * arrives with later work; until then those datagrams are counted as
 * "unimplemented" and dropped.
 */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "chorus/demux.h"
#include "log.h"
#include "node.h"
#include "sock.h"
#include "transport.h"
#include "turn.h"
#include "chorus.h"
#include "udp.h"

struct udp {
	struct node		*node;
	int			 fd;
	struct event		*ev;
	char			 name[SOCK_NAMELEN];
	/*
	 * The bound address, for transports.  A wildcard bind ("*") leaves
	 * the wildcard here: the address a datagram reached would need
	 * IP_PKTINFO.
	 */
	struct sockaddr_storage	 local;
	struct log_ratelimit	 rl;
	struct mmsghdr		 msgs[UDP_BATCH];
	struct iovec		 iov[UDP_BATCH];
	struct sockaddr_storage	 from[UDP_BATCH];
	uint8_t			 bufs[UDP_BATCH][UDP_MAX_DGRAM];
	/* Kernel arrival times (SO_TIMESTAMPNS), for the forwarding delay. */
	uint8_t			 ctl[UDP_BATCH][CMSG_SPACE(sizeof(struct timespec))];
	uint64_t		 rx_usec;	/* the datagram being handled, 0: none */
	/* Outgoing datagrams, sent together by one sendmmsg() per round. */
	struct event		*ev_flush;
	uint64_t		 orx[UDP_OUT_BATCH];	/* arrival of their cause */
	size_t			 nout;
	struct mmsghdr		 out[UDP_OUT_BATCH];
	struct iovec		 oiov[UDP_OUT_BATCH];
	struct sockaddr_storage	 oto[UDP_OUT_BATCH];
	uint8_t			 obuf[UDP_OUT_BATCH][UDP_OUT_SLOT];
};

static void	udp_flush(struct udp *);
static void	udp_flush_cb(evutil_socket_t, short, void *);

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
		u->msgs[i].msg_hdr.msg_control = u->ctl[i];
		u->msgs[i].msg_hdr.msg_controllen = sizeof(u->ctl[i]);
	}
}

/* CLOCK_REALTIME in microseconds (the clock of SO_TIMESTAMPNS). */
static uint64_t
udp_realtime(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* When the kernel received datagram i, or 0 if it did not say. */
static uint64_t
udp_arrival(const struct msghdr *h)
{
	struct cmsghdr *c;
	struct timespec ts;

	for (c = CMSG_FIRSTHDR(h); c != NULL;
	    c = CMSG_NXTHDR((struct msghdr *)h, c)) {
		if (c->cmsg_level == SOL_SOCKET &&
		    c->cmsg_type == SCM_TIMESTAMPNS) {
			memcpy(&ts, CMSG_DATA(c), sizeof(ts));
			return (uint64_t)ts.tv_sec * 1000000 +
			    (uint64_t)ts.tv_nsec / 1000;
		}
	}
	return 0;
}

/* The way back to a datagram's sender, through this socket. */
static void
udp_transport(struct udp *u, const struct sockaddr_storage *from,
    struct transport *t)
{
	memset(t, 0, sizeof(*t));
	t->kind = TRANSPORT_UDP;
	t->client = *from;
	t->local = u->local;
	t->udp = u;
}

/* Hand one datagram to the handler for its protocol. */
static void
udp_dispatch(struct udp *u, const uint8_t *p, size_t len,
    const struct sockaddr_storage *from, int flags)
{
	struct metrics *m = &u->node->metrics;
	struct transport t;
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
		if (u->node->turn == NULL) {
			metrics_add(m, M_UDP_DROPPED_UNIMPLEMENTED, 1);
			break;
		}
		udp_transport(u, from, &t);
		turn_input(u->node->turn, &t, p, len);
		break;
	case DEMUX_CHORUS:
		udp_transport(u, from, &t);
		chorus_input(u->node->chorus, &t, p, len);
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
		for (i = 0; i < n; i++) {
			/* What it makes us send is timed from its arrival. */
			u->rx_usec = udp_arrival(&u->msgs[i].msg_hdr);
			udp_dispatch(u, u->bufs[i], u->msgs[i].msg_len,
			    &u->from[i], u->msgs[i].msg_hdr.msg_flags);
		}
		u->rx_usec = 0;
		work += n;
		if (n < UDP_BATCH)
			break;
	}
}

/* Point each output slot's header at its buffer and address. */
static void
udp_out_init(struct udp *u)
{
	size_t i;

	for (i = 0; i < UDP_OUT_BATCH; i++) {
		u->oiov[i].iov_base = u->obuf[i];
		u->out[i].msg_hdr.msg_iov = &u->oiov[i];
		u->out[i].msg_hdr.msg_iovlen = 1;
		u->out[i].msg_hdr.msg_name = &u->oto[i];
	}
}

/* Bind addr:port and start reading. */
struct udp *
udp_new(struct node *node, const struct conf_addr *addr, unsigned port,
    char *err, size_t errlen)
{
	struct udp *u;
	int one = 1;
	socklen_t sslen = sizeof(u->local);

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
	/* Arrival times for chorus_udp_forward_delay_seconds; optional. */
	(void)setsockopt(u->fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof(one));
	if (getsockname(u->fd, (struct sockaddr *)&u->local, &sslen) == -1) {
		snprintf(err, errlen, "udp %s: getsockname: %s", u->name,
		    strerror(errno));
		goto fail;
	}
	u->ev = event_new(node->base, u->fd, EV_READ | EV_PERSIST, udp_read_cb,
	    u);
	if (u->ev == NULL || event_add(u->ev, NULL) == -1) {
		snprintf(err, errlen, "udp %s: cannot watch socket", u->name);
		goto fail;
	}
	if ((u->ev_flush = event_new(node->base, -1, 0, udp_flush_cb, u)) ==
	    NULL) {
		snprintf(err, errlen, "udp %s: out of memory", u->name);
		goto fail;
	}
	udp_out_init(u);
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
	if (u->fd != -1 && u->nout > 0)
		udp_flush(u);
	if (u->ev_flush != NULL)
		event_free(u->ev_flush);
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

/* Count a send failure; a full buffer is load, not a fault: no log. */
static void
udp_send_failed(struct udp *u, size_t n, int err)
{
	metrics_add(&u->node->metrics, M_UDP_TX_DROPPED, n);
	if (err != EAGAIN && err != EWOULDBLOCK && err != ENOBUFS)
		log_warnx_rl(&u->rl, node_uptime(u->node), "%s: udp %s: %s",
		    __func__, u->name, strerror(err));
}

/* Send the queued datagrams with as few sendmmsg() calls as it takes. */
static void
udp_flush(struct udp *u)
{
	struct metrics *m = &u->node->metrics;
	size_t off = 0;
	uint64_t now;
	int i, n;

	while (off < u->nout) {
		n = sendmmsg(u->fd, u->out + off, u->nout - off, MSG_DONTWAIT);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			udp_send_failed(u, u->nout - off, errno);
			break;
		}
		for (i = 0; i < n; i++)
			metrics_add(m, M_UDP_TX_BYTES, u->out[off + i].msg_len);
		metrics_add(m, M_UDP_TX_DATAGRAMS, n);
		off += n;
	}
	/*
	 * Forwarding delay: from the kernel's arrival time of the datagram
	 * that caused each one to its sendmmsg() (relay data read on relay
	 * sockets is not timed).
	 */
	now = off > 0 ? udp_realtime() : 0;
	for (i = 0; (size_t)i < off; i++)
		if (u->orx[i] != 0 && u->orx[i] <= now)
			metrics_hist_add(&u->node->fwd_delay, now - u->orx[i],
			    1);
	u->nout = 0;
}

/* End of the loop round that queued datagrams: send them. */
static void
udp_flush_cb(evutil_socket_t fd, short what, void *arg)
{
	udp_flush(arg);
}

/* A datagram too large for a queue slot goes at once, in order. */
static int
udp_send_now(struct udp *u, const struct sockaddr *to, socklen_t tolen,
    const void *buf, size_t len)
{
	ssize_t n;

	udp_flush(u);
	do {
		n = sendto(u->fd, buf, len, MSG_DONTWAIT, to, tolen);
	} while (n == -1 && errno == EINTR);
	if (n == -1) {
		udp_send_failed(u, 1, errno);
		return -1;
	}
	metrics_add(&u->node->metrics, M_UDP_TX_DATAGRAMS, 1);
	metrics_add(&u->node->metrics, M_UDP_TX_BYTES, (uint64_t)n);
	return 0;
}

/*
 * One datagram to a client.  It is queued and sent with the others of
 * this loop round by one sendmmsg() (udp_flush_cb runs once the events
 * already active have run); never blocks: when the socket buffer is full
 * the datagram is dropped and counted, as the network might have.
 */
int
udp_send(struct udp *u, const struct sockaddr *to, const void *buf,
    size_t len)
{
	socklen_t tolen;
	size_t i;

	switch (to->sa_family) {
	case AF_INET:
		tolen = sizeof(struct sockaddr_in);
		break;
	case AF_INET6:
		tolen = sizeof(struct sockaddr_in6);
		break;
	default:
		udp_send_failed(u, 1, EAFNOSUPPORT);
		return -1;
	}
	if (len > UDP_OUT_SLOT)
		return udp_send_now(u, to, tolen, buf, len);
	if (u->nout == UDP_OUT_BATCH)
		udp_flush(u);
	i = u->nout++;
	u->orx[i] = u->rx_usec;
	memcpy(&u->oto[i], to, tolen);
	memcpy(u->obuf[i], buf, len);
	u->oiov[i].iov_len = len;
	u->out[i].msg_hdr.msg_namelen = tolen;
	if (i == 0)
		event_active(u->ev_flush, EV_TIMEOUT, 1);
	return 0;
}

/* Bound port. */
unsigned
udp_port(const struct udp *u)
{
	return sock_port(u->fd);
}

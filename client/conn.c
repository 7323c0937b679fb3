/*
 * conn.c - one client session with a node (see conn.h).
 *
 * Timers: one CONN_TICK_MS tick per conn drives handshake retries,
 * control retransmissions, pings (the heartbeat, which also keeps the
 * session alive at the node) and rekeys.  A handshake that draws no
 * answer is retried with fresh keys; meanwhile a STUN Binding request to
 * the same port tells "nothing there" from "something there that does
 * not take our handshake" (wrong node key, or a private node).
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>

#include "chorus/buf.h"
#include "chorus/crypto.h"
#include "chorus/frame.h"
#include "chorus/wire.h"
#include "conn.h"

#define CONN_TICK_MS		50
#define CONN_RETRY_MS		1000	/* first handshake retry */
#define CONN_PING_MS		1000	/* heartbeat */
#define CONN_LOST_MS		8000	/* silence that means the node is gone */
#define CONN_COOKIE_MS		115000	/* cookie usable this long */
#define CONN_STREAM_MARK	15
#define CONN_MAX_DGRAM		(WIRE_TRANSPORT_HDR + NOISE_MAX_MSG)

struct conn {
	struct event_base	*base;
	const struct identity	*me;
	struct conn_opts	 o;
	struct conn_cb		 cb;
	void			*arg;
	struct sockaddr_storage	 addr;
	socklen_t		 addrlen;
	int			 fd;
	struct event		*ev_read, *ev_tick;
	struct bufferevent	*bev;		/* TCP */
	SSL_CTX			*ssl_ctx;	/* TLS */
	enum conn_state		 state;
	enum conn_error		 err;
	char			 errbuf[256];

	struct session_init	 init;
	int			 init_pending;
	uint64_t		 init_sent_usec, start_usec;
	unsigned		 retry_ms;
	uint8_t			 cookie[WIRE_MAC_LEN];
	uint64_t		 cookie_usec;
	int			 have_cookie;
	uint8_t			 stun_tid[12];
	int			 stun_sent, stun_answered;

	struct session		 cur, prev;
	struct reliable		 rel;
	uint64_t		 last_rx_usec, last_ping_usec;
	uint32_t		 ping_id;
	double			 rtt_sum;
	struct conn_stats	 st;
	int			 up_called;
};

uint64_t
conn_now_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static void
conn_fail(struct conn *c, enum conn_error e)
{
	const char *h = c->o.host;

	if (c->state == CONN_FAILED)
		return;
	c->state = CONN_FAILED;
	c->err = e;
	switch (e) {
	case CONN_E_UNREACHABLE:
		snprintf(c->errbuf, sizeof(c->errbuf), "node %s port %u is "
		    "unreachable: no answer within %u ms", h, c->o.port,
		    c->o.timeout_ms);
		break;
	case CONN_E_HANDSHAKE:
		snprintf(c->errbuf, sizeof(c->errbuf), "node %s port %u "
		    "answers but refuses the handshake: wrong node key, or a "
		    "private node that needs its network key", h, c->o.port);
		break;
	case CONN_E_LOST:
		snprintf(c->errbuf, sizeof(c->errbuf), "lost the node %s "
		    "port %u: it stopped answering", h, c->o.port);
		break;
	default:
		if (c->errbuf[0] == '\0')
			snprintf(c->errbuf, sizeof(c->errbuf), "%s: connection "
			    "failed", h);
		break;
	}
	if (c->cb.failed != NULL)
		c->cb.failed(c, e, c->arg);
}

/* Write one datagram: as is on UDP, framed on TCP. */
static int
conn_write(struct conn *c, const uint8_t *p, size_t len)
{
	uint8_t hdr[4];
	ssize_t n;

	c->st.tx_packets++;
	c->st.tx_bytes += len;
	if (c->bev != NULL) {
		hdr[0] = CONN_STREAM_MARK;
		hdr[1] = 0;
		hdr[2] = (uint8_t)(len >> 8);
		hdr[3] = (uint8_t)len;
		if (bufferevent_write(c->bev, hdr, 4) == -1 ||
		    bufferevent_write(c->bev, p, len) == -1)
			return -1;
		return 0;
	}
	n = send(c->fd, p, len, 0);
	return n == (ssize_t)len ? 0 : -1;
}

static void
conn_tai64n(uint8_t out[WIRE_TAI64N_LEN])
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	/* Rounded down to 2^24 ns, so the label says less about timing. */
	wire_tai64n((uint64_t)ts.tv_sec, (uint32_t)ts.tv_nsec & ~0xffffffu,
	    out);
}

static int	conn_send_packet(struct conn *, const uint8_t *, size_t);

/*
 * A rekey travels inside the session it renews (a HANDSHAKE frame), so
 * the node keeps the session's room and control stream.
 */
static void
conn_rekey_send(struct conn *c, const uint8_t msg[WIRE_INITIATION_LEN])
{
	uint8_t pkt[FRAME_HDR_LEN + WIRE_INITIATION_LEN];
	struct buf_writer w;

	buf_wr_init(&w, pkt, sizeof(pkt));
	if (frame_put_handshake(&w, msg, WIRE_INITIATION_LEN) == 0)
		(void)conn_send_packet(c, pkt, buf_wr_len(&w));
}

/* Send a fresh initiation (new ephemeral key and index). */
static void
conn_initiate(struct conn *c, uint64_t now)
{
	uint8_t msg[WIRE_INITIATION_LEN], e_priv[CRYPTO_X25519_LEN];
	uint8_t tai[WIRE_TAI64N_LEN];
	uint32_t index;
	int cookie = c->have_cookie && now - c->cookie_usec <
	    CONN_COOKIE_MS * 1000ULL;

	session_init_wipe(&c->init);
	conn_tai64n(tai);
	if (RAND_bytes(e_priv, sizeof(e_priv)) != 1 ||
	    RAND_bytes((uint8_t *)&index, sizeof(index)) != 1 ||
	    session_initiate(&c->init, c->me, c->o.node_key, c->o.psk, index,
	    e_priv, tai, cookie ? c->cookie : NULL, msg) == -1) {
		crypto_wipe(e_priv, sizeof(e_priv));
		snprintf(c->errbuf, sizeof(c->errbuf), "cannot make a "
		    "handshake");
		conn_fail(c, CONN_E_SOCKET);
		return;
	}
	crypto_wipe(e_priv, sizeof(e_priv));
	c->init_pending = 1;
	c->init_sent_usec = now;
	if (c->state == CONN_UP)
		conn_rekey_send(c, msg);
	else
		(void)conn_write(c, msg, sizeof(msg));
}

/* A STUN Binding request to the node's port (UDP only). */
static void
conn_stun_probe(struct conn *c)
{
	uint8_t req[20] = { 0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42 };

	if (c->bev != NULL || RAND_bytes(c->stun_tid, 12) != 1)
		return;
	memcpy(req + 8, c->stun_tid, 12);
	c->stun_sent = 1;
	(void)conn_write(c, req, sizeof(req));
}

/* Seal one packet of frames with the current keys and send it. */
static int
conn_send_packet(struct conn *c, const uint8_t *pkt, size_t len)
{
	uint8_t out[WIRE_TRANSPORT_HDR + SESSION_MAX_PACKET + NOISE_TAG_LEN];
	size_t outlen;

	if (c->state != CONN_UP ||
	    session_seal(&c->cur, conn_now_usec(), pkt, len, out, sizeof(out),
	    &outlen) == -1)
		return -1;
	return conn_write(c, out, outlen);
}

static void
conn_flush(struct conn *c)
{
	uint8_t pkt[SESSION_MAX_PACKET];
	struct buf_writer w;
	int i;

	for (i = 0; i < 8 && c->state == CONN_UP; i++) {
		buf_wr_init(&w, pkt, sizeof(pkt));
		if (reliable_emit(&c->rel, conn_now_usec(), &w) <= 0 ||
		    buf_wr_len(&w) == 0)
			break;
		(void)conn_send_packet(c, pkt, buf_wr_len(&w));
	}
}

static void
conn_ping(struct conn *c, uint8_t type, uint32_t id, uint64_t usec)
{
	uint8_t pkt[FRAME_HDR_LEN + FRAME_PING_LEN];
	struct buf_writer w;

	buf_wr_init(&w, pkt, sizeof(pkt));
	if (frame_put_ping(&w, type, id, usec) == 0 &&
	    conn_send_packet(c, pkt, buf_wr_len(&w)) == 0 &&
	    type == FRAME_PING)
		c->st.pings++;
}

static void
conn_pong(struct conn *c, const struct frame *f, uint64_t now)
{
	double ms;

	if (f->ping_usec > now)
		return;
	ms = (double)(now - f->ping_usec) / 1000.0;
	c->st.pongs++;
	c->st.rtt_ms = ms;
	c->rtt_sum += ms;
	c->st.rtt_avg_ms = c->rtt_sum / (double)c->st.pongs;
	if (c->st.pongs == 1 || ms < c->st.rtt_min_ms)
		c->st.rtt_min_ms = ms;
	if (ms > c->st.rtt_max_ms)
		c->st.rtt_max_ms = ms;
}

static void	conn_response(struct conn *, const struct wire_msg *, uint64_t);

/* The response to a rekey, inside the old session. */
static void
conn_rekey_response(struct conn *c, const uint8_t *p, size_t len,
    uint64_t now)
{
	struct wire_msg m;

	if (wire_parse(p, len, &m) == WIRE_OK && m.type == WIRE_RESPONSE)
		conn_response(c, &m, now);
}

static void
conn_deliver(void *arg, const uint8_t *msg, size_t len)
{
	struct conn *c = arg;

	if (c->cb.control != NULL && c->state == CONN_UP)
		c->cb.control(c, msg, len, c->arg);
}

static void
conn_frames(struct conn *c, const uint8_t *pkt, size_t len, uint64_t now)
{
	struct buf_reader r;
	struct frame f;
	enum frame_error fe;

	buf_rd_init(&r, pkt, len);
	while (c->state == CONN_UP && frame_next(&r, &f, &fe) == 1) {
		switch (f.type) {
		case FRAME_MEDIA:
			if (c->cb.media != NULL)
				c->cb.media(c, f.value, f.len, c->arg);
			break;
		case FRAME_CONTROL:
			reliable_on_control(&c->rel, &f, conn_deliver, c);
			break;
		case FRAME_ACK:
			reliable_on_ack(&c->rel, &f, now);
			break;
		case FRAME_PING:
			conn_ping(c, FRAME_PONG, f.ping_id, f.ping_usec);
			break;
		case FRAME_PONG:
			conn_pong(c, &f, now);
			break;
		case FRAME_HANDSHAKE:
			conn_rekey_response(c, f.value, f.len, now);
			break;
		default:
			break;
		}
	}
	if (c->state == CONN_UP && c->rel.ack_due)
		conn_flush(c);
}

static void
conn_response(struct conn *c, const struct wire_msg *m, uint64_t now)
{
	struct session s;

	if (!c->init_pending || m->receiver != c->init.local_index ||
	    session_initiator_finish(&c->init, m, now, &s) == -1)
		return;
	c->init_pending = 0;
	session_wipe(&c->prev);
	if (c->cur.live) {
		c->prev = c->cur;
		c->st.rekeys++;
	}
	c->cur = s;
	crypto_wipe(&s, sizeof(s));
	c->last_rx_usec = now;
	c->state = CONN_UP;
	/* Confirm the keys at once: the node waits for our first packet. */
	conn_ping(c, FRAME_PING, ++c->ping_id, now);
	c->last_ping_usec = now;
	if (!c->up_called) {
		c->up_called = 1;
		if (c->cb.up != NULL)
			c->cb.up(c, c->arg);
	}
}

/* One datagram from the node. */
static void
conn_input(struct conn *c, const uint8_t *p, size_t len)
{
	uint8_t pkt[NOISE_MAX_MSG];
	struct session *s;
	struct wire_msg m;
	uint64_t now = conn_now_usec();
	size_t plen;

	c->st.rx_packets++;
	c->st.rx_bytes += len;
	if (len >= 20 && p[0] == 0x01 && p[1] == 0x01 && c->stun_sent &&
	    memcmp(p + 8, c->stun_tid, 12) == 0) {
		c->stun_answered = 1;
		return;
	}
	if (wire_parse(p, len, &m) != WIRE_OK)
		return;
	switch (m.type) {
	case WIRE_RESPONSE:
		conn_response(c, &m, now);
		break;
	case WIRE_COOKIE:
		if (c->init_pending && m.receiver == c->init.local_index &&
		    session_initiator_cookie(&c->init, &m, c->cookie) == 0) {
			c->have_cookie = 1;
			c->cookie_usec = now;
			conn_initiate(c, now);
		}
		break;
	case WIRE_TRANSPORT:
		if (c->cur.live && m.receiver == c->cur.local_index)
			s = &c->cur;
		else if (c->prev.live && m.receiver == c->prev.local_index)
			s = &c->prev;
		else
			break;
		if (session_open(s, now, &m, pkt, sizeof(pkt), &plen) == -1)
			break;
		c->last_rx_usec = now;
		conn_frames(c, pkt, plen, now);
		crypto_wipe(pkt, plen);
		break;
	default:
		break;
	}
}

static void
conn_read_cb(evutil_socket_t fd, short what, void *arg)
{
	static uint8_t buf[CONN_MAX_DGRAM];
	struct conn *c = arg;
	ssize_t n;
	int i;

	(void)what;
	for (i = 0; i < 64 && c->state != CONN_FAILED; i++) {
		if ((n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) < 0) {
			/* ICMP port unreachable: keep trying until timeout. */
			break;
		}
		conn_input(c, buf, (size_t)n);
	}
}

/* TCP: split the stream into datagrams. */
static void
conn_tcp_read_cb(struct bufferevent *bev, void *arg)
{
	struct evbuffer *in = bufferevent_get_input(bev);
	struct conn *c = arg;
	uint8_t hdr[4], *p;
	size_t n;

	while (c->state != CONN_FAILED && evbuffer_get_length(in) >= 4) {
		evbuffer_copyout(in, hdr, 4);
		n = (size_t)hdr[2] << 8 | hdr[3];
		if (hdr[0] != CONN_STREAM_MARK || hdr[1] != 0 || n == 0) {
			conn_fail(c, CONN_E_LOST);
			return;
		}
		if (evbuffer_get_length(in) < 4 + n)
			return;
		if ((p = evbuffer_pullup(in, (ev_ssize_t)(4 + n))) == NULL)
			return;
		conn_input(c, p + 4, n);
		evbuffer_drain(in, 4 + n);
	}
}

static void
conn_tcp_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct conn *c = arg;

	(void)bev;
	if (what & BEV_EVENT_CONNECTED) {
		conn_initiate(c, conn_now_usec());
		return;
	}
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR))
		conn_fail(c, c->state == CONN_UP ? CONN_E_LOST :
		    CONN_E_UNREACHABLE);
}

static void
conn_tick_handshake(struct conn *c, uint64_t now)
{
	if (now - c->start_usec >= c->o.timeout_ms * 1000ULL) {
		conn_fail(c, c->stun_answered ? CONN_E_HANDSHAKE :
		    CONN_E_UNREACHABLE);
		return;
	}
	if (c->bev != NULL && !c->init_pending)
		return;		/* still connecting */
	if (now - c->init_sent_usec >= c->retry_ms * 1000ULL) {
		if (!c->stun_sent)
			conn_stun_probe(c);
		c->retry_ms = c->retry_ms * 2 > 4000 ? 4000 : c->retry_ms * 2;
		conn_initiate(c, now);
	}
}

static void
conn_tick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct conn *c = arg;
	uint64_t now = conn_now_usec();

	(void)fd;
	(void)what;
	if (c->state == CONN_HANDSHAKE) {
		conn_tick_handshake(c, now);
		return;
	}
	if (c->state != CONN_UP)
		return;
	if (now - c->last_rx_usec >= CONN_LOST_MS * 1000ULL ||
	    c->rel.failed || session_expired(&c->cur, now)) {
		conn_fail(c, CONN_E_LOST);
		return;
	}
	if (c->prev.live && now - c->cur.created_usec >= 10000000ULL)
		session_wipe(&c->prev);
	if ((session_needs_rekey(&c->cur, now) || (c->o.rekey_ms != 0 &&
	    now - c->cur.created_usec >= c->o.rekey_ms * 1000ULL)) &&
	    (!c->init_pending ||
	    now - c->init_sent_usec >= SESSION_REKEY_TIMEOUT * 1000000ULL))
		conn_initiate(c, now);
	if (now - c->last_ping_usec >= c->o.ping_ms * 1000ULL) {
		c->last_ping_usec = now;
		conn_ping(c, FRAME_PING, ++c->ping_id, now);
	}
	if (reliable_pending(&c->rel) > 0 || c->rel.ack_due)
		conn_flush(c);
}

static int
conn_resolve(struct conn *c, char *err, size_t errlen)
{
	struct addrinfo hints, *res;
	char port[8];
	int rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = c->o.tcp || c->o.tls ? SOCK_STREAM : SOCK_DGRAM;
	snprintf(port, sizeof(port), "%u", c->o.port);
	if ((rc = getaddrinfo(c->o.host, port, &hints, &res)) != 0) {
		snprintf(err, errlen, "%s: %s", c->o.host, gai_strerror(rc));
		return -1;
	}
	memcpy(&c->addr, res->ai_addr, res->ai_addrlen);
	c->addrlen = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

/*
 * A TLS connection for networks that pass only HTTPS-like traffic.  The
 * certificate is not checked: the Noise handshake inside authenticates
 * the node by its static key, which TLS cannot improve on, and a node's
 * certificate is often self-signed.
 */
static struct bufferevent *
conn_tls_bev(struct conn *c)
{
	SSL *ssl;

	if ((c->ssl_ctx = SSL_CTX_new(TLS_client_method())) == NULL)
		return NULL;
	SSL_CTX_set_min_proto_version(c->ssl_ctx, TLS1_2_VERSION);
	SSL_CTX_set_verify(c->ssl_ctx, SSL_VERIFY_NONE, NULL);
	if ((ssl = SSL_new(c->ssl_ctx)) == NULL)
		return NULL;
	(void)SSL_set_tlsext_host_name(ssl, c->o.host);
	return bufferevent_openssl_socket_new(c->base, -1, ssl,
	    BUFFEREVENT_SSL_CONNECTING, BEV_OPT_CLOSE_ON_FREE);
}

static int
conn_open(struct conn *c, char *err, size_t errlen)
{
	if (c->o.tcp || c->o.tls) {
		c->bev = c->o.tls ? conn_tls_bev(c) :
		    bufferevent_socket_new(c->base, -1, BEV_OPT_CLOSE_ON_FREE);
		if (c->bev == NULL)
			goto fail;
		bufferevent_setcb(c->bev, conn_tcp_read_cb, NULL,
		    conn_tcp_event_cb, c);
		if (bufferevent_enable(c->bev, EV_READ | EV_WRITE) == -1 ||
		    bufferevent_socket_connect(c->bev,
		    (struct sockaddr *)&c->addr, (int)c->addrlen) == -1)
			goto fail;
		return 0;
	}
	c->fd = socket(c->addr.ss_family, SOCK_DGRAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0);
	if (c->fd != -1 && c->o.bind_addr != NULL &&
	    c->o.bind_addr->sa_family == c->addr.ss_family &&
	    bind(c->fd, c->o.bind_addr, (socklen_t)c->o.bind_len) == -1)
		goto fail;
	if (c->fd == -1 || connect(c->fd, (struct sockaddr *)&c->addr,
	    c->addrlen) == -1)
		goto fail;
	if ((c->ev_read = event_new(c->base, c->fd, EV_READ | EV_PERSIST,
	    conn_read_cb, c)) == NULL || event_add(c->ev_read, NULL) == -1)
		goto fail;
	conn_initiate(c, conn_now_usec());
	return 0;
fail:
	snprintf(err, errlen, "%s port %u: %s", c->o.host, c->o.port,
	    strerror(errno));
	return -1;
}

struct conn *
conn_new(struct event_base *base, const struct identity *me,
    const struct conn_opts *o, const struct conn_cb *cb, void *arg,
    char *err, size_t errlen)
{
	struct timeval tv = { 0, CONN_TICK_MS * 1000 };
	struct conn *c;

	if ((c = calloc(1, sizeof(*c))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	c->base = base;
	c->me = me;
	c->o = *o;
	c->cb = *cb;
	c->arg = arg;
	c->fd = -1;
	c->retry_ms = CONN_RETRY_MS;
	if (c->o.timeout_ms == 0)
		c->o.timeout_ms = 5000;
	if (c->o.ping_ms == 0)
		c->o.ping_ms = CONN_PING_MS;
	reliable_init(&c->rel);
	c->start_usec = conn_now_usec();
	if (conn_resolve(c, err, errlen) == -1)
		goto fail;
	if ((c->ev_tick = event_new(base, -1, EV_PERSIST, conn_tick_cb, c)) ==
	    NULL || event_add(c->ev_tick, &tv) == -1 ||
	    conn_open(c, err, errlen) == -1)
		goto fail;
	return c;
fail:
	conn_free(c);
	return NULL;
}

void
conn_set_ping_ms(struct conn *c, unsigned ms)
{
	c->o.ping_ms = ms == 0 ? CONN_PING_MS : ms;
}

uint64_t
conn_rx_age_usec(const struct conn *c)
{
	uint64_t now = conn_now_usec();

	if (c->state != CONN_UP || now < c->last_rx_usec)
		return 0;
	return now - c->last_rx_usec;
}

void
conn_free(struct conn *c)
{
	if (c == NULL)
		return;
	if (c->ev_read != NULL)
		event_free(c->ev_read);
	if (c->ev_tick != NULL)
		event_free(c->ev_tick);
	if (c->bev != NULL)
		bufferevent_free(c->bev);
	SSL_CTX_free(c->ssl_ctx);
	if (c->fd != -1)
		close(c->fd);
	session_init_wipe(&c->init);
	session_wipe(&c->cur);
	session_wipe(&c->prev);
	reliable_wipe(&c->rel);
	crypto_wipe(c, sizeof(*c));
	free(c);
}

enum conn_state
conn_state(const struct conn *c)
{
	return c->state;
}

enum conn_error
conn_failure(const struct conn *c)
{
	return c->err;
}

const char *
conn_strerror(const struct conn *c)
{
	return c->errbuf;
}

const uint8_t *
conn_hash(const struct conn *c)
{
	return c->cur.hash;
}

int
conn_send_control(struct conn *c, const void *msg, size_t len)
{
	if (reliable_queue(&c->rel, msg, len) == -1)
		return -1;
	conn_flush(c);
	return 0;
}

int
conn_send_media(struct conn *c, const void *frame, size_t len)
{
	uint8_t pkt[SESSION_MAX_PACKET];
	struct buf_writer w;

	buf_wr_init(&w, pkt, sizeof(pkt));
	if (frame_put_media(&w, frame, len) == -1)
		return -1;
	return conn_send_packet(c, pkt, buf_wr_len(&w));
}

int
conn_idle(const struct conn *c)
{
	return reliable_pending(&c->rel) == 0;
}

const struct conn_stats *
conn_stats(const struct conn *c)
{
	return &c->st;
}

/*
 * tcp.c - the TCP and TLS listeners and their connections.
 *
 * Owns a listening socket, its TLS context (for a TLS listener) and the
 * list of open connections.  Every connection counts as a session for
 * drain; it is closed by one path, tcp_conn_close(), when the peer goes,
 * after tcp-idle-timeout of silence, on a framing error, when the TURN
 * server asks (tcp_conn_shutdown()) or when the listener is freed.
 *
 * A connection's bytes are a stream of frames (RFC 8489 §6.2.2, RFC 8656
 * §12.5): STUN messages and ChannelData padded to 4 bytes, each handed to
 * turn_input() with the connection's transport.  Anything else, Chorus
 * included until it has a stream framing of its own, closes the
 * connection.
 */
#include "config.h"

#include <sys/queue.h>
#include <sys/socket.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/listener.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "chorus/demux.h"
#include "chorus/stun.h"
#include "log.h"
#include "node.h"
#include "sock.h"
#include "tcp.h"
#include "transport.h"
#include "turn.h"
#include "chorus.h"

/*
 * Bytes buffered per connection.  Reading stops at this mark, so it must
 * hold the largest frame worth accepting: a STUN message (at most 65532
 * bytes) and ChannelData whose data fits a UDP datagram (65527 bytes with
 * the padding).  A frame that needs more is refused as too large.
 */
#define TCP_READ_HIGHWATER	(64 * 1024)
/*
 * Frames handled per read callback.  The rest wait for a deferred
 * callback, queued behind the other connections' (bufferevent_trigger()),
 * so one pipelining client cannot hold the loop for a whole buffer.
 */
#define TCP_MAX_FRAMES		64

#define TCP_FRAME_NOMEM		(-2)	/* tcp_conn_frame(): out of memory */

struct tcp_conn {
	TAILQ_ENTRY(tcp_conn)	 entry;
	struct tcp		*tcp;
	struct bufferevent	*bev;
	struct transport	 transport;	/* conn points back here */
	size_t			 rx_counted;	/* input bytes counted */
	int			 established;	/* TLS handshake done, or TCP */
	const char		*closing;	/* tcp_conn_shutdown() reason */
};

struct tcp {
	struct node		*node;
	struct evconnlistener	*listener;
	enum transport_kind	 kind;		/* TRANSPORT_TCP or _TLS */
	SSL_CTX			*ssl;		/* our reference, TLS only */
	char			 name[SOCK_NAMELEN];
	unsigned		 nconns;
	struct log_ratelimit	 rl;
	TAILQ_HEAD(, tcp_conn)	 conns;
};

/* The one teardown path of a connection. */
static void
tcp_conn_close(struct tcp_conn *c, const char *reason)
{
	struct tcp *t = c->tcp;

	log_debug("%s: %s %s: connection closed: %s", __func__,
	    transport_name(t->kind), t->name, reason);
	/* The allocation on this connection goes before the connection. */
	if (t->node->turn != NULL)
		turn_conn_closed(t->node->turn, c);
	if (t->node->chorus != NULL)
		chorus_conn_closed(t->node->chorus, c);
	TAILQ_REMOVE(&t->conns, c, entry);
	bufferevent_free(c->bev);
	free(c);
	t->nconns--;
	metrics_set(&t->node->metrics, M_TCP_CONNECTIONS, t->nconns);
	node_session_closed(t->node);
}

/*
 * A Chorus stream frame: 15, 0, a 2-byte length, that many bytes of one
 * Chorus datagram (doc/PROTOCOL.md "Chorus over TCP and TLS").  Its
 * length with *p at the datagram, 0 if more bytes are needed, -1.
 */
static ssize_t
tcp_chorus_frame(struct evbuffer *in, const uint8_t **p, size_t len,
    size_t *consume, const char **why)
{
	size_t avail = evbuffer_get_length(in), n;

	if (len < 4)
		return 0;
	if ((*p)[0] != CHORUS_STREAM_MARK || (*p)[1] != 0) {
		*why = "not a Chorus stream frame";
		return -1;
	}
	n = (size_t)(*p)[2] << 8 | (*p)[3];
	if (n == 0) {
		*why = "empty Chorus frame";
		return -1;
	}
	if (avail < 4 + n)
		return 0;
	if (len < 4 + n && (*p = evbuffer_pullup(in, (ev_ssize_t)(4 + n))) ==
	    NULL)
		return TCP_FRAME_NOMEM;
	*p += 4;
	*consume = 4 + n;
	return (ssize_t)n;
}

/*
 * The frame at the head of a connection's input: its length (> 0) with
 * *p and *consume set (*chorus 1 for a Chorus datagram), 0 if more bytes
 * are needed, -1 with *why if the stream is not STUN/ChannelData or
 * Chorus framing, TCP_FRAME_NOMEM.
 */
static ssize_t
tcp_conn_frame(struct evbuffer *in, const uint8_t **p, size_t *consume,
    const char **why, int *chorus)
{
	size_t avail = evbuffer_get_length(in);
	size_t len = evbuffer_get_contiguous_space(in);
	ssize_t frame;

	/* The header in one piece; no copy unless a chain ends inside it. */
	if (len < STUN_HEADER_LEN)
		len = avail < STUN_HEADER_LEN ? avail : STUN_HEADER_LEN;
	if ((*p = evbuffer_pullup(in, (ev_ssize_t)len)) == NULL)
		return TCP_FRAME_NOMEM;
	switch (demux_classify(*p, len)) {
	case DEMUX_STUN:
	case DEMUX_CHANNELDATA:
		break;
	case DEMUX_CHORUS:
		/* The pull-up above made min(avail, 20) bytes contiguous. */
		*chorus = 1;
		return tcp_chorus_frame(in, p, len, consume, why);
	default:
		*why = "not STUN or ChannelData";
		return -1;
	}
	frame = stun_stream_frame(*p, len, consume);
	if (frame == 0 && len < avail) {
		/* The frame spans buffer chains: make it contiguous. */
		if ((*p = evbuffer_pullup(in, -1)) == NULL)
			return TCP_FRAME_NOMEM;
		frame = stun_stream_frame(*p, avail, consume);
	}
	if (frame == -1)
		*why = "not STUN or ChannelData";
	else if (frame == 0 && avail >= TCP_READ_HIGHWATER) {
		*why = "frame too large";
		return -1;
	}
	return frame;
}

/*
 * Hand the next complete frame to the TURN server.  1 if one was handled,
 * 0 if more bytes are needed, -1 if the connection was closed.
 */
static int
tcp_conn_input(struct tcp_conn *c, struct evbuffer *in)
{
	struct node *node = c->tcp->node;
	const uint8_t *p;
	const char *why = NULL;
	size_t consume = 0;
	ssize_t frame;
	int chorus = 0;

	frame = tcp_conn_frame(in, &p, &consume, &why, &chorus);
	if (frame == 0)
		return 0;
	if (frame == TCP_FRAME_NOMEM) {
		tcp_conn_close(c, "out of memory");
		return -1;
	}
	if (frame < 0) {
		metrics_add(&node->metrics, M_TCP_DROPPED_MALFORMED, 1);
		tcp_conn_close(c, why);
		return -1;
	}
	if (chorus) {
		metrics_add(&node->metrics, M_TCP_RX_FRAMES_CHORUS, 1);
		if (node->chorus != NULL)
			chorus_input(node->chorus, &c->transport, p,
			    (size_t)frame);
		evbuffer_drain(in, consume);
		return 1;
	}
	metrics_add(&node->metrics,
	    demux_classify(p, (size_t)frame) == DEMUX_CHANNELDATA ?
	    M_TCP_RX_FRAMES_CHANNELDATA : M_TCP_RX_FRAMES_STUN, 1);
	/* The frame without the stream padding (RFC 8656 §12.5). */
	if (node->turn != NULL)
		turn_input(node->turn, &c->transport, p, (size_t)frame);
	evbuffer_drain(in, consume);
	return 1;
}

/* Bytes arrived: count them, then handle up to TCP_MAX_FRAMES frames. */
static void
tcp_conn_read_cb(struct bufferevent *bev, void *arg)
{
	struct tcp_conn *c = arg;
	struct node *node = c->tcp->node;
	struct evbuffer *in = bufferevent_get_input(bev);
	unsigned n;
	int rc = 0;

	if (c->closing != NULL)
		return;
	metrics_add(&node->metrics, M_TCP_RX_BYTES,
	    evbuffer_get_length(in) - c->rx_counted);
	for (n = 0; n < TCP_MAX_FRAMES && c->closing == NULL; n++) {
		if (evbuffer_get_length(in) == 0 ||
		    (rc = tcp_conn_input(c, in)) != 1)
			break;
	}
	if (rc == -1)
		return;		/* c is gone */
	c->rx_counted = evbuffer_get_length(in);
	if (n == TCP_MAX_FRAMES && c->rx_counted > 0 && c->closing == NULL)
		bufferevent_trigger(bev, EV_READ, BEV_TRIG_DEFER_CALLBACKS);
}

/* Why a connection failed: OpenSSL's reason for TLS, else errno. */
static void
tcp_conn_error(struct tcp_conn *c, char *buf, size_t len)
{
	unsigned long e, last = 0;

	if (c->tcp->kind == TRANSPORT_TLS) {
		/*
		 * Drain the connection's queue, which pops the newest
		 * first: the oldest, kept last, is the cause.
		 */
		while ((e = bufferevent_get_openssl_error(c->bev)) != 0)
			last = e;
		if (last != 0) {
			ERR_error_string_n(last, buf, len);
			return;
		}
	}
	snprintf(buf, len, "%s", strerror(EVUTIL_SOCKET_ERROR()));
}

/* Output flushed after tcp_conn_shutdown(): now close. */
static void
tcp_conn_write_cb(struct bufferevent *bev, void *arg)
{
	struct tcp_conn *c = arg;

	if (c->closing != NULL)
		tcp_conn_close(c, c->closing);
}

/* Handshake done, EOF, error, idle timeout, or a shutdown requested. */
static void
tcp_conn_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct tcp_conn *c = arg;
	struct tcp *t = c->tcp;
	char reason[256];

	if (c->closing != NULL) {
		tcp_conn_close(c, c->closing);
		return;
	}
	if (what & BEV_EVENT_CONNECTED) {
		c->established = 1;
		log_debug("%s: tls %s: handshake done: %s", __func__, t->name,
		    SSL_get_version(bufferevent_openssl_get_ssl(bev)));
		return;
	}
	if (!c->established)
		metrics_add(&t->node->metrics, M_TLS_HANDSHAKE_FAILURES, 1);
	if (what & BEV_EVENT_TIMEOUT)
		tcp_conn_close(c, "idle timeout");
	else if (what & BEV_EVENT_EOF)
		tcp_conn_close(c, "closed by peer");
	else if (what & BEV_EVENT_ERROR) {
		tcp_conn_error(c, reason, sizeof(reason));
		tcp_conn_close(c, reason);
	}
}

/*
 * A bufferevent for an accepted socket: plain, or TLS in the accepting
 * state.  Callbacks are deferred to the loop, so a tcp_conn_send() from
 * inside turn_input() never re-enters this module (an OpenSSL write
 * error would otherwise run the event callback at once).  NULL if out of
 * memory; *fd_owned is then 0 if fd must not be closed by the caller.
 */
static struct bufferevent *
tcp_conn_bev_new(struct tcp *t, evutil_socket_t fd, int *fd_owned)
{
	struct event_base *base = t->node->base;
	int opts = BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS;
	struct bufferevent *bev;
	SSL *ssl;

	*fd_owned = 1;
	if (t->ssl == NULL)
		return bufferevent_socket_new(base, fd, opts);
	if ((ssl = SSL_new(t->ssl)) == NULL)
		return NULL;
	bev = bufferevent_openssl_socket_new(base, fd, ssl,
	    BUFFEREVENT_SSL_ACCEPTING, opts);
	if (bev == NULL) {
		/*
		 * libevent frees ssl and closes fd on some of its failure
		 * paths and not on others: leak them (memory is short
		 * anyway) rather than risk a double close.
		 */
		*fd_owned = 0;
		return NULL;
	}
	/* A client that just closes the socket is not an error here. */
	bufferevent_openssl_set_allow_dirty_shutdown(bev, 1);
	return bev;
}

/* A new connection: admit it as a session, or refuse it. */
static void
tcp_accept_cb(struct evconnlistener *l, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	struct tcp *t = arg;
	struct node *node = t->node;
	struct timeval idle = { node->conf->tcp_idle_timeout, 0 };
	struct tcp_conn *c = NULL;
	socklen_t sslen;
	int fd_owned = 1;
	char abuf[LOG_ADDRSTRLEN];

	if (t->nconns >= node->conf->max_tcp_connections ||
	    node_session_may_open(node) == -1) {
		metrics_add(&node->metrics, M_TCP_REFUSED, 1);
		log_debug("%s: %s %s: refused %s", __func__,
		    transport_name(t->kind), t->name, log_addr(sa, abuf));
		close(fd);
		return;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL)
		goto fail;
	c->tcp = t;
	c->established = t->kind != TRANSPORT_TLS;
	c->transport.kind = t->kind;
	c->transport.conn = c;
	if (salen < 0 || (size_t)salen > sizeof(c->transport.client))
		goto fail;
	memcpy(&c->transport.client, sa, (size_t)salen);
	sslen = sizeof(c->transport.local);
	if (getsockname(fd, (struct sockaddr *)&c->transport.local,
	    &sslen) == -1)
		goto fail;
	if ((c->bev = tcp_conn_bev_new(t, fd, &fd_owned)) == NULL)
		goto fail;
	bufferevent_setcb(c->bev, tcp_conn_read_cb, NULL, tcp_conn_event_cb, c);
	bufferevent_setwatermark(c->bev, EV_READ, 0, TCP_READ_HIGHWATER);
	bufferevent_set_timeouts(c->bev, &idle, &idle);
	if (bufferevent_enable(c->bev, EV_READ) == -1)
		goto fail;
	TAILQ_INSERT_TAIL(&t->conns, c, entry);
	t->nconns++;
	metrics_add(&node->metrics, M_TCP_ACCEPTED, 1);
	metrics_set(&node->metrics, M_TCP_CONNECTIONS, t->nconns);
	node_session_opened(node);
	log_debug("%s: %s %s: accepted %s", __func__, transport_name(t->kind),
	    t->name, log_addr(sa, abuf));
	return;
fail:
	log_warnx_rl(&t->rl, node_uptime(node), "%s: %s %s: cannot set up "
	    "a connection: %s", __func__, transport_name(t->kind), t->name,
	    strerror(errno));
	if (c != NULL && c->bev != NULL)
		bufferevent_free(c->bev);
	else if (fd_owned)
		close(fd);
	free(c);
}

/* accept() failed (EMFILE, ...): log, rate-limited, and carry on. */
static void
tcp_accept_error_cb(struct evconnlistener *l, void *arg)
{
	struct tcp *t = arg;

	log_warnx_rl(&t->rl, node_uptime(t->node), "%s: %s %s: accept: %s",
	    __func__, transport_name(t->kind), t->name,
	    strerror(EVUTIL_SOCKET_ERROR()));
}

/* Bind addr:port and start accepting; TLS with an SSL_CTX. */
struct tcp *
tcp_new(struct node *node, const struct conf_addr *addr, unsigned port,
    struct ssl_ctx_st *ssl, char *err, size_t errlen)
{
	struct tcp *t;
	int fd;

	if ((t = calloc(1, sizeof(*t))) == NULL) {
		snprintf(err, errlen, "tcp: out of memory");
		return NULL;
	}
	t->node = node;
	TAILQ_INIT(&t->conns);
	t->kind = TRANSPORT_TCP;
	if (ssl != NULL) {
		if (SSL_CTX_up_ref(ssl) != 1) {
			snprintf(err, errlen, "tls: out of memory");
			goto fail;
		}
		t->ssl = ssl;
		t->kind = TRANSPORT_TLS;
	}
	fd = sock_bind(addr, port, SOCK_STREAM, t->name, sizeof(t->name), err,
	    errlen);
	if (fd == -1)
		goto fail;
	t->listener = evconnlistener_new(node->base, tcp_accept_cb, t,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, -1, fd);
	if (t->listener == NULL) {
		close(fd);
		snprintf(err, errlen, "%s %s: cannot watch socket",
		    transport_name(t->kind), t->name);
		goto fail;
	}
	evconnlistener_set_error_cb(t->listener, tcp_accept_error_cb);
	return t;
fail:
	tcp_free(t);
	return NULL;
}

/*
 * A new TLS context (SIGHUP, renewed certificate) for connections accepted
 * from now on; open ones keep theirs, as each SSL holds a reference.  A
 * listener's kind is fixed at tcp_new(): ignored on plain TCP.
 */
void
tcp_set_ssl(struct tcp *t, struct ssl_ctx_st *ssl)
{
	if (t == NULL || t->ssl == NULL || ssl == NULL)
		return;
	if (SSL_CTX_up_ref(ssl) != 1) {
		log_warnx("%s: tls %s: cannot take the new certificate",
		    __func__, t->name);
		return;
	}
	SSL_CTX_free(t->ssl);
	t->ssl = ssl;
}

/* The connection's 5-tuple and way back, as turn_input() saw it. */
const struct transport *
tcp_conn_transport(const struct tcp_conn *c)
{
	return &c->transport;
}

/* Queue bytes to a connection; -1 if its output is over TCP_MAX_OUTBUF. */
int
tcp_conn_send(struct tcp_conn *c, const void *buf, size_t len)
{
	struct metrics *m = &c->tcp->node->metrics;
	size_t queued;

	if (c->closing != NULL)
		return -1;
	queued = evbuffer_get_length(bufferevent_get_output(c->bev));
	if (len > TCP_MAX_OUTBUF || queued > TCP_MAX_OUTBUF - len ||
	    bufferevent_write(c->bev, buf, len) == -1) {
		metrics_add(m, M_TCP_TX_DROPPED, 1);
		return -1;
	}
	metrics_add(m, M_TCP_TX_BYTES, len);
	return 0;
}

/*
 * Close a connection at the TURN server's request.  Reading and sending
 * stop now; what is already queued (an error response) is flushed, then
 * the teardown, turn_conn_closed() included, runs from the loop: never
 * inside this call, so a caller in the middle of turn_input() or of its
 * own walk over connections keeps a valid pointer.  A peer that does not
 * read is cut off by the idle timeout.  reason must outlive the
 * connection (a string constant).
 */
void
tcp_conn_shutdown(struct tcp_conn *c, const char *reason)
{
	if (c->closing != NULL)
		return;
	c->closing = reason;
	bufferevent_disable(c->bev, EV_READ);
	if (evbuffer_get_length(bufferevent_get_output(c->bev)) > 0)
		bufferevent_setcb(c->bev, tcp_conn_read_cb, tcp_conn_write_cb,
		    tcp_conn_event_cb, c);
	else
		bufferevent_trigger_event(c->bev, BEV_EVENT_ERROR,
		    BEV_TRIG_DEFER_CALLBACKS);
}

/* Close the listener (drain): no new connections, open ones carry on. */
void
tcp_stop_accepting(struct tcp *t)
{
	if (t != NULL && t->listener != NULL) {
		evconnlistener_free(t->listener);
		t->listener = NULL;
	}
}

/* Close the listener and every connection. */
void
tcp_free(struct tcp *t)
{
	if (t == NULL)
		return;
	tcp_stop_accepting(t);
	while (!TAILQ_EMPTY(&t->conns))
		tcp_conn_close(TAILQ_FIRST(&t->conns), "shutting down");
	SSL_CTX_free(t->ssl);
	free(t);
}

/* Bound address as text. */
const char *
tcp_name(const struct tcp *t)
{
	return t->name;
}

/*
 * tcp.c - the TCP listener on the shared port and its connections.
 *
 * Owns the listening socket and the list of open connections.  Every
 * connection counts as a session for drain; it is closed by one path,
 * tcp_conn_close(), when the peer goes, after tcp-idle-timeout of silence,
 * or when the listener is freed.  Framed STUN, ChannelData and Chorus on
 * TCP arrive with later work: until then bytes are counted and discarded.
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
#include <event2/event.h>
#include <event2/listener.h>

#include "log.h"
#include "node.h"
#include "sock.h"
#include "tcp.h"

#define TCP_READ_HIGHWATER	(64 * 1024)	/* bytes buffered per conn */

struct tcp_conn {
	TAILQ_ENTRY(tcp_conn)	 entry;
	struct tcp		*tcp;
	struct bufferevent	*bev;
};

struct tcp {
	struct node		*node;
	struct evconnlistener	*listener;
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

	log_debug("%s: tcp %s: connection closed: %s", __func__, t->name,
	    reason);
	TAILQ_REMOVE(&t->conns, c, entry);
	bufferevent_free(c->bev);
	free(c);
	t->nconns--;
	metrics_set(&t->node->metrics, M_TCP_CONNECTIONS, t->nconns);
	node_session_closed(t->node);
}

/* Bytes arrived: count and discard until framed protocols exist. */
static void
tcp_conn_read_cb(struct bufferevent *bev, void *arg)
{
	struct tcp_conn *c = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	size_t n = evbuffer_get_length(in);

	metrics_add(&c->tcp->node->metrics, M_TCP_RX_BYTES, n);
	evbuffer_drain(in, n);
	node_dirty(c->tcp->node);
}

/* EOF, error or idle timeout. */
static void
tcp_conn_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct tcp_conn *c = arg;

	if (what & BEV_EVENT_TIMEOUT)
		tcp_conn_close(c, "idle timeout");
	else if (what & BEV_EVENT_EOF)
		tcp_conn_close(c, "closed by peer");
	else if (what & BEV_EVENT_ERROR)
		tcp_conn_close(c, strerror(EVUTIL_SOCKET_ERROR()));
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
	char abuf[LOG_ADDRSTRLEN];

	if (t->nconns >= node->conf->max_tcp_connections ||
	    node_session_may_open(node) == -1) {
		metrics_add(&node->metrics, M_TCP_REFUSED, 1);
		log_debug("%s: tcp %s: refused %s", __func__, t->name,
		    log_addr(sa, abuf));
		close(fd);
		return;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL)
		goto fail;
	c->tcp = t;
	c->bev = bufferevent_socket_new(node->base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (c->bev == NULL)
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
	log_debug("%s: tcp %s: accepted %s", __func__, t->name,
	    log_addr(sa, abuf));
	return;
fail:
	log_warnx_rl(&t->rl, node_uptime(node), "%s: tcp %s: out of memory",
	    __func__, t->name);
	if (c != NULL && c->bev != NULL)
		bufferevent_free(c->bev);
	else
		close(fd);
	free(c);
}

/* accept() failed (EMFILE, ...): log, rate-limited, and carry on. */
static void
tcp_accept_error_cb(struct evconnlistener *l, void *arg)
{
	struct tcp *t = arg;

	log_warnx_rl(&t->rl, node_uptime(t->node), "%s: tcp %s: accept: %s",
	    __func__, t->name, strerror(EVUTIL_SOCKET_ERROR()));
}

/* Bind addr:port and start accepting. */
struct tcp *
tcp_new(struct node *node, const struct conf_addr *addr, unsigned port,
    char *err, size_t errlen)
{
	struct tcp *t;
	int fd;

	if ((t = calloc(1, sizeof(*t))) == NULL) {
		snprintf(err, errlen, "tcp: out of memory");
		return NULL;
	}
	t->node = node;
	TAILQ_INIT(&t->conns);
	fd = sock_bind(addr, port, SOCK_STREAM, t->name, sizeof(t->name), err,
	    errlen);
	if (fd == -1)
		goto fail;
	t->listener = evconnlistener_new(node->base, tcp_accept_cb, t,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, -1, fd);
	if (t->listener == NULL) {
		close(fd);
		snprintf(err, errlen, "tcp %s: cannot watch socket", t->name);
		goto fail;
	}
	evconnlistener_set_error_cb(t->listener, tcp_accept_error_cb);
	return t;
fail:
	tcp_free(t);
	return NULL;
}

/* Close the listener (drain): no new connections, open ones carry on. */
void
tcp_stop_accepting(struct tcp *t)
{
	if (t->listener != NULL) {
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
	free(t);
}

/* Bound address as text. */
const char *
tcp_name(const struct tcp *t)
{
	return t->name;
}

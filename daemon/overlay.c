/*
 * overlay.c - OpenDHT runner, queue and wake-up (see overlay.h).
 *
 * Threads: OpenDHT calls back on its own threads.  Those callbacks copy
 * the value into a queue item, append it under d->mu and write the
 * eventfd; the loop's read callback swaps the whole queue out under the
 * mutex and hands the items to the caller's function with no lock held.
 */
#include <sys/eventfd.h>

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <opendht/opendht_c.h>

#include "chorus/crypto.h"
#include "overlay.h"
#include "log.h"
#include "node.h"

#define OVERLAY_NETWORK_LABEL	"chorus dht network v1"
#define OVERLAY_MAX_OPS		256	/* listens and gets in flight */

struct overlay_item {
	struct overlay_item	*next;
	uint8_t		 key[OVERLAY_KEY_LEN];
	size_t		 len;
	uint8_t		 data[];
};

/* The context of one get or listen: which key, and whose. */
struct overlay_op {
	struct overlay	*d;
	uint8_t		 key[OVERLAY_KEY_LEN];
	int		 listen;
	int		 done;		/* get finished: may be reused */
	dht_op_token	*token;
};

struct overlay {
	dht_runner		*runner;
	overlay_value_fn		 fn;
	void			*arg;
	int			 efd;
	struct event		*ev;
	pthread_mutex_t		 mu;
	struct overlay_item		*head, **tail;	/* under mu */
	size_t			 queued;	/* under mu */
	struct overlay_stats	 st;		/* counters written under mu */
	struct overlay_op		 ops[OVERLAY_MAX_OPS];
	unsigned		 port;
	pthread_cond_t		 shut_cv;
	int			 shut_done;
};

/* OpenDHT thread: queue a copy of the value and wake the loop. */
static void
overlay_enqueue(struct overlay_op *op, const dht_value *v)
{
	struct overlay *d = op->d;
	dht_data_view dv = dht_value_get_data(v);
	struct overlay_item *it;
	uint64_t one = 1;

	pthread_mutex_lock(&d->mu);
	if (dv.size == 0 || dv.size > OVERLAY_MAX_VALUE) {
		d->st.dropped_big++;
		goto out;
	}
	if (d->queued >= OVERLAY_QUEUE_MAX ||
	    (it = malloc(sizeof(*it) + dv.size)) == NULL) {
		d->st.dropped_queue++;
		goto out;
	}
	it->next = NULL;
	memcpy(it->key, op->key, OVERLAY_KEY_LEN);
	it->len = dv.size;
	memcpy(it->data, dv.data, dv.size);
	*d->tail = it;
	d->tail = &it->next;
	d->queued++;
	(void)write(d->efd, &one, sizeof(one));
out:
	pthread_mutex_unlock(&d->mu);
}

static bool
overlay_get_cb(const dht_value *v, void *arg)
{
	overlay_enqueue(arg, v);
	return true;
}

static void
overlay_get_done_cb(bool ok, void *arg)
{
	struct overlay_op *op = arg;

	(void)ok;
	pthread_mutex_lock(&op->d->mu);
	op->done = 1;
	pthread_mutex_unlock(&op->d->mu);
}

static bool
overlay_listen_cb(const dht_value *v, bool expired, void *arg)
{
	if (!expired)
		overlay_enqueue(arg, v);
	return true;
}

/* Loop thread: take the whole queue, then deliver with no lock held. */
static void
overlay_wake_cb(evutil_socket_t fd, short what, void *arg)
{
	struct overlay *d = arg;
	struct overlay_item *it, *next;
	uint64_t n;

	(void)what;
	(void)read(fd, &n, sizeof(n));
	pthread_mutex_lock(&d->mu);
	it = d->head;
	d->head = NULL;
	d->tail = &d->head;
	d->st.values_in += d->queued;
	d->queued = 0;
	pthread_mutex_unlock(&d->mu);
	for (; it != NULL; it = next) {
		next = it->next;
		d->fn(d->arg, it->key, it->data, it->len);
		free(it);
	}
}

/* The OpenDHT network number of a network name. */
static uint32_t
overlay_network_number(const char *name)
{
	uint8_t h[CRYPTO_BLAKE2S_LEN];

	if (crypto_blake2s2(OVERLAY_NETWORK_LABEL, sizeof(OVERLAY_NETWORK_LABEL) - 1,
	    name, strlen(name), h) == -1)
		return 0;
	return (uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 |
	    (uint32_t)h[2] << 8 | h[3];
}

/* "HOST:PORT" or "[V6]:PORT" to OpenDHT's bootstrap(host, service). */
static void
overlay_bootstrap(struct overlay *d, const char *hostport)
{
	char host[256], *colon;
	const char *h = hostport;

	if (strlen(hostport) >= sizeof(host))
		return;
	if (*h == '[')
		h++;
	snprintf(host, sizeof(host), "%s", h);
	if ((colon = strrchr(host, ':')) == NULL)
		return;
	*colon = '\0';
	if (colon > host && colon[-1] == ']')
		colon[-1] = '\0';
	dht_runner_bootstrap(d->runner, host, colon + 1);
}

struct overlay *
overlay_new(struct node *node, unsigned port, const char *network,
    char *const *bootstrap, size_t nbootstrap, overlay_value_fn fn, void *arg,
    char *err, size_t errlen)
{
	dht_runner_config cfg;
	struct overlay *d;
	size_t i;
	int rc;

	if ((d = calloc(1, sizeof(*d))) == NULL) {
		snprintf(err, errlen, "overlay: out of memory");
		return NULL;
	}
	d->fn = fn;
	d->arg = arg;
	d->efd = -1;
	d->tail = &d->head;
	pthread_mutex_init(&d->mu, NULL);
	pthread_cond_init(&d->shut_cv, NULL);
	if ((d->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) == -1 ||
	    (d->ev = event_new(node->base, d->efd, EV_READ | EV_PERSIST,
	    overlay_wake_cb, d)) == NULL || event_add(d->ev, NULL) == -1) {
		snprintf(err, errlen, "overlay: eventfd: %s", strerror(errno));
		goto fail;
	}
	if ((d->runner = dht_runner_new()) == NULL) {
		snprintf(err, errlen, "overlay: cannot make a runner");
		goto fail;
	}
	dht_runner_config_default(&cfg);
	cfg.dht_config.node_config.network = overlay_network_number(network);
	cfg.threaded = true;
	cfg.peer_discovery = false;	/* no LAN multicast unless asked */
	cfg.peer_publish = false;
	cfg.log = false;
	if ((rc = dht_runner_run_config(d->runner, (in_port_t)port,
	    &cfg)) != 0) {
		snprintf(err, errlen, "overlay: cannot start on UDP port %u: %s",
		    port, strerror(rc < 0 ? -rc : rc));
		goto fail;
	}
	d->port = dht_runner_get_bound_port(d->runner, AF_INET);
	for (i = 0; i < nbootstrap; i++)
		overlay_bootstrap(d, bootstrap[i]);
	return d;
fail:
	overlay_free(d);
	return NULL;
}

static void
overlay_shutdown_cb(void *arg)
{
	struct overlay *d = arg;

	pthread_mutex_lock(&d->mu);
	d->shut_done = 1;
	pthread_cond_signal(&d->shut_cv);
	pthread_mutex_unlock(&d->mu);
}

void
overlay_free(struct overlay *d)
{
	struct overlay_item *it, *next;
	size_t i;

	if (d == NULL)
		return;
	if (d->runner != NULL) {
		for (i = 0; i < OVERLAY_MAX_OPS; i++)
			if (d->ops[i].listen && d->ops[i].token != NULL)
				dht_runner_cancel_listen(d->runner,
				    (const dht_infohash *)d->ops[i].key,
				    d->ops[i].token);
		if (dht_runner_is_running(d->runner)) {
			dht_runner_shutdown(d->runner, overlay_shutdown_cb, d);
			pthread_mutex_lock(&d->mu);
			while (!d->shut_done)
				pthread_cond_wait(&d->shut_cv, &d->mu);
			pthread_mutex_unlock(&d->mu);
		}
		dht_runner_delete(d->runner);	/* joins its threads */
	}
	for (i = 0; i < OVERLAY_MAX_OPS; i++)
		if (d->ops[i].token != NULL)
			dht_op_token_delete(d->ops[i].token);
	for (it = d->head; it != NULL; it = next) {
		next = it->next;
		free(it);
	}
	if (d->ev != NULL)
		event_free(d->ev);
	if (d->efd != -1)
		close(d->efd);
	pthread_mutex_destroy(&d->mu);
	pthread_cond_destroy(&d->shut_cv);
	free(d);
}

int
overlay_put(struct overlay *d, const uint8_t key[OVERLAY_KEY_LEN], const void *data,
    size_t len)
{
	dht_infohash h;
	dht_value *v;

	if (len == 0 || len > OVERLAY_MAX_VALUE ||
	    (v = dht_value_new(data, len)) == NULL)
		return -1;
	memcpy(h.d, key, OVERLAY_KEY_LEN);
	/*
	 * Not permanent: the DHT keeps a value about ten minutes, and the
	 * caller puts what it still wants kept again before then.  A
	 * permanent put would be re-announced for the life of the process,
	 * and every new version of a record would add one more.
	 */
	dht_runner_put(d->runner, &h, v, NULL, NULL, false);
	dht_value_unref(v);
	return 0;
}

/* A free operation slot (a finished get's may be reused). */
static struct overlay_op *
overlay_op_new(struct overlay *d, const uint8_t key[OVERLAY_KEY_LEN], int listen)
{
	struct overlay_op *op = NULL;
	size_t i;

	pthread_mutex_lock(&d->mu);
	for (i = 0; i < OVERLAY_MAX_OPS; i++) {
		if (d->ops[i].d == NULL || (!d->ops[i].listen &&
		    d->ops[i].done)) {
			op = &d->ops[i];
			memset(op, 0, sizeof(*op));
			op->d = d;
			op->listen = listen;
			memcpy(op->key, key, OVERLAY_KEY_LEN);
			break;
		}
	}
	pthread_mutex_unlock(&d->mu);
	return op;
}

int
overlay_listen(struct overlay *d, const uint8_t key[OVERLAY_KEY_LEN])
{
	struct overlay_op *op;
	dht_infohash h;

	if ((op = overlay_op_new(d, key, 1)) == NULL)
		return -1;
	memcpy(h.d, key, OVERLAY_KEY_LEN);
	op->token = dht_runner_listen(d->runner, &h, overlay_listen_cb, NULL, op);
	return op->token != NULL ? 0 : -1;
}

int
overlay_get(struct overlay *d, const uint8_t key[OVERLAY_KEY_LEN])
{
	struct overlay_op *op;
	dht_infohash h;

	if ((op = overlay_op_new(d, key, 0)) == NULL)
		return -1;
	memcpy(h.d, key, OVERLAY_KEY_LEN);
	dht_runner_get(d->runner, &h, overlay_get_cb, overlay_get_done_cb, op);
	return 0;
}

unsigned
overlay_port(const struct overlay *d)
{
	return d->port;
}

const struct overlay_stats *
overlay_stats(const struct overlay *d)
{
	return &d->st;
}

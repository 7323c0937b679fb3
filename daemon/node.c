/*
 * node.c - the node: start-up, signals, reload, drain and shutdown.
 *
 * Owns struct node and everything hung off it.  node_new() brings the
 * parts up in order (state directory, identity, token, database,
 * listeners, HTTP); node_free() takes them down in reverse and copes with
 * a half-built node.  The loop thread is the only thread, so the signal
 * handlers are libevent signal events, not async handlers.
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "http.h"
#include "log.h"
#include "node.h"
#include "notify.h"
#include "store.h"
#include "tcp.h"
#include "tls.h"
#include "turn.h"
#include "chorus.h"
#include "history.h"
#include "net.h"
#include "udp.h"

#define NODE_STATUS_MIN_USEC	1000000	/* STATUS= at most once a second */


static void	node_signal_cb(evutil_socket_t, short, void *);
static void	node_watchdog_cb(evutil_socket_t, short, void *);
static void	node_drain_timeout_cb(evutil_socket_t, short, void *);

/* CLOCK_MONOTONIC in microseconds. */
uint64_t
node_now_usec(void)
{
	return notify_monotonic_usec();
}

/* Seconds since start. */
uint64_t
node_uptime(const struct node *node)
{
	return (node_now_usec() - node->start_usec) / 1000000;
}

/* Tell the service manager what we are doing, at most once a second. */
static void
node_status(struct node *node, int force)
{
	uint64_t now = node_now_usec();

	if (!force && now - node->status_sent_usec < NODE_STATUS_MIN_USEC)
		return;
	node->status_sent_usec = now;
	notify_send("STATUS=%s%u sessions, %u TURN allocations, "
	    "%llu tcp connections", node->draining ? "draining: " : "",
	    node->sessions, turn_allocations(node->turn),
	    (unsigned long long)node->metrics.v[M_TCP_CONNECTIONS]);
}

/* Load identity and token from the state directory. */
static int
node_load_state(struct node *node, char *err, size_t errlen)
{
	const char *dir = node->conf->state_dir;
	int created = 0;

	if (state_dir_open(dir, err, errlen) == -1 ||
	    state_lock(dir, &node->lock_fd, err, errlen) == -1)
		return -1;
	if (state_identity_load(dir, &node->id, &created, err, errlen) == -1)
		return -1;
	identity_id_string(node->id.ed_pub, node->id_str);
	identity_fingerprint(node->id.ed_pub, node->fpr);
	if (created)
		log_notice("created a new node identity in %s/%s", dir,
		    STATE_KEY_FILE);
	if (state_token_load(dir, node->token, err, errlen) == -1)
		return -1;
	return 0;
}

/* Open the database in the state directory. */
static int
node_open_store(struct node *node, char *err, size_t errlen)
{
	char path[4096];

	if ((size_t)snprintf(path, sizeof(path), "%s/%s",
	    node->conf->state_dir, STORE_FILE) >= sizeof(path)) {
		snprintf(err, errlen, "%s: state-dir path too long",
		    node->conf->state_dir);
		return -1;
	}
	if ((node->store = store_open(path, err, errlen)) == NULL)
		return -1;
	return 0;
}

/* TLS is on when tls-cert, tls-key and tls-port are all set. */
static int
node_tls_enabled(const struct conf *conf)
{
	return conf->tls_cert != NULL && conf->tls_key != NULL &&
	    conf->tls_port != 0;
}

/*
 * UDP and TCP on every listen address, and TLS on tls-port when enabled.
 * With port 0 the first UDP socket takes the kernel's choice and every
 * other socket uses the same port.
 */
static int
node_open_listeners(struct node *node, char *err, size_t errlen)
{
	struct conf *conf = node->conf;
	unsigned port = node->conf->port;
	size_t i;

	if (node_tls_enabled(conf) && (node->ssl = tls_ctx_new(conf->tls_cert,
	    conf->tls_key, err, errlen)) == NULL)
		return -1;
	for (i = 0; i < node->conf->nlisten; i++) {
		node->udp[i] = udp_new(node, &node->conf->listen[i], port, err,
		    errlen);
		if (node->udp[i] == NULL)
			return -1;
		if (port == 0)
			port = udp_port(node->udp[i]);
		node->tcp[i] = tcp_new(node, &node->conf->listen[i], port,
		    NULL, err, errlen);
		if (node->tcp[i] == NULL)
			return -1;
		if (node->ssl != NULL) {
			node->tls[i] = tcp_new(node, &conf->listen[i],
			    conf->tls_port, node->ssl, err, errlen);
			if (node->tls[i] == NULL)
				return -1;
			log_info("listening on tls %s", tcp_name(node->tls[i]));
		}
		node->nlisteners = i + 1;
		log_info("listening on udp and tcp %s", udp_name(node->udp[i]));
	}
	return 0;
}

/* Signal events, the watchdog and the drain timer. */
static int
node_open_events(struct node *node, char *err, size_t errlen)
{
	static const int sigs[] = { SIGHUP, SIGTERM, SIGINT, SIGUSR1, SIGPIPE };
	uint64_t wd;
	size_t i;

	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		node->ev_signal[i] = evsignal_new(node->base, sigs[i],
		    node_signal_cb, node);
		if (node->ev_signal[i] == NULL ||
		    event_add(node->ev_signal[i], NULL) == -1)
			goto fail;
	}
	node->ev_drain = evtimer_new(node->base, node_drain_timeout_cb, node);
	if (node->ev_drain == NULL)
		goto fail;
	/* systemd asks for a ping within WATCHDOG_USEC: send at half. */
	if ((wd = notify_watchdog_usec()) > 0) {
		struct timeval tv = { wd / 2 / 1000000, (wd / 2) % 1000000 };

		node->ev_watchdog = event_new(node->base, -1, EV_PERSIST,
		    node_watchdog_cb, node);
		if (node->ev_watchdog == NULL ||
		    event_add(node->ev_watchdog, &tv) == -1)
			goto fail;
	}
	return 0;
fail:
	snprintf(err, errlen, "cannot set up signal and timer events");
	return -1;
}

/* Bring the node up; NULL with err on any failure. */
struct node *
node_new(struct conf *conf, const char *conf_path, char *const *opts,
    size_t nopts, char *err, size_t errlen)
{
	struct event_config *cfg = NULL;
	struct node *node;

	if ((node = calloc(1, sizeof(*node))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	node->conf = conf;
	node->lock_fd = -1;
	node->conf_path = conf_path;
	node->opts = opts;
	node->nopts = nopts;
	node->start_usec = node_now_usec();
	node->start_wall = time(NULL);
	node->cpu_percent = -1;
	/* One thread: libevent needs no locks. */
	if ((cfg = event_config_new()) == NULL ||
	    event_config_set_flag(cfg, EVENT_BASE_FLAG_NOLOCK) == -1 ||
	    (node->base = event_base_new_with_config(cfg)) == NULL) {
		snprintf(err, errlen, "cannot create the event loop");
		goto fail;
	}
	event_config_free(cfg);
	cfg = NULL;
	if (node_load_state(node, err, errlen) == -1 ||
	    node_open_store(node, err, errlen) == -1 ||
	    node_open_events(node, err, errlen) == -1 ||
	    (node->turn = turn_new(node, err, errlen)) == NULL ||
	    (node->chorus = chorus_new(node, err, errlen)) == NULL ||
	    node_open_listeners(node, err, errlen) == -1)
		goto fail;
	if ((node->history = history_new(node, err, errlen)) == NULL)
		goto fail;
	if (conf->dht && (node->net = net_new(node, err, errlen)) == NULL)
		goto fail;
	if ((node->http = http_new(node, err, errlen)) == NULL)
		goto fail;
	log_info("http api on %s", http_name(node->http));
	return node;
fail:
	if (cfg != NULL)
		event_config_free(cfg);
	node->conf = NULL;	/* the caller still owns conf */
	node_free(node);
	return NULL;
}

/* Take the node down in reverse order; safe on a half-built node. */
void
node_free(struct node *node)
{
	size_t i;

	if (node == NULL)
		return;
	node->stopping = 1;
	http_free(node->http);
	/* Connections close first: each takes its allocation with it. */
	for (i = 0; i < NODE_MAX_LISTENERS; i++) {
		tcp_free(node->tls[i]);
		tcp_free(node->tcp[i]);
	}
	turn_free(node->turn);
	node->turn = NULL;
	/* The last flush, while the counters' owners are still here. */
	history_free(node->history);
	node->history = NULL;
	net_free(node->net);
	node->net = NULL;
	chorus_free(node->chorus);
	node->chorus = NULL;
	for (i = 0; i < NODE_MAX_LISTENERS; i++)
		udp_free(node->udp[i]);
	tls_ctx_free(node->ssl);
	store_close(node->store);
	for (i = 0; i < sizeof(node->ev_signal) / sizeof(node->ev_signal[0]); i++)
		if (node->ev_signal[i] != NULL)
			event_free(node->ev_signal[i]);
	if (node->ev_watchdog != NULL)
		event_free(node->ev_watchdog);
	if (node->ev_drain != NULL)
		event_free(node->ev_drain);
	if (node->base != NULL)
		event_base_free(node->base);
	conf_free(node->conf);
	if (node->lock_fd != -1)
		close(node->lock_fd);
	identity_wipe(&node->id);
	crypto_wipe(node->token, sizeof(node->token));
	free(node);
}

/* Run until stopped. */
int
node_run(struct node *node)
{
	notify_send("READY=1\nSTATUS=%u sessions, 0 tcp connections",
	    node->sessions);
	log_notice("chorusd %s started: node %s (%s)", PACKAGE_VERSION,
	    node->fpr, node->id_str);
	event_base_dispatch(node->base);
	notify_send("STOPPING=1");
	log_notice("chorusd stopped");
	return node->exit_code;
}

/* Stop the loop cleanly (callbacks in flight finish first). */
void
node_stop(struct node *node, const char *why)
{
	if (node->stopping)
		return;
	node->stopping = 1;
	log_notice("stopping: %s", why);
	event_base_loopexit(node->base, NULL);
}

/*
 * Settings only a restart can change: keep the running values in the new
 * configuration (so status tells the truth) and say so.
 */
static void
node_keep_restart_only(struct conf *old, struct conf *new)
{
	char *tmp;
	size_t i;
	int same;

	if (strcmp(old->state_dir, new->state_dir) != 0) {
		log_warnx("reload: state-dir changed; it takes effect at the "
		    "next restart");
		tmp = new->state_dir;
		new->state_dir = old->state_dir;
		old->state_dir = tmp;
	}
	same = old->nlisten == new->nlisten && old->port == new->port;
	for (i = 0; same && i < old->nlisten; i++)
		same = strcmp(old->listen[i].text, new->listen[i].text) == 0;
	if (!same) {
		log_warnx("reload: listen-address or port changed; they take "
		    "effect at the next restart");
		memcpy(new->listen, old->listen, sizeof(new->listen));
		new->nlisten = old->nlisten;
		new->port = old->port;
	}
	if ((old->network_psk_file == NULL) != (new->network_psk_file ==
	    NULL) || (old->network_psk_file != NULL &&
	    strcmp(old->network_psk_file, new->network_psk_file) != 0)) {
		log_warnx("reload: network-psk-file changed; it takes effect "
		    "at the next restart");
		tmp = new->network_psk_file;
		new->network_psk_file = old->network_psk_file;
		old->network_psk_file = tmp;
	}
	if (strcmp(old->http.text, new->http.text) != 0) {
		log_warnx("reload: http-address changed; it takes effect at "
		    "the next restart");
		new->http = old->http;
	}
	/* The certificate may change (node_reload_tls()), the listener not. */
	if (node_tls_enabled(old) != node_tls_enabled(new) ||
	    (node_tls_enabled(old) && old->tls_port != new->tls_port)) {
		log_warnx("reload: TLS turned on or off, or tls-port changed; "
		    "it takes effect at the next restart");
		tmp = new->tls_cert;
		new->tls_cert = old->tls_cert;
		old->tls_cert = tmp;
		tmp = new->tls_key;
		new->tls_key = old->tls_key;
		old->tls_key = tmp;
		new->tls_port = old->tls_port;
	}
}

/*
 * After a reload: read the certificate and key again (renewed files, or
 * new paths) for TLS connections accepted from now on.  On failure the
 * running certificate stays.
 */
static void
node_reload_tls(struct node *node)
{
	struct conf *conf = node->conf;
	struct ssl_ctx_st *ssl;
	char err[CONF_ERRLEN];
	size_t i;

	if (node->ssl == NULL)
		return;
	ssl = tls_ctx_new(conf->tls_cert, conf->tls_key, err, sizeof(err));
	if (ssl == NULL) {
		log_warnx("reload: keeping the running TLS certificate: %s",
		    err);
		return;
	}
	for (i = 0; i < node->nlisteners; i++)
		tcp_set_ssl(node->tls[i], ssl);
	tls_ctx_free(node->ssl);
	node->ssl = ssl;
	log_info("reload: TLS certificate loaded from %s", conf->tls_cert);
}

/* SIGHUP: parse the configuration again; swap it in only if valid. */
void
node_reload(struct node *node)
{
	char err[CONF_ERRLEN];
	struct conf *new;

	notify_send("RELOADING=1\nMONOTONIC_USEC=%llu",
	    (unsigned long long)node_now_usec());
	new = conf_load(node->conf_path, node->opts, node->nopts, err,
	    sizeof(err));
	if (new == NULL) {
		metrics_add(&node->metrics, M_RELOAD_FAILURES, 1);
		log_warnx("reload failed, keeping the running configuration: "
		    "%s", err);
	} else {
		node_keep_restart_only(node->conf, new);
		conf_free(node->conf);
		node->conf = new;
		turn_reload(node->turn, new, err, sizeof(err));
		if (chorus_reload(node->chorus, new, err, sizeof(err)) == -1)
			log_warnx("reload: keeping the running member list: "
			    "%s", err);
		log_set_level(new->log_level);
		log_set_addresses(new->log_addresses);
		node_reload_tls(node);
		metrics_add(&node->metrics, M_RELOADS, 1);
		log_notice("configuration reloaded%s%s",
		    node->conf_path ? " from " : "",
		    node->conf_path ? node->conf_path : "");
	}
	notify_send("READY=1");
	node_status(node, 1);
}

/* Refuse new sessions; stop when the last ends or at drain-timeout. */
void
node_drain(struct node *node, const char *why)
{
	struct timeval tv = { node->conf->drain_timeout, 0 };
	size_t i;

	if (node->draining)
		return;
	node->draining = 1;
	metrics_set(&node->metrics, M_DRAINING, 1);
	log_notice("draining (%s): %u sessions open, giving them up to %us",
	    why, node->sessions, node->conf->drain_timeout);
	for (i = 0; i < node->nlisteners; i++) {
		tcp_stop_accepting(node->tcp[i]);
		tcp_stop_accepting(node->tls[i]);
	}
	node_status(node, 1);
	/* Rooms' members and standbys go to the room's other nodes. */
	if (node->chorus != NULL)
		chorus_drain(node->chorus);
	if (node->sessions == 0)
		node_stop(node, "drained");
	else
		evtimer_add(node->ev_drain, &tv);
}

/* 0 if a new session may start. */
int
node_session_may_open(struct node *node)
{
	return node->draining || node->stopping ? -1 : 0;
}

/* A session started. */
void
node_session_opened(struct node *node)
{
	node->sessions++;
	metrics_set(&node->metrics, M_SESSIONS, node->sessions);
	node_status(node, 0);
}

/* A session ended; the last one ends a drain. */
void
node_session_closed(struct node *node)
{
	if (node->sessions > 0)
		node->sessions--;
	metrics_set(&node->metrics, M_SESSIONS, node->sessions);
	if (node->stopping)
		return;
	node_status(node, 0);
	if (node->draining && node->sessions == 0)
		node_stop(node, "drained: last session ended");
}


/* Watchdog timer: ping systemd, refresh the status line. */
static void
node_watchdog_cb(evutil_socket_t fd, short what, void *arg)
{
	struct node *node = arg;

	notify_send("WATCHDOG=1");
	node_status(node, 1);
}

/* Drain took too long. */
static void
node_drain_timeout_cb(evutil_socket_t fd, short what, void *arg)
{
	struct node *node = arg;

	log_notice("drain-timeout reached with %u sessions open",
	    node->sessions);
	node_stop(node, "drain timeout");
}

/* HUP reloads, TERM/INT stop, USR1 drains, PIPE is ignored. */
static void
node_signal_cb(evutil_socket_t sig, short what, void *arg)
{
	struct node *node = arg;

	switch (sig) {
	case SIGHUP:
		node_reload(node);
		break;
	case SIGTERM:
	case SIGINT:
		node_stop(node, sig == SIGTERM ? "SIGTERM" : "SIGINT");
		break;
	case SIGUSR1:
		node_drain(node, "SIGUSR1");
		break;
	default:
		break;
	}
}

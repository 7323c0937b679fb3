/*
 * node.h - the node: the context every part of chorusd hangs off.
 *
 * Made once in main() and passed down; owns the event loop, the
 * configuration, the identity, the database, the listeners and the HTTP
 * server, and does start-up, reload (SIGHUP), drain (SIGUSR1 or the API)
 * and shutdown (SIGTERM/SIGINT).
 */
#ifndef CHORUSD_NODE_H
#define CHORUSD_NODE_H

#include <stddef.h>
#include <stdint.h>

#include "chorus/identity.h"
#include "conf.h"
#include "metrics.h"
#include "state.h"

#define NODE_MAX_LISTENERS	CONF_MAX_LISTEN

struct event_base;
struct event;
struct store;
struct http;
struct udp;
struct tcp;
struct turn;
struct chorus;
struct net;
struct history;
struct ssl_ctx_st;

struct node {
	struct event_base	*base;
	struct conf		*conf;		/* effective configuration */
	const char		*conf_path;	/* -c FILE, NULL for none */
	char *const		*opts;		/* --key=value from argv */
	size_t			 nopts;

	struct identity		 id;
	char			 id_str[IDENTITY_ID_STRLEN];
	char			 fpr[IDENTITY_FPR_STRLEN];
	char			 token[STATE_TOKEN_STRLEN];	/* admin */

	int			 lock_fd;	/* state-dir lock */
	struct store		*store;
	struct udp		*udp[NODE_MAX_LISTENERS];
	struct tcp		*tcp[NODE_MAX_LISTENERS];
	struct tcp		*tls[NODE_MAX_LISTENERS];	/* or NULL */
	size_t			 nlisteners;
	struct ssl_ctx_st	*ssl;		/* TLS certificate, or NULL */
	struct http		*http;
	struct turn		*turn;
	struct chorus		*chorus;
	struct net		*net;		/* NULL: dht = no */
	struct history		*history;	/* totals and history */

	struct metrics		 metrics;
	struct metrics_hist	 fwd_delay;	/* UDP read to send */
	uint64_t		 start_usec;	/* CLOCK_MONOTONIC at start */
	int64_t			 start_wall;	/* time(NULL) at start */
	unsigned		 sessions;	/* open sessions (drain) */
	int			 draining;
	int			 stopping;
	int			 exit_code;

	struct event		*ev_signal[5];	/* HUP TERM INT USR1 PIPE */
	struct event		*ev_watchdog;
	struct event		*ev_drain;	/* drain-timeout */
	uint64_t		 status_sent_usec;	/* last STATUS= */
	/* CPU use between two status requests, for the dashboard. */
	uint64_t		 cpu_at_usec;	/* when cpu_at was read */
	double			 cpu_at;	/* CPU seconds then */
	double			 cpu_percent;	/* -1 until two readings */
};

/* Load state, open the database and listeners; NULL with err. */
struct node	*node_new(struct conf *, const char *conf_path,
		    char *const *opts, size_t nopts, char *err, size_t errlen);
void		 node_free(struct node *);
/* Run the loop until stopped; returns the exit code. */
int		 node_run(struct node *);

/* Parse the configuration again; swap it in only if valid. */
void		 node_reload(struct node *);
/* Refuse new sessions; stop when the last ends or at drain-timeout. */
void		 node_drain(struct node *, const char *why);
/* Stop the loop cleanly. */
void		 node_stop(struct node *, const char *why);

/* 0 if a new session may start (not draining), else -1. */
int		 node_session_may_open(struct node *);
void		 node_session_opened(struct node *);
void		 node_session_closed(struct node *);

/* Seconds since start. */
uint64_t	 node_uptime(const struct node *);
/* CLOCK_MONOTONIC in microseconds. */
uint64_t	 node_now_usec(void);

#endif

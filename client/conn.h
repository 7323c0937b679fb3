/*
 * conn.h - one client session with a node: a UDP socket (or a TCP
 * connection for UDP-blocked networks), the Noise handshake with
 * retries, cookies and rekeys, reliable control messages, pings for the
 * round-trip time, and media frames in and out.
 *
 * Many conns share one event base (chorus join --simulate runs hundreds).
 * The protocol itself is libchorus; this file does the I/O and timers.
 */
#ifndef CHORUS_CONN_H
#define CHORUS_CONN_H

#include <stddef.h>
#include <stdint.h>

#include "chorus/identity.h"
#include "chorus/session.h"

struct event_base;
struct sockaddr;
struct conn;

enum conn_state {
	CONN_HANDSHAKE,		/* initiation sent, no response yet */
	CONN_UP,		/* keys live */
	CONN_FAILED,		/* gave up: see conn_error() */
};

/* Why a conn failed; each maps to its own client exit status. */
enum conn_error {
	CONN_E_NONE = 0,
	CONN_E_RESOLVE,		/* the host name does not resolve */
	CONN_E_UNREACHABLE,	/* nothing answers at that address */
	CONN_E_HANDSHAKE,	/* the port answers STUN, not our handshake */
	CONN_E_LOST,		/* the node stopped answering */
	CONN_E_SOCKET,
};

struct conn_cb {
	void	(*up)(struct conn *, void *);
	void	(*control)(struct conn *, const uint8_t *, size_t, void *);
	void	(*media)(struct conn *, const uint8_t *, size_t, void *);
	void	(*failed)(struct conn *, enum conn_error, void *);
};

struct conn_opts {
	const char	*host;
	uint16_t	 port;
	uint8_t		 node_key[CRYPTO_X25519_LEN];
	uint8_t		 psk[SESSION_PSK_LEN];	/* zeros: public node */
	int		 tcp;			/* framed on TCP */
	int		 tls;			/* ... inside TLS (implies tcp) */
	unsigned	 timeout_ms;		/* handshake give-up */
	unsigned	 rekey_ms;		/* rekey sooner (tests); 0: 120 s */
	unsigned	 ping_ms;		/* heartbeat; 0: 1 s */
	/* UDP only: send from this address (a node's own), or NULL. */
	const struct sockaddr	*bind_addr;
	unsigned	 bind_len;
};

/* The client's clock: CLOCK_MONOTONIC in microseconds. */
uint64_t	 conn_now_usec(void);

struct conn	*conn_new(struct event_base *, const struct identity *,
		    const struct conn_opts *, const struct conn_cb *, void *arg,
		    char *err, size_t errlen);
void		 conn_free(struct conn *);
enum conn_state	 conn_state(const struct conn *);
/* Why it failed (CONN_E_NONE while it has not). */
enum conn_error	 conn_failure(const struct conn *);
/* A sentence for the error, naming the node. */
const char	*conn_strerror(const struct conn *);
/* The session's handshake hash (the join challenge is its start). */
const uint8_t	*conn_hash(const struct conn *);
/* Queue a control message (reliable, in order). 0 or -1. */
int		 conn_send_control(struct conn *, const void *, size_t);
/* Send one media frame now (not retransmitted). 0 or -1. */
int		 conn_send_media(struct conn *, const void *, size_t);
/* Change the heartbeat (a room with a standby wants a faster one). */
void		 conn_set_ping_ms(struct conn *, unsigned);
/* How long since anything came from the node (0 before it is up). */
uint64_t	 conn_rx_age_usec(const struct conn *);
/* 1 if every control message sent was acknowledged. */
int		 conn_idle(const struct conn *);

struct conn_stats {
	uint64_t	tx_packets, rx_packets, tx_bytes, rx_bytes;
	uint64_t	pings, pongs;
	double		rtt_ms;		/* last */
	double		rtt_min_ms, rtt_avg_ms, rtt_max_ms;
	uint64_t	rekeys;
};
const struct conn_stats *conn_stats(const struct conn *);

#endif

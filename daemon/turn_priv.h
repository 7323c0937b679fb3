/*
 * turn_priv.h - what the turn*.c modules share: the server state, the
 * allocation object and their internal interfaces.
 *
 * turn.c parses requests and answers them; turn_alloc.c owns allocations
 * (relay sockets, permissions, channels, lifetimes) and relays data;
 * turn_cred.c checks credentials and makes nonces.  Nothing outside these
 * files includes this header: the rest of chorusd sees turn.h.
 */
#ifndef CHORUSD_TURN_PRIV_H
#define CHORUSD_TURN_PRIV_H

#include <sys/queue.h>

#include <stdint.h>

#include "chorus/addr.h"
#include "chorus/stun.h"
#include "chorus/turn_auth.h"
#include "log.h"
#include "transport.h"
#include "turn.h"

/* RFC 8656 timers (seconds). */
#define TURN_DEFAULT_LIFETIME	600	/* §7.2 */
#define TURN_MAX_LIFETIME	3600	/* §7.2 */
#define TURN_PERMISSION_LIFETIME 300	/* §9 */
#define TURN_CHANNEL_LIFETIME	600	/* §12 */
#define TURN_CHANNEL_REUSE_DELAY 300	/* §12: a freed number waits */
#define TURN_RESERVATION_LIFETIME 30	/* §7.2: EVEN-PORT R bit */
#define TURN_NONCE_LIFETIME	600	/* our choice; doc/PROTOCOL.md */

/* Caps (named limits, checked before allocating). */
#define TURN_MAX_PERMISSIONS	64	/* per allocation */
#define TURN_MAX_CHANNELS	64	/* per allocation */
#define TURN_MAX_RESERVATIONS	256	/* held EVEN-PORT R-bit ports */
#define TURN_PORT_TRIES		64	/* random ports tried per socket */
#define TURN_RELAY_BATCH	16	/* datagrams per recvmmsg on a relay */
#define TURN_RELAY_MAX_WORK	64	/* datagrams per wake-up per relay */
#define TURN_MAX_DATA		65535	/* relayed payload bytes */
#define TURN_MSG_MAX		(TURN_MAX_DATA + 128)	/* reply buffer */
#define TURN_UNAUTH_ALLOWANCE	128	/* unauthenticated reply <= req + this */
#define TURN_RL_BUCKETS		4096	/* per-source rate limit table */
#define TURN_SOFTWARE		"chorusd"

/* One permission: a peer IP address (ports ignored), until expires. */
struct turn_perm {
	uint8_t		family;		/* AF_INET / AF_INET6 */
	uint8_t		addr[16];
	uint64_t	expires;
};

/* One channel binding: number <-> peer transport address. */
struct turn_chan {
	uint16_t		number;
	struct sockaddr_storage	peer;
	uint64_t		expires;	/* binding; 0: free, reusable at */
	uint64_t		reusable;	/* ... this time */
};

/* One relay socket of an allocation (IPv4 and/or IPv6). */
struct turn_relay {
	int			 fd;
	struct event		*ev;
	struct sockaddr_storage	 bound;		/* the socket's address */
	struct sockaddr_storage	 advertised;	/* XOR-RELAYED-ADDRESS */
	struct turn_alloc	*alloc;
};

struct turn_alloc {
	struct turn_alloc	*hnext;		/* hash chain */
	TAILQ_ENTRY(turn_alloc)	 entry;		/* every allocation */
	struct turn		*turn;
	struct transport	 t;		/* 5-tuple, path to client */
	uint64_t		 hash;
	char			*username;	/* NULL: anonymous */
	uint8_t			 tid[STUN_TID_LEN];	/* of the Allocate */
	struct turn_relay	 relay[2];
	size_t			 nrelay;
	uint64_t		 expires;	/* seconds (node_uptime) */
	struct event		*ev_expire;
	struct turn_perm	*perms;
	size_t			 nperms;
	struct turn_chan	*chans;
	size_t			 nchans;
	int			 dont_fragment;
	/* max-bps token bucket */
	uint64_t		 bucket;	/* bytes available */
	uint64_t		 bucket_usec;	/* last refill */
};

/* Held port for an EVEN-PORT R-bit reservation. */
struct turn_reservation {
	uint8_t		token[8];
	int		fd;
	struct sockaddr_storage bound;
	uint64_t	expires;
};

/* Per-source token bucket for unauthenticated traffic. */
struct turn_rl {
	uint32_t	tokens;
	uint32_t	last;		/* seconds */
};

/* What authenticating a request established. */
struct turn_authctx {
	int		 anonymous;
	char		 username[TURN_AUTH_MAX_USERNAME + 1];
	uint8_t		 key[TURN_AUTH_KEY_MAX];
	size_t		 keylen;
	int		 sha256;	/* answer with MESSAGE-INTEGRITY-SHA256 */
};

struct turn {
	struct node		*node;
	struct addr_policy	 policy;
	uint64_t		 hashkey[2];	/* SipHash key for the table */
	struct turn_alloc	**buckets;
	size_t			 nbuckets;	/* power of two */
	size_t			 nallocs;
	unsigned		 nallocs_kind[TRANSPORT_NKINDS];
	TAILQ_HEAD(, turn_alloc) allocs;
	struct turn_reservation	 resv[TURN_MAX_RESERVATIONS];
	size_t			 nresv;
	uint8_t			 nonce_key[TURN_AUTH_NONCE_KEY_LEN];
	uint8_t			 nonce_prev[TURN_AUTH_NONCE_KEY_LEN];
	int			 have_key;
	int			 have_prev;
	uint64_t		 nonce_born;
	struct turn_rl		 rl[TURN_RL_BUCKETS];
	struct log_ratelimit	 logrl;
	uint8_t			 buf[TURN_MSG_MAX];	/* replies, relayed data */
	uint8_t			 rbuf[TURN_RELAY_BATCH][TURN_MAX_DATA + 1];
};

/* turn_alloc.c */
struct turn_alloc *turn_alloc_find(struct turn *, const struct transport *);
struct turn_alloc *turn_alloc_new(struct turn *, const struct transport *,
	    const char *username, const uint8_t tid[STUN_TID_LEN]);
int	turn_alloc_relay(struct turn_alloc *, int family, int even_port,
	    int reserve, const uint8_t *token, uint8_t out_token[8]);
void	turn_alloc_free(struct turn_alloc *, const char *reason);
void	turn_alloc_set_lifetime(struct turn_alloc *, unsigned secs);
int	turn_alloc_has_family(const struct turn_alloc *, int family);
int	turn_alloc_permit(struct turn_alloc *, const struct sockaddr *);
int	turn_alloc_permitted(struct turn_alloc *, const struct sockaddr *);
int	turn_alloc_bind(struct turn_alloc *, uint16_t number,
	    const struct sockaddr *peer);
struct turn_chan *turn_alloc_chan(struct turn_alloc *, uint16_t number);
int	turn_alloc_send(struct turn_alloc *, const struct sockaddr *peer,
	    const uint8_t *data, size_t len, int dont_fragment);
unsigned turn_alloc_user_count(struct turn *, const char *username);
int	turn_table_init(struct turn *);
void	turn_table_free(struct turn *);
void	turn_resv_expire(struct turn *);

/* turn_cred.c */
void	turn_cred_nonce(struct turn *, const struct transport *, char *out);
/* 0, or the STUN error code to answer (401, 438, 400, 441). */
unsigned turn_cred_check(struct turn *, const struct stun_msg *,
	    const struct transport *, struct turn_authctx *);
int	turn_cred_ratelimit(struct turn *, const struct sockaddr *);
/* Our PASSWORD-ALGORITHMS attribute value. */
const uint8_t *turn_cred_algorithms(size_t *len);

/* turn.c */
uint64_t turn_now(const struct turn *);

#endif

/*
 * turn_alloc.c - TURN allocations (RFC 8656 §2.2, §7-§12).
 *
 * Owns struct turn_alloc: its relay socket(s) in the min-port..max-port
 * range, its permissions and channel bindings, its lifetime timer, the
 * hash table that finds it by 5-tuple, and the relay path in both
 * directions.  Permissions and channels expire lazily: an expired entry
 * stops counting the moment its time passes and its slot is reused.
 * turn_alloc_free() is the one teardown path.
 */
#include "config.h"

#include <sys/socket.h>

#include <netinet/in.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <openssl/rand.h>

#include "chorus/hash.h"
#include "node.h"
#include "sock.h"
#include "turn_priv.h"

#define TURN_TABLE_MIN		64
#define TURN_KEY_LEN		39

static void	turn_relay_read_cb(evutil_socket_t, short, void *);
static void	turn_alloc_expire_cb(evutil_socket_t, short, void *);

/* Address bytes and length of an IPv4/IPv6 sockaddr. */
static const uint8_t *
turn_sa_addr(const struct sockaddr *sa, size_t *len)
{
	if (sa->sa_family == AF_INET) {
		*len = 4;
		return (const uint8_t *)&((const struct sockaddr_in *)sa)->sin_addr;
	}
	*len = 16;
	return (const uint8_t *)&((const struct sockaddr_in6 *)sa)->sin6_addr;
}

/* Port of an IPv4/IPv6 sockaddr, host order. */
static uint16_t
turn_sa_port(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)sa)->sin_port);
	return ntohs(((const struct sockaddr_in6 *)sa)->sin6_port);
}

/* 1 if a and b are the same address and port. */
static int
turn_sa_equal(const struct sockaddr *a, const struct sockaddr *b)
{
	const uint8_t *pa, *pb;
	size_t la, lb;

	if (a->sa_family != b->sa_family)
		return 0;
	pa = turn_sa_addr(a, &la);
	pb = turn_sa_addr(b, &lb);
	return la == lb && memcmp(pa, pb, la) == 0 &&
	    turn_sa_port(a) == turn_sa_port(b);
}

/* The 5-tuple as bytes: transport kind, client and local address. */
static void
turn_key(const struct transport *t, uint8_t key[TURN_KEY_LEN])
{
	const struct sockaddr *sas[2] = {
		(const struct sockaddr *)&t->client,
		(const struct sockaddr *)&t->local
	};
	const uint8_t *a;
	size_t i, n;
	uint16_t port;

	memset(key, 0, TURN_KEY_LEN);
	key[0] = (uint8_t)t->kind;
	for (i = 0; i < 2; i++) {
		uint8_t *k = key + 1 + 19 * i;

		k[0] = (uint8_t)sas[i]->sa_family;
		port = turn_sa_port(sas[i]);
		k[1] = port >> 8;
		k[2] = port & 0xff;
		a = turn_sa_addr(sas[i], &n);
		memcpy(k + 3, a, n);
	}
}

/* 1 if the allocation belongs to transport t's 5-tuple. */
static int
turn_alloc_matches(const struct turn_alloc *a, const struct transport *t)
{
	return a->t.kind == t->kind &&
	    turn_sa_equal((const struct sockaddr *)&a->t.client,
	    (const struct sockaddr *)&t->client) &&
	    turn_sa_equal((const struct sockaddr *)&a->t.local,
	    (const struct sockaddr *)&t->local);
}

/* Hash of a 5-tuple under the table's secret key. */
static uint64_t
turn_hash(const struct turn *turn, const struct transport *t)
{
	uint8_t key[TURN_KEY_LEN];

	turn_key(t, key);
	return hash_siphash(turn->hashkey, key, sizeof(key));
}

/* An empty table and a fresh hash key. */
int
turn_table_init(struct turn *turn)
{
	if (RAND_bytes((unsigned char *)turn->hashkey,
	    sizeof(turn->hashkey)) != 1)
		return -1;
	turn->nbuckets = TURN_TABLE_MIN;
	turn->buckets = calloc(turn->nbuckets, sizeof(*turn->buckets));
	TAILQ_INIT(&turn->allocs);
	return turn->buckets == NULL ? -1 : 0;
}

/* Free every allocation and the table. */
void
turn_table_free(struct turn *turn)
{
	size_t i;

	while (!TAILQ_EMPTY(&turn->allocs))
		turn_alloc_free(TAILQ_FIRST(&turn->allocs), "shutting down");
	for (i = 0; i < turn->nresv; i++)
		close(turn->resv[i].fd);
	turn->nresv = 0;
	free(turn->buckets);
	turn->buckets = NULL;
}

/* Double the table when it is fuller than one entry per bucket. */
static void
turn_table_grow(struct turn *turn)
{
	struct turn_alloc **nb, *a, *next;
	size_t i, n = turn->nbuckets * 2;

	if (turn->nallocs < turn->nbuckets)
		return;
	if ((nb = calloc(n, sizeof(*nb))) == NULL)
		return;		/* longer chains, still correct */
	for (i = 0; i < turn->nbuckets; i++) {
		for (a = turn->buckets[i]; a != NULL; a = next) {
			next = a->hnext;
			a->hnext = nb[a->hash & (n - 1)];
			nb[a->hash & (n - 1)] = a;
		}
	}
	free(turn->buckets);
	turn->buckets = nb;
	turn->nbuckets = n;
}

/* The allocation of a 5-tuple, or NULL. */
struct turn_alloc *
turn_alloc_find(struct turn *turn, const struct transport *t)
{
	uint64_t h = turn_hash(turn, t);
	struct turn_alloc *a;

	for (a = turn->buckets[h & (turn->nbuckets - 1)]; a; a = a->hnext)
		if (a->hash == h && turn_alloc_matches(a, t))
			return a;
	return NULL;
}

/* Allocations held by one user (user-quota). */
unsigned
turn_alloc_user_count(struct turn *turn, const char *username)
{
	struct turn_alloc *a;
	unsigned n = 0;

	TAILQ_FOREACH(a, &turn->allocs, entry)
		if (a->username != NULL && username != NULL &&
		    strcmp(a->username, username) == 0)
			n++;
	return n;
}

/* A new allocation for t, with no relay yet; NULL if out of memory. */
struct turn_alloc *
turn_alloc_new(struct turn *turn, const struct transport *t,
    const char *username, const uint8_t tid[STUN_TID_LEN])
{
	struct turn_alloc *a;
	size_t b;

	if ((a = calloc(1, sizeof(*a))) == NULL)
		return NULL;
	a->turn = turn;
	a->t = *t;
	a->relay[0].fd = a->relay[1].fd = -1;
	memcpy(a->tid, tid, STUN_TID_LEN);
	if (username != NULL && (a->username = strdup(username)) == NULL)
		goto fail;
	a->ev_expire = evtimer_new(turn->node->base, turn_alloc_expire_cb, a);
	if (a->ev_expire == NULL)
		goto fail;
	a->hash = turn_hash(turn, t);
	b = a->hash & (turn->nbuckets - 1);
	a->hnext = turn->buckets[b];
	turn->buckets[b] = a;
	TAILQ_INSERT_TAIL(&turn->allocs, a, entry);
	turn->nallocs++;
	turn->nallocs_kind[t->kind]++;
	metrics_add(&turn->node->metrics, M_TURN_ALLOCATIONS_TOTAL, 1);
	metrics_set(&turn->node->metrics, M_TURN_ALLOCATIONS_UDP + t->kind,
	    turn->nallocs_kind[t->kind]);
	node_session_opened(turn->node);
	turn_table_grow(turn);
	return a;
fail:
	free(a->username);
	free(a);
	return NULL;
}

/* The one teardown path: unhook, close relays, free. */
void
turn_alloc_free(struct turn_alloc *a, const char *reason)
{
	struct turn *turn = a->turn;
	struct turn_alloc **pp;
	size_t i;

	log_debug("%s: %s allocation ended: %s", __func__,
	    transport_name(a->t.kind), reason);
	for (pp = &turn->buckets[a->hash & (turn->nbuckets - 1)]; *pp;
	    pp = &(*pp)->hnext) {
		if (*pp == a) {
			*pp = a->hnext;
			break;
		}
	}
	TAILQ_REMOVE(&turn->allocs, a, entry);
	turn->nallocs--;
	turn->nallocs_kind[a->t.kind]--;
	metrics_set(&turn->node->metrics, M_TURN_ALLOCATIONS_UDP + a->t.kind,
	    turn->nallocs_kind[a->t.kind]);
	for (i = 0; i < 2; i++) {
		if (a->relay[i].ev != NULL)
			event_free(a->relay[i].ev);
		if (a->relay[i].fd != -1)
			close(a->relay[i].fd);
	}
	if (a->ev_expire != NULL)
		event_free(a->ev_expire);
	free(a->perms);
	free(a->chans);
	free(a->username);
	free(a);
	node_session_closed(turn->node);
}

/* (Re)arm the lifetime; 0 frees now (RFC 8656 §7.3). */
void
turn_alloc_set_lifetime(struct turn_alloc *a, unsigned secs)
{
	struct timeval tv = { secs, 0 };

	a->expires = turn_now(a->turn) + secs;
	evtimer_add(a->ev_expire, &tv);
}

/* Lifetime over. */
static void
turn_alloc_expire_cb(evutil_socket_t fd, short what, void *arg)
{
	turn_alloc_free(arg, "lifetime expired");
}

/* 1 if the allocation has a relay of this family. */
int
turn_alloc_has_family(const struct turn_alloc *a, int family)
{
	size_t i;

	for (i = 0; i < a->nrelay; i++)
		if (a->relay[i].bound.ss_family == family)
			return 1;
	return 0;
}

/* 1 if sa is the unspecified address of its family. */
static int
turn_sa_unspecified(const struct sockaddr *sa)
{
	static const uint8_t zero[16];
	const uint8_t *p;
	size_t n;

	p = turn_sa_addr(sa, &n);
	return memcmp(p, zero, n) == 0;
}

/*
 * The address to bind a relay of family on: relay-ip if set, else the
 * listener's own address if it is specific and of that family, else the
 * address the kernel would send from towards the client (a connected UDP
 * socket sends nothing).  -1 if the node has none (440).
 */
static int
turn_relay_source(struct turn_alloc *a, int family, struct sockaddr_storage *out)
{
	const struct conf *conf = a->turn->node->conf;
	const struct sockaddr *local = (const struct sockaddr *)&a->t.local;
	const struct sockaddr *client = (const struct sockaddr *)&a->t.client;
	socklen_t len = sizeof(*out);
	size_t i;
	int fd, rc;

	for (i = 0; i < conf->nrelay_ip; i++) {
		if (conf->relay_ip[i].ss.ss_family == family) {
			memcpy(out, &conf->relay_ip[i].ss, sizeof(*out));
			return 0;
		}
	}
	if (local->sa_family == family && !turn_sa_unspecified(local)) {
		memcpy(out, local, sizeof(*out));
		return 0;
	}
	for (i = 0; i < conf->nlisten; i++) {
		const struct sockaddr *l =
		    (const struct sockaddr *)&conf->listen[i].ss;

		if (l->sa_family == family && !turn_sa_unspecified(l)) {
			memcpy(out, l, sizeof(*out));
			return 0;
		}
	}
	if (client->sa_family != family)
		return -1;
	if ((fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	rc = connect(fd, client, family == AF_INET ?
	    sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6));
	if (rc == 0)
		rc = getsockname(fd, (struct sockaddr *)out, &len);
	close(fd);
	return rc;
}

/* The address peers see: external-ip's public side if it maps this one. */
static void
turn_relay_advertise(const struct conf *conf, struct turn_relay *r)
{
	const struct conf_external *x;
	const uint8_t *pa, *pb;
	size_t i, la, lb;
	uint16_t port = turn_sa_port((struct sockaddr *)&r->bound);

	memcpy(&r->advertised, &r->bound, sizeof(r->advertised));
	for (i = 0; i < conf->nexternal; i++) {
		x = &conf->external[i];
		if (x->public_ip.ss_family != r->bound.ss_family)
			continue;
		if (x->private_ip.ss_family != AF_UNSPEC) {
			pa = turn_sa_addr((const struct sockaddr *)&x->private_ip,
			    &la);
			pb = turn_sa_addr((const struct sockaddr *)&r->bound, &lb);
			if (la != lb || memcmp(pa, pb, la) != 0)
				continue;
		}
		memcpy(&r->advertised, &x->public_ip, sizeof(r->advertised));
		if (r->advertised.ss_family == AF_INET)
			((struct sockaddr_in *)&r->advertised)->sin_port =
			    htons(port);
		else
			((struct sockaddr_in6 *)&r->advertised)->sin6_port =
			    htons(port);
		return;
	}
}

/* A UDP socket bound to src at port; -1 if the port is taken. */
static int
turn_relay_bind(const struct sockaddr_storage *src, unsigned port)
{
	struct sockaddr_storage ss = *src;
	socklen_t len;
	int fd, on = 1;

	if (ss.ss_family == AF_INET) {
		((struct sockaddr_in *)&ss)->sin_port = htons(port);
		len = sizeof(struct sockaddr_in);
	} else {
		((struct sockaddr_in6 *)&ss)->sin6_port = htons(port);
		len = sizeof(struct sockaddr_in6);
	}
	fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -1;
	if (ss.ss_family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6,
	    IPV6_V6ONLY, &on, sizeof(on)) == -1)
		goto fail;
	if (bind(fd, (struct sockaddr *)&ss, len) == -1)
		goto fail;
	return fd;
fail:
	close(fd);
	return -1;
}

static int	turn_resv_hold(struct turn *, const struct sockaddr_storage *,
		    unsigned, uint8_t [8]);

/*
 * A random port in min..max (even if asked), bound; with reserve, one
 * whose successor can be held too (EVEN-PORT R bit).  -1 if none found.
 */
static int
turn_relay_pick(struct turn *turn, const struct sockaddr_storage *src,
    int even, int reserve, uint8_t token[8], unsigned *port)
{
	const struct conf *conf = turn->node->conf;
	unsigned span = conf->max_port - conf->min_port + 1, p, i;
	uint32_t r;
	int fd;

	for (i = 0; i < TURN_PORT_TRIES; i++) {
		if (RAND_bytes((unsigned char *)&r, sizeof(r)) != 1)
			return -1;
		p = conf->min_port + r % span;
		if (even && (p & 1) && ++p > conf->max_port)
			continue;
		if ((fd = turn_relay_bind(src, p)) == -1)
			continue;
		if (reserve && turn_resv_hold(turn, src, p, token) == -1) {
			close(fd);	/* p + 1 is taken: try another pair */
			continue;
		}
		*port = p;
		return fd;
	}
	return -1;
}

/* Take a reserved port (RESERVATION-TOKEN); its fd, or -1. */
static int
turn_resv_take(struct turn *turn, const uint8_t token[8])
{
	size_t i;
	int fd;

	turn_resv_expire(turn);
	for (i = 0; i < turn->nresv; i++) {
		if (crypto_memeq(turn->resv[i].token, token, 8) == 0) {
			fd = turn->resv[i].fd;
			turn->resv[i] = turn->resv[--turn->nresv];
			return fd;
		}
	}
	return -1;
}

/* Close reservations past their 30 seconds (RFC 8656 §7.2). */
void
turn_resv_expire(struct turn *turn)
{
	uint64_t now = turn_now(turn);
	size_t i = 0;

	while (i < turn->nresv) {
		if (turn->resv[i].expires <= now) {
			close(turn->resv[i].fd);
			turn->resv[i] = turn->resv[--turn->nresv];
		} else
			i++;
	}
}

/* Hold port+1 for a later Allocate with the token (EVEN-PORT R bit). */
static int
turn_resv_hold(struct turn *turn, const struct sockaddr_storage *src,
    unsigned port, uint8_t token[8])
{
	struct turn_reservation *r;
	int fd;

	turn_resv_expire(turn);
	if (turn->nresv == TURN_MAX_RESERVATIONS ||
	    port + 1 > turn->node->conf->max_port)
		return -1;
	if ((fd = turn_relay_bind(src, port + 1)) == -1)
		return -1;
	r = &turn->resv[turn->nresv];
	if (RAND_bytes(r->token, sizeof(r->token)) != 1) {
		close(fd);
		return -1;
	}
	r->fd = fd;
	r->expires = turn_now(turn) + TURN_RESERVATION_LIFETIME;
	memcpy(token, r->token, sizeof(r->token));
	turn->nresv++;
	return 0;
}

/* Set the don't-fragment behaviour of a relay socket. */
static void
turn_relay_df(int fd, int family, int df)
{
	int v;

	if (family == AF_INET) {
		v = df ? IP_PMTUDISC_DO : IP_PMTUDISC_DONT;
		setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &v, sizeof(v));
	} else {
		v = df ? 1 : 0;
		setsockopt(fd, IPPROTO_IPV6, IPV6_DONTFRAG, &v, sizeof(v));
	}
}

/*
 * Give the allocation a relay of family: from a reservation token, or a
 * fresh (even, optionally reserving the next) port.  Returns 0, or the
 * STUN error code: 440 (family), 508 (no port/reservation).
 */
int
turn_alloc_relay(struct turn_alloc *a, int family, int even_port, int reserve,
    const uint8_t *token, uint8_t out_token[8])
{
	struct turn *turn = a->turn;
	struct turn_relay *r = &a->relay[a->nrelay];
	struct sockaddr_storage src;
	socklen_t len = sizeof(r->bound);
	unsigned port = 0;
	int fd;

	if (a->nrelay == 2)
		return 508;
	if (token != NULL)
		fd = turn_resv_take(turn, token);
	else {
		if (turn_relay_source(a, family, &src) == -1)
			return 440;
		fd = turn_relay_pick(turn, &src, even_port || reserve, reserve,
		    out_token, &port);
	}
	if (fd == -1)
		return 508;
	r->fd = fd;
	r->alloc = a;
	getsockname(fd, (struct sockaddr *)&r->bound, &len);
	turn_relay_df(fd, r->bound.ss_family, a->dont_fragment);
	turn_relay_advertise(turn->node->conf, r);
	r->ev = event_new(turn->node->base, fd, EV_READ | EV_PERSIST,
	    turn_relay_read_cb, r);
	if (r->ev == NULL || event_add(r->ev, NULL) == -1) {
		if (r->ev != NULL)
			event_free(r->ev);
		r->ev = NULL;
		close(fd);
		r->fd = -1;
		return 508;
	}
	a->nrelay++;
	return 0;
}

/* The permission slot for the peer's IP (live or expired), or NULL. */
static struct turn_perm *
turn_perm_find(struct turn_alloc *a, const struct sockaddr *peer)
{
	const uint8_t *p;
	size_t i, n;

	p = turn_sa_addr(peer, &n);
	for (i = 0; i < a->nperms; i++)
		if (a->perms[i].family == peer->sa_family &&
		    memcmp(a->perms[i].addr, p, n) == 0)
			return &a->perms[i];
	return NULL;
}

/* Install or refresh a permission for peer's IP (§9); -1 at the cap. */
int
turn_alloc_permit(struct turn_alloc *a, const struct sockaddr *peer)
{
	uint64_t now = turn_now(a->turn);
	struct turn_perm *pm, *np;
	const uint8_t *p;
	size_t i, n;

	if ((pm = turn_perm_find(a, peer)) == NULL) {
		for (i = 0; i < a->nperms; i++)	/* reuse an expired slot */
			if (a->perms[i].expires <= now)
				break;
		if (i == a->nperms) {
			if (a->nperms == TURN_MAX_PERMISSIONS)
				return -1;
			np = reallocarray(a->perms, a->nperms + 1, sizeof(*np));
			if (np == NULL)
				return -1;
			a->perms = np;
			a->nperms++;
		}
		pm = &a->perms[i];
		memset(pm, 0, sizeof(*pm));
		pm->family = peer->sa_family;
		p = turn_sa_addr(peer, &n);
		memcpy(pm->addr, p, n);
	}
	pm->expires = now + TURN_PERMISSION_LIFETIME;
	return 0;
}

/* 1 if a live permission covers peer's IP. */
int
turn_alloc_permitted(struct turn_alloc *a, const struct sockaddr *peer)
{
	struct turn_perm *pm = turn_perm_find(a, peer);

	return pm != NULL && pm->expires > turn_now(a->turn);
}

/* The live binding of a channel number, or NULL. */
struct turn_chan *
turn_alloc_chan(struct turn_alloc *a, uint16_t number)
{
	uint64_t now = turn_now(a->turn);
	size_t i;

	for (i = 0; i < a->nchans; i++)
		if (a->chans[i].number == number && a->chans[i].expires > now)
			return &a->chans[i];
	return NULL;
}

/* The live binding to a peer transport address, or NULL. */
static struct turn_chan *
turn_alloc_chan_peer(struct turn_alloc *a, const struct sockaddr *peer)
{
	uint64_t now = turn_now(a->turn);
	size_t i;

	for (i = 0; i < a->nchans; i++)
		if (a->chans[i].expires > now && turn_sa_equal(
		    (struct sockaddr *)&a->chans[i].peer, peer))
			return &a->chans[i];
	return NULL;
}

/*
 * Bind or refresh channel number to peer (RFC 8656 §11.2).  0, or the
 * error code: 400 (number or peer bound elsewhere, or in its reuse delay),
 * 508 (cap).
 */
int
turn_alloc_bind(struct turn_alloc *a, uint16_t number,
    const struct sockaddr *peer)
{
	uint64_t now = turn_now(a->turn);
	struct turn_chan *c = turn_alloc_chan(a, number), *byp, *nc;
	size_t i, slot = SIZE_MAX;

	byp = turn_alloc_chan_peer(a, peer);
	if ((c != NULL && c != byp) || (byp != NULL && c != byp))
		return 400;
	if (c == NULL) {
		for (i = 0; i < a->nchans; i++) {
			if (a->chans[i].expires > now)
				continue;
			/* A lapsed number waits out its reuse delay. */
			if (a->chans[i].number == number &&
			    a->chans[i].expires + TURN_CHANNEL_REUSE_DELAY > now)
				return 400;
			if (slot == SIZE_MAX && a->chans[i].expires +
			    TURN_CHANNEL_REUSE_DELAY <= now)
				slot = i;
		}
		if (slot == SIZE_MAX) {
			if (a->nchans == TURN_MAX_CHANNELS)
				return 508;
			nc = reallocarray(a->chans, a->nchans + 1, sizeof(*nc));
			if (nc == NULL)
				return 508;
			a->chans = nc;
			slot = a->nchans++;
		}
		c = &a->chans[slot];
		memset(c, 0, sizeof(*c));
		c->number = number;
		memcpy(&c->peer, peer, peer->sa_family == AF_INET ?
		    sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6));
	}
	c->expires = now + TURN_CHANNEL_LIFETIME;
	return 0;
}

/* max-bps: take len bytes from the allocation's bucket; -1 if empty. */
static int
turn_alloc_spend(struct turn_alloc *a, size_t len)
{
	uint64_t bps = a->turn->node->conf->max_bps, now, add;

	if (bps == 0)
		return 0;
	now = node_now_usec();
	if (a->bucket_usec == 0)
		a->bucket = bps;	/* start with one second's worth */
	else {
		add = (now - a->bucket_usec) * bps / 1000000;
		a->bucket = a->bucket + add > bps ? bps : a->bucket + add;
	}
	a->bucket_usec = now;
	if (a->bucket < len) {
		metrics_add(&a->turn->node->metrics, M_TURN_DROPPED_BPS, 1);
		return -1;
	}
	a->bucket -= len;
	return 0;
}

/* The relay socket of peer's family, or NULL. */
static struct turn_relay *
turn_alloc_relay_for(struct turn_alloc *a, int family)
{
	size_t i;

	for (i = 0; i < a->nrelay; i++)
		if (a->relay[i].bound.ss_family == family)
			return &a->relay[i];
	return NULL;
}

/*
 * Client to peer: send data from the relay (permission already checked).
 * DONT-FRAGMENT on a Send indication sets DF for this datagram only.
 */
int
turn_alloc_send(struct turn_alloc *a, const struct sockaddr *peer,
    const uint8_t *data, size_t len, int dont_fragment)
{
	struct turn_relay *r = turn_alloc_relay_for(a, peer->sa_family);
	struct metrics *m = &a->turn->node->metrics;
	ssize_t n;

	if (r == NULL || turn_alloc_spend(a, len) == -1)
		return -1;
	if (dont_fragment && !a->dont_fragment)
		turn_relay_df(r->fd, peer->sa_family, 1);
	n = sendto(r->fd, data, len, MSG_DONTWAIT, peer,
	    peer->sa_family == AF_INET ? sizeof(struct sockaddr_in) :
	    sizeof(struct sockaddr_in6));
	if (dont_fragment && !a->dont_fragment)
		turn_relay_df(r->fd, peer->sa_family, 0);
	if (n == -1) {
		metrics_add(m, M_TURN_DROPPED_SEND, 1);
		return -1;
	}
	metrics_add(m, M_TURN_TO_PEER_PACKETS, 1);
	metrics_add(m, M_TURN_TO_PEER_BYTES, len);
	return 0;
}

/*
 * Peer to client, one datagram (§11.3, §12.6): a channel to the peer
 * makes it ChannelData (padded to 4 on streams), else a Data indication.
 */
static void
turn_alloc_deliver(struct turn_alloc *a, const struct sockaddr *peer,
    const uint8_t *data, size_t len)
{
	struct turn *turn = a->turn;
	struct metrics *m = &turn->node->metrics;
	struct stun_builder b;
	struct turn_chan *c;
	uint8_t tid[STUN_TID_LEN];
	ssize_t n;
	size_t pad = 0;

	if (!turn_alloc_permitted(a, peer)) {
		metrics_add(m, M_TURN_DROPPED_NO_PERMISSION, 1);
		return;
	}
	if (turn_alloc_spend(a, len) == -1)
		return;
	if ((c = turn_alloc_chan_peer(a, peer)) != NULL) {
		stun_channeldata_header(turn->buf, c->number, (uint16_t)len);
		memcpy(turn->buf + STUN_CHANNELDATA_HDR, data, len);
		if (a->t.kind != TRANSPORT_UDP && (len & 3)) {
			pad = 4 - (len & 3);
			memset(turn->buf + STUN_CHANNELDATA_HDR + len, 0, pad);
		}
		n = STUN_CHANNELDATA_HDR + len + pad;
	} else {
		if (RAND_bytes(tid, sizeof(tid)) != 1)
			return;
		stun_build_init(&b, turn->buf, sizeof(turn->buf),
		    stun_type(STUN_DATA, STUN_INDICATION), tid);
		stun_add_xor_addr(&b, STUN_A_XOR_PEER_ADDRESS, peer);
		stun_add_bytes(&b, STUN_A_DATA, data, len);
		if ((n = stun_build_finish(&b)) == -1)
			return;
	}
	if (transport_send(&a->t, turn->buf, n) == -1) {
		metrics_add(m, M_TURN_DROPPED_SEND, 1);
		return;
	}
	metrics_add(m, M_TURN_TO_CLIENT_PACKETS, 1);
	metrics_add(m, M_TURN_TO_CLIENT_BYTES, len);
}

/* A relay socket is readable: up to TURN_RELAY_MAX_WORK datagrams. */
static void
turn_relay_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct turn_relay *r = arg;
	struct turn_alloc *a = r->alloc;
	struct turn *turn = a->turn;
	struct mmsghdr msgs[TURN_RELAY_BATCH];
	struct iovec iov[TURN_RELAY_BATCH];
	struct sockaddr_storage from[TURN_RELAY_BATCH];
	unsigned work = 0;
	int i, n;

	while (work < TURN_RELAY_MAX_WORK) {
		memset(msgs, 0, sizeof(msgs));
		for (i = 0; i < TURN_RELAY_BATCH; i++) {
			iov[i].iov_base = turn->rbuf[i];
			iov[i].iov_len = sizeof(turn->rbuf[i]);
			msgs[i].msg_hdr.msg_iov = &iov[i];
			msgs[i].msg_hdr.msg_iovlen = 1;
			msgs[i].msg_hdr.msg_name = &from[i];
			msgs[i].msg_hdr.msg_namelen = sizeof(from[i]);
		}
		n = recvmmsg(fd, msgs, TURN_RELAY_BATCH, MSG_DONTWAIT, NULL);
		if (n <= 0)
			break;
		for (i = 0; i < n; i++) {
			if (msgs[i].msg_len > TURN_MAX_DATA)
				continue;	/* cannot be framed */
			turn_alloc_deliver(a, (struct sockaddr *)&from[i],
			    turn->rbuf[i], msgs[i].msg_len);
		}
		work += n;
		if (n < TURN_RELAY_BATCH)
			break;
	}
}

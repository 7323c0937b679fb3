/*
 * net.c - the node in the node network: it publishes its signed
 * descriptor on the DHT, follows the network's directory, and keeps the
 * records that verify (netrec_parse: signature, network, expiry) in
 * SQLite; anything else is counted and dropped, never stored.
 *
 * DHT keys (doc/PROTOCOL.md "Node network records"): a node's own
 * descriptor under netrec_dht_key(network, DESCRIPTOR, its ID), and the
 * same bytes under the directory key netrec_dht_key(network, DESCRIPTOR,
 * 32 zero bytes), which every node follows to find the others.
 */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>
#include <jansson.h>

#include "chorus/encode.h"
#include "chorus/identity.h"
#include "chorus/netrec.h"
#include "chorus/reputation.h"
#include "chorus/vivaldi.h"
#include "conf.h"
#include "ledger.h"
#include "log.h"
#include "metrics.h"
#include "net.h"
#include "node.h"
#include "overlay.h"
#include "prober.h"
#include "store.h"
#include "tcp.h"
#include "udp.h"

#define NET_PUBLISH_SEC		300	/* own records put again this often */
#define NET_LIFETIME_SEC	3600	/* ... and valid this long */
#define NET_FIRST_SEC		1	/* first publication after start */
#define NET_MAX_FOLLOWED	128	/* nodes whose report keys we follow */
#define NET_SUBMIT_PER_MIN	60	/* reports accepted through the API */
#define NET_PAGE		100	/* reports per API page */
#define NET_LEDGER_SEC		60	/* ledger_tick() this often */
#define NET_OWN_MAX		64	/* own reports and vouches re-put */
#define NET_MOVED_MIN_SEC	60	/* a moved coordinate: republish after */

struct net {
	struct node		*node;
	struct overlay		*ov;
	uint8_t			 network_id[NETREC_NETWORK_ID_LEN];
	uint8_t			 dir_key[NETREC_DHT_KEY_LEN];
	struct event		*ev_publish, *ev_ledger;
	uint64_t		 accepted, stored, published, submitted;
	uint8_t			 followed[NET_MAX_FOLLOWED][CRYPTO_ED25519_PUB_LEN];
	size_t			 nfollowed;
	int			 warned_noaddr;	/* nothing to publish, said */
	json_t			*board;		/* the last leaderboard ... */
	uint64_t		 board_at;	/* ... made at this second */
	uint64_t		 board_changes;	/* ... and store_changes() */
	uint64_t		 submit_minute;
	unsigned		 submit_count;
	uint32_t		 allowance;	/* sessions/hour, or unlimited */
	uint64_t		 rejected[NETREC_ERR_LIFETIME + 1];
	struct vivaldi		 viv;		/* the node's coordinate */
	int			 moved;		/* since the last descriptor */
	uint64_t		 published_at;
	struct net_own {
		uint8_t		 rec[NETREC_MAX_LEN];
		size_t		 len;
		uint64_t	 expires;
		uint8_t		 key[NETREC_DHT_KEY_LEN];
	}			 own[NET_OWN_MAX];
	size_t			 nown;		/* ring: next slot nown % MAX */
	struct prober		*prober;
	uint64_t		 vouches;	/* vouch records published */
	struct net_rooms	*rooms;		/* room announcements */
};

static void	net_reput(struct net *);

/*
 * Follow the reports about a node we learnt of, and the vouches for it
 * (a bounded number of nodes).
 */
static void
net_follow(struct net *n, const uint8_t *id)
{
	uint8_t key[NETREC_DHT_KEY_LEN];

	if (net_is_node(n, id) || n->nfollowed == NET_MAX_FOLLOWED ||
	    netrec_dht_key(n->network_id, NETREC_REPORT, id, key) == -1 ||
	    overlay_listen(n->ov, key) == -1 ||
	    netrec_dht_key(n->network_id, NETREC_VOUCH, id, key) == -1 ||
	    overlay_listen(n->ov, key) == -1)
		return;
	memcpy(n->followed[n->nfollowed++], id, CRYPTO_ED25519_PUB_LEN);
}

/* A value from the DHT, on the loop thread: verify, then keep. */
static void
net_value(void *arg, const uint8_t key[OVERLAY_KEY_LEN], const uint8_t *data,
    size_t len)
{
	struct net *n = arg;
	struct store_netrec sr;
	struct netrec r;
	enum netrec_error e;
	uint64_t now = (uint64_t)time(NULL);

	(void)key;
	if ((e = netrec_parse(data, len, now, n->network_id, &r)) !=
	    NETREC_OK) {
		n->rejected[e]++;
		log_debug("net: record refused: %s", netrec_strerror(e));
		return;
	}
	n->accepted++;
	/* Which rooms are busy is kept in memory, never in the database. */
	if (r.kind == NETREC_ROOM) {
		net_rooms_value(n->rooms, &r);
		return;
	}
	memset(&sr, 0, sizeof(sr));
	sr.kind = r.kind;
	sr.signer = r.signer;
	sr.subject = netrec_subject(&r);
	sr.issued = (int64_t)r.issued;
	sr.expires = (int64_t)r.expires;
	sr.received = (int64_t)now;
	sr.rec = data;
	sr.len = len;
	if (n->node->store != NULL && store_netrec_put(n->node->store, &sr) ==
	    1)
		n->stored++;
	if (r.kind == NETREC_DESCRIPTOR)
		net_follow(n, r.signer);
}

/* The bytes of an IPv4 or IPv6 address into a; 0, or -1 for others. */
static int
net_addr_set(struct netrec_addr *a, const struct sockaddr_storage *ss)
{
	memset(a, 0, sizeof(*a));
	if (ss->ss_family == AF_INET) {
		a->family = 4;
		memcpy(a->addr, &((const struct sockaddr_in *)ss)->sin_addr, 4);
	} else if (ss->ss_family == AF_INET6) {
		a->family = 6;
		memcpy(a->addr, &((const struct sockaddr_in6 *)ss)->sin6_addr,
		    16);
	} else
		return -1;
	return 0;
}

/*
 * Where clients reach a listener: the external-ip of its family when it
 * listens on a wildcard, or on the private side of a 1:1 NAT (external-ip
 * = PUBLIC/PRIVATE naming it, or PUBLIC alone); else its own address.
 * -1 if there is nothing to publish (a wildcard with no external-ip).
 */
static int
net_public_addr(const struct conf *c, const struct sockaddr_storage *l,
    struct netrec_addr *a)
{
	static const uint8_t zero[sizeof(a->addr)];
	const struct conf_external *e;
	struct netrec_addr own, priv;
	size_t i;
	int any;

	if (net_addr_set(&own, l) == -1)
		return -1;
	any = memcmp(own.addr, zero, sizeof(zero)) == 0;
	for (i = 0; i < c->nexternal; i++) {
		e = &c->external[i];
		if (e->public_ip.ss_family != l->ss_family)
			continue;
		if (!any && net_addr_set(&priv, &e->private_ip) == 0 &&
		    memcmp(priv.addr, own.addr, sizeof(own.addr)) != 0)
			continue;	/* the NAT maps another address */
		return net_addr_set(a, &e->public_ip);
	}
	if (any)
		return -1;
	*a = own;
	return 0;
}

/*
 * The node's addresses as a descriptor lists them; 0, or -1 (logged
 * once) when no listener has an address worth publishing.
 */
static int
net_addrs(struct net *n, struct netrec_descriptor *d)
{
	const struct conf *c = n->node->conf;
	struct netrec_addr *a;
	size_t i, j;

	for (i = 0; i < n->node->nlisteners && d->naddrs < NETREC_MAX_ADDRS;
	    i++) {
		a = &d->addrs[d->naddrs];
		if (n->node->udp[i] == NULL ||
		    net_public_addr(c, &c->listen[i].ss, a) == -1)
			continue;
		a->udp_port = (uint16_t)udp_port(n->node->udp[i]);
		a->tcp_port = a->udp_port;
		a->tls_port = n->node->ssl != NULL ? c->tls_port : 0;
		for (j = 0; j < d->naddrs; j++)
			if (memcmp(&d->addrs[j], a, sizeof(*a)) == 0)
				break;
		if (j == d->naddrs)
			d->naddrs++;
	}
	if (d->naddrs > 0)
		return 0;
	if (!n->warned_noaddr)
		log_warnx("net: no address to publish: listen-address is a "
		    "wildcard and external-ip is not set; set external-ip to "
		    "the node's public address, or listen on it "
		    "(chorusd.conf(5))");
	n->warned_noaddr = 1;
	return -1;
}

/* Sign and put the node's descriptor, under its key and the directory. */
static void
net_publish(struct net *n)
{
	const struct conf *c = n->node->conf;
	uint8_t out[NETREC_MAX_LEN], key[NETREC_DHT_KEY_LEN];
	uint64_t now = (uint64_t)time(NULL);
	struct netrec r;
	size_t len;

	memset(&r, 0, sizeof(r));
	r.kind = NETREC_DESCRIPTOR;
	memcpy(r.network_id, n->network_id, sizeof(r.network_id));
	r.issued = now;
	r.expires = now + NET_LIFETIME_SEC;
	memcpy(r.u.desc.noise_key, n->node->id.x_pub, CRYPTO_X25519_LEN);
	memcpy(r.u.desc.binding, n->node->id.binding, CRYPTO_ED25519_SIG_LEN);
	r.u.desc.caps = NETREC_CAP_TURN | NETREC_CAP_SFU;
	r.u.desc.max_sessions = c->max_sessions;
	snprintf(r.u.desc.software, sizeof(r.u.desc.software), "chorusd %s",
	    PACKAGE_VERSION);
	if (c->region != NULL)
		snprintf(r.u.desc.region, sizeof(r.u.desc.region), "%s",
		    c->region);
	r.u.desc.x = (float)n->viv.coord.pos[0];
	r.u.desc.y = (float)n->viv.coord.pos[1];
	r.u.desc.height = (float)n->viv.coord.height;
	r.u.desc.error = (float)n->viv.error;
	if (net_addrs(n, &r.u.desc) == -1)
		return;
	if (netrec_encode(&r, n->node->id.ed_seed, out, &len) == -1 ||
	    netrec_dht_key(n->network_id, NETREC_DESCRIPTOR,
	    n->node->id.ed_pub, key) == -1) {
		log_warnx("net: cannot make the node's descriptor");
		return;
	}
	(void)overlay_put(n->ov, key, out, len);
	(void)overlay_put(n->ov, n->dir_key, out, len);
	/* Our own descriptor is known to us without the network. */
	net_value(n, key, out, len);
	n->published++;
	n->published_at = now;
	n->moved = 0;
}

/*
 * Until the network has measured the node to standing it takes at most
 * new-node-sessions-per-hour sessions (doc/REPUTATION.md "New nodes").
 * self: 0 with the node's own score and age (days), or -1 if unknown.
 */
static void
net_standing(struct net *n, int self, double score, double age)
{
	struct rep_params par;

	rep_params_default(&par);
	par.new_node_sessions_per_hour = n->node->conf->new_node_sessions;
	if (n->node->conf->new_node_sessions == 0 || self == -1) {
		n->allowance = REP_SESSIONS_UNLIMITED;
		return;
	}
	n->allowance = rep_session_allowance(&par, score, age);
}

/* 1 if id is a node of the network whose descriptor we hold. */
int
net_is_node(const struct net *n, const uint8_t *id)
{
	size_t i;

	for (i = 0; i < n->nfollowed; i++)
		if (memcmp(n->followed[i], id, CRYPTO_ED25519_PUB_LEN) == 0)
			return 1;
	return 0;
}

uint32_t
net_session_allowance(const struct net *n)
{
	return n->allowance;
}

/*
 * Sign and put a vouch for every node the operator names (vouch = ID),
 * staking what the node's score allows (doc/REPUTATION.md 3.8); a node
 * below vouch_min_score has nothing to stake and publishes none.
 */
static void
net_vouch(struct net *n, int self, double score)
{
	const struct conf *c = n->node->conf;
	uint8_t out[NETREC_MAX_LEN];
	uint64_t now = (uint64_t)time(NULL);
	struct rep_params par;
	struct netrec r;
	double stake;
	size_t i, len;

	if (c->nvouch == 0 || self == -1)
		return;
	rep_params_default(&par);
	if ((stake = rep_vouch_stake(&par, score)) <= 0)
		return;
	for (i = 0; i < c->nvouch; i++) {
		memset(&r, 0, sizeof(r));
		r.kind = NETREC_VOUCH;
		memcpy(r.network_id, n->network_id, sizeof(r.network_id));
		r.issued = now;
		r.expires = now + NET_LIFETIME_SEC;
		r.u.vouch.stake = (uint32_t)lround(stake * NETREC_STAKE_ONE);
		if (r.u.vouch.stake == 0 ||
		    identity_key_parse(c->vouch[i], r.u.vouch.vouchee) == -1 ||
		    memcmp(r.u.vouch.vouchee, n->node->id.ed_pub, 32) == 0 ||
		    netrec_encode(&r, n->node->id.ed_seed, out, &len) == -1)
			continue;
		net_own_record(n, out, len);
		n->vouches++;
	}
}

static void
net_publish_cb(evutil_socket_t fd, short what, void *arg)
{
	struct net *n = arg;
	struct timeval tv = { NET_PUBLISH_SEC, 0 };
	double score = 0, age = 0;
	int self = -1;

	(void)fd;
	(void)what;
	net_publish(n);
	/* One ledger run for both: the allowance and the vouch stakes. */
	if (n->node->conf->new_node_sessions != 0 || n->node->conf->nvouch > 0)
		self = ledger_self(n->node, n->network_id, &score, &age);
	net_standing(n, self, score, age);
	net_vouch(n, self, score);
	net_reput(n);
	(void)overlay_get(n->ov, n->dir_key);
	if (n->node->store != NULL)
		(void)store_netrec_prune(n->node->store, (int64_t)time(NULL));
	event_add(n->ev_publish, &tv);
}

/*
 * Seconds between ledger ticks; tests (tests/chorusd-tamper) may shorten
 * it with CHORUS_TEST_LEDGER_SEC.
 */
static long
net_ledger_sec(void)
{
#ifdef CHORUS_TEST_HOOKS
	const char *s = getenv("CHORUS_TEST_LEDGER_SEC");

	if (s != NULL && atol(s) > 0)
		return atol(s);
#endif
	return NET_LEDGER_SEC;
}

/* Seconds a moved coordinate waits; tests shorten it with the above. */
static long
net_moved_sec(void)
{
	long t = net_ledger_sec();

	return t < NET_MOVED_MIN_SEC ? t : NET_MOVED_MIN_SEC;
}

static void
net_ledger_cb(evutil_socket_t fd, short what, void *arg)
{
	struct net *n = arg;

	(void)fd;
	(void)what;
	if (n->node->store != NULL &&
	    ledger_tick(n->node, n->network_id) == -1)
		log_warnx("net: the ledger's periodic round failed");
	/* A coordinate that moved goes out sooner than the next refresh. */
	if (n->moved && (uint64_t)time(NULL) >= n->published_at +
	    (uint64_t)net_moved_sec())
		net_publish(n);
}

/*
 * A measurement report handed to the node (POST /api/v1/reports): kept
 * if it verifies, and published under its subject's report key.  0, or
 * -1 with *why.
 */
int
net_submit(struct net *n, const uint8_t *rec, size_t len, const char **why)
{
	uint8_t key[NETREC_DHT_KEY_LEN];
	uint64_t now = (uint64_t)time(NULL);
	enum netrec_error e;
	struct netrec r;

	if (now / 60 != n->submit_minute) {
		n->submit_minute = now / 60;
		n->submit_count = 0;
	}
	if (++n->submit_count > NET_SUBMIT_PER_MIN) {
		*why = "too many reports this minute";
		return -1;
	}
	if ((e = netrec_parse(rec, len, now, n->network_id, &r)) !=
	    NETREC_OK) {
		n->rejected[e]++;
		*why = netrec_strerror(e);
		return -1;
	}
	if (r.kind != NETREC_REPORT && r.kind != NETREC_VOUCH) {
		*why = "not a measurement report or a vouch";
		return -1;
	}
	net_value(n, NULL, rec, len);
	if (netrec_dht_key(n->network_id, r.kind, netrec_subject(&r),
	    key) == 0)
		(void)overlay_put(n->ov, key, rec, len);
	n->submitted++;
	return 0;
}

/* A record this node signed (a report, a vouch): keep it and put it. */
void
net_own_record(struct net *n, const uint8_t *rec, size_t len)
{
	uint8_t key[NETREC_DHT_KEY_LEN];
	struct net_own *o = NULL;
	struct netrec r;
	size_t i;

	if (netrec_parse(rec, len, (uint64_t)time(NULL), n->network_id, &r) !=
	    NETREC_OK)
		return;
	net_value(n, NULL, rec, len);
	if (netrec_dht_key(n->network_id, r.kind, netrec_subject(&r),
	    key) == -1)
		return;
	(void)overlay_put(n->ov, key, rec, len);
	for (i = 0; i < NET_OWN_MAX && i < n->nown; i++) {
		o = &n->own[i];
		/*
		 * Our newer report on a node, or vouch for it, replaces the
		 * older one (the ledger keeps one per signer and subject).
		 */
		if (memcmp(o->key, key, sizeof(key)) == 0)
			break;
	}
	if (i == NET_OWN_MAX || i == n->nown)
		o = &n->own[n->nown++ % NET_OWN_MAX];
	memcpy(o->rec, rec, len);
	o->len = len;
	o->expires = r.expires;
	memcpy(o->key, key, sizeof(key));
}

/* Put our own unexpired reports and vouches again (the DHT forgets). */
static void
net_reput(struct net *n)
{
	uint64_t now = (uint64_t)time(NULL);
	size_t i;

	for (i = 0; i < NET_OWN_MAX && i < n->nown; i++)
		if (n->own[i].expires > now)
			(void)overlay_put(n->ov, n->own[i].key, n->own[i].rec,
			    n->own[i].len);
}

/*
 * An RTT the node measured to another node: one Vivaldi sample against
 * the coordinate that node publishes.  The next descriptor carries the
 * result.
 */
void
net_rtt_sample(struct net *n, const struct netrec_descriptor *d,
    double rtt_ms)
{
	struct vivaldi_coord remote;

	remote.pos[0] = d->x;
	remote.pos[1] = d->y;
	remote.height = d->height;
	if (vivaldi_coord_valid(&remote) &&
	    vivaldi_update(&n->viv, &remote, d->error, rtt_ms) == 0 &&
	    ++n->moved > 0)
		log_debug("net: coordinate (%.2f, %.2f, %.2f) error %.3f",
		    n->viv.coord.pos[0], n->viv.coord.pos[1],
		    n->viv.coord.height, n->viv.error);
}

struct net_each {
	struct net	*n;
	uint64_t	 now;
	int		(*fn)(const struct netrec *, void *);
	void		*arg;
};

static int
net_each_cb(const uint8_t *rec, size_t len, void *arg)
{
	struct net_each *e = arg;
	struct netrec r;

	if (netrec_parse(rec, len, e->now, e->n->network_id, &r) != NETREC_OK)
		return 0;
	return e->fn(&r, e->arg);
}

void
net_each_desc(struct net *n, int (*fn)(const struct netrec *, void *),
    void *arg)
{
	struct net_each e = { n, (uint64_t)time(NULL), fn, arg };

	if (n->node->store != NULL)
		(void)store_netrec_list(n->node->store, NETREC_DESCRIPTOR,
		    (int64_t)e.now, net_each_cb, &e);
}

int
net_desc_udp(const struct netrec_descriptor *d, char *host, size_t hostlen,
    uint16_t *port)
{
	size_t i;

	for (i = 0; i < d->naddrs; i++) {
		if (d->addrs[i].udp_port == 0 ||
		    inet_ntop(d->addrs[i].family == 4 ? AF_INET : AF_INET6,
		    d->addrs[i].addr, host, (socklen_t)hostlen) == NULL)
			continue;
		*port = d->addrs[i].udp_port;
		return 0;
	}
	return -1;
}

const uint8_t *
net_network_id(const struct net *n)
{
	return n->network_id;
}

/* GET /api/v1/leaderboard */
/*
 * The leaderboard, made again only when the second or the database has
 * changed since the last one: its inputs are the stored records and the
 * time, and a dashboard asks for it and for the node list together.
 */
json_t *
net_leaderboard_json(struct net *n)
{
	uint64_t now = (uint64_t)time(NULL), changes;

	changes = n->node->store != NULL ? store_changes(n->node->store) : 0;
	if (n->board == NULL || n->board_at != now ||
	    n->board_changes != changes) {
		json_decref(n->board);
		if ((n->board = ledger_leaderboard(n->node,
		    n->network_id)) == NULL)
			return NULL;
		n->board_at = now;
		n->board_changes = changes;
	}
	return json_incref(n->board);
}

/* The Vivaldi direction generator's seed: any bits of the node ID. */
static uint64_t
net_seed(const struct node *node)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | node->id.ed_pub[i];
	return v;
}

struct net *
net_new(struct node *node, char *err, size_t errlen)
{
	const struct conf *c = node->conf;
	uint8_t zero[CRYPTO_ED25519_PUB_LEN];
	struct timeval tv = { NET_FIRST_SEC, 0 };
	struct timeval ltv = { net_ledger_sec(), 0 };
	struct net *n;

	if ((n = calloc(1, sizeof(*n))) == NULL) {
		snprintf(err, errlen, "net: out of memory");
		return NULL;
	}
	n->node = node;
	vivaldi_init(&n->viv, net_seed(node));
	n->allowance = c->new_node_sessions != 0 ? c->new_node_sessions :
	    REP_SESSIONS_UNLIMITED;
	memset(zero, 0, sizeof(zero));
	if (netrec_network_id(c->network_id, n->network_id) == -1 ||
	    netrec_dht_key(n->network_id, NETREC_DESCRIPTOR, zero,
	    n->dir_key) == -1) {
		snprintf(err, errlen, "net: cannot derive the network's keys");
		goto fail;
	}
	if ((n->ov = overlay_new(node, c->dht_port, c->network_id,
	    c->bootstrap, c->nbootstrap, net_value, n, err, errlen)) == NULL)
		goto fail;
	if (overlay_listen(n->ov, n->dir_key) == -1) {
		snprintf(err, errlen, "net: cannot follow the directory");
		goto fail;
	}
	if ((n->ev_publish = event_new(node->base, -1, 0, net_publish_cb,
	    n)) == NULL || event_add(n->ev_publish, &tv) == -1 ||
	    (n->ev_ledger = event_new(node->base, -1, EV_PERSIST,
	    net_ledger_cb, n)) == NULL ||
	    event_add(n->ev_ledger, &ltv) == -1) {
		snprintf(err, errlen, "net: event_new failed");
		goto fail;
	}
	if ((n->rooms = net_rooms_new(n, node)) == NULL) {
		snprintf(err, errlen, "net: out of memory");
		goto fail;
	}
	if (c->probe_budget > 0 &&
	    (n->prober = prober_new(node, n, err, errlen)) == NULL)
		goto fail;
	log_info("node network %s: DHT on UDP port %u, %zu bootstrap nodes",
	    c->network_id, overlay_port(n->ov), c->nbootstrap);
	return n;
fail:
	net_free(n);
	return NULL;
}

void
net_free(struct net *n)
{
	if (n == NULL)
		return;
	if (n->ev_publish != NULL)
		event_free(n->ev_publish);
	if (n->ev_ledger != NULL)
		event_free(n->ev_ledger);
	prober_free(n->prober);
	net_rooms_free(n->rooms);
	overlay_free(n->ov);
	json_decref(n->board);
	free(n);
}

struct net_list {
	struct net	*n;
	json_t		*list;
	uint64_t	 now;
};

/* A descriptor's addresses (the node's own, never a client's). */
static json_t *
net_addrs_json(const struct netrec_descriptor *d)
{
	char ip[INET6_ADDRSTRLEN];
	json_t *a = json_array();
	size_t i;

	for (i = 0; a != NULL && i < d->naddrs; i++) {
		const struct netrec_addr *x = &d->addrs[i];

		if (inet_ntop(x->family == 4 ? AF_INET : AF_INET6, x->addr, ip,
		    sizeof(ip)) == NULL)
			continue;
		json_array_append_new(a, json_pack("{s:s, s:i, s:i, s:i}",
		    "ip", ip, "udp", x->udp_port, "tcp", x->tcp_port,
		    "tls", x->tls_port));
	}
	return a;
}

/* One stored descriptor as JSON; stored records are parsed again. */
static int
net_node_entry(const uint8_t *rec, size_t len, void *arg)
{
	char id[IDENTITY_ID_STRLEN], fpr[IDENTITY_FPR_STRLEN], key[64];
	struct net_list *l = arg;
	const struct netrec_descriptor *d;
	struct netrec r;

	if (netrec_parse(rec, len, l->now, l->n->network_id, &r) != NETREC_OK)
		return 0;
	d = &r.u.desc;
	identity_id_string(r.signer, id);
	identity_fingerprint(r.signer, fpr);
	if (encode_base32(d->noise_key, sizeof(d->noise_key), key,
	    sizeof(key)) < 0)
		return 0;
	json_array_append_new(l->list, json_pack("{s:s, s:s, s:s, s:b, s:s, "
	    "s:s, s:{s:b, s:b, s:b}, s:I, s:{s:f, s:f, s:f, s:f}, s:o, s:I, "
	    "s:I}",
	    "id", id, "fingerprint", fpr, "noise_key", key,
	    "self", memcmp(r.signer, l->n->node->id.ed_pub,
	    CRYPTO_ED25519_PUB_LEN) == 0,
	    "software", d->software, "region", d->region,
	    "capabilities", "turn", (d->caps & NETREC_CAP_TURN) != 0,
	    "sfu", (d->caps & NETREC_CAP_SFU) != 0,
	    "mix", (d->caps & NETREC_CAP_MIX) != 0,
	    "max_sessions", (json_int_t)d->max_sessions,
	    "coordinates", "x", (double)d->x, "y", (double)d->y,
	    "height", (double)d->height, "error", (double)d->error,
	    "addresses", net_addrs_json(d),
	    "issued", (json_int_t)r.issued, "expires", (json_int_t)r.expires));
	return 0;
}

/* Add each node's score and standing (from the ledger) to its entry. */
static void
net_scores(struct net *n, json_t *list)
{
	json_t *board, *byid, *e, *b;
	const char *id;
	size_t i;

	board = net_leaderboard_json(n);
	byid = json_object();
	json_array_foreach(json_object_get(board, "leaderboard"), i, b)
		if ((id = json_string_value(json_object_get(b, "id"))) != NULL)
			json_object_set(byid, id, b);
	json_array_foreach(list, i, e) {
		id = json_string_value(json_object_get(e, "id"));
		b = id != NULL ? json_object_get(byid, id) : NULL;
		json_object_set_new(e, "score", b != NULL ? json_deep_copy(
		    json_object_get(b, "score")) : json_real(0));
		json_object_set_new(e, "standing", b != NULL ? json_deep_copy(
		    json_object_get(b, "standing")) : json_false());
	}
	json_decref(byid);
	json_decref(board);
}

/* GET /api/v1/network/nodes: every node whose descriptor we hold. */
json_t *
net_nodes_json(struct net *n)
{
	struct net_list l = { n, json_array(), (uint64_t)time(NULL) };

	if (l.list != NULL && n->node->store != NULL)
		(void)store_netrec_list(n->node->store, NETREC_DESCRIPTOR,
		    (int64_t)l.now, net_node_entry, &l);
	net_scores(n, l.list);
	return json_pack("{s:s, s:o, s:o}", "network", n->node->conf->network_id,
	    "nodes", l.list, "records", net_stats_json(n));
}

json_t *
net_stats_json(const struct net *n)
{
	const struct overlay_stats *st = overlay_stats(n->ov);

	return json_pack("{s:I, s:I, s:o, s:I, s:I, s:I, s:I, s:I, s:I, s:o}",
	    "published", (json_int_t)n->published,
	    "vouches_published", (json_int_t)n->vouches,
	    "measuring", n->prober != NULL ? prober_json(n->prober) :
	    json_null(),
	    "submitted", (json_int_t)n->submitted,
	    "accepted", (json_int_t)n->accepted,
	    "stored", (json_int_t)n->stored,
	    "dht_values_in", (json_int_t)st->values_in,
	    "dht_dropped", (json_int_t)(st->dropped_big + st->dropped_queue),
	    "dht_port", (json_int_t)overlay_port(n->ov),
	    "rooms", net_rooms_stats_json(n->rooms));
}

struct overlay *
net_overlay(struct net *n)
{
	return n->ov;
}

void
net_room_alive(struct net *n)
{
	net_rooms_changed(n->rooms);
}

json_t *
net_room_hosts_json(struct net *n, const char *locator)
{
	return net_rooms_json(n->rooms, locator);
}

unsigned
net_nodes_followed(const struct net *n)
{
	return (unsigned)n->nfollowed;
}

/* GET /api/v1/network/nodes/ID: one node's descriptor and its score. */
json_t *
net_node_json(struct net *n, const char *idtext)
{
	uint8_t id[CRYPTO_ED25519_PUB_LEN];
	struct net_list l = { n, json_array(), (uint64_t)time(NULL) };
	json_t *node = NULL, *e, *out = NULL;
	const char *eid;
	size_t i;

	if (l.list == NULL || identity_key_parse(idtext, id) == -1)
		goto done;
	if (n->node->store != NULL)
		(void)store_netrec_list(n->node->store, NETREC_DESCRIPTOR,
		    (int64_t)l.now, net_node_entry, &l);
	for (i = 0; i < json_array_size(l.list); i++) {
		e = json_array_get(l.list, i);
		if ((eid = json_string_value(json_object_get(e, "id"))) !=
		    NULL && strcmp(eid, idtext) == 0)
			node = e;
	}
	if (node == NULL)
		goto done;
	out = json_deep_copy(node);
	/* The ledger knows the nodes whose descriptors we hold, as we do. */
	if ((e = ledger_explain(n->node, n->network_id, id)) != NULL)
		json_object_set_new(out, "reputation", e);
done:
	json_decref(l.list);
	return out;
}

/* A report as JSON: who measured whom, and what (fingerprints only). */
static int
net_report_entry(const uint8_t *rec, size_t len, void *arg)
{
	char v[IDENTITY_FPR_STRLEN], s[IDENTITY_FPR_STRLEN];
	struct net_list *l = arg;
	const struct netrec_report *m;
	struct netrec r;

	if (netrec_parse(rec, len, l->now, l->n->network_id, &r) != NETREC_OK)
		return 0;
	m = &r.u.report;
	identity_fingerprint(r.signer, v);
	identity_fingerprint(m->subject, s);
	json_array_append_new(l->list, json_pack("{s:s, s:s, s:I, s:I, s:I, "
	    "s:I, s:I, s:I, s:I, s:I, s:I}",
	    "verifier", v, "subject", s,
	    "window_start", (json_int_t)m->window_start,
	    "window_end", (json_int_t)m->window_end,
	    "sent", (json_int_t)m->sent, "passed", (json_int_t)m->passed,
	    "verified_bytes", (json_int_t)m->verified_bytes,
	    "throughput_kbps", (json_int_t)m->throughput_kbps,
	    "rtt_median_us", (json_int_t)m->rtt_median_us,
	    "rtt_spread_us", (json_int_t)m->rtt_spread_us,
	    "loss_ppm", (json_int_t)m->loss_ppm));
	return 0;
}

/* GET /api/v1/reports/PAGE: NET_PAGE reports a page, page 1 first. */
json_t *
net_reports_json(struct net *n, unsigned page)
{
	struct net_list l = { n, json_array(), (uint64_t)time(NULL) };
	json_t *items;
	size_t total, i, from;

	if (l.list == NULL || page == 0)
		return NULL;
	if (n->node->store != NULL)
		(void)store_netrec_list(n->node->store, NETREC_REPORT,
		    (int64_t)l.now, net_report_entry, &l);
	total = json_array_size(l.list);
	from = (size_t)(page - 1) * NET_PAGE;
	items = json_array();
	for (i = from; items != NULL && i < total && i < from + NET_PAGE; i++)
		json_array_append(items, json_array_get(l.list, i));
	json_decref(l.list);
	return json_pack("{s:I, s:I, s:I, s:o}", "page", (json_int_t)page,
	    "per_page", (json_int_t)NET_PAGE, "total", (json_int_t)total,
	    "reports", items);
}

/* GET /api/v1/topology: coordinates, and the RTTs reports measured. */
json_t *
net_topology_json(struct net *n)
{
	struct net_list l = { n, json_array(), (uint64_t)time(NULL) };
	json_t *nodes = json_array(), *edges = json_array(), *e;
	size_t i;

	if (l.list != NULL && n->node->store != NULL) {
		(void)store_netrec_list(n->node->store, NETREC_DESCRIPTOR,
		    (int64_t)l.now, net_node_entry, &l);
		for (i = 0; i < json_array_size(l.list); i++) {
			e = json_array_get(l.list, i);
			json_array_append_new(nodes, json_pack("{s:O, s:O, s:O}",
			    "fingerprint", json_object_get(e, "fingerprint"),
			    "region", json_object_get(e, "region"),
			    "coordinates", json_object_get(e, "coordinates")));
		}
		json_array_clear(l.list);
		(void)store_netrec_list(n->node->store, NETREC_REPORT,
		    (int64_t)l.now, net_report_entry, &l);
		for (i = 0; i < json_array_size(l.list); i++) {
			e = json_array_get(l.list, i);
			json_array_append_new(edges, json_pack("{s:O, s:O, s:f}",
			    "from", json_object_get(e, "verifier"),
			    "to", json_object_get(e, "subject"),
			    "rtt_ms", json_integer_value(json_object_get(e,
			    "rtt_median_us")) / 1000.0));
		}
	}
	json_decref(l.list);
	return json_pack("{s:o, s:o}", "nodes", nodes, "measured", edges);
}

/* Prometheus lines for the node network. */
void
net_metrics(const struct net *n, FILE *out)
{
	const struct overlay_stats *st = overlay_stats(n->ov);
	uint64_t rejected = 0;
	size_t i;

	for (i = 1; i < sizeof(n->rejected) / sizeof(n->rejected[0]); i++)
		rejected += n->rejected[i];
	metrics_render_one(out, "chorus_netrecs_total", METRIC_COUNTER,
	    "Node network records received, by outcome.", "result",
	    "accepted", (double)n->accepted);
	metrics_render_one(out, "chorus_netrecs_total", METRIC_COUNTER, NULL,
	    "result", "rejected", (double)rejected);
	metrics_render_one(out, "chorus_netrecs_published_total",
	    METRIC_COUNTER, "Descriptors this node published.", NULL, NULL,
	    (double)n->published);
	metrics_render_one(out, "chorus_reports_submitted_total",
	    METRIC_COUNTER, "Measurement reports handed to the node.", NULL,
	    NULL, (double)n->submitted);
	metrics_render_one(out, "chorus_dht_values_total", METRIC_COUNTER,
	    "Values the DHT handed to the node.", NULL, NULL,
	    (double)st->values_in);
	metrics_render_one(out, "chorus_network_nodes", METRIC_GAUGE,
	    "Nodes of the network whose descriptors this node follows "
	    "(itself included); OpenDHT's C API does not tell its own "
	    "routing-table peers.", NULL, NULL, (double)n->nfollowed);
	metrics_render_one(out, "chorus_vouches_published_total",
	    METRIC_COUNTER, "Vouch records this node signed and put.", NULL,
	    NULL, (double)n->vouches);
	if (n->prober != NULL)
		prober_metrics(n->prober, out);
	metrics_render_one(out, "chorus_dht_dropped_total", METRIC_COUNTER,
	    "DHT values dropped before parsing (too large, queue full).",
	    NULL, NULL, (double)(st->dropped_big + st->dropped_queue));
}

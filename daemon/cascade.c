/*
 * cascade.c - a room carried by several nodes at once.
 *
 * The owner names the nodes of a room's cascade, each with its place
 * (1..8), in CASCADE records that only CREATE carries.  Every node of the
 * cascade links to every other over an ordinary Chorus session, the node
 * of lower place as the Noise initiator (client/conn.c, with the node's
 * own identity) and the other as responder (a csess whose cpeer is set),
 * and proves with LINK that it holds the room's join key.  Over a link
 * go: PEERS (which places a node has a live link to, flooded: the link
 * graph of lib/cascade.c), ROSTER entries of every member of the cascade
 * (flooded, once each), RECORDED (a record applied anywhere, once each),
 * KEYFWD (a key blob, hop by hop towards its member's node), and the
 * media frames, which go down the breadth-first tree rooted at the node
 * of their sender, so that each reaches every node once; a node drops a
 * second copy all the same (a replay window per remote member), so that
 * a graph that is changing cannot deliver a frame twice.
 *
 * Member indexes carry their node's place in the top byte, so they are
 * unique across the cascade and receivers' sender keys never collide.
 * A node passes on its own members' frames when the cascade is small
 * (full-forward-limit), else only those of its local speaker selection,
 * its candidates; every node then chooses from all the candidates with
 * the same rule, so speaker selection is global.
 *
 * Links are watched by their heartbeats (every 200 ms from the
 * initiator); one silent for CASCADE_SILENT_MS is down, the graph
 * changes, and frames flow round through the remaining nodes.
 */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "../client/conn.h"
#include "chorus/buf.h"
#include "chorus/cascade.h"
#include "chorus/ctrl.h"
#include "chorus/netrec.h"
#include "chorus/room.h"
#include "chorus_priv.h"
#include "conf.h"
#include "net.h"
#include "node.h"

#define CASCADE_TICK_MS		50	/* liveness, retries */
#define CASCADE_PING_MS		200	/* the initiator's heartbeat */
#define CASCADE_SILENT_MS	600	/* a link this quiet is down */
#define CASCADE_RETRY_MS	1000	/* reconnect after a failure */
#define CASCADE_REFUSED_MS	10000	/* ... after an ERROR answer */
#define CASCADE_BACKOFF_MAX_MS	30000	/* tries that keep failing back off */
#define CASCADE_HANDSHAKE_MS	2000
#define CASCADE_TOMBS		64	/* members recently left */

enum cpeer_state {
	CP_IDLE,		/* no session */
	CP_CONNECTING,		/* handshake or LINK under way */
	CP_UP,			/* LINK answered: frames flow */
};

struct cpeer {
	struct room_cascade	*rc;
	uint8_t			 place;
	enum cpeer_state	 state;
	struct conn		*conn;		/* we initiated, or NULL */
	struct csess		*cs;		/* it initiated, or NULL */
	int			 failed;	/* conn failed: free at the tick */
	uint64_t		 retry_usec;
	struct sockaddr_storage	 bind;
	uint64_t		 ups, downs, tx, rx;
	unsigned		 fails;		/* tries in a row not up */
	char			 host[INET6_ADDRSTRLEN];	/* from its */
	uint16_t		 port;		/* descriptor; 0: not yet */
};

struct room_cascade {
	struct chorus		*ch;
	struct room		*r;
	uint8_t			 place;
	struct cascade_graph	 g;
	uint32_t		 seq;		/* of our own PEERS */
	uint16_t		 own;		/* places we have a live link to */
	struct cpeer		 peers[CASCADE_MAX_PLACE + 1];
	struct speaker		*cspk;		/* local candidates: [cap] */
	struct speaker_sel	 csel;
	uint32_t		 tombs[CASCADE_TOMBS];
	size_t			 ntombs;
	struct event		*ev;
	uint64_t		 sent, received, relayed, duplicates, unknown;
	uint64_t		 looped, not_candidate, keys, records;
};

static void	cascade_links_changed(struct room_cascade *);

uint8_t
cascade_place(const struct room *r)
{
	return r->cascade != NULL ? r->cascade->place : 0;
}

/* --- sending to a peer ------------------------------------------------ */

static int
cpeer_control(struct cpeer *p, const uint8_t *msg, size_t len)
{
	if (p->conn != NULL)
		return conn_send_control(p->conn, msg, len);
	if (p->cs != NULL)
		return chorus_send_control(p->cs, msg, len);
	return -1;
}

static void
cpeer_media(struct cpeer *p, const uint8_t *frame, size_t len)
{
	uint8_t pkt[FRAME_HDR_LEN + MEDIA_MAX_FRAME];
	struct buf_writer w;

	if (p->conn != NULL)
		(void)conn_send_media(p->conn, frame, len);
	else if (p->cs != NULL) {
		buf_wr_init(&w, pkt, sizeof(pkt));
		if (frame_put_media(&w, frame, len) == -1 ||
		    chorus_send_packet(p->cs, pkt, buf_wr_len(&w)) == -1)
			return;
	}
	p->tx++;
}

/* A control message to every live peer but skip. */
static void
cascade_flood(struct room_cascade *rc, const uint8_t *msg, size_t len,
    const struct cpeer *skip)
{
	uint8_t q;

	for (q = 1; q <= CASCADE_MAX_PLACE; q++)
		if (rc->peers[q].state == CP_UP && &rc->peers[q] != skip)
			(void)cpeer_control(&rc->peers[q], msg, len);
}

/* A frame down the tree of its origin, to the children but skip. */
static unsigned
cascade_down(struct room_cascade *rc, uint8_t origin, const uint8_t *frame,
    size_t len, const struct cpeer *skip)
{
	uint16_t kids = cascade_children(&rc->g, origin, rc->place);
	unsigned n = 0;
	uint8_t q;

	for (q = 1; q <= CASCADE_MAX_PLACE; q++)
		if ((kids & (1u << q)) && &rc->peers[q] != skip &&
		    rc->peers[q].state == CP_UP) {
			cpeer_media(&rc->peers[q], frame, len);
			n++;
		}
	return n;
}

/* --- link state -------------------------------------------------------- */

static int
cascade_put_peers(struct buf_writer *w, const struct cascade_graph *g,
    uint8_t origin)
{
	uint8_t places[CASCADE_MAX_PLACE];
	size_t n = 0;
	uint8_t q;

	for (q = 1; q <= CASCADE_MAX_PLACE; q++)
		if (q != origin && (g->adj[origin] & (1u << q)))
			places[n++] = q;
	return ctrl_put_peers(w, origin, g->seq[origin], places, n);
}

/* Every place's link list we hold, to one peer (a new link). */
static void
cascade_send_graph(struct room_cascade *rc, struct cpeer *p)
{
	uint8_t msg[64];
	struct buf_writer w;
	uint8_t q;

	for (q = 1; q <= CASCADE_MAX_PLACE; q++) {
		if (!rc->g.known[q])
			continue;
		buf_wr_init(&w, msg, sizeof(msg));
		if (cascade_put_peers(&w, &rc->g, q) == 0)
			(void)cpeer_control(p, msg, buf_wr_len(&w));
	}
}

static void
cpeer_send(void *p, const uint8_t *msg, size_t len)
{
	(void)cpeer_control(p, msg, len);
}

/* Members of places we can no longer reach have left, as far as we know. */
static void
cascade_prune(struct room_cascade *rc)
{
	uint16_t reach = cascade_reachable(&rc->g, rc->place);
	struct room *r = rc->r;
	struct member *m;
	size_t i;

	for (i = 0; i < r->cap; i++)
		if ((m = r->members[i]) != NULL && m->cs == NULL &&
		    !(reach & (1u << m->place)))
			room_remote_remove(r, m);
}

/* Our set of live links changed: a new PEERS to everyone. */
static void
cascade_links_changed(struct room_cascade *rc)
{
	uint8_t msg[64];
	struct buf_writer w;
	uint16_t own = 0;
	uint8_t q;

	for (q = 1; q <= CASCADE_MAX_PLACE; q++)
		if (rc->peers[q].state == CP_UP)
			own |= (uint16_t)(1u << q);
	if (own == rc->own && rc->g.known[rc->place])
		return;
	rc->own = own;
	cascade_set_own(&rc->g, rc->place, own);
	rc->g.seq[rc->place] = ++rc->seq;
	rc->g.known[rc->place] = 1;
	buf_wr_init(&w, msg, sizeof(msg));
	if (cascade_put_peers(&w, &rc->g, rc->place) == 0)
		cascade_flood(rc, msg, buf_wr_len(&w), NULL);
	cascade_prune(rc);
}

static void
cpeer_up(struct cpeer *p)
{
	struct room_cascade *rc = p->rc;

	p->state = CP_UP;
	p->ups++;
	p->fails = 0;
	log_info("chorus: room %s: cascade link to place %u up", rc->r->fpr,
	    p->place);
	cascade_links_changed(rc);
	cascade_send_graph(rc, p);
	/* Every member we know of, ours and others'. */
	room_roster(rc->r, NULL, cpeer_send, p);
}

/*
 * A try failed: the next one in base_ms, doubled for each try in a row
 * that failed (1, 2, 4, 8, 16 times; a node that is gone, or forgot the
 * room), never later than CASCADE_BACKOFF_MAX_MS.
 */
static void
cpeer_retry(struct cpeer *p, unsigned base_ms)
{
	if (p->fails < 5)
		p->fails++;
	base_ms <<= p->fails - 1;
	if (base_ms > CASCADE_BACKOFF_MAX_MS)
		base_ms = CASCADE_BACKOFF_MAX_MS;
	p->retry_usec = chorus_now(p->rc->ch) + base_ms * 1000ULL;
}

/*
 * The link is down.  A session the peer opened is ended too (end), so
 * that the peer, hearing nothing more, knows it and links again.
 */
static void
cpeer_down(struct cpeer *p, const char *why, unsigned retry_ms, int end)
{
	struct room_cascade *rc = p->rc;
	struct csess *cs = p->cs;

	if (p->state == CP_UP) {
		p->downs++;
		log_info("chorus: room %s: cascade link to place %u down: %s",
		    rc->r->fpr, p->place, why);
		p->retry_usec = chorus_now(rc->ch) + retry_ms * 1000ULL;
	} else
		cpeer_retry(p, retry_ms);
	p->state = CP_IDLE;
	if (p->conn != NULL)
		p->failed = 1;		/* freed at the tick, not in its callback */
	if (cs != NULL) {
		cs->cpeer = NULL;
		p->cs = NULL;
	}
	cascade_links_changed(rc);
	if (cs != NULL && end)
		chorus_end_session(cs, "cascade link down");
}

/* --- what comes over a link -------------------------------------------- */

static int
cascade_tombed(const struct room_cascade *rc, uint32_t index)
{
	size_t i;

	for (i = 0; i < rc->ntombs && i < CASCADE_TOMBS; i++)
		if (rc->tombs[i] == index)
			return 1;
	return 0;
}

/* One roster entry from a peer: a member of another node came or went. */
static void
cascade_roster_entry(struct room_cascade *rc, struct cpeer *from,
    const struct ctrl_roster_entry *e)
{
	uint8_t msg[FRAME_CONTROL_MAX];
	struct buf_writer w;
	uint8_t place = (uint8_t)(e->member >> 24);
	struct member *m;

	if (place == 0 || place > CASCADE_MAX_PLACE || place == rc->place ||
	    policy_cascade_key(&rc->r->policy, place) == NULL) {
		rc->unknown++;
		return;
	}
	m = room_member_by_index(rc->r, e->member);
	if (e->event == CTRL_ROSTER_PRESENT) {
		if (m != NULL || cascade_tombed(rc, e->member) ||
		    !(cascade_reachable(&rc->g, rc->place) & (1u << place)))
			return;
		if (room_remote_add(rc->r, e, place) == NULL)
			return;
	} else {
		if (m == NULL || m->cs != NULL)
			return;
		rc->tombs[rc->ntombs++ % CASCADE_TOMBS] = e->member;
		room_remote_remove(rc->r, m);
	}
	buf_wr_init(&w, msg, sizeof(msg));
	if (ctrl_put_roster(&w, CTRL_MODE_E2E, e, 1) == 0)
		cascade_flood(rc, msg, buf_wr_len(&w), from);
}

static void
cascade_peers_in(struct room_cascade *rc, struct cpeer *from,
    const struct ctrl_msg *c, const uint8_t *msg, size_t len)
{
	uint8_t places[CASCADE_MAX_PLACE];
	size_t i;

	if (c->place == rc->place)
		return;		/* our own, come round */
	for (i = 0; i < c->n && i < CASCADE_MAX_PLACE; i++)
		places[i] = ctrl_peers_get(c, i);
	if (cascade_update(&rc->g, c->place, c->seq, places, c->n) != 1)
		return;
	cascade_flood(rc, msg, len, from);
	cascade_prune(rc);
}

static void
cascade_keyfwd_in(struct room_cascade *rc, const struct ctrl_msg *c,
    const uint8_t *msg, size_t len)
{
	uint8_t place = (uint8_t)(c->to >> 24), next;

	if (place == rc->place) {
		room_deliver_key(rc->r, c->to, c->member, c->epoch, c->blob);
		rc->keys++;
		return;
	}
	if ((next = cascade_next_hop(&rc->g, rc->place, place)) != 0)
		(void)cpeer_control(&rc->peers[next], msg, len);
}

static void
cascade_control(struct cpeer *p, const uint8_t *msg, size_t len)
{
	struct room_cascade *rc = p->rc;
	struct ctrl_roster_entry e;
	struct ctrl_msg c;
	size_t i;

	if (ctrl_parse(msg, len, &c) == -1) {
		chorus_drop(rc->ch, CD_MALFORMED);
		return;
	}
	if (p->state != CP_UP && c.type != CTRL_LINKED && c.type != CTRL_ERROR)
		return;
	switch (c.type) {
	case CTRL_LINKED:
		if (p->conn != NULL && p->state == CP_CONNECTING &&
		    c.place == p->place &&
		    memcmp(c.room_id, rc->r->id, ROOM_ID_LEN) == 0)
			cpeer_up(p);
		break;
	case CTRL_ERROR:
		log_warnx("chorus: room %s: place %u refused the cascade "
		    "link: %s", rc->r->fpr, p->place, ctrl_code_text(c.code));
		/* Not created there yet is worth another try soon. */
		cpeer_down(p, "refused", c.code == CTRL_E_UNKNOWN_ROOM ?
		    CASCADE_RETRY_MS : CASCADE_REFUSED_MS, 1);
		break;
	case CTRL_PEERS:
		cascade_peers_in(rc, p, &c, msg, len);
		break;
	case CTRL_ROSTER:
		for (i = 0; i < c.n; i++) {
			ctrl_roster_get(&c, i, &e);
			cascade_roster_entry(rc, p, &e);
		}
		break;
	case CTRL_RECORDED:
		if (room_peer_record(rc->ch, rc->r, c.records)) {
			rc->records++;
			cascade_record(rc->r, c.records, p);
		}
		break;
	case CTRL_KEYFWD:
		cascade_keyfwd_in(rc, &c, msg, len);
		break;
	default:
		chorus_drop(rc->ch, CD_MALFORMED);
		break;
	}
}

/* A frame from a peer: once to the members here, on down its tree. */
static void
cascade_media(struct cpeer *p, const uint8_t *frame, size_t len)
{
	struct room_cascade *rc = p->rc;
	struct media_header h;
	struct member *m;
	uint8_t origin;

	if (p->state != CP_UP)
		return;
	if (media_header_parse(&h, frame, len) != MEDIA_OK) {
		chorus_drop(rc->ch, CD_MALFORMED);
		return;
	}
	p->rx++;
	origin = (uint8_t)(h.sender >> 24);
	if (origin == rc->place) {
		rc->looped++;
		return;
	}
	if ((m = room_member_by_index(rc->r, h.sender)) == NULL ||
	    m->cs != NULL || m->place != origin) {
		rc->unknown++;
		return;
	}
	if (replay_update(&m->seen, h.seq) == -1) {
		rc->duplicates++;
		return;
	}
	rc->received++;
	rc->relayed += cascade_down(rc, origin, frame, len, p);
	room_remote_media(rc->ch, rc->r, m, &h, frame, len);
}

/* --- the initiator's side (we have the lower place) -------------------- */

static void
cascade_conn_up(struct conn *c, void *arg)
{
	struct cpeer *p = arg;
	struct room_cascade *rc = p->rc;
	uint8_t proof[ROOM_PROOF_LEN], msg[128];
	struct buf_writer w;

	if (room_join_proof(rc->r->join_key, rc->r->id, rc->ch->id->ed_pub,
	    policy_cascade_key(&rc->r->policy, p->place), conn_hash(c),
	    proof) == -1)
		return;
	buf_wr_init(&w, msg, sizeof(msg));
	if (ctrl_put_join(&w, CTRL_LINK, rc->r->id, proof) == 0)
		(void)conn_send_control(c, msg, buf_wr_len(&w));
	crypto_wipe(proof, sizeof(proof));
}

static void
cascade_conn_control(struct conn *c, const uint8_t *msg, size_t len,
    void *arg)
{
	(void)c;
	cascade_control(arg, msg, len);
}

static void
cascade_conn_media(struct conn *c, const uint8_t *frame, size_t len,
    void *arg)
{
	(void)c;
	cascade_media(arg, frame, len);
}

static void
cascade_conn_failed(struct conn *c, enum conn_error e, void *arg)
{
	(void)c;
	(void)e;
	cpeer_down(arg, "session failed", CASCADE_RETRY_MS, 0);
}

struct cascade_find {
	struct cpeer	*p;
	const uint8_t	*key;
};

static int
cascade_find_cb(const struct netrec *nr, void *arg)
{
	struct cascade_find *f = arg;

	return memcmp(nr->u.desc.noise_key, f->key, CRYPTO_X25519_LEN) == 0 &&
	    net_desc_udp(&nr->u.desc, f->p->host, sizeof(f->p->host),
	    &f->p->port) == 0;
}

/* The peer's UDP address, from its descriptor: 0, or -1 (not known). */
static int
cascade_find(struct cpeer *p, const uint8_t *key)
{
	struct cascade_find f = { p, key };
	struct net *net = p->rc->ch->node->net;

	p->port = 0;
	if (net != NULL && key != NULL)
		net_each_desc(net, cascade_find_cb, &f);
	return p->port != 0 ? 0 : -1;
}

/* Send from our own listening address of that family, if it is one. */
static void
cascade_bind(struct cpeer *p, struct conn_opts *o, int family)
{
	const struct conf *conf = p->rc->ch->node->conf;
	size_t i;

	for (i = 0; i < conf->nlisten; i++) {
		const struct sockaddr_storage *ss = &conf->listen[i].ss;

		if (ss->ss_family != family)
			continue;
		if (family == AF_INET && ((const struct sockaddr_in *)
		    ss)->sin_addr.s_addr == htonl(INADDR_ANY))
			continue;
		if (family == AF_INET6 && IN6_IS_ADDR_UNSPECIFIED(
		    &((const struct sockaddr_in6 *)ss)->sin6_addr))
			continue;
		p->bind = *ss;
		if (family == AF_INET)
			((struct sockaddr_in *)&p->bind)->sin_port = 0;
		else
			((struct sockaddr_in6 *)&p->bind)->sin6_port = 0;
		o->bind_addr = (const struct sockaddr *)&p->bind;
		o->bind_len = conf->listen[i].len;
		return;
	}
}

static void
cpeer_connect(struct cpeer *p)
{
	static const struct conn_cb cb = { cascade_conn_up,
	    cascade_conn_control, cascade_conn_media, cascade_conn_failed };
	struct room_cascade *rc = p->rc;
	struct chorus *ch = rc->ch;
	char err[256];
	struct conn_opts o;
	const uint8_t *key = policy_cascade_key(&rc->r->policy, p->place);

	/* Its descriptor once, and again only after a try that failed. */
	if ((p->port == 0 || p->fails > 0) && cascade_find(p, key) == -1) {
		cpeer_retry(p, CASCADE_RETRY_MS);	/* not known yet */
		return;
	}
	memset(&o, 0, sizeof(o));
	o.host = p->host;
	o.port = p->port;
	memcpy(o.node_key, key, sizeof(o.node_key));
	memcpy(o.psk, chorus_psk(ch), sizeof(o.psk));
	o.timeout_ms = CASCADE_HANDSHAKE_MS;
	o.ping_ms = CASCADE_PING_MS;
	cascade_bind(p, &o, strchr(p->host, ':') != NULL ? AF_INET6 :
	    AF_INET);
	p->conn = conn_new(ch->node->base, &ch->node->id, &o, &cb, p, err,
	    sizeof(err));
	crypto_wipe(o.psk, sizeof(o.psk));
	if (p->conn == NULL) {
		log_debug("chorus: room %s: cascade place %u: %s", rc->r->fpr,
		    p->place, err);
		cpeer_retry(p, CASCADE_RETRY_MS);
		return;
	}
	p->state = CP_CONNECTING;
	p->failed = 0;
}

/* --- the responder's side (the peer has the lower place) --------------- */

void
cascade_link_in(struct chorus *ch, struct csess *cs, const struct ctrl_msg *c)
{
	uint8_t msg[64];
	struct buf_writer w;
	struct room_cascade *rc;
	struct room *r;
	struct cpeer *p;
	uint8_t place;

	if ((r = room_find(ch, c->room_id)) == NULL ||
	    (rc = r->cascade) == NULL) {
		chorus_send_error(cs, CTRL_E_UNKNOWN_ROOM, CTRL_LINK);
		return;
	}
	if (room_join_verify(r->join_key, r->id, cs->ed_pub, ch->id->x_pub,
	    cs->cur.hash, c->proof) == -1) {
		chorus_send_error(cs, CTRL_E_BAD_PROOF, CTRL_LINK);
		return;
	}
	/* Only a node the owner named, of lower place, opens a link. */
	place = policy_cascade_place(&r->policy, cs->x_pub);
	if (place == 0 || place >= rc->place || cs->member != NULL ||
	    cs->standby != NULL) {
		chorus_send_error(cs, CTRL_E_NOT_ALLOWED, CTRL_LINK);
		return;
	}
	p = &rc->peers[place];
	if (p->cs == cs)
		return;
	if (p->state != CP_IDLE)
		cpeer_down(p, "linked again", 0, 1);
	p->cs = cs;
	cs->cpeer = p;
	buf_wr_init(&w, msg, sizeof(msg));
	if (ctrl_put_linked(&w, r->id, rc->place) == 0)
		(void)chorus_send_control(cs, msg, buf_wr_len(&w));
	cpeer_up(p);
}

void
cascade_session_control(struct csess *cs, const uint8_t *msg, size_t len)
{
	cascade_control(cs->cpeer, msg, len);
}

void
cascade_session_media(struct csess *cs, const uint8_t *frame, size_t len)
{
	cascade_media(cs->cpeer, frame, len);
}

void
cascade_session_end(struct csess *cs)
{
	if (cs->cpeer != NULL)
		cpeer_down(cs->cpeer, "session ended", 0, 0);
}

/* --- the room's side --------------------------------------------------- */

void
cascade_member(struct room *r, const struct member *m, uint8_t event)
{
	struct ctrl_roster_entry e;
	uint8_t msg[FRAME_CONTROL_MAX];
	struct buf_writer w;
	struct room_cascade *rc = r->cascade;

	if (rc == NULL)
		return;
	if (event == CTRL_ROSTER_PRESENT)
		speaker_add(&rc->csel, m->slot);
	else
		speaker_remove(&rc->csel, m->slot);
	room_entry(m, event, &e);
	buf_wr_init(&w, msg, sizeof(msg));
	if (ctrl_put_roster(&w, CTRL_MODE_E2E, &e, 1) == 0)
		cascade_flood(rc, msg, buf_wr_len(&w), NULL);
}

void
cascade_local_media(struct chorus *ch, struct room *r, struct member *m,
    const struct media_header *h, const uint8_t *frame, size_t len)
{
	struct room_cascade *rc = r->cascade;
	int fwd;

	/* The local selection runs on every frame, to stay current. */
	fwd = speaker_frame(&rc->csel, m->slot, h->level, h->vad,
	    chorus_now(ch));
	if (rc->own == 0)
		return;
	if (room_selects(ch, r) && !fwd) {
		rc->not_candidate++;
		return;
	}
	if (cascade_down(rc, rc->place, frame, len, NULL) > 0)
		rc->sent++;
}

void
cascade_record(struct room *r, const uint8_t rec[RECORD_LEN],
    const struct cpeer *from)
{
	uint8_t msg[FRAME_CONTROL_MAX];
	struct buf_writer w;

	if (r->cascade == NULL)
		return;
	buf_wr_init(&w, msg, sizeof(msg));
	if (ctrl_put_record(&w, CTRL_RECORDED, rec) == 0)
		cascade_flood(r->cascade, msg, buf_wr_len(&w), from);
}

void
cascade_key(struct room *r, uint32_t to, uint32_t from, uint16_t epoch,
    const uint8_t *blob)
{
	struct room_cascade *rc = r->cascade;
	uint8_t msg[128], next;
	struct buf_writer w;

	if (rc == NULL || (next = cascade_next_hop(&rc->g, rc->place,
	    (uint8_t)(to >> 24))) == 0)
		return;
	buf_wr_init(&w, msg, sizeof(msg));
	if (ctrl_put_keyfwd(&w, to, from, epoch, blob) == 0)
		(void)cpeer_control(&rc->peers[next], msg, buf_wr_len(&w));
}

static void
cascade_tick(evutil_socket_t fd, short what, void *arg)
{
	struct room_cascade *rc = arg;
	uint64_t now = chorus_now(rc->ch);
	struct cpeer *p;
	uint8_t q;

	(void)fd;
	(void)what;
	for (q = 1; q <= CASCADE_MAX_PLACE; q++) {
		p = &rc->peers[q];
		if (q == rc->place || policy_cascade_key(&rc->r->policy, q) ==
		    NULL)
			continue;
		if (p->conn != NULL && p->state == CP_UP &&
		    conn_rx_age_usec(p->conn) > CASCADE_SILENT_MS * 1000ULL)
			cpeer_down(p, "silent", CASCADE_RETRY_MS, 0);
		if (p->cs != NULL && p->state == CP_UP &&
		    now - p->cs->last_rx_usec > CASCADE_SILENT_MS * 1000ULL)
			cpeer_down(p, "silent", CASCADE_RETRY_MS, 1);
		if (p->conn != NULL && p->failed) {
			conn_free(p->conn);
			p->conn = NULL;
			p->failed = 0;
		}
		if (q > rc->place && p->conn == NULL && now >= p->retry_usec)
			cpeer_connect(p);
	}
}

int
cascade_room_start(struct chorus *ch, struct room *r)
{
	struct timeval tv = { 0, CASCADE_TICK_MS * 1000 };
	struct room_cascade *rc;
	uint8_t place, q;

	if ((place = policy_cascade_place(&r->policy, ch->id->x_pub)) == 0)
		return 0;	/* not cascaded, or not through this node */
	if ((rc = calloc(1, sizeof(*rc))) == NULL ||
	    (rc->cspk = calloc(r->cap, sizeof(*rc->cspk))) == NULL)
		goto fail;
	rc->ch = ch;
	rc->r = r;
	rc->place = place;
	cascade_init(&rc->g);
	/* Numbered from the clock, so a restarted node's lists are newer. */
	rc->seq = (uint32_t)(time(NULL) * 1000);
	speaker_init(&rc->csel, rc->cspk, r->cap,
	    ch->node->conf->forward_speakers);
	for (q = 1; q <= CASCADE_MAX_PLACE; q++) {
		rc->peers[q].rc = rc;
		rc->peers[q].place = q;
	}
	if ((rc->ev = event_new(ch->node->base, -1, EV_PERSIST, cascade_tick,
	    rc)) == NULL || event_add(rc->ev, &tv) == -1)
		goto fail;
	r->cascade = rc;
	cascade_links_changed(rc);
	return 0;
fail:
	if (rc != NULL) {
		if (rc->ev != NULL)
			event_free(rc->ev);
		free(rc->cspk);
		free(rc);
	}
	return -1;
}

void
cascade_room_free(struct chorus *ch, struct room *r)
{
	struct room_cascade *rc = r->cascade;
	struct cpeer *p;
	uint8_t q;

	(void)ch;
	if (rc == NULL)
		return;
	event_free(rc->ev);
	for (q = 1; q <= CASCADE_MAX_PLACE; q++) {
		p = &rc->peers[q];
		if (p->conn != NULL)
			conn_free(p->conn);
		if (p->cs != NULL)
			p->cs->cpeer = NULL;
	}
	free(rc->cspk);
	crypto_wipe(rc, sizeof(*rc));
	free(rc);
	r->cascade = NULL;
}

json_t *
cascade_json(const struct room *r)
{
	const struct room_cascade *rc = r->cascade;
	const struct cpeer *p;
	json_t *o, *links;
	uint16_t reach;
	uint8_t q;

	if ((links = json_array()) == NULL)
		return NULL;
	reach = cascade_reachable(&rc->g, rc->place);
	for (q = 1; q <= CASCADE_MAX_PLACE; q++) {
		p = &rc->peers[q];
		if (q == rc->place || policy_cascade_key(&r->policy, q) == NULL)
			continue;
		json_array_append_new(links, json_pack(
		    "{s:i, s:s, s:b, s:b, s:I, s:I, s:I, s:I}",
		    "place", q,
		    "state", p->state == CP_UP ? "up" : p->state ==
		    CP_CONNECTING ? "connecting" : "down",
		    "initiator", q > rc->place,
		    "reachable", (reach & (1u << q)) != 0,
		    "ups", (json_int_t)p->ups, "downs", (json_int_t)p->downs,
		    "frames_sent", (json_int_t)p->tx,
		    "frames_received", (json_int_t)p->rx));
	}
	o = json_pack("{s:i, s:I, s:o, s:{s:I, s:I, s:I, s:I, s:I, s:I, "
	    "s:I, s:I}}",
	    "place", rc->place,
	    "remote_members", (json_int_t)r->nremote,
	    "links", links,
	    "frames",
	    "sent", (json_int_t)rc->sent,
	    "received", (json_int_t)rc->received,
	    "relayed", (json_int_t)rc->relayed,
	    "duplicates", (json_int_t)rc->duplicates,
	    "unknown_sender", (json_int_t)rc->unknown,
	    "looped", (json_int_t)rc->looped,
	    "not_candidate", (json_int_t)rc->not_candidate,
	    "records", (json_int_t)rc->records);
	return o;
}

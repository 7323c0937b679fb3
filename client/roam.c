/*
 * roam.c - a room member that moves with its room (see roam.h).
 *
 * Up to three sessions ("legs") at a time, each an rclient on one node
 * of the link: the active leg (in the room, or joining it), the standby
 * (STANDBY sent: the room is warm there) and, for ROAM_OVERLAP_MS after
 * a move the old node lives through, the old leg.  rclient calls us
 * from inside its own event handling, so a leg that ends is put aside
 * and freed from the roam's timer, never from its own callback.
 *
 * The caller's ranking only orders the first tries.  Where to go after
 * that follows the link's own order (the owner's, the same for every
 * member): the standby is the first node of the link, other than the
 * member's own, that has not failed lately.  So the members of a room
 * that lose their node meet again on one standby, and every member not
 * on the first live node watches an earlier one: a room found on two
 * nodes at once (members who ranked the nodes differently) gathers on
 * the one listed first.  Not in a cascaded room: there every node
 * carries the room, and a member stays on the node it chose (the
 * nearest) until that node fails.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "chorus/crypto.h"
#include "cli.h"
#include "roam.h"

#define ROAM_TICK_MS		20
#define ROAM_BAD_MS		2000	/* a node that failed rests this long */
#define ROAM_NO_ROOM_MS		30000	/* ... or this, without the room */
#define ROAM_DYING		8
#define ROAM_SBY_SILENT_MS	3000	/* a standby this quiet is dropped */

enum leg_state {
	LEG_STANDBY,		/* STANDBY sent; warm once STANDING came */
	LEG_JOINING,		/* JOIN sent */
	LEG_JOINED,
	LEG_OLD,		/* moved away from: leaves at until_usec */
};

struct leg {
	struct roam	*ro;
	struct rclient	*rc;
	size_t		 node;		/* index into the link */
	enum leg_state	 st;
	int		 warm;		/* standby: STANDING came */
	uint64_t	 until_usec;	/* old: leave then */
};

struct roam {
	struct event_base	*base;
	struct roam_opts	 o;
	struct roam_cb		 cb;
	void			*arg;
	struct leg		*act, *sby, *old;
	struct leg		*dying[ROAM_DYING];
	size_t			 ndying;
	uint64_t		 bad_until[ROOM_MAX_NODES];
	size_t			 tries;		/* joins tried before the first */
	int			 ever_joined, gave_up;
	unsigned		 first_code;	/* first refusal, for the caller */
	uint32_t		 seq, ts_base;	/* our media stream */
	unsigned		 moves, failovers;
	int			 failing;	/* the move under way is one */
	const char		*why;		/* of the move under way */
	uint64_t		 sby_retry_usec;
	struct event		*ev_tick;
};

static struct leg	*roam_leg_new(struct roam *, size_t node);
static void		 roam_kill(struct roam *, struct leg *);
static void		 roam_move(struct roam *, const char *why, int dead,
			    int failover);

/* The first node of the link, but own and skip, not failed lately. */
static int
roam_next_node(const struct roam *ro, size_t own, size_t skip, size_t *node)
{
	uint64_t now = conn_now_usec();
	size_t cand;

	for (cand = 0; cand < ro->o.norder; cand++) {
		if (cand == own || cand == skip || now < ro->bad_until[cand])
			continue;
		*node = cand;
		return 0;
	}
	return -1;
}

static void
roam_rest(struct roam *ro, size_t node, unsigned ms)
{
	ro->bad_until[node] = conn_now_usec() + ms * 1000ULL;
}

/* The caller's callbacks, once the roam gives up. */
static void
roam_give_up(struct roam *ro, struct leg *l, unsigned code, uint8_t about)
{
	if (ro->gave_up)
		return;
	ro->gave_up = 1;
	if (code != 0 && ro->cb.rc.error != NULL)
		ro->cb.rc.error(l->rc, code, about, ro->arg);
	else if (code == 0 && ro->cb.rc.failed != NULL)
		ro->cb.rc.failed(l->rc, ro->arg);
}

/*
 * Join node (a fresh session) as the active leg; -1, and no leg, when
 * its session cannot even start (connect() refused: no route to it, a
 * broadcast address).  The JOIN waits in the session until it is up.
 */
static int
roam_join_node(struct roam *ro, size_t node)
{
	struct leg *l;

	if ((l = roam_leg_new(ro, node)) == NULL)
		return -1;
	l->st = LEG_JOINING;
	ro->act = l;
	(void)rclient_join(l->rc);
	return 0;
}

/* A move the old node lives through came to nothing: stay there. */
static void
roam_stay(struct roam *ro)
{
	ro->act = ro->old;
	ro->act->st = LEG_JOINED;
	ro->old = NULL;
	ro->sby_retry_usec = conn_now_usec() + ROAM_RETRY_MS * 1000ULL;
}

/*
 * Before the first join: the ranked nodes from try ro->tries on, until
 * one's session starts; a node whose session cannot start is passed
 * over as one that refused.  -1 when none is left.
 */
static int
roam_join_from(struct roam *ro)
{
	size_t node;

	for (; ro->tries < ro->o.norder; ro->tries++) {
		node = ro->o.order[ro->tries];
		if (roam_join_node(ro, node) == 0)
			return 0;
		roam_rest(ro, node, ROAM_BAD_MS);
		if (ro->tries + 1 < ro->o.norder && ro->cb.passed != NULL)
			ro->cb.passed(ro, node, "cannot start a session",
			    ro->arg);
	}
	return -1;
}

/*
 * The active leg could not get in (before it ever joined, or on a
 * move): the next node, or give up with what the first node said.
 */
static void
roam_join_failed(struct roam *ro, struct leg *l, unsigned code,
    uint8_t about)
{
	size_t node = SIZE_MAX;

	roam_rest(ro, l->node, code == CTRL_E_UNKNOWN_ROOM ?
	    ROAM_NO_ROOM_MS : ROAM_BAD_MS);
	if (ro->old != NULL && ro->act == l) {
		roam_kill(ro, l);
		roam_stay(ro);
		return;
	}
	if (ro->first_code == 0 && !ro->ever_joined)
		ro->first_code = code;
	if (++ro->tries < ro->o.norder && (!ro->ever_joined ||
	    roam_next_node(ro, l->node, l->node, &node) == 0)) {
		if (ro->cb.passed != NULL)
			ro->cb.passed(ro, l->node, code != 0 ?
			    ctrl_code_text(code) :
			    conn_strerror(rclient_conn(l->rc)), ro->arg);
		if ((!ro->ever_joined && roam_join_from(ro) == 0) ||
		    (ro->ever_joined && roam_join_node(ro, node) == 0)) {
			roam_kill(ro, l);
			return;
		}
	}
	if (!ro->ever_joined && ro->first_code != 0)
		code = ro->first_code;
	roam_give_up(ro, l, code, about);
}

/* Keep the room warm on the next node, if there is one. */
static void
roam_standby_start(struct roam *ro)
{
	size_t node;

	if (ro->sby != NULL || ro->act == NULL || ro->o.norder < 2)
		return;
	if (roam_next_node(ro, ro->act->node,
	    ro->old != NULL ? ro->old->node : ro->act->node, &node) == -1) {
		ro->sby_retry_usec = conn_now_usec() + ROAM_RETRY_MS * 1000ULL;
		return;
	}
	if ((ro->sby = roam_leg_new(ro, node)) == NULL) {
		roam_rest(ro, node, ROAM_BAD_MS);
		ro->sby_retry_usec = conn_now_usec() + ROAM_RETRY_MS * 1000ULL;
		return;
	}
	ro->sby->st = LEG_STANDBY;
	(void)rclient_standby(ro->sby->rc);
}

static void
roam_standby_lost(struct roam *ro, unsigned rest_ms)
{
	if (ro->sby == NULL)
		return;
	roam_rest(ro, ro->sby->node, rest_ms);
	roam_kill(ro, ro->sby);
	ro->sby = NULL;
	ro->sby_retry_usec = conn_now_usec() + ROAM_RETRY_MS * 1000ULL;
}

static void
roam_joined_cb(struct rclient *rc, void *arg)
{
	struct leg *l = arg;
	struct roam *ro = l->ro;

	(void)rc;
	if (l != ro->act)
		return;
	l->st = LEG_JOINED;
	ro->tries = 0;
	if (ro->o.norder > 1)
		conn_set_ping_ms(rclient_conn(l->rc), ROAM_PING_MS);
	if (ro->old != NULL)
		ro->old->until_usec = conn_now_usec() + ROAM_OVERLAP_MS * 1000ULL;
	if (!ro->ever_joined) {
		ro->ever_joined = 1;
		if (ro->cb.rc.joined != NULL)
			ro->cb.rc.joined(l->rc, ro->arg);
	} else {
		ro->moves++;
		ro->failovers += ro->failing;
		if (ro->cb.moved != NULL)
			ro->cb.moved(ro, l->node, ro->why, ro->arg);
	}
	roam_standby_start(ro);
}

static void
roam_error_cb(struct rclient *rc, unsigned code, uint8_t about, void *arg)
{
	struct leg *l = arg;
	struct roam *ro = l->ro;

	(void)rc;
	if (l == ro->sby) {
		roam_standby_lost(ro, code == CTRL_E_UNKNOWN_ROOM ?
		    ROAM_NO_ROOM_MS : ROAM_BAD_MS);
		return;
	}
	if (l != ro->act)
		return;		/* the old node: we are leaving it anyway */
	if (l->st == LEG_JOINING && (code == CTRL_E_UNKNOWN_ROOM ||
	    code == CTRL_E_DRAINING || code == CTRL_E_NODE_FULL ||
	    ro->old != NULL)) {
		roam_join_failed(ro, l, code, about);
		return;
	}
	roam_give_up(ro, l, code, about);
}

static void
roam_failed_cb(struct rclient *rc, void *arg)
{
	struct leg *l = arg;
	struct roam *ro = l->ro;

	(void)rc;
	if (l == ro->sby)
		roam_standby_lost(ro, ROAM_BAD_MS);
	else if (l == ro->old) {
		roam_kill(ro, l);
		ro->old = NULL;
	} else if (l == ro->act && l->st == LEG_JOINED)
		roam_move(ro, "the node stopped answering", 1, 1);
	else if (l == ro->act)
		roam_join_failed(ro, l, 0, 0);
}

/* 1 while the member is in the room on its active leg. */
static int
roam_in_room(const struct roam *ro)
{
	return ro->act != NULL && ro->act->st == LEG_JOINED;
}

/*
 * 1 if the room is alive on standby l, listed before our own node, and
 * its members should gather there (never in a cascaded room).
 */
static int
roam_gathers(const struct roam *ro, const struct leg *l)
{
	return l == ro->sby && roam_in_room(ro) && l->node < ro->act->node &&
	    !rclient_is_cascaded(ro->act->rc);
}

static void
roam_standing_cb(struct rclient *rc, unsigned members, void *arg)
{
	struct leg *l = arg;
	struct roam *ro = l->ro;

	(void)rc;
	if (l != ro->sby)
		return;
	l->warm = 1;
	/*
	 * Members there too: the room is split between two nodes.  Every
	 * member goes to the one listed first in the link, so they agree.
	 */
	if (members > 0 && roam_gathers(ro, l))
		roam_move(ro, "the room is there too", 0, 0);
}

static void
roam_move_cb(struct rclient *rc, uint8_t reason, void *arg)
{
	struct leg *l = arg;
	struct roam *ro = l->ro;

	(void)rc;
	if (l == ro->act && l->st == LEG_JOINED &&
	    reason == CTRL_MOVE_DRAINING) {
		roam_rest(ro, l->node, ROAM_NO_ROOM_MS);
		roam_move(ro, "the node is draining", 0, 1);
	} else if (reason == CTRL_MOVE_ACTIVE && roam_gathers(ro, l))
		roam_move(ro, "the room moved there", 0, 0);
	else if (l == ro->sby && reason == CTRL_MOVE_DRAINING)
		roam_standby_lost(ro, ROAM_NO_ROOM_MS);
}

/* Media and roster from any leg in a room go to the caller as they are. */
static void
roam_media_cb(struct rclient *rc, struct rpeer *p,
    const struct media_header *h, const uint8_t *opus, size_t len,
    void *arg)
{
	struct leg *l = arg;

	if (l->ro->cb.rc.media != NULL)
		l->ro->cb.rc.media(rc, p, h, opus, len, l->ro->arg);
}

static void
roam_roster_cb(struct rclient *rc, struct rpeer *p, int joined, void *arg)
{
	struct leg *l = arg;

	if (l->ro->cb.rc.roster != NULL)
		l->ro->cb.rc.roster(rc, p, joined, l->ro->arg);
}

static void
roam_recorded_cb(struct rclient *rc, const struct record *r, void *arg)
{
	struct leg *l = arg;

	if (l == l->ro->act && l->ro->cb.rc.recorded != NULL)
		l->ro->cb.rc.recorded(rc, r, l->ro->arg);
}

/*
 * Move the room to the standby (or, without one, the next node).  A
 * dead node's leg goes at once; a live one's stays for the overlap.
 */
static void
roam_move(struct roam *ro, const char *why, int dead, int failover)
{
	struct leg *from = ro->act, *to = ro->sby;
	size_t node = SIZE_MAX;

	if (from == NULL || ro->gave_up || ro->old != NULL)
		return;		/* a move is under way already */
	if (to == NULL && roam_next_node(ro, from->node, from->node,
	    &node) == -1) {
		/* Nowhere to go: a live node keeps us, a dead one ends it. */
		if (dead)
			roam_give_up(ro, from, 0, 0);
		return;
	}
	ro->why = why;
	ro->failing = failover;
	ro->sby = NULL;
	if (dead) {
		roam_rest(ro, from->node, ROAM_BAD_MS);
		roam_kill(ro, from);
	} else {
		from->st = LEG_OLD;
		from->until_usec = UINT64_MAX;	/* set once we are in */
		ro->old = from;
	}
	ro->act = NULL;
	ro->tries = 0;
	if (to != NULL) {
		to->st = LEG_JOINING;
		ro->act = to;
		(void)rclient_join(to->rc);
		return;
	}
	if (roam_join_node(ro, node) == 0)
		return;
	/* The new session cannot even start: back, or the end. */
	roam_rest(ro, node, ROAM_BAD_MS);
	if (ro->old != NULL)
		roam_stay(ro);
	else
		roam_give_up(ro, from, 0, 0);
}

static void
roam_tick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct roam *ro = arg;
	uint64_t now = conn_now_usec();
	size_t i;

	(void)fd;
	(void)what;
	for (i = 0; i < ro->ndying; i++)
		rclient_free(ro->dying[i]->rc), free(ro->dying[i]);
	ro->ndying = 0;
	if (ro->gave_up)
		return;
	if (ro->old != NULL && now >= ro->old->until_usec) {
		rclient_leave(ro->old->rc);
		roam_kill(ro, ro->old);
		ro->old = NULL;
	}
	/* Heartbeats and media stopped: the node is gone. */
	if (roam_in_room(ro) && ro->o.norder > 1 &&
	    conn_rx_age_usec(rclient_conn(ro->act->rc)) >=
	    ROAM_SILENT_MS * 1000ULL)
		roam_move(ro, "the node went silent", 1, 1);
	/* A standby gone quiet would fail us when we need it. */
	if (ro->sby != NULL && ro->sby->warm && conn_rx_age_usec(
	    rclient_conn(ro->sby->rc)) >= ROAM_SBY_SILENT_MS * 1000ULL)
		roam_standby_lost(ro, ROAM_BAD_MS);
	if (ro->sby == NULL && roam_in_room(ro) && now >= ro->sby_retry_usec)
		roam_standby_start(ro);
}

static struct leg *
roam_leg_new(struct roam *ro, size_t node)
{
	static const struct rclient_cb cb = {
		.joined = roam_joined_cb, .error = roam_error_cb,
		.failed = roam_failed_cb, .media = roam_media_cb,
		.roster = roam_roster_cb, .recorded = roam_recorded_cb,
		.standing = roam_standing_cb, .move = roam_move_cb,
	};
	struct rclient_opts o = ro->o.rc;
	struct leg *l;
	char err[256];

	if ((l = calloc(1, sizeof(*l))) == NULL)
		return NULL;
	l->ro = ro;
	l->node = node;
	cli_link_conn(o.link, node, &o.conn);
	if (ro->o.rc.conn.tls)
		o.conn.port = ro->o.rc.conn.port;
	if ((l->rc = rclient_new(ro->base, &o, &cb, l, err, sizeof(err))) ==
	    NULL) {
		fprintf(stderr, "chorus: %s\n", err);
		free(l);
		return NULL;
	}
	return l;
}

/* Put a leg aside, to be freed from the timer. */
static void
roam_kill(struct roam *ro, struct leg *l)
{
	if (ro->ndying == ROAM_DYING) {
		rclient_free(ro->dying[0]->rc);
		free(ro->dying[0]);
		memmove(ro->dying, ro->dying + 1,
		    (ROAM_DYING - 1) * sizeof(ro->dying[0]));
		ro->ndying--;
	}
	ro->dying[ro->ndying++] = l;
}

/* 1 if the leg is already put aside (freed with the dying). */
static int
roam_is_dying(const struct roam *ro, const struct leg *l)
{
	size_t i;

	for (i = 0; i < ro->ndying; i++)
		if (ro->dying[i] == l)
			return 1;
	return 0;
}

struct roam *
roam_new(struct event_base *base, const struct roam_opts *o,
    const struct roam_cb *cb, void *arg, char *err, size_t errlen)
{
	struct timeval tv = { 0, ROAM_TICK_MS * 1000 };
	struct roam *ro;

	if (o->norder == 0 || o->norder > ROOM_MAX_NODES ||
	    o->rc.link == NULL) {
		snprintf(err, errlen, "no node to join");
		return NULL;
	}
	if ((ro = calloc(1, sizeof(*ro))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	ro->base = base;
	ro->o = *o;
	ro->cb = *cb;
	ro->arg = arg;
	if ((ro->ev_tick = event_new(base, -1, EV_PERSIST, roam_tick_cb,
	    ro)) == NULL || event_add(ro->ev_tick, &tv) == -1) {
		snprintf(err, errlen, "cannot start the timer");
		roam_free(ro);
		return NULL;
	}
	return ro;
}

void
roam_free(struct roam *ro)
{
	struct leg *l[3];
	size_t i;

	if (ro == NULL)
		return;
	l[0] = ro->act;
	l[1] = ro->sby != ro->act ? ro->sby : NULL;
	l[2] = ro->old != ro->act ? ro->old : NULL;
	for (i = 0; i < 3; i++)
		if (l[i] != NULL && !roam_is_dying(ro, l[i])) {
			rclient_free(l[i]->rc);
			free(l[i]);
		}
	for (i = 0; i < ro->ndying; i++) {
		rclient_free(ro->dying[i]->rc);
		free(ro->dying[i]);
	}
	if (ro->ev_tick != NULL)
		event_free(ro->ev_tick);
	crypto_wipe(ro, sizeof(*ro));
	free(ro);
}

int
roam_start(struct roam *ro)
{
	int r = roam_join_from(ro);

	/* The stream starts where the first session's random start is. */
	if (ro->act != NULL)
		rclient_stream(ro->act->rc, &ro->seq, &ro->ts_base);
	return r;
}

struct rclient *
roam_active(struct roam *ro)
{
	return ro->act != NULL ? ro->act->rc : NULL;
}

size_t
roam_node(const struct roam *ro)
{
	return ro->act != NULL ? ro->act->node : ro->o.order[0];
}

unsigned
roam_moves(const struct roam *ro)
{
	return ro->moves;
}

unsigned
roam_failovers(const struct roam *ro)
{
	return ro->failovers;
}

int
roam_standby_ready(const struct roam *ro)
{
	return ro->sby != NULL && ro->sby->warm;
}

int
roam_send_media(struct roam *ro, const uint8_t *opus, size_t len, int vad,
    uint8_t level, uint32_t timestamp)
{
	struct leg *l[2] = { ro->act, ro->old };
	size_t i;
	int sent = 0;

	for (i = 0; i < 2; i++) {
		if (l[i] == NULL || !rclient_joined(l[i]->rc))
			continue;
		rclient_set_stream(l[i]->rc, ro->seq, ro->ts_base);
		if (rclient_send_media(l[i]->rc, opus, len, vad, level,
		    timestamp) == 0)
			sent = 1;
	}
	ro->seq++;
	return sent ? 0 : -1;
}

void
roam_skip(struct roam *ro)
{
	ro->seq++;
}

void
roam_leave(struct roam *ro)
{
	if (ro->act != NULL && rclient_joined(ro->act->rc))
		rclient_leave(ro->act->rc);
	if (ro->old != NULL && rclient_joined(ro->old->rc))
		rclient_leave(ro->old->rc);
}

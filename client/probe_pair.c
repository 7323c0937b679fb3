/*
 * probe_pair.c - one proof-of-bandwidth measurement of a node (see
 * probe_pair.h): shared by `chorus probe` and the node's prober.
 *
 * A makes a room with a fresh room key and joins it; B joins it too.
 * Once both are members (and PROBE_PAIR_SETTLE_USEC later, so the
 * rosters have settled), A sends challenge packets at the session's
 * rate as the Opus payload of ordinary media frames, so the node cannot
 * tell them from voice, let alone predict or forge them; B checks each
 * frame that authenticated end to end.  Only what the node really
 * forwarded, on time and unaltered, passes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>
#include <openssl/rand.h>

#include "chorus/crypto.h"
#include "chorus/room.h"
#include "probe_pair.h"
#include "rclient.h"

#define PROBE_PAIR_TICK_USEC	2000
#define PROBE_PAIR_SETTLE_USEC	200000	/* both memberships settle */
#define PROBE_PAIR_GRACE_USEC	100000	/* after the last deadline */

struct probe_pair {
	struct event_base	*base;
	struct probe_pair_opts	 o;
	probe_pair_done_fn	 done_fn;
	void			*arg;
	struct room_link	 link;		/* room ID and secret only */
	uint8_t			 seed[CRYPTO_ED25519_SEED_LEN];
	struct room_keys	 keys;
	struct probe_session	 sess;
	struct probe_tally	*tally;
	struct rclient		*a, *b;
	int			 a_joined, b_joined, done, reported;
	uint32_t		 next;		/* next sequence to send */
	uint64_t		 started, t0, last_send;	/* usec */
	struct probe_pair_status st;
	struct event		*ev;
};

/* The measurement is over (the first reason wins); done() on a tick. */
static void
probe_pair_end(struct probe_pair *p, enum probe_pair_end end,
    const char *why)
{
	if (p->done)
		return;
	p->st.end = end;
	if (why != NULL)
		snprintf(p->st.why, sizeof(p->st.why), "%s", why);
	p->done = 1;
	event_active(p->ev, EV_TIMEOUT, 0);
}

static void
probe_pair_error_cb(struct rclient *rc, unsigned code, uint8_t about,
    void *arg)
{
	struct probe_pair *p = arg;

	(void)rc;
	(void)about;
	p->st.ctrl_code = code;
	probe_pair_end(p, PROBE_PAIR_REFUSED, ctrl_code_text(code));
}

static void
probe_pair_failed_cb(struct rclient *rc, void *arg)
{
	struct probe_pair *p = arg;
	struct conn *c = rclient_conn(rc);

	p->st.conn_error = conn_failure(c);
	probe_pair_end(p, PROBE_PAIR_UNREACHABLE, conn_strerror(c));
}

static struct rclient	*probe_pair_client(struct probe_pair *, char *,
			    size_t);

static void
probe_pair_created_cb(struct rclient *rc, void *arg)
{
	struct probe_pair *p = arg;
	char err[256];

	p->st.reached = 1;
	(void)rclient_join(rc);
	if ((p->b = probe_pair_client(p, err, sizeof(err))) == NULL ||
	    rclient_join(p->b) == -1)
		probe_pair_end(p, PROBE_PAIR_UNREACHABLE, err);
}

static void
probe_pair_joined_cb(struct rclient *rc, void *arg)
{
	struct probe_pair *p = arg;

	p->st.reached = 1;
	if (rc == p->a)
		p->a_joined = 1;
	else
		p->b_joined = 1;
}

/* B: a media frame from A: is it a challenge we made, on time? */
static void
probe_pair_media_cb(struct rclient *rc, struct rpeer *peer,
    const struct media_header *h, const uint8_t *pkt, size_t len, void *arg)
{
	struct probe_pair *p = arg;

	(void)peer;
	(void)h;
	if (rc == p->b)
		(void)probe_check(&p->sess, p->tally, pkt, len,
		    conn_now_usec());
}

static const struct rclient_cb probe_pair_cb = {
	.created = probe_pair_created_cb, .joined = probe_pair_joined_cb,
	.media = probe_pair_media_cb, .error = probe_pair_error_cb,
	.failed = probe_pair_failed_cb,
};

static struct rclient *
probe_pair_client(struct probe_pair *p, char *err, size_t errlen)
{
	struct rclient_opts ro;

	memset(&ro, 0, sizeof(ro));
	ro.conn = p->o.conn;
	ro.me = p->o.me;
	ro.link = &p->link;
	ro.decrypt = 1;
	return rclient_new(p->base, &ro, &probe_pair_cb, p, err, errlen);
}

/* Send the challenges that are due. */
static void
probe_pair_send(struct probe_pair *p, uint64_t now)
{
	uint8_t pkt[PROBE_MAX_SIZE];
	size_t len;

	if (p->t0 == 0) {
		p->t0 = now + PROBE_PAIR_SETTLE_USEC;
		p->st.wall_start = (uint64_t)time(NULL);
	}
	while (p->next < p->o.params.count && now >= p->t0 &&
	    now - p->t0 >= probe_offset_usec(&p->sess, p->next)) {
		if (probe_make(&p->sess, p->tally, p->next, now, pkt,
		    sizeof(pkt), &len) == 0)
			(void)rclient_send_media(p->a, pkt, len, 1, 20,
			    p->next * 960);
		p->next++;
		p->last_send = now;
	}
	if (p->next == p->o.params.count && now - p->last_send >
	    (uint64_t)p->o.params.deadline_ms * 1000 + PROBE_PAIR_GRACE_USEC)
		probe_pair_end(p, PROBE_PAIR_MEASURED, NULL);
}

/* What the two sessions cost, both ways. */
static uint64_t
probe_pair_cost(const struct probe_pair *p)
{
	const struct conn_stats *cs;
	uint64_t bytes = 0;

	if (p->a != NULL && (cs = conn_stats(rclient_conn(p->a))) != NULL)
		bytes += cs->tx_bytes + cs->rx_bytes;
	if (p->b != NULL && (cs = conn_stats(rclient_conn(p->b))) != NULL)
		bytes += cs->tx_bytes + cs->rx_bytes;
	return bytes;
}

static void
probe_pair_tick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct probe_pair *p = arg;
	uint64_t now = conn_now_usec();

	(void)fd;
	(void)what;
	if (!p->done && now - p->started > (uint64_t)p->o.max_ms * 1000) {
		/* Out of time: what was sent counts, passed or not. */
		probe_pair_end(p, p->a_joined && p->b_joined ?
		    PROBE_PAIR_MEASURED : PROBE_PAIR_UNREACHABLE,
		    "no answer in time");
	}
	if (!p->done && p->a_joined && p->b_joined)
		probe_pair_send(p, now);
	if (p->done && !p->reported) {
		p->reported = 1;
		event_del(p->ev);
		p->st.bytes = probe_pair_cost(p);
		p->done_fn(p, p->arg);	/* may free p */
	}
}

/* Fresh room key, link secret and probe session; 0 or -1 with err. */
static int
probe_pair_prepare(struct probe_pair *p, char *err, size_t errlen)
{
	uint8_t pub[ROOM_PUB_LEN], secret[PROBE_SECRET_LEN];
	uint8_t sid[PROBE_SID_LEN];
	enum probe_error e = PROBE_OK;
	int rc = -1;

	if (RAND_priv_bytes(p->seed, sizeof(p->seed)) == 1 &&
	    RAND_priv_bytes(p->link.secret, sizeof(p->link.secret)) == 1 &&
	    RAND_priv_bytes(secret, sizeof(secret)) == 1 &&
	    RAND_bytes(sid, sizeof(sid)) == 1 &&
	    crypto_ed25519_public(p->seed, pub) == 0 &&
	    room_id_from_key(pub, p->link.room_id) == 0 &&
	    room_keys_derive(p->link.secret, NULL, p->link.room_id,
	    &p->keys) == 0 &&
	    (e = probe_session_init(&p->sess, secret, sid, &p->o.params)) ==
	    PROBE_OK && (p->tally = probe_tally_new(&p->sess)) != NULL)
		rc = 0;
	else
		snprintf(err, errlen, "%s", e != PROBE_OK ? probe_strerror(e) :
		    "cannot make the probe's keys");
	crypto_wipe(secret, sizeof(secret));
	return rc;
}

struct probe_pair *
probe_pair_new(struct event_base *base, const struct probe_pair_opts *o,
    probe_pair_done_fn fn, void *arg, char *err, size_t errlen)
{
	struct timeval tv = { 0, PROBE_PAIR_TICK_USEC };
	struct probe_pair *p;

	if ((p = calloc(1, sizeof(*p))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	p->base = base;
	p->o = *o;
	p->done_fn = fn;
	p->arg = arg;
	p->started = conn_now_usec();
	if (probe_pair_prepare(p, err, errlen) == -1)
		goto fail;
	if ((p->ev = event_new(base, -1, EV_PERSIST, probe_pair_tick_cb,
	    p)) == NULL || event_add(p->ev, &tv) == -1) {
		snprintf(err, errlen, "event_new failed");
		goto fail;
	}
	if ((p->a = probe_pair_client(p, err, errlen)) == NULL)
		goto fail;
	if (rclient_create(p->a, p->seed, p->keys.join_key, NULL, 0) == -1) {
		snprintf(err, errlen, "cannot create the room");
		goto fail;
	}
	return p;
fail:
	probe_pair_free(p);
	return NULL;
}

void
probe_pair_free(struct probe_pair *p)
{
	if (p == NULL)
		return;
	rclient_free(p->a);
	rclient_free(p->b);
	if (p->ev != NULL)
		event_free(p->ev);
	probe_tally_free(p->tally);
	probe_session_wipe(&p->sess);
	room_keys_wipe(&p->keys);
	room_link_wipe(&p->link);
	crypto_wipe(p->seed, sizeof(p->seed));
	crypto_wipe(p->o.conn.psk, sizeof(p->o.conn.psk));
	free(p);
}

const struct probe_pair_status *
probe_pair_status(struct probe_pair *p)
{
	return &p->st;
}

int
probe_pair_result(struct probe_pair *p, struct probe_result *r)
{
	return probe_result(&p->sess, p->tally, r);
}

int
probe_pair_report(const struct probe_pair_status *st,
    const struct probe_result *r,
    const uint8_t network_id[NETREC_NETWORK_ID_LEN],
    const uint8_t subject[CRYPTO_ED25519_PUB_LEN],
    const uint8_t seed[CRYPTO_ED25519_SEED_LEN], uint64_t now,
    uint64_t lifetime, uint8_t out[NETREC_MAX_LEN], size_t *len)
{
	struct netrec rec;

	memset(&rec, 0, sizeof(rec));
	rec.kind = NETREC_REPORT;
	memcpy(rec.network_id, network_id, sizeof(rec.network_id));
	memcpy(rec.u.report.subject, subject, CRYPTO_ED25519_PUB_LEN);
	rec.issued = now;
	rec.expires = now + lifetime;
	/* The window ends when the report is made, and is never empty. */
	rec.u.report.window_start = st->wall_start != 0 &&
	    st->wall_start < now ? st->wall_start : now - 1;
	rec.u.report.window_end = now;
	rec.u.report.sent = r->sent;
	rec.u.report.passed = r->passed;
	rec.u.report.verified_bytes = r->bytes;
	rec.u.report.throughput_kbps = r->throughput_kbps;
	rec.u.report.rtt_median_us = r->rtt_median_us;
	rec.u.report.rtt_spread_us = r->rtt_spread_us;
	rec.u.report.loss_ppm = r->loss_ppm;
	return netrec_encode(&rec, seed, out, len);
}

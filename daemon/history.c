/*
 * history.c - lifetime totals and the traffic history, in SQLite.
 *
 * Totals: the growth of a few counters since the last flush is added to
 * the totals table at every sample and when the node stops; what earlier
 * runs stored is read once at start, so a lifetime figure is that base
 * plus this run's counter, live, without a query per request.
 *
 * History: right after every boundary of HISTORY_STEP seconds of wall
 * time, one row per series: the bytes moved in the step that ended, or a
 * gauge's value.  The row's ts is the boundary.  Rows older than a day
 * and an hour are pruned as they are written.  The API folds them into
 * 60 steps for the last hour and 288 of five samples for the last day.
 *
 * Only aggregates: no series names a client, a room or an address.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "api.h"
#include "chorus.h"
#include "history.h"
#include "log.h"
#include "metrics.h"
#include "node.h"
#include "store.h"

#define HISTORY_META_SINCE	"first-start"	/* meta key: unix time */

/* The counters kept as lifetime totals, in the totals table. */
enum hsrc {
	HS_UDP_RX_BYTES,
	HS_UDP_TX_BYTES,
	HS_TCP_CONNECTIONS,
	HS_TCP_RX_BYTES,
	HS_TCP_TX_BYTES,
	HS_TURN_ALLOCATIONS,
	HS_TURN_TO_PEER_BYTES,
	HS_TURN_TO_CLIENT_BYTES,
	HS_TURN_TO_PEER_DATAGRAMS,
	HS_TURN_TO_CLIENT_DATAGRAMS,
	HS_CHORUS_SESSIONS,
	HS_MEDIA_BYTES,
	HS_NSRC
};

/* Each total's name in SQLite and the metric it grows with (M_COUNT:
 * a Chorus figure, from chorus_counts()). */
static const struct {
	const char	*name;
	enum metric	 metric;
} history_src[HS_NSRC] = {
	[HS_UDP_RX_BYTES] = { "udp_rx_bytes", M_UDP_RX_BYTES },
	[HS_UDP_TX_BYTES] = { "udp_tx_bytes", M_UDP_TX_BYTES },
	[HS_TCP_CONNECTIONS] = { "tcp_connections", M_TCP_ACCEPTED },
	[HS_TCP_RX_BYTES] = { "tcp_rx_bytes", M_TCP_RX_BYTES },
	[HS_TCP_TX_BYTES] = { "tcp_tx_bytes", M_TCP_TX_BYTES },
	[HS_TURN_ALLOCATIONS] = { "turn_allocations",
	    M_TURN_ALLOCATIONS_TOTAL },
	[HS_TURN_TO_PEER_BYTES] = { "turn_to_peer_bytes",
	    M_TURN_TO_PEER_BYTES },
	[HS_TURN_TO_CLIENT_BYTES] = { "turn_to_client_bytes",
	    M_TURN_TO_CLIENT_BYTES },
	[HS_TURN_TO_PEER_DATAGRAMS] = { "turn_to_peer_datagrams",
	    M_TURN_TO_PEER_PACKETS },
	[HS_TURN_TO_CLIENT_DATAGRAMS] = { "turn_to_client_datagrams",
	    M_TURN_TO_CLIENT_PACKETS },
	[HS_CHORUS_SESSIONS] = { "chorus_sessions", M_COUNT },
	[HS_MEDIA_BYTES] = { "media_bytes_forwarded", M_COUNT },
};

/* The history series: bytes in a step (summed when folded) or gauges
 * (the highest sample when folded). */
enum hser {
	HR_RELAYED,
	HR_FORWARDED,
	HR_RX,
	HR_TX,
	HR_SESSIONS,
	HR_ALLOCATIONS,
	HR_ROOMS,
	HR_MEMBERS,
	HR_NSER
};
#define HR_NBYTES	4	/* the first four are byte counts */

static const char *const history_ser[HR_NSER] = {
	[HR_RELAYED] = "relayed_bytes",
	[HR_FORWARDED] = "forwarded_bytes",
	[HR_RX] = "rx_bytes",
	[HR_TX] = "tx_bytes",
	[HR_SESSIONS] = "sessions",
	[HR_ALLOCATIONS] = "allocations",
	[HR_ROOMS] = "rooms",
	[HR_MEMBERS] = "members",
};

struct history {
	struct node	*node;
	struct event	*ev;
	int64_t		 step;		/* seconds per sample */
	int64_t		 since;		/* the node's first start */
	uint64_t	 base[HS_NSRC];	/* stored by earlier runs */
	uint64_t	 flushed[HS_NSRC];	/* this run, at the last flush */
	uint64_t	 sampled[HR_NBYTES];	/* byte series, last sample */
	/*
	 * The last answer for each range, and the sample period it was made
	 * in: the rows and the steps change only when a sample is written or
	 * now enters the next period, so it is exact until then (a dashboard
	 * asks far more often than that, and the day's 12,000 rows take
	 * milliseconds of the loop to fold).
	 */
	json_t		*cache[2];
	int64_t		 cache_at[2];
};

static void	history_tick_cb(evutil_socket_t, short, void *);

/* This run's value of every total's counter; c from chorus_counts(). */
static void
history_read(const struct history *h, const struct chorus_counts *c,
    uint64_t v[HS_NSRC])
{
	size_t i;

	for (i = 0; i < HS_NSRC; i++)
		if (history_src[i].metric != M_COUNT)
			v[i] = h->node->metrics.v[history_src[i].metric];
	v[HS_CHORUS_SESSIONS] = c->sessions_made;
	v[HS_MEDIA_BYTES] = c->bytes_forwarded;
}

/* The cumulative value behind each byte series, this run. */
static void
history_bytes(const uint64_t v[HS_NSRC], uint64_t b[HR_NBYTES])
{
	b[HR_RELAYED] = v[HS_TURN_TO_PEER_BYTES] + v[HS_TURN_TO_CLIENT_BYTES];
	b[HR_FORWARDED] = v[HS_MEDIA_BYTES];
	b[HR_RX] = v[HS_UDP_RX_BYTES] + v[HS_TCP_RX_BYTES];
	b[HR_TX] = v[HS_UDP_TX_BYTES] + v[HS_TCP_TX_BYTES];
}

/*
 * The sample interval: HISTORY_STEP, or in the test build the seconds
 * CHORUS_TEST_HISTORY_SEC names, so a test sees the graphs move.
 */
static int64_t
history_step(void)
{
#ifdef CHORUS_TEST_HOOKS
	const char *s = getenv("CHORUS_TEST_HISTORY_SEC");
	long v;

	if (s != NULL && (v = strtol(s, NULL, 10)) > 0 && v <= HISTORY_STEP)
		return v;
#endif
	return HISTORY_STEP;
}

/* Arm the timer for just after the next boundary of the step. */
static void
history_arm(struct history *h)
{
	int64_t now = (int64_t)time(NULL);
	struct timeval tv;

	tv.tv_sec = (time_t)(h->step - now % h->step);
	tv.tv_usec = 50000;	/* land after the boundary, not on it */
	evtimer_add(h->ev, &tv);
}

/* The first start, recorded now if this is it; -1 on error. */
static int
history_since(struct history *h)
{
	char buf[32];
	long long v;
	int rc;

	if ((rc = store_meta_get(h->node->store, HISTORY_META_SINCE, buf,
	    sizeof(buf))) == -1)
		return -1;
	if (rc == 0 && sscanf(buf, "%lld", &v) == 1 && v > 0) {
		h->since = (int64_t)v;
		return 0;
	}
	h->since = h->node->start_wall;
	snprintf(buf, sizeof(buf), "%lld", (long long)h->since);
	return store_meta_set(h->node->store, HISTORY_META_SINCE, buf);
}

struct history *
history_new(struct node *node, char *err, size_t errlen)
{
	struct history *h;
	size_t i;

	if ((h = calloc(1, sizeof(*h))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	h->node = node;
	h->step = history_step();
	for (i = 0; i < HS_NSRC; i++)
		if (store_total_get(node->store, history_src[i].name,
		    &h->base[i]) == -1) {
			snprintf(err, errlen, "cannot read the lifetime totals");
			goto fail;
		}
	if (history_since(h) == -1) {
		snprintf(err, errlen, "cannot read or record the first start");
		goto fail;
	}
	if ((h->ev = evtimer_new(node->base, history_tick_cb, h)) == NULL) {
		snprintf(err, errlen, "cannot make the history timer");
		goto fail;
	}
	history_arm(h);
	return h;
fail:
	free(h);
	return NULL;
}

void
history_free(struct history *h)
{
	if (h == NULL)
		return;
	history_flush(h);
	if (h->ev != NULL)
		event_free(h->ev);
	json_decref(h->cache[0]);
	json_decref(h->cache[1]);
	free(h);
}

void
history_flush(struct history *h)
{
	const char *names[HS_NSRC];
	uint64_t v[HS_NSRC], d[HS_NSRC];
	struct chorus_counts c;
	size_t i;

	chorus_counts(h->node->chorus, &c);
	history_read(h, &c, v);
	for (i = 0; i < HS_NSRC; i++) {
		names[i] = history_src[i].name;
		d[i] = v[i] >= h->flushed[i] ? v[i] - h->flushed[i] : 0;
	}
	if (store_totals_add(h->node->store, names, d, HS_NSRC) == -1)
		return;		/* kept in memory: retried at the next flush */
	for (i = 0; i < HS_NSRC; i++)
		if (v[i] >= h->flushed[i])
			h->flushed[i] = v[i];
}

/* Write one sample of every series at ts. */
static void
history_sample(struct history *h, int64_t ts)
{
	const struct node *node = h->node;
	uint64_t v[HS_NSRC], b[HR_NBYTES], row[HR_NSER];
	struct chorus_counts c;
	size_t i;

	chorus_counts(node->chorus, &c);
	history_read(h, &c, v);
	history_bytes(v, b);
	for (i = 0; i < HR_NBYTES; i++) {
		row[i] = b[i] >= h->sampled[i] ? b[i] - h->sampled[i] : 0;
		h->sampled[i] = b[i];
	}
	row[HR_SESSIONS] = c.sessions;
	row[HR_ALLOCATIONS] = node->metrics.v[M_TURN_ALLOCATIONS_UDP] +
	    node->metrics.v[M_TURN_ALLOCATIONS_TCP] +
	    node->metrics.v[M_TURN_ALLOCATIONS_TLS];
	row[HR_ROOMS] = c.rooms;
	row[HR_MEMBERS] = c.members;
	for (i = 0; i < 2; i++) {
		json_decref(h->cache[i]);
		h->cache[i] = NULL;
	}
	if (store_history_put(node->store, ts, history_ser, row,
	    HR_NSER) == -1)
		return;
	(void)store_history_prune(node->store, ts - HISTORY_KEEP * h->step,
	    NULL);
}

/* Every step: a history sample, and the totals. */
static void
history_tick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct history *h = arg;
	int64_t now = (int64_t)time(NULL);

	(void)fd;
	(void)what;
	history_sample(h, now - now % h->step);
	history_flush(h);
	history_arm(h);
}

json_t *
history_lifetime_json(const struct history *h)
{
	uint64_t v[HS_NSRC], t[HS_NSRC], b[HR_NBYTES];
	struct chorus_counts c;
	size_t i;

	chorus_counts(h->node->chorus, &c);
	history_read(h, &c, v);
	for (i = 0; i < HS_NSRC; i++)
		t[i] = h->base[i] + v[i];
	history_bytes(t, b);
	return json_pack("{s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
	    "since", (json_int_t)h->since,
	    "sessions", api_uint(t[HS_CHORUS_SESSIONS] +
	    t[HS_TURN_ALLOCATIONS]),
	    "chorus_sessions", api_uint(t[HS_CHORUS_SESSIONS]),
	    "turn_allocations", api_uint(t[HS_TURN_ALLOCATIONS]),
	    "relayed_bytes", api_uint(b[HR_RELAYED]),
	    "forwarded_bytes", api_uint(b[HR_FORWARDED]),
	    "rx_bytes", api_uint(b[HR_RX]),
	    "tx_bytes", api_uint(b[HR_TX]));
}

/* The steps of one range being folded. */
struct history_fold {
	int64_t		 from, step;
	size_t		 n;
	uint64_t	(*v)[HR_NSER];
	unsigned char	*seen;
};

/* store_history_list() callback: fold one row into its step. */
static int
history_fold_cb(int64_t ts, const char *name, uint64_t value, void *arg)
{
	struct history_fold *f = arg;
	size_t i, k;

	if (ts < f->from)
		return 0;
	if ((k = (size_t)((ts - f->from) / f->step)) >= f->n)
		return 0;
	for (i = 0; i < HR_NSER; i++)
		if (strcmp(name, history_ser[i]) == 0)
			break;
	if (i == HR_NSER)
		return 0;	/* a series this build does not draw */
	f->seen[k] = 1;
	if (i < HR_NBYTES)
		f->v[k][i] += value;
	else if (value > f->v[k][i])
		f->v[k][i] = value;
	return 0;
}

/* The folded steps as the "points" array: steps with no row left out. */
static json_t *
history_points(const struct history_fold *f)
{
	json_t *a, *p;
	size_t k, i;

	if ((a = json_array()) == NULL)
		return NULL;
	for (k = 0; k < f->n; k++) {
		if (!f->seen[k])
			continue;
		if ((p = json_pack("{s:I}", "ts", (json_int_t)(f->from +
		    (int64_t)k * f->step))) == NULL)
			goto fail;
		for (i = 0; i < HR_NSER; i++)
			json_object_set_new(p, history_ser[i],
			    api_uint(f->v[k][i]));
		if (json_array_append_new(a, p) == -1)
			goto fail;
	}
	return a;
fail:
	json_decref(a);
	return NULL;
}

json_t *
history_json(struct history *h, const char *range, const char **why)
{
	struct history_fold f;
	int64_t now = (int64_t)time(NULL), to;
	json_t *out = NULL, *points;
	int day;

	*why = NULL;
	if (range == NULL || strcmp(range, "hour") == 0) {
		range = "hour";
		day = 0;
		f.step = h->step;
		f.n = HISTORY_HOUR_POINTS;
	} else if (strcmp(range, "day") == 0) {
		day = 1;
		f.step = h->step * HISTORY_DAY_MULT;
		f.n = HISTORY_DAY_POINTS;
	} else {
		*why = "range must be hour or day";
		return NULL;
	}
	if (h->cache[day] != NULL && h->cache_at[day] == now / h->step)
		return json_incref(h->cache[day]);
	/* A row's ts ends its sample: the last step is the one now is in. */
	to = now - now % f.step;
	f.from = to - (int64_t)(f.n - 1) * f.step;
	f.v = calloc(f.n, sizeof(*f.v));
	f.seen = calloc(f.n, 1);
	if (f.v == NULL || f.seen == NULL)
		goto done;
	if (store_history_list(h->node->store, f.from, now,
	    history_fold_cb, &f) == -1)
		goto done;
	if ((points = history_points(&f)) == NULL)
		goto done;
	out = json_pack("{s:s, s:I, s:I, s:I, s:I, s:o}",
	    "range", range,
	    "step", (json_int_t)f.step,
	    "sample", (json_int_t)h->step,
	    "from", (json_int_t)f.from,
	    "to", (json_int_t)to,
	    "points", points);
	if (out != NULL) {
		json_decref(h->cache[day]);
		h->cache[day] = json_incref(out);
		h->cache_at[day] = now / h->step;
	}
done:
	free(f.v);
	free(f.seen);
	return out;
}

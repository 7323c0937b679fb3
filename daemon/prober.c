/*
 * prober.c - the node as a verifier of other nodes (proof of bandwidth).
 *
 * Now and then, at exponentially distributed intervals of mean
 * probe-interval, the node picks another node of its network at random
 * from the descriptors it holds and measures it as `chorus probe` does
 * (client/probe_pair.c, shared with it): two sessions to the subject with its
 * own identity (so the subject can tell a node measuring it from a
 * client, and does not count it against its new-node allowance), makes
 * a room with a fresh room key, joins it twice,
 * and sends challenge packets (lib/probe.c) as the end-to-end encrypted
 * payload of ordinary media frames from one membership to the other.
 * The subject cannot tell them from voice, cannot predict them and
 * cannot make them; only what it forwarded, unaltered and on time,
 * passes.  The signed report goes to the ledger and the DHT, the RTT to
 * the node's Vivaldi coordinate, the session to the ledger's challenge
 * records.
 *
 * Everything runs on the node's event loop (probe_pair is event
 * driven): a session is small (PROBER_COUNT packets) and bounded in time
 * (PROBER_MAX_SEC), one at a time, and each is charged to a daily byte
 * budget (probe-budget) before it starts, with its real cost after.
 */
#include "config.h"

#include <arpa/inet.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>
#include <openssl/rand.h>

#include "../client/probe_pair.h"
#include "chorus/crypto.h"
#include "chorus/netrec.h"
#include "chorus/probe.h"
#include "chorus.h"
#include "conf.h"
#include "ledger.h"
#include "log.h"
#include "metrics.h"
#include "net.h"
#include "node.h"
#include "prober.h"
#include "store.h"

#define PROBER_COUNT		200	/* challenge packets a session */
#define PROBER_SIZE		400	/* bytes each */
#define PROBER_RATE		100	/* packets a second */
#define PROBER_DEADLINE_MS	1000	/* later than this: late */
#define PROBER_HANDSHAKE_MS	5000	/* a session's handshake, at most */
#define PROBER_MAX_SEC		20	/* a whole session, at most */
#define PROBER_OVERHEAD		120	/* bytes around a challenge, est. */
#define PROBER_SESSION_COST	16384	/* handshakes, rooms, est. */
#define PROBER_REPORT_LIFE	43200	/* s a report stays valid */
#define PROBER_MAX_CANDS	1024
#define PROBER_FIRST_SEC	5	/* least wait after start */

struct prober_run {
	struct netrec		 desc;		/* the subject's descriptor */
	char			 host[INET6_ADDRSTRLEN];
	uint16_t		 port;
	uint64_t		 wall_start;
	struct probe_pair	*pair;
};

struct prober {
	struct node		*node;
	struct net		*net;
	struct event		*ev_next;
	struct prober_run	*run;
	uint64_t		 day;		/* Unix day of spent */
	uint64_t		 spent;		/* bytes today */
	/* Metrics. */
	uint64_t		 sessions[LEDGER_REFUSED + 1];
	uint64_t		 skipped_budget, skipped_empty;
	uint64_t		 sent, answered, bytes;
};

static void	prober_schedule(struct prober *);

/* A uniform draw in [0, 1) from the RNG. */
static double
prober_uniform(void)
{
	uint64_t r = 0;

	if (RAND_bytes((unsigned char *)&r, sizeof(r)) != 1)
		return 0.5;
	return (double)(r >> 11) / 9007199254740992.0;
}

static uint64_t
prober_budget(const struct prober *p)
{
	return (uint64_t)p->node->conf->probe_budget * 1000000;
}

/* The bytes one session is expected to cost, both ways. */
static uint64_t
prober_estimate(void)
{
	return 2ULL * PROBER_COUNT * (PROBER_SIZE + PROBER_OVERHEAD) +
	    PROBER_SESSION_COST;
}

/* Charge bytes to today's budget. */
static void
prober_charge(struct prober *p, uint64_t bytes)
{
	uint64_t day = (uint64_t)time(NULL) / 86400;

	if (day != p->day) {
		p->day = day;
		p->spent = 0;
	}
	p->spent += bytes;
	p->bytes += bytes;
}

static int
prober_affordable(struct prober *p)
{
	prober_charge(p, 0);
	return p->spent + prober_estimate() <= prober_budget(p);
}

/* Tear the measurement down; its keys are wiped. */
static void
prober_run_free(struct prober_run *r)
{
	if (r == NULL)
		return;
	probe_pair_free(r->pair);
	free(r);
}

struct prober_pick {
	const uint8_t	*self;
	const uint8_t	*network_id;
	uint64_t	 now;
	struct netrec	*cands;
	size_t		 n;
};

static int
prober_cand(const uint8_t *rec, size_t len, void *arg)
{
	struct prober_pick *pk = arg;
	struct netrec *r = &pk->cands[pk->n];

	if (pk->n == PROBER_MAX_CANDS)
		return 1;
	if (netrec_parse(rec, len, pk->now, pk->network_id, r) != NETREC_OK ||
	    memcmp(r->signer, pk->self, CRYPTO_ED25519_PUB_LEN) == 0 ||
	    !(r->u.desc.caps & NETREC_CAP_SFU) || r->u.desc.naddrs == 0)
		return 0;
	pk->n++;
	return 0;
}

/* A node to measure, picked uniformly among those we know; 0 or -1. */
static int
prober_pick(struct prober *p, struct netrec *out)
{
	struct prober_pick pk;
	int rc = -1;

	memset(&pk, 0, sizeof(pk));
	pk.self = p->node->id.ed_pub;
	pk.network_id = net_network_id(p->net);
	pk.now = (uint64_t)time(NULL);
	if (p->node->store == NULL || (pk.cands = calloc(PROBER_MAX_CANDS,
	    sizeof(*pk.cands))) == NULL)
		return -1;
	(void)store_netrec_list(p->node->store, NETREC_DESCRIPTOR,
	    (int64_t)pk.now, prober_cand, &pk);
	if (pk.n > 0) {
		size_t i = (size_t)(prober_uniform() * (double)pk.n);

		*out = pk.cands[i < pk.n ? i : pk.n - 1];
		rc = 0;
	}
	free(pk.cands);
	return rc;
}

/* The subject's first address with a UDP port, as text; 0 or -1. */
static int
prober_address(struct prober_run *r)
{
	return net_desc_udp(&r->desc.u.desc, r->host, sizeof(r->host),
	    &r->port);
}

/* Sign the report and hand it to the ledger and the DHT. */
static void
prober_report(struct prober *p, const struct probe_pair_status *st,
    const struct probe_result *res)
{
	struct prober_run *r = p->run;
	uint8_t out[NETREC_MAX_LEN];
	size_t len;

	if (probe_pair_report(st, res, net_network_id(p->net),
	    r->desc.signer, p->node->id.ed_seed, (uint64_t)time(NULL),
	    PROBER_REPORT_LIFE, out, &len) == -1) {
		log_warnx("prober: cannot sign a report");
		return;
	}
	net_own_record(p->net, out, len);
	if (res->passed > 0)
		net_rtt_sample(p->net, &r->desc.u.desc,
		    res->rtt_median_us / 1000.0);
}

/* The measurement is over: account, record, report, schedule the next. */
static void
prober_finish(struct prober *p, const struct probe_pair_status *st)
{
	static const enum ledger_outcome outcome[] = {
		[PROBE_PAIR_MEASURED] = LEDGER_MEASURED,
		[PROBE_PAIR_UNREACHABLE] = LEDGER_UNREACHABLE,
		[PROBE_PAIR_REFUSED] = LEDGER_REFUSED,
	};
	struct prober_run *r = p->run;
	struct ledger_challenge c;
	struct probe_result res;

	memset(&c, 0, sizeof(c));
	memset(&res, 0, sizeof(res));
	c.outcome = outcome[st->end];
	if (c.outcome == LEDGER_MEASURED &&
	    probe_pair_result(r->pair, &res) == -1)
		c.outcome = LEDGER_UNREACHABLE;
	if (c.outcome == LEDGER_UNREACHABLE && !st->reached) {
		/*
		 * No session at all: the node is down, or its descriptor
		 * names an address where it does not answer.  That is a
		 * failure as surely as dropped challenges are: the report
		 * says none of a session's challenges could pass.
		 */
		res.sent = PROBER_COUNT;
		res.loss_ppm = NETREC_PPM;
	}
	memcpy(c.subject, r->desc.signer, sizeof(c.subject));
	c.started = r->wall_start;
	c.ended = (uint64_t)time(NULL);
	c.sent = res.sent;
	c.passed = res.passed;
	c.late = res.late;
	c.forged = res.forged;
	c.bytes = st->bytes;
	c.throughput_kbps = res.throughput_kbps;
	c.rtt_median_us = res.rtt_median_us;
	c.rtt_spread_us = res.rtt_spread_us;
	c.loss_ppm = res.loss_ppm;
	prober_charge(p, c.bytes);
	p->sessions[c.outcome]++;
	if (c.outcome == LEDGER_MEASURED) {
		p->sent += res.sent;
		p->answered += res.passed;
	}
	if (c.outcome != LEDGER_REFUSED && res.sent > 0)
		prober_report(p, st, &res);
	(void)ledger_challenge_add(p->node, &c);
	log_debug("prober: %s: outcome %d, %u of %u passed, %llu bytes%s%s",
	    r->host, (int)c.outcome, res.passed, res.sent,
	    (unsigned long long)c.bytes, st->why[0] != '\0' ? ": " : "",
	    st->why);
	prober_run_free(r);
	p->run = NULL;
	prober_schedule(p);
}

static void
prober_done_cb(struct probe_pair *pair, void *arg)
{
	prober_finish(arg, probe_pair_status(pair));
}

/* Start measuring one node; probe_pair drives it from here. */
static void
prober_start(struct prober *p)
{
	static const struct probe_params par = { PROBER_COUNT, PROBER_SIZE,
	    PROBER_RATE, PROBER_DEADLINE_MS };
	struct probe_pair_status failed;
	struct probe_pair_opts o;
	struct prober_run *r;
	char err[256];

	if (p->node->conf->probe_budget == 0)
		return;
	if (!prober_affordable(p)) {
		p->skipped_budget++;
		return;
	}
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return;
	if (prober_pick(p, &r->desc) == -1) {
		p->skipped_empty++;
		free(r);
		return;
	}
	p->run = r;
	r->wall_start = (uint64_t)time(NULL);
	memset(&o, 0, sizeof(o));
	if (prober_address(r) == 0) {
		o.conn.host = r->host;
		o.conn.port = r->port;
		o.conn.timeout_ms = PROBER_HANDSHAKE_MS;
		memcpy(o.conn.node_key, r->desc.u.desc.noise_key,
		    sizeof(o.conn.node_key));
		memcpy(o.conn.psk, chorus_psk(p->node->chorus),
		    sizeof(o.conn.psk));
		o.me = &p->node->id;
		o.params = par;
		o.max_ms = PROBER_MAX_SEC * 1000;
		r->pair = probe_pair_new(p->node->base, &o, prober_done_cb, p,
		    err, sizeof(err));
		crypto_wipe(o.conn.psk, sizeof(o.conn.psk));
	} else
		snprintf(err, sizeof(err), "no UDP address");
	if (r->pair == NULL) {
		memset(&failed, 0, sizeof(failed));
		failed.end = PROBE_PAIR_UNREACHABLE;
		snprintf(failed.why, sizeof(failed.why), "%s", err);
		prober_finish(p, &failed);
		return;
	}
	log_debug("prober: measuring %s port %u", r->host, r->port);
}

static void
prober_next_cb(evutil_socket_t fd, short what, void *arg)
{
	struct prober *p = arg;

	(void)fd;
	(void)what;
	prober_start(p);
	if (p->run == NULL)
		prober_schedule(p);
}

/* Wait an exponential time of mean probe-interval (at least 1 s). */
static void
prober_schedule(struct prober *p)
{
	double mean = (double)p->node->conf->probe_interval;
	double wait = -log(1.0 - prober_uniform()) * mean;
	struct timeval tv;

	if (wait < 1)
		wait = 1;
	if (wait > 10 * mean)
		wait = 10 * mean;
	tv.tv_sec = (time_t)wait;
	tv.tv_usec = (suseconds_t)((wait - floor(wait)) * 1e6);
	event_add(p->ev_next, &tv);
}

struct prober *
prober_new(struct node *node, struct net *net, char *err, size_t errlen)
{
	struct timeval tv = { PROBER_FIRST_SEC, 0 };
	struct prober *p;

	if ((p = calloc(1, sizeof(*p))) == NULL) {
		snprintf(err, errlen, "prober: out of memory");
		return NULL;
	}
	p->node = node;
	p->net = net;
	if ((p->ev_next = event_new(node->base, -1, 0, prober_next_cb, p)) ==
	    NULL) {
		snprintf(err, errlen, "prober: event_new failed");
		prober_free(p);
		return NULL;
	}
	/* The first measurement a little after start, then at random. */
	tv.tv_sec += (time_t)(prober_uniform() *
	    (double)node->conf->probe_interval);
	event_add(p->ev_next, &tv);
	return p;
}

void
prober_free(struct prober *p)
{
	if (p == NULL)
		return;
	prober_run_free(p->run);
	if (p->ev_next != NULL)
		event_free(p->ev_next);
	free(p);
}

/* Prometheus lines: challenges as a verifier, sessions, budget. */
void
prober_metrics(const struct prober *p, FILE *out)
{
	size_t i;

	metrics_render_one(out, "chorus_challenges_total", METRIC_COUNTER,
	    "Challenge packets this node sent through other nodes, and "
	    "their fate.", "result", "sent", (double)p->sent);
	metrics_render_one(out, "chorus_challenges_total", METRIC_COUNTER,
	    NULL, "result", "answered", (double)p->answered);
	metrics_render_one(out, "chorus_challenges_total", METRIC_COUNTER,
	    NULL, "result", "failed", (double)(p->sent - p->answered));
	for (i = 0; i <= LEDGER_REFUSED; i++)
		metrics_render_one(out, "chorus_probe_sessions_total",
		    METRIC_COUNTER, i == 0 ? "Measurements of other nodes, "
		    "by outcome." : NULL, "outcome", ledger_outcome_names[i],
		    (double)p->sessions[i]);
	metrics_render_one(out, "chorus_probe_sessions_total", METRIC_COUNTER,
	    NULL, "outcome", "skipped_budget", (double)p->skipped_budget);
	metrics_render_one(out, "chorus_probe_bytes_total", METRIC_COUNTER,
	    "Bytes spent measuring other nodes, both ways.", NULL, NULL,
	    (double)p->bytes);
	metrics_render_one(out, "chorus_probe_budget_bytes", METRIC_GAUGE,
	    "Bytes a day this node may spend measuring other nodes.", NULL,
	    NULL, (double)prober_budget(p));
}

json_t *
prober_json(const struct prober *p)
{
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
	    "measured", (json_int_t)p->sessions[LEDGER_MEASURED],
	    "unreachable", (json_int_t)p->sessions[LEDGER_UNREACHABLE],
	    "refused", (json_int_t)p->sessions[LEDGER_REFUSED],
	    "challenges_sent", (json_int_t)p->sent,
	    "challenges_answered", (json_int_t)p->answered,
	    "bytes_today", (json_int_t)p->spent,
	    "budget_bytes", (json_int_t)prober_budget(p));
}

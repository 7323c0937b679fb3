/*
 * ledger.c - reputation from the measurement reports the node holds.
 *
 * Reports arrive verified (net.c: from the DHT, or submitted through the
 * API) and sit in SQLite with the descriptors and vouches.  Every
 * computation reads them back, parses them again, and scores every known
 * node with lib/reputation.c: a report counts by its verifier's own
 * score, which comes from the previous round, so LEDGER_ROUNDS rounds let
 * standing flow from measured nodes to the reports they sign.  A
 * verifier's address prefix is that of its descriptor's first address
 * (/24, /48); a verifier with no descriptor (a client) is its own prefix,
 * so the per-verifier cap is all that limits it (doc/REPUTATION.md).
 *
 * The ledger's own tables (store.h) hold what the network's records do
 * not: how each vouch this node saw was settled (so a forfeit outlives
 * the vouch record and a restart), each node's score history, and the
 * challenge sessions this node ran as a verifier.  ledger_tick() settles
 * vouches, appends history and prunes; the other entry points only read.
 * doc/REPUTATION.md "The ledger" has the rules.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "chorus/identity.h"
#include "chorus/netrec.h"
#include "chorus/reputation.h"
#include "ledger.h"
#include "ledger_priv.h"
#include "log.h"
#include "node.h"
#include "store.h"


_Static_assert(REP_NCOMPONENTS == STORE_NCOMP, "history has each component");
_Static_assert((int)REP_VOUCH_FORFEIT == STORE_VOUCH_FORFEIT &&
    (int)REP_VOUCH_RETURNED == STORE_VOUCH_RETURNED &&
    (int)REP_VOUCH_HELD == STORE_VOUCH_HELD, "one numbering of vouch states");
_Static_assert(LEDGER_REFUSED == STORE_OUTCOME_MAX, "every outcome is kept");

const char *const ledger_state_names[] = {
	"held", "returned", "forfeit"
};
const char *const ledger_outcome_names[] = {
	"measured", "unreachable", "refused"
};

static uint64_t
ledger_key(const uint8_t *id)
{
	uint64_t k = 0;
	int i;

	for (i = 0; i < 8; i++)
		k = k << 8 | id[i];
	return k;
}

/* A descriptor's first address's /24 or /48, tagged by family. */
static uint64_t
ledger_prefix(const struct netrec_descriptor *d)
{
	const struct netrec_addr *a = &d->addrs[0];
	uint64_t p = (uint64_t)a->family << 56;
	int i, n = a->family == 4 ? 3 : 6;

	for (i = 0; i < n; i++)
		p |= (uint64_t)a->addr[i] << (8 * (6 - i));
	return p;
}

static double
ledger_clamp01(double x)
{
	return x > 0 ? (x < 1 ? x : 1) : 0;
}

/* Days from then to the ledger's now; 0 if then is later. */
double
ledger_days(const struct ledger *l, int64_t then)
{
	return (int64_t)l->now > then ? (double)((int64_t)l->now - then) /
	    l->day : 0;
}

static int
ledger_cmp_node(const void *a, const void *b)
{
	const struct ledger_node *x = a, *y = b;

	return memcmp(x->desc.signer, y->desc.signer, CRYPTO_ED25519_PUB_LEN);
}

static int
ledger_cmp_subject(const void *a, const void *b)
{
	const struct netrec *x = a, *y = b;

	return memcmp(x->u.report.subject, y->u.report.subject,
	    CRYPTO_ED25519_PUB_LEN);
}

static int
ledger_cmp_vouch(const void *a, const void *b)
{
	const struct store_vouch *x = a, *y = b;
	int c;

	if ((c = memcmp(x->voucher, y->voucher, STORE_ID_LEN)) != 0)
		return c;
	return memcmp(x->vouchee, y->vouchee, STORE_ID_LEN);
}

/* The node with this ID (l->nodes sorted by ID), or NULL. */
struct ledger_node *
ledger_find(const struct ledger *l, const uint8_t *id)
{
	struct ledger_node key;

	memcpy(key.desc.signer, id, CRYPTO_ED25519_PUB_LEN);
	return bsearch(&key, l->nodes, l->nnodes, sizeof(*l->nodes),
	    ledger_cmp_node);
}

/* The ledger's row for a voucher and vouchee, or NULL. */
struct store_vouch *
ledger_find_vouch(const struct ledger *l, const uint8_t *voucher,
    const uint8_t *vouchee)
{
	struct store_vouch key;

	memcpy(key.voucher, voucher, STORE_ID_LEN);
	memcpy(key.vouchee, vouchee, STORE_ID_LEN);
	return bsearch(&key, l->vouches, l->nvouches, sizeof(*l->vouches),
	    ledger_cmp_vouch);
}

static int
ledger_add_node(const uint8_t *rec, size_t len, void *arg)
{
	struct ledger *l = arg;
	struct ledger_node *n;

	if (l->nnodes == LEDGER_MAX_NODES)
		return 1;
	n = &l->nodes[l->nnodes];
	memset(n, 0, sizeof(*n));
	if (netrec_parse(rec, len, l->now, l->network_id, &n->desc) !=
	    NETREC_OK)
		return 0;
	n->key = ledger_key(n->desc.signer);
	n->prefix = ledger_prefix(&n->desc.u.desc);
	n->first = UINT64_MAX;
	l->nnodes++;
	return 0;
}

static int
ledger_add_report(const uint8_t *rec, size_t len, void *arg)
{
	struct ledger *l = arg;

	if (l->nreports == LEDGER_MAX_REPORTS)
		return 1;
	if (netrec_parse(rec, len, l->now, l->network_id,
	    &l->reports[l->nreports]) == NETREC_OK)
		l->nreports++;
	return 0;
}

static int
ledger_add_vrec(const uint8_t *rec, size_t len, void *arg)
{
	struct ledger *l = arg;
	struct ledger_vrec *v;
	struct netrec r;

	if (l->nvrecs == LEDGER_MAX_VRECS)
		return 1;
	/* Only between known nodes: others cannot take part anyway. */
	if (netrec_parse(rec, len, l->now, l->network_id, &r) != NETREC_OK ||
	    ledger_find(l, r.signer) == NULL ||
	    ledger_find(l, r.u.vouch.vouchee) == NULL)
		return 0;
	v = &l->vrecs[l->nvrecs++];
	memcpy(v->voucher, r.signer, sizeof(v->voucher));
	memcpy(v->vouchee, r.u.vouch.vouchee, sizeof(v->vouchee));
	v->points = r.u.vouch.stake;
	return 0;
}

static int
ledger_add_vouch(const struct store_vouch *v, void *arg)
{
	struct ledger *l = arg;

	if (l->nvouches == LEDGER_MAX_VOUCHES)
		return 1;
	l->vouches[l->nvouches++] = *v;
	return 0;
}

/*
 * Tests only (tests/chorusd-tamper).  CHORUS_TEST_VERIFIER_DAYS ages every
 * verifier by that many days, as weeks of operation would; a verifier
 * first seen today counts nothing (doc/REPUTATION.md 3.1).
 * CHORUS_TEST_DAY_SEC makes a day that many seconds for every age and
 * decay (not for retention), so a test can let weeks pass in a minute.
 * CHORUS_TEST_VERIFIER_SCORE gives a verifier the ledger has no
 * descriptor of (a client) that score, as if an established node had
 * signed, so a test can reach a full score with a few dozen reports.
 */
static double
ledger_test_env(const char *name, double dflt)
{
#ifdef CHORUS_TEST_HOOKS
	const char *s = getenv(name);

	if (s != NULL)
		return atof(s);
#else
	(void)name;
#endif
	return dflt;
}

/* One report as the reputation code reads it. */
static void
ledger_report(struct ledger *l, const struct netrec *r,
    const double *prev, struct rep_report *out)
{
	const struct netrec_report *m = &r->u.report;
	struct ledger_node *v = ledger_find(l, r->signer);

	memset(out, 0, sizeof(*out));
	out->verifier = ledger_key(r->signer);
	/* A verifier without a descriptor is a prefix of its own. */
	out->prefix = v != NULL ? v->prefix : out->verifier | 1;
	out->verifier_score = v != NULL ? prev[v - l->nodes] : l->test_score;
	out->verifier_age = (v != NULL && v->first < l->now ?
	    (double)(l->now - v->first) / l->day : 0) + l->test_days;
	out->age = m->window_end < l->now ?
	    (double)(l->now - m->window_end) / l->day : 0;
	out->sent = m->sent;
	out->passed = m->passed;
	out->verified_bytes = m->verified_bytes;
	out->throughput_kbps = m->throughput_kbps;
	out->rtt_ms = m->rtt_median_us / 1000.0;
	out->spread_ms = m->rtt_spread_us / 1000.0;
	out->loss = m->loss_ppm / 1e6;
}

/* What rep_score() needs about s: its reports into l->rr, its vouches. */
void
ledger_input(struct ledger *l, struct ledger_node *s, const double *prev,
    struct rep_input *in)
{
	const struct netrec_report *m;
	uint64_t last = 0;
	size_t j;

	memset(in, 0, sizeof(*in));
	for (j = 0; j < s->nrep; j++) {
		ledger_report(l, &l->reports[s->rfirst + j], prev, &l->rr[j]);
		m = &l->reports[s->rfirst + j].u.report;
		if (m->window_start < s->first)
			s->first = m->window_start;
		if (m->window_end > last)
			last = m->window_end;
	}
	/*
	 * A report's window is the verifier's word; when this node first
	 * saw the subject is its own.  A fresh identity whose friends sign
	 * reports with windows months back is as young as it looks here.
	 */
	if (s->first < s->seen || s->seen == 0)
		s->first = s->seen != 0 ? s->seen : l->now;
	in->subject = s->key;
	in->subject_prefix = s->prefix;
	if (s->nrep > 0 && s->first < l->now) {
		in->age = (double)(l->now - s->first) / l->day;
		/* Measured operation: the span the reports cover. */
		in->uptime_streak = last > s->first ?
		    (double)(last - s->first) / l->day : 0;
		in->uptime_days = in->uptime_streak;
	}
	in->reports = l->rr;
	in->nreports = s->nrep;
	in->scratch = l->sc;
	in->vouch_received = s->vouch_in;
	in->vouch_held = s->vouch_out;
	in->forfeits = s->nforfeit > 0 ? &l->forfeits[s->forfeit] : NULL;
	in->nforfeits = s->nforfeit;
}

/* Score every node once, with the verifiers' scores of the last round. */
static void
ledger_round(struct ledger *l, const double *prev)
{
	struct rep_input in;
	size_t i;

	for (i = 0; i < l->nnodes; i++) {
		struct ledger_node *s = &l->nodes[i];

		ledger_input(l, s, prev, &in);
		s->score = rep_score(&l->par, &in, &s->ex);
		if (!(s->score >= 0))	/* -1 (invalid input) or NaN */
			s->score = 0;
	}
}

/* Each node's reports: a run of l->reports, sorted by subject. */
static void
ledger_ranges(struct ledger *l)
{
	struct ledger_node *n;
	size_t i = 0, j;

	qsort(l->reports, l->nreports, sizeof(*l->reports),
	    ledger_cmp_subject);
	while (i < l->nreports) {
		for (j = i + 1; j < l->nreports && ledger_cmp_subject(
		    &l->reports[i], &l->reports[j]) == 0; j++)
			;
		if ((n = ledger_find(l, l->reports[i].u.report.subject)) !=
		    NULL) {
			n->rfirst = i;
			n->nrep = j - i;
		}
		i = j;
	}
}

/*
 * The vouch rows into the scores: a held stake adds to its vouchee and
 * is carried by its voucher; a forfeit stays a decaying penalty on the
 * voucher (rows sorted by voucher, so each node's forfeits are a run).
 */
static void
ledger_vouch_inputs(struct ledger *l)
{
	struct ledger_node *v, *e;
	const struct store_vouch *w;
	size_t i;

	for (i = 0; i < l->nvouches; i++) {
		w = &l->vouches[i];
		v = ledger_find(l, w->voucher);
		if (w->state == STORE_VOUCH_HELD) {
			if ((e = ledger_find(l, w->vouchee)) != NULL)
				e->vouch_in += w->stake;
			if (v != NULL) {
				v->vouch_out += w->stake;
				v->nheld++;
			}
		} else if (w->state == STORE_VOUCH_FORFEIT && v != NULL) {
			if (v->nforfeit++ == 0)
				v->forfeit = l->nforfeits;
			l->forfeits[l->nforfeits].stake = w->stake;
			l->forfeits[l->nforfeits++].age = ledger_days(l,
			    w->settled);
		}
	}
}

void
ledger_free(struct ledger *l)
{
	free(l->nodes);
	free(l->reports);
	free(l->vrecs);
	free(l->vouches);
	free(l->forfeits);
	free(l->rr);
	free(l->sc);
	free(l->vscore);
	memset(l, 0, sizeof(*l));
}

/* When this node first saw a node it holds a descriptor of. */
static int
ledger_add_seen(const uint8_t *id, int64_t first, void *arg)
{
	struct ledger_node *n;

	if ((n = ledger_find(arg, id)) != NULL && first > 0)
		n->seen = (uint64_t)first;
	return 0;
}

/* Load what the store holds: descriptors, reports, vouches.  0 or -1. */
static int
ledger_load(struct node *node, struct ledger *l)
{
	struct store *st = node->store;
	int64_t now = (int64_t)l->now;

	if ((l->nodes = calloc(LEDGER_MAX_NODES, sizeof(*l->nodes))) == NULL ||
	    (l->reports = calloc(LEDGER_MAX_REPORTS,
	    sizeof(*l->reports))) == NULL ||
	    (l->vrecs = calloc(LEDGER_MAX_VRECS, sizeof(*l->vrecs))) == NULL ||
	    (l->vouches = calloc(LEDGER_MAX_VOUCHES,
	    sizeof(*l->vouches))) == NULL ||
	    (l->forfeits = calloc(LEDGER_MAX_VOUCHES,
	    sizeof(*l->forfeits))) == NULL)
		return -1;
	(void)store_netrec_list(st, NETREC_DESCRIPTOR, now, ledger_add_node, l);
	qsort(l->nodes, l->nnodes, sizeof(*l->nodes), ledger_cmp_node);
	(void)store_seen_list(st, ledger_add_seen, l);
	(void)store_netrec_list(st, NETREC_REPORT, now, ledger_add_report, l);
	(void)store_netrec_list(st, NETREC_VOUCH, now, ledger_add_vrec, l);
	if (store_vouch_list(st, ledger_add_vouch, l) == -1)
		return -1;	/* a forfeit must never be lost silently */
	qsort(l->vouches, l->nvouches, sizeof(*l->vouches), ledger_cmp_vouch);
	ledger_ranges(l);
	ledger_vouch_inputs(l);
	return 0;
}

/* Load the records and score every node; 0, or -1 (l freed). */
int
ledger_run(struct node *node, const uint8_t *network_id, struct ledger *l)
{
	double *prev = NULL;
	size_t i, k;
	int rc = -1;

	memset(l, 0, sizeof(*l));
	l->network_id = network_id;
	l->now = (uint64_t)time(NULL);
	rep_params_default(&l->par);
	l->test_score = ledger_clamp01(ledger_test_env(
	    "CHORUS_TEST_VERIFIER_SCORE", 0));
	l->test_days = ledger_test_env("CHORUS_TEST_VERIFIER_DAYS", 0);
	l->day = ledger_test_env("CHORUS_TEST_DAY_SEC", LEDGER_DAY);
	if (!(l->day >= 1))
		l->day = LEDGER_DAY;
	if (!(l->test_days >= 0))
		l->test_days = 0;
	if (node->store == NULL || ledger_load(node, l) == -1 ||
	    (l->rr = calloc(l->nreports + 1, sizeof(*l->rr))) == NULL ||
	    (l->sc = calloc(l->nreports + 1, sizeof(*l->sc))) == NULL ||
	    (l->vscore = calloc(l->nnodes + 1, sizeof(*l->vscore))) == NULL ||
	    (prev = calloc(l->nnodes + 1, sizeof(*prev))) == NULL)
		goto done;
	for (k = 0; k < LEDGER_ROUNDS; k++) {
		/* ledger_explain() repeats the last round for one node. */
		if (k + 1 == LEDGER_ROUNDS)
			memcpy(l->vscore, prev, l->nnodes * sizeof(*prev));
		ledger_round(l, prev);
		for (i = 0; i < l->nnodes; i++)
			prev[i] = l->nodes[i].score;
	}
	rc = 0;
done:
	free(prev);
	if (rc == -1)
		ledger_free(l);
	return rc;
}

/* The leaderboard's entry for n. */
json_t *
ledger_entry(const struct ledger *l, const struct ledger_node *n)
{
	char id[IDENTITY_ID_STRLEN], fpr[IDENTITY_FPR_STRLEN];
	json_t *comp;
	double age;
	size_t c;

	identity_id_string(n->desc.signer, id);
	identity_fingerprint(n->desc.signer, fpr);
	comp = json_object();
	for (c = 0; comp != NULL && c < REP_NCOMPONENTS; c++)
		json_object_set_new(comp, rep_component_name(c),
		    json_pack("{s:f, s:f, s:f}",
		    "value", n->ex.comp[c].value,
		    "weight", n->ex.comp[c].weight,
		    "contribution", n->ex.comp[c].contribution));
	age = n->first < l->now ? (double)(l->now - n->first) / l->day : 0;
	return json_pack("{s:s, s:s, s:s, s:f, s:b, s:f, s:f, s:f, s:f, s:I, "
	    "s:I, s:o}",
	    "id", id, "fingerprint", fpr,
	    "region", n->desc.u.desc.region,
	    "score", n->score,
	    "standing", rep_has_standing(&l->par, n->score, age),
	    "age_days", age, "confidence", n->ex.confidence,
	    "gate", n->ex.gate, "pass_median", n->ex.pass_median,
	    "reports", (json_int_t)n->ex.reports,
	    "verifiers", (json_int_t)n->ex.verifiers,
	    "components", comp);
}

static int
ledger_cmp(const void *a, const void *b)
{
	const struct ledger_node *x = a, *y = b;

	return x->score < y->score ? 1 : x->score > y->score ? -1 :
	    memcmp(x->desc.signer, y->desc.signer, CRYPTO_ED25519_PUB_LEN);
}

/*
 * The node's own score and measured age (days), for the new-node session
 * allowance; 0, or -1 if it cannot be computed (both then 0).
 */
int
ledger_self(struct node *node, const uint8_t *network_id, double *score,
    double *age)
{
	struct ledger_node *me;
	struct ledger l;

	*score = *age = 0;
	if (ledger_run(node, network_id, &l) == -1)
		return -1;
	if ((me = ledger_find(&l, node->id.ed_pub)) != NULL) {
		*score = me->score;
		if (me->first < l.now)
			*age = (double)(l.now - me->first) / l.day;
	}
	ledger_free(&l);
	return 0;
}

json_t *
ledger_leaderboard(struct node *node, const uint8_t *network_id)
{
	struct ledger l;
	json_t *list, *out;
	size_t i;

	if (ledger_run(node, network_id, &l) == -1)
		return NULL;
	/* Sorted by score from here: ledger_find() no longer works. */
	qsort(l.nodes, l.nnodes, sizeof(*l.nodes), ledger_cmp);
	list = json_array();
	for (i = 0; list != NULL && i < l.nnodes; i++)
		json_array_append_new(list, ledger_entry(&l, &l.nodes[i]));
	out = json_pack("{s:I, s:I, s:o}",
	    "nodes", (json_int_t)l.nnodes,
	    "reports", (json_int_t)l.nreports,
	    "leaderboard", list);
	ledger_free(&l);
	return out;
}

/* Keep the record of a challenge session this node ran. */
int
ledger_challenge_add(struct node *node, const struct ledger_challenge *c)
{
	struct store_challenge sc;

	if (node->store == NULL || c->started > INT64_MAX ||
	    c->ended > INT64_MAX || c->bytes > INT64_MAX ||
	    (int)c->outcome < 0 || c->outcome > LEDGER_REFUSED)
		return -1;
	memset(&sc, 0, sizeof(sc));
	memcpy(sc.subject, c->subject, sizeof(sc.subject));
	sc.started = (int64_t)c->started;
	sc.ended = (int64_t)c->ended;
	sc.outcome = (int)c->outcome;
	sc.sent = c->sent;
	sc.passed = c->passed;
	sc.late = c->late;
	sc.forged = c->forged;
	sc.bytes = c->bytes;
	sc.throughput_kbps = c->throughput_kbps;
	sc.rtt_median_us = c->rtt_median_us;
	sc.rtt_spread_us = c->rtt_spread_us;
	sc.loss_ppm = c->loss_ppm;
	return store_challenge_add(node->store, &sc, LEDGER_CHALLENGE_MAX);
}

/* A voucher's own score: what it earned, less its forfeits. */
double
ledger_own(const struct ledger_node *v)
{
	return ledger_clamp01(v->ex.base - v->ex.vouch_penalty);
}

/*
 * What v may stake now on one more vouchee that claims points: at most
 * the record's points (NETREC_STAKE_ONE to a score of 1), rep_vouch_stake()
 * of its own score (0 under vouch_min_score), and what is left of its
 * own score after the stakes it holds; nothing below one point or with
 * LEDGER_HELD_MAX stakes held.
 */
double
ledger_stake(const struct ledger *l, const struct ledger_node *v,
    uint32_t points)
{
	double own = ledger_own(v), stake;

	if (v->nheld >= LEDGER_HELD_MAX)
		return 0;
	stake = ledger_clamp01((double)points / NETREC_STAKE_ONE);
	stake = fmin(stake, rep_vouch_stake(&l->par, own));
	stake = fmin(stake, own - v->vouch_out);
	return stake >= 1.0 / NETREC_STAKE_ONE ? stake : 0;
}

/* Log a settled or new vouch. */
static void
ledger_log_vouch(const struct store_vouch *w, const char *what)
{
	char a[IDENTITY_FPR_STRLEN], b[IDENTITY_FPR_STRLEN];

	identity_fingerprint(w->voucher, a);
	identity_fingerprint(w->vouchee, b);
	log_info("ledger: vouch by %s for %s: %s, stake %.4f", a, b, what,
	    w->stake);
}

/*
 * Settle every held vouch on its vouchee's explanation (rep_vouch_settle,
 * doc/REPUTATION.md 3.8); a vouchee the ledger no longer knows is judged
 * on no evidence, so its stake comes back at vouch_max_days.  The number
 * settled, or -1.
 */
static int
ledger_settle(struct node *node, struct ledger *l)
{
	static const struct rep_explain none;
	struct ledger_node *v, *e;
	struct store_vouch *w;
	enum rep_vouch_state st;
	size_t i;
	int n = 0;

	for (i = 0; i < l->nvouches; i++) {
		w = &l->vouches[i];
		if (w->state != STORE_VOUCH_HELD)
			continue;
		e = ledger_find(l, w->vouchee);
		st = rep_vouch_settle(&l->par, e != NULL ? &e->ex : &none,
		    ledger_days(l, w->first_seen));
		if (st == REP_VOUCH_HELD)
			continue;
		if (store_vouch_settle(node->store, w->voucher, w->vouchee,
		    (int)st, (int64_t)l->now) != 1)
			return -1;
		w->state = (int)st;
		w->settled = (int64_t)l->now;
		ledger_log_vouch(w, ledger_state_names[st]);
		if ((v = ledger_find(l, w->voucher)) != NULL) {
			v->vouch_out -= w->stake;
			v->nheld--;
			/* A new vouch this tick stakes from what is left. */
			if (st == REP_VOUCH_FORFEIT)
				v->ex.vouch_penalty += w->stake;
		}
		n++;
	}
	return n;
}

/*
 * Take up the vouch records the ledger has no row for yet, in the store's
 * order (by voucher, then vouchee): each holds what ledger_stake() allows,
 * fixed from now on.  The number added, or -1.
 */
static int
ledger_vouch_new(struct node *node, struct ledger *l)
{
	struct ledger_node *v;
	struct store_vouch w;
	size_t i;
	int n = 0, rc;

	for (i = 0; i < l->nvrecs; i++) {
		const struct ledger_vrec *r = &l->vrecs[i];

		if (ledger_find_vouch(l, r->voucher, r->vouchee) != NULL ||
		    (v = ledger_find(l, r->voucher)) == NULL ||
		    ledger_find(l, r->vouchee) == NULL)
			continue;
		memset(&w, 0, sizeof(w));
		memcpy(w.voucher, r->voucher, sizeof(w.voucher));
		memcpy(w.vouchee, r->vouchee, sizeof(w.vouchee));
		w.first_seen = (int64_t)l->now;
		w.state = STORE_VOUCH_HELD;
		if ((w.stake = ledger_stake(l, v, r->points)) <= 0)
			continue;
		if ((rc = store_vouch_add(node->store, &w,
		    LEDGER_MAX_VOUCHES)) == -1)
			return -1;
		if (rc == 0)
			continue;
		ledger_log_vouch(&w, "held");
		v->vouch_out += w.stake;
		v->nheld++;
		n++;
	}
	return n;
}

/*
 * A history point for every node whose score moved by
 * LEDGER_HISTORY_DELTA since its last point, or whose last point is
 * LEDGER_HISTORY_SEC old (or that has none).  0 or -1.
 */
static int
ledger_history(struct node *node, const struct ledger *l)
{
	struct store_score *pts, last;
	const struct ledger_node *s;
	size_t i, c, n = 0;
	int rc = -1;

	if ((pts = calloc(l->nnodes + 1, sizeof(*pts))) == NULL)
		return -1;
	for (i = 0; i < l->nnodes; i++) {
		s = &l->nodes[i];
		switch (store_score_last(node->store, s->desc.signer, &last)) {
		case -1:
			goto done;
		case 0:
			if ((int64_t)l->now - last.ts < LEDGER_HISTORY_SEC &&
			    fabs(last.score - s->score) < LEDGER_HISTORY_DELTA)
				continue;
		}
		memcpy(pts[n].node, s->desc.signer, STORE_ID_LEN);
		pts[n].ts = (int64_t)l->now;
		pts[n].score = s->score;
		for (c = 0; c < REP_NCOMPONENTS; c++)
			pts[n].comp[c] = s->ex.comp[c].value;
		pts[n++].confidence = s->ex.confidence;
	}
	rc = store_scores_add(node->store, pts, n, LEDGER_HISTORY_MAX);
done:
	free(pts);
	return rc;
}

/* Every node held now was seen now (its first sighting is kept). */
static int
ledger_seen(struct node *node, const struct ledger *l)
{
	uint8_t *ids;
	size_t i;
	int rc;

	if (l->nnodes == 0)
		return 0;
	if ((ids = calloc(l->nnodes, CRYPTO_ED25519_PUB_LEN)) == NULL)
		return -1;
	for (i = 0; i < l->nnodes; i++)
		memcpy(ids + i * CRYPTO_ED25519_PUB_LEN, l->nodes[i].desc.signer,
		    CRYPTO_ED25519_PUB_LEN);
	rc = store_seen_touch(node->store, ids, l->nnodes, (int64_t)l->now,
	    LEDGER_MAX_SEEN);
	free(ids);
	return rc;
}

/* Delete what is past ledger-retention (forfeits: a year at least). */
static int
ledger_prune(struct node *node, uint64_t now)
{
	int64_t days = node->conf->ledger_retention, cut, fcut;

	if (days < 1)
		days = 1;
	cut = (int64_t)now - days * (int64_t)LEDGER_DAY;
	fcut = (int64_t)now - (days > LEDGER_FORFEIT_DAYS ? days :
	    LEDGER_FORFEIT_DAYS) * (int64_t)LEDGER_DAY;
	if (store_score_prune(node->store, cut, NULL) == -1 ||
	    store_challenge_prune(node->store, cut, NULL) == -1 ||
	    store_vouch_prune(node->store, cut, fcut, NULL) == -1 ||
	    store_seen_prune(node->store, cut, NULL) == -1)
		return -1;
	return 0;
}

/*
 * Every minute (net.c): settle the held vouches and take up new ones,
 * score again if that changed anything, append the history, prune.
 */
int
ledger_tick(struct node *node, const uint8_t *network_id)
{
	struct ledger l;
	int settled, added, rc = 0;

	if (ledger_run(node, network_id, &l) == -1)
		return -1;
	settled = ledger_settle(node, &l);
	added = settled == -1 ? -1 : ledger_vouch_new(node, &l);
	if (settled == -1 || added == -1)
		rc = -1;
	if (settled > 0 || added > 0) {
		ledger_free(&l);
		if (ledger_run(node, network_id, &l) == -1)
			return -1;
	}
	if (ledger_history(node, &l) == -1 || ledger_seen(node, &l) == -1)
		rc = -1;
	if (ledger_prune(node, l.now) == -1)
		rc = -1;
	ledger_free(&l);
	return rc;
}

/*
 * ledger.c - reputation from the measurement reports the node holds.
 *
 * Reports arrive verified (net.c: from the DHT, or submitted through the
 * API) and sit in SQLite with the descriptors.  The leaderboard reads
 * them back, parses them again, and scores every known node with
 * lib/reputation.c: a report counts by its verifier's own score, which
 * comes from the previous round, so LEDGER_ROUNDS rounds let standing
 * flow from measured nodes to the reports they sign.  A verifier's
 * address prefix is that of its descriptor's first address (/24, /48);
 * a verifier with no descriptor (a client) is its own prefix, so the
 * per-verifier cap is all that limits it (doc/REPUTATION.md).
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
#include "node.h"
#include "store.h"

#define LEDGER_ROUNDS		3
#define LEDGER_MAX_NODES	1024
#define LEDGER_MAX_REPORTS	4096

struct ledger_node {
	struct netrec	 desc;
	uint64_t	 key;		/* first 8 bytes of the ID */
	uint64_t	 prefix;
	uint64_t	 first;		/* earliest window start, Unix s */
	double		 score;
	struct rep_explain ex;
};

struct ledger {
	const uint8_t		*network_id;
	uint64_t		 now;
	struct ledger_node	*nodes;
	size_t			 nnodes;
	struct netrec		*reports;
	size_t			 nreports;
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

static struct ledger_node *
ledger_find(struct ledger *l, const uint8_t *id)
{
	size_t i;

	for (i = 0; i < l->nnodes; i++)
		if (memcmp(l->nodes[i].desc.signer, id,
		    CRYPTO_ED25519_PUB_LEN) == 0)
			return &l->nodes[i];
	return NULL;
}

/*
 * Tests only (tests/chorusd-tamper): CHORUS_TEST_VERIFIER_DAYS ages every
 * verifier by that many days, as weeks of operation would; a verifier
 * first seen today counts nothing (doc/REPUTATION.md 3.1).
 */
static double
ledger_test_days(void)
{
#ifdef CHORUS_TEST_HOOKS
	const char *s = getenv("CHORUS_TEST_VERIFIER_DAYS");

	if (s != NULL)
		return atof(s);
#endif
	return 0;
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
	out->verifier_score = v != NULL ? prev[v - l->nodes] : 0;
	out->verifier_age = (v != NULL && v->first < l->now ?
	    (double)(l->now - v->first) / 86400.0 : 0) + ledger_test_days();
	out->age = m->window_end < l->now ?
	    (double)(l->now - m->window_end) / 86400.0 : 0;
	out->sent = m->sent;
	out->passed = m->passed;
	out->verified_bytes = m->verified_bytes;
	out->throughput_kbps = m->throughput_kbps;
	out->rtt_ms = m->rtt_median_us / 1000.0;
	out->spread_ms = m->rtt_spread_us / 1000.0;
	out->loss = m->loss_ppm / 1e6;
}

/* Score every node once, with the verifiers' scores of the last round. */
static void
ledger_round(struct ledger *l, const struct rep_params *par,
    const double *prev, struct rep_report *rr, struct rep_scratch *sc)
{
	struct rep_input in;
	uint64_t last;
	size_t i, j, n;

	for (i = 0; i < l->nnodes; i++) {
		struct ledger_node *s = &l->nodes[i];

		last = 0;
		for (j = n = 0; j < l->nreports; j++) {
			const struct netrec_report *m = &l->reports[j].u.report;

			if (memcmp(m->subject, s->desc.signer,
			    CRYPTO_ED25519_PUB_LEN) != 0)
				continue;
			ledger_report(l, &l->reports[j], prev, &rr[n++]);
			if (m->window_start < s->first)
				s->first = m->window_start;
			if (m->window_end > last)
				last = m->window_end;
		}
		memset(&in, 0, sizeof(in));
		in.subject = s->key;
		in.subject_prefix = s->prefix;
		if (n > 0 && s->first < l->now) {
			in.age = (double)(l->now - s->first) / 86400.0;
			/* Measured operation: the span the reports cover. */
			in.uptime_streak = (double)(last - s->first) / 86400.0;
			in.uptime_days = in.uptime_streak;
		}
		in.reports = rr;
		in.nreports = n;
		in.scratch = sc;
		s->score = rep_score(par, &in, &s->ex);
		if (!isfinite(s->score))
			s->score = 0;
	}
}

static json_t *
ledger_json(struct ledger *l)
{
	char id[IDENTITY_ID_STRLEN], fpr[IDENTITY_FPR_STRLEN];
	json_t *list = json_array(), *comp;
	size_t i, c;

	for (i = 0; list != NULL && i < l->nnodes; i++) {
		struct ledger_node *n = &l->nodes[i];

		identity_id_string(n->desc.signer, id);
		identity_fingerprint(n->desc.signer, fpr);
		comp = json_object();
		for (c = 0; comp != NULL && c < REP_NCOMPONENTS; c++)
			json_object_set_new(comp, rep_component_name(c),
			    json_pack("{s:f, s:f, s:f}",
			    "value", n->ex.comp[c].value,
			    "weight", n->ex.comp[c].weight,
			    "contribution", n->ex.comp[c].contribution));
		json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:f, "
		    "s:f, s:f, s:f, s:I, s:I, s:o}",
		    "id", id, "fingerprint", fpr,
		    "region", n->desc.u.desc.region,
		    "score", n->score, "confidence", n->ex.confidence,
		    "gate", n->ex.gate, "pass_median", n->ex.pass_median,
		    "reports", (json_int_t)n->ex.reports,
		    "verifiers", (json_int_t)n->ex.verifiers,
		    "components", comp));
	}
	return list;
}

static int
ledger_cmp(const void *a, const void *b)
{
	const struct ledger_node *x = a, *y = b;

	return x->score < y->score ? 1 : x->score > y->score ? -1 :
	    memcmp(x->desc.signer, y->desc.signer, CRYPTO_ED25519_PUB_LEN);
}

/* Load the records and score every node; 0, or -1 (l freed). */
static int
ledger_run(struct node *node, const uint8_t *network_id, struct ledger *l)
{
	struct rep_params par;
	struct rep_report *rr = NULL;
	struct rep_scratch *sc = NULL;
	double *prev = NULL;
	size_t i, k;
	int rc = -1;

	memset(l, 0, sizeof(*l));
	l->network_id = network_id;
	l->now = (uint64_t)time(NULL);
	rep_params_default(&par);
	if (node->store == NULL ||
	    (l->nodes = calloc(LEDGER_MAX_NODES, sizeof(*l->nodes))) == NULL ||
	    (l->reports = calloc(LEDGER_MAX_REPORTS,
	    sizeof(*l->reports))) == NULL)
		goto done;
	(void)store_netrec_list(node->store, NETREC_DESCRIPTOR,
	    (int64_t)l->now, ledger_add_node, l);
	(void)store_netrec_list(node->store, NETREC_REPORT, (int64_t)l->now,
	    ledger_add_report, l);
	if ((rr = calloc(l->nreports + 1, sizeof(*rr))) == NULL ||
	    (sc = calloc(l->nreports + 1, sizeof(*sc))) == NULL ||
	    (prev = calloc(l->nnodes + 1, sizeof(*prev))) == NULL)
		goto done;
	for (k = 0; k < LEDGER_ROUNDS; k++) {
		ledger_round(l, &par, prev, rr, sc);
		for (i = 0; i < l->nnodes; i++)
			prev[i] = l->nodes[i].score;
	}
	rc = 0;
done:
	free(rr);
	free(sc);
	free(prev);
	if (rc == -1) {
		free(l->nodes);
		free(l->reports);
		memset(l, 0, sizeof(*l));
	}
	return rc;
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
			*age = (double)(l.now - me->first) / 86400.0;
	}
	free(l.nodes);
	free(l.reports);
	return 0;
}

json_t *
ledger_leaderboard(struct node *node, const uint8_t *network_id)
{
	struct ledger l;
	json_t *out;

	if (ledger_run(node, network_id, &l) == -1)
		return NULL;
	qsort(l.nodes, l.nnodes, sizeof(*l.nodes), ledger_cmp);
	out = json_pack("{s:I, s:I, s:o}",
	    "nodes", (json_int_t)l.nnodes,
	    "reports", (json_int_t)l.nreports,
	    "leaderboard", ledger_json(&l));
	free(l.nodes);
	free(l.reports);
	return out;
}

/*
 * ledger_explain.c - one node's score explained (GET
 * /api/v1/network/nodes/ID "reputation", doc/REPUTATION.md 8.1): the
 * leaderboard entry, the reports that counted and how much, the vouches
 * on it and by it, its score history, and this node's own challenge
 * sessions about it.  Fingerprints only, never an address.
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
#include "node.h"
#include "store.h"

/* Add a number to a JSON object (NaN and infinities as 0). */
static void
ledger_set(json_t *o, const char *key, double v)
{
	json_object_set_new(o, key, json_real(isfinite(v) ? v : 0));
}

static int
ledger_cmp_weight(const void *a, const void *b)
{
	const struct rep_scratch *x = a, *y = b;

	if (x->weight != y->weight)
		return x->weight < y->weight ? 1 : -1;
	return x->index < y->index ? -1 : x->index > y->index;
}

/*
 * The reports counted for n, heaviest first: rep_score() again with the
 * inputs of the last round leaves each valid report's evidence and what
 * the caps left of it in the scratch.
 */
static json_t *
ledger_explain_reports(struct ledger *l, struct ledger_node *n)
{
	char fpr[IDENTITY_FPR_STRLEN];
	struct rep_explain ex;
	struct rep_input in;
	struct rep_scratch *s;
	json_t *list = json_array();
	size_t i, m;

	ledger_input(l, n, l->vscore, &in);
	if (list == NULL || rep_score(&l->par, &in, &ex) < 0)
		return list;
	m = in.nreports - ex.reports_ignored;
	for (i = 0; i < m; i++)
		l->sc[i].weight = l->sc[i].evidence * l->sc[i].scale;
	qsort(l->sc, m, sizeof(*l->sc), ledger_cmp_weight);
	for (i = 0; i < m && i < LEDGER_EXPLAIN_REPORTS; i++) {
		const struct netrec *r;
		const struct rep_report *rr;

		s = &l->sc[i];
		r = &l->reports[n->rfirst + s->index];
		rr = &l->rr[s->index];
		identity_fingerprint(r->signer, fpr);
		json_array_append_new(list, json_pack("{s:s, s:b, s:f, s:f, "
		    "s:I, s:I, s:f, s:I, s:I, s:f, s:f, s:f, s:b}",
		    "verifier", fpr,
		    "verifier_is_node", ledger_find(l, r->signer) != NULL,
		    "verifier_score", rr->verifier_score,
		    "verifier_age_days", rr->verifier_age,
		    "window_start", (json_int_t)r->u.report.window_start,
		    "window_end", (json_int_t)r->u.report.window_end,
		    "age_days", rr->age,
		    "sent", (json_int_t)rr->sent,
		    "passed", (json_int_t)rr->passed,
		    "evidence", s->evidence, "scale", s->scale,
		    "weight", s->weight,
		    "capped", s->scale < 1 - 1e-9));
	}
	return list;
}

/* One vouch as the explanation shows it, from the other side's ID. */
static json_t *
ledger_vouch_json(const struct ledger *l, const char *role,
    const uint8_t *other, const struct store_vouch *w,
    const struct ledger_vrec *r, double pending_stake)
{
	char id[IDENTITY_ID_STRLEN], fpr[IDENTITY_FPR_STRLEN];
	json_t *o;
	double penalty = 0;

	identity_id_string(other, id);
	identity_fingerprint(other, fpr);
	if ((o = json_pack("{s:s, s:s}", role, id, "fingerprint", fpr)) ==
	    NULL)
		return NULL;
	json_object_set_new(o, "points", r != NULL ?
	    json_integer(r->points) : json_null());
	json_object_set_new(o, "state", json_string(w != NULL ?
	    ledger_state_names[w->state] : "pending"));
	ledger_set(o, "stake", w != NULL ? w->stake : pending_stake);
	json_object_set_new(o, "first_seen", w != NULL ?
	    json_integer(w->first_seen) : json_null());
	json_object_set_new(o, "settled", w != NULL && w->settled != 0 ?
	    json_integer(w->settled) : json_null());
	if (w != NULL && w->state == STORE_VOUCH_FORFEIT)
		penalty = w->stake * pow(l->par.forfeit_forget,
		    ledger_days(l, w->settled));
	ledger_set(o, "penalty", penalty);
	return o;
}

/* The vouch record of a pair, if the store holds one. */
static const struct ledger_vrec *
ledger_find_vrec(const struct ledger *l, const uint8_t *voucher,
    const uint8_t *vouchee)
{
	size_t i;

	for (i = 0; i < l->nvrecs; i++)
		if (memcmp(l->vrecs[i].voucher, voucher, STORE_ID_LEN) == 0 &&
		    memcmp(l->vrecs[i].vouchee, vouchee, STORE_ID_LEN) == 0)
			return &l->vrecs[i];
	return NULL;
}

/*
 * The vouches on n ("received") and by n ("given"): the ledger's rows,
 * then the records it has not taken up yet ("pending", with the stake
 * the voucher could hold now).
 */
static void
ledger_explain_vouches(const struct ledger *l, const struct ledger_node *n,
    json_t *out)
{
	const uint8_t *id = n->desc.signer;
	const struct ledger_node *v;
	json_t *in = json_array(), *by = json_array();
	size_t i;

	for (i = 0; i < l->nvouches; i++) {
		const struct store_vouch *w = &l->vouches[i];

		if (memcmp(w->vouchee, id, STORE_ID_LEN) == 0)
			json_array_append_new(in, ledger_vouch_json(l,
			    "voucher", w->voucher, w, ledger_find_vrec(l,
			    w->voucher, id), 0));
		if (memcmp(w->voucher, id, STORE_ID_LEN) == 0)
			json_array_append_new(by, ledger_vouch_json(l,
			    "vouchee", w->vouchee, w, ledger_find_vrec(l, id,
			    w->vouchee), 0));
	}
	for (i = 0; i < l->nvrecs; i++) {
		const struct ledger_vrec *r = &l->vrecs[i];
		int is_in = memcmp(r->vouchee, id, STORE_ID_LEN) == 0;

		if ((!is_in && memcmp(r->voucher, id, STORE_ID_LEN) != 0) ||
		    ledger_find_vouch(l, r->voucher, r->vouchee) != NULL)
			continue;
		v = ledger_find(l, r->voucher);
		json_array_append_new(is_in ? in : by, ledger_vouch_json(l,
		    is_in ? "voucher" : "vouchee",
		    is_in ? r->voucher : r->vouchee, NULL, r,
		    v != NULL && ledger_find(l, r->vouchee) != NULL ?
		    ledger_stake(l, v, r->points) : 0));
	}
	json_object_set_new(out, "vouches_received", in);
	json_object_set_new(out, "vouches_given", by);
}

/* store_score_list() callback: one history point. */
static int
ledger_point_json(const struct store_score *p, void *arg)
{
	json_t *comp = json_object();
	size_t c;

	for (c = 0; comp != NULL && c < REP_NCOMPONENTS; c++)
		ledger_set(comp, rep_component_name(c), p->comp[c]);
	json_array_append_new(arg, json_pack("{s:I, s:f, s:f, s:o}",
	    "ts", (json_int_t)p->ts, "score", p->score,
	    "confidence", p->confidence, "components", comp));
	return 0;
}

/* store_challenge_list() callback: one of this node's sessions. */
static int
ledger_session_json(const struct store_challenge *c, void *arg)
{
	json_array_append_new(arg, json_pack("{s:I, s:I, s:s, s:I, s:I, s:I, "
	    "s:I, s:I, s:I, s:I, s:I, s:I}",
	    "started", (json_int_t)c->started, "ended", (json_int_t)c->ended,
	    "outcome", ledger_outcome_names[c->outcome],
	    "sent", (json_int_t)c->sent, "passed", (json_int_t)c->passed,
	    "late", (json_int_t)c->late, "forged", (json_int_t)c->forged,
	    "bytes", (json_int_t)c->bytes,
	    "throughput_kbps", (json_int_t)c->throughput_kbps,
	    "rtt_median_us", (json_int_t)c->rtt_median_us,
	    "rtt_spread_us", (json_int_t)c->rtt_spread_us,
	    "loss_ppm", (json_int_t)c->loss_ppm));
	return 0;
}

/* The rest of rep_explain, and the vouch figures. */
static void
ledger_explain_numbers(const struct ledger *l, const struct ledger_node *n,
    json_t *out)
{
	const struct rep_explain *ex = &n->ex;
	json_t *v = json_object();

	ledger_set(out, "base", ex->base);
	ledger_set(out, "alpha", ex->alpha);
	ledger_set(out, "beta", ex->beta);
	ledger_set(out, "evidence", ex->evidence);
	ledger_set(out, "verified", ex->verified);
	ledger_set(out, "bandwidth_kbps", ex->bandwidth_kbps);
	ledger_set(out, "rtt_ms", ex->rtt_ms);
	ledger_set(out, "spread_ms", ex->spread_ms);
	ledger_set(out, "loss", ex->loss);
	json_object_set_new(out, "reports_ignored",
	    json_integer((json_int_t)ex->reports_ignored));
	json_object_set_new(out, "prefixes",
	    json_integer((json_int_t)ex->prefixes));
	json_object_set_new(out, "verifiers_capped",
	    json_integer((json_int_t)ex->verifiers_capped));
	json_object_set_new(out, "prefixes_capped",
	    json_integer((json_int_t)ex->prefixes_capped));
	ledger_set(v, "boost", ex->vouch_boost);
	ledger_set(v, "held", ex->vouch_held);
	ledger_set(v, "penalty", ex->vouch_penalty);
	ledger_set(v, "own_score", ledger_own(n));
	ledger_set(v, "stake_available", ledger_stake(l, n, UINT32_MAX));
	json_object_set_new(out, "vouch", v);
}

/* GET /api/v1/network/nodes/ID "reputation". */
json_t *
ledger_explain(struct node *node, const uint8_t *network_id,
    const uint8_t id[32])
{
	struct ledger_node *n;
	struct ledger l;
	json_t *out = NULL, *hist, *ch;

	if (ledger_run(node, network_id, &l) == -1)
		return NULL;
	if ((n = ledger_find(&l, id)) == NULL ||
	    (out = ledger_entry(&l, n)) == NULL)
		goto done;
	ledger_explain_numbers(&l, n, out);
	json_object_set_new(out, "counted_reports",
	    ledger_explain_reports(&l, n));
	ledger_explain_vouches(&l, n, out);
	hist = json_array();
	ch = json_array();
	if (hist != NULL)
		(void)store_score_list(node->store, id, LEDGER_EXPLAIN_HISTORY,
		    ledger_point_json, hist);
	if (ch != NULL)
		(void)store_challenge_list(node->store, id,
		    LEDGER_EXPLAIN_CHALLENGES, ledger_session_json, ch);
	json_object_set_new(out, "history", hist);
	json_object_set_new(out, "challenges", ch);
done:
	ledger_free(&l);
	return out;
}

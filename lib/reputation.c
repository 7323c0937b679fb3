/*
 * reputation.c - the reputation score: pure functions over signed
 * measurement reports (doc/REPUTATION.md has every formula, parameter and
 * worked example).
 *
 * Owns no state.  rep_score() runs in five steps:
 *
 *  1. load: drop invalid reports; give each the evidence
 *	e = v(verifier score, verifier age) * lambda^age * min(sent, n_max)
 *  2. cap: scale each verifier's evidence to at most cap_verifier * E_full,
 *     then each prefix's to at most cap_prefix * E_full
 *  3. tally: alpha and beta of the beta reputation, the evidence E and
 *     the verified (passed) part of it, which alone earns confidence
 *  4. medians: pass fraction, throughput, RTT, spread and loss, weighted
 *     by evidence
 *  5. combine: score = confidence * gate * sum(w_k * C_k), then vouches;
 *     the gate is the median pass fraction ^ gamma, so a node that does
 *     not forward earns nothing for its uptime or age, and a minority of
 *     lying verifiers cannot shut the gate of an honest node
 *
 * The caps are absolute (a share of the evidence a full score needs), not
 * relative to what else there is: so a prefix full of Sybils can add at
 * most cap_prefix to anyone's confidence, however many identities it
 * holds, and a liar's share shrinks as honest evidence grows.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "chorus/reputation.h"

/*
 * A group this close above its cap is at it: rounding in the sum of a
 * group the verifier cap already scaled must not count it as capped.
 */
#define REP_CAP_SLACK		1e-12

static const char *const rep_names[REP_NCOMPONENTS] = {
	"reliability", "bandwidth", "latency", "stability", "uptime", "age"
};

/* x clamped to [0, 1]; NaN counts as 0. */
static double
rep_clamp01(double x)
{
	if (!(x > 0))
		return 0;
	return x > 1 ? 1 : x;
}

/* 1 if x is a finite number >= 0. */
static int
rep_nonneg(double x)
{
	return isfinite(x) && x >= 0;
}

/* The defaults; doc/REPUTATION.md "Parameters" says why. */
void
rep_params_default(struct rep_params *p)
{
	memset(p, 0, sizeof(*p));
	p->weight[REP_RELIABILITY] = 0.30;
	p->weight[REP_BANDWIDTH] = 0.20;
	p->weight[REP_LATENCY] = 0.10;
	p->weight[REP_STABILITY] = 0.15;
	p->weight[REP_UPTIME] = 0.15;
	p->weight[REP_AGE] = 0.10;
	p->prior_alpha = 1;
	p->prior_beta = 1;
	p->forget = 0.97;
	p->gate_exponent = 8;
	p->challenges_max = 100;
	p->evidence_full = 5000;
	p->cap_verifier = 0.05;
	p->cap_prefix = 0.10;
	p->verifier_floor = 0.1;
	p->verifier_ramp_days = 30;
	p->bw_floor_kbps = 1000;
	p->bw_full_kbps = 100000;
	p->bw_sample_bytes = 1000000;
	p->rtt_good_ms = 20;
	p->rtt_bad_ms = 300;
	p->spread_bad_ms = 100;
	p->loss_bad = 0.10;
	p->uptime_full_days = 30;
	p->uptime_history_days = 90;
	p->uptime_history_weight = 0.25;
	p->age_full_days = 180;
	p->vouch_stake = 0.2;
	p->vouch_min_score = 0.4;
	p->vouch_boost_max = 0.3;
	p->vouch_fail_reliability = 0.9;
	p->vouch_min_evidence = 500;
	p->vouch_min_prefixes = 3;
	p->vouch_release_score = 0.25;
	p->vouch_max_days = 60;
	p->forfeit_forget = 0.99;
	p->new_node_sessions_per_hour = 20;
	p->standing_score = 0.25;
	p->standing_age_days = 1;
}

/* 1 if 0 < x <= 1. */
static int
rep_unit_open(double x)
{
	return isfinite(x) && x > 0 && x <= 1;
}

/* 1 if x is finite and > 0. */
static int
rep_pos(double x)
{
	return isfinite(x) && x > 0;
}

/* 0 if every parameter is in its documented range, else -1. */
int
rep_params_check(const struct rep_params *p)
{
	double sum = 0;
	int i;

	if (p == NULL)
		return -1;
	for (i = 0; i < REP_NCOMPONENTS; i++) {
		if (!rep_nonneg(p->weight[i]))
			return -1;
		sum += p->weight[i];
	}
	if (!rep_pos(sum) || !rep_pos(p->prior_alpha) ||
	    !rep_pos(p->prior_beta) || !rep_unit_open(p->forget) ||
	    !rep_nonneg(p->gate_exponent) || p->challenges_max == 0 ||
	    !rep_pos(p->evidence_full) || !rep_unit_open(p->cap_verifier) ||
	    !rep_unit_open(p->cap_prefix) ||
	    !rep_nonneg(p->verifier_floor) || p->verifier_floor > 1 ||
	    !rep_nonneg(p->verifier_ramp_days))
		return -1;
	if (!rep_pos(p->bw_floor_kbps) || !(p->bw_full_kbps > p->bw_floor_kbps) ||
	    !isfinite(p->bw_full_kbps) || !rep_nonneg(p->bw_sample_bytes) ||
	    !rep_nonneg(p->rtt_good_ms) || !(p->rtt_bad_ms > p->rtt_good_ms) ||
	    !isfinite(p->rtt_bad_ms) || !rep_pos(p->spread_bad_ms) ||
	    !rep_unit_open(p->loss_bad))
		return -1;
	if (!rep_pos(p->uptime_full_days) || !rep_pos(p->uptime_history_days) ||
	    !rep_nonneg(p->uptime_history_weight) ||
	    p->uptime_history_weight > 1 || !rep_pos(p->age_full_days))
		return -1;
	if (!rep_nonneg(p->vouch_stake) || p->vouch_stake > 1 ||
	    !rep_nonneg(p->vouch_min_score) || p->vouch_min_score > 1 ||
	    !rep_nonneg(p->vouch_boost_max) || p->vouch_boost_max > 1 ||
	    !rep_nonneg(p->vouch_fail_reliability) ||
	    p->vouch_fail_reliability > 1 ||
	    !rep_nonneg(p->vouch_min_evidence) ||
	    !rep_nonneg(p->vouch_release_score) ||
	    !rep_nonneg(p->vouch_max_days) || !rep_unit_open(p->forfeit_forget))
		return -1;
	if (!rep_nonneg(p->standing_score) || p->standing_score > 1 ||
	    !rep_nonneg(p->standing_age_days))
		return -1;
	return 0;
}

/* The component's name, as the API shows it. */
const char *
rep_component_name(enum rep_component c)
{
	if ((int)c < 0 || c >= REP_NCOMPONENTS)
		return "unknown";
	return rep_names[c];
}

/* lambda^age: what is left of evidence age days old. */
double
rep_decay(const struct rep_params *p, double age_days)
{
	if (!(age_days > 0))
		return 1;
	return pow(p->forget, age_days);
}

/*
 * How much a verifier's reports count: ramp(age) * (floor + (1 - floor) *
 * score).  A new identity counts nothing; an old one with no standing
 * counts the floor, so a network of new nodes can still bootstrap.
 */
double
rep_verifier_weight(const struct rep_params *p, double score, double age_days)
{
	double ramp;

	if (p->verifier_ramp_days > 0)
		ramp = rep_clamp01(age_days / p->verifier_ramp_days);
	else
		ramp = age_days >= 0 ? 1 : 0;
	return ramp * (p->verifier_floor +
	    (1 - p->verifier_floor) * rep_clamp01(score));
}

/* Throughput on a log scale: 0 at the floor, 1 at bw_full and above. */
double
rep_bandwidth(const struct rep_params *p, double kbps)
{
	if (!(kbps > p->bw_floor_kbps))
		return 0;
	return rep_clamp01(log(kbps / p->bw_floor_kbps) /
	    log(p->bw_full_kbps / p->bw_floor_kbps));
}

/* RTT, linear: 1 at rtt_good and below, 0 at rtt_bad and above. */
double
rep_latency(const struct rep_params *p, double rtt_ms)
{
	return rep_clamp01((p->rtt_bad_ms - rtt_ms) /
	    (p->rtt_bad_ms - p->rtt_good_ms));
}

/* Jitter and loss, each linear to its "bad" point, multiplied. */
double
rep_stability(const struct rep_params *p, double spread_ms, double loss)
{
	return (1 - rep_clamp01(spread_ms / p->spread_bad_ms)) *
	    (1 - rep_clamp01(loss / p->loss_bad));
}

/*
 * (1 - h) * min(1, (streak / D)^2) + h * min(1, up / H): quadratic in the
 * current continuous streak, so one 30-day run is worth far more than
 * three runs of 10; a little for history, so a restart is not a reset to
 * zero.  up is at least the streak.
 */
double
rep_uptime(const struct rep_params *p, double streak_days, double up_days)
{
	double s, h;

	if (!(streak_days > 0))
		streak_days = 0;
	if (!(up_days > streak_days))
		up_days = streak_days;
	s = streak_days / p->uptime_full_days;
	s = s >= 1 ? 1 : s * s;
	h = rep_clamp01(up_days / p->uptime_history_days);
	return (1 - p->uptime_history_weight) * s +
	    p->uptime_history_weight * h;
}

/* Age, linear up to age_full_days. */
double
rep_age(const struct rep_params *p, double age_days)
{
	return rep_clamp01(age_days / p->age_full_days);
}

/* qsort order: by value, then by index, so the result is deterministic. */
static int
rep_cmp_value(const void *a, const void *b)
{
	const struct rep_scratch *x = a, *y = b;

	if (x->value != y->value)
		return x->value < y->value ? -1 : 1;
	if (x->index != y->index)
		return x->index < y->index ? -1 : 1;
	return 0;
}

/* qsort order: by key, then by index. */
static int
rep_cmp_key(const void *a, const void *b)
{
	const struct rep_scratch *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	if (x->index != y->index)
		return x->index < y->index ? -1 : 1;
	return 0;
}

/* The lower weighted median; items with weight <= 0 take no part. */
int
rep_weighted_median(struct rep_scratch *items, size_t n, double *out)
{
	double total = 0, cum = 0;
	size_t i;

	if (n == 0)
		return -1;
	qsort(items, n, sizeof(*items), rep_cmp_value);
	for (i = 0; i < n; i++)
		if (items[i].weight > 0)
			total += items[i].weight;
	if (!(total > 0))
		return -1;
	for (i = 0; i < n; i++) {
		if (!(items[i].weight > 0))
			continue;
		cum += items[i].weight;
		if (cum >= 0.5 * total) {
			*out = items[i].value;
			return 0;
		}
	}
	/* Unreachable: cum reaches total, total >= half of it. */
	return -1;
}

/* 1 if r may be counted for the subject of in. */
static int
rep_report_valid(const struct rep_input *in, const struct rep_report *r)
{
	if (r->sent == 0 || r->passed > r->sent)
		return 0;
	if (r->verifier == in->subject)
		return 0;
	if (in->subject_prefix != REP_PREFIX_NONE &&
	    r->prefix == in->subject_prefix)
		return 0;
	if (!isfinite(r->verifier_score) || !rep_nonneg(r->verifier_age) ||
	    !rep_nonneg(r->age) || !rep_nonneg(r->throughput_kbps) ||
	    !rep_nonneg(r->rtt_ms) || !rep_nonneg(r->spread_ms) ||
	    !rep_nonneg(r->loss) || r->loss > 1)
		return 0;
	return 1;
}

/* Step 1: the valid reports into scratch, with their evidence; how many. */
static size_t
rep_load(const struct rep_params *p, const struct rep_input *in,
    struct rep_explain *ex)
{
	const struct rep_report *r;
	struct rep_scratch *s;
	uint32_t n;
	size_t i, m = 0;

	for (i = 0; i < in->nreports; i++) {
		r = &in->reports[i];
		if (!rep_report_valid(in, r)) {
			ex->reports_ignored++;
			continue;
		}
		n = r->sent < p->challenges_max ? r->sent : p->challenges_max;
		s = &in->scratch[m++];
		memset(s, 0, sizeof(*s));
		s->index = i;
		s->evidence = rep_verifier_weight(p, r->verifier_score,
		    r->verifier_age) * rep_decay(p, r->age) * (double)n;
		s->scale = 1;
	}
	return m;
}

/*
 * Step 2, for one kind of group (verifier or prefix): scale every group
 * whose evidence exceeds cap down to exactly cap.  Counts the groups with
 * evidence and those capped.
 */
static void
rep_cap(const struct rep_input *in, size_t m, int by_prefix, double cap,
    size_t *groups, size_t *capped)
{
	struct rep_scratch *s = in->scratch;
	const struct rep_report *r;
	double sum, k;
	size_t i, j, g;

	if (m == 0)
		return;
	for (i = 0; i < m; i++) {
		r = &in->reports[s[i].index];
		s[i].key = by_prefix ? r->prefix : r->verifier;
	}
	qsort(s, m, sizeof(*s), rep_cmp_key);
	for (i = 0; i < m; i = j) {
		sum = 0;
		for (j = i; j < m && s[j].key == s[i].key; j++)
			sum += s[j].evidence * s[j].scale;
		if (!(sum > 0))
			continue;
		(*groups)++;
		if (sum <= cap * (1 + REP_CAP_SLACK))
			continue;
		(*capped)++;
		k = cap / sum;
		for (g = i; g < j; g++)
			s[g].scale *= k;
	}
}

/* Step 3: alpha, beta and the evidence, from the capped reports. */
static void
rep_tally(const struct rep_params *p, const struct rep_input *in, size_t m,
    struct rep_explain *ex)
{
	const struct rep_report *r;
	double w, pass;
	size_t i;

	ex->alpha = p->prior_alpha;
	ex->beta = p->prior_beta;
	for (i = 0; i < m; i++) {
		w = in->scratch[i].evidence * in->scratch[i].scale;
		if (!(w > 0))
			continue;
		r = &in->reports[in->scratch[i].index];
		pass = (double)r->passed / (double)r->sent;
		ex->alpha += w * pass;
		ex->beta += w * (1 - pass);
		ex->evidence += w;
		ex->verified += w * pass;
		ex->reports++;
	}
}

enum rep_measure {
	REP_M_PASS, REP_M_THROUGHPUT, REP_M_RTT, REP_M_SPREAD, REP_M_LOSS
};

/*
 * Step 4, one measure: its weighted median over the counted reports.
 * The pass fraction and loss are weighted by the evidence.  Throughput is weighted by how much of a sample a report verified; RTT
 * and spread by the passed share only, since lost challenges have none.
 */
static double
rep_median_of(const struct rep_params *p, const struct rep_input *in,
    size_t m, enum rep_measure what)
{
	struct rep_scratch *s;
	const struct rep_report *r;
	double w, med;
	size_t i;

	for (i = 0; i < m; i++) {
		s = &in->scratch[i];
		r = &in->reports[s->index];
		w = s->evidence * s->scale;
		switch (what) {
		case REP_M_PASS:
			s->value = (double)r->passed / (double)r->sent;
			break;
		case REP_M_THROUGHPUT:
			s->value = r->throughput_kbps;
			if (p->bw_sample_bytes > 0)
				w *= rep_clamp01((double)r->verified_bytes /
				    p->bw_sample_bytes);
			break;
		case REP_M_RTT:
		case REP_M_SPREAD:
			s->value = what == REP_M_RTT ? r->rtt_ms : r->spread_ms;
			w *= (double)r->passed / (double)r->sent;
			break;
		case REP_M_LOSS:
			s->value = r->loss;
			break;
		}
		s->weight = w;
	}
	if (rep_weighted_median(in->scratch, m, &med) == -1)
		return -1;
	return med;
}

/* Step 4: the medians and the components that come from them. */
static void
rep_measures(const struct rep_params *p, const struct rep_input *in,
    size_t m, struct rep_explain *ex)
{
	double pass, tp, rtt, spread, loss;

	pass = rep_median_of(p, in, m, REP_M_PASS);
	tp = rep_median_of(p, in, m, REP_M_THROUGHPUT);
	rtt = rep_median_of(p, in, m, REP_M_RTT);
	spread = rep_median_of(p, in, m, REP_M_SPREAD);
	loss = rep_median_of(p, in, m, REP_M_LOSS);
	/* No measurement counts as the worst one. */
	ex->pass_median = pass < 0 ? 0 : pass;
	ex->bandwidth_kbps = tp < 0 ? 0 : tp;
	ex->comp[REP_BANDWIDTH].value = tp < 0 ? 0 : rep_bandwidth(p, tp);
	ex->rtt_ms = rtt < 0 ? 0 : rtt;
	ex->comp[REP_LATENCY].value = rtt < 0 ? 0 : rep_latency(p, rtt);
	ex->spread_ms = spread < 0 ? 0 : spread;
	ex->loss = loss < 0 ? 0 : loss;
	ex->comp[REP_STABILITY].value = spread < 0 || loss < 0 ? 0 :
	    rep_stability(p, spread, loss);
}

/* 1 if the input's own numbers (not its reports) are usable. */
static int
rep_input_valid(const struct rep_input *in)
{
	size_t i;

	if (in == NULL)
		return 0;
	if (in->nreports > 0 && (in->reports == NULL || in->scratch == NULL))
		return 0;
	if (in->nforfeits > 0 && in->forfeits == NULL)
		return 0;
	if (!rep_nonneg(in->age) || !rep_nonneg(in->uptime_streak) ||
	    !rep_nonneg(in->uptime_days) || !rep_nonneg(in->vouch_received) ||
	    !rep_nonneg(in->vouch_held))
		return 0;
	for (i = 0; i < in->nforfeits; i++)
		if (!rep_nonneg(in->forfeits[i].stake) ||
		    !rep_nonneg(in->forfeits[i].age))
			return 0;
	return 1;
}

/* Step 5: weights, contributions and the evidence-only score. */
static void
rep_combine(const struct rep_params *p, const struct rep_input *in,
    struct rep_explain *ex)
{
	double sum = 0, r;
	int k;

	r = ex->alpha / (ex->alpha + ex->beta);
	ex->comp[REP_RELIABILITY].value = r;
	ex->comp[REP_UPTIME].value = rep_uptime(p, in->uptime_streak,
	    in->uptime_days);
	ex->comp[REP_AGE].value = rep_age(p, in->age);
	ex->confidence = rep_clamp01(ex->verified / p->evidence_full);
	ex->gate = pow(ex->pass_median, p->gate_exponent);
	for (k = 0; k < REP_NCOMPONENTS; k++)
		sum += p->weight[k];
	ex->base = 0;
	for (k = 0; k < REP_NCOMPONENTS; k++) {
		ex->comp[k].weight = p->weight[k] / sum;
		ex->comp[k].contribution = ex->confidence * ex->gate *
		    ex->comp[k].weight * ex->comp[k].value;
		ex->base += ex->comp[k].contribution;
	}
}

/* Step 5, vouches: boost in, stakes out, decayed forfeits. */
static void
rep_vouches(const struct rep_params *p, const struct rep_input *in,
    struct rep_explain *ex)
{
	size_t i;

	ex->vouch_boost = in->vouch_received < p->vouch_boost_max ?
	    in->vouch_received : p->vouch_boost_max;
	ex->vouch_held = in->vouch_held;
	ex->vouch_penalty = 0;
	for (i = 0; i < in->nforfeits; i++)
		ex->vouch_penalty += in->forfeits[i].stake *
		    pow(p->forfeit_forget, in->forfeits[i].age);
	ex->score = rep_clamp01(ex->base + ex->vouch_boost - ex->vouch_held -
	    ex->vouch_penalty);
}

/* The subject's score, and why. */
double
rep_score(const struct rep_params *p, const struct rep_input *in,
    struct rep_explain *out)
{
	struct rep_explain local, *ex = out != NULL ? out : &local;
	size_t m;

	memset(ex, 0, sizeof(*ex));
	if (rep_params_check(p) == -1 || !rep_input_valid(in))
		return -1;
	m = rep_load(p, in, ex);
	rep_cap(in, m, 0, p->cap_verifier * p->evidence_full,
	    &ex->verifiers, &ex->verifiers_capped);
	rep_cap(in, m, 1, p->cap_prefix * p->evidence_full,
	    &ex->prefixes, &ex->prefixes_capped);
	rep_tally(p, in, m, ex);
	rep_measures(p, in, m, ex);
	rep_combine(p, in, ex);
	rep_vouches(p, in, ex);
	return ex->score;
}

/* The stake a voucher of this score puts up; 0 if it may not vouch. */
double
rep_vouch_stake(const struct rep_params *p, double voucher_score)
{
	if (!(voucher_score >= p->vouch_min_score) || !(voucher_score > 0))
		return 0;
	return p->vouch_stake * rep_clamp01(voucher_score);
}

/*
 * Forfeit if enough evidence from enough prefixes shows the vouchee's
 * reliability under the threshold, both pooled (R) and robustly (the
 * median pass fraction, which a minority of liars cannot move); return the stake once the vouchee's
 * own evidence carries it, or when the vouch's term is over.
 */
enum rep_vouch_state
rep_vouch_settle(const struct rep_params *p, const struct rep_explain *v,
    double vouch_age_days)
{
	if (v->evidence >= p->vouch_min_evidence &&
	    v->prefixes >= p->vouch_min_prefixes &&
	    v->comp[REP_RELIABILITY].value < p->vouch_fail_reliability &&
	    v->pass_median < p->vouch_fail_reliability)
		return REP_VOUCH_FORFEIT;
	if (v->base >= p->vouch_release_score ||
	    vouch_age_days >= p->vouch_max_days)
		return REP_VOUCH_RETURNED;
	return REP_VOUCH_HELD;
}

/* Standing: score and age both at their thresholds. */
int
rep_has_standing(const struct rep_params *p, double score, double age_days)
{
	return score >= p->standing_score && age_days >= p->standing_age_days;
}

/* A node without standing takes at most new_node_sessions_per_hour. */
uint32_t
rep_session_allowance(const struct rep_params *p, double score,
    double age_days)
{
	if (rep_has_standing(p, score, age_days))
		return REP_SESSIONS_UNLIMITED;
	return p->new_node_sessions_per_hour;
}

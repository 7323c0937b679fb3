/*
 * test_reputation.c - the reputation score: every worked example of
 * doc/REPUTATION.md number for number (to 1e-9; the doc's numbers were
 * computed independently, with a naive Python transcription of the doc's
 * formulas), then the properties the design promises: monotonicity in
 * passed challenges, 30 days of streak worth more than 3 x 10, the Sybil
 * and defamation bounds, verifier and prefix caps, a weighted median a
 * liar cannot move, vouch stakes lost, new-node limits, invalid input,
 * and a 60-day network simulation in which a node dropping 20 % and a
 * node that forwards nothing end below half an honest node's score.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "chorus/reputation.h"
#include "../tap.h"

#define EPS		1e-9
#define MAX_REPORTS	4096
#define SUBJECT		99

static struct rep_params P;
static struct rep_report reports[MAX_REPORTS];
static struct rep_scratch scratch[MAX_REPORTS];

/* got within EPS of want (absolute). */
static int
is_near(double got, double want, const char *name)
{
	int ok = fabs(got - want) <= EPS;

	if (!tap_ok(ok, "%s", name))
		tap_diag("  got %.12f, want %.12f", got, want);
	return ok;
}

/* A report from a full-standing verifier, as the doc's examples start. */
static struct rep_report
base_report(uint64_t verifier, uint64_t prefix, uint32_t passed)
{
	struct rep_report r;

	memset(&r, 0, sizeof(r));
	r.verifier = verifier;
	r.prefix = prefix;
	r.verifier_score = 1;
	r.verifier_age = 400;
	r.age = 0;
	r.sent = 100;
	r.passed = passed;
	r.verified_bytes = 2000000;
	r.throughput_kbps = 20000;
	r.rtt_ms = 48;
	r.spread_ms = 12;
	r.loss = 0.01;
	return r;
}

/* An input over reports[0..n) with the given age and uptime. */
static struct rep_input
make_input(size_t n, double age, double streak, double up)
{
	struct rep_input in;

	memset(&in, 0, sizeof(in));
	in.subject = SUBJECT;
	in.subject_prefix = REP_PREFIX_NONE;
	in.age = age;
	in.uptime_streak = streak;
	in.uptime_days = up;
	in.reports = reports;
	in.nreports = n;
	in.scratch = scratch;
	return in;
}

/* The scratch slot rep_score() left for report index, or NULL. */
static const struct rep_scratch *
slot_of(size_t index, size_t nvalid)
{
	size_t i;

	for (i = 0; i < nvalid; i++)
		if (scratch[i].index == index)
			return &scratch[i];
	return NULL;
}

/* Report index has evidence e and cap scale k (scratch after scoring). */
static void
check_slot(const char *name, size_t index, size_t nvalid, double e,
    double k)
{
	const struct rep_scratch *sl = slot_of(index, nvalid);
	char buf[128];

	snprintf(buf, sizeof(buf), "%s: evidence", name);
	is_near(sl != NULL ? sl->evidence : -1, e, buf);
	snprintf(buf, sizeof(buf), "%s: cap scale", name);
	is_near(sl != NULL ? sl->scale : -1, k, buf);
}

/* What a worked example shows of an explanation. */
struct want_explain {
	double		alpha, beta, evidence, verified, pass_median, bw;
	double		rtt, spread;
	double		loss, confidence, gate, score;
	double		comp[REP_NCOMPONENTS];
	double		contrib[REP_NCOMPONENTS];
	size_t		reports, ignored, verifiers, prefixes, vcapped, pcapped;
};

/* Compare every number of an explanation with a worked example. */
static void
check_explain(const char *ex, double score, const struct rep_explain *e,
    const struct want_explain *w)
{
	char name[128];
	int k;

#define NEAR(field, got, want) do {					\
	snprintf(name, sizeof(name), "%s: %s", ex, field);		\
	is_near(got, want, name);					\
} while (0)
#define SAME(field, got, want) do {					\
	snprintf(name, sizeof(name), "%s: %s", ex, field);		\
	tap_is_int((long long)(got), (long long)(want), name);		\
} while (0)
	NEAR("returned score", score, w->score);
	NEAR("score", e->score, w->score);
	NEAR("alpha", e->alpha, w->alpha);
	NEAR("beta", e->beta, w->beta);
	NEAR("evidence", e->evidence, w->evidence);
	NEAR("verified", e->verified, w->verified);
	NEAR("pass median", e->pass_median, w->pass_median);
	NEAR("bandwidth median", e->bandwidth_kbps, w->bw);
	NEAR("rtt median", e->rtt_ms, w->rtt);
	NEAR("spread median", e->spread_ms, w->spread);
	NEAR("loss median", e->loss, w->loss);
	NEAR("confidence", e->confidence, w->confidence);
	NEAR("gate", e->gate, w->gate);
	for (k = 0; k < REP_NCOMPONENTS; k++) {
		snprintf(name, sizeof(name), "%s: %s value", ex,
		    rep_component_name(k));
		is_near(e->comp[k].value, w->comp[k], name);
		snprintf(name, sizeof(name), "%s: %s contribution", ex,
		    rep_component_name(k));
		is_near(e->comp[k].contribution, w->contrib[k], name);
	}
	SAME("reports", e->reports, w->reports);
	SAME("ignored", e->reports_ignored, w->ignored);
	SAME("verifiers", e->verifiers, w->verifiers);
	SAME("prefixes", e->prefixes, w->prefixes);
	SAME("verifiers capped", e->verifiers_capped, w->vcapped);
	SAME("prefixes capped", e->prefixes_capped, w->pcapped);
#undef NEAR
#undef SAME
}

/* Defaults as documented, and the range checks. */
static void
test_params(void)
{
	struct rep_params q;
	double sum = 0;
	int k, i;
	/* Each mutation must make the parameters invalid. */
	static const struct {
		const char	*name;
		size_t		 off;
		double		 value;
	} bad[] = {
#define OFF(f)	offsetof(struct rep_params, f)
		{ "forget 0", OFF(forget), 0 },
		{ "forget above 1", OFF(forget), 1.01 },
		{ "forget NaN", OFF(forget), NAN },
		{ "prior alpha 0", OFF(prior_alpha), 0 },
		{ "prior beta -1", OFF(prior_beta), -1 },
		{ "gate exponent -1", OFF(gate_exponent), -1 },
		{ "evidence_full 0", OFF(evidence_full), 0 },
		{ "evidence_full inf", OFF(evidence_full), INFINITY },
		{ "cap_verifier 0", OFF(cap_verifier), 0 },
		{ "cap_prefix 1.5", OFF(cap_prefix), 1.5 },
		{ "verifier_floor 2", OFF(verifier_floor), 2 },
		{ "ramp -1", OFF(verifier_ramp_days), -1 },
		{ "bw_floor 0", OFF(bw_floor_kbps), 0 },
		{ "bw_full below floor", OFF(bw_full_kbps), 500 },
		{ "rtt_bad below good", OFF(rtt_bad_ms), 10 },
		{ "spread_bad 0", OFF(spread_bad_ms), 0 },
		{ "loss_bad 0", OFF(loss_bad), 0 },
		{ "uptime D 0", OFF(uptime_full_days), 0 },
		{ "history weight 2", OFF(uptime_history_weight), 2 },
		{ "age_full 0", OFF(age_full_days), 0 },
		{ "stake 1.5", OFF(vouch_stake), 1.5 },
		{ "boost -0.1", OFF(vouch_boost_max), -0.1 },
		{ "forfeit_forget 0", OFF(forfeit_forget), 0 },
		{ "standing 1.2", OFF(standing_score), 1.2 },
#undef OFF
	};

	rep_params_default(&P);
	tap_is_int(rep_params_check(&P), 0, "defaults are valid");
	tap_is_int(rep_params_check(NULL), -1, "NULL params refused");
	for (k = 0; k < REP_NCOMPONENTS; k++)
		sum += P.weight[k];
	is_near(sum, 1, "default weights sum to 1");
	is_near(P.weight[REP_RELIABILITY], 0.30, "reliability weight .30");
	is_near(P.forget, 0.97, "lambda .97");
	is_near(P.gate_exponent, 8, "gamma 8");
	tap_is_int(P.challenges_max, 100, "n_max 100");
	is_near(P.evidence_full, 5000, "E_full 5000");
	is_near(P.cap_verifier, 0.05, "cap_verifier .05");
	is_near(P.cap_prefix, 0.10, "cap_prefix .10");
	tap_is_int(P.new_node_sessions_per_hour, 20, "20 sessions/h");
	for (i = 0; i < (int)(sizeof(bad) / sizeof(bad[0])); i++) {
		q = P;
		*(double *)(void *)((char *)&q + bad[i].off) = bad[i].value;
		tap_is_int(rep_params_check(&q), -1, bad[i].name);
	}
	q = P;
	for (k = 0; k < REP_NCOMPONENTS; k++)
		q.weight[k] = 0;
	tap_is_int(rep_params_check(&q), -1, "all weights 0 refused");
	q = P;
	q.weight[REP_AGE] = -0.1;
	tap_is_int(rep_params_check(&q), -1, "negative weight refused");
	q = P;
	q.challenges_max = 0;
	tap_is_int(rep_params_check(&q), -1, "n_max 0 refused");
	q = P;
	q.forget = 1;
	tap_is_int(rep_params_check(&q), 0, "lambda 1 (no forgetting) ok");
}

/* Examples 1-4: the pieces, one formula each. */
static void
test_pieces(void)
{
	is_near(rep_verifier_weight(&P, 0.6, 12), 0.256, "ex1: v(.6, 12 d)");
	is_near(rep_verifier_weight(&P, 0, 45), 0.1, "ex1: v(0, 45 d)");
	is_near(rep_verifier_weight(&P, 0.9, 0), 0, "ex1: v(.9, 0 d)");
	is_near(rep_verifier_weight(&P, 1, 400), 1, "ex1: v(1, 400 d)");
	is_near(rep_verifier_weight(&P, 7, 400), 1, "v: score clamped to 1");
	is_near(rep_verifier_weight(&P, -3, 400), 0.1, "v: score clamped 0");
	is_near(rep_decay(&P, 5), 0.8587340257, "ex2: decay 5 d");
	is_near(rep_decay(&P, 30), 0.4010070685, "ex2: decay 30 d");
	is_near(rep_decay(&P, 22.7565730628), 0.5, "ex2: half-life");
	is_near(rep_decay(&P, 0), 1, "decay 0 d");
	is_near(rep_bandwidth(&P, 10000), 0.5, "ex3: bw 10 Mbit/s");
	is_near(rep_bandwidth(&P, 20000), 0.6505149978, "ex3: bw 20 Mbit/s");
	is_near(rep_bandwidth(&P, 500), 0, "ex3: bw below floor");
	is_near(rep_bandwidth(&P, 250000), 1, "ex3: bw above full");
	is_near(rep_bandwidth(&P, 24000), 0.6901056209, "ex3: bw 24 Mbit/s");
	is_near(rep_latency(&P, 48), 0.9, "ex3: latency 48 ms");
	is_near(rep_latency(&P, 160), 0.5, "ex3: latency 160 ms");
	is_near(rep_latency(&P, 10), 1, "ex3: latency 10 ms");
	is_near(rep_latency(&P, 400), 0, "latency 400 ms");
	is_near(rep_stability(&P, 12, 0.01), 0.792, "ex3: stability 12/.01");
	is_near(rep_stability(&P, 30, 0.05), 0.35, "ex3: stability 30/.05");
	is_near(rep_stability(&P, 10, 0.02), 0.72, "ex3: stability 10/.02");
	is_near(rep_stability(&P, 5, 0.2), 0, "stability: loss past bad");
	is_near(rep_uptime(&P, 30, 30), 0.8333333333, "ex4: uptime 30/30");
	is_near(rep_uptime(&P, 10, 30), 0.1666666667, "ex4: uptime 10/30");
	is_near(rep_uptime(&P, 15, 15), 0.2291666667, "ex4: uptime 15/15");
	is_near(rep_uptime(&P, 45, 80), 0.9722222222, "ex4: uptime 45/80");
	is_near(rep_uptime(&P, 0, 60), 0.1666666667, "ex4: uptime 0/60");
	is_near(rep_uptime(&P, 12, 3), rep_uptime(&P, 12, 12),
	    "uptime: up days at least the streak");
	is_near(rep_age(&P, 45), 0.25, "ex4: age 45 d");
	is_near(rep_age(&P, 1000), 1, "age capped");
	tap_is_str(rep_component_name(REP_STABILITY), "stability", "name");
	tap_is_str(rep_component_name(REP_NCOMPONENTS), "unknown", "bad name");
}

/* The uptime property: one 30-day streak beats three of 10 days. */
static void
test_uptime_property(void)
{
	double d, a;
	int ok = 1;

	is_near(rep_uptime(&P, 10, 10), 0.1111111111, "ex4: uptime 10/10");
	tap_ok(rep_uptime(&P, 30, 30) > 3 * rep_uptime(&P, 10, 10),
	    "U(30 d streak) > 3 x U(10 d streak)");
	tap_ok(rep_uptime(&P, 30, 30) > rep_uptime(&P, 10, 30),
	    "30 continuous days beat the last of three 10-day runs");
	is_near(rep_uptime(&P, 30, 30) - rep_uptime(&P, 10, 30),
	    0.6666666667, "and by exactly .75 * (1 - 1/9)");
	/* Superadditive below D: a streak of d beats streaks a and d - a. */
	for (d = 2; d <= 30; d += 1)
		for (a = 1; a < d; a += 1)
			if (!(rep_uptime(&P, d, d) - P.uptime_history_weight *
			    d / P.uptime_history_days >
			    rep_uptime(&P, a, a) + rep_uptime(&P, d - a, d - a) -
			    P.uptime_history_weight * d /
			    P.uptime_history_days))
				ok = 0;
	tap_ok(ok, "streak part superadditive for all splits up to D");
	ok = 1;
	for (d = 0; d < 100; d += 0.5)
		if (rep_uptime(&P, d + 0.5, d + 0.5) < rep_uptime(&P, d, d))
			ok = 0;
	tap_ok(ok, "uptime never falls as the streak grows");
}

/* Example 5: the weighted median, and its edge cases. */
static void
test_median(void)
{
	struct rep_scratch it[8];
	double med = -1;

	memset(it, 0, sizeof(it));
	it[0].value = 18000; it[0].weight = 2; it[0].index = 0;
	it[1].value = 9000000; it[1].weight = 1; it[1].index = 1;
	it[2].value = 20000; it[2].weight = 3; it[2].index = 2;
	it[3].value = 25000; it[3].weight = 1; it[3].index = 3;
	/* The weighted mean would be 1303000: the liar would win. */
	tap_is_int(rep_weighted_median(it, 4, &med), 0, "ex5: median found");
	is_near(med, 20000, "ex5: median 20000 despite the liar");
	tap_is_int(rep_weighted_median(it, 0, &med), -1, "no items");
	memset(it, 0, sizeof(it));
	it[0].value = 5; it[0].weight = 0;
	it[1].value = 6; it[1].weight = -1;
	tap_is_int(rep_weighted_median(it, 2, &med), -1, "no positive weight");
	memset(it, 0, sizeof(it));
	it[0].value = 7; it[0].weight = 1; it[0].index = 0;
	it[1].value = 3; it[1].weight = 1; it[1].index = 1;
	tap_is_int(rep_weighted_median(it, 2, &med), 0, "two equal weights");
	is_near(med, 3, "lower median of two equal weights");
	memset(it, 0, sizeof(it));
	it[0].value = 1; it[0].weight = 0; it[0].index = 0;
	it[1].value = 2; it[1].weight = 1; it[1].index = 1;
	it[2].value = 3; it[2].weight = 1.5; it[2].index = 2;
	tap_is_int(rep_weighted_median(it, 3, &med), 0, "zero weight skipped");
	is_near(med, 3, "median 3: 1 has no weight, 3 outweighs 2");
}

/* Example 6's five reports, A to E, into reports[0..5). */
static void
young_reports(void)
{
	reports[0] = base_report(1, 0x0a0001, 98);
	reports[0].verifier_score = 0.8;
	reports[0].verifier_age = 60;
	reports[0].throughput_kbps = 24000;
	reports[0].rtt_ms = 45;
	reports[0].spread_ms = 10;
	reports[0].loss = 0.02;
	reports[1] = base_report(2, 0x0a0002, 240);
	reports[1].verifier_score = 0.5;
	reports[1].verifier_age = 90;
	reports[1].age = 2;
	reports[1].sent = 250;
	reports[1].verified_bytes = 3000000;
	reports[1].throughput_kbps = 18000;
	reports[1].rtt_ms = 60;
	reports[1].spread_ms = 14;
	reports[1].loss = 0.04;
	reports[2] = base_report(3, 0x0a0003, 45);
	reports[2].verifier_score = 0.2;
	reports[2].verifier_age = 10;
	reports[2].age = 1;
	reports[2].sent = 50;
	reports[2].verified_bytes = 500000;
	reports[2].throughput_kbps = 90000;
	reports[2].rtt_ms = 30;
	reports[2].spread_ms = 8;
	reports[2].loss = 0.10;
	/* A brand-new verifier: valid, but weight 0, so not counted. */
	reports[3] = base_report(4, 0x0a0004, 100);
	reports[3].verifier_score = 0.9;
	reports[3].verifier_age = 0;
	reports[3].throughput_kbps = 500000;
	reports[3].rtt_ms = 5;
	reports[3].spread_ms = 1;
	reports[3].loss = 0;
	/* Invalid: passed > sent. */
	reports[4] = base_report(5, 0x0a0005, 11);
	reports[4].verifier_score = 0.9;
	reports[4].verifier_age = 100;
	reports[4].sent = 10;
}

/* Example 6: a young node, every number. */
static void
test_young(void)
{
	static const struct want_explain w = {
		.alpha = 135.11352, .beta = 5.1626466667,
		.evidence = 138.2761666667, .verified = 134.11352,
		.pass_median = 0.98, .bw = 24000, .rtt = 45, .spread = 10,
		.loss = 0.02, .confidence = 0.026822704, .gate = 0.8507630226,
		.score = 0.0151218053,
		.comp = { 0.9631965516, 0.6901056209, 0.9107142857, 0.72, 0.17,
		    0.1111111111 },
		.contrib = { 0.0065939756, 0.0031496096, 0.0020782286,
		    0.0024645346, 0.0005819040, 0.0002535529 },
		.reports = 3, .ignored = 1, .verifiers = 3, .prefixes = 3,
	};
	struct rep_input in;
	struct rep_explain e;
	double s;

	young_reports();
	in = make_input(5, 20, 12, 18);
	s = rep_score(&P, &in, &e);
	check_explain("ex6", s, &e, &w);
	check_slot("ex6 A", 0, 4, 82, 1);
	check_slot("ex6 B", 1, 4, 51.7495, 1);
	check_slot("ex6 C", 2, 4, 4.5266666667, 1);
	check_slot("ex6 D (new verifier)", 3, 4, 0, 1);
	tap_ok(slot_of(4, 4) == NULL, "ex6 E (invalid) has no slot");
	is_near(rep_verifier_weight(&P, 0.8, 60), 0.82, "ex6: v of A");
	is_near(rep_verifier_weight(&P, 0.5, 90), 0.55, "ex6: v of B");
	is_near(rep_decay(&P, 2), 0.9409, "ex6: d of B");
	is_near(e.base / (e.confidence * e.gate), 0.6626626293,
	    "ex6: weighted sum of the components");
	is_near(e.base, w.score, "ex6: base = score without vouches");
	is_near(e.comp[REP_AGE].weight, 0.10, "ex6: age weight shown");
	is_near(rep_verifier_weight(&P, 0.2, 10), 0.0933333333,
	    "ex6: verifier 3 weight");
	is_near(rep_verifier_weight(&P, 0.5, 90) * rep_decay(&P, 2) * 100,
	    51.7495, "ex6: report B evidence");
	/* The answer does not depend on the order of the reports. */
	reports[5] = reports[0];
	reports[0] = reports[4];
	reports[4] = reports[5];
	in.nreports = 5;
	tap_ok(fabs(rep_score(&P, &in, NULL) - s) < 1e-12,
	    "ex6: same score with the reports reordered, out NULL");
}

/* Example 7: verifier and prefix caps. */
static void
test_caps(void)
{
	static const struct want_explain w = {
		.alpha = 1142.5, .beta = 59.5, .evidence = 1200,
		.verified = 1141.5, .pass_median = 0.97, .bw = 20000, .rtt = 48,
		.spread = 12, .loss = 0.01, .confidence = 0.2283,
		.gate = 0.7837433594, .score = 0.1556475068,
		.comp = { 0.9504991681, 0.6505149978, 0.9, 0.792, 0.9722222222,
		    1 },
		.contrib = { 0.0510214482, 0.0232791487, 0.0161035748,
		    0.0212567187, 0.0260937555, 0.0178928609 },
		.reports = 16, .ignored = 0, .verifiers = 6, .prefixes = 3,
		.vcapped = 2, .pcapped = 1,
	};
	struct rep_input in;
	struct rep_explain e;
	size_t n = 0, i;
	uint64_t v;
	double s;

	for (i = 0; i < 5; i++)
		reports[n++] = base_report(1, 1, 100);
	for (i = 0; i < 3; i++)
		reports[n++] = base_report(2, 2, 99);
	for (i = 0; i < 2; i++)
		reports[n++] = base_report(3, 2, 97);
	for (v = 4; v <= 6; v++)
		for (i = 0; i < 2; i++)
			reports[n++] = base_report(v, 3, 90);
	in = make_input(n, 200, 45, 80);
	s = rep_score(&P, &in, &e);
	check_explain("ex7", s, &e, &w);
	check_slot("ex7 verifier 1", 0, n, 100, 0.5);
	check_slot("ex7 verifier 2", 5, n, 100, 250.0 / 300);
	check_slot("ex7 verifier 3", 8, n, 100, 1);
	check_slot("ex7 verifier 4", 10, n, 100, 500.0 / 600);
	check_slot("ex7 verifier 6", 15, n, 100, 500.0 / 600);
}

/* Builds example 8's subject: 20 verifiers x 3 reports, one behaviour. */
static size_t
steady_reports(uint32_t passed, double kbps, double loss)
{
	size_t n = 0;
	uint64_t v;
	int i;

	for (v = 0; v < 20; v++)
		for (i = 0; i < 3; i++) {
			reports[n] = base_report(v, 100 + v, passed);
			reports[n].throughput_kbps = kbps;
			reports[n].loss = loss;
			n++;
		}
	return n;
}

/* Example 8: steady state; an honest, a dropping, a silent node. */
static void
test_steady(void)
{
	static const struct want_explain honest = {
		.alpha = 4951, .beta = 51, .evidence = 5000, .verified = 4950,
		.pass_median = 0.99, .bw = 20000, .rtt = 48, .spread = 12,
		.loss = 0.01, .confidence = 0.99, .gate = 0.9227446944,
		.score = 0.8054276545,
		.comp = { 0.9898040784, 0.6505149978, 0.9, 0.792, 0.9722222222,
		    1 },
		.contrib = { 0.2712609292, 0.1188513341, 0.0822165523,
		    0.1085258490, 0.1332212653, 0.0913517247 },
		.reports = 60, .verifiers = 20, .prefixes = 20, .vcapped = 20,
	};
	static const struct want_explain dropper = {
		.alpha = 4001, .beta = 1001, .evidence = 5000, .verified = 4000,
		.pass_median = 0.8, .bw = 16000, .rtt = 48, .spread = 12,
		.loss = 0.2, .confidence = 0.8, .gate = 0.16777216,
		.score = 0.0934436366,
		.comp = { 0.7998800480, 0.6020599913, 0.9, 0, 0.9722222222, 1 },
		.contrib = { 0.0322074248, 0.0161614248, 0.0120795955, 0,
		    0.0195734187, 0.0134217728 },
		.reports = 60, .verifiers = 20, .prefixes = 20, .vcapped = 20,
	};
	static const struct want_explain silent = {
		.alpha = 1, .beta = 5001, .evidence = 5000, .pass_median = 0,
		.bw = 0, .rtt = 0, .spread = 0, .loss = 1,
		.confidence = 0, .gate = 0, .score = 0,
		.comp = { 0.0001999200, 0, 0, 0, 0.9722222222, 1 },
		.reports = 60, .verifiers = 20, .prefixes = 20, .vcapped = 20,
	};
	struct rep_input in;
	struct rep_explain e;
	double h, d, s;

	in = make_input(steady_reports(99, 20000, 0.01), 200, 45, 80);
	h = rep_score(&P, &in, &e);
	check_explain("ex8 honest", h, &e, &honest);
	in = make_input(steady_reports(80, 16000, 0.20), 200, 45, 80);
	d = rep_score(&P, &in, &e);
	check_explain("ex8 dropping 20 %", d, &e, &dropper);
	in = make_input(steady_reports(0, 0, 1), 200, 45, 80);
	s = rep_score(&P, &in, &e);
	check_explain("ex8 not forwarding", s, &e, &silent);
	is_near(d / h, 0.1160174177, "ex8: dropper / honest");
	tap_ok(e.comp[REP_RELIABILITY].value < 0.001,
	    "ex8: not forwarding: reliability near 0");
}

/* Example 9 and the Sybil properties. */
static void
test_sybil(void)
{
	static const struct want_explain aged = {
		.alpha = 501, .beta = 1, .evidence = 500, .verified = 500,
		.pass_median = 1,
		.bw = 1000000, .rtt = 1, .spread = 0, .loss = 0,
		.confidence = 0.1, .gate = 1, .score = 0.0999402390,
		.comp = { 0.9980079681, 1, 1, 1, 1, 1 },
		.contrib = { 0.0299402390, 0.02, 0.01, 0.015, 0.015, 0.01 },
		.reports = 2000, .verifiers = 20, .prefixes = 1, .vcapped = 20,
		.pcapped = 1,
	};
	struct rep_input in;
	struct rep_explain e;
	size_t n = 0, k;
	uint64_t v;
	double s;
	int i, ok;

	/* 20 identities in one /24, a year old, claiming perfection. */
	for (v = 0; v < 20; v++)
		for (i = 0; i < 100; i++) {
			reports[n] = base_report(v, 0xc0a801, 100);
			reports[n].throughput_kbps = 1000000;
			reports[n].rtt_ms = 1;
			reports[n].spread_ms = 0;
			reports[n].loss = 0;
			n++;
		}
	in = make_input(n, 180, 30, 90);
	s = rep_score(&P, &in, &e);
	check_explain("ex9 one /24 of aged Sybils", s, &e, &aged);
	tap_ok(s <= P.cap_prefix, "ex9: at most cap_prefix = 0.10");
	tap_ok(s < P.standing_score && s < P.vouch_min_score,
	    "ex9: below standing and below the vouching threshold");
	/* The same identities fresh (age 0): nothing at all. */
	for (k = 0; k < n; k++)
		reports[k].verifier_age = 0;
	s = rep_score(&P, &in, &e);
	is_near(s, 0, "ex9: fresh identities lift nothing");
	tap_is_int(e.reports, 0, "ex9: fresh: no report counted");
	/* A week old, whatever they say: still under the bound. */
	for (k = 0; k < n; k++)
		reports[k].verifier_age = 7;
	tap_ok(rep_score(&P, &in, NULL) <= P.cap_prefix,
	    "week-old Sybils stay under cap_prefix");
	/* k prefixes of Sybils lift at most k * cap_prefix. */
	ok = 1;
	for (k = 1; k <= 12; k++) {
		for (n = 0; n < k * 20; n++) {
			reports[n] = base_report(n, 1000 + n % k, 100);
			reports[n].throughput_kbps = 1000000;
			reports[n].loss = 0;
		}
		in = make_input(n, 1000, 1000, 1000);
		s = rep_score(&P, &in, NULL);
		if (s > k * P.cap_prefix + EPS)
			ok = 0;
	}
	tap_ok(ok, "k prefixes of Sybils: score <= k * cap_prefix, k 1..12");
}

/* The clique: 20 fresh identities in one /24 score each other daily. */
static void
test_sybil_clique(void)
{
	enum { N = 20, DAYS = 90 };
	double score[N], next[N], max = 0;
	struct rep_input in;
	int day, d, i, j;
	size_t n;

	for (i = 0; i < N; i++)
		score[i] = 0;
	for (day = 0; day < DAYS; day++) {
		for (i = 0; i < N; i++) {
			n = 0;
			for (j = 0; j < N; j++)
				for (d = 0; d <= day && j != i; d++) {
					reports[n] = base_report(j, 0xc0a801,
					    100);
					reports[n].verifier_score = score[j];
					reports[n].verifier_age = d;
					reports[n].age = day - d;
					reports[n].throughput_kbps = 1000000;
					reports[n].loss = 0;
					n++;
				}
			in = make_input(n, day, day, day);
			next[i] = rep_score(&P, &in, NULL);
		}
		for (i = 0; i < N; i++) {
			score[i] = next[i];
			if (score[i] > max)
				max = score[i];
		}
	}
	tap_ok(max <= P.cap_prefix, "clique of 20 in one /24, 90 days: "
	    "never above cap_prefix (max %.6f)", max);
	tap_ok(max > 0.09, "and the bound is what binds (max %.6f)", max);
}

/* Monotonicity and the behaviours of example 8, on random inputs. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

/* splitmix64: deterministic test randomness. */
static uint64_t
rng_next(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [0, 1). */
static double
rng_unit(void)
{
	return (double)(rng_next() >> 11) / 9007199254740992.0;
}

/* Passed out of sent when each challenge passes with probability p. */
static uint32_t
rng_binomial(uint32_t sent, double p)
{
	uint32_t i, k = 0;

	for (i = 0; i < sent; i++)
		if (rng_unit() < p)
			k++;
	return k;
}

/* A random valid report. */
static struct rep_report
random_report(void)
{
	struct rep_report r;

	r = base_report(rng_next() % 12, rng_next() % 5, 0);
	r.verifier_score = rng_unit();
	r.verifier_age = rng_unit() * 60;
	r.age = rng_unit() * 40;
	r.sent = 1 + rng_next() % 300;
	r.passed = rng_next() % (r.sent + 1);
	r.throughput_kbps = rng_unit() * 1e5;
	r.rtt_ms = rng_unit() * 300;
	return r;
}

/* More passed challenges never lower reliability or the gate. */
static void
test_monotone(void)
{
	struct rep_explain e0, e1;
	struct rep_input in;
	size_t n, k, i;
	int trial, rel_ok = 1, gate_ok = 1, moved = 0;

	for (trial = 0; trial < 2000; trial++) {
		n = 1 + rng_next() % 30;
		for (i = 0; i < n; i++)
			reports[i] = random_report();
		in = make_input(n, 10, 5, 5);
		rep_score(&P, &in, &e0);
		k = rng_next() % n;
		if (reports[k].passed == reports[k].sent)
			continue;
		reports[k].passed += 1 + rng_next() %
		    (reports[k].sent - reports[k].passed);
		rep_score(&P, &in, &e1);
		if (e1.comp[REP_RELIABILITY].value <
		    e0.comp[REP_RELIABILITY].value)
			rel_ok = 0;
		if (e1.gate < e0.gate)
			gate_ok = 0;
		if (e1.comp[REP_RELIABILITY].value >
		    e0.comp[REP_RELIABILITY].value)
			moved++;
	}
	tap_ok(rel_ok, "more passed challenges never lower reliability");
	tap_ok(gate_ok, "more passed challenges never lower the gate");
	tap_ok(moved > 1000, "and usually raise reliability (%d)", moved);
}

/* Honest, 20 % dropping and silent subjects measured alike, at random. */
static void
test_behaviours(void)
{
	static const double pass[3] = { 0.99, 0.80, 0.0 };
	struct rep_explain e[3];
	struct rep_input in;
	size_t n;
	int b, i;

	for (b = 0; b < 3; b++) {
		rng_state = 42;		/* the same verifiers for each */
		for (n = 0; n < 200; n++) {
			reports[n] = base_report(n % 25, n % 25, 0);
			reports[n].age = (double)(n / 25);
			reports[n].passed = rng_binomial(100, pass[b]);
			reports[n].loss = 1 - reports[n].passed / 100.0;
			reports[n].throughput_kbps = 20000 * pass[b];
		}
		in = make_input(n, 100, 40, 60);
		rep_score(&P, &in, &e[b]);
	}
	tap_ok(e[0].comp[REP_RELIABILITY].value -
	    e[1].comp[REP_RELIABILITY].value > 0.15,
	    "20 %% dropped: reliability clearly lower (%.4f vs %.4f)",
	    e[1].comp[REP_RELIABILITY].value,
	    e[0].comp[REP_RELIABILITY].value);
	tap_ok(e[2].comp[REP_RELIABILITY].value < 0.01,
	    "answering without forwarding: reliability near 0 (%.6f)",
	    e[2].comp[REP_RELIABILITY].value);
	for (i = 1; i < 3; i++)
		tap_ok(e[i].score < 0.5 * e[0].score,
		    "behaviour %d below half the honest score (%.4f vs %.4f)",
		    i, e[i].score, e[0].score);
}

/* One verifier is capped, and one liar moves neither gate nor median. */
static void
test_one_verifier(void)
{
	struct rep_explain e, honest;
	struct rep_input in;
	size_t n = 0, i;

	for (i = 0; i < 40; i++)
		reports[n++] = base_report(i, i, 99);
	in = make_input(n, 200, 45, 80);
	rep_score(&P, &in, &honest);
	/* One verifier files 1000 reports of nothing passing. */
	for (i = 0; i < 1000; i++) {
		reports[n] = base_report(777, 777, 0);
		reports[n].throughput_kbps = 1e9;	/* and a huge lie */
		reports[n].verified_bytes = UINT64_MAX;
		reports[n].rtt_ms = 299;
		reports[n].loss = 1;
		n++;
	}
	in = make_input(n, 200, 45, 80);
	rep_score(&P, &in, &e);
	is_near(e.evidence - honest.evidence, P.cap_verifier * P.evidence_full,
	    "the liar's evidence is capped at cap_verifier * E_full");
	tap_is_int(e.verifiers, 41, "41 verifiers counted");
	tap_ok(e.verifiers_capped >= 1, "the liar is capped");
	is_near(e.gate, honest.gate, "the liar does not move the gate");
	is_near(e.bandwidth_kbps, 20000, "nor the bandwidth median");
	is_near(e.rtt_ms, 48, "nor the RTT median");
	is_near(e.loss, 0.01, "nor the loss median");
	tap_ok(honest.comp[REP_RELIABILITY].value -
	    e.comp[REP_RELIABILITY].value <= 250.0 / (4000 + 250),
	    "reliability falls by at most its evidence share");
	is_near(e.confidence, honest.confidence,
	    "failures earn no confidence");
	tap_ok(e.score < honest.score && e.score > 0.9 * honest.score,
	    "the score falls, by under 10 %% (%.4f of %.4f)", e.score,
	    honest.score);
}

/*
 * A report that verified little of a bandwidth sample carries little
 * weight in the throughput median, however much evidence it has.
 */
static void
test_thin_samples(void)
{
	struct rep_explain e;
	struct rep_input in;

	reports[0] = base_report(1, 1, 100);
	reports[0].throughput_kbps = 5000;
	reports[0].verified_bytes = 100000;	/* a tenth of a sample */
	reports[1] = base_report(2, 2, 60);
	reports[1].sent = 60;
	reports[1].throughput_kbps = 20000;
	reports[1].verified_bytes = 2000000;
	in = make_input(2, 10, 1, 1);
	rep_score(&P, &in, &e);
	is_near(e.evidence, 160, "thin sample: evidence 100 + 60");
	is_near(e.bandwidth_kbps, 20000,
	    "thin sample: weighs 10, not 100, against 60");
	reports[0].verified_bytes = 1000000;
	rep_score(&P, &in, &e);
	is_near(e.bandwidth_kbps, 5000, "a full sample: weighs 100");
}

/* Example 10: vouching, stakes held, returned and lost. */
static void
test_vouch(void)
{
	struct rep_explain e, v;
	struct rep_input in;
	double voucher, stake;
	size_t n, i;

	is_near(rep_vouch_stake(&P, 0.8), 0.16, "ex10: stake of a 0.8 node");
	is_near(rep_vouch_stake(&P, 0.35), 0, "ex10: 0.35 may not vouch");
	is_near(rep_vouch_stake(&P, 0.4), 0.08, "stake at the threshold");
	/* The voucher: example 8's honest node. */
	in = make_input(steady_reports(99, 20000, 0.01), 200, 45, 80);
	voucher = rep_score(&P, &in, NULL);
	stake = rep_vouch_stake(&P, voucher);
	in.vouch_held = stake;
	is_near(rep_score(&P, &in, &e), voucher - stake,
	    "ex10: the voucher carries its stake");
	is_near(e.vouch_held, stake, "explain shows the stake held");
	/* The vouchee: example 6's young node, plus the stake. */
	reports[0] = base_report(1, 0x0a0001, 98);
	reports[0].verifier_score = 0.8;
	reports[0].verifier_age = 60;
	in = make_input(1, 0.5, 0.5, 0.5);
	in.vouch_received = 0.16;
	rep_score(&P, &in, &v);
	is_near(v.vouch_boost, 0.16, "ex10: boost 0.16");
	is_near(v.score, v.base + 0.16, "ex10: vouchee score = base + boost");
	in.vouch_received = 0.5;
	rep_score(&P, &in, &v);
	is_near(v.vouch_boost, 0.3, "ex10: boost capped at 0.3");
	tap_is_int(rep_vouch_settle(&P, &v, 10), REP_VOUCH_HELD,
	    "young vouchee: stake held");
	tap_is_int(rep_vouch_settle(&P, &v, 60), REP_VOUCH_RETURNED,
	    "after vouch_max_days: returned");
	/* The vouchee proves itself: returned. */
	in = make_input(steady_reports(99, 20000, 0.01), 200, 45, 80);
	in.vouch_received = 0.16;
	rep_score(&P, &in, &v);
	tap_is_int(rep_vouch_settle(&P, &v, 10), REP_VOUCH_RETURNED,
	    "vouchee stands alone: returned");
	/* The vouchee drops 20 %: forfeit. */
	in = make_input(steady_reports(80, 16000, 0.2), 200, 45, 80);
	rep_score(&P, &in, &v);
	tap_is_int(rep_vouch_settle(&P, &v, 10), REP_VOUCH_FORFEIT,
	    "vouchee dropping 20 %: forfeit");
	/* Failing but judged by too few prefixes: held. */
	for (n = 0; n < 60; n++)
		reports[n] = base_report(n % 20, 1 + n % 2, 50);
	in = make_input(60, 200, 45, 80);
	rep_score(&P, &in, &v);
	tap_ok(v.comp[REP_RELIABILITY].value < 0.9 && v.evidence >= 500,
	    "two-prefix vouchee fails on evidence");
	tap_is_int(rep_vouch_settle(&P, &v, 10), REP_VOUCH_HELD,
	    "but two prefixes cannot forfeit a stake");
	/* Defamed by a minority: R below 0.9, the median not: not lost. */
	n = steady_reports(99, 20000, 0.01);
	for (i = 0; i < 40; i++)
		reports[n++] = base_report(500 + i, 500 + i, 0);
	in = make_input(n, 200, 45, 80);
	rep_score(&P, &in, &v);
	tap_ok(v.comp[REP_RELIABILITY].value < 0.9,
	    "defamed: pooled reliability under 0.9 (%.4f)",
	    v.comp[REP_RELIABILITY].value);
	tap_is_int(rep_vouch_settle(&P, &v, 10), REP_VOUCH_RETURNED,
	    "defamed by a minority: not forfeit (it stands alone)");
}

/* Example 10, continued: a lost stake is a decaying penalty. */
static void
test_vouch_forfeit(void)
{
	struct rep_forfeit f[2];
	struct rep_explain e;
	struct rep_input in;
	double voucher;

	in = make_input(steady_reports(99, 20000, 0.01), 200, 45, 80);
	voucher = rep_score(&P, &in, NULL);
	f[0].stake = 0.16;
	f[0].age = 0;
	in.forfeits = f;
	in.nforfeits = 1;
	is_near(rep_score(&P, &in, &e), voucher - 0.16,
	    "ex10: forfeit today costs the whole stake");
	f[0].age = 30;
	rep_score(&P, &in, &e);
	is_near(e.vouch_penalty, 0.1183520597, "ex10: penalty after 30 d");
	is_near(e.score, voucher - 0.1183520597, "ex10: score after 30 d");
	f[0].age = 68.9675639365;
	rep_score(&P, &in, &e);
	is_near(e.vouch_penalty, 0.08, "ex10: half the stake after 69 d");
	f[1].stake = 5;
	f[1].age = 0;
	in.nforfeits = 2;
	is_near(rep_score(&P, &in, &e), 0, "score floors at 0");
}

/* Example 11: new nodes' session allowance and selection share. */
static void
test_new_nodes(void)
{
	tap_is_int(rep_session_allowance(&P, 0.1, 5), 20,
	    "ex11: score .1: 20 sessions/h");
	tap_is_int(rep_session_allowance(&P, 0.3, 0.5), 20,
	    "ex11: score .3 but half a day old: 20");
	tap_is_int(rep_session_allowance(&P, 0.3, 2), REP_SESSIONS_UNLIMITED,
	    "ex11: score .3, 2 days: unlimited");
	tap_is_int(rep_session_allowance(&P, 0.25, 1), REP_SESSIONS_UNLIMITED,
	    "standing exactly at both thresholds");
	tap_is_int(rep_has_standing(&P, 0.2499, 100), 0, "just below: none");
}

/* Invalid input: refused as a whole, or report by report. */
static void
test_invalid(void)
{
	struct rep_forfeit f = { -1, 0 };
	struct rep_explain e;
	struct rep_input in;
	struct rep_params q;
	size_t n = 0;

	reports[n++] = base_report(1, 1, 90);
	reports[n] = base_report(2, 2, 90);
	reports[n++].sent = 0;				/* nothing sent */
	reports[n] = base_report(3, 3, 90);
	reports[n++].loss = 1.5;			/* loss above 1 */
	reports[n] = base_report(4, 4, 90);
	reports[n++].rtt_ms = NAN;
	reports[n] = base_report(5, 5, 90);
	reports[n++].throughput_kbps = -1;
	reports[n] = base_report(6, 6, 90);
	reports[n++].age = -1;				/* from the future */
	reports[n] = base_report(7, 7, 90);
	reports[n++].verifier_score = INFINITY;
	reports[n] = base_report(8, 8, 90);
	reports[n++].verifier_age = NAN;
	reports[n++] = base_report(SUBJECT, 9, 100);	/* about itself */
	reports[n++] = base_report(10, 0x5, 100);	/* its own prefix */
	in = make_input(n, 10, 1, 1);
	in.subject_prefix = 0x5u;
	rep_score(&P, &in, &e);
	tap_is_int(e.reports_ignored, 9, "nine invalid or own reports ignored");
	tap_is_int(e.reports, 1, "one counted");
	is_near(e.alpha, 91, "only report 1 in alpha");
	/* The whole input refused. */
	in = make_input(1, 10, 1, 1);
	in.scratch = NULL;
	is_near(rep_score(&P, &in, &e), -1, "no scratch: -1");
	is_near(e.score, 0, "out zeroed on error");
	in = make_input(1, 10, 1, 1);
	in.reports = NULL;
	is_near(rep_score(&P, &in, NULL), -1, "no reports array: -1");
	in = make_input(1, NAN, 1, 1);
	is_near(rep_score(&P, &in, NULL), -1, "NaN age: -1");
	in = make_input(1, 10, -1, 1);
	is_near(rep_score(&P, &in, NULL), -1, "negative streak: -1");
	in = make_input(1, 10, 1, 1);
	in.vouch_received = -0.1;
	is_near(rep_score(&P, &in, NULL), -1, "negative vouch: -1");
	in = make_input(1, 10, 1, 1);
	in.nforfeits = 1;
	is_near(rep_score(&P, &in, NULL), -1, "forfeits NULL: -1");
	in.forfeits = &f;
	is_near(rep_score(&P, &in, NULL), -1, "negative forfeit: -1");
	is_near(rep_score(&P, NULL, NULL), -1, "NULL input: -1");
	in = make_input(1, 10, 1, 1);
	q = P;
	q.forget = 2;
	is_near(rep_score(&q, &in, NULL), -1, "bad params: -1");
	/* Nothing to go on: 0, plus what vouchers put up. */
	in = make_input(0, 0, 0, 0);
	in.reports = NULL;
	in.scratch = NULL;
	is_near(rep_score(&P, &in, &e), 0, "no reports: score 0");
	is_near(e.comp[REP_RELIABILITY].value, 0.5, "no reports: prior .5");
	in.vouch_received = 0.2;
	is_near(rep_score(&P, &in, NULL), 0.2, "no reports, vouched: 0.2");
}

/*
 * The simulation: 20 honest nodes and three subjects (honest, dropping
 * 20 %, forwarding nothing) start the same day with no standing and
 * measure every other node daily for 60 days (100 challenges, path loss
 * 1 %); every node's score is recomputed each day from the reports
 * about it, with yesterday's scores as the verifiers' standing.
 */
#define SIM_HONEST	20
#define SIM_NODES	(SIM_HONEST + 3)
#define SIM_DAYS	60

static struct rep_report sim_log[SIM_NODES][SIM_NODES * SIM_DAYS];
static size_t sim_n[SIM_NODES];

/* What node j forwards (0..1), its throughput and its loss. */
static double
sim_forward(int j)
{
	if (j == SIM_HONEST + 1)
		return 0.8;
	if (j == SIM_HONEST + 2)
		return 0;
	return 1;
}

/* Day day: i measures j and files a report about it. */
static void
sim_measure(int i, int j, int day, const double *score)
{
	struct rep_report *r = &sim_log[j][sim_n[j]++];
	double f = sim_forward(j);

	memset(r, 0, sizeof(*r));
	r->verifier = (uint64_t)i;
	r->prefix = 1000 + (uint64_t)i;
	r->verifier_score = score[i];
	r->verifier_age = day;
	r->age = day;		/* rewritten relative to "today" */
	r->sent = 100;
	r->passed = rng_binomial(100, 0.99 * f);
	r->verified_bytes = (uint64_t)(2000000 * f);
	r->throughput_kbps = f * (15000 + 10000 * rng_unit());
	r->rtt_ms = 30 + 40 * rng_unit();
	r->spread_ms = 5 + 15 * rng_unit();
	r->loss = 1 - r->passed / 100.0;
}

/* Every node's score today, from the reports filed so far. */
static void
sim_score_all(int day, const double *score, double *next)
{
	struct rep_input in;
	size_t k;
	int j;

	for (j = 0; j < SIM_NODES; j++) {
		for (k = 0; k < sim_n[j]; k++) {
			reports[k] = sim_log[j][k];
			reports[k].verifier_score = score[reports[k].verifier];
			reports[k].verifier_age = day;
			reports[k].age = day - sim_log[j][k].age;
		}
		in = make_input(sim_n[j], day, day, day);
		in.subject = (uint64_t)j;
		next[j] = rep_score(&P, &in, NULL);
	}
}

static void
test_simulation(void)
{
	double score[SIM_NODES], next[SIM_NODES], min_honest = 1;
	int day, i, j;

	rng_state = 7;
	memset(sim_n, 0, sizeof(sim_n));
	for (i = 0; i < SIM_NODES; i++)
		score[i] = 0;
	for (day = 0; day < SIM_DAYS; day++) {
		for (i = 0; i < SIM_NODES; i++)
			for (j = 0; j < SIM_NODES; j++)
				if (i != j)
					sim_measure(i, j, day, score);
		sim_score_all(day, score, next);
		memcpy(score, next, sizeof(score));
	}
	for (i = 0; i < SIM_HONEST; i++)
		if (score[i] < min_honest)
			min_honest = score[i];
	tap_diag("simulation, day %d: honest %.4f, dropping %.4f, silent "
	    "%.4f, lowest honest verifier %.4f", SIM_DAYS,
	    score[SIM_HONEST], score[SIM_HONEST + 1], score[SIM_HONEST + 2],
	    min_honest);
	tap_ok(score[SIM_HONEST] > 0.5, "sim: honest node earns standing");
	tap_ok(min_honest > 0.5, "sim: the network bootstraps from zero");
	tap_ok(score[SIM_HONEST + 1] < 0.5 * score[SIM_HONEST],
	    "sim: 20 %% dropping node below half the honest one");
	tap_ok(score[SIM_HONEST + 2] < 0.5 * score[SIM_HONEST],
	    "sim: non-forwarding node below half the honest one");
	tap_ok(score[SIM_HONEST + 2] < 0.01, "sim: non-forwarding node ~0");
}

int
main(void)
{
	test_params();
	test_pieces();
	test_uptime_property();
	test_median();
	test_young();
	test_caps();
	test_steady();
	test_sybil();
	test_sybil_clique();
	test_monotone();
	test_behaviours();
	test_one_verifier();
	test_vouch();
	test_vouch_forfeit();
	test_thin_samples();
	test_new_nodes();
	test_invalid();
	test_simulation();
	return tap_done();
}

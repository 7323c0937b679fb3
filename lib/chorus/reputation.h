/*
 * reputation.h - a node's reputation, computed from signed measurement
 * reports, never claimed.
 *
 * Verifiers (other nodes, clients) send proof-of-bandwidth challenges
 * through a node and sign what they measured: challenges sent and passed,
 * verified bytes, median throughput, median RTT and its spread, loss.
 * rep_score() turns the reports about one subject, plus the subject's age,
 * uptime and vouches, into a score in [0, 1] and says why (struct
 * rep_explain).  Every formula and every parameter is in doc/REPUTATION.md,
 * with worked examples that tests/unit/test_reputation.c checks.
 *
 * Pure: no clock (ages are given in days), no RNG, no I/O, no allocation
 * (the caller passes scratch space, one struct rep_scratch per report).
 * Deterministic for a given input.
 */
#ifndef CHORUS_REPUTATION_H
#define CHORUS_REPUTATION_H

#include <stddef.h>
#include <stdint.h>

/* Verifier prefix meaning "unknown": all such reports share one group. */
#define REP_PREFIX_NONE		0
/* rep_session_allowance() for a node with standing: no limit. */
#define REP_SESSIONS_UNLIMITED	UINT32_MAX

/* The components of the score, in the order rep_explain lists them. */
enum rep_component {
	REP_RELIABILITY = 0,	/* beta reputation over challenge outcomes */
	REP_BANDWIDTH,		/* weighted median of verified throughput */
	REP_LATENCY,		/* weighted median of RTT medians */
	REP_STABILITY,		/* weighted medians of RTT spread and loss */
	REP_UPTIME,		/* quadratic in the continuous streak */
	REP_AGE,		/* days since first measured */
	REP_NCOMPONENTS
};

/*
 * Every parameter, in one place.  rep_params_default() sets the defaults
 * noted here; doc/REPUTATION.md "Parameters" says why each has its value.
 * Days are days (86,400 s); rates are per day.
 */
struct rep_params {
	double		weight[REP_NCOMPONENTS];
				/* .30 .20 .10 .15 .15 .10, normalised by sum */
	/* Reliability: Beta(alpha, beta) over counted challenges. */
	double		prior_alpha;		/* 1 */
	double		prior_beta;		/* 1 */
	double		forget;			/* lambda, per day: 0.97 */
	double		gate_exponent;		/* gamma: 8 */
	uint32_t	challenges_max;		/* counted per report: 100 */
	/* Evidence, caps and verifier weight. */
	double		evidence_full;		/* E_full: 5000 */
	double		cap_verifier;		/* of E_full: 0.05 */
	double		cap_prefix;		/* of E_full: 0.10 */
	double		verifier_floor;		/* 0.1 */
	double		verifier_ramp_days;	/* 30 */
	/* Bandwidth (kbit/s, log scale), latency, stability. */
	double		bw_floor_kbps;		/* 1000 */
	double		bw_full_kbps;		/* 100000 */
	double		bw_sample_bytes;	/* 1000000 */
	double		rtt_good_ms;		/* 20 */
	double		rtt_bad_ms;		/* 300 */
	double		spread_bad_ms;		/* 100 */
	double		loss_bad;		/* 0.10 */
	/* Uptime and age. */
	double		uptime_full_days;	/* D: 30 */
	double		uptime_history_days;	/* H: 90 */
	double		uptime_history_weight;	/* h: 0.25 */
	double		age_full_days;		/* 180 */
	/* Vouching. */
	double		vouch_stake;		/* of the voucher's score: 0.2 */
	double		vouch_min_score;	/* to vouch at all: 0.4 */
	double		vouch_boost_max;	/* 0.3 */
	double		vouch_fail_reliability;	/* 0.9 */
	double		vouch_min_evidence;	/* to judge a vouchee: 500 */
	uint32_t	vouch_min_prefixes;	/* to judge a vouchee: 3 */
	double		vouch_release_score;	/* vouchee stands alone: 0.25 */
	double		vouch_max_days;		/* stake returned after: 60 */
	double		forfeit_forget;		/* per day: 0.99 */
	/* New nodes. */
	uint32_t	new_node_sessions_per_hour;	/* 20 */
	double		standing_score;		/* 0.25 */
	double		standing_age_days;	/* 1 */
};

/*
 * One signed measurement report about the subject, as the caller verified
 * and stored it.  IDs and prefixes are opaque 64-bit values the caller
 * assigns (a database row, the first 8 bytes of an ID; for the prefix the
 * verifier's IPv4 /24 or IPv6 /48, REP_PREFIX_NONE if unknown).
 */
struct rep_report {
	uint64_t	verifier;	/* who signed it */
	uint64_t	prefix;		/* the verifier's address prefix */
	double		verifier_score;	/* its own score, [0, 1] */
	double		verifier_age;	/* days since it was first measured */
	double		age;		/* days since the report's window ended */
	uint32_t	sent;		/* challenges sent through the subject */
	uint32_t	passed;		/* came back valid and on time */
	uint64_t	verified_bytes;	/* bytes of passed challenges */
	double		throughput_kbps;/* median verified throughput */
	double		rtt_ms;		/* median RTT of passed challenges */
	double		spread_ms;	/* RTT spread (p90 - p10) */
	double		loss;		/* lost fraction of its traffic, [0, 1] */
};

/* A stake this node lost (its vouchee failed), days ago. */
struct rep_forfeit {
	double		stake;
	double		age;
};

/*
 * Scratch: one per report.  Also the item of rep_weighted_median().
 * After rep_score(), the first nreports - reports_ignored slots hold the
 * valid reports, in no particular order: index, evidence (e_i) and the
 * scale the caps left, so a report's weight is evidence * scale.
 */
struct rep_scratch {
	uint64_t	key;
	double		value;
	double		weight;
	double		evidence;	/* weighted, counted challenges */
	double		scale;		/* what the caps left of it, [0, 1] */
	size_t		index;		/* into rep_input.reports */
};

struct rep_input {
	uint64_t		 subject;	/* reports it signed are ignored */
	uint64_t		 subject_prefix; /* likewise (unless NONE) */
	double			 age;		/* days since first measured */
	double			 uptime_streak;	/* days of continuous measured
						   operation, now */
	double			 uptime_days;	/* measured up days in the last
						   uptime_history_days */
	const struct rep_report	*reports;
	size_t			 nreports;
	struct rep_scratch	*scratch;	/* nreports entries */
	double			 vouch_received; /* stakes held on it */
	double			 vouch_held;	/* its stakes held on others */
	const struct rep_forfeit *forfeits;
	size_t			 nforfeits;
};

struct rep_explain_component {
	double		value;		/* [0, 1] */
	double		weight;		/* normalised */
	double		contribution;	/* confidence * gate * weight * value */
};

struct rep_explain {
	double		score;		/* the final score, [0, 1] */
	double		base;		/* from evidence alone (before vouches) */
	double		confidence;	/* min(1, verified / E_full) */
	double		gate;		/* pass_median ^ gamma */
	struct rep_explain_component comp[REP_NCOMPONENTS];
	double		alpha;		/* beta posterior */
	double		beta;
	double		evidence;	/* counted weighted challenges */
	double		verified;	/* the passed part of evidence */
	double		pass_median;	/* the weighted medians (0 if none) */
	double		bandwidth_kbps;
	double		rtt_ms;
	double		spread_ms;
	double		loss;
	double		vouch_boost;	/* added */
	double		vouch_held;	/* subtracted */
	double		vouch_penalty;	/* subtracted (decayed forfeits) */
	size_t		reports;	/* counted (weight > 0) */
	size_t		reports_ignored;/* invalid, or the subject's own */
	size_t		verifiers;	/* distinct, with weight > 0 */
	size_t		prefixes;
	size_t		verifiers_capped;
	size_t		prefixes_capped;
};

enum rep_vouch_state {
	REP_VOUCH_HELD = 0,	/* keep it at stake */
	REP_VOUCH_RETURNED,	/* the vouchee stands alone, or time is up */
	REP_VOUCH_FORFEIT	/* the vouchee failed: the voucher loses it */
};

void	rep_params_default(struct rep_params *);
/* 0 if every parameter is in its documented range, else -1. */
int	rep_params_check(const struct rep_params *);

/*
 * Score the subject of in.  Fills out (may be NULL) and returns the score
 * in [0, 1]; -1 (out zeroed) if the parameters or the input are invalid
 * (NULL where an array is needed, a negative or non-finite age, uptime or
 * stake).  A report that is invalid (nothing sent, passed > sent, a
 * negative or non-finite field, loss above 1) is ignored and counted.
 */
double	rep_score(const struct rep_params *, const struct rep_input *,
	    struct rep_explain *out);
const char *rep_component_name(enum rep_component);

/* The pieces rep_score() is made of (doc/REPUTATION.md). */
double	rep_decay(const struct rep_params *, double age_days);
double	rep_verifier_weight(const struct rep_params *, double score,
	    double age_days);
double	rep_bandwidth(const struct rep_params *, double kbps);
double	rep_latency(const struct rep_params *, double rtt_ms);
double	rep_stability(const struct rep_params *, double spread_ms,
	    double loss);
double	rep_uptime(const struct rep_params *, double streak_days,
	    double up_days);
double	rep_age(const struct rep_params *, double age_days);
/*
 * The lower weighted median of items[].value under items[].weight (the
 * smallest value whose cumulative weight reaches half the total).  Sorts
 * items.  0 and *out set, or -1 if no item has a positive weight.
 */
int	rep_weighted_median(struct rep_scratch *items, size_t n, double *out);

/* Vouching.  The stake a voucher of this score puts up (0: may not). */
double	rep_vouch_stake(const struct rep_params *, double voucher_score);
/* What to do with a stake on vouchee, vouch_age days after it was made. */
enum rep_vouch_state rep_vouch_settle(const struct rep_params *,
	    const struct rep_explain *vouchee, double vouch_age_days);

/* New nodes. */
int	rep_has_standing(const struct rep_params *, double score,
	    double age_days);
/* Sessions per hour a node may accept; REP_SESSIONS_UNLIMITED if standing. */
uint32_t rep_session_allowance(const struct rep_params *, double score,
	    double age_days);

#endif

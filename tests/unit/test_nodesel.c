/*
 * test_nodesel.c - the two selection rules.  Mixer: scores worked by hand
 * (each weight on its own, the normalisations, the integer square root,
 * the clamps), the 5 % band to the last unit, the load preference, the
 * hash tie-break pinned to vectors computed independently (Python's
 * hashlib.blake2s) and identical under every order of the rows, the
 * 30-minute rotation to the millisecond, the errors.  Nodes: the RTT
 * effect (worst participant, not the mean), reputation against
 * distance, what is left out, the share of new nodes over many draws.
 * Nearest (joining a cascade): when coordinates decide and when the
 * client's own measurement does, and the order they give.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chorus/nodesel.h"
#include "../tap.h"

#define ONE		NODESEL_ONE
#define MIN_MS		(60 * 1000ULL)
#define NTIE		5
#define DRAWS		10000

/* Room digest of candidates 0..4 (ids below) and their tie keys. */
static const char *vec_digest5 =
    "00627892fa117d570afad884a6f7488e04868b4b0dcf9898bcef9cbd6e8af0cd";
static const char *vec_key5[NTIE] = {
	"12634f587aa9e85ead224fad1bff73ccafd3dfe9c87fe5cd10863b95860549ac",
	"ebff72176ec615635df8c172b39e3c23b937c9dcda42234d46dad30b50e1e64a",
	"df1734602b73f1c566eaea3e8b2c311202048bd2d1bc4922709691e0b1ed5873",
	"7462dcec45137b4f46296f4a6a7e7ff767947d5c70c0f88224d1054b4f22f220",
	"ddb871eb22afdf72f0f81e8f3842d2dae1126e4eed77e0e2b071d57b4d056438",
};
static const char *vec_digest6 =
    "daa7a64c8323b02e76b3d944ac174baf04161c5f9fd4a19e2e94c3de331b33fc";

/* The test's own PRNG (splitmix64). */
static uint64_t
rnd_next(uint64_t *s)
{
	uint64_t z;

	*s += 0x9e3779b97f4a7c15ULL;
	z = *s;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static double
rnd_unit(uint64_t *s)
{
	return (double)(rnd_next(s) >> 11) / 9007199254740992.0;
}

/* Candidate k's ID: a byte pattern whose sort order is not k's. */
static void
make_id(uint8_t id[NODESEL_ID_LEN], unsigned k)
{
	unsigned i;

	for (i = 0; i < NODESEL_ID_LEN; i++)
		id[i] = (uint8_t)((k * 0x35 + i * 0x0b) ^ 0x5c);
}

/* An average participant with ID k. */
static void
cand(struct nodesel_cand *c, unsigned k)
{
	memset(c, 0, sizeof(*c));
	make_id(c->id, k);
	c->upload_kbps = 1000;
	c->rtt_var_us2 = 4000000;	/* 2 ms */
	c->free_ppm = ONE / 2;
	c->load_ppm = ONE / 4;
	c->room_ms = 10 * MIN_MS;
}

/* The winner's ID, so that results can be compared across orders. */
static const uint8_t *
winner_id(const struct nodesel_cand *c, size_t n)
{
	int w = nodesel_mixer(c, n);

	return w < 0 ? NULL : c[w].id;
}

static int
same_winner(const struct nodesel_cand *c, size_t n, unsigned k,
    const char *name)
{
	uint8_t want[NODESEL_ID_LEN];
	const uint8_t *got = winner_id(c, n);

	make_id(want, k);
	if (got != NULL && memcmp(got, want, NODESEL_ID_LEN) == 0)
		return tap_ok(1, "%s", name);
	tap_ok(0, "%s", name);
	tap_diag("  want candidate %u, got index %d", k, nodesel_mixer(c, n));
	return 0;
}

/* Three candidates worked by hand, one row per component. */
static void
test_scores_worked(void)
{
	struct nodesel_cand c[3];
	uint32_t s[3];

	cand(&c[0], 0);
	c[0].upload_kbps = 2000;
	c[0].rtt_var_us2 = 0;
	c[0].free_ppm = 500000;
	c[0].room_ms = 10 * MIN_MS;
	cand(&c[1], 1);
	c[1].upload_kbps = 1000;
	c[1].rtt_var_us2 = 25000000;	/* 5 ms */
	c[1].free_ppm = ONE;
	c[1].room_ms = 20 * MIN_MS;
	cand(&c[2], 2);
	c[2].upload_kbps = 500;
	c[2].rtt_var_us2 = 225000000;	/* 15 ms */
	c[2].free_ppm = 0;
	c[2].room_ms = 5 * MIN_MS;
	tap_is_int(nodesel_mixer_scores(c, 3, s), 0, "scores: ok");
	/* 40 * 1 + 25 * 5/5 + 20 * 0.5 + 15 * 10/20 */
	tap_is_int(s[0], 82500000, "scores: best bandwidth and stability");
	/* 40 * 0.5 + 25 * 5/10 + 20 * 1 + 15 * 1 */
	tap_is_int(s[1], 67500000, "scores: best resources and tenure");
	/* 40 * 0.25 + 25 * 5/20 + 0 + 15 * 0.25 */
	tap_is_int(s[2], 20000000, "scores: worst of all");
	tap_is_int(nodesel_mixer(c, 3), 0, "scores: the best score mixes");

	/* Each weight alone: two candidates differing in one thing. */
	cand(&c[0], 0);
	cand(&c[1], 1);
	c[1].upload_kbps = 0;
	nodesel_mixer_scores(c, 2, s);
	tap_is_int(s[0] - s[1], 40 * ONE, "weight: bandwidth 0.40");
	cand(&c[1], 1);
	c[1].free_ppm = c[0].free_ppm - ONE / 2;
	nodesel_mixer_scores(c, 2, s);
	tap_is_int(s[0] - s[1], 20 * ONE / 2, "weight: resources 0.20");
	cand(&c[1], 1);
	c[1].room_ms = 0;
	nodesel_mixer_scores(c, 2, s);
	tap_is_int(s[0] - s[1], 15 * ONE, "weight: tenure 0.15");
	cand(&c[1], 1);
	c[0].rtt_var_us2 = 0;
	c[1].rtt_var_us2 = 15000ULL * 15000;	/* 15 ms: (0+5)/(15+5) */
	nodesel_mixer_scores(c, 2, s);
	tap_is_int(s[0] - s[1], 25 * (ONE - ONE / 4), "weight: stability 0.25");
	tap_is_int(s[0], 40 * ONE + 25 * ONE + 20 * ONE / 2 + 15 * ONE,
	    "weight: all four sum to 100");
}

/* The integer details every implementation must reproduce. */
static void
test_scores_integers(void)
{
	struct nodesel_cand c[2];
	uint32_t s[2];

	cand(&c[0], 0);
	cand(&c[1], 1);
	c[0].upload_kbps = 3;
	c[1].upload_kbps = 1;
	c[0].free_ppm = c[1].free_ppm = 0;
	nodesel_mixer_scores(c, 2, s);
	tap_is_int(s[1], 40 * 333333 + 25 * ONE + 15 * ONE,
	    "integers: 1/3 of the bandwidth floors to 333333");

	cand(&c[0], 0);
	cand(&c[1], 1);
	c[0].rtt_var_us2 = 0;
	c[1].rtt_var_us2 = 24999999;	/* isqrt 4999 */
	nodesel_mixer_scores(c, 2, s);
	tap_is_int(s[0] - s[1], 25 * (ONE - 500050),
	    "integers: isqrt(24999999) = 4999, 5000/9999 floors");
	c[1].rtt_var_us2 = 25000000;
	nodesel_mixer_scores(c, 2, s);
	tap_is_int(s[0] - s[1], 25 * (ONE / 2), "integers: isqrt(25e6) = 5000");
	c[1].rtt_var_us2 = UINT64_MAX;	/* isqrt 4294967295 */
	nodesel_mixer_scores(c, 2, s);
	tap_is_int(s[0] - s[1], 25 * (ONE - 1),
	    "integers: variance 2^64-1, stability 5000/4294972295 = 1");

	/* Clamps: too much free, a load over 1, an absurd tenure. */
	cand(&c[0], 0);
	cand(&c[1], 1);
	c[0].free_ppm = UINT32_MAX;
	c[1].free_ppm = ONE;
	c[0].room_ms = UINT64_MAX;
	c[1].room_ms = NODESEL_TIME_CAP_MS;
	nodesel_mixer_scores(c, 2, s);
	tap_ok(s[0] == s[1] && s[0] == NODESEL_SCORE_MAX,
	    "clamps: free_ppm and room_ms above their caps count as the cap");
	/* Loads of 1 and above 1 are equal: the tie key (1 of {0, 1}). */
	c[0].load_ppm = ONE;
	c[1].load_ppm = UINT32_MAX;
	tap_is_int(nodesel_mixer(c, 2), 1, "clamps: load above 1 is a load "
	    "of 1, tied");
	c[0].load_ppm = ONE - 1;
	tap_is_int(nodesel_mixer(c, 2), 0, "clamps: ... and 1 - 1e-6 is less");

	/* Nothing at all: all zero, everyone in the band. */
	memset(c, 0, sizeof(c));
	make_id(c[0].id, 0);
	make_id(c[1].id, 1);
	tap_is_int(nodesel_mixer_scores(c, 2, s), 0, "zeros: scores");
	tap_ok(s[0] == 25 * ONE && s[1] == 25 * ONE,
	    "zeros: only stability (equal, so 1) counts");
	tap_is_int(nodesel_mixer(c, 2), 1, "zeros: the tie key decides "
	    "(vector: candidate 1 of {0, 1})");
}

/* The band: within 5 % of the best, the lower load wins. */
static void
test_band(void)
{
	struct nodesel_cand c[3];
	uint32_t s[3];

	/* a scores 100, b 80 + 20 * free: in the band from free = 0.75. */
	cand(&c[0], 0);
	c[0].free_ppm = ONE;
	c[0].load_ppm = ONE / 2;
	cand(&c[1], 1);
	c[1].free_ppm = 750000;
	c[1].load_ppm = ONE / 2 - 1;
	nodesel_mixer_scores(c, 2, s);
	tap_is_int(s[0], 100 * ONE, "band: a scores 100");
	tap_is_int(s[1], 95 * ONE, "band: b scores exactly 95");
	tap_is_int(nodesel_mixer(c, 2), 1,
	    "band: 95 % of the best is in, the lower load wins");
	c[1].free_ppm = 749999;
	tap_is_int(nodesel_mixer(c, 2), 0,
	    "band: one unit below 95 % is out, load or not");
	c[1].free_ppm = 750000;
	c[1].load_ppm = ONE / 2 + 1;
	tap_is_int(nodesel_mixer(c, 2), 0,
	    "band: in the band but busier: the best stays");
	c[1].load_ppm = 0;
	tap_is_int(nodesel_mixer(c, 2), 1, "band: idle wins");

	/* Three: the lowest load among those in the band, not overall. */
	cand(&c[2], 2);
	c[2].free_ppm = 0;	/* 80: out */
	c[2].load_ppm = 0;
	c[1].load_ppm = 1000;
	tap_is_int(nodesel_mixer(c, 3), 1,
	    "band: an idle candidate outside the band does not count");

	/* Equal loads in the band: the tie key, not the higher score. */
	c[0].load_ppm = c[1].load_ppm = 1000;
	nodesel_mixer_scores(c, 3, s);
	tap_ok(s[0] > s[1], "band: a scores higher than b");
	tap_is_int(nodesel_mixer(c, 2), 1,
	    "band: equal loads: b by its tie key (vector: 1 of {0, 1})");
}

/* Swap rows i and j. */
static void
swap_cand(struct nodesel_cand *c, size_t i, size_t j)
{
	struct nodesel_cand t = c[i];

	c[i] = c[j];
	c[j] = t;
}

/* Visit all permutations of c[k..n) (Heap's algorithm, recursive). */
static void
permute(struct nodesel_cand *c, size_t k, size_t n, unsigned want,
    int *bad, int *count)
{
	uint8_t id[NODESEL_ID_LEN];
	const uint8_t *got;
	size_t i;

	if (k == n) {
		make_id(id, want);
		got = winner_id(c, n);
		if (got == NULL || memcmp(got, id, sizeof(id)) != 0)
			(*bad)++;
		(*count)++;
		return;
	}
	for (i = k; i < n; i++) {
		swap_cand(c, k, i);
		permute(c, k + 1, n, want, bad, count);
		swap_cand(c, k, i);
	}
}

/* The hash tie-break: pinned to vectors, the same in any order. */
static void
test_tiebreak(void)
{
	struct nodesel_cand c[64];
	uint8_t d[NODESEL_ID_LEN], want[NODESEL_ID_LEN], key[NODESEL_ID_LEN];
	uint64_t s = 31337;
	const uint8_t *first;
	unsigned k;
	int bad = 0, count = 0, round;

	for (k = 0; k < NTIE + 1; k++)
		cand(&c[k], k);
	tap_is_int(nodesel_mixer_digest(c, NTIE, d), 0, "tie: digest");
	tap_unhex(vec_digest5, want, sizeof(want));
	tap_is_mem(d, want, sizeof(d), "tie: digest of 5 IDs (vector)");
	for (k = 0; k < NTIE; k++) {
		nodesel_tie_key(d, c[k].id, key);
		tap_unhex(vec_key5[k], want, sizeof(want));
		tap_is_mem(key, want, sizeof(key), "tie: key of candidate");
	}
	same_winner(c, NTIE, 0, "tie: lowest key wins (candidate 0)");
	permute(c, 0, NTIE, 0, &bad, &count);
	tap_ok(bad == 0 && count == 120,
	    "tie: all %d orders of 5 rows pick candidate 0 (%d differ)",
	    count, bad);
	swap_cand(c, 0, 4);
	tap_is_int(nodesel_mixer(c, NTIE), 4, "tie: follows the ID, not the "
	    "row (candidate 0 now in row 4)");
	swap_cand(c, 0, 4);

	/* Another member changes the digest, and here the winner. */
	nodesel_mixer_digest(c, NTIE + 1, d);
	tap_unhex(vec_digest6, want, sizeof(want));
	tap_is_mem(d, want, sizeof(d), "tie: digest of 6 IDs (vector)");
	same_winner(c, NTIE + 1, 1, "tie: with 6, candidate 1 (vector)");
	same_winner(c + 1, NTIE - 1, 4, "tie: of 1..4, candidate 4 (vector)");
	same_winner(c + 2, NTIE - 2, 4, "tie: of 2..4, candidate 4 (vector)");

	/* 64 equal candidates, shuffled 200 times: one winner. */
	for (k = 0; k < 64; k++)
		cand(&c[k], k + 100);
	first = winner_id(c, 64);
	memcpy(want, first, sizeof(want));
	for (round = 0, bad = 0; round < 200; round++) {
		for (k = 63; k > 0; k--)
			swap_cand(c, k, (size_t)(rnd_unit(&s) * (k + 1)));
		first = winner_id(c, 64);
		if (first == NULL || memcmp(first, want, sizeof(want)) != 0)
			bad++;
	}
	tap_is_int(bad, 0, "tie: 200 shuffles of 64 rows, one winner");

	/* A duplicated ID is refused (the tie could not be broken). */
	for (k = 0; k < 3; k++)
		cand(&c[k], k);
	c[2].upload_kbps = 5;
	memcpy(c[2].id, c[0].id, NODESEL_ID_LEN);
	tap_is_int(nodesel_mixer(c, 3), -1, "tie: duplicate IDs refused");
	tap_is_int(nodesel_mixer_digest(c, 3, d), -1,
	    "tie: duplicate IDs, no digest");
}

/* Thirty minutes as the mixer and tenure counts for nothing. */
static void
test_rotation(void)
{
	struct nodesel_cand c[2];
	uint32_t s[2];

	/* a: 40 minutes in the room and the mixer; b: 20 minutes. */
	cand(&c[0], 0);
	c[0].room_ms = 40 * MIN_MS;
	c[0].mixer_ms = 30 * MIN_MS - 1;
	cand(&c[1], 1);
	c[1].room_ms = 20 * MIN_MS;
	nodesel_mixer_scores(c, 2, s);
	tap_is_int(s[0] - s[1], 15 * ONE / 2, "rotation: 29:59.999, a ahead "
	    "by half the tenure weight");
	tap_is_int(nodesel_mixer(c, 2), 0, "rotation: a stays");
	c[0].mixer_ms = 30 * MIN_MS;
	nodesel_mixer_scores(c, 2, s);
	tap_is_int(s[1] - s[0], 15 * ONE, "rotation: 30:00.000, a's tenure "
	    "is 0 and b becomes the longest");
	tap_is_int(nodesel_mixer(c, 2), 1, "rotation: b takes over");
	c[0].mixer_ms = 3 * 60 * MIN_MS;
	tap_is_int(nodesel_mixer(c, 2), 1, "rotation: and later still");

	/* The reset only takes tenure: a much better mixer stays. */
	c[0].upload_kbps = 10 * c[1].upload_kbps;
	tap_is_int(nodesel_mixer(c, 2), 0,
	    "rotation: tenure is 15 points, bandwidth can outweigh it");

	/* Alone, the mixer stays whatever its term. */
	tap_is_int(nodesel_mixer(c, 1), 0, "rotation: alone, a mixes");
}

static void
test_mixer_errors(void)
{
	struct nodesel_cand c[1];
	uint32_t s[1];
	uint8_t d[NODESEL_ID_LEN];

	cand(&c[0], 0);
	tap_is_int(nodesel_mixer(c, 0), -1, "errors: no candidate");
	tap_is_int(nodesel_mixer_scores(c, 0, s), -1, "errors: no scores");
	tap_is_int(nodesel_mixer_digest(c, 0, d), -1, "errors: no digest");
	tap_is_int(nodesel_mixer(c, NODESEL_MAX_CANDS + 1), -1,
	    "errors: too many candidates");
	tap_is_int(nodesel_mixer_scores(c, NODESEL_MAX_CANDS + 1, s), -1,
	    "errors: too many to score");
	tap_is_int(nodesel_mixer(c, 1), 0, "one candidate: it");
}

static void
node_set(struct nodesel_node *nd, double rep, double x, double y, int is_new)
{
	memset(nd, 0, sizeof(*nd));
	nd->reputation = rep;
	nd->coord.pos[0] = x;
	nd->coord.pos[1] = y;
	nd->coord.height = 5;
	nd->is_new = is_new;
}

static int
near(double got, double want, const char *name)
{
	if (fabs(got - want) <= 1e-12)
		return tap_ok(1, "%s", name);
	tap_ok(0, "%s", name);
	tap_diag("  got %.17g, want %.17g", got, want);
	return 0;
}

/* got[n] must be want[n]. */
static int
same_order(const size_t *got, const size_t *want, size_t n,
    const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (got[i] != want[i]) {
			tap_ok(0, "%s", name);
			tap_diag("  position %zu: got %zu, want %zu", i, got[i],
			    want[i]);
			return 0;
		}
	return tap_ok(1, "%s", name);
}

/*
 * Two participants 50 ms apart (planar) with 5 ms access links.  A sits
 * on the first, B halfway: the same mean RTT, but B's worst is better.
 */
static void
test_rank_rtt(void)
{
	struct vivaldi_coord parts[3];
	struct nodesel_node nd[7];
	size_t order[7];
	static const size_t want[] = { 1, 0, 3, 2 };
	static const size_t want0[] = { 4, 6, 5 };

	memset(parts, 0, sizeof(parts));
	parts[0].height = parts[1].height = 5;
	parts[1].pos[0] = 30;
	parts[1].pos[1] = 40;
	node_set(&nd[0], 0.8, 0, 0, 0);		/* A: 10 and 60 */
	node_set(&nd[1], 0.8, 15, 20, 0);	/* B: 35 and 35 */
	node_set(&nd[2], 1.0, 300, 400, 0);	/* C: 510 and 460 */
	node_set(&nd[3], 0.3, 15, 20, 0);	/* D: B's place, poor */
	near(nodesel_node_rtt(&nd[0], parts, 2), 60, "rtt: A's worst is 60");
	near(nodesel_node_rtt(&nd[1], parts, 2), 35, "rtt: B's worst is 35");
	near(nodesel_node_rtt(&nd[2], parts, 2), 510, "rtt: C's worst is 510");
	near(nodesel_node_score(&nd[0], parts, 2), 0.8 / 1.6, "score: A");
	near(nodesel_node_score(&nd[1], parts, 2), 0.8 / 1.35, "score: B");
	near(nodesel_node_score(&nd[2], parts, 2), 1.0 / 6.1, "score: C");
	near(nodesel_node_score(&nd[3], parts, 2), 0.3 / 1.35, "score: D");
	tap_is_int(nodesel_rank(nd, 4, parts, 2, 0.1, 0.5, order), 4,
	    "rank: all four");
	same_order(order, want, 4, "rank: B (worst 35) before A (worst 60, "
	    "same mean), D near and poor before C far and perfect");

	/* A participant with a bad coordinate is ignored. */
	parts[2].pos[0] = NAN;
	near(nodesel_node_rtt(&nd[0], parts, 3), 60,
	    "rtt: invalid participant skipped");
	/* No participant: reputation alone. */
	near(nodesel_node_rtt(&nd[2], parts, 0), 0, "rtt: nobody, 0");
	near(nodesel_node_score(&nd[2], parts, 0), 1.0, "score: nobody, "
	    "the reputation");

	/* Equal scores (reputation 0): by RTT, then by index. */
	node_set(&nd[4], 0, 15, 20, 0);
	node_set(&nd[5], 0, 300, 400, 0);
	node_set(&nd[6], 0, 15, 20, 0);
	tap_is_int(nodesel_rank(nd + 4, 3, parts, 2, 0, 0, order), 3,
	    "rank: three of reputation 0");
	order[0] += 4;
	order[1] += 4;
	order[2] += 4;
	same_order(order, want0, 3, "rank: equal scores by RTT, then index");
}

/* What cannot be ranked is left out; bad arguments are refused. */
static void
test_rank_invalid(void)
{
	struct vivaldi_coord part;
	struct nodesel_node nd[7];
	size_t order[7];
	static const size_t want[] = { 5, 0 };

	memset(&part, 0, sizeof(part));
	node_set(&nd[0], 0.5, 10, 0, 0);
	node_set(&nd[1], NAN, 0, 0, 0);
	node_set(&nd[2], -0.1, 0, 0, 0);
	node_set(&nd[3], 1.01, 0, 0, 0);
	node_set(&nd[4], 0.9, INFINITY, 0, 0);
	node_set(&nd[5], 0.9, 0, 0, 0);
	node_set(&nd[6], 0.9, 0, 0, 0);
	nd[6].coord.height = -1;
	tap_is_int(nodesel_rank(nd, 7, &part, 1, 0.1, 0.5, order), 2,
	    "invalid: five nodes left out");
	same_order(order, want, 2, "invalid: the valid two in order");

	tap_is_int(nodesel_rank(nd, 0, &part, 1, 0.1, 0.5, order), 0,
	    "args: no node, nothing ranked");
	tap_is_int(nodesel_rank(nd, 1, &part, 1, 0.1, 1.0, order), -1,
	    "args: u = 1 refused");
	tap_is_int(nodesel_rank(nd, 1, &part, 1, 0.1, -0.01, order), -1,
	    "args: u < 0 refused");
	tap_is_int(nodesel_rank(nd, 1, &part, 1, 0.1, NAN, order), -1,
	    "args: u NaN refused");
	tap_is_int(nodesel_rank(nd, 1, &part, 1, 1.5, 0.5, order), -1,
	    "args: share > 1 refused");
	tap_is_int(nodesel_rank(nd, 1, &part, 1, -0.1, 0.5, order), -1,
	    "args: share < 0 refused");
	tap_is_int(nodesel_rank(nd, 1, &part, 1, NAN, 0.5, order), -1,
	    "args: share NaN refused");
	tap_is_int(nodesel_rank(nd, NODESEL_MAX_NODES + 1, &part, 1, 0.1, 0.5,
	    order), -1, "args: too many nodes");
	tap_is_int(nodesel_rank(nd, 1, &part, NODESEL_MAX_PARTS + 1, 0.1, 0.5,
	    order), -1, "args: too many participants");
	tap_is_int(nodesel_rank(nd, 1, &part, 1, 1, 0, order), 1,
	    "args: share 1, u 0 accepted");
}

/* New nodes: held back but for their share of draws. */
static void
test_rank_new(void)
{
	struct vivaldi_coord part;
	struct nodesel_node nd[4];
	size_t order[4], i;
	static const size_t held[] = { 0, 1, 2, 3 };
	static const size_t trial[] = { 2, 0, 1, 3 };
	uint64_t s = 4242;
	double u;
	int n, first_new = 0, exact = 1, wrong = 0;

	memset(&part, 0, sizeof(part));
	node_set(&nd[0], 0.5, 0, 0, 0);
	node_set(&nd[1], 0.4, 0, 0, 0);
	node_set(&nd[2], 1.0, 0, 0, 1);	/* new, best on merit */
	node_set(&nd[3], 0.2, 0, 0, 1);
	nodesel_rank(nd, 4, &part, 1, 0.1, 0.1, order);
	same_order(order, held, 4, "new: u >= share, new nodes last");
	nodesel_rank(nd, 4, &part, 1, 0.1, 0.0999, order);
	same_order(order, trial, 4, "new: u < share, the best new node first, "
	    "the other after the established");

	/* A grid of draws: exactly the share. */
	for (i = 0; i < DRAWS; i++) {
		u = (i + 0.5) / DRAWS;
		n = nodesel_rank(nd, 4, &part, 1, 0.1, u, order);
		if (n != 4)
			wrong++;
		if (nd[order[0]].is_new)
			first_new++;
		if ((nd[order[0]].is_new != 0) != (u < 0.1))
			exact = 0;
	}
	tap_ok(wrong == 0 && first_new == DRAWS / 10,
	    "new: %d of %d grid draws first to a new node", first_new, DRAWS);
	tap_ok(exact, "new: first to a new node exactly when u < share");

	/* New nodes below NODESEL_TRIAL_MIN get no trial. */
	node_set(&nd[2], 0.0499, 0, 0, 1);
	node_set(&nd[3], 0, 0, 0, 1);
	for (i = 0, first_new = 0; i < DRAWS; i++) {
		nodesel_rank(nd, 4, &part, 1, 0.1, (i + 0.5) / DRAWS, order);
		first_new += nd[order[0]].is_new != 0;
	}
	tap_is_int(first_new, 0, "new: reputation under 0.05, never a trial draw");
	node_set(&nd[2], 1.0, 0, 0, 1);
	node_set(&nd[3], 0.2, 0, 0, 1);

	/* Random draws: the bound, within sampling error (sd 0.003). */
	for (i = 0, first_new = 0; i < DRAWS; i++) {
		nodesel_rank(nd, 4, &part, 1, 0.1, rnd_unit(&s), order);
		first_new += nd[order[0]].is_new != 0;
	}
	tap_ok(first_new >= DRAWS * 9 / 100 && first_new <= DRAWS * 11 / 100,
	    "new: %d of %d random draws (share 0.10)", first_new, DRAWS);

	/* The edges of the share. */
	for (i = 0, first_new = 0; i < DRAWS; i++) {
		nodesel_rank(nd, 4, &part, 1, 0, rnd_unit(&s), order);
		first_new += nd[order[0]].is_new != 0;
	}
	tap_is_int(first_new, 0, "new: share 0, never first");
	for (i = 0, first_new = 0; i < DRAWS; i++) {
		nodesel_rank(nd, 4, &part, 1, 1, rnd_unit(&s), order);
		first_new += nd[order[0]].is_new != 0;
	}
	tap_is_int(first_new, DRAWS, "new: share 1, always first");

	/* Only new nodes: one of them it must be, by score. */
	tap_is_int(nodesel_rank(nd + 2, 2, &part, 1, 0.1, 0.9, order), 2,
	    "new: only new nodes, ranked");
	tap_ok(order[0] == 0 && order[1] == 1, "new: only new, by score");
	/* No new node: the draw changes nothing. */
	nodesel_rank(nd, 2, &part, 1, 0.5, 0.1, order);
	tap_ok(order[0] == 0 && order[1] == 1, "new: none, the draw is moot");
}

/* The client's coordinate against n nodes' coordinates and RTT samples. */
static void
near_fit(struct vivaldi *me, const struct vivaldi_coord *nodes,
    const double *rtt, size_t n, uint64_t seed)
{
	size_t r, i;

	vivaldi_init(me, seed);
	for (r = 0; r < 32; r++)	/* as chorus join: 32 passes */
		for (i = 0; i < n; i++)
			(void)vivaldi_update(me, &nodes[i], 0.1, rtt[i]);
}

static void
test_near_rtt(void)
{
	struct vivaldi me;
	struct vivaldi_coord c = { { 3, 4 }, 2 }, bad = c;

	vivaldi_init(&me, 1);
	me.coord.pos[0] = me.coord.pos[1] = 0;
	me.coord.height = 1;
	tap_ok(nodesel_near_rtt(&me, &c, 40) == 40,
	    "near: a fresh client (error 1.5) goes by what it measured");
	me.error = 0.2;
	tap_ok(fabs(nodesel_near_rtt(&me, &c, 40) - 8) < 1e-9,
	    "near: a good fit predicts: 5 in the plane + heights 1 + 2");
	me.error = NODESEL_NEAR_ERROR;
	tap_ok(fabs(nodesel_near_rtt(&me, &c, 40) - 8) < 1e-9,
	    "near: an error of exactly the bound still predicts");
	tap_ok(nodesel_near_rtt(&me, NULL, 40) == 40,
	    "near: a node that publishes no coordinate: measured");
	tap_ok(nodesel_near_rtt(NULL, &c, 40) == 40,
	    "near: a client with no coordinate: measured");
	bad.pos[0] = NAN;
	tap_ok(nodesel_near_rtt(&me, &bad, 40) == 40,
	    "near: an invalid published coordinate: measured");
	tap_ok(nodesel_near_rtt(&me, &c, -1) == -1,
	    "near: no answer is -1 whatever the coordinates say");
	tap_ok(nodesel_near_rtt(&me, &c, NAN) == -1,
	    "near: a NaN measurement is no answer");
}

static void
test_nearest_order(void)
{
	double d[5] = { 30, 10, -1, 10, 5 };
	size_t order[5] = { 0, 1, 2, 3, 4 }, rev[5] = { 3, 2, 1, 0, 4 };
	size_t one[1] = { 0 };

	nodesel_nearest(d, 5, order);
	tap_ok(order[0] == 4 && order[1] == 1 && order[2] == 3 &&
	    order[3] == 0 && order[4] == 2,
	    "nearest: 5, 10, 10, 30, then the silent one (%zu %zu %zu %zu "
	    "%zu)", order[0], order[1], order[2], order[3], order[4]);
	nodesel_nearest(d, 5, rev);
	tap_ok(rev[0] == 4 && rev[1] == 3 && rev[2] == 1 && rev[3] == 0 &&
	    rev[4] == 2, "nearest: equal distances keep their ranked order");
	one[0] = 0;	/* order holds indexes into dist: for one node, 0 */
	nodesel_nearest(d + 2, 1, one);
	tap_ok(one[0] == 0, "nearest: one node stays where it is");
	/* No node: nothing is written (nor read: d may be anything). */
	one[0] = 7;
	nodesel_nearest(d, 0, one);
	tap_ok(one[0] == 7, "nearest: no node, order untouched");
}

/*
 * The cascade's nodes at (0,0), (60,0), (0,80), heights 2 ms; the client
 * truly at (50,0), height 1.  A coordinate fitted to consistent RTTs
 * decides the order: the measurement passed beside it (150 ms for the
 * nearest node, as one slow median would be) is not used.  On loopback every node
 * publishes nearly the same coordinate while the client measures 40,
 * 0.1, 40 ms (delays in front of two nodes): no coordinate fits that,
 * the error stays high, and the measurement decides.
 */
static void
test_nearest_fit(void)
{
	struct vivaldi_coord nodes[3] = {
		{ { 0, 0 }, 2 }, { { 60, 0 }, 2 }, { { 0, 80 }, 2 },
	}, same[3] = {
		{ { 0.01, 0 }, 0.02 }, { { 0, 0.01 }, 0.02 }, { { 0, 0 }, 0.02 },
	};
	double truth[3] = { 53, 13, 97.34 }, meas[3] = { 53, 150, 97.34 };
	double loop[3] = { 40, 0.1, 40 }, d[3];
	size_t order[3] = { 0, 1, 2 }, i;
	struct vivaldi me;

	/* |(50,0)-(0,80)| = 94.34, + 3 */
	near_fit(&me, nodes, truth, 3, 7);
	tap_ok(me.error <= NODESEL_NEAR_ERROR,
	    "fit: consistent RTTs fit (error %.3f)", me.error);
	for (i = 0; i < 3; i++)
		d[i] = nodesel_near_rtt(&me, &nodes[i], meas[i]);
	nodesel_nearest(d, 3, order);
	tap_ok(order[0] == 1 && order[1] == 0 && order[2] == 2,
	    "fit: the coordinate decides: node 2 first, not its measured "
	    "150 ms (%.1f %.1f %.1f ms)", d[0], d[1], d[2]);
	tap_ok(fabs(d[1] - 13) < 6,
	    "fit: predicted %.1f ms to the nearest, truly 13", d[1]);

	near_fit(&me, same, loop, 3, 7);
	tap_ok(me.error > NODESEL_NEAR_ERROR,
	    "loopback: coordinates that cannot fit keep the error high "
	    "(%.3f)", me.error);
	for (i = 0; i < 3; i++) {
		d[i] = nodesel_near_rtt(&me, &same[i], loop[i]);
		order[i] = i;
	}
	nodesel_nearest(d, 3, order);
	tap_ok(order[0] == 1 && d[1] == 0.1,
	    "loopback: the measured 0.1 ms node comes first");
}

int
main(void)
{
	test_scores_worked();
	test_scores_integers();
	test_band();
	test_tiebreak();
	test_rotation();
	test_mixer_errors();
	test_rank_rtt();
	test_rank_invalid();
	test_rank_new();
	test_near_rtt();
	test_nearest_order();
	test_nearest_fit();
	return tap_done();
}

/*
 * test_standing.c - user standing: each piece against hand-worked values
 * (to 1e-9; worked from the formulas in doc/REPUTATION.md "User
 * standing", not from this code), the worked examples of that chapter
 * (fresh identities of one actor, five independent blockers, a thousand
 * fresh ones, decay and readmission, a blocker of 200, a distrusted
 * blocker, a newcomer's own standing), the one-level trust recursion
 * composed as standing.h says, monotonicity over random inputs from a
 * fixed seed, and the clamps for invalid input.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "chorus/standing.h"
#include "../tap.h"

#define EPS		1e-9
#define MAX_BLOCKS	1100
#define ROUNDS		2000

static struct standing_block blocks[MAX_BLOCKS];

/* got within EPS of want (absolute). */
static int
is_near(double got, double want, const char *name)
{
	int ok = fabs(got - want) <= EPS;

	if (!tap_ok(ok, "%s", name))
		tap_diag("  got %.12f, want %.12f", got, want);
	return ok;
}

/* 1 if x is a number in [0, 1]. */
static int
in_unit(double x)
{
	return x >= 0 && x <= 1;
}

static struct standing_block
mk(uint32_t days, double trust, uint32_t nblocks, double age)
{
	struct standing_block b;

	memset(&b, 0, sizeof(b));
	b.blocker_days = days;
	b.blocker_trust = trust;
	b.blocker_nblocks = nblocks;
	b.age_days = age;
	return b;
}

/* blocks[0..n) all equal to b. */
static void
fill(size_t n, struct standing_block b)
{
	size_t i;

	for (i = 0; i < n; i++)
		blocks[i] = b;
}

static void
test_own(void)
{
	is_near(standing_own(0), 0, "own(0) = 0");
	is_near(standing_own(1), 1.0 / 900, "own(1) = 1/900");
	is_near(standing_own(6), 0.04, "own(6) = 0.04");
	is_near(standing_own(7), 0.0544444444444, "own(7) = 49/900");
	is_near(standing_own(10), 0.1111111111111, "own(10) = 1/9");
	is_near(standing_own(15), 0.25, "own(15) = 0.25");
	is_near(standing_own(21), 0.49, "own(21) = 0.49");
	is_near(standing_own(22), 0.5377777777778, "own(22) = 484/900");
	is_near(standing_own(29), 0.9344444444444, "own(29) = 841/900");
	is_near(standing_own(30), 1, "own(30) = 1");
	is_near(standing_own(90), 1, "own(90) = 1");
	is_near(standing_own(3650), 1, "own(3650) = 1");
	is_near(standing_own(UINT32_MAX), 1, "own(UINT32_MAX) = 1");
	tap_is_int(standing_milli(standing_own(21)), 490,
	    "a newcomer of 21 days: 490 thousandths");
	tap_is_int(standing_milli(standing_own(22)), 537,
	    "22 days: 537, passes a room minimum of 500");
	tap_is_int(standing_milli(standing_own(9)), 90,
	    "9 days: 90, not a minimum of 100");
	tap_is_int(standing_milli(standing_own(10)), 111,
	    "10 days: 111, passes a minimum of 100");
	tap_is_int(standing_milli(standing_own(1)), 1,
	    "a first-day identity: 1 thousandth");
	tap_is_int(standing_milli(standing_own(14)), 217, "14 days: 217");
	tap_is_int(standing_milli(standing_own(15)), 250, "15 days: 250");
	tap_is_int(standing_milli(standing_own(25)), 694, "25 days: 694");
	tap_is_int(standing_milli(standing_own(26)), 751, "26 days: 751");
	tap_is_int(standing_milli(standing_own(28)), 871, "28 days: 871");
	tap_is_int(standing_milli(standing_own(29)), 934, "29 days: 934");
	tap_is_int(standing_milli(standing_own(30)), 1000, "30 days: 1000");
}

static void
test_weight(void)
{
	struct standing_block b;

	b = mk(60, 1, 1, 0);
	is_near(standing_block_weight(&b), 1, "w: trust 1, new, 1 block = 1");
	b.age_days = 30;
	is_near(standing_block_weight(&b), 0.5, "w: 30 days old = 0.5");
	b.age_days = 60;
	is_near(standing_block_weight(&b), 0.25, "w: 60 days old = 0.25");
	b.age_days = 15;
	is_near(standing_block_weight(&b), 0.7071067811865,
	    "w: 15 days old = 2^-0.5");
	b = mk(60, 1, 20, 0);
	is_near(standing_block_weight(&b), 1, "w: 20 blocks, still free");
	b.blocker_nblocks = 21;
	is_near(standing_block_weight(&b), 0.9523809523810, "w: 21 blocks");
	b.blocker_nblocks = 200;
	is_near(standing_block_weight(&b), 0.1, "w: 200 blocks = 0.1");
	b = mk(60, 0.08, 1, 0);
	is_near(standing_block_weight(&b), 0.08, "w: trust 0.08");
	b = mk(60, 0.6, 40, 45);
	is_near(standing_block_weight(&b), 0.1060660171780,
	    "w: 0.6 * 2^-1.5 * 20/40");
	b = mk(1, standing_own(1), 1, 0);
	is_near(standing_block_weight(&b), 1.0 / 900, "w: fresh, trust own");
	b = mk(10, 1, 1, 0);
	is_near(standing_block_weight(&b), 0.1111111111111,
	    "w: trust above own(10) counts as own(10)");
	b = mk(0, 1, 1, 0);
	is_near(standing_block_weight(&b), 0, "w: a blocker of 0 days: 0");
}

static void
test_penalty(void)
{
	size_t i;

	is_near(standing_penalty(blocks, 0), 0, "P of no blocks = 0");
	blocks[0] = mk(60, 1, 1, 0);
	blocks[1] = mk(60, 1, 1, 30);
	for (i = 2; i < 5; i++)
		blocks[i] = mk(6, 1, 1, 0);
	is_near(standing_penalty(blocks, 5), 1.62,
	    "P: 1 + 0.5 + three newcomers of 0.04");
	is_near(standing_of(30, blocks, 5), 0.4448580662,
	    "standing with P = 1.62");
	for (i = 5; i < 12; i++)
		blocks[i] = mk(6, 1, 1, 0);
	is_near(standing_penalty(blocks, 12), 1.75,
	    "P: ten newcomers (0.4) capped at 0.25");
	is_near(standing_of(30, blocks, 12), 0.4168620196785,
	    "standing with P = 1.75");
	fill(100, mk(6, 1, 1, 0));
	is_near(standing_penalty(blocks, 100), 0.25,
	    "P: 100 blockers of 6 days = the cap");
	fill(100, mk(7, 1, 1, 0));
	is_near(standing_penalty(blocks, 100), 5.4444444444444,
	    "P: 100 blockers of 7 days are established: 100 * 49/900");
	is_near(standing_of(90, blocks, 100), 0.0657285286165,
	    "standing after 100 blockers of 7 days");
}

/* Ten fresh identities of one actor against an established target. */
static void
test_scenarios(void)
{
	double s;

	fill(10, mk(1, standing_own(1), 1, 0));
	s = standing_of(90, blocks, 10);
	is_near(s, 0.9944598480049, "ten fresh blockers: exp(-1/180)");
	tap_ok(s >= 0.99, "ten fresh blockers barely move it (%.6f)", s);
	tap_is_int(standing_milli(s), 994, "ten fresh: 994 thousandths");

	fill(5, mk(60, 1, 1, 0));
	s = standing_of(90, blocks, 5);
	is_near(s, 0.0820849986239, "five established: exp(-2.5)");
	tap_ok(s < 0.5, "five established blockers do (%.6f)", s);
	tap_is_int(standing_milli(s), 82, "five established: 82");

	fill(1000, mk(1, standing_own(1), 1, 0));
	s = standing_of(90, blocks, 1000);
	is_near(s, 0.8824969025846, "1000 fresh: exp(-0.125)");
	tap_ok(s >= exp(-0.125) - 1e-15, "1000 fresh stay at exp(-0.125)");
	fill(1000, mk(6, standing_own(6), 1, 0));
	is_near(standing_of(90, blocks, 1000), 0.8824969025846,
	    "1000 six-day blockers: the same cap");

	fill(1, mk(60, 1, 200, 0));
	is_near(standing_of(90, blocks, 1), 0.9512294245007,
	    "a blocker of 200 blocks: exp(-0.05)");
	fill(1, mk(60, 0.08, 1, 0));
	is_near(standing_of(90, blocks, 1), 0.9607894391523,
	    "a distrusted blocker (0.08): exp(-0.04)");
	is_near(standing_of(15, NULL, 0), 0.25, "unblocked 15 days: 0.25");
}

/* The five blocks of the scenario as they age; a room minimum of 500. */
static void
test_decay(void)
{
	static const struct {
		double		age;
		double		want;
		unsigned	milli;
	} t[] = {
		{ 0, 0.0820849986239, 82 },
		{ 30, 0.2865047968602, 286 },
		{ 55, 0.4958217557786, 495 },
		{ 56, 0.5038303814437, 503 },
		{ 60, 0.5352614285190, 535 },
		{ 90, 0.7316156289466, 731 },
	};
	size_t i;
	double s;

	fill(5, mk(60, 1, 1, 55.5208340350));
	is_near(standing_of(90, blocks, 5), 0.5, "0.5 at 55.5208340350 days");
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		fill(5, mk(60, 1, 1, t[i].age));
		s = standing_of(90, blocks, 5);
		is_near(s, t[i].want, "five blocks, aged");
		tap_is_int(standing_milli(s), t[i].milli, "  in thousandths");
		tap_ok((standing_milli(s) >= 500) == (t[i].age >= 56),
		    "  admitted by a minimum of 500 only from day 56");
	}
}

/*
 * The caller's composition, as standing.h describes it, over a small
 * table: level 1 from own() trust, then standing from level-1 trust.
 */
#define W_IDS		16
#define W_BLOCKS	64

struct world {
	uint32_t	days[W_IDS];
	size_t		nids;
	struct {
		size_t	blocker, target;
		double	age;
	}		b[W_BLOCKS];
	size_t		nb;
};

static uint32_t
world_nblocks(const struct world *w, size_t id)
{
	uint32_t n = 0;
	size_t i;

	for (i = 0; i < w->nb; i++)
		n += w->b[i].blocker == id;
	return n;
}

/* Standing of id, its blockers' trust from trust[] (NULL: own()). */
static double
world_level(const struct world *w, size_t id, const double *trust)
{
	struct standing_block bl[W_BLOCKS];
	size_t i, n = 0, by;

	for (i = 0; i < w->nb; i++) {
		if (w->b[i].target != id)
			continue;
		by = w->b[i].blocker;
		bl[n++] = mk(w->days[by], trust != NULL ? trust[by] :
		    standing_own(w->days[by]), world_nblocks(w, by),
		    w->b[i].age);
	}
	return standing_of(w->days[id], bl, n);
}

static void
world_standing(const struct world *w, double *out)
{
	double level1[W_IDS];
	size_t i;

	for (i = 0; i < w->nids; i++)
		level1[i] = world_level(w, i, NULL);
	for (i = 0; i < w->nids; i++)
		out[i] = world_level(w, i, level1);
}

static void
test_recursion(void)
{
	struct world w;
	double s[W_IDS];
	size_t i, j;

	/* X = 0 (90 days); B = 1..5 block X; C = 6..15 block each B. */
	memset(&w, 0, sizeof(w));
	w.nids = 16;
	w.days[0] = 90;
	for (i = 1; i < 16; i++)
		w.days[i] = 60;
	for (i = 1; i <= 5; i++) {
		w.b[w.nb].blocker = i;
		w.b[w.nb++].target = 0;
	}
	world_standing(&w, s);
	is_near(s[0], 0.0820849986239, "recursion: five trusted blockers");
	for (i = 1; i <= 5; i++)
		for (j = 6; j < 16; j++) {
			w.b[w.nb].blocker = j;
			w.b[w.nb++].target = i;
		}
	world_standing(&w, s);
	is_near(s[1], 0.0067379469991, "a blocker blocked by ten: exp(-5)");
	is_near(s[6], 1, "its blockers are unblocked: 1");
	is_near(s[0], 0.9832962140056,
	    "the widely blocked blockers lose their weight");

	/* Fresh identities blocking an honest blocker barely dent it. */
	memset(&w, 0, sizeof(w));
	w.nids = 16;
	w.days[0] = 90;
	w.days[1] = 60;
	w.b[w.nb].blocker = 1;
	w.b[w.nb++].target = 0;
	for (j = 2; j < 16; j++) {
		w.days[j] = 1;
		w.b[w.nb].blocker = j;
		w.b[w.nb++].target = 1;
	}
	world_standing(&w, s);
	is_near(s[1], 0.9922523909, "fresh identities against B");
	is_near(s[0], 0.6088847977, "B's block on X keeps its weight");

	/* A block war: five against five, each blocking all the others. */
	memset(&w, 0, sizeof(w));
	w.nids = 10;
	for (i = 0; i < 10; i++)
		w.days[i] = 60;
	for (i = 0; i < 5; i++)
		for (j = 5; j < 10; j++) {
			w.b[w.nb].blocker = i;
			w.b[w.nb++].target = j;
			w.b[w.nb].blocker = j;
			w.b[w.nb++].target = i;
		}
	world_standing(&w, s);
	is_near(s[0], 0.8144742251, "block war 5 against 5: one side");
	is_near(s[9], 0.8144742251, "  and the other, the same");
}

/* Five against fifty, composed by hand (too large for a world). */
static void
test_war(void)
{
	double g1, h1;

	fill(50, mk(60, 1, 5, 0));
	g1 = standing_of(60, blocks, 50);
	is_near(g1, exp(-25), "the five, level 1: exp(-25)");
	fill(5, mk(60, 1, 50, 0));
	h1 = standing_of(60, blocks, 5);
	is_near(h1, 0.3678794412, "the fifty, level 1: exp(-1)");
	fill(50, mk(60, h1, 5, 0));
	is_near(standing_of(60, blocks, 50) * 1e4, 1.0134439102,
	    "the five end at 1.0134439102e-4");
	fill(5, mk(60, g1, 50, 0));
	is_near(standing_of(60, blocks, 5), 1, "the fifty stay at 1");

	/* Patient identities: 30 of exactly 7 days each. */
	fill(30, mk(7, standing_own(7), 1, 0));
	is_near(standing_of(90, blocks, 30), 0.4419022096,
	    "30 blockers of 7 days: under 0.5");
}

static uint64_t rng = 0x5eed5eed12345678ULL;

/* xorshift64*: a fixed sequence, so a failure reproduces. */
static uint64_t
rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dULL;
}

/* Uniform in [0, 1). */
static double
rnd01(void)
{
	return (double)(rnd() >> 11) * (1.0 / 9007199254740992.0);
}

static struct standing_block
rnd_block(void)
{
	struct standing_block b;
	uint32_t days;

	days = (uint32_t)(rnd() % 80);
	if (rnd() % 16 == 0)
		days = (uint32_t)rnd();
	b = mk(days, standing_own(days) * rnd01(),
	    1 + (uint32_t)(rnd() % 300), rnd01() * 200);
	if (rnd() % 8 == 0)
		b.blocker_trust = rnd01();	/* above own: capped */
	return b;
}

/* More blocks never raise standing; older blocks never lower it. */
static void
test_monotonic(void)
{
	size_t r, i, n, k;
	unsigned bad_add = 0, bad_age = 0, bad_days = 0, bad_range = 0;
	unsigned bad_order = 0, bad_pool = 0;
	uint32_t days;
	double s, p;
	struct standing_block saved;

	for (r = 0; r < ROUNDS; r++) {
		n = rnd() % 60;
		for (i = 0; i < n; i++)
			blocks[i] = rnd_block();
		days = (uint32_t)(rnd() % 100);
		s = standing_of(days, blocks, n);
		p = standing_penalty(blocks, n);
		if (!in_unit(s) || s > standing_own(days) || !(p >= 0) ||
		    fabs(s - standing_own(days) * exp(-p / 2)) > 1e-15)
			bad_range++;

		/* One more block, anywhere in the list. */
		k = rnd() % (n + 1);
		memmove(&blocks[k + 1], &blocks[k],
		    (n - k) * sizeof(blocks[0]));
		blocks[k] = rnd_block();
		if (standing_of(days, blocks, n + 1) > s)
			bad_add++;
		memmove(&blocks[k], &blocks[k + 1],
		    (n - k) * sizeof(blocks[0]));

		/* One block older. */
		if (n > 0) {
			k = rnd() % n;
			saved = blocks[k];
			blocks[k].age_days += rnd01() * 100;
			if (standing_of(days, blocks, n) < s)
				bad_age++;
			blocks[k] = saved;
		}

		/* More active days for the target. */
		if (standing_of(days + 1 + (uint32_t)(rnd() % 50), blocks,
		    n) < s)
			bad_days++;

		/* The order of the blocks does not matter. */
		for (i = 0; i < n / 2; i++) {
			saved = blocks[i];
			blocks[i] = blocks[n - 1 - i];
			blocks[n - 1 - i] = saved;
		}
		if (fabs(standing_of(days, blocks, n) - s) > 1e-12)
			bad_order++;

		/* Newcomers alone never pass the cap. */
		for (i = 0; i < n; i++)
			blocks[i].blocker_days %= STANDING_NEWCOMER_DAYS;
		if (standing_penalty(blocks, n) > STANDING_NEWCOMER_CAP)
			bad_pool++;
	}
	tap_ok(bad_range == 0, "standing in [0, own] and = own*exp(-P/2) "
	    "(%u bad)", bad_range);
	tap_ok(bad_add == 0, "one more block never raises standing "
	    "(%u bad)", bad_add);
	tap_ok(bad_age == 0, "an older block never lowers standing "
	    "(%u bad)", bad_age);
	tap_ok(bad_days == 0, "more active days never lower standing "
	    "(%u bad)", bad_days);
	tap_ok(bad_order == 0, "order of blocks does not matter (%u bad)",
	    bad_order);
	tap_ok(bad_pool == 0, "newcomers alone stay within the cap "
	    "(%u bad)", bad_pool);

	/* Weight: more blocks by the blocker, lower trust: never heavier. */
	bad_add = 0;
	for (r = 0; r < ROUNDS; r++) {
		struct standing_block a = rnd_block(), b;

		b = a;
		b.blocker_nblocks += (uint32_t)(rnd() % 100);
		if (standing_block_weight(&b) > standing_block_weight(&a))
			bad_add++;
		b = a;
		b.blocker_trust *= rnd01();
		if (standing_block_weight(&b) > standing_block_weight(&a))
			bad_add++;
	}
	tap_ok(bad_add == 0, "spreading and distrust never add weight "
	    "(%u bad)", bad_add);
}

static void
test_invalid(void)
{
	struct standing_block b, ref;
	double junk[] = { NAN, -NAN, INFINITY, -INFINITY, -1, -1e-300, 2,
	    1e300, 0.5, 0 };
	size_t i, j;
	unsigned bad = 0;
	double w, s;

	b = mk(60, NAN, 1, 0);
	is_near(standing_block_weight(&b), 0, "NaN trust weighs 0");
	b = mk(60, 1, 1, NAN);
	is_near(standing_block_weight(&b), 0, "NaN age weighs 0");
	b = mk(60, 1, 0, 0);
	is_near(standing_block_weight(&b), 0, "nblocks 0 weighs 0");
	b = mk(60, -0.5, 1, 0);
	is_near(standing_block_weight(&b), 0, "negative trust: 0");
	b = mk(60, -INFINITY, 1, 0);
	is_near(standing_block_weight(&b), 0, "-inf trust: 0");
	b = mk(60, 1.5, 1, 0);
	is_near(standing_block_weight(&b), 1, "trust 1.5 counts as 1");
	b = mk(60, INFINITY, 1, 0);
	is_near(standing_block_weight(&b), 1, "trust +inf counts as 1");
	b = mk(3, 1.5, 1, 0);
	is_near(standing_block_weight(&b), 0.01, "trust 1.5, 3 days: own");
	b = mk(60, 1, 1, -5);
	ref = mk(60, 1, 1, 0);
	is_near(standing_block_weight(&b), standing_block_weight(&ref),
	    "negative age counts as 0");
	b = mk(60, 1, 1, -INFINITY);
	is_near(standing_block_weight(&b), 1, "-inf age counts as 0");
	b = mk(60, 1, 1, INFINITY);
	is_near(standing_block_weight(&b), 0, "+inf age weighs 0");
	is_near(standing_block_weight(NULL), 0, "NULL block weighs 0");
	is_near(standing_penalty(NULL, 5), 0, "NULL array: P = 0");
	is_near(standing_of(90, NULL, 5), 1, "NULL array: own");
	blocks[0] = mk(UINT32_MAX, 1, 1, 0);
	blocks[1] = mk(60, NAN, 1, 0);
	blocks[2] = mk(60, 1, 0, 0);
	is_near(standing_penalty(blocks, 3), 1,
	    "a blocker of UINT32_MAX days is established; bad ones add 0");

	/* Every mix of bad values: a weight in [0, 1], standing in [0, 1]. */
	for (i = 0; i < sizeof(junk) / sizeof(junk[0]); i++)
		for (j = 0; j < sizeof(junk) / sizeof(junk[0]); j++) {
			blocks[0] = mk(60, junk[i], 1, junk[j]);
			blocks[1] = mk(2, junk[j], 0, junk[i]);
			blocks[2] = mk(UINT32_MAX, junk[i], UINT32_MAX,
			    junk[j]);
			w = standing_block_weight(&blocks[0]);
			s = standing_of(40, blocks, 3);
			if (!in_unit(w) || !in_unit(s) ||
			    !(standing_penalty(blocks, 3) >= 0) ||
			    standing_milli(s) > STANDING_MILLI_ONE)
				bad++;
		}
	tap_ok(bad == 0, "junk never gives NaN or out of range (%u bad)",
	    bad);
}

static void
test_milli(void)
{
	tap_is_int(standing_milli(0), 0, "milli(0) = 0");
	tap_is_int(standing_milli(0.0009999), 0, "milli(0.0009999) = 0");
	tap_is_int(standing_milli(0.001), 1, "milli(0.001) = 1");
	tap_is_int(standing_milli(0.5), 500, "milli(0.5) = 500");
	tap_is_int(standing_milli(0.4999999), 499, "rounded down: 499");
	tap_is_int(standing_milli(0.9999), 999, "milli(0.9999) = 999");
	tap_is_int(standing_milli(nextafter(1, 0)), 999,
	    "just below 1: 999");
	tap_is_int(standing_milli(1), 1000, "milli(1) = 1000");
	tap_is_int(standing_milli(1.5), 1000, "milli(1.5) = 1000");
	tap_is_int(standing_milli(INFINITY), 1000, "milli(inf) = 1000");
	tap_is_int(standing_milli(-0.1), 0, "milli(-0.1) = 0");
	tap_is_int(standing_milli(-INFINITY), 0, "milli(-inf) = 0");
	tap_is_int(standing_milli(NAN), 0, "milli(NaN) = 0");
}

int
main(void)
{
	test_own();
	test_weight();
	test_penalty();
	test_scenarios();
	test_decay();
	test_recursion();
	test_war();
	test_monotonic();
	test_invalid();
	test_milli();
	return tap_done();
}

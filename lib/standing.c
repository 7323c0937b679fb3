/*
 * standing.c - a user identity's standing on one node: pure functions
 * of its active days and the blocks reported against it there
 * (doc/REPUTATION.md "User standing").
 *
 * Owns no state.  The parts, each a function so the caller can show
 * them and the tests can check them one by one:
 *
 *  - own(days): earned by being around, quadratic like node uptime, so
 *    a fresh identity has almost none and cannot lend any as trust;
 *  - a block's weight: the blocker's trust, halved every 30 days, and
 *    spread over the blocker's blocks beyond the first 20;
 *  - the penalty: established blockers add up, blockers younger than a
 *    week share one pool capped at a quarter of one blocker, however
 *    many there are: that is what makes one person's fresh identities
 *    count for less than one established neighbour;
 *  - standing = own * exp(-P / 2).
 *
 * The one-level trust recursion is the caller's (standing.h says how),
 * so each call here is a bounded loop over the blocks it is given.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "chorus/record.h"
#include "chorus/standing.h"

/* A room's min_standing (ADMIT) is compared with standing_milli(). */
_Static_assert(STANDING_MILLI_ONE == RECORD_STANDING_ONE,
    "standing in thousandths: one unit for records and the library");

/* x clamped to [0, 1]; NaN counts as 0. */
static double
standing_clamp01(double x)
{
	if (!(x > 0))
		return 0;
	return x > 1 ? 1 : x;
}

/*
 * min(1, days / 30)^2, as d^2 / 900 with d = min(days, 30): one rounding
 * only, so a value that is exactly k/1000 (21 days: 0.49) is the double
 * nearest to it and standing_milli() does not round it down to k - 1.
 */
double
standing_own(uint32_t active_days)
{
	uint32_t d;

	d = active_days;
	if (d > STANDING_FULL_DAYS)
		d = STANDING_FULL_DAYS;
	return (double)(d * d) / (STANDING_FULL_DAYS * STANDING_FULL_DAYS);
}

/*
 * trust * 2^(-age / 30) * min(1, 20 / nblocks).  An invalid block weighs
 * 0 rather than something guessed: it must never count against anyone.
 * Trust is bounded by the blocker's own(): a caller's mistake cannot
 * make a fresh identity weigh like an established one.
 */
double
standing_block_weight(const struct standing_block *b)
{
	double trust, age, spread, own;

	if (b == NULL || b->blocker_nblocks == 0 || isnan(b->age_days))
		return 0;
	/* NaN trust is 0 here, so such a block weighs 0 as well. */
	trust = standing_clamp01(b->blocker_trust);
	own = standing_own(b->blocker_days);
	if (trust > own)
		trust = own;
	/* A block dated after now (a clock step) counts as new. */
	age = b->age_days > 0 ? b->age_days : 0;
	spread = 1;
	if (b->blocker_nblocks > STANDING_FREE_BLOCKS)
		spread = (double)STANDING_FREE_BLOCKS / b->blocker_nblocks;
	return trust * exp2(-age / STANDING_HALF_LIFE_DAYS) * spread;
}

/*
 * Established blockers' weights in full; newcomers' together, capped.
 * Weights are >= 0 and the sums are in input order, so adding a block
 * or raising one's weight never lowers the penalty, even in floating
 * point (rounded addition is monotonic).
 */
double
standing_penalty(const struct standing_block *blocks, size_t n)
{
	double established = 0, pool = 0, w;
	size_t i;

	if (blocks == NULL)
		return 0;
	for (i = 0; i < n; i++) {
		w = standing_block_weight(&blocks[i]);
		if (blocks[i].blocker_days < STANDING_NEWCOMER_DAYS)
			pool += w;
		else
			established += w;
	}
	if (pool > STANDING_NEWCOMER_CAP)
		pool = STANDING_NEWCOMER_CAP;
	return established + pool;
}

/*
 * own(days) * exp(-P / 2): in [0, own], since P is finite and >= 0 (every
 * weight is in [0, 1]).
 */
double
standing_of(uint32_t active_days, const struct standing_block *blocks,
    size_t n)
{
	return standing_own(active_days) *
	    exp(-standing_penalty(blocks, n) / STANDING_SCALE);
}

/* floor(standing * 1000), within 0..1000. */
unsigned
standing_milli(double standing)
{
	double m;

	if (!(standing > 0))
		return 0;
	/* Above 1 (and +inf) caught below, before the conversion. */
	m = floor(standing * STANDING_MILLI_ONE);
	return m >= STANDING_MILLI_ONE ? STANDING_MILLI_ONE : (unsigned)m;
}

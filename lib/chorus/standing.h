/*
 * standing.h - a user identity's standing on one node, 0..1, from its
 * active days and the blocks reported against it there.
 * doc/REPUTATION.md "User standing" has the reasoning and worked
 * examples that tests/unit/test_standing.c checks.
 *
 * A node keeps, per identity, the number of distinct UTC days on which it
 * had a session there ("active days"), and the blocks users reported
 * (blocker, target, when reported).  From that alone:
 *
 *	own(d)     = min(1, d / STANDING_FULL_DAYS)^2
 *	w(block)   = trust(B) * 2^(-age / STANDING_HALF_LIFE_DAYS)
 *		     * min(1, STANDING_FREE_BLOCKS / nblocks(B))
 *	P(X)       = sum of w over blockers with >= STANDING_NEWCOMER_DAYS
 *		     active days
 *		     + min(STANDING_NEWCOMER_CAP, sum of w over the others)
 *	standing(X) = own(days(X)) * exp(-P(X) / STANDING_SCALE)
 *
 * Standing is earned by being around (a fresh identity has almost none);
 * one person's many fresh identities, pooled, weigh less than one
 * established blocker; a blocker that blocks everybody spreads a fixed
 * total (STANDING_FREE_BLOCKS) over all of them; and blocks fade with a
 * 30-day half-life.
 *
 * Trust, one level deep.  trust(B) is B's own standing, computed with
 * B's blockers' trust taken as their own() alone, so the computation is
 * bounded and a blocker that is itself widely blocked loses its weight.
 * The caller composes it, for a target X:
 *
 *	for each block b on X, by blocker B:
 *		for each block c on B, by blocker C:
 *			c.blocker_trust = standing_own(days(C))
 *		b.blocker_trust = standing_of(days(B), blocks on B)
 *	standing(X) = standing_of(days(X), blocks on X)
 *
 * or, for every identity at once, two passes over the block table:
 * first each identity's level-1 standing from own() trust, then each
 * identity's standing with its blockers' level-1 standing as trust.
 * The caller ignores self-blocks (blocker = target).
 *
 * Invalid input never yields NaN or a value outside [0, 1]:
 *  - a block whose blocker_trust or age_days is NaN, or whose
 *    blocker_nblocks is 0, weighs 0 (it cannot be interpreted);
 *  - blocker_trust is clamped to [0, 1] (so a negative trust weighs 0),
 *    and then to at most standing_own(blocker_days): a blocker's
 *    standing never exceeds what its days give it, so this changes
 *    nothing for a correct caller but bounds a wrong one;
 *  - a negative age_days counts as 0 (a block reported "in the future"
 *    by a clock step counts as new); +inf weighs 0;
 *  - a NULL array counts as no blocks.
 *
 * Pure: no clock (ages are given in days), no I/O, no allocation.
 */
#ifndef CHORUS_STANDING_H
#define CHORUS_STANDING_H

#include <stddef.h>
#include <stdint.h>

#define STANDING_FULL_DAYS	30	/* active days for a full own() */
#define STANDING_HALF_LIFE_DAYS	30.0	/* a block's weight halves */
#define STANDING_FREE_BLOCKS	20	/* blocks a blocker gives in full */
#define STANDING_NEWCOMER_DAYS	7	/* fewer active days: the pool */
#define STANDING_NEWCOMER_CAP	0.25	/* the pool's total weight, at most */
#define STANDING_SCALE		2.0	/* P = 2 takes a factor e away */
#define STANDING_MILLI_ONE	1000	/* standing 1 in thousandths */

/*
 * One block reported against the target, with what the node knows of
 * its blocker.
 */
struct standing_block {
	uint32_t	blocker_days;	/* the blocker's active days here */
	double		blocker_trust;	/* 0..1: its standing (see above) */
	uint32_t	blocker_nblocks;/* blocks it reported here, >= 1 */
	double		age_days;	/* since the block was reported, >= 0 */
};

/* min(1, days / STANDING_FULL_DAYS)^2, in [0, 1]. */
double		standing_own(uint32_t active_days);
/* One block's weight w, in [0, 1] (0 for an invalid block). */
double		standing_block_weight(const struct standing_block *);
/* P: established blockers' weights plus the capped newcomer pool, >= 0. */
double		standing_penalty(const struct standing_block *, size_t n);
/* own(active_days) * exp(-P / STANDING_SCALE), in [0, 1]. */
double		standing_of(uint32_t active_days,
		    const struct standing_block *, size_t n);
/*
 * Standing in thousandths, rounded down, 0..1000: a room's minimum
 * standing is in this unit.  NaN or 0 and below give 0; 1 and above 1000.
 */
unsigned	standing_milli(double standing);

#endif

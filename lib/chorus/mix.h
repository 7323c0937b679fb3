/*
 * mix.h - the arithmetic of a mixed room, sans-I/O: summing decoded
 * speakers with click-free gain ramps, mix-minus, a soft limiter that
 * keeps a loud sum from wrapping or clipping hard, and the 20 ms tick
 * schedule that does not drift.
 *
 * The node's mixer (daemon/mixer.c) decodes only the active speakers,
 * adds each one's frame into one accumulator and, separately, keeps its
 * contribution; the shared mix for every listener is the accumulator,
 * and the mix-minus for active speaker k is the accumulator less k's own
 * contribution, so that nobody hears themselves.  Each output keeps its
 * own limiter state, since it is its own stream.
 *
 * Pure: no clock (the caller passes the time), no I/O, no allocation.
 * 48 kHz mono, 20 ms frames.  doc/ARCHITECTURE.md "Mixed rooms".
 */
#ifndef CHORUS_MIX_H
#define CHORUS_MIX_H

#include <stddef.h>
#include <stdint.h>

#define MIX_RATE		48000
#define MIX_FRAME		960		/* samples in 20 ms */
#define MIX_PERIOD_USEC		20000
#define MIX_GAIN_ONE		32768		/* unity gain, Q15 */
/*
 * The limiter's ceiling for its gain, and the soft clipper's knee: at the
 * ceiling, so that a sustained loud sum, which the gain holds at the
 * ceiling, is never bent; the clipper only catches what the gain did not.
 */
#define MIX_LIMIT_CEIL		29491		/* 0.9 of full scale */
#define MIX_CLIP_KNEE		MIX_LIMIT_CEIL
/* The shortest attack ramp, in samples. */
#define MIX_ATTACK_MIN		48		/* 1 ms */
/* Per frame, the gain recovers this fraction (Q15) of its way to one. */
#define MIX_RELEASE_Q15		2458		/* 0.075: ~256 ms */
/* ... and all the way once less than this is left. */
#define MIX_RELEASE_SNAP	512		/* 1/64: 0.14 dB */

/*
 * acc[i] += in[i] * g(i), where the gain g goes linearly from g0 to g1
 * (Q15, 0..MIX_GAIN_ONE; more is taken as ONE) across the frame:
 * g(i) = g0 + (g1 - g0) * i / MIX_FRAME in integers (truncated towards
 * zero), and in[i] * g(i) / 2^15 is rounded half up.  g0 == g1 ==
 * MIX_GAIN_ONE adds exactly.  A speaker coming into the mix is added
 * with 0 -> ONE, one leaving with ONE -> 0, so neither starts or stops
 * with a step (a click).  If contrib is not NULL, the scaled samples are
 * also written to it (what was added).  acc saturates at the int32_t
 * limits, which 3 speakers are far from.
 */
void	mix_add(int32_t acc[MIX_FRAME], const int16_t in[MIX_FRAME],
	    uint32_t g0, uint32_t g1, int32_t contrib[MIX_FRAME]);

/* out[i] = all[i] - one[i] (saturated): the mix without one part. */
void	mix_minus(int32_t out[MIX_FRAME], const int32_t all[MIX_FRAME],
	    const int32_t one[MIX_FRAME]);

/*
 * A limiter for one output stream.  Each frame, the gain needed to bring
 * the frame's peak down to MIX_LIMIT_CEIL is found (the target).  When
 * it is lower than the previous frame's gain, the applied gain ramps
 * down to it within the frame (attack), reaching it by the first sample
 * the old gain would have put above the ceiling, but over no fewer than
 * MIX_ATTACK_MIN samples: the frame is a look-ahead, and no sample
 * exceeds the ceiling unless the frame is loud in its first millisecond.
 * Otherwise the gain recovers across the frame by MIX_RELEASE_Q15 of its
 * distance to one (rounded up; all the way once under MIX_RELEASE_SNAP
 * is left), but never above the target (release).  After the gain, a
 * soft clipper bends samples above MIX_CLIP_KNEE smoothly towards full
 * scale (continuous, with a continuous slope, at the knee), so the
 * output never wraps and never exceeds +-32767, whatever the input; it
 * rounds to full scale only from 45021 (1.37 times full scale) after
 * the gain.  Quiet input (peak at most the knee, gain at one) passes
 * through unchanged.
 */
struct mix_limiter {
	uint32_t	gain;		/* Q15, at the end of the last frame */
	uint64_t	limited;	/* frames whose gain was below one */
	uint64_t	clipped;	/* samples the soft clipper bent */
};

void	mix_limiter_init(struct mix_limiter *);
void	mix_limit(struct mix_limiter *, const int32_t acc[MIX_FRAME],
	    int16_t out[MIX_FRAME]);

/*
 * The tick schedule: tick n (n = 1, 2, ...) is due at start + n *
 * MIX_PERIOD_USEC, from the start time, not from when the previous tick
 * ran, so lateness does not accumulate.  mix_clock_due() says how many
 * ticks are due at now (0 if the next is still ahead, or now is before
 * the start); of those, at most max are to be run now and the rest, if
 * the loop was held up longer than max periods, are skipped (counted in
 * skipped) so that the mixer catches up with real time instead of
 * bursting; max 0 skips them all.  mix_clock_next() is the time the next
 * tick is due, for the caller's timer (UINT64_MAX if beyond any clock).
 */
struct mix_clock {
	uint64_t	start_usec;
	uint64_t	ticks;		/* ticks run or skipped so far */
	uint64_t	skipped;
};

void	mix_clock_init(struct mix_clock *, uint64_t now_usec);
unsigned mix_clock_due(struct mix_clock *, uint64_t now_usec, unsigned max);
uint64_t mix_clock_next(const struct mix_clock *);

#endif

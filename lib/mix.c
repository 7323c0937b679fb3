/*
 * mix.c - the arithmetic of a mixed room: gain-ramped sums, mix-minus,
 * the per-output limiter and the 20 ms tick schedule.
 *
 * Owns struct mix_limiter and struct mix_clock.  Everything here runs
 * every 20 ms for each of a room's few outputs, so the inner loops are
 * integer multiplies and adds; gain ramps step exactly, by a quotient
 * and a remainder (Bresenham), instead of dividing per sample, and the
 * only libm call, tanh(), is made for samples above the clipper's knee,
 * which a settled limiter does not produce.
 *
 * The limiter has the whole frame before it writes any of it, so the
 * frame is its look-ahead: the gain comes down in time for the first
 * sample that needs it, and the clipper only sees a frame that is loud
 * from its first millisecond.  The knee sits at the ceiling, so that
 * the gain alone holds a sustained loud sum, unbent.
 *
 * Rounding is the same everywhere: x * g / 2^15 is rounded half up,
 * computed on a biased, non-negative product, so no right shift of a
 * negative number (implementation-defined in C99) is ever made.
 * doc/ARCHITECTURE.md "Mixed rooms".
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "chorus/mix.h"

#define MIX_Q			15
#define MIX_HALF		(1 << (MIX_Q - 1))
/* The soft clipper bends |x| above the knee into knee .. full scale. */
#define MIX_FULL		32767
#define MIX_CLIP_RANGE		(MIX_FULL - MIX_CLIP_KNEE)
#define MIX_CLIP_INV		(1.0 / MIX_CLIP_RANGE)

/*
 * g(i) = g0 + (g1 - g0) * i / n, exactly as the integer formula (the
 * quotient truncated towards zero), one sample at a time: the offset
 * grows by the whole part of |g1 - g0| / n, and by one more whenever the
 * remainders add up to n.
 */
struct mix_ramp {
	int32_t		g0;
	int32_t		dir;		/* +1 up, -1 down */
	int32_t		off;		/* |g(i) - g0| */
	int32_t		step;
	int32_t		rem;
	int32_t		err;
	int32_t		n;
};

static void
mix_ramp_init(struct mix_ramp *r, uint32_t g0, uint32_t g1, uint32_t n)
{
	int32_t d = (int32_t)g1 - (int32_t)g0;

	r->g0 = (int32_t)g0;
	r->dir = d < 0 ? -1 : 1;
	d = d < 0 ? -d : d;
	r->off = 0;
	r->step = d / (int32_t)n;
	r->rem = d % (int32_t)n;
	r->err = 0;
	r->n = (int32_t)n;
}

/* The gain for this sample; moves on to the next. */
static int32_t
mix_ramp_next(struct mix_ramp *r)
{
	int32_t g = r->g0 + r->dir * r->off;

	r->off += r->step;
	r->err += r->rem;
	if (r->err >= r->n) {
		r->err -= r->n;
		r->off++;
	}
	return g;
}

/* Gains above one are taken as one: the header's range. */
static uint32_t
mix_gain_clamp(uint32_t g)
{
	return g > MIX_GAIN_ONE ? MIX_GAIN_ONE : g;
}

/* An int64_t brought into int32_t's range. */
static int32_t
mix_sat32(int64_t v)
{
	if (v > INT32_MAX)
		return INT32_MAX;
	if (v < INT32_MIN)
		return INT32_MIN;
	return (int32_t)v;
}

/*
 * x * g / 2^15 rounded half up, for |x| <= 2^31, 0 <= g <= 2^15: the
 * product plus 2^46 is never negative, and 2^46 / 2^15 = 2^31 comes off
 * again after the shift.
 */
static int64_t
mix_mul_q15(int64_t x, int32_t g)
{
	const int64_t bias = (int64_t)1 << (31 + MIX_Q);

	return ((x * g + bias + MIX_HALF) >> MIX_Q) - ((int64_t)1 << 31);
}

/* One speaker's frame into the sum, faded by a ramp from g0 to g1. */
void
mix_add(int32_t acc[MIX_FRAME], const int16_t in[MIX_FRAME],
    uint32_t g0, uint32_t g1, int32_t contrib[MIX_FRAME])
{
	/* int16_t * 2^15 + 2^30 + 2^14 fits int32_t; see mix_mul_q15. */
	const int32_t bias = (int32_t)1 << (15 + MIX_Q);
	struct mix_ramp r;
	int32_t g, v;
	size_t i;

	g0 = mix_gain_clamp(g0);
	g1 = mix_gain_clamp(g1);
	mix_ramp_init(&r, g0, g1, MIX_FRAME);
	for (i = 0; i < MIX_FRAME; i++) {
		g = mix_ramp_next(&r);
		v = ((in[i] * g + bias + MIX_HALF) >> MIX_Q) - (1 << 15);
		/* Saturates only after 65536 full-scale frames: never. */
		acc[i] = mix_sat32((int64_t)acc[i] + v);
		if (contrib != NULL)
			contrib[i] = v;
	}
}

/* The sum less one speaker's part: what that speaker hears. */
void
mix_minus(int32_t out[MIX_FRAME], const int32_t all[MIX_FRAME],
    const int32_t one[MIX_FRAME])
{
	size_t i;

	for (i = 0; i < MIX_FRAME; i++)
		out[i] = mix_sat32((int64_t)all[i] - one[i]);
}

/* Gain one, nothing counted. */
void
mix_limiter_init(struct mix_limiter *l)
{
	memset(l, 0, sizeof(*l));
	l->gain = MIX_GAIN_ONE;
}

/*
 * The soft clipper: |v| up to the knee as it is, above it
 * knee + range * tanh((|v| - knee) / range), rounded, with v's sign.
 * Value and slope (1) are continuous at the knee, and it never exceeds
 * full scale, so nothing wraps; it is monotonic, tanh() being so.
 */
static int16_t
mix_clip(int64_t v, uint64_t *clipped)
{
	int64_t a = v < 0 ? -v : v;
	double y;
	int32_t r;

	if (a <= MIX_CLIP_KNEE)
		return (int16_t)v;
	(*clipped)++;
	y = MIX_CLIP_KNEE + MIX_CLIP_RANGE *
	    tanh((double)(a - MIX_CLIP_KNEE) * MIX_CLIP_INV);
	r = (int32_t)(y + 0.5);
	if (r > MIX_FULL)
		r = MIX_FULL;		/* tanh() is at most 1: never */
	return (int16_t)(v < 0 ? -r : r);
}

/*
 * The gain this frame ends on, from the last frame's and the target:
 * down to the target at once (attack); otherwise up by the release
 * fraction of the way left to one, rounded up so that it gets there,
 * all the way when less than MIX_RELEASE_SNAP is left, and never above
 * the target, which would let this frame's peak out above the ceiling.
 */
static uint32_t
mix_limit_gain(uint32_t prev, uint32_t target)
{
	uint32_t next, left;

	if (target < prev)
		return target;
	left = MIX_GAIN_ONE - prev;
	next = prev + (left * MIX_RELEASE_Q15 + MIX_GAIN_ONE - 1) / MIX_GAIN_ONE;
	if (MIX_GAIN_ONE - next < MIX_RELEASE_SNAP)
		next = MIX_GAIN_ONE;
	return next < target ? next : target;
}

/*
 * How many samples the attack ramp takes: up to the first sample that the
 * old gain would put above the ceiling, so that none is (the frame is the
 * look-ahead), but at least MIX_ATTACK_MIN, so the gain does not step.
 */
static uint32_t
mix_limit_attack(const int32_t acc[MIX_FRAME], uint32_t prev)
{
	uint64_t thr;
	int64_t a;
	uint32_t i;

	if (prev == 0)
		return MIX_FRAME;
	/* |x| * prev > CEIL * ONE exactly when |x| > thr. */
	thr = ((uint64_t)MIX_LIMIT_CEIL << MIX_Q) / prev;
	for (i = 0; i < MIX_FRAME; i++) {
		a = acc[i] < 0 ? -(int64_t)acc[i] : acc[i];
		if ((uint64_t)a > thr)
			break;
	}
	return i < MIX_ATTACK_MIN ? MIX_ATTACK_MIN : i;
}

/* One frame of an output: gain found and ramped, then soft-clipped. */
void
mix_limit(struct mix_limiter *l, const int32_t acc[MIX_FRAME],
    int16_t out[MIX_FRAME])
{
	struct mix_ramp r;
	uint64_t peak = 0, a;
	uint32_t prev = mix_gain_clamp(l->gain), target, next, n;
	size_t i;

	for (i = 0; i < MIX_FRAME; i++) {
		a = (uint64_t)(acc[i] < 0 ? -(int64_t)acc[i] : acc[i]);
		if (a > peak)
			peak = a;
	}
	target = peak > MIX_LIMIT_CEIL ?
	    (uint32_t)(((uint64_t)MIX_LIMIT_CEIL << MIX_Q) / peak) :
	    MIX_GAIN_ONE;
	next = mix_limit_gain(prev, target);
	l->gain = next;
	if (prev == MIX_GAIN_ONE && next == MIX_GAIN_ONE &&
	    peak <= MIX_CLIP_KNEE) {
		/* Quiet, at unity: passed through bit-exact. */
		for (i = 0; i < MIX_FRAME; i++)
			out[i] = (int16_t)acc[i];
		return;
	}
	if (prev < MIX_GAIN_ONE || next < MIX_GAIN_ONE)
		l->limited++;
	n = next < prev ? mix_limit_attack(acc, prev) : MIX_FRAME;
	mix_ramp_init(&r, prev, next, n);
	for (i = 0; i < n; i++)
		out[i] = mix_clip(mix_mul_q15(acc[i], mix_ramp_next(&r)),
		    &l->clipped);
	for (; i < MIX_FRAME; i++)
		out[i] = mix_clip(mix_mul_q15(acc[i], (int32_t)next),
		    &l->clipped);
}

/* Tick 1 is due one period after now. */
void
mix_clock_init(struct mix_clock *c, uint64_t now_usec)
{
	memset(c, 0, sizeof(*c));
	c->start_usec = now_usec;
}

/* Ticks due at now, at most max of them to run; the rest skipped. */
unsigned
mix_clock_due(struct mix_clock *c, uint64_t now_usec, unsigned max)
{
	uint64_t total, pending, run;

	if (now_usec < c->start_usec)
		return 0;		/* the caller's clock went backwards */
	total = (now_usec - c->start_usec) / MIX_PERIOD_USEC;
	if (total <= c->ticks)
		return 0;
	pending = total - c->ticks;
	run = pending < max ? pending : max;
	c->skipped += pending - run;
	c->ticks = total;
	return (unsigned)run;
}

/* start + (ticks + 1) periods, or UINT64_MAX if that overflows. */
uint64_t
mix_clock_next(const struct mix_clock *c)
{
	uint64_t n = c->ticks + 1;

	if (n > (UINT64_MAX - c->start_usec) / MIX_PERIOD_USEC)
		return UINT64_MAX;	/* beyond any clock */
	return c->start_usec + n * MIX_PERIOD_USEC;
}

/*
 * test_mix.c - the mixing arithmetic: mix_add against a naive reference
 * (per-sample division, floor by hand) on random frames and gains, ramp
 * end points, click-free fades, mix-minus of three speakers; the limiter
 * on quiet input (bit-exact), on three in-phase full-scale sines (no
 * wrap, no flat tops, the ceiling held, the shape kept), its look-ahead,
 * its release against a naive model of the gain, the clipper's curve
 * (exact values, monotonic, symmetric) and int32_t extremes; the tick
 * schedule at its boundaries, over 100000 late ticks, after a stall and
 * at the ends of the clock.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "chorus/mix.h"
#include "../tap.h"

#define ONE		MIX_GAIN_ONE
#define N		MIX_FRAME
#define FULL		32767
#define PI		3.14159265358979323846
#define T0		1000000000123ULL	/* usec */
#define P		MIX_PERIOD_USEC

/* A deterministic generator (xorshift32), for reproducible frames. */
static uint32_t rng_state = 0x12345678;

static uint32_t
rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

static void
random_frame(int16_t in[N])
{
	size_t i;

	for (i = 0; i < N; i++)
		in[i] = (int16_t)(rng() & 0xffff);
}

/* Frame k of amp * sin(2 pi f t), as int16_t (amp <= 32767). */
static void
sine_frame(int16_t in[N], double amp, double f, int k)
{
	size_t i;

	for (i = 0; i < N; i++)
		in[i] = (int16_t)lrint(amp *
		    sin(2 * PI * f * ((double)k * N + (double)i) / MIX_RATE));
}

/* floor(p / 2^15 + 1/2) with division, the slow and obvious way. */
static int64_t
naive_round_q15(int64_t p)
{
	int64_t q = p + (1 << 14);

	return q >= 0 ? q / 32768 : -((-q + 32767) / 32768);
}

/* mix_add as the header words it, with a division per sample. */
static void
naive_add(int32_t acc[N], const int16_t in[N], uint32_t g0, uint32_t g1,
    int32_t contrib[N])
{
	int64_t g, v;
	size_t i;

	if (g0 > ONE)
		g0 = ONE;
	if (g1 > ONE)
		g1 = ONE;
	for (i = 0; i < N; i++) {
		g = (int64_t)g0 + ((int64_t)g1 - (int64_t)g0) * (int64_t)i / N;
		v = naive_round_q15(in[i] * g);
		acc[i] += (int32_t)v;
		contrib[i] = (int32_t)v;
	}
}

static void
test_add_unity(void)
{
	int16_t in[N];
	int32_t acc[N], want[N], contrib[N];
	size_t i;

	random_frame(in);
	in[0] = INT16_MIN;
	in[1] = INT16_MAX;
	for (i = 0; i < N; i++) {
		acc[i] = (int32_t)(rng() % 200001) - 100000;
		want[i] = acc[i] + in[i];
	}
	mix_add(acc, in, ONE, ONE, contrib);
	tap_is_mem(acc, want, sizeof(acc), "add: unity adds exactly");
	for (i = 0; i < N && contrib[i] == in[i]; i++)
		;
	tap_is_int((long long)i, N, "add: unity contribution is the input");
	memset(acc, 0, sizeof(acc));
	mix_add(acc, in, 0, 0, contrib);
	for (i = 0; i < N && acc[i] == 0 && contrib[i] == 0; i++)
		;
	tap_is_int((long long)i, N, "add: gain 0 adds nothing");
}

static void
test_add_reference(void)
{
	static const uint32_t gains[][2] = {
		{ 0, ONE }, { ONE, 0 }, { ONE, ONE }, { 0, 0 }, { 1, 2 },
		{ ONE, ONE - 1 }, { 12345, 23456 }, { 30000, 7 },
		{ ONE / 2, ONE / 2 }, { 959, 0 }, { 0, 961 },
		{ ONE + 1, 0 }, { 0xffffffff, 100 },
	};
	int16_t in[N];
	int32_t acc[N], ref[N], c1[N], c2[N];
	size_t k, i, bad = 0;
	uint32_t g0, g1;

	for (k = 0; k < 200; k++) {
		if (k < sizeof(gains) / sizeof(gains[0])) {
			g0 = gains[k][0];
			g1 = gains[k][1];
		} else {
			g0 = rng() % (ONE + 1);
			g1 = rng() % (ONE + 1);
		}
		random_frame(in);
		for (i = 0; i < N; i++)
			acc[i] = ref[i] = (int32_t)(rng() % 2000001) - 1000000;
		mix_add(acc, in, g0, g1, c1);
		naive_add(ref, in, g0, g1, c2);
		if (memcmp(acc, ref, sizeof(acc)) != 0 ||
		    memcmp(c1, c2, sizeof(c1)) != 0)
			bad++;
	}
	tap_is_int((long long)bad, 0, "add: 200 frames as the reference");
	/* Without contrib, the same sum. */
	random_frame(in);
	memset(acc, 0, sizeof(acc));
	memset(ref, 0, sizeof(ref));
	mix_add(acc, in, 1000, 31000, NULL);
	mix_add(ref, in, 1000, 31000, c1);
	tap_is_mem(acc, ref, sizeof(acc), "add: contrib NULL, same sum");
	tap_is_mem(c1, ref, sizeof(c1), "add: contrib is what was added");
}

/* The largest |x[i] - x[i-1]| of a frame that follows prev. */
static int32_t
max_step(int32_t prev, const int32_t x[N])
{
	int32_t m = 0, d;
	size_t i;

	for (i = 0; i < N; i++) {
		d = x[i] - (i == 0 ? prev : x[i - 1]);
		if (d < 0)
			d = -d;
		if (d > m)
			m = d;
	}
	return m;
}

static void
test_add_fades(void)
{
	int16_t in[N];
	int32_t acc[N], c[N];
	size_t i;
	int up = 1, down = 1;

	for (i = 0; i < N; i++)
		in[i] = 10000;
	memset(acc, 0, sizeof(acc));
	mix_add(acc, in, 0, ONE, c);
	tap_is_int(c[0], 0, "fade in: first sample at gain 0");
	/* g(959) = 32768 * 959 / 960 = 32733; 10000 * 32733 / 2^15. */
	tap_is_int(c[N - 1], 9989, "fade in: last sample at 32733/32768");
	tap_is_int(c[N / 2], 5000, "fade in: half way at half");
	mix_add(acc, in, ONE, 0, c);
	tap_is_int(c[0], 10000, "fade out: first sample at gain one");
	/* g(959) = 32768 - 32733 = 35; 10000 * 35 / 2^15 = 10.7. */
	tap_is_int(c[N - 1], 11, "fade out: last sample at 35/32768");

	/* Full-scale DC: a ramp, steps of 34 or 35, no jump of 32767. */
	for (i = 0; i < N; i++)
		in[i] = FULL;
	memset(acc, 0, sizeof(acc));
	mix_add(acc, in, 0, ONE, c);
	for (i = 1; i < N; i++)
		up &= c[i] >= c[i - 1];
	tap_ok(up, "fade in: DC rises monotonically");
	tap_is_int(max_step(0, c), 35, "fade in: DC steps at most 35");
	/* 32767 * 32733 / 32768 = 32732.0003 */
	tap_is_int(c[N - 1], 32732, "fade in: DC ends at 32732");
	mix_add(acc, in, ONE, 0, c);
	for (i = 1; i < N; i++)
		down &= c[i] <= c[i - 1];
	tap_ok(down, "fade out: DC falls monotonically");
	tap_is_int(max_step(c[0], c) <= 35 && c[0] == FULL, 1,
	    "fade out: starts at full scale, steps at most 35");

	/*
	 * A 1 kHz full-scale sine steps by up to 32767 sin(2 pi / 48) =
	 * 4277 a sample; faded in, by no more than that plus what the gain
	 * adds (35) and rounding (1), and near the end by nearly as much.
	 */
	sine_frame(in, FULL, 1000, 0);
	for (i = 0; i < N; i++)
		acc[i] = in[i];
	tap_is_int(max_step(0, acc), 4277, "fade in: the sine's own step");
	memset(acc, 0, sizeof(acc));
	mix_add(acc, in, 0, ONE, c);
	tap_ok(max_step(0, c) <= 4277 + 36, "fade in: sine, no click (%d)",
	    (int)max_step(0, c));
	tap_ok(max_step(0, c) >= 4277 * 97 / 100,
	    "fade in: sine, at 0.97 by the last zero crossing");
}

static void
test_add_minus(void)
{
	int16_t in[3][N];
	int32_t acc[N], c[3][N], m[N], want[N];
	static const uint32_t g[3][2] = {
		{ ONE, ONE }, { 0, ONE }, { ONE, 0 },
	};
	size_t k, i, j;

	memset(acc, 0, sizeof(acc));
	for (k = 0; k < 3; k++) {
		random_frame(in[k]);
		mix_add(acc, in[k], g[k][0], g[k][1], c[k]);
	}
	for (k = 0; k < 3; k++) {
		mix_minus(m, acc, c[k]);
		for (i = 0; i < N; i++) {
			want[i] = 0;
			for (j = 0; j < 3; j++)
				if (j != k)
					want[i] += c[j][i];
		}
		tap_is_mem(m, want, sizeof(m),
		    "minus: speaker's mix is the other two");
	}
	/* The unity speaker's own input comes out exactly. */
	for (i = 0; i < N; i++)
		want[i] = acc[i] - in[0][i];
	mix_minus(m, acc, c[0]);
	tap_is_mem(m, want, sizeof(m), "minus: unity speaker, exact input");

	/* Extremes saturate instead of overflowing (UBSan build). */
	for (i = 0; i < N; i++) {
		acc[i] = i % 2 ? INT32_MIN : INT32_MAX;
		c[0][i] = i % 2 ? -INT32_MAX : INT32_MIN;
	}
	mix_minus(m, acc, c[0]);
	tap_is_int(m[0], INT32_MAX, "minus: MAX - MIN saturates");
	tap_is_int(m[1], -1, "minus: MIN - -MAX is -1");
	for (i = 0; i < N; i++)
		acc[i] = i % 2 ? INT32_MIN + 5 : INT32_MAX - 5;
	in[0][0] = INT16_MAX;
	in[0][1] = INT16_MIN;
	mix_add(acc, in[0], ONE, ONE, NULL);
	tap_is_int(acc[0], INT32_MAX, "add: saturates at INT32_MAX");
	tap_is_int(acc[1], INT32_MIN, "add: saturates at INT32_MIN");
}

/*
 * The clipper's curve, by itself: a fresh limiter's gain is one at the
 * first sample, whatever the frame, so out[0] is the clipper of acc[0].
 */
static int16_t
clip_of(int32_t v)
{
	struct mix_limiter l;
	int32_t acc[N];
	int16_t out[N];

	memset(acc, 0, sizeof(acc));
	acc[0] = v;
	mix_limiter_init(&l);
	mix_limit(&l, acc, out);
	return out[0];
}

static void
test_clip_curve(void)
{
	int32_t v, first_full = -1;
	int16_t y, last = 0;
	int mono = 1, sym = 1;

	tap_is_int(clip_of(MIX_CLIP_KNEE), MIX_CLIP_KNEE, "clip: knee kept");
	tap_is_int(clip_of(-MIX_CLIP_KNEE), -MIX_CLIP_KNEE,
	    "clip: -knee kept");
	/* Slope one at the knee: a step of one in, one out. */
	tap_is_int(clip_of(MIX_CLIP_KNEE + 1), MIX_CLIP_KNEE + 1,
	    "clip: slope one above the knee");
	tap_is_int(clip_of(MIX_CLIP_KNEE + 100), MIX_CLIP_KNEE + 100,
	    "clip: 100 above the knee, bent by under half a step");
	/*
	 * knee + 3276 tanh((x - knee) / 3276), computed apart (Python's
	 * math.tanh): 32767 -> 31985.98, 40000 -> 32755.74,
	 * 35000 -> 32547.74.
	 */
	tap_is_int(clip_of(32767), 31986, "clip: full scale in");
	tap_is_int(clip_of(40000), 32756, "clip: 40000 in");
	tap_is_int(clip_of(-35000), -32548, "clip: -35000 in");
	for (v = 0; v <= 80000; v++) {
		y = clip_of(v);
		if (y < last)
			mono = 0;
		if (clip_of(-v) != -y)
			sym = 0;
		if (first_full == -1 && y == FULL)
			first_full = v;
		last = y;
	}
	tap_ok(mono, "clip: monotonic over 0..80000");
	tap_ok(sym, "clip: odd over -80000..80000");
	/* knee + 3276 atanh(1 - 0.5 / 3276) = 45020.2 */
	tap_is_int(first_full, 45021, "clip: full scale from 45021 only");
	tap_is_int(clip_of(INT32_MAX), FULL, "clip: INT32_MAX to full");
	tap_is_int(clip_of(INT32_MIN), -FULL, "clip: INT32_MIN to -full");
	tap_is_int(clip_of(-INT32_MAX), -FULL, "clip: -INT32_MAX to -full");
}

static void
test_limit_quiet(void)
{
	struct mix_limiter l;
	int32_t acc[N];
	int16_t out[N], want[N];
	int k, same = 1;
	size_t i;

	mix_limiter_init(&l);
	tap_is_int(l.gain, ONE, "limit: starts at one");
	tap_ok(l.limited == 0 && l.clipped == 0, "limit: counters start 0");
	for (k = 0; k < 20; k++) {
		for (i = 0; i < N; i++) {
			acc[i] = (int32_t)(rng() % (2 * 24000 + 1)) - 24000;
			want[i] = (int16_t)acc[i];
		}
		/* Up to the knee, both ways. */
		acc[k] = MIX_CLIP_KNEE;
		acc[k + 1] = -MIX_CLIP_KNEE;
		want[k] = MIX_CLIP_KNEE;
		want[k + 1] = -MIX_CLIP_KNEE;
		mix_limit(&l, acc, out);
		same &= memcmp(out, want, sizeof(out)) == 0;
	}
	tap_ok(same, "limit: quiet input bit-exact for 20 frames");
	tap_is_int(l.gain, ONE, "limit: quiet, gain stays one");
	tap_ok(l.limited == 0 && l.clipped == 0, "limit: quiet, no counts");
}

/* Sum three in-phase 440 Hz sines of ~full scale, frame k, into acc. */
static void
loud_frame(int32_t acc[N], int k)
{
	int16_t in[N];

	memset(acc, 0, N * sizeof(*acc));
	sine_frame(in, 32000, 440, k);
	mix_add(acc, in, ONE, ONE, NULL);
	sine_frame(in, 32500, 440, k);
	mix_add(acc, in, ONE, ONE, NULL);
	sine_frame(in, 31500, 440, k);
	mix_add(acc, in, ONE, ONE, NULL);
}

/* Normalized correlation of a frame's input and output. */
static double
correlation(const int32_t acc[N], const int16_t out[N])
{
	double xy = 0, xx = 0, yy = 0;
	size_t i;

	for (i = 0; i < N; i++) {
		xy += (double)acc[i] * out[i];
		xx += (double)acc[i] * acc[i];
		yy += (double)out[i] * out[i];
	}
	return xx > 0 && yy > 0 ? xy / sqrt(xx * yy) : 0;
}

/*
 * The limiter's gain at the end of a frame, as the header words it,
 * with plain division: down to the target, or up by 0.075 of the way
 * (rounded up), snapped to one under 1/64, capped by the target.
 */
static uint32_t
naive_gain(uint32_t prev, const int32_t acc[N])
{
	double peak = 0, next;
	uint32_t target = ONE, g;
	size_t i;

	for (i = 0; i < N; i++)
		if (fabs((double)acc[i]) > peak)
			peak = fabs((double)acc[i]);
	if (peak > MIX_LIMIT_CEIL)
		target = (uint32_t)floor((double)MIX_LIMIT_CEIL * ONE / peak);
	if (target < prev)
		return target;
	next = prev + ceil((double)(ONE - prev) * MIX_RELEASE_Q15 / ONE);
	g = ONE - next < MIX_RELEASE_SNAP ? ONE : (uint32_t)next;
	return g < target ? g : target;
}

static void
test_limit_loud(void)
{
	struct mix_limiter l;
	int32_t acc[N];
	int16_t out[N];
	int k, at_full = 0, wraps = 0, model = 1, back = -1, exact = 1;
	int32_t peak, peak_lo = FULL, peak_hi = 0, clip0 = 0;
	double corr, corr_min = 1, xy = 0, xx = 0, yy = 0;
	uint32_t g = ONE, prev, rising = 1;
	size_t i;

	mix_limiter_init(&l);
	for (k = 0; k < 50; k++) {
		loud_frame(acc, k);
		mix_limit(&l, acc, out);
		g = naive_gain(g, acc);
		model &= l.gain == g;
		peak = 0;
		for (i = 0; i < N; i++) {
			if (out[i] == FULL || out[i] == -FULL)
				at_full++;
			if (out[i] < -FULL)
				wraps++;
			if ((acc[i] > 1000 && out[i] <= 0) ||
			    (acc[i] < -1000 && out[i] >= 0))
				wraps++;
			if (abs(out[i]) > peak)
				peak = abs(out[i]);
			xy += (double)acc[i] * out[i];
			xx += (double)acc[i] * acc[i];
			yy += (double)out[i] * out[i];
		}
		if (k == 0)
			clip0 = (int32_t)l.clipped;
		if (k >= 3) {
			if (peak < peak_lo)
				peak_lo = peak;
			if (peak > peak_hi)
				peak_hi = peak;
		}
		corr = correlation(acc, out);
		if (k >= 1 && corr < corr_min)
			corr_min = corr;
	}
	tap_is_int(wraps, 0, "loud: no sample wraps or changes sign");
	tap_ok(at_full < N * 50 / 1000, "loud: %d of 48000 at full scale",
	    at_full);
	tap_ok(peak_lo >= 29400 && peak_hi <= MIX_LIMIT_CEIL,
	    "loud: settled peak at the ceiling (%d..%d)", (int)peak_lo,
	    (int)peak_hi);
	tap_ok(xy / sqrt(xx * yy) > 0.999, "loud: shape kept (%.6f)",
	    xy / sqrt(xx * yy));
	tap_ok(corr_min > 0.99999, "loud: each settled frame a scaled copy");
	tap_ok(model, "loud: gain as the naive model, every frame");
	tap_is_int(l.limited, 50, "loud: 50 frames limited");
	tap_ok(clip0 > 0, "loud: first frame's overshoot bent (%d)",
	    (int)clip0);
	tap_is_int((long long)l.clipped, clip0, "loud: nothing bent after");
	/* 29491 * 32768 / 95998 (the sum's peak), give or take a frame. */
	tap_ok(l.gain >= 10066 && l.gain <= 10068, "loud: gain %u",
	    (unsigned)l.gain);

	/* Release: a quiet sine brings the gain back to one, then exact. */
	for (k = 50; k < 150; k++) {
		int16_t in[N];

		memset(acc, 0, sizeof(acc));
		sine_frame(in, 8000, 440, k);
		mix_add(acc, in, ONE, ONE, NULL);
		prev = l.gain;
		mix_limit(&l, acc, out);
		rising &= l.gain >= prev;
		g = naive_gain(g, acc);
		model &= l.gain == g;
		if (back == -1 && l.gain == ONE)
			back = k - 50 + 1;
		else if (back != -1)
			for (i = 0; i < N; i++)
				exact &= out[i] == acc[i];
	}
	tap_ok(model, "release: gain as the naive model, every frame");
	tap_ok(rising, "release: the gain only rises");
	tap_ok(back > 0 && back <= 60, "release: gain one after %d frames",
	    back);
	/* From 10066: 0.925^n of 22702 to under 512, rounded up: 49. */
	tap_is_int(back, 49, "release: exactly 49 frames");
	tap_ok(exact, "release: bit-exact once at one");
	tap_is_int(l.limited, 50 + 49, "release: frames limited counted");
}

static void
test_limit_lookahead(void)
{
	struct mix_limiter l;
	int32_t acc[N];
	int16_t out[N];
	int32_t m = 0;
	size_t i;
	int under = 1;

	/* Quiet until sample 600, then 2.5 times full scale. */
	for (i = 0; i < N; i++)
		acc[i] = i < 600 ? 20000 : -81920;
	mix_limiter_init(&l);
	mix_limit(&l, acc, out);
	for (i = 0; i < N; i++) {
		if (abs(out[i]) > m)
			m = abs(out[i]);
		if (i < 600)
			under &= out[i] <= acc[i] && out[i] > 0;
	}
	tap_is_int(out[0], 20000, "ahead: gain one at the first sample");
	tap_ok(under, "ahead: gain lowered before the loud part");
	tap_ok(m <= MIX_LIMIT_CEIL, "ahead: nothing above the ceiling (%d)",
	    (int)m);
	/* 29491 * 32768 / 81920 = 11796.4 -> 11796; -81920 * that / 2^15 */
	tap_is_int(l.gain, 11796, "ahead: gain at the target");
	tap_is_int(out[600], -29490, "ahead: target reached at the step");
	/* g(599) = 32768 - 20972 * 599 / 600 = 11831; 20000 * that / 2^15 */
	tap_is_int(out[599], 7221, "ahead: ramp's last sample");
	tap_is_int((long long)l.clipped, 0, "ahead: nothing bent");
	tap_is_int((long long)l.limited, 1, "ahead: one frame limited");

	/* Loud from the first sample: 1 ms of ramp, bent, never above. */
	for (i = 0; i < N; i++)
		acc[i] = 60000;
	mix_limiter_init(&l);
	mix_limit(&l, acc, out);
	under = 1;
	for (i = 1; i < N; i++)
		under &= out[i] <= out[i - 1];
	tap_is_int(out[0], FULL, "ahead: loud at once, first sample full");
	tap_ok(under, "ahead: then falls, no wrap");
	tap_is_int(out[MIX_ATTACK_MIN], 29491, "ahead: at target after 1 ms");
	/* g(47) = 32768 - 16662 * 47 / 48 = 16315: 29873, still bent. */
	tap_is_int((long long)l.clipped, MIX_ATTACK_MIN,
	    "ahead: the ramp's samples bent");
}

static void
test_limit_extremes(void)
{
	struct mix_limiter l;
	int32_t acc[N];
	int16_t out[N];
	int k, ok = 1, silent = 1;
	size_t i;

	mix_limiter_init(&l);
	for (k = 0; k < 4; k++) {
		for (i = 0; i < N; i++) {
			switch ((i + (size_t)k) % 4) {
			case 0: acc[i] = INT32_MAX; break;
			case 1: acc[i] = INT32_MIN; break;
			case 2: acc[i] = -INT32_MAX; break;
			default: acc[i] = (int32_t)(rng() | 1); break;
			}
		}
		mix_limit(&l, acc, out);
		for (i = 0; i < N; i++) {
			ok &= out[i] >= -FULL;	/* int16_t: at most FULL */
			ok &= (acc[i] > 0) == (out[i] >= 0) || out[i] == 0;
			if (i >= MIX_ATTACK_MIN || k > 0)
				silent &= out[i] == 0;
		}
	}
	tap_ok(ok, "extremes: in range, no sign flip");
	/* 29491 * 2^15 / 2^31 < 1: the gain is 0, the frame silent. */
	tap_is_int(l.gain, 0, "extremes: gain 0");
	tap_ok(silent, "extremes: silent after the first ramp");
	/* And back from 0, as any release. */
	for (k = 0; k < 60; k++) {
		for (i = 0; i < N; i++)
			acc[i] = 1000;
		mix_limit(&l, acc, out);
	}
	tap_is_int(l.gain, ONE, "extremes: released to one");
	tap_is_int(out[N - 1], 1000, "extremes: then exact");
}

static void
test_clock_edges(void)
{
	struct mix_clock c;

	mix_clock_init(&c, T0);
	tap_ok(c.ticks == 0 && c.skipped == 0, "clock: starts at 0");
	tap_is_int((long long)mix_clock_next(&c), (long long)(T0 + P),
	    "clock: first tick one period on");
	tap_is_int(mix_clock_due(&c, T0, 3), 0, "clock: none at start");
	tap_is_int(mix_clock_due(&c, T0 + P - 1, 3), 0,
	    "clock: none a usec early");
	tap_is_int(mix_clock_due(&c, T0 - 5, 3), 0, "clock: none before");
	tap_is_int(mix_clock_due(&c, 0, 3), 0, "clock: none at 0");
	tap_is_int(mix_clock_due(&c, T0 + P, 3), 1, "clock: one on time");
	tap_is_int(mix_clock_due(&c, T0 + P, 3), 0, "clock: not twice");
	tap_is_int(mix_clock_due(&c, T0 + 2 * P - 1, 3), 0,
	    "clock: next not a usec early");
	tap_is_int((long long)mix_clock_next(&c), (long long)(T0 + 2 * P),
	    "clock: next on the grid");
	tap_is_int(mix_clock_due(&c, T0 + 3 * P, 3), 2, "clock: two due");
	tap_ok(c.ticks == 3 && c.skipped == 0, "clock: 3 ticks, none skipped");
	/* max 0: the schedule moves on, nothing runs. */
	tap_is_int(mix_clock_due(&c, T0 + 5 * P + 7, 0), 0,
	    "clock: max 0 runs none");
	tap_ok(c.ticks == 5 && c.skipped == 2, "clock: max 0 skips both");
	tap_is_int((long long)mix_clock_next(&c), (long long)(T0 + 6 * P),
	    "clock: max 0, next on the grid");

	/* The far end of the clock. */
	tap_is_int(mix_clock_due(&c, UINT64_MAX, 2), 2,
	    "clock: at UINT64_MAX, max run");
	tap_ok(c.ticks == (UINT64_MAX - T0) / P &&
	    c.skipped == 2 + (c.ticks - 5 - 2), "clock: the rest skipped");
	tap_ok(mix_clock_next(&c) == UINT64_MAX, "clock: next beyond, MAX");
	mix_clock_init(&c, 0);
	tap_is_int(mix_clock_due(&c, P, 1), 1, "clock: from 0");
	tap_is_int((long long)mix_clock_next(&c), 2 * P,
	    "clock: from 0, next");
}

static void
test_clock_drift(void)
{
	struct mix_clock c;
	uint64_t n, t, now = 0, late;
	int grid = 1, one = 1;

	mix_clock_init(&c, T0);
	for (n = 1; n <= 100000; n++) {
		t = mix_clock_next(&c);
		grid &= t == T0 + n * P;
		/* 1 to 3 ms late, in no simple pattern. */
		late = 1000 + (n * 7919) % 2001;
		now = t + late;
		one &= mix_clock_due(&c, now, 3) == 1;
	}
	tap_ok(grid, "drift: deadline n at start + n * 20 ms, 100000 ticks");
	tap_ok(one, "drift: one tick per late wake-up");
	tap_ok(c.ticks == 100000 && c.skipped == 0, "drift: none skipped");

	/* A 1 s stall: 51 due (the one late and 50 more), 2 run. */
	t = mix_clock_next(&c);
	tap_is_int(mix_clock_due(&c, t + 1000000, 2), 2,
	    "stall: two run");
	tap_ok(c.ticks == 100051 && c.skipped == 49,
	    "stall: 49 skipped (%llu)", (unsigned long long)c.skipped);
	tap_is_int((long long)mix_clock_next(&c),
	    (long long)(T0 + 100052ULL * P), "stall: back on the grid");
	tap_is_int(mix_clock_due(&c, t + 1000000 + P - 1, 2), 0,
	    "stall: then nothing early");
	tap_is_int(mix_clock_due(&c, T0 + 100052ULL * P, 2), 1,
	    "stall: then on time");
}

int
main(void)
{
	test_add_unity();
	test_add_reference();
	test_add_fades();
	test_add_minus();
	test_clip_curve();
	test_limit_quiet();
	test_limit_loud();
	test_limit_lookahead();
	test_limit_extremes();
	test_clock_edges();
	test_clock_drift();
	return tap_done();
}

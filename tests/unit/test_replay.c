/*
 * test_replay.c - the anti-replay window: hand-made sequences around every
 * edge (the window boundary, jumps of exactly the bitmap and the window,
 * counter 0, REPLAY_REJECT_AFTER), then two long random runs compared, for
 * every check and update, with a deliberately naive reference that keeps
 * every counter ever accepted.
 *
 * The rule both follow (doc/PROTOCOL.md "Replay window"): with max the
 * highest counter accepted, c is accepted iff c < REPLAY_REJECT_AFTER, c
 * was never accepted, and nothing was accepted yet or c + REPLAY_WINDOW >=
 * max.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chorus/replay.h"
#include "../tap.h"

#define W		((uint64_t)REPLAY_WINDOW)
#define SPAN		((uint64_t)REPLAY_WORDS * 64)	/* the whole bitmap */
#define LIMIT		((uint64_t)REPLAY_REJECT_AFTER)
#define EDGE_TOP	5000
#define JUMP		10000000
#define STEPS_MAX	16
#define RANDOM_OPS	1000000
#define EPISODE_MAX	50000
#define MISMATCH_SHOW	5
#define COVER_MIN	1000

/* One step of a sequence: feed counter, expect want (0 or -1). */
struct seq_step {
	uint64_t	counter;
	int		want;
};

/* A hand-made sequence, ended by a step whose want is END_MARK. */
struct seq_case {
	const char	*name;
	struct seq_step	 steps[STEPS_MAX];
};

#define END_MARK	1
#define OK(c)		{ (uint64_t)(c), 0 }
#define NO(c)		{ (uint64_t)(c), -1 }
#define END		{ 0, END_MARK }

static const struct seq_case seq_cases[] = {
	{ "in order",
	    { OK(0), OK(1), OK(2), OK(3), OK(4), END } },
	{ "duplicates",
	    { OK(0), NO(0), OK(1), NO(1), NO(0), OK(2), NO(2), END } },
	{ "out of order inside the window",
	    { OK(10), OK(8), OK(9), NO(8), NO(10), OK(7), OK(11), NO(7),
	    END } },
	{ "first counter may be anything",
	    { OK(1000000), OK(1000000 - W), NO(1000000 - W - 1), NO(0),
	    END } },
	/* The boundary: max - W is the oldest accepted, max - W - 1 not. */
	{ "window edge",
	    { OK(EDGE_TOP), OK(EDGE_TOP - W), NO(EDGE_TOP - W),
	    NO(EDGE_TOP - W - 1), OK(EDGE_TOP - W + 1), OK(EDGE_TOP - 1),
	    END } },
	{ "window edge moves with max",
	    { OK(EDGE_TOP), OK(EDGE_TOP + 1), NO(EDGE_TOP - W),
	    OK(EDGE_TOP + 1 - W), END } },
	{ "counter 0 exactly at the edge",
	    { OK(W), OK(0), NO(0), END } },
	{ "counter 0 one past the edge",
	    { OK(W + 1), NO(0), OK(1), NO(1), END } },
	{ "large jump",
	    { OK(100), OK(100 + JUMP), NO(100), NO(101), OK(99 + JUMP),
	    OK(100 + JUMP - W), NO(99 + JUMP - W), OK(101 + JUMP), END } },
	/* max 5 + W: 5 is still inside, and remembered. */
	{ "jump of exactly the window",
	    { OK(5), OK(5 + W), NO(5), NO(4), OK(6), OK(6 + W), NO(5),
	    END } },
	{ "jump of the window plus one",
	    { OK(5), OK(6 + W), NO(5), OK(6), NO(6), END } },
	/*
	 * 130 + SPAN lands in 130's ring word: the bits of 128 and 129 must
	 * not survive as 128 + SPAN and 129 + SPAN.
	 */
	{ "jump of exactly the bitmap",
	    { OK(128), OK(129), OK(130), OK(130 + SPAN), OK(128 + SPAN),
	    OK(129 + SPAN), NO(130 + SPAN), NO(130), OK(130 + SPAN - W),
	    NO(129 + SPAN - W), END } },
	/* One word short: 128's word is still in the window, kept. */
	{ "jump of one word less than the bitmap",
	    { OK(128), OK(150), OK(130 + SPAN - 64), NO(150), NO(129),
	    OK(130), OK(131), OK(SPAN + 64), NO(130), END } },
	/* 2177 clears the words after 1000's, up to and including 128's. */
	{ "partial clearing",
	    { OK(128), OK(129), OK(1000), OK(SPAN + 129), OK(SPAN + 128),
	    NO(1000), OK(1001), NO(129), NO(SPAN + 129), END } },
	{ "reject after",
	    { OK(LIMIT - 1), NO(LIMIT), NO(UINT64_MAX), NO(LIMIT - 1),
	    OK(LIMIT - 2), OK(LIMIT - 1 - W), NO(LIMIT - 2 - W), END } },
	{ "a refused limit does not move the window",
	    { OK(0), NO(LIMIT), NO(LIMIT + 1), OK(1), NO(0), END } },
	{ "limit before anything was accepted",
	    { NO(LIMIT), NO(UINT64_MAX), OK(0), NO(0), END } },
};

/* Feed one hand-made sequence: check, update, then check again. */
static void
test_seq_case(const struct seq_case *sc)
{
	struct replay r;
	const struct seq_step *st;
	int got_check, got_update, after;
	size_t i;

	replay_init(&r);
	for (i = 0; i < STEPS_MAX && sc->steps[i].want != END_MARK; i++) {
		st = &sc->steps[i];
		got_check = replay_check(&r, st->counter);
		got_update = replay_update(&r, st->counter);
		after = replay_check(&r, st->counter);
		if (!tap_ok(got_check == st->want && got_update == st->want &&
		    after == -1, "%s: step %zu, counter %llu %s", sc->name, i,
		    (unsigned long long)st->counter,
		    st->want == 0 ? "accepted" : "refused"))
			tap_diag("  check %d, update %d, check after %d",
			    got_check, got_update, after);
	}
}

/* replay_check never changes the state; a refused update neither. */
static void
test_read_only(void)
{
	struct replay r, before;
	uint64_t probe[] = { 0, 2999, 3000, 3001, 3000 + JUMP, 3000 - W,
	    3000 - W - 1, LIMIT, UINT64_MAX };
	size_t i;
	int ok = 1;

	replay_init(&r);
	tap_ok(r.top == 0, "replay_init: nothing accepted");
	tap_ok(replay_update(&r, 3000) == 0 && replay_update(&r, 2998) == 0,
	    "set up the window");
	memcpy(&before, &r, sizeof(r));
	for (i = 0; i < sizeof(probe) / sizeof(probe[0]); i++)
		(void)replay_check(&r, probe[i]);
	tap_ok(memcmp(&before, &r, sizeof(r)) == 0,
	    "replay_check leaves the state alone");
	ok &= replay_update(&r, 2998) == -1;		/* replay */
	ok &= replay_update(&r, 3000 - W - 1) == -1;	/* too old */
	ok &= replay_update(&r, LIMIT) == -1;
	tap_ok(ok && memcmp(&before, &r, sizeof(r)) == 0,
	    "a refused update leaves the state alone");
	/* A forged (checked, never updated) counter does not move it. */
	tap_ok(replay_check(&r, 3000 + JUMP) == 0 &&
	    replay_update(&r, 3000 - W) == 0,
	    "a counter only checked does not move the window");
}

/*
 * The naive reference: every counter ever accepted, in a sorted array, and
 * the highest.  It knows nothing of words, rings or clearing.
 */
struct ref {
	uint64_t	*seen;
	size_t		 n, cap;
	int		 any;
	uint64_t	 max;
};

/* Index of the first accepted counter >= c. */
static size_t
ref_lower_bound(const struct ref *f, uint64_t c)
{
	size_t lo = 0, hi = f->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (f->seen[mid] < c)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The rule, as written in doc/PROTOCOL.md. */
static int
ref_check(const struct ref *f, uint64_t c)
{
	size_t i;

	if (c >= LIMIT)
		return -1;
	/* No overflow: c < LIMIT = UINT64_MAX - 8192 and W < 8192. */
	if (f->any && c + W < f->max)
		return -1;
	i = ref_lower_bound(f, c);
	if (i < f->n && f->seen[i] == c)
		return -1;
	return 0;
}

/* Accept c if the rule allows, remembering it forever. */
static int
ref_update(struct ref *f, uint64_t c)
{
	size_t i;

	if (ref_check(f, c) == -1)
		return -1;
	if (f->n == f->cap) {
		f->cap = f->cap == 0 ? 1024 : f->cap * 2;
		f->seen = realloc(f->seen, f->cap * sizeof(*f->seen));
		if (f->seen == NULL) {
			perror("realloc");
			exit(1);
		}
	}
	i = ref_lower_bound(f, c);
	memmove(&f->seen[i + 1], &f->seen[i], (f->n - i) * sizeof(*f->seen));
	f->seen[i] = c;
	f->n++;
	if (!f->any || c > f->max)
		f->max = c;
	f->any = 1;
	return 0;
}

/* What one random run drives: the window, the reference, the PRNG. */
struct drive {
	uint64_t	rng;
	uint64_t	base;		/* "max" before anything is accepted */
	struct replay	r;
	struct ref	ref;
};

/* xorshift64*: fixed seeds, so a failure reproduces. */
static uint64_t
drive_rand(struct drive *d)
{
	d->rng ^= d->rng >> 12;
	d->rng ^= d->rng << 25;
	d->rng ^= d->rng >> 27;
	return d->rng * 2685821657736338717ULL;
}

/* The reference's max, or the episode's base before the first accept. */
static uint64_t
drive_max(const struct drive *d)
{
	return d->ref.any ? d->ref.max : d->base;
}

/* m - x, or 0 below zero. */
static uint64_t
sub_sat(uint64_t m, uint64_t x)
{
	return m > x ? m - x : 0;
}

/* Mix A: mostly in order, holes filled late, old counters, big jumps. */
static uint64_t
gen_mix_a(struct drive *d)
{
	uint64_t m = drive_max(d), p = drive_rand(d) % 100,
	    x = drive_rand(d);

	if (p < 55)
		return m + 1 + x % 3;
	if (p < 65)
		return m + 1 + x % 100;			/* leaves holes */
	if (p < 77)
		return sub_sat(m, x % 64);		/* recent: dup or hole */
	if (p < 87)
		return sub_sat(m, W + 8) + x % 17;	/* edge, +-8 */
	if (p < 92)
		return sub_sat(m, W + 1 + x % 100000);	/* beyond the edge */
	if (p < 95)
		return sub_sat(m, x % W);		/* anywhere inside */
	if (p < 98)
		return m + x % (2 * SPAN);		/* medium jump */
	switch (x % 6) {
	case 0:
		return m + SPAN;
	case 1:
		return m + SPAN - 1;
	case 2:
		return m + SPAN + 1;
	case 3:
		return m + W + x % 2;
	case 4:
		return m + 64 * (1 + (x >> 8) % REPLAY_WORDS);
	default:
		return m + (x >> 8) % (1ULL << 40);
	}
}

/* Mix B: exact edges, whole-word jumps around the bitmap, the limit. */
static uint64_t
gen_mix_b(struct drive *d)
{
	uint64_t m = drive_max(d), p = drive_rand(d) % 100,
	    x = drive_rand(d);

	if (p < 30)
		return m + 1;
	if (p < 45)
		return sub_sat(m, W + 32) + x % (W + 64);
	if (p < 60)
		return sub_sat(m, W + 1) + x % 3;	/* edge - 1, edge, + 1 */
	if (p < 70)
		return sub_sat(m, x % 4);
	if (p < 80)					/* ring wrap-around */
		return sub_sat(m + 64 * (REPLAY_WORDS - 2 + x % 5), 32) +
		    (x >> 8) % 64;
	if (p < 88)
		return m + 1 + x % 256;
	if (p < 90)
		return x % 2 ? LIMIT + x % 4 : UINT64_MAX - x % 4;
	if (p < 97)
		return sub_sat(m, W + 1 + x % (1ULL << 30));
	return m + (x >> 2);				/* may wrap: old */
}

/* A fresh episode: empty window and reference, a new base. */
static void
drive_episode(struct drive *d)
{
	uint64_t x = drive_rand(d);

	replay_init(&d->r);
	d->ref.n = 0;
	d->ref.any = 0;
	switch (x % 4) {
	case 0:
		d->base = 0;
		break;
	case 1:
		d->base = (x >> 8) % 1000;
		break;
	case 2:
		d->base = drive_rand(d) >> 1;
		break;
	default:					/* runs into the limit */
		d->base = LIMIT - 1 - (x >> 8) % 20000;
		break;
	}
}

/* Counts of what the reference decided, to show the mix covers it. */
struct cover {
	unsigned long	accepted, dup, old, limit, edge_in, edge_out, skipped;
};

/* Classify c by the reference's state before it is applied. */
static void
cover_note(struct cover *cv, const struct ref *f, uint64_t c, int verdict)
{
	if (f->any && c + W == f->max)
		cv->edge_in += verdict == 0;
	if (f->any && c + W + 1 == f->max)
		cv->edge_out++;
	if (verdict == 0)
		cv->accepted++;
	else if (c >= LIMIT)
		cv->limit++;
	else if (f->any && c + W < f->max)
		cv->old++;
	else
		cv->dup++;
}

/*
 * Drive both with ops operations; episode_max 0 means one long episode.
 * Every check and every update must agree with the reference.
 */
static void
test_random(const char *name, uint64_t seed, uint64_t (*gen)(struct drive *),
    unsigned long episode_max, int want_limit)
{
	struct drive d;
	struct cover cv;
	unsigned long op, mismatches = 0, episodes = 0, left = 0;
	uint64_t c;
	int want, got, wu, gu;

	memset(&d, 0, sizeof(d));
	memset(&cv, 0, sizeof(cv));
	d.rng = seed;
	replay_init(&d.r);
	for (op = 0; op < RANDOM_OPS; op++) {
		if (episode_max != 0 && left-- == 0) {
			drive_episode(&d);
			left = drive_rand(&d) % episode_max;
			episodes++;
		}
		c = gen(&d);
		want = ref_check(&d.ref, c);
		got = replay_check(&d.r, c);
		cover_note(&cv, &d.ref, c, want);
		/* One in eight fails authentication: checked, not updated. */
		if (drive_rand(&d) % 8 == 0) {
			cv.skipped++;
			wu = gu = 0;
		} else {
			wu = ref_update(&d.ref, c);
			gu = replay_update(&d.r, c);
		}
		if (want != got || wu != gu) {
			if (mismatches++ < MISMATCH_SHOW)
				tap_diag("  op %lu: counter %llu, max %llu: "
				    "check %d want %d, update %d want %d", op,
				    (unsigned long long)c,
				    (unsigned long long)drive_max(&d), got,
				    want, gu, wu);
		}
	}
	tap_ok(mismatches == 0, "%s: %d ops, %lu episodes, every check and "
	    "update agrees with the reference", name, RANDOM_OPS, episodes);
	tap_diag("  accepted %lu, replays %lu, too old %lu, over limit %lu, "
	    "edge accepted %lu, edge-1 seen %lu, unauthenticated %lu",
	    cv.accepted, cv.dup, cv.old, cv.limit, cv.edge_in, cv.edge_out,
	    cv.skipped);
	tap_ok(cv.accepted > COVER_MIN && cv.dup > COVER_MIN &&
	    cv.old > COVER_MIN && cv.edge_in > 0 && cv.edge_out > 0 &&
	    (!want_limit || cv.limit > COVER_MIN),
	    "%s: the mix reaches every verdict and both sides of the edge",
	    name);
	free(d.ref.seen);
}

/* The hand-made tables, then the two random runs. */
int
main(void)
{
	size_t i;

	tap_plan(0);
	for (i = 0; i < sizeof(seq_cases) / sizeof(seq_cases[0]); i++)
		test_seq_case(&seq_cases[i]);
	test_read_only();
	test_random("mix A", 0x9e3779b97f4a7c15ULL, gen_mix_a, 0, 0);
	test_random("mix B", 0xd1b54a32d192ed03ULL, gen_mix_b, EPISODE_MAX, 1);
	return tap_done();
}

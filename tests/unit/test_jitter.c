/*
 * test_jitter.c - the jitter buffer, driven by scripted arrivals on a
 * fake clock with one take every 20 ms: in-order play, reordering, a lost
 * frame (and peek_next for FEC), late frames and duplicates, DTX pauses
 * short and long, sequence wrap-around, the jitter estimate and the
 * target delay (RFC 3550 §6.4.1, exact values), skipping forward, the
 * start time to the microsecond, and every counter.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "chorus/jitter.h"
#include "../tap.h"

#define MS		1000ULL			/* usec */
#define TICK		(20 * MS)
#define T0		5000000000ULL
#define NET		(30 * MS)		/* the usual network delay */
#define PHASE		(10 * MS)		/* takes at T0 + 10 + 20 i */
#define NEVER		UINT64_MAX
#define MAXF		200
#define MAXT		400

/* The payload of frame seq: its number, then filler; 4..10 bytes. */
static size_t
payload(uint32_t seq, uint8_t *b)
{
	size_t n = 4 + seq % 7, i;

	b[0] = (uint8_t)(seq >> 24);
	b[1] = (uint8_t)(seq >> 16);
	b[2] = (uint8_t)(seq >> 8);
	b[3] = (uint8_t)seq;
	for (i = 4; i < n; i++)
		b[i] = (uint8_t)(seq * 31 + i);
	return n;
}

/* Give frame seq to the buffer at t. */
static int
put(struct jitter *j, uint32_t seq, uint64_t t)
{
	uint8_t b[16];
	size_t n = payload(seq, b);

	return jitter_put(j, seq, b, n, t);
}

/* 1 if b[len] is exactly frame seq's payload. */
static int
payload_ok(uint32_t seq, const uint8_t *b, size_t len)
{
	uint8_t want[16];

	return len == payload(seq, want) && memcmp(b, want, len) == 0;
}

/* A frame's number from its payload. */
static uint32_t
payload_seq(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	    (uint32_t)b[2] << 8 | b[3];
}

/*
 * A script: frame base + k arrives at arrive[k] (NEVER: lost; a second
 * copy at again[k] if not 0); takes at T0 + PHASE + 20 ms * i.  The log
 * has one letter per take (E, F, L), the numbers played, and for each L
 * the number peek_next showed (or -1).
 */
struct script {
	uint32_t	base;
	int		n;
	uint64_t	arrive[MAXF], again[MAXF];
	int		puts[MAXF];	/* jitter_put's answer (first copy) */
	int		ticks;
	char		log[MAXT + 1];
	uint32_t	played[MAXT];
	int		nplayed;
	long long	peeked[MAXT];
	int		npeeked;
	int		bad_payload;
	struct jitter	j;
};

/* n frames, frame k arriving at T0 + 20 k + NET, and no takes yet. */
static void
script_init(struct script *s, uint32_t base, int n)
{
	int k;

	memset(s, 0, sizeof(*s));
	s->base = base;
	s->n = n;
	for (k = 0; k < n; k++)
		s->arrive[k] = T0 + (uint64_t)k * TICK + NET;
	jitter_init(&s->j);
}

/* Deliver, in time order, every copy due by t not yet delivered. */
static void
script_deliver(struct script *s, uint64_t t, uint8_t *done, uint8_t *done2)
{
	uint64_t best;
	int k, pick, second;

	for (;;) {
		best = NEVER;
		pick = -1;
		second = 0;
		for (k = 0; k < s->n; k++) {
			if (!done[k] && s->arrive[k] <= t &&
			    s->arrive[k] < best) {
				best = s->arrive[k];
				pick = k;
				second = 0;
			}
			if (!done2[k] && s->again[k] != 0 &&
			    s->again[k] <= t && s->again[k] < best) {
				best = s->again[k];
				pick = k;
				second = 1;
			}
		}
		if (pick == -1)
			return;
		if (second) {
			done2[pick] = 1;
			put(&s->j, s->base + (uint32_t)pick, best);
		} else {
			done[pick] = 1;
			s->puts[pick] = put(&s->j, s->base + (uint32_t)pick,
			    best);
		}
	}
}

/* Run ticks takes. */
static void
script_run(struct script *s, int ticks)
{
	uint8_t done[MAXF], done2[MAXF], out[JITTER_MAX_PAYLOAD];
	const uint8_t *p;
	uint64_t t;
	size_t len, plen;
	int i;

	memset(done, 0, sizeof(done));
	memset(done2, 0, sizeof(done2));
	s->ticks = ticks;
	for (i = 0; i < ticks; i++) {
		t = T0 + PHASE + (uint64_t)i * TICK;
		script_deliver(s, t, done, done2);
		switch (jitter_get(&s->j, t, out, sizeof(out), &len)) {
		case JITTER_FRAME:
			s->log[i] = 'F';
			s->played[s->nplayed] = payload_seq(out);
			if (!payload_ok(s->played[s->nplayed], out, len))
				s->bad_payload++;
			s->nplayed++;
			break;
		case JITTER_LOST:
			s->log[i] = 'L';
			p = jitter_peek_next(&s->j, &plen);
			s->peeked[s->npeeked++] = p == NULL ? -1 :
			    (long long)payload_seq(p);
			break;
		default:
			s->log[i] = 'E';
			if (len != 0)
				s->bad_payload++;
			break;
		}
	}
	s->log[ticks] = '\0';
}

/* The expected log: runs of letters, "E3 F100 L9 E8". */
static const char *
expect(const char *spec)
{
	static char out[MAXT + 1];
	const char *p = spec;
	size_t o = 0;
	int n;
	char c;

	while (*p != '\0') {
		c = *p++;
		n = 0;
		while (*p >= '0' && *p <= '9')
			n = n * 10 + (*p++ - '0');
		while (n-- > 0 && o < MAXT)
			out[o++] = c;
		while (*p == ' ')
			p++;
	}
	out[o] = '\0';
	return out;
}

/* 1 if s played base + from .. base + to - 1, each once, in order. */
static int
played_run(const struct script *s, int at, uint32_t from, uint32_t to)
{
	uint32_t k;

	for (k = from; k < to; k++, at++)
		if (at >= s->nplayed || s->played[at] != s->base + k)
			return 0;
	return 1;
}

/* Every counter at once. */
static int
stats_are(const struct jitter *j, uint64_t received, uint64_t played,
    uint64_t lost, uint64_t late, uint64_t duplicate, uint64_t underrun,
    uint64_t dropped, uint64_t restarts)
{
	const struct jitter_stats *st = jitter_stats(j);

	if (st->received == received && st->played == played &&
	    st->lost == lost && st->late == late &&
	    st->duplicate == duplicate && st->underrun == underrun &&
	    st->dropped == dropped && st->restarts == restarts)
		return 1;
	tap_diag("  received %llu played %llu lost %llu late %llu dup %llu "
	    "underrun %llu dropped %llu restarts %llu",
	    (unsigned long long)st->received, (unsigned long long)st->played,
	    (unsigned long long)st->lost, (unsigned long long)st->late,
	    (unsigned long long)st->duplicate,
	    (unsigned long long)st->underrun, (unsigned long long)st->dropped,
	    (unsigned long long)st->restarts);
	return 0;
}

/* A fresh buffer: empty, 40 ms, nothing to peek. */
static void
test_init(void)
{
	struct jitter j;
	uint8_t out[JITTER_MAX_PAYLOAD], big[JITTER_MAX_PAYLOAD + 1];
	size_t len = 99;

	jitter_init(&j);
	tap_is_int(jitter_stats(&j)->target_ms, 40, "initial target 40 ms");
	tap_ok(jitter_stats(&j)->jitter_ms == 0.0, "initial jitter 0");
	tap_is_int(jitter_get(&j, T0, out, sizeof(out), &len), JITTER_EMPTY,
	    "nothing in: empty");
	tap_is_int((long long)len, 0, "... length 0");
	tap_ok(jitter_peek_next(&j, &len) == NULL && len == 0,
	    "nothing to peek");
	memset(big, 1, sizeof(big));
	tap_is_int(jitter_put(&j, 1, big, 0, T0), -1, "empty frame refused");
	tap_is_int(jitter_put(&j, 1, big, sizeof(big), T0), -1,
	    "1276 bytes refused");
	tap_ok(stats_are(&j, 0, 0, 0, 0, 0, 0, 0, 0),
	    "refused lengths are not counted");
	tap_is_int(jitter_put(&j, 1, big, JITTER_MAX_PAYLOAD, T0), 0,
	    "1275 bytes taken");
	tap_is_int(j.state, JITTER_BUFFERING, "buffering");
}

/*
 * In order, 30 ms late each: the first arrives at T0 + 30, playout
 * starts 40 ms later at the take of T0 + 70 (the 4th), every frame plays
 * once; then the buffer runs dry: nine concealed takes, and the tenth
 * ends the stream.
 */
static void
test_in_order(void)
{
	static struct script s;

	script_init(&s, 1000, 100);
	script_run(&s, 120);
	tap_is_str(s.log, expect("E3 F100 L9 E8"), "in order: the takes");
	tap_ok(s.nplayed == 100 && played_run(&s, 0, 0, 100),
	    "every frame once, in order");
	tap_is_int(s.bad_payload, 0, "payloads intact");
	tap_ok(stats_are(&s.j, 100, 100, 0, 0, 0, 9, 0, 1), "counters");
	tap_ok(jitter_stats(&s.j)->jitter_ms == 0.0,
	    "steady arrivals: jitter exactly 0");
	tap_is_int(s.j.state, JITTER_IDLE, "idle at the end");
}

/* Pairs swapped in flight, up to 40 ms: nothing lost, order restored. */
static void
test_reorder(void)
{
	static struct script s;
	uint64_t t;
	int k;

	script_init(&s, 7, 100);
	for (k = 0; k < 100; k += 2) {
		t = s.arrive[k];
		s.arrive[k] = s.arrive[k + 1];
		s.arrive[k + 1] = t;
	}
	/* And one frame 40 ms late: it still comes before its turn. */
	s.arrive[51] += 40 * MS;
	script_run(&s, 105);
	tap_is_str(s.log, expect("E3 F100 L2"), "reordered: the takes");
	tap_ok(s.nplayed == 100 && played_run(&s, 0, 0, 100),
	    "played in order (the second frame came first)");
	tap_ok(stats_are(&s.j, 100, 100, 0, 0, 0, 2, 0, 1), "counters");
	tap_ok(jitter_stats(&s.j)->jitter_ms > 10.0,
	    "the swaps show as jitter (%.3f ms)",
	    jitter_stats(&s.j)->jitter_ms);
}

/* A frame lost: one L at its turn, the next frame there to peek at. */
static void
test_lost(void)
{
	static struct script s;

	script_init(&s, 0, 50);
	s.arrive[10] = NEVER;
	s.arrive[20] = NEVER;
	s.arrive[21] = NEVER;
	script_run(&s, 53);
	tap_is_str(s.log, expect("E3 F10 L1 F9 L2 F28"), "losses: the takes");
	tap_is_int(s.npeeked, 3, "three concealed");
	tap_is_int(s.peeked[0], 11, "peek_next after 10 shows 11 (for FEC)");
	tap_is_int(s.peeked[1], -1, "after 20, 21 is missing too");
	tap_is_int(s.peeked[2], 22, "after 21, 22");
	tap_ok(played_run(&s, 0, 0, 10) && played_run(&s, 10, 11, 20) &&
	    played_run(&s, 19, 22, 50), "the rest played in order");
	tap_ok(stats_are(&s.j, 47, 47, 3, 0, 0, 0, 0, 1), "counters");
}

/* Late frames are lost at their turn and counted when they come. */
static void
test_late(void)
{
	static struct script s;

	script_init(&s, 0, 40);
	s.arrive[10] += 200 * MS;
	s.arrive[30] += 41 * MS;	/* its turn was at +40 */
	script_run(&s, 43);
	tap_is_str(s.log, expect("E3 F10 L1 F19 L1 F9"), "late: the takes");
	tap_is_int(s.puts[10], -1, "frame 10 refused when it comes");
	tap_is_int(s.puts[30], -1, "frame 30, 1 ms too late, refused");
	tap_ok(stats_are(&s.j, 40, 38, 2, 2, 0, 0, 0, 1), "counters");
}

/* Duplicates: of a held frame counted so; of a played one, late. */
static void
test_duplicate(void)
{
	static struct script s;

	script_init(&s, 0, 30);
	s.again[5] = s.arrive[5] + 5 * MS;	/* while it is held */
	s.again[8] = s.arrive[8] + 1 * MS;
	s.again[3] = s.arrive[3] + 100 * MS;	/* after it played */
	script_run(&s, 33);
	tap_is_str(s.log, expect("E3 F30"), "duplicates: the takes");
	tap_ok(s.nplayed == 30 && played_run(&s, 0, 0, 30),
	    "each frame played once");
	tap_ok(stats_are(&s.j, 33, 30, 0, 1, 2, 0, 0, 1), "counters");
	tap_is_int(put(&s.j, 29, T0), -1, "one more after the end: late");
}

/*
 * DTX: a short pause (the sender skips 5 numbers) is concealed and the
 * talk goes on: three takes find nothing held (underruns), then 55 is in
 * and 53 and 54 count as lost.  A long pause (50) ends the stream after
 * nine concealed takes, and the next frame starts a new one, 40 ms after
 * it arrives.
 */
static void
test_dtx(void)
{
	static struct script s;
	int k;

	script_init(&s, 0, 150);
	for (k = 50; k < 55; k++)
		s.arrive[k] = NEVER;
	for (k = 100; k < 150; k++)
		s.arrive[k] = NEVER;
	script_run(&s, 153);
	tap_is_str(s.log, expect("E3 F50 L5 F45 L9 E41"),
	    "short pause: concealed, then on");
	tap_ok(stats_are(&s.j, 95, 95, 2, 0, 0, 3 + 9, 0, 1), "counters");

	script_init(&s, 0, 150);
	for (k = 50; k < 100; k++)
		s.arrive[k] = NEVER;
	script_run(&s, 160);
	/* Frame 100 arrives at T0 + 2030; the take at T0 + 2070 is #103. */
	tap_is_str(s.log, expect("E3 F50 L9 E41 F50 L7"),
	    "long pause: stream ends, restarts at the next frame");
	tap_ok(played_run(&s, 0, 0, 50) && played_run(&s, 50, 100, 150),
	    "both talkspurts played whole");
	tap_ok(stats_are(&s.j, 100, 100, 0, 0, 0, 16, 0, 2), "counters");
}

/* Numbers across 2^32: nothing special happens. */
static void
test_wrap(void)
{
	static struct script s;
	uint64_t t;

	script_init(&s, UINT32_MAX - 20, 60);
	t = s.arrive[20];			/* UINT32_MAX and 0 swap */
	s.arrive[20] = s.arrive[21];
	s.arrive[21] = t;
	s.arrive[25] = NEVER;			/* 4 is lost */
	script_run(&s, 63);
	tap_is_str(s.log, expect("E3 F25 L1 F34"), "wrap: the takes");
	tap_ok(played_run(&s, 0, 0, 25) && played_run(&s, 25, 26, 60),
	    "played in order across the wrap");
	tap_is_int(s.played[20], UINT32_MAX, "UINT32_MAX played");
	tap_is_int(s.played[21], 0, "then 0");
	tap_is_int(s.peeked[0], 5, "peek across: 5 after 4");
	tap_ok(stats_are(&s.j, 59, 59, 1, 0, 0, 0, 0, 1), "counters");

	/* Buffering across the wrap: 1 first, then UINT32_MAX, 0. */
	script_init(&s, UINT32_MAX - 1, 4);
	s.arrive[0] = T0 + 15 * MS;
	s.arrive[1] = T0 + 12 * MS;
	s.arrive[2] = T0 + 10 * MS;
	s.arrive[3] = T0 + 11 * MS;
	script_run(&s, 6);
	tap_is_str(s.log, expect("E2 F4"), "wrap while buffering");
	tap_ok(played_run(&s, 0, 0, 4), "played from UINT32_MAX - 1");
	tap_is_int(put(&s.j, UINT32_MAX - 1, T0), -1, "then it is late");
}

/* Exact estimates: the first step is |D| / 16; 2 J + 20 rounds up. */
static void
test_estimate(void)
{
	struct jitter j;
	const struct jitter_stats *st;
	uint64_t t = T0;
	uint32_t k;
	double e;

	jitter_init(&j);
	st = jitter_stats(&j);
	put(&j, 0, t);
	put(&j, 1, t + 50 * MS);		/* D = 30 ms */
	tap_ok(st->jitter_ms == 1.875, "J = 30 / 16 = 1.875 (got %.17g)",
	    st->jitter_ms);
	put(&j, 2, t + 40 * MS);		/* D = -30 ms */
	tap_ok(st->jitter_ms == 1.875 + (30 - 1.875) / 16,
	    "J += (|D| - J) / 16 (got %.17g)", st->jitter_ms);
	/* Alternating 0 / 30 ms: J tends to 30, the target to 80 ms. */
	for (k = 3; k < 200; k++)
		put(&j, k, t + k * TICK + (k % 2) * 30 * MS);
	tap_ok(st->jitter_ms > 29.99 && st->jitter_ms <= 30,
	    "alternating 30 ms: J -> 30 (%.6f)", st->jitter_ms);
	tap_is_int(st->target_ms, 80, "target 2 * 30 + 20 = 80 ms");

	/* Rounding: J = 10 -> 40; J = 10.00125 -> 40.0025 -> 60. */
	jitter_init(&j);
	put(&j, 0, t);
	put(&j, 1, t + (20 + 160) * MS);
	tap_ok(st->jitter_ms == 10.0, "D = 160 ms: J = 10");
	tap_is_int(st->target_ms, 40, "2 * 10 + 20 = 40 ms exactly");
	jitter_init(&j);
	put(&j, 0, t);
	put(&j, 1, t + (20 + 160) * MS + 20);
	tap_is_int(st->target_ms, 60, "20 us more: rounded up to 60 ms");
	jitter_init(&j);
	put(&j, 0, t);
	put(&j, 1, t + (20 + 16 * 15) * MS);	/* J = 15: 50 -> 60 */
	tap_is_int(st->target_ms, 60, "J = 15: 60 ms");

	/* Jumps of 32 numbers or more start a new pair. */
	jitter_init(&j);
	put(&j, 0, t);
	put(&j, 32, t + 5000 * MS);
	put(&j, 32 - 64, t + 9000 * MS);
	tap_ok(st->jitter_ms == 0.0, "jumps of +-32 leave J alone");
	put(&j, 32 - 64 + 31, t + 9000 * MS);
	tap_ok(st->jitter_ms == 31 * 20.0 / 16, "31 counts (J = 38.75)");

	/* Wild arrivals: J grows, the target stays in 40..200. */
	jitter_init(&j);
	e = 0;
	for (k = 0; k < 500; k++) {
		put(&j, k, t + k * TICK + (k * 7919 % 13) * 37 * MS);
		if (st->target_ms < JITTER_MIN_MS ||
		    st->target_ms > JITTER_MAX_MS ||
		    st->target_ms % JITTER_FRAME_MS != 0)
			e = -1;
	}
	tap_ok(e == 0, "target always a multiple of 20 in 40..200");
	tap_ok(st->jitter_ms > 100, "J grew (%.1f ms)", st->jitter_ms);
	tap_is_int(st->target_ms, 200, "target clamped at 200 ms");
}

/* The delay set at a stream's start follows the estimate. */
static void
test_target_playout(void)
{
	static struct script s;
	int k;

	/* Jittery (0 / 30 ms), then 1 s silent, then 20 frames steady. */
	script_init(&s, 0, 120);
	for (k = 0; k < 60; k++)
		s.arrive[k] += (k % 2) * 30 * MS;
	for (k = 60; k < 100; k++)
		s.arrive[k] = NEVER;
	script_run(&s, 125);
	/*
	 * J after 60 alternating arrivals is 30 (1 - (15/16)^59) = 29.2:
	 * 2 J + 20 = 78.4 -> 80 ms; frame 100 arrives at T0 + 2030, so the
	 * new stream starts at the take of T0 + 2110 (#105).
	 */
	tap_is_str(s.log + 100, expect("E5 F20"),
	    "the next stream waits 80 ms");
	tap_ok(played_run(&s, 60, 100, 120), "and plays whole");
	tap_is_int(jitter_stats(&s.j)->target_ms, 40,
	    "steady again: back to 40 ms for the one after");
}

/* Playout starts target_ms after the first arrival, to the microsecond. */
static void
test_start_time(void)
{
	struct jitter j;
	uint8_t out[JITTER_MAX_PAYLOAD];
	size_t len;

	jitter_init(&j);
	put(&j, 500, T0);
	tap_is_int(jitter_get(&j, T0 - 1, out, sizeof(out), &len),
	    JITTER_EMPTY, "before the first frame's arrival: empty");
	tap_is_int(jitter_get(&j, T0 + 40 * MS - 1, out, sizeof(out), &len),
	    JITTER_EMPTY, "40 ms - 1 us after it: empty");
	tap_is_int(jitter_get(&j, T0 + 40 * MS, out, sizeof(out), &len),
	    JITTER_FRAME, "40 ms after it: plays");
	tap_ok(payload_ok(500, out, len), "frame 500");
	tap_is_int(jitter_get(&j, T0 + 60 * MS, out, sizeof(out), &len),
	    JITTER_LOST, "then dry: concealed");
	tap_ok(jitter_peek_next(&j, &len) == NULL, "nothing to peek");
}

/*
 * While buffering: a little before the first is kept, more is late.
 * (Arrivals so far out of order raise the estimate: the takes below go
 * by the target it gives.)
 */
static void
test_before_first(void)
{
	struct jitter j;
	uint8_t out[JITTER_MAX_PAYLOAD];
	size_t len;
	uint64_t start;

	jitter_init(&j);
	put(&j, 100, T0);
	tap_is_int(put(&j, 100 - 16, T0 + 1), 0, "16 before the first: kept");
	tap_is_int(put(&j, 100 - 17, T0 + 2), -1, "17 before: late");
	tap_is_int(put(&j, 100 + 32, T0 + 3), 0, "32 after: kept");
	start = T0 + jitter_stats(&j)->target_ms * MS;
	tap_is_int(jitter_get(&j, start - 1, out, sizeof(out), &len),
	    JITTER_EMPTY, "1 us before the target: empty");
	tap_is_int(jitter_get(&j, start, out, sizeof(out), &len),
	    JITTER_FRAME, "plays at the target");
	tap_ok(payload_ok(84, out, len), "from the lowest, 84");
	tap_is_int(jitter_get(&j, start + TICK, out, sizeof(out), &len),
	    JITTER_LOST, "85 was never there");
	tap_ok(stats_are(&j, 4, 1, 1, 1, 0, 0, 0, 1), "counters");
	tap_is_int(j.next_seq, 86, "next 86");
	tap_is_int(put(&j, 86 + 32, T0), 0, "32 ahead of next_seq: kept");
	tap_is_int(j.held, 3, "three held, 100 and 132 from before");
	tap_is_int(put(&j, 86 + 33, T0), 0, "33 ahead: a new stream");
	tap_ok(stats_are(&j, 6, 1, 1, 1, 0, 0, 3, 2), "the three dropped");
	tap_is_int(j.held, 1, "one held");
}

/* Far ahead of next_seq: start again there. */
static void
test_skip(void)
{
	struct jitter j;
	uint8_t out[JITTER_MAX_PAYLOAD];
	size_t len;
	uint64_t t = T0, start;
	uint32_t k;

	jitter_init(&j);
	for (k = 0; k < 5; k++)
		put(&j, k, t + k * TICK);
	jitter_get(&j, t + 80 * MS, out, sizeof(out), &len);	/* 0 */
	tap_is_int(j.next_seq, 1, "playing, next 1");
	tap_is_int(put(&j, 1 + 32, t + 100 * MS), 0,
	    "32 ahead: kept, no restart");
	tap_is_int(j.state, JITTER_PLAYING, "still playing");
	tap_is_int(put(&j, 1 + 33, t + 100 * MS), 0, "33 ahead: taken...");
	tap_is_int(j.state, JITTER_BUFFERING, "... as a new stream");
	tap_ok(stats_are(&j, 7, 1, 0, 0, 0, 0, 5, 2),
	    "the five held were dropped");
	start = t + 100 * MS + jitter_stats(&j)->target_ms * MS;
	tap_is_int(jitter_get(&j, start - 1, out, sizeof(out), &len),
	    JITTER_EMPTY, "buffering again");
	tap_is_int(jitter_get(&j, start, out, sizeof(out), &len),
	    JITTER_FRAME, "target_ms later it plays");
	tap_ok(payload_ok(34, out, len), "frame 34");
	tap_is_int(put(&j, 33, start + 1), -1, "and 33 is late");

	/* While buffering, relative to the first frame. */
	jitter_init(&j);
	put(&j, 100, t);
	put(&j, 132, t);
	tap_is_int(put(&j, 133, t + 5 * MS), 0, "33 after the first: taken");
	tap_ok(stats_are(&j, 3, 0, 0, 0, 0, 0, 2, 2), "as a new stream");
	tap_is_int(j.first_seq, 133, "starting there");
	tap_is_int(j.first_usec, t + 5 * MS, "from its arrival");
}

/* A caller's buffer too small: the frame is dropped and concealed. */
static void
test_small_cap(void)
{
	struct jitter j;
	uint8_t out[JITTER_MAX_PAYLOAD];
	size_t len;

	jitter_init(&j);
	put(&j, 6, T0);				/* 10 bytes */
	put(&j, 7, T0);				/* 4 bytes */
	tap_is_int(jitter_get(&j, T0 + 40 * MS, out, 9, &len), JITTER_LOST,
	    "10 bytes into 9: concealed");
	tap_is_int((long long)len, 0, "length 0");
	tap_is_int(jitter_get(&j, T0 + 60 * MS, out, 4, &len), JITTER_FRAME,
	    "4 bytes into 4: played");
	tap_ok(stats_are(&j, 2, 1, 0, 0, 0, 0, 1, 1), "counted dropped");
}

/*
 * Everything at once, with the identity: received = played + late +
 * duplicate + dropped + held.
 */
static void
test_stats(void)
{
	static struct script s;
	const struct jitter_stats *st;
	int k;

	script_init(&s, 40000, 120);
	s.arrive[5] = NEVER;			/* lost */
	s.arrive[9] += 100 * MS;		/* late */
	s.again[12] = s.arrive[12] + 1;		/* duplicate */
	s.again[2] = s.arrive[2] + 300 * MS;	/* late duplicate */
	for (k = 60; k < 100; k++)		/* a long pause */
		s.arrive[k] = NEVER;
	s.arrive[119] = NEVER;
	script_run(&s, 108);			/* stop with frames held */
	st = jitter_stats(&s.j);
	/*
	 * Received: 59 first copies (5 lost), 2 second ones, 100..106 (the
	 * rest comes after the last take).  Played 58 + 100..104.  Lost 5
	 * and 9; late 9 and the second 2; nine dry takes after 59.
	 */
	tap_ok(stats_are(&s.j, 59 + 2 + 7, 58 + 5, 2, 2, 1, 9, 0, 2),
	    "every counter");
	tap_is_int(s.j.held, 2, "105 and 106 held");
	tap_is_int(put(&s.j, 40000 + 105 + 33, T0 + 3000 * MS), 0,
	    "a jump: a new stream");
	tap_ok(stats_are(&s.j, 69, 63, 2, 2, 1, 9, 2, 3),
	    "the two held dropped");
	tap_is_int(st->received, st->played + st->late + st->duplicate +
	    st->dropped + s.j.held, "received = played + late + dup + "
	    "dropped + held");
}

int
main(void)
{
	test_init();
	test_in_order();
	test_reorder();
	test_lost();
	test_late();
	test_duplicate();
	test_dtx();
	test_wrap();
	test_estimate();
	test_target_playout();
	test_start_time();
	test_before_first();
	test_skip();
	test_small_cap();
	test_stats();
	return tap_done();
}

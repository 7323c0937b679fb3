/*
 * test_speaker.c - speaker selection, as scenes on a fake clock: three of
 * ten talkers selected, the margin and the switch time to the frame, short
 * bursts, the hold time (lazily and by tick), turn-taking, no flapping
 * between equal speakers, removal, nforward = 1; then random traces
 * checked for the invariants and against a deliberately naive reference.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "chorus/speaker.h"
#include "../tap.h"

#define NSLOTS		10
#define MS		1000ULL			/* usec */
#define PERIOD		(20 * MS)		/* one frame per sender */
#define T0		1000000000000ULL	/* the fake clock's start */
#define SILENT		0			/* sends nothing */
#define UNVOICED	1			/* VAD off, level 127 */
#define VOICED		2

struct room {
	struct speaker_sel	ss;
	struct speaker		slots[NSLOTS];
	uint64_t		now;
	int			changes;	/* takes that returned >= 0 */
	int			taken;		/* the last one's count */
	size_t			last[SPEAKER_MAX_FORWARD];
	unsigned		fwd[NSLOTS];	/* frames forwarded, per slot */
	unsigned		runs[NSLOTS];	/* louder runs started */
};

/* What each slot sends in a period. */
struct voice {
	int	mode;
	uint8_t	level;
};

/* A room of NSLOTS members, all silent; the clock at T0. */
static void
room_init(struct room *r, unsigned nforward)
{
	size_t i;

	memset(r, 0, sizeof(*r));
	speaker_init(&r->ss, r->slots, NSLOTS, nforward);
	for (i = 0; i < NSLOTS; i++)
		speaker_add(&r->ss, i);
	r->now = T0;
}

/* Collect a change, as the daemon does after every frame and tick. */
static void
room_take(struct room *r)
{
	int n;

	if ((n = speaker_take_change(&r->ss, r->last,
	    SPEAKER_MAX_FORWARD)) >= 0) {
		r->changes++;
		r->taken = n;
	}
}

/* One frame from slot now; counts forwards and louder runs. */
static int
room_frame(struct room *r, size_t slot, uint8_t level, int vad)
{
	int was, fwd;

	was = r->slots[slot].louder;
	fwd = speaker_frame(&r->ss, slot, level, vad, r->now);
	if (!was && r->slots[slot].louder)
		r->runs[slot]++;
	if (fwd)
		r->fwd[slot]++;
	room_take(r);
	return fwd;
}

/* One 20 ms period: every slot sends as told, in slot order. */
static void
room_period(struct room *r, const struct voice v[NSLOTS])
{
	size_t i;

	for (i = 0; i < NSLOTS; i++) {
		if (v[i].mode == VOICED)
			room_frame(r, i, v[i].level, 1);
		else if (v[i].mode == UNVOICED)
			room_frame(r, i, 127, 0);
	}
	r->now += PERIOD;
}

/* n periods. */
static void
room_run(struct room *r, const struct voice v[NSLOTS], int n)
{
	while (n-- > 0)
		room_period(r, v);
}

/* The selection as text, "2,5,7", from the slots' flags. */
static const char *
room_sel(const struct room *r)
{
	static char s[64];
	size_t i, o = 0;

	s[0] = '\0';
	for (i = 0; i < NSLOTS; i++)
		if (r->slots[i].selected)
			o += (size_t)snprintf(s + o, sizeof(s) - o, "%s%zu",
			    o ? "," : "", i);
	return s;
}

/* The last change taken, as text. */
static const char *
room_last(const struct room *r)
{
	static char s[64];
	size_t o = 0;
	int i;

	s[0] = '\0';
	for (i = 0; i < r->taken; i++)
		o += (size_t)snprintf(s + o, sizeof(s) - o, "%s%zu",
		    o ? "," : "", r->last[i]);
	return s;
}

/* Everyone unvoiced but three talkers: 2 at -40, 5 at -42, 7 at -44 dBov. */
static void
three_talkers(struct voice v[NSLOTS])
{
	size_t i;

	for (i = 0; i < NSLOTS; i++) {
		v[i].mode = UNVOICED;
		v[i].level = 127;
	}
	v[2].mode = v[5].mode = v[7].mode = VOICED;
	v[2].level = 40;
	v[5].level = 42;
	v[7].level = 44;
}

/* The weight against Python's 1 - math.exp(-ms / 300). */
static void
test_alpha(void)
{
	static const struct {
		uint64_t	usec;
		double		want;
	} t[] = {
		{ 0, 0.0 },
		{ 1, 3.3333277777991555e-06 },
		{ 20 * MS, 0.06449301496838222 },
		{ 40 * MS, 0.12482668095705252 },
		{ 100 * MS, 0.28346868942621073 },
		{ 300 * MS, 0.6321205588285577 },
		{ 400 * MS, 0.7364028618842733 },
		{ 1000 * MS, 0.9643260066527476 },
		{ 5000 * MS, 0.9999999422225148 },
		{ 12000 * MS, 1.0 },
		{ UINT64_MAX, 1.0 },
	};
	size_t i;
	double d;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		d = speaker_alpha(t[i].usec) - t[i].want;
		if (!tap_ok(d < 1e-15 && d > -1e-15, "alpha(%llu us)",
		    (unsigned long long)t[i].usec))
			tap_diag("  got %.17g, want %.17g",
			    speaker_alpha(t[i].usec), t[i].want);
	}
}

/* Three of ten talk: they are chosen, in arrival order, and only they go. */
static void
test_three_of_ten(void)
{
	struct room r;
	struct voice v[NSLOTS];
	size_t i;
	unsigned others = 0;

	room_init(&r, 3);
	three_talkers(v);
	tap_is_int(speaker_take_change(&r.ss, r.last, 16), -1,
	    "adding members is no change");
	room_period(&r, v);
	tap_is_str(room_sel(&r), "2,5,7", "the three talkers are selected");
	tap_is_int(r.changes, 3, "one change per place taken");
	tap_is_str(room_last(&r), "2,5,7", "the change lists them");
	room_run(&r, v, 99);
	tap_ok(r.fwd[2] == 100 && r.fwd[5] == 100 && r.fwd[7] == 100,
	    "all their frames are forwarded");
	for (i = 0; i < NSLOTS; i++)
		if (i != 2 && i != 5 && i != 7)
			others += r.fwd[i];
	tap_is_int(others, 0, "no frame of the seven others");
	tap_is_int(r.changes, 3, "no change while nothing changes");
	tap_is_int(r.ss.nselected, 3, "nselected");
	tap_ok(r.slots[7].loud == 83.0 && r.slots[2].loud == 87.0,
	    "a steady level gives exactly its loudness");

	/* A fourth, louder than the quietest by 5 dB: never enough. */
	v[9].mode = VOICED;
	v[9].level = 39;
	room_run(&r, v, 500);
	tap_is_str(room_sel(&r), "2,5,7", "5 dB louder does not displace");
	tap_is_int(r.runs[9], 0, "... nor ever starts a run");
	tap_is_int(r.changes, 3, "... nor changes anything");
	tap_ok(r.slots[9].loud > 87.99 && r.slots[9].loud <= 88.0,
	    "its loudness approached 88 from below");

	/*
	 * Slot 8 goes from unvoiced to -30 dBov (97): its average first
	 * reaches 83 + 6 at its 38th voiced frame (Python: 89.2988; the
	 * 37th gives 88.87), so it takes 7's place at its 58th.
	 */
	v[8].mode = VOICED;
	v[8].level = 30;
	room_run(&r, v, 37);
	tap_is_int(r.slots[8].louder, 0, "37 frames: not yet 6 dB louder");
	room_period(&r, v);
	tap_ok(r.slots[8].louder && r.slots[8].louder_since ==
	    r.now - PERIOD, "38th frame: louder, the run starts");
	room_run(&r, v, 19);
	tap_is_int(r.fwd[8], 0, "57th frame: not yet forwarded");
	tap_is_str(room_sel(&r), "2,5,7", "57th frame: 7 still selected");
	room_period(&r, v);
	tap_is_int(r.fwd[8], 1, "58th frame (400 ms later): forwarded");
	tap_is_str(room_sel(&r), "2,5,8", "the quietest, 7, is displaced");
	tap_is_int(r.changes, 4, "one change");
	tap_is_str(room_last(&r), "2,5,8", "the change lists the new set");
	r.fwd[7] = 0;
	room_run(&r, v, 100);
	tap_is_int(r.fwd[7], 0, "7 is no longer forwarded");
	tap_is_int(r.changes, 4, "the rest is stable (9 is 3 dB above 5)");
}

/* A fresh member at the given level against 2, 5, 7: when it gets in. */
static int
fresh_switch_frame(uint8_t level, int maxframes, uint64_t *since)
{
	struct room r;
	struct voice v[NSLOTS];
	int k;

	room_init(&r, 3);
	three_talkers(v);
	room_run(&r, v, 50);
	speaker_add(&r.ss, 9);		/* starts afresh: no history */
	v[9].mode = VOICED;
	v[9].level = level;
	for (k = 1; k <= maxframes; k++) {
		room_period(&r, v);
		if (k == 1)
			*since = r.slots[9].louder_since - r.now + PERIOD;
		if (r.slots[9].selected)
			return strcmp(room_sel(&r), "2,5,9") == 0 ? k : -k;
	}
	return 0;
}

/* The first frame sets the average: the switch comes 400 ms later. */
static void
test_switch_time(void)
{
	uint64_t since = 1;

	tap_is_int(fresh_switch_frame(30, 200, &since), 21,
	    "14 dB louder: displaces at +400 ms (frame 21), not before");
	tap_is_int((long long)since, 0, "the run started at its first frame");
	tap_is_int(fresh_switch_frame(38, 200, &since), 21,
	    "exactly 6 dB louder is enough");
	tap_is_int(fresh_switch_frame(39, 1000, &since), 0,
	    "5 dB louder never is (20 s)");
}

/* Bursts shorter than the switch time, again and again: no switch. */
static void
test_bursts(void)
{
	struct room r;
	struct voice v[NSLOTS];
	int b;

	room_init(&r, 3);
	three_talkers(v);
	room_run(&r, v, 50);
	/*
	 * 600 ms at 0 dBov, then 1 s unvoiced: the average is 6 dB over 83
	 * for 16 frames of each burst (Python), 300 ms < 400 ms.
	 */
	for (b = 0; b < 20; b++) {
		v[8].mode = VOICED;
		v[8].level = 0;
		room_run(&r, v, 30);
		v[8].mode = UNVOICED;
		room_run(&r, v, 50);
	}
	tap_is_int(r.runs[8], 20, "every burst starts a run");
	tap_is_int(r.fwd[8], 0, "none lasts long enough");
	tap_is_str(room_sel(&r), "2,5,7", "the selection stays");
	tap_is_int(r.changes, 3, "no change");

	/* The same with 20 frames more: the first burst gets through. */
	v[8].mode = VOICED;
	room_run(&r, v, 50);
	tap_is_str(room_sel(&r), "2,5,8", "a long enough one does");
}

/* The hold time: lazily at the next frame, and by speaker_tick. */
static void
test_hold(void)
{
	struct room r;
	struct voice v[NSLOTS];
	uint64_t tv;
	size_t i;

	room_init(&r, 3);
	three_talkers(v);
	room_run(&r, v, 50);

	/* 7 goes unvoiced but keeps sending. */
	tv = r.now - PERIOD;
	v[7].mode = UNVOICED;
	room_run(&r, v, 74);
	tap_is_str(room_sel(&r), "2,5,7", "1480 ms quiet: still selected");
	tap_is_int(r.fwd[7], 50 + 74, "... and its frames still go");
	tap_ok(r.now == tv + 1500 * MS, "the next period is at +1500 ms");
	room_period(&r, v);
	tap_is_str(room_sel(&r), "2,5", "1500 ms quiet: deselected");
	tap_is_int(r.changes, 4, "one change");
	tap_is_int(r.fwd[7], 124, "its frame at +1500 ms is not forwarded");

	/* 5 stops sending: anyone's frame at +1500 ms expires it. */
	tv = r.now - PERIOD;
	v[5].mode = SILENT;
	room_run(&r, v, 74);
	tap_is_str(room_sel(&r), "2,5", "1480 ms without frames: still there");
	tap_ok(r.now == tv + 1500 * MS, "the next period is at +1500 ms");
	room_period(&r, v);
	tap_is_str(room_sel(&r), "2", "another's frame at +1500 ms expires it");
	tap_is_int(r.changes, 5, "one change");

	/* Everyone stops: only speaker_tick notices. */
	tv = r.now - PERIOD;
	for (i = 0; i < NSLOTS; i++)
		v[i].mode = SILENT;
	room_run(&r, v, 200);
	tap_is_str(room_sel(&r), "2", "4 s of nothing: nothing happens");
	speaker_tick(&r.ss, tv + 1500 * MS - 1);
	room_take(&r);
	tap_ok(r.slots[2].selected, "speaker_tick at 1500 ms - 1 us keeps it");
	speaker_tick(&r.ss, tv + 1500 * MS);
	room_take(&r);
	tap_is_str(room_sel(&r), "", "speaker_tick at 1500 ms drops it");
	tap_is_int(r.changes, 6, "one change");
	tap_is_int(r.taken, 0, "the change lists nobody");

	/* A voiced frame takes a free place at once, however quiet. */
	v[9].mode = VOICED;
	v[9].level = 100;
	room_period(&r, v);
	tap_is_str(room_sel(&r), "9", "a quiet talker takes a free place");
	speaker_tick(&r.ss, r.now + 3600 * 1000 * MS);
	room_take(&r);
	tap_is_str(room_sel(&r), "", "an hour later nobody is selected");
	tap_is_int(r.ss.nselected, 0, "nselected 0");
}

/*
 * A conversation, nforward = 1: 0 talks, stops (unvoiced), 1 answers at
 * the same level.  0's average decays while 1's rises; 1 is 6 dB above
 * from its 12th frame and takes the floor at its 32nd (Python), before
 * the hold time would have freed it.
 */
static void
test_turns(void)
{
	struct room r;
	struct voice v[NSLOTS];
	size_t i;

	room_init(&r, 1);
	for (i = 0; i < NSLOTS; i++) {
		v[i].mode = SILENT;
		v[i].level = 127;
	}
	v[0].mode = VOICED;
	v[0].level = 40;
	v[1].mode = UNVOICED;
	room_run(&r, v, 100);
	tap_is_str(room_sel(&r), "0", "one place: the talker");
	v[0].mode = UNVOICED;
	v[1].mode = VOICED;
	v[1].level = 40;
	room_run(&r, v, 31);
	tap_is_str(room_sel(&r), "0", "31 frames into the answer: still 0");
	room_period(&r, v);
	tap_is_str(room_sel(&r), "1", "the 32nd: the floor passes");
	tap_is_int(r.changes, 2, "two changes in all");
	tap_is_int(r.fwd[1], 1, "the answer is forwarded from then");
}

/* xorshift64*: fixed seeds, so a failure reproduces. */
static uint64_t
rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

/* Equal speakers never trade places, steady or noisy, over 10 minutes. */
static void
test_no_flap(void)
{
	struct room r;
	struct voice v[NSLOTS];
	uint64_t seed = 0x5eed;
	size_t i;
	int p, n;

	for (n = 0; n < 3; n++) {
		room_init(&r, n < 2 ? 1 : 3);
		for (i = 0; i < NSLOTS; i++) {
			v[i].mode = UNVOICED;
			v[i].level = 127;
		}
		for (p = 0; p < 30000; p++) {
			for (i = 0; i < (n < 2 ? 2U : 4U); i++) {
				v[i].mode = VOICED;
				/* n = 0: steady; else +-2 dB of noise. */
				v[i].level = (uint8_t)(n == 0 ? 40 :
				    38 + rnd(&seed) % 5);
			}
			room_period(&r, v);
		}
		tap_is_int(r.changes, n < 2 ? 1 : 3,
		    n == 0 ? "two equal steady speakers, one place: no flap" :
		    n == 1 ? "two equal noisy speakers, one place: no flap" :
		    "four equal noisy speakers, three places: no flap");
		tap_is_str(room_sel(&r), n < 2 ? "0" : "0,1,2",
		    "the first to speak keep the floor");
	}
}

/* Leaving frees a place; unused and out-of-range slots do nothing. */
static void
test_remove(void)
{
	struct room r;
	struct voice v[NSLOTS];
	size_t out[4];

	room_init(&r, 3);
	three_talkers(v);
	v[9].mode = VOICED;
	v[9].level = 39;
	room_run(&r, v, 50);
	tap_is_str(room_sel(&r), "2,5,7", "9 waits, 5 dB short");

	speaker_remove(&r.ss, 5);
	tap_is_int(r.ss.nselected, 2, "removing a selected slot frees a place");
	tap_is_int(speaker_take_change(&r.ss, out, 4), 2, "... a change");
	tap_ok(out[0] == 2 && out[1] == 7, "... listing 2 and 7");
	tap_ok(!r.slots[5].used && !r.slots[5].selected && !r.slots[5].heard,
	    "the slot is cleared");
	tap_is_int(speaker_frame(&r.ss, 5, 10, 1, r.now), 0,
	    "a frame for a removed slot is not forwarded");
	tap_is_int(r.ss.nselected, 2, "... and selects nothing");
	v[5].mode = SILENT;
	room_period(&r, v);
	tap_is_str(room_sel(&r), "2,7,9", "9's next voiced frame takes it");

	speaker_remove(&r.ss, 0);
	speaker_remove(&r.ss, 0);
	tap_is_int(speaker_take_change(&r.ss, out, 4), -1,
	    "removing an unselected (or unused) slot is no change");

	speaker_add(&r.ss, 9);
	tap_ok(r.slots[9].used && !r.slots[9].selected && !r.slots[9].heard,
	    "re-adding a selected slot starts it afresh");
	tap_is_int(speaker_take_change(&r.ss, out, 4), 2, "... and frees its"
	    " place");

	speaker_add(&r.ss, NSLOTS);
	speaker_remove(&r.ss, NSLOTS + 100);
	tap_is_int(speaker_frame(&r.ss, NSLOTS, 0, 1, r.now), 0,
	    "out of range: not forwarded");
	tap_is_int(speaker_take_change(&r.ss, out, 4), -1,
	    "out of range: no change");
}

/* nforward = 1 and its clamps; the change list's order and limit. */
static void
test_nforward(void)
{
	struct speaker_sel ss;
	struct speaker slots[4];
	size_t out[SPEAKER_MAX_FORWARD];
	uint64_t t = T0;
	int i;

	speaker_init(&ss, slots, 4, 0);
	tap_is_int(ss.nforward, 1, "nforward 0 is taken as 1");
	speaker_init(&ss, slots, 4, 99);
	tap_is_int(ss.nforward, SPEAKER_MAX_FORWARD, "nforward 99 as 16");

	speaker_init(&ss, slots, 4, 1);
	for (i = 0; i < 4; i++)
		speaker_add(&ss, (size_t)i);
	tap_is_int(speaker_frame(&ss, 1, 127, 0, t), 0,
	    "an unvoiced frame takes no free place");
	tap_is_int(speaker_frame(&ss, 2, 60, 1, t), 1, "the first voice does");
	tap_is_int(speaker_frame(&ss, 3, 50, 1, t), 0,
	    "a second, 10 dB louder, waits");
	for (i = 1; i < 20; i++) {
		t += PERIOD;
		speaker_frame(&ss, 2, 60, 1, t);
		if (speaker_frame(&ss, 3, 50, 1, t))
			break;
	}
	tap_is_int(i, 20, "not for 380 ms");
	t += PERIOD;
	speaker_frame(&ss, 2, 60, 1, t);
	tap_is_int(speaker_frame(&ss, 3, 50, 1, t), 1, "at 400 ms it is in");
	tap_is_int(speaker_frame(&ss, 2, 60, 1, t), 0, "and the other out");
	tap_is_int(speaker_take_change(&ss, out, 16), 1, "one selected");
	tap_is_int((long long)out[0], 3, "slot 3");

	speaker_init(&ss, slots, 4, 3);
	for (i = 3; i >= 0; i--)
		speaker_add(&ss, (size_t)i);
	speaker_frame(&ss, 3, 60, 1, t);
	speaker_frame(&ss, 0, 60, 1, t);
	speaker_frame(&ss, 2, 60, 1, t);
	tap_is_int(speaker_take_change(&ss, out, 2), 2,
	    "max 2 of three selected: 2 written");
	tap_ok(out[0] == 0 && out[1] == 2, "lowest slots first");
	tap_is_int(speaker_take_change(&ss, out, 2), -1,
	    "the flag was cleared");
	tap_is_int(speaker_frame(&ss, 1, 200, 1, t), 0,
	    "level 200 is taken as silence, and no place is free");
	tap_ok(slots[1].loud == 0.0, "... loudness 0");
}

/* Equally quiet selected speakers: the lowest slot gives way. */
static void
test_tie(void)
{
	struct speaker_sel ss;
	struct speaker slots[4];
	size_t out[SPEAKER_MAX_FORWARD];
	uint64_t t = T0;
	int i;

	speaker_init(&ss, slots, 4, 2);
	for (i = 0; i < 4; i++)
		speaker_add(&ss, (size_t)i);
	speaker_frame(&ss, 3, 60, 1, t);	/* selected first */
	speaker_frame(&ss, 1, 60, 1, t);
	for (i = 0; i <= 20; i++, t += PERIOD) {
		speaker_frame(&ss, 3, 60, 1, t);
		speaker_frame(&ss, 1, 60, 1, t);
		speaker_frame(&ss, 2, 50, 1, t);
	}
	tap_is_int(speaker_take_change(&ss, out, 16), 2, "two selected");
	tap_ok(out[0] == 2 && out[1] == 3,
	    "of two equal, slot 1 (the lower) was displaced");
}

/*
 * The naive reference: the rules of doc/PROTOCOL.md over plain arrays,
 * scanning every slot, with no list of the selected.
 */
struct ref {
	int		used[NSLOTS], sel[NSLOTS], heard[NSLOTS];
	int		voiced[NSLOTS], louder[NSLOTS];
	double		loud[NSLOTS];
	uint64_t	last[NSLOTS], voice[NSLOTS], since[NSLOTS];
	unsigned	nforward;
	int		changed;
};

/* No voiced frame for the hold time. */
static int
ref_quiet(const struct ref *f, int i, uint64_t now)
{
	return !f->voiced[i] || (now > f->voice[i] &&
	    now - f->voice[i] >= SPEAKER_HOLD_MS * MS);
}

/* How many are selected. */
static unsigned
ref_count(const struct ref *f)
{
	unsigned n = 0;
	int i;

	for (i = 0; i < NSLOTS; i++)
		n += f->sel[i];
	return n;
}

/* Deselect every quiet selected slot. */
static void
ref_tick(struct ref *f, uint64_t now)
{
	int i;

	for (i = 0; i < NSLOTS; i++)
		if (f->sel[i] && ref_quiet(f, i, now)) {
			f->sel[i] = f->louder[i] = 0;
			f->changed = 1;
		}
}

/* Forget slot i. */
static void
ref_remove(struct ref *f, int i)
{
	if (!f->used[i])
		return;
	if (f->sel[i])
		f->changed = 1;
	f->used[i] = f->sel[i] = f->heard[i] = f->voiced[i] = 0;
	f->louder[i] = 0;
	f->loud[i] = 0;
}

/* One frame, rule by rule. */
static int
ref_frame(struct ref *f, int s, uint8_t level, int vad, uint64_t now)
{
	double target;
	int i, q = -1;

	if (!f->used[s])
		return 0;
	if (!f->sel[s] && ref_quiet(f, s, now))
		f->louder[s] = 0;
	target = vad ? 127.0 - level : 0.0;
	if (!f->heard[s])
		f->loud[s] = target;
	else
		f->loud[s] += speaker_alpha(now > f->last[s] ?
		    now - f->last[s] : 0) * (target - f->loud[s]);
	f->heard[s] = 1;
	f->last[s] = now;
	if (vad) {
		f->voiced[s] = 1;
		f->voice[s] = now;
	}
	ref_tick(f, now);
	if (f->sel[s])
		return 1;
	if (ref_quiet(f, s, now)) {
		f->louder[s] = 0;
		return 0;
	}
	if (ref_count(f) < f->nforward) {
		if (vad) {
			f->sel[s] = 1;
			f->changed = 1;
		}
		return f->sel[s];
	}
	for (i = 0; i < NSLOTS; i++)
		if (f->sel[i] && (q == -1 || f->loud[i] < f->loud[q]))
			q = i;
	if (f->loud[s] < f->loud[q] + SPEAKER_MARGIN) {
		f->louder[s] = 0;
		return 0;
	}
	if (!f->louder[s]) {
		f->louder[s] = 1;
		f->since[s] = now;
	}
	if (now - f->since[s] >= SPEAKER_SWITCH_MS * MS) {
		f->sel[q] = f->louder[q] = 0;
		f->sel[s] = 1;
		f->louder[s] = 0;
		f->changed = 1;
	}
	return f->sel[s];
}

/* One random trace: every event checked against the reference. */
static void
random_trace(uint64_t seed, unsigned nforward, int events)
{
	struct speaker_sel ss;
	struct speaker slots[NSLOTS];
	struct ref f;
	size_t out[SPEAKER_MAX_FORWARD];
	uint64_t now = T0, x;
	unsigned cnt, bad_inv = 0, bad_ref = 0, fwd = 0;
	int e, i, s, got, want, vad, n;
	uint8_t level;

	memset(&f, 0, sizeof(f));
	f.nforward = nforward;
	speaker_init(&ss, slots, NSLOTS, nforward);
	for (e = 0; e < events; e++) {
		x = rnd(&seed);
		s = (int)(x % NSLOTS);
		now += (x >> 8) % 100 < 90 ? (x >> 16) % (3 * MS) :
		    (x >> 16) % (3000 * MS);
		switch ((x >> 40) % 100) {
		case 0:
			speaker_add(&ss, (size_t)s);
			ref_remove(&f, s);
			f.used[s] = 1;
			break;
		case 1:
			speaker_remove(&ss, (size_t)s);
			ref_remove(&f, s);
			break;
		case 2: case 3:
			speaker_tick(&ss, now);
			ref_tick(&f, now);
			break;
		default:
			if (!f.used[s] && (x >> 48) % 4 == 0) {
				speaker_add(&ss, (size_t)s);
				f.used[s] = 1;
			}
			/* A few loud voices, many quiet, some unvoiced. */
			vad = (x >> 50) % 3 != 0;
			level = (uint8_t)((s % 3 == 0 ? 10 : 50) +
			    (x >> 52) % 30);
			got = speaker_frame(&ss, (size_t)s, level, vad, now);
			want = ref_frame(&f, s, level, vad, now);
			fwd += got;
			if (got != want || (got && !slots[s].selected))
				bad_ref++;
		}
		cnt = 0;
		for (i = 0; i < NSLOTS; i++) {
			cnt += slots[i].selected != 0;
			if (slots[i].selected != f.sel[i] ||
			    (slots[i].used != 0) != f.used[i])
				bad_ref++;
		}
		if (cnt > nforward || cnt != ss.nselected)
			bad_inv++;
		for (i = 0; i < (int)ss.nselected; i++)
			if (!slots[ss.sel[i]].selected)
				bad_inv++;
		n = speaker_take_change(&ss, out, SPEAKER_MAX_FORWARD);
		if ((n >= 0) != f.changed || (n >= 0 && (unsigned)n != cnt))
			bad_ref++;
		for (i = 0; i < n; i++)
			if (!slots[out[i]].selected ||
			    (i > 0 && out[i] <= out[i - 1]))
				bad_inv++;
		f.changed = 0;
	}
	tap_is_int(bad_inv, 0, "random trace: at most nforward selected, "
	    "the list agrees with the flags");
	if (!tap_is_int(bad_ref, 0, "random trace: same as the reference"))
		tap_diag("  seed %llu nforward %u",
		    (unsigned long long)seed, nforward);
	tap_ok(fwd > 1000, "random trace: frames were forwarded (%u)", fwd);
}

/* Several seeds and selection sizes. */
static void
test_random(void)
{
	unsigned nf;

	for (nf = 1; nf <= 4; nf++)
		random_trace(0x1234567ULL * nf + 1, nf, 200000);
	random_trace(99, SPEAKER_MAX_FORWARD, 50000);
}

int
main(void)
{
	test_alpha();
	test_three_of_ten();
	test_switch_time();
	test_bursts();
	test_hold();
	test_turns();
	test_no_flap();
	test_remove();
	test_nforward();
	test_tie();
	test_random();
	return tap_done();
}

/*
 * speaker.c - choosing the loudest current speakers of a large room.
 *
 * Owns struct speaker_sel, over the caller's array of slots.  Each slot
 * keeps an exponential average of its frames' loudness (127 - level while
 * the VAD flag is set, 0 otherwise), weighted by the time since its
 * previous frame, so it does not matter how often a sender sends.  The
 * selection is at most nforward slots, listed in sel[] so that a frame
 * costs O(nforward) and not O(members):
 *
 *	- a voiced frame from an unselected slot takes a free place at once;
 *	- with no place free, a candidate (an unselected slot voiced within
 *	  SPEAKER_HOLD_MS) that stays SPEAKER_MARGIN dB above the quietest
 *	  selected slot at each of its frames for SPEAKER_SWITCH_MS takes
 *	  that slot's place;
 *	- a selected slot with no voiced frame for SPEAKER_HOLD_MS loses its
 *	  place (speaker_tick, and lazily at every frame).
 *
 * The margin and the switch time are the hysteresis: two speakers of the
 * same loudness never trade places.  doc/PROTOCOL.md "Speaker selection".
 */
#include <string.h>

#include "chorus/speaker.h"

#define SPEAKER_LEVEL_SILENCE	127
#define SPEAKER_USEC_PER_MS	1000ULL
#define SPEAKER_TAU_USEC	(SPEAKER_TAU_MS * SPEAKER_USEC_PER_MS)
#define SPEAKER_SWITCH_USEC	(SPEAKER_SWITCH_MS * SPEAKER_USEC_PER_MS)
#define SPEAKER_HOLD_USEC	(SPEAKER_HOLD_MS * SPEAKER_USEC_PER_MS)
#define SPEAKER_EXP_MAX		40	/* exp(-40) < 5e-18: no weight left */
#define SPEAKER_EXP_TERMS	20	/* 1/21! < 2e-20 */
#define SPEAKER_INV_E		0.36787944117144233	/* exp(-1) */

/* now - then, or 0 if the caller's clock went backwards. */
static uint64_t
speaker_elapsed(uint64_t now, uint64_t then)
{
	return now > then ? now - then : 0;
}

/*
 * exp(-x) for x >= 0, so that libchorus needs no libm: e^-n by repeated
 * multiplication, e^-f (0 <= f < 1) by its alternating series.
 */
static double
speaker_exp_neg(double x)
{
	double r = 1.0, term = 1.0, f;
	int k, n;

	if (!(x > 0))
		return 1.0;
	if (x >= SPEAKER_EXP_MAX)
		return 0.0;
	n = (int)x;
	f = x - n;
	for (k = 1; k <= SPEAKER_EXP_TERMS; k++) {
		term *= -f / k;
		r += term;
	}
	while (n-- > 0)
		r *= SPEAKER_INV_E;
	return r;
}

/* The weight of a frame dt_usec after the previous one. */
double
speaker_alpha(uint64_t dt_usec)
{
	return 1.0 - speaker_exp_neg((double)dt_usec / SPEAKER_TAU_USEC);
}

/* Empty selection over nslots unused slots. */
void
speaker_init(struct speaker_sel *ss, struct speaker *slots, size_t nslots,
    unsigned nforward)
{
	memset(ss, 0, sizeof(*ss));
	if (nslots > 0)
		memset(slots, 0, nslots * sizeof(*slots));
	ss->slots = slots;
	ss->nslots = nslots;
	if (nforward < 1)
		nforward = 1;
	if (nforward > SPEAKER_MAX_FORWARD)
		nforward = SPEAKER_MAX_FORWARD;
	ss->nforward = nforward;
}

/* 1 if slot is in range and taken. */
static int
speaker_valid(const struct speaker_sel *ss, size_t slot)
{
	return slot < ss->nslots && ss->slots[slot].used;
}

/* 1 if the slot has had no voiced frame for SPEAKER_HOLD_MS. */
static int
speaker_quiet(const struct speaker *sp, uint64_t now)
{
	return !sp->voiced ||
	    speaker_elapsed(now, sp->voice_usec) >= SPEAKER_HOLD_USEC;
}

/* Give slot a free place. */
static void
speaker_select(struct speaker_sel *ss, size_t slot)
{
	ss->slots[slot].selected = 1;
	ss->slots[slot].louder = 0;
	ss->sel[ss->nselected++] = slot;
	ss->changed = 1;
}

/* Take the place sel[i] from its slot; the last entry fills the hole. */
static void
speaker_deselect(struct speaker_sel *ss, unsigned i)
{
	struct speaker *sp = &ss->slots[ss->sel[i]];

	sp->selected = 0;
	sp->louder = 0;
	ss->sel[i] = ss->sel[--ss->nselected];
	ss->changed = 1;
}

/* The place sel[i] goes to slot. */
static void
speaker_replace(struct speaker_sel *ss, unsigned i, size_t slot)
{
	ss->slots[ss->sel[i]].selected = 0;
	ss->slots[ss->sel[i]].louder = 0;
	ss->sel[i] = slot;
	ss->slots[slot].selected = 1;
	ss->slots[slot].louder = 0;
	ss->changed = 1;
}

/* Deselect every selected slot quiet for the hold time. */
static void
speaker_expire(struct speaker_sel *ss, uint64_t now)
{
	unsigned i = 0;

	while (i < ss->nselected) {
		if (speaker_quiet(&ss->slots[ss->sel[i]], now))
			speaker_deselect(ss, i);
		else
			i++;
	}
}

/* The place of the quietest selected slot (ties: the lowest slot). */
static unsigned
speaker_quietest(const struct speaker_sel *ss)
{
	const struct speaker *a, *b;
	unsigned i, q = 0;

	for (i = 1; i < ss->nselected; i++) {
		a = &ss->slots[ss->sel[i]];
		b = &ss->slots[ss->sel[q]];
		if (a->loud < b->loud ||
		    (a->loud == b->loud && ss->sel[i] < ss->sel[q]))
			q = i;
	}
	return q;
}

/* Fold one frame into the slot's loudness. */
static void
speaker_smooth(struct speaker *sp, uint8_t level, int vad, uint64_t now)
{
	double target;

	target = vad ? (double)(SPEAKER_LEVEL_SILENCE - level) : 0.0;
	if (!sp->heard)
		sp->loud = target;	/* no history to average with */
	else
		sp->loud += speaker_alpha(speaker_elapsed(now,
		    sp->last_usec)) * (target - sp->loud);
	sp->heard = 1;
	sp->last_usec = now;
	if (vad) {
		sp->voiced = 1;
		sp->voice_usec = now;
	}
}

/* An unselected slot's frame: take a free place, or contend for one. */
static void
speaker_contend(struct speaker_sel *ss, size_t slot, int vad, uint64_t now)
{
	struct speaker *sp = &ss->slots[slot], *q;
	unsigned i;

	if (speaker_quiet(sp, now))
		return;		/* not a candidate (its run was reset) */
	if (ss->nselected < ss->nforward) {
		if (vad)
			speaker_select(ss, slot);
		return;
	}
	i = speaker_quietest(ss);
	q = &ss->slots[ss->sel[i]];
	if (sp->loud < q->loud + SPEAKER_MARGIN) {
		sp->louder = 0;		/* the run is broken */
		return;
	}
	if (!sp->louder) {
		sp->louder = 1;
		sp->louder_since = now;
	}
	if (speaker_elapsed(now, sp->louder_since) >= SPEAKER_SWITCH_USEC)
		speaker_replace(ss, i, slot);
}

/* A frame from slot: smooth, expire, reselect; 1 if it is forwarded. */
int
speaker_frame(struct speaker_sel *ss, size_t slot, uint8_t level, int vad,
    uint64_t now_usec)
{
	struct speaker *sp;

	if (!speaker_valid(ss, slot))
		return 0;
	sp = &ss->slots[slot];
	if (level > SPEAKER_LEVEL_SILENCE)
		level = SPEAKER_LEVEL_SILENCE;
	vad = vad != 0;
	/* A quiet spell breaks a candidate's run, whatever came before. */
	if (!sp->selected && speaker_quiet(sp, now_usec))
		sp->louder = 0;
	speaker_smooth(sp, level, vad, now_usec);
	speaker_expire(ss, now_usec);
	if (!sp->selected)
		speaker_contend(ss, slot, vad, now_usec);
	return sp->selected;
}

/* Drop the selected slots that have gone quiet. */
void
speaker_tick(struct speaker_sel *ss, uint64_t now_usec)
{
	speaker_expire(ss, now_usec);
}

/* A member takes slot: it starts unheard and unselected. */
void
speaker_add(struct speaker_sel *ss, size_t slot)
{
	if (slot >= ss->nslots)
		return;
	speaker_remove(ss, slot);
	ss->slots[slot].used = 1;
}

/* A member leaves slot; its place, if it had one, is free at once. */
void
speaker_remove(struct speaker_sel *ss, size_t slot)
{
	unsigned i;

	if (!speaker_valid(ss, slot))
		return;
	for (i = 0; i < ss->nselected; i++)
		if (ss->sel[i] == slot) {
			speaker_deselect(ss, i);
			break;
		}
	memset(&ss->slots[slot], 0, sizeof(ss->slots[slot]));
}

/* The selection, lowest slots first, if it changed since last time. */
int
speaker_take_change(struct speaker_sel *ss, size_t *out, size_t max)
{
	size_t sorted[SPEAKER_MAX_FORWARD], v;
	unsigned i, j, n;

	if (!ss->changed)
		return -1;
	ss->changed = 0;
	n = ss->nselected;
	for (i = 0; i < n; i++) {
		v = ss->sel[i];
		for (j = i; j > 0 && sorted[j - 1] > v; j--)
			sorted[j] = sorted[j - 1];
		sorted[j] = v;
	}
	if (n > max)
		n = (unsigned)max;
	for (i = 0; i < n; i++)
		out[i] = sorted[i];
	return (int)n;
}

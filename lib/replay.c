/*
 * replay.c - the anti-replay sliding window for transport counters.
 *
 * Owns struct replay.  The receiver keeps top (the highest counter accepted,
 * plus one; 0 while nothing has been accepted) and a ring of REPLAY_WORDS
 * 64-bit words, RFC 6479 style: counter c lives at bit c % 64 of word
 * (c / 64) % REPLAY_WORDS.  With max = top - 1, a counter c is accepted
 * exactly once, and only if
 *
 *	c < REPLAY_REJECT_AFTER, and
 *	nothing was accepted yet, or c > max, or max - c <= REPLAY_WINDOW
 *
 * so the window is max itself plus the REPLAY_WINDOW counters below it;
 * max - REPLAY_WINDOW is the oldest counter still accepted.
 *
 * Why the ring holds that exactly: the window spans the REPLAY_WORDS words
 * max / 64 - (REPLAY_WORDS - 1) .. max / 64, which fall in distinct ring
 * slots.  When max advances into a new word the slots of the words skipped
 * over are cleared (all slots, if the advance covers the whole ring), so
 * every slot only ever holds bits of the one word that now maps to it.  As
 * in WireGuard's counter_validate(), a bit is set only after the message
 * authenticated (replay_update), and the update re-checks, so two
 * receivers racing between check and update cannot both accept.
 */
#include <string.h>

#include "chorus/replay.h"

#define REPLAY_WORD_BITS	64

/* Start empty: nothing accepted, every counter below the limit is new. */
void
replay_init(struct replay *r)
{
	memset(r, 0, sizeof(*r));
}

/* The ring word that holds counter c. */
static size_t
replay_slot(uint64_t c)
{
	return (size_t)((c / REPLAY_WORD_BITS) % REPLAY_WORDS);
}

/* The bit of its ring word that holds counter c. */
static uint64_t
replay_bit(uint64_t c)
{
	return 1ULL << (c % REPLAY_WORD_BITS);
}

/* 1 if c is over the limit or below the window, whatever the bitmap says. */
static int
replay_out_of_window(const struct replay *r, uint64_t c)
{
	if (c >= REPLAY_REJECT_AFTER)
		return 1;
	if (c >= r->top)
		return 0;			/* new highest (or first) */
	return r->top - 1 - c > REPLAY_WINDOW;	/* too old */
}

/* 0 if counter could be new (not a replay, not too old), else -1. */
int
replay_check(const struct replay *r, uint64_t c)
{
	if (replay_out_of_window(r, c))
		return -1;
	if (c >= r->top)
		return 0;
	return (r->bits[replay_slot(c)] & replay_bit(c)) != 0 ? -1 : 0;
}

/* Move max up to c (c >= top): clear the slots of the words skipped over. */
static void
replay_advance(struct replay *r, uint64_t c)
{
	uint64_t cur, next, n, i;

	if (r->top != 0) {
		cur = (r->top - 1) / REPLAY_WORD_BITS;
		next = c / REPLAY_WORD_BITS;
		n = next - cur;
		if (n >= REPLAY_WORDS)
			memset(r->bits, 0, sizeof(r->bits));
		else
			for (i = 1; i <= n; i++)
				r->bits[(cur + i) % REPLAY_WORDS] = 0;
	}
	/* With top == 0 the ring is still all zero from replay_init(). */
	r->top = c + 1;		/* no overflow: c < REPLAY_REJECT_AFTER */
}

/* Record counter as seen: 0, or -1 if it is a replay or too old. */
int
replay_update(struct replay *r, uint64_t c)
{
	uint64_t *w, bit;

	if (replay_out_of_window(r, c))
		return -1;
	if (c >= r->top)
		replay_advance(r, c);
	w = &r->bits[replay_slot(c)];
	bit = replay_bit(c);
	if ((*w & bit) != 0)
		return -1;
	*w |= bit;
	return 0;
}

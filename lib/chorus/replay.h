/*
 * replay.h - the sliding window that refuses replayed transport messages.
 *
 * Each session's receiver remembers the highest counter accepted and
 * which of the REPLAY_WINDOW counters below it have been seen (a bitmap
 * in words, as RFC 6479 describes, the way WireGuard does it).  A counter
 * is accepted once: below the window, seen before, or at or above
 * REPLAY_REJECT_AFTER, it is refused.  Check first (before decrypting),
 * update only after the message authenticated, so a forged counter cannot
 * move the window.
 */
#ifndef CHORUS_REPLAY_H
#define CHORUS_REPLAY_H

#include <stdint.h>

#define REPLAY_WORDS		32			/* 64-bit words */
#define REPLAY_WINDOW		((REPLAY_WORDS - 1) * 64)	/* 1984 */
#define REPLAY_REJECT_AFTER	(UINT64_MAX - (1ULL << 13))	/* WireGuard's margin */

struct replay {
	uint64_t	top;		/* highest counter accepted, + 1 */
	uint64_t	bits[REPLAY_WORDS];
};

/*
 * The exact rule (doc/PROTOCOL.md "Replay window"): with max the highest
 * counter accepted, c is accepted iff c < REPLAY_REJECT_AFTER, c was not
 * accepted before, and nothing was accepted yet or c + REPLAY_WINDOW >= max.
 * So max - REPLAY_WINDOW is accepted (once) and max - REPLAY_WINDOW - 1 is
 * refused.
 */
void	replay_init(struct replay *);
/* 0 if counter could be new (not a replay, not too old), else -1. */
int	replay_check(const struct replay *, uint64_t counter);
/* Record counter as seen: 0, or -1 if it is a replay or too old. */
int	replay_update(struct replay *, uint64_t counter);

#endif

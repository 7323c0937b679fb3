/*
 * speaker.h - choosing whom a large room forwards: the loudest current
 * speakers from the audio levels in media headers, smoothed, with
 * hysteresis, sans-I/O.
 *
 * Each member of a room has a slot.  Every media frame updates its
 * sender's smoothed loudness (an exponential average of 127 - level over
 * SPEAKER_TAU_MS, counted only while the frame's VAD flag is set, else
 * decaying to silence); the selection keeps at most nforward slots.  A
 * selected speaker stays selected until it has been quiet for
 * SPEAKER_HOLD_MS or a louder one displaces it; a candidate displaces the
 * quietest selected speaker only if it is louder by SPEAKER_MARGIN for
 * SPEAKER_SWITCH_MS in a row.  doc/PROTOCOL.md "Speaker selection".
 *
 * Every call costs O(nforward): the selected slots are kept in a small
 * array, and nothing is allocated.
 */
#ifndef CHORUS_SPEAKER_H
#define CHORUS_SPEAKER_H

#include <stddef.h>
#include <stdint.h>

#define SPEAKER_MAX_FORWARD	16
#define SPEAKER_TAU_MS		300	/* smoothing time constant */
#define SPEAKER_MARGIN		6	/* dB louder to displace */
#define SPEAKER_SWITCH_MS	400	/* ... for this long */
#define SPEAKER_HOLD_MS		1500	/* quiet this long to lose the floor */

struct speaker {
	int		used;
	int		selected;
	int		heard;		/* a frame since speaker_add */
	int		voiced;		/* a voiced frame since speaker_add */
	int		louder;		/* louder_since is running */
	double		loud;		/* smoothed 127 - level while voiced */
	uint64_t	last_usec;	/* last frame */
	uint64_t	voice_usec;	/* last voiced frame */
	uint64_t	louder_since;	/* candidate: louder than the weakest */
};

struct speaker_sel {
	struct speaker	*slots;		/* caller's array */
	size_t		 nslots;
	unsigned	 nforward;	/* 1..SPEAKER_MAX_FORWARD */
	unsigned	 nselected;
	size_t		 sel[SPEAKER_MAX_FORWARD];  /* the selected slots */
	int		 changed;	/* selection changed since last take */
};

/*
 * slots[nslots] is the caller's; all start unused.  nforward is clamped
 * to 1..SPEAKER_MAX_FORWARD.
 */
void	speaker_init(struct speaker_sel *, struct speaker *slots,
	    size_t nslots, unsigned nforward);
/*
 * A member takes / leaves a slot (out-of-range slots are ignored).
 * Adding a used slot starts it afresh; removing a selected one frees its
 * place at once.
 */
void	speaker_add(struct speaker_sel *, size_t slot);
void	speaker_remove(struct speaker_sel *, size_t slot);
/*
 * A media frame from slot with header level (0..127, -dBov; larger is
 * taken as 127) and VAD flag at now_usec: update, reselect, and return 1
 * if the frame is to be forwarded (its sender is selected), else 0 (also
 * for an unused or out-of-range slot).
 */
int	speaker_frame(struct speaker_sel *, size_t slot, uint8_t level,
	    int vad, uint64_t now_usec);
/* Drop speakers quiet for SPEAKER_HOLD_MS (call now and then). */
void	speaker_tick(struct speaker_sel *, uint64_t now_usec);
/*
 * If the selection changed since the last call, write the selected slots
 * (at most max, lowest slot numbers first) to out, clear the flag and
 * return their number; else -1.
 */
int	speaker_take_change(struct speaker_sel *, size_t *out, size_t max);
/*
 * The weight of a frame that comes dt_usec after its sender's previous
 * one: 1 - exp(-dt / SPEAKER_TAU_MS), computed without libm.
 */
double	speaker_alpha(uint64_t dt_usec);

#endif

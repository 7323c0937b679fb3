/*
 * jitter.h - a receiver's jitter buffer for one sender's 20 ms Opus
 * frames, sans-I/O.
 *
 * Frames go in as they arrive (by sequence number, with the receive
 * time); the caller takes one out every 20 ms.  Playout waits for a
 * target delay that follows the measured interarrival jitter (RFC 3550
 * §6.4.1 estimator) between JITTER_MIN_MS and JITTER_MAX_MS; a frame not
 * there when due is reported lost (the caller conceals it, with the next
 * frame's in-band FEC when jitter_peek_next() has it); frames that come
 * after their turn are counted late and dropped.  doc/PROTOCOL.md has no
 * part in this: it is receiver policy (doc/ARCHITECTURE.md).
 *
 * The sequence number must count 20 ms frame periods: a sender that
 * stops sending in silence (DTX) skips the numbers of the frames it does
 * not send.  Numbers are 32 bits and wrap.
 */
#ifndef CHORUS_JITTER_H
#define CHORUS_JITTER_H

#include <stddef.h>
#include <stdint.h>

#define JITTER_SLOTS		64
#define JITTER_FRAME_MS		20
#define JITTER_MIN_MS		40
#define JITTER_MAX_MS		200
#define JITTER_MAX_PAYLOAD	1275
#define JITTER_AHEAD		(JITTER_SLOTS / 2)	/* then restart */
#define JITTER_BEHIND		(JITTER_SLOTS / 4)	/* before the first */
#define JITTER_IDLE_TICKS	10	/* dry ticks that end a stream */

enum jitter_result {
	JITTER_EMPTY = 0,	/* nothing to play yet (not started, or idle) */
	JITTER_FRAME,		/* a frame: play it */
	JITTER_LOST,		/* its turn, no frame: conceal */
};

enum jitter_state {
	JITTER_IDLE = 0,	/* no stream: the next frame starts one */
	JITTER_BUFFERING,	/* first frame in, waiting for the target */
	JITTER_PLAYING,
};

struct jitter_slot {
	int		full;
	uint32_t	seq;
	uint16_t	len;
	uint8_t		data[JITTER_MAX_PAYLOAD];
};

/*
 * Every frame given to jitter_put with a valid length is received, and
 * then exactly one of late, duplicate, played, dropped or still held.
 * Every jitter_get while playing is played, lost, underrun or (a frame
 * that did not fit) dropped, except the one that ends an idle stream.
 */
struct jitter_stats {
	uint64_t	received, played, lost, late, duplicate;
	uint64_t	underrun;	/* its turn, nothing at all held */
	uint64_t	dropped;	/* held, then thrown away */
	uint64_t	restarts;	/* streams begun */
	double		jitter_ms;	/* RFC 3550 estimate */
	unsigned	target_ms;	/* current playout delay */
};

struct jitter {
	struct jitter_slot	slots[JITTER_SLOTS];
	int			state;		/* enum jitter_state */
	unsigned		held;		/* full slots */
	uint32_t		next_seq;	/* next to play */
	uint64_t		first_usec;	/* arrival of the first frame */
	uint32_t		first_seq;
	uint64_t		last_usec;	/* previous arrival, for */
	uint32_t		last_seq;	/* the jitter estimate */
	int			have_last;
	unsigned		idle_ticks;	/* dry takes in a row */
	struct jitter_stats	st;
};

void	jitter_init(struct jitter *);
/*
 * A frame arrived: 0, or -1 if it is late, a duplicate, empty or longer
 * than JITTER_MAX_PAYLOAD (those last two are not counted received).
 */
int	jitter_put(struct jitter *, uint32_t seq, const void *data,
	    size_t len, uint64_t now_usec);
/*
 * The next 20 ms: JITTER_FRAME with data copied to out (len to *len),
 * JITTER_LOST, or JITTER_EMPTY before playout starts or after a long
 * silence (DTX; the stream restarts at its next frame).  cap should be
 * JITTER_MAX_PAYLOAD: a frame that does not fit is dropped and reported
 * lost.
 */
enum jitter_result jitter_get(struct jitter *, uint64_t now_usec,
	    uint8_t *out, size_t cap, size_t *len);
/* The frame after the one just reported lost, if held (for Opus FEC). */
const uint8_t *jitter_peek_next(const struct jitter *, size_t *len);
const struct jitter_stats *jitter_stats(const struct jitter *);

#endif

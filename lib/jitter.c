/*
 * jitter.c - the receiver's jitter buffer for one sender's 20 ms frames.
 *
 * Owns struct jitter.  Frames are kept in JITTER_SLOTS slots, frame seq
 * in slot seq % JITTER_SLOTS.  A stream goes IDLE -> BUFFERING (its first
 * frame is in; nothing plays until target_ms after that frame arrived) ->
 * PLAYING (every jitter_get plays next_seq, or reports it lost, and moves
 * on) -> IDLE again after JITTER_IDLE_TICKS takes in a row found nothing
 * held at all (the sender went quiet, DTX).  The delay is thus fixed for
 * a talkspurt and follows the jitter estimate from one to the next.
 *
 * Why slots never collide: while buffering, frames are kept from
 * JITTER_BEHIND before the first to JITTER_AHEAD after it, and playing
 * starts at the lowest of them; while playing, new frames are kept up to
 * JITTER_AHEAD after next_seq.  So every held frame lies in next_seq ..
 * next_seq + JITTER_BEHIND + JITTER_AHEAD, fewer than JITTER_SLOTS
 * numbers, and distinct held frames have distinct slots.  A frame further
 * ahead means that the sender jumped or that we fell far behind: the
 * buffer is emptied and a new stream starts at that frame.
 */
#include <string.h>

#include "chorus/jitter.h"

#define JITTER_USEC_PER_MS	1000
#define JITTER_FRAME_USEC	(JITTER_FRAME_MS * JITTER_USEC_PER_MS)
#define JITTER_GAIN		16.0	/* RFC 3550 §6.4.1: 1/16 */

/* The playout delay: 2 J + 20 ms, up to a multiple of 20, in bounds. */
static unsigned
jitter_target(double jitter_ms)
{
	double v = 2 * jitter_ms + JITTER_FRAME_MS;
	unsigned n;

	if (!(v < JITTER_MAX_MS))
		return JITTER_MAX_MS;		/* also NaN */
	n = (unsigned)(v / JITTER_FRAME_MS);
	if (n * (double)JITTER_FRAME_MS < v)
		n++;
	n *= JITTER_FRAME_MS;
	return n < JITTER_MIN_MS ? JITTER_MIN_MS : n;
}

/* Empty, idle, no estimate yet. */
void
jitter_init(struct jitter *j)
{
	memset(j, 0, sizeof(*j));
	j->state = JITTER_IDLE;
	j->st.target_ms = jitter_target(0);
}

/* The counters and the current estimate. */
const struct jitter_stats *
jitter_stats(const struct jitter *j)
{
	return &j->st;
}

/*
 * RFC 3550 §6.4.1, with seq * 20 ms as the sender's clock: D is the
 * difference between two consecutive arrivals' spacing and their frames'
 * spacing.  Arrivals whose sequence numbers are JITTER_AHEAD or more
 * apart (a new stream, a jump) only start a new pair.
 */
static void
jitter_estimate(struct jitter *j, uint32_t seq, uint64_t now)
{
	int32_t ds = (int32_t)(seq - j->last_seq);
	double d;

	if (j->have_last && ds > -JITTER_AHEAD && ds < JITTER_AHEAD) {
		/* In double: no overflow, whatever the caller's clock does. */
		d = (double)(int64_t)(now - j->last_usec) -
		    (double)ds * JITTER_FRAME_USEC;
		if (d < 0)
			d = -d;
		j->st.jitter_ms += (d / JITTER_USEC_PER_MS -
		    j->st.jitter_ms) / JITTER_GAIN;
		j->st.target_ms = jitter_target(j->st.jitter_ms);
	}
	j->last_seq = seq;
	j->last_usec = now;
	j->have_last = 1;
}

/* Throw away everything held. */
static void
jitter_flush(struct jitter *j)
{
	size_t i;

	for (i = 0; i < JITTER_SLOTS; i++)
		if (j->slots[i].full) {
			j->slots[i].full = 0;
			j->st.dropped++;
		}
	j->held = 0;
}

/* A new stream starts with frame seq, arrived at now. */
static void
jitter_begin(struct jitter *j, uint32_t seq, uint64_t now)
{
	jitter_flush(j);
	j->state = JITTER_BUFFERING;
	j->first_seq = seq;
	j->first_usec = now;
	j->idle_ticks = 0;
	j->st.restarts++;
}

/* Keep frame seq (within the window): 0, or -1 for a duplicate. */
static int
jitter_store(struct jitter *j, uint32_t seq, const void *data, size_t len)
{
	struct jitter_slot *s = &j->slots[seq % JITTER_SLOTS];

	if (s->full) {
		if (s->seq == seq) {
			j->st.duplicate++;
			return -1;
		}
		/* Cannot happen (see the top of the file); stay sane. */
		j->st.dropped++;
		j->held--;
	}
	s->full = 1;
	s->seq = seq;
	s->len = (uint16_t)len;
	memcpy(s->data, data, len);
	j->held++;
	return 0;
}

/* A frame arrived: keep it, or count it late or duplicate. */
int
jitter_put(struct jitter *j, uint32_t seq, const void *data, size_t len,
    uint64_t now_usec)
{
	int32_t d;

	if (len == 0 || len > JITTER_MAX_PAYLOAD)
		return -1;
	j->st.received++;
	jitter_estimate(j, seq, now_usec);
	switch (j->state) {
	case JITTER_IDLE:
		jitter_begin(j, seq, now_usec);
		break;
	case JITTER_BUFFERING:
		d = (int32_t)(seq - j->first_seq);
		if (d < -JITTER_BEHIND) {
			j->st.late++;		/* older than the stream */
			return -1;
		}
		if (d > JITTER_AHEAD)
			jitter_begin(j, seq, now_usec);
		break;
	default:
		d = (int32_t)(seq - j->next_seq);
		if (d < 0) {
			j->st.late++;		/* its turn has passed */
			return -1;
		}
		if (d > JITTER_AHEAD)
			jitter_begin(j, seq, now_usec);
		break;
	}
	return jitter_store(j, seq, data, len);
}

/* Buffering is over: play from the lowest frame held. */
static void
jitter_start(struct jitter *j)
{
	uint32_t seq = j->first_seq - JITTER_BEHIND;
	const struct jitter_slot *s;
	int i;

	for (i = 0; i < JITTER_BEHIND; i++, seq++) {
		s = &j->slots[seq % JITTER_SLOTS];
		if (s->full && s->seq == seq)
			break;
	}
	j->next_seq = seq;	/* first_seq itself if nothing earlier */
	j->state = JITTER_PLAYING;
	j->idle_ticks = 0;
}

/* Nothing held at its turn: conceal, or end an idle stream. */
static enum jitter_result
jitter_dry(struct jitter *j)
{
	if (++j->idle_ticks >= JITTER_IDLE_TICKS) {
		j->state = JITTER_IDLE;
		j->idle_ticks = 0;
		return JITTER_EMPTY;
	}
	j->st.underrun++;
	j->next_seq++;
	return JITTER_LOST;
}

/* One 20 ms tick of the caller's playout clock. */
enum jitter_result
jitter_get(struct jitter *j, uint64_t now_usec, uint8_t *out, size_t cap,
    size_t *len)
{
	struct jitter_slot *s;
	uint32_t seq;

	*len = 0;
	if (j->state == JITTER_IDLE)
		return JITTER_EMPTY;
	if (j->state == JITTER_BUFFERING) {
		if (now_usec < j->first_usec ||
		    now_usec - j->first_usec <
		    (uint64_t)j->st.target_ms * JITTER_USEC_PER_MS)
			return JITTER_EMPTY;
		jitter_start(j);
	}
	if (j->held == 0)
		return jitter_dry(j);
	j->idle_ticks = 0;
	seq = j->next_seq++;
	s = &j->slots[seq % JITTER_SLOTS];
	if (!s->full || s->seq != seq) {
		j->st.lost++;
		return JITTER_LOST;
	}
	s->full = 0;
	j->held--;
	if (s->len > cap) {
		j->st.dropped++;
		return JITTER_LOST;
	}
	memcpy(out, s->data, s->len);
	*len = s->len;
	j->st.played++;
	return JITTER_FRAME;
}

/* The frame due next, if held: after a loss, its FEC can rebuild it. */
const uint8_t *
jitter_peek_next(const struct jitter *j, size_t *len)
{
	const struct jitter_slot *s = &j->slots[j->next_seq % JITTER_SLOTS];

	*len = 0;
	if (j->state != JITTER_PLAYING || !s->full || s->seq != j->next_seq)
		return NULL;
	*len = s->len;
	return s->data;
}

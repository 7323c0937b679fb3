/*
 * frame.c - the frames inside a transport packet, and the reliable
 * delivery of control messages.
 *
 * Owns the frame codec (type || length || value, each type's length
 * checked exactly) and struct reliable, doc/PROTOCOL.md "Frames" and
 * "Reliable control": a 32-slot selective-repeat window each way over
 * 32-bit sequence numbers compared serial-number style (RFC 1982), so the
 * sequence space wraps.  Retransmission follows RFC 6298's estimator with
 * Karn's rule and a per-message exponential backoff.  Message copies live
 * on the heap only while in flight or held, and are wiped when freed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "chorus/buf.h"
#include "chorus/crypto.h"
#include "chorus/frame.h"
#include "chorus/media.h"
#include "chorus/wire.h"

#define FRAME_SEQ_LEN		4
#define FRAME_CONTROL_MIN	(FRAME_SEQ_LEN + 1)
#define FRAME_CONTROL_LEN_MAX	(FRAME_SEQ_LEN + FRAME_CONTROL_MAX)
#define FRAME_ACK_TOTAL		(FRAME_HDR_LEN + FRAME_ACK_LEN)
#define RELIABLE_SLOT(seq)	((seq) % RELIABLE_WINDOW)

/* 1 if a value of len bytes is allowed for type (known types only). */
static int
frame_len_ok(uint8_t type, size_t len)
{
	switch (type) {
	case FRAME_PADDING:
		return 1;
	case FRAME_MEDIA:
		return len >= MEDIA_MIN_FRAME && len <= MEDIA_MAX_FRAME;
	case FRAME_CONTROL:
		return len >= FRAME_CONTROL_MIN && len <= FRAME_CONTROL_LEN_MAX;
	case FRAME_ACK:
		return len == FRAME_ACK_LEN;
	case FRAME_PING:
	case FRAME_PONG:
		return len == FRAME_PING_LEN;
	case FRAME_HANDSHAKE:
		return len == WIRE_INITIATION_LEN || len == WIRE_RESPONSE_LEN;
	}
	return 0;
}

/* Fill the typed fields of f from its value (length already checked). */
static void
frame_decode(struct frame *f, struct buf_reader *val)
{
	switch (f->type) {
	case FRAME_CONTROL:
		(void)buf_get_n32(val, &f->seq);
		f->len = buf_rd_left(val);
		(void)buf_get_ptr(val, f->len, &f->value);
		break;
	case FRAME_ACK:
		(void)buf_get_n32(val, &f->ack_next);
		(void)buf_get_n32(val, &f->ack_bits);
		break;
	case FRAME_PING:
	case FRAME_PONG:
		(void)buf_get_n32(val, &f->ping_id);
		(void)buf_get_n64(val, &f->ping_usec);
		break;
	}
}

/*
 * Header, then type, then the type's length, then the value's presence:
 * so a frame that is both too long for its type and truncated reports
 * the length.
 */
int
frame_next(struct buf_reader *r, struct frame *f, enum frame_error *err)
{
	struct buf_reader rd = *r, val, whole;
	uint16_t len;

	memset(f, 0, sizeof(*f));
	*err = FRAME_OK;
	if (buf_rd_left(&rd) == 0)
		return 0;
	if (buf_get_u8(&rd, &f->type) == -1 || buf_get_n16(&rd, &len) == -1) {
		*err = FRAME_ERR_TRUNCATED;
		goto fail;
	}
	if (f->type >= FRAME_NTYPES) {
		*err = FRAME_ERR_TYPE;
		goto fail;
	}
	if (!frame_len_ok(f->type, len)) {
		*err = FRAME_ERR_LENGTH;
		goto fail;
	}
	if (buf_get_sub(&rd, len, &val) == -1) {
		*err = FRAME_ERR_TRUNCATED;
		goto fail;
	}
	whole = val;
	(void)buf_get_ptr(&whole, len, &f->value);
	f->len = len;
	frame_decode(f, &val);
	*r = rd;
	return 1;
fail:
	memset(f, 0, sizeof(*f));
	return -1;
}

/* A fixed string for each parse error. */
const char *
frame_strerror(enum frame_error e)
{
	switch (e) {
	case FRAME_OK:
		return "ok";
	case FRAME_ERR_TRUNCATED:
		return "frame truncated";
	case FRAME_ERR_TYPE:
		return "unknown frame type";
	case FRAME_ERR_LENGTH:
		return "wrong length for frame type";
	}
	return "unknown error";
}

/* Type and length; the caller puts exactly len value bytes after. */
static void
frame_put_hdr(struct buf_writer *w, uint8_t type, size_t len)
{
	buf_put_u8(w, type);
	buf_put_n16(w, (uint16_t)len);
}

/* One media frame as it came from media_seal(). */
int
frame_put_media(struct buf_writer *w, const void *frame, size_t len)
{
	if (!frame_len_ok(FRAME_MEDIA, len))
		return -1;
	frame_put_hdr(w, FRAME_MEDIA, len);
	buf_put_bytes(w, frame, len);
	return buf_wr_error(w);
}

/* seq || message. */
int
frame_put_control(struct buf_writer *w, uint32_t seq, const void *msg,
    size_t len)
{
	if (len == 0 || len > FRAME_CONTROL_MAX)
		return -1;
	frame_put_hdr(w, FRAME_CONTROL, FRAME_SEQ_LEN + len);
	buf_put_n32(w, seq);
	buf_put_bytes(w, msg, len);
	return buf_wr_error(w);
}

/* next expected seq || bitmap. */
int
frame_put_ack(struct buf_writer *w, uint32_t next, uint32_t bits)
{
	frame_put_hdr(w, FRAME_ACK, FRAME_ACK_LEN);
	buf_put_n32(w, next);
	buf_put_n32(w, bits);
	return buf_wr_error(w);
}

/* id || time, for a PING or its PONG. */
int
frame_put_handshake(struct buf_writer *w, const void *msg, size_t len)
{
	if (!frame_len_ok(FRAME_HANDSHAKE, len))
		return -1;
	frame_put_hdr(w, FRAME_HANDSHAKE, len);
	buf_put_bytes(w, msg, len);
	return buf_wr_error(w);
}

int
frame_put_ping(struct buf_writer *w, uint8_t type, uint32_t id,
    uint64_t usec)
{
	if (type != FRAME_PING && type != FRAME_PONG)
		return -1;
	frame_put_hdr(w, type, FRAME_PING_LEN);
	buf_put_n32(w, id);
	buf_put_n64(w, usec);
	return buf_wr_error(w);
}

/* Serial-number distance a - b; negative means a is before b. */
static int32_t
reliable_diff(uint32_t a, uint32_t b)
{
	uint32_t d = a - b;

	/* Two's complement without the implementation-defined cast. */
	if (d <= INT32_MAX)
		return (int32_t)d;
	return -(int32_t)(UINT32_MAX - d) - 1;
}

/* Wipe and free one heap copy. */
static void
reliable_free_msg(uint8_t **msg, size_t len)
{
	if (*msg == NULL)
		return;
	crypto_wipe(*msg, len);
	free(*msg);
	*msg = NULL;
}

/* An idle struct: nothing sent or received, RTO at its initial value. */
void
reliable_init(struct reliable *rl)
{
	memset(rl, 0, sizeof(*rl));
	rl->rto_usec = RELIABLE_RTO_INIT;
}

/* A heap copy in the slot of the next seq. */
int
reliable_queue(struct reliable *rl, const void *msg, size_t len)
{
	struct reliable_out *o;
	uint8_t *copy;

	if (rl->failed || len == 0 || len > FRAME_CONTROL_MAX)
		return -1;
	/* Slots are seq % window: the oldest unacknowledged one bounds. */
	if (rl->next_seq - rl->acked >= RELIABLE_WINDOW)
		return -1;
	if ((copy = malloc(len)) == NULL)
		return -1;
	memcpy(copy, msg, len);
	o = &rl->out[RELIABLE_SLOT(rl->next_seq)];
	memset(o, 0, sizeof(*o));
	o->seq = rl->next_seq;
	o->len = (uint16_t)len;
	o->msg = copy;
	rl->next_seq++;
	return 0;
}

/* Messages queued and not yet acknowledged (selective acks count). */
unsigned
reliable_pending(const struct reliable *rl)
{
	unsigned i, n = 0;

	for (i = 0; i < RELIABLE_WINDOW; i++)
		if (rl->out[i].msg != NULL)
			n++;
	return n;
}

/* The wait after a message's last transmission: rto doubled per retry. */
static uint64_t
reliable_backoff(const struct reliable *rl, unsigned tries)
{
	uint64_t t = rl->rto_usec;

	while (tries-- > 1 && t < RELIABLE_RTO_MAX)
		t *= 2;
	return t < RELIABLE_RTO_MAX ? t : RELIABLE_RTO_MAX;
}

/* When o is next due (its retransmission, or the give-up). */
static uint64_t
reliable_due(const struct reliable *rl, const struct reliable_out *o)
{
	return o->sent_usec + reliable_backoff(rl, o->tries);
}

/* Bytes w can still take without overflowing. */
static size_t
reliable_room(const struct buf_writer *w)
{
	if (buf_wr_error(w) == -1)
		return 0;
	return w->cap - buf_wr_len(w);
}

/* The in-flight message with seq, or NULL (acknowledged, or not ours). */
static struct reliable_out *
reliable_out_at(struct reliable *rl, uint32_t seq)
{
	struct reliable_out *o = &rl->out[RELIABLE_SLOT(seq)];

	if (o->msg == NULL || o->seq != seq)
		return NULL;
	return o;
}

/* Due CONTROL frames oldest first, then the ACK; see frame.h. */
int
reliable_emit(struct reliable *rl, uint64_t now_usec, struct buf_writer *w)
{
	struct reliable_out *o;
	uint32_t seq;
	int n = 0;

	if (rl->failed)
		return 0;
	for (seq = rl->acked; seq != rl->next_seq; seq++) {
		if ((o = reliable_out_at(rl, seq)) == NULL)
			continue;
		if (o->tries > 0 && now_usec < reliable_due(rl, o))
			continue;
		if (o->tries >= RELIABLE_MAX_TRIES) {
			/* The last try had its full RTO: the peer is gone. */
			rl->failed = 1;
			return n;
		}
		/* Keep room for the ACK that rides with every CONTROL. */
		if (reliable_room(w) < FRAME_HDR_LEN + FRAME_SEQ_LEN +
		    (size_t)o->len + FRAME_ACK_TOTAL)
			break;
		if (frame_put_control(w, o->seq, o->msg, o->len) == -1)
			break;
		if (o->tries == 0)
			o->first_usec = now_usec;
		o->sent_usec = now_usec;
		o->tries++;
		n++;
	}
	if ((rl->ack_due || n > 0) && reliable_room(w) >= FRAME_ACK_TOTAL &&
	    frame_put_ack(w, rl->recv_next, rl->recv_bits) == 0) {
		rl->ack_due = 0;
		n++;
	}
	return n;
}

/* See frame.h; 1 stands for "now", 0 for "never". */
uint64_t
reliable_next_timeout(const struct reliable *rl, uint64_t now_usec)
{
	const struct reliable_out *o;
	uint64_t due, best = 0;
	unsigned i;

	if (rl->failed)
		return 0;
	if (rl->ack_due)
		return 1;
	for (i = 0; i < RELIABLE_WINDOW; i++) {
		o = &rl->out[i];
		if (o->msg == NULL)
			continue;
		if (o->tries == 0)
			return 1;
		due = reliable_due(rl, o);
		if (due <= now_usec)
			return 1;
		if (best == 0 || due - now_usec < best)
			best = due - now_usec;
	}
	return best;
}

/* RFC 6298 §2.2 (first sample) and §2.3 (later ones), then clamp. */
static void
reliable_rtt_sample(struct reliable *rl, uint64_t r)
{
	uint64_t d;

	if (r == 0)
		r = 1;	/* keep srtt_usec != 0 meaning "have a sample" */
	if (r > RELIABLE_RTO_MAX)
		r = RELIABLE_RTO_MAX;	/* no more is needed, nor overflow */
	if (rl->srtt_usec == 0) {
		rl->srtt_usec = r;
		rl->rttvar_usec = r / 2;
	} else {
		d = rl->srtt_usec > r ? rl->srtt_usec - r : r - rl->srtt_usec;
		/* beta = 1/4, alpha = 1/8; rttvar first, from the old srtt */
		rl->rttvar_usec = (3 * rl->rttvar_usec + d) / 4;
		rl->srtt_usec = (7 * rl->srtt_usec + r) / 8;
	}
	rl->rto_usec = rl->srtt_usec + 4 * rl->rttvar_usec;
	if (rl->rto_usec < RELIABLE_RTO_MIN)
		rl->rto_usec = RELIABLE_RTO_MIN;
	if (rl->rto_usec > RELIABLE_RTO_MAX)
		rl->rto_usec = RELIABLE_RTO_MAX;
}

/*
 * Release one acknowledged message; remember in *newest the latest
 * first transmission of one sent only once (Karn's rule: the ACK of a
 * retransmitted message may answer any of its copies).
 */
static void
reliable_release(struct reliable *rl, uint32_t seq, int *have,
    uint64_t *newest)
{
	struct reliable_out *o;

	if ((o = reliable_out_at(rl, seq)) == NULL)
		return;
	if (o->tries == 1 && (!*have || o->sent_usec > *newest)) {
		*have = 1;
		*newest = o->sent_usec;
	}
	reliable_free_msg(&o->msg, o->len);
	memset(o, 0, sizeof(*o));
}

/* Cumulative part first moves acked; the bitmap frees what is held. */
void
reliable_on_ack(struct reliable *rl, const struct frame *f,
    uint64_t now_usec)
{
	uint32_t inflight = rl->next_seq - rl->acked, seq, i;
	uint64_t newest = 0;
	int32_t d;
	int have = 0;

	if (f->type != FRAME_ACK)
		return;
	d = reliable_diff(f->ack_next, rl->acked);
	if (d > 0 && (uint32_t)d > inflight)
		return;		/* acknowledges what was never queued */
	/* A stale ACK (d < 0) moves nothing, but its bitmap still holds. */
	for (; d > 0; d--)
		reliable_release(rl, rl->acked++, &have, &newest);
	for (i = 0; i < 32; i++) {
		if ((f->ack_bits & (UINT32_C(1) << i)) == 0)
			continue;
		seq = f->ack_next + 1 + i;
		if (seq - rl->acked < rl->next_seq - rl->acked)
			reliable_release(rl, seq, &have, &newest);
	}
	if (have && now_usec >= newest)
		reliable_rtt_sample(rl, now_usec - newest);
}

/* Deliver recv_next and whatever held messages follow it in order. */
static int
reliable_deliver_run(struct reliable *rl, const uint8_t *msg, size_t len,
    void (*deliver)(void *, const uint8_t *, size_t), void *arg)
{
	unsigned slot;
	int held, n = 1;

	deliver(arg, msg, len);
	for (;;) {
		/* Bit 0 is recv_next + 1, which becomes recv_next. */
		held = rl->recv_bits & 1;
		rl->recv_bits >>= 1;
		rl->recv_next++;
		if (!held)
			return n;
		slot = RELIABLE_SLOT(rl->recv_next);
		deliver(arg, rl->held[slot], rl->held_len[slot]);
		reliable_free_msg(&rl->held[slot], rl->held_len[slot]);
		rl->held_len[slot] = 0;
		n++;
	}
}

/* In order: deliver; within the window: hold a copy; else: drop. */
int
reliable_on_control(struct reliable *rl, const struct frame *f,
    void (*deliver)(void *, const uint8_t *, size_t), void *arg)
{
	uint32_t d, bit;
	unsigned slot;

	if (f->type != FRAME_CONTROL || f->len == 0 ||
	    f->len > FRAME_CONTROL_MAX)
		return 0;
	rl->ack_due = 1;
	/* Before recv_next wraps to a huge distance: old ones drop too. */
	d = f->seq - rl->recv_next;
	if (d == 0)
		return reliable_deliver_run(rl, f->value, f->len, deliver, arg);
	if (d >= RELIABLE_WINDOW)
		return 0;
	bit = UINT32_C(1) << (d - 1);
	if (rl->recv_bits & bit)
		return 0;
	slot = RELIABLE_SLOT(f->seq);
	if ((rl->held[slot] = malloc(f->len)) == NULL)
		return 0;
	memcpy(rl->held[slot], f->value, f->len);
	rl->held_len[slot] = (uint16_t)f->len;
	rl->recv_bits |= bit;
	return 0;
}

/* Every copy wiped and freed, then the struct itself. */
void
reliable_wipe(struct reliable *rl)
{
	unsigned i;

	for (i = 0; i < RELIABLE_WINDOW; i++) {
		reliable_free_msg(&rl->out[i].msg, rl->out[i].len);
		reliable_free_msg(&rl->held[i], rl->held_len[i]);
	}
	crypto_wipe(rl, sizeof(*rl));
}

/*
 * fuzz_frame.c - fuzz target for the frame parser and reliable control.
 *
 * The input is a decrypted packet.  frame_next() walks it: each frame
 * must lie inside the input right after the one before, with a length
 * its type allows; the walk ends at the end of the input, or with an
 * error, the reader left at the bad frame and the frame zeroed.
 *
 * The frames then drive one struct reliable as a peer would.  A PING
 * first in the input sets every sequence counter to its id (so wrap-
 * around is reachable); the target keeps its send window full of
 * messages it can recognise.  CONTROL frames go to reliable_on_control()
 * and, in parallel, to a deliberately naive reference receiver: the two
 * must deliver the same messages in the same order.  ACK frames go to
 * reliable_on_ack().  A later PING advances the fake clock by its usec
 * (mod 4 s).  After every frame reliable_emit()'s output is parsed back:
 * only valid frames, CONTROL frames carrying in-flight messages intact,
 * the ACK telling the receive state.  Any broken invariant abort()s; the
 * struct is wiped at the end, so a leak is the sanitizer's to report.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "chorus/buf.h"
#include "chorus/frame.h"
#include "chorus/media.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define W		RELIABLE_WINDOW
#define FZ_QUEUE_MAX	200		/* messages queued per input */
#define FZ_MSG_MAX	64
#define FZ_CLOCK_STEP	4000000		/* PING usec taken mod this */
#define FZ_OUT_CAP	(W * (FRAME_HDR_LEN + 4 + FZ_MSG_MAX) + 64)

/* The naive receiver: slot d holds seq next + d; shifted on delivery. */
struct fz_ref {
	uint32_t	next;
	int		have[W];
	size_t		len[W];
	uint8_t		msg[W][FRAME_CONTROL_MAX];
};

/* What the reference says one CONTROL frame delivers. */
struct fz_expect {
	unsigned	n, seen;
	size_t		len[W];
	uint8_t		msg[W][FRAME_CONTROL_MAX];
};

static struct fz_ref fz_ref;
static struct fz_expect fz_exp;
static uint8_t fz_out[FZ_OUT_CAP];

/* abort() unless cond holds. */
static void
fz_check(int cond)
{
	if (!cond)
		abort();
}

/* The message the target sends as seq: 1..FZ_MSG_MAX bytes from seq. */
static size_t
fz_msg(uint32_t seq, uint8_t *out)
{
	size_t len = 1 + seq % FZ_MSG_MAX, i;

	for (i = 0; i < len; i++)
		out[i] = (uint8_t)(seq * 7 + i);
	return len;
}

/* Each frame returned lies where it should and has a legal length. */
static void
fz_check_frame(const uint8_t *data, size_t size, size_t before,
    const struct buf_reader *r, const struct frame *f)
{
	size_t vlen = r->off - before - FRAME_HDR_LEN;
	const uint8_t *val = data + before + FRAME_HDR_LEN;

	fz_check(r->off > before && r->off <= size && f->type < FRAME_NTYPES);
	fz_check(data[before] == f->type &&
	    ((size_t)data[before + 1] << 8 | data[before + 2]) == vlen);
	switch (f->type) {
	case FRAME_MEDIA:
		fz_check(vlen >= MEDIA_MIN_FRAME && vlen <= MEDIA_MAX_FRAME);
		break;
	case FRAME_CONTROL:
		fz_check(vlen >= 5 && vlen <= 4 + FRAME_CONTROL_MAX &&
		    f->value == val + 4 && f->len == vlen - 4);
		return;
	case FRAME_ACK:
		fz_check(vlen == FRAME_ACK_LEN);
		break;
	case FRAME_PING:
	case FRAME_PONG:
		fz_check(vlen == FRAME_PING_LEN);
		break;
	}
	fz_check(f->value == val && f->len == vlen);
}

/* The reference's answer to one CONTROL frame, into fz_exp. */
static void
fz_ref_control(const struct frame *f)
{
	uint32_t d = f->seq - fz_ref.next;

	fz_exp.n = fz_exp.seen = 0;
	if (d >= W || fz_ref.have[d])
		return;
	fz_ref.have[d] = 1;
	fz_ref.len[d] = f->len;
	memcpy(fz_ref.msg[d], f->value, f->len);
	while (fz_ref.have[0]) {
		fz_exp.len[fz_exp.n] = fz_ref.len[0];
		memcpy(fz_exp.msg[fz_exp.n], fz_ref.msg[0], fz_ref.len[0]);
		fz_exp.n++;
		memmove(fz_ref.have, fz_ref.have + 1,
		    (W - 1) * sizeof(fz_ref.have[0]));
		memmove(fz_ref.len, fz_ref.len + 1,
		    (W - 1) * sizeof(fz_ref.len[0]));
		memmove(fz_ref.msg, fz_ref.msg + 1,
		    (W - 1) * sizeof(fz_ref.msg[0]));
		fz_ref.have[W - 1] = 0;
		fz_ref.next++;
	}
}

/* reliable_on_control()'s deliveries, checked against the reference. */
static void
fz_deliver(void *arg, const uint8_t *msg, size_t len)
{
	unsigned i = fz_exp.seen++;

	(void)arg;
	fz_check(i < fz_exp.n && len == fz_exp.len[i] &&
	    memcmp(msg, fz_exp.msg[i], len) == 0);
}

/* The receive bitmap the reference implies (bit i = next + 1 + i). */
static uint32_t
fz_ref_bits(void)
{
	uint32_t bits = 0;
	unsigned d;

	for (d = 1; d < W; d++)
		if (fz_ref.have[d])
			bits |= UINT32_C(1) << (d - 1);
	return bits;
}

/* Window, slots, held copies and RTO all as frame.h promises. */
static void
fz_invariants(const struct reliable *rl)
{
	uint32_t inflight = rl->next_seq - rl->acked;
	unsigned i, held = 0, bits = 0;

	fz_check(inflight <= W && reliable_pending(rl) <= inflight);
	fz_check(rl->rto_usec >= RELIABLE_RTO_MIN &&
	    rl->rto_usec <= RELIABLE_RTO_MAX);
	for (i = 0; i < W; i++) {
		if (rl->out[i].msg != NULL)
			fz_check(rl->out[i].seq % W == i &&
			    rl->out[i].seq - rl->acked < inflight &&
			    rl->out[i].tries <= RELIABLE_MAX_TRIES);
		held += rl->held[i] != NULL;
		bits += (rl->recv_bits >> i) & 1;
	}
	fz_check(held == bits && rl->recv_next == fz_ref.next &&
	    rl->recv_bits == fz_ref_bits());
}

/* Keep the send window full of recognisable messages. */
static void
fz_fill(struct reliable *rl, unsigned *queued)
{
	uint8_t msg[FZ_MSG_MAX];
	size_t len;

	while (*queued < FZ_QUEUE_MAX && !rl->failed) {
		len = fz_msg(rl->next_seq, msg);
		if (reliable_queue(rl, msg, len) == -1) {
			fz_check(rl->next_seq - rl->acked == W);
			return;
		}
		(*queued)++;
	}
}

/*
 * Emit at *now and parse it back.  The timeout must agree: 0 only with
 * nothing to do, 1 whenever emit has something (or it is due in 1 usec:
 * then emit at *now + 1 must have it).
 */
static void
fz_emit(struct reliable *rl, uint64_t *now)
{
	uint8_t want[FZ_MSG_MAX];
	struct buf_writer w;
	struct buf_reader r;
	struct frame f;
	enum frame_error err;
	uint64_t t = reliable_next_timeout(rl, *now);
	int n, got = 0, rc;

	fz_check((t == 0) == (rl->failed ||
	    (reliable_pending(rl) == 0 && !rl->ack_due)));
	buf_wr_init(&w, fz_out, sizeof(fz_out));
	n = reliable_emit(rl, *now, &w);
	fz_check(n == 0 || t == 1);
	if (t == 1 && n == 0 && !rl->failed) {
		(*now)++;
		n = reliable_emit(rl, *now, &w);
		fz_check(n > 0 || rl->failed);
	}
	fz_check(buf_wr_error(&w) == 0 && n >= 0);
	buf_rd_init(&r, fz_out, buf_wr_len(&w));
	while ((rc = frame_next(&r, &f, &err)) == 1) {
		got++;
		if (f.type == FRAME_ACK) {
			fz_check(f.ack_next == rl->recv_next &&
			    f.ack_bits == rl->recv_bits);
			continue;
		}
		fz_check(f.type == FRAME_CONTROL &&
		    f.seq - rl->acked < rl->next_seq - rl->acked &&
		    f.len == fz_msg(f.seq, want) &&
		    memcmp(f.value, want, f.len) == 0);
	}
	fz_check(rc == 0 && got == n);
	if (rl->failed) {
		fz_check(reliable_next_timeout(rl, *now) == 0 &&
		    reliable_queue(rl, "x", 1) == -1);
		return;
	}
	/* Everything due went out (the buffer holds a whole window). */
	buf_wr_init(&w, fz_out, sizeof(fz_out));
	fz_check(!rl->ack_due && reliable_emit(rl, *now, &w) == 0);
}

/* Set every counter of rl and the reference to seq. */
static void
fz_start(struct reliable *rl, uint32_t seq)
{
	rl->next_seq = rl->acked = rl->recv_next = seq;
	fz_ref.next = seq;
}

/* One frame into the reliable struct, then the invariants. */
static void
fz_take(struct reliable *rl, const struct frame *f, uint64_t *now,
    unsigned *queued)
{
	unsigned pending = reliable_pending(rl);
	uint32_t acked = rl->acked;
	int n;

	switch (f->type) {
	case FRAME_CONTROL:
		fz_ref_control(f);
		n = reliable_on_control(rl, f, fz_deliver, NULL);
		fz_check(n >= 0 && (unsigned)n == fz_exp.n &&
		    fz_exp.seen == fz_exp.n && rl->ack_due);
		break;
	case FRAME_ACK:
		reliable_on_ack(rl, f, *now);
		fz_check(reliable_pending(rl) <= pending &&
		    rl->acked - acked <= W);
		break;
	case FRAME_PING:
		*now += f->ping_usec % FZ_CLOCK_STEP;
		break;
	}
	fz_invariants(rl);
	fz_fill(rl, queued);
	fz_emit(rl, now);
	fz_invariants(rl);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct reliable rl;
	struct buf_reader r;
	struct frame f;
	enum frame_error err;
	uint64_t now = 0;
	unsigned queued = 0;
	size_t before;
	int rc, first = 1;

	memset(&fz_ref, 0, sizeof(fz_ref));
	reliable_init(&rl);
	buf_rd_init(&r, data, size);
	for (;;) {
		before = r.off;
		rc = frame_next(&r, &f, &err);
		fz_check(strcmp(frame_strerror(err), "") != 0);
		if (rc != 1) {
			fz_check(rc == 0 ? err == FRAME_OK && r.off == size :
			    rc == -1 && err != FRAME_OK && r.off == before &&
			    f.type == 0 && f.value == NULL && f.len == 0);
			break;
		}
		fz_check(err == FRAME_OK);
		fz_check_frame(data, size, before, &r, &f);
		if (first && f.type == FRAME_PING)
			fz_start(&rl, f.ping_id);
		else
			fz_take(&rl, &f, &now, &queued);
		first = 0;
	}
	reliable_wipe(&rl);
	return 0;
}

/*
 * test_frame.c - frames and reliable control.
 *
 * Frames: exact wire bytes and round trips of every type, every length
 * boundary of every type, truncated headers and values, unknown types,
 * iteration over multi-frame packets, the builders' refusals.
 *
 * Reliable control: hand-made cases for the window, the ACK bitmap,
 * duplicates and far-future seqs, wrap-around, the retransmission
 * schedule and the give-up (exact times on a fake clock), the RTT
 * estimator and Karn's rule; then both directions of a session run over
 * a simulated channel that loses, duplicates and reorders packets,
 * driven by a seeded PRNG and the same fake clock, each delivered stream
 * compared with the sequence that was sent.  Run under the sanitizer
 * build, ASan also finds any copy not freed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "chorus/buf.h"
#include "chorus/frame.h"
#include "chorus/media.h"
#include "../tap.h"

#define W		RELIABLE_WINDOW

#if RELIABLE_MAX_TRIES != 10 || RELIABLE_RTO_INIT != 300000
#error "test_schedule's table assumes 10 tries from 300 ms"
#endif
#define MS		1000ULL
#define BIG		(FRAME_HDR_LEN + 65535 + 16)

static uint8_t pkt[BIG];

/* Header type || len, then have value bytes (i * 7 + 1). */
static size_t
make_frame(uint8_t *out, uint8_t type, size_t len, size_t have)
{
	size_t i;

	out[0] = type;
	out[1] = (uint8_t)(len >> 8);
	out[2] = (uint8_t)len;
	for (i = 0; i < have; i++)
		out[FRAME_HDR_LEN + i] = (uint8_t)(i * 7 + 1);
	return FRAME_HDR_LEN + have;
}

/* Parse a one-frame packet: the return, and *err, *f, the reader offset. */
static int
parse_one(const uint8_t *p, size_t n, struct frame *f,
    enum frame_error *err, size_t *off)
{
	struct buf_reader r;
	int rc;

	buf_rd_init(&r, p, n);
	rc = frame_next(&r, f, err);
	*off = r.off;
	return rc;
}

/* Every length boundary of every type, all bytes present. */
static void
test_lengths(void)
{
	static const struct {
		uint8_t		 type;
		size_t		 len;
		enum frame_error want;
	} t[] = {
		{ FRAME_PADDING, 0, FRAME_OK },
		{ FRAME_PADDING, 1, FRAME_OK },
		{ FRAME_PADDING, 65535, FRAME_OK },
		{ FRAME_MEDIA, 0, FRAME_ERR_LENGTH },
		{ FRAME_MEDIA, MEDIA_MIN_FRAME - 1, FRAME_ERR_LENGTH },
		{ FRAME_MEDIA, MEDIA_MIN_FRAME, FRAME_OK },
		{ FRAME_MEDIA, MEDIA_MAX_FRAME, FRAME_OK },
		{ FRAME_MEDIA, MEDIA_MAX_FRAME + 1, FRAME_ERR_LENGTH },
		{ FRAME_MEDIA, 65535, FRAME_ERR_LENGTH },
		{ FRAME_CONTROL, 0, FRAME_ERR_LENGTH },
		{ FRAME_CONTROL, 4, FRAME_ERR_LENGTH },
		{ FRAME_CONTROL, 5, FRAME_OK },
		{ FRAME_CONTROL, 4 + FRAME_CONTROL_MAX, FRAME_OK },
		{ FRAME_CONTROL, 4 + FRAME_CONTROL_MAX + 1, FRAME_ERR_LENGTH },
		{ FRAME_ACK, 0, FRAME_ERR_LENGTH },
		{ FRAME_ACK, 7, FRAME_ERR_LENGTH },
		{ FRAME_ACK, 8, FRAME_OK },
		{ FRAME_ACK, 9, FRAME_ERR_LENGTH },
		{ FRAME_PING, 0, FRAME_ERR_LENGTH },
		{ FRAME_PING, 11, FRAME_ERR_LENGTH },
		{ FRAME_PING, 12, FRAME_OK },
		{ FRAME_PING, 13, FRAME_ERR_LENGTH },
		{ FRAME_PONG, 11, FRAME_ERR_LENGTH },
		{ FRAME_PONG, 12, FRAME_OK },
		{ FRAME_PONG, 13, FRAME_ERR_LENGTH },
		{ FRAME_NTYPES, 0, FRAME_ERR_TYPE },
		{ FRAME_NTYPES, 12, FRAME_ERR_TYPE },
		{ 0x7f, 1, FRAME_ERR_TYPE },
		{ 0xff, 0, FRAME_ERR_TYPE },
	};
	struct frame f;
	enum frame_error err;
	size_t i, n, off;
	int rc;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		n = make_frame(pkt, t[i].type, t[i].len, t[i].len);
		rc = parse_one(pkt, n, &f, &err, &off);
		if (t[i].want == FRAME_OK) {
			tap_ok(rc == 1 && err == FRAME_OK && off == n &&
			    f.type == t[i].type, "type %u length %zu accepted",
			    t[i].type, t[i].len);
			continue;
		}
		tap_ok(rc == -1 && err == t[i].want && off == 0 &&
		    f.type == 0 && f.value == NULL && f.len == 0,
		    "type %u length %zu: %s", t[i].type, t[i].len,
		    frame_strerror(t[i].want));
	}
}

/* Headers and values cut short; which error wins when two apply. */
static void
test_truncated(void)
{
	static const size_t good[][2] = {
		{ FRAME_PADDING, 10 }, { FRAME_MEDIA, MEDIA_MIN_FRAME },
		{ FRAME_MEDIA, MEDIA_MAX_FRAME }, { FRAME_CONTROL, 5 },
		{ FRAME_ACK, 8 }, { FRAME_PING, 12 }, { FRAME_PONG, 12 },
	};
	struct frame f;
	enum frame_error err;
	size_t i, n, off;

	pkt[0] = FRAME_ACK;
	pkt[1] = 0;
	tap_ok(parse_one(pkt, 1, &f, &err, &off) == -1 &&
	    err == FRAME_ERR_TRUNCATED && off == 0, "1-byte header truncated");
	tap_ok(parse_one(pkt, 2, &f, &err, &off) == -1 &&
	    err == FRAME_ERR_TRUNCATED && off == 0, "2-byte header truncated");
	pkt[0] = 0xee;
	tap_ok(parse_one(pkt, 2, &f, &err, &off) == -1 &&
	    err == FRAME_ERR_TRUNCATED, "short header beats unknown type");

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		n = make_frame(pkt, (uint8_t)good[i][0], good[i][1],
		    good[i][1] - 1);
		tap_ok(parse_one(pkt, n, &f, &err, &off) == -1 &&
		    err == FRAME_ERR_TRUNCATED && off == 0 && f.len == 0,
		    "type %zu value one byte short", good[i][0]);
		n = make_frame(pkt, (uint8_t)good[i][0], good[i][1], 0);
		tap_ok(parse_one(pkt, n, &f, &err, &off) == -1 &&
		    err == FRAME_ERR_TRUNCATED, "type %zu header only",
		    good[i][0]);
	}
	n = make_frame(pkt, 9, 100, 3);
	tap_ok(parse_one(pkt, n, &f, &err, &off) == -1 &&
	    err == FRAME_ERR_TYPE, "unknown type beats short value");
	n = make_frame(pkt, FRAME_ACK, 9, 3);
	tap_ok(parse_one(pkt, n, &f, &err, &off) == -1 &&
	    err == FRAME_ERR_LENGTH, "wrong length beats short value");
	tap_is_str(frame_strerror(FRAME_OK), "ok", "strerror ok");
	tap_is_str(frame_strerror(FRAME_ERR_TRUNCATED), "frame truncated",
	    "strerror truncated");
	tap_is_str(frame_strerror(FRAME_ERR_TYPE), "unknown frame type",
	    "strerror type");
	tap_is_str(frame_strerror(FRAME_ERR_LENGTH),
	    "wrong length for frame type", "strerror length");
	tap_is_str(frame_strerror((enum frame_error)99), "unknown error",
	    "strerror out of range");
}

/* Exact bytes of each builder, and the parse of them. */
static void
test_vectors(void)
{
	uint8_t buf[64], want[64];
	struct buf_writer w;
	struct frame f;
	enum frame_error err;
	size_t n, off;

	buf_wr_init(&w, buf, sizeof(buf));
	tap_ok(frame_put_control(&w, 0x01020304, "hi!", 3) == 0, "control");
	n = tap_unhex("02000701020304686921", want, sizeof(want));
	tap_ok(buf_wr_len(&w) == n && memcmp(buf, want, n) == 0,
	    "control bytes");
	tap_ok(parse_one(buf, n, &f, &err, &off) == 1 &&
	    f.type == FRAME_CONTROL && f.seq == 0x01020304 && f.len == 3 &&
	    f.value == buf + 7 && memcmp(f.value, "hi!", 3) == 0,
	    "control parsed: seq, message after seq");

	buf_wr_init(&w, buf, sizeof(buf));
	tap_ok(frame_put_ack(&w, 0xfffffffe, 0x80000001) == 0, "ack");
	n = tap_unhex("030008fffffffe80000001", want, sizeof(want));
	tap_ok(buf_wr_len(&w) == n && memcmp(buf, want, n) == 0, "ack bytes");
	tap_ok(parse_one(buf, n, &f, &err, &off) == 1 &&
	    f.type == FRAME_ACK && f.ack_next == 0xfffffffe &&
	    f.ack_bits == 0x80000001 && f.len == 8 && f.value == buf + 3,
	    "ack parsed");

	buf_wr_init(&w, buf, sizeof(buf));
	tap_ok(frame_put_ping(&w, FRAME_PING, 0xa1b2c3d4,
	    0x0102030405060708ULL) == 0 && frame_put_ping(&w, FRAME_PONG, 7,
	    UINT64_MAX) == 0, "ping and pong");
	n = tap_unhex("04000ca1b2c3d40102030405060708"
	    "05000c00000007ffffffffffffffff", want, sizeof(want));
	tap_ok(buf_wr_len(&w) == n && memcmp(buf, want, n) == 0,
	    "ping and pong bytes");
	tap_ok(parse_one(buf, n, &f, &err, &off) == 1 &&
	    f.type == FRAME_PING && f.ping_id == 0xa1b2c3d4 &&
	    f.ping_usec == 0x0102030405060708ULL && f.len == 12 && off == 15,
	    "ping parsed");
	tap_ok(parse_one(buf + 15, n - 15, &f, &err, &off) == 1 &&
	    f.type == FRAME_PONG && f.ping_id == 7 &&
	    f.ping_usec == UINT64_MAX, "pong parsed");

	n = tap_unhex("000003000000", want, sizeof(want));
	tap_ok(parse_one(want, n, &f, &err, &off) == 1 &&
	    f.type == FRAME_PADDING && f.len == 3 && f.value == want + 3,
	    "padding parsed");
}

/* Media at both ends of its range; builders refusing bad input. */
static void
test_media_and_refusals(void)
{
	static uint8_t media[MEDIA_MAX_FRAME + 1];
	uint8_t small[16];
	struct buf_writer w;
	struct frame f;
	enum frame_error err;
	size_t i, off, lens[] = { MEDIA_MIN_FRAME, MEDIA_MAX_FRAME };

	for (i = 0; i < sizeof(media); i++)
		media[i] = (uint8_t)(i * 31 + 3);
	for (i = 0; i < 2; i++) {
		buf_wr_init(&w, pkt, sizeof(pkt));
		tap_ok(frame_put_media(&w, media, lens[i]) == 0 &&
		    buf_wr_len(&w) == FRAME_HDR_LEN + lens[i],
		    "media %zu put", lens[i]);
		tap_ok(parse_one(pkt, buf_wr_len(&w), &f, &err, &off) == 1 &&
		    f.type == FRAME_MEDIA && f.len == lens[i] &&
		    memcmp(f.value, media, lens[i]) == 0, "media %zu back",
		    lens[i]);
	}

	buf_wr_init(&w, pkt, sizeof(pkt));
	tap_ok(frame_put_media(&w, media, MEDIA_MIN_FRAME - 1) == -1 &&
	    frame_put_media(&w, media, MEDIA_MAX_FRAME + 1) == -1 &&
	    frame_put_control(&w, 1, media, 0) == -1 &&
	    frame_put_control(&w, 1, media, FRAME_CONTROL_MAX + 1) == -1 &&
	    frame_put_ping(&w, FRAME_ACK, 1, 2) == -1 &&
	    frame_put_ping(&w, FRAME_PADDING, 1, 2) == -1,
	    "bad lengths and ping types refused");
	tap_ok(buf_wr_len(&w) == 0 && buf_wr_error(&w) == 0,
	    "refusals write nothing and leave the writer usable");
	tap_ok(frame_put_control(&w, 1, media, FRAME_CONTROL_MAX) == 0 &&
	    buf_wr_len(&w) == FRAME_HDR_LEN + 4 + FRAME_CONTROL_MAX,
	    "longest control message fits");

	buf_wr_init(&w, small, FRAME_HDR_LEN + FRAME_ACK_LEN - 1);
	tap_ok(frame_put_ack(&w, 1, 2) == -1 && buf_wr_error(&w) == -1,
	    "ack one byte too big: -1, writer in error");
	buf_wr_init(&w, small, FRAME_HDR_LEN + FRAME_PING_LEN - 1);
	tap_ok(frame_put_ping(&w, FRAME_PONG, 1, 2) == -1 &&
	    buf_wr_error(&w) == -1, "pong one byte too big");
	buf_wr_init(&w, small, sizeof(small));
	tap_ok(frame_put_control(&w, 1, media, 10) == -1 &&
	    buf_wr_error(&w) == -1, "control too big");
	buf_wr_init(&w, small, sizeof(small));
	tap_ok(frame_put_media(&w, media, MEDIA_MIN_FRAME) == -1 &&
	    buf_wr_error(&w) == -1, "media too big");
}

/* Several frames in one packet, the keepalive, and a bad tail. */
static void
test_iterate(void)
{
	static const uint8_t want[] = { FRAME_PADDING, FRAME_MEDIA,
	    FRAME_CONTROL, FRAME_ACK, FRAME_PING, FRAME_PONG, FRAME_PADDING };
	uint8_t media[MEDIA_MIN_FRAME];
	struct buf_writer w;
	struct buf_reader r;
	struct frame f, ctl;
	enum frame_error err;
	size_t i, n;
	int rc;

	memset(media, 0x5a, sizeof(media));
	buf_wr_init(&w, pkt, sizeof(pkt));
	buf_put_u8(&w, FRAME_PADDING);
	buf_put_n16(&w, 0);
	frame_put_media(&w, media, sizeof(media));
	frame_put_control(&w, 42, "abc", 3);
	frame_put_ack(&w, 43, 5);
	frame_put_ping(&w, FRAME_PING, 1, 1000);
	frame_put_ping(&w, FRAME_PONG, 2, 2000);
	buf_put_u8(&w, FRAME_PADDING);
	buf_put_n16(&w, 5);
	buf_put_zero(&w, 5);
	tap_ok(buf_wr_error(&w) == 0, "packet built");
	n = buf_wr_len(&w);

	buf_rd_init(&r, pkt, n);
	for (i = 0; (rc = frame_next(&r, &f, &err)) == 1; i++)
		if (i < sizeof(want) && f.type != want[i])
			break;
	tap_ok(rc == 0 && err == FRAME_OK && i == sizeof(want),
	    "seven frames in order, then the end");
	tap_ok(frame_next(&r, &f, &err) == 0, "the end stays the end");

	buf_rd_init(&r, pkt, 0);
	tap_ok(frame_next(&r, &f, &err) == 0 && err == FRAME_OK,
	    "empty packet (keepalive): no frames");

	/* Good frames, then an ACK of length 7: the first stay valid. */
	buf_wr_init(&w, pkt, sizeof(pkt));
	frame_put_control(&w, 9, "xyz", 3);
	frame_put_ping(&w, FRAME_PING, 3, 4);
	buf_put_u8(&w, FRAME_ACK);
	buf_put_n16(&w, 7);
	buf_put_zero(&w, 7);
	buf_rd_init(&r, pkt, buf_wr_len(&w));
	tap_ok(frame_next(&r, &ctl, &err) == 1 &&
	    frame_next(&r, &f, &err) == 1 && f.type == FRAME_PING,
	    "two good frames first");
	tap_ok(frame_next(&r, &f, &err) == -1 && err == FRAME_ERR_LENGTH &&
	    r.off == 10 + 15, "then the bad one, reader left at it");
	tap_ok(ctl.seq == 9 && ctl.len == 3 &&
	    memcmp(ctl.value, "xyz", 3) == 0, "earlier frame still valid");
}

/* What a deliver callback saw. */
struct sink {
	unsigned	n;
	uint8_t		first[W * 4];	/* first byte of each message */
	size_t		len[W * 4];
};

static void
sink_deliver(void *arg, const uint8_t *msg, size_t len)
{
	struct sink *s = arg;

	if (s->n < W * 4) {
		s->first[s->n] = msg[0];
		s->len[s->n] = len;
	}
	s->n++;
}

/* A CONTROL frame for seq carrying one byte b (in a static buffer). */
static struct frame
ctl_frame(uint32_t seq, uint8_t b)
{
	static uint8_t v[W * 4];
	struct frame f;

	memset(&f, 0, sizeof(f));
	f.type = FRAME_CONTROL;
	f.seq = seq;
	v[seq % sizeof(v)] = b;
	f.value = &v[seq % sizeof(v)];
	f.len = 1;
	return f;
}

/* An ACK frame. */
static struct frame
ack_frame(uint32_t next, uint32_t bits)
{
	struct frame f;

	memset(&f, 0, sizeof(f));
	f.type = FRAME_ACK;
	f.ack_next = next;
	f.ack_bits = bits;
	return f;
}

/*
 * Emit at now into pkt and list the CONTROL seqs written (up to max);
 * *ack gets the ACK frame if one was written (type 0 if not).  Returns
 * the number of CONTROL frames.
 */
static int
emit_seqs(struct reliable *rl, uint64_t now, uint32_t *seqs, int max,
    struct frame *ack)
{
	struct buf_writer w;
	struct buf_reader r;
	struct frame f;
	enum frame_error err;
	int n = 0, wrote;

	memset(ack, 0, sizeof(*ack));
	buf_wr_init(&w, pkt, sizeof(pkt));
	wrote = reliable_emit(rl, now, &w);
	buf_rd_init(&r, pkt, buf_wr_len(&w));
	while (frame_next(&r, &f, &err) == 1) {
		if (f.type == FRAME_ACK)
			*ack = f;
		else if (f.type == FRAME_CONTROL && n < max)
			seqs[n++] = f.seq;
	}
	if (wrote != n + (ack->type == FRAME_ACK))
		return -1;
	return n;
}

/* Queue n one-byte messages. */
static int
queue_n(struct reliable *rl, int n)
{
	uint8_t b;
	int i;

	for (i = 0; i < n; i++) {
		b = (uint8_t)i;
		if (reliable_queue(rl, &b, 1) == -1)
			return i;
	}
	return n;
}

/* Limits, the full window, what an idle struct does. */
static void
test_window(void)
{
	static uint8_t msg[FRAME_CONTROL_MAX + 1];
	struct reliable rl;
	uint32_t seqs[W];
	struct frame ack;
	int i, ok;

	reliable_init(&rl);
	tap_ok(reliable_pending(&rl) == 0 &&
	    reliable_next_timeout(&rl, 0) == 0 && rl.rto_usec == 300000 &&
	    emit_seqs(&rl, 0, seqs, W, &ack) == 0 && ack.type == 0,
	    "idle: nothing pending, no timeout, nothing to emit");
	tap_ok(reliable_queue(&rl, msg, 0) == -1 &&
	    reliable_queue(&rl, msg, FRAME_CONTROL_MAX + 1) == -1 &&
	    rl.next_seq == 0, "empty and too long refused");
	tap_ok(reliable_queue(&rl, msg, FRAME_CONTROL_MAX) == 0,
	    "longest accepted");
	tap_is_int(queue_n(&rl, W), W - 1, "window fills at 32");
	tap_ok(reliable_queue(&rl, msg, 1) == -1 &&
	    reliable_pending(&rl) == W, "33rd refused (-1), 32 pending");
	tap_is_int((long long)reliable_next_timeout(&rl, 0), 1, "due now");
	ok = emit_seqs(&rl, 5, seqs, W, &ack) == W;
	for (i = 0; ok && i < W; i++)
		ok = seqs[i] == (uint32_t)i;
	tap_ok(ok, "all 32 sent at once, oldest first");
	tap_is_int((long long)reliable_next_timeout(&rl, 5), 300000,
	    "next timeout: initial RTO");
	ack = ack_frame(5, 0);
	reliable_on_ack(&rl, &ack, 100 * MS);
	tap_ok(reliable_pending(&rl) == W - 5 && rl.acked == 5,
	    "ACK 5 releases seqs 0..4");
	tap_is_int(queue_n(&rl, 6), 5, "five more fit, the sixth not");
	tap_ok(rl.next_seq == 37 && rl.out[36 % W].seq == 36,
	    "seq 36 reuses the slot of seq 4");
	reliable_wipe(&rl);
	ok = 1;
	for (i = 0; i < (int)sizeof(rl); i++)
		ok &= ((uint8_t *)&rl)[i] == 0;
	tap_ok(ok, "wipe zeroes the struct");
}

/* A dead channel: exact retransmission times, then the give-up. */
static void
test_schedule(void)
{
	/* 300 ms doubling: 0.3, 0.6, 1.2, 2.4, then 3 s (the cap). */
	static const uint64_t at[RELIABLE_MAX_TRIES] = {
		0, 300000, 900000, 2100000, 4500000, 7500000, 10500000,
		13500000, 16500000, 19500000 };
	struct reliable rl;
	struct frame ack;
	uint32_t seqs[W];
	uint64_t now = 0, t, times[RELIABLE_MAX_TRIES + 4];
	int n = 0, ok = 1, k;

	reliable_init(&rl);
	queue_n(&rl, 1);
	while ((t = reliable_next_timeout(&rl, now)) != 0 &&
	    n < RELIABLE_MAX_TRIES + 4) {
		if (t > 1) {
			/* One usec early: nothing may go out. */
			ok &= emit_seqs(&rl, now + t - 1, seqs, W, &ack) == 0;
			now += t;
		}
		k = emit_seqs(&rl, now, seqs, W, &ack);
		if (k == 1)
			times[n++] = now;
		else if (!rl.failed)
			ok = 0;
	}
	tap_ok(ok, "nothing sent before its time");
	tap_is_int(n, RELIABLE_MAX_TRIES, "ten transmissions");
	for (k = 0; k < n && k < RELIABLE_MAX_TRIES; k++)
		tap_is_int((long long)times[k], (long long)at[k],
		    "transmission time");
	tap_ok(rl.failed && now == 22500000,
	    "failed when the last try's 3 s ran out (22.5 s)");
	tap_ok(rl.out[0].tries == RELIABLE_MAX_TRIES &&
	    rl.out[0].first_usec == 0 && rl.out[0].sent_usec == 19500000,
	    "tries, first and last transmission recorded");
	tap_ok(reliable_queue(&rl, "x", 1) == -1 &&
	    reliable_next_timeout(&rl, now) == 0 &&
	    emit_seqs(&rl, now + 10000000, seqs, W, &ack) == 0,
	    "after failing: no queue, no timeout, no emit");
	reliable_wipe(&rl);
}

/* RFC 6298 arithmetic, the clamps, and Karn's rule. */
static void
test_rtt(void)
{
	struct reliable rl;
	struct frame ack;
	uint32_t seqs[W];

	reliable_init(&rl);
	queue_n(&rl, 1);
	emit_seqs(&rl, 0, seqs, W, &ack);
	ack = ack_frame(1, 0);
	reliable_on_ack(&rl, &ack, 100000);
	tap_ok(rl.srtt_usec == 100000 && rl.rttvar_usec == 50000 &&
	    rl.rto_usec == 300000, "first sample 100 ms: RTO 300 ms");

	queue_n(&rl, 1);
	emit_seqs(&rl, 1000000, seqs, W, &ack);
	ack = ack_frame(2, 0);
	reliable_on_ack(&rl, &ack, 1060000);
	tap_ok(rl.srtt_usec == 95000 && rl.rttvar_usec == 47500 &&
	    rl.rto_usec == 285000, "second sample 60 ms: RTO 285 ms");

	/* Sent twice, then acknowledged: no sample. */
	queue_n(&rl, 1);
	emit_seqs(&rl, 2000000, seqs, W, &ack);
	tap_is_int(emit_seqs(&rl, 2285000, seqs, W, &ack), 1,
	    "retransmitted after the new RTO");
	ack = ack_frame(3, 0);
	reliable_on_ack(&rl, &ack, 2290000);
	tap_ok(rl.srtt_usec == 95000 && rl.rto_usec == 285000 &&
	    reliable_pending(&rl) == 0, "Karn: no sample from it");

	/* Newest once-sent message of a cumulative ACK gives the sample. */
	queue_n(&rl, 2);
	emit_seqs(&rl, 3000000, seqs, W, &ack);
	queue_n(&rl, 1);
	emit_seqs(&rl, 3050000, seqs, W, &ack);
	ack = ack_frame(6, 0);
	reliable_on_ack(&rl, &ack, 3060000);
	tap_ok(rl.srtt_usec == 84375 && rl.rttvar_usec == 56875 &&
	    rl.rto_usec == 311875, "sample from the newest message (10 ms)");

	reliable_wipe(&rl);
	reliable_init(&rl);
	queue_n(&rl, 1);
	emit_seqs(&rl, 0, seqs, W, &ack);
	ack = ack_frame(1, 0);
	reliable_on_ack(&rl, &ack, 10000);
	tap_is_int((long long)rl.rto_usec, RELIABLE_RTO_MIN,
	    "10 ms sample: RTO clamped to 200 ms");

	reliable_wipe(&rl);
	reliable_init(&rl);
	queue_n(&rl, 1);
	emit_seqs(&rl, 0, seqs, W, &ack);
	ack = ack_frame(1, 0);
	reliable_on_ack(&rl, &ack, 2000000);
	tap_is_int((long long)rl.rto_usec, RELIABLE_RTO_MAX,
	    "2 s sample: RTO clamped to 3 s");

	/* Not emitted again for 10 s, so still sent once: counts as 3 s. */
	queue_n(&rl, 1);
	emit_seqs(&rl, 3000000, seqs, W, &ack);
	ack = ack_frame(2, 0);
	reliable_on_ack(&rl, &ack, 13000000);
	tap_ok(rl.srtt_usec == (7 * 2000000 + 3000000) / 8 &&
	    rl.rttvar_usec == (3 * 1000000 + 1000000) / 4,
	    "10 s sample taken as 3 s");
	reliable_wipe(&rl);
}

/* Selective ACKs, stale and bogus ACKs on the sending side. */
static void
test_sender_acks(void)
{
	struct reliable rl;
	struct frame ack;
	uint32_t seqs[W];

	reliable_init(&rl);
	queue_n(&rl, 5);
	emit_seqs(&rl, 0, seqs, W, &ack);
	ack = ack_frame(1, 0x6);	/* has 0, and 3 and 4 */
	reliable_on_ack(&rl, &ack, 50000);
	tap_ok(rl.acked == 1 && reliable_pending(&rl) == 2 &&
	    rl.out[1].msg != NULL && rl.out[2].msg != NULL &&
	    rl.out[3].msg == NULL && rl.out[4].msg == NULL,
	    "ACK 1 bits 0x6: 1 and 2 left");
	tap_ok(emit_seqs(&rl, 50000 + 300000, seqs, W, &ack) == 2 &&
	    seqs[0] == 1 && seqs[1] == 2, "only 1 and 2 retransmitted");
	ack = ack_frame(9, 0);
	reliable_on_ack(&rl, &ack, 400000);
	tap_ok(rl.acked == 1 && reliable_pending(&rl) == 2,
	    "ACK beyond next_seq ignored");
	ack = ack_frame(0, 0x2);	/* stale: 0 is behind, bit 1 = seq 2 */
	reliable_on_ack(&rl, &ack, 400000);
	tap_ok(rl.acked == 1 && reliable_pending(&rl) == 1 &&
	    rl.out[2].msg == NULL, "stale ACK: bitmap still releases 2");
	ack = ack_frame(5, 0xffffffff);
	reliable_on_ack(&rl, &ack, 400000);
	tap_ok(rl.acked == 5 && reliable_pending(&rl) == 0 &&
	    reliable_next_timeout(&rl, 400000) == 0, "ACK 5: all done");
	ack.type = FRAME_PING;
	reliable_on_ack(&rl, &ack, 0);
	tap_ok(rl.acked == 5, "non-ACK frame ignored");
	reliable_wipe(&rl);
}

/* Feed one seq; return how many were delivered. */
static int
feed(struct reliable *rl, struct sink *s, uint32_t seq, uint8_t b)
{
	struct frame f = ctl_frame(seq, b);

	return reliable_on_control(rl, &f, sink_deliver, s);
}

/* The receiving side: holding, the bitmap, duplicates, the far edge. */
static void
test_receiver(void)
{
	struct reliable rl;
	struct sink s;
	struct frame ack, f;
	uint32_t seqs[W];

	reliable_init(&rl);
	memset(&s, 0, sizeof(s));
	tap_ok(feed(&rl, &s, 0, 'a') == 1 && s.first[0] == 'a' &&
	    rl.recv_next == 1 && rl.ack_due, "seq 0 delivered, ACK due");
	tap_ok(feed(&rl, &s, 2, 'c') == 0 && feed(&rl, &s, 3, 'd') == 0 &&
	    rl.recv_bits == 0x3, "2 and 3 held: bits 0x3");
	tap_ok(emit_seqs(&rl, 0, seqs, W, &ack) == 0 &&
	    ack.type == FRAME_ACK && ack.ack_next == 1 &&
	    ack.ack_bits == 0x3 && !rl.ack_due, "ACK 1 0x3 emitted");
	tap_is_int((long long)reliable_next_timeout(&rl, 0), 0, "then nothing due");
	tap_ok(feed(&rl, &s, 3, 'X') == 0 && feed(&rl, &s, 0, 'X') == 0 &&
	    rl.ack_due && s.n == 1, "duplicates dropped, ACK still due");
	tap_ok(feed(&rl, &s, 1 + W, 'X') == 0 && rl.recv_bits == 0x3,
	    "seq recv_next + 32 dropped");
	tap_ok(feed(&rl, &s, W, 'z') == 0 && rl.recv_bits == 0x40000003,
	    "seq recv_next + 31 held (bit 30)");
	tap_ok(feed(&rl, &s, 1, 'b') == 3 && s.n == 4 &&
	    memcmp(s.first, "abcd", 4) == 0 && rl.recv_next == 4 &&
	    rl.recv_bits == 0x08000000, "1 releases 1, 2, 3 in order");
	tap_ok(rl.held[2] == NULL && rl.held[3] == NULL &&
	    rl.held[0] != NULL, "delivered copies freed, 32 still held");
	f = ctl_frame(5, 'q');
	f.type = FRAME_PADDING;
	rl.ack_due = 0;
	tap_ok(reliable_on_control(&rl, &f, sink_deliver, &s) == 0 &&
	    !rl.ack_due && rl.recv_bits == 0x08000000,
	    "non-CONTROL frame ignored");
	f.type = FRAME_CONTROL;
	f.len = FRAME_CONTROL_MAX + 1;
	tap_ok(reliable_on_control(&rl, &f, sink_deliver, &s) == 0 &&
	    !rl.ack_due, "over-long message ignored");
	reliable_wipe(&rl);	/* seq 32 still held: ASan checks it */
}

/* Both counters wrap between 2^32 - 1 and 0. */
static void
test_wrap(void)
{
	struct reliable a, b;
	struct sink s;
	struct frame ack;
	uint32_t seqs[W], start = UINT32_MAX - 1;

	reliable_init(&a);
	reliable_init(&b);
	a.next_seq = a.acked = start;
	b.recv_next = start;
	memset(&s, 0, sizeof(s));
	tap_is_int(queue_n(&a, 4), 4, "queue across the wrap");
	tap_ok(emit_seqs(&a, 0, seqs, W, &ack) == 4 && seqs[0] == start &&
	    seqs[1] == UINT32_MAX && seqs[2] == 0 && seqs[3] == 1,
	    "seqs fffffffe ffffffff 0 1");
	tap_ok(feed(&b, &s, 1, 3) == 0 && feed(&b, &s, 0, 2) == 0 &&
	    b.recv_bits == 0x6, "0 and 1 held beyond ffffffff");
	tap_ok(feed(&b, &s, UINT32_MAX - 2, 9) == 0 && s.n == 0,
	    "fffffffd is old: dropped");
	tap_ok(feed(&b, &s, start, 0) == 1 && feed(&b, &s, UINT32_MAX, 1) ==
	    3 && s.n == 4 && b.recv_next == 2 && b.recv_bits == 0 &&
	    s.first[0] == 0 && s.first[1] == 1 && s.first[2] == 2 &&
	    s.first[3] == 3, "all four in order, recv_next 2");
	tap_ok(emit_seqs(&b, 0, seqs, W, &ack) == 0 && ack.ack_next == 2,
	    "ACK 2");
	reliable_on_ack(&a, &ack, 1000);
	tap_ok(a.acked == 2 && reliable_pending(&a) == 0,
	    "sender released all four");
	ack = ack_frame(UINT32_MAX, 0x2);
	reliable_on_ack(&a, &ack, 1000);
	tap_ok(a.acked == 2, "ACK before the wrap is stale");
	reliable_wipe(&a);
	reliable_wipe(&b);
}

/* emit keeps room for the ACK and never puts the writer in error. */
static void
test_emit_room(void)
{
	struct reliable rl;
	struct buf_writer w;
	struct sink s;
	uint8_t msg[100];

	memset(msg, 1, sizeof(msg));
	memset(&s, 0, sizeof(s));
	reliable_init(&rl);
	reliable_queue(&rl, msg, 100);
	reliable_queue(&rl, msg, 100);
	feed(&rl, &s, 0, 'a');
	buf_wr_init(&w, pkt, 2 * 107 + 10);
	tap_ok(reliable_emit(&rl, 0, &w) == 2 && buf_wr_len(&w) == 107 + 11 &&
	    buf_wr_error(&w) == 0 && !rl.ack_due,
	    "one CONTROL and the ACK; the second CONTROL waits");
	tap_is_int((long long)reliable_next_timeout(&rl, 0), 1, "the second is due");
	buf_wr_init(&w, pkt, 106);
	tap_ok(reliable_emit(&rl, 0, &w) == 0 && buf_wr_len(&w) == 0 &&
	    buf_wr_error(&w) == 0, "no room: nothing, writer fine");
	buf_wr_init(&w, pkt, 107 + 10);
	tap_ok(reliable_emit(&rl, 0, &w) == 0 && buf_wr_len(&w) == 0,
	    "room for the CONTROL but not the ACK riding with it: nothing");
	buf_wr_init(&w, pkt, 107 + 11);
	tap_ok(reliable_emit(&rl, 0, &w) == 2 && rl.out[1].tries == 1 &&
	    buf_wr_len(&w) == 107 + 11, "exactly enough room: CONTROL, ACK");
	reliable_wipe(&rl);
}

/* ---- the simulated channel ---- */

#define SIM_MTU		1200
#define SIM_MAXPKT	8192
#define SIM_DELAY_MIN	(10 * MS)
#define SIM_DELAY_SPAN	(70 * MS)	/* so packets overtake each other */

struct sim_pkt {
	uint64_t	at;		/* arrival */
	int		to;		/* receiving end */
	size_t		len;
	uint8_t		data[SIM_MTU];
};

struct sim_end {
	struct reliable	rl;
	uint32_t	queued;		/* messages handed to reliable_queue */
	uint32_t	got;		/* messages delivered so far */
	int		side;		/* 0 or 1: whose messages it sends */
	int		bad;		/* deliveries unlike the reference */
};

struct sim {
	struct sim_end	end[2];
	struct sim_pkt	*pkts;
	size_t		npkts;
	uint64_t	rng, now;
	unsigned	loss, dup;	/* percent */
	uint32_t	nmsg;
	unsigned long	sent, lost, dups, broken;
};

/* xorshift64*: fixed seeds, so a failure reproduces. */
static uint64_t
sim_rand(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dULL;
}

/*
 * The reference: message k of side is a pure function of (side, k),
 * a third of them long (up to FRAME_CONTROL_MAX), the rest short.
 */
static size_t
sim_msg(int side, uint32_t k, uint8_t *out)
{
	uint64_t s = ((uint64_t)side << 32 | k) * 0x9e3779b97f4a7c15ULL + 1;
	size_t len, i;

	len = sim_rand(&s) % 3 == 0 ? 1 + sim_rand(&s) % FRAME_CONTROL_MAX :
	    1 + sim_rand(&s) % 48;
	for (i = 0; i < len; i++)
		out[i] = (uint8_t)sim_rand(&s);
	return len;
}

/* Compare a delivery with the next message of the other side. */
static void
sim_deliver(void *arg, const uint8_t *msg, size_t len)
{
	struct sim_end *e = arg;
	uint8_t want[FRAME_CONTROL_MAX];
	size_t n;

	n = sim_msg(!e->side, e->got, want);
	if (n != len || memcmp(want, msg, n) != 0)
		e->bad++;
	e->got++;
}

/* Into the channel: maybe lost, maybe twice, each copy delayed. */
static void
sim_send(struct sim *sm, int to, const uint8_t *p, size_t len)
{
	int copies = 1, i;
	struct sim_pkt *q;

	sm->sent++;
	if (sim_rand(&sm->rng) % 100 < sm->loss) {
		sm->lost++;
		return;
	}
	if (sim_rand(&sm->rng) % 100 < sm->dup) {
		sm->dups++;
		copies = 2;
	}
	for (i = 0; i < copies && sm->npkts < SIM_MAXPKT; i++) {
		q = &sm->pkts[sm->npkts++];
		q->at = sm->now + SIM_DELAY_MIN +
		    sim_rand(&sm->rng) % SIM_DELAY_SPAN;
		q->to = to;
		q->len = len;
		memcpy(q->data, p, len);
	}
}

/* Queue what fits, then send everything due in as many packets as needed. */
static void
sim_tick(struct sim *sm, int i)
{
	struct sim_end *e = &sm->end[i];
	uint8_t msg[FRAME_CONTROL_MAX], buf[SIM_MTU];
	struct buf_writer w;
	size_t len;
	int n;

	while (e->queued < sm->nmsg) {
		len = sim_msg(e->side, e->queued, msg);
		if (reliable_queue(&e->rl, msg, len) == -1) {
			if (e->rl.next_seq - e->rl.acked != W)
				sm->broken++;	/* refused below a full window */
			break;
		}
		e->queued++;
	}
	if (reliable_next_timeout(&e->rl, sm->now) != 1)
		return;
	do {
		buf_wr_init(&w, buf, sizeof(buf));
		n = reliable_emit(&e->rl, sm->now, &w);
		if (n > 0)
			sim_send(sm, !i, buf, buf_wr_len(&w));
	} while (n > 0);
	/* Everything due went out. */
	if (reliable_next_timeout(&e->rl, sm->now) == 1 ||
	    reliable_pending(&e->rl) > W ||
	    e->rl.next_seq - e->rl.acked > W)
		sm->broken++;
}

/* Parse one arrived packet into its end. */
static void
sim_receive(struct sim *sm, const struct sim_pkt *q)
{
	struct sim_end *e = &sm->end[q->to];
	struct buf_reader r;
	struct frame f;
	enum frame_error err;
	int rc;

	buf_rd_init(&r, q->data, q->len);
	while ((rc = frame_next(&r, &f, &err)) == 1) {
		if (f.type == FRAME_CONTROL)
			reliable_on_control(&e->rl, &f, sim_deliver, e);
		else if (f.type == FRAME_ACK)
			reliable_on_ack(&e->rl, &f, sm->now);
		else
			sm->broken++;
	}
	if (rc != 0)
		sm->broken++;
}

/* The next time anything happens: an arrival or a timer. */
static uint64_t
sim_next_event(const struct sim *sm)
{
	uint64_t t, next = UINT64_MAX;
	size_t i;

	for (i = 0; i < sm->npkts; i++)
		if (sm->pkts[i].at < next)
			next = sm->pkts[i].at;
	for (i = 0; i < 2; i++) {
		t = reliable_next_timeout(&sm->end[i].rl, sm->now);
		if (t != 0 && sm->now + t < next)
			next = sm->now + t;
	}
	return next;
}

/* Deliver every packet due by now (swap-remove, so in no set order). */
static void
sim_arrivals(struct sim *sm)
{
	struct sim_pkt *q;
	size_t i = 0;

	while (i < sm->npkts) {
		q = &sm->pkts[i];
		if (q->at > sm->now) {
			i++;
			continue;
		}
		sim_receive(sm, q);
		*q = sm->pkts[--sm->npkts];
	}
}

/* 1 once both sides delivered everything and had it all acknowledged. */
static int
sim_done(const struct sim *sm)
{
	int i;

	for (i = 0; i < 2; i++)
		if (sm->end[i].got != sm->nmsg || sm->end[i].queued !=
		    sm->nmsg || reliable_pending(&sm->end[i].rl) != 0)
			return 0;
	return 1;
}

/* One run; every check is a tap line. */
static void
sim_run(const char *name, uint64_t seed, unsigned loss, unsigned dup,
    uint32_t nmsg, uint32_t start)
{
	struct sim sm;
	uint64_t next;
	int i;

	memset(&sm, 0, sizeof(sm));
	sm.pkts = calloc(SIM_MAXPKT, sizeof(*sm.pkts));
	sm.rng = seed;
	sm.loss = loss;
	sm.dup = dup;
	sm.nmsg = nmsg;
	for (i = 0; i < 2; i++) {
		reliable_init(&sm.end[i].rl);
		sm.end[i].side = i;
		sm.end[i].rl.next_seq = sm.end[i].rl.acked = start;
		sm.end[i].rl.recv_next = start;
	}
	while (sm.pkts != NULL && !sim_done(&sm) && !sm.end[0].rl.failed &&
	    !sm.end[1].rl.failed && sm.now < 3600 * 1000 * MS) {
		sim_tick(&sm, 0);
		sim_tick(&sm, 1);
		if ((next = sim_next_event(&sm)) == UINT64_MAX)
			break;
		sm.now = next;
		sim_arrivals(&sm);
	}
	tap_diag("%s: %lu packets, %lu lost, %lu duplicated, %.1f s",
	    name, sm.sent, sm.lost, sm.dups, (double)sm.now / 1e6);
	tap_ok(sm.pkts != NULL && sim_done(&sm), "%s: all acknowledged", name);
	for (i = 0; i < 2; i++) {
		tap_ok(sm.end[i].got == nmsg && sm.end[i].bad == 0 &&
		    !sm.end[i].rl.failed, "%s: side %d got %u of %u in order, "
		    "exactly once, intact", name, i, sm.end[i].got, nmsg);
		tap_ok(sm.end[i].rl.next_seq == start + nmsg &&
		    sm.end[i].rl.recv_next == start + nmsg &&
		    sm.end[i].rl.recv_bits == 0, "%s: side %d seqs end at %u",
		    name, i, start + nmsg);
		reliable_wipe(&sm.end[i].rl);
	}
	tap_ok(sm.broken == 0, "%s: channel saw only valid packets, "
	    "queue refused only at a full window, emit left nothing due",
	    name);
	tap_ok(sm.lost > 0 || loss == 0, "%s: the channel lost packets", name);
	free(sm.pkts);
}

int
main(void)
{
	test_lengths();
	test_truncated();
	test_vectors();
	test_media_and_refusals();
	test_iterate();
	test_window();
	test_schedule();
	test_rtt();
	test_sender_acks();
	test_receiver();
	test_wrap();
	test_emit_room();
	/*
	 * At 30% loss each way a round trip succeeds with p = 0.49, so a
	 * message that stalls the window at a quiet moment gives up with
	 * p = 0.51^RELIABLE_MAX_TRIES (0.1%); over 2 x 2000 messages that
	 * happens for about 2% of seeds.  These seeds are fixed, so the run
	 * is reproducible; the give-up itself is test_schedule's.
	 */
	sim_run("no loss", 0x243f6a8885a308d3ULL, 0, 0, 2000, 0);
	sim_run("10% loss, 5% dup", 0x13198a2e03707344ULL, 10, 5, 2000, 0);
	sim_run("30% loss, 10% dup", 0xa4093822299f31d0ULL, 30, 10, 2000, 0);
	sim_run("wrap, 10% loss", 0x082efa98ec4e6c89ULL, 10, 5, 500,
	    UINT32_MAX - 200);
	return tap_done();
}

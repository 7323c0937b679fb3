/*
 * frame.h - the frames inside a transport packet, and the reliable
 * delivery of control messages, sans-I/O.
 *
 * A decrypted transport packet is a sequence of frames, each
 * type (1 byte) || length (2 bytes, big endian) || value.  An empty
 * packet is a keepalive.  Media frames are sent once; control messages
 * travel in CONTROL frames with a 32-bit sequence number, are
 * acknowledged by ACK frames and retransmitted until they are, and are
 * delivered to the receiver in order, each once.  doc/PROTOCOL.md
 * "Frames" and "Reliable control".
 */
#ifndef CHORUS_FRAME_H
#define CHORUS_FRAME_H

#include <stddef.h>
#include <stdint.h>

#include "chorus/buf.h"

#define FRAME_HDR_LEN		3
#define FRAME_PADDING		0	/* value ignored */
#define FRAME_MEDIA		1	/* one media frame (media.h) */
#define FRAME_CONTROL		2	/* seq (4) || control message */
#define FRAME_ACK		3	/* next expected seq (4) || bitmap (4) */
#define FRAME_PING		4	/* id (4) || sender's time, usec (8) */
#define FRAME_PONG		5	/* the PING's 12 bytes, echoed */
#define FRAME_HANDSHAKE		6	/* a rekey: initiation or response */
#define FRAME_NTYPES		7
#define FRAME_CONTROL_MAX	1100	/* longest control message */
#define FRAME_PING_LEN		12
#define FRAME_ACK_LEN		8

enum frame_error {
	FRAME_OK = 0,
	FRAME_ERR_TRUNCATED,	/* a header or value runs past the end */
	FRAME_ERR_TYPE,		/* unknown frame type */
	FRAME_ERR_LENGTH,	/* wrong length for its type */
};

struct frame {
	uint8_t		 type;
	const uint8_t	*value;		/* into the packet */
	size_t		 len;
	uint32_t	 seq;		/* CONTROL */
	uint32_t	 ack_next;	/* ACK */
	uint32_t	 ack_bits;	/* ACK: bit i = seq ack_next + 1 + i seen */
	uint32_t	 ping_id;	/* PING, PONG */
	uint64_t	 ping_usec;	/* PING, PONG */
};

/*
 * Iterate: *r over a decrypted packet; each call fills *f with the next
 * frame (CONTROL: value/len is the message after seq; every other type:
 * the whole value).  1 for a frame, 0 at the end, -1 with *err on a
 * malformed frame: *f is zeroed, *r stays at the bad frame, and the rest
 * of the packet must be dropped (frames already returned stay valid).
 */
int	frame_next(struct buf_reader *r, struct frame *f,
	    enum frame_error *err);
const char *frame_strerror(enum frame_error);

/*
 * Append one frame; 0, or -1 if it does not fit (w then in error) or its
 * length is wrong for the type (nothing written, w untouched): media
 * MEDIA_MIN_FRAME..MEDIA_MAX_FRAME, control 1..FRAME_CONTROL_MAX, and
 * frame_put_ping()'s type FRAME_PING or FRAME_PONG.
 */
int	frame_put_media(struct buf_writer *, const void *frame, size_t len);
int	frame_put_control(struct buf_writer *, uint32_t seq,
	    const void *msg, size_t len);
int	frame_put_ack(struct buf_writer *, uint32_t next, uint32_t bits);
/* A whole initiation (244 bytes) or response (92) datagram: a rekey. */
int	frame_put_handshake(struct buf_writer *, const void *msg, size_t len);
int	frame_put_ping(struct buf_writer *, uint8_t type, uint32_t id,
	    uint64_t usec);

/* Reliable control, one per direction pair of a session. */
#define RELIABLE_WINDOW		32	/* unacknowledged messages in flight */
#define RELIABLE_RTO_INIT	300000	/* usec, until the first RTT sample */
#define RELIABLE_RTO_MIN	200000
#define RELIABLE_RTO_MAX	3000000
#define RELIABLE_MAX_TRIES	10	/* then the peer is gone (22.5 s) */

struct reliable_out {
	uint32_t	seq;
	uint64_t	sent_usec;	/* last transmission */
	uint64_t	first_usec;	/* first transmission */
	unsigned	tries;		/* transmissions; 0 = not sent yet */
	uint16_t	len;
	uint8_t		*msg;		/* malloc'd; NULL when free */
};

struct reliable {
	/* sending */
	uint32_t		next_seq;	/* next seq to assign */
	uint32_t		acked;		/* all below are acknowledged */
	struct reliable_out	out[RELIABLE_WINDOW];	/* by seq % window */
	uint64_t		srtt_usec, rttvar_usec, rto_usec;
	/* receiving */
	uint32_t		recv_next;	/* next seq to deliver */
	uint32_t		recv_bits;	/* seen beyond recv_next */
	uint16_t		held_len[RELIABLE_WINDOW];
	uint8_t			*held[RELIABLE_WINDOW];	/* malloc'd */
	int			ack_due;	/* an ACK should be sent */
	int			failed;		/* MAX_TRIES exceeded */
};

void	reliable_init(struct reliable *);
/*
 * Queue a copy of a message; 0, or -1 if empty or too long, the window is
 * full (RELIABLE_WINDOW seqs from the oldest unacknowledged one), out of
 * memory, or ->failed is set.  Buffers are allocated only while a message
 * is in flight or held, so an idle session costs only the struct (under
 * 2 KB).
 */
int	reliable_queue(struct reliable *, const void *msg, size_t len);
/* Messages queued and not yet acknowledged. */
unsigned reliable_pending(const struct reliable *);
/*
 * Write into w every CONTROL frame due at now_usec (never sent, or its
 * RTO passed: RTO doubles per try), oldest first, then an ACK if one is
 * due or any CONTROL frame was written (acknowledgements ride on control
 * traffic); room for the ACK is kept while writing CONTROL frames.
 * Stops, without putting w in error, at the first frame that does not
 * fit: call again with a fresh packet while it returns more than 0.
 * Returns the number of frames written.  When a message tried
 * RELIABLE_MAX_TRIES times is due again, ->failed is set; from then on
 * nothing is written.
 */
int	reliable_emit(struct reliable *, uint64_t now_usec,
	    struct buf_writer *w);
/*
 * Microseconds until reliable_emit() has something to do (send, or set
 * ->failed): 1 if that is already the case (or 1 usec away), 0 if never
 * (nothing in flight and no ACK due, or ->failed set).
 */
uint64_t reliable_next_timeout(const struct reliable *, uint64_t now_usec);
/*
 * Take an ACK frame: release the messages it covers, update the RTT from
 * the newest released message that was sent once (Karn).  An ACK whose
 * next expected seq is beyond what was queued is ignored.
 */
void	reliable_on_ack(struct reliable *, const struct frame *,
	    uint64_t now_usec);
/*
 * Take a CONTROL frame; calls deliver(arg, msg, len) for it and any held
 * messages that now follow in order, and marks an ACK due.  A seq after
 * ->recv_next but less than RELIABLE_WINDOW beyond it is held (a copy; if
 * that cannot be allocated it is dropped and the sender retransmits); a
 * duplicate or a seq RELIABLE_WINDOW or more beyond ->recv_next is
 * dropped (the ACK is still due).  Returns the number of messages
 * delivered.  deliver may queue messages on the same struct.
 */
int	reliable_on_control(struct reliable *, const struct frame *,
	    void (*deliver)(void *, const uint8_t *, size_t), void *arg);
/* Wipe and free everything; the struct may be reliable_init()ed again. */
void	reliable_wipe(struct reliable *);

#endif

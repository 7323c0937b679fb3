/*
 * fuzz_stream.c - fuzz target for TCP/TLS stream framing.
 *
 * The input is a stream and how it arrives:
 *	byte 0		low 4 bits: number N of chunk-size bytes (0: one
 *			chunk with everything)
 *	next N bytes	chunk sizes, each byte + 1, used in turn
 *	the rest	the stream
 * The stream is fed chunk by chunk into a buffer the way a server reads
 * a socket; after each read, frames are taken off the front with
 * stun_stream_frame() until it asks for more (0) or gives up (-1, which
 * ends the stream as closing the connection would).  Each frame must fit
 * what was buffered, stay within STUN_MAX_MSG + 4 bytes (padding under
 * 4), and be what the datagram parsers agree it is: a STUN frame is
 * STUN to stun_is_stun() and stun_message_len(), a ChannelData frame
 * parses with exactly its data.  A full buffer must always be enough to
 * decide.  Any violation abort()s.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "chorus/stun.h"

/* The longest consume: ChannelData of 65535 bytes, padded. */
#define FUZZ_STREAM_MAX_CONSUME	(STUN_CHANNELDATA_HDR + 65535 + 1)
#define FUZZ_STREAM_BUF		FUZZ_STREAM_MAX_CONSUME
#define FUZZ_STREAM_MAX_SIZES	15

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static uint8_t fuzz_buf[FUZZ_STREAM_BUF];

/* abort() unless cond holds. */
static void
fuzz_stream_check(int cond)
{
	if (!cond)
		abort();
}

/* One complete frame: the datagram parsers must agree with the framer. */
static void
fuzz_stream_one(const uint8_t *p, size_t frame, size_t consume)
{
	struct stun_msg m;
	const uint8_t *data;
	uint16_t ch;
	size_t dlen;

	fuzz_stream_check(frame > 0 && frame <= STUN_MAX_MSG + 4);
	fuzz_stream_check(consume >= frame && consume - frame < 4);
	if ((p[0] & 0xC0) == 0) {
		fuzz_stream_check(consume == frame);
		fuzz_stream_check(stun_is_stun(p, frame) &&
		    stun_message_len(p, frame) == frame);
		(void)stun_parse(&m, p, frame);
	} else {
		fuzz_stream_check(consume % 4 == 0);
		fuzz_stream_check(stun_channeldata_parse(p, frame, &ch, &data,
		    &dlen) == 0 && dlen == frame - STUN_CHANNELDATA_HDR);
	}
}

/* Take frames off the front of the buffer; -1 once the stream is bad. */
static int
fuzz_stream_drain(size_t *buffered)
{
	size_t consume;
	ssize_t r;

	for (;;) {
		consume = 0;
		r = stun_stream_frame(fuzz_buf, *buffered, &consume);
		if (r == -1)
			return -1;
		if (r == 0) {
			/* A full buffer holds any frame: it must decide. */
			fuzz_stream_check(*buffered < FUZZ_STREAM_MAX_CONSUME);
			return 0;
		}
		fuzz_stream_check(consume <= *buffered);
		fuzz_stream_one(fuzz_buf, (size_t)r, consume);
		memmove(fuzz_buf, fuzz_buf + consume, *buffered - consume);
		*buffered -= consume;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *sizes, *stream;
	size_t nsizes, slen, off = 0, buffered = 0, chunk, i = 0;

	if (size == 0)
		return 0;
	nsizes = data[0] & FUZZ_STREAM_MAX_SIZES;
	if (nsizes > size - 1)
		nsizes = size - 1;
	sizes = data + 1;
	stream = sizes + nsizes;
	slen = size - 1 - nsizes;

	while (off < slen) {
		chunk = nsizes == 0 ? slen : (size_t)sizes[i++ % nsizes] + 1;
		if (chunk > slen - off)
			chunk = slen - off;
		/* A server reads at most what its buffer has room for. */
		if (chunk > FUZZ_STREAM_BUF - buffered)
			chunk = FUZZ_STREAM_BUF - buffered;
		fuzz_stream_check(chunk > 0);
		memcpy(fuzz_buf + buffered, stream + off, chunk);
		buffered += chunk;
		off += chunk;
		if (fuzz_stream_drain(&buffered) == -1)
			break;
	}
	return 0;
}

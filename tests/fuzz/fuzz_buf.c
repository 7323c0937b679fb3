/*
 * fuzz_buf.c - fuzz target for the bounded reader and writer.
 *
 * The input is a little program and the data it runs on:
 *	byte 0		number of steps N
 *	next 2N bytes	steps: an opcode byte and a length byte
 *	the rest	the payload the reader reads
 * Each step runs one reader operation on the current reader (the payload,
 * or a sub-reader split off it) and checks it against a naive reference:
 * it succeeds exactly when enough bytes are left, moves the offset by
 * exactly its size when it does, reads the right bytes, and leaves the
 * reader untouched when it does not.  Whatever the top-level reader
 * consumes is copied into two writers, one big enough and one half the
 * size, whose contents and overflow latching are checked at the end.
 * Any violation abort()s.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "chorus/buf.h"

#define FUZZ_BUF_MAX_DEPTH	8	/* nested sub-readers */
#define FUZZ_BUF_MAX_LEN	255	/* a step's length byte */

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

enum fuzz_buf_op {
	OP_U8,
	OP_N16,
	OP_N32,
	OP_N64,
	OP_BYTES,
	OP_PTR,
	OP_SKIP,
	OP_SUB,
	OP_PEEK_U8,
	OP_PEEK_N16,
	OP_POP,		/* back to the parent reader */
	OP_COUNT
};

/* The state of one run: the reader stack and the two writers. */
struct fuzz_buf {
	struct buf_reader	 stack[FUZZ_BUF_MAX_DEPTH];
	int			 depth;
	struct buf_writer	 big;
	struct buf_writer	 half;
	size_t			 half_fail_at;	/* off of first overflow */
	int			 half_failed;
};

/* abort() unless cond holds. */
static void
fuzz_buf_check(int cond)
{
	if (!cond)
		abort();
}

/* Big-endian value of n bytes at p: the reference the getters match. */
static uint64_t
fuzz_buf_be(const uint8_t *p, size_t n)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

/* Mirror n consumed top-level bytes into both writers. */
static void
fuzz_buf_mirror(struct fuzz_buf *f, const uint8_t *p, size_t n)
{
	size_t before = buf_wr_len(&f->half);
	int rc;

	fuzz_buf_check(buf_put_bytes(&f->big, p, n) == 0);
	rc = buf_put_bytes(&f->half, p, n);
	if (f->half_failed) {
		fuzz_buf_check(rc == -1 && buf_wr_len(&f->half) == before);
	} else if (f->half.cap - before < n) {
		fuzz_buf_check(rc == -1 && buf_wr_len(&f->half) == before);
		f->half_failed = 1;
		f->half_fail_at = before;
	} else {
		fuzz_buf_check(rc == 0 && buf_wr_len(&f->half) == before + n);
	}
	fuzz_buf_check(buf_wr_error(&f->half) == (f->half_failed ? -1 : 0));
}

/* How many bytes op wants, and (in *moved) how far it moves on success. */
static size_t
fuzz_buf_need(enum fuzz_buf_op op, size_t len, size_t *moved)
{
	static const size_t width[] = { 1, 2, 4, 8 };

	*moved = 0;
	if (op == OP_PEEK_U8)
		return 1;
	if (op == OP_PEEK_N16)
		return 2;
	*moved = op <= OP_N64 ? width[op] : len;
	return *moved;
}

/* Run one step on the current reader and check it. */
static void
fuzz_buf_step(struct fuzz_buf *f, enum fuzz_buf_op op, size_t len)
{
	struct buf_reader *r = &f->stack[f->depth], before = *r, sub;
	const uint8_t *at = r->data + r->off, *p = NULL;
	uint8_t tmp[FUZZ_BUF_MAX_LEN], u8;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64 = 0;
	size_t need, left = buf_rd_left(r), moved;
	int rc = -1;

	switch (op) {
	case OP_U8:
		if ((rc = buf_get_u8(r, &u8)) == 0)
			u64 = u8;
		break;
	case OP_N16:
		if ((rc = buf_get_n16(r, &u16)) == 0)
			u64 = u16;
		break;
	case OP_N32:
		if ((rc = buf_get_n32(r, &u32)) == 0)
			u64 = u32;
		break;
	case OP_N64:
		rc = buf_get_n64(r, &u64);
		break;
	case OP_BYTES:
		rc = buf_get_bytes(r, tmp, len);
		p = tmp;
		break;
	case OP_PTR:
		rc = buf_get_ptr(r, len, &p);
		if (rc == 0)
			fuzz_buf_check(p == at);
		break;
	case OP_SKIP:
		rc = buf_skip(r, len);
		break;
	case OP_SUB:
		rc = buf_get_sub(r, len, &sub);
		if (rc == 0)
			fuzz_buf_check(sub.data == at && sub.len == len &&
			    sub.off == 0);
		break;
	case OP_PEEK_U8:
		if ((rc = buf_peek_u8(r, &u8)) == 0)
			u64 = u8;
		break;
	case OP_PEEK_N16:
		if ((rc = buf_peek_n16(r, &u16)) == 0)
			u64 = u16;
		break;
	default:
		abort();
	}

	need = fuzz_buf_need(op, len, &moved);
	fuzz_buf_check(rc == (left >= need ? 0 : -1));
	fuzz_buf_check(r->off <= r->len);
	if (rc == -1) {
		fuzz_buf_check(memcmp(r, &before, sizeof(before)) == 0);
		return;
	}
	fuzz_buf_check(r->data == before.data && r->len == before.len &&
	    r->off == before.off + moved);
	if (op <= OP_N64 || op == OP_PEEK_U8 || op == OP_PEEK_N16)
		fuzz_buf_check(u64 == fuzz_buf_be(at, need));
	if (op == OP_BYTES && len > 0)
		fuzz_buf_check(memcmp(tmp, at, len) == 0);

	if (f->depth == 0 && moved > 0)
		fuzz_buf_mirror(f, at, moved);
	if (op == OP_SUB && f->depth + 1 < FUZZ_BUF_MAX_DEPTH)
		f->stack[++f->depth] = sub;
}

/* At the end: the big writer holds exactly what the reader consumed. */
static void
fuzz_buf_finish(struct fuzz_buf *f, const uint8_t *payload)
{
	size_t n = f->stack[0].off;
	uint8_t *p;
	size_t hn;

	fuzz_buf_check(buf_wr_error(&f->big) == 0);
	fuzz_buf_check(buf_wr_len(&f->big) == n);
	fuzz_buf_check(n == 0 || memcmp(f->big.data, payload, n) == 0);

	/* The half writer holds a prefix of it, cut where it overflowed. */
	hn = buf_wr_len(&f->half);
	fuzz_buf_check(hn <= f->half.cap && hn <= n);
	fuzz_buf_check(!f->half_failed || hn == f->half_fail_at);
	fuzz_buf_check(hn == 0 || memcmp(f->half.data, payload, hn) == 0);

	/* Back-fill: in range up to len - 2, refused past it. */
	if (n >= 2) {
		fuzz_buf_check(buf_set_n16(&f->big, n - 2, 0xabcd) == 0);
		fuzz_buf_check(f->big.data[n - 2] == 0xab &&
		    f->big.data[n - 1] == 0xcd);
	}
	/* For n == 0, n - 1 wraps to SIZE_MAX: refused all the same. */
	fuzz_buf_check(buf_set_n16(&f->big, n - 1, 0) == -1);
	fuzz_buf_check(buf_set_n16(&f->big, n, 0) == -1);
	fuzz_buf_check(buf_wr_error(&f->big) == 0);

	/* Reserving the rest fits exactly; one more byte latches. */
	fuzz_buf_check(buf_put_reserve(&f->big, f->big.cap - n, &p) == 0);
	fuzz_buf_check(buf_put_u8(&f->big, 0) == -1);
	fuzz_buf_check(buf_wr_error(&f->big) == -1);
	fuzz_buf_check(buf_put_zero(&f->big, 0) == -1);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_buf f;
	const uint8_t *prog, *payload;
	uint8_t *big = NULL, *half = NULL;
	size_t nsteps, i, plen;

	if (size == 0)
		return 0;
	nsteps = data[0];
	if (nsteps > (size - 1) / 2)
		nsteps = (size - 1) / 2;
	prog = data + 1;
	payload = prog + 2 * nsteps;
	plen = size - 1 - 2 * nsteps;

	/* +1: malloc(0) may return NULL, which buf_wr_init takes as no room. */
	if ((big = malloc(plen + 1)) == NULL ||
	    (half = malloc(plen / 2 + 1)) == NULL)
		goto done;
	memset(&f, 0, sizeof(f));
	buf_rd_init(&f.stack[0], payload, plen);
	buf_wr_init(&f.big, big, plen);
	buf_wr_init(&f.half, half, plen / 2);

	for (i = 0; i < nsteps; i++) {
		if (prog[2 * i] % OP_COUNT == OP_POP) {
			if (f.depth > 0)
				f.depth--;
			continue;
		}
		fuzz_buf_step(&f, (enum fuzz_buf_op)(prog[2 * i] % OP_COUNT),
		    prog[2 * i + 1]);
	}
	fuzz_buf_finish(&f, payload);
done:
	free(big);
	free(half);
	return 0;
}

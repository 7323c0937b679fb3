/*
 * test_buf.c - the bounded reader and writer: every getter at its exact
 * boundary and one byte short, readers unchanged by a failed get, writer
 * overflow latching, back-fill range checks and sub-readers.
 */
#include <stdint.h>
#include <string.h>

#include "chorus/buf.h"
#include "../tap.h"

#define TEST_BUF_MAX	16

enum getter {
	GET_U8,
	GET_N16,
	GET_N32,
	GET_N64,
	GET_BYTES,
	GET_PTR,
	GET_SKIP,
	GET_SUB,
	PEEK_U8,
	PEEK_N16,
};

/* One getter, the bytes it needs, and the value it reads from "in". */
struct get_case {
	const char	*name;
	enum getter	 op;
	size_t		 need;		/* bytes the op wants */
	uint64_t	 want;		/* integer read, for the int getters */
	int		 consumes;	/* 0 for peeks */
};

static const uint8_t in[TEST_BUF_MAX] = {
	0x81, 0x02, 0x83, 0x04, 0x85, 0x06, 0x87, 0x08,
	0x89, 0x0a, 0x8b, 0x0c, 0x8d, 0x0e, 0x8f, 0x10,
};

static const struct get_case get_cases[] = {
	{ "get_u8",	GET_U8,	   1, 0x81, 1 },
	{ "get_n16",	GET_N16,   2, 0x8102, 1 },
	{ "get_n32",	GET_N32,   4, 0x81028304, 1 },
	{ "get_n64",	GET_N64,   8, 0x8102830485068708ULL, 1 },
	{ "get_bytes 5", GET_BYTES, 5, 0, 1 },
	{ "get_bytes 0", GET_BYTES, 0, 0, 1 },
	{ "get_ptr 7",	GET_PTR,   7, 0, 1 },
	{ "skip 3",	GET_SKIP,  3, 0, 1 },
	{ "get_sub 6",	GET_SUB,   6, 0, 1 },
	{ "peek_u8",	PEEK_U8,   1, 0x81, 0 },
	{ "peek_n16",	PEEK_N16,  2, 0x8102, 0 },
};

/* Run one getter; the integer it read (if any) goes to *v. */
static int
run_get(const struct get_case *c, struct buf_reader *r, uint64_t *v,
    const uint8_t **p, struct buf_reader *sub)
{
	uint8_t u8, bytes[TEST_BUF_MAX];
	uint16_t u16;
	uint32_t u32;
	int rc = -1;

	*v = 0;
	*p = NULL;
	switch (c->op) {
	case GET_U8:
		if ((rc = buf_get_u8(r, &u8)) == 0)
			*v = u8;
		break;
	case GET_N16:
		if ((rc = buf_get_n16(r, &u16)) == 0)
			*v = u16;
		break;
	case GET_N32:
		if ((rc = buf_get_n32(r, &u32)) == 0)
			*v = u32;
		break;
	case GET_N64:
		rc = buf_get_n64(r, v);
		break;
	case GET_BYTES:
		memset(bytes, 0xee, sizeof(bytes));
		if ((rc = buf_get_bytes(r, bytes, c->need)) == 0 && c->need > 0 &&
		    memcmp(bytes, in, c->need) != 0)
			rc = -2;
		break;
	case GET_PTR:
		rc = buf_get_ptr(r, c->need, p);
		break;
	case GET_SKIP:
		rc = buf_skip(r, c->need);
		break;
	case GET_SUB:
		rc = buf_get_sub(r, c->need, sub);
		break;
	case PEEK_U8:
		if ((rc = buf_peek_u8(r, &u8)) == 0)
			*v = u8;
		break;
	case PEEK_N16:
		if ((rc = buf_peek_n16(r, &u16)) == 0)
			*v = u16;
		break;
	}
	return rc;
}

/* Every getter on exactly enough bytes, then on one byte fewer. */
static void
test_boundaries(void)
{
	const struct get_case *c;
	struct buf_reader r, sub;
	const uint8_t *p;
	uint64_t v;
	size_t i;
	int rc;

	for (i = 0; i < sizeof(get_cases) / sizeof(get_cases[0]); i++) {
		c = &get_cases[i];

		buf_rd_init(&r, in, c->need);
		rc = run_get(c, &r, &v, &p, &sub);
		tap_ok(rc == 0, "%s: exact length succeeds", c->name);
		tap_is_int(r.off, c->consumes ? c->need : 0,
		    "offset after exact read");
		tap_is_int(buf_rd_left(&r), c->consumes ? 0 : c->need,
		    "bytes left after exact read");
		if (c->want != 0)
			tap_ok(v == c->want, "%s: value 0x%llx", c->name,
			    (unsigned long long)v);
		if (c->op == GET_PTR)
			tap_ok(p == in, "%s: points into the input", c->name);
		if (c->op == GET_SUB)
			tap_ok(sub.data == in && sub.len == c->need &&
			    sub.off == 0, "%s: sub-reader spans the bytes",
			    c->name);

		if (c->need == 0)
			continue;
		/* One short: start one byte in, so off must stay at 1. */
		buf_rd_init(&r, in, c->need);
		r.off = 1;
		memset(&sub, 0xaa, sizeof(sub));
		rc = run_get(c, &r, &v, &p, &sub);
		tap_ok(rc == -1, "%s: one byte short fails", c->name);
		tap_ok(r.data == in && r.len == c->need && r.off == 1,
		    "%s: reader unchanged after failure", c->name);
	}
}

/* Integers come out big endian, in sequence, and stop at the end. */
static void
test_sequence(void)
{
	struct buf_reader r;
	uint8_t u8, rest[3];
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;

	buf_rd_init(&r, in, sizeof(in));
	tap_ok(buf_get_u8(&r, &u8) == 0 && u8 == 0x81, "seq: u8");
	tap_ok(buf_get_n16(&r, &u16) == 0 && u16 == 0x0283, "seq: n16");
	tap_ok(buf_get_n32(&r, &u32) == 0 && u32 == 0x04850687, "seq: n32");
	tap_ok(buf_get_n64(&r, &u64) == 0 && u64 == 0x08890a8b0c8d0e8fULL,
	    "seq: n64");
	tap_is_int(buf_rd_left(&r), 1, "seq: one byte left");
	tap_ok(buf_get_bytes(&r, rest, 2) == -1, "seq: two bytes too many");
	tap_ok(buf_skip(&r, 1) == 0 && buf_rd_left(&r) == 0, "seq: skip last");
	tap_ok(buf_get_u8(&r, &u8) == -1, "seq: empty reader fails");
	tap_ok(buf_skip(&r, 0) == 0, "seq: skip 0 at the end is fine");
	tap_ok(buf_skip(&r, SIZE_MAX) == -1 && r.off == sizeof(in),
	    "seq: skip SIZE_MAX fails without wrapping");

	buf_rd_init(&r, NULL, 5);
	tap_is_int(buf_rd_left(&r), 0, "NULL data reads as empty");
}

/* A sub-reader is bounded by its own length, not its parent's. */
static void
test_sub(void)
{
	struct buf_reader r, sub, subsub;
	uint16_t u16;
	uint8_t u8;

	buf_rd_init(&r, in, sizeof(in));
	buf_skip(&r, 2);
	tap_ok(buf_get_sub(&r, 3, &sub) == 0, "sub: split 3 bytes");
	tap_is_int(r.off, 5, "sub: parent moved past them");
	tap_ok(buf_get_n16(&sub, &u16) == 0 && u16 == 0x8304,
	    "sub: reads from its start");
	tap_ok(buf_get_n16(&sub, &u16) == -1 && sub.off == 2,
	    "sub: cannot read past its end into the parent");
	tap_ok(buf_get_sub(&sub, 1, &subsub) == 0 &&
	    buf_get_u8(&subsub, &u8) == 0 && u8 == 0x85,
	    "sub: nested sub-reader");
	tap_ok(buf_get_sub(&r, sizeof(in), &sub) == -1 && r.off == 5,
	    "sub: too long fails, parent unchanged");
	tap_ok(buf_get_sub(&r, 0, &sub) == 0 && buf_rd_left(&sub) == 0,
	    "sub: empty sub-reader");
}

/* Each put at exact capacity, then one byte over. */
static void
test_writer_boundaries(void)
{
	static const uint8_t w8[1] = { 0xa1 };
	static const uint8_t w16[2] = { 0xa1, 0xb2 };
	static const uint8_t w32[4] = { 0xa1, 0xb2, 0xc3, 0xd4 };
	static const uint8_t w64[8] = {
		0xa1, 0xb2, 0xc3, 0xd4, 0xe5, 0xf6, 0x07, 0x18
	};
	static const uint8_t zero[5];
	static const struct {
		const char	*name;
		size_t		 len;
		const uint8_t	*want;
	} cases[] = {
		{ "put_u8", 1, w8 },
		{ "put_n16", 2, w16 },
		{ "put_n32", 4, w32 },
		{ "put_n64", 8, w64 },
		{ "put_bytes", 4, w32 },
		{ "put_zero", 5, zero },
		{ "put_reserve", 3, NULL },
	};
	struct buf_writer w;
	uint8_t out[TEST_BUF_MAX], *p;
	size_t i, cap;
	int rc = 0, pass;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		for (pass = 0; pass < 2; pass++) {
			cap = cases[i].len - (size_t)pass;
			memset(out, 0xee, sizeof(out));
			buf_wr_init(&w, out, cap);
			switch (i) {
			case 0:
				rc = buf_put_u8(&w, 0xa1);
				break;
			case 1:
				rc = buf_put_n16(&w, 0xa1b2);
				break;
			case 2:
				rc = buf_put_n32(&w, 0xa1b2c3d4);
				break;
			case 3:
				rc = buf_put_n64(&w, 0xa1b2c3d4e5f60718ULL);
				break;
			case 4:
				rc = buf_put_bytes(&w, w32, 4);
				break;
			case 5:
				rc = buf_put_zero(&w, 5);
				break;
			case 6:
				rc = buf_put_reserve(&w, 3, &p);
				if (rc == 0)
					tap_ok(p == out, "put_reserve: "
					    "points at the start");
				break;
			}
			if (pass == 0) {
				tap_ok(rc == 0 && buf_wr_error(&w) == 0 &&
				    buf_wr_len(&w) == cases[i].len,
				    "%s: exact capacity fits", cases[i].name);
				if (cases[i].want != NULL)
					tap_is_mem(out, cases[i].want,
					    cases[i].len, "bytes written");
			} else {
				tap_ok(rc == -1 && buf_wr_error(&w) == -1 &&
				    buf_wr_len(&w) == 0,
				    "%s: one byte short fails and latches",
				    cases[i].name);
				tap_ok(out[0] == 0xee,
				    "%s: nothing written on overflow",
				    cases[i].name);
			}
		}
	}
}

/* Overflow stays latched: later puts that would fit fail too. */
static void
test_writer_latch(void)
{
	struct buf_writer w;
	uint8_t out[4];

	buf_wr_init(&w, out, sizeof(out));
	tap_ok(buf_put_n16(&w, 0x0102) == 0, "latch: first put fits");
	tap_ok(buf_put_n32(&w, 0) == -1, "latch: 4 bytes into 2 fails");
	tap_ok(buf_wr_error(&w) == -1, "latch: error reported");
	tap_ok(buf_put_u8(&w, 3) == -1 && buf_wr_len(&w) == 2,
	    "latch: a later put that would fit still fails");
	tap_ok(buf_put_bytes(&w, "", 0) == -1, "latch: even 0 bytes fails");
	tap_ok(buf_put_bytes(&w, NULL, SIZE_MAX) == -1,
	    "latch: SIZE_MAX does not wrap");

	buf_wr_init(&w, out, sizeof(out));
	tap_ok(buf_put_bytes(&w, NULL, 0) == 0 && buf_wr_error(&w) == 0,
	    "empty put on a fresh writer is fine");
	buf_wr_init(&w, NULL, 10);
	tap_ok(buf_put_u8(&w, 1) == -1, "NULL writer has no room");
}

/* Length back-fill: in range only within what was written. */
static void
test_set_n16(void)
{
	static const uint8_t want[5] = { 0x00, 0xbe, 0xef, 0x00, 0x00 };
	static const struct {
		size_t	off;
		int	rc;
	} cases[] = {
		{ 0, 0 }, { 1, 0 }, { 3, 0 }, { 4, -1 }, { 5, -1 },
		{ SIZE_MAX, -1 }, { SIZE_MAX - 1, -1 },
	};
	struct buf_writer w;
	uint8_t out[8];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(out, 0, sizeof(out));
		buf_wr_init(&w, out, sizeof(out));
		buf_put_zero(&w, 5);
		tap_is_int(buf_set_n16(&w, cases[i].off, 0xbeef),
		    cases[i].rc, "set_n16 at offset in 5 written bytes");
		tap_ok(buf_wr_error(&w) == 0 && buf_wr_len(&w) == 5,
		    "set_n16 does not latch or move");
	}
	memset(out, 0, sizeof(out));
	buf_wr_init(&w, out, sizeof(out));
	buf_put_zero(&w, 5);
	buf_set_n16(&w, 1, 0xbeef);
	tap_is_mem(out, want, sizeof(want), "set_n16 writes big endian");
	tap_ok(out[5] == 0, "set_n16 leaves unwritten bytes alone");

	buf_wr_init(&w, out, sizeof(out));
	tap_is_int(buf_set_n16(&w, 0, 1), -1, "set_n16 on an empty writer");
	buf_put_u8(&w, 0);
	tap_is_int(buf_set_n16(&w, 0, 1), -1, "set_n16 with one byte written");
}

/* What a writer writes, a reader reads back. */
static void
test_round_trip(void)
{
	struct buf_writer w;
	struct buf_reader r;
	uint8_t out[32], b[3];
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;

	buf_wr_init(&w, out, sizeof(out));
	buf_put_u8(&w, 0xfe);
	buf_put_n16(&w, 0xfedc);
	buf_put_n32(&w, 0xfedcba98);
	buf_put_n64(&w, 0xfedcba9876543210ULL);
	buf_put_bytes(&w, "abc", 3);
	tap_ok(buf_wr_error(&w) == 0 && buf_wr_len(&w) == 18,
	    "round trip: 18 bytes written");
	buf_rd_init(&r, out, buf_wr_len(&w));
	tap_ok(buf_get_u8(&r, &u8) == 0 && u8 == 0xfe &&
	    buf_get_n16(&r, &u16) == 0 && u16 == 0xfedc &&
	    buf_get_n32(&r, &u32) == 0 && u32 == 0xfedcba98 &&
	    buf_get_n64(&r, &u64) == 0 && u64 == 0xfedcba9876543210ULL &&
	    buf_get_bytes(&r, b, 3) == 0 && memcmp(b, "abc", 3) == 0 &&
	    buf_rd_left(&r) == 0, "round trip: read back");
}

int
main(void)
{
	test_boundaries();
	test_sequence();
	test_sub();
	test_writer_boundaries();
	test_writer_latch();
	test_set_n16();
	test_round_trip();
	return tap_done();
}

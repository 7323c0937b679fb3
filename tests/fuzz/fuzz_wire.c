/*
 * fuzz_wire.c - fuzz target for the session datagram parser.
 *
 * The input goes to wire_parse(); a handshake message it accepts has its
 * mac1 checked under a fixed key (and mac2 under a fixed cookie), a cookie
 * reply is opened under a fixed cookie key and mac1.  None may crash.  An
 * accepted message must have exactly its type's length and point inside
 * the input; a refused one must leave the view all zero.  Any violation
 * abort()s.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "chorus/wire.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* abort() unless cond holds. */
static void
fuzz_wire_check(int cond)
{
	if (!cond)
		abort();
}

/* 1 if p..p+n lies inside data..data+len. */
static int
fuzz_wire_inside(const uint8_t *p, size_t n, const uint8_t *data, size_t len)
{
	return p >= data && n <= len && (size_t)(p - data) <= len - n;
}

/* The invariants of an accepted message. */
static void
fuzz_wire_accepted(const struct wire_msg *m, const uint8_t *data, size_t len)
{
	switch (m->type) {
	case WIRE_INITIATION:
	case WIRE_RESPONSE:
		fuzz_wire_check(len == (m->type == WIRE_INITIATION ?
		    WIRE_INITIATION_LEN : WIRE_RESPONSE_LEN));
		fuzz_wire_check(fuzz_wire_inside(m->noise, m->noiselen, data,
		    len) && fuzz_wire_inside(m->mac2, WIRE_MAC_LEN, data, len));
		break;
	case WIRE_COOKIE:
		fuzz_wire_check(len == WIRE_COOKIE_LEN);
		fuzz_wire_check(fuzz_wire_inside(m->sealed_cookie,
		    WIRE_SEALED_COOKIE_LEN, data, len));
		break;
	case WIRE_TRANSPORT:
		fuzz_wire_check(len >= WIRE_TRANSPORT_MIN &&
		    len <= WIRE_TRANSPORT_MAX &&
		    m->datalen == len - WIRE_TRANSPORT_HDR);
		fuzz_wire_check(fuzz_wire_inside(m->data, m->datalen, data,
		    len));
		break;
	default:
		abort();
	}
}

/* Parse, then check macs or open the cookie with fixed keys. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static const uint8_t zero[sizeof(struct wire_msg)];
	uint8_t k1[WIRE_KEY_LEN], ck[WIRE_KEY_LEN], mac1[WIRE_MAC_LEN];
	uint8_t cookie[WIRE_MAC_LEN];
	struct wire_msg m;
	size_t i;

	for (i = 0; i < WIRE_KEY_LEN; i++) {
		k1[i] = (uint8_t)i;
		ck[i] = (uint8_t)(0x40 + i);
	}
	for (i = 0; i < WIRE_MAC_LEN; i++) {
		mac1[i] = (uint8_t)(0xa0 + i);
		cookie[i] = (uint8_t)i;
	}
	if (wire_parse(data, len, &m) != WIRE_OK) {
		fuzz_wire_check(memcmp(&m, zero, sizeof(m)) == 0);
		fuzz_wire_check(wire_check_mac1(data, len, k1) == -1);
		return 0;
	}
	fuzz_wire_accepted(&m, data, len);
	if (m.type == WIRE_INITIATION || m.type == WIRE_RESPONSE) {
		(void)wire_check_mac1(data, len, k1);
		(void)wire_check_mac2(data, len, cookie);
	} else if (m.type == WIRE_COOKIE)
		(void)wire_cookie_open(&m, ck, mac1, cookie);
	else
		fuzz_wire_check(wire_check_mac1(data, len, k1) == -1);
	return 0;
}

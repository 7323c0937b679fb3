/*
 * test_wire.c - Chorus session datagrams: sizes, every parse rejection,
 * keyed BLAKE2s and mac1/mac2/cookie known answers, flipped bytes, cookie
 * replies, TAI64N, and a whole IKpsk2 handshake carried in wire messages
 * followed by transport data both ways.
 *
 * Known answers were computed with Python's hashlib (RFC 7693 keyed mode):
 *	hashlib.blake2s(msg, key=key, digest_size=n).hexdigest()
 * and for the wire keys and macs, with pub = bytes(range(32)):
 *	k1 = blake2s(b"mac1----" + pub).digest()
 *	body = bytes([4,0,0,0,1,2,3,4]) + bytes(i & 0xff for i in range(204))
 *	mac1 = blake2s(body, key=k1, digest_size=16).digest()
 *	mac2 = blake2s(body + mac1, key=bytes(range(16)), digest_size=16)
 *	cookie = blake2s(addr + port.to_bytes(2, "big"),
 *	    key=bytes(range(32)), digest_size=16)
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "chorus/crypto.h"
#include "chorus/identity.h"
#include "chorus/noise.h"
#include "chorus/wire.h"
#include "../tap.h"

#define T_NPACKETS	3	/* transport messages each way */
#define T_PKT_MAX	64

/* One keyed BLAKE2s known answer. */
struct mac_vector {
	const char	*name;
	const char	*key;
	const char	*msg;	/* hex */
	size_t		 outlen;
	const char	*want;
};

static const struct mac_vector mac_vectors[] = {
	{ "abc, key 0..31, 16 bytes",
	    "000102030405060708090a0b0c0d0e0f"
	    "101112131415161718191a1b1c1d1e1f", "616263", 16,
	    "61ba5f165c194692e09d12520cc4c74a" },
	{ "abc, key 0..31, 32 bytes",
	    "000102030405060708090a0b0c0d0e0f"
	    "101112131415161718191a1b1c1d1e1f", "616263", 32,
	    "a281f725754969a702f6fe36fc591b7d"
	    "ef866e4b70173ece402fc01c064d6b65" },
	{ "empty, key 0..15, 16 bytes",
	    "000102030405060708090a0b0c0d0e0f", "", 16,
	    "af4e5d3bb230e9ff9096ca6f7c501f76" },
	{ "0..99, key \"k\", 16 bytes", "6b",
	    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
	    "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"
	    "404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f"
	    "60616263", 16,
	    "48b9b53d767a918d917c2046458f6ba8" },
};

static uint8_t big[WIRE_TRANSPORT_MAX + 1];

/* Fill n bytes with a pattern starting at start. */
static void
fill(uint8_t *p, size_t n, uint8_t start)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(start + i);
}

/* Keyed BLAKE2s against Python's hashlib, and its argument checks. */
static void
test_blake2s_mac(void)
{
	uint8_t key[32], msg[128], want[32], got[32];
	size_t i, klen, mlen;

	for (i = 0; i < sizeof(mac_vectors) / sizeof(mac_vectors[0]); i++) {
		const struct mac_vector *v = &mac_vectors[i];

		klen = tap_unhex(v->key, key, sizeof(key));
		mlen = tap_unhex(v->msg, msg, sizeof(msg));
		tap_unhex(v->want, want, sizeof(want));
		tap_ok(crypto_blake2s_mac(key, klen, msg, mlen, got,
		    v->outlen) == 0 && memcmp(got, want, v->outlen) == 0,
		    "blake2s-mac: %s", v->name);
	}
	tap_ok(crypto_blake2s_mac(key, 0, msg, 1, got, 16) == -1,
	    "blake2s-mac: empty key refused");
	tap_ok(crypto_blake2s_mac(key, 33, msg, 1, got, 16) == -1,
	    "blake2s-mac: 33-byte key refused");
	tap_ok(crypto_blake2s_mac(key, 32, msg, 1, got, 0) == -1,
	    "blake2s-mac: 0-byte output refused");
	tap_ok(crypto_blake2s_mac(key, 32, msg, 1, got, 33) == -1,
	    "blake2s-mac: 33-byte output refused");
}

/* The sizes add up as the spec's tables say. */
static void
test_sizes(void)
{
	tap_is_int(WIRE_INITIATION_LEN, 1 + 3 + 4 + WIRE_NOISE1_LEN + 16 + 16,
	    "initiation is 244 bytes");
	tap_is_int(WIRE_NOISE1_LEN, 32 + 32 + 16 + WIRE_PAYLOAD1_LEN + 16,
	    "noise message 1 is e, s + tag, payload + tag");
	tap_is_int(WIRE_RESPONSE_LEN, 1 + 3 + 4 + 4 + WIRE_NOISE2_LEN + 16 + 16,
	    "response is 92 bytes");
	tap_is_int(WIRE_NOISE2_LEN, 32 + 16, "noise message 2 is e + tag");
	tap_is_int(WIRE_COOKIE_LEN, 1 + 3 + 4 + 12 + 16 + 16,
	    "cookie reply is 52 bytes");
	tap_is_int(WIRE_PAYLOAD1_LEN, 12 + 32 + 64, "payload 1 is 108 bytes");
	tap_is_int(WIRE_TRANSPORT_HDR, 1 + 3 + 4 + 8, "transport header");
	tap_is_int(WIRE_PROLOGUE_LEN, 9, "prologue is 9 bytes");
}

/* Length of a minimal valid message of a type. */
static size_t
type_len(uint8_t type)
{
	switch (type) {
	case WIRE_INITIATION:
		return WIRE_INITIATION_LEN;
	case WIRE_RESPONSE:
		return WIRE_RESPONSE_LEN;
	case WIRE_COOKIE:
		return WIRE_COOKIE_LEN;
	}
	return WIRE_TRANSPORT_MIN;
}

/* Every length, reserved-byte and type rejection. */
static void
test_parse_errors(void)
{
	struct wire_msg m;
	size_t len;
	int t, i;

	tap_is_int(wire_parse(big, 0, &m), WIRE_ELENGTH, "empty datagram");
	for (t = WIRE_INITIATION; t <= WIRE_TRANSPORT; t++) {
		memset(big, 0, sizeof(big));
		big[0] = (uint8_t)t;
		len = type_len((uint8_t)t);
		tap_ok(wire_parse(big, len, &m) == WIRE_OK,
		    "type %d: exact length parses", t);
		tap_ok(m.type == t, "type %d: type kept", t);
		tap_ok(wire_parse(big, len - 1, &m) == WIRE_ELENGTH,
		    "type %d: one byte short", t);
		tap_ok(m.type == 0 && m.data == NULL && m.noise == NULL,
		    "type %d: view zeroed on error", t);
		tap_ok(wire_parse(big, 3, &m) == WIRE_ELENGTH,
		    "type %d: header cut", t);
		if (t != WIRE_TRANSPORT)
			tap_ok(wire_parse(big, len + 1, &m) == WIRE_ELENGTH,
			    "type %d: one byte long", t);
		for (i = 1; i <= 3; i++) {
			big[i] = 0x80;
			tap_ok(wire_parse(big, len, &m) == WIRE_ERESERVED,
			    "type %d: reserved byte %d non-zero", t, i);
			big[i] = 0;
		}
	}
	big[0] = WIRE_TRANSPORT;
	tap_is_int(wire_parse(big, WIRE_TRANSPORT_MIN + 1, &m), WIRE_OK,
	    "transport: one byte over minimum parses");
	tap_is_int(wire_parse(big, WIRE_TRANSPORT_MAX, &m), WIRE_OK,
	    "transport: longest parses");
	tap_is_int(wire_parse(big, WIRE_TRANSPORT_MAX + 1, &m), WIRE_ELENGTH,
	    "transport: one byte too long");
	for (t = 0; t <= 255; t++) {
		if (t >= WIRE_INITIATION && t <= WIRE_TRANSPORT)
			continue;
		big[0] = (uint8_t)t;
		tap_ok(wire_parse(big, WIRE_INITIATION_LEN, &m) == WIRE_ETYPE,
		    "type %d refused", t);
		if (t == 15)
			t = 254;	/* 0-3, 8-15, then 255 */
	}
	tap_ok(strcmp(wire_strerror(WIRE_ERESERVED), "reserved bytes not zero")
	    == 0 && wire_strerror((enum wire_error)99) != NULL, "strerror");
}

/* The builders put every field where the parser finds it. */
static void
test_builders(void)
{
	uint8_t n1[WIRE_NOISE1_LEN], n2[WIRE_NOISE2_LEN];
	uint8_t init[WIRE_INITIATION_LEN], resp[WIRE_RESPONSE_LEN];
	uint8_t hdr[WIRE_TRANSPORT_HDR + 16];
	struct wire_msg m;

	fill(n1, sizeof(n1), 0);
	fill(n2, sizeof(n2), 9);
	tap_ok(wire_initiation(init, 0x01020304, n1) == 0 &&
	    wire_parse(init, sizeof(init), &m) == WIRE_OK &&
	    m.type == WIRE_INITIATION && m.sender == 0x01020304 &&
	    m.noiselen == WIRE_NOISE1_LEN &&
	    memcmp(m.noise, n1, sizeof(n1)) == 0 &&
	    m.mac1 == init + 212 && m.mac2 == init + 228,
	    "initiation fields round trip");
	tap_ok(wire_response(resp, 0xaabbccdd, 0x11223344, n2) == 0 &&
	    wire_parse(resp, sizeof(resp), &m) == WIRE_OK &&
	    m.type == WIRE_RESPONSE && m.sender == 0xaabbccdd &&
	    m.receiver == 0x11223344 && m.noiselen == WIRE_NOISE2_LEN &&
	    memcmp(m.noise, n2, sizeof(n2)) == 0 && m.mac1 == resp + 60 &&
	    m.mac2 == resp + 76, "response fields round trip");
	memset(hdr, 0xee, sizeof(hdr));
	wire_transport_header(hdr, 0x55667788, UINT64_C(0x0102030405060708));
	tap_ok(wire_parse(hdr, sizeof(hdr), &m) == WIRE_OK &&
	    m.type == WIRE_TRANSPORT && m.receiver == 0x55667788 &&
	    m.counter == UINT64_C(0x0102030405060708) &&
	    m.data == hdr + 16 && m.datalen == 16,
	    "transport header round trip");
	tap_ok(hdr[0] == 7 && hdr[4] == 0x55 && hdr[8] == 1 && hdr[15] == 8,
	    "transport header is big endian");
}

/* Flip each byte of a handshake message; every mac must then fail. */
static void
test_mac_flips(uint8_t *msg, size_t len, const uint8_t k1[32],
    const uint8_t cookie[16], const char *what)
{
	size_t i;
	int bad1 = 0, bad2 = 0;

	for (i = 0; i < len; i++) {
		msg[i] ^= 0x01;
		/* mac2 does not cover itself; mac1 does not cover mac2 */
		if (i < len - 16 && wire_check_mac1(msg, len, k1) == 0)
			bad1++;
		if (wire_check_mac2(msg, len, cookie) == 0)
			bad2++;
		msg[i] ^= 0x01;
	}
	tap_is_int(bad1, 0, "flipped byte before mac2 breaks mac1");
	tap_is_int(bad2, 0, "any flipped byte breaks mac2");
	tap_diag("%s: %zu bytes flipped", what, len);
}

/* mac1/mac2 known answers, then negatives. */
static void
test_macs(void)
{
	uint8_t pub[32], k1[32], want[32], ck[32], cookie[16], other[32];
	uint8_t n1[WIRE_NOISE1_LEN], n2[WIRE_NOISE2_LEN];
	uint8_t init[WIRE_INITIATION_LEN], resp[WIRE_RESPONSE_LEN];
	uint8_t zero[16] = { 0 };
	struct wire_msg m;

	fill(pub, 32, 0);
	fill(cookie, 16, 0);
	fill(n1, sizeof(n1), 0);
	tap_ok(wire_mac1_key(pub, k1) == 0, "mac1 key");
	tap_unhex("4fb2527ac956001553dc1ad9b55171b7"
	    "d9daa3de1cdbcd71451830170c7e6cac", want, 32);
	tap_is_mem(k1, want, 32, "mac1 key = BLAKE2s(\"mac1----\" || pub)");
	tap_ok(wire_cookie_key(pub, ck) == 0, "cookie key");
	tap_unhex("3dd5869c5202e45146936d1644f76ff6"
	    "97061661c181f3fd450eae43932eacec", want, 32);
	tap_is_mem(ck, want, 32, "cookie key = BLAKE2s(\"cookie--\" || pub)");

	wire_initiation(init, 0x01020304, n1);
	tap_ok(wire_add_macs(init, sizeof(init), k1, NULL) == 0,
	    "add macs without cookie");
	tap_unhex("39945953a4a6dddb4b493d7e27add012", want, 16);
	tap_is_mem(init + 212, want, 16, "mac1 known answer");
	tap_is_mem(init + 228, zero, 16, "mac2 zero without a cookie");
	tap_ok(wire_check_mac1(init, sizeof(init), k1) == 0, "mac1 checks");
	tap_ok(wire_check_mac2(init, sizeof(init), cookie) == -1,
	    "zero mac2 does not check");
	tap_ok(wire_add_macs(init, sizeof(init), k1, cookie) == 0,
	    "add macs with cookie");
	tap_unhex("edd2005b03b091391d73ab7c29c9b17f", want, 16);
	tap_is_mem(init + 228, want, 16, "mac2 known answer");
	tap_ok(wire_check_mac2(init, sizeof(init), cookie) == 0, "mac2 checks");
	test_mac_flips(init, sizeof(init), k1, cookie, "initiation");

	memcpy(other, pub, 32);
	other[0] ^= 1;
	wire_mac1_key(other, other);
	tap_ok(wire_check_mac1(init, sizeof(init), other) == -1,
	    "mac1 under another key fails");
	tap_ok(wire_check_mac1(init, sizeof(init) - 1, k1) == -1 &&
	    wire_add_macs(init, sizeof(init) - 1, k1, NULL) == -1,
	    "truncated initiation refused");

	fill(n2, sizeof(n2), 3);
	wire_response(resp, 7, 8, n2);
	tap_ok(wire_add_macs(resp, sizeof(resp), k1, cookie) == 0 &&
	    wire_check_mac1(resp, sizeof(resp), k1) == 0 &&
	    wire_check_mac2(resp, sizeof(resp), cookie) == 0,
	    "response macs check");
	test_mac_flips(resp, sizeof(resp), k1, cookie, "response");

	memset(big, 0, WIRE_COOKIE_LEN);
	big[0] = WIRE_COOKIE;
	tap_ok(wire_parse(big, WIRE_COOKIE_LEN, &m) == WIRE_OK &&
	    wire_add_macs(big, WIRE_COOKIE_LEN, k1, NULL) == -1 &&
	    wire_check_mac1(big, WIRE_COOKIE_LEN, k1) == -1,
	    "no macs on a cookie reply");
}

/* Cookie known answers, reply round trip, tampering. */
static void
test_cookies(void)
{
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
	struct sockaddr sa;
	uint8_t secret[32], c4[16], c6[16], want[16], nonce[12], mac1[16];
	uint8_t pub[32], ck[32], reply[WIRE_COOKIE_LEN], got[16];
	struct wire_msg m;
	size_t i;
	int bad = 0;

	fill(secret, 32, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(51820);
	inet_pton(AF_INET, "192.0.2.1", &sin.sin_addr);
	tap_ok(wire_cookie_make(secret, (struct sockaddr *)&sin, c4) == 0,
	    "cookie for IPv4");
	tap_unhex("b1db5839f9fd47f550c7fb7ecc003ab7", want, 16);
	tap_is_mem(c4, want, 16, "IPv4 cookie known answer");
	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	sin6.sin6_port = htons(443);
	inet_pton(AF_INET6, "2001:db8::1", &sin6.sin6_addr);
	tap_ok(wire_cookie_make(secret, (struct sockaddr *)&sin6, c6) == 0,
	    "cookie for IPv6");
	tap_unhex("676b666b316ad2e45afe14d4f01dd80c", want, 16);
	tap_is_mem(c6, want, 16, "IPv6 cookie known answer");
	sin.sin_port = htons(51821);
	wire_cookie_make(secret, (struct sockaddr *)&sin, want);
	tap_ok(memcmp(want, c4, 16) != 0, "another port, another cookie");
	memset(&sa, 0, sizeof(sa));
	sa.sa_family = AF_UNIX;
	tap_ok(wire_cookie_make(secret, &sa, want) == -1, "AF_UNIX refused");

	fill(pub, 32, 0x40);
	fill(nonce, 12, 0x80);
	fill(mac1, 16, 0xa0);
	wire_cookie_key(pub, ck);
	tap_ok(wire_cookie_reply(reply, 0xdeadbeef, nonce, c4, ck, mac1) == 0,
	    "cookie reply built");
	tap_ok(wire_parse(reply, sizeof(reply), &m) == WIRE_OK &&
	    m.type == WIRE_COOKIE && m.receiver == 0xdeadbeef &&
	    memcmp(m.nonce, nonce, 12) == 0, "cookie reply parses");
	tap_ok(wire_cookie_open(&m, ck, mac1, got) == 0 &&
	    memcmp(got, c4, 16) == 0, "cookie reply opens to the cookie");
	mac1[3] ^= 1;
	tap_ok(wire_cookie_open(&m, ck, mac1, got) == -1,
	    "cookie reply for another mac1 refused");
	mac1[3] ^= 1;
	ck[0] ^= 1;
	tap_ok(wire_cookie_open(&m, ck, mac1, got) == -1,
	    "cookie reply under another key refused");
	ck[0] ^= 1;
	for (i = 8; i < sizeof(reply); i++) {
		reply[i] ^= 0x10;
		if (wire_parse(reply, sizeof(reply), &m) != WIRE_OK ||
		    wire_cookie_open(&m, ck, mac1, got) == 0)
			bad++;
		reply[i] ^= 0x10;
	}
	tap_is_int(bad, 0, "every flipped nonce or sealed byte refused");
	wire_parse(big, WIRE_TRANSPORT_MIN, &m);
	tap_ok(wire_cookie_open(&m, ck, mac1, got) == -1,
	    "cookie open of a non-cookie message refused");
}

/* TAI64N encoding and ordering. */
static void
test_tai64n(void)
{
	uint8_t a[12], b[12], want[12];

	wire_tai64n(0, 0, a);
	tap_unhex("400000000000000000000000", want, 12);
	tap_is_mem(a, want, 12, "Unix 0 is 2^62, 0 ns");
	wire_tai64n(1700000000, 123456789, a);
	tap_unhex("400000006553f100075bcd15", want, 12);
	tap_is_mem(a, want, 12, "1700000000.123456789");
	wire_tai64n(1700000000, 123456790, b);
	tap_is_int(wire_tai64n_cmp(a, b), -1, "one ns later is greater");
	tap_is_int(wire_tai64n_cmp(b, a), 1, "one ns earlier is smaller");
	tap_is_int(wire_tai64n_cmp(a, a), 0, "same is equal");
	wire_tai64n(1700000001, 0, b);
	tap_is_int(wire_tai64n_cmp(a, b), -1, "next second beats ns");
	wire_tai64n(UINT64_C(0x100000000), 0, b);
	tap_is_int(wire_tai64n_cmp(a, b), -1, "past 2^32 s still ordered");
}

/* The two parties of the end-to-end test. */
struct party {
	struct identity	id;
	struct noise_hs	hs;
	struct noise_cs	send, recv;
	uint32_t	index;
};

/* An identity from fixed secrets derived from tag. */
static void
party_make(struct party *p, uint8_t tag, uint32_t index)
{
	uint8_t seed[32], x[32];

	fill(seed, 32, tag);
	fill(x, 32, (uint8_t)(tag + 0x55));
	memset(p, 0, sizeof(*p));
	identity_from_secrets(&p->id, seed, x);
	p->index = index;
}

/*
 * Initiator side: payload 1 signed by signer, Noise message 1, the
 * initiation and its macs.  0 or -1.
 */
static int
e2e_initiate(struct party *ini, const struct identity *signer,
    const uint8_t node_pub[32], uint8_t out[WIRE_INITIATION_LEN])
{
	uint8_t psk[32] = { 0 }, eph[32], p1[WIRE_PAYLOAD1_LEN], ts[12];
	uint8_t n1[WIRE_NOISE1_LEN], k1[32];
	size_t len;

	fill(eph, 32, 0x31);
	wire_tai64n(1700000000, 42, ts);
	if (noise_hs_init(&ini->hs, NOISE_IKPSK2, 1, WIRE_PROLOGUE,
	    WIRE_PROLOGUE_LEN, ini->id.x_priv, node_pub, psk) == -1)
		return -1;
	if (wire_payload1(p1, ts, signer->ed_pub, signer->binding) == -1)
		return -1;
	if (noise_hs_write(&ini->hs, eph, p1, sizeof(p1), n1, sizeof(n1),
	    &len) == -1 || len != WIRE_NOISE1_LEN)
		return -1;
	if (wire_initiation(out, ini->index, n1) == -1 ||
	    wire_mac1_key(node_pub, k1) == -1)
		return -1;
	return wire_add_macs(out, WIRE_INITIATION_LEN, k1, NULL);
}

/*
 * Responder side: mac1, parse, Noise message 1, payload 1, the response.
 * 0, or the step (1..5) that refused.
 */
static int
e2e_respond(struct party *node, const uint8_t psk[32],
    const uint8_t mac1pub[32], const uint8_t *init, uint8_t *ini_id,
    uint8_t out[WIRE_RESPONSE_LEN])
{
	uint8_t k1[32], p1[WIRE_PAYLOAD1_LEN], ts[12], eph[32];
	uint8_t n2[WIRE_NOISE2_LEN];
	struct wire_msg m;
	size_t len;

	fill(eph, 32, 0x71);
	wire_mac1_key(mac1pub, k1);
	if (wire_check_mac1(init, WIRE_INITIATION_LEN, k1) == -1)
		return 1;
	if (wire_parse(init, WIRE_INITIATION_LEN, &m) != WIRE_OK ||
	    m.type != WIRE_INITIATION)
		return 2;
	if (noise_hs_init(&node->hs, NOISE_IKPSK2, 0, WIRE_PROLOGUE,
	    WIRE_PROLOGUE_LEN, node->id.x_priv, NULL, psk) == -1 ||
	    noise_hs_read(&node->hs, m.noise, m.noiselen, p1, sizeof(p1),
	    &len) == -1 || len != WIRE_PAYLOAD1_LEN)
		return 3;
	if (wire_payload1_parse(p1, noise_hs_remote_static(&node->hs), ts,
	    ini_id) == -1)
		return 4;
	if (noise_hs_write(&node->hs, eph, NULL, 0, n2, sizeof(n2),
	    &len) == -1 || len != WIRE_NOISE2_LEN ||
	    wire_response(out, node->index, m.sender, n2) == -1 ||
	    wire_mac1_key(noise_hs_remote_static(&node->hs), k1) == -1 ||
	    wire_add_macs(out, WIRE_RESPONSE_LEN, k1, NULL) == -1 ||
	    noise_hs_split(&node->hs, &node->send, &node->recv) == -1)
		return 5;
	return 0;
}

/* Initiator reads the response: 0, or the step (1..3) that refused. */
static int
e2e_finish(struct party *ini, const uint8_t *resp)
{
	uint8_t k1[32], pl[16];
	struct wire_msg m;
	size_t len;

	wire_mac1_key(ini->id.x_pub, k1);
	if (wire_check_mac1(resp, WIRE_RESPONSE_LEN, k1) == -1)
		return 1;
	if (wire_parse(resp, WIRE_RESPONSE_LEN, &m) != WIRE_OK ||
	    m.type != WIRE_RESPONSE || m.receiver != ini->index)
		return 2;
	if (noise_hs_read(&ini->hs, m.noise, m.noiselen, pl, sizeof(pl),
	    &len) == -1 || len != 0 ||
	    noise_hs_split(&ini->hs, &ini->send, &ini->recv) == -1)
		return 3;
	return 0;
}

/*
 * T_NPACKETS transport messages from a to b, with the counter from the
 * header, opened in reverse order; the number that arrived intact.
 */
static int
e2e_transport(struct party *a, struct party *b)
{
	uint8_t pkt[T_NPACKETS][WIRE_TRANSPORT_HDR + T_PKT_MAX], pt[T_PKT_MAX];
	char text[32];
	size_t lens[T_NPACKETS], tl;
	struct wire_msg m;
	int i, good = 0;

	for (i = 0; i < T_NPACKETS; i++) {
		tl = (size_t)snprintf(text, sizeof(text), "packet %d from %u",
		    i, (unsigned)a->index);
		wire_transport_header(pkt[i], b->index, (uint64_t)i);
		if (noise_cs_encrypt_at(&a->send, (uint64_t)i, NULL, 0, text,
		    tl, pkt[i] + WIRE_TRANSPORT_HDR) == -1)
			return -1;
		lens[i] = WIRE_TRANSPORT_HDR + tl + NOISE_TAG_LEN;
	}
	for (i = T_NPACKETS - 1; i >= 0; i--) {
		tl = (size_t)snprintf(text, sizeof(text), "packet %d from %u",
		    i, (unsigned)a->index);
		if (wire_parse(pkt[i], lens[i], &m) != WIRE_OK ||
		    m.type != WIRE_TRANSPORT || m.receiver != b->index)
			continue;
		if (noise_cs_decrypt_at(&b->recv, m.counter, NULL, 0, m.data,
		    m.datalen, pt) == -1)
			continue;
		if (m.datalen - NOISE_TAG_LEN == tl &&
		    memcmp(pt, text, tl) == 0)
			good++;
	}
	return good;
}

/* The whole handshake over wire messages, then transport both ways. */
static void
test_end_to_end(void)
{
	struct party ini, node;
	uint8_t psk[32] = { 0 }, init[WIRE_INITIATION_LEN];
	uint8_t resp[WIRE_RESPONSE_LEN], id[32], ct[32];

	party_make(&ini, 0x10, 0x11111111);
	party_make(&node, 0x20, 0x22222222);
	tap_ok(e2e_initiate(&ini, &ini.id, node.id.x_pub, init) == 0,
	    "e2e: initiation built");
	tap_is_int(e2e_respond(&node, psk, node.id.x_pub, init, id, resp), 0,
	    "e2e: responder accepts and responds");
	tap_is_mem(id, ini.id.ed_pub, 32, "e2e: responder learns the ID");
	tap_is_mem(noise_hs_remote_static(&node.hs), ini.id.x_pub, 32,
	    "e2e: responder learns the initiator's static key");
	tap_is_int(e2e_finish(&ini, resp), 0, "e2e: initiator accepts");
	tap_is_mem(ini.send.k, node.recv.k, 32, "e2e: keys match one way");
	tap_is_mem(ini.recv.k, node.send.k, 32, "e2e: and the other");
	tap_is_int(e2e_transport(&ini, &node), T_NPACKETS,
	    "e2e: initiator to responder, out of order");
	tap_is_int(e2e_transport(&node, &ini), T_NPACKETS,
	    "e2e: responder to initiator, out of order");
	tap_ok(ini.send.n == 0 && node.recv.n == 0,
	    "e2e: explicit counters leave n alone");
	tap_ok(noise_cs_encrypt_at(&ini.send, UINT64_MAX, NULL, 0, "x", 1,
	    ct) == -1, "e2e: counter 2^64-1 refused (encrypt)");
	tap_ok(noise_cs_encrypt_at(&ini.send, UINT64_MAX - 1, NULL, 0, "x", 1,
	    ct) == 0 && noise_cs_decrypt_at(&node.recv, UINT64_MAX, NULL, 0,
	    ct, 17, ct + 17) == -1, "e2e: counter 2^64-1 refused (decrypt)");
	tap_ok(noise_cs_decrypt_at(&node.recv, UINT64_MAX - 2, NULL, 0, ct,
	    17, ct + 17) == -1, "e2e: wrong counter does not decrypt");
	noise_cs_wipe(&ini.send);
	noise_cs_wipe(&ini.recv);
	noise_cs_wipe(&node.send);
	noise_cs_wipe(&node.recv);
	identity_wipe(&ini.id);
	identity_wipe(&node.id);
}

/* Wrong psk, wrong mac1 key, forged binding. */
static void
test_end_to_end_failures(void)
{
	struct party ini, node, other;
	uint8_t psk[32] = { 0 }, init[WIRE_INITIATION_LEN];
	uint8_t resp[WIRE_RESPONSE_LEN], id[32];

	party_make(&ini, 0x10, 0x11111111);
	party_make(&node, 0x20, 0x22222222);
	party_make(&other, 0x30, 0x33333333);

	e2e_initiate(&ini, &ini.id, node.id.x_pub, init);
	memset(psk, 0xff, sizeof(psk));
	tap_is_int(e2e_respond(&node, psk, node.id.x_pub, init, id, resp), 0,
	    "wrong psk: responder cannot tell yet");
	tap_is_int(e2e_finish(&ini, resp), 3,
	    "wrong psk: initiator's read of the response fails");
	memset(psk, 0, sizeof(psk));

	noise_hs_wipe(&ini.hs);
	noise_hs_wipe(&node.hs);
	e2e_initiate(&ini, &ini.id, node.id.x_pub, init);
	tap_is_int(e2e_respond(&node, psk, other.id.x_pub, init, id, resp), 1,
	    "wrong mac1 key: initiation dropped at mac1");
	e2e_initiate(&ini, &ini.id, other.id.x_pub, init);
	tap_is_int(e2e_respond(&node, psk, node.id.x_pub, init, id, resp), 1,
	    "initiation for another node dropped at mac1");

	noise_hs_wipe(&ini.hs);
	noise_hs_wipe(&node.hs);
	tap_ok(e2e_initiate(&ini, &other.id, node.id.x_pub, init) == 0,
	    "forged: payload with another identity's ID and binding");
	tap_is_int(e2e_respond(&node, psk, node.id.x_pub, init, id, resp), 4,
	    "forged: binding refused");
	tap_ok(memcmp(id, (uint8_t[32]){ 0 }, 32) == 0,
	    "forged: ID output wiped");
	noise_hs_wipe(&ini.hs);
	noise_hs_wipe(&node.hs);
	identity_wipe(&ini.id);
	identity_wipe(&node.id);
	identity_wipe(&other.id);
}

/* payload 1 alone: round trip, mixed IDs and bindings. */
static void
test_payload1(void)
{
	struct party a, b;
	uint8_t p1[WIRE_PAYLOAD1_LEN], ts[12], ts2[12], id[32];

	party_make(&a, 0x01, 1);
	party_make(&b, 0x02, 2);
	wire_tai64n(5, 6, ts);
	tap_ok(wire_payload1(p1, ts, a.id.ed_pub, a.id.binding) == 0 &&
	    wire_payload1_parse(p1, a.id.x_pub, ts2, id) == 0 &&
	    memcmp(ts, ts2, 12) == 0 && memcmp(id, a.id.ed_pub, 32) == 0,
	    "payload 1 round trip");
	tap_ok(wire_payload1_parse(p1, b.id.x_pub, ts2, id) == -1,
	    "binding for another static key refused");
	wire_payload1(p1, ts, b.id.ed_pub, a.id.binding);
	tap_ok(wire_payload1_parse(p1, a.id.x_pub, ts2, id) == -1,
	    "another ID with this binding refused");
	wire_payload1(p1, ts, a.id.ed_pub, b.id.binding);
	tap_ok(wire_payload1_parse(p1, a.id.x_pub, ts2, id) == -1,
	    "this ID with another binding refused");
	identity_wipe(&a.id);
	identity_wipe(&b.id);
}

int
main(void)
{
	test_sizes();
	test_blake2s_mac();
	test_parse_errors();
	test_builders();
	test_macs();
	test_cookies();
	test_tai64n();
	test_payload1();
	test_end_to_end();
	test_end_to_end_failures();
	return tap_done();
}

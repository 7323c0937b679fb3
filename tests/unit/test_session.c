/*
 * test_session.c - Chorus sessions: a known-answer handshake, both sides
 * agreeing on keys and hash, transport both ways, replays, reordering and
 * tampering, wrong PSK / node key / binding, the cookie path, responses
 * to another index, the expiry and rekey timers at their exact
 * boundaries, counter exhaustion and wiping.
 */
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "chorus/crypto.h"
#include "chorus/identity.h"
#include "chorus/session.h"
#include "chorus/wire.h"
#include "../tap.h"

/*
 * Known answers, computed independently in Python 3 (hashlib's BLAKE2s,
 * hmac, and the "cryptography" package's X25519, Ed25519 and
 * ChaCha20Poly1305, Noise IKpsk2 written out by hand) from the fixed
 * inputs below: private node psk e0..ff, client index 0x11223344, node
 * index 0xa1b2c3d4, TAI64N of 1700000000 s + 0x05000000 ns.  KAT_TR is the
 * client's "chorus" at counter 0, KAT_TR2 the node's "node->client" at
 * counter 5.
 */
#define KAT_MAC1KEY_NODE \
	"ca13b500cb22d1e8764104304a7587e9c540e2432f271c061a3c83546cd37a0d"
#define KAT_MAC1KEY_PUBLIC \
	"be0e10ee2e101a7eacf75ca638df06fd462cee02004350449d9aef05b44f888d"
#define KAT_INIT \
	"04000000112233445dcf0d8a6a6141364cb5fd97e47c753e6f3fc72acc1550ed" \
	"38a51cd9274a8d37fb6e7f50df1540eb12701c5e715500f07982d34ea9cae81d" \
	"996905748e57f305821fea8d814ba9fd5f0a1db4fac779eb4250b6bfaecceba4" \
	"f64b157bb11992bcc90ca99213f37d3c5607183ce03702f49ec9f6dbbbd77f94" \
	"6f8df056b09e6e24de318ca67d252e46058699aff910821a6642d6e7007e2d25" \
	"aa7830eddd674e78238734253fccd1f78c86f34ca01881122a33461f1bfd58f5" \
	"faa75e8f0721ecfc7f409a7f8487a98b14a35ed5e1635b9ae6c4a28832a2ac7d" \
	"3c20f7dd00000000000000000000000000000000"
#define KAT_RESP \
	"05000000a1b2c3d411223344446e5080171513a59ffbf40bd6a9dd388de4347a" \
	"fe92b00bde8d7beffec05e75a0e7eb9f37a4e0d18d5dfc8d99047c019a4d7744" \
	"a35a54e472ec25d2113a4e9d00000000000000000000000000000000"
#define KAT_HASH \
	"8bec2575fb158c92b2f39ef30ebaad638d0e59382c1ebd1e4941390495a1c7f9"
#define KAT_K1 \
	"834bea8db5f18cea51a89742619230809141150a0e96d34ec13dfc1725bfe0c5"
#define KAT_K2 \
	"cff1f6bfa714dc604d42ec7f9d2999164f3a07c62445041d8993e804fc7e4696"
#define KAT_TR \
	"07000000a1b2c3d40000000000000000a174a53fb22e685a0edcf5d056bd1b62" \
	"c0a65c64c313"
#define KAT_TR2 \
	"07000000112233440000000000000005f97059baeacc77c4d0b79e141ca94dc7" \
	"d2bbbe049719b68dd898e51f"

#define CLIENT_INDEX	0x11223344u
#define NODE_INDEX	0xa1b2c3d4u
#define T0		UINT64_C(5000000)	/* "now" at the handshake, usec */
#define USEC		UINT64_C(1000000)

static struct identity node_id, client_id, other_id;
static uint8_t psk_priv[SESSION_PSK_LEN], psk_other[SESSION_PSK_LEN];
static const uint8_t psk_zero[SESSION_PSK_LEN];
static uint8_t ce_priv[CRYPTO_X25519_LEN], ne_priv[CRYPTO_X25519_LEN];
static uint8_t tai[WIRE_TAI64N_LEN];

/* One identity from two byte patterns (fixed, so failures reproduce). */
static void
make_identity(struct identity *id, uint8_t ed, uint8_t x)
{
	uint8_t seed[32], priv[32];
	size_t i;

	for (i = 0; i < 32; i++) {
		seed[i] = (uint8_t)(ed + i);
		priv[i] = (uint8_t)(x + i);
	}
	if (identity_from_secrets(id, seed, priv) != 0)
		tap_diag("identity_from_secrets failed");
}

static void
setup(void)
{
	size_t i;

	make_identity(&node_id, 0x10, 0x80);
	make_identity(&client_id, 0x30, 0x50);
	make_identity(&other_id, 0x70, 0x90);
	for (i = 0; i < 32; i++) {
		psk_priv[i] = (uint8_t)(0xe0 + i);
		psk_other[i] = (uint8_t)(0xe0 + i);
		ce_priv[i] = (uint8_t)(i * 3 + 7);
		ne_priv[i] = (uint8_t)(i * 5 + 11);
	}
	psk_other[31] ^= 1;
	wire_tai64n(1700000000, 0x05000000, tai);
}


/* Everything one handshake makes. */
struct hs {
	struct session_init	st;
	struct session		c, n;		/* client's, node's session */
	uint8_t			init[WIRE_INITIATION_LEN];
	uint8_t			resp[WIRE_RESPONSE_LEN];
	uint8_t			tai[WIRE_TAI64N_LEN];
	struct wire_msg		im, rm;
};

/* Initiation, response, finish; 0 if all three worked. */
static int
handshake(struct hs *h, const struct identity *client,
    const uint8_t *cpsk, const uint8_t *npsk)
{
	memset(h, 0, sizeof(*h));
	if (session_initiate(&h->st, client, node_id.x_pub, cpsk,
	    CLIENT_INDEX, ce_priv, tai, NULL, h->init) != 0)
		return -1;
	if (wire_parse(h->init, sizeof(h->init), &h->im) != WIRE_OK)
		return -1;
	if (session_respond(&node_id, npsk, &h->im, NODE_INDEX, ne_priv, T0,
	    &h->n, h->tai, h->resp) != 0)
		return -1;
	if (wire_parse(h->resp, sizeof(h->resp), &h->rm) != WIRE_OK)
		return -1;
	return session_initiator_finish(&h->st, &h->rm, T0, &h->c);
}

/* mac1 keys: public rule, private rule, the known answers. */
static void
test_mac1_key(void)
{
	uint8_t got[WIRE_KEY_LEN], want[WIRE_KEY_LEN], in[72], psk1[32];

	tap_ok(wire_mac1_key(node_id.x_pub, want) == 0, "wire mac1 key");
	tap_ok(session_mac1_key(node_id.x_pub, NULL, got) == 0 &&
	    memcmp(got, want, sizeof(got)) == 0,
	    "NULL psk: the plain WireGuard mac1 key");
	tap_ok(session_mac1_key(node_id.x_pub, psk_zero, got) == 0 &&
	    memcmp(got, want, sizeof(got)) == 0,
	    "zero psk: the plain WireGuard mac1 key");
	tap_unhex(KAT_MAC1KEY_PUBLIC, want, sizeof(want));
	tap_is_mem(got, want, sizeof(got), "public mac1 key vector");

	tap_ok(session_mac1_key(node_id.x_pub, psk_priv, got) == 0,
	    "private mac1 key");
	tap_unhex(KAT_MAC1KEY_NODE, want, sizeof(want));
	tap_is_mem(got, want, sizeof(got), "private mac1 key vector");
	memcpy(in, "mac1----", 8);
	memcpy(in + 8, node_id.x_pub, 32);
	memcpy(in + 40, psk_priv, 32);
	tap_ok(crypto_blake2s(in, sizeof(in), want) == 0 &&
	    memcmp(got, want, sizeof(got)) == 0,
	    "private: BLAKE2s(\"mac1----\" || pub || psk)");
	tap_ok(session_mac1_key(node_id.x_pub, psk_other, want) == 0 &&
	    memcmp(got, want, sizeof(got)) != 0,
	    "one psk bit changes the key");

	/* One non-zero byte anywhere makes the node private. */
	memset(psk1, 0, sizeof(psk1));
	psk1[31] = 1;
	tap_ok(wire_mac1_key(node_id.x_pub, want) == 0 &&
	    session_mac1_key(node_id.x_pub, psk1, got) == 0 &&
	    memcmp(got, want, sizeof(got)) != 0,
	    "a psk with only its last byte set is private");
	psk1[31] = 0;
	psk1[0] = 0x80;
	tap_ok(session_mac1_key(node_id.x_pub, psk1, got) == 0 &&
	    memcmp(got, want, sizeof(got)) != 0,
	    "a psk with only its first byte set is private");
}

/* The whole handshake against the Python computation. */
static void
test_kat(void)
{
	uint8_t want[WIRE_INITIATION_LEN], buf[64], out[64];
	struct wire_msg m;
	struct hs h;
	size_t n, olen;

	tap_ok(handshake(&h, &client_id, psk_priv, psk_priv) == 0,
	    "kat: handshake");
	n = tap_unhex(KAT_INIT, want, sizeof(want));
	tap_ok(n == WIRE_INITIATION_LEN &&
	    memcmp(h.init, want, n) == 0, "kat: initiation bytes");
	n = tap_unhex(KAT_RESP, want, sizeof(want));
	tap_ok(n == WIRE_RESPONSE_LEN &&
	    memcmp(h.resp, want, n) == 0, "kat: response bytes");
	tap_unhex(KAT_HASH, want, 32);
	tap_is_mem(h.c.hash, want, 32, "kat: initiator's handshake hash");
	tap_is_mem(h.n.hash, want, 32, "kat: responder's handshake hash");
	tap_unhex(KAT_K1, want, 32);
	tap_is_mem(h.c.send.k, want, 32, "kat: initiator sends with k1");
	tap_is_mem(h.n.recv.k, want, 32, "kat: responder receives with k1");
	tap_unhex(KAT_K2, want, 32);
	tap_is_mem(h.c.recv.k, want, 32, "kat: initiator receives with k2");
	tap_is_mem(h.n.send.k, want, 32, "kat: responder sends with k2");

	tap_ok(session_seal(&h.c, T0, "chorus", 6, out, sizeof(out),
	    &olen) == 0, "kat: client seals");
	n = tap_unhex(KAT_TR, buf, sizeof(buf));
	tap_ok(olen == n && memcmp(out, buf, n) == 0,
	    "kat: client's transport datagram");
	n = tap_unhex(KAT_TR2, buf, sizeof(buf));
	tap_ok(wire_parse(buf, n, &m) == WIRE_OK &&
	    session_open(&h.c, T0, &m, out, sizeof(out), &olen) == 0 &&
	    olen == 12 && memcmp(out, "node->client", 12) == 0,
	    "kat: node's datagram at counter 5 opens");
	session_wipe(&h.c);
	session_wipe(&h.n);
}

/* Field checks on the messages and both sessions (public and private). */
static void
test_handshake(const uint8_t *psk, const char *what)
{
	uint8_t key[WIRE_KEY_LEN];
	struct hs h;

	tap_ok(handshake(&h, &client_id, psk, psk) == 0, "%s: handshake",
	    what);
	/* The initiation. */
	tap_is_mem(h.init, "\x04\x00\x00\x00\x11\x22\x33\x44", 8,
	    "initiation: type, reserved, sender");
	tap_ok(h.im.sender == CLIENT_INDEX, "initiation: sender parsed");
	tap_ok(session_mac1_key(node_id.x_pub, psk, key) == 0 &&
	    wire_check_mac1(h.init, sizeof(h.init), key) == 0,
	    "%s: initiation mac1 under the node's mac1 key", what);
	tap_ok(tap_is_zero(h.im.mac2, WIRE_MAC_LEN), "initiation: mac2 zero");
	tap_ok(h.im.mac1 != NULL, "initiation: mac1 present");
	/* The response. */
	tap_is_mem(h.resp, "\x05\x00\x00\x00\xa1\xb2\xc3\xd4\x11\x22\x33\x44",
	    12, "response: type, reserved, sender, receiver");
	tap_ok(session_mac1_key(client_id.x_pub, psk, key) == 0 &&
	    wire_check_mac1(h.resp, sizeof(h.resp), key) == 0,
	    "%s: response mac1 under the client's mac1 key", what);
	tap_ok(tap_is_zero(h.rm.mac2, WIRE_MAC_LEN), "response: mac2 zero");
	/* Both sessions. */
	tap_is_mem(h.tai, tai, sizeof(tai), "responder returns the TAI64N");
	tap_is_mem(h.n.peer_ed_pub, client_id.ed_pub, 32,
	    "responder learns the client's ID");
	tap_is_mem(h.n.peer_x_pub, client_id.x_pub, 32,
	    "responder learns the client's static key");
	tap_is_mem(h.n.peer_binding, client_id.binding, 64,
	    "responder keeps the client's binding");
	tap_is_mem(h.c.peer_x_pub, node_id.x_pub, 32,
	    "initiator's peer is the node's static key");
	tap_ok(tap_is_zero(h.c.peer_ed_pub, 32) && tap_is_zero(h.c.peer_binding, 64),
	    "initiator learns no ID in the handshake");
	tap_is_mem(h.c.send.k, h.n.recv.k, NOISE_KEY_LEN,
	    "client's send key is the node's receive key");
	tap_is_mem(h.c.recv.k, h.n.send.k, NOISE_KEY_LEN,
	    "client's receive key is the node's send key");
	tap_ok(memcmp(h.c.send.k, h.c.recv.k, NOISE_KEY_LEN) != 0,
	    "the two directions have different keys");
	tap_is_mem(h.c.hash, h.n.hash, NOISE_HASH_LEN, "same handshake hash");
	tap_ok(!tap_is_zero(h.c.hash, NOISE_HASH_LEN), "hash is not zero");
	tap_ok(h.c.initiator == 1 && h.n.initiator == 0, "roles");
	tap_ok(h.c.live && h.n.live, "both live");
	tap_ok(h.c.local_index == CLIENT_INDEX &&
	    h.c.remote_index == NODE_INDEX && h.n.local_index == NODE_INDEX &&
	    h.n.remote_index == CLIENT_INDEX, "indexes crossed");
	tap_ok(h.c.created_usec == T0 && h.n.created_usec == T0 &&
	    h.c.send_counter == 0 && h.n.send_counter == 0,
	    "created now, counters at 0");
	tap_ok(tap_is_zero(&h.st, sizeof(h.st)), "pending handshake wiped");
	session_wipe(&h.c);
	session_wipe(&h.n);
}

/* Different ephemeral keys: different bytes, keys and hash. */
static void
test_fresh_keys(void)
{
	struct hs a, b;

	tap_ok(handshake(&a, &client_id, psk_zero, psk_zero) == 0,
	    "first handshake");
	ce_priv[0] ^= 0x40;
	ne_priv[5] ^= 0x40;
	tap_ok(handshake(&b, &client_id, psk_zero, psk_zero) == 0,
	    "second handshake (new ephemerals)");
	ce_priv[0] ^= 0x40;
	ne_priv[5] ^= 0x40;
	tap_ok(memcmp(a.init, b.init, 40) != 0, "new e on the wire");
	tap_ok(memcmp(a.c.send.k, b.c.send.k, NOISE_KEY_LEN) != 0 &&
	    memcmp(a.c.hash, b.c.hash, NOISE_HASH_LEN) != 0,
	    "new keys and hash");
	session_wipe(&a.c);
	session_wipe(&a.n);
	session_wipe(&b.c);
	session_wipe(&b.n);
}

/* Seal on one side, parse and open on the other; 0 if it came through. */
static int
pass(struct session *from, struct session *to, uint64_t now,
    const char *text)
{
	uint8_t dg[256], out[256];
	struct wire_msg m;
	size_t dlen, olen;

	if (session_seal(from, now, text, strlen(text), dg, sizeof(dg),
	    &dlen) != 0 || wire_parse(dg, dlen, &m) != WIRE_OK ||
	    session_open(to, now, &m, out, sizeof(out), &olen) != 0)
		return -1;
	return olen == strlen(text) && memcmp(out, text, olen) == 0 ? 0 : -1;
}

/* Transport both ways; header bytes; sizes; keepalives. */
static void
test_transport(void)
{
	static uint8_t pkt[SESSION_MAX_PACKET + 1];
	static uint8_t dg[WIRE_TRANSPORT_HDR + SESSION_MAX_PACKET + 32];
	static uint8_t out[SESSION_MAX_PACKET + 1];
	uint8_t small[16];
	struct wire_msg m;
	struct hs h;
	size_t dlen, olen;
	uint64_t ctr;

	tap_ok(handshake(&h, &client_id, psk_priv, psk_priv) == 0,
	    "transport: handshake");
	tap_ok(session_seal(&h.c, T0, "hello", 5, dg, sizeof(dg),
	    &dlen) == 0, "client seals");
	tap_is_int(dlen, WIRE_TRANSPORT_HDR + 5 + NOISE_TAG_LEN,
	    "datagram length");
	tap_is_mem(dg, "\x07\x00\x00\x00\xa1\xb2\xc3\xd4"
	    "\x00\x00\x00\x00\x00\x00\x00\x00", 16,
	    "header: type 7, node's index, counter 0");
	tap_ok(memcmp(dg + 16, "hello", 5) != 0, "not in the clear");
	tap_ok(h.c.send_counter == 1, "send counter moved");
	tap_ok(wire_parse(dg, dlen, &m) == WIRE_OK &&
	    session_open(&h.n, T0, &m, out, sizeof(out), &olen) == 0 &&
	    olen == 5 && memcmp(out, "hello", 5) == 0, "node opens");
	tap_ok(session_open(&h.c, T0, &m, out, sizeof(out), &olen) == -1,
	    "the sender cannot open its own datagram");
	m.receiver = CLIENT_INDEX;
	tap_ok(session_open(&h.c, T0, &m, out, sizeof(out), &olen) == -1,
	    "nor with the index rewritten: its receive key differs");
	tap_ok(pass(&h.n, &h.c, T0, "and back") == 0, "node to client");
	tap_ok(pass(&h.c, &h.n, T0 + 1, "again") == 0, "client to node again");
	tap_ok(h.n.send_counter == 1 && h.c.send_counter == 2,
	    "counters count what was sent");

	/* Keepalive: an empty packet. */
	tap_ok(session_seal(&h.c, T0, NULL, 0, dg, sizeof(dg), &dlen) == 0 &&
	    dlen == WIRE_TRANSPORT_MIN, "keepalive seals to 32 bytes");
	tap_ok(wire_parse(dg, dlen, &m) == WIRE_OK &&
	    session_open(&h.n, T0, &m, out, sizeof(out), &olen) == 0 &&
	    olen == 0, "keepalive opens empty");

	/* Sizes. */
	memset(pkt, 0x5a, sizeof(pkt));
	tap_ok(session_seal(&h.c, T0, pkt, SESSION_MAX_PACKET, dg, sizeof(dg),
	    &dlen) == 0 && dlen == 1280 - 48, "largest packet fits 1232");
	tap_ok(wire_parse(dg, dlen, &m) == WIRE_OK &&
	    session_open(&h.n, T0, &m, small, sizeof(small), &olen) == -1 &&
	    olen == 0 && tap_is_zero(small, sizeof(small)),
	    "open refuses a short output buffer");
	tap_ok(session_open(&h.n, T0, &m, out, sizeof(out), &olen) == 0 &&
	    olen == SESSION_MAX_PACKET && memcmp(out, pkt, olen) == 0,
	    "and opens it with room (the refusal recorded nothing)");
	tap_ok(session_seal(&h.c, T0, pkt, SESSION_MAX_PACKET + 1, dg,
	    sizeof(dg), &dlen) == -1 && dlen == 0, "one byte more refused");
	ctr = h.c.send_counter;
	tap_ok(session_seal(&h.c, T0, "hello", 5, dg, 5 + 31, &dlen) == -1 &&
	    dlen == 0 && h.c.send_counter == ctr,
	    "seal refuses a short buffer, counter kept");
	tap_ok(session_seal(&h.c, T0, "hello", 5, dg, 5 + 32, &dlen) == 0 &&
	    dlen == 37, "and fits an exact one");
	tap_ok(h.c.live, "a refused seal leaves the session live");

	/* Not a transport message. */
	tap_ok(session_open(&h.n, T0, &h.im, out, sizeof(out), &olen) == -1,
	    "open refuses an initiation");
	memset(&m, 0, sizeof(m));
	tap_ok(session_open(&h.n, T0, &m, out, sizeof(out), &olen) == -1,
	    "open refuses an empty view");
	session_wipe(&h.c);
	session_wipe(&h.n);
}

/* Replays refused, reordering accepted, forgeries move nothing. */
static void
test_replay_and_tamper(void)
{
	uint8_t dg[3][64], bad[64], out[64];
	size_t dlen[3], olen, i, bit, n;
	struct wire_msg m;
	struct hs h;
	int refused;

	tap_ok(handshake(&h, &client_id, psk_zero, psk_zero) == 0,
	    "replay: handshake");
	for (i = 0; i < 3; i++)
		tap_ok(session_seal(&h.c, T0, "abc", 3, dg[i], sizeof(dg[i]),
		    &dlen[i]) == 0, "seal message %zu", i);
	/* Every bit of the last one, flipped: refused, nothing recorded. */
	refused = 0;
	n = 0;
	for (i = 0; i < dlen[2]; i++)
		for (bit = 0; bit < 8; bit++) {
			memcpy(bad, dg[2], dlen[2]);
			bad[i] ^= (uint8_t)(1u << bit);
			n++;
			memset(out, 0xaa, sizeof(out));
			if (wire_parse(bad, dlen[2], &m) != WIRE_OK ||
			    (session_open(&h.n, T0, &m, out, sizeof(out),
			    &olen) == -1 && olen == 0 && tap_is_zero(out, 3)))
				refused++;
		}
	tap_is_int(refused, n, "every flipped bit refused, output wiped");
	tap_ok(dlen[2] > 1 && wire_parse(dg[2], dlen[2] - 1, &m) == WIRE_OK &&
	    session_open(&h.n, T0, &m, out, sizeof(out), &olen) == -1,
	    "truncated datagram refused");

	/* Reordered: 2, 0, 1 all accepted. */
	tap_ok(wire_parse(dg[2], dlen[2], &m) == WIRE_OK &&
	    session_open(&h.n, T0, &m, out, sizeof(out), &olen) == 0,
	    "message 2 first (forgeries did not record it)");
	tap_ok(wire_parse(dg[0], dlen[0], &m) == WIRE_OK &&
	    session_open(&h.n, T0, &m, out, sizeof(out), &olen) == 0 &&
	    olen == 3 && memcmp(out, "abc", 3) == 0, "then message 0");
	tap_ok(wire_parse(dg[1], dlen[1], &m) == WIRE_OK &&
	    session_open(&h.n, T0, &m, out, sizeof(out), &olen) == 0,
	    "then message 1");
	for (i = 0; i < 3; i++) {
		memset(out, 0xaa, sizeof(out));
		tap_ok(wire_parse(dg[i], dlen[i], &m) == WIRE_OK &&
		    session_open(&h.n, T0, &m, out, sizeof(out), &olen) == -1 &&
		    olen == 0 && tap_is_zero(out, 3),
		    "replay of message %zu refused, output wiped", i);
	}
	tap_ok(h.n.live, "replays and forgeries leave the session live");
	tap_ok(pass(&h.c, &h.n, T0, "still") == 0, "and it still works");
	session_wipe(&h.c);
	session_wipe(&h.n);
}

/* The other side's mac1 key, a wrong PSK, and Noise's own PSK check. */
static void
test_wrong_psk(void)
{
	uint8_t key[WIRE_KEY_LEN], resp[WIRE_RESPONSE_LEN];
	struct session_init st;
	struct session n, c;
	struct wire_msg im, rm;
	uint8_t init[WIRE_INITIATION_LEN], t[WIRE_TAI64N_LEN];

	/* Client with psk_other, node with psk_priv. */
	tap_ok(session_initiate(&st, &client_id, node_id.x_pub, psk_other,
	    CLIENT_INDEX, ce_priv, tai, NULL, init) == 0,
	    "wrong psk: initiation written");
	tap_ok(session_mac1_key(node_id.x_pub, psk_priv, key) == 0 &&
	    wire_check_mac1(init, sizeof(init), key) == -1,
	    "wrong psk: the node's mac1 check fails");
	tap_ok(wire_mac1_key(node_id.x_pub, key) == 0 &&
	    wire_check_mac1(init, sizeof(init), key) == -1,
	    "wrong psk: the public mac1 check fails too");
	/* psk2 comes in at message 2: message 1 reads under any psk. */
	tap_ok(wire_parse(init, sizeof(init), &im) == WIRE_OK &&
	    session_respond(&node_id, psk_priv, &im, NODE_INDEX, ne_priv, T0,
	    &n, t, resp) == 0, "wrong psk: node reads message 1 anyway");
	tap_ok(wire_parse(resp, sizeof(resp), &rm) == WIRE_OK &&
	    session_initiator_finish(&st, &rm, T0, &c) == -1 &&
	    tap_is_zero(&c, sizeof(c)), "response refused by its mac1");
	tap_ok(st.hs.ready && st.local_index == CLIENT_INDEX,
	    "a mac1 refusal keeps the handshake pending");
	/* Give it the mac1 the client expects: now Noise itself refuses. */
	tap_ok(session_mac1_key(client_id.x_pub, psk_other, key) == 0 &&
	    wire_add_macs(resp, sizeof(resp), key, NULL) == 0 &&
	    wire_parse(resp, sizeof(resp), &rm) == WIRE_OK,
	    "response re-macked for the client");
	tap_ok(session_initiator_finish(&st, &rm, T0, &c) == -1 &&
	    tap_is_zero(&c, sizeof(c)), "wrong psk: Noise refuses the response");
	tap_ok(tap_is_zero(&st, sizeof(st)), "a Noise failure wipes the handshake");
	tap_ok(session_initiator_finish(&st, &rm, T0, &c) == -1,
	    "a wiped handshake refuses everything");
	session_wipe(&n);

	/* Public client to private node, private client to public node. */
	tap_ok(session_initiate(&st, &client_id, node_id.x_pub, NULL,
	    CLIENT_INDEX, ce_priv, tai, NULL, init) == 0 &&
	    session_mac1_key(node_id.x_pub, psk_priv, key) == 0 &&
	    wire_check_mac1(init, sizeof(init), key) == -1,
	    "public client fails a private node's mac1");
	tap_ok(session_initiate(&st, &client_id, node_id.x_pub, psk_priv,
	    CLIENT_INDEX, ce_priv, tai, NULL, init) == 0 &&
	    wire_mac1_key(node_id.x_pub, key) == 0 &&
	    wire_check_mac1(init, sizeof(init), key) == -1,
	    "private client fails a public node's mac1");
	session_init_wipe(&st);
}

/* An initiation made for another node's static key. */
static void
test_wrong_node(void)
{
	uint8_t key[WIRE_KEY_LEN], resp[WIRE_RESPONSE_LEN];
	uint8_t init[WIRE_INITIATION_LEN], t[WIRE_TAI64N_LEN];
	struct session_init st;
	struct session n;
	struct wire_msg im;

	tap_ok(session_initiate(&st, &client_id, other_id.x_pub, NULL,
	    CLIENT_INDEX, ce_priv, tai, NULL, init) == 0,
	    "wrong node: initiation written");
	tap_ok(wire_mac1_key(node_id.x_pub, key) == 0 &&
	    wire_check_mac1(init, sizeof(init), key) == -1,
	    "wrong node: mac1 fails at the real node");
	memset(t, 0xaa, sizeof(t));
	memset(resp, 0xaa, sizeof(resp));
	tap_ok(wire_parse(init, sizeof(init), &im) == WIRE_OK &&
	    session_respond(&node_id, NULL, &im, NODE_INDEX, ne_priv, T0, &n,
	    t, resp) == -1, "wrong node: Noise refuses it past mac1");
	tap_ok(tap_is_zero(&n, sizeof(n)) && tap_is_zero(t, sizeof(t)) &&
	    tap_is_zero(resp, sizeof(resp)), "session, timestamp, response wiped");
	session_init_wipe(&st);

	/* A node key that is a low-order point: es is zero, refused. */
	memset(key, 0, sizeof(key));
	memset(init, 0xaa, sizeof(init));
	tap_ok(session_initiate(&st, &client_id, key, NULL, CLIENT_INDEX,
	    ce_priv, tai, NULL, init) == -1 && tap_is_zero(&st, sizeof(st)) &&
	    tap_is_zero(init, sizeof(init)),
	    "all-zero node key refused, state and output wiped");
}

/* Bindings that do not match the Noise static key. */
static void
test_forged_binding(void)
{
	uint8_t resp[WIRE_RESPONSE_LEN], init[WIRE_INITIATION_LEN];
	uint8_t t[WIRE_TAI64N_LEN];
	struct identity forged;
	struct session_init st;
	struct session n;
	struct wire_msg im;
	int i;

	for (i = 0; i < 3; i++) {
		forged = client_id;
		if (i == 0)
			forged.binding[10] ^= 1;	/* corrupt signature */
		else if (i == 1)			/* another's binding */
			memcpy(forged.binding, other_id.binding, 64);
		else {				/* another's ID and binding */
			memcpy(forged.ed_pub, other_id.ed_pub, 32);
			memcpy(forged.binding, other_id.binding, 64);
		}
		memset(t, 0xaa, sizeof(t));
		tap_ok(session_initiate(&st, &forged, node_id.x_pub, NULL,
		    CLIENT_INDEX, ce_priv, tai, NULL, init) == 0 &&
		    wire_parse(init, sizeof(init), &im) == WIRE_OK &&
		    session_respond(&node_id, NULL, &im, NODE_INDEX, ne_priv,
		    T0, &n, t, resp) == -1, "forged binding %d refused", i);
		tap_ok(tap_is_zero(&n, sizeof(n)) && tap_is_zero(t, sizeof(t)) &&
		    tap_is_zero(resp, sizeof(resp)), "forged binding %d: wiped", i);
		session_init_wipe(&st);
	}
	/* The other identity's own keys are fine. */
	tap_ok(session_initiate(&st, &other_id, node_id.x_pub, NULL,
	    CLIENT_INDEX, ce_priv, tai, NULL, init) == 0 &&
	    wire_parse(init, sizeof(init), &im) == WIRE_OK &&
	    session_respond(&node_id, NULL, &im, NODE_INDEX, ne_priv, T0, &n,
	    t, resp) == 0 && memcmp(n.peer_ed_pub, other_id.ed_pub, 32) == 0,
	    "a genuine identity is accepted");
	session_wipe(&n);
	session_init_wipe(&st);
}

/* Node under load: cookie reply, opened, initiation resent with mac2. */
static void
test_cookie(void)
{
	uint8_t secret[WIRE_KEY_LEN], cookie[WIRE_MAC_LEN], got[WIRE_MAC_LEN];
	uint8_t ckey[WIRE_KEY_LEN], nonce[WIRE_NONCE_LEN], key[WIRE_KEY_LEN];
	uint8_t reply[WIRE_COOKIE_LEN], bad[WIRE_COOKIE_LEN];
	uint8_t init[WIRE_INITIATION_LEN], old_mac1[WIRE_MAC_LEN];
	struct sockaddr_in sin;
	struct session_init st;
	struct wire_msg im, cm;

	memset(secret, 0x77, sizeof(secret));
	memset(nonce, 0x31, sizeof(nonce));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(5000);
	sin.sin_addr.s_addr = htonl(0xc0000201);	/* 192.0.2.1 */

	tap_ok(session_initiate(&st, &client_id, node_id.x_pub, psk_priv,
	    CLIENT_INDEX, ce_priv, tai, NULL, init) == 0 &&
	    wire_parse(init, sizeof(init), &im) == WIRE_OK,
	    "cookie: first initiation");
	tap_is_mem(st.mac1, im.mac1, WIRE_MAC_LEN, "st->mac1 is the one sent");
	tap_ok(wire_check_mac2(init, sizeof(init), secret) == -1,
	    "no cookie: mac2 does not verify");
	/* The node's side. */
	tap_ok(wire_cookie_make(secret, (struct sockaddr *)&sin, cookie) == 0 &&
	    wire_cookie_key(node_id.x_pub, ckey) == 0 &&
	    wire_cookie_reply(reply, im.sender, nonce, cookie, ckey,
	    im.mac1) == 0, "node makes a cookie reply");
	tap_ok(wire_parse(reply, sizeof(reply), &cm) == WIRE_OK &&
	    session_initiator_cookie(&st, &cm, got) == 0,
	    "initiator opens it");
	tap_is_mem(got, cookie, WIRE_MAC_LEN, "the node's cookie");

	/* Refusals, each with the cookie wiped. */
	memcpy(bad, reply, sizeof(bad));
	bad[sizeof(bad) - 1] ^= 1;
	memset(got, 0xaa, sizeof(got));
	tap_ok(wire_parse(bad, sizeof(bad), &cm) == WIRE_OK &&
	    session_initiator_cookie(&st, &cm, got) == -1 &&
	    tap_is_zero(got, sizeof(got)), "tampered cookie refused, wiped");
	tap_ok(wire_cookie_reply(bad, CLIENT_INDEX + 1, nonce, cookie, ckey,
	    im.mac1) == 0 && wire_parse(bad, sizeof(bad), &cm) == WIRE_OK &&
	    session_initiator_cookie(&st, &cm, got) == -1 &&
	    tap_is_zero(got, sizeof(got)), "cookie for another index refused");
	memcpy(old_mac1, im.mac1, WIRE_MAC_LEN);
	old_mac1[0] ^= 1;
	tap_ok(wire_cookie_reply(bad, CLIENT_INDEX, nonce, cookie, ckey,
	    old_mac1) == 0 && wire_parse(bad, sizeof(bad), &cm) == WIRE_OK &&
	    session_initiator_cookie(&st, &cm, got) == -1,
	    "cookie bound to another mac1 refused");
	tap_ok(wire_cookie_key(other_id.x_pub, key) == 0 &&
	    wire_cookie_reply(bad, CLIENT_INDEX, nonce, cookie, key,
	    im.mac1) == 0 && wire_parse(bad, sizeof(bad), &cm) == WIRE_OK &&
	    session_initiator_cookie(&st, &cm, got) == -1,
	    "cookie sealed by another node refused");
	tap_ok(session_initiator_cookie(&st, &im, got) == -1,
	    "an initiation is no cookie reply");

	/* Resend with the cookie: mac2 now verifies, mac1 still does. */
	tap_ok(session_initiate(&st, &client_id, node_id.x_pub, psk_priv,
	    CLIENT_INDEX, ce_priv, tai, cookie, init) == 0,
	    "initiation with the cookie");
	tap_ok(wire_check_mac2(init, sizeof(init), cookie) == 0,
	    "mac2 verifies under the cookie");
	tap_ok(session_mac1_key(node_id.x_pub, psk_priv, key) == 0 &&
	    wire_check_mac1(init, sizeof(init), key) == 0, "mac1 still good");
	tap_ok(wire_parse(init, sizeof(init), &im) == WIRE_OK &&
	    !tap_is_zero(im.mac2, WIRE_MAC_LEN), "mac2 is set");
	session_init_wipe(&st);
	tap_ok(wire_parse(reply, sizeof(reply), &cm) == WIRE_OK &&
	    session_initiator_cookie(&st, &cm, got) == -1,
	    "a wiped handshake takes no cookie");
}

/* Responses the initiator must refuse without losing its handshake. */
static void
test_bad_responses(void)
{
	uint8_t resp[WIRE_RESPONSE_LEN], key[WIRE_KEY_LEN];
	struct wire_msg rm;
	struct session c;
	struct hs h;

	tap_ok(session_initiate(&h.st, &client_id, node_id.x_pub, NULL,
	    CLIENT_INDEX, ce_priv, tai, NULL, h.init) == 0 &&
	    wire_parse(h.init, sizeof(h.init), &h.im) == WIRE_OK &&
	    session_respond(&node_id, NULL, &h.im, NODE_INDEX, ne_priv, T0,
	    &h.n, h.tai, h.resp) == 0, "bad responses: handshake so far");
	tap_ok(wire_parse(h.resp, sizeof(h.resp), &h.rm) == WIRE_OK,
	    "response parses");

	/* To another index, correctly macked. */
	tap_ok(wire_response(resp, NODE_INDEX, CLIENT_INDEX + 1, h.rm.noise) ==
	    0 && wire_mac1_key(client_id.x_pub, key) == 0 &&
	    wire_add_macs(resp, sizeof(resp), key, NULL) == 0 &&
	    wire_parse(resp, sizeof(resp), &rm) == WIRE_OK,
	    "a response to another index");
	memset(&c, 0xaa, sizeof(c));
	tap_ok(session_initiator_finish(&h.st, &rm, T0, &c) == -1 &&
	    tap_is_zero(&c, sizeof(c)), "response to another index refused");
	/* Bad mac1. */
	memcpy(resp, h.resp, sizeof(resp));
	resp[WIRE_RESPONSE_LEN - 32] ^= 1;
	tap_ok(wire_parse(resp, sizeof(resp), &rm) == WIRE_OK &&
	    session_initiator_finish(&h.st, &rm, T0, &c) == -1,
	    "response with a bad mac1 refused");
	/* mac1 keyed for the node, not for us. */
	tap_ok(wire_mac1_key(node_id.x_pub, key) == 0 &&
	    wire_add_macs(resp, sizeof(resp), key, NULL) == 0 &&
	    wire_parse(resp, sizeof(resp), &rm) == WIRE_OK &&
	    session_initiator_finish(&h.st, &rm, T0, &c) == -1,
	    "response macked with the node's own key refused");
	tap_ok(session_initiator_finish(&h.st, &h.im, T0, &c) == -1,
	    "an initiation is no response");
	memset(&rm, 0, sizeof(rm));
	tap_ok(session_initiator_finish(&h.st, &rm, T0, &c) == -1,
	    "an empty view is no response");
	tap_ok(h.st.hs.ready, "still pending after all of them");

	/* The genuine one still finishes, once. */
	tap_ok(session_initiator_finish(&h.st, &h.rm, T0, &h.c) == 0,
	    "the genuine response finishes the handshake");
	tap_ok(pass(&h.c, &h.n, T0, "ok") == 0, "and the keys work");
	tap_ok(session_initiator_finish(&h.st, &h.rm, T0, &c) == -1 &&
	    tap_is_zero(&c, sizeof(c)), "a second finish is refused");
	session_wipe(&h.c);
	session_wipe(&h.n);
}

/* Responder misuse and what the caller's TAI64N check relies on. */
static void
test_responder(void)
{
	uint8_t t1[WIRE_TAI64N_LEN], t2[WIRE_TAI64N_LEN], later[12];
	uint8_t resp[WIRE_RESPONSE_LEN], init[WIRE_INITIATION_LEN];
	struct session_init st;
	struct session n;
	struct wire_msg m;
	struct hs h;

	tap_ok(handshake(&h, &client_id, NULL, NULL) == 0,
	    "responder: handshake");
	memset(t1, 0xaa, sizeof(t1));
	tap_ok(session_respond(&node_id, NULL, &h.rm, NODE_INDEX, ne_priv, T0,
	    &n, t1, resp) == -1 && tap_is_zero(&n, sizeof(n)) &&
	    tap_is_zero(t1, sizeof(t1)), "a response is no initiation");
	/* The same initiation again: same timestamp, the caller drops it. */
	tap_ok(session_respond(&node_id, NULL, &h.im, NODE_INDEX, ne_priv, T0,
	    &n, t1, resp) == 0 && memcmp(t1, h.tai, sizeof(t1)) == 0,
	    "a replayed initiation gives back the same TAI64N");
	tap_is_int(wire_tai64n_cmp(t1, h.tai), 0,
	    "not greater than the one seen: the caller drops it");
	session_wipe(&n);
	wire_tai64n(1700000000, 0x06000000, later);
	tap_ok(session_initiate(&st, &client_id, node_id.x_pub, NULL,
	    CLIENT_INDEX, ce_priv, later, NULL, init) == 0 &&
	    wire_parse(init, sizeof(init), &m) == WIRE_OK &&
	    session_respond(&node_id, NULL, &m, NODE_INDEX, ne_priv, T0, &n,
	    t2, resp) == 0 && wire_tai64n_cmp(t2, h.tai) == 1,
	    "a later initiation's TAI64N is greater");
	/* Corrupt message 1 (a flipped bit in the encrypted payload). */
	init[4 + 32 + 48 + 10] ^= 1;
	tap_ok(wire_parse(init, sizeof(init), &m) == WIRE_OK &&
	    session_respond(&node_id, NULL, &m, NODE_INDEX, ne_priv, T0, &n,
	    t2, resp) == -1 && tap_is_zero(&n, sizeof(n)),
	    "corrupt payload refused");
	init[4 + 32 + 48 + 10] ^= 1;
	init[4 + 32 + 5] ^= 1;
	tap_ok(wire_parse(init, sizeof(init), &m) == WIRE_OK &&
	    session_respond(&node_id, NULL, &m, NODE_INDEX, ne_priv, T0, &n,
	    t2, resp) == -1, "corrupt static key refused");
	session_init_wipe(&st);
	session_wipe(&h.c);
	session_wipe(&h.n);
}

/* Time limits at their exact microsecond. */
static void
test_timers(void)
{
	const uint64_t rekey = SESSION_REKEY_AFTER_TIME * USEC;
	const uint64_t reject = SESSION_REJECT_AFTER_TIME * USEC;
	uint8_t dg[64], out[64];
	struct wire_msg m;
	size_t dlen, olen;
	struct hs h;

	tap_ok(handshake(&h, &client_id, psk_priv, psk_priv) == 0,
	    "timers: handshake");
	tap_ok(!session_needs_rekey(&h.c, T0), "fresh: no rekey");
	tap_ok(!session_needs_rekey(&h.c, T0 + rekey - 1),
	    "initiator: no rekey at 120 s - 1 us");
	tap_ok(session_needs_rekey(&h.c, T0 + rekey),
	    "initiator: rekey at 120 s");
	tap_ok(!session_needs_rekey(&h.n, T0 + reject - 1),
	    "responder: never rekeys by time");
	tap_ok(!session_expired(&h.c, T0 + reject - 1) &&
	    !session_expired(&h.n, T0 + reject - 1),
	    "not expired at 180 s - 1 us");
	tap_ok(session_expired(&h.c, T0 + reject) &&
	    session_expired(&h.n, T0 + reject), "expired at 180 s");
	tap_ok(session_expired(&h.c, T0 - 1) &&
	    session_needs_rekey(&h.c, T0 - 1),
	    "a clock before creation expires the keys");

	/* Seal and open just before, refused at the limit. */
	tap_ok(session_seal(&h.c, T0 + reject - 1, "x", 1, dg, sizeof(dg),
	    &dlen) == 0, "seal at 180 s - 1 us");
	tap_ok(wire_parse(dg, dlen, &m) == WIRE_OK &&
	    session_open(&h.n, T0 + reject - 1, &m, out, sizeof(out),
	    &olen) == 0, "open at 180 s - 1 us");
	tap_ok(session_seal(&h.c, T0 + reject - 1, "y", 1, dg, sizeof(dg),
	    &dlen) == 0 && wire_parse(dg, dlen, &m) == WIRE_OK,
	    "one more, for later");
	tap_ok(session_open(&h.n, T0 + reject, &m, out, sizeof(out),
	    &olen) == -1 && olen == 0 && tap_is_zero(out, 1),
	    "open refused at 180 s");
	tap_ok(!h.n.live && tap_is_zero(&h.n.send, sizeof(h.n.send)) &&
	    tap_is_zero(&h.n.recv, sizeof(h.n.recv)) &&
	    tap_is_zero(h.n.hash, sizeof(h.n.hash)),
	    "open at expiry ends the session: keys and hash wiped");
	tap_ok(h.n.local_index == NODE_INDEX &&
	    h.n.remote_index == CLIENT_INDEX, "indexes kept for lookup");
	tap_ok(session_open(&h.n, T0, &m, out, sizeof(out), &olen) == -1,
	    "an ended session stays ended, whatever the time");
	tap_ok(session_seal(&h.c, T0 + reject, "z", 1, dg, sizeof(dg),
	    &dlen) == -1 && dlen == 0, "seal refused at 180 s");
	tap_ok(!h.c.live && tap_is_zero(&h.c.send, sizeof(h.c.send)),
	    "seal at expiry ends the session");
	tap_ok(!session_needs_rekey(&h.c, T0 + reject),
	    "an ended session does not ask for a rekey");
	session_wipe(&h.c);
	session_wipe(&h.n);
}

/* Message limits: REKEY_AFTER_MSGS, REJECT_AFTER_MSGS. */
static void
test_counters(void)
{
	uint8_t dg[64], out[64], hdr[WIRE_TRANSPORT_HDR];
	struct wire_msg m;
	size_t dlen, olen;
	struct hs h;

	tap_ok(handshake(&h, &client_id, NULL, NULL) == 0,
	    "counters: handshake");
	h.c.send_counter = SESSION_REKEY_AFTER_MSGS - 1;
	tap_ok(!session_needs_rekey(&h.c, T0), "no rekey at 2^60 - 1 sent");
	tap_ok(session_seal(&h.c, T0, "a", 1, dg, sizeof(dg), &dlen) == 0,
	    "seal message 2^60 - 1");
	tap_ok(session_needs_rekey(&h.c, T0), "rekey once 2^60 sent");
	tap_ok(!session_expired(&h.c, T0), "but not expired");
	h.n.send_counter = SESSION_REKEY_AFTER_MSGS + 5;
	tap_ok(!session_needs_rekey(&h.n, T0),
	    "the responder never asks for a rekey");

	h.c.send_counter = SESSION_REJECT_AFTER_MSGS - 1;
	tap_ok(!session_expired(&h.c, T0), "not expired with one counter left");
	tap_ok(session_seal(&h.c, T0, "b", 1, dg, sizeof(dg), &dlen) == 0,
	    "the last counter seals");
	tap_ok(wire_parse(dg, dlen, &m) == WIRE_OK &&
	    m.counter == SESSION_REJECT_AFTER_MSGS - 1,
	    "at counter REJECT_AFTER_MSGS - 1");
	tap_ok(session_open(&h.n, T0, &m, out, sizeof(out), &olen) == 0 &&
	    olen == 1 && out[0] == 'b', "and opens");
	tap_ok(session_expired(&h.c, T0), "expired once every counter used");
	tap_ok(session_seal(&h.c, T0, "c", 1, dg, sizeof(dg), &dlen) == -1 &&
	    !h.c.live, "no seal after it; the session ended");

	/* An authentic datagram at the limit is still refused. */
	wire_transport_header(hdr, NODE_INDEX, SESSION_REJECT_AFTER_MSGS);
	memcpy(dg, hdr, sizeof(hdr));
	tap_ok(noise_cs_encrypt_at(&h.n.recv, SESSION_REJECT_AFTER_MSGS, NULL,
	    0, "d", 1, dg + WIRE_TRANSPORT_HDR) == 0 &&
	    wire_parse(dg, WIRE_TRANSPORT_HDR + 17, &m) == WIRE_OK &&
	    session_open(&h.n, T0, &m, out, sizeof(out), &olen) == -1,
	    "counter REJECT_AFTER_MSGS refused on receipt");
	tap_ok(h.n.live, "without ending the receiver");
	session_wipe(&h.c);
	session_wipe(&h.n);
}

/* session_wipe and session_init_wipe leave nothing behind. */
static void
test_wipe(void)
{
	uint8_t dg[64], out[64];
	struct wire_msg m;
	size_t dlen, olen;
	struct hs h;

	tap_ok(handshake(&h, &client_id, psk_priv, psk_priv) == 0,
	    "wipe: handshake");
	tap_ok(session_seal(&h.c, T0, "x", 1, dg, sizeof(dg), &dlen) == 0 &&
	    wire_parse(dg, dlen, &m) == WIRE_OK, "a datagram in flight");
	tap_ok(!tap_is_zero(h.c.send.k, NOISE_KEY_LEN), "keys before the wipe");
	session_wipe(&h.c);
	session_wipe(&h.n);
	tap_ok(tap_is_zero(&h.c, sizeof(h.c)) && tap_is_zero(&h.n, sizeof(h.n)),
	    "session_wipe zeroes the whole session");
	tap_ok(session_open(&h.n, T0, &m, out, sizeof(out), &olen) == -1,
	    "a wiped session opens nothing");
	tap_ok(session_seal(&h.c, T0, "x", 1, dg, sizeof(dg), &dlen) == -1,
	    "a wiped session seals nothing");
	tap_ok(session_expired(&h.c, T0) && !session_needs_rekey(&h.c, T0),
	    "a wiped session is expired and asks for nothing");

	tap_ok(session_initiate(&h.st, &client_id, node_id.x_pub, psk_priv,
	    CLIENT_INDEX, ce_priv, tai, NULL, h.init) == 0 &&
	    !tap_is_zero(h.st.hs.e_priv, 32) && !tap_is_zero(h.st.mac1key, 32),
	    "a pending handshake holds secrets");
	session_init_wipe(&h.st);
	tap_ok(tap_is_zero(&h.st, sizeof(h.st)), "session_init_wipe zeroes it");
}

int
main(void)
{
	setup();
	test_mac1_key();
	test_kat();
	test_handshake(NULL, "public (NULL psk)");
	test_handshake(psk_zero, "public (zero psk)");
	test_handshake(psk_priv, "private");
	test_fresh_keys();
	test_transport();
	test_replay_and_tamper();
	test_wrong_psk();
	test_wrong_node();
	test_forged_binding();
	test_cookie();
	test_bad_responses();
	test_responder();
	test_timers();
	test_counters();
	test_wipe();
	identity_wipe(&node_id);
	identity_wipe(&client_id);
	identity_wipe(&other_id);
	return tap_done();
}

/*
 * fuzz_session.c - fuzz target for the session layer.
 *
 * Fixed keys (the corpus was made with them, so seeds start past mac1):
 * a private node and a client, a pending initiation from the client, and
 * the live sessions of one finished handshake.  The input is parsed with
 * wire_parse() and then, by type,
 *	initiation: mac1 checked as a node would, then given to
 *	    session_respond() (mac1 is the caller's gate, so respond must be
 *	    safe without it);
 *	response: given to the pending initiator as it is, and again with
 *	    mac1 recomputed so the fuzzer reaches Noise;
 *	cookie reply: opened by the pending initiator;
 *	transport: opened by both live sessions, and at the expiry time.
 * Nothing may crash.  A refused call must leave its outputs wiped (and a
 * live session untouched); an accepted one must give what only the
 * genuine peer could make: the keys of the reference handshake, a cookie
 * the node sealed, a packet that seals back to the input byte for byte.
 * Any violation abort()s.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "chorus/identity.h"
#include "chorus/session.h"
#include "chorus/wire.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define FZ_CLIENT_INDEX	0x11223344u
#define FZ_NODE_INDEX	0xa1b2c3d4u
#define FZ_T0		UINT64_C(5000000)
#define FZ_REJECT	(SESSION_REJECT_AFTER_TIME * UINT64_C(1000000))

static struct identity fz_node, fz_client;
static uint8_t fz_psk[SESSION_PSK_LEN], fz_ce[32], fz_ne[32];
static uint8_t fz_tai[WIRE_TAI64N_LEN];
static uint8_t fz_node_mac1key[WIRE_KEY_LEN], fz_client_mac1key[WIRE_KEY_LEN];
static uint8_t fz_cookie[WIRE_MAC_LEN];	/* the only cookie ever sealed */
static uint8_t fz_resp_noise[WIRE_NOISE2_LEN];
static struct session_init fz_pending;	/* the client's, never finished */
static struct session fz_c, fz_n;	/* one finished handshake */
static uint8_t fz_out[WIRE_TRANSPORT_MAX];
static uint8_t fz_dg[WIRE_TRANSPORT_MAX];
static uint8_t fz_pt[WIRE_TRANSPORT_MAX];
static int fz_ready;

/* abort() unless cond holds. */
static void
fuzz_session_check(int cond)
{
	if (!cond)
		abort();
}

/* 1 if n bytes at p are all zero. */
static int
fuzz_session_zero(const void *p, size_t n)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		if (b[i] != 0)
			return 0;
	return 1;
}

/* One identity from two byte patterns. */
static void
fuzz_session_identity(struct identity *id, uint8_t ed, uint8_t x)
{
	uint8_t seed[32], priv[32];
	size_t i;

	for (i = 0; i < 32; i++) {
		seed[i] = (uint8_t)(ed + i);
		priv[i] = (uint8_t)(x + i);
	}
	fuzz_session_check(identity_from_secrets(id, seed, priv) == 0);
}

/* The fixed keys (as in test_session.c) and the reference handshake. */
static void
fuzz_session_setup(void)
{
	uint8_t init[WIRE_INITIATION_LEN], resp[WIRE_RESPONSE_LEN];
	uint8_t t[WIRE_TAI64N_LEN];
	struct session_init st;
	struct wire_msg im, rm;
	size_t i;

	memset(&fz_pending, 0, sizeof(fz_pending));

	fuzz_session_identity(&fz_node, 0x10, 0x80);
	fuzz_session_identity(&fz_client, 0x30, 0x50);
	for (i = 0; i < 32; i++) {
		fz_psk[i] = (uint8_t)(0xe0 + i);
		fz_ce[i] = (uint8_t)(i * 3 + 7);
		fz_ne[i] = (uint8_t)(i * 5 + 11);
	}
	memset(fz_cookie, 0x5c, sizeof(fz_cookie));
	wire_tai64n(1700000000, 0x05000000, fz_tai);
	fuzz_session_check(session_mac1_key(fz_node.x_pub, fz_psk,
	    fz_node_mac1key) == 0 && session_mac1_key(fz_client.x_pub, fz_psk,
	    fz_client_mac1key) == 0);
	fuzz_session_check(session_initiate(&fz_pending, &fz_client,
	    fz_node.x_pub, fz_psk, FZ_CLIENT_INDEX, fz_ce, fz_tai, NULL,
	    init) == 0);
	memcpy(&st, &fz_pending, sizeof(st));
	fuzz_session_check(wire_parse(init, sizeof(init), &im) == WIRE_OK &&
	    session_respond(&fz_node, fz_psk, &im, FZ_NODE_INDEX, fz_ne, FZ_T0,
	    &fz_n, t, resp) == 0);
	fuzz_session_check(wire_parse(resp, sizeof(resp), &rm) == WIRE_OK &&
	    session_initiator_finish(&st, &rm, FZ_T0, &fz_c) == 0);
	memcpy(fz_resp_noise, rm.noise, sizeof(fz_resp_noise));
	fz_ready = 1;
}

/* An initiation: the node's mac1 gate, then respond. */
static void
fuzz_session_initiation(const uint8_t *data, size_t size,
    const struct wire_msg *m)
{
	uint8_t resp[WIRE_RESPONSE_LEN], t[WIRE_TAI64N_LEN], key[WIRE_KEY_LEN];
	struct wire_msg rm;
	struct session s;
	int rc;

	(void)wire_check_mac1(data, size, fz_node_mac1key);
	rc = session_respond(&fz_node, fz_psk, m, FZ_NODE_INDEX, fz_ne,
	    FZ_T0, &s, t, resp);
	if (rc == -1) {
		fuzz_session_check(fuzz_session_zero(&s, sizeof(s)) &&
		    fuzz_session_zero(t, sizeof(t)) &&
		    fuzz_session_zero(resp, sizeof(resp)));
		return;
	}
	/* Accepted: the initiator's binding holds, the response is for it. */
	fuzz_session_check(s.live && !s.initiator &&
	    s.local_index == FZ_NODE_INDEX && s.remote_index == m->sender);
	fuzz_session_check(identity_verify_binding(s.peer_ed_pub,
	    s.peer_x_pub, s.peer_binding) == 0);
	fuzz_session_check(wire_parse(resp, sizeof(resp), &rm) == WIRE_OK &&
	    rm.type == WIRE_RESPONSE && rm.receiver == m->sender &&
	    rm.sender == FZ_NODE_INDEX);
	fuzz_session_check(session_mac1_key(s.peer_x_pub, fz_psk, key) == 0 &&
	    wire_check_mac1(resp, sizeof(resp), key) == 0);
	session_wipe(&s);
}

/* A response to the pending initiator; 0 if it finished. */
static int
fuzz_session_finish(const struct wire_msg *m)
{
	struct session_init st;
	struct session c;

	memcpy(&st, &fz_pending, sizeof(st));
	if (session_initiator_finish(&st, m, FZ_T0, &c) == -1) {
		fuzz_session_check(fuzz_session_zero(&c, sizeof(c)));
		/* Either kept whole (refused before Noise) or wiped. */
		fuzz_session_check(memcmp(&st, &fz_pending, sizeof(st)) == 0 ||
		    fuzz_session_zero(&st, sizeof(st)));
		session_init_wipe(&st);
		return -1;
	}
	/* Only the node's own message 2 can finish it: the reference keys. */
	fuzz_session_check(memcmp(m->noise, fz_resp_noise,
	    sizeof(fz_resp_noise)) == 0);
	fuzz_session_check(fuzz_session_zero(&st, sizeof(st)));
	fuzz_session_check(c.live && c.initiator &&
	    c.remote_index == m->sender && c.local_index == FZ_CLIENT_INDEX);
	fuzz_session_check(memcmp(c.send.k, fz_c.send.k, NOISE_KEY_LEN) == 0 &&
	    memcmp(c.recv.k, fz_c.recv.k, NOISE_KEY_LEN) == 0 &&
	    memcmp(c.hash, fz_c.hash, NOISE_HASH_LEN) == 0);
	session_wipe(&c);
	return 0;
}

/* A response as it came, then with the mac1 the client expects. */
static void
fuzz_session_response(const uint8_t *data, size_t size,
    const struct wire_msg *m)
{
	uint8_t copy[WIRE_RESPONSE_LEN];
	struct wire_msg cm;
	int rc;

	rc = fuzz_session_finish(m);
	fuzz_session_check(rc == -1 ||
	    wire_check_mac1(data, size, fz_client_mac1key) == 0);
	memcpy(copy, data, sizeof(copy));
	fuzz_session_check(wire_add_macs(copy, sizeof(copy),
	    fz_client_mac1key, NULL) == 0 &&
	    wire_parse(copy, sizeof(copy), &cm) == WIRE_OK);
	(void)fuzz_session_finish(&cm);
}

/* A cookie reply to the pending initiation. */
static void
fuzz_session_cookie(const struct wire_msg *m)
{
	uint8_t cookie[WIRE_MAC_LEN];

	if (session_initiator_cookie(&fz_pending, m, cookie) == -1) {
		fuzz_session_check(fuzz_session_zero(cookie, sizeof(cookie)));
		return;
	}
	fuzz_session_check(m->receiver == FZ_CLIENT_INDEX &&
	    memcmp(cookie, fz_cookie, sizeof(cookie)) == 0);
}

/*
 * A transport message to a copy of live (from peer, another copy): a
 * refusal changes nothing and wipes the output; an accepted packet is
 * refused the second time, and sealed again by the peer at the same
 * counter gives the input back.
 */
static void
fuzz_session_open(const struct session *live, const struct session *peer,
    const uint8_t *data, size_t size, const struct wire_msg *m)
{
	struct session s, p;
	size_t olen, dlen, ptlen;

	memcpy(&s, live, sizeof(s));
	memcpy(&p, peer, sizeof(p));
	ptlen = m->datalen - NOISE_TAG_LEN;
	memset(fz_out, 0xaa, ptlen);
	if (session_open(&s, FZ_T0 + 1, m, fz_out, sizeof(fz_out),
	    &olen) == -1) {
		fuzz_session_check(olen == 0 &&
		    fuzz_session_zero(fz_out, ptlen) &&
		    memcmp(&s, live, sizeof(s)) == 0);
		goto done;
	}
	fuzz_session_check(olen == ptlen && m->receiver == live->local_index);
	memcpy(fz_pt, fz_out, olen);
	fuzz_session_check(session_open(&s, FZ_T0 + 1, m, fz_out,
	    sizeof(fz_out), &dlen) == -1 && dlen == 0 &&
	    fuzz_session_zero(fz_out, ptlen));
	if (olen <= SESSION_MAX_PACKET) {
		p.send_counter = m->counter;
		fuzz_session_check(session_seal(&p, FZ_T0 + 1, fz_pt, olen,
		    fz_dg, sizeof(fz_dg), &dlen) == 0 && dlen == size &&
		    memcmp(fz_dg, data, size) == 0);
	}
done:
	/* At REJECT_AFTER_TIME nothing opens, and the keys are gone. */
	memcpy(&s, live, sizeof(s));
	fuzz_session_check(session_open(&s, FZ_T0 + FZ_REJECT, m, fz_out,
	    sizeof(fz_out), &olen) == -1 && olen == 0 && !s.live &&
	    fuzz_session_zero(&s.recv, sizeof(s.recv)));
	session_wipe(&s);
	session_wipe(&p);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wire_msg m;
	uint8_t cookie[WIRE_MAC_LEN];
	size_t olen;

	if (!fz_ready)
		fuzz_session_setup();
	if (wire_parse(data, size, &m) != WIRE_OK) {
		/* The zeroed view is refused by every call. */
		fuzz_session_check(fuzz_session_zero(&m, sizeof(m)));
		fuzz_session_check(session_open(&fz_n, FZ_T0, &m, fz_out,
		    sizeof(fz_out), &olen) == -1 && olen == 0);
		fuzz_session_check(session_initiator_cookie(&fz_pending, &m,
		    cookie) == -1);
		fuzz_session_check(fuzz_session_finish(&m) == -1);
		return 0;
	}
	switch (m.type) {
	case WIRE_INITIATION:
		fuzz_session_initiation(data, size, &m);
		break;
	case WIRE_RESPONSE:
		fuzz_session_response(data, size, &m);
		break;
	case WIRE_COOKIE:
		fuzz_session_cookie(&m);
		break;
	case WIRE_TRANSPORT:
		fuzz_session_open(&fz_n, &fz_c, data, size, &m);
		fuzz_session_open(&fz_c, &fz_n, data, size, &m);
		break;
	default:
		abort();
	}
	return 0;
}

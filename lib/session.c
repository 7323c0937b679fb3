/*
 * session.c - Chorus sessions: the Noise IKpsk2 handshake carried in
 * WireGuard-shaped datagrams, then the transport (doc/PROTOCOL.md
 * "Chorus sessions").
 *
 * Owns struct session_init (an initiator's pending handshake) and struct
 * session (live transport keys).  It glues noise.c (the handshake state
 * machine), wire.c (datagram layout, mac1, cookies) and replay.c (the
 * receive window) together; it reads no clock and draws no random
 * numbers: ephemeral keys, indexes, TAI64N labels and monotonic
 * microseconds are the caller's.
 *
 * Keys are wiped when a session ends (session_wipe()), when a call finds
 * it expired, and whenever a handshake call fails.  A forged transport
 * datagram only fails its own call: it never touches the session, so an
 * attacker cannot end a session by sending garbage at it.
 */
#include <string.h>

#include "chorus/buf.h"
#include "chorus/crypto.h"
#include "chorus/identity.h"
#include "chorus/noise.h"
#include "chorus/replay.h"
#include "chorus/session.h"
#include "chorus/wire.h"

#define SESSION_USEC		UINT64_C(1000000)
#define SESSION_LABEL_LEN	(sizeof(WIRE_LABEL_MAC1) - 1)
#define SESSION_MAC1_IN_LEN	(SESSION_LABEL_LEN + CRYPTO_X25519_LEN + \
				    SESSION_PSK_LEN)
#define SESSION_BINDING_OFF	(WIRE_TAI64N_LEN + CRYPTO_ED25519_PUB_LEN)

_Static_assert(SESSION_PSK_LEN == NOISE_KEY_LEN, "psk is a Noise key");
_Static_assert(SESSION_REJECT_AFTER_MSGS == REPLAY_REJECT_AFTER,
    "send and receive share the counter limit");
_Static_assert(SESSION_MAX_PACKET + NOISE_TAG_LEN <= NOISE_MAX_MSG,
    "a packet fits one Noise message");

static const uint8_t session_zero_psk[SESSION_PSK_LEN];

/* 1 if psk is NULL or all zero: a public node. */
static int
session_psk_public(const uint8_t *psk)
{
	uint8_t acc = 0;
	size_t i;

	if (psk == NULL)
		return 1;
	/* No early exit: whether a byte is zero says nothing either way. */
	for (i = 0; i < SESSION_PSK_LEN; i++)
		acc |= psk[i];
	return acc == 0;
}

/* A NULL psk means the public node's 32 zero bytes. */
static const uint8_t *
session_psk(const uint8_t *psk)
{
	return psk != NULL ? psk : session_zero_psk;
}

/*
 * mac1 key: BLAKE2s-256("mac1----" || static key), with the psk appended
 * on a private node so that strangers fail mac1 and get no reply at all.
 */
int
session_mac1_key(const uint8_t node_x_pub[CRYPTO_X25519_LEN],
    const uint8_t *psk, uint8_t out[WIRE_KEY_LEN])
{
	uint8_t in[SESSION_MAC1_IN_LEN];
	struct buf_writer w;
	int rc = -1;

	if (session_psk_public(psk))
		return wire_mac1_key(node_x_pub, out);
	buf_wr_init(&w, in, sizeof(in));
	buf_put_bytes(&w, WIRE_LABEL_MAC1, SESSION_LABEL_LEN);
	buf_put_bytes(&w, node_x_pub, CRYPTO_X25519_LEN);
	buf_put_bytes(&w, psk, SESSION_PSK_LEN);
	if (buf_wr_error(&w) == -1 || buf_wr_len(&w) != sizeof(in))
		goto fail;
	if (crypto_blake2s(in, sizeof(in), out) == -1)
		goto fail;
	rc = 0;
fail:
	crypto_wipe(in, sizeof(in));
	if (rc == -1)
		crypto_wipe(out, WIRE_KEY_LEN);
	return rc;
}

/* Copy the mac1 field of a finished handshake message into mac1. */
static int
session_copy_mac1(const uint8_t *msg, size_t len, uint8_t mac1[WIRE_MAC_LEN])
{
	struct wire_msg m;

	if (wire_parse(msg, len, &m) != WIRE_OK || m.mac1 == NULL)
		return -1;
	memcpy(mac1, m.mac1, WIRE_MAC_LEN);
	return 0;
}

/* Initiator: Noise message 1 (e, es, s, ss) with payload 1, then macs. */
int
session_initiate(struct session_init *st, const struct identity *me,
    const uint8_t node_x_pub[CRYPTO_X25519_LEN],
    const uint8_t psk[SESSION_PSK_LEN], uint32_t local_index,
    const uint8_t e_priv[CRYPTO_X25519_LEN],
    const uint8_t tai64n[WIRE_TAI64N_LEN], const uint8_t *cookie,
    uint8_t out[WIRE_INITIATION_LEN])
{
	uint8_t p1[WIRE_PAYLOAD1_LEN], noise[WIRE_NOISE1_LEN];
	uint8_t nodekey[WIRE_KEY_LEN];
	size_t len;
	int rc = -1;

	memset(st, 0, sizeof(*st));
	if (noise_hs_init(&st->hs, NOISE_IKPSK2, 1, WIRE_PROLOGUE,
	    WIRE_PROLOGUE_LEN, me->x_priv, node_x_pub, session_psk(psk)) == -1)
		goto fail;
	if (wire_payload1(p1, tai64n, me->ed_pub, me->binding) == -1)
		goto fail;
	/* -> e, es, s, ss, {payload 1} */
	if (noise_hs_write(&st->hs, e_priv, p1, sizeof(p1), noise,
	    sizeof(noise), &len) == -1 || len != WIRE_NOISE1_LEN)
		goto fail;
	if (wire_initiation(out, local_index, noise) == -1)
		goto fail;
	/* mac1 for the node; mac2 with its cookie, if we hold one. */
	if (session_mac1_key(node_x_pub, psk, nodekey) == -1 ||
	    wire_add_macs(out, WIRE_INITIATION_LEN, nodekey, cookie) == -1 ||
	    session_copy_mac1(out, WIRE_INITIATION_LEN, st->mac1) == -1)
		goto fail;
	/* What the reply needs: our own mac1 key, the node's cookie key. */
	if (session_mac1_key(me->x_pub, psk, st->mac1key) == -1 ||
	    wire_cookie_key(node_x_pub, st->cookiekey) == -1)
		goto fail;
	memcpy(st->node_x_pub, node_x_pub, CRYPTO_X25519_LEN);
	st->local_index = local_index;
	rc = 0;
fail:
	crypto_wipe(p1, sizeof(p1));
	crypto_wipe(noise, sizeof(noise));
	crypto_wipe(nodekey, sizeof(nodekey));
	if (rc == -1) {
		session_init_wipe(st);
		crypto_wipe(out, WIRE_INITIATION_LEN);
	}
	return rc;
}

/*
 * 0 if a parsed response's mac1 is right for mac1key.  The parsed view
 * holds every byte mac1 covers (wire_parse() checked the reserved bytes
 * are zero), so the message is rebuilt from it and macked again.
 */
static int
session_check_resp_mac1(const struct wire_msg *m,
    const uint8_t mac1key[WIRE_KEY_LEN])
{
	uint8_t msg[WIRE_RESPONSE_LEN], mac1[WIRE_MAC_LEN];
	int rc = -1;

	if (wire_response(msg, m->sender, m->receiver, m->noise) == -1 ||
	    wire_add_macs(msg, sizeof(msg), mac1key, NULL) == -1 ||
	    session_copy_mac1(msg, sizeof(msg), mac1) == -1)
		goto fail;
	rc = crypto_memeq(mac1, m->mac1, WIRE_MAC_LEN);
fail:
	crypto_wipe(mac1, sizeof(mac1));
	return rc;
}

/* Fill the fields both sides' sessions share, after Split. */
static void
session_start(struct session *s, const struct noise_hs *hs,
    uint32_t local_index, uint32_t remote_index, uint64_t now_usec)
{
	replay_init(&s->replay);
	s->local_index = local_index;
	s->remote_index = remote_index;
	s->send_counter = 0;
	s->created_usec = now_usec;
	memcpy(s->hash, hs->h, NOISE_HASH_LEN);
	s->initiator = hs->initiator != 0;
	s->live = 1;
}

/* Initiator: Noise message 2 (e, ee, se, psk), then Split. */
int
session_initiator_finish(struct session_init *st,
    const struct wire_msg *resp, uint64_t now_usec, struct session *s)
{
	size_t plen;

	memset(s, 0, sizeof(*s));
	/* Checks that cost no DH and leave the handshake pending. */
	if (!st->hs.ready || resp->type != WIRE_RESPONSE ||
	    resp->noise == NULL || resp->noiselen != WIRE_NOISE2_LEN ||
	    resp->mac1 == NULL || resp->receiver != st->local_index)
		return -1;
	if (session_check_resp_mac1(resp, st->mac1key) != 0)
		return -1;
	/* <- e, ee, se, psk, {} */
	if (noise_hs_read(&st->hs, resp->noise, resp->noiselen, NULL, 0,
	    &plen) == -1 || plen != 0)
		goto fail;
	if (noise_hs_split(&st->hs, &s->send, &s->recv) == -1)
		goto fail;
	session_start(s, &st->hs, st->local_index, resp->sender, now_usec);
	memcpy(s->peer_x_pub, st->node_x_pub, CRYPTO_X25519_LEN);
	session_init_wipe(st);
	return 0;
fail:
	/* Noise has wiped its state: this handshake is over. */
	session_init_wipe(st);
	session_wipe(s);
	return -1;
}

/* Initiator: open the cookie the node sealed to our initiation's mac1. */
int
session_initiator_cookie(const struct session_init *st,
    const struct wire_msg *reply, uint8_t cookie[WIRE_MAC_LEN])
{
	if (!st->hs.ready || reply->type != WIRE_COOKIE ||
	    reply->receiver != st->local_index ||
	    wire_cookie_open(reply, st->cookiekey, st->mac1, cookie) == -1) {
		crypto_wipe(cookie, WIRE_MAC_LEN);
		return -1;
	}
	return 0;
}

/* Wipe a pending handshake: every byte is zero afterwards. */
void
session_init_wipe(struct session_init *st)
{
	noise_hs_wipe(&st->hs);
	crypto_wipe(st, sizeof(*st));
}

/*
 * Check payload 1 against the static key Noise authenticated, and keep
 * the initiator's ID and binding in s, its timestamp in tai64n.
 */
static int
session_take_payload1(struct session *s, const uint8_t p1[WIRE_PAYLOAD1_LEN],
    const uint8_t x_pub[CRYPTO_X25519_LEN], uint8_t tai64n[WIRE_TAI64N_LEN])
{
	struct buf_reader r;

	/* "Identities": the binding is the ID's signature over s */
	if (wire_payload1_parse(p1, x_pub, tai64n, s->peer_ed_pub) == -1)
		return -1;
	buf_rd_init(&r, p1, WIRE_PAYLOAD1_LEN);
	if (buf_skip(&r, SESSION_BINDING_OFF) == -1 ||
	    buf_get_bytes(&r, s->peer_binding, CRYPTO_ED25519_SIG_LEN) == -1)
		return -1;
	memcpy(s->peer_x_pub, x_pub, CRYPTO_X25519_LEN);
	return 0;
}

/* Responder: read message 1, check the binding, write message 2, Split. */
int
session_respond(const struct identity *node,
    const uint8_t psk[SESSION_PSK_LEN], const struct wire_msg *init,
    uint32_t local_index, const uint8_t e_priv[CRYPTO_X25519_LEN],
    uint64_t now_usec, struct session *s, uint8_t tai64n[WIRE_TAI64N_LEN],
    uint8_t out[WIRE_RESPONSE_LEN])
{
	struct noise_hs hs;
	uint8_t p1[WIRE_PAYLOAD1_LEN], noise[WIRE_NOISE2_LEN];
	uint8_t key[WIRE_KEY_LEN];
	const uint8_t *rs;
	size_t len;
	int rc = -1;

	memset(&hs, 0, sizeof(hs));
	memset(s, 0, sizeof(*s));
	if (init->type != WIRE_INITIATION || init->noise == NULL ||
	    init->noiselen != WIRE_NOISE1_LEN)
		goto fail;
	if (noise_hs_init(&hs, NOISE_IKPSK2, 0, WIRE_PROLOGUE,
	    WIRE_PROLOGUE_LEN, node->x_priv, NULL, session_psk(psk)) == -1)
		goto fail;
	/* -> e, es, s, ss, {payload 1} */
	if (noise_hs_read(&hs, init->noise, init->noiselen, p1, sizeof(p1),
	    &len) == -1 || len != WIRE_PAYLOAD1_LEN)
		goto fail;
	if ((rs = noise_hs_remote_static(&hs)) == NULL ||
	    session_take_payload1(s, p1, rs, tai64n) == -1)
		goto fail;
	/* <- e, ee, se, psk, {} */
	if (noise_hs_write(&hs, e_priv, NULL, 0, noise, sizeof(noise),
	    &len) == -1 || len != WIRE_NOISE2_LEN)
		goto fail;
	if (wire_response(out, local_index, init->sender, noise) == -1)
		goto fail;
	/* mac1 keyed for the initiator, by the same psk rule as ours. */
	if (session_mac1_key(s->peer_x_pub, psk, key) == -1 ||
	    wire_add_macs(out, WIRE_RESPONSE_LEN, key, NULL) == -1)
		goto fail;
	if (noise_hs_split(&hs, &s->send, &s->recv) == -1)
		goto fail;
	session_start(s, &hs, local_index, init->sender, now_usec);
	rc = 0;
fail:
	noise_hs_wipe(&hs);
	crypto_wipe(p1, sizeof(p1));
	crypto_wipe(key, sizeof(key));
	if (rc == -1) {
		session_wipe(s);
		crypto_wipe(tai64n, WIRE_TAI64N_LEN);
		crypto_wipe(out, WIRE_RESPONSE_LEN);
	}
	return rc;
}

/* The session has ended: wipe its keys, keep the indexes for lookup. */
static void
session_end(struct session *s)
{
	noise_cs_wipe(&s->send);
	noise_cs_wipe(&s->recv);
	crypto_wipe(s->hash, sizeof(s->hash));
	s->live = 0;
}

/* Seal one packet under the send key at the next counter. */
int
session_seal(struct session *s, uint64_t now_usec, const void *pkt,
    size_t len, uint8_t *out, size_t cap, size_t *outlen)
{
	struct buf_writer w;
	uint8_t *hdr, *ct;

	*outlen = 0;
	if (!s->live)
		return -1;
	if (session_expired(s, now_usec)) {
		session_end(s);
		return -1;
	}
	if (len > SESSION_MAX_PACKET ||
	    cap < WIRE_TRANSPORT_HDR + len + NOISE_TAG_LEN)
		return -1;
	buf_wr_init(&w, out, cap);
	if (buf_put_reserve(&w, WIRE_TRANSPORT_HDR, &hdr) == -1 ||
	    buf_put_reserve(&w, len + NOISE_TAG_LEN, &ct) == -1)
		return -1;
	wire_transport_header(hdr, s->remote_index, s->send_counter);
	if (noise_cs_encrypt_at(&s->send, s->send_counter, NULL, 0, pkt, len,
	    ct) == -1) {
		crypto_wipe(out, buf_wr_len(&w));
		return -1;
	}
	/* A counter is never used twice, even if the caller drops this. */
	s->send_counter++;
	*outlen = buf_wr_len(&w);
	return 0;
}

/* Replay check, decrypt, record: in that order (doc "Replay window"). */
int
session_open(struct session *s, uint64_t now_usec, const struct wire_msg *m,
    uint8_t *out, size_t cap, size_t *outlen)
{
	size_t ptlen = 0;
	int rc = -1;

	*outlen = 0;
	if (m->type != WIRE_TRANSPORT || m->data == NULL ||
	    m->datalen < NOISE_TAG_LEN)
		return -1;
	ptlen = m->datalen - NOISE_TAG_LEN;
	if (!s->live)
		goto fail;
	if (session_expired(s, now_usec)) {
		session_end(s);
		goto fail;
	}
	if (m->receiver != s->local_index || ptlen > cap)
		goto fail;
	/* Before decrypting, so old and replayed counters cost no AEAD. */
	if (replay_check(&s->replay, m->counter) == -1)
		goto fail;
	if (noise_cs_decrypt_at(&s->recv, m->counter, NULL, 0, m->data,
	    m->datalen, out) == -1)
		goto fail;
	/* Only an authentic message moves the window. */
	if (replay_update(&s->replay, m->counter) == -1)
		goto fail;
	*outlen = ptlen;
	rc = 0;
fail:
	if (rc == -1)
		crypto_wipe(out, ptlen < cap ? ptlen : cap);
	return rc;
}

/* Initiator only: rekey by age or by messages sent (WireGuard timers). */
int
session_needs_rekey(const struct session *s, uint64_t now_usec)
{
	if (!s->live || !s->initiator)
		return 0;
	if (s->send_counter >= SESSION_REKEY_AFTER_MSGS)
		return 1;
	return now_usec < s->created_usec ||
	    now_usec - s->created_usec >= SESSION_REKEY_AFTER_TIME * SESSION_USEC;
}

/*
 * Expired: not live, REJECT_AFTER_TIME old, or every counter used.  A
 * clock that runs backwards (now before created) also expires the keys,
 * since their age is then unknown.
 */
int
session_expired(const struct session *s, uint64_t now_usec)
{
	if (!s->live || s->send_counter >= SESSION_REJECT_AFTER_MSGS)
		return 1;
	return now_usec < s->created_usec ||
	    now_usec - s->created_usec >=
	    SESSION_REJECT_AFTER_TIME * SESSION_USEC;
}

/* Wipe the whole session: every byte is zero afterwards. */
void
session_wipe(struct session *s)
{
	noise_cs_wipe(&s->send);
	noise_cs_wipe(&s->recv);
	crypto_wipe(s, sizeof(*s));
}

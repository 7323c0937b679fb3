/*
 * wire.c - Chorus session datagrams (doc/PROTOCOL.md, "Chorus sessions:
 * datagrams"), laid out as WireGuard lays out its messages.
 *
 * Owns the wire_* functions: parsing a datagram into a struct wire_msg
 * (type, reserved bytes, exact length), building the clear parts of each
 * message around the Noise bytes, mac1/mac2 (keyed BLAKE2s-16), cookies
 * and their encrypted reply, the initiation's payload and TAI64N
 * timestamps.  Every read goes through a buf_reader; nothing here touches
 * a socket, a clock or an RNG.
 */
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "chorus/buf.h"
#include "chorus/crypto.h"
#include "chorus/identity.h"
#include "chorus/wire.h"

#define WIRE_RESERVED_LEN	3
#define WIRE_LABEL_LEN		8	/* "mac1----", "cookie--" */
#define WIRE_TAI64_BASE		(UINT64_C(1) << 62)	/* TAI64 epoch */
#define WIRE_COOKIE_ADDR_MAX	(16 + 2)	/* IPv6 address and port */
#define WIRE_MACS_LEN		(2 * WIRE_MAC_LEN)

/* Read the type byte and check the reserved bytes after it. */
static enum wire_error
wire_parse_header(struct buf_reader *r, uint8_t *type)
{
	uint8_t b;
	int i;

	if (buf_get_u8(r, type) == -1)
		return WIRE_ELENGTH;
	if (*type < WIRE_INITIATION || *type > WIRE_TRANSPORT)
		return WIRE_ETYPE;
	for (i = 0; i < WIRE_RESERVED_LEN; i++) {
		if (buf_get_u8(r, &b) == -1)
			return WIRE_ELENGTH;
		if (b != 0)
			return WIRE_ERESERVED;
	}
	return WIRE_OK;
}

/* The fields after the header of an initiation or a response. */
static enum wire_error
wire_parse_handshake(struct buf_reader *r, struct wire_msg *m)
{
	size_t want = m->type == WIRE_INITIATION ? WIRE_INITIATION_LEN :
	    WIRE_RESPONSE_LEN;

	if (buf_rd_left(r) != want - WIRE_HDR_LEN)
		return WIRE_ELENGTH;
	m->noiselen = m->type == WIRE_INITIATION ? WIRE_NOISE1_LEN :
	    WIRE_NOISE2_LEN;
	if (buf_get_n32(r, &m->sender) == -1)
		return WIRE_ELENGTH;
	if (m->type == WIRE_RESPONSE && buf_get_n32(r, &m->receiver) == -1)
		return WIRE_ELENGTH;
	if (buf_get_ptr(r, m->noiselen, &m->noise) == -1 ||
	    buf_get_ptr(r, WIRE_MAC_LEN, &m->mac1) == -1 ||
	    buf_get_ptr(r, WIRE_MAC_LEN, &m->mac2) == -1)
		return WIRE_ELENGTH;
	return WIRE_OK;
}

/* The fields after the header of a cookie reply. */
static enum wire_error
wire_parse_cookie(struct buf_reader *r, struct wire_msg *m)
{
	if (buf_rd_left(r) != WIRE_COOKIE_LEN - WIRE_HDR_LEN)
		return WIRE_ELENGTH;
	if (buf_get_n32(r, &m->receiver) == -1 ||
	    buf_get_ptr(r, WIRE_NONCE_LEN, &m->nonce) == -1 ||
	    buf_get_ptr(r, WIRE_SEALED_COOKIE_LEN, &m->sealed_cookie) == -1)
		return WIRE_ELENGTH;
	return WIRE_OK;
}

/* The fields after the header of a transport message. */
static enum wire_error
wire_parse_transport(struct buf_reader *r, struct wire_msg *m)
{
	size_t left = buf_rd_left(r);

	if (left < WIRE_TRANSPORT_MIN - WIRE_HDR_LEN ||
	    left > WIRE_TRANSPORT_MAX - WIRE_HDR_LEN)
		return WIRE_ELENGTH;
	if (buf_get_n32(r, &m->receiver) == -1 ||
	    buf_get_n64(r, &m->counter) == -1)
		return WIRE_ELENGTH;
	m->datalen = buf_rd_left(r);
	if (buf_get_ptr(r, m->datalen, &m->data) == -1)
		return WIRE_ELENGTH;
	return WIRE_OK;
}

/* Check a datagram's type, reserved bytes and length, and split it. */
enum wire_error
wire_parse(const uint8_t *p, size_t len, struct wire_msg *m)
{
	struct buf_reader r;
	enum wire_error e;

	memset(m, 0, sizeof(*m));
	buf_rd_init(&r, p, len);
	if ((e = wire_parse_header(&r, &m->type)) != WIRE_OK)
		goto fail;
	switch (m->type) {
	case WIRE_INITIATION:
	case WIRE_RESPONSE:
		e = wire_parse_handshake(&r, m);
		break;
	case WIRE_COOKIE:
		e = wire_parse_cookie(&r, m);
		break;
	default:
		e = wire_parse_transport(&r, m);
		break;
	}
	if (e == WIRE_OK)
		return WIRE_OK;
fail:
	memset(m, 0, sizeof(*m));
	return e;
}

/* Text of a wire_error. */
const char *
wire_strerror(enum wire_error e)
{
	switch (e) {
	case WIRE_OK:
		return "ok";
	case WIRE_ETYPE:
		return "unknown or reserved message type";
	case WIRE_ERESERVED:
		return "reserved bytes not zero";
	case WIRE_ELENGTH:
		return "wrong length for the message type";
	}
	return "unknown error";
}

/* Type byte and three zero bytes. */
static void
wire_put_header(struct buf_writer *w, uint8_t type)
{
	buf_put_u8(w, type);
	buf_put_zero(w, WIRE_RESERVED_LEN);
}

/* An initiation without its macs (they are zero until wire_add_macs). */
int
wire_initiation(uint8_t out[WIRE_INITIATION_LEN], uint32_t sender,
    const uint8_t noise[WIRE_NOISE1_LEN])
{
	struct buf_writer w;

	buf_wr_init(&w, out, WIRE_INITIATION_LEN);
	wire_put_header(&w, WIRE_INITIATION);
	buf_put_n32(&w, sender);
	buf_put_bytes(&w, noise, WIRE_NOISE1_LEN);
	buf_put_zero(&w, WIRE_MACS_LEN);
	if (buf_wr_error(&w) == -1 || buf_wr_len(&w) != WIRE_INITIATION_LEN)
		return -1;
	return 0;
}

/* A response without its macs (they are zero until wire_add_macs). */
int
wire_response(uint8_t out[WIRE_RESPONSE_LEN], uint32_t sender,
    uint32_t receiver, const uint8_t noise[WIRE_NOISE2_LEN])
{
	struct buf_writer w;

	buf_wr_init(&w, out, WIRE_RESPONSE_LEN);
	wire_put_header(&w, WIRE_RESPONSE);
	buf_put_n32(&w, sender);
	buf_put_n32(&w, receiver);
	buf_put_bytes(&w, noise, WIRE_NOISE2_LEN);
	buf_put_zero(&w, WIRE_MACS_LEN);
	if (buf_wr_error(&w) == -1 || buf_wr_len(&w) != WIRE_RESPONSE_LEN)
		return -1;
	return 0;
}

/* The transport header: type 7, zeros, receiver index, counter. */
void
wire_transport_header(uint8_t out[WIRE_TRANSPORT_HDR], uint32_t receiver,
    uint64_t counter)
{
	struct buf_writer w;

	buf_wr_init(&w, out, WIRE_TRANSPORT_HDR);
	wire_put_header(&w, WIRE_TRANSPORT);
	buf_put_n32(&w, receiver);
	buf_put_n64(&w, counter);
}

/* BLAKE2s-256(label || static public key). */
static int
wire_label_key(const char *label, const uint8_t pub[CRYPTO_X25519_LEN],
    uint8_t out[WIRE_KEY_LEN])
{
	return crypto_blake2s2(label, WIRE_LABEL_LEN, pub, CRYPTO_X25519_LEN,
	    out);
}

/* The mac1 key for messages to the holder of static_pub. */
int
wire_mac1_key(const uint8_t static_pub[CRYPTO_X25519_LEN],
    uint8_t out[WIRE_KEY_LEN])
{
	return wire_label_key(WIRE_LABEL_MAC1, static_pub, out);
}

/* The key cookie replies from the holder of static_pub are sealed with. */
int
wire_cookie_key(const uint8_t static_pub[CRYPTO_X25519_LEN],
    uint8_t out[WIRE_KEY_LEN])
{
	return wire_label_key(WIRE_LABEL_COOKIE, static_pub, out);
}

/* 0 if msg is a well-formed initiation or response, else -1. */
static int
wire_is_handshake(const uint8_t *msg, size_t len)
{
	struct wire_msg m;

	if (wire_parse(msg, len, &m) != WIRE_OK)
		return -1;
	if (m.type != WIRE_INITIATION && m.type != WIRE_RESPONSE)
		return -1;
	return 0;
}

/* Fill mac1 (and mac2 with a cookie) of an initiation or response. */
int
wire_add_macs(uint8_t *msg, size_t len, const uint8_t mac1key[WIRE_KEY_LEN],
    const uint8_t cookie[WIRE_MAC_LEN])
{
	struct buf_writer w;
	uint8_t *body, *mac1, *mac2;
	size_t bodylen;

	if (wire_is_handshake(msg, len) == -1)
		return -1;
	bodylen = len - WIRE_MACS_LEN;
	buf_wr_init(&w, msg, len);
	buf_put_reserve(&w, bodylen, &body);
	buf_put_reserve(&w, WIRE_MAC_LEN, &mac1);
	buf_put_reserve(&w, WIRE_MAC_LEN, &mac2);
	if (buf_wr_error(&w) == -1)
		return -1;
	/* mac1 = MAC(HASH("mac1----" || S_pub), msg[0:mac1]) */
	if (crypto_blake2s_mac(mac1key, WIRE_KEY_LEN, body, bodylen, mac1,
	    WIRE_MAC_LEN) == -1)
		return -1;
	/* mac2 = cookie ? MAC(cookie, msg[0:mac2]) : zero */
	if (cookie == NULL) {
		memset(mac2, 0, WIRE_MAC_LEN);
		return 0;
	}
	return crypto_blake2s_mac(cookie, WIRE_MAC_LEN, body,
	    bodylen + WIRE_MAC_LEN, mac2, WIRE_MAC_LEN);
}

/* Compare the MAC keyed with key over msg[0:covered] with want. */
static int
wire_check_mac(const uint8_t *key, size_t keylen, const uint8_t *msg,
    size_t covered, const uint8_t want[WIRE_MAC_LEN])
{
	uint8_t got[WIRE_MAC_LEN];
	int rc;

	if (crypto_blake2s_mac(key, keylen, msg, covered, got,
	    WIRE_MAC_LEN) == -1)
		return -1;
	rc = crypto_memeq(got, want, WIRE_MAC_LEN);
	crypto_wipe(got, sizeof(got));
	return rc;
}

/* 0 if the handshake message's mac1 is right for mac1key. */
int
wire_check_mac1(const uint8_t *msg, size_t len,
    const uint8_t mac1key[WIRE_KEY_LEN])
{
	struct wire_msg m;

	if (wire_parse(msg, len, &m) != WIRE_OK || m.mac1 == NULL)
		return -1;
	return wire_check_mac(mac1key, WIRE_KEY_LEN, msg, len - WIRE_MACS_LEN,
	    m.mac1);
}

/* 0 if the handshake message's mac2 is right for cookie. */
int
wire_check_mac2(const uint8_t *msg, size_t len,
    const uint8_t cookie[WIRE_MAC_LEN])
{
	struct wire_msg m;

	if (wire_parse(msg, len, &m) != WIRE_OK || m.mac2 == NULL)
		return -1;
	return wire_check_mac(cookie, WIRE_MAC_LEN, msg, len - WIRE_MAC_LEN,
	    m.mac2);
}

/* The cookie: MAC(secret, source address bytes || port bytes). */
int
wire_cookie_make(const uint8_t secret[WIRE_KEY_LEN],
    const struct sockaddr *src, uint8_t cookie[WIRE_MAC_LEN])
{
	const struct sockaddr_in *sin;
	const struct sockaddr_in6 *sin6;
	uint8_t in[WIRE_COOKIE_ADDR_MAX];
	struct buf_writer w;
	int rc;

	buf_wr_init(&w, in, sizeof(in));
	if (src->sa_family == AF_INET) {
		sin = (const struct sockaddr_in *)(const void *)src;
		buf_put_bytes(&w, &sin->sin_addr, sizeof(sin->sin_addr));
		buf_put_n16(&w, ntohs(sin->sin_port));
	} else if (src->sa_family == AF_INET6) {
		sin6 = (const struct sockaddr_in6 *)(const void *)src;
		buf_put_bytes(&w, &sin6->sin6_addr, sizeof(sin6->sin6_addr));
		buf_put_n16(&w, ntohs(sin6->sin6_port));
	} else {
		crypto_wipe(cookie, WIRE_MAC_LEN);
		return -1;
	}
	if (buf_wr_error(&w) == -1)
		return -1;
	rc = crypto_blake2s_mac(secret, WIRE_KEY_LEN, in, buf_wr_len(&w),
	    cookie, WIRE_MAC_LEN);
	crypto_wipe(in, sizeof(in));
	return rc;
}

/* A cookie reply: the cookie sealed under cookiekey with AD = mac1. */
int
wire_cookie_reply(uint8_t out[WIRE_COOKIE_LEN], uint32_t receiver,
    const uint8_t nonce[WIRE_NONCE_LEN], const uint8_t cookie[WIRE_MAC_LEN],
    const uint8_t cookiekey[WIRE_KEY_LEN], const uint8_t mac1[WIRE_MAC_LEN])
{
	struct buf_writer w;
	uint8_t *sealed;

	buf_wr_init(&w, out, WIRE_COOKIE_LEN);
	wire_put_header(&w, WIRE_COOKIE);
	buf_put_n32(&w, receiver);
	buf_put_bytes(&w, nonce, WIRE_NONCE_LEN);
	buf_put_reserve(&w, WIRE_SEALED_COOKIE_LEN, &sealed);
	if (buf_wr_error(&w) == -1 || buf_wr_len(&w) != WIRE_COOKIE_LEN)
		return -1;
	if (crypto_aead_seal_iv(cookiekey, nonce, mac1, WIRE_MAC_LEN, cookie,
	    WIRE_MAC_LEN, sealed) == -1) {
		crypto_wipe(out, WIRE_COOKIE_LEN);
		return -1;
	}
	return 0;
}

/* Open the cookie of a parsed cookie reply. */
int
wire_cookie_open(const struct wire_msg *m,
    const uint8_t cookiekey[WIRE_KEY_LEN], const uint8_t mac1[WIRE_MAC_LEN],
    uint8_t cookie[WIRE_MAC_LEN])
{
	if (m->type != WIRE_COOKIE || m->nonce == NULL ||
	    m->sealed_cookie == NULL) {
		crypto_wipe(cookie, WIRE_MAC_LEN);
		return -1;
	}
	return crypto_aead_open_iv(cookiekey, m->nonce, mac1, WIRE_MAC_LEN,
	    m->sealed_cookie, WIRE_SEALED_COOKIE_LEN, cookie);
}

/* Payload 1: timestamp || ID || binding. */
int
wire_payload1(uint8_t out[WIRE_PAYLOAD1_LEN],
    const uint8_t tai64n[WIRE_TAI64N_LEN],
    const uint8_t ed_pub[CRYPTO_ED25519_PUB_LEN],
    const uint8_t binding[CRYPTO_ED25519_SIG_LEN])
{
	struct buf_writer w;

	buf_wr_init(&w, out, WIRE_PAYLOAD1_LEN);
	buf_put_bytes(&w, tai64n, WIRE_TAI64N_LEN);
	buf_put_bytes(&w, ed_pub, CRYPTO_ED25519_PUB_LEN);
	buf_put_bytes(&w, binding, CRYPTO_ED25519_SIG_LEN);
	if (buf_wr_error(&w) == -1 || buf_wr_len(&w) != WIRE_PAYLOAD1_LEN)
		return -1;
	return 0;
}

/* Split payload 1 and check the ID signed the Noise static key. */
int
wire_payload1_parse(const uint8_t in[WIRE_PAYLOAD1_LEN],
    const uint8_t x_pub[CRYPTO_X25519_LEN], uint8_t tai64n[WIRE_TAI64N_LEN],
    uint8_t ed_pub[CRYPTO_ED25519_PUB_LEN])
{
	struct buf_reader r;
	const uint8_t *binding;

	buf_rd_init(&r, in, WIRE_PAYLOAD1_LEN);
	if (buf_get_bytes(&r, tai64n, WIRE_TAI64N_LEN) == -1 ||
	    buf_get_bytes(&r, ed_pub, CRYPTO_ED25519_PUB_LEN) == -1 ||
	    buf_get_ptr(&r, CRYPTO_ED25519_SIG_LEN, &binding) == -1)
		goto fail;
	/* "Identities": the binding is ID's signature over s */
	if (identity_verify_binding(ed_pub, x_pub, binding) != 0)
		goto fail;
	return 0;
fail:
	crypto_wipe(tai64n, WIRE_TAI64N_LEN);
	crypto_wipe(ed_pub, CRYPTO_ED25519_PUB_LEN);
	return -1;
}

/* TAI64N: seconds since the TAI64 epoch 2^62, then nanoseconds. */
void
wire_tai64n(uint64_t unix_sec, uint32_t nsec, uint8_t out[WIRE_TAI64N_LEN])
{
	struct buf_writer w;

	buf_wr_init(&w, out, WIRE_TAI64N_LEN);
	buf_put_n64(&w, WIRE_TAI64_BASE + unix_sec);
	buf_put_n32(&w, nsec);
}

/* Order two TAI64N labels: seconds, then nanoseconds. */
int
wire_tai64n_cmp(const uint8_t a[WIRE_TAI64N_LEN],
    const uint8_t b[WIRE_TAI64N_LEN])
{
	struct buf_reader ra, rb;
	uint64_t sa = 0, sb = 0;
	uint32_t na = 0, nb = 0;

	buf_rd_init(&ra, a, WIRE_TAI64N_LEN);
	buf_rd_init(&rb, b, WIRE_TAI64N_LEN);
	(void)buf_get_n64(&ra, &sa);
	(void)buf_get_n32(&ra, &na);
	(void)buf_get_n64(&rb, &sb);
	(void)buf_get_n32(&rb, &nb);
	if (sa != sb)
		return sa < sb ? -1 : 1;
	if (na != nb)
		return na < nb ? -1 : 1;
	return 0;
}

/*
 * wire.h - Chorus session datagrams: the handshake initiation and
 * response, the cookie reply and the transport header, in WireGuard's
 * shape (doc/PROTOCOL.md, "Chorus sessions: datagrams").
 *
 * Sans-I/O: wire_parse() checks a datagram's type, reserved bytes and
 * exact length and points a struct wire_msg into it; the builders write
 * the clear fields around a Noise message the caller made with noise.h;
 * mac1, mac2 and cookies are keyed BLAKE2s.  Nonces, indexes, times and
 * the cookie secret all come from the caller.
 */
#ifndef CHORUS_WIRE_H
#define CHORUS_WIRE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "chorus/crypto.h"
#include "chorus/noise.h"

/* Message types (the first byte; 8-15 are reserved and dropped). */
#define WIRE_INITIATION		4
#define WIRE_RESPONSE		5
#define WIRE_COOKIE		6
#define WIRE_TRANSPORT		7
#define WIRE_TYPE_MIN		4	/* the demultiplexer's range */
#define WIRE_TYPE_MAX		15

/* Lengths. */
#define WIRE_HDR_LEN		4	/* type and three reserved bytes */
#define WIRE_INITIATION_LEN	244
#define WIRE_RESPONSE_LEN	92
#define WIRE_COOKIE_LEN		52
#define WIRE_TRANSPORT_HDR	16
#define WIRE_MAC_LEN		16
#define WIRE_KEY_LEN		32	/* mac1 key, cookie key, cookie secret */
#define WIRE_PAYLOAD1_LEN	108	/* tai64n, ID, binding */
#define WIRE_NOISE1_LEN		204	/* e, s + tag, payload1 + tag */
#define WIRE_NOISE2_LEN		48	/* e, empty payload's tag */
#define WIRE_TAI64N_LEN		12
#define WIRE_NONCE_LEN		CRYPTO_AEAD_NONCE_LEN
#define WIRE_SEALED_COOKIE_LEN	(WIRE_MAC_LEN + CRYPTO_AEAD_TAG_LEN)
/* Shortest and longest transport datagram: an empty packet; NOISE_MAX_MSG. */
#define WIRE_TRANSPORT_MIN	(WIRE_TRANSPORT_HDR + NOISE_TAG_LEN)
#define WIRE_TRANSPORT_MAX	(WIRE_TRANSPORT_HDR + NOISE_MAX_MSG)

#define WIRE_PROLOGUE		"chorus v1"
#define WIRE_PROLOGUE_LEN	(sizeof(WIRE_PROLOGUE) - 1)
#define WIRE_COOKIE_LIFETIME	120	/* seconds a cookie (secret) lives */
#define WIRE_LABEL_MAC1		"mac1----"
#define WIRE_LABEL_COOKIE	"cookie--"

/* Why wire_parse() refused a datagram. */
enum wire_error {
	WIRE_OK = 0,
	WIRE_ETYPE,		/* type outside 4-7 (8-15 reserved, dropped) */
	WIRE_ERESERVED,		/* reserved bytes not zero */
	WIRE_ELENGTH,		/* wrong length for its type */
};

/*
 * A parsed datagram: pointers into the caller's buffer, valid as long as
 * it is.  Fields the type does not have are 0 / NULL.
 *	initiation: sender, noise (WIRE_NOISE1_LEN), mac1, mac2
 *	response:   sender, receiver, noise (WIRE_NOISE2_LEN), mac1, mac2
 *	cookie:     receiver, nonce, sealed_cookie
 *	transport:  receiver, counter, data (the packet and its tag)
 */
struct wire_msg {
	uint8_t		 type;
	uint32_t	 sender, receiver;
	uint64_t	 counter;
	const uint8_t	*noise;
	size_t		 noiselen;
	const uint8_t	*mac1, *mac2;
	const uint8_t	*nonce, *sealed_cookie;
	const uint8_t	*data;
	size_t		 datalen;
};

/* Check and split a datagram; *m is zeroed first, and stays so on error. */
enum wire_error wire_parse(const uint8_t *p, size_t len, struct wire_msg *m);
/* Text of a wire_error. */
const char	*wire_strerror(enum wire_error);

/* Header and Noise message 1; mac1 and mac2 zero for wire_add_macs(). */
int	wire_initiation(uint8_t out[WIRE_INITIATION_LEN], uint32_t sender,
	    const uint8_t noise[WIRE_NOISE1_LEN]);
/* Header and Noise message 2; mac1 and mac2 zero for wire_add_macs(). */
int	wire_response(uint8_t out[WIRE_RESPONSE_LEN], uint32_t sender,
	    uint32_t receiver, const uint8_t noise[WIRE_NOISE2_LEN]);
/* The 16-byte transport header; the sealed packet follows it. */
void	wire_transport_header(uint8_t out[WIRE_TRANSPORT_HDR],
	    uint32_t receiver, uint64_t counter);

/* BLAKE2s-256("mac1----" || the receiver's static public key). */
int	wire_mac1_key(const uint8_t static_pub[CRYPTO_X25519_LEN],
	    uint8_t out[WIRE_KEY_LEN]);
/* BLAKE2s-256("cookie--" || the cookie sender's static public key). */
int	wire_cookie_key(const uint8_t static_pub[CRYPTO_X25519_LEN],
	    uint8_t out[WIRE_KEY_LEN]);

/*
 * Fill mac1 and mac2 of a whole initiation or response (len is its
 * exact length, msg[0] its type): mac1 over the bytes before mac1, then
 * mac2 over the bytes before mac2 keyed with cookie, or zero if cookie is
 * NULL.  0, or -1 for anything but a well-formed handshake message.
 */
int	wire_add_macs(uint8_t *msg, size_t len,
	    const uint8_t mac1key[WIRE_KEY_LEN],
	    const uint8_t cookie[WIRE_MAC_LEN]);
/* 0 if msg is a well-formed initiation or response with a valid mac1. */
int	wire_check_mac1(const uint8_t *msg, size_t len,
	    const uint8_t mac1key[WIRE_KEY_LEN]);
/* 0 if msg is a well-formed initiation or response whose mac2 is valid. */
int	wire_check_mac2(const uint8_t *msg, size_t len,
	    const uint8_t cookie[WIRE_MAC_LEN]);

/*
 * The cookie for a source address: BLAKE2s-MAC-16 keyed with the node's
 * current secret over the 4 or 16 address bytes, then the 2 port bytes.
 * -1 for an address family other than AF_INET or AF_INET6.
 */
int	wire_cookie_make(const uint8_t secret[WIRE_KEY_LEN],
	    const struct sockaddr *src, uint8_t cookie[WIRE_MAC_LEN]);
/*
 * A cookie reply to the message whose sender index is receiver and whose
 * mac1 is mac1: the cookie sealed with ChaCha20-Poly1305 under cookiekey
 * (wire_cookie_key() of our static key) and the random nonce, with mac1
 * as associated data.
 */
int	wire_cookie_reply(uint8_t out[WIRE_COOKIE_LEN], uint32_t receiver,
	    const uint8_t nonce[WIRE_NONCE_LEN],
	    const uint8_t cookie[WIRE_MAC_LEN],
	    const uint8_t cookiekey[WIRE_KEY_LEN],
	    const uint8_t mac1[WIRE_MAC_LEN]);
/*
 * Open a parsed cookie reply with cookiekey (wire_cookie_key() of the
 * peer's static key) and the mac1 we sent; -1 (cookie wiped) if it is not
 * a cookie reply or does not authenticate.
 */
int	wire_cookie_open(const struct wire_msg *,
	    const uint8_t cookiekey[WIRE_KEY_LEN],
	    const uint8_t mac1[WIRE_MAC_LEN], uint8_t cookie[WIRE_MAC_LEN]);

/* The initiation's payload: timestamp, Ed25519 ID, identity binding. */
int	wire_payload1(uint8_t out[WIRE_PAYLOAD1_LEN],
	    const uint8_t tai64n[WIRE_TAI64N_LEN],
	    const uint8_t ed_pub[CRYPTO_ED25519_PUB_LEN],
	    const uint8_t binding[CRYPTO_ED25519_SIG_LEN]);
/*
 * Split a decrypted payload 1 and check its binding against x_pub, the
 * initiator's static key the Noise handshake authenticated.  -1 (outputs
 * wiped) if the binding is not the ID's signature over x_pub.
 */
int	wire_payload1_parse(const uint8_t in[WIRE_PAYLOAD1_LEN],
	    const uint8_t x_pub[CRYPTO_X25519_LEN],
	    uint8_t tai64n[WIRE_TAI64N_LEN],
	    uint8_t ed_pub[CRYPTO_ED25519_PUB_LEN]);

/* TAI64N label: 2^62 + unix_sec big endian, then nsec (< 10^9) big endian. */
void	wire_tai64n(uint64_t unix_sec, uint32_t nsec,
	    uint8_t out[WIRE_TAI64N_LEN]);
/* -1, 0 or 1 as a is earlier than, the same as or later than b. */
int	wire_tai64n_cmp(const uint8_t a[WIRE_TAI64N_LEN],
	    const uint8_t b[WIRE_TAI64N_LEN]);

#endif

/*
 * noise.h - the Noise Protocol Framework (revision 34) handshake for the
 * 25519_ChaChaPoly_BLAKE2s suite, sans-I/O.
 *
 * Chorus uses Noise_IKpsk2 (as WireGuard does); the state machine runs any
 * of the patterns in enum noise_pattern so that it can be checked byte for
 * byte against the cacophony vectors.  Randomness is the caller's: each
 * write that sends "e" takes the ephemeral private key as an argument.
 * Every function wipes what it no longer needs; noise_hs_wipe() and
 * noise_cs_wipe() wipe what is left.  A handshake call that fails wipes
 * the whole state, which then refuses every further call.  Tokens are
 * commented as the spec writes them (/- e -/ /- es -/ ...).
 */
#ifndef CHORUS_NOISE_H
#define CHORUS_NOISE_H

#include <stddef.h>
#include <stdint.h>

#include "chorus/crypto.h"

#define NOISE_KEY_LEN		32
#define NOISE_HASH_LEN		CRYPTO_BLAKE2S_LEN
#define NOISE_TAG_LEN		CRYPTO_AEAD_TAG_LEN
#define NOISE_MAX_MSG		65535	/* Noise spec §3 */
#define NOISE_MAX_NONCE		UINT64_MAX	/* reserved, never used */

enum noise_pattern {
	NOISE_NN,
	NOISE_NK,
	NOISE_KK,
	NOISE_IK,
	NOISE_XX,
	NOISE_IKPSK2,
	NOISE_NPATTERNS
};

/* A CipherState (Noise spec §5.1). */
struct noise_cs {
	uint8_t		k[NOISE_KEY_LEN];
	uint64_t	n;
	int		has_key;
};

/* A HandshakeState with its SymmetricState (Noise spec §5.2, §5.3). */
struct noise_hs {
	enum noise_pattern pattern;
	int		initiator;
	unsigned	msg;			/* next message index */
	struct noise_cs	cs;
	uint8_t		ck[NOISE_HASH_LEN];
	uint8_t		h[NOISE_HASH_LEN];
	uint8_t		s_priv[CRYPTO_X25519_LEN], s_pub[CRYPTO_X25519_LEN];
	uint8_t		e_priv[CRYPTO_X25519_LEN], e_pub[CRYPTO_X25519_LEN];
	uint8_t		rs[CRYPTO_X25519_LEN], re[CRYPTO_X25519_LEN];
	uint8_t		psk[NOISE_KEY_LEN];
	int		has_s, has_e, has_rs, has_re, has_psk;
	int		ready;		/* initialized; not failed, not split */
};

/* "Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s" and so on; NULL if unknown. */
const char	*noise_protocol_name(enum noise_pattern);
/* Number of handshake messages of a pattern (0 if unknown). */
unsigned	 noise_pattern_messages(enum noise_pattern);

/*
 * Initialize (Noise spec §5.3): s_priv is our static private key (or NULL
 * if the pattern has none for us), rs the peer's static public key known
 * in advance from a pre-message (the responder's in NK, IK, IKpsk2, KK;
 * the initiator's, given to the responder, in KK) or NULL, psk the
 * pre-shared key (psk patterns) or NULL.  A key the pattern does not use
 * is ignored, not stored.  0, or -1 if the pattern needs a key not given.
 */
int	noise_hs_init(struct noise_hs *, enum noise_pattern, int initiator,
	    const void *prologue, size_t prologuelen,
	    const uint8_t *s_priv, const uint8_t *rs, const uint8_t *psk);
/*
 * Write the next handshake message with payload into out[cap]; e_priv is
 * the ephemeral private key if this message sends "e" (else ignored, may
 * be NULL).  *outlen gets the length.  A message never exceeds
 * NOISE_MAX_MSG bytes.  -1 on any error (out of turn, no room, too
 * long), after which the state is wiped and refuses further calls.
 */
int	noise_hs_write(struct noise_hs *, const uint8_t *e_priv,
	    const void *payload, size_t payloadlen, uint8_t *out, size_t cap,
	    size_t *outlen);
/*
 * Read the next handshake message; the decrypted payload goes to
 * payload[cap], its length to *payloadlen.  -1 if it is out of turn,
 * malformed, longer than NOISE_MAX_MSG, does not authenticate or its
 * payload does not fit; the state is then wiped and refuses further
 * calls.
 */
int	noise_hs_read(struct noise_hs *, const uint8_t *msg, size_t len,
	    uint8_t *payload, size_t cap, size_t *payloadlen);
/* 1 once every message of the pattern has been written or read. */
int	noise_hs_done(const struct noise_hs *);
/*
 * Split (Noise spec §5.2), once the handshake is done: the initiator's
 * send/receive CipherStates are the first/second, the responder's the
 * other way round.  Wipes the handshake's secrets; h (the handshake hash)
 * and the public keys stay readable in the state.  -1 (state wiped) if
 * the handshake is not done or was split already.
 */
int	noise_hs_split(struct noise_hs *, struct noise_cs *send,
	    struct noise_cs *recv);
/* The remote static public key learnt in the handshake (or given). */
const uint8_t *noise_hs_remote_static(const struct noise_hs *);
void	noise_hs_wipe(struct noise_hs *);

/*
 * Transport messages: AEAD under k with nonce n, then n++ (Noise §5.1).
 * encrypt writes ptlen + NOISE_TAG_LEN bytes, decrypt ctlen -
 * NOISE_TAG_LEN.  -1 without a key, for a message over NOISE_MAX_MSG,
 * once n has reached NOISE_MAX_NONCE, or (decrypt) if the tag does not
 * verify, in which case n stays where it was.
 */
int	noise_cs_encrypt(struct noise_cs *, const void *ad, size_t adlen,
	    const void *pt, size_t ptlen, uint8_t *out);
int	noise_cs_decrypt(struct noise_cs *, const void *ad, size_t adlen,
	    const uint8_t *ct, size_t ctlen, uint8_t *out);
/*
 * The same under an explicit 64-bit counter (a transport header's), for
 * datagrams that arrive out of order; n is neither read nor changed, and
 * replay protection is the caller's.  -1 without a key, for a message over
 * NOISE_MAX_MSG, for counter == NOISE_MAX_NONCE, or (decrypt) if the tag
 * does not verify.
 */
int	noise_cs_encrypt_at(const struct noise_cs *, uint64_t counter,
	    const void *ad, size_t adlen, const void *pt, size_t ptlen,
	    uint8_t *out);
int	noise_cs_decrypt_at(const struct noise_cs *, uint64_t counter,
	    const void *ad, size_t adlen, const uint8_t *ct, size_t ctlen,
	    uint8_t *out);
void	noise_cs_wipe(struct noise_cs *);

#endif

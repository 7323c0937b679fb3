/*
 * blocklist.h - shared blocklists: a user's list of blocked identities,
 * signed by the user and encrypted to the contacts it trusts, sans-I/O.
 *
 * Anyone can check who signed a record and that it is well formed
 * (blocklist_verify); only the named recipients can read the IDs in it
 * (blocklist_open), and the record does not say who the recipients are.
 * It shows the issuer, when it was issued and, through its size, how many
 * recipients and IDs it holds.  The ephemeral key and the content key come
 * from the caller (lib/ has no RNG).  doc/PROTOCOL.md "Shared blocklists".
 */
#ifndef CHORUS_BLOCKLIST_H
#define CHORUS_BLOCKLIST_H

#include <stddef.h>
#include <stdint.h>

#include "chorus/crypto.h"
#include "chorus/identity.h"

#define BLOCKLIST_VERSION		1
#define BLOCKLIST_LABEL			"chorus blocklist v1"
#define BLOCKLIST_MAX_RECIPIENTS	16
#define BLOCKLIST_MAX_IDS		256
#define BLOCKLIST_ID_LEN		CRYPTO_ED25519_PUB_LEN
/* version .. e (the associated data of every wrap), then r */
#define BLOCKLIST_WRAP_AD_LEN		169
#define BLOCKLIST_HEADER_LEN		(BLOCKLIST_WRAP_AD_LEN + 1)
/* One recipient's wrap: the content key, encrypted, and its tag. */
#define BLOCKLIST_WRAP_LEN	(CRYPTO_AEAD_KEY_LEN + CRYPTO_AEAD_TAG_LEN)
/* Bytes in a record with r recipients and n IDs. */
#define BLOCKLIST_LEN(r, n)	(BLOCKLIST_HEADER_LEN + \
				    BLOCKLIST_WRAP_LEN * (size_t)(r) + 2 + \
				    BLOCKLIST_ID_LEN * (size_t)(n) + \
				    CRYPTO_AEAD_TAG_LEN + \
				    CRYPTO_ED25519_SIG_LEN)
#define BLOCKLIST_MIN_LEN	BLOCKLIST_LEN(1, 0)		/* 300 */
#define BLOCKLIST_MAX_LEN	BLOCKLIST_LEN(BLOCKLIST_MAX_RECIPIENTS, \
				    BLOCKLIST_MAX_IDS)		/* 9212 */

/*
 * Layout (big endian): version (1) || issued (8) || issuer ID (32) ||
 * issuer X25519 key (32) || issuer binding (64) || e_pub (32) || r (1) ||
 * r wraps (48 each, bytewise strictly increasing) || content (2 + 32 n +
 * 16: n || n IDs bytewise strictly increasing, encrypted under the
 * content key) || Ed25519 signature (64) by the issuer ID over
 * BLOCKLIST_LABEL || every byte before it.
 */

/*
 * Why a record was refused.  The checks run in the order of
 * doc/PROTOCOL.md "Shared blocklists": the version (of a non-empty
 * record) before its length, then the recipient count, the length
 * again, the binding, the signature, the wrap order; NOT_FOR_ME and
 * CONTENT only in blocklist_open.
 */
enum blocklist_error {
	BLOCKLIST_OK = 0,
	/* empty, outside MIN..MAX_LEN, or not BLOCKLIST_LEN(r, n) for
	   any n of 0..BLOCKLIST_MAX_IDS */
	BLOCKLIST_ERR_LENGTH,
	BLOCKLIST_ERR_VERSION,		/* not BLOCKLIST_VERSION */
	/* r not 1..MAX_RECIPIENTS, or wraps not strictly increasing */
	BLOCKLIST_ERR_RECIPIENTS,
	BLOCKLIST_ERR_BINDING,		/* the ID did not sign the X25519 key */
	BLOCKLIST_ERR_SIGNATURE,	/* the ID did not sign the record */
	BLOCKLIST_ERR_NOT_FOR_ME,	/* no wrap opens with my static key */
	/* the content does not decrypt, its count is not the one the
	   length implies, or its IDs are not strictly increasing */
	BLOCKLIST_ERR_CONTENT,
};

/* What a record says; zeroed when it is refused. */
struct blocklist_info {
	uint64_t	issued;		/* Unix seconds, as the issuer said */
	uint8_t		issuer[CRYPTO_ED25519_PUB_LEN];	/* ID */
	uint8_t		issuer_x[CRYPTO_X25519_LEN];	/* static key */
	size_t		nrecipients;	/* r */
	size_t		n;		/* IDs: set by blocklist_open only */
};

/* A fixed string for each error. */
const char *blocklist_strerror(enum blocklist_error);

/*
 * Seal a record issued by issuer at issued: e_priv (32 fresh random
 * bytes, the ephemeral X25519 key) and content_key (32 fresh random bytes)
 * must never be used again.  recipients is r X25519 public keys, 1 <= r <=
 * BLOCKLIST_MAX_RECIPIENTS (list the issuer's own x_pub to read the record
 * back); ids is n IDs in any order, n <= BLOCKLIST_MAX_IDS (NULL if n is
 * 0): both are sealed sorted, duplicates dropped, so the record does not
 * depend on their order.  Writes *len bytes to out.  0, or -1 on bad
 * counts, a recipient key X25519 refuses (low order), outlen too small or
 * a crypto failure; then out (outlen bytes) is zeroed and *len is 0.
 */
int	blocklist_seal(const struct identity *issuer, uint64_t issued,
	    const uint8_t e_priv[CRYPTO_X25519_LEN],
	    const uint8_t content_key[CRYPTO_AEAD_KEY_LEN],
	    const uint8_t *recipients, size_t r, const uint8_t *ids, size_t n,
	    uint8_t *out, size_t outlen, size_t *len);
/*
 * Check what anyone can check, without decrypting: the length, version,
 * recipient count, the issuer's binding, the signature and the order of
 * the wraps.  Fills info (n stays 0) on success; info may be NULL.
 */
enum blocklist_error blocklist_verify(const uint8_t *in, size_t len,
	    struct blocklist_info *info);
/*
 * Verify, then find the wrap for me (me->x_priv, me->x_pub) and decrypt
 * the IDs into ids (room for BLOCKLIST_MAX_IDS * BLOCKLIST_ID_LEN bytes:
 * the first info->n IDs, sorted, the rest zero).  On any error the whole
 * of ids and info are zeroed.  info may be NULL.
 */
enum blocklist_error blocklist_open(const uint8_t *in, size_t len,
	    const struct identity *me,
	    uint8_t ids[BLOCKLIST_MAX_IDS * BLOCKLIST_ID_LEN],
	    struct blocklist_info *info);

#endif

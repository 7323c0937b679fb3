/*
 * identity.h - a node's or client's long-term keys.
 *
 * An identity is an Ed25519 key (its ID) and an X25519 static key (for
 * Noise), bound together by an Ed25519 signature over the X25519 public key
 * so that whoever knows the ID can check the Noise key belongs to it.
 * IDs are shown in base32; the fingerprint is a short base32 digest of the
 * ID, grouped for reading aloud.  The file encoding is documented in
 * doc/PROTOCOL.md ("Identity file").
 */
#ifndef CHORUS_IDENTITY_H
#define CHORUS_IDENTITY_H

#include <stddef.h>
#include <stdint.h>

#include "chorus/crypto.h"

#define IDENTITY_FILE_LEN	136	/* bytes in an identity file */
#define IDENTITY_ID_STRLEN	53	/* base32 of the 32-byte ID, NUL included */
#define IDENTITY_FPR_STRLEN	20	/* "xxxx-xxxx-xxxx-xxxx", NUL included */
#define IDENTITY_BIND_LABEL	"chorus identity binding v1"

struct identity {
	uint8_t	ed_seed[CRYPTO_ED25519_SEED_LEN];	/* secret */
	uint8_t	ed_pub[CRYPTO_ED25519_PUB_LEN];		/* the ID */
	uint8_t	x_priv[CRYPTO_X25519_LEN];		/* secret */
	uint8_t	x_pub[CRYPTO_X25519_LEN];
	uint8_t	binding[CRYPTO_ED25519_SIG_LEN];	/* ed signs x_pub */
};

/* Why decoding an identity file failed. */
enum identity_error {
	IDENTITY_OK = 0,
	IDENTITY_ETRUNCATED,	/* shorter than IDENTITY_FILE_LEN */
	IDENTITY_ETOOLONG,	/* longer than IDENTITY_FILE_LEN */
	IDENTITY_EMAGIC,	/* not an identity file (or reserved != 0) */
	IDENTITY_EVERSION,	/* a version this build does not know */
	IDENTITY_EBINDING,	/* keys do not match their binding, or the
				   X25519 key is not clamped: corrupt */
	IDENTITY_ECRYPTO,	/* OpenSSL failed */
};

/*
 * Build an identity from two 32-byte random secrets from the caller.  The
 * X25519 key is stored clamped (RFC 7748 §5), the same key X25519 would use,
 * so each identity has exactly one file encoding.
 */
int	identity_from_secrets(struct identity *,
	    const uint8_t ed_seed[CRYPTO_ED25519_SEED_LEN],
	    const uint8_t x_priv[CRYPTO_X25519_LEN]);
/* Serialise to exactly IDENTITY_FILE_LEN bytes. */
int	identity_encode(const struct identity *, uint8_t out[IDENTITY_FILE_LEN]);
/* Parse and check a file's bytes; the identity is wiped on error. */
enum identity_error identity_decode(struct identity *, const uint8_t *in,
	    size_t len);
/* Text of an identity_error. */
const char *identity_strerror(enum identity_error);
/* 0 if binding is ed_pub's signature over x_pub. */
int	identity_verify_binding(const uint8_t ed_pub[CRYPTO_ED25519_PUB_LEN],
	    const uint8_t x_pub[CRYPTO_X25519_LEN],
	    const uint8_t binding[CRYPTO_ED25519_SIG_LEN]);
/* The ID in base32 (52 characters). */
void	identity_id_string(const uint8_t ed_pub[CRYPTO_ED25519_PUB_LEN],
	    char out[IDENTITY_ID_STRLEN]);
/*
 * A 32-byte key (an ID, or an X25519 key) from its 52 base32 characters,
 * as identity_id_string() writes it; 0, or -1 for anything else.
 */
int	identity_key_parse(const char *, uint8_t out[32]);
/* The short fingerprint: base32 of BLAKE2s(ID)[0..10), as 4 groups of 4. */
void	identity_fingerprint(const uint8_t ed_pub[CRYPTO_ED25519_PUB_LEN],
	    char out[IDENTITY_FPR_STRLEN]);
/* Wipe the secrets. */
void	identity_wipe(struct identity *);

#endif

/*
 * identity.c - a node's or client's long-term keys and their file format.
 *
 * Owns struct identity: building one from caller-supplied secrets, the
 * binding signature that ties the X25519 key to the Ed25519 ID, the
 * IDENTITY_FILE_LEN-byte file encoding, and the ID and fingerprint strings.
 *
 * File layout (doc/PROTOCOL.md, "Identity file"):
 *	magic "CHID" (4) | version (1) = 1 | reserved (3) = 0 |
 *	ed25519 seed (32) | x25519 private key (32, clamped) | binding (64)
 * The public keys are not stored: decoding recomputes them and checks the
 * binding, so a corrupt file is refused instead of silently yielding a
 * different identity.
 */
#include <string.h>

#include "chorus/buf.h"
#include "chorus/crypto.h"
#include "chorus/encode.h"
#include "chorus/identity.h"

#define IDENTITY_MAGIC		"CHID"
#define IDENTITY_MAGIC_LEN	4
#define IDENTITY_VERSION	1
#define IDENTITY_RESERVED_LEN	3
#define IDENTITY_LABEL_LEN	(sizeof(IDENTITY_BIND_LABEL) - 1)
#define IDENTITY_BIND_MSG_LEN	(IDENTITY_LABEL_LEN + CRYPTO_X25519_LEN)
#define IDENTITY_FPR_BYTES	10	/* of BLAKE2s(ID): 80 bits, 16 chars */
#define IDENTITY_FPR_GROUP	4	/* characters per group */

/* 16 characters, 3 dashes and the NUL. */
_Static_assert(ENCODE_BASE32_LEN(IDENTITY_FPR_BYTES) - 1 +
    (ENCODE_BASE32_LEN(IDENTITY_FPR_BYTES) - 2) / IDENTITY_FPR_GROUP + 1 ==
    IDENTITY_FPR_STRLEN, "fingerprint length");

/* RFC 7748 §5 clamping, applied once so each key has one encoding. */
static void
identity_clamp(uint8_t k[CRYPTO_X25519_LEN])
{
	k[0] &= 248;
	k[31] &= 127;
	k[31] |= 64;
}

/* 0 if k is already clamped. */
static int
identity_check_clamped(const uint8_t k[CRYPTO_X25519_LEN])
{
	if ((k[0] & 7) != 0 || (k[31] & 0xc0) != 0x40)
		return -1;
	return 0;
}

/* The signed message: the label (no NUL), then the X25519 public key. */
static int
identity_bind_msg(const uint8_t x_pub[CRYPTO_X25519_LEN],
    uint8_t msg[IDENTITY_BIND_MSG_LEN])
{
	struct buf_writer w;

	buf_wr_init(&w, msg, IDENTITY_BIND_MSG_LEN);
	buf_put_bytes(&w, IDENTITY_BIND_LABEL, IDENTITY_LABEL_LEN);
	buf_put_bytes(&w, x_pub, CRYPTO_X25519_LEN);
	if (buf_wr_error(&w) == -1 || buf_wr_len(&w) != IDENTITY_BIND_MSG_LEN)
		return -1;
	return 0;
}

/* Fill in both public keys from the secrets already in id. */
static int
identity_derive_public(struct identity *id)
{
	if (crypto_ed25519_public(id->ed_seed, id->ed_pub) == -1)
		return -1;
	if (crypto_x25519_public(id->x_priv, id->x_pub) == -1)
		return -1;
	return 0;
}

/* Build an identity from two 32-byte random secrets from the caller. */
int
identity_from_secrets(struct identity *id,
    const uint8_t ed_seed[CRYPTO_ED25519_SEED_LEN],
    const uint8_t x_priv[CRYPTO_X25519_LEN])
{
	uint8_t msg[IDENTITY_BIND_MSG_LEN];
	int rc = -1;

	/* memmove: the caller may pass id's own fields back in. */
	memmove(id->ed_seed, ed_seed, CRYPTO_ED25519_SEED_LEN);
	memmove(id->x_priv, x_priv, CRYPTO_X25519_LEN);
	identity_clamp(id->x_priv);
	if (identity_derive_public(id) == -1)
		goto fail;
	if (identity_bind_msg(id->x_pub, msg) == -1)
		goto fail;
	if (crypto_ed25519_sign(id->ed_seed, msg, sizeof(msg),
	    id->binding) == -1)
		goto fail;
	rc = 0;
fail:
	if (rc == -1)
		identity_wipe(id);
	return rc;
}

/* 0 if binding is ed_pub's signature over x_pub. */
int
identity_verify_binding(const uint8_t ed_pub[CRYPTO_ED25519_PUB_LEN],
    const uint8_t x_pub[CRYPTO_X25519_LEN],
    const uint8_t binding[CRYPTO_ED25519_SIG_LEN])
{
	uint8_t msg[IDENTITY_BIND_MSG_LEN];

	if (identity_bind_msg(x_pub, msg) == -1)
		return -1;
	return crypto_ed25519_verify(ed_pub, msg, sizeof(msg), binding);
}

/* Serialise to exactly IDENTITY_FILE_LEN bytes (secrets: caller wipes). */
int
identity_encode(const struct identity *id, uint8_t out[IDENTITY_FILE_LEN])
{
	struct buf_writer w;
	int rc = -1;

	buf_wr_init(&w, out, IDENTITY_FILE_LEN);
	buf_put_bytes(&w, IDENTITY_MAGIC, IDENTITY_MAGIC_LEN);
	buf_put_u8(&w, IDENTITY_VERSION);
	buf_put_zero(&w, IDENTITY_RESERVED_LEN);
	buf_put_bytes(&w, id->ed_seed, CRYPTO_ED25519_SEED_LEN);
	buf_put_bytes(&w, id->x_priv, CRYPTO_X25519_LEN);
	buf_put_bytes(&w, id->binding, CRYPTO_ED25519_SIG_LEN);
	if (buf_wr_error(&w) == -1 || buf_wr_len(&w) != IDENTITY_FILE_LEN)
		goto fail;
	rc = 0;
fail:
	if (rc == -1)
		crypto_wipe(out, IDENTITY_FILE_LEN);
	return rc;
}

/* Read and check the magic, version and reserved bytes. */
static enum identity_error
identity_decode_header(struct buf_reader *r)
{
	uint8_t magic[IDENTITY_MAGIC_LEN], reserved[IDENTITY_RESERVED_LEN];
	uint8_t version;
	size_t i;

	if (buf_get_bytes(r, magic, sizeof(magic)) == -1)
		return IDENTITY_ETRUNCATED;
	if (memcmp(magic, IDENTITY_MAGIC, IDENTITY_MAGIC_LEN) != 0)
		return IDENTITY_EMAGIC;
	if (buf_get_u8(r, &version) == -1)
		return IDENTITY_ETRUNCATED;
	if (version != IDENTITY_VERSION)
		return IDENTITY_EVERSION;
	if (buf_get_bytes(r, reserved, sizeof(reserved)) == -1)
		return IDENTITY_ETRUNCATED;
	/* Version 1 defines no use for them: anything else is not our file. */
	for (i = 0; i < sizeof(reserved); i++)
		if (reserved[i] != 0)
			return IDENTITY_EMAGIC;
	return IDENTITY_OK;
}

/* Parse and check a file's bytes; the identity is wiped on error. */
enum identity_error
identity_decode(struct identity *id, const uint8_t *in, size_t len)
{
	struct buf_reader r;
	enum identity_error e;

	if (len < IDENTITY_FILE_LEN) {
		e = IDENTITY_ETRUNCATED;
		goto fail;
	}
	if (len > IDENTITY_FILE_LEN) {
		e = IDENTITY_ETOOLONG;
		goto fail;
	}
	buf_rd_init(&r, in, len);
	if ((e = identity_decode_header(&r)) != IDENTITY_OK)
		goto fail;
	e = IDENTITY_ETRUNCATED;
	if (buf_get_bytes(&r, id->ed_seed, CRYPTO_ED25519_SEED_LEN) == -1 ||
	    buf_get_bytes(&r, id->x_priv, CRYPTO_X25519_LEN) == -1 ||
	    buf_get_bytes(&r, id->binding, CRYPTO_ED25519_SIG_LEN) == -1)
		goto fail;
	/* An unclamped key has the same public key: a bit flipped there. */
	e = IDENTITY_EBINDING;
	if (identity_check_clamped(id->x_priv) == -1)
		goto fail;
	e = IDENTITY_ECRYPTO;
	if (identity_derive_public(id) == -1)
		goto fail;
	e = IDENTITY_EBINDING;
	if (identity_verify_binding(id->ed_pub, id->x_pub, id->binding) == -1)
		goto fail;
	e = IDENTITY_OK;
fail:
	if (e != IDENTITY_OK)
		identity_wipe(id);
	return e;
}

/* Text of an identity_error. */
const char *
identity_strerror(enum identity_error e)
{
	switch (e) {
	case IDENTITY_OK:
		return "no error";
	case IDENTITY_ETRUNCATED:
		return "identity file truncated";
	case IDENTITY_ETOOLONG:
		return "identity file too long";
	case IDENTITY_EMAGIC:
		return "not an identity file";
	case IDENTITY_EVERSION:
		return "unknown identity file version";
	case IDENTITY_EBINDING:
		return "identity keys do not match their binding";
	case IDENTITY_ECRYPTO:
		return "cryptographic library failure";
	}
	return "unknown identity error";
}

/* The ID in base32 (52 characters); empty if encoding fails. */
void
identity_id_string(const uint8_t ed_pub[CRYPTO_ED25519_PUB_LEN],
    char out[IDENTITY_ID_STRLEN])
{
	if (encode_base32(ed_pub, CRYPTO_ED25519_PUB_LEN, out,
	    IDENTITY_ID_STRLEN) == -1)
		out[0] = '\0';
}

int
identity_key_parse(const char *s, uint8_t out[32])
{
	return strlen(s) == IDENTITY_ID_STRLEN - 1 && encode_unbase32(s,
	    IDENTITY_ID_STRLEN - 1, out, 32) == 32 ? 0 : -1;
}

/*
 * The short fingerprint: base32 of BLAKE2s(ID)[0..10), as 4 groups of 4
 * joined by '-'; empty if hashing fails.
 */
void
identity_fingerprint(const uint8_t ed_pub[CRYPTO_ED25519_PUB_LEN],
    char out[IDENTITY_FPR_STRLEN])
{
	uint8_t h[CRYPTO_BLAKE2S_LEN];
	char b32[ENCODE_BASE32_LEN(IDENTITY_FPR_BYTES)];
	size_t i, n = 0;

	out[0] = '\0';
	if (crypto_blake2s(ed_pub, CRYPTO_ED25519_PUB_LEN, h) == -1)
		return;
	if (encode_base32(h, IDENTITY_FPR_BYTES, b32, sizeof(b32)) == -1)
		return;
	for (i = 0; b32[i] != '\0'; i++) {
		if (i > 0 && i % IDENTITY_FPR_GROUP == 0)
			out[n++] = '-';
		out[n++] = b32[i];
	}
	out[n] = '\0';
}

/* Wipe the secrets (and, with them, the rest of the struct). */
void
identity_wipe(struct identity *id)
{
	crypto_wipe(id, sizeof(*id));
}

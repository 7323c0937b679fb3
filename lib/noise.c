/*
 * noise.c - the Noise Protocol Framework (revision 34) for the
 * 25519_ChaChaPoly_BLAKE2s suite, sans-I/O.
 *
 * Owns struct noise_cs (a CipherState, Noise spec §5.1) and struct
 * noise_hs (a HandshakeState with its SymmetricState, §5.2 and §5.3).
 * The handshake patterns are data: noise_patterns[] holds each pattern's
 * pre-messages and messages as token lists, and one loop writes and one
 * loop reads any of them.  Chorus runs IKpsk2 (WireGuard's pattern); NN,
 * NK, KK, IK and XX are here so that the one machine is checked byte for
 * byte against the cacophony vectors.
 *
 * The ephemeral private key is the caller's (lib/ has no RNG).  Secrets
 * live in the state, which any failed call wipes whole, or on the stack
 * of one function, which wipes them before it returns.
 */
#include <string.h>

#include "chorus/buf.h"
#include "chorus/crypto.h"
#include "chorus/noise.h"

#define NOISE_DH_LEN		CRYPTO_X25519_LEN
#define NOISE_PATTERN_MAX_PRE	2	/* tokens in one pre-message */
#define NOISE_PATTERN_MAX_MSGS	3	/* messages in one pattern */
#define NOISE_PATTERN_MAX_TOKENS 5	/* tokens in one message */

_Static_assert(NOISE_KEY_LEN == CRYPTO_AEAD_KEY_LEN, "key length");
_Static_assert(NOISE_HASH_LEN == NOISE_KEY_LEN, "HKDF output is a key");

/* Message tokens (Noise spec §7.1); 0 ends a list. */
enum noise_token {
	NOISE_TOK_END = 0,
	NOISE_TOK_E,
	NOISE_TOK_S,
	NOISE_TOK_EE,
	NOISE_TOK_ES,
	NOISE_TOK_SE,
	NOISE_TOK_SS,
	NOISE_TOK_PSK
};

/* A handshake pattern (Noise spec §7.1, §9.2). */
struct noise_pattern_def {
	const char	*name;		/* full protocol name (§8) */
	uint8_t		 pre_i[NOISE_PATTERN_MAX_PRE];	/* -> ... */
	uint8_t		 pre_r[NOISE_PATTERN_MAX_PRE];	/* <- ... */
	unsigned	 nmsgs;
	/* Message m is written by the initiator if m is even. */
	uint8_t		 msgs[NOISE_PATTERN_MAX_MSGS][NOISE_PATTERN_MAX_TOKENS];
};

/* The tokens as the spec spells them, for the table only. */
#define e	NOISE_TOK_E
#define s	NOISE_TOK_S
#define ee	NOISE_TOK_EE
#define es	NOISE_TOK_ES
#define se	NOISE_TOK_SE
#define ss	NOISE_TOK_SS
#define psk	NOISE_TOK_PSK

/* Noise spec §7.4 (NN, NK, KK, IK, XX) and §9.4 (IKpsk2). */
static const struct noise_pattern_def noise_patterns[NOISE_NPATTERNS] = {
	[NOISE_NN] = { "Noise_NN_25519_ChaChaPoly_BLAKE2s",
		{ 0 }, { 0 }, 2, {
		{ e },
		{ e, ee } } },
	[NOISE_NK] = { "Noise_NK_25519_ChaChaPoly_BLAKE2s",
		{ 0 }, { s }, 2, {
		{ e, es },
		{ e, ee } } },
	[NOISE_KK] = { "Noise_KK_25519_ChaChaPoly_BLAKE2s",
		{ s }, { s }, 2, {
		{ e, es, ss },
		{ e, ee, se } } },
	[NOISE_IK] = { "Noise_IK_25519_ChaChaPoly_BLAKE2s",
		{ 0 }, { s }, 2, {
		{ e, es, s, ss },
		{ e, ee, se } } },
	[NOISE_XX] = { "Noise_XX_25519_ChaChaPoly_BLAKE2s",
		{ 0 }, { 0 }, 3, {
		{ e },
		{ e, ee, s, es },
		{ s, se } } },
	[NOISE_IKPSK2] = { "Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s",
		{ 0 }, { s }, 2, {
		{ e, es, s, ss },
		{ e, ee, se, psk } } },
};

#undef e
#undef s
#undef ee
#undef es
#undef se
#undef ss
#undef psk

/* The table entry of a pattern, or NULL. */
static const struct noise_pattern_def *
noise_pattern_def(enum noise_pattern p)
{
	if ((unsigned)p >= NOISE_NPATTERNS)
		return NULL;
	return &noise_patterns[p];
}

/* "Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s" and so on; NULL if unknown. */
const char *
noise_protocol_name(enum noise_pattern p)
{
	const struct noise_pattern_def *d;

	if ((d = noise_pattern_def(p)) == NULL)
		return NULL;
	return d->name;
}

/* Number of handshake messages of a pattern; 0 if unknown. */
unsigned
noise_pattern_messages(enum noise_pattern p)
{
	const struct noise_pattern_def *d;

	if ((d = noise_pattern_def(p)) == NULL)
		return 0;
	return d->nmsgs;
}

/* 1 if a pre-message holds tok. */
static int
noise_pre_has(const uint8_t pre[NOISE_PATTERN_MAX_PRE], uint8_t tok)
{
	size_t i;

	for (i = 0; i < NOISE_PATTERN_MAX_PRE && pre[i] != NOISE_TOK_END; i++)
		if (pre[i] == tok)
			return 1;
	return 0;
}

/*
 * 1 if a message the initiator (who 1) or the responder (who 0) writes
 * holds tok; who -1 means either.
 */
static int
noise_msgs_have(const struct noise_pattern_def *d, uint8_t tok, int who)
{
	unsigned m;
	size_t i;

	for (m = 0; m < d->nmsgs; m++) {
		if (who != -1 && (m % 2 == 0) != (who == 1))
			continue;
		for (i = 0; i < NOISE_PATTERN_MAX_TOKENS &&
		    d->msgs[m][i] != NOISE_TOK_END; i++)
			if (d->msgs[m][i] == tok)
				return 1;
	}
	return 0;
}

/* InitializeKey(key) (Noise spec §5.1). */
static void
noise_cs_init_key(struct noise_cs *cs, const uint8_t k[NOISE_KEY_LEN])
{
	memcpy(cs->k, k, NOISE_KEY_LEN);
	cs->n = 0;
	cs->has_key = 1;
}

/*
 * EncryptWithAd(ad, plaintext) (Noise spec §5.1): without a key the
 * plaintext passes through; with one, out gets ptlen + NOISE_TAG_LEN
 * bytes and n moves on.  n = 2^64-1 is reserved (§5.1), so a key whose
 * n has reached it is used up.
 */
static int
noise_cs_seal(struct noise_cs *cs, const void *ad, size_t adlen,
    const void *pt, size_t ptlen, uint8_t *out)
{
	if (!cs->has_key) {
		if (ptlen > 0)
			memmove(out, pt, ptlen);
		return 0;
	}
	if (cs->n == NOISE_MAX_NONCE)
		return -1;
	if (crypto_aead_seal(cs->k, cs->n, ad, adlen, pt, ptlen, out) == -1)
		return -1;
	cs->n++;
	return 0;
}

/* DecryptWithAd(ad, ciphertext) (§5.1): n moves on only if it verifies. */
static int
noise_cs_open(struct noise_cs *cs, const void *ad, size_t adlen,
    const uint8_t *ct, size_t ctlen, uint8_t *out)
{
	if (!cs->has_key) {
		if (ctlen > 0)
			memmove(out, ct, ctlen);
		return 0;
	}
	if (cs->n == NOISE_MAX_NONCE || ctlen < NOISE_TAG_LEN)
		return -1;
	if (crypto_aead_open(cs->k, cs->n, ad, adlen, ct, ctlen, out) == -1)
		return -1;
	cs->n++;
	return 0;
}

/* A transport message: AEAD under k with nonce n, then n++ (§5.1). */
int
noise_cs_encrypt(struct noise_cs *cs, const void *ad, size_t adlen,
    const void *pt, size_t ptlen, uint8_t *out)
{
	if (noise_cs_encrypt_at(cs, cs->n, ad, adlen, pt, ptlen, out) == -1)
		return -1;
	cs->n++;
	return 0;
}

/* Open a transport message; n moves on only if it verifies (§5.1). */
int
noise_cs_decrypt(struct noise_cs *cs, const void *ad, size_t adlen,
    const uint8_t *ct, size_t ctlen, uint8_t *out)
{
	if (noise_cs_decrypt_at(cs, cs->n, ad, adlen, ct, ctlen, out) == -1)
		return -1;
	cs->n++;
	return 0;
}

/*
 * A transport message under an explicit nonce (WireGuard's counter, sent
 * in the clear); n is neither read nor moved.
 */
int
noise_cs_encrypt_at(const struct noise_cs *cs, uint64_t counter,
    const void *ad, size_t adlen, const void *pt, size_t ptlen, uint8_t *out)
{
	/* A transport CipherState without a key would send plaintext. */
	if (!cs->has_key || ptlen > NOISE_MAX_MSG - NOISE_TAG_LEN)
		return -1;
	/* 2^64-1 is reserved (Noise spec §5.1). */
	if (counter == NOISE_MAX_NONCE)
		return -1;
	return crypto_aead_seal(cs->k, counter, ad, adlen, pt, ptlen, out);
}

/* Open a transport message under an explicit nonce; n is not touched. */
int
noise_cs_decrypt_at(const struct noise_cs *cs, uint64_t counter,
    const void *ad, size_t adlen, const uint8_t *ct, size_t ctlen,
    uint8_t *out)
{
	if (!cs->has_key || ctlen > NOISE_MAX_MSG || ctlen < NOISE_TAG_LEN)
		return -1;
	if (counter == NOISE_MAX_NONCE)
		return -1;
	return crypto_aead_open(cs->k, counter, ad, adlen, ct, ctlen, out);
}

/* Wipe a CipherState; it has no key afterwards. */
void
noise_cs_wipe(struct noise_cs *cs)
{
	crypto_wipe(cs, sizeof(*cs));
}

/* InitializeSymmetric(protocol_name) (Noise spec §5.2). */
static int
noise_ss_init(struct noise_hs *hs, const char *name)
{
	size_t len = strlen(name);

	/* h = name padded with zeros if it fits in HASHLEN, else HASH(name) */
	if (len <= NOISE_HASH_LEN) {
		memset(hs->h, 0, NOISE_HASH_LEN);
		memcpy(hs->h, name, len);
	} else if (crypto_blake2s(name, len, hs->h) == -1)
		return -1;
	/* ck = h; InitializeKey(empty) */
	memcpy(hs->ck, hs->h, NOISE_HASH_LEN);
	crypto_wipe(&hs->cs, sizeof(hs->cs));
	return 0;
}

/* MixHash(data) (§5.2): h = HASH(h || data). */
static int
noise_ss_mix_hash(struct noise_hs *hs, const void *data, size_t len)
{
	uint8_t h[NOISE_HASH_LEN];

	if (crypto_blake2s2(hs->h, NOISE_HASH_LEN, data, len, h) == -1)
		return -1;
	memcpy(hs->h, h, NOISE_HASH_LEN);
	return 0;
}

/* MixKey(input_key_material) (§5.2): ck, temp_k = HKDF(ck, ikm, 2). */
static int
noise_ss_mix_key(struct noise_hs *hs, const uint8_t *ikm, size_t ikmlen)
{
	uint8_t ck[NOISE_HASH_LEN], temp_k[NOISE_HASH_LEN];
	int rc = -1;

	if (crypto_noise_hkdf(hs->ck, ikm, ikmlen, ck, temp_k, NULL) == -1)
		goto fail;
	memcpy(hs->ck, ck, NOISE_HASH_LEN);
	noise_cs_init_key(&hs->cs, temp_k);
	rc = 0;
fail:
	crypto_wipe(ck, sizeof(ck));
	crypto_wipe(temp_k, sizeof(temp_k));
	return rc;
}

/*
 * MixKeyAndHash(input_key_material) (§5.2), the psk token:
 * ck, temp_h, temp_k = HKDF(ck, ikm, 3); MixHash(temp_h).
 */
static int
noise_ss_mix_key_and_hash(struct noise_hs *hs, const uint8_t *ikm,
    size_t ikmlen)
{
	uint8_t ck[NOISE_HASH_LEN], temp_h[NOISE_HASH_LEN];
	uint8_t temp_k[NOISE_HASH_LEN];
	int rc = -1;

	if (crypto_noise_hkdf(hs->ck, ikm, ikmlen, ck, temp_h, temp_k) == -1)
		goto fail;
	memcpy(hs->ck, ck, NOISE_HASH_LEN);
	if (noise_ss_mix_hash(hs, temp_h, sizeof(temp_h)) == -1)
		goto fail;
	noise_cs_init_key(&hs->cs, temp_k);
	rc = 0;
fail:
	crypto_wipe(ck, sizeof(ck));
	crypto_wipe(temp_h, sizeof(temp_h));
	crypto_wipe(temp_k, sizeof(temp_k));
	return rc;
}

/*
 * EncryptAndHash(plaintext) (§5.2) onto the message being written:
 * ciphertext = EncryptWithAd(h, plaintext); MixHash(ciphertext).
 */
static int
noise_ss_encrypt_and_hash(struct noise_hs *hs, const void *pt, size_t ptlen,
    struct buf_writer *w)
{
	uint8_t *ct;
	size_t ctlen;

	if (ptlen > NOISE_MAX_MSG)
		return -1;
	ctlen = ptlen + (hs->cs.has_key ? NOISE_TAG_LEN : 0);
	if (buf_put_reserve(w, ctlen, &ct) == -1)
		return -1;
	if (noise_cs_seal(&hs->cs, hs->h, NOISE_HASH_LEN, pt, ptlen, ct) == -1)
		return -1;
	return noise_ss_mix_hash(hs, ct, ctlen);
}

/*
 * DecryptAndHash(ciphertext) (§5.2): plaintext = DecryptWithAd(h,
 * ciphertext); MixHash(ciphertext).  out has room for ctlen bytes.
 */
static int
noise_ss_decrypt_and_hash(struct noise_hs *hs, const uint8_t *ct,
    size_t ctlen, uint8_t *out)
{
	if (noise_cs_open(&hs->cs, hs->h, NOISE_HASH_LEN, ct, ctlen,
	    out) == -1)
		return -1;
	return noise_ss_mix_hash(hs, ct, ctlen);
}

/*
 * What every side does with an ephemeral public key it sends or receives:
 * MixHash(e.public_key), and in a psk pattern MixKey(e.public_key) too
 * (Noise spec §9.2).
 */
static int
noise_hs_mix_e(struct noise_hs *hs, const uint8_t pub[NOISE_DH_LEN])
{
	if (noise_ss_mix_hash(hs, pub, NOISE_DH_LEN) == -1)
		return -1;
	if (hs->has_psk && noise_ss_mix_key(hs, pub, NOISE_DH_LEN) == -1)
		return -1;
	return 0;
}

/* Take a static key pair, a remote static key and a psk as needed. */
static int
noise_hs_keys(struct noise_hs *hs, const struct noise_pattern_def *d,
    const uint8_t *s_priv, const uint8_t *rs, const uint8_t *psk)
{
	const uint8_t *mine, *theirs;

	mine = hs->initiator ? d->pre_i : d->pre_r;
	theirs = hs->initiator ? d->pre_r : d->pre_i;
	/* Ours if the peer knows it in advance or we send it. */
	if (noise_pre_has(mine, NOISE_TOK_S) ||
	    noise_msgs_have(d, NOISE_TOK_S, hs->initiator)) {
		if (s_priv == NULL)
			return -1;
		memcpy(hs->s_priv, s_priv, sizeof(hs->s_priv));
		if (crypto_x25519_public(hs->s_priv, hs->s_pub) == -1)
			return -1;
		hs->has_s = 1;
	}
	if (noise_pre_has(theirs, NOISE_TOK_S)) {
		if (rs == NULL)
			return -1;
		memcpy(hs->rs, rs, sizeof(hs->rs));
		hs->has_rs = 1;
	}
	if (noise_msgs_have(d, NOISE_TOK_PSK, -1)) {
		if (psk == NULL)
			return -1;
		memcpy(hs->psk, psk, sizeof(hs->psk));
		hs->has_psk = 1;
	}
	return 0;
}

/* MixHash of each public key a pre-message holds (Noise spec §5.3). */
static int
noise_hs_premessage(struct noise_hs *hs,
    const uint8_t pre[NOISE_PATTERN_MAX_PRE], int initiators)
{
	const uint8_t *key;
	size_t i;

	for (i = 0; i < NOISE_PATTERN_MAX_PRE && pre[i] != NOISE_TOK_END; i++) {
		/* Only "s" is in the table; an "e" would need its key. */
		if (pre[i] != NOISE_TOK_S)
			return -1;
		key = initiators == hs->initiator ? hs->s_pub : hs->rs;
		if (noise_ss_mix_hash(hs, key, NOISE_DH_LEN) == -1)
			return -1;
	}
	return 0;
}

/* Initialize(...) (Noise spec §5.3). */
int
noise_hs_init(struct noise_hs *hs, enum noise_pattern pattern, int initiator,
    const void *prologue, size_t prologuelen, const uint8_t *s_priv,
    const uint8_t *rs, const uint8_t *psk)
{
	const struct noise_pattern_def *d;
	int rc = -1;

	memset(hs, 0, sizeof(*hs));
	if ((d = noise_pattern_def(pattern)) == NULL)
		goto fail;
	hs->pattern = pattern;
	hs->initiator = initiator != 0;
	if (noise_hs_keys(hs, d, s_priv, rs, psk) == -1)
		goto fail;
	if (noise_ss_init(hs, d->name) == -1)
		goto fail;
	/* MixHash(prologue) */
	if (noise_ss_mix_hash(hs, prologue, prologuelen) == -1)
		goto fail;
	/* The initiator's pre-message is hashed first (§7.1). */
	if (noise_hs_premessage(hs, d->pre_i, 1) == -1 ||
	    noise_hs_premessage(hs, d->pre_r, 0) == -1)
		goto fail;
	hs->ready = 1;
	rc = 0;
fail:
	if (rc == -1)
		noise_hs_wipe(hs);
	return rc;
}

/*
 * ee, es, se, ss: MixKey(DH(...)) (Noise spec §5.3).  The first letter
 * names the initiator's key, the second the responder's.
 */
static int
noise_hs_dh(struct noise_hs *hs, uint8_t tok)
{
	const uint8_t *priv, *pub;
	uint8_t dh[NOISE_DH_LEN];
	int have, rc = -1;

	switch (tok) {
	case NOISE_TOK_EE:	/* ee: DH(e, re) */
		priv = hs->e_priv;
		pub = hs->re;
		have = hs->has_e && hs->has_re;
		break;
	case NOISE_TOK_ES:	/* es: DH(e, rs) or, responding, DH(s, re) */
		priv = hs->initiator ? hs->e_priv : hs->s_priv;
		pub = hs->initiator ? hs->rs : hs->re;
		have = hs->initiator ? hs->has_e && hs->has_rs :
		    hs->has_s && hs->has_re;
		break;
	case NOISE_TOK_SE:	/* se: DH(s, re) or, responding, DH(e, rs) */
		priv = hs->initiator ? hs->s_priv : hs->e_priv;
		pub = hs->initiator ? hs->re : hs->rs;
		have = hs->initiator ? hs->has_s && hs->has_re :
		    hs->has_e && hs->has_rs;
		break;
	case NOISE_TOK_SS:	/* ss: DH(s, rs) */
		priv = hs->s_priv;
		pub = hs->rs;
		have = hs->has_s && hs->has_rs;
		break;
	default:
		return -1;
	}
	if (!have)
		goto fail;
	/* An all-zero result (a low-order point) fails the handshake. */
	if (crypto_x25519(priv, pub, dh) == -1)
		goto fail;
	if (noise_ss_mix_key(hs, dh, sizeof(dh)) == -1)
		goto fail;
	rc = 0;
fail:
	crypto_wipe(dh, sizeof(dh));
	return rc;
}

/* One token of WriteMessage (Noise spec §5.3). */
static int
noise_hs_write_token(struct noise_hs *hs, uint8_t tok,
    const uint8_t *e_priv, struct buf_writer *w)
{
	switch (tok) {
	case NOISE_TOK_E:
		/* e: e = GENERATE_KEYPAIR() (the caller's); write e.pub */
		if (e_priv == NULL || hs->has_e)
			return -1;
		memcpy(hs->e_priv, e_priv, sizeof(hs->e_priv));
		hs->has_e = 1;
		if (crypto_x25519_public(hs->e_priv, hs->e_pub) == -1)
			return -1;
		if (buf_put_bytes(w, hs->e_pub, NOISE_DH_LEN) == -1)
			return -1;
		return noise_hs_mix_e(hs, hs->e_pub);
	case NOISE_TOK_S:
		/* s: EncryptAndHash(s.public_key) */
		if (!hs->has_s)
			return -1;
		return noise_ss_encrypt_and_hash(hs, hs->s_pub, NOISE_DH_LEN,
		    w);
	case NOISE_TOK_PSK:
		/* psk: MixKeyAndHash(psk) */
		return noise_ss_mix_key_and_hash(hs, hs->psk, NOISE_KEY_LEN);
	default:
		return noise_hs_dh(hs, tok);
	}
}

/* One token of ReadMessage (Noise spec §5.3). */
static int
noise_hs_read_token(struct noise_hs *hs, uint8_t tok, struct buf_reader *r)
{
	const uint8_t *p;
	size_t len;

	switch (tok) {
	case NOISE_TOK_E:
		/* e: re = the next DHLEN bytes */
		if (hs->has_re || buf_get_bytes(r, hs->re, NOISE_DH_LEN) == -1)
			return -1;
		hs->has_re = 1;
		return noise_hs_mix_e(hs, hs->re);
	case NOISE_TOK_S:
		/* s: rs = DecryptAndHash(next DHLEN + 16 bytes if HasKey()) */
		len = NOISE_DH_LEN + (hs->cs.has_key ? NOISE_TAG_LEN : 0);
		if (hs->has_rs || buf_get_ptr(r, len, &p) == -1)
			return -1;
		if (noise_ss_decrypt_and_hash(hs, p, len, hs->rs) == -1)
			return -1;
		hs->has_rs = 1;
		return 0;
	case NOISE_TOK_PSK:
		/* psk: MixKeyAndHash(psk) */
		return noise_ss_mix_key_and_hash(hs, hs->psk, NOISE_KEY_LEN);
	default:
		return noise_hs_dh(hs, tok);
	}
}

/* The pattern if the next message is ours to write (or read), else NULL. */
static const struct noise_pattern_def *
noise_hs_turn(const struct noise_hs *hs, int writing)
{
	const struct noise_pattern_def *d;
	int initiator_writes;

	if (!hs->ready || (d = noise_pattern_def(hs->pattern)) == NULL ||
	    hs->msg >= d->nmsgs)
		return NULL;
	initiator_writes = hs->msg % 2 == 0;
	if ((initiator_writes == hs->initiator) != (writing != 0))
		return NULL;
	return d;
}

/* WriteMessage(payload, message_buffer) (Noise spec §5.3). */
int
noise_hs_write(struct noise_hs *hs, const uint8_t *e_priv,
    const void *payload, size_t payloadlen, uint8_t *out, size_t cap,
    size_t *outlen)
{
	const struct noise_pattern_def *d;
	struct buf_writer w;
	const uint8_t *tok;
	size_t i;
	int rc = -1;

	*outlen = 0;
	if ((d = noise_hs_turn(hs, 1)) == NULL || out == NULL)
		goto fail;
	/* Noise messages are at most 65535 bytes (§3). */
	buf_wr_init(&w, out, cap < NOISE_MAX_MSG ? cap : NOISE_MAX_MSG);
	tok = d->msgs[hs->msg];
	for (i = 0; i < NOISE_PATTERN_MAX_TOKENS && tok[i] != NOISE_TOK_END;
	    i++)
		if (noise_hs_write_token(hs, tok[i], e_priv, &w) == -1)
			goto fail;
	/* EncryptAndHash(payload) */
	if (noise_ss_encrypt_and_hash(hs, payload, payloadlen, &w) == -1)
		goto fail;
	*outlen = buf_wr_len(&w);
	hs->msg++;
	rc = 0;
fail:
	if (rc == -1)
		noise_hs_wipe(hs);
	return rc;
}

/* ReadMessage(message, payload_buffer) (Noise spec §5.3). */
int
noise_hs_read(struct noise_hs *hs, const uint8_t *msg, size_t len,
    uint8_t *payload, size_t cap, size_t *payloadlen)
{
	const struct noise_pattern_def *d;
	struct buf_reader r;
	const uint8_t *tok, *ct;
	uint8_t scratch[1];
	size_t i, ctlen, ptlen;
	int rc = -1;

	*payloadlen = 0;
	if ((d = noise_hs_turn(hs, 0)) == NULL || len > NOISE_MAX_MSG)
		goto fail;
	buf_rd_init(&r, msg, len);
	tok = d->msgs[hs->msg];
	for (i = 0; i < NOISE_PATTERN_MAX_TOKENS && tok[i] != NOISE_TOK_END;
	    i++)
		if (noise_hs_read_token(hs, tok[i], &r) == -1)
			goto fail;
	/* DecryptAndHash(the rest of the message) */
	ctlen = buf_rd_left(&r);
	if (hs->cs.has_key && ctlen < NOISE_TAG_LEN)
		goto fail;
	ptlen = ctlen - (hs->cs.has_key ? NOISE_TAG_LEN : 0);
	if (ptlen > cap || buf_get_ptr(&r, ctlen, &ct) == -1)
		goto fail;
	if (noise_ss_decrypt_and_hash(hs, ct, ctlen,
	    payload != NULL ? payload : scratch) == -1)
		goto fail;
	*payloadlen = ptlen;
	hs->msg++;
	rc = 0;
fail:
	if (rc == -1)
		noise_hs_wipe(hs);
	return rc;
}

/* 1 once every message of the pattern has been written or read. */
int
noise_hs_done(const struct noise_hs *hs)
{
	const struct noise_pattern_def *d;

	if ((d = noise_pattern_def(hs->pattern)) == NULL)
		return 0;
	return hs->msg == d->nmsgs;
}

/*
 * Split() (Noise spec §5.2): temp_k1, temp_k2 = HKDF(ck, zerolen, 2).
 * Only h, the public keys and the pattern's position stay in the state.
 */
int
noise_hs_split(struct noise_hs *hs, struct noise_cs *send,
    struct noise_cs *recv)
{
	static const uint8_t zerolen[1];
	uint8_t k1[NOISE_KEY_LEN], k2[NOISE_KEY_LEN];
	int rc = -1;

	memset(send, 0, sizeof(*send));
	memset(recv, 0, sizeof(*recv));
	if (!hs->ready || !noise_hs_done(hs))
		goto fail;
	if (crypto_noise_hkdf(hs->ck, zerolen, 0, k1, k2, NULL) == -1)
		goto fail;
	/* The initiator sends with the first, the responder the second. */
	noise_cs_init_key(hs->initiator ? send : recv, k1);
	noise_cs_init_key(hs->initiator ? recv : send, k2);
	rc = 0;
fail:
	crypto_wipe(k1, sizeof(k1));
	crypto_wipe(k2, sizeof(k2));
	if (rc == -1) {
		noise_hs_wipe(hs);
		return -1;
	}
	crypto_wipe(hs->ck, sizeof(hs->ck));
	crypto_wipe(&hs->cs, sizeof(hs->cs));
	crypto_wipe(hs->s_priv, sizeof(hs->s_priv));
	crypto_wipe(hs->e_priv, sizeof(hs->e_priv));
	crypto_wipe(hs->psk, sizeof(hs->psk));
	hs->has_psk = 0;
	hs->ready = 0;
	return 0;
}

/* The remote static public key, if known. */
const uint8_t *
noise_hs_remote_static(const struct noise_hs *hs)
{
	return hs->has_rs ? hs->rs : NULL;
}

/* Wipe the whole state: every byte is zero afterwards. */
void
noise_hs_wipe(struct noise_hs *hs)
{
	crypto_wipe(hs, sizeof(*hs));
}

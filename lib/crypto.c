/*
 * crypto.c - Ed25519, X25519, BLAKE2s, MD5, SHA-256, HMAC, HKDF, scrypt
 * and ChaCha20-Poly1305 on OpenSSL 3 EVP.
 *
 * Owns the crypto_* functions: thin, pure wrappers that take every key and
 * seed from the caller, free every OpenSSL object and wipe every secret
 * temporary on all paths, and wipe their outputs when they fail.  Each call
 * fetches its algorithm afresh; caching the fetched objects is a later
 * optimisation that does not change this interface.
 */
#include <limits.h>
#include <pthread.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include "chorus/crypto.h"

#define CRYPTO_BLAKE2S_NAME	"BLAKE2S-256"
#define CRYPTO_BLAKE2S_MAC_NAME	"BLAKE2SMAC"
#define CRYPTO_AEAD_NAME	"ChaCha20-Poly1305"
#define CRYPTO_NOISE_HKDF_MAX	3	/* outputs of Noise's HKDF */

/* Stands in for a NULL pointer to zero bytes, which OpenSSL may refuse. */
static const uint8_t crypto_empty[1];

/* msg, or a valid pointer when msg is NULL and there is nothing to read. */
static const void *
crypto_nonnull(const void *p)
{
	return p != NULL ? p : crypto_empty;
}

/* Wipe memory in a way the compiler keeps. */
void
crypto_wipe(void *p, size_t n)
{
	if (p != NULL && n > 0)
		OPENSSL_cleanse(p, n);
}

/* Constant-time comparison: 0 if equal, -1 if not. */
int
crypto_memeq(const void *a, const void *b, size_t n)
{
	return CRYPTO_memcmp(a, b, n) == 0 ? 0 : -1;
}

/* Public key of a raw private key of type (Ed25519 or X25519). */
static int
crypto_raw_public(int type, const uint8_t priv[32], uint8_t pub[32])
{
	EVP_PKEY *pkey = NULL;
	size_t len = 32;
	int rc = -1;

	if ((pkey = EVP_PKEY_new_raw_private_key(type, NULL, priv, 32)) == NULL)
		goto fail;
	if (EVP_PKEY_get_raw_public_key(pkey, pub, &len) != 1 || len != 32)
		goto fail;
	rc = 0;
fail:
	EVP_PKEY_free(pkey);
	if (rc == -1)
		crypto_wipe(pub, 32);
	return rc;
}

/* Ed25519 public key of a 32-byte seed (RFC 8032 §5.1.5). */
int
crypto_ed25519_public(const uint8_t seed[CRYPTO_ED25519_SEED_LEN],
    uint8_t pub[CRYPTO_ED25519_PUB_LEN])
{
	return crypto_raw_public(EVP_PKEY_ED25519, seed, pub);
}

/* Ed25519 signature of msg (RFC 8032 §5.1.6, pure Ed25519). */
int
crypto_ed25519_sign(const uint8_t seed[CRYPTO_ED25519_SEED_LEN],
    const void *msg, size_t msglen, uint8_t sig[CRYPTO_ED25519_SIG_LEN])
{
	EVP_PKEY *pkey = NULL;
	EVP_MD_CTX *md = NULL;
	size_t siglen = CRYPTO_ED25519_SIG_LEN;
	int rc = -1;

	if ((pkey = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed,
	    CRYPTO_ED25519_SEED_LEN)) == NULL)
		goto fail;
	if ((md = EVP_MD_CTX_new()) == NULL)
		goto fail;
	if (EVP_DigestSignInit(md, NULL, NULL, NULL, pkey) != 1)
		goto fail;
	if (EVP_DigestSign(md, sig, &siglen, crypto_nonnull(msg), msglen) != 1 ||
	    siglen != CRYPTO_ED25519_SIG_LEN)
		goto fail;
	rc = 0;
fail:
	EVP_MD_CTX_free(md);
	EVP_PKEY_free(pkey);
	if (rc == -1)
		crypto_wipe(sig, CRYPTO_ED25519_SIG_LEN);
	return rc;
}

/* 0 if sig is pub's signature of msg (RFC 8032 §5.1.7). */
int
crypto_ed25519_verify(const uint8_t pub[CRYPTO_ED25519_PUB_LEN],
    const void *msg, size_t msglen, const uint8_t sig[CRYPTO_ED25519_SIG_LEN])
{
	EVP_PKEY *pkey = NULL;
	EVP_MD_CTX *md = NULL;
	int rc = -1;

	if ((pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pub,
	    CRYPTO_ED25519_PUB_LEN)) == NULL)
		goto fail;
	if ((md = EVP_MD_CTX_new()) == NULL)
		goto fail;
	if (EVP_DigestVerifyInit(md, NULL, NULL, NULL, pkey) != 1)
		goto fail;
	if (EVP_DigestVerify(md, sig, CRYPTO_ED25519_SIG_LEN,
	    crypto_nonnull(msg), msglen) != 1)
		goto fail;
	rc = 0;
fail:
	EVP_MD_CTX_free(md);
	EVP_PKEY_free(pkey);
	return rc;
}

/* X25519 public key of a private key (RFC 7748 §6.1). */
int
crypto_x25519_public(const uint8_t priv[CRYPTO_X25519_LEN],
    uint8_t pub[CRYPTO_X25519_LEN])
{
	return crypto_raw_public(EVP_PKEY_X25519, priv, pub);
}

/*
 * X25519 shared secret (RFC 7748 §6.1).  An all-zero result means the peer
 * sent a low-order point; refuse it (RFC 7748 §6.1 "MAY check", Noise §12.1
 * and WireGuard do).  OpenSSL refuses it too; the check here does not rely
 * on that.
 */
int
crypto_x25519(const uint8_t priv[CRYPTO_X25519_LEN],
    const uint8_t peer[CRYPTO_X25519_LEN], uint8_t out[CRYPTO_X25519_LEN])
{
	static const uint8_t zero[CRYPTO_X25519_LEN];
	EVP_PKEY *key = NULL, *peerkey = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	size_t len = CRYPTO_X25519_LEN;
	int rc = -1;

	if ((key = EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, NULL, priv,
	    CRYPTO_X25519_LEN)) == NULL)
		goto fail;
	if ((peerkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, NULL, peer,
	    CRYPTO_X25519_LEN)) == NULL)
		goto fail;
	if ((ctx = EVP_PKEY_CTX_new(key, NULL)) == NULL)
		goto fail;
	if (EVP_PKEY_derive_init(ctx) != 1 ||
	    EVP_PKEY_derive_set_peer(ctx, peerkey) != 1)
		goto fail;
	if (EVP_PKEY_derive(ctx, out, &len) != 1 || len != CRYPTO_X25519_LEN)
		goto fail;
	if (CRYPTO_memcmp(out, zero, CRYPTO_X25519_LEN) == 0)
		goto fail;
	rc = 0;
fail:
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(peerkey);
	EVP_PKEY_free(key);
	if (rc == -1)
		crypto_wipe(out, CRYPTO_X25519_LEN);
	return rc;
}

/* Digest of a || b with the named algorithm into outlen bytes. */
static int
crypto_digest2(const char *name, const void *a, size_t alen, const void *b,
    size_t blen, uint8_t *out, size_t outlen)
{
	EVP_MD *alg = NULL;
	EVP_MD_CTX *md = NULL;
	unsigned int len = 0;
	int rc = -1;

	if ((alg = EVP_MD_fetch(NULL, name, NULL)) == NULL)
		goto fail;
	if ((size_t)EVP_MD_get_size(alg) != outlen)
		goto fail;
	if ((md = EVP_MD_CTX_new()) == NULL)
		goto fail;
	if (EVP_DigestInit_ex2(md, alg, NULL) != 1)
		goto fail;
	if (alen > 0 && EVP_DigestUpdate(md, a, alen) != 1)
		goto fail;
	if (blen > 0 && EVP_DigestUpdate(md, b, blen) != 1)
		goto fail;
	if (EVP_DigestFinal_ex(md, out, &len) != 1 || len != outlen)
		goto fail;
	rc = 0;
fail:
	EVP_MD_CTX_free(md);
	EVP_MD_free(alg);
	if (rc == -1)
		crypto_wipe(out, outlen);
	return rc;
}

/*
 * One EVP_MAC over a || b: the MAC named mac, set up with params, keyed
 * with key, an outlen-byte result.  out is wiped on failure.
 */
static int
crypto_mac2(const char *macname, const OSSL_PARAM *params, const void *key,
    size_t keylen, const void *a, size_t alen, const void *b, size_t blen,
    uint8_t *out, size_t outlen)
{
	EVP_MAC *mac = NULL;
	EVP_MAC_CTX *ctx = NULL;
	size_t len = 0;
	int rc = -1;

	if ((mac = EVP_MAC_fetch(NULL, macname, NULL)) == NULL)
		goto fail;
	if ((ctx = EVP_MAC_CTX_new(mac)) == NULL)
		goto fail;
	/* A NULL key would mean "keep the previous key" to EVP_MAC_init. */
	if (EVP_MAC_init(ctx, crypto_nonnull(key), keylen, params) != 1)
		goto fail;
	if (EVP_MAC_CTX_get_mac_size(ctx) != outlen)
		goto fail;
	if (alen > 0 && EVP_MAC_update(ctx, a, alen) != 1)
		goto fail;
	if (blen > 0 && EVP_MAC_update(ctx, b, blen) != 1)
		goto fail;
	if (EVP_MAC_final(ctx, out, &len, outlen) != 1 || len != outlen)
		goto fail;
	rc = 0;
fail:
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(mac);
	if (rc == -1)
		crypto_wipe(out, outlen);
	return rc;
}

/* HMAC of a || b under key with the named digest (RFC 2104). */
static int
crypto_hmac2(const char *name, const void *key, size_t keylen, const void *a,
    size_t alen, const void *b, size_t blen, uint8_t *out, size_t outlen)
{
	OSSL_PARAM params[2];

	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
	    (char *)name, 0);
	params[1] = OSSL_PARAM_construct_end();
	return crypto_mac2(OSSL_MAC_NAME_HMAC, params, key, keylen, a, alen,
	    b, blen, out, outlen);
}

/*
 * Keyed BLAKE2s (RFC 7693 §2.5, OpenSSL's BLAKE2SMAC) with an outlen-byte
 * output: WireGuard's MAC(key, input), not HMAC.
 */
int
crypto_blake2s_mac(const void *key, size_t keylen, const void *in,
    size_t inlen, uint8_t *out, size_t outlen)
{
	OSSL_PARAM params[2];
	size_t size = outlen;

	if (outlen < 1 || outlen > CRYPTO_BLAKE2S_LEN)
		return -1;
	if (key == NULL || keylen < 1 || keylen > CRYPTO_BLAKE2S_LEN) {
		crypto_wipe(out, outlen);
		return -1;
	}
	params[0] = OSSL_PARAM_construct_size_t(OSSL_MAC_PARAM_SIZE, &size);
	params[1] = OSSL_PARAM_construct_end();
	return crypto_mac2(CRYPTO_BLAKE2S_MAC_NAME, params, key, keylen, in,
	    inlen, NULL, 0, out, outlen);
}

/* BLAKE2s-256 of a || b (RFC 7693). */
int
crypto_blake2s2(const void *a, size_t alen, const void *b, size_t blen,
    uint8_t out[CRYPTO_BLAKE2S_LEN])
{
	return crypto_digest2(CRYPTO_BLAKE2S_NAME, a, alen, b, blen, out,
	    CRYPTO_BLAKE2S_LEN);
}

/* BLAKE2s-256 of in (RFC 7693). */
int
crypto_blake2s(const void *in, size_t inlen, uint8_t out[CRYPTO_BLAKE2S_LEN])
{
	return crypto_blake2s2(in, inlen, NULL, 0, out);
}

/* HMAC-BLAKE2s-256 of a || b under key (RFC 2104). */
static int
crypto_hmac_blake2s2(const void *key, size_t keylen, const void *a,
    size_t alen, const void *b, size_t blen, uint8_t out[CRYPTO_BLAKE2S_LEN])
{
	return crypto_hmac2(CRYPTO_BLAKE2S_NAME, key, keylen, a, alen, b, blen,
	    out, CRYPTO_BLAKE2S_LEN);
}

/* HMAC-BLAKE2s-256 of in under key (RFC 2104). */
int
crypto_hmac_blake2s(const void *key, size_t keylen, const void *in,
    size_t inlen, uint8_t out[CRYPTO_BLAKE2S_LEN])
{
	return crypto_hmac_blake2s2(key, keylen, in, inlen, NULL, 0, out);
}

/*
 * Noise spec §4.3 HKDF(chaining_key, input_key_material, num_outputs).
 * The outputs are built in local buffers and copied out at the end, so
 * out1 may be ck itself (ck, k = HKDF(ck, ...) as in WireGuard).  out2 and
 * out3 are computed only if asked for.
 */
int
crypto_noise_hkdf(const uint8_t ck[CRYPTO_BLAKE2S_LEN], const void *ikm,
    size_t ikmlen, uint8_t *out1, uint8_t *out2, uint8_t *out3)
{
	uint8_t temp_key[CRYPTO_BLAKE2S_LEN];
	uint8_t t[CRYPTO_NOISE_HKDF_MAX][CRYPTO_BLAKE2S_LEN];
	uint8_t *outs[CRYPTO_NOISE_HKDF_MAX];
	uint8_t ctr;
	int i, n, rc = -1;

	outs[0] = out1;
	outs[1] = out2;
	outs[2] = out3;
	n = out3 != NULL ? 3 : out2 != NULL ? 2 : 1;
	if (out1 == NULL)
		goto fail;

	/* temp_key = HMAC-HASH(chaining_key, input_key_material) */
	if (crypto_hmac_blake2s(ck, CRYPTO_BLAKE2S_LEN, ikm, ikmlen,
	    temp_key) == -1)
		goto fail;
	/* output1 = HMAC-HASH(temp_key, byte(0x01)) */
	ctr = 1;
	if (crypto_hmac_blake2s(temp_key, sizeof(temp_key), &ctr, 1,
	    t[0]) == -1)
		goto fail;
	/* output_i = HMAC-HASH(temp_key, output_(i-1) || byte(i)) */
	for (i = 1; i < n; i++) {
		ctr = (uint8_t)(i + 1);
		if (crypto_hmac_blake2s2(temp_key, sizeof(temp_key), t[i - 1],
		    CRYPTO_BLAKE2S_LEN, &ctr, 1, t[i]) == -1)
			goto fail;
	}
	for (i = 0; i < n; i++)
		if (outs[i] != NULL)
			memcpy(outs[i], t[i], CRYPTO_BLAKE2S_LEN);
	rc = 0;
fail:
	crypto_wipe(temp_key, sizeof(temp_key));
	crypto_wipe(t, sizeof(t));
	if (rc == -1)
		for (i = 0; i < CRYPTO_NOISE_HKDF_MAX; i++)
			crypto_wipe(outs[i], CRYPTO_BLAKE2S_LEN);
	return rc;
}

/* RFC 5869 HKDF-SHA256 (extract then expand) into outlen bytes. */
int
crypto_hkdf_sha256(const void *salt, size_t saltlen, const void *ikm,
    size_t ikmlen, const void *info, size_t infolen, void *out, size_t outlen)
{
	EVP_KDF *kdf = NULL;
	EVP_KDF_CTX *ctx = NULL;
	OSSL_PARAM params[5], *p = params;
	int rc = -1;

	if (outlen == 0)
		goto fail;
	if ((kdf = EVP_KDF_fetch(NULL, OSSL_KDF_NAME_HKDF, NULL)) == NULL)
		goto fail;
	if ((ctx = EVP_KDF_CTX_new(kdf)) == NULL)
		goto fail;
	*p++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
	    (char *)"SHA256", 0);
	*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY,
	    (void *)crypto_nonnull(ikm), ikmlen);
	/* No salt means HashLen zero bytes (RFC 5869 §2.2), OpenSSL's default. */
	if (saltlen > 0)
		*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT,
		    (void *)salt, saltlen);
	if (infolen > 0)
		*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO,
		    (void *)info, infolen);
	*p = OSSL_PARAM_construct_end();
	if (EVP_KDF_derive(ctx, out, outlen, params) != 1)
		goto fail;
	rc = 0;
fail:
	EVP_KDF_CTX_free(ctx);
	EVP_KDF_free(kdf);
	if (rc == -1)
		crypto_wipe(out, outlen);
	return rc;
}

/* RFC 7914 scrypt through EVP_KDF; the caller picks the cost. */
int
crypto_scrypt(const void *pass, size_t passlen, const void *salt,
    size_t saltlen, uint64_t n, uint32_t r, uint32_t p, void *out,
    size_t outlen)
{
	EVP_KDF *kdf = NULL;
	EVP_KDF_CTX *ctx = NULL;
	OSSL_PARAM params[7], *pp = params;
	uint64_t maxmem = CRYPTO_SCRYPT_MAXMEM;
	int rc = -1;

	if (outlen == 0 || n < 2 || (n & (n - 1)) != 0 || r == 0 || p == 0)
		goto fail;
	if ((kdf = EVP_KDF_fetch(NULL, OSSL_KDF_NAME_SCRYPT, NULL)) == NULL)
		goto fail;
	if ((ctx = EVP_KDF_CTX_new(kdf)) == NULL)
		goto fail;
	*pp++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PASSWORD,
	    (void *)crypto_nonnull(pass), passlen);
	*pp++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT,
	    (void *)crypto_nonnull(salt), saltlen);
	*pp++ = OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_N, &n);
	*pp++ = OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_R, &r);
	*pp++ = OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_P, &p);
	*pp++ = OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_MAXMEM,
	    &maxmem);
	*pp = OSSL_PARAM_construct_end();
	if (EVP_KDF_derive(ctx, out, outlen, params) != 1)
		goto fail;
	rc = 0;
fail:
	EVP_KDF_CTX_free(ctx);
	EVP_KDF_free(kdf);
	if (rc == -1 && out != NULL)
		crypto_wipe(out, outlen);
	return rc;
}

/* The Noise nonce: 4 zero bytes, then the counter little endian. */
static void
crypto_aead_nonce(uint64_t counter, uint8_t iv[CRYPTO_AEAD_NONCE_LEN])
{
	int i;

	memset(iv, 0, 4);
	for (i = 0; i < 8; i++)
		iv[4 + i] = (uint8_t)(counter >> (8 * i));
}

/*
 * The AEAD, fetched from the provider once per process: a fetch is a
 * locked lookup in OpenSSL's method store, which a node forwarding a
 * hundred thousand packets a second should not do per packet.  Never
 * freed (one handle per process).
 */
static EVP_CIPHER	*crypto_aead_alg;
static pthread_once_t	 crypto_aead_once = PTHREAD_ONCE_INIT;

static void
crypto_aead_fetch(void)
{
	crypto_aead_alg = EVP_CIPHER_fetch(NULL, CRYPTO_AEAD_NAME, NULL);
}

static const EVP_CIPHER *
crypto_aead_cipher(void)
{
	if (pthread_once(&crypto_aead_once, crypto_aead_fetch) != 0)
		return NULL;
	return crypto_aead_alg;
}

/* ChaCha20-Poly1305 encryption with a full 12-byte nonce (RFC 8439 §2.8). */
int
crypto_aead_seal_iv(const uint8_t key[CRYPTO_AEAD_KEY_LEN],
    const uint8_t iv[CRYPTO_AEAD_NONCE_LEN], const void *ad, size_t adlen,
    const void *pt, size_t ptlen, uint8_t *out)
{
	const EVP_CIPHER *alg;
	EVP_CIPHER_CTX *ctx = NULL;
	int len, rc = -1;

	if (adlen > CRYPTO_AEAD_MAX_LEN || ptlen > CRYPTO_AEAD_MAX_LEN)
		goto fail;
	if ((alg = crypto_aead_cipher()) == NULL)
		goto fail;
	if ((ctx = EVP_CIPHER_CTX_new()) == NULL)
		goto fail;
	if (EVP_EncryptInit_ex2(ctx, alg, key, iv, NULL) != 1)
		goto fail;
	/*
	 * Zero-length updates are skipped: the provider takes a NULL input
	 * as the signal to finish.
	 */
	if (adlen > 0 && EVP_EncryptUpdate(ctx, NULL, &len, ad, (int)adlen) != 1)
		goto fail;
	if (ptlen > 0 &&
	    (EVP_EncryptUpdate(ctx, out, &len, pt, (int)ptlen) != 1 ||
	    (size_t)len != ptlen))
		goto fail;
	if (EVP_EncryptFinal_ex(ctx, out + ptlen, &len) != 1 || len != 0)
		goto fail;
	if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, CRYPTO_AEAD_TAG_LEN,
	    out + ptlen) != 1)
		goto fail;
	rc = 0;
fail:
	EVP_CIPHER_CTX_free(ctx);
	if (rc == -1 && ptlen <= CRYPTO_AEAD_MAX_LEN)
		crypto_wipe(out, ptlen + CRYPTO_AEAD_TAG_LEN);
	return rc;
}

/*
 * ChaCha20-Poly1305 decryption with a full 12-byte nonce.  OpenSSL checks
 * the tag in constant time in EVP_DecryptFinal_ex; on a bad tag the
 * plaintext already written is wiped.
 */
int
crypto_aead_open_iv(const uint8_t key[CRYPTO_AEAD_KEY_LEN],
    const uint8_t iv[CRYPTO_AEAD_NONCE_LEN], const void *ad, size_t adlen,
    const void *ct, size_t ctlen, uint8_t *out)
{
	const EVP_CIPHER *alg;
	EVP_CIPHER_CTX *ctx = NULL;
	uint8_t tag[CRYPTO_AEAD_TAG_LEN];
	size_t ptlen = 0;
	int len, rc = -1;

	if (ctlen < CRYPTO_AEAD_TAG_LEN)
		goto fail;
	ptlen = ctlen - CRYPTO_AEAD_TAG_LEN;
	if (adlen > CRYPTO_AEAD_MAX_LEN || ptlen > CRYPTO_AEAD_MAX_LEN) {
		ptlen = 0;
		goto fail;
	}
	memcpy(tag, (const uint8_t *)ct + ptlen, sizeof(tag));
	if ((alg = crypto_aead_cipher()) == NULL)
		goto fail;
	if ((ctx = EVP_CIPHER_CTX_new()) == NULL)
		goto fail;
	if (EVP_DecryptInit_ex2(ctx, alg, key, iv, NULL) != 1)
		goto fail;
	if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, sizeof(tag),
	    tag) != 1)
		goto fail;
	if (adlen > 0 && EVP_DecryptUpdate(ctx, NULL, &len, ad, (int)adlen) != 1)
		goto fail;
	if (ptlen > 0 &&
	    (EVP_DecryptUpdate(ctx, out, &len, ct, (int)ptlen) != 1 ||
	    (size_t)len != ptlen))
		goto fail;
	if (EVP_DecryptFinal_ex(ctx, out + ptlen, &len) != 1 || len != 0)
		goto fail;
	rc = 0;
fail:
	EVP_CIPHER_CTX_free(ctx);
	if (rc == -1)
		crypto_wipe(out, ptlen);
	return rc;
}

/* ChaCha20-Poly1305 encryption under a Noise counter nonce. */
int
crypto_aead_seal(const uint8_t key[CRYPTO_AEAD_KEY_LEN], uint64_t nonce,
    const void *ad, size_t adlen, const void *pt, size_t ptlen, uint8_t *out)
{
	uint8_t iv[CRYPTO_AEAD_NONCE_LEN];

	crypto_aead_nonce(nonce, iv);
	return crypto_aead_seal_iv(key, iv, ad, adlen, pt, ptlen, out);
}

/* ChaCha20-Poly1305 decryption under a Noise counter nonce. */
int
crypto_aead_open(const uint8_t key[CRYPTO_AEAD_KEY_LEN], uint64_t nonce,
    const void *ad, size_t adlen, const void *ct, size_t ctlen, uint8_t *out)
{
	uint8_t iv[CRYPTO_AEAD_NONCE_LEN];

	crypto_aead_nonce(nonce, iv);
	return crypto_aead_open_iv(key, iv, ad, adlen, ct, ctlen, out);
}

/* MD5 (RFC 1321), for STUN long-term credential keys (RFC 8489 §9.2.2). */
int
crypto_md5(const void *in, size_t inlen, uint8_t out[CRYPTO_MD5_LEN])
{
	return crypto_digest2("MD5", in, inlen, NULL, 0, out, CRYPTO_MD5_LEN);
}

/* SHA-256 (FIPS 180-4). */
int
crypto_sha256(const void *in, size_t inlen, uint8_t out[CRYPTO_SHA256_LEN])
{
	return crypto_digest2("SHA256", in, inlen, NULL, 0, out,
	    CRYPTO_SHA256_LEN);
}

/* HMAC-SHA1 of in under key (RFC 2104). */
int
crypto_hmac_sha1(const void *key, size_t keylen, const void *in,
    size_t inlen, uint8_t out[CRYPTO_SHA1_LEN])
{
	return crypto_hmac2("SHA1", key, keylen, in, inlen, NULL, 0, out,
	    CRYPTO_SHA1_LEN);
}

/* HMAC-SHA1 of a || b under key (RFC 2104). */
int
crypto_hmac_sha1_2(const void *key, size_t keylen, const void *a,
    size_t alen, const void *b, size_t blen, uint8_t out[CRYPTO_SHA1_LEN])
{
	return crypto_hmac2("SHA1", key, keylen, a, alen, b, blen, out,
	    CRYPTO_SHA1_LEN);
}

/* HMAC-SHA256 of in under key (RFC 2104, RFC 4231). */
int
crypto_hmac_sha256(const void *key, size_t keylen, const void *in,
    size_t inlen, uint8_t out[CRYPTO_SHA256_LEN])
{
	return crypto_hmac2("SHA256", key, keylen, in, inlen, NULL, 0, out,
	    CRYPTO_SHA256_LEN);
}

/* HMAC-SHA256 of a || b under key (RFC 2104, RFC 4231). */
int
crypto_hmac_sha256_2(const void *key, size_t keylen, const void *a,
    size_t alen, const void *b, size_t blen, uint8_t out[CRYPTO_SHA256_LEN])
{
	return crypto_hmac2("SHA256", key, keylen, a, alen, b, blen, out,
	    CRYPTO_SHA256_LEN);
}

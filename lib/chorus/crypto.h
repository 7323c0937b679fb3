/*
 * crypto.h - the primitives Chorus uses, on OpenSSL 3 EVP.
 *
 * Pure functions: no RNG here.  Key generation takes the random seed from
 * the caller.  Every function returns 0 on success and -1 on failure
 * (including OpenSSL allocation failure); outputs are wiped on failure.
 */
#ifndef CHORUS_CRYPTO_H
#define CHORUS_CRYPTO_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#define CRYPTO_ED25519_SEED_LEN	32
#define CRYPTO_ED25519_PUB_LEN	32
#define CRYPTO_ED25519_SIG_LEN	64
#define CRYPTO_X25519_LEN	32
#define CRYPTO_BLAKE2S_LEN	32
#define CRYPTO_BLAKE2S_BLOCK	64
#define CRYPTO_AEAD_KEY_LEN	32
#define CRYPTO_AEAD_TAG_LEN	16
#define CRYPTO_AEAD_NONCE_LEN	12
/* Longest AD or plaintext one AEAD call takes (EVP lengths are ints). */
#define CRYPTO_AEAD_MAX_LEN	(INT_MAX - CRYPTO_AEAD_TAG_LEN)

/* Ed25519 (RFC 8032): public key of a 32-byte seed (the private key). */
int	crypto_ed25519_public(const uint8_t seed[CRYPTO_ED25519_SEED_LEN],
	    uint8_t pub[CRYPTO_ED25519_PUB_LEN]);
int	crypto_ed25519_sign(const uint8_t seed[CRYPTO_ED25519_SEED_LEN],
	    const void *msg, size_t msglen, uint8_t sig[CRYPTO_ED25519_SIG_LEN]);
/* 0 if sig is a valid signature of msg by pub, else -1. */
int	crypto_ed25519_verify(const uint8_t pub[CRYPTO_ED25519_PUB_LEN],
	    const void *msg, size_t msglen,
	    const uint8_t sig[CRYPTO_ED25519_SIG_LEN]);

/* X25519 (RFC 7748).  A private key is 32 random bytes (clamped inside). */
int	crypto_x25519_public(const uint8_t priv[CRYPTO_X25519_LEN],
	    uint8_t pub[CRYPTO_X25519_LEN]);
/* Shared secret; -1 also for an all-zero result (low-order point). */
int	crypto_x25519(const uint8_t priv[CRYPTO_X25519_LEN],
	    const uint8_t peer[CRYPTO_X25519_LEN], uint8_t out[CRYPTO_X25519_LEN]);

/* BLAKE2s-256 (RFC 7693), one shot and two-part (h = H(a || b)). */
int	crypto_blake2s(const void *in, size_t inlen,
	    uint8_t out[CRYPTO_BLAKE2S_LEN]);
int	crypto_blake2s2(const void *a, size_t alen, const void *b, size_t blen,
	    uint8_t out[CRYPTO_BLAKE2S_LEN]);
/*
 * Keyed BLAKE2s (RFC 7693 keyed mode, not HMAC) with a key of 1..32 bytes
 * and an outlen-byte output, 1..32 (WireGuard's MAC is outlen 16).
 */
int	crypto_blake2s_mac(const void *key, size_t keylen, const void *in,
	    size_t inlen, uint8_t *out, size_t outlen);
/* HMAC-BLAKE2s-256 (RFC 2104 over BLAKE2s, as Noise uses it). */
int	crypto_hmac_blake2s(const void *key, size_t keylen, const void *in,
	    size_t inlen, uint8_t out[CRYPTO_BLAKE2S_LEN]);
/*
 * Noise's HKDF (Noise spec §4.3) over HMAC-BLAKE2s: writes num_outputs
 * (1..3) 32-byte outputs to out1..out3 (unused ones may be NULL).
 */
int	crypto_noise_hkdf(const uint8_t ck[CRYPTO_BLAKE2S_LEN], const void *ikm,
	    size_t ikmlen, uint8_t *out1, uint8_t *out2, uint8_t *out3);
/* RFC 5869 HKDF with SHA-256 (salt may be NULL/0). */
int	crypto_hkdf_sha256(const void *salt, size_t saltlen, const void *ikm,
	    size_t ikmlen, const void *info, size_t infolen, void *out,
	    size_t outlen);

/*
 * scrypt (RFC 7914) through OpenSSL's EVP_KDF "SCRYPT": outlen bytes from
 * the password and salt with cost n (a power of two > 1), block size r and
 * parallelism p.  Memory is capped at CRYPTO_SCRYPT_MAXMEM.
 */
#define CRYPTO_SCRYPT_MAXMEM	(64 * 1024 * 1024)
int	crypto_scrypt(const void *pass, size_t passlen, const void *salt,
	    size_t saltlen, uint64_t n, uint32_t r, uint32_t p, void *out,
	    size_t outlen);

/*
 * ChaCha20-Poly1305 (RFC 8439) with a 64-bit counter nonce laid out as
 * Noise wants it (4 zero bytes, then the counter little endian).
 * seal writes ptlen + CRYPTO_AEAD_TAG_LEN bytes; open writes ctlen - tag
 * bytes and returns -1 if the tag does not verify.
 */
int	crypto_aead_seal(const uint8_t key[CRYPTO_AEAD_KEY_LEN], uint64_t nonce,
	    const void *ad, size_t adlen, const void *pt, size_t ptlen,
	    uint8_t *out);
int	crypto_aead_open(const uint8_t key[CRYPTO_AEAD_KEY_LEN], uint64_t nonce,
	    const void *ad, size_t adlen, const void *ct, size_t ctlen,
	    uint8_t *out);
/*
 * The same with the full 12-byte RFC 8439 nonce given directly (for the
 * RFC's own test vectors, and protocols that lay the nonce out otherwise).
 */
int	crypto_aead_seal_iv(const uint8_t key[CRYPTO_AEAD_KEY_LEN],
	    const uint8_t iv[CRYPTO_AEAD_NONCE_LEN], const void *ad,
	    size_t adlen, const void *pt, size_t ptlen, uint8_t *out);
int	crypto_aead_open_iv(const uint8_t key[CRYPTO_AEAD_KEY_LEN],
	    const uint8_t iv[CRYPTO_AEAD_NONCE_LEN], const void *ad,
	    size_t adlen, const void *ct, size_t ctlen, uint8_t *out);

/*
 * Digests and MACs STUN needs (RFC 8489): MD5 and SHA-256 for long-term
 * keys and USERHASH, HMAC-SHA1 and HMAC-SHA256 for MESSAGE-INTEGRITY(-SHA256)
 * and TURN REST credentials.
 */
#define CRYPTO_MD5_LEN		16
#define CRYPTO_SHA1_LEN		20
#define CRYPTO_SHA256_LEN	32
int	crypto_md5(const void *in, size_t inlen, uint8_t out[CRYPTO_MD5_LEN]);
int	crypto_sha256(const void *in, size_t inlen,
	    uint8_t out[CRYPTO_SHA256_LEN]);
int	crypto_hmac_sha1(const void *key, size_t keylen, const void *in,
	    size_t inlen, uint8_t out[CRYPTO_SHA1_LEN]);
int	crypto_hmac_sha256(const void *key, size_t keylen, const void *in,
	    size_t inlen, uint8_t out[CRYPTO_SHA256_LEN]);
/*
 * The two MACs over a || b without a copy: STUN's MESSAGE-INTEGRITY covers
 * a rewritten header (a) and then the message body as received (b).
 */
int	crypto_hmac_sha1_2(const void *key, size_t keylen, const void *a,
	    size_t alen, const void *b, size_t blen,
	    uint8_t out[CRYPTO_SHA1_LEN]);
int	crypto_hmac_sha256_2(const void *key, size_t keylen, const void *a,
	    size_t alen, const void *b, size_t blen,
	    uint8_t out[CRYPTO_SHA256_LEN]);

/* Constant-time comparison: 0 if equal, -1 if not. */
int	crypto_memeq(const void *a, const void *b, size_t n);
/* Wipe memory in a way the compiler keeps. */
void	crypto_wipe(void *p, size_t n);

#endif

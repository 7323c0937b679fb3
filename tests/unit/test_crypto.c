/*
 * test_crypto.c - the crypto wrappers against their RFCs' own vectors:
 * RFC 8032 §7.1 (Ed25519), RFC 7748 §5.2 and §6.1 (X25519), RFC 7693
 * Appendix B (BLAKE2s), RFC 5869 Appendix A (HKDF-SHA256), RFC 8439 §2.8.2
 * (ChaCha20-Poly1305); Noise's HKDF against hand-chained HMACs.
 */
#include <stdint.h>
#include <string.h>

#include "chorus/crypto.h"
#include "../tap.h"

#define TEST_CRYPTO_MAX	256

/* RFC 8032 §7.1, TEST 1 to TEST 3. */
static const struct {
	const char	*name;
	const char	*seed;
	const char	*pub;
	const char	*msg;
	const char	*sig;
} ed25519_vectors[] = {
	{ "RFC 8032 TEST 1",
	  "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
	  "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
	  "",
	  "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
	  "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b" },
	{ "RFC 8032 TEST 2",
	  "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
	  "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
	  "72",
	  "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
	  "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00" },
	{ "RFC 8032 TEST 3",
	  "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
	  "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
	  "af82",
	  "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac"
	  "18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a" },
};

/* RFC 7748 §5.2, the two single-iteration X25519 vectors. */
static const struct {
	const char	*scalar;
	const char	*u;
	const char	*out;
} x25519_vectors[] = {
	{ "a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
	  "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c",
	  "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552" },
	{ "4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
	  "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493",
	  "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957" },
};

/* RFC 7748 §6.1. */
#define X_ALICE_PRIV \
	"77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"
#define X_ALICE_PUB \
	"8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"
#define X_BOB_PRIV \
	"5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb"
#define X_BOB_PUB \
	"de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f"
#define X_SHARED \
	"4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742"

/*
 * Small-order points, which X25519 maps to zero for every (clamped)
 * scalar: u = 0, u = 1, u = p - 1 and a point of order 8.
 */
static const char *x25519_low_order[] = {
	"0000000000000000000000000000000000000000000000000000000000000000",
	"0100000000000000000000000000000000000000000000000000000000000000",
	"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	"e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
};

/* RFC 5869 Appendix A, test cases 1 to 3 (SHA-256). */
static const struct {
	const char	*name;
	const char	*ikm;
	const char	*salt;
	const char	*info;
	const char	*okm;
} hkdf_vectors[] = {
	{ "RFC 5869 A.1",
	  "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b",
	  "000102030405060708090a0b0c",
	  "f0f1f2f3f4f5f6f7f8f9",
	  "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf"
	  "34007208d5b887185865" },
	{ "RFC 5869 A.2",
	  "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
	  "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"
	  "404142434445464748494a4b4c4d4e4f",
	  "606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f"
	  "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"
	  "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf",
	  "b0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecf"
	  "d0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeef"
	  "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff",
	  "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c"
	  "59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71"
	  "cc30c58179ec3e87c14c01d5c1f3434f1d87" },
	{ "RFC 5869 A.3",
	  "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b",
	  "",
	  "",
	  "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d"
	  "9d201395faa4b61a96c8" },
};

/* RFC 8439 §2.8.2. */
#define AEAD_PT "Ladies and Gentlemen of the class of '99: If I could " \
	"offer you only one tip for the future, sunscreen would be it."
#define AEAD_AAD "50515253c0c1c2c3c4c5c6c7"
#define AEAD_KEY \
	"808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"
#define AEAD_IV "070000004041424344454647"
#define AEAD_CT \
	"d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d6" \
	"3dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36" \
	"92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc" \
	"3ff4def08e4b7a9de576d26586cec64b6116"
#define AEAD_TAG "1ae10b594f09e26a7e902ecbd0600691"

/* Ed25519: public key and signature byte-exact, verify, bit flips. */
static void
test_ed25519(void)
{
	uint8_t seed[32], pub[32], want_pub[32], sig[64], want_sig[64];
	uint8_t msg[TEST_CRYPTO_MAX];
	size_t i, n;

	for (i = 0; i < sizeof(ed25519_vectors) / sizeof(ed25519_vectors[0]);
	    i++) {
		tap_unhex(ed25519_vectors[i].seed, seed, sizeof(seed));
		tap_unhex(ed25519_vectors[i].pub, want_pub, sizeof(want_pub));
		tap_unhex(ed25519_vectors[i].sig, want_sig, sizeof(want_sig));
		n = tap_unhex(ed25519_vectors[i].msg, msg, sizeof(msg));

		tap_ok(crypto_ed25519_public(seed, pub) == 0, "%s: public",
		    ed25519_vectors[i].name);
		tap_is_mem(pub, want_pub, sizeof(pub), "public key");
		tap_ok(crypto_ed25519_sign(seed, n == 0 ? NULL : msg, n,
		    sig) == 0, "%s: sign", ed25519_vectors[i].name);
		tap_is_mem(sig, want_sig, sizeof(sig), "signature");
		tap_ok(crypto_ed25519_verify(want_pub, msg, n, want_sig) == 0,
		    "%s: verify", ed25519_vectors[i].name);

		sig[0] ^= 0x01;
		tap_ok(crypto_ed25519_verify(want_pub, msg, n, sig) == -1,
		    "%s: R bit flipped fails", ed25519_vectors[i].name);
		sig[0] ^= 0x01;
		sig[63] ^= 0x10;
		tap_ok(crypto_ed25519_verify(want_pub, msg, n, sig) == -1,
		    "%s: S bit flipped fails", ed25519_vectors[i].name);
		sig[63] ^= 0x10;
		pub[5] ^= 0x80;
		tap_ok(crypto_ed25519_verify(pub, msg, n, sig) == -1,
		    "%s: key bit flipped fails", ed25519_vectors[i].name);
		msg[n] = 0;
		tap_ok(crypto_ed25519_verify(want_pub, msg, n + 1, sig) == -1,
		    "%s: longer message fails", ed25519_vectors[i].name);
	}
}

/* X25519: RFC 7748 §5.2 and §6.1, and low-order points refused. */
static void
test_x25519(void)
{
	uint8_t k[32], u[32], out[32], want[32];
	uint8_t a[32], b[32], apub[32], bpub[32], s1[32], s2[32];
	size_t i;

	for (i = 0; i < sizeof(x25519_vectors) / sizeof(x25519_vectors[0]);
	    i++) {
		tap_unhex(x25519_vectors[i].scalar, k, sizeof(k));
		tap_unhex(x25519_vectors[i].u, u, sizeof(u));
		tap_unhex(x25519_vectors[i].out, want, sizeof(want));
		tap_ok(crypto_x25519(k, u, out) == 0,
		    "RFC 7748 §5.2 vector %zu", i + 1);
		tap_is_mem(out, want, sizeof(out), "output u-coordinate");
	}

	tap_unhex(X_ALICE_PRIV, a, sizeof(a));
	tap_unhex(X_BOB_PRIV, b, sizeof(b));
	tap_ok(crypto_x25519_public(a, apub) == 0, "§6.1 Alice's public");
	tap_unhex(X_ALICE_PUB, want, sizeof(want));
	tap_is_mem(apub, want, sizeof(want), "Alice's public key");
	tap_ok(crypto_x25519_public(b, bpub) == 0, "§6.1 Bob's public");
	tap_unhex(X_BOB_PUB, want, sizeof(want));
	tap_is_mem(bpub, want, sizeof(want), "Bob's public key");
	tap_unhex(X_SHARED, want, sizeof(want));
	tap_ok(crypto_x25519(a, bpub, s1) == 0, "§6.1 Alice's DH");
	tap_is_mem(s1, want, sizeof(want), "shared secret (Alice)");
	tap_ok(crypto_x25519(b, apub, s2) == 0, "§6.1 Bob's DH");
	tap_is_mem(s2, want, sizeof(want), "shared secret (Bob)");

	for (i = 0; i < sizeof(x25519_low_order) / sizeof(x25519_low_order[0]);
	    i++) {
		tap_unhex(x25519_low_order[i], u, sizeof(u));
		memset(out, 0xaa, sizeof(out));
		tap_ok(crypto_x25519(a, u, out) == -1,
		    "low-order point %zu refused", i);
		memset(want, 0, sizeof(want));
		tap_is_mem(out, want, sizeof(out), "output wiped");
	}
}

/* BLAKE2s-256: RFC 7693 Appendix B ("abc") and the empty string. */
static void
test_blake2s(void)
{
	uint8_t out[32], want[32];

	tap_ok(crypto_blake2s("abc", 3, out) == 0, "BLAKE2s(\"abc\")");
	tap_unhex("508c5e8c327c14e2e1a72ba34eeb452f"
	    "37458b209ed63a294d999b4c86675982", want, sizeof(want));
	tap_is_mem(out, want, sizeof(out), "RFC 7693 Appendix B");
	tap_ok(crypto_blake2s2("a", 1, "bc", 2, out) == 0, "BLAKE2s(a || bc)");
	tap_is_mem(out, want, sizeof(out), "two-part hash is the same");
	tap_ok(crypto_blake2s2("abc", 3, NULL, 0, out) == 0 &&
	    memcmp(out, want, sizeof(out)) == 0, "empty second part");

	tap_ok(crypto_blake2s(NULL, 0, out) == 0, "BLAKE2s(\"\")");
	tap_unhex("69217a3079908094e11121d042354a7c"
	    "1f55b6482ca1a51e1b250dfd1ed0eef9", want, sizeof(want));
	tap_is_mem(out, want, sizeof(out), "BLAKE2s-256 of nothing");
}

/* HMAC-BLAKE2s, checked by hand against RFC 2104 over crypto_blake2s. */
static void
test_hmac_blake2s(void)
{
	uint8_t key[40], ipad[CRYPTO_BLAKE2S_BLOCK], opad[CRYPTO_BLAKE2S_BLOCK];
	uint8_t inner[32], out[32], want[32], hkey[32];
	size_t i;

	/* A key no longer than a block is zero-padded. */
	for (i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)i;
	memset(ipad, 0x36, sizeof(ipad));
	memset(opad, 0x5c, sizeof(opad));
	for (i = 0; i < sizeof(key); i++) {
		ipad[i] ^= key[i];
		opad[i] ^= key[i];
	}
	crypto_blake2s2(ipad, sizeof(ipad), "message", 7, inner);
	crypto_blake2s2(opad, sizeof(opad), inner, sizeof(inner), want);
	tap_ok(crypto_hmac_blake2s(key, sizeof(key), "message", 7, out) == 0,
	    "HMAC-BLAKE2s");
	tap_is_mem(out, want, sizeof(out), "HMAC-BLAKE2s per RFC 2104");

	/* A key longer than a block is hashed first. */
	{
		uint8_t longkey[CRYPTO_BLAKE2S_BLOCK + 1];

		memset(longkey, 0x42, sizeof(longkey));
		crypto_blake2s(longkey, sizeof(longkey), hkey);
		memset(ipad, 0x36, sizeof(ipad));
		memset(opad, 0x5c, sizeof(opad));
		for (i = 0; i < sizeof(hkey); i++) {
			ipad[i] ^= hkey[i];
			opad[i] ^= hkey[i];
		}
		crypto_blake2s2(ipad, sizeof(ipad), "", 0, inner);
		crypto_blake2s2(opad, sizeof(opad), inner, sizeof(inner), want);
		tap_ok(crypto_hmac_blake2s(longkey, sizeof(longkey), NULL, 0,
		    out) == 0, "HMAC-BLAKE2s, 65-byte key, empty message");
		tap_is_mem(out, want, sizeof(out), "long key hashed first");
	}
}

/* Noise §4.3 HKDF equals hand-chained HMAC-BLAKE2s calls. */
static void
test_noise_hkdf(void)
{
	uint8_t ck[32], ikm[32], temp[32], t1[32], t2[32], t3[32], in[33];
	uint8_t o1[32], o2[32], o3[32], only[32];
	size_t i;

	for (i = 0; i < 32; i++) {
		ck[i] = (uint8_t)(0xc0 + i);
		ikm[i] = (uint8_t)(0x10 + i);
	}
	crypto_hmac_blake2s(ck, 32, ikm, 32, temp);
	in[0] = 0x01;
	crypto_hmac_blake2s(temp, 32, in, 1, t1);
	memcpy(in, t1, 32);
	in[32] = 0x02;
	crypto_hmac_blake2s(temp, 32, in, 33, t2);
	memcpy(in, t2, 32);
	in[32] = 0x03;
	crypto_hmac_blake2s(temp, 32, in, 33, t3);

	tap_ok(crypto_noise_hkdf(ck, ikm, 32, o1, o2, o3) == 0,
	    "noise hkdf, three outputs");
	tap_is_mem(o1, t1, 32, "output1 = HMAC(temp_key, 0x01)");
	tap_is_mem(o2, t2, 32, "output2 = HMAC(temp_key, output1 || 0x02)");
	tap_is_mem(o3, t3, 32, "output3 = HMAC(temp_key, output2 || 0x03)");

	tap_ok(crypto_noise_hkdf(ck, ikm, 32, only, NULL, NULL) == 0 &&
	    memcmp(only, t1, 32) == 0, "one output");
	memset(o1, 0, 32);
	tap_ok(crypto_noise_hkdf(ck, ikm, 32, o1, o2, NULL) == 0 &&
	    memcmp(o1, t1, 32) == 0 && memcmp(o2, t2, 32) == 0,
	    "two outputs");
	tap_ok(crypto_noise_hkdf(ck, ikm, 32, o1, NULL, o3) == 0 &&
	    memcmp(o3, t3, 32) == 0, "third output without the second");
	/* ck, k = HKDF(ck, ...): out1 may be the chaining key itself. */
	memcpy(in, ck, 32);
	tap_ok(crypto_noise_hkdf(in, ikm, 32, in, o2, NULL) == 0 &&
	    memcmp(in, t1, 32) == 0 && memcmp(o2, t2, 32) == 0,
	    "out1 aliasing ck");
	tap_ok(crypto_noise_hkdf(ck, NULL, 0, o1, NULL, NULL) == 0,
	    "empty input key material");
	tap_ok(crypto_noise_hkdf(ck, ikm, 32, NULL, o2, NULL) == -1,
	    "out1 is required");
}

/* RFC 5869 test cases 1-3. */
static void
test_hkdf_sha256(void)
{
	uint8_t ikm[TEST_CRYPTO_MAX], salt[TEST_CRYPTO_MAX];
	uint8_t info[TEST_CRYPTO_MAX], okm[TEST_CRYPTO_MAX], out[TEST_CRYPTO_MAX];
	size_t i, ni, ns, nf, no;
	uint8_t zero[32];
	static uint8_t big[255 * 32 + 1];

	for (i = 0; i < sizeof(hkdf_vectors) / sizeof(hkdf_vectors[0]); i++) {
		ni = tap_unhex(hkdf_vectors[i].ikm, ikm, sizeof(ikm));
		ns = tap_unhex(hkdf_vectors[i].salt, salt, sizeof(salt));
		nf = tap_unhex(hkdf_vectors[i].info, info, sizeof(info));
		no = tap_unhex(hkdf_vectors[i].okm, okm, sizeof(okm));
		tap_ok(crypto_hkdf_sha256(ns ? salt : NULL, ns, ikm, ni,
		    nf ? info : NULL, nf, out, no) == 0, "%s",
		    hkdf_vectors[i].name);
		tap_is_mem(out, okm, no, "OKM");
	}
	/* No salt is the same as HashLen zero bytes (RFC 5869 §2.2). */
	memset(zero, 0, sizeof(zero));
	ni = tap_unhex(hkdf_vectors[2].ikm, ikm, sizeof(ikm));
	no = tap_unhex(hkdf_vectors[2].okm, okm, sizeof(okm));
	tap_ok(crypto_hkdf_sha256(zero, sizeof(zero), ikm, ni, NULL, 0, out,
	    no) == 0 && memcmp(out, okm, no) == 0,
	    "32 zero bytes of salt equal no salt");
	tap_ok(crypto_hkdf_sha256(NULL, 0, ikm, ni, NULL, 0, big,
	    sizeof(big)) == -1, "more than 255 blocks refused");
	tap_ok(crypto_hkdf_sha256(NULL, 0, ikm, ni, NULL, 0, big,
	    sizeof(big) - 1) == 0, "exactly 255 blocks");
}

/* RFC 8439 §2.8.2, and the Noise counter nonce layout. */
static void
test_aead(void)
{
	uint8_t key[32], iv[12], aad[12], ct[TEST_CRYPTO_MAX];
	uint8_t want[TEST_CRYPTO_MAX], pt[TEST_CRYPTO_MAX];
	uint8_t c1[TEST_CRYPTO_MAX], c2[TEST_CRYPTO_MAX];
	size_t ptlen = sizeof(AEAD_PT) - 1, n;

	tap_unhex(AEAD_KEY, key, sizeof(key));
	tap_unhex(AEAD_IV, iv, sizeof(iv));
	tap_unhex(AEAD_AAD, aad, sizeof(aad));
	n = tap_unhex(AEAD_CT, want, sizeof(want));
	tap_is_int(n, ptlen, "vector lengths agree");
	tap_unhex(AEAD_TAG, want + n, sizeof(want) - n);

	tap_ok(crypto_aead_seal_iv(key, iv, aad, sizeof(aad), AEAD_PT, ptlen,
	    ct) == 0, "RFC 8439 §2.8.2 seal");
	tap_is_mem(ct, want, ptlen, "ciphertext");
	tap_is_mem(ct + ptlen, want + ptlen, CRYPTO_AEAD_TAG_LEN, "tag");
	tap_ok(crypto_aead_open_iv(key, iv, aad, sizeof(aad), ct,
	    ptlen + CRYPTO_AEAD_TAG_LEN, pt) == 0, "RFC 8439 §2.8.2 open");
	tap_is_mem(pt, AEAD_PT, ptlen, "plaintext back");

	ct[ptlen + 7] ^= 0x04;
	memset(pt, 0xaa, sizeof(pt));
	tap_ok(crypto_aead_open_iv(key, iv, aad, sizeof(aad), ct,
	    ptlen + CRYPTO_AEAD_TAG_LEN, pt) == -1, "flipped tag bit fails");
	memset(c1, 0, sizeof(c1));
	tap_is_mem(pt, c1, ptlen, "plaintext wiped on failure");
	ct[ptlen + 7] ^= 0x04;
	ct[3] ^= 0x80;
	tap_ok(crypto_aead_open_iv(key, iv, aad, sizeof(aad), ct,
	    ptlen + CRYPTO_AEAD_TAG_LEN, pt) == -1,
	    "flipped ciphertext bit fails");
	ct[3] ^= 0x80;
	aad[0] ^= 1;
	tap_ok(crypto_aead_open_iv(key, iv, aad, sizeof(aad), ct,
	    ptlen + CRYPTO_AEAD_TAG_LEN, pt) == -1, "changed AD fails");
	aad[0] ^= 1;
	tap_ok(crypto_aead_open_iv(key, iv, aad, sizeof(aad), ct,
	    CRYPTO_AEAD_TAG_LEN - 1, pt) == -1, "shorter than a tag fails");

	/* Noise nonce: 4 zero bytes, then the counter little endian. */
	tap_unhex("000000000001020304050607", iv, sizeof(iv));
	tap_ok(crypto_aead_seal(key, 0x0706050403020100ULL, aad, sizeof(aad),
	    AEAD_PT, ptlen, c1) == 0 &&
	    crypto_aead_seal_iv(key, iv, aad, sizeof(aad), AEAD_PT, ptlen,
	    c2) == 0, "counter seal and iv seal");
	tap_is_mem(c1, c2, ptlen + CRYPTO_AEAD_TAG_LEN,
	    "counter nonce is 00000000 || le64(counter)");
	tap_ok(crypto_aead_open(key, 0x0706050403020100ULL, aad, sizeof(aad),
	    c1, ptlen + CRYPTO_AEAD_TAG_LEN, pt) == 0 &&
	    memcmp(pt, AEAD_PT, ptlen) == 0, "counter open");
	tap_ok(crypto_aead_open(key, 0x0706050403020101ULL, aad, sizeof(aad),
	    c1, ptlen + CRYPTO_AEAD_TAG_LEN, pt) == -1,
	    "open under the next counter fails");

	/* Empty plaintext and empty AD: just a tag (Noise's empty payload). */
	tap_ok(crypto_aead_seal(key, 0, NULL, 0, NULL, 0, c1) == 0,
	    "seal of nothing");
	tap_ok(crypto_aead_open(key, 0, NULL, 0, c1, CRYPTO_AEAD_TAG_LEN,
	    NULL) == 0, "open of nothing");
	c1[0] ^= 1;
	tap_ok(crypto_aead_open(key, 0, NULL, 0, c1, CRYPTO_AEAD_TAG_LEN,
	    NULL) == -1, "open of nothing with a bad tag fails");
}

/* Constant-time comparison and wiping. */
static void
test_memeq(void)
{
	uint8_t a[32], b[32];

	memset(a, 0x5a, sizeof(a));
	memset(b, 0x5a, sizeof(b));
	tap_is_int(crypto_memeq(a, b, sizeof(a)), 0, "memeq: equal");
	b[31] ^= 0x80;
	tap_is_int(crypto_memeq(a, b, sizeof(a)), -1, "memeq: last bit");
	b[31] ^= 0x80;
	b[0] ^= 0x01;
	tap_is_int(crypto_memeq(a, b, sizeof(a)), -1, "memeq: first bit");
	tap_is_int(crypto_memeq(a, b, 0), 0, "memeq: zero length");
	crypto_wipe(a, sizeof(a));
	memset(b, 0, sizeof(b));
	tap_is_mem(a, b, sizeof(a), "wipe zeroes");
}

int
main(void)
{
	test_ed25519();
	test_x25519();
	test_blake2s();
	test_hmac_blake2s();
	test_noise_hkdf();
	test_hkdf_sha256();
	test_aead();
	test_memeq();
	return tap_done();
}

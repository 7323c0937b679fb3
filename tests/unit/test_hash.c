/*
 * test_hash.c - SipHash-2-4 against OpenSSL's SIPHASH MAC, which is an
 * independent implementation, on the paper's key and on random inputs.
 */
#include <stdint.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/core_names.h>

#include "chorus/hash.h"
#include "../tap.h"

/* OpenSSL's SipHash-2-4 with an 8-byte output, little-endian to u64. */
static uint64_t
ref_siphash(const uint8_t key[16], const uint8_t *p, size_t len)
{
	EVP_MAC *mac = EVP_MAC_fetch(NULL, "SIPHASH", NULL);
	EVP_MAC_CTX *ctx = EVP_MAC_CTX_new(mac);
	size_t outlen = 8, n;
	OSSL_PARAM params[2];
	unsigned int size = 8;
	uint8_t out[8];
	uint64_t v = 0;
	int i;

	params[0] = OSSL_PARAM_construct_uint(OSSL_MAC_PARAM_SIZE, &size);
	params[1] = OSSL_PARAM_construct_end();
	EVP_MAC_init(ctx, key, 16, params);
	EVP_MAC_update(ctx, p, len);
	EVP_MAC_final(ctx, out, &n, outlen);
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(mac);
	for (i = 7; i >= 0; i--)
		v = (v << 8) | out[i];
	return v;
}

/* A fixed-seed generator, so failures reproduce. */
static uint64_t
xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

int
main(void)
{
	uint8_t kb[16], msg[64];
	uint64_t key[2], seed = 0x9e3779b97f4a7c15ULL;
	size_t i, len;
	int bad = 0, n;

	tap_plan(4);
	for (i = 0; i < 16; i++)
		kb[i] = (uint8_t)i;
	for (i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)i;
	memcpy(&key[0], kb, 8);		/* the test runs on little endian */
	memcpy(&key[1], kb + 8, 8);
	/* The paper's Appendix A example: key 00..0f, message 00..0e. */
	tap_is_int((long long)hash_siphash(key, msg, 15),
	    (long long)0xa129ca6149be45e5ULL, "paper example (15 bytes)");
	tap_is_int((long long)hash_siphash(key, msg, 15),
	    (long long)ref_siphash(kb, msg, 15), "OpenSSL agrees on it");
	for (len = 0; len <= sizeof(msg); len++)
		if (hash_siphash(key, msg, len) != ref_siphash(kb, msg, len))
			bad++;
	tap_is_int(bad, 0, "every length 0..64 agrees with OpenSSL");
	bad = 0;
	for (n = 0; n < 2000; n++) {
		for (i = 0; i < 16; i++)
			kb[i] = (uint8_t)xorshift(&seed);
		len = xorshift(&seed) % sizeof(msg);
		for (i = 0; i < len; i++)
			msg[i] = (uint8_t)xorshift(&seed);
		memcpy(&key[0], kb, 8);
		memcpy(&key[1], kb + 8, 8);
		if (hash_siphash(key, msg, len) != ref_siphash(kb, msg, len))
			bad++;
	}
	tap_is_int(bad, 0, "2000 random keys and messages agree");
	return tap_done();
}

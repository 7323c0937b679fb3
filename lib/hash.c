/*
 * hash.c - SipHash-2-4 (Aumasson and Bernstein, 2012), 64-bit output.
 *
 * Written from the paper's description: four 64-bit state words seeded
 * from the key, two compression rounds per 8-byte little-endian word, the
 * length in the last word's top byte, four finalisation rounds.
 */
#include <string.h>

#include "chorus/hash.h"

#define ROTL(x, b)	(((x) << (b)) | ((x) >> (64 - (b))))

/* One SipRound on the state. */
static inline void
hash_round(uint64_t v[4])
{
	v[0] += v[1]; v[1] = ROTL(v[1], 13); v[1] ^= v[0];
	v[0] = ROTL(v[0], 32);
	v[2] += v[3]; v[3] = ROTL(v[3], 16); v[3] ^= v[2];
	v[0] += v[3]; v[3] = ROTL(v[3], 21); v[3] ^= v[0];
	v[2] += v[1]; v[1] = ROTL(v[1], 17); v[1] ^= v[2];
	v[2] = ROTL(v[2], 32);
}

/* Little-endian load of n (<= 8) bytes. */
static inline uint64_t
hash_load(const uint8_t *p, size_t n)
{
	uint64_t w = 0;
	size_t i;

	for (i = 0; i < n; i++)
		w |= (uint64_t)p[i] << (8 * i);
	return w;
}

/* SipHash-2-4. */
uint64_t
hash_siphash(const uint64_t key[2], const void *data, size_t len)
{
	const uint8_t *p = data;
	uint64_t v[4], m;
	size_t i, left = len;

	v[0] = key[0] ^ 0x736f6d6570736575ULL;
	v[1] = key[1] ^ 0x646f72616e646f6dULL;
	v[2] = key[0] ^ 0x6c7967656e657261ULL;
	v[3] = key[1] ^ 0x7465646279746573ULL;
	for (; left >= 8; p += 8, left -= 8) {
		m = hash_load(p, 8);
		v[3] ^= m;
		hash_round(v);
		hash_round(v);
		v[0] ^= m;
	}
	m = hash_load(p, left) | ((uint64_t)(len & 0xff) << 56);
	v[3] ^= m;
	hash_round(v);
	hash_round(v);
	v[0] ^= m;
	v[2] ^= 0xff;
	for (i = 0; i < 4; i++)
		hash_round(v);
	return v[0] ^ v[1] ^ v[2] ^ v[3];
}

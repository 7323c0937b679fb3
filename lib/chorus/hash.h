/*
 * hash.h - SipHash-2-4, a keyed hash for tables whose keys come from the
 * network (client addresses and ports), so that nobody who does not know
 * the key can make entries collide.
 */
#ifndef CHORUS_HASH_H
#define CHORUS_HASH_H

#include <stddef.h>
#include <stdint.h>

/* SipHash-2-4 of p[len] under the 128-bit key (k[0] low, k[1] high). */
uint64_t	hash_siphash(const uint64_t key[2], const void *p, size_t len);

#endif

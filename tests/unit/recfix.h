/*
 * recfix.h - the fixture the room record tests share (test_record.c and
 * test_admit_rec.c): where each field of a record lies, a fixed time, a
 * fixed Ed25519 key for the owner, five members and another room (byte i
 * of seed "tag" is tag + 3 * i, so the Python known answers can rebuild
 * them), and helpers that sign, parse and apply records with those keys.
 */
#ifndef CHORUS_TEST_RECFIX_H
#define CHORUS_TEST_RECFIX_H

#include <stddef.h>
#include <stdint.h>

#include "chorus/crypto.h"
#include "chorus/record.h"
#include "chorus/room.h"

/* Offsets of the fields in a record (doc/PROTOCOL.md "Room records"). */
#define OFF_KIND	1
#define OFF_RESERVED	2
#define OFF_ROOM	10
#define OFF_ISSUED	42
#define OFF_TARGET	50
#define OFF_UNTIL	82
#define OFF_SIGNER	90
#define OFF_SIG		122

/* The tests' "now", and the issued time of the known answers. */
#define T0		UINT64_C(1700000000)

/* The people: the owner's room key, members A to E, another room's key. */
enum { OWNER, A, B, C, D, E, OTHER, NKEYS };
/* The seed tag of each of them. */
extern const uint8_t key_tags[NKEYS];
/* Their Ed25519 seeds and public keys, set by make_keys(). */
extern uint8_t seeds[NKEYS][CRYPTO_ED25519_SEED_LEN];
extern uint8_t pubs[NKEYS][CRYPTO_ED25519_PUB_LEN];
/* The ID of the owner's room, and of OTHER's. */
extern uint8_t room_id[ROOM_ID_LEN], other_room_id[ROOM_ID_LEN];

/* A fixed 32-byte seed: byte i is tag + 3i. */
void	make_seed(uint8_t tag, uint8_t out[32]);
/* Fill seeds, pubs, room_id and other_room_id; 0, or -1 if one fails. */
int	make_keys(void);
/* A target ID for list-filling: i in the first two bytes, then 0xee. */
void	filler_id(size_t i, uint8_t id[32]);
/* A record with these fields, signed by key signer, into out; 0 or -1. */
int	make_record(const uint8_t *rid, int signer, uint8_t kind,
	    const uint8_t *target, uint64_t issued, uint64_t until,
	    uint8_t out[RECORD_LEN]);
/*
 * Sign, parse and apply one record for room rid: policy_apply's answer,
 * or -1 if signing or parsing failed.
 */
int	apply_in(struct room_policy *, const uint8_t *rid, int signer,
	    uint8_t kind, const uint8_t *target, uint64_t issued,
	    uint64_t until);
/* The same, in room_id. */
int	apply(struct room_policy *, int signer, uint8_t kind,
	    const uint8_t *target, uint64_t issued, uint64_t until);
/*
 * Fill one of a fresh policy's lists: the owner signs n records at T0
 * for filler IDs, kind k0 where i % every == 0 and k1 otherwise.  How
 * many were refused.
 */
size_t	fill_list(struct room_policy *, size_t n, size_t every, uint8_t k0,
	    uint8_t k1);
/* A full list: kinds k0 and k1 for target refused, and p unchanged. */
void	full_refused(struct room_policy *, uint8_t k0, uint8_t k1,
	    const uint8_t *target, const char *what0, const char *what1);

#endif

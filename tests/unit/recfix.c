/*
 * recfix.c - the fixture the room record tests share; see recfix.h.
 */
#include <stdint.h>
#include <string.h>

#include "chorus/crypto.h"
#include "chorus/record.h"
#include "chorus/room.h"
#include "recfix.h"
#include "../tap.h"

const uint8_t key_tags[NKEYS] = { 0x01, 0x11, 0x21, 0x31, 0x41, 0x51,
    0x81 };
uint8_t seeds[NKEYS][CRYPTO_ED25519_SEED_LEN];
uint8_t pubs[NKEYS][CRYPTO_ED25519_PUB_LEN];
uint8_t room_id[ROOM_ID_LEN], other_room_id[ROOM_ID_LEN];

/* Byte i of the seed is tag + 3i. */
void
make_seed(uint8_t tag, uint8_t out[32])
{
	size_t i;

	for (i = 0; i < 32; i++)
		out[i] = (uint8_t)(tag + i * 3);
}

/* The fixed Ed25519 keys and the two room IDs; every step is tried. */
int
make_keys(void)
{
	size_t i;
	int ok = 1;

	for (i = 0; i < NKEYS; i++) {
		make_seed(key_tags[i], seeds[i]);
		ok &= crypto_ed25519_public(seeds[i], pubs[i]) == 0;
	}
	ok &= room_id_from_key(pubs[OWNER], room_id) == 0;
	ok &= room_id_from_key(pubs[OTHER], other_room_id) == 0;
	return ok ? 0 : -1;
}

/* A target ID for list-filling: i in the first two bytes. */
void
filler_id(size_t i, uint8_t id[32])
{
	memset(id, 0xee, 32);
	id[0] = (uint8_t)(i >> 8);
	id[1] = (uint8_t)i;
}

/* A record with these fields, signed by key signer, written to out. */
int
make_record(const uint8_t *rid, int signer, uint8_t kind,
    const uint8_t *target, uint64_t issued, uint64_t until,
    uint8_t out[RECORD_LEN])
{
	struct record r;

	memset(&r, 0, sizeof(r));
	r.kind = kind;
	memcpy(r.room_id, rid, ROOM_ID_LEN);
	r.issued = issued;
	memcpy(r.target, target, sizeof(r.target));
	r.until = until;
	return record_sign(&r, seeds[signer], out);
}

/* Sign, parse and apply one record; -1 if signing or parsing failed. */
int
apply_in(struct room_policy *p, const uint8_t *rid, int signer,
    uint8_t kind, const uint8_t *target, uint64_t issued, uint64_t until)
{
	uint8_t buf[RECORD_LEN];
	struct record r;

	if (make_record(rid, signer, kind, target, issued, until, buf) == -1 ||
	    record_parse(buf, sizeof(buf), &r) != RECORD_OK)
		return -1;
	return (int)policy_apply(p, &r);
}

/* The same, in this room. */
int
apply(struct room_policy *p, int signer, uint8_t kind, const uint8_t *target,
    uint64_t issued, uint64_t until)
{
	return apply_in(p, room_id, signer, kind, target, issued, until);
}

size_t
fill_list(struct room_policy *p, size_t n, size_t every, uint8_t k0,
    uint8_t k1)
{
	uint8_t id[32];
	size_t i, bad = 0;

	for (i = 0; i < n; i++) {
		filler_id(i, id);
		if (apply(p, OWNER, i % every ? k1 : k0, id, T0, 0) !=
		    RECORD_OK)
			bad++;
	}
	return bad;
}

void
full_refused(struct room_policy *p, uint8_t k0, uint8_t k1,
    const uint8_t *target, const char *what0, const char *what1)
{
	struct room_policy before;

	memcpy(&before, p, sizeof(before));
	tap_is_int(apply(p, OWNER, k0, target, T0, 0), RECORD_ERR_FULL, what0);
	tap_is_int(apply(p, OWNER, k1, target, T0, 0), RECORD_ERR_FULL, what1);
	tap_is_mem(p, &before, sizeof(before), "full list unchanged");
}

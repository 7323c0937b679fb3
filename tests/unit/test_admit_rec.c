/*
 * test_admit_rec.c - the admission records: ADMIT's rule encoding (the
 * layout byte by byte, round trips, every range refused by the encoder,
 * the decoder, record_sign and record_parse), the known ADMIT and INVITE
 * records, the field rules of kinds 8 to 11 and every flipped bit
 * refused, ADMIT in the policy (owner only, the first taken, then only
 * newer ones), the ALLOW/DISALLOW allow-list with the ban rules (who may,
 * staleness, demotion, a full list), INVITE never applied, and
 * policy_check_invite in each of its answers and their order.
 *
 * Known answers were computed independently with Python 3's hashlib and
 * the "cryptography" package (Ed25519), not with this code; the keys are
 * the fixed seeds of make_keys() (recfix.c): byte i of seed "tag" is
 * tag + 3 * i.
 */
#include <stdint.h>
#include <string.h>

#include "chorus/crypto.h"
#include "chorus/record.h"
#include "chorus/room.h"
#include "../tap.h"
#include "recfix.h"

/* The owner's ADMIT: members- and invite-only, 0.250, 30 a minute, 5. */
static const char *kat_admit =
    "01080000000000000000e7d1815f3a4f36f31a69134a2153f7f144f61f156cfe66ce"
    "a1fa28a6f9bd74c8000000006553f1090300fa001e00050000000000000000000000"
    "000000000000000000000000000000000000000000005c8ee580f7c1d08f801e4721"
    "65889625f16d98f237b3abdfa858c50893148e1eb8b9e2d500ac7a504d59ece741fc"
    "0ce5d2e42745199ee462dfcb5aead3b2adc60628b9dc41fcb405c423a2f1055c139a"
    "38c40c94246448973f7683a16187080f";
/* A invites B, issued T0 + 20, until T0 + 86400. */
static const char *kat_invite =
    "010b0000000000000000e7d1815f3a4f36f31a69134a2153f7f144f61f156cfe66ce"
    "a1fa28a6f9bd74c8000000006553f114eb3131359fd822c00559b800cc9fab9bad81"
    "6ae46cba02b7fba07ecfad3c8f7100000000655542804ea4f7395442abeedd5810b3"
    "40ab5e42a26085694b5861543cdbc12caf4ae254563515fe6971d7a84df270dada82"
    "d6052d12da7713558cd39a977050a5e924a39d17c16650c7dbb1a35c62d35599acdc"
    "c340c268a66de1d3d0caa4a88f031607";

/* An ADMIT target written byte by byte (not by record_admit_encode). */
static void
admit_bytes(uint8_t flags, uint16_t standing, uint16_t rate, uint16_t burst,
    uint8_t out[32])
{
	memset(out, 0, 32);
	out[0] = flags;
	out[1] = (uint8_t)(standing >> 8);
	out[2] = (uint8_t)standing;
	out[3] = (uint8_t)(rate >> 8);
	out[4] = (uint8_t)rate;
	out[5] = (uint8_t)(burst >> 8);
	out[6] = (uint8_t)burst;
}

/* Admission rules the encoder, decoder, signer and parser all refuse. */
static const struct {
	uint8_t		 flags;
	uint16_t	 standing, rate, burst;
	const char	*name;
} bad_admits[] = {
	{ 0x04, 0, 0, 0, "flag bit 2" },
	{ 0x80, 0, 0, 0, "flag bit 7" },
	{ 0xff, 0, 0, 0, "every flag bit" },
	{ 0x00, 1001, 0, 0, "min_standing 1001" },
	{ 0x00, 0xffff, 0, 0, "min_standing 65535" },
	{ 0x00, 0, 0, 1, "burst 1 without a rate" },
	{ 0x00, 0, 0, 1000, "burst 1000 without a rate" },
	{ 0x00, 0, 1, 0, "a rate without a burst" },
	{ 0x00, 0, 60, 1001, "burst 1001" },
	{ 0x00, 0, 60, 0xffff, "burst 65535" },
};
#define NBAD_ADMITS	(sizeof(bad_admits) / sizeof(bad_admits[0]))

/* bad_admits[i] as struct record_admit. */
static void
bad_admit(size_t i, struct record_admit *a)
{
	memset(a, 0, sizeof(*a));
	a->flags = bad_admits[i].flags;
	a->min_standing = bad_admits[i].standing;
	a->joins_per_min = bad_admits[i].rate;
	a->burst = bad_admits[i].burst;
}

/* The rule encoding: layout, round trip, every range refused. */
static void
test_admit_codec(void)
{
	struct record_admit a, b;
	uint8_t t[32], want[32];
	size_t i, bad = 0;

	memset(&a, 0, sizeof(a));
	a.flags = RECORD_ADMIT_MEMBERS_ONLY | RECORD_ADMIT_INVITE_ONLY;
	a.min_standing = RECORD_STANDING_ONE;
	a.joins_per_min = 0xfffe;
	a.burst = 1000;
	tap_is_int(RECORD_STANDING_ONE, 1000, "standing 1.0 is 1000");
	tap_ok(RECORD_ADMIT_MEMBERS_ONLY == 1 && RECORD_ADMIT_INVITE_ONLY == 2,
	    "flags: members-only bit 0, invite-only bit 1");
	tap_ok(record_admit_encode(&a, t) == 0, "encode the widest rules");
	admit_bytes(3, 1000, 0xfffe, 1000, want);
	tap_is_mem(t, want, 32, "the encoding, byte by byte");
	tap_is_mem(t, "\x03\x03\xe8\xff\xfe\x03\xe8", 7,
	    "flags, standing, rate, burst big endian");
	tap_ok(tap_is_zero(t + 7, 25), "then 25 zero bytes");
	memset(&b, 0x5a, sizeof(b));
	tap_ok(record_admit_decode(t, &b) == 0 && b.flags == 3 &&
	    b.min_standing == 1000 && b.joins_per_min == 0xfffe &&
	    b.burst == 1000, "decode gives them back");

	memset(&a, 0, sizeof(a));
	memset(t, 0xaa, sizeof(t));
	tap_ok(record_admit_encode(&a, t) == 0 && tap_is_zero(t, 32),
	    "open rules (all zero) encode to 32 zero bytes");
	memset(&b, 0x5a, sizeof(b));
	tap_ok(record_admit_decode(t, &b) == 0 && b.flags == 0 &&
	    b.min_standing == 0 && b.joins_per_min == 0 && b.burst == 0,
	    "and decode");
	admit_bytes(RECORD_ADMIT_INVITE_ONLY, 0, 1, 1, want);
	tap_ok(record_admit_decode(want, &b) == 0 && b.joins_per_min == 1 &&
	    b.burst == 1 && b.flags == 2, "rate 1, burst 1, invite-only");

	for (i = 0; i < NBAD_ADMITS; i++) {
		bad_admit(i, &a);
		memset(t, 0xaa, sizeof(t));
		tap_ok(record_admit_encode(&a, t) == -1 && tap_is_zero(t, 32),
		    "encode refuses %s, target zeroed", bad_admits[i].name);
		admit_bytes(a.flags, a.min_standing, a.joins_per_min, a.burst,
		    t);
		memset(&b, 0x5a, sizeof(b));
		tap_ok(record_admit_decode(t, &b) == -1 &&
		    tap_is_zero(&b, sizeof(b)), "decode refuses %s, zeroed",
		    bad_admits[i].name);
	}
	for (i = 7; i < 32; i++) {
		admit_bytes(1, 500, 10, 2, t);
		t[i] = 1;
		if (record_admit_decode(t, &b) != -1)
			bad++;
		t[i] = 0x80;
		if (record_admit_decode(t, &b) != -1)
			bad++;
	}
	tap_ok(bad == 0, "decode refuses a nonzero byte anywhere in 7..31");
	admit_bytes(1, 500, 10, 2, t);
	tap_ok(record_admit_decode(t, &b) == 0, "the control decodes");
}

/* The Python vectors: an ADMIT and an INVITE. */
static void
test_admit_kat(void)
{
	uint8_t want[RECORD_LEN], got[RECORD_LEN], t[32];
	struct record_admit a;
	struct record r;

	memset(&a, 0, sizeof(a));
	a.flags = RECORD_ADMIT_MEMBERS_ONLY | RECORD_ADMIT_INVITE_ONLY;
	a.min_standing = 250;
	a.joins_per_min = 30;
	a.burst = 5;
	tap_unhex(kat_admit, want, sizeof(want));
	tap_ok(record_admit_encode(&a, t) == 0 &&
	    make_record(room_id, OWNER, RECORD_ADMIT, t, T0 + 9, 0, got) == 0,
	    "sign the ADMIT vector");
	tap_is_mem(got, want, RECORD_LEN, "ADMIT record vector");
	tap_is_mem(got + OFF_TARGET, "\x03\x00\xfa\x00\x1e\x00\x05", 7,
	    "ADMIT target: flags 3, 250, 30, 5");
	tap_is_int(record_parse(want, sizeof(want), &r), RECORD_OK,
	    "ADMIT vector parses");
	tap_ok(r.kind == RECORD_ADMIT && r.kind == 8 && r.issued == T0 + 9 &&
	    r.until == 0 && memcmp(r.target, t, 32) == 0 &&
	    memcmp(r.signer, pubs[OWNER], 32) == 0 &&
	    memcmp(r.sig, want + OFF_SIG, 64) == 0, "ADMIT vector fields");
	memset(&a, 0, sizeof(a));
	tap_ok(record_admit_decode(r.target, &a) == 0 && a.flags == 3 &&
	    a.min_standing == 250 && a.joins_per_min == 30 && a.burst == 5,
	    "its rules decode");

	tap_unhex(kat_invite, want, sizeof(want));
	tap_ok(make_record(room_id, A, RECORD_INVITE, pubs[B], T0 + 20,
	    T0 + 86400, got) == 0, "sign the INVITE vector");
	tap_is_mem(got, want, RECORD_LEN, "INVITE record vector");
	tap_is_int(record_parse(want, sizeof(want), &r), RECORD_OK,
	    "INVITE vector parses");
	tap_ok(r.kind == RECORD_INVITE && r.kind == 11 &&
	    r.issued == T0 + 20 && r.until == T0 + 86400 &&
	    memcmp(r.target, pubs[B], 32) == 0 &&
	    memcmp(r.signer, pubs[A], 32) == 0, "INVITE vector fields");
}

/* A signed good record's bytes with until set to v (signature stale). */
static void
set_until(uint8_t rec[RECORD_LEN], uint64_t v)
{
	size_t i;

	for (i = 0; i < 8; i++)
		rec[OFF_UNTIL + i] = (uint8_t)(v >> (56 - 8 * i));
}

/* Every field rule of kinds 8-11, refused by record_sign and record_parse. */
static void
test_admission_reserved(void)
{
	static const uint8_t zero[32];
	static const uint8_t kinds[] = { RECORD_ALLOW, RECORD_DISALLOW,
	    RECORD_INVITE };
	uint8_t good[RECORD_LEN], bad[RECORD_LEN], got[RECORD_LEN], t[32];
	struct record_admit a;
	struct record r;
	size_t i, k;

	admit_bytes(1, 100, 6, 3, t);
	tap_ok(make_record(room_id, OWNER, RECORD_ADMIT, t, T0, 0, good) == 0,
	    "sign an ADMIT");
	for (i = 0; i < NBAD_ADMITS; i++) {
		bad_admit(i, &a);
		admit_bytes(a.flags, a.min_standing, a.joins_per_min, a.burst,
		    t);
		tap_ok(make_record(room_id, OWNER, RECORD_ADMIT, t, T0, 0,
		    got) == -1 && tap_is_zero(got, RECORD_LEN),
		    "sign refuses ADMIT %s", bad_admits[i].name);
		memcpy(bad, good, sizeof(bad));
		memcpy(bad + OFF_TARGET, t, 32);
		tap_is_int(record_parse(bad, RECORD_LEN, &r),
		    RECORD_ERR_RESERVED, "parse refuses it: reserved");
	}
	admit_bytes(1, 100, 6, 3, t);
	t[31] = 1;
	tap_ok(make_record(room_id, OWNER, RECORD_ADMIT, t, T0, 0, got) == -1,
	    "sign refuses ADMIT with its last target byte set");
	memcpy(bad, good, sizeof(bad));
	bad[OFF_TARGET + 7] = 0x40;
	tap_is_int(record_parse(bad, RECORD_LEN, &r), RECORD_ERR_RESERVED,
	    "parse refuses target byte 7 set: reserved");
	tap_ok(tap_is_zero(&r, sizeof(r)), "record zeroed");
	admit_bytes(1, 100, 6, 3, t);
	tap_ok(make_record(room_id, OWNER, RECORD_ADMIT, t, T0, 1, got) == -1,
	    "sign refuses ADMIT with until 1");
	memcpy(bad, good, sizeof(bad));
	set_until(bad, T0);
	tap_is_int(record_parse(bad, RECORD_LEN, &r), RECORD_ERR_RESERVED,
	    "parse refuses ADMIT with until set");
	memcpy(bad, good, sizeof(bad));
	bad[OFF_TARGET + 2] = 101;
	tap_is_int(record_parse(bad, RECORD_LEN, &r), RECORD_ERR_SIGNATURE,
	    "standing 100 changed to 101: in range, signature");

	for (k = 0; k < sizeof(kinds); k++) {
		tap_ok(make_record(room_id, OWNER, kinds[k], zero, T0, 0,
		    got) == -1 && tap_is_zero(got, RECORD_LEN),
		    "sign refuses kind %u with an all-zero target",
		    (unsigned)kinds[k]);
		tap_ok(make_record(room_id, OWNER, kinds[k], pubs[B], T0, 0,
		    good) == 0 && record_parse(good, RECORD_LEN, &r) ==
		    RECORD_OK, "kind %u naming B signs and parses",
		    (unsigned)kinds[k]);
		memcpy(bad, good, sizeof(bad));
		memset(bad + OFF_TARGET, 0, 32);
		tap_is_int(record_parse(bad, RECORD_LEN, &r),
		    RECORD_ERR_RESERVED, "parse refuses the zero target");
		memcpy(bad, good, sizeof(bad));
		set_until(bad, 1);
		tap_is_int(record_parse(bad, RECORD_LEN, &r),
		    kinds[k] == RECORD_INVITE ? RECORD_ERR_SIGNATURE :
		    RECORD_ERR_RESERVED, "until 1: an INVITE's expiry, "
		    "reserved in the others");
		tap_is_int(make_record(room_id, OWNER, kinds[k], pubs[B], T0,
		    T0 + 60, got), kinds[k] == RECORD_INVITE ? 0 : -1,
		    "sign: until set only in an INVITE");
	}
	tap_ok(make_record(room_id, OWNER, RECORD_INVITE, pubs[B], T0,
	    UINT64_MAX, got) == 0 && record_parse(got, RECORD_LEN, &r) ==
	    RECORD_OK && r.until == UINT64_MAX, "an INVITE until 2^64 - 1");
	tap_ok(make_record(room_id, A, RECORD_ADMIT, zero, T0, 0, got) == 0 &&
	    record_parse(got, RECORD_LEN, &r) == RECORD_OK,
	    "a moderator's ADMIT signs and parses (authority: the policy's)");
}

/* No single flipped bit of an ADMIT or an INVITE passes record_parse. */
static void
test_admission_bit_flips(void)
{
	uint8_t want[RECORD_LEN], bad[RECORD_LEN];
	const char *vec[2];
	struct record r;
	size_t v, i, bit, passed = 0;

	vec[0] = kat_admit;
	vec[1] = kat_invite;
	for (v = 0; v < 2; v++) {
		tap_unhex(vec[v], want, sizeof(want));
		for (i = 0; i < RECORD_LEN; i++) {
			for (bit = 0; bit < 8; bit++) {
				memcpy(bad, want, sizeof(bad));
				bad[i] ^= (uint8_t)(1u << bit);
				if (record_parse(bad, sizeof(bad), &r) ==
				    RECORD_OK)
					passed++;
			}
		}
	}
	tap_is_int(passed, 0, "all 2 x 1488 one-bit flips refused");
}

/* An ADMIT signed by signer with these rules, applied. */
static int
apply_admit(struct room_policy *p, int signer, uint8_t flags,
    uint16_t standing, uint16_t rate, uint16_t burst, uint64_t issued)
{
	uint8_t t[32];

	admit_bytes(flags, standing, rate, burst, t);
	return apply(p, signer, RECORD_ADMIT, t, issued, 0);
}

/* ADMIT: owner only; the first taken, then only newer ones. */
static void
test_policy_admit(struct room_policy *p)
{
	static const uint8_t zero[32];
	struct room_policy before;
	uint8_t t[32];
	struct record r;

	tap_ok(policy_init(p, pubs[OWNER]) == 0, "policy_init");
	tap_ok(!p->has_admit && p->admit_issued == 0 && p->admit.flags == 0 &&
	    p->nallows == 0, "a new policy has no rules, no allow-list");
	tap_is_int(apply(p, OWNER, RECORD_PROMOTE, pubs[A], T0, 0), RECORD_OK,
	    "owner promotes A");
	tap_is_int(apply(p, OWNER, RECORD_BAN, pubs[D], T0, 0), RECORD_OK,
	    "owner bans D");

	memcpy(&before, p, sizeof(before));
	tap_is_int(apply_admit(p, A, 1, 0, 0, 0, T0 + 50),
	    RECORD_ERR_AUTHORITY, "moderator A may not set the rules");
	tap_is_int(apply_admit(p, B, 1, 0, 0, 0, T0 + 50),
	    RECORD_ERR_AUTHORITY, "member B may not either");
	tap_is_int(apply_admit(p, OTHER, 1, 0, 0, 0, T0 + 50),
	    RECORD_ERR_AUTHORITY, "nor another room's key");
	admit_bytes(1, 0, 0, 0, t);
	tap_is_int(apply_in(p, other_room_id, OWNER, RECORD_ADMIT, t, T0 + 50,
	    0), RECORD_ERR_ROOM, "the owner's ADMIT for another room");
	tap_is_mem(p, &before, sizeof(before), "refusals change no state");

	tap_is_int(apply_admit(p, OWNER, 2, 300, 20, 4, 5), RECORD_OK,
	    "the first ADMIT is taken whatever its issued (5)");
	tap_ok(p->has_admit && p->admit_issued == 5 && p->admit.flags == 2 &&
	    p->admit.min_standing == 300 && p->admit.joins_per_min == 20 &&
	    p->admit.burst == 4, "rules and issued kept");
	tap_ok(p->nmods == 1 && policy_is_moderator(p, pubs[A]) &&
	    p->nbans == 1 && policy_is_banned(p, pubs[D], T0) && !p->mixed &&
	    p->ncascade == 0 && p->nallows == 0,
	    "moderators, bans, mode, cascade, allow-list untouched");

	tap_is_int(apply_admit(p, OWNER, 1, 1000, 0, 0, T0 + 10), RECORD_OK,
	    "a newer ADMIT, later in the room's life");
	tap_ok(p->admit_issued == T0 + 10 && p->admit.flags == 1 &&
	    p->admit.min_standing == 1000 && p->admit.joins_per_min == 0 &&
	    p->admit.burst == 0, "replaces the whole rule set");
	memcpy(&before, p, sizeof(before));
	tap_is_int(apply_admit(p, OWNER, 2, 300, 20, 4, 5), RECORD_ERR_STALE,
	    "the older ADMIT replayed: stale");
	tap_is_int(apply_admit(p, OWNER, 0, 0, 0, 0, T0 + 10),
	    RECORD_ERR_STALE, "one issued the same second: stale");
	tap_is_int(apply_admit(p, OWNER, 0, 0, 0, 0, T0 + 9),
	    RECORD_ERR_STALE, "one a second older: stale");
	tap_is_int(apply_admit(p, A, 0, 0, 0, 0, T0 + 100),
	    RECORD_ERR_AUTHORITY, "a moderator's: authority before staleness");
	tap_is_mem(p, &before, sizeof(before), "and nothing changed");
	tap_is_int(apply(p, OWNER, RECORD_ADMIT, zero, T0 + 11, 0), RECORD_OK,
	    "an all-zero ADMIT a second newer opens the room");
	tap_ok(p->has_admit && p->admit_issued == T0 + 11 &&
	    p->admit.flags == 0 && p->admit.min_standing == 0,
	    "open rules, still has_admit");

	/* Records built by hand, never parsed: range-checked all the same. */
	memcpy(&before, p, sizeof(before));
	memset(&r, 0, sizeof(r));
	r.kind = RECORD_ADMIT;
	memcpy(r.room_id, room_id, 32);
	memcpy(r.signer, pubs[OWNER], 32);
	r.issued = T0 + 100;
	admit_bytes(4, 0, 0, 0, r.target);
	tap_is_int(policy_apply(p, &r), RECORD_ERR_RESERVED,
	    "unparsed ADMIT with flag bit 2: reserved");
	admit_bytes(0, 1001, 0, 0, r.target);
	tap_is_int(policy_apply(p, &r), RECORD_ERR_RESERVED,
	    "unparsed ADMIT with standing 1001: reserved");
	admit_bytes(0, 0, 0, 0, r.target);
	r.until = 1;
	tap_is_int(policy_apply(p, &r), RECORD_ERR_RESERVED,
	    "unparsed ADMIT with until set: reserved");
	tap_is_mem(p, &before, sizeof(before), "and nothing changed");
}

/* ALLOW and DISALLOW: the ban rules, on a list of their own. */
static void
test_policy_allow(struct room_policy *p)
{
	struct room_policy before;

	tap_ok(policy_init(p, pubs[OWNER]) == 0, "policy_init");
	tap_ok(!policy_is_allowed(p, pubs[B]), "nobody allowed at first");
	tap_is_int(apply(p, OWNER, RECORD_PROMOTE, pubs[A], T0, 0), RECORD_OK,
	    "owner promotes A");
	tap_is_int(apply(p, OWNER, RECORD_PROMOTE, pubs[C], T0, 0), RECORD_OK,
	    "owner promotes C");

	tap_is_int(apply(p, OWNER, RECORD_ALLOW, pubs[B], T0 + 1, 0),
	    RECORD_OK, "owner allows B");
	tap_ok(policy_is_allowed(p, pubs[B]) && p->nallows == 1 &&
	    p->allows[0].issued == T0 + 1 && p->allows[0].active &&
	    memcmp(p->allows[0].id, pubs[B], 32) == 0, "B's entry");
	tap_is_int(apply(p, A, RECORD_ALLOW, pubs[D], T0 + 1, 0), RECORD_OK,
	    "moderator A allows D");
	tap_ok(policy_is_allowed(p, pubs[D]) && !policy_is_allowed(p, pubs[E]),
	    "D allowed, E not");
	tap_ok(p->nbans == 0 && !policy_is_banned(p, pubs[B], T0) &&
	    p->nmods == 2 && !p->has_admit,
	    "bans, moderators and rules untouched");

	memcpy(&before, p, sizeof(before));
	tap_is_int(apply(p, A, RECORD_DISALLOW, pubs[C], T0 + 2, 0),
	    RECORD_ERR_AUTHORITY, "A may not disallow moderator C");
	tap_is_int(apply(p, A, RECORD_ALLOW, pubs[C], T0 + 2, 0),
	    RECORD_ERR_AUTHORITY, "nor allow C");
	tap_is_int(apply(p, A, RECORD_ALLOW, pubs[A], T0 + 2, 0),
	    RECORD_ERR_AUTHORITY, "nor itself");
	tap_is_int(apply(p, A, RECORD_DISALLOW, pubs[OWNER], T0 + 2, 0),
	    RECORD_ERR_AUTHORITY, "nor act on the room key");
	tap_is_int(apply(p, B, RECORD_ALLOW, pubs[E], T0 + 2, 0),
	    RECORD_ERR_AUTHORITY, "member B may not allow");
	tap_is_int(apply(p, B, RECORD_DISALLOW, pubs[D], T0 + 2, 0),
	    RECORD_ERR_AUTHORITY, "nor disallow");
	tap_is_int(apply(p, OTHER, RECORD_ALLOW, pubs[E], T0 + 2, 0),
	    RECORD_ERR_AUTHORITY, "another room's key may not allow");
	tap_is_int(apply_in(p, other_room_id, OWNER, RECORD_ALLOW, pubs[E],
	    T0 + 2, 0), RECORD_ERR_ROOM, "an ALLOW for another room");
	tap_is_mem(p, &before, sizeof(before), "refusals change no state");
	tap_is_int(apply(p, OWNER, RECORD_ALLOW, pubs[C], T0 + 2, 0),
	    RECORD_OK, "the owner may allow moderator C");
}

/* ALLOW/DISALLOW, on test_policy_allow's policy: staleness, demotion. */
static void
test_policy_allow_stale(struct room_policy *p)
{
	struct room_policy before;
	struct record r;

	tap_is_int(apply(p, A, RECORD_DISALLOW, pubs[B], T0 + 1, 0),
	    RECORD_ERR_STALE, "a disallow of the same second is stale");
	tap_is_int(apply(p, OWNER, RECORD_DISALLOW, pubs[B], T0, 0),
	    RECORD_ERR_STALE, "an older one, even the owner's, is stale");
	tap_ok(policy_is_allowed(p, pubs[B]), "B still allowed");
	tap_is_int(apply(p, A, RECORD_DISALLOW, pubs[B], T0 + 3, 0),
	    RECORD_OK, "a newer disallow is applied");
	tap_ok(!policy_is_allowed(p, pubs[B]) && p->nallows == 3 &&
	    !p->allows[0].active && p->allows[0].issued == T0 + 3,
	    "B off the list, its entry kept");
	tap_is_int(apply(p, OWNER, RECORD_ALLOW, pubs[B], T0 + 1, 0),
	    RECORD_ERR_STALE, "the allow replayed after the disallow: stale");
	tap_is_int(apply(p, OWNER, RECORD_ALLOW, pubs[B], T0 + 4, 0),
	    RECORD_OK, "a newer allow: on again, same slot");
	tap_ok(policy_is_allowed(p, pubs[B]) && p->nallows == 3,
	    "B allowed, still three entries");

	tap_is_int(apply(p, A, RECORD_DISALLOW, pubs[E], T0 + 50, 0),
	    RECORD_OK, "disallow of someone never allowed");
	tap_is_int(apply(p, OWNER, RECORD_ALLOW, pubs[E], T0 + 40, 0),
	    RECORD_ERR_STALE, "an older allow arriving later is stale");
	tap_ok(!policy_is_allowed(p, pubs[E]) && p->nallows == 4,
	    "E stays off, its slot remembered");

	tap_is_int(apply(p, OWNER, RECORD_DEMOTE, pubs[A], T0 + 60, 0),
	    RECORD_OK, "owner demotes A");
	tap_is_int(apply(p, A, RECORD_ALLOW, pubs[E], T0 + 61, 0),
	    RECORD_ERR_AUTHORITY, "demoted A may no longer allow");
	tap_is_int(apply(p, C, RECORD_ALLOW, pubs[A], T0 + 61, 0), RECORD_OK,
	    "moderator C may allow former moderator A");

	memcpy(&before, p, sizeof(before));
	memset(&r, 0, sizeof(r));
	r.kind = RECORD_ALLOW;
	memcpy(r.room_id, room_id, 32);
	memcpy(r.signer, pubs[OWNER], 32);
	r.issued = T0 + 100;
	tap_is_int(policy_apply(p, &r), RECORD_ERR_RESERVED,
	    "unparsed ALLOW of the zero ID: reserved");
	memcpy(r.target, pubs[E], 32);
	r.until = 5;
	r.kind = RECORD_DISALLOW;
	tap_is_int(policy_apply(p, &r), RECORD_ERR_RESERVED,
	    "unparsed DISALLOW with until set: reserved");
	tap_is_mem(p, &before, sizeof(before), "and nothing changed");
}

/* A full allow-list refuses new entries, not updates. */
static void
test_policy_allow_full(struct room_policy *p)
{
	uint8_t id[32];
	size_t bad;

	tap_is_int(RECORD_MAX_ALLOWS, 256, "at most 256 allow entries");
	tap_ok(policy_init(p, pubs[OWNER]) == 0, "policy_init");
	bad = fill_list(p, RECORD_MAX_ALLOWS, 3, RECORD_DISALLOW,
	    RECORD_ALLOW);
	tap_ok(bad == 0 && p->nallows == RECORD_MAX_ALLOWS,
	    "256 allows and disallows fill the list");
	full_refused(p, RECORD_ALLOW, RECORD_DISALLOW, pubs[B],
	    "a 257th allow: full", "a 257th disallow: full");
	tap_is_int(apply(p, OWNER, RECORD_BAN, pubs[B], T0, 0), RECORD_OK,
	    "the ban list is another list");
	filler_id(0, id);
	tap_is_int(apply(p, OWNER, RECORD_ALLOW, id, T0 + 1, 0), RECORD_OK,
	    "a listed ID may still be allowed");
	tap_ok(policy_is_allowed(p, id), "and is");
	filler_id(1, id);
	tap_is_int(apply(p, OWNER, RECORD_DISALLOW, id, T0 + 1, 0), RECORD_OK,
	    "or disallowed");
	tap_ok(!policy_is_allowed(p, id) && p->nallows == RECORD_MAX_ALLOWS,
	    "and is, the list no longer");
}

/* Sign and parse an invitation (any kind) into r; 0 or -1. */
static int
make_invite(const uint8_t *rid, int signer, uint8_t kind,
    const uint8_t *target, uint64_t issued, uint64_t until, struct record *r)
{
	uint8_t buf[RECORD_LEN];

	if (make_record(rid, signer, kind, target, issued, until, buf) == -1)
		return -1;
	return record_parse(buf, sizeof(buf), r) == RECORD_OK ? 0 : -1;
}

/* INVITE: never applied; policy_check_invite and each of its refusals. */
static void
test_policy_invite(struct room_policy *p)
{
	struct room_policy before;
	struct record inv;

	tap_ok(policy_init(p, pubs[OWNER]) == 0, "policy_init");
	tap_is_int(apply(p, OWNER, RECORD_PROMOTE, pubs[A], T0, 0), RECORD_OK,
	    "owner promotes A");
	tap_ok(make_invite(room_id, OWNER, RECORD_INVITE, pubs[B], T0,
	    T0 + 100, &inv) == 0, "owner invites B until T0 + 100");
	memcpy(&before, p, sizeof(before));
	tap_is_int(policy_apply(p, &inv), RECORD_ERR_KIND,
	    "policy_apply refuses an INVITE: kind");
	tap_is_mem(p, &before, sizeof(before), "and changes nothing");

	tap_is_int(policy_check_invite(p, &inv, pubs[B], T0), RECORD_OK,
	    "B presents it at T0: ok");
	tap_is_int(policy_check_invite(p, &inv, pubs[B], 0), RECORD_OK,
	    "at time 0: ok (issued is no start)");
	tap_is_int(policy_check_invite(p, &inv, pubs[B], T0 + 99), RECORD_OK,
	    "at until - 1: ok");
	tap_is_int(policy_check_invite(p, &inv, pubs[B], T0 + 100),
	    RECORD_ERR_EXPIRED, "at until exactly: expired");
	tap_is_int(policy_check_invite(p, &inv, pubs[B], UINT64_MAX),
	    RECORD_ERR_EXPIRED, "at the end of time: expired");
	tap_is_int(policy_check_invite(p, &inv, pubs[C], T0),
	    RECORD_ERR_TARGET, "C presents B's invitation: target");
	tap_is_int(policy_check_invite(p, &inv, pubs[C], T0 + 100),
	    RECORD_ERR_TARGET, "C, expired too: target first");

	tap_ok(make_invite(room_id, A, RECORD_INVITE, pubs[C], T0 + 1, 0,
	    &inv) == 0, "moderator A invites C, no end");
	tap_is_int(policy_check_invite(p, &inv, pubs[C], UINT64_MAX),
	    RECORD_OK, "until 0 never runs out");
	tap_is_int(policy_check_invite(p, &inv, pubs[OWNER], T0),
	    RECORD_ERR_TARGET, "not even for the room key");
	tap_is_int(apply(p, OWNER, RECORD_DEMOTE, pubs[A], T0 + 2, 0),
	    RECORD_OK, "owner demotes A afterwards");
	tap_is_int(policy_check_invite(p, &inv, pubs[C], T0 + 3),
	    RECORD_ERR_AUTHORITY, "A's invitation no longer admits: authority");
	tap_is_int(apply(p, OWNER, RECORD_PROMOTE, pubs[A], T0 + 4, 0),
	    RECORD_OK, "owner promotes A again");
	tap_is_int(policy_check_invite(p, &inv, pubs[C], T0 + 5), RECORD_OK,
	    "and it does again");
}

/* policy_check_invite: the other refusals, in their order; forgeries. */
static void
test_policy_invite_refusals(struct room_policy *p)
{
	uint8_t buf[RECORD_LEN];
	struct record inv, other, r;

	tap_ok(policy_init(p, pubs[OWNER]) == 0, "policy_init");
	tap_ok(make_invite(room_id, B, RECORD_INVITE, pubs[C], T0, 0,
	    &inv) == 0, "member B invites C");
	tap_is_int(policy_check_invite(p, &inv, pubs[C], T0),
	    RECORD_ERR_AUTHORITY, "a member's invitation: authority");
	tap_ok(make_invite(room_id, OTHER, RECORD_INVITE, pubs[C], T0, 0,
	    &inv) == 0, "another room's key invites C to this room");
	tap_is_int(policy_check_invite(p, &inv, pubs[C], T0),
	    RECORD_ERR_AUTHORITY, "authority");
	tap_ok(make_invite(room_id, B, RECORD_INVITE, pubs[C], T0, T0 + 1,
	    &inv) == 0, "member B invites C until T0 + 1");
	tap_is_int(policy_check_invite(p, &inv, pubs[C], T0 + 1),
	    RECORD_ERR_EXPIRED, "expired before authority");

	tap_ok(make_invite(other_room_id, OWNER, RECORD_INVITE, pubs[C], T0, 0,
	    &other) == 0, "the owner's key invites C to another room");
	tap_is_int(policy_check_invite(p, &other, pubs[C], T0),
	    RECORD_ERR_ROOM, "another room: room");
	tap_is_int(policy_check_invite(p, &other, pubs[D], T0),
	    RECORD_ERR_ROOM, "another room and target: room first");
	tap_ok(make_invite(other_room_id, OWNER, RECORD_ALLOW, pubs[C], T0, 0,
	    &other) == 0, "an ALLOW for another room");
	tap_is_int(policy_check_invite(p, &other, pubs[C], T0),
	    RECORD_ERR_KIND, "not an invitation: kind first");
	tap_ok(make_invite(room_id, OWNER, RECORD_ALLOW, pubs[C], T0, 0,
	    &other) == 0, "the owner's ALLOW of C");
	tap_is_int(policy_check_invite(p, &other, pubs[C], T0),
	    RECORD_ERR_KIND, "presented as an invitation: kind");
	tap_ok(make_invite(room_id, OWNER, RECORD_KICK, pubs[C], T0, 0,
	    &other) == 0, "a KICK of C");
	tap_is_int(policy_check_invite(p, &other, pubs[C], T0),
	    RECORD_ERR_KIND, "kind");

	tap_ok(make_record(room_id, OWNER, RECORD_INVITE, pubs[D], T0, 0,
	    buf) == 0, "owner invites D");
	buf[OFF_TARGET + 31] ^= 0x01;
	tap_is_int(record_parse(buf, sizeof(buf), &r), RECORD_ERR_SIGNATURE,
	    "one target bit flipped (forged for another ID): signature");
	buf[OFF_TARGET + 31] ^= 0x01;
	buf[OFF_UNTIL] ^= 0x80;
	tap_is_int(record_parse(buf, sizeof(buf), &r), RECORD_ERR_SIGNATURE,
	    "an expiry added: signature");
	buf[OFF_UNTIL] ^= 0x80;
	tap_ok(record_parse(buf, sizeof(buf), &r) == RECORD_OK &&
	    policy_check_invite(p, &r, pubs[D], T0) == RECORD_OK,
	    "the control parses and admits D");
	tap_ok(policy_is_banned(p, pubs[D], T0) == 0 &&
	    apply(p, OWNER, RECORD_BAN, pubs[D], T0 + 9, 0) == RECORD_OK &&
	    policy_check_invite(p, &r, pubs[D], T0 + 10) == RECORD_OK,
	    "a ban is not the invitation's business (the node checks it)");
}

int
main(void)
{
	static struct room_policy policy;

	tap_ok(make_keys() == 0, "fixed keys derive");
	test_admit_codec();
	test_admit_kat();
	test_admission_reserved();
	test_admission_bit_flips();
	test_policy_admit(&policy);
	test_policy_allow(&policy);
	test_policy_allow_stale(&policy);
	test_policy_allow_full(&policy);
	test_policy_invite(&policy);
	test_policy_invite_refusals(&policy);
	return tap_done();
}

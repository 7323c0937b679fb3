/*
 * test_record.c - room records: known answers, the byte layout, sign and
 * parse round trips, every parse error and every flipped bit refused,
 * record_peek (record_parse's fields and errors without the signature
 * check), the policy rules (authority, staleness, ban times, full lists,
 * wrong room), the MIXED record (owner only, target and until zero, once
 * for good), the CASCADE record (owner only, place 1..8 and a nonzero
 * node key, one node per place and one place per node, the lookup
 * helpers), the room creation proof and key blobs (round trip, every
 * wrong input and every flipped bit refused, the construction rebuilt
 * step by step).  The admission records (ADMIT, ALLOW, DISALLOW,
 * INVITE) are test_admit_rec.c's; the fixture both share is recfix.c.
 *
 * Known answers were computed independently with Python 3's hashlib and
 * hmac (RFC 5869 HKDF written out) and the "cryptography" package
 * (Ed25519, X25519, ChaCha20Poly1305), not with this code; the keys are
 * the fixed seeds of make_keys() (recfix.c) and make_blob_keys(): byte i
 * of seed "tag" is tag + 3 * i.
 */
#include <stdint.h>
#include <string.h>

#include "chorus/buf.h"
#include "chorus/crypto.h"
#include "chorus/record.h"
#include "chorus/room.h"
#include "../tap.h"
#include "recfix.h"

static const char *kat_room_pub =
    "5c8ee580f7c1d08f801e472165889625f16d98f237b3abdfa858c50893148e1e";
static const char *kat_room_id =
    "e7d1815f3a4f36f31a69134a2153f7f144f61f156cfe66cea1fa28a6f9bd74c8";
/* The owner promotes A, issued T0. */
static const char *kat_promote =
    "01010000000000000000e7d1815f3a4f36f31a69134a2153f7f144f61f156cfe66ce"
    "a1fa28a6f9bd74c8000000006553f1004ea4f7395442abeedd5810b340ab5e42a260"
    "85694b5861543cdbc12caf4ae25400000000000000005c8ee580f7c1d08f801e4721"
    "65889625f16d98f237b3abdfa858c50893148e1e20c742409e96fced3eb3bcebc1d7"
    "ed682ba5492935ecbb0e0e81fad8f0046966db3e2ed4e224e5460c34ba22151a1f03"
    "53eacd7ec663df0ffe4cb5e5feaf4503";
/* A bans B, issued T0 + 100, until T0 + 3600. */
static const char *kat_ban =
    "01040000000000000000e7d1815f3a4f36f31a69134a2153f7f144f61f156cfe66ce"
    "a1fa28a6f9bd74c8000000006553f164eb3131359fd822c00559b800cc9fab9bad81"
    "6ae46cba02b7fba07ecfad3c8f71000000006553ff104ea4f7395442abeedd5810b3"
    "40ab5e42a26085694b5861543cdbc12caf4ae254c1f4e034d51a29d25451595ac0e7"
    "707c2f4395a2cc39f5bde1363e8e6d3d1d640aaaed75157bebbefb500cb7e2bf5cba"
    "ecff848fa2eee9cdafc4a5b55f8baa0d";
/* The owner makes the room mixed, issued T0 + 5 (target, until zero). */
static const char *kat_mixed =
    "01060000000000000000e7d1815f3a4f36f31a69134a2153f7f144f61f156cfe66ce"
    "a1fa28a6f9bd74c8000000006553f105000000000000000000000000000000000000"
    "000000000000000000000000000000000000000000005c8ee580f7c1d08f801e4721"
    "65889625f16d98f237b3abdfa858c50893148e1e8695e65f3f4fa279f7c254c7ea8c"
    "8a0da7fab346d0c3910435c0a766be7bff733291d258bf873394b1cdd3b898f44dfd"
    "bef42fde89ceeeb52ba726a6174c7508";
/* The owner puts node a0..bf at place 3, issued T0 + 7. */
static const char *kat_cascade =
    "01070000000000000000e7d1815f3a4f36f31a69134a2153f7f144f61f156cfe66ce"
    "a1fa28a6f9bd74c8000000006553f107a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1"
    "b2b3b4b5b6b7b8b9babbbcbdbebf00000000000000035c8ee580f7c1d08f801e4721"
    "65889625f16d98f237b3abdfa858c50893148e1e8be88498aabb5f48e145086fc94d"
    "2ae1861153d674f175a351a85f6b9e1c460928b5cb5136bf24a424fb0ab7b4e64d39"
    "06239a3ecd51d538f707ac7dda4ae405";
/* Creation proof: node ID a0..bf, join key c0..df. */
static const char *kat_create =
    "3d3dd834052024f011a7999006517789a04735efe8718d529f14c466a67d8f7d"
    "3713d202b105637aeb2e3f078017ed6991fa203da45580d284115b461bf14d09";
/* Sender 0x61.., recipient 0x71.., e 0x91..; epoch 0x0102, 7 to 0x01020304,
 * media key 20..3f. */
static const char *kat_blob =
    "71b6e5d34f19bc94fc42df325f623b2d13ce6802ed43e99f13b7b5969aa0ec4a"
    "fe7646e5e878d558ee720b4fb67da4342a3b200a31cf4953b611f2da6ca76a88"
    "6bdc518ae2ac094ea27a901f3fe2ec21e70b";

/* X25519 keys for key blobs: sender, recipient, a third party, e. */
static uint8_t x_send[32], x_recv[32], x_third[32], x_e[32];
static uint8_t x_send_pub[32], x_recv_pub[32], x_third_pub[32];
static uint8_t node_id[32], join_key[32], media_key[32];

/* The key blob and creation proof inputs; 0, or -1 if a key fails. */
static int
make_blob_keys(void)
{
	size_t i;
	int ok = 1;

	make_seed(0x61, x_send);
	make_seed(0x71, x_recv);
	make_seed(0xa1, x_third);
	make_seed(0x91, x_e);
	ok &= crypto_x25519_public(x_send, x_send_pub) == 0;
	ok &= crypto_x25519_public(x_recv, x_recv_pub) == 0;
	ok &= crypto_x25519_public(x_third, x_third_pub) == 0;
	for (i = 0; i < 32; i++) {
		node_id[i] = (uint8_t)(0xa0 + i);
		join_key[i] = (uint8_t)(0xc0 + i);
		media_key[i] = (uint8_t)(0x20 + i);
	}
	return ok ? 0 : -1;
}

/* The Python vectors: room ID, two records, the creation proof. */
static void
test_kat(void)
{
	uint8_t want[RECORD_LEN], got[RECORD_LEN], sig[64], wsig[64];
	uint8_t pub[32];
	struct record r;

	tap_unhex(kat_room_pub, pub, sizeof(pub));
	tap_is_mem(pubs[OWNER], pub, 32, "room public key vector");
	tap_unhex(kat_room_id, want, ROOM_ID_LEN);
	tap_is_mem(room_id, want, ROOM_ID_LEN, "room ID vector");

	tap_unhex(kat_promote, want, sizeof(want));
	tap_ok(make_record(room_id, OWNER, RECORD_PROMOTE, pubs[A], T0, 0,
	    got) == 0, "sign the promote vector");
	tap_is_mem(got, want, RECORD_LEN, "promote record vector");
	tap_is_int(record_parse(want, sizeof(want), &r), RECORD_OK,
	    "promote vector parses");
	tap_ok(r.kind == RECORD_PROMOTE && r.issued == T0 && r.until == 0 &&
	    memcmp(r.target, pubs[A], 32) == 0 &&
	    memcmp(r.signer, pubs[OWNER], 32) == 0 &&
	    memcmp(r.room_id, room_id, 32) == 0 &&
	    memcmp(r.sig, want + OFF_SIG, 64) == 0, "promote vector fields");

	tap_unhex(kat_ban, want, sizeof(want));
	tap_ok(make_record(room_id, A, RECORD_BAN, pubs[B], T0 + 100,
	    T0 + 3600, got) == 0, "sign the ban vector");
	tap_is_mem(got, want, RECORD_LEN, "ban record vector");
	tap_is_int(record_parse(want, sizeof(want), &r), RECORD_OK,
	    "ban vector parses");
	tap_ok(r.kind == RECORD_BAN && r.issued == T0 + 100 &&
	    r.until == T0 + 3600 && memcmp(r.signer, pubs[A], 32) == 0,
	    "ban vector fields");

	tap_unhex(kat_create, wsig, sizeof(wsig));
	tap_ok(record_create_sign(seeds[OWNER], node_id, join_key, sig) == 0,
	    "creation proof signs");
	tap_is_mem(sig, wsig, sizeof(sig), "creation proof vector");
}

/* Where each field lands, and what record_sign fills in. */
static void
test_layout(void)
{
	uint8_t buf[RECORD_LEN];
	struct record r, back;

	memset(&r, 0, sizeof(r));
	r.kind = RECORD_BAN;
	memcpy(r.room_id, room_id, 32);
	r.issued = UINT64_C(0x0102030405060708);
	memcpy(r.target, pubs[B], 32);
	r.until = UINT64_C(0x1112131415161718);
	memset(r.signer, 0xee, sizeof(r.signer));
	tap_ok(record_sign(&r, seeds[C], buf) == 0, "sign a ban");
	tap_is_mem(r.signer, pubs[C], 32, "record_sign sets the signer");
	tap_ok(buf[0] == RECORD_VERSION && buf[OFF_KIND] == RECORD_BAN,
	    "version and kind bytes");
	tap_ok(tap_is_zero(buf + OFF_RESERVED, 8), "reserved bytes zero");
	tap_is_mem(buf + OFF_ROOM, room_id, 32, "room ID at 10");
	tap_is_mem(buf + OFF_ISSUED, "\x01\x02\x03\x04\x05\x06\x07\x08", 8,
	    "issued at 42, big endian");
	tap_is_mem(buf + OFF_TARGET, pubs[B], 32, "target at 50");
	tap_is_mem(buf + OFF_UNTIL, "\x11\x12\x13\x14\x15\x16\x17\x18", 8,
	    "until at 82, big endian");
	tap_is_mem(buf + OFF_SIGNER, pubs[C], 32, "signer at 90");
	tap_is_mem(buf + OFF_SIG, r.sig, 64, "signature at 122");
	tap_ok(crypto_ed25519_verify(pubs[C], buf, OFF_SIG, buf + OFF_SIG) ==
	    -1, "the signature does not cover the bytes without the label");
	tap_is_int(record_parse(buf, sizeof(buf), &back), RECORD_OK, "parse");
	tap_is_mem(&back, &r, sizeof(r), "parsed record equals signed one");

	r.kind = 0;
	tap_ok(record_sign(&r, seeds[C], buf) == -1 && tap_is_zero(buf, 186) &&
	    tap_is_zero(r.sig, 64), "record_sign refuses kind 0, output wiped");
	r.kind = RECORD_INVITE + 1;
	tap_ok(record_sign(&r, seeds[C], buf) == -1, "and kind 12");
	tap_is_int(RECORD_INVITE, 11, "INVITE is kind 11, the last");
	tap_is_int(RECORD_MIXED, 6, "MIXED is kind 6");
	r.kind = RECORD_KICK;
	tap_ok(record_sign(&r, seeds[C], buf) == -1,
	    "and a kick with until set");
	r.until = 0;
	tap_ok(record_sign(&r, seeds[C], buf) == 0, "a kick with until 0");
	r.kind = RECORD_BAN;
	tap_ok(record_sign(&r, seeds[C], buf) == 0, "a ban with until 0");
}

/* Each error of record_parse, and the record wiped with it. */
static void
test_parse_errors(void)
{
	uint8_t good[RECORD_LEN + 1], bad[RECORD_LEN + 1];
	struct record r;

	tap_ok(make_record(room_id, OWNER, RECORD_DEMOTE, pubs[A], T0, 0,
	    good) == 0, "sign a demote");
	good[RECORD_LEN] = 0;
	tap_is_int(record_parse(good, RECORD_LEN - 1, &r), RECORD_ERR_LENGTH,
	    "185 bytes: length");
	tap_is_int(record_parse(good, RECORD_LEN + 1, &r), RECORD_ERR_LENGTH,
	    "187 bytes: length");
	tap_is_int(record_parse(good, 0, &r), RECORD_ERR_LENGTH,
	    "0 bytes: length");
	tap_ok(tap_is_zero(&r, sizeof(r)), "record zeroed on error");

	memcpy(bad, good, RECORD_LEN);
	bad[0] = 0;
	tap_is_int(record_parse(bad, RECORD_LEN, &r), RECORD_ERR_VERSION,
	    "version 0");
	bad[0] = 2;
	tap_is_int(record_parse(bad, RECORD_LEN, &r), RECORD_ERR_VERSION,
	    "version 2");
	memcpy(bad, good, RECORD_LEN);
	bad[OFF_KIND] = 0;
	tap_is_int(record_parse(bad, RECORD_LEN, &r), RECORD_ERR_KIND,
	    "kind 0");
	bad[OFF_KIND] = 12;
	tap_is_int(record_parse(bad, RECORD_LEN, &r), RECORD_ERR_KIND,
	    "kind 12");
	bad[OFF_KIND] = RECORD_ADMIT;
	tap_is_int(record_parse(bad, RECORD_LEN, &r), RECORD_ERR_RESERVED,
	    "demote turned ADMIT: its target is no rule set, reserved");
	bad[OFF_KIND] = RECORD_ALLOW;
	tap_is_int(record_parse(bad, RECORD_LEN, &r), RECORD_ERR_SIGNATURE,
	    "demote turned ALLOW: well formed, signature");
	bad[OFF_KIND] = RECORD_INVITE;
	tap_is_int(record_parse(bad, RECORD_LEN, &r), RECORD_ERR_SIGNATURE,
	    "demote turned INVITE: well formed, signature");
	bad[OFF_KIND] = RECORD_CASCADE;
	tap_is_int(record_parse(bad, RECORD_LEN, &r), RECORD_ERR_RESERVED,
	    "demote turned CASCADE: place 0, reserved");
	bad[OFF_KIND] = 0xff;
	tap_is_int(record_parse(bad, RECORD_LEN, &r), RECORD_ERR_KIND,
	    "kind 255");
	bad[OFF_KIND] = RECORD_MIXED;
	tap_is_int(record_parse(bad, RECORD_LEN, &r), RECORD_ERR_RESERVED,
	    "demote turned MIXED: its target is set, reserved");
	memcpy(bad, good, RECORD_LEN);
	bad[OFF_RESERVED + 7] = 1;
	tap_is_int(record_parse(bad, RECORD_LEN, &r), RECORD_ERR_RESERVED,
	    "reserved byte set");
	memcpy(bad, good, RECORD_LEN);
	bad[OFF_UNTIL + 7] = 1;
	tap_is_int(record_parse(bad, RECORD_LEN, &r), RECORD_ERR_RESERVED,
	    "until set on a demote");
	memcpy(bad, good, RECORD_LEN);
	bad[OFF_KIND] = RECORD_PROMOTE;
	tap_is_int(record_parse(bad, RECORD_LEN, &r), RECORD_ERR_SIGNATURE,
	    "demote turned promote: signature");
	tap_ok(tap_is_zero(&r, sizeof(r)), "record zeroed on a bad signature");
	memcpy(bad, good, RECORD_LEN);
	memcpy(bad + OFF_SIGNER, pubs[A], 32);
	tap_is_int(record_parse(bad, RECORD_LEN, &r), RECORD_ERR_SIGNATURE,
	    "another signer claimed: signature");
}

/* No single flipped bit anywhere passes record_parse. */
static void
test_bit_flips(void)
{
	uint8_t good[RECORD_LEN], bad[RECORD_LEN];
	struct record r;
	size_t i, bit, passed = 0, wrong_err = 0;
	enum record_error e;

	tap_ok(make_record(room_id, A, RECORD_BAN, pubs[B], T0, T0 + 60,
	    good) == 0, "sign a ban");
	for (i = 0; i < RECORD_LEN; i++) {
		for (bit = 0; bit < 8; bit++) {
			memcpy(bad, good, sizeof(bad));
			bad[i] ^= (uint8_t)(1u << bit);
			e = record_parse(bad, sizeof(bad), &r);
			if (e == RECORD_OK)
				passed++;
			if (i >= OFF_ROOM && e != RECORD_ERR_SIGNATURE)
				wrong_err++;
		}
	}
	tap_is_int(passed, 0, "all 1488 one-bit flips refused");
	tap_is_int(wrong_err, 0, "flips after the header fail the signature");
}

/* Changes record_parse and record_peek both refuse, with the same error. */
static const struct {
	size_t		 len;	/* bytes handed over */
	size_t		 off;	/* set to val (RECORD_LEN: the spare one) */
	uint8_t		 val;
	enum record_error err;
	const char	*name;
} peek_bad[] = {
	{ RECORD_LEN - 1, RECORD_LEN, 0, RECORD_ERR_LENGTH, "185 bytes" },
	{ RECORD_LEN + 1, RECORD_LEN, 0, RECORD_ERR_LENGTH, "187 bytes" },
	{ 0, RECORD_LEN, 0, RECORD_ERR_LENGTH, "0 bytes" },
	{ RECORD_LEN, 0, 0, RECORD_ERR_VERSION, "version 0" },
	{ RECORD_LEN, 0, 2, RECORD_ERR_VERSION, "version 2" },
	{ RECORD_LEN, 0, 0xff, RECORD_ERR_VERSION, "version 255" },
	{ RECORD_LEN, OFF_KIND, 0, RECORD_ERR_KIND, "kind 0" },
	{ RECORD_LEN, OFF_KIND, 12, RECORD_ERR_KIND, "kind 12" },
	{ RECORD_LEN, OFF_KIND, 0xff, RECORD_ERR_KIND, "kind 255" },
	{ RECORD_LEN, OFF_RESERVED, 1, RECORD_ERR_RESERVED,
	    "first reserved byte set" },
	{ RECORD_LEN, OFF_RESERVED + 7, 0x80, RECORD_ERR_RESERVED,
	    "last reserved byte set" },
	{ RECORD_LEN, OFF_KIND, RECORD_KICK, RECORD_ERR_RESERVED,
	    "ban turned KICK: until set" },
	{ RECORD_LEN, OFF_KIND, RECORD_MIXED, RECORD_ERR_RESERVED,
	    "ban turned MIXED: target set" },
	{ RECORD_LEN, OFF_KIND, RECORD_CASCADE, RECORD_ERR_RESERVED,
	    "ban turned CASCADE: place out of range" },
	{ RECORD_LEN, OFF_KIND, RECORD_ADMIT, RECORD_ERR_RESERVED,
	    "ban turned ADMIT: until set" },
};

/* Each of peek_bad on good: the same error from both, both zeroed. */
static void
peek_errors(const uint8_t good[RECORD_LEN + 1])
{
	uint8_t bad[RECORD_LEN + 1];
	struct record zero, parsed, peeked;
	size_t i;

	memset(&zero, 0, sizeof(zero));
	for (i = 0; i < sizeof(peek_bad) / sizeof(peek_bad[0]); i++) {
		memcpy(bad, good, sizeof(bad));
		bad[peek_bad[i].off] = peek_bad[i].val;
		memset(&parsed, 0xff, sizeof(parsed));
		memset(&peeked, 0xff, sizeof(peeked));
		tap_is_int(record_parse(bad, peek_bad[i].len, &parsed),
		    peek_bad[i].err, peek_bad[i].name);
		tap_is_int(record_peek(bad, peek_bad[i].len, &peeked),
		    peek_bad[i].err, "peek: the same error");
		tap_ok(memcmp(&parsed, &zero, sizeof(zero)) == 0 &&
		    memcmp(&peeked, &zero, sizeof(zero)) == 0,
		    "both records zeroed");
	}
}

/*
 * What only the signature refuses, in a copy of good (parsed as want):
 * record_parse says so and zeroes, record_peek takes the fields as they are.
 */
static void
peek_unsigned(const uint8_t good[RECORD_LEN], struct record *want)
{
	uint8_t bad[RECORD_LEN];
	struct record zero, parsed, peeked;

	memset(&zero, 0, sizeof(zero));
	memcpy(bad, good, RECORD_LEN);
	bad[OFF_SIG + 10] ^= 0x04;
	memset(&parsed, 0xff, sizeof(parsed));
	tap_is_int(record_parse(bad, RECORD_LEN, &parsed),
	    RECORD_ERR_SIGNATURE, "a signature bit flipped: parse refuses");
	tap_is_mem(&parsed, &zero, sizeof(parsed), "and zeroes the record");
	tap_is_int(record_peek(bad, RECORD_LEN, &peeked), RECORD_OK,
	    "peek takes it");
	want->sig[10] ^= 0x04;
	tap_is_mem(&peeked, want, sizeof(peeked), "with the flipped bit");
	want->sig[10] ^= 0x04;

	memcpy(bad, good, RECORD_LEN);
	bad[OFF_ISSUED + 7] ^= 0x01;
	tap_is_int(record_parse(bad, RECORD_LEN, &parsed),
	    RECORD_ERR_SIGNATURE, "issued altered after signing: parse "
	    "refuses");
	tap_is_int(record_peek(bad, RECORD_LEN, &peeked), RECORD_OK,
	    "peek takes it");
	want->issued = T0 + 31;
	tap_is_mem(&peeked, want, sizeof(peeked), "issued T0 + 31, the rest "
	    "as signed");
	want->issued = T0 + 30;

	memcpy(bad, good, RECORD_LEN);
	bad[OFF_UNTIL] = 0x80;
	tap_is_int(record_parse(bad, RECORD_LEN, &parsed),
	    RECORD_ERR_SIGNATURE, "until altered: parse refuses");
	tap_is_int(record_peek(bad, RECORD_LEN, &peeked), RECORD_OK,
	    "peek takes it");
	want->until = (T0 + 90) | UINT64_C(0x8000000000000000);
	tap_is_mem(&peeked, want, sizeof(peeked), "with that until");
	want->until = T0 + 90;

	memcpy(bad, good, RECORD_LEN);
	memcpy(bad + OFF_SIGNER, pubs[OWNER], 32);
	tap_is_int(record_parse(bad, RECORD_LEN, &parsed),
	    RECORD_ERR_SIGNATURE, "the owner claimed as signer: parse "
	    "refuses");
	tap_is_int(record_peek(bad, RECORD_LEN, &peeked), RECORD_OK,
	    "peek takes it");
	memcpy(want->signer, pubs[OWNER], 32);
	tap_is_mem(&peeked, want, sizeof(peeked), "with the claimed signer");
}

/*
 * record_peek: on good records the very struct record_parse gives, on
 * changes only the signature refuses the changed fields (peek_unsigned),
 * on every other error record_parse's error and a zeroed record
 * (peek_errors).
 */
static void
test_peek(void)
{
	const char *kats[4];
	uint8_t good[RECORD_LEN + 1], vec[RECORD_LEN];
	struct record parsed, peeked, want;
	size_t i, same = 0;

	kats[0] = kat_promote;
	kats[1] = kat_ban;
	kats[2] = kat_mixed;
	kats[3] = kat_cascade;
	tap_ok(make_record(room_id, A, RECORD_BAN, pubs[B], T0 + 30, T0 + 90,
	    good) == 0, "sign a ban");
	good[RECORD_LEN] = 0;
	memset(&parsed, 0xff, sizeof(parsed));
	memset(&peeked, 0xff, sizeof(peeked));
	tap_is_int(record_parse(good, RECORD_LEN, &parsed), RECORD_OK,
	    "record_parse takes it");
	tap_is_int(record_peek(good, RECORD_LEN, &peeked), RECORD_OK,
	    "record_peek takes it");
	tap_is_mem(&peeked, &parsed, sizeof(peeked),
	    "record_peek gives the very struct record_parse gives");
	tap_ok(peeked.kind == RECORD_BAN && peeked.issued == T0 + 30 &&
	    peeked.until == T0 + 90 &&
	    memcmp(peeked.target, pubs[B], 32) == 0 &&
	    memcmp(peeked.signer, pubs[A], 32) == 0 &&
	    memcmp(peeked.room_id, room_id, 32) == 0 &&
	    memcmp(peeked.sig, good + OFF_SIG, 64) == 0, "peeked fields");
	memcpy(&want, &parsed, sizeof(want));
	for (i = 0; i < 4; i++) {
		tap_unhex(kats[i], vec, sizeof(vec));
		memset(&parsed, 0xff, sizeof(parsed));
		memset(&peeked, 0xff, sizeof(peeked));
		if (record_parse(vec, sizeof(vec), &parsed) == RECORD_OK &&
		    record_peek(vec, sizeof(vec), &peeked) == RECORD_OK &&
		    memcmp(&peeked, &parsed, sizeof(peeked)) == 0)
			same++;
	}
	tap_is_int(same, 4, "the same on the promote, ban, MIXED, CASCADE "
	    "vectors");

	peek_unsigned(good, &want);
	peek_errors(good);
}

/* A text for every error, "unknown error" past the end. */
static void
test_strerror(void)
{
	int e, distinct = 1, j;

	for (e = RECORD_OK; e <= RECORD_ERR_EXPIRED; e++)
		for (j = RECORD_OK; j < e; j++)
			if (strcmp(record_strerror((enum record_error)e),
			    record_strerror((enum record_error)j)) == 0)
				distinct = 0;
	tap_ok(distinct, "every error has its own text");
	tap_is_str(record_strerror(RECORD_ERR_AUTHORITY),
	    "signer may not issue this record", "authority text");
	tap_is_int(RECORD_ERR_TARGET, RECORD_ERR_RESERVED + 1,
	    "TARGET follows RESERVED");
	tap_is_int(RECORD_ERR_EXPIRED, RECORD_ERR_RESERVED + 2,
	    "EXPIRED follows it");
	tap_is_str(record_strerror(RECORD_ERR_TARGET),
	    "record is for another identity", "target text");
	tap_is_str(record_strerror(RECORD_ERR_EXPIRED), "record has expired",
	    "expired text");
	tap_is_str(record_strerror(RECORD_ERR_FULL),
	    "moderator, ban or allow list is full", "full text");
	tap_is_str(record_strerror((enum record_error)99), "unknown error",
	    "out of range");
}

/* Owner, moderators and members: who may sign what. */
static void
test_policy_authority(struct room_policy *p)
{
	struct room_policy before;
	uint8_t rid[ROOM_ID_LEN];

	tap_ok(policy_init(p, pubs[OWNER]) == 0, "policy_init");
	tap_is_mem(p->room_id, room_id, 32, "policy room ID from the key");
	tap_is_mem(p->room_pub, pubs[OWNER], 32, "policy room key");
	tap_ok(p->nmods == 0 && p->nbans == 0, "policy starts empty");
	tap_ok(room_id_from_key(pubs[A], rid) == 0 &&
	    memcmp(rid, p->room_id, 32) != 0, "another key, another room ID");

	tap_is_int(apply(p, A, RECORD_PROMOTE, pubs[B], T0, 0),
	    RECORD_ERR_AUTHORITY, "a member cannot promote");
	tap_is_int(apply(p, OWNER, RECORD_PROMOTE, pubs[A], T0, 0), RECORD_OK,
	    "owner promotes A");
	tap_ok(policy_is_moderator(p, pubs[A]), "A is a moderator");
	tap_ok(!policy_is_moderator(p, pubs[OWNER]),
	    "the room key is not listed as one");
	tap_is_int(apply(p, OWNER, RECORD_PROMOTE, pubs[C], T0, 0), RECORD_OK,
	    "owner promotes C");

	memcpy(&before, p, sizeof(before));
	tap_is_int(apply(p, A, RECORD_KICK, pubs[B], T0 + 1, 0), RECORD_OK,
	    "moderator A kicks B");
	tap_is_mem(p, &before, sizeof(before), "a kick changes no state");
	tap_is_int(apply(p, A, RECORD_BAN, pubs[C], T0 + 1, 0),
	    RECORD_ERR_AUTHORITY, "A may not ban moderator C");
	tap_is_int(apply(p, A, RECORD_KICK, pubs[C], T0 + 1, 0),
	    RECORD_ERR_AUTHORITY, "A may not kick moderator C");
	tap_is_int(apply(p, A, RECORD_UNBAN, pubs[C], T0 + 1, 0),
	    RECORD_ERR_AUTHORITY, "A may not unban moderator C");
	tap_is_int(apply(p, A, RECORD_BAN, pubs[A], T0 + 1, 0),
	    RECORD_ERR_AUTHORITY, "A may not ban itself");
	tap_is_int(apply(p, A, RECORD_KICK, pubs[OWNER], T0 + 1, 0),
	    RECORD_ERR_AUTHORITY, "A may not kick the room key");
	tap_is_int(apply(p, A, RECORD_BAN, pubs[OWNER], T0 + 1, 0),
	    RECORD_ERR_AUTHORITY, "A may not ban the room key");
	tap_is_int(apply(p, A, RECORD_UNBAN, pubs[OWNER], T0 + 1, 0),
	    RECORD_ERR_AUTHORITY, "A may not unban the room key");
	tap_is_int(apply(p, A, RECORD_PROMOTE, pubs[B], T0 + 1, 0),
	    RECORD_ERR_AUTHORITY, "A may not promote");
	tap_is_int(apply(p, A, RECORD_DEMOTE, pubs[C], T0 + 1, 0),
	    RECORD_ERR_AUTHORITY, "A may not demote");
	tap_is_int(apply(p, B, RECORD_KICK, pubs[D], T0 + 1, 0),
	    RECORD_ERR_AUTHORITY, "member B may not kick");
	tap_is_int(apply(p, B, RECORD_BAN, pubs[D], T0 + 1, 0),
	    RECORD_ERR_AUTHORITY, "member B may not ban");
	tap_is_int(apply(p, B, RECORD_UNBAN, pubs[D], T0 + 1, 0),
	    RECORD_ERR_AUTHORITY, "member B may not unban");
	tap_is_int(apply(p, OTHER, RECORD_KICK, pubs[D], T0 + 1, 0),
	    RECORD_ERR_AUTHORITY, "another room's key may not kick");
	tap_is_int(apply_in(p, other_room_id, OWNER, RECORD_BAN, pubs[D],
	    T0 + 1, 0), RECORD_ERR_ROOM, "a record for another room");
	tap_is_int(apply_in(p, other_room_id, OTHER, RECORD_PROMOTE, pubs[D],
	    T0 + 1, 0), RECORD_ERR_ROOM,
	    "another room's own record: wrong room first");
	tap_is_mem(p, &before, sizeof(before), "refusals change no state");

	tap_is_int(apply(p, OWNER, RECORD_KICK, pubs[C], T0 + 2, 0),
	    RECORD_OK, "the owner may kick moderator C");
	tap_is_int(apply(p, OWNER, RECORD_BAN, pubs[C], T0 + 2, 0),
	    RECORD_OK, "the owner may ban moderator C");
	tap_ok(policy_is_banned(p, pubs[C], T0 + 3) &&
	    policy_is_moderator(p, pubs[C]),
	    "a ban alone leaves the moderator promoted");
	tap_is_int(apply(p, OWNER, RECORD_DEMOTE, pubs[C], T0 + 3, 0),
	    RECORD_OK, "owner demotes C");
	tap_is_int(apply(p, A, RECORD_UNBAN, pubs[C], T0 + 4, 0), RECORD_OK,
	    "A may unban the former moderator C");
	tap_ok(!policy_is_banned(p, pubs[C], T0 + 5), "C is not banned");
	tap_is_int(apply(p, C, RECORD_KICK, pubs[B], T0 + 5, 0),
	    RECORD_ERR_AUTHORITY, "demoted C may no longer kick");
}

/* Older and equal records than the last of their pair are stale. */
static void
test_policy_stale(struct room_policy *p)
{
	uint8_t promote_old[RECORD_LEN];
	struct record r;

	tap_ok(policy_init(p, pubs[OWNER]) == 0, "policy_init");
	tap_ok(make_record(room_id, OWNER, RECORD_PROMOTE, pubs[A], T0, 0,
	    promote_old) == 0 && record_parse(promote_old, RECORD_LEN, &r) ==
	    RECORD_OK, "owner signs promote of A at T0");
	tap_is_int(policy_apply(p, &r), RECORD_OK, "apply it");
	tap_is_int(policy_apply(p, &r), RECORD_ERR_STALE,
	    "applying the same promote again is stale");
	tap_is_int(apply(p, OWNER, RECORD_DEMOTE, pubs[A], T0, 0),
	    RECORD_ERR_STALE, "a demote issued the same second is stale");
	tap_is_int(apply(p, OWNER, RECORD_DEMOTE, pubs[A], T0 + 10, 0),
	    RECORD_OK, "demote A at T0 + 10");
	tap_ok(!policy_is_moderator(p, pubs[A]), "A is no moderator");
	tap_is_int(policy_apply(p, &r), RECORD_ERR_STALE,
	    "the old promote replayed after the demote is stale");
	tap_ok(!policy_is_moderator(p, pubs[A]), "A is still no moderator");
	tap_is_int(apply(p, OWNER, RECORD_PROMOTE, pubs[A], T0 + 9, 0),
	    RECORD_ERR_STALE, "a promote one second older is stale");
	tap_is_int(apply(p, OWNER, RECORD_PROMOTE, pubs[A], T0 + 11, 0),
	    RECORD_OK, "a newer promote is applied");
	tap_ok(policy_is_moderator(p, pubs[A]) && p->nmods == 1,
	    "A is a moderator again, in the same slot");

	tap_is_int(apply(p, OWNER, RECORD_DEMOTE, pubs[E], T0 + 50, 0),
	    RECORD_OK, "demote of someone never promoted");
	tap_is_int(apply(p, OWNER, RECORD_PROMOTE, pubs[E], T0 + 40, 0),
	    RECORD_ERR_STALE, "an older promote arriving later is stale");
	tap_ok(!policy_is_moderator(p, pubs[E]) && p->nmods == 2,
	    "E stays demoted, its slot remembered");

	tap_is_int(apply(p, A, RECORD_BAN, pubs[B], T0 + 20, 0), RECORD_OK,
	    "A bans B for ever at T0 + 20");
	tap_is_int(apply(p, A, RECORD_UNBAN, pubs[B], T0 + 20, 0),
	    RECORD_ERR_STALE, "an unban of the same second is stale");
	tap_is_int(apply(p, OWNER, RECORD_UNBAN, pubs[B], T0 + 19, 0),
	    RECORD_ERR_STALE, "an older unban, even by the owner, is stale");
	tap_ok(policy_is_banned(p, pubs[B], T0 + 21), "B still banned");
	tap_is_int(apply(p, A, RECORD_UNBAN, pubs[B], T0 + 21, 0), RECORD_OK,
	    "a newer unban is applied");
	tap_is_int(apply(p, A, RECORD_BAN, pubs[B], T0 + 20, 0),
	    RECORD_ERR_STALE, "the ban replayed after the unban is stale");
	tap_ok(!policy_is_banned(p, pubs[B], T0 + 22), "B is not banned");
}

/* Ban times: until is exclusive, 0 is for ever, unban ends it. */
static void
test_policy_ban_times(struct room_policy *p)
{
	tap_ok(policy_init(p, pubs[OWNER]) == 0, "policy_init");
	tap_ok(!policy_is_banned(p, pubs[B], 0), "nobody banned at first");
	tap_is_int(apply(p, OWNER, RECORD_BAN, pubs[B], T0, T0 + 1000),
	    RECORD_OK, "ban B until T0 + 1000");
	tap_ok(policy_is_banned(p, pubs[B], 0), "banned at time 0");
	tap_ok(policy_is_banned(p, pubs[B], T0 + 999), "banned at until - 1");
	tap_ok(!policy_is_banned(p, pubs[B], T0 + 1000), "free at until");
	tap_ok(!policy_is_banned(p, pubs[B], T0 + 1001), "free after until");
	tap_ok(!policy_is_banned(p, pubs[C], T0), "C was never banned");
	tap_is_int(apply(p, OWNER, RECORD_BAN, pubs[B], T0 + 1, 0), RECORD_OK,
	    "ban B for ever");
	tap_ok(policy_is_banned(p, pubs[B], UINT64_MAX), "banned at the end "
	    "of time");
	tap_ok(p->nbans == 1 && p->bans[0].until == 0 && p->bans[0].active,
	    "one ban entry, until 0");
	tap_is_int(apply(p, OWNER, RECORD_UNBAN, pubs[B], T0 + 2, 0),
	    RECORD_OK, "unban B");
	tap_ok(!policy_is_banned(p, pubs[B], 0) &&
	    !policy_is_banned(p, pubs[B], T0 + 3) &&
	    !policy_is_banned(p, pubs[B], UINT64_MAX),
	    "unbanned at every time, 0 included");
	tap_is_int(apply(p, OWNER, RECORD_BAN, pubs[C], T0, T0 - 10),
	    RECORD_OK, "a ban that ended before it was issued is kept");
	tap_ok(policy_is_banned(p, pubs[C], T0 - 11) &&
	    !policy_is_banned(p, pubs[C], T0), "and means what until says");
}

/* Full moderator and ban lists refuse new entries, not updates. */
static void
test_policy_full(struct room_policy *p)
{
	struct room_policy before;
	uint8_t id[32];
	size_t i, bad = 0;

	tap_ok(policy_init(p, pubs[OWNER]) == 0, "policy_init");
	bad = fill_list(p, RECORD_MAX_MODERATORS, 2, RECORD_PROMOTE,
	    RECORD_DEMOTE);
	tap_ok(bad == 0 && p->nmods == RECORD_MAX_MODERATORS,
	    "32 promotes and demotes fill the moderator list");
	full_refused(p, RECORD_PROMOTE, RECORD_DEMOTE, pubs[A],
	    "a 33rd moderator: full", "a 33rd demote: full");
	filler_id(1, id);
	tap_is_int(apply(p, OWNER, RECORD_PROMOTE, id, T0 + 1, 0), RECORD_OK,
	    "a listed moderator may still be promoted again");
	filler_id(0, id);
	tap_is_int(apply(p, OWNER, RECORD_DEMOTE, id, T0 + 1, 0), RECORD_OK,
	    "and demoted");

	bad = 0;
	for (i = 0; i < RECORD_MAX_BANS; i++) {
		filler_id(i + 0x100, id);
		if (apply(p, OWNER, RECORD_BAN, id, T0, 0) != RECORD_OK)
			bad++;
	}
	tap_ok(bad == 0 && p->nbans == RECORD_MAX_BANS,
	    "256 bans fill the ban list");
	memcpy(&before, p, sizeof(before));
	tap_is_int(apply(p, OWNER, RECORD_BAN, pubs[B], T0, 0),
	    RECORD_ERR_FULL, "a 257th ban: full");
	tap_is_int(apply(p, OWNER, RECORD_UNBAN, pubs[B], T0, 0),
	    RECORD_ERR_FULL, "a 257th unban: full");
	tap_is_mem(p, &before, sizeof(before), "full list unchanged");
	tap_is_int(apply(p, OWNER, RECORD_KICK, pubs[B], T0, 0), RECORD_OK,
	    "a kick needs no slot");
	filler_id(0x100, id);
	tap_is_int(apply(p, OWNER, RECORD_UNBAN, id, T0 + 1, 0), RECORD_OK,
	    "a listed ban may still be lifted");
	tap_ok(!policy_is_banned(p, id, T0 + 2), "and is");
}

/* policy_apply checks a record it did not parse itself too. */
static void
test_policy_unparsed(struct room_policy *p)
{
	struct record r;

	tap_ok(policy_init(p, pubs[OWNER]) == 0, "policy_init");
	memset(&r, 0, sizeof(r));
	memcpy(r.room_id, room_id, 32);
	memcpy(r.signer, pubs[OWNER], 32);
	r.kind = 0;
	tap_is_int(policy_apply(p, &r), RECORD_ERR_KIND, "kind 0 refused");
	r.kind = 12;
	tap_is_int(policy_apply(p, &r), RECORD_ERR_KIND, "kind 12 refused");
	r.kind = 13;
	tap_is_int(policy_apply(p, &r), RECORD_ERR_KIND, "kind 13 refused");
	r.kind = 0xff;
	tap_is_int(policy_apply(p, &r), RECORD_ERR_KIND, "kind 255 refused");
	tap_ok(p->nmods == 0 && p->nbans == 0 && !p->mixed &&
	    p->ncascade == 0 && !p->has_admit && p->nallows == 0,
	    "nothing applied");
}

/* MIXED: the Python vector, its layout, and fields it must leave zero. */
static void
test_mixed_record(void)
{
	static const uint8_t zero[32];
	uint8_t want[RECORD_LEN], got[RECORD_LEN], bad[RECORD_LEN];
	struct record r;
	size_t i, bit, passed = 0;

	tap_unhex(kat_mixed, want, sizeof(want));
	tap_ok(make_record(room_id, OWNER, RECORD_MIXED, zero, T0 + 5, 0,
	    got) == 0, "sign the MIXED vector");
	tap_is_mem(got, want, RECORD_LEN, "MIXED record vector");
	tap_ok(got[OFF_KIND] == 6 && tap_is_zero(got + OFF_TARGET, 32) &&
	    tap_is_zero(got + OFF_UNTIL, 8), "kind 6, target and until zero");
	tap_is_int(record_parse(want, sizeof(want), &r), RECORD_OK,
	    "MIXED vector parses");
	tap_ok(r.kind == RECORD_MIXED && r.issued == T0 + 5 &&
	    r.until == 0 && tap_is_zero(r.target, 32) &&
	    memcmp(r.signer, pubs[OWNER], 32) == 0 &&
	    memcmp(r.room_id, room_id, 32) == 0 &&
	    memcmp(r.sig, want + OFF_SIG, 64) == 0, "MIXED vector fields");
	tap_ok(make_record(room_id, A, RECORD_MIXED, zero, T0, 0, got) == 0 &&
	    record_parse(got, RECORD_LEN, &r) == RECORD_OK,
	    "a moderator's MIXED signs and parses (authority is the policy's)");

	tap_ok(make_record(room_id, OWNER, RECORD_MIXED, pubs[A], T0, 0,
	    got) == -1 && tap_is_zero(got, RECORD_LEN),
	    "record_sign refuses a MIXED with a target, output wiped");
	tap_ok(make_record(room_id, OWNER, RECORD_MIXED, zero, T0, 1,
	    got) == -1 && tap_is_zero(got, RECORD_LEN),
	    "and one with until set");

	memcpy(bad, want, sizeof(bad));
	bad[OFF_TARGET] = 1;
	tap_is_int(record_parse(bad, RECORD_LEN, &r), RECORD_ERR_RESERVED,
	    "MIXED with the first target byte set: reserved");
	tap_ok(tap_is_zero(&r, sizeof(r)), "record zeroed");
	memcpy(bad, want, sizeof(bad));
	bad[OFF_TARGET + 31] = 0x80;
	tap_is_int(record_parse(bad, RECORD_LEN, &r), RECORD_ERR_RESERVED,
	    "MIXED with the last target byte set: reserved");
	memcpy(bad, want, sizeof(bad));
	bad[OFF_UNTIL + 7] = 1;
	tap_is_int(record_parse(bad, RECORD_LEN, &r), RECORD_ERR_RESERVED,
	    "MIXED with until set: reserved");
	memcpy(bad, want, sizeof(bad));
	bad[OFF_ISSUED + 7] ^= 1;
	tap_is_int(record_parse(bad, RECORD_LEN, &r), RECORD_ERR_SIGNATURE,
	    "MIXED with issued changed: signature");

	for (i = 0; i < RECORD_LEN; i++) {
		for (bit = 0; bit < 8; bit++) {
			memcpy(bad, want, sizeof(bad));
			bad[i] ^= (uint8_t)(1u << bit);
			if (record_parse(bad, sizeof(bad), &r) == RECORD_OK)
				passed++;
		}
	}
	tap_is_int(passed, 0, "all 1488 one-bit flips of MIXED refused");
}

/* Only the owner makes a room mixed, once; nothing undoes it. */
static void
test_policy_mixed(struct room_policy *p)
{
	static const uint8_t zero[32];
	struct room_policy before;
	uint8_t buf[RECORD_LEN];
	struct record r;

	tap_ok(policy_init(p, pubs[OWNER]) == 0, "policy_init");
	tap_ok(!p->mixed && p->mixed_issued == 0, "a new policy is not mixed");
	tap_is_int(apply(p, OWNER, RECORD_PROMOTE, pubs[A], T0, 0), RECORD_OK,
	    "owner promotes A");

	memcpy(&before, p, sizeof(before));
	tap_is_int(apply(p, A, RECORD_MIXED, zero, T0 + 1, 0),
	    RECORD_ERR_AUTHORITY, "moderator A may not make the room mixed");
	tap_is_int(apply(p, B, RECORD_MIXED, zero, T0 + 1, 0),
	    RECORD_ERR_AUTHORITY, "member B may not either");
	tap_is_int(apply(p, OTHER, RECORD_MIXED, zero, T0 + 1, 0),
	    RECORD_ERR_AUTHORITY, "nor another room's key");
	tap_is_int(apply_in(p, other_room_id, OWNER, RECORD_MIXED, zero,
	    T0 + 1, 0), RECORD_ERR_ROOM, "the owner's MIXED for another room");
	tap_is_mem(p, &before, sizeof(before), "refusals change no state");

	tap_ok(make_record(room_id, OWNER, RECORD_MIXED, zero, T0 + 2, 0,
	    buf) == 0 && record_parse(buf, RECORD_LEN, &r) == RECORD_OK,
	    "owner signs MIXED at T0 + 2");
	tap_is_int(policy_apply(p, &r), RECORD_OK, "apply it");
	tap_ok(p->mixed == 1 && p->mixed_issued == T0 + 2,
	    "the room is mixed, issued kept");
	tap_ok(p->nmods == 1 && policy_is_moderator(p, pubs[A]) &&
	    p->nbans == 0, "moderators and bans untouched");

	memcpy(&before, p, sizeof(before));
	tap_is_int(policy_apply(p, &r), RECORD_ERR_STALE,
	    "the same MIXED replayed: stale");
	tap_is_int(apply(p, OWNER, RECORD_MIXED, zero, T0 + 100, 0),
	    RECORD_ERR_STALE, "a newer MIXED: stale too");
	tap_is_int(apply(p, OWNER, RECORD_MIXED, zero, T0, 0),
	    RECORD_ERR_STALE, "an older one: stale");
	tap_is_int(apply(p, A, RECORD_MIXED, zero, T0 + 100, 0),
	    RECORD_ERR_AUTHORITY, "a moderator's: authority before staleness");
	tap_is_mem(p, &before, sizeof(before), "a mixed policy stays as it was");

	tap_is_int(apply(p, A, RECORD_KICK, pubs[B], T0 + 3, 0), RECORD_OK,
	    "moderation goes on in a mixed room");
	tap_is_int(apply(p, OWNER, RECORD_DEMOTE, pubs[A], T0 + 4, 0),
	    RECORD_OK, "owner demotes A");
	tap_ok(p->mixed == 1 && p->mixed_issued == T0 + 2,
	    "and the room is still mixed");
}

/* A node key for CASCADE tests: i in the first byte. */
static void
node_key(uint8_t i, uint8_t key[32])
{
	memset(key, 0x5a, 32);
	key[0] = i;
}

/* CASCADE: the Python vector, its layout, the range of place and target. */
static void
test_cascade_record(void)
{
	static const uint8_t zero[32];
	static const uint64_t bad_until[] = { 0, 9, 255, UINT64_C(0x100000003),
	    UINT64_C(0x0300000000000000), UINT64_MAX };
	uint8_t want[RECORD_LEN], got[RECORD_LEN], bad[RECORD_LEN], key[32];
	struct record r;
	size_t i, bit, passed = 0, ok = 0;

	tap_is_int(RECORD_CASCADE, 7, "CASCADE is kind 7");
	tap_is_int(RECORD_MAX_CASCADE, 8, "at most 8 places");
	tap_unhex(kat_cascade, want, sizeof(want));
	tap_ok(make_record(room_id, OWNER, RECORD_CASCADE, node_id, T0 + 7, 3,
	    got) == 0, "sign the CASCADE vector");
	tap_is_mem(got, want, RECORD_LEN, "CASCADE record vector");
	tap_ok(got[OFF_KIND] == 7 &&
	    memcmp(got + OFF_UNTIL, "\0\0\0\0\0\0\0\x03", 8) == 0,
	    "kind 7, place 3 in until");
	tap_is_mem(got + OFF_TARGET, node_id, 32, "node key as target");
	tap_is_int(record_parse(want, sizeof(want), &r), RECORD_OK,
	    "CASCADE vector parses");
	tap_ok(r.kind == RECORD_CASCADE && r.issued == T0 + 7 &&
	    r.until == 3 && memcmp(r.target, node_id, 32) == 0 &&
	    memcmp(r.signer, pubs[OWNER], 32) == 0 &&
	    memcmp(r.room_id, room_id, 32) == 0 &&
	    memcmp(r.sig, want + OFF_SIG, 64) == 0, "CASCADE vector fields");
	tap_ok(make_record(room_id, A, RECORD_CASCADE, node_id, T0, 1,
	    got) == 0 && record_parse(got, RECORD_LEN, &r) == RECORD_OK,
	    "a moderator's CASCADE signs and parses (authority: the policy's)");

	for (i = 1; i <= RECORD_MAX_CASCADE; i++)
		if (make_record(room_id, OWNER, RECORD_CASCADE, node_id, T0, i,
		    got) == 0 && record_parse(got, RECORD_LEN, &r) ==
		    RECORD_OK && r.until == i)
			ok++;
	tap_is_int(ok, 8, "places 1 to 8 sign and parse");
	for (i = 0; i < sizeof(bad_until) / sizeof(bad_until[0]); i++) {
		tap_ok(make_record(room_id, OWNER, RECORD_CASCADE, node_id, T0,
		    bad_until[i], got) == -1 && tap_is_zero(got, RECORD_LEN),
		    "record_sign refuses place %llu, output wiped",
		    (unsigned long long)bad_until[i]);
		memcpy(bad, want, sizeof(bad));
		for (bit = 0; bit < 8; bit++)
			bad[OFF_UNTIL + bit] = (uint8_t)(bad_until[i] >>
			    (56 - 8 * bit));
		tap_is_int(record_parse(bad, RECORD_LEN, &r),
		    RECORD_ERR_RESERVED, "parse: place out of range, reserved");
	}
	tap_ok(tap_is_zero(&r, sizeof(r)), "record zeroed");
	tap_ok(make_record(room_id, OWNER, RECORD_CASCADE, zero, T0, 1,
	    got) == -1 && tap_is_zero(got, RECORD_LEN),
	    "record_sign refuses an all-zero target");
	memcpy(bad, want, sizeof(bad));
	memset(bad + OFF_TARGET, 0, 32);
	tap_is_int(record_parse(bad, RECORD_LEN, &r), RECORD_ERR_RESERVED,
	    "parse: all-zero target, reserved");
	memset(key, 0, 32);
	key[31] = 1;
	tap_ok(make_record(room_id, OWNER, RECORD_CASCADE, key, T0, 8,
	    got) == 0 && record_parse(got, RECORD_LEN, &r) == RECORD_OK,
	    "a target with only its last bit set is a key");
	memcpy(bad, want, sizeof(bad));
	bad[OFF_UNTIL + 7] = 4;
	tap_is_int(record_parse(bad, RECORD_LEN, &r), RECORD_ERR_SIGNATURE,
	    "place 3 changed to 4: signature");

	for (i = 0; i < RECORD_LEN; i++) {
		for (bit = 0; bit < 8; bit++) {
			memcpy(bad, want, sizeof(bad));
			bad[i] ^= (uint8_t)(1u << bit);
			if (record_parse(bad, sizeof(bad), &r) == RECORD_OK)
				passed++;
		}
	}
	tap_is_int(passed, 0, "all 1488 one-bit flips of CASCADE refused");
}

/* Owner only; one node per place, one place per node; the helpers. */
static void
test_policy_cascade(struct room_policy *p)
{
	struct room_policy before;
	uint8_t k[RECORD_MAX_CASCADE + 2][32];
	struct record r;
	size_t i;

	for (i = 0; i < RECORD_MAX_CASCADE + 2; i++)
		node_key((uint8_t)(0x10 + i), k[i]);
	tap_ok(policy_init(p, pubs[OWNER]) == 0, "policy_init");
	tap_ok(p->ncascade == 0, "a new policy has no cascade");
	tap_ok(policy_cascade_place(p, k[0]) == 0 &&
	    policy_cascade_key(p, 1) == NULL, "no place, no key");
	tap_is_int(apply(p, OWNER, RECORD_PROMOTE, pubs[A], T0, 0), RECORD_OK,
	    "owner promotes A");

	memcpy(&before, p, sizeof(before));
	tap_is_int(apply(p, A, RECORD_CASCADE, k[0], T0 + 1, 1),
	    RECORD_ERR_AUTHORITY, "moderator A may not name a cascade node");
	tap_is_int(apply(p, B, RECORD_CASCADE, k[0], T0 + 1, 1),
	    RECORD_ERR_AUTHORITY, "member B may not either");
	tap_is_int(apply(p, OTHER, RECORD_CASCADE, k[0], T0 + 1, 1),
	    RECORD_ERR_AUTHORITY, "nor another room's key");
	tap_is_int(apply_in(p, other_room_id, OWNER, RECORD_CASCADE, k[0],
	    T0 + 1, 1), RECORD_ERR_ROOM,
	    "the owner's CASCADE for another room");
	tap_is_mem(p, &before, sizeof(before), "refusals change no state");

	tap_is_int(apply(p, OWNER, RECORD_CASCADE, k[0], T0 + 1, 2), RECORD_OK,
	    "owner: k0 is place 2");
	tap_is_int(apply(p, OWNER, RECORD_CASCADE, k[1], T0 + 1, 1), RECORD_OK,
	    "owner: k1 is place 1, same issued time");
	tap_is_int(apply(p, OWNER, RECORD_CASCADE, k[2], T0, 8), RECORD_OK,
	    "owner: k2 is place 8, issued earlier");
	tap_ok(p->ncascade == 3 && p->cascade[0].place == 2 &&
	    p->cascade[0].issued == T0 + 1 &&
	    memcmp(p->cascade[0].key, k[0], 32) == 0 &&
	    p->cascade[2].place == 8 && p->cascade[2].issued == T0,
	    "three entries, in the order applied");
	tap_is_int(policy_cascade_place(p, k[0]), 2, "place of k0");
	tap_is_int(policy_cascade_place(p, k[1]), 1, "place of k1");
	tap_is_int(policy_cascade_place(p, k[2]), 8, "place of k2");
	tap_is_int(policy_cascade_place(p, k[3]), 0, "k3 has none");
	tap_ok(policy_cascade_key(p, 1) == p->cascade[1].key &&
	    memcmp(policy_cascade_key(p, 1), k[1], 32) == 0, "key at place 1");
	tap_ok(policy_cascade_key(p, 8) != NULL &&
	    memcmp(policy_cascade_key(p, 8), k[2], 32) == 0, "key at place 8");
	tap_ok(policy_cascade_key(p, 0) == NULL &&
	    policy_cascade_key(p, 3) == NULL &&
	    policy_cascade_key(p, 9) == NULL &&
	    policy_cascade_key(p, 255) == NULL, "no key at 0, 3, 9, 255");
	tap_ok(p->nmods == 1 && policy_is_moderator(p, pubs[A]) &&
	    p->nbans == 0 && !p->mixed, "moderators, bans and mode untouched");

	memcpy(&before, p, sizeof(before));
	tap_is_int(apply(p, OWNER, RECORD_CASCADE, k[0], T0 + 1, 2),
	    RECORD_ERR_STALE, "the same CASCADE again: stale");
	tap_is_int(apply(p, OWNER, RECORD_CASCADE, k[0], T0 + 100, 5),
	    RECORD_ERR_STALE, "a listed key at another place: stale");
	tap_is_int(apply(p, OWNER, RECORD_CASCADE, k[3], T0 + 100, 2),
	    RECORD_ERR_STALE, "another key at a taken place: stale");
	tap_is_int(apply(p, A, RECORD_CASCADE, k[3], T0 + 100, 2),
	    RECORD_ERR_AUTHORITY, "a moderator's: authority before staleness");
	tap_is_mem(p, &before, sizeof(before), "a refused CASCADE changes "
	    "nothing");

	/* A record built by hand, never parsed: still range-checked. */
	memset(&r, 0, sizeof(r));
	r.kind = RECORD_CASCADE;
	memcpy(r.room_id, room_id, 32);
	memcpy(r.signer, pubs[OWNER], 32);
	memcpy(r.target, k[3], 32);
	r.until = 0x103;
	tap_is_int(policy_apply(p, &r), RECORD_ERR_RESERVED,
	    "unparsed CASCADE with place 0x103: reserved, not place 3");
	r.until = 0;
	tap_is_int(policy_apply(p, &r), RECORD_ERR_RESERVED,
	    "unparsed CASCADE with place 0: reserved");
	r.until = 3;
	memset(r.target, 0, 32);
	tap_is_int(policy_apply(p, &r), RECORD_ERR_RESERVED,
	    "unparsed CASCADE with a zero target: reserved");
	tap_is_mem(p, &before, sizeof(before), "and changes nothing");

	for (i = 3; i < RECORD_MAX_CASCADE; i++)
		if (apply(p, OWNER, RECORD_CASCADE, k[i], T0 + 2,
		    (uint64_t)i) != RECORD_OK)
			break;
	tap_ok(i == RECORD_MAX_CASCADE && p->ncascade == 8,
	    "places 3 to 7 fill the cascade to 8");
	tap_is_int(apply(p, OWNER, RECORD_CASCADE, k[8], T0 + 3, 4),
	    RECORD_ERR_STALE, "a ninth node: every place is taken, stale");
	/* Full is unreachable through places, so fake a list that is full. */
	for (i = 0; i < RECORD_MAX_CASCADE; i++)
		p->cascade[i].place = 0;
	memcpy(&before, p, sizeof(before));
	tap_is_int(apply(p, OWNER, RECORD_CASCADE, k[9], T0 + 3, 4),
	    RECORD_ERR_FULL, "a list of 8 entries is full");
	tap_is_mem(p, &before, sizeof(before), "and unchanged");
	tap_ok(policy_cascade_key(p, 0) == NULL, "place 0 never matches");
}

/* The creation proof binds the room, the node and the join key. */
static void
test_create(void)
{
	uint8_t sig[64], other[32];

	tap_ok(record_create_sign(seeds[OWNER], node_id, join_key, sig) == 0,
	    "sign a creation proof");
	tap_is_int(record_create_verify(pubs[OWNER], node_id, join_key, sig),
	    0, "it verifies");
	memcpy(other, node_id, 32);
	other[31] ^= 1;
	tap_is_int(record_create_verify(pubs[OWNER], other, join_key, sig), -1,
	    "refused for another node");
	memcpy(other, join_key, 32);
	other[0] ^= 0x80;
	tap_is_int(record_create_verify(pubs[OWNER], node_id, other, sig), -1,
	    "refused with another join key");
	tap_is_int(record_create_verify(pubs[A], node_id, join_key, sig), -1,
	    "refused for another room key");
	sig[10] ^= 4;
	tap_is_int(record_create_verify(pubs[OWNER], node_id, join_key, sig),
	    -1, "refused with a flipped signature bit");
	tap_ok(record_create_sign(seeds[A], node_id, join_key, sig) == 0,
	    "A signs a proof");
	tap_is_int(record_create_verify(pubs[OWNER], node_id, join_key, sig),
	    -1, "A's proof is not the owner's");
	tap_ok(crypto_ed25519_sign(seeds[OWNER], join_key, 32, sig) == 0 &&
	    record_create_verify(pubs[OWNER], node_id, join_key, sig) == -1,
	    "a room-key signature over something else is refused");
}

/* Seal to the recipient, open with the default, valid, parameters. */
static int
seal(uint16_t epoch, uint32_t from, uint32_t to, uint8_t blob[KEYBLOB_LEN])
{
	return keyblob_seal(x_send, x_recv_pub, x_e, room_id, epoch, from, to,
	    media_key, blob);
}

/* Open with every parameter given, into a prefilled key; 0 or -1. */
static int
open_blob(const uint8_t *priv, const uint8_t *sender_pub, const uint8_t *rid,
    uint16_t epoch, uint32_t from, uint32_t to, const uint8_t *blob,
    int *wiped)
{
	uint8_t key[32];
	int rc;

	memset(key, 0xaa, sizeof(key));
	rc = keyblob_open(priv, sender_pub, rid, epoch, from, to, blob, key);
	*wiped = tap_is_zero(key, sizeof(key));
	if (rc == 0 && memcmp(key, media_key, 32) != 0)
		return -2;
	return rc;
}

/* The Python vector, the round trip and every wrong input. */
static void
test_keyblob(void)
{
	uint8_t blob[KEYBLOB_LEN], want[KEYBLOB_LEN], epub[32], bad[82];
	size_t i, bit, passed = 0, kept = 0;
	int wiped;

	tap_ok(seal(0x0102, 7, 0x01020304, blob) == 0, "seal the vector");
	tap_unhex(kat_blob, want, sizeof(want));
	tap_is_mem(blob, want, sizeof(want), "key blob vector");
	tap_ok(crypto_x25519_public(x_e, epub) == 0 &&
	    memcmp(blob, epub, 32) == 0, "blob starts with e's public key");
	tap_is_int(open_blob(x_recv, x_send_pub, room_id, 0x0102, 7,
	    0x01020304, blob, &wiped), 0, "recipient opens it, media key back");

	tap_ok(seal(9, 1, 2, blob) == 0, "seal epoch 9 from 1 to 2");
	tap_is_int(open_blob(x_recv, x_send_pub, room_id, 9, 1, 2, blob,
	    &wiped), 0, "opens");
	tap_ok(open_blob(x_third, x_send_pub, room_id, 9, 1, 2, blob,
	    &wiped) == -1 && wiped, "a third party cannot open it, key wiped");
	tap_ok(open_blob(x_send, x_recv_pub, room_id, 9, 1, 2, blob,
	    &wiped) == -1 && wiped, "nor can the sender");
	tap_ok(open_blob(x_recv, x_third_pub, room_id, 9, 1, 2, blob,
	    &wiped) == -1 && wiped, "refused for another sender static");
	tap_ok(open_blob(x_recv, x_send_pub, other_room_id, 9, 1, 2, blob,
	    &wiped) == -1 && wiped, "refused for another room");
	tap_ok(open_blob(x_recv, x_send_pub, room_id, 10, 1, 2, blob,
	    &wiped) == -1 && wiped, "refused for another epoch");
	tap_ok(open_blob(x_recv, x_send_pub, room_id, 9, 3, 2, blob,
	    &wiped) == -1 && wiped, "refused for another sender member");
	tap_ok(open_blob(x_recv, x_send_pub, room_id, 9, 1, 3, blob,
	    &wiped) == -1 && wiped, "refused for another recipient member");
	tap_ok(open_blob(x_recv, x_send_pub, room_id, 9, 2, 1, blob,
	    &wiped) == -1, "refused with members swapped");

	for (i = 0; i < KEYBLOB_LEN; i++) {
		for (bit = 0; bit < 8; bit++) {
			memcpy(bad, blob, sizeof(bad));
			bad[i] ^= (uint8_t)(1u << bit);
			if (open_blob(x_recv, x_send_pub, room_id, 9, 1, 2,
			    bad, &wiped) != -1)
				passed++;
			if (!wiped)
				kept++;
		}
	}
	tap_is_int(passed, 0, "all 656 one-bit flips refused");
	tap_is_int(kept, 0, "and the key wiped each time");

	memset(bad, 0, sizeof(bad));
	tap_ok(open_blob(x_recv, x_send_pub, room_id, 9, 1, 2, bad,
	    &wiped) == -1 && wiped, "an all-zero blob (low-order e) refused");
	memset(epub, 0, sizeof(epub));
	tap_ok(keyblob_seal(x_send, epub, x_e, room_id, 9, 1, 2, media_key,
	    blob) == -1 && tap_is_zero(blob, sizeof(blob)),
	    "sealing to a low-order key fails, output wiped");
}

/* The AEAD key of the documented construction, rebuilt by hand. */
static int
manual_key(uint16_t epoch, uint32_t from, uint32_t to, uint8_t key[32])
{
	uint8_t ikm[64], info[18 + 10];
	struct buf_writer w;

	if (crypto_x25519(x_e, x_recv_pub, ikm) == -1 ||
	    crypto_x25519(x_send, x_recv_pub, ikm + 32) == -1)
		return -1;
	buf_wr_init(&w, info, sizeof(info));
	buf_put_bytes(&w, "chorus key blob v1", 18);
	buf_put_n16(&w, epoch);
	buf_put_n32(&w, from);
	buf_put_n32(&w, to);
	if (buf_wr_error(&w) == -1)
		return -1;
	return crypto_hkdf_sha256(room_id, 32, ikm, sizeof(ikm), info,
	    sizeof(info), key, 32);
}

/* Built step by step it matches; a plaintext naming another epoch fails. */
static void
test_keyblob_manual(void)
{
	uint8_t key[32], pt[34], blob[KEYBLOB_LEN], want[KEYBLOB_LEN];
	int wiped;

	tap_ok(seal(5, 1, 2, want) == 0, "seal epoch 5");
	tap_ok(manual_key(5, 1, 2, key) == 0, "derive its key by hand");
	pt[0] = 0;
	pt[1] = 5;
	memcpy(pt + 2, media_key, 32);
	tap_ok(crypto_x25519_public(x_e, blob) == 0 &&
	    crypto_aead_seal(key, 0, blob, 32, pt, sizeof(pt), blob + 32) == 0,
	    "seal by hand: zero nonce, e as AD");
	tap_is_mem(blob, want, sizeof(blob), "same bytes as keyblob_seal");

	pt[1] = 6;
	tap_ok(crypto_aead_seal(key, 0, blob, 32, pt, sizeof(pt),
	    blob + 32) == 0, "seal epoch 6 in a blob keyed for epoch 5");
	tap_ok(open_blob(x_recv, x_send_pub, room_id, 5, 1, 2, blob,
	    &wiped) == -1 && wiped, "open refuses the mismatched epoch");
	pt[1] = 5;
	tap_ok(crypto_aead_seal(key, 0, blob, 32, pt, sizeof(pt),
	    blob + 32) == 0 && open_blob(x_recv, x_send_pub, room_id, 5, 1, 2,
	    blob, &wiped) == 0, "the control: epoch 5 opens");
	tap_ok(crypto_aead_seal(key, 0, NULL, 0, pt, sizeof(pt),
	    blob + 32) == 0 && open_blob(x_recv, x_send_pub, room_id, 5, 1, 2,
	    blob, &wiped) == -1, "without e as AD it does not");
}

int
main(void)
{
	static struct room_policy policy;
	int keys, blob_keys;

	keys = make_keys();
	blob_keys = make_blob_keys();
	tap_ok(keys == 0 && blob_keys == 0, "fixed keys derive");
	test_kat();
	test_layout();
	test_parse_errors();
	test_bit_flips();
	test_peek();
	test_mixed_record();
	test_strerror();
	test_policy_authority(&policy);
	test_policy_stale(&policy);
	test_policy_ban_times(&policy);
	test_policy_full(&policy);
	test_policy_unparsed(&policy);
	test_policy_mixed(&policy);
	test_cascade_record();
	test_policy_cascade(&policy);
	test_create();
	test_keyblob();
	test_keyblob_manual();
	return tap_done();
}

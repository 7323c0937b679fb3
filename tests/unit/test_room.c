/*
 * test_room.c - room IDs, the key schedule (with and without a password),
 * mixed-room keys, membership proofs and invite links (the mixed=1 flag
 * included): known answers, round trips and a table of links the parser
 * must refuse, each with its reason.
 *
 * Known answers were computed independently with Python 3's standard
 * library, not with this code:
 *   rid = hashlib.blake2s(b"chorus room id v1" + pub).digest()
 *   hkdf(salt, ikm, info): prk = hmac.new(salt, ikm, sha256).digest(),
 *     then T(1) = hmac.new(prk, info + b"\x01", sha256) (RFC 5869 by hand)
 *   stretched = hashlib.scrypt(b"correct horse", salt=rid, n=32768, r=8,
 *     p=1, maxmem=64*1024*1024, dklen=32)
 *   proof = hmac.new(join, b"chorus join proof v1" + rid + client + node
 *     + challenge, sha256)
 *   up = hkdf(rid, join, b"chorus mixed up v1"),
 *   down = hkdf(rid, join, b"chorus mixed down v1")
 *   sender key = hkdf(b"\0\0", up or down, b"chorus media sender v1" +
 *     struct.pack(">I", sender))
 * with pub the RFC 8032 §7.1 TEST 1 public key, secret = bytes(range(32)),
 * client = 0x40.., node = 0x80.., challenge = 0xc0.. (counting up).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "chorus/crypto.h"
#include "chorus/encode.h"
#include "chorus/media.h"
#include "chorus/room.h"
#include "../tap.h"

#define TEST_PASSWORD	"correct horse"
#define TEST_BUF	(ROOM_LINK_MAX * 2)

/* RFC 8032 §7.1 TEST 1. */
static const char *rfc8032_seed =
    "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
static const char *rfc8032_pub =
    "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";

static const char *kat_room_id =
    "f47fc757e85e311564086a2722cb25404d55fd5773ff0739c6e37fada9c21600";
static const char *kat_room_id_text =
    "6r74ov7ilyyrkzainitsfszfibgvl7kxop7qooog4n723koccyaa";
static const char *kat_join =
    "b155a3963a042b50a6f02373556afce627b00e7268d64e3af9ea97b94472df17";
static const char *kat_media =
    "da021a0cf96c827451cfa12301b061a95e59109d28f74a09d082803b167258a6";
static const char *kat_pw_join =
    "94a21919fa71a5329da4f544318eb8dbe3e7d24fcfc72cbc0ef9a72800e67185";
static const char *kat_pw_media =
    "984668d85be9780ee86e4ba98ac6da1dae7144ace2b3502090479589ad4d0a17";
static const char *kat_proof =
    "28207bdcb10966b38c8391ed89cfc467ec542efdd5e4c20c81106222ce1dc0de";
/* Mixed keys from kat_join and kat_room_id. */
static const char *kat_mixed_up =
    "21549e338665552c7dff60dd3faf035b2bf7a0ab02b52bb43be573ab43f3ce01";
static const char *kat_mixed_down =
    "dd8d2f7fb6f657b32b8e93a479977fac8feb43078c3b63bf915b089ca465ffd4";
/* Mixed keys from join key 00..1f and room ID 20..3f. */
static const char *kat_mixed_up2 =
    "8469799ac6a67c1c057044436347baf5fac7a26188fe2ce53a8bd1f672765c11";
static const char *kat_mixed_down2 =
    "1e40c5f4441dc1160eb65a04dceafb1d07b6667c62cff42f18e1c4abb49e1945";
/* Sender keys, epoch 0: member 3 under up; mixes 0 and 3 under down. */
static const char *kat_mixed_up_3 =
    "6ca01c2a791554eb65d27601c5f74dda9773aa0b78b5f97a1157007bf0de6463";
static const char *kat_mixed_down_0 =
    "956f0c17be467b4ed4b0c15b0a12cc8b31d8913a0e363bd18e250d553e67f698";
static const char *kat_mixed_down_3 =
    "1f8b85992b242fda2e8ae5df4439ed5fb63658194aa3134e8bdad85e193c9cc9";

static uint8_t room_id[ROOM_ID_LEN], secret[ROOM_SECRET_LEN];
static uint8_t client[32], node[32], challenge[ROOM_CHALLENGE_LEN];

/* Base32 texts used to build links: node key, room ID, secret. */
static char b32_key[ENCODE_BASE32_LEN(32)], b32_room[ENCODE_BASE32_LEN(32)];
static char b32_secret[ENCODE_BASE32_LEN(32)];
/* Two more node keys, for links that give one key per node. */
static uint8_t nkey[32], nkey2[32], nkey3[32];
static char b32_key2[ENCODE_BASE32_LEN(32)], b32_key3[ENCODE_BASE32_LEN(32)];


/* The inputs of the known-answer tests. */
static void
make_inputs(void)
{
	size_t i;

	for (i = 0; i < 32; i++) {
		secret[i] = (uint8_t)i;
		client[i] = (uint8_t)(0x40 + i);
		node[i] = (uint8_t)(0x80 + i);
		nkey[i] = (uint8_t)(0xa0 + i);
		nkey2[i] = (uint8_t)(0x20 + i);
		nkey3[i] = (uint8_t)(0xe0 - i);
	}
	for (i = 0; i < ROOM_CHALLENGE_LEN; i++)
		challenge[i] = (uint8_t)(0xc0 + i);
	encode_base32(nkey, 32, b32_key, sizeof(b32_key));
	encode_base32(nkey2, 32, b32_key2, sizeof(b32_key2));
	encode_base32(nkey3, 32, b32_key3, sizeof(b32_key3));
	encode_base32(secret, 32, b32_secret, sizeof(b32_secret));
}

/* scrypt against RFC 7914 §12 (the two cheap vectors). */
static void
test_scrypt(void)
{
	uint8_t out[64], want[64];

	tap_unhex("77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede2"
	    "1442fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d1"
	    "8906", want, sizeof(want));
	tap_ok(crypto_scrypt("", 0, "", 0, 16, 1, 1, out, 64) == 0 &&
	    memcmp(out, want, 64) == 0, "scrypt RFC 7914 vector 1");
	tap_unhex("fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b37"
	    "31622eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc"
	    "0640", want, sizeof(want));
	tap_ok(crypto_scrypt("password", 8, "NaCl", 4, 1024, 8, 16, out,
	    64) == 0 && memcmp(out, want, 64) == 0, "scrypt RFC 7914 vector 2");
	tap_ok(crypto_scrypt("x", 1, "y", 1, 1000, 8, 1, out, 32) == -1 &&
	    tap_is_zero(out, 32), "scrypt refuses N not a power of two");
}

/* Room ID from the RFC 8032 key, and its text. */
static void
test_room_id(void)
{
	uint8_t seed[32], pub[32], want[32];
	char text[ROOM_ID_STRLEN];

	tap_unhex(rfc8032_seed, seed, sizeof(seed));
	tap_ok(crypto_ed25519_public(seed, pub) == 0, "room public key");
	tap_unhex(rfc8032_pub, want, sizeof(want));
	tap_is_mem(pub, want, 32, "room public key is RFC 8032's");
	tap_ok(room_id_from_key(pub, room_id) == 0, "room ID");
	tap_unhex(kat_room_id, want, sizeof(want));
	tap_is_mem(room_id, want, 32, "room ID known answer");
	room_id_string(room_id, text);
	tap_is_str(text, kat_room_id_text, "room ID text known answer");
	encode_base32(room_id, 32, b32_room, sizeof(b32_room));
	pub[0] ^= 1;
	room_id_from_key(pub, want);
	tap_ok(memcmp(want, room_id, 32) != 0, "another key, another ID");
}

/* Join and media keys: known answers, labels, inputs that change them. */
static void
test_keys(void)
{
	struct room_keys k, k2, pw;
	uint8_t want[32], other[32];

	tap_ok(room_keys_derive(secret, NULL, room_id, &k) == 0, "derive");
	tap_unhex(kat_join, want, sizeof(want));
	tap_is_mem(k.join_key, want, 32, "join key known answer");
	tap_unhex(kat_media, want, sizeof(want));
	tap_is_mem(k.media_key, want, 32, "media key known answer");
	tap_ok(memcmp(k.join_key, k.media_key, 32) != 0,
	    "distinct labels give distinct keys");

	memcpy(other, secret, 32);
	other[31] ^= 0x80;
	room_keys_derive(other, NULL, room_id, &k2);
	tap_ok(memcmp(k.join_key, k2.join_key, 32) != 0 &&
	    memcmp(k.media_key, k2.media_key, 32) != 0,
	    "another secret changes both keys");
	memcpy(other, room_id, 32);
	other[0] ^= 1;
	room_keys_derive(secret, NULL, other, &k2);
	tap_ok(memcmp(k.join_key, k2.join_key, 32) != 0 &&
	    memcmp(k.media_key, k2.media_key, 32) != 0,
	    "another room ID (the salt) changes both keys");

	/* Two scrypt calls in all. */
	tap_ok(room_keys_derive(secret, TEST_PASSWORD, room_id, &pw) == 0,
	    "derive with password");
	tap_unhex(kat_pw_join, want, sizeof(want));
	tap_is_mem(pw.join_key, want, 32, "password join key known answer");
	tap_unhex(kat_pw_media, want, sizeof(want));
	tap_is_mem(pw.media_key, want, 32, "password media key known answer");
	tap_ok(memcmp(k.join_key, pw.join_key, 32) != 0 &&
	    memcmp(k.media_key, pw.media_key, 32) != 0,
	    "a password changes both keys");
	tap_ok(room_keys_derive(secret, "correct horsf", room_id, &k2) == 0 &&
	    memcmp(k2.join_key, pw.join_key, 32) != 0 &&
	    memcmp(k2.media_key, pw.media_key, 32) != 0,
	    "another password changes both keys");

	memset(&k2, 0xaa, sizeof(k2));
	tap_ok(room_keys_derive(secret, "", room_id, &k2) == -1 &&
	    tap_is_zero(&k2, sizeof(k2)), "empty password refused, output wiped");
	room_keys_wipe(&pw);
	tap_ok(tap_is_zero(&pw, sizeof(pw)), "room_keys_wipe zeroes the keys");
	room_keys_wipe(&k);
	room_keys_wipe(&k2);
}

/*
 * Mixed-room keys: known answers (join key and room ID of the vectors
 * above; and join key 00..1f, room ID 20..3f), distinct labels, every
 * input matters, and what members and the node do with them.
 */
static void
test_mixed_keys(void)
{
	struct room_mixed_keys mk, mk2;
	struct room_keys k;
	uint8_t want[32], join[32], rid[32], sk[32];
	size_t i;

	tap_unhex(kat_join, join, sizeof(join));
	tap_ok(room_mixed_keys_derive(join, room_id, &mk) == 0, "derive");
	tap_unhex(kat_mixed_up, want, sizeof(want));
	tap_is_mem(mk.up, want, 32, "up key known answer");
	tap_unhex(kat_mixed_down, want, sizeof(want));
	tap_is_mem(mk.down, want, 32, "down key known answer");
	tap_ok(memcmp(mk.up, mk.down, 32) != 0, "up and down differ");
	tap_ok(room_keys_derive(secret, NULL, room_id, &k) == 0 &&
	    memcmp(k.join_key, join, 32) == 0, "the join key of the secret");
	tap_ok(memcmp(mk.up, k.media_key, 32) != 0 &&
	    memcmp(mk.down, k.media_key, 32) != 0 &&
	    memcmp(mk.up, join, 32) != 0 && memcmp(mk.down, join, 32) != 0,
	    "neither is the E2E media key or the join key");

	for (i = 0; i < 32; i++) {
		join[i] = (uint8_t)i;
		rid[i] = (uint8_t)(0x20 + i);
	}
	tap_ok(room_mixed_keys_derive(join, rid, &mk2) == 0, "derive 00..1f");
	tap_unhex(kat_mixed_up2, want, sizeof(want));
	tap_is_mem(mk2.up, want, 32, "second up key known answer");
	tap_unhex(kat_mixed_down2, want, sizeof(want));
	tap_is_mem(mk2.down, want, 32, "second down key known answer");

	join[31] ^= 1;
	tap_ok(room_mixed_keys_derive(join, rid, &mk2) == 0 &&
	    memcmp(mk2.up, want, 32) != 0, "another join key: another up");
	tap_unhex(kat_mixed_down2, want, sizeof(want));
	tap_ok(memcmp(mk2.down, want, 32) != 0, "and another down");
	join[31] ^= 1;
	rid[0] ^= 0x80;
	tap_unhex(kat_mixed_up2, want, sizeof(want));
	tap_ok(room_mixed_keys_derive(join, rid, &mk2) == 0 &&
	    memcmp(mk2.up, want, 32) != 0, "another room ID: another up");
	tap_unhex(kat_mixed_down2, want, sizeof(want));
	tap_ok(memcmp(mk2.down, want, 32) != 0, "and another down");

	/* Members seal with up under their index; the node with down. */
	tap_unhex(kat_mixed_up_3, want, sizeof(want));
	tap_ok(media_sender_key(mk.up, 0, 3, sk) == 0 &&
	    memcmp(sk, want, 32) == 0, "member 3's sender key (up, epoch 0)");
	tap_unhex(kat_mixed_down_0, want, sizeof(want));
	tap_ok(media_sender_key(mk.down, 0, 0, sk) == 0 &&
	    memcmp(sk, want, 32) == 0, "the shared mix's key (down, 0)");
	tap_unhex(kat_mixed_down_3, want, sizeof(want));
	tap_ok(media_sender_key(mk.down, 0, 3, sk) == 0 &&
	    memcmp(sk, want, 32) == 0, "member 3's mix-minus key (down, 3)");

	room_mixed_keys_wipe(&mk);
	tap_ok(tap_is_zero(&mk, sizeof(mk)), "room_mixed_keys_wipe zeroes");
	room_mixed_keys_wipe(&mk2);
	room_keys_wipe(&k);
	crypto_wipe(sk, sizeof(sk));
}

/* Proofs verify only for the exact inputs and key. */
static void
test_proof(void)
{
	struct room_keys k, k2;
	uint8_t proof[32], want[32], bad[32];

	room_keys_derive(secret, NULL, room_id, &k);
	tap_ok(room_join_proof(k.join_key, room_id, client, node, challenge,
	    proof) == 0, "proof");
	tap_unhex(kat_proof, want, sizeof(want));
	tap_is_mem(proof, want, 32, "proof known answer");
	tap_ok(room_join_verify(k.join_key, room_id, client, node, challenge,
	    proof) == 0, "proof verifies");

	memcpy(bad, challenge, ROOM_CHALLENGE_LEN);
	bad[15] ^= 1;
	tap_ok(room_join_verify(k.join_key, room_id, client, node, bad,
	    proof) == -1, "wrong challenge fails");
	memcpy(bad, client, 32);
	bad[0] ^= 1;
	tap_ok(room_join_verify(k.join_key, room_id, bad, node, challenge,
	    proof) == -1, "wrong client fails");
	memcpy(bad, node, 32);
	bad[31] ^= 0x40;
	tap_ok(room_join_verify(k.join_key, room_id, client, bad, challenge,
	    proof) == -1, "wrong node fails");
	memcpy(bad, room_id, 32);
	bad[7] ^= 2;
	tap_ok(room_join_verify(k.join_key, bad, client, node, challenge,
	    proof) == -1, "wrong room fails");
	tap_ok(room_join_verify(k.media_key, room_id, client, node, challenge,
	    proof) == -1, "media key instead of join key fails");
	memcpy(bad, secret, 32);
	bad[3] ^= 8;
	room_keys_derive(bad, NULL, room_id, &k2);
	tap_ok(room_join_verify(k2.join_key, room_id, client, node, challenge,
	    proof) == -1, "join key of another secret fails");
	memcpy(bad, proof, 32);
	bad[31] ^= 1;
	tap_ok(room_join_verify(k.join_key, room_id, client, node, challenge,
	    bad) == -1, "flipped proof bit fails");
	room_keys_wipe(&k);
	room_keys_wipe(&k2);
}

/*
 * Replace {K}, {R} and {S} in tmpl with the base32 texts ({L} and {M}:
 * the second and third node keys).
 */
static void
expand(const char *tmpl, char *out, size_t outlen)
{
	size_t n = 0;
	const char *sub;

	while (*tmpl != '\0' && n + 1 < outlen) {
		sub = NULL;
		if (strncmp(tmpl, "{K}", 3) == 0)
			sub = b32_key;
		else if (strncmp(tmpl, "{L}", 3) == 0)
			sub = b32_key2;
		else if (strncmp(tmpl, "{M}", 3) == 0)
			sub = b32_key3;
		else if (strncmp(tmpl, "{R}", 3) == 0)
			sub = b32_room;
		else if (strncmp(tmpl, "{S}", 3) == 0)
			sub = b32_secret;
		if (sub != NULL) {
			n += (size_t)snprintf(out + n, outlen - n, "%s", sub);
			tmpl += 3;
		} else
			out[n++] = *tmpl++;
	}
	out[n < outlen ? n : outlen - 1] = '\0';
}

/* Parse, check fields, format back to the same text. */
static void
round_trip_mixed(const char *tmpl, size_t nnodes, const char *host0,
    int type0, int port0, int password, int mixed)
{
	struct room_link l;
	char in[TEST_BUF], out[TEST_BUF];
	enum room_link_error e;

	expand(tmpl, in, sizeof(in));
	e = room_link_parse(in, &l);
	if (!tap_is_int(e, ROOM_LINK_OK, "parse"))
		tap_diag("%s: %s", in, room_link_error_name(e));
	tap_ok(l.nnodes == nnodes && strcmp(l.nodes[0].host, host0) == 0 &&
	    (int)l.nodes[0].type == type0 && l.nodes[0].port == port0 &&
	    l.password == password && l.mixed == mixed, "fields of %s%s",
	    host0, mixed ? ", mixed" : "");
	tap_is_mem(l.secret, secret, 32, "secret from the fragment");
	tap_is_mem(l.room_id, room_id, 32, "room ID from the query");
	tap_ok(room_link_format(&l, out, sizeof(out)) == (int)strlen(in),
	    "format length");
	tap_is_str(out, in, "round trip is exact");
	room_link_wipe(&l);
}

/* The same, for a link without mixed=1. */
static void
round_trip(const char *tmpl, size_t nnodes, const char *host0,
    int type0, int port0, int password)
{
	round_trip_mixed(tmpl, nnodes, host0, type0, port0, password, 0);
}

static void
test_link_round_trips(void)
{
	char host[ROOM_HOST_MAX + 1], tmpl[TEST_BUF];
	size_t i;

	round_trip("chorus://JOIN?node=192.0.2.1:443&key={K}&room={R}#s={S}",
	    1, "192.0.2.1", ROOM_HOST_IPV4, 443, 0);
	round_trip("chorus://JOIN?node=[2001:db8::1]:3478&key={K}&room={R}"
	    "#s={S}&p=1", 1, "2001:db8::1", ROOM_HOST_IPV6, 3478, 1);
	round_trip("chorus://JOIN?node=[::ffff:192.0.2.1]:1&key={K}&room={R}"
	    "#s={S}", 1, "::ffff:192.0.2.1", ROOM_HOST_IPV6, 1, 0);
	round_trip("chorus://JOIN?node=voice.example.org:65535&key={K}"
	    "&room={R}#s={S}&p=1", 1, "voice.example.org", ROOM_HOST_NAME,
	    65535, 1);
	round_trip("chorus://JOIN?node=0.0.0.0:9&node=[::1]:10"
	    "&node=a-b.c9:11&node=localhost:12&key={K}&room={R}#s={S}", 4,
	    "0.0.0.0", ROOM_HOST_IPV4, 9, 0);
	round_trip("chorus://JOIN?node=1x.example:80&node=255.255.255.255:80"
	    "&key={K}&room={R}#s={S}&p=1", 2, "1x.example", ROOM_HOST_NAME,
	    80, 1);

	/* A 253-character hostname: labels of 63, 63, 63 and 61. */
	memset(host, 'a', ROOM_HOST_MAX);
	for (i = 63; i < ROOM_HOST_MAX; i += 64)
		host[i] = '.';
	host[ROOM_HOST_MAX] = '\0';
	snprintf(tmpl, sizeof(tmpl),
	    "chorus://JOIN?node=%s:5&key={K}&room={R}#s={S}", host);
	round_trip(tmpl, 1, host, ROOM_HOST_NAME, 5, 0);

	/* Mixed rooms: mixed=1 right after room=. */
	round_trip_mixed("chorus://JOIN?node=192.0.2.1:443&key={K}&room={R}"
	    "&mixed=1#s={S}", 1, "192.0.2.1", ROOM_HOST_IPV4, 443, 0, 1);
	round_trip_mixed("chorus://JOIN?node=[2001:db8::1]:3478&node=a.b:2"
	    "&key={K}&room={R}&mixed=1#s={S}&p=1", 2, "2001:db8::1",
	    ROOM_HOST_IPV6, 3478, 1, 1);
	round_trip_mixed("chorus://JOIN?node=a.example:1&key={K}"
	    "&node=b.example:2&key={L}&room={R}&mixed=1#s={S}", 2,
	    "a.example", ROOM_HOST_NAME, 1, 0, 1);
}

static const struct {
	const char		*link;
	enum room_link_error	 want;
} rejects[] = {
	{ "", ROOM_LINK_ERR_SCHEME },
	{ "chorus://join?node=a.b:1&key={K}&room={R}#s={S}",
	    ROOM_LINK_ERR_SCHEME },
	{ "https://JOIN?node=a.b:1&key={K}&room={R}#s={S}",
	    ROOM_LINK_ERR_SCHEME },
	{ "chorus://JOIN", ROOM_LINK_ERR_SCHEME },
	{ "chorus://JOIN?node=a.b:1&key={K}&room={R}", ROOM_LINK_ERR_MISSING },
	{ "chorus://JOIN?key={K}&room={R}#s={S}", ROOM_LINK_ERR_MISSING },
	{ "chorus://JOIN?node=a.b:1&room={R}#s={S}", ROOM_LINK_ERR_MISSING },
	{ "chorus://JOIN?node=a.b:1&key={K}#s={S}", ROOM_LINK_ERR_MISSING },
	{ "chorus://JOIN?#s={S}", ROOM_LINK_ERR_SYNTAX },
	{ "chorus://JOIN?node=a.b:1&key={K}&room={R}#", ROOM_LINK_ERR_SYNTAX },
	{ "chorus://JOIN?node=a.b:1&&key={K}&room={R}#s={S}",
	    ROOM_LINK_ERR_SYNTAX },
	{ "chorus://JOIN?node=a.b:1&key={K}&room={R}&#s={S}",
	    ROOM_LINK_ERR_SYNTAX },
	{ "chorus://JOIN?node&key={K}&room={R}#s={S}", ROOM_LINK_ERR_SYNTAX },
	{ "chorus://JOIN?node=&key={K}&room={R}#s={S}", ROOM_LINK_ERR_SYNTAX },
	{ "chorus://JOIN?=a.b:1&key={K}&room={R}#s={S}", ROOM_LINK_ERR_SYNTAX },
	{ "chorus://JOIN?node=a.b:1&key={K}&room={R}#s={S}&p=",
	    ROOM_LINK_ERR_SYNTAX },
	{ "chorus://JOIN?node=a.b:1&key={K}&room={R}&x=1#s={S}",
	    ROOM_LINK_ERR_UNKNOWN },
	{ "chorus://JOIN?Node=a.b:1&key={K}&room={R}#s={S}",
	    ROOM_LINK_ERR_UNKNOWN },
	{ "chorus://JOIN?node=a.b:1&key={K}&room={R}#s={S}&q=1",
	    ROOM_LINK_ERR_UNKNOWN },
	{ "chorus://JOIN?node=a.b:1&key={K}&room={R}#secret={S}",
	    ROOM_LINK_ERR_UNKNOWN },
	{ "chorus://JOIN?node=a.b:1&key={K}&key={K}&room={R}#s={S}",
	    ROOM_LINK_ERR_DUPLICATE },
	{ "chorus://JOIN?node=a.b:1&key={K}&room={R}&room={R}#s={S}",
	    ROOM_LINK_ERR_DUPLICATE },
	{ "chorus://JOIN?node=a.b:1&key={K}&room={R}#s={S}&s={S}",
	    ROOM_LINK_ERR_DUPLICATE },
	{ "chorus://JOIN?node=a.b:1&key={K}&room={R}#s={S}&p=1&p=1",
	    ROOM_LINK_ERR_DUPLICATE },
	{ "chorus://JOIN?key={K}&node=a.b:1&room={R}#s={S}",
	    ROOM_LINK_ERR_ORDER },
	{ "chorus://JOIN?node=a.b:1&room={R}&key={K}#s={S}",
	    ROOM_LINK_ERR_ORDER },
	{ "chorus://JOIN?node=a.b:1&key={K}&room={R}#p=1&s={S}",
	    ROOM_LINK_ERR_ORDER },
	{ "chorus://JOIN?node=a.b:1&node=a.b:2&node=a.b:3&node=a.b:4"
	    "&node=a.b:5&key={K}&room={R}#s={S}", ROOM_LINK_ERR_TOO_MANY_NODES },
	{ "chorus://JOIN?node=a.b:1&key={K}a&room={R}#s={S}",
	    ROOM_LINK_ERR_BAD_KEY },
	{ "chorus://JOIN?node=a.b:1&key=aaaa&room={R}#s={S}",
	    ROOM_LINK_ERR_BAD_KEY },
	{ "chorus://JOIN?node=a.b:1&key=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	    "AAAAAAAAAAAAA&room={R}#s={S}", ROOM_LINK_ERR_BAD_KEY },
	{ "chorus://JOIN?node=a.b:1&key=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaa1&room={R}#s={S}", ROOM_LINK_ERR_BAD_KEY },
	{ "chorus://JOIN?node=a.b:1&key=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaab&room={R}#s={S}", ROOM_LINK_ERR_BAD_KEY },
	{ "chorus://JOIN?node=a.b:1&key={K}&room=x{R}#s={S}",
	    ROOM_LINK_ERR_BAD_ROOM },
	{ "chorus://JOIN?node=a.b:1&key={K}&room={R}#s={S}=",
	    ROOM_LINK_ERR_BAD_SECRET },
	{ "chorus://JOIN?node=a.b:1&key={K}&room={R}#s=abc",
	    ROOM_LINK_ERR_BAD_SECRET },
	{ "chorus://JOIN?node=a.b:1&key={K}&room={R}#s={S}&p=0",
	    ROOM_LINK_ERR_BAD_FLAG },
	{ "chorus://JOIN?node=a.b:1&key={K}&room={R}#s={S}&p=11",
	    ROOM_LINK_ERR_BAD_FLAG },
	/* mixed=1: once, after room=, nothing after it but the fragment. */
	{ "chorus://JOIN?node=a.b:1&key={K}&mixed=1&room={R}#s={S}",
	    ROOM_LINK_ERR_ORDER },
	{ "chorus://JOIN?node=a.b:1&mixed=1&key={K}&room={R}#s={S}",
	    ROOM_LINK_ERR_ORDER },
	{ "chorus://JOIN?mixed=1&node=a.b:1&key={K}&room={R}#s={S}",
	    ROOM_LINK_ERR_ORDER },
	{ "chorus://JOIN?node=a.b:1&key={K}&mixed=1#s={S}",
	    ROOM_LINK_ERR_ORDER },
	{ "chorus://JOIN?node=a.b:1&key={K}&mixed=2&room={R}#s={S}",
	    ROOM_LINK_ERR_ORDER },
	{ "chorus://JOIN?node=a.b:1&key={K}&room={R}&mixed=1&mixed=1#s={S}",
	    ROOM_LINK_ERR_DUPLICATE },
	{ "chorus://JOIN?node=a.b:1&key={K}&room={R}&mixed=1&mixed=0#s={S}",
	    ROOM_LINK_ERR_DUPLICATE },
	{ "chorus://JOIN?node=a.b:1&key={K}&room={R}&mixed=1&room={R}#s={S}",
	    ROOM_LINK_ERR_DUPLICATE },
	{ "chorus://JOIN?node=a.b:1&key={K}&room={R}&mixed=0#s={S}",
	    ROOM_LINK_ERR_BAD_FLAG },
	{ "chorus://JOIN?node=a.b:1&key={K}&room={R}&mixed=11#s={S}",
	    ROOM_LINK_ERR_BAD_FLAG },
	{ "chorus://JOIN?node=a.b:1&key={K}&room={R}&mixed=yes#s={S}",
	    ROOM_LINK_ERR_BAD_FLAG },
	{ "chorus://JOIN?node=a.b:1&key={K}&room={R}&mixed=01#s={S}",
	    ROOM_LINK_ERR_BAD_FLAG },
	{ "chorus://JOIN?node=a.b:1&key={K}&room={R}&mixed=#s={S}",
	    ROOM_LINK_ERR_SYNTAX },
	{ "chorus://JOIN?node=a.b:1&key={K}&room={R}&mixed#s={S}",
	    ROOM_LINK_ERR_SYNTAX },
	{ "chorus://JOIN?node=a.b:1&key={K}&room={R}&mixed=1&#s={S}",
	    ROOM_LINK_ERR_SYNTAX },
	{ "chorus://JOIN?node=a.b:1&key={K}&room={R}&mixed=1&node=a.b:2"
	    "#s={S}", ROOM_LINK_ERR_ORDER },
	{ "chorus://JOIN?node=a.b:1&room={R}&mixed=1&key={K}#s={S}",
	    ROOM_LINK_ERR_ORDER },
	/* As after room=: a key right after the last key is a duplicate. */
	{ "chorus://JOIN?node=a.b:1&key={K}&room={R}&mixed=1&key={K}#s={S}",
	    ROOM_LINK_ERR_DUPLICATE },
	{ "chorus://JOIN?node=a.b:1&key={K}&room={R}&Mixed=1#s={S}",
	    ROOM_LINK_ERR_UNKNOWN },
	{ "chorus://JOIN?node=a.b:1&key={K}&room={R}&mix=1#s={S}",
	    ROOM_LINK_ERR_UNKNOWN },
	{ "chorus://JOIN?node=a.b:1&key={K}&room={R}#s={S}&mixed=1",
	    ROOM_LINK_ERR_UNKNOWN },
	{ "chorus://JOIN?node=a.b:1&key={K}&room={R}&mixed=1#s={S}&mixed=1",
	    ROOM_LINK_ERR_UNKNOWN },
	{ "chorus://JOIN?node=a.b:1&key={K}&room={R}&mixed=1#s={S}&p=0",
	    ROOM_LINK_ERR_BAD_FLAG },
	{ "chorus://JOIN?node=a.b:1&key={K}&room={R}&mixed=1",
	    ROOM_LINK_ERR_MISSING },
	{ "chorus://JOIN?node=a.b:0&key={K}&room={R}#s={S}",
	    ROOM_LINK_ERR_BAD_PORT },
	{ "chorus://JOIN?node=a.b:65536&key={K}&room={R}#s={S}",
	    ROOM_LINK_ERR_BAD_PORT },
	{ "chorus://JOIN?node=a.b:080&key={K}&room={R}#s={S}",
	    ROOM_LINK_ERR_BAD_PORT },
	{ "chorus://JOIN?node=a.b:123456&key={K}&room={R}#s={S}",
	    ROOM_LINK_ERR_BAD_PORT },
	{ "chorus://JOIN?node=a.b:+1&key={K}&room={R}#s={S}",
	    ROOM_LINK_ERR_BAD_PORT },
	{ "chorus://JOIN?node=a.b:&key={K}&room={R}#s={S}",
	    ROOM_LINK_ERR_BAD_PORT },
	{ "chorus://JOIN?node=a.b&key={K}&room={R}#s={S}",
	    ROOM_LINK_ERR_BAD_PORT },
	{ "chorus://JOIN?node=a.b:1:2&key={K}&room={R}#s={S}",
	    ROOM_LINK_ERR_BAD_PORT },
	{ "chorus://JOIN?node=[::1]80&key={K}&room={R}#s={S}",
	    ROOM_LINK_ERR_BAD_PORT },
	{ "chorus://JOIN?node=1.2.3.256:1&key={K}&room={R}#s={S}",
	    ROOM_LINK_ERR_BAD_HOST },
	{ "chorus://JOIN?node=01.2.3.4:1&key={K}&room={R}#s={S}",
	    ROOM_LINK_ERR_BAD_HOST },
	{ "chorus://JOIN?node=1.2.3:1&key={K}&room={R}#s={S}",
	    ROOM_LINK_ERR_BAD_HOST },
	{ "chorus://JOIN?node=1.2.3.4.5:1&key={K}&room={R}#s={S}",
	    ROOM_LINK_ERR_BAD_HOST },
	{ "chorus://JOIN?node=1..3.4:1&key={K}&room={R}#s={S}",
	    ROOM_LINK_ERR_BAD_HOST },
	{ "chorus://JOIN?node=::1:1&key={K}&room={R}#s={S}",
	    ROOM_LINK_ERR_BAD_HOST },
	{ "chorus://JOIN?node=[::1:1&key={K}&room={R}#s={S}",
	    ROOM_LINK_ERR_BAD_HOST },
	{ "chorus://JOIN?node=[::g]:1&key={K}&room={R}#s={S}",
	    ROOM_LINK_ERR_BAD_HOST },
	{ "chorus://JOIN?node=[0:0::1]:1&key={K}&room={R}#s={S}",
	    ROOM_LINK_ERR_BAD_HOST },
	{ "chorus://JOIN?node=[2001:DB8::1]:1&key={K}&room={R}#s={S}",
	    ROOM_LINK_ERR_BAD_HOST },
	{ "chorus://JOIN?node=[fe80::1%25eth0]:1&key={K}&room={R}#s={S}",
	    ROOM_LINK_ERR_BAD_HOST },
	{ "chorus://JOIN?node=[]:1&key={K}&room={R}#s={S}",
	    ROOM_LINK_ERR_BAD_HOST },
	{ "chorus://JOIN?node=[1.2.3.4]:1&key={K}&room={R}#s={S}",
	    ROOM_LINK_ERR_BAD_HOST },
	{ "chorus://JOIN?node=-a.com:1&key={K}&room={R}#s={S}",
	    ROOM_LINK_ERR_BAD_HOST },
	{ "chorus://JOIN?node=a-.com:1&key={K}&room={R}#s={S}",
	    ROOM_LINK_ERR_BAD_HOST },
	{ "chorus://JOIN?node=a..com:1&key={K}&room={R}#s={S}",
	    ROOM_LINK_ERR_BAD_HOST },
	{ "chorus://JOIN?node=.a.com:1&key={K}&room={R}#s={S}",
	    ROOM_LINK_ERR_BAD_HOST },
	{ "chorus://JOIN?node=a.com.:1&key={K}&room={R}#s={S}",
	    ROOM_LINK_ERR_BAD_HOST },
	{ "chorus://JOIN?node=Example.com:1&key={K}&room={R}#s={S}",
	    ROOM_LINK_ERR_BAD_HOST },
	{ "chorus://JOIN?node=a_b.com:1&key={K}&room={R}#s={S}",
	    ROOM_LINK_ERR_BAD_HOST },
	{ "chorus://JOIN?node=foo.123:1&key={K}&room={R}#s={S}",
	    ROOM_LINK_ERR_BAD_HOST },
	{ "chorus://JOIN?node=:1&key={K}&room={R}#s={S}",
	    ROOM_LINK_ERR_BAD_HOST },
	{ "chorus://JOIN?node=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaa.com:1&key={K}&room={R}#s={S}",
	    ROOM_LINK_ERR_BAD_HOST },
};

/* Every link in the table is refused for its reason, output wiped. */
static void
test_link_rejects(void)
{
	struct room_link l;
	char in[TEST_BUF], host[ROOM_HOST_MAX + 2], *p;
	size_t i;
	enum room_link_error e;

	for (i = 0; i < sizeof(rejects) / sizeof(rejects[0]); i++) {
		expand(rejects[i].link, in, sizeof(in));
		memset(&l, 0xaa, sizeof(l));
		e = room_link_parse(in, &l);
		if (!tap_is_int(e, rejects[i].want, room_link_error_name(
		    rejects[i].want)))
			tap_diag("%s: got %s", in, room_link_error_name(e));
		if (e != ROOM_LINK_OK && !tap_is_zero(&l, sizeof(l)))
			tap_ok(0, "output wiped after %s", in);
	}

	/* A 254-character hostname. */
	memset(host, 'a', ROOM_HOST_MAX + 1);
	for (i = 63; i < ROOM_HOST_MAX; i += 64)
		host[i] = '.';
	host[ROOM_HOST_MAX + 1] = '\0';
	snprintf(in, sizeof(in), "chorus://JOIN?node=%s:5&key=%s&room=%s"
	    "#s=%s", host, b32_key, b32_room, b32_secret);
	tap_is_int(room_link_parse(in, &l), ROOM_LINK_ERR_BAD_HOST,
	    "254-character hostname refused");

	/* Exactly ROOM_LINK_MAX is fine as far as length goes; one more not. */
	snprintf(in, sizeof(in), "chorus://JOIN?node=a.b:1&key=%s&room=%s"
	    "#s=%s", b32_key, b32_room, b32_secret);
	p = in + strlen(in);
	memset(p, 'x', ROOM_LINK_MAX - strlen(in));
	in[ROOM_LINK_MAX] = '\0';
	tap_is_int(room_link_parse(in, &l), ROOM_LINK_ERR_BAD_SECRET,
	    "1024 characters: refused for content, not length");
	in[ROOM_LINK_MAX] = 'x';
	in[ROOM_LINK_MAX + 1] = '\0';
	tap_is_int(room_link_parse(in, &l), ROOM_LINK_ERR_TOO_LONG,
	    "1025 characters: too long");
}

/* The formatter refuses what the parser would refuse. */
static void
test_link_format(void)
{
	struct room_link l, good;
	char in[TEST_BUF], out[TEST_BUF];
	size_t i;
	int n;

	expand("chorus://JOIN?node=a.b:1&key={K}&room={R}#s={S}", in,
	    sizeof(in));
	tap_is_int(room_link_parse(in, &good), ROOM_LINK_OK, "parse");
	n = (int)strlen(in);
	tap_is_int(room_link_format(&good, out, (size_t)n + 1), n,
	    "exact-size buffer");
	tap_is_int(room_link_format(&good, out, (size_t)n), -1,
	    "one byte short");
	tap_ok(out[0] == '\0', "output emptied on failure");

	l = good;
	l.nnodes = 0;
	tap_is_int(room_link_format(&l, out, sizeof(out)), -1, "no nodes");
	l.nnodes = ROOM_MAX_NODES + 1;
	tap_is_int(room_link_format(&l, out, sizeof(out)), -1,
	    "too many nodes");
	l = good;
	l.nodes[0].port = 0;
	tap_is_int(room_link_format(&l, out, sizeof(out)), -1, "port 0");
	l = good;
	l.nodes[0].type = ROOM_HOST_IPV4;
	tap_is_int(room_link_format(&l, out, sizeof(out)), -1,
	    "hostname typed as IPv4");
	l = good;
	strcpy(l.nodes[0].host, "a b");
	tap_is_int(room_link_format(&l, out, sizeof(out)), -1, "bad hostname");
	l = good;
	l.nodes[0].type = ROOM_HOST_IPV6;
	strcpy(l.nodes[0].host, "::0:1");
	tap_is_int(room_link_format(&l, out, sizeof(out)), -1,
	    "non-canonical IPv6");

	/* Four 253-character hostnames do not fit in ROOM_LINK_MAX. */
	l = good;
	l.nnodes = ROOM_MAX_NODES;
	for (i = 0; i < ROOM_MAX_NODES; i++) {
		l.nodes[i].type = ROOM_HOST_NAME;
		l.nodes[i].port = 1;
		memset(l.nodes[i].host, 'a', ROOM_HOST_MAX);
		l.nodes[i].host[63] = l.nodes[i].host[127] = '.';
		l.nodes[i].host[191] = '.';
		l.nodes[i].host[ROOM_HOST_MAX] = '\0';
	}
	tap_is_int(room_link_format(&l, out, sizeof(out)), -1,
	    "link over ROOM_LINK_MAX refused");
	room_link_wipe(&l);
	room_link_wipe(&good);
	tap_ok(tap_is_zero(&good, sizeof(good)), "room_link_wipe zeroes the link");
}

/* One key per node: parse, the keys of each node, format back exactly. */
static void
multi_trip(const char *tmpl, size_t nnodes, const uint8_t *const *keys,
    int per_node)
{
	struct room_link l;
	char in[TEST_BUF], out[TEST_BUF];
	enum room_link_error e;
	size_t i;
	int keys_ok = 1, flags_ok = 1;

	expand(tmpl, in, sizeof(in));
	e = room_link_parse(in, &l);
	if (!tap_is_int(e, ROOM_LINK_OK, "parse keys per node"))
		tap_diag("%s: %s", in, room_link_error_name(e));
	tap_is_int((int)l.nnodes, (int)nnodes, "node count");
	for (i = 0; i < nnodes; i++) {
		if (room_link_key(&l, i) == NULL ||
		    memcmp(room_link_key(&l, i), keys[i], 32) != 0)
			keys_ok = 0;
		if (l.nodes[i].has_key != per_node)
			flags_ok = 0;
	}
	tap_ok(keys_ok, "every node has its key");
	tap_ok(flags_ok, "has_key is %d on every node", per_node);
	tap_is_mem(l.node_key, keys[0], 32, "node_key is the first node's");
	tap_ok(room_link_format(&l, out, sizeof(out)) == (int)strlen(in),
	    "format length");
	tap_is_str(out, in, "round trip is exact");
	room_link_wipe(&l);
}

static void
test_link_multi_trips(void)
{
	const uint8_t *kl[] = { nkey, nkey2 };
	const uint8_t *klmk[] = { nkey, nkey2, nkey3, nkey };
	const uint8_t *kkl[] = { nkey, nkey, nkey2 };
	const uint8_t *kkkk[] = { nkey, nkey, nkey, nkey };

	multi_trip("chorus://JOIN?node=192.0.2.1:443&key={K}"
	    "&node=[2001:db8::1]:3478&key={L}&room={R}#s={S}", 2, kl, 1);
	multi_trip("chorus://JOIN?node=a.example:1&key={K}&node=b.example:2"
	    "&key={L}&node=10.0.0.1:3&key={M}&node=[::1]:4&key={K}&room={R}"
	    "#s={S}&p=1", 4, klmk, 1);
	multi_trip("chorus://JOIN?node=a.b:1&key={K}&node=a.b:2&key={K}"
	    "&node=a.b:3&key={L}&room={R}#s={S}", 3, kkl, 1);
	/* The old form: one key for all, no node has its own. */
	multi_trip("chorus://JOIN?node=a.b:1&node=a.b:2&node=a.b:3&node=a.b:4"
	    "&key={K}&room={R}#s={S}", 4, kkkk, 0);
}

static const struct {
	const char		*link;
	enum room_link_error	 want;
} multi_rejects[] = {
	{ "chorus://JOIN?node=a.b:1&key={K}&node=a.b:2&room={R}#s={S}",
	    ROOM_LINK_ERR_NODE_KEY },
	{ "chorus://JOIN?node=a.b:1&key={K}&node=a.b:2&node=a.b:3&key={L}"
	    "&room={R}#s={S}", ROOM_LINK_ERR_NODE_KEY },
	{ "chorus://JOIN?node=a.b:1&key={K}&node=a.b:2&key={L}&node=a.b:3"
	    "&room={R}#s={S}", ROOM_LINK_ERR_NODE_KEY },
	{ "chorus://JOIN?node=a.b:1&key={K}&node=a.b:2&key={K}&room={R}"
	    "#s={S}", ROOM_LINK_ERR_SAME_KEYS },
	{ "chorus://JOIN?node=a.b:1&key={L}&node=a.b:2&key={L}&node=a.b:3"
	    "&key={L}&node=a.b:4&key={L}&room={R}#s={S}",
	    ROOM_LINK_ERR_SAME_KEYS },
	{ "chorus://JOIN?node=a.b:1&node=a.b:2&key={K}&node=a.b:3&key={L}"
	    "&room={R}#s={S}", ROOM_LINK_ERR_ORDER },
	{ "chorus://JOIN?node=a.b:1&key={K}&node=a.b:2&key={L}&room={R}"
	    "&node=a.b:3&key={M}#s={S}", ROOM_LINK_ERR_ORDER },
	{ "chorus://JOIN?key={K}&node=a.b:1&key={L}&room={R}#s={S}",
	    ROOM_LINK_ERR_ORDER },
	{ "chorus://JOIN?node=a.b:1&key={K}&node=a.b:2&key={L}&key={M}"
	    "&room={R}#s={S}", ROOM_LINK_ERR_DUPLICATE },
	{ "chorus://JOIN?node=a.b:1&key={K}&node=a.b:2&key={L}&room={R}"
	    "&key={M}#s={S}", ROOM_LINK_ERR_DUPLICATE },
	{ "chorus://JOIN?node=a.b:1&key={K}&node=a.b:2&key={L}&room={R}"
	    "&room={R}#s={S}", ROOM_LINK_ERR_DUPLICATE },
	{ "chorus://JOIN?node=a.b:1&key={K}&node=a.b:2&key=x{L}&room={R}"
	    "#s={S}", ROOM_LINK_ERR_BAD_KEY },
	{ "chorus://JOIN?node=a.b:1&key={K}&node=a.b:2&key={L}&room=x{R}"
	    "#s={S}", ROOM_LINK_ERR_BAD_ROOM },
	{ "chorus://JOIN?node=a.b:1&key={K}&node=a.b:2&key={L}&node=a.b:3"
	    "&key={M}&node=a.b:4&key={K}&node=a.b:5&key={L}&room={R}#s={S}",
	    ROOM_LINK_ERR_TOO_MANY_NODES },
	{ "chorus://JOIN?node=a.b:1&key={K}&node=a.b:0&key={L}&room={R}"
	    "#s={S}", ROOM_LINK_ERR_BAD_PORT },
	{ "chorus://JOIN?node=a.b:1&key={K}&node=a.b:2#s={S}",
	    ROOM_LINK_ERR_MISSING },
	{ "chorus://JOIN?node=a.b:1&key={K}&node=a.b:2&key={L}#s={S}",
	    ROOM_LINK_ERR_MISSING },
	{ "chorus://JOIN?node=a.b:1&key={K}&node=a.b:2&key={L}&room={R}",
	    ROOM_LINK_ERR_MISSING },
	{ "chorus://JOIN?node=a.b:1&key={K}&node=a.b:2&key={L}&room={R}"
	    "#s={S}&p=2", ROOM_LINK_ERR_BAD_FLAG },
	{ "chorus://JOIN?node=a.b:1&key={K}&node=a.b:2&key={L}&mixed=1"
	    "&room={R}#s={S}", ROOM_LINK_ERR_ORDER },
	{ "chorus://JOIN?node=a.b:1&key={K}&node=a.b:2&key={L}&room={R}"
	    "&mixed=1&key={M}#s={S}", ROOM_LINK_ERR_DUPLICATE },
	{ "chorus://JOIN?node=a.b:1&key={K}&node=a.b:2&key={K}&room={R}"
	    "&mixed=1#s={S}", ROOM_LINK_ERR_SAME_KEYS },
};

/* Links with keys per node refused for their reason, output wiped. */
static void
test_link_multi_rejects(void)
{
	struct room_link l;
	char in[TEST_BUF];
	size_t i;
	enum room_link_error e;

	for (i = 0; i < sizeof(multi_rejects) / sizeof(multi_rejects[0]);
	    i++) {
		expand(multi_rejects[i].link, in, sizeof(in));
		memset(&l, 0xaa, sizeof(l));
		e = room_link_parse(in, &l);
		if (!tap_is_int(e, multi_rejects[i].want, room_link_error_name(
		    multi_rejects[i].want)))
			tap_diag("%s: got %s", in, room_link_error_name(e));
		if (!tap_is_zero(&l, sizeof(l)))
			tap_ok(0, "output wiped after %s", in);
	}
	tap_ok(strcmp(room_link_error_name(ROOM_LINK_ERR_NODE_KEY),
	    "unknown error") != 0 && strcmp(room_link_error_name(
	    ROOM_LINK_ERR_SAME_KEYS), "unknown error") != 0 &&
	    strcmp(room_link_error_name(ROOM_LINK_ERR_NODE_KEY),
	    room_link_error_name(ROOM_LINK_ERR_SAME_KEYS)) != 0,
	    "the new errors have names of their own");
}

/* A hostname of n characters (n >= 2) in labels of at most 63. */
static void
long_host(char *host, size_t n)
{
	size_t i;

	memset(host, 'a', n);
	for (i = 63; i < n - 1; i += 64)
		host[i] = '.';
	host[n] = '\0';
}

/* The formatter picks the form from the keys, and checks the length. */
static void
test_link_multi_format(void)
{
	struct room_link l, good, back;
	char in[TEST_BUF], out[TEST_BUF], want[TEST_BUF];
	size_t i;

	expand("chorus://JOIN?node=a.b:1&node=a.b:2&key={K}&room={R}#s={S}",
	    in, sizeof(in));
	tap_is_int(room_link_parse(in, &good), ROOM_LINK_OK, "parse");

	/* Every node its own key, all equal: the one-key form. */
	l = good;
	for (i = 0; i < l.nnodes; i++) {
		l.nodes[i].has_key = 1;
		memcpy(l.nodes[i].key, nkey, 32);
	}
	memset(l.node_key, 0, 32);
	tap_ok(room_link_format(&l, out, sizeof(out)) > 0 &&
	    strcmp(out, in) == 0, "equal own keys are written once");

	/* Node 0 takes node_key, node 1 has its own: keys per node. */
	l = good;
	l.nodes[1].has_key = 1;
	memcpy(l.nodes[1].key, nkey2, 32);
	expand("chorus://JOIN?node=a.b:1&key={K}&node=a.b:2&key={L}"
	    "&room={R}#s={S}", want, sizeof(want));
	tap_ok(room_link_format(&l, out, sizeof(out)) > 0 &&
	    strcmp(out, want) == 0, "a node with a key of its own: per node");
	tap_ok(room_link_parse(out, &back) == ROOM_LINK_OK &&
	    memcmp(room_link_key(&back, 0), nkey, 32) == 0 &&
	    memcmp(room_link_key(&back, 1), nkey2, 32) == 0,
	    "and it parses back to the same keys");
	tap_ok(room_link_key(&back, ROOM_MAX_NODES) == NULL,
	    "room_link_key past the table is NULL");

	/* 4 nodes of 200 characters: one key fits, four do not. */
	l = good;
	l.nnodes = ROOM_MAX_NODES;
	for (i = 0; i < ROOM_MAX_NODES; i++) {
		l.nodes[i].type = ROOM_HOST_NAME;
		l.nodes[i].port = 1;
		l.nodes[i].has_key = 0;
		long_host(l.nodes[i].host, 200);
	}
	tap_is_int(room_link_format(&l, out, sizeof(out)), 4 * 200 + 215,
	    "one key: 1015 characters");
	l.nodes[3].has_key = 1;
	memcpy(l.nodes[3].key, nkey3, 32);
	tap_is_int(room_link_format(&l, out, sizeof(out)), -1,
	    "keys per node: over ROOM_LINK_MAX, refused");
	room_link_wipe(&l);
	room_link_wipe(&good);
	room_link_wipe(&back);
}

/* mixed=1 is written after room=, counts toward ROOM_LINK_MAX. */
static void
test_link_mixed_format(void)
{
	struct room_link l, good, back;
	char in[TEST_BUF], out[TEST_BUF], want[TEST_BUF];
	size_t i;

	expand("chorus://JOIN?node=a.b:1&key={K}&room={R}#s={S}&p=1", in,
	    sizeof(in));
	tap_is_int(room_link_parse(in, &good), ROOM_LINK_OK, "parse");
	tap_is_int(good.mixed, 0, "a link without mixed=1: not mixed");
	l = good;
	l.mixed = 1;
	expand("chorus://JOIN?node=a.b:1&key={K}&room={R}&mixed=1#s={S}&p=1",
	    want, sizeof(want));
	tap_ok(room_link_format(&l, out, sizeof(out)) == (int)strlen(in) + 8 &&
	    strcmp(out, want) == 0, "mixed: &mixed=1 after the room, 8 more");
	tap_ok(room_link_parse(out, &back) == ROOM_LINK_OK && back.mixed == 1 &&
	    back.password == 1 && memcmp(back.room_id, room_id, 32) == 0,
	    "and it parses back mixed");
	tap_is_int(room_link_format(&l, out, strlen(want)), -1,
	    "mixed: one byte short refused");
	tap_ok(out[0] == '\0', "output emptied");

	/* 4 nodes: hosts of 201, 200, 200, 200 make 1016, mixed 1024. */
	l = good;
	l.password = 0;
	l.nnodes = ROOM_MAX_NODES;
	for (i = 0; i < ROOM_MAX_NODES; i++) {
		l.nodes[i].type = ROOM_HOST_NAME;
		l.nodes[i].port = 1;
		l.nodes[i].has_key = 0;
		long_host(l.nodes[i].host, i == 0 ? 201 : 200);
	}
	tap_is_int(room_link_format(&l, out, sizeof(out)), 1016,
	    "not mixed: 1016 characters");
	l.mixed = 1;
	tap_is_int(room_link_format(&l, out, sizeof(out)), ROOM_LINK_MAX,
	    "mixed: exactly ROOM_LINK_MAX");
	tap_ok(room_link_parse(out, &back) == ROOM_LINK_OK && back.mixed == 1,
	    "which parses");
	long_host(l.nodes[0].host, 202);
	tap_is_int(room_link_format(&l, out, sizeof(out)), -1,
	    "mixed: one over ROOM_LINK_MAX refused");
	l.mixed = 0;
	tap_is_int(room_link_format(&l, out, sizeof(out)), 1017,
	    "the same link not mixed fits");
	tap_ok(strcmp(room_link_error_name(ROOM_LINK_ERR_BAD_FLAG),
	    "unknown error") != 0, "BAD_FLAG has a name");
	room_link_wipe(&l);
	room_link_wipe(&good);
	room_link_wipe(&back);
}

int
main(void)
{
	make_inputs();
	test_scrypt();
	test_room_id();
	test_keys();
	test_mixed_keys();
	test_proof();
	test_link_round_trips();
	test_link_rejects();
	test_link_format();
	test_link_multi_trips();
	test_link_multi_rejects();
	test_link_multi_format();
	test_link_mixed_format();
	return tap_done();
}

/*
 * test_netrec.c - node network records: known answers for the network
 * ID, the DHT key, the room locator and one record of each kind
 * (descriptor, report, vouch, room); round trips (fixed and
 * random); where each field lands; every parse error at its boundary,
 * with a valid signature where the error comes after it; the order of
 * the checks; what the encoder refuses; every flipped bit refused; and
 * netrec_write() giving back what was parsed, byte for byte.
 *
 * Known answers were computed independently with Python 3's hashlib
 * (BLAKE2s), struct (big-endian float32) and the "cryptography" package
 * (Ed25519, X25519), from the layout in doc/PROTOCOL.md, not with this
 * code.  Keys are fixed seeds: byte i of seed "tag" is tag + 3 * i; the
 * node is seed 0x11 with X25519 key seed 0x61, the verifier 0x21, the
 * voucher 0x31, another node 0x41 (X25519 seed 0x71).  The node also
 * hosts the room whose ID is the bytes 0x00..0x1f.
 *
 * The room locators, for network IDs n = netrec_network_id("chorus")
 * (21ad78209bc79128) and "chorus-test" (e262e3f632535c24), are
 *   hashlib.blake2s(b"chorus room locator v1" + n + bytes(range(32)))
 * and the room record was built and signed in Python the same way as the
 * others (header || locator || members as ">I" || Ed25519 signature over
 * b"chorus netrec v1" || those 100 bytes), then checked to verify there.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "chorus/crypto.h"
#include "chorus/identity.h"
#include "chorus/netrec.h"
#include "../tap.h"

#define T0		UINT64_C(1700000000)
#define HOUR		3600
#define DAY		86400

/* Offsets (doc/PROTOCOL.md "Node network records"). */
#define OFF_VERSION	4
#define OFF_KIND	5
#define OFF_RESERVED	6
#define OFF_SIGNER	8
#define OFF_NETWORK	40
#define OFF_ISSUED	48
#define OFF_EXPIRES	56
#define OFF_NOISE	64
#define OFF_BINDING	96
#define OFF_CAPS	160
#define OFF_SESSIONS	164
#define OFF_UPLOAD	168
#define OFF_X		172
#define OFF_Y		176
#define OFF_HEIGHT	180
#define OFF_ERROR	184
#define OFF_SWLEN	188
#define OFF_SW		189
/* In the known-answer descriptor: "chorusd 0.1.0", "eu-west", 2 addrs. */
#define OFF_RGLEN	202
#define OFF_RG		203
#define OFF_NADDRS	210
#define OFF_ADDR0	211
#define OFF_ADDR1	222
#define OFF_DESC_SIG	245
#define KAT_DESC_LEN	309
/* Report and vouch. */
#define OFF_SUBJECT	64
#define OFF_WSTART	96
#define OFF_WEND	104
#define OFF_SENT	112
#define OFF_PASSED	116
#define OFF_LOSS	140
#define OFF_STAKE	96
/* Room. */
#define OFF_LOCATOR	64
#define OFF_MEMBERS	96

static const char *kat_net = "21ad78209bc79128";	/* "chorus" */
static const char *kat_net_test = "e262e3f632535c24";	/* "chorus-test" */
static const char *kat_net_empty = "a367137a39048f57";	/* "" */
static const char *kat_dht[3] = {
	"8a3b4ccbcc93852df813a921cfa83a5784bd7005",	/* descriptor */
	"43b24bb7769405c936001360cb55540d5b7e6670",	/* report */
	"f48e449e68e9cdafbe766bdb731ebacfbc0ec301",	/* vouch */
};
/* Room 0x00..0x1f: its locator in "chorus-test" and in "chorus". */
static const char *kat_locator_test =
    "07c39ff995d129a3c7bc1d398b607f44dcfaddde71379ebde120b8c964c8c985";
static const char *kat_locator =
    "99dd2ac5702f7b93c717f4598f1ecb591578743bce4f44d07f7feb9838c30035";
/* Its DHT key in "chorus": kind 4, the locator. */
static const char *kat_dht_room = "0c25f49d9f42ded5435a84f80d5292fd486feaa9";
/* make_desc(): issued T0, expires T0 + 1 h. */
static const char *kat_desc =
    "43484e52010100004ea4f7395442abeedd5810b340ab5e42a26085694b586154"
    "3cdbc12caf4ae25421ad78209bc79128000000006553f100000000006553ff10"
    "97c5ab307d71ed1f888e2e56a311e6eb7ffe4339390828bd8930071e3030a504"
    "20f05430b494a0b70505be4e7679e05921f45160fe199f791cb0bee76a88f6ca"
    "2f2e84bd0e28c4f1419459cf2b9eb986c659b1216a48bef933f41a50c043cb0d"
    "00000003000001f4000186a041480000c05000003fc000003e8000000d63686f"
    "7275736420302e312e300765752d776573740204cb0071070d960d9614e50620"
    "010db80000000000000000000000070d96000014e5454abe74dbc073214ecfe9"
    "cfd1024a4d513e16ecade10cf8d762be949319a158931197d44ed38fb589c677"
    "12ae4951d0e0ea35487a7f4b6b6717e3df8f446a05";
/* make_report(): the verifier about the node, issued T0, for a day. */
static const char *kat_report =
    "43484e5201020000eb3131359fd822c00559b800cc9fab9bad816ae46cba02b7"
    "fba07ecfad3c8f7121ad78209bc79128000000006553f1000000000065554280"
    "4ea4f7395442abeedd5810b340ab5e42a26085694b5861543cdbc12caf4ae254"
    "000000006553e2f0000000006553f0c400000078000000750000000003200000"
    "00001f4000005ba0000006fd000061a8832e6d4532e450b6bd1d3d29aff320c5"
    "3fd342495ea4dfa25140a9f28a48ea9c91fa98a1192ac838eb38095b36b88e71"
    "025af6fa7ccc5ca38d6ed1c2b142cf0e";
/* make_vouch(): the voucher stakes 50 on the node, T0, for a day. */
static const char *kat_vouch =
    "43484e5201030000266f5dfc85c7ddc19facf963fdbbc41377ed023522a49fd8"
    "ccc4ed044867129921ad78209bc79128000000006553f1000000000065554280"
    "4ea4f7395442abeedd5810b340ab5e42a26085694b5861543cdbc12caf4ae254"
    "0000003275e5d90a61df7eb1f9f058182448ff1bea50f0ea3a3687c947a3db18"
    "d8eb85de0156e9a912fd0f80f9562ede8b6f113f52aeb3f95c0ca9b24c194043"
    "586f4f0d";
/* make_room(): the node hosts room 0x00..0x1f, 3 members, T0, an hour. */
static const char *kat_room =
    "43484e52010400004ea4f7395442abeedd5810b340ab5e42a26085694b586154"
    "3cdbc12caf4ae25421ad78209bc79128000000006553f100000000006553ff10"
    "99dd2ac5702f7b93c717f4598f1ecb591578743bce4f44d07f7feb9838c30035"
    "00000003add900860d319966fedc5e6bccead06a38dd6dc54fb130f5748ea988"
    "db2222e02e923c88e2c57b9214af609e0aaacf36c797b1259de4c8b734f7a358"
    "c6b46109";

enum { NODE, VERIFIER, VOUCHER, OTHER, NKEYS };
static const uint8_t key_tags[NKEYS] = { 0x11, 0x21, 0x31, 0x41 };
static uint8_t seeds[NKEYS][CRYPTO_ED25519_SEED_LEN];
static uint8_t pubs[NKEYS][CRYPTO_ED25519_PUB_LEN];
static struct identity id_node, id_other;
static uint8_t net[NETREC_NETWORK_ID_LEN], other_net[NETREC_NETWORK_ID_LEN];
static uint8_t room_id[32];		/* 0x00..0x1f */

/* Byte i of the seed is tag + 3i. */
static void
make_seed(uint8_t tag, uint8_t out[32])
{
	size_t i;

	for (i = 0; i < 32; i++)
		out[i] = (uint8_t)(tag + i * 3);
}

/* Every fixed key and the two network IDs. */
static void
setup(void)
{
	uint8_t x[32];
	size_t i;
	int ok = 1;

	for (i = 0; i < NKEYS; i++) {
		make_seed(key_tags[i], seeds[i]);
		ok &= crypto_ed25519_public(seeds[i], pubs[i]) == 0;
	}
	make_seed(0x61, x);
	ok &= identity_from_secrets(&id_node, seeds[NODE], x) == 0;
	make_seed(0x71, x);
	ok &= identity_from_secrets(&id_other, seeds[OTHER], x) == 0;
	ok &= netrec_network_id("chorus", net) == 0;
	ok &= netrec_network_id("chorus-test", other_net) == 0;
	for (i = 0; i < sizeof(room_id); i++)
		room_id[i] = (uint8_t)i;
	tap_ok(ok, "fixed keys and networks derive");
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void
put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)(v >> 32));
	put32(p + 4, (uint32_t)v);
}

static void
put_float(uint8_t *p, float v)
{
	uint32_t bits;

	memcpy(&bits, &v, sizeof(bits));
	put32(p, bits);
}

/* The common fields, for the network "chorus". */
static void
make_common(struct netrec *r, uint8_t kind, uint64_t issued,
    uint64_t expires)
{
	memset(r, 0, sizeof(*r));
	r->kind = kind;
	memcpy(r->network_id, net, sizeof(net));
	r->issued = issued;
	r->expires = expires;
}

/* One address entry. */
static void
make_addr(struct netrec_addr *a, uint8_t family, const char *hex,
    uint16_t udp, uint16_t tcp, uint16_t tls)
{
	memset(a, 0, sizeof(*a));
	a->family = family;
	tap_unhex(hex, a->addr, family == 4 ? 4 : 16);
	a->udp_port = udp;
	a->tcp_port = tcp;
	a->tls_port = tls;
}

/* The node's descriptor of the known answer. */
static void
make_desc(struct netrec *r)
{
	struct netrec_descriptor *d = &r->u.desc;

	make_common(r, NETREC_DESCRIPTOR, T0, T0 + HOUR);
	memcpy(d->noise_key, id_node.x_pub, 32);
	memcpy(d->binding, id_node.binding, 64);
	d->caps = NETREC_CAP_TURN | NETREC_CAP_SFU;
	d->max_sessions = 500;
	d->upload_kbps = 100000;
	d->x = 12.5f;
	d->y = -3.25f;
	d->height = 1.5f;
	d->error = 0.25f;
	strcpy(d->software, "chorusd 0.1.0");
	strcpy(d->region, "eu-west");
	d->naddrs = 2;
	make_addr(&d->addrs[0], 4, "cb007107", 3478, 3478, 5349);
	make_addr(&d->addrs[1], 6, "20010db8000000000000000000000007", 3478,
	    0, 5349);
}

/* The verifier's report about the node. */
static void
make_report(struct netrec *r)
{
	struct netrec_report *p = &r->u.report;

	make_common(r, NETREC_REPORT, T0, T0 + DAY);
	memcpy(p->subject, pubs[NODE], 32);
	p->window_start = T0 - HOUR;
	p->window_end = T0 - 60;
	p->sent = 120;
	p->passed = 117;
	p->verified_bytes = 52428800;
	p->throughput_kbps = 8000;
	p->rtt_median_us = 23456;
	p->rtt_spread_us = 1789;
	p->loss_ppm = 25000;
}

/* The voucher's vouch for the node. */
static void
make_vouch(struct netrec *r)
{
	make_common(r, NETREC_VOUCH, T0, T0 + DAY);
	memcpy(r->u.vouch.vouchee, pubs[NODE], 32);
	r->u.vouch.stake = 50;
}

/* The node hosts room 0x00..0x1f with 3 members. */
static void
make_room(struct netrec *r)
{
	make_common(r, NETREC_ROOM, T0, T0 + HOUR);
	if (netrec_room_locator(net, room_id, r->u.room.locator) == -1)
		memset(r->u.room.locator, 0, 32);	/* refused below */
	r->u.room.members = 3;
}

/* The key each kind is signed with in these tests. */
static int
signer_of(uint8_t kind)
{
	return kind == NETREC_REPORT ? VERIFIER :
	    kind == NETREC_VOUCH ? VOUCHER : NODE;
}

/* Encode r as its kind's signer. */
static int
encode(struct netrec *r, uint8_t out[NETREC_MAX_LEN], size_t *len)
{
	return netrec_encode(r, seeds[signer_of(r->kind)], out, len);
}

/* Parse for "chorus" at now, into a scratch struct. */
static enum netrec_error
parse_at(const uint8_t *b, size_t len, uint64_t now)
{
	struct netrec r;

	return netrec_parse(b, len, now, net, &r);
}

/* Sign the bytes again as signer, as a forger holding that key would. */
static void
resign(uint8_t *b, size_t len, int signer)
{
	uint8_t msg[16 + NETREC_MAX_LEN];

	memcpy(msg, "chorus netrec v1", 16);
	memcpy(msg + 16, b, len - 64);
	if (crypto_ed25519_sign(seeds[signer], msg, 16 + len - 64,
	    b + len - 64) == -1)
		memset(b + len - 64, 0, 64);
}

/* Encode, parse at T0, write back: 1 if all agree with r. */
static int
round_trip(struct netrec *r, size_t *lenp)
{
	uint8_t buf[NETREC_MAX_LEN], again[NETREC_MAX_LEN];
	struct netrec got;
	size_t len, len2;

	if (encode(r, buf, &len) == -1)
		return 0;
	if (lenp != NULL)
		*lenp = len;
	if (netrec_parse(buf, len, T0, net, &got) != NETREC_OK ||
	    memcmp(&got, r, sizeof(got)) != 0)
		return 0;
	return netrec_write(&got, again, &len2) == 0 && len2 == len &&
	    memcmp(again, buf, len) == 0;
}

/* Network IDs and DHT keys against Python. */
static void
test_ids(void)
{
	uint8_t want[NETREC_DHT_KEY_LEN], got[NETREC_DHT_KEY_LEN];
	uint8_t id8[8], k2[NETREC_DHT_KEY_LEN];
	size_t k;

	tap_unhex(kat_net, want, 8);
	tap_is_mem(net, want, 8, "network ID of \"chorus\"");
	tap_unhex(kat_net_test, want, 8);
	tap_is_mem(other_net, want, 8, "network ID of \"chorus-test\"");
	tap_unhex(kat_net_empty, want, 8);
	tap_ok(netrec_network_id("", id8) == 0 && memcmp(id8, want, 8) == 0,
	    "network ID of the empty name");
	for (k = 0; k < 3; k++) {
		tap_unhex(kat_dht[k], want, sizeof(want));
		tap_ok(netrec_dht_key(net, (uint8_t)(k + 1), pubs[NODE],
		    got) == 0 && memcmp(got, want, sizeof(got)) == 0,
		    "DHT key vector, kind %zu", k + 1);
	}
	tap_ok(netrec_dht_key(other_net, NETREC_DESCRIPTOR, pubs[NODE],
	    k2) == 0 && netrec_dht_key(net, NETREC_DESCRIPTOR, pubs[NODE],
	    got) == 0 && memcmp(got, k2, sizeof(got)) != 0,
	    "another network, another DHT key");
	tap_ok(netrec_dht_key(net, NETREC_DESCRIPTOR, pubs[OTHER], k2) == 0 &&
	    memcmp(got, k2, sizeof(got)) != 0, "another node, another key");
}

/* Room locators against Python; NULL arguments; what changes them. */
static void
test_locator(void)
{
	uint8_t want[32], loc[32], loc2[32], other_room[32], key[20];

	tap_unhex(kat_locator_test, want, sizeof(want));
	tap_ok(netrec_room_locator(other_net, room_id, loc) == 0 &&
	    memcmp(loc, want, 32) == 0, "locator vector, \"chorus-test\"");
	tap_unhex(kat_locator, want, sizeof(want));
	tap_ok(netrec_room_locator(net, room_id, loc) == 0 &&
	    memcmp(loc, want, 32) == 0, "locator vector, \"chorus\"");
	tap_unhex(kat_dht_room, want, 20);
	tap_ok(netrec_dht_key(net, NETREC_ROOM, loc, key) == 0 &&
	    memcmp(key, want, 20) == 0, "DHT key vector, kind 4");
	memcpy(other_room, room_id, 32);
	other_room[31] ^= 1;
	tap_ok(netrec_room_locator(net, other_room, loc2) == 0 &&
	    memcmp(loc, loc2, 32) != 0, "another room, another locator");
	tap_ok(memcmp(loc, room_id, 32) != 0, "the locator is not the ID");
	memset(loc2, 0xa5, sizeof(loc2));
	tap_ok(netrec_room_locator(NULL, room_id, loc2) == -1 &&
	    tap_is_zero(loc2, 32), "NULL network: -1, out zeroed");
	memset(loc2, 0xa5, sizeof(loc2));
	tap_ok(netrec_room_locator(net, NULL, loc2) == -1 &&
	    tap_is_zero(loc2, 32), "NULL room ID: -1, out zeroed");
	tap_is_int(netrec_room_locator(net, room_id, NULL), -1, "NULL out");
}

/* One kind's known answer: encode, compare, parse, write back. */
static void
check_kat(struct netrec *r, const char *hex, size_t want_len,
    const char *name)
{
	uint8_t want[NETREC_MAX_LEN], buf[NETREC_MAX_LEN];
	struct netrec got;
	size_t len = 0;

	tap_unhex(hex, want, want_len);
	tap_ok(encode(r, buf, &len) == 0, "%s encodes", name);
	tap_is_int((long long)len, (long long)want_len, name);
	tap_is_mem(buf, want, want_len, name);
	tap_is_int(netrec_parse(want, want_len, T0, net, &got), NETREC_OK,
	    "the vector parses");
	tap_ok(memcmp(&got, r, sizeof(got)) == 0, "%s fields as encoded",
	    name);
	tap_is_mem(got.signer, pubs[signer_of(r->kind)], 32, "signer");
	tap_is_mem(got.sig, want + want_len - 64, 64, "signature kept");
	tap_ok(netrec_write(&got, buf, &len) == 0 && len == want_len &&
	    memcmp(buf, want, len) == 0, "%s writes back the same", name);
}

/* The four Python vectors, and which ID each is stored under. */
static void
test_kat(void)
{
	struct netrec r;

	make_desc(&r);
	check_kat(&r, kat_desc, KAT_DESC_LEN, "descriptor vector");
	tap_ok(netrec_subject(&r) == r.signer, "descriptor under its node");
	make_report(&r);
	check_kat(&r, kat_report, NETREC_REPORT_LEN, "report vector");
	tap_ok(netrec_subject(&r) == r.u.report.subject &&
	    memcmp(netrec_subject(&r), pubs[NODE], 32) == 0,
	    "report under its subject");
	make_vouch(&r);
	check_kat(&r, kat_vouch, NETREC_VOUCH_LEN, "vouch vector");
	tap_ok(netrec_subject(&r) == r.u.vouch.vouchee,
	    "vouch under its vouchee");
	make_room(&r);
	check_kat(&r, kat_room, NETREC_ROOM_LEN, "room vector");
	tap_ok(netrec_subject(&r) == r.u.room.locator,
	    "room under its locator");
	r.kind = 0;
	tap_ok(netrec_subject(&r) == NULL, "no subject for kind 0");
	r.kind = 5;
	tap_ok(netrec_subject(&r) == NULL, "no subject for kind 5");
}

/* Field positions in the vectors, as the table says. */
static void
test_layout(void)
{
	uint8_t d[KAT_DESC_LEN], p[NETREC_REPORT_LEN], v[NETREC_VOUCH_LEN];
	uint8_t m[NETREC_ROOM_LEN], loc[32], w[8];

	tap_unhex(kat_room, m, sizeof(m));
	tap_ok(netrec_room_locator(net, room_id, loc) == 0 &&
	    m[OFF_KIND] == 4 && memcmp(m + OFF_SIGNER, pubs[NODE], 32) == 0 &&
	    memcmp(m + OFF_LOCATOR, loc, 32) == 0 && m[OFF_MEMBERS] == 0 &&
	    m[OFF_MEMBERS + 3] == 3, "room fields: locator at 64, members at "
	    "96");
	tap_is_int(NETREC_ROOM_LEN, 164, "a room record is 164 bytes");
	tap_unhex(kat_desc, d, sizeof(d));
	tap_unhex(kat_report, p, sizeof(p));
	tap_unhex(kat_vouch, v, sizeof(v));
	tap_ok(memcmp(d, "CHNR", 4) == 0 && d[OFF_VERSION] == 1 &&
	    d[OFF_KIND] == 1 && d[OFF_RESERVED] == 0 &&
	    d[OFF_RESERVED + 1] == 0, "descriptor header");
	tap_is_mem(d + OFF_SIGNER, pubs[NODE], 32, "node ID at 8");
	tap_is_mem(d + OFF_NETWORK, net, 8, "network at 40");
	put64(w, T0);
	tap_is_mem(d + OFF_ISSUED, w, 8, "issued at 48");
	put64(w, T0 + HOUR);
	tap_is_mem(d + OFF_EXPIRES, w, 8, "expires at 56");
	tap_is_mem(d + OFF_NOISE, id_node.x_pub, 32, "Noise key at 64");
	tap_is_mem(d + OFF_BINDING, id_node.binding, 64, "binding at 96");
	put_float(w, 12.5f);
	tap_is_mem(d + OFF_X, w, 4, "x at 172, big-endian binary32");
	tap_ok(d[OFF_SWLEN] == 13 && memcmp(d + OFF_SW, "chorusd 0.1.0",
	    13) == 0 && d[OFF_RGLEN] == 7 && d[OFF_NADDRS] == 2 &&
	    d[OFF_ADDR0] == 4 && d[OFF_ADDR1] == 6, "strings and addresses");
	tap_ok(p[OFF_KIND] == 2 && memcmp(p + OFF_SIGNER, pubs[VERIFIER],
	    32) == 0 && memcmp(p + OFF_SUBJECT, pubs[NODE], 32) == 0 &&
	    p[OFF_SENT + 3] == 120 && p[OFF_PASSED + 3] == 117,
	    "report fields");
	tap_ok(v[OFF_KIND] == 3 && memcmp(v + OFF_SIGNER, pubs[VOUCHER],
	    32) == 0 && memcmp(v + OFF_SUBJECT, pubs[NODE], 32) == 0 &&
	    v[OFF_STAKE + 3] == 50, "vouch fields");
	tap_is_int(NETREC_DESC_MAX_LEN, 395, "largest descriptor");
	tap_is_int(NETREC_DESC_MIN_LEN, 267, "smallest descriptor");
}

/* Descriptors at their size limits, and every boundary value that passes. */
static void
test_desc_boundaries(void)
{
	struct netrec r;
	struct netrec_descriptor *d = &r.u.desc;
	size_t len, i;

	make_desc(&r);
	memset(d->software, 0, sizeof(d->software));
	memset(d->software, '~', NETREC_MAX_SOFTWARE);
	memset(d->region, 0, sizeof(d->region));
	memset(d->region, ' ', NETREC_MAX_REGION);
	d->naddrs = NETREC_MAX_ADDRS;
	for (i = 0; i < NETREC_MAX_ADDRS; i++)
		make_addr(&d->addrs[i], 6, "fe800000000000000000000000000001",
		    (uint16_t)(i + 1), 65535, 0);
	tap_ok(round_trip(&r, &len) && len == NETREC_DESC_MAX_LEN,
	    "32-char software, 16-char region, 4 IPv6: 395 bytes");

	make_desc(&r);
	/* Whole arrays, as parsed: nothing after the NUL. */
	memset(d->software, 0, sizeof(d->software));
	memset(d->region, 0, sizeof(d->region));
	d->software[0] = 'x';
	d->naddrs = 1;
	memset(&d->addrs[1], 0, sizeof(d->addrs[1]));
	d->addrs[0].udp_port = 0;
	d->addrs[0].tcp_port = 0;	/* TLS only */
	tap_ok(round_trip(&r, &len) && len == NETREC_DESC_MIN_LEN,
	    "1-char software, no region, 1 IPv4: 267 bytes");

	make_desc(&r);
	d->x = NETREC_MAX_COORD;
	d->y = -NETREC_MAX_COORD;
	d->height = NETREC_MAX_COORD;
	d->error = NETREC_MAX_ERROR;
	tap_ok(round_trip(&r, NULL), "coordinates at their limits");
	d->x = -NETREC_MAX_COORD;
	d->y = 1e-45f;		/* smallest subnormal */
	d->height = 0.0f;
	d->error = 0.0f;
	tap_ok(round_trip(&r, NULL), "zero height and error, subnormal y");

	make_desc(&r);
	d->caps = 0xffffffffu;	/* bits for later versions are kept */
	d->max_sessions = 0xffffffffu;
	d->upload_kbps = 0;
	tap_ok(round_trip(&r, NULL), "unknown capability bits kept");
	make_desc(&r);
	make_addr(&d->addrs[1], 6, "00000000000000000000fffe01020304", 1, 0,
	    0);
	tap_ok(round_trip(&r, NULL), "::fffe:... is not IPv4-mapped");
	make_addr(&d->addrs[1], 6, "00000000000000000000000000000001", 1, 0,
	    0);
	tap_ok(round_trip(&r, NULL), "::1 is an address");
}

/* Reports and vouches at their boundaries. */
static void
test_other_boundaries(void)
{
	struct netrec r;
	struct netrec_report *p = &r.u.report;

	make_report(&r);
	p->window_start = T0 - DAY;
	p->window_end = T0;	/* a full day, ending as it is issued */
	p->sent = p->passed = 0xffffffffu;
	p->loss_ppm = NETREC_PPM;
	p->verified_bytes = UINT64_MAX;
	tap_ok(round_trip(&r, NULL), "report at every upper boundary");
	p->window_start = 0;
	p->window_end = 1;
	p->sent = p->passed = 0;
	p->loss_ppm = 0;
	tap_ok(round_trip(&r, NULL), "report at the lower ones");

	make_vouch(&r);
	r.u.vouch.stake = 1;
	tap_ok(round_trip(&r, NULL), "stake 1");
	r.u.vouch.stake = 0xffffffffu;
	tap_ok(round_trip(&r, NULL), "stake 2^32 - 1");

	make_room(&r);
	r.u.room.members = 1;
	tap_ok(round_trip(&r, NULL), "1 member");
	r.u.room.members = 0xffffffffu;
	memset(r.u.room.locator, 0xff, 32);
	tap_ok(round_trip(&r, NULL), "2^32 - 1 members, locator all 0xff");
	memset(r.u.room.locator, 0, 32);
	r.u.room.locator[31] = 1;
	tap_ok(round_trip(&r, NULL), "locator 00..01");
	memcpy(r.u.room.locator, pubs[NODE], 32);
	tap_ok(round_trip(&r, NULL), "locator equal to the signer: any value");
	r.expires = T0 + DAY;
	tap_ok(round_trip(&r, NULL), "a room for a day");
}

/* A tiny deterministic PRNG (xorshift32) for the random round trips. */
static uint32_t rng = 0x9e3779b9u;

static uint32_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

/* Uniform in lo..hi (both allowed). */
static float
rnd_float(float lo, float hi)
{
	return lo + (hi - lo) * ((float)(rnd() >> 8) / 16777216.0f);
}

/* A random valid descriptor. */
static void
make_random_desc(struct netrec *r)
{
	struct netrec_descriptor *d = &r->u.desc;
	size_t i, n;

	make_desc(r);
	r->issued = T0 - rnd() % HOUR;
	r->expires = r->issued + 1 + rnd() % DAY;
	if (r->expires <= T0)
		r->expires = T0 + 1;
	d->caps = rnd();
	d->x = rnd_float(-NETREC_MAX_COORD, NETREC_MAX_COORD);
	d->y = rnd_float(-NETREC_MAX_COORD, NETREC_MAX_COORD);
	d->height = rnd_float(0, NETREC_MAX_COORD);
	d->error = rnd_float(0, NETREC_MAX_ERROR);
	memset(d->software, 0, sizeof(d->software));
	memset(d->region, 0, sizeof(d->region));
	n = 1 + rnd() % NETREC_MAX_SOFTWARE;
	for (i = 0; i < n; i++)
		d->software[i] = (char)(0x20 + rnd() % 95);
	n = rnd() % (NETREC_MAX_REGION + 1);
	for (i = 0; i < n; i++)
		d->region[i] = (char)(0x20 + rnd() % 95);
	d->naddrs = 1 + rnd() % NETREC_MAX_ADDRS;
	memset(d->addrs, 0, sizeof(d->addrs));
	for (i = 0; i < d->naddrs; i++) {
		d->addrs[i].family = rnd() % 2 ? 4 : 6;
		put32(d->addrs[i].addr, rnd() | 1);
		if (d->addrs[i].family == 6)
			put32(d->addrs[i].addr + 12, rnd());
		d->addrs[i].udp_port = (uint16_t)(1 + rnd() % 65535);
		d->addrs[i].tcp_port = (uint16_t)rnd();
		d->addrs[i].tls_port = (uint16_t)rnd();
	}
}

/* Random valid descriptors, reports and vouches all round trip. */
static void
test_random_round_trips(void)
{
	struct netrec r;
	size_t i, len, bad = 0, lo = NETREC_MAX_LEN, hi = 0;

	for (i = 0; i < 300; i++) {
		make_random_desc(&r);
		if (!round_trip(&r, &len))
			bad++;
		lo = len < lo ? len : lo;
		hi = len > hi ? len : hi;
	}
	tap_is_int((long long)bad, 0, "300 random descriptors round trip");
	tap_ok(lo >= NETREC_DESC_MIN_LEN && hi <= NETREC_DESC_MAX_LEN &&
	    lo < hi, "their lengths vary within the bounds");
	for (i = 0, bad = 0; i < 100; i++) {
		make_report(&r);
		r.u.report.sent = rnd();
		r.u.report.passed = r.u.report.sent / (1 + rnd() % 4);
		r.u.report.loss_ppm = rnd() % (NETREC_PPM + 1);
		r.u.report.window_end = T0 - rnd() % HOUR;
		r.u.report.window_start = r.u.report.window_end - 1 -
		    rnd() % DAY;
		r.u.report.rtt_median_us = rnd();
		if (!round_trip(&r, NULL))
			bad++;
		make_vouch(&r);
		r.u.vouch.stake = 1 + rnd() % 1000;
		if (!round_trip(&r, NULL))
			bad++;
		make_room(&r);
		put32(r.u.room.locator, rnd());
		put32(r.u.room.locator + 28, rnd());
		r.u.room.members = 1 + rnd() % 100000;
		if (!round_trip(&r, NULL))
			bad++;
	}
	tap_is_int((long long)bad, 0, "100 random reports, vouches, rooms");
}

/* A known-answer record, for mutation. */
static size_t
load(uint8_t kind, uint8_t out[NETREC_MAX_LEN])
{
	memset(out, 0, NETREC_MAX_LEN);
	if (kind == NETREC_DESCRIPTOR)
		return tap_unhex(kat_desc, out, KAT_DESC_LEN);
	if (kind == NETREC_REPORT)
		return tap_unhex(kat_report, out, NETREC_REPORT_LEN);
	if (kind == NETREC_ROOM)
		return tap_unhex(kat_room, out, NETREC_ROOM_LEN);
	return tap_unhex(kat_vouch, out, NETREC_VOUCH_LEN);
}

/* The vector of kind with 4 bytes at off set to v, re-signed, at T0. */
static enum netrec_error
try32(uint8_t kind, size_t off, uint32_t v)
{
	uint8_t b[NETREC_MAX_LEN];
	size_t len = load(kind, b);

	put32(b + off, v);
	resign(b, len, signer_of(kind));
	return parse_at(b, len, T0);
}

/* The same with one byte. */
static enum netrec_error
try8(uint8_t kind, size_t off, uint8_t v)
{
	uint8_t b[NETREC_MAX_LEN];
	size_t len = load(kind, b);

	b[off] = v;
	resign(b, len, signer_of(kind));
	return parse_at(b, len, T0);
}

/* A float: the vector's x (or another) replaced by v. */
static enum netrec_error
try_float(size_t off, float v)
{
	uint32_t bits;

	memcpy(&bits, &v, sizeof(bits));
	return try32(NETREC_DESCRIPTOR, off, bits);
}

/* Lengths: bounds, truncation, trailing bytes, fixed kinds. */
static void
test_err_length(void)
{
	uint8_t b[NETREC_MAX_LEN + 8];
	size_t len, n, bad = 0;
	struct netrec r;

	len = load(NETREC_DESCRIPTOR, b);
	tap_is_int(netrec_parse(NULL, 0, T0, net, &r), NETREC_ERR_LENGTH,
	    "NULL");
	tap_is_int(parse_at(b, 0, T0), NETREC_ERR_LENGTH, "empty");
	tap_is_int(parse_at(b, NETREC_MIN_LEN - 1, T0), NETREC_ERR_LENGTH,
	    "163 bytes");
	memset(b + len, 0, sizeof(b) - len);
	tap_is_int(parse_at(b, NETREC_MAX_LEN + 1, T0), NETREC_ERR_LENGTH,
	    "513 bytes");
	for (n = NETREC_MIN_LEN; n < len; n++)
		if (parse_at(b, n, T0) != NETREC_ERR_LENGTH)
			bad++;
	tap_is_int((long long)bad, 0, "every cut descriptor: LENGTH");
	/* One byte more before the signature, signed: still LENGTH. */
	memmove(b + OFF_DESC_SIG + 1, b + OFF_DESC_SIG, 64);
	b[OFF_DESC_SIG] = 0;
	resign(b, len + 1, NODE);
	tap_is_int(parse_at(b, len + 1, T0), NETREC_ERR_LENGTH,
	    "descriptor with a trailing byte, signed");
	tap_is_int(parse_at(b, NETREC_MAX_LEN, T0), NETREC_ERR_LENGTH,
	    "descriptor padded to 512");

	len = load(NETREC_REPORT, b);
	tap_is_int(parse_at(b, len - 1, T0), NETREC_ERR_LENGTH,
	    "report of 207");
	memmove(b + len - 63, b + len - 64, 64);
	b[len - 64] = 0;
	resign(b, len + 1, VERIFIER);
	tap_is_int(parse_at(b, len + 1, T0), NETREC_ERR_LENGTH,
	    "report of 209, signed");
	len = load(NETREC_VOUCH, b);
	memmove(b + len - 63, b + len - 64, 64);
	b[len - 64] = 0;
	resign(b, len + 1, VOUCHER);
	tap_is_int(parse_at(b, len + 1, T0), NETREC_ERR_LENGTH,
	    "vouch of 165, signed");
	len = load(NETREC_REPORT, b);
	b[OFF_KIND] = NETREC_VOUCH;
	tap_is_int(parse_at(b, len, T0), NETREC_ERR_LENGTH,
	    "a vouch 208 bytes long");
	len = load(NETREC_VOUCH, b);
	b[OFF_KIND] = NETREC_REPORT;
	tap_is_int(parse_at(b, len, T0), NETREC_ERR_LENGTH,
	    "a report 164 bytes long");

	len = load(NETREC_ROOM, b);
	tap_is_int(parse_at(b, len - 1, T0), NETREC_ERR_LENGTH,
	    "room of 163");
	memmove(b + len - 63, b + len - 64, 64);
	b[len - 64] = 0;
	resign(b, len + 1, NODE);
	tap_is_int(parse_at(b, len + 1, T0), NETREC_ERR_LENGTH,
	    "room of 165, signed");
	len = load(NETREC_REPORT, b);
	b[OFF_KIND] = NETREC_ROOM;
	resign(b, len, VERIFIER);
	tap_is_int(parse_at(b, len, T0), NETREC_ERR_LENGTH,
	    "a room 208 bytes long, signed");
	len = load(NETREC_ROOM, b);
	b[OFF_KIND] = NETREC_REPORT;
	tap_is_int(parse_at(b, len, T0), NETREC_ERR_LENGTH,
	    "the room vector as a report");
}

/* Magic, version, kind and reserved bytes. */
static void
test_err_header(void)
{
	size_t i;
	int ok = 1;

	for (i = 0; i < 4; i++)
		ok &= try8(NETREC_VOUCH, i, (uint8_t)("CHNR"[i] ^ 0x20)) ==
		    NETREC_ERR_MAGIC;
	tap_ok(ok, "each magic byte checked: MAGIC");
	tap_is_int(try8(NETREC_VOUCH, OFF_VERSION, 0), NETREC_ERR_VERSION,
	    "version 0");
	tap_is_int(try8(NETREC_DESCRIPTOR, OFF_VERSION, 2), NETREC_ERR_VERSION,
	    "version 2");
	tap_is_int(try8(NETREC_REPORT, OFF_KIND, 0), NETREC_ERR_KIND,
	    "kind 0");
	tap_is_int(try8(NETREC_VOUCH, OFF_KIND, 5), NETREC_ERR_KIND,
	    "kind 5");
	tap_is_int(try8(NETREC_ROOM, OFF_KIND, 5), NETREC_ERR_KIND,
	    "a room as kind 5");
	tap_is_int(try8(NETREC_REPORT, OFF_KIND, 255), NETREC_ERR_KIND,
	    "kind 255");
	for (i = 0, ok = 1; i < 16; i++)
		ok &= try8((uint8_t)(1 + i % 4), OFF_RESERVED + i / 8,
		    (uint8_t)(1u << (i % 8))) == NETREC_ERR_FORMAT;
	tap_ok(ok, "every reserved bit, signed: FORMAT");
}

/* Coordinates: NaN, infinities, -0, just past each bound. */
static void
test_err_floats(void)
{
	static const size_t offs[4] = { OFF_X, OFF_Y, OFF_HEIGHT, OFF_ERROR };
	size_t i;
	int ok = 1;

	for (i = 0; i < 4; i++) {
		ok &= try_float(offs[i], NAN) == NETREC_ERR_FORMAT;
		ok &= try_float(offs[i], -NAN) == NETREC_ERR_FORMAT;
		ok &= try_float(offs[i], INFINITY) == NETREC_ERR_FORMAT;
		ok &= try_float(offs[i], -INFINITY) == NETREC_ERR_FORMAT;
		ok &= try32(NETREC_DESCRIPTOR, offs[i], 0x80000000u) ==
		    NETREC_ERR_FORMAT;
		ok &= try32(NETREC_DESCRIPTOR, offs[i], 0x7f800001u) ==
		    NETREC_ERR_FORMAT;	/* a signalling NaN */
		ok &= try32(NETREC_DESCRIPTOR, offs[i], 0) == NETREC_OK;
	}
	tap_ok(ok, "NaN, inf, -inf, -0 refused in each float, +0 accepted");
	tap_is_int(try_float(OFF_X, nextafterf(NETREC_MAX_COORD, 1e9f)),
	    NETREC_ERR_FORMAT, "x just over 10000");
	tap_is_int(try_float(OFF_X, NETREC_MAX_COORD), NETREC_OK, "x 10000");
	tap_is_int(try_float(OFF_Y, nextafterf(-NETREC_MAX_COORD, -1e9f)),
	    NETREC_ERR_FORMAT, "y just under -10000");
	tap_is_int(try_float(OFF_Y, -NETREC_MAX_COORD), NETREC_OK,
	    "y -10000");
	tap_is_int(try_float(OFF_HEIGHT, -1e-45f), NETREC_ERR_FORMAT,
	    "negative height");
	tap_is_int(try_float(OFF_HEIGHT, nextafterf(NETREC_MAX_COORD, 1e9f)),
	    NETREC_ERR_FORMAT, "height just over 10000");
	tap_is_int(try_float(OFF_ERROR, nextafterf(NETREC_MAX_ERROR, 1e9f)),
	    NETREC_ERR_FORMAT, "error just over 10");
	tap_is_int(try_float(OFF_ERROR, -1.0f), NETREC_ERR_FORMAT,
	    "negative error");
	tap_is_int(try_float(OFF_ERROR, NETREC_MAX_ERROR), NETREC_OK,
	    "error 10");
}

/*
 * The descriptor vector with n bytes inserted at off (and the length
 * byte at lenoff, if any, increased by n), re-signed, at T0.
 */
static enum netrec_error
try_insert(size_t off, const char *ins, size_t n, long lenoff)
{
	uint8_t b[NETREC_MAX_LEN + 64];
	size_t len = load(NETREC_DESCRIPTOR, b);

	memmove(b + off + n, b + off, len - off);
	memcpy(b + off, ins, n);
	if (lenoff >= 0)
		b[lenoff] = (uint8_t)(b[lenoff] + n);
	resign(b, len + n, NODE);
	return parse_at(b, len + n, T0);
}

/* Strings: lengths and characters. */
static void
test_err_strings(void)
{
	static const uint8_t badc[] = { 0x00, 0x09, 0x1f, 0x7f, 0x80, 0xff };
	char pad[32];
	size_t i;
	int ok = 1;

	memset(pad, 'a', sizeof(pad));
	tap_is_int(try_insert(OFF_SW, pad, 19, OFF_SWLEN), NETREC_OK,
	    "software of 32");
	tap_is_int(try_insert(OFF_SW, pad, 20, OFF_SWLEN), NETREC_ERR_FORMAT,
	    "software of 33");
	tap_is_int(try_insert(OFF_RG, pad, 9, OFF_RGLEN), NETREC_OK,
	    "region of 16");
	tap_is_int(try_insert(OFF_RG, pad, 10, OFF_RGLEN), NETREC_ERR_FORMAT,
	    "region of 17");
	tap_is_int(try8(NETREC_DESCRIPTOR, OFF_SWLEN, 0xff),
	    NETREC_ERR_FORMAT, "software length 255");
	for (i = 0; i < sizeof(badc); i++) {
		ok &= try8(NETREC_DESCRIPTOR, OFF_SW + 3, badc[i]) ==
		    NETREC_ERR_FORMAT;
		ok &= try8(NETREC_DESCRIPTOR, OFF_RG + 6, badc[i]) ==
		    NETREC_ERR_FORMAT;
	}
	tap_ok(ok, "NUL, tab, 0x1f, DEL, 0x80, 0xff refused in both");
	tap_ok(try8(NETREC_DESCRIPTOR, OFF_SW, ' ') == NETREC_OK &&
	    try8(NETREC_DESCRIPTOR, OFF_RG, '~') == NETREC_OK,
	    "space and tilde accepted");
}

/* A software string of length 0: cut it out and re-sign. */
static void
test_err_empty_software(void)
{
	uint8_t b[NETREC_MAX_LEN];
	size_t len = load(NETREC_DESCRIPTOR, b);

	memmove(b + OFF_SW, b + OFF_SW + 13, len - OFF_SW - 13);
	b[OFF_SWLEN] = 0;
	resign(b, len - 13, NODE);
	tap_is_int(parse_at(b, len - 13, T0), NETREC_ERR_FORMAT,
	    "empty software");
	/* The region empty instead: fine. */
	len = load(NETREC_DESCRIPTOR, b);
	memmove(b + OFF_RG, b + OFF_RG + 7, len - OFF_RG - 7);
	b[OFF_RGLEN] = 0;
	resign(b, len - 7, NODE);
	tap_is_int(parse_at(b, len - 7, T0), NETREC_OK, "empty region");
}

/* Address count, family, the address itself, ports. */
static void
test_err_addrs(void)
{
	uint8_t b[NETREC_MAX_LEN];
	size_t len;

	tap_is_int(try8(NETREC_DESCRIPTOR, OFF_NADDRS, 0), NETREC_ERR_FORMAT,
	    "no address");
	tap_is_int(try8(NETREC_DESCRIPTOR, OFF_NADDRS, 5), NETREC_ERR_FORMAT,
	    "5 addresses");
	tap_is_int(try8(NETREC_DESCRIPTOR, OFF_NADDRS, 3), NETREC_ERR_LENGTH,
	    "3 announced, 2 there");
	tap_is_int(try8(NETREC_DESCRIPTOR, OFF_NADDRS, 1), NETREC_ERR_LENGTH,
	    "1 announced, 2 there");
	tap_is_int(try8(NETREC_DESCRIPTOR, OFF_ADDR0, 0), NETREC_ERR_FORMAT,
	    "family 0");
	tap_is_int(try8(NETREC_DESCRIPTOR, OFF_ADDR1, 5), NETREC_ERR_FORMAT,
	    "family 5");
	tap_is_int(try8(NETREC_DESCRIPTOR, OFF_ADDR0, 2), NETREC_ERR_FORMAT,
	    "family 2 (AF_INET)");
	tap_is_int(try32(NETREC_DESCRIPTOR, OFF_ADDR0 + 1, 0),
	    NETREC_ERR_FORMAT, "0.0.0.0");
	tap_is_int(try32(NETREC_DESCRIPTOR, OFF_ADDR0 + 1, 0x00000001),
	    NETREC_OK, "0.0.0.1 is not unspecified");
	tap_is_int(try32(NETREC_DESCRIPTOR, OFF_ADDR0 + 5, 0), NETREC_OK,
	    "IPv4 with only a TLS port");
	tap_is_int(try32(NETREC_DESCRIPTOR, OFF_ADDR0 + 7, 0x00010000),
	    NETREC_OK, "IPv4 with UDP and TCP but no TLS port");

	len = load(NETREC_DESCRIPTOR, b);
	memset(b + OFF_ADDR0 + 5, 0, 6);
	resign(b, len, NODE);
	tap_is_int(parse_at(b, len, T0), NETREC_ERR_FORMAT,
	    "IPv4 with no port");

	len = load(NETREC_DESCRIPTOR, b);
	memset(b + OFF_ADDR1 + 1, 0, 16);
	resign(b, len, NODE);
	tap_is_int(parse_at(b, len, T0), NETREC_ERR_FORMAT, "::");
	put32(b + OFF_ADDR1 + 9, 0x0000ffffu);
	put32(b + OFF_ADDR1 + 13, 0xcb007107u);
	resign(b, len, NODE);
	tap_is_int(parse_at(b, len, T0), NETREC_ERR_FORMAT,
	    "::ffff:203.0.113.7 (IPv4-mapped)");
	memset(b + OFF_ADDR1 + 17, 0, 6);
	put32(b + OFF_ADDR1 + 13, 1);
	put32(b + OFF_ADDR1 + 9, 0);
	resign(b, len, NODE);
	tap_is_int(parse_at(b, len, T0), NETREC_ERR_FORMAT, "IPv6, no port");
}

/* Reports and vouches: each cross-field rule, signed. */
static void
test_err_report_vouch(void)
{
	uint8_t b[NETREC_MAX_LEN];
	size_t len;

	tap_is_int(try32(NETREC_REPORT, OFF_PASSED, 121), NETREC_ERR_FORMAT,
	    "passed > sent");
	tap_is_int(try32(NETREC_REPORT, OFF_PASSED, 120), NETREC_OK,
	    "passed = sent");
	tap_is_int(try32(NETREC_REPORT, OFF_LOSS, NETREC_PPM + 1),
	    NETREC_ERR_FORMAT, "loss over 10^6 ppm");
	tap_is_int(try32(NETREC_REPORT, OFF_LOSS, NETREC_PPM), NETREC_OK,
	    "loss 10^6 ppm");

	len = load(NETREC_REPORT, b);
	put64(b + OFF_WEND, T0 - HOUR);		/* = start */
	resign(b, len, VERIFIER);
	tap_is_int(parse_at(b, len, T0), NETREC_ERR_FORMAT, "empty window");
	put64(b + OFF_WEND, T0 - HOUR - 1);
	resign(b, len, VERIFIER);
	tap_is_int(parse_at(b, len, T0), NETREC_ERR_FORMAT, "window ends "
	    "before it starts");
	put64(b + OFF_WSTART, T0 - DAY - 1);
	put64(b + OFF_WEND, T0);
	resign(b, len, VERIFIER);
	tap_is_int(parse_at(b, len, T0), NETREC_ERR_FORMAT, "window of a day "
	    "and a second");
	put64(b + OFF_WSTART, T0 - DAY);
	resign(b, len, VERIFIER);
	tap_is_int(parse_at(b, len, T0), NETREC_OK, "window of a day");
	put64(b + OFF_WSTART, T0 - 10);
	put64(b + OFF_WEND, T0 + 1);
	resign(b, len, VERIFIER);
	tap_is_int(parse_at(b, len, T0), NETREC_ERR_FORMAT,
	    "window ending after issued");
	len = load(NETREC_REPORT, b);
	memcpy(b + OFF_SUBJECT, pubs[VERIFIER], 32);
	resign(b, len, VERIFIER);
	tap_is_int(parse_at(b, len, T0), NETREC_ERR_FORMAT,
	    "report about the verifier itself");

	tap_is_int(try32(NETREC_VOUCH, OFF_STAKE, 0), NETREC_ERR_FORMAT,
	    "stake 0");
	len = load(NETREC_VOUCH, b);
	memcpy(b + OFF_SUBJECT, pubs[VOUCHER], 32);
	resign(b, len, VOUCHER);
	tap_is_int(parse_at(b, len, T0), NETREC_ERR_FORMAT,
	    "vouch for oneself");
}

/* Rooms: members and locator, signed. */
static void
test_err_room(void)
{
	uint8_t b[NETREC_MAX_LEN];
	size_t len;

	tap_is_int(try32(NETREC_ROOM, OFF_MEMBERS, 0), NETREC_ERR_FORMAT,
	    "0 members");
	tap_is_int(try32(NETREC_ROOM, OFF_MEMBERS, 1), NETREC_OK,
	    "1 member");
	tap_is_int(try32(NETREC_ROOM, OFF_MEMBERS, 0xffffffffu), NETREC_OK,
	    "2^32 - 1 members");
	len = load(NETREC_ROOM, b);
	memset(b + OFF_LOCATOR, 0, 32);
	resign(b, len, NODE);
	tap_is_int(parse_at(b, len, T0), NETREC_ERR_FORMAT,
	    "all-zero locator");
	b[OFF_LOCATOR] = 0x80;
	resign(b, len, NODE);
	tap_is_int(parse_at(b, len, T0), NETREC_OK, "locator 80 00..00");
	b[OFF_LOCATOR] = 0;
	b[OFF_LOCATOR + 31] = 1;
	resign(b, len, NODE);
	tap_is_int(parse_at(b, len, T0), NETREC_OK, "locator 00..00 01");
	len = load(NETREC_ROOM, b);
	memset(b + OFF_LOCATOR, 0, 36);
	resign(b, len, NODE);
	tap_is_int(parse_at(b, len, T0), NETREC_ERR_FORMAT,
	    "zero locator and 0 members");
}

/* Signature and binding. */
static void
test_err_keys(void)
{
	uint8_t b[NETREC_MAX_LEN];
	size_t len;

	len = load(NETREC_VOUCH, b);
	b[len - 1] ^= 1;
	tap_is_int(parse_at(b, len, T0), NETREC_ERR_SIGNATURE,
	    "flipped signature bit");
	len = load(NETREC_ROOM, b);
	b[len - 64] ^= 0x40;
	tap_is_int(parse_at(b, len, T0), NETREC_ERR_SIGNATURE,
	    "room: flipped signature bit");
	len = load(NETREC_ROOM, b);
	put32(b + OFF_MEMBERS, 4);
	tap_is_int(parse_at(b, len, T0), NETREC_ERR_SIGNATURE,
	    "room: members changed, not re-signed");
	resign(b, len, OTHER);
	tap_is_int(parse_at(b, len, T0), NETREC_ERR_SIGNATURE,
	    "room: signed by another node than the signer field");
	memcpy(b + OFF_SIGNER, pubs[OTHER], 32);
	resign(b, len, OTHER);
	tap_is_int(parse_at(b, len, T0), NETREC_OK,
	    "room: the other node hosting it, its own signature");
	len = load(NETREC_REPORT, b);
	memcpy(b + OFF_SIGNER, pubs[OTHER], 32);
	tap_is_int(parse_at(b, len, T0), NETREC_ERR_SIGNATURE,
	    "another verifier claimed");
	len = load(NETREC_DESCRIPTOR, b);
	resign(b, len, OTHER);
	tap_is_int(parse_at(b, len, T0), NETREC_ERR_SIGNATURE,
	    "signed by the wrong key");
	memset(b + OFF_SIGNER, 0, 32);
	tap_is_int(parse_at(b, len, T0), NETREC_ERR_SIGNATURE,
	    "all-zero signer");

	/* The other node's Noise key and binding under the node's ID. */
	len = load(NETREC_DESCRIPTOR, b);
	memcpy(b + OFF_NOISE, id_other.x_pub, 32);
	memcpy(b + OFF_BINDING, id_other.binding, 64);
	resign(b, len, NODE);
	tap_is_int(parse_at(b, len, T0), NETREC_ERR_BINDING,
	    "binding by another key");
	len = load(NETREC_DESCRIPTOR, b);
	memcpy(b + OFF_NOISE, id_other.x_pub, 32);
	resign(b, len, NODE);
	tap_is_int(parse_at(b, len, T0), NETREC_ERR_BINDING,
	    "binding over another Noise key");
}

/* Network and time, each at its boundary. */
static void
test_err_network_time(void)
{
	uint8_t b[NETREC_MAX_LEN], out[NETREC_MAX_LEN];
	struct netrec r;
	size_t len, k;
	int ok = 1;

	len = load(NETREC_VOUCH, b);
	tap_is_int(netrec_parse(b, len, T0, other_net, &r), NETREC_ERR_NETWORK,
	    "parsed for another network");
	make_vouch(&r);
	memcpy(r.network_id, other_net, 8);
	tap_ok(encode(&r, out, &len) == 0 &&
	    parse_at(out, len, T0) == NETREC_ERR_NETWORK &&
	    netrec_parse(out, len, T0, other_net, &r) == NETREC_OK,
	    "a test network's vouch: its network only");

	for (k = NETREC_DESCRIPTOR; k <= NETREC_ROOM; k++) {
		uint64_t exp = k == NETREC_DESCRIPTOR || k == NETREC_ROOM ?
		    T0 + HOUR : T0 + DAY;

		len = load((uint8_t)k, b);
		ok &= parse_at(b, len, exp - 1) == NETREC_OK;
		ok &= parse_at(b, len, exp) == NETREC_ERR_EXPIRED;
		ok &= parse_at(b, len, exp + 1) == NETREC_ERR_EXPIRED;
		ok &= parse_at(b, len, UINT64_MAX) == NETREC_ERR_EXPIRED;
		ok &= parse_at(b, len, T0 - NETREC_MAX_SKEW) == NETREC_OK;
		ok &= parse_at(b, len, T0 - NETREC_MAX_SKEW - 1) ==
		    NETREC_ERR_FUTURE;
		ok &= parse_at(b, len, 0) == NETREC_ERR_FUTURE;
	}
	tap_ok(ok, "each of 4 kinds: valid until expires - 1, expired at "
	    "expires, issued 300 s ahead accepted, 301 refused");
	len = load(NETREC_ROOM, b);
	tap_is_int(netrec_parse(b, len, T0, other_net, &r), NETREC_ERR_NETWORK,
	    "room parsed for another network");
	len = load(NETREC_ROOM, b);
	put64(b + OFF_EXPIRES, T0 + DAY + 1);
	resign(b, len, NODE);
	tap_is_int(parse_at(b, len, T0), NETREC_ERR_LIFETIME,
	    "room for a day and a second");

	/* Lifetimes the encoder would never sign, signed by hand. */
	len = load(NETREC_DESCRIPTOR, b);
	put64(b + OFF_EXPIRES, T0 + DAY + 1);
	resign(b, len, NODE);
	tap_is_int(parse_at(b, len, T0), NETREC_ERR_LIFETIME,
	    "lifetime of a day and a second");
	put64(b + OFF_EXPIRES, T0 + DAY);
	resign(b, len, NODE);
	tap_is_int(parse_at(b, len, T0), NETREC_OK, "lifetime of a day");
	put64(b + OFF_ISSUED, T0 + 100);
	put64(b + OFF_EXPIRES, T0 + 50);
	resign(b, len, NODE);
	tap_is_int(parse_at(b, len, T0), NETREC_ERR_LIFETIME,
	    "expires before issued");
	put64(b + OFF_EXPIRES, T0 + 100);
	resign(b, len, NODE);
	tap_is_int(parse_at(b, len, T0), NETREC_ERR_LIFETIME,
	    "expires as issued");
	put64(b + OFF_ISSUED, UINT64_MAX);
	put64(b + OFF_EXPIRES, UINT64_MAX);
	resign(b, len, NODE);
	tap_is_int(parse_at(b, len, UINT64_MAX - 1), NETREC_ERR_LIFETIME,
	    "issued = expires = 2^64 - 1");
	tap_is_int(parse_at(b, len, 0), NETREC_ERR_FUTURE,
	    "the same at 0: future first");
}

/* When several things are wrong, the first in the order is reported. */
static void
test_err_order(void)
{
	uint8_t b[NETREC_MAX_LEN];
	struct netrec r;
	size_t len;

	len = load(NETREC_DESCRIPTOR, b);
	b[0] = 'X';
	b[OFF_VERSION] = 9;
	tap_is_int(parse_at(b, len, T0), NETREC_ERR_MAGIC, "magic before "
	    "version");
	tap_is_int(parse_at(b, NETREC_MIN_LEN - 1, T0), NETREC_ERR_LENGTH,
	    "length before magic");
	len = load(NETREC_DESCRIPTOR, b);
	b[OFF_VERSION] = 9;
	b[OFF_KIND] = 9;
	tap_is_int(parse_at(b, len, T0), NETREC_ERR_VERSION, "version before "
	    "kind");
	len = load(NETREC_REPORT, b);
	b[OFF_RESERVED] = 1;
	tap_is_int(parse_at(b, len - 1, T0), NETREC_ERR_LENGTH, "fixed length "
	    "before reserved");
	tap_is_int(parse_at(b, len, T0), NETREC_ERR_FORMAT, "reserved before "
	    "signature");
	len = load(NETREC_VOUCH, b);
	b[OFF_RESERVED + 1] = 1;
	tap_is_int(parse_at(b, len + 1, T0), NETREC_ERR_LENGTH, "a vouch's "
	    "length too");
	len = load(NETREC_DESCRIPTOR, b);
	put32(b + OFF_X, 0x7fc00000u);
	tap_is_int(parse_at(b, len - 5, T0), NETREC_ERR_FORMAT, "a bad float "
	    "before a short address list");
	tap_is_int(parse_at(b, len, T0), NETREC_ERR_FORMAT, "FORMAT before "
	    "the signature it breaks");
	len = load(NETREC_ROOM, b);
	put32(b + OFF_MEMBERS, 0);
	tap_is_int(parse_at(b, len, T0), NETREC_ERR_FORMAT, "a room's 0 "
	    "members before its broken signature");
	b[OFF_RESERVED] = 1;
	tap_is_int(parse_at(b, len, T0), NETREC_ERR_FORMAT, "and with "
	    "reserved bits too");
	memmove(b + len - 63, b + len - 64, 64);
	tap_is_int(parse_at(b, len + 1, T0), NETREC_ERR_LENGTH, "a room's "
	    "length before its reserved bytes and members");
	b[OFF_KIND] = 5;
	tap_is_int(parse_at(b, len + 1, T0), NETREC_ERR_KIND, "kind 5 "
	    "before the length");
	len = load(NETREC_DESCRIPTOR, b);
	memcpy(b + OFF_NOISE, id_other.x_pub, 32);
	tap_is_int(netrec_parse(b, len, UINT64_MAX, other_net, &r),
	    NETREC_ERR_SIGNATURE, "signature before binding, network, time");
	resign(b, len, NODE);
	tap_is_int(netrec_parse(b, len, UINT64_MAX, other_net, &r),
	    NETREC_ERR_BINDING, "binding before network and time");
	len = load(NETREC_DESCRIPTOR, b);
	tap_is_int(netrec_parse(b, len, UINT64_MAX, other_net, &r),
	    NETREC_ERR_NETWORK, "network before expiry");
	put64(b + OFF_ISSUED, T0 + HOUR);
	put64(b + OFF_EXPIRES, T0 + 2 * DAY);
	resign(b, len, NODE);
	tap_is_int(parse_at(b, len, T0 + 2 * DAY), NETREC_ERR_EXPIRED,
	    "expiry before lifetime");
	tap_is_int(parse_at(b, len, T0), NETREC_ERR_FUTURE, "skew before "
	    "lifetime");
	tap_is_int(parse_at(b, len, T0 + HOUR), NETREC_ERR_LIFETIME,
	    "then lifetime");
}

/* The struct is zeroed whenever parsing fails. */
static void
test_err_wipes(void)
{
	uint8_t b[NETREC_MAX_LEN];
	struct netrec r;
	size_t len = load(NETREC_DESCRIPTOR, b);

	memset(&r, 0xa5, sizeof(r));
	tap_is_int(netrec_parse(b, len, T0 + HOUR, net, &r),
	    NETREC_ERR_EXPIRED, "expired descriptor");
	tap_ok(tap_is_zero(&r, sizeof(r)), "its struct is zeroed");
	memset(&r, 0xa5, sizeof(r));
	b[len - 1] ^= 0x80;
	tap_ok(netrec_parse(b, len, T0, net, &r) == NETREC_ERR_SIGNATURE &&
	    tap_is_zero(&r, sizeof(r)), "zeroed after a bad signature too");
}

/* encode() refuses r, leaving sig, out and *len zero. */
static int
refused(struct netrec *r)
{
	uint8_t out[NETREC_MAX_LEN];
	size_t len = 99;

	memset(out, 0xa5, sizeof(out));
	memset(r->sig, 0xa5, sizeof(r->sig));
	return encode(r, out, &len) == -1 && len == 0 &&
	    tap_is_zero(out, sizeof(out)) && tap_is_zero(r->sig, 64);
}

/* Descriptor fields the encoder refuses to sign. */
static void
test_encode_refuses_desc(void)
{
	struct netrec r;
	struct netrec_descriptor *d = &r.u.desc;

	make_desc(&r);
	r.kind = 0;
	tap_ok(refused(&r), "kind 0");
	make_desc(&r);
	r.kind = 5;
	tap_ok(refused(&r), "kind 5");
	make_desc(&r);
	r.kind = 255;
	tap_ok(refused(&r), "kind 255");
	make_desc(&r);
	d->software[0] = '\0';
	tap_ok(refused(&r), "empty software");
	make_desc(&r);
	memset(d->software, 'a', sizeof(d->software));
	tap_ok(refused(&r), "software without a NUL in 33 bytes");
	make_desc(&r);
	d->software[2] = '\n';
	tap_ok(refused(&r), "newline in software");
	make_desc(&r);
	memset(d->region, 'a', sizeof(d->region));
	tap_ok(refused(&r), "region of 17");
	make_desc(&r);
	d->region[1] = (char)0xc3;
	tap_ok(refused(&r), "non-ASCII region");
	make_desc(&r);
	d->naddrs = 0;
	tap_ok(refused(&r), "no address");
	make_desc(&r);
	d->naddrs = NETREC_MAX_ADDRS + 1;
	tap_ok(refused(&r), "5 addresses");
	make_desc(&r);
	d->addrs[1].family = 10;
	tap_ok(refused(&r), "family 10 (AF_INET6 on Linux)");
	make_desc(&r);
	memset(d->addrs[0].addr, 0, 4);
	tap_ok(refused(&r), "0.0.0.0");
	make_desc(&r);
	d->addrs[0].udp_port = d->addrs[0].tcp_port =
	    d->addrs[0].tls_port = 0;
	tap_ok(refused(&r), "no port");
	make_desc(&r);
	make_addr(&d->addrs[1], 6, "00000000000000000000ffff7f000001", 1, 0,
	    0);
	tap_ok(refused(&r), "::ffff:127.0.0.1");
	make_desc(&r);
	d->x = NAN;
	tap_ok(refused(&r), "x NaN");
	make_desc(&r);
	d->y = -INFINITY;
	tap_ok(refused(&r), "y -inf");
	make_desc(&r);
	d->height = -0.5f;
	tap_ok(refused(&r), "negative height");
	make_desc(&r);
	d->error = 10.5f;
	tap_ok(refused(&r), "error 10.5");
	make_desc(&r);
	d->x = 10001.0f;
	tap_ok(refused(&r), "x 10001");
	make_desc(&r);
	memcpy(d->noise_key, id_other.x_pub, 32);
	memcpy(d->binding, id_other.binding, 64);
	tap_ok(refused(&r), "another identity's Noise key");
}

/* Lifetimes, reports and vouches the encoder refuses. */
static void
test_encode_refuses_other(void)
{
	struct netrec r;
	uint8_t out[NETREC_MAX_LEN];
	size_t len;

	make_vouch(&r);
	r.expires = r.issued;
	tap_ok(refused(&r), "lifetime 0");
	make_vouch(&r);
	r.expires = r.issued - 1;
	tap_ok(refused(&r), "negative lifetime");
	make_vouch(&r);
	r.expires = r.issued + DAY + 1;
	tap_ok(refused(&r), "lifetime over a day");
	make_vouch(&r);
	r.issued = UINT64_MAX - 1;
	r.expires = UINT64_MAX;
	tap_ok(encode(&r, out, &len) == 0, "lifetime 1 at the end of time");
	make_vouch(&r);
	r.u.vouch.stake = 0;
	tap_ok(refused(&r), "stake 0");
	make_vouch(&r);
	memcpy(r.u.vouch.vouchee, pubs[VOUCHER], 32);
	tap_ok(refused(&r), "vouching for oneself");
	make_report(&r);
	r.u.report.passed = 121;
	tap_ok(refused(&r), "passed > sent");
	make_report(&r);
	r.u.report.loss_ppm = NETREC_PPM + 1;
	tap_ok(refused(&r), "loss over 10^6");
	make_report(&r);
	r.u.report.window_end = r.u.report.window_start;
	tap_ok(refused(&r), "empty window");
	make_report(&r);
	r.u.report.window_start = T0 - DAY - 1;
	r.u.report.window_end = T0;
	tap_ok(refused(&r), "window over a day");
	make_report(&r);
	r.u.report.window_end = T0 + 1;
	tap_ok(refused(&r), "window ends after issued");
	make_report(&r);
	memcpy(r.u.report.subject, pubs[VERIFIER], 32);
	tap_ok(refused(&r), "report about oneself");
}

/* Rooms the encoder refuses, and the same struct once fixed. */
static void
test_encode_refuses_room(void)
{
	uint8_t out[NETREC_MAX_LEN];
	struct netrec r;
	size_t len;

	make_room(&r);
	r.u.room.members = 0;
	tap_ok(refused(&r), "room with 0 members");
	make_room(&r);
	memset(r.u.room.locator, 0, 32);
	tap_ok(refused(&r), "room with an all-zero locator");
	make_room(&r);
	r.expires = r.issued;
	tap_ok(refused(&r), "room with lifetime 0");
	make_room(&r);
	r.expires = r.issued + DAY + 1;
	tap_ok(refused(&r), "room for over a day");
	make_room(&r);
	r.u.room.members = 0;
	memset(out, 0xa5, sizeof(out));
	len = 7;
	tap_ok(netrec_write(&r, out, &len) == -1 && len == 0 &&
	    tap_is_zero(out, sizeof(out)), "write refuses 0 members");
	r.u.room.members = 1;
	tap_ok(encode(&r, out, &len) == 0 && len == NETREC_ROOM_LEN &&
	    parse_at(out, len, T0) == NETREC_OK, "with 1 member: signed");
}

/* -0 is written as +0; netrec_write() refuses what parse would. */
static void
test_canonical(void)
{
	uint8_t out[NETREC_MAX_LEN];
	struct netrec r, got;
	size_t len;

	make_desc(&r);
	r.u.desc.x = -0.0f;
	r.u.desc.height = -0.0f;
	tap_ok(encode(&r, out, &len) == 0 && out[OFF_X] == 0 &&
	    out[OFF_HEIGHT] == 0 && netrec_parse(out, len, T0, net,
	    &got) == NETREC_OK && !signbit(got.u.desc.x) &&
	    !signbit(got.u.desc.height), "-0 coordinates written as +0");
	make_desc(&r);
	memset(r.u.desc.addrs[0].addr + 4, 0xee, 12);
	tap_ok(encode(&r, out, &len) == 0 && len == KAT_DESC_LEN &&
	    netrec_parse(out, len, T0, net, &got) == NETREC_OK &&
	    tap_is_zero(got.u.desc.addrs[0].addr + 4, 12),
	    "only 4 bytes of an IPv4 address are written");
	make_desc(&r);
	r.u.desc.naddrs = 7;
	len = 5;
	memset(out, 0xa5, sizeof(out));
	tap_ok(netrec_write(&r, out, &len) == -1 && len == 0 &&
	    tap_is_zero(out, sizeof(out)), "write refuses 7 addresses");
	make_report(&r);
	r.expires = r.issued;
	tap_ok(netrec_write(&r, out, &len) == -1,
	    "write refuses a zero lifetime");
	make_vouch(&r);
	memset(r.sig, 0x5a, 64);
	tap_ok(netrec_write(&r, out, &len) == 0 && len == NETREC_VOUCH_LEN &&
	    memcmp(out + len - 64, r.sig, 64) == 0 &&
	    parse_at(out, len, T0) == NETREC_ERR_SIGNATURE,
	    "write does not sign: the held signature is written");
}

/* No single flipped bit of any vector is accepted. */
static void
test_bit_flips(void)
{
	uint8_t good[NETREC_MAX_LEN], bad[NETREC_MAX_LEN];
	size_t k, i, bit, len, passed = 0, tried = 0;

	for (k = NETREC_DESCRIPTOR; k <= NETREC_ROOM; k++) {
		len = load((uint8_t)k, good);
		for (i = 0; i < len; i++) {
			for (bit = 0; bit < 8; bit++) {
				memcpy(bad, good, len);
				bad[i] ^= (uint8_t)(1u << bit);
				if (parse_at(bad, len, T0) == NETREC_OK)
					passed++;
				tried++;
			}
		}
	}
	tap_is_int((long long)tried, (KAT_DESC_LEN + NETREC_REPORT_LEN +
	    NETREC_VOUCH_LEN + NETREC_ROOM_LEN) * 8,
	    "every bit of the four vectors flipped");
	tap_is_int((long long)passed, 0, "no flip accepted");
}

/* A text for every error, "unknown error" past the end. */
static void
test_strerror(void)
{
	int e, j, distinct = 1;

	for (e = NETREC_OK; e <= NETREC_ERR_LIFETIME; e++)
		for (j = NETREC_OK; j < e; j++)
			if (strcmp(netrec_strerror((enum netrec_error)e),
			    netrec_strerror((enum netrec_error)j)) == 0)
				distinct = 0;
	tap_ok(distinct, "every error has its own text");
	tap_is_str(netrec_strerror(NETREC_ERR_FUTURE),
	    "network record issued in the future", "future text");
	tap_is_str(netrec_strerror((enum netrec_error)99), "unknown error",
	    "out of range");
}

int
main(void)
{
	setup();
	test_ids();
	test_locator();
	test_kat();
	test_layout();
	test_desc_boundaries();
	test_other_boundaries();
	test_random_round_trips();
	test_err_length();
	test_err_header();
	test_err_floats();
	test_err_strings();
	test_err_empty_software();
	test_err_addrs();
	test_err_report_vouch();
	test_err_room();
	test_err_keys();
	test_err_network_time();
	test_err_order();
	test_err_wipes();
	test_encode_refuses_desc();
	test_encode_refuses_other();
	test_encode_refuses_room();
	test_canonical();
	test_bit_flips();
	test_strerror();
	identity_wipe(&id_node);
	identity_wipe(&id_other);
	return tap_done();
}

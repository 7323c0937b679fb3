/*
 * test_blocklist.c - shared blocklists: a known-answer record, seal and
 * open round trips (0, 1 and 256 IDs; 1 and 16 recipients; every
 * recipient opens, others and an unlisted issuer cannot), IDs and
 * recipients normalised, the byte layout, seal's refusals, every length,
 * version and recipient-count error, every flipped bit refused with the
 * right error, records re-signed after tampering (bad binding, another
 * signer, a claimed issuer, wraps out of order, content altered,
 * unsorted, duplicated or miscounted), and ids wiped on every error.
 *
 * The known answer was computed independently with Python 3's hmac and
 * hashlib (RFC 5869 HKDF written out) and the "cryptography" package
 * (Ed25519, X25519, ChaCha20Poly1305), not with this code.  Seeds: byte i
 * of seed t is t + 3i (mod 256).
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "chorus/blocklist.h"
#include "chorus/crypto.h"
#include "chorus/identity.h"
#include "../tap.h"

/* Offsets of the fields (doc/PROTOCOL.md "Shared blocklists"). */
#define OFF_ISSUED	1
#define OFF_ISSUER	9
#define OFF_X		41
#define OFF_BINDING	73
#define OFF_E		137
#define OFF_R		169
#define OFF_WRAPS	170

#define T0		UINT64_C(1700000000)
#define LABEL_LEN	(sizeof(BLOCKLIST_LABEL) - 1)
#define IDS_LEN		(BLOCKLIST_MAX_IDS * BLOCKLIST_ID_LEN)
#define NRID		BLOCKLIST_MAX_RECIPIENTS

/*
 * Issuer A (Ed25519 seed 0x11, X25519 seed 0x41) seals, at T0, with e
 * seed 0x91 and content key seed 0xa1, to recipients C, B, C (B: 0x21 and
 * 0x51, C: 0x31 and 0x61) the IDs seed 0xc0, 0x05, 0xc0, 0x70.
 */
static const char *kat_record =
    "01000000006553f1004ea4f7395442abeedd5810b340ab5e42a26085694b5861"
    "543cdbc12caf4ae254a86e72027774ae65d9a016346883dda7f227c8c7077ca4"
    "b91f9860ec57af2c53bc599b320e815310b00c84a7988574a53d95de5900044d"
    "5d6632dbc680fd2aa7b285861669150bdd9cef73168949e584a56b61f4332a30"
    "838f22d2fd09d8f80371b6e5d34f19bc94fc42df325f623b2d13ce6802ed43e9"
    "9f13b7b5969aa0ec4a020e98777dfb1733f74434fe45ac6d736302afcb3ecdaa"
    "8476dc70b72132638f8216a5ad7ce9e239c03f0e3cfe763587692a02ff8c7d92"
    "cf456d09043a583e1bc2c804375d8d86739e7207929d0e007742dcf57ac1dbe2"
    "a33a931162aa601fcf00ebb5955872f9057ba931c7e750f768c79151d7e146f4"
    "68461a22e1cd19bd19a79e02a728ec8e8a91a1fbad424a188196e39fcb6fec41"
    "d92f09c2ca53885d791183faa6af423c4c0f3a3082b08c8b65d170f41cd4a076"
    "990ea0fe5ee79aeccf198eb2c66db4e03279ded6bf51a6eee5c5627591d945e5"
    "3446cac3bebc418b23bc7caa0cc9ba390476cfca97ccfad2d5d154c3f5e576ac"
    "d05ec05f9fbd59b3a03627b0d987c7175d43705a1b3719f5406f860f";
static const char *kat_a_id =
    "4ea4f7395442abeedd5810b340ab5e42a26085694b5861543cdbc12caf4ae254";
static const char *kat_a_x =
    "a86e72027774ae65d9a016346883dda7f227c8c7077ca4b91f9860ec57af2c53";

static struct identity id_a, id_b, id_c, id_m, id_r[NRID];
static uint8_t e_priv[CRYPTO_X25519_LEN], ckey[CRYPTO_AEAD_KEY_LEN];
static uint8_t rec[BLOCKLIST_MAX_LEN + 64], rec2[BLOCKLIST_MAX_LEN + 64];
static uint8_t ids_in[IDS_LEN * 2], ids_out[IDS_LEN], ids_want[IDS_LEN];

/* tap_is_int with a formatted name. */
static int __attribute__((format(printf, 3, 4)))
is_int(long long got, long long want, const char *fmt, ...)
{
	char name[128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	return tap_is_int(got, want, name);
}

/* Byte i of the seed is t + 3i. */
static void
make_seed(unsigned t, uint8_t out[32])
{
	size_t i;

	for (i = 0; i < 32; i++)
		out[i] = (uint8_t)(t + 3 * i);
}

/* The identity of Ed25519 seed ed and X25519 seed x. */
static void
make_identity(struct identity *id, unsigned ed, unsigned x)
{
	uint8_t s1[32], s2[32];

	make_seed(ed, s1);
	make_seed(x, s2);
	if (identity_from_secrets(id, s1, s2) == -1)
		tap_ok(0, "identity_from_secrets");
}

static void
setup(void)
{
	size_t i;

	make_identity(&id_a, 0x11, 0x41);
	make_identity(&id_b, 0x21, 0x51);
	make_identity(&id_c, 0x31, 0x61);
	make_identity(&id_m, 0x71, 0x75);
	for (i = 0; i < NRID; i++)
		make_identity(&id_r[i], 0xe0 + i, 0xd0 + i);
	make_seed(0x91, e_priv);
	make_seed(0xa1, ckey);
}

/* Seal as A at T0 with the fixed e and content key; the length or 0. */
static size_t
seal(const uint8_t *recips, size_t r, const uint8_t *ids, size_t n,
    uint8_t *out)
{
	size_t len = 99;

	if (blocklist_seal(&id_a, T0, e_priv, ckey, recips, r, ids, n, out,
	    BLOCKLIST_MAX_LEN, &len) == -1)
		return 0;
	return len;
}

/* Sign rec[0 .. len - 64) again with the Ed25519 seed of tag t. */
static void
resign(uint8_t *r, size_t len, unsigned t)
{
	uint8_t seed[32], msg[LABEL_LEN + BLOCKLIST_MAX_LEN];

	make_seed(t, seed);
	memcpy(msg, BLOCKLIST_LABEL, LABEL_LEN);
	memcpy(msg + LABEL_LEN, r, len - 64);
	if (crypto_ed25519_sign(seed, msg, LABEL_LEN + len - 64,
	    r + len - 64) == -1)
		tap_ok(0, "resign");
}

/*
 * Replace the content with pt (ptlen bytes) encrypted under key, as the
 * issuer A would, and sign again; the new length.
 */
static size_t
recontent(uint8_t *r, const uint8_t key[32], const uint8_t *pt,
    size_t ptlen)
{
	size_t head = OFF_WRAPS + (size_t)r[OFF_R] * BLOCKLIST_WRAP_LEN;
	size_t len = head + ptlen + CRYPTO_AEAD_TAG_LEN + 64;

	if (crypto_aead_seal(key, 0, r, head, pt, ptlen, r + head) == -1)
		tap_ok(0, "recontent");
	resign(r, len, 0x11);
	return len;
}

/* The n16 || IDs plaintext of the given seeds. */
static size_t
make_pt(uint8_t *pt, uint16_t count, const unsigned *seeds, size_t n)
{
	size_t i;

	pt[0] = (uint8_t)(count >> 8);
	pt[1] = (uint8_t)count;
	for (i = 0; i < n; i++)
		make_seed(seeds[i], pt + 2 + 32 * i);
	return 2 + 32 * n;
}

/* The KAT's inputs: recipients C, B, C and IDs 0xc0, 0x05, 0xc0, 0x70. */
static size_t
seal_kat(uint8_t *out)
{
	uint8_t recips[3 * 32], ids[4 * 32];
	static const unsigned seeds[] = { 0xc0, 0x05, 0xc0, 0x70 };
	size_t i;

	memcpy(recips, id_c.x_pub, 32);
	memcpy(recips + 32, id_b.x_pub, 32);
	memcpy(recips + 64, id_c.x_pub, 32);
	for (i = 0; i < 4; i++)
		make_seed(seeds[i], ids + 32 * i);
	return seal(recips, 3, ids, 4, out);
}

static void
test_constants(void)
{
	tap_is_int(BLOCKLIST_MIN_LEN, 300, "smallest record");
	tap_is_int(BLOCKLIST_MAX_LEN, 9212, "largest record");
	tap_is_int(BLOCKLIST_LEN(2, 3), 444, "2 recipients, 3 IDs");
	tap_is_int(BLOCKLIST_HEADER_LEN, 170, "header with r");
	tap_is_int(BLOCKLIST_WRAP_LEN, 48, "wrap");
	tap_is_int(LABEL_LEN, 19, "label length");
	tap_is_str(blocklist_strerror(BLOCKLIST_OK), "ok", "strerror ok");
	tap_is_str(blocklist_strerror(BLOCKLIST_ERR_NOT_FOR_ME),
	    "blocklist is not addressed to this identity", "strerror");
	tap_is_str(blocklist_strerror((enum blocklist_error)99),
	    "unknown error", "strerror unknown");
}

/* Each error has its own text. */
static void
test_strerror(void)
{
	int i, j, distinct = 1;

	for (i = BLOCKLIST_OK; i <= BLOCKLIST_ERR_CONTENT; i++)
		for (j = i + 1; j <= BLOCKLIST_ERR_CONTENT; j++)
			if (strcmp(blocklist_strerror(i),
			    blocklist_strerror(j)) == 0 ||
			    strcmp(blocklist_strerror(j), "unknown error") == 0)
				distinct = 0;
	tap_ok(distinct, "every error has its own text");
}

/* The Python vector, and what each party gets from it. */
static void
test_kat(void)
{
	uint8_t want[BLOCKLIST_LEN(2, 3)], x[32];
	static const unsigned sorted[] = { 0x05, 0x70, 0xc0 };
	struct blocklist_info info;
	size_t len, wlen, i;

	wlen = tap_unhex(kat_record, want, sizeof(want));
	len = seal_kat(rec);
	tap_is_int(len, wlen, "KAT length");
	tap_is_mem(rec, want, wlen, "KAT record bytes");
	tap_is_int(blocklist_verify(want, wlen, &info), BLOCKLIST_OK,
	    "KAT verifies");
	tap_unhex(kat_a_id, x, sizeof(x));
	tap_is_mem(info.issuer, x, 32, "KAT issuer ID");
	tap_unhex(kat_a_x, x, sizeof(x));
	tap_is_mem(info.issuer_x, x, 32, "KAT issuer X25519 key");
	tap_is_int(info.issued, T0, "KAT issued");
	tap_is_int(info.nrecipients, 2, "KAT: C listed twice counts once");
	tap_is_int(info.n, 0, "KAT: verify does not say n");
	for (i = 0; i < 3; i++)
		make_seed(sorted[i], ids_want + 32 * i);
	tap_is_int(blocklist_open(want, wlen, &id_b, ids_out, &info),
	    BLOCKLIST_OK, "B opens the KAT");
	tap_is_int(info.n, 3, "three distinct IDs");
	tap_is_mem(ids_out, ids_want, 3 * 32, "B reads them sorted");
	tap_ok(tap_is_zero(ids_out + 3 * 32, IDS_LEN - 3 * 32),
	    "the rest of ids is zero");
	tap_is_int(blocklist_open(want, wlen, &id_c, ids_out, &info),
	    BLOCKLIST_OK, "C opens the KAT");
	tap_is_mem(ids_out, ids_want, 3 * 32, "C reads the same");
	tap_is_int(blocklist_open(want, wlen, &id_a, ids_out, &info),
	    BLOCKLIST_ERR_NOT_FOR_ME, "A did not list itself");
	tap_is_int(blocklist_open(want, wlen, &id_m, ids_out, &info),
	    BLOCKLIST_ERR_NOT_FOR_ME, "M is not a recipient");
}

/*
 * n distinct IDs in a scrambled order: ID i starts with (167 i) mod 256,
 * so the sorted list has at place j the ID that starts with j.
 */
static void
make_ids(size_t n, uint8_t *ids, uint8_t *want)
{
	static uint8_t byfirst[256 * 32];
	int present[256];
	size_t i, k;

	memset(present, 0, sizeof(present));
	memset(want, 0, IDS_LEN);
	for (i = 0; i < n; i++) {
		make_seed(0x40 + i, ids + 32 * i);
		ids[32 * i] = (uint8_t)(167 * i);
		memcpy(byfirst + 32 * ids[32 * i], ids + 32 * i, 32);
		present[ids[32 * i]] = 1;
	}
	for (i = 0, k = 0; i < 256; i++)
		if (present[i])
			memcpy(want + 32 * k++, byfirst + 32 * i, 32);
}

/* r recipients id_r[0..r), n IDs: each recipient opens, others do not. */
static void
roundtrip(size_t r, size_t n)
{
	uint8_t recips[NRID * 32];
	struct blocklist_info info;
	size_t len, i;
	int opened = 0, same = 0, counted = 0;

	for (i = 0; i < r; i++)
		memcpy(recips + 32 * i, id_r[i].x_pub, 32);
	make_ids(n, ids_in, ids_want);
	len = seal(recips, r, ids_in, n, rec);
	is_int(len, BLOCKLIST_LEN(r, n), "r %zu n %zu: sealed", r, n);
	is_int(blocklist_verify(rec, len, &info), BLOCKLIST_OK,
	    "r %zu n %zu: verifies", r, n);
	tap_ok(info.nrecipients == r && info.n == 0 && info.issued == T0 &&
	    memcmp(info.issuer, id_a.ed_pub, 32) == 0 &&
	    memcmp(info.issuer_x, id_a.x_pub, 32) == 0,
	    "r %zu n %zu: verify info", r, n);
	for (i = 0; i < r; i++) {
		memset(ids_out, 0xaa, IDS_LEN);
		opened += blocklist_open(rec, len, &id_r[i], ids_out,
		    &info) == BLOCKLIST_OK;
		same += memcmp(ids_out, ids_want, IDS_LEN) == 0;
		counted += info.n == n && info.nrecipients == r;
	}
	is_int(opened, r, "r %zu n %zu: every recipient opens", r, n);
	is_int(same, r, "r %zu n %zu: every one reads the IDs sorted",
	    r, n);
	is_int(counted, r, "r %zu n %zu: open info", r, n);
	memset(ids_out, 0xaa, IDS_LEN);
	is_int(blocklist_open(rec, len, &id_b, ids_out, &info),
	    BLOCKLIST_ERR_NOT_FOR_ME, "r %zu n %zu: B is not a recipient",
	    r, n);
	tap_ok(tap_is_zero(ids_out, IDS_LEN) && info.nrecipients == 0,
	    "r %zu n %zu: ids and info wiped", r, n);
	is_int(blocklist_open(rec, len, &id_a, ids_out, NULL),
	    BLOCKLIST_ERR_NOT_FOR_ME, "r %zu n %zu: nor is the issuer", r, n);
}

static void
test_roundtrips(void)
{
	roundtrip(1, 0);
	roundtrip(1, 1);
	roundtrip(1, 256);
	roundtrip(16, 0);
	roundtrip(16, 1);
	roundtrip(16, 256);
	roundtrip(3, 17);
}

/* The issuer reads its own record back only if it listed itself. */
static void
test_self(void)
{
	uint8_t recips[2 * 32];
	size_t len;

	make_ids(5, ids_in, ids_want);
	memcpy(recips, id_b.x_pub, 32);
	memcpy(recips + 32, id_a.x_pub, 32);
	len = seal(recips, 2, ids_in, 5, rec);
	tap_is_int(blocklist_open(rec, len, &id_a, ids_out, NULL),
	    BLOCKLIST_OK, "the issuer listed itself: opens");
	tap_is_mem(ids_out, ids_want, 5 * 32, "and reads its IDs");
	len = seal(recips, 1, ids_in, 5, rec);
	tap_is_int(blocklist_open(rec, len, &id_a, ids_out, NULL),
	    BLOCKLIST_ERR_NOT_FOR_ME, "not listed: cannot");
	tap_is_int(blocklist_open(rec, len, &id_b, ids_out, NULL),
	    BLOCKLIST_OK, "while B can");
}

/* Order and repeats of IDs and recipients do not change the record. */
static void
test_normalise(void)
{
	uint8_t recips[NRID * 32], ids[8 * 32];
	struct blocklist_info info;
	size_t len, len2, i;

	for (i = 0; i < 4; i++)
		make_seed(0x10 * (4 - i), ids + 32 * i);	/* descending */
	memcpy(ids + 4 * 32, ids, 4 * 32);			/* repeated */
	memcpy(recips, id_b.x_pub, 32);
	memcpy(recips + 32, id_c.x_pub, 32);
	len = seal(recips, 2, ids, 8, rec);
	tap_is_int(len, BLOCKLIST_LEN(2, 4), "8 IDs with repeats seal as 4");
	for (i = 0; i < 4; i++)
		make_seed(0x10 * (i + 1), ids_want + 32 * i);
	tap_is_int(blocklist_open(rec, len, &id_c, ids_out, &info),
	    BLOCKLIST_OK, "opens");
	tap_ok(info.n == 4 && memcmp(ids_out, ids_want, 4 * 32) == 0,
	    "the IDs come out sorted, once each");
	len2 = seal(recips, 2, ids_want, 4, rec2);
	tap_ok(len2 == len && memcmp(rec, rec2, len) == 0,
	    "same record as from the sorted IDs");
	memcpy(recips, id_c.x_pub, 32);
	memcpy(recips + 32, id_b.x_pub, 32);
	memcpy(recips + 64, id_b.x_pub, 32);
	len2 = seal(recips, 3, ids_want, 4, rec2);
	tap_ok(len2 == len && memcmp(rec, rec2, len) == 0,
	    "same record whatever the recipients' order and repeats");
	for (i = 0; i < NRID; i++)
		memcpy(recips + 32 * i, id_b.x_pub, 32);
	len = seal(recips, NRID, ids_want, 4, rec);
	tap_ok(len == BLOCKLIST_LEN(1, 4) &&
	    blocklist_verify(rec, len, &info) == BLOCKLIST_OK &&
	    info.nrecipients == 1, "16 times B is one recipient");
}

/* Every field where the layout puts it. */
static void
test_layout(void)
{
	uint8_t x[32], issued[8] = { 0, 0, 0, 0, 0x65, 0x53, 0xf1, 0x00 };
	struct blocklist_info info;
	size_t len, i;
	int ordered = 1;

	len = seal_kat(rec);
	tap_is_int(rec[0], BLOCKLIST_VERSION, "version at 0");
	tap_is_mem(rec + OFF_ISSUED, issued, 8, "issued at 1, big endian");
	tap_is_mem(rec + OFF_ISSUER, id_a.ed_pub, 32, "issuer ID at 9");
	tap_is_mem(rec + OFF_X, id_a.x_pub, 32, "issuer X25519 at 41");
	tap_is_mem(rec + OFF_BINDING, id_a.binding, 64, "binding at 73");
	tap_ok(crypto_x25519_public(e_priv, x) == 0, "e_pub");
	tap_is_mem(rec + OFF_E, x, 32, "e_pub at 137");
	tap_is_int(rec[OFF_R], 2, "r at 169");
	for (i = 1; i < 2; i++)
		if (memcmp(rec + OFF_WRAPS + 48 * (i - 1),
		    rec + OFF_WRAPS + 48 * i, 48) >= 0)
			ordered = 0;
	tap_ok(ordered, "wraps increasing");
	tap_is_int(len - 64 - (OFF_WRAPS + 2 * 48), 2 + 3 * 32 + 16,
	    "content: n, 3 IDs, tag");
	tap_ok(blocklist_verify(rec, len, NULL) == BLOCKLIST_OK,
	    "verify takes a NULL info");
	info.n = 77;
	tap_ok(blocklist_verify(rec, len, &info) == BLOCKLIST_OK &&
	    info.n == 0, "verify sets n to 0");
}

/* seal refuses bad counts, bad keys and short buffers, zeroing out. */
static void
test_seal_errors(void)
{
	uint8_t recips[(NRID + 1) * 32], zero[32];
	size_t i, len;

	memset(zero, 0, sizeof(zero));
	for (i = 0; i <= NRID; i++)
		memcpy(recips + 32 * i, id_b.x_pub, 32);
	make_ids(BLOCKLIST_MAX_IDS, ids_in, ids_want);
	memcpy(ids_in + IDS_LEN, ids_in, 32);
#define SEAL_FAILS(what, rp, r, ids, n, olen) do {			\
	memset(rec, 0xee, sizeof(rec));					\
	len = 99;							\
	tap_ok(blocklist_seal(&id_a, T0, e_priv, ckey, rp, r, ids, n,	\
	    rec, olen, &len) == -1 && len == 0 &&			\
	    tap_is_zero(rec, olen) && rec[olen] == 0xee, what);		\
} while (0)
	SEAL_FAILS("no recipients", recips, 0, ids_in, 1, 300);
	SEAL_FAILS("17 recipients (even if the same)", recips, NRID + 1,
	    ids_in, 1, sizeof(rec) - 1);
	SEAL_FAILS("recipients NULL", NULL, 1, ids_in, 1, 400);
	SEAL_FAILS("257 IDs (even with a repeat)", recips, 1, ids_in,
	    BLOCKLIST_MAX_IDS + 1, sizeof(rec) - 1);
	SEAL_FAILS("ids NULL with n 1", recips, 1, NULL, 1, 400);
	memcpy(recips + 32, zero, 32);
	SEAL_FAILS("a low-order recipient key", recips, 2, ids_in, 1, 400);
	SEAL_FAILS("out one byte short", recips, 1, ids_in, 3,
	    BLOCKLIST_LEN(1, 3) - 1);
	SEAL_FAILS("out 0 bytes", recips, 1, ids_in, 3, 0);
#undef SEAL_FAILS
	tap_ok(blocklist_seal(&id_a, T0, e_priv, ckey, recips, 1, ids_in, 3,
	    rec, BLOCKLIST_LEN(1, 3), &len) == 0 &&
	    len == BLOCKLIST_LEN(1, 3), "out exactly long enough");
	tap_ok(blocklist_seal(&id_a, T0, e_priv, ckey, recips, 1, NULL, 0,
	    rec, BLOCKLIST_MAX_LEN, &len) == 0 && len == BLOCKLIST_MIN_LEN &&
	    blocklist_verify(rec, len, NULL) == BLOCKLIST_OK,
	    "no IDs, ids NULL: the smallest record");
}

/* The error verify gives a prefix of rec (r = 2) of length l. */
static enum blocklist_error
prefix_expect(size_t l)
{
	if (l < BLOCKLIST_MIN_LEN)
		return BLOCKLIST_ERR_LENGTH;
	if (l < BLOCKLIST_LEN(2, 0) || (l - BLOCKLIST_LEN(2, 0)) % 32 != 0)
		return BLOCKLIST_ERR_LENGTH;
	return BLOCKLIST_ERR_SIGNATURE;
}

/* Every length, version and recipient count verify refuses. */
static void
test_verify_layout(void)
{
	struct blocklist_info info;
	size_t len, l;
	int bad = 0, zeroed = 1;

	len = seal_kat(rec);
	tap_is_int(blocklist_verify(rec, 0, &info), BLOCKLIST_ERR_LENGTH,
	    "empty");
	tap_is_int(blocklist_verify(NULL, 0, &info), BLOCKLIST_ERR_LENGTH,
	    "NULL");
	for (l = 1; l < len; l++) {
		memset(&info, 0x55, sizeof(info));
		if (blocklist_verify(rec, l, &info) != prefix_expect(l))
			bad++;
		if (!tap_is_zero(&info, sizeof(info)))
			zeroed = 0;
	}
	tap_is_int(bad, 0, "every prefix: LENGTH, or SIGNATURE if it fits");
	tap_ok(zeroed, "info zeroed on every refusal");
	tap_is_int(blocklist_verify(rec, len - 32, NULL),
	    BLOCKLIST_ERR_SIGNATURE, "32 bytes short fits 2 IDs: signature");
	rec[len] = 0;
	tap_is_int(blocklist_verify(rec, len + 1, NULL), BLOCKLIST_ERR_LENGTH,
	    "a byte more");
	memset(rec + len, 0, 32);
	tap_is_int(blocklist_verify(rec, len + 32, NULL),
	    BLOCKLIST_ERR_SIGNATURE, "32 bytes more fits 4 IDs: signature");

	rec[0] = 0;
	tap_is_int(blocklist_verify(rec, len, NULL), BLOCKLIST_ERR_VERSION,
	    "version 0");
	rec[0] = 2;
	tap_is_int(blocklist_verify(rec, len, NULL), BLOCKLIST_ERR_VERSION,
	    "version 2");
	tap_is_int(blocklist_verify(rec, 1, NULL), BLOCKLIST_ERR_VERSION,
	    "version 2, one byte: the version first");
	tap_is_int(blocklist_verify(rec, BLOCKLIST_MAX_LEN + 1, NULL),
	    BLOCKLIST_ERR_VERSION, "version 2, too long: the version first");
	rec[0] = 1;
	tap_is_int(blocklist_verify(rec, 1, NULL), BLOCKLIST_ERR_LENGTH,
	    "version 1, one byte");
	rec[OFF_R] = 0;
	tap_is_int(blocklist_verify(rec, len, NULL),
	    BLOCKLIST_ERR_RECIPIENTS, "r 0");
	rec[OFF_R] = 17;
	tap_is_int(blocklist_verify(rec, len, NULL),
	    BLOCKLIST_ERR_RECIPIENTS, "r 17");
	rec[OFF_R] = 255;
	tap_is_int(blocklist_verify(rec, len, NULL),
	    BLOCKLIST_ERR_RECIPIENTS, "r 255");
	rec[OFF_R] = 3;
	tap_is_int(blocklist_verify(rec, len, NULL), BLOCKLIST_ERR_LENGTH,
	    "r 3: 48 more bytes do not leave whole IDs");
	rec[OFF_R] = 16;
	tap_is_int(blocklist_verify(rec, len, NULL), BLOCKLIST_ERR_LENGTH,
	    "r 16: longer than the record");
	rec[OFF_R] = 2;
	tap_is_int(blocklist_verify(rec, len, NULL), BLOCKLIST_OK,
	    "put back: verifies");
}

/* The lengths at the edges, on records of other shapes. */
static void
test_verify_edges(void)
{
	memset(rec, 0, sizeof(rec));
	rec[0] = 1;
	rec[OFF_R] = 1;
	tap_is_int(blocklist_verify(rec, BLOCKLIST_MIN_LEN - 1, NULL),
	    BLOCKLIST_ERR_LENGTH, "MIN_LEN - 1");
	tap_is_int(blocklist_verify(rec, BLOCKLIST_MIN_LEN, NULL),
	    BLOCKLIST_ERR_BINDING, "MIN_LEN, r 1: the length passes");
	tap_is_int(blocklist_verify(rec, BLOCKLIST_LEN(1, 256), NULL),
	    BLOCKLIST_ERR_BINDING, "r 1, 256 IDs: the length passes");
	tap_is_int(blocklist_verify(rec, BLOCKLIST_LEN(1, 257), NULL),
	    BLOCKLIST_ERR_LENGTH, "r 1, 257 IDs");
	rec[OFF_R] = 16;
	tap_is_int(blocklist_verify(rec, BLOCKLIST_MAX_LEN, NULL),
	    BLOCKLIST_ERR_BINDING, "MAX_LEN, r 16: the length passes");
	tap_is_int(blocklist_verify(rec, BLOCKLIST_MAX_LEN + 1, NULL),
	    BLOCKLIST_ERR_LENGTH, "MAX_LEN + 1");
	tap_is_int(blocklist_verify(rec, BLOCKLIST_MAX_LEN + 32, NULL),
	    BLOCKLIST_ERR_LENGTH, "MAX_LEN + 32: 257 IDs");
	tap_is_int(blocklist_verify(rec, BLOCKLIST_LEN(16, 0) - 1, NULL),
	    BLOCKLIST_ERR_LENGTH, "r 16, shorter than its wraps");
	tap_is_int(blocklist_verify(rec, BLOCKLIST_LEN(16, 0), NULL),
	    BLOCKLIST_ERR_BINDING, "r 16, 0 IDs: the length passes");
}

/* The error a flip giving byte value v at offset off of the KAT yields. */
static enum blocklist_error
flip_expect(size_t off, uint8_t v, size_t len)
{
	if (off == 0)
		return BLOCKLIST_ERR_VERSION;
	if (off >= OFF_ISSUER && off < OFF_E)
		return BLOCKLIST_ERR_BINDING;
	if (off == OFF_R) {
		if (v < 1 || v > BLOCKLIST_MAX_RECIPIENTS)
			return BLOCKLIST_ERR_RECIPIENTS;
		if (len < BLOCKLIST_LEN(v, 0) ||
		    (len - BLOCKLIST_LEN(v, 0)) % 32 != 0)
			return BLOCKLIST_ERR_LENGTH;
	}
	return BLOCKLIST_ERR_SIGNATURE;
}

/* Every bit of every field: refused, with its field's error. */
static void
test_bit_flips(void)
{
	static const struct {
		const char	*name;
		size_t		 off, end;
	} fields[] = {
		{ "version", 0, OFF_ISSUED },
		{ "issued", OFF_ISSUED, OFF_ISSUER },
		{ "issuer ID", OFF_ISSUER, OFF_X },
		{ "issuer X25519 key", OFF_X, OFF_BINDING },
		{ "binding", OFF_BINDING, OFF_E },
		{ "e_pub", OFF_E, OFF_R },
		{ "r", OFF_R, OFF_WRAPS },
		{ "wraps", OFF_WRAPS, OFF_WRAPS + 96 },
		{ "content", OFF_WRAPS + 96, 444 - 64 },
		{ "signature", 444 - 64, 444 },
	};
	struct blocklist_info info;
	size_t len, f, off;
	int bit, bad, wiped;
	enum blocklist_error e;

	len = seal_kat(rec);
	tap_is_int(len, 444, "flip target is 444 bytes");
	for (f = 0; f < sizeof(fields) / sizeof(fields[0]); f++) {
		bad = 0;
		wiped = 1;
		for (off = fields[f].off; off < fields[f].end; off++) {
			for (bit = 0; bit < 8; bit++) {
				rec[off] ^= 1 << bit;
				e = blocklist_verify(rec, len, &info);
				if (e != flip_expect(off, rec[off], len))
					bad++;
				memset(ids_out, 0xaa, IDS_LEN);
				if (blocklist_open(rec, len, &id_b, ids_out,
				    &info) != e)
					bad++;
				if (!tap_is_zero(ids_out, IDS_LEN) ||
				    !tap_is_zero(&info, sizeof(info)))
					wiped = 0;
				rec[off] ^= 1 << bit;
			}
		}
		tap_is_int(bad, 0, fields[f].name);
		tap_ok(wiped, "%s: ids and info wiped", fields[f].name);
	}
	tap_is_int(blocklist_open(rec, len, &id_b, ids_out, NULL),
	    BLOCKLIST_OK, "every flip undone: opens");
}

/* Well signed, badly bound; signed by someone else; claimed by M. */
static void
test_binding(void)
{
	struct blocklist_info info;
	size_t len;

	len = seal_kat(rec);
	memcpy(rec + OFF_BINDING, id_b.binding, 64);
	resign(rec, len, 0x11);
	tap_is_int(blocklist_verify(rec, len, NULL), BLOCKLIST_ERR_BINDING,
	    "another identity's binding, signed by A");

	len = seal_kat(rec);
	memcpy(rec + OFF_X, id_b.x_pub, 32);
	resign(rec, len, 0x11);
	tap_is_int(blocklist_verify(rec, len, NULL), BLOCKLIST_ERR_BINDING,
	    "another X25519 key under A's binding, signed by A");

	len = seal_kat(rec);
	memcpy(rec + OFF_ISSUER, id_m.ed_pub, 32);
	resign(rec, len, 0x71);
	tap_is_int(blocklist_verify(rec, len, NULL), BLOCKLIST_ERR_BINDING,
	    "M's ID over A's keys, signed by M");

	len = seal_kat(rec);
	resign(rec, len, 0x71);
	tap_is_int(blocklist_verify(rec, len, NULL), BLOCKLIST_ERR_SIGNATURE,
	    "A's record signed by M");

	len = seal_kat(rec);
	memcpy(rec + OFF_ISSUER, id_m.ed_pub, 32);
	memcpy(rec + OFF_X, id_m.x_pub, 32);
	memcpy(rec + OFF_BINDING, id_m.binding, 64);
	resign(rec, len, 0x71);
	tap_is_int(blocklist_verify(rec, len, &info), BLOCKLIST_OK,
	    "M claims A's record with all of its own keys: well formed");
	tap_is_mem(info.issuer, id_m.ed_pub, 32, "and names M");
	tap_is_int(blocklist_open(rec, len, &id_b, ids_out, NULL),
	    BLOCKLIST_ERR_NOT_FOR_ME, "but the wraps no longer open");
}

/* Wraps out of order or repeated; wraps, e or header changed. */
static void
test_wraps(void)
{
	uint8_t w[48], recips[2 * 32];
	size_t len, len1, k;
	enum blocklist_error e[2];

	len = seal_kat(rec);
	memcpy(w, rec + OFF_WRAPS, 48);
	memcpy(rec + OFF_WRAPS, rec + OFF_WRAPS + 48, 48);
	memcpy(rec + OFF_WRAPS + 48, w, 48);
	resign(rec, len, 0x11);
	tap_is_int(blocklist_verify(rec, len, NULL),
	    BLOCKLIST_ERR_RECIPIENTS, "wraps swapped, signed by A");

	len = seal_kat(rec);
	memcpy(rec + OFF_WRAPS + 48, rec + OFF_WRAPS, 48);
	resign(rec, len, 0x11);
	tap_is_int(blocklist_verify(rec, len, NULL),
	    BLOCKLIST_ERR_RECIPIENTS, "a wrap repeated, signed by A");

	memcpy(recips, id_b.x_pub, 32);
	len1 = seal(recips, 1, NULL, 0, rec);
	rec[OFF_WRAPS + 5] ^= 0x20;
	resign(rec, len1, 0x11);
	tap_is_int(blocklist_open(rec, len1, &id_b, ids_out, NULL),
	    BLOCKLIST_ERR_NOT_FOR_ME, "B's only wrap altered, signed by A");

	len1 = seal(recips, 1, NULL, 0, rec);
	rec[OFF_ISSUED + 7] ^= 1;
	resign(rec, len1, 0x11);
	tap_is_int(blocklist_open(rec, len1, &id_b, ids_out, NULL),
	    BLOCKLIST_ERR_NOT_FOR_ME, "issued changed under the wrap");

	len1 = seal(recips, 1, NULL, 0, rec);
	memcpy(rec + OFF_E, id_c.x_pub, 32);
	resign(rec, len1, 0x11);
	tap_is_int(blocklist_open(rec, len1, &id_b, ids_out, NULL),
	    BLOCKLIST_ERR_NOT_FOR_ME, "another e");
	memset(rec + OFF_E, 0, 32);
	resign(rec, len1, 0x11);
	tap_is_int(blocklist_open(rec, len1, &id_b, ids_out, NULL),
	    BLOCKLIST_ERR_NOT_FOR_ME, "a low-order e");

	/*
	 * Drop one of B's and C's wraps: the content's AD covers them all,
	 * so B fails on the content if its own wrap stayed.
	 */
	for (k = 0; k < 2; k++) {
		len = seal_kat(rec);
		memmove(rec + OFF_WRAPS + 48 * k,
		    rec + OFF_WRAPS + 48 * (k + 1),
		    len - (OFF_WRAPS + 48 * (k + 1)));
		len -= 48;
		rec[OFF_R] = 1;
		resign(rec, len, 0x11);
		e[k] = blocklist_open(rec, len, &id_b, ids_out, NULL);
	}
	tap_ok(e[0] == BLOCKLIST_ERR_NOT_FOR_ME &&
	    e[1] == BLOCKLIST_ERR_CONTENT,
	    "a wrap dropped: B's wrap gone (first), content refused "
	    "(second)");
}

/* The content altered, re-encrypted and signed by A: CONTENT for B. */
static void
test_content(void)
{
	uint8_t pt[2 + 8 * 32], other[32];
	static const unsigned sorted[] = { 0x05, 0x70, 0xc0 };
	static const unsigned unsorted[] = { 0x05, 0xc0, 0x70 };
	static const unsigned repeat[] = { 0x05, 0x70, 0x70 };
	struct blocklist_info info;
	size_t len, ptlen;

#define OPEN_IS(want, what) do {					\
	memset(ids_out, 0xaa, IDS_LEN);					\
	memset(&info, 0x55, sizeof(info));				\
	tap_is_int(blocklist_verify(rec, len, NULL), BLOCKLIST_OK,	\
	    what ": verifies");						\
	tap_is_int(blocklist_open(rec, len, &id_b, ids_out, &info),	\
	    want, what);						\
	if ((want) != BLOCKLIST_OK)					\
		tap_ok(tap_is_zero(ids_out, IDS_LEN) &&			\
		    tap_is_zero(&info, sizeof(info)),			\
		    what ": ids and info wiped");			\
} while (0)
	len = seal_kat(rec);
	ptlen = make_pt(pt, 3, sorted, 3);
	len = recontent(rec, ckey, pt, ptlen);
	OPEN_IS(BLOCKLIST_OK, "the same content re-encrypted");
	tap_is_int(seal_kat(rec2), len, "re-encryption keeps the length");
	tap_is_mem(rec, rec2, len, "and rebuilds the KAT exactly");

	rec[len - 64 - 20] ^= 4;
	resign(rec, len, 0x11);
	OPEN_IS(BLOCKLIST_ERR_CONTENT, "a content bit flipped, signed by A");

	len = recontent(rec, ckey, pt, make_pt(pt, 3, unsorted, 3));
	OPEN_IS(BLOCKLIST_ERR_CONTENT, "unsorted IDs");
	len = recontent(rec, ckey, pt, make_pt(pt, 3, repeat, 3));
	OPEN_IS(BLOCKLIST_ERR_CONTENT, "an ID twice");
	len = recontent(rec, ckey, pt, make_pt(pt, 2, sorted, 3));
	OPEN_IS(BLOCKLIST_ERR_CONTENT, "n 2 with 3 IDs");
	len = recontent(rec, ckey, pt, make_pt(pt, 4, sorted, 3));
	OPEN_IS(BLOCKLIST_ERR_CONTENT, "n 4 with 3 IDs");
	len = recontent(rec, ckey, pt, make_pt(pt, 0xffff, sorted, 3));
	OPEN_IS(BLOCKLIST_ERR_CONTENT, "n 65535 with 3 IDs");
	len = recontent(rec, ckey, pt, make_pt(pt, 0x0103, sorted, 3));
	OPEN_IS(BLOCKLIST_ERR_CONTENT, "n 259 with 3 IDs (high byte)");
	len = recontent(rec, ckey, pt, make_pt(pt, 0, sorted, 0));
	OPEN_IS(BLOCKLIST_OK, "re-encrypted empty: opens");
	tap_is_int(info.n, 0, "with n 0");
	make_seed(0xb1, other);
	len = recontent(rec, other, pt, make_pt(pt, 3, sorted, 3));
	OPEN_IS(BLOCKLIST_ERR_CONTENT, "under another content key");
#undef OPEN_IS
}

int
main(void)
{
	setup();
	test_constants();
	test_strerror();
	test_kat();
	test_roundtrips();
	test_self();
	test_normalise();
	test_layout();
	test_seal_errors();
	test_verify_layout();
	test_verify_edges();
	test_bit_flips();
	test_binding();
	test_wraps();
	test_content();
	identity_wipe(&id_a);
	return tap_done();
}

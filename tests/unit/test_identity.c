/*
 * test_identity.c - identity files: round trip, every decode error, a
 * flipped bit anywhere in the secrets or the binding, the ID string and
 * the fingerprint format.
 */
#include <ctype.h>
#include <stdint.h>
#include <string.h>

#include "chorus/encode.h"
#include "chorus/identity.h"
#include "../tap.h"

/* Where the fields sit in the file (doc/PROTOCOL.md "Identity file"). */
#define OFF_VERSION	4
#define OFF_RESERVED	5
#define OFF_SEED	8
#define OFF_XPRIV	40
#define OFF_BINDING	72

static uint8_t ed_seed[32], x_priv[32];

/* Fixed "random" secrets, so failures reproduce. */
static void
make_secrets(void)
{
	size_t i;

	for (i = 0; i < 32; i++) {
		ed_seed[i] = (uint8_t)(i * 7 + 1);
		x_priv[i] = (uint8_t)(0xff - i * 3);
	}
}

/* 1 if every byte of the struct is zero (it was wiped). */
static int
is_wiped(const struct identity *id)
{
	const uint8_t *p = (const uint8_t *)id;
	size_t i;

	for (i = 0; i < sizeof(*id); i++)
		if (p[i] != 0)
			return 0;
	return 1;
}

/* Build, encode, decode, compare. */
static void
test_round_trip(struct identity *id, uint8_t file[IDENTITY_FILE_LEN])
{
	struct identity back;
	uint8_t again[IDENTITY_FILE_LEN];

	tap_ok(identity_from_secrets(id, ed_seed, x_priv) == 0,
	    "identity from secrets");
	tap_is_mem(id->ed_seed, ed_seed, 32, "ed seed kept");
	tap_ok(identity_verify_binding(id->ed_pub, id->x_pub,
	    id->binding) == 0, "binding verifies");
	tap_ok(identity_encode(id, file) == 0, "encode");
	tap_is_mem(file, "CHID\x01\x00\x00\x00", 8, "header bytes");
	tap_is_mem(file + OFF_SEED, ed_seed, 32, "seed at offset 8");
	tap_is_mem(file + OFF_XPRIV, id->x_priv, 32, "x25519 key at 40");
	tap_is_mem(file + OFF_BINDING, id->binding, 64, "binding at 72");
	tap_ok((file[OFF_XPRIV] & 7) == 0 &&
	    (file[OFF_XPRIV + 31] & 0xc0) == 0x40, "x25519 key stored clamped");

	tap_is_int(identity_decode(&back, file, IDENTITY_FILE_LEN),
	    IDENTITY_OK, "decode");
	tap_is_mem(&back, id, sizeof(back), "decoded identity is identical");
	tap_ok(identity_encode(&back, again) == 0 &&
	    memcmp(again, file, sizeof(again)) == 0, "re-encodes identically");

	/* The binding must not verify for another key. */
	back.x_pub[0] ^= 1;
	tap_ok(identity_verify_binding(back.ed_pub, back.x_pub,
	    back.binding) == -1, "binding does not cover another x25519 key");
	identity_wipe(&back);
	tap_ok(is_wiped(&back), "identity_wipe zeroes the struct");
}

/* Every error identity_decode can give, and the struct wiped each time. */
static void
test_decode_errors(const uint8_t good[IDENTITY_FILE_LEN])
{
	static const struct {
		const char		*name;
		size_t			 off;	/* byte to change */
		uint8_t			 val;
		enum identity_error	 want;
	} cases[] = {
		{ "bad magic first byte", 0, 'c', IDENTITY_EMAGIC },
		{ "bad magic last byte", 3, 'X', IDENTITY_EMAGIC },
		{ "version 0", OFF_VERSION, 0, IDENTITY_EVERSION },
		{ "version 2", OFF_VERSION, 2, IDENTITY_EVERSION },
		{ "version 255", OFF_VERSION, 255, IDENTITY_EVERSION },
		{ "reserved byte 1 non-zero", OFF_RESERVED, 1,
		  IDENTITY_EMAGIC },
		{ "reserved byte 3 non-zero", OFF_RESERVED + 2, 0x80,
		  IDENTITY_EMAGIC },
	};
	uint8_t buf[IDENTITY_FILE_LEN + 1];
	struct identity id;
	size_t i;
	enum identity_error e, k;

	memset(&id, 0xaa, sizeof(id));
	tap_is_int(identity_decode(&id, good, 0), IDENTITY_ETRUNCATED,
	    "empty: truncated");
	tap_ok(is_wiped(&id), "wiped after an error");
	tap_is_int(identity_decode(&id, good, IDENTITY_FILE_LEN - 1),
	    IDENTITY_ETRUNCATED, "one byte short: truncated");
	tap_is_int(identity_decode(&id, good, 8), IDENTITY_ETRUNCATED,
	    "header only: truncated");
	memcpy(buf, good, IDENTITY_FILE_LEN);
	buf[IDENTITY_FILE_LEN] = 0;
	tap_is_int(identity_decode(&id, buf, IDENTITY_FILE_LEN + 1),
	    IDENTITY_ETOOLONG, "one byte long: too long");

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memcpy(buf, good, IDENTITY_FILE_LEN);
		buf[cases[i].off] = cases[i].val;
		memset(&id, 0xaa, sizeof(id));
		e = identity_decode(&id, buf, IDENTITY_FILE_LEN);
		tap_is_int(e, cases[i].want, cases[i].name);
		tap_ok(is_wiped(&id), "%s: identity wiped", cases[i].name);
	}
	for (k = IDENTITY_ETRUNCATED; k <= IDENTITY_ECRYPTO; k++)
		tap_ok(strcmp(identity_strerror(k),
		    identity_strerror(IDENTITY_OK)) != 0 &&
		    strcmp(identity_strerror(k), "unknown identity error") != 0,
		    "strerror(%d): %s", (int)k, identity_strerror(k));
}

/* Every single-bit flip in [off, off + len) must fail with EBINDING. */
static void
test_flips(const uint8_t good[IDENTITY_FILE_LEN], const char *name,
    size_t off, size_t len)
{
	uint8_t buf[IDENTITY_FILE_LEN];
	struct identity id;
	size_t i, bad = 0, wiped = 1;
	int bit;

	memcpy(buf, good, IDENTITY_FILE_LEN);
	for (i = off; i < off + len; i++) {
		for (bit = 0; bit < 8; bit++) {
			buf[i] ^= (uint8_t)(1 << bit);
			if (identity_decode(&id, buf, IDENTITY_FILE_LEN) !=
			    IDENTITY_EBINDING) {
				if (bad++ == 0)
					tap_diag("  %s: byte %zu bit %d "
					    "accepted", name, i - off, bit);
			}
			if (!is_wiped(&id))
				wiped = 0;
			buf[i] ^= (uint8_t)(1 << bit);
		}
	}
	tap_is_int(bad, 0, name);
	tap_ok(wiped, "%s: identity wiped every time", name);
}

/* The ID string: 52 base32 characters that decode back to the key. */
static void
test_id_string(const struct identity *id)
{
	char s[IDENTITY_ID_STRLEN];
	uint8_t back[32];
	size_t i;
	int ok = 1;

	memset(s, 'x', sizeof(s));
	identity_id_string(id->ed_pub, s);
	tap_is_int(strlen(s), 52, "ID string has 52 characters");
	for (i = 0; s[i] != '\0'; i++)
		if (!(islower((unsigned char)s[i]) ||
		    (s[i] >= '2' && s[i] <= '7')))
			ok = 0;
	tap_ok(ok, "ID string is lower-case base32: %s", s);
	tap_ok(encode_unbase32(s, strlen(s), back, sizeof(back)) == 32,
	    "ID string decodes to 32 bytes");
	tap_is_mem(back, id->ed_pub, 32, "ID string decodes to ed_pub");
	memset(back, 0, sizeof(back));
	tap_ok(identity_key_parse(s, back) == 0 &&
	    memcmp(back, id->ed_pub, 32) == 0, "key_parse reads the ID back");
	s[51] = '\0';
	tap_is_int(identity_key_parse(s, back), -1, "key_parse: 51 characters");
	s[51] = '1';
	tap_is_int(identity_key_parse(s, back), -1,
	    "key_parse: a character outside base32");
	tap_is_int(identity_key_parse("", back), -1, "key_parse: empty");
}

/* The fingerprint: xxxx-xxxx-xxxx-xxxx, base32 of BLAKE2s(ID)[0..10). */
static void
test_fingerprint(const struct identity *id)
{
	char f[IDENTITY_FPR_STRLEN], g[IDENTITY_FPR_STRLEN], want[17];
	uint8_t h[CRYPTO_BLAKE2S_LEN], other[32];
	size_t i, j;
	int ok = 1;

	memset(f, 'x', sizeof(f));
	identity_fingerprint(id->ed_pub, f);
	tap_is_int(strlen(f), IDENTITY_FPR_STRLEN - 1, "fingerprint length");
	for (i = 0; i < IDENTITY_FPR_STRLEN - 1; i++) {
		if (i % 5 == 4)
			ok &= f[i] == '-';
		else
			ok &= islower((unsigned char)f[i]) ||
			    (f[i] >= '2' && f[i] <= '7');
	}
	tap_ok(ok, "fingerprint is four groups of four: %s", f);

	crypto_blake2s(id->ed_pub, 32, h);
	encode_base32(h, 10, want, sizeof(want));
	for (i = 0, j = 0; f[i] != '\0'; i++)
		if (f[i] != '-')
			g[j++] = f[i];
	g[j] = '\0';
	tap_is_str(g, want, "fingerprint is base32 of BLAKE2s(ID)[0..10)");

	memcpy(other, id->ed_pub, 32);
	other[31] ^= 1;
	identity_fingerprint(other, g);
	tap_ok(strcmp(f, g) != 0, "another ID has another fingerprint");
}

int
main(void)
{
	struct identity id;
	uint8_t file[IDENTITY_FILE_LEN];

	make_secrets();
	test_round_trip(&id, file);
	test_decode_errors(file);
	test_flips(file, "every bit of the ed25519 seed", OFF_SEED, 32);
	test_flips(file, "every bit of the x25519 key", OFF_XPRIV, 32);
	test_flips(file, "every bit of the binding", OFF_BINDING, 64);
	test_id_string(&id);
	test_fingerprint(&id);
	identity_wipe(&id);
	return tap_done();
}

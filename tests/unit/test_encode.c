/*
 * test_encode.c - hex, base32 and base64: the RFC 4648 §10 vectors, round
 * trips of every short length, and every way a decoder must say no.
 */
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

#include "chorus/encode.h"
#include "../tap.h"

#define TEST_ENC_MAX	64

/* RFC 4648 §10, base32 lower-cased and with the padding dropped. */
static const struct {
	const char	*in;
	const char	*b32;
	const char	*b64;
} rfc4648[] = {
	{ "",		"",			""		},
	{ "f",		"my",			"Zg=="		},
	{ "fo",		"mzxq",			"Zm8="		},
	{ "foo",	"mzxw6",		"Zm9v"		},
	{ "foob",	"mzxw6yq",		"Zm9vYg=="	},
	{ "fooba",	"mzxw6ytb",		"Zm9vYmE="	},
	{ "foobar",	"mzxw6ytboi",		"Zm9vYmFy"	},
};

/* Inputs each decoder must refuse, with why. */
struct reject {
	const char	*in;
	const char	*why;
};

static const struct reject hex_bad[] = {
	{ "0",		"odd length" },
	{ "abc",	"odd length 3" },
	{ "0g",		"bad character g" },
	{ "g0",		"bad character first" },
	{ " 0",		"space" },
	{ "0x",		"x" },
	{ "-1",		"sign" },
};

static const struct reject b32_bad[] = {
	{ "m",		"length 1 mod 8" },
	{ "mzx",	"length 3 mod 8" },
	{ "mzxw6y",	"length 6 mod 8" },
	{ "mzxw6ytbo",	"length 9 (1 mod 8)" },
	{ "my======",	"padding" },
	{ "my=",	"padding, odd length" },
	{ "mzxq====",	"padding after a full group" },
	{ "m1",		"digit 1 is not in the alphabet" },
	{ "m8",		"digit 8" },
	{ "m0",		"digit 0" },
	{ "m ",		"space" },
	{ "mz",		"non-zero trailing bits (my is canonical)" },
	{ "mzxr",	"non-zero trailing bits (mzxq is canonical)" },
	{ "mzxw7",	"non-zero trailing bit (mzxw6 is canonical)" },
	{ "mzxw6yr",	"non-zero trailing bits (mzxw6yq is canonical)" },
};

static const struct reject b64_bad[] = {
	{ "Z",		"length 1" },
	{ "Zg",		"unpadded length 2" },
	{ "Zg=",	"length 3" },
	{ "Zm9vY",	"length 5" },
	{ "Zh==",	"non-zero trailing bits (Zg== is canonical)" },
	{ "Zm9=",	"non-zero trailing bits (Zm8= is canonical)" },
	{ "Z===",	"three padding characters" },
	{ "====",	"all padding" },
	{ "Zg=a",	"padding not at the end" },
	{ "Z=g=",	"padding in the middle" },
	{ "Zg==Zm9v",	"padding before the last group" },
	{ "Zm9v====",	"a whole group of padding" },
	{ "Zm9-",	"url-safe alphabet -" },
	{ "Zm9_",	"url-safe alphabet _" },
	{ "Zm9 ",	"space" },
	{ "Zm9v\n",	"newline" },
};

/* The RFC 4648 §10 vectors, both ways, plus upper-case base32 in. */
static void
test_rfc4648(void)
{
	char out[TEST_ENC_MAX], upper[TEST_ENC_MAX];
	uint8_t back[TEST_ENC_MAX];
	size_t i, j, n;
	ssize_t r;

	for (i = 0; i < sizeof(rfc4648) / sizeof(rfc4648[0]); i++) {
		n = strlen(rfc4648[i].in);

		r = encode_base32(rfc4648[i].in, n, out, sizeof(out));
		tap_is_int(r, (long long)strlen(rfc4648[i].b32),
		    "base32 length");
		tap_is_str(out, rfc4648[i].b32, "base32 RFC 4648 §10");
		r = encode_unbase32(rfc4648[i].b32, strlen(rfc4648[i].b32),
		    back, sizeof(back));
		tap_ok(r == (ssize_t)n && memcmp(back, rfc4648[i].in, n) == 0,
		    "unbase32 \"%s\"", rfc4648[i].b32);
		for (j = 0; rfc4648[i].b32[j] != '\0'; j++)
			upper[j] = rfc4648[i].b32[j] >= 'a' &&
			    rfc4648[i].b32[j] <= 'z' ?
			    (char)(rfc4648[i].b32[j] - 'a' + 'A') :
			    rfc4648[i].b32[j];
		upper[j] = '\0';
		r = encode_unbase32(upper, j, back, sizeof(back));
		tap_ok(r == (ssize_t)n && memcmp(back, rfc4648[i].in, n) == 0,
		    "unbase32 upper case \"%s\"", upper);

		r = encode_base64(rfc4648[i].in, n, out, sizeof(out));
		tap_is_int(r, (long long)strlen(rfc4648[i].b64),
		    "base64 length");
		tap_is_str(out, rfc4648[i].b64, "base64 RFC 4648 §10");
		r = encode_unbase64(rfc4648[i].b64, strlen(rfc4648[i].b64),
		    back, sizeof(back));
		tap_ok(r == (ssize_t)n && memcmp(back, rfc4648[i].in, n) == 0,
		    "unbase64 \"%s\"", rfc4648[i].b64);
	}
}

/* Hex: a known string, upper-case input, and exact output sizes. */
static void
test_hex(void)
{
	static const uint8_t bytes[] = { 0x00, 0x01, 0x7f, 0x80, 0xab, 0xff };
	char out[ENCODE_HEX_LEN(sizeof(bytes))];
	uint8_t back[sizeof(bytes)];

	tap_is_int(encode_hex(bytes, sizeof(bytes), out, sizeof(out)), 12,
	    "hex length");
	tap_is_str(out, "00017f80abff", "hex lower case");
	tap_is_int(encode_unhex("00017F80ABFF", 12, back, sizeof(back)), 6,
	    "unhex upper case");
	tap_is_mem(back, bytes, sizeof(bytes), "unhex bytes");
	tap_is_int(encode_unhex("00017f80aBfF", 12, back, sizeof(back)), 6,
	    "unhex mixed case");
	tap_is_int(encode_hex(bytes, sizeof(bytes), out, sizeof(out) - 1), -1,
	    "hex: no room for the NUL");
	tap_is_int(encode_unhex("00017f80abff", 12, back, sizeof(back) - 1),
	    -1, "unhex: output one byte short");
	tap_is_int(encode_hex("", 0, out, 1), 0, "hex of nothing");
	tap_is_str(out, "", "hex of nothing is empty");
	tap_is_int(encode_hex("", 0, out, 0), -1, "hex: zero room");
	tap_is_int(encode_unhex("", 0, back, 0), 0, "unhex of nothing");
}

/* Every length 0..40 and every byte value round-trips in all three. */
static void
test_round_trips(void)
{
	uint8_t in[TEST_ENC_MAX], back[TEST_ENC_MAX];
	char out[ENCODE_HEX_LEN(TEST_ENC_MAX)];
	size_t n, i;
	ssize_t r;
	int ok_hex = 1, ok_b32 = 1, ok_b64 = 1, ok_len = 1;

	for (n = 0; n <= 40; n++) {
		for (i = 0; i < n; i++)
			in[i] = (uint8_t)(n * 37 + i * 101 + 255 * (i & 1));
		r = encode_hex(in, n, out, ENCODE_HEX_LEN(n));
		if (r != (ssize_t)(2 * n) ||
		    encode_unhex(out, (size_t)r, back, n) != (ssize_t)n ||
		    memcmp(in, back, n) != 0)
			ok_hex = 0;
		r = encode_base32(in, n, out, ENCODE_BASE32_LEN(n));
		if (r < 0 || (size_t)r + 1 != ENCODE_BASE32_LEN(n) ||
		    encode_unbase32(out, (size_t)r, back, n) != (ssize_t)n ||
		    memcmp(in, back, n) != 0)
			ok_b32 = 0;
		if (encode_base32(in, n, out, ENCODE_BASE32_LEN(n) - 1) != -1)
			ok_len = 0;
		r = encode_base64(in, n, out, ENCODE_BASE64_LEN(n));
		if (r < 0 || (size_t)r + 1 != ENCODE_BASE64_LEN(n) ||
		    encode_unbase64(out, (size_t)r, back, n) != (ssize_t)n ||
		    memcmp(in, back, n) != 0)
			ok_b64 = 0;
		if (encode_base64(in, n, out, ENCODE_BASE64_LEN(n) - 1) != -1)
			ok_len = 0;
		if (n > 0) {
			r = encode_base32(in, n, out, sizeof(out));
			if (encode_unbase32(out, (size_t)r, back, n - 1) != -1)
				ok_len = 0;
			r = encode_base64(in, n, out, sizeof(out));
			if (encode_unbase64(out, (size_t)r, back, n - 1) != -1)
				ok_len = 0;
		}
	}
	tap_ok(ok_hex, "hex round trips, lengths 0..40");
	tap_ok(ok_b32, "base32 round trips, lengths 0..40, exact size");
	tap_ok(ok_b64, "base64 round trips, lengths 0..40, exact size");
	tap_ok(ok_len, "every encoder and decoder refuses one byte less room");

	memset(in, 0xff, 32);
	tap_is_int(encode_base32(in, 32, out, sizeof(out)), 52,
	    "32 bytes are 52 base32 characters");
	tap_is_str(out, "777777777777777777777777777777777777777777777777777q",
	    "base32 of 32 0xff bytes");
}

/* Run one rejection table through a decoder. */
static void
test_rejects(const char *name, const struct reject *t, size_t n,
    ssize_t (*dec)(const char *, size_t, void *, size_t))
{
	uint8_t out[TEST_ENC_MAX];
	size_t i;

	for (i = 0; i < n; i++)
		tap_ok(dec(t[i].in, strlen(t[i].in), out, sizeof(out)) == -1,
		    "%s refuses \"%s\": %s", name, t[i].in, t[i].why);
}

/* A NUL inside the given length is a bad character, not an end. */
static void
test_embedded_nul(void)
{
	uint8_t out[8];

	tap_is_int(encode_unhex("a\0", 2, out, sizeof(out)), -1,
	    "unhex refuses an embedded NUL");
	tap_is_int(encode_unbase32("m\0", 2, out, sizeof(out)), -1,
	    "unbase32 refuses an embedded NUL");
	tap_is_int(encode_unbase64("Zg\0=", 4, out, sizeof(out)), -1,
	    "unbase64 refuses an embedded NUL");
	tap_is_int(encode_unbase32("myXX", 2, out, sizeof(out)), 1,
	    "unbase32 reads only inlen characters");
}

int
main(void)
{
	test_rfc4648();
	test_hex();
	test_round_trips();
	test_rejects("unhex", hex_bad, sizeof(hex_bad) / sizeof(hex_bad[0]),
	    encode_unhex);
	test_rejects("unbase32", b32_bad, sizeof(b32_bad) / sizeof(b32_bad[0]),
	    encode_unbase32);
	test_rejects("unbase64", b64_bad, sizeof(b64_bad) / sizeof(b64_bad[0]),
	    encode_unbase64);
	test_embedded_nul();
	return tap_done();
}

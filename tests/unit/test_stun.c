/*
 * test_stun.c - the STUN codec against RFC 5769 §2.1-§2.4 and RFC 8489
 * Appendix B.1 (as corrected by Errata 6268) verbatim; every stun_parse
 * error and its boundaries; every getter's rejections; builder round
 * trips with a flipped byte anywhere; the 420 listing; ChannelData;
 * stream framing on every prefix; and the digests and MACs STUN uses
 * (RFC 1321, FIPS 180-2, RFC 2202, RFC 4231).
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "chorus/crypto.h"
#include "chorus/stun.h"
#include "../tap.h"

#define TEST_MSG_MAX	(STUN_MAX_MSG + 64)

/* RFC 5769 §2.1 Sample Request (short-term credentials). */
static const char rfc5769_request[] =
	"00010058"			/* Request type and message length */
	"2112a442"			/* Magic cookie */
	"b7e7a701bc34d686fa87dfae"	/* Transaction ID */
	"80220010"			/* SOFTWARE attribute header */
	"5354554e207465737420636c69656e74"
	"00240004"			/* PRIORITY attribute header */
	"6e0001ff"			/* ICE priority value */
	"80290008"			/* ICE-CONTROLLED attribute header */
	"932ff9b151263b36"		/* Pseudo-random tie breaker */
	"00060009"			/* USERNAME attribute header */
	"6576746a3a68367659202020"	/* Username (9 bytes) and padding */
	"00080014"			/* MESSAGE-INTEGRITY attribute header */
	"9aeaa70cbfd8cb56781ef2b5b2d3f249c1b571a2"
	"80280004"			/* FINGERPRINT attribute header */
	"e57a3bcf";			/* CRC32 fingerprint */

/* RFC 5769 §2.2 Sample IPv4 Response. */
static const char rfc5769_ipv4[] =
	"0101003c"			/* Response type and message length */
	"2112a442"			/* Magic cookie */
	"b7e7a701bc34d686fa87dfae"	/* Transaction ID */
	"8022000b"			/* SOFTWARE attribute header */
	"7465737420766563746f7220"	/* UTF-8 server name */
	"00200008"			/* XOR-MAPPED-ADDRESS header */
	"0001a147"			/* Family (IPv4) and xor'd port */
	"e112a643"			/* Xor'd mapped IPv4 address */
	"00080014"			/* MESSAGE-INTEGRITY attribute header */
	"2b91f599fd9e90c38c7489f92af9ba53f06be7d7"
	"80280004"			/* FINGERPRINT attribute header */
	"c07d4c96";			/* CRC32 fingerprint */

/* RFC 5769 §2.3 Sample IPv6 Response. */
static const char rfc5769_ipv6[] =
	"01010048"			/* Response type and message length */
	"2112a442"			/* Magic cookie */
	"b7e7a701bc34d686fa87dfae"	/* Transaction ID */
	"8022000b"			/* SOFTWARE attribute header */
	"7465737420766563746f7220"	/* UTF-8 server name */
	"00200014"			/* XOR-MAPPED-ADDRESS header */
	"0002a147"			/* Family (IPv6) and xor'd port */
	"0113a9faa5d3f179bc25f4b5bed2b9d9"	/* Xor'd mapped IPv6 address */
	"00080014"			/* MESSAGE-INTEGRITY attribute header */
	"a382954e4be67bf11784c97c8292c275bfe3ed41"
	"80280004"			/* FINGERPRINT attribute header */
	"c8fb0b4c";			/* CRC32 fingerprint */

/* RFC 5769 §2.4 Sample Request with Long-Term Authentication. */
static const char rfc5769_longterm[] =
	"00010060"			/* Request type and message length */
	"2112a442"			/* Magic cookie */
	"78ad3433c6ad72c029da412e"	/* Transaction ID */
	"00060012"			/* USERNAME attribute header */
	"e3839ee38388e383aae38383"	/* Username value (18 bytes) */
	"e382afe382b90000"		/* ... and padding (2 bytes) */
	"0015001c"			/* NONCE attribute header */
	"662f2f3439396b39353464364f4c33346f4c39465354767936347341"
	"0014000b"			/* REALM attribute header */
	"6578616d706c652e6f726700"	/* Realm (11 bytes) and padding */
	"00080014"			/* MESSAGE-INTEGRITY attribute header */
	"f67024656dd64a3e02b8e0712e85c9a28ca89666";

/*
 * RFC 8489 Appendix B.1 as Errata 6268 (Verified) corrects it: header
 * length 0x90, PASSWORD-ALGORITHM added, MESSAGE-INTEGRITY-SHA256
 * recomputed.  The published text does not verify.
 */
static const char rfc8489_b1[] =
	"00010090"			/* Request type and message length */
	"2112a442"			/* Magic cookie */
	"78ad3433c6ad72c029da412e"	/* Transaction ID */
	"001e0020"			/* USERHASH attribute header */
	"4a3cf38fef6992bda952c6780417da0f"
	"24819415569e60b205c46e41407f1704"
	"00150029"			/* NONCE attribute header */
	"6f624d61744a6f7332414141"	/* "obMatJos2AAA" */
	"43662f2f3439396b39353464364f4c33346f4c39465354767936347341"
	"000000"			/* padding (3 bytes) */
	"0014000b"			/* REALM attribute header */
	"6578616d706c652e6f726700"	/* Realm (11 bytes) and padding */
	"001d0004"			/* PASSWORD-ALGORITHM header */
	"00020000"			/* SHA-256, no parameters */
	"001c0020"			/* MESSAGE-INTEGRITY-SHA256 header */
	"b5c7bf005b6c52a21c51c5e892f81924"
	"136296cb927c43149309278cc6518e65";

#define RFC5769_PASSWORD	"VOkJxbRl1RmTxUk/WvJxBt"
/* U+30DE U+30C8 U+30EA U+30C3 U+30AF U+30B9 in UTF-8. */
#define RFC5769_USERNAME \
	"\xe3\x83\x9e\xe3\x83\x88\xe3\x83\xaa" \
	"\xe3\x83\x83\xe3\x82\xaf\xe3\x82\xb9"
#define RFC5769_REALM		"example.org"
#define RFC5769_LT_PASSWORD	"TheMatrIX"	/* after SASLprep */
#define RFC5769_NONCE		"f//499k954d6OL34oL9FSTvy64sA"
#define RFC8489_NONCE		"obMatJos2AAACf//499k954d6OL34oL9FSTvy64sA"

static const uint8_t tid0[STUN_TID_LEN] = {
	1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12
};
static const uint8_t key1[] = "correct horse";
static const uint8_t key2[] = "correct horsf";

static uint8_t msgbuf[TEST_MSG_MAX];
static uint8_t bigval[STUN_MAX_MSG + 1];	/* a large value to add */

/* Decode a vector into msgbuf; its length. */
static size_t
vec(const char *hex)
{
	return tap_unhex(hex, msgbuf, sizeof(msgbuf));
}

/* 1 if an attribute's value is exactly the n bytes at want. */
static int
attr_is(const struct stun_msg *m, uint16_t type, const void *want, size_t n)
{
	const uint8_t *p;
	size_t len;

	if (stun_get_bytes(m, stun_find(m, type), &p, &len) == -1)
		return 0;
	return len == n && memcmp(p, want, n) == 0;
}

/* 1 if ss is the IPv4 or IPv6 address text with port. */
static int
addr_is(const struct sockaddr_storage *ss, const char *text, uint16_t port)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)ss;
	const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)ss;
	char buf[INET6_ADDRSTRLEN];

	if (ss->ss_family == AF_INET) {
		inet_ntop(AF_INET, &sin->sin_addr, buf, sizeof(buf));
		return ntohs(sin->sin_port) == port && strcmp(buf, text) == 0;
	}
	if (ss->ss_family == AF_INET6) {
		inet_ntop(AF_INET6, &sin6->sin6_addr, buf, sizeof(buf));
		return ntohs(sin6->sin6_port) == port && strcmp(buf, text) == 0;
	}
	return 0;
}

/* A sockaddr from text and port. */
static void
mkaddr(struct sockaddr_storage *ss, const char *text, uint16_t port)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, text, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
	} else if (inet_pton(AF_INET6, text, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
	}
}

/* RFC 5769 §2.1: parse, FINGERPRINT, MESSAGE-INTEGRITY, contents. */
static void
test_rfc5769_request(void)
{
	static const uint8_t tie[] = {
		0x93, 0x2f, 0xf9, 0xb1, 0x51, 0x26, 0x3b, 0x36
	};
	struct stun_msg m;
	uint32_t prio = 0;
	size_t n = vec(rfc5769_request);

	tap_is_int(n, 108, "5769 §2.1: 108 bytes");
	tap_is_int(stun_parse(&m, msgbuf, n), STUN_OK, "5769 §2.1: parses, "
	    "FINGERPRINT verifies");
	tap_is_int(m.type, 0x0001, "5769 §2.1: Binding request");
	tap_ok(m.method == STUN_BINDING && m.cls == STUN_REQUEST,
	    "5769 §2.1: method and class");
	tap_is_mem(m.tid, "\xb7\xe7\xa7\x01\xbc\x34\xd6\x86\xfa\x87\xdf\xae",
	    STUN_TID_LEN, "5769 §2.1: transaction id");
	tap_is_int(m.nattrs, 6, "5769 §2.1: six attributes");
	tap_ok(m.mi == 4 && m.mi256 == -1 && m.fingerprint == 5,
	    "5769 §2.1: MI at 4, FINGERPRINT at 5");
	tap_is_int(stun_check_integrity(&m, (const uint8_t *)RFC5769_PASSWORD,
	    strlen(RFC5769_PASSWORD)), 0, "5769 §2.1: MESSAGE-INTEGRITY "
	    "verifies with the password");
	tap_is_int(stun_check_integrity(&m, (const uint8_t *)RFC5769_PASSWORD,
	    strlen(RFC5769_PASSWORD) - 1), -1, "5769 §2.1: not with another");
	tap_is_int(stun_check_integrity_sha256(&m,
	    (const uint8_t *)RFC5769_PASSWORD, strlen(RFC5769_PASSWORD)), -1,
	    "5769 §2.1: no MESSAGE-INTEGRITY-SHA256");
	tap_ok(attr_is(&m, STUN_A_SOFTWARE, "STUN test client", 16),
	    "5769 §2.1: SOFTWARE");
	tap_ok(attr_is(&m, STUN_A_USERNAME, "evtj:h6vY", 9),
	    "5769 §2.1: USERNAME (9 bytes, space padding ignored)");
	tap_ok(stun_get_u32(&m, stun_find(&m, STUN_A_PRIORITY), &prio) == 0 &&
	    prio == 0x6e0001ff, "5769 §2.1: PRIORITY");
	tap_ok(attr_is(&m, STUN_A_ICE_CONTROLLED, tie, sizeof(tie)),
	    "5769 §2.1: ICE-CONTROLLED");
	tap_is_int(m.nunknown, 0, "5769 §2.1: nothing unknown");
}

/* RFC 5769 §2.2 and §2.3: the responses and their XOR-MAPPED-ADDRESS. */
static void
test_rfc5769_responses(void)
{
	static const struct {
		const char	*name;
		const char	*hex;
		const char	*addr;
	} v[] = {
		{ "5769 §2.2", rfc5769_ipv4, "192.0.2.1" },
		{ "5769 §2.3", rfc5769_ipv6,
		  "2001:db8:1234:5678:11:2233:4455:6677" },
	};
	struct sockaddr_storage ss, back;
	struct stun_builder b;
	struct stun_msg m;
	uint8_t out[64];
	const uint8_t *p;
	size_t i, n, len;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		n = vec(v[i].hex);
		tap_ok(stun_parse(&m, msgbuf, n) == STUN_OK,
		    "%s: parses, FINGERPRINT verifies", v[i].name);
		tap_ok(m.method == STUN_BINDING && m.cls == STUN_SUCCESS,
		    "%s: Binding success response", v[i].name);
		tap_ok(stun_check_integrity(&m,
		    (const uint8_t *)RFC5769_PASSWORD,
		    strlen(RFC5769_PASSWORD)) == 0,
		    "%s: MESSAGE-INTEGRITY verifies", v[i].name);
		tap_ok(attr_is(&m, STUN_A_SOFTWARE, "test vector", 11),
		    "%s: SOFTWARE", v[i].name);
		tap_ok(stun_get_xor_addr(&m, stun_find(&m,
		    STUN_A_XOR_MAPPED_ADDRESS), &ss) == 0 &&
		    addr_is(&ss, v[i].addr, 32853),
		    "%s: XOR-MAPPED-ADDRESS is %s port 32853", v[i].name,
		    v[i].addr);

		/* The builder XORs the same address to the same bytes. */
		stun_build_init(&b, out, sizeof(out), m.type, m.tid);
		tap_ok(stun_add_xor_addr(&b, STUN_A_XOR_MAPPED_ADDRESS,
		    (struct sockaddr *)&ss) == 0 &&
		    stun_get_bytes(&m, stun_find(&m,
		    STUN_A_XOR_MAPPED_ADDRESS), &p, &len) == 0 &&
		    stun_build_finish(&b) == (ssize_t)(STUN_HEADER_LEN + 4 +
		    len) && memcmp(out + STUN_HEADER_LEN + 4, p, len) == 0,
		    "%s: stun_add_xor_addr writes the vector's bytes",
		    v[i].name);
		tap_ok(stun_get_addr(&m, stun_find(&m,
		    STUN_A_XOR_MAPPED_ADDRESS), &back) == 0 &&
		    !addr_is(&back, v[i].addr, 32853),
		    "%s: read without XOR it is another address", v[i].name);
	}
}

/* RFC 5769 §2.4: long-term credentials, key = MD5(user:realm:pass). */
static void
test_rfc5769_longterm(void)
{
	const char *in = RFC5769_USERNAME ":" RFC5769_REALM ":"
	    RFC5769_LT_PASSWORD;
	uint8_t key[CRYPTO_MD5_LEN], again[128];
	struct stun_builder b;
	struct stun_msg m;
	size_t n = vec(rfc5769_longterm);

	tap_is_int(n, 116, "5769 §2.4: 116 bytes");
	tap_is_int(stun_parse(&m, msgbuf, n), STUN_OK, "5769 §2.4: parses");
	tap_ok(m.mi == 3 && m.fingerprint == -1 && m.nattrs == 4,
	    "5769 §2.4: MI last, no FINGERPRINT");
	tap_ok(crypto_md5(in, strlen(in), key) == 0, "5769 §2.4: MD5 key");
	tap_is_int(stun_check_integrity(&m, key, sizeof(key)), 0,
	    "5769 §2.4: MESSAGE-INTEGRITY verifies with the long-term key");
	tap_ok(attr_is(&m, STUN_A_USERNAME, RFC5769_USERNAME, 18),
	    "5769 §2.4: USERNAME is the katakana in UTF-8");
	tap_ok(attr_is(&m, STUN_A_NONCE, RFC5769_NONCE, 28),
	    "5769 §2.4: NONCE");
	tap_ok(attr_is(&m, STUN_A_REALM, RFC5769_REALM, 11),
	    "5769 §2.4: REALM");

	/* Zero padding throughout: the builder reproduces it exactly. */
	stun_build_init(&b, again, sizeof(again), m.type, m.tid);
	stun_add_bytes(&b, STUN_A_USERNAME, RFC5769_USERNAME, 18);
	stun_add_bytes(&b, STUN_A_NONCE, RFC5769_NONCE, 28);
	stun_add_bytes(&b, STUN_A_REALM, RFC5769_REALM, 11);
	stun_add_integrity(&b, key, sizeof(key));
	tap_ok(stun_build_finish(&b) == (ssize_t)n &&
	    memcmp(again, msgbuf, n) == 0, "5769 §2.4: rebuilt byte for byte");
}

/* RFC 8489 Appendix B.1 (Errata 6268): USERHASH and MI-SHA256. */
static void
test_rfc8489_b1(void)
{
	const char *uh = RFC5769_USERNAME ":" RFC5769_REALM;
	const char *in = RFC5769_USERNAME ":" RFC5769_REALM ":"
	    RFC5769_LT_PASSWORD;
	uint8_t key[CRYPTO_SHA256_LEN], hash[CRYPTO_SHA256_LEN], again[192];
	struct stun_builder b;
	struct stun_msg m;
	uint32_t alg = 0;
	size_t n = vec(rfc8489_b1);

	tap_is_int(stun_parse(&m, msgbuf, n), STUN_OK, "8489 B.1: parses");
	tap_ok(m.mi == -1 && m.mi256 == 4 && m.fingerprint == -1,
	    "8489 B.1: MESSAGE-INTEGRITY-SHA256 only");
	tap_ok(crypto_sha256(uh, strlen(uh), hash) == 0 &&
	    attr_is(&m, STUN_A_USERHASH, hash, sizeof(hash)),
	    "8489 B.1: USERHASH = SHA-256(username:realm)");
	tap_ok(stun_get_u32(&m, stun_find(&m, STUN_A_PASSWORD_ALGORITHM),
	    &alg) == 0 && alg >> 16 == STUN_PASSWORD_SHA256,
	    "8489 B.1: PASSWORD-ALGORITHM SHA-256");
	tap_ok(attr_is(&m, STUN_A_NONCE, RFC8489_NONCE, 41),
	    "8489 B.1: NONCE");
	tap_ok(crypto_sha256(in, strlen(in), key) == 0, "8489 B.1: key");
	tap_is_int(stun_check_integrity_sha256(&m, key, sizeof(key)), 0,
	    "8489 B.1: MESSAGE-INTEGRITY-SHA256 verifies");
	tap_is_int(stun_check_integrity_sha256(&m, key, sizeof(key) - 1), -1,
	    "8489 B.1: not under another key");
	tap_is_int(stun_check_integrity(&m, key, sizeof(key)), -1,
	    "8489 B.1: no MESSAGE-INTEGRITY");

	stun_build_init(&b, again, sizeof(again), m.type, m.tid);
	stun_add_bytes(&b, STUN_A_USERHASH, hash, sizeof(hash));
	stun_add_bytes(&b, STUN_A_NONCE, RFC8489_NONCE, 41);
	stun_add_bytes(&b, STUN_A_REALM, RFC5769_REALM, 11);
	stun_add_u32(&b, STUN_A_PASSWORD_ALGORITHM,
	    (uint32_t)STUN_PASSWORD_SHA256 << 16);
	stun_add_integrity_sha256(&b, key, sizeof(key));
	tap_ok(stun_build_finish(&b) == (ssize_t)n &&
	    memcmp(again, msgbuf, n) == 0, "8489 B.1: rebuilt byte for byte");
}

/* Header plus the hex body, with the header length as given. */
static size_t
mkmsg(uint8_t *buf, uint16_t mlen, const char *body)
{
	size_t n;

	buf[0] = 0x00;
	buf[1] = 0x01;
	buf[2] = (uint8_t)(mlen >> 8);
	buf[3] = (uint8_t)mlen;
	memcpy(buf + 4, "\x21\x12\xa4\x42", 4);
	memcpy(buf + 8, tid0, STUN_TID_LEN);
	n = tap_unhex(body, buf + STUN_HEADER_LEN, TEST_MSG_MAX - 20);
	return STUN_HEADER_LEN + n;
}

/* The same, with the header length matching the body. */
static size_t
mk(uint8_t *buf, const char *body)
{
	return mkmsg(buf, (uint16_t)(strlen(body) / 2), body);
}

/* One input per stun_parse error, and what must still parse. */
static void
test_parse_errors(void)
{
	static const struct {
		const char		*name;
		const char		*body;
		enum stun_error		 want;
	} cases[] = {
		{ "no attributes", "", STUN_OK },
		{ "attribute overruns", "00010008", STUN_EATTR },
		{ "value overruns", "8022000561626364", STUN_EATTR },
		{ "value fits, padding is there", "8022000561626364" "65000000",
		  STUN_OK },
		{ "FINGERPRINT wrong", "8028000400000000", STUN_EFINGERPRINT },
		{ "FINGERPRINT not last", "8028000400000000" "80220000",
		  STUN_EFINGERPRINT },
		{ "FINGERPRINT 8 bytes", "80280008" "0000000000000000",
		  STUN_EFINGERPRINT },
		{ "MESSAGE-INTEGRITY 19 bytes", "00080013"
		  "0000000000000000000000000000000000000000", STUN_EINTEGRITY },
		{ "MESSAGE-INTEGRITY 24 bytes", "00080018"
		  "000000000000000000000000000000000000000000000000",
		  STUN_EINTEGRITY },
		{ "MI-SHA256 12 bytes", "001c000c" "000000000000000000000000",
		  STUN_EINTEGRITY },
		{ "MI-SHA256 18 bytes", "001c0012" "000000000000000000000000"
		  "000000000000" "0000", STUN_EINTEGRITY },
		{ "MI-SHA256 36 bytes", "001c0024"
		  "0000000000000000000000000000000000000000000000000000000000"
		  "00000000000000", STUN_EINTEGRITY },
		{ "MI-SHA256 16 bytes", "001c0010"
		  "00000000000000000000000000000000", STUN_OK },
		{ "MI-SHA256 20 bytes", "001c0014"
		  "0000000000000000000000000000000000000000", STUN_OK },
		{ "bad MI after MI-SHA256 ignored", "001c0010"
		  "00000000000000000000000000000000" "00080003" "00000000",
		  STUN_OK },
		{ "bad MI-SHA256 after MI checked", "00080014"
		  "0000000000000000000000000000000000000000" "001c0004"
		  "00000000", STUN_EINTEGRITY },
		{ "overrun after MI still EATTR", "00080014"
		  "0000000000000000000000000000000000000000" "80220008",
		  STUN_EATTR },
	};
	struct stun_msg m;
	size_t i, n;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		n = mk(msgbuf, cases[i].body);
		tap_is_int(stun_parse(&m, msgbuf, n), cases[i].want,
		    cases[i].name);
	}
}

/* Header errors and the length boundaries. */
static void
test_parse_header(void)
{
	struct stun_msg m;
	size_t n = mk(msgbuf, "80220000");
	enum stun_error e;
	size_t i;

	tap_is_int(stun_parse(&m, msgbuf, 0), STUN_ETRUNCATED, "empty");
	tap_is_int(stun_parse(&m, NULL, 0), STUN_ETRUNCATED, "NULL");
	for (i = 1; i < STUN_HEADER_LEN; i++)
		if ((e = stun_parse(&m, msgbuf, i)) != STUN_ETRUNCATED)
			break;
	tap_ok(i == STUN_HEADER_LEN, "every header prefix is ETRUNCATED "
	    "(stopped at %zu)", i);
	tap_is_int(stun_parse(&m, msgbuf, n - 1), STUN_ETRUNCATED,
	    "one byte short: ETRUNCATED");
	tap_is_int(stun_parse(&m, msgbuf, n - 4), STUN_ETRUNCATED,
	    "four bytes short: ETRUNCATED");
	memset(msgbuf + n, 0, 4);
	tap_is_int(stun_parse(&m, msgbuf, n + 4), STUN_EBADLEN,
	    "four trailing bytes: EBADLEN");
	tap_is_int(stun_parse(&m, msgbuf, n + 1), STUN_EBADLEN,
	    "one trailing byte: EBADLEN");
	n = mkmsg(msgbuf, 2, "0000");
	tap_is_int(stun_parse(&m, msgbuf, n), STUN_EBADLEN,
	    "length 2: EBADLEN");
	n = mk(msgbuf, "");
	msgbuf[0] = 0x40;
	tap_is_int(stun_parse(&m, msgbuf, n), STUN_ENOTSTUN, "top bits 01");
	msgbuf[0] = 0x80;
	tap_is_int(stun_parse(&m, msgbuf, n), STUN_ENOTSTUN, "top bits 10");
	tap_is_int(stun_parse(&m, msgbuf, 2), STUN_ENOTSTUN,
	    "top bits 10 in two bytes");
	msgbuf[0] = 0x3f;
	tap_is_int(stun_parse(&m, msgbuf, n), STUN_OK, "type 0x3f01 parses");
	msgbuf[7] ^= 1;
	tap_is_int(stun_parse(&m, msgbuf, n), STUN_ENOTSTUN, "bad cookie");
	tap_is_int(stun_parse(&m, msgbuf, 8), STUN_ENOTSTUN,
	    "bad cookie in 8 bytes");
	tap_is_int(stun_parse(&m, msgbuf, 7), STUN_ETRUNCATED,
	    "7 bytes: ETRUNCATED");

	/* STUN_MAX_MSG bounds the whole message (attribute offsets fit). */
	memset(msgbuf, 0, sizeof(msgbuf));
	n = mk(msgbuf, "") + 4 + 65508;
	msgbuf[2] = (65512 >> 8) & 0xff;
	msgbuf[3] = 65512 & 0xff;
	msgbuf[20] = 0x80;
	msgbuf[22] = 65508 >> 8;
	msgbuf[23] = 65508 & 0xff;
	tap_is_int(stun_parse(&m, msgbuf, n), STUN_OK,
	    "65532-byte message parses");
	tap_ok(m.nattrs == 1 && m.attrs[0].len == 65508 && m.attrs[0].off == 24,
	    "65532-byte message: its one attribute");
	msgbuf[2] = (65516 >> 8) & 0xff;
	msgbuf[3] = 65516 & 0xff;
	msgbuf[22] = 65512 >> 8;
	msgbuf[23] = 65512 & 0xff;
	tap_is_int(stun_parse(&m, msgbuf, n + 4), STUN_EBADLEN,
	    "65536-byte message: EBADLEN");
}

/* STUN_MAX_ATTRS indexed, one more is ETOOMANY; ignored ones are free. */
static void
test_parse_many(void)
{
	struct stun_builder b;
	struct stun_msg m;
	ssize_t n;
	int i;

	stun_build_init(&b, msgbuf, sizeof(msgbuf), 0x0001, tid0);
	for (i = 0; i < STUN_MAX_ATTRS; i++)
		stun_add_bytes(&b, STUN_A_SOFTWARE, NULL, 0);
	n = stun_build_finish(&b);
	tap_is_int(stun_parse(&m, msgbuf, (size_t)n), STUN_OK,
	    "STUN_MAX_ATTRS attributes parse");
	tap_is_int(m.nattrs, STUN_MAX_ATTRS, "all indexed");
	stun_add_bytes(&b, STUN_A_SOFTWARE, NULL, 0);
	n = stun_build_finish(&b);
	tap_is_int(stun_parse(&m, msgbuf, (size_t)n), STUN_ETOOMANY,
	    "one more: ETOOMANY");

	stun_build_init(&b, msgbuf, sizeof(msgbuf), 0x0001, tid0);
	stun_add_integrity(&b, key1, sizeof(key1));
	for (i = 0; i < 2 * STUN_MAX_ATTRS; i++)
		stun_add_u32(&b, (uint16_t)(0x0100 + i), 0);
	stun_add_fingerprint(&b);
	n = stun_build_finish(&b);
	tap_is_int(stun_parse(&m, msgbuf, (size_t)n), STUN_OK,
	    "many attributes after MI: ignored, no ETOOMANY");
	tap_ok(m.nattrs == 2 && m.mi == 0 && m.fingerprint == 1 &&
	    m.nunknown == 0, "only MI and FINGERPRINT indexed, none unknown");
	tap_is_int(stun_check_integrity(&m, key1, sizeof(key1)), 0,
	    "MI verifies over its own prefix");
}

/* Build a message of attributes given as (type, hex value) and parse it. */
static void
mkattrs(struct stun_msg *m, const uint16_t *types,
    const char *const *vals, size_t n)
{
	uint8_t v[STUN_MAX_REASON + 8];
	struct stun_builder b;
	size_t i, len;
	ssize_t total;

	stun_build_init(&b, msgbuf, sizeof(msgbuf), 0x0001, tid0);
	for (i = 0; i < n; i++) {
		len = tap_unhex(vals[i], v, sizeof(v));
		stun_add_bytes(&b, types[i], v, len);
	}
	total = stun_build_finish(&b);
	if (stun_parse(m, msgbuf, total < 0 ? 0 : (size_t)total) != STUN_OK)
		tap_diag("mkattrs: does not parse");
}

/* Address getters: what they take and what they refuse. */
static void
test_get_addr(void)
{
	static const struct {
		const char	*name;
		const char	*val;
		int		 ok;
	} cases[] = {
		{ "IPv4", "0001a147e112a643", 1 },
		{ "IPv4, reserved byte ignored", "ff01a147e112a643", 1 },
		{ "IPv6", "0002a1470113a9faa5d3f179bc25f4b5bed2b9d9", 1 },
		{ "family 0", "0000a147e112a643", 0 },
		{ "family 3", "0003a147e112a643", 0 },
		{ "IPv4, 7 bytes", "0001a147e112a6", 0 },
		{ "IPv4, 12 bytes", "0001a147e112a64300000000", 0 },
		{ "IPv4 family, IPv6 length",
		  "0001a1470113a9faa5d3f179bc25f4b5bed2b9d9", 0 },
		{ "IPv6 family, IPv4 length", "0002a147e112a643", 0 },
		{ "IPv6, 19 bytes",
		  "0002a1470113a9faa5d3f179bc25f4b5bed2b9", 0 },
		{ "3 bytes", "0001a1", 0 },
		{ "empty", "", 0 },
	};
	struct sockaddr_storage ss;
	struct stun_msg m;
	struct stun_attr bogus;
	uint16_t t = STUN_A_XOR_PEER_ADDRESS;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		mkattrs(&m, &t, &cases[i].val, 1);
		tap_is_int(stun_get_xor_addr(&m, &m.attrs[0], &ss),
		    cases[i].ok ? 0 : -1, cases[i].name);
		tap_ok(stun_get_addr(&m, &m.attrs[0], &ss) ==
		    (cases[i].ok ? 0 : -1), "%s (no XOR)", cases[i].name);
	}
	mkattrs(&m, &t, &cases[1].val, 1);
	tap_ok(stun_get_xor_addr(&m, &m.attrs[0], &ss) == 0 &&
	    addr_is(&ss, "192.0.2.1", 32853),
	    "IPv4 is XORed with the cookie only");
	mkattrs(&m, &t, &cases[2].val, 1);
	tap_ok(stun_get_xor_addr(&m, &m.attrs[0], &ss) == 0 &&
	    ss.ss_family == AF_INET6 &&
	    !addr_is(&ss, "2001:db8:1234:5678:11:2233:4455:6677", 32853),
	    "IPv6 is XORed with the tid too: another tid, another address");
	tap_is_int(stun_get_addr(&m, NULL, &ss), -1, "NULL attribute");
	bogus = m.attrs[0];
	bogus.off = (uint16_t)(m.len - 4);
	tap_is_int(stun_get_addr(&m, &bogus, &ss), -1,
	    "attribute past the message");
	tap_ok(stun_find(&m, STUN_A_XOR_MAPPED_ADDRESS) == NULL,
	    "stun_find: absent is NULL");
}

/* ERROR-CODE: class 3..6, number 0..99, reason up to STUN_MAX_REASON. */
static void
test_get_error(void)
{
	static const struct {
		const char	*name;
		const char	*val;
		int		 code;	/* -1: refused */
	} cases[] = {
		{ "300", "00000300", 300 },
		{ "699", "00000663", 699 },
		{ "420 with reason", "00000414" "556e6b6e6f776e", 420 },
		{ "reserved bits ignored", "fffffb01", 301 },
		{ "class 2", "00000263", -1 },
		{ "class 7", "00000700", -1 },
		{ "class 0", "00000000", -1 },
		{ "number 100", "00000464", -1 },
		{ "number 255", "000004ff", -1 },
		{ "3 bytes", "000004", -1 },
		{ "empty", "", -1 },
	};
	char longreason[2 * (STUN_MAX_REASON + 5) + 1];
	const char *val;
	const uint8_t *reason;
	struct stun_msg m;
	uint16_t t = STUN_A_ERROR_CODE;
	unsigned code;
	size_t i, rlen;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		mkattrs(&m, &t, &cases[i].val, 1);
		code = 0;
		tap_ok(stun_get_error(&m, &m.attrs[0], &code, &reason,
		    &rlen) == (cases[i].code == -1 ? -1 : 0) &&
		    (cases[i].code == -1 || code == (unsigned)cases[i].code),
		    "ERROR-CODE %s", cases[i].name);
	}
	mkattrs(&m, &t, &cases[2].val, 1);
	tap_ok(stun_get_error(&m, &m.attrs[0], &code, &reason, &rlen) == 0 &&
	    rlen == 7 && memcmp(reason, "Unknown", 7) == 0, "reason bytes");

	memcpy(longreason, "00000401", 8);
	memset(longreason + 8, '4', 2 * STUN_MAX_REASON);
	longreason[8 + 2 * STUN_MAX_REASON] = '\0';
	val = longreason;
	mkattrs(&m, &t, &val, 1);
	tap_ok(stun_get_error(&m, &m.attrs[0], &code, &reason, &rlen) == 0 &&
	    rlen == STUN_MAX_REASON, "reason of STUN_MAX_REASON bytes");
	memcpy(longreason + 8 + 2 * STUN_MAX_REASON, "44", 3);
	mkattrs(&m, &t, &val, 1);
	tap_is_int(stun_get_error(&m, &m.attrs[0], &code, &reason, &rlen), -1,
	    "reason one byte longer: refused");
}

/* The fixed-size getters: u32, CHANNEL-NUMBER, address family. */
static void
test_get_fixed(void)
{
	static const uint16_t t[] = {
		STUN_A_LIFETIME, STUN_A_LIFETIME, STUN_A_LIFETIME,
		STUN_A_CHANNEL_NUMBER, STUN_A_CHANNEL_NUMBER,
		STUN_A_CHANNEL_NUMBER, STUN_A_CHANNEL_NUMBER,
		STUN_A_REQUESTED_ADDRESS_FAMILY,
		STUN_A_REQUESTED_ADDRESS_FAMILY,
		STUN_A_REQUESTED_ADDRESS_FAMILY,
		STUN_A_REQUESTED_ADDRESS_FAMILY,
		STUN_A_REQUESTED_ADDRESS_FAMILY,
	};
	static const char *v[] = {
		"00000258", "000258", "0000025800",
		"40010000", "4fffffff", "4001", "4001000000000000",
		"01000000", "02ffffff", "03000000", "00000000", "01000000ff",
	};
	struct stun_msg m;
	uint32_t u = 0;
	uint16_t ch = 0;
	int af = 0;

	mkattrs(&m, t, v, sizeof(t) / sizeof(t[0]));
	tap_is_int(m.nattrs, sizeof(t) / sizeof(t[0]), "fixed: all indexed");
	tap_ok(stun_get_u32(&m, &m.attrs[0], &u) == 0 && u == 600, "u32");
	tap_is_int(stun_get_u32(&m, &m.attrs[1], &u), -1, "u32 of 3 bytes");
	tap_is_int(stun_get_u32(&m, &m.attrs[2], &u), -1, "u32 of 5 bytes");
	tap_is_int(stun_get_u32(&m, NULL, &u), -1, "u32 of NULL");
	tap_ok(stun_get_channel(&m, &m.attrs[3], &ch) == 0 && ch == 0x4001,
	    "channel");
	tap_ok(stun_get_channel(&m, &m.attrs[4], &ch) == 0 && ch == 0x4fff,
	    "channel: RFFU ignored (RFC 8656 §18.1)");
	tap_is_int(stun_get_channel(&m, &m.attrs[5], &ch), -1,
	    "channel of 2 bytes");
	tap_is_int(stun_get_channel(&m, &m.attrs[6], &ch), -1,
	    "channel of 8 bytes");
	tap_ok(stun_get_family(&m, &m.attrs[7], &af) == 0 && af == AF_INET,
	    "family 1: AF_INET");
	tap_ok(stun_get_family(&m, &m.attrs[8], &af) == 0 && af == AF_INET6,
	    "family 2: AF_INET6, RFFU ignored");
	tap_is_int(stun_get_family(&m, &m.attrs[9], &af), -1, "family 3");
	tap_is_int(stun_get_family(&m, &m.attrs[10], &af), -1, "family 0");
	tap_is_int(stun_get_family(&m, &m.attrs[11], &af), -1,
	    "family of 5 bytes");
}

/* A message with one of everything, and MI + MI-SHA256 + FINGERPRINT. */
static ssize_t
build_full(uint8_t *buf, size_t cap, int integrity, int fingerprint)
{
	static const uint16_t unk[] = { 0x0002, 0x7fff };
	struct sockaddr_storage a4, a6;
	struct stun_builder b;

	mkaddr(&a4, "203.0.113.7", 3478);
	mkaddr(&a6, "2001:db8::1", 49152);
	stun_build_init(&b, buf, cap, stun_type(STUN_ALLOCATE, STUN_REQUEST),
	    tid0);
	stun_add_bytes(&b, STUN_A_USERNAME, "alice", 5);
	stun_add_bytes(&b, STUN_A_REALM, "chorus", 6);
	stun_add_bytes(&b, STUN_A_NONCE, "0123456", 7);
	stun_add_u32(&b, STUN_A_REQUESTED_TRANSPORT, 17u << 24);
	stun_add_u32(&b, STUN_A_LIFETIME, 600);
	stun_add_xor_addr(&b, STUN_A_XOR_PEER_ADDRESS, (struct sockaddr *)&a4);
	stun_add_xor_addr(&b, STUN_A_XOR_PEER_ADDRESS, (struct sockaddr *)&a6);
	stun_add_addr(&b, STUN_A_MAPPED_ADDRESS, (struct sockaddr *)&a6);
	stun_add_channel(&b, 0x4abc);
	stun_add_error(&b, 438, NULL);
	stun_add_unknown(&b, unk, 2);
	stun_add_bytes(&b, STUN_A_DATA, "\x01\x02\x03", 3);
	if (integrity & 1)
		stun_add_integrity(&b, key1, sizeof(key1));
	if (integrity & 2)
		stun_add_integrity_sha256(&b, key1, sizeof(key1));
	if (fingerprint)
		stun_add_fingerprint(&b);
	return stun_build_finish(&b);
}

/* Built, parsed, every value back, both MACs verify. */
static void
test_round_trip(void)
{
	struct sockaddr_storage ss;
	struct stun_msg m;
	const uint8_t *reason;
	size_t rlen;
	unsigned code;
	uint32_t u;
	uint16_t ch;
	ssize_t n = build_full(msgbuf, sizeof(msgbuf), 3, 1);

	tap_ok(n > 0 && n % 4 == 0, "built (%zd bytes)", n);
	tap_is_int(stun_parse(&m, msgbuf, (size_t)n), STUN_OK, "parses back");
	tap_ok(m.method == STUN_ALLOCATE && m.cls == STUN_REQUEST &&
	    memcmp(m.tid, tid0, STUN_TID_LEN) == 0, "type and tid");
	tap_ok(m.nattrs == 15 && m.mi == 12 && m.mi256 == 13 &&
	    m.fingerprint == 14,
	    "15 attributes, MI/MI-SHA256/FINGERPRINT last");
	tap_is_int(stun_check_integrity(&m, key1, sizeof(key1)), 0,
	    "MESSAGE-INTEGRITY verifies");
	tap_is_int(stun_check_integrity_sha256(&m, key1, sizeof(key1)), 0,
	    "MESSAGE-INTEGRITY-SHA256 verifies (covering MI)");
	tap_is_int(stun_check_integrity(&m, key2, sizeof(key2)), -1,
	    "MI: wrong key fails");
	tap_is_int(stun_check_integrity_sha256(&m, key2, sizeof(key2)), -1,
	    "MI-SHA256: wrong key fails");
	tap_ok(m.attrs[m.mi256].len == 32, "MI-SHA256 is the full 32 bytes");
	tap_ok(attr_is(&m, STUN_A_USERNAME, "alice", 5) &&
	    attr_is(&m, STUN_A_REALM, "chorus", 6) &&
	    attr_is(&m, STUN_A_NONCE, "0123456", 7) &&
	    attr_is(&m, STUN_A_DATA, "\x01\x02\x03", 3), "byte values");
	tap_ok(stun_get_u32(&m, stun_find(&m, STUN_A_REQUESTED_TRANSPORT),
	    &u) == 0 && u == 17u << 24, "REQUESTED-TRANSPORT UDP");
	tap_ok(stun_get_xor_addr(&m, &m.attrs[5], &ss) == 0 &&
	    addr_is(&ss, "203.0.113.7", 3478), "XOR-PEER-ADDRESS IPv4");
	tap_ok(stun_get_xor_addr(&m, &m.attrs[6], &ss) == 0 &&
	    addr_is(&ss, "2001:db8::1", 49152), "XOR-PEER-ADDRESS IPv6");
	tap_ok(stun_get_addr(&m, &m.attrs[7], &ss) == 0 &&
	    addr_is(&ss, "2001:db8::1", 49152), "MAPPED-ADDRESS IPv6");
	tap_ok(stun_get_channel(&m, &m.attrs[8], &ch) == 0 && ch == 0x4abc,
	    "CHANNEL-NUMBER");
	tap_ok(stun_get_error(&m, &m.attrs[9], &code, &reason, &rlen) == 0 &&
	    code == 438 && rlen == strlen("Stale Nonce") &&
	    memcmp(reason, "Stale Nonce", rlen) == 0,
	    "ERROR-CODE 438 with the standard reason");
	tap_ok(attr_is(&m, STUN_A_UNKNOWN_ATTRIBUTES, "\x00\x02\x7f\xff", 4),
	    "UNKNOWN-ATTRIBUTES");
}

/* Any one byte changed makes parse or a check fail, for each layout. */
static void
test_flips(void)
{
	static const struct {
		const char	*name;
		int		 integrity;
		int		 fingerprint;
	} layouts[] = {
		{ "MI + MI-SHA256 + FINGERPRINT", 3, 1 },
		{ "MI + MI-SHA256", 3, 0 },
		{ "MI only", 1, 0 },
		{ "MI-SHA256 only", 2, 0 },
		{ "FINGERPRINT only", 0, 1 },
	};
	static const uint8_t masks[] = { 0x01, 0x80, 0xff };
	uint8_t good[512], bad[512];
	struct stun_msg m;
	size_t i, j, k, pos, caught;
	ssize_t n;
	int failed;

	for (i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++) {
		n = build_full(good, sizeof(good), layouts[i].integrity,
		    layouts[i].fingerprint);
		caught = 0;
		pos = SIZE_MAX;
		for (j = 0; j < (size_t)n; j++) {
			for (k = 0; k < sizeof(masks); k++) {
				memcpy(bad, good, (size_t)n);
				bad[j] ^= masks[k];
				/*
				 * FINGERPRINT is not covered by the MACs: a
				 * receiver that wants one checks it is there.
				 */
				failed = stun_parse(&m, bad, (size_t)n) !=
				    STUN_OK ||
				    (layouts[i].fingerprint &&
				    m.fingerprint == -1) ||
				    ((layouts[i].integrity & 1) &&
				    stun_check_integrity(&m, key1,
				    sizeof(key1)) != 0) ||
				    ((layouts[i].integrity & 2) &&
				    stun_check_integrity_sha256(&m, key1,
				    sizeof(key1)) != 0);
				if (failed)
					caught++;
				else if (pos == SIZE_MAX)
					pos = j;
			}
		}
		tap_ok(caught == (size_t)n * sizeof(masks),
		    "%s: every changed byte caught (first miss at %zd)",
		    layouts[i].name, pos == SIZE_MAX ? (ssize_t)-1 :
		    (ssize_t)pos);
	}
}

/* Overflow and bad arguments make stun_build_finish fail. */
static void
test_build_errors(void)
{
	struct sockaddr_storage ss;
	struct stun_builder b;
	uint8_t small[512];
	ssize_t full = build_full(small, sizeof(small), 3, 1), n;
	size_t cap;
	int bad = 0;

	for (cap = 0; cap < (size_t)full; cap++)
		if (build_full(small, cap, 3, 1) != -1)
			bad++;
	tap_ok(bad == 0 && build_full(small, (size_t)full, 3, 1) == full,
	    "every capacity short of %zd fails, exactly %zd fits", full, full);

	stun_build_init(&b, small, sizeof(small), 0x0001, tid0);
	tap_is_int(stun_add_error(&b, 299, "x"), -1, "error code 299 refused");
	tap_is_int(stun_build_finish(&b), -1, "... and finish fails");
	stun_build_init(&b, small, sizeof(small), 0x0001, tid0);
	tap_is_int(stun_add_error(&b, 700, "x"), -1, "error code 700 refused");
	stun_build_init(&b, small, sizeof(small), 0x0001, tid0);
	memset(small + 256, 'a', STUN_MAX_REASON + 1);
	small[256 + STUN_MAX_REASON + 1] = '\0';
	tap_is_int(stun_add_error(&b, 400, (char *)small + 256), -1,
	    "reason of STUN_MAX_REASON + 1 bytes refused");
	stun_build_init(&b, small, sizeof(small), 0x0001, tid0);
	memset(&ss, 0, sizeof(ss));
	ss.ss_family = AF_UNIX;
	tap_is_int(stun_add_xor_addr(&b, STUN_A_XOR_PEER_ADDRESS,
	    (struct sockaddr *)&ss), -1, "AF_UNIX address refused");
	tap_is_int(stun_build_finish(&b), -1, "... and finish fails");
	stun_build_init(&b, small, sizeof(small), 0x0001, tid0);
	tap_is_int(stun_add_bytes(&b, STUN_A_DATA, bigval, 65536), -1,
	    "value over 65535 bytes refused");

	/* The builder stops at STUN_MAX_MSG whatever the buffer. */
	stun_build_init(&b, msgbuf, sizeof(msgbuf), 0x0001, tid0);
	tap_is_int(stun_add_bytes(&b, STUN_A_DATA, bigval, 65508), 0,
	    "65532-byte message fits");
	n = stun_build_finish(&b);
	tap_is_int(n, 65532, "its length");
	stun_build_init(&b, msgbuf, sizeof(msgbuf), 0x0001, tid0);
	tap_is_int(stun_add_bytes(&b, STUN_A_DATA, bigval, 65512), -1,
	    "65536-byte message does not");
}

/* Unknown comprehension-required attributes, and the 420 for them. */
static void
test_unknown(void)
{
	static const uint16_t t[] = {
		0x0002, 0x7fff, 0x0002, 0x8123, 0x0000, STUN_A_USERNAME,
		STUN_A_CONNECTION_ID, 0x7fff,
	};
	static const char *v[] = { "", "", "", "", "", "", "", "" };
	uint16_t many[STUN_MAX_UNKNOWN + 4];
	const char *vals[STUN_MAX_UNKNOWN + 4];
	struct stun_builder b;
	struct stun_msg m;
	const uint8_t *reason;
	unsigned code;
	size_t i, rlen;
	ssize_t n;

	mkattrs(&m, t, v, sizeof(t) / sizeof(t[0]));
	tap_ok(m.nunknown == 3 && m.unknown[0] == 0x0002 &&
	    m.unknown[1] == 0x7fff && m.unknown[2] == 0x0000,
	    "unknown required types listed once each, optional ones not");
	stun_build_init(&b, msgbuf, sizeof(msgbuf),
	    stun_type(STUN_BINDING, STUN_ERROR), tid0);
	stun_add_error(&b, 420, NULL);
	stun_add_unknown(&b, m.unknown, m.nunknown);
	n = stun_build_finish(&b);
	tap_ok(n == 20 + 4 + 4 + 17 + 3 + 4 + 6 + 2, "420 response length");
	tap_is_mem(msgbuf + 48, "\x00\x0a\x00\x06\x00\x02\x7f\xff\x00\x00"
	    "\x00\x00", 12, "UNKNOWN-ATTRIBUTES: 6 bytes, zero padded");
	tap_is_int(stun_parse(&m, msgbuf, (size_t)n), STUN_OK, "420 parses");
	tap_ok(m.cls == STUN_ERROR && stun_get_error(&m, &m.attrs[0], &code,
	    &reason, &rlen) == 0 && code == 420 &&
	    rlen == strlen("Unknown Attribute"), "420 Unknown Attribute");

	for (i = 0; i < STUN_MAX_UNKNOWN + 4; i++) {
		many[i] = (uint16_t)(0x0100 + i);
		vals[i] = "";
	}
	mkattrs(&m, many, vals, STUN_MAX_UNKNOWN + 4);
	tap_ok(m.nunknown == STUN_MAX_UNKNOWN &&
	    m.nattrs == STUN_MAX_UNKNOWN + 4, "unknown list capped at "
	    "STUN_MAX_UNKNOWN, all still indexed");
}

/* Values pad to 4 with zeroes; the header length follows. */
static void
test_padding(void)
{
	static const uint8_t val[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	static const uint8_t zero[3];
	struct stun_builder b;
	struct stun_msg m;
	size_t len, pad;
	ssize_t n;
	int bad = 0;

	for (len = 0; len <= 8; len++) {
		pad = (4 - len % 4) % 4;
		memset(msgbuf, 0xee, 64);
		stun_build_init(&b, msgbuf, sizeof(msgbuf), 0x0001, tid0);
		stun_add_bytes(&b, STUN_A_DATA, val, len);
		n = stun_build_finish(&b);
		if (n != (ssize_t)(20 + 4 + len + pad) ||
		    msgbuf[3] != 4 + len + pad || msgbuf[23] != len ||
		    memcmp(msgbuf + 24 + len, zero, pad) != 0 ||
		    stun_parse(&m, msgbuf, (size_t)n) != STUN_OK ||
		    !attr_is(&m, STUN_A_DATA, val, len))
			bad++;
	}
	tap_is_int(bad, 0, "values of 0..8 bytes: padded with zeroes");
	n = mk(msgbuf, "00130001" "41ffffff");
	tap_ok(stun_parse(&m, msgbuf, (size_t)n) == STUN_OK &&
	    attr_is(&m, STUN_A_DATA, "A", 1), "non-zero padding ignored");
}

/* Type encoding (RFC 8489 §5) and the quick checks. */
static void
test_type(void)
{
	uint16_t method;
	uint8_t cls;
	int bad = 0;

	tap_is_int(stun_type(STUN_BINDING, STUN_REQUEST), 0x0001, "0x0001");
	tap_is_int(stun_type(STUN_BINDING, STUN_SUCCESS), 0x0101, "0x0101");
	tap_is_int(stun_type(STUN_BINDING, STUN_ERROR), 0x0111, "0x0111");
	tap_is_int(stun_type(STUN_ALLOCATE, STUN_ERROR), 0x0113, "0x0113");
	tap_is_int(stun_type(STUN_SEND, STUN_INDICATION), 0x0016, "0x0016");
	tap_is_int(stun_type(STUN_DATA, STUN_INDICATION), 0x0017, "0x0017");
	tap_is_int(stun_type(0xfff, STUN_ERROR), 0x3fff, "0x3fff");
	for (method = 0; method <= 0xfff; method++)
		for (cls = 0; cls <= 3; cls++)
			if (stun_type_method(stun_type(method, cls)) !=
			    method ||
			    stun_type_class(stun_type(method, cls)) != cls)
				bad++;
	tap_is_int(bad, 0, "every method and class round-trips");

	vec(rfc5769_request);
	tap_ok(stun_is_stun(msgbuf, 108) && stun_is_stun(msgbuf, 20),
	    "stun_is_stun: the sample request, and its header");
	tap_ok(!stun_is_stun(msgbuf, 19), "stun_is_stun: 19 bytes");
	tap_is_int(stun_message_len(msgbuf, 108), 108, "stun_message_len");
	tap_is_int(stun_message_len(msgbuf, 20), 108,
	    "stun_message_len from the header alone");
	msgbuf[4] ^= 1;
	tap_ok(!stun_is_stun(msgbuf, 108) && stun_message_len(msgbuf, 108) == 0,
	    "bad cookie: not STUN");
	msgbuf[4] ^= 1;
	msgbuf[0] = 0x80;
	tap_ok(!stun_is_stun(msgbuf, 108), "top bits 10: not STUN");
	msgbuf[0] = 0x00;
	msgbuf[3] = 0x59;
	tap_is_int(stun_message_len(msgbuf, 108), 0,
	    "stun_message_len: length not a multiple of 4");
}

/* Reason phrases and error strings. */
static void
test_strings(void)
{
	static const unsigned codes[] = {
		300, 400, 401, 403, 405, 420, 437, 438, 440, 441, 442, 443,
		446, 447, 486, 500, 508,
	};
	enum stun_error e;
	size_t i;
	int bad = 0;

	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		if (stun_reason(codes[i])[0] == '\0')
			bad++;
	tap_is_int(bad, 0, "every listed code has a phrase");
	tap_is_str(stun_reason(401), "Unauthenticated", "401 (RFC 8489)");
	tap_is_str(stun_reason(437), "Allocation Mismatch", "437");
	tap_is_str(stun_reason(508), "Insufficient Capacity", "508");
	tap_is_str(stun_reason(499), "", "499: none");
	for (e = STUN_OK; e <= STUN_EINTEGRITY; e++)
		if (strcmp(stun_strerror(e), "unknown error") == 0)
			bad++;
	tap_is_int(bad, 0, "every error has a string");
}

/* ChannelData (RFC 8656 §12.4): parse and header. */
static void
test_channeldata(void)
{
	static const struct {
		const char	*name;
		const char	*hex;
		int		 ok;
	} cases[] = {
		{ "3 bytes", "400000030102030000", 1 },
		{ "UDP without padding", "40000003010203", 1 },
		{ "empty data", "4fff0000", 1 },
		{ "channel 0x3fff", "3fff0000", 0 },
		{ "channel 0x5000 (RFC 5766 range)", "50000000", 1 },
		{ "channel 0x7fff", "7fff0000", 1 },
		{ "channel 0x8000", "80000000", 0 },
		{ "length past the datagram", "4000000501020300", 0 },
		{ "3-byte header", "400000", 0 },
	};
	uint8_t buf[16], hdr[STUN_CHANNELDATA_HDR];
	const uint8_t *data;
	uint16_t ch;
	size_t i, n, dlen;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		n = tap_unhex(cases[i].hex, buf, sizeof(buf));
		tap_is_int(stun_channeldata_parse(buf, n, &ch, &data, &dlen),
		    cases[i].ok ? 0 : -1, cases[i].name);
	}
	n = tap_unhex(cases[0].hex, buf, sizeof(buf));
	tap_ok(stun_channeldata_parse(buf, n, &ch, &data, &dlen) == 0 &&
	    ch == 0x4000 && dlen == 3 && data == buf + 4, "fields");
	stun_channeldata_header(hdr, 0x4abc, 0x1234);
	tap_is_mem(hdr, "\x4a\xbc\x12\x34", 4, "header bytes");
	tap_is_int(stun_channeldata_parse(NULL, 0, &ch, &data, &dlen), -1,
	    "NULL");
}

/* Every prefix of a frame needs more; the whole frame is one frame. */
static void
frame_prefixes(const char *name, const uint8_t *p, size_t frame,
    size_t total)
{
	size_t k, consume;
	ssize_t r;
	int bad = 0;

	for (k = 0; k < total; k++)
		if (stun_stream_frame(p, k, &consume) != 0)
			bad++;
	tap_is_int(bad, 0, name);
	consume = 0;
	r = stun_stream_frame(p, total, &consume);
	tap_ok(r == (ssize_t)frame && consume == total,
	    "%s: complete: frame %zd, consume %zu", name, r, consume);
	r = stun_stream_frame(p, total + 7, &consume);
	tap_ok(r == (ssize_t)frame && consume == total,
	    "%s: with the next frame behind it", name);
}

/* Stream framing (RFC 8489 §6.2.2, RFC 8656 §12.5). */
static void
test_stream(void)
{
	uint8_t buf[128];
	size_t consume;
	size_t n;

	memset(buf, 0xab, sizeof(buf));
	n = tap_unhex(rfc5769_request, buf, sizeof(buf));
	frame_prefixes("STUN prefixes", buf, n, n);
	memset(buf, 0xab, sizeof(buf));
	stun_channeldata_header(buf, 0x4001, 5);
	frame_prefixes("ChannelData prefixes", buf, 9, 12);
	stun_channeldata_header(buf, 0x4001, 0);
	frame_prefixes("empty ChannelData", buf, 4, 4);
	stun_channeldata_header(buf, 0x4fff, 8);
	frame_prefixes("ChannelData, no padding needed", buf, 12, 12);

	buf[0] = 0x80;
	tap_is_int(stun_stream_frame(buf, 1, &consume), -1, "0x80: -1");
	buf[0] = 0x50;
	tap_is_int(stun_stream_frame(buf, 1, &consume), 0, "0x50: ChannelData, wait");
	buf[0] = 0x3f;
	tap_is_int(stun_stream_frame(buf, 1, &consume), 0, "0x3f: wait");
	tap_is_int(stun_stream_frame(buf, 0, &consume), 0, "empty: wait");
	n = tap_unhex(rfc5769_request, buf, sizeof(buf));
	buf[3] = 0x59;
	tap_is_int(stun_stream_frame(buf, 4, &consume), -1,
	    "STUN length not a multiple of 4: -1 from 4 bytes");
	buf[3] = 0x58;
	buf[7] ^= 1;
	tap_is_int(stun_stream_frame(buf, 7, &consume), 0,
	    "bad cookie, 7 bytes: wait");
	tap_is_int(stun_stream_frame(buf, 8, &consume), -1,
	    "bad cookie, 8 bytes: -1");
	buf[7] ^= 1;
	buf[2] = 0xff;
	buf[3] = 0xec;
	tap_is_int(stun_stream_frame(buf, 8, &consume), -1,
	    "STUN length 65516: over STUN_MAX_MSG");
	buf[3] = 0xe8;
	tap_is_int(stun_stream_frame(buf, 8, &consume), 0,
	    "STUN length 65512: wait");
	stun_channeldata_header(buf, 0x4000, 0xffff);
	tap_is_int(stun_stream_frame(buf, 8, &consume), 0,
	    "ChannelData length 65535: wait");
	(void)n;
}

/* Digests and MACs: RFC 1321, FIPS 180-2, RFC 2202, RFC 4231. */
static void
test_crypto(void)
{
	static const char jefe_data[] = "what do ya want for nothing?";
	uint8_t key[20], out[CRYPTO_SHA256_LEN], want[CRYPTO_SHA256_LEN];

	memset(key, 0x0b, sizeof(key));
	tap_unhex("900150983cd24fb0d6963f7d28e17f72", want, sizeof(want));
	tap_ok(crypto_md5("abc", 3, out) == 0 &&
	    memcmp(out, want, CRYPTO_MD5_LEN) == 0, "MD5(\"abc\") RFC 1321");
	tap_unhex("ba7816bf8f01cfea414140de5dae2223"
	    "b00361a396177a9cb410ff61f20015ad", want, sizeof(want));
	tap_ok(crypto_sha256("abc", 3, out) == 0 &&
	    memcmp(out, want, CRYPTO_SHA256_LEN) == 0, "SHA-256(\"abc\")");
	tap_unhex("b617318655057264e28bc0b6fb378c8ef146be00", want,
	    sizeof(want));
	tap_ok(crypto_hmac_sha1(key, 20, "Hi There", 8, out) == 0 &&
	    memcmp(out, want, CRYPTO_SHA1_LEN) == 0, "HMAC-SHA1 RFC 2202 #1");
	tap_unhex("effcdf6ae5eb2fa2d27416d5f184df9c259a7c79", want,
	    sizeof(want));
	tap_ok(crypto_hmac_sha1("Jefe", 4, jefe_data, 28, out) == 0 &&
	    memcmp(out, want, CRYPTO_SHA1_LEN) == 0, "HMAC-SHA1 RFC 2202 #2");
	tap_ok(crypto_hmac_sha1_2("Jefe", 4, jefe_data, 10, jefe_data + 10,
	    18, out) == 0 && memcmp(out, want, CRYPTO_SHA1_LEN) == 0,
	    "HMAC-SHA1 of two parts");
	tap_unhex("b0344c61d8db38535ca8afceaf0bf12b"
	    "881dc200c9833da726e9376c2e32cff7", want, sizeof(want));
	tap_ok(crypto_hmac_sha256(key, 20, "Hi There", 8, out) == 0 &&
	    memcmp(out, want, CRYPTO_SHA256_LEN) == 0,
	    "HMAC-SHA256 RFC 4231 #1");
	tap_unhex("5bdcc146bf60754e6a042426089575c7"
	    "5a003f089d2739839dec58b964ec3843", want, sizeof(want));
	tap_ok(crypto_hmac_sha256("Jefe", 4, jefe_data, 28, out) == 0 &&
	    memcmp(out, want, CRYPTO_SHA256_LEN) == 0,
	    "HMAC-SHA256 RFC 4231 #2");
	tap_ok(crypto_hmac_sha256_2("Jefe", 4, jefe_data, 0, jefe_data,
	    28, out) == 0 && memcmp(out, want, CRYPTO_SHA256_LEN) == 0,
	    "HMAC-SHA256 of two parts, first empty");
	tap_ok(crypto_hmac_sha256(NULL, 0, NULL, 0, out) == 0,
	    "HMAC-SHA256 with empty key and message");
}

int
main(void)
{
	test_rfc5769_request();
	test_rfc5769_responses();
	test_rfc5769_longterm();
	test_rfc8489_b1();
	test_parse_errors();
	test_parse_header();
	test_parse_many();
	test_get_addr();
	test_get_error();
	test_get_fixed();
	test_round_trip();
	test_flips();
	test_build_errors();
	test_unknown();
	test_padding();
	test_type();
	test_strings();
	test_channeldata();
	test_stream();
	test_crypto();
	return tap_done();
}

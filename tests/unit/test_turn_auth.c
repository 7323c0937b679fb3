/*
 * test_turn_auth.c - long-term keys and USERHASH against vectors computed
 * with Python's hashlib, REST passwords against Python's hmac, the REST
 * expiry parser, and nonces: a fixed vector, every 5-tuple field, the
 * clock edges, key rotation and every single-character change.
 *
 * Vector provenance: RFC 5769 §2.4 gives the username, realm and password
 * but not the key; the MD5 and SHA-256 keys below are
 *	hashlib.md5('マトリックス:example.org:TheMatrIX'.encode()).hexdigest()
 * (and .sha256), Python 3.11.  REST passwords are
 *	base64.b64encode(hmac.new(secret, username, hashlib.sha1).digest()).
 * The nonce vectors come from a Python model of doc/PROTOCOL.md
 * "TURN nonces", written from the document, not from lib/turn_auth.c.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "chorus/stun.h"
#include "chorus/turn_auth.h"
#include "../tap.h"

#define MD5	STUN_PASSWORD_MD5
#define SHA256	STUN_PASSWORD_SHA256
#define NOW	1700000000ull
#define LIFE	600ull
#define UDP	17
#define TCP	6
#define NONCE_BUF	(TURN_AUTH_NONCE_LEN + 1)

static const char b64alpha[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";


/* Fill ss with ip (v4 or v6 text) and port. */
static struct sockaddr *
mkaddr(struct sockaddr_storage *ss, const char *ip, uint16_t port)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, ip, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
	} else if (inet_pton(AF_INET6, ip, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
	} else
		tap_ok(0, "bad test address %s", ip);
	return (struct sockaddr *)ss;
}

/* Long-term keys: RFC 5769 §2.4 credentials and simple ones. */
static void
test_key_vectors(void)
{
	static const struct {
		int		 alg;
		const char	*user, *realm, *pass, *hex;
	} v[] = {
		/* RFC 5769 §2.4: U+30DE U+30C8 U+30EA U+30C3 U+30AF U+30B9 */
		{ MD5, "\xe3\x83\x9e\xe3\x83\x88\xe3\x83\xaa\xe3\x83\x83"
		  "\xe3\x82\xaf\xe3\x82\xb9", "example.org", "TheMatrIX",
		  "e8ca7ad59d5eb0518e312911d2dab2a9" },
		{ SHA256, "\xe3\x83\x9e\xe3\x83\x88\xe3\x83\xaa\xe3\x83\x83"
		  "\xe3\x82\xaf\xe3\x82\xb9", "example.org", "TheMatrIX",
		  "dd295a613b9058c3c23d6dc7165bda07"
		  "2304d989c9d0af3a8c7e184b4f9bb4a1" },
		{ MD5, "user", "realm", "pass",
		  "8493fbc53ba582fb4c044c456bdc40eb" },
		{ SHA256, "user", "realm", "pass",
		  "07e934117abd40836e7c6329b54731b2"
		  "b2d2a5f9a71f544922d75e0730d8251b" },
		{ MD5, "alice", "chorus.example", "hunter2",
		  "e963ac7ff74b93fed37d585c92f56b52" },
		{ SHA256, "alice", "chorus.example", "hunter2",
		  "f0756e835ee6117862c17d6223c26147"
		  "de87ffe116022c03c09d1d862dfe42dd" },
		/* A REST username: ':' inside the name is hashed as is. */
		{ MD5, "1700000000:alice", "chorus.example",
		  "Cd/49soE35ICqcJF/bCTn8Z4OyE=",
		  "08b78d332e702db75979d97e77fd5288" },
		{ SHA256, "1700000000:alice", "chorus.example",
		  "Cd/49soE35ICqcJF/bCTn8Z4OyE=",
		  "d5243e832ec19c98a5b25215fc90f1d0"
		  "bfb5d2bf83e46495bec43b76193163d3" },
		/* Any bytes but NUL; empty realm and password. */
		{ MD5, "\xff\xfe", "r\xe9" "alm", "p\x01ss",
		  "1ae69c6aabe9fef56ac1c1044930e384" },
		{ SHA256, "u", "", "",
		  "476ffcc923263640f7facaf66fedd29e"
		  "42a05e3c7b0cb1237629ae2d49da837d" },
	};
	uint8_t key[TURN_AUTH_KEY_MAX], want[TURN_AUTH_KEY_MAX];
	size_t i, n;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		n = tap_unhex(v[i].hex, want, sizeof(want));
		memset(key, 0xaa, sizeof(key));
		tap_ok(turn_auth_key(v[i].alg, v[i].user, v[i].realm,
		    v[i].pass, key) == (int)n, "key %zu: length %zu", i, n);
		tap_is_mem(key, want, n, "key vector");
	}
}

/* Every argument turn_auth_key refuses, with the output wiped. */
static void
test_key_errors(void)
{
	char user[TURN_AUTH_MAX_USERNAME + 2];
	char realm[TURN_AUTH_MAX_REALM + 2];
	char pass[TURN_AUTH_MAX_PASSWORD + 2];
	uint8_t key[TURN_AUTH_KEY_MAX];
	int wiped = 1, rc;

	memset(user, 'u', sizeof(user) - 1);
	memset(realm, 'r', sizeof(realm) - 1);
	memset(pass, 'p', sizeof(pass) - 1);
	user[sizeof(user) - 1] = realm[sizeof(realm) - 1] = '\0';
	pass[sizeof(pass) - 1] = '\0';

#define KEY_FAILS(alg, u, r, p, name) do {				\
	memset(key, 0xaa, sizeof(key));					\
	rc = turn_auth_key(alg, u, r, p, key);				\
	tap_is_int(rc, -1, name);					\
	if (!tap_is_zero(key, sizeof(key)))					\
		wiped = 0;						\
} while (0)
	KEY_FAILS(0, "u", "r", "p", "alg 0 refused");
	KEY_FAILS(3, "u", "r", "p", "alg 3 refused");
	KEY_FAILS(MD5, NULL, "r", "p", "NULL user");
	KEY_FAILS(MD5, "u", NULL, "p", "NULL realm");
	KEY_FAILS(SHA256, "u", "r", NULL, "NULL password");
	KEY_FAILS(MD5, "", "r", "p", "empty user");
	KEY_FAILS(MD5, user, "r", "p", "user one byte over the limit");
	KEY_FAILS(SHA256, "u", realm, "p", "realm one byte over the limit");
	KEY_FAILS(MD5, "u", "r", pass, "password one byte over the limit");
#undef KEY_FAILS
	tap_ok(wiped, "key wiped after every refusal");
	tap_is_int(turn_auth_key(MD5, "u", "r", "p", NULL), -1, "NULL out");

	user[TURN_AUTH_MAX_USERNAME] = '\0';
	realm[TURN_AUTH_MAX_REALM] = '\0';
	pass[TURN_AUTH_MAX_PASSWORD] = '\0';
	tap_is_int(turn_auth_key(SHA256, user, realm, pass, key), 32,
	    "user, realm and password at their limits");
}

/* USERHASH vectors and errors. */
static void
test_userhash(void)
{
	static const struct {
		const char	*user, *realm, *hex;
	} v[] = {
		{ "\xe3\x83\x9e\xe3\x83\x88\xe3\x83\xaa\xe3\x83\x83"
		  "\xe3\x82\xaf\xe3\x82\xb9", "example.org",
		  "4a3cf38fef6992bda952c6780417da0f"
		  "24819415569e60b205c46e41407f1704" },
		{ "user", "realm",
		  "6a3029116b47aa98bcaa325399733dc1"
		  "a23cd57e26b81bef3ff6531ce624e2da" },
		{ "1700000000:alice", "chorus.example",
		  "fb8b5fa395790585710540cef62abf8a"
		  "762fcf1e3339216cabbd34d216bf4a82" },
	};
	uint8_t h[32], want[32];
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		tap_unhex(v[i].hex, want, sizeof(want));
		tap_ok(turn_auth_userhash(v[i].user, v[i].realm, h) == 0,
		    "userhash %zu", i);
		tap_is_mem(h, want, sizeof(want), "userhash vector");
	}
	memset(h, 0xaa, sizeof(h));
	tap_is_int(turn_auth_userhash(NULL, "r", h), -1, "userhash NULL user");
	tap_ok(tap_is_zero(h, sizeof(h)), "userhash wiped on error");
	tap_is_int(turn_auth_userhash("u", NULL, h), -1,
	    "userhash NULL realm");
	tap_is_int(turn_auth_userhash("", "r", h), -1,
	    "userhash empty user");
}

/* REST passwords against Python's hmac, and the refusals. */
static void
test_rest_password(void)
{
	static const struct {
		const char	*secret, *user, *want;
	} v[] = {
		{ "north", "1700000000:alice", "Cd/49soE35ICqcJF/bCTn8Z4OyE=" },
		{ "0123456789abcdef0123456789abcdef", "1700000000",
		  "YnjIJpu97de+IQ3gVKW9ajbzygQ=" },
		{ "k", "99999:bob:x", "WLCAtYXWwPnTkkdb9LVP1KrPyzQ=" },
	};
	char out[TURN_AUTH_REST_PASSWORD_LEN + 1];
	char user[TURN_AUTH_MAX_USERNAME + 2];
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		memset(out, 'x', sizeof(out));
		tap_ok(turn_auth_rest_password(v[i].secret,
		    strlen(v[i].secret), v[i].user, out) == 0, "REST %zu", i);
		tap_is_str(out, v[i].want, "REST password vector");
	}
	tap_is_int(turn_auth_rest_password(NULL, 1, "u", out), -1,
	    "REST NULL secret");
	tap_is_int(turn_auth_rest_password("k", 0, "u", out), -1,
	    "REST empty secret");
	tap_is_int(turn_auth_rest_password("k", 1, NULL, out), -1,
	    "REST NULL username");
	tap_is_str(out, "", "REST out emptied on error");
	memset(user, '1', sizeof(user) - 1);
	user[sizeof(user) - 1] = '\0';
	tap_is_int(turn_auth_rest_password("k", 1, user, out), -1,
	    "REST username one byte over the limit");
	user[TURN_AUTH_MAX_USERNAME] = '\0';
	tap_is_int(turn_auth_rest_password("k", 1, user, out), 0,
	    "REST username at the limit");
}

/* The REST expiry parser. */
static void
test_rest_expiry(void)
{
	static const struct {
		const char	*user;
		int		 rc;
		int64_t		 want;
	} v[] = {
		{ "1700000000:alice", 0, 1700000000 },
		{ "1700000000", 0, 1700000000 },
		{ "0", 0, 0 },
		{ "1700000000:", 0, 1700000000 },
		{ "1700000000:a:b", 0, 1700000000 },
		{ "9223372036854775807:x", 0, INT64_MAX },
		{ "09223372036854775807", 0, INT64_MAX },	/* 20 digits */
		{ "00000000000000000001:x", 0, 1 },
		{ "000000000000000000001", -1, 0 },		/* 21 digits */
		{ "9223372036854775808:x", -1, 0 },		/* INT64_MAX+1 */
		{ "18446744073709551616", -1, 0 },		/* 2^64 */
		{ "99999999999999999999999:x", -1, 0 },
		{ ":alice", -1, 0 },
		{ "abc:alice", -1, 0 },
		{ "-5:x", -1, 0 },
		{ "+5:x", -1, 0 },
		{ " 5:x", -1, 0 },
		{ "5 :x", -1, 0 },
		{ "", -1, 0 },
		{ "17a:x", -1, 0 },
		{ "17.5", -1, 0 },
		{ "0x10:x", -1, 0 },
	};
	int64_t e;
	size_t i;
	int rc;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		e = -42;
		rc = turn_auth_rest_expiry(v[i].user, &e);
		tap_ok(rc == v[i].rc && (rc == -1 ? e == -42 : e == v[i].want),
		    "expiry \"%s\" -> %d", v[i].user, v[i].rc);
	}
	tap_is_int(turn_auth_rest_expiry(NULL, &e), -1, "expiry NULL name");
	tap_is_int(turn_auth_rest_expiry("5", NULL), -1, "expiry NULL out");
}

/* Test keys A, B, C. */
static uint8_t key_a[TURN_AUTH_NONCE_KEY_LEN], key_b[TURN_AUTH_NONCE_KEY_LEN];
static uint8_t key_c[TURN_AUTH_NONCE_KEY_LEN];

/* Nonces equal the Python model's, byte for byte. */
static void
test_nonce_vectors(void)
{
	struct sockaddr_storage c, s;
	char n[NONCE_BUF];

	tap_is_int(turn_auth_nonce_make(key_a,
	    TURN_AUTH_FEATURE_PASSWORD_ALGORITHMS, NOW,
	    mkaddr(&c, "192.0.2.1", 54321), mkaddr(&s, "198.51.100.7", 3478),
	    UDP, n), 0, "make IPv4 nonce");
	tap_is_str(n, "obMatJos2gAAAAAAAAGVT8QAqERUICWmo6G9oqa37NaK8",
	    "IPv4 nonce vector");
	tap_is_int(turn_auth_nonce_make(key_a, 0, NOW,
	    mkaddr(&c, "2001:db8::1", 40000), mkaddr(&s, "2001:db8::2", 3478),
	    TCP, n), 0, "make IPv6 nonce");
	tap_is_str(n, "obMatJos2AAAAAAAAAGVT8QASYNw8b+qrNHQzNJMiQzPl",
	    "IPv6 nonce vector");
}

/* The form: length, cookie, alphabet, nothing a quoted-string forbids. */
static void
test_nonce_form(const char *n)
{
	size_t i;
	int ok = 1;

	tap_is_int(strlen(n), TURN_AUTH_NONCE_LEN, "nonce length");
	tap_ok(strncmp(n, "obMatJos2", 9) == 0, "nonce starts obMatJos2");
	for (i = 9; n[i] != '\0'; i++)
		if (strchr(b64alpha, n[i]) == NULL)
			ok = 0;
	tap_ok(ok, "nonce after the cookie is base64 without '='");
	tap_ok(strchr(n, '"') == NULL && strchr(n, '\\') == NULL,
	    "nonce has no '\"' or '\\' (RFC 8489 §14.10)");
}

#define CHECK(k, prev, now, nonce, len, c, s, proto)			\
	turn_auth_nonce_check(k, prev, now, LIFE, nonce, len, c, s, proto)

/* One client 5-tuple: clock edges and every other 5-tuple. */
static void
test_nonce_tuple(const char *cip, const char *sip, const char *other_cip,
    const char *other_sip)
{
	struct sockaddr_storage c, s, x;
	struct sockaddr *cp, *sp;
	char n[NONCE_BUF];
	size_t len;

	tap_diag("client %s, server %s", cip, sip);
	cp = mkaddr(&c, cip, 50000);
	sp = mkaddr(&s, sip, 3478);
	tap_is_int(turn_auth_nonce_make(key_a, 0, NOW, cp, sp, UDP, n), 0,
	    "make");
	test_nonce_form(n);
	len = strlen(n);
	tap_is_int(CHECK(key_a, NULL, NOW, n, len, cp, sp, UDP),
	    TURN_NONCE_OK, "OK at once");
	tap_is_int(CHECK(key_a, NULL, NOW + LIFE, n, len, cp, sp, UDP),
	    TURN_NONCE_OK, "OK at now + lifetime");
	tap_is_int(CHECK(key_a, NULL, NOW + LIFE + 1, n, len, cp, sp, UDP),
	    TURN_NONCE_STALE, "STALE at now + lifetime + 1");
	tap_is_int(CHECK(key_a, NULL, NOW - TURN_AUTH_NONCE_SKEW, n, len, cp,
	    sp, UDP), TURN_NONCE_OK, "OK when 5 s in the future");
	tap_is_int(CHECK(key_a, NULL, NOW - TURN_AUTH_NONCE_SKEW - 1, n, len,
	    cp, sp, UDP), TURN_NONCE_BAD, "BAD when 6 s in the future");

	tap_is_int(CHECK(key_a, NULL, NOW, n, len,
	    mkaddr(&x, cip, 50001), sp, UDP), TURN_NONCE_BAD,
	    "BAD for another client port");
	tap_is_int(CHECK(key_a, NULL, NOW, n, len,
	    mkaddr(&x, other_cip, 50000), sp, UDP), TURN_NONCE_BAD,
	    "BAD for another client address");
	tap_is_int(CHECK(key_a, NULL, NOW, n, len, cp,
	    mkaddr(&x, other_sip, 3478), UDP), TURN_NONCE_BAD,
	    "BAD for another server address");
	tap_is_int(CHECK(key_a, NULL, NOW, n, len, cp,
	    mkaddr(&x, sip, 3479), UDP), TURN_NONCE_BAD,
	    "BAD for another server port");
	tap_is_int(CHECK(key_a, NULL, NOW, n, len, cp, sp, TCP),
	    TURN_NONCE_BAD, "BAD for another protocol");
	tap_is_int(CHECK(key_a, NULL, NOW, n, len, sp, cp, UDP),
	    TURN_NONCE_BAD, "BAD with client and server swapped");
	tap_is_int(CHECK(key_a, NULL, NOW, n, len, cp, sp, -1),
	    TURN_NONCE_BAD, "BAD for protocol -1");
}

/* Key rotation: the previous key still admits, no other key does. */
static void
test_nonce_rotation(void)
{
	struct sockaddr_storage c, s;
	struct sockaddr *cp, *sp;
	char n[NONCE_BUF];

	cp = mkaddr(&c, "203.0.113.9", 1234);
	sp = mkaddr(&s, "192.0.2.200", 3478);
	turn_auth_nonce_make(key_a, 0, NOW, cp, sp, UDP, n);
	tap_is_int(CHECK(key_b, key_a, NOW, n, TURN_AUTH_NONCE_LEN, cp, sp,
	    UDP), TURN_NONCE_OK, "made under A, checked with B, prev A: OK");
	tap_is_int(CHECK(key_b, NULL, NOW, n, TURN_AUTH_NONCE_LEN, cp, sp,
	    UDP), TURN_NONCE_BAD, "made under A, checked with B alone: BAD");
	tap_is_int(CHECK(key_b, key_c, NOW, n, TURN_AUTH_NONCE_LEN, cp, sp,
	    UDP), TURN_NONCE_BAD, "made under A, checked with B, prev C: BAD");
	tap_is_int(CHECK(key_a, key_b, NOW, n, TURN_AUTH_NONCE_LEN, cp, sp,
	    UDP), TURN_NONCE_OK, "made under A, checked with A, prev B: OK");
	tap_is_int(CHECK(key_b, key_a, NOW + LIFE + 1, n, TURN_AUTH_NONCE_LEN,
	    cp, sp, UDP), TURN_NONCE_STALE, "previous key, too old: STALE");
}

/* Every one-character change, truncation and extension is BAD. */
static void
test_nonce_tamper(void)
{
	static const char other[] = "=\"\\ -_.~\t";
	struct sockaddr_storage c, s;
	struct sockaddr *cp, *sp;
	char n[NONCE_BUF], m[NONCE_BUF + 1];
	size_t i, j, tried = 0, accepted = 0;
	char orig;

	cp = mkaddr(&c, "2001:db8:1::77", 61000);
	sp = mkaddr(&s, "198.51.100.1", 443);
	turn_auth_nonce_make(key_a, TURN_AUTH_FEATURE_PASSWORD_ALGORITHMS,
	    NOW, cp, sp, TCP, n);
	for (i = 0; i < TURN_AUTH_NONCE_LEN; i++) {
		orig = n[i];
		for (j = 0; j < sizeof(b64alpha) - 1 + sizeof(other); j++) {
			n[i] = j < sizeof(b64alpha) - 1 ? b64alpha[j] :
			    other[j - (sizeof(b64alpha) - 1)];
			if (n[i] == orig)
				continue;
			tried++;
			if (CHECK(key_b, key_a, NOW, n, TURN_AUTH_NONCE_LEN, cp,
			    sp, TCP) != TURN_NONCE_BAD && accepted++ == 0)
				tap_diag("  position %zu as '%c' accepted",
				    i, n[i]);
		}
		n[i] = orig;
	}
	tap_ok(tried > TURN_AUTH_NONCE_LEN * 63, "tried %zu changes", tried);
	tap_is_int(accepted, 0, "every changed character: BAD");
	tap_is_int(CHECK(key_b, key_a, NOW, n, TURN_AUTH_NONCE_LEN, cp, sp,
	    TCP), TURN_NONCE_OK, "the original still checks");

	for (i = 0; i < TURN_AUTH_NONCE_LEN; i++)
		if (CHECK(key_a, NULL, NOW, n, i, cp, sp, TCP) !=
		    TURN_NONCE_BAD)
			accepted++;
	tap_is_int(accepted, 0, "every truncation: BAD");
	memcpy(m, n, sizeof(n));
	m[TURN_AUTH_NONCE_LEN] = 'A';
	m[TURN_AUTH_NONCE_LEN + 1] = '\0';
	tap_is_int(CHECK(key_a, NULL, NOW, m, TURN_AUTH_NONCE_LEN + 1, cp, sp,
	    TCP), TURN_NONCE_BAD, "one character more: BAD");
	m[TURN_AUTH_NONCE_LEN] = '\0';
	tap_is_int(CHECK(key_a, NULL, NOW, m, TURN_AUTH_NONCE_LEN + 1, cp, sp,
	    TCP), TURN_NONCE_BAD, "a NUL more: BAD");
	tap_is_int(CHECK(key_a, NULL, NOW, NULL, TURN_AUTH_NONCE_LEN, cp, sp,
	    TCP), TURN_NONCE_BAD, "NULL nonce: BAD");
}

/* The feature bits: encoded after the cookie, read back, MACed. */
static void
test_nonce_features(void)
{
	static const struct {
		uint32_t	 f;
		const char	*chars;
	} v[] = {
		{ 0, "AAAA" },
		{ TURN_AUTH_FEATURE_PASSWORD_ALGORITHMS, "gAAA" },
		{ TURN_AUTH_FEATURE_USERNAME_ANONYMITY, "QAAA" },
		{ TURN_AUTH_FEATURE_PASSWORD_ALGORITHMS |
		  TURN_AUTH_FEATURE_USERNAME_ANONYMITY, "wAAA" },
		{ TURN_AUTH_FEATURE_MASK, "////" },
	};
	struct sockaddr_storage c, s;
	struct sockaddr *cp, *sp;
	char n[NONCE_BUF], first[NONCE_BUF];
	uint32_t f;
	size_t i;

	cp = mkaddr(&c, "192.0.2.55", 7000);
	sp = mkaddr(&s, "192.0.2.1", 3478);
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		turn_auth_nonce_make(key_a, v[i].f, NOW, cp, sp, UDP, n);
		tap_ok(strncmp(n + 9, v[i].chars, 4) == 0,
		    "features 0x%06x are \"%s\"", v[i].f, v[i].chars);
		f = 0xdeadbeef;
		tap_ok(turn_auth_nonce_features(n, strlen(n), &f) == 0 &&
		    f == v[i].f, "features 0x%06x read back", v[i].f);
		if (i == 0) {
			memcpy(first, n, sizeof(n));
			continue;
		}
		/* Splice these features into the first nonce. */
		memcpy(first + 9, v[i].chars, 4);
		tap_is_int(CHECK(key_a, NULL, NOW, first, strlen(first), cp,
		    sp, UDP), TURN_NONCE_BAD, "changed features: BAD");
		memcpy(first + 9, "AAAA", 4);
	}
	tap_is_int(CHECK(key_a, NULL, NOW, first, strlen(first), cp, sp, UDP),
	    TURN_NONCE_OK, "features 0 nonce intact");
	tap_is_int(turn_auth_nonce_features("obMatJos2AAAA", 13, &f), -1,
	    "features of a short nonce: -1");
	tap_is_int(turn_auth_nonce_make(key_a, TURN_AUTH_FEATURE_MASK + 1,
	    NOW, cp, sp, UDP, n), -1, "features over 24 bits refused");
}

/* make's refusals, and times at the ends of the range. */
static void
test_nonce_edges(void)
{
	struct sockaddr_storage c, s;
	struct sockaddr_un sun;
	struct sockaddr *cp, *sp;
	char n[NONCE_BUF];

	cp = mkaddr(&c, "::ffff:192.0.2.9", 9);
	sp = mkaddr(&s, "192.0.2.9", 9);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;

	memset(n, 'x', sizeof(n));
	tap_is_int(turn_auth_nonce_make(key_a, 0, NOW, NULL, sp, UDP, n), -1,
	    "make: NULL client");
	tap_is_str(n, "", "make: out emptied on error");
	tap_is_int(turn_auth_nonce_make(key_a, 0, NOW, cp, NULL, UDP, n), -1,
	    "make: NULL server");
	tap_is_int(turn_auth_nonce_make(NULL, 0, NOW, cp, sp, UDP, n), -1,
	    "make: NULL key");
	tap_is_int(turn_auth_nonce_make(key_a, 0, NOW,
	    (struct sockaddr *)&sun, sp, UDP, n), -1, "make: AF_UNIX client");
	tap_is_int(turn_auth_nonce_make(key_a, 0, NOW, cp, sp, 256, n), -1,
	    "make: protocol 256");
	tap_is_int(turn_auth_nonce_make(key_a, 0, NOW, cp, sp, -1, n), -1,
	    "make: protocol -1");

	/* An IPv4-mapped client is not the plain IPv4 one. */
	turn_auth_nonce_make(key_a, 0, NOW, cp, sp, UDP, n);
	tap_is_int(CHECK(key_a, NULL, NOW, n, strlen(n), sp, sp, UDP),
	    TURN_NONCE_BAD, "mapped and plain IPv4 differ");

	turn_auth_nonce_make(key_a, 0, 0, cp, sp, UDP, n);
	tap_is_int(turn_auth_nonce_check(key_a, NULL, UINT64_MAX, UINT64_MAX,
	    n, strlen(n), cp, sp, UDP), TURN_NONCE_OK,
	    "time 0, now max, lifetime max: OK");
	tap_is_int(turn_auth_nonce_check(key_a, NULL, UINT64_MAX,
	    UINT64_MAX - 1, n, strlen(n), cp, sp, UDP), TURN_NONCE_STALE,
	    "time 0, now max, lifetime max - 1: STALE");
	tap_is_int(turn_auth_nonce_check(key_a, NULL, 0, 0, n, strlen(n), cp,
	    sp, UDP), TURN_NONCE_OK, "time 0, now 0, lifetime 0: OK");
	turn_auth_nonce_make(key_a, 0, UINT64_MAX, cp, sp, UDP, n);
	tap_is_int(turn_auth_nonce_check(key_a, NULL, 0, 0, n, strlen(n), cp,
	    sp, UDP), TURN_NONCE_BAD, "time max, now 0: BAD (future)");
	tap_is_int(turn_auth_nonce_check(key_a, NULL, UINT64_MAX, 0, n,
	    strlen(n), cp, sp, UDP), TURN_NONCE_OK, "time max, now max: OK");
}

int
main(void)
{
	size_t i;

	for (i = 0; i < TURN_AUTH_NONCE_KEY_LEN; i++) {
		key_a[i] = (uint8_t)i;
		key_b[i] = (uint8_t)(0x80 + i);
		key_c[i] = (uint8_t)(0xff - i);
	}
	test_key_vectors();
	test_key_errors();
	test_userhash();
	test_rest_password();
	test_rest_expiry();
	test_nonce_vectors();
	test_nonce_tuple("192.0.2.1", "198.51.100.7", "192.0.2.2",
	    "198.51.100.8");
	test_nonce_tuple("2001:db8::1", "2001:db8::2", "2001:db8::3",
	    "2001:db8::4");
	test_nonce_tuple("2001:db8::1", "198.51.100.7", "192.0.2.1",
	    "2001:db8::2");
	test_nonce_rotation();
	test_nonce_tamper();
	test_nonce_features();
	test_nonce_edges();
	return tap_done();
}

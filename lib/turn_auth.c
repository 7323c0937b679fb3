/*
 * turn_auth.c - TURN credentials and stateless nonces.
 *
 * Owns the turn_auth_* functions: long-term keys and USERHASH
 * (RFC 8489 §9.2.2, §14.4), TURN REST passwords and expiry times
 * (draft-uberti-behave-turn-rest), and the nonces chorusd hands out in
 * 401/438 replies.  Pure: the caller passes the time and the keys.
 *
 * Nonce layout (doc/PROTOCOL.md, "TURN nonces"), 45 characters:
 *	"obMatJos2" (9) | base64 of 27 bytes (36, no '='):
 *	    features (3, big endian) | time (8, big endian seconds) |
 *	    HMAC-SHA256(key, MAC input)[0..16)
 * Since 3 bytes are exactly 4 base64 characters, the 4 characters after
 * the cookie are the RFC 8489 §9.2 security feature set on their own.
 * MAC input: "chorus turn nonce v1" | features (4) | time (8) |
 *	client address | server address | protocol (1),
 * an address being family (1: 1 IPv4, 2 IPv6) | port (2) | address (4/16).
 */
#include <sys/types.h>
#include <netinet/in.h>
#include <string.h>

#include "chorus/buf.h"
#include "chorus/crypto.h"
#include "chorus/encode.h"
#include "chorus/stun.h"
#include "chorus/turn_auth.h"

#define TURN_AUTH_COOKIE	"obMatJos2"	/* RFC 8489 §9.2 */
#define TURN_AUTH_COOKIE_LEN	(sizeof(TURN_AUTH_COOKIE) - 1)
#define TURN_AUTH_FEATURE_BYTES	3	/* 24 bits, RFC 8489 §9.2 */
#define TURN_AUTH_TIME_BYTES	8
#define TURN_AUTH_MAC_BYTES	16	/* of HMAC-SHA256: 128 bits */
#define TURN_AUTH_NONCE_BYTES	(TURN_AUTH_FEATURE_BYTES + \
	    TURN_AUTH_TIME_BYTES + TURN_AUTH_MAC_BYTES)
#define TURN_AUTH_NONCE_B64	(TURN_AUTH_NONCE_BYTES / 3 * 4)
#define TURN_AUTH_NONCE_LABEL	"chorus turn nonce v1"
#define TURN_AUTH_LABEL_LEN	(sizeof(TURN_AUTH_NONCE_LABEL) - 1)
#define TURN_AUTH_FAMILY_V4	1	/* family codes as STUN's (§14.1) */
#define TURN_AUTH_FAMILY_V6	2
#define TURN_AUTH_ADDR_MAX	(1 + 2 + 16)
#define TURN_AUTH_MAC_IN_MAX	(TURN_AUTH_LABEL_LEN + 4 + \
	    TURN_AUTH_TIME_BYTES + 2 * TURN_AUTH_ADDR_MAX + 1)
#define TURN_AUTH_MAX_PROTO	255
#define TURN_AUTH_EXPIRY_DIGITS	20	/* most digits a REST expiry has */
/* "user:realm:password" */
#define TURN_AUTH_KEY_IN_MAX	(TURN_AUTH_MAX_USERNAME + 1 + \
	    TURN_AUTH_MAX_REALM + 1 + TURN_AUTH_MAX_PASSWORD)

_Static_assert(TURN_AUTH_NONCE_BYTES % 3 == 0, "nonce base64 has no '='");
_Static_assert(TURN_AUTH_COOKIE_LEN + TURN_AUTH_NONCE_B64 ==
    TURN_AUTH_NONCE_LEN, "nonce length");
_Static_assert(TURN_AUTH_NONCE_LEN < 128, "RFC 8489 §14.10: < 128 chars");
_Static_assert(ENCODE_BASE64_LEN(CRYPTO_SHA1_LEN) ==
    TURN_AUTH_REST_PASSWORD_LEN + 1, "REST password length");

/* strlen(s), or -1 if s is longer than max. */
static ssize_t
turn_auth_len(const char *s, size_t max)
{
	size_t n;

	for (n = 0; n <= max; n++)
		if (s[n] == '\0')
			return (ssize_t)n;
	return -1;
}

/* "user:realm" or, with a password, "user:realm:password"; its length. */
static ssize_t
turn_auth_join(const char *user, const char *realm, const char *password,
    uint8_t out[TURN_AUTH_KEY_IN_MAX])
{
	struct buf_writer w;
	ssize_t ulen, rlen, plen = 0;

	if (user == NULL || realm == NULL)
		return -1;
	if ((ulen = turn_auth_len(user, TURN_AUTH_MAX_USERNAME)) <= 0 ||
	    (rlen = turn_auth_len(realm, TURN_AUTH_MAX_REALM)) == -1)
		return -1;
	if (password != NULL &&
	    (plen = turn_auth_len(password, TURN_AUTH_MAX_PASSWORD)) == -1)
		return -1;

	buf_wr_init(&w, out, TURN_AUTH_KEY_IN_MAX);
	buf_put_bytes(&w, user, (size_t)ulen);
	buf_put_u8(&w, ':');
	buf_put_bytes(&w, realm, (size_t)rlen);
	if (password != NULL) {
		buf_put_u8(&w, ':');
		buf_put_bytes(&w, password, (size_t)plen);
	}
	if (buf_wr_error(&w) == -1)
		return -1;
	return (ssize_t)buf_wr_len(&w);
}

/* RFC 8489 §9.2.2: the long-term key, MD5 or SHA-256 of user:realm:pass. */
int
turn_auth_key(int alg, const char *user, const char *realm,
    const char *password, uint8_t out[TURN_AUTH_KEY_MAX])
{
	uint8_t in[TURN_AUTH_KEY_IN_MAX];
	ssize_t n;
	int rc = -1;

	if (out == NULL)
		return -1;
	if (password == NULL ||
	    (n = turn_auth_join(user, realm, password, in)) == -1)
		goto fail;
	switch (alg) {
	case STUN_PASSWORD_MD5:
		if (crypto_md5(in, (size_t)n, out) == 0)
			rc = CRYPTO_MD5_LEN;
		break;
	case STUN_PASSWORD_SHA256:
		if (crypto_sha256(in, (size_t)n, out) == 0)
			rc = CRYPTO_SHA256_LEN;
		break;
	default:
		break;
	}
fail:
	crypto_wipe(in, sizeof(in));
	if (rc == -1)
		crypto_wipe(out, TURN_AUTH_KEY_MAX);
	return rc;
}

/* RFC 8489 §14.4: USERHASH = SHA-256(OpaqueString(user) ":" realm). */
int
turn_auth_userhash(const char *user, const char *realm, uint8_t out[32])
{
	uint8_t in[TURN_AUTH_KEY_IN_MAX];
	ssize_t n;
	int rc = -1;

	if (out == NULL)
		return -1;
	if ((n = turn_auth_join(user, realm, NULL, in)) == -1)
		goto fail;
	if (crypto_sha256(in, (size_t)n, out) == 0)
		rc = 0;
fail:
	crypto_wipe(in, sizeof(in));
	if (rc == -1)
		crypto_wipe(out, CRYPTO_SHA256_LEN);
	return rc;
}

/* TURN REST: password = base64(HMAC-SHA1(secret, username)). */
int
turn_auth_rest_password(const void *secret, size_t secretlen,
    const char *username, char *out)
{
	uint8_t mac[CRYPTO_SHA1_LEN];
	ssize_t n;
	int rc = -1;

	if (out == NULL)
		return -1;
	out[0] = '\0';
	if (secret == NULL || secretlen == 0 || username == NULL ||
	    (n = turn_auth_len(username, TURN_AUTH_MAX_USERNAME)) == -1)
		return -1;
	if (crypto_hmac_sha1(secret, secretlen, username, (size_t)n,
	    mac) == -1)
		goto fail;
	if (encode_base64(mac, sizeof(mac), out,
	    TURN_AUTH_REST_PASSWORD_LEN + 1) != TURN_AUTH_REST_PASSWORD_LEN)
		goto fail;
	rc = 0;
fail:
	crypto_wipe(mac, sizeof(mac));
	if (rc == -1)
		crypto_wipe(out, TURN_AUTH_REST_PASSWORD_LEN + 1);
	return rc;
}

/* The leading decimal Unix time of a REST username. */
int
turn_auth_rest_expiry(const char *username, int64_t *expiry)
{
	int64_t v = 0;
	size_t i;
	int d;

	if (username == NULL || expiry == NULL)
		return -1;
	for (i = 0; username[i] >= '0' && username[i] <= '9'; i++) {
		if (i == TURN_AUTH_EXPIRY_DIGITS)
			return -1;
		d = username[i] - '0';
		if (v > (INT64_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	if (i == 0 || (username[i] != '\0' && username[i] != ':'))
		return -1;
	*expiry = v;
	return 0;
}

/* Append family, port and address of sa to the MAC input. */
static int
turn_auth_put_addr(struct buf_writer *w, const struct sockaddr *sa)
{
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;

	/* Copied out: the caller's pointer need not be aligned for these. */
	switch (sa->sa_family) {
	case AF_INET:
		memcpy(&sin, sa, sizeof(sin));
		buf_put_u8(w, TURN_AUTH_FAMILY_V4);
		buf_put_n16(w, ntohs(sin.sin_port));
		buf_put_bytes(w, &sin.sin_addr, sizeof(sin.sin_addr));
		break;
	case AF_INET6:
		memcpy(&sin6, sa, sizeof(sin6));
		buf_put_u8(w, TURN_AUTH_FAMILY_V6);
		buf_put_n16(w, ntohs(sin6.sin6_port));
		buf_put_bytes(w, &sin6.sin6_addr, sizeof(sin6.sin6_addr));
		break;
	default:
		return -1;
	}
	return buf_wr_error(w);
}

/* The truncated MAC binding features and time to the 5-tuple. */
static int
turn_auth_nonce_mac(const uint8_t key[TURN_AUTH_NONCE_KEY_LEN],
    uint32_t features, uint64_t t, const struct sockaddr *client,
    const struct sockaddr *server, int proto,
    uint8_t mac[TURN_AUTH_MAC_BYTES])
{
	uint8_t in[TURN_AUTH_MAC_IN_MAX], full[CRYPTO_SHA256_LEN];
	struct buf_writer w;
	int rc = -1;

	if (proto < 0 || proto > TURN_AUTH_MAX_PROTO ||
	    (features & ~TURN_AUTH_FEATURE_MASK) != 0)
		goto fail;
	buf_wr_init(&w, in, sizeof(in));
	buf_put_bytes(&w, TURN_AUTH_NONCE_LABEL, TURN_AUTH_LABEL_LEN);
	buf_put_n32(&w, features);
	buf_put_n64(&w, t);
	if (turn_auth_put_addr(&w, client) == -1 ||
	    turn_auth_put_addr(&w, server) == -1)
		goto fail;
	buf_put_u8(&w, (uint8_t)proto);
	if (buf_wr_error(&w) == -1)
		goto fail;
	if (crypto_hmac_sha256(key, TURN_AUTH_NONCE_KEY_LEN, in,
	    buf_wr_len(&w), full) == -1)
		goto fail;
	memcpy(mac, full, TURN_AUTH_MAC_BYTES);
	rc = 0;
fail:
	crypto_wipe(full, sizeof(full));
	if (rc == -1)
		crypto_wipe(mac, TURN_AUTH_MAC_BYTES);
	return rc;
}

/* Make a nonce for this 5-tuple at time now. */
int
turn_auth_nonce_make(const uint8_t key[TURN_AUTH_NONCE_KEY_LEN],
    uint32_t features, uint64_t now, const struct sockaddr *client,
    const struct sockaddr *server, int proto, char *out)
{
	uint8_t raw[TURN_AUTH_NONCE_BYTES], mac[TURN_AUTH_MAC_BYTES];
	struct buf_writer w;
	int rc = -1;

	if (out == NULL)
		return -1;
	out[0] = '\0';
	if (key == NULL || client == NULL || server == NULL)
		return -1;
	if (turn_auth_nonce_mac(key, features, now, client, server, proto,
	    mac) == -1)
		goto fail;
	buf_wr_init(&w, raw, sizeof(raw));
	buf_put_u8(&w, (uint8_t)(features >> 16));
	buf_put_n16(&w, (uint16_t)features);
	buf_put_n64(&w, now);
	buf_put_bytes(&w, mac, sizeof(mac));
	if (buf_wr_error(&w) == -1 || buf_wr_len(&w) != sizeof(raw))
		goto fail;
	memcpy(out, TURN_AUTH_COOKIE, TURN_AUTH_COOKIE_LEN);
	if (encode_base64(raw, sizeof(raw), out + TURN_AUTH_COOKIE_LEN,
	    TURN_AUTH_NONCE_LEN + 1 - TURN_AUTH_COOKIE_LEN) !=
	    TURN_AUTH_NONCE_B64)
		goto fail;
	rc = 0;
fail:
	crypto_wipe(mac, sizeof(mac));
	crypto_wipe(raw, sizeof(raw));
	if (rc == -1)
		memset(out, 0, TURN_AUTH_NONCE_LEN + 1);
	return rc;
}

/* Split a nonce into its fields; -1 unless it is exactly our form. */
static int
turn_auth_nonce_parse(const char *nonce, size_t len, uint32_t *features,
    uint64_t *t, uint8_t mac[TURN_AUTH_MAC_BYTES])
{
	uint8_t raw[TURN_AUTH_NONCE_BYTES], f8;
	struct buf_reader r;
	uint16_t f16;

	if (nonce == NULL || len != TURN_AUTH_NONCE_LEN ||
	    memcmp(nonce, TURN_AUTH_COOKIE, TURN_AUTH_COOKIE_LEN) != 0)
		return -1;
	/* Strict base64: one spelling per nonce, no '=', no NUL. */
	if (encode_unbase64(nonce + TURN_AUTH_COOKIE_LEN, TURN_AUTH_NONCE_B64,
	    raw, sizeof(raw)) != TURN_AUTH_NONCE_BYTES)
		return -1;
	buf_rd_init(&r, raw, sizeof(raw));
	if (buf_get_u8(&r, &f8) == -1 || buf_get_n16(&r, &f16) == -1 ||
	    buf_get_n64(&r, t) == -1 ||
	    buf_get_bytes(&r, mac, TURN_AUTH_MAC_BYTES) == -1 ||
	    buf_rd_left(&r) != 0)
		return -1;
	*features = (uint32_t)f8 << 16 | f16;
	return 0;
}

/* Check a nonce against key and prev_key, the 5-tuple and the clock. */
enum turn_auth_nonce
turn_auth_nonce_check(const uint8_t key[TURN_AUTH_NONCE_KEY_LEN],
    const uint8_t *prev_key, uint64_t now, uint64_t lifetime,
    const char *nonce, size_t len, const struct sockaddr *client,
    const struct sockaddr *server, int proto)
{
	uint8_t got[TURN_AUTH_MAC_BYTES], want[TURN_AUTH_MAC_BYTES];
	enum turn_auth_nonce rc = TURN_NONCE_BAD;
	uint32_t features;
	uint64_t t;
	int ok = 0;

	if (key == NULL || client == NULL || server == NULL)
		return TURN_NONCE_BAD;
	if (turn_auth_nonce_parse(nonce, len, &features, &t, got) == -1)
		goto done;
	if (turn_auth_nonce_mac(key, features, t, client, server, proto,
	    want) == 0 && crypto_memeq(got, want, sizeof(want)) == 0)
		ok = 1;
	/* Made under the key before the last rotation. */
	if (!ok && prev_key != NULL && turn_auth_nonce_mac(prev_key,
	    features, t, client, server, proto, want) == 0 &&
	    crypto_memeq(got, want, sizeof(want)) == 0)
		ok = 1;
	if (!ok)
		goto done;
	if (t > now && t - now > TURN_AUTH_NONCE_SKEW)
		goto done;		/* from the future: not one we made */
	if (t < now && now - t > lifetime)
		rc = TURN_NONCE_STALE;	/* RFC 8489 §9.2.4: 438 */
	else
		rc = TURN_NONCE_OK;
done:
	crypto_wipe(want, sizeof(want));
	crypto_wipe(got, sizeof(got));
	return rc;
}

/* The feature bits a nonce announces (its MAC not checked). */
int
turn_auth_nonce_features(const char *nonce, size_t len, uint32_t *features)
{
	uint8_t mac[TURN_AUTH_MAC_BYTES];
	uint64_t t;
	int rc;

	if (features == NULL)
		return -1;
	rc = turn_auth_nonce_parse(nonce, len, features, &t, mac);
	crypto_wipe(mac, sizeof(mac));
	return rc;
}

/*
 * turn_auth.h - TURN credentials and nonces, as pure functions.
 *
 * Long-term credentials (RFC 8489 §9.2): the key is MD5 or SHA-256 of
 * "username:realm:password"; the server stores keys, never passwords.
 * TURN REST API credentials (draft-uberti-behave-turn-rest, as coturn's
 * use-auth-secret): the username is "EXPIRY" or "EXPIRY:NAME" (EXPIRY a
 * Unix time), the password base64(HMAC-SHA1(secret, username)).
 * Nonces are stateless: they carry the security-feature bits, the time
 * they were made and a MAC over that time and the client's 5-tuple with a
 * rotating server key, so a nonce is valid only for one client, for a
 * bounded time, and needs no memory on the server.  The caller supplies
 * the time and the keys.
 */
#ifndef CHORUS_TURN_AUTH_H
#define CHORUS_TURN_AUTH_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define TURN_AUTH_KEY_MAX	32	/* SHA-256 key; MD5 uses 16 */
#define TURN_AUTH_NONCE_KEY_LEN	32
#define TURN_AUTH_NONCE_LEN	45	/* characters, NUL not included */
#define TURN_AUTH_NONCE_SKEW	5	/* seconds a nonce may be "future" */
#define TURN_AUTH_MAX_USERNAME	512	/* RFC 8489 §14.3: < 509 bytes */
#define TURN_AUTH_MAX_REALM	763	/* RFC 8489 §14.9 */
#define TURN_AUTH_MAX_PASSWORD	512	/* bytes; the RFC sets no limit */
#define TURN_AUTH_REST_PASSWORD_LEN 28	/* base64 of 20 bytes */

/*
 * The long-term key for alg (STUN_PASSWORD_MD5 or STUN_PASSWORD_SHA256).
 * Returns the key length (16 or 32), or -1 (out wiped) for a NULL
 * argument, an empty user, or a user, realm or password longer than its
 * TURN_AUTH_MAX_* limit.  Any bytes but NUL are hashed as given (':'
 * included, as REST usernames have it): the RFC's SASLprep/OpaqueString
 * step is the caller's, and chorusd accepts only ASCII names and realms.
 */
int	turn_auth_key(int alg, const char *user, const char *realm,
	    const char *password, uint8_t out[TURN_AUTH_KEY_MAX]);

/*
 * USERHASH (RFC 8489 §14.4): SHA-256("username:realm").  0, or -1 under
 * the same rules as turn_auth_key().
 */
int	turn_auth_userhash(const char *user, const char *realm,
	    uint8_t out[32]);

/*
 * The REST password for username under secret, base64, NUL-terminated in
 * out[TURN_AUTH_REST_PASSWORD_LEN + 1].  0, or -1 (out emptied) for a NULL
 * argument, an empty secret or a username longer than
 * TURN_AUTH_MAX_USERNAME.
 */
int	turn_auth_rest_password(const void *secret, size_t secretlen,
	    const char *username, char *out);
/*
 * The expiry of a REST username ("EXPIRY" or "EXPIRY:NAME"): 0 and the
 * time in *expiry, or -1 unless the username starts with 1 to 20 decimal
 * digits (no sign) whose value fits an int64_t, followed by its end or ':'.
 */
int	turn_auth_rest_expiry(const char *username, int64_t *expiry);

/* Security features announced in the nonce cookie (RFC 8489 §9.2). */
#define TURN_AUTH_FEATURE_PASSWORD_ALGORITHMS	0x800000u
#define TURN_AUTH_FEATURE_USERNAME_ANONYMITY	0x400000u
#define TURN_AUTH_FEATURE_MASK			0xffffffu	/* 24 bits */

/* Result of a nonce check. */
enum turn_auth_nonce {
	TURN_NONCE_OK = 0,
	TURN_NONCE_STALE,	/* well-formed, ours, but too old -> 438 */
	TURN_NONCE_BAD,		/* not ours, or for another client -> 438 */
};

/*
 * A nonce for this client 5-tuple (client and server address, transport
 * protocol number) at time now: "obMatJos2" + base64 of the feature bits +
 * the time and a truncated HMAC-SHA256 under key (layout in
 * doc/PROTOCOL.md, "TURN nonces").  out gets TURN_AUTH_NONCE_LEN
 * characters and a NUL.  client and server point at a sockaddr_in or
 * sockaddr_in6 as their family says.  0, or -1 (out emptied) for a NULL
 * argument, features outside TURN_AUTH_FEATURE_MASK, another address
 * family or proto outside 0..255.
 */
int	turn_auth_nonce_make(const uint8_t key[TURN_AUTH_NONCE_KEY_LEN],
	    uint32_t features, uint64_t now, const struct sockaddr *client,
	    const struct sockaddr *server, int proto, char *out);
/*
 * Check a nonce from a request against the current key and the previous
 * one (so rotating the key does not strand clients; prev may be NULL):
 * ours, for this 5-tuple, and made no more than lifetime seconds ago.
 * nonce need not be NUL-terminated.  A nonce made more than
 * TURN_AUTH_NONCE_SKEW seconds after now is BAD; the feature bits are
 * under the MAC, so a changed bit is BAD too.
 */
enum turn_auth_nonce turn_auth_nonce_check(
	    const uint8_t key[TURN_AUTH_NONCE_KEY_LEN],
	    const uint8_t *prev_key, uint64_t now, uint64_t lifetime,
	    const char *nonce, size_t len, const struct sockaddr *client,
	    const struct sockaddr *server, int proto);
/*
 * The feature bits a well-formed nonce announces, in *features; -1 if it
 * is not one of ours in form.  It does not check the MAC: call it only
 * on a nonce that turn_auth_nonce_check() did not find BAD.
 */
int	turn_auth_nonce_features(const char *nonce, size_t len,
	    uint32_t *features);

#endif

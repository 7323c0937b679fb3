/*
 * turn_cred.c - who may use the relay: long-term credentials (RFC 8489
 * §9.2), TURN REST credentials, stateless nonces, and the per-source rate
 * limit on unauthenticated traffic.
 *
 * Owns the nonce keys (rotated lazily, the previous one still accepted)
 * and the rate-limit buckets.  Users come from the configuration
 * ("user = NAME:PASSWORD"), from the database (chorusd user add) and from
 * auth-secret (REST); every comparison of secrets is constant time.
 */
#include "config.h"

#include <netinet/in.h>

#include <string.h>
#include <time.h>

#include <openssl/rand.h>

#include "chorus/crypto.h"
#include "chorus/hash.h"
#include "node.h"
#include "store.h"
#include "turn_priv.h"

/* Nonce features we announce: PASSWORD-ALGORITHMS (RFC 8489 §9.2.1). */
#define TURN_NONCE_FEATURES	TURN_AUTH_FEATURE_PASSWORD_ALGORITHMS

/* Our PASSWORD-ALGORITHMS value: SHA-256 then MD5, no parameters. */
static const uint8_t turn_algorithms[] = {
	0x00, 0x02, 0x00, 0x00,		/* SHA-256 */
	0x00, 0x01, 0x00, 0x00,		/* MD5 */
};

/* Rotate the nonce key once it is older than a nonce may be. */
static void
turn_cred_rotate(struct turn *turn)
{
	uint64_t now = turn_now(turn);

	if (turn->have_key && now - turn->nonce_born < TURN_NONCE_LIFETIME)
		return;
	if (turn->have_key) {
		memcpy(turn->nonce_prev, turn->nonce_key,
		    sizeof(turn->nonce_prev));
		turn->have_prev = 1;
	}
	if (RAND_priv_bytes(turn->nonce_key, sizeof(turn->nonce_key)) != 1)
		return;		/* keep the old key rather than none */
	turn->have_key = 1;
	turn->nonce_born = now;
}

/* A fresh nonce for this client's 5-tuple. */
void
turn_cred_nonce(struct turn *turn, const struct transport *t, char *out)
{
	turn_cred_rotate(turn);
	if (turn_auth_nonce_make(turn->nonce_key, TURN_NONCE_FEATURES,
	    turn_now(turn), (const struct sockaddr *)&t->client,
	    (const struct sockaddr *)&t->local, transport_proto(t), out) == -1)
		out[0] = '\0';
}

/* The PASSWORD-ALGORITHMS value we send and expect back. */
const uint8_t *
turn_cred_algorithms(size_t *len)
{
	*len = sizeof(turn_algorithms);
	return turn_algorithms;
}

/* A string attribute as a NUL-terminated copy; -1 if too long/bad. */
static int
turn_cred_string(const struct stun_msg *msg, uint16_t type, char *out,
    size_t outlen)
{
	const struct stun_attr *a = stun_find(msg, type);
	const uint8_t *p;
	size_t n;

	if (a == NULL || stun_get_bytes(msg, a, &p, &n) == -1 ||
	    n >= outlen || memchr(p, '\0', n) != NULL)
		return -1;
	memcpy(out, p, n);
	out[n] = '\0';
	return 0;
}

/*
 * Which key algorithm the request uses (RFC 8489 §9.2.4): MD5 unless it
 * carries PASSWORD-ALGORITHM, in which case PASSWORD-ALGORITHMS must be
 * exactly ours (no bid-down) and the choice one of them.  -1: 400.
 */
static int
turn_cred_alg(const struct stun_msg *msg)
{
	const struct stun_attr *pa = stun_find(msg, STUN_A_PASSWORD_ALGORITHM);
	const struct stun_attr *pas = stun_find(msg, STUN_A_PASSWORD_ALGORITHMS);
	const uint8_t *p;
	size_t n, ours;
	const uint8_t *want = turn_cred_algorithms(&ours);

	if (pa == NULL && pas == NULL)
		return STUN_PASSWORD_MD5;
	if (pa == NULL || pas == NULL)
		return -1;
	if (stun_get_bytes(msg, pas, &p, &n) == -1 || n != ours ||
	    memcmp(p, want, n) != 0)
		return -1;
	if (stun_get_bytes(msg, pa, &p, &n) == -1 || n != 4 || p[2] || p[3])
		return -1;
	if (p[0] == 0 && p[1] == STUN_PASSWORD_SHA256)
		return STUN_PASSWORD_SHA256;
	if (p[0] == 0 && p[1] == STUN_PASSWORD_MD5)
		return STUN_PASSWORD_MD5;
	return -1;
}

/* Check MESSAGE-INTEGRITY(-SHA256) with a candidate key. */
static int
turn_cred_verify(const struct stun_msg *msg, const uint8_t *key, size_t len,
    struct turn_authctx *ctx)
{
	int ok;

	if (msg->mi256 != -1) {
		ok = stun_check_integrity_sha256(msg, key, len) == 0;
		ctx->sha256 = 1;
	} else
		ok = stun_check_integrity(msg, key, len) == 0;
	if (ok) {
		memcpy(ctx->key, key, len);
		ctx->keylen = len;
	}
	return ok ? 0 : -1;
}

/* A user named in the configuration: verify with its password's key. */
static int
turn_cred_conf_user(struct turn *turn, const struct stun_msg *msg, int alg,
    const uint8_t *userhash, struct turn_authctx *ctx)
{
	const struct conf *conf = turn->node->conf;
	uint8_t key[TURN_AUTH_KEY_MAX], h[32];
	size_t i;
	int n, rc = -2;

	for (i = 0; i < conf->nusers && rc == -2; i++) {
		const struct conf_user *u = &conf->users[i];

		if (userhash != NULL) {
			if (turn_auth_userhash(u->name, conf->realm, h) == -1 ||
			    crypto_memeq(h, userhash, sizeof(h)) != 0)
				continue;
		} else if (strcmp(u->name, ctx->username) != 0)
			continue;
		snprintf(ctx->username, sizeof(ctx->username), "%s", u->name);
		n = turn_auth_key(alg, u->name, conf->realm, u->password, key);
		rc = n == -1 ? -1 : turn_cred_verify(msg, key, n, ctx);
	}
	crypto_wipe(key, sizeof(key));
	return rc;	/* -2: no such user here */
}

/* A user in the database (chorusd user add). */
static int
turn_cred_store_user(struct turn *turn, const struct stun_msg *msg, int alg,
    const uint8_t *userhash, struct turn_authctx *ctx)
{
	const struct conf *conf = turn->node->conf;
	struct store_user u;
	int rc;

	if (turn->node->store == NULL)
		return -2;
	rc = userhash != NULL ?
	    store_user_get_by_hash(turn->node->store, userhash, &u) :
	    store_user_get(turn->node->store, ctx->username, &u);
	if (rc != 0 || strcmp(u.realm, conf->realm) != 0) {
		crypto_wipe(&u, sizeof(u));
		return -2;
	}
	snprintf(ctx->username, sizeof(ctx->username), "%s", u.name);
	rc = alg == STUN_PASSWORD_SHA256 ?
	    turn_cred_verify(msg, u.key_sha256, sizeof(u.key_sha256), ctx) :
	    turn_cred_verify(msg, u.key_md5, sizeof(u.key_md5), ctx);
	crypto_wipe(&u, sizeof(u));
	return rc;
}

/*
 * A TURN REST username "EXPIRY[:NAME]": expired ones fail (-3); each
 * auth-secret is tried, so two can be listed while rotating.
 */
static int
turn_cred_rest_user(struct turn *turn, const struct stun_msg *msg, int alg,
    struct turn_authctx *ctx)
{
	const struct conf *conf = turn->node->conf;
	char pass[TURN_AUTH_REST_PASSWORD_LEN + 1];
	uint8_t key[TURN_AUTH_KEY_MAX];
	int64_t expiry;
	size_t i;
	int n, rc = -1;

	if (conf->nauth_secrets == 0 ||
	    turn_auth_rest_expiry(ctx->username, &expiry) == -1)
		return -2;
	if (expiry < (int64_t)time(NULL))
		return -3;
	for (i = 0; i < conf->nauth_secrets && rc == -1; i++) {
		if (turn_auth_rest_password(conf->auth_secrets[i],
		    strlen(conf->auth_secrets[i]), ctx->username, pass) == -1)
			continue;
		n = turn_auth_key(alg, ctx->username, conf->realm, pass, key);
		if (n != -1)
			rc = turn_cred_verify(msg, key, n, ctx);
	}
	crypto_wipe(pass, sizeof(pass));
	crypto_wipe(key, sizeof(key));
	return rc;
}

/* Count an authentication failure by reason; returns code. */
static unsigned
turn_cred_fail(struct turn *turn, enum metric m, unsigned code)
{
	metrics_add(&turn->node->metrics, m, 1);
	return code;
}

/* Look the user up (configuration, database, REST) and verify. */
static unsigned
turn_cred_user(struct turn *turn, const struct stun_msg *msg, int alg,
    struct turn_authctx *ctx)
{
	const struct stun_attr *uh = stun_find(msg, STUN_A_USERHASH);
	const uint8_t *hash = NULL;
	size_t n;
	int rc;

	if (uh != NULL) {
		if (stun_get_bytes(msg, uh, &hash, &n) == -1 || n != 32)
			return 400;
	} else if (turn_cred_string(msg, STUN_A_USERNAME, ctx->username,
	    sizeof(ctx->username)) == -1)
		return 400;
	rc = turn_cred_conf_user(turn, msg, alg, hash, ctx);
	if (rc == -2)
		rc = turn_cred_store_user(turn, msg, alg, hash, ctx);
	if (rc == -2 && hash == NULL)
		rc = turn_cred_rest_user(turn, msg, alg, ctx);
	if (rc == -2)
		return turn_cred_fail(turn, M_TURN_AUTH_UNKNOWN_USER, 401);
	if (rc == -3)
		return turn_cred_fail(turn, M_TURN_AUTH_EXPIRED, 401);
	if (rc == -1)
		return turn_cred_fail(turn, M_TURN_AUTH_BAD_INTEGRITY, 401);
	return 0;
}

/*
 * Authenticate a request (RFC 8489 §9.2.4).  0 with ctx filled, or the
 * error to answer: 401 (no or wrong credentials; a challenge), 438 (stale
 * or foreign nonce), 400 (malformed credentials).
 */
unsigned
turn_cred_check(struct turn *turn, const struct stun_msg *msg,
    const struct transport *t, struct turn_authctx *ctx)
{
	const struct conf *conf = turn->node->conf;
	char realm[TURN_AUTH_MAX_REALM + 1], nonce[128];
	enum turn_auth_nonce v;
	int alg;

	memset(ctx, 0, sizeof(*ctx));
	if (msg->mi == -1 && msg->mi256 == -1) {
		if (conf->allow_anonymous &&
		    stun_find(msg, STUN_A_USERNAME) == NULL &&
		    stun_find(msg, STUN_A_USERHASH) == NULL) {
			ctx->anonymous = 1;
			return 0;
		}
		return 401;	/* the first request of every client */
	}
	if (turn_cred_string(msg, STUN_A_REALM, realm, sizeof(realm)) == -1 ||
	    turn_cred_string(msg, STUN_A_NONCE, nonce, sizeof(nonce)) == -1)
		return turn_cred_fail(turn, M_TURN_AUTH_MALFORMED, 400);
	turn_cred_rotate(turn);
	v = turn_auth_nonce_check(turn->nonce_key,
	    turn->have_prev ? turn->nonce_prev : NULL, turn_now(turn),
	    TURN_NONCE_LIFETIME, nonce, strlen(nonce),
	    (const struct sockaddr *)&t->client,
	    (const struct sockaddr *)&t->local, transport_proto(t));
	if (v == TURN_NONCE_STALE)
		return turn_cred_fail(turn, M_TURN_AUTH_STALE_NONCE, 438);
	if (v != TURN_NONCE_OK)
		return turn_cred_fail(turn, M_TURN_AUTH_BAD_NONCE, 438);
	if (strcmp(realm, conf->realm) != 0)
		return turn_cred_fail(turn, M_TURN_AUTH_UNKNOWN_USER, 401);
	if ((alg = turn_cred_alg(msg)) == -1)
		return turn_cred_fail(turn, M_TURN_AUTH_MALFORMED, 400);
	return turn_cred_user(turn, msg, alg, ctx);
}

/*
 * Unauthenticated traffic (Binding, challenges) per source address: a
 * token bucket in a fixed table indexed by a keyed hash of the address,
 * so memory is bounded whatever the number of sources.  -1: drop.
 */
int
turn_cred_ratelimit(struct turn *turn, const struct sockaddr *sa)
{
	uint32_t rate = turn->node->conf->stun_rate_limit, burst = 2 * rate;
	uint32_t now = (uint32_t)turn_now(turn), add;
	struct turn_rl *b;
	const void *p;
	size_t n;

	if (rate == 0)
		return 0;
	if (sa->sa_family == AF_INET) {
		p = &((const struct sockaddr_in *)sa)->sin_addr;
		n = 4;
	} else {
		p = &((const struct sockaddr_in6 *)sa)->sin6_addr;
		n = 8;	/* a /64 is one source */
	}
	b = &turn->rl[hash_siphash(turn->hashkey, p, n) & (TURN_RL_BUCKETS - 1)];
	if (b->last == 0 && b->tokens == 0)
		b->tokens = burst;
	add = now - b->last > 2 ? burst : (now - b->last) * rate;
	b->tokens = b->tokens + add > burst ? burst : b->tokens + add;
	b->last = now;
	if (b->tokens == 0) {
		metrics_add(&turn->node->metrics, M_TURN_RATE_LIMITED, 1);
		return -1;
	}
	b->tokens--;
	return 0;
}

/*
 * store.h - the node's SQLite database: the only module that touches it.
 *
 * WAL journal, synchronous=NORMAL, prepared statements only, versioned
 * migrations through PRAGMA user_version, and an integrity check when
 * opened.  A database that fails the check, or that was written by a
 * newer chorusd, is refused with a message saying what to do.
 */
#ifndef CHORUSD_STORE_H
#define CHORUSD_STORE_H

#include <stddef.h>
#include <stdint.h>

#define STORE_FILE		"chorus.db"
#define STORE_SCHEMA_VERSION	3	/* PRAGMA user_version this build writes */
#define STORE_ID_LEN		32	/* an Ed25519 ID */
#define STORE_BUSY_TIMEOUT_MS	5000	/* wait for another writer's lock */
#define STORE_USER_NAME_MAX	128	/* bytes in a TURN user name */
#define STORE_USER_REALM_MAX	763	/* RFC 8489 §14.9: < 128 characters */
#define STORE_USER_HASH_LEN	32	/* USERHASH, RFC 8489 §14.4 */

struct store;

/* Open (creating and migrating if needed); NULL with err filled. */
struct store	*store_open(const char *path, char *err, size_t errlen);
/* Finalise statements and close; NULL is fine. */
void		 store_close(struct store *);
/* Schema version of the open database. */
int		 store_version(const struct store *);

/*
 * Small key/value facts about the node (first start time, ...).
 * get: 0 and the value in out, 1 (out empty) if there is no such key,
 * -1 on error or if the value does not fit in outlen.  set: 0 or -1.
 */
int	store_meta_get(struct store *, const char *key, char *out, size_t outlen);
int	store_meta_set(struct store *, const char *key, const char *value);

/*
 * Lifetime totals (sessions supported, bytes relayed, ...), aggregate
 * counters only: never per client.  get: 0, with *value 0 for a name
 * never added to, or -1.  add is one transaction for n names: all are
 * added or none (-1); a delta above INT64_MAX is refused.
 */
int	store_total_get(struct store *, const char *name, uint64_t *value);
int	store_totals_add(struct store *, const char *const *names,
	    const uint64_t *deltas, size_t n);

/*
 * Aggregate traffic history for the dashboard: one value per (name, ts),
 * ts in seconds from the caller's clock.  add replaces an earlier value
 * for the same name and ts.  get: 0, 1 if there is none, or -1.  prune
 * deletes every row older than before_ts and, if deleted is not NULL,
 * says how many.  Values above INT64_MAX are refused.
 */
int	store_history_add(struct store *, int64_t ts, const char *name,
	    uint64_t value);
int	store_history_get(struct store *, const char *name, int64_t ts,
	    uint64_t *value);
int	store_history_prune(struct store *, int64_t before_ts,
	    uint64_t *deleted);

/*
 * Long-term TURN users (RFC 8489 §9.2): their keys, never a password.
 * Each key is made for one realm, key_md5 = MD5("name:realm:password")
 * and key_sha256 likewise; userhash = SHA-256("name:realm") (RFC 8489
 * §14.4) finds a user from a USERHASH attribute.  created is when the
 * current keys were stored, in seconds from the caller's clock.
 */
struct store_user {
	char		name[STORE_USER_NAME_MAX + 1];
	char		realm[STORE_USER_REALM_MAX + 1];
	uint8_t		key_md5[16];			/* secret */
	uint8_t		key_sha256[32];			/* secret */
	int64_t		created;
};

/*
 * Add a user, or replace the realm, keys, userhash and created of an
 * existing one (a password change).  0, or -1 for an empty or too long
 * name or realm, a userhash another user already has, or an error.
 */
int	store_user_put(struct store *, const char *name, const char *realm,
	    const uint8_t key_md5[16], const uint8_t key_sha256[32],
	    const uint8_t userhash[STORE_USER_HASH_LEN], int64_t created);
/* Delete a user: 1 if deleted, 0 if there is no such user, -1 on error. */
int	store_user_del(struct store *, const char *name);
/*
 * Look a user up by name or by userhash: 0 with *u filled, 1 if there is
 * no such user, -1 on error or a malformed row.  *u holds keys: the
 * caller wipes it (OPENSSL_cleanse) when done.  On 1 and -1 *u is wiped.
 */
int	store_user_get(struct store *, const char *name, struct store_user *u);
int	store_user_get_by_hash(struct store *,
	    const uint8_t userhash[STORE_USER_HASH_LEN], struct store_user *u);
/*
 * Call cb for every user, in name order (bytewise).  The struct is wiped
 * after each call: cb copies what it keeps.  cb returns 0 to go on; any
 * other value stops the walk and is returned.  Otherwise 0 after the
 * last user, or -1 on error or a malformed row.  cb may call the other
 * store functions, but not store_user_list().
 */
int	store_user_list(struct store *,
	    int (*cb)(const struct store_user *, void *), void *arg);

/* A verified node network record (netrec), as kept. */
struct store_netrec {
	int		 kind;
	const uint8_t	*signer, *subject;	/* STORE_ID_LEN each */
	int64_t		 issued, expires, received;
	const uint8_t	*rec;			/* the signed bytes */
	size_t		 len;
};

int	store_netrec_put(struct store *, const struct store_netrec *);
int	store_netrec_list(struct store *, int kind, int64_t now,
	    int (*cb)(const uint8_t *, size_t, void *), void *arg);
int	store_netrec_prune(struct store *, int64_t now);
#endif

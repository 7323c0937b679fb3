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
#define STORE_SCHEMA_VERSION	6	/* PRAGMA user_version this build writes */
#define STORE_ID_LEN		32	/* an Ed25519 ID */
#define STORE_BUSY_TIMEOUT_MS	5000	/* wait for another writer's lock */
#define STORE_USER_NAME_MAX	128	/* bytes in a TURN user name */
#define STORE_USER_REALM_MAX	763	/* RFC 8489 §14.9: < 128 characters */
#define STORE_USER_HASH_LEN	32	/* USERHASH, RFC 8489 §14.4 */

struct store;

/* Open (creating and migrating if needed); NULL with err filled. */
struct store	*store_open(const char *path, char *err, size_t errlen);
/* Rows written since open (any table): what changed, not what is. */
uint64_t	 store_changes(const struct store *);
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
/* One sample of n series at ts, in one transaction: all or none. */
int	store_history_put(struct store *, int64_t ts,
	    const char *const *names, const uint64_t *values, size_t n);
int	store_history_get(struct store *, const char *name, int64_t ts,
	    uint64_t *value);
int	store_history_prune(struct store *, int64_t before_ts,
	    uint64_t *deleted);
/*
 * Every row with from <= ts <= to, by name then ts, through cb (which
 * stops the walk by returning non-zero, then returned).  0 or -1.
 */
int	store_history_list(struct store *, int64_t from, int64_t to,
	    int (*cb)(int64_t ts, const char *name, uint64_t value, void *),
	    void *arg);

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

/*
 * The ledger's own tables (daemon/ledger.c).  Each is bounded twice: by
 * age (the prune functions, which the ledger calls with its retention)
 * and by a hard row count the caller passes to the add functions, so
 * that no flood of nodes, vouches or sessions can fill the disk between
 * two prunes.  Node IDs only: no address is ever stored.
 */

/*
 * One challenge session this node ran as a verifier.  outcome is the
 * caller's (enum ledger_outcome), 0..STORE_OUTCOME_MAX.
 */
#define STORE_OUTCOME_MAX	2
struct store_challenge {
	uint8_t		subject[STORE_ID_LEN];
	int64_t		started, ended;		/* caller's clock, seconds */
	int		outcome;
	uint32_t	sent, passed, late, forged;
	uint64_t	bytes;			/* <= INT64_MAX */
	uint32_t	throughput_kbps;
	uint32_t	rtt_median_us, rtt_spread_us, loss_ppm;
};

/*
 * Keep a challenge record.  If the table already holds max_rows rows,
 * the oldest (by ended) are deleted first, in the same transaction.
 * 0, or -1 (nothing changed) for an outcome out of range, bytes above
 * INT64_MAX, max_rows 0, or an error.
 */
int	store_challenge_add(struct store *, const struct store_challenge *,
	    size_t max_rows);
/*
 * Call cb for the newest max records about subject (by ended, newest
 * first).  cb returns 0 to go on; any other value stops the walk and is
 * returned.  Otherwise 0, or -1 on error.
 */
int	store_challenge_list(struct store *, const uint8_t *subject,
	    size_t max, int (*cb)(const struct store_challenge *, void *),
	    void *arg);
/* Delete the records that ended before before_ts; deleted may be NULL. */
int	store_challenge_prune(struct store *, int64_t before_ts,
	    uint64_t *deleted);

/* One point of a node's score history: the score and what made it. */
#define STORE_NCOMP		6	/* REP_NCOMPONENTS, in its order */
struct store_score {
	uint8_t		node[STORE_ID_LEN];
	int64_t		ts;
	double		score;
	double		comp[STORE_NCOMP];	/* component values */
	double		confidence;
};

/*
 * Append n points in one transaction, trimming the oldest (by ts) if
 * the table would hold more than max_rows.  A point replaces one of the
 * same node at the same ts.  0, or -1 (nothing changed) if a value is
 * not finite, n > max_rows, or on error.
 */
int	store_scores_add(struct store *, const struct store_score *,
	    size_t n, size_t max_rows);
/* The node's newest point: 0 (*out filled), 1 if none, -1 on error. */
int	store_score_last(struct store *, const uint8_t *node,
	    struct store_score *out);
/* Call cb for the node's newest max points, newest first (as above). */
int	store_score_list(struct store *, const uint8_t *node, size_t max,
	    int (*cb)(const struct store_score *, void *), void *arg);
/* Delete the points older than before_ts; deleted may be NULL. */
int	store_score_prune(struct store *, int64_t before_ts,
	    uint64_t *deleted);

/*
 * A vouch as this node's ledger settled it: one row per voucher and
 * vouchee, ever (until pruned), so a settled vouch is not made again by
 * publishing the record anew.  stake is in score units, [0, 1].
 */
enum store_vouch_state {
	STORE_VOUCH_HELD = 0,	/* values of enum rep_vouch_state */
	STORE_VOUCH_RETURNED,
	STORE_VOUCH_FORFEIT
};
struct store_vouch {
	uint8_t		voucher[STORE_ID_LEN];
	uint8_t		vouchee[STORE_ID_LEN];
	int64_t		first_seen;
	int		state;		/* enum store_vouch_state */
	double		stake;
	int64_t		settled;	/* 0 while held */
};

/*
 * Add a held vouch: 1 if added, 0 if the pair already has a row (left
 * as it is), -1 if the table holds max_rows rows (settled state is
 * never evicted: a flood cannot erase a forfeit), the row is not a held
 * one with a stake in [0, 1], or on error.
 */
int	store_vouch_add(struct store *, const struct store_vouch *,
	    size_t max_rows);
/*
 * Settle a held vouch as RETURNED or FORFEIT at settled: 1 if it was
 * held and is now settled, 0 if there is no held row for the pair, -1
 * for a state that is not a settlement, or on error.
 */
int	store_vouch_settle(struct store *, const uint8_t *voucher,
	    const uint8_t *vouchee, int state, int64_t settled);
/*
 * Call cb for every row, by voucher then first_seen (as above).  A row
 * with a state or stake out of range is skipped and logged.
 */
int	store_vouch_list(struct store *,
	    int (*cb)(const struct store_vouch *, void *), void *arg);
/*
 * Delete returned rows settled before returned_before and forfeit rows
 * settled before forfeit_before; held rows are kept.  deleted may be
 * NULL.
 */
int	store_vouch_prune(struct store *, int64_t returned_before,
	    int64_t forfeit_before, uint64_t *deleted);
/*
 * When this node first saw each node of its network (a local
 * observation no record can forge: a node's age is bounded by it).
 * touch: for n IDs (32 bytes each), first = now for a new one, last =
 * now for all, in one transaction, evicting the least recently seen rows
 * beyond max_rows; 0 or -1.  list: cb(id, first) for every row, 0 or
 * the first non-zero cb return, -1 on error.  prune: rows last seen
 * before before_ts.
 */
int	store_seen_touch(struct store *, const uint8_t *ids, size_t n,
	    int64_t now, size_t max_rows);
int	store_seen_list(struct store *,
	    int (*cb)(const uint8_t *, int64_t, void *), void *arg);
int	store_seen_prune(struct store *, int64_t before_ts, uint64_t *deleted);

/*
 * The operator's deny list as added through the admin API (the
 * configuration's deny-identity lines are not stored): add (a repeat is
 * no change), del, list cb(id, added) for every row.  0 or -1; list as
 * store_seen_list.
 */
int	store_deny_add(struct store *, const uint8_t *id, int64_t now);
int	store_deny_del(struct store *, const uint8_t *id);
int	store_deny_list(struct store *,
	    int (*cb)(const uint8_t *, int64_t, void *), void *arg);

/*
 * User standing (doc/REPUTATION.md "User standing").  touch: id had a
 * session on day (Unix days, UTC); a new day is one more active day;
 * at most max_rows identities, the least active evicted.  days: id's
 * active days (0 if unknown), or -1.  prune: identities last seen
 * before before_day.
 */
int	store_ident_touch(struct store *, const uint8_t *id, int64_t day,
	    size_t max_rows);
int64_t	store_ident_days(struct store *, const uint8_t *id);
int	store_ident_prune(struct store *, int64_t before_day,
	    uint64_t *deleted);

/* A reported block, as store_block_on lists them. */
struct store_block {
	uint8_t		blocker[STORE_ID_LEN];
	int64_t		since;		/* Unix seconds, when reported */
	int64_t		blocker_days;	/* its active days */
	int64_t		blocker_nblocks;	/* blocks it reported */
};

/*
 * add: blocker reports a block on target (a repeat keeps the first
 * since); at most max_rows blocks, the oldest evicted.  del: one block.
 * on: up to max blocks on target, newest first, into out; the count, or
 * -1.  prune: blocks reported before before_ts.
 */
int	store_block_add(struct store *, const uint8_t *blocker,
	    const uint8_t *target, int64_t now, size_t max_rows);
int	store_block_del(struct store *, const uint8_t *blocker,
	    const uint8_t *target);
int	store_block_on(struct store *, const uint8_t *target,
	    struct store_block *out, size_t max);
int	store_block_prune(struct store *, int64_t before_ts,
	    uint64_t *deleted);

#endif

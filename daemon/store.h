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
#define STORE_SCHEMA_VERSION	1	/* PRAGMA user_version this build writes */
#define STORE_BUSY_TIMEOUT_MS	5000	/* wait for another writer's lock */

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

#endif

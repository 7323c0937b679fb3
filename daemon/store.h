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

#define STORE_FILE	"chorus.db"

struct store;

/* Open (creating and migrating if needed); NULL with err filled. */
struct store	*store_open(const char *path, char *err, size_t errlen);
/* Finalise statements and close; NULL is fine. */
void		 store_close(struct store *);
/* Schema version of the open database. */
int		 store_version(const struct store *);

/* Small key/value facts about the node (first start time, ...). */
int	store_meta_get(struct store *, const char *key, char *out, size_t outlen);
int	store_meta_set(struct store *, const char *key, const char *value);

/*
 * Lifetime totals (sessions supported, bytes relayed, ...), aggregate
 * counters only: never per client.  add is one transaction for n names.
 */
int	store_total_get(struct store *, const char *name, uint64_t *value);
int	store_totals_add(struct store *, const char *const *names,
	    const uint64_t *deltas, size_t n);

#endif

/*
 * store_ident.c - what a node keeps about client identities: the
 * operator's deny list (deny-identity added through the admin API), and
 * for user standing each identity's active days and the blocks reported
 * on it.  IDs only: never an address (doc/REPUTATION.md "User standing").
 */
#include <stdint.h>
#include <string.h>

#include <sqlite3.h>

#include "log.h"
#include "store.h"
#include "store_priv.h"

/* Bind id to ?1 (and a second ID to ?2) of i, run it; 0 or -1. */
static int
store_ids_run(struct store *s, enum store_stmt i, const uint8_t *id,
    const uint8_t *id2, const char *func)
{
	if (store_bind_id(s, i, 1, id) == -1 ||
	    (id2 != NULL && store_bind_id(s, i, 2, id2) == -1)) {
		store_warn(s, func, i);
		store_done(s, i);
		return -1;
	}
	return store_run(s, i, func);
}

/* store_ids_run with the integer v bound to parameter col as well. */
static int
store_ids_int_run(struct store *s, enum store_stmt i, const uint8_t *id,
    const uint8_t *id2, int col, int64_t v, const char *func)
{
	if (sqlite3_bind_int64(s->stmt[i], col, v) != SQLITE_OK) {
		store_warn(s, func, i);
		store_done(s, i);
		return -1;
	}
	return store_ids_run(s, i, id, id2, func);
}

/*
 * Insert with store_ids_int_run into a table capped at max rows: one
 * transaction that first makes room (count statement c, trim t).
 */
static int
store_capped_run(struct store *s, enum store_stmt c, enum store_stmt t,
    enum store_stmt i, const uint8_t *id, const uint8_t *id2, int col,
    int64_t v, size_t max, const char *func)
{
	int ok;

	if (store_run(s, STORE_BEGIN, func) == -1)
		return -1;
	ok = store_make_room(s, c, t, 1, max, func) == 0 &&
	    store_ids_int_run(s, i, id, id2, col, v, func) == 0;
	return store_end(s, ok, func);
}

int
store_deny_add(struct store *s, const uint8_t *id, int64_t now)
{
	return store_ids_int_run(s, STORE_DENY_ADD, id, NULL, 2, now,
	    __func__);
}

int
store_deny_del(struct store *s, const uint8_t *id)
{
	return store_ids_run(s, STORE_DENY_DEL, id, NULL, __func__);
}

int
store_deny_list(struct store *s, int (*cb)(const uint8_t *, int64_t, void *),
    void *arg)
{
	return store_id_rows(s, STORE_DENY_LIST, cb, arg, __func__);
}

int
store_ident_touch(struct store *s, const uint8_t *id, int64_t day,
    size_t max_rows)
{
	return store_capped_run(s, STORE_IDENT_COUNT, STORE_IDENT_TRIM,
	    STORE_IDENT_TOUCH, id, NULL, 2, day, max_rows, __func__);
}

int64_t
store_ident_days(struct store *s, const uint8_t *id)
{
	int64_t days = -1;
	int rc;

	if (store_bind_id(s, STORE_IDENT_GET, 1, id) == -1) {
		store_warn(s, __func__, STORE_IDENT_GET);
		store_done(s, STORE_IDENT_GET);
		return -1;
	}
	if ((rc = store_lookup(s, STORE_IDENT_GET, __func__)) == 0)
		days = sqlite3_column_int64(s->stmt[STORE_IDENT_GET], 0);
	else if (rc == 1)
		days = 0;
	store_done(s, STORE_IDENT_GET);
	return days;
}

int
store_ident_prune(struct store *s, int64_t before_day, uint64_t *deleted)
{
	return store_prune(s, STORE_IDENT_PRUNE, before_day, NULL, deleted,
	    __func__);
}

int
store_block_add(struct store *s, const uint8_t *blocker,
    const uint8_t *target, int64_t now, size_t max_rows)
{
	return store_capped_run(s, STORE_BLOCK_COUNT, STORE_BLOCK_TRIM,
	    STORE_BLOCK_ADD, blocker, target, 3, now, max_rows, __func__);
}

int
store_block_del(struct store *s, const uint8_t *blocker,
    const uint8_t *target)
{
	return store_ids_run(s, STORE_BLOCK_DEL, blocker, target, __func__);
}

int
store_block_on(struct store *s, const uint8_t *target,
    struct store_block *out, size_t max)
{
	sqlite3_stmt *st = s->stmt[STORE_BLOCK_ON];
	size_t n = 0;
	int rc = 0;

	if (store_bind_id(s, STORE_BLOCK_ON, 1, target) == -1 ||
	    sqlite3_bind_int64(st, 2, (sqlite3_int64)max) != SQLITE_OK) {
		store_warn(s, __func__, STORE_BLOCK_ON);
		store_done(s, STORE_BLOCK_ON);
		return -1;
	}
	while (n < max && (rc = store_lookup(s, STORE_BLOCK_ON,
	    __func__)) == 0) {
		if (store_blob(st, 0, out[n].blocker,
		    sizeof(out[n].blocker)) == -1)
			continue;
		out[n].since = sqlite3_column_int64(st, 1);
		out[n].blocker_days = sqlite3_column_int64(st, 2);
		out[n].blocker_nblocks = sqlite3_column_int64(st, 3);
		n++;
	}
	store_done(s, STORE_BLOCK_ON);
	return rc == -1 ? -1 : (int)n;
}

int
store_block_prune(struct store *s, int64_t before_ts, uint64_t *deleted)
{
	return store_prune(s, STORE_BLOCK_PRUNE, before_ts, NULL, deleted,
	    __func__);
}

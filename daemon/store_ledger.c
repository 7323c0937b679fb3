/*
 * store_ledger.c - the ledger's own tables (schema 4): this node's
 * challenge sessions as a verifier, score history, vouch state, and when
 * this node first saw each node.  Every table is capped in rows besides
 * its retention, so no flood of records can fill the disk.
 */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "log.h"
#include "store.h"
#include "store_priv.h"

/* Bind a 32-byte ID to parameter col of statement i. */
int
store_bind_id(struct store *s, enum store_stmt i, int col, const uint8_t *id)
{
	return sqlite3_bind_blob(s->stmt[i], col, id, STORE_ID_LEN,
	    SQLITE_STATIC) == SQLITE_OK ? 0 : -1;
}

/* The number of rows a count(*) statement finds; -1 on error. */
int64_t
store_count(struct store *s, enum store_stmt i, const char *func)
{
	int64_t n = -1;

	if (store_lookup(s, i, func) == 0)
		n = sqlite3_column_int64(s->stmt[i], 0);
	store_done(s, i);
	return n;
}

/*
 * Make room for n more rows in a table holding at most max: delete the
 * oldest with trim statement t, given the table's count statement c.
 * Inside the caller's transaction.  0 or -1.
 */
int
store_make_room(struct store *s, enum store_stmt c, enum store_stmt t,
    size_t n, size_t max, const char *func)
{
	int64_t have;

	if ((have = store_count(s, c, func)) == -1)
		return -1;
	if ((uint64_t)have + n <= max)
		return 0;
	if (sqlite3_bind_int64(s->stmt[t], 1,
	    (sqlite3_int64)((uint64_t)have + n - max)) != SQLITE_OK) {
		store_warn(s, func, t);
		store_done(s, t);
		return -1;
	}
	return store_run(s, t, func);
}

/* Close a write transaction: commit if ok, else roll back.  0 or -1. */
int
store_end(struct store *s, int ok, const char *func)
{
	if (ok && store_run(s, STORE_COMMIT, func) == 0)
		return 0;
	/* A failed COMMIT (SQLITE_BUSY) leaves the transaction open. */
	if (!sqlite3_get_autocommit(s->db))
		store_run(s, STORE_ROLLBACK, func);
	return -1;
}

/* Run a prune statement i with before bound to ?1 (and ?2 if given). */
int
store_prune(struct store *s, enum store_stmt i, int64_t before,
    const int64_t *before2, uint64_t *deleted, const char *func)
{
	sqlite3_stmt *st = s->stmt[i];

	if (deleted != NULL)
		*deleted = 0;
	if (sqlite3_bind_int64(st, 1, before) != SQLITE_OK ||
	    (before2 != NULL &&
	    sqlite3_bind_int64(st, 2, *before2) != SQLITE_OK)) {
		store_warn(s, func, i);
		store_done(s, i);
		return -1;
	}
	if (store_run(s, i, func) == -1)
		return -1;
	if (deleted != NULL)
		*deleted = (uint64_t)sqlite3_changes(s->db);
	return 0;
}

/* Bind a challenge record to STORE_CHALLENGE_ADD. */
static int
store_challenge_bind(struct store *s, const struct store_challenge *c)
{
	sqlite3_stmt *st = s->stmt[STORE_CHALLENGE_ADD];
	const int64_t v[] = { c->started, c->ended, c->outcome, c->sent,
	    c->passed, c->late, c->forged, (int64_t)c->bytes,
	    c->throughput_kbps, c->rtt_median_us, c->rtt_spread_us,
	    c->loss_ppm };
	size_t i;

	if (store_bind_id(s, STORE_CHALLENGE_ADD, 1, c->subject) == -1)
		return -1;
	for (i = 0; i < STORE_NITEMS(v); i++)
		if (sqlite3_bind_int64(st, (int)i + 2, v[i]) != SQLITE_OK)
			return -1;
	return 0;
}

/* Keep a challenge record, the oldest going if the table is full. */
int
store_challenge_add(struct store *s, const struct store_challenge *c,
    size_t max_rows)
{
	int ok = 0;

	if (c->outcome < 0 || c->outcome > STORE_OUTCOME_MAX ||
	    c->bytes > INT64_MAX || max_rows == 0) {
		log_warnx("%s: %s: challenge record out of range", __func__,
		    s->path);
		return -1;
	}
	if (store_run(s, STORE_BEGIN, __func__) == -1)
		return -1;
	if (store_make_room(s, STORE_CHALLENGE_COUNT, STORE_CHALLENGE_TRIM, 1,
	    max_rows, __func__) == -1)
		goto done;
	if (store_challenge_bind(s, c) == -1) {
		store_warn(s, __func__, STORE_CHALLENGE_ADD);
		store_done(s, STORE_CHALLENGE_ADD);
		goto done;
	}
	ok = store_run(s, STORE_CHALLENGE_ADD, __func__) == 0;
 done:
	return store_end(s, ok, __func__);
}

/* An integer column that must lie in [lo, hi]; -1 if not. */
static int
store_int(sqlite3_stmt *st, int col, int64_t lo, int64_t hi, int64_t *out)
{
	if (sqlite3_column_type(st, col) != SQLITE_INTEGER)
		return -1;
	*out = sqlite3_column_int64(st, col);
	return *out >= lo && *out <= hi ? 0 : -1;
}

/* Read the current row of STORE_CHALLENGE_LIST into c; -1 if bad. */
static int
store_challenge_row(sqlite3_stmt *st, struct store_challenge *c)
{
	uint32_t *u32[] = { &c->sent, &c->passed, &c->late, &c->forged };
	uint32_t *m32[] = { &c->throughput_kbps, &c->rtt_median_us,
	    &c->rtt_spread_us, &c->loss_ppm };
	int64_t v;
	size_t i;

	memset(c, 0, sizeof(*c));
	if (store_blob(st, 0, c->subject, STORE_ID_LEN) == -1 ||
	    store_int(st, 1, INT64_MIN, INT64_MAX, &c->started) == -1 ||
	    store_int(st, 2, INT64_MIN, INT64_MAX, &c->ended) == -1 ||
	    store_int(st, 3, 0, STORE_OUTCOME_MAX, &v) == -1)
		return -1;
	c->outcome = (int)v;
	for (i = 0; i < STORE_NITEMS(u32); i++) {
		if (store_int(st, 4 + (int)i, 0, UINT32_MAX, &v) == -1)
			return -1;
		*u32[i] = (uint32_t)v;
	}
	if (store_int(st, 8, 0, INT64_MAX, &v) == -1)
		return -1;
	c->bytes = (uint64_t)v;
	for (i = 0; i < STORE_NITEMS(m32); i++) {
		if (store_int(st, 9 + (int)i, 0, UINT32_MAX, &v) == -1)
			return -1;
		*m32[i] = (uint32_t)v;
	}
	return 0;
}

/*
 * Bind an ID and a LIMIT to list statement i (?1, ?2); a max above
 * INT64_MAX is no limit.  0 or -1 (the statement reset).
 */
static int
store_bind_list(struct store *s, enum store_stmt i, const uint8_t *id,
    size_t max, const char *func)
{
	sqlite3_int64 lim = max > INT64_MAX ? INT64_MAX : (sqlite3_int64)max;

	if (store_bind_id(s, i, 1, id) == -1 ||
	    sqlite3_bind_int64(s->stmt[i], 2, lim) != SQLITE_OK) {
		store_warn(s, func, i);
		store_done(s, i);
		return -1;
	}
	return 0;
}

/* The newest challenge records about subject, newest first. */
int
store_challenge_list(struct store *s, const uint8_t *subject, size_t max,
    int (*cb)(const struct store_challenge *, void *), void *arg)
{
	struct store_challenge c;
	int rc;

	if (store_bind_list(s, STORE_CHALLENGE_LIST, subject, max,
	    __func__) == -1)
		return -1;
	for (;;) {
		if ((rc = store_lookup(s, STORE_CHALLENGE_LIST, __func__)) != 0) {
			if (rc == 1)
				rc = 0;
			break;
		}
		if (store_challenge_row(s->stmt[STORE_CHALLENGE_LIST],
		    &c) == -1) {
			log_warnx("%s: %s: a challenges row is malformed; "
			    "skipped", __func__, s->path);
			continue;
		}
		if ((rc = cb(&c, arg)) != 0)
			break;
	}
	store_done(s, STORE_CHALLENGE_LIST);
	return rc;
}

/* Delete the challenge records that ended before before_ts. */
int
store_challenge_prune(struct store *s, int64_t before_ts, uint64_t *deleted)
{
	return store_prune(s, STORE_CHALLENGE_PRUNE, before_ts, NULL, deleted,
	    __func__);
}

/* 1 if every number of a score point is finite. */
static int
store_score_finite(const struct store_score *p)
{
	size_t i;

	if (!isfinite(p->score) || !isfinite(p->confidence))
		return 0;
	for (i = 0; i < STORE_NCOMP; i++)
		if (!isfinite(p->comp[i]))
			return 0;
	return 1;
}

/* Insert one score point (STORE_SCORE_ADD); 0 or -1. */
static int
store_score_put(struct store *s, const struct store_score *p)
{
	sqlite3_stmt *st = s->stmt[STORE_SCORE_ADD];
	size_t i;
	int bad;

	bad = store_bind_id(s, STORE_SCORE_ADD, 1, p->node) == -1 ||
	    sqlite3_bind_int64(st, 2, p->ts) != SQLITE_OK ||
	    sqlite3_bind_double(st, 3, p->score) != SQLITE_OK ||
	    sqlite3_bind_double(st, 4 + STORE_NCOMP, p->confidence) !=
	    SQLITE_OK;
	for (i = 0; !bad && i < STORE_NCOMP; i++)
		bad = sqlite3_bind_double(st, 4 + (int)i, p->comp[i]) !=
		    SQLITE_OK;
	if (bad) {
		store_warn(s, __func__, STORE_SCORE_ADD);
		store_done(s, STORE_SCORE_ADD);
		return -1;
	}
	return store_run(s, STORE_SCORE_ADD, __func__);
}

/* Append n score points, trimming the oldest beyond max_rows. */
int
store_scores_add(struct store *s, const struct store_score *p, size_t n,
    size_t max_rows)
{
	size_t i;
	int ok = 0;

	for (i = 0; i < n; i++) {
		if (!store_score_finite(&p[i])) {
			log_warnx("%s: %s: a score is not a number", __func__,
			    s->path);
			return -1;
		}
	}
	if (n > max_rows) {
		log_warnx("%s: %s: %zu score points, at most %zu kept",
		    __func__, s->path, n, max_rows);
		return -1;
	}
	if (n == 0)
		return 0;
	if (store_run(s, STORE_BEGIN, __func__) == -1)
		return -1;
	if (store_make_room(s, STORE_SCORE_COUNT, STORE_SCORE_TRIM, n,
	    max_rows, __func__) == -1)
		goto done;
	for (i = 0; i < n; i++)
		if (store_score_put(s, &p[i]) == -1)
			goto done;
	ok = 1;
 done:
	return store_end(s, ok, __func__);
}

/* Read the current row of STORE_SCORE_LIST into p; -1 if bad. */
static int
store_score_row(sqlite3_stmt *st, struct store_score *p)
{
	size_t i;

	memset(p, 0, sizeof(*p));
	if (store_blob(st, 0, p->node, STORE_ID_LEN) == -1 ||
	    store_int(st, 1, INT64_MIN, INT64_MAX, &p->ts) == -1)
		return -1;
	/* A REAL column holding a whole number may come back INTEGER. */
	for (i = 2; i < 4 + STORE_NCOMP; i++) {
		int t = sqlite3_column_type(st, (int)i);

		if (t != SQLITE_FLOAT && t != SQLITE_INTEGER)
			return -1;
	}
	p->score = sqlite3_column_double(st, 2);
	for (i = 0; i < STORE_NCOMP; i++)
		p->comp[i] = sqlite3_column_double(st, 3 + (int)i);
	p->confidence = sqlite3_column_double(st, 3 + STORE_NCOMP);
	return store_score_finite(p) ? 0 : -1;
}

/* The node's newest score points, newest first. */
int
store_score_list(struct store *s, const uint8_t *node, size_t max,
    int (*cb)(const struct store_score *, void *), void *arg)
{
	struct store_score p;
	int rc;

	if (store_bind_list(s, STORE_SCORE_LIST, node, max, __func__) == -1)
		return -1;
	for (;;) {
		if ((rc = store_lookup(s, STORE_SCORE_LIST, __func__)) != 0) {
			if (rc == 1)
				rc = 0;
			break;
		}
		if (store_score_row(s->stmt[STORE_SCORE_LIST], &p) == -1) {
			log_warnx("%s: %s: a score_history row is malformed; "
			    "skipped", __func__, s->path);
			continue;
		}
		if ((rc = cb(&p, arg)) != 0)
			break;
	}
	store_done(s, STORE_SCORE_LIST);
	return rc;
}

/* store_score_list() callback: copy the point, stop with 1. */
static int
store_score_copy(const struct store_score *p, void *arg)
{
	memcpy(arg, p, sizeof(*p));
	return 1;
}

/* The node's newest score point. */
int
store_score_last(struct store *s, const uint8_t *node,
    struct store_score *out)
{
	int rc;

	memset(out, 0, sizeof(*out));
	rc = store_score_list(s, node, 1, store_score_copy, out);
	return rc == 1 ? 0 : rc == 0 ? 1 : -1;
}

/* Delete the score points older than before_ts. */
int
store_score_prune(struct store *s, int64_t before_ts, uint64_t *deleted)
{
	return store_prune(s, STORE_SCORE_PRUNE, before_ts, NULL, deleted,
	    __func__);
}

/* 1 if stake is a stake: a finite number in [0, 1]. */
static int
store_stake_ok(double stake)
{
	return isfinite(stake) && stake >= 0 && stake <= 1;
}

/* Add a held vouch, unless the pair has a row or the table is full. */
int
store_vouch_add(struct store *s, const struct store_vouch *v,
    size_t max_rows)
{
	sqlite3_stmt *st = s->stmt[STORE_VOUCH_ADD];
	int64_t have;
	int rc = -1;

	if (v->state != STORE_VOUCH_HELD || !store_stake_ok(v->stake)) {
		log_warnx("%s: %s: not a held vouch with a stake in [0, 1]",
		    __func__, s->path);
		return -1;
	}
	if ((have = store_count(s, STORE_VOUCH_COUNT, __func__)) == -1)
		return -1;
	if ((uint64_t)have >= max_rows) {
		log_warnx("%s: %s: %zu vouches kept: no more until some are "
		    "pruned", __func__, s->path, max_rows);
		return -1;
	}
	if (store_bind_id(s, STORE_VOUCH_ADD, 1, v->voucher) == -1 ||
	    store_bind_id(s, STORE_VOUCH_ADD, 2, v->vouchee) == -1 ||
	    sqlite3_bind_int64(st, 3, v->first_seen) != SQLITE_OK ||
	    sqlite3_bind_double(st, 4, v->stake) != SQLITE_OK) {
		store_warn(s, __func__, STORE_VOUCH_ADD);
		store_done(s, STORE_VOUCH_ADD);
		return -1;
	}
	if (store_run(s, STORE_VOUCH_ADD, __func__) == 0)
		rc = sqlite3_changes(s->db) > 0 ? 1 : 0;
	return rc;
}

/* Settle a held vouch. */
int
store_vouch_settle(struct store *s, const uint8_t *voucher,
    const uint8_t *vouchee, int state, int64_t settled)
{
	sqlite3_stmt *st = s->stmt[STORE_VOUCH_SETTLE];

	if (state != STORE_VOUCH_RETURNED && state != STORE_VOUCH_FORFEIT) {
		log_warnx("%s: %s: %d is not a settlement", __func__, s->path,
		    state);
		return -1;
	}
	if (store_bind_id(s, STORE_VOUCH_SETTLE, 1, voucher) == -1 ||
	    store_bind_id(s, STORE_VOUCH_SETTLE, 2, vouchee) == -1 ||
	    sqlite3_bind_int(st, 3, state) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 4, settled) != SQLITE_OK) {
		store_warn(s, __func__, STORE_VOUCH_SETTLE);
		store_done(s, STORE_VOUCH_SETTLE);
		return -1;
	}
	if (store_run(s, STORE_VOUCH_SETTLE, __func__) == -1)
		return -1;
	return sqlite3_changes(s->db) > 0 ? 1 : 0;
}

/* Read the current row of STORE_VOUCH_LIST into v; -1 if bad. */
static int
store_vouch_row(sqlite3_stmt *st, struct store_vouch *v)
{
	int64_t state;
	int t;

	memset(v, 0, sizeof(*v));
	if (store_blob(st, 0, v->voucher, STORE_ID_LEN) == -1 ||
	    store_blob(st, 1, v->vouchee, STORE_ID_LEN) == -1 ||
	    store_int(st, 2, INT64_MIN, INT64_MAX, &v->first_seen) == -1 ||
	    store_int(st, 3, STORE_VOUCH_HELD, STORE_VOUCH_FORFEIT,
	    &state) == -1 ||
	    store_int(st, 5, INT64_MIN, INT64_MAX, &v->settled) == -1)
		return -1;
	t = sqlite3_column_type(st, 4);
	if (t != SQLITE_FLOAT && t != SQLITE_INTEGER)
		return -1;
	v->state = (int)state;
	v->stake = sqlite3_column_double(st, 4);
	return store_stake_ok(v->stake) ? 0 : -1;
}

/* Call cb for every vouch row. */
int
store_vouch_list(struct store *s,
    int (*cb)(const struct store_vouch *, void *), void *arg)
{
	struct store_vouch v;
	int rc;

	for (;;) {
		if ((rc = store_lookup(s, STORE_VOUCH_LIST, __func__)) != 0) {
			if (rc == 1)
				rc = 0;
			break;
		}
		if (store_vouch_row(s->stmt[STORE_VOUCH_LIST], &v) == -1) {
			log_warnx("%s: %s: a vouches row is malformed; "
			    "skipped", __func__, s->path);
			continue;
		}
		if ((rc = cb(&v, arg)) != 0)
			break;
	}
	store_done(s, STORE_VOUCH_LIST);
	return rc;
}

/* Delete settled vouches past their time; held ones stay. */
int
store_vouch_prune(struct store *s, int64_t returned_before,
    int64_t forfeit_before, uint64_t *deleted)
{
	return store_prune(s, STORE_VOUCH_PRUNE, returned_before,
	    &forfeit_before, deleted, __func__);
}

int
store_seen_touch(struct store *s, const uint8_t *ids, size_t n, int64_t now,
    size_t max_rows)
{
	sqlite3_stmt *st = s->stmt[STORE_SEEN_TOUCH];
	size_t i;
	int ok = 1;

	if (n == 0)
		return 0;
	if (store_run(s, STORE_BEGIN, __func__) == -1)
		return -1;
	for (i = 0; ok && i < n; i++) {
		if (store_bind_id(s, STORE_SEEN_TOUCH, 1, ids + i *
		    STORE_ID_LEN) == -1 ||
		    sqlite3_bind_int64(st, 2, now) != SQLITE_OK) {
			store_warn(s, __func__, STORE_SEEN_TOUCH);
			store_done(s, STORE_SEEN_TOUCH);
			ok = 0;
			break;
		}
		ok = store_run(s, STORE_SEEN_TOUCH, __func__) == 0;
	}
	if (ok)
		ok = store_make_room(s, STORE_SEEN_COUNT, STORE_SEEN_TRIM, 0,
		    max_rows, __func__) == 0;
	return store_end(s, ok, __func__);
}

/*
 * Rows of (ID, integer) from statement i: cb for each, 0 or the first
 * non-zero cb return, -1 on error.  A first column that is not an ID is
 * skipped.
 */
int
store_id_rows(struct store *s, enum store_stmt i,
    int (*cb)(const uint8_t *, int64_t, void *), void *arg, const char *func)
{
	sqlite3_stmt *st = s->stmt[i];
	uint8_t id[STORE_ID_LEN];
	int rc;

	for (;;) {
		if ((rc = store_lookup(s, i, func)) != 0) {
			if (rc == 1)
				rc = 0;
			break;
		}
		if (store_blob(st, 0, id, sizeof(id)) == -1)
			continue;	/* not an ID: ignored */
		if ((rc = cb(id, sqlite3_column_int64(st, 1), arg)) != 0)
			break;
	}
	store_done(s, i);
	return rc;
}

int
store_seen_list(struct store *s, int (*cb)(const uint8_t *, int64_t, void *),
    void *arg)
{
	return store_id_rows(s, STORE_SEEN_LIST, cb, arg, __func__);
}

int
store_seen_prune(struct store *s, int64_t before_ts, uint64_t *deleted)
{
	return store_prune(s, STORE_SEEN_PRUNE, before_ts, NULL, deleted,
	    __func__);
}

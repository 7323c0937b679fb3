/*
 * store_priv.h - what store.c shares with store_ledger.c: the prepared
 * statements and the helpers that run them.  Nothing else includes it.
 */
#ifndef CHORUSD_STORE_PRIV_H
#define CHORUSD_STORE_PRIV_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#define STORE_NITEMS(a)		(sizeof(a) / sizeof((a)[0]))

/* The statements prepared at open, by index into store_sql. */
enum store_stmt {
	STORE_BEGIN,
	STORE_COMMIT,
	STORE_ROLLBACK,
	STORE_META_GET,
	STORE_META_SET,
	STORE_TOTAL_GET,
	STORE_TOTAL_ADD,
	STORE_HISTORY_ADD,
	STORE_HISTORY_GET,
	STORE_HISTORY_PRUNE,
	STORE_HISTORY_LIST,
	STORE_USER_PUT,
	STORE_USER_DEL,
	STORE_USER_GET,
	STORE_USER_GET_HASH,
	STORE_USER_LIST,
	STORE_NETREC_PUT,
	STORE_NETREC_LIST,
	STORE_NETREC_PRUNE,
	STORE_CHALLENGE_ADD,
	STORE_CHALLENGE_COUNT,
	STORE_CHALLENGE_TRIM,
	STORE_CHALLENGE_LIST,
	STORE_CHALLENGE_PRUNE,
	STORE_SCORE_ADD,
	STORE_SCORE_COUNT,
	STORE_SCORE_TRIM,
	STORE_SCORE_LIST,
	STORE_SCORE_PRUNE,
	STORE_VOUCH_ADD,
	STORE_VOUCH_COUNT,
	STORE_VOUCH_SETTLE,
	STORE_VOUCH_LIST,
	STORE_VOUCH_PRUNE,
	STORE_SEEN_TOUCH,
	STORE_SEEN_COUNT,
	STORE_SEEN_TRIM,
	STORE_SEEN_LIST,
	STORE_SEEN_PRUNE,
	STORE_DENY_ADD,
	STORE_DENY_DEL,
	STORE_DENY_LIST,
	STORE_IDENT_TOUCH,
	STORE_IDENT_GET,
	STORE_IDENT_COUNT,
	STORE_IDENT_TRIM,
	STORE_IDENT_PRUNE,
	STORE_BLOCK_ADD,
	STORE_BLOCK_DEL,
	STORE_BLOCK_COUNT,
	STORE_BLOCK_TRIM,
	STORE_BLOCK_ON,
	STORE_BLOCK_PRUNE,
	STORE_NSTMT
};

struct store {
	sqlite3		*db;
	char		*path;
	int		 version;	/* PRAGMA user_version */
	sqlite3_stmt	*stmt[STORE_NSTMT];
};

/* Log a failure at run time: the statement's text and SQLite's message. */
void	store_warn(struct store *, const char *func, enum store_stmt);
/* Reset a statement and clear its bindings. */
void	store_done(struct store *, enum store_stmt);
/* Step a statement that returns no row, then reset it; 0 or -1 (logged). */
int	store_run(struct store *, enum store_stmt, const char *func);
/* Step a lookup: 0 with the row current, 1 if none, -1 (logged); the
 * caller resets it. */
int	store_lookup(struct store *, enum store_stmt, const char *func);
/* A text or blob column into a caller's buffer; 0 or -1. */
int	store_text(sqlite3_stmt *, int col, char *out, size_t max);
int	store_blob(sqlite3_stmt *, int col, uint8_t *out, size_t len);

/* Shared by store_ledger.c and store_ident.c (there). */
int	store_bind_id(struct store *, enum store_stmt, int col,
	    const uint8_t *id);
int64_t	store_count(struct store *, enum store_stmt, const char *func);
int	store_make_room(struct store *, enum store_stmt c, enum store_stmt t,
	    size_t n, size_t max, const char *func);
int	store_end(struct store *, int ok, const char *func);
int	store_prune(struct store *, enum store_stmt, int64_t before,
	    const int64_t *before2, uint64_t *deleted, const char *func);
int	store_id_rows(struct store *, enum store_stmt,
	    int (*cb)(const uint8_t *, int64_t, void *), void *arg,
	    const char *func);

#endif

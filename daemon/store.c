/*
 * store.c - the node's SQLite database: the only module that touches it.
 *
 * Opening sets the journal to WAL (readers do not block the writer, and a
 * killed node loses nothing that was committed), checks the file, refuses
 * a corrupt database or one from a newer chorusd, and runs the migrations
 * the file lacks.  Every statement used afterwards is prepared here once
 * and reset after each use; values are always bound, never formatted into
 * SQL.  sqlite3_exec() runs only fixed text: pragmas and the migrations.
 */
#include "config.h"

#include <sys/stat.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <sqlite3.h>

#include "log.h"
#include "store.h"
#include "store_priv.h"

#define STORE_PRAGMA_MAX	256	/* longest pragma result kept */
#define STORE_OPEN_FLAGS	(SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | \
				 SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE)

static const char *const store_sql[STORE_NSTMT] = {
	[STORE_BEGIN] = "BEGIN IMMEDIATE",
	[STORE_COMMIT] = "COMMIT",
	[STORE_ROLLBACK] = "ROLLBACK",
	[STORE_META_GET] = "SELECT value FROM meta WHERE key = ?1",
	[STORE_META_SET] = "INSERT INTO meta(key, value) VALUES(?1, ?2) "
	    "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
	[STORE_TOTAL_GET] = "SELECT value FROM totals WHERE name = ?1",
	[STORE_TOTAL_ADD] = "INSERT INTO totals(name, value) VALUES(?1, ?2) "
	    "ON CONFLICT(name) DO UPDATE SET value = value + excluded.value",
	[STORE_HISTORY_ADD] = "INSERT INTO history(ts, name, value) "
	    "VALUES(?1, ?2, ?3) "
	    "ON CONFLICT(name, ts) DO UPDATE SET value = excluded.value",
	[STORE_HISTORY_GET] = "SELECT value FROM history "
	    "WHERE name = ?1 AND ts = ?2",
	/*
	 * A full scan, as the key starts with name: pruning runs rarely and
	 * the table stays small (aggregates, a few names, bounded age).
	 */
	[STORE_HISTORY_PRUNE] = "DELETE FROM history WHERE ts < ?1",
	/* In key order: a scan with no sort. */
	[STORE_HISTORY_LIST] = "SELECT ts, name, value FROM history "
	    "WHERE ts >= ?1 AND ts <= ?2 ORDER BY name, ts",
	/*
	 * An upsert, not INSERT OR REPLACE: that would also delete another
	 * user whose userhash collided, where this fails on the constraint.
	 */
	[STORE_USER_PUT] = "INSERT INTO users(name, realm, key_md5, "
	    "key_sha256, userhash, created) VALUES(?1, ?2, ?3, ?4, ?5, ?6) "
	    "ON CONFLICT(name) DO UPDATE SET realm = excluded.realm, "
	    "key_md5 = excluded.key_md5, key_sha256 = excluded.key_sha256, "
	    "userhash = excluded.userhash, created = excluded.created",
	[STORE_USER_DEL] = "DELETE FROM users WHERE name = ?1",
	/* The columns store_user_row() reads, in its order. */
	[STORE_USER_GET] = "SELECT name, realm, key_md5, key_sha256, created "
	    "FROM users WHERE name = ?1",
	[STORE_USER_GET_HASH] = "SELECT name, realm, key_md5, key_sha256, "
	    "created FROM users WHERE userhash = ?1",
	[STORE_USER_LIST] = "SELECT name, realm, key_md5, key_sha256, created "
	    "FROM users ORDER BY name",
	/* A record replaces the same signer's older one about the subject. */
	[STORE_NETREC_PUT] = "INSERT INTO netrecs(kind, signer, subject, "
	    "issued, expires, received, rec) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7) "
	    "ON CONFLICT(kind, signer, subject) DO UPDATE SET "
	    "issued = excluded.issued, expires = excluded.expires, "
	    "received = excluded.received, rec = excluded.rec "
	    "WHERE excluded.issued > netrecs.issued",
	[STORE_NETREC_LIST] = "SELECT rec FROM netrecs WHERE kind = ?1 "
	    "AND expires > ?2 ORDER BY signer, subject",
	[STORE_NETREC_PRUNE] = "DELETE FROM netrecs WHERE expires <= ?1",
	[STORE_CHALLENGE_ADD] = "INSERT INTO challenges(subject, started, "
	    "ended, outcome, sent, passed, late, forged, bytes, "
	    "throughput_kbps, rtt_median_us, rtt_spread_us, loss_ppm) "
	    "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
	/* count(*) walks the smallest index: milliseconds at the caps. */
	[STORE_CHALLENGE_COUNT] = "SELECT count(*) FROM challenges",
	[STORE_CHALLENGE_TRIM] = "DELETE FROM challenges WHERE id IN "
	    "(SELECT id FROM challenges ORDER BY ended, id LIMIT ?1)",
	/* The columns store_challenge_row() reads, in its order. */
	[STORE_CHALLENGE_LIST] = "SELECT subject, started, ended, outcome, "
	    "sent, passed, late, forged, bytes, throughput_kbps, "
	    "rtt_median_us, rtt_spread_us, loss_ppm FROM challenges "
	    "WHERE subject = ?1 ORDER BY ended DESC, id DESC LIMIT ?2",
	[STORE_CHALLENGE_PRUNE] = "DELETE FROM challenges WHERE ended < ?1",
	[STORE_SCORE_ADD] = "INSERT INTO score_history(node, ts, score, "
	    "reliability, bandwidth, latency, stability, uptime, age, "
	    "confidence) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) "
	    "ON CONFLICT(node, ts) DO UPDATE SET score = excluded.score, "
	    "reliability = excluded.reliability, "
	    "bandwidth = excluded.bandwidth, latency = excluded.latency, "
	    "stability = excluded.stability, uptime = excluded.uptime, "
	    "age = excluded.age, confidence = excluded.confidence",
	[STORE_SCORE_COUNT] = "SELECT count(*) FROM score_history",
	[STORE_SCORE_TRIM] = "DELETE FROM score_history WHERE id IN "
	    "(SELECT id FROM score_history ORDER BY ts, id LIMIT ?1)",
	/* The columns store_score_row() reads, in its order. */
	[STORE_SCORE_LIST] = "SELECT node, ts, score, reliability, bandwidth, "
	    "latency, stability, uptime, age, confidence FROM score_history "
	    "WHERE node = ?1 ORDER BY ts DESC LIMIT ?2",
	[STORE_SCORE_PRUNE] = "DELETE FROM score_history WHERE ts < ?1",
	[STORE_VOUCH_ADD] = "INSERT INTO vouches(voucher, vouchee, "
	    "first_seen, state, stake, settled) VALUES(?1, ?2, ?3, 0, ?4, 0) "
	    "ON CONFLICT(voucher, vouchee) DO NOTHING",
	[STORE_VOUCH_COUNT] = "SELECT count(*) FROM vouches",
	[STORE_VOUCH_SETTLE] = "UPDATE vouches SET state = ?3, settled = ?4 "
	    "WHERE voucher = ?1 AND vouchee = ?2 AND state = 0",
	/* The columns store_vouch_row() reads, in its order. */
	[STORE_VOUCH_LIST] = "SELECT voucher, vouchee, first_seen, state, "
	    "stake, settled FROM vouches ORDER BY voucher, first_seen, vouchee",
	[STORE_VOUCH_PRUNE] = "DELETE FROM vouches WHERE "
	    "(state = 1 AND settled < ?1) OR (state = 2 AND settled < ?2)",
	[STORE_SEEN_TOUCH] = "INSERT INTO nodes_seen(node, first, last) "
	    "VALUES(?1, ?2, ?2) ON CONFLICT(node) DO UPDATE SET "
	    "last = max(last, excluded.last)",
	[STORE_SEEN_COUNT] = "SELECT count(*) FROM nodes_seen",
	[STORE_SEEN_TRIM] = "DELETE FROM nodes_seen WHERE node IN "
	    "(SELECT node FROM nodes_seen ORDER BY last, first LIMIT ?1)",
	[STORE_SEEN_LIST] = "SELECT node, first FROM nodes_seen",
	[STORE_SEEN_PRUNE] = "DELETE FROM nodes_seen WHERE last < ?1",
	[STORE_DENY_ADD] = "INSERT INTO denied(id, added) VALUES(?1, ?2) "
	    "ON CONFLICT(id) DO NOTHING",
	[STORE_DENY_DEL] = "DELETE FROM denied WHERE id = ?1",
	[STORE_DENY_LIST] = "SELECT id, added FROM denied",
	/* One more active day when the day changes; all SETs see the old row. */
	[STORE_IDENT_TOUCH] = "INSERT INTO identities(id, first_day, "
	    "last_day, active_days) VALUES(?1, ?2, ?2, 1) ON CONFLICT(id) DO "
	    "UPDATE SET active_days = active_days + "
	    "(excluded.last_day > identities.last_day), "
	    "last_day = max(identities.last_day, excluded.last_day)",
	[STORE_IDENT_GET] = "SELECT active_days FROM identities WHERE id = ?1",
	[STORE_IDENT_COUNT] = "SELECT count(*) FROM identities",
	[STORE_IDENT_TRIM] = "DELETE FROM identities WHERE id IN "
	    "(SELECT id FROM identities ORDER BY last_day, active_days "
	    "LIMIT ?1)",
	[STORE_IDENT_PRUNE] = "DELETE FROM identities WHERE last_day < ?1",
	[STORE_BLOCK_ADD] = "INSERT INTO blocks(blocker, target, since) "
	    "VALUES(?1, ?2, ?3) ON CONFLICT(blocker, target) DO NOTHING",
	[STORE_BLOCK_DEL] = "DELETE FROM blocks WHERE blocker = ?1 AND "
	    "target = ?2",
	[STORE_BLOCK_COUNT] = "SELECT count(*) FROM blocks",
	[STORE_BLOCK_TRIM] = "DELETE FROM blocks WHERE rowid IN "
	    "(SELECT rowid FROM blocks ORDER BY since LIMIT ?1)",
	/*
	 * The blocks on a target, newest first: blocker, since, the
	 * blocker's active days and how many blocks it reported.
	 */
	[STORE_BLOCK_ON] = "SELECT b.blocker, b.since, "
	    "coalesce(i.active_days, 0), coalesce(k.n, 1) "
	    "FROM blocks b LEFT JOIN identities i ON i.id = b.blocker "
	    "LEFT JOIN blockers k ON k.blocker = b.blocker "
	    "WHERE b.target = ?1 ORDER BY b.since DESC LIMIT ?2",
	[STORE_BLOCK_PRUNE] = "DELETE FROM blocks WHERE since < ?1",
};

/*
 * Migration i takes the schema from version i to i + 1, in one
 * transaction with the user_version update.  Append only: a migration
 * that has shipped is never edited.
 */
static const char *const store_migrations[] = {
	/* 0 -> 1 */
	"CREATE TABLE meta ("
	"  key TEXT PRIMARY KEY,"
	"  value TEXT NOT NULL"
	") WITHOUT ROWID;"
	"CREATE TABLE totals ("
	"  name TEXT PRIMARY KEY,"
	"  value INTEGER NOT NULL DEFAULT 0"
	") WITHOUT ROWID;"
	"CREATE TABLE history ("
	"  ts INTEGER NOT NULL,"
	"  name TEXT NOT NULL,"
	"  value INTEGER NOT NULL,"
	"  PRIMARY KEY (name, ts)"
	") WITHOUT ROWID;",
	/* 1 -> 2: long-term TURN users, keys only (store.h) */
	"CREATE TABLE users ("
	"  name TEXT PRIMARY KEY,"
	"  realm TEXT NOT NULL,"
	"  key_md5 BLOB NOT NULL,"
	"  key_sha256 BLOB NOT NULL,"
	"  userhash BLOB NOT NULL UNIQUE,"
	"  created INTEGER NOT NULL"
	") WITHOUT ROWID;",
	/*
	 * 2 -> 3: verified node network records (descriptors, reports,
	 * vouches), the latest per signer and subject, as signed bytes.
	 */
	"CREATE TABLE netrecs ("
	"  kind INTEGER NOT NULL,"
	"  signer BLOB NOT NULL,"
	"  subject BLOB NOT NULL,"
	"  issued INTEGER NOT NULL,"
	"  expires INTEGER NOT NULL,"
	"  received INTEGER NOT NULL,"
	"  rec BLOB NOT NULL,"
	"  PRIMARY KEY (kind, signer, subject)"
	") WITHOUT ROWID;"
	"CREATE INDEX netrecs_expires ON netrecs(expires);",
	/*
	 * 3 -> 4: the ledger's own tables (store.h): this node's challenge
	 * sessions as a verifier, score history, and vouch settlement.
	 * Node IDs only, no addresses.
	 */
	"CREATE TABLE challenges ("
	"  id INTEGER PRIMARY KEY,"
	"  subject BLOB NOT NULL,"
	"  started INTEGER NOT NULL,"
	"  ended INTEGER NOT NULL,"
	"  outcome INTEGER NOT NULL,"
	"  sent INTEGER NOT NULL,"
	"  passed INTEGER NOT NULL,"
	"  late INTEGER NOT NULL,"
	"  forged INTEGER NOT NULL,"
	"  bytes INTEGER NOT NULL,"
	"  throughput_kbps INTEGER NOT NULL,"
	"  rtt_median_us INTEGER NOT NULL,"
	"  rtt_spread_us INTEGER NOT NULL,"
	"  loss_ppm INTEGER NOT NULL"
	");"
	"CREATE INDEX challenges_subject ON challenges(subject, ended);"
	"CREATE INDEX challenges_ended ON challenges(ended);"
	"CREATE TABLE score_history ("
	"  id INTEGER PRIMARY KEY,"
	"  node BLOB NOT NULL,"
	"  ts INTEGER NOT NULL,"
	"  score REAL NOT NULL,"
	"  reliability REAL NOT NULL,"
	"  bandwidth REAL NOT NULL,"
	"  latency REAL NOT NULL,"
	"  stability REAL NOT NULL,"
	"  uptime REAL NOT NULL,"
	"  age REAL NOT NULL,"
	"  confidence REAL NOT NULL,"
	"  UNIQUE (node, ts)"
	");"
	"CREATE INDEX score_history_ts ON score_history(ts);"
	"CREATE TABLE vouches ("
	"  voucher BLOB NOT NULL,"
	"  vouchee BLOB NOT NULL,"
	"  first_seen INTEGER NOT NULL,"
	"  state INTEGER NOT NULL,"
	"  stake REAL NOT NULL,"
	"  settled INTEGER NOT NULL,"
	"  PRIMARY KEY (voucher, vouchee)"
	") WITHOUT ROWID;"
	"CREATE TABLE nodes_seen ("
	"  node BLOB PRIMARY KEY,"
	"  first INTEGER NOT NULL,"
	"  last INTEGER NOT NULL"
	") WITHOUT ROWID;",
	/* 4 -> 5: user standing and the operator's deny list */
	"CREATE TABLE denied ("
	"  id BLOB PRIMARY KEY,"
	"  added INTEGER NOT NULL"
	") WITHOUT ROWID;"
	"CREATE TABLE identities ("
	"  id BLOB PRIMARY KEY,"
	"  first_day INTEGER NOT NULL,"
	"  last_day INTEGER NOT NULL,"
	"  active_days INTEGER NOT NULL"
	") WITHOUT ROWID;"
	"CREATE TABLE blocks ("
	"  blocker BLOB NOT NULL,"
	"  target BLOB NOT NULL,"
	"  since INTEGER NOT NULL,"
	"  UNIQUE (blocker, target)"
	");"
	"CREATE INDEX blocks_target ON blocks(target, since);"
	"CREATE INDEX blocks_since ON blocks(since);",
	/*
	 * 5 -> 6: how many blocks each blocker reported, kept by triggers,
	 * so that weighing a block (standing) does not count them each time.
	 */
	"CREATE TABLE blockers ("
	"  blocker BLOB PRIMARY KEY,"
	"  n INTEGER NOT NULL"
	") WITHOUT ROWID;"
	"INSERT INTO blockers SELECT blocker, count(*) FROM blocks "
	"  GROUP BY blocker;"
	"CREATE TRIGGER blocks_counted AFTER INSERT ON blocks BEGIN "
	"  INSERT INTO blockers VALUES(new.blocker, 1) "
	"  ON CONFLICT(blocker) DO UPDATE SET n = n + 1; "
	"END;"
	"CREATE TRIGGER blocks_uncounted AFTER DELETE ON blocks BEGIN "
	"  UPDATE blockers SET n = n - 1 WHERE blocker = old.blocker; "
	"  DELETE FROM blockers WHERE blocker = old.blocker AND n <= 0; "
	"END;",
};

_Static_assert(STORE_NITEMS(store_migrations) == STORE_SCHEMA_VERSION,
    "one migration per schema version");


/* Say the database is corrupt, why, and what the operator can do. */
static void
store_corrupt(struct store *s, const char *reason, char *err, size_t errlen)
{
	snprintf(err, errlen, "%s: the database is corrupt (%s). Stop "
	    "chorusd, move %s (and %s-wal, %s-shm) away and restore a "
	    "backup, or start with no database to begin a new ledger "
	    "(the node identity is kept in node.key)", s->path, reason,
	    s->path, s->path, s->path);
}

/* Fill err for a failed open step; rc is the SQLite result code. */
static void
store_error(struct store *s, int rc, const char *what, char *err,
    size_t errlen)
{
	const char *msg;

	msg = s->db != NULL ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc);
	if ((rc & 0xff) == SQLITE_CORRUPT || (rc & 0xff) == SQLITE_NOTADB)
		store_corrupt(s, msg, err, errlen);
	else
		snprintf(err, errlen, "%s: %s: %s", s->path, what, msg);
}

/* Run fixed SQL (a pragma, a migration) at open. */
static int
store_exec(struct store *s, const char *sql, char *err, size_t errlen)
{
	int rc;

	if ((rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL)) != SQLITE_OK) {
		store_error(s, rc, sql, err, errlen);
		return -1;
	}
	return 0;
}

/* Run a fixed pragma; its first result (or "") goes to out. */
static int
store_pragma(struct store *s, const char *sql, char *out, size_t outlen,
    char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	const unsigned char *text;
	int rc, ret = -1;

	out[0] = '\0';
	rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK) {
		store_error(s, rc, sql, err, errlen);
		goto fail;
	}
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		if ((text = sqlite3_column_text(st, 0)) != NULL)
			snprintf(out, outlen, "%s", (const char *)text);
	} else if (rc != SQLITE_DONE) {
		store_error(s, rc, sql, err, errlen);
		goto fail;
	}
	ret = 0;
 fail:
	sqlite3_finalize(st);
	return ret;
}

/*
 * Run an integrity pragma; anything but "ok" means corrupt.  The finding
 * spans lines; a message and a log line do not, so it is flattened.
 */
static int
store_check(struct store *s, const char *pragma, char *err, size_t errlen)
{
	char res[STORE_PRAGMA_MAX];
	size_t i;

	if (store_pragma(s, pragma, res, sizeof(res), err, errlen) == -1)
		return -1;
	if (strcmp(res, "ok") == 0)
		return 0;
	for (i = 0; res[i] != '\0'; i++)
		if ((unsigned char)res[i] < ' ')
			res[i] = ' ';
	store_corrupt(s, res, err, errlen);
	return -1;
}

/*
 * Journal and durability settings, then a check of the file.
 *
 * quick_check rather than integrity_check: it reads every page and checks
 * the b-tree structure, page and record formats and NOT NULL constraints,
 * which is what a torn write or a bad disk leaves behind, in time linear
 * in the file size.  What integrity_check adds is matching each index
 * against its table, O(N log N).  The users.userhash index is checked by
 * store_check_users() once the table exists: the ledger grows while
 * every start on a 1-vCPU VPS pays for the check, the users table stays
 * small.  The ledger's indexes (netrecs, challenges, score_history) are
 * not: a stale entry there costs at worst a row listed or pruned late,
 * and each table is rebuilt from the network or the next ticks anyway.
 *
 * secure_delete = FAST zeroes a deleted or replaced row within its page,
 * so that an old user key does not linger in the file (frames in the WAL
 * last until overwritten), at no extra I/O.
 */
static int
store_setup(struct store *s, char *err, size_t errlen)
{
	char res[STORE_PRAGMA_MAX];

	if (store_pragma(s, "PRAGMA journal_mode = WAL", res, sizeof(res),
	    err, errlen) == -1)
		return -1;
	if (strcmp(res, "wal") != 0) {
		snprintf(err, errlen, "%s: cannot use the WAL journal (SQLite "
		    "kept \"%s\"); is the file on a network file system?",
		    s->path, res);
		return -1;
	}
	if (store_exec(s, "PRAGMA synchronous = NORMAL", err, errlen) == -1 ||
	    store_exec(s, "PRAGMA foreign_keys = ON", err, errlen) == -1 ||
	    store_exec(s, "PRAGMA secure_delete = FAST", err, errlen) == -1)
		return -1;
	return store_check(s, "PRAGMA quick_check(1)", err, errlen);
}

/*
 * Bring the schema up to STORE_SCHEMA_VERSION.  The version is read
 * inside the write transaction, so two processes opening the same new
 * file cannot both run a migration.
 */
static int
store_migrate(struct store *s, char *err, size_t errlen)
{
	char res[STORE_PRAGMA_MAX], sql[STORE_PRAGMA_MAX];
	long v;

	for (;;) {
		if (store_exec(s, "BEGIN IMMEDIATE", err, errlen) == -1)
			goto fail;
		if (store_pragma(s, "PRAGMA user_version", res, sizeof(res),
		    err, errlen) == -1)
			goto fail;
		v = strtol(res, NULL, 10);
		if (v > STORE_SCHEMA_VERSION || v < 0) {
			snprintf(err, errlen, "%s: written by a newer chorusd "
			    "(schema %ld, this build knows %d); upgrade chorusd",
			    s->path, v, STORE_SCHEMA_VERSION);
			goto fail;
		}
		if (v == STORE_SCHEMA_VERSION)
			break;
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %ld", v + 1);
		if (store_exec(s, store_migrations[v], err, errlen) == -1 ||
		    store_exec(s, sql, err, errlen) == -1 ||
		    store_exec(s, "COMMIT", err, errlen) == -1)
			goto fail;
		log_info("%s: %s: schema version %ld -> %ld", __func__,
		    s->path, v, v + 1);
	}
	if (store_exec(s, "COMMIT", err, errlen) == -1)
		goto fail;
	s->version = (int)v;
	return 0;
 fail:
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

/*
 * Match the users table against its userhash index (store_setup()): a
 * stale index entry would find the wrong user, or none, for a USERHASH.
 */
static int
store_check_users(struct store *s, char *err, size_t errlen)
{
	return store_check(s, "PRAGMA integrity_check(users)", err, errlen);
}

/* Prepare every statement the store uses. */
static int
store_prepare(struct store *s, char *err, size_t errlen)
{
	size_t i;
	int rc;

	for (i = 0; i < STORE_NSTMT; i++) {
		rc = sqlite3_prepare_v3(s->db, store_sql[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &s->stmt[i], NULL);
		if (rc != SQLITE_OK) {
			store_error(s, rc, store_sql[i], err, errlen);
			return -1;
		}
	}
	return 0;
}

/* Open (creating and migrating if needed); NULL with err filled. */
struct store *
store_open(const char *path, char *err, size_t errlen)
{
	struct store *s;
	mode_t mask;
	int rc, ok = 0;

	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    (s->path = strdup(path)) == NULL) {
		snprintf(err, errlen, "%s: out of memory", path);
		free(s);
		return NULL;
	}
	/*
	 * The database, -wal and -shm files are created mode 0600.  umask is
	 * per process, which is fine here: this runs at start-up, before
	 * any other thread exists.
	 */
	mask = umask(077);
	rc = sqlite3_open_v2(path, &s->db, STORE_OPEN_FLAGS, NULL);
	if (rc != SQLITE_OK) {
		store_error(s, rc, "cannot open the database", err, errlen);
		goto fail;
	}
	sqlite3_busy_timeout(s->db, STORE_BUSY_TIMEOUT_MS);
	if (store_setup(s, err, errlen) == -1 ||
	    store_migrate(s, err, errlen) == -1 ||
	    store_check_users(s, err, errlen) == -1 ||
	    store_prepare(s, err, errlen) == -1)
		goto fail;
	ok = 1;
 fail:
	umask(mask);
	if (!ok) {
		store_close(s);
		return NULL;
	}
	return s;
}

/* Finalise statements and close; NULL and a half-built store are fine. */
void
store_close(struct store *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < STORE_NSTMT; i++)
		sqlite3_finalize(s->stmt[i]);
	/* The last connection checkpoints the WAL into the file here. */
	if (sqlite3_close_v2(s->db) != SQLITE_OK)
		log_warnx("%s: %s: %s", __func__, s->path,
		    sqlite3_errmsg(s->db));
	free(s->path);
	free(s);
}

/* Schema version of the open database. */
int
store_version(const struct store *s)
{
	return s->version;
}

/* Log a failure at run time, while SQLite's message is still current. */
void
store_warn(struct store *s, const char *func, enum store_stmt i)
{
	log_warnx("%s: %s: %s: %s", func, s->path, store_sql[i],
	    sqlite3_errmsg(s->db));
}

/* Make statement i ready for its next use, holding no bound values. */
void
store_done(struct store *s, enum store_stmt i)
{
	sqlite3_reset(s->stmt[i]);
	sqlite3_clear_bindings(s->stmt[i]);
}

/* Step statement i (values already bound) to completion, then reset it. */
int
store_run(struct store *s, enum store_stmt i, const char *func)
{
	int rc;

	if ((rc = sqlite3_step(s->stmt[i])) != SQLITE_DONE)
		store_warn(s, func, i);
	store_done(s, i);
	return rc == SQLITE_DONE ? 0 : -1;
}

/*
 * Step a one-column lookup (values already bound): 0 with the row
 * current, 1 if there is none, -1 on error.  The caller resets it.
 */
int
store_lookup(struct store *s, enum store_stmt i, const char *func)
{
	int rc;

	rc = sqlite3_step(s->stmt[i]);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc == SQLITE_DONE)
		return 1;
	store_warn(s, func, i);
	return -1;
}

/* Read a meta value into out. */
int
store_meta_get(struct store *s, const char *key, char *out, size_t outlen)
{
	sqlite3_stmt *st = s->stmt[STORE_META_GET];
	const unsigned char *text;
	int len, rc = -1;

	if (outlen == 0)
		return -1;
	out[0] = '\0';
	if (sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC) != SQLITE_OK) {
		store_warn(s, __func__, STORE_META_GET);
		goto done;
	}
	if ((rc = store_lookup(s, STORE_META_GET, __func__)) != 0)
		goto done;
	rc = -1;
	text = sqlite3_column_text(st, 0);
	len = sqlite3_column_bytes(st, 0);
	if (text == NULL || (size_t)len >= outlen) {
		log_warnx("%s: %s: meta %s: value missing or too long",
		    __func__, s->path, key);
		goto done;
	}
	memcpy(out, text, (size_t)len + 1);
	rc = 0;
 done:
	store_done(s, STORE_META_GET);
	return rc;
}

/* Set a meta value, replacing any earlier one. */
int
store_meta_set(struct store *s, const char *key, const char *value)
{
	sqlite3_stmt *st = s->stmt[STORE_META_SET];

	if (sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC) != SQLITE_OK) {
		store_warn(s, __func__, STORE_META_SET);
		store_done(s, STORE_META_SET);
		return -1;
	}
	return store_run(s, STORE_META_SET, __func__);
}

/* Read a lifetime total (0 if never added to). */
int
store_total_get(struct store *s, const char *name, uint64_t *value)
{
	sqlite3_stmt *st = s->stmt[STORE_TOTAL_GET];
	int rc = -1;

	*value = 0;
	if (sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC) != SQLITE_OK) {
		store_warn(s, __func__, STORE_TOTAL_GET);
		goto done;
	}
	if ((rc = store_lookup(s, STORE_TOTAL_GET, __func__)) == -1)
		goto done;
	if (rc == 0)
		*value = (uint64_t)sqlite3_column_int64(st, 0);
	rc = 0;
 done:
	store_done(s, STORE_TOTAL_GET);
	return rc;
}

/* Add deltas[i] to total names[i] for every i, in one transaction. */
int
store_totals_add(struct store *s, const char *const *names,
    const uint64_t *deltas, size_t n)
{
	sqlite3_stmt *st = s->stmt[STORE_TOTAL_ADD];
	size_t i;
	int rc = -1;

	for (i = 0; i < n; i++) {
		if (deltas[i] > INT64_MAX) {
			log_warnx("%s: %s: total %s: delta too large",
			    __func__, s->path, names[i]);
			return -1;
		}
	}
	if (store_run(s, STORE_BEGIN, __func__) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		if (sqlite3_bind_text(st, 1, names[i], -1, SQLITE_STATIC) !=
		    SQLITE_OK ||
		    sqlite3_bind_int64(st, 2, (sqlite3_int64)deltas[i]) !=
		    SQLITE_OK) {
			store_warn(s, __func__, STORE_TOTAL_ADD);
			store_done(s, STORE_TOTAL_ADD);
			goto fail;
		}
		if (store_run(s, STORE_TOTAL_ADD, __func__) == -1)
			goto fail;
	}
	if (store_run(s, STORE_COMMIT, __func__) == -1)
		goto fail;
	rc = 0;
 fail:
	/* A failed COMMIT (SQLITE_BUSY) leaves the transaction open. */
	if (rc == -1 && !sqlite3_get_autocommit(s->db))
		store_run(s, STORE_ROLLBACK, __func__);
	return rc;
}

/* Record value for name at ts, replacing an earlier value there. */
int
store_history_add(struct store *s, int64_t ts, const char *name,
    uint64_t value)
{
	sqlite3_stmt *st = s->stmt[STORE_HISTORY_ADD];

	if (value > INT64_MAX) {
		log_warnx("%s: %s: history %s: value too large", __func__,
		    s->path, name);
		return -1;
	}
	if (sqlite3_bind_int64(st, 1, ts) != SQLITE_OK ||
	    sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 3, (sqlite3_int64)value) != SQLITE_OK) {
		store_warn(s, __func__, STORE_HISTORY_ADD);
		store_done(s, STORE_HISTORY_ADD);
		return -1;
	}
	return store_run(s, STORE_HISTORY_ADD, __func__);
}

/* Record n series at ts in one transaction. */
int
store_history_put(struct store *s, int64_t ts, const char *const *names,
    const uint64_t *values, size_t n)
{
	size_t i;

	if (store_run(s, STORE_BEGIN, __func__) == -1)
		return -1;
	for (i = 0; i < n; i++)
		if (store_history_add(s, ts, names[i], values[i]) == -1)
			break;
	if (i == n && store_run(s, STORE_COMMIT, __func__) == 0)
		return 0;
	/* A failed COMMIT (SQLITE_BUSY) leaves the transaction open. */
	if (!sqlite3_get_autocommit(s->db))
		store_run(s, STORE_ROLLBACK, __func__);
	return -1;
}

uint64_t
store_changes(const struct store *s)
{
	return (uint64_t)sqlite3_total_changes64(s->db);
}

/* Read the value recorded for name at ts. */
int
store_history_get(struct store *s, const char *name, int64_t ts,
    uint64_t *value)
{
	sqlite3_stmt *st = s->stmt[STORE_HISTORY_GET];
	int rc = -1;

	*value = 0;
	if (sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 2, ts) != SQLITE_OK) {
		store_warn(s, __func__, STORE_HISTORY_GET);
		goto done;
	}
	if ((rc = store_lookup(s, STORE_HISTORY_GET, __func__)) == 0)
		*value = (uint64_t)sqlite3_column_int64(st, 0);
 done:
	store_done(s, STORE_HISTORY_GET);
	return rc;
}

/* Delete the history rows older than before_ts. */
int
store_history_prune(struct store *s, int64_t before_ts, uint64_t *deleted)
{
	sqlite3_stmt *st = s->stmt[STORE_HISTORY_PRUNE];

	if (deleted != NULL)
		*deleted = 0;
	if (sqlite3_bind_int64(st, 1, before_ts) != SQLITE_OK) {
		store_warn(s, __func__, STORE_HISTORY_PRUNE);
		store_done(s, STORE_HISTORY_PRUNE);
		return -1;
	}
	if (store_run(s, STORE_HISTORY_PRUNE, __func__) == -1)
		return -1;
	if (deleted != NULL)
		*deleted = (uint64_t)sqlite3_changes(s->db);
	return 0;
}

/* Every history row with from <= ts <= to, by name then ts, through cb. */
int
store_history_list(struct store *s, int64_t from, int64_t to,
    int (*cb)(int64_t, const char *, uint64_t, void *), void *arg)
{
	sqlite3_stmt *st = s->stmt[STORE_HISTORY_LIST];
	const unsigned char *name;
	sqlite3_int64 v;
	int rc;

	if (sqlite3_bind_int64(st, 1, from) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 2, to) != SQLITE_OK) {
		store_warn(s, __func__, STORE_HISTORY_LIST);
		store_done(s, STORE_HISTORY_LIST);
		return -1;
	}
	for (;;) {
		if ((rc = store_lookup(s, STORE_HISTORY_LIST, __func__)) != 0) {
			if (rc == 1)
				rc = 0;
			break;
		}
		name = sqlite3_column_text(st, 1);
		v = sqlite3_column_int64(st, 2);
		if (name == NULL || v < 0)
			continue;
		if ((rc = cb(sqlite3_column_int64(st, 0), (const char *)name,
		    (uint64_t)v, arg)) != 0)
			break;
	}
	store_done(s, STORE_HISTORY_LIST);
	return rc;
}

/* Add a user or replace its keys. */
int
store_user_put(struct store *s, const char *name, const char *realm,
    const uint8_t key_md5[16], const uint8_t key_sha256[32],
    const uint8_t userhash[STORE_USER_HASH_LEN], int64_t created)
{
	sqlite3_stmt *st = s->stmt[STORE_USER_PUT];
	size_t nlen = strlen(name), rlen = strlen(realm);

	if (nlen == 0 || nlen > STORE_USER_NAME_MAX || rlen == 0 ||
	    rlen > STORE_USER_REALM_MAX) {
		log_warnx("%s: %s: user name or realm empty or too long",
		    __func__, s->path);
		return -1;
	}
	if (sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_text(st, 2, realm, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_blob(st, 3, key_md5, 16, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_blob(st, 4, key_sha256, 32, SQLITE_STATIC) !=
	    SQLITE_OK ||
	    sqlite3_bind_blob(st, 5, userhash, STORE_USER_HASH_LEN,
	    SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 6, created) != SQLITE_OK) {
		store_warn(s, __func__, STORE_USER_PUT);
		store_done(s, STORE_USER_PUT);
		return -1;
	}
	return store_run(s, STORE_USER_PUT, __func__);
}

/* Delete a user; 1 if there was one. */
int
store_user_del(struct store *s, const char *name)
{
	sqlite3_stmt *st = s->stmt[STORE_USER_DEL];

	if (sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC) != SQLITE_OK) {
		store_warn(s, __func__, STORE_USER_DEL);
		store_done(s, STORE_USER_DEL);
		return -1;
	}
	if (store_run(s, STORE_USER_DEL, __func__) == -1)
		return -1;
	return sqlite3_changes(s->db) > 0 ? 1 : 0;
}

/* Copy a text column of at most max bytes into out[max + 1]. */
int
store_text(sqlite3_stmt *st, int col, char *out, size_t max)
{
	const unsigned char *text;
	int len;

	text = sqlite3_column_text(st, col);
	len = sqlite3_column_bytes(st, col);
	if (text == NULL || len <= 0 || (size_t)len > max)
		return -1;
	memcpy(out, text, (size_t)len);
	out[len] = '\0';
	return 0;
}

/* Copy a blob column of exactly len bytes into out. */
int
store_blob(sqlite3_stmt *st, int col, uint8_t *out, size_t len)
{
	const void *blob;

	blob = sqlite3_column_blob(st, col);
	if (blob == NULL || sqlite3_column_bytes(st, col) != (int)len)
		return -1;
	memcpy(out, blob, len);
	return 0;
}

/* Read the current row of a user SELECT into u; -1 (u wiped) if bad. */
static int
store_user_row(struct store *s, enum store_stmt i, struct store_user *u,
    const char *func)
{
	sqlite3_stmt *st = s->stmt[i];

	if (store_text(st, 0, u->name, STORE_USER_NAME_MAX) == -1 ||
	    store_text(st, 1, u->realm, STORE_USER_REALM_MAX) == -1 ||
	    store_blob(st, 2, u->key_md5, sizeof(u->key_md5)) == -1 ||
	    store_blob(st, 3, u->key_sha256, sizeof(u->key_sha256)) == -1 ||
	    sqlite3_column_type(st, 4) != SQLITE_INTEGER) {
		log_warnx("%s: %s: a users row is malformed (name, realm or "
		    "key of the wrong size); delete and re-add that user",
		    func, s->path);
		OPENSSL_cleanse(u, sizeof(*u));
		return -1;
	}
	u->created = sqlite3_column_int64(st, 4);
	return 0;
}

/* Step a bound user lookup (statement i) and read its row into u. */
static int
store_user_fetch(struct store *s, enum store_stmt i, struct store_user *u,
    const char *func)
{
	int rc;

	if ((rc = store_lookup(s, i, func)) == 0)
		rc = store_user_row(s, i, u, func);
	else
		OPENSSL_cleanse(u, sizeof(*u));
	store_done(s, i);
	return rc;
}

/* Look a user up by name. */
int
store_user_get(struct store *s, const char *name, struct store_user *u)
{
	sqlite3_stmt *st = s->stmt[STORE_USER_GET];

	if (sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC) != SQLITE_OK) {
		store_warn(s, __func__, STORE_USER_GET);
		store_done(s, STORE_USER_GET);
		OPENSSL_cleanse(u, sizeof(*u));
		return -1;
	}
	return store_user_fetch(s, STORE_USER_GET, u, __func__);
}

/* Look a user up by USERHASH. */
int
store_user_get_by_hash(struct store *s,
    const uint8_t userhash[STORE_USER_HASH_LEN], struct store_user *u)
{
	sqlite3_stmt *st = s->stmt[STORE_USER_GET_HASH];

	if (sqlite3_bind_blob(st, 1, userhash, STORE_USER_HASH_LEN,
	    SQLITE_STATIC) != SQLITE_OK) {
		store_warn(s, __func__, STORE_USER_GET_HASH);
		store_done(s, STORE_USER_GET_HASH);
		OPENSSL_cleanse(u, sizeof(*u));
		return -1;
	}
	return store_user_fetch(s, STORE_USER_GET_HASH, u, __func__);
}

/* Call cb for every user, in name order. */
int
store_user_list(struct store *s,
    int (*cb)(const struct store_user *, void *), void *arg)
{
	struct store_user u;
	int rc;

	for (;;) {
		if ((rc = store_lookup(s, STORE_USER_LIST, __func__)) != 0) {
			if (rc == 1)
				rc = 0;
			break;
		}
		if ((rc = store_user_row(s, STORE_USER_LIST, &u,
		    __func__)) == -1)
			break;
		rc = cb(&u, arg);
		OPENSSL_cleanse(&u, sizeof(u));
		if (rc != 0)
			break;
	}
	store_done(s, STORE_USER_LIST);
	return rc;
}

/*
 * Keep a verified node network record: 1 if stored, 0 if an equal or
 * newer one of the same signer about the subject is there, -1 on error.
 */
int
store_netrec_put(struct store *s, const struct store_netrec *r)
{
	sqlite3_stmt *st = s->stmt[STORE_NETREC_PUT];

	if (sqlite3_bind_int(st, 1, r->kind) != SQLITE_OK ||
	    sqlite3_bind_blob(st, 2, r->signer, STORE_ID_LEN,
	    SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_blob(st, 3, r->subject, STORE_ID_LEN,
	    SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 4, r->issued) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 5, r->expires) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 6, r->received) != SQLITE_OK ||
	    sqlite3_bind_blob(st, 7, r->rec, (int)r->len,
	    SQLITE_STATIC) != SQLITE_OK) {
		store_warn(s, __func__, STORE_NETREC_PUT);
		store_done(s, STORE_NETREC_PUT);
		return -1;
	}
	if (store_run(s, STORE_NETREC_PUT, __func__) == -1)
		return -1;
	return sqlite3_changes(s->db) > 0 ? 1 : 0;
}

/* Call cb for each unexpired record of a kind (its signed bytes). */
int
store_netrec_list(struct store *s, int kind, int64_t now,
    int (*cb)(const uint8_t *, size_t, void *), void *arg)
{
	sqlite3_stmt *st = s->stmt[STORE_NETREC_LIST];
	const void *blob;
	int rc, len;

	if (sqlite3_bind_int(st, 1, kind) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 2, now) != SQLITE_OK) {
		store_warn(s, __func__, STORE_NETREC_LIST);
		store_done(s, STORE_NETREC_LIST);
		return -1;
	}
	for (;;) {
		if ((rc = store_lookup(s, STORE_NETREC_LIST, __func__)) != 0) {
			if (rc == 1)
				rc = 0;
			break;
		}
		blob = sqlite3_column_blob(st, 0);
		len = sqlite3_column_bytes(st, 0);
		if (blob == NULL || len <= 0)
			continue;
		if ((rc = cb(blob, (size_t)len, arg)) != 0)
			break;
	}
	store_done(s, STORE_NETREC_LIST);
	return rc;
}

/* Forget records expired at now; the number removed, or -1. */
int
store_netrec_prune(struct store *s, int64_t now)
{
	sqlite3_stmt *st = s->stmt[STORE_NETREC_PRUNE];

	if (sqlite3_bind_int64(st, 1, now) != SQLITE_OK) {
		store_warn(s, __func__, STORE_NETREC_PRUNE);
		store_done(s, STORE_NETREC_PRUNE);
		return -1;
	}
	if (store_run(s, STORE_NETREC_PRUNE, __func__) == -1)
		return -1;
	return sqlite3_changes(s->db);
}

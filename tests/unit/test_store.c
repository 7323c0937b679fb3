/*
 * test_store.c - the SQLite store: creation (schema, WAL, mode 0600),
 * totals, meta and history across close and reopen, TURN users (keys by
 * name and by userhash, replace, delete, list order, malformed rows, no
 * key left in the file after a delete), node network records, the
 * ledger's tables (challenge records, score history, vouch state: every
 * field back, order and limits, refusals, the row caps, pruning by age
 * and state, malformed rows, reopen), the upgrade of a version 1 and a
 * version 3 file, and refusal of a garbage file, a damaged page and a
 * database from a newer chorusd.  The database is inspected through a
 * second, independent connection.
 */
#include "config.h"

#include <sys/stat.h>

#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "../../daemon/store.h"
#include "../tap.h"

#define ERRLEN		1024
#define MANY_ROWS	2000	/* history rows: enough for many pages */
#define GARBAGE_LEN	16384

static char	base[PATH_MAX];		/* the mkdtemp directory */

/* Format a path into out, which must hold it (PATH_MAX). */
static void __attribute__((format(printf, 2, 3)))
pathf(char *out, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(out, PATH_MAX, fmt, ap);
	va_end(ap);
	if (n < 0 || n >= PATH_MAX)
		abort();
}

/* Remove one entry of the temporary tree (nftw callback). */
static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	return remove(path);
}

/* Path of a file in the temporary directory. */
static const char *
tmp_path(char out[PATH_MAX], const char *name)
{
	pathf(out, "%s/%s", base, name);
	return out;
}

/* Run sql on path through its own connection; the first column as text. */
static void
side_sql(const char *path, const char *sql, char *out, size_t outlen)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	int rc;

	out[0] = '\0';
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) !=
	    SQLITE_OK || sqlite3_prepare_v2(db, sql, -1, &st, NULL) !=
	    SQLITE_OK) {
		tap_diag("side_sql %s: %s", sql, sqlite3_errmsg(db));
		abort();
	}
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		snprintf(out, outlen, "%s", (const char *)
		    sqlite3_column_text(st, 0));
	else if (rc != SQLITE_DONE)
		abort();
	sqlite3_finalize(st);
	sqlite3_close(db);
}

/* A new store at path, its file mode, schema and journal. */
static void
test_create(const char *path)
{
	char err[ERRLEN], res[64], side[PATH_MAX];
	struct store *s;
	const char *name = "x";
	uint64_t one = 1;

	s = store_open(path, err, sizeof(err));
	if (!tap_ok(s != NULL, "create: opened"))
		tap_diag("  %s", err);
	if (s == NULL)
		return;
	tap_is_int(store_version(s), STORE_SCHEMA_VERSION,
	    "create: store_version");
	tap_is_int(tap_file_mode(path), 0600, "create: file mode 0600");
	/* A write makes sure the -wal file exists. */
	tap_is_int(store_totals_add(s, &name, &one, 1), 0, "create: a write");
	pathf(side, "%s-wal", path);
	tap_is_int(tap_file_mode(side), 0600, "create: -wal mode 0600");
	pathf(side, "%s-shm", path);
	tap_is_int(tap_file_mode(side), 0600, "create: -shm mode 0600");
	side_sql(path, "PRAGMA user_version", res, sizeof(res));
	tap_is_str(res, "6", "create: user_version 6");
	side_sql(path, "PRAGMA journal_mode", res, sizeof(res));
	tap_is_str(res, "wal", "create: journal_mode wal");
	store_close(s);
	pathf(side, "%s-wal", path);
	tap_is_int(access(side, F_OK), -1, "create: close checkpoints the wal");
}

/* Totals and meta, across close and reopen. */
static void
test_totals(const char *path)
{
	const char *ab[] = { "a", "b" }, *anull[] = { "a", NULL };
	const uint64_t d12[] = { 1, 2 }, d10[] = { 10 };
	const uint64_t dbig[] = { 1, (uint64_t)INT64_MAX + 1 };
	char err[ERRLEN], val[16];
	struct store *s;
	uint64_t v;

	if ((s = store_open(path, err, sizeof(err))) == NULL) {
		tap_ok(0, "totals: opened (%s)", err);
		return;
	}
	tap_is_int(store_totals_add(s, ab, d12, 2), 0, "totals: add a, b");
	tap_is_int(store_totals_add(s, ab, d10, 1), 0, "totals: add a");
	tap_is_int(store_totals_add(s, ab, d10, 0), 0, "totals: add none");
	tap_is_int(store_totals_add(s, ab, dbig, 2), -1,
	    "totals: delta over INT64_MAX refused");
	tap_is_int(store_totals_add(s, anull, d12, 2), -1,
	    "totals: failing second row refused");
	tap_is_int(store_meta_set(s, "k", "first"), 0, "meta: set");
	tap_is_int(store_meta_set(s, "k", "second"), 0, "meta: replace");
	tap_is_int(store_meta_set(s, "long", "0123456789abcdef"), 0,
	    "meta: set long");
	store_close(s);

	if ((s = store_open(path, err, sizeof(err))) == NULL) {
		tap_ok(0, "totals: reopened (%s)", err);
		return;
	}
	tap_ok(store_total_get(s, "a", &v) == 0 && v == 11,
	    "totals: a = 11 after reopen (failed adds rolled back)");
	tap_ok(store_total_get(s, "b", &v) == 0 && v == 2, "totals: b = 2");
	tap_ok(store_total_get(s, "none", &v) == 0 && v == 0,
	    "totals: never added is 0");
	tap_ok(store_meta_get(s, "k", val, sizeof(val)) == 0 &&
	    strcmp(val, "second") == 0, "meta: replaced value kept");
	tap_ok(store_meta_get(s, "none", val, sizeof(val)) == 1 &&
	    val[0] == '\0', "meta: absent key is 1");
	tap_is_int(store_meta_get(s, "long", val, sizeof(val)), -1,
	    "meta: value longer than the buffer refused");
	store_close(s);
}

/* What store_history_list() gave: "ts:name=value," for each row. */
struct hist_seen {
	char	text[256];
	int	stop_after;	/* > 0: stop the walk after this many */
	int	n;
};

static int
hist_cb(int64_t ts, const char *name, uint64_t value, void *arg)
{
	struct hist_seen *h = arg;
	size_t used = strlen(h->text);

	snprintf(h->text + used, sizeof(h->text) - used, "%lld:%s=%llu,",
	    (long long)ts, name, (unsigned long long)value);
	h->n++;
	return h->stop_after > 0 && h->n >= h->stop_after ? 7 : 0;
}

/* Aggregate history: add, replace, read, prune, and reopen. */
static void
test_history(const char *path)
{
	char err[ERRLEN];
	struct store *s;
	uint64_t v, n;

	if ((s = store_open(path, err, sizeof(err))) == NULL) {
		tap_ok(0, "history: opened (%s)", err);
		return;
	}
	tap_ok(store_history_add(s, 100, "rx", 1) == 0 &&
	    store_history_add(s, 200, "rx", 2) == 0 &&
	    store_history_add(s, 300, "rx", 3) == 0 &&
	    store_history_add(s, 100, "tx", 4) == 0 &&
	    store_history_add(s, 200, "rx", 20) == 0, "history: add");
	tap_is_int(store_history_add(s, 400, "rx", UINT64_MAX), -1,
	    "history: value over INT64_MAX refused");
	{
		static const char *const nm[] = { "a", "b" };
		const uint64_t ok2[] = { 5, 6 }, bad[] = { 7, UINT64_MAX };

		tap_ok(store_history_put(s, 5000, nm, ok2, 2) == 0 &&
		    store_history_get(s, "a", 5000, &v) == 0 && v == 5 &&
		    store_history_get(s, "b", 5000, &n) == 0 && n == 6,
		    "history: put writes a whole sample");
		tap_is_int(store_history_put(s, 5001, nm, bad, 2), -1,
		    "history: put with a bad value fails");
		tap_is_int(store_history_get(s, "a", 5001, &v), 1,
		    "history: and writes none of it");
	}
	tap_ok(store_history_get(s, "rx", 200, &v) == 0 && v == 20,
	    "history: same ts replaces");
	tap_is_int(store_history_get(s, "rx", 400, &v), 1,
	    "history: absent is 1");
	{
		struct hist_seen h = { "", 0, 0 };

		tap_is_int(store_history_list(s, 100, 200, hist_cb, &h), 0,
		    "history: list");
		tap_is_str(h.text, "100:rx=1,200:rx=20,100:tx=4,",
		    "history: list is by name then ts, bounds included");
		memset(&h, 0, sizeof(h));
		h.stop_after = 2;
		tap_is_int(store_history_list(s, 0, 1000, hist_cb, &h), 7,
		    "history: list stops with the callback's value");
		tap_is_int(h.n, 2, "history: list stopped after two rows");
		memset(&h, 0, sizeof(h));
		tap_ok(store_history_list(s, 301, 1000, hist_cb, &h) == 0 &&
		    h.n == 0, "history: empty range lists nothing");
	}
	tap_ok(store_history_prune(s, 200, &n) == 0 && n == 2,
	    "history: prune before 200 deletes 2");
	tap_is_int(store_history_prune(s, 200, NULL), 0,
	    "history: prune again, deleted NULL");
	store_close(s);

	if ((s = store_open(path, err, sizeof(err))) == NULL) {
		tap_ok(0, "history: reopened (%s)", err);
		return;
	}
	tap_is_int(store_history_get(s, "rx", 100, &v), 1,
	    "history: pruned row gone");
	tap_is_int(store_history_get(s, "tx", 100, &v), 1,
	    "history: pruned across names");
	tap_ok(store_history_get(s, "rx", 300, &v) == 0 && v == 3,
	    "history: newer row kept");
	store_close(s);
}

/* A test user's keys: every byte of each is seed + its index. */
struct user_vec {
	const char	*name;
	const char	*realm;
	uint8_t		 md5[16];
	uint8_t		 sha256[32];
	uint8_t		 hash[STORE_USER_HASH_LEN];
};

/* Fill v with distinct byte patterns derived from seed. */
static void
user_vec(struct user_vec *v, const char *name, const char *realm,
    unsigned seed)
{
	size_t i;

	v->name = name;
	v->realm = realm;
	for (i = 0; i < sizeof(v->md5); i++)
		v->md5[i] = (uint8_t)(seed + i);
	for (i = 0; i < sizeof(v->sha256); i++)
		v->sha256[i] = (uint8_t)(seed * 7 + 0x40 + i);
	for (i = 0; i < sizeof(v->hash); i++)
		v->hash[i] = (uint8_t)(seed * 13 + 0x80 + i);
}

/* store_user_put() of v at time created. */
static int
user_put(struct store *s, const struct user_vec *v, int64_t created)
{
	return store_user_put(s, v->name, v->realm, v->md5, v->sha256,
	    v->hash, created);
}

/* u holds exactly what v says, created at created. */
static int
user_same(const struct store_user *u, const struct user_vec *v,
    int64_t created)
{
	return strcmp(u->name, v->name) == 0 &&
	    strcmp(u->realm, v->realm) == 0 &&
	    memcmp(u->key_md5, v->md5, sizeof(v->md5)) == 0 &&
	    memcmp(u->key_sha256, v->sha256, sizeof(v->sha256)) == 0 &&
	    u->created == created;
}

/* What the list callback saw. */
struct user_seen {
	char	names[8][STORE_USER_NAME_MAX + 1];
	int	n;
	int	stop_at;	/* return 7 at this call, -1: never */
};

/* store_user_list() callback: record the name, maybe stop. */
static int
user_seen_cb(const struct store_user *u, void *arg)
{
	struct user_seen *seen = arg;

	if (seen->n == 8)
		return -1;
	snprintf(seen->names[seen->n], sizeof(seen->names[0]), "%s", u->name);
	if (seen->n++ == seen->stop_at)
		return 7;
	return 0;
}

/* 1 if the file at path holds the len bytes at pat anywhere. */
static int
file_holds(const char *path, const uint8_t *pat, size_t len)
{
	static uint8_t buf[1 << 20];
	size_t n, i;
	FILE *f;

	if ((f = fopen(path, "rb")) == NULL)
		return 0;
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	for (i = 0; i + len <= n; i++)
		if (memcmp(buf + i, pat, len) == 0)
			return 1;
	return 0;
}

/* Put, get by name and by hash, replace, refusals. */
static void
test_users_put(const char *path)
{
	struct user_vec alice, alice2, bob, carol, evil;
	char err[ERRLEN], res[64], longname[STORE_USER_NAME_MAX + 2];
	char longrealm[STORE_USER_REALM_MAX + 2];
	struct store_user u;
	struct store *s;

	user_vec(&alice, "alice", "example.org", 1);
	user_vec(&alice2, "alice", "other.org", 2);
	user_vec(&bob, "bob", "example.org", 3);
	user_vec(&carol, "carol", "example.org", 4);
	if ((s = store_open(path, err, sizeof(err))) == NULL) {
		tap_ok(0, "users: opened (%s)", err);
		return;
	}
	/* Put out of name order, to see the list sort. */
	tap_ok(user_put(s, &carol, 30) == 0 && user_put(s, &alice, 10) == 0 &&
	    user_put(s, &bob, 20) == 0, "users: put carol, alice, bob");
	tap_ok(store_user_get(s, "alice", &u) == 0 && user_same(&u, &alice, 10),
	    "users: get alice by name");
	tap_ok(store_user_get_by_hash(s, bob.hash, &u) == 0 &&
	    user_same(&u, &bob, 20), "users: get bob by userhash");
	memset(&u, 0x5a, sizeof(u));
	tap_ok(store_user_get(s, "dave", &u) == 1 && u.name[0] == '\0' &&
	    u.key_md5[0] == 0, "users: unknown name is 1, struct wiped");
	tap_is_int(store_user_get(s, "Alice", &u), 1,
	    "users: names are case-sensitive");
	tap_is_int(store_user_get_by_hash(s, carol.sha256, &u), 1,
	    "users: unknown userhash is 1");

	tap_is_int(user_put(s, &alice2, 11), 0, "users: replace alice");
	tap_ok(store_user_get(s, "alice", &u) == 0 &&
	    user_same(&u, &alice2, 11), "users: new realm, keys, created");
	tap_is_int(store_user_get_by_hash(s, alice.hash, &u), 1,
	    "users: old userhash gone");
	tap_ok(store_user_get_by_hash(s, alice2.hash, &u) == 0 &&
	    user_same(&u, &alice2, 11), "users: new userhash found");
	side_sql(path, "SELECT count(*) FROM users", res, sizeof(res));
	tap_is_str(res, "3", "users: replace kept one row");

	/* Another user with bob's userhash: refused, bob untouched. */
	user_vec(&evil, "eve", "example.org", 5);
	memcpy(evil.hash, bob.hash, sizeof(evil.hash));
	tap_is_int(user_put(s, &evil, 40), -1, "users: duplicate userhash refused");
	tap_ok(store_user_get_by_hash(s, bob.hash, &u) == 0 &&
	    user_same(&u, &bob, 20) && store_user_get(s, "eve", &u) == 1,
	    "users: bob kept, eve not added");

	user_vec(&evil, "eve", "example.org", 5);
	memset(longname, 'n', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	evil.name = longname;
	tap_is_int(user_put(s, &evil, 1), -1, "users: 129-byte name refused");
	longname[STORE_USER_NAME_MAX] = '\0';
	tap_ok(user_put(s, &evil, 1) == 0 && store_user_get(s, longname, &u) ==
	    0 && strcmp(u.name, longname) == 0,
	    "users: 128-byte name kept whole");
	tap_is_int(store_user_del(s, longname), 1, "users: delete it");
	evil.name = "";
	tap_is_int(user_put(s, &evil, 1), -1, "users: empty name refused");
	memset(longrealm, 'r', sizeof(longrealm) - 1);
	longrealm[sizeof(longrealm) - 1] = '\0';
	evil.name = "eve";
	evil.realm = longrealm;
	tap_is_int(user_put(s, &evil, 1), -1, "users: 764-byte realm refused");
	evil.realm = "";
	tap_is_int(user_put(s, &evil, 1), -1, "users: empty realm refused");
	store_close(s);
}

/* List order and stop, delete, persistence, malformed rows. */
static void
test_users_list(const char *path)
{
	struct user_seen seen;
	struct user_vec bob;
	char err[ERRLEN], res[64];
	struct store_user u;
	struct store *s;

	user_vec(&bob, "bob", "example.org", 3);
	if ((s = store_open(path, err, sizeof(err))) == NULL) {
		tap_ok(0, "users: reopened (%s)", err);
		return;
	}
	tap_ok(store_user_get_by_hash(s, bob.hash, &u) == 0 &&
	    user_same(&u, &bob, 20), "users: bob kept across reopen");
	memset(&seen, 0, sizeof(seen));
	seen.stop_at = -1;
	tap_ok(store_user_list(s, user_seen_cb, &seen) == 0 && seen.n == 3 &&
	    strcmp(seen.names[0], "alice") == 0 &&
	    strcmp(seen.names[1], "bob") == 0 &&
	    strcmp(seen.names[2], "carol") == 0, "users: list in name order");
	memset(&seen, 0, sizeof(seen));
	seen.stop_at = 1;
	tap_ok(store_user_list(s, user_seen_cb, &seen) == 7 && seen.n == 2,
	    "users: a callback's non-zero return stops the list");
	memset(&seen, 0, sizeof(seen));
	seen.stop_at = -1;
	tap_ok(store_user_list(s, user_seen_cb, &seen) == 0 && seen.n == 3,
	    "users: list again after a stop");

	tap_is_int(store_user_del(s, "alice"), 1, "users: delete alice");
	tap_is_int(store_user_del(s, "alice"), 0, "users: delete again is 0");
	tap_is_int(store_user_get(s, "alice", &u), 1, "users: alice gone");
	tap_is_int(store_user_del(s, "nobody"), 0, "users: delete unknown is 0");

	side_sql(path, "UPDATE users SET key_md5 = x'0102' WHERE name = 'carol'",
	    res, sizeof(res));
	tap_is_int(store_user_get(s, "carol", &u), -1,
	    "users: short key_md5 is a malformed row");
	memset(&seen, 0, sizeof(seen));
	seen.stop_at = -1;
	tap_ok(store_user_list(s, user_seen_cb, &seen) == -1 && seen.n == 1,
	    "users: list stops with -1 at a malformed row");
	tap_ok(store_user_get(s, "bob", &u) == 0 && user_same(&u, &bob, 20),
	    "users: other rows still readable");
	tap_is_int(store_user_del(s, "carol"), 1, "users: malformed row deletable");
	store_close(s);
}

/* A deleted or replaced key is not left in the file (secure_delete). */
static void
test_users_wiped(void)
{
	struct user_vec dan, dan2;
	char err[ERRLEN], path[PATH_MAX];
	struct store *s;

	tmp_path(path, "wiped.db");
	user_vec(&dan, "dan", "example.org", 9);
	user_vec(&dan2, "dan", "example.org", 10);
	if ((s = store_open(path, err, sizeof(err))) == NULL ||
	    user_put(s, &dan, 1) == -1)
		abort();
	store_close(s);		/* checkpoints the WAL into the file */
	/* Without this, the test below could not fail. */
	tap_ok(file_holds(path, dan.sha256, sizeof(dan.sha256)),
	    "wiped: a stored key is in the file");
	if ((s = store_open(path, err, sizeof(err))) == NULL ||
	    user_put(s, &dan2, 2) == -1)
		abort();
	store_close(s);
	tap_ok(!file_holds(path, dan.sha256, sizeof(dan.sha256)) &&
	    file_holds(path, dan2.sha256, sizeof(dan2.sha256)),
	    "wiped: a replaced key is gone from the file");
	if ((s = store_open(path, err, sizeof(err))) == NULL ||
	    store_user_del(s, "dan") != 1)
		abort();
	store_close(s);
	tap_ok(!file_holds(path, dan2.sha256, sizeof(dan2.sha256)),
	    "wiped: a deleted key is gone from the file");
}

/* The schema chorusd 1 wrote, verbatim, with a little data. */
static const char *const v1_db =
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
	") WITHOUT ROWID;"
	"INSERT INTO meta VALUES('first_start', '1700000000');"
	"INSERT INTO totals VALUES('sessions', 42);"
	"INSERT INTO history VALUES(100, 'rx', 5);"
	"PRAGMA journal_mode = WAL;"
	"PRAGMA user_version = 1;";

/* A version 1 database is upgraded in place, its data kept. */
static void
test_upgrade(void)
{
	char err[ERRLEN], path[PATH_MAX], res[64], val[32];
	struct user_vec vic;
	struct store_user u;
	struct store *s;
	sqlite3 *db;
	uint64_t v;

	tmp_path(path, "v1.db");
	if (sqlite3_open(path, &db) != SQLITE_OK ||
	    sqlite3_exec(db, v1_db, NULL, NULL, NULL) != SQLITE_OK) {
		tap_diag("v1: %s", sqlite3_errmsg(db));
		abort();
	}
	sqlite3_close(db);
	side_sql(path, "PRAGMA user_version", res, sizeof(res));
	tap_is_str(res, "1", "upgrade: made a version 1 file");
	if ((s = store_open(path, err, sizeof(err))) == NULL) {
		tap_ok(0, "upgrade: opened (%s)", err);
		return;
	}
	tap_is_int(store_version(s), 6, "upgrade: store_version 6");
	tap_ok(store_meta_get(s, "first_start", val, sizeof(val)) == 0 &&
	    strcmp(val, "1700000000") == 0, "upgrade: meta kept");
	tap_ok(store_total_get(s, "sessions", &v) == 0 && v == 42,
	    "upgrade: totals kept");
	tap_ok(store_history_get(s, "rx", 100, &v) == 0 && v == 5,
	    "upgrade: history kept");
	user_vec(&vic, "vic", "example.org", 11);
	tap_ok(user_put(s, &vic, 5) == 0 &&
	    store_user_get_by_hash(s, vic.hash, &u) == 0 &&
	    user_same(&u, &vic, 5), "upgrade: users table works");
	store_close(s);
	side_sql(path, "PRAGMA user_version", res, sizeof(res));
	tap_is_str(res, "6", "upgrade: user_version 6 on disk");
	side_sql(path, "SELECT sql FROM sqlite_master WHERE name = 'users'",
	    res, sizeof(res));
	tap_ok(strstr(res, "CREATE TABLE users") != NULL,
	    "upgrade: users table created");
	if ((s = store_open(path, err, sizeof(err))) == NULL) {
		tap_ok(0, "upgrade: reopened (%s)", err);
		return;
	}
	tap_ok(store_version(s) == 6 && store_user_get(s, "vic", &u) == 0,
	    "upgrade: reopen runs no migration again");
	store_close(s);
}

/* Expect store_open(path) to fail with a message containing what. */
static void
refused(const char *path, const char *what, const char *name)
{
	char err[ERRLEN];
	struct store *s;

	err[0] = '\0';
	s = store_open(path, err, sizeof(err));
	tap_ok(s == NULL && tap_has(err, what), "%s: refused, \"%s\"", name, what);
	store_close(s);
}

/* Make a database at path holding MANY_ROWS history rows; its size. */
static off_t
make_big(const char *path)
{
	char err[ERRLEN], name[16];
	struct store *s;
	struct stat st;
	int i;

	if ((s = store_open(path, err, sizeof(err))) == NULL) {
		tap_diag("%s", err);
		abort();
	}
	for (i = 0; i < MANY_ROWS; i++) {
		snprintf(name, sizeof(name), "n%d", i % 7);
		if (store_history_add(s, i, name, (uint64_t)i * 1000) == -1)
			abort();
	}
	store_close(s);
	if (stat(path, &st) == -1)
		abort();
	return st.st_size;
}

/* Overwrite page pgno (1-based) of path with a 0xA5 pattern. */
static void
smash_page(const char *path, long pgno)
{
	unsigned char hdr[18], page[65536];
	size_t size;
	int fd;

	if ((fd = open(path, O_RDWR)) == -1 ||
	    pread(fd, hdr, sizeof(hdr), 0) != (ssize_t)sizeof(hdr))
		abort();
	/* Database header offset 16: page size, big endian; 1 is 65536. */
	size = (size_t)hdr[16] << 8 | hdr[17];
	if (size == 1)
		size = 65536;
	memset(page, 0xA5, size);
	if (pwrite(fd, page, size, (off_t)(pgno - 1) * (off_t)size) !=
	    (ssize_t)size || close(fd) == -1)
		abort();
}

/* Garbage, damaged pages and a newer schema are refused. */
static void
test_refused(void)
{
	char path[PATH_MAX], side[PATH_MAX], wal[PATH_MAX];
	unsigned char junk[GARBAGE_LEN];
	uint32_t x = 0x9e3779b9;
	off_t size;
	size_t i;
	int fd;

	for (i = 0; i < sizeof(junk); i++) {	/* xorshift32 */
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		junk[i] = (unsigned char)x;
	}
	tmp_path(path, "garbage.db");
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600)) == -1 ||
	    write(fd, junk, sizeof(junk)) != (ssize_t)sizeof(junk) ||
	    close(fd) == -1)
		abort();
	refused(path, "the database is corrupt (", "garbage");
	refused(path, "-wal, ", "garbage");
	refused(path, "restore a backup", "garbage");

	tmp_path(path, "page3.db");
	size = make_big(path);
	pathf(wal, "%s-wal", path);
	tap_ok(size > 8 * 4096 && access(wal, F_OK) == -1,
	    "damaged: several pages, checkpointed on close");
	smash_page(path, 3);
	refused(path, "corrupt", "page 3 overwritten");

	tmp_path(path, "pagemid.db");
	size = make_big(path);
	smash_page(path, (long)(size / 4096 / 2));
	refused(path, "corrupt", "middle page overwritten");

	tmp_path(path, "newer.db");
	make_big(path);
	side_sql(path, "PRAGMA user_version = 99", side, sizeof(side));
	refused(path, "written by a newer chorusd (schema 99, this build "
	    "knows 6); upgrade chorusd", "user_version 99");

	tmp_path(path, "missing/dir/x.db");
	refused(path, "x.db: ", "missing directory");
}

/* Run every test in a fresh temporary directory, then remove it. */
/* netrec_list callback: count the records, keep the last one's size. */
static int
netrec_count(const uint8_t *rec, size_t len, void *arg)
{
	size_t *n = arg;

	(void)rec;
	n[0]++;
	n[1] = len;
	return 0;
}

/* Node network records: newest per signer and subject, expiry, pruning. */
static void
test_netrecs(const char *path)
{
	uint8_t a[STORE_ID_LEN], b[STORE_ID_LEN], rec[100];
	struct store_netrec r;
	char err[512];
	struct store *s;
	size_t n[2];

	if ((s = store_open(path, err, sizeof(err))) == NULL) {
		tap_ok(0, "netrec: open (%s)", err);
		return;
	}
	memset(a, 0xaa, sizeof(a));
	memset(b, 0xbb, sizeof(b));
	memset(rec, 1, sizeof(rec));
	r = (struct store_netrec){ .kind = 1, .signer = a, .subject = a,
	    .issued = 100, .expires = 200, .received = 100, .rec = rec,
	    .len = 50 };
	tap_is_int(store_netrec_put(s, &r), 1, "netrec: a descriptor kept");
	r.len = 60;
	tap_is_int(store_netrec_put(s, &r), 0,
	    "netrec: the same issue time is not newer");
	r.issued = 99;
	tap_is_int(store_netrec_put(s, &r), 0, "netrec: an older one is not kept");
	r.issued = 150;
	r.len = 70;
	tap_is_int(store_netrec_put(s, &r), 1, "netrec: a newer one replaces it");
	r.subject = b;
	r.kind = 2;
	tap_is_int(store_netrec_put(s, &r), 1, "netrec: a report kept apart");
	memset(n, 0, sizeof(n));
	tap_is_int(store_netrec_list(s, 1, 120, netrec_count, n), 0,
	    "netrec: list");
	tap_ok(n[0] == 1 && n[1] == 70, "netrec: one descriptor, the newest "
	    "(%zu, %zu bytes)", n[0], n[1]);
	memset(n, 0, sizeof(n));
	(void)store_netrec_list(s, 1, 200, netrec_count, n);
	tap_is_int((long long)n[0], 0, "netrec: expired ones are not listed");
	tap_is_int(store_netrec_prune(s, 200), 2, "netrec: pruning removes both");
	store_close(s);
}


/* An ID whose every byte is b. */
static const uint8_t *
id_of(uint8_t out[STORE_ID_LEN], int b)
{
	memset(out, b, STORE_ID_LEN);
	return out;
}

/* side_sql() as a number. */
static long long
side_int(const char *path, const char *sql)
{
	char res[64];

	side_sql(path, sql, res, sizeof(res));
	return strtoll(res, NULL, 10);
}

/* A challenge record about subject byte b, ended at ended. */
static struct store_challenge
challenge(int b, int64_t ended)
{
	struct store_challenge c;

	memset(&c, 0, sizeof(c));
	id_of(c.subject, b);
	c.started = ended - 30;
	c.ended = ended;
	c.outcome = 0;
	c.sent = 100;
	c.passed = 97;
	c.late = 2;
	c.forged = 1;
	c.bytes = (uint64_t)INT64_MAX;
	c.throughput_kbps = 4000000000u;
	c.rtt_median_us = 12345;
	c.rtt_spread_us = 678;
	c.loss_ppm = 1000000;
	return c;
}

/* What a list callback saw: up to 8 items, their times. */
struct seen {
	int64_t	ts[8];
	int	n;
	int	stop_at;	/* return 5 at this call, -1: never */
	struct store_challenge	c;	/* the first challenge */
	struct store_vouch	v[8];
};

static int
seen_stop(struct seen *seen)
{
	return seen->n++ == seen->stop_at ? 5 : 0;
}

static int
seen_challenge(const struct store_challenge *c, void *arg)
{
	struct seen *seen = arg;

	if (seen->n == 8)
		return -1;
	if (seen->n == 0)
		seen->c = *c;
	seen->ts[seen->n] = c->ended;
	return seen_stop(seen);
}

static int
seen_score(const struct store_score *p, void *arg)
{
	struct seen *seen = arg;

	if (seen->n == 8)
		return -1;
	seen->ts[seen->n] = p->ts;
	return seen_stop(seen);
}

static int
seen_vouch(const struct store_vouch *v, void *arg)
{
	struct seen *seen = arg;

	if (seen->n == 8)
		return -1;
	seen->v[seen->n] = *v;
	return seen_stop(seen);
}

/* List a subject's challenges into seen (fresh). */
static int
list_challenges(struct store *s, int b, size_t max, struct seen *seen,
    int stop_at)
{
	uint8_t id[STORE_ID_LEN];

	memset(seen, 0, sizeof(*seen));
	seen->stop_at = stop_at;
	return store_challenge_list(s, id_of(id, b), max, seen_challenge, seen);
}

/* Challenge records: add, list, refusals, the cap, pruning. */
static void
test_challenges(const char *path)
{
	struct store_challenge c, want;
	struct seen seen;
	char err[ERRLEN];
	struct store *s;
	uint64_t n;
	int64_t t;

	if ((s = store_open(path, err, sizeof(err))) == NULL) {
		tap_ok(0, "challenges: opened (%s)", err);
		return;
	}
	want = challenge(0x11, 1000);
	tap_is_int(store_challenge_add(s, &want, 100), 0, "challenges: add");
	tap_ok(list_challenges(s, 0x11, 10, &seen, -1) == 0 && seen.n == 1 &&
	    memcmp(&seen.c, &want, sizeof(want)) == 0,
	    "challenges: every field comes back");
	for (t = 1001; t <= 1004; t++) {
		c = challenge(t == 1003 ? 0x22 : 0x11, t);
		if (store_challenge_add(s, &c, 100) == -1)
			abort();
	}
	tap_ok(list_challenges(s, 0x11, 10, &seen, -1) == 0 && seen.n == 4 &&
	    seen.ts[0] == 1004 && seen.ts[1] == 1002 && seen.ts[3] == 1000,
	    "challenges: one subject's, newest first");
	tap_ok(list_challenges(s, 0x11, 2, &seen, -1) == 0 && seen.n == 2 &&
	    seen.ts[1] == 1002, "challenges: at most max");
	tap_ok(list_challenges(s, 0x11, 10, &seen, 1) == 5 && seen.n == 2,
	    "challenges: the callback's value stops the list");
	tap_ok(list_challenges(s, 0x33, 10, &seen, -1) == 0 && seen.n == 0,
	    "challenges: none about another node");

	c = challenge(0x11, 2000);
	c.outcome = STORE_OUTCOME_MAX + 1;
	tap_is_int(store_challenge_add(s, &c, 100), -1,
	    "challenges: outcome out of range refused");
	c.outcome = -1;
	tap_is_int(store_challenge_add(s, &c, 100), -1,
	    "challenges: negative outcome refused");
	c = challenge(0x11, 2000);
	c.bytes = (uint64_t)INT64_MAX + 1;
	tap_is_int(store_challenge_add(s, &c, 100), -1,
	    "challenges: bytes over INT64_MAX refused");
	c = challenge(0x11, 2000);
	tap_is_int(store_challenge_add(s, &c, 0), -1,
	    "challenges: max_rows 0 refused");
	tap_is_int(side_int(path, "SELECT count(*) FROM challenges"), 5,
	    "challenges: refusals wrote nothing");

	/* The cap: 5 rows, at most 3, one added: the 3 oldest go. */
	c = challenge(0x22, 900);
	tap_is_int(store_challenge_add(s, &c, 3), 0, "challenges: add at a cap");
	tap_is_int(side_int(path, "SELECT count(*) FROM challenges"), 3,
	    "challenges: the cap holds");
	tap_is_int(side_int(path, "SELECT min(ended) FROM challenges "
	    "WHERE ended > 900"), 1003, "challenges: the oldest went first");
	tap_ok(list_challenges(s, 0x22, 10, &seen, -1) == 0 && seen.n == 2 &&
	    seen.ts[0] == 1003 && seen.ts[1] == 900,
	    "challenges: the new one is kept, however old");

	tap_ok(store_challenge_prune(s, 1004, &n) == 0 && n == 2,
	    "challenges: prune before 1004 deletes 2");
	tap_ok(store_challenge_prune(s, 1004, NULL) == 0,
	    "challenges: prune again, deleted NULL");
	store_close(s);
}

/* Challenge records across reopen; malformed rows. */
static void
test_challenges_reopen(const char *path)
{
	struct store_challenge c, want;
	struct seen seen;
	char err[ERRLEN];
	struct store *s;

	if ((s = store_open(path, err, sizeof(err))) == NULL) {
		tap_ok(0, "challenges: reopened (%s)", err);
		return;
	}
	want = challenge(0x11, 1004);
	tap_ok(list_challenges(s, 0x11, 10, &seen, -1) == 0 && seen.n == 1 &&
	    memcmp(&seen.c, &want, sizeof(want)) == 0,
	    "challenges: kept across reopen");
	c = challenge(0x11, 1005);
	if (store_challenge_add(s, &c, 100) == -1)
		abort();
	side_sql(path, "UPDATE challenges SET outcome = 9 WHERE ended = 1004",
	    err, sizeof(err));
	tap_ok(list_challenges(s, 0x11, 10, &seen, -1) == 0 && seen.n == 1 &&
	    seen.ts[0] == 1005, "challenges: an unknown outcome is skipped");
	side_sql(path, "UPDATE challenges SET outcome = 0, sent = -1 "
	    "WHERE ended = 1004", err, sizeof(err));
	tap_ok(list_challenges(s, 0x11, 10, &seen, -1) == 0 && seen.n == 1,
	    "challenges: a negative count is malformed");
	side_sql(path, "UPDATE challenges SET sent = 1, loss_ppm = 4294967296 "
	    "WHERE ended = 1004", err, sizeof(err));
	tap_ok(list_challenges(s, 0x11, 10, &seen, -1) == 0 && seen.n == 1,
	    "challenges: a value over 32 bits is malformed");
	side_sql(path, "UPDATE challenges SET loss_ppm = 0 WHERE ended = 1004",
	    err, sizeof(err));
	tap_ok(list_challenges(s, 0x11, 10, &seen, -1) == 0 && seen.n == 2,
	    "challenges: and readable once repaired");
	store_close(s);
}

/* A score point of node b at ts; every number derived from v. */
static struct store_score
point(int b, int64_t ts, double v)
{
	struct store_score p;
	size_t i;

	memset(&p, 0, sizeof(p));
	id_of(p.node, b);
	p.ts = ts;
	p.score = v;
	for (i = 0; i < STORE_NCOMP; i++)
		p.comp[i] = v / (double)(i + 2);
	p.confidence = v / 7;
	return p;
}

/* List a node's score points into seen (fresh). */
static int
list_scores(struct store *s, int b, size_t max, struct seen *seen,
    int stop_at)
{
	uint8_t id[STORE_ID_LEN];

	memset(seen, 0, sizeof(*seen));
	seen->stop_at = stop_at;
	return store_score_list(s, id_of(id, b), max, seen_score, seen);
}

/* Score history: add in batches, replace, last, cap, prune, reopen. */
static void
test_scores(const char *path)
{
	struct store_score p[4], got, want;
	uint8_t id[STORE_ID_LEN];
	struct seen seen;
	char err[ERRLEN];
	struct store *s;
	uint64_t n;

	if ((s = store_open(path, err, sizeof(err))) == NULL) {
		tap_ok(0, "scores: opened (%s)", err);
		return;
	}
	tap_is_int(store_score_last(s, id_of(id, 0x44), &got), 1,
	    "scores: none yet is 1");
	p[0] = point(0x44, 100, 0.5);
	p[1] = point(0x55, 100, 0.25);
	p[2] = point(0x44, 160, 0.125);
	tap_is_int(store_scores_add(s, p, 3, 100), 0, "scores: add 3");
	want = point(0x44, 160, 0.125);
	tap_ok(store_score_last(s, id_of(id, 0x44), &got) == 0 &&
	    memcmp(&got, &want, sizeof(want)) == 0,
	    "scores: last, every field");
	p[0] = point(0x44, 160, 0.75);
	tap_is_int(store_scores_add(s, p, 1, 100), 0, "scores: same ts again");
	tap_ok(store_score_last(s, id_of(id, 0x44), &got) == 0 &&
	    got.score == 0.75 && got.comp[5] == 0.75 / 7,
	    "scores: the same node and ts is replaced");
	tap_ok(list_scores(s, 0x44, 10, &seen, -1) == 0 && seen.n == 2 &&
	    seen.ts[0] == 160 && seen.ts[1] == 100,
	    "scores: one node's, newest first");
	tap_ok(list_scores(s, 0x44, 1, &seen, -1) == 0 && seen.n == 1,
	    "scores: at most max");
	tap_ok(list_scores(s, 0x44, 10, &seen, 0) == 5 && seen.n == 1,
	    "scores: the callback's value stops the list");

	p[0] = point(0x44, 200, 0.5);
	p[1] = point(0x44, 260, 0.5);
	p[1].comp[3] = NAN;
	tap_is_int(store_scores_add(s, p, 2, 100), -1, "scores: NaN refused");
	p[1] = point(0x44, 260, INFINITY);
	tap_is_int(store_scores_add(s, p, 2, 100), -1,
	    "scores: infinity refused");
	p[1] = point(0x44, 260, 0.5);
	tap_is_int(store_scores_add(s, p, 2, 1), -1,
	    "scores: more points than the cap refused");
	tap_is_int(side_int(path, "SELECT count(*) FROM score_history"), 3,
	    "scores: refused batches wrote nothing");
	tap_is_int(store_scores_add(s, p, 0, 0), 0, "scores: none is fine");

	/* 3 rows, at most 4, two added: the oldest (ts 100, either node). */
	tap_is_int(store_scores_add(s, p, 2, 4), 0, "scores: add at a cap");
	tap_is_int(side_int(path, "SELECT count(*) FROM score_history"), 4,
	    "scores: the cap holds");
	tap_is_int(side_int(path, "SELECT min(ts) FROM score_history"), 100,
	    "scores: one of the oldest went");
	tap_is_int(side_int(path, "SELECT count(*) FROM score_history "
	    "WHERE ts = 100"), 1, "scores: only one");

	tap_ok(store_score_prune(s, 200, &n) == 0 && n == 2,
	    "scores: prune before 200 deletes 2");
	store_close(s);

	if ((s = store_open(path, err, sizeof(err))) == NULL) {
		tap_ok(0, "scores: reopened (%s)", err);
		return;
	}
	want = point(0x44, 260, 0.5);
	tap_ok(store_score_last(s, id_of(id, 0x44), &got) == 0 &&
	    memcmp(&got, &want, sizeof(want)) == 0, "scores: kept across reopen");
	tap_is_int(store_score_last(s, id_of(id, 0x55), &got), 1,
	    "scores: the pruned node has none");
	side_sql(path, "UPDATE score_history SET score = 'x' WHERE ts = 260",
	    err, sizeof(err));
	tap_ok(list_scores(s, 0x44, 10, &seen, -1) == 0 && seen.n == 1 &&
	    seen.ts[0] == 200, "scores: a malformed row is skipped");
	store_close(s);
}

/* A held vouch by voucher byte a for vouchee byte b. */
static struct store_vouch
vouch(int a, int b, int64_t first, double stake)
{
	struct store_vouch v;

	memset(&v, 0, sizeof(v));
	id_of(v.voucher, a);
	id_of(v.vouchee, b);
	v.first_seen = first;
	v.state = STORE_VOUCH_HELD;
	v.stake = stake;
	return v;
}

/* All vouch rows into seen (fresh). */
static int
list_vouches(struct store *s, struct seen *seen, int stop_at)
{
	memset(seen, 0, sizeof(*seen));
	seen->stop_at = stop_at;
	return store_vouch_list(s, seen_vouch, seen);
}

/* Vouch state: add, refusals, the cap, list, settle. */
static void
test_vouches(const char *path)
{
	struct store_vouch v, w;
	uint8_t a[STORE_ID_LEN], b[STORE_ID_LEN];
	struct seen seen;
	char err[ERRLEN];
	struct store *s;

	if ((s = store_open(path, err, sizeof(err))) == NULL) {
		tap_ok(0, "vouches: opened (%s)", err);
		return;
	}
	v = vouch(0x66, 0x77, 500, 0.125);
	tap_is_int(store_vouch_add(s, &v, 10), 1, "vouches: add");
	w = v;
	w.stake = 0.5;
	w.first_seen = 600;
	tap_is_int(store_vouch_add(s, &w, 10), 0,
	    "vouches: the pair again is 0");
	tap_ok(list_vouches(s, &seen, -1) == 0 && seen.n == 1 &&
	    memcmp(&seen.v[0], &v, sizeof(v)) == 0,
	    "vouches: the first row kept unchanged");
	w = vouch(0x66, 0x88, 400, 1);
	tap_is_int(store_vouch_add(s, &w, 10), 1, "vouches: a stake of 1");
	w = vouch(0x55, 0x88, 700, 0);
	tap_is_int(store_vouch_add(s, &w, 10), 1, "vouches: a stake of 0");
	w = vouch(0x56, 0x88, 700, 1.0001);
	tap_is_int(store_vouch_add(s, &w, 10), -1, "vouches: stake > 1 refused");
	w.stake = -0.1;
	tap_is_int(store_vouch_add(s, &w, 10), -1, "vouches: stake < 0 refused");
	w.stake = NAN;
	tap_is_int(store_vouch_add(s, &w, 10), -1, "vouches: NaN refused");
	w.stake = 0.1;
	w.state = STORE_VOUCH_FORFEIT;
	tap_is_int(store_vouch_add(s, &w, 10), -1,
	    "vouches: only held ones are added");
	w.state = STORE_VOUCH_HELD;
	tap_is_int(store_vouch_add(s, &w, 3), -1,
	    "vouches: a full table refuses");
	tap_is_int(side_int(path, "SELECT count(*) FROM vouches"), 3,
	    "vouches: refusals wrote nothing");
	tap_ok(list_vouches(s, &seen, -1) == 0 && seen.n == 3 &&
	    seen.v[0].voucher[0] == 0x55 && seen.v[1].first_seen == 400 &&
	    seen.v[2].first_seen == 500,
	    "vouches: by voucher, then first seen");
	tap_ok(list_vouches(s, &seen, 1) == 5 && seen.n == 2,
	    "vouches: the callback's value stops the list");

	tap_is_int(store_vouch_settle(s, id_of(a, 0x66), id_of(b, 0x77),
	    STORE_VOUCH_FORFEIT, 900), 1, "vouches: forfeit");
	tap_is_int(store_vouch_settle(s, a, b, STORE_VOUCH_RETURNED, 950), 0,
	    "vouches: a settled vouch is not settled again");
	tap_is_int(store_vouch_settle(s, a, id_of(b, 0x88),
	    STORE_VOUCH_HELD, 950), -1, "vouches: held is not a settlement");
	tap_is_int(store_vouch_settle(s, a, b, STORE_VOUCH_RETURNED, 950), 1,
	    "vouches: returned");
	tap_is_int(store_vouch_settle(s, a, id_of(b, 0x99),
	    STORE_VOUCH_RETURNED, 950), 0, "vouches: no such pair is 0");
	store_close(s);
}

/* Vouches across reopen, pruning by state, malformed rows. */
static void
test_vouches_settled(const char *path)
{
	struct store_vouch w;
	struct seen seen;
	char err[ERRLEN];
	struct store *s;
	uint64_t n;

	if ((s = store_open(path, err, sizeof(err))) == NULL) {
		tap_ok(0, "vouches: reopened (%s)", err);
		return;
	}
	tap_ok(list_vouches(s, &seen, -1) == 0 && seen.n == 3 &&
	    seen.v[0].state == STORE_VOUCH_HELD && seen.v[0].settled == 0 &&
	    seen.v[1].state == STORE_VOUCH_RETURNED &&
	    seen.v[1].settled == 950 && seen.v[1].stake == 1 &&
	    seen.v[2].state == STORE_VOUCH_FORFEIT &&
	    seen.v[2].settled == 900 && seen.v[2].stake == 0.125,
	    "vouches: states and stakes kept across reopen");
	tap_ok(store_vouch_prune(s, 950, 901, &n) == 0 && n == 1,
	    "vouches: a forfeit past its time is pruned");
	tap_ok(store_vouch_prune(s, 951, 0, &n) == 0 && n == 1,
	    "vouches: a returned one past its time is pruned");
	tap_ok(store_vouch_prune(s, INT64_MAX, INT64_MAX, NULL) == 0 &&
	    list_vouches(s, &seen, -1) == 0 && seen.n == 1 &&
	    seen.v[0].state == STORE_VOUCH_HELD,
	    "vouches: a held one is never pruned");
	w = vouch(0x66, 0x77, 1000, 0.25);
	tap_is_int(store_vouch_add(s, &w, 10), 1,
	    "vouches: a pruned pair can vouch again");
	side_sql(path, "UPDATE vouches SET stake = 2 WHERE first_seen = 700",
	    err, sizeof(err));
	tap_ok(list_vouches(s, &seen, -1) == 0 && seen.n == 1 &&
	    seen.v[0].first_seen == 1000,
	    "vouches: a row with a stake out of range is skipped");
	side_sql(path, "UPDATE vouches SET stake = 0.5, state = 3 "
	    "WHERE first_seen = 700", err, sizeof(err));
	tap_ok(list_vouches(s, &seen, -1) == 0 && seen.n == 1,
	    "vouches: a row with an unknown state is skipped");
	store_close(s);
	tap_is_int(side_int(path, "SELECT count(*) FROM sqlite_master WHERE "
	    "sql LIKE '%addr%' OR sql LIKE '% ip %' OR sql LIKE '%port%'"), 0,
	    "no table has an address column");
}

/* The schema chorusd wrote at version 3 (v1 plus users and netrecs). */
static const char *const v3_tables =
	"CREATE TABLE users ("
	"  name TEXT PRIMARY KEY,"
	"  realm TEXT NOT NULL,"
	"  key_md5 BLOB NOT NULL,"
	"  key_sha256 BLOB NOT NULL,"
	"  userhash BLOB NOT NULL UNIQUE,"
	"  created INTEGER NOT NULL"
	") WITHOUT ROWID;"
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
	"CREATE INDEX netrecs_expires ON netrecs(expires);"
	"INSERT INTO netrecs VALUES(2, x'aa', x'bb', 10, 5000000000, 10, "
	"  x'0102030405');"
	"PRAGMA user_version = 3;";

/* A version 3 database gains the ledger's tables, its records kept. */
static void
test_upgrade_v3(void)
{
	char err[ERRLEN], path[PATH_MAX], res[64];
	struct store_challenge c = challenge(0x11, 10);
	struct store_vouch v = vouch(1, 2, 3, 0.5);
	struct store_score p = point(0x44, 10, 0.5);
	struct store *s;
	sqlite3 *db;
	size_t n[2] = { 0, 0 };

	tmp_path(path, "v3.db");
	if (sqlite3_open(path, &db) != SQLITE_OK ||
	    sqlite3_exec(db, v1_db, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(db, v3_tables, NULL, NULL, NULL) != SQLITE_OK) {
		tap_diag("v3: %s", sqlite3_errmsg(db));
		abort();
	}
	sqlite3_close(db);
	side_sql(path, "PRAGMA user_version", res, sizeof(res));
	tap_is_str(res, "3", "upgrade v3: made a version 3 file");
	if ((s = store_open(path, err, sizeof(err))) == NULL) {
		tap_ok(0, "upgrade v3: opened (%s)", err);
		return;
	}
	tap_is_int(store_version(s), 6, "upgrade v3: store_version 6");
	tap_ok(store_netrec_list(s, 2, 100, netrec_count, n) == 0 &&
	    n[0] == 1 && n[1] == 5, "upgrade v3: the stored record kept");
	tap_ok(store_challenge_add(s, &c, 10) == 0 &&
	    store_scores_add(s, &p, 1, 10) == 0 &&
	    store_vouch_add(s, &v, 10) == 1,
	    "upgrade v3: the ledger's tables work");
	store_close(s);
	side_sql(path, "PRAGMA user_version", res, sizeof(res));
	tap_is_str(res, "6", "upgrade v3: user_version 6 on disk");
	tap_is_int(side_int(path, "SELECT (SELECT count(*) FROM challenges) + "
	    "(SELECT count(*) FROM score_history) + "
	    "(SELECT count(*) FROM vouches)"), 3,
	    "upgrade v3: one row in each new table");
	side_sql(path, "PRAGMA integrity_check", res, sizeof(res));
	tap_is_str(res, "ok", "upgrade v3: integrity_check");
}

int
main(void)
{
	char path[PATH_MAX];
	const char *t;

	if ((t = getenv("TMPDIR")) == NULL || *t == '\0')
		t = "/tmp";
	pathf(base, "%s/test_store.XXXXXX", t);
	if (mkdtemp(base) == NULL) {
		perror(base);
		return 1;
	}
	tmp_path(path, STORE_FILE);

	test_create(path);
	test_totals(path);
	test_history(path);
	test_users_put(path);
	test_users_list(path);
	test_users_wiped();
	test_netrecs(path);
	test_challenges(path);
	test_challenges_reopen(path);
	test_scores(path);
	test_vouches(path);
	test_vouches_settled(path);
	test_upgrade();
	test_upgrade_v3();
	test_refused();
	store_close(NULL);
	tap_ok(1, "store_close(NULL)");

	nftw(base, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	return tap_done();
}

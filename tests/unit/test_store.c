/*
 * test_store.c - the SQLite store: creation (schema, WAL, mode 0600),
 * totals, meta and history across close and reopen, TURN users (keys by
 * name and by userhash, replace, delete, list order, malformed rows, no
 * key left in the file after a delete), the upgrade of a version 1 file,
 * and refusal of a garbage file, a damaged page and a database from a
 * newer chorusd.  The database is inspected through a second,
 * independent connection.
 */
#include "config.h"

#include <sys/stat.h>

#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
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
	tap_is_str(res, "3", "create: user_version 3");
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
	tap_ok(store_history_get(s, "rx", 200, &v) == 0 && v == 20,
	    "history: same ts replaces");
	tap_is_int(store_history_get(s, "rx", 400, &v), 1,
	    "history: absent is 1");
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
	tap_is_int(store_version(s), 3, "upgrade: store_version 3");
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
	tap_is_str(res, "3", "upgrade: user_version 3 on disk");
	side_sql(path, "SELECT sql FROM sqlite_master WHERE name = 'users'",
	    res, sizeof(res));
	tap_ok(strstr(res, "CREATE TABLE users") != NULL,
	    "upgrade: users table created");
	if ((s = store_open(path, err, sizeof(err))) == NULL) {
		tap_ok(0, "upgrade: reopened (%s)", err);
		return;
	}
	tap_ok(store_version(s) == 3 && store_user_get(s, "vic", &u) == 0,
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
	    "knows 3); upgrade chorusd", "user_version 99");

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
	test_upgrade();
	test_refused();
	store_close(NULL);
	tap_ok(1, "store_close(NULL)");

	nftw(base, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	return tap_done();
}

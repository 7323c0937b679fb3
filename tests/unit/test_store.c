/*
 * test_store.c - the SQLite store: creation (schema, WAL, mode 0600),
 * totals, meta and history across close and reopen, and refusal of a
 * garbage file, a damaged page and a database from a newer chorusd.
 * The database is inspected through a second, independent connection.
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

/* Permission bits of path, or -1. */
static long
mode_of(const char *path)
{
	struct stat st;

	if (stat(path, &st) == -1)
		return -1;
	return st.st_mode & 07777;
}

/* err contains what. */
static int
has(const char *err, const char *what)
{
	if (strstr(err, what) != NULL)
		return 1;
	tap_diag("  message: %s", err);
	return 0;
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
	tap_is_int(mode_of(path), 0600, "create: file mode 0600");
	/* A write makes sure the -wal file exists. */
	tap_is_int(store_totals_add(s, &name, &one, 1), 0, "create: a write");
	pathf(side, "%s-wal", path);
	tap_is_int(mode_of(side), 0600, "create: -wal mode 0600");
	pathf(side, "%s-shm", path);
	tap_is_int(mode_of(side), 0600, "create: -shm mode 0600");
	side_sql(path, "PRAGMA user_version", res, sizeof(res));
	tap_is_str(res, "1", "create: user_version 1");
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

/* Expect store_open(path) to fail with a message containing what. */
static void
refused(const char *path, const char *what, const char *name)
{
	char err[ERRLEN];
	struct store *s;

	err[0] = '\0';
	s = store_open(path, err, sizeof(err));
	tap_ok(s == NULL && has(err, what), "%s: refused, \"%s\"", name, what);
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
	    "knows 1); upgrade chorusd", "user_version 99");

	tmp_path(path, "missing/dir/x.db");
	refused(path, "x.db: ", "missing directory");
}

/* Run every test in a fresh temporary directory, then remove it. */
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
	test_refused();
	store_close(NULL);
	tap_ok(1, "store_close(NULL)");

	nftw(base, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	return tap_done();
}

/*
 * test_store_ident.c - what the store keeps about client identities:
 * the operator's deny list (add, repeat, list, delete, reopen), active
 * days (one per UTC day, however many sessions; an older day changes
 * nothing; the least active evicted at the cap; pruning), reported
 * blocks (the first report's time kept, the blocker's days and block
 * count with each, newest first, the limit, delete, the cap,
 * pruning).  That no table has a column an address could sit in is
 * tests/unit/test_store.c's check, over every table.
 */
#include "config.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../daemon/store.h"
#include "../tap.h"

static int
count_cb(const uint8_t *id, int64_t added, void *arg)
{
	int *n = arg;

	(void)id;
	(void)added;
	(*n)++;
	return 0;
}

static void
id_of(uint8_t id[STORE_ID_LEN], unsigned k)
{
	memset(id, 0, STORE_ID_LEN);
	id[0] = (uint8_t)(k >> 8);
	id[1] = (uint8_t)k;
	id[31] = 0x5a;
}

static void
test_deny(struct store *s)
{
	uint8_t a[STORE_ID_LEN], b[STORE_ID_LEN];
	int n = 0;

	id_of(a, 1);
	id_of(b, 2);
	tap_ok(store_deny_add(s, a, 100) == 0 && store_deny_add(s, b, 200) == 0,
	    "deny: two added");
	tap_ok(store_deny_add(s, a, 300) == 0, "deny: a repeat is no error");
	tap_ok(store_deny_list(s, count_cb, &n) == 0 && n == 2,
	    "deny: two listed (%d)", n);
	tap_ok(store_deny_del(s, a) == 0, "deny: one deleted");
	n = 0;
	tap_ok(store_deny_list(s, count_cb, &n) == 0 && n == 1,
	    "deny: one left (%d)", n);
}

static void
test_days(struct store *s)
{
	uint8_t a[STORE_ID_LEN], b[STORE_ID_LEN], c[STORE_ID_LEN];
	uint64_t del;

	id_of(a, 10);
	id_of(b, 11);
	id_of(c, 12);
	tap_is_int(store_ident_days(s, a), 0, "days: unknown is 0");
	store_ident_touch(s, a, 20000, 100);
	store_ident_touch(s, a, 20000, 100);
	tap_is_int(store_ident_days(s, a), 1, "days: two sessions a day: 1");
	store_ident_touch(s, a, 20001, 100);
	store_ident_touch(s, a, 20005, 100);
	tap_is_int(store_ident_days(s, a), 3, "days: three days: 3");
	store_ident_touch(s, a, 19990, 100);
	tap_is_int(store_ident_days(s, a), 3, "days: an older day: no change");
	/* At the cap of 2, the least recently seen goes. */
	store_ident_touch(s, b, 20006, 2);
	store_ident_touch(s, c, 20007, 2);
	tap_ok(store_ident_days(s, a) == 0 && store_ident_days(s, b) == 1 &&
	    store_ident_days(s, c) == 1, "days: the cap evicts the oldest");
	tap_ok(store_ident_prune(s, 20007, &del) == 0 && del == 1,
	    "days: prune before a day");
	tap_is_int(store_ident_days(s, b), 0, "days: pruned");
}

static void
test_blocks(struct store *s)
{
	uint8_t t[STORE_ID_LEN], b[4][STORE_ID_LEN], u[STORE_ID_LEN];
	struct store_block out[8];
	uint64_t del;
	unsigned i;
	int n;

	id_of(t, 100);
	id_of(u, 101);
	for (i = 0; i < 4; i++)
		id_of(b[i], 200 + i);
	store_ident_touch(s, b[0], 20000, 100);
	store_ident_touch(s, b[0], 20001, 100);
	for (i = 0; i < 3; i++)
		tap_ok(store_block_add(s, b[i], t, 1000 + i, 100) == 0,
		    "blocks: %u on the target", i);
	store_block_add(s, b[0], u, 2000, 100);
	store_block_add(s, b[0], t, 5000, 100);	/* repeat */
	n = store_block_on(s, t, out, 8);
	tap_is_int(n, 3, "blocks: three on the target");
	tap_ok(n == 3 && memcmp(out[0].blocker, b[2], STORE_ID_LEN) == 0 &&
	    out[0].since == 1002 && out[2].since == 1000,
	    "blocks: newest first, a repeat keeps the first report");
	tap_ok(n == 3 && out[2].blocker_days == 2 &&
	    out[2].blocker_nblocks == 2 && out[0].blocker_days == 0 &&
	    out[0].blocker_nblocks == 1,
	    "blocks: with the blocker's days and block count");
	tap_is_int(store_block_on(s, t, out, 2), 2, "blocks: the limit");
	store_block_del(s, b[1], t);
	tap_is_int(store_block_on(s, t, out, 8), 2, "blocks: one deleted");
	store_block_del(s, b[0], t);	/* all of b[0]'s */
	store_block_del(s, b[0], u);
	tap_is_int(store_block_on(s, t, out, 8), 1, "blocks: cleared");
	tap_is_int(store_block_on(s, u, out, 8), 0, "blocks: all of its");
	/* The cap: 2 rows, the oldest report goes. */
	store_block_add(s, b[3], t, 900, 2);
	store_block_add(s, b[3], u, 3000, 2);
	n = store_block_on(s, t, out, 8);
	tap_ok(n == 1 && out[0].since == 1002,
	    "blocks: the cap evicts the oldest report (%d)", n);
	n = store_block_on(s, u, out, 8);
	tap_ok(n == 1 && memcmp(out[0].blocker, b[3], STORE_ID_LEN) == 0 &&
	    out[0].blocker_nblocks == 1,
	    "blocks: an evicted report leaves its blocker's count (%d)", n);
	store_block_add(s, b[3], b[2], 3001, 100);
	store_block_add(s, b[3], b[1], 3002, 100);
	n = store_block_on(s, u, out, 8);
	tap_ok(n == 1 && out[0].blocker_nblocks == 3,
	    "blocks: two more reports count (%lld)", n == 1 ?
	    (long long)out[0].blocker_nblocks : -1LL);
	store_block_del(s, b[3], b[2]);
	store_block_del(s, b[3], b[2]);	/* gone already: no change */
	n = store_block_on(s, u, out, 8);
	tap_ok(n == 1 && out[0].blocker_nblocks == 2,
	    "blocks: a withdrawn report counts no more, once");
	store_block_del(s, b[3], b[1]);
	tap_ok(store_block_prune(s, 3000, &del) == 0 && del == 1,
	    "blocks: prune by age");
	tap_is_int(store_block_on(s, u, out, 8), 1, "blocks: newer kept");
}

int
main(void)
{
	char dir[PATH_MAX - 32], path[PATH_MAX], err[512];
	const char *t;
	struct store *s;
	int n = 0;

	if ((t = getenv("TMPDIR")) == NULL || *t == '\0')
		t = "/tmp";
	snprintf(dir, sizeof(dir), "%s/test_store_ident.XXXXXX", t);
	if (mkdtemp(dir) == NULL) {
		perror(dir);
		return 1;
	}
	snprintf(path, sizeof(path), "%s/chorus.db", dir);
	if ((s = store_open(path, err, sizeof(err))) == NULL) {
		tap_ok(0, "open: %s", err);
		return tap_done();
	}
	test_deny(s);
	test_days(s);
	test_blocks(s);
	store_close(s);
	if ((s = store_open(path, err, sizeof(err))) == NULL) {
		tap_ok(0, "reopen: %s", err);
		return tap_done();
	}
	tap_ok(store_deny_list(s, count_cb, &n) == 0 && n == 1,
	    "reopen: the deny list is kept");
	store_close(s);
	unlink(path);
	snprintf(path, sizeof(path), "%s/chorus.db-wal", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/chorus.db-shm", dir);
	unlink(path);
	rmdir(dir);
	return tap_done();
}
